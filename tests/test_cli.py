"""The `kg` command end to end, as a user runs it."""
import shutil
import subprocess
import sys

import pyoxigraph
import pytest
from rdflib import Graph, Literal

from kg.pages import PAGES

from .helpers import ARTICLES, DATA, run_kg


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out"
    run = run_kg("build", str(DATA), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out, run.stdout


def test_cli_build_writes_outputs_and_summary(built):
    out, stdout = built
    assert {p.name for p in out.iterdir()} == {"graph.ttl", "graph.trig", "graph.db", *PAGES}
    assert "6 article(s)" in stdout and "SHACL violations: 0" in stdout
    assert "entities:" in stdout and "pairings 8" in stdout


def test_cli_build_twice_gives_identical_bytes(built, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    assert run_kg("build", str(DATA), "--out", str(again), "--no-validate").returncode == 0
    for name in ("graph.ttl", "graph.trig", *PAGES):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_build_pages_are_those_kg_pages_writes(built, tmp_path):
    out, _ = built
    assert run_kg("pages", str(out), "--out", str(tmp_path)).returncode == 0
    for name in PAGES:
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_turtle_reparsed_by_oxigraph_gives_same_triples(built):
    out, _ = built
    ours = Graph().parse(out / "graph.ttl", format="turtle")
    store = pyoxigraph.Store()
    store.load(path=str(out / "graph.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    dumped = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    theirs = Graph().parse(data=dumped.decode("utf-8"), format="nt")
    assert len(store) == len(ours) == len(theirs)
    assert {_by_value(t) for t in theirs} == {_by_value(t) for t in ours}


def _by_value(triple):
    """Oxigraph writes the decimal 10.0 as "10": compare literals by value, datatype and language."""
    s, p, o = triple
    return s, p, (o.toPython(), o.datatype, o.language) if isinstance(o, Literal) else o


@pytest.mark.parametrize("fmt, parse_as", [("ttl", "turtle"), ("nt", "nt"), ("trig", "trig"),
                                            ("nq", "nquads"), ("jsonld", "json-ld")])
def test_cli_export_round_trips(built, tmp_path, fmt, parse_as):
    out, _ = built
    target = tmp_path / f"g.{fmt}"
    run = run_kg("export", str(out), "--format", fmt, "--out", str(target))
    assert run.returncode == 0, run.stderr
    from rdflib import Dataset
    exported = Dataset(default_union=True)
    exported.parse(target, format=parse_as)
    assert len(exported) == len(Graph().parse(out / "graph.ttl"))


def test_cli_query_and_validate(built):
    out, _ = built
    run = run_kg("query", "SELECT ?n WHERE { ?r fk:adminCode \"620622\" ; rdfs:label ?n }",
                 "--graph", str(out), "--format", "csv")
    assert run.returncode == 0 and run.stdout.splitlines() == ["n", "古浪县"]
    assert run_kg("validate", str(out)).returncode == 0


def test_cli_bad_query_exits_nonzero_with_one_line(built):
    out, _ = built
    run = run_kg("query", "SELECT WHERE {", "--graph", str(out))
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "SPARQL syntax error" in run.stderr


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "missing.txt", "no such file"),
    (lambda d: _file(d / "empty.txt", b""), "empty file"),
    (lambda d: _file(d / "binary.txt", b"\x00\x01\x02\x03binary"), "binary file"),
    (lambda d: _file(d / "latin1.txt", "résumé déjà vu".encode("latin-1")), "not"),
])
def test_cli_bad_input_one_line_no_output(tmp_path, make, reason):
    path = make(tmp_path)
    out = tmp_path / "out"
    run = run_kg("build", str(path), "--out", str(out))
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0]
    assert not out.exists()


