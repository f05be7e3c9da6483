"""RDF as text: N-Triples terms in, deterministic Turtle, TriG, N-Triples and N-Quads out.

A term is its N-Triples text (``<iri>``, ``"text"@zh``, ``"5"^^<…#integer>``,
``_:b``), which is what the workers send, what Oxigraph dumps and what a
store loads, so a million triples pass through as strings: no rdflib term is
made.  The writers give, byte for byte, what rdflib's Turtle and N-Triples
writers gave for the same graph (tests/test_rdftext.py holds them to it):

* Turtle: subjects by how often they are an object, then by IRI (rdflib's
  order); ``rdf:type`` first, ``rdfs:label`` second, the other predicates by
  IRI; objects by rdflib's term order; IRIs shortened with the prefixes bound
  where rdflib would (not ``id:article/…``: a name holding ``/`` is not one);
  numbers and booleans written bare, in rdflib's normal form.
* TriG: one block per graph in IRI order, each the Turtle of that graph alone.
* N-Triples and N-Quads: one line per triple, sorted, no duplicates.

Where rdflib's own order is not a total order (numbers of different types
under one predicate), the order here is still fixed: by datatype, then value.
"""
from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from unicodedata import category

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_NIL = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"
XSD_STRING = XSD + "string"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
                             "nonNegativeInteger", "nonPositiveInteger", "negativeInteger", "positiveInteger",
                             "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
PREDICATE_ORDER = {RDF_TYPE: 0, RDFS_LABEL: 1}
ESCAPES = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))')
SIMPLE_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
# One N-Quads line: subject, predicate, object (an IRI, blank node or literal), and a graph or none.
NQUAD = re.compile(r'(\S+) (\S+) (<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)'
                   r'(?: (<[^>]*>|_:\S+))? \.\s*$')
PERCENT_NOT_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

Triple = tuple[str, str, str]
CACHE_LIMIT = 200_000
_SHARED_NAMES: dict = {False: {}, True: {}}
_SHARED_LITERALS: dict = {}
NAME_START = {"Ll", "Lu", "Lo", "Lt", "Nl"}
NAME = NAME_START | {"Mc", "Me", "Mn", "Lm", "Nd"}
SPLIT_START = NAME_START | {"Nd"}
ALLOWED_IN_NAME = set("\u00B7\u0387-._%()")
ASCII_NAME = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _is_name(c: str) -> bool:
    return c in ASCII_NAME or (c >= "\x80" and category(c) in NAME)


def _starts_name(c: str) -> bool:
    return c in ASCII_NAME or c == "_" or (c >= "\x80" and category(c) in SPLIT_START)


def split_namespace(iri: str) -> str:
    """The namespace rdflib's split_uri finds: the IRI up to where the longest name at its end
    may start; the whole IRI where there is none."""
    if iri.startswith("http://www.w3.org/XML/1998/namespace"):
        return "http://www.w3.org/XML/1998/namespace"
    i = len(iri) - 1
    while i >= 0 and (_is_name(iri[i]) or iri[i] in ALLOWED_IN_NAME):
        i -= 1
    if i < 0:
        return iri
    for j in range(i, len(iri)):
        if _starts_name(iri[j]):
            return iri[:j] if j else iri
    return iri


@lru_cache(maxsize=1)
def _bound_namespaces() -> dict[str, str]:
    """Namespace -> prefix, as bound on the datasets kg makes (rdflib's defaults and ours)."""
    from .rdf import new_dataset

    return {str(ns): prefix for prefix, ns in new_dataset().namespaces()}


class Literal:
    """The parts of a literal term: lexical form, language, datatype."""

    __slots__ = ("lexical", "lang", "datatype")

    def __init__(self, lexical: str, lang: str | None, datatype: str | None):
        self.lexical, self.lang, self.datatype = lexical, lang, datatype


@lru_cache(maxsize=1 << 15)
def parse_literal(term: str) -> Literal:
    end = term.rindex('"')
    body, suffix = term[1:end], term[end + 1:]
    if "\\" in body:
        body = ESCAPES.sub(_unescape, body)
    if suffix.startswith("@"):
        return Literal(body, suffix[1:], None)
    return Literal(body, None, suffix[3:-1] if suffix.startswith("^^") else None)


def _unescape(match: re.Match) -> str:
    code = match[1] or match[2]
    return chr(int(code, 16)) if code else SIMPLE_ESCAPES.get(match[3], match[3])


def lexical_form(term: str) -> str:
    """A term as SPARQL's STR and rdflib's str() give it: an IRI's text, a literal's lexical form."""
    return parse_literal(term).lexical if term.startswith('"') else term[1:-1]


