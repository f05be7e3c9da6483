"""The same saved queries give the same answers on a build folder, memory, embedded Oxigraph and an Oxigraph server."""
import shutil

import pytest
from rdflib import Literal

from kg import build as build_module
from kg.build import build, drop
from kg.model import KgError
from kg.query import fill, format_result, run_query, run_rows, saved_queries
from kg.read import read_article
from kg.stores import open_store

from .helpers import DATA, free_port, running

PARAMS = {"in-region": [{}, {"region": "崆峒区", "type": "Village"}, {"region": "天津市", "type": "District"}],
          "facts-about": [{}, {"entity": "河西"}]}


def answers(store) -> dict:
    out = {}
    for name, saved in saved_queries().items():
        for values in PARAMS.get(name, [{}]):
            result = run_query(store, fill(saved, values))
            rows = sorted(tuple(_plain(v) for v in row) for row in result)
            assert sorted(tuple(_plain(v) for v in row) for row in run_rows(store, fill(saved, values))) == rows
            out[(name, tuple(sorted(values.items())))] = rows
    return out


def csv_answers(store) -> dict:
    """Every saved query's answer as the CSV `kg query --format csv` prints."""
    return {(name, tuple(sorted(values.items()))): format_result(run_query(store, fill(saved, values)), "csv")
            for name, saved in saved_queries().items() for values in PARAMS.get(name, [{}])}


def _quads(ds) -> set:
    """A dataset's quads, literals by value (Oxigraph writes 5960000.0 as 5960000)."""
    return {(g, s, p, o.toPython() if isinstance(o, Literal) else o) for s, p, o, g in ds.quads()}


def _plain(term):
    if term is None:
        return None
    value = term.toPython()
    return float(value) if hasattr(value, "as_tuple") or isinstance(value, (int, float)) else str(value)


@pytest.fixture(scope="module")
def memory_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("mem")
    build([DATA], out, check_shapes=False)
    return open_store("memory", out)


@pytest.fixture(scope="module")
def memory_answers(memory_build):
    return answers(memory_build)


def test_stores_saved_queries_print_byte_identical_csv_on_memory_and_oxigraph(tmp_path, memory_build):
    build([DATA], None, store=f"oxigraph:{tmp_path / 'ox'}", check_shapes=False)
    assert csv_answers(open_store(f"oxigraph:{tmp_path / 'ox'}")) == csv_answers(memory_build)


def test_stores_a_build_folder_answers_from_its_store_as_rdflib_does(tmp_path, memory_build):
    build([DATA], tmp_path / "out", check_shapes=False)
    folder = open_store(None, tmp_path / "out")
    assert type(folder).__name__ == "FolderStore" and len(folder.graph_names()) == 6
    assert csv_answers(folder) == csv_answers(memory_build)


def test_stores_a_build_folder_gives_back_each_report_whole(tmp_path):
    import kg

    build([DATA], tmp_path / "out", check_shapes=False)
    loaded = kg.load(tmp_path / "out")
    assert _quads(loaded) == _quads(open_store("memory", tmp_path / "out").dataset())
    assert open_store(None, tmp_path / "out").serialize("ttl") == (tmp_path / "out" / "graph.ttl").read_bytes()


def test_stores_a_folder_without_a_store_is_named(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "graph.trig").write_text("")
    with pytest.raises(KgError, match="holds no graph.db"):
        open_store(None, tmp_path / "old")
    with pytest.raises(KgError, match="no such build folder"):
        open_store(None, tmp_path / "nothing")
    with pytest.raises(KgError, match="a build folder is --out"):
        build([DATA], tmp_path / "x", store="memory")


def test_stores_oxigraph_embedded_matches_memory(tmp_path, memory_answers):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([DATA], None, store=spec, check_shapes=False)
    store = open_store(spec)
    assert len(store.graph_names()) == 6
    assert answers(store) == memory_answers
    assert any(memory_answers[("pairings", ())])


def test_stores_oxigraph_gives_back_each_report_whole(tmp_path):
    """Mentions and facts are stored once, outside the report graphs; export puts them back."""
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([DATA], None, store=spec, check_shapes=False)
    build([DATA], tmp_path / "mem", check_shapes=False)
    store = open_store(spec)
    assert _quads(store.dataset()) == _quads(open_store("memory", tmp_path / "mem").dataset())
    in_named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?m fk:mentionOf ?e } }"
    in_union = "SELECT (COUNT(*) AS ?n) WHERE { ?m fk:mentionOf ?e }"
    assert list(run_query(store, in_named))[0][0].toPython() == 0
    assert list(run_query(store, in_union))[0][0].toPython() > 100


