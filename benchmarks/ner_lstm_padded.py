"""Would a padded (not packed) BiLSTM make kg's NER faster?  And would it give the same tags?

    python benchmarks/ner_lstm_padded.py [DIR] [--repeat N] [--groups] [--bucket RATIO[,RATIO...]]
                                         [--only-recut]

Builds the fast path's batches for DIR (default ``../shared/realpages/train/docs``) and times, on
one thread (CPU seconds), the model's own forward (HanLP's ``RNNTaggingModel``: a packed BiLSTM,
ATen's step-by-step cell) against the same weights run as two one-direction ``nn.LSTM`` over
padded input (each row reversed within its length for the backward direction; on x86 torch runs
these through oneDNN), and reports the largest difference in emissions and how many pieces
decode to other tags.

* Without ``--groups``: one ``NerTagger.tag`` call's batches per document (kg build before the
  NER groups).  With ``--groups``: the batches of ``kg build``'s NER groups
  (``kg.pipeline.ner_groups``, HanLP's 64-row batches of a group's sentences sorted by length).
* ``--bucket 1.1``: besides, the padded forward over batches of the group's pieces re-cut so
  that the longest row of a batch is at most RATIO times its shortest (at most 64 rows): less
  padding, other batches (so other emissions than HanLP's batches give).

Each variant's line gives its CPU seconds (the first pass of a padded variant includes oneDNN
building a primitive for each new batch shape; later passes reuse them), the padded cells per position, and the rate of the
BiLSTM's multiply-adds it achieves (positions × 2 directions × 4·hidden·(input + hidden), ×2 for
FLOPs; padded cells counted for the padded variants, as they are computed) and the process's
peak RSS so far: the floor of NER's
time on this machine is the forward at the best rate.  Not bit-identical means the fast path
cannot use it without giving up identity by construction (docs/ner.md, "Fast path").
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", default=str(ROOT.parent / "shared" / "realpages" / "train" / "docs"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--groups", action="store_true", help="batches of kg build's NER groups")
    ap.add_argument("--bucket", default="", help="comma-separated length ratios of re-cut batches")
    ap.add_argument("--only-recut", action="store_true", help="leave out the padded forward over HanLP's batches")
    args = ap.parse_args()

    import numpy as np
    import torch

    from kg.ingest import read_corpus
    from kg.ner import NerTagger, chunk_text
    from kg.ner_fast import FastTagger, viterbi
    from kg.pipeline import ner_groups

    torch.set_num_threads(1)
    tagger = NerTagger.load()
    ft = FastTagger(tagger.component)
    model = tagger.component.model
    lstm = model.word_lstm
    docs = list(read_corpus([args.dir]))
    units = ner_groups(docs, list(range(len(docs)))) if args.groups else [[k] for k in range(len(docs))]

    def pieces_of(unit):
        out = []
        for k in unit:
            for s in docs[k].sentences:
                for a, b in chunk_text(s.text, tagger.max_len):
                    chars = list(s.text[a:b])
                    if any(c.strip() for c in chars):
                        out.append([tagger.marker, *chars, tagger.marker] if tagger.marker else chars)
        return out

    def tensors(pieces, batch):
        n = max(len(pieces[i]) for i in batch)
        x = np.zeros((len(batch), n), np.int64)
        bg = np.zeros((len(batch), n + 1), np.int64)
        lx = np.zeros((len(batch), n), np.int64)
        for r, i in enumerate(batch):
            ids, big, lex = ft.features(pieces[i])
            x[r, :len(ids)], bg[r, :len(big)] = ids, big
            if lex is not None:
                lx[r, :len(lex)] = lex
        return {"token_id": torch.from_numpy(x), "bigram_id": torch.from_numpy(bg),
                "lexicon_id": torch.from_numpy(lx)}

    def recut(lengths, ratio, most=64):
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        out, r = [], 0
        while r < len(order):
            k = r + 1
            while k < len(order) and k - r < most and lengths[order[k]] * ratio >= lengths[order[r]]:
                k += 1
            out.append(order[r:k])
            r = k
        return out

    hanlp, cut = [], {float(x): [] for x in args.bucket.split(",") if x}
    for unit in units:
        pieces = pieces_of(unit)
        if not pieces:
            continue
        lengths = [len(p) for p in pieces]
        hanlp += [(tensors(pieces, b), b, lengths) for b in ft.batches(lengths, tagger.batch_size)]
        for ratio in cut:
            cut[ratio] += [(tensors(pieces, b), b, lengths) for b in recut(lengths, ratio)]

    fw = torch.nn.LSTM(lstm.input_size, lstm.hidden_size, batch_first=True)
    bw = torch.nn.LSTM(lstm.input_size, lstm.hidden_size, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(fw, name).copy_(getattr(lstm, name))
            getattr(bw, name).copy_(getattr(lstm, name + "_reverse"))

    def packed(batch):
        return model(batch["token_id"], batch=batch)[0]

    def padded(batch):
        mask = batch["token_id"].gt(0)
        lens = mask.sum(1, keepdim=True)
        e = model.embed(batch, mask=mask) * mask.unsqueeze(-1)
        pos = torch.arange(e.size(1)).unsqueeze(0)
        rev = torch.where(pos < lens, lens - 1 - pos, pos).unsqueeze(-1)
        f, _ = fw(e)
        b, _ = bw(e.gather(1, rev.expand_as(e)))
        b = b.gather(1, rev.expand_as(b))
        return model.out(torch.cat([f, b], -1) * mask.unsqueeze(-1))

    def tags(fn, batches):
        """{(id of the group's lengths list, piece index): (tags, emissions)} over ``batches``,
        and the CPU seconds of the forward alone."""
        out, secs = {}, 0.0
        for bt, b, lengths in batches:
            c0 = time.process_time()
            em = fn(bt)
            secs += time.process_time() - c0
            best = viterbi(model.crf, em, bt["token_id"].gt(0))
            for r, i in enumerate(b):
                out[(id(lengths), i)] = (best[r, :lengths[i]].tolist(), em[r, :lengths[i]])
        return out, secs

    H, D = lstm.hidden_size, lstm.input_size
    macs = 2 * 4 * H * (D + H)                     # per position, both directions
    positions = sum(int(bt["token_id"].gt(0).sum()) for bt, _, _ in hanlp)
    print(f"{len(docs)} documents, {'NER groups' if args.groups else 'one call per document'}: "
          f"{len(hanlp)} batches, {positions:,} positions; BiLSTM {macs:,} multiply-adds per position")
    variants = [("packed", packed, hanlp)]
    variants += [] if args.only_recut else [("padded", padded, hanlp)]
    variants += [(f"padded, re-cut {ratio}", padded, b) for ratio, b in cut.items()]
    with torch.inference_mode():
        ref, _ = tags(packed, hanlp)
        for _ in range(args.repeat):
            for name, fn, batches in variants:
                got, secs = tags(fn, batches)
                cells = positions if fn is packed else sum(bt["token_id"].numel() for bt, _, _ in batches)
                other = sum(got[k][0] != ref[k][0] for k in ref)
                diff = max(float((got[k][1] - ref[k][1]).abs().max()) for k in ref)
                print(f"  {name:22s} {secs:7.2f} s CPU  {cells / positions:5.3f} cells/position  "
                      f"{2 * macs * cells / secs / 1e9:6.1f} GFLOP/s  largest emission difference "
                      f"{diff:.3g}, pieces with other tags {other}/{len(ref)}; peak RSS so far "
                      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
