import json

import pytest

from kg.model import KgError
from kg.query import format_result, load_graph, run_query

PAIRS = "SELECT ?h ?a WHERE { ?x fk:assists ?y . ?x rdfs:label ?h . ?y rdfs:label ?a } ORDER BY ?h"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from kg.build import build
    from .helpers import DATA

    out = tmp_path_factory.mktemp("out")
    build([DATA], out, check_shapes=False)
    return load_graph(out)


def test_query_prefixes_predeclared_and_table(built):
    table = format_result(run_query(built, PAIRS), "table")
    assert "蓟州区" in table and "古浪县" in table and "rows)" in table


def test_query_csv_and_json(built):
    csv_text = format_result(run_query(built, PAIRS), "csv")
    assert csv_text.splitlines()[0] == "h,a" and "河西区,崆峒区" in csv_text
    data = json.loads(format_result(run_query(built, PAIRS), "json"))
    assert {b["h"]["value"] for b in data["results"]["bindings"]} >= {"宁河区", "雨花台区"}


def test_query_named_graph_per_article(built):
    result = run_query(built, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(next(iter(result))[0]) == 6


def test_query_bad_sparql_is_one_clear_error(built):
    with pytest.raises(KgError, match="SPARQL syntax error at line 1"):
        run_query(built, "SELEC ?x WHERE { ?x ?y }")


def test_query_missing_build_folder(tmp_path):
    with pytest.raises(KgError, match="no such build folder"):
        load_graph(tmp_path / "nothing")