def literal(lexical: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal's N-Triples term (xsd:string is left implicit, as RDF 1.1 has it)."""
    text = '"' + lexical.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r") + '"'
    if lang:
        return f"{text}@{lang}"
    return f"{text}^^<{datatype}>" if datatype and datatype != XSD_STRING else text


def normal_form(lit: Literal) -> tuple[str, object]:
    """The lexical form rdflib gives a literal it reads (7.0 → 7.0, 007 → 7, 1 → true), and the
    literal's value, or None where the lexical form is not one of its datatype."""
    datatype = lit.datatype
    if datatype is None or lit.lang:
        return lit.lexical, lit.lexical
    try:
        if datatype == XSD + "integer":
            value = int(lit.lexical)
            return str(value), value
        if datatype == XSD + "decimal":
            value = Decimal(lit.lexical)
            if not value.is_finite():
                return lit.lexical, None
            return format(value, "f"), value
        if datatype in NUMERIC:
            value = Decimal(lit.lexical.strip())
            return lit.lexical, value if value.is_finite() else None
    except (ValueError, InvalidOperation):
        return lit.lexical, None
    if datatype == XSD + "boolean":
        value = lit.lexical.strip().lower() in ("true", "1")
        return ("true" if value else "false"), value
    return lit.lexical, lit.lexical


@lru_cache(maxsize=1 << 16)
def sort_key(term: str) -> tuple:
    """rdflib's order of terms: blank nodes, IRIs, then literals (by datatype, language, value)."""
    if term.startswith("<"):
        return (30, term[1:-1])
    if term.startswith("_:"):
        return (10, term[2:])
    lit = parse_literal(term)
    lexical, value = normal_form(lit)
    datatype = lit.datatype or XSD_STRING
    if datatype in NUMERIC and value is not None:  # numbers by value, where decimals stand
        return (40, XSD + "decimal", "", 0, value, lexical)
    return (40, datatype, lit.lang or "", 1, 0, lexical)


def ntriples_term(term: str) -> str:
    """A term as rdflib's N-Triples writer wrote it: the literal's lexical form in normal form."""
    if not term.startswith('"'):
        return term
    lit = parse_literal(term)
    return literal(normal_form(lit)[0], lit.lang, lit.datatype) if lit.datatype and not lit.lang else term


def parse_nquads(lines: Iterable[str]) -> Iterator[tuple[str, str, str, str | None]]:
    """Quads (s, p, o, graph or None) from N-Quads or N-Triples lines as Oxigraph writes them."""
    for line in lines:
        if not line or line.startswith("#"):
            continue
        found = NQUAD.match(line)
        if found is None:
            raise ValueError(f"not an N-Quads line: {line[:200]}")
        yield found[1], found[2], found[3], found[4]


def parse_ntriples_lines(text: str) -> Iterator[Triple]:
    """Triples from N-Triples text as kg (kg.rdf) and Oxigraph write it: one triple a line, IRIs
    without spaces, so the subject and the predicate end at the first two spaces."""
    for line in text.splitlines():
        if line:
            s, p, o = line[:-2].split(" ", 2)
            yield s, p, o


class TurtleWriter:
    """Turtle as rdflib writes it; one writer remembers the prefixes its output used."""

    def __init__(self, namespaces: dict[str, str] | None = None):
        self.namespaces = namespaces if namespaces is not None else _bound_namespaces()
        self.used: dict[str, str] = {}  # prefix -> namespace
        self.generated: dict[str, str] = {}  # namespace -> ns1, ns2 … for predicates
        # Names and literals depend only on the namespaces: writers with kg's share them (a build's
        # worker writes a block of TriG for each report), emptied when they grow large.
        shared = namespaces is None
        # Each term's name as a subject or object (False), and as a predicate (True).
        self.names: dict[bool, dict[str, tuple]] = _SHARED_NAMES if shared else {False: {}, True: {}}
        self.literals: dict[str, tuple[str, str | None]] = _SHARED_LITERALS if shared else {}
        self.verbs: dict[str, str] = {}  # the predicates this writer has written, and the IRIs
        self.objects: dict[str, str] = {}
        for cache in (*self.names.values(), self.literals):
            if len(cache) > CACHE_LIMIT:
                cache.clear()

    def graph(self, triples: Iterable[Triple]) -> str:
        """The statements of one graph, each preceded by a blank line, as rdflib writes them."""
        return "".join(self.statements(triples))

    def statements(self, triples: Iterable[Triple]) -> Iterator[str]:
        """The statements one by one; the prefixes they use are known after the last (rdflib
        names every term ahead of them, which took a fifth of the time)."""
        return (text for _, text in self.subject_statements(triples))

    def subject_statements(self, triples: Iterable[Triple]) -> Iterator[tuple[str, str]]:
        """Each subject with its statement, in order."""
        unique = triples if isinstance(triples, (set, frozenset)) else set(triples)
        by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, p, o in unique:
            by_subject[s].append((p, o))
        references = Counter(o for _, _, o in unique)
        order = sorted(by_subject, key=lambda s: subject_key(s, references))
        del references
        for s in order:
            yield s, self.statement(s, by_subject.pop(s))

    def statement(self, subject: str, pairs: Iterable[tuple[str, str]]) -> str:
        """One subject's statement, from its (predicate, object) pairs."""
        properties: dict[str, list[str]] = {}
        for p, o in pairs:
            properties.setdefault(p, []).append(o)
        predicates = sorted(properties, key=_predicate_key) if len(properties) > 1 else list(properties)
        parts = []
        for p in predicates:
            objects = properties[p]
            verb = self.verbs.get(p) or self._verb(p)
            if len(objects) == 1:
                parts.append(f"{verb} {self.objects.get(objects[0]) or self._object(objects[0])}")
            else:
                parts.append(f"{verb} " + ",\n        ".join(self.objects.get(o) or self._object(o)
                                                            for o in sorted(objects, key=sort_key)))
        return f"\n{self._name(subject, predicate=False)} " + " ;\n    ".join(parts) + " .\n"

    def _verb(self, predicate: str) -> str:
        verb = self.verbs[predicate] = "a" if predicate == RDF_TYPE else self._name(predicate, predicate=True)
        return verb

    def _object(self, term: str) -> str:
        """A term's text as an object; an IRI's kept for this writer, which has declared its
        prefix (most literals are written once)."""
        text = self._object_text(term)
        if term.startswith("<"):
            self.objects[term] = text
        return text

    def _object_text(self, term: str) -> str:
        if term.startswith('"'):
            found = self.literals.get(term)
            if found is None:
                found = self.literals[term] = self._literal(term)
            text, datatype = found
            if datatype is not None:  # rdflib's writer names every datatype, so its prefix is declared
                self._name(datatype, predicate=False)
            return text
        return self._name(term, predicate=False)

    def _name(self, term: str, predicate: bool) -> str:
        names = self.names[predicate]
        found = names.get(term)
        if found is None:
            found = self._pname(term, predicate) or (("()" if term == RDF_NIL else term), None, None)
            if found[1] is None or found[1] not in self.generated.values():
                names[term] = found
        name, prefix, namespace = found
        if prefix is not None and prefix not in self.used:
            self.used[prefix] = namespace
        return name

    def _pname(self, term: str, predicate: bool) -> tuple[str, str, str] | None:
        """(prefix:local, prefix, namespace) where rdflib's compute_qname finds a bound namespace
        for the IRI; a predicate in no bound namespace gets a prefix of its own (ns1, ns2 …)."""
        if not term.startswith("<"):
            return None
        iri = term[1:-1]
        namespace = split_namespace(iri)
        longer = [ns for ns in self.namespaces if ns.startswith(namespace) and iri.startswith(ns)]
        if longer:
            namespace = max(longer, key=len)
        prefix = self.namespaces.get(namespace)
        if prefix is None:
            if not predicate or namespace == iri:
                return None
            prefix = self.generated.setdefault(namespace, f"ns{len(self.generated) + 1}")
        local = iri[len(namespace):].replace("(", r"\(").replace(")", r"\)")
        local = PERCENT_NOT_ESCAPE.sub(r"\\%", local)
        if local.endswith("."):
            return None
        return f"{prefix}:{local}", prefix, namespace

    def _literal(self, term: str) -> tuple[str, str | None]:
        """A literal's text, and its datatype as a term (or None)."""
        lit = parse_literal(term)
        lexical, value = normal_form(lit)
        datatype = lit.datatype
        datatype_term = f"<{datatype}>" if datatype else None
        if datatype in (XSD + "integer", XSD + "boolean") and value is not None:
            return lexical, datatype_term
        if datatype == XSD + "decimal" and value is not None:
            return (lexical if ("." in lexical or "e" in lexical or "E" in lexical) else lexical + ".0"), datatype_term
        if datatype == XSD + "double" and value is not None:
            try:
                return re.sub(r"\.?0*e", "e", "%e" % float(lexical)), datatype_term
            except ValueError:
                pass
        text = _quoted(lexical)
        if lit.lang:
            return f"{text}@{lit.lang}", None
        if datatype:
            return f"{text}^^{self._name(datatype_term, predicate=False)}", datatype_term
        return text, None

    def prefix_lines(self) -> list[str]:
        return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(self.used.items())]


