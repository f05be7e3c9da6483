"""One decision over the mentions every source proposed, where they overlap.

Extractors and the tagger propose mentions on their own; where two claim the
same words, this step keeps one reading, so a second source never produces a
clashing mention.  Its rules, in order:

* of two mentions that cross (neither inside the other), the surer one stays
  (confidence, then rule over tagger, then the longer);
* a name inside a longer name is part of it (人民政府 inside 《北京市人民政府…
  框架协议》, 武清区委 inside 武清区委统战部), except a registered company at the start of
  what it runs (某某有限公司扶贫车间 names the company, not a project) and a part
  that the extractor proposed as another form of the same name (an event's slogan);
* a party committee written as part of a person's title (泾川县委常委周文斌,
  若尔盖县委书记) is not named there (a bureau before its head's title is:
  广安区农业农村局局长);
* a division inside a name stays, marked ``within_name``: it tells where the
  thing lies, but a document, product or company named after a place is not a
  mention of the place (甘肃钙果生态农林有限公司, 《关于开展对口帮扶贵州工作的指导
  意见》), nor is a province inside a body's name (天津市对口支援甘肃前方指挥部); a
  project or event still mentions the town it is named for, and a work team the
  county it serves (潍坊市帮扶巫溪县工作队).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import REGION_TYPES, Mention

LEGAL_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司")
# Names whose place words are part of the name, not a mention of the place.
PLACE_IS_PART_OF = {"Document", "Product", "Enterprise", "Organization"}
BODIES = {"Government", "Enterprise", "Organization", "School", "Hospital"}
PARTY_COMMITTEE = re.compile(r"(?:委|党组)$")
TITLE_AFTER = re.compile(r"(?:副|常务副)?(?:书记|常委|委员|秘书长)")


def arbitrate(mentions: list[Mention], text: str) -> list[Mention]:
    names = _settle_names([m for m in mentions if m.type not in REGION_TYPES], text)
    regions = [m for m in mentions if m.type in REGION_TYPES]
    covering = _Cover(names)
    kept = names + [_mark_regions_in(m, covering.over(m)) for m in regions]
    return sorted(kept, key=lambda m: (m.span.start, -m.span.end, m.key))


class _Cover:
    """Which mentions cover each character, so that the mentions overlapping one are found
    from its own characters, not by comparing it with every other."""

    def __init__(self, mentions: list[Mention] = ()):
        self.mentions: list[Mention] = []
        self._at: dict[int, list[int]] = {}
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        for pos in range(m.span.start, m.span.end):
            self._at.setdefault(pos, []).append(len(self.mentions))
        self.mentions.append(m)

    def over(self, m: Mention) -> list[Mention]:
        found = {i for pos in range(m.span.start, m.span.end) for i in self._at.get(pos, ())}
        return [self.mentions[i] for i in sorted(found) if self.mentions[i] is not m]


def _sureness(m: Mention) -> tuple:
    return (m.confidence, m.source == "rule", m.span.end - m.span.start)


def _settle_names(names: list[Mention], text: str) -> list[Mention]:
    kept = _Cover()
    for m in sorted(names, key=_sureness, reverse=True):
        if not any(_cross(m, k) for k in kept.over(m)):
            kept.add(m)
    outer = _Cover(m for m in kept.mentions
                   if not any(_inside(m, k) and k.key != m.key for k in kept.over(m)) or _company_first(m, kept.over(m)))
    settled = [m for m in outer.mentions
               if not any(_inside(inner, m) and _company_first(inner, outer.over(inner)) for inner in outer.over(m))]
    return [m for m in settled if not (PARTY_COMMITTEE.search(m.name) and TITLE_AFTER.match(text, m.span.end))]


def _cross(a: Mention, b: Mention) -> bool:
    return a.span.start < b.span.end and b.span.start < a.span.end and not _inside(a, b) and not _inside(b, a)


def _inside(a: Mention, b: Mention) -> bool:
    """a lies within b and is shorter."""
    return b.span.start <= a.span.start and a.span.end <= b.span.end and (a.span.end - a.span.start) < (b.span.end - b.span.start)


def _company_first(m: Mention, overlapping: list[Mention]) -> bool:
    """A registered company written at the start of a longer name (某某有限公司扶贫车间)."""
    return m.type == "Enterprise" and m.name.endswith(LEGAL_SUFFIXES) and any(
        o.span.start == m.span.start and o.span.end > m.span.end and o.type != "Enterprise" for o in overlapping)


def _mark_regions_in(region: Mention, names: list[Mention]) -> Mention:
    for name in names:
        inside = name.span.start <= region.span.start and region.span.end <= name.span.end and \
            (name.span.start, name.span.end) != (region.span.start, region.span.end)
        if inside and (name.type in PLACE_IS_PART_OF or (region.span.start > name.span.start and
                                                          name.type in BODIES and region.type == "Province")):
            return replace(region, within_name=True)
    return region
