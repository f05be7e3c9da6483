"""Size and load time of the viewer page at 1,000 and 5,000 nodes; writes its section of BENCHMARKS.md.

    python bench/pages.py [SIZE ...]

The graph is the sample build's (data/, 266 nodes), repeated under new names to reach the
size, as `kg build` and `kg view` would draw it (above 3,000 nodes villages and quantities are
folded into their parents).  Load time is from navigation to the page having drawn its first
view, opened from disk in Debian's headless Chromium; the median of three loads.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTION = "## Pages"
CHROMIUM = "/usr/bin/chromium"


def repeated(graph, size: int):
    import networkx as nx

    copies = []
    for i in range(-(-size // graph.number_of_nodes())):
        copies.append(nx.relabel_nodes(graph, {n: f"{n}#{i}" for n in graph.nodes}))
    whole = nx.compose_all(copies)
    return nx.MultiDiGraph(whole.subgraph(sorted(whole.nodes)[:size]))


def load_seconds(html: str, runs: int = 3) -> tuple[float, int]:
    """Median seconds to the drawn first view, and how many nodes it shows."""
    from playwright.sync_api import sync_playwright

    times, shown = [], 0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        path = Path(tmp) / "graph.html"
        path.write_text(html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            page.goto(path.as_uri(), timeout=600000)
            page.wait_for_selector("body[data-ready=true]", timeout=600000)
            times.append(time.perf_counter() - start)
            shown = page.evaluate("window.kgNodes.length")
            page.close()
        browser.close()
    return statistics.median(times), shown


def measure(sizes: list[int]) -> list[str]:
    from kg.build import build
    from kg.formats import union
    from kg.netx import to_networkx
    from kg.stores import open_store
    from kg.view import render_page, select

    with tempfile.TemporaryDirectory() as tmp:
        build([ROOT / "data"], Path(tmp), check_shapes=False)
        sample = to_networkx(union(open_store(None, Path(tmp)).dataset()))
    rows = []
    for size in sizes:
        graph = select(repeated(sample, size))
        start = time.perf_counter()
        html = render_page(graph)
        made = time.perf_counter() - start
        seconds, shown = load_seconds(html)
        rows.append(f"| {size:,} | {graph.number_of_nodes():,} | {shown:,} | {len(html.encode()) / 1e6:.1f} MB "
                    f"| {made:.1f} | {seconds:.1f} |")
        print(rows[-1], flush=True)
    return rows


def section(rows: list[str]) -> str:
    return "\n".join([
        SECTION, "",
        "The viewer page (graph.html) for graphs of 1,000 and 5,000 nodes: the sample build's graph repeated "
        "under new names (`python bench/pages.py`). Positions are computed when the page is made, so the "
        "browser draws at once, with no physics to settle. The page carries every node; the first view shows "
        "regions, organisations, projects and people. Above 3,000 nodes villages and quantities are folded "
        "into their parents, as `kg build` and `kg view` fold them. Load: from navigation to the first view "
        "drawn, from disk in headless Chromium, median of three.", "",
        "| nodes | drawn graph | first view | page size | page made (s) | Chromium: loaded and drawn (s) |",
        "|---:|---:|---:|---:|---:|---:|", *rows, ""])


def write_section(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if SECTION in old:
        before, rest = old.split(SECTION, 1)
        after = rest.split("\n## ", 1)[1] if "\n## " in rest else ""
        new = before + text + ("\n## " + after if after else "")
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    chosen = [int(a) for a in sys.argv[1:]] or [1000, 5000]
    write_section(ROOT / "BENCHMARKS.md", section(measure(chosen)))
    print("wrote BENCHMARKS.md")
