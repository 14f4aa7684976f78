"""A hashed-feature logistic regression: small, deterministic, numpy only.

Features are strings ("R:sent", "S:l1=的"); each is hashed (CRC-32) into ``dim`` buckets.  Training
is Adagrad on the log loss with L2, over a fixed number of epochs in an order drawn from a seeded
generator; sums of weights are exact (``math.fsum``), so the same data gives the same weights and
the same scores in every run.  The model is saved as the
non-zero weights only (``.npz``) plus a JSON header (threshold, feature dimension, training
record).

A row may also carry a **dense** vector (:class:`FeatureRow`: a span's or a pair's context in the
NER model's BiLSTM, :mod:`kg.learned.context`); a model trained on such rows has a weight per
dimension too (``dense_w``, over the dimensions standardised by ``dense_mu`` / ``dense_sd``), and
a row's score is the exact sum of its hashed features' weights and its dense products.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DEFAULT_DIM = 1 << 18
_CHUNK = 1 << 16          # features scored in one gather (LinearModel.scores)
# the L2 weight and Adagrad step of the dense weights (offline on realpages/train's Cluster spans,
# session 42: 1e-3 / 0.05 against 1e-5 / 0.3 and 1e-2 / 0.05)
DENSE_L2 = 1e-3
DENSE_LR = 0.05


class FeatureRow(list):
    """A row of string features with a dense vector (``dense``: float64, one length for every
    row of a model) beside them."""

    __slots__ = ("dense",)

    def __init__(self, feats: Iterable[str] = (), dense: np.ndarray | None = None):
        super().__init__(feats)
        self.dense = dense


def _dense_of(rows: Sequence[Sequence[str]]) -> np.ndarray | None:
    """The rows' dense vectors as one (rows, k) float64 array; None when the rows have none, an
    error when only some have (a model is trained on one kind of row)."""
    vs = [getattr(r, "dense", None) for r in rows]
    if all(v is None for v in vs):
        return None
    if any(v is None for v in vs):
        raise ValueError("some feature rows have a dense vector and some do not")
    return np.asarray(np.stack(vs), dtype=np.float64)


def hash_features(feats: Sequence[str], dim: int) -> np.ndarray:
    """Bucket indices of ``feats`` (duplicates kept: a repeated feature counts twice): the CRC-32
    of each feature's UTF-8 bytes modulo ``dim``.  (speed) The CRCs through ``map`` (no Python
    frame per feature) and the modulo on the array."""
    crcs = np.fromiter(map(zlib.crc32, map(str.encode, feats)), dtype=np.int64, count=len(feats))
    crcs %= dim
    return crcs


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + np.exp(-z))
    ez = np.exp(z)
    return ez / (1.0 + ez)


@dataclass
class LinearModel:
    dim: int = DEFAULT_DIM
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    bias: float = 0.0
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)
    # dense weights (float64) over the standardised dense vector ((x - dense_mu) / dense_sd);
    # None: the model reads no dense vector
    dense_w: np.ndarray | None = None
    dense_mu: np.ndarray | None = None
    dense_sd: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.weights.size == 0:
            self.weights = np.zeros(self.dim, dtype=np.float32)

    # ------------------------------------------------------------------ scoring
    def score(self, feats: Sequence[str]) -> float:
        return self.scores([feats])[0]

    def scores(self, rows: Iterable[Sequence[str]]) -> list[float]:
        """The score of each row: the sigmoid of its :meth:`logits`."""
        return [float(_sigmoid(z)) for z in self.logits(rows)]

    def weights_of(self, feats: Sequence[str]) -> np.ndarray:
        """The weight of each feature (float64; a feature's bucket's, as the sums take it)."""
        return self.weights[hash_features(feats, self.dim)].astype(np.float64)

    def logits(self, rows: Iterable[Sequence[str]]) -> list[float]:
        """The logit of each row: the bias and its features' weights (and dense terms), summed
        exactly (``math.fsum``).  (speed) The features of all rows hashed and their weights
        gathered in one call each (a row's own calls cost more than its features do: most rows
        have 10-30), so many rows go faster in one call than one by one, with the same floats.
        math.fsum: numpy's float sums depend on the memory alignment of the gathered array, so
        the same features could score differently in the last bits from one run to another; it
        is exact, so a row sums to the same score whatever rows it is gathered with, and the
        rows are gathered in chunks of about ``_CHUNK`` features (memory).  ``rows`` is any
        iterable, a generator too."""
        out: list[float] = []
        chunk: list[Sequence[str]] = []
        n = 0
        for r in rows:
            # (memory) about _CHUNK features at a time: one long document has millions, and
            # their strings, buckets and weights cost ~150 bytes each; ``rows`` may be a
            # generator that makes each row as it is asked for
            chunk.append(r)
            n += len(r)
            if n >= _CHUNK:
                out += self._logits(chunk)
                chunk, n = [], 0
        if chunk:
            out += self._logits(chunk)
        return out

    def _logits(self, rows: Sequence[Sequence[str]]) -> list[float]:
        idx = hash_features([f for r in rows for f in r], self.dim)
        ws = self.weights[idx].tolist()
        dense = self._dense_terms(rows)
        out = []
        i = 0
        b = self.bias
        for k, r in enumerate(rows):
            j = i + len(r)
            terms = ws[i:j] if dense is None else ws[i:j] + dense[k]
            out.append(math.fsum(terms) + b)
            i = j
        return out

    def _dense_terms(self, rows: Sequence[Sequence[str]]) -> list[list[float]] | None:
        """Each row's dense products (weight × standardised value; element-wise, so exact and the
        same whatever rows are scored together), or None for a model without dense weights."""
        if self.dense_w is None:
            return None
        d = _dense_of(rows)
        if d is None or d.shape[1] != self.dense_w.size:
            raise ValueError(f"this model reads a dense vector of {self.dense_w.size} per row")
        return (((d - self.dense_mu) / self.dense_sd) * self.dense_w).tolist()

    # ------------------------------------------------------------------ training
    @classmethod
    def train(cls, rows: Sequence[Sequence[str]], labels: Sequence[int], *, dim: int = DEFAULT_DIM,
              epochs: int = 12, lr: float = 0.3, l2: float = 1e-5, seed: int = 13,
              pos_weight: float = 1.0, seeds: int = 1, dense_l2: float = DENSE_L2,
              dense_lr: float = DENSE_LR) -> "LinearModel":
        """Adagrad on the log loss; with ``seeds`` > 1 the mean of the models trained in the
        example orders of seeds ``seed`` .. ``seed + seeds - 1``: one model's weights depend on
        the order it saw the examples in, which every change of the examples redraws
        (docs/evaluation.md, "Session 13").  Rows with dense vectors (:class:`FeatureRow`) also
        train a weight per dimension of the vector, standardised by the rows' mean and standard
        deviation, with its own L2 weight ``dense_l2`` and step ``dense_lr`` (a dense dimension
        is in every row: the hashed features' values would let them dominate)."""
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1, not {seeds}")
        dense = _dense_of(rows)
        mu = sd = None
        if dense is not None:
            # (exact sums, as for the scores: numpy's reductions may round by the array's alignment)
            n = len(dense)
            mu = np.array([math.fsum(c) / n for c in dense.T.tolist()])
            sd = np.array([math.sqrt(math.fsum(c) / n) for c in ((dense - mu) ** 2).T.tolist()]) + 1e-6
            dense = (dense - mu) / sd
        X = [hash_features(r, dim) for r in rows]       # (once for every order)
        if seeds > 1:
            ms = [cls._train_one(X, dense, labels, dim, epochs, lr, l2, seed + k, pos_weight, dense_l2, dense_lr)
                  for k in range(seeds)]
            m = cls(dim=dim)
            m.weights = (np.sum([x.weights.astype(np.float64) for x in ms], axis=0) / seeds).astype(np.float32)
            m.bias = math.fsum(x.bias for x in ms) / seeds
            if dense is not None:
                m.dense_w = np.sum([x.dense_w for x in ms], axis=0) / seeds
        else:
            m = cls._train_one(X, dense, labels, dim, epochs, lr, l2, seed, pos_weight, dense_l2, dense_lr)
        if dense is not None:
            m.dense_mu, m.dense_sd = mu, sd
        return m

    @classmethod
    def _train_one(cls, X, dense, labels, dim, epochs, lr, l2, seed, pos_weight, dense_l2,
                   dense_lr) -> "LinearModel":
        """One order of :meth:`train` (``X``: the rows' hashed features, :func:`hash_features`;
        ``dense``: the standardised dense vectors, or None)."""
        m = cls(dim=dim)
        w = np.zeros(dim, dtype=np.float64)
        g2 = np.full(dim, 1e-8)
        b, gb2 = 0.0, 1e-8
        y = np.asarray(labels, dtype=np.float64)
        wd = g2d = None
        if dense is not None:
            wd = np.zeros(dense.shape[1])
            g2d = np.full(dense.shape[1], 1e-8)
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            for i in rng.permutation(len(X)):
                idx = X[i]
                terms = w[idx].tolist()
                if wd is not None:
                    terms += (wd * dense[i]).tolist()
                p = float(_sigmoid(math.fsum(terms) + b))
                g = (p - y[i]) * (pos_weight if y[i] > 0 else 1.0)
                if g == 0.0:
                    continue
                uniq, counts = np.unique(idx, return_counts=True)
                grad = g * counts + l2 * w[uniq]
                g2[uniq] += grad * grad
                w[uniq] -= lr * grad / np.sqrt(g2[uniq])
                if wd is not None:
                    gd = g * dense[i] + dense_l2 * wd
                    g2d += gd * gd
                    wd -= dense_lr * gd / np.sqrt(g2d)
                gb2 += g * g
                b -= lr * g / np.sqrt(gb2)
        m.weights = w.astype(np.float32)
        m.bias = float(b)
        m.dense_w = wd
        return m

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        index, value = self.sparse()
        arrays = {"index": index, "value": value}
        header = {"dim": self.dim, "bias": self.bias, "threshold": self.threshold, "meta": self.meta}
        if self.dense_w is not None:
            arrays.update(dense_w=self.dense_w, dense_mu=self.dense_mu, dense_sd=self.dense_sd)
            header["dense"] = int(self.dense_w.size)
        np.savez_compressed(path.with_suffix(".npz"), **arrays)
        write_header(path, header)

    def sparse(self) -> tuple[np.ndarray, np.ndarray]:
        """The non-zero weights as (bucket indices, values): how a model file holds them."""
        nz = np.flatnonzero(self.weights)
        return nz.astype(np.int64), self.weights[nz].astype(np.float32)

    @classmethod
    def from_sparse(cls, dim: int, index: np.ndarray, value: np.ndarray, bias: float, **kw) -> "LinearModel":
        w = np.zeros(dim, dtype=np.float32)
        w[index] = value
        return cls(dim=dim, weights=w, bias=bias, **kw)

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        header = read_header(path)
        with np.load(path.with_suffix(".npz")) as z:
            dense = {k: np.asarray(z[k], dtype=np.float64) for k in ("dense_w", "dense_mu", "dense_sd")
                     if header.get("dense")}
            return cls.from_sparse(int(header["dim"]), z["index"], z["value"], float(header["bias"]),
                                   threshold=float(header["threshold"]), meta=header.get("meta", {}), **dense)


def write_header(path: Path, header: dict) -> None:
    """A model's JSON header (``path`` with ``.json``), keys sorted: the same model, the same bytes."""
    path.with_suffix(".json").write_text(json.dumps(header, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")


def read_header(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