@lru_cache(maxsize=4096)
def _predicate_key(predicate: str) -> tuple:
    """Predicates in rdflib's order: rdf:type, rdfs:label, then by IRI."""
    return PREDICATE_ORDER.get(predicate, 2), sort_key(predicate)


def _quoted(text: str) -> str:
    """A string as rdflib's Turtle writer quotes it: triple quotes where it holds a line break."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + '\\"'
        return '"""%s"""' % encoded.replace("\r", "\\r")
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")


def subject_key(term: str, references: Counter) -> tuple:
    """rdflib's order of subjects: IRIs before blank nodes, the less referred to first, then by IRI."""
    return (term.startswith("_:"), references[term], term[2:] if term.startswith("_:") else term[1:-1])


def prefix_order(lines: Iterable[str]) -> list[str]:
    """@prefix lines in Turtle's order: by prefix."""
    return sorted(set(lines), key=lambda line: line.split()[1])


def turtle(triples: Iterable[Triple]) -> bytes:
    out = io.BytesIO()
    write_turtle(triples, out)
    return out.getvalue()


def write_turtle(triples: Iterable[Triple], stream) -> None:
    """Turtle into a binary stream: the statements are made first, then written after the
    prefixes they use."""
    writer = TurtleWriter()
    statements = list(writer.statements(triples))
    stream.write("".join(line + "\n" for line in writer.prefix_lines()).encode("utf-8"))
    for statement in statements:
        stream.write(statement.encode("utf-8"))
    stream.write(b"\n")


