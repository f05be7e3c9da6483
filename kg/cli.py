"""The `kg` command: thin wrappers around build, query, export and validate."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .model import KgError


def _progress(i: int, total: int, path: Path) -> None:
    if total >= 10 and (i == total or i % max(1, total // 20) == 0):
        print(f"  [{i}/{total}] {path.name}", file=sys.stderr)


def cmd_build(args) -> int:
    from .build import build

    report = build(args.inputs, args.out, keep_going=args.keep_going,
                   check_shapes=not args.no_validate, explain=args.explain, progress=_progress)
    print(f"{report.articles} article(s), {report.triples} triples -> {args.out}")
    print("entities: " + ", ".join(f"{t} {n}" for t, n in sorted(report.entities.items())))
    print("facts: " + ", ".join(f"{k} {n}" for k, n in report.facts.items()))
    print(f"warnings: {len(report.warnings)}")
    for w in report.warnings:
        print(f"  - {w}")
    if not args.no_validate:
        print(f"SHACL violations: {len(report.violations)}")
        for v in report.violations[:20]:
            print(f"  - {v.focus} {v.path}: {v.message}")
    return 0


def cmd_eval(args) -> int:
    from .evaluate import evaluate

    result = evaluate(args.gold)
    for a in result.articles:
        if not args.quiet:
            print(f"{a.name}: entities {a.entities.matched}/{a.entities.predicted}/{a.entities.gold}  "
                  f"typed {a.typed.matched}/{a.typed.predicted}/{a.typed.gold}  "
                  f"pairings {a.pairings.matched}/{a.pairings.predicted}/{a.pairings.gold}  "
                  f"money {a.money.matched}/{a.money.predicted}/{a.money.gold}  (matched/predicted/gold)")
            print("    missed: " + (", ".join(a.missed) or "-"))
            print("    extra:  " + (", ".join(a.extra) or "-"))
            for note in a.notes:
                print("    " + note)
    print(result.summary())
    return 0


def cmd_query(args) -> int:
    from .query import format_result, load_graph, run_query

    text = args.file.read_text(encoding="utf-8") if args.file else args.sparql
    if not text:
        raise KgError("query", "give a SPARQL query or --file")
    result = run_query(load_graph(args.graph), text)
    sys.stdout.write(format_result(result, args.format))
    return 0


def cmd_export(args) -> int:
    from .formats import serialize, write_atomic
    from .query import load_graph

    data = serialize(load_graph(args.graph), args.format)
    if args.out:
        write_atomic(args.out, data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_validate(args) -> int:
    from .formats import union
    from .query import load_graph
    from .validate import validate

    violations = validate(union(load_graph(args.graph)))
    for v in violations:
        print(f"{v.focus} {v.path}: {v.message}")
    print(f"SHACL violations: {len(violations)}")
    return 1 if violations else 0


def parser() -> argparse.ArgumentParser:
    from .formats import FORMATS
    from .query import QUERY_FORMATS

    top = argparse.ArgumentParser(prog="kg", description="Knowledge graphs from reports on East–West "
                                  "poverty-alleviation cooperation (东西部扶贫协作).")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="extract reports into graph.ttl, graph.trig and graph.html")
    p.add_argument("inputs", nargs="+", type=Path, help=".txt/.html/.htm/.md files or folders of them")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--keep-going", action="store_true", help="skip unreadable reports with a warning")
    p.add_argument("--no-validate", action="store_true", help="skip the SHACL check")
    p.add_argument("--explain", action="store_true",
                   help="also write explain.tsv: the rule and sentence behind every mention and fact")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser("eval", help="score the extraction against gold annotations (NAME.gold.json)")
    p.add_argument("gold", nargs="+", type=Path, help="gold files or folders of them, beside NAME.txt")
    p.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    p.set_defaults(run=cmd_eval)

    p = sub.add_parser("query", help="run SPARQL over a build folder")
    p.add_argument("sparql", nargs="?", help="the query text")
    p.add_argument("--file", type=Path, help="read the query from a .rq file")
    p.add_argument("--graph", type=Path, default=Path("out"), help="build folder (default: out)")
    p.add_argument("--format", choices=sorted(QUERY_FORMATS), default="table")
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("export", help="write the graph in another RDF format")
    p.add_argument("graph", type=Path, help="build folder")
    p.add_argument("--format", choices=sorted(FORMATS), default="ttl")
    p.add_argument("--out", type=Path, help="file to write (default: standard output)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("validate", help="check a build folder against the SHACL shapes")
    p.add_argument("graph", type=Path, help="build folder")
    p.set_defaults(run=cmd_validate)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KgError as err:
        print(f"kg: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