def test_cli_bad_file_in_folder_leaves_previous_output_whole(built, tmp_path):
    out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "dev-01.txt", folder)
    _file(folder / "zz-empty.txt", b"")
    run = run_kg("build", str(folder), "--out", str(copy))
    assert run.returncode == 2 and "zz-empty.txt" in run.stderr
    assert (copy / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert not list(copy.glob(".*tmp"))
    kept = run_kg("build", str(folder), "--out", str(tmp_path / "kept"), "--keep-going")
    assert kept.returncode == 0 and "skipped" in kept.stdout


def test_cli_builds_html_markdown_and_gbk_inputs(tmp_path):
    run = run_kg("build", str(ARTICLES), "--out", str(tmp_path / "o"))
    assert run.returncode == 0, run.stderr
    assert "6 article(s)" in run.stdout


def test_cli_every_command_has_help():
    for command in ("build", "drop", "query", "export", "validate", "eval", "view", "table", "pages", "serve"):
        run = run_kg(command, "--help")
        assert run.returncode == 0 and "usage: kg " + command in run.stdout


def _file(path, data: bytes):
    path.write_bytes(data)
    return path


def test_cli_explain_traces_every_fact_to_rule_and_sentence(tmp_path):
    run = run_kg("build", str(DATA / "seed-jizhou-gulang.txt"), "--out", str(tmp_path), "--explain", "--no-validate")
    assert run.returncode == 0, run.stderr
    rows = [line.split("\t") for line in (tmp_path / "explain.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0][:5] == ["article", "kind", "type", "what", "rule"]
    grant = next(r for r in rows if r[1] == "money" and r[3].startswith("107000000"))
    assert grant[4].startswith("money-") and "1.07亿元" in grant[8] and "蓟州区 -> 古浪县" in grant[3]
    assert any(r[1] == "entity" and r[3] == "古浪县" and r[4] == "gazetteer-short" for r in rows)


def _one_error_line(run, *words):
    lines = run.stderr.strip().splitlines()
    assert run.returncode == 2 and run.stdout == "" and len(lines) == 1, run.stderr
    assert lines[0].startswith("kg: error: ") and all(w in lines[0] for w in words), lines[0]


def test_cli_query_file_that_is_missing(built, tmp_path):
    out, _ = built
    _one_error_line(run_kg("query", "--file", str(tmp_path / "missing.rq"), "--graph", str(out)),
                    "missing.rq", "no such file")


def test_cli_query_mistyped_saved_query(built):
    out, _ = built
    _one_error_line(run_kg("query", "pairngs", "--graph", str(out)),
                    "pairngs", "not a saved query", "did you mean pairings?")


def test_cli_query_format_must_fit_the_query(built):
    out, _ = built
    _one_error_line(run_kg("query", "SELECT ?s WHERE { ?s a fk:County }", "--format", "ttl", "--graph", str(out)),
                    "--format ttl", "use table, csv, tsv, json, xml")
    construct = run_kg("query", "CONSTRUCT { ?s a fk:County } WHERE { ?s a fk:County }", "--graph", str(out))
    assert construct.returncode == 0 and "fk:County" in construct.stdout


def test_cli_export_format_follows_the_suffix(built, tmp_path):
    out, _ = built
    target = tmp_path / "g.nt"
    assert run_kg("export", str(out), "--out", str(target)).returncode == 0
    assert len(Graph().parse(target, format="nt")) == len(Graph().parse(out / "graph.ttl"))
    _one_error_line(run_kg("export", str(out), "--format", "ttl", "--out", str(tmp_path / "h.nt")),
                    "h.nt", "the suffix says nt but --format says ttl")
    assert not (tmp_path / "h.nt").exists()


def test_cli_export_to_a_folder(built, tmp_path):
    out, _ = built
    _one_error_line(run_kg("export", str(out), "--format", "ttl", "--out", str(tmp_path)), str(tmp_path), "folder")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["query", "pairings", "--store"], ["export", "--store"],
                                     ["validate", "--store"], ["view", "--store"], ["serve", "--store"],
                                     ["table", "entities", "--store"], ["pages", "--store"],
                                     ["drop", "dev-01.txt", "--store"]])
def test_cli_only_build_makes_a_store(tmp_path, command):
    typo = tmp_path / "typo"
    run = subprocess.run([sys.executable, "-m", "kg", *command, f"oxigraph:{typo}"], capture_output=True,
                         text=True, timeout=60)
    _one_error_line(run, str(typo), "no such store")
    assert not typo.exists()


@pytest.fixture
def twelve_reports(tmp_path):
    """Twelve reports, enough for the build to show its progress."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = (DATA / "dev-01.txt").read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"r{i:02d}.txt").write_text(text.replace("6月22日", f"6月{i + 1}日"), encoding="utf-8")
    return folder


def test_cli_build_says_what_the_store_holds_and_prunes_when_asked(twelve_reports, tmp_path):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    first = run_kg("build", str(twelve_reports), "--store", spec, "--no-validate")
    assert first.returncode == 0 and "store: 12 report(s) loaded, 0 unchanged; 0 stored report(s)" in first.stdout
    for name in ("r00.txt", "r01.txt"):
        (twelve_reports / name).unlink()
    second = run_kg("build", str(twelve_reports), "--store", spec, "--no-validate")
    assert ("store: 0 report(s) loaded, 10 unchanged; 2 stored report(s) had no input this time "
            "(--prune drops them)") in second.stdout
    third = run_kg("build", str(twelve_reports), "--store", spec, "--no-validate", "--prune")
    assert "2 stored report(s) had no input this time, 2 dropped" in third.stdout
    dropped = run_kg("drop", "r02.txt", "--store", spec)
    assert dropped.returncode == 0 and "1 report(s) dropped" in dropped.stdout
    again = run_kg("drop", "r02.txt", "--store", spec)
    _one_error_line(again, "r02.txt", "no stored report")


def test_cli_build_whose_output_closes_exits_nonzero(twelve_reports, tmp_path):
    """`kg build … 2>&1 | head -1`: the reader goes after the first progress line."""
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(twelve_reports), "--store", spec,
                              "--no-validate"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    build.stdout.readline()
    build.stdout.close()
    assert build.wait(timeout=120) != 0


def test_cli_build_whose_summary_cannot_be_written_says_how_many_were_loaded(twelve_reports, tmp_path):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build = subprocess.Popen([sys.executable, "-m", "kg", "build", str(twelve_reports), "--store", spec,
                              "--no-validate"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    build.stdout.close()
    stderr = build.stderr.read()
    assert build.wait(timeout=120) == 1
    assert stderr.splitlines()[-1] == f"kg: error: output closed after the build; 12 report(s) loaded into {spec}"


def test_cli_build_refuses_a_file_above_max_size(tmp_path):
    _one_error_line(run_kg("build", str(DATA / "dev-01.txt"), "--out", str(tmp_path / "o"), "--max-size", "2k"),
                    "dev-01.txt", "2.68 kB, more than the 2 kB a report may have (--max-size)")
    assert not (tmp_path / "o").exists()
    assert run_kg("build", str(DATA / "dev-01.txt"), "--out", str(tmp_path / "o"), "--max-size", "3k",
                  "--no-validate").returncode == 0
