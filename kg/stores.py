"""Where the graph lives: a registry of stores, each holding one named graph per report.

    folder          a build folder (the default): the Oxigraph store kg build keeps
                    in it (graph.db), opened read-only
    memory          rdflib in memory, over a build folder's graph.trig
    oxigraph:PATH   a persistent embedded Oxigraph store: built once, queried many times
    sparql:URL      any SPARQL 1.1 endpoint with Update (Oxigraph server, Fuseki,
                    GraphDB, Virtuoso …); URL is the query endpoint, the update
                    endpoint is found by replacing a final /query with /update,
                    or given after a '|': sparql:QUERY_URL|UPDATE_URL

Every store answers queries as an rdflib ``Result``, so output formats and
the HTTP endpoint do not care which store is behind them, and on all three
the default graph is the set union of what the reports say.  rdflib's union
is a set; Oxigraph's ``use_default_graph_as_union`` is a bag (an entity
described in 80 reports matches 80 times, inflating joins and sums), so the
persistent stores keep the union as a real default graph.  They do not store
every triple twice, though, which made loading most of a large build:

* a report's mentions and facts are its alone (each is ``prov:wasDerivedFrom``
  the report), so they are stored once, in the default graph, and dropping
  the report deletes them by that link;
* the rest of what it states (the article node, and what it says about
  places, organisations and people other reports describe too) goes into its
  named graph as well, so that dropping it retracts from the default graph
  only what no other report states.

``Store.quads()`` puts each report's whole graph back together as text (the
terms of kg.rdftext), which exports, the viewer and a build folder are made
from, and ``Store.dataset()`` as an rdflib Dataset, so they do not depend on
the store.  Classes are imported only when their store is used.
"""
from __future__ import annotations

import functools
import importlib
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from .model import KgError
from .rdf import PREFIXES, ReportNTriples, new_dataset
from .rdftext import Quads

STORES = {
    "folder": "kg.stores:FolderStore",
    "memory": "kg.stores:MemoryStore",
    "oxigraph": "kg.stores:OxigraphStore",
    "sparql": "kg.stores:SparqlStore",
}
# Dropping a report: its mentions and facts go, and what it stated leaves the default graph
# unless another report's graph states it too.
RETRACT = ("DELETE {{ ?node ?p ?o }} WHERE {{ ?node <http://www.w3.org/ns/prov#wasDerivedFrom> <{name}> ; "
           "?p ?o }} ;\n"
           "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
           "FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != <{name}>) }} }} ;\n"
           "DROP SILENT GRAPH <{name}>")
# Each report's whole graph: what its named graph holds, and its mentions and facts.
WHOLE_GRAPHS = ("SELECT ?g ?s ?p ?o WHERE { { GRAPH ?g { ?s ?p ?o } } "
                "UNION { ?s prov:wasDerivedFrom ?g ; ?p ?o } }")
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))


@dataclass(frozen=True)
class Scope:
    """The RDF dataset a query runs over when the request names one (the SPARQL Protocol's
    default-graph-uri and named-graph-uri): its default graph is the merge of ``default``,
    and its named graphs are ``named`` and no others."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changes:
    """What an update did to an in-process copy of a store, as quads (s, p, o, graph), so that
    other copies can be brought to the same state without running the update again."""

    added: frozenset
    removed: frozenset


def with_prefixes(sparql: str) -> str:
    """The project's prefixes declared before the query, for stores that lack initNs."""
    return PROLOGUE + sparql


@dataclass(frozen=True)
class StoredReport:
    """A report in a store: its graph (the report's IRI, a hash of its text), the name of
    the file it was read from, and the hash of that file's bytes."""

    graph: str
    source: str
    digest: str | None


