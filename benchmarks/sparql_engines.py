"""Compare the SPARQL engines of ``kg sparql``: rdflib (pure Python) vs pyoxigraph (Rust).

For the graph built from data/ and for a scaled copy of it (the same triples repeated under
SCALE different IRI namespaces), prints the Turtle load time and the time of each competency
query in sparql/ (median of REPEAT runs on a loaded store), and checks both engines return the
same rows.

    python benchmarks/sparql_engines.py                     # builds data/ into out/bench/
    python benchmarks/sparql_engines.py --ttl out/graph.ttl --scale 10 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import sparql  # noqa: E402
from kg.rdf import DEFAULT_BASE  # noqa: E402


def build_sample(data: Path, out: Path) -> Path:
    import torch
    torch.set_num_threads(1)
    from kg.pipeline import build
    t0 = time.perf_counter()
    build([data], out)
    print(f"built {data} -> {out}/graph.ttl in {time.perf_counter() - t0:.1f} s", flush=True)
    return out / "graph.ttl"


def scaled_copy(ttl: Path, scale: int, dest: Path) -> Path:
    """SCALE copies of the data, each under its own namespace (Turtle allows a prefix to be
    redeclared, so the body is repeated after '@prefix kgid: <…/cK/>')."""
    lines = ttl.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [ln for ln in lines if ln.startswith("@prefix")]
    body = "".join(ln for ln in lines if not ln.startswith("@prefix"))
    if not any(ln.startswith("@prefix kgid:") for ln in header):
        raise SystemExit(f"{ttl}: no kgid prefix (not written by kg.rdf?)")
    base = next(ln for ln in header if ln.startswith("@prefix kgid:")).split("<")[1].split(">")[0]
    parts = ["".join(header)]
    for k in range(scale):
        parts.append(f"@prefix kgid: <{base}c{k}/> .\n")
        parts.append(body)
    dest.write_text("".join(parts), encoding="utf-8")
    return dest


def measure(ttl: Path, repeat: int) -> dict:
    queries = sorted((ROOT / "sparql").glob("*.rq"))
    res: dict = {"triples": None, "load": {}, "queries": {}}
    rows_by_engine: dict = {}
    for engine in sparql.ENGINES:
        print(f"  {engine}: {ttl.name} ...", file=sys.stderr, flush=True)
        sparql._CACHE.clear()
        t0 = time.perf_counter()
        store = sparql.load_store(ttl, engine)
        res["load"][engine] = time.perf_counter() - t0
        res["triples"] = len(store)
        for qp in queries:
            text = qp.read_text(encoding="utf-8")
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                cols, rows = sparql.run(text, ttl, engine=engine)
                times.append(time.perf_counter() - t0)
            res["queries"].setdefault(qp.stem, {})[engine] = (statistics.median(times), len(rows))
            rows_by_engine.setdefault(qp.stem, {})[engine] = list(map(repr, rows))  # ordered
    res["same_rows"] = {name: len({tuple(v) for v in r.values()}) == 1
                        for name, r in rows_by_engine.items()}
    return res


def report(title: str, ttl: Path, r: dict) -> None:
    size = ttl.stat().st_size / 1e6
    print(f"\n== {title}: {ttl} ({size:.1f} MB, {r['triples']} triples)")
    print(f"{'':28s} {'rdflib':>12s} {'oxigraph':>12s} {'speed-up':>9s}  rows  same")
    lr, lo = r["load"]["rdflib"], r["load"]["oxigraph"]
    print(f"{'load Turtle':28s} {lr * 1000:10.1f}ms {lo * 1000:10.1f}ms {lr / lo:8.1f}x")
    for name, by in r["queries"].items():
        (tr, _), (to, no) = by["rdflib"], by["oxigraph"]
        print(f"{name:28s} {tr * 1000:10.2f}ms {to * 1000:10.2f}ms {tr / to:8.1f}x  {no:4d}  "
              f"{'yes' if r['same_rows'][name] else 'NO'}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "data")
    ap.add_argument("--ttl", type=Path, help="use this graph.ttl instead of building --data")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "bench")
    ap.add_argument("--scale", type=int, default=10, help="copies in the scaled graph")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ttl = args.ttl or build_sample(args.data, args.out)
    r = measure(ttl, args.repeat)
    report("graph built from data/", ttl, r)
    if args.scale > 1:
        args.out.mkdir(parents=True, exist_ok=True)
        big = scaled_copy(ttl, args.scale, args.out / f"graph.x{args.scale}.ttl")
        report(f"scaled copy x{args.scale}", big, measure(big, args.repeat))
    print(f"\nbase IRI {DEFAULT_BASE}; default engine: {sparql.DEFAULT_ENGINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
