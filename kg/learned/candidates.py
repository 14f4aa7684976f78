"""Candidate generation and features for the learned layer.

Three kinds of candidates are read off one document (its analysis text, the rule layer's
mentions and facts), all in analysis offsets of ``Document.text``:

* **entity groups** -- the Person / Organization / Place mentions of one surface form; the
  entity model keeps or drops the whole group.  With ``entity_candidates`` also forms no mention
  has: every occurrence of a name of the gazetteer (:func:`entity_gazetteer`) and every place
  followed by a zone word of ``kg/data/candidates.tsv`` (X经开区); a kept one becomes a mention;
* **spans** -- Action and Cluster names: the rule layer's own, every quoted name, and, for each
  head word of ``kg/data/candidates.tsv`` (行动, 产业集群 ...), every start inside its clause;
  the span model scores them and keeps the best of each head occurrence;
* **pairs** -- ``leads_action`` (organisation x action) and ``in_cluster`` (enterprise or
  project x cluster) within a window, plus every pair the rules stated.

Features are plain strings (see :mod:`kg.learned.linear`); nothing here knows a label.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ..chars import is_han
from ..lexicon import Lexicon, Matcher
from ..model import NER_SOURCE, DocResult, Document, Mention, Occurrences
from .classes import WordClasses
from .context import DocContext
from .linear import FeatureRow

# characters that end a clause: a candidate name never spans one
_CLAUSE_END = set("，。；！？：、,;!?:\n()（）【】[]《》“”「」『』\"|｜/ \t")
_QUOTES = {"《": "》", "“": "”", "「": "」", "『": "』"}
_MAX_BODY = {"Action": 24, "Cluster": 14, "Member": 20}
_MAX_ITEM = 16
_MAX_LIST = 80            # the characters of a list a count of clusters closes (_counted_items)
# a quoted name inside an action's name (clause_start): “ … ”, at most this long, no sentence end
_OPEN_QUOTE = "\u201c"
_CLOSE_QUOTE = _QUOTES[_OPEN_QUOTE]
_MAX_QUOTED = 12
_QUOTE_STOP = set("。；！？\n") | {_OPEN_QUOTE, _CLOSE_QUOTE}
_CLOSE_PAREN = {")": "(", "\uff09": "\uff08"}
_MAX_QUALIFIER = 10       # the characters inside a parenthesised qualifier of a name
_LIST_SEPS = set("\u3001\uff0c,")          # 、 ， ,
_SENTENCE_END = set("\u3002\uff1b;\n\uff01\uff1f!?")
_LIST_GAP = 8
_WINDOW = {"leads_action": (160, 160), "in_cluster": (700, 120)}   # (member after, before)
ENTITY_TYPES = ("Person", "Organization", "Place")
# the relations of the pair candidates (DocCandidates.pairs) and of the pair models
PAIR_RELATIONS = ("leads_action", "in_cluster")


def _bucket(n: float) -> int:
    return int(math.log2(1 + max(0.0, n)))


_CONF_EDGES = (0.5, 0.7, 0.9, 0.95, 0.99)


def _decile(score: float | None) -> int:
    """0-9: a span model's score in tenths (9: at least .9); 10 for a span no model scored."""
    return 10 if score is None else min(9, int(score * 10))


def _count_value(x: str) -> int | None:
    """The number a count writes (3, 12, or in Han numerals up to 99), None if it is not one."""
    if x.isascii() and x.isdigit():
        return int(x)
    v = [unicodedata.numeric(c, None) for c in x]
    if None in v or len(v) > 3:
        return None
    if len(v) == 1:
        return int(v[0])
    if v[0] == 10 and len(v) == 2:
        return 10 + int(v[1])
    if v[1] == 10 and v[0] < 10 and (len(v) == 2 or v[2] < 10):
        return int(v[0] * 10 + (v[2] if len(v) == 3 else 0))
    return None


def split_items(seg: str, start: int) -> list[tuple[int, int]]:
    """The spans of the 、-separated items of ``seg`` (written at ``start``), without the
    spaces around them."""
    items, pos = [], start
    for part in seg.split("\u3001"):
        items.append((pos + len(part) - len(part.lstrip()), pos + len(part.rstrip())))
        pos += len(part) + 1
    return items


def _conf_bucket(c: float) -> int:
    """0-5: the NER confidence below .5 / .7 / .9 / .95 / .99, or at least .99."""
    return bisect.bisect_right(_CONF_EDGES, c)


@dataclass(slots=True)   # (memory) a long document makes hundreds of thousands
class Span:
    start: int
    end: int
    text: str
    type: str                 # Action, Cluster, Member (an enterprise or project of a cluster) or Project
    head: str                 # head word, "" for a quoted / rule span / list item
    group: tuple              # spans of one group compete: the best one wins
    rule: bool = False
    quoted: bool = False
    counted: int = 0          # Cluster only: an item of a list a count of clusters closes (_counted_items):
                              # 1, 2 when the count is the number of items of the reading it belongs to
    member_type: str = ""     # Member only: Project or Organization
    feats: list[str] = field(default_factory=list)
    score: float | None = None   # the span model's score, once the span is kept

    def as_mention(self, doc_id: str) -> Mention:
        sub = None if self.member_type == "Project" else "enterprise"
        return Mention(doc_id, 0, self.start, self.end, self.text, self.member_type, sub, "learned")


@dataclass
class EntityGroup:
    type: str
    text: str
    mentions: list[Mention]
    feats: list[str] = field(default_factory=list)

    @property
    def generated(self) -> bool:
        """A form no mention has: the candidate generators' (a kept one becomes a mention)."""
        return self.mentions[0].source.startswith(GENERATED)


GENERATED = "gen:"                         # source prefix of the generated entity candidates
# what an entity group's partial feature list (``group_feats(g, partial=True)``) leaves out, the
# costly families: E:T:name=v with one of these values each, the flags E:T:name, and E:T:in=TYPE
# for any type of the document's mentions (kg.learned.screen.GroupScreen bounds what they add)
PARTIAL_VALUES: dict[str, tuple[int, ...]] = {"inside_share": tuple(range(5)), "occ": tuple(range(7))}
PARTIAL_FLAGS = ("listed", "crosses")
_GAZ_TYPES = {"P": "Person", "L": "Place", "O": "Organization"}


def county_names(lex: Lexicon) -> frozenset[str]:
    """The names of ``kg/data/counties.tsv`` that no other gazetteer source has."""
    return _gazetteer(lex)[1]


def entity_gazetteer(lex: Lexicon) -> dict[str, tuple[str, ...]]:
    """``{name: entity types}``: the person, place and organisation names of the shipped NER
    model's word list (People's Daily 1998, see kg.ner_train.build_lexicon; the same list whatever
    NER model a build uses), the place names of ``kg/data/places.tsv`` and the county-level
    divisions of ``kg/data/counties.tsv``; names of 2+ characters."""
    return _gazetteer(lex)[0]


