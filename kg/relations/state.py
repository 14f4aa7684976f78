"""The state of one document's rule extraction, which every stage reads and adds to.

:class:`DocState` holds the inputs (the document, the lexicon, the model's mentions), the text
view the rules read and the typed span stores the stages fill.  Inside, every span is in **view
offsets** (``DocState.text``: ``doc.text`` without the in-word line breaks that
:class:`~kg.relations.base._View` removes); two functions cross the edge: :func:`to_view` maps a
document span in, :func:`to_doc` maps a view span out (mentions and evidence carry document
offsets; the pipeline maps those to the original file through ``Document.offsets``).  The only
document-offset values in the state are the inputs ``model_mentions`` / ``ner`` and the output
``mentions``.

Which stage reads and writes which field is declared with the stage (:mod:`.registry`) and
checked at import (:mod:`.stages`).  ``memo`` and the underscored fields are per-document caches
of values derived from fields that no longer change; they are no part of that analysis.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from itertools import islice

from ..lexicon import Lexicon, find_every
from ..model import Arg, Document, Evidence, Fact, Mention, Occurrences, sentence_finder
from .base import _Chain, _View

Span = tuple[int, int]     # [start, end) in view offsets


@dataclass(eq=False)
class DocState:
    """One document's extraction.  Spans (keys of the stores, ``_Chain`` offsets, list items)
    are view offsets."""

    # inputs
    doc: Document
    lex: Lexicon
    model_mentions: list[Mention]
    # prepare: the view and the cleaned-up model mentions
    view: _View = None                                   # type: ignore[assignment]
    text: str = ""                                       # view.text
    orig_breaks: list[int] = field(default_factory=list)   # where the original had a line break
    ner: list[Mention] = field(default_factory=list)     # cleaned model mentions (document offsets)
    ner_v: list[tuple[int, int, str, str | None, str]] = field(default_factory=list)  # (s, e, type, subtype, text)
    places: set[str] = field(default_factory=set)        # place names known in this document
    posts_rx: re.Pattern[str] = None                     # type: ignore[assignment]
    # the typed span stores the stages fill
    persons: dict[Span, str] = field(default_factory=dict)          # span -> source
    person_names: set[str] = field(default_factory=set)
    chains: list[_Chain] = field(default_factory=list)              # post chains
    orgs: dict[Span, tuple[str, str | None]] = field(default_factory=dict)  # span -> (name, subtype)
    actions: dict[Span, str] = field(default_factory=dict)          # span -> canonical name
    projects: dict[Span, str] = field(default_factory=dict)         # span -> name
    project_owned: set[Span] = field(default_factory=set)           # projects written after their company
    enterprises: dict[Span, str] = field(default_factory=dict)      # span -> name
    clusters: dict[Span, str] = field(default_factory=dict)         # span -> name
    # project / enterprise lists: (end of the list head or -1, project items, enterprise items)
    lists: list = field(default_factory=list)
    list_heads: dict[Span, int] = field(default_factory=dict)       # cluster span -> end of its list
    # outputs (document offsets)
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    # per-document caches (not part of the stage analysis)
    memo: dict = field(default_factory=dict)
    _sentence_finder: object = None
    _ner_longest: dict | None = None


def to_view(st: DocState, start: int, end: int) -> Span:
    """The view span of the document span [start, end)."""
    return st.view.inv[start], st.view.inv[end]


def to_doc(st: DocState, vstart: int, vend: int) -> Span:
    """The document span of the view span [vstart, vend)."""
    return st.view.to_doc(vstart, vend)


def ner_spans_of_type(st: DocState, typ: str) -> set[tuple[int, int]]:
    # (speed) once per document and type (ner_v is fixed after the prepare stage); read-only
    cache = st.memo.setdefault("_ner_spans_by_type", {})
    if typ not in cache:
        cache[typ] = {(s, e) for s, e, t, _sub, _x in st.ner_v if t == typ}
    return cache[typ]


def sorted_growing(st: DocState, name: str, items, key) -> list:
    """``sorted(key(i, x) for i, x in enumerate(items))``, kept in ``st.memo[name]`` (as
    ``[items, how many seen, the sorted list]``) and extended with the items added since the last
    call: ``items`` only grows at its end (a list appended to; a dict given new keys, which a dict
    keeps last).  Made afresh for another ``items`` object or one that shrank.  (speed) Not a pass
    over every item per look-up."""
    memo = st.memo.get(name)
    if memo is None or memo[0] is not items or memo[1] > len(items):
        memo = st.memo[name] = [items, 0, []]
    n, out = memo[1], memo[2]
    if len(items) > n:
        new = items[n:] if isinstance(items, list) else islice(items, n, None)
        for i, x in enumerate(new, n):
            insort(out, key(i, x))
        memo[1] = len(items)
    return out


def sentence_at(st: DocState, pos: int):
    """``st.doc.sentence_at(pos)`` (by bisection, :func:`kg.model.sentence_finder`)."""
    if st._sentence_finder is None:
        st._sentence_finder = sentence_finder(st.doc)
    return st._sentence_finder(pos)


def occurrence_index(st: DocState) -> Occurrences:
    """The document's :class:`kg.model.Occurrences` of ``st.text`` (one per text)."""
    occ = st.memo.get("_occurrences")
    if occ is None or occ.text is not st.text:
        occ = st.memo["_occurrences"] = Occurrences(st.text)
    return occ


