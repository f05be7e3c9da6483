"""Worker processes that hold the store and answer `kg serve`'s requests within limits.

Neither rdflib nor Oxigraph can interrupt a running query, so each request runs in a
process that can be killed: when it passes its time limit (counted from the request's
arrival, queueing included) or grows by more than its memory limit.  Forking a process per
request costs more than a small query does, so a few workers live long and answer one
request after another, and only one that is killed is replaced:

    server (HTTP, this pool) --starts--> zygote --forks--> workers

The zygote is a fresh interpreter that loads a memory store once (or a sparql: store's
client); workers forked from it share the loaded graph and are ready in milliseconds.  An
open Oxigraph store cannot be forked, so there each worker opens it read-only itself.

Scheduling.  At most ``workers`` requests run; up to ``queue`` more wait, and past that a
request is refused at once (Busy).  A request is *long* once it has run for QUICK seconds,
not counting time its worker spent waiting for a processor.
At most half the workers run long requests, so the others are left for quick ones; a
request that turns long when that many already run is stopped and waits for a long place,
then starts again from the beginning.  A long request runs at a lower processor priority,
and its worker is replaced after it.  Requests that turned long are remembered (the last
KNOWN_SLOW), and the same request sent again waits for a long place at once.  So a small
query waits behind slow ones for QUICK at most, and mostly not at all.

Updates run one at a time, as long requests, under the same limits (so the worker that ran
one is replaced, whatever happened).  On a memory store the worker reports the quads its
update changed; the zygote applies them, and workers holding the old state are retired and
replaced by forks of the new one.  An Oxigraph store cannot
be read by some processes while another writes it, so there an update has the store to
itself: new requests wait, running ones finish, the readers stop, one writer opens the
store and updates it, and fresh readers open it after.  Meanwhile (and always) the pool
holds the store's writer lock, so that no other process (a `kg build`) writes under its
readers.
"""
from __future__ import annotations

import asyncio
import bisect
import os
import signal
import socket
import subprocess
import sys
import traceback
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import Any, Callable

from .model import KgError
from .stores import Store, open_store, store_class

QUICK = 0.25  # seconds of its own (see _Job.own_time) after which a running request counts as long
KNOWN_SLOW = 256  # requests remembered as long: the same one sent again goes straight to a long place
LONG_NICENESS = 10  # how much lower a long request's CPU priority is than the server's
MEMORY_CHECK = 0.1  # seconds between looks at the busy workers' memory
EXIT_WAIT = 10.0  # seconds to wait for a stopped worker to be gone before an Oxigraph writer opens the store
PAGE = os.sysconf("SC_PAGE_SIZE")


class PoolError(Exception):
    """A request the pool did not see through; the message tells the client why."""


class Busy(PoolError):
    """Refused on arrival: the queue is full."""


class OverTime(PoolError):
    """Stopped at its time limit, waiting or running."""


class OverMemory(PoolError):
    """Stopped for growing its worker past the memory limit."""


class Crashed(PoolError):
    """Its worker failed, ended, or cannot be started."""


@dataclass(frozen=True)
class Limits:
    workers: int = 4  # processes answering requests
    queue: int = 32  # requests that may wait for a worker
    timeout: float = 30.0  # seconds from a request's arrival to its answer
    memory_mb: int = 1024  # how much a worker may grow while answering


def processor_wait(pid: int) -> float:
    """Seconds a process has spent ready to run but waiting for a processor, 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def resident_bytes(pid: int) -> int:
    """A process's resident memory, 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


# ---- in the zygote and the workers -------------------------------------------------------------

