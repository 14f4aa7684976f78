"""End-to-end throughput of ``kg build`` on People's Daily 1998 articles, with yardsticks.

    python benchmarks/throughput.py [--sizes 0.25M,1M,2M] [--jobs N[,M...]] [--keep DIR] [--no-jieba]
                                    [--no-ner-only]

For each size it writes a corpus of one ``.txt`` file per article (deterministic selection,
see ``select_articles``) to a temporary directory and, each in a fresh child process:

* a cold ``kg build DIR --out OUT --json`` (empty cache: every document goes through NER and
  the relation rules; the run also fills ``OUT/.cache``): chars/s, the pipeline's per-stage
  seconds and the child's peak RSS (``os.wait4``);
* a warm rebuild of the same unchanged corpus into the same ``OUT`` (every document from the
  cache);
* kg's NER alone (``NerTagger.tag_many`` over the NER groups ``kg build`` makes, model load
  excluded): chars/s;
* jieba.posseg (``pip install -e ".[bench]"``; skipped when jieba is missing): chars/s over the
  same article texts, dictionary load excluded.

``--jobs`` (default 1) is passed to ``kg build --jobs``; a comma-separated list (e.g. ``1,2``)
runs the cold and warm builds once per value, each cold (its own OUT), and reports the speed-up
of each over the first.

chars are the characters of the article texts written (what ``kg build`` reads).  Default
size: 0.25M (a few minutes on one core).  The machine may be shared: report figures as measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PD98 = ROOT.parent / "shared" / "corpora" / "peoples_daily_1998" / "199801.utf8.txt"
SEED = 1998

_TOKEN = re.compile(r"^\[?(.*?)/[A-Za-z]+\]?[a-z]*$")


def read_articles(path: Path) -> list[tuple[str, str]]:
    """(article id, text) in file order: paragraphs that share the ``date-page-article`` part of
    their id, tokens joined without the POS tags and ``[...]`` brackets, one paragraph a line."""
    arts: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        toks = line.split()
        if not toks:
            continue
        pid = toks[0].split("/")[0]            # 19980101-01-001-001
        aid = pid.rsplit("-", 1)[0]             # 19980101-01-001
        words = []
        for tok in toks[1:]:
            m = _TOKEN.match(tok)
            words.append(m.group(1) if m else tok)
        para = "".join(words).strip()
        if para:
            arts.setdefault(aid, []).append(para)
    return [(aid, "\n".join(paras) + "\n") for aid, paras in arts.items()]


def select_articles(articles: list[tuple[str, str]], chars: int) -> list[tuple[str, str]]:
    """A seeded shuffle of all articles, then the shortest prefix of it with ≥ ``chars``
    characters: deterministic, spread over the month, and each smaller corpus is a subset of the
    larger ones.  The January file holds 1.86M characters: past that the shuffled list is
    repeated, the copies named ``<id>-r2`` (new document ids, so new cache keys: still cold)."""
    order = list(articles)
    random.Random(SEED).shuffle(order)
    out, n, rnd = [], 0, 1
    while n < chars:
        for aid, text in order:
            if n >= chars:
                break
            out.append((aid if rnd == 1 else f"{aid}-r{rnd}", text))
            n += len(text)
        rnd += 1
    return out


def parse_size(s: str) -> int:
    s = s.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000}.get(s[-1:], 1)
    return int(float(s.rstrip("KM")) * mult)


def run_child(argv: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak RSS bytes, stdout) of one child process."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as fo, \
            tempfile.TemporaryFile("w+", encoding="utf-8") as fe:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=fo, stderr=fe, env=env)
        _, status, ru = os.wait4(p.pid, 0)          # this child's own rusage
        wall = time.perf_counter() - t0
        p.returncode = code = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if code != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit(f"{' '.join(argv[:4])} ... failed with exit code {code}")
    return wall, ru.ru_maxrss * 1024, out     # ru_maxrss is in KiB on Linux


NER_ONLY = r"""
import json, sys, time
from kg.ingest import read_corpus
from kg.ner import NerTagger
from kg.pipeline import ner_groups
docs = read_corpus([sys.argv[1]])
tagger = NerTagger.load()
tagger.tag_sentences(["中共中央总书记、国家主席江泽民发表新年讲话。"])
t0 = time.perf_counter()
for g in ner_groups(docs, range(len(docs))):     # as kg build tags them
    tagger.tag_many([docs[i] for i in g])
print(json.dumps({"seconds": time.perf_counter() - t0, "chars": sum(len(d.text) for d in docs)}))
"""

JIEBA = r"""
import json, logging, sys, time
from pathlib import Path
import jieba, jieba.posseg as pseg
jieba.setLogLevel(logging.WARNING)
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt"))]
jieba.initialize()
list(pseg.cut("中共中央总书记、国家主席江泽民发表新年讲话。"))
t0 = time.perf_counter()
n = 0
for t in texts:
    n += sum(1 for _ in pseg.cut(t))
