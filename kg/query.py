"""SPARQL over any store: saved queries, parameters, result formats, clear errors."""
from __future__ import annotations

import csv
import difflib
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources import files

from rdflib import XSD, Literal
from rdflib.query import Result

from .model import ENTITY_TYPES, KgError
from .rdf import PREFIXES
from .stores import Changes, Scope, Store

PARAM_LINE = re.compile(r"^#\s*param\s+(?P<name>\w+)\s+(?P<kind>literal|class)\s+(?P<default>.+?)\s*$")
# A word that no SPARQL query can be: meant as a saved query's name.
NAME = re.compile(r"[\w-]+")
TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml")  # SELECT and ASK answers
GRAPH_FORMATS = ("ttl", "jsonld")  # CONSTRUCT and DESCRIBE answers
QUERY_FORMATS = TABLE_FORMATS + GRAPH_FORMATS


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    text: str
    params: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (kind, default)


def saved_queries() -> dict[str, SavedQuery]:
    found = {}
    for path in sorted(files("kg.queries").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".rq"):
            continue
        text = path.read_text(encoding="utf-8")
        comments = [line for line in text.splitlines() if line.startswith("#")]
        params = {m["name"]: (m["kind"], m["default"]) for m in map(PARAM_LINE.match, comments) if m}
        description = comments[0].lstrip("# ").strip() if comments else ""
        name = path.name[:-3]
        found[name] = SavedQuery(name, description, text, params)
    return found


def fill(query: SavedQuery, values: dict[str, str]) -> str:
    """The saved query with its {{parameters}} replaced by safely written terms."""
    unknown = set(values) - set(query.params)
    if unknown:
        raise KgError(f"query {query.name}", f"no parameter {', '.join(sorted(unknown))}; "
                      f"it takes {', '.join(query.params) or 'none'}")
    text = query.text
    for name, (kind, default) in query.params.items():
        value = values.get(name, default)
        if kind == "class":
            if value not in ENTITY_TYPES:
                raise KgError(f"query {query.name}", f"{name} must be one of {', '.join(ENTITY_TYPES)}")
            term = f"fk:{value}"
        else:
            term = Literal(value, lang="zh").n3()
        text = text.replace("{{" + name + "}}", term)
    return text


def resolve_query(text: str | None, values: dict[str, str]) -> str:
    """A saved query's name, or SPARQL text as it is."""
    if not text:
        raise KgError("query", "give a SPARQL query, --file, or the name of a saved query (--list)")
    saved = saved_queries()
    if text in saved:
        return fill(saved[text], values)
    if NAME.fullmatch(text.strip()):
        close = difflib.get_close_matches(text.strip(), saved, n=1)
        hint = f"did you mean {close[0]}?" if close else "`kg query --list` shows them"
        raise KgError(f"query {text.strip()}", f"not a saved query; {hint}")
    if values:
        raise KgError("query", "--param works with saved queries only")
    return text


class Refused(KgError):
    """A request that the endpoint will not run, because it would make the server reach outside its store."""


# Only text holding one of these can name a graph or a service (a \u escape may spell a keyword).
REACHING_WORDS = re.compile(r"service|load|from|using|\\u", re.IGNORECASE)


