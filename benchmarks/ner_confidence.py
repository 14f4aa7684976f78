"""What the NER span confidences cost: CPU seconds of ``tag_sentences`` over a corpus's
sentences without and with ``confidence=True`` (the CRF marginals), alternating, one thread.

    python benchmarks/ner_confidence.py [CORPUS] [--rounds 3]

CORPUS defaults to data/ (the sample); ``benchmarks/throughput.py --keep DIR`` writes larger
ones (DIR/pd98_250000).  Prints each round's CPU seconds and chars/s and the median ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=str(ROOT / "data"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    from kg.ingest import read_corpus
    from kg.ner import NerTagger

    tagger = NerTagger.load(args.model, threads=1, fast=True)
    if not tagger.fast:
        raise SystemExit("this model has no fast path: it has no confidences of its own to time")
    texts = [s.text for d in read_corpus([args.corpus]) for s in d.sentences]
    n = sum(map(len, texts))
    tagger.tag_sentences(texts[:64], confidence=True)        # warm-up
    ratios = []
    for r in range(args.rounds):
        cpu = {}
        for conf in (False, True):
            c0 = time.process_time()
            tagger.tag_sentences(texts, confidence=conf)
            cpu[conf] = time.process_time() - c0
            print(f"round {r + 1} confidence={conf}: {cpu[conf]:.2f} CPU s, {n / cpu[conf]:,.0f} chars/s", flush=True)
        ratios.append(cpu[True] / cpu[False])
    print(f"{n:,} chars; with ÷ without confidence, median of {args.rounds}: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
