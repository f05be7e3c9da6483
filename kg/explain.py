"""Why each triple is there: one row per mention and fact, with its rule and sentence.

Written by ``kg build --explain`` as ``explain.tsv``, so a wrong triple can be
traced to the rule and the words that produced it (and a rule's output can be
reviewed as a whole with grep or a spreadsheet).
"""
from __future__ import annotations

import csv
import io

from .text import sentence_at, sentences
from .model import Extraction

COLUMNS = ("article", "kind", "type", "what", "rule", "start", "end", "words", "sentence")


def _party(entity) -> str:
    return entity.name if entity else "-"


def explain_rows(extraction: Extraction) -> list[tuple]:
    article = extraction.article
    sents = sentences(article.text)
    rows = []
    for entity in extraction.entities:
        for m in entity.mentions:
            sentence = sentence_at(sents, m.span.start).text
            rows.append((article.source, "entity", entity.type, entity.name, m.rule,
                         m.span.start, m.span.end, m.span.text, sentence))
    for p in extraction.pairings:
        rows.append((article.source, "pairing", "assists", f"{p.helper.name} -> {p.assisted.name}", p.rule,
                     p.sentence.start, p.sentence.end, "", p.sentence.text))
    for m in extraction.money:
        what = f"{m.amount} yuan: {_party(m.donor)} -> {_party(m.recipient)}"
        rows.append((article.source, "money", "MoneyFact", what, m.rule, m.span.start, m.span.end,
                     m.span.text, m.sentence.text))
    for q in extraction.quantities:
        rows.append((article.source, "quantity", "QuantityFact", f"{q.value} {q.unit} of {_party(q.subject)}",
                     q.rule, q.span.start, q.span.end, q.span.text, q.sentence.text))
    return sorted(rows, key=lambda r: (r[0], r[5], r[6], r[1], r[3]))


def explain_tsv(extractions: list[Extraction]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for extraction in extractions:
        writer.writerows(explain_rows(extraction))
    return out.getvalue().encode("utf-8")
