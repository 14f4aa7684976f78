"""CPU seconds per MB of each relation-rule stage, on the pickles of ``learned_speed.py``.

    python benchmarks/learned_speed.py /tmp/ol/one_1mb --results /tmp/p1.pkl --stage relations
    python benchmarks/rule_stages_cpu.py /tmp/p0.25.pkl /tmp/p0.5.pkl /tmp/p1.pkl /tmp/p2.pkl [--repeat 3]

Runs the stages of ``kg.relations.stages.STAGES`` one by one on each pickled document (the NER
mentions of one run, so every checkout sees the same input), with ``time.process_time`` around
each, and prints per stage the CPU seconds per MB (10^6 bytes of UTF-8) at each size (the
minimum over ``--repeat`` runs) and how that figure grows per doubling of the size (1.00 is
linear), then a sha256 of the rules' output per file (``DocResult.to_dict`` as JSON; run with
``PYTHONHASHSEED=0`` to compare two checkouts).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="+", type=Path, help="pickles written by learned_speed.py --results")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    from kg.lexicon import Lexicon
    from kg.model import DocResult
    from kg.relations.stages import STAGES
    from kg.relations.state import DocState

    lex = Lexicon.load()
    rows = []
    for path in args.results:
        with open(path, "rb") as f:
            pairs = pickle.load(f)
        mb = sum(len(d.text.encode("utf-8")) for d, _m, _r in pairs) / 1e6
        best: dict[str, float] = {}
        h = hashlib.sha256()
        for rep in range(args.repeat):
            cpu = dict.fromkeys((s.name for s in STAGES), 0.0)
            for d, mentions, _r in pairs:
                st = DocState(d, lex, mentions)
                for s in STAGES:
                    c0 = time.process_time()
                    s.func(st)
                    cpu[s.name] += time.process_time() - c0
                if rep == 0:
                    out = DocResult(st.doc.id, st.mentions, st.facts)
                    h.update(json.dumps(out.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))
            best = cpu if not best else {k: min(best[k], v) for k, v in cpu.items()}
        rows.append((path.name, mb, best, h.hexdigest()[:16]))
        print(f"{path.name}: {mb:.3f} MB, rules {sum(best.values()):.2f} s CPU, output sha256 "
              f"{h.hexdigest()[:16]}", flush=True)
    print(f"\nCPU s per MB (growth per doubling of the size; 1.00 is linear)\n{'stage':22s}"
          + "".join(f"{r[1]:>13.3f}" for r in rows))
    for k in [*rows[0][2], "TOTAL"]:
        line, prev = f"{k:22s}", None
        for _n, mb, cpu, _h in rows:
            v = (sum(cpu.values()) if k == "TOTAL" else cpu[k]) / mb
            g = f"x{(v / prev[1]) ** (1 / math.log2(mb / prev[0])):.2f}" \
                if prev and prev[1] > 0 and v > 0 and mb != prev[0] else ""
            line += f"{v:7.3f}{g:>6s}"
            prev = (mb, v)
        print(line)


if __name__ == "__main__":
    main()
