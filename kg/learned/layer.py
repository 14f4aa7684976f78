"""The learned layer: applies the trained models to one document's rule output.

``LearnedLayer.load(dir)`` reads the models written by :func:`kg.learned.train.train`;
``apply(doc, result)`` returns a new :class:`~kg.model.DocResult`:

1. **entities** -- Person / Organization / Place mention groups the entity model scores below its
   threshold are dropped (with the ``part_of`` / ``located_in`` facts that name them), but for
   gazetteer places listed next to a kept place, and the mentions of one that open a rule
   cluster's name;
2. **spans** -- Action, Cluster and Member candidates (and Project candidates, where the directory
   has the Project span model) are scored; the best of each head occurrence above the threshold
   is kept, overlaps go to the higher score; each kept Action, Cluster and Project span becomes
   a mention, and so does each kept project member where the manifest sets ``project_mentions``
   (trained models since 2026-12 do) and no kept Project span covers it, and each enterprise
   member scored at least ``member_orgs`` an Organization mention;
3. **pairs** -- ``leads_action`` and ``in_cluster`` candidates over the kept spans are scored;
   the rules' own facts of them are candidates like any other, with a feature saying the rules
   found them.  A member keeps its best cluster only, an action its best agency.  How the kept
   ones join the rules' facts is each relation's ``mode`` (:data:`MODES`, :func:`parse_modes`):
   ``backoff`` adds them where the rules found no fact of that relation in the document,
   ``groups`` adds those of a group (an action, a member) no rule fact speaks for, ``replace``
   drops the rules' facts of the relation for them.  Shipped: in_cluster ``groups``,
   leads_action ``backoff`` (:data:`DEFAULT_MODES`).

Deterministic: same document, same models, same output.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ..lexicon import Lexicon
from ..model import Arg, DocResult, Document, Evidence, Fact, KgError, Mention, SpanReach, sentence_finder
from ..schema import RELATIONS
from .candidates import (ENTITY_TYPES, PAIR_RELATIONS, DocCandidates, Pair, Span, county_names, entity_gazetteer,
                         split_items)
from .classes import WordClasses
from .linear import LinearModel
from .screen import GroupScreen, SpanScreen
from .context import ContextEncoder, DocContext
from .trees import TreeModel, load_model

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "relations"
SPAN_TYPES = ("Action", "Cluster", "Member")
# the span model of named projects (optional: model directories before 2026-12-06 have none)
PROJECT = "Project"
SPAN_MODELS = SPAN_TYPES + (PROJECT,)          # the models that score span candidates
MODEL_NAMES = ENTITY_TYPES + SPAN_MODELS + PAIR_RELATIONS
EXTRACTOR = "learned"
MODES = ("backoff", "groups", "replace")
# what `kg model train-relations` writes by default (docs/evaluation.md, "Session 36")
DEFAULT_MODES = {"leads_action": "backoff", "in_cluster": "groups"}


def select_spans(spans: list[Span], scores: list[float], thresholds: dict[str, float]) -> list[tuple[Span, float]]:
    """Best span of each group above its type's threshold; overlapping winners: higher score."""
    best: dict[tuple, tuple[float, int]] = {}
    for i, (sp, p) in enumerate(zip(spans, scores)):
        if p < thresholds[sp.type]:
            continue
        cur = best.get(sp.group)
        if cur is None or p > cur[0]:
            best[sp.group] = (p, i)
    chosen = sorted(((spans[i], p) for p, i in best.values()), key=lambda z: (-z[1], z[0].start, z[0].end))
    kept: list[tuple[Span, float]] = []
    # (speed) the kept spans of each type do not overlap: sorted by start, the one that starts
    # last before sp ends is the only one that can overlap sp
    taken: dict[str, tuple[list[int], list[int]]] = {}
    for sp, p in chosen:
        starts, ends = taken.setdefault(sp.type, ([], []))
        i = bisect.bisect_left(starts, sp.end)
        if i > 0 and ends[i - 1] > sp.start:
            continue
        starts.insert(i, sp.start)
        ends.insert(i, sp.end)
        kept.append((sp, p))
    kept.sort(key=lambda z: (z[0].start, z[0].end, z[0].type))
    return kept


