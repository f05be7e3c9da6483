"""Every amount of money: what kind it is, and for money given, who gave and who got it.

Kinds: a *transfer* is money one side gives the other (帮扶资金, 捐赠, 援建,
捐款物折价); *investment* is money an enterprise puts in (引进/到位投资,
计划投资); *sales* are purchases and sales (消费帮扶, 采购, 订单); *output*
is what a business or place produces (产值, 营业额); *income* is what a
household or worker earns (工资, 分红, 增收); *other* is the rest (a price).
The kind comes from the word about money nearest the amount in its clause.
An amount can also be *planned* (将安排, 计划, 拟投入) or *cumulative*
(累计, 自2017年以来, 三年来), so that no sum adds a running total to the
years inside it.

Only transfers have a donor and a recipient, read from the frames Chinese
uses for giving, at any level (a street, a village, an enterprise, a bureau):

* X向/为/给Y捐赠… and, with 分别, two lists paired in order (A、B分别为C、D
  送去15万元和30万元);
* Y获得/争取到X的…资金 (receiving verbs);
* X的…资金, X帮扶资金 (the giver before the money);
* …资金注入/拨付至/用于Y (the receiver after it);
* the subject of the sentence, carried over from the sentence before when
  it is left out, as Chinese prose does; and, last, the pairing: a helper's
  money goes to the division it is paired with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Amount, Entity, Money, Pairing, Sentence
from .context import Context

MONEY_KINDS = ("transfer", "investment", "sales", "output", "income", "other")
# Words about money, by the kind they make an amount; the nearest to the amount decides.
KIND_CUES = {
    "income": r"工资|收入|分红|月薪|年薪|日薪|薪水|报酬|挣|增收|人均|每人|每户|户均|补贴|奖励|务工|到手|一天|每天|每月|每年",
    "sales": r"销售|售出|卖出|卖了|卖到|采购|购买|买了|消费帮扶|消费扶贫|消费协作|订单|交易|成交|带货|销往|签约额",
    "output": r"产值|营业额|营收|收益|利润|税收|产出|效益|市值",
    "investment": r"投资|注册资本|注册资金|融资|招商|引资",
    "transfer": r"资金|帮扶款|捐赠|捐助|捐款|捐资|捐建|捐物|出资|拨付|拨款|拨出|再拨|援助|援建|资助|补助|救助|善款|物资|慰问金|"
                r"助学金|奖学金|折价|折合|投入|划拨|下达|送去|送来|帮扶|筹措|筹集|支持|提供",
}
KIND_CUE = re.compile("|".join(f"(?P<{kind}>{cues})" for kind, cues in KIND_CUES.items()))
PLANNED = re.compile(r"计划|将要|将再|将|拟|预计|力争|准备|打算|目标|意向")
PART_OF_A_TOTAL = re.compile(r"其中|(?:19|20)\d{2}\s*年|今年|当年|去年")
CUMULATIVE = re.compile(r"累计|共计|总计|合计|先后|以来|年来|至今|截至|截止|历年|多年")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年|(今年|当年|去年)")
PURPOSE = (r"((?:东西部|苏陕|闽宁|沪滇|粤桂|浙川|津甘|京蒙|鲁渝|财政|社会|产业|专项|帮扶|扶贫|援助|援建|"
           r"协作|消费|项目|配股|入股)+(?:资金|款|物资)|消费扶贫|产业扶贫|消费帮扶)")
PURPOSE_AFTER = re.compile(r"(?:的)?" + PURPOSE)
PURPOSE_BEFORE = re.compile(PURPOSE + r"(?:累计|共计|共|达|了|合计|约|近|超过)?\s*$")
PERIOD = re.compile(r"((?:19|20)\d{2}\s*年(?:以来|至今|起|底|前)?(?:\d{1,2}月)?|"
                    r"[0-9一二三四五六七八九十两]+年多?(?:来|以来|间|时间里)|近年来|多年来)")

PARTY_TYPES = {"Province", "City", "District", "County", "Town", "Village", "Enterprise", "School",
               "Hospital", "Government", "Organization"}
TO_PARTY = r"(?:向|为|给|帮|帮助|资助|援助|支持|对)"
# The giver written before the money: 天津帮扶资金, 鹤山市的对口帮扶资金, 龙岗区慈善资金.
GIVER_BEFORE_FUNDS = re.compile(r"(?:的)?(?:东西部|对口|扶贫|帮扶|援助|援建|协作|财政|专项|慈善|捐赠|各类|社会|产业|项目|"
                                r"教育|医疗|就业|消费)*"
                                r"(?:资金|款|物资|善款)")
RECEIVING_VERB = re.compile(r"承接|获得|收到|接收|争取到|争取|得到|获")
GIVING_VERB = re.compile(r"(?:安排|投入|拨付|下达|落实|划拨|提供|援助|给予|支持|拨)$")
TAKING_VERB = re.compile(RECEIVING_VERB.pattern + r"|动用|使用|拿出|用好|利用")
RECEIVER_AFTER = re.compile(r"[^，。；,;]{0,12}?(?:注入|拨付至|拨付到|拨付给|拨至|拨给|投向|投到|用于|支持|资助|帮助|"
                            r"捐给|送给|交给|落实到|落到)|给(?!予)")
CLAUSE_MARKS = "，,；;：:"


@dataclass
class _Party:
    start: int
    end: int
    entity: Entity


def attribute_money(ctx: Context, amounts: list[Amount], pairings: list[Pairing]) -> list[Money]:
    facts: list[Money] = []
    carried: tuple[Sentence | None, Entity | None, Entity | None] = (None, None, None)
    respective = _respective_parties(ctx, amounts)
    for amount in amounts:
        sentence = ctx.sentence_at(amount.span.start)
        kind = money_kind(ctx.text, sentence, amount)
        if kind == "investment" and _invested_by_a_helper(ctx, sentence, amount):
            kind = "transfer"
        fact = Money(amount.value, amount.span, sentence, "amount-not-a-transfer", amount.approximate,
                     purpose=_purpose(ctx.text, amount), period=_period(ctx.text, sentence, amount), kind=kind,
                     planned=_marked(ctx.text, sentence, amount, PLANNED),
                     cumulative=_marked(ctx.text, sentence, amount, CUMULATIVE),
                     year=_year(ctx, sentence, amount))
        facts.append(fact)
        if kind != "transfer":
            continue
        donor, recipient, rule = respective.get(amount.span.start) or _frame_parties(ctx, sentence, amount)
        previous, carried_donor, carried_recipient = carried
        if previous is not None and _same_paragraph(ctx.text, previous, sentence):
            donor = donor or carried_donor
            recipient = recipient or carried_recipient
        if donor is None and recipient is None:
            donor, recipient = _earlier_subject(ctx, sentence)
        donor, recipient = _from_pairings(ctx, donor, recipient, pairings, sentence)
        carried = (sentence, donor, recipient)
        fact.donor, fact.recipient, fact.rule = donor, recipient, rule
    return facts


def money_kind(text: str, sentence: Sentence, amount: Amount) -> str:
    """The kind of the nearest word about money in the amount's clause (before it counts
    double the distance after it: 帮扶资金100万元 and 100万元帮扶资金 are both transfers)."""
    start = _clause_start(text, sentence, amount.span.start)
    end = _clause_end(text, sentence, amount.span.end)
    best: tuple[int, str] | None = None
    for m in KIND_CUE.finditer(text, start, end):
        if amount.span.start <= m.start() < amount.span.end:
            continue
        distance = amount.span.start - m.end() if m.end() <= amount.span.start else 2 * (m.start() - amount.span.end)
        if best is None or distance < best[0]:
            best = (distance, m.lastgroup)
    if best is not None:
        return best[1]
    sentence_cue = KIND_CUE.search(sentence.text)
    return sentence_cue.lastgroup if sentence_cue and sentence_cue.lastgroup == "transfer" else "other"


def _invested_by_a_helper(ctx: Context, sentence: Sentence, amount: Amount) -> bool:
    """河西区投资70万元: a government's 投资 in the other side is aid, not an enterprise's
    investment; so when the clause's subject is an eastern division and no business is named."""
    start = _clause_start(ctx.text, sentence, amount.span.start)
    parties = _parties(ctx, sentence.start, amount.span.start)
    subject = next((p for p in parties if p.start >= start), parties[0] if parties else None)
    if subject is None or subject.entity.place is None or ctx.side(subject.entity) != "helper":
        return False
    return not re.search(r"企业|公司|集团|厂|商|社会资本", ctx.text[subject.end:amount.span.start])


