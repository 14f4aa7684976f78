"""Gradient-boosted decision trees over hashed binary features: small, deterministic, numpy only.

The same rows as :class:`kg.learned.linear.LinearModel` (lists of feature strings, each hashed with
CRC-32 into ``dim`` buckets), read as sets: a tree node asks whether a row has a bucket.  A linear
model adds up one weight per feature, so it cannot say "this head word, but only at a clause
start"; trees can, and on train's cross-fit they rank the span and pair candidates better, though the
relations of the layer did not gain from it (docs/evaluation.md, "Session 31: boosted trees").

Training is second-order boosting of the log loss (as XGBoost and LightGBM do it): each tree grows
level by level to ``depth``; a node splits on the bucket with the best gain
``G_l^2 / (H_l + l2) + G_r^2 / (H_r + l2) - G^2 / (H + l2)``, each side holding at least
``min_rows`` rows; a leaf's value is ``-lr * G / (H + l2)``.  Every tree sees a seeded sample of
the rows (``rows_frac``) and of the buckets (``cols_frac``).  The histograms are ``np.bincount``
sums in a fixed order and exact ties of the gain go to the lowest bucket, so the same data and
seed give the same trees in every run.

Scoring walks all trees at once over a block of rows: a row's buckets are looked up once among
the buckets the trees use, then every tree moves one level per step.  The model is saved as its
node arrays (``.npz``) plus the same JSON header as the linear model's, with ``"kind": "trees"``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .linear import DEFAULT_DIM, LinearModel, hash_features, read_header, write_header

_BLOCK = 1024            # rows scored in one walk (memory: a block holds rows x trees node ids)


def _sigmoid_array(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass
class TreeModel:
    dim: int = DEFAULT_DIM
    # node arrays of all trees, tree after tree; a node is a split when ``feature >= 0``
    feature: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))   # bucket
    left: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))      # bucket absent
    right: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))     # bucket present
    value: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))   # leaves
    roots: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    depth: int = 0
    bias: float = 0.0
    threshold: float = 0.5
    meta: dict = field(default_factory=dict)
    # a linear model trained on the same rows, whose probability is mixed in with weight ``mix``
    linear: LinearModel | None = None
    mix: float = 0.0

    kind = "trees"

    def __post_init__(self) -> None:
        # the buckets the trees ask about, and each split's index among them
        used = np.unique(self.feature[self.feature >= 0])
        self._used = used
        self._col = np.where(self.feature >= 0, np.searchsorted(used, np.maximum(self.feature, 0)), 0)

    # ------------------------------------------------------------------ scoring
    def score(self, feats: Sequence[str]) -> float:
        return self.scores([feats])[0]

    def scores(self, rows: Iterable[Sequence[str]]) -> list[float]:
        """The score of each row (a probability), ``_BLOCK`` rows per walk; ``rows`` may be a
        generator.  A row's score does not depend on the rows scored with it."""
        out: list[float] = []
        block: list[Sequence[str]] = []
        for r in rows:
            block.append(r)
            if len(block) >= _BLOCK:
                out += self._scores(block)
                block = []
        if block:
            out += self._scores(block)
        return out

    def _scores(self, rows: Sequence[Sequence[str]]) -> list[float]:
        n = len(rows)
        lens = np.fromiter((len(r) for r in rows), dtype=np.int64, count=n)
        idx = hash_features([f for r in rows for f in r], self.dim)
        row = np.repeat(np.arange(n), lens)
        used = self._used
        pos = np.searchsorted(used, idx)
        hit = pos < used.size
        hit[hit] = used[pos[hit]] == idx[hit]
        present = np.zeros((n, used.size + 1), dtype=bool)
        present[row[hit], pos[hit]] = True
        node = np.broadcast_to(self.roots, (n, self.roots.size)).copy()
        rix = np.arange(n)[:, None]
        for _ in range(self.depth):
            has = present[rix, self._col[node]]
            node = np.where(self.feature[node] >= 0, np.where(has, self.right[node], self.left[node]), node)
        # leaf values summed tree by tree in the trees' order (the same floats for a row in any block)
        z = np.full(n, self.bias, dtype=np.float64)
        vals = self.value[node]
        for t in range(vals.shape[1]):
            z += vals[:, t]
        p = _sigmoid_array(z)
        if self.linear is not None and self.mix:
            lin = np.asarray(self.linear.scores(rows), dtype=np.float64)
            p = (1.0 - self.mix) * p + self.mix * lin
        return p.tolist()

    # ------------------------------------------------------------------ training
    @classmethod
    def train(cls, rows: Sequence[Sequence[str]], labels: Sequence[int], *, dim: int = DEFAULT_DIM,
              trees: int = 200, depth: int = 4, lr: float = 0.05, l2: float = 1.0, min_rows: int = 5,
              rows_frac: float = 0.8, cols_frac: float = 0.5, seed: int = 13, mix: float = 0.0,
              linear: dict | None = None) -> "TreeModel":
        y = np.asarray(labels, dtype=np.float64)
        n = len(rows)
        # the rows as (row, column) pairs of their distinct buckets, columns numbered 0..U-1
        lists = [np.unique(hash_features(r, dim)) for r in rows]
        lens = np.fromiter((x.size for x in lists), dtype=np.int64, count=n)
        buckets = np.concatenate(lists) if n else np.zeros(0, dtype=np.int64)
        nz_row = np.repeat(np.arange(n), lens)
        cols, nz_col = np.unique(buckets, return_inverse=True)
        U = cols.size
        if U == 0:          # no row has a feature (or there are no rows): nothing to split on
            trees = 0
        p0 = min(max(float(y.mean()) if n else 0.5, 1e-6), 1 - 1e-6)
        bias = math.log(p0 / (1 - p0))
        F = np.full(n, bias)
        rng = np.random.default_rng(seed)
        feat_l: list[int] = []
        left_l: list[int] = []
        right_l: list[int] = []
        value_l: list[float] = []
        roots: list[int] = []
        for _t in range(trees):
            p = _sigmoid_array(F)
            g, h = p - y, p * (1 - p)
            bag = rng.random(n) < rows_frac
            colmask = rng.random(U) < cols_frac
            w = bag.astype(np.float64)
            gw, hw = g * w, h * w
            leaf = np.zeros(n, dtype=np.int64)           # each row's node of the current level
            level = [0]                                  # node numbers (local) of the level
            nodes: list[list] = [[-1, -1, -1, 0.0]]      # local number -> [bucket col, left, right, value]
            for _d in range(depth):
                L = len(level)
                slot = np.full(len(nodes), -1, dtype=np.int64)
                slot[level] = np.arange(L)
                rs = slot[leaf]
                on = rs >= 0
                G = np.bincount(rs[on], weights=gw[on], minlength=L)
                H = np.bincount(rs[on], weights=hw[on], minlength=L)
                C = np.bincount(rs[on], weights=w[on], minlength=L)
                nzs = rs[nz_row]
                ok = nzs >= 0
                key = nzs[ok] * U + nz_col[ok]
                r_ok = nz_row[ok]
                Gp = np.bincount(key, weights=gw[r_ok], minlength=L * U).reshape(L, U)
                Hp = np.bincount(key, weights=hw[r_ok], minlength=L * U).reshape(L, U)
                Cp = np.bincount(key, weights=w[r_ok], minlength=L * U).reshape(L, U)
                Ga, Ha, Ca = G[:, None] - Gp, H[:, None] - Hp, C[:, None] - Cp
                gain = Gp ** 2 / (Hp + l2) + Ga ** 2 / (Ha + l2) - (G ** 2 / (H + l2))[:, None]
                valid = (Cp >= min_rows) & (Ca >= min_rows) & colmask[None, :]
                gain = np.where(valid, gain, -np.inf)
                best = np.argmax(gain, axis=1)
                new_level = []
                for k, nd in enumerate(level):
                    c = int(best[k])
                    if not gain[k, c] > 1e-9:
                        nodes[nd][3] = float(-lr * G[k] / (H[k] + l2))
                        continue
                    a = len(nodes)
                    nodes[nd][:3] = [c, a, a + 1]
                    nodes.append([-1, -1, -1, float(-lr * (G[k] - Gp[k, c]) / (H[k] - Hp[k, c] + l2))])
                    nodes.append([-1, -1, -1, float(-lr * Gp[k, c] / (Hp[k, c] + l2))])
                    new_level += [a, a + 1]
                if not new_level:
                    break
                # move every row one level down: to the right child where it has the split's bucket
                # (rows sit only at the level's nodes and at leaves, whose column is -1)
                sc = np.array([x[0] for x in nodes], dtype=np.int64)
                has = np.zeros(n, dtype=bool)
                m = sc[leaf[nz_row]] == nz_col
                has[nz_row[m]] = True
                kids = np.array([x[1:3] if x[0] >= 0 else [i, i] for i, x in enumerate(nodes)], dtype=np.int64)
                leaf = np.where(sc[leaf] >= 0, kids[leaf, has.astype(np.int64)], leaf)
                level = new_level
            # the tree's nodes into the model's arrays, after those of the trees before it
            base = len(feat_l)
            for nd, (c, a, b, v) in enumerate(nodes):
                split = c >= 0
                feat_l.append(int(cols[c]) if split else -1)
                left_l.append(base + (a if split else nd))
                right_l.append(base + (b if split else nd))
                value_l.append(0.0 if split else v)
            vals = np.array([x[3] for x in nodes])
            roots.append(base)
            F = F + vals[leaf]
        lin = LinearModel.train(rows, labels, dim=dim, **(linear or {})) if mix else None
        return cls(dim=dim, feature=np.asarray(feat_l, dtype=np.int64), left=np.asarray(left_l, dtype=np.int32),
                   right=np.asarray(right_l, dtype=np.int32), value=np.asarray(value_l, dtype=np.float64),
                   roots=np.asarray(roots, dtype=np.int32), depth=depth, bias=bias, linear=lin, mix=mix)

    # ------------------------------------------------------------------ files
    def save(self, path: Path) -> None:
        arrays = {"feature": self.feature, "left": self.left, "right": self.right, "value": self.value,
                  "roots": self.roots}
        header = {"kind": self.kind, "dim": self.dim, "depth": self.depth, "bias": self.bias,
                  "threshold": self.threshold, "meta": self.meta}
        if self.linear is not None:
            arrays["linear_index"], arrays["linear_value"] = self.linear.sparse()
            header.update(linear_bias=self.linear.bias, mix=self.mix)
        np.savez_compressed(path.with_suffix(".npz"), **arrays)
        write_header(path, header)

    @classmethod
    def load(cls, path: Path) -> "TreeModel":
        header = read_header(path)
        dim = int(header["dim"])
        linear = None
        with np.load(path.with_suffix(".npz")) as z:
            arrays = {k: z[k] for k in ("feature", "left", "right", "value", "roots")}
            if "linear_index" in z:
                linear = LinearModel.from_sparse(dim, z["linear_index"], z["linear_value"],
                                                 float(header["linear_bias"]))
        return cls(dim=dim, depth=int(header["depth"]), bias=float(header["bias"]),
                   threshold=float(header["threshold"]), meta=header.get("meta", {}), linear=linear,
                   mix=float(header.get("mix", 0.0)), **arrays)

def load_model(path: Path) -> LinearModel | TreeModel:
    """The model saved at ``path`` (``.json`` + ``.npz``): trees when its header says so
    (``"kind": "trees"``), else a linear model (every model before trees had no kind)."""
    return TreeModel.load(path) if read_header(path).get("kind") == TreeModel.kind else LinearModel.load(path)
