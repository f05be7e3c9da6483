import json
import re

import networkx as nx

from kg.formats import union
from kg.netx import to_networkx
from kg.pipeline import extract_article
from kg.rdf import to_dataset
from kg.read import clean
from kg.view import page_data, render_page, yuan_text

XSS = '<img src=x onerror=alert(1)></script><script>alert(2)</script>"\''


def payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="payload">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


def test_view_page_is_self_contained(extractions):
    html = render_page(to_networkx(union(to_dataset(extractions.values()))))
    assert not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html)
    assert "vis.Network" in html and "<link" not in html


def test_view_nodes_match_graph_without_reports(extractions):
    graph = to_networkx(union(to_dataset(extractions.values())))
    data = page_data(graph)
    hidden = sum(1 for _, a in graph.nodes(data=True) if a["kind"] in ("PairingFact", "Mention"))
    assert len(data["nodes"]) == graph.number_of_nodes() - hidden
    assert any(e["title"] == "assists" and e["width"] == 5 for e in data["edges"])
    assert {i["type"] for i in data["legend"]} >= {"County", "District", "MoneyFact"}


def test_view_does_not_touch_the_callers_graph(extractions):
    graph = to_networkx(union(to_dataset([extractions["dev-01.txt"]])))
    before = nx.node_link_data(graph, edges="links")
    render_page(graph)
    assert nx.node_link_data(graph, edges="links") == before


def test_view_escapes_article_text():
    text = f"标题{XSS}\n天津市西青区对口帮扶甘肃省天水市麦积区。西青区向麦积区投入资金100万元{XSS}。"
    x = extract_article(clean(text, "xss.txt", "xss.txt"))
    html = render_page(to_networkx(union(to_dataset([x]))))
    body = html.split('id="payload">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert "onerror" in body  # kept as data, escaped
    assert XSS in json.dumps(payload(html), ensure_ascii=False) or "onerror=alert(1)" in str(payload(html))


def test_view_amounts_in_wan_and_yi():
    assert (yuan_text(107000000), yuan_text(31230000), yuan_text(1500)) == ("1.07亿元", "3123万元", "1500元")
