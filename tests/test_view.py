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
from kg.view import (FIRST_VIEW, FOLD_ABOVE, LABEL_CHARS, FONT, page_data, render_page, select, sum_flow,
                     text_width, yuan_text)

XSS = '<img src=x onerror=alert(1)></script><script>alert(2)</script>"\''
GULANG = "https://w3id.org/fupin-kg/id/region/620622"
JIZHOU = "https://w3id.org/fupin-kg/id/region/120119"


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


@pytest.fixture(scope="module")
def sample_data(sample_graph):
    return page_data(sample_graph)


def test_view_page_is_self_contained(sample_graph):
    html = render_page(sample_graph)
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html)
    assert "vis.Network" in html and "<link" not in html


def test_view_carries_every_node_and_shows_only_the_first_view(sample_graph, sample_data):
    nodes = {n["id"]: n for n in sample_data["nodes"]}
    assert set(nodes) == set(sample_graph)
    first = {n for n, d in nodes.items() if d["first"]}
    assert first == {n for n, a in sample_graph.nodes(data=True) if a["kind"] in FIRST_VIEW}
    assert not any(nodes[n]["kind"] in ("QuantityFact", "MoneyFact", "Article") for n in first)
    legend = {i["type"]: i["first"] for i in sample_data["legend"]}
    assert legend["QuantityFact"] is False and legend["Article"] is False and legend["County"] is True


def test_view_positions_are_the_same_every_time(sample_graph, sample_data):
    again = page_data(nx.MultiDiGraph(sample_graph))
    assert [(n["id"], n["x"], n["y"]) for n in again["nodes"]] == \
        [(n["id"], n["x"], n["y"]) for n in sample_data["nodes"]]


def test_view_first_view_labels_do_not_overlap(sample_data):
    """Each node's label, as wide as the font draws it, below its dot: no two boxes meet."""
    boxes = []
    for n in sample_data["nodes"]:
        if n["first"]:
            width = text_width(n["label"])
            boxes.append((n["x"] - width / 2, n["y"] - n["size"], n["x"] + width / 2, n["y"] + n["size"] + FONT + 4))
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
               if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]
    assert clashes == []
    assert all(len(n["label"]) <= LABEL_CHARS for n in sample_data["nodes"])


def test_view_east_helpers_stand_left_of_the_west(sample_data):
    x = {n["id"]: n["x"] for n in sample_data["nodes"]}
    pairs = [(e["from"], e["to"]) for e in sample_data["edges"] if e["kind"] == "assists"]
    assert pairs and all(x[helper] < x[assisted] for helper, assisted in pairs)


def test_view_transfers_are_summed_into_one_flow_per_giver_and_receiver(sample_graph, sample_data):
    flows = [e for e in sample_data["edges"] if e["kind"] == "flow"]
    assert len({(e["from"], e["to"]) for e in flows}) == len(flows)
    jizhou = next(e for e in flows if (e["from"], e["to"]) == (JIZHOU, GULANG))
    # The two yearly transfers, as the pairings query adds them; the running total 1.07亿元 stays apart.
    assert jizhou["label"] == "1.504亿元"
    facts = sample_data["edgeDetails"][jizhou["id"]]["facts"]
    assert len(facts) == 4 and sum("累计" in f["notes"] for f in facts) == 2
    kinds = {n: a.get("moneyKind") for n, a in sample_graph.nodes(data=True) if a["kind"] == "MoneyFact"}
    for flow in flows:
        assert {kinds[f["id"]] for f in sample_data["edgeDetails"][flow["id"]]["facts"]} == {"transfer"}
    assert max(flows, key=lambda e: e["width"])["label"] == "累计2.27亿元"  # 雨花台区 → 丹凤县: only a running total


def test_view_sum_flow_adds_like_to_like():
    assert sum_flow([(100.0, False, False), (200.0, False, False), (1e6, True, False)]) == (300.0, "300元")
    assert sum_flow([(1e6, True, False), (2e6, True, False)]) == (2e6, "累计200万元")
    assert sum_flow([(5e4, False, True)]) == (5e4, "计划5万元")


def test_view_side_panel_data(sample_data):
    details = sample_data["details"][GULANG]
    assert details["name"] == "古浪县" and details["aliases"] == ["古浪"] and details["code"] == "620622"
    assert details["chain"] == ["武威市", "甘肃省"]
    grant = next(f for f in details["facts"] if f["label"].startswith("资金 1.07亿元"))
    assert "1.07亿元产业扶贫资金" in grant["sentence"] and grant["date"] == "2020-08-12" and grant["kind"] == "资金"
    assert grant["title"].startswith("凝心聚力") and grant["notes"] == "累计"


def test_view_panel_gives_the_sentences_that_mention_an_entity(sample_graph, sample_data):
    """An entity no fact is about still shows the sentences of the reports that name it,
    where the graph holds them."""
    person = next(n for n, a in sample_graph.nodes(data=True) if a.get("label") == "马成义")
    mentions = sample_data["details"][person]["mentions"]
    assert mentions and mentions[0]["title"] and mentions[0]["words"] == ["马成义"]
    with_sentence = [d for n, d in sample_data["details"].items()
                     if d["mentions"] and not d["facts"] and any(m["sentences"] for m in d["mentions"])]
    assert with_sentence
    for d in with_sentence:
        for m in d["mentions"]:
            assert all(any(word in s for word in m["words"]) for s in m["sentences"])


def test_view_edge_legend_names_what_is_drawn(sample_data):
    names = {i["name"] for i in sample_data["edgeLegend"]}
    assert {"结对帮扶", "资金流向", "隶属"} <= names


def test_view_does_not_touch_the_callers_graph(sample_graph):
    before = nx.node_link_data(sample_graph, edges="links")
    render_page(select(sample_graph, focus="古浪县"))
    assert nx.node_link_data(sample_graph, edges="links") == before


def test_view_focus_types_and_folding(sample_graph):
    around = select(sample_graph, focus="古浪", depth=1)
    assert GULANG in around and around.number_of_nodes() < 40
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
    assert select(big, copy=False) is big and big.number_of_nodes() == folded.number_of_nodes()


def _town_hash(graph, name):
    return next(n for n, a in graph.nodes(data=True) if a.get("label") == name).rsplit("/", 1)[-1]


def test_view_escapes_article_text():
    html = render_page(xss_graph())
    body = html.split('id="payload">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert "onerror=alert(1)" in json.dumps(payload(html), ensure_ascii=False)


def test_view_amounts_in_wan_and_yi():
    assert (yuan_text(107000000), yuan_text(31230000), yuan_text(1500)) == ("1.07亿元", "3123万元", "1500元")
