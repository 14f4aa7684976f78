"""Cluster names (stage ``clusters_grammar``) and the patterns the cluster stages share.
"""

from __future__ import annotations

import re

from .base import _HAN, _is_han
from .places import _is_place
from .registry import stage
from .state import DocState


# the next item of an enumeration after a clause end ("。二是", "；其三，", "。第四，")
# the end of a project list clause: an optional "等(一批)重点项目", an optional modal / pace
# adverb (将陆续, 已相继), then the build verb ("A项目、B项目等重点项目将陆续建成")
_PROJECT_LIST_TAIL_BODY = (r"(?:等(?:一批|一系列)?(?:重点|重大)?(?:项目|工程)|项目群)?(?:将|已|正)?(?:陆续|相继|加快|全面)?"
                           r"(?:建成投产|开工建设|投产|开工|落地|建成|建设|扩能升级)")


_ENUM_NEXT = re.compile(r"[。；;！？!?]\s*(?:[二三四五六七八九十]是|其[二三四五六七八九十][,，、]?|第[二三四五六七八九十][,，、])")


# a count before a cluster word: "三大产业集群", "28条重点产业链", "一条产业链" (group 2: the classifier)
_COUNT = re.compile(r"([0-9]+|[一二两三四五六七八九十几多数]+)(大|条|个|项|类)")


@stage(requires=("text", "places"),
       assigns=("clusters",))
def clusters_grammar(st: DocState) -> None:
    t = st.text
    sufs = st.lex.words("clusters", "suffix")
    cuts = st.lex.words("clusters", "cut")
    generic = set(st.lex.words("clusters", "chain_generic"))
    rx = re.compile(f"[{_HAN}A-Za-z0-9“”]{{1,24}}?(?:{'|'.join(re.escape(s) for s in sufs)})"
                    f"(?![{_HAN}]{{0,1}}(?:游|化))")
    for m in rx.finditer(t):
        s, e = m.start(), m.end()
        # the name starts after the last cut word
        seg = t[s:e]
        core_end = len(seg) - max(len(x) for x in sufs if seg.endswith(x))
        cut = 0
        for c in cuts:
            i = seg.rfind(c, 0, core_end)
            if i >= 0:
                cut = max(cut, i + len(c))
        # "鸠江区对三大产业集群": a count ("三大", "28条") starts the name
        counts = list(_COUNT.finditer(seg, cut, core_end))
        if counts:
            cut = counts[-1].start()
        s2 = s + cut
        name = t[s2:e]
        core = name
        for x in sufs:
            if core.endswith(x):
                core = core[: -len(x)]
                break
        core = core.strip("“”")
        if len(core) < 2 or core in ("产业", "制造业", "一批"):
            continue
        if name.startswith("”"):
            continue
        # a count alone names a cluster only as an umbrella ("三大产业集群"), not "一条产业链";
        # a generic word ("所属产业集群", "重点产业链"), a list ("A、B等重点产业链": its items
        # are read below) or a bare place ("X区产业集群") none
        cm = _COUNT.fullmatch(core)
        if (cm and cm.group(2) != "大") or core in generic or "等" in core or _is_place(st, core) \
                or (core.endswith(("区", "县", "市")) and _is_place(st, core[:-1])):
            continue
        # "X产业链" names a cluster only as a whole name: not 全产业链 (inside a project),
        # 产业链群 / 产业链招商 / 产业链一期, nor generic (重点产业链)
        if name.endswith("产业链") and (
                core.startswith("全") or not all(_is_han(c) for c in core) or "年" in core
                or re.match(r"(?:群|招商|[一二三四五六七八九十]期|项目|链长)", t[e:e + 4])
                ):
            continue
        # quoted umbrella: “六大产业集群”
        if s2 > 0 and t[s2 - 1] == "“" and t[e:e + 1] == "”":
            s2, e = s2 - 1, e + 1
        st.clusters[(s2, e)] = t[s2:e]
    # "这个集群" / "该产业集群" refer back to a cluster named before: no name of their own
    for a, b in _cluster_anaphors(st):
        for k in [k for k in st.clusters if k[0] < b and a < k[1]]:
            del st.clusters[k]
    # "绿色算力、生物医药等集群": each listed item is a cluster
    gen = "|".join(re.escape(g) for g in sorted(generic, key=len, reverse=True))
    for m in re.finditer(f"([{_HAN}、]{{2,40}})等(?:{gen})?(?:{'|'.join(re.escape(s) for s in sufs)})", t):
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


def _cluster_anaphors(st: DocState) -> list[tuple[int, int]]:
    """Spans of anaphoric cluster words (这个集群, 该产业集群, 这一产业链)."""
    words = st.lex.words("clusters", "anaphor")
    out = []
    if words:
        sufs = st.lex.words("clusters", "suffix")
        rx = re.compile(f"(?:{'|'.join(map(re.escape, words))})(?:产业)?"
                        f"(?:{'|'.join(map(re.escape, sufs))})(?![{_HAN}]{{0,1}}(?:游|化))")
        out = [(m.start(), m.end()) for m in rx.finditer(st.text)]
    # bare anaphors ("集群内，…", "目前，集群内已聚集…")
    for rx in st.lex.patterns("clusters", "anaphor_rx"):
        out += [(m.start(), m.end()) for m in rx.finditer(st.text)
                if not any(a < m.end() and m.start() < b for a, b in out)]
    return sorted(out)
