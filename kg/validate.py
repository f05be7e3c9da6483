"""Check a graph against the SHACL shapes in ontology/shapes.ttl, as SPARQL that Oxigraph runs.

pySHACL took 75 ms for one report's graph of a thousand triples, which
tripled the time of an archive's build; the same checks as one SPARQL query
take about a millisecond.  The shapes use a small part of SHACL Core:
targets by class, and on property shapes with a plain predicate as their
path ``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:class``,
``sh:in``, ``sh:pattern``, ``sh:languageIn``, ``sh:minInclusive`` and
``sh:or`` of such constraints.  Each is written here as the SPARQL pattern
its definition in the SHACL specification gives (a class includes its
subclasses, from the ontology); a shape that uses anything else is refused
with an error naming it, rather than left unchecked.  tests/test_validate.py
holds the translation to pySHACL: both find the same violations, constraint
by constraint.

A build checks each report's graph in the worker that made it
(``check_ntriples``); ``kg validate`` checks the whole graph in its store
(``check_store``), which also finds what only several reports together
break (two reports giving one place two parents).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from .model import KgError
from .rdf import ontology, shapes

# Datatypes whose lexical forms SPARQL can check by casting to them.
CASTABLE = {XSD[t] for t in ("integer", "decimal", "boolean", "date", "gYear", "double", "float", "dateTime")}
VALUE_CONSTRAINTS = {SH.datatype, SH["class"], SH["in"], SH.pattern, SH.flags, SH.languageIn, SH.minInclusive,
                     SH["or"]}
PROPERTY_KEYS = VALUE_CONSTRAINTS | {SH.path, SH.minCount, SH.maxCount, SH.message, RDFS.label, RDFS.comment,
                                     SH.name, SH.description}
NODE_KEYS = {RDF.type, SH.targetClass, SH.property, RDFS.label, RDFS.comment}


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str
    message: str


def _subclasses(ont: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(set(ont.transitive_subjects(RDFS.subClassOf, cls)))


def _values(terms) -> str:
    return " ".join(t.n3() for t in terms)


class _Compiler:
    def __init__(self, shapes_graph: Graph, ont: Graph):
        self.g, self.ont = shapes_graph, ont

    def refuse(self, node, what: str) -> KgError:
        return KgError(f"ontology/shapes.ttl {node.n3(self.g.namespace_manager)}", f"{what} is not checked by kg; "
                       "use the constraints kg.validate names")

    def checks(self) -> list[_Check]:
        found = []
        for shape in sorted(set(self.g.subjects(RDF.type, SH.NodeShape))):
            unknown = set(self.g.predicates(shape)) - NODE_KEYS
            if unknown:
                raise self.refuse(shape, ", ".join(sorted(u.n3(self.g.namespace_manager) for u in unknown)))
            classes = sorted({c for t in self.g.objects(shape, SH.targetClass) for c in _subclasses(self.ont, t)})
            if not classes:
                raise self.refuse(shape, "a node shape without sh:targetClass")
            for prop in sorted(self.g.objects(shape, SH.property), key=lambda p: sorted(self.g.predicate_objects(p))):
                found.append(self._property(prop, classes))
        return found

    def _property(self, prop, classes: list[URIRef]) -> _Check:
        unknown = set(self.g.predicates(prop)) - PROPERTY_KEYS
        if unknown:
            raise self.refuse(prop, ", ".join(sorted(u.n3(self.g.namespace_manager) for u in unknown)))
        path = self.g.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise self.refuse(prop, "a path that is not a single predicate")
        least, most = self.g.value(prop, SH.minCount), self.g.value(prop, SH.maxCount)
        conforms = self._conforms(prop) or "true"
        bad = f"SUM(IF(!BOUND(?value) || COALESCE({conforms}, false), 0, 1))"
        broken = [f"{bad} > 0"] + [f"COUNT(DISTINCT ?value) {op} {int(n)}" for op, n in (("<", least), (">", most))
                                   if n is not None]
        query = (f"SELECT ?focus (COUNT(DISTINCT ?value) AS ?n) ({bad} AS ?bad) "
                 f"WHERE {{ VALUES ?type {{ {_values(classes)} }} ?focus a ?type . "
                 f"OPTIONAL {{ ?focus {path.n3()} ?value }} }} GROUP BY ?focus HAVING ({' || '.join(broken)})")
        given = self.g.value(prop, SH.message)
        name = path.n3(self.g.namespace_manager)
        return _Check(query, frozenset(str(c) for c in classes), str(path), int(least) if least is not None else None,
                      int(most) if most is not None else None,
                      str(given) if given is not None else None, name, self._describe(prop))

    def _describe(self, node) -> str:
        return ", ".join(sorted(p.n3(self.g.namespace_manager) for p in self.g.predicates(node)
                                if p in VALUE_CONSTRAINTS))

    def _conforms(self, node) -> str:
        """A SPARQL expression true where ?value meets the node's value constraints."""
        tests = []
        datatype = self.g.value(node, SH.datatype)
        if datatype == RDF.langString:
            tests.append('(isLiteral(?value) && LANG(?value) != "")')
        elif datatype is not None:
            test = f'(isLiteral(?value) && LANG(?value) = "" && DATATYPE(?value) = {datatype.n3()}'
            if datatype in CASTABLE:
                test += f" && STRLEN(STR({datatype.n3()}(STR(?value)))) >= 0"
            tests.append(test + ")")
        cls = self.g.value(node, SH["class"])
        if cls is not None:
            tests.append(f"EXISTS {{ VALUES ?class {{ {_values(_subclasses(self.ont, cls))} }} ?value a ?class }}")
        allowed = self.g.value(node, SH["in"])
        if allowed is not None:
            tests.append("(" + " || ".join(f"sameTerm(?value, {t.n3()})" for t in Collection(self.g, allowed)) + ")")
        pattern = self.g.value(node, SH.pattern)
        if pattern is not None:
            flags = self.g.value(node, SH.flags)
            tests.append(f"(!isBlank(?value) && REGEX(STR(?value), {Literal(str(pattern)).n3()}"
                         f"{', ' + Literal(str(flags)).n3() if flags is not None else ''}))")
        languages = self.g.value(node, SH.languageIn)
        if languages is not None:
            tests.append("(" + " || ".join(f"LANGMATCHES(LANG(?value), {Literal(str(t)).n3()})"
                                           for t in Collection(self.g, languages)) + ")")
        least = self.g.value(node, SH.minInclusive)
        if least is not None:
            tests.append(f"(?value >= {least.n3()})")
        alternatives = self.g.value(node, SH["or"])
        if alternatives is not None:
            options = []
            for option in Collection(self.g, alternatives):
                if not isinstance(option, BNode) or set(self.g.predicates(option)) - VALUE_CONSTRAINTS:
                    raise self.refuse(option, "an sh:or member other than value constraints")
                options.append(self._conforms(option) or "true")
            tests.append("(" + " || ".join(options) + ")")
        return " && ".join(tests)


