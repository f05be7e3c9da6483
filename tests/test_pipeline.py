"""One report through every stage: the work extraction does grows with the text, and no faster.

The work is counted, not timed: the lines of Python each extraction module runs for a
long generated report, and for one twice as long.  Work linear in the text doubles;
work that compares everything with everything grows four times or more."""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import pytest

import kg
from bench.corpus import pairs, report
from kg import gazetteer
from kg.pipeline import extract_article, preload
from kg.read import clean

REPORTS = 8  # of about 2,000 characters each, joined into one text; then twice as many
LINEAR = 2.5  # the most a doubling of the text may multiply the work by
PACKAGE = f"{Path(kg.__file__).parent}/"
# Counted on texts half as long: its work grows so fast that counting it on the longer
# ones takes most of a minute.
SHORTER = {"resolve.py"}


def _long_report(count: int) -> str:
    gaz = gazetteer.shared()
    rng = random.Random(7)
    return "\n\n".join("\n\n".join(report(gaz, rng, helper, assisted))
                       for helper, assisted in pairs(gaz, rng, count))


def _lines_run(count: int, counted) -> Counter:
    """The lines of kg's Python run to extract one long article, by module, for the
    modules ``counted`` accepts (the others run uncounted)."""
    article = clean(_long_report(count), source="long.txt", where="long.txt")
    counts: Counter = Counter()

    def lines(frame, event, arg):
        if event == "line":
            counts[frame.f_code.co_filename[len(PACKAGE):]] += 1
        return lines

    def calls(frame, event, arg):
        path = frame.f_code.co_filename
        return lines if path.startswith(PACKAGE) and counted(path[len(PACKAGE):]) else None
    sys.settrace(calls)
    try:
        extract_article(article)
    finally:
        sys.settrace(None)
    return counts


@pytest.fixture(scope="module")
def growth() -> dict[str, float]:
    """How many times the work of each module grows when the text doubles."""
    preload()
    ratios = {}
    for reports, counted in ((REPORTS // 2, lambda module: module in SHORTER),
                             (REPORTS, lambda module: module not in SHORTER)):
        short, long = _lines_run(reports, counted), _lines_run(2 * reports, counted)
        ratios.update({module: long[module] / short[module] for module in short})
    return ratios


def _superlinear(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


@pytest.mark.parametrize("module", [
    pytest.param("resolve.py", marks=_superlinear(
        "_fold_variants tries every pair of named entities, and _places_in_front and _core scan every "
        "division mention for each")),
    pytest.param("extract/arbitrate.py", marks=_superlinear(
        "_settle_names checks each name against every name kept (_cross, _inside, _company_first); "
        "_mark_regions_in checks each division against every name")),
    pytest.param("extract/regions.py", marks=_superlinear(
        "_choose_full_names weighs each ambiguous name against every other division hit (gazetteer.related "
        "for each pair of candidates); _unknown_towns checks each county against every town mention")),
    pytest.param("text.py", marks=_superlinear(
        "SmallLexicon.occurrences scans the whole text once for each county the article names")),
    pytest.param("extract/names.py", marks=_superlinear(
        "_continues looks at every later suffix for each name")),
    pytest.param("relate/pairings.py", marks=_superlinear(
        "_readings scans every entity for each chain; _abbreviated_pairs tries every helper division "
        "with every assisted one")),
    pytest.param("extract/amounts.py", marks=_superlinear(
        "quantities checks each number against every amount of money")),
    "extract/persons.py", "extract/tagger.py", "relate/money.py", "relate/quantities.py", "model.py",
])
def test_pipeline_extraction_work_is_linear_in_the_text(growth, module):
    assert growth[module] <= LINEAR, f"{module}: {growth[module]:.1f} times the work for twice the text"
