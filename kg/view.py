"""networkx -> a self-contained viewer page (graph.html, `kg view`).

The page carries the whole graph it is given, but first shows only what a person reads
a graph of this programme for: regions, organisations, projects and people, joined by
pairings and by money flows (every transfer from one giver to one receiver summed into
one edge, its width by the yuan, its label in 万元/亿元).  Money and quantity facts and
the reports are listed in the side panel of the thing they belong to; the legend's
check boxes bring any type back as nodes, and a node's neighbours can be shown and
hidden again one node at a time (Bloom's "expand").

Positions are computed here, not by a physics simulation in the browser, so the same
graph looks the same on every load and in screenshots, and a large page is drawn at
once.  The layout is a board of blocks: a division of county level or above heads a
block, and the towns, villages, organisations, projects and people it holds sit in a
grid under it, each cell as wide as the longest label in it, so labels do not collide.
Blocks of the helping (eastern) provinces stand in columns on the left, blocks of the
assisted (western) ones on the right, each side in administrative-code order, so
pairing and money edges cross the middle.  Which provinces help and which are helped is
read from the graph's ``assists`` edges.  Things not in the first view are placed in a
ring around the node they hang on, where they appear when shown.

pyvis supplies vis-network's script and style, inlined from the copy it installs (its own
template pulls bootstrap and tom-select from a CDN), so the page opens from disk with no
network.  Article text is data: everything from a report reaches the page as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, the page
reads it with ``JSON.parse`` and writes it into the DOM with ``textContent`` only, and
vis-network shows a node's ``title`` as text.

``select`` makes the graph to draw: a neighbourhood of one entity, a subset of types,
and, above a few thousand nodes, villages and quantities folded into the places and
projects they belong to (their count stays on the parent), unless asked for.
"""
from __future__ import annotations

import bisect
import functools
import json
import math
from collections import Counter, defaultdict
from importlib.resources import files
from pathlib import Path

import networkx as nx

from .model import KgError
from .query import yuan_text

FOLD_ABOVE = 3000
FOLDABLE = {"Village": "partOf", "QuantityFact": "quantityOf"}
COLOURS = {
    "Province": "#1f4e79", "City": "#2e75b6", "District": "#5b9bd5", "County": "#5b9bd5",
    "Town": "#70ad47", "Village": "#a9d18e", "Enterprise": "#c55a11", "School": "#7030a0",
    "Hospital": "#c00000", "Government": "#7f6000", "Organization": "#bf9000", "Project": "#00a0e0",
    "Person": "#e0529c", "Product": "#5aa02c", "Document": "#808080", "Event": "#e6a800",
    "MoneyFact": "#d4a017", "QuantityFact": "#b0b0b0", "Article": "#6b6b6b",
}
SHAPES = {"MoneyFact": "diamond", "QuantityFact": "square", "Person": "triangle", "Document": "square",
          "Event": "star", "Product": "hexagon", "Article": "square"}
SIZES = {"Province": 14, "City": 12, "District": 11, "County": 11, "Town": 8, "Village": 6}
TYPE_NAMES = {
    "Province": "省", "City": "市", "District": "区", "County": "县", "Town": "乡镇", "Village": "村/社区",
    "Enterprise": "企业", "School": "学校", "Hospital": "医院", "Government": "政府机构",
    "Organization": "其他组织", "Project": "项目", "Person": "人物", "Product": "产品", "Document": "文件",
    "Event": "活动", "MoneyFact": "资金", "QuantityFact": "数量", "Article": "报道",
}
REGION_KINDS = ("Province", "City", "District", "County", "Town", "Village")
BLOCK_HEADS = ("Province", "City", "District", "County")
# The first view: regions, organisations, projects and people.
FIRST_VIEW = set(REGION_KINDS) | {"Enterprise", "School", "Hospital", "Government", "Organization", "Project",
                                  "Person"}
FACT_KINDS = ("MoneyFact", "QuantityFact")
# What each kind of money is called; only transfers have a giver and a receiver to draw.
MONEY_KIND_NAMES = {"transfer": "资金", "investment": "投资", "sales": "销售额", "output": "产值", "income": "收入",
                    "other": "金额"}
