"""Score builds against gold annotations, by the rules of the project's GOLD.md.

A gold file ``NAME.gold.json`` sits beside ``NAME.txt`` and lists the
entities (name, type, aliases, code), pairings and money a careful reader
finds.  Each article is built in-process and its graph compared:

* entities match on any surface form (whitespace, quotes and 《》 ignored,
  full-width folded), within the coarse group of their type; divisions also
  match by code or when a label ends with the gold form; projects and
  organisations also match when one name contains the other (4+ characters).
  Only entities the article mentions count, not parents added from the
  gazetteer.  "typed" requires the exact type as well.
* pairings match on both ends; money on the amount within 0.5 %, then on
  donor and recipient where the gold names them ("attribution").

Totals are micro-averaged over articles; the last line has the same shape as
the evaluation script the project is judged with, so the two can be compared.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .formats import union
from .model import ORG_TYPES, REGION_TYPES, KgError
from .pipeline import extract_file
from .rdf import FK, SCHEMA, to_dataset

LABEL_PROPERTIES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, SCHEMA.name, SCHEMA.alternateName)
GROUPS = {**{t: "Region" for t in REGION_TYPES}, **{t: "Organization" for t in ORG_TYPES}}


def group(entity_type: str) -> str:
    return GROUPS.get(entity_type, entity_type)


def normalise(name: str) -> str:
    return re.sub(r"[\s“”\"'‘’《》「」]", "", unicodedata.normalize("NFKC", name))


@dataclass
class Tally:
    matched: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: "Tally") -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (0.0 if self.gold else 1.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name} F1={self.f1:.3f} (P={self.precision:.3f} R={self.recall:.3f}; "
                f"{self.matched}/{self.predicted} pred, {self.gold} gold)")


@dataclass
class Node:
    iri: URIRef
    types: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    code: str | None = None


@dataclass
class ArticleScore:
    name: str
    entities: Tally
    typed: Tally
    pairings: Tally
    money: Tally
    attributed: int = 0
    attributable: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _local(term) -> str:
    return re.split(r"[#/]", str(term))[-1]


def graph_nodes(g: Graph) -> dict[URIRef, Node]:
    """Typed entities the article mentions, with their normalised labels and code."""
    nodes: dict[URIRef, Node] = {}
    for s, t in g.subject_objects(RDF.type):
        if _local(t) in GROUPS or _local(t) in ("Project", "Person", "Product", "Document", "Event"):
            nodes.setdefault(s, Node(s)).types.add(_local(t))
    mentioned = set(g.subjects(FK.mentionedIn, None))
    if mentioned:
        nodes = {k: v for k, v in nodes.items() if k in mentioned}
    for node in nodes.values():
        node.labels = {normalise(str(o)) for p in LABEL_PROPERTIES for o in g.objects(node.iri, p)}
        code = g.value(node.iri, FK.adminCode)
        node.code = str(code) if code is not None else None
    return nodes


def matches(node: Node, gold: dict) -> bool:
    gold_group = group(gold["type"])
    if node.types and gold_group not in {group(t) for t in node.types}:
        return False
    forms = {normalise(gold["name"])} | {normalise(a) for a in gold.get("aliases", [])}
    if node.labels & forms:
        return True
    if gold.get("code") and node.code and node.code[:6] == str(gold["code"])[:6]:
        return True
    for label in node.labels:
        for form in forms:
            if gold_group == "Region" and len(form) >= 2 and label.endswith(form):
                return True
            if gold_group in ("Project", "Organization") and min(len(label), len(form)) >= 4 \
                    and (label in form or form in label):
                return True
    return False


def _align(nodes: dict[URIRef, Node], golds: list[dict], typed: bool) -> dict[int, URIRef]:
    """Each gold entity takes the first unused node that matches it."""
    used: set[URIRef] = set()
    pairs: dict[int, URIRef] = {}
    for i, gold in enumerate(golds):
        for iri, node in nodes.items():
            if iri in used or (typed and gold["type"] not in node.types):
                continue
            if matches(node, gold):
                used.add(iri)
                pairs[i] = iri
                break
    return pairs


def _is(g: Graph, nodes: dict[URIRef, Node], iri, gold: dict | None) -> bool:
    if gold is None:
        return False
    node = nodes.get(iri) or Node(iri, labels={normalise(str(o)) for p in LABEL_PROPERTIES
                                               for o in g.objects(iri, p)})
    return matches(node, gold)


def score_graph(g: Graph, gold: dict, name: str = "") -> ArticleScore:
    nodes = graph_nodes(g)
    golds = gold["entities"]
    by_name = {e["name"]: e for e in golds}
    coarse = _align(nodes, golds, typed=False)
    strict = _align(nodes, golds, typed=True)
    result = ArticleScore(name, Tally(len(coarse), len(nodes), len(golds)),
                          Tally(len(strict), len(nodes), len(golds)), Tally(), Tally())
    result.missed = [f"{e['name']}/{e['type']}" for i, e in enumerate(golds) if i not in coarse]
    aligned = set(coarse.values())
    result.extra = sorted("|".join(sorted(n.labels)) + "/" + ",".join(sorted(n.types))
                          for iri, n in nodes.items() if iri not in aligned)

    predicted_pairs = set(g.subject_objects(FK.assists))
    gold_pairs = gold.get("pairings", [])
    found = sum(any(_is(g, nodes, h, by_name.get(p["helper"])) and _is(g, nodes, a, by_name.get(p["assisted"]))
                    for h, a in predicted_pairs) for p in gold_pairs)
    result.pairings = Tally(found, len(predicted_pairs), len(gold_pairs))

    amounts = {s: float(o.toPython()) for s, o in g.subject_objects(FK.amount) if isinstance(o, Literal)}
    used: set = set()
    hits = 0
    for money in gold.get("money", []):
        want = float(money["amount_yuan"])
        candidates = [s for s, v in amounts.items() if s not in used and abs(v - want) <= 0.005 * want]

        def agreement(s, money=money) -> int:
            return sum(any(_is(g, nodes, o, by_name.get(money[role])) for o in g.objects(s, FK[role]))
                       for role in ("donor", "recipient") if money.get(role))
        if not candidates:
            result.notes.append(f"money missed: {want:,.0f}")
            continue
        hit = max(candidates, key=agreement)
        used.add(hit)
        hits += 1
        for role in ("donor", "recipient"):
            if money.get(role):
                result.attributable += 1
                if any(_is(g, nodes, o, by_name.get(money[role])) for o in g.objects(hit, FK[role])):
                    result.attributed += 1
                else:
                    result.notes.append(f"money {want:,.0f}: {role} should be {money[role]}")
    result.money = Tally(hits, len(amounts), len(gold.get("money", [])))
    return result


@dataclass
class Evaluation:
    articles: list[ArticleScore]

    def total(self, kind: str) -> Tally:
        tally = Tally()
        for a in self.articles:
            tally.add(getattr(a, kind))
        return tally

    def summary(self) -> str:
        done = sum(a.attributed for a in self.articles)
        due = sum(a.attributable for a in self.articles)
        attribution = f"attribution {done}/{due}" + (f"={done / due:.3f}" if due else "")
        return " | ".join([self.total("entities").line("entities"), self.total("typed").line("typed"),
                           self.total("pairings").line("pairings"), self.total("money").line("money"),
                           attribution])


def gold_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.gold.json")) if path.is_dir() else [path]
    if not found:
        raise KgError(paths[0] if paths else "gold", "no *.gold.json files found")
    return found


def _article_beside(gold_path: Path, gold: dict) -> Path:
    if gold.get("file"):
        return gold_path.with_name(gold["file"])
    stem = gold_path.name[: -len(".gold.json")]
    for suffix in (".txt", ".html", ".htm", ".md"):
        if gold_path.with_name(stem + suffix).exists():
            return gold_path.with_name(stem + suffix)
    raise KgError(gold_path, f"no report {stem}.txt/.html/.md beside it")


def evaluate(paths: list[Path]) -> Evaluation:
    scores = []
    for gold_path in gold_files(paths):
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise KgError(gold_path, f"cannot read gold annotations ({err})") from None
        article = _article_beside(gold_path, gold)
        g = union(to_dataset([extract_file(article)]))
        scores.append(score_graph(g, gold, article.name))
    return Evaluation(scores)
