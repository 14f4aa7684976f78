"""Readers of the members named in text scoped to one cluster: capacity objects, scope
and clause projects, colon lists, short forms and short names of enterprises (used by
``cluster_scopes``).
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation, alternation_body
from .base import _Grammar, _HAN, _is_han
from .cluster_sections import _place_prefix
from .clusters import _Words as _ClusterWords
from .items import _enterprise_class, _full_enterprise_prefix, _generic_project, _has_head
from .places import _is_place, _is_place_by_form, lexicon_place_names
from .state import DocState


class _Words(LexiconWords):
    """The words and regular expressions of clusters.tsv (and project_patterns.tsv's project
    heads, industry_terms.tsv's aspect particle) the member readers use, built once per
    lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str, file: str = "clusters") -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("clusters", kind)

        # the end of a project list clause (the build verb closing it), required / optional
        tail = _ClusterWords.of(lex).project_list_tail_body
        self.list_tail = re.compile(tail + "$")
        self.list_tail_opt = re.compile(f"(?:{tail})?$")
        self.member_join = w("member_join")
        self.member_split = re.compile("(" + alternation_body(self.member_join) + ")")
        self.member_seps = ("、",) + self.member_join
        self.project = w("project_word", "project_patterns")[0]          # 项目
        self.heads = (self.project, w("works_word", "project_patterns")[0])  # 项目, 工程
        self.head_alt = alternation(self.heads)
        self.close = w("list_close", "project_patterns")[0]              # 等
        self.company = w("company_word", "project_patterns")[0]          # 公司
        self.aspect = w("aspect_particle", "industry_terms")[0]          # 了
        self.project_count = rx("project_count_rx")
        self.project_predicate = rx("project_predicate_rx")
        self.single_project_end = rx("single_project_end_rx")
        self.plant_build_verb = w("plant_build_verb")
        self.plant_head = w("plant_head")
        self.place_mark = frozenset(w("place_mark_char"))
        self.county_organ = rx("county_organ_rx")
        self.brand_park = w("brand_park")
        self.colon_item_tail = rx("colon_item_tail_rx")
        self.bracket_short = rx("bracket_short_rx")
        self.short_name_list = rx("short_name_list_rx")
        self.full_company = rx("full_company_rx")
        self.short_name_opener = w("short_name_opener")
        self.new_mark = w("new_mark")[0]
        self.company_inner = w("company_inner_word")
        self.bracketed_owner = rx("bracketed_owner_rx")
        self.project_join = re.compile(alternation(w("project_join")))
        # a support verb, then (group 1) what it names, then a capacity verb (_capacity_objects);
        # None: either list is empty
        mverbs, cverbs = lex.words("clusters", "member_verb"), lex.words("clusters", "capacity_verb")
        self.capacity_objects = re.compile(
            f"(?:{alternation_body(mverbs)})([^,，;；:：。!?！？\n]{{2,60}}?)(?:{alternation_body(cverbs)})") \
            if mverbs and cverbs else None


def _capacity_objects(st: DocState, s0: int, s1: int) -> list[tuple[int, int, str]]:
    """"支持A汽车、B合肥基地扩大产能": the enterprises a support verb (clusters.tsv
    member_verb) names before a capacity verb (capacity_verb), written without 等企业.
    A plant item ("B合肥基地") names its enterprise B (the place and facility dropped)."""
    t = st.text
    mw = _Words.of(st.lex)
    rx = mw.capacity_objects
    if rx is None:
        return []
    facilities = st.lex.words("clusters", "facility")
    terms = st.lex.words("industry_terms", "term")
    out: list[tuple[int, int, str]] = []
    for m in rx.finditer(t, s0, s1):
        pos = m.start(1)
        # 和/及/与 join two names only where both sides keep 2+ characters (瑞和生物 is one)
        pieces = []
        for part in re.split(r"(、)", m.group(1)):
            sub = mw.member_split.split(part)
            if len(sub) > 1 and all(len(x.strip()) >= 2 for x in sub[::2]):
                pieces.extend(sub)
            else:
                pieces.append(part)
        for raw in pieces:
            if raw in mw.member_seps:
                pos += len(raw)
                continue
            it = raw.strip()
            s = pos + raw.find(it) if it else pos
            pos += len(raw)
            if not it:
                continue
            name = it
            fac = next((f for f in facilities if name.endswith(f) and len(name) > len(f) + 1), None)
            if fac:
                name = name[:-len(fac)]
                known = next((k for k in st.lex.words("industry_terms", "known_brand")
                              if name.startswith(k)), None)
                place = next((p for p in sorted(st.places, key=len, reverse=True)
                              if len(p) >= 2 and name.endswith(p) and len(name) - len(p) >= 2), None)
                bsuf = next(((k, x) for x in st.lex.words("industry_terms", "brand_suffix")
                             for k in [name.find(x, 2)] if 2 <= k and k + len(x) < len(name)), None)
                if known:
                    name = known
                elif place:
                    name = name[:-len(place)]
                elif bsuf:
                    # "X股份张北基地": the brand ends with its brand word
                    name = name[:bsuf[0] + len(bsuf[1])]
            if not (2 <= len(name) <= 10) or not all(_is_han(c) or c.isalnum() for c in name) \
                    or any(h in name for h in mw.heads) \
                    or any(w in name for w in _Grammar.of(st.lex).name_stop) \
                    or (_is_place_by_form(st, name) if fac else _is_place(st, name)) \
                    or _enterprise_class(st, name) or _has_head(st, name) \
                    or any(name.startswith(w) for w in terms) \
                    or any(name.startswith(w) for w in st.lex.words("industry_terms", "brand_reject")) \
                    or name in st.lex.words("industry_terms", "not_brand") \
                    or any(name.startswith(w) for w in st.lex.words("industry_terms", "not_brand")):
                continue
            out.append((s, s + len(name), name))
    return out


