"""Pairings and money parties, on the samples and on hand-made reports of other pairs."""
from decimal import Decimal

import pytest


def pairs(x):
    return {(p.helper.name, p.assisted.name) for p in x.pairings}


def money(x, yuan):
    return next(m for m in x.money if m.amount == Decimal(yuan))


@pytest.mark.parametrize("name, expected", [
    ("seed-jizhou-gulang.txt", {("蓟州区", "古浪县")}),
    ("seed-hexi-kongtong.txt", {("河西区", "崆峒区")}),
    ("dev-01.txt", {("西青区", "麦积区")}),
    ("dev-02.txt", {("宁河区", "榆中县")}),
    ("dev-04.txt", {("雨花台区", "丹凤县")}),
    ("minning-xiji.html", {("鼓楼区", "西吉县"), ("福建省", "宁夏回族自治区")}),
    ("hudian-yuanyang.md", {("闵行区", "元阳县"), ("上海市", "云南省")}),
    ("yuegui-lingyun.txt", {("南山区", "凌云县")}),
    ("jingmeng-chayouhouqi.txt", {("海淀区", "察哈尔右翼后旗"), ("北京市", "内蒙古自治区")}),
    ("luyu-wuxi.txt", {("历城区", "巫溪县"), ("山东省", "重庆市")}),
    ("sushan-zhenan.txt", {("吴江区", "镇安县")}),
])
def test_relate_pairings_east_to_west(extractions, name, expected):
    assert pairs(extractions[name]) == expected


def test_relate_short_form_takes_the_reading_at_its_partners_level(extractions):
    assert pairs(extractions["dev-03.txt"]) == {("南浔区", "广安区"), ("浙江省", "四川省"), ("湖州市", "广安市")}


def test_relate_pairing_from_province_abbreviations_needs_both_provinces(extractions):
    assert ("浙江省", "四川省") in pairs(extractions["dev-03.txt"])
    assert not any(h == "江苏省" for h, _ in pairs(extractions["dev-04.txt"]))


def test_relate_money_parties_from_the_sides_of_the_pairing(extractions):
    x = extractions["seed-jizhou-gulang.txt"]
    grant = money(x, 107000000)
    assert (grant.donor.name, grant.recipient.name) == ("蓟州区", "古浪县")
    assert grant.purpose == "产业扶贫资金" and grant.period == "4年来"


def test_relate_money_subject_carried_from_the_sentence_before(extractions):
    x = extractions["seed-hexi-kongtong.txt"]
    repair = money(x, 1292700)
    assert (repair.donor.name, repair.recipient.name) == ("河西区", "崆峒区")
    ambulances = money(x, 1500000)
    assert (ambulances.donor.name, ambulances.recipient.name) == ("河西区", "崆峒区")


def test_relate_money_received_by_an_organisation(extractions):
    x = extractions["seed-hexi-kongtong.txt"]
    assert money(x, 2710000).recipient.name == "平凉市高科农林现代农业产业有限责任公司"
    y = extractions["hudian-yuanyang.md"]
    assert money(y, 8600000).recipient.name == "红米加工厂"


def test_relate_money_in_unseen_reports(extractions):
    x = extractions["minning-xiji.html"]
    grant = money(x, 20000000)
    assert (grant.donor.name, grant.recipient.name, grant.period) == ("鼓楼区", "西吉县", "2020年")
    y = extractions["yuegui-lingyun.txt"]
    grant = money(y, 86000000)
    assert (grant.donor.name, grant.recipient.name, grant.approximate) == ("南山区", "凌云县", "atLeast")
    assert money(y, 30000000).approximate == "atMost"


def test_relate_quantities_keep_sentence_and_subject(extractions):
    x = extractions["seed-hexi-kongtong.txt"]
    cows = next(q for q in x.quantities if q.unit == "头")
    assert cows.value == 3520 and "基础母牛" in cows.sentence.text
    text = x.article.text
    assert text[cows.sentence.start:cows.sentence.end] == cows.sentence.text
    assert cows.subject is not None


def test_relate_recipient_is_the_subject_that_receives(extractions):
    x = extractions["sushan-zhenan.txt"]
    grant = money(x, 205000000)
    assert (grant.donor.name, grant.recipient.name) == ("吴江区", "镇安县")
    y = extractions["luyu-wuxi.txt"]
    grant = money(y, 42000000)
    assert (grant.donor.name, grant.recipient.name, grant.period) == ("历城区", "巫溪县", "2019年")


def test_relate_thousands_separators(extractions):
    assert money(extractions["jingmeng-chayouhouqi.txt"], 12500000).donor.name == "海淀区"
    assert money(extractions["sushan-zhenan.txt"], 35600000).period is None


def test_relate_sales_wages_and_investment_totals_are_not_transfers(extractions):
    for name, yuan in [("sushan-zhenan.txt", 35600000), ("dev-03.txt", 1800000000), ("dev-03.txt", 4500),
                       ("dev-02.txt", 23500000), ("seed-hexi-kongtong.txt", 48857900)]:
        fact = money(extractions[name], yuan)
        assert fact.donor is None and fact.recipient is None and fact.rule == "amount-not-a-transfer", name
