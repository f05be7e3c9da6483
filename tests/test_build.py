import shutil

import pytest

from kg import build as build_module
from kg.build import BuildReport, build
from kg.model import KgError
from kg.stores import open_store
from kg.validate import Violation

from .helpers import DATA


def test_build_checks_each_report_in_the_worker_that_made_it(tmp_path, monkeypatch):
    # With two jobs the workers are forked, so they run this stand-in, on each report's triples.
    monkeypatch.setattr(build_module, "check_triples",
                        lambda triples: [Violation(triples[0][0], "path", f"{len(triples)} triples")])
    report = build([DATA / "dev-01.txt", DATA / "dev-02.txt"], tmp_path / "out", jobs=2)
    assert len(report.violations) == 2 and all(v.path == "path" for v in report.violations)
    assert sum(int(v.message.split()[0]) for v in report.violations) >= report.triples
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_build_finds_a_report_that_breaks_the_shapes(tmp_path, monkeypatch):
    from kg import rdf

    real = rdf.article_ntriples

    def without_headline(x):
        nt = real(x)
        stated = "".join(line + "\n" for line in nt.stated.splitlines() if "schema.org/headline" not in line)
        return rdf.ReportNTriples(nt.graph, nt.derived, stated)
    monkeypatch.setattr(build_module, "article_ntriples", without_headline)
    report = build([DATA / "dev-01.txt"], tmp_path / "out")
    assert [(v.path, v.message) for v in report.violations] == [
        ("https://schema.org/headline", "fewer than 1 value(s) of schema:headline")]


def test_build_without_shapes_checks_nothing(tmp_path, monkeypatch):
    def refuse(triples):
        raise AssertionError("validated although asked not to")
    monkeypatch.setattr(build_module, "check_triples", refuse)
    assert build([DATA / "seed-jizhou-gulang.txt"], tmp_path / "out", check_shapes=False).violations == []


def test_parallel_build_with_a_small_window_gives_the_same_graph(tmp_path, monkeypatch):
    build([DATA], tmp_path / "one", check_shapes=False, jobs=1)
    monkeypatch.setattr(build_module, "IN_FLIGHT", 2)  # fewer than the reports: the window slides
    build([DATA], tmp_path / "two", check_shapes=False, jobs=2)
    assert (tmp_path / "one" / "graph.trig").read_bytes() == (tmp_path / "two" / "graph.trig").read_bytes()


KILLED_WHILE_WRITING = """
import os, sys
from pathlib import Path
from kg.build import build

out, source, nth = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
calls = []
real_chmod = os.chmod

def chmod(*args, **kwargs):
    calls.append(args)
    if len(calls) == nth:
        os._exit(9)
    return real_chmod(*args, **kwargs)
os.chmod = chmod
build([source], out, check_shapes=False)
"""


def _killed_while_writing(out, source, nth: int) -> int:
    """Build in a new process that is killed (no clean-up runs) when the nth file of the
    build is written; os.chmod is called once for each file written.  Not a fork of this
    process: Oxigraph's store cannot be opened in a child forked after it was used."""
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(out), str(source), str(nth)],
                          timeout=300).returncode


def test_build_killed_while_writing_leaves_the_old_build_whole(tmp_path):
    out = tmp_path / "out"
    build([DATA / "dev-01.txt"], out, check_shapes=False)
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    held = open_store(None, out).graph_names()
    assert _killed_while_writing(out, DATA / "dev-02.txt", nth=2) == 9
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == old
    assert open_store(None, out).graph_names() == held
    build([DATA / "dev-02.txt"], out, check_shapes=False)
    new = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert new.keys() == old.keys() and all(new[name] != old[name] for name in new)
    assert open_store(None, out).graph_names() != held


def test_build_names_files_it_skips_and_pages_without_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "dev-01.txt", folder)
    (folder / "old.txt").mkdir()
    text = (DATA / "dev-01.txt").read_text(encoding="utf-8").replace("\n", "</p><p>")
    (folder / "page.html").write_text(f"<html><body><p>东西部协作</p><script>{text}</body></html>", encoding="utf-8")
    report = build([folder], tmp_path / "out", check_shapes=False)
    assert f"{folder / 'old.txt'}: skipped, a folder" in report.warnings
    assert any(w.startswith("page.html: the page yields only 5 of its") and "<script> left open" in w
               for w in report.warnings)


def test_build_refuses_a_report_above_the_size_limit(tmp_path):
    with pytest.raises(KgError, match="more than the 2 kB a report may have"):
        build([DATA / "dev-01.txt"], tmp_path / "out", max_size=2048)
    assert not (tmp_path / "out").exists()
    assert build([DATA / "dev-01.txt"], tmp_path / "out", max_size=4096, check_shapes=False).articles == 1


def test_build_interrupted_knows_how_many_reports_it_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "STORE_BATCH", 2)
    spec = f"oxigraph:{tmp_path / 'ox'}"

    def closed_pipe(i, total, path):
        if i == 4:
            raise BrokenPipeError
    report = BuildReport()
    with pytest.raises(BrokenPipeError):
        build([DATA], None, store=spec, check_shapes=False, progress=closed_pipe, report=report)
    assert report.loaded == 2 and len(open_store(spec).graph_names()) == 2


def test_build_keeps_apart_bodies_of_one_name_in_two_places_of_one_name(tmp_path):
    """Two cities each have a 铁西区: its hospital in one report is not the other's."""
    reports = tmp_path / "in"
    reports.mkdir()
    (reports / "a.txt").write_text("沈阳医生赴西部义诊\n沈阳市铁西区与对口县结对。铁西区人民医院派出十名医生开展义诊。\n",
                                   encoding="utf-8")
    (reports / "b.txt").write_text("鞍山医生赴西部义诊\n鞍山市铁西区卫健局组织帮扶。铁西区人民医院派出八名医生开展义诊。\n",
                                   encoding="utf-8")
    report = build([reports], tmp_path / "out")
    assert report.violations == []
    rows = open_store(None, tmp_path / "out").query(
        "SELECT ?h ?code WHERE { ?h a fk:Hospital ; fk:locatedIn/fk:adminCode ?code }")
    assert sorted(str(code) for _, code in rows) == ["210106", "210303"]
    assert len({h for h, _ in rows}) == 2
