"""Paths and small helpers the tests share."""
from __future__ import annotations

import contextlib
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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, seconds: float = 20) -> None:
    """Poll a local server until it answers (any status), or fail."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answered at {url}")


@contextlib.contextmanager
def running(cmd: list[str], ready_url: str):
    """A server process on this machine, stopped when the block ends."""
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(ready_url)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)
