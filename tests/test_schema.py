"""kg/schema.py is the one declaration of node types and relations: the ontology (kg.ttl),
the SHACL shapes (shapes.ttl), the exporters, eval and a real build all agree with it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as ns

from kg import schema
from kg.schema import EDGES, KG_NS, NODE_TYPES, ORG_NS, ORG_SUBTYPES, RELATIONS, edge_types

ROOT = Path(__file__).resolve().parents[1]
SH = ns.Namespace("http://www.w3.org/ns/shacl#")
KG = ns.Namespace(KG_NS)

# kg: terms of the ontology that are not node types or relations but the structure of the
# export itself (kg/rdf.py): sentences, reified statements, evidence, extractors
STRUCTURAL_CLASSES = {KG.Sentence, KG.Statement, KG.Evidence, KG.Extractor}
STRUCTURAL_OBJECT_PROPERTIES = {KG.sentence}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")


def _classes(types) -> set[URIRef]:
    return {URIRef(NODE_TYPES[t].rdf_class) for t in types}


def _kg_terms(g: Graph, rdf_type: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(ns.RDF.type, rdf_type) if str(s).startswith(KG_NS)}


def _rdf_list(g: Graph, node) -> list:
    return list(g.items(node)) if node is not None else []


# ---- the declarations ---------------------------------------------------------------------

def test_tables_are_consistent():
    assert list(EDGES) == ["holds", "post_in", "leads_action", "in_cluster", "part_of", "located_in",
                           "mentioned_in"]
    assert schema.ENTITY_TYPES == ("Person", "Post", "Organization", "Place", "Project", "Action",
                                   "Cluster")
    assert list(schema.GOLD_KINDS) == ["entity", "holds_post", "leads_action", "in_cluster"]
    assert edge_types("holds") == (("Person",), ("Post",))
    assert schema.to_document("mentioned_in") and not schema.to_document("located_in")
    for rel in RELATIONS.values():
        for e in rel.edges:
            assert e.rdf_predicate.startswith((KG_NS, ORG_NS))


def test_exporters_and_eval_read_the_schema():
    from kg import evaluate, graph, neo4j_export, rdf

    assert graph.EDGE_PLAN == {r.name: [(e.name, e.source, e.target) for e in r.edges]
                               for r in RELATIONS.values()}
    assert {k: str(v) for k, v in rdf.EDGE_PROPERTIES.items()} == {e.name: e.rdf_predicate
                                                                  for e in EDGES.values()}
    assert {k: str(v) for k, v in rdf.NODE_CLASSES.items()} == {t.name: t.rdf_class
                                                               for t in NODE_TYPES.values()}
    assert neo4j_export.REL_TYPES == {e.name: e.neo4j_type for e in EDGES.values()}
    assert neo4j_export.NODE_LABELS == {t.name: t.neo4j_label for t in NODE_TYPES.values()}
    assert set(neo4j_export.SUBTYPE_LABELS) == {s.name for s in ORG_SUBTYPES.values() if s.neo4j_label}
    assert evaluate.KIND_SLOTS == dict(schema.GOLD_KINDS)
    assert set(evaluate.RELATION_MAP) == {r.name for r in RELATIONS.values() if r.gold}


def test_no_other_module_spells_a_relationship_type_or_kg_predicate():
    """The Neo4j types and RDF predicates are written once, in kg/schema.py."""
    names = {e.neo4j_type for e in EDGES.values()}
    names |= {e.rdf_predicate for e in EDGES.values()}
    names |= {e.rdf_predicate.rsplit("#", 1)[1] for e in EDGES.values()} - set(EDGES)  # org:holds vs holds
    found = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        if path.name == "schema.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found, "declare these in kg/schema.py:\n" + "\n".join(found)


# ---- against ontology/kg.ttl ----------------------------------------------------------------

def test_every_schema_term_is_in_the_ontology(ontology):
    for t in NODE_TYPES.values():
        assert (URIRef(t.rdf_class), ns.RDF.type, ns.OWL.Class) in ontology, t.name
    for s in ORG_SUBTYPES.values():
        if s.rdf_class:
            cls = URIRef(s.rdf_class)
            assert (cls, ns.RDF.type, ns.OWL.Class) in ontology, s.name
            assert (cls, ns.RDFS.subClassOf, KG.Organization) in ontology, s.name
    for e in EDGES.values():
        prop = URIRef(e.rdf_predicate)
        if not e.rdf_predicate.startswith(KG_NS):
            continue                           # a public term used directly (org:holds ...)
        assert (prop, ns.RDF.type, ns.OWL.ObjectProperty) in ontology, e.name
        src, dst = edge_types(e)
        for rng in ontology.objects(prop, ns.RDFS.range):
            assert {rng} == _classes(dst), f"{e.name}: rdfs:range {rng} vs {dst}"
        for dom in ontology.objects(prop, ns.RDFS.domain):
            assert {dom} == _classes(src), f"{e.name}: rdfs:domain {dom} vs {src}"


def test_every_kg_class_and_relation_of_the_ontology_is_in_the_schema(ontology):
    classes = {URIRef(t.rdf_class) for t in NODE_TYPES.values()}
    classes |= {URIRef(s.rdf_class) for s in ORG_SUBTYPES.values() if s.rdf_class}
    assert _kg_terms(ontology, ns.OWL.Class) == classes | STRUCTURAL_CLASSES
    kg_predicates = {URIRef(e.rdf_predicate) for e in EDGES.values() if e.rdf_predicate.startswith(KG_NS)}
    assert _kg_terms(ontology, ns.OWL.ObjectProperty) == kg_predicates | STRUCTURAL_OBJECT_PROPERTIES


# ---- against ontology/shapes.ttl ------------------------------------------------------------

def test_shapes_list_exactly_the_schema(shapes):
    entity_shape = URIRef("https://kg.example.org/shapes#EntityShape")
    assert set(shapes.objects(entity_shape, SH.targetClass)) == _classes(schema.ENTITY_TYPES)

    statement = URIRef("https://kg.example.org/shapes#StatementShape")
    props = {shapes.value(p, SH.path): p for p in shapes.objects(statement, SH.property)}
    predicates = {str(x) for x in _rdf_list(shapes, shapes.value(props[ns.RDF.predicate], SH["in"]))}
    assert predicates == {e.rdf_predicate for e in EDGES.values()}
    relations = {str(x) for x in _rdf_list(shapes, shapes.value(props[KG.relation], SH["in"]))}
    assert relations == set(EDGES)

    subtype_in = [shapes.value(p, SH["in"]) for p in shapes.subjects(SH.path, KG.subtype)]
    assert [{str(x) for x in _rdf_list(shapes, n)} for n in subtype_in if n is not None] == [set(ORG_SUBTYPES)]


def test_shapes_constrain_every_edge_with_the_schema_types(shapes):
    for e in EDGES.values():
        prop = URIRef(e.rdf_predicate)
        src, dst = edge_types(e)
        objects = {shapes.value(p, SH["class"]) for p in shapes.subjects(SH.path, prop)} - {None}
        assert objects, f"no shape gives the sh:class of {e.name}'s object"
        assert objects <= _classes(dst), f"{e.name}: {objects} vs {dst}"
        for shape in shapes.subjects(SH.targetSubjectsOf, prop):
            alts = _rdf_list(shapes, shapes.value(shape, SH["or"]))
            if not alts:
                continue                       # e.g. kgsh:HoldsFactShape (a SPARQL constraint)
            subjects = {shapes.value(a, SH["class"]) for a in alts}
            assert subjects == _classes(src), f"{e.name}: subjects {subjects} vs {src}"


# ---- against a real build -------------------------------------------------------------------

def test_built_facts_and_graph_follow_the_schema(built_sample):
    import json

    for line in built_sample.facts_path.read_text(encoding="utf-8").splitlines():
        f = json.loads(line)
        rel = RELATIONS[f["relation"]]
        assert set(f["args"]) == set(rel.role_names), f
        for role in rel.roles:
            assert f["args"][role.name]["type"] in role.types, (f["relation"], role.name, f["args"])
    G = built_sample.graph
    for u, v, key in G.edges(keys=True):
        src, dst = edge_types(key)
        assert (G.nodes[u]["type"], G.nodes[v]["type"]) in {(s, d) for s in src for d in dst}, key
