"""Where kg's NER time goes: ``NerTagger.tag`` over a corpus, split into Python, forward, CRF.

    python benchmarks/ner_profile.py [DIR ...] [--path hanlp|fast] [--top N]
    python benchmarks/ner_profile.py [DIR ...] --compare N

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

``--compare N`` instead tags the corpus N times through each path in turn (HanLP, fast, HanLP,
...) in one process, checks that both give the same mentions, and prints each path's wall and
CPU (``time.process_time``) chars/s, min and median, and the median of the pairwise ratios: on
a shared machine the CPU figures and the ratio are the ones to quote.
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


def timed_into(totals: dict, key: str, fn, clock=time.perf_counter):
    """``fn`` wrapped so that each call adds its ``clock`` seconds to ``totals[key]``."""
    def wrapper(*args, **kwargs):
        t = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[key] += clock() - t
    return wrapper


def compare(tagger, docs, chars: int, n: int) -> None:
    import statistics

    runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    found = {}
    for _ in range(n):
        for fast in (False, True):
            tagger.fast = fast
            w, c = time.perf_counter(), time.process_time()
            found[fast] = [tagger.tag(d) for d in docs]
            runs[fast].append((time.perf_counter() - w, time.process_time() - c))
    if found[False] != found[True]:
        raise SystemExit("the two paths gave different mentions")
    print(f"{len(docs)} documents, {chars} chars, {sum(map(len, found[True]))} mentions, same on both paths; "
          f"{n} runs each, alternating")
    for fast, name in ((False, "hanlp"), (True, "fast")):
        for k, what in ((0, "wall"), (1, "cpu")):
            cps = sorted(chars / r[k] for r in runs[fast])
            print(f"  {name:5s} {what:4s} chars/s: min {cps[0]:9,.0f}  median {statistics.median(cps):9,.0f}")
    for k, what in ((0, "wall"), (1, "cpu")):
        ratios = [a[k] / b[k] for a, b in zip(runs[False], runs[True])]
        print(f"  fast / hanlp speed, {what}: median {statistics.median(ratios):.2f}x "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", default=[str(DEFAULT_DIR)])
    ap.add_argument("--path", default=None, choices=["hanlp", "fast"],
                    help="which tagging path (default: NerTagger's default)")
    ap.add_argument("--top", type=int, default=0, help="also print the N functions with most own time")
    ap.add_argument("--compare", type=int, default=0, help="alternate both paths N times; no split")
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
    if args.compare:
        compare(tagger, docs, chars, args.compare)
        return
    timers = {"forward": 0.0, "crf": 0.0}

    def timed(kind, fn):
        return timed_into(timers, kind, fn)

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
