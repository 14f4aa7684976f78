"""Evidence for the HanLP CRF bug that kg patches (``crf.batch_first = True``).

    python benchmarks/ner_crf_bug.py

``hanlp.components.taggers.rnn.rnntaggingmodel.RNNTaggingModel`` builds ``CRF(n_out, crf_constraints)``;
the CRF's second positional parameter is ``batch_first``, so it receives ``crf_constraints=None``
and treats the model's (batch, time, tags) emissions as (time, batch, tags).  This script shows
the flag's value and compares, on a padded batch, the batched log-likelihood and Viterbi paths
with the per-sentence ones, unpatched and patched.
"""

from __future__ import annotations

import torch
from hanlp.components.taggers.rnn.rnntaggingmodel import RNNTaggingModel


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = RNNTaggingModel(16, None, 8, 5)
    crf = model.crf
    print(f"upstream RNNTaggingModel(...).crf.batch_first = {crf.batch_first!r}")
    b, t, c = 3, 6, 5
    lens = [6, 4, 2]
    emissions = torch.randn(b, t, c)
    tags = torch.randint(0, c, (b, t))
    mask = torch.zeros(b, t, dtype=torch.bool)
    for i, n in enumerate(lens):
        mask[i, :n] = True
    crf.batch_first = True
    ref_ll = sum(crf(emissions[i:i + 1, :n], tags[i:i + 1, :n], mask[i:i + 1, :n], reduction="sum").item()
                 for i, n in enumerate(lens))
    ref_paths = [crf.decode(emissions[i:i + 1, :n], mask[i:i + 1, :n])[0] for i, n in enumerate(lens)]
    print(f"per-sentence: log-likelihood {ref_ll:.4f}, paths {ref_paths}")
    for flag in (None, True):
        crf.batch_first = flag
        ll = crf(emissions, tags, mask, reduction="sum").item()
        paths = crf.decode(emissions, mask)
        ok = abs(ll - ref_ll) < 1e-4 and paths == ref_paths
        print(f"batched, batch_first={flag!r}: log-likelihood {ll:.4f}, {len(paths)} paths {paths} "
              f"-> {'matches' if ok else 'WRONG'}")


if __name__ == "__main__":
    main()