@dataclass(frozen=True)
class _Check:
    """One property shape as a query: for each focus node, how many values it has and how
    many of them break the value constraints."""

    query: str
    classes: frozenset[str]  # the classes (and subclasses) it targets
    path: str
    least: int | None
    most: int | None
    message: str | None  # sh:message, for every violation of this property shape
    name: str  # the path, as the default messages name it
    constraints: str  # the value constraints, as the default message names them

    def violations(self, rows) -> Iterator[Violation]:
        for focus, count, bad in rows:
            count, bad = int(_text(count)), int(_text(bad))
            focus = _text(focus)
            if self.least is not None and count < self.least:
                yield Violation(focus, self.path, self.message or f"fewer than {self.least} value(s) of {self.name}")
            if self.most is not None and count > self.most:
                yield Violation(focus, self.path, self.message or f"more than {self.most} value(s) of {self.name}")
            if bad:
                yield Violation(focus, self.path, self.message or f"a value of {self.name} breaks {self.constraints}")


@lru_cache(maxsize=1)
def shape_checks() -> tuple[_Check, ...]:
    """The shapes as queries, one per property shape."""
    return tuple(_Compiler(shapes(), ontology()).checks())


def _run(query, classes: set[str] | None = None) -> list[Violation]:
    """The checks' violations; with ``classes``, only the checks that target one of them."""
    return sorted({v for check in shape_checks() if classes is None or check.classes & classes
                   for v in check.violations(query(check.query))})


def _text(term) -> str:
    """rdflib's terms are strings; pyoxigraph's have a value."""
    return str(term) if isinstance(term, str) else term.value


def check_ntriples(data: str) -> list[Violation]:
    """The violations in one graph given as N-Triples (what a build's worker has of a report)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(data.encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    present = {row[0].value for row in store.query("SELECT DISTINCT ?class WHERE { ?node a ?class }")}
    return _run(store.query, present)


def check_store(store) -> list[Violation]:
    """The violations in a store's union of all reports."""
    return _run(store.query)


def validate(g: Graph) -> list[Violation]:
    """The violations in an rdflib graph."""
    return check_ntriples(g.serialize(format="nt"))
