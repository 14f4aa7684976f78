"""Benchmark kg's Neo4j loader against a naive per-row MERGE loader on the same Bolt server.

    python benchmarks/neo4j_load.py                      # scale out/graph.json (or a synthetic graph) x100
    python benchmarks/neo4j_load.py --graph out/graph.json --scale 100

The server is a throw-away ArcadeDB started by kg.boltserver (-Xmx1g) unless --uri is given
(then that database is WIPED: give a throw-away one).  Prints, for the scaled graph:

* kg loader, fresh database: nodes/s and relationships/s (kg.neo4j_export.load_graph);
* kg loader, second load of the same graph: seconds and rows written (should be 0);
* bare batched ``UNWIND $rows AS row MERGE (n:Person:Entity {id: row.id}) SET ...`` with kg's
  labels, and the ceiling: the same on the primary label only (``MERGE (n:Person {id: ...})``,
  a simpler data model), relationships ``MATCH``+``MERGE`` as kg; no diff read, no checks;
* naive: one auto-commit ``MERGE`` per row (same properties and relationship statements), on
  one copy of the sample written into a database that already holds the other copies, with
  kg's labels and with the primary label only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.boltserver import BoltServer  # noqa: E402
from kg.model import document_id, post_id, stable_id  # noqa: E402
from kg.neo4j_export import (  # noqa: E402
    REL_PROPS,
    Neo4jConfig,
    _node_props,
    load_graph,
    plan_graph,
)


# ---------------------------------------------------------------------------------------------
# graphs
# ---------------------------------------------------------------------------------------------
def synthetic_sample(seed: int = 7) -> nx.MultiDiGraph:
    """A graph with the shape of the 5-document sample (used when no built graph exists)."""
    rnd = random.Random(seed)
    G = nx.MultiDiGraph()
    docs = [f"{i:03d}_sample.txt" for i in range(5)]
    for d in docs:
        G.add_node(document_id(d), type="Document", name=d, aliases=[], subtype=None, docs=[d],
                   path=f"data/{d}", sha256="0" * 64, encoding="utf-8", chars=2000)

    def ent(type_, i, subtype=None):
        nid = stable_id(type_, f"{type_}{i}")
        ds = sorted(rnd.sample(docs, rnd.choice([1, 1, 1, 2])))
        G.add_node(nid, type=type_, name=f"{type_}名称{i}", aliases=[f"别名{i}"] if i % 3 == 0 else [],
                   subtype=subtype, docs=ds)
        return nid

    def edge(u, v, rel):
        d = G.nodes[u]["docs"][0]
        n = rnd.choice([1, 1, 2])
        evidence = [{"fact_id": stable_id("Fact", f"{u}{v}{rel}{k}"), "doc": d, "sentence_index": k,
                     "sentence": "某某同志任呼和浩特市发展和改革委员会主任，负责乳业产业集群建设。" * 2,
                     "start": 3 * k, "end": 3 * k + 12, "orig_start": 3 * k, "orig_end": 3 * k + 12,
                     "extractor": "rule", "confidence": 0.9} for k in range(n)]
        G.add_edge(u, v, key=rel, relation=rel, confidence=0.9, evidence=evidence)

    subtypes = ["government"] * 4 + ["party", "enterprise", "enterprise", "other"]
    orgs = [ent("Organization", i, subtypes[i % len(subtypes)]) for i in range(40)]
    persons = [ent("Person", i) for i in range(25)]
    places = [ent("Place", i) for i in range(10)]
    projects = [ent("Project", i) for i in range(6)]
    actions = [ent("Action", i) for i in range(8)]
    clusters = [ent("Cluster", i) for i in range(4)]
    for i, p in enumerate(persons + persons[:5]):
        org = orgs[i % 20]
        title = ["主任", "局长", "书记", "副市长"][i % 4]
        pid = post_id(org, title)
        if pid not in G:
            G.add_node(pid, type="Post", name=title, title=title, org=org, aliases=[], subtype=None,
                       docs=G.nodes[org]["docs"])
            edge(pid, org, "post_in")
        edge(p, pid, "holds")
    for i, a in enumerate(actions):
        edge(orgs[i], a, "leads_action")
    for i in range(10):
        edge(orgs[20 + i], clusters[i % 4], "in_cluster")
    for i, pr in enumerate(projects):
        edge(pr, clusters[i % 4], "in_cluster")
        edge(pr, places[i % 10], "located_in")
    for i in range(10):
        edge(orgs[i + 1], orgs[0], "part_of")
        edge(orgs[20 + i], places[i], "located_in")
    for n, a in list(G.nodes(data=True)):
        if a["type"] != "Document":
            for d in a["docs"]:
                edge(n, document_id(d), "mentioned_in")
    return G


def scale_graph(G: nx.MultiDiGraph, times: int, first: int = 0) -> nx.MultiDiGraph:
    """Copies ``first``..``times-1`` of G, disjoint; ids (and doc names) suffixed ``-x<copy>``."""
    H = nx.MultiDiGraph()
    for i in range(first, times):
        sfx = f"-x{i}"
        for n, a in G.nodes(data=True):
            b = dict(a)
            b["docs"] = [d + sfx for d in a.get("docs") or []]
            if a.get("type") == "Document":
                b["name"] = a["name"] + sfx
            if a.get("org"):
                b["org"] = a["org"] + sfx
            H.add_node(n + sfx, **b)
        for u, v, k, a in G.edges(keys=True, data=True):
            b = dict(a)
            b["evidence"] = [{**e, "doc": e["doc"] + sfx, "fact_id": e["fact_id"] + sfx} for e in a.get("evidence") or []]
            H.add_edge(u + sfx, v + sfx, key=k, **b)
    return H


# ---------------------------------------------------------------------------------------------
# reference loaders on the same server
# ---------------------------------------------------------------------------------------------
def wipe(driver, database):
    with driver.session(database=database) as s:
        while s.execute_write(lambda tx: tx.run(
                "MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS c").single()["c"]):
            pass


def ceiling_load(driver, database, G, batch_size, all_labels=False):
    """Bare batched MERGE of the same rows (no diff read, no checks): what the server can do.

    ``all_labels``: MERGE on every label of the node (n:Person:Entity ...), as kg stores them;
    else on the primary label only (a simpler data model without :Entity / subtype labels).
    """
    plan = plan_graph(G)
    t0 = time.perf_counter()
    with driver.session(database=database) as s:
        for labels, rows in plan.nodes.items():
            props = _node_props(labels[0])
            merge_labels = ":".join(labels) if all_labels else labels[0]
            stmt = (f"UNWIND $rows AS row MERGE (n:{merge_labels} {{id: row.id}}) SET "
                    + ", ".join(f"n.{p} = row.{p}" for p in props))
            for i in range(0, len(rows), batch_size):
                s.execute_write(lambda tx, b=rows[i:i + batch_size]: tx.run(stmt, rows=b).consume())
    tn = time.perf_counter() - t0
    t0 = time.perf_counter()
    with driver.session(database=database) as s:
        for (rel, src, dst), rows in plan.rels.items():
            stmt = (f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}}) MATCH (b:{dst} {{id: row.dst}}) "
                    f"MERGE (a)-[r:{rel}]->(b) SET " + ", ".join(f"r.{p} = row.{p}" for p in (*REL_PROPS, "kg_hash")))
            for i in range(0, len(rows), batch_size):
                s.execute_write(lambda tx, b=rows[i:i + batch_size]: tx.run(stmt, rows=b).consume())
    tr = time.perf_counter() - t0
    return plan.node_count / tn, plan.rel_count / tr


def naive_load(driver, database, G, all_labels=True):
    """One auto-commit MERGE per row (same properties and relationship statements as kg).

    ``all_labels``: MERGE on kg's labels (n:Person:Entity ...); else on the primary label only.
    """
    plan = plan_graph(G)
    node_rows = [(labels, r) for labels, rows in plan.nodes.items() for r in rows]
    rel_rows = [(g, r) for g, rows in plan.rels.items() for r in rows]
    t0 = time.perf_counter()
    with driver.session(database=database) as s:
        for labels, r in node_rows:
            props = _node_props(labels[0])
            merge_labels = ":".join(labels) if all_labels else labels[0]
            s.run(f"MERGE (n:{merge_labels} {{id: $id}}) SET " + ", ".join(f"n.{p} = ${p}" for p in props),
                  **r).consume()
    tn = time.perf_counter() - t0
    t0 = time.perf_counter()
    with driver.session(database=database) as s:
        for (rel, src, dst), r in rel_rows:
            s.run(f"MATCH (a:{src} {{id: $src}}) MATCH (b:{dst} {{id: $dst}}) MERGE (a)-[r:{rel}]->(b) SET "
                  + ", ".join(f"r.{p} = ${p}" for p in (*REL_PROPS, "kg_hash")), **r).consume()
    tr = time.perf_counter() - t0
    return len(node_rows) / tn, len(rel_rows) / tr


# ---------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", type=Path, default=None, help="graph.json to scale (default: out/graph.json, else synthetic)")
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--uri", default=None, help="use this server (its database is WIPED) instead of ArcadeDB")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password", default="")
    ap.add_argument("--database", default=None)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--warmup-max", type=int, default=8, help="at most this many x10 warm-up loads")
    args = ap.parse_args()

    import neo4j

    src = args.graph or (ROOT / "out" / "graph.json")
    if src.exists():
        from kg.graph import read_graph

        base, origin = read_graph(src), str(src)
    else:
        base, origin = synthetic_sample(), "synthetic sample-shaped graph"
    G = scale_graph(base, args.scale)
    print(f"graph: {origin}: {base.number_of_nodes()} nodes, {base.number_of_edges()} edges; "
          f"x{args.scale} = {G.number_of_nodes()} nodes, {G.number_of_edges()} relationships", flush=True)

    server = None
    if args.uri:
        config = Neo4jConfig(args.uri, args.user, args.password, args.database)
    else:
        server = BoltServer(heap="1g").start()
        config = server.config()
    results: dict[str, object] = {"graph": origin, "scale": args.scale, "nodes": G.number_of_nodes(),
                                  "relationships": G.number_of_edges(), "batch_size": args.batch_size}
    try:
        driver = neo4j.GraphDatabase.driver(config.uri, auth=(config.user, config.password))
        agent = driver.get_server_info().agent
        results["server"] = agent
        print(f"server: {agent} at {config.uri}", flush=True)

        # Warm the server's JVM (JIT) on throw-away x10 copies until two consecutive loads agree
        # within 15% (at least 3, at most --warmup-max), then start clean.  A cold ArcadeDB runs
        # its first ~60k rows 2-3x slower than later ones.
        warm = scale_graph(base, 10)
        rates: list[float] = []
        for _ in range(args.warmup_max):
            st = load_graph(warm, config)
            wipe(driver, config.database)
            rates.append(st.rels_per_s)
            if len(rates) >= 3 and abs(rates[-1] - rates[-2]) <= 0.15 * rates[-2]:
                break
        print("warm-up loads (x10), rels/s: " + ", ".join(f"{r:.0f}" for r in rates), flush=True)
        results["warmup_rels_per_s"] = [round(r) for r in rates]

        s1 = load_graph(G, config, batch_size=args.batch_size)
        print(f"kg loader, fresh:   {s1}", flush=True)
        s2 = load_graph(G, config, batch_size=args.batch_size)
        print(f"kg loader, again:   {s2}", flush=True)
        results["kg_nodes_per_s"] = round(s1.nodes_per_s)
        results["kg_rels_per_s"] = round(s1.rels_per_s)
        results["kg_seconds"] = round(s1.seconds, 2)
        results["second_load_seconds"] = round(s2.seconds, 2)
        results["second_load_written"] = s2.nodes_written + s2.relationships_written + s2.nodes_deleted + s2.relationships_deleted

        wipe(driver, config.database)
        ln, lr = ceiling_load(driver, config.database, G, args.batch_size, all_labels=True)
        print(f"bare batched MERGE, kg's labels: {ln:.0f} nodes/s, {lr:.0f} rels/s", flush=True)
        results["merge_all_labels_nodes_per_s"], results["merge_all_labels_rels_per_s"] = round(ln), round(lr)
        wipe(driver, config.database)
        cn, cr = ceiling_load(driver, config.database, G, args.batch_size)
        print(f"bare batched MERGE, primary label only (ceiling): {cn:.0f} nodes/s, {cr:.0f} rels/s", flush=True)
        results["ceiling_nodes_per_s"], results["ceiling_rels_per_s"] = round(cn), round(cr)

        # naive, at the same scale: the database holds copies 1..N-1 (loaded by kg, not timed),
        # the naive loader writes copy 0 row by row
        wipe(driver, config.database)
        load_graph(scale_graph(base, args.scale, first=1), config)
        part = scale_graph(base, 1)
        nn, nr = naive_load(driver, config.database, part, all_labels=True)
        print(f"naive per-row MERGE, kg's labels ({part.number_of_nodes()} nodes, {part.number_of_edges()} rels "
              f"into a database of the full size): {nn:.0f} nodes/s, {nr:.0f} rels/s", flush=True)
        with driver.session(database=config.database) as s:
            for labels, rows in plan_graph(part).nodes.items():
                s.run(f"UNWIND $ids AS id MATCH (n:{labels[0]} {{id: id}}) DETACH DELETE n",
                      ids=[r["id"] for r in rows]).consume()
        pn, pr = naive_load(driver, config.database, part, all_labels=False)
        print(f"naive per-row MERGE, primary label only: {pn:.0f} nodes/s, {pr:.0f} rels/s", flush=True)
        results["naive_nodes_per_s"], results["naive_rels_per_s"] = round(nn), round(nr)
        results["naive_primary_label_nodes_per_s"], results["naive_primary_label_rels_per_s"] = round(pn), round(pr)
        nr = max(nr, pr)  # same relationship statements both times: compare with the faster
        results["speedup_nodes"] = round(s1.nodes_per_s / nn, 1)
        results["speedup_nodes_vs_primary_label_naive"] = round(s1.nodes_per_s / pn, 1)
        results["speedup_rels"] = round(s1.rels_per_s / nr, 1)
        results["of_ceiling_nodes"] = round(s1.nodes_per_s / cn, 2)
        results["of_ceiling_rels"] = round(s1.rels_per_s / cr, 2)
        print(f"kg vs naive: x{results['speedup_nodes']} nodes (x{results['speedup_nodes_vs_primary_label_naive']} vs "
              f"primary-label naive), x{results['speedup_rels']} rels; "
              f"kg vs ceiling: {results['of_ceiling_nodes']:.0%} nodes, {results['of_ceiling_rels']:.0%} rels")
        wipe(driver, config.database)
        driver.close()
    finally:
        if server is not None:
            server.stop()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
