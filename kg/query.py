"""SPARQL over a build folder, with the project's prefixes predeclared."""
from __future__ import annotations

import csv
import io

from pathlib import Path

from rdflib import Dataset

from .model import KgError
from .rdf import PREFIXES, new_dataset

GRAPH_FILES = ("graph.trig", "graph.ttl")


def load_graph(folder: Path) -> Dataset:
    """The dataset a build wrote: named graphs from graph.trig, else the Turtle union."""
    if not folder.is_dir():
        raise KgError(folder, "no such build folder (run `kg build` first)")
    for name in GRAPH_FILES:
        path = folder / name
        if path.exists():
            ds = new_dataset()
            ds.default_union = True
            try:
                ds.parse(path, format="trig" if name.endswith(".trig") else "turtle")
            except Exception as err:  # rdflib raises many parser types
                raise KgError(path, f"cannot parse graph: {err}") from None
            return ds
    raise KgError(folder, "holds no graph.trig or graph.ttl")


def run_query(ds: Dataset, text: str):
    from pyparsing import ParseException

    try:
        return ds.query(text, initNs=PREFIXES)
    except ParseException as err:
        raise KgError("query", f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from None
    except Exception as err:  # rdflib evaluation errors
        raise KgError("query", f"cannot evaluate: {err}") from None


def _cell(value) -> str:
    return "" if value is None else str(value)


def format_result(result, fmt: str) -> str:
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="turtle")
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    names = [str(v) for v in result.vars]
    rows = [[_cell(row[v]) for v in result.vars] for row in result]
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return out.getvalue()
    return _table(names, rows)


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= c <= "\uffef" else 1 for c in text)


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells):
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out) + f"\n({len(rows)} rows)\n"


QUERY_FORMATS = {"table", "csv", "tsv", "json"}

