"""The `kg` command end to end, as a user runs it."""
import shutil

import pyoxigraph
import pytest
from rdflib import Graph, Literal

from .helpers import ARTICLES, DATA, run_kg


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out"
    run = run_kg("build", str(DATA), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out, run.stdout


def test_cli_build_writes_outputs_and_summary(built):
    out, stdout = built
    assert {p.name for p in out.iterdir()} == {"graph.ttl", "graph.trig", "graph.html"}
    assert "6 article(s)" in stdout and "SHACL violations: 0" in stdout
    assert "entities:" in stdout and "pairings 8" in stdout


def test_cli_build_twice_gives_identical_bytes(built, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    assert run_kg("build", str(DATA), "--out", str(again), "--no-validate").returncode == 0
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


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
    for command in ("build", "query", "export", "validate", "eval", "view", "serve"):
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
