"""The out-of-fold F1 curve of one learned entity model (Person, Organization or Place).

`kg model train-relations` picks each entity model's threshold at the top of its out-of-fold F1
curve (kg.learned.train.best_threshold).  Where the curve is flat, a small change of the
training data moves the threshold far; this prints the curve so that one can see how flat it is.
It rebuilds the examples as the training does (the rules' output of a NER model that has not
seen the pages, generated entity candidates, only documents whose gold lists the type
exhaustively) and scores them out of fold, with the training's folds, epochs, L2 weight and
example orders (the defaults of kg.learned.train.train).

    .venv/bin/python benchmarks/relations_crossfit.py --work /tmp/xf --entity-ner-model /tmp/ner_v6
    .venv/bin/python benchmarks/threshold_curve.py /tmp/xf/rules_entity.pkl Place
"""

from __future__ import annotations

import argparse
import inspect
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.evaluate import load_gold  # noqa: E402
from kg.learned.candidates import ENTITY_TYPES, DocCandidates  # noqa: E402
from kg.learned.train import (DocGold, _cumulative, _oof, document_folds, gold_by_doc,  # noqa: E402
                              group_winners, required, surface_examples, train)
from kg.learned.linear import LinearModel  # noqa: E402
from kg.lexicon import Lexicon  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages" / "train"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rules", type=Path, help="the rules' output of the train pages (a relations_crossfit.py "
                                             "rules_entity.pkl or a held_fixed.py rules pickle)")
    ap.add_argument("type", choices=ENTITY_TYPES)
    ap.add_argument("--gold", type=Path, default=SHARED / "gold.jsonl")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--step", type=float, default=0.05, help="the width of a row's score band")
    a = ap.parse_args()
    lex = Lexicon.load()
    gold = load_gold(a.gold)
    gb = gold_by_doc(gold)
    data = pickle.loads(a.rules.read_bytes())
    examples = []
    n_gold = 0
    for i, (d, r) in enumerate(data):
        if a.type not in gold.exhaustive.get(d.id, frozenset()):
            continue
        g = gb.get(d.id, DocGold())
        c = DocCandidates(d, r, lex, entity_candidates=True)
        examples.extend(surface_examples(i, c.entity_groups(), g).get(a.type, []))
        n_gold += required(g, a.type)
    # the training's own settings (epochs, the entity models' L2 weight, the example orders)
    d = {k: v.default for k, v in inspect.signature(train).parameters.items()}
    oof = _oof(examples, document_folds(len(data), a.folds), a.folds,
               lambda rows, labels: LinearModel.train(rows, labels, epochs=d["epochs"], l2=d["entity_l2"],
                                                      seed=d["seed"], seeds=d["seeds"]))
    scores = group_winners(examples, oof)
    points = []          # (score, F1, P, R) of the predictions scored at least that
    for k, tp, fp in _cumulative(examples, scores):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / n_gold if n_gold else 0.0
        points.append((scores[k], 2 * p * r / (p + r) if p + r else 0.0, p, r))
    top = max(points, key=lambda q: q[1])
    print(f"{a.type}: {len(examples)} candidates, {n_gold} gold; best F1 {top[1]:.4f} at {top[0]:.3f}")
    print("score band   best F1 in it   P      R")
    lo = 0.0
    while lo < 1.0:
        band = [q for q in points if lo <= q[0] < lo + a.step]
        if band:
            q = max(band, key=lambda z: z[1])
            print(f"{lo:4.2f}-{lo + a.step:4.2f}    {q[1]:.4f}          {q[2]:.3f}  {q[3]:.3f}")
        lo = round(lo + a.step, 6)


if __name__ == "__main__":
    main()
