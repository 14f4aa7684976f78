"""Cluster names (stage ``clusters_grammar``) and the patterns the cluster stages share.
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation
from .base import _HAN, _is_han
from .places import _is_place
from .registry import stage
from .state import DocState


# the most characters of a name before its suffix (before a bracketed qualifier, when it has one),
# and between a qualifier and the suffix
_NAME_CHARS = 24
_AFTER_QUALIFIER = 12


class _Words(LexiconWords):
    """The words and regular expressions of clusters.tsv the cluster-name readers use (and the
    patterns the cluster stages share: the project-list tail, the next enumeration item), built
    once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str, file: str = "clusters") -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("clusters", kind)

        # the end of a project list clause, unanchored (cluster_members anchors it)
        self.project_list_tail_body = rx("project_list_tail_rx").pattern
        self.enum_next = rx("enum_next_rx")
        self.count = rx("count_rx")
        self.umbrella = w("umbrella_classifier")[0]
        # after a cluster suffix: no 游 / 化 within one character (产业链上下游, 集群化)
        self.not_before = f"(?![{_HAN}]{{0,1}}{alternation(w('suffix_not_before'))})"
        self.bare_core = w("bare_core")
        self.bare_place_mark = w("bare_place_mark")
        self.chain_suffix = w("chain_suffix")[0]
        self.chain_not_start = w("chain_not_start")
        self.start_cut = w("start_cut")
        self.terms = lex.word_tuple("industry_terms", "term")
        self.chain_not_char = w("chain_not_char")
        self.chain_not_before = rx("chain_not_before_rx")
        self.anaphor_infix = alternation(w("anaphor_infix"))
        self.close = w("list_close", "project_patterns")[0]
        # (speed) compiled once per lexicon, the suffixes longest first as lex.words gives them
        self.suffixes = lex.word_tuple("clusters", "suffix")
        suf = alternation(self.suffixes)
        unit = f"[{_HAN}A-Za-z0-9“”]"
        self.name_rx = re.compile(f"{unit}{{1,{_NAME_CHARS}}}?{suf}" + self.not_before)
        # a name may hold one bracketed qualifier after its first characters: the characters
        # before it, and after it those up to the suffix (sought from each qualifier only)
        self.qualifier = rx("qualifier_rx")
        self.before_qualifier = re.compile(f"{unit}{{1,{_NAME_CHARS}}}\\Z")
        self.after_qualifier = re.compile(f"{unit}{{0,{_AFTER_QUALIFIER}}}?{suf}" + self.not_before)
        gen = alternation(sorted(lex.word_set("clusters", "chain_generic"), key=lambda x: (-len(x), x)))
        self.listed_rx = re.compile(f"([{_HAN}、]{{2,40}}){re.escape(self.close)}{gen}?{suf}")
        anaphors = lex.words("clusters", "anaphor")
        # (with a bracketed qualifier too: 这个(光学)产业集群 refers back as 这个产业集群 does)
        self.anaphor_rx = re.compile(alternation(anaphors) + f"(?:{self.qualifier.pattern})?{self.anaphor_infix}?{suf}"
                                     + self.not_before) if anaphors else None


def _enum_next(lex) -> re.Pattern[str]:
    """The next item of an enumeration after a clause end ("。二是", "；其三，", "。第四，")."""
    return _Words.of(lex).enum_next


@stage(requires=("text", "places"),
       assigns=("clusters",))