print(json.dumps({"seconds": time.perf_counter() - t0, "chars": sum(map(len, texts)), "tokens": n}))
"""


def have_jieba() -> bool:
    r = subprocess.run([sys.executable, "-c", "import jieba.posseg"], capture_output=True)
    return r.returncode == 0


def bench(size: int, base: Path, articles, args) -> dict:
    sel = select_articles(articles, size)
    corpus = base / f"pd98_{size}"
    out = base / f"out_{size}"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)          # cold: no cache left from an earlier run
    corpus.mkdir(parents=True)
    for aid, text in sel:
        (corpus / f"{aid}.txt").write_text(text, encoding="utf-8")
    chars = sum(len(t) for _, t in sel)
    row: dict = {"size": size, "files": len(sel), "chars": chars, "runs": {}}
    for j in args.jobs:
        o = out / f"jobs{j}"
        kg = [sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(o), "--json",
              "--jobs", str(j)]
        run: dict = {}
        wall, rss, stdout = run_child(kg)
        summary = json.loads(stdout)
        run.update(cold_s=wall, cold_cps=chars / wall, cold_rss=rss, stages=summary["seconds"],
                   facts=sum(summary["facts"].values()), documents=summary["documents"],
                   workers=summary.get("workers", 0))
        wall, rss, stdout = run_child(kg)
        warm = json.loads(stdout)
        run.update(warm_s=wall, warm_rss=rss, warm_hits=warm["cache_hits"], warm_stages=warm["seconds"])
        row["runs"][j] = run
    row.update(row["runs"][args.jobs[0]])     # the first --jobs value: the figures of old reports
    if not args.no_ner_only:
        _, rss, stdout = run_child([sys.executable, "-c", NER_ONLY, str(corpus)])
        r = json.loads(stdout)
        row.update(ner_cps=r["chars"] / r["seconds"], ner_rss=rss)
    if not args.no_jieba and have_jieba():
        _, rss, stdout = run_child([sys.executable, "-c", JIEBA, str(corpus)])
        r = json.loads(stdout)
        row.update(jieba_cps=r["chars"] / r["seconds"])
    return row


def report(row: dict) -> str:
    mb = 1024 * 1024
    first = next(iter(row["runs"].values()))
    lines = [f"corpus {row['chars']:,} chars, {row['files']} files ({row['documents']} documents read), "
             f"{row['facts']:,} facts"]
    for j, run in row["runs"].items():
        st = run["stages"]
        lines += [
            f"  --jobs {j} ({run['workers']} worker processes)",
            f"  cold build   {run['cold_s']:8.1f} s  {run['cold_cps']:9,.0f} chars/s  "
            f"peak RSS {run['cold_rss'] / mb:,.0f} MB (largest process)"
            + (f"  {first['cold_s'] / run['cold_s']:.2f}x the first --jobs" if run is not first else ""),
            "  stages (s)   " + "  ".join(f"{k} {v:.2f}" for k, v in st.items()),
            f"  warm rebuild {run['warm_s']:8.1f} s  ({run['cold_s'] / run['warm_s']:.1f}x faster than cold, "
            f"{run['warm_hits']} cache hits)  peak RSS {run['warm_rss'] / mb:,.0f} MB",
            "  warm stages  " + "  ".join(f"{k} {v:.2f}" for k, v in run["warm_stages"].items()),
        ]
    if "ner_cps" in row:
        lines.append(f"  kg NER only  {row['ner_cps']:9,.0f} chars/s (model load excluded)")
    if "jieba_cps" in row:
        lines.append(f"  jieba.posseg {row['jieba_cps']:9,.0f} chars/s; kg cold / jieba = "
                     f"{row['cold_cps'] / row['jieba_cps']:.3f}")
    else:
        lines.append("  jieba.posseg not measured (pip install -e \".[bench]\")")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="0.25M", help="comma-separated corpus sizes in characters, "
                    "e.g. 0.25M,1M,2M (default 0.25M)")
    ap.add_argument("--corpus", type=Path, default=PD98, help="People's Daily 1998 UTF-8 file")
    ap.add_argument("--keep", type=Path, default=None, help="write corpora and outputs here and keep them")
    ap.add_argument("--no-jieba", action="store_true", help="skip the jieba.posseg yardstick")
    ap.add_argument("--no-ner-only", action="store_true", help="skip the NER-only yardstick")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--jobs", default="1", help="kg build --jobs: N, or a comma-separated list to "
                    "compare (e.g. 1,2; default 1)")
    args = ap.parse_args()
    args.jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    if not args.jobs or min(args.jobs) < 1:
        raise SystemExit("--jobs: positive integers, e.g. 2 or 1,2")

    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus}: People's Daily 1998 file missing (see ../shared/corpora)")
    articles = read_articles(args.corpus)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-throughput-") as tmp:
        base = args.keep or Path(tmp)
        for size in sizes:
            row = bench(size, base, articles, args)
            rows.append(row)
            print(report(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
