"""The small dataclasses that pass between pipeline stages.

Each stage takes one of these and returns the next, so a stage can be run,
tested and replaced on its own:

    read      path            -> Article
    extract   Article         -> Mentions (regions, organisations, ...)
    resolve   Mentions        -> Entities (merged, short forms attached)
    relate    Entities        -> Facts (pairings, money, quantities)
    rdf       Extraction      -> rdflib Dataset
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: The entity classes of the ontology (``fk:<name>``), in its order, with the group each
#: belongs to: divisions are all ``Region`` (subclasses of fk:Region), bodies all
#: ``Organization`` (subclasses of fk:Institution), the rest stand alone.  Groups decide which
#: names may be one thing (a short name of an enterprise may be written as a 公司 or a 集团)
#: and how gold annotations are matched.  tests/test_model.py checks the table against
#: ontology/fupin.ttl.
ENTITY_GROUPS = {
    "Province": "Region", "City": "Region", "District": "Region", "County": "Region",
    "Town": "Region", "Village": "Region",
    "Enterprise": "Organization", "School": "Organization", "Hospital": "Organization",
    "Government": "Organization", "Organization": "Organization",
    "Project": "Project", "Person": "Person", "Product": "Product", "Document": "Document",
    "Event": "Event",
}
ENTITY_TYPES = tuple(ENTITY_GROUPS)
REGION_TYPES = tuple(t for t, g in ENTITY_GROUPS.items() if g == "Region")
ORG_TYPES = tuple(t for t, g in ENTITY_GROUPS.items() if g == "Organization")


def group_of_type(entity_type: str) -> str:
    return ENTITY_GROUPS.get(entity_type, entity_type)


class KgError(Exception):
    """A problem with the user's input, reported as one line naming the file."""

    def __init__(self, where: object, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = str(where)
        self.reason = reason


@dataclass(frozen=True)
class Article:
    """One report: cleaned text plus the metadata found around it.

    ``text`` starts with the title line; every offset in the pipeline points
    into ``text``.
    """

    source: str  # file name as given by the user
    doc_id: str  # hash of the text: the same report always gets the same id
    title: str
    text: str
    date: str | None = None  # ISO date
    outlet: str | None = None
    authors: tuple[str, ...] = ()
    file_digest: str | None = None  # hash of the file's bytes: an unchanged file is not read again
    warnings: tuple[str, ...] = ()  # what reading it found amiss (a page that yields almost no text)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Place:
    """A row of the administrative-division gazetteer."""

    id: int
    name: str
    short: str
    code: str | None  # 6-digit code for county level and above
    level: int  # 1 province, 2 city, 3 county, 4 town, 5 village
    parent: int | None
    county_code: str | None = None  # the county a town or village lies in

    @property
    def type(self) -> str:
        if self.level == 3:
            return "District" if self.name.endswith("区") else "County"
        return REGION_TYPES[(0, 0, 1, 2, 4, 5)[self.level]]


@dataclass(frozen=True)
class Amount:
    """A number with its unit as written: money in yuan, or a count (户, 人, 亩 …)."""

    value: Decimal
    unit: str  # "yuan" for money
    span: Span
    approximate: str | None  # "atLeast" (余/多), "atMost" (近), "about" (约)


@dataclass(frozen=True)
class Mention:
    """A surface form in the text that names something.

    ``key`` is the identity of what is named: ``place:<id>`` for a gazetteer
    row, ``<Type>:<name>`` otherwise.  Resolution may merge keys.
    """

    span: Span
    type: str
    name: str  # the full name this mention stands for
    key: str
    rule: str  # which extraction rule produced it
    place: Place | None = None
    role: str | None = None  # for persons: the title written before the name
    resolved: bool = True  # False for a division not found in the gazetteer
    within: Place | None = None  # where an unresolved division was written to lie
    within_name: bool = False  # a division written inside a name: where the thing lies, not a mention of it
    source: str = "rule"  # what proposed it: a rule, or the statistical tagger
    confidence: float = 1.0  # how sure that source is, for arbitration between overlapping mentions


@dataclass
class Entity:
    key: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    place: Place | None = None
    parent: "Entity | None" = None  # partOf, for divisions
    location: "Entity | None" = None  # locatedIn: the division a body or project's name starts with
    role: str | None = None
    resolved: bool = True
    rule: str = ""

    @property
    def code(self) -> str | None:
        return self.place.code if self.place else None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Pairing:
    helper: Entity
    assisted: Entity
    sentence: Sentence
    rule: str


@dataclass
class Money:
    amount: Decimal  # yuan
    span: Span
    sentence: Sentence
    rule: str
    approximate: str | None = None  # "atLeast" (余/多), "atMost" (近), "about" (约)
    donor: Entity | None = None
    recipient: Entity | None = None
    purpose: str | None = None
    period: str | None = None
    kind: str = "other"  # transfer, investment, sales, output, income, other
    planned: bool = False  # announced, pledged or planned, not yet spent
    cumulative: bool = False  # a running total over several years
    year: str | None = None  # the year the text gives for it


@dataclass
class Quantity:
    value: Decimal
    unit: str
    span: Span
    sentence: Sentence
    rule: str
    approximate: str | None = None
    subject: Entity | None = None


@dataclass
class Extraction:
    """Everything the pipeline learned from one article."""

    article: Article
    entities: list[Entity]
    pairings: list[Pairing]
    money: list[Money]
    quantities: list[Quantity]
    warnings: list[str] = field(default_factory=list)
