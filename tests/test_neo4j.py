"""kg.neo4j_export against a real Bolt server.

By default the server is ArcadeDB started by :mod:`kg.boltserver` (one per test session).
With ``NEO4J_URI`` (and NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE) set, the same tests run
against that server instead -- it must be a THROW-AWAY database: the tests delete everything
in it.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

neo4j = pytest.importorskip("neo4j")

from kg.boltserver import BoltServer, free_port  # noqa: E402
from kg.model import KgError, document_id, post_id, stable_id  # noqa: E402
from kg.neo4j_export import (  # noqa: E402
    NODE_LABELS,
    REL_TYPES,
    SCHEMA_FILE,
    Neo4jConfig,
    load_graph,
    schema_statements,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
EVIL = "x'\"`}) MATCH (n) DETACH DELETE n // $rows \\u0027 ;"


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------
def _have_arcadedb() -> bool:
    import importlib.util

    return importlib.util.find_spec("arcadedb_embedded") is not None


needs_arcadedb = pytest.mark.skipif(not _have_arcadedb(), reason="needs the test extra arcadedb-embedded")


@pytest.fixture(scope="session")
def bolt_config():
    if os.environ.get("NEO4J_URI"):
        yield Neo4jConfig.from_env()
        return
    if not _have_arcadedb():
        pytest.skip("no Bolt server: set NEO4J_URI or pip install -e '.[test]' (arcadedb-embedded)")
    with BoltServer(heap="1g") as server:
        yield server.config()


@pytest.fixture
def no_neo4j_env(monkeypatch):
    """No NEO4J_* variables: connection settings come from flags/arguments only."""
    for k in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(k, raising=False)


@pytest.fixture
def driver(bolt_config):
    d = neo4j.GraphDatabase.driver(bolt_config.uri, auth=(bolt_config.user, bolt_config.password))
    yield d
    d.close()


@pytest.fixture
def db(bolt_config, driver):
    """An empty database (everything deleted) and a query helper."""

    def q(cypher: str, **params):
        with driver.session(database=bolt_config.database) as s:
            return s.run(cypher, **params).data()

    q("MATCH (n) DETACH DELETE n")
    return q


def snapshot(q):
    nodes = q("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props")
    rels = q("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props")
    return (
        sorted((n["id"], tuple(sorted(n["labels"])), sorted(n["props"].items())) for n in nodes),
        sorted((r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in rels),
    )


# ---------------------------------------------------------------------------------------------
# a hand-made graph following the schema
# ---------------------------------------------------------------------------------------------
P1 = stable_id("Person", "殷树刚")
P2 = stable_id("Person", "evil")
O_GOV = stable_id("Organization", "呼和浩特市发展和改革委员会")
O_ENT = stable_id("Organization", "内蒙古伊利实业集团股份有限公司")
O_PARTY = stable_id("Organization", "中共呼和浩特市委员会")
O_OTHER = stable_id("Organization", "呼和浩特市乳业协会")
POST = post_id(O_GOV, "主任")
PLACE = stable_id("Place", "呼和浩特市")
CLUSTER = stable_id("Cluster", "乳业产业集群")
ACTION = stable_id("Action", "优化营商环境行动")
PROJECT = stable_id("Project", "乳业产业园项目")
D1, D2 = document_id("001.txt"), document_id("002.txt")
SENT = "呼和浩特市发展和改革委员会主任殷树刚介绍了情况。"


def ev(fact, doc, si, start, end, sentence=SENT, extractor="rule", conf=0.9, orig=True):
    return {"fact_id": fact, "doc": doc, "sentence_index": si, "sentence": sentence, "start": start,
            "end": end, "orig_start": start + 2 if orig else None, "orig_end": end + 2 if orig else None,
            "extractor": extractor, "confidence": conf}


def sample_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()

    def node(i, type_, name, aliases=(), subtype=None, docs=("001.txt",), **extra):
        G.add_node(i, type=type_, name=name, aliases=sorted(aliases), subtype=subtype, docs=sorted(docs), **extra)

    node(D1, "Document", "001.txt", docs=["001.txt"], path="data/001.txt", sha256="ab" * 32, encoding="utf-8", chars=120)
    node(D2, "Document", "002.txt", docs=["002.txt"], path="data/002.txt", sha256="cd" * 32, encoding="gb18030", chars=80)
    node(P1, "Person", "殷树刚", docs=["001.txt", "002.txt"])
    node(P2, "Person", EVIL, aliases=["a`b", "c'd"])
    node(O_GOV, "Organization", "呼和浩特市发展和改革委员会", aliases=["呼和浩特市发改委", "市发改委"], subtype="government")
    node(O_ENT, "Organization", "内蒙古伊利实业集团股份有限公司", aliases=["伊利集团"], subtype="enterprise")
    node(O_PARTY, "Organization", "中共呼和浩特市委员会", subtype="party")
    node(O_OTHER, "Organization", "呼和浩特市乳业协会", subtype="other")
    node(POST, "Post", "主任", title="主任", org=O_GOV)
    node(PLACE, "Place", "呼和浩特市")
    node(CLUSTER, "Cluster", "乳业产业集群", docs=["002.txt"])
    node(ACTION, "Action", "优化营商环境行动")
    node(PROJECT, "Project", "乳业产业园项目", docs=["002.txt"])

    def edge(u, v, rel, evidence):
        G.add_edge(u, v, key=rel, relation=rel, confidence=max(e["confidence"] for e in evidence), evidence=evidence)

    holds_ev = [ev("fact-1", "001.txt", 0, 0, 17, conf=0.95), ev("fact-2", "002.txt", 3, 5, 22, extractor="pattern", conf=0.8, orig=False)]
    edge(P1, POST, "holds", holds_ev)
    edge(POST, O_GOV, "post_in", holds_ev)
    edge(O_GOV, ACTION, "leads_action", [ev("fact-3", "001.txt", 1, 0, 9)])
    edge(O_ENT, CLUSTER, "in_cluster", [ev("fact-4", "002.txt", 0, 0, 9)])
    edge(PROJECT, CLUSTER, "in_cluster", [ev("fact-5", "002.txt", 1, 0, 9)])
    edge(O_GOV, O_PARTY, "part_of", [ev("fact-6", "001.txt", 2, 0, 9)])
    edge(O_ENT, PLACE, "located_in", [ev("fact-7", "002.txt", 0, 0, 9)])
    edge(PROJECT, PLACE, "located_in", [ev("fact-8", "002.txt", 1, 0, 9)])
    for n, attrs in list(G.nodes(data=True)):
        if attrs["type"] != "Document":
            for d in attrs["docs"]:
                edge(n, document_id(d), "mentioned_in", [ev(f"m-{n}-{d}", d, 0, 0, 2, conf=1.0)])
    return G


def count(q, pattern: str) -> int:
    return q(f"MATCH {pattern} RETURN count(*) AS c")[0]["c"]


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def test_schema_file_covers_every_label():
    stmts = schema_statements()
    assert all(s.startswith("CREATE ") and "IF NOT EXISTS" in s for s in stmts)
    for label in [*NODE_LABELS.values(), "Entity"]:
        assert any(f"(n:{label}) REQUIRE n.id IS UNIQUE" in s for s in stmts), label


def test_load_counts_labels_and_properties(db, bolt_config):
    G = sample_graph()
    stats = load_graph(G, bolt_config, batch_size=3)
    assert (stats.nodes, stats.relationships) == (G.number_of_nodes(), G.number_of_edges())
    assert (stats.nodes_created, stats.relationships_created) == (13, G.number_of_edges())
    assert stats.nodes_deleted == stats.relationships_deleted == stats.nodes_updated == 0
    assert stats.nodes_per_s > 0 and stats.rels_per_s > 0

    assert count(db, "(n)") == 13
    assert count(db, "(n:Entity)") == 11
    assert count(db, "(n:Document)") == 2 and count(db, "(n:Document:Entity)") == 0
    for label, n in {"Person": 2, "Post": 1, "Organization": 4, "Place": 1, "Cluster": 1, "Action": 1,
                     "Project": 1, "GovernmentOrganization": 1, "Enterprise": 1, "PartyOrganization": 1}.items():
        assert count(db, f"(n:{label})") == n, label
    assert sorted(db("MATCH (n:Organization {id: $id}) RETURN labels(n) AS l", id=O_OTHER)[0]["l"]) == ["Entity", "Organization"]
    assert sorted(db("MATCH (n {id: $id}) RETURN labels(n) AS l", id=O_GOV)[0]["l"]) == [
        "Entity", "GovernmentOrganization", "Organization"]

    org = db("MATCH (n:Organization {id: $id}) RETURN n", id=O_GOV)[0]["n"]
    assert org["name"] == "呼和浩特市发展和改革委员会"
    assert org["aliases"] == ["呼和浩特市发改委", "市发改委"]
    assert org["subtype"] == "government" and org["docs"] == ["001.txt"]
    post = db("MATCH (n:Post {id: $id}) RETURN n", id=POST)[0]["n"]
    assert (post["name"], post["title"], post["org"]) == ("主任", "主任", O_GOV)
    doc = db("MATCH (n:Document {id: $id}) RETURN n", id=D2)[0]["n"]
    assert (doc["path"], doc["encoding"], doc["chars"], doc["sha256"]) == ("data/002.txt", "gb18030", 80, "cd" * 32)
    person = db("MATCH (n:Person {id: $id}) RETURN n", id=P1)[0]["n"]
    assert "subtype" not in person  # None is not stored

    for rel, t in REL_TYPES.items():
        expected = sum(1 for *_, k in G.edges(keys=True) if k == rel)
        assert count(db, f"()-[:{t}]->()") == expected, t
    r = db("MATCH (:Person {id: $p})-[r:HOLDS]->(:Post {id: $t}) RETURN properties(r) AS r", p=P1, t=POST)[0]["r"]
    assert r["confidence"] == pytest.approx(0.95)
    assert r["evidence_docs"] == ["001.txt", "002.txt"]
    assert r["evidence_sentences"] == [SENT, SENT]
    assert r["evidence_sentence_indexes"] == [0, 3]
    assert r["evidence_starts"] == [0, 5] and r["evidence_ends"] == [17, 22]
    assert r["evidence_orig_starts"] == [2, -1] and r["evidence_orig_ends"] == [19, -1]
    assert r["extractors"] == ["rule", "pattern"] and r["fact_ids"] == ["fact-1", "fact-2"]
    assert r["evidence_confidences"] == pytest.approx([0.95, 0.8])
    # shared stable ids: the Post's POST_IN goes to the org by id
    assert db("MATCH (:Post {id: $t})-[:POST_IN]->(o:Organization) RETURN o.id AS id", t=POST) == [{"id": O_GOV}]


def test_cypher_in_names_is_stored_as_data(db, bolt_config):
    load_graph(sample_graph(), bolt_config)
    rows = db("MATCH (n:Person {id: $id}) RETURN n.name AS name, n.aliases AS aliases", id=P2)
    assert rows == [{"name": EVIL, "aliases": ["a`b", "c'd"]}]
    assert db("MATCH (n:Person {name: $name}) RETURN n.id AS id", name=EVIL) == [{"id": P2}]
    assert count(db, "(n)") == 13  # the "DETACH DELETE" in the name did not run


def test_second_load_changes_nothing(db, bolt_config):
    G = sample_graph()
    load_graph(G, bolt_config)
    first = snapshot(db)
    stats = load_graph(G, bolt_config, batch_size=2)
    assert snapshot(db) == first
    assert stats.nodes_written == stats.relationships_written == 0
    assert stats.nodes_deleted == stats.relationships_deleted == 0


def test_changed_graph_updates_and_prunes(db, bolt_config):
    load_graph(sample_graph(), bolt_config)
    G = sample_graph()
    G.nodes[P1]["aliases"] = ["殷主任"]                      # property change
    G.nodes[O_OTHER]["subtype"] = "enterprise"               # subtype label change
    G.add_edge(O_OTHER, PLACE, key="located_in", relation="located_in", confidence=0.7,
               evidence=[ev("fact-10", "002.txt", 5, 1, 8, conf=0.7)])
    G.remove_edge(O_GOV, O_PARTY, key="part_of")             # a fact that disappeared
    G.remove_node(PROJECT)                                   # an entity that disappeared
    e = G.edges[P1, POST, "holds"]
    e["evidence"] = e["evidence"][:1]                        # one piece of evidence gone
    stats = load_graph(G, bolt_config)

    assert stats.nodes_created == 0 and stats.nodes_updated == 2 and stats.nodes_deleted == 1
    assert stats.relationships_deleted >= 1
    assert count(db, "(n)") == 12 and count(db, "(n:Project)") == 0
    assert db("MATCH (n:Person {id: $id}) RETURN n.aliases AS a", id=P1) == [{"a": ["殷主任"]}]
    assert sorted(db("MATCH (n:Organization {id: $id}) RETURN labels(n) AS l", id=O_OTHER)[0]["l"]) == [
        "Enterprise", "Entity", "Organization"]
    assert count(db, "(n:Enterprise)") == 2
    assert count(db, "()-[:PART_OF]->()") == 0
    assert count(db, "(:Organization)-[:LOCATED_IN]->(:Place)") == 2
    r = db("MATCH (:Person {id: $p})-[r:HOLDS]->() RETURN r.fact_ids AS f, r.evidence_docs AS d", p=P1)
    assert r == [{"f": ["fact-1"], "d": ["001.txt"]}]
    # the re-labelled node kept its relationships (re-created by the load)
    assert count(db, "(:Organization:Enterprise {name: '呼和浩特市乳业协会'})-[:MENTIONED_IN]->(:Document)") == 1
    # the database equals a fresh load of the changed graph
    after = snapshot(db)
    db("MATCH (n) DETACH DELETE n")
    load_graph(G, bolt_config)
    assert snapshot(db) == after


def test_prune_only_touches_kg_data(db, bolt_config):
    db("CREATE (:Note {text: 'mine'})-[:ABOUT]->(:Note {text: 'also mine'})")
    db("CREATE (:Person {id: 'hand-made', name: 'not from kg'})")
    load_graph(sample_graph(), bolt_config)
    G = sample_graph()
    G.remove_node(P2)
    load_graph(G, bolt_config, prune=False)
    assert count(db, "(n:Person)") == 3  # nothing pruned
    load_graph(G, bolt_config)
    assert count(db, "(n:Person)") == 2 and count(db, "(:Person {id: 'hand-made'})") == 1
    assert count(db, "(:Note)-[:ABOUT]->(:Note)") == 1


# ---------------------------------------------------------------------------------------------
# failures
# ---------------------------------------------------------------------------------------------
def test_mid_load_failure_leaves_no_partial_batch_and_rerun_converges(db, bolt_config):
    G = sample_graph()
    load_graph(G, bolt_config)
    expected = snapshot(db)
    db("MATCH (n) DETACH DELETE n")
    # a node that is not kg's :Person but holds P1's id under the :Entity uniqueness constraint:
    # creating the Person batch must fail as a whole
    db("CREATE (:Entity {id: $id, name: 'squatter'})", id=P1)
    with pytest.raises(KgError) as exc:
        load_graph(G, bolt_config, batch_size=1000)
    msg = str(exc.value)
    assert "\n" not in msg and ":Person" in msg and "re-run" in msg
    assert count(db, "(n:Person)") == 0          # neither P1 nor P2 (same batch) was written
    assert count(db, "(n:Document)") == 2         # batches before it were committed
    assert count(db, "()-[r]->()") == 0           # relationships never started
    db("MATCH (n:Entity {id: $id}) WHERE NOT n:Person DETACH DELETE n", id=P1)
    load_graph(G, bolt_config, batch_size=1000)
    assert snapshot(db) == expected


def test_wrong_password(bolt_config):
    bad = Neo4jConfig(bolt_config.uri, bolt_config.user, bolt_config.password + "x", bolt_config.database)
    with pytest.raises(KgError, match="wrong user name or password") as exc:
        load_graph(sample_graph(), bad)
    assert "\n" not in str(exc.value)


def test_unreachable_server():
    port = free_port()
    with pytest.raises(KgError, match=rf"cannot reach Neo4j at bolt://127.0.0.1:{port}") as exc:
        load_graph(sample_graph(), Neo4jConfig(f"bolt://127.0.0.1:{port}", "neo4j", "secret"))
    assert "\n" not in str(exc.value)


def test_missing_database(bolt_config):
    bad = Neo4jConfig(bolt_config.uri, bolt_config.user, bolt_config.password, "kgnosuchdb")
    with pytest.raises(KgError, match="has no database 'kgnosuchdb'") as exc:
        load_graph(sample_graph(), bad)
    assert "\n" not in str(exc.value)


def test_invalid_graph_is_rejected_before_connecting():
    G = sample_graph()
    G.add_edge(P1, P2, key="knows", relation="knows", confidence=1.0, evidence=[])
    with pytest.raises(KgError, match="unknown relation 'knows'"):
        load_graph(G, Neo4jConfig("bolt://127.0.0.1:1", "neo4j", "x"))
    G = sample_graph()
    G.add_node("x-1", type="Person`) DELETE n", name="x")
    with pytest.raises(KgError, match="unknown type"):
        load_graph(G, Neo4jConfig("bolt://127.0.0.1:1", "neo4j", "x"))


def test_config_from_env(monkeypatch, no_neo4j_env):
    c = Neo4jConfig.from_env()
    assert (c.uri, c.user, c.password, c.database) == ("bolt://localhost:7687", "neo4j", "", None)
    monkeypatch.setenv("NEO4J_URI", "bolt://db:7687")
    monkeypatch.setenv("NEO4J_USER", "u")
    monkeypatch.setenv("NEO4J_PASSWORD", "p")
    monkeypatch.setenv("NEO4J_DATABASE", "kg")
    c = Neo4jConfig.from_env(user="flag-user")
    assert (c.uri, c.user, c.password, c.database) == ("bolt://db:7687", "flag-user", "p", "kg")


# ---------------------------------------------------------------------------------------------
# the CLI command
# ---------------------------------------------------------------------------------------------
def _cli():
    import typer

    from kg.cli import neo4j_load_command

    app = typer.Typer()
    app.command("load")(neo4j_load_command)
    app.command("noop")(lambda: None)  # keep "load" a sub-command
    return app


def test_cli_load_and_errors(db, bolt_config, tmp_path, no_neo4j_env):
    from typer.testing import CliRunner

    from kg.graph import write_graph

    write_graph(sample_graph(), tmp_path / "graph.json")
    def args(password):
        a = ["load", str(tmp_path), "--uri", bolt_config.uri, "--user", bolt_config.user, "--password", password]
        return a + (["--database", bolt_config.database] if bolt_config.database else [])

    res = CliRunner().invoke(_cli(), args(bolt_config.password))
    assert res.exit_code == 0, res.output
    assert "13 nodes (13 created" in res.output
    assert count(db, "(n:Entity)") == 11

    res = CliRunner().invoke(_cli(), args("wrong-password"))
    assert res.exit_code == 1
    assert "wrong user name or password" in res.output and "Traceback" not in res.output

    res = CliRunner().invoke(_cli(), ["load", str(tmp_path / "nope")])
    assert res.exit_code == 1 and "no such file" in res.output


# ---------------------------------------------------------------------------------------------
# the competency queries of cypher/ against the sample corpus built from data/
# ---------------------------------------------------------------------------------------------
CYPHER = SCHEMA_FILE.parent
DEV_ORG = "呼和浩特市发展和改革委员会"


@pytest.fixture
def sample_db(built_sample, bolt_config, driver):
    """The database holding exactly the sample graph (a diff-load: cheap when it already does)."""
    load_graph(built_sample.graph, bolt_config)

    def run(name: str, **params):
        from kg.neo4j_export import split_statements

        [stmt] = split_statements((CYPHER / f"{name}.cypher").read_text(encoding="utf-8"))
        with driver.session(database=bolt_config.database) as s:
            return s.run(stmt, **params).data()

    return run


def _name_index(G):
    return {n: a["name"] for n, a in G.nodes(data=True)}


def _org_of_post(G, post):
    return next((v for _, v, k in G.out_edges(post, keys=True) if k == "post_in"), None)


def test_query_files_are_single_parameterised_statements():
    from kg.neo4j_export import split_statements

    files = sorted(p for p in CYPHER.glob("*.cypher") if p.stem != "schema")
    assert {p.stem for p in files} >= {"posts_held", "posts_of_person", "action_leaders", "cluster_members",
                                       "path_between_people", "fact_evidence", "relation_evidence"}
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert len(split_statements(text)) == 1, p
        for param in set(__import__("re").findall(r"\$(\w+)", split_statements(text)[0])):
            assert f":param {param} =>" in text, f"{p.name}: header shows no ':param {param}' line"


def test_query_posts_held(sample_db, built_sample):
    G = built_sample.graph
    names = _name_index(G)
    rows = sample_db("posts_held", org=DEV_ORG)
    got = {(r["post"], r["person"]) for r in rows}
    assert {r["organization"] for r in rows} == {DEV_ORG}
    # 001: 呼和浩特市发展和改革委员会党组书记、主任殷树刚; 004: 市发改委党组书记、主任伊德尔
    assert {("主任", "殷树刚"), ("党组书记", "殷树刚"), ("主任", "伊德尔"), ("党组书记", "伊德尔")} <= got
    # the database answers exactly what the graph says
    expected = {(names[v], names[u]) for u, v, k in G.edges(keys=True)
                if k == "holds" and _org_of_post(G, v) and names[_org_of_post(G, v)] == DEV_ORG}
    assert got == expected
    everything = sample_db("posts_held", org=None)
    assert len(everything) == sum(1 for u, v, k in G.edges(keys=True) if k == "holds" and _org_of_post(G, v))


def test_query_posts_of_person(sample_db):
    rows = sample_db("posts_of_person", person="栗耀庭")
    # 001: 呼和浩特市住房和城乡建设局党组书记、局长栗耀庭
    assert {(r["post"], r["organization"]) for r in rows} == {
        ("党组书记", "呼和浩特市住房和城乡建设局"), ("局长", "呼和浩特市住房和城乡建设局")}
    assert all(r["person"] == "栗耀庭" and r["fact_ids"] and r["documents"] for r in rows)
    assert sample_db("posts_of_person", person="没有这个人") == []


def test_query_action_leaders(sample_db, built_sample):
    G = built_sample.graph
    names = _name_index(G)
    rows = sample_db("action_leaders", action="助企行动")
    # 004: 市工信局牵头制定了呼和浩特市助企行动实施方案
    assert ("助企行动", "呼和浩特市工业和信息化局") in {(r["action"], r["organization"]) for r in rows}
    everything = sample_db("action_leaders", action=None)
    assert {(r["action"], r["organization"]) for r in everything} == {
        (names[v], names[u]) for u, v, k in G.edges(keys=True) if k == "leads_action"}


def test_query_action_leaders_major_projects_action(sample_db):
    # 004: 市发改委作为重大项目谋划行动牵头抓总部门 (also a gold seed: leads_action)
    rows = sample_db("action_leaders", action="重大项目谋划行动")
    assert DEV_ORG in {r["organization"] for r in rows}


def test_query_cluster_members(sample_db, built_sample):
    G = built_sample.graph
    names = _name_index(G)
    cluster = "绿色农畜产品加工产业集群"
    rows = sample_db("cluster_members", cluster=cluster)
    got = {(r["member"], r["kind"]) for r in rows}
    # 003: 绿色农畜产品加工产业集群。建成投产伊利奶粉三期、奶酪三期 ... 提档升级玉泉区食品产业园
    assert {("伊利奶粉三期", "Project"), ("奶酪三期", "Project"), ("玉泉区食品产业园", "Project")} <= got
    assert got == {(names[u], G.nodes[u]["type"]) for u, v, k in G.edges(keys=True)
                   if k == "in_cluster" and names[v] == cluster}
    assert all(r["cluster"] == cluster for r in rows)


def test_query_path_between_people(sample_db, built_sample):
    G = built_sample.graph
    [row] = sample_db("path_between_people", **{"from": "殷树刚", "to": "伊德尔"})
    # both are 主任 and 党组书记 of the same 发改委: one shared Post node between them
    assert row["hops"] == 2 and row["relations"] == ["HOLDS", "HOLDS"]
    assert row["names"][0] == "殷树刚" and row["names"][2] == "伊德尔" and row["names"][1] in {"主任", "党组书记"}
    org = _org_of_post(G, row["ids"][1])
    assert G.nodes[org]["name"] == DEV_ORG and row["ids"][1] == post_id(org, row["names"][1])
    assert nx.shortest_path_length(G.to_undirected(as_view=True), row["ids"][0], row["ids"][2]) <= 2


def _holds_fact(built_sample, person, title):
    import json

    for line in built_sample.facts_path.read_text(encoding="utf-8").splitlines():
        f = json.loads(line)
        if (f["relation"] == "holds_post" and f["args"]["person"]["name"] == person
                and f["args"]["post"].get("name", f["args"]["post"]["text"]) == title
                and f["args"]["org"]["name"] == DEV_ORG):
            return f
    raise AssertionError(f"facts.jsonl has no holds_post {person} {title} @ {DEV_ORG}")


def test_query_fact_evidence(sample_db, built_sample):
    from kg.ingest import load_document

    fact = _holds_fact(built_sample, "殷树刚", "主任")
    rows = sample_db("fact_evidence", fact_id=fact["id"])
    # a holds_post fact is the HOLDS edge and the POST_IN edge of its post
    assert {(r["relation"], r["subject"], r["object"]) for r in rows} == {
        ("HOLDS", "殷树刚", "主任"), ("POST_IN", "主任", DEV_ORG)}
    ev = fact["evidence"]
    for r in rows:
        assert r["document"] == ev["doc_id"] and r["sentence"] == ev["sentence"]
        assert (r["start"], r["end"], r["sentence_index"]) == (ev["start"], ev["end"], ev["sent_index"])
        doc = load_document(DATA_DIR / r["document"], doc_id=r["document"])
        assert "殷树刚" in doc.original[r["orig_start"]:r["orig_end"]]
        assert doc.text[r["start"]:r["end"]] in r["sentence"]


def test_query_relation_evidence(sample_db, built_sample):
    rows = sample_db("relation_evidence", subject="殷树刚", object="主任")
    assert rows and {r["relation"] for r in rows} == {"HOLDS"}
    assert DEV_ORG in {r["post_of"] for r in rows}
    fact = _holds_fact(built_sample, "殷树刚", "主任")
    assert fact["id"] in {r["fact_id"] for r in rows}
    assert all("殷树刚" in r["sentence"] and r["orig_end"] > r["orig_start"] >= 0 for r in rows)


def test_edges_must_follow_the_schema():
    G = sample_graph()
    G.add_edge(P1, O_GOV, key="mentioned_in", relation="mentioned_in", confidence=1.0, evidence=[])
    with pytest.raises(KgError, match="mentioned_in must go from an entity to a Document"):
        load_graph(G, Neo4jConfig("bolt://127.0.0.1:1", "neo4j", "x"))
    G = sample_graph()
    G.add_edge(P1, D1, key="holds", relation="holds", confidence=1.0, evidence=[])
    with pytest.raises(KgError, match="joins a Person to a Document"):
        load_graph(G, Neo4jConfig("bolt://127.0.0.1:1", "neo4j", "x"))


# ---------------------------------------------------------------------------------------------
# the launcher
# ---------------------------------------------------------------------------------------------
@needs_arcadedb
def test_boltserver_lifecycle():
    server = BoltServer(heap="256m")
    with server:
        proc, data_dir = server.process, server.data_dir
        assert len(server.password) >= 8 and server.uri.startswith("bolt://127.0.0.1:")
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as d:
            assert d.execute_query("RETURN 1 AS x", database_=server.database).records[0]["x"] == 1
            assert "ArcadeDB" in d.get_server_info().agent
        assert data_dir.is_dir() and proc.poll() is None
        mem = server.memory()               # the JVM's own memory (benchmarks report it)
        if Path(f"/proc/{proc.pid}/status").exists():
            assert 50 * 2**20 < mem["rss"] <= mem["peak_rss"]
    assert server.memory() == {}            # not running
    assert proc.poll() is not None          # the JVM is gone
    assert not data_dir.exists()            # and so are its files


def test_boltserver_without_package(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "arcadedb_embedded" else real(name, *a))
    with pytest.raises(KgError, match="needs the Python package arcadedb-embedded"):
        BoltServer().start()


@needs_arcadedb
def test_server_dying_mid_load_gives_one_line_error():
    """The server is killed between two relationship batches: a one-line KgError, no traceback."""
    G = sample_graph()
    with BoltServer(heap="256m") as server:
        config = server.config()

        def progress(phase, done, total):
            if phase == "relationships" and done > 0 and server.process is not None:
                server.process.kill()
                server.process.wait()

        with pytest.raises(KgError) as exc:
            load_graph(G, config, batch_size=3, progress=progress)
    msg = str(exc.value)
    assert "\n" not in msg and "re-run the load" in msg and server.uri in msg


def test_kg_build_with_neo4j_flags(db, bolt_config, tmp_path, no_neo4j_env):
    """``kg build DIR --neo4j`` with connection flags: loads, and a rebuild writes nothing."""
    import shutil

    from typer.testing import CliRunner

    from kg.cli import app

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "004_1990d11d53b02e2b.txt", corpus)
    args = ["build", str(corpus), "--out", str(tmp_path / "out"), "--neo4j",
            "--neo4j-uri", bolt_config.uri, "--neo4j-user", bolt_config.user,
            "--neo4j-password", bolt_config.password]
    if bolt_config.database:
        args += ["--neo4j-database", bolt_config.database]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    people = db("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
    assert people >= 3
    assert db("MATCH (:Organization)-[r:LEADS_ACTION]->(:Action) RETURN count(r) AS n")[0]["n"] >= 1
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert db("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == people
    assert "0 created" in again.output
    bad = CliRunner().invoke(app, ["wrong-password" if a == bolt_config.password else a for a in args])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert "password" in bad.output


# ---------------------------------------------------------------------------------------------
# issue 14: prune after a much bigger graph, concurrent loads, URI schemes
# ---------------------------------------------------------------------------------------------
def generated_graph(ndocs: int, people: int = 6, orgs: int = 3) -> nx.MultiDiGraph:
    """``ndocs`` documents sharing ``orgs`` organisations (hubs with many relationships)."""
    G = nx.MultiDiGraph()
    org_ids = [stable_id("Organization", f"org{i}") for i in range(orgs)]
    for i, o in enumerate(org_ids):
        G.add_node(o, type="Organization", name=f"org{i}", aliases=[], subtype="government", docs=[])

    def edge(u, v, rel, d):
        G.add_edge(u, v, key=rel, relation=rel, confidence=0.9,
                   evidence=[ev(f"f-{u}-{v}-{rel}", d, 0, 0, 1, sentence="s")])

    for k in range(ndocs):
        d = f"gen{k:04d}.txt"
        D = document_id(d)
        G.add_node(D, type="Document", name=d, aliases=[], subtype=None, docs=[d], path=d,
                   sha256="0" * 64, encoding="utf-8", chars=10)
        for j in range(people):
            p, o = stable_id("Person", f"p{k}-{j}"), org_ids[(k + j) % orgs]
            post = post_id(o, f"t{k}-{j}")
            G.add_node(p, type="Person", name=f"p{k}-{j}", aliases=[], subtype=None, docs=[d])
            G.add_node(post, type="Post", name=f"t{k}-{j}", title=f"t{k}-{j}", org=o, aliases=[],
                       subtype=None, docs=[d])
            edge(p, post, "holds", d)
            edge(post, o, "post_in", d)
            edge(p, D, "mentioned_in", d)
            edge(o, D, "mentioned_in", d)
    return G


def test_prune_converges_after_a_much_bigger_graph(db, bolt_config):
    """Big graph, then a small one: the prune deleted 250 relationships of one hub node in a
    batch and ArcadeDB failed every load with EntityNotFound (issue 14; 100 did not fail)."""
    big, small = generated_graph(250, people=1, orgs=1), generated_graph(2, people=1, orgs=1)
    load_graph(big, bolt_config)
    assert count(db, "(n:Entity)") == big.number_of_nodes() - 250
    stats = load_graph(small, bolt_config)
    assert stats.nodes_deleted == big.number_of_nodes() - small.number_of_nodes()
    after = snapshot(db)
    assert count(db, "(n)") == small.number_of_nodes()
    assert count(db, "()-[r]->()") == small.number_of_edges()
    db("MATCH (n) DETACH DELETE n")
    load_graph(small, bolt_config)
    assert snapshot(db) == after                      # equal to a fresh load of the small graph


def test_prune_deletes_foreign_relationships_of_stale_nodes_in_batches(db, bolt_config):
    """A stale node with more non-kg relationships than a batch holds is still deleted."""
    G = sample_graph()
    load_graph(G, bolt_config)
    db("MATCH (p:Person {id: $id}) UNWIND range(1, 25) AS i CREATE (p)-[:NOTE]->(:Note {i: i})", id=P2)
    G.remove_node(P2)
    stats = load_graph(G, bolt_config, batch_size=10)
    assert stats.nodes_deleted == 1 and count(db, "(n:Person)") == 1
    assert count(db, "(n:Note)") == 25 and count(db, "()-[:NOTE]->()") == 0


def test_a_second_load_fails_clearly_while_one_holds_the_lock(db, bolt_config):
    from kg.neo4j_export import LOCK_LABEL, LoadLockedError

    load_graph(sample_graph(), bolt_config)
    far = 2**62
    db(f"CREATE (:{LOCK_LABEL} {{id: 'load', owner: 'host:123:x', since: 0, expires: $e}})", e=far)
    G = sample_graph()
    G.remove_node(P2)
    with pytest.raises(LoadLockedError) as exc:
        load_graph(G, bolt_config, lock_wait=0.6)
    msg = str(exc.value)
    assert "another kg load" in msg and "host:123:x" in msg and "\n" not in msg
    assert count(db, "(n:Person)") == 2                        # nothing written
    # a lock whose load died (expired) is taken over; a finished load leaves no lock behind
    db(f"MATCH (l:{LOCK_LABEL}) SET l.expires = 0")
    load_graph(G, bolt_config)
    assert count(db, "(n:Person)") == 1 and count(db, f"(l:{LOCK_LABEL})") == 0


def test_concurrent_loads_of_different_graphs_leave_one_of_them(db, bolt_config):
    """Two loads at once: each either succeeds or fails on the lock; the database is then one of
    the two graphs, never a hybrid."""
    import threading

    from kg.neo4j_export import LoadLockedError

    graphs = {"a": generated_graph(8), "b": sample_graph()}
    expected = {}
    for name, G in graphs.items():
        db("MATCH (n) DETACH DELETE n")
        load_graph(G, bolt_config)
        expected[name] = snapshot(db)
    db("MATCH (n) DETACH DELETE n")
    outcome: dict[str, str] = {}
    start = threading.Barrier(2)

    def go(name):
        start.wait()
        try:
            load_graph(graphs[name], bolt_config, batch_size=20)
            outcome[name] = "ok"
        except LoadLockedError:
            outcome[name] = "locked"

    threads = [threading.Thread(target=go, args=(n,)) for n in graphs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert set(outcome.values()) <= {"ok", "locked"} and "ok" in outcome.values(), outcome
    assert snapshot(db) in (expected["a"], expected["b"])


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "ftp://x"])
def test_uri_scheme_is_checked(uri):
    with pytest.raises(KgError) as exc:
        load_graph(sample_graph(), Neo4jConfig(uri=uri, password="x"))
    assert "bolt://" in str(exc.value) and "neo4j://" in str(exc.value)


# ---------------------------------------------------------------------------------------------
# issue 13: the loader keeps keys and hashes, not rows (rows are built a batch at a time)
# ---------------------------------------------------------------------------------------------
def test_plan_keys_rebuild_the_rows_of_plan_graph():
    """The loader's compact plan gives the same ids, hashes and order as plan_graph, and the
    rows it rebuilds per batch are plan_graph's rows."""
    from kg.neo4j_export import _node_batch, _plan_keys, _rel_batch, plan_graph

    G = generated_graph(5, people=3, orgs=2)
    plan, keys = plan_graph(G), _plan_keys(G)
    assert list(keys.nodes) == list(plan.nodes) and list(keys.rels) == list(plan.rels)
    assert (keys.node_count, keys.rel_count) == (plan.node_count, plan.rel_count) == (
        G.number_of_nodes(), G.number_of_edges())
    for labels, rows in plan.nodes.items():
        assert [(i, h) for i, h, _ in keys.nodes[labels]] == [(r["id"], r["kg_hash"]) for r in rows]
        assert _node_batch(G, [n for _, _, n in keys.nodes[labels]]) == rows
    for group, rows in plan.rels.items():
        assert [e[:3] for e in keys.rels[group]] == [(r["src"], r["dst"], r["kg_hash"]) for r in rows]
        assert _rel_batch(G, [e[3] for e in keys.rels[group]]) == rows


def test_load_does_not_hold_every_row_of_the_graph(db, bolt_config):
    """Python memory at the peak of a load stays well under what all rows of the graph take
    (the loader used to build them all first: 30 MB of its 190 MB at 1M characters)."""
    import tracemalloc

    from kg.neo4j_export import plan_graph

    G = generated_graph(250, people=4, orgs=3)
    for _, _, a in G.edges(data=True):        # evidence of a realistic size (one ~60-char sentence)
        a["evidence"] = [dict(e, sentence=e["sentence"] * 60) for e in a["evidence"]]
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        plan = plan_graph(G)
        rows_bytes = tracemalloc.get_traced_memory()[0] - base
        del plan
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        stats = load_graph(G, bolt_config, batch_size=100)
        load_peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert stats.relationships_created == G.number_of_edges() == 3750
    assert count(db, "()-[r:HOLDS]->()") == 1000
    assert rows_bytes > 3 * 2**20
    assert load_peak < rows_bytes / 2, (load_peak, rows_bytes)
