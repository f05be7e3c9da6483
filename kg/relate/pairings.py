"""Who helps whom: East–West pairings, read from how reports state them.

A pairing joins an eastern division (the helper) to a western one (the
assisted): provinces, cities, counties and districts, towns and streets,
villages.  Reports state it in a handful of ways, each a rule here:

* a link verb between the two, with whatever adverbs and time words the
  writer puts in, and a list after it (X今年继续结对帮扶Y, X对口帮扶A、B和C);
* the sentence's topic, and a later clause that opens with a pairing verb
  (X坚持…，同时对口帮扶A和B);
* the two joined by 与/和/同 in a sentence about cooperation (X与Y建立…关系,
  X与A、B签下协议; two lists joined by 分别与 pair one to one);
* the passive and the relative clause (Y…由X对口帮扶; 结对帮扶Y的X);
* both named as one pair (X、Y两地, X·Y东西部扶贫协作);
* money or work sent from one to the other at county level and above
  (X向Y捐赠, 在Y，X援建…, X在Y投入);
* a cadre from one serving in the other (来自X、挂职Y副县长);
* the only two divisions of matching rank in a sentence about pairing;
* the two provinces' or places' first characters run together (闽宁协作,
  津灵协作).

Which side is which never comes from word order: the province a division
lies in decides (Beijing, Tianjin, Shanghai, Jiangsu, Zhejiang, Fujian,
Shandong, Guangdong and Liaoning help; the rest are helped).  A pair of two
eastern or two western divisions is never a pairing.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..gazetteer import PROVINCE_LETTERS
from ..model import Entity, Pairing, Sentence
from .context import COUNTY_LEVEL, Chain, Context

COOPERATION_CUE = re.compile(r"东西部|扶贫协作|协作|结对|对口|帮扶|携手|牵手|援建|支援|合作|结亲|亲戚|亲家|缘分|挂职|结为|结成|"
                             r"对子|手拉手|一家人")
# A line this short that joins two divisions of the two sides names a pair (——八卦洲街道与棣花镇。)
SHORT_LINE = 20
# Cues strong enough that the two divisions of a sentence are its pair.
PAIRING_CUE = re.compile(r"结对|对口帮扶|对口支援|对口协作|东西部扶贫协作|东西部协作|扶贫协作|携手奔小康|结亲|亲戚|"
                         r"缘分|挂职|结成")
LINK_VERB = (r"(?:对口帮扶|对口支援|对口协作|结对帮扶|结对支援|结对共建|挂钩帮扶|定点帮扶|结对|帮扶|支援|携手|牵手|联手|"
             r"援建|援助|对口)")
NO_PUNCT = r"[^，,。；;：:！？!?、（）()“”\n]"
# X [adverbs, time] LINK Y: what may stand between the helper and its partner.
VERB_LINK = re.compile(rf"[）)]?{NO_PUNCT}{{0,10}}?{LINK_VERB}(?:了|的是|的|着|是)?")
JOINED = re.compile(r"(?:先后|还|也|已|又|正式|分别|率先|首先|均)?(?:与|和|同|跟)(?:我市|我县|我区|我州|我省|本市|本县|本区)?")
# Two divisions named as one pair: 仓山、临洮两地, 南浔·广安, 秀洲区—若尔盖县.
BOTH_NAMED = re.compile(r"、|·|[—\-－]+|和|与")
BOTH_AFTER = re.compile(r"两地|两县|两区|两市|两省|两省区|两镇|两村|双方")
RELATION = re.compile(r"结对|结成|建立|确立|确定|签订|签署|签下|缔结|关系|对子|协作|合作|帮扶|携手|牵手|缘分|亲戚|"
                      r"友好|共建|协议")
TO_PARTNER = re.compile(rf"{NO_PUNCT}{{0,8}}?(?:向|为|给)")
# X投入Y…资金, X下达Y的…资金: the partner right after a verb of giving.
GIVEN_TO = re.compile(rf"{NO_PUNCT}{{0,8}}?(?:投入|下达|拨付|划拨|援助|安排|支持)")
RECEIVED_FROM = re.compile(rf"^{NO_PUNCT}{{0,4}}?(?:得到|获得|接受)$")
TRANSFER_VERB = re.compile(r"捐赠|捐助|捐款|捐资|拨付|投入|落实|援建|提供|送去|安排|下达|划拨|支援|帮扶")
IN_PLACE = re.compile(rf"{NO_PUNCT}{{0,8}}?在")
AID_VERB = re.compile(rf"^(?:{NO_PUNCT}{{0,8}}?(?:援建|投入|实施|帮助|建成|建设|引进|安排|落实|捐建|捐赠|投资)|"
                      rf"的?(?:对口)?(?:帮扶|援助|协作|援建|财政)+资金)")
# 村企结对: an enterprise, chamber or body of the eastern side paired with a village or town.
BODY_TYPES = ("Enterprise", "Organization", "Government", "School", "Hospital")
VILLAGE_CUE = re.compile(r"村企|结对|帮扶|对子|携手|牵手|结亲")
SECONDMENT = re.compile(r"挂职|援[\u4e00-\u9fff]?干部|选派|派驻|支教|支医|蹲点")
LIST_GAP = re.compile(r"、|和|及|以及|、以及|与")
ABBREVIATION_AFTER = re.compile(r"[”」]|协作|扶贫|合作|帮扶|牵手|携手|情|缘|共建|对口|产业|模式|两地")

PairFound = tuple[Entity, Entity, bool, str]  # (first named, second named, directed, rule)
SentenceRule = Callable[[Context, Sentence, list[Chain]], Iterator[PairFound]]


def find_pairings(ctx: Context) -> list[Pairing]:
    found: dict[tuple[str, str], Pairing] = {}

    def add(a: Entity, b: Entity, directed: bool, rule: str, sentence: Sentence) -> None:
        pair = _orient(ctx, a, b, directed)
        if pair:
            found.setdefault((pair[0].key, pair[1].key), Pairing(*pair, sentence, rule))
    for sentence in ctx.sentences:
        if PAIRING_CUE.search(sentence.text) or VILLAGE_CUE.search(sentence.text):
            for a, b, rule in _bodies_with_villages(ctx, sentence):
                add(a, b, True, rule, sentence)
    for sentence in ctx.sentences:
        chains = ctx.chains(sentence.start, sentence.end, in_names=True)
        if len(chains) < 2:
            continue
        free = [c for c in chains if not c.in_name]
        about_cooperation = COOPERATION_CUE.search(sentence.text) or len(sentence.text) <= SHORT_LINE
        # A team named for a pair is evidence enough; the other rules need a sentence about cooperation.
        for rule in SENTENCE_RULES.values() if about_cooperation else [_named_teams]:
            for a, b, directed, name in rule(ctx, sentence, chains if rule in (_joined, _named_teams) else free):
                add(a, b, directed, name, sentence)
    for a, b, rule, at in _abbreviated_pairs(ctx):
        add(a, b, False, rule, ctx.sentence_at(at))
    for sentence in ctx.sentences:
        chains = ctx.chains(sentence.start, sentence.end)
        if len(chains) == 2 and chains[0].start == sentence.start and chains[1].end == sentence.end and \
                re.fullmatch(r"\s*[—\-－]+\s*", ctx.text[chains[0].end:chains[1].start]):
            matched = _matching(ctx, *chains)  # a line of a list of pairs: 海曙区 —— 册亨县
            if matched:
                add(*matched, False, "pairing-listed-line", sentence)
    return list(found.values())


def _orient(ctx: Context, a: Entity, b: Entity, directed: bool) -> tuple[Entity, Entity] | None:
    if a is b or a.key == b.key:
        return None
    sides = (ctx.side(a), ctx.side(b))
    if a.place is None and a.type in BODY_TYPES and sides[0] is None and sides[1] == "assisted":
        return a, b  # an enterprise of no stated place that pairs with a village helps it
    if sides == ("helper", "assisted"):
        return a, b
    if sides == ("assisted", "helper"):
        return b, a
    return None


def _rank(ctx: Context, entity: Entity) -> int | None:
    """County-level divisions are one rank: a district may pair with a county."""
    level = ctx.level(entity)
    return 3 if entity.type in COUNTY_LEVEL else level


def _same_rank(ctx: Context, a: Entity, b: Entity) -> bool:
    ra, rb = _rank(ctx, a), _rank(ctx, b)
    if ra is None or rb is None:
        return False
    if ra == rb:
        return True
    return {ra, rb} <= {1, 2} and (ctx.is_municipality(a) or ctx.is_municipality(b))


def _helps_down(ctx: Context, helper: Entity, assisted: Entity) -> bool:
    """A directed statement may pair a division with one of the same rank or, at county level
    and above, below it (泉州市对口帮扶盐池县); towns and villages pair with their own rank."""
    if ctx.side(helper) == "assisted":
        helper, assisted = assisted, helper
    rh, ra = _rank(ctx, helper), _rank(ctx, assisted)
    if rh is None or ra is None:
        return False
    return rh == ra or rh < ra <= 3


def _rank_down(ctx: Context, a: Entity, b: Entity) -> bool:
    """A link verb written between two divisions pairs them whatever their ranks, as long as the
    helper is not below the one it helps (宁海县牵手望谟县麻山镇), save a town or street that helps a
    whole county (东莞's towns each took one in 昭通)."""
    helper, assisted = (a, b) if ctx.side(a) == "helper" else (b, a)
    rh, ra = _rank(ctx, helper), _rank(ctx, assisted)
    return rh is not None and ra is not None and (rh <= ra or (rh == 4 and ra == 3))


def _readings(ctx: Context, chain: Chain) -> list[Entity]:
    """What a chain may stand for: its entity, or another division its short form also names
    (广安 names both 广安市 and 广安区; beside 湖州, a city, it is the city)."""
    last = chain.members[-1]
    surface = ctx.text[last.start:last.end]
    return [last.entity] + [e for e in ctx.by_short.get(surface, ()) if e is not last.entity]


def _matching(ctx: Context, left: Chain, right: Chain) -> tuple[Entity, Entity] | None:
    for a in _readings(ctx, left):
        for b in _readings(ctx, right):
            if a is not b and _same_rank(ctx, a, b) and ctx.side(a) != ctx.side(b):
                return a, b
    return None


def _list_from(ctx: Context, chains: list[Chain], i: int) -> list[Chain]:
    """The chain at i and those listed after it (A、B和C), but not the first of another
    joined pair (X与A、Y与B: Y starts a pair of its own)."""
    items = [chains[i]]
    for j in range(i + 1, len(chains)):
        if not LIST_GAP.fullmatch(ctx.text[items[-1].end:chains[j].start]) or _joined_to_next(ctx, chains, j):
            break
        items.append(chains[j])
    return items


def _list_to(ctx: Context, chains: list[Chain], i: int) -> list[Chain]:
    """The chain at i and those listed before it, but not the last of another joined pair."""
    items = [chains[i]]
    for j in range(i - 1, -1, -1):
        if not LIST_GAP.fullmatch(ctx.text[chains[j].end:items[0].start]) or _joined_to_next(ctx, chains, j - 1):
            break
        items.insert(0, chains[j])
    return items


def _joined_to_next(ctx: Context, chains: list[Chain], j: int) -> bool:
    """Whether chain j is joined by 与/和 to a division of the other side (a pair of its own);
    joined to one of its own side, it is the last item of a list (A、B和C)."""
    return 0 <= j < len(chains) - 1 and bool(JOINED.fullmatch(ctx.text[chains[j].end:chains[j + 1].start].strip())) \
        and ctx.side(chains[j].entity) != ctx.side(chains[j + 1].entity)


def _verb_link(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """X [adverbs] 对口帮扶 Y[、Z和W]: the helper before a link verb, its partners after it."""
    for i, left in enumerate(chains[:-1]):
        right = chains[i + 1]
        if not VERB_LINK.fullmatch(ctx.text, left.end, right.start):
            continue
        for partner in _list_from(ctx, chains, i + 1):
            if _starts_a_name(ctx, partner):
                continue
            a, b = left.entity, partner.entity
            if ctx.side(a) != ctx.side(b) and _rank_down(ctx, a, b):
                yield a, b, True, "pairing-link-verb"


# The verbs that say a standing pairing, not a single act of help.
PAIRING_VERB = re.compile(r"(?:对口帮扶|对口支援|对口协作|结对帮扶|结对支援|挂钩帮扶|定点帮扶)(?:了|的是|着)?")
CLAUSE_OPENING = re.compile(rf"{NO_PUNCT}{{0,8}}?$")


def _topic_link(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """X坚持…，同时对口帮扶A和B: a clause with no division before its pairing verb has the
    sentence's topic as its subject, the division that opens the sentence."""
    if not chains or chains[0].start - sentence.start > 12 or ctx.side(chains[0].entity) != "helper":
        return
    topic = chains[0]
    for verb in PAIRING_VERB.finditer(ctx.text, topic.end, sentence.end):
        clause_start = max(ctx.text.rfind(p, topic.end, verb.start()) for p in "，,；;")
        if clause_start < 0 or not CLAUSE_OPENING.match(ctx.text[clause_start + 1:verb.start()]) \
                or any(clause_start < c.start < verb.start() for c in chains):
            continue
        first = next((i for i, c in enumerate(chains) if c.start == verb.end()), None)
        if first is None:
            continue
        for partner in _list_from(ctx, chains, first):
            if ctx.side(partner.entity) == "assisted" and not _starts_a_name(ctx, partner) \
                    and _rank_down(ctx, topic.entity, partner.entity):
                yield topic.entity, partner.entity, True, "pairing-topic-link"


def _starts_a_name(ctx: Context, chain: Chain) -> bool:
    """援建了三石镇扶贫大车间: the division begins the name of what was built, not a partner."""
    return any(p.start == chain.start and p.end > chain.end and p.entity.type not in
               ("Province", "City", "District", "County", "Town", "Village")
               for p in ctx.mentions_in(chain.start, chain.start + 1))


def _joined(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """X与Y (建立…关系), X与A、B (签下协议), A、B分别与C、D and A、B与C、D分别… (one to one),
    X、Y两地, X·Y."""
    for i, left in enumerate(chains[:-1]):
        right = chains[i + 1]
        gap = ctx.text[left.end:right.start].strip()
        if (left.in_name or right.in_name) and not re.fullmatch(r"·|[—\-－]+", gap):
            continue  # two divisions in one name are a pair only when the name joins them (南浔·广安…产业园)
        joined = bool(JOINED.fullmatch(gap)) or gap.endswith(("分别与", "分别和", "分别同"))
        if joined:
            lefts, rights = _list_to(ctx, chains, i), _list_from(ctx, chains, i + 1)
            if gap.startswith("分别") or "分别" in ctx.text[lefts[0].start - 4:lefts[0].start] or \
                    gap.endswith(("分别与", "分别和", "分别同")) or ctx.text.startswith("分别", rights[-1].end):
                pairs = list(zip(lefts, rights)) if len(lefts) == len(rights) else []
            elif len(lefts) == 1:
                pairs = [(left, r) for r in rights]
            elif len(rights) == 1:
                pairs = [(lft, right) for lft in lefts]
            else:
                pairs = []
            for a, b in pairs:
                matched = _matching(ctx, a, b)
                if matched:
                    yield *matched, False, "pairing-joined"
        elif BOTH_NAMED.fullmatch(gap) and (re.fullmatch(r"·|[—\-－]+", gap) or BOTH_AFTER.match(ctx.text, right.end)):
            matched = _matching(ctx, left, right)
            if matched:
                yield *matched, False, "pairing-both-named"


def _passive(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """Y…由X对口帮扶 and 结对帮扶Y的X: the partner named first, the helper after it."""
    for i, chain in enumerate(chains):
        if i and ctx.text[chain.start - 1:chain.start] == "由" and \
                re.match(rf"{NO_PUNCT}{{0,6}}?{LINK_VERB}", ctx.text[chain.end:sentence.end]):
            for partner in reversed(chains[:i]):
                if ctx.side(partner.entity) not in (None, ctx.side(chain.entity)):
                    if _helps_down(ctx, chain.entity, partner.entity):
                        yield chain.entity, partner.entity, True, "pairing-passive"
                    break
        if i + 1 < len(chains) and ctx.text[chain.end:chains[i + 1].start] == "的" and \
                re.search(rf"{LINK_VERB}(?:了)?$", ctx.text[max(sentence.start, chain.start - 8):chain.start]):
            helper = chains[i + 1].entity
            if ctx.side(helper) != ctx.side(chain.entity) and _helps_down(ctx, helper, chain.entity):
                yield helper, chain.entity, True, "pairing-relative-clause"


def _sent_or_built(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """X向Y捐赠…, X在Y投入…, 在Y，X援建…: aid between two divisions at county level and above."""
    for i, left in enumerate(chains[:-1]):
        right = chains[i + 1]
        if not _county_or_above(ctx, left.entity) or not _county_or_above(ctx, right.entity):
            continue
        gap_end = ctx.text[left.end:right.start]
        clause_after = ctx.text[right.end:_clause_end(ctx, right.end, sentence)]
        if TO_PARTNER.fullmatch(gap_end) and TRANSFER_VERB.search(clause_after):
            yield left.entity, right.entity, True, "pairing-aid-sent"
        elif GIVEN_TO.fullmatch(gap_end) and re.search(r"资金|\d|万元|亿元", clause_after) and \
                _same_rank(ctx, left.entity, right.entity):
            yield left.entity, right.entity, True, "pairing-aid-sent"
        elif IN_PLACE.fullmatch(gap_end) and AID_VERB.match(clause_after):
            yield left.entity, right.entity, True, "pairing-aid-sent"
    opening = re.match(r"在", sentence.text)
    if opening and chains and chains[0].start == sentence.start + 1:
        place = chains[0]
        comma = ctx.text.find("，", place.end, sentence.end)
        if comma >= 0 and comma - place.end <= 2:
            for chain in chains[1:]:
                if chain.start > comma and _county_or_above(ctx, chain.entity) and \
                        _county_or_above(ctx, place.entity) and AID_VERB.match(ctx.text[chain.end:sentence.end]):
                    yield chain.entity, place.entity, True, "pairing-aid-sent"
                    break


def _clause_end(ctx: Context, pos: int, sentence: Sentence) -> int:
    ends = [i for i in (ctx.text.find(p, pos, sentence.end) for p in "，,；;。") if i >= 0]
    return min(ends) if ends else sentence.end


def _county_or_above(ctx: Context, entity: Entity) -> bool:
    rank = _rank(ctx, entity)
    return rank is not None and rank <= 3


def _seconded(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """来自X、挂职Y副县长: a cadre of one side serving in the other."""
    if not SECONDMENT.search(sentence.text):
        return
    helpers = [c for c in chains if ctx.side(c.entity) == "helper" and _rank(ctx, c.entity) == 3]
    assisted = [c for c in chains if ctx.side(c.entity) == "assisted" and _rank(ctx, c.entity) == 3]
    if len(helpers) == 1 and len({c.entity.key for c in assisted}) == 1 and helpers[0].start < assisted[0].start:
        yield helpers[0].entity, assisted[0].entity, True, "pairing-seconded"


def _only_pair(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """In a sentence about pairing, the one eastern and one western division of matching
    rank (若尔盖县是秀洲区…的结对地区)."""
    if not PAIRING_CUE.search(sentence.text):
        return
    if chains and ctx.text[chains[0].start - 1:chains[0].start] == "在" and chains[0].start - 1 == sentence.start:
        chains = chains[1:]  # 在索伦镇，…: where it happened, not a side
    candidates = set()
    for a in chains:
        for b in chains:
            if ctx.side(a.entity) == "helper" and ctx.side(b.entity) == "assisted" and \
                    _rank(ctx, a.entity) == _rank(ctx, b.entity) is not None:
                candidates.add((a.entity.key, b.entity.key))
    if len(candidates) == 1:
        helper_key, assisted_key = next(iter(candidates))
        by_key = {c.entity.key: c.entity for c in chains}
        yield by_key[helper_key], by_key[assisted_key], True, "pairing-only-pair-in-sentence"


def _bodies_with_villages(ctx: Context, sentence: Sentence) -> Iterator[tuple[Entity, Entity, str]]:
    """X公司结对帮扶Y村, X公司与Y村签订结对协议, Y村得到X公司结对帮扶: a body paired with a
    village or town of the other side."""
    parties = [p for p in ctx.mentions_in(sentence.start, sentence.end)
               if p.entity.type in BODY_TYPES and p.entity.place is None and not ctx.inside_a_name(p)]
    villages = [c for c in ctx.chains(sentence.start, sentence.end) if c.entity.type in ("Village", "Town")
                and ctx.side(c.entity) == "assisted"]
    for body in parties:
        if ctx.side(body.entity) == "assisted":
            continue
        for village in villages:
            if village.start >= body.end:
                gap = ctx.text[body.end:village.start]
                clause = ctx.text[village.end:_clause_end(ctx, village.end, sentence)]
                if VERB_LINK.fullmatch(gap) or (JOINED.fullmatch(gap) and RELATION.search(clause)):
                    yield body.entity, village.entity, "pairing-body-with-village"
                    break
            elif RECEIVED_FROM.match(ctx.text[village.end:body.start]) and \
                    re.match(rf"{NO_PUNCT}{{0,4}}?{LINK_VERB}", ctx.text[body.end:sentence.end]):
                yield body.entity, village.entity, "pairing-body-with-village"


TEAM_LINK = re.compile(r"(?:对口帮扶|对口支援|帮扶|支援|援|驻|对口)")
TEAM_TYPES = ("Government", "Organization")


def _named_teams(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """潍坊市帮扶巫溪县工作队, 龙华区驻田林县工作组: a team named for the pair it serves."""
    for team in ctx.mentions_in(sentence.start, sentence.end):
        if team.entity.type not in TEAM_TYPES:
            continue
        inside = [c for c in ctx.chains(team.start, team.end, in_names=True) if c.end <= team.end]
        for left, right in zip(inside, inside[1:]):
            if TEAM_LINK.fullmatch(ctx.text[left.end:right.start]) and ctx.side(left.entity) == "helper" \
                    and ctx.side(right.entity) == "assisted" and _rank_down(ctx, left.entity, right.entity):
                yield left.entity, right.entity, True, "pairing-named-team"


PARTNERS_AFTER = re.compile(r"(?:等)?(?:[0-9一二两三四五六七八九十]+个?)?(?:结对|帮扶|对口|受援)(?:县|区|市|旗|州|县区|县市|区县|地区|乡镇)")


def _listed_partners(ctx: Context, sentence: Sentence, chains: list[Chain]) -> Iterator[PairFound]:
    """…麻栗坡县、马关县、富宁县三个结对县: a list named as the partners of the sentence's helper."""
    helpers = [c for c in chains if ctx.side(c.entity) == "helper"]
    if not helpers:
        return
    for i, chain in enumerate(chains):
        if ctx.side(chain.entity) != "assisted" or (i and LIST_GAP.fullmatch(ctx.text[chains[i - 1].end:chain.start])):
            continue
        items = _list_from(ctx, chains, i)
        if PARTNERS_AFTER.match(ctx.text, items[-1].end):
            helper = helpers[0].entity
            for item in items:
                if _rank_down(ctx, helper, item.entity):
                    yield helper, item.entity, True, "pairing-listed-partners"


SENTENCE_RULES: dict[str, SentenceRule] = {
    "link-verb": _verb_link,
    "topic-link": _topic_link,
    "joined": _joined,
    "passive": _passive,
    "aid-sent": _sent_or_built,
    "seconded": _seconded,
    "only-pair": _only_pair,
    "named-team": _named_teams,
    "listed-partners": _listed_partners,
}


def _abbreviated_pairs(ctx: Context) -> Iterator[tuple[Entity, Entity, str, int]]:
    """Two places' first characters run together: provinces (闽宁协作, 苏陕) and, before a
    word of cooperation or in quotes, counties and cities (津灵协作, “宁榆”牵手).  The text is
    read once for letters of the two sides side by side."""
    named = [e for e in ctx.entities if e.mentions and e.place is not None and e.place.code]
    letters: dict[str, dict[str, list[Entity]]] = {"helper": {}, "assisted": {}}
    for e in named:
        side = ctx.side(e)
        if side in letters:
            letter = _province_letter(e) if e.place.level == 1 else _first_letter(e)
            if letter:
                letters[side].setdefault(letter, []).append(e)
    seen: set[tuple[str, str]] = set()
    for i in range(len(ctx.text) - 1):
        helpers, assisted = letters["helper"].get(ctx.text[i]), letters["assisted"].get(ctx.text[i + 1])
        if not helpers or not assisted:
            continue
        for h in helpers:
            for a in assisted:
                provinces = h.place.level == 1 and a.place.level == 1
                if (h.key, a.key) in seen or not (provinces or (_same_rank(ctx, h, a) and h.place.level > 1)):
                    continue
                if _abbreviation_at(ctx, i, i + 2, strict=not provinces):
                    seen.add((h.key, a.key))
                    yield h, a, "pairing-abbreviation", i


def _province_letter(entity: Entity) -> str:
    return next((c for c, code in PROVINCE_LETTERS.items() if code == entity.place.code), "")


def _first_letter(entity: Entity) -> str:
    return (entity.place.short or entity.name)[:1]


def _abbreviation_at(ctx: Context, start: int, end: int, strict: bool) -> bool:
    """Two letters standing alone as an abbreviation: not inside a longer run of province
    letters (京津冀) nor inside a division's name, and, for places below the province, before a
    word of cooperation or in quotes."""
    before, after = ctx.text[start - 1:start], ctx.text[end:end + 1]
    if before in PROVINCE_LETTERS or after in PROVINCE_LETTERS:
        return False
    if any(p.start < end and start < p.end and (p.start < start or p.end > end)
           for p in ctx.mentions_in(max(0, start - 12), end) if p.entity.place is not None):
        return False  # the letters are part of a division's name (闽宁镇)
    return not strict or before == "“" or bool(ABBREVIATION_AFTER.match(ctx.text, end))
