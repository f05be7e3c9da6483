"""Text helpers shared by the extractors: sentences, clauses, dictionary scans."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ahocorasick_rs import AhoCorasick

from .model import Sentence

CJK = r"\u4e00-\u9fff"
SENTENCE_BREAK = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?")
CLAUSE_PUNCT = "，,、：:；;。！？!?\n（）()《》"


def sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; a quotation's closing mark stays with it."""
    out = []
    for m in SENTENCE_BREAK.finditer(text):
        start, end = m.span()
        while end < len(text) and text[end] in "”’」":
            end += 1
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append(Sentence(start + lead, start + lead + len(stripped), stripped))
    return _merge_quote_tails(out, text)


def _merge_quote_tails(found: list[Sentence], text: str) -> list[Sentence]:
    """A closing quote that the splitter left on its own joins the sentence before."""
    merged: list[Sentence] = []
    for s in found:
        if merged and s.text in ("”", "’", "」"):
            prev = merged.pop()
            s = Sentence(prev.start, s.end, text[prev.start:s.end])
        merged.append(s)
    return merged


def sentence_at(sents: list[Sentence], offset: int) -> Sentence:
    for s in sents:
        if s.start <= offset < s.end:
            return s
    return sents[-1]


class Lexicon:
    """Words to find in text, as an Aho–Corasick automaton (ahocorasick-rs).

    One pass in compiled code finds every occurrence of every word, however
    many words there are; the caller then picks among the few occurrences.
    """

    def __init__(self, words: Iterable[str]):
        words = sorted(set(words))
        self._automaton = AhoCorasick(words) if words else None

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence, overlapping ones included."""
        if self._automaton is None:
            return []
        return [(start, end) for _, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]


class SmallLexicon:
    """Words found from their last character: built in microseconds, so fit for the small
    vocabularies made on the fly (one county's towns and villages), where building an
    automaton would cost more than the scan.  A scan looks only where the text has one of
    the words' last characters (村, 镇, 社区 …) and tries the lengths words ending there have."""

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(words)
        lengths: dict[str, list[int]] = {}
        for char, length in sorted({(word[-1], len(word)) for word in self.words}):
            lengths.setdefault(char, []).append(length)
        self._lengths = lengths

    @classmethod
    def union(cls, lexicons: Iterable["SmallLexicon"]) -> "SmallLexicon":
        """One lexicon of the words of several, to scan a text once, not once for each."""
        return cls(frozenset().union(*(lexicon.words for lexicon in lexicons)))

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every occurrence, overlapping ones included."""
        found = []
        for char, lengths in self._lengths.items():
            end = text.find(char) + 1
            while end:
                found += [(end - n, end) for n in lengths if n <= end and text[end - n:end] in self.words]
                end = text.find(char, end) + 1
        return found


AnyLexicon = Lexicon | SmallLexicon


def longest_matches(text: str, lexicons: AnyLexicon | Iterable[AnyLexicon],
                    taken: Iterable[tuple[int, int]] = ()) -> Iterator[tuple[int, int, str]]:
    """Leftmost-longest matches of the lexicons' words together, skipping spans already taken:
    from left to right, the longest word starting at a position wins and the next match
    starts after it."""
    if isinstance(lexicons, (Lexicon, SmallLexicon)):
        lexicons = [lexicons]
    blocked = bytearray(len(text))
    for a, b in taken:
        blocked[a:b] = b"\x01" * (b - a)
    found = sorted({hit for lexicon in lexicons for hit in lexicon.occurrences(text)}, key=lambda h: (h[0], -h[1]))
    free_from = 0
    for start, end in found:
        if start >= free_from and not any(blocked[start:end]):
            yield start, end, text[start:end]
            free_from = end