EDGE_NAMES = {"assists": "结对帮扶", "flow": "资金流向", "donor": "出资", "recipient": "受援", "partOf": "隶属",
              "locatedIn": "位于", "quantityOf": "数量", "mentionedIn": "提及于", "wasDerivedFrom": "来源"}
EDGE_STYLE = {
    "assists": {"color": "#d62728", "width": 4},
    "flow": {"color": "#e08a00", "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.18}},
    "donor": {"color": "#e0b050", "width": 1},
    "recipient": {"color": "#e0b050", "width": 1},
    "partOf": {"color": "#a6a6a6", "width": 1, "dashes": True},
    "locatedIn": {"color": "#a6a6a6", "width": 1, "dashes": True},
    "quantityOf": {"color": "#c8c8c8", "width": 1},
    "mentionedIn": {"color": "#e3e3e3", "width": 1},
    "wasDerivedFrom": {"color": "#e3e3e3", "width": 1},
}
EDGE_LEGEND = ("assists", "flow", "partOf", "locatedIn", "donor", "quantityOf", "mentionedIn")
# Layout, in canvas pixels at zoom 1: the viewport the first view is fitted to, label sizes.
VIEWPORT = (1040, 860)
FONT = 13
LABEL_CHARS = 10
ROW = 44
CELL_PAD = 14
BLOCK_GAP = 16
COLUMN_GAP = 30
SIDE_GAP = 160
MAX_COLUMNS = 12
BLOCK_WIDTHS = (160, 220, 300, 400, 520)


def _first(value):
    return value[0] if isinstance(value, list) else value


def _label(attrs: dict) -> str:
    kind = attrs.get("kind")
    if kind == "MoneyFact":
        return f"{MONEY_KIND_NAMES.get(attrs.get('moneyKind'), '金额')} {yuan_text(_first(attrs.get('amount', 0)))}"
    if kind == "QuantityFact":
        return f"{_first(attrs.get('value', ''))}{_first(attrs.get('unit', ''))}"
    if kind == "Article":
        return str(_first(attrs.get("headline", "")))
    return str(_first(attrs.get("label", "")))


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def text_width(text: str, size: float = FONT) -> float:
    """About how wide a label is drawn: CJK characters a full em, others about half."""
    return sum(size if ord(c) > 0x2e80 else size * 0.6 for c in text)


def find_entity(graph: nx.MultiDiGraph, name: str) -> str:
    for node, attrs in graph.nodes(data=True):
        if _first(attrs.get("label")) == name or name in attrs.get("aliases", []):
            return node
    raise KgError(f"--focus {name}", "no entity of that name or short form in the graph")


def select(graph: nx.MultiDiGraph, focus: str | None = None, depth: int = 2, types: set[str] | None = None,
           unfold: bool = False, copy: bool = True) -> nx.MultiDiGraph:
    """The part of the graph to draw, as a new graph (the caller's is left alone), or, with
    ``copy=False`` and the whole graph asked for, the caller's, folded where it stands."""
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
    drawn = nx.MultiDiGraph(chosen) if copy or chosen is not graph else graph
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


# ---- what the page draws: flows, and where each node goes ----

def _out(graph: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    return sorted(o for _, o, k in graph.out_edges(node, keys=True) if k == key)


def _in(graph: nx.MultiDiGraph, node: str, key: str) -> list[str]:
    return sorted(s for s, _, k in graph.in_edges(node, keys=True) if k == key)


def flows(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list[str]]:
    """The transfers from each giver to each receiver, as (giver, receiver) -> money facts."""
    found = defaultdict(list)
    for fact, attrs in graph.nodes(data=True):
        if attrs.get("kind") != "MoneyFact" or attrs.get("moneyKind", "transfer") != "transfer":
            continue
        for giver in _out(graph, fact, "donor"):
            for receiver in _out(graph, fact, "recipient"):
                found[giver, receiver].append(fact)
    return dict(sorted(found.items()))


def flow_total(graph: nx.MultiDiGraph, facts: list[str]) -> tuple[float, str]:
    return sum_flow([(float(_first(graph.nodes[f].get("amount", 0))), bool(graph.nodes[f].get("cumulative")),
                      bool(graph.nodes[f].get("planned"))) for f in facts])


def sum_flow(amounts: list[tuple[float, bool, bool]]) -> tuple[float, str]:
    """The yuan a flow stands for, and its label, from its (amount, cumulative, planned)
    transfers: the stated amounts added up, as the saved queries add them (never a running
    total, 累计, which holds them; never a planned amount); where only running totals are
    stated, the largest, and where only plans, the plans."""
    def chosen(cumulative: bool, planned: bool) -> list[float]:
        return [a for a, c, p in amounts if c == cumulative and p == planned]
    added, running = sum(chosen(False, False)), max(chosen(True, False), default=0)
    if added:
        return added, yuan_text(added)
    if running:
        return running, f"累计{yuan_text(running)}"
    planned = sum(chosen(False, True)) or max(chosen(True, True), default=0)
    return planned, f"计划{yuan_text(planned)}"


class _Regions:
    """The region each node lies in (its first partOf that is a region, else its first
    locatedIn) and that region's ancestors, found in one pass over the edges: the layout
    and every side panel ask, and walking a node's edges at each question costs seconds
    at a thousand reports."""

    def __init__(self, graph: nx.MultiDiGraph):
        self.graph = graph
        found = {"partOf": defaultdict(list), "locatedIn": defaultdict(list)}
        for source, target, key in graph.edges(keys=True):
            if key in found and graph.nodes[target].get("kind") in REGION_KINDS:
                found[key][source].append(target)
        self.parent = {node: min(targets) for node, targets in found["locatedIn"].items()}
        self.parent.update({node: min(targets) for node, targets in found["partOf"].items()})
        self._chains: dict[str, list[str]] = {}

    def ancestors(self, node: str) -> list[str]:
        if node not in self._chains:
            chain, seen = [], {node}
            parent = self.parent.get(node)
            while parent is not None and parent not in seen:
                seen.add(parent)
                chain.append(parent)
                parent = self.parent.get(parent)
            self._chains[node] = chain
        return self._chains[node]

    def province_code(self, node: str) -> str | None:
        for region in [node, *self.ancestors(node)]:
            code = self.graph.nodes[region].get("adminCode")
            if code:
                return str(_first(code))[:2]
        return None

    def block_head(self, region: str) -> str:
        for candidate in [region, *self.ancestors(region)]:
            if self.graph.nodes[candidate].get("kind") in BLOCK_HEADS:
                return candidate
        return region

    def region_of(self, node: str, homes: dict[str, str]) -> str | None:
        if self.graph.nodes[node].get("kind") in REGION_KINDS:
            return node
        return self.parent.get(node) or homes.get(node)


def _sides(graph: nx.MultiDiGraph, regions: _Regions) -> dict[str, str]:
    """Province code -> 'east' (it helps) or 'west' (it is helped), by the pairings."""
    votes = defaultdict(Counter)
    for helper, assisted, key in graph.edges(keys=True):
        if key == "assists":
            for node, side in ((helper, "east"), (assisted, "west")):
                province = regions.province_code(node)
                if province:
                    votes[province][side] += 1
    return {p: max(sorted(v), key=lambda side: v[side]) for p, v in votes.items()}


def _mention_homes(graph: nx.MultiDiGraph) -> dict[str, str]:
    """For an entity not placed by the graph (no partOf/locatedIn), the division named
    closest before its first mention in the same report (else closest after)."""
    named = defaultdict(list)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("kind") in REGION_KINDS:
            for m in attrs.get("mentions", []):
                named[m["article"]].append((m["start"], node))
    for spots in named.values():
        spots.sort()
    homes = {}
    for node, attrs in graph.nodes(data=True):
        mentions = sorted((m["article"], m["start"]) for m in attrs.get("mentions", []))
        if attrs.get("kind") in REGION_KINDS or not mentions:
            continue
        article, start = mentions[0]
        spots = named.get(article)
        if spots:
            i = bisect.bisect_right(spots, (start, "\uffff"))
            homes[node] = spots[i - 1][1] if i else spots[0][1]
    return homes


KIND_ORDER = {k: i for i, k in enumerate(list(TYPE_NAMES))}


class _Block:
    """A division and what it holds: the head on top, the members below in rows wrapped at
    ``width`` like words in a paragraph, each as wide as its label; coordinates relative to the head."""

    def __init__(self, head: str, members: list[str], labels: dict[str, str], width: float):
        self.head, self.members = head, members
        cells = [(m, text_width(labels[m]) + CELL_PAD) for m in members]
        rows, current, used = [], [], 0.0
        for member, cell in cells:
            if current and used + cell > width:
                rows.append((current, used))
                current, used = [], 0.0
            current.append((member, cell))
            used += cell
        if current:
            rows.append((current, used))
        self.width = max([text_width(labels[head]) + CELL_PAD] + [used for _, used in rows])
        self.height = ROW * (1 + len(rows))
        self.offsets = {head: (0.0, 0.0)}
        for r, (row, used) in enumerate(rows):
            x = -used / 2
            for member, cell in row:
                self.offsets[member] = (x + cell / 2, ROW * (1 + r))
                x += cell


def _pack(blocks: list[_Block], columns: int) -> list[list[_Block]]:
    """Blocks in order into at most ``columns`` columns of about equal height."""
    total = sum(b.height + BLOCK_GAP for b in blocks)
    packed, height = [[]], 0.0
    for block in blocks:
        if packed[-1] and height + block.height > total / columns * 1.05 and len(packed) < columns:
            packed.append([])
            height = 0.0
        packed[-1].append(block)
        height += block.height + BLOCK_GAP
    return packed


def _extent(columns: list[list[_Block]]) -> tuple[float, float]:
    if not columns or not columns[0]:
        return 0.0, 0.0
    width = sum(max(b.width for b in c) for c in columns) + COLUMN_GAP * (len(columns) - 1)
    return width, max(sum(b.height + BLOCK_GAP for b in c) - BLOCK_GAP for c in columns)


def layout(graph: nx.MultiDiGraph, shown: set[str], regions: _Regions) -> dict[str, tuple[float, float]]:
    """A position for every node: the nodes of the first view (``shown``) on the board of
    blocks, the others around what they hang on."""
    labels = {n: _short(_label(a)) for n, a in graph.nodes(data=True)}
    homes = _mention_homes(graph)
    sides = _sides(graph, regions)
    members = defaultdict(list)
    heads = {n for n in shown if graph.nodes[n].get("kind") in BLOCK_HEADS}
    for node in sorted(shown - heads):
        region = regions.region_of(node, homes)
        head = regions.block_head(region) if region is not None else None
        if head is not None and head in shown:
            members[head].append(node)
        else:
            heads.add(node)

    def order(node: str):
        attrs = graph.nodes[node]
        return KIND_ORDER.get(attrs.get("kind"), 99), _label(attrs), node

    def block_key(head: str):
        region = regions.region_of(head, homes)
        chain = [region, *regions.ancestors(region)] if region else []
        codes = [str(_first(graph.nodes[r].get("adminCode", ""))) for r in chain]
        return next((c for c in codes if c), "99"), len(chain) and -len(chain), order(head)

    side_of = {}
    for head in heads:
        side_of[head] = sides.get(regions.province_code(regions.region_of(head, homes) or head), "middle")
    ordered = sorted(heads, key=block_key)
    best = None
    for block_width in BLOCK_WIDTHS:
        by_side = defaultdict(list)
        for head in ordered:
            by_side[side_of[head]].append(_Block(head, sorted(members[head], key=order), labels, block_width))
        sides_in_order = [s for s in ("east", "middle", "west") if by_side[s]]
        options = [[(packed, _extent(packed)) for packed in
                    (_pack(by_side[s], k) for k in range(1, min(MAX_COLUMNS, len(by_side[s])) + 1))]
                   for s in sides_in_order]
        for combination in _combinations(options):
            choice = [packed for packed, _ in combination]
            extents = [extent for _, extent in combination]
            width = sum(w for w, _ in extents) + SIDE_GAP * (len(extents) - 1)
            height = max((h for _, h in extents), default=0)
            scale = min(VIEWPORT[0] / max(width, 1), VIEWPORT[1] / max(height, 1))
            if best is None or scale > best[0] + 1e-9:
                best = (scale, choice)
    positions = {}
    x = 0.0
    for columns in best[1] if best else []:
        for column in columns:
            width = max(b.width for b in column)
            y = 0.0
            for block in column:
                for node, (dx, dy) in block.offsets.items():
                    positions[node] = (x + width / 2 + dx, y + dy)
                y += block.height + BLOCK_GAP
            x += width + COLUMN_GAP
        x += SIDE_GAP - COLUMN_GAP
    _place_the_rest(graph, positions, labels, homes, regions)
    return {n: (round(px, 1), round(py, 1)) for n, (px, py) in positions.items()}


def _combinations(choices: list[list]) -> list[list]:
    combos = [[]]
    for options in choices:
        combos = [c + [o] for c in combos for o in options]
    return combos


def _anchor(graph: nx.MultiDiGraph, node: str, homes: dict[str, str], regions: _Regions) -> str | None:
    attrs = graph.nodes[node]
    kind = attrs.get("kind")
    if kind == "QuantityFact":
        targets = _out(graph, node, "quantityOf")
    elif kind == "MoneyFact":
        targets = _out(graph, node, "recipient") + _out(graph, node, "donor")
    else:
        targets = []
    targets += [t for t in [regions.parent.get(node), homes.get(node)] if t]
    return targets[0] if targets else None


def _place_the_rest(graph: nx.MultiDiGraph, positions: dict, labels: dict, homes: dict, regions: _Regions) -> None:
    """Rings around their anchors for the nodes not in the first view; reports in a row below."""
    bottom = max((y for _, y in positions.values()), default=0) + 3 * ROW
    articles = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "Article" and n not in positions)
    x = 0.0
    for article in articles:
        positions[article] = (x, bottom)
        x += text_width(labels[article]) + 30
    rings = defaultdict(list)
    pending = sorted(n for n in graph if n not in positions)
    for node in pending:
        anchor = _anchor(graph, node, homes, regions)
        rings[anchor if anchor in positions or anchor in pending else None].append(node)
    placed_anchors = [a for a in rings if a is not None]
    while placed_anchors:  # anchors placed first, then what hangs on what was just placed
        ready = [a for a in placed_anchors if a in positions]
        if not ready:
            break
        for anchor in ready:
            _ring(positions, positions[anchor], rings.pop(anchor), labels)
        placed_anchors = [a for a in rings if a is not None]
    loose = rings.pop(None, []) + [n for a in rings.values() for n in a]
    y = bottom + 2 * ROW
    x = 0.0
    for node in sorted(loose):
        if node not in positions:
            positions[node] = (x, y)
            x += text_width(labels[node]) + 30


def _ring(positions: dict, centre: tuple[float, float], nodes: list[str], labels: dict) -> None:
    widths = [text_width(labels[n]) + 24 for n in nodes]
    radius = max(90.0, sum(widths) / (2 * math.pi))
    angle = -math.pi / 2
    for node, width in zip(nodes, widths):
        positions[node] = (centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle))
        angle += 2 * math.pi * width / max(sum(widths), 2 * math.pi * radius)


