import json

import pytest

from kg.model import KgError
from kg.query import fill, format_result, resolve_query, run_query, saved_queries
from kg.stores import open_store

PAIRS = "SELECT ?h ?a WHERE { ?x fk:assists ?y . ?x rdfs:label ?h . ?y rdfs:label ?a } ORDER BY ?h"


@pytest.fixture(scope="module")
def store(sample_folder):
    return open_store("memory", sample_folder)


def test_query_prefixes_predeclared_and_table(store):
    table = format_result(run_query(store, PAIRS), "table")
    assert "蓟州区" in table and "古浪县" in table and "rows)" in table


def test_query_csv_tsv_json_xml(store):
    csv_text = format_result(run_query(store, PAIRS), "csv")
    assert csv_text.splitlines()[0] == "h,a" and "河西区,崆峒区" in csv_text
    tsv = format_result(run_query(store, PAIRS), "tsv").splitlines()
    assert tsv[0] == "?h\t?a" and '"河西区"@zh\t"崆峒区"@zh' in tsv
    data = json.loads(format_result(run_query(store, PAIRS), "json"))
    assert {b["h"]["value"] for b in data["results"]["bindings"]} >= {"宁河区", "雨花台区"}
    assert "<sparql" in format_result(run_query(store, PAIRS), "xml")


def test_query_construct_as_turtle(store):
    text = format_result(run_query(store, "CONSTRUCT { ?s fk:assists ?o } WHERE { ?s fk:assists ?o }"), None)
    assert "@prefix fk:" in text and "fk:assists" in text


@pytest.mark.parametrize("query, fmt, fitting", [
    (PAIRS, "ttl", "use table, csv, tsv, json, xml"),
    ("ASK { ?s ?p ?o }", "jsonld", "use table, csv"),
    ("CONSTRUCT { ?s fk:assists ?o } WHERE { ?s fk:assists ?o }", "table", "use ttl, jsonld"),
    ("CONSTRUCT { ?s fk:assists ?o } WHERE { ?s fk:assists ?o }", "csv", "use ttl, jsonld"),
])
def test_query_format_that_does_not_fit_the_answer_is_refused(store, query, fmt, fitting):
    with pytest.raises(KgError, match=fitting) as err:
        format_result(run_query(store, query), fmt)
    assert err.value.where == f"--format {fmt}"


def test_query_table_is_the_default_for_select(store):
    assert format_result(run_query(store, PAIRS), None) == format_result(run_query(store, PAIRS), "table")


@pytest.mark.parametrize("typo, hint", [("pairngs", "did you mean pairings?"),
                                        ("money-by-yaer", "did you mean money-by-year?"),
                                        ("zzzz", "kg query --list")])
def test_query_mistyped_saved_query_is_named_not_parsed(typo, hint):
    with pytest.raises(KgError) as err:
        resolve_query(typo, {})
    assert err.value.reason.startswith("not a saved query; ") and hint in err.value.reason
    assert err.value.where == f"query {typo}"


