"""Cross-fitted figures of the learned relation layer on realpages/train.

The train pages are split into K folds; each fold is scored by a learned layer trained on the
other folds (on the shipped NER model's and the rules' output), and the whole of train is then
resolved and scored against its gold.  This measures a change of the learned layer on 211 pages
instead of dev's 42, without looking at dev.  (The NER model v7 has seen the train pages, so
entity figures here are optimistic; relation figures are not.)

    .venv/bin/python benchmarks/relations_crossfit.py [--folds 4] [--work /tmp/kg-crossfit]
        [--variant mode=backoff,project_mentions=0 --variant project_mentions=1 ...] [--losses]
        [--ceiling] [--thresholds] [--facts FILE] [--entity-ner-model /tmp/ner_v6] [--extra DOCS GOLD ...]
        [--augment N] [--fold-jobs 2]

With ``--entity-ner-model`` the fold models are trained as the shipped command trains them
(entity models on that NER model's output, with generated candidates) and every held-out fold
is scored on that NER model's output: an estimate of the whole system on pages no model has
seen, entity rows included (without it the held-out folds are scored on the shipped NER
model's output, which saw them, so the entity rows are optimistic).

``--facts FILE`` writes the last variant's cross-fitted facts, resolved, for ``kg eval --facts
FILE --details``; ``--baseline FILE`` (such a file of an earlier run) prints each variant's paired
difference from it with 95 % intervals over resamples of the pages, as ``kg eval --baseline`` does
(and each later variant's from the first); ``--thresholds`` prints each model's threshold in each fold model.  ``--losses``
counts what the output holds of each required leads_action / in_cluster record (the fact; else
whether the action / cluster is named, and what became of the agency / member), where in the
layer each is lost, and what the wrong facts are; ``--ceiling`` how
many records the pair stage could still find (some pair of the kept spans states the record, the
best pair of its group does, and it clears the pair threshold), with the span thresholds as
trained and scaled down.  ``--extra DOCS GOLD``: more annotated documents the fold models' span
and pair models learn from in every fold (never scored; ``kg model train-relations
--extra-corpus``).  ``--augment N``: N copies of each page with its names swapped (``kg model
train-relations --augment``, ``kg.learned.augment``); a fold model learns from the copies of its
own pages only, each in its page's inner fold and with donors from that inner fold, so no held-out
page, nor a name of one, is in any copy it learns from.

The rule output is cached in WORK/rules.pkl and the fold models in WORK/foldK (reused on the
next run with --reuse); each variant sets LearnedLayer attributes of the fold models before
applying them.  About 15 min on 2 idle cores (session 49's machine: ~45 min of fold training one
fold at a time; ``--fold-jobs 2`` trains two at a time in forked processes, the same files, two
folds in ~13 min).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import pickle
from pathlib import Path

from kg.evaluate import bootstrap, load_gold, load_predictions, score
from kg.ingest import read_corpus
from collections import Counter

from kg.evaluate import normalize
from kg.learned.candidates import PAIR_RELATIONS
from kg.learned.layer import SPAN_MODELS, LearnedLayer, pair_group, parse_modes, select_spans, spans_by_type
from kg.learned.train import gold_by_doc, run_rules, train
from kg.lexicon import Lexicon
from kg.pipeline import write_facts
from kg.resolve import resolve
from kg.schema import RELATIONS

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages" / "train"


def _row(name: str, c: dict) -> str:
    c = {k: (0.0 if v is None else v) for k, v in c.items()}
    return (f"{name:14s} tp {c['tp']:5d} fp {c['fp']:5d} fn {c['fn']:5d}  "
            f"P {100 * c['precision']:5.1f}  R {100 * c['recall']:5.1f}  F1 {100 * c['f1']:5.1f}")


PAIRED_SCOPES = ("overall", "entity/Organization", "entity/Place", "holds_post", "leads_action", "in_cluster")


def paired_lines(report, baseline, name: str, resamples: int = 1000) -> list[str]:
    """The paired difference of ``report`` from ``baseline`` (two reports on the same pages) in the
    scopes a relation-layer change moves, each with its 95 % interval over resamples of the pages
    and the shares of resamples above / below 0 (``kg eval --baseline``); a scope the two agree on
    in every resample is left out."""
    lines = [f"   paired with {name} ({resamples} resamples of the pages; 95 % interval, share above / below 0):"]
    for scope, iv in bootstrap(report, baseline, resamples=resamples).items():
        if scope not in PAIRED_SCOPES or iv.value is None or iv.low == iv.high == 0.0:
            continue
        lines.append(f"   {scope:22s} {100 * iv.value:+5.1f} [{100 * iv.low:+5.1f}, {100 * iv.high:+5.1f}]"
                     f"  {100 * iv.above:3.0f} % / {100 * iv.below:3.0f} %")
    if len(lines) == 1:
        lines.append("   no difference")
    return lines


def _scored_pages(data, gold, layers):
    """For each page of ``data`` with required leads_action / in_cluster records, cross-fitted
    (page i scored by ``layers[i % K]``): its rule result, its required records by relation, the
    layer, its candidates (as the layer makes them: :meth:`LearnedLayer.candidates`), every span
    candidate with its score, and the span models' thresholds."""
    K = len(layers)
    gb = gold_by_doc(gold)
    for i, (d, r) in enumerate(data):
        g = gb.get(d.id)
        recs = {rel: [x for x in (g.pairs.get(rel, []) if g else []) if not x[-1]] for rel in PAIR_RELATIONS}
        if not any(recs.values()):
            continue
        L = layers[i % K]
        c = L.candidates(d, r)
        spans = c.spans()
        scores = [L.models[sp.type].score(sp.feats) for sp in spans]
        yield r, recs, L, c, spans, scores, {k: L.models[k].threshold for k in SPAN_MODELS if k in L.models}


