import shutil
import subprocess
import sys

import pytest

from kg.evaluate import Tally, evaluate, matches, normalise

from .helpers import ARTICLES, GOLD_DIR, run_kg


def test_evaluate_own_gold_on_an_unseen_style_article():
    result = evaluate([ARTICLES / "yuegui-lingyun.gold.json"])
    (article,) = result.articles
    assert article.entities.matched == article.entities.gold == 12
    assert article.pairings.matched == 1 and article.money.matched == 2
    assert article.attributed == article.attributable == 2


def test_evaluate_reports_misses_and_extras(tmp_path):
    shutil.copy(ARTICLES / "yuegui-lingyun.txt", tmp_path / "a.txt")
    gold = {"entities": [{"name": "不存在的公司", "type": "Enterprise"}], "pairings": [],
            "money": [{"amount_yuan": 1}]}
    (tmp_path / "a.gold.json").write_text(__import__("json").dumps(gold, ensure_ascii=False), encoding="utf-8")
    (article,) = evaluate([tmp_path]).articles
    assert article.missed == ["不存在的公司/Enterprise"]
    assert any("凌云县" in e for e in article.extra)
    assert "money missed: 1" in article.notes


def test_evaluate_matching_rules():
    from kg.evaluate import Node
    node = Node("x", {"Project"}, {normalise("古浪县“十三五”第一批20兆瓦光伏扶贫项目")})
    assert matches(node, {"name": "“十三五”第一批20兆瓦光伏扶贫项目", "type": "Project"})
    assert not matches(node, {"name": "光伏", "type": "Project"})
    region = Node("y", {"District"}, {"崆峒区"}, "620802")
    assert matches(region, {"name": "平凉市崆峒区", "type": "District", "code": "620802"})
    assert not matches(region, {"name": "崆峒区", "type": "Enterprise"})
    assert Tally(8, 8, 8).f1 == 1.0 and Tally(0, 0, 0).f1 == 1.0


@pytest.mark.skipif(not GOLD_DIR.exists(), reason="the shared evaluation set is not beside this checkout")
def test_evaluate_agrees_with_the_shared_scorer():
    ours = run_kg("eval", str(GOLD_DIR), "--quiet")
    assert ours.returncode == 0, ours.stderr
    cmd = f"{sys.executable} -m kg build {{input}} --out {{out}} --no-validate"
    theirs = subprocess.run([sys.executable, str(GOLD_DIR.parent / "score.py"), str(GOLD_DIR), "--cmd", cmd],
                            capture_output=True, text=True)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert ours.stdout.strip().splitlines()[-1] == theirs.stdout.strip().splitlines()[-1]


def test_cli_eval_without_gold_is_an_error(tmp_path):
    run = run_kg("eval", str(tmp_path))
    assert run.returncode == 2 and "no *.gold.json" in run.stderr


def test_evaluate_breakdowns_json_and_the_report_a_gold_names(tmp_path):
    import json
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(ARTICLES / "yuegui-lingyun.txt", tmp_path / "a" / "report.md")
    gold = json.loads((ARTICLES / "yuegui-lingyun.gold.json").read_text(encoding="utf-8"))
    (tmp_path / "a" / "x.gold.json").write_text(json.dumps({**gold, "file": "report.md"}, ensure_ascii=False),
                                                encoding="utf-8")
    shutil.copy(ARTICLES / "yuegui-lingyun.txt", tmp_path / "b" / "y.txt")
    (tmp_path / "b" / "y.gold.json").write_text(json.dumps({**gold, "file": None}, ensure_ascii=False),
                                                encoding="utf-8")
    run = run_kg("eval", str(tmp_path / "a"), str(tmp_path / "b"), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert [a["name"] for a in result["articles"]] == ["report.md", "y.txt"]
    assert result["totals"]["pairings"]["matched"] == 2
    assert result["by_type"]["County"]["gold"] >= 2
    assert any(key.startswith("pairing:") for key in result["by_rule"])
    text = run_kg("eval", str(tmp_path / "a"), "--by", "all", "-q").stdout
    assert "by type:" in text and "by rule:" in text and text.strip().splitlines()[-1].startswith("entities F1=")


def test_evaluate_scores_the_kind_of_money_where_the_gold_gives_it(tmp_path):
    import json
    (tmp_path / "r.txt").write_text("标题\n深圳市南山区对口帮扶凌云县。南山区向凌云县投入帮扶资金500万元。"
                                    "凌云县农产品销售额达800万元。", encoding="utf-8")
    gold = {"entities": [], "pairings": [], "money": [{"amount_yuan": 5000000, "kind": "transfer"},
                                                      {"amount_yuan": 8000000, "kind": "transfer"}]}
    (tmp_path / "r.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    result = evaluate([tmp_path])
    assert result.summary().endswith("money kind 1/2=0.500")
