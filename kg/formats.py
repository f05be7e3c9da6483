"""Output formats for the graph, by name, and files written whole or not at all.

Every serialisation is deterministic: the same graph gives the same bytes.
rdflib's Turtle and TriG writers sort subjects and predicates; N-Triples and
N-Quads come out in set order, so their lines are sorted here.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph


@dataclass(frozen=True)
class Format:
    rdflib_name: str
    suffix: str
    named_graphs: bool  # keeps each report's graph apart
    sort_lines: bool = False


FORMATS: dict[str, Format] = {
    "ttl": Format("turtle", ".ttl", named_graphs=False),
    "nt": Format("nt", ".nt", named_graphs=False, sort_lines=True),
    "trig": Format("trig", ".trig", named_graphs=True),
    "nq": Format("nquads", ".nq", named_graphs=True, sort_lines=True),
    "jsonld": Format("json-ld", ".jsonld", named_graphs=True),
}


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


def serialize(ds: Dataset, name: str) -> bytes:
    fmt = FORMATS[name]
    if name == "trig":
        return _trig(ds)
    source = ds if fmt.named_graphs else union(ds)
    data = source.serialize(format=fmt.rdflib_name, encoding="utf-8")
    if name == "jsonld":
        data = json.dumps(_canonical(json.loads(data)), ensure_ascii=False, indent=1).encode("utf-8")
    if fmt.sort_lines:
        lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
        data = ("\n".join(lines) + "\n").encode("utf-8")
    return data


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
