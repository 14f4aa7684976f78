"""kg's one data model, shared by every stage.

Offsets
-------
A :class:`Document` keeps two texts:

* ``original`` -- the decoded file exactly as read (after decoding only);
* ``text``     -- the analysis text: NFKC-normalised, hard-wrapped lines re-joined,
  page-jump markers dropped, duplicate paragraphs dropped, Traditional script converted to
  Simplified.  All NLP stages work on ``text``.

``Document.offsets`` maps every index of ``text`` (and ``len(text)``) to an index of
``original``; :meth:`Document.orig_span` turns an analysis span into an original span.
Mentions and evidence carry *analysis* offsets (``start``/``end``, end exclusive) and the
exporters add the original offsets through ``orig_span``.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# The entity types, Organization subtypes and relations (with their argument roles) are
# declared once, in kg/schema.py.


def stable_id(type_: str, key: str) -> str:
    """Stable node id shared by networkx, RDF (IRI local name) and Neo4j (``id`` property).

    ``type_`` is an entity type (or ``Document``/``Fact``), ``key`` its canonical key.
    Pure ASCII so it is safe in IRIs, file names and Cypher.
    """
    digest = hashlib.sha1(f"{type_}\x1f{key}".encode("utf-8")).hexdigest()[:16]
    return f"{type_.lower()}-{digest}"


def post_id(org_id: str | None, title: str) -> str:
    """Id of the Post node "title at org" (W3C org:Post): one node per (organisation, title)."""
    return stable_id("Post", f"{org_id or ''}|{title}")


def document_id(doc_id: str) -> str:
    """Node id of a document (``doc_id`` is the file name relative to the corpus root)."""
    return stable_id("Document", doc_id)


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Sentence:
    doc_id: str
    index: int          # position of the sentence in its document, from 0
    start: int          # analysis offsets into Document.text (end exclusive)
    end: int
    text: str           # == Document.text[start:end]


@dataclass
class Document:
    id: str                       # file name relative to the corpus root, e.g. "001_x.txt"
    path: str                     # path as read
    original: str                 # decoded text, unmodified
    text: str                     # analysis text (see module doc)
    offsets: Sequence[int]        # len(text)+1 entries: analysis index -> original index (ingest: array("q"))
    encoding: str = "utf-8"
    sha256: str = ""              # of the raw bytes
    traditional: bool = False     # the original was in Traditional script
    city: str | None = None       # context city for bare 市/市委/市政府 (inferred or given)
    sentences: list[Sentence] = field(default_factory=list)

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map an analysis span [start, end) to the matching span of ``original``."""
        if not self.offsets:
            return start, end
        s = self.offsets[min(start, len(self.offsets) - 1)]
        if end <= start:
            return s, s
        e = self.offsets[min(end - 1, len(self.offsets) - 1)] + 1
        return s, e

    def sentence_at(self, pos: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= pos < s.end:
                return s
        return None


def sentence_finder(doc: Document):
    """``doc.sentence_at`` for many look-ups in one document: by bisection when the sentences
    are sorted and disjoint (the one sentence holding pos is then the first), else
    ``doc.sentence_at`` itself."""
    sents = list(doc.sentences)
    if not all(a.start <= a.end <= b.start for a, b in zip(sents, sents[1:])):
        return doc.sentence_at
    starts = [s.start for s in sents]

    def at(pos: int) -> Sentence | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0:
            s = sents[i]
            if s.start <= pos < s.end:
                return s
        return None
    return at


class SpanReach:
    """Spans ``[start, end)`` sorted by start with the farthest end so far, for overlap and
    containment tests by bisection (instead of a scan of every span per test)."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [a for a, _b in spans]
        self.reach = list(itertools.accumulate((b for _a, b in spans), max))
        self.longest_at: dict[int, int] = {}
        for a, b in spans:
            self.longest_at[a] = max(b, self.longest_at.get(a, b))

    def overlaps(self, s: int, e: int) -> bool:
        """Some span overlaps [s, e) (one starting before e ends after s); the span itself counts."""
        i = bisect.bisect_left(self.starts, e)
        return i > 0 and self.reach[i - 1] > s

    def contains(self, s: int, e: int) -> bool:
        """[s, e) lies inside some span that is not [s, e) itself."""
        i = bisect.bisect_left(self.starts, s)          # the spans starting before s
        return (i > 0 and self.reach[i - 1] >= e) or self.longest_at.get(s, -1) > e

    def crosses(self, s: int, e: int) -> bool:
        """Some span overlaps [s, e) without lying inside it: one starting before s ends after
        s, or one starting before e ends after e ([s, e) itself lies inside it)."""
        i = bisect.bisect_left(self.starts, s)
        j = bisect.bisect_left(self.starts, e)
        return (i > 0 and self.reach[i - 1] > s) or (j > 0 and self.reach[j - 1] > e)


def _pair_code(x: str) -> int:
    """The first two characters of ``x`` as one int (a code point has 21 bits), as
    :class:`Occurrences` indexes them."""
    return ord(x[0]) << 21 | ord(x[1])


class Occurrences:
    """The starts of the non-overlapping occurrences of strings in one text, left to right: what
    ``[m.start() for m in re.finditer(re.escape(x), text)]`` gives, found through an index of the
    text's two-character strings (made on the first look-up of a string of two characters or
    more) instead of a scan of the whole text per string, and kept per string.  A long text
    looked up for many names (names found in the text: their number grows with it) stays
    linear.

    (memory) The index is the text's positions sorted by the two characters at each (numpy, 4
    bytes a position) and a dict from each distinct pair (as one int) to its run of positions:
    about 28 bytes a character kept on a line of 2 MB (39 while it is built), where a dict of
    lists of positions took 81."""

    def __init__(self, text: str):
        self.text = text
        self._index: tuple[dict[int, int], Any, Any] | None = None     # see _bigrams
        self._occ: dict[str, list[int]] = {}
        self.passes = 0        # (tests) passes over the whole text: the index, and strings under two characters

    def __call__(self, x: str) -> list[int]:
        occ = self._occ.get(x)
        if occ is not None:
            return occ
        t = self.text
        occ = []
        if len(x) < 2:
            self.passes += 1
            if x:
                i = t.find(x)
                while i >= 0:
                    occ.append(i)
                    i = t.find(x, i + 1)
            else:
                occ = list(range(len(t) + 1))     # as re.finditer("", text)
        else:
            runs, bounds, order = self._bigrams()
            k = runs.get(_pair_code(x))
            if k is not None:
                free, n = 0, len(x)
                for i in order[bounds[k]:bounds[k + 1]].tolist():
                    if i >= free and t.startswith(x, i):
                        occ.append(i)
                        free = i + n
        self._occ[x] = occ
        return occ

    def _bigrams(self) -> tuple[dict[int, int], Any, Any]:
        """(pair -> k, bounds, order): the positions of the k-th distinct pair of characters
        (:func:`_pair_code`, ascending) are ``order[bounds[k]:bounds[k + 1]]``, ascending
        (a stable sort)."""
        idx = self._index
        if idx is None:
            import numpy as np      # (start-up) not on the import path of every kg command

            self.passes += 1
            # (memory) in place where it can be: one long line's text is millions of characters
            cp = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
            codes = cp[:-1].astype(np.int64)
            codes <<= 21
            codes |= cp[1:]          # codes[i] = _pair_code(text[i:i + 2])
            del cp
            order = np.argsort(codes, kind="stable")
            if len(order) < 1 << 31:
                order = order.astype(np.int32)
            codes.sort()             # = codes[order], without a second array of codes
            first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1]))) if len(codes) else codes
            runs = dict(zip(codes[first].tolist(), range(len(first))))
            idx = self._index = (runs, np.append(first, len(codes)), order)
        return idx

    def has(self, x: str) -> bool:
        """Whether ``x`` occurs in the text (``bool(self(x))``); (speed) a string of two
        characters or more whose first two the text never writes is answered by the index alone,
        without keeping an empty list for it (a gazetteer of hundreds of names per document)."""
        if len(x) >= 2 and not self.pair_written(x):
            return False
        return bool(self(x))

    def pair_written(self, x: str) -> bool:
        """Whether the text writes the first two characters of ``x`` (two or more) together."""
        return _pair_code(x) in self._bigrams()[0]


NER_SOURCE = "hanlp"      # the source of the NER model's mentions (their score: its confidence)


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Mention:
    doc_id: str
    sent_index: int
    start: int                    # analysis offsets into Document.text (end exclusive)
    end: int
    text: str
    type: str                     # an entity type (kg.schema.ENTITY_TYPES)
    subtype: str | None = None    # e.g. Organization: government/party/enterprise/other
    source: str = NER_SOURCE      # which component produced it (hanlp, lexicon, pattern...)
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        # (speed) dataclasses.asdict deep-copies: the fields are scalars, in field order
        return {"doc_id": self.doc_id, "sent_index": self.sent_index, "start": self.start,
                "end": self.end, "text": self.text, "type": self.type, "subtype": self.subtype,
                "source": self.source, "score": self.score}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Mention":
        return cls(**d)


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Evidence:
    doc_id: str
    sent_index: int
    start: int                    # analysis offsets of the supporting span (end exclusive)
    end: int
    sentence: str                 # sentence text (analysis text)
    orig_start: int | None = None  # the same span in Document.original (filled by the pipeline)
    orig_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        # (speed) dataclasses.asdict deep-copies: the fields are scalars, in field order
        return {"doc_id": self.doc_id, "sent_index": self.sent_index, "start": self.start,
                "end": self.end, "sentence": self.sentence, "orig_start": self.orig_start,
                "orig_end": self.orig_end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Evidence":
        return cls(**d)


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Arg:
    """One argument of a fact: its surface text, type and (after resolution) entity id."""

    text: str
    type: str                     # entity type, or "Document" for mentioned_in
    subtype: str | None = None
    entity_id: str | None = None  # filled by resolution
    name: str | None = None       # canonical name, filled by resolution

    def to_dict(self) -> dict[str, Any]:
        # (speed) dataclasses.asdict deep-copies: the fields are scalars, in field order
        return {"text": self.text, "type": self.type, "subtype": self.subtype,
                "entity_id": self.entity_id, "name": self.name}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Arg":
        return cls(**d)


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Fact:
    relation: str                 # a relation of kg.schema.RELATIONS
    args: dict[str, Arg]          # role (kg.schema.Relation.roles) -> argument
    evidence: Evidence
    extractor: str                # name of the rule/model that produced it
    confidence: float = 1.0

    @property
    def id(self) -> str:
        """Stable id of this fact occurrence (relation, resolved args, evidence span)."""
        parts = [self.relation]
        for role in sorted(self.args):
            a = self.args[role]
            parts.append(f"{role}={a.entity_id or a.name or a.text}")
        e = self.evidence
        parts.append(f"{e.doc_id}:{e.start}-{e.end}")
        return stable_id("Fact", "|".join(parts))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "relation": self.relation,
            "args": {k: v.to_dict() for k, v in self.args.items()},
            "evidence": self.evidence.to_dict(),
            "extractor": self.extractor,
            "confidence": round(float(self.confidence), 4),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Fact":
        return cls(
            relation=d["relation"],
            args={k: Arg.from_dict(v) for k, v in d["args"].items()},
            evidence=Evidence.from_dict(d["evidence"]),
            extractor=d["extractor"],
            confidence=d.get("confidence", 1.0),
        )


@dataclass(slots=True)   # (memory) no __dict__ per instance: a corpus holds many
class Entity:
    id: str                       # stable_id(type, canonical key)
    type: str
    name: str                     # canonical name
    aliases: set[str] = field(default_factory=set)   # other surface forms (not incl. name)
    subtype: str | None = None
    docs: set[str] = field(default_factory=set)      # documents that mention it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "aliases": sorted(self.aliases),
            "subtype": self.subtype,
            "docs": sorted(self.docs),
        }


@dataclass
class DocResult:
    """What the per-document stages (NER + relations) produce; cached per document."""

    doc_id: str
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "mentions": [m.to_dict() for m in self.mentions],
            "facts": [f.to_dict() for f in self.facts],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "DocResult":
        return cls(
            doc_id=d["doc_id"],
            mentions=[Mention.from_dict(m) for m in d["mentions"]],
            facts=[Fact.from_dict(f) for f in d["facts"]],
        )


class KgError(Exception):
    """An error kg reports to the user in one line (no traceback)."""


class InputError(KgError):
    """A file of the corpus cannot be used (unreadable, empty, binary, undecodable)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
