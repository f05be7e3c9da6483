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


def longest_matches(text: str, words: dict[str, object], max_len: int,
                    min_len: int = 2, taken: Iterable[tuple[int, int]] = ()) -> Iterator[tuple[int, int, str]]:
    """Leftmost-longest dictionary matches, skipping spans already taken."""
    blocked = bytearray(len(text))
    for a, b in taken:
        blocked[a:b] = b"\x01" * (b - a)
    i = 0
    n = len(text)
    while i < n:
        if blocked[i]:
            i += 1
            continue
        for length in range(min(max_len, n - i), min_len - 1, -1):
            word = text[i:i + length]
            if word in words and not any(blocked[i:i + length]):
                yield i, i + length, word
                i += length
                break
        else:
            i += 1
