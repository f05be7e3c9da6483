"""Quantities (户, 人, 亩, 兆瓦 …) and what they count."""
from __future__ import annotations

from ..model import Amount, Quantity
from .context import Context

NOT_COUNTED = ("Person", "Product", "Document", "Event")


def attach_quantities(ctx: Context, counts: list[Amount]) -> list[Quantity]:
    """A quantity describes the nearest project, organisation or place before it in its sentence."""
    out = []
    for amount in counts:
        sentence = ctx.sentence_at(amount.span.start)
        before = [p.entity for p in ctx.mentions_in(sentence.start, amount.span.start)
                  if p.end <= amount.span.start and p.entity.type not in NOT_COUNTED]
        out.append(Quantity(amount.value, amount.unit, amount.span, sentence, "number-with-unit",
                            amount.approximate, subject=before[-1] if before else None))
    return out
