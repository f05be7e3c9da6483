"""Output formats for the graph, by name, and files written whole or not at all.

Every serialisation is deterministic: the same graph gives the same bytes.
Turtle, TriG, N-Triples and N-Quads are written by ``kg.rdftext`` from the
triples as text, byte for byte what rdflib's writers gave and many times
faster; JSON-LD is rdflib's, with its node lists sorted.  A format is its
writer, a function of the dataset (``kg.rdftext.Quads``, each report's whole
graph): add one to ``FORMATS``; a file's suffix is the name of its format.
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

from . import rdftext
from .model import KgError
from .rdftext import Quads


def union(ds: Dataset) -> Graph:
    """All reports' triples in one rdflib graph, with the dataset's prefixes."""
    g = Graph()
    for prefix, ns in ds.namespaces():
        g.bind(prefix, ns, replace=True)
    for quad in ds.quads((None, None, None, None)):
        g.add(quad[:3])
    return g


def _canonical(value):
    """JSON-LD node lists are sets: sort them so the text is stable."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def _jsonld(quads: Quads) -> bytes:
    data = json.loads(quads.to_rdflib().serialize(format="json-ld", encoding="utf-8"))
    return json.dumps(_canonical(data), ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: dict[str, Callable[[Quads], bytes]] = {
    "ttl": lambda quads: rdftext.turtle(quads.union()),
    "nt": lambda quads: rdftext.ntriples(quads.union()),
    "trig": lambda quads: rdftext.trig(quads.graphs.items()),
    "nq": lambda quads: rdftext.nquads(quads.graphs.items()),
    "jsonld": _jsonld,
}
# What parses each format, by rdflib's and pyoxigraph's names for it.
PARSERS = {"ttl": ("turtle", "TURTLE"), "nt": ("nt", "N_TRIPLES"), "trig": ("trig", "TRIG"),
           "nq": ("nquads", "N_QUADS"), "jsonld": ("json-ld", "JSON_LD")}


def serialize(data: Quads | Dataset, name: str) -> bytes:
    """The dataset in a format; an rdflib Dataset is taken too."""
    if isinstance(data, Dataset):
        data = Quads.from_rdflib(data)
    return FORMATS[name](data)


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


def new_folder(folder: Path) -> Path:
    """An empty folder beside ``folder`` to build its next contents in (see replace_folder)."""
    folder = folder.resolve()  # a link to the folder stays a link
    if folder.exists() and not folder.is_dir():
        raise KgError(folder, "output path exists and is not a folder")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.new-"))
    except OSError as err:
        raise KgError(folder, f"cannot write ({err.strerror})") from None


def write_into(folder: Path, name: str, data: bytes | None) -> None:
    """A file of a folder that replace_folder will switch in (None: written there already)."""
    try:
        if data is not None:
            (folder / name).write_bytes(data)
        os.chmod(folder / name, 0o666 & ~_umask())
    except OSError as err:
        raise KgError(folder / name, f"cannot write ({err.strerror})") from None


def replace_folder(folder: Path, contents: dict[str, bytes], outputs: Iterable[str], new: Path | None = None) -> None:
    """Make a folder hold these files, switched in whole with one rename.

    The files are written to a new folder beside it (``new``, from new_folder, may hold
    more already: a build's store), which then changes place with the old one, so a
    reader, or a build killed at any moment, finds the old folder or the new one, never
    some files of each.  What else the old folder held, other than the ``outputs`` a
    build writes (a page ``kg view`` wrote there, say), is carried over."""
    folder = folder.resolve()
    new = new or new_folder(folder)
    try:
        for name, data in contents.items():
            write_into(new, name, data)
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

