"""Administrative divisions, found with the gazetteer and placed in context.

Names are ambiguous in three ways, and each has its rule:

* the same full name in several places (朝阳区, 白水镇): the reading whose
  parents or children the article also names wins;
* short forms (崆峒, 平凉, 天津) and former names (平泉县, now 平泉市):
  accepted only where the article supports them, because the full form is
  named too, because the short form is a parent of a division the article
  names, because it stands directly before a division it contains
  (甘肃平凉崆峒区), because the article names the city or province it lies in
  (昌平 in a report that names 北京; 礼县 in one that names 陇南), because it
  is listed beside a division of the same city or province (紫云、镇宁、关岭
  once one of them is known), or because it is long enough to name one
  division only (西双版纳, 科左中旗); a province's short form (浙江) where
  the tagger reads a place;
* written forms that are as sure as the full name (临夏州, 积石山县) count
  as full names;
* towns and villages: looked up only inside the counties the article is
  about, and a village only where its town is named as well.

A town-like name written right after a county that the gazetteer does not
know there is kept as written, marked unresolved, and reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..gazetteer import TOWN, VILLAGE, Gazetteer
from ..model import Article, Mention, Place, Span
from ..text import SmallLexicon, longest_matches
from .tagger import Tagger

TOWN_AFTER_COUNTY = re.compile(
    r"(?P<name>(?![各全每等与和及的在是城乡镇县区市村所辖部个])[\u4e00-\u9fff]{2,5}?"
    r"(?:镇|乡|街道|新区|开发区))(?!府|镇|村民|干部|政府)")
# A short form run into one of these names a landform or area, not the division (河西走廊).
LANDFORM_AFTER = re.compile(r"走廊|平原|盆地|高原|山脉|山区|流域|沿线|片区|地区|大地")
LIST_MARK = re.compile(r"、|和|及|与")
# Zones the gazetteer lists as towns under a bare kind's name (开发区 of 某县): the word names any zone.
GENERIC_ZONE = re.compile(r"(?:经济技术|经济|高新技术)?(?:开发区|工业园区|园区|高新区|新区)")
NOT_TOWN = re.compile(r"乡镇|城乡|家乡|故乡|下乡|返乡|老乡|异乡|贫困|产业|园区|社区|两地|双方|[的了和与在是为向从把被将对]")


@dataclass
class _Hit:
    start: int
    end: int
    surface: str
    sure: list[Place]  # what the words name when written in full (古浪县) or as surely (临夏州)
    weak: list[Place]  # what they may name as a short or former name (古浪, 平泉县)
    chosen: Place | None = None
    rule: str = ""

    @property
    def candidates(self) -> list[Place]:
        return self.sure + [p for p in self.weak if p not in self.sure]


# A short or former name this long names one division, not a word (西双版纳, 科左中旗),
# unless it names a kind of zone (工业园, 高新区).
DISTINCT_SHORT = 3
TAGGER_TRIES = 3
ZONE = re.compile(r"开发区|园区|新区|管理区|管委会|示范区|实验区|试验区|度假区|保税区|港区|新城|工业园|农场|林场|矿区")


def _parent_named(place: Place, confirmed: set[Place], gaz: Gazetteer) -> bool:
    """Whether the article names the division a place lies directly in."""
    return gaz.parent(place) in confirmed


def extract_regions(article: Article, gaz: Gazetteer, tagger: Tagger | None = None) -> tuple[list[Mention], list[str]]:
    text = article.text
    hits = _scan_upper_levels(text, gaz)
    _choose_full_names(hits, gaz)
    _accept_short_forms(hits, gaz, text, tagger)
    upper = [h for h in hits if h.chosen]
    mentions = [_mention(h, h.rule) for h in upper]
    counties = sorted({h.chosen.code for h in upper if h.chosen.code and (
        h.chosen.level == 3 or gaz.towns_directly_under(h.chosen))})
    local = _scan_local_levels(text, gaz, counties, [(h.start, h.end) for h in upper])
    mentions += local
    unresolved, warnings = _unknown_towns(text, gaz, upper, local)
    mentions += unresolved
    mentions.sort(key=lambda m: m.span.start)
    return mentions, warnings


def _scan_upper_levels(text: str, gaz: Gazetteer) -> list[_Hit]:
    hits = []
    for start, end, word in longest_matches(text, gaz.upper_lexicon):
        # A two-character full name (城区, 东区) is as weak as a short form.
        sure = (gaz.by_name.get(word, []) or gaz.variants.get(word, [])) if len(word) >= 3 else []
        weak = gaz.by_short.get(word, []) + gaz.former_names.get(word, []) + gaz.by_name.get(word, [])
        hits.append(_Hit(start, end, word, sure, weak))
    return hits


def _choose_full_names(hits: list[_Hit], gaz: Gazetteer) -> None:
    """Pick each full name's reading by the support of the other names around it: how many
    other hits may name a place that contains it or lies in it."""
    as_candidate: dict[int, set[int]] = {}  # place id -> the hits that may name it
    as_ancestor: dict[int, set[int]] = {}  # place id -> the hits that may name a place inside it
    for i, hit in enumerate(hits):
        for c in hit.candidates:
            as_candidate.setdefault(c.id, set()).add(i)
            for a in gaz.ancestors(c):
                as_ancestor.setdefault(a.id, set()).add(i)
    for i, hit in enumerate(hits):
        if not hit.sure:
            continue
        hit.rule = "gazetteer-name" if hit.surface in gaz.by_name else "gazetteer-variant"
        if len(hit.sure) == 1:
            hit.chosen = hit.sure[0]
            continue

        def support(place: Place) -> tuple:
            backing = set(as_ancestor.get(place.id, ()))
            for a in gaz.ancestors(place):
                backing |= as_candidate.get(a.id, set())
            # Ties go to a division with a code: jionlp lists Taiwan's districts without one.
            return (-len(backing - {i}), place.code is None, place.level, place.code or "")
        hit.chosen = min(hit.sure, key=support)


def _accept_short_forms(hits: list[_Hit], gaz: Gazetteer, text: str, tagger: Tagger | None) -> None:
    """Short and former names, where the article supports one reading (see the module's
    docstring), the strongest support first: a name the article writes in full or that
    contains one it names, then the division written right after, then the division it
    lies in (for a name of three characters or more: two may be a word, 白银 in 真金白银),
    then its province or city where the tagger reads the words as a place (a province's short
    form needs only the tagger), then a sibling listed beside it, then a name long enough to be
    unambiguous."""
    confirmed = {h.chosen for h in hits if h.chosen}
    verdicts: dict[str, bool] = {}

    def tagged_place(hit: _Hit) -> bool:
        """Whether the tagger reads the words as a place in one of their first three occurrences
        (an article introduces a name in plain words; a question costs a millisecond)."""
        if hit.surface not in verdicts:
            first = [h for h in hits if h.surface == hit.surface][:TAGGER_TRIES]
            verdicts[hit.surface] = any(tagger.label_of(h.start, h.end) == "LOC" for h in first)
        return verdicts[hit.surface]
    changed = True
    while changed:
        changed = False
        ancestors = {a for p in confirmed for a in gaz.ancestors(p)}
        for i in range(len(hits) - 1, -1, -1):
            hit = hits[i]
            if hit.chosen or LANDFORM_AFTER.match(text, hit.end):
                continue
            nxt = hits[i + 1] if i + 1 < len(hits) else None
            backed, rule = [p for p in hit.weak if p in confirmed or p in ancestors], "gazetteer-short"
            if not backed and nxt and nxt.chosen and nxt.start == hit.end:
                backed = [p for p in hit.weak if p in gaz.ancestors(nxt.chosen)]
            if not backed and len(hit.surface) >= DISTINCT_SHORT:
                backed = [p for p in hit.weak if _parent_named(p, confirmed, gaz)]
                rule = "gazetteer-short-in-named-region"
            in_named = [p for p in hit.weak if p.level == 1 or gaz.province(p) in confirmed or _parent_named(
                p, confirmed, gaz)]
            if not backed and tagger is not None and in_named and tagged_place(hit):
                backed, rule = in_named, "gazetteer-short-tagged-place"
            if not backed:
                backed = [p for p in hit.weak if any(p.level == n.chosen.level and p.parent == n.chosen.parent
                                                     for n in _listed_beside(hits, i, text))]
                rule = "gazetteer-short-listed-with-sibling"
            if not backed and len(hit.surface) >= DISTINCT_SHORT and len(set(hit.weak)) == 1 \
                    and not ZONE.search(hit.weak[0].name):
                backed, rule = hit.weak, "gazetteer-short-distinct"
            if backed:
                hit.chosen = max(backed, key=lambda p: (p.level, p.code or ""))
                hit.rule = rule if hit.surface not in gaz.former_names else "gazetteer-former-name"
                confirmed.add(hit.chosen)
                changed = True


def _listed_beside(hits: list[_Hit], i: int, text: str) -> list[_Hit]:
    """The chosen divisions written right before and after hit i in a list (紫云、镇宁、关岭)."""
    around = []
    if i > 0 and hits[i - 1].chosen and LIST_MARK.fullmatch(text, hits[i - 1].end, hits[i].start):
        around.append(hits[i - 1])
    if i + 1 < len(hits) and hits[i + 1].chosen and LIST_MARK.fullmatch(text, hits[i].end, hits[i + 1].start):
        around.append(hits[i + 1])
    return around


def _mention(hit: _Hit, rule: str) -> Mention:
    place = hit.chosen
    return Mention(Span(hit.start, hit.end, hit.surface), place.type, place.name,
                   f"place:{place.id}", rule, place=place)


def _scan_local_levels(text: str, gaz: Gazetteer, counties: list[str],
                       taken: list[tuple[int, int]]) -> list[Mention]:
    """Towns and villages of the article's counties."""
    lexicon = SmallLexicon.union(gaz.local_lexicon(code) for code in counties)
    found = [f for f in longest_matches(text, lexicon, taken=taken) if not GENERIC_ZONE.fullmatch(f[2])]
    places = gaz.local_places_named(counties, {word for _, _, word in found}) if found else {}
    town_mentions: dict[int, list[Mention]] = {}
    for start, end, word in found:
        towns = [p for p in places.get(word, ()) if p.level == TOWN]
        if towns:
            place = towns[0]
            town_mentions.setdefault(place.id, []).append(Mention(
                Span(start, end, word), place.type, gaz.name_of(place), f"place:{place.id}",
                "gazetteer-town-in-county", place=place))
    mentions = [m for ms in town_mentions.values() for m in ms]
    town_spans = {(m.span.start, m.span.end) for m in mentions}
    for start, end, word in found:
        # A village counts where its town is named too: 富民新村 names five villages.  A word
        # that names a town names that town, not the village of the same name inside it.
        if (start, end) in town_spans:
            continue
        placed = [p for p in places.get(word, ()) if p.level == VILLAGE and p.parent in town_mentions]
        if placed:
            place = placed[0]
            mentions.append(Mention(Span(start, end, word), place.type, gaz.name_of(place),
                                    f"place:{place.id}", "gazetteer-village-in-town", place=place))
    return mentions


def _unknown_towns(text: str, gaz: Gazetteer, upper: list[_Hit],
                   local: list[Mention]) -> tuple[list[Mention], list[str]]:
    """Town-like names right after a county that the gazetteer lacks there."""
    known = {m.span.start for m in local}
    mentions, warnings = [], []
    for hit in upper:
        if hit.chosen.level != 3 or hit.end in known:
            continue
        m = TOWN_AFTER_COUNTY.match(text, hit.end)
        if not m or NOT_TOWN.search(m["name"]) or any(k in known for k in range(m.start(), m.end())):
            continue
        name = m["name"]
        county = hit.chosen
        mentions.append(Mention(Span(m.start(), m.end(), name), "Town", name,
                                f"town:{county.code}:{name}", "town-after-county-unresolved",
                                place=None, resolved=False, within=county))
        warnings.append(f"{name}: not a town of {county.name} in the gazetteer; kept as written, unresolved")
    return mentions, sorted(set(warnings))
