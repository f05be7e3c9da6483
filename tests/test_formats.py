"""Output formats by name and by suffix; files and folders written whole or not at all."""
import os
from pathlib import Path

import pytest

from kg import formats
from kg.formats import FORMATS, format_of, replace_folder, write_atomic
from kg.model import KgError


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats_suffix_names_the_format(name):
    assert format_of(Path(f"graph.{name}"), None) == name
    assert format_of(Path(f"GRAPH.{name.upper()}"), name) == name


def test_formats_suffix_and_format_that_disagree_are_refused():
    with pytest.raises(KgError, match="the suffix says nt but --format says ttl"):
        format_of(Path("g.nt"), "ttl")
    assert format_of(Path("graph.txt"), "nq") == "nq"  # a suffix that names no format is the user's choice
    with pytest.raises(KgError, match="cannot tell the format from the suffix"):
        format_of(Path("graph.txt"), None)


def test_formats_write_atomic_to_a_folder_is_one_clear_error(tmp_path):
    with pytest.raises(KgError) as err:
        write_atomic(tmp_path, b"data")
    assert err.value.where == str(tmp_path) and "folder" in err.value.reason


def test_formats_replace_folder_switches_whole_files_and_keeps_others(tmp_path):
    out = tmp_path / "out"
    replace_folder(out, {"graph.ttl": b"one", "explain.tsv": b"one"}, ["graph.ttl", "explain.tsv"])
    (out / "view.html").write_text("a page kg view wrote")
    (out / "pages").mkdir()
    (out / "pages" / "p.html").write_text("another")
    replace_folder(out, {"graph.ttl": b"two"}, ["graph.ttl", "explain.tsv"])
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl", "pages", "view.html"]
    assert (out / "graph.ttl").read_bytes() == b"two"  # explain.tsv of the last build is not kept
    assert (out / "pages" / "p.html").read_text() == "another"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_formats_replace_folder_without_renameat2_still_leaves_no_mix(tmp_path, monkeypatch):
    out = tmp_path / "out"
    replace_folder(out, {"a": b"1", "b": b"1"}, ["a", "b"])
    monkeypatch.setattr(formats, "RENAME_EXCHANGE", 1 << 30)  # a flag no kernel knows: EINVAL
    replace_folder(out, {"a": b"2", "b": b"2"}, ["a", "b"])
    assert [(out / n).read_bytes() for n in "ab"] == [b"2", b"2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_formats_replace_folder_through_a_link_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    replace_folder(tmp_path / "link", {"graph.ttl": b"x"}, ["graph.ttl"])
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "graph.ttl").read_bytes() == b"x"


def test_formats_replace_folder_keeps_the_folder_mode(tmp_path):
    out = tmp_path / "out"
    out.mkdir(mode=0o750)
    os.chmod(out, 0o750)
    replace_folder(out, {"graph.ttl": b"x"}, ["graph.ttl"])
    assert out.stat().st_mode & 0o777 == 0o750


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats_rdflib_and_pyoxigraph_read_each_format_as_the_graph_written(extractions, name):
    """Every registered format, read by rdflib and by pyoxigraph, is the dataset it was written
    from (compared after Oxigraph's canonical form of literals: 7.0 and 7 are one decimal)."""
    import pyoxigraph
    from rdflib import Dataset

    from kg.formats import PARSERS, serialize
    from kg.rdf import to_dataset
    from kg.rdftext import Quads

    quads = Quads.from_rdflib(to_dataset(list(extractions.values())[:3]))
    data = serialize(quads, name)
    rdflib_name, oxigraph_name = PARSERS[name]
    with_graphs = name in ("trig", "nq", "jsonld")

    def canonical(nquads: bytes) -> set[str]:
        store = pyoxigraph.Store()
        store.load(nquads, format=pyoxigraph.RdfFormat.N_QUADS)
        return set(store.dump(format=pyoxigraph.RdfFormat.N_QUADS).decode().splitlines())
    read_by_rdflib = Dataset()
    read_by_rdflib.parse(data=data, format=rdflib_name)
    by_rdflib = canonical(read_by_rdflib.serialize(format="nquads", encoding="utf-8"))
    store = pyoxigraph.Store()
    store.load(data, format=getattr(pyoxigraph.RdfFormat, oxigraph_name))
    by_oxigraph = canonical(store.dump(format=pyoxigraph.RdfFormat.N_QUADS))
    written = canonical(serialize(quads, "nq" if with_graphs else "nt"))
    assert by_rdflib == by_oxigraph == written and len(written) > 1000
