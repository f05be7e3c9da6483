import json
import re

import networkx as nx
import pytest

from kg.formats import union
from kg.model import KgError
from kg.netx import to_networkx
from kg.pipeline import extract_article
from kg.rdf import to_dataset
from kg.read import clean
from kg.view import FOLD_ABOVE, page_data, render_page, select, yuan_text

XSS = '<img src=x onerror=alert(1)></script><script>alert(2)</script>"\''


def payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="payload">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def xss_graph():
    text = (f"天津市西青区对口帮扶甘肃省天水市麦积区{XSS}\n"
            f"西青区向麦积区投入帮扶资金100万元，建设“{XSS}”展销会。贫困户李四{XSS}说。"
            "两地携手推进东西部扶贫协作，在产业、就业、消费、人才等方面开展全方位合作，成效显著。"
            "麦积区五龙镇的群众通过帮扶项目增加了收入，生活条件明显改善，脱贫攻坚取得了决定性胜利。")
    return to_networkx(union(to_dataset([extract_article(clean(text, "xss.txt", "xss.txt"))])))


@pytest.fixture(scope="module")
def sample_graph(extractions):
    return to_networkx(union(to_dataset(extractions.values())))


def test_view_page_is_self_contained(sample_graph):
    html = render_page(sample_graph)
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html)
    assert "vis.Network" in html and "<link" not in html


def test_view_draws_exactly_the_graph_it_is_given(sample_graph):
    data = page_data(sample_graph)
    assert len(data["nodes"]) == sample_graph.number_of_nodes()
    assert len(data["edges"]) == sample_graph.number_of_edges()
    assert any(e["title"] == "结对帮扶" and e["width"] == 6 for e in data["edges"])
    assert {i["type"] for i in data["legend"]} >= {"County", "District", "MoneyFact", "Article"}


def test_view_side_panel_data(sample_graph):
    details = page_data(sample_graph)["details"]["https://w3id.org/fupin-kg/id/region/620622"]
    assert details["name"] == "古浪县" and details["aliases"] == ["古浪"] and details["code"] == "620622"
    assert details["chain"] == ["武威市", "甘肃省"]
    grant = next(f for f in details["facts"] if f["label"].startswith("资金 1.07亿元"))
    assert "1.07亿元产业扶贫资金" in grant["sentence"] and grant["date"] == "2020-08-12" and grant["kind"] == "资金"
    assert grant["title"].startswith("凝心聚力")


def test_view_names_the_kind_of_money_and_draws_only_transfers_as_flows(sample_graph):
    data = page_data(sample_graph)
    labels = {n["label"].split()[0] for n in data["nodes"] if n["kind"] == "MoneyFact"}
    assert {"资金", "投资", "销售额", "产值", "收入"} <= labels
    flows = {e["from"] for e in data["edges"] if e["title"] == "出资"} | {e["to"] for e in data["edges"]
                                                                        if e["title"] == "出资"}
    kinds = {n["id"]: n["label"].split()[0] for n in data["nodes"] if n["kind"] == "MoneyFact"}
    assert {kinds[f] for f in flows if f in kinds} == {"资金"}


def test_view_money_edges_carry_amounts_and_weight(sample_graph):
    edges = page_data(sample_graph)["edges"]
    money = [e for e in edges if e["title"] in ("出资", "受援")]
    assert money and all(e["label"].endswith("元") for e in money)
    largest = max(a["amount"] for n, a in sample_graph.nodes(data=True)
                  if a["kind"] == "MoneyFact" and sample_graph.out_degree(n) > 1)
    assert max(money, key=lambda e: e["width"])["label"] == yuan_text(largest)


def test_view_does_not_touch_the_callers_graph(sample_graph):
    before = nx.node_link_data(sample_graph, edges="links")
    render_page(select(sample_graph, focus="古浪县"))
    assert nx.node_link_data(sample_graph, edges="links") == before


def test_view_focus_types_and_folding(sample_graph):
    around = select(sample_graph, focus="古浪", depth=1)
    assert "https://w3id.org/fupin-kg/id/region/620622" in around and around.number_of_nodes() < 40
    towns = select(sample_graph, types={"Town", "County"})
    assert {a["kind"] for _, a in towns.nodes(data=True)} == {"Town", "County"}
    with pytest.raises(KgError, match="no entity"):
        select(sample_graph, focus="不存在县")
    big = nx.MultiDiGraph(sample_graph)
    for i in range(FOLD_ABOVE):
        big.add_node(f"filler{i}", kind="Person", label=f"人{i}")
    folded = select(big)
    assert not any(a["kind"] in ("Village", "QuantityFact") for _, a in folded.nodes(data=True))
    town = folded.nodes["https://w3id.org/fupin-kg/id/region/620802/" + _town_hash(sample_graph, "白水镇")]
    assert town["folded"] == {"Village": 1}
    assert any(a["kind"] == "Village" for _, a in select(big, unfold=True).nodes(data=True))


def _town_hash(graph, name):
    return next(n for n, a in graph.nodes(data=True) if a.get("label") == name).rsplit("/", 1)[-1]


def test_view_escapes_article_text():
    html = render_page(xss_graph())
    body = html.split('id="payload">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert "onerror=alert(1)" in json.dumps(payload(html), ensure_ascii=False)


def test_view_amounts_in_wan_and_yi():
    assert (yuan_text(107000000), yuan_text(31230000), yuan_text(1500)) == ("1.07亿元", "3123万元", "1500元")
