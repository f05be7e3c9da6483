"""Tables of the graph that people read, filter and download: every entity, every money fact.

Each is read from a store by SPARQL (so it is the same on every store), one query per
property with a UNION, and put together here: a table is a list of columns and rows of
text, written as CSV (`kg table`, the tables pages' downloads) or carried into a page as
JSON.  The CSV's header names the columns in English; the pages show them in Chinese.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from rdflib import Literal

from .model import ENTITY_TYPES, REGION_TYPES, KgError
from .netx import local_name
from .query import run_rows, yuan_text
from .stores import Store
from .view import MONEY_KIND_NAMES
from .view import TYPE_NAMES as VIEW_TYPE_NAMES

TYPE_NAMES = {t: name for t, name in VIEW_TYPE_NAMES.items() if t in ENTITY_TYPES}
APPROXIMATE_NAMES = {"atLeast": "余/多", "atMost": "近", "about": "约"}


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header
    title: str  # what a page calls it


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: list[dict[str, str]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in self.columns])
        writer.writerows([[row.get(c.key, "") for c in self.columns] for row in self.rows])
        return out.getvalue()

    def text(self) -> str:
        """One line per row, columns separated by two spaces: for reading in a terminal."""
        shown = [c for c in self.columns if c.key not in ("iri", "report_iri", "sentence")]
        lines = ["  ".join(c.key for c in shown)]
        lines += ["  ".join(row.get(c.key, "") or "-" for c in shown) for row in self.rows]
        return "\n".join(lines) + f"\n({len(self.rows)} rows)\n"


ENTITY_COLUMNS = [
    Column("iri", "IRI"), Column("type", "类型代码"), Column("type_name", "类型"), Column("name", "名称"),
    Column("aliases", "简称"), Column("admin_code", "区划代码"), Column("region", "所在地区"),
    Column("role", "职务"), Column("reports", "报道数"), Column("mentions", "提及次数"),
]
MONEY_COLUMNS = [
    Column("iri", "IRI"), Column("kind", "种类代码"), Column("kind_name", "种类"), Column("yuan", "金额（元）"),
    Column("amount", "金额"), Column("approximate", "约数"), Column("planned", "计划"),
    Column("cumulative", "累计"), Column("year", "年份"), Column("donor", "出资方"), Column("recipient", "受援方"),
    Column("purpose", "用途"), Column("period", "时期"), Column("sentence", "来源句"),
    Column("report_title", "报道"), Column("report_date", "日期"), Column("report_iri", "报道 IRI"),
]


def cell_text(term) -> str:
    """A term as text; numbers written one way whatever the store computed them with."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            number = Decimal(str(value))
            return str(number.quantize(Decimal(1))) if number == number.to_integral() else format(number.normalize(), "f")
    return str(term)