def _scope_projects(st: DocState, s0: int, s1: int) -> None:
    """Inside a cluster scope, a 、-list whose items all end like a project (…项目, …基地,
    …二期) is a project list even without a build verb ("X产业集群：A项目、B基地。")."""
    t = st.text
    mw = _Words.of(st.lex)
    verbs = sorted(set(st.lex.words("clusters", "member_verb"))
                   | set(st.lex.words("project_patterns", "build_verb"))
                   | set(st.lex.words("project_patterns", "post_verb")), key=len, reverse=True)
    for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
        cs = s0 + cm.start()
        clause = cm.group(0)
        # the build verb closing the clause ("…三期开工建设") is no opening verb
        tail = mw.list_tail.search(clause)
        if tail and tail.start() > 0:
            clause = clause[:tail.start()]
        # "在建重点项目有A项目、B项目等12个": the list after a project head
        hm = next((m for rx in st.lex.patterns("clusters", "project_head_rx") for m in [rx.match(clause)] if m), None)
        if hm:
            clause = clause[:hm.end()] + mw.project_count.sub("", clause[hm.end():])
        cut = hm.end() if hm else 0
        for v in ([] if hm else verbs):
            k = clause.find(v)
            if k >= 0 and (k == 0 or k + len(v) > cut) and k < (clause.find("、") if "、" in clause else len(clause)):
                cut = max(cut, k + len(v))
        body = clause[cut:]
        body = mw.list_tail_opt.sub("", body)
        # "A项目、B项目进展顺利": a short predicate after the last project name
        body = mw.project_predicate.sub("", body) \
            if "、" in body else body
        pos = cs + cut
        items = []
        for raw in body.split("、"):
            it = raw.strip()
            s = pos + raw.find(it) if it else pos
            items.append((s, s + len(it), it))
            pos += len(raw) + 1
        if not items or not all(3 <= len(it) <= (40 if _full_enterprise_prefix(st, it) else 24)
                                and _has_head(st, it)
                                and not any(w in it for w in _Grammar.of(st.lex).name_stop) for _s, _e, it in items):
            continue
        # one item: a project head, or a plant built in the clause ("加快A封装测试基地建设")
        if len(items) == 1 and not mw.single_project_end.search(items[0][2]) \
                and not (tail and any(v in tail.group(0) for v in mw.plant_build_verb)
                         and items[0][2].endswith(mw.plant_head)
                         and len(items[0][2]) >= 6):
            continue
        for s, e, it in items:
            if not any(a < e and s < b for (a, b) in st.projects) \
                    and it not in st.lex.words("project_patterns", "head") \
                    and not _generic_project(st, it):
                st.projects[(s, e)] = it


def _place_brand(st: DocState, item: str, brand: str | None) -> str | None:
    """A brand opened by a place: "长沙吉利汽车产业园" -> the known brand after the place (吉利);
    "X县数字经济产业园" (a place + words + a park right after them) names no enterprise."""
    if not brand:
        return brand
    mw = _Words.of(st.lex)
    places = lexicon_place_names(st.lex) | set(st.places) \
        | {p[:-1] for p in st.places if len(p) >= 3 and p[-1] in mw.place_mark} \
        | set(mw.county_organ.findall(st.text))
    p = next((x for x in sorted(places, key=len, reverse=True)
              if len(x) >= 2 and brand.startswith(x) and len(brand) - len(x) >= 2), None)
    if not p:
        return brand
    rest = item[len(p):]
    known = next((k for k in st.lex.words("industry_terms", "known_brand") if rest.startswith(k)), None)
    if known:
        return known
    if item[len(brand):].startswith(mw.brand_park):
        return None
    return brand


