"""Extractions -> an rdflib Dataset, one named graph per report.

IRIs are ASCII and deterministic, so the same report always gives the same
triples and the same entity in two reports is one node:

* divisions at county level and above: their code (``region/620622``);
* towns and villages: their county's code and a hash of the name path;
* everything else: its type and a hash of its full name;
* facts: the report's id and the offset of the words they were read from.

Names stay in ``rdfs:label``/``skos:altLabel`` with ``@zh``.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import NamedTuple

from rdflib import XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib import namespace

from .model import Entity, Extraction


class _Terms(Namespace):
    """A namespace whose terms are made once: rdflib's make a new URIRef on every look-up."""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = _TERMS.get((str(self), name))
        if term is None:
            term = _TERMS[(str(self), name)] = URIRef(str(self) + name)
        return term


_TERMS: dict[tuple[str, str], URIRef] = {}
FK = _Terms("https://w3id.org/fupin-kg/ontology#")
ID = Namespace("https://w3id.org/fupin-kg/id/")
SCHEMA = _Terms("https://schema.org/")
# rdflib's own vocabularies check each look-up (a microsecond, a thousand times per report).
PROV, RDF, RDFS, SKOS = (_Terms(str(ns)) for ns in (namespace.PROV, namespace.RDF, namespace.RDFS, namespace.SKOS))
PREFIXES = {"fk": FK, "id": ID, "schema": SCHEMA, "prov": PROV, "rdfs": RDFS, "skos": SKOS,
            "xsd": XSD, "rdf": RDF}
XSD_INTEGER, XSD_DECIMAL, XSD_DATE, XSD_BOOLEAN, XSD_GYEAR = (
    str(XSD[t]) for t in ("integer", "decimal", "date", "boolean", "gYear"))


class Iri(str):
    """An IRI in a report's triples.  A plain str subclass, so cheap to make: rdflib's
    URIRef and Literal check every term they make, which was two thirds of a store build."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal in a report's triples: its lexical form and a language or a datatype."""

    lexical: str
    lang: str | None = None
    datatype: str | None = None


def _zh(text: str) -> Lit:
    return Lit(text, "zh")


def _plain(text: str) -> Lit:
    return Lit(text)


def _integer(n: int) -> Lit:
    return Lit(str(n), None, XSD_INTEGER)


def _decimal(d) -> Lit:
    """An xsd:decimal in canonical form (570000000, not 570000000.0), which is how every store
    gives it back, so a graph read from a store is the graph that was built."""
    return Lit(format(Decimal(d).normalize(), "f"), None, XSD_DECIMAL)


def _id(path: str) -> Iri:
    return Iri(f"{ID}{path}")


def _hash(*parts: str, length: int = 12) -> str:
    return hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:length]


def article_iri(doc_id: str) -> Iri:
    return _id(f"article/{doc_id}")


def entity_iri(entity: Entity) -> Iri:
    place = entity.place
    if place is not None and place.code:
        return _id(f"region/{place.code}")
    if entity.type in ("Town", "Village"):
        path = []
        node = entity
        while node is not None and not (node.place and node.place.code):
            path.append(node.name)
            node = node.parent
        county = node.place.code if node else "000000"
        flag = "" if entity.resolved else "unresolved-"
        return _id(f"region/{county}/{flag}{_hash(*reversed(path), length=10)}")
    located = entity.location.code if entity.location is not None else None
    if located:
        # The division a name starts with is part of what it names: 铁西区人民医院 of Shenyang
        # and of Anshan are two hospitals.
        return _id(f"{entity.type.lower()}/{_hash(entity.type, entity.name, located)}")
    return _id(f"{entity.type.lower()}/{_hash(entity.type, entity.name)}")


def _packaged_turtle(name: str) -> Graph:
    return Graph().parse(data=files("kg.ontology").joinpath(name).read_text(encoding="utf-8"), format="turtle")


def ontology() -> Graph:
    return _packaged_turtle("fupin.ttl")


def shapes() -> Graph:
    return _packaged_turtle("shapes.ttl")


def new_dataset() -> Dataset:
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


def to_dataset(extractions: Iterable[Extraction]) -> Dataset:
    ds = new_dataset()
    for extraction in extractions:
        add_extraction(ds, extraction)
    return ds


def add_extraction(ds: Dataset, x: Extraction) -> URIRef:
    """Put one report's triples into its own named graph (replacing what it had)."""
    art = URIRef(article_iri(x.article.doc_id))
    ds.remove_graph(ds.graph(art))
    graph = ds.graph(art)
    for s, p, o in report_triples(x):
        graph.add((_rdflib(s), _rdflib(p), _rdflib(o)))
    return art


def _rdflib(term: str | Lit) -> URIRef | Literal:
    if isinstance(term, Lit):
        return Literal(term.lexical, lang=term.lang, datatype=term.datatype and URIRef(term.datatype))
    return term if isinstance(term, URIRef) else URIRef(term)


@dataclass(frozen=True)
class ReportNTriples:
    """One report's triples as N-Triples text, what a persistent store loads (no rdflib terms).

    ``derived`` are the triples about the nodes this report alone mints, its mentions
    and facts, each of which says ``prov:wasDerivedFrom`` the report: no other report
    can state them.  ``stated`` is the rest: the article node and what the report says
    about places, organisations and people that other reports may describe too."""

    graph: str
    derived: str
    stated: str


