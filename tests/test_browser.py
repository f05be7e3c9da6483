"""The pages in a real browser: Debian's Chromium driven by Playwright, opened from disk
(file://, as `kg pages` writes them) and from `kg serve`.  Screenshots of every page at
1400×900 go to test-artifacts/."""
import csv
import io
import shutil
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Literal
from rdflib.namespace import XSD

from kg.build import build
from kg.pages import write_pages
from kg.rdftext import Quads
from kg.stores import OxigraphStore, open_store
from kg.tables import entities, money

from .helpers import DATA, ROOT, free_port, running, write
from .test_view import XSS

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PAGES = ("overview", "graph", "entities", "money", "map")
SERVED = {"overview": "/", "graph": "/graph", "entities": "/entities", "money": "/money", "map": "/map",
          "query": "/query"}
KONGTONG = "https://w3id.org/fupin-kg/id/region/620802"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def _site(folder: Path) -> Path:
    write_pages(open_store(None, folder), folder)
    return folder


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build([DATA], out, check_shapes=False)
    return _site(out)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A graph with a script in every text it holds: every literal of a built report, the
    labels, sentences, headlines and codes, gets XSS appended."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (f"天津市西青区对口帮扶甘肃省天水市麦积区{XSS}\n"
            f"西青区向麦积区投入帮扶资金100万元，建设“{XSS}”展销会。贫困户李四{XSS}说。"
            "2020年西青区累计向麦积区拨付帮扶资金2000万元，用于五龙镇安家山村养猪场项目，带动贫困户46户。"
            "麦积区五龙镇的群众通过帮扶项目增加了收入，生活条件明显改善，脱贫攻坚取得了决定性胜利。")
    report = write(tmp_path_factory.mktemp("input"), "xss.txt", text)
    build([report], folder, check_shapes=False)
    parsed = Dataset()
    parsed.parse(folder / "graph.trig", format="trig")
    poisoned = Dataset()
    for s, p, o, g in parsed.quads():
        if isinstance(o, Literal) and o.datatype in (None, XSD.string):
            o = Literal(str(o) + XSS, lang=o.language)
        poisoned.add((s, p, o, g))
    poisoned.serialize(folder / "graph.trig", format="trig")
    (folder / "graph.ttl").unlink()
    shutil.rmtree(folder / "graph.db")  # the store the pages are made from holds the same
    store = OxigraphStore(str(folder / "graph.db"), create=True)
    store.put(Quads.from_rdflib(poisoned))
    store.close()
    return _site(folder)


def _serve(folder: Path):
    port = free_port()
    return running([sys.executable, "-m", "kg", "serve", str(folder), "--port", str(port), "--workers", "2"],
                   f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"), f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def served(sample):
    server, url = _serve(sample)
    with server:
        yield url


@pytest.fixture(scope="module")
def served_hostile(hostile):
    server, url = _serve(hostile)
    with server:
        yield url


class Visit:
    """A page opened in a fresh tab, with every request it made and every dialog it opened."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        self.requests, self.dialogs, self.errors = [], [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=60000)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.page.close()


def url_of(name: str, folder: Path | None = None, server: str | None = None) -> str:
    return (folder / f"{name}.html").as_uri() if folder else server + SERVED[name]


def local(url: str, server: str | None) -> bool:
    return url.startswith(("data:", "blob:")) or (url.startswith(server) if server else url.startswith("file://"))


def shown(page) -> dict:
    return page.evaluate("Object.fromEntries(window.kgNodes.get().map(n => [n.id, n.kind]))")


def canvas_has_drawing(page, selector: str) -> bool:
    return page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector + ' canvas')).some(c => {
        const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < pixels.length; i += 4 * 7) { if (pixels[i] > 0) { return true; } }
        return false; })""", selector)


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_no_request_leaves_the_machine(browser, sample, served, where):
    server = served if where == "served" else None
    names = PAGES + (("query",) if server else ())
    for name in names:
        with Visit(browser, url_of(name, None if server else sample, server)) as visit:
            if name == "query":
                visit.page.click("button[data-query=pairings]")
                visit.page.wait_for_selector(".yasr table tbody tr", timeout=30000)
            if name == "graph":
                visit.page.fill("#search", "崆峒区")
                visit.page.press("#search", "Enter")
                visit.page.click("#expand")
            visit.page.wait_for_timeout(300)
            assert visit.errors == [], name
            assert visit.requests and all(local(r, server) for r in visit.requests), (name, visit.requests)


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_first_view_is_readable_and_the_same_every_time(browser, sample, served, where):
    url = url_of("graph", None if where == "served" else sample, served if where == "served" else None)
    positions = []
    for _ in range(2):
        with Visit(browser, url) as visit:
            kinds = shown(visit.page)
            assert "QuantityFact" not in kinds.values() and "Article" not in kinds.values()
            assert {"County", "District", "Project", "Person", "Enterprise"} <= set(kinds.values())
            positions.append(visit.page.evaluate("window.kgNetwork.getPositions()"))
            clashes = visit.page.evaluate("""() => {
                const net = window.kgNetwork, boxes = window.kgNodes.getIds().map(id => net.getBoundingBox(id));
                let clashes = 0;
                boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
                    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) { clashes++; }
                }));
                return clashes; }""")
            assert clashes == 0  # no two labels (with their nodes) meet at the default zoom
            assert visit.page.evaluate("window.kgNetwork.getScale()") > 0.6
            if where == "served":
                ARTIFACTS.mkdir(exist_ok=True)
                visit.page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert positions[0] == positions[1]


