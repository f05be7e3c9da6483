"""China's administrative divisions, from the gazetteer that jionlp maintains.

jionlp ships ``dictionary/china_location.zip``: a tab-indented tree of every
province, city, county, town and village (about 700,000 rows), with codes and
short names down to county level.  Parsing it takes a few seconds, so the
first use compiles it into a SQLite file in the user's cache folder; every
later run reads only the ~3,600 rows at county level and above, and fetches
towns and villages of the counties an article is about on demand.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from functools import cached_property
from pathlib import Path

from .model import Place

SCHEMA_VERSION = "1"
# Centrally administered cities appear twice in jionlp's tree, as province and
# as city with the same name and code; the city row is folded into the province.


def _jionlp_zip() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed; it provides the gazetteer")
    return Path(spec.submodule_search_locations[0]) / "dictionary" / "china_location.zip"


def cache_path() -> Path:
    root = Path(os.environ.get("FUPIN_KG_CACHE") or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fupin-kg")
    version = importlib.metadata.version("jionlp")
    return root / f"gazetteer-jionlp{version}-v{SCHEMA_VERSION}.sqlite"


def _rows_from_jionlp(source: Path):
    """Yield (id, name, short, code, level, parent, county_code) from the indented tree."""
    with zipfile.ZipFile(source) as archive, archive.open("china_location.txt") as raw:
        stack: list[int] = []  # ids of the open ancestors, by depth
        codes: list[str | None] = []
        next_id = 0
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            depth = len(line) - len(line.lstrip("\t"))
            fields = line.strip().split("\t")
            if not fields[0]:
                continue
            name = fields[0]
            code = fields[1] if len(fields) > 1 and fields[1] else None
            short = fields[2] if len(fields) > 2 else name
            del stack[depth:], codes[depth:]
            if depth == 1 and code is not None and code == codes[0]:
                stack.append(stack[0])  # a centrally administered city: fold into the province
                codes.append(code)
                continue
            next_id += 1
            parent = stack[-1] if stack else None
            county = code if depth == 2 else (codes[2] if depth > 2 else None)
            yield next_id, name, short, code, depth + 1, parent, county
            stack.append(next_id)
            codes.append(code)


def build_cache(target: Path, source: Path | None = None) -> Path:
    """Compile the gazetteer into SQLite; written aside and renamed, so safe in parallel."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, short TEXT, code TEXT,"
                    " level INTEGER, parent INTEGER, county TEXT)")
        con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?)", _rows_from_jionlp(source or _jionlp_zip()))
        con.execute("CREATE INDEX place_county ON place (county, level)")
        con.commit()
        con.close()
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


class Gazetteer:
    """Look-ups over the division tree: names, short names, parents, children."""

    def __init__(self, path: Path | None = None):
        path = path or cache_path()
        if not path.exists():
            build_cache(path)
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        rows = self._con.execute(
            "SELECT id, name, short, code, level, parent, county FROM place WHERE level <= 3")
        self.places: dict[int, Place] = {r[0]: Place(*r) for r in rows}
        self._local: dict[str, list[Place]] = {}
        self._lexicons: dict[tuple[str, ...], tuple] = {}

    @cached_property
    def by_name(self) -> dict[str, list[Place]]:
        """Full names at county level and above (朝阳区 names two districts)."""
        index: dict[str, list[Place]] = defaultdict(list)
        for place in self.places.values():
            index[place.name].append(place)
        return dict(index)

    @cached_property
    def upper_lexicon(self):
        """Full and short names at county level and above, for scanning text."""
        from .extract.text import Lexicon

        return Lexicon(w for w in self.by_name.keys() | self.by_short.keys() if len(w) >= 2)

    def local_lexicon(self, county_codes: tuple[str, ...]):
        """Towns and villages of some counties by every name a report may use, and a
        Lexicon of those names; cached, since reports of one pair name the same counties."""
        from .extract.text import Lexicon

        if county_codes not in self._lexicons:
            towns: dict[str, list[Place]] = {}
            villages: dict[str, list[Place]] = {}
            for code in county_codes:
                for place in self.local_places(code):
                    index = towns if place.level == 4 else villages
                    for name in dict.fromkeys((place.name, self.name_of(place))):
                        if len(name) >= 3:
                            index.setdefault(name, []).append(place)
            if len(self._lexicons) >= 256:
                self._lexicons.pop(next(iter(self._lexicons)))
            self._lexicons[county_codes] = (towns, villages, Lexicon(towns.keys() | villages.keys()))
        return self._lexicons[county_codes]

    @cached_property
    def by_short(self) -> dict[str, list[Place]]:
        index: dict[str, list[Place]] = defaultdict(list)
        for place in self.places.values():
            if place.short and place.short != place.name:
                index[place.short].append(place)
        return dict(index)

    @cached_property
    def _by_code(self) -> dict[str, Place]:
        return {p.code: p for p in sorted(self.places.values(), key=lambda p: -p.level) if p.code}

    def places_by_code(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def name_of(self, place: Place) -> str:
        """A place's own name: jionlp writes some towns with their county in front
        (察哈尔右翼后旗土牧尔台镇), reports write 土牧尔台镇."""
        county = self.places_by_code(place.county_code) if place.level > 3 and place.county_code else None
        if county is not None:
            for prefix in (county.name, county.short):
                if prefix and place.name.startswith(prefix) and len(place.name) - len(prefix) >= 3:
                    return place.name[len(prefix):]
        return place.name

    def get(self, place_id: int | None) -> Place | None:
        return self.places.get(place_id) if place_id is not None else None

    def ancestors(self, place: Place) -> list[Place]:
        """Parents up to the province, nearest first."""
        chain = []
        parent = self.parent(place)
        while parent is not None:
            chain.append(parent)
            parent = self.parent(parent)
        return chain

    def parent(self, place: Place) -> Place | None:
        if place.parent is None:
            return None
        return self.places.get(place.parent) or self._row(place.parent)

    def province(self, place: Place) -> Place:
        chain = [place] + self.ancestors(place)
        return chain[-1]

    def local_places(self, county_code: str) -> list[Place]:
        """Towns and villages of one county."""
        if county_code not in self._local:
            rows = self._con.execute(
                "SELECT id, name, short, code, level, parent, county FROM place"
                " WHERE county = ? AND level > 3 ORDER BY id", (county_code,))
            self._local[county_code] = [Place(*r) for r in rows]
        return self._local[county_code]

    def _row(self, place_id: int) -> Place | None:
        row = self._con.execute(
            "SELECT id, name, short, code, level, parent, county FROM place WHERE id = ?",
            (place_id,)).fetchone()
        return Place(*row) if row else None


_shared: Gazetteer | None = None


def forget() -> None:
    """Drop this process's gazetteer (a forked child must not share its parent's connection)."""
    global _shared
    _shared = None


def shared() -> Gazetteer:
    """One gazetteer per process, opened on first use."""
    global _shared
    if _shared is None:
        _shared = Gazetteer()
    return _shared
