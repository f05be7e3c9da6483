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


def _long_report(count: int) -> str:
    gaz = gazetteer.shared()
    rng = random.Random(7)
    return "\n\n".join("\n\n".join(report(gaz, rng, helper, assisted))
                       for helper, assisted in pairs(gaz, rng, count))


def _lines_run(count: int) -> Counter:
    """The lines of kg's Python run to extract one long article, by module."""
    article = clean(_long_report(count), source="long.txt", where="long.txt")
    counts: Counter = Counter()

    def lines(frame, event, arg):
        if event == "line":
            counts[frame.f_code.co_filename[len(PACKAGE):]] += 1
        return lines

    def calls(frame, event, arg):
        path = frame.f_code.co_filename
        return lines if path.startswith(PACKAGE) else None
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
    short, long = _lines_run(REPORTS), _lines_run(2 * REPORTS)
    return {module: long[module] / short[module] for module in short}


EXTRACTION_MODULES = ["extract/regions.py", "extract/names.py", "extract/persons.py", "extract/tagger.py",
                      "extract/arbitrate.py", "extract/amounts.py", "text.py", "resolve.py", "relate/context.py",
                      "relate/pairings.py", "relate/money.py", "relate/quantities.py", "model.py"]


def test_pipeline_every_module_extraction_runs_is_measured(growth):
    assert set(growth) - {"pipeline.py", "gazetteer.py", "extract/__init__.py", "relate/__init__.py"} \
        <= set(EXTRACTION_MODULES)


@pytest.mark.parametrize("module", EXTRACTION_MODULES)
def test_pipeline_extraction_work_is_linear_in_the_text(growth, module):
    assert growth[module] <= LINEAR, f"{module}: {growth[module]:.1f} times the work for twice the text"