def article_ntriples(x: Extraction) -> ReportNTriples:
    triples = dict.fromkeys(report_triples(x))
    derived_nodes = {s for s, p, _ in triples if p == PROV.wasDerivedFrom}
    derived, stated = [], []
    for s, p, o in triples:
        (derived if s in derived_nodes else stated).append(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n")
    return ReportNTriples(article_iri(x.article.doc_id), "".join(derived), "".join(stated))


NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(term: str | Lit) -> str:
    if not isinstance(term, Lit):
        return f"<{term}>"
    text = f'"{term.lexical.translate(NT_ESCAPES)}"'
    if term.lang:
        return f"{text}@{term.lang}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def report_triples(x: Extraction) -> list[tuple]:
    """One report's triples, as IRIs (str) and Lits."""
    triples: list[tuple] = []
    _fill(triples, article_iri(x.article.doc_id), x)
    return triples


def _fill(out: list, art: Iri, x: Extraction) -> None:
    _article(out, art, x)
    for entity in x.entities:
        _entity(out, entity, art)
    for p in x.pairings:
        helper, assisted = entity_iri(p.helper), entity_iri(p.assisted)
        out.append((helper, FK.assists, assisted))
        fact = _id(f"pairing/{x.article.doc_id}-{_hash(helper, assisted, length=8)}")
        out.append((fact, RDF.type, FK.PairingFact))
        out.append((fact, FK.helper, helper))
        out.append((fact, FK.assistedRegion, assisted))
        _provenance(out, fact, art, p.sentence, None, p.rule)
    for m in x.money:
        fact = _id(f"money/{x.article.doc_id}-{m.span.start}")
        out.append((fact, RDF.type, FK.MoneyFact))
        out.append((fact, FK.amount, _decimal(m.amount)))
        out.append((fact, FK.currency, _plain("CNY")))
        _optional(out, fact, FK.approximate, m.approximate and _plain(m.approximate))
        _optional(out, fact, FK.donor, m.donor and entity_iri(m.donor))
        _optional(out, fact, FK.recipient, m.recipient and entity_iri(m.recipient))
        _optional(out, fact, FK.purpose, m.purpose and _zh(m.purpose))
        _optional(out, fact, FK.period, m.period and _zh(m.period))
        out.append((fact, FK.moneyKind, FK[m.kind]))
        _optional(out, fact, FK.planned, m.planned and Lit("true", None, XSD_BOOLEAN))
        _optional(out, fact, FK.cumulative, m.cumulative and Lit("true", None, XSD_BOOLEAN))
        _optional(out, fact, FK.year, m.year and Lit(m.year, None, XSD_GYEAR))
        _provenance(out, fact, art, m.sentence, m.span, m.rule)
    for q in x.quantities:
        fact = _id(f"quantity/{x.article.doc_id}-{q.span.start}")
        out.append((fact, RDF.type, FK.QuantityFact))
        out.append((fact, FK.value, _decimal(q.value)))
        out.append((fact, FK.unit, _zh(q.unit)))
        _optional(out, fact, FK.approximate, q.approximate and _plain(q.approximate))
        _optional(out, fact, FK.quantityOf, q.subject and entity_iri(q.subject))
        _provenance(out, fact, art, q.sentence, q.span, q.rule)


def _optional(out: list, s, p, o) -> None:
    if o:
        out.append((s, p, o))


def _article(out: list, art: Iri, x: Extraction) -> None:
    a = x.article
    out.append((art, RDF.type, FK.Article))
    out.append((art, SCHEMA.headline, _zh(a.title)))
    out.append((art, FK.sourceFile, _plain(a.source)))
    _optional(out, art, FK.sourceDigest, a.file_digest and _plain(a.file_digest))
    _optional(out, art, SCHEMA.datePublished, a.date and Lit(a.date, None, XSD_DATE))
    _optional(out, art, FK.outlet, a.outlet and _zh(a.outlet))
    for author in a.authors:
        out.append((art, SCHEMA.author, _zh(author)))


def _entity(out: list, e: Entity, art: Iri) -> None:
    iri = entity_iri(e)
    for m in e.mentions:
        mention = _id(f"mention/{art.rsplit('/', 1)[-1]}-{m.span.start}-{m.span.end}")
        out.append((mention, RDF.type, FK.Mention))
        out.append((mention, FK.mentionOf, iri))
        out.append((mention, PROV.wasDerivedFrom, art))
        out.append((mention, FK.spanText, _zh(m.span.text)))
        out.append((mention, FK.spanStart, _integer(m.span.start)))
        out.append((mention, FK.spanEnd, _integer(m.span.end)))
        out.append((mention, FK.rule, _plain(m.rule)))
    out.append((iri, RDF.type, FK[e.type]))
    out.append((iri, RDFS.label, _zh(e.name)))
    for alias in sorted(e.aliases):
        out.append((iri, SKOS.altLabel, _zh(alias)))
    if e.code:
        out.append((iri, FK.adminCode, _plain(e.code)))
    if e.parent is not None:
        out.append((iri, FK.partOf, entity_iri(e.parent)))
    if e.location is not None:
        out.append((iri, FK.locatedIn, entity_iri(e.location)))
    if e.mentions:
        out.append((iri, FK.mentionedIn, art))
    if e.role:
        out.append((iri, FK.role, _zh(e.role)))
    if not e.resolved:
        out.append((iri, FK.resolved, Lit("false", None, XSD_BOOLEAN)))
    out.append((iri, FK.rule, _plain(e.rule)))


def _provenance(out: list, fact: Iri, art: Iri, sentence, span, rule: str) -> None:
    out.append((fact, PROV.wasDerivedFrom, art))
    out.append((fact, FK.sourceText, _zh(sentence.text)))
    out.append((fact, FK.sentenceStart, _integer(sentence.start)))
    out.append((fact, FK.sentenceEnd, _integer(sentence.end)))
    if span is not None:
        out.append((fact, FK.spanText, _zh(span.text)))
        out.append((fact, FK.spanStart, _integer(span.start)))
        out.append((fact, FK.spanEnd, _integer(span.end)))
    out.append((fact, FK.rule, _plain(rule)))
