"""Mentions -> entities: one entity per thing, however many ways it is written.

* Mentions with the same key (the same gazetteer row, the same full name) are
  one entity.
* A shorter name of the same kind that the longer one starts with or ends
  with (高科农林公司 -> 平凉市高科农林现代农业产业有限责任公司, 净水车间 ->
  琥珀镇供水站净水车间), or that differs only in the place written before it,
  is folded into the longer one as an alias.
* An organisation's bare stem (沃克斯迅达, 高科农林) found elsewhere in the
  text becomes an alias with its own mentions; so does a person's name.
* Divisions get their parents from the gazetteer, so every town has a
  ``partOf`` chain up to its province.
"""
from __future__ import annotations

import re


from .extract.names import SUFFIX_RE
from .gazetteer import Gazetteer
from .model import ORG_TYPES, Article, Entity, Mention, Place, Span

ALIAS_SCAN_TYPES = ("Enterprise", "Organization")
ADDRESSED_TYPES = ("Project", "Event")


def group_of(entity_type: str) -> str:
    return "Organization" if entity_type in ORG_TYPES else entity_type


def resolve(article: Article, mentions: list[Mention], gaz: Gazetteer) -> list[Entity]:
    entities: dict[str, Entity] = {}
    for m in mentions:
        if m.within_name:
            continue
        entity = entities.get(m.key)
        if entity is None:
            entity = entities[m.key] = Entity(m.key, m.type, m.name, place=m.place,
                                              role=m.role, resolved=m.resolved, rule=m.rule)
        entity.mentions.append(m)
        if m.span.text != entity.name:
            entity.aliases.add(m.span.text)
    regions = _Regions([m for m in mentions if m.place is not None or not m.resolved])
    _fold_variants(entities, regions)
    _fold_familiar_names(entities)
    _scan_aliases(article.text, entities, regions)
    _attach_parents(entities, mentions, gaz)
    _attach_locations(entities, regions)
    return sorted(entities.values(), key=lambda e: (e.mentions[0].span.start if e.mentions else -1, e.key))


class _Regions:
    """The division mentions of an article, found by where they start."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = mentions
        self.by_start: dict[int, list[Mention]] = {}
        for m in mentions:
            self.by_start.setdefault(m.span.start, []).append(m)

    def in_front(self, entity: Entity) -> list[Mention]:
        """The divisions written back to back at the start of an entity's first mention."""
        first = entity.mentions[0].span
        pos, found = first.start, []
        while True:
            m = next((m for m in self.by_start.get(pos, ()) if m.span.end <= first.end and m.key != entity.key), None)
            if m is None:
                return found
            found.append(m)
            pos = m.span.end


def _core(entity: Entity, regions: _Regions) -> str:
    """The name without the divisions written in front of it."""
    first = entity.mentions[0].span
    front = regions.in_front(entity)
    pos = front[-1].span.end if front else first.start
    return first.text[pos - first.start:] if first.end - pos >= 2 else first.text


def _places_in_front(entity: Entity, regions: _Regions) -> set[str]:
    """The divisions written at the start of an entity's first mention, by key."""
    return {m.key for m in regions.in_front(entity)}


def _stem(name: str) -> str:
    m = None
    for m in SUFFIX_RE.finditer(name):
        pass
    return name[: m.start()] if m and m.end() == len(name) else name


def _fold_variants(entities: dict[str, Entity], regions: _Regions) -> None:
    """Each name folds into the longest name it is a variant of.  Candidates come from indexes
    of the longer names' cores, stem beginnings and name endings, so the work grows with the
    names, not with their pairs."""
    named = sorted((e for e in entities.values() if e.place is None and e.resolved and e.type != "Person"),
                   key=lambda e: (len(e.name), e.key))
    cores = [_core(e, regions) for e in named]
    by_core: dict[str, list[int]] = {}
    by_stem_start: dict[str, list[int]] = {}
    by_ending: dict[str, list[int]] = {}
    for j, (entity, core) in enumerate(zip(named, cores)):
        by_core.setdefault(core, []).append(j)
        stem = _stem(core)
        for n in range(2, len(stem)):
            by_stem_start.setdefault(stem[:n], []).append(j)
        for n in range(4, len(entity.name)):
            by_ending.setdefault(entity.name[-n:], []).append(j)
    for i, short in enumerate(named):
        candidates = set(by_core.get(cores[i], ())) | set(by_stem_start.get(_stem(cores[i]), ())) \
            | set(by_ending.get(short.name, ()))
        for j in sorted((j for j in candidates if j > i), reverse=True):
            long = named[j]
            if group_of(long.type) == group_of(short.type) and _is_variant(short, long, regions):
                _merge(entities, short, into=long)
                break


LEGAL_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司")


def _is_variant(short: Entity, long: Entity, regions: _Regions) -> bool:
    # A registered name is complete: it is no short form of another (厦门特利强雨具有限公司 is
    # not 积石山县特利强雨具加工厂), and two places in front tell two bodies apart.
    if short.name.endswith(LEGAL_SUFFIXES) and not long.name.endswith(LEGAL_SUFFIXES):
        return False
    short_places, long_places = _places_in_front(short, regions), _places_in_front(long, regions)
    if short_places and long_places and not (short_places & long_places):
        return False
    short_core, long_core = _core(short, regions), _core(long, regions)
    # Projects and events are written with more or less of their address; for bodies and
    # products the place in front tells them apart (two 人民医院, 平凉黄酒 and 崆峒黄酒).
    if short_core == long_core and len(_stem(short_core)) >= 2 and long.type in ADDRESSED_TYPES:
        return True
    short_stem, long_stem = _stem(short_core), _stem(long_core)
    if len(short_stem) >= 2 and long_stem.startswith(short_stem) and short_stem != long_stem:
        return True
    return len(short.name) >= 4 and long.name.endswith(short.name)


