"""Where kg's NER time goes: ``NerTagger.tag`` over a corpus, split into Python, forward, CRF.

    python benchmarks/ner_profile.py [DIR ...] [--path hanlp|fast] [--top N]

Reads DIR (default ``../shared/realpages/train/docs``) with ``kg.ingest.read_corpus``, loads the
model (not timed), tags every document once through ``NerTagger.tag`` (one call per document, as
``kg build`` does), one torch thread, and prints the wall time split into:

* ``forward``: the torch module's forward (embeddings, BiLSTM, output layer): time inside
  ``RNNTaggingModel.forward``;
* ``crf``: the Viterbi decode: HanLP's ``CRF.decode`` (its torch ops and its per-character
  ``.item()`` traceback), or on the fast path ``kg.ner_fast.viterbi``;
* ``python``: the rest -- HanLP's (or kg's) Python: transforms, vocab look-ups, lexicon features,
  batching, collation/padding, tags to spans, kg's chunking and offsets.

The split is measured with timers wrapped around those calls (no profiler, so no profiler
overhead in it).  ``--top N`` then repeats the run under cProfile and prints the N functions with
the most own time (cProfile inflates Python-heavy code: use it for the ranking, not the split).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DIR = ROOT.parent / "shared" / "realpages" / "train" / "docs"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", default=[str(DEFAULT_DIR)])
    ap.add_argument("--path", default=None, choices=["hanlp", "fast"],
                    help="which tagging path (default: NerTagger's default)")
    ap.add_argument("--top", type=int, default=0, help="also print the N functions with most own time")
    args = ap.parse_args()

    import kg.ner_fast as nf
    from kg.ingest import read_corpus
    from kg.ner import NerTagger

    docs = read_corpus(args.dirs)
    chars = sum(len(d.text) for d in docs)
    tagger = NerTagger.load()
    if args.path:
        tagger.fast = args.path == "fast"
    tagger.tag(docs[0])                       # warm-up
    timers = {"forward": 0.0, "crf": 0.0}

    def timed(kind, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                timers[kind] += time.perf_counter() - t
        return wrapper

    model = tagger.component.model
    model.forward = timed("forward", model.forward)
    model.crf.decode = timed("crf", model.crf.decode)
    viterbi = nf.viterbi
    nf.viterbi = timed("crf", viterbi)
    t0 = time.perf_counter()
    n = sum(len(tagger.tag(d)) for d in docs)
    wall = time.perf_counter() - t0
    nf.viterbi = viterbi
    python = wall - timers["forward"] - timers["crf"]
    print(f"{len(docs)} documents, {chars} chars, {n} mentions; path "
          f"{'fast' if tagger.fast else 'hanlp'}; {wall:.2f} s ({chars / wall:,.0f} chars/s)")
    for k, v in (("python", python), ("forward", timers["forward"]), ("crf", timers["crf"])):
        print(f"  {k:8s} {v:7.2f} s  {100 * v / wall:5.1f} %")
    if args.top:
        prof = cProfile.Profile()
        prof.enable()
        for d in docs:
            tagger.tag(d)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
