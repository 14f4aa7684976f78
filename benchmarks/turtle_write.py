"""graph.ttl written two ways from one built graph: seconds and the peak RSS they add.

    python benchmarks/turtle_write.py OUT/graph.json [--rounds 2]

* ``streamed``: ``kg.rdf.write_turtle`` (what ``kg build`` does: triples straight from the graph,
  sorted runs spilled to temp files, merged);
* ``rdflib``: the path before issue 13's streaming, ``to_turtle(graph_to_rdf(G))``: an rdflib
  Graph of every triple, then the same canonical writer.

Each measurement runs in a fresh child process that first reads the graph (``read_graph``), then
writes; the figure is the RSS growth during the write (``ru_maxrss`` after minus before).  The
two files are compared byte for byte.  Rounds alternate the two ways.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from kg.graph import atomic_write_text, read_graph
from kg.rdf import graph_to_rdf, to_turtle, write_turtle
G = read_graph(sys.argv[2])
r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if sys.argv[1] == "streamed":
    write_turtle(G, sys.argv[3])
else:
    atomic_write_text(sys.argv[3], to_turtle(graph_to_rdf(G)))
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "rss_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - r0) / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("graph_json", type=Path)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-ttl-") as tmp:
        for r in range(args.rounds):
            for way in ("rdflib", "streamed"):
                out = Path(tmp) / f"{way}.ttl"
                res = subprocess.run([sys.executable, "-c", CHILD, way, str(args.graph_json), str(out)],
                                     capture_output=True, text=True, check=True)
                m = json.loads(res.stdout)
                print(f"round {r + 1} {way:9s} {m['seconds']:7.2f} s  +{m['rss_mb']:,.0f} MB peak RSS", flush=True)
        same = filecmp.cmp(Path(tmp) / "rdflib.ttl", Path(tmp) / "streamed.ttl", shallow=False)
        print("files identical" if same else "FILES DIFFER")


if __name__ == "__main__":
    main()
