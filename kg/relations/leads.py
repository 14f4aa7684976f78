"""``leads_action`` (stage ``leads``): 牵头 statements with co-leads, co-actions and 分别,
and interview framing (the department whose head is interviewed leads the actions it says it
carries out).
"""

from __future__ import annotations

import bisect
import re

from ..lexicon import LexiconWords, alternation, alternation_body
from ..model import Arg
from .base import _HARD
from .names import _bare
from .orgs import _abbr_match, _classify_org
from .registry import stage
from .state import DocState, add_fact, last_of, person_spans_in


class _Words(LexiconWords):
    """The words and regular expressions of action_patterns.tsv the leads_action readers use,
    built once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str) -> tuple[str, ...]:
            return lex.word_tuple("action_patterns", kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("action_patterns", kind)

        self.co_action_join = re.compile(alternation(w("co_action_join")))
        self.co_lead_join = re.compile(alternation(w("co_lead_join")))
        self.respectively = w("respectively_cue")[0]
        self.anaphor = alternation(w("anaphor_det"))
        self.label = rx("lead_label_rx")
        self.opener = rx("lead_opener_rx")
        self.role = w("role_cue")[0]
        self.launch_verb = re.compile(alternation(w("launch_verb")))
        self.launch_stop = re.compile(alternation(w("launch_stop")))
        self.subject_stop = w("subject_stop")
        self.launch_suffix = w("launch_suffix")
        self.anaphors = w("anaphor_det")
        self.launch_class = w("launch_class_word")
        self.launch_modifier = w("launch_modifier")
        # plan_items
        self.plan_item = rx("plan_item_rx")
        self.plan_name_end = frozenset(w("plan_name_end"))
        self.plan_lead_label = rx("plan_lead_label_rx")
        self.plan_duty_label = rx("plan_duty_label_rx")
        self.plan_paren = rx("plan_paren_rx")
        self.plan_sep = re.compile(alternation(w("plan_agency_sep")))
        self.assist = w("assist_cue")
        self.lead_cues = w("lead_cue")
        self.lead_cue_rx = re.compile(alternation_body(lex.words("action_patterns", "lead_cue")))  # longest first


# ------------------------------------------------------------------ leads_action
_SENTENCE = re.compile(r"[^。！？!?\n]+")
_LAUNCH_GAP = 40     # at most this many characters between a launching agency and its action
_SUBJECT_LEAD = 12   # at most this many characters of a time / topic phrase before a subject


def _agencies(st: DocState) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Every organisation that can be an agency, the rules' first, then the model's (a named
    body: its span ends like an organisation), by start (stable: the rules' one first where both
    name one span), with their starts; built once per document.  The key is the count of the
    rules' organisations: stages only ever add to ``orgs``, so a new count means a new index."""
    key = ("_agencies", len(st.orgs))
    got = st.memo.get(key)
    if got is None:
        out = [(a, b, x[0]) for (a, b), x in st.orgs.items()]
        for a, b, typ, _sub, x in st.ner_v:
            if typ == "Organization" and not any(c in _HARD for c in x) \
                    and (st.lex.ends_with_org_suffix(x) or _abbr_match(st, x)):
                out.append((a, b, x))
        out.sort(key=lambda z: z[0])          # stable: the rules' first at one start
        got = st.memo[key] = ([z[0] for z in out], out)
    return got


def _orgs_in(st: DocState, s: int, e: int) -> list[tuple[int, int, str]]:
    """The agencies (:func:`_agencies`) within [s, e), by start, none inside a longer one."""
    # (speed) the candidates starting in [s, e) by bisection, in the order a scan of the rules'
    # organisations and then the model's gave (the sort below is stable)
    starts, agencies = _agencies(st)
    lo, hi = bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)
    out = [z for z in agencies[lo:hi] if z[1] <= e]
    # drop spans inside longer ones
    out.sort(key=lambda z: (z[0], -(z[1] - z[0])))
    res = []
    for z in out:
        if res and res[-1][0] <= z[0] and z[1] <= res[-1][1]:
            continue
        res.append(z)
    return res


def _actions_in(st: DocState, s: int, e: int) -> list[tuple[int, int, str]]:
    return sorted((a, b, n) for (a, b), n in st.actions.items() if s <= a and b <= e)


