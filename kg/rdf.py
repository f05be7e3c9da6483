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
from collections.abc import Iterable
from importlib.resources import files

from rdflib import XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from .model import Entity, Extraction

class _Terms(Namespace):
    """A namespace whose terms are made once: rdflib's make a new URIRef on every look-up,
    which was a tenth of a large build."""

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
PREFIXES = {"fk": FK, "id": ID, "schema": SCHEMA, "prov": PROV, "rdfs": RDFS, "skos": SKOS,
            "xsd": XSD, "rdf": RDF}


def _hash(*parts: str, length: int = 12) -> str:
    return hashlib.sha1("/".join(parts).encode("utf-8")).hexdigest()[:length]


def article_iri(doc_id: str) -> URIRef:
    return ID[f"article/{doc_id}"]


def entity_iri(entity: Entity) -> URIRef:
    place = entity.place
    if place is not None and place.code:
        return ID[f"region/{place.code}"]
    if entity.type in ("Town", "Village"):
        path = []
        node = entity
        while node is not None and not (node.place and node.place.code):
            path.append(node.name)
            node = node.parent
        county = node.place.code if node else "000000"
        flag = "" if entity.resolved else "unresolved-"
        return ID[f"region/{county}/{flag}{_hash(*reversed(path), length=10)}"]
    return ID[f"{entity.type.lower()}/{_hash(entity.type, entity.name)}"]


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
    art = article_iri(x.article.doc_id)
    ds.remove_graph(ds.graph(art))
    _fill(ds.graph(art), art, x)
    return art


class _Triples(list):
    """Triples gathered without an rdflib store (``add`` like a Graph's), for speed."""

    def add(self, triple) -> None:
        self.append(triple)


def article_ntriples(x: Extraction) -> tuple[str, str]:
    """One report's triples as N-Triples text: what a store loads, without building a Graph."""
    art = article_iri(x.article.doc_id)
    triples = _Triples()
    _fill(triples, art, x)
    return str(art), "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in dict.fromkeys(triples))


NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _nt(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    text = f'"{str(term).translate(NT_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def _fill(g: Graph, art: URIRef, x: Extraction) -> None:
    _article(g, art, x)
    for entity in x.entities:
        _entity(g, entity, art)
    for p in x.pairings:
        helper, assisted = entity_iri(p.helper), entity_iri(p.assisted)
        g.add((helper, FK.assists, assisted))
        fact = ID[f"pairing/{x.article.doc_id}-{_hash(str(helper), str(assisted), length=8)}"]
        g.add((fact, RDF.type, FK.PairingFact))
        g.add((fact, FK.helper, helper))
        g.add((fact, FK.assistedRegion, assisted))
        _provenance(g, fact, art, p.sentence, None, p.rule)
    for m in x.money:
        fact = ID[f"money/{x.article.doc_id}-{m.span.start}"]
        g.add((fact, RDF.type, FK.MoneyFact))
        g.add((fact, FK.amount, Literal(m.amount, datatype=XSD.decimal)))
        g.add((fact, FK.currency, Literal("CNY")))
        _optional(g, fact, FK.approximate, m.approximate and Literal(m.approximate))
        _optional(g, fact, FK.donor, m.donor and entity_iri(m.donor))
        _optional(g, fact, FK.recipient, m.recipient and entity_iri(m.recipient))
        _optional(g, fact, FK.purpose, m.purpose and Literal(m.purpose, lang="zh"))
        _optional(g, fact, FK.period, m.period and Literal(m.period, lang="zh"))
        _provenance(g, fact, art, m.sentence, m.span, m.rule)
    for q in x.quantities:
        fact = ID[f"quantity/{x.article.doc_id}-{q.span.start}"]
        g.add((fact, RDF.type, FK.QuantityFact))
        g.add((fact, FK.value, Literal(q.value, datatype=XSD.decimal)))
        g.add((fact, FK.unit, Literal(q.unit, lang="zh")))
        _optional(g, fact, FK.approximate, q.approximate and Literal(q.approximate))
        _optional(g, fact, FK.quantityOf, q.subject and entity_iri(q.subject))
        _provenance(g, fact, art, q.sentence, q.span, q.rule)


def _optional(g: Graph, s, p, o) -> None:
    if o:
        g.add((s, p, o))


def _article(g: Graph, art: URIRef, x: Extraction) -> None:
    a = x.article
    g.add((art, RDF.type, FK.Article))
    g.add((art, SCHEMA.headline, Literal(a.title, lang="zh")))
    g.add((art, FK.sourceFile, Literal(a.source)))
    _optional(g, art, SCHEMA.datePublished, a.date and Literal(a.date, datatype=XSD.date))
    _optional(g, art, FK.outlet, a.outlet and Literal(a.outlet, lang="zh"))
    for author in a.authors:
        g.add((art, SCHEMA.author, Literal(author, lang="zh")))


def _entity(g: Graph, e: Entity, art: URIRef) -> None:
    iri = entity_iri(e)
    for m in e.mentions:
        mention = ID[f"mention/{art.rsplit('/', 1)[-1]}-{m.span.start}-{m.span.end}"]
        g.add((mention, RDF.type, FK.Mention))
        g.add((mention, FK.mentionOf, iri))
        g.add((mention, PROV.wasDerivedFrom, art))
        g.add((mention, FK.spanText, Literal(m.span.text, lang="zh")))
        g.add((mention, FK.spanStart, Literal(m.span.start)))
        g.add((mention, FK.spanEnd, Literal(m.span.end)))
        g.add((mention, FK.rule, Literal(m.rule)))
    g.add((iri, RDF.type, FK[e.type]))
    g.add((iri, RDFS.label, Literal(e.name, lang="zh")))
    for alias in sorted(e.aliases):
        g.add((iri, SKOS.altLabel, Literal(alias, lang="zh")))
    if e.code:
        g.add((iri, FK.adminCode, Literal(e.code)))
    if e.parent is not None:
        g.add((iri, FK.partOf, entity_iri(e.parent)))
    if e.location is not None:
        g.add((iri, FK.locatedIn, entity_iri(e.location)))
    if e.mentions:
        g.add((iri, FK.mentionedIn, art))
    if e.role:
        g.add((iri, FK.role, Literal(e.role, lang="zh")))
    if not e.resolved:
        g.add((iri, FK.resolved, Literal(False)))
    g.add((iri, FK.rule, Literal(e.rule)))


def _provenance(g: Graph, fact: URIRef, art: URIRef, sentence, span, rule: str) -> None:
    g.add((fact, PROV.wasDerivedFrom, art))
    g.add((fact, FK.sourceText, Literal(sentence.text, lang="zh")))
    g.add((fact, FK.sentenceStart, Literal(sentence.start)))
    g.add((fact, FK.sentenceEnd, Literal(sentence.end)))
    if span is not None:
        g.add((fact, FK.spanText, Literal(span.text, lang="zh")))
        g.add((fact, FK.spanStart, Literal(span.start)))
        g.add((fact, FK.spanEnd, Literal(span.end)))
    g.add((fact, FK.rule, Literal(rule)))