def _earlier_subject(ctx: Context, sentence: Sentence) -> tuple[Entity | None, Entity | None]:
    """A sentence that names no party takes the subject of the one or two before it in its
    paragraph (同时，投入帮扶资金129.27万元…)."""
    earlier = sentence
    for _ in range(2):
        earlier = ctx.sentence_before(earlier)
        if earlier is None or not _same_paragraph(ctx.text, earlier, sentence):
            break
        parties = [p for p in _parties(ctx, earlier.start, earlier.end) if p.entity.place is not None]
        if parties:
            side = ctx.side(parties[0].entity)
            return (parties[0].entity, None) if side == "helper" else (None, parties[0].entity) \
                if side == "assisted" else (None, None)
    return None, None


def _marked(text: str, sentence: Sentence, amount: Amount, cue: re.Pattern) -> bool:
    """Whether the amount's clause says so; a running total is also said once for a whole
    sentence (2017年以来，…累计…, …), except for a part of it (其中2020年…)."""
    start = _clause_start(text, sentence, amount.span.start)
    if cue.search(text, start, amount.span.start):
        return True
    return cue is CUMULATIVE and bool(cue.search(text, sentence.start, start)) and \
        not PART_OF_A_TOTAL.search(text, start, amount.span.start)


def _year(ctx: Context, sentence: Sentence, amount: Amount) -> str | None:
    found = list(YEAR.finditer(ctx.text, sentence.start, amount.span.start)) or \
        list(YEAR.finditer(ctx.text, amount.span.end, sentence.end))[:1]
    if not found:
        return None
    m = found[-1]
    if m.group(1):
        return m.group(1)
    published = ctx.article.date[:4] if ctx.article.date else None
    if published is None:
        return None
    return {"今年": published, "当年": None, "去年": str(int(published) - 1)}[m.group(2)]


