"""Mention extractors, by name: each reads an article and returns mentions.

The registry keeps the order they run in; a later extractor sees the
mentions of the earlier ones (names are cut around the divisions found
first; the tagger is not asked about words a rule has named).  Add an
extractor by adding it here.  Where proposals overlap, ``arbitrate`` keeps
one reading.
"""
from __future__ import annotations

from collections.abc import Callable

from ..gazetteer import Gazetteer
from ..model import Article, Mention
from .arbitrate import arbitrate
from .names import extract_names
from .persons import extract_persons
from .regions import extract_regions
from .tagger import Tagger

Extractor = Callable[[Article, list[Mention], Gazetteer, Tagger], tuple[list[Mention], list[str]]]


def _regions(article: Article, found: list[Mention], gaz: Gazetteer, tagger: Tagger):
    return extract_regions(article, gaz, tagger)


def _names(article: Article, found: list[Mention], gaz: Gazetteer, tagger: Tagger):
    return extract_names(article, found, gaz.upper_lexicon, tagger), []


def _persons(article: Article, found: list[Mention], gaz: Gazetteer, tagger: Tagger):
    return extract_persons(article, found, gaz, tagger), []


EXTRACTORS: dict[str, Extractor] = {"regions": _regions, "names": _names, "persons": _persons}


def extract_mentions(article: Article, gaz: Gazetteer) -> tuple[list[Mention], list[str]]:
    mentions: list[Mention] = []
    warnings: list[str] = []
    tagger = Tagger(article.text)
    for extractor in EXTRACTORS.values():
        found, warned = extractor(article, mentions, gaz, tagger)
        mentions += found
        warnings += warned
    return arbitrate(mentions, article.text), warnings
