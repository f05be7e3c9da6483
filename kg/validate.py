"""Check a graph against the SHACL shapes in ontology/shapes.ttl."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import SH

from .rdf import ontology, shapes


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str


def validate(g: Graph) -> list[Violation]:
    from pyshacl import validate as shacl

    conforms, report, _ = shacl(g, shacl_graph=shapes(), ont_graph=ontology(), inference="none",
                                advanced=False, allow_warnings=True)
    if conforms:
        return []
    found = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        found.append(Violation(str(report.value(result, SH.focusNode)),
                               str(report.value(result, SH.resultPath) or ""),
                               str(report.value(result, SH.resultMessage) or "")))
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))
