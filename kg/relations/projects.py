"""Projects and enterprises (stages ``project_lists``, ``projects_before_verb``,
``enterprise_lists``, ``written_heads``, ``named_projects``, ``subject_projects``): project
lists after a build verb, facilities before a completion verb, enterprise lists (A、B等企业),
named "…项目" and projects that are the subject of a clause.  The lists found go to
``DocState.lists`` for the cluster sections.
"""

from __future__ import annotations

import bisect
import re

from ..lexicon import LexiconWords, alternation_body
from ..model import SpanReach
from .base import _Grammar
from .items import _brand, _generic_project, _has_head
from .places import _is_place
from .registry import stage
from .state import DocState


class _Words(LexiconWords):
    """The project grammar of project_patterns.tsv these stages read, built once per lexicon."""

    def __init__(self, lex):
        def one(kind: str) -> str:
            return lex.word_tuple("project_patterns", kind, longest_first=False)[0]

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("project_patterns", kind)

        self.project = one("project_word")             # 项目
        self.works = one("works_word")                 # 工程
        self.heads = (self.project, self.works)
        self.close = one("list_close")                 # 等
        self.build_noun = one("build_noun")            # 建设
        self.close_rx = re.compile(re.escape(self.close) + r"([^、]*)$")
        self.list_noun = rx("list_noun_rx")
        self.list_join = rx("list_join_rx")
        self.enterprise_list = rx("enterprise_list_rx")
        self.lead_verbs = lex.word_tuple("project_patterns", "lead_verb", longest_first=False)
        self.sign_verbs = lex.word_tuple("project_patterns", "sign_verb", longest_first=False)
        self.name_cuts = lex.word_tuple("project_patterns", "name_cut", longest_first=False)
        self.named = rx("named_rx")
        self.generic_end = lex.word_tuple("project_patterns", "generic_end", longest_first=False)
        self.subject = rx("subject_rx")
        self.visit = rx("visit_rx")
        # the build verbs, longest first (as the lexicon gives them), and their regex
        self.build_verbs = lex.word_tuple("project_patterns", "build_verb")
        self.build_verb = re.compile(alternation_body(self.build_verbs))
        build = set(self.build_verbs)
        member = lex.word_tuple("clusters", "member_verb")
        # the adverbs that may open a project's clause, longest first
        self.clause_adverbs = tuple(sorted(set(lex.words("clusters", "clause_adverb"))
                                           | set(lex.words("clusters", "subject_adverb")), key=len, reverse=True))
        # the verbs a subject project's name does not start with (for one str.startswith)
        self.subject_verbs = tuple(sorted(build | set(member)))
        self.company = one("company_word")
        # the words a listed facility's text may open with, dropped before its name (longest first)
        self.facility_openers = tuple(sorted(self.build_verbs + member + self.lead_verbs, key=len, reverse=True))
        # named_projects: the words a name is cut after (longest first, then in code point order:
        # none from the hash seed), and those of them that make it a project's
        intro = set(lex.words("action_patterns", "intro_verb"))
        self.named_cuts = tuple(sorted(build | intro | set(self.sign_verbs) | set(self.name_cuts),
                                       key=lambda w: (-len(w), w)))
        self.named_verbs = frozenset(build | intro | set(self.sign_verbs))


def _project_lists(st: DocState) -> list[tuple[int, list[tuple[int, int, str]], list[tuple[int, int, str]]]]:
    """Lists of projects after a build verb.  Returns per list: (position, projects,
    enterprises) with view spans and names."""
    t = st.text
    pw = _Words.of(st.lex)
    vrx = pw.build_verb
    out = []
    for sent in re.finditer(r"[^。；;！？!?\n]+", t):
        segs = _verb_segments(st, sent.start(), sent.end(), vrx)
        group_proj = _groups_of_projects(st, segs)
        for body_s, pe, g in segs:
            split = _split_list_body(st, t[body_s:pe])
            if split is None:
                continue      # "…等改革", "…等业态": not projects
            head, items_txt, end_proj = split
            items = _list_body_items(st, items_txt, body_s)
            # a lone 2-character object ("等企业加快转型") is a verb's noun, not a project
            if not items or (len(items) == 1 and len(items[0][2]) < 3):
                continue
            if any(any(w in it for w in _Grammar.of(st.lex).name_stop) for _, _, it in items):
                continue
            projects, enterprises = _listed_projects(st, items, head, end_proj or group_proj[g])
            if projects or enterprises:
                out.append((body_s, projects, enterprises))
                for s, e, name in projects:
                    st.projects.setdefault((s, e), name)
                for s, e, name in enterprises:
                    st.enterprises.setdefault((s, e), name)
    return out


