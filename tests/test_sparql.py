"""SPARQL (kg/sparql.py) and the competency queries in sparql/, on a hand-made graph and on the
graph built from data/."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.model import KgError
from kg.rdf import write_turtle
from kg.cli import sparql_command
from kg.sparql import ENGINES, bind_params, load_query, run

try:
    from test_rdf import handmade_graph
except ImportError:  # tests/ imported as a package
    from tests.test_rdf import handmade_graph

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "sparql"
ALL_QUERIES = sorted(QUERIES.glob("*.rq"))


def q(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def normalise(rows):
    """Rows in a canonical order."""
    return sorted(rows, key=repr)


def both(query: str, ttl: Path, params=None, ordered=True):
    """Run on both engines, assert they return the same rows (in the same order when the query
    orders them), return (columns, rows in a canonical order)."""
    results = [run(query, ttl, engine=e, params=params) for e in ENGINES]
    (c0, r0), (c1, r1) = results
    assert c0 == c1
    if ordered:
        assert r0 == r1, f"engines disagree:\n{r0}\n{r1}"
    assert normalise(r0) == normalise(r1), f"engines disagree:\n{r0}\n{r1}"
    return c0, normalise(r0)


@pytest.fixture(scope="module")
def hand_ttl(tmp_path_factory) -> Path:
    return write_turtle(handmade_graph(), tmp_path_factory.mktemp("hand") / "graph.ttl")


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(sparql_command)
    return app


# ---------------------------------------------------------------------------------------
# the query files
# ---------------------------------------------------------------------------------------

def test_every_query_file_has_a_header():
    assert len(ALL_QUERIES) == 6
    for path in ALL_QUERIES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# Question:"), path
        assert "# Parameters:" in text, path
        assert "# Run: kg sparql sparql/" + path.name in text, path


# ---------------------------------------------------------------------------------------
# competency queries on the hand-made graph
# ---------------------------------------------------------------------------------------

def test_post_holders(hand_ttl):
    cols, rows = both(q("post_holders"), hand_ttl)
    assert cols == ["person", "title", "organisation", "documents"]
    assert rows == [("殷树刚", "主任", "呼和浩特市发展和改革委员会", 1),
                    ("殷树刚", "党组书记", "呼和浩特市发展和改革委员会", 1)]


def test_posts_of_person_by_name_and_unknown(hand_ttl):
    cols, rows = both(q("posts_of_person"), hand_ttl, params=["personName=殷树刚"])
    assert cols == ["person", "title", "organisation", "documents"]
    assert rows == [("殷树刚", "主任", "呼和浩特市发展和改革委员会", "001_x.txt"),
                    ("殷树刚", "党组书记", "呼和浩特市发展和改革委员会", "001_x.txt")]
    assert both(q("posts_of_person"), hand_ttl, params=["personName=无名氏"])[1] == []


def test_leaders_of_action_by_alias(hand_ttl):
    _, rows = both(q("leaders_of_action"), hand_ttl, params=["actionName=立德树人工程"])
    assert rows == [("新时代立德树人工程", "呼和浩特市教育局", "001_x.txt")]


def test_cluster_members(hand_ttl):
    _, rows = both(q("cluster_members"), hand_ttl,
                   params=["clusterName=绿色农畜产品加工产业集群"])
    assert rows == [("绿色农畜产品加工产业集群", "伊利奶粉三期", "Project", "003_y.txt"),
                    ("绿色农畜产品加工产业集群", "内蒙古伊利实业集团股份有限公司", "Enterprise",
                     "003_y.txt")]


def test_organisations_in_place(hand_ttl):
    _, rows = both(q("organisations_in_place"), hand_ttl, params=["placeName=首府"])
    assert rows == [("呼和浩特市", "呼和浩特市发展和改革委员会", "government", "001_x.txt"),
                    ("呼和浩特市", "呼和浩特市教育局", "government", "001_x.txt")]


def test_fact_provenance(hand_ttl):
    cols, rows = both(q("fact_provenance"), hand_ttl,
                      params=["subjectName=殷树刚", "objectName=主任"])
    assert cols == ["relation", "subject", "object", "objectOrganisation", "document",
                    "sentenceIndex", "sentence", "start", "end", "origStart", "origEnd",
                    "extractor", "confidence"]
    assert rows == [("holds", "殷树刚", "主任", "呼和浩特市发展和改革委员会", "001_x.txt", 4,
                     "——访呼和浩特市发展和改革委员会党组书记、主任殷树刚", 101, 125, 103, 128,
                     "rule:title_name", 0.95)]
    # several evidence items of one statement: one row each
    _, rows = both(q("fact_provenance"), hand_ttl,
                   params=["subjectName=伊利\"集团\"\\", "objectName=农畜产品加工产业集群"])
    assert [(r[0], r[4], r[7], r[8]) for r in rows] == [("in_cluster", "003_y.txt", 50, 80),
                                                        ("in_cluster", "003_y.txt", 300, 330)]


def test_defaults_run_without_params(hand_ttl):
    for path in ALL_QUERIES:
        cols, rows = both(path.read_text(encoding="utf-8"), hand_ttl)
        assert cols and rows, path.name


# ---------------------------------------------------------------------------------------
# engines agree on other query forms
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "ASK { ?p org:holds ?post }",
    "ASK { ?p org:holds ?p }",
    "SELECT ?s ?o WHERE { ?s kg:locatedIn ?o }",
    "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    "SELECT ?e ?os WHERE { ?e a kg:Evidence . OPTIONAL { ?e kg:nope ?os } }",
    "SELECT ?c WHERE { ?s kg:confidence ?c FILTER(?c > 0.7) }",
    "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a kg:Place ; skos:prefLabel ?l }",
])
def test_engines_agree(hand_ttl, query):
    cols, rows = both(query, hand_ttl, ordered=False)
    assert rows


def test_cells_are_typed(hand_ttl):
    for engine in ENGINES:
        cols, rows = run("SELECT ?e ?s ?c ?none WHERE { ?e kg:start ?s ; kg:confidence ?c . "
                         "OPTIONAL { ?e kg:nope ?none } } LIMIT 1", hand_ttl, engine=engine)
        e, s, c, none = rows[0]
        assert e.startswith("https://kg.example.org/id/fact-")
        assert isinstance(s, int) and isinstance(c, float) and none is None
        assert run("ASK { ?s a kg:Person }", hand_ttl, engine=engine) == (["ask"], [(True,)])


# ---------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------

def test_bind_params_keeps_language_and_escapes():
    query = 'SELECT * WHERE { VALUES ?name { "殷树刚"@zh } VALUES ?n { 3 } ?s ?p ?name }'
    out = bind_params(query, ["name=李\"强\\", "n=5"])
    assert 'VALUES ?name { "李\\"强\\\\"@zh }' in out
    assert "VALUES ?n { 5 }" in out
    out = bind_params(query, ["name=甲", "name=乙", "$n=<https://x.org/a>"])
    assert 'VALUES ?name { "甲"@zh "乙"@zh }' in out
    # the default decides the kind of term (issue 14): an IRI only where the default is one
    assert 'VALUES ?n { "<https://x.org/a>" }' in out
    out = bind_params("SELECT * WHERE { VALUES ?o { <https://x.org/b> } ?s ?p ?o }", ["o=<https://x.org/a>"])
    assert "VALUES ?o { <https://x.org/a> }" in out


def test_bind_params_errors():
    with pytest.raises(KgError, match="no 'VALUES \\?who"):
        bind_params("SELECT * WHERE { ?s ?p ?o }", ["who=x"])
    with pytest.raises(KgError, match="NAME=VALUE"):
        bind_params("SELECT * WHERE { ?s ?p ?o }", ["oops"])


def test_load_query_file_name_and_text(tmp_path, monkeypatch):
    assert load_query(str(QUERIES / "post_holders.rq")) == q("post_holders")
    monkeypatch.chdir(ROOT)
    assert load_query("posts_of_person") == q("posts_of_person")
    assert load_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(KgError, match="no such query file"):
        load_query(str(tmp_path / "missing.rq"))


# ---------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_missing_graph_and_syntax_error(hand_ttl, tmp_path, engine):
    with pytest.raises(KgError, match="graph file not found: .*nope.ttl"):
        run("ASK { ?s ?p ?o }", tmp_path / "nope.ttl", engine=engine)
    with pytest.raises(KgError, match="SPARQL syntax error") as ei:
        run("SELECT ?s WHERE { ?s ?p }", hand_ttl, engine=engine)
    assert "\n" not in str(ei.value)
    for bad_query in ("SELECT ?s WHERE { ?s nope:x ?o }", "SELECT ?s WHERE { ?s ?p [x] }",
                      "SELEC ?s WHERE { ?s ?p ?o }"):
        with pytest.raises(KgError, match="SPARQL syntax error") as ei:
            run(bad_query, hand_ttl, engine=engine)
        assert len(str(ei.value)) < 200 and "..=" not in str(ei.value), str(ei.value)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(KgError, match="bad.ttl: cannot parse Turtle"):
        run("ASK { ?s ?p ?o }", bad, engine=engine)


def test_unknown_engine(hand_ttl):
    with pytest.raises(KgError, match="unknown SPARQL engine 'jena'"):
        run("ASK { ?s ?p ?o }", hand_ttl, engine="jena")


# ---------------------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------------------

def test_command_formats(hand_ttl):
    runner = CliRunner()
    path = str(QUERIES / "posts_of_person.rq")
    res = runner.invoke(_cli(), [path, "--graph", str(hand_ttl), "--format", "csv",
                                 "--param", "personName=殷树刚"])
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.stdout)))
    assert rows[0] == ["person", "title", "organisation", "documents"]
    assert sorted(r[1] for r in rows[1:]) == ["主任", "党组书记"]
    res = runner.invoke(_cli(), [path, "-g", str(hand_ttl), "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {d["title"] for d in data} == {"主任", "党组书记"}
    res = runner.invoke(_cli(), [str(QUERIES / "post_holders.rq"), "-g", str(hand_ttl)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "殷树刚" in res.stdout and "2 row(s)" in res.stdout


def test_command_wide_result_in_narrow_terminal_prints_records(hand_ttl):
    res = CliRunner().invoke(_cli(), [str(QUERIES / "fact_provenance.rq"), "-g", str(hand_ttl)],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "row 1" in res.stdout and "1 row(s)" in res.stdout
    assert "origStart" in res.stdout and "rule:title_name" in res.stdout


def test_command_reads_query_from_stdin(hand_ttl):
    res = CliRunner().invoke(_cli(), ["-", "-g", str(hand_ttl), "-f", "json"],
                             input="SELECT ?n WHERE { ?p a kg:Person ; skos:prefLabel ?n }")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"n": "殷树刚"}]


def test_registered_as_kg_sparql(hand_ttl):
    from kg.cli import app
    res = CliRunner().invoke(app, ["sparql", str(QUERIES / "leaders_of_action.rq"), "--graph",
                                   str(hand_ttl), "--param", "actionName=立德树人工程",
                                   "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1] == "新时代立德树人工程,呼和浩特市教育局,001_x.txt"


@pytest.mark.parametrize("args, message", [
    (["ASK { ?s ?p ?o }", "--graph", "/nonexistent/graph.ttl"],
     "error: graph file not found: /nonexistent/graph.ttl"),
    (["SELECT ?s WHERE { ?s ?p }"], "error: SPARQL syntax error"),
    (["ASK { ?s ?p ?o }", "--format", "xml"], "error: --format must be one of"),
    (["ASK { ?s ?p ?o }", "--param", "x=1"], "error: --param x: the query has no"),
])
def test_command_errors_are_one_line(hand_ttl, args, message):
    if "--graph" not in args:
        args = [*args, "--graph", str(hand_ttl)]
    res = CliRunner().invoke(_cli(), args, env={"COLUMNS": "40"})
    assert res.exit_code == 1
    out = res.output.strip()
    assert out.startswith(message), out
    assert len(out.splitlines()) == 1
    assert "Traceback" not in out
    assert res.exception is None or isinstance(res.exception, SystemExit)


# ---------------------------------------------------------------------------------------
# competency queries on the graph built from data/ (real pipeline, session fixture)
# ---------------------------------------------------------------------------------------

D001 = "001_3c2085c3029b20c0.txt"
D003 = "003_cacabed7aa6ec20d.txt"
NDRC = "呼和浩特市发展和改革委员会"


def test_sample_posts_of_yin_shugang(built_sample):
    _, rows = both(q("posts_of_person"), built_sample.ttl_path, params=["personName=殷树刚"])
    got = {(r[1], r[2]) for r in rows}
    assert ("主任", NDRC) in got, rows
    assert all(D001 in r[3].split() for r in rows if r[1] == "主任" and r[2] == NDRC)


def test_sample_post_holders(built_sample):
    _, rows = both(q("post_holders"), built_sample.ttl_path)
    got = {(r[0], r[1], r[2]) for r in rows}
    expected = {
        ("殷树刚", "主任", NDRC),
        ("汪驰", "局长", "呼和浩特市科学技术局"),
        ("何妍", "局长", "呼和浩特市教育局"),
        ("张国富", "局长", "呼和浩特市民政局"),
    }
    assert expected <= got, expected - got


def test_sample_leaders_of_action(built_sample):
    _, rows = both(q("leaders_of_action"), built_sample.ttl_path,
                   params=["actionName=新时代立德树人工程"])
    assert ("新时代立德树人工程", "呼和浩特市教育局") in {(r[0], r[1]) for r in rows}, rows
    assert all(D001 in r[2].split() for r in rows)
    # several actions at once (repeated --param binds several values)
    _, rows = both(q("leaders_of_action"), built_sample.ttl_path,
                   params=["actionName=高质量知识产权培育转化行动", "actionName=城市精细化管理行动",
                           "actionName=重大项目谋划行动"])
    assert {("高质量知识产权培育转化行动", "呼和浩特市市场监督管理局"),
            ("城市精细化管理行动", "呼和浩特市住房和城乡建设局"),
            ("重大项目谋划行动", NDRC)} <= {(r[0], r[1]) for r in rows}, rows


def test_sample_organisations_in_place(built_sample):
    _, rows = both(q("organisations_in_place"), built_sample.ttl_path,
                   params=["placeName=呼和浩特市"])
    got = {r[1]: r for r in rows}
    for r in rows:                                    # document lists come out sorted
        assert r[3].split() == sorted(set(r[3].split())), r
    for name in (NDRC, "呼和浩特市教育局", "呼和浩特市科学技术局"):
        assert name in got, rows
        assert got[name][2] == "government"
        assert D001 in got[name][3].split()


def test_sample_cluster_members(built_sample):
    _, rows = both(q("cluster_members"), built_sample.ttl_path,
                   params=["clusterName=绿色农畜产品加工产业集群"])
    members = {(r[1], r[2]) for r in rows}
    assert ("伊利奶粉三期", "Project") in members, rows
    assert all(D003 in r[3].split() for r in rows if r[1] == "伊利奶粉三期")
    _, rows = both(q("cluster_members"), built_sample.ttl_path,
                   params=["clusterName=新能源产业集群"])
    assert "金山电厂三期" in {r[1] for r in rows}, rows


def test_sample_fact_provenance_points_into_the_source_file(built_sample):
    cols, rows = both(q("fact_provenance"), built_sample.ttl_path,
                      params=["subjectName=殷树刚", "objectName=主任"])
    rec = [dict(zip(cols, r)) for r in rows]
    hits = [r for r in rec if r["relation"] == "holds" and r["objectOrganisation"] == NDRC
            and r["document"] == D001]
    assert hits, rows
    original = (ROOT / "data" / D001).read_text(encoding="utf-8")
    for r in hits:
        assert "殷树刚" in r["sentence"] and "主任" in r["sentence"]
        assert isinstance(r["start"], int) and r["start"] < r["end"]
        span = original[r["origStart"]:r["origEnd"]]
        assert "殷树刚" in span and "主任" in span, span
        assert r["extractor"]
        assert 0 < r["confidence"] <= 1
