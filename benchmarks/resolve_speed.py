"""Time entity resolution (``kg.resolve.resolve``) alone, over a corpus's per-document results.

    python benchmarks/resolve_speed.py [--corpus DIR] [--results FILE] [--repeat N] [--kg SRC]

The per-document results (NER, relation rules, learned layer) are computed once and kept in
``--results`` (JSON, ``DocResult.to_dict``); later runs read them, so the old and the new code
resolve the very same input.  Each repeat re-reads nothing: the documents' cities are reset and
the results are rebuilt from their dicts (outside the timing), then ``resolve()`` is timed with a
freshly loaded lexicon (the load is timed on its own).  ``--kg SRC`` puts another checkout's
``kg`` package first on the path (``git archive bd9c26d kg | tar -x -C /tmp/kg-before``, then
``--kg /tmp/kg-before``).  Prints min / median seconds and a digest of the facts and entities, which
must agree between the two codes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "realpages" / "train" / "docs"))
    ap.add_argument("--results", default="/tmp/kg-resolve-results.json")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--kg", default=str(ROOT), help="directory holding the kg package to time")
    args = ap.parse_args()
    sys.path.insert(0, args.kg)

    from kg.ingest import read_corpus
    from kg.lexicon import Lexicon
    from kg.model import DocResult
    from kg.resolve import resolve

    print(f"kg from {Path(sys.modules['kg'].__file__).parent}")
    docs = read_corpus([Path(args.corpus)])
    chars = sum(len(d.text) for d in docs)
    rpath = Path(args.results)
    if not rpath.exists():
        from kg.learned import LearnedLayer
        from kg.learned import DEFAULT_MODEL_DIR as LEARNED_DIR
        from kg.ner import NerTagger
        from kg.pipeline import _extract_group

        lex = Lexicon.load()
        tagger = NerTagger.load()
        layer = LearnedLayer.load(LEARNED_DIR, lex) if (LEARNED_DIR / "manifest.json").is_file() else None
        dicts = [_extract_group([d], tagger, lex, layer, [None])[0][0].to_dict() for d in docs]
        rpath.write_text(json.dumps(dicts, ensure_ascii=False), encoding="utf-8")
        print(f"per-document results written to {rpath}")
    dicts = json.loads(rpath.read_text(encoding="utf-8"))
    cities = [d.city for d in docs]

    load_s, resolve_s, digests = [], [], []
    for _ in range(args.repeat):
        for d, c in zip(docs, cities):
            d.city = c
        results = [DocResult.from_dict(r) for r in dicts]
        t0 = time.perf_counter()
        lex = Lexicon.load()
        t1 = time.perf_counter()
        entities, facts = resolve(docs, results, lex)
        t2 = time.perf_counter()
        load_s.append(t1 - t0)
        resolve_s.append(t2 - t1)
        h = hashlib.sha256()
        for f in facts:
            h.update(json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True).encode())
        for eid in sorted(entities):
            e = entities[eid]
            h.update(f"{eid}\t{e.name}\t{sorted(e.aliases)}\t{e.subtype}\t{sorted(e.docs)}\n".encode())
        digests.append(h.hexdigest()[:16])
    print(f"{len(docs)} documents, {chars} chars, {len(facts)} facts, {len(entities)} entities; "
          f"digest {' '.join(sorted(set(digests)))}")
    print(f"lexicon load s: min {min(load_s):.3f} median {statistics.median(load_s):.3f}")
    print(f"resolve s:      min {min(resolve_s):.3f} median {statistics.median(resolve_s):.3f} "
          f"({args.repeat} runs; {chars / min(resolve_s):,.0f} chars/s at the min)")


if __name__ == "__main__":
    main()