# ---- the page's data ----

def page_data(graph: nx.MultiDiGraph) -> dict:
    """Every node with its position and whether the first view shows it, the edges to draw
    (transfers summed into flows), and the side panel of each node and edge, as plain data."""
    articles = {n: a for n, a in graph.nodes(data=True) if a.get("kind") == "Article"}
    first = {n for n, a in graph.nodes(data=True) if a.get("kind") in FIRST_VIEW}
    regions = _Regions(graph)
    positions = layout(graph, first, regions)
    received = Counter()
    for (giver, receiver), facts in flows(graph).items():
        received[receiver] += flow_total(graph, facts)[0]
    sentences = _sentences(graph)
    # A fact is listed in its own panel, its report's, its parties' and its flow's: made once.
    fact_entry = functools.cache(lambda fact: _fact(graph, fact, articles))
    nodes, details = [], {}
    for node, attrs in graph.nodes(data=True):
        kind = attrs.get("kind", "")
        x, y = positions[node]
        label = _label(attrs)
        size = SIZES.get(kind, 7) + (min(8, 2 * math.log10(1 + received[node] / 1e6)) if received[node] else 0)
        nodes.append({"id": node, "label": _short(label), "kind": kind, "color": COLOURS.get(kind, "#999999"),
                      "shape": SHAPES.get(kind, "dot"), "size": round(size, 1), "x": x, "y": y,
                      "first": node in first, "title": f"{TYPE_NAMES.get(kind, kind)}：{label}"})
        details[node] = _details(graph, node, attrs, articles, sentences, regions, fact_entry)
    edges, edge_details = _edges(graph, articles, fact_entry)
    counts = Counter(n["kind"] for n in nodes)
    legend = [{"type": t, "name": TYPE_NAMES[t], "color": COLOURS[t], "count": counts[t], "first": t in FIRST_VIEW}
              for t in TYPE_NAMES if counts[t]]
    drawn = Counter(e["kind"] for e in edges)
    edge_legend = [{"kind": k, "name": EDGE_NAMES[k], "color": EDGE_STYLE[k]["color"],
                    "dashes": bool(EDGE_STYLE[k].get("dashes"))} for k in EDGE_LEGEND if drawn[k]]
    return {"nodes": nodes, "edges": edges, "details": details, "edgeDetails": edge_details, "legend": legend,
            "edgeLegend": edge_legend}


