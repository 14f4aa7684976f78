"""Cluster sections (stage ``in_cluster``): a heading sentence ending with one
cluster; the project lists until the next heading or section mark are its members.  Also the
cluster openers and list-line members that the scopes reuse.
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation_body
from ..model import Arg
from .base import _Grammar, _HAN, _is_han
from .clusters import _enum_next
from .items import _Words as _ItemWords, _enterprises_in, _generic_project
from .names import _bare
from .places import _has_place_suffix, _is_place, lexicon_place_names
from .projects import _Words as _ProjectWords
from .registry import stage
from .state import DocState, add_fact


class _Words(LexiconWords):
    """The words and regular expressions of clusters.tsv (and grammar.tsv, resolve.tsv,
    industry_terms.tsv, project_patterns.tsv) the cluster-section readers use, built once per
    lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str, file: str = "clusters") -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("clusters", kind)

        self.heading_number = rx("heading_number_rx")
        self.heading_marker = rx("heading_marker_rx")
        aspect = alternation_body(w("aspect_word"))
        self.aspect_comma = re.compile("(?:" + aspect + ")?[,，:：]")
        self.aspect_comma_full = re.compile("(?:" + aspect + r")?\s*[,，:：]")
        self.count_name = re.compile("^(?:" + rx("count_name_rx").pattern + ")")
        self.item_number = rx("item_number_rx")
        self.opener_number = rx("opener_number_rx")
        self.opener_enum = rx("opener_enum_rx")
        self.subject_modal = re.compile(rf"[{_HAN}]{{0,6}}?(?:{alternation_body(w('lead_modal'))})")
        self.future = w("future_particle", "grammar")[0]
        self.within = re.compile("(?:" + alternation_body(w("within_word")) + r")\s*[,，]")
        self.opener_member = rx("opener_member_rx").pattern
        self.example_in = w("example_in")[0]
        self.example_out = w("example_out")
        self.next_item = rx("next_item_rx")
        self.item_line_cut = rx("item_line_cut_rx")
        self.project_heads = _ProjectWords.of(lex).heads
        self.company_end = _ItemWords.of(lex).company_end
        self.province_mark = w("province_mark", "resolve")[0]
        # the heading grammar (_heading) and the clause openers (_opener_at)
        self.heading_verbs = lex.word_tuple("clusters", "heading_verb")
        self.build_start = re.compile(alternation_body(lex.word_tuple("project_patterns", "build_verb")))
        self.heading_lead = lex.word_tuple("clusters", "lead_in") + self.heading_verbs
        self.opener_lead = lex.word_tuple("clusters", "lead_in") + lex.word_tuple("clusters", "topic_in")
        self.lead_subject = lex.word_tuple("clusters", "lead_subject")
        outs = alternation_body(lex.word_tuple("clusters", "lead_out"))
        self.opener_close = re.compile(rf"(?:{outs + '|' if outs else ''}{self.opener_member})?\s*[,，:：]")


@stage(requires=("view", "text", "ner_v", "places", "projects", "clusters", "lists"),
       assigns=("projects", "list_heads", "facts"))
def in_cluster(st: DocState) -> None:
    """Cluster sections: a heading sentence ending with one cluster; the project lists
    until the next heading or section mark are its members."""
    st.list_heads = {}
    _section_facts(st, _cluster_sections(st))


def _cluster_sections(st: DocState) -> list[tuple[int, int, tuple[int, int]]]:
    """The cluster sections of the document, (section start, section end, cluster span): a
    section opens at a heading sentence (:func:`_heading`) and ends at the next heading or
    section mark, or earlier for a heading line, a first-clause opener or a heading clause."""
    t = st.text
    sw = _Words.of(st.lex)
    marks = st.lex.patterns("clusters", "section_mark")
    sents = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", t)]
    sections: list[tuple[int, int, tuple[int, int]]] = []
    for i, (ss, se) in enumerate(sents):
        h = _heading(st, ss, se)
        if h is None:
            continue
        (a, b), start = h
        name = _bare(st.clusters[(a, b)])
        if sw.count_name.match(name):
            continue
        # the section ends at the next heading / section mark
        end = len(t)
        for ss2, se2 in sents[i + 1:]:
            if any(rx.search(t[ss2:se2]) for rx in marks) or _heading(st, ss2, se2):
                end = ss2
                break
        if (a, b) in st.list_heads:
            end = min(end, st.list_heads[(a, b)] + 1)
        # a first-clause opener ("X产业集群方面，") scopes its paragraph only
        for oa, ob, ostart, oend in _cluster_openers(st):
            if (oa, ob) == (a, b) and ostart == start:
                end = min(end, oend)
        if sw.aspect_comma_full.fullmatch(t[b:start]):
            # "全力打造X产业集群，…": the rest of the paragraph
            pm = re.compile(r"[。！？!?]\s*\n|\n\s*\n").search(t, start)
            end = min(end, pm.start() + 1 if pm else len(t))
        sections.append((start, end, (a, b)))
    return sections


