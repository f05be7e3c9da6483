"""The `kg` command: thin wrappers around build, drop, query, export, validate, eval and serve."""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .model import KgError

STORE_HELP = ("where the graph lives: the build folder's store (default), memory (rdflib over the folder's "
              "graph.trig), oxigraph:PATH or sparql:URL")


def _progress(i: int, total: int, path: Path) -> None:
    if total >= 10 and (i == total or i % max(1, total // 20) == 0):
        print(f"  [{i}/{total}] {path.name}", file=sys.stderr)


def _store_options(p: argparse.ArgumentParser, folder_default: Path | None = Path("out")) -> None:
    p.add_argument("--graph", type=Path, default=folder_default, help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)


def _open(args):
    from .stores import open_store

    return open_store(args.store, args.graph)


def cmd_build(args) -> int:
    from .build import BuildReport, build
    from .stores import is_persistent

    report = BuildReport()
    finished = False
    try:
        build(args.inputs, args.out, store=args.store, keep_going=args.keep_going,
              check_shapes=not args.no_validate, explain=args.explain, jobs=args.jobs,
              progress=_progress, prune=args.prune, max_size=args.max_size, report=report)
        finished = True
        _summary(args, report)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence(sys.stdout)
        where = f" into {args.store}" if is_persistent(args.store) else ""
        stopped = "after the build" if finished else "and the build stopped"
        _say(f"kg: error: output closed {stopped}; {report.loaded} report(s) loaded{where}")
        return 1
    return 0


def _summary(args, report) -> None:
    from .stores import is_persistent

    where = ", ".join(x for x in (str(args.out) if args.out else "", args.store or "") if x)
    unchanged = f" ({report.unchanged} unchanged)" if report.unchanged else ""
    print(f"{report.articles} article(s){unchanged}, {report.triples} triples -> {where}")
    if is_persistent(args.store):
        absent = f"; {report.absent} stored report(s) had no input this time"
        if report.pruned:
            absent += f", {report.pruned} dropped"
        elif report.absent and not args.prune:
            absent += " (--prune drops them)"
        print(f"store: {report.loaded} report(s) loaded, {report.unchanged} unchanged{absent}")
    print("entities: " + ", ".join(f"{t} {n}" for t, n in sorted(report.entities.items())))
    print("facts: " + ", ".join(f"{k} {n}" for k, n in report.facts.items()))
    print(f"warnings: {len(report.warnings)}")
    for w in report.warnings:
        print(f"  - {w}")
    if not args.no_validate:
        print(f"SHACL violations: {len(report.violations)}")
        for v in report.violations[:20]:
            print(f"  - {v.focus} {v.path}: {v.message}")


def _silence(stream) -> None:
    """Point a stream whose reader has gone at /dev/null, so that flushing it at exit
    does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)


def _say(line: str) -> None:
    """A line on standard error, unless that pipe is closed too."""
    try:
        print(line, file=sys.stderr, flush=True)
    except BrokenPipeError:
        _silence(sys.stderr)


def cmd_drop(args) -> int:
    from .build import drop

    dropped = drop(args.store, args.reports)
    for report in dropped:
        print(f"dropped {report.graph} ({report.source})")
    print(f"{len(dropped)} report(s) dropped from {args.store}")
    return 0


def _size(text: str) -> int:
    """A size in bytes: 1048576, 512k, 2M, 1G."""
    found = re.fullmatch(r"\s*(\d+)\s*([kmg]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if not found:
        raise argparse.ArgumentTypeError(f"not a size: {text} (write it as 500k, 2M or a number of bytes)")
    return int(found[1]) * 1024 ** " kmg".index(found[2].lower() or " ")


def _query_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KgError(path, "no such file") from None
    except UnicodeDecodeError:
        raise KgError(path, "not UTF-8 text") from None
    except OSError as err:
        raise KgError(path, f"cannot read ({err.strerror})") from None


def cmd_query(args) -> int:
    from .query import format_result, resolve_query, run_query, saved_queries

    if args.list:
        for name, saved in saved_queries().items():
            params = " ".join(f"{k}={d}" for k, (_, d) in saved.params.items())
            print(f"{name:20} {saved.description}" + (f"  [{params}]" if params else ""))
        return 0
    text = _query_text(args.file) if args.file else args.sparql
    values = dict(_pair(p) for p in args.param)
    store = _open(args)
    result = run_query(store, resolve_query(text, values))
    sys.stdout.write(format_result(result, args.format))
    return 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise KgError(f"--param {text}", "write it as name=value")
    return name, value


def cmd_export(args) -> int:
    from .formats import format_of, write_atomic

    fmt = format_of(args.out, args.format) if args.out else args.format or "ttl"
    data = _open(args).serialize(fmt)
    if args.out:
        write_atomic(args.out, data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_validate(args) -> int:
    from .validate import check_store

    violations = check_store(_open(args))
    for v in violations:
        print(f"{v.focus} {v.path}: {v.message}")
    print(f"SHACL violations: {len(violations)}")
    return 1 if violations else 0


def cmd_eval(args) -> int:
    import json

    from .evaluate import evaluate

    result = evaluate(args.gold)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        return 0
    if not args.quiet:
        for a in result.articles:
            print(f"{a.name}: entities {a.entities.matched}/{a.entities.predicted}/{a.entities.gold}  "
                  f"typed {a.typed.matched}/{a.typed.predicted}/{a.typed.gold}  "
                  f"pairings {a.pairings.matched}/{a.pairings.predicted}/{a.pairings.gold}  "
                  f"money {a.money.matched}/{a.money.predicted}/{a.money.gold}  (matched/predicted/gold)")
            print("    missed: " + (", ".join(a.missed) or "-"))
            print("    extra:  " + (", ".join(a.extra) or "-"))
            if a.missed_pairings or a.extra_pairings:
                print("    pairings missed: " + (", ".join(a.missed_pairings) or "-"))
                print("    pairings extra:  " + (", ".join(a.extra_pairings) or "-"))
            for note in a.notes:
                print("    " + note)
    if args.by:
        for title, kind in (("by type", "by_type"), ("by rule", "by_rule")):
            if args.by in (kind[3:], "all"):
                print(f"{title}:")
                for key, tally in result.breakdown(kind).items():
                    print(f"  {key:40} P={tally.precision:.3f} ({tally.matched}/{tally.predicted})"
                          f"  R={tally.recall:.3f} ({tally.found if tally.found is not None else tally.matched}"
                          f"/{tally.gold})")
    print(result.summary())
    return 0


def cmd_view(args) -> int:
    from .netx import to_networkx
    from .view import select, write_page

    graph = to_networkx(_open(args).quads())
    types = {t.strip() for t in args.types.split(",") if t.strip()} if args.types else None
    drawn = select(graph, focus=args.focus, depth=args.depth, types=types, unfold=args.unfold)
    out = args.out or (args.graph / "view.html")
    title = f"{args.focus} 周边" if args.focus else "东西部协作知识图谱"
    write_page(drawn, out, title)
    print(f"{drawn.number_of_nodes()} nodes, {drawn.number_of_edges()} edges -> {out}")
    return 0


def cmd_table(args) -> int:
    from .tables import filter_entities, filter_money, table

    chosen = table(_open(args), args.table)
    if args.table == "entities":
        if args.kind or args.year:
            raise KgError("kg table entities", "--kind and --year filter the money table; use --type and --region")
        chosen.rows = filter_entities(chosen.rows, args.type, args.region)
    else:
        if args.type or args.region:
            raise KgError("kg table money", "--type and --region filter the entities table; use --kind and --year")
        chosen.rows = filter_money(chosen.rows, args.kind, args.year)
    sys.stdout.write(chosen.csv() if args.format == "csv" else chosen.text())
    return 0


def cmd_pages(args) -> int:
    from .pages import write_pages

    out = args.out or args.graph
    for path in write_pages(_open(args), out):
        print(path)
    return 0


def cmd_serve(args) -> int:
    from .serve import Settings, serve
    from .workers import Limits

    limits = Limits(workers=args.workers, queue=args.queue, timeout=args.timeout, memory_mb=args.memory)
    settings = Settings(allow_update=args.allow_update, limit=args.limit, limits=limits)
    # Updates to a build folder change a copy in memory, never the folder: rdflib holds it.
    store = args.store or ("memory" if args.allow_update else None)
    serve(store, args.graph, args.host, args.port, settings)
    return 0


def parser() -> argparse.ArgumentParser:
    from .formats import FORMATS
    from .query import QUERY_FORMATS
    from .read import MAX_SIZE, size_text

    top = argparse.ArgumentParser(prog="kg", description="Knowledge graphs from reports on East–West "
                                  "poverty-alleviation cooperation (东西部扶贫协作).")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="extract reports into a graph (files, a store, or both)")
    p.add_argument("inputs", nargs="+", type=Path, help=".txt/.html/.htm/.md files or folders of them")
    p.add_argument("--out", type=Path, help="output folder for graph.ttl, graph.trig and graph.html")
    p.add_argument("--store", help="also put each report's graph into oxigraph:PATH or sparql:URL "
                                   "(incremental: unchanged reports are skipped)")
    p.add_argument("--keep-going", action="store_true", help="skip unreadable reports with a warning")
    p.add_argument("--jobs", type=int, default=1, help="extract in this many processes (default 1)")
    p.add_argument("--no-validate", action="store_true", help="skip the SHACL check")
    p.add_argument("--explain", action="store_true",
                   help="also write explain.tsv: the rule and sentence behind every mention and fact")
    p.add_argument("--prune", action="store_true",
                   help="drop the store's reports that no input yielded this time (files gone or changed)")
    p.add_argument("--max-size", type=_size, default=MAX_SIZE, metavar="SIZE",
                   help=f"refuse report files larger than this (default {size_text(MAX_SIZE)}; e.g. 500k, 4M)")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser("drop", help="remove reports from a persistent store")
    p.add_argument("reports", nargs="+", metavar="REPORT",
                   help="a report's file, the name of the file it was read from, or its IRI or id")
    p.add_argument("--store", required=True, help="oxigraph:PATH or sparql:URL")
    p.set_defaults(run=cmd_drop)

    p = sub.add_parser("query", help="run SPARQL, or a saved query by name, over a graph")
    p.add_argument("sparql", nargs="?", help="the query text, or a saved query's name (see --list)")
    p.add_argument("--file", type=Path, help="read the query from a .rq file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a saved query's parameter (repeatable)")
    p.add_argument("--list", action="store_true", help="list the saved queries")
    p.add_argument("--format", choices=QUERY_FORMATS,
                   help="table (default), csv, tsv, json or xml for SELECT and ASK; ttl (default) or jsonld "
                        "for CONSTRUCT and DESCRIBE")
    _store_options(p)
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("export", help="write the graph in another RDF format")
    p.add_argument("graph", type=Path, nargs="?", default=Path("out"), help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--format", choices=sorted(FORMATS),
                   help="default: the --out file's suffix, or ttl on standard output")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("validate", help="check a graph against the SHACL shapes")
    p.add_argument("graph", type=Path, nargs="?", default=Path("out"), help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("eval", help="score the extraction against gold annotations (NAME.gold.json)")
    p.add_argument("gold", nargs="+", type=Path, help="gold files or folders of them, beside the reports")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.add_argument("--by", choices=("type", "rule", "all"),
                   help="also print precision and recall per entity type, per rule, or both")
    p.add_argument("--json", action="store_true", help="print everything as JSON instead")
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("view", help="write a viewer page for the graph, a neighbourhood or a subset")
    p.add_argument("graph", type=Path, nargs="?", default=Path("out"), help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--out", type=Path, help="page to write (default: GRAPH/view.html)")
    p.add_argument("--focus", help="draw only the neighbourhood of this entity (full or short name)")
    p.add_argument("--depth", type=int, default=2, help="how many links from --focus (default 2)")
    p.add_argument("--types", help="comma-separated types to draw, e.g. County,Town,Project")
    p.add_argument("--unfold", action="store_true",
                   help=f"keep villages and quantities as nodes even above {3000} nodes")
    p.set_defaults(run=cmd_view)

    p = sub.add_parser("table", help="every entity or every money fact as a table (CSV for spreadsheets)")
    p.add_argument("table", choices=("entities", "money"))
    p.add_argument("--format", choices=("text", "csv"), default="text", help="text (default) or csv")
    p.add_argument("--type", help="entities of this type only, e.g. County")
    p.add_argument("--region", help="entities inside this region only (its name; the region itself counts)")
    p.add_argument("--kind", help="money of this kind only: transfer, investment, sales, output, income, other")
    p.add_argument("--year", help="money of this year only")
    _store_options(p)
    p.set_defaults(run=cmd_table)

    p = sub.add_parser("pages", help="write the overview, viewer, tables and map pages into the build folder")
    p.add_argument("graph", type=Path, nargs="?", default=Path("out"), help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--out", type=Path, help="folder to write the pages into (default: the build folder)")
    p.set_defaults(run=cmd_pages)

    p = sub.add_parser("serve", help="a SPARQL 1.1 endpoint with the pages, on this machine")
    p.add_argument("graph", type=Path, nargs="?", default=Path("out"), help="build folder (default: out)")
    p.add_argument("--store", help=STORE_HELP)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--allow-update", action="store_true", help="accept SPARQL updates (refused by default)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds from a request's arrival to its answer, waiting included (default 30)")
    p.add_argument("--memory", type=int, default=1024,
                   help="MB a worker may grow by while answering a request (default 1024)")
    p.add_argument("--workers", type=_positive, default=4,
                   help="processes answering requests; half of them are kept for quick ones (default 4)")
    p.add_argument("--queue", type=_positive, default=32,
                   help="requests that may wait for a worker; more are refused with 503 (default 32)")
    p.add_argument("--limit", type=int, default=10000, help="most rows a SELECT returns (default 10000)")
    p.set_defaults(run=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KgError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # a reader that stops early (| head) ends a read-only command
        _silence(sys.stdout)

        return 0



if __name__ == "__main__":
    sys.exit(main())