def test_stores_oxigraph_build_is_incremental(tmp_path):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "dev-01.txt", folder)
    first = build([folder], None, store=spec, check_shapes=False)
    assert first.articles == 1
    shutil.copy(DATA / "dev-02.txt", folder)
    second = build([folder], None, store=spec, check_shapes=False)
    assert (second.articles, second.unchanged) == (1, 1)
    (folder / "dev-02.txt").write_text((DATA / "dev-02.txt").read_text(encoding="utf-8") + "\n补充一句。",
                                       encoding="utf-8")
    third = build([folder], None, store=spec, check_shapes=False)
    assert (third.articles, third.unchanged, third.absent) == (1, 1, 1)  # the changed file's old report
    assert len(open_store(spec).graph_names()) == 3
    pruned = build([folder], None, store=spec, check_shapes=False, prune=True)
    assert (pruned.articles, pruned.unchanged, pruned.absent, pruned.pruned) == (0, 2, 1, 1)
    assert len(open_store(spec).graph_names()) == 2


def test_stores_unchanged_files_are_not_read_again(tmp_path, monkeypatch):
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([DATA], None, store=spec, check_shapes=False)
    (tmp_path / "gbk.txt").write_bytes((DATA / "dev-01.txt").read_text(encoding="utf-8").encode("gb18030"))
    read = []
    monkeypatch.setattr(build_module, "read_article",
                        lambda path, *rest: read.append(path.name) or read_article(path, *rest))
    again = build([DATA, tmp_path / "gbk.txt"], None, store=spec, check_shapes=False)
    # Same bytes: skipped by digest, unread.  The same text in another encoding is read,
    # then known by its text and skipped too.
    assert read == ["gbk.txt"] and (again.articles, again.unchanged) == (0, 7)


@pytest.fixture
def oxigraph_server(tmp_path):
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    port = free_port()
    with running(["oxigraph", "serve", "--location", str(tmp_path / "srv"), "--bind", f"127.0.0.1:{port}"],
                 f"http://127.0.0.1:{port}/query"):
        yield f"sparql:http://127.0.0.1:{port}/query"


def test_stores_sparql_endpoint_matches_memory(oxigraph_server, memory_answers, memory_build):
    build([DATA], None, store=oxigraph_server, check_shapes=False)
    store = open_store(oxigraph_server)
    assert len(store.graph_names()) == 6
    assert answers(store) == memory_answers
    assert csv_answers(store) == csv_answers(memory_build)
    again = build([DATA], None, store=oxigraph_server, check_shapes=False)
    assert again.unchanged == 6 and again.articles == 0


def test_stores_unknown_or_unreachable():
    with pytest.raises(KgError, match="unknown store"):
        open_store("postgres:x")
    store = open_store(f"sparql:http://127.0.0.1:{free_port()}/query")
    with pytest.raises(KgError, match="cannot reach endpoint"):
        store.query("ASK { ?s ?p ?o }")


def test_stores_parallel_build_gives_the_same_graph(tmp_path):
    one, two = f"oxigraph:{tmp_path / 'one'}", f"oxigraph:{tmp_path / 'two'}"
    build([DATA], None, store=one, check_shapes=False, jobs=1)
    build([DATA], None, store=two, check_shapes=False, jobs=2)
    from kg.formats import serialize

    assert serialize(open_store(one).dataset(), "nq") == serialize(open_store(two).dataset(), "nq")


