"""Occurrences of many names in one long text: a scan of the text per name against ``kg.model.Occurrences``.

    python benchmarks/occurrences_speed.py R.pkl [R2.pkl ...]

Each ``R.pkl`` is a ``--results`` pickle of ``learned_speed.py`` (e.g. ``--one-line-mb 1``).
Two look-ups of the relation rules, each timed the old way and through one index per text:

* persons: the distinct texts of the NER Person mentions, as ``_person_supported`` looks them
  up: ``re.finditer(re.escape(name), text)`` per name against ``Occurrences(text)(name)``;
* places: the document's place names (``DocState.places`` after the ``prepare`` stage, 2
  characters or more), as ``org_grammar`` keeps those written in the text: ``p in text`` per
  place against ``Occurrences(text)(p)`` (non-empty), the index made first (the rules make it
  once per document and share it), then both ways with the index made afresh.

Prints the CPU seconds (``time.process_time``) of each, after checking that both ways agree.
"""

from __future__ import annotations

import pickle
import re
import sys
import time

from kg.lexicon import Lexicon
from kg.model import Occurrences
from kg.relations.cleanup import prepare
from kg.relations.state import DocState


def main() -> None:
    lex = Lexicon.load()
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            triples = pickle.load(f)
        for d, mentions, _res in triples:
            t = d.text
            names = sorted({m.text for m in mentions if m.type == "Person"})
            c0 = time.process_time()
            scanned = [[m.start() for m in re.finditer(re.escape(n), t)] for n in names]
            c1 = time.process_time()
            occ = Occurrences(t)
            indexed = [occ(n) for n in names]
            c2 = time.process_time()
            assert scanned == indexed
            print(f"{path} {d.id}: {len(t):,} chars, {len(names):,} person names: a regex scan per name "
                  f"{c1 - c0:.2f} s CPU, the index {c2 - c1:.2f} s CPU", flush=True)
            st = DocState(d, lex, mentions)
            prepare(st)
            t = st.text
            places = sorted(p for p in st.places if len(p) >= 2)
            c0 = time.process_time()
            written = [p for p in places if p in t]
            c1 = time.process_time()
            occ = Occurrences(t)
            occ(t[:2])                 # the index made
            c2 = time.process_time()
            indexed = [p for p in places if occ(p)]
            c3 = time.process_time()
            assert written == indexed
            print(f"{path} {d.id}: {len(places):,} place names ({len(written):,} written): p in text per "
                  f"place {c1 - c0:.2f} s CPU, the index {c3 - c2:.2f} s CPU (+ {c2 - c1:.2f} s to make it)",
                  flush=True)


if __name__ == "__main__":
    main()
