"""The learned relation layer (or the relation rules) alone: seconds and peak RSS.

    python benchmarks/learned_speed.py CORPUS_DIR... --results R.pkl     # NER + rules once, saved
    python benchmarks/learned_speed.py --one-line-mb 1 --results R.pkl  # the one-line file of one_line.py
    python benchmarks/learned_speed.py --results R.pkl [--repeat 3] [--profile 25] [--stage relations]

NER and the relation rules run once per document and their results (``Document``, the NER
mentions, ``DocResult``) are pickled to ``--results``; a later run with the same ``--results``
and no corpus reads them instead, so one stage can be timed by itself, and by another checkout
of ``kg`` (``PYTHONPATH=/path/to/other/checkout``: the pickle holds plain ``kg.model`` objects).
``--stage learned`` (default) times ``LearnedLayer.apply`` on the rules' results, ``--stage
relations`` the rules (``kg.relations.extract``) on the NER mentions, ``--stage entity-groups``
the learned layer's entity groups with their features (``DocCandidates.entity_groups``, the entity
models' input, generated forms included); only the calls are timed
(since session 46: the layer's context model is loaded before, as ``kg build`` hands its NER model
to the layer, and the output digest is taken outside the timing).  Prints the stage's wall
and CPU seconds per repeat (min / median), the process's peak RSS before and after the stage
(``ru_maxrss``), a sha256 of the stage's output (``DocResult.to_dict`` as JSON, to compare two
checkouts), and with ``--profile N`` the N costliest functions (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import pickle
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _extract(paths: list[Path], one_line_mb: float | None, tmp: Path) -> list:
    from kg.ingest import read_corpus
    from kg.lexicon import Lexicon
    from kg.ner import DEFAULT_MODEL_DIR, NerTagger
    from kg.relations import extract

    if one_line_mb is not None:
        from one_line import one_line_text
        from throughput import PD98, read_articles
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / "one.txt").write_text(one_line_text(read_articles(PD98), one_line_mb), encoding="utf-8")
        paths = [tmp]
    lex = Lexicon.load()
    docs = read_corpus(paths, max_file_size=None, lexicon=lex)
    tagger = NerTagger.load(DEFAULT_MODEL_DIR)
    t0 = time.perf_counter()
    out = []
    for d in docs:
        mentions = tagger.tag(d)
        out.append((d, mentions, extract(d, mentions, lex)))
    print(f"NER + rules: {time.perf_counter() - t0:.1f} s", flush=True)
    return out


def layer_as_built(lex, tagger=None):
    """The shipped learned layer as ``kg build`` runs it: with the build's NER model (``tagger``,
    else the shipped one loaded with one torch thread) handed to it and its context model made,
    so that neither is loaded inside a timing."""
    from kg.learned import LearnedLayer
    from kg.ner import DEFAULT_MODEL_DIR, NerTagger

    layer = LearnedLayer.load(None, lex)
    if layer.context_types:
        layer.ner = tagger or NerTagger.load(DEFAULT_MODEL_DIR)
        layer.encoder()
    return layer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help="corpus files or directories")
    ap.add_argument("--one-line-mb", type=float, default=None, help="the one-line file of one_line.py, this many MB")
    ap.add_argument("--results", type=Path, required=True, help="pickle of the NER + rule results (written or read)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions of one more run")
    ap.add_argument("--stage", choices=("learned", "relations", "entity-groups"), default="learned",
                    help="the stage to time")
    args = ap.parse_args()
    if args.paths or args.one_line_mb is not None:
        pairs = _extract(args.paths, args.one_line_mb, args.results.with_suffix(".d"))
        with open(args.results, "wb") as f:
            pickle.dump(pairs, f)
        del pairs
    with open(args.results, "rb") as f:
        pairs = pickle.load(f)

    from kg.lexicon import Lexicon
    lex = Lexicon.load()
    if args.stage in ("learned", "entity-groups"):
        layer = layer_as_built(lex)
    if args.stage == "entity-groups":
        class Groups(list):
            def to_dict(self):
                return [(g.type, g.text, sorted(g.feats)) for g in self]

        def run(d, mentions, r):
            return Groups(layer.candidates(d, r).entity_groups())
    elif args.stage == "learned":
        def run(d, mentions, r):
            return layer.apply(d, r)
    else:
        from kg.relations import extract

        def run(d, mentions, r):
            return extract(d, mentions, lex)
    chars = sum(len(d.text) for d, _m, _r in pairs)
    rss0 = _rss_mb()
    times, cpu = [], []
    for _ in range(args.repeat):
        h = hashlib.sha256()
        wall = proc = 0.0
        for d, m, r in pairs:
            t0, c0 = time.perf_counter(), time.process_time()
            out = run(d, m, r)
            wall += time.perf_counter() - t0
            proc += time.process_time() - c0
            # (the digest outside the timing)
            h.update(json.dumps(out.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        times.append(wall)
        cpu.append(proc)
    print(f"{len(pairs)} documents, {chars:,} chars: {args.stage} "
          f"min {min(times):.2f} s, median {statistics.median(times):.2f} s wall, "
          f"min {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s CPU over {len(times)} runs; "
          f"peak RSS {rss0:,.0f} MB before the stage, {_rss_mb():,.0f} MB after; output sha256 "
          f"{h.hexdigest()[:16]}", flush=True)
    if args.profile:
        pr = cProfile.Profile()
        pr.enable()
        for d, m, r in pairs:
            run(d, m, r)
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
