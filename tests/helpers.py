"""Paths and small helpers the tests share."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
ARTICLES = Path(__file__).resolve().parent / "articles"
GOLD_DIR = ROOT.parent / "shared" / "eval" / "dev"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_kg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=cwd)


def names_of(extraction, *types: str) -> set[str]:
    return {e.name for e in extraction.entities if e.mentions and (not types or e.type in types)}