def test_query_named_graph_per_article(store):
    result = run_query(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(next(iter(result))[0]) == 6


def test_query_saved_queries_listed_described_and_filled(store):
    saved = saved_queries()
    assert {"pairings", "money-by-recipient", "money-by-year", "in-region", "project-quantities",
            "facts-about"} <= set(saved)
    assert all(q.description for q in saved.values())
    villages = run_query(store, fill(saved["in-region"], {"region": "崆峒区", "type": "Village"}))
    assert {str(row[0]) for row in villages} == {"白水村", "长沟门村"}
    bodies = run_query(store, fill(saved["in-region"], {"region": "西青区", "type": "Government"}))
    assert {str(row[0]) for row in bodies} == {"天津市西青区政协"}
    pairs = {(str(r[0]), str(r[1])): float(r[3]) for r in run_query(store, fill(saved["pairings"], {}))}
    # 1.43亿元 and 735万元 of 2020; the running totals (1.07亿元 over 4 years, 1288万元 since 2017) apart
    assert pairs[("蓟州区", "古浪县")] == 150350000


def test_query_parameters_are_written_safely(store):
    text = fill(saved_queries()["facts-about"], {"entity": '古浪县" } ; DROP ALL ; #'})
    assert '"古浪县\\" } ; DROP ALL ; #"@zh' in text
    assert list(run_query(store, text)) == []
    with pytest.raises(KgError, match="must be one of"):
        fill(saved_queries()["in-region"], {"type": "Nonsense"})
    with pytest.raises(KgError, match="no parameter"):
        resolve_query("in-region", {"colour": "red"})


def test_query_bad_sparql_is_one_clear_error(store):
    with pytest.raises(KgError, match="SPARQL syntax error at line 1"):
        run_query(store, "SELEC ?x WHERE { ?x ?y }")


def test_query_missing_build_folder(tmp_path):
    with pytest.raises(KgError, match="no such build folder"):
        open_store("memory", tmp_path / "nothing")


def test_query_money_conflicts_finds_two_reports_that_disagree(tmp_path):
    from kg.build import build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "宁河区与榆中县扶贫协作见闻\n2020-06-01 来源：兰州日报\n天津市宁河区对口帮扶兰州市榆中县。"
        "2017年以来，宁河区累计向榆中县投入帮扶资金1.2亿元。", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(
        "榆中县东西部扶贫协作综述\n2020-11-20 来源：天津日报\n天津市宁河区结对帮扶兰州市榆中县。"
        "2017年以来，宁河区累计向榆中县投入帮扶资金1.5亿元，惠及群众3万人。", encoding="utf-8")
    build([tmp_path / "in"], tmp_path / "out", check_shapes=False)
    store = open_store("memory", tmp_path / "out")
    rows = list(run_query(store, fill(saved_queries()["money-conflicts"], {})))
    assert len(rows) == 1
    donor, recipient, year, yuan, sentence, report, other_yuan, other_sentence, other_report = rows[0]
    assert (str(donor), str(recipient), str(year)) == ("宁河区", "榆中县", "2017")
    assert (float(yuan), float(other_yuan)) == (120000000, 150000000)
    assert "1.2亿元" in str(sentence) and "1.5亿元" in str(other_sentence) and report != other_report
    kinds = {str(r[0]): int(r[3]) for r in run_query(store, fill(saved_queries()["money-by-kind"], {}))}
    assert kinds == {"transfer": 2}
    assert list(run_query(store, fill(saved_queries()["money-by-recipient"], {}))) == []


def test_query_money_printed_alike_with_wan_and_yi_in_tables(store):
    table = format_result(run_query(store, fill(saved_queries()["money-by-recipient"], {})), "table")
    assert "150350000 (1.504亿元)" in table and "54702700 (5470.27万元)" in table and ".0 " not in table


def test_query_aid_sums_the_transfer_alone(tmp_path):
    from kg.build import build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(
        "东丽区与卓尼县东西部协作纪实\n2021-06-01 来源：甘南日报\n天津市东丽区对口帮扶甘南州卓尼县。"
        "今年东丽区向卓尼县拨付帮扶资金1200万元。东丽区引进的企业在卓尼县到位投资8000万元。"
        "消费帮扶销售额达3600万元。园区年产值4亿元。务工人员月收入4500元。"
        "2017年以来，东丽区累计向卓尼县投入帮扶资金3.2亿元。", encoding="utf-8")
    build([tmp_path / "in"], tmp_path / "out", check_shapes=False)
    store = open_store("memory", tmp_path / "out")
    kinds = {str(r[0]) for r in run_query(store, fill(saved_queries()["money-by-kind"], {}))}
    assert kinds == {"transfer", "investment", "sales", "output", "income"}
    rows = [(str(r[0]), int(r[1]), float(r[2])) for r in run_query(store, fill(saved_queries()["money-by-recipient"], {}))]
    assert rows == [("卓尼县", 1, 12000000)]
    years = [(str(r[0]), float(r[2])) for r in run_query(store, fill(saved_queries()["money-by-year"], {}))]
    assert years == [("2021", 12000000)]
