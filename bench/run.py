"""Run the benchmark suite and write BENCHMARKS.md.

    python bench/run.py [--small]      # --small: 200 and 1,000 reports instead of 1,000 and 10,000
    python bench/run.py --archive      # only the build folder against oxigraph: at 1,000 reports, 3 runs each

Every figure is the median of several runs where a run is short, and each row
says the command that reproduces it.  Wall time and peak memory of whole
commands come from /usr/bin/time (GNU time's %e and %M); in-process figures
use time.perf_counter.  The corpus is bench/corpus.py's synthetic reports
(about 2,000 characters each); quality is measured on the gold articles, not
here.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import write_corpus  # noqa: E402
from bench.load import SECTION as LOAD_SECTION  # noqa: E402
from bench.pages import SECTION as PAGES_SECTION  # noqa: E402

KG = [sys.executable, "-m", "kg"]
QUERY_CAP = 300  # seconds a single benchmark query may run before it is reported as over the cap
BUILD_PAIRS = 5  # builds of the archive into a folder, each beside one into oxigraph:


def timed(cmd: list[str], repeat: int = 1, before=None) -> tuple[float, float, str]:
    """(median wall seconds, peak MB of the last run, stdout) of a command under GNU time;
    ``before`` runs before each run (to remove the last run's output)."""
    walls, peak, out = runs(cmd, repeat, before)
    return statistics.median(walls), peak[-1], out


def runs(cmd: list[str], repeat: int = 1, before=None, statuses=(0,)) -> tuple[list[float], list[float], str]:
    """Each run's wall seconds and peak MB (GNU time's %e and %M: the largest process), and the
    last run's stdout; an exit status outside ``statuses`` stops the benchmark."""
    walls, peaks, out = [], [], ""
    for _ in range(repeat):
        if before is not None:
            before()
        run = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], capture_output=True, text=True, cwd=ROOT)
        if run.returncode not in statuses:
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{run.stderr[-2000:]}")
        line = [ln for ln in run.stderr.splitlines() if ln.startswith("TIME ")][-1].split()
        walls.append(float(line[1]))
        peaks.append(int(line[2]) / 1024)
        out = run.stdout
    return walls, peaks, out


def spread(values: list[float], unit: str, digits: int = 1) -> str:
    """Median, and the range of the runs: 51.0 s (48.2–60.3, 3 runs)."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f} {unit}"
    return (f"{statistics.median(values):.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f}, "
            f"{len(values)} runs)")


def _extract(article) -> int:
    """Extract and send back only a count, so the figure is extraction, not pickling."""
    from kg.pipeline import extract_article

    return len(extract_article(article).entities)


def throughput(paths: list[Path], jobs: int) -> tuple[float, float]:
    """Reports and characters extracted per second, in-process and warm: the gazetteer and
    the number parsers loaded first (as a build does before forking), and the first ten
    reports extracted untimed.  The counties' towns and villages are still looked up cold,
    since the corpus draws a new pair for almost every report."""
    from kg.pipeline import preload
    from kg.read import read_article

    preload()
    for path in paths[:10]:
        _extract(read_article(path))
    articles = [read_article(p) for p in paths[10:]]
    chars = sum(len(a.text) for a in articles)
    start = time.perf_counter()
    if jobs == 1:
        for a in articles:
            _extract(a)
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.map(_extract, articles, chunksize=16)
    seconds = time.perf_counter() - start
    return len(articles) / seconds, chars / seconds


QUERY_TIMER = """
import json, signal, statistics, sys, time
from pathlib import Path
from kg.query import fill, run_query, saved_queries
from kg.stores import OxigraphStore, open_store, with_prefixes

spec, folder, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(spec, Path(folder) if folder else None)

def through_kg(query):
    return list(run_query(store, query))

def engine_only(query):
    # Oxigraph's own answer, before kg turns its rows into rdflib terms; rdflib's is already that
    if isinstance(store, OxigraphStore):
        return list(store.store.query(with_prefixes(query)))
    return through_kg(query)

def median_seconds(action, query):
    times = []
    for _ in range(5):
        start = time.perf_counter()
        action(query)
        times.append(time.perf_counter() - start)
    return statistics.median(times)

def over_cap(*_):
    raise TimeoutError

