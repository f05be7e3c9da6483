from .helpers import names_of


def entity(extraction, name):
    return next(e for e in extraction.entities if e.name == name)


def test_resolve_company_short_forms_folded(extractions):
    x = extractions["seed-hexi-kongtong.txt"]
    company = entity(x, "平凉市高科农林现代农业产业有限责任公司")
    assert {"高科农林", "高科农林公司"} <= company.aliases
    assert "高科农林公司" not in names_of(x)


def test_resolve_bare_stem_found_elsewhere_becomes_alias(extractions):
    company = entity(extractions["dev-03.txt"], "广安沃克斯迅达电梯有限公司")
    assert "沃克斯迅达" in company.aliases and len(company.mentions) >= 2


def test_resolve_project_variants_by_place_prefix_and_tail(extractions):
    orchard = [e for e in extractions["seed-hexi-kongtong.txt"].entities if e.name.endswith("苹果示范园")]
    assert len(orchard) == 1 and len(orchard[0].mentions) == 2
    plant = entity(extractions["dev-01.txt"], "琥珀镇供水站净水车间")
    assert "净水车间" in plant.aliases


def test_resolve_regions_get_short_forms_and_parents(extractions):
    x = extractions["seed-hexi-kongtong.txt"]
    kongtong = entity(x, "崆峒区")
    assert kongtong.code == "620802" and "崆峒" in kongtong.aliases
    assert kongtong.parent.name == "平凉市" and kongtong.parent.parent.name == "甘肃省"
    village = entity(x, "长沟门村")
    assert [village.parent.name, village.parent.parent.name] == ["四十里铺镇", "崆峒区"]
    unresolved = entity(x, "白河镇")
    assert not unresolved.resolved and unresolved.parent is kongtong


def test_resolve_person_named_again_gets_mentions(extractions):
    person = entity(extractions["dev-01.txt"], "王海林")
    assert person.role == "副主席" and len(person.mentions) == 2


def test_resolve_bodies_in_different_places_stay_apart(extractions):
    x = extractions["luyu-wuxi.txt"]
    assert {"济南市历城区人民医院", "巫溪县人民医院"} <= names_of(x, "Hospital")


def test_resolve_town_written_without_its_banner(extractions):
    x = extractions["jingmeng-chayouhouqi.txt"]
    town = entity(x, "土牧尔台镇")
    assert town.type == "Town" and town.parent.name == "察哈尔右翼后旗"
    assert entity(x, "察哈尔右翼后旗").aliases == {"察右后旗"}
