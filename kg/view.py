"""networkx -> a self-contained pyvis page (graph.html, `kg view`).

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
escaped, the page reads it with ``JSON.parse`` and writes it into the DOM
with ``textContent`` only; vis-network shows a node's ``title`` as text.

The page draws exactly the graph it is given.  ``select`` makes that graph:
a neighbourhood of one entity, a subset of types, and, above a few thousand
nodes, villages and quantities folded into the places and projects they
belong to (their count stays on the parent), unless asked for.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from importlib.resources import files
from pathlib import Path

import networkx as nx

from .model import KgError
from .query import yuan_text

FOLD_ABOVE = 3000
FOLDABLE = {"Village": "partOf", "QuantityFact": "quantityOf"}
COLOURS = {
    "Province": "#1f4e79", "City": "#2e75b6", "District": "#5b9bd5", "County": "#8fb8e0",
    "Town": "#70ad47", "Village": "#a9d18e", "Enterprise": "#c55a11", "School": "#7030a0",
    "Hospital": "#c00000", "Government": "#7f6000", "Organization": "#bf9000", "Project": "#00a0e0",
    "Person": "#e0529c", "Product": "#5aa02c", "Document": "#808080", "Event": "#e6a800",
    "MoneyFact": "#d4a017", "QuantityFact": "#b0b0b0", "Article": "#404040",
}
SHAPES = {"Article": "box", "MoneyFact": "diamond", "QuantityFact": "square", "Person": "triangle",
          "Document": "box", "Event": "star", "Product": "hexagon", "Project": "dot"}
TYPE_NAMES = {
    "Province": "省", "City": "市", "District": "区", "County": "县", "Town": "乡镇", "Village": "村/社区",
    "Enterprise": "企业", "School": "学校", "Hospital": "医院", "Government": "政府机构",
    "Organization": "其他组织", "Project": "项目", "Person": "人物", "Product": "产品", "Document": "文件",
    "Event": "活动", "MoneyFact": "资金", "QuantityFact": "数量", "Article": "报道",
}
# What each kind of money is called; only transfers have a giver and a receiver to draw.
MONEY_KIND_NAMES = {"transfer": "资金", "investment": "投资", "sales": "销售额", "output": "产值", "income": "收入",
                    "other": "金额"}
EDGE_NAMES = {"assists": "结对帮扶", "donor": "出资", "recipient": "受援", "partOf": "隶属", "locatedIn": "位于",
              "quantityOf": "数量", "mentionedIn": "提及于", "wasDerivedFrom": "来源"}
EDGE_STYLE = {
    "assists": {"color": "#d62728", "width": 6},
    "donor": {"color": "#d4a017"},
    "recipient": {"color": "#d4a017"},
    "partOf": {"color": "#8c8c8c", "width": 1, "dashes": True},
    "locatedIn": {"color": "#8c8c8c", "width": 1, "dashes": True},
    "mentionedIn": {"color": "#e3e3e3", "width": 1},
    "wasDerivedFrom": {"color": "#e3e3e3", "width": 1},
}


def _first(value):
    return value[0] if isinstance(value, list) else value


def _label(attrs: dict) -> str:
    kind = attrs.get("kind")
    if kind == "MoneyFact":
        return f"{MONEY_KIND_NAMES.get(attrs.get('moneyKind'), '金额')} {yuan_text(_first(attrs.get('amount', 0)))}"
    if kind == "QuantityFact":
        return f"{_first(attrs.get('value', ''))}{_first(attrs.get('unit', ''))}"
    if kind == "Article":
        return str(_first(attrs.get("headline", "")))[:20]
    return str(_first(attrs.get("label", "")))


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    for node, attrs in graph.nodes(data=True):
        if _first(attrs.get("label")) == name or name in attrs.get("aliases", []):
            return node
    raise KgError(f"--focus {name}", "no entity of that name or short form in the graph")


def select(graph: nx.MultiDiGraph, focus: str | None = None, depth: int = 2, types: set[str] | None = None,
           unfold: bool = False) -> nx.MultiDiGraph:
    """The part of the graph to draw, as a new graph (the caller's is left alone)."""
    chosen = graph
    if focus:
        centre = find_entity(graph, focus)
        around = nx.ego_graph(graph.to_undirected(as_view=True), centre, radius=depth)
        chosen = graph.subgraph(around.nodes)
    if types:
        unknown = types - set(TYPE_NAMES)
        if unknown:
            raise KgError("--types", f"unknown type {', '.join(sorted(unknown))}; use {', '.join(TYPE_NAMES)}")
        chosen = chosen.subgraph([n for n, a in chosen.nodes(data=True) if a.get("kind") in types])
    drawn = nx.MultiDiGraph(chosen)
    if not unfold and drawn.number_of_nodes() > FOLD_ABOVE:
        _fold(drawn)
    return drawn


def _fold(graph: nx.MultiDiGraph) -> None:
    """Villages into their towns, quantities into what they count: a count stays on the parent."""
    for node, attrs in list(graph.nodes(data=True)):
        link = FOLDABLE.get(attrs.get("kind"))
        if link is None:
            continue
        parents = [o for _, o, k in graph.out_edges(node, keys=True) if k == link]
        for parent in parents:
            folded = graph.nodes[parent].setdefault("folded", {})
            folded[attrs["kind"]] = folded.get(attrs["kind"], 0) + 1
        graph.remove_node(node)


def _received(graph: nx.MultiDiGraph, node: str) -> float:
    return sum(_first(graph.nodes[fact].get("amount", 0)) for fact, _, k in graph.in_edges(node, keys=True)
               if k == "recipient")


def page_data(graph: nx.MultiDiGraph) -> dict:
    """Nodes, edges and the side-panel details, as plain data for the page."""
    articles = {n: a for n, a in graph.nodes(data=True) if a.get("kind") == "Article"}
    nodes, details = [], {}
    for node, attrs in graph.nodes(data=True):
        kind = attrs.get("kind", "")
        received = _received(graph, node)
        # Size says how much money a place or body received, else how connected it is.
        size = 12 + 4 * math.log10(1 + received / 1e4) if received else 8 + min(graph.degree(node), 24)
        nodes.append({"id": node, "label": _label(attrs), "kind": kind, "color": COLOURS.get(kind, "#999999"),
                      "shape": SHAPES.get(kind, "dot"), "size": round(size, 1),
                      "font": {"color": "#ffffff" if kind in ("Article", "Document") else "#222222"},
                      "title": f"{TYPE_NAMES.get(kind, kind)}：{_label(attrs)}"})
        details[node] = _details(graph, node, attrs, articles)
    edges, edge_details = [], {}
    for i, (s, o, key, attrs) in enumerate(graph.edges(keys=True, data=True)):
        edge_id = f"e{i}"
        if key == "donor":  # drawn the way money flows: giver -> fact -> receiver
            s, o = o, s
        edge = {"id": edge_id, "from": s, "to": o, "arrows": "to", "title": EDGE_NAMES.get(key, key),
                "width": 2, **EDGE_STYLE.get(key, {})}
        if key in ("donor", "recipient"):
            amount = _first(graph.nodes[o if key == "donor" else s].get("amount", 0))
            edge["label"] = yuan_text(amount)
            edge["width"] = round(1 + math.log10(1 + amount / 1e4), 1)
        edges.append(edge)
        edge_details[edge_id] = _edge_details(graph, s, o, key, attrs, articles)
    counts = Counter(n["kind"] for n in nodes)
    legend = [{"type": t, "name": TYPE_NAMES[t], "color": COLOURS[t], "count": counts[t]}
              for t in COLOURS if counts[t]]
    return {"nodes": nodes, "edges": edges, "details": details, "edgeDetails": edge_details, "legend": legend}


def _source(articles: dict, article: str | None) -> dict:
    attrs = articles.get(article, {})
    return {"title": str(_first(attrs.get("headline", ""))), "date": str(attrs.get("datePublished", ""))}


def _fact(graph: nx.MultiDiGraph, fact: str, articles: dict) -> dict:
    attrs = graph.nodes[fact]
    report = next((o for _, o, k in graph.out_edges(fact, keys=True) if k == "wasDerivedFrom"), None)
    label = _label(attrs)
    if attrs.get("purpose"):
        label += f"（{_first(attrs['purpose'])}）"
    if attrs.get("period"):
        label += f" {_first(attrs['period'])}"
    kind = MONEY_KIND_NAMES.get(attrs.get("moneyKind"), "") if attrs.get("kind") == "MoneyFact" else ""
    return {"kind": kind or TYPE_NAMES.get(attrs.get("kind"), ""), "label": label,
            "sentence": str(_first(attrs.get("sourceText", ""))), **_source(articles, report)}


def _details(graph: nx.MultiDiGraph, node: str, attrs: dict, articles: dict) -> dict:
    chain, seen = [], {node}
    parent = next((o for _, o, k in graph.out_edges(node, keys=True) if k in ("partOf", "locatedIn")), None)
    while parent is not None and parent not in seen:
        seen.add(parent)
        chain.append(_label(graph.nodes[parent]))
        parent = next((o for _, o, k in graph.out_edges(parent, keys=True) if k == "partOf"), None)
    kind = attrs.get("kind")
    neighbours = sorted({s for s, _ in graph.in_edges(node)} | {o for _, o in graph.out_edges(node)})
    facts = [_fact(graph, n, articles) for n in neighbours
             if graph.nodes[n].get("kind") in ("MoneyFact", "QuantityFact")]
    if kind in ("MoneyFact", "QuantityFact"):
        facts.insert(0, _fact(graph, node, articles))
    mentioned = {m["article"]: m["text"] for m in attrs.get("mentions", [])}
    sources = [{**_source(articles, a), "words": words} for a, words in sorted(mentioned.items())]
    return {"type": TYPE_NAMES.get(kind, kind), "name": _label(attrs),
            "aliases": [str(a) for a in attrs.get("aliases", [])], "code": str(attrs.get("adminCode", "")),
            "role": "、".join(attrs.get("role", [])), "chain": chain, "facts": facts, "articles": sources,
            "folded": {TYPE_NAMES[k]: n for k, n in attrs.get("folded", {}).items()}}


def _edge_details(graph: nx.MultiDiGraph, s: str, o: str, key: str, attrs: dict, articles: dict) -> dict:
    sentences = [{"sentence": src["sentence"], **_source(articles, src["article"])}
                 for src in attrs.get("sources", [])]
    fact = o if key == "donor" else s if key in ("recipient", "quantityOf") else None
    if fact is not None:
        sentences.append(_fact(graph, fact, articles))
    return {"title": f"{_label(graph.nodes[s])} → {_label(graph.nodes[o])}", "kind": EDGE_NAMES.get(key, key),
            "facts": sentences}


def _json_for_script(data) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_asset(name: str) -> str:
    return files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def render_page(graph: nx.MultiDiGraph, title: str = "东西部协作知识图谱") -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from pyvis.network import Network

    data = page_data(graph)
    big = len(data["nodes"]) > 1000
    net = Network(height="100%", width="100%", directed=True)
    net.nodes, net.edges = data["nodes"], data["edges"]
    net.barnes_hut(gravity=-4000 if big else -6000, spring_length=100 if big else 120, overlap=0)
    _, _, _, _, _, options = net.get_network_data()
    options = json.loads(options)
    # Each iteration costs about 0.2 s at 5,000 nodes: few for large graphs, so the page is
    # interactive within seconds; the layout is rougher, and dragging refines it.
    iterations = 300 if len(data["nodes"]) <= 500 else 100 if len(data["nodes"]) <= 2000 else 20
    options["physics"]["stabilization"] = {"enabled": True, "iterations": iterations, "updateInterval": 10}
    options["layout"] = {"improvedLayout": not big}
    options["edges"] = {"smooth": False if big else {"type": "continuous"}, "font": {"size": 10}}
    options["interaction"] = {"hover": True, "hideEdgesOnDrag": big, "tooltipDelay": 150}
    env = Environment(loader=FileSystemLoader(str(files("kg").joinpath("templates"))),
                      autoescape=select_autoescape(["html", "j2"]))
    payload = {**data, "options": options}
    return env.get_template("graph.html.j2").render(
        title=title, vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"),
        payload=_json_for_script(payload), node_count=len(data["nodes"]), edge_count=len(data["edges"]))


def write_page(graph: nx.MultiDiGraph, path: Path, title: str = "东西部协作知识图谱") -> None:
    from .formats import write_atomic

    write_atomic(path, render_page(graph, title).encode("utf-8"))
