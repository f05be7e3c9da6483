"""Saved queries on memory (rdflib) and oxigraph: at about a million triples.

    python bench/queries.py [--triples 1000000] [--repeat 3] [--out BENCHMARKS-queries.md]

The graph is the sample reports' graph copied until it reaches the size asked
for: each copy gets its own reports, facts, mentions and named things, while
the divisions stay shared (as they are across real reports), so aggregations
group across copies as they would over an archive.  Prints a Markdown table
of median seconds per query and the ratio memory / oxigraph.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import URIRef

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import build  # noqa: E402
from kg.query import fill, run_query, saved_queries  # noqa: E402
from kg.rdf import ID  # noqa: E402
from kg.stores import MemoryStore, OxigraphStore  # noqa: E402


def copies(quads, n: int):
    """The quads n times over, with every non-division IRI made distinct per copy."""
    shared = str(ID) + "region/"

    def rename(term, i):
        if isinstance(term, URIRef) and str(term).startswith(str(ID)) and not str(term).startswith(shared):
            return URIRef(f"{term}-{i}")
        return term
    for i in range(n):
        for s, p, o, g in quads:
            yield rename(s, i), p, rename(o, i), rename(g, i)


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sample"
        build([ROOT / "data"], out, check_shapes=False)
        sample = MemoryStore(out)
        quads = [q for q in sample.ds.quads((None, None, None, None)) if q[3] is not None]
        n = max(1, args.triples // len(quads))
        memory, oxigraph = MemoryStore(), OxigraphStore(str(Path(tmp) / "ox"))
        start = time.perf_counter()
        for s, p, o, g in copies(quads, n):
            memory.ds.graph(g).add((s, p, o))
        load_memory = time.perf_counter() - start
        ox = oxigraph.ox
        start = time.perf_counter()
        oxigraph.store.bulk_extend(ox.Quad(*(_ox(t, ox) for t in q)) for q in copies(quads, n))
        oxigraph.store.flush()
        load_ox = time.perf_counter() - start
        total = len(quads) * n
        print(f"{total:,} quads in {n} copies of the sample graph; load: memory {load_memory:.1f} s, "
              f"oxigraph {load_ox:.1f} s\n")
        print("| saved query | memory (s) | oxigraph (s) | memory / oxigraph |")
        print("|---|---:|---:|---:|")
        for name, saved in saved_queries().items():
            text = fill(saved, {})
            t_mem = median_seconds(lambda: list(run_query(memory, text)), args.repeat)
            t_ox = median_seconds(lambda: list(run_query(oxigraph, text)), args.repeat)
            print(f"| {name} | {t_mem:.3f} | {t_ox:.3f} | {t_mem / t_ox:.0f}× |", flush=True)


def _ox(term, ox):
    from kg.stores import _to_ox
    return _to_ox(term, ox)


if __name__ == "__main__":
    main()
