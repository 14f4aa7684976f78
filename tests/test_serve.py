"""kg serve: the SPARQL protocol endpoint, the explorer's JSON API, static files, the originals
store and the CLI (the browser test is tests/test_serve_browser.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.model import document_id
from kg.serve import GraphIndex, ServeError, check_read_only, make_server, negotiate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(built_sample):
    srv = make_server(built_sample.out_dir, "127.0.0.1", 0, max_rows=50)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def fetch(server, path, *, data: bytes | None = None, headers: dict | None = None,
          params: dict | None = None):
    url = server.url.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def api(server, name, **params):
    status, _, body = fetch(server, f"/api/{name}", params=params)
    return status, json.loads(body)


# ---------------------------------------------------------------------------------------------
# SPARQL protocol
# ---------------------------------------------------------------------------------------------
LABELS = "SELECT ?s ?l WHERE { ?s a org:Organization ; skos:prefLabel ?l } ORDER BY ?l LIMIT 7"


def test_sparql_get_json_is_standard_and_matches_kg_sparql(server, built_sample):
    from kg.sparql import run

    status, headers, body = fetch(server, "/sparql", params={"query": LABELS})
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    res = json.loads(body)
    assert res["head"]["vars"] == ["s", "l"]
    b = res["results"]["bindings"]
    assert b[0]["s"]["type"] == "uri" and b[0]["l"] == {"type": "literal", "value": b[0]["l"]["value"],
                                                         "xml:lang": "zh"}
    _, rows = run(LABELS, built_sample.ttl_path)
    assert [(x["s"]["value"], x["l"]["value"]) for x in b] == [tuple(r) for r in rows]


def test_sparql_post_form_and_direct_body_and_formats(server):
    form = urllib.parse.urlencode({"query": LABELS}).encode()
    s1, h1, b1 = fetch(server, "/sparql", data=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert s1 == 200 and h1["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b1.decode("utf-8"))))
    assert rows[0] == ["s", "l"] and len(rows) == 8
    assert b1.decode().count("\r\n") == 8                      # CSV results use CRLF
    s2, h2, b2 = fetch(server, "/sparql", data=LABELS.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"})
    assert s2 == 200 and b2.decode().splitlines()[0] == "?s\t?l"
    assert '"@zh' in b2.decode()
    s3, h3, b3 = fetch(server, "/sparql", params={"query": LABELS},
                       headers={"Accept": "application/sparql-results+xml"})
    assert s3 == 200 and b"<sparql" in b3 and b'xml:lang="zh"' in b3
    s4, _, b4 = fetch(server, "/sparql", params={"query": LABELS, "format": "csv"})
    assert s4 == 200 and b4 == b1
    # Accept with q-values: the preferred supported type wins
    s5, h5, _ = fetch(server, "/sparql", params={"query": LABELS},
                      headers={"Accept": "text/html;q=0.9, text/csv;q=0.8, */*;q=0.1"})
    assert s5 == 200 and h5["Content-Type"].startswith("text/csv")


def test_sparql_ask_and_construct(server):
    s, _, b = fetch(server, "/sparql", params={"query": "ASK { ?s a org:Organization }"})
    assert s == 200 and json.loads(b) == {"head": {}, "boolean": True}
    q = "CONSTRUCT { ?s skos:prefLabel ?l } WHERE { ?s a org:Organization ; skos:prefLabel ?l } LIMIT 3"
    s, h, b = fetch(server, "/sparql", params={"query": q})
    assert s == 200 and h["Content-Type"].startswith("text/turtle")
    import pyoxigraph as ox
    assert len(list(ox.parse(b, format=ox.RdfFormat.TURTLE))) == 3
    s, h, b = fetch(server, "/sparql", params={"query": q}, headers={"Accept": "application/n-triples"})
    assert s == 200 and len(b.decode().strip().splitlines()) == 3


def test_sparql_rows_are_capped(server):
    s, h, b = fetch(server, "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert s == 200
    assert len(json.loads(b)["results"]["bindings"]) == 50
    assert h["X-KG-Truncated"] == "max-rows=50" and h["X-KG-Rows"] == "50"
    s, h, _ = fetch(server, "/sparql", params={"query": LABELS})
    assert "X-KG-Truncated" not in h


@pytest.mark.parametrize("how", ["get-update", "post-update", "post-form-update", "query-text"])
def test_sparql_update_is_refused(server, built_sample, how):
    upd = 'INSERT DATA { <urn:a> <urn:b> "c" }'
    if how == "get-update":
        s, _, b = fetch(server, "/sparql", params={"update": upd})
    elif how == "post-update":
        s, _, b = fetch(server, "/sparql", data=upd.encode(),
                        headers={"Content-Type": "application/sparql-update"})
    elif how == "post-form-update":
        s, _, b = fetch(server, "/sparql", data=urllib.parse.urlencode({"update": upd}).encode(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        s, _, b = fetch(server, "/sparql", params={"query": "PREFIX x: <urn:x#> # note\n" + upd})
    assert s == 403
    assert "read-only" in b.decode()
    s, _, b = fetch(server, "/sparql", params={"query": "ASK { <urn:a> <urn:b> ?c }"})
    assert json.loads(b)["boolean"] is False


def test_sparql_service_is_refused_but_the_word_in_data_is_not(server):
    q = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    s, _, b = fetch(server, "/sparql", params={"query": q})
    assert s == 403 and "SERVICE" in b.decode()
    s, _, _ = fetch(server, "/sparql", params={"query": q.replace("SERVICE", "service silent")})
    assert s == 403
    ok = 'SELECT ?service WHERE { VALUES ?service { "SERVICE" } ?x <urn:SERVICE> ?service } # SERVICE'
    s, _, b = fetch(server, "/sparql", params={"query": ok})
    assert s == 200, b


def test_check_read_only_units():
    check_read_only("PREFIX a: <urn:a> BASE <urn:b> SELECT * WHERE { ?s ?p 'DELETE' }")
    check_read_only('SELECT * WHERE { ?s ?p """\nSERVICE <x> {} """ }')
    for q in ("DELETE WHERE { ?s ?p ?o }", "prefix a: <urn:a>\nclear all", "LOAD <http://x>",
              "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
              "SELECT * { ?s ?p ?o . SERVICE ?endpoint { ?s ?p ?o } }"):
        with pytest.raises(ServeError) as e:
            check_read_only(q)
        assert e.value.status == 403


def test_sparql_errors(server):
    s, _, b = fetch(server, "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert s == 400 and b.decode().startswith("SPARQL syntax error")
    s, _, b = fetch(server, "/sparql", params={"query": LABELS}, headers={"Accept": "image/png"})
    assert s == 406
    s, _, b = fetch(server, "/sparql", params={"query": ""})
    assert s == 400 and "no query" in b.decode()
    s, _, b = fetch(server, "/sparql", data=b"x", headers={"Content-Type": "text/plain"})
    assert s == 415
    s, _, _ = fetch(server, "/sparql", params={"query": LABELS, "default-graph-uri": "urn:g"})
    assert s == 400


def test_negotiate_units():
    assert negotiate(None, None, False) == "json"
    assert negotiate("*/*", None, True) == "turtle"
    assert negotiate("application/json", None, False) == "json"
    assert negotiate("text/csv", "xml", False) == "xml"
    with pytest.raises(ServeError):
        negotiate(None, "turtle", False)


# ---------------------------------------------------------------------------------------------
# explorer API
# ---------------------------------------------------------------------------------------------
def test_search_by_alias_in_traditional_script(server, built_sample):
    G = built_sample.graph
    s, res = api(server, "search", q="市工業和信息化局")       # an alias, in Traditional script
    assert s == 200
    top = res["results"][0]
    assert top["match"] == "exact"
    assert "市工业和信息化局" in G.nodes[top["id"]]["aliases"]
    s, res = api(server, "search", q="殷樹剛")
    assert [r["name"] for r in res["results"]][:1] == ["殷树刚"]
    s, res = api(server, "search", q="呼和浩特市", types="Organization")
    assert res["results"] and all(r["type"] == "Organization" for r in res["results"])
    assert res["results"][0]["match"] in ("exact", "prefix")
    assert api(server, "search", q="   ")[1]["results"] == []


def test_neighbourhood_and_filters(server, built_sample):
    G = built_sample.graph
    org = api(server, "search", q="呼和浩特市工业和信息化局")[1]["results"][0]["id"]
    s, nb = api(server, "neighbourhood", id=org)
    assert s == 200 and nb["center"] == org
    ids = {n["id"] for n in nb["nodes"]}
    expected = {v for _, v, k in G.out_edges(org, keys=True) if k != "mentioned_in"}
    expected |= {u for u, _, k in G.in_edges(org, keys=True) if k != "mentioned_in"}
    assert ids == expected | {org}
    assert all(G.has_edge(e["source"], e["target"], e["relation"]) for e in nb["edges"])
    assert not any(n["type"] == "Document" for n in nb["nodes"])
    _, only = api(server, "neighbourhood", id=org, relations="leads_action")
    assert {e["relation"] for e in only["edges"]} == {"leads_action"}
    _, places = api(server, "neighbourhood", id=org, types="Place")
    assert {n["type"] for n in places["nodes"] if not n["center"]} == {"Place"}
    _, docs = api(server, "neighbourhood", id=org, documents=1)
    assert any(n["type"] == "Document" for n in docs["nodes"])
    _, two = api(server, "neighbourhood", id=org, depth=2)
    assert len(two["nodes"]) > len(nb["nodes"])
    assert api(server, "neighbourhood", id="nope")[0] == 404


def test_every_evidence_span_is_highlighted_in_the_original(built_sample):
    """The store written at build time gives, for every edge's evidence, a mark that is the
    original text at orig_start:orig_end (what the explorer shows)."""
    idx = GraphIndex(built_sample.out_dir)
    originals = {d.id: d.original for d in built_sample.result.docs}
    checked = 0
    for u, v, k, a in built_sample.graph.edges(keys=True, data=True):
        if k == "mentioned_in":
            continue
        for ev in idx.edge(u, v, k)["evidence"]:
            d = idx.document(ev["document"], ev["orig_start"], ev["orig_end"])
            assert "error" not in d
            assert "".join(s["text"] for s in d["segments"]) == originals[ev["doc"]]
            marks = [s["text"] for s in d["segments"] if s["mark"]]
            assert marks == [originals[ev["doc"]][ev["orig_start"]:ev["orig_end"]]]
            checked += 1
    assert checked > 100


def test_edge_and_document_api(server, built_sample):
    G = built_sample.graph
    u, v, k = next((u, v, k) for u, v, k in G.edges(keys=True) if k == "holds")
    s, e = api(server, "edge", source=u, target=v, relation=k)
    assert s == 200 and e["evidence"] and e["source_node"]["id"] == u
    ev = e["evidence"][0]
    assert ev["document"] == document_id(ev["doc"])
    s, d = api(server, "document", id=ev["doc"], start=ev["orig_start"], end=ev["orig_end"])
    assert s == 200 and d["span"] == [ev["orig_start"], ev["orig_end"]]
    s, d = api(server, "document", id=ev["document"], start=10**9, end=10**9 + 1)
    assert "outside" in d["error"] and len(d["segments"]) == 1
    assert api(server, "edge", source=u, target=v, relation="part_of")[0] == 404
    assert api(server, "document", id="nope.txt")[0] == 404
    assert api(server, "document", id=ev["document"], start="x")[0] == 400
    s, n = api(server, "node", id=u)
    assert s == 200 and n["type"] == "Person"


def test_queries_stats_and_static(server):
    s, qs = api(server, "queries")
    names = {q["name"] for q in qs}
    assert {"post_holders", "posts_of_person", "fact_provenance"} <= names
    assert all(q["question"].endswith("?") for q in qs)
    s, st = api(server, "stats")
    assert st["nodes"]["Person"] > 0 and "holds" in st["edges"]
    s, h, b = fetch(server, "/")
    assert s == 200 and b"cytoscape.min.js" in b and h["Content-Type"].startswith("text/html")
    s, h, b = fetch(server, "/static/vendor/cytoscape.min.js")
    assert s == 200 and len(b) > 100_000
    s, _, b = fetch(server, "/static/vendor/cytoscape.LICENSE")
    assert s == 200 and b"Cytoscape Consortium" in b
    for bad in ("/static/../serve.py", "/static/%2e%2e/serve.py", "/nope", "/api/nope"):
        assert fetch(server, bad)[0] == 404
    s, h, _ = fetch(server, "/sparql")
    assert s == 200 or s == 303   # a plain visit is sent to the query panel


def test_graph_reloaded_after_rebuild(tmp_path, built_sample):
    out = tmp_path / "out"
    shutil.copytree(built_sample.out_dir, out, ignore=shutil.ignore_patterns(".cache"))
    srv = make_server(out, "127.0.0.1", 0)
    try:
        first = srv.index()
        assert srv.index() is first
        p = out / "graph.json"
        p.write_text(p.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert srv.index() is not first
    finally:
        srv.server_close()


# ---------------------------------------------------------------------------------------------
# originals store
# ---------------------------------------------------------------------------------------------
def test_originals_store_and_fallback(tmp_path, built_sample):
    from kg.originals import OriginalUnavailable, read_original

    store = built_sample.out_dir / "originals"
    docs = built_sample.result.docs
    assert sorted(p.name for p in store.iterdir()) == sorted(f"{d.sha256}.txt" for d in docs)
    G = built_sample.graph
    node = G.nodes[document_id(docs[0].id)]
    assert read_original(built_sample.out_dir, node) == docs[0].original
    # no store (a graph built before it existed): read the source file, checked by sha256
    assert read_original(tmp_path, node) == docs[0].original
    moved = tmp_path / "changed.txt"
    moved.write_text("changed", encoding="utf-8")
    with pytest.raises(OriginalUnavailable, match="changed since"):
        read_original(tmp_path, {**node, "path": str(moved)})
    with pytest.raises(OriginalUnavailable, match="rebuild"):
        read_original(tmp_path, {**node, "path": str(tmp_path / "gone.txt")})


def test_build_prunes_stale_originals(tmp_path):
    from kg.ingest import prepare_text
    from kg.originals import prune_originals, write_originals

    a, b = prepare_text("甲文。", "a.txt"), prepare_text("乙文。", "b.txt")
    write_originals([a, b], tmp_path)
    assert len(list(tmp_path.iterdir())) == 2
    (tmp_path / "keep-me.md").write_text("x")
    assert prune_originals(tmp_path, [a.sha256]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{a.sha256}.txt", "keep-me.md"])


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------
def test_cli_serve_errors_are_one_line(tmp_path):
    from kg.cli import app

    res = CliRunner().invoke(app, ["serve", str(tmp_path / "none")])
    assert res.exit_code == 1
    assert "no such file" in res.output and "kg build" in res.output
    assert "Traceback" not in res.output


def test_make_server_port_in_use(server, built_sample):
    port = server.server_address[1]
    with pytest.raises(ServeError, match="cannot listen"):
        make_server(built_sample.out_dir, "127.0.0.1", port)


def test_cors_only_when_asked(server, built_sample):
    _, h, _ = fetch(server, "/sparql", params={"query": LABELS})
    assert "Access-Control-Allow-Origin" not in h
    srv = make_server(built_sample.out_dir, "127.0.0.1", 0, cors="*")
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        _, h, _ = fetch(srv, "/sparql", params={"query": LABELS})
        assert h["Access-Control-Allow-Origin"] == "*"
        req = urllib.request.Request(srv.url + "sparql", method="OPTIONS")
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 204 and "POST" in r.headers["Access-Control-Allow-Methods"]
    finally:
        srv.shutdown()
        srv.server_close()


def test_cli_serve_runs_and_answers(built_sample):
    """`kg serve OUT --port 0` in its own process: prints its URL, answers, stops on SIGINT."""
    import re
    import signal
    import subprocess
    import sys

    # Python keeps an inherited SIG_IGN for SIGINT (a shell starts background jobs that way, so a
    # suite run with `&` or nohup would hang here): give the server the handler a terminal's
    # Ctrl-C finds, then run the CLI as `kg serve` does
    boot = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "sys.argv[0] = 'kg'; from kg.cli import main; main()")
    proc = subprocess.Popen([sys.executable, "-c", boot, "serve", str(built_sample.out_dir),
                             "--port", "0"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"explorer (http://127\.0\.0\.1:\d+/)", line)
        assert m, line
        with urllib.request.urlopen(m.group(1) + "api/stats", timeout=10) as r:
            assert json.load(r)["nodes"]["Person"] > 0
        with urllib.request.urlopen(m.group(1) + "sparql?format=csv&query="
                                    + urllib.parse.quote("ASK { ?s ?p ?o }"), timeout=10) as r:
            assert r.read().decode().split() == ["_askResult", "true"]
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
