"""Time the stages of ``kg build`` that do not run the models, on one corpus's per-document results.

    python benchmarks/write_speed.py CORPUS CACHE_DIR --state /tmp/state.pkl [--out DIR] [--repeat N]

The per-document results come once from a finished build's cache (``OUT/.cache``, read with the
cache keys of the code that wrote it) and are pickled to ``--state``; later runs (any checkout of
kg) read the pickle, so before and after see the same input.  Each repeat then times, in this
process: resolution, the graph, the cache entries (``DocResult`` to JSON and written, as the
extract loop does), facts.jsonl, graph.json, graph.ttl and the originals, written into ``--out``.
Prints wall and CPU seconds per step (the minimum over repeats) and the sha256 of each output file,
which must agree between checkouts (the corpus path is part of graph.json / graph.ttl).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import shutil
import sys
import time
from pathlib import Path


def load_state(corpus: Path, cache: Path, state: Path):
    if state.exists():
        return pickle.loads(state.read_bytes())
    import json

    from kg.ingest import read_corpus
    from kg.learned import DEFAULT_MODEL_DIR as LD, model_files_version
    from kg.lexicon import Lexicon
    from kg.model import DocResult
    from kg.ner import DEFAULT_MODEL_DIR, model_version
    from kg.pipeline import _cache_key, _code_version

    docs = read_corpus([corpus], lexicon=Lexicon.load())
    version = model_version(DEFAULT_MODEL_DIR)
    code = _code_version(None) + ":" + model_files_version(LD)
    results = []
    for d in docs:
        p = cache / f"{_cache_key(d, version, code)}.json"
        text = p.read_text(encoding="utf-8")
        if not text.startswith("{"):          # the cache format of kg.pipeline.CACHE_MAGIC
            text = text.partition("\n")[2]
        results.append(DocResult.from_dict(json.loads(text)))
    state.write_bytes(pickle.dumps((docs, results), protocol=pickle.HIGHEST_PROTOCOL))
    return docs, results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("cache", type=Path)
    ap.add_argument("--state", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("/tmp/kg-write-speed"))
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    load_state(args.corpus, args.cache, args.state)

    from kg import pipeline
    from kg.graph import build_graph, write_graph
    from kg.lexicon import Lexicon
    from kg.originals import write_originals
    from kg.rdf import write_turtle
    from kg.resolve import resolve

    best: dict[str, tuple[float, float]] = {}
    digests: dict[str, str] = {}
    for _ in range(args.repeat):
        docs, results = pickle.loads(args.state.read_bytes())
        lexicon = Lexicon.load()
        shutil.rmtree(args.out, ignore_errors=True)
        args.out.mkdir(parents=True)
        steps = []

        def step(name, fn):
            t = time.perf_counter(), time.process_time()
            r = fn()
            dt = time.perf_counter() - t[0], time.process_time() - t[1]
            old = best.get(name)
            best[name] = dt if old is None else (min(old[0], dt[0]), min(old[1], dt[1]))
            steps.append(name)
            return r

        def cache_entries():
            c = args.out / "cache"
            for i, r in enumerate(results):
                pipeline._write_cache_entry(c / f"{i:05d}.json", r)
            if hasattr(pipeline, "_sync_cache_dir"):
                pipeline._sync_cache_dir(c)

        step("cache entries", cache_entries)
        ents, facts = step("resolve", lambda: resolve(docs, results, lexicon))
        by_id = {d.id: d for d in docs}
        step("orig offsets", lambda: pipeline._fill_orig_offsets(facts, by_id))
        G = step("graph", lambda: build_graph(docs, ents, facts))
        step("facts.jsonl", lambda: pipeline.write_facts(facts, args.out / "facts.jsonl"))
        step("graph.json", lambda: write_graph(G, args.out / "graph.json"))
        step("graph.ttl", lambda: write_turtle(G, args.out / "graph.ttl"))
        step("originals", lambda: write_originals(docs, args.out / "originals"))
    for n in ("facts.jsonl", "graph.json", "graph.ttl"):
        digests[n] = hashlib.sha256((args.out / n).read_bytes()).hexdigest()[:16]
    for name, (w, c) in best.items():
        print(f"{name:14s} wall {w:7.3f} s  cpu {c:7.3f} s")
    print(f"{'total':14s} wall {sum(w for w, _ in best.values()):7.3f} s  cpu {sum(c for _, c in best.values()):7.3f} s")
    for n, h in digests.items():
        print(f"sha256 {n} {h}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
