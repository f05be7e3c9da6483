import random

from kg.text import Lexicon, SmallLexicon, longest_matches


def _every_occurrence(words, text):
    return sorted((i, i + len(w)) for w in words for i in range(len(text)) if text.startswith(w, i))


def test_both_lexicons_find_every_occurrence_overlapping_ones_too():
    rng = random.Random(4)
    alphabet = "古浪县黄羊镇村社区"
    for _ in range(300):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))}
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        want = _every_occurrence(words, text)
        assert sorted(Lexicon(words).occurrences(text)) == want
        assert sorted(SmallLexicon(words).occurrences(text)) == want


def test_longest_matches_prefers_the_leftmost_then_the_longest():
    lexicon = Lexicon(["古浪", "古浪县", "浪县黄羊"])
    assert list(longest_matches("古浪县黄羊镇", lexicon)) == [(0, 3, "古浪县")]


def test_longest_matches_over_several_lexicons_is_one_scan_of_their_union():
    text = "黄羊镇和黄羊川镇"
    one, other = SmallLexicon(["黄羊镇"]), SmallLexicon(["黄羊川镇", "羊川镇"])
    assert list(longest_matches(text, [one, other])) == [(0, 3, "黄羊镇"), (4, 8, "黄羊川镇")]


def test_longest_matches_skips_taken_spans_and_falls_back_to_a_shorter_word():
    lexicon = Lexicon(["古浪县", "古浪"])
    assert list(longest_matches("古浪县", lexicon, taken=[(2, 3)])) == [(0, 2, "古浪")]
    assert list(longest_matches("古浪县", lexicon, taken=[(0, 1)])) == []


def test_empty_lexicons_find_nothing():
    assert list(longest_matches("古浪县", [Lexicon([]), SmallLexicon([])])) == []