signal.signal(signal.SIGALRM, over_cap)
for name, saved in saved_queries().items():
    query = fill(saved, {})
    signal.alarm(cap)
    try:
        through_kg(query)  # warm-up: caches, lazy imports
        row = [name, median_seconds(through_kg, query), median_seconds(engine_only, query)]
    except TimeoutError:
        row = [name, None, None]
    signal.alarm(0)
    print(json.dumps(row), flush=True)
"""


def query_times(store_spec: str, folder: Path | None) -> dict[str, tuple[float | None, float | None]]:
    """(through kg.query.run_query, engine only) median seconds of five warm runs of each saved
    query, in one child process per store so the store is loaded once; None past QUERY_CAP."""
    run = subprocess.run([sys.executable, "-c", QUERY_TIMER, store_spec, str(folder or ""), str(QUERY_CAP)],
                         capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"query benchmark failed on {store_spec}\n{run.stderr[-2000:]}")
    return {name: (via_kg, engine) for name, via_kg, engine in map(json.loads, run.stdout.splitlines())}


def query_row(name: str, memory: tuple, oxigraph: tuple) -> str:
    def cell(seconds):
        return f"{seconds:.3f}" if seconds is not None else f"over {QUERY_CAP} s"

    def ratio(slow, fast):
        return f"{slow / fast:.0f}×" if slow and fast else "—"
    return (f"| {name} | {cell(memory[0])} | {cell(oxigraph[0])} | {ratio(memory[0], oxigraph[0])} "
            f"| {cell(oxigraph[1])} | {ratio(memory[0], oxigraph[1])} |")


def viewer_rows(folder: Path, sizes: list[int]) -> list[tuple[int, float, float | None]]:
    """Page generation time and time to interactive in headless Chromium, per node count."""
    import networkx as nx

    from kg.formats import union
    from kg.netx import to_networkx
    from kg.stores import open_store
    from kg.view import render_page, select

    graph = select(to_networkx(union(open_store("memory", folder).dataset())), unfold=True)
    rows = []
    for size in sizes:
        nodes = list(graph.nodes)[:size]
        sub = nx.MultiDiGraph(graph.subgraph(nodes))
        while sub.number_of_nodes() < size:  # repeat the graph under new names to reach the size
            k = sub.number_of_nodes()
            sub = nx.disjoint_union(sub, nx.MultiDiGraph(graph.subgraph(nodes[: size - k])))
            sub = nx.relabel_nodes(sub, {n: f"n{n}" for n in sub.nodes})
        start = time.perf_counter()
        html = render_page(select(sub, unfold=True))
        generated = time.perf_counter() - start
        rows.append((sub.number_of_nodes(), generated, browser_ready(html)))
    return rows


def browser_ready(html: str) -> float | None:
    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_path = Path(tmp) / "page.html"
        page_path.write_text(html, encoding="utf-8")
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page()
        start = time.perf_counter()
        try:
            page.goto(page_path.as_uri(), timeout=600000)
            page.wait_for_selector("body[data-ready=true]", timeout=600000)
            seconds = time.perf_counter() - start
        except Exception:  # Playwright's timeout: reported as a dash
            seconds = None
        browser.close()
    return seconds


ARCHIVE_SECTION = "## The build folder at archive scale"
# The build folder before it had a store (main at 9cce5c0): its BENCHMARKS.md, and whole `kg query`
# commands of that commit on a folder of the same 1,000 reports (one run each).
BEFORE = {
    "build": "287.2 s, 3053 MB, without validation",
    "export ttl": "174.7 s, 2205 MB",
    "export nt": "105.2 s, 2936 MB",
    "money-by-recipient": "59.8 s, 1631 MB",
    "entity-counts": "53.9 s, 1631 MB",
    **{f"{name} in process": f"{seconds} s (memory)" for name, seconds in (
        ("entity-counts", "5.396"), ("facts-about", "5.042"), ("in-region", "1.151"), ("money-by-recipient", "0.356"),
        ("money-by-year", "2.853"), ("pairings", "0.841"), ("project-quantities", "0.427"))},
}


def archive_rows(corpus: Path, work: Path, repeat: int = 3) -> list[str]:
    """The default path (a build folder, with validation) against oxigraph: (without): build,
    every saved query as a whole command, export and the viewer, at about a million triples."""
    from kg.query import saved_queries

    rows = []

    def row(what: str, value: str, target: str, command: str, before: str = "—") -> None:
        rows.append(f"| {what} | {before} | {value} | {target} | `{command}` |")
        print(rows[-1], flush=True)
    folder, ox = work / "out", work / "kg.db"
    # The two builds take turns, so that a shared machine's slow minutes fall on both: the
    # ratio is each folder build's to the oxigraph: build just before it.
    walls_ox, peaks_ox, walls, peaks = [], [], [], []
    for _ in range(BUILD_PAIRS):
        wall, peak, _ = runs([*KG, "build", str(corpus), "--store", f"oxigraph:{ox}", "--no-validate", "--jobs", "2"],
                             before=lambda: shutil.rmtree(ox, ignore_errors=True))
        walls_ox += wall
        peaks_ox += peak
        wall, peak, out = runs([*KG, "build", str(corpus), "--out", str(folder), "--jobs", "2"],
                               before=lambda: shutil.rmtree(folder, ignore_errors=True))
        walls += wall
        peaks += peak
    row("build into `oxigraph:`, no validation, --jobs 2", f"{spread(walls_ox, 's')}, {spread(peaks_ox, 'MB', 0)}",
        "—", f"kg build {corpus.name}/ --store oxigraph:kg.db --no-validate --jobs 2")
    triples = int(out.split(" triples")[0].split()[-1])
    ratios = [mine / theirs for mine, theirs in zip(walls, walls_ox)]
    row(f"build into a folder, with validation, --jobs 2 ({triples:,} triples)",
        f"{spread(walls, 's')}, {spread(peaks, 'MB', 0)}; {spread(ratios, '×', 2)} the oxigraph: build run "
        "just before it", "≤ 2×, < 800 MB", f"kg build {corpus.name}/ --out out/ --jobs 2", BEFORE["build"])
    in_folder, in_ox = query_times("folder", folder), query_times(f"oxigraph:{ox}", None)
    for name in saved_queries():
        row(f"`{name}` in one process, warm, median of 5: folder / oxigraph:",
            f"{in_folder[name][0]:.3f} s / {in_ox[name][0]:.3f} s; {in_folder[name][0] / in_ox[name][0]:.2f}×",
            "≤ 1.5×, < 1 s", "python bench/run.py --archive (kg.query.run_query)", BEFORE.get(f"{name} in process", "—"))
    for name in saved_queries():
        here, _, _ = runs([*KG, "query", name, "--graph", str(folder), "--format", "csv"], repeat)
        there, _, _ = runs([*KG, "query", name, "--store", f"oxigraph:{ox}", "--format", "csv"], repeat)
        row(f"`kg query {name}`: folder / oxigraph:", f"{spread(here, 's', 2)} / {spread(there, 's', 2)}; "
            f"{statistics.median(here) / statistics.median(there):.2f}×", "≤ 1.5×, < 1 s",
            f"kg query {name} --graph out/ (or --store oxigraph:kg.db)", BEFORE.get(name, "—"))
    for fmt in ("ttl", "nt"):
        for where in ("folder", "oxigraph:"):
            source = [str(folder)] if where == "folder" else ["--store", f"oxigraph:{ox}"]
            walls, peaks, _ = runs([*KG, "export", *source, "--format", fmt, "--out", str(work / f"g.{fmt}")], repeat)
            row(f"export as {fmt} from the {where}", f"{spread(walls, 's')}, {spread(peaks, 'MB', 0)}", "< 15 s",
                f"kg export {'out/' if where == 'folder' else '--store oxigraph:kg.db'} --format {fmt} "
                f"--out graph.{fmt}", BEFORE[f"export {fmt}"] if where == "folder" else "—")
    walls, peaks, out = runs([*KG, "view", str(folder), "--out", str(work / "view.html")], repeat)
    row(f"`kg view` of the folder ({out.split(' -> ')[0].strip()})", f"{spread(walls, 's')}, {spread(peaks, 'MB', 0)}",
        "—", "kg view out/")
    walls, peaks, out = runs([*KG, "validate", str(folder)], 1, statuses=(0, 1))  # 1: it found violations
    row("`kg validate` of the folder (the whole graph, also what spans reports)",
        f"{spread(walls, 's')}, {spread(peaks, 'MB', 0)}; {out.strip().splitlines()[-1]}", "—", "kg validate out/")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="200 and 1,000 reports, for a quick look")
    ap.add_argument("--archive", action="store_true", help="only the build folder against oxigraph: at 1,000 reports")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each --archive command (default 3)")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = ap.parse_args()
    if args.archive:
        work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
        try:
            write_corpus(1000, work / "corpus1000")
            rows = archive_rows(work / "corpus1000", work, args.repeat)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        write_archive_section(args.out, rows)
        return
    small, large = (200, 1000) if args.small else (1000, 10000)
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    rows: list[str] = []

    def row(what: str, value: str, target: str, command: str) -> None:
        rows.append(f"| {what} | {value} | {target} | `{command}` |")
        print(rows[-1], flush=True)

    try:
        corpus_small, corpus_large = work / f"corpus{small}", work / f"corpus{large}"
        write_corpus(small, corpus_small)
        write_corpus(large, corpus_large)
        one = ROOT / "data" / "seed-jizhou-gulang.txt"
        wall, peak, _ = timed([*KG, "build", str(one), "--out", str(work / "one")], repeat=5)
        row("`kg build` of one article, new process (gazetteer cache compiled), median of 5",
            f"{wall:.2f} s, {peak:.0f} MB", "< 2.5 s", "kg build data/seed-jizhou-gulang.txt --out out/")
        paths = sorted(corpus_small.iterdir())
        for jobs in (1, 2):
            reports, chars = throughput(paths, jobs)
            row(f"extraction, {jobs} process{'es' if jobs > 1 else ''} (in-process, warm)",
                f"{reports:.0f} reports/s, {chars / 1000:.0f}k chars/s", f"≥ {60 * jobs} reports/s",
                f"python bench/run.py (throughput over bench/corpus.py {small})")
        wall, peak, out = timed([*KG, "build", str(corpus_small), "--out", str(work / "mem"), "--no-validate",
                                 "--jobs", "2"])
        triples = out.split(" triples")[0].split()[-1]
        row(f"build of {small:,} reports into a folder (ttl, trig, pages, store), --jobs 2", f"{wall:.1f} s, {peak:.0f} MB, "
            f"{int(triples):,} triples", "—", f"kg build corpus{small}/ --out out/ --no-validate --jobs 2")
        ox_small = f"oxigraph:{work / 'ox-small'}"
        wall, peak, _ = timed([*KG, "build", str(corpus_small), "--store", ox_small, "--no-validate", "--jobs", "2"])
        row(f"build of {small:,} reports into Oxigraph, --jobs 2", f"{wall:.1f} s, {peak:.0f} MB", "—",
            f"kg build corpus{small}/ --store oxigraph:kg.db --no-validate --jobs 2")
        for fmt in ("ttl", "nt"):
            wall, peak, _ = timed([*KG, "export", str(work / "mem"), "--format", fmt, "--out", str(work / f"g.{fmt}")])
            row(f"export of {small:,} reports as {fmt}", f"{wall:.1f} s, {peak:.0f} MB", "—",
                f"kg export out/ --format {fmt} --out graph.{fmt}")
        ox_large = f"oxigraph:{work / 'ox-large'}"
        build_large = [*KG, "build", str(corpus_large), "--store", ox_large, "--no-validate", "--jobs", "2"]
        wall, peak, out = timed(build_large)
        row(f"build of {large:,} reports into Oxigraph, --jobs 2", f"{wall:.1f} s, {peak:.0f} MB",
            "< 300 s, < 2 GB" if large == 10000 else "—",
            f"kg build corpus{large}/ --store oxigraph:kg.db --no-validate --jobs 2")
        shutil.copy(one, corpus_large / "new-report.txt")
        wall, peak, out = timed(build_large)
        row("the same build again with one new report (incremental)",
            f"{wall:.1f} s, {peak:.0f} MB ({out.splitlines()[0].split(', ')[0]})", "touches one graph",
            f"kg build corpus{large}/ --store oxigraph:kg.db --no-validate --jobs 2")
        count = subprocess.run([*KG, "query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                "--store", ox_large, "--format", "csv"], capture_output=True, text=True, cwd=ROOT)
        row(f"quads in the report graphs of the {large:,}-report store", f"{int(count.stdout.split()[-1]):,}", "—",
            "kg query 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }' --store oxigraph:kg.db")
        from kg.query import saved_queries
        memory, oxigraph = query_times("memory", work / "mem"), query_times(ox_small, None)
        query_rows = [query_row(name, memory[name], oxigraph[name]) for name in saved_queries()]
        viewer = viewer_rows(work / "mem", [1000, 5000, 20000])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_report(args.out, rows, query_rows, viewer, small)


def write_report(path: Path, rows: list[str], query_rows: list[str], viewer, small: int) -> None:
    cpu = platform.processor() or platform.machine()
    text = [
        "# Benchmarks", "",
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"on {time.strftime('%Y-%m-%d')}. `python bench/run.py` reproduces every figure (about 25 minutes; "
        "`--small` for 200 and 1,000 reports). The corpus is `python bench/corpus.py N DIR`: synthetic "
        "reports of about 2,000 characters, pairs drawn from the gazetteer, money in many written forms, one "
        "in ten an HTML page with site chrome, one in a hundred GBK. Wall time and peak memory of whole "
        "commands come from GNU time (`%e`, `%M`); in-process figures from `time.perf_counter`. Quality "
        "is measured on the gold articles (`kg eval`), not here.", "",
        "| what | result | target | command |", "|---|---|---|---|", *rows, "",
        "The `memory` store (`--store memory`, rdflib) holds everything in Python objects: fine for tens of "
        "reports, slow and large for thousands. A build folder is read through its Oxigraph store "
        "(see \"The build folder at archive scale\").", "",
        f"## Saved queries, memory (rdflib) and oxigraph:, {small:,} reports (about a million triples)", "",
        "Median of five warm runs each, in seconds, in one process per store. The first oxigraph column is "
        "through `kg.query.run_query`, which turns Oxigraph's rows into rdflib terms (what `kg query` and "
        "`kg serve` do); the engine-only column is pyoxigraph's own answer, iterated.", "",
        "| saved query | memory | oxigraph | memory / oxigraph | oxigraph engine only | memory / engine |",
        "|---|---:|---:|---:|---:|---:|", *query_rows, "",
        "## Viewer", "",
        "`render_page` time, and the time until the page, opened from disk in headless Chromium, has drawn "
        "its first view (positions are computed when the page is made); it is interactive from then on. The graphs are the "
        f"{small:,}-report build's graph, repeated under new names to reach the size, nothing folded. "
        "Above 3,000 nodes `kg build` and `kg view` fold villages and quantities into their parents "
        "unless `--unfold`.", "",
        "| nodes | page generation (s) | Chromium: loaded and laid out (s) |", "|---:|---:|---:|",
        *[f"| {n:,} | {gen:.1f} | {ready:.1f} |" if ready is not None else f"| {n:,} | {gen:.1f} | — |"
          for n, gen, ready in viewer], "",
    ]
    path.write_text("\n".join(text) + kept_sections(path), encoding="utf-8")
    print(f"wrote {path}")


ARCHIVE_INTRO = """`python bench/run.py --archive` (three runs of each command, five of each build, the two builds
taking turns; the median, then the range). The default
path, a build folder (`kg build --out`, SHACL checked per report in the workers), against the same
reports built into `oxigraph:` without validation, on `bench/corpus.py 1000` (about 900,000
triples). The 2 cores were shared with other engineers' work, so the figures move from run to run;
the ranges say how much. "Before" is main at 9cce5c0, where a build folder was rdflib in memory:
its figures are from the BENCHMARKS.md of that commit (measured before the tagger landed, which
made extraction slower) and, for the whole `kg query` commands, from that commit run on the same
folder's graph.trig (`git archive 9cce5c0 | tar -x -C before/`, then `PYTHONPATH=before/`)."""


