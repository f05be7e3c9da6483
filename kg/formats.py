"""Output formats for the graph, by name, and files written whole or not at all.

Every serialisation is deterministic: the same graph gives the same bytes.
rdflib's Turtle writer sorts subjects and predicates; its N-Triples and
N-Quads come out in set order, so their lines are sorted here; its TriG and
JSON-LD writers follow the store's graph order, so TriG is written graph by
graph with the Turtle writer and JSON-LD's node lists are sorted.  A format is
its writer: add one to ``FORMATS``.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph


def _trig(ds: Dataset) -> bytes:
    """TriG with graphs in IRI order, each written by the (sorting) Turtle writer."""
    prefixes: set[str] = set()
    blocks = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        body = []
        for line in _as_graph(graph, ds).serialize(format="turtle").splitlines():
            (prefixes.add(line) if line.startswith("@prefix") else body.append(line))
        inner = "\n".join(("    " + line) if line else "" for line in body).strip("\n")
        blocks.append(f"<{graph.identifier}> {{\n{inner}\n}}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def union(ds: Dataset) -> Graph:
    """All reports' triples in one graph, with the dataset's prefixes."""
    return _as_graph((q[:3] for q in ds.quads((None, None, None, None))), ds)


def _as_graph(source, ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, replace=True)
    for triple in source:
        g.add(triple)
    return g


def _canonical(value):
    """JSON-LD node lists are sets: sort them so the text is stable."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _turtle(ds: Dataset) -> bytes:
    return union(ds).serialize(format="turtle", encoding="utf-8")


def _sorted_lines(rdflib_name: str, named_graphs: bool) -> Callable[[Dataset], bytes]:
    def write(ds: Dataset) -> bytes:
        data = (ds if named_graphs else union(ds)).serialize(format=rdflib_name, encoding="utf-8")
        lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
        return ("\n".join(lines) + "\n").encode("utf-8")
    return write


def _jsonld(ds: Dataset) -> bytes:
    data = json.loads(ds.serialize(format="json-ld", encoding="utf-8"))
    return json.dumps(_canonical(data), ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: dict[str, Callable[[Dataset], bytes]] = {
    "ttl": _turtle,
    "nt": _sorted_lines("nt", named_graphs=False),
    "trig": _trig,
    "nq": _sorted_lines("nquads", named_graphs=True),
    "jsonld": _jsonld,
}


def serialize(ds: Dataset, name: str) -> bytes:
    return FORMATS[name](ds)


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
