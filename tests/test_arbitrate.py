"""Arbitration: one reading where sources overlap."""
from kg.extract.arbitrate import arbitrate
from kg.model import Mention, Place, Span

TEXT = "标题\n甘肃钙果生态农林有限公司扶贫车间与泾川县委常委座谈。张三丰收了。"


def mention(text: str, type_: str, confidence: float = 1.0, source: str = "rule", place=None) -> Mention:
    start = TEXT.index(text)
    return Mention(Span(start, start + len(text), text), type_, text, f"{type_}:{text}", "test",
                   place=place, source=source, confidence=confidence)


def test_arbitrate_crossing_mentions_keep_the_surer():
    sure, tagged = mention("张三丰", "Person", 0.9), mention("三丰收", "Person", 0.7, source="tagger")
    kept = arbitrate([tagged, sure], TEXT)
    assert [m.name for m in kept] == ["张三丰"]


def test_arbitrate_a_company_at_the_start_of_a_longer_name_is_the_name_and_a_place_in_it_is_no_mention():
    province = Place(1, "甘肃省", "甘肃", "620000", 1, None)
    kept = arbitrate([mention("甘肃钙果生态农林有限公司扶贫车间", "Project"), mention("甘肃钙果生态农林有限公司", "Enterprise"),
                      mention("甘肃", "Province", place=province)], TEXT)
    by_name = {m.name: m for m in kept}
    assert "甘肃钙果生态农林有限公司" in by_name and "甘肃钙果生态农林有限公司扶贫车间" not in by_name
    assert by_name["甘肃"].within_name


def test_arbitrate_a_party_committee_in_a_title_is_not_named_there():
    kept = arbitrate([mention("泾川县委", "Government")], TEXT)
    assert kept == []


def test_arbitrate_a_part_proposed_as_another_form_of_the_same_name_stays():
    whole = mention("泾川县委常委座谈", "Event")
    part = Mention(Span(whole.span.start + 2, whole.span.end, "县委常委座谈"), "Event", whole.name, whole.key, "test")
    other = mention("县委常委", "Government")
    kept = arbitrate([whole, part, other], TEXT)
    assert part in kept and whole in kept and other not in kept
