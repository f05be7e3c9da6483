"""The viewer in a real browser: Debian's Chromium driven by Playwright, from file://."""
from pathlib import Path

import pytest

from kg.view import render_page, select

from .helpers import ROOT
from .test_view import xss_graph

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
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


def open_page(browser, html: str, tmp_path: Path):
    path = tmp_path / "graph.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", timeout=60000)
    return page, requests, dialogs


@pytest.fixture(scope="module")
def sample(browser, extractions, tmp_path_factory):
    from kg.formats import union
    from kg.netx import to_networkx
    from kg.rdf import to_dataset

    graph = select(to_networkx(union(to_dataset(extractions.values()))))
    page, requests, dialogs = open_page(browser, render_page(graph), tmp_path_factory.mktemp("page"))
    yield graph, page, requests
    page.close()


def test_browser_no_request_leaves_the_page(sample):
    _, _, requests = sample
    assert [r for r in requests if not r.startswith("file://")] == []
    assert len(requests) == 1


def test_browser_draws_every_node(sample):
    graph, page, _ = sample
    assert page.evaluate("window.kgNodes.length") == graph.number_of_nodes()


def test_browser_search_finds_and_focuses(sample):
    _, page, _ = sample
    page.fill("#search", "古浪县")
    page.press("#search", "Enter")
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == ["https://w3id.org/fupin-kg/id/region/620622"]
    panel = page.inner_text("#panel")
    assert "古浪县" in panel and "区划代码：620622" in panel
    assert "4年来蓟州区累计投入1.07亿元产业扶贫资金" in panel
    page.fill("#search", "崆峒")
    page.press("#search", "Enter")
    assert page.evaluate("window.kgNetwork.getSelectedNodes()") == ["https://w3id.org/fupin-kg/id/region/620802"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sample-graph.png"))


def test_browser_type_filter_hides_nodes(sample):
    _, page, _ = sample
    count = "window.kgNodes.get({filter: n => n.kind === 'QuantityFact' && !n.hidden}).length"
    assert page.evaluate(count) > 0
    page.uncheck("input[data-type=QuantityFact]")
    assert page.evaluate(count) == 0
    page.check("input[data-type=QuantityFact]")
    assert page.evaluate(count) > 0


def test_browser_clicking_a_node_shows_its_source(sample):
    _, page, _ = sample
    position = page.evaluate("""() => {
        const id = 'https://w3id.org/fupin-kg/id/region/120119';
        window.kgNetwork.focus(id, {scale: 1.5, animation: false});
        const p = window.kgNetwork.canvasToDOM(window.kgNetwork.getPositions([id])[id]);
        const box = document.getElementById('graph').getBoundingClientRect();
        return {x: p.x + box.left, y: p.y + box.top};
    }""")
    page.mouse.click(position["x"], position["y"])
    panel = page.inner_text("#panel")
    assert "蓟州区" in panel and "1.43亿元" in panel and "凝心聚力" in panel


def test_browser_article_text_runs_no_script(browser, tmp_path):
    page, requests, dialogs = open_page(browser, render_page(xss_graph()), tmp_path)
    page.fill("#search", "麦积区")
    page.press("#search", "Enter")
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.evaluate("document.querySelectorAll('#panel img, #side script').length") == 0
    assert "<img src=x onerror=alert(1)></script>" in page.inner_text("#panel")  # shown as text
    page.close()
