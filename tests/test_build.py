from kg import build as build_module
from kg.build import build
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
