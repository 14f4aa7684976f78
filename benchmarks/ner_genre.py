"""How kg's NER model does on the genre: the sample documents in data/ against the gold seeds.

    python benchmarks/ner_genre.py [--model DIR] [--gold ../shared/gold/seeds.jsonl] [--show]

NER-level check only (no relations): for each document, a gold entity (Person/Organization/Place)
is found when some mention of that type has one of its surface forms; a gold holds_post post
title is found when a Post mention has one of its forms.  Precision is reported for Person where
the document's header says Person is exhaustive.  Surface forms are compared after NFKC and
removing whitespace.  These seeds are the dev gold of ``kg eval``: a check, not a test set.
"""

from __future__ import annotations

import argparse
import sys
import json
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--criterion", default=None,
                    help="corpus conventions of a model trained with markers (default: the model's)")
    ap.add_argument("--gold", default=str(ROOT.parent / "shared" / "gold" / "seeds.jsonl"))
    ap.add_argument("--show", action="store_true", help="list missed gold and spurious persons")
    args = ap.parse_args()

    import torch
    from kg.ingest import read_corpus
    from kg.ner import NerTagger

    torch.set_num_threads(1)
    docs = {d.id: d for d in read_corpus([ROOT / "data"])}
    tagger = NerTagger.load(args.model, criterion=args.criterion)
    found: dict[str, dict[str, set[str]]] = {}
    for doc_id, doc in docs.items():
        by_type: dict[str, set[str]] = defaultdict(set)
        for m in tagger.tag(doc):
            by_type[m.type].add(norm(m.text))
        found[doc_id] = by_type
    gold: list[dict] = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    exhaustive = {g["doc"]: set(g.get("exhaustive", [])) for g in gold if g["kind"] == "doc"}
    stats = defaultdict(lambda: [0, 0])            # type -> [found, required]
    missed = defaultdict(list)
    person_gold_forms: dict[str, set[str]] = defaultdict(set)
    for g in gold:
        if g["doc"] not in found:
            continue
        if g["kind"] == "entity" and g["type"] in ("Person", "Organization", "Place"):
            typ, forms = g["type"], {norm(x) for x in g["name"]}
        elif g["kind"] == "holds_post":
            typ, forms = "Post", {norm(x) for x in g["post"]}
        else:
            continue
        if typ == "Person":
            person_gold_forms[g["doc"]] |= forms
        if g.get("optional"):
            continue
        hit = bool(forms & found[g["doc"]].get(typ, set()))
        stats[typ][0] += hit
        stats[typ][1] += 1
        if not hit:
            missed[typ].append(f"{g['doc'][:3]}:{sorted(forms)[0]}")
    print(f"model {tagger.path} version {tagger.version}; {len(docs)} documents")
    for typ in ("Person", "Post", "Organization", "Place"):
        f, n = stats[typ]
        print(f"  {typ:12s} recall {f}/{n} = {100 * f / max(n, 1):.1f}%")
    tp = fp = 0
    spurious = []
    for doc_id, by_type in found.items():
        if "Person" not in exhaustive.get(doc_id, set()):
            continue
        for p in by_type.get("Person", set()):
            if p in person_gold_forms[doc_id]:
                tp += 1
            else:
                fp += 1
                spurious.append(f"{doc_id[:3]}:{p}")
    print(f"  Person precision (distinct surface forms, exhaustive docs) {tp}/{tp + fp} = "
          f"{100 * tp / max(tp + fp, 1):.1f}%")
    if args.show:
        for typ, items in missed.items():
            print(f"missed {typ}: {' '.join(items)}")
        print(f"spurious Person: {' '.join(spurious)}")


if __name__ == "__main__":
    main()