def _gazetteer(lex: Lexicon) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """(:func:`entity_gazetteer`, :func:`county_names`), made once per lexicon."""
    def make() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
        import json

        from ..ner import DEFAULT_MODEL_DIR, LEXICON_VOCAB
        vocabs = json.loads((DEFAULT_MODEL_DIR / "vocabs.json").read_text(encoding="utf-8"))
        out: dict[str, set[str]] = defaultdict(set)
        for tok in vocabs.get(LEXICON_VOCAB, {}).get("idx_to_token", []):
            typ = _GAZ_TYPES.get(tok[:1])
            if typ and len(tok) >= 3:
                out[tok[1:]].add(typ)
        for kind in ("city", "province", "name"):
            for w in lex.words("places", kind):
                if len(w) >= 2:
                    out[w].add("Place")
        county_words = [w for kind in ("county", "county_short") for w in lex.words("counties", kind)
                        if len(w) >= 2]
        counties = frozenset(w for w in county_words if w not in out)
        for w in county_words:
            out[w].add("Place")
        return {w: tuple(sorted(ts)) for w, ts in out.items()}, counties
    return lex.cached(("learned", "entity_gazetteer"), make)


@dataclass
class Pair:
    relation: str
    a_text: str               # agency / member surface form
    a_type: str               # Organization / Project
    a_subtype: str | None
    b_text: str               # action / cluster surface form
    start: int                # evidence span (analysis offsets)
    end: int
    rule: bool
    feats: list[str] = field(default_factory=list)
    a_start: int = -1         # the agency / member's own span
    a_end: int = -1