class Store(ABC):
    """A dataset of named graphs, one per report."""

    #: Whether `kg serve` may open the store once and fork it into its worker processes
    #: (an open Oxigraph store may not be forked: each worker opens it itself).
    fork_safe = True

    @abstractmethod
    def query(self, sparql: str, scope: Scope | None = None) -> Result:
        """Answer a query; ``scope``, if given, is its dataset instead of the query's FROM clauses."""

    def rows(self, sparql: str) -> list[tuple]:
        """A SELECT's solutions as tuples of rdflib terms (None where unbound), in the order of
        its variables: what the tables read, which need no rdflib Result around them."""
        return [tuple(row) for row in self.query(sparql)]

    @abstractmethod
    def update(self, sparql: str) -> None: ...

    def update_returning_changes(self, sparql: str) -> Changes | None:
        """Run an update.  A store every process shares has nothing more to say; one that is
        an in-process copy says what changed (see MemoryStore)."""
        self.update(sparql)
        return None

    def has_graph(self, name: str) -> bool:
        """Whether the store holds a graph of that name (a FROM or GRAPH clause may name only those)."""
        return bool(self.query(f"ASK {{ GRAPH {URIRef(name).n3()} {{ ?s ?p ?o }} }}").askAnswer)

    @staticmethod
    def writer_lock(argument: str) -> WriterLock | None:
        """What keeps other processes from writing while `kg serve`'s workers read; most stores need nothing."""
        return None

    @abstractmethod
    def replace_graphs(self, reports: list[ReportNTriples]) -> None:
        """Put each report's triples in the store, replacing what its graph held before."""

    def put(self, quads: Quads, batch: int = 50) -> None:
        """Put whole report graphs (as text) into the store, laid out as a build lays them out,
        replacing what those graphs held."""
        names = sorted(quads.graphs)
        for start in range(0, len(names), batch):
            self.replace_graphs([_report_ntriples(g, quads.graphs[g]) for g in names[start:start + batch]])

    def drop_graph(self, name: str) -> None:
        """Remove a report: its mentions and facts, and from the union what only it stated."""
        self.update(RETRACT.format(name=name))

    def graph_names(self) -> set[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return {str(row[0]) for row in result}

    def reports(self) -> list[StoredReport]:
        """The reports the store holds, each with the name and digest of its file."""
        found = {}
        for graph, source, digest in self.query(
                "SELECT ?g ?source ?digest WHERE { GRAPH ?g { ?g fk:sourceFile ?source "
                "OPTIONAL { ?g fk:sourceDigest ?digest } } }"):
            found[str(graph)] = StoredReport(str(graph), str(source), str(digest) if digest is not None else None)
        return sorted(found.values(), key=lambda r: r.graph)

    def dataset(self) -> Dataset:
        """Everything in the store, as an rdflib Dataset, each report's whole graph."""
        ds = new_dataset()
        for row in self.query(WHOLE_GRAPHS):
            ds.graph(row[0]).add((row[1], row[2], row[3]))
        return ds

    def quads(self) -> Quads:
        """Each report's whole graph, as text (for export, the viewer and build folders)."""
        return Quads.from_rdflib(self.dataset())

    def serialize(self, fmt: str) -> bytes:
        """The store's reports in an output format (kg.formats)."""
        from .formats import serialize

        return serialize(self.quads(), fmt)

    def close(self) -> None:
        """Finish a build's writes; nothing to do for most stores."""


class _UpdatableDataset(Dataset):
    """rdflib 7.6 applies INSERT DATA to a Dataset's default graph with ``+=``, which takes
    only quads and fails on the triples it is given; adding them one by one works."""

    def __iadd__(self, other):
        for statement in other:
            self.add(statement)
        return self


class MemoryStore(Store):
    """rdflib's in-memory dataset; read from and saved to a build folder."""

    def __init__(self, folder: Path | None = None):
        import rdflib.plugins.sparql

        # FROM, FROM NAMED and USING name graphs of the store, as on Oxigraph: rdflib would
        # otherwise read a graph it lacks from the file or URL the IRI names.
        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
        self.ds = _UpdatableDataset(default_union=True)
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns, replace=True)
        if folder is not None:
            self._load(folder)

    def _load(self, folder: Path) -> None:
        if not folder.is_dir():
            raise KgError(folder, "no such build folder (run `kg build` first)")
        for name, fmt in (("graph.trig", "trig"), ("graph.ttl", "turtle")):
            if (folder / name).exists():
                try:
                    self.ds.parse(folder / name, format=fmt)
                except Exception as err:  # rdflib's parsers raise many types
                    raise KgError(folder / name, f"cannot parse graph: {err}") from None
                return
        raise KgError(folder, "holds no graph.trig or graph.ttl")

    def query(self, sparql: str, scope: Scope | None = None) -> Result:
        if scope is None:
            return self.ds.query(sparql, initNs=PREFIXES)
        from rdflib.plugins.sparql import prepareQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        prepared = prepareQuery(sparql, initNs=PREFIXES)
        prepared.algebra["datasetClause"] = (
            [CompValue("DatasetClause", default=URIRef(g)) for g in scope.default]
            + [CompValue("DatasetClause", named=URIRef(g)) for g in scope.named])
        return self.ds.query(prepared)

    def update(self, sparql: str) -> None:
        self.ds.update(sparql, initNs=PREFIXES)

    def update_returning_changes(self, sparql: str) -> Changes:
        """The quads the update added and removed, found by comparing the quads before and after.
        rdflib applies an update's operations one by one, so one that fails may leave some
        applied: a process that holds such a copy must discard it (kg serve replaces the worker)."""
        before = set(self.ds.quads())
        self.update(sparql)
        after = set(self.ds.quads())
        return Changes(frozenset(after - before), frozenset(before - after))

    def apply(self, changes: Changes) -> None:
        for quad in changes.removed:
            self.ds.remove(quad)
        self.ds.addN(changes.added)

    def has_graph(self, name: str) -> bool:
        return next(self.ds.quads((None, None, None, URIRef(name))), None) is not None

    def replace_graphs(self, reports: list[ReportNTriples]) -> None:
        for report in reports:
            self.drop_graph(report.graph)
            self.ds.graph(URIRef(report.graph)).parse(data=report.derived + report.stated, format="nt")

    def drop_graph(self, name: str) -> None:
        self.ds.remove_graph(self.ds.graph(URIRef(name)))

    def graph_names(self) -> set[str]:
        return {str(g.identifier) for g in self.ds.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID}

    def dataset(self) -> Dataset:
        return self.ds