def parse_modes(spec: str | dict | None) -> dict[str, str]:
    """Each relation's mode from ``spec``: one mode for both relations (``"backoff"``), a mapping
    of relation to mode (a manifest's), or such a mapping written ``REL=MODE,REL=MODE`` (the
    command line's); a relation not named keeps its :data:`DEFAULT_MODES` entry (None: all do).
    A KgError names an item, mode or relation that is not one."""
    if spec is None:
        spec = {}
    elif isinstance(spec, str):
        if "=" not in spec:
            spec = {r: spec.strip() for r in PAIR_RELATIONS}
        else:
            items = [x.strip() for x in spec.split(",") if x.strip()]
            for x in items:
                if "=" not in x:
                    raise KgError(f"learned relation model: mode item {x!r} is not RELATION=MODE")
            spec = {k.strip(): v.strip() for k, v in (x.split("=", 1) for x in items)}
    elif not isinstance(spec, dict):
        raise KgError(f"learned relation model: mode {spec!r} is neither a mode nor a mapping of "
                      "relation to mode")
    unknown = sorted(map(repr, set(spec) - set(PAIR_RELATIONS)))
    if unknown:
        raise KgError(f"learned relation model: no relation {', '.join(unknown)} "
                      f"(relations: {', '.join(PAIR_RELATIONS)})")
    bad = sorted({repr(m) for m in spec.values() if not (isinstance(m, str) and m in MODES)})
    if bad:
        raise KgError(f"learned relation model: unknown mode {', '.join(bad)} ({', '.join(MODES)})")
    return {**DEFAULT_MODES, **spec}


# which argument is a pair's group (pair_group): the index into its relation's roles
# (kg.schema: leads_action agency, action; in_cluster member, cluster), a Pair's a / b
_GROUP_ARG = {"leads_action": 1, "in_cluster": 0}


def fact_group(f: Fact) -> tuple[str, str]:
    """:func:`pair_group` of a fact: its relation and its action (leads_action) or member."""
    return (f.relation, f.args[RELATIONS[f.relation].role_names[_GROUP_ARG[f.relation]]].text)


def _spoken_for(group: tuple[str, str], spoken: set[tuple[str, str]]) -> bool:
    """Whether a fact of ``spoken`` speaks for ``group``: the same action / member, or another
    form of it, one text inside the other (星宇股份 / 常州星宇车灯股份有限公司(星宇股份)).  (A
    rule's very short member, two characters, also speaks for the longer names holding it.)"""
    rel, x = group
    return any(r == rel and (y in x or x in y) for r, y in spoken)


def pair_group(p) -> tuple[str, str]:
    """Pairs of one group compete, the best one is kept: a member belongs to one cluster, an
    action has one leading agency (103 of the 114 required actions of realpages/train have one)."""
    return (p.relation, (p.a_text, p.b_text)[_GROUP_ARG[p.relation]])


def spans_by_type(kept: list[tuple[Span, float]]) -> tuple[list[Span], ...]:
    """The kept spans split by :data:`SPAN_TYPES` (actions, clusters, members): the arguments
    of :meth:`DocCandidates.pairs`, as copies carrying their score (``Span.score``, read by the
    pair features; the spans given are left unchanged, and a copy is not equal to its span)."""
    return tuple([replace(sp, score=p) for sp, p in kept if sp.type == t] for t in SPAN_TYPES)


