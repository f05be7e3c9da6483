"""Pairings, each rule on a sentence written for it (not taken from any report it was fitted on)."""
import pytest

from kg.pipeline import extract_article
from kg.read import clean
from kg.relate.pairings import SENTENCE_RULES


def pairings(text: str) -> dict[tuple[str, str], str]:
    x = extract_article(clean("标题\n" + text, source="t.txt", where="t.txt"))
    return {(p.helper.name, p.assisted.name): p.rule for p in x.pairings}


@pytest.mark.parametrize("text, expected, rule", [
    ("东西部协作中，福州市鼓楼区今年继续对口帮扶宁夏固原市西吉县、隆德县和泾源县。",
     {("鼓楼区", "西吉县"), ("鼓楼区", "隆德县"), ("鼓楼区", "泾源县")}, "pairing-link-verb"),
    ("南京市江宁区秣陵街道、淳化街道分别与商洛市丹凤县棣花镇、竹林关镇结成对子。",
     {("秣陵街道", "棣花镇"), ("淳化街道", "竹林关镇")}, "pairing-joined"),
    ("2018年起，甘肃省庆阳市镇原县由天津市静海区对口帮扶。", {("静海区", "镇原县")}, "pairing-passive"),
    ("东莞市塘厦镇今年起结对帮扶昭通市巧家县。", {("塘厦镇", "巧家县")}, "pairing-link-verb"),
    ("会上，鄞州区下应街道、姜山镇与望谟县复兴镇、打易镇分别签下结对协议。",
     {("下应街道", "复兴镇"), ("姜山镇", "打易镇")}, "pairing-joined"),
    ("结对帮扶兰州市榆中县的天津市宁河区又派来了12名医生。", {("宁河区", "榆中县")}, "pairing-relative-clause"),
    ("近两年，江苏省常州市武进区立足自身优势，先后对口帮扶陕西省汉中市镇巴县和西乡县。",
     {("武进区", "镇巴县"), ("武进区", "西乡县")}, "pairing-topic-link"),
    ("东西部协作以来，厦门市海沧区向临夏州积石山县拨付资金800万元。",
     {("海沧区", "积石山保安族东乡族撒拉族自治县")}, "pairing-aid-sent"),
    ("从宁波市北仑区来到黔西南州晴隆县挂职的干部李明华说，产业要接着扶。", {("北仑区", "晴隆县")}, "pairing-seconded"),
    ("深圳市龙岗区驻那坡县工作组的干部常驻百色市那坡县。", {("龙岗区", "那坡县")}, "pairing-named-team"),
    ("在东西部协作中，天津市宝坻区的结对地区是兰州市永登县。", {("宝坻区", "永登县")}, "pairing-only-pair-in-sentence"),
    ("北京市海淀区把乌兰察布市察哈尔右翼后旗、化德县两个结对旗县的事当成自家事。",
     {("海淀区", "察哈尔右翼后旗"), ("海淀区", "化德县")}, "pairing-listed-partners"),
    ("天津市蓟州区派出的医生到了武威市古浪县。“蓟古”协作越走越实。", {("蓟州区", "古浪县")}, "pairing-abbreviation"),
    ("天津宏达食品有限公司与古浪县西靖镇富民新村结对帮扶，捐了一批苗木。",
     {("天津宏达食品有限公司", "富民新村")}, "pairing-body-with-village"),
    ("宁波市结对县区一览\n海曙区——册亨县\n北仑区——晴隆县", {("海曙区", "册亨县"), ("北仑区", "晴隆县")}, None),
])
def test_pairings_each_way_reports_state_a_pair(text, expected, rule):
    found = pairings(text)
    assert expected <= set(found)
    assert rule is None or all(found[pair] == rule for pair in expected)


def test_pairings_never_two_of_one_side_and_never_a_place_in_a_name():
    found = pairings("天津市河西区与天津市南开区合作。厦门市海沧区援建了积石山县大河家镇海沧大桥。")
    assert not any(h.endswith("南开区") or a.endswith("南开区") for h, a in found)
    assert all(a != "大河家镇" for _, a in found)


def test_pairings_one_to_one_lists_not_crossed():
    found = pairings("西青区杨柳青镇与卓尼县柳林镇、辛口镇与木耳镇签订镇镇结对协议。")
    assert {("杨柳青镇", "柳林镇"), ("辛口镇", "木耳镇")} <= set(found)
    assert ("辛口镇", "柳林镇") not in found and ("杨柳青镇", "木耳镇") not in found


def test_pairings_rules_are_a_registry_of_one_shape():
    import inspect
    for name, rule in SENTENCE_RULES.items():
        assert list(inspect.signature(rule).parameters) == ["ctx", "sentence", "chains"], name
