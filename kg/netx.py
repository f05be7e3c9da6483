"""RDF -> networkx.MultiDiGraph, written here rather than taken from rdflib.

rdflib's ``rdflib_to_networkx_multidigraph`` makes every literal a node and
merges equal ones, so two different grants of 1200万元 would share a node.
Here every typed resource (entity, fact, report) is a node; its literals are
node attributes (a list where a property has several values); links between
resources are edges keyed by the property's local name.

Money and quantities are n-ary facts, so they are nodes of their own
(kind ``MoneyFact``/``QuantityFact``).  Edges keep the RDF direction: a money
fact has a ``donor`` edge to the giver and a ``recipient`` edge to the
receiver; a fact with one party or none stays in the graph all the same,
tied to its report by ``wasDerivedFrom``.
"""
from __future__ import annotations

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

ATTRIBUTE_NAMES = {RDFS.label: "label", SKOS.altLabel: "aliases"}
MULTI_VALUED = {"aliases", "rule", "role", "author"}


def local_name(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for s, kind in sorted(g.subject_objects(RDF.type)):
        graph.add_node(str(s), kind=local_name(kind))
    for s, p, o in sorted(g):
        if p == RDF.type or str(s) not in graph:
            continue
        if isinstance(o, Literal):
            _set_attribute(graph.nodes[str(s)], ATTRIBUTE_NAMES.get(p, local_name(p)), o.toPython())
        elif isinstance(o, URIRef) and str(o) in graph:
            graph.add_edge(str(s), str(o), key=local_name(p), kind=local_name(p))
    return graph


def _set_attribute(attrs: dict, name: str, value) -> None:
    if hasattr(value, "is_finite"):  # Decimal: keep JSON-friendly numbers
        value = int(value) if value == value.to_integral() else float(value)
    if name in MULTI_VALUED:
        attrs.setdefault(name, []).append(value)
    elif name in attrs and attrs[name] != value:
        existing = attrs[name] if isinstance(attrs[name], list) else [attrs[name]]
        attrs[name] = existing + [value]
    else:
        attrs[name] = value