def occurrences(st: DocState, x: str) -> list[int]:
    """Starts (view offsets) of the non-overlapping occurrences of ``x`` in ``st.text``, left to
    right: those of ``re.finditer(re.escape(x), st.text)``, through one index per document
    (:class:`kg.model.Occurrences`) instead of a scan of the whole text per string."""
    return occurrence_index(st)(x)


def line_bounds(st: DocState, pos: int) -> Span:
    """``(st.text.rfind("\\n", 0, pos) + 1, end)`` with ``end`` the first line break at or after
    ``pos`` (``len(st.text)`` if none): the line holding ``pos``, from one list of the text's line
    breaks per document (bisection) instead of a scan of the whole line per look-up, which on a
    one-line document is a scan of the whole text."""
    nl = st.memo.get("_line_breaks")
    if nl is None or nl[0] is not st.text:
        t = st.text
        nl = st.memo["_line_breaks"] = (t, list(find_every(t, "\n")))
    breaks = nl[1]
    k = bisect_left(breaks, pos)
    return (breaks[k - 1] + 1 if k else 0), (breaks[k] if k < len(breaks) else len(st.text))


def last_of(st: DocState, chars: str, pos: int) -> int:
    """``max(st.text.rfind(c, 0, pos) for c in chars)``: where the last of ``chars`` before
    ``pos`` stands, -1 if none; from one sorted list of their positions per document (by
    bisection) instead of scans back from ``pos``, which on a long line without one of them
    (a "！" the text writes "!") reach the start of the text."""
    key = ("_last_of", chars)
    at = st.memo.get(key)
    if at is None or at[0] is not st.text:
        cls = re.compile("[" + "".join(re.escape(c) for c in chars) + "]")
        at = st.memo[key] = (st.text, [m.start() for m in cls.finditer(st.text)])
    k = bisect_left(at[1], pos)
    return at[1][k - 1] if k else -1


def written_between(st: DocState, x: str, lo: int, hi: int) -> bool:
    """``x in st.text[lo:hi]`` for a non-empty ``x`` of no line break and a ``lo`` that starts a
    line (or follows a character ``x`` does not hold), through one list per document of where
    ``x`` is written (non-overlapping, from the left; by bisection) instead of a substring test
    of the whole range.  An occurrence at or after ``lo`` is never hidden by one that starts
    before ``lo`` (that one would hold ``st.text[lo - 1]``), so the first listed at or after
    ``lo`` is the first there is."""
    key = ("_written", x)
    occ = st.memo.get(key)
    if occ is None or occ[0] is not st.text:
        t, at = st.text, []
        i = t.find(x)
        while i >= 0:
            at.append(i)
            i = t.find(x, i + len(x))
        occ = st.memo[key] = (t, at)
    at = occ[1]
    k = bisect_left(at, lo)
    return k < len(at) and at[k] + len(x) <= hi


def ner_at(st: DocState, start: int, typ: str) -> tuple[int, int] | None:
    # (speed) the longest model span of each (start, type), once per document
    if st._ner_longest is None:
        st._ner_longest = {}
        for s, e, t, _sub, _x in st.ner_v:
            if e > st._ner_longest.get((s, t), (s, -1))[1]:
                st._ner_longest[(s, t)] = (s, e)
    return st._ner_longest.get((start, typ))


def person_spans_in(st: DocState, lo: int, hi: int) -> list[Span]:
    """The person spans starting in [lo, hi): the model's (in ``ner_v`` order), then the rules'
    (in the order they were found) -- what scanning ``ner_v`` and ``persons`` gives, through
    indexes by start (``add_person`` keeps the rules' one up to date), so a look-up per chain
    element stays linear on a long text."""
    ner = st.memo.get("_ner_person_starts")
    if ner is None:
        ner = st.memo["_ner_person_starts"] = sorted(
            (s, i, (s, e)) for i, (s, e, typ, _sub, _x) in enumerate(st.ner_v) if typ == "Person")
    found = st.memo.get("_person_starts")
    if found is None:
        found = st.memo["_person_starts"] = sorted((sp[0], k, sp) for k, sp in enumerate(st.persons))
    out = []
    for index in (ner, found):
        hits = index[bisect_left(index, (lo,)):bisect_left(index, (hi,))]
        out += [sp for _s, _k, sp in sorted(hits, key=lambda h: h[1])]
    return out


def add_person(st: DocState, span: Span, source: str) -> None:
    """A person the rules found (``persons``, ``person_names``), once per span."""
    if span not in st.persons:
        st.persons[span] = source
        st.person_names.add(st.text[span[0]:span[1]])
        found = st.memo.get("_person_starts")
        if found is not None:
            insort(found, (span[0], len(st.persons) - 1, span))


def evidence(st: DocState, vstart: int, vend: int) -> Evidence:
    s, e = to_doc(st, vstart, vend)
    sent = sentence_at(st, s) or sentence_at(st, max(0, e - 1))
    if sent is None:
        return Evidence(st.doc.id, -1, s, e, st.doc.text[s:e])
    return Evidence(st.doc.id, sent.index, s, e, sent.text)


def add_mention(st: DocState, vstart: int, vend: int, typ: str, subtype: str | None, source: str,
             score: float = 0.9, text: str | None = None) -> None:
    s, e = to_doc(st, vstart, vend)
    sent = sentence_at(st, s)
    st.mentions.append(Mention(st.doc.id, sent.index if sent else -1, s, e,
                                 text if text is not None else st.doc.text[s:e],
                                 typ, subtype, source, score))


def add_fact(st: DocState, relation: str, args: dict[str, Arg], span: tuple[int, int], extractor: str,
          confidence: float) -> None:
    st.facts.append(Fact(relation, args, evidence(st, *span), extractor, confidence))
