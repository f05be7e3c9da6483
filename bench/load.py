"""Load benchmark of `kg serve`: many clients at once, on 127.0.0.1 only, bounded in requests and time.

    python bench/load.py --folder out/                       # the sample build (memory store)
    python bench/load.py --store oxigraph:kg.db              # a persistent store
    python bench/load.py --store oxigraph:kg.db --code ../old-checkout --runs 3 --label before

Each run starts a fresh `kg serve` (from --code, default this checkout) with --timeout, waits
until it answers, and lets --clients clients loose on it at once: --slow of them send a query
that runs into the time limit, one after another (waiting a second when told the server is
busy), and the others send --requests quick ones each: a one-row ASK and a SELECT … LIMIT 1
in turn, each answer awaited, then --pause seconds, before the next (--pause 0 measures
how many the server can answer at most).  It reports the quick requests' latency (p50,
p95 and max, ASK and all), how many were answered 200, quick requests per second, what the
slow ones got, and the server's memory (all its processes, shared pages counted once) at the
start and at the end.  A
run stops when the quick clients are done, or after --cap seconds.

Each run prints its figures as JSON and as a row of the table in BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASK = "ASK { ?s a ?type }"
SELECT_ONE = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 1"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(STR(?a) < STR(?c)) }"  # a cartesian product
SECTION = "## `kg serve` under load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants: the sum of their proportional set sizes,
    so that pages forked workers share with their parent count once."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    family, frontier = {pid}, [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        family.update(children)
        frontier = children
    total_kb = 0
    for member in family:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total_kb / 1024


def start_server(target: list[str], code: Path, timeout: float, port: int) -> subprocess.Popen:
    import httpx

    env = {**os.environ, "PYTHONPATH": str(code)}
    server = subprocess.Popen([sys.executable, "-m", "kg", "serve", *target, "--port", str(port),
                               "--timeout", f"{timeout:g}"], cwd=code, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": ASK}, timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"kg serve ended with status {server.returncode}")
        time.sleep(0.3)
    server.kill()
    raise SystemExit("kg serve did not answer within 600 s")


def run_once(url: str, clients: int, slow: int, requests: int, pause: float, cap: float) -> dict:
    import httpx

    quick_latency: dict[str, list[float]] = {"ask": [], "select": []}
    quick_status: dict[int | str, int] = {}
    slow_outcomes: dict[str, int] = {}
    lock = threading.Lock()
    done = threading.Event()
    stop_at = time.monotonic() + cap

    def quick_client(number: int) -> None:
        with httpx.Client(timeout=cap) as client:
            for i in range(requests):
                if time.monotonic() > stop_at:
                    return
                kind, query = (("ask", ASK), ("select", SELECT_ONE))[(i + number) % 2]
                start = time.perf_counter()
                try:
                    answer = client.get(url, params={"query": query})
                    status = answer.status_code if answer.status_code == 200 else f"{answer.status_code} {answer.text}"
                except httpx.HTTPError as err:
                    status = f"client error: {err}"
                seconds = time.perf_counter() - start
                with lock:
                    quick_status[status] = quick_status.get(status, 0) + 1
                    if status == 200:
                        quick_latency[kind].append(seconds)
                time.sleep(pause)

    def slow_client() -> None:
        with httpx.Client(timeout=cap) as client:
            while not done.is_set() and time.monotonic() < stop_at:
                try:
                    answer = client.get(url, params={"query": SLOW})
                    outcome = ("busy" if "busy" in answer.text else
                               "timed out" if "longer than" in answer.text else f"{answer.status_code} {answer.text}")
                except httpx.HTTPError:
                    outcome = "client gave up"
                with lock:
                    slow_outcomes[outcome] = slow_outcomes.get(outcome, 0) + 1
                if outcome == "busy":
                    done.wait(1.0)  # as Retry-After asks

    slow_threads = [threading.Thread(target=slow_client) for _ in range(slow)]
    quick_threads = [threading.Thread(target=quick_client, args=(n,)) for n in range(clients - slow)]
    start = time.perf_counter()
    for thread in slow_threads + quick_threads:
        thread.start()
    for thread in quick_threads:
        thread.join()
    wall = time.perf_counter() - start
    done.set()
    for thread in slow_threads:
        thread.join()
    every = sorted(quick_latency["ask"] + quick_latency["select"])
    return {"ask": summary(quick_latency["ask"]), "quick": summary(every),
            "answered": quick_status.get(200, 0), "sent": sum(quick_status.values()), "statuses": quick_status,
            "per_second": len(every) / wall, "slow": slow_outcomes, "wall": wall}


def summary(seconds: list[float]) -> dict:
    if not seconds:
        return {"p50": None, "p95": None, "max": None}
    ordered = sorted(seconds)
    return {"p50": statistics.median(ordered), "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "max": ordered[-1]}


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f}"


def row(label: str, result: dict) -> str:
    slow = ", ".join(f"{n} {what}" for what, n in sorted(result["slow"].items()))
    return (f"| {label} | {ms(result['ask']['p50'])} / {ms(result['ask']['p95'])} / {ms(result['ask']['max'])} "
            f"| {ms(result['quick']['p50'])} / {ms(result['quick']['p95'])} / {ms(result['quick']['max'])} "
            f"| {result['answered']}/{result['sent']} | {result['per_second']:.0f} | {slow} "
            f"| {result['memory'][0]:.0f} → {result['memory'][1]:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--folder", type=Path, help="a build folder (memory store)")
    where.add_argument("--store", help="a store spec, e.g. oxigraph:kg.db")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout whose kg serve runs (default: this one)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--slow", type=int, default=5, help="clients sending queries that run into the time limit")
    ap.add_argument("--requests", type=int, default=100, help="quick requests per quick client")
    ap.add_argument("--pause", type=float, default=0.1, help="seconds a quick client waits between requests")
    ap.add_argument("--timeout", type=float, default=5.0, help="kg serve --timeout")
    ap.add_argument("--cap", type=float, default=300.0, help="seconds a run may last")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--label", default="run", help="the first column of the table rows printed")
    args = ap.parse_args()
    target = [str(args.folder.resolve())] if args.folder else ["--store", args.store]
    for number in range(1, args.runs + 1):
        port = free_port()
        server = start_server(target, args.code.resolve(), args.timeout, port)
        try:
            at_start = tree_memory_mb(server.pid)
            result = run_once(f"http://127.0.0.1:{port}/sparql", args.clients, args.slow, args.requests,
                              args.pause, args.cap)
            result["memory"] = (at_start, tree_memory_mb(server.pid))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print(json.dumps(result), flush=True)
        print(row(f"{args.label} {number}", result), flush=True)


if __name__ == "__main__":
    main()
