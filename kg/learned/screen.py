"""A screen of span candidates: which ones can reach their model's floor, decided in numpy.

The learned layer keeps only the Action, Member and Project span candidates its models score at
least their floor (``LearnedLayer.apply``), about 0.5 % of them on news text; making the features
of the other 99.5 % one string at a time (:meth:`DocCandidates._span_feats`) was most of the
layer's time.  :class:`SpanScreen` computes every candidate's logit from the same features in
numpy, a chunk of spans at a time, and passes on only the candidates whose logit reaches their
floor's (the layer's: the threshold, times ``pair_span_scale`` where that is under 1) less
``_EPS``; they are then featured and scored exactly as before.  Its logits are the exact ones up to
float rounding (about 1e-15 against a margin of ``_EPS`` = 1e-6), so the spans it drops are spans
the layer would drop: the layer's output is the same with or without it (tests compare both, and
the screen's logits with the exact ones on every candidate of their documents).

**How a feature's weight is found without its string.** A feature ``S:K:tpl=value`` sits in
bucket ``crc32(utf8(feature)) % dim`` (:func:`kg.learned.linear.hash_features`).  CRC-32 is
affine in its start value, so ``crc32(prefix + v) == crc32(v) ^ shift[len(v)]`` with a
``shift`` fixed by the prefix (:func:`_prefix_shift`), and the CRC of two strings joined is that
of the second XOR a GF(2)-linear function of the first's (:meth:`SpanScreen._join`, four table
look-ups).  So the CRC of every character of a document (:attr:`SpanScreen.cp_crc`, by code
point) gives, in numpy, the CRC of every value (one or two characters, ``l1|r1``) and then the
bucket of every feature of every span: no strings, no vocabulary, memory by the document.

**What it mirrors.** Each feature of ``_span_feats`` for the screened types has its term here
(:meth:`SpanScreen.logits`).  Not screened (they pass): Cluster spans (their model reads the NER
model's context), a type whose model is no linear one or reads a dense vector (``dense_w``) or
whose floor is 0 or over ``_MAX_FLOOR``, candidates with word classes (``DocCandidates.classes``),
spans longer than ``_MAX_WIDTH`` (memory: a chunk's arrays are as wide as its longest span), and
a text with a lone surrogate.  A change to ``_span_feats`` must be made here too:
``tests/test_learned_screen.py`` fails otherwise (it compares the logits on every candidate of
invented pages that hold every feature; leaving out any one term fails it).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator

import numpy as np

from .candidates import _CLAUSE_END, PARTIAL_FLAGS, PARTIAL_VALUES, DocCandidates, EntityGroup, Span
from .linear import LinearModel

SCREENED = ("Action", "Member", "Project")
_EPS = 1e-6                 # logit margin under the floor (float error of the sums: ~1e-15)
_CHUNK = 4096               # spans screened in one batch of arrays
_CHAR_TPL = ("l1", "f1", "r1", "b1", "c")       # features whose value is one character (or ^ $ "")
_BG_TPL = ("l2", "f2", "r2", "b2", "bg")        # features whose value is up to two characters
# (the Cluster spans' counted=N is not here: Cluster spans are never screened)
_FLAGS = ("rule", "quoted", "clause_start", "digit", "mtype=Project",
          "mtype=Organization", "near_cluster", "is=Organization", "is=Project",
          "starts_with=Place", "starts_with=Organization", "after=Place", "after=Organization")
_MAX_FLOOR = 0.999          # a floor above this screens nothing (the margin must stay above float spacing)
_MAX_WIDTH = 64             # (memory) a span longer than this passes unscreened: the arrays grow with the longest
_MAX_BYTES = 16             # the longest value's UTF-8 bytes: l1|r1 has at most 9
_CP = 0x110000              # code points


def _suffix_crcs(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The CRC-32 of each value's UTF-8 bytes, and their number."""
    enc = [v.encode() for v in values]
    return (np.fromiter(map(zlib.crc32, enc), dtype=np.int64, count=len(enc)),
            np.fromiter(map(len, enc), dtype=np.int64, count=len(enc)))


def _start_shift(start: int, n: int) -> int:
    """What CRC-32's start value ``start`` adds to the CRC of any ``n`` bytes after it:
    ``crc32(v, start) == crc32(v) ^ _start_shift(start, len(v))`` (CRC-32 is affine in its start
    value; the shift is GF(2)-linear in it)."""
    return zlib.crc32(bytes(n), start) ^ zlib.crc32(bytes(n))


