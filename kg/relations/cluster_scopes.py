"""Text scoped to one cluster (stage ``cluster_scopes``): clauses opened by a cluster,
clusters as subject or topic of a paragraph, interview questions and anaphors (这个集群), with
the projects and enterprises such a scope names.  Facts: ``in_cluster``.
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords
from ..model import Arg
from .base import _Grammar, _is_han
from .cluster_members import _brand_word, _capacity_objects, _clause_projects, _colon_members, _place_brand, _scope_projects, _short_forms, _short_name_members
from .cluster_sections import _Words as _SectionWords, _cluster_openers, _named_in_full
from .clusters import _cluster_anaphors, _enum_next
from .items import _brand_any, _enterprise_class, _enterprises_in
from .names import _bare, _strip_quotes
from .registry import stage
from .state import DocState, add_fact, last_of


class _Words(LexiconWords):
    """The words and regular expressions of clusters.tsv the cluster-scope readers use, built
    once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("clusters", kind)

        # what may stand before a cluster that is its paragraph's topic (see _paragraph_topic)
        self.topic_pre = rx("topic_pre_rx")
        self.enum_open = rx("enum_open_rx")
        self.meeting_verbs = lex.word_tuple("clusters", "meeting_verb", longest_first=False)
        self.list_head = rx("list_head_rx")
        self.meeting = rx("meeting_rx")
        self.question = rx("question_rx")
        self.count_name = re.compile("^[“「]?(?:" + rx("count_name_rx").pattern + ")")
        self.full_named = rx("full_named_rx")
        sections = _SectionWords.of(lex)
        self.project_heads = sections.project_heads
        self.company_end = sections.company_end


def _clause_subject(st: DocState, a: int, b: int) -> bool:
    """A cluster that opens a ；-clause of a sentence of several clauses ("A产业集群依托…；
    B产业集群…") and is followed by a verb phrase (not a meeting, list or genitive)."""
    t = st.text
    if not t[b:b + 1] or not _is_han(t[b]):
        return False
    if any(rx.match(t, b) for rx in st.lex.patterns("clusters", "clause_subject_stop_rx")):
        return False
    ss = last_of(st, "。！？!?\n", a) + 1
    se = re.compile(r"[。！？!?\n]").search(t, b)
    se = se.start() if se else len(t)
    if any(c in t[ss:se] for c in "；;"):
        return True
    # "A产业集群依托X公司，推进Y项目。": a cluster that opens its sentence
    return not _Words.of(st.lex).enum_open.sub("", t[ss:a]).strip()


def _cluster_topics(st: DocState, clusters, skip) -> list[tuple[int, int, tuple[int, int]]]:
    """Clusters that are the subject of a member list ("目前全县X产业集群已集聚A、B等企业",
    "X产业集群今年将重点推进A项目") or the topic of a report sentence ("通报了X产业集群发展
    情况。"): (scope start, scope end, cluster span).  The scope runs from the cluster (the
    next sentence for a topic) to the end of its paragraph, or to the sentence of the next
    cluster of another name."""
    t = st.text
    cw = _Words.of(st.lex)
    topic_rx = st.lex.patterns("clusters", "topic_tail_rx")
    verbs = set(st.lex.words("clusters", "scope_verb")) | set(st.lex.words("clusters", "member_verb")) \
        | set(st.lex.words("clusters", "heading_verb")) | set(st.lex.words("clusters", "lead_in")) \
        | set(st.lex.words("project_patterns", "build_verb")) | set(cw.meeting_verbs)
    out = []
    for a, b in clusters:
        if (a, b) in skip:
            continue
        cs = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
        pre = cw.enum_open.sub("", t[cs:a])      # "一是X产业集群依托…"
        start = None
        tm = next((m for rx in topic_rx for m in [rx.match(t, b)] if m), None)
        lm = cw.list_head.match(t, b)
        if tm:
            start = tm.end()
        elif lm and all(_is_han(c) for c in pre) and len(pre) <= 8:
            # "X产业集群重点项目：A、B进展顺利"
            start = lm.end()
        elif len(pre) <= 8 and all(_is_han(c) for c in pre) and not any(c in _Grammar.of(st.lex).func for c in pre) \
                and not any(v in pre for v in verbs):
            k, v = _subject_verb(st, b)
            # "X产业集群推进会" is a meeting, not a cluster doing something
            if v and not cw.meeting.match(t[k + len(v):k + len(v) + 3]):
                start = b
            elif not v and _clause_subject(st, a, b):
                # "…；C产业集群依托A公司，推进B项目；": whatever the verb, the cluster that
                # opens a ；-clause scopes that clause
                ce = re.compile(r"[。；;！？!?\n]").search(t, b)
                ce = ce.start() + 1 if ce else len(t)
                if ce > b:
                    out.append((b, ce, (a, b)))
                continue
        if start is None:
            start = _paragraph_topic(st, a, b, clusters)
        if start is None:
            continue
        end = _scope_end(st, start, clusters, _bare(st.clusters[(a, b)]))
        if end > start:
            out.append((start, end, (a, b)))
    return out


