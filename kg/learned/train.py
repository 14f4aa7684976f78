"""Training of the learned layer from annotated documents (``kg model train-relations``).

Input: documents with the rule layer's output (:func:`run_rules`) and a gold file in the format
of ``../shared/gold/GUIDELINES.md``.  Labels come from the gold by surface form (a candidate is
positive when its text is one of a gold record's forms), so no offsets are needed in the gold.

Thresholds are chosen on out-of-fold scores (documents split into ``folds`` folds, each scored
by a model trained on the others) for the best F1 of each model's decision, counting gold
records no candidate reaches as misses; the shipped models are then trained on all documents.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..evaluate import Gold, normalize
from ..lexicon import Lexicon
from ..model import DocResult, Document, KgError
from .classes import FILE as CLASSES_FILE, from_ner_model
from .context import DEFAULT_CONTEXT_TYPES, ContextEncoder, DocContext
from .candidates import ENTITY_TYPES, PAIR_RELATIONS, DocCandidates, EntityGroup, Pair, Span
from .layer import (MODEL_NAMES, PROJECT, SPAN_MODELS, SPAN_TYPES, pair_group, parse_modes, scores_by_model,
                    select_spans, spans_by_type)
from .linear import LinearModel
from .trees import TreeModel

Log = Callable[[str], None]


@dataclass
class DocGold:
    entities: dict[str, list[tuple[frozenset[str], bool]]] = field(default_factory=lambda: defaultdict(list))
    pairs: dict[str, list[tuple[frozenset[str], frozenset[str], bool]]] = field(
        default_factory=lambda: defaultdict(list))


def gold_by_doc(gold: Gold) -> dict[str, DocGold]:
    out: dict[str, DocGold] = defaultdict(DocGold)
    for r in gold.records:
        g = out[r.doc]
        if r.kind == "entity":
            g.entities[r.type].append((r.norm["name"], r.optional))
        elif r.kind == "leads_action":
            g.pairs["leads_action"].append((r.norm["agency"], r.norm["action"], None, r.optional))
            g.entities["Action"].append((r.norm["action"], r.optional))
        elif r.kind == "in_cluster":
            g.pairs["in_cluster"].append((r.norm["member"], r.norm["cluster"], r.member_type, r.optional))
            g.entities["Cluster"].append((r.norm["cluster"], r.optional))
            g.entities["Member"].append((r.norm["member"], r.optional))
    return out


def _match(records: list[tuple], test) -> tuple[int | None, bool]:
    """(index of the first required record matching, matched an optional one)."""
    opt = False
    for i, rec in enumerate(records):
        if test(rec):
            if not rec[-1]:
                return i, False
            opt = True
    return None, opt


@dataclass
class Example:
    doc: int                  # index of the document
    feats: list[str]
    label: int
    key: tuple                # what the prediction is, for de-duplicated scoring
    gold: int | None          # index of the gold record it matches (None: none required)
    optional: bool
    group: tuple | None = None  # pairs: those of one group compete, the best is kept (pair_group)


def surface_examples(i: int, items: Sequence[EntityGroup | Span], g: DocGold) -> dict[str, list[Example]]:
    """Entity groups or spans, labelled by their surface form against the gold names of their type."""
    out: dict[str, list[Example]] = defaultdict(list)
    for it in items:
        x = normalize(it.text)
        gi, opt = _match(g.entities.get(it.type, []), lambda r: x in r[0])
        out[it.type].append(Example(i, it.feats, int(gi is not None or opt), (it.type, x), gi, opt))
    return out


def pair_examples(i: int, pairs: list[Pair], g: DocGold) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = defaultdict(list)
    for p in pairs:
        a, b = normalize(p.a_text), normalize(p.b_text)
        mt = None if p.relation == "leads_action" else ("Project" if p.a_type == "Project" else "Enterprise")
        gi, opt = _match(g.pairs.get(p.relation, []), lambda r: a in r[0] and b in r[1] and r[2] == mt)
        out[p.relation].append(Example(i, p.feats, int(gi is not None or opt), (p.relation, a, b), gi, opt,
                                       (i,) + pair_group(p)))
    return out


def required(g: DocGold, name: str) -> int:
    if name in PAIR_RELATIONS:
        return sum(1 for r in g.pairs.get(name, []) if not r[-1])
    return len({r[0] for r in g.entities.get(name, []) if not r[-1]})


def group_winners(examples: Sequence[Example], scores: Sequence[float]) -> list[float]:
    """``scores`` as the layer decides: within a group (:func:`pair_group`) only the first of
    the best-scored examples can be kept, the others score 0."""
    best: dict[tuple, int] = {}
    for k, ex in enumerate(examples):
        if ex.group is not None:
            j = best.get(ex.group)
            if j is None or scores[k] > scores[j]:
                best[ex.group] = k
    return [s if ex.group is None or best[ex.group] == k else 0.0
            for k, (ex, s) in enumerate(zip(examples, scores))]


def _cumulative(examples: Sequence[Example], scores: Sequence[float]):
    """``(index, tp, fp)`` after each example, best score first, counted as the scorer counts:
    one prediction per document and key, each gold record matched once, optional matches neither;
    an example that lost to a better pair of its group (score 0) is never predicted."""
    order = sorted(range(len(examples)), key=lambda k: -scores[k])
    seen_keys: set[tuple] = set()
    matched: set[tuple] = set()
    tp = fp = 0
    for k in order:
        if scores[k] <= 0.0:
            break
        ex = examples[k]
        key = (ex.doc,) + ex.key
        if key not in seen_keys:
            seen_keys.add(key)
            if ex.gold is not None and (ex.doc, ex.gold) not in matched:
                matched.add((ex.doc, ex.gold))
                tp += 1
            elif not ex.optional and ex.gold is None:
                fp += 1
        yield k, tp, fp


def _prf(tp: int, fp: int, n_gold: int, beta: float = 1.0) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / n_gold if n_gold else 0.0
    b2 = beta * beta
    f = (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0
    return {"f": round(f, 4), "p": round(p, 4), "r": round(r, 4)}


def best_threshold(examples: Sequence[Example], scores: Sequence[float], n_gold: int,
                   beta: float = 1.0) -> tuple[float, dict]:
    """The threshold with the best F-beta over de-duplicated predictions (per document and key)."""
    scores = group_winners(examples, scores)
    best = (0.5, {"f": 0.0, "p": 0.0, "r": 0.0})
    best_f = 0.0
    b2 = beta * beta
    for k, tp, fp in _cumulative(examples, scores):
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0
        if f > best_f:
            best_f = f
            best = (max(0.02, scores[k] - 1e-6), _prf(tp, fp, n_gold, beta))
    return best


def _stats_at(examples: Sequence[Example], scores: Sequence[float], n_gold: int, thr: float,
              beta: float = 1.0) -> dict:
    """P / R / F-beta of the de-duplicated predictions scored at least ``thr``."""
    tp = fp = 0
    for k, tp_k, fp_k in _cumulative(examples, scores):
        if scores[k] < thr:
            break
        tp, fp = tp_k, fp_k
    return _prf(tp, fp, n_gold, beta)


def calibrated_threshold(examples: Sequence[Example], scores: Sequence[float], n_gold: int,
                         precision: float, beta: float = 1.0) -> tuple[float, dict]:
    """The score above which a prediction is right with probability ``precision``, by a logistic
    calibration of the out-of-fold scores (Platt scaling: P(right) = sigmoid(a * logit(score) + b),
    fitted on every decided example).  The arg-max of an F curve that is flat near its top lands
    at a different precision with every retrain; this threshold aims at one (docs/relations.md).
    The statistics returned (and the fallback where the scores cannot be calibrated) are F-beta's."""
    scores = group_winners(examples, scores)
    best: dict[tuple, tuple[float, int]] = {}
    for ex, s in zip(examples, scores):
        if s <= 0.0 or (ex.optional and ex.gold is None):
            continue
        key = (ex.doc,) + ex.key
        y = int(ex.gold is not None)
        if key not in best or s > best[key][0]:
            best[key] = (s, y)
    pts = sorted(best.values())
    if not pts or all(y for _s, y in pts) or not any(y for _s, y in pts):
        return best_threshold(examples, scores, n_gold, beta)
    x = [math.log(max(s, 1e-6) / max(1.0 - s, 1e-6)) for s, _y in pts]
    ys = [y for _s, y in pts]

    def loss(a: float, b: float) -> float:
        tot = 0.5 * ((a - 1.0) ** 2 + b * b)       # a weak prior: the scores as they are
        for xi, yi in zip(x, ys):
            z = a * xi + b
            tot += math.log1p(math.exp(-abs(z))) + max(z, 0.0) - yi * z
        return tot

    a, b = 1.0, 0.0
    cur = loss(a, b)
    for _ in range(100):          # damped Newton's method on the log loss
        ga, gb, haa, hab, hbb = a - 1.0, b, 1.0, 0.0, 1.0
        for xi, yi in zip(x, ys):
            z = a * xi + b
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            w = p * (1.0 - p)
            ga += (p - yi) * xi
            gb += p - yi
            haa += w * xi * xi
            hab += w * xi
            hbb += w
        det = haa * hbb - hab * hab
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        step = 1.0
        while step > 1e-4 and loss(a - step * da, b - step * db) > cur:
            step /= 2
        a, b = a - step * da, b - step * db
        new = loss(a, b)
        if cur - new < 1e-9:
            break
        cur = new
    if a <= 1e-6:                 # scores that do not rank: no calibration
        return best_threshold(examples, scores, n_gold, beta)
    z = (math.log(precision / (1.0 - precision)) - b) / a
    thr = round(1.0 / (1.0 + math.exp(-z)), 6)
    thr = min(max(thr, 0.02), 0.999)
    return thr, {**_stats_at(examples, scores, n_gold, thr, beta), "calibration": [round(a, 4), round(b, 4)]}