def _parties(ctx: Context, start: int, end: int) -> list[_Party]:
    """Who may give or receive money, in text[start:end]: divisions (a run of them stands for
    the last), bodies and enterprises, but not the divisions their names begin with."""
    parties = [_Party(c.start, c.end, c.entity) for c in ctx.chains(start, end)]
    parties += [_Party(p.start, p.end, p.entity) for p in ctx.mentions_in(start, end)
                if p.entity.type in PARTY_TYPES and p.entity.place is None and p.entity.resolved]
    return sorted(parties, key=lambda p: p.start)


def _frame_parties(ctx: Context, sentence: Sentence, amount: Amount) -> tuple[Entity | None, Entity | None, str]:
    text, at = ctx.text, amount.span.start
    before = [p for p in _parties(ctx, sentence.start, at)
              if not _in_source_phrase(ctx, sentence, p) and not _where(ctx, p)]
    donor = recipient = None
    rule = "money-sentence-subject"
    for i, party in enumerate(before[1:], 1):
        # X向Y…: the one after the particle receives, the one before it gives.
        if re.fullmatch(rf"[^，。；,;]{{0,14}}?{TO_PARTY}", text[before[i - 1].end:party.start]):
            donor, recipient, rule = before[i - 1].entity, party.entity, "money-giver-to-receiver"
    for i, party in enumerate(before):
        # X安排Y…资金: the one between a verb of giving and the money receives it, the one before gives.
        if recipient is None and GIVER_BEFORE_FUNDS.match(text, party.end) and \
                GIVING_VERB.search(text, max(sentence.start, party.start - 4), party.start):
            recipient, rule = party.entity, "money-giver-verb-receiver"
            donor = before[i - 1].entity if i and not _clause_between(text, before[i - 1].end, party.start) else None
    for party in reversed(before):
        if donor is None and party.entity is not recipient and GIVER_BEFORE_FUNDS.match(text, party.end):
            donor, rule = party.entity, "money-giver-before-funds"
    named_before = _party_right_before(ctx, before, at)
    if named_before is not None and named_before.entity is not donor:
        # 其中察右后旗7260万元、察右中旗6980万元; 海曙区投入册亨县9800万元: the one named right
        # before an amount in a breakdown or after a verb of giving gets it.
        recipient, rule = named_before.entity, "money-named-with-amount"
        if donor is None:
            givers = [p for p in before if p.end <= named_before.start and ctx.side(p.entity) != "assisted"]
            donor = givers[-1].entity if givers and GIVING_VERB.search(text, givers[-1].end, named_before.start + 1) \
                else donor
    verb = None
    for m in TAKING_VERB.finditer(text, sentence.start, at):
        verb = m
    if recipient is None and verb is not None:
        subjects = [p for p in before if p.end <= verb.start() and p.entity is not donor]
        in_clause = [p for p in subjects if p.start >= _clause_start(text, sentence, verb.start())]
        taker = (in_clause or subjects[:1] or [None])[-1]
        # Who receives takes (获得); who uses (拿出, 动用) took it before if western, gives if eastern.
        if taker is not None and (RECEIVING_VERB.fullmatch(verb.group()) or ctx.side(taker.entity) == "assisted"):
            recipient, rule = taker.entity, "money-receiver-verb"
    if recipient is None:
        target = _receiver_after(ctx, sentence, amount)
        if target is not None and target is not donor:
            recipient, rule = target, "money-receiver-after"
    if donor is None and before:
        subject = _subject(ctx, sentence, before, at)
        if subject is not None and subject.entity is not recipient:
            side = ctx.side(subject.entity)
            if side == "assisted" and recipient is None and not _gives(ctx, subject, at):
                recipient = subject.entity
            elif side != "assisted":
                donor = subject.entity
    return donor, recipient, rule


