"""NER alone, one call per document (as `kg build` did before session 26) against one call per
group of documents (`NerTagger.tag_many`, as `kg build` tags its NER groups now), on People's
Daily 1998 articles: CPU seconds (one thread) and whether spans and confidences moved.

    python benchmarks/ner_groups.py [--chars 250000] [--groups 8,32] [--rounds 2]
    python benchmarks/ner_groups.py --batch-sizes 64,128,256,512 [--chars 250000]
    python benchmarks/ner_groups.py --batch-sizes 64 --chars 1000000 --split

``--split`` also prints each run's CPU seconds in the CRF's Viterbi and marginals (timers around
``kg.ner_fast.viterbi`` and ``tag_marginals``; run with another checkout's kg on ``PYTHONPATH`` to
compare it) and in the model's BiLSTM (a timer around its forward), with the BiLSTM's arithmetic
rate: 2 × (input + hidden) × 4 × hidden floating-point operations per character and direction
(the four gates' two matrix products, a multiply and an add each), over the time steps it ran
(padding excluded: HanLP packs the batch).  docs/performance.md, "The BiLSTM's floor".

With ``--batch-sizes`` it tags `kg build`'s NER groups (``kg.pipeline.ner_groups``) with the model's
batch size set to each value instead.  docs/performance.md, "NER across documents" and
"Session 30: the NER model's batch size".
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ner_profile import timed_into  # noqa: E402
from throughput import PD98, read_articles, select_articles  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=PD98, help="People's Daily 1998 UTF-8 file")
    ap.add_argument("--chars", type=int, default=250_000, help="corpus size in characters")
    ap.add_argument("--groups", default="8,32", help="documents per call, comma-separated")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--batch-sizes", default=None,
                    help="comma-separated batch sizes of the model, each over kg build's NER groups")
    ap.add_argument("--split", action="store_true",
                    help="also print the CPU seconds of each run spent in the fast path's CRF "
                         "(kg.ner_fast.viterbi and kg.ner_fast.tag_marginals) and in the BiLSTM, "
                         "with the BiLSTM's GFLOP/s")
    a = ap.parse_args()

    import torch

    import kg.ner_fast as nf
    from kg.ingest import prepare_text
    from kg.ner import NerTagger

    torch.set_num_threads(1)
    crf_seconds = {"viterbi": 0.0, "tag_marginals": 0.0}
    lstm = {"seconds": 0.0, "steps": 0}     # the BiLSTM's CPU seconds and time steps (all rows)
    if a.split:
        for name in crf_seconds:
            setattr(nf, name, timed_into(crf_seconds, name, getattr(nf, name), time.process_time))
    if not a.corpus.is_file():
        sys.exit(f"{a.corpus}: People's Daily 1998 file missing (see ../shared/corpora)")
    docs = [prepare_text(text, f"{aid}.txt") for aid, text in select_articles(read_articles(a.corpus), a.chars)]
    chars = sum(len(d.text) for d in docs)
    tagger = NerTagger.load()
    if a.split:
        from torch.nn.utils.rnn import PackedSequence
        rnn = tagger.component.model.word_lstm
        flops_per_step = 2 * (rnn.input_size + rnn.hidden_size) * 4 * rnn.hidden_size * (1 + rnn.bidirectional)
        forward = rnn.forward

        def counted(x, *args, **kwargs):
            lstm["steps"] += x.data.shape[0] if isinstance(x, PackedSequence) else x.shape[0] * x.shape[1]
            return forward(x, *args, **kwargs)

        rnn.forward = timed_into(lstm, "seconds", counted, time.process_time)
    if a.batch_sizes:
        from kg.pipeline import ner_groups
        groups = ner_groups(docs, range(len(docs)))
        sizes = [int(x) for x in a.batch_sizes.split(",")]

        def run(k: int) -> list:
            tagger.batch_size = k            # tag_sentences reads it
            return [ms for g in groups for ms in tagger.tag_many([docs[i] for i in g])]

        def label(k: int) -> str:
            return f"batch size {k}"
    else:
        sizes = [1] + [int(x) for x in a.groups.split(",")]

        def run(k: int) -> list:
            if k == 1:
                return [tagger.tag(d) for d in docs]
            return [ms for g in range(0, len(docs), k) for ms in tagger.tag_many(docs[g:g + k])]

        def label(k: int) -> str:
            return "per document" if k == 1 else f"groups of {k}"

    def key(m):
        return (m.doc_id, m.start, m.end, m.type, m.subtype)

    tagger.tag(docs[0])                  # warm-up
    print(f"{len(docs)} documents, {chars:,} chars")
    ref = None
    for _ in range(a.rounds):
        for k in sizes:
            crf_seconds.update(viterbi=0.0, tag_marginals=0.0)
            lstm.update(seconds=0.0, steps=0)
            t0 = time.process_time()
            out = run(k)
            dt = time.process_time() - t0
            spans = [m for ms in out for m in ms]
            line = f"  {label(k):14s} {dt:6.2f} CPU s  {chars / dt:8,.0f} chars/s  {len(spans)} spans"
            if ref is None:
                ref = spans
            else:
                moved = sum(key(m) != key(n) for m, n in zip(spans, ref)) + abs(len(spans) - len(ref))
                conf = sum(m.score != n.score for m, n in zip(spans, ref) if key(m) == key(n))
                line += f"  spans moved {moved}, confidences moved {conf}"
            if a.split:
                line += (f"  (Viterbi {crf_seconds['viterbi']:.2f} s, marginals {crf_seconds['tag_marginals']:.2f} s, "
                         f"BiLSTM {lstm['seconds']:.2f} s: {lstm['steps']:,} time steps, "
                         f"{lstm['steps'] * flops_per_step / max(lstm['seconds'], 1e-9) / 1e9:.1f} GFLOP/s)")
            print(line, flush=True)


if __name__ == "__main__":
    main()