def optimal_threshold(examples: Sequence[Example], scores: Sequence[float], n_gold: int,
                      beta: float = 1.0) -> tuple[float, dict]:
    """The score at which a prediction is right with probability F*/(1 + beta^2), F* the best
    out-of-fold F-beta (:func:`calibrated_threshold`): adding a prediction right with probability
    q raises F-beta exactly when q > F/(1 + beta^2), so on calibrated scores that is where the
    F-beta-optimal threshold lies (half the best F1 for beta 1).  The best F-beta itself is
    stable where the F curve is flat at its top, while its arg-max (:func:`best_threshold`) jumps
    along it from one retrain to the next."""
    _thr, stats = best_threshold(examples, scores, n_gold, beta)
    if not stats["f"]:
        return _thr, stats
    return calibrated_threshold(examples, scores, n_gold, stats["f"] / (1.0 + beta * beta), beta)


def document_folds(n: int, k: int) -> list[int]:
    """The fold of each of ``n`` training documents (in their order) for ``k`` folds."""
    return [i % k for i in range(n)]


def _listed(spec: Sequence[str] | str) -> list[str]:
    """``spec`` as a list: a sequence as it is, a comma-separated string split (blanks dropped)."""
    return [x for x in (y.strip() for y in spec.split(",")) if x] if isinstance(spec, str) else list(spec)


