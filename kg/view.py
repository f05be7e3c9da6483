"""networkx -> a self-contained pyvis page (graph.html).

pyvis supplies the vis-network data model and options; the page is our own
template, because pyvis's pulls bootstrap and tom-select from a CDN even with
``cdn_resources='in_line'``.  vis-network's script and style are inlined from
the copy pyvis installs, so the page opens from disk with no network.

Traps of pyvis 0.3.2 stepped around here: ``add_node``/``add_edge`` scan a
list on every call (quadratic), so node and edge dicts are set directly;
``from_nx`` rewrites the caller's graph, so it is not used; ``write_html``
opens its file without an encoding, so the page is rendered and written here.

Article text is data: everything from a report reaches the page as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and the page's script puts it into the DOM with ``textContent``.
"""
from __future__ import annotations

import json
from collections import Counter
from importlib.resources import files
from pathlib import Path

import networkx as nx

HIDDEN_KINDS = {"PairingFact", "Mention"}
HIDDEN_EDGES = {"wasDerivedFrom", "mentionOf"}
COLOURS = {
    "Province": "#1f4e79", "City": "#2e75b6", "District": "#5b9bd5", "County": "#9dc3e6",
    "Town": "#70ad47", "Village": "#a9d18e", "Enterprise": "#c55a11", "School": "#7030a0",
    "Hospital": "#c00000", "Government": "#7f6000", "Organization": "#bf9000", "Project": "#00b0f0",
    "Person": "#ff66cc", "Product": "#92d050", "Document": "#808080", "Event": "#ffc000",
    "MoneyFact": "#e2b007", "QuantityFact": "#bfbfbf", "Article": "#404040",
}
SHAPES = {"Article": "box", "MoneyFact": "diamond", "QuantityFact": "square", "Person": "triangle", "Document": "box",
          "Event": "star", "Product": "hexagon"}
TYPE_NAMES = {
    "Province": "省", "City": "市", "District": "区", "County": "县", "Town": "乡镇", "Village": "村/社区",
    "Enterprise": "企业", "School": "学校", "Hospital": "医院", "Government": "政府机构",
    "Organization": "其他组织", "Project": "项目", "Person": "人物", "Product": "产品", "Document": "文件",
    "Event": "活动", "MoneyFact": "资金", "QuantityFact": "数量", "Article": "报道",
}
EDGE_STYLE = {
    "assists": {"color": "#d62728", "width": 5, "dashes": False},
    "donor": {"color": "#e2b007", "width": 2},
    "recipient": {"color": "#e2b007", "width": 2},
    "partOf": {"color": "#999999", "width": 1, "dashes": True},
    "mentionedIn": {"color": "#e6e6e6", "width": 1},
}


def yuan_text(amount: float) -> str:
    """Amounts as readers write them: 1.07亿元, 3123万元, 1500元."""
    if amount >= 1e8:
        return f"{amount / 1e8:.4g}亿元"
    if amount >= 1e4:
        return f"{amount / 1e4:.6g}万元"
    return f"{amount:g}元"


def _vis_asset(name: str) -> str:
    return files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def _label(attrs: dict) -> str:
    kind = attrs.get("kind")
    if kind == "MoneyFact":
        return yuan_text(attrs.get("amount", 0))
    if kind == "QuantityFact":
        return f"{attrs.get('value', '')}{attrs.get('unit', '')}"
    if kind == "Article":
        return str(_first(attrs.get("headline", "")))[:24]
    return str(attrs.get("label", ""))


def _first(value):
    return value[0] if isinstance(value, list) else value


