"""`kg serve`: the SPARQL 1.1 Protocol over any store, plus the viewer and the Turtle.

    GET  /sparql   query=… (and default-graph-uri=…, named-graph-uri=…)
    POST /sparql   a form (application/x-www-form-urlencoded) with query=… or update=…,
                   or the text itself as application/sparql-query or application/sparql-update
    GET  /sparql   with no query, from a browser (Accept: text/html): the query page
    GET  /          an overview: counts, pairings, charts        /graph   the graph viewer
    GET  /entities, /money   tables (and /entities.csv, /money.csv)   /map   the map
    GET  /query     YASGUI on /sparql, with the saved queries     /graph.ttl  the whole graph as Turtle

Pages are made from the store in a worker, like queries, once, and kept until an update;
they load nothing from outside the machine, and say so to the browser (Content-Security-Policy).

Results follow the Accept header: SPARQL JSON (default), XML, CSV or TSV for SELECT and
ASK; Turtle (default), JSON-LD, N-Triples or RDF/XML for CONSTRUCT and DESCRIBE; a header
that cannot be read gets the default, and one that accepts none of these gets 406.

What the endpoint refuses, and why:

* anything that would make the server read a file or reach the network for a client:
  SERVICE and LOAD (403), and FROM, FROM NAMED, USING or a protocol graph parameter that
  names a graph the store does not hold (400; rdflib would read such an IRI as a file or URL);
* updates unless --allow-update (403), updates by GET (405) or in a body that is neither a
  form nor application/sparql-update (415), since a page on another site can make a browser
  send those, and a form update whose Origin header names another site (403);
* requests past their limits: each runs in a worker process (kg/workers.py) that is killed
  when the request takes longer than --timeout from its arrival or grows by more than
  --memory MB (503), and when --queue requests are waiting already, a new one is refused
  at once (503).  SELECT answers are cut at --limit rows (header X-Result-Truncated).

Starlette does the HTTP and uvicorn serves it.
"""
from __future__ import annotations

import asyncio
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.query import Result
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .model import KgError
from .query import Refused, format_result, inspect_operation, run_query, run_update
from .stores import Changes, Scope, Store
from .workers import Busy, Limits, OverMemory, OverTime, Pool, PoolError

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}
MEDIA_RANGE = re.compile(r"\*/\*|[a-z0-9!#$&^_.+-]+/(\*|[a-z0-9!#$&^_.+-]+)")
TEXT = "text/plain; charset=utf-8"


@dataclass
class Settings:
    allow_update: bool = False
    limit: int = 10000  # most rows a SELECT answer carries
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    media: str = TEXT
    truncated: bool = False


def negotiate(accept: str, offered: dict[str, str]) -> tuple[str, str] | None:
    """(media type, rdflib format) of the offered type the Accept header ranks highest: by
    q-value, then the client's order, then ours.  Our first type when the header is absent
    or cannot be read; None when it accepts none of them."""
    default = next(iter(offered.items()))
    ranges = []
    for position, part in enumerate(accept.lower().split(",")):
        if not part.strip():
            continue
        media, *params = [p.strip() for p in part.split(";")]
        if not MEDIA_RANGE.fullmatch(media):
            return default
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    return default
                if not 0 <= q <= 1:
                    return default
        ranges.append((media, q, position))
    if not ranges:
        return default
    best = None
    for rank, (media, fmt) in enumerate(offered.items()):
        kind = media.split("/")[0] + "/*"
        matching = [(specific, q, position) for accepted, q, position in ranges
                    for specific, pattern in ((2, media), (1, kind), (0, "*/*")) if accepted == pattern]
        if not matching:
            continue
        _, q, position = max(matching, key=lambda m: (m[0], -m[2]))
        if q > 0 and (best is None or (q, -position, -rank) > best[0]):
            best = ((q, -position, -rank), media, fmt)
    return (best[1], best[2]) if best else None


def _limited(result: Result, limit: int) -> tuple[Result, bool]:
    if result.type != "SELECT":
        return result, False
    rows = list(result.bindings)
    if len(rows) <= limit:
        return result, False
    cut = Result("SELECT")
    cut.vars = result.vars
    cut.bindings = rows[:limit]
    return cut, True


