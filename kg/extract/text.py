"""Text helpers shared by the extractors: sentences, clauses, dictionary scans."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..model import Sentence

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
    """Words indexed by their first character, for a leftmost-longest scan.

    Most characters start no word, so a scan costs one set look-up per
    character and a few dictionary look-ups where a word may begin.
    """

    def __init__(self, words):
        self.words = set(words)
        lengths: dict[str, set[int]] = {}
        for word in self.words:
            lengths.setdefault(word[0], set()).add(len(word))
        self.lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}

    def __contains__(self, word: str) -> bool:
        return word in self.words


def longest_matches(text: str, lexicon: Lexicon, taken: Iterable[tuple[int, int]] = ()
                    ) -> Iterator[tuple[int, int, str]]:
    """Leftmost-longest dictionary matches, skipping spans already taken."""
    blocked = bytearray(len(text))
    for a, b in taken:
        blocked[a:b] = b"\x01" * (b - a)
    i, n = 0, len(text)
    while i < n:
        lengths = lexicon.lengths.get(text[i]) if not blocked[i] else None
        if lengths:
            for length in lengths:
                word = text[i:i + length]
                if len(word) == length and word in lexicon.words and not any(blocked[i:i + length]):
                    yield i, i + length, word
                    i += length
                    break
            else:
                i += 1
        else:
            i += 1