def _heading(st: DocState, ss: int, se: int) -> tuple[tuple[int, int], int] | None:
    """(cluster span, section start) when the sentence t[ss:se] opens a cluster section:
    a line that is only the cluster ("▲X产业集群", see :func:`_list_head_end`),
    "全力推进以…的X产业集群。" or a first clause "X产业集群方面:" / "围绕X产业集群,"."""
    t = st.text
    sw = _Words.of(st.lex)
    text = t[ss:se]
    lead = len(text) - len(text.lstrip())
    stripped = sw.heading_number.sub("", text.strip())
    off = ss + lead + (len(text.strip()) - len(stripped))
    inside = sorted((a, b) for (a, b) in st.clusters if ss <= a and b <= se)
    if not inside:
        return None
    # a line that is only a cluster name after a list marker or a numbering
    # ("▲X产业集群", "一、X产业集群"): the list lines below it, up to the next prose
    # sentence, are its section
    bare_line = sw.heading_marker.sub("", text.strip())
    if len(inside) == 1 and bare_line == t[inside[0][0]:inside[0][1]] \
            and (ss == 0 or t[ss - 1] == "\n") and t[se:se + 1] in ("\n", ""):
        st.list_heads[inside[0]] = _list_head_end(t, se)
        return inside[0], se
    if stripped.startswith(sw.heading_verbs) and len(inside) == 1 \
            and t[inside[0][1]:se].strip(" 。.!！") == "":
        return inside[0], se
    # a heading line joined with its body: "…产业集群建成投产A、B等项目"
    if stripped.startswith(sw.heading_verbs) and sw.build_start.match(t[inside[0][1]:se]):
        return inside[0], inside[0][1]
    # first clause: [lead-in/heading verb] CLUSTER [方面] followed by , or :
    a, b = inside[0]
    pre = t[off:a]
    if pre and not any(pre == w or pre.endswith(w) and len(pre) <= len(w) + 4
                       for w in sw.heading_lead):
        return None
    m = sw.aspect_comma.match(t[b:se])
    if m:
        return (a, b), b + m.end()
    return None


def _list_head_end(t: str, se: int) -> int:
    """The end of the list lines under a heading line that ends at ``se``: the lines up to an
    empty line or a prose sentence (an item line that ingest joined with the prose after it
    is still one of them)."""
    end = se
    while end < len(t):
        nl = t.find("\n", end + 1)
        line = t[end + 1:nl if nl >= 0 else len(t)].strip()
        if not line:
            break
        if line.endswith(("。", "！", "？")):
            # an item line that ingest joined with the prose after it
            if re.match(r"[·•●○■□◆◇★☆※▶►-]", line):
                end = nl if nl >= 0 else len(t)
            break
        end = nl if nl >= 0 else len(t)
    return end


def _section_facts(st: DocState, sections: list[tuple[int, int, tuple[int, int]]]) -> None:
    """in_cluster facts for the project lists inside each section (and the list lines under a
    heading line) and for the enterprises they name, except a brand that the section names
    in full as a company (:func:`_named_in_full`)."""
    sw = _Words.of(st.lex)
    lists = st.lists
    for s0, s1, cspan in sections:
        cname = st.clusters[cspan]
        if cspan in st.list_heads:
            projects, enterprises = _list_line_members(st, s0, s1)
            lists = lists + [(s0, projects, enterprises)]
        for pos, projects, enterprises in lists:
            if not (s0 <= pos < s1):
                continue
            for s, e, name in projects:
                args = {"member": Arg(name, "Project"),
                        "cluster": Arg(cname, "Cluster")}
                add_fact(st, "in_cluster", args, (s, e), "cluster_section", 0.85)
            full = None
            for s, e, name in enterprises:
                # "引进了江苏A能源科技有限公司…，A能源年产…项目": the brand is the company
                # the section names in full
                if full is None:
                    full = [x for _a, _b, x in _enterprises_in(st, s0, s1)
                            if sw.company_end.search(x)]
                if any(len(x) > len(name) and name in x[:len(name) + 4] for x in full) \
                        or _named_in_full(st, name, full):
                    continue
                args = {"member": Arg(name, "Organization", "enterprise"),
                        "cluster": Arg(cname, "Cluster")}
                add_fact(st, "in_cluster", args, (s, e), "cluster_section_brand", 0.75)