COMPACT_AFTER = 10  # bulk loads into a store, since it was opened, that make closing it compact it


class OxigraphStore(Store):
    """A persistent Oxigraph store in a folder (pyoxigraph).  Read-only, several processes
    can share it, as long as none writes to it meanwhile (see WriterLock)."""

    fork_safe = False  # RocksDB's background threads do not survive a fork

    def __init__(self, location: str, create: bool = False, read_only: bool = False):
        import pyoxigraph

        self.ox = pyoxigraph
        if not location:
            raise KgError("oxigraph:", "give the store's folder, as oxigraph:PATH")
        # Opening a folder makes a store there: only a build may do that, so that a
        # mistyped path is an error rather than an empty store that answers nothing,
        # and never in a folder that holds something else.
        path = Path(location)
        if not (path / "CURRENT").is_file():  # RocksDB's, in every Oxigraph store
            if path.exists() and (not path.is_dir() or any(path.iterdir())):
                raise KgError(f"oxigraph:{location}", "not an Oxigraph store")
            if not create:
                raise KgError(f"oxigraph:{location}", "no such store (`kg build … --store` creates one)")
        try:
            self.store = pyoxigraph.Store.read_only(location) if read_only else pyoxigraph.Store(location)
        except OSError as err:
            raise KgError(location, f"cannot open Oxigraph store ({err})") from None
        self.read_only = read_only
        self.bulk_loads = 0

    @staticmethod
    def writer_lock(location: str) -> WriterLock:
        return WriterLock(location)

    def query(self, sparql: str, scope: Scope | None = None) -> Result:
        return _result_from_oxigraph(self._answer(sparql, scope), self.ox)

    def rows(self, sparql: str) -> list[tuple]:
        """The solutions straight from Oxigraph's: making a Result's rows took a third of the
        time of the entity table."""
        answer = self._answer(sparql)
        if not isinstance(answer, self.ox.QuerySolutions):
            raise KgError("query", "only a SELECT query has rows")
        term = _converter(self.ox)
        return [tuple(None if value is None else term(value) for value in solution) for solution in answer]

    def _answer(self, sparql: str, scope: Scope | None = None):
        dataset = {} if scope is None else {
            "default_graph": [self.ox.NamedNode(g) for g in scope.default],
            "named_graphs": [self.ox.NamedNode(g) for g in scope.named]}
        try:
            return self.store.query(with_prefixes(sparql), **dataset)
        except SyntaxError as err:
            raise KgError("query", f"SPARQL syntax error: {err}") from None

    def has_graph(self, name: str) -> bool:
        return self.store.contains_named_graph(self.ox.NamedNode(name))

    def update(self, sparql: str) -> None:
        try:
            self.store.update(with_prefixes(sparql))
        except SyntaxError as err:
            raise KgError("update", f"SPARQL syntax error: {err}") from None

    def replace_graphs(self, reports: list[ReportNTriples]) -> None:
        """One bulk load for the batch (three times faster than a transaction per report)."""
        for report in reports:
            if self.store.contains_named_graph(self.ox.NamedNode(report.graph)):
                self.drop_graph(report.graph)
        union = "".join(report.derived + report.stated for report in reports)
        # An N-Triples line ends in " .\n" and a literal cannot hold a raw line break,
        # so naming the graph at every line end turns the triples into quads.
        graphs = "".join(report.stated.replace(" .\n", f" <{report.graph}> .\n") for report in reports)
        # lenient: skip IRI validation (12% faster); the text is kg.rdf's, whose IRIs are ASCII and built here.
        self.store.bulk_load((union + graphs).encode("utf-8"), format=self.ox.RdfFormat.N_QUADS, lenient=True)
        self.bulk_loads += 1

    def graph_names(self) -> set[str]:
        return {g.value for g in self.store.named_graphs()}

    def quads(self) -> Quads:
        """Each report's graph from a dump of the store: its named graph, and the mentions and
        facts the default graph holds for it."""
        import tempfile

        from .rdftext import parse_nquads

        derived_from = {}
        for row in self.store.query(f"SELECT ?s ?g WHERE {{ ?s {DERIVED} ?g }}"):
            derived_from[str(row[0])] = str(row[1])
        found = Quads()
        with tempfile.TemporaryFile() as dump:
            self.store.dump(dump, format=self.ox.RdfFormat.N_QUADS)
            dump.seek(0)
            lines = (line.decode("utf-8") for line in dump)
            for s, p, o, g in parse_nquads(lines):
                if g is not None:
                    found.add(g, ((s, p, o),))
                elif s in derived_from:
                    found.add(derived_from[s], ((s, p, o),))
        return found

    def dataset(self) -> Dataset:
        return self.quads().to_rdflib()

    def serialize(self, fmt: str) -> bytes:
        """N-Triples and Turtle straight from the default graph, which is the union of the
        reports (the other formats need each report's graph): Oxigraph writes each term in its
        canonical form, which is what kg.rdftext writes too."""
        if fmt not in ("nt", "ttl"):
            return super().serialize(fmt)
        data = self.store.dump(format=self.ox.RdfFormat.N_TRIPLES, from_graph=self.ox.DefaultGraph())
        if fmt == "ttl":
            from .rdftext import parse_ntriples_lines, turtle

            return turtle(set(parse_ntriples_lines(data.decode("utf-8"))))
        return b"\n".join(sorted(set(data.splitlines()))) + b"\n"

    def close(self) -> None:
        """Compact after many bulk loads: each leaves its own files, and queries over a
        compacted store run about twice as fast.  After a few it is not worth it: compacting
        10,000 reports takes half a minute, and adding one report a fraction of a second."""
        if self.read_only:
            return
        self.store.flush()
        if self.bulk_loads >= COMPACT_AFTER:
            self.store.optimize()