def _umbrella(st: DocState, name: str) -> bool:
    # "“三个一批”项目建设活动": a quoted numeral slogan followed by its own head word names
    # one campaign ("“六个行动”" alone stays an umbrella)
    qm = re.match(r"^\s*[“「『\"]([^”」』\"]+)[”」』\"](.+)$", name)
    if qm and qm.group(2).strip() and not any(
            qm.group(1).endswith(x) for x in st.lex.words("action_patterns", "suffix")):
        return False
    bare = _bare(name)
    return any(rx.search(bare) for rx in st.lex.patterns("action_patterns", "umbrella"))


@stage(requires=("view", "text", "ner_v", "chains", "orgs", "actions"),
       assigns=("facts",))
def leads(st: DocState) -> None:
    t = st.text
    crx = _Words.of(st.lex).lead_cue_rx
    done: set[tuple[str, str]] = set()

    def emit(org: str, act: tuple[int, int, str], span: tuple[int, int], ex: str, c: float):
        key = (org, _bare(act[2]))
        if key in done:
            return
        done.add(key)
        args = {"agency": Arg(org, "Organization", st.lex.org_subtype(org)),
                "action": Arg(act[2], "Action")}
        add_fact(st, "leads_action", args, span, ex, c)

    for sm in _SENTENCE.finditer(t):
        ss, se = sm.start(), sm.end()
        for cm in crx.finditer(t, ss, se):
            pairs = _respectively(st, ss, se, cm.start())
            if pairs:
                for o, a in pairs:
                    emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)
                continue
            picked = _lead_pick(st, ss, se, cm.start(), cm.end())
            if picked is None:
                continue
            org, act = picked
            if org is None:
                # "作为X的牵头部门，我们将…" inside an interview: the interviewee's department
                iorg = _interview_org_before(st, cm.start())
                if iorg:
                    # "我局将牵头实施A和B": every joined action
                    for a in _co_actions(st, act, ss, se):
                        emit(iorg, a, (a[0], a[1]), "interview_frame", 0.7)
                continue
            for o in _co_leads(st, org):
                # the action may stand in the sentence before (一、实施A和B。由C牵头…)
                lo = ss if act[0] >= ss else max(t.rfind("\n", 0, act[0]) + 1, act[0] - 120)
                for a in _co_actions(st, act, lo, se):
                    emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)

    # interview framing
    lead_sufs = st.lex.words("action_patterns", "lead_suffix")
    verbs = st.lex.words("action_patterns", "intro_verb")
    heads = [c for c in st.chains if c.interview]
    for i, ch in enumerate(heads):
        org = next((o for o, k, _t in ch.elements if k == "org"), None)
        if org is None:
            continue
        # the section starts at the headline line before the interview header
        line_start = t.rfind("\n", 0, ch.start) + 1
        prev_line_start = t.rfind("\n", 0, max(0, line_start - 1)) + 1
        headline = t[prev_line_start:line_start].strip()
        sec_start = prev_line_start if (headline and len(headline) <= 40
                                        and not re.search(r"[。!！?？]$", headline)) \
            else line_start
        if i + 1 < len(heads):
            nxt = heads[i + 1].start
            nl = t.rfind("\n", 0, nxt) + 1
            pl = t.rfind("\n", 0, max(0, nl - 1)) + 1
            sec_end = pl if pl > sec_start else nl
        else:
            sec_end = len(t)
        for a in _actions_in(st, sec_start, sec_end):
            bare = _bare(a[2])
            if _umbrella(st, a[2]) or not any(bare.endswith(s) for s in lead_sufs):
                continue
            in_headline = a[0] < line_start
            pre = t[max(sec_start, a[0] - 8):a[0]]
            introduced = any(pre.endswith(v) for v in verbs)
            if in_headline or introduced:
                emit(org, a, (a[0], a[1]), "interview_frame", 0.7)
                # "实施A行动和B工程": the actions joined to an introduced one
                if introduced:
                    for a2 in _co_actions(st, a, a[0], min(sec_end, a[1] + 60)):
                        if any(_bare(a2[2]).endswith(x) for x in lead_sufs):
                            emit(org, a2, (a2[0], a2[1]), "interview_frame", 0.7)


