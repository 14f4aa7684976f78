"""The gradient-boosted trees of the learned layer (kg.learned.trees), on invented rows."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kg.learned.trees as trees_mod
from kg.learned.linear import LinearModel
from kg.learned.trees import TreeModel, load_model


def _xor_rows(n: int = 160):
    """Rows of two features, right when exactly one is present (no linear model can say so); ``a``
    is in 3 rows of 4 and ``b`` in 1 of 4, so that ``a`` alone already tells something (a tree
    grows one split at a time)."""
    rows, labels = [], []
    for i in range(n):
        a, b = int(i % 4 != 0), int((i // 4) % 4 == 0)
        rows.append(["bias"] + (["a"] if a else []) + (["b"] if b else []) + [f"noise{i % 7}"])
        labels.append(int(a != b))
    return rows, labels


def test_trees_learn_what_a_linear_model_cannot():
    rows, labels = _xor_rows()
    probe = [["bias", "a"], ["bias", "b"], ["bias"], ["bias", "a", "b"]]
    t = TreeModel.train(rows, labels, dim=1 << 12, trees=60, depth=2, lr=0.3, min_rows=3,
                        rows_frac=1.0, cols_frac=1.0)
    right_t, wrong_t = t.scores(probe[:2]), t.scores(probe[2:])
    assert min(right_t) > 0.8 and max(wrong_t) < 0.2
    lin = LinearModel.train(rows, labels, dim=1 << 12, epochs=20)
    right_l, wrong_l = lin.scores(probe[:2]), lin.scores(probe[2:])
    assert min(right_l) < max(wrong_l)          # a linear model ranks some wrong row above a right one


def test_trees_are_deterministic_and_round_trip(tmp_path):
    rows, labels = _xor_rows()
    kw = dict(dim=1 << 12, trees=20, depth=3, min_rows=3)
    a, b = TreeModel.train(rows, labels, **kw), TreeModel.train(rows, labels, **kw)
    for name in ("feature", "left", "right", "value", "roots"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
    c = TreeModel.train(rows, labels, **kw, seed=14)
    assert not (np.array_equal(a.feature, c.feature) and np.array_equal(a.value, c.value))
    a.threshold = 0.37
    a.save(tmp_path / "m")
    header = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert header["kind"] == "trees" and header["depth"] == 3
    d = load_model(tmp_path / "m")
    assert isinstance(d, TreeModel) and d.threshold == 0.37 and d.scores(rows) == a.scores(rows)
    # a linear model's files (no kind in the header) load as a linear model
    lin = LinearModel.train(rows, labels, dim=1 << 12, epochs=2)
    lin.save(tmp_path / "lin")
    e = load_model(tmp_path / "lin")
    assert isinstance(e, LinearModel) and e.scores(rows) == lin.scores(rows)


def test_tree_scores_do_not_depend_on_the_rows_scored_with_them(monkeypatch):
    rng = np.random.default_rng(7)
    rows = [[f"f{rng.integers(0, 40)}" for _ in range(int(rng.integers(0, 12)))] for _ in range(200)]
    labels = [int(any(f in ("f1", "f2", "f3") for f in r)) for r in rows]
    m = TreeModel.train(rows, labels, dim=1 << 10, trees=30, depth=3, min_rows=3)
    whole = m.scores(rows)
    monkeypatch.setattr(trees_mod, "_BLOCK", 7)
    assert m.scores(r for r in rows) == whole == [m.score(r) for r in rows]
    assert m.scores([]) == []


def test_a_split_holds_at_least_min_rows_on_each_side():
    """A feature of 4 rows separates them perfectly, but with ``min_rows`` 5 no split may use it."""
    rows = [["bias", "rare"]] * 4 + [["bias", f"x{i % 3}"] for i in range(60)]
    labels = [1] * 4 + [0] * 60
    rare = int(trees_mod.hash_features(["rare"], 1 << 10)[0])
    strict = TreeModel.train(rows, labels, dim=1 << 10, trees=10, depth=2, min_rows=5, rows_frac=1.0, cols_frac=1.0)
    loose = TreeModel.train(rows, labels, dim=1 << 10, trees=10, depth=2, min_rows=2, rows_frac=1.0, cols_frac=1.0)
    assert rare not in strict.feature.tolist() and rare in loose.feature.tolist()


def test_mix_weighs_the_linear_model_in(tmp_path):
    rows, labels = _xor_rows()
    kw = dict(dim=1 << 12, trees=20, depth=2, min_rows=3, seed=5)
    pure = TreeModel.train(rows, labels, **kw)
    mixed = TreeModel.train(rows, labels, **kw, mix=0.25, linear={"epochs": 3, "seed": 5})
    lin = LinearModel.train(rows, labels, dim=1 << 12, epochs=3, seed=5)
    want = [0.75 * p + 0.25 * q for p, q in zip(pure.scores(rows), lin.scores(rows))]
    assert mixed.scores(rows) == pytest.approx(want, abs=1e-12)
    mixed.save(tmp_path / "m")
    assert load_model(tmp_path / "m").scores(rows) == mixed.scores(rows)


def test_rows_without_features_train_a_forest_of_no_trees():
    """Nothing to split on (no rows, or rows without features): the model scores the base rate,
    as a linear model trained on them would start from."""
    empty = TreeModel.train([[]] * 10, [0, 1] * 5, dim=64, trees=5)
    assert empty.roots.size == 0 and empty.scores([[], ["x"]]) == pytest.approx([0.5, 0.5])
    none = TreeModel.train([], [], dim=64, trees=5, mix=0.5)
    assert none.roots.size == 0 and none.scores([["x"]]) == pytest.approx([0.5])
