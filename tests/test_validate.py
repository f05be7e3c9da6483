"""The shapes, as SPARQL and as Python tests, find what pySHACL finds, constraint by constraint."""
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH, XSD

from kg.formats import union
from kg.model import KgError
from kg.rdf import PREFIXES, ontology, shapes, to_dataset
from kg.validate import _Compiler, check_ntriples, check_store, shape_checks, validate

FK = Namespace(str(PREFIXES["fk"]))
SCHEMA = Namespace(str(PREFIXES["schema"]))
PROV = Namespace(str(PREFIXES["prov"]))
RDFS = Namespace(str(PREFIXES["rdfs"]))


def _pyshacl(g: Graph) -> set[tuple[str, str]]:
    from pyshacl import validate as shacl

    _, report, _ = shacl(g, shacl_graph=shapes(), ont_graph=ontology(), inference="none", allow_warnings=True)
    return {(str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)))
            for r in report.subjects(SH.resultSeverity, SH.Violation)}


def _first(g: Graph, cls) -> URIRef:
    return sorted(g.subjects(RDF.type, cls))[0]


def _broken(g: Graph) -> Graph:
    """A report's graph with one violation of each kind of constraint the shapes use."""
    g = Graph() + g
    article, money = _first(g, FK.Article), _first(g, FK.MoneyFact)
    county, mention = _first(g, FK.County), _first(g, FK.Mention)
    person = URIRef(str(PREFIXES["id"]) + "person/planted")
    g.add((person, RDF.type, FK.Person))  # no label, no report: minCount
    g.remove((article, SCHEMA.headline, None))  # minCount
    g.add((county, RDFS.label, Literal("又一个名字", lang="zh")))  # maxCount
    g.add((county, FK.adminCode, Literal("12345")))  # pattern, maxCount
    g.set((money, FK.amount, Literal("-5", datatype=XSD.decimal)))  # minInclusive
    g.set((money, FK.currency, Literal("USD")))  # in (literals)
    g.set((money, FK.moneyKind, FK.gift))  # in (IRIs)
    g.set((money, FK.donor, person))  # or of classes
    g.set((money, FK.year, Literal("2020")))  # datatype
    g.set((mention, FK.spanStart, Literal("x", datatype=XSD.integer)))  # datatype, ill-formed
    g.set((mention, PROV.wasDerivedFrom, county))  # class
    g.add((county, SKOS_ALT, Literal("plain")))  # datatype rdf:langString
    g.set((county, RDFS.label, Literal("Gulang", lang="en")))  # languageIn
    return g


SKOS_ALT = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")


def test_validate_finds_what_pyshacl_finds(extractions):
    g = _broken(union(to_dataset([extractions["seed-jizhou-gulang.txt"]])))
    ours = {(v.focus, v.path) for v in validate(g)}
    assert ours == _pyshacl(g)
    assert len(ours) >= 12


def test_validate_queries_find_what_the_python_tests_find(extractions):
    import pyoxigraph

    g = _broken(union(to_dataset([extractions["seed-jizhou-gulang.txt"]])))
    store = pyoxigraph.Store()
    store.load(g.serialize(format="nt").encode("utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert check_store(store) == validate(g)


@pytest.mark.parametrize("datatype, forms", [
    ("integer", ["5", "+5", "-0", "05", " 5", "5.0", "x"]),
    ("decimal", ["1.5", "1.", ".5", "-.5", "1", "1e3", ".", "NaN"]),
    ("boolean", ["true", "0", "TRUE", " true"]),
    ("date", ["2020-02-29", "2021-02-29", "2020-13-01", "2020-01-01Z", "20200-01-01", "2020-1-01"]),
    ("gYear", ["2020", "-2020", "2020+08:00", "202", "2020-01"]),
    ("double", ["1e3", "-INF", "NaN", "1.", ".e1", "inf", "+Infinity", "-nan", "infin"]),
    ("dateTime", ["2020-01-01T12:00:00", "2020-01-01T25:00:00", "2020-02-30T00:00:00Z", "2020-01-01T12:00:00.5+08:00",
                  "2020-01-01"]),
])
def test_validate_lexical_forms_as_oxigraph_casts_them(datatype, forms):
    import pyoxigraph

    from kg.rdftext import literal
    from kg.validate import _has_datatype

    iri = str(XSD[datatype])
    store = pyoxigraph.Store()
    for form in forms:
        cast = store.query(f'SELECT (BOUND(?x) AS ?ok) WHERE {{ BIND(<{iri}>("{form}") AS ?x) }}')
        assert _has_datatype(iri)(literal(form, None, iri), {}) == (next(cast)[0].value == "true"), form


def test_validate_reports_pass_on_both(extractions):
    g = union(to_dataset(extractions.values()))
    assert validate(g) == [] and _pyshacl(g) == set()


def test_validate_a_store_checks_the_union_and_a_report_its_own_graph(extractions, tmp_path):
    from kg.build import build
    from kg.rdf import article_ntriples
    from kg.stores import open_store

    from .helpers import DATA

    build([DATA / "dev-01.txt"], tmp_path / "out", check_shapes=False)
    assert check_store(open_store(None, tmp_path / "out")) == []
    nt = article_ntriples(extractions["dev-01.txt"])
    stated = "".join(line + "\n" for line in nt.stated.splitlines() if "schema.org/headline" not in line)
    assert [v.message for v in check_ntriples(nt.derived + stated)] == ["fewer than 1 value(s) of schema:headline"]


def test_validate_every_property_shape_is_a_check():
    assert len(shape_checks()) == len(list(shapes().subjects(SH.path, None)))


def test_validate_refuses_a_constraint_it_does_not_check():
    g = shapes()
    shape = next(g.subjects(RDF.type, SH.NodeShape))
    prop = next(g.objects(shape, SH.property))
    g.add((prop, SH.uniqueLang, Literal(True)))
    with pytest.raises(KgError, match="is not checked by kg"):
        _Compiler(g, ontology()).checks()
