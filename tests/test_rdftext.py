"""The text writers give, byte for byte, what rdflib's writers gave for the same graph."""
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD, split_uri

from kg import rdftext
from kg.formats import union
from kg.rdf import PREFIXES, new_dataset, to_dataset
from kg.rdftext import Quads

FK = Namespace(str(PREFIXES["fk"]))
ID = Namespace(str(PREFIXES["id"]))


def _odd_graph() -> Dataset:
    """Terms the reports rarely give: quotes, breaks and backslashes, numbers in several forms,
    IRIs that do and do not shorten, a predicate in no bound namespace.  (Not "x"^^xsd:string:
    RDF 1.1 makes it "x", which is how kg and Oxigraph write it, where rdflib keeps the type.)"""
    ds = new_dataset()
    g = ds.graph(URIRef(ID["article/odd"]))
    s = URIRef(ID["region/1"])
    for o in [Literal('他说："好"\\n'), Literal("一行\n二行\r"), Literal('ends in a quote"'), Literal("x", lang="en"),
              Literal("1", datatype=XSD.boolean), Literal("2020", datatype=XSD.gYear),
              Literal("2020-01-02", datatype=XSD.date), Literal("")]:
        g.add((s, FK.note, o))
    for p, numbers in ((FK.amount, ["1.50", "7", "0.5"]), (FK.value, ["+5", "12"]), (FK.rate, ["1E3", "2.5"])):
        datatype = {FK.amount: XSD.decimal, FK.value: XSD.integer, FK.rate: XSD.double}[p]
        for n in numbers:
            g.add((s, p, Literal(n, datatype=datatype)))
    g.add((s, FK.spanStart, Literal("abc", datatype=XSD.integer)))
    for o in ["https://w3id.org/fupin-kg/ontology#a(b)", "https://w3id.org/fupin-kg/ontology#50%off",
              "https://w3id.org/fupin-kg/ontology#end.", "http://example.org/other/x", str(FK.transfer)]:
        g.add((s, FK.link, URIRef(o)))
    g.add((s, URIRef("http://example.org/vocab#p"), Literal("an unbound predicate")))
    g.add((URIRef(ID["region/2"]), FK.partOf, s))
    return ds


def _both(ds: Dataset):
    return Quads.from_rdflib(ds), union(ds)


@pytest.mark.parametrize("which", ["reports", "odd"])
def test_rdftext_turtle_and_ntriples_are_rdflibs_bytes(extractions, which):
    ds = to_dataset(extractions.values()) if which == "reports" else _odd_graph()
    quads, graph = _both(ds)
    assert rdftext.turtle(quads.union()) == graph.serialize(format="turtle", encoding="utf-8")
    lines = sorted({line for line in graph.serialize(format="nt", encoding="utf-8").decode().splitlines() if line})
    assert rdftext.ntriples(quads.union()).decode() == "\n".join(lines) + "\n"


def test_rdftext_trig_is_each_graph_as_rdflibs_turtle(extractions):
    ds = to_dataset(list(extractions.values())[:3])
    text = rdftext.trig(Quads.from_rdflib(ds).graphs.items()).decode()
    for graph in ds.graphs():
        if len(graph):
            expected = Graph()
            for prefix, ns in ds.namespaces():
                expected.bind(prefix, ns, replace=True)
            for triple in graph:
                expected.add(triple)
            body = [line for line in expected.serialize(format="turtle").splitlines() if not line.startswith("@")]
            block = "\n".join(("    " + line) if line else "" for line in body).strip("\n")
            assert f"<{graph.identifier}> {{\n{block}\n}}\n" in text


def test_rdftext_splits_iris_where_rdflib_does(extractions):
    iris = {str(t) for s, p, o in union(to_dataset(extractions.values())) for t in (s, p, o) if isinstance(t, URIRef)}
    iris |= {"http://a/b#c", "http://a/b/", "http://a/1", "http://a/_x", "http://a/x(1)", "urn:x:y", "http://a/é中文",
             "abc", "http://www.w3.org/XML/1998/namespacelang"}
    for iri in iris:
        try:
            expected = split_uri(iri)[0]
        except ValueError:
            expected = iri
        assert rdftext.split_namespace(iri) == expected, iri


def test_rdftext_reads_back_the_nquads_it_writes():
    quads = Quads.from_rdflib(_odd_graph())
    text = rdftext.nquads(quads.graphs.items()).decode()
    read = {(s, p, rdftext.ntriples_term(o), g) for s, p, o, g in rdftext.parse_nquads(text.splitlines())}
    assert read == {(s, p, rdftext.ntriples_term(o), g) for g, ts in quads.graphs.items() for s, p, o in ts}
    with pytest.raises(ValueError, match="not an N-Quads line"):
        list(rdftext.parse_nquads(['<a> <b> "open .']))
