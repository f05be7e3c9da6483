"""Persons: titles before names, and the tagger's reading where no rule has one."""
from kg.extract import extract_mentions
from kg.gazetteer import shared
from kg.read import clean


def persons(text: str) -> dict[str, str]:
    mentions, _ = extract_mentions(clean("标题\n" + text, source="t.txt", where="t.txt"), shared())
    return {m.name: m.rule for m in mentions if m.type == "Person"}


def test_persons_after_a_title_by_rule_and_by_tagger():
    found = persons("村民马秀英说，日子好了。嘎查牧民巴特尔赶着牛群。县扶贫办主任 刀建新介绍了情况。")
    assert found["马秀英"] == "title-then-name"
    assert found["巴特尔"] == "title-then-tagged-name"
    assert found["刀建新"] == "title-then-name"


def test_persons_named_before_what_they_do():
    found = persons("合作社的新房子盖好了，次仁多吉笑着说，今年收入翻了一番。阿依古丽一家也搬了新居。")
    assert found["次仁多吉"] == found["阿依古丽"] == "tagged-name-then-deed"


def test_persons_never_words_credits_or_pronouns():
    found = persons("他说，还要再干。记者张国华报道。村民马上行动起来。全县一盘棋。医生查房很仔细。")
    assert not found


def test_persons_after_the_words_reports_use_for_cadres_doctors_hosts_and_townsfolk():
    found = persons("派驻干部何志远第一次进村。县医院来了主任医师冯雪梅和护士长郑丽。"
                    "直播间里，主播许佳慧推荐了土蜂蜜。开店的老板黄建军是个热心人，退休市民罗秀珍也来捧场。"
                    "实验中学副校长邵明挂任县一中校长。")
    assert {"何志远", "冯雪梅", "郑丽", "许佳慧", "黄建军", "罗秀珍", "邵明"} <= set(found)
    assert "何志远第" not in found