def zygote() -> None:
    """The zygote's main: ``python -c 'from kg.workers import zygote; zygote()' FD SPEC FOLDER MODULE…``.

    It opens the store if the store may be forked, says so on the control connection, then
    forks a worker for each request that the server sends with the worker's end of a socket
    pair, and applies the changes of memory-store updates so that later forks have them."""
    control = Connection(int(sys.argv[1]))
    spec, folder = sys.argv[2], Path(sys.argv[3]) if sys.argv[3] else None
    try:
        for module in sys.argv[4:]:  # what the workers' jobs need, imported once here
            __import__(module)
        cls, _ = store_class(spec)
        store = open_store(spec, folder) if cls.fork_safe else None
    except KgError as err:
        control.send(("error", err.where, err.reason))
        return
    control.send(("ready",))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps finished workers
    while True:
        try:
            message = control.recv()
        except EOFError:
            return
        if message[0] == "changes":
            store.apply(message[1])
            continue
        handle = recv_handle(control)
        if os.fork() == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            control.close()
            code = 0
            try:
                _work(Connection(handle), store, spec, folder, writable=message[1])
            except OSError:  # the server hung up: nobody to answer
                pass
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(handle)


def _work(conn: Connection, store: Store | None, spec: str, folder: Path | None, writable: bool) -> None:
    """A worker: run each job sent, send back its result, until the server hangs up."""
    if store is None:
        try:
            store = open_store(spec, folder, read_only=not writable)
        except KgError as err:
            conn.send(("error", err.where, err.reason))
            return
    conn.send(("ready", os.getpid(), resident_bytes(os.getpid())))
    while True:
        try:
            job, args = conn.recv()
        except EOFError:
            if writable:
                store.close()
            return
        try:
            outcome = ("done", job(store, *args))
        except Exception as err:  # reported to the client as a failure, never left hanging
            outcome = ("failed", f"{type(err).__name__}: {err}")
        conn.send(outcome)


# ---- in the server -------------------------------------------------------------------------------

@dataclass(eq=False)
class _Job:
    run: Callable
    args: tuple
    write: bool
    arrival: float
    future: asyncio.Future
    worker: _Worker | None = None
    started: float = 0.0
    waited: float = 0.0  # seconds its worker had waited for a processor when it started
    long: bool = False
    timers: list = field(default_factory=list)

    @property
    def key(self) -> int:
        """The same request sent again has the same key."""
        return hash((self.run.__qualname__, self.args))

    def own_time(self, now: float) -> float:
        """How long it has run, less the time its worker waited for a processor: a request that
        is slow only because the machine is busy is not held against it (one that waits for a
        remote store is)."""
        return now - self.started - (processor_wait(self.worker.pid) - self.waited)


@dataclass(eq=False)
class _Worker:
    conn: Connection
    generation: int
    writable: bool
    ready: asyncio.Future
    pid: int = 0
    baseline: int = 0  # resident bytes when it became ready
    job: _Job | None = None


