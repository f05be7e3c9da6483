"""Check a graph against the SHACL shapes in ontology/shapes.ttl, as SPARQL that Oxigraph runs
and as the same tests in Python.

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

``kg validate`` checks the whole graph in its store (``check_store``), which
also finds what only several reports together break (two reports giving one
place two parents).  A build checks each report's graph in the worker that
made it (``check_triples``), where loading a store and asking it 34 queries
cost half as much as extracting the report: there each constraint is also
compiled to a Python test on N-Triples terms, which gives what the query
gives (the tests hold both to pySHACL, and the lexical forms to Oxigraph's
casts) in a third of the time.
"""
from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from .model import KgError
from .rdf import ontology, shapes
from .rdftext import NUMERIC, RDF_TYPE, Triple, lexical_form, parse_literal, parse_ntriples_lines

# Datatypes whose lexical forms SPARQL can check by casting to them.
CASTABLE = {XSD[t] for t in ("integer", "decimal", "boolean", "date", "gYear", "double", "float", "dateTime")}
# Their lexical forms, as Oxigraph's casts accept them (a date must also be a day of the calendar).
ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
DATE = r"-?([0-9]{4,})-([0-9]{2})-([0-9]{2})"
FLOATING = r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))"
LEXICAL = {XSD.integer: r"[+-]?[0-9]+", XSD.decimal: r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
           XSD.boolean: "true|false|1|0", XSD.date: DATE + ZONE, XSD.gYear: "-?[0-9]{4,}" + ZONE,
           XSD.double: FLOATING, XSD.float: FLOATING,
           XSD.dateTime: DATE + r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?" + ZONE}
LEXICAL_FORMS = {str(t): re.compile(form) for t, form in LEXICAL.items()}
CALENDAR = {str(XSD.date), str(XSD.dateTime)}
XSD_STRING = str(XSD.string)
Test = Callable[[str, dict], bool]  # (a value's term, each node's classes) -> whether it conforms
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
        conforms, test = self._conforms(prop)
        conforms = conforms or "true"
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
                      str(given) if given is not None else None, name, self._describe(prop), test)

    def _describe(self, node) -> str:
        return ", ".join(sorted(p.n3(self.g.namespace_manager) for p in self.g.predicates(node)
                                if p in VALUE_CONSTRAINTS))

    def _conforms(self, node) -> tuple[str, Test]:
        """A SPARQL expression true where ?value meets the node's value constraints, and the
        same as a test in Python: every constraint is written in both, side by side."""
        tests: list[tuple[str, Test]] = []
        datatype = self.g.value(node, SH.datatype)
        if datatype == RDF.langString:
            tests.append(('(isLiteral(?value) && LANG(?value) != "")',
                          lambda v, _: _is_literal(v) and bool(parse_literal(v).lang)))
        elif datatype is not None:
            test = f'(isLiteral(?value) && LANG(?value) = "" && DATATYPE(?value) = {datatype.n3()}'
            if datatype in CASTABLE:
                test += f" && STRLEN(STR({datatype.n3()}(STR(?value)))) >= 0"
            tests.append((test + ")", _has_datatype(str(datatype))))
        cls = self.g.value(node, SH["class"])
        if cls is not None:
            classes = _subclasses(self.ont, cls)
            terms = frozenset(c.n3() for c in classes)
            tests.append((f"EXISTS {{ VALUES ?class {{ {_values(classes)} }} ?value a ?class }}",
                          lambda v, types: not terms.isdisjoint(types.get(v, ()))))
        allowed = self.g.value(node, SH["in"])
        if allowed is not None:
            members = list(Collection(self.g, allowed))
            terms = frozenset(t.n3() for t in members)
            tests.append(("(" + " || ".join(f"sameTerm(?value, {t.n3()})" for t in members) + ")",
                          lambda v, _: v in terms))
        pattern = self.g.value(node, SH.pattern)
        if pattern is not None:
            flags = self.g.value(node, SH.flags)
            if flags is not None and set(str(flags)) - set("ismx"):
                raise self.refuse(node, f"sh:flags {flags}")
            found = re.compile(str(pattern), sum(getattr(re, f.upper()) for f in str(flags or "")))
            tests.append((f"(!isBlank(?value) && REGEX(STR(?value), {Literal(str(pattern)).n3()}"
                          f"{', ' + Literal(str(flags)).n3() if flags is not None else ''}))",
                          lambda v, _: not v.startswith("_:") and found.search(lexical_form(v)) is not None))
        languages = self.g.value(node, SH.languageIn)
        if languages is not None:
            tags = [str(t).lower() for t in Collection(self.g, languages)]
            tests.append(("(" + " || ".join(f"LANGMATCHES(LANG(?value), {Literal(t).n3()})" for t in tags) + ")",
                          lambda v, _: _is_literal(v) and _lang_matches(parse_literal(v).lang, tags)))
        least = self.g.value(node, SH.minInclusive)
        if least is not None:
            if not isinstance(least, Literal) or str(least.datatype) not in NUMERIC:
                raise self.refuse(node, "an sh:minInclusive that is not a number")
            bound = Decimal(str(least))
            tests.append((f"(?value >= {least.n3()})", lambda v, _: (n := _number(v)) is not None and n >= bound))
        alternatives = self.g.value(node, SH["or"])
        if alternatives is not None:
            options = []
            for option in Collection(self.g, alternatives):
                if not isinstance(option, BNode) or set(self.g.predicates(option)) - VALUE_CONSTRAINTS:
                    raise self.refuse(option, "an sh:or member other than value constraints")
                text, test = self._conforms(option)
                options.append((text or "true", test))
            choices = [test for _, test in options]
            tests.append(("(" + " || ".join(text for text, _ in options) + ")",
                          lambda v, types: any(test(v, types) for test in choices)))
        checks = [test for _, test in tests]
        if len(checks) == 1:
            return tests[0][0], checks[0]
        return " && ".join(text for text, _ in tests), lambda v, types: all(test(v, types) for test in checks)