@stage(requires=("view", "text", "ner_v", "persons", "orgs", "actions", "facts"), assigns=("facts",))
def launches(st: DocState) -> None:
    """An agency that starts or runs its own named action leads it (X局在全市开展Y行动, X局召开Y行动
    推进会, A、B联合开展Y活动): the agency nearest before the action in its sentence, at most
    ``_LAUNCH_GAP`` characters before it, opens its clause as the subject (:func:`_opens_clause`);
    a ``launch_verb`` stands between them, and no ``launch_stop`` word (a participant, a host, a
    speaker), no person and no ``launch_modifier`` (X局的…) does.  The action ends with a
    ``launch_suffix`` and is no anaphor (此次行动) and no class (``launch_class_word``: A、B等活动).
    Agencies joined to it (A、B联合…) lead too, and a span glued over a join (X局联合Y局) gives
    its bodies (:func:`_joined_parts`).  An action a 牵头 statement already gave an agency is
    left to it."""
    t = st.text
    lw = _Words.of(st.lex)
    led = {_bare(f.args["action"].text) for f in st.facts if f.relation == "leads_action"}
    done: set[tuple[str, str]] = set()
    # (speed) the sentences that hold an action, found by bisection from the actions, in order
    sents = [(m.start(), m.end()) for m in _SENTENCE.finditer(t)]
    sent_starts = [a for a, _b in sents]
    by_sent: dict[int, list[tuple[int, int, str]]] = {}
    for a in sorted((a, b, n) for (a, b), n in st.actions.items()):
        k = bisect.bisect_right(sent_starts, a[0]) - 1
        if k >= 0 and a[1] <= sents[k][1] and not _umbrella(st, a[2]):
            by_sent.setdefault(k, []).append(a)
    for k, acts in sorted(by_sent.items()):
        ss, se = sents[k]
        # (speed) the sentence's agencies by end, for the ones that end just before an action
        orgs = sorted(_orgs_in(st, ss, se), key=lambda o: o[1])
        org_ends = [o[1] for o in orgs]
        run: tuple[int, list] | None = None      # (end, agencies) of the last action launched
        for a in acts:
            bare = _bare(a[2])
            # an anaphor (此次行动) or a class of activities (A、B等活动) names no campaign here
            if bare in led or not bare.endswith(lw.launch_suffix) or bare.startswith(lw.anaphors) \
                    or any(c in bare for c in lw.launch_class):
                continue
            # "实施“A行动”“B行动”、“C”工程": an action right after one the agencies launch (nothing
            # between them, or a co_action_join word) is theirs too, however far the agency
            if run is not None and (a[0] == run[0] or lw.co_action_join.fullmatch(t, run[0], a[0])):
                agencies = run[1]
            else:
                hi = bisect.bisect_right(org_ends, a[0])
                if hi == 0 or a[0] - org_ends[hi - 1] > _LAUNCH_GAP:
                    continue
                agency = _last_ending(orgs, org_ends, hi)
                gap = t[agency[1]:a[0]]
                if gap.startswith(lw.launch_modifier) or not lw.launch_verb.search(gap) \
                        or lw.launch_stop.search(gap) or person_spans_in(st, agency[1], a[0]):
                    continue
                co = _co_leads(st, agency)
                if not _opens_clause(st, co[0], ss):
                    continue
                agencies = [x for c in co for x in _joined_parts(st, c)]
            run = (a[1], agencies)
            for o in agencies:
                key = (o[2], _bare(a[2]))
                if key in done:
                    continue
                done.add(key)
                args = {"agency": Arg(o[2], "Organization", st.lex.org_subtype(o[2])),
                        "action": Arg(a[2], "Action")}
                add_fact(st, "leads_action", args, (o[0], a[1]), "launch", 0.7)


def _last_ending(orgs: list, org_ends: list[int], hi: int):
    """Of ``orgs[:hi]`` (sorted by end), the last by start among those with the latest end: the
    agency nearest before an action, as the last of a list by start ending there would be."""
    e = org_ends[hi - 1]
    lo = bisect.bisect_left(org_ends, e, 0, hi)
    return max(orgs[lo:hi], key=lambda o: o[0])