class FolderStore(OxigraphStore):
    """A build folder: the Oxigraph store ``kg build --out`` keeps in it (graph.db), read-only.
    Its graph.ttl and graph.trig are the same graph already written, so export copies them."""

    DB = "graph.db"
    FILES = {"ttl": "graph.ttl", "trig": "graph.trig"}

    def __init__(self, folder: Path | None, read_only: bool = True):
        if folder is None:
            raise KgError("--graph", "give a build folder")
        if not folder.is_dir():
            raise KgError(folder, "no such build folder (run `kg build` first)")
        if not (folder / self.DB / "CURRENT").is_file():
            raise KgError(folder, f"holds no {self.DB} (made by an older kg build? build it again, "
                          "or read its graph.trig with --store memory)")
        self.folder = folder
        super().__init__(str(folder / self.DB), read_only=True)

    @staticmethod
    def writer_lock(argument: str) -> None:
        return None  # a build never writes an existing folder's store: it makes a new folder

    def serialize(self, fmt: str) -> bytes:
        name = self.FILES.get(fmt)
        if name is not None and (self.folder / name).is_file():
            return (self.folder / name).read_bytes()
        return super().serialize(fmt)


class WriterLock:
    """Keeps other processes from opening an Oxigraph store for writing while `kg serve`'s
    read-only workers read it, which RocksDB does not support.  RocksDB takes an fcntl lock
    on the store's LOCK file when it opens a store for writing; holding that lock here makes
    such an open (a `kg build` into the served store) fail with a clear error instead."""

    def __init__(self, location: str):
        self.path = Path(location) / "LOCK"
        self.file = None

    def acquire(self) -> bool:
        """Take the lock; False if another process holds it."""
        import fcntl

        try:
            self.file = open(self.path, "rb+")
        except OSError as err:
            raise KgError(self.path.parent, f"no such store ({err.strerror}; `kg build … --store` creates one)") from None
        try:
            fcntl.lockf(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Let go, so that a writer (kg serve's own, for an update) can open the store."""
        if self.file is not None:
            self.file.close()  # closing the file drops its fcntl lock
            self.file = None


class SparqlStore(Store):
    """A remote SPARQL 1.1 endpoint, over the SPARQL Protocol.  An endpoint is there or
    not: ``create`` is taken, as by every store, and changes nothing."""


    def __init__(self, spec: str, create: bool = False, timeout: float = 60):
        query_url, _, update_url = spec.partition("|")
        if not query_url.startswith(("http://", "https://")):
            raise KgError(f"sparql:{spec}", "give the endpoint's URL, as sparql:http://host:port/query")
        self.query_url = query_url
        self.update_url = update_url or (query_url[: -len("/query")] + "/update"
                                         if query_url.endswith("/query") else query_url)
        self.timeout = timeout

    def _post(self, url: str, form: dict, accept: str) -> tuple[str, bytes]:
        body = urllib.parse.urlencode(form, doseq=True).encode("utf-8")
        request = urllib.request.Request(url, data=body, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            raise KgError(url, f"endpoint answered {err.code}: {detail[0] if detail else err.reason}") from None
        except (urllib.error.URLError, OSError) as err:
            raise KgError(url, f"cannot reach endpoint ({getattr(err, 'reason', err)})") from None

    def query(self, sparql: str, scope: Scope | None = None) -> Result:
        form = {"query": with_prefixes(sparql)}
        if scope is not None:
            form.update({"default-graph-uri": list(scope.default), "named-graph-uri": list(scope.named)})
        kind, data = self._post(self.query_url, form, "application/sparql-results+json, application/n-triples;q=0.9")
        if "json" in kind:
            return Result.parse(source=_Bytes(data), format="json")
        result = Result("CONSTRUCT")
        result.graph = Graph().parse(data=data.decode("utf-8"), format="nt")
        return result

    def update(self, sparql: str) -> None:
        self._post(self.update_url, {"update": with_prefixes(sparql)}, "*/*")

    def replace_graphs(self, reports: list[ReportNTriples]) -> None:
        """One update request for the batch."""
        drops = "".join(RETRACT.format(name=report.graph) + " ;\n" for report in reports)
        union = "".join(report.derived + report.stated for report in reports)
        graphs = "".join(f"GRAPH <{report.graph}> {{\n{report.stated}\n}}\n" for report in reports)
        self.update(f"{drops}INSERT DATA {{\n{union}{graphs}}}")


class _Bytes:
    """A readable source for rdflib's result parsers."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        return self.data.decode("utf-8")


def _from_ox(term, ox):
    """An Oxigraph term as rdflib's.  Oxigraph's literals are already canonical, and not
    normalising them again makes the conversion a third faster."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    return Literal(term.value, datatype=_datatype(term.datatype.value), normalize=False)


@functools.cache
def _datatype(iri: str) -> URIRef | None:
    return None if iri == str(XSD.string) else URIRef(iri)


def _converter(ox):
    """Oxigraph's terms to rdflib's; rows repeat terms, so each is converted once."""
    converted: dict = {}

    def term(value):
        found = converted.get(value)
        if found is None:
            found = converted[value] = _from_ox(value, ox)
        return found
    return term


def _result_from_oxigraph(answer, ox) -> Result:
    """Oxigraph's answer as an rdflib Result."""
    term = _converter(ox)
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QuerySolutions):
        names = [Variable(v.value) for v in answer.variables]
        result = Result("SELECT")
        result.vars = names
        keys = [(name, str(name)) for name in names]
        result.bindings = [{name: term(value) for name, key in keys if (value := solution[key]) is not None}
                           for solution in answer]
        return result
    result = Result("CONSTRUCT")
    result.graph = Graph()
    for triple in answer:
        result.graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return result


def _report_ntriples(graph: str, triples) -> ReportNTriples:
    """A report's graph split as a store keeps it: its mentions and facts, and the rest."""
    derived = {s for s, p, o in triples if p == DERIVED and o == graph}
    lines: dict[bool, list[str]] = {True: [], False: []}
    for s, p, o in triples:
        lines[s in derived].append(f"{s} {p} {o} .\n")
    return ReportNTriples(graph[1:-1], "".join(lines[True]), "".join(lines[False]))


def is_persistent(spec: str | None) -> bool:
    """Whether a store spec names a store a build may write (oxigraph:, sparql:), not a
    build folder read through its store or rdflib."""
    return (spec or "folder").partition(":")[0] not in ("folder", "memory")


def store_class(spec: str | None) -> tuple[type[Store], str]:
    """The class of the store a spec names (a build folder's by default), and the spec's
    argument (a path or URL)."""
    name, _, argument = (spec or "folder").partition(":")
    if name not in STORES:
        raise KgError(f"--store {spec}", f"unknown store; use one of {', '.join(STORES)}")
    module, cls = STORES[name].split(":")
    return getattr(importlib.import_module(module), cls), argument


def open_store(spec: str | None, folder: Path | None = None, create: bool = False, read_only: bool = False) -> Store:
    """A store by its spec (folder, memory, oxigraph:PATH, sparql:URL; folder when none is
    given); folder and memory read the build folder.
    Only ``create`` makes a persistent store that is not there yet; ``read_only`` opens an
    oxigraph: store so that several processes can share it."""
    cls, argument = store_class(spec)
    if cls is MemoryStore:
        return cls(folder)
    if cls is FolderStore:
        return cls(folder)
    if cls is OxigraphStore:
        return cls(argument, create=create, read_only=read_only)
    return cls(argument, create=create)

