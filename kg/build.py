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

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .explain import explain_tsv
from .formats import serialize, union, write_atomic
from .model import Extraction, KgError
from .netx import to_networkx
from .pipeline import extract_article
from .rdf import article_graph, article_iri, to_dataset
from .read import iter_inputs, read_article
from .stores import Store, open_store
from .validate import Violation, validate
from .view import render_page, select

OUTPUTS = {"graph.ttl": "ttl", "graph.trig": "trig"}


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


def build(inputs: list[Path], out: Path | None, store: str | None = None, keep_going: bool = False,
          check_shapes: bool = True, explain: bool = False,
          progress: Callable[[int, int, Path], None] | None = None) -> BuildReport:
    files = iter_inputs(inputs)
    if out is not None and out.exists() and not out.is_dir():
        raise KgError(out, "output path exists and is not a folder")
    target = open_store(store) if store and not store.startswith("memory") else None
    if target is None and out is None:
        raise KgError("--out", "give an output folder, or a persistent --store")
    report = BuildReport()
    known = target.graph_names() if target is not None else set()
    extractions = _extract_all(files, known, report, keep_going, progress)
    _count(report, extractions)
    if target is not None:
        _store_incrementally(target, extractions)
        ds = target.dataset() if out is not None or check_shapes else None
        target.close()
    else:
        ds = to_dataset(extractions)
    if ds is None:
        return report
    graph = union(ds)
    report.triples = len(graph)
    if check_shapes:
        report.violations = validate(graph)
    if out is not None:
        contents = {name: serialize(ds, fmt) for name, fmt in OUTPUTS.items()}
        contents["graph.html"] = render_page(select(to_networkx(graph))).encode("utf-8")
        if explain:
            contents["explain.tsv"] = explain_tsv(extractions)
        for name, data in contents.items():
            write_atomic(out / name, data)
            report.written.append(out / name)
    return report


def _extract_all(files: list[Path], known: set[str], report: BuildReport, keep_going: bool,
                 progress) -> list[Extraction]:
    extractions = []
    for i, path in enumerate(files, 1):
        if progress:
            progress(i, len(files), path)
        try:
            article = read_article(path)
            if str(article_iri(article.doc_id)) in known:
                report.unchanged += 1
                continue
            extractions.append(extract_article(article))
        except KgError as err:
            if not keep_going:
                raise
            report.warnings.append(f"skipped {err}")
    if not extractions and not report.unchanged:
        raise KgError(files[0] if files else "input", "no report could be read")
    return extractions


def _store_incrementally(store: Store, extractions: list[Extraction]) -> None:
    """Each report replaces its own graph, and the graph its file had before, if it changed."""
    for x in extractions:
        name, graph = article_graph(x)
        for old in _graphs_of_file(store, x.article.source) - {name}:
            store.update(f"DROP SILENT GRAPH <{old}>")
        store.replace_graph(name, graph)


def _graphs_of_file(store: Store, source: str) -> set[str]:
    from rdflib import Literal

    rows = store.query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g fk:sourceFile {Literal(source).n3()} }} }}")
    return {str(row[0]) for row in rows}


def _count(report: BuildReport, extractions: list[Extraction]) -> None:
    report.articles = len(extractions)
    seen: set[tuple[str, str]] = set()
    for x in extractions:
        for e in x.entities:
            if e.mentions and (e.type, e.key) not in seen:
                seen.add((e.type, e.key))
                report.entities[e.type] += 1
        report.facts["pairings"] += len(x.pairings)
        report.facts["money"] += len(x.money)
        report.facts["quantities"] += len(x.quantities)
        report.warnings += x.warnings
