"""holds_post candidates of the learned layer: (person, post, organisation) triples.

The rules' post chains (kg/relations/posts.py, people.py) state most posts; this generator
proposes the triples around every post title of ``kg/data/posts.tsv`` in its clause (a clause
ends at ，。；：! ? or a line end; 、 and spaces stay inside, so a chain "A、B" is one clause):

* **persons** -- the first Person mention after the title in the clause ("市长X"), the one
  ending right before it ("X副市长"), and, where no mention is there, a 2- or 3-character name
  starting with a common surname (persons.tsv ``surname``) right after or right before the title;
* **organisations** -- the Organization mention ending at the title (or at the person written
  between organisation and title, "省政府X副省长", or before the owner word, "X的Y"), the
  nearest one earlier in the clause, the title's implied organisation and its place template
  (posts.tsv), and the organisations the rules gave the same person.

Triples the rules already state are not candidates (the layer keeps the rules' facts); the model
decides which of the others to add.  Features are plain strings; nothing here knows a label.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..chars import is_han as _is_han
from ..lexicon import Lexicon, alternation_body
from ..model import DocResult, Document
from ..evaluate import normalize
from .candidates import _bucket

_CLAUSE_END = set("，。；！？：,;!?:\n（）()【】[]《》“”「」")
_SPACE = " \u3000\u00a0\t"
_MAX_AFTER = 24          # the person after the title: at most this far (chars) into the clause


@dataclass
class PostTriple:
    person: str
    post: str
    org: str
    start: int               # evidence span (analysis offsets)
    end: int
    person_span: tuple[int, int]
    generated: bool          # the person is a generated name, not a Person mention
    feats: list[str] = field(default_factory=list)
    resolved: str = ""       # the organisation's canonical name (org_namer)
    title_span: tuple[int, int] = (0, 0)
    side: str = ""           # the person is written "after" or "before" the title

    @property
    def key(self) -> tuple[str, str, str]:
        return (normalize(self.person), normalize(self.post), normalize(self.org))


def _posts_rx(lex: Lexicon) -> re.Pattern[str]:
    return lex.cached("learned.holds_posts_rx", lambda: re.compile(
        alternation_body(sorted(lex.posts, key=lambda x: -len(x)))))


def org_namer(doc: Document, result: DocResult, lex: Lexicon):
    """The canonical name resolution gives an organisation written in ``doc`` (its context
    city, county and province: kg.resolve), as a function of the surface form."""
    from ..resolve import _contexts, context_cities
    cities = context_cities([doc], [result], lex)
    canon = _contexts({doc.id: doc}, [result], lex, cities, {})[doc.id]
    cache: dict[str, str] = {}

    def name(org: str) -> str:
        if org not in cache:
            cache[org] = normalize(canon.org(org)[0])
        return cache[org]
    return name


class HoldsCandidates:
    """The holds_post triples of one document around its post titles, with features."""

    def __init__(self, doc: Document, result: DocResult, lex: Lexicon, *, rule_features: bool = True):
        self.t = doc.text
        self.org_name = org_namer(doc, result, lex)
        self.lex = lex
        self.rule_features = rule_features
        self.surnames = lex.cached("learned.holds_surnames",
                                   lambda: frozenset(lex.words("persons", "surname")))
        self.owner_de = lex.word_tuple("persons", "owner_de", longest_first=False)
        self.persons = sorted({(m.start, m.end) for m in result.mentions if m.type == "Person"})
        self.person_starts = [s for s, _e in self.persons]
        self.person_by_end = {e: (s, e) for s, e in self.persons}
        self.person_names = {m.text for m in result.mentions if m.type == "Person"}
        self.orgs_by_end: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        self.org_ends: list[int] = []
        for m in result.mentions:
            if m.type == "Organization":
                self.orgs_by_end[m.end].append((m.start, m.end, m.text))
        self.org_ends = sorted(self.orgs_by_end)
        self.places_by_end = {m.end: m.text for m in result.mentions if m.type == "Place"}
        self.rule_keys: set[tuple[str, str, str]] = set()
        self.rule_pp: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.rule_orgs_of: dict[str, set[str]] = defaultdict(set)
        self.rule_persons: set[str] = set()
        for f in result.facts:
            if f.relation != "holds_post":
                continue
            p, po, o = f.args["person"].text, f.args["post"].text, f.args["org"].text
            self.rule_keys.add((normalize(p), normalize(po), normalize(o)))
            self.rule_pp[(p, po)].add(o)
            self.rule_orgs_of[p].add(o)
            self.rule_persons.add(p)

    # ------------------------------------------------------------------ positions
    def _clause(self, s: int, e: int) -> tuple[int, int]:
        t = self.t
        cs = s
        while cs > 0 and t[cs - 1] not in _CLAUSE_END:
            cs -= 1
        ce = e
        while ce < len(t) and t[ce] not in _CLAUSE_END:
            ce += 1
        return cs, ce

    def _surname_names(self, pos: int, after: bool) -> list[tuple[int, int]]:
        """2- and 3-character names starting with a surname right after / right before ``pos``."""
        t = self.t
        out = []
        for k in (2, 3):
            s, e = (pos, pos + k) if after else (pos - k, pos)
            if s < 0 or e > len(t) or not all(_is_han(c) for c in t[s:e]):
                continue
            if t[s] in self.surnames or t[s:s + 2] in self.surnames:
                out.append((s, e))
        return out

    # ------------------------------------------------------------------ candidates
    def triples(self) -> list[PostTriple]:
        t = self.t
        out: list[PostTriple] = []
        seen: set[tuple] = set()
        for m in _posts_rx(self.lex).finditer(t):
            ts, te = m.span()
            title = m.group(0)
            info = self.lex.posts[title]
            cs, ce = self._clause(ts, te)
            # persons: (span, side, generated)
            people: list[tuple[tuple[int, int], str, bool]] = []
            p = te
            while p < ce and t[p] in _SPACE:
                p += 1
            i = bisect.bisect_left(self.person_starts, te)
            if i < len(self.persons) and self.persons[i][0] < min(ce, te + _MAX_AFTER):
                people.append((self.persons[i], "after", False))
            # (also where a mention starts there: the model's name may swallow a verb, "X说")
            people += [(sp, "after", True) for sp in self._surname_names(p, True)
                       if not any(sp == sp0 for sp0, _s, _g in people)]
            q = ts
            while q > cs and t[q - 1] in _SPACE:
                q -= 1
            if q in self.person_by_end:
                people.append((self.person_by_end[q], "before", False))
            else:
                people += [(sp, "before", True) for sp in self._surname_names(q, False) if sp[0] >= cs]
            if not people:
                continue
            for (ps, pe), side, gen in people:
                name = t[ps:pe]
                if name in self.lex.posts or self.lex.post_suffix(name):
                    continue
                for org, srcs in self._orgs(ts, cs, ps if side == "before" else None, name, info).items():
                    tr = PostTriple(name, title, org, min(ts, ps), max(te, pe), (ps, pe), gen,
                                    title_span=(ts, te), side=side)
                    key = (tr.key, ps, ts)
                    if tr.key in self.rule_keys or key in seen:
                        continue
                    seen.add(key)
                    tr.feats = self._feats(tr, side, srcs, ts, te, cs, ce, info)
                    out.append(tr)
        return out

    def _orgs(self, ts: int, cs: int, person_start: int | None, name: str, info) -> dict[str, list[str]]:
        t = self.t
        orgs: dict[str, list[str]] = defaultdict(list)
        # written right before the title, before the owner word (X的Y), or before the person
        # written between organisation and title (X政府Y副省长)
        ends = [(ts, "adj")]
        if ts > 0 and t[ts - 1:ts] in self.owner_de:
            ends.append((ts - 1, "de"))
        if person_start is not None:
            ends.append((person_start, "adj_person"))
        for e, src in ends:
            for s, _e, txt in self.orgs_by_end.get(e, []):
                if s >= cs:
                    orgs[txt].append(src)
            if e in self.places_by_end and info.place_org:
                orgs[info.place_org.replace("{place}", self.places_by_end[e])].append("place_" + src)
        # the nearest organisation earlier in the clause
        j = bisect.bisect_right(self.org_ends, ts) - 1
        while j >= 0 and self.org_ends[j] > cs:
            cand = [x for x in self.orgs_by_end[self.org_ends[j]] if x[0] >= cs]
            if cand:
                orgs[max(cand, key=lambda x: x[1] - x[0])[2]].append("clause")
                break
            j -= 1
        if info.implied_org:
            orgs[info.implied_org].append("implied")
        for o in self.rule_orgs_of.get(name, ()):
            orgs[o].append("rule_person")
        return orgs

    def _feats(self, tr: PostTriple, side: str, srcs: list[str], ts: int, te: int, cs: int, ce: int,
               info) -> list[str]:
        t = self.t
        ps, pe = tr.person_span
        f = ["bias", f"T:{tr.post}", f"Tk:{info.kind}", f"Te:{tr.post[-1]}", f"side:{side}",
             f"P:{'gen' if tr.generated else 'men'}{pe - ps}", f"side-P:{side}:{tr.generated}"]
        if info.implied_org:
            f.append("T:implied")
        gap = t[te:ps] if side == "after" else t[pe:ts]
        f.append(f"gaplen:{_bucket(len(gap))}")
        if len(gap) <= 4:
            f.append(f"gap:{gap}")
        if side == "after" and self.lex.post_suffix(gap.rstrip(_SPACE) or "-"):
            f.append("gap:title")
        f.append(f"nx:{t[pe:pe + 1]}")
        f.append(f"nx2:{t[pe:pe + 2]}")
        f.append(f"pv:{t[ps - 1:ps] if ps else '^'}")
        f.append(f"tb:{t[ts - 1:ts] if ts else '^'}")
        f.append(f"ta:{t[te:te + 1]}")
        if tr.person in self.person_names:
            f.append("P:named")
        if tr.generated and self.t.count(tr.person) > 1:
            f.append("P:repeated")
        for s in sorted(set(srcs)):
            f += [f"O:{s}", f"O:{s}:{side}"]
        f.append(f"Oe:{tr.org[-1:]}")
        f.append(f"Oe2:{tr.org[-2:]}")
        f.append(f"TO:{tr.post[-1]}:{tr.org[-1:]}")
        f.append(f"Olen:{_bucket(len(tr.org))}")
        # what resolution makes of it: a bare 县人民政府 it cannot complete stays a miss
        res = self.org_name(tr.org)
        tr.resolved = res
        f.append(f"Ores:{'same' if res == normalize(tr.org) else 'named'}:{tr.org[:1]}")
        f.append(f"clause:{_bucket(ce - cs)}")
        if self.rule_features:
            if tr.person in self.rule_persons:
                f.append("R:person")
                if (tr.person, tr.post) in self.rule_pp:
                    f.append("R:person_post")
            else:
                f.append("R:none")
        return f


__all__ = ["HoldsCandidates", "PostTriple"]
