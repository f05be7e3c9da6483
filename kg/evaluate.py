"""Score builds against gold annotations, by the rules of the project's GOLD.md.

A gold file ``NAME.gold.json`` names its report (``"file"``, else the
``NAME.txt``/``.html``/``.md`` beside it) and lists the entities (name, type,
aliases, code), pairings and money a careful reader finds.  Each report is
built in-process, its graph written as Turtle and read back (so the graph is
seen exactly as the shared scorer sees ``graph.ttl``), and compared:

* entities match on any surface form (whitespace, quotes and 《》 ignored,
  full-width folded), within the coarse group of their type; divisions also
  match by code or when a label ends with the gold form; projects and
  organisations also match when one name contains the other (4+ characters).
  Only entities the report mentions count, not parents added from the
  gazetteer.  "typed" requires the exact type as well.
* pairings match on both ends; money on the amount within 0.5 %, then on
  donor and recipient where the gold names them ("attribution"); where the
  gold gives a money item a ``"kind"``, the fact's ``fk:moneyKind`` is scored
  against it too.

Besides the totals, precision and recall per entity type (precision by the
type the graph gives, recall by the gold type) and per rule (which rule made
the entity or pairing).  Totals are micro-averaged over reports; the summary
line has the shape of the shared scorer's last line, and the same numbers.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .formats import serialize
from .model import ENTITY_TYPES, KgError, group_of_type
from .pipeline import extract_file
from .rdf import FK, SCHEMA, to_dataset

LABEL_PROPERTIES = (RDFS.label, SKOS.altLabel, SKOS.prefLabel, SCHEMA.name, SCHEMA.alternateName)
REPORT_SUFFIXES = (".txt", ".html", ".htm", ".md")


def normalise(name: str) -> str:
    return re.sub(r"[\s“”\"'‘’《》「」]", "", unicodedata.normalize("NFKC", name))


@dataclass
class Tally:
    matched: int = 0
    predicted: int = 0
    gold: int = 0
    #: gold items found; differs from ``matched`` only where several predictions may find one gold
    found: int | None = None

    def add(self, other: "Tally") -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.gold += other.gold
        if other.found is not None:
            self.found = (self.found or 0) + other.found

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (0.0 if self.gold else 1.0)

    @property
    def recall(self) -> float:
        found = self.matched if self.found is None else self.found
        return found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name} F1={self.f1:.3f} (P={self.precision:.3f} R={self.recall:.3f}; "
                f"{self.matched}/{self.predicted} pred, {self.gold} gold)")

    def as_dict(self) -> dict:
        return {"matched": self.matched, "predicted": self.predicted, "gold": self.gold,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class Node:
    iri: URIRef
    types: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)
    code: str | None = None
    rule: str = ""


@dataclass
class ArticleScore:
    name: str
    entities: Tally
    typed: Tally
    pairings: Tally
    money: Tally
    attributed: int = 0
    attributable: int = 0
    kinds_right: int = 0
    kinds_due: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missed_pairings: list[str] = field(default_factory=list)
    extra_pairings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_type: dict[str, Tally] = field(default_factory=dict)
    by_rule: dict[str, Tally] = field(default_factory=dict)


def _local(term) -> str:
    return re.split(r"[#/]", str(term))[-1]


def graph_nodes(g: Graph) -> dict[URIRef, Node]:
    """Typed entities the report mentions, with their normalised labels, code and rule."""
    nodes: dict[URIRef, Node] = {}
    for s, t in g.subject_objects(RDF.type):
        if _local(t) in ENTITY_TYPES:
            nodes.setdefault(s, Node(s)).types.add(_local(t))
    mentioned = set(g.subjects(FK.mentionedIn, None))
    if mentioned:
        nodes = {k: v for k, v in nodes.items() if k in mentioned}
    for node in nodes.values():
        node.labels = {normalise(str(o)) for p in LABEL_PROPERTIES for o in g.objects(node.iri, p)}
        code = g.value(node.iri, FK.adminCode)
        node.code = str(code) if code is not None else None
        node.rule = min((str(r) for r in g.objects(node.iri, FK.rule)), default="")
    return nodes


def matches(node: Node, gold: dict) -> bool:
    gold_group = group_of_type(gold["type"])
    if node.types and gold_group not in {group_of_type(t) for t in node.types}:
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


def _labels(g: Graph, iri) -> set[str]:
    return {normalise(str(o)) for p in LABEL_PROPERTIES for o in g.objects(iri, p)}


def _is(g: Graph, nodes: dict[URIRef, Node], iri, gold: dict | None) -> bool:
    if gold is None:
        return False
    return matches(nodes.get(iri) or Node(iri, labels=_labels(g, iri)), gold)


def _label(g: Graph, iri) -> str:
    label = g.value(iri, RDFS.label)
    return str(label) if label is not None else _local(iri)


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
    _entity_breakdown(result, nodes, golds, coarse)
    _score_pairings(result, g, nodes, gold, by_name)
    _score_money(result, g, nodes, gold, by_name)
    return result


def _entity_breakdown(result: ArticleScore, nodes: dict[URIRef, Node], golds: list[dict],
                      coarse: dict[int, URIRef]) -> None:
    """Precision by the predicted type and rule; recall by the gold type (and, per rule, the
    gold entities that rule's nodes found)."""
    aligned = set(coarse.values())
    by_type: dict[str, Tally] = defaultdict(Tally)
    by_rule: dict[str, Tally] = defaultdict(lambda: Tally(found=0))
    for iri, node in nodes.items():
        for t in node.types:
            by_type[t].predicted += 1
            by_type[t].matched += iri in aligned
        rule = by_rule[f"entity:{node.rule}"]
        rule.predicted += 1
        rule.matched += iri in aligned
        rule.found += iri in aligned
    for i, gold in enumerate(golds):
        tally = by_type[gold["type"]]
        tally.gold += 1
        tally.found = (tally.found or 0) + (i in coarse)
    for tally in by_type.values():
        tally.found = tally.found or 0
    gold_count = len(golds)
    for tally in by_rule.values():
        tally.gold = gold_count
    result.by_type = dict(by_type)
    result.by_rule = dict(by_rule)


def _score_pairings(result: ArticleScore, g: Graph, nodes: dict[URIRef, Node], gold: dict,
                    by_name: dict[str, dict]) -> None:
    predicted = set(g.subject_objects(FK.assists))
    gold_pairs = gold.get("pairings", [])

    def hits(pair, gp) -> bool:
        return _is(g, nodes, pair[0], by_name.get(gp["helper"])) and \
            _is(g, nodes, pair[1], by_name.get(gp["assisted"]))
    found = 0
    used: set = set()
    for gp in gold_pairs:
        matching = [p for p in predicted if hits(p, gp)]
        if matching:
            found += 1
            used.update(matching)
        else:
            result.missed_pairings.append(f"{gp['helper']} -> {gp['assisted']}")
    result.extra_pairings = sorted(f"{_label(g, h)} -> {_label(g, a)}" for h, a in predicted - used)
    result.pairings = Tally(found, len(predicted), len(gold_pairs))
    rules = {(h, a): str(g.value(fact, FK.rule)) for fact in g.subjects(RDF.type, FK.PairingFact)
             for h in g.objects(fact, FK.helper) for a in g.objects(fact, FK.assistedRegion)}
    for pair in predicted:
        tally = result.by_rule.setdefault(f"pairing:{rules.get(pair, '')}", Tally(found=0))
        tally.predicted += 1
        tally.matched += pair in used
        tally.found += pair in used
        tally.gold = len(gold_pairs)


def _score_money(result: ArticleScore, g: Graph, nodes: dict[URIRef, Node], gold: dict,
                 by_name: dict[str, dict]) -> None:
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
        if money.get("kind"):
            result.kinds_due += 1
            kind = g.value(hit, FK.moneyKind)
            if kind is not None and _local(kind) == money["kind"]:
                result.kinds_right += 1
            else:
                result.notes.append(f"money {want:,.0f}: kind should be {money['kind']}, "
                                    f"is {_local(kind) if kind is not None else 'none'}")
    for s in sorted(set(amounts) - used):
        result.notes.append(f"money extra: {amounts[s]:,.0f}")
    result.money = Tally(hits, len(amounts), len(gold.get("money", [])))


@dataclass
class Evaluation:
    articles: list[ArticleScore]

    def total(self, kind: str) -> Tally:
        tally = Tally()
        for a in self.articles:
            tally.add(getattr(a, kind))
        return tally

    def breakdown(self, kind: str) -> dict[str, Tally]:
        """Per-type or per-rule tallies summed over the reports (kind: by_type or by_rule)."""
        totals: dict[str, Tally] = {}
        for a in self.articles:
            for key, tally in getattr(a, kind).items():
                totals.setdefault(key, Tally(found=0)).add(tally)
        if kind == "by_rule":  # each rule's recall is over every gold item of its kind
            entity_gold = self.total("entities").gold
            pairing_gold = self.total("pairings").gold
            for key, tally in totals.items():
                tally.gold = entity_gold if key.startswith("entity:") else pairing_gold
        return dict(sorted(totals.items()))

    def summary(self) -> str:
        done = sum(a.attributed for a in self.articles)
        due = sum(a.attributable for a in self.articles)
        attribution = f"attribution {done}/{due}" + (f"={done / due:.3f}" if due else "")
        line = " | ".join([self.total("entities").line("entities"), self.total("typed").line("typed"),
                           self.total("pairings").line("pairings"), self.total("money").line("money"),
                           attribution])
        kinds_due = sum(a.kinds_due for a in self.articles)
        if kinds_due:
            right = sum(a.kinds_right for a in self.articles)
            line += f" | money kind {right}/{kinds_due}={right / kinds_due:.3f}"
        return line

    def as_dict(self) -> dict:
        def tallies(d: dict[str, Tally]) -> dict:
            return {k: v.as_dict() for k, v in d.items()}
        return {
            "summary": self.summary(),
            "totals": {k: self.total(k).as_dict() for k in ("entities", "typed", "pairings", "money")},
            "attribution": {"right": sum(a.attributed for a in self.articles),
                            "due": sum(a.attributable for a in self.articles)},
            "by_type": tallies(self.breakdown("by_type")),
            "by_rule": tallies(self.breakdown("by_rule")),
            "articles": [{**{k: v for k, v in asdict(a).items() if k not in ("by_type", "by_rule")},
                          **{k: getattr(a, k).as_dict() for k in ("entities", "typed", "pairings", "money")}}
                         for a in self.articles],
        }


def gold_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("*.gold.json"))
        elif path.is_file():
            found.append(path)
        else:
            raise KgError(path, "no such file or folder")
    if not found:
        raise KgError(paths[0] if paths else "gold", "no *.gold.json files found")
    return found