def tree_model_names(spec: Sequence[str] | str) -> list[str]:
    """The model names of ``spec`` (a sequence, or a comma-separated string), each a model of the
    layer (:data:`MODEL_NAMES`), else a KgError naming those that are not."""
    names = _listed(spec)
    unknown = sorted(set(names) - set(MODEL_NAMES))
    if unknown:
        raise KgError(f"no model named {', '.join(unknown)} (models: {', '.join(MODEL_NAMES)})")
    return names


def context_type_names(spec: Sequence[str] | str, tree_models: Sequence[str] = ()) -> list[str]:
    """The span and pair models of ``spec`` (a sequence, or a comma-separated string) that read
    the context of their span / of both arguments of their pair (:mod:`kg.learned.context`), else
    a KgError naming those that cannot: an entity model, or one of ``tree_models`` (trees read no
    dense vector)."""
    names = _listed(spec)
    allowed = SPAN_MODELS + PAIR_RELATIONS
    bad = sorted(set(names) - set(allowed))
    if bad:
        raise KgError(f"context features are for the span and pair models ({', '.join(allowed)}), "
                      f"not {', '.join(bad)}")
    trees = sorted(set(names) & set(tree_models))
    if trees:
        raise KgError(f"a tree model reads no context: {', '.join(trees)}")
    return names


def extra_folds(main_ids: Sequence[str], fold_of: Sequence[int], extra_ids: Sequence[str],
                sources: Sequence[str | None]) -> list[int]:
    """The fold of each extra document: -1 (in no fold: always trained on), or for a copy of a
    training document (``sources``: the name of the document each extra one copies, or None; a
    shorter list: None for the rest) that document's fold.  A KgError for a copy of a document
    that is not among ``main_ids``."""
    index = {d: i for i, d in enumerate(main_ids)}
    out = []
    for k, x in enumerate(extra_ids):
        src = sources[k] if k < len(sources) else None
        if src is None:
            out.append(-1)
        elif src not in index:
            raise KgError(f"extra document {x} is a copy of {src}, which is no training document")
        else:
            out.append(fold_of[index[src]])
    return out


