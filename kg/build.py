"""The main job: report files in, a graph out (files, an embedded store or an endpoint).

With the default memory store the build is a pure function of its input:
every file in the output folder is computed in memory first, then written
aside and renamed, so a failed build leaves no half-written output.

With a persistent store (oxigraph:PATH, sparql:URL) the build is
incremental: each report is its own named graph, a report whose graph is
already there is skipped, and a report that changed replaces the graph its
file had before, so adding one report touches only that report's graph.
"""
from __future__ import annotations

import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from . import gazetteer
from .explain import explain_tsv
from .formats import serialize, union, write_atomic
from .model import Extraction, KgError
from .netx import to_networkx
from .pipeline import extract_article, preload
from .rdf import ReportNTriples, article_iri, article_ntriples, to_dataset
from .read import file_digest, iter_inputs, read_article
from .stores import Store, open_store
from .validate import Violation, validate
from .view import render_page, select

OUTPUTS = {"graph.ttl": "ttl", "graph.trig": "trig"}
STORE_BATCH = 50  # reports written to a persistent store at once
IN_FLIGHT = 200  # reports a parallel build extracts ahead of writing


@dataclass
class BuildReport:
    articles: int = 0
    unchanged: int = 0
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
    extraction: Extraction | None = None  # memory builds keep the whole extraction
    ntriples: ReportNTriples | None = None  # what store builds send of the report
    unchanged: bool = False
    error: KgError | None = None


@dataclass(frozen=True)
class _Stored:
    """What a persistent store already holds: report graphs, and digests of their files."""

    graphs: frozenset[str] = frozenset()
    digests: frozenset[str] = frozenset()


_stored = _Stored()
_keep_extraction = True


def _start_worker(stored: _Stored, keep_extraction: bool) -> None:
    global _stored, _keep_extraction
    _stored, _keep_extraction = stored, keep_extraction
    gazetteer.reconnect()


def _process(path: Path) -> _Outcome:
    """Extraction is a pure function of one report: this runs in any process."""
    try:
        if _stored.digests and file_digest(path) in _stored.digests:
            return _Outcome(path, unchanged=True)  # the same bytes: not even decoded
        article = read_article(path)
        if str(article_iri(article.doc_id)) in _stored.graphs:
            return _Outcome(path, unchanged=True)
        extraction = extract_article(article)
    except KgError as err:
        return _Outcome(path, error=err)
    summary = _Summary(article.source, [(e.type, e.key) for e in extraction.entities if e.mentions],
                       Counter(pairings=len(extraction.pairings), money=len(extraction.money),
                               quantities=len(extraction.quantities)), extraction.warnings)
    return _Outcome(path, summary, extraction if _keep_extraction else None, article_ntriples(extraction))


def _outcomes(files: list[Path], stored: _Stored, keep_extraction: bool, jobs: int) -> Iterator[_Outcome]:
    """Each file's outcome, in order.  With several jobs at most IN_FLIGHT reports are
    processed ahead of the caller, so a store slower than extraction does not make
    finished reports pile up in memory."""
    if jobs <= 1:
        _start_worker(stored, keep_extraction)
        yield from map(_process, files)
        return
    preload()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker, initargs=(stored, keep_extraction)) as pool:
        in_flight: deque = deque()
        for path in files:
            in_flight.append(pool.apply_async(_process, (path,)))
            if len(in_flight) >= IN_FLIGHT:
                yield in_flight.popleft().get()
        while in_flight:
            yield in_flight.popleft().get()


def build(inputs: list[Path], out: Path | None, store: str | None = None, keep_going: bool = False,
          check_shapes: bool = True, explain: bool = False, jobs: int = 1,
          progress: Callable[[int, int, Path], None] | None = None) -> BuildReport:
    files = iter_inputs(inputs)
    if out is not None and out.exists() and not out.is_dir():
        raise KgError(out, "output path exists and is not a folder")
    target = open_store(store) if store and not store.startswith("memory") else None
    if target is None and out is None:
        raise KgError("--out", "give an output folder, or a persistent --store")
    report = BuildReport()
    by_source = target.graphs_by_source() if target is not None else {}
    stored = _Stored(frozenset(g for graphs in by_source.values() for g in graphs),
                     frozenset(target.source_digests()) if target is not None else frozenset())
    extractions: list[Extraction] = []
    seen: set[tuple[str, str]] = set()
    keep = target is None or out is not None
    batch: list[_Outcome] = []
    for i, outcome in enumerate(_outcomes(files, stored, keep, jobs), 1):
        if progress:
            progress(i, len(files), outcome.path)
        if outcome.error is not None:
            if not keep_going:
                raise outcome.error
            report.warnings.append(f"skipped {outcome.error}")
        elif outcome.unchanged:
            report.unchanged += 1
        else:
            _count(report, outcome.summary, seen)
            if target is not None:
                batch.append(outcome)
                if len(batch) >= STORE_BATCH:
                    _store(target, batch, by_source)
                    batch = []
            if keep:
                extractions.append(outcome.extraction)
    if not report.articles and not report.unchanged:
        raise KgError(files[0], "no report could be read")
    if target is not None:
        _store(target, batch, by_source)
        target.close()
        if out is None and not check_shapes:
            return report
        ds = target.dataset()
    else:
        ds = to_dataset(extractions)
    graph = union(ds)
    report.triples = len(graph)
    contents: dict[str, bytes] = {}
    with _validation(graph if check_shapes else None) as violations:
        if out is not None:
            contents = {name: serialize(ds, fmt) for name, fmt in OUTPUTS.items()}
            contents["graph.html"] = render_page(select(to_networkx(graph))).encode("utf-8")
            if explain:
                contents["explain.tsv"] = explain_tsv(extractions)
        report.violations = violations()
    if out is not None:
        for name, data in contents.items():
            write_atomic(out / name, data)
            report.written.append(out / name)
    return report


_graph_to_validate: Graph | None = None


def _validate_inherited() -> list[Violation]:
    return validate(_graph_to_validate)


@contextmanager
def _validation(graph: Graph | None) -> Iterator[Callable[[], list[Violation]]]:
    """SHACL validation in a forked child while this process renders the outputs; call what
    this yields for the violations.  The child inherits the graph instead of receiving it
    pickled, and sends back only the violations."""
    global _graph_to_validate
    if graph is None:
        yield list
        return
    _graph_to_validate = graph
    try:
        with multiprocessing.get_context("fork").Pool(1) as pool:
            yield pool.apply_async(_validate_inherited).get
    finally:
        _graph_to_validate = None


def _store(store: Store, batch: list[_Outcome], by_source: dict[str, set[str]]) -> None:
    """Each report replaces its own graph, and the graph its file had before, if it changed."""
    for outcome in batch:
        for old in by_source.get(outcome.summary.source, set()) - {outcome.ntriples.graph}:
            store.drop_graph(old)
    if batch:
        store.replace_graphs([o.ntriples for o in batch])


def _count(report: BuildReport, summary: _Summary, seen: set[tuple[str, str]]) -> None:
    report.articles += 1
    for entity in summary.entities:
        if entity not in seen:
            seen.add(entity)
            report.entities[entity[0]] += 1
    report.facts.update(summary.facts)
    report.warnings += summary.warnings
