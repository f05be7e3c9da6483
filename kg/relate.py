"""Facts between entities: pairings, money with its parties, quantities.

East–West cooperation has a direction the text rarely spells out: the
eastern side helps, the western side is helped.  Pairings are read from what
the article states (two divisions joined by 与/对口帮扶/携手 … in a sentence
about cooperation, or two provinces' one-character names before 协作) and
turned east -> west by the provinces' place in the programme.  Money then
takes its donor and recipient from the sides of the pairing named in its
sentence, carrying them over from the sentence before when the subject is
left out, as Chinese prose does.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .text import sentences
from .gazetteer import Gazetteer
from .model import REGION_TYPES, Amount, Article, Entity, Money, Pairing, Quantity, Sentence

# Province-level codes (first two digits) by their side in East–West cooperation.
HELPER_PROVINCES = {"11", "12", "31", "32", "33", "35", "37", "44", "21"}
ASSISTED_PROVINCES = {"13", "15", "22", "42", "43", "45", "50", "51", "52", "53", "54", "61", "62",
                      "63", "64", "65"}
# One-character names of provinces, as in 闽宁协作, 苏陕协作, 浙川协作.
PROVINCE_ABBREVIATION = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000",
    "闽": "350000", "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000",
    "粤": "440000", "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "黔": "520000",
    "滇": "530000", "藏": "540000", "陕": "610000", "甘": "620000", "青": "630000", "宁": "640000",
    "新": "650000",
}
ABBREVIATED_PAIR = re.compile(
    "([" + "".join(PROVINCE_ABBREVIATION) + "])([" + "".join(PROVINCE_ABBREVIATION) + "])(?:扶贫)?协作")
COOPERATION_CUE = re.compile(r"东西部|扶贫协作|协作|结对|对口|帮扶|携手|牵手|援建|支援|合作")
PAIR_LINK = re.compile(r"^(?:(?:与|和|同)(?:我市|我县|我区|我州|本市|本县|本区)?|、|·|—|"
                       r"对口帮扶|对口支援|结对帮扶|帮扶|援建|支援|携手|牵手)$")
DIRECTED_LINK = re.compile(r"对口帮扶|对口支援|结对帮扶|帮扶|援建|支援")
RECEIVING_VERB = re.compile(r"承接|获得|收到|接收|争取到|获")
# Money moves from helper to helped only in sentences about funds; sales, wages, dividends,
# output and investment totals are amounts, not transfers.
FUNDING_CUE = re.compile(r"投入|拨付|援助|援建|捐赠|捐助|捐款|资助|资金|提供|筹措|补助|投资|帮扶款|物资|捐建")
NOT_TRANSFER = re.compile(r"工资|收入|销售|卖出|售出|分红|产值|收益|营业|采购|消费|注册资金|计划投资|总投资|"
                          r"投资总额|完成投资|每户|每人|每月|每年|月薪|年薪|到手|挣")
PURPOSE = (r"((?:东西部|苏陕|闽宁|沪滇|粤桂|浙川|津甘|京蒙|鲁渝|财政|社会|产业|专项|帮扶|扶贫|援助|援建|"
           r"协作|消费|项目|配股|入股)+(?:资金|款|物资)|消费扶贫|产业扶贫|消费帮扶)")
PURPOSE_AFTER = re.compile(r"(?:的)?" + PURPOSE)
PURPOSE_BEFORE = re.compile(PURPOSE + r"(?:累计|共计|共|达|了|合计|约|近|超过)?\s*$")
PERIOD = re.compile(r"((?:19|20)\d{2}\s*年(?:以来|至今|起|底|前)?(?:\d{1,2}月)?|"
                    r"[0-9一二三四五六七八九十两]+年多?(?:来|以来|间|时间里)|近年来|多年来)")
COUNTY_LEVEL = {"District", "County"}


@dataclass
class _Placed:
    start: int
    end: int
    entity: Entity


def relate(article: Article, entities: list[Entity], money: list[Amount], counts: list[Amount],
           gaz: Gazetteer) -> tuple[list[Pairing], list[Money], list[Quantity]]:
    sents = sentences(article.text)
    placed = sorted((_Placed(m.span.start, m.span.end, e) for e in entities for m in e.mentions),
                    key=lambda p: (p.start, -p.end))
    pairings = find_pairings(article.text, sents, placed, entities, gaz)
    facts = attribute_money(article.text, sents, placed, money, pairings, gaz)
    return pairings, facts, attach_quantities(sents, placed, counts)


def _in(sentence: Sentence, placed: list[_Placed]) -> list[_Placed]:
    """The mentions in a sentence (placed is sorted by start)."""
    first = bisect_left(placed, sentence.start, key=_start)
    return placed[first:bisect_left(placed, sentence.end, lo=first, key=_start)]


def _start(mention: _Placed) -> int:
    return mention.start


def _side(entity: Entity, gaz: Gazetteer) -> str | None:
    if entity.place is None or entity.place.code is None:
        return None
    prefix = entity.place.code[:2]
    return "helper" if prefix in HELPER_PROVINCES else "assisted" if prefix in ASSISTED_PROVINCES else None


def _chains(mentions: list[_Placed]) -> list[list[_Placed]]:
    """Runs of divisions written back to back (浙江省湖州市南浔区) stand for the last one."""
    chains: list[list[_Placed]] = []
    for p in mentions:
        if p.entity.type not in REGION_TYPES:
            continue
        if chains and chains[-1][-1].end == p.start:
            chains[-1].append(p)
        else:
            chains.append([p])
    return chains


def find_pairings(text: str, sents: list[Sentence], placed: list[_Placed], entities: list[Entity],
                  gaz: Gazetteer) -> list[Pairing]:
    found: dict[tuple[str, str], Pairing] = {}
    for sentence in sents:
        if not COOPERATION_CUE.search(sentence.text):
            continue
        chains = _chains(_in(sentence, placed))
        for left, right in zip(chains, chains[1:]):
            link = text[left[-1].end:right[0].start].strip()
            if not PAIR_LINK.match(link):
                continue
            matched = _same_level(_readings(text, left[-1], entities), _readings(text, right[-1], entities))
            if matched is None:
                continue
            pair = _orient(*matched, directed=bool(DIRECTED_LINK.search(link)), gaz=gaz)
            if pair:
                found.setdefault((pair[0].key, pair[1].key), Pairing(*pair, sentence, "regions-joined-by-link"))
    for m in ABBREVIATED_PAIR.finditer(text):
        codes = [PROVINCE_ABBREVIATION[c] for c in m.groups()]
        provinces = [next((e for e in entities if e.code == c and e.mentions), None) for c in codes]
        if all(provinces) and provinces[0] is not provinces[1]:
            pair = _orient(*provinces, directed=False, gaz=gaz)
            sentence = next(s for s in sents if s.start <= m.start() < s.end)
            if pair:
                found.setdefault((pair[0].key, pair[1].key), Pairing(*pair, sentence, "province-abbreviations"))
    return list(found.values())


def _readings(text: str, mention: _Placed, entities: list[Entity]) -> list[Entity]:
    """What a division mention may stand for: its entity, or another the short form also names.

    广安 names both 广安市 and 广安区; beside 湖州 (a city) it is the city.
    """
    surface = text[mention.start:mention.end]
    others = [e for e in entities if e.place and e.place.short == surface and e is not mention.entity]
    return [mention.entity] + others


def _same_level(left: list[Entity], right: list[Entity]) -> tuple[Entity, Entity] | None:
    for a in left:
        for b in right:
            if a is b or a.place is None or b.place is None:
                continue
            if a.place.level == b.place.level or {a.type, b.type} <= COUNTY_LEVEL:
                return a, b
    return None


def _orient(a: Entity, b: Entity, directed: bool, gaz: Gazetteer) -> tuple[Entity, Entity] | None:
    sides = (_side(a, gaz), _side(b, gaz))
    if sides == ("helper", "assisted"):
        return a, b
    if sides == ("assisted", "helper"):
        return b, a
    return (a, b) if directed and sides[0] != sides[1] else None


def attribute_money(text: str, sents: list[Sentence], placed: list[_Placed], amounts: list[Amount],
                    pairings: list[Pairing], gaz: Gazetteer) -> list[Money]:
    helpers = {p.helper.key: p.helper for p in pairings}
    assisted = {p.assisted.key: p.assisted for p in pairings}
    facts = []
    carried: tuple[Sentence | None, Entity | None, Entity | None] = (None, None, None)
    for amount in amounts:
        sentence = next(s for s in sents if s.start <= amount.span.start < s.end)
        if not _is_transfer(text, sentence, amount):
            facts.append(Money(amount.value, amount.span, sentence, "amount-not-a-transfer", amount.approximate,
                               purpose=_purpose(text, amount), period=_period(text, sentence, amount)))
            continue
        here = _in(sentence, placed)
        donor = _first(here, lambda e: e.key in helpers or (not helpers and _side(e, gaz) == "helper"))
        recipient = _receiver(text, sentence, amount, here) or _first(
            here, lambda e: e.key in assisted or (not assisted and _side(e, gaz) == "assisted"))
        previous, carried_donor, carried_recipient = carried
        if previous is not None and _same_paragraph(text, previous, sentence):
            donor = donor or carried_donor
            recipient = recipient or carried_recipient
        carried = (sentence, donor, recipient)
        facts.append(Money(amount.value, amount.span, sentence, "amount-in-sentence", amount.approximate,
                           donor=donor, recipient=recipient,
                           purpose=_purpose(text, amount), period=_period(text, sentence, amount)))
    return facts


def _clause_start(text: str, sentence: Sentence, pos: int, marks: str) -> int:
    """Where the clause holding ``pos`` starts: after the last of ``marks`` before it."""
    return max([sentence.start] + [text.rfind(m, sentence.start, pos) + 1 for m in marks])


def _is_transfer(text: str, sentence: Sentence, amount: Amount) -> bool:
    clause_start = _clause_start(text, sentence, amount.span.start, "，,；;")
    clause_end = min([i for i in (text.find(p, amount.span.end, sentence.end) for p in "，,；;。") if i >= 0]
                     or [sentence.end])
    clause = text[clause_start:clause_end]
    return bool(FUNDING_CUE.search(sentence.text)) and not NOT_TRANSFER.search(clause)


def _first(here: list[_Placed], wanted) -> Entity | None:
    for p in here:
        if p.entity.type in COUNTY_LEVEL | {"City", "Province"} and wanted(p.entity):
            return p.entity
    return None


def _receiver(text: str, sentence: Sentence, amount: Amount, here: list[_Placed]) -> Entity | None:
    """Whoever 承接/获得 the money received it: the last one named before the verb in its
    clause, else the sentence's subject (the first named), as a dropped subject carries over."""
    verb = None
    for m in RECEIVING_VERB.finditer(text, sentence.start, amount.span.start):
        verb = m
    if verb is None:
        return None
    clause_start = _clause_start(text, sentence, verb.start(), "，,；;：:")
    before = [p for p in here if p.end <= verb.start()
              and p.entity.type not in ("Person", "Product", "Document", "Event", "Town", "Village")]
    in_clause = [p.entity for p in before if p.start >= clause_start]
    if in_clause:
        return in_clause[-1]
    return before[0].entity if before else None