def _verb_segments(st: DocState, ss: int, se: int, vrx: re.Pattern[str]) -> list[tuple[int, int, int]]:
    """(body start, end, group) of the comma parts of sentence [ss, se) that list after a verb."""
    # group a verb part with the comma parts that continue its list; a group whose
    # last part ends with "等项目"/"项目" lists projects throughout
    t = st.text
    pw = _Words.of(st.lex)
    parts = [(m.start() + ss, m.end() + ss) for m in re.finditer(r"[^,，]+", t[ss:se])]
    segs: list[tuple[int, int, int]] = []     # (body start, end, group)
    active = False
    group = -1
    for ps, pe in parts:
        part = t[ps:pe]
        vm = vrx.search(part)
        off = ps
        if vm:
            group += 1
            segs.append((off + vm.end(), pe, group))
            active = True
        elif active and ("、" in part or part.rstrip().endswith(pw.project)):
            segs.append((off, pe, group))
        else:
            active = False
    return segs


def _groups_of_projects(st: DocState, segs: list[tuple[int, int, int]]) -> dict[int, bool]:
    """Group -> whether its last part ends with 项目 (tails aside): it lists projects throughout."""
    t = st.text
    pw = _Words.of(st.lex)
    tails = st.lex.words("project_patterns", "tail")
    group_proj = {}
    for bs, pe, g in segs:
        last = t[bs:pe].rstrip()
        for tl in tails:
            if last.endswith(tl) and tl not in (pw.close, pw.build_noun, pw.close + pw.project):
                last = last[: -len(tl)]
        group_proj[g] = last.endswith(pw.project)
    return group_proj


def _split_list_body(st: DocState, body: str) -> tuple[str, str, bool] | None:
    """(head after 等, the items' text, whether the list ends with a project word) of a list
    body; None when its head names something else than projects ("…等改革")."""
    pw = _Words.of(st.lex)
    tails = st.lex.words("project_patterns", "tail")
    head = ""
    items_txt = body
    end_proj = False
    m_deng = pw.close_rx.search(body)
    if m_deng:
        head = m_deng.group(1)
        items_txt = body[:m_deng.start()]
        for tl in tails:
            if head.endswith(tl) and tl != pw.close:
                head = head[: -len(tl)]
        end_proj = head.endswith(pw.heads) or head == ""
        if head and not end_proj and not _has_head(st, head):
            return None
    else:
        # "A项目、B项目建设": 建设 after a project name is the verb's noun
        if pw.list_noun.search(items_txt):
            items_txt = items_txt[:-2]
        for tl in tails:
            if items_txt.endswith(tl) and tl not in (pw.close, pw.build_noun) \
                    and len(items_txt) > len(tl) + 2:
                items_txt = items_txt[: -len(tl)]
                break
        if items_txt.endswith(pw.project):
            end_proj = True
    return head, items_txt, end_proj


def _list_body_items(st: DocState, items_txt: str, body_s: int) -> list[tuple[int, int, str]]:
    """(start, end, text) of the items of a list written from ``body_s``, without a leading
    build word, generic items left out."""
    pw = _Words.of(st.lex)
    # "A项目和B项目": 和/及/与 between two project names joins the list
    items_txt = pw.list_join.sub("、", items_txt)
    items = []
    pos = body_s
    for raw in items_txt.split("、"):
        s = pos + (len(raw) - len(raw.lstrip()))
        it = raw.strip()
        items.append((s, s + len(it), it))
        pos += len(raw) + 1
    # "新建年产5万吨X项目": the build word is not part of the name (the longest that fits)
    for n, (s, e, it) in enumerate(items):
        w = next((v for v in pw.build_verbs if it.startswith(v) and len(it) - len(v) >= 4), None)
        if w:
            items[n] = (s + len(w), e, it[len(w):])
    return [x for x in items if x[2] and not _generic_project(st, x[2])]


