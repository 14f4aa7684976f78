"""kg's named-entity tagger: a HanLP char BiLSTM-CRF trained by :mod:`kg.ner_train`.

The model lives in ``kg/models/ner/`` (HanLP ``config.json`` + ``vocabs.json`` + ``model.pt``,
plus ``labels.json``, kg's label -> type map).  It is loaded from that directory with
``hanlp.load(path)``; nothing is downloaded.

Model labels and kg types::

    PER  -> Person                 GOV -> Organization (government)
    POST -> Post                   COM -> Organization (enterprise)
    LOC  -> Place                  ORG -> Organization (other)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Sequence

from kg.model import NER_SOURCE, Document, KgError, Mention

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "ner"
LABELS_FILE = "labels.json"
CRITERIA_FILE = "criteria.json"
MODEL_FILES = ("config.json", "vocabs.json", "model.pt", LABELS_FILE, CRITERIA_FILE)

# Corpus markers ("criteria"): a model trained with them saw every sentence framed by its corpus'
# token, ``<msra> 李 鹏 ... <msra>``, and so learned each corpus' annotation conventions apart
# (MSRA's organisations and names vs CLUENER's subtypes and long addresses).  At tagging time one
# criterion is chosen (``criteria.json``'s default, or ``NerTagger.load(criterion=...)``).
CRITERIA = {"cluener": "<cluener>", "resume": "<resume>", "msra": "<msra>"}

# Used when the model directory has no labels.json.
DEFAULT_LABELS: dict[str, tuple[str, str | None]] = {
    "PER": ("Person", None),
    "POST": ("Post", None),
    "GOV": ("Organization", "government"),
    "COM": ("Organization", "enterprise"),
    "ORG": ("Organization", "other"),
    "LOC": ("Place", None),
}

# Where a long sentence may be cut (after these characters), best first.
_CUT_AFTER = ("。！？!?；;", "，,、：:", "）)」』”\"' ")

Span = tuple[int, int, str, str | None]   # start, end (exclusive), kg type, subtype
ScoredSpan = tuple[int, int, str, str | None, float]   # ... and the model's confidence


BIGRAM_VOCAB = "bigram"
BOS, EOS = "<s>", "</s>"


def char_bigrams(chars: Sequence[str]) -> list[str]:
    """The n+1 bigrams of ``<s> c0 ... cn-1 </s>``; char i sits between bigram i and i+1."""
    padded = [BOS, *chars, EOS]
    return [padded[j] + padded[j + 1] for j in range(len(padded) - 1)]


# Lexicon features: a word list (from People's Daily 1998, see kg.ner_train.build_lexicon) stored in
# the model's vocabs as ``"<type><word>"`` tokens.  For each character the model sees, per word
# type, whether some listed word of that type begins (B), continues (M) or ends (E) at it.
LEXICON_VOCAB = "lexicon"
LEXICON_TYPES = ("W", "P", "L", "O")        # any word, person name, place name, organisation name
LEXICON_BITS = 3 * len(LEXICON_TYPES)
LEXICON_MAX_WORD = 8


def lexicon_table(tokens) -> dict[str, int]:
    """``{word: type bits}`` from lexicon vocabulary tokens (``"P江泽民"``); other tokens are skipped."""
    table: dict[str, int] = {}
    for tok in tokens:
        if len(tok) < 3 or tok[0] not in LEXICON_TYPES:
            continue
        word = tok[1:]
        if len(word) <= LEXICON_MAX_WORD:
            table[word] = table.get(word, 0) | (1 << LEXICON_TYPES.index(tok[0]))
    return table


def lexicon_features(chars: Sequence[str], table: dict[str, int]) -> list[int]:
    """One bit mask per character: bit ``3*t + k`` is set when a word of type ``t`` (index into
    :data:`LEXICON_TYPES`) has its Begin (k=0), Middle (1) or End (2) at that character.  Only
    words of 2+ characters count; a multi-character token (a corpus marker) matches nothing."""
    s = "".join(c if len(c) == 1 else "\x00" for c in chars)
    n = len(s)
    out = [0] * n
    for i in range(n - 1):
        for j in range(i + 2, min(n, i + LEXICON_MAX_WORD) + 1):
            types = table.get(s[i:j])
            if not types:
                continue
            for t in range(len(LEXICON_TYPES)):
                if types >> t & 1:
                    b, m, e = 1 << 3 * t, 2 << 3 * t, 4 << 3 * t
                    out[i] |= b
                    out[j - 1] |= e
                    for k in range(i + 1, j - 1):
                        out[k] |= m
    return out


def _make_bigram_embedding_classes():
    """Char + char-bigram embedding for HanLP's RNNTaggingModel (defined lazily: needs torch).

    The model sees, for char i, [emb(c_i); emb(c_{i-1}c_i); emb(c_i c_{i+1})] -- the "bichar"
    features of Zhang & Yang (2018).  The bigram vocabulary is fixed before training (the most
    frequent bigrams) so that the model stays small; other bigrams map to <unk>.
    """
    import torch
    from torch import nn
    from hanlp.layers.embeddings.embedding import Embedding, EmbeddingDim

    class _BigramIds:
        def __init__(self, vocab, field: str = "token", lexicon=None):
            self.vocab = vocab
            self.field = field
            self.lexicon = None
            if lexicon is not None:       # HanLP builds this transform on every predict call
                self.lexicon = getattr(lexicon, "_kg_table", None)
                if self.lexicon is None:
                    self.lexicon = lexicon_table(lexicon.idx_to_token)
                    lexicon._kg_table = self.lexicon

        def __call__(self, sample: dict) -> dict:
            chars = sample.get(self.field)
            if chars is not None:
                v = self.vocab
                sample[f"{BIGRAM_VOCAB}_id"] = [v.get_idx_without_add(b) for b in char_bigrams(chars)]
                if self.lexicon is not None:
                    sample[f"{LEXICON_VOCAB}_id"] = lexicon_features(chars, self.lexicon)
            return sample

        def __eq__(self, other):
            return (isinstance(other, _BigramIds) and other.field == self.field
                    and (other.lexicon is None) == (self.lexicon is None))

        def __hash__(self):
            return hash((self.field, self.lexicon is None))

    class CharBigramModule(nn.Module, EmbeddingDim):
        def __init__(self, n_chars: int, char_dim: int, n_bigrams: int, bigram_dim: int, field: str = "token",
                     lexicon_dim: int = 0):
            super().__init__()
            self.field = field
            self.char = nn.Embedding(n_chars, char_dim, padding_idx=0)
            self.bigram = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0)
            self._dim = char_dim + 2 * bigram_dim
            if lexicon_dim:                 # the 12 lexicon bits -> lexicon_dim features
                self.lexicon = nn.Linear(LEXICON_BITS, lexicon_dim)
                self.register_buffer("_bit", 2 ** torch.arange(LEXICON_BITS), persistent=False)
                self._dim += lexicon_dim
            else:
                self.lexicon = None

        @property
        def embedding_dim(self) -> int:
            return self._dim

        def forward(self, batch: dict, mask=None, **kwargs):
            x = batch[f"{self.field}_id"]
            b = batch[f"{BIGRAM_VOCAB}_id"]
            n = x.size(1)
            if b.size(1) < n + 1:       # padded to the longest bigram row; make room for EOS row
                b = torch.nn.functional.pad(b, (0, n + 1 - b.size(1)))
            bg = self.bigram(b[:, : n + 1])
            parts = [self.char(x), bg[:, :n], bg[:, 1: n + 1]]
            if self.lexicon is not None:
                lx = batch[f"{LEXICON_VOCAB}_id"][:, :n]
                if lx.size(1) < n:
                    lx = torch.nn.functional.pad(lx, (0, n - lx.size(1)))
                bits = (lx.unsqueeze(-1) & self._bit).ne(0).to(self.lexicon.weight.dtype)
                parts.append(self.lexicon(bits))
            return torch.cat(parts, dim=-1)

    class CharBigramEmbedding(Embedding):
        def __init__(self, char_dim: int = 100, bigram_dim: int = 50, field: str = "token",
                     lexicon_dim: int = 0) -> None:
            super().__init__()
            self.char_dim = char_dim
            self.bigram_dim = bigram_dim
            self.field = field
            self.lexicon_dim = lexicon_dim

        def transform(self, vocabs=None, **kwargs):
            lexicon = vocabs[LEXICON_VOCAB] if self.lexicon_dim else None
            return _BigramIds(vocabs[BIGRAM_VOCAB], self.field, lexicon)

        def module(self, vocabs=None, **kwargs):
            return CharBigramModule(len(vocabs[self.field]), self.char_dim, len(vocabs[BIGRAM_VOCAB]),
                                    self.bigram_dim, self.field, self.lexicon_dim)

    return CharBigramEmbedding, CharBigramModule


def __getattr__(name: str):
    # ``kg.ner.CharBigramEmbedding`` is the classpath HanLP stores in the model's config.json.
    if name in ("CharBigramEmbedding", "CharBigramModule"):
        emb, mod = _make_bigram_embedding_classes()
        globals()["CharBigramEmbedding"], globals()["CharBigramModule"] = emb, mod
        return globals()[name]
    raise AttributeError(name)


def model_version(path: str | os.PathLike) -> str:
    """Short content hash of the model files (changes whenever the model does)."""
    h = hashlib.sha256()
    p = Path(path)
    for name in MODEL_FILES:
        f = p / name
        if f.is_file():
            h.update(name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def read_criteria(path: str | os.PathLike) -> dict | None:
    """The model's ``criteria.json`` (``{"markers": {corpus: token}, "default": corpus}``), or None
    for a model trained without corpus markers.  Raises :class:`KgError` naming a bad file."""
    cf = Path(path) / CRITERIA_FILE
    if not cf.is_file():
        return None
    try:
        crit = json.loads(cf.read_text(encoding="utf-8"))
        markers, default = dict(crit["markers"]), crit["default"]
    except (json.JSONDecodeError, TypeError, KeyError, ValueError, AttributeError) as e:
        raise KgError(f"{cf}: bad criteria file: {e}") from e
    if default not in markers:
        raise KgError(f"{cf}: bad criteria file: default {default!r} is not one of {', '.join(markers)}")
    return {"markers": markers, "default": default}


def select_criterion(path: str | os.PathLike, criterion: str | None) -> tuple[str | None, str | None]:
    """``(criterion, marker token)`` the model in ``path`` tags with: ``criterion``, or its default
    when None; ``(None, None)`` for a model without markers asked for none.  Raises
    :class:`KgError` naming the model for a criterion it does not have."""
    crit = read_criteria(path)
    if crit is None:
        if criterion is not None:
            raise KgError(f"{path}: this model was trained without corpus markers; it has no criterion "
                          f"{criterion!r}")
        return None, None
    criterion = criterion or crit["default"]
    if criterion not in crit["markers"]:
        raise KgError(f"{path}: unknown criterion {criterion!r}: the model has no NER criterion {criterion!r}, "
                      f"only {', '.join(crit['markers'])}")
    return criterion, crit["markers"][criterion]


class Piece(Sequence[str]):
    """One piece of a text as the model's tokens: the corpus marker (if any), each character,
    the marker.  (memory) The characters stay one string: a list of them holds a string object
    per character (about 80 bytes each for Han characters), for every piece of a text at once."""

    __slots__ = ("text", "marker")

    def __init__(self, text: str, marker: str | None = None):
        self.text = text
        self.marker = marker

    def __len__(self) -> int:
        return len(self.text) + (2 if self.marker else 0)

    def __iter__(self):
        # (speed) a list made in C per pass, not a generator's step per character
        return iter([self.marker, *self.text, self.marker] if self.marker else self.text)

    def __getitem__(self, i):
        if not isinstance(i, int):
            return list(self)[i]       # a slice
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("Piece index out of range")
        if self.marker:
            return self.marker if i in (0, n - 1) else self.text[i - 1]
        return self.text[i]

    def __repr__(self) -> str:
        return f"Piece({self.text!r}, {self.marker!r})"


def chunk_text(text: str, max_len: int) -> list[tuple[int, int]]:
    """Cut ``text`` into [start, end) pieces of at most ``max_len`` characters, preferring to cut
    after sentence punctuation, then clause punctuation, then closing brackets/spaces; a
    piece without any of those is cut hard at ``max_len``.  The pieces cover the text exactly."""
    if max_len < 1:
        raise ValueError("max_len must be positive")
    pieces: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > max_len:
        window_end = start + max_len
        cut = None
        for chars in _CUT_AFTER:
            for i in range(window_end, start + max(1, max_len // 3), -1):
                if text[i - 1] in chars:
                    cut = i
                    break
            if cut:
                break
        cut = cut or window_end
        pieces.append((start, cut))
        start = cut
    if start < n:
        pieces.append((start, n))
    return pieces


FAST_ENV = "KG_NER_FAST"


def fast_default() -> bool:
    """Whether a new NerTagger uses the fast path (:mod:`kg.ner_fast`): yes, unless the
    environment sets ``KG_NER_FAST=0`` (HanLP's own ``component.predict``, same tags, slower)."""
    return os.environ.get(FAST_ENV, "1").strip() != "0"


class NerTagger:
    """Tags Person / Post / Organization / Place mentions with kg's own HanLP model."""

    def __init__(self, component, path: Path, labels: dict[str, tuple[str, str | None]],
                 max_len: int = 128, batch_size: int = 64, marker: str | None = None,
                 criterion: str | None = None, fast: bool | None = None):
        self.component = component
        self.path = path
        self.labels = labels
        self.max_len = max_len
        self.batch_size = batch_size
        self.marker = marker            # the corpus marker token framing every piece, or None
        self.criterion = criterion      # the corpus whose conventions it follows (None: no markers)
        self.version = model_version(path)
        self._fast = None               # the kg.ner_fast.FastTagger, built on first use
        self.fast = fast_default() if fast is None else fast

    @property
    def fast(self) -> bool:
        """True when tagging goes through :mod:`kg.ner_fast` (same tags as HanLP's
        ``component.predict``, less Python); False for HanLP's own path.  Setting True on a
        model the fast path does not support (see ``FastTagger.supports``) leaves it False."""
        return self._use_fast

    @fast.setter
    def fast(self, value: bool) -> None:
        from kg.ner_fast import FastTagger

        self._use_fast = bool(value) and FastTagger.supports(self.component)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, *, threads: int | None = 1,
             max_len: int = 128, batch_size: int = 64, criterion: str | None = None,
             fast: bool | None = None) -> "NerTagger":
        """Load the model in ``path`` (default: the one shipped in ``kg/models/ner/``).

        ``criterion`` picks the corpus conventions of a model trained with corpus markers
        (``criteria.json``; default: the one named there); it is an error for a model without.

        ``threads`` sets torch's (process-wide) intra-op thread count; the default 1 is as fast as 2
        for this small model and does not collapse when the CPU is shared (docs/ner.md, speed);
        None leaves torch's setting alone.  ``fast`` picks the tagging path (see :attr:`fast`;
        default: :func:`fast_default`, i.e. the fast path unless ``KG_NER_FAST=0``).  Raises
        :class:`KgError` naming the directory when it is not a usable model.
        """
        p = Path(path) if path else DEFAULT_MODEL_DIR
        missing = [n for n in ("config.json", "vocabs.json", "model.pt") if not (p / n).is_file()]
        if missing:
            raise KgError(f"{p}: not a kg NER model (missing {', '.join(missing)})")
        import torch
        import hanlp

        if threads:
            torch.set_num_threads(threads)
        try:
            component = hanlp.load(str(p.resolve()), devices=-1, verbose=False)
        except Exception as e:  # noqa: BLE001 -- HanLP raises many kinds; report them in one line
            raise KgError(f"{p}: cannot load the NER model: {type(e).__name__}: {e}") from e
        crf = getattr(component.model, "crf", None)
        if crf is not None:
            # Upstream bug: RNNTaggingModel passes crf_constraints (None) as CRF.batch_first, so
            # the CRF would read (batch, time) as (time, batch).  See kg.ner_train.patch_crf.
            crf.batch_first = True
        component.model.eval()
        labels = dict(DEFAULT_LABELS)
        lf = p / LABELS_FILE
        if lf.is_file():
            try:
                labels = {k: (v[0], v[1]) for k, v in json.loads(lf.read_text(encoding="utf-8")).items()}
            except (json.JSONDecodeError, TypeError, IndexError, AttributeError) as e:
                raise KgError(f"{lf}: bad label map: {e}") from e
        criterion, marker = select_criterion(p, criterion)
        return cls(component, p, labels, max_len=max_len, batch_size=batch_size, marker=marker,
                   criterion=criterion, fast=fast)

    # ------------------------------------------------------------------------------------
    def _fast_tagger(self):
        if self._fast is None:
            from kg.ner_fast import FastTagger

            self._fast = FastTagger(self.component)
        return self._fast

    def _predict(self, pieces: Sequence[Sequence[str]], batch_size: int,
                 progress: Callable[[int, int], None] | None = None,
                 confidence: bool = True) -> list[list[tuple[str, int, int, float]]]:
        """The model's ``(label, start, end, confidence)`` spans per piece.  ``progress(done,
        total)`` (pieces' characters, markers included) is called after each batch: the batches
        are HanLP's own (the fast path makes the same ones), counted as the model is fed them, so
        the computation is the same with or without it.

        The confidence is the CRF's (:func:`kg.ner_fast.tag_marginals`).  HanLP's path has
        none of its own: it takes the fast path's for the same spans (the same batches give the
        same emissions), at the cost of a second pass; 1.0 for a model the fast path does not
        know, and without ``confidence`` (then neither path computes it)."""
        import torch

        if not pieces:
            return []
        if self.fast:
            return self._fast_tagger().predict(pieces, batch_size, progress, confidence)
        comp = self.component
        if progress is not None:
            from hanlp_common.constant import IDX

            total = sum(map(len, pieces))
            done = 0
            feed = comp.feed_batch

            def counted(batch):
                nonlocal done
                out = feed(batch)
                done += sum(len(pieces[i]) for i in batch[IDX])
                progress(done, total)
                return out

            comp.feed_batch = counted          # an instance attribute over the class method
        try:
            with torch.no_grad():
                out = comp.predict([list(p) for p in pieces], batch_size=batch_size)
        finally:
            if progress is not None:
                del comp.feed_batch
        conf: list[dict[tuple[str, int, int], float]] = [{} for _ in pieces]
        from kg.ner_fast import FastTagger

        if confidence and FastTagger.supports(self.component):
            conf = [{(label, s, e): c for label, s, e, c in ents}
                    for ents in self._fast_tagger().predict(pieces, batch_size)]
        return [[(label, s, e, conf[i].get((label, s, e), 1.0)) for _surface, label, s, e in ents]
                for i, ents in enumerate(out)]

    def tag_sentences(self, texts: Sequence[str], batch_size: int | None = None,
                      progress: Callable[[int, int], None] | None = None,
                      confidence: bool = False) -> list[list[Span]] | list[list[ScoredSpan]]:
        """Tag each text; returns, per text, sorted ``(start, end, type, subtype)`` with offsets into
        that text (end exclusive), and with ``confidence`` the span's confidence as a fifth
        (see :meth:`_predict`).  Long texts are cut into pieces of at most ``max_len``
        characters and their offsets shifted back; all pieces are tagged in batches
        (``progress(done, total)`` after each, in characters)."""
        bs = batch_size or self.batch_size
        jobs: list[tuple[int, int]] = []        # (text index, piece offset)
        pieces: list[Piece] = []
        for ti, text in enumerate(texts):
            for a, b in chunk_text(text, self.max_len):
                piece = text[a:b]
                if not piece.strip():
                    continue
                # HanLP's vocab has no whitespace tokens worth keeping; a space stays one char
                jobs.append((ti, a))
                pieces.append(Piece(piece, self.marker))
        results: list[list[Span]] = [[] for _ in texts]
        lead = 1 if self.marker else 0
        for (ti, off), piece, ents in zip(jobs, pieces, self._predict(pieces, bs, progress, confidence)):
            inner = len(piece) - 2 * lead
            for label, s, e, conf in ents:
                typ = self.labels.get(label)
                if typ is None:
                    continue
                # a span never covers the markers (they are trained as O); clip to the text anyway
                s, e = max(s - lead, 0), min(e - lead, inner)
                s2, e2 = s + off, e + off
                # trim whitespace the model may have pulled into a span
                t = texts[ti]
                while s2 < e2 and t[s2].isspace():
                    s2 += 1
                while e2 > s2 and t[e2 - 1].isspace():
                    e2 -= 1
                if e2 > s2:
                    results[ti].append((s2, e2, typ[0], typ[1], conf) if confidence else (s2, e2, typ[0], typ[1]))
        for r in results:
            r.sort()
        return results

    def tag(self, doc: Document, progress: Callable[[int, int], None] | None = None) -> list[Mention]:
        """Mentions in ``doc`` (analysis offsets into ``doc.text``), sentence by sentence
        (``progress(done, total)``, in characters, after each batch of the model).

        A document without sentences is tagged as one text (sent_index -1 is never produced:
        it gets the index of the sentence containing the mention, or 0).  A mention's ``score``
        is the model's confidence in its span (:meth:`_predict`)."""
        return self.tag_many([doc], progress)[0]

    def tag_many(self, docs: Sequence[Document], progress: Callable[[int, int], None] | None = None
                 ) -> list[list[Mention]]:
        """:meth:`tag` of each document, all their sentences in one call of the model: its batches
        mix the documents' sentences, so that they are fuller and fewer than one document's
        (about 1.65x the characters per second on news articles of ~600 characters).  A sentence's
        emissions then come from other matrix shapes than with its document alone and may differ
        in their last float bits; the tags did not differ on any corpus checked, and the 4-place
        confidences by 0.0001 in 2 of 21,493 facts of a 1M-character corpus tagged in
        ``kg build``'s groups (docs/performance.md, "NER across documents")."""
        units: list[tuple[int, int, int, str]] = []      # (document, sentence index, start, text)
        for k, doc in enumerate(docs):
            if doc.sentences:
                units += [(k, s.index, s.start, s.text) for s in doc.sentences]
            else:
                units.append((k, 0, 0, doc.text))
        spans = self.tag_sentences([u[3] for u in units], progress=progress, confidence=True)
        out: list[list[Mention]] = [[] for _ in docs]
        for (k, idx, base, _), found in zip(units, spans):
            doc = docs[k]
            for s, e, typ, sub, conf in found:
                out[k].append(Mention(doc_id=doc.id, sent_index=idx, start=base + s, end=base + e,
                                      text=doc.text[base + s:base + e], type=typ, subtype=sub,
                                      source=NER_SOURCE, score=conf))
        return out