def losses(data, gold, layers) -> dict[str, Counter]:
    """Where each required gold record of each pair relation is lost, cross-fitted: its action /
    cluster is no candidate, or scored below the span threshold, or lost to a sibling span; its
    agency / member is no candidate or dropped; no pair of them; the pair scored below.  Each
    document's candidates are made and scored once, for both relations (:func:`_scored_pages`)."""
    out: dict[str, Counter] = {rel: Counter() for rel in PAIR_RELATIONS}
    for r, recs, L, c, spans, scores, thr in _scored_pages(data, gold, layers):
        kept = select_spans(spans, scores, thr)
        names = {normalize(m.text) for m in r.mentions if m.type in ("Organization", "Project")}
        all_a = {normalize(sp.text) for sp in spans if sp.type == "Member"} | names
        kept_a = {normalize(sp.text) for sp, _ in kept if sp.type == "Member"} | names
        pairs = c.pairs(*spans_by_type(kept), relations=tuple(rel for rel in PAIR_RELATIONS if recs[rel]))
        for rel in PAIR_RELATIONS:
            b_type = RELATIONS[rel].roles[1].types[0]        # Action / Cluster, a Pair's b
            kept_b = {normalize(sp.text) for sp, _ in kept if sp.type == b_type}
            m = L.models[rel]
            pair_scores = {(normalize(p.a_text), normalize(p.b_text)): m.score(p.feats)
                           for p in pairs if p.relation == rel}
            for a, b, _mt, _opt in recs[rel]:
                b_scores = [sc for sp, sc in zip(spans, scores) if sp.type == b_type and normalize(sp.text) in b]
                if not b_scores:
                    out[rel]["action/cluster: no candidate"] += 1
                elif not b & kept_b:
                    out[rel]["action/cluster: below threshold" if max(b_scores) < thr[b_type]
                             else "action/cluster: lost to a sibling span"] += 1
                elif not a & all_a:
                    out[rel]["agency/member: no candidate"] += 1
                elif not a & kept_a:
                    out[rel]["agency/member: dropped"] += 1
                else:
                    sc = max((v for (x, y), v in pair_scores.items() if x in a and y in b), default=None)
                    out[rel]["no pair" if sc is None else "pair below threshold" if sc < m.threshold
                             else "pair kept"] += 1
    return out