def _subject_verb(st: DocState, b: int) -> tuple[int, str | None]:
    """(k, verb): after the cluster ending at ``b`` and the subject adverbs that follow it
    (今年, 将, 重点 …, longest first), the longest subject verb at k, or None."""
    t = st.text
    adverbs = sorted(st.lex.words("clusters", "subject_adverb"), key=len, reverse=True)
    sverbs = tuple(st.lex.words("clusters", "subject_verb"))
    k = b
    moved = True
    while moved and not t.startswith(sverbs, k):
        moved = False
        for w in adverbs:
            if t.startswith(w, k):
                k += len(w)
                moved = True
                break
    v = next((w for w in sorted(sverbs, key=len, reverse=True) if t.startswith(w, k)), None)
    return k, v


def _paragraph_topic(st: DocState, a: int, b: int, clusters) -> int | None:
    """``b`` when the cluster at (a, b) is the topic of its paragraph: named in the
    paragraph's first sentence, the only cluster name there, and not inside a quote or a
    title ("岳阳市的X产业集群同样亮点频出。", "在…推动下，X产业集群形成了…", "X市则聚焦
    X产业集群，"); its member lists then follow in the paragraph.  None otherwise."""
    t = st.text
    ps = max(t.rfind("\n", 0, a), -1) + 1
    if re.search("[。！？!?]", t[ps:a]):
        return None                      # not the paragraph's first sentence
    se = re.compile("[。！？!?\n]").search(t, b)
    se = se.start() if se else len(t)
    if not re.search("[。！？!?]", t[b:se + 1]) and se < len(t) and t[se] == "\n":
        return None                      # a heading line, not a sentence
    if t[ps:a].count("“") > t[ps:a].count("”") or t[ps:a].count("《") > t[ps:a].count("》"):
        return None
    # the cluster opens its clause or follows its subject: a place (…市, or a name before
    # 的/则) with 的/则/也/还 and at most a topic verb (聚焦/把/将/围绕/依托); not the object of
    # an imperative ("全力推进以…为引领的X产业集群。") nor of a clause about something else
    cs = max(t.rfind(c, ps, a) for c in "，,。；;：:！？!?") + 1
    cs = max(cs, ps)
    if not _Words.of(st.lex).topic_pre.fullmatch(t[cs:a]):
        return None
    name = _bare(st.clusters[(a, b)])
    if any(ps <= a2 < se and _bare(st.clusters[(a2, b2)]) != name for a2, b2 in clusters):
        return None
    return b


def _scope_end(st: DocState, start: int, clusters, name: str) -> int:
    """The end of a scope opened at ``start`` for the cluster ``name``: the paragraph end,
    the next enumeration mark, or the sentence of the next cluster of another name."""
    t = st.text
    pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
    end = pm.start() + 1 if pm else len(t)
    em = _enum_next(st.lex).search(t, start, end)
    if em:
        end = em.start() + 1
    for a2, b2 in clusters:
        if start <= a2 < end and _bare(st.clusters[(a2, b2)]) != name:
            end = max(start, max(t.rfind(c, start, a2) for c in "。；;！？!?\n") + 1)
            break
    return end


