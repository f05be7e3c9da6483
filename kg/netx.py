"""RDF -> networkx.MultiDiGraph, written here rather than taken from rdflib.

rdflib's ``rdflib_to_networkx_multidigraph`` makes every literal a node and
merges equal ones, so two different grants of 1200万元 would share a node.
Here the nodes are the things a user looks at: entities, reports, and the
money and quantity facts; their literals are node attributes (a list where a
property has several values) and links between them are edges keyed by the
property's local name.

* Money and quantities are n-ary facts, so they are nodes of their own
  (kind ``MoneyFact``/``QuantityFact``; a money fact's ``moneyKind`` is an
  attribute: transfer, investment, sales, output, income or other).  Edges keep the RDF direction: a
  money fact has a ``donor`` edge to the giver and a ``recipient`` edge to
  the receiver; a fact with one party or none stays in the graph, tied to its
  report by ``wasDerivedFrom``.
* A mention (where a report names an entity) is not a node: it becomes an
  entry of the entity's ``mentions`` attribute.
* A pairing statement is not a node: its sentence and report go on the
  ``assists`` edge it supports.
"""
from __future__ import annotations

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from .rdf import FK

ATTRIBUTE_NAMES = {RDFS.label: "label", SKOS.altLabel: "aliases"}
MULTI_VALUED = {"aliases", "rule", "role", "author"}
FOLDED_KINDS = {"Mention", "PairingFact"}


def local_name(iri) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(g: Graph) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    kinds = {s: local_name(k) for s, k in g.subject_objects(RDF.type)}
    for s in sorted(s for s, k in kinds.items() if k not in FOLDED_KINDS):
        graph.add_node(str(s), kind=kinds[s])
    for s, p, o in sorted(g):
        if p == RDF.type or str(s) not in graph:
            continue
        if isinstance(o, Literal):
            _set_attribute(graph.nodes[str(s)], ATTRIBUTE_NAMES.get(p, local_name(p)), o.toPython())
        elif p == FK.moneyKind:
            _set_attribute(graph.nodes[str(s)], "moneyKind", local_name(o))
        elif isinstance(o, URIRef) and str(o) in graph:
            graph.add_edge(str(s), str(o), key=local_name(p), kind=local_name(p))
    _fold_mentions(g, graph, kinds)
    _fold_pairings(g, graph, kinds)
    return graph


def _fold_mentions(g: Graph, graph: nx.MultiDiGraph, kinds: dict) -> None:
    for mention in sorted(m for m, k in kinds.items() if k == "Mention"):
        entity = str(g.value(mention, FK.mentionOf))
        if entity in graph:
            graph.nodes[entity].setdefault("mentions", []).append({
                "article": str(g.value(mention, PROV.wasDerivedFrom)),
                "text": str(g.value(mention, FK.spanText)),
                "start": int(g.value(mention, FK.spanStart)), "end": int(g.value(mention, FK.spanEnd))})


def _fold_pairings(g: Graph, graph: nx.MultiDiGraph, kinds: dict) -> None:
    for fact in sorted(f for f, k in kinds.items() if k == "PairingFact"):
        helper, assisted = str(g.value(fact, FK.helper)), str(g.value(fact, FK.assistedRegion))
        if graph.has_edge(helper, assisted, key="assists"):
            graph.edges[helper, assisted, "assists"].setdefault("sources", []).append({
                "article": str(g.value(fact, PROV.wasDerivedFrom)), "sentence": str(g.value(fact, FK.sourceText))})


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
