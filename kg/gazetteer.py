"""China's administrative divisions, from the gazetteer that jionlp maintains.

jionlp ships ``dictionary/china_location.zip``: a tab-indented tree of every
province, city, county, town and village (about 700,000 rows), with codes and
short names down to county level.  Parsing it takes a few seconds, so the
first use compiles it into a SQLite file in the user's cache folder; every
later run reads only the ~3,600 rows at county level and above, and fetches
towns and villages of the counties an article is about on demand.

Reports also write divisions by names the tree does not list: the short name
with a generic level word (临夏州 for 临夏回族自治州, 积石山县 for its
autonomous county), and the names divisions had before they were renamed
(平泉县, now 平泉市; 襄樊市, now 襄阳市), which jionlp keeps in
``dictionary/china_location_change.txt``.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import os
import sqlite3
import tempfile
import zipfile
from collections import OrderedDict, defaultdict
from functools import cached_property
from pathlib import Path
from .model import KgError, Place
from .text import Lexicon, SmallLexicon

SCHEMA_VERSION = "2"
# The official one-character names of the provinces, as in 闽宁协作, 苏陕, 津甘 (jionlp has none).
PROVINCE_LETTERS = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000",
    "闽": "350000", "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000",
    "粤": "440000", "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "黔": "520000",
    "滇": "530000", "藏": "540000", "陕": "610000", "甘": "620000", "青": "630000", "宁": "640000",
    "新": "650000",
}
TOWN, VILLAGE = 4, 5  # levels below the county (1 province, 2 city, 3 county)
COLUMNS = "id, name, short, code, level, parent, county"  # the fields of Place, in order
LOCAL_CACHE = 2048  # counties whose town and village names stay in memory (about 50 kB each)
# Centrally administered cities appear twice in jionlp's tree, as province and
# as city with the same name and code; the city row is folded into the province.


NO_JIONLP = "not installed; it provides the gazetteer (pip install jionlp)"


def _jionlp_dictionary(name: str) -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise KgError("jionlp", NO_JIONLP)
    return Path(spec.submodule_search_locations[0]) / "dictionary" / name


def _jionlp_zip() -> Path:
    return _jionlp_dictionary("china_location.zip")


def cache_path() -> Path:
    root = Path(os.environ.get("FUPIN_KG_CACHE") or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fupin-kg")
    try:
        version = importlib.metadata.version("jionlp")
    except importlib.metadata.PackageNotFoundError:
        raise KgError("jionlp", NO_JIONLP) from None
    return root / f"gazetteer-jionlp{version}-v{SCHEMA_VERSION}.sqlite"


def _rows_from_jionlp(source: Path):
    """Yield (id, name, short, code, level, parent, county_code, own name) from the indented tree."""
    with zipfile.ZipFile(source) as archive, archive.open("china_location.txt") as raw:
        stack: list[int] = []  # ids of the open ancestors, by depth
        codes: list[str | None] = []
        county_names: tuple[str, ...] = ()
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
            if depth == 2:
                county_names = (name, short)
            own = _own_name(name, county_names) if depth > 2 else name
            yield next_id, name, short, code, depth + 1, parent, county, own
            stack.append(next_id)
            codes.append(code)


def _own_name(name: str, county_names: tuple[str, ...]) -> str:
    """jionlp writes some towns with their county in front (察哈尔右翼后旗土牧尔台镇);
    reports write 土牧尔台镇."""
    for prefix in county_names:
        if prefix and name.startswith(prefix) and len(name) - len(prefix) >= 3:
            return name[len(prefix):]
    return name


def build_cache(target: Path, source: Path | None = None) -> Path:
    """Compile the gazetteer into SQLite; written aside and renamed, so safe in parallel.

    Besides the tree, one row per county lists every name its towns and villages go
    by, so that reading a county's names is one look-up, not hundreds of rows."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    except OSError as err:
        raise KgError(target.parent, f"cannot write the gazetteer cache ({err.strerror}); "
                      "set FUPIN_KG_CACHE to a folder you can write") from None
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.execute("CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, short TEXT, code TEXT,"
                    " level INTEGER, parent INTEGER, county TEXT, own TEXT)")
        con.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?)", _rows_from_jionlp(source or _jionlp_zip()))
        con.execute("CREATE INDEX place_county ON place (county, level)")
        con.execute("CREATE TABLE local_names (county TEXT PRIMARY KEY, names TEXT)")
        con.execute("INSERT INTO local_names SELECT county, group_concat(name, char(9)) FROM ("
                    " SELECT county, name FROM place WHERE level > 3 AND length(name) >= 3 UNION"
                    " SELECT county, own FROM place WHERE level > 3 AND length(own) >= 3) GROUP BY county")
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
        self.path = path
        self.connect()
        rows = self._con.execute(f"SELECT {COLUMNS} FROM place WHERE level <= 3")
        self.places: dict[int, Place] = {r[0]: Place(*r) for r in rows}
        self._local_lexicons: OrderedDict[str, SmallLexicon] = OrderedDict()
        self._ancestors: dict[int, frozenset[int]] = {}  # divisions only: 3,600 at most

    def connect(self) -> None:
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)

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
        words = self.by_name.keys() | self.by_short.keys() | self.variants.keys() | self.former_names.keys()
        return Lexicon(w for w in words if len(w) >= 2)

    def local_lexicon(self, county_code: str) -> SmallLexicon:
        """Every name a county's towns and villages go by; kept for the last LOCAL_CACHE
        counties, since the reports of one pair name the same counties again and again."""
        if county_code in self._local_lexicons:
            self._local_lexicons.move_to_end(county_code)
            return self._local_lexicons[county_code]
        row = self._con.execute("SELECT names FROM local_names WHERE county = ?", (county_code,)).fetchone()
        lexicon = self._local_lexicons[county_code] = SmallLexicon(row[0].split("\t") if row else ())
        if len(self._local_lexicons) > LOCAL_CACHE:
            self._local_lexicons.popitem(last=False)
        return lexicon

    def local_places_named(self, county_codes: list[str], names: set[str]) -> dict[str, list[Place]]:
        """The towns and villages of some counties that the names may mean, by name
        (both the name jionlp writes and the place's own name), in county then tree order."""
        counties, words = ",".join("?" * len(county_codes)), ",".join("?" * len(names))
        rows = self._con.execute(
            f"SELECT {COLUMNS}, own FROM place WHERE county IN ({counties}) AND level > 3"
            f" AND (name IN ({words}) OR own IN ({words})) ORDER BY county, id",
            (*county_codes, *names, *names))
        found: dict[str, list[Place]] = {}
        for *fields, own in rows:
            place = Place(*fields)
            for name in {place.name, own} & names:
                found.setdefault(name, []).append(place)
        return found

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

    @cached_property
    def variants(self) -> dict[str, list[Place]]:
        """Names reports write for a division that are neither its full nor its short name,
        as sure as the full name: an autonomous prefecture or county by its short name and
        州/县 (临夏州, 积石山县, also 积石山自治县), a city by its short name and 地区 (the
        prefecture it was before it became a city: 平凉地区).  A form that is some division's
        full name is not a variant."""
        forms: dict[str, list[Place]] = defaultdict(list)
        for place in self.places.values():
            short = place.short
            if not short or short == place.name or len(short) < 2 or place.level == 1:
                continue
            if place.name.endswith("自治州"):
                words = ["州", "自治州"]
            elif place.level == 2 and place.name.endswith("市"):
                words = ["地区"]
            elif place.name.endswith(("自治县", "自治旗")):
                words = [place.name[-1], place.name[-3:]]
            else:
                continue
            for word in words:
                if short + word not in self.by_name:
                    forms[short + word].append(place)
        return dict(forms)

    @cached_property
    def former_names(self) -> dict[str, list[Place]]:
        """Names divisions had before they were renamed: those in jionlp's table of changes
        (old path => new path, one change a line; 襄樊市, now 襄阳市), and, as most county-level
        cities and districts were counties or cities before, their short name with 县 or 市
        (平泉县, now 平泉市; 吴江市, now 吴江区).  Weaker than a full name: such a form may be
        some other word (新城市), so it counts only where the article supports it."""
        names: dict[str, list[Place]] = defaultdict(list)

        def add(name: str, place: Place) -> None:
            if len(name) >= 2 and name not in self.by_name and name != place.short and place not in names[name]:
                names[name].append(place)
        for place in self.places.values():
            short = place.short
            if place.level == 3 and place.name.endswith(("市", "区")) and short and short != place.name \
                    and len(short) >= 2 and not short.endswith(("市", "县", "区")):
                add(short + "县", place)
                add(short + "市", place)
        table = _jionlp_dictionary("china_location_change.txt")
        for line in table.read_text(encoding="utf-8").splitlines() if table.exists() else ():
            old, _, new = line.partition("=>")
            old_fields, new_fields = old.split("\t")[2:], [f for f in new.split("\t") if f]
            place = self._by_path(new_fields) if new_fields and len(old_fields) >= 2 else None
            if place is not None:
                add(old_fields[-2], place)
                add(old_fields[-1], place)
        return dict(names)

    def _by_path(self, names: list[str]) -> Place | None:
        """The division at the end of a path of full names from the province down."""
        for place in self.by_name.get(names[-1], []):
            chain = [place] + self.ancestors(place)
            if [p.name for p in reversed(chain)][: len(names)] == names[: len(chain)]:
                return place
        return None

    def places_by_code(self, code: str) -> Place | None:
        return self._by_code.get(code)

    def name_of(self, place: Place) -> str:
        """A place's own name, as reports write it (see _own_name)."""
        county = self.places_by_code(place.county_code) if place.level > 3 and place.county_code else None
        return _own_name(place.name, (county.name, county.short)) if county else place.name

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

    def related(self, a: Place, b: Place) -> bool:
        """Whether one place lies inside the other."""
        return a.id in self._ancestor_ids(b) or b.id in self._ancestor_ids(a)

    def _ancestor_ids(self, place: Place) -> frozenset[int]:
        if place.id not in self._ancestors:
            self._ancestors[place.id] = frozenset(p.id for p in self.ancestors(place))
        return self._ancestors[place.id]

    def parent(self, place: Place) -> Place | None:
        if place.parent is None:
            return None
        return self.places.get(place.parent) or self._row(place.parent)

    def province(self, place: Place) -> Place:
        chain = [place] + self.ancestors(place)
        return chain[-1]

    def towns_directly_under(self, city: Place) -> bool:
        """Whether a city has towns with no county between (东莞, 中山): jionlp lists them
        under a county-level row that carries the city's own code."""
        return city.level == 2 and city.code is not None and any(
            p.level == 3 and p.code == city.code for p in self._children_of.get(city.id, ()))

    @cached_property
    def _children_of(self) -> dict[int, list[Place]]:
        children: dict[int, list[Place]] = defaultdict(list)
        for place in self.places.values():
            if place.parent is not None:
                children[place.parent].append(place)
        return dict(children)

    def local_places(self, county_code: str) -> list[Place]:
        """Towns and villages of one county."""
        rows = self._con.execute(f"SELECT {COLUMNS} FROM place WHERE county = ? AND level > 3 ORDER BY id",
                                 (county_code,))
        return [Place(*r) for r in rows]

    def _row(self, place_id: int) -> Place | None:
        row = self._con.execute(f"SELECT {COLUMNS} FROM place WHERE id = ?", (place_id,)).fetchone()
        return Place(*row) if row else None


_shared: Gazetteer | None = None


def reconnect() -> None:
    """Give a forked worker its own connection: a SQLite connection must not cross a fork.
    What the parent has loaded (divisions, lexicons) the worker keeps."""
    if _shared is not None:
        _shared.connect()


def shared() -> Gazetteer:
    """One gazetteer per process, opened on first use."""
    global _shared
    if _shared is None:
        _shared = Gazetteer()
    return _shared
