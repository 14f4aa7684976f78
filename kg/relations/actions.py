"""Action names (stages ``actions_grammar``, ``actions_bare``): from the action patterns,
and bare names (「」 quotes, noun phrases ending with an action suffix) in a sentence that says
who leads.
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation, alternation_body
from .base import QUOTE_PAIRS, _Grammar, _HAN, _is_han
from .names import _bare, _strip_quotes
from .places import _is_place
from .registry import stage
from .state import DocState, occurrences


class _Words(LexiconWords):
    """The words and regular expressions of action_patterns.tsv the action-name readers use,
    built once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str) -> tuple[str, ...]:
            return lex.word_tuple("action_patterns", kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("action_patterns", kind)

        self.class_of = rx("class_rx")
        self.name_join = w("name_join")
        self.quoted_infix = rx("quoted_infix_rx")
        self.scope_prefix = rx("scope_prefix_rx")
        self.year = rx("year_rx")
        self.scope_cut = rx("scope_cut_rx")
        self.join_alt = alternation(w("co_action_join"))
        self.tail_stop = alternation(w("quote_tail_stop"))
        self.tail_bad = frozenset(w("quote_tail_bad_char"))
        # a union join and the second name up to its suffix (“X行动2021”暨|Y专项行动)
        unions = w("union_join")
        # a verb that introduces or cuts a name ends the second name before its suffix
        # (“X行动2024”暨全市治安工作会议部署Y行动: no union)
        self.union_stop = w("intro_verb") + w("bare_cut")
        self.union = re.compile(
            f"(?:{alternation_body(unions)})([{_HAN}0-9\u201c\u201d]{{2,24}}?"
            f"(?:{alternation_body(lex.words('action_patterns', 'suffix'))}))") if unions else None
        # the suffixes (longest first, as lex.words gives them) as an alternation, one at a
        # position, and a name a verb introduces up to one (实施|城市精细化管理行动)
        self.suffix_rx = alternation_body(lex.words("action_patterns", "suffix"))
        self.suffix_at = re.compile(f"(?:{self.suffix_rx})")
        self.introduced = re.compile(
            f"(?:{alternation_body(lex.words('action_patterns', 'intro_verb'))})"
            f"((?:[{_HAN}0-9A-Za-z“”.]|{_DATE_DOT}){{2,22}}?(?:{self.suffix_rx}))")


def _action_ok(st: DocState, name: str) -> bool:
    bare = name.replace("“", "").replace("”", "").replace("‘", "").replace("’", "")
    suffix = next((s for s in st.lex.words("action_patterns", "suffix") if bare.endswith(s)),
                  None)
    if suffix is None:
        return False
    body = bare[: -len(suffix)]
    if len(body) < 2 or body in st.lex.words("action_patterns", "generic_body"):
        return False
    if any(body.startswith(q) for q in st.lex.words("action_patterns", "quantifier")):
        return False
    outside = re.sub("[“‘][^”’]*[”’]", "", name)
    # "家电以旧换新等系列促销活动": a class of activities, no name
    aw = _Words.of(st.lex)
    if aw.class_of.search(body):
        return False
    if any(w in body for w in _Grammar.of(st.lex).name_stop) or "、" in outside \
            or any(w in outside for w in aw.name_join):
        return False
    return True


def _is_infra(st: DocState, name: str) -> bool:
    bare = re.sub("[“”‘’\"]", "", name)
    return any(rx.search(bare) for rx in st.lex.patterns("project_patterns", "infra_cue"))


_YEAR_END = re.compile(r"(?:19|20)\d{2}$")


def _add_action(st: DocState, s: int, e: int, source: str) -> None:
    # "深化“X”活动": a verb right before the opening quote is no part of the name
    q = next((k for k in range(s, e) if st.text[k] in "“「『\""), None)
    v = next((w for w in st.lex.words("action_patterns", "quote_verb")
              if q is not None and q - len(w) >= s and st.text.startswith(w, q - len(w))), None)
    if v:
        s = q
    # "实施“X专项行动": a quote the name opens and never closes, or one closing before it,
    # is no part of it; any other unbalanced quote makes it no name ("部署“X行动2021”")
    t = st.text
    while s < e and any((t[s] == a and t.count(b, s, e) == 0) or t[s] == b for a, b in QUOTE_PAIRS):
        s += 1
    name = t[s:e]
    if any(name.count(a) != name.count(b) for a, b in QUOTE_PAIRS):
        return
    if _is_infra(st, name):
        st.projects.setdefault((s, e), name)
        return
    for (a, b) in list(st.actions):
        if a <= s and e <= b:
            return
        if s <= a and b <= e:
            del st.actions[(a, b)]
    st.actions[(s, e)] = name


@stage(requires=("text",),
       assigns=("actions", "projects"))
def actions_grammar(st: DocState) -> None:
    t = st.text
    sufs = st.lex.word_tuple("action_patterns", "suffix")
    aw = _Words.of(st.lex)
    suf_rx, suf_at = aw.suffix_rx, aw.suffix_at
    # quoted names: “温暖工程”, “三北”工程, “强基”行动
    umb = st.lex.patterns("action_patterns", "umbrella")
    for m in re.finditer(r"[“\"‘]([^“”‘’\"\n]{1,24})[”\"’]", t):
        inner = m.group(1)
        core = _YEAR_END.sub("", inner)       # “X行动2021”: the name of the year's campaign
        if core.endswith(sufs):
            if _action_ok(st, core) or any(rx.search(core) for rx in umb):
                _add_action(st, m.start(), m.end(), "quoted")
                # “X行动2021”暨Y专项行动: one campaign's name
                um = aw.union.match(t, m.end()) if aw.union else None
                if um and _action_ok(st, um.group(1)) and not any(v in um.group(1) for v in aw.union_stop):
                    _add_action(st, m.start(), um.end(), "quoted")
            continue
        # (speed) matched at m.end(), not in a copy of the rest of the text
        after = suf_at.match(t, m.end())
        if after and len(inner) >= 2:
            start = m.start()
            if not _is_han(inner[0]):
                # 优化营商环境“4.0”行动: the words before the quote belong to the name
                j = start
                while j > 0 and _is_han(t[j - 1]) and start - j < 10:
                    j -= 1
                pre = t[j:start]
                for v in sorted(st.lex.words("action_patterns", "intro_verb"), key=len):
                    k = pre.rfind(v)
                    if k >= 0:
                        pre = pre[k + len(v):]
                start = start - len(pre)
            _add_action(st, start, after.end(), "quoted")
    # umbrella names without quotes: 六个行动, 六大行动
    for rx in st.lex.patterns("action_patterns", "umbrella"):
        body = rx.pattern.lstrip("^")
        for m in re.finditer(f"(?:{body})(?:{suf_rx})", t):
            _add_action(st, m.start(), m.end(), "umbrella")
    # verb-introduced names: 实施城市精细化管理行动
    verbs = st.lex.words("action_patterns", "intro_verb")
    for m in aw.introduced.finditer(t):
        s, e = m.start(1), m.end(1)
        name = t[s:e]
        # "围绕如何全面深入推进“六大行动”": the name starts after the last verb in it
        inner = max(((name.rfind(v) + len(v)) for v in verbs if name.rfind(v) >= 0),
                    default=0)
        if inner:
            s += inner
            name = t[s:e]
        # strip a leading city / place prefix ("呼和浩特市助企行动")
        if _action_ok(st, name):
            _add_action(st, s, e, "intro_verb")
    # known national campaigns
    for w in st.lex.words("action_patterns", "known"):
        for m in re.finditer(re.escape(w), t):
            _add_action(st, m.start(), m.end(), "lexicon")
    # every other occurrence of an action named in this document
    # (speed) the occurrences from the document's index, not a scan of the text per name, and
    # the offsets inside an action span as a set, not a pass over the actions per occurrence
    names = {_bare(n) for n in st.actions.values()}
    covered = {i for a, b in st.actions for i in range(a, b)}
    for n in sorted(names, key=lambda x: (-len(x), x)):
        if len(n) < 4:
            continue
        for i in occurrences(st, n):
            if i not in covered:
                st.actions[(i, i + len(n))] = n
                covered.update(range(i, i + len(n)))


@stage(requires=("text", "places", "orgs", "actions"),
       assigns=("actions", "projects"))
def actions_bare(st: DocState) -> None:
    """Action names the verb/quote rules miss: 「保就业」行动, “技能X”培训行动, and bare
    noun phrases ending with an action suffix in a sentence that says who leads
    (产业链招商行动由市商务局牵头, 作为质量强市行动的牵头部门)."""
    suf_rx = _Words.of(st.lex).suffix_rx       # (longest first)
    _quoted_actions(st, suf_rx)
    _without_scope_prefix(st)
    cues = st.lex.words("action_patterns", "lead_cue")
    cut_words = sorted(set(st.lex.words("action_patterns", "bare_cut"))
                       | set(st.lex.words("action_patterns", "intro_verb")) | set(cues)
                       | set(st.lex.words("action_patterns", "lead_object_verb")),
                       key=len, reverse=True)
    _bare_actions(st, suf_rx, cues, cut_words)
    _widened_quoted_actions(st, cues, cut_words)
    _other_occurrences(st)


def _quoted_actions(st: DocState, suf_rx: str) -> None:
    """A quoted core (any quote style) with up to four words between the quote and the suffix."""
    t = st.text
    aw = _Words.of(st.lex)
    for m in re.finditer(rf"[“「『‘\"]([^“”「」『』‘’\"\n]{{2,16}})[”」』’\"]([{_HAN}]{{0,4}}?)"
                         rf"(?:{suf_rx})", t):
        s, e = m.start(), m.end()
        if any(a <= s and e <= b for a, b in st.actions):
            continue
        # "“十五五”时期重大工程": a period or a generic word between quote and suffix
        infix = m.group(2)
        if aw.quoted_infix.search(infix) \
                or infix in st.lex.words("action_patterns", "generic_body"):
            continue
        if _action_ok(st, _strip_quotes(st, t[s:e])):
            _add_action(st, s, e, "quoted")


def _without_scope_prefix(st: DocState) -> None:
    """Names found so far that start with a year or a scope word ("2025年…", "全市…") lose it."""
    t = st.text
    aw = _Words.of(st.lex)
    for (s0, e0), n in sorted(st.actions.items()):
        m0 = aw.scope_prefix.match(t[s0:e0])
        if m0 and len(_strip_quotes(st, t[s0 + m0.end():e0])) >= 4 \
                and _action_ok(st, _strip_quotes(st, t[s0 + m0.end():e0])):
            del st.actions[(s0, e0)]
            st.actions[(s0 + m0.end(), e0)] = t[s0 + m0.end():e0]


def _cut_after(body: str, cut_words: list[str]) -> int:
    """The end of the last cut word in ``body`` (0 if none)."""
    cut = 0
    for w in cut_words:
        k = body.rfind(w)
        if k >= 0:
            cut = max(cut, k + len(w))
    return cut


def _bare_actions(st: DocState, suf_rx: str, cues: list[str], cut_words: list[str]) -> None:
    """Noun phrases ending with an action suffix in a sentence with a lead cue (牵头)."""
    t = st.text
    for sm in re.finditer(r"[^。！？!?\n]+", t):
        ss, se = sm.start(), sm.end()
        if not any(c in t[ss:se] for c in cues):
            continue
        for m in re.finditer(f"(?:{suf_rx})", t[ss:se]):
            e = ss + m.end()
            s = _bare_action_start(st, ss, ss + m.start(), e, suf_rx, cut_words)
            name = t[s:e]
            if len(_strip_quotes(st, name)) < 4 or any(
                    (a <= s < b or a < e <= b) and not (s <= a and b <= e)
                    for a, b in st.actions):
                continue
            # "要以“X”行动为抓手，由B牵头": a quoted name found already is the whole name;
            # the words before its quote are the sentence's, not the name's
            if any(b == e and s < a and t[a] in "“「『‘\"" for a, b in st.actions):
                continue
            # an organisation or place at the start is the owner, not the name
            if st.lex.ends_with_org_suffix(t[s:e - 1]) or any(
                    a <= s < b for a, b in st.orgs):
                continue
            if _action_ok(st, _strip_quotes(st, name)) and not _is_place(st, name):
                _add_action(st, s, e, "bare")


# the dot of a date written in a name (“12•4”国家宪法日, “3·15”): between two digits it does
# not end the name (one pattern for the verb-introduced names and the bare names' walk back)
_DATE_DOT = "(?<=[0-9])[\u2022\u00b7\u30fb\uff0e](?=[0-9])"
_DATE_DOT_AT = re.compile(_DATE_DOT)


def _date_dot(t: str, i: int) -> bool:
    return _DATE_DOT_AT.match(t, i) is not None


def _bare_action_start(st: DocState, ss: int, k: int, e: int, suf_rx: str,
                       cut_words: list[str]) -> int:
    """Where a bare name whose suffix is [k, e) (sentence from ``ss``) starts: back over
    Han characters, quotes and digits, after a year, a cut word, an earlier name and a scope."""
    t = st.text
    aw = _Words.of(st.lex)
    j = k
    while j > ss and k - j < 24 and (_is_han(t[j - 1]) or t[j - 1] in "“”「」0123456789"
                                     or _date_dot(t, j - 1)):
        j -= 1
    # a leading year is not part of the name ("2025年…行动")
    ym = aw.year.match(t[j:k])
    if ym:
        j += ym.end()
    while j < k and t[j].isdigit():
        j += 1
    body = t[j:k]
    cut = _cut_after(body, cut_words)
    # "A行动和B行动": the second name starts after the conjunction
    for cm2 in re.finditer(f"(?:{suf_rx}){aw.join_alt}", body):
        cut = max(cut, cm2.end())
    s = j + cut
    pm0 = aw.scope_cut.match(t[s:e])
    if pm0:
        s += pm0.end()
    return s


def _widened_quoted_actions(st: DocState, cues: list[str], cut_words: list[str]) -> None:
    """A quoted name with words on both sides in a 牵头 sentence becomes the whole phrase."""
    # 数字经济“一号工程”升级版由Y牵头 -> the whole phrase (the words before start after a
    # verb or clause boundary)
    t = st.text
    aw = _Words.of(st.lex)
    for sm in re.finditer(r"[^。！？!?\n]+", t):
        ss, se = sm.start(), sm.end()
        if not any(c in t[ss:se] for c in cues):
            continue
        for (a, b) in sorted(k for k in st.actions if ss <= k[0] and k[1] <= se):
            if t[a] not in "“「『‘\"" or t[b - 1] not in "”」』’\"":
                continue
            rm = re.match(rf"[{_HAN}0-9.]{{1,6}}?(?={aw.tail_stop})", t[b:se])
            if not rm:
                continue
            j = a
            while j > ss and _is_han(t[j - 1]) and a - j < 8:
                j -= 1
            body = t[j:a]
            cut = _cut_after(body, cut_words)
            pm0 = aw.scope_cut.match(body[cut:])
            if pm0:
                cut += pm0.end()
            s0 = j + cut
            if any(a2 <= s0 < b2 for a2, b2 in st.orgs) or _is_place(st, t[s0:a]) \
                    or s0 >= a or rm.group(0)[-1] in aw.tail_bad:
                continue
            del st.actions[(a, b)]
            st.actions[(s0, b + rm.end())] = t[s0:b + rm.end()]


def _other_occurrences(st: DocState) -> None:
    """Every other occurrence of the names found, outside those already found."""
    # (speed) as in actions_grammar: the occurrences from the index, and the offsets inside an
    # action span as a set (an occurrence [i, e) overlaps a span's start side if i is inside
    # it, its end side if e - 1 is)
    names = {_bare(n) for n in st.actions.values()}
    covered = {i for a, b in st.actions for i in range(a, b)}
    for n in sorted(names, key=lambda x: (-len(x), x)):
        if len(n) < 4:
            continue
        for i in occurrences(st, n):
            e = i + len(n)
            if i not in covered and e - 1 not in covered:
                st.actions[(i, e)] = n
                covered.update(range(i, e))
