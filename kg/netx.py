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

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal

import networkx as nx

from .rdftext import RDF_TYPE, Quads, Triple, lexical_form, normal_form, parse_literal, sort_key

FK = "https://w3id.org/fupin-kg/ontology#"
PROV_DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
MENTION_OF, SPAN_TEXT, SPAN_START, SPAN_END = (f"<{FK}{n}>" for n in ("mentionOf", "spanText", "spanStart", "spanEnd"))
HELPER, ASSISTED, SOURCE_TEXT, MONEY_KIND = (f"<{FK}{n}>" for n in ("helper", "assistedRegion", "sourceText",
                                                                      "moneyKind"))
ATTRIBUTE_NAMES = {"<http://www.w3.org/2000/01/rdf-schema#label>": "label",
                   "<http://www.w3.org/2004/02/skos/core#altLabel>": "aliases"}
MULTI_VALUED = {"aliases", "rule", "role", "author"}
FOLDED_PROPERTIES = {MENTION_OF, PROV_DERIVED, SPAN_TEXT, SPAN_START, SPAN_END, HELPER, ASSISTED, SOURCE_TEXT}
FOLDED_KINDS = {"Mention", "PairingFact"}
XSD = "http://www.w3.org/2001/XMLSchema#"


@functools.lru_cache(maxsize=4096)  # asked of every triple's predicate: a few dozen IRIs
def local_name(iri) -> str:
    text = str(iri).strip("<>")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(source) -> nx.MultiDiGraph:
    """The graph of an rdflib Graph, of triples of N-Triples terms (what a store dumps), or of
    (predicate, object) pairs by subject (what a build gathers)."""
    from rdflib import Graph

    if isinstance(source, Graph):
        source = _term_triples(source)
    if isinstance(source, Quads):
        source = source.union()
    subjects = source if isinstance(source, Mapping) else _by_subject(source)
    kinds = {}
    for s, pairs in subjects.items():
        found = [o for p, o in pairs if p == RDF_TYPE]
        if found:
            kinds[s] = local_name(max(found, key=sort_key))
    graph = nx.MultiDiGraph()
    nodes = sorted((s for s, k in kinds.items() if k not in FOLDED_KINDS), key=sort_key)
    for s in nodes:
        graph.add_node(s[1:-1], kind=kinds[s])
    for s in nodes:
        node = s[1:-1]
        for p, o in _in_order(subjects[s]):
            if p == RDF_TYPE:
                continue
            if o.startswith('"'):
                _set_attribute(graph.nodes[node], ATTRIBUTE_NAMES.get(p, local_name(p)), python_value(o))
            elif p == MONEY_KIND:
                _set_attribute(graph.nodes[node], "moneyKind", local_name(o))
            elif o.startswith("<") and o[1:-1] in graph:
                graph.add_edge(node, o[1:-1], key=local_name(p), kind=local_name(p))
    _fold_mentions(subjects, graph, kinds)
    _fold_pairings(subjects, graph, kinds)
    return graph


def _by_subject(triples: Iterable[Triple]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in triples:
        found[s].append((p, o))
    return found


def _in_order(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """A subject's (predicate, object) pairs in rdflib's order of terms; objects are compared
    only where a predicate has several (most literals are alone under theirs)."""
    objects: dict[str, list[str]] = {}
    for p, o in pairs:
        objects.setdefault(p, []).append(o)
    for p in sorted(objects, key=sort_key):
        found = objects[p]
        for o in sorted(found, key=sort_key) if len(found) > 1 else found:
            yield p, o


def _term_triples(g) -> list[Triple]:
    from rdflib import Literal

    from .rdftext import literal

    def term(t):
        if isinstance(t, Literal):
            return literal(str(t), t.language, str(t.datatype) if t.datatype else None)
        return t.n3()
    return [(term(s), term(p), term(o)) for s, p, o in g]


def python_value(term: str):
    """A literal's value as rdflib's toPython gives it, without making an rdflib term for the
    literals of every report (strings, numbers, booleans); the rest through rdflib."""
    lit = parse_literal(term)
    if lit.lang or lit.datatype in (None, XSD + "string"):
        return lit.lexical
    lexical, value = normal_form(lit)
    if value is not None and lit.datatype in (XSD + "integer", XSD + "decimal", XSD + "boolean"):
        return value
    from rdflib import Literal, URIRef

    return Literal(lit.lexical, datatype=URIRef(lit.datatype)).toPython()


def _values(pairs: Iterable[tuple[str, str]], wanted: set[str]) -> dict[str, str]:
    """One value for each wanted predicate: the first in term order where there are several."""
    found: dict[str, str] = {}
    for p, o in pairs:
        if p in wanted and (p not in found or sort_key(o) < sort_key(found[p])):
            found[p] = o
    return found


def _fold_mentions(by_subject: dict, graph: nx.MultiDiGraph, kinds: dict) -> None:
    # Mentions are IRIs, whose order is their text's (sort_key's cache is smaller than an archive's mentions).
    for mention in sorted((m for m, k in kinds.items() if k == "Mention"), key=lambda m: m[1:-1]):
        properties = _values(by_subject[mention], FOLDED_PROPERTIES)
        entity = (properties.get(MENTION_OF) or "<>")[1:-1]
        if entity in graph:
            graph.nodes[entity].setdefault("mentions", []).append({
                "article": _text(properties.get(PROV_DERIVED)), "text": _text(properties.get(SPAN_TEXT)),
                "start": int(_text(properties.get(SPAN_START))), "end": int(_text(properties.get(SPAN_END)))})


def _fold_pairings(by_subject: dict, graph: nx.MultiDiGraph, kinds: dict) -> None:
    for fact in sorted((f for f, k in kinds.items() if k == "PairingFact"), key=sort_key):
        properties = _values(by_subject[fact], FOLDED_PROPERTIES)
        helper, assisted = _text(properties.get(HELPER)), _text(properties.get(ASSISTED))
        if graph.has_edge(helper, assisted, key="assists"):
            graph.edges[helper, assisted, "assists"].setdefault("sources", []).append({
                "article": _text(properties.get(PROV_DERIVED)),
                "sentence": _text(properties.get(SOURCE_TEXT))})


def _text(term: str | None) -> str:
    """A term as rdflib's str() gave it, a missing one too."""
    return "None" if term is None else lexical_form(term)


def _set_attribute(attrs: dict, name: str, value) -> None:
    if isinstance(value, Decimal):  # keep JSON-friendly numbers
        value = int(value) if value == value.to_integral() else float(value)
    if name in MULTI_VALUED:
        attrs.setdefault(name, []).append(value)
    elif name in attrs and attrs[name] != value:
        existing = attrs[name] if isinstance(attrs[name], list) else [attrs[name]]
        attrs[name] = existing + [value]
    else:
        attrs[name] = value