def clusters_grammar(st: DocState) -> None:
    t = st.text
    cuts = st.lex.words("clusters", "cut")
    generic = st.lex.word_set("clusters", "chain_generic")
    cw = _Words.of(st.lex)
    sufs = cw.suffixes
    qualified: list[tuple[int, int]] = []       # the names that hold their qualifier
    for s, e, q in _name_candidates(t, cw):
        if q and _is_place(st, t[q[0] + 1:q[1] - 1]):
            continue        # a bracketed place (X(高新区)光学产业集群) qualifies no name: the one after it stands
        # the name starts after the last cut word (none inside a bracketed qualifier q)
        seg = t[s:e]
        core_end = len(seg) - max(len(x) for x in sufs if seg.endswith(x))
        qs, qe = (q[0] - s, q[1] - s) if q else (core_end, core_end)
        masked = seg[:qs] + "\0" * (qe - qs) + seg[qe:] if q else seg
        cut = 0
        for c in cuts:
            i = masked.rfind(c, 0, core_end)
            if i >= 0:
                cut = max(cut, i + len(c))
        # "鸠江区对三大产业集群": a count ("三大", "28条") starts the name
        counts = list(cw.count.finditer(masked, cut, core_end))
        if counts:
            cut = counts[-1].start()
        if q and cut == qs:   # the cuts leave the qualifier first: the name starts after it
            cut = qe
        # "补|光伏产业链不全之短": a chain-building verb before an industry term is no part of it
        v = next((x for x in cw.start_cut if seg.startswith(x, cut)), None)
        if v and core_end - cut - len(v) >= 2 and seg.startswith(cw.terms, cut + len(v)):
            cut += len(v)
        s2 = s + cut
        name = t[s2:e]
        core = name
        for x in sufs:
            if core.endswith(x):
                core = core[: -len(x)]
                break
        core = core.strip("“”")
        if q and s + qs >= s2:          # the tests below read the name without its qualifier
            core = core.replace(t[q[0]:q[1]], "", 1)
        if len(core) < 2 or core in cw.bare_core:
            continue
        if name.startswith("”"):
            continue
        # a count alone names a cluster only as an umbrella ("三大产业集群"), not "一条产业链";
        # a generic word ("所属产业集群", "重点产业链"), a list ("A、B等重点产业链": its items
        # are read below) or a bare place ("X区产业集群") none
        cm = cw.count.fullmatch(core)
        if (cm and cm.group(2) != cw.umbrella) or core in generic or cw.close in core or _is_place(st, core) \
                or any(core.endswith(x) and _is_place(st, core[:-len(x)]) for x in cw.bare_place_mark):
            continue
        # "X产业链" names a cluster only as a whole name: not 全产业链 (inside a project),
        # 产业链群 / 产业链招商 / 产业链一期, nor generic (重点产业链)
        if name.endswith(cw.chain_suffix) and (
                core.startswith(cw.chain_not_start) or not all(_is_han(c) for c in core)
                or any(c in core for c in cw.chain_not_char)
                or cw.chain_not_before.match(t[e:e + 4])
                ):
            continue
        if q and s2 <= q[0]:
            qualified.append((s2, e))
        # quoted umbrella: “六大产业集群”
        if s2 > 0 and t[s2 - 1] == "“" and t[e:e + 1] == "”":
            s2, e = s2 - 1, e + 1
        st.clusters[(s2, e)] = t[s2:e]
    # the part of a qualified name after its qualifier is no name of its own (the name itself
    # may be quoted: its key is then one character wider on both sides)
    for a, b in qualified:
        for k in [k for k in st.clusters if k[1] == b and k[0] > a]:
            del st.clusters[k]
    # "这个集群" / "该产业集群" refer back to a cluster named before: no name of their own
    for a, b in _cluster_anaphors(st):
        for k in [k for k in st.clusters if k[0] < b and a < k[1]]:
            del st.clusters[k]
    # "绿色算力、生物医药等集群": each listed item is a cluster
    for m in cw.listed_rx.finditer(t):
        seg = m.group(1)
        start = m.start(1)
        cut = 0
        for c in cuts:
            i = seg.rfind(c)
            if i >= 0:
                cut = max(cut, i + len(c))
        pos = start + cut
        for it in seg[cut:].split("、"):
            if len(it) >= 2:
                st.clusters.setdefault((pos, pos + len(it)), it)
            pos += len(it) + 1


def _name_candidates(t: str, cw: _Words) -> list[tuple[int, int, tuple[int, int] | None]]:
    """(start, end, qualifier) of the text runs that may hold a cluster name: the runs before a
    suffix (``name_rx``; no qualifier), and those around a bracketed qualifier (its span), in the
    order of their ends."""
    out: list[tuple[int, int, tuple[int, int] | None]] = [(m.start(), m.end(), None)
                                                          for m in cw.name_rx.finditer(t)]
    plain = len(out)
    for q in cw.qualifier.finditer(t):
        b = cw.before_qualifier.search(t, max(0, q.start() - _NAME_CHARS), q.start())
        if b is None:
            continue
        # the part before the qualifier starts after a complete name (光伏产业链|新材料(铜基)产业集群)
        before = b.group()
        start = b.start() + max((before.rfind(x) + len(x) for x in cw.suffixes if x in before), default=0)
        a = cw.after_qualifier.match(t, q.end()) if start < q.start() else None
        if a:
            out.append((start, a.end(), q.span()))
    # (name_rx's runs do not overlap: already in the order of their ends)
    return sorted(out, key=lambda x: (x[1], x[0])) if len(out) > plain else out


def _cluster_anaphors(st: DocState) -> list[tuple[int, int]]:
    """Spans of anaphoric cluster words (这个集群, 该产业集群, 这一产业链)."""
    rx = _Words.of(st.lex).anaphor_rx
    out = [] if rx is None else [(m.start(), m.end()) for m in rx.finditer(st.text)]
    # bare anaphors ("集群内，…", "目前，集群内已聚集…")
    for rx in st.lex.patterns("clusters", "anaphor_rx"):
        out += [(m.start(), m.end()) for m in rx.finditer(st.text)
                if not any(a < m.end() and m.start() < b for a, b in out)]
    return sorted(out)