def _edges(graph: nx.MultiDiGraph, articles: dict, fact_entry) -> tuple[list[dict], dict]:
    edges, details = [], {}

    def add(kind: str, source: str, target: str, about: dict, **extra) -> None:
        edge_id = f"e{len(edges)}"
        edges.append({"id": edge_id, "from": source, "to": target, "kind": kind, "arrows": "to",
                      "title": EDGE_NAMES.get(kind, kind), "width": 1.5, **EDGE_STYLE.get(kind, {}), **extra})
        details[edge_id] = {"title": f"{_label(graph.nodes[source])} → {_label(graph.nodes[target])}",
                            "kind": EDGE_NAMES.get(kind, kind), **about}

    for (giver, receiver), facts in flows(graph).items():
        total, text = flow_total(graph, facts)
        add("flow", giver, receiver, {"facts": [fact_entry(f) for f in facts]},
            label=text, width=round(1.5 + 1.5 * math.log10(1 + total / 1e6), 1), font={"size": 11, "color": "#8a5a00"})
    for source, target, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        if key == "assists":
            add(key, source, target, {"facts": [{"sentence": s["sentence"], **_source(articles, s["article"])}
                                                for s in attrs.get("sources", [])]})
        elif key == "donor":  # the way money goes: giver -> fact
            add(key, target, source, {"facts": [fact_entry(source)]})
        elif key in ("recipient", "quantityOf"):
            add(key, source, target, {"facts": [fact_entry(source)]})
        elif key in EDGE_STYLE:
            add(key, source, target, {"facts": []})
    return edges, details


