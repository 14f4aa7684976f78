"""Peak RSS after each post-extraction stage of ``kg build``, from a built output's cache.

    python benchmarks/memory_stages.py CORPUS OUT

``OUT`` is the ``--out`` of an earlier ``kg build CORPUS`` (e.g. ``benchmarks/throughput.py
--keep DIR``: ``DIR/pd98_1000000`` and ``DIR/out_1000000/jobs1``).  The script reads CORPUS,
takes every document's extraction result from ``OUT/.cache`` (matched by document id, so entries
of another code version serve too; the NER model is never loaded), then runs resolution, the
graph and the three writers as ``build()`` does, into a temp directory, and prints ``ru_maxrss``
(MB) after each stage as JSON.  The files written are compared with OUT's.
"""

from __future__ import annotations

import filecmp
import json
import resource
import sys
import tempfile
from pathlib import Path


def rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    import kg.pipeline as P
    from kg.graph import build_graph, write_graph
    from kg.ingest import read_corpus
    from kg.lexicon import Lexicon
    from kg.pipeline import read_cache_entry
    from kg.rdf import write_turtle
    from kg.resolve import resolve

    r = {"imports": rss()}
    docs = read_corpus([corpus])
    r["ingest"] = rss()
    lex = Lexicon.load()
    by_id = {}
    for f in (out / ".cache").glob("*.json"):
        x = read_cache_entry(f)
        if x is not None:
            by_id[x.doc_id] = x
    results = [by_id[d.id] for d in docs]
    del by_id
    r["results"] = rss()
    entities, facts = resolve(docs, results, lex)
    P._fill_orig_offsets(facts, {d.id: d for d in docs})
    r["resolve"] = rss()
    G = build_graph(docs, entities, facts)
    r["graph"] = rss()
    with tempfile.TemporaryDirectory(prefix="kg-mem-") as tmp:
        t = Path(tmp)
        P.write_facts(facts, t / "facts.jsonl")
        r["facts.jsonl"] = rss()
        write_graph(G, t / "graph.json")
        r["graph.json"] = rss()
        write_turtle(G, t / "graph.ttl")
        r["graph.ttl"] = rss()
        r["same_as_out"] = all(filecmp.cmp(t / n, out / n, shallow=False)
                               for n in ("facts.jsonl", "graph.json", "graph.ttl"))
    print(json.dumps(r))


if __name__ == "__main__":
    main()
