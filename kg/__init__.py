"""fupin-kg: knowledge graphs from Chinese reports on East–West poverty-alleviation cooperation."""

__version__ = "0.1.0"


def load(folder):
    """A build folder's graph as an rdflib Dataset: one named graph per report, made from the
    folder's store when asked for (a few seconds for a thousand reports)."""
    from pathlib import Path

    from .stores import open_store

    return open_store(None, Path(folder)).dataset()
