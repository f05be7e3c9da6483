"""Read one report from disk: decode it, strip site chrome, take its metadata.

Reports come as plain text copied from news sites, as saved HTML pages or as
Markdown.  What is left is the article's own text, title first, with the
navigation trail, headline lists, share buttons, copyright lines and bylines
moved out of the text and, where they carry metadata (date, outlet, authors),
onto the :class:`Article`.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from .model import Article, KgError

SUFFIXES = {".txt", ".html", ".htm", ".md"}
# The largest report file read, in bytes.  News reports run to tens of kilobytes and
# saved pages to a few hundred; a bigger file is something else (an archive, a dump)
# and would take minutes to extract.
MAX_SIZE = 1024 * 1024
# An HTML page whose article text has fewer Chinese characters than this was
# probably not read as a browser shows it (a <script> left open, say).
FEW_CHARACTERS = 50

# Lines that are site chrome wherever they stand.
CHROME_LINE = re.compile(
    r"^[（(【]?(您当前的位置|当前位置|您现在的位置|我的位置|所在位置|首页\s*[>»|]|分享到|分享$|打印$|关闭$|"
    r"扫一扫|【?字号|责任编辑|编辑[:：]|来源[:：]\S*$|返回顶部|上一篇|下一篇)"
    r"|>>|»"
)
# Headers after which a page holds only chrome (headline lists, sidebars).
TAIL_MARKER = re.compile(
    r"^(版权声明|版权所有|Copyright|©|精彩推荐|即时播报|相关新闻|相关阅读|推荐阅读|"
    r"热点推荐|热门推荐|猜你喜欢|关注我们|网友评论|延伸阅读)"
)
LIST_ITEM = re.compile(r"^(•|·|\d{1,2}\s{2,})")
PHOTO_CREDIT = re.compile(r"^\S{2,4}\s*摄$|^（?(摄影|图)[:：/]\S+）?$")
BYLINE_ROLE = r"(?:全媒体记者|特约记者|见习记者|融媒记者|记者|通讯员|实习生|作者[:：]?)"
TRAILING_CREDIT = re.compile(r"\s+\S*" + BYLINE_ROLE + r"\s*[\u4e00-\u9fff ]{2,}$")
BYLINE_LINE = re.compile(r"^\S*" + BYLINE_ROLE + r"\s*(?P<names>[\u4e00-\u9fff ]{2,24}?)\s*(?:(?:报道|摄)[。.]?)?$")
# A credit in brackets on a line of its own, perhaps with the editor: （记者 张三 通讯员 李四） 责任编辑：王五
BRACKETED_CREDIT = re.compile(r"^[（(](?P<credit>[^）)]*" + BYLINE_ROLE + r"[^）)]*)[）)]\s*(?:责任编辑[:：]\s*\S+)?$")
AGENCY_LEAD = re.compile(
    r"^(本报讯|[\u4e00-\u9fff]{2,12}讯)\s*[（(](?P<credit>[^）)]{0,40})[）)]\s*"
)
DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2}|\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})日?"
)
OUTLET = re.compile(r"来源[:：]\s*(?P<outlet>[^\s　编记作]+)")
# Full-width digits, Latin letters and the decimal point, mapped one to one so
# that offsets keep their meaning; Chinese punctuation is left alone.
HALF_WIDTH = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                         *range(0xFF41, 0xFF5B), 0xFF0E, 0xFF05]}
HALF_WIDTH.update({0x3000: " ", 0xA0: " ", 0x2002: " ", 0x2003: " ", 0x200B: None})
OUTLET_LINE = re.compile(r"^(?P<outlet>[\u4e00-\u9fff]{2,12}(?:日报|晚报|网|报|电视台|新闻))(?:\s|$)")


def read_article(path: Path, max_size: int | None = MAX_SIZE) -> Article:
    """Decode, clean and describe one report file (refused if larger than max_size bytes)."""
    data = _read_bytes(path, max_size)
    raw = decode(data, path)
    warnings: list[str] = []
    if path.suffix.lower() in (".html", ".htm"):
        raw, warnings = html_to_text(raw, path)
    elif path.suffix.lower() == ".md":
        raw = markdown_to_text(raw)
    return replace(clean(raw, source=path.name, where=path), file_digest=_digest(data),
                   warnings=tuple(f"{path.name}: {w}" for w in warnings))


def file_digest(path: Path, max_size: int | None = MAX_SIZE) -> str:
    """The hash read_article records of a file's bytes, without decoding it."""
    return _digest(_read_bytes(path, max_size))


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:16]