class LearnedLayer:
    def __init__(self, models: dict[str, LinearModel | TreeModel], lexicon: Lexicon, meta: dict):
        self.models = models
        self.lex = lexicon
        self.meta = meta
        self.rule_features = bool(meta.get("rule_features", True))
        # how each relation's learned facts join the rules' (parse_modes: a plain string is one
        # mode for both relations; a directory without the key reads as "backoff" for both)
        self.modes = parse_modes(meta.get("mode", "backoff"))
        # kept project members become Project mentions even where no fact names them
        self.project_mentions = bool(meta.get("project_mentions", False))
        # enterprise members the span model scores at least this become Organization mentions
        # even where no in_cluster fact names them (0: never)
        self.member_orgs = float(meta.get("member_orgs", 0.0))
        # pairs are formed over the spans above this share of the span thresholds
        self.pair_span_scale = float(meta.get("pair_span_scale", 1.0))
        # the entity models also score generated forms (gazetteer names, place + zone word)
        self.entity_candidates = bool(meta.get("entity_candidates", False))
        # a kept member gives its cluster to the other items of its 、-list
        self.list_members = bool(meta.get("list_members", False))
        # the inner items of a 、-list of organisations are organisations
        self.list_orgs = bool(meta.get("list_orgs", False))
        # the classes of characters and bigrams the span and pair models were trained with
        self.classes: WordClasses | None = None
        # the span types whose models read their context in a NER model's BiLSTM, and that model's
        # version (kg.learned.context); the NER model is the caller's (``ner``) when it is that
        # one, else the shipped one, loaded when a document first needs it
        ctx = meta.get("context") or {}
        self.context_types: tuple[str, ...] = tuple(ctx.get("types", ()))
        self.context_ner: str | None = ctx.get("ner")
        self.context_criterion: str | None = ctx.get("criterion")
        self.ner = None
        self._encoder = None
        # (speed) the span candidates that cannot reach their floor are dropped in numpy before
        # their features are made (kg.learned.screen; the same output either way)
        self.screen_spans = True
        self._screen: SpanScreen | None = None
        self._screen_key = None
        # (speed) so are the generated Person groups that cannot reach the threshold
        self.screen_groups = True
        self._group_screen: GroupScreen | None = None
        self._group_screen_key = None

    def _listed_places(self, cands: DocCandidates, scored: list) -> set[tuple[str, str]]:
        """The Place groups below their threshold that name a known place (:meth:`_known_place`)
        and stand in a list next to a place the model keeps (十堰7个,孝感7个; A市、B市): the items
        of one list are places alike."""
        kept = sorted((x.start, x.end) for g, m, sc in scored
                      if g.type == "Place" and sc >= m.threshold for x in g.mentions)
        if not kept:
            return set()
        return {(g.type, g.text) for g, m, sc in scored
                if g.type == "Place" and sc < m.threshold and self._known_place(g.text)
                and any(cands.listed_with(kept, x.start, x.end, strict=True) for x in g.mentions)}

    def _cluster_places(self, scored: list, result: DocResult) -> set[tuple[str, int, int]]:
        """The Place mentions (type, start, end) that open the name of a cluster the rules
        found with a place of the gazetteer (袁州|智能装备制造产业集群): the real pages' gold
        annotates the place a cluster is named after (39 of the 46 clusters of realpages/train
        that open with a known place).  A name only counties.tsv has (two characters: 婺源, but
        also words: 资源, 新兴) counts only where three clusters or more of the document open
        with a gazetteer place (a list of places' clusters)."""
        ends: dict[int, int] = {}
        for m in result.mentions:
            if m.type == "Cluster":
                ends[m.start] = max(m.end, ends.get(m.start, m.end))
        if not ends:
            return set()
        gaz = entity_gazetteer(self.lex)
        found = [(g.text, x) for g, _m, _sc in scored if g.type == "Place" and "Place" in gaz.get(g.text, ())
                 for x in g.mentions if x.end < ends.get(x.start, -1)]
        listed = len({x.start for _t, x in found}) >= 3
        return {(x.type, x.start, x.end) for text, x in found if listed or self._known_place(text)}

    def _known_place(self, x: str) -> bool:
        """A place of the gazetteer (:func:`~kg.learned.candidates.entity_gazetteer`; not a
        two-character name only counties.tsv has: such short forms are often words, 资源, 新建),
        or one with its administrative suffix (池州市)."""
        gaz = entity_gazetteer(self.lex)
        if "Place" in gaz.get(x, ()) and (len(x) > 2 or x not in county_names(self.lex)):
            return True
        suf = next((w for w in self.lex.word_tuple("places", "suffix") if x.endswith(w) and len(x) > len(w) + 1), None)
        return suf is not None and "Place" in gaz.get(x[:-len(suf)], ())

    def _list_openers(self) -> tuple[str, ...]:
        """The verbs after which the first item of a list starts (引进A、B): clusters.tsv
        member_verb, action_patterns.tsv intro_verb."""
        return self.lex.cached(("learned", "list_openers"), lambda: tuple(sorted(
            set(self.lex.words("clusters", "member_verb")) | set(self.lex.words("action_patterns", "intro_verb")),
            key=lambda w: (-len(w), w))))

    @classmethod
    def load(cls, directory: str | Path | None, lexicon: Lexicon) -> "LearnedLayer":
        d = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
        manifest = d / "manifest.json"
        if not manifest.is_file():
            raise KgError(f"{d}: no learned relation model here (manifest.json missing); "
                          "train one with `kg model train-relations`")
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
            models = {name: load_model(d / name) for name in meta["models"]}
        except (OSError, ValueError, KeyError) as e:
            raise KgError(f"{d}: unreadable learned relation model ({e})") from e
        layer = cls(models, lexicon, meta)
        if meta.get("classes"):
            layer.classes = WordClasses.load(d / meta["classes"])
        return layer

    def candidates(self, doc: Document, result: DocResult) -> DocCandidates:
        """The candidates of ``doc`` with the features this layer's models read."""
        context = DocContext(self.encoder(), doc, self.context_types) if self.context_types else None
        return DocCandidates(doc, result, self.lex, rule_features=self.rule_features,
                             entity_candidates=self.entity_candidates, project_spans=PROJECT in self.models,
                             classes=self.classes, context=context)

    def check_context(self, ner_version: str | None = None) -> None:
        """A KgError unless the NER model the context models were trained with is at hand: the
        build's (``ner_version``, its :func:`kg.ner.model_version`) or the shipped one; nothing
        for a layer without context."""
        if not self.context_types or ner_version == self.context_ner:
            return
        from ..ner import DEFAULT_MODEL_DIR as NER_DIR, model_version
        shipped = model_version(NER_DIR)
        if shipped != self.context_ner:
            raise KgError(f"the learned relation model reads the context of NER model {self.context_ner}, "
                          f"and the NER model in {NER_DIR} is {shipped}: retrain "
                          "the relation model on this NER model (kg model train-relations)")

    def encoder(self) -> ContextEncoder:
        """The BiLSTM of the NER model the context models were trained with: ``self.ner`` (a
        loaded :class:`kg.ner.NerTagger`, e.g. the build's) when it is that model, loaded again
        under the context's criterion when it tags by another one, else the shipped one; a
        KgError when neither is that model."""
        if self._encoder is None:
            tagger = self.ner
            if tagger is None or (tagger.version, tagger.criterion) != (self.context_ner, self.context_criterion):
                from ..ner import DEFAULT_MODEL_DIR as NER_DIR, NerTagger
                if tagger is not None and tagger.version == self.context_ner:
                    path = tagger.path
                else:
                    self.check_context()
                    path = NER_DIR
                tagger = NerTagger.load(path, threads=None, criterion=self.context_criterion)
            self._encoder = ContextEncoder(tagger)
        return self._encoder

    def apply(self, doc: Document, result: DocResult,
              progress: Callable[[int, int], None] | None = None) -> DocResult:
        """``result`` with the layer's entity decisions, spans and pairs applied;
        ``progress(done, 3)`` after each of the three parts (entities, spans, pairs)."""
        tick = progress or (lambda done, total: None)
        cands = self.candidates(doc, result)
        mentions = list(result.mentions)
        facts = list(result.facts)

        # 1. entity groups: a mentioned form below its threshold is dropped, a generated one
        # above it becomes mentions
        dropped: set[tuple[str, str]] = set()
        added: list[Mention] = []
        # (memory) the features made as they are scored
        groups = [g for g in cands.entity_groups(feats=False) if g.type in self.models]
        if self.screen_groups and GroupScreen.TYPE in self.models:
            m = self.models[GroupScreen.TYPE]
            key = (id(m), m.threshold)
            if self._group_screen is None or self._group_screen_key != key:
                self._group_screen, self._group_screen_key = GroupScreen(m, m.threshold), key
            groups = self._group_screen.filter(cands, groups)
        group_scores = scores_by_model(self.models, groups, cands.group_feats)
        scored = [(g, self.models[g.type], p) for g, p in zip(groups, group_scores)]
        listed = self._listed_places(cands, scored)
        # the place mentions that open a rule cluster's name: kept one by one, not as a group
        opening = self._cluster_places(scored, result)
        for g, m, score in scored:
            keep = score >= m.threshold or (g.type, g.text) in listed
            if g.generated:
                if keep:
                    added += [replace(x, source=EXTRACTOR, score=round(score, 4)) for x in g.mentions]
                else:
                    added += [replace(x, source=EXTRACTOR, score=round(score, 4)) for x in g.mentions
                              if (x.type, x.start, x.end) in opening]
            elif not keep:
                dropped.add((g.type, g.text))
        if added:
            mentions += added
            mentions.sort(key=lambda m: (m.start, m.end, m.type))
        if dropped:
            mentions = [m for m in mentions if (m.type, m.text) not in dropped
                        or (m.type, m.start, m.end) in opening]
            dropped_texts = {x for _t, x in dropped}
            facts = [f for f in facts if f.relation not in ("part_of", "located_in")
                     or not any(a.text in dropped_texts for a in f.args.values())]
        sentence_at = sentence_finder(doc)     # (speed) by bisection
        tick(1, 3)

        # 2. spans
        if any(k not in self.models for k in SPAN_TYPES):
            tick(3, 3)
            return DocResult(result.doc_id, mentions, facts)
        thresholds = {k: self.models[k].threshold for k in SPAN_MODELS if k in self.models}
        # (memory) only the spans that can be chosen, here or with the pair threshold scale
        floor = {k: t * min(1.0, self.pair_span_scale) for k, t in thresholds.items()}
        candidates = cands.iter_spans()
        if self.screen_spans:
            # made again when a floor or a model changed since (relations_crossfit --variant
            # sets thresholds and pair_span_scale on a loaded layer)
            key = (sorted(floor.items()), [id(self.models.get(T)) for T in SPAN_MODELS])
            if self._screen is None or self._screen_key != key:
                self._screen, self._screen_key = SpanScreen(self.models, floor), key
            candidates = self._screen.filter(cands, candidates)
        spans, scores = _scored_above(self.models, candidates, cands.span_feats, floor)
        kept = select_spans(spans, scores, thresholds)
        have = {(m.type, m.start, m.end) for m in mentions}
        # (speed) the projects and organisations of ``have``, for overlap tests by bisection
        named = SpanReach((k[1], k[2]) for k in have if k[0] in ("Project", "Organization"))
        projects = SpanReach((k[1], k[2]) for k in have if k[0] == "Project")
        org_spans = {(k[1], k[2]) for k in have if k[0] == "Organization"}
        orgs = SpanReach(org_spans)
        # the Project span model's mentions come first: a project member over their characters
        # adds none, an enterprise member none across their edge (one inside may name the owner)
        made = SpanReach(())

        def blocked(sp: Span, mtype: str) -> bool:
            if (mtype, sp.start, sp.end) in have:
                return True
            if sp.type in ("Member", PROJECT):
                if projects.overlaps(sp.start, sp.end) if mtype == "Project" else named.overlaps(sp.start, sp.end):
                    return True      # a project the rules already name (or an organisation)
                if made.overlaps(sp.start, sp.end) and (mtype == "Project" or not made.contains(sp.start, sp.end)):
                    return True      # the Project span model's project there stands
            # an organisation runs over a project's edge (one inside it may name its owner)
            return mtype == "Project" and (orgs.crosses(sp.start, sp.end) or (sp.start, sp.end) in org_spans)

        def mention(sp: Span, mtype: str, p: float) -> Mention:
            sent = sentence_at(sp.start)
            return Mention(doc.id, sent.index if sent else 0, sp.start, sp.end, sp.text, mtype,
                           "enterprise" if mtype == "Organization" else None, EXTRACTOR, round(p, 4))

        own = [(sp, p) for sp, p in kept if sp.type == PROJECT and not blocked(sp, "Project")]
        mentions += [mention(sp, "Project", p) for sp, p in own]
        made = SpanReach((sp.start, sp.end) for sp, _p in own)
        for sp, p in kept:
            if sp.type == PROJECT:
                continue
            # a project member is a Project mention of its own (``project_mentions``), an
            # enterprise member scored at least ``member_orgs`` an Organization mention (below
            # that, it becomes an entity through the facts that name it), unless it overlaps a
            # project or organisation already named there
            mtype = sp.type if sp.type != "Member" else (
                "Project" if self.project_mentions and sp.member_type == "Project" else
                "Organization" if sp.member_type != "Project" and 0 < self.member_orgs <= p else None)
            if mtype is not None and not blocked(sp, mtype):
                mentions.append(mention(sp, mtype, p))
        if self.list_orgs:
            mentions += list_orgs(doc, mentions, self.lex, sentence_at, self._list_openers())
        mentions.sort(key=lambda m: (m.start, m.end, m.type))
        tick(2, 3)

        # 3. pairs, of the relations whose learned facts can be kept (see the end)
        if self.pair_span_scale != 1.0:
            kept = select_spans(spans, scores, {k: t * self.pair_span_scale for k, t in thresholds.items()})
        ruled = {f.relation for f in facts}
        modes = self.modes
        wanted = tuple(r for r in PAIR_RELATIONS if modes[r] != "backoff" or r not in ruled)
        pairs = cands.pairs(*spans_by_type(kept), relations=wanted) if wanted else []
        new: list[tuple[float, Fact]] = []
        # a member keeps its best cluster, an action its best agency (pair_group)
        best: dict[tuple[str, str], tuple[float, int]] = {}
        # the pairs at or above their model's threshold, scored a batch of each relation at a time
        above = {r: self.models[r].threshold for r in PAIR_RELATIONS if r in self.models}
        for p, s in zip(*_scored_above(self.models, (p for p in pairs if p.relation in above),
                                       lambda p: p.feats, above, kind=lambda p: p.relation)):
            key = pair_group(p)
            cur = best.get(key)
            if cur is not None and cur[0] >= s:
                continue
            if cur is not None:
                new[cur[1]] = (0.0, new[cur[1]][1])       # replaced by a better pair
            best[key] = (s, len(new))
            new.append((s, pair_fact(doc, p, s, sentence_at)))
        if self.list_members:
            new += list_mates(doc, pairs, new, best, sentence_at)
        # the rules' facts stand, except where a relation's mode is "replace"; the learned ones fill
        # a relation the rules found nothing of in this document ("backoff"), or a group (an
        # action, a member) no rule fact speaks for ("groups"): docs/evaluation.md, ablation and
        # session 36: replacing the rules' facts costs the documents the rules were written for
        # more than it gains on real pages
        facts = [f for f in facts if f.relation not in PAIR_RELATIONS or modes[f.relation] != "replace"]
        spoken = {fact_group(f) for f in facts if f.relation in PAIR_RELATIONS}
        facts += [f for s, f in new if s > 0.0 and not (
            modes[f.relation] == "backoff" and f.relation in ruled
            or modes[f.relation] == "groups" and _spoken_for(fact_group(f), spoken))]
        tick(3, 3)
        return DocResult(result.doc_id, mentions, facts)


