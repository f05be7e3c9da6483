"""kg serve: the SPARQL 1.1 Protocol, checked with clients nobody here wrote."""
import json
import sys

import httpx
import pytest
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from starlette.testclient import TestClient

from kg.build import build
from kg.serve import Settings, create_app
from kg.stores import open_store

from .helpers import DATA, free_port, running

PAIRS = ("PREFIX fk: <https://w3id.org/fupin-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?h ?a WHERE { ?x fk:assists ?y . ?x rdfs:label ?h . ?y rdfs:label ?a } ORDER BY ?h")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve")
    build([DATA], out, check_shapes=False)
    return out


@pytest.fixture(scope="module")
def server(folder):
    port = free_port()
    with running([sys.executable, "-m", "kg", "serve", str(folder), "--port", str(port)],
                 f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}"


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


def test_serve_viewer_and_turtle(server):
    page = httpx.get(server + "/")
    assert page.status_code == 200 and "vis.Network" in page.text
    ttl = httpx.get(server + "/graph.ttl")
    assert ttl.headers["content-type"].startswith("text/turtle") and "古浪县" in ttl.text


def test_serve_update_allowed_limit_and_timeout(folder):
    store = open_store("memory", folder)
    app = create_app(store, Settings(allow_update=True, timeout=3, limit=2))
    client = TestClient(app)
    assert client.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).status_code == 204
    assert client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()["boolean"] is True
    many = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a ?t }"})
    assert len(many.json()["results"]["bindings"]) == 2 and many.headers["x-result-truncated"] == "true"
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f "
            "FILTER(STR(?a) < STR(?c) && STR(?c) < STR(?e)) }")
    timed_out = client.get("/sparql", params={"query": slow})
    assert timed_out.status_code == 503
