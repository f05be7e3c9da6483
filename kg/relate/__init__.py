"""Facts between entities: pairings, money with its kind and parties, quantities.

The stage takes the entities of one article and the amounts found in it, and
returns what they say about each other.  Each kind of fact has its module:
``pairings`` (who helps whom), ``money`` (what kind each amount is, and who
gave and got the transfers), ``quantities`` (what a count counts); ``context``
holds what they share (sentences, where entities are named, the side of the
programme a division is on).
"""
from __future__ import annotations

from ..gazetteer import Gazetteer
from ..model import Amount, Article, Entity, Money, Pairing, Quantity
from .context import ASSISTED_PROVINCES, HELPER_PROVINCES, Context
from .money import MONEY_KINDS, attribute_money
from .pairings import find_pairings
from .quantities import attach_quantities

__all__ = ["ASSISTED_PROVINCES", "HELPER_PROVINCES", "MONEY_KINDS", "relate"]


def relate(article: Article, entities: list[Entity], money: list[Amount], counts: list[Amount],
           gaz: Gazetteer) -> tuple[list[Pairing], list[Money], list[Quantity]]:
    ctx = Context(article, entities, gaz)
    pairings = find_pairings(ctx)
    return pairings, attribute_money(ctx, money, pairings), attach_quantities(ctx, counts)