def ceiling(data, gold, layers, scales=(1.0, 0.5, 0.01)) -> dict[str, dict[float, Counter]]:
    """How many required gold records of each pair relation the pair stage could still find,
    with the span thresholds scaled by each of ``scales`` (1: as trained; 0.01: nearly every
    candidate span, each group's best, non-overlapping): ``reachable``, some pair of the kept
    spans is the record's; ``best``, the best-scored pair of the record's group (its member, its
    action: :func:`pair_group`, the one choice the layer makes) is the record's; ``kept``, and it
    scores at least the pair threshold.  Cross-fitted, before the rules' facts, list mates and
    resolution, so ``kept`` at scale 1 is what the pair model itself contributes.  Each relation's
    ``"required"`` entry is the number of its required records in ``gold``'s documents of ``data``."""
    out: dict = {rel: {s: Counter() for s in scales} | {"required": 0} for rel in PAIR_RELATIONS}
    for _r, recs, L, c, spans, scores, thr in _scored_pages(data, gold, layers):
        for rel in PAIR_RELATIONS:
            out[rel]["required"] += len(recs[rel])
        for s in scales:
            kept = select_spans(spans, scores, {k: v * s for k, v in thr.items()})
            pairs = c.pairs(*spans_by_type(kept), relations=tuple(rel for rel in PAIR_RELATIONS if recs[rel]))
            for rel in PAIR_RELATIONS:
                m = L.models[rel]
                best: dict[str, tuple[float, str, str]] = {}     # group text -> (score, a, b)
                scored = []
                for p in pairs:
                    if p.relation != rel:
                        continue
                    sc = m.score(p.feats)
                    a, b = normalize(p.a_text), normalize(p.b_text)
                    scored.append((a, b))
                    key = normalize(pair_group(p)[1])
                    if key not in best or sc > best[key][0]:
                        best[key] = (sc, a, b)
                for a, b, _mt, _opt in recs[rel]:
                    if not any(x in a and y in b for x, y in scored):
                        continue
                    out[rel][s]["reachable"] += 1
                    own = a if rel == "in_cluster" else b       # the record's group argument
                    top = max((v for k, v in best.items() if k in own), default=None)
                    if top is not None and top[1] in a and top[2] in b:
                        out[rel][s]["best"] += 1
                        if top[0] >= m.threshold:
                            out[rel][s]["kept"] += 1
    return out


def false_positives(data, outs, gold, relation: str) -> Counter:
    """The facts of ``relation`` in the layer's outputs ``outs`` (one DocResult per document of
    ``data``, before resolution) that match no gold record, counted by extractor (the rule that
    stated it, or ``learned``) and by which argument is wrong: the agency / member is one of the
    page's gold ones or not, and the action / cluster likewise (a right pair of arguments of two
    different gold records is "both in the gold").  A fact matching an optional record is none."""
    gb = gold_by_doc(gold)
    ka, kb = RELATIONS[relation].role_names       # agency, action / member, cluster
    out: Counter = Counter()
    for (d, _r), res in zip(data, outs):
        g = gb.get(d.id)
        recs = g.pairs.get(relation, []) if g else []
        A = set().union(*(x[0] for x in recs))
        B = set().union(*(x[1] for x in recs))
        for f in res.facts:
            if f.relation != relation:
                continue
            a, b = normalize(f.args[ka].text), normalize(f.args[kb].text)
            if any(a in x[0] and b in x[1] for x in recs):
                continue
            where = ("both in the gold" if a in A and b in B else f"{kb} not in the gold" if a in A
                     else f"{ka} not in the gold" if b in B else "neither in the gold")
            out[(f.extractor, where if recs else "a page without gold records")] += 1
    return out


def fold_thresholds(layers) -> dict[str, list[float | None]]:
    """Each model's threshold in each fold model (None where a fold has no such model), by model
    name: how far the folds' thresholds lie apart (a retrain draws them: docs/evaluation.md,
    "Session 45")."""
    names = sorted({name for L in layers for name in L.models})
    return {name: [L.models[name].threshold if name in L.models else None for L in layers] for name in names}


