"""Money: the kind of every amount, and who gave and got each transfer, on sentences written for each frame."""
from decimal import Decimal

import pytest

from kg.pipeline import extract_article
from kg.read import clean
from kg.relate.money import MONEY_KINDS


def money(text: str, date: str | None = None):
    article = clean("标题\n" + text, source="t.txt", where="t.txt")
    if date:
        from dataclasses import replace
        article = replace(article, date=date)
    return {m.amount: m for m in extract_article(article).money}


def parties(fact) -> tuple:
    return (fact.donor.name if fact.donor else None, fact.recipient.name if fact.recipient else None)


@pytest.mark.parametrize("text, yuan, expected", [
    ("天津市东丽区与甘南州卓尼县结对。东丽区华明街道向卓尼县柳林镇捐赠帮扶资金20万元。", 200000, ("华明街道", "柳林镇")),
    ("天津市东丽区与卓尼县结对。今年卓尼县柳林镇获得华明街道的产业帮扶资金25万元。", 250000, ("华明街道", "柳林镇")),
    ("天津市东丽区对口帮扶卓尼县。东丽区拿出专项资金300万元，为卓尼县修通了两条路。", 3000000, ("东丽区", "卓尼县")),
    ("宁波市对口帮扶黔西南州。宁波市今年安排黔西南州财政帮扶资金5.8亿元。", 580000000,
     ("宁波市", "黔西南布依族苗族自治州")),
    ("青岛市对口帮扶安顺市和陇南市。全年青岛市投入财政援助资金8亿元，其中安顺市4.1亿元、陇南市3.9亿元。", 390000000,
     ("青岛市", "陇南市")),
])
def test_money_parties_from_the_frames_of_giving(text, yuan, expected):
    assert parties(money(text)[Decimal(yuan)]) == expected


def test_money_receiver_after_the_amount_or_after_to_before_the_verb():
    found = money("天津市东丽区与卓尼县结对。东丽区华明街道拨出8万元给柳林镇修水渠。"
                  "东丽区全年统筹协作资金900万元，又分别向卓尼县拨付了600万元、临潭县300万元。")
    assert parties(found[Decimal(80000)]) == ("华明街道", "柳林镇")
    assert parties(found[Decimal(6000000)])[1] == "卓尼县"


def test_money_two_lists_paired_in_order():
    found = money("天津市东丽区与卓尼县结对。东丽区华明街道、金钟街道分别为卓尼县柳林镇、木耳镇送去帮扶资金12万元和18万元。")
    assert parties(found[Decimal(120000)]) == ("华明街道", "柳林镇")
    assert parties(found[Decimal(180000)]) == ("金钟街道", "木耳镇")


def test_money_kinds_plans_running_totals_and_years():
    found = money("天津市东丽区对口帮扶卓尼县。东丽区今年将安排帮扶资金2000万元。引进企业到位投资1.5亿元。"
                  "消费帮扶销售额达3600万元。园区年产值4亿元。务工人员月收入4000元。2017年以来累计投入帮扶资金1.2亿元。",
                  date="2021-05-01")
    kinds = {int(k): (m.kind, m.planned, m.cumulative, m.year) for k, m in found.items()}
    assert kinds[20000000] == ("transfer", True, False, "2021")
    assert kinds[150000000][0] == "investment" and kinds[36000000][0] == "sales"
    assert kinds[400000000][0] == "output" and kinds[4000][0] == "income"
    assert kinds[120000000] == ("transfer", False, True, "2017")
    assert {m.kind for m in found.values()} <= set(MONEY_KINDS)


def test_money_only_transfers_have_parties():
    found = money("天津市东丽区对口帮扶卓尼县。卓尼县务工人员在东丽区月收入4000元。")
    assert parties(found[Decimal(4000)]) == (None, None)