def _question_scopes(st: DocState, clusters) -> list[tuple[int, int, tuple[int, int]]]:
    """Interviews: a question line ("记者：X产业集群方面有哪些新进展？", also a request "请介绍
    一下…") that names one cluster scopes its answer, up to the next question line (or the
    sentence of another cluster)."""
    t = st.text
    labels = st.lex.words("clusters", "question_label")
    if not labels:
        return []
    alt = '|'.join(map(re.escape, labels))
    # "记者：", "■记者：", "【记者】", "问："
    lab = re.compile(rf"^[ \t\u3000■●◆▲★]*(?:(?:{alt})[ \t\u3000]*[:：]|[【\[](?:{alt})[】\]][:：]?)", re.M)
    heads = [m for m in lab.finditer(t)]
    out = []
    for i, m in enumerate(heads):
        le = t.find("\n", m.end())
        le = len(t) if le < 0 else le
        # a question ("…进展如何？") or a request ("请介绍一下X产业集群的情况。")
        if not _Words.of(st.lex).question.search(t[m.end():le].rstrip()):
            continue
        inside = [(a, b) for (a, b) in clusters if m.end() <= a and b <= le]
        if len({_bare(st.clusters[c]) for c in inside}) != 1:
            continue
        span = inside[-1]
        name = _bare(st.clusters[span])
        end = heads[i + 1].start() if i + 1 < len(heads) else len(t)
        for a2, b2 in clusters:
            if le <= a2 < end and _bare(st.clusters[(a2, b2)]) != name:
                end = max(le, max(t.rfind(c, le, a2) for c in "。；;！？!?\n") + 1)
                break
        if end > le:
            out.append((le, end, span))
    return out


def _anaphor_scopes(st: DocState, clusters) -> list[tuple[int, int, tuple[int, int]]]:
    """"这个集群…" / "该集群…" opening an answer or a clause: the cluster named last before it
    (in the question or the sentence before) scopes the rest of the paragraph."""
    t = st.text
    adverbs = set(st.lex.words("clusters", "subject_adverb")) | set(st.lex.words("clusters", "clause_adverb"))
    # "围绕这个集群，…": a lead-in word before the anaphor
    adverbs |= set(st.lex.words("clusters", "lead_in"))
    out = []
    for a, b in _cluster_anaphors(st):
        ls = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
        pre = t[ls:a].strip()
        if pre and pre not in adverbs and not (
                pre[-2:] in adverbs and re.sub(r"[\s，,]", "", pre[:-2]) in adverbs):
            continue
        prev = [c for c in clusters if c[1] <= a and a - c[1] <= 400]
        if not prev:
            continue
        span = max(prev)
        end = _scope_end(st, b, clusters, _bare(st.clusters[span]))
        if end > b:
            out.append((b, end, span))
    return out


@stage(requires=("view", "text", "ner_v", "places", "projects", "enterprises", "clusters",
                 "facts"),
       assigns=("projects", "project_owned", "enterprises", "facts"))
def cluster_scopes(st: DocState) -> None:
    """in_cluster from text scoped to one cluster:
    * a clause opened by the cluster ("在X产业集群方面，…", "X产业集群：…", "围绕X产业集群，…")
      scopes the rest of its paragraph, up to the next such opener;
    * a sentence or ；-clause that names one cluster as the object of a scope verb
      ("加快推进A、B等项目，壮大X产业集群") scopes itself.
    Members: the projects listed in the scope, the enterprises named in those projects and
    the enterprises the scope names (full names, A、B等企业)."""
    if not st.clusters:
        return
    done = {(f.args["member"].text, f.args["cluster"].text)
            for f in st.facts if f.relation == "in_cluster"}
    for s0, s1, cspan, ex in _scopes(st):
        cname = st.clusters[cspan]
        members = _scope_members(st, s0, s1, cspan)
        _add_members(st, members, cname, ex, done)


def _scopes(st: DocState) -> list[tuple[int, int, tuple[int, int], str]]:
    """Every scope of the document, (start, end, cluster span, extractor): cluster openers,
    topics, interview questions, anaphors and scope-verb sentences, in that order; clusters
    whose name is a count (六大产业集群) scope nothing."""
    cw = _Words.of(st.lex)
    clusters = sorted((a, b) for (a, b) in st.clusters
                      if not cw.count_name.match(_bare(st.clusters[(a, b)])))
    scopes: list[tuple[int, int, tuple[int, int], str]] = []
    openers = _cluster_openers(st, clusters)
    for a, b, start, end in openers:
        scopes.append((start, end, (a, b), "cluster_scope"))
    opener_spans = {(a, b) for a, b, _s, _e in openers}
    for start, end, span in _cluster_topics(st, clusters, opener_spans):
        scopes.append((start, end, span, "cluster_topic"))
    for start, end, span in _question_scopes(st, clusters):
        scopes.append((start, end, span, "cluster_question"))
    for start, end, span in _anaphor_scopes(st, clusters):
        scopes.append((start, end, span, "cluster_anaphor"))
    for start, end, span in _sentence_scopes(st, clusters, opener_spans):
        scopes.append((start, end, span, "cluster_sentence"))
    return scopes


