import importlib.metadata

import pytest

from kg.gazetteer import TOWN, Gazetteer, build_cache, cache_path, shared
from kg.model import KgError


def test_gazetteer_codes_and_parents():
    gaz = shared()
    gulang = gaz.by_name["古浪县"][0]
    assert gulang.code == "620622" and gulang.type == "County"
    assert [p.name for p in gaz.ancestors(gulang)] == ["武威市", "甘肃省"]
    assert gaz.by_name["河西区"][0].type == "District"


def test_gazetteer_folds_municipality_city_row_into_province():
    gaz = shared()
    tianjin = gaz.by_name["天津市"]
    assert len(tianjin) == 1 and tianjin[0].level == 1
    assert gaz.parent(gaz.by_name["蓟州区"][0]) == tianjin[0]


def test_gazetteer_same_name_in_many_places():
    assert {p.code for p in shared().by_name["朝阳区"]} == {"110105", "220104"}


def test_gazetteer_towns_and_villages_of_one_county():
    gaz = shared()
    local = gaz.local_places("620802")
    town = next(p for p in local if p.name == "白水镇")
    village = next(p for p in local if p.name == "白水村")
    assert town.level == 4 and village.level == 5 and village.parent == town.id
    assert gaz.parent(village) == town and gaz.parent(town).name == "崆峒区"


def test_gazetteer_cache_is_built_aside_and_renamed(tmp_path):
    target = build_cache(tmp_path / "g.sqlite")
    assert target.exists() and not list(tmp_path.glob("*.tmp"))
    assert len(Gazetteer(target).places) == len(shared().places)


def test_gazetteer_local_names_include_the_name_without_the_county_in_front():
    gaz = shared()
    banner = gaz.by_name["察哈尔右翼后旗"][0].code
    assert gaz.local_lexicon(banner).occurrences("到土牧尔台镇调研") == [(1, 6)]
    found = gaz.local_places_named([banner], {"土牧尔台镇", "白水镇"})
    assert set(found) == {"土牧尔台镇"}
    assert [p.level for p in found["土牧尔台镇"]] == [TOWN]


def test_gazetteer_local_places_named_keeps_county_order():
    gaz = shared()
    kongtong, gulang = gaz.by_name["崆峒区"][0].code, gaz.by_name["古浪县"][0].code
    found = gaz.local_places_named([gulang, kongtong], {"白水镇"})
    assert [p.county_code for p in found["白水镇"]] == [kongtong]


def test_gazetteer_without_jionlp_is_one_clear_error(monkeypatch):
    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    with pytest.raises(KgError, match="jionlp: not installed; it provides the gazetteer"):
        cache_path()


def test_gazetteer_cache_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(KgError, match="cannot write the gazetteer cache") as err:
        build_cache(tmp_path / "a-file" / "gazetteer.sqlite")
    assert err.value.where == str(tmp_path / "a-file")