FAMILIAR_NAME = re.compile(r"^(?:老|小)(?P<a>[\u4e00-\u9fff])$|^(?P<b>[\u4e00-\u9fff])(?:老师|大夫|医生|师傅|书记|主任|校长|院长|总)$")


def _fold_familiar_names(entities: dict[str, Entity]) -> None:
    """老杨, 孙老师, 赵大夫: a surname with a familiar word is the one person of that surname."""
    persons = [e for e in entities.values() if e.type == "Person"]
    for short in persons:
        m = FAMILIAR_NAME.match(short.name)
        if not m:
            continue
        surname = m.group("a") or m.group("b")
        full = [e for e in persons if e is not short and len(e.name) >= 2 and e.name[0] == surname
                and not FAMILIAR_NAME.match(e.name)]
        if len(full) == 1 and short.key in entities:
            _merge(entities, short, into=full[0])


def _merge(entities: dict[str, Entity], short: Entity, into: Entity) -> None:
    into.mentions += short.mentions
    into.aliases |= {short.name} | short.aliases
    into.aliases.discard(into.name)
    del entities[short.key]


def _take(taken: bytearray, span: Span) -> None:
    taken[span.start:span.end] = b"\x01" * (span.end - span.start)


def _free_occurrences(text: str, word: str, taken: bytearray) -> list[int]:
    """Where a word is written on characters no mention covers."""
    found = []
    start = text.find(word)
    while start >= 0:
        if not any(taken[start:start + len(word)]):
            found.append(start)
        start = text.find(word, start + 1)
    return found


def _scan_aliases(text: str, entities: dict[str, Entity], regions: _Regions) -> None:
    """Stems of organisations and names of persons written on their own elsewhere."""
    taken = bytearray(len(text))  # 1 for every character some mention covers
    for entity in entities.values():
        for mention in entity.mentions:
            _take(taken, mention.span)
    for entity in list(entities.values()):
        if entity.type == "Person":
            words = [entity.name]
        elif entity.type in ALIAS_SCAN_TYPES:
            stem = _stem(_core(entity, regions))
            words = [stem[:n] for n in range(len(stem), 2, -1)] if len(stem) >= 4 else []
        else:
            continue
        for word in words:
            found = _free_occurrences(text, word, taken)
            if found:
                for pos in found:
                    entity.mentions.append(Mention(Span(pos, pos + len(word), word), entity.type,
                                                   entity.name, entity.key, "name-elsewhere"))
                    _take(taken, entity.mentions[-1].span)
                if word != entity.name:
                    entity.aliases.add(word)
                break


def _attach_parents(entities: dict[str, Entity], mentions: list[Mention], gaz: Gazetteer) -> None:
    by_place: dict[int, Entity] = {e.place.id: e for e in entities.values() if e.place}
    for m in mentions:
        if m.within_name and m.place is not None:
            _parent_entity(m.place, entities, by_place, gaz)  # where a named thing lies
    for entity in list(entities.values()):
        if entity.place is not None:
            entity.parent = _parent_entity(gaz.parent(entity.place), entities, by_place, gaz)
        elif not entity.resolved:
            within = next(m.within for m in entity.mentions if m.within is not None)
            entity.parent = _parent_entity(within, entities, by_place, gaz)


def _attach_locations(entities: dict[str, Entity], regions: _Regions) -> None:
    """A body or project whose name starts with places (平凉市高科农林…, 西靖镇移民区万只羊场)
    lies in the last of them."""
    by_start = {m.span.start: m for m in regions.mentions if m.key in entities}
    for entity in entities.values():
        if entity.place is not None or not entity.resolved or entity.type == "Person" or not entity.mentions:
            continue
        first = max(entity.mentions, key=lambda m: (m.span.text == entity.name, -m.span.start)).span
        pos, last = first.start, None
        while pos in by_start and by_start[pos].span.end <= first.end:
            last = by_start[pos]
            pos = last.span.end
        # 南浔·广安…产业园 names two places jointly, not where it lies.
        if last is None or last.span.end >= first.end:
            continue  # no place before the name, or the name is a place's name alone (a brand called 林俗)
        joined = first.text[last.span.end - first.start] in "·—-、与和"
        if not joined:
            entity.location = entities[last.key]


def _parent_entity(place: Place | None, entities: dict[str, Entity], by_place: dict[int, Entity],
                   gaz: Gazetteer) -> Entity | None:
    if place is None:
        return None
    if place.id not in by_place:
        entity = Entity(f"place:{place.id}", place.type, gaz.name_of(place), place=place, rule="gazetteer-parent")
        by_place[place.id] = entities[entity.key] = entity
        entity.parent = _parent_entity(gaz.parent(place), entities, by_place, gaz)
    return by_place[place.id]