def _sentence_scopes(st: DocState, clusters, opener_spans) -> list[tuple[int, int, tuple[int, int]]]:
    """Sentences and ；-clauses that name one cluster (none of them an opener) after a scope
    verb ("壮大X产业集群") or right before one ("X产业集群加快壮大，A、B项目建成投产"), not
    as a meeting ("X产业集群推进会"): each scopes itself."""
    t = st.text
    verbs = st.lex.words("clusters", "scope_verb")
    out = []
    for sm in re.finditer(r"[^。；;！？!?\n]+", t):
        ss, se = sm.start(), sm.end()
        inside = [(a, b) for (a, b) in clusters if ss <= a and b <= se]
        names = {_bare(st.clusters[c]) for c in inside}
        if len(names) != 1 or any(c in opener_spans for c in inside):
            continue
        a, b = inside[0]
        cl = max(t.rfind(c, ss, a) for c in ",，") + 1
        cl = max(cl, ss)
        before = t[cl:a]
        # "壮大X产业集群" / "X产业集群加快壮大，A、B项目建成投产"
        cr = re.compile(r"[,，]").search(t, b, se)
        after = t[b:min(cr.start() if cr else se, b + 6)]
        # "X产业集群推进会在A公司召开" is a meeting, no cluster doing something
        stop = any(rx.match(t, b) for rx in st.lex.patterns("clusters", "clause_subject_stop_rx"))
        if not (any(v in before for v in verbs) or (not stop and any(
                after.startswith(v) or after[2:].startswith(v) for v in verbs))):
            continue
        out.append((ss, se, (a, b)))
    return out


def _scope_members(st: DocState, s0: int, s1: int, cspan: tuple[int, int]) -> list[tuple[int, int, str, str]]:
    """The members of the scope t[s0:s1] of the cluster at ``cspan``: (start, end, name,
    "Project" or "Enterprise").  Registers the scope's projects first (lists, clauses, a
    colon list); a scope that names its enterprises in full — with their short forms in
    brackets ("依托A股份有限公司（A）、B有限公司（B）") or in a list ("集聚A股份有限公司、B等整车
    企业") — takes from a project's name only a brand word (X科技, a known brand) that is
    none of those; "C新能源拖拉机基地" (C = a short form) or "D精深加工产业园" adds none."""
    t = st.text
    cw = _Words.of(st.lex)
    _scope_projects(st, s0, s1)
    _clause_projects(st, s0, s1)
    # "X产业园" inside "X产业园项目": one project, the written name
    for (a, b) in [k for k in st.projects if s0 <= k[0] and k[1] <= s1]:
        if any(a2 == a and b2 > b and t[b:b2] in cw.project_heads for (a2, b2) in st.projects):
            del st.projects[(a, b)]
    named = _enterprises_in(st, s0, s1)
    colon = _colon_members(st, cspan, s0, s1)   # also registers the colon list's projects
    shorts = _short_forms(st, s0, s1)
    full_named = bool(shorts) or bool(cw.full_named.search(t[s0:s1]))
    known_names = [x for _a, _b, x in named] + shorts
    members = _project_members(st, s0, s1, known_names, full_named)
    proj_spans = [(a, b) for a, b, _x, k in members if k == "Project"]
    _add_enterprise_members(st, s0, s1, members, proj_spans, known_names, full_named)
    # "除A、B两家龙头企业外": short names of enterprises named in full elsewhere in the
    # document (青岛A交通装备有限公司) and the projects named after them (A…项目)
    members += _short_name_members(st, s0, s1, [x for _a, _b, x, _k in members])
    for a, b, name in named + _capacity_objects(st, s0, s1) + colon:
        if full_named and not cw.company_end.search(name) \
                and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                and not _brand_word(st, name, [x for x in known_names if x != name]):
            continue
        if any(pa <= a and b <= pb and k == "Project" and x != name and not x.startswith(name)
               for pa, pb, x, k in members):
            continue
        members.append((a, b, name, "Enterprise"))
    return members


