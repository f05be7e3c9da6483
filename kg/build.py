"""The main job: report files in, a graph out (a build folder, an embedded store or an endpoint).

A build folder (``--out``) is a pure function of the input: graph.ttl,
graph.trig, the pages (graph.html, overview.html, entities.html, money.html,
map.html) and the Oxigraph store (graph.db) that later commands query are
written into a folder beside it that takes its place in one rename, so a
failed or killed build leaves the last build whole, never a mix of two.  Each report is extracted and checked against the SHACL shapes
in a worker process; the main process loads the reports' triples into the
store as they come and keeps them as text (kg.rdftext), from which the
files are written: no rdflib graph is made.

With a persistent store (oxigraph:PATH, sparql:URL) the build is
incremental: each report is its own named graph, named by a hash of its text,
and a report whose graph is already there is skipped (a file whose bytes the
store has seen is not even read), so adding one report touches only that
report's graph.  A report is known by what it says, never by its file's name:
two files of the same name in two folders are two reports.  So a file that
changed is a new report, and the report it held before, like that of a file
that is gone, is one the inputs no longer yield: the build counts them, and
drops them when asked to prune.
"""
from __future__ import annotations

import gc
import multiprocessing
import pickle
import shutil
import signal
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import gazetteer
from .explain import explain_tsv
from .formats import new_folder, replace_folder, serialize, write_into
from .model import Extraction, KgError
from .netx import to_networkx
from .pages import FOLDER_LINKS, PAGES, TITLE, PageSource
from .pipeline import extract_article, preload
from .rdf import ReportNTriples, article_iri, article_ntriples
from .rdftext import (Triple, TurtleWriter, parse_ntriples_lines, prefix_order, sort_key, subject_key,
                      trig_block_of, trig_header, write_turtle)
from .read import MAX_SIZE, file_digest, iter_inputs, read_article
from .stores import FolderStore, OxigraphStore, Store, StoredReport, is_persistent, open_store
from .validate import Violation, check_triples
from .view import render_page, select

OUTPUTS = {"graph.ttl": "ttl", "graph.trig": "trig"}
# Every file a build may write: one that this build does not write is not kept from the last.
BUILD_FILES = (*OUTPUTS, *PAGES, "explain.tsv", FolderStore.DB)
STORE_BATCH = 50  # reports written to a persistent store at once
IN_FLIGHT = 200  # reports a parallel build extracts ahead of writing


@dataclass
class BuildReport:
    """What a build did.  A caller may pass one in, so that it knows how far a build
    that was interrupted got."""

    articles: int = 0  # reports read and extracted
    unchanged: int = 0  # reports the store held already
    loaded: int = 0  # reports written to the store so far
    absent: int = 0  # reports the store holds that no input yielded this time
    pruned: int = 0  # of those, how many were dropped
    entities: Counter = field(default_factory=Counter)
    facts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0
    written: list[Path] = field(default_factory=list)


@dataclass
class _Summary:
    """What the build report needs of one extraction."""

    source: str
    entities: list[tuple[str, str]]  # (type, key) of the entities the report names
    facts: Counter
    warnings: list[str]


@dataclass
class _Outcome:
    """What a worker sends back for one report: small and picklable."""

    path: Path
    summary: _Summary | None = None
    extraction: Extraction | None = None  # kept for explain.tsv
    ntriples: ReportNTriples | None = None  # the report's triples
    violations: list[Violation] = field(default_factory=list)  # of the SHACL shapes, in its graph
    # For a build folder: its triples as text, by subject: its mentions' and facts' (its alone), the rest.
    own: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    stated: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    trig: bytes = b""  # its graph's block of graph.trig
    turtle: list[tuple[str, bytes]] = field(default_factory=list)  # its mentions' and facts' Turtle
    prefixes: list[str] = field(default_factory=list)  # the @prefix lines those need
    stored: str | None = None  # the graph the store holds already for this file
    error: KgError | None = None


