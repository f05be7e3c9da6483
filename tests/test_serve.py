"""kg serve: the SPARQL 1.1 Protocol, checked with clients nobody here wrote."""
import contextlib
import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from kg.build import build

from .helpers import DATA, free_port, run_kg, running

PAIRS = ("PREFIX fk: <https://w3id.org/fupin-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?h ?a WHERE { ?x fk:assists ?y . ?x rdfs:label ?h . ?y rdfs:label ?a } ORDER BY ?h")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve")
    build([DATA], out, check_shapes=False)
    return out


@contextlib.contextmanager
def serving(*arguments: str):
    """`kg serve` with these arguments, on a free port; the process, with its ``url``."""
    port = free_port()
    with running([sys.executable, "-m", "kg", "serve", *map(str, arguments), "--port", str(port)],
                 f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D") as process:
        process.url = f"http://127.0.0.1:{port}"
        yield process


@pytest.fixture(scope="module")
def server(folder):
    with serving(folder) as process:
        yield process.url


def test_serve_sparqlwrapper_json_and_xml(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery(PAIRS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert ("蓟州区", "古浪县") in {(r["h"]["value"], r["a"]["value"]) for r in rows}
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert "古浪县" in document.toxml()


def test_serve_sparqlwrapper_post_csv_and_construct(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setMethod("POST")
    client.setQuery(PAIRS)
    client.setReturnFormat(CSV)
    assert "河西区,崆峒区" in client.query().convert().decode("utf-8")
    client.setQuery("CONSTRUCT { ?s <https://w3id.org/fupin-kg/ontology#assists> ?o } "
                    "WHERE { ?s <https://w3id.org/fupin-kg/ontology#assists> ?o }")
    client.setReturnFormat(TURTLE)
    assert b"region/620622" in client.query().convert()


def test_serve_content_negotiation(server):
    tsv = httpx.get(server + "/sparql", params={"query": PAIRS}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values") and "?h\t?a" in tsv.text
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s <https://w3id.org/fupin-kg/ontology#adminCode> ?o . ?s ?p ?o }"
    ld = httpx.post(server + "/sparql", content=construct,
                    headers={"Content-Type": "application/sparql-query", "Accept": "application/ld+json"})
    assert ld.status_code == 200 and isinstance(json.loads(ld.text), (list, dict))


def test_serve_read_only_and_errors(server):
    update = httpx.post(server + "/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert update.status_code == 403
    bad = httpx.get(server + "/sparql", params={"query": "SELEC nothing"})
    assert bad.status_code == 400 and "syntax error" in bad.text


def test_serve_pages_and_turtle(server):
    for path, marker in (("/", "echarts"), ("/graph", "vis.Network"), ("/entities", "下载 CSV"),
                         ("/money", "下载 CSV"), ("/map", "registerMap"), ("/query", "Yasgui")):
        page = httpx.get(server + path)
        assert page.status_code == 200 and marker in page.text, path
        assert "default-src 'none'" in page.headers["content-security-policy"]
    ttl = httpx.get(server + "/graph.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle") and "古浪县" in ttl.text


def test_serve_sparql_in_a_browser_is_the_query_page(server):
    page = httpx.get(server + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and "Yasgui" in page.text and "money-by-kind" in page.text
    assert httpx.get(server + "/sparql").status_code == 400  # a client that is no browser: still told what to send


def test_serve_tables_as_csv(server):
    towns = httpx.get(server + "/entities.csv", params={"type": "Town", "region": "古浪县"})
    assert towns.headers["content-type"].startswith("text/csv")
    assert sorted(line.split(",")[3] for line in towns.text.splitlines()[1:]) == sorted(["干城乡", "直滩镇", "西靖镇"])
    transfers = httpx.get(server + "/money.csv", params={"kind": "transfer"})
    assert transfers.status_code == 200 and all(",transfer," in line for line in transfers.text.splitlines()[1:])
    wrong = httpx.get(server + "/entities.csv", params={"region": "不存在县"})
    assert wrong.status_code == 400 and "no region" in wrong.text


def test_serve_update_allowed_limit_and_timeout(folder):
    with serving(folder, "--allow-update", "--timeout", "3", "--limit", "2") as server:
        base = server.url
        insert = httpx.post(base + "/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"})
        assert insert.status_code == 204
        assert httpx.get(base + "/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()["boolean"]
        many = httpx.get(base + "/sparql", params={"query": "SELECT ?s WHERE { ?s a ?t }"})
        assert len(many.json()["results"]["bindings"]) == 2 and many.headers["x-result-truncated"] == "true"
        slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
                "FILTER(STR(?a) < STR(?c) && STR(?c) < STR(?e)) }")
        timed_out = httpx.get(base + "/sparql", params={"query": slow}, timeout=30)
        assert timed_out.status_code == 503


# --- Security: the endpoint never reads files or fetches URLs for a client (issue 13) ---

class Canary:
    """An HTTP listener on loopback that records every request made to it."""

    def __init__(self):
        import http.server
        import threading

        hits = self.hits = []

        class Record(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.end_headers()
                self.wfile.write(b'<urn:canary> <urn:says> "fetched" .\n')

            do_POST = do_GET

            def log_message(self, *_):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def canary():
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    location = tmp_path_factory.mktemp("ox") / "store"
    build([DATA], None, store=f"oxigraph:{location}", check_shapes=False)
    with serving("--store", f"oxigraph:{location}") as process:
        yield process.url


@pytest.fixture(scope="module")
def update_server(folder):
    """Updates allowed, with a short time limit."""
    with serving(folder, "--allow-update", "--timeout", "5") as process:
        yield process.url


def _ask(server: str, query: str) -> bool:
    return httpx.get(server + "/sparql", params={"query": query}, timeout=30).json()["boolean"]


def _graphs(server: str) -> list[str]:
    rows = httpx.get(server + "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
                     timeout=30).json()["results"]["bindings"]
    return sorted(r["g"]["value"] for r in rows)


def test_serve_from_reads_no_file_and_fetches_no_url(server, tmp_path, canary):
    secret = tmp_path / "secret.nt"
    secret.write_text('<urn:secret> <urn:holds> "the secret" .\n', encoding="utf-8")
    answers = set()
    for iri in (secret.as_uri(), "file:///etc/passwd", "file:///no/such/file.nt", canary.url + "/g.ttl"):
        for clause in ("FROM", "FROM NAMED"):
            query = f"SELECT * {clause} <{iri}> WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
            answer = httpx.get(server + "/sparql", params={"query": query}, timeout=30)
            assert answer.status_code == 400 and "not a graph in this store" in answer.text
            assert "the secret" not in answer.text
            answers.add(answer.text.replace(iri, "IRI"))
    assert len(answers) == 1  # a file that exists and one that does not get the same answer
    assert canary.hits == []


@pytest.mark.parametrize("endpoint", ["server", "oxigraph_server"])
def test_serve_refuses_service(endpoint, request, canary):
    base = request.getfixturevalue(endpoint)
    for silent in ("", "SILENT "):
        query = f"SELECT * WHERE {{ SERVICE {silent}<{canary.url}/sparql> {{ ?s ?p ?o }} }}"
        answer = httpx.get(base + "/sparql", params={"query": query}, timeout=30)
        assert answer.status_code == 403 and "SERVICE" in answer.text
        nested = f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {silent}<{canary.url}/x> {{ ?s ?p ?o }} }} }}"
        assert httpx.post(base + "/sparql", content=nested, timeout=30,
                          headers={"Content-Type": "application/sparql-query"}).status_code == 403
    escaped = f"SELECT * WHERE {{ SERVI\\u0043E <{canary.url}/sparql> {{ ?s ?p ?o }} }}"  # \u0043 is C
    assert httpx.get(base + "/sparql", params={"query": escaped}, timeout=30).status_code == 403
    assert canary.hits == []


def test_serve_refuses_load_and_foreign_using(update_server, canary):
    for update in (f"LOAD <{canary.url}/data.ttl>", f"LOAD SILENT <{canary.url}/data.ttl> INTO GRAPH <urn:g>",
                   f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}"):
        answer = httpx.post(update_server + "/sparql", data={"update": update}, timeout=30)
        assert answer.status_code == 403, answer.text
    using = f"INSERT {{ ?s <urn:copied> ?o }} USING <{canary.url}/g.ttl> WHERE {{ ?s ?p ?o }}"
    answer = httpx.post(update_server + "/sparql", data={"update": using}, timeout=30)
    assert answer.status_code == 400 and "not a graph in this store" in answer.text
    assert canary.hits == []
    assert not _ask(update_server, "ASK { ?s <urn:copied> ?o }")


def test_serve_dataset_from_the_request(server):
    """FROM, FROM NAMED, default-graph-uri and named-graph-uri choose among the store's graphs."""
    first, second = _graphs(server)[:2]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def number(params):
        answer = httpx.get(server + "/sparql", params=params, timeout=30)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["results"]["bindings"][0]["n"]["value"])

    everything = number({"query": count})
    in_first = number({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}"})
    assert 0 < in_first < everything
    assert number({"query": count, "default-graph-uri": first}) == in_first
    assert number({"query": f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"}) == in_first
    # the protocol's parameters win over the query's own FROM
    assert number({"query": f"SELECT (COUNT(*) AS ?n) FROM <{second}> WHERE {{ ?s ?p ?o }}",
                   "default-graph-uri": first}) == in_first
    named = {"query": "SELECT ?g WHERE { GRAPH ?g { } }", "named-graph-uri": [first, second]}
    rows = httpx.get(server + "/sparql", params=named, timeout=30).json()["results"]["bindings"]
    assert sorted(r["g"]["value"] for r in rows) == [first, second]
    assert number({"query": count, "named-graph-uri": first}) == 0  # named graphs only: the default graph is empty
    unknown = httpx.get(server + "/sparql", params={"query": count, "default-graph-uri": "urn:no-such-graph"})
    assert unknown.status_code == 400 and "urn:no-such-graph" in unknown.text


def test_serve_updates_only_by_post_form_or_sparql_update(update_server):
    insert = "INSERT DATA { <urn:s> <urn:p> <urn:by-get> }"
    got = httpx.get(update_server + "/sparql", params={"update": insert}, timeout=30)
    assert got.status_code == 405 and got.headers["allow"] == "POST"
    plain = httpx.post(update_server + "/sparql", content="update=" + insert.replace(" ", "+"), timeout=30,
                       headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415
    assert not _ask(update_server, "ASK { ?s ?p <urn:by-get> }")
    direct = httpx.post(update_server + "/sparql", content="INSERT DATA { <urn:s> <urn:p> <urn:direct> }",
                        headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert direct.status_code == 204 and _ask(update_server, "ASK { ?s ?p <urn:direct> }")
    cross_site = httpx.post(update_server + "/sparql", data={"update": insert}, timeout=30,
                            headers={"Origin": "http://elsewhere.example"})
    assert cross_site.status_code == 403 and not _ask(update_server, "ASK { ?s ?p <urn:by-get> }")


def test_serve_failed_update_changes_nothing(update_server):
    """rdflib applies an update's operations one by one; one failing undoes those before it."""
    report = _graphs(update_server)[0]
    half = f"INSERT DATA {{ <urn:half> <urn:p> <urn:o> }} ; CREATE GRAPH <{report}>"
    answer = httpx.post(update_server + "/sparql", data={"update": half}, timeout=30)
    assert answer.status_code == 400 and "already exists" in answer.text
    assert not _ask(update_server, "ASK { <urn:half> <urn:p> <urn:o> }")


def test_serve_update_time_limit(update_server):
    """An update past the time limit is stopped and leaves the store as it was."""
    cartesian = ("INSERT { ?a <urn:pairs-with> ?d } WHERE { ?a ?b ?c . ?d ?e ?f "
                 "FILTER(STRLEN(STR(?c)) + STRLEN(STR(?f)) > 0) }")
    answer = httpx.post(update_server + "/sparql", data={"update": cartesian}, timeout=60)
    assert answer.status_code == 503 and "5 s" in answer.text
    assert not _ask(update_server, "ASK { ?a <urn:pairs-with> ?d }")


def test_serve_update_and_query_memory_limit(folder):
    with serving(folder, "--allow-update", "--memory", "60", "--timeout", "120") as server:
        growing = "INSERT { ?a <urn:grows> ?x } WHERE { ?a ?b ?c . ?d ?e ?f BIND(CONCAT(STR(?c), STR(?f)) AS ?x) }"
        answer = httpx.post(server.url + "/sparql", data={"update": growing}, timeout=120)
        assert answer.status_code == 503 and "60 MB" in answer.text
        ordered = httpx.get(server.url + "/sparql", timeout=120,
                            params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"})
        assert ordered.status_code == 503 and "60 MB" in ordered.text
        assert not _ask(server.url, "ASK { ?a <urn:grows> ?x }")
        assert _ask(server.url, "ASK { ?s ?p ?o }")


def test_serve_oxigraph_update_has_the_store_to_itself(tmp_path):
    """Read-only workers share an Oxigraph store; an update gets a writer of its own, under the
    time limit, and no other process may write the store while it is served."""
    location = tmp_path / "store"
    build([DATA], None, store=f"oxigraph:{location}", check_shapes=False)
    with serving("--store", f"oxigraph:{location}", "--allow-update", "--timeout", "4") as server:
        insert = httpx.post(server.url + "/sparql", data={"update": "INSERT DATA { <urn:s> <urn:p> <urn:o> }"})
        assert insert.status_code == 204 and _ask(server.url, "ASK { <urn:s> <urn:p> <urn:o> }")
        cartesian = "INSERT { ?a <urn:pairs-with> ?d } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        answer = httpx.post(server.url + "/sparql", data={"update": cartesian}, timeout=60)
        assert answer.status_code == 503 and "longer than 4 s" in answer.text
        assert not _ask(server.url, "ASK { ?a <urn:pairs-with> ?d }")
        concurrent = run_kg("build", str(DATA / "dev-01.txt"), "--store", f"oxigraph:{location}", "--no-validate")
        assert concurrent.returncode == 2 and "lock" in concurrent.stderr
        assert _ask(server.url, "ASK { <urn:s> <urn:p> <urn:o> }")


def test_serve_accept_header_malformed_rdfxml_and_unacceptable(server):
    malformed = httpx.get(server + "/sparql", params={"query": PAIRS}, headers={"Accept": "text/csv;q=abc"})
    assert malformed.status_code == 200 and malformed.headers["content-type"].startswith(
        "application/sparql-results+json")
    construct = "CONSTRUCT { ?s <urn:code> ?o } WHERE { ?s <https://w3id.org/fupin-kg/ontology#adminCode> ?o }"
    xml = httpx.get(server + "/sparql", params={"query": construct}, headers={"Accept": "application/rdf+xml"})
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/rdf+xml")
    from rdflib import Graph
    assert len(Graph().parse(data=xml.text, format="xml")) > 0
    refused = httpx.get(server + "/sparql", params={"query": PAIRS}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


# --- Workers: bounded concurrency, a queue with the time limit counted from arrival (issues 13 and 16) ---

SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
        "FILTER(STR(?a) < STR(?c) && STR(?c) < STR(?e)) }")


def _timed_get(url: str, query: str, start: float) -> tuple[httpx.Response, float]:
    """The answer, and the time since ``start`` when it came."""
    answer = httpx.get(url + "/sparql", params={"query": query}, timeout=120)
    return answer, time.monotonic() - start


def _workers(server_pid: int, expected: int | None = None) -> set[int]:
    """The server's worker processes: the children of its child, the process that forks them;
    with ``expected``, once that many are there (a replacement takes a moment to fork)."""
    deadline = time.monotonic() + 10
    found = _children_of_children(server_pid)
    while expected is not None and len(found) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        found = _children_of_children(server_pid)
    return found


def _children_of_children(server_pid: int) -> set[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    forkers = {pid for pid, parent in parents.items() if parent == server_pid}
    return {pid for pid, parent in parents.items() if parent in forkers}


def test_serve_bounded_queue_and_quick_requests_first(folder):
    """Slow queries cannot take every worker: a quick one is answered while they run, the
    queue refuses what does not fit, and the time limit counts from arrival."""
    with serving(folder, "--workers", "2", "--queue", "4", "--timeout", "8") as server:
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=9) as clients:
            slow = [clients.submit(_timed_get, server.url, SLOW, start) for _ in range(8)]
            time.sleep(2)
            ask, ask_done = _timed_get(server.url, "ASK { ?s ?p ?o }", start)
            answers = [future.result() for future in slow]
        busy = [(answer, done) for answer, done in answers if "busy" in answer.text]
        admitted = [(answer, done) for answer, done in answers if "busy" not in answer.text]
        assert busy and all(answer.status_code == 503 and done < 2 for answer, done in busy)
        assert len(admitted) <= 2 + 4  # running, and waiting
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        assert ask_done < min(done for _, done in admitted)
        for answer, done in admitted:
            assert answer.status_code == 503 and "longer than 8 s" in answer.text
            assert done < 8 + 4  # eight seconds from arrival, not from when a worker took it
        assert len(_workers(server.pid, expected=2)) == 2


def test_serve_worker_killed_mid_query_is_replaced(folder):
    with serving(folder, "--workers", "2", "--timeout", "60") as server:
        before = _workers(server.pid, expected=2)
        assert len(before) == 2
        with ThreadPoolExecutor(max_workers=1) as clients:
            slow = clients.submit(_timed_get, server.url, SLOW, time.monotonic())
            time.sleep(1.5)
            for pid in before:
                os.kill(pid, signal.SIGKILL)
            answer, _ = slow.result()
        assert answer.status_code == 500 and "ended without an answer" in answer.text
        assert _ask(server.url, "ASK { ?s ?p ?o }")
        after = _workers(server.pid, expected=2)
        assert len(after) == 2 and not after & before
