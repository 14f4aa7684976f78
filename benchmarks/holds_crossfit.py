"""Cross-fitted holds_post figures of the learned holds_post model on realpages/train.

The rules run with a given NER model (default /tmp/ner_v6, NER model v6, which never saw the train
pages); the pages are split into K folds; the holds_post model of each fold is trained on the
other folds' candidates and adds its triples to the fold's rule output; the whole of train is
then resolved and scored (rules alone vs rules + model).  Only the rules' facts and the holds
model's additions are scored here (the other learned models are not applied).

    .venv/bin/python benchmarks/holds_crossfit.py [--ner /tmp/ner_v6] [--folds 4]
        [--work /tmp/kg-holds] [--reuse]
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

from kg.evaluate import load_gold, load_predictions, score
from kg.ingest import read_corpus
from kg.learned.layer import add_holds
from kg.learned.train import _folds, fit_holds, holds_data, run_rules
from kg.lexicon import Lexicon
from kg.model import DocResult
from kg.resolve import resolve

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages" / "train"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner", default="/tmp/ner_v6",
                    help="NER model directory (v6: git archive 2699f7b kg/models/ner, docs/relations.md)")
    ap.add_argument("--corpus", default=str(SHARED / "docs"))
    ap.add_argument("--gold", default=str(SHARED / "gold.jsonl"))
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--work", default="/tmp/kg-holds")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--l2", type=float, default=1e-5)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lex = Lexicon.load()
    gold = load_gold(args.gold)
    cache = work / "rules.pkl"
    if args.reuse and cache.is_file():
        data = pickle.loads(cache.read_bytes())
    else:
        from kg.ner import NerTagger
        docs = read_corpus([args.corpus])
        data = run_rules(docs, lex, NerTagger.load(args.ner))
        cache.write_bytes(pickle.dumps(data))
    fold_of = _folds(len(data), args.folds)
    docs = [d for d, _ in data]

    def report(name: str, results: list[DocResult]) -> None:
        _ents, facts = resolve(docs, results, lex)
        rep = score(gold, load_predictions([f.to_dict() for f in facts])).to_dict()
        k, o = rep["kinds"]["holds_post"], rep["overall"]
        print(f"{name:14s} holds_post tp {k['tp']} fp {k['fp']} fn {k['fn']} P {100 * k['precision']:.1f} "
              f"R {100 * k['recall']:.1f} F1 {100 * k['f1']:.1f}   overall F1 {100 * o['f1']:.1f}")

    report("rules", [r for _d, r in data])
    out: list[DocResult | None] = [None] * len(data)
    for f in range(args.folds):
        tr = [x for i, x in enumerate(data) if fold_of[i] != f]
        ex, rex, n = holds_data(tr, gold, lex)
        sub = _folds(len(tr), args.folds)
        m, stats, _ = fit_holds(ex, rex, n, sub, args.folds, l2=args.l2)
        print(f"fold {f}: {len(ex)} candidates, {m.meta['positives']} positive, threshold {m.threshold:.3f}, "
              f"inner out-of-fold {stats}")
        for i, (d, r) in enumerate(data):
            if fold_of[i] == f:
                out[i] = add_holds(d, r, m, lex)
    report("rules+holds", out)


if __name__ == "__main__":
    main()