def inspect_operation(text: str, update: bool = False) -> tuple[str, ...]:
    """Refuse SERVICE and LOAD, which make the server fetch a URL or read a file that the
    client names, and give the graphs that FROM, FROM NAMED, USING and USING NAMED name.
    Text without those words is let through unparsed (rdflib's parser takes milliseconds);
    the rest is parsed with rdflib's parser, whatever the store."""
    if not REACHING_WORDS.search(text):
        return ()
    from pyparsing import ParseException, ParseResults
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    what = "update" if update else "query"
    try:
        parsed = parseUpdate(text) if update else parseQuery(text)
    except ParseException as err:
        raise KgError(what, f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
    graphs = []
    pending = [parsed]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise Refused(what, "SERVICE is refused: this endpoint does not query other services for a client")
            if node.name == "Load":
                raise Refused(what, "LOAD is refused: this endpoint does not read files or URLs for a client")
            if node.name in ("DatasetClause", "UsingClause"):
                graphs.append(str(node.default or node.named))
            pending.extend(reversed(node.values()))
        elif isinstance(node, (list, ParseResults)):
            pending.extend(reversed(node))
    return tuple(graphs)


def run_query(store: Store, text: str, scope: Scope | None = None) -> Result:
    with _engine_errors("query", "cannot evaluate"):
        return store.query(text, scope)


def run_rows(store: Store, text: str) -> list[tuple]:
    """A SELECT's solutions as tuples of terms (Store.rows), the engines' errors as run_query's."""
    with _engine_errors("query", "cannot evaluate"):
        return store.rows(text)


def run_update(store: Store, text: str) -> Changes | None:
    """Apply an update; for an in-process copy of a store, what it changed (Store.update_returning_changes)."""
    with _engine_errors("update", "cannot apply"):
        return store.update_returning_changes(text)


@contextmanager
def _engine_errors(what: str, failing: str):
    """The engines' errors as one line each: a syntax error with its place, any other as it is."""
    from pyparsing import ParseException

    try:
        yield
    except KgError:
        raise
    except ParseException as err:
        raise KgError(what, f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
    except Exception as err:  # the engines raise many evaluation errors
        raise KgError(what, f"{failing}: {err}") from None


def format_result(result: Result, fmt: str | None) -> str:
    """The answer in a format that fits it (a table for SELECT and ASK, a graph for
    CONSTRUCT and DESCRIBE), by default table or ttl."""
    is_graph = result.type in ("CONSTRUCT", "DESCRIBE")
    fmt = fmt or ("ttl" if is_graph else "table")
    if is_graph != (fmt in GRAPH_FORMATS):
        fitting = GRAPH_FORMATS if is_graph else TABLE_FORMATS
        raise KgError(f"--format {fmt}", f"a {result.type} query does not answer in it; "
                      f"use {', '.join(fitting)}")
    if is_graph:
        for prefix, ns in PREFIXES.items():
            result.graph.bind(prefix, ns, replace=True)
        return result.graph.serialize(format="json-ld" if fmt == "jsonld" else "turtle")
    if fmt in ("json", "xml"):
        return result.serialize(format=fmt).decode("utf-8") + "\n"
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    names = [str(v) for v in result.vars]
    rows = [[_cell(row[i]) for i in range(len(names))] for row in result]
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join(_tsv(row[i], cell) for i, cell in enumerate(cells)) for row, cells in zip(result, rows)]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return out.getvalue()
    money = [i for i, n in enumerate(names) if "yuan" in n]
    for cells in rows:
        for i in money:
            if cells[i]:
                cells[i] = f"{cells[i]} ({yuan_text(float(cells[i]))})"
    return _table(names, rows)


def _tsv(term, cell: str) -> str:
    """TSV writes terms in their SPARQL form; numbers as written in every other format."""
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in NUMBER_TYPES:
        return cell
    return term.n3()


def yuan_text(amount: float) -> str:
    """Amounts as readers write them: 1.07亿元, 3123万元, 1500元."""
    if amount >= 1e8:
        return f"{amount / 1e8:.4g}亿元"
    if amount >= 1e4:
        return f"{amount / 1e4:.6g}万元"
    return f"{amount:g}元"


NUMBER_TYPES = {str(XSD[t]) for t in ("decimal", "integer", "double", "float", "long", "int")}


def _cell(term) -> str:
    """A term as text, numbers written one way whatever the store computed them with
    (970000000, never 970000000.0 or 9.7E8)."""
    if term is None:
        return ""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in NUMBER_TYPES:
        try:
            number = Decimal(str(term))
        except InvalidOperation:
            return str(term)
        return str(number.quantize(Decimal(1))) if number == number.to_integral() else format(number.normalize(), "f")
    return str(term)


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in text)


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells):
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out) + f"\n({len(rows)} rows)\n"
