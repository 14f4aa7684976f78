"""kg's Neo4j loader on the People's Daily 1998 graph (1M chars) against the server's batched ceiling.

    python benchmarks/neo4j_scale.py                          # build the 1M corpus, then measure
    python benchmarks/neo4j_scale.py --graph /tmp/tp/out_1M   # an existing `kg build` output (or graph.json)
    python benchmarks/neo4j_scale.py --graph OUT --python-packer   # without the driver's Rust packer

Without ``--graph`` it writes the corpus of ``benchmarks/throughput.py`` (same seeded article
selection, one file per article) for ``--size`` characters and runs a cold ``kg build`` on it
(``--keep DIR`` keeps corpus and output).  Then, on one throw-away ArcadeDB Bolt server
(kg.boltserver, ``-Xmx1g``), warmed up until two loads of the graph agree within 15 %:

* kg's loader as a user runs it: a child process that reads ``graph.json`` and calls
  ``load_graph`` on an empty database (what ``kg neo4j load`` does, without the progress bar):
  nodes/s and relationships/s of its node and relationship phases, the whole load's seconds,
  and the process's peak RSS (its own VmHWM, also after the imports and after reading the
  graph; not ``os.wait4``'s ru_maxrss, which counts this benchmark's RSS at the fork: Linux
  keeps the high-water mark across exec); then a second load of the same graph (writes 0 rows);
* the server's own batched ceiling, measured as ``benchmarks/neo4j_load.py`` does: bare
  ``UNWIND $rows AS row MERGE`` batches of the same rows, on the primary label only and with
  kg's labels, each on an empty database;
* ``--rounds`` repeats both (interleaved, so a change of machine load hits both) and the report
  gives the median of each figure;
* ``--scales 1,2``: the loader (one run each) also on 2 disjoint copies of the graph, to show
  how its peak RSS grows with the graph;
* the server JVM's peak RSS (VmHWM) at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from neo4j_load import ceiling_load, scale_graph, wipe  # noqa: E402
from throughput import PD98, parse_size, read_articles, run_child, select_articles  # noqa: E402

from kg.boltserver import BoltServer  # noqa: E402
from kg.neo4j_export import load_graph, read_built_graph  # noqa: E402

MB = 2**20

# The loader as its own process: reads graph.json, loads it (settings from NEO4J_*), prints JSON.
LOADER = r"""
import json, resource, sys, time
if "--python-packer" in sys.argv:
    sys.modules["neo4j._rust"] = None        # the driver falls back to its pure-Python packer
from pathlib import Path
import neo4j, networkx
from neo4j._codec.packstream.v1 import _rust_pack
from kg.neo4j_export import Neo4jConfig, load_graph, read_built_graph

def hwm():   # VmHWM: this process's own peak (ru_maxrss also counts the parent's RSS at the fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

base = hwm()
t0 = time.perf_counter()
G = read_built_graph(Path(sys.argv[1]))
read_s, after_read, c0 = time.perf_counter() - t0, hwm(), cpu()
st = load_graph(G, Neo4jConfig.from_env(), batch_size=int(sys.argv[2]))
print(json.dumps({"nodes": st.nodes, "relationships": st.relationships,
                  "written": st.nodes_written + st.relationships_written + st.nodes_deleted + st.relationships_deleted,
                  "nodes_per_s": st.nodes_per_s, "rels_per_s": st.rels_per_s, "node_seconds": st.node_seconds,
                  "relationship_seconds": st.relationship_seconds, "load_seconds": st.seconds,
                  "load_cpu_seconds": cpu() - c0, "read_seconds": read_s, "rss_after_imports": base,
                  "rss_after_read": after_read, "peak_rss": hwm(), "rust_packer": _rust_pack is not None}))