def write_archive_section(path: Path, rows: list[str]) -> None:
    """Put the --archive section into the report, in place of the last one, keeping the rest."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    before = old.split(ARCHIVE_SECTION, 1)[0].rstrip("\n")
    after = old.split(ARCHIVE_SECTION, 1)[1].split("\n## ", 1)[1] if ARCHIVE_SECTION in old else ""
    if ARCHIVE_SECTION not in old and "\n## " in before:
        before, after = before.split("\n## ", 1)[0].rstrip("\n"), before.split("\n## ", 1)[1]
    section = [ARCHIVE_SECTION, "", ARCHIVE_INTRO, "", "| what | before | now | target | command |",
               "|---|---|---|---|---|",
               *rows, ""]
    text = before + "\n\n" + "\n".join(section) + ("\n## " + after if after else "")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {path}")


def kept_sections(path: Path) -> str:
    """The sections of the report that other scripts or modes write (bench/run.py --archive,
    bench/pages.py, bench/load.py, run by hand), kept as they are."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = ""
    for title in (ARCHIVE_SECTION, PAGES_SECTION, LOAD_SECTION):
        if title in old:
            section = title + old.split(title, 1)[1].split("\n## ", 1)[0]
            kept += "\n" + section.rstrip("\n") + "\n"
    return kept


if __name__ == "__main__":
    main()