def report_of(gold_path: Path, gold: dict) -> Path:
    """The report a gold file annotates: the one its "file" names, else the one beside it."""
    if gold.get("file"):
        report = gold_path.with_name(gold["file"])
        if not report.is_file():
            raise KgError(gold_path, f"names {gold['file']}, which is not beside it")
        return report
    stem = gold_path.name[: -len(".gold.json")]
    for suffix in REPORT_SUFFIXES:
        if gold_path.with_name(stem + suffix).exists():
            return gold_path.with_name(stem + suffix)
    raise KgError(gold_path, f"no report {stem}.txt/.html/.md beside it")


def _as_written(ds: Dataset) -> Dataset:
    """The graph as a reader of graph.ttl sees it: the shared scorer aligns greedily in the
    order the parsed file gives, so we read the same Turtle back."""
    read = Dataset(default_union=True)
    read.parse(data=serialize(ds, "ttl").decode("utf-8"), format="turtle")
    return read


def evaluate(paths: list[Path]) -> Evaluation:
    scores = []
    for gold_path in gold_files(paths):
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise KgError(gold_path, f"cannot read gold annotations ({err})") from None
        if not isinstance(gold, dict) or not isinstance(gold.get("entities"), list):
            raise KgError(gold_path, "not a gold annotation (no \"entities\" list)")
        report = report_of(gold_path, gold)
        g = _as_written(to_dataset([extract_file(report)]))
        scores.append(score_graph(g, gold, report.name))
    return Evaluation(scores)