def _prefix_shift(prefix: str) -> np.ndarray:
    """``shift[n]`` such that ``crc32(prefix + v) == crc32(v) ^ shift[len(v)]`` for any ``v`` of
    ``n`` bytes: the prefix's CRC is the start value of ``v``'s (:func:`_start_shift`)."""
    p = zlib.crc32(prefix.encode())
    return np.array([_start_shift(p, n) for n in range(_MAX_BYTES + 1)], dtype=np.int64)


def _join_tables() -> np.ndarray:
    """``T[n, j, b]``: :func:`_start_shift` of a start value whose byte ``j`` is ``b`` (the others
    0), for ``n`` bytes after it (:meth:`SpanScreen._join`); the shift is linear over GF(2), so a
    CRC's is the XOR of its four bytes'."""
    return np.array([[[_start_shift(b << (8 * j), n) for b in range(256)] for j in range(4)] for n in range(5)],
                    dtype=np.int64)


class SpanScreen:
    """Drops the span candidates that cannot score their type's floor (see the module)."""

    def __init__(self, models: dict, floors: dict[str, float]):
        self.types = tuple(T for T in SCREENED
                           if isinstance(models.get(T), LinearModel) and models[T].dense_w is None
                           and 0.0 < floors.get(T, 0.0) <= _MAX_FLOOR)
        self.models = [models[T] for T in self.types]
        self.keys = [T[:3] for T in self.types]
        self.index = {T: i for i, T in enumerate(self.types)}
        # every model's weights in one array: model i's bucket b at offset[i] + b
        self.offset = np.cumsum([0] + [m.dim for m in self.models[:-1]]).astype(np.int64)
        self.dim = np.array([m.dim for m in self.models], dtype=np.int64)
        self.weights = np.concatenate([m.weights for m in self.models]) if self.models else np.zeros(0)
        # the logit each type must reach: the floor's, less the margin
        self.cut = np.array([math.log(floors[T] / (1 - floors[T])) - _EPS for T in self.types])
        # the bias and the feature every span has (S:K)
        self.const = np.array([m.bias + self._w(i, [f"S:{K}"])[0]
                               for i, (K, m) in enumerate(zip(self.keys, self.models))])
        self.len_w = np.array([self._w(i, [f"S:{K}:len={v}" for v in range(16)]) for i, K in enumerate(self.keys)])
        self.blen_w = np.array([self._w(i, [f"S:{K}:blen={v}" for v in range(11)]) for i, K in enumerate(self.keys)])
        self.flag_w = {fl: np.array([self._w(i, [f"S:{K}:{fl}"])[0] for i, K in enumerate(self.keys)])
                       for fl in _FLAGS}
        self.head_w: dict[str, np.ndarray] = {}
        # shift[tpl][model, n]: see _prefix_shift
        self.shift = {tpl: np.array([_prefix_shift(f"S:{K}:{tpl}=") for K in self.keys]).reshape(
            len(self.keys), _MAX_BYTES + 1) for tpl in _CHAR_TPL + _BG_TPL + ("l1r1",)}
        self.join_t = _join_tables()
        # by code point: the CRC-32 of its UTF-8 bytes, their number, a clause end, str.isdigit
        # (filled as code points are first met: 9 MB)
        self.cp_crc = np.zeros(_CP, dtype=np.uint32)
        self.cp_len = np.zeros(_CP, dtype=np.uint8)
        self.cp_seen = np.zeros(_CP, dtype=bool)
        self.cp_clause = np.zeros(_CP, dtype=bool)
        self.cp_digit = np.zeros(_CP, dtype=bool)
        # (CRC-32, bytes) of l1's value at the text's start, r1's at its end, l1r1's bar
        crc, nb = _suffix_crcs(["^", "$", "|"])
        self.caret, self.dollar, self.bar = zip(crc.tolist(), nb.tolist())

    def _w(self, i: int, feats: list[str]) -> np.ndarray:
        return self.models[i].weights_of(feats)

    def learn(self, cps: np.ndarray) -> None:
        """Fill the code point tables for the code points of ``cps`` not met yet."""
        new = cps[~self.cp_seen[cps]]
        if len(new):
            new = np.unique(new)
            chars = [chr(c) for c in new.tolist()]
            self.cp_crc[new], self.cp_len[new] = _suffix_crcs(chars)
            self.cp_clause[new] = [c in _CLAUSE_END for c in chars]
            self.cp_digit[new] = [c.isdigit() for c in chars]
            self.cp_seen[new] = True

    def _join(self, crc_a: np.ndarray, crc_b: np.ndarray, len_b: np.ndarray) -> np.ndarray:
        """The CRC-32 of a + b from the CRCs of a and b and b's length in bytes (at most 4):
        ``crc32(b, start=crc32(a)) == crc32(b) ^ G(crc32(a), len(b))``, G linear (_join_tables)."""
        t = self.join_t
        return (crc_b ^ t[len_b, 0, crc_a & 255] ^ t[len_b, 1, (crc_a >> 8) & 255]
                ^ t[len_b, 2, (crc_a >> 16) & 255] ^ t[len_b, 3, crc_a >> 24])

    def _gather(self, tpl: str, k: np.ndarray, crc: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The weights of ``S:K:tpl=value`` for values given as (CRC, bytes), model ``k`` each."""
        return self.weights[self.offset[k] + (crc ^ self.shift[tpl][k, n]) % self.dim[k]]

    # ------------------------------------------------------------------ screening
    def filter(self, cands: DocCandidates, spans: Iterator[Span]) -> Iterator[Span]:
        """``spans`` (of ``cands``) in their order, less the screened ones that cannot reach their
        floor; every span of a type not screened passes."""
        if not self.types or cands.classes is not None:
            yield from spans
            return
        made: list[_DocArrays] = []         # the document's arrays, made for its first screened span
        chunk: list[Span] = []
        for sp in spans:
            chunk.append(sp)
            if len(chunk) >= _CHUNK:
                yield from self._pass(cands, made, chunk)
                chunk = []
        if chunk:
            yield from self._pass(cands, made, chunk)

    def _pass(self, cands: DocCandidates, made: list, chunk: list[Span]) -> Iterator[Span]:
        index = self.index
        # (memory) a long span passes unscreened: the chunk's arrays are as wide as its longest
        mine = [sp for sp in chunk if sp.type in index and sp.end - sp.start <= _MAX_WIDTH]
        if mine and not made:
            made.append(_DocArrays(self, cands))
        if not mine or not made[0].ok:
            yield from chunk
            return
        z = self.logits(made[0], mine)
        k = np.fromiter((index[sp.type] for sp in mine), dtype=np.int64, count=len(mine))
        drop = {id(sp) for sp, low in zip(mine, (z < self.cut[k]).tolist()) if low}
        for sp in chunk:
            if id(sp) not in drop:
                yield sp

    def logits(self, doc: "_DocArrays", spans: list[Span]) -> np.ndarray:
        """Each span's logit (the bias and its features' weights, as the model sums them)."""
        n = len(spans)
        idx = self.index
        k = np.fromiter((idx[sp.type] for sp in spans), dtype=np.int64, count=n)
        S = np.fromiter((sp.start for sp in spans), dtype=np.int64, count=n)
        E = np.fromiter((sp.end for sp in spans), dtype=np.int64, count=n)
        # the body: the span less its head word (as _span_feats cuts it)
        BE = np.fromiter((sp.end - len(sp.head) if sp.head and sp.text.endswith(sp.head) else sp.end
                          for sp in spans), dtype=np.int64, count=n)
        L, cc, cn, bc, bn = doc.n, doc.crc, doc.nbytes, doc.bi_crc, doc.bi_nbytes
        blen = BE - S
        g = self._gather
        # each feature's weights (float32 weights, summed in float64, as the model does)
        terms = [self.const[k], self.len_w[k, np.minimum(E - S, 30) // 2], self.blen_w[k, np.minimum(blen, 20) // 2]]
        # one character: l1 (^ at the start), f1, r1 ($ at the end), b1 ("" for no body)
        before, after, last = np.maximum(S - 1, 0), np.minimum(E, L - 1), np.maximum(BE - 1, 0)
        l1_crc = np.where(S > 0, cc[before], self.caret[0])
        l1_n = np.where(S > 0, cn[before], self.caret[1])
        r1_crc = np.where(E < L, cc[after], self.dollar[0])
        r1_n = np.where(E < L, cn[after], self.dollar[1])
        terms += [g("l1", k, l1_crc, l1_n), g("f1", k, cc[S], cn[S]), g("r1", k, r1_crc, r1_n),
                  g("b1", k, np.where(blen >= 1, cc[last], 0), np.where(blen >= 1, cn[last], 0))]
        # up to two characters: l2, f2, r2, b2 (one character or none at the text's edges)
        two_before, two_after, two_last = np.maximum(S - 2, 0), np.minimum(E, L - 2), np.maximum(BE - 2, 0)
        terms += [
            g("l2", k, np.where(S >= 2, bc[two_before], np.where(S == 1, cc[0], 0)),
              np.where(S >= 2, bn[two_before], np.where(S == 1, cn[0], 0))),
            g("f2", k, bc[S], bn[S]),
            g("r2", k, np.where(E <= L - 2, bc[two_after], np.where(E == L - 1, cc[L - 1], 0)),
              np.where(E <= L - 2, bn[two_after], np.where(E == L - 1, cn[L - 1], 0))),
            g("b2", k, np.where(blen >= 2, bc[two_last], np.where(blen == 1, cc[S], 0)),
              np.where(blen >= 2, bn[two_last], np.where(blen == 1, cn[S], 0)))]
        # l1|r1: l1, the bar, r1
        bar = self._join(l1_crc, np.full(n, self.bar[0], dtype=np.int64), np.full(n, self.bar[1]))
        terms.append(g("l1r1", k, self._join(bar, r1_crc, r1_n), l1_n + self.bar[1] + r1_n))
        # the head word
        for h in {sp.head for sp in spans} - self.head_w.keys():
            self.head_w[h] = np.array([self._w(i, [f"S:{K}:head={h}"])[0] for i, K in enumerate(self.keys)])
        hw = np.array([self.head_w[sp.head] for sp in spans]).reshape(n, len(self.types))
        terms.append(hw[np.arange(n), k])
        # flags
        fw = self.flag_w
        if doc.cands.rule_features:
            terms.append(fw["rule"][k] * np.fromiter((sp.rule for sp in spans), dtype=bool, count=n))
        terms.append(fw["quoted"][k] * np.fromiter((sp.quoted for sp in spans), dtype=bool, count=n))
        terms += [fw["clause_start"][k] * ((S == 0) | doc.clause[before] & (S > 0)),
                  fw["digit"][k] * (doc.digits[E] > doc.digits[S])]
        member = k == idx.get("Member", -1)
        if member.any():
            mt = np.fromiter((sp.member_type == "Project" for sp in spans), dtype=bool, count=n)
            mo = np.fromiter((sp.member_type == "Organization" for sp in spans), dtype=bool, count=n)
            terms += [fw["mtype=Project"][k] * (member & mt), fw["mtype=Organization"][k] * (member & mo)]
        near = member | (k == idx.get("Project", -1))
        if near.any() and len(doc.cluster_pos):
            cp = doc.cluster_pos
            j = np.searchsorted(cp, S - 300, side="left")
            hit = (j < len(cp)) & (cp[np.minimum(j, len(cp) - 1)] <= E + 100)
            terms.append(fw["near_cluster"][k] * (near & hit))
        z = np.array(terms, dtype=np.float64).sum(axis=0)
        # the rules' mentions at the start (few spans: one by one, as _span_feats)
        for i in np.flatnonzero(np.isin(S, doc.mention_starts)).tolist():
            sp, ki = spans[i], k[i]
            for m in doc.cands.starting_at.get(sp.start, ()):
                if m.type in ("Organization", "Project") and m.end == sp.end:
                    z[i] += fw[f"is={m.type}"][ki]
                if m.type in ("Place", "Organization") and m.end < sp.end:
                    z[i] += fw[f"starts_with={m.type}"][ki]
            for m in doc.cands.ending_at.get(sp.start, ()):
                if m.type in ("Place", "Organization"):
                    z[i] += fw[f"after={m.type}"][ki]
        # the body's characters (each once) and its two-character strings (each time)
        width = int(blen.max())
        if width > 0:
            cols = np.arange(width)[None, :]
            pos = np.minimum(S[:, None] + cols, L - 1)
            first = (cols < blen[:, None]) & (doc.prev[pos] < S[:, None])
            kk = np.broadcast_to(k[:, None], pos.shape)
            z += (g("c", kk, cc[pos], cn[pos]) * first).sum(axis=1, dtype=np.float64)
            if width > 1:
                pos2 = np.minimum(pos, L - 2)
                inner = cols < (blen - 1)[:, None]
                z += (g("bg", kk, bc[pos2], bn[pos2]) * inner).sum(axis=1, dtype=np.float64)
        return z


class _DocArrays:
    """One document's characters as arrays, for :meth:`SpanScreen.logits`: by position, the
    CRC-32 and UTF-8 length of the character and of the two characters starting there, the
    previous position of the same character, digits before it, a clause end (19 bytes a
    character while the document is screened)."""

    def __init__(self, screen: SpanScreen, cands: DocCandidates):
        self.cands = cands
        t = cands.t
        self.n = L = len(t)
        try:
            raw = t.encode("utf-32-le")
        except UnicodeEncodeError:
            # a lone surrogate (no decoded file has one): the document is not screened, so that
            # it fails, or not, as the exact path does
            self.ok = False
            return
        self.ok = True
        cps = np.frombuffer(raw, dtype=np.uint32)
        screen.learn(cps)
        self.crc = screen.cp_crc[cps]
        self.nbytes = screen.cp_len[cps]
        self.clause = screen.cp_clause[cps]
        if L > 1:
            self.bi_crc = screen._join(self.crc[:-1], self.crc[1:], self.nbytes[1:]).astype(np.uint32)
            self.bi_nbytes = self.nbytes[:-1] + self.nbytes[1:]
        else:
            self.bi_crc, self.bi_nbytes = np.zeros(1, dtype=np.uint32), np.zeros(1, dtype=np.uint8)
        # the previous position of each position's character (-1: none)
        order = np.argsort(cps, kind="stable").astype(np.int32)
        same = cps[order[1:]] == cps[order[:-1]]
        self.prev = np.full(L, -1, dtype=np.int32)
        self.prev[order[1:][same]] = order[:-1][same]
        del order, same
        self.digits = np.concatenate([np.zeros(1, dtype=np.int32),
                                      np.cumsum(screen.cp_digit[cps], dtype=np.int32)])
        self.cluster_pos = np.asarray(cands._cluster_head_starts(), dtype=np.int64)
        self.mention_starts = np.asarray(sorted(set(cands.starting_at) | set(cands.ending_at)), dtype=np.int64)


class GroupScreen:
    """Drops the generated Person groups (a surname and one or two characters, gazetteer names:
    :meth:`DocCandidates.generated_mentions`) that cannot reach the Person model's threshold.

    At 1M PD98 they are 31,066 of the 54,909 entity groups and 1,661 of them are kept; the
    name-generator's alone are 28,566, 123 kept, most scored far under the threshold (median
    logit 6.4 under it).  A group's partial features (``group_feats(g, partial=True)``: all but
    the costly families, those that read the document's occurrence index, its lists and the
    mentions around each occurrence) are scored as the model scores (``math.fsum``, exact); what
    the left-out features can add is at most each value family's largest weight
    (:data:`~kg.learned.candidates.PARTIAL_VALUES`: one value each), each flag's weight where
    positive (:data:`~kg.learned.candidates.PARTIAL_FLAGS`, and ``in=TYPE`` for every type of the
    document's mentions).  A group whose partial logit plus that bound stays under the threshold's
    logit less ``_EPS`` is dropped; the others are featured and scored in full, as before.  Only
    Person groups: a generated group under its threshold adds nothing but for places (the layer's
    listed places and the places that open a cluster's name read Place scores under it), so the
    layer's output is the same with or without the screen."""

    TYPE = "Person"

    def __init__(self, model, threshold: float):
        self.model = model
        self.ok = isinstance(model, LinearModel) and model.dense_w is None and 0.0 < threshold <= _MAX_FLOOR
        if not self.ok:
            return
        self.cut = math.log(threshold / (1 - threshold)) - _EPS
        self.prefix = f"E:{self.TYPE[:3]}:"
        # what each left-out family can add: a value family its largest weight, a flag its weight
        # where positive, in=TYPE (by type, as a document's mentions come) its weight where positive
        self.bounds = {k: max(self._w(f"{k}={v}") for v in values) for k, values in PARTIAL_VALUES.items()}
        self.bounds.update({k: max(0.0, self._w(k)) for k in PARTIAL_FLAGS})
        self.fixed = sum(self.bounds.values())
        self.in_bounds: dict[str, float] = {}

    def _w(self, name: str) -> float:
        return float(self.model.weights_of([self.prefix + name])[0])

    def bound(self, cands: DocCandidates) -> float:
        """What the left-out features of a group of ``cands`` can add to its logit at most."""
        types = sorted({x.type for x in cands.result.mentions})
        for typ in types:
            if typ not in self.in_bounds:
                self.in_bounds[typ] = max(0.0, self._w(f"in={typ}"))
        return self.fixed + sum(self.in_bounds[typ] for typ in types)

    def filter(self, cands: DocCandidates, groups: list[EntityGroup]) -> list[EntityGroup]:
        """``groups`` (of ``cands``' last ``entity_groups``) in their order, less the generated
        Person groups that cannot reach the threshold."""
        todo = [g for g in groups if g.type == self.TYPE and g.generated] if self.ok else []
        if not todo:
            return groups
        bound = self.bound(cands)
        partial = self.model.logits(cands.group_feats(g, partial=True) for g in todo)
        drop = {id(g) for g, z in zip(todo, partial) if z + bound < self.cut}
        return [g for g in groups if id(g) not in drop]