def scores_by_model(models: dict, items: Sequence, feats=None) -> list[float]:
    """``[models[x.type].score(feats(x)) for x in items]`` (``feats``: default ``x.feats``),
    scored a batch of each type at a time (:func:`_scored_above` with no floor)."""
    return _scored_above(models, items, feats or (lambda x: x.feats))[1]


_BATCH = 2048      # spans scored in one call of a model's ``scores`` (_scored_above)


def _scored_above(models: dict, items: Iterable, feats,
                  floor: dict[str, float] | None = None,
                  kind: Callable[[object], str] = lambda x: x.type) -> tuple[list, list[float]]:
    """The items scored at least ``floor[kind(item)]`` by ``models[kind(item)]`` (on
    ``feats(item)``; every item without ``floor``; ``kind``: an item's type, a pair's relation),
    in their order, and their scores, made and scored a batch of each kind at a time (a row's
    score does not depend on the rows scored with it), so that the items under the floor are
    never all held."""
    kept: list[tuple[int, object, float]] = []
    pending: dict[str, list[tuple[int, object]]] = defaultdict(list)

    def flush(typ: str) -> None:
        batch = pending.pop(typ)
        low = floor[typ] if floor is not None else 0.0     # scores are probabilities
        for (k, x), p in zip(batch, models[typ].scores(feats(x) for _k, x in batch)):
            if p >= low:
                kept.append((k, x, p))

    for k, x in enumerate(items):
        typ = kind(x)
        batch = pending[typ]
        batch.append((k, x))
        if len(batch) >= _BATCH:
            flush(typ)
    for typ in list(pending):
        flush(typ)
    kept.sort(key=lambda z: z[0])
    return [x for _k, x, _p in kept], [p for _k, _x, p in kept]