def _colon_members(st: DocState, cspan: tuple[int, int], s0: int, s1: int) -> list[tuple[int, int, str]]:
    """"X产业集群：A股份有限公司、B、C三期项目。": a list right after the cluster's colon names
    its members; the items that are no project (no project head) are enterprises."""
    t = st.text
    if not re.fullmatch(r"(?:[（(][^（）()]{1,30}[）)])?\s*[:：]\s*", t[cspan[1]:s0]):
        return []
    cm = re.compile(r"[,，。;；!?！？\n]").search(t, s0, s1)
    body = t[s0:cm.start() if cm else s1]
    if "、" not in body:
        return []
    out = []
    pos = s0
    tail = _Words.of(st.lex).colon_item_tail
    for raw in body.split("、"):
        it = raw.strip()
        s_ = pos + (raw.find(it) if it else 0)
        pos += len(raw) + 1
        it = tail.sub("", it)
        if 4 <= len(it) <= 30 and _has_head(st, it) and not _generic_project(st, it) \
                and not any(w in it for w in _Grammar.of(st.lex).name_stop) \
                and not any(a < s_ + len(it) and s_ < b for (a, b) in st.projects):
            st.projects[(s_, s_ + len(it))] = it
            continue
        if not (2 <= len(it) <= 30) or _has_head(st, it) or any(w in it for w in _Grammar.of(st.lex).name_stop) \
                or re.search(r"[0-9]", it) or _is_place(st, it) or _enterprise_class(st, it) \
                or it.startswith(tuple(st.lex.words("industry_terms", "term"))) \
                or any(w in it for w in st.lex.words("industry_terms", "public_body")) \
                or it.startswith(tuple(st.lex.words("industry_terms", "public_start"))):
            continue
        out.append((s_, s_ + len(it), it))
    return out


def _short_forms(st: DocState, s0: int, s1: int) -> list[str]:
    """Short forms written in brackets after full enterprise names in [s0, s1)
    ("A集团股份有限公司（A股份）"), with a leading 中国 also dropped (中国X -> X)."""
    out = []
    for m in _Words.of(st.lex).bracket_short.finditer(st.text[s0:s1]):
        x = m.group(1)
        out.append(x)
        for p in st.lex.words("industry_terms", "short_drop_prefix"):
            if x.startswith(p) and len(x) - len(p) >= 2:
                out.append(x[len(p):])
    return out


def _short_name_members(st: DocState, s0: int, s1: int, have: list[str]) -> list[tuple[int, int, str, str]]:
    """"除A、B两家龙头企业外" / "A、B等龙头企业" in a cluster scope: A and B are short names; a
    company named in full anywhere in the document whose name (after a place) opens with
    one is the member, and so is every project named with it (A…项目)."""
    t = st.text
    mw = _Words.of(st.lex)
    rx = mw.short_name_list
    full_rx = mw.full_company
    fulls = [(m.start(), m.end(), m.group(0)) for m in full_rx.finditer(t)]
    openers = sorted(set(st.lex.words("clusters", "clause_adverb"))
                     | set(st.lex.words("clusters", "member_verb"))
                     | set(mw.short_name_opener), key=len, reverse=True)
    out: list[tuple[int, int, str, str]] = []
    for m in rx.finditer(t, s0, s1):
        pos = m.start(1)
        for it in m.group(1).split("、"):
            a, b = pos, pos + len(it)
            pos = b + 1
            # "除A、B两家龙头企业外": the first item starts after an opening word
            w = next((w for w in openers if it.startswith(w) and len(it) - len(w) >= 2), None)
            if w and a == m.start(1):
                it, a = it[len(w):], a + len(w)
            if _is_place_by_form(st, it) or _enterprise_class(st, it) or any(c in _Grammar.of(st.lex).func for c in it[:1]):
                continue
            full = None
            for fa, fb, fx in fulls:
                # the company name starts after the last function word / verb before it
                k = fx.find(it)
                if k < 0:
                    continue
                # the name starts at a place right before the short name, else at it
                # ("首先来到青岛A交通装备有限公司" -> 青岛A…)
                pre = fx[:k]
                j = next(j for j in range(len(pre) + 1)
                         if j == len(pre) or _place_prefix(st, pre[j:]))
                full = (fa + j, fb, fx[j:])
                break
            name = full[2] if full else it
            if name not in have:
                out.append((a, b, name, "Enterprise"))
            # projects named with it anywhere in the document
            for pm in re.finditer(rf"{re.escape(it)}[{_HAN}A-Za-z0-9]{{2,30}}?{re.escape(mw.project)}", t):
                pname = pm.group(0)
                if any(w in pname for w in _Grammar.of(st.lex).name_stop) or _generic_project(st, pname) \
                        or mw.company in pname:
                    continue
                st.projects.setdefault((pm.start(), pm.end()), pname)
                if pname not in have:
                    out.append((pm.start(), pm.end(), pname, "Project"))
    return out