def test_browser_expand_and_collapse_a_node(browser, served):
    with Visit(browser, served + "/graph") as visit:
        page = visit.page
        before = shown(page)
        page.fill("#search", "崆峒区")
        page.press("#search", "Enter")
        button = page.inner_text("#expand")
        more = int(button.split("（")[1].rstrip("）"))
        assert more > 0
        page.click("#expand")
        after = shown(page)
        assert len(after) == len(before) + more
        assert set(after.values()) - set(before.values()) <= {"Product", "Document", "Event"}
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "graph-expanded.png"))
        page.click("#collapse")
        assert shown(page) == before


def test_browser_type_filter_brings_quantities_back_and_refits(browser, sample):
    with Visit(browser, url_of("graph", sample)) as visit:
        page = visit.page
        scale = page.evaluate("window.kgNetwork.getScale()")
        page.check("input[data-type=QuantityFact]")
        assert "QuantityFact" in shown(page).values()
        assert page.evaluate("window.kgNetwork.getScale()") != scale  # fitted to what is shown now
        page.uncheck("input[data-type=QuantityFact]")
        assert "QuantityFact" not in shown(page).values()


def test_browser_search_panel_and_links_from_tables(browser, sample):
    with Visit(browser, url_of("graph", sample)) as visit:
        page = visit.page
        page.fill("#search", "古浪县")
        page.press("#search", "Enter")
        assert page.evaluate("window.kgNetwork.getSelectedNodes()") == ["https://w3id.org/fupin-kg/id/region/620622"]
        panel = page.inner_text("#panel")
        assert "区划代码：620622" in panel and "4年来蓟州区累计投入1.07亿元产业扶贫资金" in panel
        assert "提及它的报道与句子" in panel
    with Visit(browser, url_of("entities", sample)) as visit:
        visit.page.click("#rows a:text-is(\"崆峒区\")")
        visit.page.wait_for_selector("body[data-ready=true]")
        assert visit.page.evaluate("window.kgNetwork.getSelectedNodes()") == [KONGTONG]
        assert "崆峒区" in visit.page.inner_text("#panel h2")


def test_browser_saved_query_runs_from_the_query_page(browser, served):
    with Visit(browser, served + "/query") as visit:
        visit.page.click("button[data-query=pairings]")
        visit.page.wait_for_selector(".yasr table tbody tr", timeout=30000)
        rows = visit.page.inner_text(".yasr table tbody")
        assert visit.page.locator(".yasr table tbody tr").count() == 8 and "古浪县" in rows
        ARTIFACTS.mkdir(exist_ok=True)
        visit.page.screenshot(path=str(ARTIFACTS / "query.png"))
    with Visit(browser, served + "/sparql") as visit:  # a browser opening the endpoint gets the same page
        assert visit.page.locator("button[data-query=money-by-year]").count() == 1


