"""What the rules that relate entities share about one article: its sentences, where
each entity is named, and which side of the programme a division is on."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from ..gazetteer import Gazetteer
from ..model import REGION_TYPES, Article, Entity, Sentence
from ..text import sentences

# Province-level codes (first two digits) by their side in East–West cooperation.
HELPER_PROVINCES = {"11", "12", "31", "32", "33", "35", "37", "44", "21"}
ASSISTED_PROVINCES = {"13", "15", "22", "42", "43", "45", "50", "51", "52", "53", "54", "61", "62",
                      "63", "64", "65"}
# Centrally administered cities: provinces that act as cities too (北京市 helps 张家口市).
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
COUNTY_LEVEL = {"District", "County"}


@dataclass
class Placed:
    """One mention of an entity: where in the text, and what it names."""

    start: int
    end: int
    entity: Entity


@dataclass
class Chain:
    """Divisions written back to back (浙江省湖州市南浔区): they stand for the last one."""

    members: list[Placed] = field(default_factory=list)
    in_name: bool = False  # the divisions begin or lie inside a name (海沧大桥, 广安—湖州…洽谈会)

    @property
    def start(self) -> int:
        return self.members[0].start

    @property
    def end(self) -> int:
        return self.members[-1].end

    @property
    def entity(self) -> Entity:
        return self.members[-1].entity


class Context:
    def __init__(self, article: Article, entities: list[Entity], gaz: Gazetteer):
        self.article = article
        self.text = article.text
        self.entities = entities
        self.gaz = gaz
        self.sentences = sentences(article.text)
        self.placed = sorted((Placed(m.span.start, m.span.end, e) for e in entities for m in e.mentions),
                             key=lambda p: (p.start, -p.end))
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        i = max(0, bisect_right(self._starts, offset) - 1)
        return self.sentences[i]

    def sentence_before(self, sentence: Sentence) -> Sentence | None:
        i = bisect_left(self._starts, sentence.start)
        return self.sentences[i - 1] if i > 0 else None

    def mentions_in(self, start: int, end: int) -> list[Placed]:
        """The mentions that start within text[start:end] (placed is sorted by start)."""
        first = bisect_left(self.placed, start, key=_start)
        return self.placed[first:bisect_left(self.placed, end, lo=first, key=_start)]

    def chains(self, start: int, end: int, in_names: bool = False) -> list[Chain]:
        """Runs of divisions written back to back, among the mentions in text[start:end];
        those inside a longer name only if asked for (海沧大桥 names a bridge, not 海沧区)."""
        chains: list[Chain] = []
        for p in self.mentions_in(start, end):
            if p.entity.type not in REGION_TYPES:
                continue
            named = self.inside_a_name(p)
            if named and not in_names:
                continue
            if chains and chains[-1].in_name == named and (chains[-1].end == p.start or self._lies_in(chains[-1], p)):
                chains[-1].members.append(p)
            else:
                chains.append(Chain([p], named))
        return chains

    def _lies_in(self, chain: Chain, p: Placed) -> bool:
        """庆阳市的环县: a division written after 的 that lies in the one before it."""
        last = chain.entity
        return self.text[chain.end:p.start] == "的" and last.place is not None and p.entity.place is not None \
            and last.place.id in {a.id for a in self.gaz.ancestors(p.entity.place)}

    @cached_property
    def _name_spans(self) -> list[tuple[int, int]]:
        return sorted((p.start, p.end) for p in self.placed if p.entity.type not in REGION_TYPES)

    def inside_a_name(self, p: Placed) -> bool:
        """Whether a division's words begin or lie inside the name of something else."""
        i = bisect_right(self._name_spans, (p.start, len(self.text)))
        return any(a <= p.start and p.end <= b and (a, b) != (p.start, p.end)
                   for a, b in self._name_spans[max(0, i - 8):i])

    @cached_property
    def by_short(self) -> dict[str, list[Entity]]:
        """The article's divisions by their short names (广安: 广安市 and 广安区)."""
        index: dict[str, list[Entity]] = {}
        for e in self.entities:
            if e.place is not None and e.place.short:
                index.setdefault(e.place.short, []).append(e)
        return index

    def side(self, entity: Entity | None) -> str | None:
        """'helper' for the eastern side of the programme, 'assisted' for the western; bodies,
        projects and persons take the side of the division they lie in."""
        code = self.code_of(entity)
        if code is None:
            return None
        prefix = code[:2]
        return "helper" if prefix in HELPER_PROVINCES else "assisted" if prefix in ASSISTED_PROVINCES else None

    def code_of(self, entity: Entity | None) -> str | None:
        """The code of a division or, below the county, of the county it lies in."""
        seen = 0
        while entity is not None and seen < 8:
            if entity.place is not None:
                return entity.place.code or entity.place.county_code
            if entity.parent is not None:
                entity = entity.parent
            else:
                entity = entity.location
            seen += 1
        return None

    def level(self, entity: Entity) -> int | None:
        """1 province … 5 village; municipalities count as cities too (see compatible)."""
        if entity.place is not None:
            return entity.place.level
        return {"Town": 4, "Village": 5}.get(entity.type) if entity.type in REGION_TYPES else None

    def is_municipality(self, entity: Entity) -> bool:
        return entity.place is not None and entity.place.code in MUNICIPALITIES


def _start(p: Placed) -> int:
    return p.start