def _same_paragraph(text: str, a: Sentence, b: Sentence) -> bool:
    return "\n" not in text[a.end:b.start]


def _purpose(text: str, amount: Amount) -> str | None:
    after = PURPOSE_AFTER.match(text, amount.span.end)
    if after:
        return after.group(1)
    before = PURPOSE_BEFORE.search(text, max(0, amount.span.start - 16), amount.span.start)
    return before.group(1) if before else None


def _period(text: str, sentence: Sentence, amount: Amount) -> str | None:
    found = list(PERIOD.finditer(text, sentence.start, amount.span.start))
    if found:
        return found[-1].group(1).replace(" ", "")
    after = PERIOD.search(text, amount.span.end, sentence.end)
    return after.group(1).replace(" ", "") if after else None


def attach_quantities(sents: list[Sentence], placed: list[_Placed], counts: list[Amount]) -> list[Quantity]:
    """A quantity describes the nearest project, organisation or place before it in its sentence."""
    out = []
    for amount in counts:
        sentence = next(s for s in sents if s.start <= amount.span.start < s.end)
        before = [p.entity for p in _in(sentence, placed) if p.end <= amount.span.start
                  and p.entity.type not in ("Person", "Product", "Document", "Event")]
        out.append(Quantity(amount.value, amount.unit, amount.span, sentence, "number-with-unit",
                            amount.approximate, subject=before[-1] if before else None))
    return out