def _brand_word(st: DocState, brand: str, known: list[str]) -> bool:
    """A project's brand that stands for an enterprise of its own where the scope names its
    enterprises in full: a known brand or one closed by a brand word (X科技, X矿业), and
    neither inside a named enterprise nor opening with one's short form."""
    if any(brand in k or (brand.startswith(k) and len(k) >= 2) for k in known):
        return False
    return any(brand.startswith(k) for k in st.lex.words("industry_terms", "known_brand")) \
        or any(brand.endswith(w) and len(brand) > len(w)
               for w in st.lex.words("industry_terms", "brand_suffix"))


def _clause_projects(st: DocState, s0: int, s1: int) -> None:
    """Inside a cluster scope, a clause whose subject is a project ("目前，A二期项目主体厂房已
    封顶", "B股份有限公司（B）C扩建项目已进入设备安装阶段"): the name up to 项目/工程.  After a
    full enterprise name with its short form in brackets the project is what follows."""
    t = st.text
    mw = _Words.of(st.lex)
    adverbs = sorted(st.lex.words("clusters", "clause_adverb"), key=len, reverse=True)
    verbs = tuple(set(st.lex.words("project_patterns", "build_verb"))
                  | set(st.lex.words("clusters", "member_verb"))
                  | set(st.lex.words("clusters", "subject_verb"))
                  | set(st.lex.words("clusters", "scope_verb")))
    for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
        k = s0 + cm.start()
        moved = True
        while moved:
            moved = False
            for w in adverbs:
                if t.startswith(w, k) and k + len(w) < s0 + cm.end():
                    k += len(w)
                    moved = True
                    break
        # an opening support / build verb ("推动A有限公司扩能项目满产达效")
        if t.startswith(mw.new_mark, k) and any(t.startswith(w, k + len(mw.new_mark)) for w in verbs):
            k += len(mw.new_mark)            # "新签约了A项目"
        v = next((w for w in sorted(verbs, key=len, reverse=True) if t.startswith(w, k)), None)
        if v:
            k += len(v)
            if t.startswith(mw.aspect, k):
                k += len(mw.aspect)
        ce = s0 + cm.end()
        while k < ce:
            m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{4,40}}?{mw.head_alt}").match(t, k, ce)
            # "X生物工程股份有限公司建设Y项目": a 工程 inside a company name ends nothing
            while m and t.startswith(mw.company_inner, m.end()):
                m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{{m.end() - k + 1},40}}?{mw.head_alt}").match(t, k, ce)
            # a project ending its clause is the object of the opening verb only
            if not m or (m.end() == ce and not v):
                break
            ps, name = m.start(), m.group(0)
            # "引进了A有限公司年产10万吨X项目和B有限公司Y项目", "A有限公司的B二期项目…":
            # the project is what follows its enterprise
            em = _Grammar.of(st.lex).owned_project.match(name)
            owned = False
            if em and len(em.group(3)) >= 4 and not em.group(3).startswith((mw.close, "（", "(")) \
                    and "（" not in em.group(1) and "(" not in em.group(1):
                ps += len(name) - len(em.group(3))
                name = em.group(3)
                owned = True
            if name.startswith(verbs) or any(w in name for w in _Grammar.of(st.lex).name_stop) or _generic_project(st, name):
                break
            if "（" in name or "(" in name:
                bm = mw.bracketed_owner.match(name)
                if bm and len(bm.group(3)) >= 4:
                    ps += len(name) - len(bm.group(3))
                    name = bm.group(3)
                elif not _full_enterprise_prefix(st, name):
                    break
            if any(a < m.end() and ps < b for (a, b) in st.projects):
                break
            st.projects[(ps, m.end())] = name
            if owned:       # its enterprise is the company written before it, no brand in it
                st.project_owned.add((ps, m.end()))
            # the next project joined by 和/及/与/、 ("A项目和B项目")
            jm = mw.project_join.match(t, m.end(), ce)
            if not jm:
                break
            k = jm.end()