def _joined_parts(st: DocState, o: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """An agency span that joins two named bodies (X局联合Y局, 宣传部和县司法局, tagged as one) as
    its parts: the first join word with a named body on both sides (``和`` inside 工业和信息化局
    has none), the rest split again."""
    name = o[2]
    for m in _Words.of(st.lex).co_lead_join.finditer(name):
        left, right = name[:m.start()], name[m.end():]
        if left and right and st.lex.ends_with_org_suffix(left) and st.lex.ends_with_org_suffix(right):
            return [(o[0], o[0] + m.start(), left)] + _joined_parts(st, (o[0] + m.end(), o[1], right))
    return [o]


def _opens_clause(st: DocState, o: tuple[int, int, str], ss: int) -> bool:
    """The agency ``o`` is the subject of its clause: at most a short time or topic phrase before
    it since the clause start, and no word there that makes it an object (对X, 由X, 在X)."""
    t = st.text
    lw = _Words.of(st.lex)
    cl = max(last_of(st, ",，;；:：", o[0]), ss - 1) + 1
    pre = t[cl:o[0]]
    return len(pre) <= _SUBJECT_LEAD and not pre.endswith(lw.subject_stop) and not lw.launch_verb.search(pre)


def _co_actions(st: DocState, act, ss: int, se: int) -> list:
    """The action and those joined to it (牵头实施A和B / A、B由C牵头)."""
    t = st.text
    lw = _Words.of(st.lex)
    acts = [a for a in _actions_in(st, ss, se) if not _umbrella(st, a[2])]
    out = [act]
    for step in (-1, 1):
        cur = act
        while True:
            if step < 0:
                nxt = [a for a in acts if a[1] <= cur[0] and lw.co_action_join.fullmatch(t[a[1]:cur[0]])]
            else:
                nxt = [a for a in acts if a[0] >= cur[1] and lw.co_action_join.fullmatch(t[cur[1]:a[0]])]
            if not nxt:
                break
            cur = nxt[-1] if step < 0 else nxt[0]
            out.append(cur)
    return sorted(out)


def _co_leads(st: DocState, org: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """The agency and those joined to it before the cue (由A、B牵头 / A会同B牵头)."""
    t = st.text
    orgs = _orgs_in(st, max(0, org[0] - 80), org[1])
    out = [org]
    cur = org
    join = _Words.of(st.lex).co_lead_join
    while True:
        prev = [o for o in orgs if o[1] < cur[0] and join.fullmatch(t[o[1]:cur[0]])]
        if not prev:
            break
        cur = prev[-1]
        out.insert(0, cur)
    return out


def _interview_org_before(st: DocState, pos: int) -> str | None:
    heads = [c for c in st.chains if c.interview and c.start < pos]
    if not heads:
        return None
    return next((o for o, k, _t in heads[-1].elements if k == "org"), None)


def _respectively(st: DocState, ss: int, se: int, cs: int):
    """"A、B分别由C、D牵头": pairs in order."""
    t = st.text
    cue = _Words.of(st.lex).respectively
    k = t.rfind(cue, ss, cs)
    if k < 0:
        return []
    acts = [a for a in _actions_in(st, ss, k) if not _umbrella(st, a[2])]
    orgs = _orgs_in(st, k + len(cue), cs)
    cl = max(t.rfind(c, ss, k) for c in ",，;；") + 1
    acts = [a for a in acts if a[0] >= max(cl, ss)]
    if len(acts) >= 2 and len(acts) == len(orgs):
        return list(zip(orgs, acts))
    return []


def _lead_pick(st: DocState, ss: int, se: int, cs: int, ce: int):
    """(agency, action) for the 牵头 cue at [cs, ce) of sentence [ss, se), clause-aware:
    the action in the cue's clause (A由B牵头, B牵头实施A, 作为A的牵头部门), else the last
    one before it in the ；-segment (实施A，由B牵头抓总; A，B牵头，C配合); the agency before the
    cue in its clause, else after it (牵头单位为B), else the one that opens the next clause
    (作为A的牵头部门，B将…).  Agencies in a 配合 clause never lead."""
    t = st.text
    acts = [a for a in _actions_in(st, ss, se) if not _umbrella(st, a[2])]
    orgs = _orgs_in(st, ss, se)
    sufs = alternation_body(st.lex.words("action_patterns", "suffix"))
    anaphora = re.search(f"{_Words.of(st.lex).anaphor}(?:{sufs})", t[ss:cs])
    # "此次行动由B牵头，…开展A等系列活动": the anaphor before the cue names the action, not a
    # name after the cue
    if anaphora and not any(ss + anaphora.end() <= a[0] and a[1] <= cs for a in acts):
        acts = [a for a in acts if a[1] <= ss + anaphora.start()]
    if not acts and orgs:
        return _lead_of_action_before(st, orgs, ss, cs, ce, anaphora is not None)
    if not acts or not orgs:
        return None
    clause = _span_around(t, ss, se, cs, "，,；;")
    segment = _span_around(t, ss, se, cs, "；;")
    orgs = [o for o in orgs if not _assisting(st, o, ss, se)]
    act = _cued_action(acts, clause, segment, cs)
    if act is None:
        return None
    orgs = [o for o in orgs if not (act[0] <= o[0] < act[1])]
    if not orgs:
        return None
    zw = t.rfind(_Words.of(st.lex).role, clause[0], cs)
    if zw >= 0 and zw <= act[0] < cs:
        return _role_agency(st, orgs, zw, se, cs, ce), act
    before = [o for o in orgs if clause[0] <= o[0] and o[1] <= cs]
    after = [o for o in orgs if o[0] >= ce and o[1] <= clause[1]]
    if before:
        return before[-1], act
    if after:
        return after[0], act
    before_seg = [o for o in orgs if segment[0] <= o[0] and o[1] <= cs]
    return (before_seg[-1] if before_seg else None), act


def _lead_of_action_before(st: DocState, orgs: list, ss: int, cs: int, ce: int, anaphora: bool):
    """(agency, action) of a cue whose sentence names no action: the action of the sentence or
    text just before (由B牵头 opening a sentence, 该行动由B牵头, a 牵头单位：B line); or None."""
    t = st.text
    lw = _Words.of(st.lex)
    # "该行动由B牵头" / a "牵头单位：B" line under the action's line: the last action of
    # the text just before
    label = lw.label.match(t[ce:ce + 2])
    # "一、实施A行动。由B牵头抓总，C、D按职责分工负责。": a sentence that opens with
    # 由B牵头 leads the action named in the sentence before it (same item / line)
    opener = lw.opener.match(t[ss:cs])
    if opener:
        ps = last_of(st, "。！？!?\n", max(0, ss - 1)) + 1
        prev = [a for a in _actions_in(st, ps, ss) if not _umbrella(st, a[2])]
        before = [o for o in orgs if o[1] <= cs]
        if prev and before and ss - ps <= 160:
            return before[-1], prev[-1]
    if anaphora or label:
        prev = [a for a in _actions_in(st, max(0, ss - 120), ss) if not _umbrella(st, a[2])]
        if prev:
            act = prev[-1]
            before = [o for o in orgs if o[1] <= cs]
            after = [o for o in orgs if o[0] >= ce]
            org = (after[0] if label and after else (before[-1] if before else None))
            return org, act
    return None


def _span_around(t: str, ss: int, se: int, pos: int, seps: str) -> tuple[int, int]:
    """The stretch of sentence [ss, se) around ``pos`` between two of the separators ``seps``."""
    a = max([t.rfind(c, ss, pos) for c in seps] + [ss - 1]) + 1
    ends = [t.find(c, pos, se) for c in seps]
    b = min([x for x in ends if x >= 0] + [se])
    return a, b


def _assisting(st: DocState, o, ss: int, se: int) -> bool:
    """The organisation ``o`` stands in a clause that assists (配合) and does not lead."""
    a, b = _span_around(st.text, ss, se, o[0], "，,；;")
    seg = st.text[a:b]
    return any(w in seg for w in st.lex.words("action_patterns", "assist_cue")) \
        and not any(c in seg for c in st.lex.words("action_patterns", "lead_cue"))


def _cued_action(acts: list, clause: tuple[int, int], segment: tuple[int, int], cs: int):
    """The action a cue at ``cs`` leads: the nearest in its clause, else the last before it in
    its ；-segment, else the segment's first, else the sentence's only one; or None."""
    cl0, cl1 = clause
    sg0, sg1 = segment
    in_clause = [a for a in acts if cl0 <= a[0] and a[1] <= cl1]
    if in_clause:
        return min(in_clause, key=lambda a: min(abs(a[0] - cs), abs(a[1] - cs)))
    seg_before = [a for a in acts if sg0 <= a[0] and a[1] <= cs]
    seg_any = [a for a in acts if sg0 <= a[0] and a[1] <= sg1]
    if seg_before:
        return seg_before[-1]
    if seg_any:
        return seg_any[0]
    if len({_bare(a[2]) for a in acts}) == 1:
        return acts[0]
    return None


def _role_agency(st: DocState, orgs: list, zw: int, se: int, cs: int, ce: int):
    """The agency of "作为A的牵头单位": the one right before 作为, else the one opening the
    clause after the cue, else none in an interview (the interviewee's), else the nearest."""
    adj = [o for o in orgs if o[1] <= zw and zw - o[1] <= 1]
    after = [o for o in orgs if o[0] >= ce]
    before = [o for o in orgs if o[1] <= zw]
    if adj:
        return adj[-1]
    comma = re.compile(r"[,，]").search(st.text, ce, se)
    if after and comma and 0 <= after[0][0] - comma.end() <= 6:
        return after[0]
    if _interview_org_before(st, cs):
        return None        # "…表示，作为X的牵头单位，我们将…": the interviewee's
    return before[-1] if before else (after[0] if after else None)


# ------------------------------------------------------------------ work-plan items
_PLAN_NAME = (4, 40)          # the length of an item's name
_PLAN_LABEL_LINES = 3         # the lines after an item in which its label may stand


@stage(requires=("view", "text", "ner_v", "places", "facts"), assigns=("facts",))
def plan_items(st: DocState) -> None:
    """Items of a work plan or a division of tasks (工作方案, 责任分解): a numbered item whose
    name (up to its first clause end) is followed by ``(X牵头)`` on its line, or by a label line
    ``牵头单位：A、B`` (every agency listed leads) or ``责任单位：A、B`` (the ones written before
    牵头, else the first) before the next item.  Each agency leads the item."""
    t = st.text
    aw = _Words.of(st.lex)
    done = {(f.args["agency"].text, f.args["action"].text) for f in st.facts if f.relation == "leads_action"}
    items = list(aw.plan_item.finditer(t))
    for k, m in enumerate(items):
        a = m.end()
        e = a
        while e < len(t) and t[e] not in aw.plan_name_end and t[e] != "\n" and e - a <= _PLAN_NAME[1]:
            e += 1
        name = t[a:e].strip()
        if not _PLAN_NAME[0] <= len(name) <= _PLAN_NAME[1] or e >= len(t):
            continue
        line_end = t.find("\n", e)
        line_end = len(t) if line_end < 0 else line_end
        agencies: list[str] = []
        pm = aw.plan_paren.match(t, e)
        if pm:
            agencies = _plan_agencies(st, pm.group(1), duty=False)
        else:
            # the label line after the item (before the next item, within a few lines)
            nxt = items[k + 1].start() if k + 1 < len(items) else len(t)
            pos = line_end
            for _ in range(_PLAN_LABEL_LINES):
                if pos >= nxt:
                    break
                end = t.find("\n", pos + 1)
                end = len(t) if end < 0 else end
                line = t[pos + 1:end]
                lm = aw.plan_lead_label.match(line) or aw.plan_duty_label.match(line)
                if lm:
                    agencies = _plan_agencies(st, line[lm.end():], duty=lm.re is aw.plan_duty_label)
                    break
                pos = end
        for org in agencies:
            if (org, name) in done:
                continue
            done.add((org, name))
            args = {"agency": Arg(org, "Organization", st.lex.org_subtype(org)), "action": Arg(name, "Action")}
            add_fact(st, "leads_action", args, (m.start(), line_end), "plan_item", 0.75)


def _plan_agencies(st: DocState, text: str, duty: bool) -> list[str]:
    """The leading agencies a label or bracket lists: the organisations of a list (、，),
    stopping at an assisting one (配合) or one that is no organisation; of a duty label
    (责任单位), those written before 牵头, else the first."""
    aw = _Words.of(st.lex)
    out: list[str] = []
    led: list[str] = []
    for x in (p.strip() for p in aw.plan_sep.split(text)):
        if not x:
            continue
        if any(c in x for c in aw.assist):
            break
        cue = next((c for c in aw.lead_cues if x.endswith(c)), None)
        if cue:
            x = x[:-len(cue)]
        if _classify_org(st, x) != "org":
            break
        out.append(x)
        if cue:
            led = list(out)
    return (led or out[:1]) if duty else out