def _listed_projects(st: DocState, items: list[tuple[int, int, str]], head: str, listed: bool
                     ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """(projects, enterprises) a list's items name: each item with the list's head (A、B等X),
    or the items that are projects (``listed``: the list says so) and the brands they open."""
    pw = _Words.of(st.lex)
    projects: list[tuple[int, int, str]] = []
    enterprises: list[tuple[int, int, str]] = []
    if head and not head.endswith(pw.heads):
        for i, (s, e, it) in enumerate(items):
            projects.append((s, e, it + head))
            b = _brand(st, it)
            if b:
                enterprises.append((s, s + len(b), b))
        return projects, enterprises
    for i, (s, e, it) in enumerate(items):
        b = _brand(st, it)
        bare = b == it
        name = it
        if bare:
            # borrow the head of the next item that has brand + head
            for s2, e2, it2 in items[i + 1:]:
                b2 = _brand(st, it2)
                if b2 and b2 != it2:
                    name = it + it2[len(b2):]
                    break
        if not (listed or _has_head(st, name)):
            continue
        projects.append((s, e, name))
        if b:
            enterprises.append((s, s + len(b), b))
    return projects, enterprises


def _enterprise_lists(st: DocState) -> list:
    """"引进A、B、C等龙头企业": enterprises listed by name."""
    t = st.text
    out = []
    rx = _Words.of(st.lex).enterprise_list
    for m in rx.finditer(t):
        ents = []
        pos = m.start(1)
        for raw in m.group(1).split("、"):
            it = raw.strip()
            if it and _brand(st, it) and not _has_head(st, it) and len(it) <= 8:
                s_ = pos + (len(raw) - len(raw.lstrip()))
                ents.append((s_, s_ + len(it), it))
            pos += len(raw) + 1
        if ents:
            out.append((m.start(1), [], ents))
            for s_, e_, name in ents:
                st.enterprises.setdefault((s_, e_), name)
    return out


_CLAUSE_STOPS = ",，;；。:：!?！？\n"
_CLAUSE_RX = re.compile(f"[^{_CLAUSE_STOPS}]+")        # a clause: a run between clause stops


def _before_verb_rx(verbs: list[str], pw: "_Words") -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """:func:`_projects_before_verb`'s regex (a run of the clause before a completion verb), and
    the verbs' own alternation when no verb, list word or project word holds a clause stop
    (else None: the regex runs over the whole text)."""
    body = alternation_body(verbs)
    rx = re.compile(f"([^{_CLAUSE_STOPS}]+?)(?:{re.escape(pw.close + pw.project)}|{re.escape(pw.project)})?"
                    f"(?:{body})")
    if any(c in w for w in [*verbs, pw.close, pw.project] for c in _CLAUSE_STOPS):
        return rx, None
    return rx, re.compile(body)


def _in_clauses_with(t: str, rx: re.Pattern[str], verb_rx: re.Pattern[str] | None):
    """``rx.finditer(t)``, run only over the clauses (``_CLAUSE_RX``) where ``verb_rx`` finds a
    verb: a match of ``rx`` lies inside one clause and ends with a verb, and (speed) its lazy
    run tries every start of a clause to its end, which on a clause with no verb is all it does
    (quadratic in the clause's length)."""
    if verb_rx is None:
        yield from rx.finditer(t)
        return
    for c in _CLAUSE_RX.finditer(t):
        if verb_rx.search(t, c.start(), c.end()):
            yield from rx.finditer(t, c.start(), c.end())


def _projects_before_verb(st: DocState) -> list:
    """"S43机场高速、S29呼凉高速建成通车": a list of facilities before a completion verb."""
    t = st.text
    verbs = st.lex.words("project_patterns", "post_verb")
    if not verbs:
        return []
    pw = _Words.of(st.lex)
    rx, verb_rx = st.lex.cached("projects.before_verb_rx", lambda: _before_verb_rx(verbs, pw))
    out = []
    for m in _in_clauses_with(t, rx, verb_rx):
        s0 = m.start(1)
        txt = m.group(1)
        # drop a leading verb / function words ("争取呼包高铁…")
        for w in pw.facility_openers:
            if txt.startswith(w):
                s0 += len(w)
                txt = txt[len(w):]
                break
        projects = []
        pos = s0
        for raw in txt.split("、"):
            it = raw.strip()
            if it and _has_head(st, it) and not any(w in it for w in _Grammar.of(st.lex).name_stop) \
                    and len(it) <= 20 and it not in st.lex.word_set("project_patterns", "head") \
                    and not _generic_project(st, it):
                projects.append((pos, pos + len(it), it))
            pos += len(raw) + 1
        for s, e, name in projects:
            st.projects.setdefault((s, e), name)
        if projects:
            out.append((s0, projects, []))
    return out


@stage(requires=("text", "projects"),
       assigns=("projects",))
def named_projects(st: DocState) -> None:
    """"…项目" names outside lists ("签署量子产业创新基地项目…协议")."""
    t = st.text
    pw = _Words.of(st.lex)
    cuts = pw.named_cuts
    verbs = pw.named_verbs
    for m in pw.named.finditer(t):
        s, e = m.start(), m.end()
        seg = t[s:e]
        cut = 0
        cut_word = ""
        for c in cuts:
            i = seg.rfind(c, 0, len(seg) - 2)
            if i >= 0 and (i + len(c) > cut or (i + len(c) == cut and len(c) > len(cut_word))):
                cut, cut_word = i + len(c), c
        # only a name right after a verb that builds, signs or carries out projects, or the
        # next item of such a list ("推进A项目、B三期项目建设")
        listed = cut == 0 and s > 0 and t[s - 1] == "、" and any(
            b == s - 1 for (_a, b) in st.projects)
        if cut_word not in verbs and not listed:
            continue
        name = seg[cut:]
        body = name[:-2]
        if body.endswith(pw.close):
            continue
        if len(body) < 4 or body.endswith(pw.generic_end):
            continue
        if any(w in body for w in _Grammar.of(st.lex).name_stop) or body[0].isdigit() or _generic_project(st, name):
            continue
        st.projects.setdefault((s + cut, e), name)


@stage(requires=("text", "places", "projects"),
       assigns=("projects",))
def subject_projects(st: DocState) -> None:
    """Project mentions outside cluster scopes (after in_cluster, so they add no members): a
    "…项目" that is the subject of its clause before a progress word ("A二期项目已完成设备
    调试", "目前，B中心项目主体封顶") or the object of a visit verb ("察看了C产业化项目建设
    进展").  The name starts after an enterprise written before it (A有限公司X项目)."""
    t = st.text
    pw = _Words.of(st.lex)
    adverbs = pw.clause_adverbs
    verbs = pw.subject_verbs
    found = []
    for cm in _CLAUSE_RX.finditer(t):
        k, ce = cm.start(), cm.end()
        # the clause's adverbs, the longest that fits first, one after another
        while t.startswith(adverbs, k):
            w = next((w for w in adverbs if t.startswith(w, k) and k + len(w) < ce), None)
            if w is None:
                break
            k += len(w)
        m = pw.subject.match(t, k, ce)
        if m:
            found.append((m.start(), m.end()))
    for m in pw.visit.finditer(t):
        found.append((m.start(1), m.end(1)))
    for s0, e0 in found:
        name = t[s0:e0]
        em = _Grammar.of(st.lex).owned_project.match(name)
        if em and len(em.group(3)) >= 6:
            s0 += len(name) - len(em.group(3))
            name = em.group(3)
        if name.startswith(verbs) or any(w in name for w in _Grammar.of(st.lex).name_stop) or _generic_project(st, name) \
                or pw.company in name or _is_place(st, name[:-2]) or name[0].isdigit() \
                or name[:-2] in st.lex.word_set("project_patterns", "head") \
                or any(a < e0 and s0 < b for (a, b) in st.projects):
            continue
        st.projects[(s0, e0)] = name


def _written_heads(st: DocState, lists):
    """"推动X产业园项目投产": a list item cut before the 项目 written right after it
    takes it (the project is named as written, one project, not two)."""
    t = st.text
    pw = _Words.of(st.lex)
    n = len(pw.project)
    out = []
    for pos, projects, enterprises in lists:
        fixed = []
        for s, e, name in projects:
            if t.startswith(pw.project, e) and not name.endswith(pw.heads) \
                    and _has_head(st, name) and (s, e) in st.projects:
                del st.projects[(s, e)]
                st.projects.setdefault((s, e + n), name + pw.project)
                e, name = e + n, name + pw.project
            fixed.append((s, e, name))
        out.append((pos, fixed, enterprises))
    return out


@stage(requires=("text", "places"),
       assigns=("projects", "enterprises", "lists"))
def project_lists(st: DocState) -> None:
    """The project lists (after a build verb, with the enterprises their items name)."""
    st.lists = _project_lists(st)


@stage(requires=("text", "lists"),
       assigns=("projects", "lists"))
def projects_before_verb(st: DocState) -> None:
    """Facilities listed before a completion verb, as more lists."""
    st.lists = st.lists + _projects_before_verb(st)


@stage(requires=("text", "places", "lists"),
       assigns=("enterprises", "lists"))
def enterprise_lists(st: DocState) -> None:
    """Enterprise lists (A、B等企业), as more lists."""
    st.lists = st.lists + _enterprise_lists(st)


@stage(requires=("text", "ner_v", "orgs", "projects", "enterprises"),
       assigns=("enterprises",))
def known_enterprises(st: DocState) -> None:
    """Enterprises of enterprises.tsv written in the text (宁德时代, 三一重工): an enterprise where
    no name found so far overlaps it (a model or rule organisation, a project, a person, an
    enterprise, a model place running over it; a place inside it, 宁德 of 宁德时代, does not
    count), and not where a company name goes on after it (宁德时代|新能源科技有限公司,
    三一重工|集团: the name is part of a longer one, which the stage leaves to the others)."""
    known = st.lex.matcher("enterprises", "known")
    if not len(known):
        return
    hits = known.find_all(st.text)
    if not hits:
        return
    taken = [(a, b) for a, b, typ, _sub, _x in st.ner_v if typ in ("Organization", "Person")] \
        + list(st.orgs) + list(st.projects) + list(st.enterprises)
    # (speed) overlap tests by bisection: the names found before, and the ones added here
    # (which do not overlap one another)
    named = SpanReach(taken)
    added: list[tuple[int, int]] = []
    places = SpanReach((a, b) for a, b, typ, _sub, _x in st.ner_v if typ == "Place")
    # where another name starts: a company tail (below) does not run past one
    starts = sorted({a for a, _b in taken} | {a for a, _b, _x in hits})
    g = _Grammar.of(st.lex)
    tail = st.lex.cached("projects.company_tail_rx", lambda: re.compile(
        "[^\\W\\d_A-Za-z]{0,8}?(?:" + alternation_body(
            x for x, sub, _strip in st.lex.org_suffixes if sub == "enterprise" and len(x) >= 2) + ")"))
    t = st.text
    # (find_all: by start, the longest name first where names overlap: 比亚迪汽车 over 比亚迪)
    for a, b, x in hits:
        k = bisect.bisect_left(added, (b, -1))
        if named.overlaps(a, b) or (k > 0 and added[k - 1][1] > a) or places.crosses(a, b):
            continue            # named already, inside a longer name, or across one
        m = tail.match(t, b)
        if m and not any(c in g.func for c in m.group(0)):
            i = bisect.bisect_left(starts, b)
            if i == len(starts) or starts[i] >= m.end():
                continue        # a company name goes on after it (not another name's)
        st.enterprises.setdefault((a, b), x)
        bisect.insort(added, (a, b))


@stage(requires=("text", "projects", "lists"),
       assigns=("projects", "lists"))
def written_heads(st: DocState) -> None:
    """A list item cut before the 项目 written right after it takes it (:func:`_written_heads`)."""
    st.lists = _written_heads(st, st.lists)