def _party_right_before(ctx: Context, before: list[_Party], at: int) -> _Party | None:
    """A western division or body written just before an amount, after 其中, a list mark or a
    verb of giving (其中A 100万元、B 80万元; 投入B 100万元)."""
    if not before or at - before[-1].end > (3 if ctx.text[at - 1:at] == "了" else 2) \
            or ctx.side(before[-1].entity) == "helper":
        return None
    party = before[-1]
    lead = ctx.text[max(0, party.start - 4):party.start]
    return party if re.search(r"(?:其中|、|，|,|投入|援助|拨付|安排|下达|投向|分别向|向)$", lead) else None


def _where(ctx: Context, party: _Party) -> bool:
    """在X…: the place where something happens, not who gives or gets."""
    return ctx.text[party.start - 1:party.start] == "在"


def _in_source_phrase(ctx: Context, sentence: Sentence, party: _Party) -> bool:
    """据X统计, 记者从X获悉: the one who reports, not a party to the money."""
    lead = ctx.text[max(sentence.start, party.start - 4):party.start]
    after = ctx.text[party.end:party.end + 4]
    return bool(re.search(r"据$|从$", lead)) and bool(re.match(r"(?:的)?(?:统计|介绍|了解|获悉|报道|消息|数据)", after))


def _receiver_after(ctx: Context, sentence: Sentence, amount: Amount) -> Entity | None:
    """…资金注入Y, …用于Y, and in the next clause …，为Y翻修危房 / …，拨付至Y."""
    text = ctx.text
    after = RECEIVER_AFTER.match(text, amount.span.end)
    if after is None:
        next_clause = re.compile(r"[，,]\s*(?:[^，。；,;]{0,16}?(?:拨付至|拨付到|拨至|注入|交给|捐给)|(?:为|给|帮|帮助|支持|让|用于))")
        after = next_clause.match(text, _clause_end(text, sentence, amount.span.end))
    if after is None:
        return None
    targets = _parties(ctx, after.end(), _clause_end(text, sentence, after.end()) + 1)
    if not targets or targets[0].start - after.end() > 2:
        return None
    return _whole_of_a_list(ctx, targets[0]) or targets[0].entity


def _whole_of_a_list(ctx: Context, party: _Party) -> Entity | None:
    """支持东兰县长乐镇、武篆镇: money for several towns of a county goes to the county (and for
    several villages of a town, to the town)."""
    if ctx.text[party.end:party.end + 1] != "、":
        return None
    chain = next((c for c in ctx.chains(party.start, party.end + 1) if c.start == party.start), None)
    heads = [p.entity for p in chain.members[:-1] if p.entity.type in ("County", "District", "City", "Town")] if chain else []
    return heads[-1] if heads else None


