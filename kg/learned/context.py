"""A span's context as the NER model reads it: a dense vector of the model's BiLSTM states.

The span models see a candidate through its characters, bigrams and neighbours (hashed string
features).  Those are the words of the pages they were trained on: on pages of other topics a
cluster name (高端装备制造产业集群) is made of bigrams the model never saw.  The NER model's BiLSTM
was trained on far more text (People's Daily, CLUENER, MSRA, Resume and the real pages' names);
its states at a span's edges say how that text reads there (a name's start, a word's end)
whatever the topic.  Offline on realpages (session 42, docs/evaluation.md), the Cluster span
model with these states beside its features ranked dev's gold cluster names far better (best F2
0.40 -> 0.50) and train's out-of-fold ones a little better (0.52 -> 0.58); in the layer it keeps
more gold cluster names, but the in_cluster pairs over them went wrong more often until the pair
model read the context of both its arguments too (a pair's vector: its two arguments' vectors one
after the other).  The shipped Cluster span model and in_cluster pair model read it
(:data:`DEFAULT_CONTEXT_TYPES`): dev in_cluster 17.6 -> 32.7, overall 75.6 -> 76.5.

The vector of span [s, e) from the states of its sentence (run as the NER model's pieces: cut
at ``max_len`` as :meth:`kg.ner.NerTagger.tag_sentences` cuts it, framed by the corpus marker):
the backward state at s, the forward state at e - 1 (each direction's summary of the span), the
forward state at s - 1 and the backward state at e (the text around it; zeros past the sentence's
edge), and the mean of both directions' states over the span: 6 × the LSTM's hidden size
(768 for kg's model).  A piece is run alone (a batch of one, no padding), so its states do not
depend on what else is tagged: the same in training and in every build.
"""

from __future__ import annotations

import bisect

import numpy as np

from ..model import Document, KgError

# the span and pair models that read the context by default (`kg model train-relations
# --context-types`, and a training given an encoder and no types)
DEFAULT_CONTEXT_TYPES = ("Cluster", "in_cluster")
# (memory) the states of at most this many sentences are kept per document (1 KB a character);
# one computed again gives the same states (a sentence is run alone)
_KEPT = 64


class ContextEncoder:
    """The BiLSTM of a loaded :class:`kg.ner.NerTagger` (kg's char-bigram-lexicon model with the
    fast path, :class:`kg.ner_fast.FastTagger`), run on one piece at a time."""

    def __init__(self, tagger):
        from ..ner_fast import FastTagger

        if not FastTagger.supports(tagger.component):
            raise KgError(f"{tagger.path}: this NER model has no BiLSTM states kg can read "
                          "(span context features need kg's char-bigram model)")
        self.fast = FastTagger(tagger.component)
        self.model = tagger.component.model
        self.max_len = tagger.max_len
        self.marker = tagger.marker
        self.version = tagger.version
        self.criterion = tagger.criterion
        self.hidden = int(self.model.word_lstm.hidden_size)
        self.dim = 6 * self.hidden

    def states(self, text: str) -> np.ndarray:
        """(len(text), 2 × hidden) float32 (the model's own precision): the forward then backward
        state at each character (zeros for whitespace-only pieces, which NER skips too)."""
        import torch

        from ..ner import BIGRAM_VOCAB, LEXICON_VOCAB, Piece, chunk_text

        out = np.zeros((len(text), 2 * self.hidden), dtype=np.float32)
        lead = 1 if self.marker else 0
        with torch.inference_mode():
            for a, b in chunk_text(text, self.max_len):
                piece = text[a:b]
                if not piece.strip():
                    continue
                ids, big, lex = self.fast.features(Piece(piece, self.marker))
                batch = {f"{self.fast.field}_id": torch.tensor([ids]),
                         f"{BIGRAM_VOCAB}_id": torch.tensor([big])}
                if lex is not None:
                    batch[f"{LEXICON_VOCAB}_id"] = torch.tensor([lex])
                x = batch[f"{self.fast.field}_id"]
                emb = self.model.embed(batch, mask=x.gt(0))
                h, _ = self.model.word_lstm(emb)
                out[a:b] = h[0, lead:lead + len(piece)].numpy()
        return out


class DocContext:
    """The context vectors of one document's spans (:class:`ContextEncoder`), for the span
    types in ``types``; a sentence's states are computed when a span in it first asks, and kept
    for the next spans (those of the last ``_KEPT`` sentences)."""

    def __init__(self, encoder: ContextEncoder, doc: Document, types):
        self.encoder = encoder
        self.types = frozenset(types)
        units = [(s.start, s.text) for s in doc.sentences] or [(0, doc.text)]
        self._starts = [u[0] for u in units]
        self._texts = [u[1] for u in units]
        self._states: dict[int, np.ndarray] = {}

    def release(self) -> None:
        """Forget the kept sentence states (memory: a training holds every document's candidates;
        a later vector computes its sentence's states again, the same numbers)."""
        self._states.clear()

    def vector(self, s: int, e: int) -> np.ndarray:
        """The context vector of span [s, e) (module doc); zeros for a span outside every sentence."""
        h = self.encoder.hidden
        out = np.zeros(self.encoder.dim)
        k = bisect.bisect_right(self._starts, s) - 1
        if k < 0:
            return out
        base, n = self._starts[k], len(self._texts[k])
        a, b = s - base, min(e - base, n)
        if not 0 <= a < b:
            return out
        H = self._states.get(k)
        if H is None:
            if len(self._states) >= _KEPT:
                del self._states[next(iter(self._states))]
            H = self._states[k] = self.encoder.states(self._texts[k])
        out[0:h] = H[a, h:]                   # backward state at the start
        out[h:2 * h] = H[b - 1, :h]           # forward state at the end
        if a > 0:
            out[2 * h:3 * h] = H[a - 1, :h]   # forward state before the start
        if b < n:
            out[3 * h:4 * h] = H[b, h:]       # backward state after the end
        out[4 * h:] = H[a:b].astype(np.float64).sum(axis=0) / (b - a)
        return out