def _download(page, filters: dict) -> list[list[str]]:
    for selector, value in filters.items():
        page.select_option(selector, value)
    with page.expect_download() as waiting:
        page.click("#download")
    return list(csv.reader(io.StringIO(Path(waiting.value.path()).read_text(encoding="utf-8"))))


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_tables_download_csv_that_parses(browser, sample, served, where):
    server = served if where == "served" else None
    store = open_store(None, sample)
    for name, table, filters, check in (
            ("entities", entities(store), {"#type": "Town"}, lambda row: row["type"] == "Town"),
            ("money", money(store), {"#kind": "transfer"}, lambda row: row["kind"] == "transfer")):
        with Visit(browser, url_of(name, None if server else sample, server)) as visit:
            whole = _download(visit.page, {})
            assert whole == list(csv.reader(io.StringIO(table.csv())))  # what `kg table` writes
            part = _download(visit.page, filters)
            rows = [dict(zip(part[0], r)) for r in part[1:]]
            assert rows and len(rows) < len(whole) - 1 and all(check(r) for r in rows)
            if server:
                ARTIFACTS.mkdir(exist_ok=True)
                visit.page.select_option(list(filters)[0], "")
                visit.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_browser_entities_filter_from_the_address(browser, served):
    with Visit(browser, served + "/entities?type=Town&region=古浪县") as visit:
        names = visit.page.eval_on_selector_all("#rows tbody tr td:first-child", "cells => cells.map(c => c.textContent)")
        assert sorted(names) == sorted(["干城乡", "直滩镇", "西靖镇"])


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_charts_render(browser, sample, served, where):
    server = served if where == "served" else None
    with Visit(browser, url_of("overview", None if server else sample, server)) as visit:
        for chart in ("#chart-year", "#chart-recipient", "#chart-type", "#chart-kind"):
            assert canvas_has_drawing(visit.page, chart), chart
        assert visit.page.evaluate("window.kgCharts[1].getOption().yAxis[0].data[0]") == "古浪县"
        assert "蓟州区" in visit.page.inner_text("#pairings")
        if server:
            ARTIFACTS.mkdir(exist_ok=True)
            visit.page.screenshot(path=str(ARTIFACTS / "overview.png"))


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_map_shows_the_regions(browser, sample, served, where):
    server = served if where == "served" else None
    with Visit(browser, url_of("map", None if server else sample, server)) as visit:
        assert canvas_has_drawing(visit.page, "#map")
        names = visit.page.evaluate("window.kgChart.getOption().series[3].data.map(d => d.name)")
        assert {"蓟州区", "古浪县", "河西区", "崆峒区", "西青区", "麦积区", "宁河区", "榆中县", "雨花台区",
                "丹凤县", "南浔区", "广安区"} <= set(names)
        assert len(visit.page.evaluate("window.kgChart.getOption().series[1].data")) == 8
        if server:
            ARTIFACTS.mkdir(exist_ok=True)
            visit.page.screenshot(path=str(ARTIFACTS / "map.png"))


def _scripts_stay_text(visit: Visit, name: str) -> None:
    page = visit.page
    if name == "graph":
        for box in page.query_selector_all("#legend input"):
            box.check()
        page.fill("#search", "麦积区")
        page.press("#search", "Enter")
    if name == "query":
        page.click("button[data-query=money-by-recipient]")
        page.wait_for_selector(".yasr table tbody tr", timeout=30000)
    page.wait_for_timeout(300)
    assert visit.dialogs == [] and visit.errors == [], name
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0, name
    assert page.evaluate("document.querySelectorAll('body script').length") == \
        page.evaluate("document.querySelectorAll('script[id=payload], script:not([type])').length"), name
    assert "onerror=alert(1)" in page.inner_text("body"), name  # shown as text


@pytest.mark.parametrize("where", ["file", "served"])
def test_browser_report_text_runs_no_script_on_any_page(browser, hostile, served_hostile, where):
    server = served_hostile if where == "served" else None
    for name in PAGES + (("query",) if server else ()):
        with Visit(browser, url_of(name, None if server else hostile, server)) as visit:
            _scripts_stay_text(visit, name)