def _is_literal(term: str) -> bool:
    return term.startswith('"')


def _lang_matches(lang: str | None, tags: list[str]) -> bool:
    """LANGMATCHES of a literal's language against each tag (its ranges are plain tags here)."""
    lang = (lang or "").lower()
    return bool(lang) and any(tag == "*" or lang == tag or lang.startswith(tag + "-") for tag in tags)


def _number(term: str) -> Decimal | None:
    """A numeric literal's value; None for anything else, or a lexical form not of its type."""
    if not _is_literal(term):
        return None
    lit = parse_literal(term)
    if lit.datatype not in NUMERIC or not _well_formed(lit.lexical, lit.datatype):
        return None
    try:
        value = Decimal(lit.lexical)
    except InvalidOperation:
        return None
    return value if not value.is_nan() else None


def _well_formed(lexical: str, datatype: str) -> bool:
    form = LEXICAL_FORMS.get(datatype)
    if form is None:
        return True
    found = form.fullmatch(lexical)
    if found is None:
        return False
    if datatype in CALENDAR:
        year, month, day = (int(found[i]) for i in (1, 2, 3))
        return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]
    return True


def _has_datatype(datatype: str) -> Test:
    def test(value: str, _) -> bool:
        if not _is_literal(value):
            return False
        lit = parse_literal(value)
        return not lit.lang and (lit.datatype or XSD_STRING) == datatype and _well_formed(lit.lexical, datatype)
    return test


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
    conforms: Test  # the value constraints in Python

    def violations(self, rows) -> Iterator[Violation]:
        """The violations, from the query's rows: (focus, count of values, count of bad ones)."""
        for focus, count, bad in rows:
            yield from self.verdicts(_text(focus), int(_text(count)), int(_text(bad)))

    def fits(self, count: int) -> bool:
        """Whether a node with ``count`` values meets the minimum and maximum."""
        return (self.least is None or count >= self.least) and (self.most is None or count <= self.most)

    def verdicts(self, focus: str, count: int, bad: int) -> Iterator[Violation]:
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


def _run(query) -> list[Violation]:
    """The checks' violations, each check a query."""
    return sorted({v for check in shape_checks() for v in check.violations(query(check.query))})


def _text(term) -> str:
    """rdflib's terms are strings; pyoxigraph's have a value."""
    return str(term) if isinstance(term, str) else term.value


def check_ntriples(data: str) -> list[Violation]:
    """The violations in one graph given as N-Triples, one triple a line."""
    return check_triples(parse_ntriples_lines(data))


def check_triples(triples: Iterable[Triple]) -> list[Violation]:
    """The violations in one graph of N-Triples terms (what a build's worker has of a
    report), found by the checks' Python tests."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)  # class -> its nodes
    for s, p, o in triples:
        values[s, p].add(o)
        if p == RDF_TYPE:
            types[s].add(o)
            members[o[1:-1]].add(s)
    found = set()
    for check in shape_checks():
        path = f"<{check.path}>"
        for focus in set().union(*(members[c] for c in check.classes if c in members)):
            given = values.get((focus, path), ())
            bad = sum(not check.conforms(v, types) for v in given) if given else 0
            if bad or not check.fits(len(given)):
                found.update(check.verdicts(_node(focus), len(given), bad))
    return sorted(found)


def _node(term: str) -> str:
    """An IRI or blank node as a violation names it: the IRI, the blank node's label."""
    return term[1:-1] if term.startswith("<") else term[2:]


def check_store(store) -> list[Violation]:
    """The violations in a store's union of all reports."""
    return _run(store.query)


def validate(g: Graph) -> list[Violation]:
    """The violations in an rdflib graph."""
    return check_ntriples(g.serialize(format="nt"))