class DocCandidates:
    """Every candidate of one document, with features."""

    def __init__(self, doc: Document, result: DocResult, lex: Lexicon, *, rule_features: bool = True,
                 entity_candidates: bool = False, project_spans: bool = False,
                 classes: WordClasses | None = None, context: DocContext | None = None):
        self.doc = doc
        # the NER model's context of the spans of context.types (kg.learned.context): a dense
        # vector beside their features; None: none
        self.context = context
        # the classes of characters and bigrams: the span and pair features again with the
        # class for the text (kg.learned.classes); None: none of those features
        self.classes = classes
        self.entity_candidates = entity_candidates
        # the project member candidates are also Project span candidates (a named project,
        # whether or not a cluster is named with it: the Project span model)
        self.project_spans = project_spans
        self.name_cues: dict[str, set[str]] = defaultdict(set)     # see _name_candidates
        self._starts: list[int] | None = None
        self._cluster_heads: list[int] | None = None       # see cluster_head_after
        self._ender_at: dict[int, str] | None = None    # see _enders
        self._group_feats = None          # see entity_groups
        self.t = doc.text
        self.result = result
        self.lex = lex
        self.rule_features = rule_features
        self.line_starts = [0] + [mo.end() for mo in re.finditer("\n", self.t)]
        self.sent_starts = [s.start for s in doc.sentences]
        self.rule_pairs = {
            "leads_action": {(f.args["agency"].text, f.args["action"].text)
                             for f in result.facts if f.relation == "leads_action"},
            "in_cluster": {(f.args["member"].text, f.args["cluster"].text)
                           for f in result.facts if f.relation == "in_cluster"},
        }
        self.long_names = [m for m in result.mentions if m.type in ("Organization", "Project", "Action", "Cluster")]
        self.starting_at: dict[int, list[Mention]] = defaultdict(list)
        self.ending_at: dict[int, list[Mention]] = defaultdict(list)
        for m in result.mentions:
            self.starting_at[m.start].append(m)
            self.ending_at[m.end].append(m)
        self.fact_roles: dict[str, set[str]] = defaultdict(set)
        for f in result.facts:
            for role, a in f.args.items():
                self.fact_roles[a.text].add(f"{f.relation}:{role}")
        # (speed) occurrences(x): the starts of the non-overlapping occurrences of x in the text
        # (those of re.finditer), through an index, each name searched once per document
        self.occurrences = Occurrences(self.t)

    def release_context(self) -> None:
        """Forget the BiLSTM sentence states the context keeps (:meth:`DocContext.release`; none
        without a context)."""
        if self.context is not None:
            self.context.release()

    # ------------------------------------------------------------------ positions
    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1

    def sent_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sent_starts, pos) - 1

    def line_text(self, pos: int) -> str:
        i = self.line_of(pos)
        s = self.line_starts[i]
        e = self.line_starts[i + 1] - 1 if i + 1 < len(self.line_starts) else len(self.t)
        return self.t[s:e]

    def listed_with(self, spans: list[tuple[int, int]], s: int, e: int, strict: bool = False) -> bool:
        """Whether a span of ``spans`` (sorted) stands right before [s, e) or right after it,
        with a list separator (、 ， ,) and at most ``_LIST_GAP`` characters between and no
        sentence end; ``strict``: with nothing between but the separator, or a count and one
        character before it (7个,)."""
        t = self.t
        k = bisect.bisect_left(spans, (s, -1))
        near = []
        j = k - 1
        while j >= 0 and spans[j][0] >= s - 2 * _LIST_GAP - 16:
            if spans[j][1] <= s:
                near.append(t[spans[j][1]:s])
            j -= 1
        j = k
        while j < len(spans) and spans[j][0] <= e + _LIST_GAP:
            if spans[j][0] >= e:
                near.append(t[e:spans[j][0]])
            j += 1
        if strict:
            return any(g[-1:] in _LIST_SEPS and (len(g) == 1 or g[:-1].isdigit()
                                                 or (len(g) > 2 and g[:-2].isdigit()))
                       for g in near)
        return any(1 <= len(g) <= _LIST_GAP and any(c in _LIST_SEPS for c in g)
                   and not any(c in _SENTENCE_END for c in g) for g in near)

    def cluster_head_after(self, pos: int) -> bool:
        """Whether a cluster head word of ``kg/data/candidates.tsv`` starts in the clause after
        ``pos``, at most a cluster name's body (``_MAX_BODY``) away."""
        heads = self._cluster_head_starts()
        k = bisect.bisect_left(heads, pos)
        if k == len(heads):
            return False
        h = heads[k]
        return h - pos <= _MAX_BODY["Cluster"] and self.clause_start(h, pos) == pos

    def _cluster_head_starts(self) -> list[int]:
        """The sorted starts of the cluster head words (candidates.tsv cluster_head) in the
        text, found once per document."""
        if self._cluster_heads is None:
            heads = self.lex.words("candidates", "cluster_head")
            self._cluster_heads = sorted({mh.start() for h in heads for mh in re.finditer(re.escape(h), self.t)})
        return self._cluster_heads

    def clause_start(self, pos: int, lo: int = 0, quotes: bool = False) -> int:
        """Start of the clause around ``pos``, or ``lo`` where the clause starts before it.  A
        short parenthesised qualifier after a word (新材料(金属)产业集群, PCB(印制电路板)) is
        inside the clause; with ``quotes``, so is a short quoted name (“四下乡”暨…宣传月活动,
        整治“百日攻坚”行动: action names), from its opening quote on."""
        t = self.t
        i = pos
        while i > lo:
            c = t[i - 1]
            if quotes and c == _CLOSE_QUOTE:
                j = t.rfind(_OPEN_QUOTE, max(lo, i - 2 - _MAX_QUOTED), i - 1)
                inner = t[j + 1:i - 1] if j >= lo else ""
                if inner and not any(x in _QUOTE_STOP for x in inner):
                    i = j
                    continue
                break
            if c in _CLOSE_PAREN:
                j = t.rfind(_CLOSE_PAREN[c], max(lo, i - 2 - _MAX_QUALIFIER), i - 1)
                inner = t[j + 1:i - 1] if j > lo else ""
                # not an enumeration mark written inline ("…产业集群(2)壮大…"): a number only
                if inner and t[j - 1] not in _CLAUSE_END and not any(x in _CLAUSE_END for x in inner) \
                        and any(unicodedata.numeric(x, None) is None for x in inner):
                    i = j
                    continue
                break
            if c in _CLAUSE_END:
                break
            i -= 1
        return i

    # ------------------------------------------------------------------ entity groups
    def entity_groups(self, feats: bool = True) -> list[EntityGroup]:
        """The Person / Organization / Place groups (one per type and form), with their
        features; without ``feats`` their ``feats`` stay empty and :meth:`group_feats` makes
        them one by one (the layer scores them as it goes: a line of 10 MB has ~50 MB of them)."""
        by: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in self.result.mentions:
            if m.type in ENTITY_TYPES:
                by[(m.type, m.text)].append(m)
        texts = {typ: {x for (t2, x) in by if t2 == typ} for typ in ENTITY_TYPES}
        all_texts = {x for (_t, x) in by}
        # (speed) the proper substrings of every name, and the proper prefixes of the names of
        # each type: set look-ups instead of comparing every name with every other one
        inner: set[str] = set()
        long_texts = []
        for y in all_texts:
            if len(y) > 64:
                long_texts.append(y)
                continue
            for i in range(len(y)):
                for j in range(i + 1, len(y) + 1 - (i == 0)):
                    inner.add(y[i:j])
        prefixes = {typ: {y[:k] for y in texts[typ] for k in range(len(y))} for typ in ENTITY_TYPES}
        # the long names sorted by start; one holding [o, o + len(x)) starts in
        # [o + len(x) - longest, o]
        longs = sorted(((m.start, m.end) for m in self.long_names))
        long_starts = [a for a, _b in longs]
        longest = max((b - a for a, b in longs), default=0)
        # the mentions of each type by start, for the list-neighbour feature (before the
        # generated forms, which are no neighbours)
        typed = {typ: sorted((m.start, m.end) for m in self.result.mentions if m.type == typ)
                 for typ in ENTITY_TYPES}
        if self.entity_candidates:
            # after the sets above: the features of the mentions' groups do not depend on them
            for m in self.generated_mentions(by):
                by[(m.type, m.text)].append(m)

        def in_longer(o: int, n_x: int) -> bool:
            """Whether [o, o + n_x) lies inside a longer long name (they start in
            [o + n_x - longest, o])."""
            return any(long_starts[k] <= o and o + n_x <= longs[k][1] and longs[k][1] - long_starts[k] > n_x
                       for k in range(bisect.bisect_left(long_starts, o + n_x - longest),
                                      bisect.bisect_right(long_starts, o)))

        n = max(1, len(self.t))
        gaz = entity_gazetteer(self.lex)

        def make(g: EntityGroup, partial: bool = False) -> list[str]:
            # partial: less the families of PARTIAL_VALUES / PARTIAL_FLAGS and in=TYPE (GroupScreen)
            typ, x, ms = g.type, g.text, g.mentions
            first = ms[0]
            T = typ[:3]
            f = [f"E:{T}", f"E:{T}:len={min(len(x), 12)}", f"E:{T}:f1={x[:1]}", f"E:{T}:f2={x[:2]}",
                 f"E:{T}:e1={x[-1:]}", f"E:{T}:e2={x[-2:]}", f"E:{T}:e3={x[-3:]}",
                 f"E:{T}:n={min(len(ms), 5)}", f"E:{T}:pos={int(10 * first.start / n)}"]
            for m in ms:
                f.append(f"E:{T}:src={m.source}")
                if m.subtype:
                    f.append(f"E:{T}:sub={m.subtype}")
            # the NER model's confidence in its spans of the form, the best and the least
            confs = [m.score for m in ms if m.source == NER_SOURCE]
            if confs:
                f += [f"E:{T}:conf={_conf_bucket(max(confs))}", f"E:{T}:cmin={_conf_bucket(min(confs))}"]
            if any(c.isascii() and c.isalpha() for c in x):
                f.append(f"E:{T}:latin")
            if any(c.isdigit() for c in x):
                f.append(f"E:{T}:digit")
            l1 = self.t[first.start - 1] if first.start > 0 else "^"
            r1 = self.t[first.end] if first.end < len(self.t) else "$"
            f += [f"E:{T}:l1={l1}", f"E:{T}:r1={r1}",
                  f"E:{T}:r2={self.t[first.end:first.end + 2]}",
                  f"E:{T}:l2={self.t[max(0, first.start - 2):first.start]}"]
            line = self.line_text(first.start)
            f.append(f"E:{T}:line={_bucket(len(line))}")
            if first.start == self.line_starts[self.line_of(first.start)]:
                f.append(f"E:{T}:line_start")
            if x in inner or any(x != y and x in y for y in long_texts):
                f.append(f"E:{T}:inside_longer")
            # written only inside longer names (a place inside an organisation's name)
            n_x = len(x)
            if not partial:
                occ = self.occurrences(x)
                inside = sum(1 for o in occ if in_longer(o, n_x))
                f.append(f"E:{T}:inside_share={min(4, 4 * inside // max(1, len(occ)))}")
            # the context of the first mention outside a longer name's mention, when the first
            # one is inside one (武汉|市人民政府|办公厅 ... 经|市人民政府|同意); never_alone when
            # every mention is (occurrences no mention covers do not count)
            if in_longer(first.start, n_x):
                alone = next((m for m in ms if not in_longer(m.start, n_x)), None)
                if alone is None:
                    f.append(f"E:{T}:never_alone")
                else:
                    f += [f"E:{T}:al1={self.t[alone.start - 1] if alone.start > 0 else '^'}",
                          f"E:{T}:ar1={self.t[alone.end] if alone.end < len(self.t) else '$'}"]
            if not partial:
                f.append(f"E:{T}:occ={min(len(occ), 6)}")
            # the types the gazetteer gives the form
            f.append(f"E:{T}:gaz=" + "+".join(gaz.get(x, ("-",))))
            if ms[0].source.startswith(GENERATED):
                f += self._generated_feats(T, x, ms, window=not partial)
            if x in prefixes[typ]:
                f.append(f"E:{T}:prefix_of_same_type")
            if any(x[:k] in texts[typ] for k in range(len(x))):
                f.append(f"E:{T}:extends_same_type")
            # an item of a list of its type (十堰7个,孝感7个,咸宁12个; A、B、C)
            if not partial and any(self.listed_with(typed[typ], m.start, m.end) for m in ms):
                f.append(f"E:{T}:listed")
            # the name opens a cluster's name (袁州 of 袁州陶瓷产业集群): the gold lists such places
            if any(self.cluster_head_after(m.end) for m in ms):
                f.append(f"E:{T}:opens_cluster")
            for role in sorted(self.fact_roles.get(x, ())):
                f.append(f"E:{T}:role={role}")
            for t2 in ENTITY_TYPES:
                if t2 != typ and x in texts[t2]:
                    f.append(f"E:{T}:also={t2}")
            return f

        out = []
        for (typ, x), ms in sorted(by.items()):
            ms.sort(key=lambda m: m.start)
            out.append(EntityGroup(typ, x, ms))
        self._group_feats = make
        if feats:
            for g in out:
                g.feats = make(g)
        return out

    def group_feats(self, g: EntityGroup, partial: bool = False) -> list[str]:
        """The features of group ``g`` of the last :meth:`entity_groups` call; ``partial``: less
        those of the costly families (:data:`PARTIAL_VALUES`, :data:`PARTIAL_FLAGS`, ``in=TYPE``), for
        :class:`kg.learned.screen.GroupScreen`, which bounds what they can add."""
        if self._group_feats is None:
            raise RuntimeError("group_feats: call entity_groups first")
        return self._group_feats(g, partial)

    def generated_mentions(self, by: dict[tuple[str, str], list[Mention]]) -> list[Mention]:
        """Mentions of the forms no mention has (``by``: the mentions by type and form):

        * ``gen:gaz`` -- every occurrence of a gazetteer name (:func:`entity_gazetteer`), as each of
          its types, unless it lies inside a longer mention of that type or opens a post title
          that runs past it (代县 of 代县长); a city of places.tsv written with its mark right
          after it is the Place with the mark (河池市, 甘孜州); as a person not a
          ``not_person`` word, nor a two-character name that a Han character follows which
          cannot end a name (王永 of 王永超先生: :meth:`_name_end_cue`);
        * ``gen:zone`` -- a place (a Place mention or a gazetteer place) followed by the longest
          ``zone_suffix`` of ``kg/data/candidates.tsv``: the two together, as a Place and as an
          Organization (经开区 names either);
        * ``gen:name`` -- a surname and one or two characters before a word that can end a name
          (:meth:`_name_candidates`)."""
        t = self.t
        gaz = entity_gazetteer(self.lex)
        spans_of: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for m in self.result.mentions:
            if m.type in ENTITY_TYPES:
                spans_of[m.type].append((m.start, m.end))
        for v in spans_of.values():
            v.sort()
        reach = max((b - a for v in spans_of.values() for a, b in v), default=0)

        def inside_same_type(typ: str, s: int, e: int) -> bool:
            v = spans_of.get(typ, [])
            k = bisect.bisect_right(v, (s, len(t) + 1))
            while k > 0 and v[k - 1][0] >= s - reach:
                a, b = v[k - 1]
                if a <= s and e <= b and (a, b) != (s, e):
                    return True
                k -= 1
            return False

        found: dict[tuple[str, int, int], str] = {}
        # (speed) every occurrence of every name in one Aho-Corasick pass
        names = self.lex.cached(("learned", "entity_gazetteer_matcher"), lambda: Matcher(sorted(gaz)))
        not_person = self.lex.word_set("persons", "not_person")
        posts = self.lex.post_matcher()
        cities = self.lex.word_set("places", "city")
        marks = tuple(self.lex.words("resolve", "city_mark") + self.lex.words("resolve", "prefecture_mark"))
        # words that open with a city's mark (市场, 市民: resolve.tsv not_city_prefix)
        not_city = self.lex.matcher("resolve", "not_city_prefix")
        for i, j, x in names.find_all(t):
            # (speed) every reading of a name that is no city is some mention's already: nothing to
            # add (most of the names written, 24,214 of 40,415 at 1M PD98)
            if x not in cities and all((typ, x) in by for typ in gaz[x]):
                continue
            # a name opening a post title that runs past it is none (代县 of 代县长: acting head)
            if self.lex.title_runs_past(t, i, j):
                continue
            mark = next((mk for mk in marks if t.startswith(mk, j)), None) if x in cities else None
            if mark and posts.longest_at(t, j) is None and not not_city.longest_at(t, j):
                # a city written with its mark (来宾市把…): the place is the name with the mark
                # (not 河池|市长, 河池|市场)
                e = j + len(mark)
                if ("Place", x + mark) not in by and not inside_same_type("Place", i, e):
                    found[("Place", i, e)] = "gen:gaz"
                types = [typ for typ in gaz[x] if typ != "Place"]
            else:
                types = gaz[x]
            for typ in types:
                if (typ, x) not in by and not inside_same_type(typ, i, j):
                    # a two-character person of the word list written as the start of a
                    # three-character name (王永 of 王永超先生): a Han character follows that
                    # cannot end a name (a three-character one stands: 习近平新时代…)
                    if typ == "Person" and (x in not_person or j - i == 2 and j < len(t) and is_han(t[j])
                                            and self._name_end_cue(j) is None):
                        continue
                    found[(typ, i, j)] = "gen:gaz"
        # the zone forms are built on the places of the mentions and the gazetteer, not on
        # the county-level names, which only make Place candidates of their own
        county_only = county_names(self.lex)
        places = sorted({(a, b) for a, b in spans_of.get("Place", [])}
                        | {(i, j) for (typ, i, j) in found if typ == "Place" and t[i:j] not in county_only})
        zones = self.lex.word_tuple("candidates", "zone_suffix")      # longest first
        for a, b in places:
            suf = next((z for z in zones if t.startswith(z, b)), None) if t.startswith(zones, b) else None
            if suf is None:
                continue
            e = b + len(suf)
            for typ in ("Place", "Organization"):
                if (typ, t[a:e]) not in by and (typ, a, e) not in found:
                    found[(typ, a, e)] = "gen:zone"
        for (i, j), cue in self._name_candidates(by).items():
            found.setdefault(("Person", i, j), "gen:name")
            self.name_cues[t[i:j]].add(cue)
        return [Mention(self.doc.id, max(0, self.sent_of(i)), i, j, t[i:j], typ, None, src)
                for (typ, i, j), src in sorted(found.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))]

    def _name_candidates(self, by: dict[tuple[str, str], list[Mention]]) -> dict[tuple[int, int], str]:
        """Person names the NER model did not tag: a surname of ``persons.tsv`` and one or two
        Han characters, where what follows can end a name (a clause end, a post title, a
        reporting verb or adverb, a photo credit, a list close: 常斌副省长, 张三摄; after a title,
        also an organisation or place mention: 副主任A自治区…). The value
        is the cue: what stands before (``T`` a post title, ``P`` a preceder word, ``B`` a
        clause end or the text's start, ``X`` anything else) and what follows."""
        t, lex = self.t, self.lex
        surnames = lex.word_set("persons", "surname")
        bad_first = lex.cached(("learned", "name_bad_first"),
                               lambda: frozenset("".join(lex.words("persons", "name_bad_first"))))
        bad = lex.cached(("learned", "name_bad_char"),
                         lambda: frozenset("".join(lex.words("persons", "name_bad_char"))))
        not_person = lex.word_set("persons", "not_person")
        titles = lex.post_matcher()
        preceders = lex.matcher("persons", "preceder")
        # a name the NER model or the rules found is not cut again (何静 of 何静也表示)
        taken = bytearray(len(t) + 1)
        for m in self.result.mentions:
            if m.type == "Person":
                taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        # (speed) only the positions of a surname's first character
        first = lex.cached(("learned", "surname_first_rx"), lambda: re.compile(
            "[" + "".join(sorted({re.escape(w[0]) for w in surnames})) + "]"))
        out: dict[tuple[int, int], str] = {}
        n = len(t)
        # (speed) where a title / preceder word of up to 8 characters ends: a set made in one
        # pass, for a look-up per surname (= longest_suffix(t[max(0, i - 8):i]) is not None)
        title_ends = titles.end_positions(t, 8)
        preceder_ends = preceders.end_positions(t, 8)
        for mo in first.finditer(t, 0, n - 1):
            i = mo.start()
            sl = 1 if t[i] in surnames else 2 if t[i:i + 2] in surnames else 0
            if not sl or t[i] in bad_first or taken[i]:
                continue
            left = ("B" if i == 0 or t[i - 1] in _CLAUSE_END
                    else "T" if i in title_ends else "P" if i in preceder_ends else "X")
            for j in (i + sl + 1, i + sl + 2):
                x = t[i:j]
                if j > n or not all(map(is_han, x)):
                    break
                if not bad.isdisjoint(x[sl:]) or x in not_person or ("Person", x) in by or taken[j - 1]:
                    continue
                right = self._name_end_cue(j)
                # a title before and an organisation or place right after (副主任A自治区…厅, a
                # list of attendees without separators)
                if right is None and left == "T" and any(
                        m.type in ("Organization", "Place") for m in self.starting_at.get(j, ())):
                    right = "O"
                if right is not None:
                    out[(i, j)] = left + right
        return out

    def _name_end_cue(self, j: int) -> str | None:
        """What at ``j`` can end a person name before it: ``B`` the text's end or a clause end,
        ``T`` a post title, ``F`` / ``A`` / ``C`` / ``D`` a follower word, an adverb, a photo
        credit, a list close (persons.tsv); None when nothing there ends a name."""
        t = self.t
        if j >= len(t) or t[j] in _CLAUSE_END:
            return "B"
        return self._enders().get(j)

    def _enders(self) -> dict[int, str]:
        """(speed) For :meth:`_name_end_cue`: each position where a post title (``T``), a follower
        word, an adverb, a photo credit, a list close (``F``, ``A``, ``C``, ``D``: persons.tsv)
        starts in the text (= ``longest_at`` is not None there), with the first of these kinds
        that starts there; made once per document, each kind's starts in one pass."""
        if self._ender_at is None:
            lex = self.lex
            enders = lex.cached(("learned", "name_enders"), lambda: (
                ("T", lex.post_matcher()),
                ("F", lex.matcher("persons", "follower")), ("A", lex.matcher("persons", "adverb")),
                ("C", lex.matcher("persons", "photo_mark")), ("D", lex.matcher("persons", "list_close"))))
            at: dict[int, str] = {}
            for k, m in reversed(enders):        # the first kind last: it wins
                at.update(dict.fromkeys(m.start_positions(self.t), k))
            self._ender_at = at
        return self._ender_at

    def _generated_feats(self, T: str, x: str, ms: list[Mention], window: bool = True) -> list[str]:
        """What a generated form's group adds: its generators, and (``window``) whether an occurrence
        crosses a mention's edge or lies inside another mention."""
        f = []
        if T == "Per":
            f += [f"E:Per:cue={c}" for c in self.name_cues.get(x, ())]
        if not window:
            return sorted(set(f))
        # (speed) the mentions starting in a window, through the sorted starts, not a look-up
        # per character of the window
        starts = self.cached_starts()
        for m in ms:
            s, e = m.start, m.end
            lo = bisect.bisect_left(starts, max(0, s - 64))
            near = [o for k in starts[lo:bisect.bisect_left(starts, e)] for o in self.starting_at[k]]
            if any(o.start < s < o.end < e or s < o.start < e < o.end for o in near):
                f.append(f"E:{T}:crosses")
            inner = [o.type for o in near
                     if o.start <= s and e <= o.end and (o.start, o.end) != (s, e)]
            f += [f"E:{T}:in={typ}" for typ in sorted(set(inner))]
        return sorted(set(f))

    def cached_starts(self) -> list[int]:
        """The sorted start offsets of the rule layer's mentions (made once)."""
        if self._starts is None:
            self._starts = sorted(self.starting_at)
        return self._starts

    # ------------------------------------------------------------------ spans
    def spans(self, feats: bool = True) -> list[Span]:
        """The Action, Cluster, Member (and Project) span candidates (:meth:`iter_spans`), with their
        features; without ``feats`` their ``feats`` stay empty (:meth:`span_feats` makes them
        one by one)."""
        out = list(self.iter_spans())
        if feats:
            for sp in out:
                sp.feats = self.span_feats(sp)
        return out

    def iter_spans(self) -> Iterator[Span]:
        """The Action, Cluster and Member span candidates without their features, each project
        member followed by a Project span over the same characters (``project_spans``), made one at a
        time (the layer scores them as they come and keeps those that can be chosen: a line of
        10 MB has 833k, about 300 bytes each)."""
        t = self.t
        # (memory) (start, end, type) as one int: a set of tuples of three took ~150 bytes each
        seen: set[int] = set()
        kinds = {"Action": 0, "Cluster": 1, "Member": 2, "Project": 3}
        project_heads = tuple(self.lex.words("candidates", "project_head"))
        for s, e, typ, head, group, *flags in self._span_args():
            key = (s << 32 | e) << 2 | kinds[typ]
            if e - s < 2 or key in seen:
                continue
            x = t[s:e]
            if not x.strip():
                continue
            seen.add(key)
            sp = Span(s, e, x, typ, head, group, *flags)
            if typ == "Member":
                sp.member_type = "Project" if x.endswith(project_heads) else "Organization"
            yield sp
            if self.project_spans and sp.member_type == "Project":
                key = (s << 32 | e) << 2 | kinds["Project"]
                if key not in seen:
                    seen.add(key)
                    yield Span(s, e, x, "Project", head, ("Project",) + group)

    def _span_args(self) -> Iterator[tuple]:
        """The span candidates as ``(start, end, type, head, group[, rule, quoted])``, in order,
        repeats included (:meth:`iter_spans` drops them)."""
        t = self.t
        for m in self.result.mentions:
            if m.type in ("Action", "Cluster"):
                yield (m.start, m.end, m.type, "", ("rule", m.type, m.start, m.end), True)
        # quoted names: the name without its quotes, and with a head word right after them
        action_heads = self.lex.words("candidates", "action_head")
        cluster_heads = self.lex.words("candidates", "cluster_head")
        for op, cl in _QUOTES.items():
            for mq in re.finditer(re.escape(op) + "([^" + re.escape(op + cl) + "\n]{2,40})" + re.escape(cl), t):
                s, e = mq.start(1), mq.end(1)
                yield (s, e, "Action", "", ("quote", s), False, True)
                # “X”行动, “X”专项行动 -> the name runs over the closing quote and its head words
                k = mq.end()
                while True:
                    h = next((h for h in action_heads if t.startswith(h, k)), None)
                    if h is None:
                        break
                    k += len(h)
                    yield (mq.start(), k, "Action", h, ("quote", s), False, True)
        # a date (1998年, 十二月) ends no action name, though 年 / 月 end some (质量提升年, 安全生产月)
        dates = self.lex.word_set("grammar", "date_unit")
        digits = self.lex.word_set("grammar", "digit")
        for typ, heads in (("Action", action_heads), ("Cluster", cluster_heads)):
            for h in heads:
                after_digit_skip = typ == "Action" and h in dates
                for mh in re.finditer(re.escape(h), t):
                    if after_digit_skip and mh.start() > 0 and t[mh.start() - 1] in digits:
                        continue
                    e = mh.end()
                    # a longer head ends here too (产业集群 vs 集群): one group per end
                    lo = self.clause_start(mh.start(), max(0, mh.start() - _MAX_BODY[typ]), quotes=typ == "Action")
                    for s in range(lo, mh.start() + (1 if typ == "Cluster" and len(h) >= 3 else 0)):
                        yield (s, e, typ, h, (typ, e))
        # (after the head-word spans: an item ending in a cluster word is their candidate, unmarked;
        # before them, it left its head word's group and train cross-fitted in_cluster fell 67 -> 57)
        yield from self._counted_items()
        yield from self._member_spans()

    def _counted_items(self) -> Iterator[tuple]:
        """Cluster names written as the items of a list that a count of clusters closes
        (A、B、C三大产业集群, “A、B和C”三个百亿产业集群, “A”、“B”两大产业: candidates.tsv
        ``cluster_count_rx``), as the arguments of a span: one group per item end, the first item
        with every start (where the list opens is not known), the last one also split at a
        one-character ``list_end`` word (A、B和C, but also a name of its own, X及Y设备), its two
        halves another reading of the list (the second half shares the whole item's group).
        ``counted`` is 2 where the count is the number of items of the candidate's reading.  A
        list runs back to a clause mark or the previous count; one longer than ``_MAX_LIST``
        loses its first, partial item and is not compared with its count.  An item a head-word
        span already proposes (X产业) stays that span, unmarked (:meth:`iter_spans` keeps the first
        span of each extent)."""
        t = self.t
        ends = {w for w in self.lex.words("candidates", "list_end") if len(w) == 1}
        quotes = (_OPEN_QUOTE, _CLOSE_QUOTE)

        def in_list(k: int) -> bool:
            c = t[k]
            if c == "\u3001" or c not in _CLAUSE_END:
                return True
            # a quoted item: the quote's outer side is a list mark (“A”、“B”和“C”)
            if c in quotes:
                j = k - 1 if c == _OPEN_QUOTE else k + 1
                return 0 <= j < len(t) and (t[j] == "\u3001" or t[j] in ends)
            return False

        def bare(s: int, e: int) -> tuple[int, int]:
            while s < e and t[s] in quotes:
                s += 1
            while e > s and t[e - 1] in quotes:
                e -= 1
            return s, e

        for rx in self.lex.patterns("candidates", "cluster_count_rx"):
            prev = 0
            for m in rx.finditer(t):
                n = 2 if m.group(2) else _count_value(m.group(1))
                b = a = m.start()
                lo, prev = max(prev, b - _MAX_LIST), m.end()
                while a > lo and in_list(a - 1):
                    a -= 1
                items = [bare(s, e) for s, e in split_items(t[a:b], a)]
                if a == lo == b - _MAX_LIST and a > 0 and in_list(a - 1):
                    items, n = items[1:], None       # cut inside its first item
                if not items:
                    continue
                (s0, e0), (sl, el) = items[0], items[-1]
                join = next((k for k in range(sl + 2, el - 2) if t[k] in ends), None)
                k = len(items)
                if k < 2 and join is None:
                    continue
                whole, split = n == k, n == k + 1 and join is not None
                group = ("counted", m.start())
                if k >= 2:
                    for st in range(max(s0, e0 - _MAX_ITEM), e0 - 1):
                        yield (st, e0, "Cluster", "", group + (e0,), False, False, 1 + (whole or split))
                    for s, e in items[1:-1]:
                        if 2 <= e - s <= _MAX_ITEM:
                            yield (s, e, "Cluster", "", group + (e,), False, False, 1 + (whole or split))
                    if 2 <= el - sl <= _MAX_ITEM and not any(t[i] in quotes for i in range(sl, el)):
                        yield (sl, el, "Cluster", "", group + (el,), False, False, 1 + whole)
                if join is not None:
                    # A和B closing the list: A (every start when it is the list's only item) and B
                    s1, e1 = bare(sl, join)
                    s2, e2 = bare(join + 1, el)
                    for st in range(max(s1, e1 - _MAX_ITEM), e1 - 1) if k < 2 else (s1,):
                        if 2 <= e1 - st <= _MAX_ITEM:
                            yield (st, e1, "Cluster", "", group + (e1,), False, False, 1 + split)
                    if 2 <= e2 - s2 <= _MAX_ITEM:
                        yield (s2, e2, "Cluster", "", group + (el,), False, False, 1 + split)

    def span_feats(self, sp: Span) -> list[str]:
        """The features of span candidate ``sp`` (of :meth:`spans`); for a type of the context's,
        a :class:`~kg.learned.linear.FeatureRow` with the span's context vector."""
        f = self._span_feats(sp, self._cluster_head_starts())
        if self.context is not None and sp.type in self.context.types:
            return FeatureRow(f, self.context.vector(sp.start, sp.end))
        return f

    def _member_spans(self) -> Iterator[tuple]:
        """Enterprise / project candidates: names ending in a member head word (every start in
        the clause), and the items of 、-lists (the first item: every start; the last: cut at a
        list-end word, else every end), as the arguments of a span: (start, end, type, head, group)."""
        t = self.t
        heads = self.lex.words("candidates", "project_head") + self.lex.words("candidates", "enterprise_head")
        for h in heads:
            for mh in re.finditer(re.escape(h), t):
                e = mh.end()
                lo = self.clause_start(mh.start(), max(0, mh.start() - _MAX_BODY["Member"]))
                for st in range(lo, mh.start()):
                    yield (st, e, "Member", h, ("Member", e))
        ends = self.lex.words("candidates", "list_end")
        seps = [k for k, c in enumerate(t) if c == "、"]
        sepset = set(seps)
        for k in seps:
            # the item before k
            i = k
            while i > 0 and t[i - 1] not in _CLAUSE_END and k - i < _MAX_ITEM:
                i -= 1
            first = i == 0 or t[i - 1] != "、"
            if first:
                for st in range(i, k - 1):
                    yield (st, k, "Member", "", ("item", k))
            else:
                yield (i, k, "Member", "", ("item", k))
            # the item after k, when it is the last one
            j = k + 1
            while j < len(t) and t[j] not in _CLAUSE_END and j - k <= _MAX_ITEM:
                j += 1
            if j < len(t) and t[j] in sepset:
                continue
            seg = t[k + 1:j]
            cut = min((seg.find(w) for w in ends if seg.find(w) >= 2), default=-1)
            if cut >= 2:
                yield (k + 1, k + 1 + cut, "Member", "", ("item", k + 1))
            else:
                for en in range(k + 3, j + 1):
                    yield (k + 1, en, "Member", "", ("item", k + 1))

    def _span_feats(self, sp: Span, cluster_pos: list[int]) -> list[str]:
        t = self.t
        K = sp.type[:3]
        x = sp.text
        body = x[: len(x) - len(sp.head)] if sp.head and x.endswith(sp.head) else x
        l1 = t[sp.start - 1] if sp.start > 0 else "^"
        l2 = t[max(0, sp.start - 2):sp.start]
        r1 = t[sp.end] if sp.end < len(t) else "$"
        r2 = t[sp.end:sp.end + 2]
        f = [f"S:{K}", f"S:{K}:len={min(len(x), 30) // 2}", f"S:{K}:f1={x[:1]}", f"S:{K}:f2={x[:2]}",
             f"S:{K}:l1={l1}", f"S:{K}:l2={l2}", f"S:{K}:r1={r1}", f"S:{K}:r2={r2}",
             f"S:{K}:head={sp.head}", f"S:{K}:b1={body[-1:]}", f"S:{K}:b2={body[-2:]}",
             f"S:{K}:blen={min(len(body), 20) // 2}", f"S:{K}:l1r1={l1}|{r1}"]
        if sp.rule and self.rule_features:
            f.append(f"S:{K}:rule")
        if sp.quoted:
            f.append(f"S:{K}:quoted")
        if sp.counted:
            f.append(f"S:{K}:counted={sp.counted}")
        if l1 in _CLAUSE_END or sp.start == 0:
            f.append(f"S:{K}:clause_start")
        if any(c.isdigit() for c in x):
            f.append(f"S:{K}:digit")
        for c in set(body):
            f.append(f"S:{K}:c={c}")
        bigrams = [body[i:i + 2] for i in range(len(body) - 1)]
        f += [f"S:{K}:bg={bg}" for bg in bigrams]
        if self.classes is not None:
            ck, bk = self.classes.of_char, self.classes.of_bigram
            f += [f"S:{K}:l1k={ck(l1)}", f"S:{K}:l2k={bk(l2)}", f"S:{K}:r1k={ck(r1)}",
                  f"S:{K}:r2k={bk(r2)}", f"S:{K}:f2k={bk(x[:2])}", f"S:{K}:b2k={bk(body[-2:])}"]
            f += [f"S:{K}:bgk={k}" for k in {bk(bg) for bg in bigrams}]
        if sp.type == "Member":
            f.append(f"S:{K}:mtype={sp.member_type}")
        if sp.type in ("Member", "Project"):
            j = bisect.bisect_left(cluster_pos, sp.start - 300)
            if j < len(cluster_pos) and cluster_pos[j] <= sp.end + 100:
                f.append(f"S:{K}:near_cluster")
        for m in self.starting_at.get(sp.start, ()):
            if m.type in ("Organization", "Project") and m.end == sp.end:
                f.append(f"S:{K}:is={m.type}")
            if m.type in ("Place", "Organization") and m.end < sp.end:
                f.append(f"S:{K}:starts_with={m.type}")
        for m in self.ending_at.get(sp.start, ()):
            if m.type in ("Place", "Organization"):
                f.append(f"S:{K}:after={m.type}")
        return f

    # ------------------------------------------------------------------ pairs
    def pairs(self, actions: list[Span], clusters: list[Span], members: list[Span] = (),
              relations: tuple[str, ...] = PAIR_RELATIONS) -> list[Pair]:
        """Pair candidates of ``relations`` (both by default), with features; for a relation of the
        context's, a :class:`~kg.learned.linear.FeatureRow` with both arguments' context vectors."""
        t = self.t
        orgs = [m for m in self.result.mentions if m.type == "Organization"]
        names = orgs + [m for m in self.result.mentions if m.type == "Project"]
        # the member spans come after the names: A[i] is the span members[i - len(names)], whose
        # own score is a pair's feature (below)
        member_spans = list(members)
        members = names + [sp.as_mention(self.doc.id) for sp in member_spans]
        title_end = self.line_starts[1] if len(self.line_starts) > 1 else len(t)
        out: list[Pair] = []
        # (speed) the context vector of each argument made once for all its pairs (a member is
        # paired with every cluster near it)
        vectors: dict[tuple[int, int], np.ndarray] = {}

        def vector(s: int, e: int) -> np.ndarray:
            v = vectors.get((s, e))
            if v is None:
                v = vectors[(s, e)] = self.context.vector(s, e)
            return v

        for relation, A, B in (("leads_action", orgs, actions), ("in_cluster", members, clusters)):
            if relation not in relations:
                continue
            after, before = _WINDOW[relation]
            best: dict[tuple[str, str], tuple[int, Mention, Span, int]] = {}      # (d, a, b, a's index)
            # (speed) only the a that can pair with b are visited, in A's order: those starting
            # in the window around b, those in the title (leads_action), and those the rules
            # paired with b's name; the others fail the test below
            by_start = sorted(range(len(A)), key=lambda i: A[i].start)
            starts = [A[i].start for i in by_start]
            longest = max((a.end - a.start for a in A), default=0)
            always = [i for i, a in enumerate(A) if a.start < title_end] if relation == "leads_action" else []
            by_text: dict[str, list[int]] = defaultdict(list)
            for i, a in enumerate(A):
                by_text[a.text].append(i)
            ruled_with: dict[str, list[str]] = defaultdict(list)
            for at, bt in sorted(self.rule_pairs[relation]):
                ruled_with[bt].append(at)
            for b in B:
                if len(always) == len(A):        # the whole text is the title: every a
                    near = always
                else:
                    seen = set(by_start[bisect.bisect_left(starts, b.start - before - longest):
                                        bisect.bisect_right(starts, b.end + after)])
                    seen.update(always)
                    for at in ruled_with.get(b.text, ()):
                        seen.update(by_text.get(at, ()))
                    near = sorted(seen)
                for i in near:
                    a = A[i]
                    if a.start < b.end and b.start < a.end:
                        continue      # overlapping: one is inside the other
                    d = a.start - b.end if a.start >= b.end else b.start - a.end
                    ok = (a.start >= b.end and d <= after) or (a.start < b.start and d <= before)
                    key = (a.text, b.text)
                    if relation == "leads_action" and a.start < title_end:
                        ok = True
                    if key in self.rule_pairs[relation]:
                        ok = True
                    if not ok:
                        continue
                    if key not in best or d < best[key][0]:
                        best[key] = (d, a, b, i)
            cand_b = sorted(B, key=lambda s: s.start)
            b_starts = [s.start for s in cand_b]
            for (at, bt), (d, a, b, i) in sorted(best.items(), key=lambda kv: (kv[1][1].start, kv[1][2].start)):
                p = Pair(relation, at, "Project" if a.type == "Project" else "Organization", a.subtype,
                         bt, min(a.start, b.start), max(a.end, b.end),
                         (at, bt) in self.rule_pairs[relation], a_start=a.start, a_end=a.end)
                span = member_spans[i - len(names)] if relation == "in_cluster" and i >= len(names) else None
                p.feats = self._pair_feats(p, a, b, d, cand_b, b_starts, title_end, span)
                if self.context is not None and relation in self.context.types:
                    p.feats = FeatureRow(p.feats, np.concatenate([vector(a.start, a.end), vector(b.start, b.end)]))
                out.append(p)
        return out

    def _pair_feats(self, p: Pair, a: Mention, b: Span, d: int, cand_b: list[Span],
                    b_starts: list[int], title_end: int, a_span: Span | None = None) -> list[str]:
        """The features of pair ``p`` of ``a`` and ``b``; ``a_span``: the member span ``a`` was
        made of (None when ``a`` is a name), whose Member model score is a feature."""
        t = self.t
        R = "L" if p.relation == "leads_action" else "C"
        a_first = a.start < b.start
        f = [f"R:{R}", f"R:{R}:dist={_bucket(d)}", f"R:{R}:a_first={a_first}",
             f"R:{R}:bscore={_decile(b.score)}",
             f"R:{R}:atype={p.a_type}", f"R:{R}:asub={p.a_subtype}", f"R:{R}:asrc={a.source}",
             f"R:{R}:a_e1={a.text[-1:]}", f"R:{R}:a_e2={a.text[-2:]}", f"R:{R}:bhead={b.head}",
             f"R:{R}:alen={min(len(a.text), 16) // 2}", f"R:{R}:bq={b.quoted}"]
        if a_span is not None:         # a member span: how sure its own model is
            f.append(f"R:{R}:ascore={_decile(a_span.score)}")
        if p.rule and self.rule_features:
            f.append(f"R:{R}:rule")
        if b.rule and self.rule_features:
            f.append(f"R:{R}:brule")
        same_sent = self.sent_of(a.start) == self.sent_of(b.start)
        same_line = self.line_of(a.start) == self.line_of(b.start)
        f += [f"R:{R}:sent={same_sent}", f"R:{R}:line={same_line}",
              f"R:{R}:sent_dist={_bucket(d)}|{same_sent}"]
        if a.start < title_end:
            f.append(f"R:{R}:a_in_title")
        lo, hi = (a.end, b.start) if a_first else (b.end, a.start)
        between = t[lo:hi]
        if len(between) <= 24:
            f.append(f"R:{R}:blen={len(between)}")
            bigrams = [between[i:i + 2] for i in range(len(between) - 1)]
            f += [f"R:{R}:bg={bg}" for bg in bigrams]
            for c in set(between):
                f.append(f"R:{R}:bc={c}")
            if self.classes is not None:
                f += [f"R:{R}:bgk={k}" for k in {self.classes.of_bigram(bg) for bg in bigrams}]
        else:
            f.append(f"R:{R}:far")
        # other candidates of b's type between the two
        k = bisect.bisect_left(b_starts, lo) - bisect.bisect_left(b_starts, hi)
        f.append(f"R:{R}:others_between={min(-k, 4)}")
        # is b the nearest candidate before a (a cluster heading its members)?
        j = bisect.bisect_right(b_starts, a.start) - 1
        if j >= 0 and cand_b[j].text == b.text:
            f.append(f"R:{R}:nearest_before")
        ctx_l = t[max(0, a.start - 1):a.start]
        ctx_r = t[a.end:a.end + 1]
        al2, ar2 = t[max(0, a.start - 2):a.start], t[a.end:a.end + 2]
        bl2, br2 = t[max(0, b.start - 2):b.start], t[b.end:b.end + 2]
        f += [f"R:{R}:al1={ctx_l}", f"R:{R}:ar1={ctx_r}", f"R:{R}:al2={al2}", f"R:{R}:ar2={ar2}",
              f"R:{R}:bl2={bl2}", f"R:{R}:br2={br2}", f"R:{R}:b_e2={b.text[-2:]}"]
        if self.classes is not None:
            bk = self.classes.of_bigram
            f += [f"R:{R}:al2k={bk(al2)}", f"R:{R}:ar2k={bk(ar2)}", f"R:{R}:bl2k={bk(bl2)}",
                  f"R:{R}:br2k={bk(br2)}", f"R:{R}:b_e2k={bk(b.text[-2:])}", f"R:{R}:a_e2k={bk(a.text[-2:])}"]
        # the same words around the other occurrences of the agency / member in the document
        n_a = len(a.text)
        for o in self.occurrences(a.text):
            if o != a.start:
                f.append(f"R:{R}:oar2={t[o + n_a:o + n_a + 2]}")
                f.append(f"R:{R}:oal2={t[max(0, o - 2):o]}")
        if a_first and d <= 40:
            f.append(f"R:{R}:a_then_b_close")
        if not a_first and d <= 40:
            f.append(f"R:{R}:b_then_a_close")
        if ctx_l == "、" or ctx_r == "、":
            f.append(f"R:{R}:a_listed")
        sent = self.doc.sentences[self.sent_of(b.start)].text if self.doc.sentences else ""
        for cue in self.lex.words("action_patterns", "lead_cue"):
            if cue in sent:
                f.append(f"R:{R}:cue_in_sent")
                if cue in between:
                    f.append(f"R:{R}:cue_between")
                break
        line = self.line_text(b.start)
        if len(line) <= len(b.text) + 8:
            f.append(f"R:{R}:b_heading")
        return f
