from kg.extract.regions import extract_regions
from kg.gazetteer import shared
from kg.read import clean


def regions(text: str):
    article = clean(text, source="t.txt", where="t.txt")
    mentions, warnings = extract_regions(article, shared())
    return {(m.span.text, m.name, m.type) for m in mentions}, warnings


def test_regions_short_forms_need_support():
    found, _ = regions("标题\n天津市河西区与甘肃平凉崆峒区结对。河西扶贫协作的足迹遍布崆峒。")
    assert ("河西", "河西区", "District") in found
    assert ("崆峒", "崆峒区", "District") in found
    assert ("甘肃", "甘肃省", "Province") in found
    assert ("平凉", "平凉市", "City") in found


def test_regions_lookalike_is_not_a_division():
    found, _ = regions("标题\n蓟州区与古浪县东西部扶贫协作。古浪县，河西走廊“门户”。")
    assert not any(name == "河西区" for _, name, _ in found)
    article = clean("标题\n天津市河西区与古浪县结对。古浪县是河西走廊的门户，河西扶贫干部常来。", "t.txt", "t.txt")
    mentions, _ = extract_regions(article, shared())
    short = [m for m in mentions if m.span.text == "河西"]
    assert len(short) == 1 and short[0].name == "河西区"
    assert article.text[short[0].span.end:short[0].span.end + 2] == "扶贫"


def test_regions_ambiguous_name_takes_reading_backed_by_context():
    article = clean("标题\n福建省福州市鼓楼区与西吉县结对帮扶。鼓楼区投入资金。", "t.txt", "t.txt")
    mentions, _ = extract_regions(article, shared())
    assert {m.place.code for m in mentions if m.name == "鼓楼区"} == {"350102"}


def test_regions_town_and_village_looked_up_inside_the_county():
    found, _ = regions("标题\n崆峒区白水镇白水村的苹果园。")
    assert ("白水镇", "白水镇", "Town") in found and ("白水村", "白水村", "Village") in found


def test_regions_a_town_and_its_village_of_the_same_name_are_the_town():
    found, _ = regions("标题\n通化县东宝新村的合作社今年扩大了种植面积，东宝新村的农户都来务工。")
    assert {(text, kind) for text, _, kind in found if text == "东宝新村"} == {("东宝新村", "Town")}


def test_regions_a_name_with_nothing_around_it_reads_as_the_division_with_a_code():
    article = clean("标题\n中山区和松山区的志愿者来到这里，金山区的企业也来了。", "t.txt", "t.txt")
    mentions, _ = extract_regions(article, shared())
    assert all(m.place.code for m in mentions if m.place is not None)
    assert {m.name for m in mentions} >= {"中山区", "松山区", "金山区"}


def test_regions_village_needs_its_town():
    found, _ = regions("标题\n古浪县向富民新村捐赠苗木。")
    assert not any(t == "Village" for _, _, t in found)
    found, _ = regions("标题\n古浪县西靖镇富民新村。")
    assert ("富民新村", "富民新村", "Village") in found


def test_regions_unknown_town_kept_unresolved_with_warning():
    found, warnings = regions("标题\n记者走进崆峒区白河镇白水村。")
    assert ("白河镇", "白河镇", "Town") in found
    assert warnings == ["白河镇: not a town of 崆峒区 in the gazetteer; kept as written, unresolved"]


def test_regions_no_town_without_county():
    found, _ = regions("标题\n白水镇是一个好地方。")
    assert not any(t == "Town" for _, _, t in found)


def test_regions_written_by_their_level_and_by_former_names():
    found, _ = regions("标题\n临夏州积石山县来了客人。河北省承德市2016年还叫平泉县的地方，如今是县级市。")
    assert ("临夏州", "临夏回族自治州", "City") in found
    assert ("积石山县", "积石山保安族东乡族撒拉族自治县", "County") in found
    assert ("平泉县", "平泉市", "County") in found


def test_regions_two_character_short_forms_the_tagger_reads_as_places():
    article = clean("标题\n北京市的企业也来了。在北京昌平、延庆一带，有上万名锅炉工。", "t.txt", "t.txt")
    from kg.extract.tagger import Tagger
    mentions, _ = extract_regions(article, shared(), Tagger(article.text))
    assert {m.name for m in mentions} >= {"昌平区", "延庆区"}
    without_tagger, _ = extract_regions(article, shared())
    assert "延庆区" not in {m.name for m in without_tagger}


def test_regions_towns_of_a_city_without_counties():
    found, _ = regions("标题\n东莞市长安镇的企业多。")
    assert ("长安镇", "长安镇", "Town") in found


def test_regions_two_character_county_where_its_city_is_named_and_the_tagger_reads_a_place():
    article = clean("标题\n定西市岷县与天津市北辰区结对以来，岷县的当归走进了天津。"
                    "北辰区设立岷县当归展销点，岷县药材公司也来了。", "t.txt", "t.txt")
    from kg.extract.tagger import Tagger
    mentions, _ = extract_regions(article, shared(), Tagger(article.text))
    assert sum(m.name == "岷县" for m in mentions) == 4
    article = clean("标题\n定西市已建成县级电商中心。", "t.txt", "t.txt")
    mentions, _ = extract_regions(article, shared(), Tagger(article.text))
    assert "成县" not in {m.name for m in mentions}


def test_regions_short_forms_listed_beside_a_known_sibling_and_provinces_the_tagger_reads():
    from kg.extract.tagger import Tagger
    article = clean("标题\n安顺市的务工人员来自紫云县、镇宁、关岭、普定等县。他以前在浙江打过工。", "t.txt", "t.txt")
    mentions, _ = extract_regions(article, shared(), Tagger(article.text))
    names = {m.name for m in mentions}
    assert {"镇宁布依族苗族自治县", "关岭布依族苗族自治县", "普定县", "浙江省"} <= names


def test_regions_a_bare_zone_word_or_two_places_town_is_no_town():
    found, _ = regions("标题\n南京市江宁区的乡镇（街道、开发区）都有结对。江宁与靖远县两地镇村结对。")
    assert not any(t == "Town" for _, _, t in found)
