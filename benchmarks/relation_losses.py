"""Where the gold leads_action / in_cluster records of an annotated set are lost, with a trained
learned layer (the shipped one by default): the same counts as ``relations_crossfit.py --losses``,
for pages the layer was not trained on (realpages/dev).

    .venv/bin/python benchmarks/relation_losses.py ../shared/realpages/dev/docs \\
        ../shared/realpages/dev/gold.jsonl [--relation-model DIR]

Each required gold record is counted once, at the first step that loses it: its action / cluster
has no candidate span, or scores below the span threshold, or loses to a sibling span (another
start of the same name); its agency / member has no candidate or is dropped; no pair of the two is
formed; the pair scores below the pair threshold; or the pair is kept.  Before that, the facts that
match no gold record, by extractor and by which argument is not the gold's
(``relations_crossfit.false_positives``).  The rule output comes from the shipped NER model, as
``kg eval`` has it.  A few seconds for dev's 42 pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from relations_crossfit import losses, print_false_positives  # noqa: E402

from kg.evaluate import load_gold  # noqa: E402
from kg.ingest import read_corpus  # noqa: E402
from kg.learned.layer import DEFAULT_MODEL_DIR, LearnedLayer  # noqa: E402
from kg.learned.train import run_rules  # noqa: E402
from kg.lexicon import Lexicon  # noqa: E402
from kg.ner import NerTagger  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--relation-model", type=Path, default=DEFAULT_MODEL_DIR)
    a = ap.parse_args()
    lex = Lexicon.load()
    gold = load_gold(a.gold)
    data = run_rules(read_corpus([a.docs], lexicon=lex), lex, NerTagger.load())
    layer = LearnedLayer.load(a.relation_model, lex)
    print_false_positives(data, [layer.apply(d, r) for d, r in data], gold)
    for rel, cnt in losses(data, gold, [layer]).items():
        print(f"== {rel}: where the {sum(cnt.values())} required gold records are lost")
        for k, n in cnt.most_common():
            print(f"  {n:4d}  {k}")


if __name__ == "__main__":
    main()