def _properties(store: Store, subjects: str, properties: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """subject -> property name -> its values, for the subjects the pattern ``subjects`` binds to ?s."""
    arms = " UNION ".join(f'{{ ?s {predicate} ?v . BIND("{name}" AS ?p) }}' for name, predicate in properties.items())
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, v in run_rows(store, f"SELECT ?s ?p ?v WHERE {{ {subjects} {arms} }}"):
        values = found[str(s)][str(p)]
        text = cell_text(v)
        if text not in values:
            values.append(text)
    for values in found.values():
        for name in values:
            values[name].sort()
    return found


def entities(store: Store) -> Table:
    """Every entity: its type, names, code, the regions it lies in (nearest first), role, and
    in how many reports it is named and how often."""
    types = ", ".join(f"fk:{t}" for t in ENTITY_TYPES)
    found = _properties(store, f"?s a ?t . FILTER(?t IN ({types}))", {
        "type": "a", "name": "rdfs:label", "aliases": "skos:altLabel", "admin_code": "fk:adminCode",
        "role": "fk:role", "parent": "fk:partOf|fk:locatedIn", "reports": "fk:mentionedIn"})
    mentions = {str(e): cell_text(n) for e, n in run_rows(
        store, "SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m fk:mentionOf ?e } GROUP BY ?e")}
    names = {s: p["name"][0] for s, p in found.items() if p.get("name")}

    def chain(node: str) -> list[str]:
        out, seen = [], {node}
        parents = found.get(node, {}).get("parent", [])
        while parents and parents[0] not in seen:
            seen.add(parents[0])
            out.append(parents[0])
            parents = found.get(parents[0], {}).get("parent", [])
        return out

    rows = []
    for iri, props in found.items():
        kind = next((local_name(t) for t in props.get("type", []) if local_name(t) in TYPE_NAMES), None)
        if kind is None or iri not in names:
            continue
        ancestors = chain(iri)
        rows.append({"iri": iri, "type": kind, "type_name": TYPE_NAMES[kind], "name": names[iri],
                     "aliases": "、".join(props.get("aliases", [])), "admin_code": "、".join(props.get("admin_code", [])),
                     "region": " › ".join(names.get(a, "") for a in ancestors), "role": "、".join(props.get("role", [])),
                     "reports": str(len(props.get("reports", []))), "mentions": mentions.get(iri, "0"),
                     "_regions": ancestors})
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    rows.sort(key=lambda r: (order[r["type"]], r["admin_code"], r["name"], r["iri"]))
    return Table("entities", ENTITY_COLUMNS, rows)


def entity_counts(store: Store) -> dict[str, int]:
    """How many entities of each type the entities table lists, without making the table."""
    types = ", ".join(f"fk:{t}" for t in TYPE_NAMES)
    found = run_rows(store, "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t ; rdfs:label ?name . "
                             f"FILTER(?t IN ({types})) }} GROUP BY ?t")
    return {local_name(str(t)): int(cell_text(n)) for t, n in found}


def money(store: Store) -> Table:
    """Every money fact: its kind, amount, whether planned or a running total, year, parties,
    purpose, and the sentence and report it was read from."""
    facts = _properties(store, "?s a fk:MoneyFact .", {
        "kind": "fk:moneyKind", "yuan": "fk:amount", "approximate": "fk:approximate", "planned": "fk:planned",
        "cumulative": "fk:cumulative", "year": "fk:year", "donor": "fk:donor", "recipient": "fk:recipient",
        "purpose": "fk:purpose", "period": "fk:period", "sentence": "fk:sourceText", "report": "prov:wasDerivedFrom",
        "start": "fk:spanStart"})
    names = {str(s): cell_text(label) for s, label in run_rows(
        store, "SELECT ?s ?label WHERE { ?m a fk:MoneyFact . { ?m fk:donor ?s } UNION { ?m fk:recipient ?s } "
               "?s rdfs:label ?label }")}
    reports = _properties(store, "?s a fk:Article .", {"title": "schema:headline", "date": "schema:datePublished"})
    rows = []
    for iri, props in facts.items():
        kind = local_name(props["kind"][0]) if props.get("kind") else "other"
        yuan = props.get("yuan", [""])[0]
        report = props.get("report", [""])[0]
        about = reports.get(report, {})
        rows.append({
            "iri": iri, "kind": kind, "kind_name": MONEY_KIND_NAMES.get(kind, kind), "yuan": yuan,
            "amount": yuan_text(float(yuan)) if yuan else "",
            "approximate": "、".join(APPROXIMATE_NAMES.get(a, a) for a in props.get("approximate", [])),
            "planned": "是" if props.get("planned") == ["true"] else "", "cumulative":
            "是" if props.get("cumulative") == ["true"] else "", "year": "、".join(props.get("year", [])),
            "donor": "、".join(sorted(names.get(d, d) for d in props.get("donor", []))),
            "recipient": "、".join(sorted(names.get(r, r) for r in props.get("recipient", []))),
            "purpose": "、".join(props.get("purpose", [])), "period": "、".join(props.get("period", [])),
            "sentence": props.get("sentence", [""])[0], "report_title": about.get("title", [""])[0],
            "report_date": about.get("date", [""])[0], "report_iri": report,
            "_order": (about.get("date", [""])[0], report, int(props.get("start", ["0"])[0] or 0), iri)})
    rows.sort(key=lambda r: r["_order"])
    for row in rows:
        del row["_order"]
    return Table("money", MONEY_COLUMNS, rows)


TABLES = {"entities": entities, "money": money}


def table(store: Store, name: str) -> Table:
    if name not in TABLES:
        raise KgError(f"table {name}", f"no such table; use {' or '.join(TABLES)}")
    return TABLES[name](store)


def filter_entities(rows: list[dict], kind: str | None = None, region: str | None = None) -> list[dict]:
    """The entities of a type (a type name such as County) inside a region (its name or IRI;
    the region itself counts), as the entities page filters them."""
    if kind and kind not in TYPE_NAMES:
        raise KgError(f"type {kind}", f"no such type; use {', '.join(TYPE_NAMES)}")
    chosen = rows
    if kind:
        chosen = [r for r in chosen if r["type"] == kind]
    if region:
        regions = {r["iri"] for r in rows if r["type"] in REGION_TYPES and region in (r["iri"], r["name"])}
        if not regions:
            raise KgError(f"region {region}", "no region of that name in the graph")
        chosen = [r for r in chosen if r["iri"] in regions or regions & set(r["_regions"])]
    return chosen


def filter_money(rows: list[dict], kind: str | None = None, year: str | None = None) -> list[dict]:
    """The money facts of a kind (transfer, investment …) and a year, as the money page filters them."""
    if kind and kind not in MONEY_KIND_NAMES:
        raise KgError(f"kind {kind}", f"no such kind of money; use {', '.join(MONEY_KIND_NAMES)}")
    return [r for r in rows if (not kind or r["kind"] == kind) and (not year or r["year"] == year)]