def _read_bytes(path: Path, max_size: int | None) -> bytes:
    if not path.exists():
        raise KgError(path, "no such file or folder")
    if not path.is_file():
        raise KgError(path, "not a regular file")
    try:
        size = path.stat().st_size
        if max_size is not None and size > max_size:
            raise KgError(path, f"{size_text(size)}, more than the {size_text(max_size)} a report may have "
                          "(--max-size)")
        data = path.read_bytes()
    except OSError as err:
        raise KgError(path, f"cannot read ({err.strerror})") from None
    if not data.strip():
        raise KgError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise KgError(path, "binary file, not a text report")
    return data


def size_text(size: int) -> str:
    """A size in bytes as people write it: 1 MB, 512 kB, 300 bytes."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def decode(data: bytes, where: object) -> str:
    """Decode UTF-8 or the GB family; detect which rather than guess.

    Strict UTF-8 either works or fails fast.  Otherwise charset-normalizer
    weighs the Chinese encodings against each other; its answer must also
    decode to mostly Chinese text, else the file is not a report we can read.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "gb2312", "big5"]).best()
    if best is None:
        raise KgError(where, "not UTF-8 and not a Chinese encoding (GBK/GB18030/Big5)")
    text = str(best)
    if _cjk_share(text) < 0.2:
        raise KgError(where, f"decodes as {best.encoding} but is not Chinese text")
    return text


CJK = re.compile(r"[\u4e00-\u9fff]")


def _cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def _cjk_share(text: str) -> float:
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 0.0
    return sum("\u4e00" <= c <= "\u9fff" for c in visible) / len(visible)


# Class or id of a page's furniture: navigation, breadcrumbs, sidebars, headline lists, footers.
CHROME_BLOCK = re.compile(r"nav|menu|crumb|position|location|side|right|footer|foot\b|related|recommend|"
                          r"share|copyright|toolbar|topbar|links|hot|rank|tags|comment|pager|advert", re.I)


class _HtmlText(HTMLParser):
    """Block-structured text of a page, without scripts, styles and page furniture.

    Furniture is known by its element (nav, footer, aside …), on pages built from
    divs by a class or id that names it (class="sidebar", id="nav"), and wherever it
    stands by its shape: a block whose every word is a link is a list of headlines or
    a menu, never the article's prose."""

    SKIP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form",
            "iframe", "svg", "button", "select"}
    CONTAINERS = {"div", "ul", "ol", "section", "table", "span", "p", "dl"}
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "li", "tr", "section", "article",
             "title", "td", "dd", "dt", "blockquote", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.block: list[tuple[str, bool]] = []  # the current block's text, and whether each piece is a link
        self.links = 0  # how many <a> elements are open
        self.skipping: list[list] = []  # [tag, depth] of the furniture being skipped, outermost first
        self.title_parts: list[str] = []
        self.h1_parts: list[str] = []
        self.in_title = self.in_h1 = False
        self.h1_at: int | None = None  # where the article's headline starts in parts: before it is the page's head
        self.meta: dict[str, str] = {}

    @property
    def skip_depth(self) -> int:
        return len(self.skipping)

    def handle_starttag(self, tag, attrs):
        if self.skipping and self.skipping[-1][0] == tag:
            self.skipping[-1][1] += 1
        elif tag in self.SKIP or (tag in self.CONTAINERS and self._furniture(attrs)):
            self.skipping.append([tag, 1])
        if tag == "meta":
            a = dict(attrs)
            name = (a.get("name") or a.get("property") or "").lower()
            if name and a.get("content"):
                self.meta[name] = a["content"]
        if tag in self.BLOCK:
            self._end_block()
        self.links += tag == "a"
        self.in_title = self.in_title or tag == "title"
        if tag == "h1" and not self.skip_depth and self.h1_at is None:
            self.h1_at = len(self.parts)
        self.in_h1 = self.in_h1 or tag == "h1"

    @staticmethod
    def _furniture(attrs) -> bool:
        named = " ".join(v for k, v in attrs if k in ("class", "id") and v)
        return bool(named and CHROME_BLOCK.search(named))

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1][0] == tag:
            self.skipping[-1][1] -= 1
            if not self.skipping[-1][1]:
                self.skipping.pop()
        if tag in self.BLOCK:
            self._end_block()
        if tag == "a" and self.links:
            self.links -= 1
        if tag == "title":
            self.in_title = False
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1_parts.append(data)
        self.block.append((data, self.links > 0))

    def _end_block(self) -> None:
        """Keep a block's text unless all of it is links (…<li><a>其他县的新闻</a></li>)."""
        linked = [text for text, in_link in self.block if text.strip() and in_link]
        plain = [text for text, in_link in self.block if text.strip() and not in_link]
        if plain or not linked:
            self.parts.extend(text for text, _ in self.block)
        self.block = []
        self.parts.append("\n")

    def close(self):
        super().close()
        self._end_block()