def _cluster_openers(st: DocState, clusters=None) -> list[tuple[int, int, int, int]]:
    """Clauses opened by a cluster ("在X产业集群方面，", "X产业集群：", "围绕X产业集群，"):
    (cluster start, cluster end, scope start, scope end).  The scope is the rest of the
    paragraph, up to the ；/clause before the next opener."""
    if clusters is None:
        clusters = sorted(st.clusters)
    found = [f for a, b0 in clusters for f in [_opener_at(st, a, b0)] if f is not None]
    return [(a, b, start, _opener_end(st, found, i)) for i, (a, b, start, _k) in enumerate(found)]


def _opener_at(st: DocState, a: int, b0: int) -> tuple[int, int, int, bool | str] | None:
    """The opener of the cluster at (a, b0), if it opens one: (cluster start, cluster end,
    scope start, kind), kind "item" for a numbered report item headed by the cluster, True
    for a heading line that is only the cluster, False for a clause opener."""
    t = st.text
    sw = _Words.of(st.lex)
    ls = max(t.rfind(c, 0, a) for c in "\n。；;！？!?") + 1
    # a bracketed note after the cluster ("X产业集群（市工信局牵头）。") belongs to its heading
    nm = re.match(r"[（(][^（）()。\n]{1,30}[）)]", t[b0:])
    b = b0 + nm.end() if nm else b0
    # a numbered report item whose heading is the cluster ("一、X产业集群。支持…"):
    # the item runs to the next numbered item
    if sw.item_number.search(t[ls:a]) and t[b:b + 1] in "。." and t[b + 1:b + 2] not in ("\n", ""):
        return a, b0, b + 1, "item"
    b = b0
    pre = _opener_pre(st, ls, a, b0)
    if pre and pre not in sw.opener_lead:
        return None
    bn = b0 + nm.end() if nm else b0     # after a bracketed note ("X产业集群（Y牵头）：")
    m = sw.opener_close.match(t[bn:bn + 9])
    # "以X产业链为例，": 以 opens a clause only with 为例
    if m and pre == sw.example_in and not t[bn:bn + 2].startswith(sw.example_out):
        m = None
    if m:
        return a, b, bn + m.end(), False
    # a heading line that is only the cluster ("（一）新材料产业集群")
    hm = re.match(r"[。.]?[ \t]*\n", t[b:])
    if hm and b - ls <= 30 and t[ls:a].strip() == t[ls:a].strip(" \t") and "\n" not in t[ls:a]:
        return a, b, b + hm.end(), True
    return None


def _opener_pre(st: DocState, ls: int, a: int, b0: int) -> str:
    """What stands before the cluster at (a, b0) in its clause (from ``ls``) once the speaker,
    numbering and enumeration words are cut off: a lead-in word (also after a short subject
    and modal, "苏州将围绕"), "" (nothing, or a place / subject before "X产业集群中，"), or
    other text, which opens no clause."""
    t = st.text
    sw = _Words.of(st.lex)
    lead_in = sw.opener_lead
    # an interview answer opens with the speaker ("X：一是…"): the clause starts after it
    pre = sw.opener_number.sub("", re.sub(rf"^[{_HAN}]{{2,4}}[:：]", "", t[ls:a])).strip()
    # enumerations: "一是在X产业集群方面，", "其次，X产业集群：" (after the marks above)
    pre = sw.opener_enum.sub("", pre)
    # "吴某介绍，苏州将围绕X产业集群，…": a short subject and modal before the lead-in
    # word of the last clause
    last = re.split(r"[,，]", pre)[-1]
    lw = next((w for w in lead_in if last.endswith(w)), None)
    subj = last[:-len(lw)] if lw else ""
    if lw and pre not in lead_in and (sw.subject_modal.fullmatch(subj)
            # "安宁市围绕X产业链，…": a place as the subject, without a modal
            or subj in sw.lead_subject
            or (2 <= len(subj) <= 6 and (_is_place(st, subj) or _has_place_suffix(st, subj)))) \
            and not any(c in _Grammar.of(st.lex).func for c in subj.rstrip(sw.future)):
        pre = lw
    # "襄阳市汽车产业集群中，A、B等企业…": a cluster (after a place or subject) followed
    # by 中/内 and a comma opens the clause like "在X产业集群中，"
    if pre and pre not in lead_in and sw.within.match(t[b0:b0 + 3]):
        lc = last.strip()
        if not lc or lc in sw.lead_subject or (2 <= len(lc) <= 6 and _is_place(st, lc)):
            pre = ""
    return pre


