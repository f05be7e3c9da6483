"""The tagger: windows of text read as words with labels, each stretch read once."""
from kg.extract import tagger
from kg.extract.tagger import Tagger


def test_tagger_reads_persons_and_places_in_a_window():
    text = "标题\n村民才让多吉说，在北京昌平打工的日子不好过。"
    t = Tagger(text)
    start = text.index("北京")
    assert t.label_of(start, start + 2) == "LOC"
    assert all(tag.word == text[tag.start:tag.end] for tag in t.around(start, start + 2))


def test_tagger_keeps_to_the_line_and_tags_a_stretch_once():
    text = "第一行说的是别的事。\n次仁多吉笑着说。\n最后一行。"
    t = Tagger(text)
    start = text.index("次仁多吉")
    tags = t.around(start, start + 4)
    assert tags[0].start >= text.index("\n") + 1 and tags[-1].end <= text.rindex("\n")
    before = tagger._words.cache_info().hits
    Tagger(text).around(start, start + 4)
    assert tagger._words.cache_info().hits == before + 1