def html_to_text(html: str, where: object) -> tuple[str, list[str]]:
    """Text of an HTML page, title first, and a warning if it yields almost none of the
    Chinese the page holds; the lenient parser copes with broken markup."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    # The headline starts the article: what comes before it is the page's own head (top bar,
    # logo, menu, breadcrumbs).
    body = "".join(parser.parts[parser.h1_at or 0:])
    title = "".join(parser.h1_parts).strip() or _headline_of("".join(parser.title_parts).strip())
    if _cjk_share(body) == 0:
        raise KgError(where, "HTML page holds no Chinese article text")
    warnings = []
    found, held = _cjk_count(body), _cjk_count(html)
    if found < FEW_CHARACTERS and held >= 2 * FEW_CHARACTERS:
        cause = f"; a <{parser.skipping[0][0]}> left open hides the rest" if parser.skipping else ""
        warnings.append(f"the page yields only {found} of its {held} Chinese characters as text{cause}")
    head = [title] if title and title not in body[:500] else []
    date = parser.meta.get("article:published_time") or parser.meta.get("pubdate")
    if date:
        head.append(date)
    return "\n".join(head + [body]), warnings


def _headline_of(title: str) -> str:
    """A page's <title> without the site and section pages append (…_本地新闻_安吉新闻网)."""
    head = re.split(r"\s*(?:_|\s-\s|\s\|\s|——\s*[^—]*网$)\s*", title)[0]
    return head if len(head) >= 8 else title


def markdown_to_text(md: str) -> str:
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    md = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+])\s+", "", md, flags=re.M)
    return re.sub(r"(\*\*|__|`)", "", md)


def clean(raw: str, source: str, where: object) -> Article:
    """Split a decoded page into article text and metadata."""
    raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in raw.translate(HALF_WIDTH).split("\n")]
    date = outlet = None
    authors: list[str] = []
    kept: list[str] = []
    in_header = True  # before the first real paragraph
    for line in filter(None, lines):
        in_header = in_header and len(line) < 40
        if kept and TAIL_MARKER.match(line):
            break
        if CHROME_LINE.search(line) or LIST_ITEM.match(line) or PHOTO_CREDIT.match(line):
            continue
        outlet = outlet or _outlet_in(line, in_header)
        if _is_meta_line(line) or (in_header and OUTLET_LINE.fullmatch(line)):
            date = date or _date_in(line)
            authors += _authors_in(line)
            continue
        byline = BYLINE_LINE.match(line)
        if byline:
            authors += _names(byline.group("names"))
            continue
        credit_line = BRACKETED_CREDIT.match(line)
        if credit_line:
            authors += _authors_in(credit_line.group("credit"))
            continue
        lead = AGENCY_LEAD.match(line)
        if lead:
            authors += _authors_in(lead.group("credit"))
            line = line[lead.end():]
        credit = TRAILING_CREDIT.search(line)
        if credit and _ends_sentence(line[: credit.start()].rstrip()):
            line = line[: credit.start()].rstrip()
        kept.append(line)
    if not kept or _cjk_share("".join(kept)) < 0.2:
        raise KgError(where, "no Chinese article text found")
    title, body = _title_and_body(kept)
    body = _join_broken_lines(body)
    text = "\n".join([title] + body)
    doc_id = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return Article(source=source, doc_id=doc_id, title=title, text=text, date=date,
                   outlet=outlet, authors=tuple(dict.fromkeys(authors)))


