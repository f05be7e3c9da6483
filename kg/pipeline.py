"""One report through every stage: read, extract, resolve, relate."""
from __future__ import annotations

from pathlib import Path

from . import gazetteer
from .extract import extract_mentions, tagger
from .extract.persons import common_words
from .extract.amounts import load_parsers, money_amounts, quantities
from .model import Article, Extraction
from .read import read_article
from .relate import relate
from .resolve import resolve


def preload() -> None:
    """Load now what extraction otherwise loads on first use: the gazetteer's divisions
    and lexicon, the number parsers, the tagger's model and the word list.  A build does
    this before forking its workers, which then share them."""
    gazetteer.shared().upper_lexicon  # noqa: B018 (a cached property, computed here)
    load_parsers()
    tagger.load()
    common_words()


def extract_file(path: Path) -> Extraction:
    return extract_article(read_article(path))


def extract_article(article: Article) -> Extraction:
    gaz = gazetteer.shared()
    mentions, warnings = extract_mentions(article, gaz)
    entities = resolve(article, mentions, gaz)
    money = money_amounts(article.text)
    counts = quantities(article.text, money)
    pairings, money_facts, quantity_facts = relate(article, entities, money, counts, gaz)
    if not pairings:
        warnings.append("no East–West pairing stated")
    return Extraction(article, entities, pairings, money_facts, quantity_facts,
                      [f"{article.source}: {w}" for w in warnings])
