"""The one table of entity types, against the ontology that documents them."""
from rdflib import OWL, RDF, RDFS, Literal

from kg.model import ENTITY_GROUPS, ENTITY_TYPES, group_of_type
from kg.rdf import FK, ontology

SUPERCLASS = {"Region": FK.Region, "Organization": FK.Institution}


def test_model_every_entity_type_is_a_documented_class_of_the_ontology():
    g = ontology()
    for name in ENTITY_TYPES:
        cls = FK[name]
        assert (cls, RDF.type, OWL.Class) in g, name
        langs = {o.language for o in g.objects(cls, RDFS.label) if isinstance(o, Literal)}
        assert {"zh", "en"} <= langs and g.value(cls, RDFS.comment) is not None, name


def test_model_groups_follow_the_ontology_s_superclasses():
    g = ontology()
    for name, group in ENTITY_GROUPS.items():
        parents = set(g.objects(FK[name], RDFS.subClassOf))
        expected = {SUPERCLASS[group]} if group in SUPERCLASS else set()
        assert parents & set(SUPERCLASS.values()) == expected, name
        assert group_of_type(name) == group


def test_model_no_entity_class_of_the_ontology_is_missing_from_the_table():
    g = ontology()
    subclasses = {s for parent in SUPERCLASS.values() for s in g.subjects(RDFS.subClassOf, parent)}
    assert {str(s).split("#")[-1] for s in subclasses} <= set(ENTITY_TYPES)
