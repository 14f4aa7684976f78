"""Measure a rule change with the learned layer held fixed, or the rules alone, on annotated pages.

`kg eval` retrains nothing, but a rule change measured with `kg eval` after retraining the layer
mixes two effects (on 42 dev pages a retrain alone moves the overall F1 by about 0.5). This runs
the NER model and the rules once per page set, keeps their output in a pickle, and scores it with
any learned layer (or none), so a rule change is measured by itself and a layer change without
re-running NER:

    # the rules' output of a page set (NER + rules, about 1 min for train's 211 pages)
    .venv/bin/python benchmarks/held_fixed.py rules ../shared/realpages/train/docs /tmp/train_v6.pkl \\
        --ner-model /tmp/ner_v6
    # rules only, with the misses and false positives of one kind
    .venv/bin/python benchmarks/held_fixed.py score /tmp/train_v6.pkl \\
        --gold ../shared/realpages/train/gold.jsonl --rules-only --details holds_post
    # with a learned layer (default: the shipped one)
    .venv/bin/python benchmarks/held_fixed.py score /tmp/dev.pkl --gold ../shared/realpages/dev/gold.jsonl

On the same pages and models `score` prints the figures `kg eval` prints.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path


def _rules(a: argparse.Namespace) -> None:
    from kg.ingest import read_corpus
    from kg.learned.train import run_rules
    from kg.lexicon import Lexicon
    from kg.ner import DEFAULT_MODEL_DIR, NerTagger

    lex = Lexicon.load()
    data = run_rules(read_corpus([a.pages], lexicon=lex), lex, NerTagger.load(a.ner_model or DEFAULT_MODEL_DIR))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_bytes(pickle.dumps(data))
    print(f"{a.out}: the rules' output of {len(data)} documents")


def _score(a: argparse.Namespace) -> None:
    from kg.evaluate import load_gold, load_predictions, score
    from kg.learned.layer import LearnedLayer
    from kg.lexicon import Lexicon
    from kg.resolve import resolve

    lex = Lexicon.load()
    data = pickle.loads(a.pickle.read_bytes())
    if a.rules_only:
        results = [r for _d, r in data]
    else:
        layer = LearnedLayer.load(a.relation_model, lex)
        results = [layer.apply(d, r) for d, r in data]
    _entities, facts = resolve([d for d, _r in data], results, lex)
    rep = score(load_gold(a.gold), load_predictions([f.to_dict() for f in facts]))

    def row(name: str, c) -> str:
        f = lambda x: 0.0 if x is None else 100 * x      # noqa: E731
        return (f"{name:14s} tp {c.tp:5d} fp {c.fp:5d} fn {c.fn:5d}  P {f(c.precision):5.1f}  "
                f"R {f(c.recall):5.1f}  F1 {f(c.f1):5.2f}")

    print(row("overall", rep.overall))
    for k, c in rep.kinds.items():
        print(row(k, c))
    for k, c in rep.entity_types.items():
        print(row("  " + k, c))
    for kind in a.details or ():
        for doc, det in rep.details.items():
            for p in det.false_positives:
                if p.kind == kind or p.type == kind:
                    print("FP", doc, p.shown)
            for g in det.missed:
                if g.kind == kind or g.type == kind:
                    print("FN", doc, {k: v for k, v in g.to_dict().items() if k not in ("doc", "kind")})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rules", help="run NER and the rules over PAGES and pickle their output")
    r.add_argument("pages", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--ner-model", type=Path, default=None, help="NER model directory (default: the shipped one)")
    s = sub.add_parser("score", help="apply a learned layer (or none) to a pickle, resolve and score it")
    s.add_argument("pickle", type=Path)
    s.add_argument("--gold", type=Path, required=True)
    s.add_argument("--relation-model", type=Path, default=None, help="learned layer (default: the shipped one)")
    s.add_argument("--rules-only", action="store_true")
    s.add_argument("--details", action="append", metavar="KIND",
                   help="print the false positives and misses of a kind or entity type (repeatable)")
    a = ap.parse_args(argv)
    sys.setrecursionlimit(10000)
    _rules(a) if a.cmd == "rules" else _score(a)


if __name__ == "__main__":
    main()
