"""``kg build`` of one huge single-line file: time, per-stage seconds and peak RSS.

    python benchmarks/one_line.py [--mb 1,10] [--keep DIR]

For each size it writes ``one.txt``: People's Daily 1998 articles (the seeded shuffle of
``throughput.py``) with their newlines removed, concatenated until the file holds at least that
many MB (10^6 bytes) of UTF-8, one line, no newline; then runs ``kg build DIR --out OUT
--no-cache --json --max-file-size 0`` in a child process and prints wall seconds, chars/s, the
pipeline's stages and the child's peak RSS (``os.wait4``).
"""

from __future__ import annotations

import argparse
import json
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
    args = ap.parse_args()
    articles = read_articles(PD98)
    with tempfile.TemporaryDirectory(prefix="kg-one-line-") as tmp:
        base = args.keep or Path(tmp)
        for mb in (float(x) for x in args.mb.split(",") if x.strip()):
            corpus = base / f"one_{mb:g}mb"
            corpus.mkdir(parents=True, exist_ok=True)
            text = one_line_text(articles, mb)
            (corpus / "one.txt").write_text(text, encoding="utf-8")
            wall, rss, out = run_child([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out",
                                        str(base / f"out_{mb:g}mb"), "--no-cache", "--json",
                                        "--max-file-size", "0", "--jobs", "1"])
            st = json.loads(out)["seconds"]
            print(f"{mb:g} MB, {len(text):,} chars: {wall:.1f} s wall, {len(text) / wall:,.0f} chars/s, "
                  f"peak RSS {rss / 2**20:,.0f} MB\n  stages (s) "
                  + "  ".join(f"{k} {v:.2f}" for k, v in st.items()), flush=True)


if __name__ == "__main__":
    main()