def _check_graphs(store: Store, names) -> None:
    for name in names:
        try:
            held = store.has_graph(name)
        except Exception:  # not even an IRI
            held = False
        if not held:
            raise KgError(f"<{name}>", "not a graph in this store; FROM, FROM NAMED, USING, default-graph-uri "
                                       "and named-graph-uri choose among the store's graphs (one per report)")


# ---- run in a worker process (kg/workers.py), each with the worker's store ----

def answer_query(store: Store, text: str, accept: str, scope: Scope | None, limit: int) -> Answer:
    try:
        named = inspect_operation(text)
        _check_graphs(store, scope.default + scope.named if scope else named)
        result = run_query(store, text, scope)
    except Refused as err:
        return Answer(403, str(err).encode("utf-8"))
    except KgError as err:
        return Answer(400, str(err).encode("utf-8"))
    graph_form = result.type in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_TYPES if graph_form else SELECT_TYPES
    chosen = negotiate(accept, offered)
    if chosen is None:
        return Answer(406, f"a {result.type} answer comes as {', '.join(offered)}; "
                           f"the Accept header takes none of them".encode("utf-8"))
    result, truncated = _limited(result, limit)
    media, fmt = chosen
    if graph_form:
        return Answer(200, result.graph.serialize(format=fmt, encoding="utf-8"), media)
    return Answer(200, format_result(result, fmt).encode("utf-8"), media, truncated)


def answer_update(store: Store, text: str) -> tuple[Answer, Changes | None]:
    try:
        _check_graphs(store, inspect_operation(text, update=True))
        changes = run_update(store, text)
    except Refused as err:
        return Answer(403, str(err).encode("utf-8")), None
    except KgError as err:
        return Answer(400, str(err).encode("utf-8")), None
    return Answer(204, b""), changes


def render_turtle(store: Store) -> bytes:
    return store.serialize("ttl")


def render_named_page(store: Store, name: str) -> bytes:
    """One of the pages (kg/pages.py) with the served navigation bar."""
    from .pages import PAGES, SERVED_LINKS, PageSource

    return PAGES[name](PageSource(store), SERVED_LINKS).encode("utf-8")


def render_table_csv(store: Store, name: str, pairs: tuple[tuple[str, str], ...]) -> Answer:
    """A table as CSV, filtered as its page filters it (entities: type, region; money: kind, year)."""
    from .tables import filter_entities, filter_money, table

    filters = dict(pairs)
    chosen = table(store, name)
    try:
        if name == "entities":
            chosen.rows = filter_entities(chosen.rows, filters.get("type"), filters.get("region"))
        else:
            chosen.rows = filter_money(chosen.rows, filters.get("kind"), filters.get("year"))
    except KgError as err:
        return Answer(400, str(err).encode("utf-8"))
    return Answer(200, chosen.csv().encode("utf-8"), "text/csv; charset=utf-8")


# ---- the HTTP side ----

class _Problem(Exception):
    """A request the endpoint answers without running anything."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass(frozen=True)
class _Operation:
    query: str | None
    update: str | None
    scope: Scope | None


async def _read_operation(request: Request) -> _Operation:
    """The query or update of a request, by the protocol's rules."""
    fields = {key: request.query_params.getlist(key) for key in request.query_params}
    if request.method == "GET":
        if "update" in fields:
            raise _Problem(405, "updates are accepted only by POST", {"Allow": "POST"})
    else:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            body = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise _Problem(400, "the request body is not UTF-8") from None
        if kind == "application/x-www-form-urlencoded":
            fields = urllib.parse.parse_qs(body, keep_blank_values=True)
        elif kind == "application/sparql-query":
            fields = {**fields, "query": [body]}
        elif kind == "application/sparql-update":
            fields = {**fields, "update": [body]}
        else:
            raise _Problem(415, "POST a form (application/x-www-form-urlencoded), application/sparql-query or "
                                f"application/sparql-update, not {kind or 'a body without Content-Type'}")
    queries, updates = fields.get("query", []), fields.get("update", [])
    if len(queries) + len(updates) != 1:
        raise _Problem(400, "give one query (query=…) or one update (update=…)")
    default, named = fields.get("default-graph-uri", []), fields.get("named-graph-uri", [])
    scope = Scope(tuple(default), tuple(named)) if default or named else None
    return _Operation(queries[0] if queries else None, updates[0] if updates else None, scope)