def _opener_end(st: DocState, found: list[tuple[int, int, int, bool | str]], i: int) -> int:
    """The end of the scope of the i-th opener of ``found`` (see :func:`_opener_at`): a
    numbered item runs to the next numbered item or empty line; a heading line to the next
    heading line or opener; a clause to its paragraph's end, the next enumeration mark, or
    the ；/clause before the next opener."""
    t = st.text
    _a, _b, start, is_heading = found[i]
    if is_heading == "item":
        nm = _Words.of(st.lex).next_item.search(t, start)
        pm = re.compile(r"\n\s*\n").search(t, start)
        return min(nm.start() + 1 if nm else len(t), pm.start() if pm else len(t))
    if is_heading:
        # the section runs to the next heading line (section mark or a short line
        # without sentence end)
        marks = st.lex.patterns("clusters", "section_mark")
        end = len(t)
        for lm in re.finditer(r"[^\n]+", t[start:]):
            line = lm.group(0).strip()
            if lm.start() > 0 and (any(rx.search(line) for rx in marks)
                                   or (len(line) <= 30 and not re.search(r"[。!！?？;；]$", line))):
                end = start + lm.start()
                break
        if i + 1 < len(found) and found[i + 1][0] < end:
            end = found[i + 1][0]
        return end
    # the paragraph ends at a line break after a sentence end (a hard-wrapped line
    # that stops at a comma continues the paragraph)
    pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
    end = pm.start() + 1 if pm else len(t)
    # an enumeration ("一是X产业集群：…。二是…") ends the item at the next marker
    em = _enum_next(st.lex).search(t, start, end)
    if em:
        end = em.start() + 1
    if i + 1 < len(found) and found[i + 1][0] < end:
        nxt = found[i + 1][0]
        semi = max(t.rfind("；", start, nxt), t.rfind(";", start, nxt))
        end = semi + 1 if semi >= 0 else nxt
    return end


def _list_line_members(st: DocState, s0: int, s1: int) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The lines under a cluster heading line ("▲X产业集群" / "一、X产业集群"): each line is a
    list marker or a label ("重点项目：", "重点企业：") and items apart by 、; an item ending in
    项目/工程 is a project (after the company written before it, which is its enterprise), an
    item ending in a company suffix an enterprise.  A place in brackets after an item is no
    part of it.  Returns (projects, enterprises) with view spans; projects are mentions."""
    t = st.text
    sw = _Words.of(st.lex)
    projects: list[tuple[int, int, str]] = []
    enterprises: list[tuple[int, int, str]] = []
    for lm in re.finditer(r"[^\n]+", t[s0:s1]):
        ls = s0 + lm.start()
        # the item part of a line joined with prose: up to the clause end or the bracket
        # closed after the item ("…项目（X区）据…")
        line = sw.item_line_cut.split(lm.group(0))[0]
        head = re.match(rf"\s*(?:[·•●○■□◆◇★☆※▶►-]\s*|[{_HAN}]{{2,6}}[:：]\s*)?", line)
        pos = ls + head.end()
        for raw in line[head.end():].split("、"):
            item_start = pos + len(raw) - len(raw.lstrip())
            it = re.sub(r"\s*[（(][^（）()]{1,20}[）)]\s*$", "", raw.strip())
            pos += len(raw) + 1
            if len(it) < 4 or any(w in it for w in _Grammar.of(st.lex).name_stop) or not all(
                    _is_han(c) or c.isalnum() for c in it):
                continue
            if it.endswith(sw.project_heads):
                ps, name = item_start, it
                em = _Grammar.of(st.lex).owned_project.match(it)
                if em and len(em.group(3)) >= 4:
                    enterprises.append((item_start, item_start + len(em.group(1)), em.group(1)))
                    ps, name = item_start + len(it) - len(em.group(3)), em.group(3)
                if _generic_project(st, name):
                    continue
                projects.append((ps, ps + len(name), name))
                if not any(a < ps + len(name) and ps < b for (a, b) in st.projects):
                    st.projects[(ps, ps + len(name))] = name
            elif sw.company_end.search(it):
                enterprises.append((item_start, item_start + len(it), it))
    return projects, enterprises


def _named_in_full(st: DocState, brand: str, known: list[str]) -> bool:
    """The brand (智链云网 of 智链云网西南…项目) opens a company named in full after a place
    (深圳智链云网科技有限公司): it is that company, not one of its own."""
    company_end = _Words.of(st.lex).company_end
    for x in known:
        if x == brand or not company_end.search(x):
            continue
        k = x.find(brand[:2])
        if 0 <= k <= 4 and (k == 0 or _place_prefix(st, x[:k])):
            return True
    return False


def _place_prefix(st: DocState, pre: str) -> bool:
    """A place written before a company's brand (江苏, 深圳, 青岛市)."""
    gaz = lexicon_place_names(st.lex)
    g = _Grammar.of(st.lex)
    return bool(pre) and pre[0] not in g.func and (
        pre in gaz or pre + _Words.of(st.lex).province_mark in gaz or pre + g.city_mark in gaz
        or _is_place(st, pre))
