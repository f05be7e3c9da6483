"""`kg serve`: the SPARQL 1.1 Protocol over any store, plus the viewer and the Turtle.

    GET/POST /sparql   queries (query=… or an application/sparql-query body);
                       updates (update=… or application/sparql-update) only with
                       --allow-update, else 403
    GET /              the graph viewer
    GET /graph.ttl     the whole graph as Turtle

Results follow the Accept header: SPARQL JSON (default), XML, CSV or TSV for
SELECT and ASK; Turtle (default), JSON-LD or N-Triples for CONSTRUCT and
DESCRIBE.  Neither rdflib nor Oxigraph can interrupt a running query, so each
query runs in a forked child process that shares the loaded graph and is
killed when the time limit passes (the client gets 503).  SELECT answers are
cut at a row limit, said in the ``X-Result-Truncated`` header.  Updates run
in the server's own process, since they must change its store.  Starlette
does the HTTP; uvicorn serves it.
"""
from __future__ import annotations

import multiprocessing
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import anyio
from rdflib.query import Result
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from .formats import serialize, union
from .model import KgError
from .netx import to_networkx
from .query import format_result, run_query
from .stores import Store
from .view import render_page, select

SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}


@dataclass
class Settings:
    allow_update: bool = False
    timeout: float = 30.0
    limit: int = 10000


def _choose(accept: str, offered: dict[str, str]) -> tuple[str, str]:
    """The first offered media type the client accepts, by q-value; else our default."""
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = next((float(p[2:]) for p in params if p.startswith("q=")), 1.0)
        ranked.append((-q, i, media))
    for _, _, media in sorted(ranked):
        if media in offered:
            return media, offered[media]
        if media in ("*/*", "application/*", "text/*"):
            break
    default = next(iter(offered))
    return default, offered[default]


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


def _encode(result: Result, accept: str) -> tuple[bytes, str]:
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        media, fmt = _choose(accept, GRAPH_TYPES)
        return result.graph.serialize(format=fmt, encoding="utf-8"), media
    media, fmt = _choose(accept, SELECT_TYPES)
    return format_result(result, fmt).encode("utf-8"), media


def _answer(store: Store, query: str, accept: str, limit: int) -> tuple[int, bytes, str, bool]:
    try:
        result = run_query(store, query)
    except KgError as err:
        return 400, str(err).encode("utf-8"), "text/plain; charset=utf-8", False
    result, truncated = _limited(result, limit)
    body, media = _encode(result, accept)
    return 200, body, media, truncated


def _child(store: Store, query: str, accept: str, limit: int, conn) -> None:
    try:
        conn.send(_answer(store, query, accept, limit))
    except Exception as err:  # reported to the client, never left hanging
        conn.send((500, f"query failed: {err}".encode("utf-8"), "text/plain; charset=utf-8", False))
    finally:
        conn.close()


def _answer_in_child(store: Store, query: str, accept: str, settings: Settings) -> tuple[int, bytes, str, bool]:
    """Answer in a forked child that sees the loaded store; kill it at the time limit."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(store, query, accept, settings.limit, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if receiver.poll(settings.timeout):
            return receiver.recv()
        return 503, f"query took longer than {settings.timeout:g} s".encode("utf-8"), "text/plain", False
    except EOFError:
        return 500, b"query process ended without an answer", "text/plain", False
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def create_app(store: Store, settings: Settings | None = None, page_folder: Path | None = None) -> Starlette:
    settings = settings or Settings()
    cache: dict[str, bytes] = {}

    async def sparql(request: Request) -> Response:
        query, update = await _read_operation(request)
        if update is not None:
            if not settings.allow_update:
                return PlainTextResponse("updates are disabled; start kg serve with --allow-update", 403)
            try:
                await anyio.to_thread.run_sync(store.update, update)
            except KgError as err:
                return PlainTextResponse(str(err), 400)
            cache.clear()
            return Response(status_code=204)
        if not query:
            return PlainTextResponse("give a query (query=…) or an update (update=…)", 400)
        answer = await anyio.to_thread.run_sync(
            _answer_in_child, store, query, request.headers.get("accept", ""), settings)
        status, body, media, truncated = answer
        headers = {"X-Result-Truncated": "true"} if truncated else {}
        return Response(body, status_code=status, media_type=media, headers=headers)

    def _graph_ttl() -> bytes:
        if "ttl" not in cache:
            cache["ttl"] = serialize(store.dataset(), "ttl")
        return cache["ttl"]

    async def turtle(request: Request) -> Response:
        return Response(await anyio.to_thread.run_sync(_graph_ttl), media_type="text/turtle")

    def _page() -> bytes:
        if "html" not in cache:
            built = page_folder / "graph.html" if page_folder else None
            if built is not None and built.exists():
                cache["html"] = built.read_bytes()
            else:
                cache["html"] = render_page(select(to_networkx(union(store.dataset())))).encode("utf-8")
        return cache["html"]

    async def viewer(request: Request) -> Response:
        return HTMLResponse(await anyio.to_thread.run_sync(_page))

    routes = [Route("/sparql", sparql, methods=["GET", "POST"]), Route("/graph.ttl", turtle),
              Route("/", viewer)]
    return Starlette(routes=routes)


async def _read_operation(request: Request) -> tuple[str | None, str | None]:
    """(query, update) from a GET, a form POST or a direct POST body."""
    if request.method == "GET":
        return request.query_params.get("query"), request.query_params.get("update")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/sparql-query":
        return (await request.body()).decode("utf-8"), None
    if kind == "application/sparql-update":
        return None, (await request.body()).decode("utf-8")
    form = urllib.parse.parse_qs((await request.body()).decode("utf-8"))
    return _one(form.get("query")), _one(form.get("update"))


def _one(values: list[str] | None) -> str | None:
    return values[0] if values else None


def serve(store: Store, host: str, port: int, settings: Settings, page_folder: Path | None) -> None:
    import uvicorn

    uvicorn.run(create_app(store, settings, page_folder), host=host, port=port, log_level="warning")
