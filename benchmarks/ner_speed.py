"""CPU throughput of kg's NER tagger: batched and one sentence at a time, 1 and 2 threads.

    python benchmarks/ner_speed.py [--model DIR] [--source data|msra] [--threads 1,2] [--repeat N]

Prints chars/s for ``tag_sentences`` over all sentences (batch 64, long ones chunked) and for
one ``tag_sentences([s])`` call per sentence; plus model size and load time.  The machine may be
shared: run it when nothing else is busy and report the figures as measured.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def sentences(source: str) -> list[str]:
    if source == "data":
        from kg.ingest import read_corpus

        return [s.text for d in read_corpus([ROOT / "data"]) for s in d.sentences if s.text.strip()]
    from kg.ner_train import corpora_dir, read_char_tagged

    return [t for t, _ in read_char_tagged(corpora_dir() / "msra" / "test.bio")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--criterion", default=None,
                    help="corpus conventions of a model trained with markers (default: the model's)")
    ap.add_argument("--source", default="data", choices=["data", "msra"])
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--single-limit", type=int, default=400, help="sentences for the one-by-one run")
    args = ap.parse_args()

    import torch
    from kg.ner import NerTagger

    texts = sentences(args.source)
    chars = sum(map(len, texts))
    t0 = time.perf_counter()
    tagger = NerTagger.load(args.model, criterion=args.criterion)
    load_s = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in Path(tagger.path).iterdir() if f.is_file())
    print(f"model {tagger.path} version {tagger.version}: {size / 1e6:.2f} MB on disk, "
          f"{sum(p.numel() for p in tagger.component.model.parameters()) / 1e6:.2f} M parameters, "
          f"loaded in {load_s:.2f} s")
    print(f"source {args.source}: {len(texts)} sentences, {chars} chars "
          f"(mean {chars / max(len(texts), 1):.1f}, max {max(map(len, texts))})")
    tagger.tag_sentences(texts[:64])            # warm-up
    single = texts[: args.single_limit]
    single_chars = sum(map(len, single))
    for n in [int(x) for x in args.threads.split(",")]:
        torch.set_num_threads(n)
        t0 = time.perf_counter()
        tagger.tag_sentences(texts, batch_size=args.batch_size)
        b = time.perf_counter() - t0
        t0 = time.perf_counter()
        for s in single:
            tagger.tag_sentences([s], batch_size=1)
        o = time.perf_counter() - t0
        print(f"threads={n}: batched (batch {args.batch_size}) {chars / b:,.0f} chars/s ({b:.2f} s); "
              f"single sentence {single_chars / o:,.0f} chars/s, {1000 * o / len(single):.2f} ms/sentence "
              f"({len(single)} sentences)")


if __name__ == "__main__":
    main()
