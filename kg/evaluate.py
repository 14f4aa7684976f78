"""``kg eval``: score extracted facts against gold annotations (``/work/shared/gold/GUIDELINES.md``).

Gold
----
JSON Lines, one record per line, each with ``doc`` and ``kind``:

* ``doc``          header, ``exhaustive``: kinds (``holds_post``...) and/or entity types
  (``Person``...; ``entity`` stands for all entity types) whose precision can be scored;
* ``entity``       ``type`` (Person/Organization/Place/Project/Action/Cluster), ``name``;
* ``holds_post``   ``person``, ``post``, ``org``;
* ``leads_action`` ``agency``, ``action``;
* ``in_cluster``   ``member``, ``member_type`` (``Enterprise``/``Project``), ``cluster``.

Slot values are lists of acceptable surface forms; any record may be ``"optional": true``.

Predictions
-----------
The facts kg writes (``Fact.to_dict()``, one per line in ``out/facts.jsonl``):

* ``mentioned_in`` -> ``entity`` (type = the entity argument's type, gold entity types only);
* ``holds_post`` (person/post/org), ``leads_action`` (agency/action);
* ``in_cluster`` (member/cluster; member_type = ``Project`` when the member argument is a
  Project, else ``Enterprise``).

A predicted slot value is the argument's canonical ``name`` and its surface ``text``; it matches
a gold slot when either equals one of the gold forms after normalisation (NFKC, all whitespace
removed).  Predictions are de-duplicated per document (same normalised values count once).

Scoring
-------
Per document and kind (and entity type) a maximum bipartite matching pairs predictions with gold
records that match slot by slot; each gold record is matched at most once.  Required records are
matched first (a maximum matching on them), then optional ones, so the counts never depend on the
order of the records.  A prediction matched to a required record is a true positive; one matched to
an optional record is neither a true nor a false positive; any other prediction is a false
positive -- counted only where the document's ``exhaustive`` header lists the kind/type.  Recall =
matched required / required; precision = TP / (TP + FP) over the exhaustive cells only.  Counts are
summed over documents (micro average) and F1 is computed from the micro precision and recall.

Intervals
---------
:func:`bootstrap` resamples the scored documents with replacement (a document's records stay
together) and gives each scope's F1 a percentile interval; given a second report on the same
documents, the interval of the paired difference (``kg eval --bootstrap N --baseline FACTS``).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg import schema
from kg.model import KgError

# the gold's entity types, kinds and slots, and how facts map to them: kg/schema.py
GOLD_ENTITY_TYPES = schema.GOLD_ENTITY_TYPES      # Person ... Cluster (not Post)
MEMBER_TYPES = ("Enterprise", "Project")

# kind -> slots (in order); entity's ``type`` and in_cluster's ``member_type`` are scalar keys
KIND_SLOTS: dict[str, tuple[str, ...]] = dict(schema.GOLD_KINDS)
KINDS = tuple(KIND_SLOTS)

# relation of a predicted fact -> (kind, {gold slot: fact argument role}): mentioned_in ->
# entity, holds_post, leads_action, in_cluster (part_of, located_in: not scored)
RELATION_MAP: dict[str, tuple[str, dict[str, str]]] = {
    r.name: (r.gold.kind, dict(r.gold.slots)) for r in schema.RELATIONS.values() if r.gold
}


class GoldError(KgError):
    """A gold or prediction file has a bad line."""


def normalize(value: str) -> str:
    """NFKC, then every whitespace character removed."""
    return "".join(unicodedata.normalize("NFKC", value).split())


# --------------------------------------------------------------------------------------------
# gold
# --------------------------------------------------------------------------------------------

def _label(kind: str, type_: str | None, member_type: str | None, values: dict[str, str]) -> str:
    """One-line description of a gold record or prediction ("Person name=殷树刚")."""
    parts = [f"{k}={values[k]}" for k in KIND_SLOTS[kind]]
    if type_:
        parts.insert(0, type_)
    if member_type:
        parts.insert(1, f"member_type={member_type}")
    return " ".join(parts)


@dataclass
class GoldRecord:
    doc: str
    kind: str
    slots: dict[str, tuple[str, ...]]          # slot -> surface forms as given (first = canonical)
    type: str | None = None                     # entity type (kind == "entity")
    member_type: str | None = None              # in_cluster only
    optional: bool = False
    line: int = 0                               # line number in the gold file (1-based)
    norm: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.norm:
            self.norm = {k: frozenset(normalize(v) for v in vs) for k, vs in self.slots.items()}

    def label(self) -> str:
        return _label(self.kind, self.type, self.member_type,
                      {k: self.slots[k][0] for k in KIND_SLOTS[self.kind]})

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind}
        if self.type:
            d["type"] = self.type
        d.update({k: list(v) for k, v in self.slots.items()})
        if self.member_type:
            d["member_type"] = self.member_type
        if self.optional:
            d["optional"] = True
        d["line"] = self.line
        return d


@dataclass
class Gold:
    records: list[GoldRecord]
    exhaustive: dict[str, frozenset[str]]       # doc -> kinds/types listed in its header
    path: str = "<gold>"

    @property
    def docs(self) -> list[str]:
        return sorted({r.doc for r in self.records} | set(self.exhaustive))

    def __len__(self) -> int:
        return len(self.records)


def _forms(value: Any, where: str, slot: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise GoldError(f"{where}: slot {slot!r} must be a non-empty list of strings, got {value!r}")
    for v in value:
        if not isinstance(v, str) or not normalize(v):
            raise GoldError(f"{where}: slot {slot!r} has an empty or non-string form {v!r}")
    return tuple(value)


def _parse_gold_line(obj: Any, where: str) -> GoldRecord | tuple[str, frozenset[str]]:
    if not isinstance(obj, dict):
        raise GoldError(f"{where}: a record must be a JSON object")
    doc = obj.get("doc")
    if not isinstance(doc, str) or not doc.strip():
        raise GoldError(f"{where}: missing or empty 'doc'")
    kind = obj.get("kind")
    optional = obj.get("optional", False)
    if not isinstance(optional, bool):
        raise GoldError(f"{where}: 'optional' must be true or false")
    if kind == "doc":
        ex = obj.get("exhaustive", [])
        if not isinstance(ex, list) or not all(isinstance(x, str) for x in ex):
            raise GoldError(f"{where}: 'exhaustive' must be a list of kinds/entity types")
        allowed = set(KINDS) | set(GOLD_ENTITY_TYPES)
        bad = [x for x in ex if x not in allowed]
        if bad:
            raise GoldError(f"{where}: unknown exhaustive entries {bad}; use kinds {list(KINDS)} "
                            f"or entity types {list(GOLD_ENTITY_TYPES)}")
        return doc, frozenset(ex)
    if kind not in KIND_SLOTS:
        raise GoldError(f"{where}: unknown kind {kind!r}; expected one of {['doc', *KINDS]}")
    slots = {}
    for slot in KIND_SLOTS[kind]:
        if slot not in obj:
            raise GoldError(f"{where}: {kind} record lacks slot {slot!r}")
        slots[slot] = _forms(obj[slot], where, slot)
    etype = member_type = None
    if kind == "entity":
        etype = obj.get("type")
        if etype not in GOLD_ENTITY_TYPES:
            raise GoldError(f"{where}: entity type {etype!r} is not one of {list(GOLD_ENTITY_TYPES)}")
    if kind == "in_cluster":
        member_type = obj.get("member_type")
        if member_type not in MEMBER_TYPES:
            raise GoldError(f"{where}: member_type {member_type!r} is not one of {list(MEMBER_TYPES)}")
    return GoldRecord(doc=doc, kind=kind, slots=slots, type=etype, member_type=member_type,
                      optional=optional)


def load_gold(path: str | os.PathLike[str]) -> Gold:
    """Read a gold JSONL file; a bad line raises GoldError naming ``file:line`` and the problem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise GoldError(f"{p}: no such file") from None
    except UnicodeDecodeError as e:
        raise GoldError(f"{p}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except OSError as e:
        raise GoldError(f"{p}: cannot read ({e.strerror or e})") from None
    records: list[GoldRecord] = []
    exhaustive: dict[str, frozenset[str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{p}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(f"{where}: invalid JSON ({e.msg} at column {e.colno})") from None
        parsed = _parse_gold_line(obj, where)
        if isinstance(parsed, GoldRecord):
            parsed.line = n
            records.append(parsed)
        else:
            doc, ex = parsed
            if doc in exhaustive:
                raise GoldError(f"{where}: second 'doc' header for {doc!r}")
            exhaustive[doc] = ex
    if not records and not exhaustive:
        raise GoldError(f"{p}: no gold records")
    return Gold(records=records, exhaustive=exhaustive, path=str(p))


# --------------------------------------------------------------------------------------------
# predictions
# --------------------------------------------------------------------------------------------

@dataclass
class Prediction:
    doc: str
    kind: str
    values: dict[str, frozenset[str]]          # slot -> normalised candidate values (name, text)
    shown: dict[str, str]                      # slot -> value to display (canonical name or text)
    type: str | None = None
    member_type: str | None = None
    fact_ids: list[str] = field(default_factory=list)
    extractors: list[str] = field(default_factory=list)   # of its facts, each once, in order

    def key(self) -> tuple:
        return (self.doc, self.kind, self.type, self.member_type,
                tuple(normalize(self.shown[s]) for s in KIND_SLOTS[self.kind]))

    def label(self) -> str:
        return _label(self.kind, self.type, self.member_type, self.shown)


def _arg_values(arg: Any) -> tuple[frozenset[str], str]:
    if not isinstance(arg, Mapping):
        return frozenset(), ""
    vals = []
    for k in ("name", "text"):
        v = arg.get(k)
        if isinstance(v, str) and normalize(v):
            vals.append(v)
    return frozenset(normalize(v) for v in vals), (vals[0] if vals else "")


def _prediction_from_fact(rec: Mapping[str, Any], where: str) -> Prediction | None:
    relation = rec.get("relation")
    args = rec.get("args")
    if not isinstance(relation, str) or not isinstance(args, Mapping):
        raise GoldError(f"{where}: not a kg fact record (needs 'relation' and 'args')")
    if relation not in RELATION_MAP:
        return None                          # part_of, located_in: not scored
    kind, roles = RELATION_MAP[relation]
    ev = rec.get("evidence") or {}
    doc = ev.get("doc_id") if isinstance(ev, Mapping) else None
    if not doc and relation == "mentioned_in":
        d = args.get("document")
        if isinstance(d, Mapping):
            doc = d.get("name") or d.get("text")
    if not isinstance(doc, str) or not doc:
        raise GoldError(f"{where}: fact has no evidence.doc_id")
    etype = member_type = None
    if kind == "entity":
        ent = args.get(roles["name"])
        etype = ent.get("type") if isinstance(ent, Mapping) else None
        if etype not in GOLD_ENTITY_TYPES:
            return None                      # Post, Document...: no gold counterpart
    if kind == "in_cluster":
        mem = args.get(roles["member"])
        member_type = "Project" if isinstance(mem, Mapping) and mem.get("type") == "Project" else "Enterprise"
    values: dict[str, frozenset[str]] = {}
    shown: dict[str, str] = {}
    for slot, role in roles.items():
        values[slot], shown[slot] = _arg_values(args.get(role))
    fid = rec.get("id")
    ext = rec.get("extractor")
    return Prediction(doc=doc, kind=kind, values=values, shown=shown, type=etype,
                      member_type=member_type, fact_ids=[fid] if isinstance(fid, str) else [],
                      extractors=[ext] if isinstance(ext, str) else [])


def load_predictions(source: str | os.PathLike[str] | Iterable[Any]) -> list[Prediction]:
    """Predictions from a facts JSONL file (or a ``kg build`` output directory holding
    ``facts.jsonl``) or from fact records (dicts or Fact objects).

    Facts of relations without a gold kind (part_of, located_in) and entities of types the gold
    does not annotate (Post) are skipped.  Predictions are de-duplicated per document: those
    with the same normalised values count once (their candidate values are merged).
    """
    return _predictions(_fact_items(source))


def _fact_items(source: str | os.PathLike[str] | Iterable[Any]) -> list[tuple[Any, str]]:
    """(record, where) of each fact of ``source`` (as :func:`load_predictions` takes it)."""
    items: list[tuple[Any, str]] = []
    if isinstance(source, (str, os.PathLike)):
        p = Path(source)
        if p.is_dir():                       # an output directory of kg build
            p = p / "facts.jsonl"
        try:
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise GoldError(f"{p}: no such file") from None
        except (OSError, UnicodeDecodeError) as e:
            raise GoldError(f"{p}: cannot read ({e})") from None
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((json.loads(line), f"{p}:{n}"))
            except json.JSONDecodeError as e:
                raise GoldError(f"{p}:{n}: invalid JSON ({e.msg} at column {e.colno})") from None
    else:
        for i, rec in enumerate(source):
            if hasattr(rec, "to_dict") and not isinstance(rec, Mapping):
                rec = rec.to_dict()
            items.append((rec, f"<fact {i}>"))
    return items


def _predictions(items: Iterable[tuple[Any, str]]) -> list[Prediction]:
    merged: dict[tuple, Prediction] = {}
    for rec, where in items:
        if not isinstance(rec, Mapping):
            raise GoldError(f"{where}: a fact must be a JSON object")
        pred = _prediction_from_fact(rec, where)
        if pred is None:
            continue
        k = pred.key()
        if k in merged:
            old = merged[k]
            old.values = {s: old.values[s] | pred.values[s] for s in old.values}
            old.fact_ids.extend(pred.fact_ids)
            old.extractors.extend(x for x in pred.extractors if x not in old.extractors)
        else:
            merged[k] = pred
    return sorted(merged.values(), key=lambda p: (p.key()))


# --------------------------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------------------------

def _matches(pred: Prediction, gold: GoldRecord) -> bool:
    if pred.kind != gold.kind or pred.type != gold.type or pred.member_type != gold.member_type:
        return False
    return all(pred.values[s] & gold.norm[s] for s in KIND_SLOTS[gold.kind])


def _max_matching(gold: list[GoldRecord], preds: list[Prediction]) -> dict[int, int]:
    """Gold index -> prediction index.  Kuhn's augmenting paths from the gold side, required
    records first: augmenting never unmatches a gold record, so the result covers a maximum
    number of required records and, given that, a maximum number of optional ones."""
    adj = []
    for g in gold:
        cands = [j for j, p in enumerate(preds) if _matches(p, g)]
        # try first the predictions that give the canonical (first) forms, for readable details
        canon = {s: normalize(g.slots[s][0]) for s in KIND_SLOTS[g.kind]}
        cands.sort(key=lambda j: -sum(canon[s] in preds[j].values[s] for s in canon))
        adj.append(cands)
    pred_to_gold: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for pj in adj[gi]:
            if pj in seen:
                continue
            seen.add(pj)
            if pj not in pred_to_gold or augment(pred_to_gold[pj], seen):
                pred_to_gold[pj] = gi
                return True
        return False

    order = [i for i, g in enumerate(gold) if not g.optional] + [i for i, g in enumerate(gold) if g.optional]
    for gi in order:
        if adj[gi]:
            augment(gi, set())
    return {gi: pj for pj, gi in pred_to_gold.items()}


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

@dataclass
class Counts:
    tp: int = 0          # matched required gold (recall numerator)
    fn: int = 0          # unmatched required gold
    tp_p: int = 0        # true positives in exhaustive cells (precision numerator)
    fp: int = 0          # false positives in exhaustive cells
    neutral: int = 0     # predictions matching optional gold (any cell)
    unscored: int = 0    # unmatched predictions in cells that are not exhaustive
    exhaustive_cells: int = 0

    def add(self, o: "Counts") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(o, k))

    @property
    def precision(self) -> float | None:
        if not self.exhaustive_cells:
            return None
        d = self.tp_p + self.fp
        if d:
            return self.tp_p / d
        return 0.0 if self.tp + self.fn else None     # nothing predicted where gold exists

    @property
    def recall(self) -> float | None:
        d = self.tp + self.fn
        return self.tp / d if d else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        def rnd(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": rnd(self.precision), "recall": rnd(self.recall), "f1": rnd(self.f1),
                "tp_precision": self.tp_p, "optional_matched": self.neutral,
                "unscored_predictions": self.unscored}


@dataclass
class DocDetails:
    missed: list[GoldRecord] = field(default_factory=list)
    false_positives: list[Prediction] = field(default_factory=list)
    matched: list[tuple[GoldRecord, Prediction]] = field(default_factory=list)


@dataclass
class Report:
    kinds: dict[str, Counts]
    entity_types: dict[str, Counts]
    overall: Counts
    documents: list[str]
    per_doc: dict[str, dict[str, Counts]]
    details: dict[str, DocDetails]
    ignored_docs: list[str]              # predicted documents that have no gold
    gold_path: str = "<gold>"

    def to_dict(self, details: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "gold": self.gold_path,
            "documents": self.documents,
            "overall": self.overall.to_dict(),
            "kinds": {k: c.to_dict() for k, c in self.kinds.items()},
            "entity_types": {t: c.to_dict() for t, c in self.entity_types.items()},
            "ignored_documents": self.ignored_docs,
        }
        if details:
            d["per_document"] = {doc: {k: c.to_dict() for k, c in cells.items()}
                                 for doc, cells in self.per_doc.items()}
            d["details"] = {
                doc: {
                    "missed": [g.to_dict() for g in det.missed],
                    "false_positives": [{"kind": p.kind, **({"type": p.type} if p.type else {}),
                                         **p.shown,
                                         **({"member_type": p.member_type} if p.member_type else {}),
                                         "fact_ids": p.fact_ids, "extractors": p.extractors}
                                        for p in det.false_positives],
                }
                for doc, det in self.details.items()
            }
        return d


def _resolve_doc_ids(pred_docs: set[str], gold_docs: set[str]) -> dict[str, str]:
    """Map prediction doc ids to gold doc ids: exact, else by unique file name."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for g in gold_docs:
        by_name[g.rsplit("/", 1)[-1]].append(g)
    mapping = {}
    for d in pred_docs:
        if d in gold_docs:
            mapping[d] = d
        else:
            cands = by_name.get(d.replace("\\", "/").rsplit("/", 1)[-1], [])
            if len(cands) == 1:
                mapping[d] = cands[0]
    return mapping


def score(gold: Gold, predictions: Iterable[Prediction], docs: Iterable[str] | None = None) -> Report:
    """Score predictions against gold (see the module doc).  ``docs`` restricts scoring to
    those gold documents (default: every document the gold file mentions)."""
    preds = list(predictions)
    gold_docs = set(gold.docs)
    if docs is not None:
        gold_docs = set(_resolve_doc_ids(set(docs), gold_docs).values())
    id_map = _resolve_doc_ids({p.doc for p in preds}, gold_docs)
    ignored = sorted({p.doc for p in preds if p.doc not in id_map})

    cells_gold: dict[tuple[str, str, str | None], list[GoldRecord]] = defaultdict(list)
    cells_pred: dict[tuple[str, str, str | None], list[Prediction]] = defaultdict(list)
    for g in gold.records:
        if g.doc in gold_docs:
            cells_gold[(g.doc, g.kind, g.type)].append(g)
    for p in preds:
        if p.doc in id_map:
            cells_pred[(id_map[p.doc], p.kind, p.type)].append(p)

    kinds = {k: Counts() for k in KINDS}
    types = {t: Counts() for t in GOLD_ENTITY_TYPES}
    overall = Counts()
    per_doc: dict[str, dict[str, Counts]] = {d: {} for d in sorted(gold_docs)}
    details: dict[str, DocDetails] = {d: DocDetails() for d in sorted(gold_docs)}

    for cell in sorted(set(cells_gold) | set(cells_pred), key=lambda c: (c[0], c[1], c[2] or "")):
        doc, kind, etype = cell
        g_list = sorted(cells_gold.get(cell, []), key=lambda g: g.line)
        p_list = cells_pred.get(cell, [])
        header = gold.exhaustive.get(doc, frozenset())
        exhaustive = kind in header or (kind == "entity" and etype in header)
        match = _max_matching(g_list, p_list)
        c = Counts(exhaustive_cells=1 if exhaustive else 0)
        matched_preds: set[int] = set()
        for gi, g in enumerate(g_list):
            pj = match.get(gi)
            if pj is not None:
                matched_preds.add(pj)
                if g.optional:
                    c.neutral += 1
                else:
                    c.tp += 1
                    details[doc].matched.append((g, p_list[pj]))
            elif not g.optional:
                c.fn += 1
                details[doc].missed.append(g)
        for pj, p in enumerate(p_list):
            if pj in matched_preds:
                continue
            if exhaustive:
                c.fp += 1
                details[doc].false_positives.append(p)
            else:
                c.unscored += 1
        if exhaustive:
            c.tp_p = c.tp
        kinds[kind].add(c)
        if kind == "entity" and etype in types:
            types[etype].add(c)
        overall.add(c)
        label = f"entity/{etype}" if kind == "entity" else kind
        per_doc[doc].setdefault(label, Counts()).add(c)

    return Report(kinds=kinds, entity_types=types, overall=overall, documents=sorted(gold_docs),
                  per_doc=per_doc, details=details, ignored_docs=ignored, gold_path=gold.path)


def by_extractor(gold: Gold, source: str | os.PathLike[str] | Iterable[Any]) -> dict[str, Counts]:
    """The facts of each extractor (a rule stage, ``learned``, ``mention``...) scored alone:
    ``"kind/extractor"`` -> that kind's counts when only those facts are predicted (their
    precision is the extractor's own; a gold record two extractors both find is a true positive
    of each).  Sorted by kind (the report's order), then extractor."""
    return _by_extractor(gold, _fact_items(source))


def score_by_extractor(gold: Gold, source: str | os.PathLike[str] | Iterable[Any]
                       ) -> tuple[Report, dict[str, Counts]]:
    """``score(gold, load_predictions(source))`` and ``by_extractor(gold, source)`` from one
    reading of the facts."""
    items = _fact_items(source)
    return score(gold, _predictions(items)), _by_extractor(gold, items)


def _by_extractor(gold: Gold, items: list[tuple[Any, str]]) -> dict[str, Counts]:
    groups: dict[tuple[str, str], list[tuple[Any, str]]] = defaultdict(list)
    for rec, where in items:
        if not isinstance(rec, Mapping):
            raise GoldError(f"{where}: a fact must be a JSON object")
        relation = rec.get("relation")
        if relation in RELATION_MAP:
            extractor = rec.get("extractor")
            groups[(RELATION_MAP[relation][0], extractor if isinstance(extractor, str) else "?")].append((rec, where))
    order = {k: i for i, k in enumerate(KINDS)}
    return {f"{kind}/{ext}": score(gold, _predictions(items)).kinds[kind]
            for (kind, ext), items in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))}