def _oof(examples: list[Example], fold_of: list[int], k: int, fit) -> list[float]:
    """Out-of-fold scores: each fold's examples scored by a model ``fit(rows, labels)`` trained on
    the other folds."""
    scores = [0.0] * len(examples)
    for f in range(k):
        tr = [e for e in examples if fold_of[e.doc] != f]
        m = fit([e.feats for e in tr], [e.label for e in tr])
        held = [j for j, e in enumerate(examples) if fold_of[e.doc] == f]
        for j, s in zip(held, m.scores(examples[j].feats for j in held)):
            scores[j] = s
    return scores


def train(data: Sequence[tuple[Document, DocResult]], gold: Gold, lexicon: Lexicon, out_dir: Path, *,
          rule_features: bool = True, mode: str | dict | None = None, project_mentions: bool = True,
          pair_span_scale: float = 1.0, folds: int = 4, epochs: int = 12, entity_l2: float = 1e-5,
          span_l2: float = 1e-5, pair_l2: float = 1e-5, action_l2: float | None = None,
          pair_precision: float | None = 0.3, member_orgs: float = 0.5, list_members: bool = True,
          list_orgs: bool = True, seed: int = 13, seeds: int = 4,
          entity_data: Sequence[tuple[Document, DocResult]] | None = None,
          entity_candidates: bool = False, ner: dict[str, str] | None = None,
          entity_calibrated: bool = True, span_calibrated: bool = False, tree_models: Sequence[str] | str = (),
          trees: int = 200, tree_depth: int = 4, tree_mix: float = 0.5,
          project_model: bool = True, word_classes: int = 0, classes_from: Path | None = None,
          extra: Sequence[tuple[Document, DocResult]] = (), extra_gold: Sequence[Gold] = (),
          extra_sources: Sequence[str | None] = (),
          context: ContextEncoder | None = None, context_types: Sequence[str] = DEFAULT_CONTEXT_TYPES,
          log: Log | None = None) -> dict:
    """Train every model of the learned layer on ``data`` and write them to ``out_dir``.
    Entity models learn only from documents whose gold header marks the type exhaustive;
    ``entity_l2`` / ``span_l2`` / ``pair_l2`` are the L2 weights of the three kinds of model;
    ``action_l2`` (default ``span_l2``) that of the Action span model alone.

    ``entity_data`` (default ``data``): the same documents, in the same order, as tagged by another
    NER model; the entity models learn from it.  The entity models filter what NER found, so they
    should see the errors NER makes on pages it has not seen: the shipped NER model was trained on
    the training pages too, and a filter trained on its output there learns to keep too much
    (docs/evaluation.md, "Entity models from a NER model that has not seen the pages").
    ``entity_candidates``: the entity models also learn on the forms no mention has (gazetteer
    names, place + zone word, surname + name: :meth:`DocCandidates.generated_mentions`), and the
    layer adds the ones it keeps as mentions.
    ``mode``: how each relation's learned facts join the rules' in the layer
    (:func:`kg.learned.layer.parse_modes`; None: :data:`kg.learned.layer.DEFAULT_MODES`), written
    to the manifest; training does not depend on it.
    ``pair_precision``: the leads_action / in_cluster thresholds are the scores at which a pair is
    right with this probability (:func:`calibrated_threshold`); None or 0: the best out-of-fold F1.
    ``entity_calibrated``: each entity model's threshold is the score at which a form is right
    with half the best out-of-fold F1 (the F1-optimal threshold of calibrated scores), not the
    arg-max of the out-of-fold F1, which jumps along a flat top from one retrain to the next.
    ``span_calibrated``: the same for the span models (Action, Cluster, Member: where a span is
    right with a fifth of the best out-of-fold F2; Project: half the best F1).
    ``member_orgs``: the layer makes an enterprise member the Member model scores at least this
    an Organization mention (0: never).
    ``list_members``: the layer gives a kept member's cluster to the other items of its 、-list
    (:func:`kg.learned.layer.list_mates`).
    ``list_orgs``: the layer makes the inner items of a 、-list of organisations organisations
    (:func:`kg.learned.layer.list_orgs`).
    ``seed``, ``seeds``: every model is the mean of ``seeds`` models trained in the example orders
    of seeds ``seed`` .. ``seed + seeds - 1`` (one order alone: another seed moves leads_action
    and in_cluster by several points; docs/evaluation.md, "Session 13").
    ``tree_models``: the models trained as gradient-boosted trees mixed with a linear model
    (:class:`TreeModel`: ``trees`` trees of depth ``tree_depth``, the linear model's probability
    weighed in with ``tree_mix``; a comma-separated string too); the others, by default all, are
    linear models.  Trees rank the span candidates better, but on dev the relations did not follow
    (docs/evaluation.md, "Session 31: boosted trees").
    ``project_model``: also train the Project span model, whose kept spans become Project
    mentions (named projects whether or not a cluster is named with them; the candidates are
    the project member candidates, the labels the gold's Project entities).
    ``word_classes``: when above 0, the span and pair features are repeated with classes of their
    characters and bigrams (:mod:`kg.learned.classes`: ``word_classes`` classes of bigrams, half as
    many of characters, from the embeddings of the NER model in ``classes_from``, by default the
    shipped one), saved beside the models.
    ``extra`` (gold: ``extra_gold``, one or more Gold objects whose records name them): more
    annotated documents (the sample, sets written for kg) that the span and pair models learn
    from as well, in every fold; they are never held out, so every threshold is still chosen on
    the out-of-fold scores of ``data`` alone, and the pairs of an extra document are formed over
    the spans the span models trained on everything keep.  The entity models do not see them.
    ``extra_sources``: for each extra document (in order; shorter: None for the rest), the name of
    the training document it is a copy of (:mod:`kg.learned.augment`), or None.  A copy is kept in
    its page's fold: trained on where the page is, held out (and never scored for a threshold)
    where the page is, and its pairs formed over its out-of-fold spans, so that no page's
    out-of-fold score comes from a model that learned from its copy.
    ``context``: the span models of ``context_types`` also read each span's context in this NER
    model's BiLSTM (:mod:`kg.learned.context`, a dense vector beside their features), and the pair
    models named there both arguments' (the two vectors one after the other); the
    manifest names the model (its version), and the layer reads the context from that model
    again.  It should be the NER model whose mentions the rules read (``data``).
    ``ner`` (optional) names the NER models in the manifest's report."""
    say = log or (lambda s: None)
    modes = parse_modes(mode)       # (a wrong mode fails before any training)
    t0 = time.perf_counter()
    tree_models = tree_model_names(tree_models)
    context_types = tuple(context_type_names(context_types, tree_models)) if context is not None else ()
    gb = gold_by_doc(gold)
    golds = [gb.get(d.id, DocGold()) for d, _ in data]
    n_main = len(data)
    if extra and not extra_gold:
        raise KgError("extra documents need their gold (extra_gold)")
    gbx: dict[str, DocGold] = {}
    for xg in extra_gold:
        for doc_id, g in gold_by_doc(xg).items():
            if doc_id in gbx:
                raise KgError(f"extra gold: document {doc_id} is in two gold files")
            gbx[doc_id] = g
    check_extra_documents([d.id for d, _ in data], [d.id for d, _ in extra])
    golds_x = [gbx.get(d.id, DocGold()) for d, _ in extra]
    classes = None
    if word_classes > 0:
        from ..ner import DEFAULT_MODEL_DIR as NER_DIR
        classes = from_ner_model(Path(classes_from) if classes_from else NER_DIR,
                                 k_char=max(1, word_classes // 2), k_bigram=word_classes)
    # the training documents' candidates, then the extra documents' (indices from n_main on)
    all_cands = [DocCandidates(d, r, lexicon, rule_features=rule_features, entity_candidates=entity_candidates,
                               project_spans=project_model, classes=classes,
                               context=DocContext(context, d, context_types) if context_types else None)
                 for d, r in [*data, *extra]]
    cands = all_cands[:n_main]
    if entity_data is None:
        ent_cands = cands
    else:
        if [d.id for d, _ in entity_data] != [d.id for d, _ in data]:
            raise KgError("entity_data must hold the same documents as data, in the same order")
        ent_cands = [DocCandidates(d, r, lexicon, rule_features=rule_features,
                                   entity_candidates=entity_candidates) for d, r in entity_data]
    # the extra documents are in no fold (always trained on), but a copy of a training page is
    # in that page's
    fold_of = document_folds(len(data), folds)
    fold_of += extra_folds([d.id for d, _r in data], fold_of, [d.id for d, _r in extra], extra_sources)
    report: dict = {"documents": len(data), "rule_features": rule_features, "folds": folds,
                    "pair_precision": pair_precision, "entity_calibrated": entity_calibrated,
                    # (only when on: a default training writes the manifest it wrote before the option)
                    **({"span_calibrated": True} if span_calibrated else {}),
                    "epochs": epochs, "seed": seed, "seeds": seeds, "l2": {"entity": entity_l2, "span": span_l2, "pair": pair_l2,
                                             "action": span_l2 if action_l2 is None else action_l2},
                    "models": {}}
    if extra:        # (only then: a training without extras writes the manifest it wrote before)
        report["extra_documents"] = len(extra)
        copies = sum(1 for f in fold_of[n_main:] if f >= 0)
        if copies:
            report["copies"] = copies
    if ner:
        report["ner"] = dict(ner)
    if tree_models:     # (only then: a linear training writes the files it wrote before trees)
        report["trees"] = {"models": [n for n in MODEL_NAMES if n in tree_models], "trees": trees,
                           "depth": tree_depth, "mix": tree_mix}
    models: dict[str, LinearModel | TreeModel] = {}

    def fit(name: str, examples: list[Example], beta: float = 1.0,
            precision: float | None = None) -> list[float]:
        n_gold = sum(required(g, name) for (d, _r), g in zip(data, golds)
                     if name not in ENTITY_TYPES or name in gold.exhaustive.get(d.id, frozenset()))
        l2 = (entity_l2 if name in ENTITY_TYPES else pair_l2 if name not in SPAN_MODELS
              else action_l2 if name == "Action" and action_l2 is not None else span_l2)
        if name in tree_models:
            def learn(rows, labels):
                return TreeModel.train(rows, labels, trees=trees, depth=tree_depth, seed=seed, mix=tree_mix,
                                       linear={"epochs": epochs, "l2": l2, "seed": seed, "seeds": seeds})
        else:
            def learn(rows, labels):
                return LinearModel.train(rows, labels, epochs=epochs, l2=l2, seed=seed, seeds=seeds)
        oof = _oof(examples, fold_of, folds, fit=learn)
        # the thresholds from ``data``'s out-of-fold scores alone (an extra document is never held out)
        main = [j for j, e in enumerate(examples) if e.doc < n_main]
        ex_m, oof_m = ((examples, oof) if len(main) == len(examples)
                       else ([examples[j] for j in main], [oof[j] for j in main]))
        if precision:
            thr, stats = calibrated_threshold(ex_m, oof_m, n_gold, precision)
        else:
            calibrated = entity_calibrated if name in ENTITY_TYPES else span_calibrated and name in SPAN_MODELS
            thr, stats = (optimal_threshold(ex_m, oof_m, n_gold, beta) if calibrated
                          else best_threshold(ex_m, oof_m, n_gold, beta))
        m = learn([e.feats for e in examples], [e.label for e in examples])
        m.threshold = thr
        m.meta = {"examples": len(examples), "positives": sum(e.label for e in examples),
                  "gold": n_gold, "out_of_fold": stats}
        models[name] = m
        report["models"][name] = {"threshold": round(thr, 4), **m.meta}
        say(f"{name}: {len(examples)} candidates, {m.meta['positives']} positive, "
            f"out-of-fold P {stats['p']:.3f} R {stats['r']:.3f} F {stats['f']:.3f} at {thr:.3f}")
        return oof

    # entities: only from documents whose gold lists every entity of the type
    ent: dict[str, list[Example]] = defaultdict(list)
    for i, (c, g) in enumerate(zip(ent_cands, golds)):
        exhaustive = gold.exhaustive.get(data[i][0].id, frozenset())
        for typ, exs in surface_examples(i, c.entity_groups(), g).items():
            if typ in exhaustive:
                ent[typ].extend(exs)
    for typ in ENTITY_TYPES:
        fit(typ, ent[typ])

    # spans (recall-leaning: the pair model filters again)
    all_golds = golds + golds_x
    doc_spans = []
    for c in all_cands:
        doc_spans.append(c.spans())
        c.release_context()       # (memory) one document's sentence states at a time
    sp_ex: dict[str, list[Example]] = defaultdict(list)
    sp_ref: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, (spans, g) in enumerate(zip(doc_spans, all_golds)):
        for typ, exs in surface_examples(i, spans, g).items():
            sp_ex[typ].extend(exs)
        for j, sp in enumerate(spans):
            sp_ref[sp.type].append((i, j))
    oof_span: dict[tuple[int, int], float] = {}
    for typ in SPAN_TYPES:
        oof = fit(typ, sp_ex[typ], beta=2.0)
        for (i, j), s in zip(sp_ref[typ], oof):
            oof_span[(i, j)] = s
    if project_model:
        # entities of their own: the threshold of the best F1, not the recall-leaning F2
        for (i, j), s in zip(sp_ref[PROJECT], fit(PROJECT, sp_ex[PROJECT])):
            oof_span[(i, j)] = s
    # an extra document's spans (in no fold) as the span models trained on everything score them
    for i in range(n_main, len(all_cands)):
        if fold_of[i] >= 0:
            continue        # a copy of a training page: its out-of-fold scores
        for j, s in enumerate(scores_by_model(models, doc_spans[i])):
            oof_span[(i, j)] = s

    # pairs over the spans the out-of-fold span models keep
    # the pairs are formed over the spans above a share of the span thresholds (the pair model
    # filters again), the layer does the same
    thresholds = {t: models[t].threshold * pair_span_scale for t in SPAN_MODELS if t in models}
    pr_ex: dict[str, list[Example]] = defaultdict(list)
    for i, (c, spans, g) in enumerate(zip(all_cands, doc_spans, all_golds)):
        kept = select_spans(spans, [oof_span[(i, j)] for j in range(len(spans))], thresholds)
        pairs = c.pairs(*spans_by_type(kept))
        c.release_context()
        for rel, exs in pair_examples(i, pairs, g).items():
            pr_ex[rel].extend(exs)
    for rel in PAIR_RELATIONS:
        fit(rel, pr_ex[rel], precision=pair_precision)

    out_dir.mkdir(parents=True, exist_ok=True)
    names = [n for n in MODEL_NAMES if n in models]
    for name in names:
        models[name].save(out_dir / name)
    # the manifest holds no timing, so that a retrain on the same data writes the same files
    manifest = {"models": names, "rule_features": rule_features, "mode": modes,
                "project_mentions": project_mentions, "report": dict(report)}
    if pair_span_scale != 1.0:
        manifest["pair_span_scale"] = pair_span_scale
    if member_orgs:
        manifest["member_orgs"] = member_orgs
    if list_members:
        manifest["list_members"] = True
    if list_orgs:
        manifest["list_orgs"] = True
    if entity_candidates:
        manifest["entity_candidates"] = True
    if context_types:
        manifest["context"] = {"types": list(context_types), "ner": context.version, "criterion": context.criterion}
    if classes is not None:
        classes.save(out_dir / CLASSES_FILE)
        manifest["classes"] = CLASSES_FILE
    else:       # (no stale classes of an earlier training in the same directory)
        (out_dir / CLASSES_FILE).unlink(missing_ok=True)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                                      sort_keys=True) + "\n", encoding="utf-8")
    return report


def check_extra_documents(main_ids: Iterable[str], extra_ids: Iterable[str]) -> None:
    """Raise :class:`KgError` when an extra document's name (its id: the file name) is also a
    training document's, or is held by two extra documents (two extra corpora with one file name):
    a gold record names its document by that name, so either would give one page's gold to another."""
    main, seen, twice = set(main_ids), set(), set()
    for i in extra_ids:
        (twice if i in seen else seen).add(i)
    if clash := sorted(seen & main):
        raise KgError(f"extra documents also in the training documents: {', '.join(clash[:5])}")
    if twice:
        raise KgError(f"extra documents: the same file name in two extra corpora: {', '.join(sorted(twice)[:5])}")


def run_rules(docs: Sequence[Document], lexicon: Lexicon, tagger, progress: Callable[[int, int], None] | None = None
              ) -> list[tuple[Document, DocResult]]:
    """The rule layer's output for each document (NER + kg.relations.extract)."""
    from ..relations import extract
    out = []
    for k, d in enumerate(docs):
        out.append((d, extract(d, tagger.tag(d), lexicon)))
        if progress is not None:
            progress(k + 1, len(docs))
    return out

