"""The main job: report files in, graph.ttl, graph.trig and graph.html out.

Everything is computed in memory first and each file is then written aside
and renamed, so a failed build leaves no half-written output behind.
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
from .pipeline import extract_file
from .rdf import to_dataset
from .read import iter_inputs
from .validate import Violation, validate
from .view import render_page

OUTPUTS = {"graph.ttl": "ttl", "graph.trig": "trig"}


@dataclass
class BuildReport:
    articles: int = 0
    entities: Counter = field(default_factory=Counter)
    facts: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    triples: int = 0
    written: list[Path] = field(default_factory=list)


def build(inputs: list[Path], out: Path, keep_going: bool = False, check_shapes: bool = True,
          explain: bool = False, progress: Callable[[int, int, Path], None] | None = None) -> BuildReport:
    files = iter_inputs(inputs)
    report = BuildReport()
    extractions: list[Extraction] = []
    for i, path in enumerate(files, 1):
        if progress:
            progress(i, len(files), path)
        try:
            extractions.append(extract_file(path))
        except KgError as err:
            if not keep_going:
                raise
            report.warnings.append(f"skipped {err}")
    if not extractions:
        raise KgError(inputs[0], "no report could be read")
    _count(report, extractions)
    ds = to_dataset(extractions)
    graph = union(ds)
    report.triples = len(graph)
    if check_shapes:
        report.violations = validate(graph)
    contents = {name: serialize(ds, fmt) for name, fmt in OUTPUTS.items()}
    contents["graph.html"] = render_page(to_networkx(graph)).encode("utf-8")
    if explain:
        contents["explain.tsv"] = explain_tsv(extractions)
    if out.exists() and not out.is_dir():
        raise KgError(out, "output path exists and is not a folder")
    for name, data in contents.items():
        write_atomic(out / name, data)
        report.written.append(out / name)
    return report


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
