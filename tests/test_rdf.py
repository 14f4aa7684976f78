"""RDF export (kg/rdf.py) against the ontology and the SHACL shapes, on a hand-made graph
and on the graph built from data/."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic, to_isomorphic
import rdflib.namespace as ns

from kg.model import KgError, document_id, post_id, stable_id
from kg.rdf import (
    DEFAULT_BASE, EDGE_PROPERTIES, KG, NODE_CLASSES, ORG, ORG_SUBTYPE_CLASSES, SUPERCLASSES,
    graph_to_rdf, write_turtle,
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
ID = Namespace(DEFAULT_BASE)

S1 = "——访呼和浩特市发展和改革委员会党组书记、主任殷树刚"
S2 = "市教育局牵头实施“新时代立德树人工程”。"
S3 = '伊利奶粉三期等项目加快建设,绿色农畜产品加工产业集群"提质"增效\\升级。'


def _ev(fact: str, doc: str, sent_index: int, sentence: str, start: int, end: int,
        extractor: str = "rule:test", confidence: float = 0.9) -> dict:
    return {"fact_id": stable_id("Fact", fact), "doc": doc, "sentence_index": sent_index,
            "sentence": sentence, "start": start, "end": end, "orig_start": start + 2,
            "orig_end": end + 3, "extractor": extractor, "confidence": confidence}


def handmade_graph() -> nx.MultiDiGraph:
    """A small graph written by hand following the schema of kg/graph.py."""
    G = nx.MultiDiGraph()
    d1, d2 = "001_x.txt", "003_y.txt"
    for d, chars in ((d1, 2000), (d2, 3000)):
        G.add_node(document_id(d), type="Document", name=d, aliases=[], subtype=None, docs=[d],
                   path=f"data/{d}", sha256="ab" * 32, encoding="utf-8", chars=chars)

    def ent(type_, name, aliases=(), subtype=None, docs=(d1,)):
        nid = stable_id(type_, name)
        G.add_node(nid, type=type_, name=name, aliases=sorted(aliases), subtype=subtype,
                   docs=sorted(docs))
        return nid

    yin = ent("Person", "殷树刚")
    ndrc = ent("Organization", "呼和浩特市发展和改革委员会", ["市发改委", "呼和浩特市发改委"],
               "government")
    edu = ent("Organization", "呼和浩特市教育局", ["市教育局"], "government")
    gov = ent("Organization", "呼和浩特市人民政府", ["市政府"], "government")
    party = ent("Organization", "中共呼和浩特市委员会", ["市委"], "party")
    yili = ent("Organization", "内蒙古伊利实业集团股份有限公司", ['伊利"集团"\\'], "enterprise",
               docs=(d2,))
    other = ent("Organization", "呼和浩特日报", [], None)
    huhhot = ent("Place", "呼和浩特市", ["首府"])
    action = ent("Action", "新时代立德树人工程", ["立德树人工程"])
    project = ent("Project", "伊利奶粉三期", [], docs=(d2,))
    cluster = ent("Cluster", "绿色农畜产品加工产业集群", ["农畜产品加工产业集群"], docs=(d2,))
    posts = {}
    for title in ("主任", "党组书记"):
        pid = post_id(ndrc, title)
        G.add_node(pid, type="Post", name=title, title=title, org=ndrc, aliases=[],
                   subtype=None, docs=[d1])
        posts[title] = pid

    def edge(u, v, rel, evidence):
        evidence = sorted(evidence, key=lambda e: (e["doc"], e["sentence_index"], e["start"],
                                                   e["end"], e["extractor"], e["fact_id"]))
        G.add_edge(u, v, key=rel, relation=rel, evidence=evidence,
                   confidence=max(e["confidence"] for e in evidence))

    for title, (s, e) in {"主任": (1, 25), "党组书记": (1, 22)}.items():
        ev = _ev(f"holds_post|{title}", d1, 4, S1, 100 + s, 100 + e, "rule:title_name", 0.95)
        edge(yin, posts[title], "holds", [ev])
        edge(posts[title], ndrc, "post_in", [ev])
    edge(edu, action, "leads_action", [_ev("leads", d1, 9, S2, 400, 418, "rule:lead", 0.8)])
    edge(edu, gov, "part_of", [_ev("part", d1, 9, S2, 400, 404, "rule:part", 0.7)])
    edge(ndrc, huhhot, "located_in", [_ev("loc1", d1, 4, S1, 102, 115, "rule:loc", 0.6)])
    edge(edu, huhhot, "located_in", [_ev("loc2", d1, 9, S2, 400, 404, "rule:loc", 0.6)])
    edge(project, cluster, "in_cluster", [_ev("clu1", d2, 2, S3, 50, 80, "rule:cluster", 0.85)])
    edge(yili, cluster, "in_cluster", [_ev("clu2", d2, 2, S3, 50, 80, "rule:cluster", 0.75),
                                       _ev("clu3", d2, 5, S3, 300, 330, "rule:cluster", 0.8)])
    for n, data in list(G.nodes(data=True)):
        if data["type"] in ("Document", "Post"):
            continue
        for d in data["docs"]:
            edge(n, document_id(d), "mentioned_in",
                 [_ev(f"m|{n}|{d}", d, 0, S1 if d == d1 else S3, 0, 3, "ner:hanlp", 1.0)])
    assert party and other
    return G


def shacl(data: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(SHAPES, format="turtle")
    ont = Graph().parse(ONTOLOGY, format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                 advanced=True, allow_warnings=False)
    return conforms, text


@pytest.fixture(scope="module")
def hand() -> nx.MultiDiGraph:
    return handmade_graph()


@pytest.fixture(scope="module")
def hand_rdf(hand) -> Graph:
    return graph_to_rdf(hand)


# ---------------------------------------------------------------------------------------
# ontology
# ---------------------------------------------------------------------------------------

def test_ontology_parses_and_labels_every_term_in_zh_and_en():
    ont = Graph().parse(ONTOLOGY, format="turtle")
    terms = [s for s in ont.subjects(ns.RDF.type, None)
             if isinstance(s, URIRef) and str(s).startswith(str(KG))]
    assert len(terms) >= 25
    for t in terms:
        langs = {lab.language for lab in ont.objects(t, ns.RDFS.label)}
        assert {"zh", "en"} <= langs, f"{t} lacks a zh or en label"


def test_superclass_table_matches_ontology():
    ont = Graph().parse(ONTOLOGY, format="turtle")
    for cls, supers in SUPERCLASSES.items():
        assert (cls, ns.RDF.type, ns.OWL.Class) in ont, cls
        closure = set(ont.transitive_objects(cls, ns.RDFS.subClassOf)) - {cls}
        assert closure == set(supers), f"{cls}: {closure} != {supers}"
    for cls in [*NODE_CLASSES.values(), *ORG_SUBTYPE_CLASSES.values()]:
        assert cls in SUPERCLASSES
    for prop in EDGE_PROPERTIES.values():
        if str(prop).startswith(str(KG)):
            assert (prop, ns.RDF.type, ns.OWL.ObjectProperty) in ont, prop


def test_every_kg_term_used_in_the_export_is_declared(hand_rdf):
    ont = Graph().parse(ONTOLOGY, format="turtle")
    used = {t for tr in hand_rdf for t in tr if isinstance(t, URIRef) and str(t).startswith(str(KG))}
    assert used
    undeclared = {t for t in used if (t, ns.RDF.type, None) not in ont}
    assert not undeclared


# ---------------------------------------------------------------------------------------
# export of the hand-made graph
# ---------------------------------------------------------------------------------------

def test_nodes_types_labels(hand, hand_rdf):
    g = hand_rdf
    yin = ID[stable_id("Person", "殷树刚")]
    assert (yin, ns.RDF.type, KG.Person) in g
    assert (yin, ns.RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")) in g
    assert (yin, ns.SKOS.prefLabel, Literal("殷树刚", lang="zh")) in g
    assert (yin, ns.RDFS.label, Literal("殷树刚", lang="zh")) in g
    ndrc = ID[stable_id("Organization", "呼和浩特市发展和改革委员会")]
    assert (ndrc, ns.RDF.type, KG.GovernmentOrganization) in g
    assert (ndrc, ns.RDF.type, KG.Organization) in g
    assert (ndrc, ns.RDF.type, ORG.Organization) in g
    assert (ndrc, ns.SKOS.altLabel, Literal("市发改委", lang="zh")) in g
    party = ID[stable_id("Organization", "中共呼和浩特市委员会")]
    assert (party, ns.RDF.type, KG.PartyOrganization) in g
    yili = ID[stable_id("Organization", "内蒙古伊利实业集团股份有限公司")]
    assert (yili, ns.RDF.type, KG.Enterprise) in g
    other = ID[stable_id("Organization", "呼和浩特日报")]
    assert set(g.objects(other, ns.RDF.type)) == {KG.Organization, ORG.Organization,
                                                URIRef("https://schema.org/Organization")}
    post = ID[post_id(str(ndrc)[len(DEFAULT_BASE):], "主任")]
    assert (post, ns.RDF.type, KG.Post) in g and (post, ns.RDF.type, ORG.Post) in g
    assert (yin, ORG.holds, post) in g
    assert (post, ORG.postIn, ndrc) in g
    assert (post, ns.SKOS.prefLabel, Literal("主任", lang="zh")) in g
    cluster = ID[stable_id("Cluster", "绿色农畜产品加工产业集群")]
    assert (cluster, ns.RDF.type, KG.IndustrialCluster) in g
    doc = ID[document_id("001_x.txt")]
    assert (doc, ns.DCTERMS.identifier, Literal("001_x.txt")) in g
    assert (doc, KG.charCount, Literal(2000, datatype=ns.XSD.integer)) in g
    assert (yin, KG.mentionedIn, doc) in g
    # every node of the networkx graph is a subject with its kg: class
    for nid, t in hand.nodes(data="type"):
        assert (ID[nid], ns.RDF.type, NODE_CLASSES[t]) in g


def test_every_edge_is_asserted_and_reified_with_its_evidence(hand, hand_rdf):
    g = hand_rdf
    n_edges = 0
    for u, v, rel, data in hand.edges(keys=True, data=True):
        n_edges += 1
        s, p, o = ID[u], EDGE_PROPERTIES[rel], ID[v]
        assert (s, p, o) in g
        sts = [st for st in g.subjects(ns.RDF.subject, s)
               if (st, ns.RDF.predicate, p) in g and (st, ns.RDF.object, o) in g]
        assert len(sts) == 1
        st = sts[0]
        assert (st, KG.relation, Literal(rel)) in g
        evs = set(g.objects(st, ns.PROV.wasDerivedFrom))
        assert evs == {ID[e["fact_id"]] for e in data["evidence"]}
        for e in data["evidence"]:
            en = ID[e["fact_id"]]
            assert (en, ns.PROV.hadPrimarySource, ID[document_id(e["doc"])]) in g
            assert g.value(en, KG.start).toPython() == e["start"]
            assert g.value(en, KG.end).toPython() == e["end"]
            assert g.value(en, KG.origStart).toPython() == e["orig_start"]
            assert g.value(en, KG.origEnd).toPython() == e["orig_end"]
            assert float(g.value(en, KG.confidence)) == pytest.approx(e["confidence"])
            sn = g.value(en, KG.sentence)
            assert g.value(sn, ns.PROV.value) == Literal(e["sentence"], lang="zh")
            assert g.value(sn, KG.sentenceIndex).toPython() == e["sentence_index"]
            assert str(g.value(g.value(en, ns.PROV.wasGeneratedBy), ns.RDFS.label)) == e["extractor"]
    assert len(set(g.subjects(ns.RDF.type, KG.Statement))) == n_edges
    # holds and post_in of one holds_post fact share one evidence node
    n_facts = len({e["fact_id"] for *_, ev in hand.edges(data="evidence") for e in ev})
    assert len(set(g.subjects(ns.RDF.type, KG.Evidence))) == n_facts


def test_shacl_conforms(hand_rdf):
    conforms, text = shacl(hand_rdf)
    assert conforms, text


def test_turtle_parses_and_round_trips_isomorphic(hand, hand_rdf, tmp_path):
    path = write_turtle(hand, tmp_path / "graph.ttl")
    back = Graph().parse(path, format="turtle")
    assert len(back) == len(hand_rdf)
    assert isomorphic(back, hand_rdf)
    assert to_isomorphic(back) == to_isomorphic(hand_rdf)
    # special characters survived (quotes and backslash in an alias and a sentence)
    yili = ID[stable_id("Organization", "内蒙古伊利实业集团股份有限公司")]
    assert (yili, ns.SKOS.altLabel, Literal('伊利"集团"\\', lang="zh")) in back
    assert Literal(S3, lang="zh") in set(back.objects(None, ns.PROV.value))
    # prefixes are declared and used
    text = path.read_text(encoding="utf-8")
    for prefix in ("kg", "kgid", "org", "prov", "skos", "rdfs", "xsd", "dcterms"):
        assert f"@prefix {prefix}: <" in text
    assert "org:holds kgid:post-" in text


def test_pyoxigraph_reads_the_turtle_too(hand, tmp_path):
    import pyoxigraph as ox
    path = write_turtle(hand, tmp_path / "graph.ttl")
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert len(store) == len(Graph().parse(path, format="turtle"))


def test_output_is_deterministic(hand, tmp_path):
    a = write_turtle(hand, tmp_path / "a.ttl").read_bytes()
    # same graph, nodes and edges inserted in another order
    H = nx.MultiDiGraph()
    for n, d in reversed(list(hand.nodes(data=True))):
        H.add_node(n, **d)
    for u, v, k, d in reversed(list(hand.edges(keys=True, data=True))):
        H.add_edge(u, v, key=k, **d)
    b = write_turtle(H, tmp_path / "b.ttl").read_bytes()
    c = write_turtle(hand, tmp_path / "a.ttl").read_bytes()
    assert a == b == c
    assert len(a) > 5000


def test_base_is_configurable_and_validated(hand, tmp_path):
    base = "http://example.com/kg/"
    g = graph_to_rdf(hand, base=base)
    assert (URIRef(base + stable_id("Person", "殷树刚")), ns.RDF.type, KG.Person) in g
    assert not any(str(s).startswith(DEFAULT_BASE) for s in g.subjects())
    text = write_turtle(hand, tmp_path / "g.ttl", base=base).read_text(encoding="utf-8")
    assert f"@prefix kgid: <{base}> ." in text
    for bad in ("not an iri", "http://example.com/no-separator", ""):
        with pytest.raises(KgError, match="base IRI"):
            graph_to_rdf(hand, base=bad)


def test_atomic_write_leaves_no_temp_files(hand, tmp_path):
    target = tmp_path / "out" / "graph.ttl"
    write_turtle(hand, target)
    first = target.read_bytes()
    assert sorted(os.listdir(target.parent)) == ["graph.ttl"]
    # a failing export leaves the previous file untouched and no temp file behind
    broken = hand.copy()
    broken.add_node("weird-1", type="Spaceship", name="x")
    with pytest.raises(KgError, match="unknown type 'Spaceship'"):
        write_turtle(broken, target)
    assert target.read_bytes() == first
    assert sorted(os.listdir(target.parent)) == ["graph.ttl"]


def test_atomic_write_cleans_up_when_replace_fails(hand, tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_turtle(hand, target)
    assert os.listdir(tmp_path) == []


def test_unknown_relation_is_an_error(hand):
    broken = hand.copy()
    u, v = list(broken.nodes)[:2]
    broken.add_edge(u, v, key="likes", relation="likes", confidence=1.0, evidence=[])
    with pytest.raises(KgError, match="unknown relation 'likes'"):
        graph_to_rdf(broken)


# ---------------------------------------------------------------------------------------
# SHACL catches broken data
# ---------------------------------------------------------------------------------------

def _violations(g: Graph) -> str:
    conforms, text = shacl(g)
    assert not conforms
    return text


def test_shacl_person_without_zh_label(hand_rdf):
    g = Graph() + hand_rdf
    yin = ID[stable_id("Person", "殷树刚")]
    g.remove((yin, ns.SKOS.prefLabel, None))
    g.add((yin, ns.SKOS.prefLabel, Literal("Yin Shugang", lang="en")))
    assert "prefLabel" in _violations(g)


def test_shacl_post_without_organisation(hand_rdf):
    g = Graph() + hand_rdf
    post = next(g.subjects(ns.RDF.type, KG.Post))
    g.remove((post, ORG.postIn, None))
    assert "postIn" in _violations(g)


def test_shacl_holds_without_evidence(hand_rdf):
    g = Graph() + hand_rdf
    yin = ID[stable_id("Person", "殷树刚")]
    post = next(g.objects(yin, ORG.holds))
    st = next(s for s in g.subjects(ns.RDF.subject, yin) if (s, ns.RDF.object, post) in g)
    ev = g.value(st, ns.PROV.wasDerivedFrom)
    g.remove((ev, KG.origStart, None))
    g.add((ev, KG.origStart, Literal("12")))           # a string, not an integer
    text = _violations(g)
    assert "org:holds triple has no kg:Statement with evidence" in text
    assert "origStart" in text


def test_shacl_evidence_without_document(hand_rdf):
    g = Graph() + hand_rdf
    ev = next(g.subjects(ns.RDF.type, KG.Evidence))
    g.remove((ev, ns.PROV.hadPrimarySource, None))
    assert "evidence needs its document" in _violations(g)


def test_shacl_reversed_span(hand_rdf):
    g = Graph() + hand_rdf
    ev = next(g.subjects(ns.RDF.type, KG.Evidence))
    g.remove((ev, KG.end, None))
    g.add((ev, KG.end, Literal(-1)))
    assert "reversed" in _violations(g)


def test_shacl_statement_not_asserted(hand_rdf):
    g = Graph() + hand_rdf
    cluster = ID[stable_id("Cluster", "绿色农畜产品加工产业集群")]
    g.remove((None, KG.inCluster, cluster))
    assert "is not asserted" in _violations(g)


# ---------------------------------------------------------------------------------------
# the graph built from data/ (session fixture of tests/conftest.py, real pipeline)
# ---------------------------------------------------------------------------------------

def test_sample_turtle_conforms_to_shapes(built_sample):
    data = Graph().parse(built_sample.ttl_path, format="turtle")
    conforms, text = shacl(data)
    assert conforms, text[:3000]


def test_sample_turtle_is_the_canonical_export_of_the_graph(built_sample, tmp_path):
    written = built_sample.ttl_path.read_bytes()
    again = write_turtle(built_sample.graph, tmp_path / "again.ttl").read_bytes()
    assert written == again
    back = Graph().parse(built_sample.ttl_path, format="turtle")
    assert isomorphic(back, graph_to_rdf(built_sample.graph))


def test_sample_every_node_and_edge_is_exported(built_sample):
    G = built_sample.graph
    g = Graph().parse(built_sample.ttl_path, format="turtle")
    for nid, t in G.nodes(data="type"):
        assert (ID[nid], ns.RDF.type, NODE_CLASSES[t]) in g, nid
    for u, v, rel in G.edges(keys=True):
        assert (ID[u], EDGE_PROPERTIES[rel], ID[v]) in g, (u, rel, v)
    n_statements = len(set(g.subjects(ns.RDF.type, KG.Statement)))
    assert n_statements == G.number_of_edges()
    assert len(set(g.subjects(ns.RDF.type, KG.Person))) == sum(
        1 for _, t in G.nodes(data="type") if t == "Person")
    assert (None, ORG.holds, None) in g


def test_sample_evidence_nodes_are_the_facts_of_facts_jsonl(built_sample):
    import json
    with open(built_sample.facts_path, encoding="utf-8") as fh:
        facts = {json.loads(line)["id"]: json.loads(line) for line in fh if line.strip()}
    g = Graph().parse(built_sample.ttl_path, format="turtle")
    evidence = {str(o): s for s, o in g.subject_objects(ns.DCTERMS.identifier)
                if (s, ns.RDF.type, KG.Evidence) in g}
    assert set(evidence) == set(facts)
    for fid, f in list(facts.items())[:200]:
        en = evidence[fid]
        assert g.value(en, KG.start).toPython() == f["evidence"]["start"]
        assert g.value(en, KG.end).toPython() == f["evidence"]["end"]
        assert g.value(en, KG.origStart).toPython() == f["evidence"]["orig_start"]
        assert str(g.value(g.value(en, ns.PROV.wasGeneratedBy), ns.RDFS.label)) == f["extractor"]


def test_streamed_writer_equals_the_rdflib_graph_path(built_sample, tmp_path):
    """write_turtle goes from the networkx graph to Turtle without an rdflib Graph: on the sample
    build its bytes are those of the old path (graph_to_rdf, then to_turtle), and the file parses to
    a graph isomorphic to graph_to_rdf's."""
    from kg.rdf import iter_triples, to_turtle

    G = built_sample.graph
    g = graph_to_rdf(G)
    assert write_turtle(G, tmp_path / "g.ttl").read_bytes() == to_turtle(g).encode("utf-8")
    assert built_sample.ttl_path.read_bytes() == to_turtle(g).encode("utf-8")
    assert set(iter_triples(G)) == set(g)
    assert isomorphic(Graph().parse(tmp_path / "g.ttl", format="turtle"), g)
    # runs of 7 triples spilled and merged (subjects split across runs): the same bytes, no files left
    (tmp_path / "runs").mkdir()
    small = write_turtle(G, tmp_path / "runs" / "g.ttl", run_triples=7)
    assert small.read_bytes() == (tmp_path / "g.ttl").read_bytes()
    assert [p.name for p in (tmp_path / "runs").iterdir()] == ["g.ttl"]