def output_losses(data, outs, gold) -> dict[str, Counter]:
    """What the layer's outputs ``outs`` (one DocResult per document of ``data``, before
    resolution) hold of each required leads_action / in_cluster record: the fact; else whether
    the record's action / cluster is named at all (an Action / Cluster mention with one of its
    forms); and where it is named, what became of the agency / member: paired by a fact with
    another action / cluster, an entity (an Organization mention with one of its forms, for
    in_cluster a Project one too) that no fact pairs, an entity under another cut only (a form
    inside a mention or a mention inside a form), or no entity at all."""
    gb = gold_by_doc(gold)
    out: dict[str, Counter] = {rel: Counter() for rel in PAIR_RELATIONS}
    for (d, _r), res in zip(data, outs):
        g = gb.get(d.id)
        if g is None:
            continue
        for rel in PAIR_RELATIONS:
            ka, kb = RELATIONS[rel].role_names
            a_types, (b_type, *_) = (role.types for role in RELATIONS[rel].roles)
            named_b = {normalize(m.text) for m in res.mentions if m.type == b_type}
            ents = {normalize(m.text) for m in res.mentions if m.type in a_types}
            facts = [(normalize(f.args[ka].text), normalize(f.args[kb].text))
                     for f in res.facts if f.relation == rel]
            for a, b, _mt, opt in g.pairs.get(rel, []):
                if opt:
                    continue
                if any(x in a and y in b for x, y in facts):
                    out[rel]["the fact is made"] += 1
                elif not b & named_b:
                    out[rel][f"the {kb} is not named"] += 1
                elif any(x in a for x, _y in facts):
                    out[rel][f"{kb} named; the {ka} is paired with another {kb}"] += 1
                elif a & ents:
                    out[rel][f"{kb} named; the {ka} is an entity no fact pairs"] += 1
                elif any(x in e or e in x for x in a for e in ents):
                    out[rel][f"{kb} named; the {ka} is an entity under another cut"] += 1
                else:
                    out[rel][f"{kb} named; the {ka} is no entity"] += 1
    return out


