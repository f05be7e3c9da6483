import shutil

import pytest

from kg import build as build_module
from kg.build import BuildReport, build
from kg.model import KgError
from kg.stores import open_store
from kg.validate import Violation

from .helpers import DATA


def test_build_reports_what_the_validating_child_found(tmp_path, monkeypatch):
    # The child is forked, so it runs this stand-in, on the graph the build made.
    monkeypatch.setattr(build_module, "validate", lambda graph: [Violation("focus", "path", f"{len(graph)} triples")])
    report = build([DATA / "seed-jizhou-gulang.txt"], tmp_path / "out")
    assert report.violations == [Violation("focus", "path", f"{report.triples} triples")]
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_build_without_shapes_starts_no_validation(tmp_path, monkeypatch):
    def refuse(graph):
        raise AssertionError("validated although asked not to")
    monkeypatch.setattr(build_module, "validate", refuse)
    assert build([DATA / "seed-jizhou-gulang.txt"], tmp_path / "out", check_shapes=False).violations == []


def test_parallel_build_with_a_small_window_gives_the_same_graph(tmp_path, monkeypatch):
    build([DATA], tmp_path / "one", check_shapes=False, jobs=1)
    monkeypatch.setattr(build_module, "IN_FLIGHT", 2)  # fewer than the reports: the window slides
    build([DATA], tmp_path / "two", check_shapes=False, jobs=2)
    assert (tmp_path / "one" / "graph.trig").read_bytes() == (tmp_path / "two" / "graph.trig").read_bytes()


def _killed_while_writing(out, inputs, nth: int) -> int:
    """Build in a forked child that is killed (no clean-up runs) when the nth file of the
    build is written; os.chmod is called once for each file written."""
    import multiprocessing
    import os

    def child():
        calls = []

        def chmod(*args, **kwargs):
            calls.append(args)
            if len(calls) == nth:
                os._exit(9)
            return real_chmod(*args, **kwargs)
        real_chmod = os.chmod
        os.chmod = chmod
        build(inputs, out, check_shapes=False)
        os._exit(0)
    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(120)
    return process.exitcode


def test_build_killed_while_writing_leaves_the_old_build_whole(tmp_path):
    out = tmp_path / "out"
    build([DATA / "dev-01.txt"], out, check_shapes=False)
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    assert _killed_while_writing(out, [DATA / "dev-02.txt"], nth=2) == 9
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old
    build([DATA / "dev-02.txt"], out, check_shapes=False)
    new = {p.name: p.read_bytes() for p in out.iterdir()}
    assert new.keys() == old.keys() and all(new[name] != old[name] for name in new)


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