def page_data(graph: nx.MultiDiGraph) -> dict:
    """Nodes, edges and the side-panel details, as plain data for the page."""
    shown = [n for n, a in graph.nodes(data=True) if a.get("kind") not in HIDDEN_KINDS]
    shown_set = set(shown)
    articles = {n: a for n, a in graph.nodes(data=True) if a.get("kind") == "Article"}
    nodes, details = [], {}
    for node in shown:
        attrs = graph.nodes[node]
        kind = attrs.get("kind", "")
        degree = graph.degree(node)
        nodes.append({
            "id": node, "label": _label(attrs), "group": kind,
            "color": COLOURS.get(kind, "#999999"), "shape": SHAPES.get(kind, "dot"),
            "size": 10 + min(degree, 30), "title": f"{TYPE_NAMES.get(kind, kind)}：{_label(attrs)}",
        })
        details[node] = _details(graph, node, attrs, articles)
    edges = []
    for s, o, key in graph.edges(keys=True):
        if key in HIDDEN_EDGES or s not in shown_set or o not in shown_set:
            continue
        if key == "donor":  # drawn the way the money flows: giver -> fact -> receiver
            s, o = o, s
        edge = {"from": s, "to": o, "title": key, "arrows": "to", **EDGE_STYLE.get(key, {})}
        if key in ("donor", "recipient"):
            fact = o if key == "donor" else s
            amount = graph.nodes[fact].get("amount", 0)
            edge["label"] = yuan_text(amount)
            edge["value"] = amount
        edges.append(edge)
    counts = Counter(n["group"] for n in nodes)
    legend = [{"type": t, "name": TYPE_NAMES[t], "color": COLOURS[t], "count": counts[t]}
              for t in COLOURS if counts[t]]
    return {"nodes": nodes, "edges": edges, "details": details, "legend": legend}


def _details(graph: nx.MultiDiGraph, node: str, attrs: dict, articles: dict) -> dict:
    chain = []
    parent = next((o for _, o, k in graph.out_edges(node, keys=True) if k == "partOf"), None)
    while parent is not None and len(chain) < 6:
        chain.append(str(graph.nodes[parent].get("label", "")))
        parent = next((o for _, o, k in graph.out_edges(parent, keys=True) if k == "partOf"), None)
    facts = []
    for fact in sorted({s for s, _ in graph.in_edges(node)} | {o for _, o in graph.out_edges(node)}):
        fattrs = graph.nodes[fact]
        if fattrs.get("kind") in ("MoneyFact", "QuantityFact", "PairingFact"):
            facts.append(_fact_summary(graph, fact, fattrs, articles))
    if attrs.get("kind") in ("MoneyFact", "QuantityFact"):
        facts.append(_fact_summary(graph, node, attrs, articles))
    sources = [
        {"title": str(_first(articles[a].get("headline", ""))), "date": str(articles[a].get("datePublished", ""))}
        for _, a, k in graph.out_edges(node, keys=True) if k == "mentionedIn" and a in articles]
    return {
        "type": TYPE_NAMES.get(attrs.get("kind", ""), attrs.get("kind", "")),
        "name": _label(attrs), "aliases": [str(a) for a in attrs.get("aliases", [])],
        "code": str(attrs.get("adminCode", "")), "chain": chain,
        "facts": facts, "articles": sources,
    }


def _fact_summary(graph: nx.MultiDiGraph, fact: str, attrs: dict, articles: dict) -> dict:
    article = next((o for _, o, k in graph.out_edges(fact, keys=True) if k == "wasDerivedFrom"), None)
    art = articles.get(article, {})
    return {"label": _label(attrs) if attrs.get("kind") != "PairingFact" else "结对帮扶",
            "sentence": str(attrs.get("sourceText", "")),
            "article": str(_first(art.get("headline", ""))), "date": str(art.get("datePublished", ""))}


def _json_for_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_page(graph: nx.MultiDiGraph, title: str = "东西部协作知识图谱") -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from pyvis.network import Network

    data = page_data(graph)
    net = Network(height="100%", width="100%", directed=True)
    net.nodes, net.edges = data["nodes"], data["edges"]
    net.barnes_hut(gravity=-6000, spring_length=120)
    net.set_edge_smooth("dynamic")
    nodes, edges, _, _, _, options = net.get_network_data()
    options = json.loads(options)
    options["physics"]["stabilization"] = {"enabled": True, "iterations": 400}
    options["interaction"] = {"hover": True, "navigationButtons": False}
    template_dir = files("kg").joinpath("templates")
    env = Environment(loader=FileSystemLoader(str(template_dir)), autoescape=select_autoescape(["html", "j2"]))
    payload = {"nodes": nodes, "edges": edges, "details": data["details"],
               "legend": data["legend"], "options": options}
    return env.get_template("graph.html.j2").render(
        title=title, vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"),
        payload=_json_for_script(payload), node_count=len(nodes), edge_count=len(edges))


def write_page(graph: nx.MultiDiGraph, path: Path) -> None:
    from .formats import write_atomic

    write_atomic(path, render_page(graph).encode("utf-8"))