def print_false_positives(data, outs, gold) -> None:
    for rel in PAIR_RELATIONS:
        cnt = false_positives(data, outs, gold, rel)
        print(f"== {rel}: the {sum(cnt.values())} facts that match no gold record (before resolution)")
        for (ext, where), n in sorted(cnt.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {n:4d}  {ext}: {where}")


def _rules_cached(path: Path, reuse: bool, docs, ner_dir, lex, stamp: str | None = None) -> list:
    """The rule output (:func:`run_rules`) of the documents ``docs()`` returns, tagged by the NER
    model in ``ner_dir``, pickled at ``path`` and read from there with ``reuse``; ``stamp``: what
    the pickle must have been made of (kept in ``path`` with ``.txt``), else it is made again."""
    made = path.with_suffix(".txt")
    if reuse and path.is_file() and (stamp is None or made.is_file() and made.read_text(encoding="utf-8") == stamp):
        return pickle.loads(path.read_bytes())
    from kg.ner import NerTagger
    out = run_rules(docs(), lex, NerTagger.load(ner_dir))
    path.write_bytes(pickle.dumps(out))
    if stamp is not None:
        made.write_text(stamp, encoding="utf-8")
    return out


@functools.cache
def _encoder():
    """The context encoder of the shipped NER model (the one whose mentions the rules read)."""
    from kg.learned.context import ContextEncoder
    from kg.ner import DEFAULT_MODEL_DIR, NerTagger
    return ContextEncoder(NerTagger.load(DEFAULT_MODEL_DIR))


def _option(v: str) -> bool | int | float | str:
    """A --train-option value: True / False, an int, a float, else the string
    (tree_models=Action,Cluster)."""
    if v in ("True", "False"):
        return v == "True"
    for kind in (int, float):
        try:
            return kind(v)
        except ValueError:
            pass
    return v


#: what :func:`_train_fold` reads, set by :func:`main` before the fold workers are forked
_FOLD: dict = {}


def _fold_copies(f: int, docs: list, inner: int) -> tuple[list, object, list[str]]:
    """The augmented copies of fold model ``f``'s pages ``docs`` (``--augment``; ``inner``: the
    training's own folds), as ``kg model train-relations --augment`` makes them: their rule output
    (cached in WORK/rules_augmented_f``f``.pkl), gold and source pages."""
    from kg.learned.augment import augmented_documents
    from kg.ner import DEFAULT_MODEL_DIR

    a, gold, lex = _FOLD["a"], _FOLD["gold"], _FOLD["lex"]
    copied, cgold, sources = augmented_documents(docs, gold, a.augment, inner, seed=a.augment_seed, lexicon=lex)
    x_ner = a.entity_ner_model if a.span_pair_on_entity_output else DEFAULT_MODEL_DIR
    copies = _rules_cached(a.work / f"rules_augmented_f{f}.pkl", a.reuse, lambda: copied, x_ner, lex,
                           stamp=f"{Path(x_ner).resolve()}\n{a.augment} {a.augment_seed}")
    return copies, cgold, sources


def _train_fold(f: int) -> None:
    """Train the fold model ``f`` (every page but fold ``f``'s) into WORK/fold``f``."""
    a, K, lex, gold = _FOLD["a"], _FOLD["K"], _FOLD["lex"], _FOLD["gold"]
    data, ent_data = _FOLD["data"], _FOLD["ent_data"]
    kw = {k: _option(v) for k, v in (o.split("=", 1) for o in a.train_option)}
    if ent_data is not None:
        kw.update(entity_data=[x for i, x in enumerate(ent_data) if i % K != f], entity_candidates=True)
    src = ent_data if a.span_pair_on_entity_output else data
    if a.context_types:
        kw.update(context=_encoder(), context_types=a.context_types)
    fold_data = [x for i, x in enumerate(src) if i % K != f]
    extra, extra_gold, sources = _FOLD["extra"], _FOLD["extra_gold"], [None] * len(_FOLD["extra"])
    if a.augment:
        # copies of this fold model's pages only, each donor from its page's inner fold (as
        # kg model train-relations --augment makes them), so no held-out page is in a copy
        inner = kw.get("folds", inspect.signature(train).parameters["folds"].default)
        copies, cgold, csources = _fold_copies(f, [d for d, _r in fold_data], inner)
        extra, extra_gold, sources = extra + copies, extra_gold + [cgold], sources + csources
    train(fold_data, gold, lex, a.work / f"fold{f}", extra=extra, extra_gold=extra_gold,
          extra_sources=sources, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=Path, default=SHARED / "docs")
    ap.add_argument("--gold", type=Path, default=SHARED / "gold.jsonl")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-crossfit"))
    ap.add_argument("--reuse", action="store_true", help="reuse WORK's rule output and fold models")
    ap.add_argument("--fold-jobs", type=int, default=1,
                    help="train this many fold models at a time, each in a forked process (the same files; "
                         "about half the wall time with 2 on 2 idle cores)")
    ap.add_argument("--variant", action="append", default=[],
                    help="comma-separated attr=value of LearnedLayer (mode: one mode for both relations; "
                         "mode.RELATION: that relation's, the other keeping the fold models'; project_mentions), or "
                         "threshold.MODEL=value (threshold.Place=0.4: every fold model's threshold); "
                         "repeatable, each variant scored on its own")
    ap.add_argument("--train-option", action="append", default=[],
                    help="attr=value passed to kg.learned.train.train for the fold models: a number, True / "
                         "False, else a string (pair_span_scale=0.5, tree_models=Action,Cluster)")
    ap.add_argument("--augment", type=int, default=0,
                    help="this many augmented copies of each page (kg model train-relations --augment), "
                         "each fold model learning from the copies of its own pages only; their rule "
                         "output cached in WORK/rules_augmented_fK.pkl")
    ap.add_argument("--augment-seed", type=int, default=13, help="the copies' seed (train-relations: --seed)")
    ap.add_argument("--extra", nargs=2, action="append", default=[], metavar=("DOCS", "GOLD"),
                    help="more annotated documents the fold models' span and pair models learn from "
                         "(kg model train-relations --extra-corpus / --extra-gold), in every fold, never "
                         "scored; rule output cached in WORK/rules_extra.pkl; repeatable")
    ap.add_argument("--span-pair-on-entity-output", action="store_true",
                    help="the span and pair models learn from --entity-ner-model's output too, as the "
                         "entity models do (kg model train-relations --ner-model DIR --entity-ner-model DIR)")
    ap.add_argument("--losses", action="store_true", help="also count where gold relation records are lost, "
                                                          "and the false positives by extractor and wrong argument "
                                                          "(of the last variant)")
    ap.add_argument("--facts", type=Path, default=None,
                    help="write the last variant's cross-fitted facts (resolved) to this JSONL file, for "
                         "`kg eval GOLD --facts FILE --details`")
    ap.add_argument("--baseline", type=Path, default=None,
                    help="a facts file of the same pages (an earlier run's --facts): each variant's paired "
                         "difference from it, with 95 %% intervals over resamples of the pages (later "
                         "variants are also paired with the first)")
    ap.add_argument("--thresholds", action="store_true",
                    help="also print each model's threshold in each fold model")
    ap.add_argument("--ceiling", action="store_true",
                    help="also count the required gold relation records the pair stage could find with "
                         "the span thresholds scaled by 1, 0.5 and 0.01: some pair is the record's, the "
                         "best pair of its group is, and it scores above the pair threshold")
    ap.add_argument("--context-types", default="Cluster,in_cluster",
                    help="span and pair models that read the context of their span / arguments in the "
                         "shipped NER model's BiLSTM (as `kg model train-relations --context-types`; '' "
                         "for none)")
    ap.add_argument("--entity-ner-model", type=Path, default=None,
                    help="as the shipped command: the fold models' entity models learn from this NER "
                         "model's output (one that has not seen the train pages: /tmp/ner_v6), with "
                         "generated entity candidates, and each held-out fold is scored on that "
                         "output too, as an unseen page (rule output cached in WORK/rules_entity.pkl)")
    a = ap.parse_args()
    if a.span_pair_on_entity_output and not a.entity_ner_model:
        ap.error("--span-pair-on-entity-output needs --entity-ner-model")
    lex = Lexicon.load()
    gold = load_gold(a.gold)
    # read (and checked) before the rules and the fold models, not after them
    base_report = score(gold, load_predictions(a.baseline)) if a.baseline is not None else None
    a.work.mkdir(parents=True, exist_ok=True)
    # --reuse needs the work dir made with the same --entity-ner-model (fold models and pickles)
    made = a.work / "entity_ner_model.txt"
    want = str(a.entity_ner_model.resolve()) if a.entity_ner_model else "-"
    if a.reuse and made.is_file() and made.read_text(encoding="utf-8") != want:
        raise SystemExit(f"{a.work} was made with --entity-ner-model {made.read_text(encoding='utf-8')}, "
                         f"not {want}: use another --work or drop --reuse")
    made.write_text(want, encoding="utf-8")
    from kg.ner import DEFAULT_MODEL_DIR
    docs = functools.cache(lambda: read_corpus([a.docs], lexicon=lex))     # read once, if at all
    data = _rules_cached(a.work / "rules.pkl", a.reuse, docs, DEFAULT_MODEL_DIR, lex)
    ent_data = None
    if a.entity_ner_model:
        ent_data = _rules_cached(a.work / "rules_entity.pkl", a.reuse, docs, a.entity_ner_model, lex)
    extra, extra_gold = [], [load_gold(g) for _d, g in a.extra]
    if a.extra:
        # tagged by the NER model the span and pair models learn from (as the training pages are)
        x_ner = a.entity_ner_model if a.span_pair_on_entity_output else DEFAULT_MODEL_DIR
        extra = _rules_cached(a.work / "rules_extra.pkl", a.reuse,
                              lambda: read_corpus([Path(d) for d, _g in a.extra], lexicon=lex), x_ner, lex,
                              stamp="\n".join([str(Path(x_ner).resolve())]
                                              + [str(Path(d).resolve()) for d, _g in a.extra]))
    K = a.folds
    todo = [f for f in range(K) if not (a.reuse and (a.work / f"fold{f}" / "manifest.json").is_file())]
    _FOLD.update(a=a, K=K, data=data, ent_data=ent_data, gold=gold, lex=lex, extra=extra, extra_gold=extra_gold)
    if a.fold_jobs > 1 and len(todo) > 1:
        # forked workers, each loading its own context encoder (torch, if this process made the
        # rule output, ran at one thread here: a fork is safe); each fold's training is
        # deterministic, so its files are the ones --fold-jobs 1 writes (compared in session 49)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(min(a.fold_jobs, len(todo)),
                                 mp_context=multiprocessing.get_context("fork")) as ex:
            list(ex.map(_train_fold, todo))
    else:
        for f in todo:
            _train_fold(f)
    layers = [LearnedLayer.load(a.work / f"fold{f}", lex) for f in range(K)]
    if ent_data is not None:
        data = ent_data        # the held-out folds as unseen pages
    first = None
    for v in a.variant or [""]:
        opts = dict(kv.split("=", 1) for kv in v.split(",") if kv)
        undo = []
        for L in layers:
            for k, val in opts.items():
                if k.startswith("threshold."):
                    m = L.models[k.split(".", 1)[1]]
                    undo.append((m, "threshold", m.threshold))
                    m.threshold = float(val)
                elif k == "mode" or k.startswith("mode."):
                    undo.append((L, "modes", L.modes))
                    L.modes = parse_modes(val if k == "mode" else {**L.modes, k.split(".", 1)[1]: val})
                else:
                    undo.append((L, k, getattr(L, k)))
                    cur = getattr(L, k)      # a flag (0 / 1) or a number (cluster_band=0.8)
                    setattr(L, k, bool(int(val)) if isinstance(cur, bool) else type(cur)(val))
        out = [layers[i % K].apply(d, r) for i, (d, r) in enumerate(data)]
        for obj, k, val in reversed(undo):         # the next variant starts from the trained layers
            setattr(obj, k, val)
        _e, facts = resolve([d for d, _ in data], out, lex)
        report = score(gold, load_predictions([x.to_dict() for x in facts]))
        rep = report.to_dict()
        print(f"== variant {v or '(as trained)'}: {len(data)} documents, {K} folds")
        print(_row("overall", rep["overall"]))
        for k, c in rep["kinds"].items():
            print(_row(k, c))
        for k, c in rep["entity_types"].items():
            print(_row("  " + k, c))
        if first is not None:
            print("\n".join(paired_lines(report, first, "the first variant")))
        else:
            first = report
        if base_report is not None:
            print("\n".join(paired_lines(report, base_report, str(a.baseline))))
    if a.thresholds:
        print(f"== thresholds of the {K} fold models (as trained)")
        for name, ts in fold_thresholds(layers).items():
            print(f"  {name:14s} " + " ".join("   -  " if x is None else f"{x:6.3f}" for x in ts))
    if a.facts is not None:
        write_facts(facts, a.facts)
        print(f"wrote {len(facts)} facts of the last variant: {a.facts}")
    if a.ceiling:
        for rel, by_scale in ceiling(data, gold, layers).items():
            n = by_scale.pop("required")
            print(f"== {rel}: of the {n} required gold records, with the span thresholds scaled by")
            for s, cnt in by_scale.items():
                print(f"  {s:4g}: a pair of the kept spans is the record's {cnt['reachable']:4d}, the best pair "
                      f"of its group {cnt['best']:4d}, that pair above the pair threshold {cnt['kept']:4d}")
    if a.losses:
        for rel, cnt in output_losses(data, out, gold).items():
            print(f"== {rel}: what the output (before resolution) holds of the {sum(cnt.values())} required gold records")
            for k, n in cnt.most_common():
                print(f"  {n:4d}  {k}")
        print_false_positives(data, out, gold)
        for rel, cnt in losses(data, gold, layers).items():
            print(f"== {rel}: where the {sum(cnt.values())} required gold records are lost (cross-fitted)")
            for k, n in cnt.most_common():
                print(f"  {n:4d}  {k}")


if __name__ == "__main__":
    main()