# a 、-list lies inside one clause: these characters end it
_LIST_CLAUSE = re.compile("[^\uff0c\u3002\uff1b\uff01\uff1f\uff1a,;!?:\n\uff08\uff09()\u3010\u3011\u300a\u300b\u201c\u201d]+")
_ITEM_EDGE = frozenset("\u3001\uff0c\u3002\uff1b\uff1a,;:\n")    # 、 ， 。 ； ： , ; : and a line end
_LIST_ITEM = (2, 10)        # the length of an item taken as an organisation


def list_orgs(doc: Document, mentions: list[Mention], lex: Lexicon, sentence_at,
              openers: tuple[str, ...] = ()) -> list[Mention]:
    """Organization mentions for the items of a 、-list of organisations (A、B、C、D等企业 where
    the model or the rules found two of them, at least a third of the items, the first item
    counting when an organisation ends it; or a list closed by an enterprise tail of clusters.tsv,
    A、B、C等骨干企业; or a list given an enterprise role, 以A、B、C为骨干: clusters.tsv
    enterprise_role_rx, the frame bounding its first and last items): each item that no mention
    spans exactly, of 2-10 characters, without spaces around it (in a role list: inside it).

    * The last item ends at a ``list_end`` word of candidates.tsv (等, 和 …): the first one
      after which the item reads as a whole organisation name (市住房和城乡建设局|等单位), else
      the first one that no organisation name runs past (C|等企业, not 市工业|和信息化局);
      without one the item is left.
    * The first item starts after the first of ``openers`` in it (引进|A、B; then a
      ``gap_char`` such as 了 is skipped: :meth:`LearnedLayer._list_openers`), unless what is
      left is a bare organisation suffix (市政务服务|中心); without an opener it is left, for
      where it starts is unknown."""
    t = doc.text
    ends = lex.words("candidates", "list_end")
    gaps = lex.word_set("grammar", "gap_char")
    # a list closed by an enterprise tail (A、B、C等骨干企业: clusters.tsv enterprise_tail,
    # enterprise_tail_rx) names organisations even where none of its items is tagged
    tail_rx = lex.cached(("learned", "enterprise_tail_rx"), lambda: re.compile("|".join(
        [re.escape(x) for x in lex.words("clusters", "enterprise_tail")]
        + [p.pattern for p in lex.patterns("clusters", "enterprise_tail_rx")]) or "(?!)"))
    spans = {(m.start, m.end) for m in mentions}
    orgs = {(m.start, m.end) for m in mentions if m.type == "Organization"}
    org_starts_by_end: dict[int, list[int]] = defaultdict(list)
    for a, b in orgs:
        org_starts_by_end[b].append(a)
    out: list[Mention] = []

    def add(a: int, b: int) -> None:
        spans.add((a, b))
        sent = sentence_at(a)
        out.append(Mention(doc.id, sent.index if sent else 0, a, b, t[a:b], "Organization",
                           "enterprise", EXTRACTOR, 0.5))

    for items in _list_items(t):
        a, b = items[-1]
        cut = _last_item_end(t, a, b, ends, lex)
        last_ok = cut >= 0
        if last_ok:
            items[-1] = (a, cut)
        # the first item may hold the words before the list (引进了A、B): an organisation
        # ending it counts
        a0, b0 = items[0]
        first_org = any(a >= a0 for a in org_starts_by_end.get(b0, ()))
        n_org = sum(1 for sp in items[1:] if sp in orgs) + first_org
        tailed = last_ok and tail_rx.match(t, items[-1][1]) is not None
        if not tailed and (n_org < 2 or 3 * n_org < len(items)):
            continue
        items[0] = (b0, b0)                      # left (an empty item)
        if not first_org:
            k = min((i + len(w) for w in openers for i in (t.find(w, a0, b0),) if i >= 0), default=-1)
            if k >= 0 and t[k:k + 1] in gaps:
                k += 1
            if k >= 0 and not (b0 - k <= 2 and lex.ends_with_org_suffix(t[k:b0])):
                items[0] = (k, b0)
        last = len(items) - 1
        for j, (a, b) in enumerate(items):
            if j == last and not last_ok:
                continue
            if (a, b) in spans or not _LIST_ITEM[0] <= b - a <= _LIST_ITEM[1]:
                continue
            add(a, b)
    # a list given an enterprise role (以A、B、C为骨干: clusters.tsv enterprise_role_rx): the
    # frame bounds its first and last items
    for rx in lex.patterns("clusters", "enterprise_role_rx"):
        for fm in rx.finditer(t):
            if "\u3001" not in fm.group("names"):
                continue
            for a, b in split_items(fm.group("names"), fm.start("names")):
                tm = tail_rx.search(t, a, b)         # 以A、B等骨干企业为龙头: B
                if tm:
                    b = tm.start()
                if (a, b) in spans or not _LIST_ITEM[0] <= b - a <= _LIST_ITEM[1] \
                        or any(c.isspace() for c in t[a:b]):
                    continue
                add(a, b)
    return out