def _outlet_in(line: str, in_header: bool) -> str | None:
    found = OUTLET.search(line)
    if not found and in_header:
        found = OUTLET_LINE.match(line) if _is_meta_line(line) else OUTLET_LINE.fullmatch(line)
    return found.group("outlet") if found else None


def _is_meta_line(line: str) -> bool:
    """A dateline such as '20-08-12 10:36 来源:甘肃日报 编辑:王莉文'."""
    if len(line) > 80 or line.endswith(tuple("。，")):
        return False
    return bool(DATE.search(line)) and (
        bool(re.search(r"\d{1,2}:\d{2}|来源|记者|第\d+版|编辑", line)) or DATE.fullmatch(line) is not None
        or bool(OUTLET_LINE.match(line))
    )


def _date_in(line: str) -> str | None:
    m = DATE.search(line)
    if not m:
        return None
    year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    month, day = int(m["m"]), int(m["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _authors_in(text: str) -> list[str]:
    m = re.search(BYLINE_ROLE + r"\s*(?P<names>[\u4e00-\u9fff ]+)", text)
    return _names(m.group("names")) if m else []


def _names(chunk: str) -> list[str]:
    """Names in a byline; two-character names are often padded ('李 峰')."""
    names: list[str] = []
    pending = ""
    for token in chunk.split():
        if re.search(BYLINE_ROLE + r"|编辑|摄影|来源", token):
            continue
        if len(token) == 1:
            pending += token
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        else:
            names.append(token)
    return [n for n in names if 2 <= len(n) <= 4]


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin paragraphs a copy-and-paste broke mid-sentence.

    A long body line that does not end a sentence continues on the next line;
    short lines (headings) and picture captions stand alone.  Lines are joined
    once per paragraph: adding to a growing string line by line took time
    quadratic in the paragraph's length.
    """
    paragraphs: list[list[str]] = []  # each a list of lines, joined once at the end
    tail = ""  # the last paragraph's last 20 characters (all of it if shorter)
    for line in lines:
        if len(tail) >= 20 and not _ends_sentence(tail) \
                and not paragraphs[-1][0].startswith(("图为", "图片", "（图")):
            paragraphs[-1].append(line)
            tail = (tail + line)[-20:]
        else:
            paragraphs.append([line])
            tail = line[-20:]
    return ["".join(parts) for parts in paragraphs]


def _ends_sentence(line: str) -> bool:
    if line.endswith(tuple("。！？!?…：:")):
        return True
    return line.endswith(("”", "’", "」")) and line[-2:-1] in ("。", "！", "？", "!", "?")


def _title_and_body(paragraphs: list[str]) -> tuple[str, list[str]]:
    """The first line is the title; a following '——' line is its subtitle."""
    title, rest = paragraphs[0], paragraphs[1:]
    while rest and rest[0].startswith(("——", "—")) and len(rest[0]) < 80:
        title += rest[0]
        rest = rest[1:]
    return title, rest


def iter_inputs(inputs: list[Path], skipped: list[str] | None = None) -> list[Path]:
    """The report files named by the user, folders expanded, in a stable order.

    Entries in a folder that are named like reports but are not files (a folder
    called x.txt, a named pipe, a link to nothing) are left out, and if ``skipped``
    is given, a warning naming each is added to it."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            named = sorted(p for p in item.rglob("*") if p.suffix.lower() in SUFFIXES)
            found = [p for p in named if p.is_file()]
            if skipped is not None:
                skipped += [f"{p}: skipped, {_not_a_file(p)}" for p in named if not p.is_file()]
            if not found:
                raise KgError(item, "folder holds no .txt, .html, .htm or .md reports")
            files += found
        elif item.exists():
            if item.suffix.lower() not in SUFFIXES:
                raise KgError(item, "not a .txt, .html, .htm or .md report")
            files.append(item)
        else:
            raise KgError(item, "no such file or folder")
    return files


def _not_a_file(path: Path) -> str:
    if path.is_symlink() and not path.exists():
        return "a link to nothing"
    if path.is_dir():
        return "a folder"
    if path.is_fifo():
        return "a named pipe"
    return "not a regular file"