"""


def run_loader(graph: Path, config, batch_size: int, python_packer: bool) -> dict:
    env = dict(os.environ, NEO4J_URI=config.uri, NEO4J_USER=config.user, NEO4J_PASSWORD=config.password,
               NEO4J_DATABASE=config.database or "")
    argv = [sys.executable, "-c", LOADER, str(graph), str(batch_size)]
    if python_packer:
        argv.append("--python-packer")
    wall, _, out = run_child(argv, env=env)   # not wait4's ru_maxrss: it includes our RSS at the fork
    r = json.loads(out)
    r.update(process_seconds=wall)
    return r


def build_corpus(size: int, base: Path) -> Path:
    """The corpus of benchmarks/throughput.py for ``size`` chars, built cold; returns OUT."""
    corpus, out = base / f"pd98_{size}", base / f"out_{size}"
    if (out / "graph.json").exists():
        print(f"reusing {out}/graph.json", flush=True)
        return out
    corpus.mkdir(parents=True, exist_ok=True)
    sel = select_articles(read_articles(PD98), size)
    for aid, text in sel:
        (corpus / f"{aid}.txt").write_text(text, encoding="utf-8")
    print(f"corpus: {len(sel)} files, {sum(len(t) for _, t in sel):,} chars; kg build ...", flush=True)
    wall, rss, _ = run_child([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out), "--json"])
    print(f"kg build: {wall:.0f} s, peak RSS {rss / MB:,.0f} MB", flush=True)
    return out


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", type=Path, default=None, help="kg build output dir or graph.json (default: build)")
    ap.add_argument("--size", default="1M", help="corpus size in chars when building (default 1M)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the corpus and build output here")
    ap.add_argument("--rounds", type=int, default=2, help="kg / ceiling rounds, interleaved (default 2)")
    ap.add_argument("--scales", default="1,2", help="copies of the graph the loader's memory is measured on")
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--heap", default="1g", help="server JVM -Xmx (default 1g)")
    ap.add_argument("--python-packer", action="store_true",
                    help="the loader without the driver's Rust packer (neo4j-rust-ext), for comparison")
    ap.add_argument("--warmup-max", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = ap.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]

    import neo4j

    with tempfile.TemporaryDirectory(prefix="kg-neo4j-scale-") as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        src = args.graph or build_corpus(parse_size(args.size), base)
        graph_file = src / "graph.json" if src.is_dir() else src
        G = read_built_graph(src)
        res: dict = {"graph": str(graph_file), "nodes": G.number_of_nodes(),
                     "relationships": G.number_of_edges(), "batch_size": args.batch_size,
                     "heap": args.heap, "python_packer": args.python_packer}
        print(f"graph: {graph_file}: {res['nodes']:,} nodes, {res['relationships']:,} relationships", flush=True)
        scaled: dict[int, Path] = {1: graph_file}
        for s in scales:
            if s != 1:
                from kg.graph import write_graph

                scaled[s] = write_graph(scale_graph(G, s), base / f"graph_x{s}.json")

        with BoltServer(heap=args.heap) as server:
            config = server.config()
            driver = neo4j.GraphDatabase.driver(config.uri, auth=(config.user, config.password))
            db = config.database
            res["server"] = driver.get_server_info().agent
            rates: list[float] = []
            for _ in range(args.warmup_max):
                rates.append(load_graph(G, config).rels_per_s)
                wipe(driver, db)
                if len(rates) >= 2 and abs(rates[-1] - rates[-2]) <= 0.15 * rates[-2]:
                    break
            res["warmup_rels_per_s"] = [round(r) for r in rates]
            print("warm-up loads, rels/s: " + ", ".join(f"{r:.0f}" for r in rates), flush=True)

            kg, again, ceil, ceil_all = [], [], [], []
            for r in range(args.rounds):
                wipe(driver, db)
                kg.append(run_loader(graph_file, config, args.batch_size, args.python_packer))
                again.append(run_loader(graph_file, config, args.batch_size, args.python_packer))
                k = kg[-1]
                print(f"round {r + 1}: kg {k['nodes_per_s']:,.0f} nodes/s, {k['rels_per_s']:,.0f} rels/s, "
                      f"load {k['load_seconds']:.1f} s ({k['load_cpu_seconds']:.1f} s client CPU), "
                      f"peak RSS {k['peak_rss'] / MB:,.0f} MB; second load {again[-1]['load_seconds']:.1f} s, "
                      f"{again[-1]['written']} rows written", flush=True)
                for all_labels, out in ((False, ceil), (True, ceil_all)):
                    wipe(driver, db)
                    n, rel = ceiling_load(driver, db, G, args.batch_size, all_labels=all_labels)
                    out.append({"nodes_per_s": n, "rels_per_s": rel})
                print(f"round {r + 1}: ceiling (primary label) {ceil[-1]['nodes_per_s']:,.0f} nodes/s, "
                      f"{ceil[-1]['rels_per_s']:,.0f} rels/s; kg's labels {ceil_all[-1]['nodes_per_s']:,.0f} "
                      f"nodes/s, {ceil_all[-1]['rels_per_s']:,.0f} rels/s", flush=True)
            res.update(
                rust_packer=kg[0]["rust_packer"],
                kg_nodes_per_s=round(med(kg, "nodes_per_s")), kg_rels_per_s=round(med(kg, "rels_per_s")),
                kg_load_seconds=round(med(kg, "load_seconds"), 2),
                kg_load_cpu_seconds=round(med(kg, "load_cpu_seconds"), 2),
                kg_process_seconds=round(med(kg, "process_seconds"), 2),
                kg_read_seconds=round(med(kg, "read_seconds"), 2),
                loader_peak_rss_mb=round(max(k["peak_rss"] for k in kg) / MB),
                loader_rss_after_imports_mb=round(kg[0]["rss_after_imports"] / MB),
                loader_rss_after_read_mb=round(kg[0]["rss_after_read"] / MB),
                second_load_seconds=round(med(again, "load_seconds"), 2),
                second_load_written=max(a["written"] for a in again),
                ceiling_nodes_per_s=round(med(ceil, "nodes_per_s")), ceiling_rels_per_s=round(med(ceil, "rels_per_s")),
                merge_all_labels_nodes_per_s=round(med(ceil_all, "nodes_per_s")),
                merge_all_labels_rels_per_s=round(med(ceil_all, "rels_per_s")),
                rounds=[{"kg": k, "again": a, "ceiling": c, "merge_all_labels": ca}
                        for k, a, c, ca in zip(kg, again, ceil, ceil_all)],
            )
            res["of_ceiling_nodes"] = round(res["kg_nodes_per_s"] / res["ceiling_nodes_per_s"], 2)
            res["of_ceiling_rels"] = round(res["kg_rels_per_s"] / res["ceiling_rels_per_s"], 2)

            res["scales"] = {}
            for s in scales:
                if s == 1:
                    k = kg[0]
                else:
                    wipe(driver, db)
                    k = run_loader(scaled[s], config, args.batch_size, args.python_packer)
                res["scales"][s] = {"nodes": k["nodes"], "relationships": k["relationships"],
                                    "peak_rss_mb": round(k["peak_rss"] / MB),
                                    "rss_after_read_mb": round(k["rss_after_read"] / MB),
                                    "rels_per_s": round(k["rels_per_s"]), "nodes_per_s": round(k["nodes_per_s"])}
            res["server_memory_mb"] = {k: round(v / MB) for k, v in server.memory().items()}
            wipe(driver, db)
            driver.close()

    print(f"kg loader ({'Rust' if res['rust_packer'] else 'pure-Python'} packer), median of {args.rounds}: "
          f"{res['kg_nodes_per_s']:,} nodes/s, {res['kg_rels_per_s']:,} rels/s; whole load "
          f"{res['kg_load_seconds']} s, {res['kg_load_cpu_seconds']} s of it client CPU; process "
          f"{res['kg_process_seconds']} s (reading graph.json {res['kg_read_seconds']} s)")
    print(f"ceiling (bare batched MERGE, primary label): {res['ceiling_nodes_per_s']:,} nodes/s, "
          f"{res['ceiling_rels_per_s']:,} rels/s; with kg's labels: {res['merge_all_labels_nodes_per_s']:,} "
          f"nodes/s, {res['merge_all_labels_rels_per_s']:,} rels/s")
    print(f"kg / ceiling: {res['of_ceiling_nodes']:.0%} nodes, {res['of_ceiling_rels']:.0%} rels; "
          f"second load {res['second_load_seconds']} s, {res['second_load_written']} rows written")
    for s, m in res["scales"].items():
        print(f"loader x{s} ({m['nodes']:,} nodes, {m['relationships']:,} rels): peak RSS {m['peak_rss_mb']} MB "
              f"(after reading the graph {m['rss_after_read_mb']} MB; after imports "
              f"{res['loader_rss_after_imports_mb']} MB), {m['rels_per_s']:,} rels/s")
    print(f"server JVM (-Xmx{args.heap}): peak RSS {res['server_memory_mb'].get('peak_rss', '?')} MB")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