def trig_block(graph: str, triples: Iterable[Triple], writer: TurtleWriter) -> str:
    """One graph's block of TriG: its Turtle, indented, inside the graph's braces."""
    return trig_block_of(graph, writer.statements(triples))


def trig_block_of(graph: str, statements: Iterable[str]) -> str:
    """A graph's block of TriG from its statements, in order."""
    body = "\n".join(("    " + line) if line else "" for line in "".join(statements).strip("\n").split("\n"))
    return f"{graph} {{\n{body}\n}}\n"


def trig(graphs: Iterable[tuple[str, Iterable[Triple]]]) -> bytes:
    """TriG of named graphs (graph term, triples), written in the graphs' IRI order."""
    writer = TurtleWriter()
    blocks = [trig_block(g, triples, writer) for g, triples in sorted(graphs, key=lambda gt: sort_key(gt[0]))]
    return trig_from_blocks(writer.prefix_lines(), blocks)


def trig_from_blocks(prefix_lines: Iterable[str], blocks: Iterable[str]) -> bytes:
    return trig_header(prefix_lines) + "\n".join(blocks).encode("utf-8")


def trig_header(prefix_lines: Iterable[str]) -> bytes:
    """The @prefix lines of TriG: those its graphs' blocks use, in order."""
    return ("\n".join(sorted(set(prefix_lines))) + "\n\n").encode("utf-8")


def ntriples(triples: Iterable[Triple]) -> bytes:
    return _lines({f"{s} {p} {ntriples_term(o)} ." for s, p, o in triples})


def nquads(graphs: Iterable[tuple[str, Iterable[Triple]]]) -> bytes:
    return _lines({f"{s} {p} {ntriples_term(o)} {g} ." for g, triples in graphs for s, p, o in triples})


def _lines(lines: set[str]) -> bytes:
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


class Quads:
    """A dataset as N-Triples terms: each named graph's triples (for kg, each report's whole
    graph).  Terms are shared between triples, so a million triples take about 150 MB."""

    def __init__(self):
        self.graphs: dict[str, list[Triple]] = {}
        self._terms: dict[str, str] = {}

    def add(self, graph: str, triples: Iterable[Triple]) -> None:
        """Add triples to a graph (a term: ``<iri>``)."""
        share = self._terms.setdefault
        self.graphs.setdefault(graph, []).extend((share(s, s), share(p, p), share(o, o)) for s, p, o in triples)

    def union(self) -> set[Triple]:
        return {t for triples in self.graphs.values() for t in triples}

    def __len__(self) -> int:
        return len(self.union())

    @classmethod
    def from_rdflib(cls, ds) -> Quads:
        """The named graphs of an rdflib Dataset."""
        from rdflib import Literal

        def term(t) -> str:
            if isinstance(t, Literal):
                return literal(str(t), t.language, str(t.datatype) if t.datatype else None)
            return t.n3()
        quads = cls()
        for graph in ds.graphs():
            if len(graph) and str(graph.identifier) != "urn:x-rdflib:default":
                quads.add(term(graph.identifier), ((term(s), term(p), term(o)) for s, p, o in graph))
        return quads

    def to_rdflib(self):
        """An rdflib Dataset of the same graphs, for Python users and rdflib's other writers."""
        from rdflib import URIRef

        from .rdf import new_dataset

        ds = new_dataset()
        for graph, triples in self.graphs.items():
            target = ds.graph(URIRef(graph[1:-1]))
            text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
            target.parse(data=text, format="nt")
        return ds