@dataclass(frozen=True)
class _Job:
    """What every worker knows: what the store holds (report graphs, and the digest of
    each one's file), whether to send back whole extractions, and the largest file to read."""

    graphs: frozenset[str] = frozenset()
    digests: dict[str, str] = field(default_factory=dict)  # file digest -> report graph
    keep_extraction: bool = False
    max_size: int = MAX_SIZE
    check_shapes: bool = True
    trig: bool = False  # write each report's block of graph.trig


_job = _Job()


def _start_worker(job: _Job) -> None:
    global _job
    _job = job
    gazetteer.reconnect()


def _process(path: Path) -> _Outcome:
    """Extraction is a pure function of one report: this runs in any process."""
    try:
        if _job.digests:
            stored = _job.digests.get(file_digest(path, _job.max_size))
            if stored is not None:
                return _Outcome(path, stored=stored)  # the same bytes: not even decoded
        article = read_article(path, _job.max_size)
        graph = article_iri(article.doc_id)
        if graph in _job.graphs:
            return _Outcome(path, stored=graph)
        extraction = extract_article(article)
    except KgError as err:
        return _Outcome(path, error=err)
    summary = _Summary(article.source, [(e.type, e.key) for e in extraction.entities if e.mentions],
                       Counter(pairings=len(extraction.pairings), money=len(extraction.money),
                               quantities=len(extraction.quantities)),
                       list(article.warnings) + extraction.warnings)
    ntriples = article_ntriples(extraction)
    text = ntriples.derived + ntriples.stated
    triples = list(parse_ntriples_lines(text)) if _job.check_shapes or _job.trig else []
    outcome = _Outcome(path, summary, extraction if _job.keep_extraction else None, ntriples,
                       check_triples(triples) if _job.check_shapes else [])
    if _job.trig:
        # Its mentions and facts are its alone: their Turtle in graph.ttl is what it is here.
        writer = TurtleWriter()
        statements = list(writer.subject_statements(triples))
        outcome.trig = trig_block_of(f"<{ntriples.graph}>", (text for _, text in statements)).encode("utf-8")
        derived = {line.split(" ", 1)[0] for line in ntriples.derived.splitlines()}
        outcome.turtle = [(s, text.encode("utf-8")) for s, text in statements if s in derived]
        outcome.prefixes = writer.prefix_lines()
        outcome.own, outcome.stated = _by_subject(triples, derived)
    return outcome


def _by_subject(triples: list[Triple], own: set[str]) -> tuple[dict, dict]:
    """A report's (predicate, object) pairs by subject, those of its own subjects apart; each
    term one object, so that it is pickled once."""
    terms: dict[str, str] = {}
    share = terms.setdefault
    grouped: tuple[dict, dict] = ({}, {})
    for s, p, o in dict.fromkeys(triples):
        grouped[s not in own].setdefault(share(s, s), []).append((share(p, p), share(o, o)))
    return grouped


def _process_pickled(path: Path) -> bytes:
    return pickle.dumps(_process(path), protocol=pickle.HIGHEST_PROTOCOL)


def _outcomes(files: list[Path], job: _Job, jobs: int) -> Iterator[_Outcome]:
    """Each file's outcome, in order.

    With several jobs the workers are forked, not from this process, but from a driver
    process forked first, which loads what extraction needs once for them all to share
    (kg.pipeline.preload) and sends back the outcomes: this process, which keeps the
    build's triples and writes its files, does not carry the tagger's model and the
    gazetteer as well.  At most IN_FLIGHT reports are processed ahead of the caller, so a
    store slower than extraction does not make finished reports pile up in memory."""
    if jobs <= 1:
        _start_worker(job)
        yield from map(_process, files)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    driver = context.Process(target=_drive, args=(files, job, jobs, sender))
    driver.start()
    sender.close()
    try:
        for _ in files:
            try:
                yield pickle.loads(receiver.recv_bytes())
            except EOFError:
                raise KgError("kg build", "the extraction processes stopped before the end") from None
    finally:
        receiver.close()
        if driver.is_alive():
            driver.terminate()
        driver.join()


