"""``kg build`` of one huge single-line file: per-stage wall and CPU seconds, and peak RSS.

    python benchmarks/one_line.py [--mb 0.25,0.5,1,2] [--keep DIR] [--json FILE]

For each size it writes ``one.txt``: People's Daily 1998 articles (the seeded shuffle of
``throughput.py``) with their newlines removed, concatenated until the file holds at least that
many MB (10^6 bytes) of UTF-8, one line, no newline; then runs ``kg build DIR --out OUT
--no-cache --json --max-file-size 0 --jobs 1`` in a child process and prints wall seconds,
chars/s, the child's peak RSS (``os.wait4``) and, per stage of the pipeline, wall seconds, CPU
seconds (``BuildResult.cpu_seconds``: they do not count the time the process waits for a core
on a busy machine), CPU seconds per MB of the file and the peak RSS at the stage's end.

With two sizes or more it ends with a table of CPU seconds per MB of each per-document stage at
each size, and the growth of that figure per doubling of the size (1.00: linear).  The load
average (``os.getloadavg``) before and after each build is printed too.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import PD98, read_articles, run_child, select_articles  # noqa: E402


def one_line_text(articles, mb: float) -> str:
    parts, n = [], 0
    for _aid, text in select_articles(articles, int(mb * 2_000_000)):
        if n >= mb * 1_000_000:
            break
        s = text.replace("\n", "")
        parts.append(s)
        n += len(s.encode("utf-8"))
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", default="1", help="comma-separated file sizes in MB (default 1)")
    ap.add_argument("--keep", type=Path, default=None, help="write the files and outputs here and keep them")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here (a JSON list, one per size)")
    args = ap.parse_args()
    articles = read_articles(PD98)
    runs = []
    with tempfile.TemporaryDirectory(prefix="kg-one-line-") as tmp:
        base = args.keep or Path(tmp)
        for mb in (float(x) for x in args.mb.split(",") if x.strip()):
            corpus = base / f"one_{mb:g}mb"
            corpus.mkdir(parents=True, exist_ok=True)
            text = one_line_text(articles, mb)
            (corpus / "one.txt").write_text(text, encoding="utf-8")
            size = len(text.encode("utf-8")) / 1e6
            load0 = os.getloadavg()[0]
            wall, rss, out = run_child([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out",
                                        str(base / f"out_{mb:g}mb"), "--no-cache", "--json",
                                        "--max-file-size", "0", "--jobs", "1"])
            load1 = os.getloadavg()[0]
            summary = json.loads(out)
            st, cpu, peak = summary["seconds"], summary["cpu_seconds"], summary["peak_rss_mb"]
            runs.append({"mb": mb, "bytes": int(size * 1e6), "chars": len(text), "wall": wall,
                         "peak_rss_mb": rss / 2**20, "load": [load0, load1], "seconds": st,
                         "cpu_seconds": cpu, "stage_peak_rss_mb": peak})
            print(f"{mb:g} MB ({size:.3f} MB, {len(text):,} chars): {wall:.1f} s wall, "
                  f"{len(text) / wall:,.0f} chars/s, peak RSS {rss / 2**20:,.0f} MB, "
                  f"load {load0:.2f} -> {load1:.2f}", flush=True)
            print(f"  {'stage':14s} {'wall s':>8s} {'CPU s':>8s} {'CPU s/MB':>9s} {'peak RSS MB':>12s}")
            for k, v in st.items():
                c = cpu.get(k)
                print(f"  {k:14s} {v:8.2f} " + (f"{c:8.2f} {c / size:9.2f}" if c is not None else f"{'':8s} {'':9s}")
                      + (f" {peak[k]:12,.0f}" if k in peak else ""), flush=True)
    if len(runs) > 1:
        stages = ["ner", "relations", "learned", "resolve+graph", "write"]
        print("\nCPU s per MB (growth per doubling of the size; 1.00 is linear)")
        print(f"  {'MB':>6s} " + " ".join(f"{k:>18s}" for k in stages))
        prev = None
        for r in runs:
            per = {k: r["cpu_seconds"].get(k, 0.0) / (r["bytes"] / 1e6) for k in stages}
            cells = []
            for k in stages:
                g = ""
                if prev is not None and prev[1][k] > 0 and per[k] > 0:
                    g = f"(x{(per[k] / prev[1][k]) ** (1 / math.log2(r['bytes'] / prev[0])):.2f})"
                cells.append(f"{per[k]:9.2f} {g:>8s}")
            print(f"  {r['bytes'] / 1e6:6.3f} " + " ".join(f"{c:>18s}" for c in cells))
            prev = (r["bytes"], per)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
