"""Shared fixtures: the sample and hand-made articles through the pipeline once per session."""
from __future__ import annotations

import pytest

from .helpers import ARTICLES, DATA


@pytest.fixture(scope="session")
def extractions():
    """Every sample and hand-made article through the pipeline, by file name."""
    from kg.pipeline import extract_file
    from kg.read import iter_inputs

    files = iter_inputs([DATA, ARTICLES])
    return {p.name: extract_file(p) for p in files}


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory):
    """The sample reports built once into a folder, for tests that only read it."""
    from kg.build import build

    out = tmp_path_factory.mktemp("sample") / "out"
    build([DATA], out, check_shapes=False)
    return out