def _list_items(t: str):
    """The 、-lists of ``t``: per list its items' spans (without the spaces around them), the
    first one from its clause's start, the last one to the clause's end."""
    for cm in _LIST_CLAUSE.finditer(t):
        if "\u3001" in cm.group():
            yield split_items(cm.group(), cm.start())


def _last_item_end(t: str, a: int, b: int, ends: list[str], lex: Lexicon) -> int:
    """Where the last item t[a:b] of a list ends (see :func:`list_orgs`); -1: nowhere."""
    cuts = sorted({i for w in ends for i in (t.find(w, a, b),) if i >= a + 2})
    for k in cuts:
        if lex.ends_with_org_suffix(t[a:k]):
            return k
    reach = min(b, a + _LIST_ITEM[1] + 4)
    for k in cuts:
        if not any(lex.ends_with_org_suffix(t[a:j]) for j in range(k + 1, reach + 1)):
            return k
    return -1


def _at_item_start(t: str, i: int) -> bool:
    """Whether a list item may start at ``i``: after a 、 or a clause mark."""
    return i == 0 or t[i - 1] in _ITEM_EDGE


def _at_item_end(t: str, i: int) -> bool:
    """Whether a list item may end at ``i``: before a 、 or a clause mark."""
    return i >= len(t) or t[i] in _ITEM_EDGE