def _source(articles: dict, article: str | None) -> dict:
    attrs = articles.get(article, {})
    return {"title": str(_first(attrs.get("headline", ""))), "date": str(attrs.get("datePublished", "")),
            "outlet": str(_first(attrs.get("outlet", ""))), "report": article or ""}


def _fact(graph: nx.MultiDiGraph, fact: str, articles: dict) -> dict:
    attrs = graph.nodes[fact]
    report = next(iter(_out(graph, fact, "wasDerivedFrom")), None)
    label = _label(attrs)
    if attrs.get("purpose"):
        label += f"（{_first(attrs['purpose'])}）"
    if attrs.get("period"):
        label += f" {_first(attrs['period'])}"
    notes = [word for flag, word in (("cumulative", "累计"), ("planned", "计划")) if attrs.get(flag)]
    if attrs.get("year"):
        notes.append(f"{_first(attrs['year'])}年")
    kind = MONEY_KIND_NAMES.get(attrs.get("moneyKind"), "") if attrs.get("kind") == "MoneyFact" else ""
    return {"kind": kind or TYPE_NAMES.get(attrs.get("kind"), ""), "label": label, "notes": "、".join(notes),
            "sentence": str(_first(attrs.get("sourceText", ""))), "id": fact, **_source(articles, report)}