def _project_members(st: DocState, s0: int, s1: int, known_names: list[str],
                     full_named: bool) -> list[tuple[int, int, str, str]]:
    """The projects of the scope t[s0:s1] (not a group of clusters, "“六大产业集群”项目"), each
    followed by the enterprise its name opens with, if any: the listed name it starts with,
    else its brand unless that is owned, opens a longer named enterprise, is no brand word
    in a scope naming its enterprises in full, or is a company named in full already."""
    csufs = st.lex.words("clusters", "suffix")
    members: list[tuple[int, int, str, str]] = []
    for (a, b), name in sorted(st.projects.items()):
        # "“六大产业集群”项目" groups projects; it is not one
        if not (s0 <= a and b <= s1 and not any(x in name for x in csufs)):
            continue
        members.append((a, b, name, "Project"))
        brand = None if (a, b) in st.project_owned else _place_brand(st, 
            _strip_quotes(st, name), _brand_any(st, _strip_quotes(st, name)))
        # a brand that opens a named enterprise (中联 of 中联重科股份有限公司) is that one
        if brand and any(len(x) > len(brand) and x.startswith(brand) for x in known_names):
            brand = None
        # "重点企业有A汽车…，推进A汽车三期项目": the listed name, not a shorter brand
        listed = next((x for x in sorted(known_names, key=len, reverse=True)
                       if len(x) >= 2 and _strip_quotes(st, name).startswith(x)), None)
        if listed:
            brand = listed
        elif brand and full_named and not _brand_word(st, brand, known_names):
            brand = None
        # "贵州A电池科技有限公司的A动力电池二期项目": the brand (after the place of a
        # company named in the scope) is that company, named already
        elif brand and _named_in_full(st, brand, known_names):
            brand = None
        if brand:
            members.append((a, a + len(brand), brand, "Enterprise"))
    return members


def _add_enterprise_members(st: DocState, s0: int, s1: int, members: list[tuple[int, int, str, str]],
                            proj_spans: list[tuple[int, int]], known_names: list[str],
                            full_named: bool) -> None:
    """Adds to ``members`` the enterprises found in the scope t[s0:s1] that are no class of
    enterprises nor the start of an enterprise member; a brand inside a project only when
    the project decided so (a brand word, not after a place, not a named company)."""
    for (a, b), name in sorted(st.enterprises.items()):
        if full_named and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                and not _brand_word(st, name, known_names):
            continue
        # a brand inside a project was decided with the project (place, named enterprise)
        inside = next((st.projects[(pa, pb)] for pa, pb in proj_spans if pa <= a and b <= pb), None)
        if inside is not None and (
                _place_brand(st, _strip_quotes(st, inside), name) != name
                or any(len(x) > len(name) and x.startswith(name) for x in known_names)
                or _named_in_full(st, name, known_names)):
            continue
        if s0 <= a and b <= s1 and not _enterprise_class(st, name) and not any(
                x == name or x.startswith(name) for _a, _b, x, k in members if k == "Enterprise"):
            members.append((a, b, name, "Enterprise"))


def _add_members(st: DocState, members: list[tuple[int, int, str, str]], cname: str, ex: str,
                 done: set[tuple[str, str]]) -> None:
    """in_cluster facts of the cluster ``cname`` for the members not stated yet (``done``);
    an enterprise member becomes an enterprise of the document."""
    for a, b, name, kind in members:
        if (name, cname) in done:
            continue
        done.add((name, cname))
        if kind == "Project":
            args = {"member": Arg(name, "Project"), "cluster": Arg(cname, "Cluster")}
            add_fact(st, "in_cluster", args, (a, b), ex, 0.8)
        else:
            st.enterprises.setdefault((a, b), name)
            args = {"member": Arg(name, "Organization", "enterprise"),
                    "cluster": Arg(cname, "Cluster")}
            add_fact(st, "in_cluster", args, (a, b), ex + "_enterprise", 0.75)