class Pool:
    """Long-lived workers over one store, and the queue in front of them (see the module's doc)."""

    def __init__(self, spec: str | None, folder: Path | None, limits: Limits, preload: tuple[str, ...] = ()):
        self.spec = spec or "folder"
        self.folder = folder
        self.limits = limits
        self.preload = preload
        self.cls, self.argument = store_class(spec)
        self.long_places = max(1, limits.workers // 2)
        self.workers: list[_Worker] = []
        self.fresh: deque[_Job] = deque()  # arrived and not yet started
        self.slow: list[_Job] = []  # known to be long, waiting for a long place, by arrival
        self.known_slow: OrderedDict[int, None] = OrderedDict()  # requests that turned long lately
        self.writes: deque[_Job] = deque()
        self.generation = 0  # a worker of an older one holds the store as it was before an update
        self.writing = False  # an update that needs the store to itself is under way
        self.failure: str | None = None  # why workers cannot be started any more
        self.serving = False  # started: from now on a worker that cannot start fails the requests
        self.lock = None

    # -- life

    async def start(self) -> None:
        """Start the zygote and the workers; KgError if the store cannot be opened."""
        self.loop = asyncio.get_running_loop()
        self.lock = self.cls.writer_lock(self.argument)
        if self.lock is not None and not self.lock.acquire():
            raise KgError(self.argument, "another process (a kg build?) is writing this store; "
                                         "serve it when that has finished")
        ours, theirs = socket.socketpair()
        self.zygote = subprocess.Popen(
            [sys.executable, "-c", "from kg.workers import zygote; zygote()", str(theirs.fileno()), self.spec,
             str(self.folder or ""), *self.preload], pass_fds=[theirs.fileno()],
            start_new_session=True)  # a Ctrl-C is for the server, which then stops the workers
        theirs.close()
        self.control = Connection(ours.detach())
        await self._readable(self.control)
        try:
            reply = self.control.recv()
        except EOFError:
            reply = ("error", self.spec, "the worker processes could not be started")
        if reply[0] == "error":
            await self.close()
            raise KgError(*reply[1:])
        self._fill()
        try:
            await asyncio.gather(*(worker.ready for worker in self.workers))
        except KgError:
            await self.close()
            raise
        self.watch = self.loop.call_later(MEMORY_CHECK, self._watch_memory)
        self.serving = True

    async def close(self) -> None:
        self.failure = "the server is stopping"
        if self.serving:
            self.watch.cancel()
        for worker in list(self.workers):
            self._kill(worker)
        self.control.close()
        await self.loop.run_in_executor(None, self.zygote.wait)
        if self.lock is not None:
            self.lock.release()

    # -- requests

    async def run(self, job: Callable[..., Any], *args, write: bool = False) -> Any:
        """``job(store, *args)`` in a worker, within the limits.  A write job returns
        (answer, Changes or None) and this returns the answer.  Raises a PoolError when the
        request is refused or stopped."""
        if self.failure:
            raise Crashed(self.failure)
        queued = _Job(job, args, write, self.loop.time(), self.loop.create_future())
        if write:
            self.writes.append(queued)
        elif queued.key in self.known_slow:
            queued.long = True
            self.slow.append(queued)
        else:
            self.fresh.append(queued)
        self._dispatch()
        if self._waiting() > self.limits.queue and self._unqueue(queued):
            raise Busy(f"the server is busy: {self.limits.queue} requests are waiting already; try again shortly")
        queued.timers.append(self.loop.call_at(queued.arrival + self.limits.timeout, self._overtime, queued))
        try:
            return await queued.future
        except asyncio.CancelledError:
            self._stop(queued, None)
            raise

    def _waiting(self) -> int:
        return len(self.fresh) + len(self.slow) + len(self.writes)

    def _unqueue(self, job: _Job) -> bool:
        """Take a job out of the queue it waits in; False if it waits in none."""
        for queue in (self.fresh, self.slow, self.writes):
            if job in queue:
                queue.remove(job)
                return True
        return False

    def _stop(self, job: _Job, error: PoolError | None) -> None:
        """End a request, waiting or running (its worker is killed), with ``error`` for its client."""
        for timer in job.timers:
            timer.cancel()
        if job.worker is not None:
            self._remember(job, slow=isinstance(error, (OverTime, OverMemory)))
            self._kill(job.worker)
        else:
            self._unqueue(job)
        if error is not None and not job.future.done():
            job.future.set_exception(error)
        self._fill()
        self._dispatch()

    def _overtime(self, job: _Job) -> None:
        if job.future.done():
            return
        self._stop(job, OverTime(f"the request took longer than {self.limits.timeout:g} s "
                                 "(counted from its arrival) and was stopped"))

    def _watch_memory(self) -> None:
        limit = self.limits.memory_mb * 2**20
        for worker in list(self.workers):
            if worker.job is not None and resident_bytes(worker.pid) - worker.baseline > limit:
                self._stop(worker.job, OverMemory(f"the request used more than {self.limits.memory_mb} MB "
                                                  "of memory and was stopped"))
        self.watch = self.loop.call_later(MEMORY_CHECK, self._watch_memory)

    # -- scheduling

    def _dispatch(self) -> None:
        """Start what may start on the idle workers."""
        if self.writing:
            return
        if self.writes and not self.cls.fork_safe:
            if all(worker.pid and worker.job is None for worker in self.workers):
                self.writing = True
                self.loop.create_task(self._write_alone(self.writes.popleft()))
            return
        for worker in list(self.workers):
            if worker.pid and worker.job is None and not worker.writable and worker.generation == self.generation:
                job = self._next()
                if job is None:
                    return
                self._begin(job, worker)

    def _next(self) -> _Job | None:
        running = [worker.job for worker in self.workers if worker.job is not None]
        if sum(job.long for job in running) < self.long_places:
            if self.writes and not any(job.write for job in running):
                job = self.writes.popleft()
                job.long = True
                return job
            if self.slow:
                return self.slow.pop(0)
        return self.fresh.popleft() if self.fresh else None

    def _begin(self, job: _Job, worker: _Worker) -> None:
        job.worker, worker.job = worker, job
        job.started = self.loop.time()
        job.waited = processor_wait(worker.pid)
        if job.long:
            self._lower_priority(worker)
        else:
            job.timers.append(self.loop.call_later(QUICK, self._turned_long, job))
        try:
            worker.conn.send((job.run, job.args))
        except OSError:
            self._lost(worker)

    def _turned_long(self, job: _Job) -> None:
        if job.worker is None or job.future.done():
            return
        if job.own_time(self.loop.time()) < QUICK:
            job.timers.append(self.loop.call_later(QUICK / 2, self._turned_long, job))
            return
        self._remember(job, slow=True)
        if sum(1 for worker in self.workers if worker.job is not None and worker.job.long) < self.long_places:
            job.long = True
            self._lower_priority(job.worker)
            return
        self._kill(job.worker)
        job.long = True
        bisect.insort(self.slow, job, key=lambda queued: queued.arrival)
        self._fill()
        self._dispatch()

    def _remember(self, job: _Job, slow: bool) -> None:
        """Remember a running request that turned long or passed a limit, so that the same
        request goes straight to a long place, waiting ones included; forget one that was
        quick this time."""
        if slow:
            self.known_slow[job.key] = None
            self.known_slow.move_to_end(job.key)
            if len(self.known_slow) > KNOWN_SLOW:
                self.known_slow.popitem(last=False)
            for same in [queued for queued in self.fresh if queued.key == job.key]:
                self.fresh.remove(same)
                same.long = True
                bisect.insort(self.slow, same, key=lambda queued: queued.arrival)
        elif job.own_time(self.loop.time()) < QUICK:
            self.known_slow.pop(job.key, None)

    def _lower_priority(self, worker: _Worker) -> None:
        """Let quick requests, and the server, have the processor before a long request does.
        The worker is replaced after it (an unprivileged process cannot raise its priority again)."""
        niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + LONG_NICENESS)
        try:
            os.setpriority(os.PRIO_PROCESS, worker.pid, niceness)
        except ProcessLookupError:
            pass

    async def _write_alone(self, job: _Job) -> None:
        """An update on a store that cannot be read while it is written: stop the readers,
        let go of the writer lock, update in a writer, then open fresh readers."""
        gone = [worker.pid for worker in self.workers]
        for worker in list(self.workers):
            self._kill(worker)
        writer = None
        try:
            await self._gone(gone)
            if job.future.done():  # its time ran out while the running requests finished
                return
            if self.lock is not None:
                self.lock.release()
            writer = self._spawn(writable=True)
            try:
                await writer.ready
            except KgError as err:
                self._stop(job, Crashed(str(err)))
                return
            if not job.future.done():
                job.long = True
                self._begin(job, writer)
                await asyncio.wait([job.future])
        finally:
            if writer is not None:
                if writer in self.workers:
                    self._remove(writer)  # it closes the store and exits
                await self._gone([writer.pid])
            if self.lock is not None and self.lock.file is None and not self.lock.acquire():
                print("kg serve: another process has opened the store for writing; answers may be wrong "
                      "until it is done", file=sys.stderr)
            self.generation += 1
            self.writing = False
            self._fill()
            self._dispatch()

    async def _gone(self, pids: list[int]) -> None:
        deadline = self.loop.time() + EXIT_WAIT
        while any(pid and os.path.exists(f"/proc/{pid}") for pid in pids) and self.loop.time() < deadline:
            await asyncio.sleep(0.01)

    # -- workers

    def _fill(self) -> None:
        """Keep ``workers`` workers of the current generation."""
        if self.failure or self.writing:
            return
        current = sum(1 for worker in self.workers if worker.generation == self.generation and not worker.writable)
        for _ in range(self.limits.workers - current):
            self._spawn()

    def _spawn(self, writable: bool = False) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            self.control.send(("fork", writable))
            send_handle(self.control, theirs.fileno(), self.zygote.pid)
        except OSError:
            self._fail("the process that starts workers has ended; restart kg serve")
        finally:
            theirs.close()
        worker = _Worker(Connection(ours.detach()), self.generation, writable, self.loop.create_future())
        worker.ready.add_done_callback(lambda ready: ready.exception())  # read here if nobody waits for it
        self.workers.append(worker)
        self.loop.add_reader(worker.conn.fileno(), self._message, worker)
        return worker

    def _message(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker)
            return
        if message[0] == "ready":
            worker.pid, worker.baseline = message[1], message[2]
            worker.ready.set_result(None)
        elif message[0] == "error":
            self._remove(worker)
            error = KgError(*message[1:])
            worker.ready.set_exception(error)
            if self.serving and not worker.writable:
                self._fail(str(error))
        else:
            self._finished(worker, message)
        self._dispatch()

    def _finished(self, worker: _Worker, message: tuple) -> None:
        job = worker.job
        self._remember(job, slow=False)
        job.worker = worker.job = None
        for timer in job.timers:
            timer.cancel()
        if message[0] == "failed":
            job.future.set_exception(Crashed(message[1]))
        elif job.write:
            answer, changes = message[1]
            if changes is not None:
                self.control.send(("changes", changes))
                self.generation += 1
            job.future.set_result(answer)
        else:
            job.future.set_result(message[1])
        if worker.writable or worker.generation != self.generation or job.long:
            self._remove(worker)
        elif resident_bytes(worker.pid) - worker.baseline > self.limits.memory_mb * 2**19:
            self._kill(worker)  # give back what its last request left behind
        self._retire_old()
        self._fill()

    def _retire_old(self) -> None:
        for worker in list(self.workers):
            if worker.generation != self.generation and worker.job is None and not worker.writable:
                self._remove(worker)

    def _lost(self, worker: _Worker) -> None:
        """A worker ended by itself (a crash, or killed from outside)."""
        job = worker.job
        self._remove(worker)
        if not worker.ready.done():
            worker.ready.set_exception(KgError(self.spec, "a worker process ended as it started"))
        if job is not None:
            self._stop(job, Crashed("the worker process answering the request ended without an answer"))
        self._fill()
        self._dispatch()

    def _fail(self, reason: str) -> None:
        """Workers cannot be started: answer everything waiting, and what comes, with the reason."""
        self.failure = reason
        for job in [*self.fresh, *self.slow, *self.writes]:
            self._stop(job, Crashed(reason))

    def _kill(self, worker: _Worker) -> None:
        if worker.pid:
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._remove(worker)

    def _remove(self, worker: _Worker) -> None:
        """Forget a worker (closing its connection ends it, if it still runs) and detach its job."""
        if worker.job is not None:
            worker.job.worker = None
            worker.job = None
        if worker in self.workers:
            self.workers.remove(worker)
            self.loop.remove_reader(worker.conn.fileno())
            worker.conn.close()

    def _readable(self, conn: Connection) -> asyncio.Future:
        future = self.loop.create_future()

        def readable():
            self.loop.remove_reader(conn.fileno())
            future.set_result(None)
        self.loop.add_reader(conn.fileno(), readable)
        return future
