"""Would a padded (not packed) BiLSTM make kg's NER faster?  And would it give the same tags?

    python benchmarks/ner_lstm_padded.py [DIR] [--repeat N]

Builds the fast path's batches for DIR (default ``../shared/realpages/train/docs``; one
``NerTagger.tag`` call's batches per document, as ``kg build`` makes them), then times, on one
thread, the model's own forward (HanLP's ``RNNTaggingModel``: a packed BiLSTM) against the same
weights run as two one-direction ``nn.LSTM`` over padded input (each row reversed within its
length for the backward direction), and reports the largest difference in emissions and how
many batches decode to the same tags.  Not bit-identical means the fast path cannot use it
without giving up identity by construction (docs/ner.md, "Fast path").
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args()

    import numpy as np
    import torch

    from kg.ingest import read_corpus
    from kg.ner import NerTagger, chunk_text
    from kg.ner_fast import FastTagger, viterbi

    torch.set_num_threads(1)
    tagger = NerTagger.load()
    ft = FastTagger(tagger.component)
    model = tagger.component.model
    lstm = model.word_lstm
    batches = []
    for doc in read_corpus([args.dir]):
        pieces = []
        for s in doc.sentences:
            for a, b in chunk_text(s.text, tagger.max_len):
                chars = list(s.text[a:b])
                if any(c.strip() for c in chars):
                    pieces.append([tagger.marker, *chars, tagger.marker] if tagger.marker else chars)
        if not pieces:
            continue
        lengths = [len(p) for p in pieces]
        for batch in ft.batches(lengths, tagger.batch_size):
            n = lengths[batch[0]]
            x = np.zeros((len(batch), n), np.int64)
            bg = np.zeros((len(batch), n + 1), np.int64)
            lx = np.zeros((len(batch), n), np.int64)
            for r, i in enumerate(batch):
                ids, big, lex = ft.features(pieces[i])
                x[r, :len(ids)], bg[r, :len(big)] = ids, big
                if lex is not None:
                    lx[r, :len(lex)] = lex
            batches.append({"token_id": torch.from_numpy(x), "bigram_id": torch.from_numpy(bg),
                            "lexicon_id": torch.from_numpy(lx)})
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

    print(f"{len(batches)} batches, {sum(int(b['token_id'].gt(0).sum()) for b in batches)} positions")
    with torch.inference_mode():
        for _ in range(args.repeat):
            outs = {}
            for fn in (packed, padded):
                t0 = time.perf_counter()
                outs[fn.__name__] = [fn(b) for b in batches]
                print(f"  {fn.__name__:6s} {time.perf_counter() - t0:7.2f} s")
            diff = max(float((o - r)[b["token_id"].gt(0)].abs().max())
                       for o, r, b in zip(outs["padded"], outs["packed"], batches))
            same = sum(np.array_equal(viterbi(model.crf, o, b["token_id"].gt(0)),
                                      viterbi(model.crf, r, b["token_id"].gt(0)))
                       for o, r, b in zip(outs["padded"], outs["packed"], batches))
            print(f"  largest emission difference {diff:.3g}; batches with the same tags {same}/{len(batches)}")


if __name__ == "__main__":
    main()