def _sentences(graph: nx.MultiDiGraph) -> dict[str, list[tuple[int, int, str]]]:
    """The sentences the graph holds, per report: those facts were read from, with their offsets."""
    found = defaultdict(set)
    for fact, attrs in graph.nodes(data=True):
        if "sourceText" in attrs and "sentenceStart" in attrs:
            for report in _out(graph, fact, "wasDerivedFrom"):
                found[report].add((int(_first(attrs["sentenceStart"])), int(_first(attrs["sentenceEnd"])),
                                   str(_first(attrs["sourceText"]))))
    for _, _, attrs in graph.edges(data=True):  # pairing statements carry their sentence only
        for source in attrs.get("sources", []):
            found[source["article"]].add((-1, -1, source["sentence"]))
    return {report: sorted(s) for report, s in found.items()}


def _mention_sentences(attrs: dict, articles: dict, sentences: dict) -> list[dict]:
    """Each report that names the entity, with every sentence of it that does (as far as the
    graph holds them) and the words it used."""
    by_report = defaultdict(lambda: {"sentences": [], "words": []})
    for m in sorted(attrs.get("mentions", []), key=lambda m: (m["article"], m["start"])):
        entry = by_report[m["article"]]
        if m["text"] not in entry["words"]:
            entry["words"].append(m["text"])
        held = sentences.get(m["article"], [])
        found = next((text for start, end, text in held if start <= m["start"] < end), None)
        if found is None:
            found = next((text for start, _, text in held if start < 0 and m["text"] in text), None)
        if found is not None and found not in entry["sentences"]:
            entry["sentences"].append(found)
    return [{**_source(articles, report), **entry} for report, entry in sorted(by_report.items())]