# --------------------------------------------------------------------------------------------
# How far a figure can be trusted: the documents resampled

@dataclass(frozen=True)
class Interval:
    """F1 of one scope (:func:`bootstrap`'s keys: ``overall``, a kind, ``entity/<Type>``) with its
    bootstrap interval.  For a
    comparison (:func:`bootstrap` with ``baseline``) ``value`` / ``low`` / ``high`` are the
    difference F1 - baseline F1 and ``above`` / ``below`` the shares of resamples where it is
    positive / negative.  ``None`` where the scope has no F1 (no gold, or no exhaustive cell);
    ``defined`` counts the resamples that gave one, ``documents`` the documents with a record or a
    prediction of the scope (an interval over one or two says little)."""
    value: float | None
    low: float | None
    high: float | None
    defined: int
    above: float | None = None
    below: float | None = None
    documents: int = 0

    def to_dict(self) -> dict[str, Any]:
        def rnd(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        d: dict[str, Any] = {"value": rnd(self.value), "low": rnd(self.low), "high": rnd(self.high),
                             "defined": self.defined, "documents": self.documents}
        if self.above is not None:
            d["above"], d["below"] = rnd(self.above), rnd(self.below)
        return d


def _scope_counts(report: Report) -> dict[str, list[tuple[int, int, int, int, int]]]:
    """scope -> per document of ``report.documents``: (tp, fn, tp_p, fp, exhaustive_cells)."""
    labels: list[str] = []
    for kind in report.kinds:      # the order of the report's table: each kind, the entity types after entity
        labels.append(kind)
        if kind == "entity":
            labels += [f"entity/{t}" for t in report.entity_types]
    scopes: dict[str, list[tuple[int, int, int, int, int]]] = {s: [] for s in [*labels, "overall"]}
    for doc in report.documents:
        cells = report.per_doc.get(doc, {})
        sums = {s: Counts() for s in scopes}
        for label, c in cells.items():
            sums["overall"].add(c)
            kind = "entity" if label.startswith("entity/") else label
            if kind in sums:
                sums[kind].add(c)
            if label in sums and label != kind:
                sums[label].add(c)
        for s, c in sums.items():
            scopes[s].append((c.tp, c.fn, c.tp_p, c.fp, c.exhaustive_cells))
    return scopes


def _f1s(totals):
    """F1 of each row of ``totals`` (rows of tp, fn, tp_p, fp, exhaustive_cells), as
    :class:`Counts` computes it; NaN where it has none."""
    import numpy as np

    tp, fn, tp_p, fp, ex = (totals[:, i] for i in range(5))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tp_p + fp > 0, tp_p / np.maximum(tp_p + fp, 1), np.where(tp + fn > 0, 0.0, np.nan))
        p = np.where(ex > 0, p, np.nan)
        r = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), np.nan)
        f = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
    return np.where(np.isnan(p) | np.isnan(r), np.nan, f)


