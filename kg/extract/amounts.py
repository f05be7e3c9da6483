"""Amounts of money and other quantities, normalised.

Finding a money span is a regular expression of ours (jionlp's extractor
misses "643万" written without 元); turning it into yuan is jionlp's
``parse_money``, which reads 1.07亿, 3123 万, 一亿二千万 and 四千多.  Modifiers
are kept as an ``approximate`` mark: 余/多 make the amount a lower bound,
近 an upper bound, 约 an estimate.  Quantities (户, 人, 亩, 兆瓦 …) are
numbers with a unit and never money.
"""
from __future__ import annotations

import contextlib
import io
import re
from decimal import Decimal
from functools import cache, lru_cache

from ..model import Amount, Span

CN_NUM = "零〇一二两三四五六七八九十百千万亿"
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_NUM}]+)"
# Each pattern opens with a look-ahead for the characters a match can begin with, which lets
# the regex engine skip every other position quickly: the scans run two to three times faster.
MONEY = re.compile(
    rf"(?=[近约超逾\d{CN_NUM}])(?P<hedge>近|约|超过|逾)?\s*(?P<num>{NUMBER})\s*(?P<more>余|多)?\s*(?P<unit>亿|千万|百万|万)?\s*"
    rf"(?P<more2>余|多)?\s*(?:(?P<yuan>元)|(?=(?:的)?(?:帮扶|扶贫|援助|协作|财政|专项|产业|援建)?(?:资金|款)))")
QUANTITY_UNITS = ("万平方米 平方米 平方公里 公里 兆瓦 千瓦 人次 场次 户 人 亩 座 头 辆 只 株 家 所 名 场 "
                  "处 项 吨 公斤 千克 套 台 间 个 批 条 次 期 栋 口 眼 棵 箱 件 斤 万元").split()
QUANTITY = re.compile(
    rf"(?=[\d{CN_NUM}])(?<!第)(?<![\d.,{CN_NUM}])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    rf"[一二两三四五六七八九][{CN_NUM}]*[十百千万][{CN_NUM}]*|十[{CN_NUM}]*)\s*(?P<more>余|多)?\s*"
    rf"(?P<wan>万)?\s*(?P<more2>余|多)?\s*(?P<unit>{'|'.join(u for u in QUANTITY_UNITS if u != '万元')})"
    rf"(?![元钱])")
HEDGES = {"余": "atLeast", "多": "atLeast", "超过": "atLeast", "逾": "atLeast", "近": "atMost", "约": "about"}


@cache
def _parse_money():
    """jionlp prints a banner on import; keep our stdout clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp import parse_money
    return parse_money


@cache
def _cn2an():
    import cn2an

    return cn2an


def load_parsers() -> None:
    """Import jionlp's and cn2an's parsers now instead of at first use (0.5 s), so that
    a build's forked workers inherit them instead of each importing its own."""
    _parse_money()
    _cn2an()


def money_amounts(text: str) -> list[Amount]:
    out = []
    for m in MONEY.finditer(text):
        if not m["yuan"] and not m["unit"]:
            continue  # a bare number before 资金 is not an amount
        if not re.search(r"\d", m["num"]) and len(m["num"]) == 1 and not m["unit"]:
            continue  # 万元 with no number
        number = m["num"].replace(",", "")
        written = "".join(p for p in (number, m["more"], m["unit"], m["more2"]) if p) + "元"
        value = _yuan(written)
        if value is None:
            continue
        start = m.start("num")
        hedge = m["hedge"] or m["more"] or m["more2"]
        out.append(Amount(value, "yuan", Span(start, m.end(), text[start:m.end()]),
                          HEDGES.get(hedge) if hedge else None))
    return out


@lru_cache(maxsize=4096)  # reports repeat their amounts (100万元, 50万元) and jionlp is slow
def _yuan(written: str) -> Decimal | None:
    try:
        parsed = _parse_money()(written)
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    num = parsed.get("num")
    if isinstance(num, list):
        num = num[0]
    if num is None or parsed.get("case") != "元":
        return None
    return _tidy(Decimal(num))


def _tidy(value: Decimal) -> Decimal:
    """13000.0 -> 13000, 1292700.00 -> 1292700, 0.50 -> 0.5: one spelling per number."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def quantities(text: str, money: list[Amount]) -> list[Amount]:
    taken = bytearray(len(text))  # the characters an amount of money covers
    for a in money:
        taken[a.span.start:a.span.end] = b"\x01" * (a.span.end - a.span.start)
    out = []
    for m in QUANTITY.finditer(text):
        start, end = m.span()
        if any(taken[start:end]):
            continue
        value = _number(m["num"])
        if value is None or value == 0:
            continue
        if m["wan"]:
            value *= 10000
        hedge = m["more"] or m["more2"]
        out.append(Amount(_tidy(value), m["unit"], Span(start, end, text[start:end]),
                          HEDGES.get(hedge) if hedge else None))
    return out


def _number(written: str) -> Decimal | None:
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", written):
        return Decimal(written.replace(",", ""))
    try:
        return Decimal(str(_cn2an().cn2an(written, "smart")))
    except (ValueError, KeyError):
        return None
