from rdflib import XSD, Literal
from rdflib.namespace import RDF, RDFS

from kg.formats import serialize, union
from kg.rdf import FK, ID, ontology, to_dataset
from kg.validate import validate


def test_rdf_iris_are_ascii_and_regions_use_codes(extractions):
    g = union(to_dataset(extractions.values()))
    for s, p, o in g:
        for term in (s, p, o):
            if not isinstance(term, Literal):
                assert str(term).isascii(), term
    assert (ID["region/620622"], RDF.type, FK.County) in g
    assert (ID["region/620622"], FK.adminCode, Literal("620622")) in g


def test_rdf_same_entity_in_two_articles_is_one_node(extractions):
    ds = to_dataset([extractions["seed-jizhou-gulang.txt"], extractions["dev-01.txt"]])
    tianjin = ID["region/120000"]
    graphs = {str(c) for _, _, _, c in ds.quads((tianjin, RDF.type, FK.Province, None))}
    assert len(graphs) == 2
    assert len(set(union(ds).objects(tianjin, FK.mentionedIn))) == 2


def test_rdf_money_and_quantities(extractions):
    g = union(to_dataset([extractions["seed-jizhou-gulang.txt"]]))
    grants = list(g.subjects(FK.amount, Literal("107000000", datatype=XSD.decimal)))
    assert len(grants) == 1
    grant = grants[0]
    assert g.value(grant, FK.donor) == ID["region/120119"]
    assert g.value(grant, FK.recipient) == ID["region/620622"]
    sentence = str(g.value(grant, FK.sourceText))
    assert "1.07亿元" in sentence and g.value(grant, FK.sentenceStart).toPython() >= 0
    for q in g.subjects(RDF.type, FK.QuantityFact):
        assert g.value(q, FK.amount) is None and g.value(q, FK.value) is not None


def test_rdf_pairing_as_triple_and_fact(extractions):
    g = union(to_dataset([extractions["dev-02.txt"]]))
    assert (ID["region/120117"], FK.assists, ID["region/620123"]) in g
    fact = next(g.subjects(RDF.type, FK.PairingFact))
    assert g.value(fact, FK.helper) == ID["region/120117"]


def test_rdf_graph_conforms_to_shapes(extractions):
    assert validate(union(to_dataset(extractions.values()))) == []


def test_rdf_shapes_catch_a_quantity_with_an_amount(extractions):
    g = union(to_dataset([extractions["dev-01.txt"]]))
    q = next(g.subjects(RDF.type, FK.QuantityFact))
    g.add((q, FK.amount, Literal("5", datatype=XSD.decimal)))
    violations = validate(g)
    assert violations and violations[0].focus == str(q)


def test_rdf_ontology_documents_every_term():
    onto = ontology()
    terms = set(onto.subjects(RDF.type, None)) - {next(onto.subjects(RDF.type, FK.Ontology), None)}
    for term in terms:
        if str(term).startswith(str(FK)):
            langs = {lab.language for lab in onto.objects(term, RDFS.label)}
            assert {"zh", "en"} <= langs, term
            assert onto.value(term, RDFS.comment) is not None, term


def test_rdf_turtle_is_deterministic(extractions):
    xs = list(extractions.values())
    assert serialize(to_dataset(xs), "ttl") == serialize(to_dataset(xs), "ttl")


def test_rdf_ntriples_split_mentions_and_facts_from_what_others_may_state(extractions):
    from rdflib import Graph, URIRef
    from rdflib.namespace import PROV

    from kg.rdf import article_ntriples

    x = extractions["seed-jizhou-gulang.txt"]
    report = article_ntriples(x)
    derived, stated = Graph().parse(data=report.derived, format="nt"), Graph().parse(data=report.stated, format="nt")
    art = URIRef(report.graph)
    assert set(derived.subjects()) == set(derived.subjects(PROV.wasDerivedFrom, art))
    assert set(derived.subjects(RDF.type, FK.MoneyFact)) and set(derived.subjects(FK.mentionOf))
    assert not set(stated.subjects(PROV.wasDerivedFrom)) and (art, RDF.type, FK.Article) in stated
    assert (ID["region/620622"], RDF.type, FK.County) in stated
    whole = to_dataset([x]).graph(art)
    assert set(derived) | set(stated) == set(whole) and not set(derived) & set(stated)