LEVEL = 0.95      # bootstrap's default: a 95 % interval


def bootstrap(report: Report, baseline: Report | None = None, resamples: int = 1000,
              level: float = LEVEL, seed: int = 0) -> dict[str, Interval]:
    """Percentile intervals of each scope's F1 over ``resamples`` resamples of the report's documents
    (drawn with replacement, as many as there are; one document's records stay together, so the
    interval reflects how much the figure depends on which pages were drawn).  With ``baseline``, a
    report of other predictions on the same gold documents, the intervals are of the paired
    difference: each resample scores both on the same documents.  Deterministic for one ``seed``."""
    import numpy as np

    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, not {resamples}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie between 0 and 1, not {level}")
    if baseline is not None and baseline.documents != report.documents:
        raise ValueError("the baseline report scores other documents than this one")
    n_docs = len(report.documents)
    rng = np.random.default_rng(seed)
    weights = np.zeros((resamples, n_docs))
    if n_docs:
        draws = rng.integers(0, n_docs, size=(resamples, n_docs))
        np.add.at(weights, (np.repeat(np.arange(resamples), n_docs), draws.ravel()), 1)
    q = ((1 - level) / 2, 1 - (1 - level) / 2)
    mine = _scope_counts(report)
    theirs = _scope_counts(baseline) if baseline is not None else None
    out: dict[str, Interval] = {}
    for scope, rows in mine.items():
        counts = np.array(rows, dtype=float).reshape(n_docs, 5)
        point = _f1s(counts.sum(axis=0, keepdims=True))[0]
        f = _f1s(weights @ counts)
        if theirs is not None:
            other = np.array(theirs[scope], dtype=float).reshape(n_docs, 5)
            point = point - _f1s(other.sum(axis=0, keepdims=True))[0]
            f = f - _f1s(weights @ other)
        ok = f[~np.isnan(f)]
        value = None if np.isnan(point) else float(point)
        # documents with a record or a prediction here (tp, fn, fp; either report's)
        seen = counts[:, [0, 1, 3]].sum(axis=1) > 0
        if theirs is not None:
            seen |= other[:, [0, 1, 3]].sum(axis=1) > 0
        docs = int(seen.sum())
        if value is None or not len(ok):
            out[scope] = Interval(value, None, None, int(len(ok)), documents=docs)
            continue
        low, high = (float(x) for x in np.quantile(ok, q))
        above = below = None
        if theirs is not None:
            above, below = float((ok > 0).mean()), float((ok < 0).mean())
        out[scope] = Interval(value, low, high, int(len(ok)), above, below, docs)
    return out


__all__ = [
    "LEVEL", "Counts", "Gold", "GoldError", "GoldRecord", "Interval", "Prediction", "Report", "bootstrap",
    "by_extractor", "load_gold", "load_predictions", "normalize", "score", "score_by_extractor",
]