def _drive(files: list[Path], job: _Job, jobs: int, conn) -> None:
    """The driver: extract the files in a pool of workers and pass each outcome on, in order,
    as the worker pickled it (unpickling and pickling it again here cost six CPU-seconds in a
    build of a thousand reports)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the pool's workers are stopped too
    preload()
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_start_worker, initargs=(job,)) as pool:
        in_flight: deque = deque()
        try:
            for path in files:
                in_flight.append(pool.apply_async(_process_pickled, (path,)))
                if len(in_flight) >= IN_FLIGHT:
                    conn.send_bytes(in_flight.popleft().get())
            while in_flight:
                conn.send_bytes(in_flight.popleft().get())
        except (BrokenPipeError, OSError):  # the build stopped reading: nothing more to do
            pass
    conn.close()


def build(inputs: list[Path], out: Path | None, store: str | None = None, keep_going: bool = False,
          check_shapes: bool = True, explain: bool = False, jobs: int = 1,
          progress: Callable[[int, int, Path], None] | None = None, prune: bool = False,
          max_size: int = MAX_SIZE, report: BuildReport | None = None) -> BuildReport:
    """Build the inputs into a folder, a persistent store, or both.  With ``prune``, the
    store's reports that no input yielded this time are dropped."""
    report = report if report is not None else BuildReport()
    files = iter_inputs(inputs, skipped=report.warnings)
    if out is not None and out.exists() and not out.is_dir():
        raise KgError(out, "output path exists and is not a folder")
    persistent = is_persistent(store)
    if store is not None and not persistent:
        raise KgError(f"--store {store}", "a build writes oxigraph:PATH or sparql:URL; a build folder is --out")
    if prune and not persistent:
        raise KgError("--prune", "works on a persistent --store; a build folder is made anew from its inputs")
    target = open_store(store, create=True) if persistent else None
    if target is None and out is None:
        raise KgError("--out", "give an output folder, or a persistent --store")
    staged = new_folder(out) if out is not None else None
    try:
        _build(files, out, staged, target, report, _Job(keep_extraction=explain, max_size=max_size,
                                                         check_shapes=check_shapes),
               keep_going, jobs, progress, prune)
    finally:
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)
    return report