def list_mates(doc: Document, pairs: list[Pair], new: list[tuple[float, Fact]], best: dict,
               sentence_at) -> list[tuple[float, Fact]]:
    """in_cluster facts for the items of a 、-list whose member a kept fact gives a cluster
    (A、B、C等企业 … X产业集群: the model keeps A for X, B and C follow), unless an item keeps a
    cluster of its own.  A follower scores what its seed scored; only items that are pair
    candidates of the cluster (kept member spans or named organisations / projects near it)
    follow, over 、 alone.  ``best``: the kept pair of each group (:func:`pair_group`)."""
    t = doc.text
    # (speed) per cluster: its candidate pairs by the member's end, by its start, and the first
    # by the member's text
    ends: dict[str, dict[int, Pair]] = defaultdict(dict)
    starts: dict[str, dict[int, Pair]] = defaultdict(dict)
    first: dict[tuple[str, str], Pair] = {}
    for p in pairs:
        if p.relation == "in_cluster" and p.a_start >= 0:
            # of the candidates ending (starting) at one offset, the one that reaches the
            # list's 、 on its other side is the list item (A项目、B项目: not a shorter B)
            old = ends[p.b_text].get(p.a_end)
            if old is None or not _at_item_start(t, old.a_start) or _at_item_start(t, p.a_start):
                ends[p.b_text][p.a_end] = p
            old = starts[p.b_text].get(p.a_start)
            if old is None or not _at_item_end(t, old.a_end) or _at_item_end(t, p.a_end):
                starts[p.b_text][p.a_start] = p
            first.setdefault((p.b_text, p.a_text), p)
    kept = [(s, f) for s, f in new if s > 0.0 and f.relation == "in_cluster"]
    out: list[tuple[float, Fact]] = []
    done = {(f.args["member"].text, f.args["cluster"].text) for _s, f in kept}
    walked: set[tuple[str, int]] = set()        # (cluster, member start) a walk has passed
    for s, f in kept:
        cl = f.args["cluster"].text
        seed = first.get((cl, f.args["member"].text))
        if seed is None or (cl, seed.a_start) in walked:
            continue                            # its list was walked from an earlier seed
        walked.add((cl, seed.a_start))
        mates = []
        cur = seed
        while cur.a_start > 0 and t[cur.a_start - 1] == "、" and cur.a_start - 1 in ends[cl]:
            cur = ends[cl][cur.a_start - 1]
            if (cl, cur.a_start) in walked:
                break
            walked.add((cl, cur.a_start))
            mates.append(cur)
        cur = seed
        while cur.a_end < len(t) and t[cur.a_end] == "、" and cur.a_end + 1 in starts[cl]:
            cur = starts[cl][cur.a_end + 1]
            if (cl, cur.a_start) in walked:
                break
            walked.add((cl, cur.a_start))
            mates.append(cur)
        for p in mates:
            key = pair_group(p)
            if key in best or (p.a_text, p.b_text) in done:
                continue        # the item keeps a cluster of its own (or has this one)
            done.add((p.a_text, p.b_text))
            out.append((s, pair_fact(doc, p, s, sentence_at)))
    return out


def pair_fact(doc: Document, p: Pair, score: float, sentence_at) -> Fact:
    """The learned fact of the pair ``p``, its evidence the stretch from one argument to the other."""
    sent = sentence_at(p.start)
    ev = Evidence(doc.id, sent.index if sent else 0, p.start, p.end, doc.text[p.start:p.end])
    if p.relation == "leads_action":
        args = {"agency": Arg(p.a_text, "Organization", p.a_subtype), "action": Arg(p.b_text, "Action")}
    else:
        sub = None if p.a_type == "Project" else "enterprise"
        args = {"member": Arg(p.a_text, p.a_type, sub), "cluster": Arg(p.b_text, "Cluster")}
    return Fact(p.relation, args, ev, EXTRACTOR, round(score, 4))


def model_files_version(directory: str | Path | None = None) -> str:
    """A digest of the model files (part of the build cache key)."""
    import hashlib
    d = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    h = hashlib.sha1()
    if d.is_dir():
        for p in sorted(d.iterdir()):
            if p.is_file():
                h.update(p.name.encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


__all__ = ["LearnedLayer", "DEFAULT_MODEL_DIR", "model_files_version", "select_spans"]
