from decimal import Decimal

import pytest

from kg.extract.amounts import money_amounts, quantities


@pytest.mark.parametrize("text, yuan, hedge", [
    ("累计投入1.07亿元产业扶贫资金", "107000000", None),
    ("拨付帮扶资金 3123 万元", "31230000", None),
    ("其中用于产业开发类项目 1355 余万元", "13550000", "atLeast"),
    ("提供的643万帮扶资金", "6430000", None),
    ("实现消费扶贫一亿二千万元", "120000000", None),
    ("拨付两千万元", "20000000", None),
    ("每月到手四千多元", "4000", "atLeast"),
    ("实现销售收入近1000万元", "10000000", "atMost"),
    ("投入资金129.27万元", "1292700", None),
    ("约500万元", "5000000", "about"),
])
def test_money_forms_normalised_to_yuan(text, yuan, hedge):
    (found,) = money_amounts(text)
    assert found.value == Decimal(yuan) and found.approximate == hedge
    assert text[found.span.start:found.span.end] == found.span.text


def test_money_not_found_in_counts_or_bare_numbers():
    assert money_amounts("拿出1.3万多个岗位，建成日光温室710座，2019年资金到位") == []


def test_quantities_are_not_money():
    text = "建成日光温室710座，受益群众710户；投入1.07亿元；20兆瓦光伏；补助基础母牛3520头；1.3万多个岗位；第一批项目"
    money = money_amounts(text)
    found = {(str(q.value), q.unit, q.approximate) for q in quantities(text, money)}
    assert ("710", "座", None) in found and ("710", "户", None) in found
    assert ("20", "兆瓦", None) in found and ("3520", "头", None) in found
    assert ("13000", "个", "atLeast") in found
    assert not any(unit == "批" for _, unit, _ in found)
    assert len(money) == 1


def test_quantities_in_chinese_numerals_and_not_inside_names():
    text = "西靖镇移民区万只羊场建成，派出二十多名教师，帮扶十二户。"
    found = {(str(q.value), q.unit, q.approximate) for q in quantities(text, money_amounts(text))}
    assert found == {("20", "名", "atLeast"), ("12", "户", None)}