def _build(files: list[Path], out: Path | None, staged: Path | None, target: Store | None, report: BuildReport,
           job: _Job, keep_going: bool, jobs: int, progress, prune: bool) -> None:
    held = target.reports() if target is not None else []
    folder = OxigraphStore(str(staged / FolderStore.DB), create=True) if staged is not None else None
    gathered = _FolderFiles(staged) if folder is not None and target is None else None
    job = replace(job, graphs=frozenset(r.graph for r in held), digests={r.digest: r.graph for r in held if r.digest},
                  trig=gathered is not None)
    extractions: list[Extraction] = []
    violations: set[Violation] = set()
    seen: set[tuple[str, str]] = set()
    yielded: set[str] = set()  # the graphs of the reports the inputs yield
    unread = 0
    batch: list[_Outcome] = []
    for i, outcome in enumerate(_outcomes(files, job, jobs), 1):
        if progress:
            progress(i, len(files), outcome.path)
        if outcome.error is not None:
            if not keep_going:
                raise outcome.error
            report.warnings.append(f"skipped {outcome.error}")
            unread += 1
        elif outcome.stored is not None:
            report.unchanged += 1
            yielded.add(outcome.stored)
        else:
            _count(report, outcome.summary, seen)
            violations.update(outcome.violations)
            yielded.add(outcome.ntriples.graph)
            batch.append(outcome)
            if gathered is not None:
                gathered.add(outcome)
            if len(batch) >= STORE_BATCH:
                _store(target, folder, batch, report)
                batch = []
            if job.keep_extraction:
                extractions.append(outcome.extraction)
    if not report.articles and not report.unchanged:
        raise KgError(files[0], "no report could be read")
    _store(target, folder, batch, report)
    report.violations = sorted(violations)
    if target is not None:
        _prune(target, sorted(job.graphs - yielded), report, prune, unread)
        target.close()
    if folder is None:
        return
    # Each file is written as soon as it is made, and let go: the build's memory stays that of its triples.
    with _collector_paused():
        if gathered is not None:
            gathered.write_trig(staged / "graph.trig")
            union = gathered.subjects
            report.triples = len(gathered)
        else:
            quads = target.quads()
            folder.put(quads)
            write_into(staged, "graph.trig", serialize(quads, "trig"))
            union = quads.union()
            report.triples = len(union)
            del quads
        folder.close()
        del folder  # the store is written: let RocksDB go before the files are made
        # Three at once: the Turtle in a forked child (it shares the triples), the other pages in
        # another (they ask the folder's store, as `kg pages` does), the viewer in this process.
        store_pages = [name for name in PAGES if name != "graph.html"]
        children = {staged / "graph.ttl": _forked(_write_turtle_file, gathered, union, staged / "graph.ttl"),
                    ", ".join(str(staged / name) for name in store_pages): _forked(_write_store_pages, staged,
                                                                                   store_pages)}
        drawn = select(to_networkx(union), copy=False)
        del union  # the children have their own: what the viewer needs now is its graph
        if gathered is not None:
            gathered.subjects = {}
        write_into(staged, "graph.html", render_page(drawn, TITLE, FOLDER_LINKS).encode("utf-8"))
        del drawn
        for what, child in children.items():
            child.join()
            if child.exitcode != 0:
                raise KgError(what, "could not be written (see the error above)")
        if gathered is not None:
            gathered.close()
        write_into(staged, "graph.ttl", None)
        written = ["graph.trig", "graph.ttl", *PAGES]
        if job.keep_extraction:
            write_into(staged, "explain.tsv", explain_tsv(extractions))
            written.append("explain.tsv")
        replace_folder(out, {}, BUILD_FILES, new=staged)
        report.written = [out / name for name in written]


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector paused: the files and the viewer's graph are made of
    hundreds of thousands of containers that live until they are written, and each full
    collection walked them all, finding nothing (a tenth of a large build's time).  What is
    let go meanwhile goes by its reference count; the little in cycles waits for the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _forked(target, *args) -> multiprocessing.Process:
    """Run a function in a forked child, which sees this process's memory as it is now."""
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    return child


def _write_store_pages(staged: Path, names: list[str]) -> None:
    source = PageSource(OxigraphStore(str(staged / FolderStore.DB), read_only=True))
    for name in names:
        write_into(staged, name, PAGES[name](source, FOLDER_LINKS).encode("utf-8"))


def _write_turtle_file(gathered: _FolderFiles | None, union, path: Path) -> None:
    if gathered is not None:
        gathered.write_turtle(path)
        return
    with open(path, "wb") as ttl:
        write_turtle(union, ttl)


class _FolderFiles:
    """What a build folder's files are made of, gathered report by report as the workers send
    them: the union of the reports' triples, by subject (a report's mentions and facts as it
    sent them, what several reports may state as a set), each report's block of graph.trig,
    and the Turtle of its mentions and facts (four fifths of graph.ttl), the last two kept in
    a file beside them until they are written in order."""

    def __init__(self, staged: Path):
        self.subjects: dict[str, list | set] = {}
        self.parts_path = staged / ".graph.parts"
        self.parts = open(self.parts_path, "w+b")
        self.blocks: dict[str, tuple[int, int]] = {}  # graph -> where its TriG is in the parts
        self.statements: dict[str, tuple[int, int]] = {}  # subject -> where its Turtle is
        self.prefixes: set[str] = set()

    def _keep(self, data: bytes) -> tuple[int, int]:
        at = self.parts.tell()
        self.parts.write(data)
        return at, len(data)

    def _read(self, where: tuple[int, int]) -> bytes:
        self.parts.seek(where[0])
        return self.parts.read(where[1])

    def add(self, outcome: _Outcome) -> None:
        self.subjects.update(outcome.own)
        for subject, pairs in outcome.stated.items():
            self.subjects.setdefault(subject, set()).update(pairs)
        self.blocks[f"<{outcome.ntriples.graph}>"] = self._keep(outcome.trig)
        for subject, text in outcome.turtle:
            self.statements[subject] = self._keep(text)
        self.prefixes.update(outcome.prefixes)

    def __len__(self) -> int:
        """How many triples the union holds."""
        return sum(map(len, self.subjects.values()))

    def write_trig(self, path: Path) -> None:
        with open(path, "wb") as trig:
            trig.write(trig_header(self.prefixes))
            for i, graph in enumerate(sorted(self.blocks, key=sort_key)):
                trig.write((b"\n" if i else b"") + self._read(self.blocks[graph]))
        write_into(path.parent, path.name, None)

    def write_turtle(self, path: Path) -> None:
        """graph.ttl: the statements the workers wrote, and those of what several reports
        describe (places, bodies, reports), written here, in rdflib's order."""
        references: Counter = Counter(o for pairs in self.subjects.values() for _, o in pairs)
        shared = {s: pairs for s, pairs in self.subjects.items() if s not in self.statements}
        order = sorted(self.statements.keys() | shared.keys(), key=lambda s: subject_key(s, references))
        writer = TurtleWriter()
        with open(path, "wb") as ttl:
            ttl.write("".join(line + "\n" for line in prefix_order(self.prefixes)).encode("utf-8"))
            for s in order:
                where = self.statements.get(s)
                ttl.write(self._read(where) if where is not None else writer.statement(s, shared[s]).encode("utf-8"))
            ttl.write(b"\n")

    def close(self) -> None:
        self.parts.close()
        self.parts_path.unlink()


def _store(store: Store | None, folder: OxigraphStore | None, batch: list[_Outcome], report: BuildReport) -> None:
    """Write a batch of reports to the persistent store, or else to the build folder's store."""
    if not batch:
        return
    if store is not None:
        store.replace_graphs([o.ntriples for o in batch])
        report.loaded += len(batch)
    elif folder is not None:
        folder.replace_graphs([o.ntriples for o in batch])


def _prune(store: Store, absent: list[str], report: BuildReport, prune: bool, unread: int) -> None:
    """Count the stored reports no input yielded, and drop them if asked, unless some input
    could not be read: its report may be among them."""
    report.absent = len(absent)
    if not prune or not absent:
        return
    if unread:
        report.warnings.append(f"--prune: nothing dropped, as {unread} input file(s) could not be read")
        return
    for graph in absent:
        store.drop_graph(graph)
    report.pruned = len(absent)


def _count(report: BuildReport, summary: _Summary, seen: set[tuple[str, str]]) -> None:
    report.articles += 1
    for entity in summary.entities:
        if entity not in seen:
            seen.add(entity)
            report.entities[entity[0]] += 1
    report.facts.update(summary.facts)
    report.warnings += summary.warnings


def drop(store: str, names: list[str]) -> list[StoredReport]:
    """Remove reports from a persistent store, each named by its file, the name of the
    file it was read from, or its IRI or id.  Every name is found before any is dropped."""
    if not is_persistent(store):
        raise KgError(f"--store {store}", "kg drop works on a persistent store; a build folder is made anew "
                      "from its inputs")
    target = open_store(store)
    held = target.reports()
    found = list({r.graph: r for r in (_report_named(name, held) for name in names)}.values())
    for report in found:
        target.drop_graph(report.graph)
    target.close()
    return found


def _report_named(name: str, held: list[StoredReport]) -> StoredReport:
    by_graph = {r.graph: r for r in held}
    path = Path(name)
    if path.is_file():
        digest = file_digest(path, max_size=None)
        same_bytes = [r for r in held if r.digest == digest]
        if same_bytes:
            return same_bytes[0]
        graph = article_iri(read_article(path, max_size=None).doc_id)
        if graph in by_graph:
            return by_graph[graph]
        raise KgError(name, "the store holds no report read from this file")
    by_id = {r.graph.rsplit("/", 1)[-1]: r for r in held}
    if name in by_graph or name in by_id:
        return by_graph.get(name) or by_id[name]
    named = [r for r in held if r.source == path.name]
    if len(named) == 1:
        return named[0]
    if named:
        raise KgError(name, f"{len(named)} stored reports were read from files of this name; give one's IRI: "
                      + ", ".join(r.graph for r in named))
    raise KgError(name, "no stored report has this file, file name, IRI or id")