def test_memory_parallel_build_gives_identical_bytes(tmp_path):
    build([DATA], tmp_path / "one", check_shapes=False, jobs=1)
    build([DATA], tmp_path / "two", check_shapes=False, jobs=2)
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_stores_union_is_a_set_across_reports(tmp_path):
    """The same entity described by many reports is one row, as in rdflib's union."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = (DATA / "dev-01.txt").read_text(encoding="utf-8")
    for i in range(3):
        (folder / f"copy{i}.txt").write_text(text.replace("6月22日", f"6月1{i}日"), encoding="utf-8")
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([folder], None, store=spec, check_shapes=False)
    store = open_store(spec)
    rows = list(run_query(store, "SELECT ?l WHERE { ?r fk:adminCode \"620503\" ; rdfs:label ?l }"))
    assert len(rows) == 1 and len(store.graph_names()) == 3
    del store  # an Oxigraph folder is open in one place at a time
    (folder / "copy0.txt").unlink()
    (folder / "copy1.txt").write_text(text.replace("6月22日", "6月28日"), encoding="utf-8")
    build([folder], None, store=spec, check_shapes=False)
    store = open_store(spec)
    assert len(list(run_query(store, "SELECT ?l WHERE { ?r fk:adminCode \"620503\" ; rdfs:label ?l }"))) == 1
    assert len(store.graph_names()) == 4  # copy1's new report besides its old one; copy0's stays until dropped
    for name in sorted(store.graph_names()):
        store.drop_graph(name)
        assert len(list(run_query(store, "SELECT ?r WHERE { ?r fk:adminCode \"620503\" }"))) == \
            (1 if store.graph_names() else 0)
    assert list(run_query(store, "SELECT ?s WHERE { ?s ?p ?o }")) == []


def _two_folders_with_the_same_names(tmp_path):
    """c300/report-000001.txt and other/report-000001.txt: two reports of one file name."""
    folders = []
    for name, source in (("c300", "dev-01.txt"), ("other", "dev-02.txt")):
        folder = tmp_path / name
        folder.mkdir()
        text = (DATA / source).read_text(encoding="utf-8").replace("。", f"（{name}）。", 1)
        (folder / "report-000001.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def test_stores_reports_of_the_same_file_name_in_two_folders_are_two(tmp_path):
    c300, other = _two_folders_with_the_same_names(tmp_path)
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([c300], None, store=spec, check_shapes=False)
    second = build([other], None, store=spec, check_shapes=False)
    assert (second.articles, second.loaded, second.absent) == (1, 1, 1)  # c300's: kept, not replaced
    store = open_store(spec)
    titles = {str(row[0]) for row in run_query(store, "SELECT ?t WHERE { ?a a fk:Article ; schema:headline ?t }")}
    assert titles == {read_article(c300 / "report-000001.txt").title, read_article(other / "report-000001.txt").title}


def test_stores_prune_drops_reports_whose_files_are_gone(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([folder], None, store=spec, check_shapes=False)
    (folder / "dev-03.txt").unlink()
    (folder / "dev-04.txt").unlink()
    kept = build([folder], None, store=spec, check_shapes=False)
    assert (kept.unchanged, kept.absent, kept.pruned) == (4, 2, 0)
    assert len(open_store(spec).graph_names()) == 6
    pruned = build([folder], None, store=spec, check_shapes=False, prune=True)
    assert (pruned.unchanged, pruned.absent, pruned.pruned) == (4, 2, 2)
    store = open_store(spec)
    assert {r.source for r in store.reports()} == {p.name for p in folder.iterdir()}
    assert _quads(store.dataset()) == _quads(_memory_build(folder, tmp_path / "mem").dataset())


def _memory_build(folder, out):
    build([folder], out, check_shapes=False)
    return open_store("memory", out)


def test_stores_prune_drops_nothing_when_an_input_could_not_be_read(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([folder], None, store=spec, check_shapes=False)
    (folder / "dev-03.txt").write_bytes(b"")  # changed, and unreadable: its old report may be what it holds
    report = build([folder], None, store=spec, check_shapes=False, keep_going=True, prune=True)
    assert (report.absent, report.pruned) == (1, 0)
    assert "--prune: nothing dropped, as 1 input file(s) could not be read" in report.warnings


def test_stores_prune_needs_a_persistent_store(tmp_path):
    with pytest.raises(KgError, match="--prune: works on a persistent --store"):
        build([DATA], tmp_path / "out", prune=True)


def test_stores_drop_by_file_name_path_iri_or_id(tmp_path):
    c300, other = _two_folders_with_the_same_names(tmp_path)
    spec = f"oxigraph:{tmp_path / 'ox'}"
    build([DATA, c300, other], None, store=spec, check_shapes=False)
    held = {r.source: r.graph for r in open_store(spec).reports() if r.source != "report-000001.txt"}
    with pytest.raises(KgError, match="2 stored reports were read from files of this name"):
        drop(spec, ["report-000001.txt"])
    with pytest.raises(KgError, match="nothing.txt: no stored report has this file"):
        drop(spec, ["dev-01.txt", "nothing.txt"])
    assert len(open_store(spec).graph_names()) == 8  # nothing dropped: one name was not found
    dropped = drop(spec, ["dev-01.txt", held["dev-02.txt"], held["dev-03.txt"].rsplit("/", 1)[-1],
                          str(c300 / "report-000001.txt")])
    assert [r.source for r in dropped] == ["dev-01.txt", "dev-02.txt", "dev-03.txt", "report-000001.txt"]
    assert sorted(r.source for r in open_store(spec).reports()) == [
        "dev-04.txt", "report-000001.txt", "seed-hexi-kongtong.txt", "seed-jizhou-gulang.txt"]
    assert drop(spec, ["report-000001.txt"])[0].graph == held_graph(other)
    with pytest.raises(KgError, match="kg drop works on a persistent store"):
        drop("memory", ["dev-04.txt"])


def held_graph(folder):
    from kg.rdf import article_iri

    return article_iri(read_article(folder / "report-000001.txt").doc_id)


@pytest.mark.parametrize("make, reason", [(lambda p: p, "no such store"),
                                          (lambda p: p.mkdir() or p, "no such store"),
                                          (lambda p: (p.mkdir(), (p / "x").touch()) and p, "not an Oxigraph store")])
def test_stores_only_a_build_makes_a_store(tmp_path, make, reason):
    path = make(tmp_path / "typo")
    existed = path.exists()
    with pytest.raises(KgError, match=reason):
        open_store(f"oxigraph:{path}")
    assert path.exists() == existed and (not existed or "CURRENT" not in {p.name for p in path.iterdir()})
    if reason == "no such store":
        build([DATA / "dev-01.txt"], None, store=f"oxigraph:{path}", check_shapes=False)
        assert len(open_store(f"oxigraph:{path}").graph_names()) == 1
    else:
        with pytest.raises(KgError, match=reason):
            build([DATA / "dev-01.txt"], None, store=f"oxigraph:{path}", check_shapes=False)
