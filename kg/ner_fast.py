"""A fast path for :class:`kg.ner.NerTagger`: the same model, the same tags, less Python.

HanLP's ``component.predict`` builds, for every call, a dataset of per-sample dicts, runs its
transform pipeline sample by sample (vocab look-ups, kg's bigram and lexicon features), pads
through its data loader, and decodes with its CRF, whose Viterbi traceback calls ``.item()`` once
per character.  :class:`FastTagger` does the same computation directly:

* ids from plain dicts (``token_to_idx``) and numpy arrays, padding by array assignment;
* lexicon features by :func:`lexicon_features_fast` (one Aho-Corasick pass per piece,
  precomputed bit masks; the same masks as :func:`kg.ner.lexicon_features`);
* **the same batches as HanLP** (HanLP's ``SortingSampler`` order: ``torch.argsort`` of the
  piece lengths, descending, cut every ``batch_size``), so that the LSTM sees the same packed
  batches and gives bit-identical emissions;
* the loaded torch module called directly (``model(x, batch=...)``) under
  ``torch.inference_mode()``;
* :func:`viterbi`: HanLP's Viterbi in numpy (the same float32 sums in the same order, the same
  first-maximum ties), with the traceback for the whole batch at once;
* BIO tags to spans with HanLP's own ``bio_tags_to_spans``, skipped for all-``O`` pieces;
* each span's **confidence**: :func:`tag_marginals`, the CRF's marginal probability of the
  Viterbi tag at each of its characters (forward-backward), its least one.  HanLP gives no
  confidence; its path takes the fast path's (:meth:`kg.ner.NerTagger._predict`).

The tags are identical to HanLP's path by construction, and a test checks it
(tests/test_ner_fast.py).  Models this path does not know (other embeddings, no CRF, HanLP
``dict_tags``) are refused by :meth:`FastTagger.supports`; NerTagger then keeps HanLP's path.
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from kg.ner import BIGRAM_VOCAB, BOS, EOS, LEXICON_MAX_WORD, LEXICON_TYPES, LEXICON_VOCAB, lexicon_table

# spread[types] = bit 3*t set for each type t in the 4-bit type mask
_SPREAD = tuple(sum(1 << 3 * t for t in range(len(LEXICON_TYPES)) if m >> t & 1)
                for m in range(1 << len(LEXICON_TYPES)))


def lexicon_automaton(table: dict[str, int]):
    """An Aho-Corasick automaton (:class:`kg.lexicon.WordScanner`) of the words of ``table`` of 2
    to ``LEXICON_MAX_WORD`` characters with a type, and each word's Begin mask; None when there
    is none."""
    from .lexicon import WordScanner

    words = [w for w, types in table.items() if types and 2 <= len(w) <= LEXICON_MAX_WORD]
    if not words:
        return None
    return WordScanner(words), [_SPREAD[table[w]] for w in words]


def lexicon_features_fast(chars: Sequence[str], automaton) -> list[int]:
    """:func:`kg.ner.lexicon_features`, faster: every occurrence of every word (overlapping ones
    too) in one pass of :func:`lexicon_automaton`'s automaton, each setting precomputed B/M/E
    masks (OR-ed, so the order of the occurrences does not matter)."""
    s = "".join(c if len(c) == 1 else "\x00" for c in chars)
    out = [0] * len(s)
    if automaton is None or not s:
        return out
    scanner, begin = automaton
    for k, i, e in scanner.scan(s):
        b = begin[k]
        out[i] |= b
        out[e - 1] |= b << 2
        if e - i > 2:
            m = b << 1
            for j in range(i + 1, e - 1):
                out[j] |= m
    return out


def _running_rows(lengths: np.ndarray, n: int) -> list[int] | None:
    """For rows sorted longest first (as HanLP's and the fast path's batches are), how many rows
    are still running at each of ``n`` steps: always the first ones; None for unsorted rows."""
    if not bool((lengths[:-1] >= lengths[1:]).all()):
        return None
    return [int(np.count_nonzero(lengths > i)) for i in range(n)]


def viterbi(crf, emissions, mask) -> np.ndarray:
    """Best tag ids, (batch, time) int64 (padding positions 0), of a batch-first ``emissions``
    (batch, time, tags) under ``mask`` (batch, time; each row a run of ones from the start).

    HanLP's ``CRF._viterbi_decode`` in numpy: the same float32 sums in the same order
    (``score + transitions + emission``), so the same scores; the same tie rule (the first
    maximum, as torch's ``max`` returns); then the traceback for all rows at once instead of
    one ``.item()`` per character.  When the rows are sorted longest first (HanLP's and the fast
    path's batches are), each step computes only the rows still running."""
    em = emissions.detach().numpy()
    m = mask.detach().numpy()
    batch_size, seq_length = m.shape
    # (speed) the step's scores laid out (row, to, from), so that the arg-max over the previous
    # tag runs along contiguous memory, and the maximum read at the arg-max (numpy's max over a
    # short last axis is slower than both): the same sums (score[from] + trans[from, to], then
    # the emission), the same first maximum, the same scores
    trans_t = np.ascontiguousarray(crf.transitions.detach().numpy().T)
    k = trans_t.shape[0]
    flat = np.arange(batch_size * k)
    score = crf.start_transitions.detach().numpy() + em[:, 0]
    lengths = m.sum(axis=1)
    running = _running_rows(lengths, seq_length)
    hist = np.zeros((max(seq_length - 1, 0), batch_size, k), dtype=np.int64)
    for i in range(1, seq_length):
        if running is not None:
            a = running[i]
            next_score = score[:a, None, :] + trans_t
            next_score += em[:a, i, :, None]
            best = next_score.argmax(axis=2)
            hist[i - 1, :a] = best
            score[:a] = next_score.reshape(a * k, k)[flat[:a * k], best.ravel()].reshape(a, k)
        else:
            next_score = score[:, None, :] + trans_t
            next_score += em[:, i, :, None]
            best = next_score.argmax(axis=2)
            hist[i - 1] = best
            top = next_score.reshape(batch_size * k, k)[flat, best.ravel()].reshape(batch_size, k)
            score = np.where(m[:, i, None], top, score)
    score = score + crf.end_transitions.detach().numpy()
    ends = lengths - 1
    cur = score.argmax(axis=1)
    rows = np.arange(batch_size)
    tags = np.zeros((batch_size, seq_length), dtype=np.int64)
    tags[rows, ends] = cur
    for t in range(seq_length - 2, -1, -1):
        if running is not None:
            a = running[t + 1]                     # rows whose last position is after t
            cur[:a] = hist[t, rows[:a], cur[:a]]
            tags[:a, t] = cur[:a]
        else:
            active = ends > t
            cur = np.where(active, hist[t, rows, cur], cur)
            tags[active, t] = cur[active]
    return tags


def tag_marginals(crf, emissions, mask, tags: np.ndarray, rows: Sequence[int] | None = None) -> np.ndarray:
    """The CRF's marginal probability of ``tags`` (batch, time; the Viterbi tags) at each
    position, (batch, time) float64 (padding positions 0): forward-backward in the probability
    domain, each step's vector rescaled to sum 1, which the per-position normalisation undoes.
    Vectorised over the batch, one loop over time, like :func:`viterbi`.  ``rows``: only these
    rows of the batch, in this order (the result's rows).  When the rows are sorted longest
    first, each step computes only the rows still running.  A row's figures depend on the others
    only in their last bits (a matrix product over more or fewer rows): the same batch gives the
    same figures."""
    em = emissions.detach().numpy()
    m = mask.detach().numpy()
    if rows is not None:
        em, m, tags = em[rows], m[rows], tags[rows]
    em = em.astype(np.float64)
    b, n, k = em.shape
    lengths = m.sum(axis=1)
    if n == 0:
        return np.zeros((b, 0))
    # exp of each score less its maximum (the emissions' per position): a constant factor
    # cancels in the per-step rescaling, and nothing overflows
    e = np.exp(em - em.max(axis=2, keepdims=True))

    def exp0(x) -> np.ndarray:
        x = x.detach().numpy().astype(np.float64)
        return np.exp(x - x.max())

    trans, start, end = exp0(crf.transitions), exp0(crf.start_transitions), exp0(crf.end_transitions)
    # (speed) rows sorted longest first: step i computes the first running[i] rows only, and the
    # positions past a row's end keep their ones (unsorted rows: every row at every step, as
    # before); those positions are read by nothing but the last line, which zeroes them
    running = _running_rows(lengths, n) or [b] * n
    alpha = np.ones((b, n, k))
    a = start * e[:, 0]
    alpha[:, 0] = a / a.sum(axis=1, keepdims=True)
    for i in range(1, n):
        r = running[i]
        a = (alpha[:r, i - 1] @ trans) * e[:r, i]
        alpha[:r, i] = a / a.sum(axis=1, keepdims=True)
    beta = np.ones((b, n, k))
    last = (lengths - 1)[:, None]
    beta[:, n - 1] = end
    for i in range(n - 2, -1, -1):
        r = running[i]
        nxt = (beta[:r, i + 1] * e[:r, i + 1]) @ trans.T
        nxt /= nxt.sum(axis=1, keepdims=True)
        # a row whose last position is i starts its backward pass here
        beta[:r, i] = np.where(last[:r] == i, end, nxt)
    post = alpha * beta
    post /= post.sum(axis=2, keepdims=True)
    out = np.take_along_axis(post, tags[:, :, None], axis=2)[:, :, 0]
    return np.where(np.arange(n)[None, :] < lengths[:, None], out, 0.0)


class FastTagger:
    """Runs a loaded HanLP ``RNNNamedEntityRecognizer`` (kg's char-bigram-lexicon model) without
    HanLP's predict pipeline.  :meth:`predict` returns what ``component.predict`` returns, less the
    surface string, with a confidence: per piece, ``(label, start, end, confidence)`` spans (end
    exclusive), in no fixed order."""

    def __init__(self, component):
        from hanlp.utils.span_util import bio_tags_to_spans, bioul_tags_to_spans, iobes_tags_to_spans

        vocabs = component.vocabs
        model = component.model
        embed = model.embed
        self.component = component
        self.model = model
        self.crf = model.crf
        field = embed.field
        tok = vocabs[field]
        self.char_idx = tok.token_to_idx
        self.char_unk = tok.get_idx_without_add(tok.unk_token) if tok.unk_token else None
        big = vocabs[BIGRAM_VOCAB]
        self.bigram_idx = big.token_to_idx
        self.bigram_unk = big.token_to_idx.get(big.safe_unk_token)
        self.table = self.automaton = None
        if embed.lexicon is not None:
            lex = vocabs[LEXICON_VOCAB]
            self.table = getattr(lex, "_kg_table", None)
            if self.table is None:
                self.table = lexicon_table(lex.idx_to_token)
                lex._kg_table = self.table
            self.automaton = lexicon_automaton(self.table)
        self.field = field
        self.tags = list(vocabs["tag"].idx_to_token)
        self.o_id = self.tags.index("O") if "O" in self.tags else -1
        self.to_spans = {"BIO": bio_tags_to_spans, "IOBES": iobes_tags_to_spans,
                         "BIOUL": bioul_tags_to_spans}[component.tagging_scheme]

    @staticmethod
    def supports(component) -> bool:
        """True for a kg char-bigram model with a CRF and no HanLP ``dict_tags``."""
        model = getattr(component, "model", None)
        embed = getattr(model, "embed", None)
        config = getattr(component, "config", None) or {}
        return (type(embed).__name__ == "CharBigramModule" and getattr(model, "crf", None) is not None
                and getattr(model.crf, "batch_first", False) is True
                and not config.get("dict_tags") and bool(config.get("crf"))
                and config.get("tagging_scheme") in ("BIO", "IOBES", "BIOUL"))

    def features(self, piece: Sequence[str]) -> tuple[list[int], list[int], list[int] | None]:
        """(char ids, bigram ids, lexicon masks or None) of one piece, as HanLP's transforms make them."""
        cget, cunk = self.char_idx.get, self.char_unk
        ids = [cget(c, cunk) for c in piece]
        bget, bunk = self.bigram_idx.get, self.bigram_unk
        padded = [BOS, *piece, EOS]
        big = [bget(padded[j] + padded[j + 1], bunk) for j in range(len(padded) - 1)]
        lex = lexicon_features_fast(piece, self.automaton) if self.table is not None else None
        return ids, big, lex

    def batches(self, lengths: list[int], batch_size: int) -> list[list[int]]:
        """HanLP's ``SortingSampler(lengths, batch_size)`` batches (same order, same ties)."""
        import torch

        order = torch.argsort(torch.tensor(lengths), descending=True).tolist()
        return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

    def predict(self, pieces: Sequence[Sequence[str]], batch_size: int,
                progress: Callable[[int, int], None] | None = None,
                confidence: bool = True) -> list[list[tuple[str, int, int, float]]]:
        """Per piece, ``(label, start, end, confidence)`` spans: the confidence is the least
        marginal probability of the span's tags (:func:`tag_marginals`), rounded to 4 places;
        1.0 without ``confidence`` (not computed)."""
        import torch

        out: list[list[tuple[str, int, int, float]]] = [[] for _ in pieces]
        if not pieces:
            return out
        lengths = [len(p) for p in pieces]
        total, done = sum(lengths), 0
        tags, o_id, to_spans = self.tags, self.o_id, self.to_spans
        with torch.inference_mode():
            for batch in self.batches(lengths, batch_size):
                n = lengths[batch[0]]            # the longest: batches are sorted by length
                x = np.zeros((len(batch), n), dtype=np.int64)
                b = np.zeros((len(batch), n + 1), dtype=np.int64)
                lx = np.zeros((len(batch), n), dtype=np.int64) if self.table is not None else None
                for r, i in enumerate(batch):
                    # (memory) a batch's features only: those of every piece of a long text
                    # at once cost about 100 bytes per character
                    ids, big, lex = self.features(pieces[i])
                    k = len(ids)
                    x[r, :k] = ids
                    b[r, :k + 1] = big
                    if lx is not None:
                        lx[r, :k] = lex
                inputs = {f"{self.field}_id": torch.from_numpy(x), f"{BIGRAM_VOCAB}_id": torch.from_numpy(b)}
                if lx is not None:
                    inputs[f"{LEXICON_VOCAB}_id"] = torch.from_numpy(lx)
                emissions, mask = self.model(inputs[f"{self.field}_id"], batch=inputs)
                best = viterbi(self.crf, emissions, mask)
                # (speed) the rows with a span, and the marginals of those rows only
                spanned = [r for r, i in enumerate(batch)
                           if o_id < 0 or (best[r, :lengths[i]] != o_id).any()]
                marg = tag_marginals(self.crf, emissions, mask, best, spanned) if spanned and confidence else None
                for j, r in enumerate(spanned):
                    i = batch[r]
                    row = best[r, :lengths[i]]
                    out[i] = [(label, s, e + 1, round(float(marg[j, s:e + 1].min()), 4) if confidence else 1.0)
                              for label, (s, e) in to_spans([tags[t] for t in row.tolist()])]
                if progress is not None:
                    done += sum(lengths[i] for i in batch)
                    progress(done, total)
        return out
