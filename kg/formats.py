"""Output formats for the graph, by name, and files written whole or not at all.

Every serialisation is deterministic: the same graph gives the same bytes.
rdflib's Turtle writer sorts subjects and predicates; its N-Triples and
N-Quads come out in set order, so their lines are sorted here; its TriG and
JSON-LD writers follow the store's graph order, so TriG is written graph by
graph with the Turtle writer and JSON-LD's node lists are sorted.  A format is
its writer: add one to ``FORMATS``; a file's suffix is the name of its format.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Dataset, Graph

from .model import KgError


def _trig(ds: Dataset) -> bytes:
    """TriG with graphs in IRI order, each written by the (sorting) Turtle writer."""
    prefixes: set[str] = set()
    blocks = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        body = []
        for line in _as_graph(graph, ds).serialize(format="turtle").splitlines():
            (prefixes.add(line) if line.startswith("@prefix") else body.append(line))
        inner = "\n".join(("    " + line) if line else "" for line in body).strip("\n")
        blocks.append(f"<{graph.identifier}> {{\n{inner}\n}}\n")
    return ("\n".join(sorted(prefixes)) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def union(ds: Dataset) -> Graph:
    """All reports' triples in one graph, with the dataset's prefixes."""
    return _as_graph((q[:3] for q in ds.quads((None, None, None, None))), ds)


def _as_graph(source, ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, replace=True)
    for triple in source:
        g.add(triple)
    return g


def _canonical(value):
    """JSON-LD node lists are sets: sort them so the text is stable."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _turtle(ds: Dataset) -> bytes:
    return union(ds).serialize(format="turtle", encoding="utf-8")


def _sorted_lines(rdflib_name: str, named_graphs: bool) -> Callable[[Dataset], bytes]:
    def write(ds: Dataset) -> bytes:
        data = (ds if named_graphs else union(ds)).serialize(format=rdflib_name, encoding="utf-8")
        lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
        return ("\n".join(lines) + "\n").encode("utf-8")
    return write


def _jsonld(ds: Dataset) -> bytes:
    data = json.loads(ds.serialize(format="json-ld", encoding="utf-8"))
    return json.dumps(_canonical(data), ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: dict[str, Callable[[Dataset], bytes]] = {
    "ttl": _turtle,
    "nt": _sorted_lines("nt", named_graphs=False),
    "trig": _trig,
    "nq": _sorted_lines("nquads", named_graphs=True),
    "jsonld": _jsonld,
}


def serialize(ds: Dataset, name: str) -> bytes:
    return FORMATS[name](ds)


def format_of(path: Path, given: str | None) -> str:
    """The format to write a file in: the one given, else the one its suffix names.
    A suffix that names another format than the one given is refused, not ignored."""
    suffix = path.suffix.lower().lstrip(".")
    if given is None:
        if suffix not in FORMATS:
            raise KgError(path, f"cannot tell the format from the suffix; name the file .{' .'.join(FORMATS)} "
                          "or give --format")
        return suffix
    if suffix in FORMATS and suffix != given:
        raise KgError(path, f"the suffix says {suffix} but --format says {given}")
    return given


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    if path.is_dir():
        raise KgError(path, "is a folder; give a file to write")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise KgError(path, f"cannot write ({err.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        raise KgError(path, f"cannot write ({err.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def replace_folder(folder: Path, contents: dict[str, bytes], outputs: Iterable[str]) -> None:
    """Make a folder hold these files, switched in whole with one rename.

    The files are written to a new folder beside it, which then changes place with the
    old one, so a reader, or a build killed at any moment, finds the old folder or the
    new one, never some files of each.  What else the old folder held, other than the
    ``outputs`` a build writes (a page ``kg view`` wrote there, say), is carried over."""
    folder = folder.resolve()  # a link to the folder stays a link
    if folder.exists() and not folder.is_dir():
        raise KgError(folder, "output path exists and is not a folder")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        new = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.new-"))
    except OSError as err:
        raise KgError(folder, f"cannot write ({err.strerror})") from None
    try:
        for name, data in contents.items():
            (new / name).write_bytes(data)
            os.chmod(new / name, 0o666 & ~_umask())
        if folder.exists():
            _carry_over(folder, new, set(contents) | set(outputs))
            os.chmod(new, folder.stat().st_mode & 0o7777)
            _exchange(new, folder)
        else:
            os.chmod(new, 0o777 & ~_umask())
            os.rename(new, folder)
    except OSError as err:
        raise KgError(folder, f"cannot write ({err.strerror})") from None
    finally:
        shutil.rmtree(new, ignore_errors=True)  # after the exchange: the old files


def _carry_over(old: Path, new: Path, outputs: set[str]) -> None:
    """Link (or copy) into the new folder what the old one holds besides a build's outputs."""
    for entry in old.iterdir():
        if entry.name in outputs or (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE).  Where the
    system or file system lacks it, two renames: for a moment the folder is absent,
    but it is never a mix."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    aside = a.with_name(a.name + ".old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)

