"""CPU seconds inside kg's word-list scans (Aho-Corasick) while NER, the relation rules and the
learned layer run over a corpus, beside each stage's own CPU seconds.

    python benchmarks/learned_speed.py CORPUS_DIR --results R.pkl     # NER + rules once, pickled
    python benchmarks/scan_speed.py --results R.pkl

Timers wrap ``kg.lexicon.Matcher``'s ``find_all``, ``start_positions``, ``end_positions`` and
``counts``, the rules' ``_prefix_hits`` and NER's ``lexicon_features_fast``; NER tags the pickled
documents in ``kg build``'s NER groups, the rules and the learned layer (with the build's NER
model handed to it) run on the pickled results.  Run it with another checkout's ``kg`` on
``PYTHONPATH`` to compare the two (docs/performance.md, "Aho-Corasick scans in a compiled
automaton").
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from learned_speed import layer_as_built  # noqa: E402
from ner_profile import timed_into  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=Path, required=True, help="the pickle of benchmarks/learned_speed.py")
    a = ap.parse_args()

    import importlib
    import pkgutil

    import kg.ner_fast as nf
    import kg.relations as relations
    import kg.relations.base as base
    from kg.lexicon import Lexicon, Matcher
    from kg.ner import NerTagger
    from kg.pipeline import ner_groups
    from kg.relations import extract

    inside: Counter = Counter()

    def timed(owner, name: str, key: str) -> None:
        setattr(owner, name, timed_into(inside, key, getattr(owner, name), time.process_time))

    for name in ("find_all", "start_positions", "end_positions", "counts"):
        timed(Matcher, name, f"Matcher.{name}")
    plain = base._prefix_hits
    timed(base, "_prefix_hits", "_prefix_hits")
    for info in pkgutil.iter_modules(relations.__path__):      # (imported by name there too)
        mod = importlib.import_module(f"kg.relations.{info.name}")
        if getattr(mod, "_prefix_hits", None) is plain:
            mod._prefix_hits = base._prefix_hits
    timed(nf, "lexicon_features_fast", "lexicon_features_fast")

    with open(a.results, "rb") as f:
        pairs = pickle.load(f)
    lex = Lexicon.load()
    tagger = NerTagger.load()
    layer = layer_as_built(lex, tagger)
    docs = [d for d, _m, _r in pairs]
    tagger.tag(docs[0])                 # warm-up
    inside.clear()
    stages = {}
    t = time.process_time()
    for g in ner_groups(docs, range(len(docs))):
        tagger.tag_many([docs[i] for i in g])
    stages["ner"] = time.process_time() - t
    t = time.process_time()
    for d, m, _r in pairs:
        extract(d, m, lex)
    stages["relations"] = time.process_time() - t
    t = time.process_time()
    for d, _m, r in pairs:
        layer.apply(d, r)
    stages["learned"] = time.process_time() - t
    print(f"{len(docs)} documents, {sum(len(d.text) for d in docs):,} chars; CPU s: "
          + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    print("  inside the scans: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(inside.items()))
          + f"; all {sum(inside.values()):.2f}")


if __name__ == "__main__":
    main()
