import csv
import io

import pytest

from kg.build import build
from kg.model import KgError
from kg.stores import open_store
from kg.tables import entities, entity_counts, filter_entities, filter_money, money, table

from .helpers import DATA, run_kg


@pytest.fixture(scope="module")
def store(sample_folder):
    return open_store(None, sample_folder)


def test_tables_entities_give_type_code_region_and_counts(store):
    rows = {r["name"]: r for r in entities(store).rows}
    gulang = rows["古浪县"]
    assert (gulang["type"], gulang["type_name"], gulang["admin_code"]) == ("County", "县", "620622")
    assert gulang["region"] == "武威市 › 甘肃省" and gulang["aliases"] == "古浪"
    assert int(gulang["reports"]) >= 1 and int(gulang["mentions"]) >= int(gulang["reports"])
    assert rows["西靖镇"]["region"] == "古浪县 › 武威市 › 甘肃省"


def test_tables_entity_counts_are_the_entities_table_by_type(store):
    rows = entities(store).rows
    counts = entity_counts(store)
    assert counts == {t: sum(r["type"] == t for r in rows) for t in {r["type"] for r in rows}}
    assert counts["County"] >= 1 and sum(counts.values()) == len(rows)


def test_tables_filter_entities_by_type_and_region(store):
    rows = entities(store).rows
    towns = filter_entities(rows, "Town", "古浪县")
    assert {r["name"] for r in towns} == {"干城乡", "直滩镇", "西靖镇"}
    inside = filter_entities(rows, region="古浪县")
    assert "古浪县" in {r["name"] for r in inside} and any(r["type"] == "Project" for r in inside)
    with pytest.raises(KgError, match="no such type"):
        filter_entities(rows, "Nothing")
    with pytest.raises(KgError, match="no region"):
        filter_entities(rows, region="不存在县")


def test_tables_money_has_every_fact_with_kind_parties_and_sentence(store):
    rows = money(store).rows
    facts = store.query("SELECT (COUNT(?m) AS ?n) WHERE { ?m a fk:MoneyFact }")
    assert len(rows) == int(next(iter(facts))[0])
    assert {r["kind"] for r in rows} >= {"transfer", "investment", "income"}
    assert all(not r["donor"] and not r["recipient"] for r in rows if r["kind"] != "transfer")
    running = next(r for r in rows if r["donor"] == "蓟州区" and r["yuan"] == "107000000")
    assert running["cumulative"] == "是" and running["amount"] == "1.07亿元" and running["recipient"] == "古浪县"
    assert "1.07亿元" in running["sentence"] and running["report_title"].startswith("凝心聚力")
    assert filter_money(rows, "transfer", "2019") and all(r["year"] == "2019" for r in filter_money(rows, year="2019"))
    with pytest.raises(KgError, match="no such kind"):
        filter_money(rows, "gift")


def test_tables_csv_parses_with_a_header_of_keys(store):
    for name in ("entities", "money"):
        chosen = table(store, name)
        parsed = list(csv.reader(io.StringIO(chosen.csv())))
        assert parsed[0] == [c.key for c in chosen.columns] and len(parsed) == len(chosen.rows) + 1
    with pytest.raises(KgError, match="no such table"):
        table(store, "people")


def test_tables_are_the_same_on_oxigraph_and_rdflib(store, sample_folder, tmp_path):
    location = tmp_path / "kg.db"
    build([DATA], None, store=f"oxigraph:{location}", check_shapes=False)
    other = open_store(f"oxigraph:{location}")
    memory = open_store("memory", sample_folder)
    try:
        assert entities(other).csv() == entities(store).csv() == entities(memory).csv()
        assert money(other).csv() == money(store).csv() == money(memory).csv()
    finally:
        other.close()


def test_tables_cli_writes_csv(sample_folder, store):
    result = run_kg("table", "entities", "--graph", str(sample_folder), "--format", "csv", "--type", "Town",
                    "--region", "古浪县")
    assert result.returncode == 0, result.stderr
    names = [row["name"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert sorted(names) == sorted(["干城乡", "直滩镇", "西靖镇"])
    full = run_kg("table", "money", "--graph", str(sample_folder), "--format", "csv")
    assert full.stdout == money(store).csv()
    wrong = run_kg("table", "money", "--graph", str(sample_folder), "--type", "Town")
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "--type" in wrong.stderr