def _details(graph: nx.MultiDiGraph, node: str, attrs: dict, articles: dict, sentences: dict,
             regions: _Regions, fact_entry) -> dict:
    kind = attrs.get("kind")
    neighbours = sorted({s for s, _ in graph.in_edges(node)} | {o for _, o in graph.out_edges(node)})
    facts = [fact_entry(n) for n in neighbours if graph.nodes[n].get("kind") in FACT_KINDS]
    if kind in FACT_KINDS:
        facts.insert(0, fact_entry(node))
    reports = []
    if kind == "Article":
        reports = [{"title": _label(attrs), "date": str(attrs.get("datePublished", "")),
                    "outlet": str(_first(attrs.get("outlet", ""))), "file": str(_first(attrs.get("sourceFile", ""))),
                    "authors": [str(a) for a in attrs.get("author", [])]}]
    return {"type": TYPE_NAMES.get(kind, kind), "name": _label(attrs), "kind": kind,
            "aliases": [str(a) for a in attrs.get("aliases", [])], "code": str(_first(attrs.get("adminCode", ""))),
            "role": "、".join(str(r) for r in attrs.get("role", [])),
            "chain": [_label(graph.nodes[p]) for p in regions.ancestors(node)], "facts": facts,
            "mentions": _mention_sentences(attrs, articles, sentences), "report": reports,
            "folded": {TYPE_NAMES[k]: n for k, n in attrs.get("folded", {}).items()}}


# ---- the page ----

def json_for_script(data) -> str:
    """JSON to put inside a <script> element: nothing in it can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_asset(name: str) -> str:
    return files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def vis_options(node_count: int) -> dict:
    big = node_count > 1000
    return {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {"font": {"size": FONT, "face": "Noto Sans CJK SC, sans-serif", "color": "#222222",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}, "borderWidth": 1},
        "edges": {"smooth": False, "font": {"size": 10, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "arrows": {"to": {"scaleFactor": 0.5}}},
        "interaction": {"hover": not big, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "tooltipDelay": 150,
                        "navigationButtons": False, "keyboard": False},
    }


def render_page(graph: nx.MultiDiGraph, title: str = "东西部协作知识图谱", links: list | None = None) -> str:
    """The viewer page; ``links`` are the navigation bar's (label, href) pairs, none by default."""
    from .pages import environment

    data = page_data(graph)
    payload = {**data, "options": vis_options(len(data["nodes"]))}
    return environment().get_template("graph.html.j2").render(
        title=title, vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"),
        payload=json_for_script(payload), node_count=len(data["nodes"]), edge_count=len(data["edges"]),
        links=links or [], current="graph")


def write_page(graph: nx.MultiDiGraph, path: Path, title: str = "东西部协作知识图谱", links: list | None = None) -> None:
    from .formats import write_atomic

    write_atomic(path, render_page(graph, title, links).encode("utf-8"))