def _cross_site(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is not None and urllib.parse.urlsplit(origin).netloc != request.headers.get("host")


def _refusal(error: PoolError) -> Response:
    if isinstance(error, Busy):
        return PlainTextResponse(str(error), 503, headers={"Retry-After": "1"})
    if isinstance(error, (OverTime, OverMemory)):
        return PlainTextResponse(str(error), 503)
    return PlainTextResponse(f"the request failed: {error}", 500)


# What a served page may load: its own inline scripts and styles, and queries to this endpoint.
PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
PAGE_ROUTES = {"/": "overview.html", "/graph": "graph.html", "/entities": "entities.html", "/money": "money.html",
               "/map": "map.html"}
TABLE_FILTERS = ("type", "region", "kind", "year")


def _wants_page(request: Request) -> bool:
    """A browser opening /sparql itself: a GET with no query, preferring HTML."""
    return (request.method == "GET" and "query" not in request.query_params and "update" not in request.query_params
            and negotiate(request.headers.get("accept", ""), {"application/sparql-results+json": "",
                                                               "text/html": ""}) == ("text/html", ""))


def _html(body: bytes) -> Response:
    return HTMLResponse(body, headers={"Content-Security-Policy": PAGE_POLICY})


def create_app(pool: Pool, settings: Settings) -> Starlette:
    """The endpoint and its pages over a started pool."""
    from .pages import render_query_page

    cache: dict[str, bytes] = {}
    query_page = render_query_page().encode("utf-8")

    async def sparql(request: Request) -> Response:
        if _wants_page(request):
            return _html(query_page)
        try:
            operation = await _read_operation(request)
        except _Problem as problem:
            return PlainTextResponse(problem.message, problem.status, headers=problem.headers)
        try:
            if operation.update is not None:
                if not settings.allow_update:
                    return PlainTextResponse("updates are disabled; start kg serve with --allow-update", 403)
                if _cross_site(request):
                    return PlainTextResponse("an update sent by a page of another site is refused", 403)
                answer = await pool.run(answer_update, operation.update, write=True)
                if answer.status == 204:
                    cache.clear()
            else:
                answer = await pool.run(answer_query, operation.query, request.headers.get("accept", ""),
                                        operation.scope, settings.limit)
        except PoolError as error:
            return _refusal(error)
        headers = {"X-Result-Truncated": "true"} if answer.truncated else {}
        return Response(answer.body, status_code=answer.status, media_type=answer.media, headers=headers)

    async def rendered(key: str, render, *args) -> bytes:
        if key not in cache:
            cache[key] = await pool.run(render, *args)
        return cache[key]

    async def turtle(request: Request) -> Response:
        try:
            return Response(await rendered("ttl", render_turtle), media_type="text/turtle")
        except PoolError as error:
            return _refusal(error)

    async def page(request: Request) -> Response:
        name = PAGE_ROUTES[request.url.path]
        try:
            return _html(await rendered(name, render_named_page, name))
        except PoolError as error:
            return _refusal(error)

    async def query(request: Request) -> Response:
        return _html(query_page)

    async def table_csv(request: Request) -> Response:
        name = request.url.path[1:-len(".csv")]
        filters = tuple((k, request.query_params[k]) for k in TABLE_FILTERS if request.query_params.get(k))
        try:
            answer = await pool.run(render_table_csv, name, filters)
        except PoolError as error:
            return _refusal(error)
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'} if answer.status == 200 else {}
        return Response(answer.body, status_code=answer.status, media_type=answer.media, headers=headers)

    routes = [Route("/sparql", sparql, methods=["GET", "POST"]), Route("/graph.ttl", turtle),
              Route("/query", query), Route("/entities.csv", table_csv), Route("/money.csv", table_csv),
              *(Route(path, page) for path in PAGE_ROUTES)]
    return Starlette(routes=routes)


def serve(spec: str | None, folder: Path | None, host: str, port: int, settings: Settings) -> None:
    """Start the workers (KgError if the store cannot be opened), then serve until interrupted."""
    import uvicorn

    async def main() -> None:
        pool = Pool(spec, folder, settings.limits, preload=(__name__,))
        await pool.start()
        print(f"http://{host}:{port}/ : overview, /graph viewer, /entities and /money tables, /map, "
              f"/query; SPARQL endpoint at /sparql, Turtle at /graph.ttl", file=sys.stderr)
        try:
            config = uvicorn.Config(create_app(pool, settings), host=host, port=port, log_level="warning")
            await uvicorn.Server(config).serve()
        finally:
            await pool.close()

    asyncio.run(main())