def _subject(ctx: Context, sentence: Sentence, before: list[_Party], at: int) -> _Party | None:
    """Who the amount's clause is about: its first party, else the sentence's first, after a
    leading 在… (where something happened) phrase."""
    clause = [p for p in before if p.start >= _clause_start(ctx.text, sentence, at)]
    if clause:
        return clause[0]
    first = before[0]
    lead = ctx.text[sentence.start:first.start]
    if lead.endswith("在") or re.search(r"在[^，]*$", lead):
        later = [p for p in before[1:] if ctx.text.find("，", first.end, p.start) >= 0]
        return later[0] if later else None
    return first


def _gives(ctx: Context, party: _Party, at: int) -> bool:
    return bool(re.search(r"投入|捐|拨|援建|出资|安排|落实|提供|送", ctx.text[party.end:at]))


def _clause_between(text: str, a: int, b: int) -> bool:
    return any(mark in text[a:b] for mark in "，,；;。")


def _respective_parties(ctx: Context, amounts: list[Amount]) -> dict[int, tuple[Entity, Entity, str]]:
    """A、B分别为C、D送去15万元和30万元: lists of givers and receivers paired in order with
    the amounts that follow."""
    found: dict[int, tuple[Entity, Entity, str]] = {}
    for m in re.finditer(rf"分别{TO_PARTY}", ctx.text):
        sentence = ctx.sentence_at(m.start())
        givers = _listed(ctx, _parties(ctx, sentence.start, m.start()), backwards=True)
        receivers = _listed(ctx, _parties(ctx, m.end(), sentence.end), backwards=False)
        listed = [a for a in amounts if receivers and a.span.start > receivers[-1].end and a.span.start < sentence.end]
        if givers and len(givers) == len(receivers) == len(listed[:len(givers)]) and len(givers) > 1:
            for giver, receiver, amount in zip(givers, receivers, listed):
                found[amount.span.start] = (giver.entity, receiver.entity, "money-respectively")
    return found


def _listed(ctx: Context, parties: list[_Party], backwards: bool) -> list[_Party]:
    """The parties of one list (A、B和C) at the end (backwards) or start of ``parties``."""
    if not parties:
        return []
    ordered = list(reversed(parties)) if backwards else parties
    items = [ordered[0]]
    for nxt in ordered[1:]:
        a, b = (nxt, items[-1]) if backwards else (items[-1], nxt)
        if not re.fullmatch(r"、|和|及|与", ctx.text[a.end:b.start]):
            break
        items.append(nxt)
    return list(reversed(items)) if backwards else items


def _from_pairings(ctx: Context, donor: Entity | None, recipient: Entity | None, pairings: list[Pairing],
                   sentence: Sentence) -> tuple[Entity | None, Entity | None]:
    """Fill a missing side from the pairings: a helper's money goes to the one division it
    is paired with, and money a division receives comes from its one helper."""
    if donor is not None and recipient is None:
        partners = {p.assisted.key: p.assisted for p in pairings if p.helper.key == donor.key}
        named = {p.entity.key for p in ctx.mentions_in(sentence.start, sentence.end)}
        if len(partners) > 1 and len(set(partners) & named) == 1:  # the partner the sentence names
            partners = {k: v for k, v in partners.items() if k in named}
        if not partners and donor.place is not None:  # 天津市's money, in a report on 津南区 and 灵台县
            partners = {p.assisted.key: p.assisted for p in pairings if p.helper.place is not None
                        and donor.place in ctx.gaz.ancestors(p.helper.place)}
        if len(partners) == 1:
            recipient = next(iter(partners.values()))
    elif recipient is not None and donor is None:
        helpers = {p.helper.key: p.helper for p in pairings if p.assisted.key == recipient.key}
        if len(helpers) == 1:
            donor = next(iter(helpers.values()))
    elif donor is None and recipient is None and len({(p.helper.key, p.assisted.key) for p in pairings}) == 1:
        donor, recipient = pairings[0].helper, pairings[0].assisted
    return donor, recipient


def _clause_start(text: str, sentence: Sentence, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after the last clause mark before it."""
    return max([sentence.start] + [text.rfind(m, sentence.start, pos) + 1 for m in CLAUSE_MARKS])


def _clause_end(text: str, sentence: Sentence, pos: int) -> int:
    ends = [i for i in (text.find(p, pos, sentence.end) for p in "，,；;。") if i >= 0]
    return min(ends) if ends else sentence.end


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

