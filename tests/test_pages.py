import re

import pytest

from kg.model import KgError
from kg.pages import (FOLDER_LINKS, PAGES, PageSource, coordinates, map_data, overview_data, render_query_page,
                      write_pages)
from kg.stores import open_store

from .helpers import run_kg
from .test_view import payload

GULANG = "https://w3id.org/fupin-kg/id/region/620622"


@pytest.fixture(scope="module")
def store(sample_folder):
    return open_store(None, sample_folder)


def test_pages_overview_counts_and_series(store):
    data = overview_data(store)
    assert data["counts"]["reports"] == 6 and data["counts"]["pairings"] == 8
    assert {r["year"] for r in data["byYear"]} == {"2019", "2020"}
    assert data["byRecipient"][0]["recipient"] == "古浪县"
    assert {r["type"] for r in data["byType"]} >= {"County", "Project", "Person"}
    assert ("蓟州区", "古浪县") in {(p["helper"], p["assisted"]) for p in data["pairings"]}


def test_pages_map_places_regions_by_code(store):
    data = map_data(store)
    points = {p["iri"]: p for p in data["points"]}
    assert points[GULANG]["value"] == list(coordinates()["620622"]) and points[GULANG]["role"] == "assisted"
    helpers = {p["name"] for p in data["points"] if p["role"] == "helper"}
    assert {"蓟州区", "河西区", "西青区", "宁河区", "雨花台区", "南浔区"} <= helpers
    assert len(data["arcs"]) == 8
    assert ("蓟州区", "古浪县", "1.504亿元") in {(f["from"], f["to"], f["label"]) for f in data["flows"]}
    assert any(f["properties"]["name"] == "中国" for f in data["outline"]["features"])
    assert not any(f["properties"]["name"] == "巴西" for f in data["outline"]["features"])


def test_pages_are_self_contained_and_carry_data_as_json(store):
    for name, render in PAGES.items():
        html = render(PageSource(store), FOLDER_LINKS)
        assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html), name
        assert "<link" not in html and payload(html), name
        for _, _, href in FOLDER_LINKS:
            assert f'href="{href}"' in html


def test_pages_query_page_has_the_saved_queries_with_prefixes():
    data = payload(render_query_page())
    saved = {q["name"]: q for q in data["saved"]}
    assert {"pairings", "money-by-year", "money-by-kind", "money-conflicts"} <= set(saved)
    assert saved["pairings"]["text"].startswith("PREFIX ") and "{{" not in saved["in-region"]["text"]
    assert "PREFIX fk: <https://w3id.org/fupin-kg/ontology#>" in data["start"]


def test_pages_written_into_a_folder(sample_folder, tmp_path):
    result = run_kg("pages", str(sample_folder), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PAGES)
    assert len(write_pages(open_store(None, sample_folder), tmp_path / "new" / "site")) == len(PAGES)
    assert sorted(p.name for p in (tmp_path / "new" / "site").iterdir()) == sorted(PAGES)
    with pytest.raises(KgError, match="not a folder"):
        write_pages(open_store(None, sample_folder), tmp_path / "overview.html")
