"""A big graph, then a small one: does the Neo4j prune converge, and how long does it take?

    python benchmarks/neo4j_prune.py --graph out/graph.json --copies 50

Issue 14's case: the corpus of ``out/`` copied ``--copies`` times under new document names (the
entities are shared, so organisations and people become hubs with one MENTIONED_IN per copy),
loaded, then the original graph loaded over it (prune on).  At e7a79cc the second load failed
every time with ``Neo.ClientError.Statement.EntityNotFound`` on ArcadeDB.  The server is a
throw-away ArcadeDB started by kg.boltserver (-Xmx1g) unless --uri is given (then that database
is WIPED: give a throw-away one).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.graph import read_graph  # noqa: E402
from kg.model import document_id  # noqa: E402
from kg.neo4j_export import Neo4jConfig, load_graph  # noqa: E402


def copies_under_new_names(G: nx.MultiDiGraph, copies: int) -> nx.MultiDiGraph:
    """G with every document also present ``copies - 1`` more times as ``c<i>/<name>``."""
    H = G.copy()
    docs = {n: a for n, a in G.nodes(data=True) if a.get("type") == "Document"}
    for i in range(1, copies):
        rename = {a["name"]: f"c{i}/{a['name']}" for a in docs.values()}
        for n, a in docs.items():
            name = rename[a["name"]]
            H.add_node(document_id(name), **{**a, "name": name, "docs": [name], "path": name})
        for n, a in G.nodes(data=True):
            if a.get("type") != "Document":
                H.nodes[n]["docs"] = sorted(set(H.nodes[n].get("docs") or []) | {rename.get(d, d) for d in a.get("docs") or []})
        for u, v, k, a in G.edges(keys=True, data=True):
            ev = [{**e, "doc": rename.get(e["doc"], e["doc"]), "fact_id": f"{e['fact_id']}-c{i}"} for e in a["evidence"]]
            if k == "mentioned_in":
                H.add_edge(u, document_id(rename[G.nodes[v]["name"]]), key=k, **{**a, "evidence": ev})
            else:
                H.edges[u, v, k]["evidence"] = H.edges[u, v, k]["evidence"] + ev
    return H


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", type=Path, default=ROOT / "out" / "graph.json")
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--uri")
    ap.add_argument("--batch-size", type=int, default=1000)
    args = ap.parse_args()
    small = read_graph(args.graph)
    big = copies_under_new_names(small, args.copies)
    print(f"big: {big.number_of_nodes()} nodes, {big.number_of_edges()} relationships; "
          f"small: {small.number_of_nodes()} nodes, {small.number_of_edges()} relationships")

    def run(config: Neo4jConfig) -> None:
        for name, G in (("big", big), ("small", small), ("small again", small)):
            t = time.perf_counter()
            stats = load_graph(G, config, batch_size=args.batch_size)
            print(f"{name}: {stats} ({time.perf_counter() - t:.1f} s)")

    if args.uri:
        run(Neo4jConfig.from_env(uri=args.uri))
    else:
        from kg.boltserver import BoltServer
        with BoltServer(heap="1g") as server:
            run(server.config())


if __name__ == "__main__":
    main()
