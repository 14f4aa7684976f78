"""Organisations: the organisation part of a post-chain element and its kind, abbreviations,
organisation short forms and the prefix+body+suffix grammar (stage ``org_grammar``),
organisations inside organisations (``nested_orgs``), and ``structure``: ``part_of``
(organisation inside an organisation) and ``located_in`` (organisation or project whose name
starts with a place).
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation_body
from ..model import Arg, SpanReach
from .base import _Grammar, _HAN, _HARD, _is_han, _prefix_hits, _prefixed_matches, find_all, is_outlet, \
    outlet_credit_end, outlet_parts, place_extension, team_cut
from .cleanup import _post_tail
from .places import _is_place, _is_place_by_form, _places_by_first, by_first, lexicon_place_names, lexicon_places_written, \
    own_places
from .registry import stage
from .state import DocState, add_fact, ner_spans_of_type, occurrence_index, person_spans_in


class _Words(LexiconWords):
    """The words and regular expressions of the organisation readers (grammar.tsv's
    organisation block and ``bare_admin_prefix``, persons.tsv's post-chain organisation block),
    built once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(file: str, kind: str) -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        rx = lex.plain_pattern

        # the organisation part of a post-chain element
        self.cut_keep = tuple(lex.patterns("persons", "org_cut_keep_rx"))
        self.interview_end = w("persons", "interview_verb_end")
        self.source_body = rx("persons", "source_body_rx")
        # org_grammar
        self.admin_prefix = w("grammar", "bare_admin_prefix")
        self.abbr_not_before = w("grammar", "org_abbr_not_before")
        self.prefixed_body = rx("grammar", "org_prefixed_body_rx")
        self.body_not_start = w("grammar", "org_body_not_start")
        self.body_start_ok = w("grammar", "org_body_start")
        # (a visiting team's name, grammar.tsv team_end, ends before the organisation after it)
        self.body_stop = _Grammar.of(lex).name_stop + w("grammar", "org_body_stop") + w("grammar", "team_end")
        self.inner_verb = w("grammar", "org_inner_verb")
        self.join = w("grammar", "org_join")
        self.event_tail = lex.word_tuple("grammar", "org_event_tail")
        self.not_alone = frozenset(w("grammar", "org_not_alone"))
        # _classify_org, nested_orgs, structure
        self.place_head = rx("grammar", "org_place_head_rx")
        self.part_not_start = w("grammar", "org_part_not_start")
        # media_outlets
        self.media_suffix = lex.word_tuple("grammar", "media_suffix")   # longest first
        # a credit label (来源) or a left stop (摄) before an outlet's name
        self.media_left = w("grammar", "media_cue") + w("grammar", "media_left_stop")
        self.media_after = rx("grammar", "media_after_rx")


def _starts_before(text: str, tail: str, words: list[str]) -> dict[str, list[int]]:
    """word -> the offsets i, increasing, where ``word + tail`` stands in ``text`` (overlapping
    ones too), for the ``words`` (non-empty; ``tail`` non-empty): one pass over the occurrences of ``tail``
    instead of one search of the text per word."""
    wordset = set(words)
    lengths = sorted({len(w) for w in wordset})
    out: dict[str, list[int]] = {}
    j = text.find(tail)
    while j >= 0:
        for n in lengths:
            if n > j:
                break
            q = text[j - n:j]
            if q in wordset:
                out.setdefault(q, []).append(j - n)
        j = text.find(tail, j + 1)
    return out


def _org_part_start(st: DocState, estart: int, tstart: int) -> int:
    """Left edge of the organisation part of a chain element [estart, tstart): see
    ``_org_part_start_raw``; then after a person named inside it, with the word joining two
    names after the person ("A和县委政法委书记B", "副主任A自治区人力资源社会保障厅副厅长B"),
    when an organisation follows."""
    a = _org_part_start_raw(st, estart, tstart)
    # "X督导组省商务厅处长A": the organisation written after a visiting team's name (grammar.tsv
    # team_end) is the title's
    t = st.text
    k = team_cut(st.lex, t[a:tstart])
    if k and _classify_org(st, t[a + k:tstart]) == "org":
        a += k
    # "天山网-新疆日报记者A": the last of two outlets a credit line joins
    parts = outlet_parts(st.lex, st.text[a:tstart]) if tstart - a >= 7 else None
    if parts:
        return a + parts[-1][0]
    # "青禾新闻网讯青禾市新闻传媒中心记者A": the organisation after an outlet's credit
    k = outlet_credit_end(st.lex, st.text[a:tstart])
    if k:
        return a + k
    if tstart - a < 5:
        return a
    joins = st.lex.word_tuple("persons", "name_join")
    cut, joined = a, False
    for s, e in person_spans_in(st, a, tstart):        # (starting at a or after)
        if e < tstart and 2 <= e - s <= 4:
            j = next((w for w in joins if t.startswith(w, e)), "")
            if e + len(j) > cut:
                cut, joined = e + len(j), bool(j)
    if cut == tstart and joined:
        # "书记A以及区长B": the title after the joining word has no organisation written
        return tstart
    if cut > a and tstart - cut >= 2 and _classify_org(st, t[cut:tstart]) == "org":
        if not joined and t.startswith(st.lex.word_tuple("persons", "follower"), cut):
            # "发言人A作主题发布青禾市委宣传部副部长B": the person's verb phrase before the
            # organisation is none of it -- the model's organisation ending at the title
            orgs = ner_spans_of_type(st, "Organization")
            s = next((s for s in range(cut + 1, tstart - 1) if (s, tstart) in orgs), None)
            if s is not None:
                return s
        return cut
    return a


def _org_part_start_raw(st: DocState, estart: int, tstart: int) -> int:
    """Left edge of the organisation part of a chain element [estart, tstart)."""
    # a headline line joined before the chain ("X委员会召开会议|X委员会主任…"): the
    # organisation starts on the chain's own line when that part is a placed organisation
    for j in sorted(set(st.view.joins) | set(st.orig_breaks), reverse=True):
        if estart < j < tstart:
            part = st.text[j:tstart]
            if len(part) >= 4 and st.lex.ends_with_org_suffix(part) \
                    and any(_is_place(st, part[:k]) for k in range(2, min(len(part) - 1, 8))):
                estart = j
            # "登录 | 注册" + a line "区委书记…": a whole abbreviation opening the chain's
            # line is no continuation of a word that is no place
            elif _abbr_match(st, part) and not _is_place_by_form(st, st.text[estart:j]):
                estart = j
            break
    ow = _Words.of(st.lex)
    seg = st.text[estart:tstart]
    gaz = lexicon_place_names(st.lex)
    cut = 0
    for w in st.lex.word_tuple("persons", "org_cut", longest_first=False):
        i = seg.rfind(w)
        while i >= 0:
            end = i + len(w)
            # persons.tsv org_cut_keep_rx: a cut word that is part of a name there ("访" inside
            # 信访局; 经 opening a zone's name: "X经开区党工委", "X经济技术开发区管委会")
            if any((km := r.match(seg, i)) is not None and km.end() == end for r in ow.cut_keep):
                i = seg.rfind(w, 0, i)
                continue
            # a cut word inside a place's name ("大同市市长": 同 of 大同市) is none
            # (gazetteer places only: a suffix makes a place of any "据X市")
            if any(seg[a:b] in gaz for a in range(max(0, i - 3), i + 1)
                   for b in range(end + 1, min(len(seg), end + 4) + 1) if b - a >= 3):
                i = seg.rfind(w, 0, i)
                continue
            cut = max(cut, end)
            break
    # "…在赣州市召开 / 本报记者 X": the byline's organisation is the paper itself, never the
    # headline joined before it
    for w in st.lex.words("persons", "media_self"):
        i = seg.rfind(w)
        if i > 0:
            return estart + i
    if cut:
        # "芜湖市经济和信息化局": 经 of 经济 is no cut when a place stands just before it
        ext = place_extension(st.text, estart + cut, estart, (lambda x_: _is_place(st, x_)), st.lex)
        # ... but an interview verb before that place is none of it ("——访X市大数据局",
        # "专访了X市…局")
        if ext < estart + cut:
            region = st.text[ext:estart + cut]
            ends = [region.rfind(w) + len(w) for w in ow.interview_end if region.rfind(w) >= 0]
            if ends:
                ext += max(ends)
        return ext
    return estart + cut


# "清陶(乌海)能源科技有限公司": a place in brackets inside a company's name
_PLACE_PARENS = re.compile(rf"[(（]([{_HAN}]{{2,4}})[)）]")


def _place_parens_start(st: DocState, close: int) -> int | None:
    """Where the bracketed place closed at ``close`` opens ("清陶(乌海)能源…": the company's name
    goes on over it): the bracket holds a place of 2-4 characters, a name character stands
    before it and one after it; else None."""
    t = st.text
    if close + 1 >= len(t) or t[close] not in ")）" or not _is_han(t[close + 1]):
        return None
    o = close - 1
    while o >= 0 and close - o <= 5 and t[o] not in "(（":
        o -= 1
    if o < 1 or close - o > 5 or t[o] not in "(（" or not _is_han(t[o - 1]):
        return None
    m = _PLACE_PARENS.fullmatch(t, o, close + 1)
    return o if m and _is_place(st, m.group(1)) else None


def _classify_org(st: DocState, text: str) -> str:
    """"org", "place" or "" (not an organisation: the chain is not a post chain)."""
    if text and ("(" in text or "（" in text):
        m = _PLACE_PARENS.search(text)
        if m and m.start() > 0 and m.end() < len(text) and not any(
                c in _HARD for c in text[:m.start()] + text[m.end():]) \
                and st.lex.ends_with_org_suffix(text):
            return "org"
    if not text or any(c in _HARD for c in text) or len(text) > 30:
        return ""
    if st.lex.ends_with_org_suffix(text) or _abbr_match(st, text):
        return "org"
    if _is_place(st, text):
        return "place"
    # (speed) the type of the first model organisation / place span of each text (3+
    # characters), once per document
    first_type = st.memo.get("_ner_first_type")
    if first_type is None:
        first_type = st.memo["_ner_first_type"] = {}
        for s, e, typ, _sub, x in st.ner_v:
            if typ in ("Organization", "Place") and len(x) >= 3:
                first_type.setdefault(x, typ)
    typ = first_type.get(text)
    if typ is not None:
        return "org" if typ == "Organization" else "place"
    # "<place>生态环境": a place followed by a department body without its suffix (but
    # "四川省绵阳市游仙区": a place followed by a place within it is a place)
    # (every place that starts it is tried: the places are a set, whose order the hash seed sets)
    heads = [p for p in _places_by_first(st).get(text[:1], ())
             if text.startswith(p) and len(text) - len(p) >= 2]
    if heads:
        return "place" if any(_is_place(st, text[len(p):]) for p in heads) else "org"
    m = _Words.of(st.lex).place_head.match(text)
    if m and len(text) - m.end() >= 2 and _is_place(st, m.group(0)):
        return "org"
    return ""


def _abbr_match(st: DocState, text: str) -> bool:
    rxs = st.lex.cached("orgs.abbr_rx", lambda: {
        a.short: re.compile("^" + re.escape(a.short).replace(re.escape("{place}"), f"[{_HAN}]{{2,8}}") + "$")
        for a in st.lex.abbreviations if a.scope == "whole" and "{place}" in a.short})
    for a in st.lex.abbreviations:
        if a.scope == "whole":
            if "{place}" in a.short:
                if rxs[a.short].match(text):
                    return True
            elif text == a.short:
                return True
        elif a.scope == "body" and text.endswith(a.short):
            return True
    return False


def _whole_short_forms(st: DocState) -> tuple[str, ...]:
    """The short forms abbreviations.tsv gives as whole names without a place (中央政治局, 县委),
    in file order, once per lexicon."""
    return st.lex.cached("orgs.whole", lambda: tuple(
        a.short for a in st.lex.abbreviations if a.scope == "whole" and "{" not in a.short))


def is_whole_short_form(st: DocState, text: str) -> bool:
    """Whether ``text`` is one of :func:`_whole_short_forms` (a set made once per lexicon)."""
    return text in st.lex.cached("orgs.whole_set", lambda: frozenset(_whole_short_forms(st)))


@stage(requires=("text", "ner_v", "places", "posts_rx"),
       assigns=("orgs",))
def org_grammar(st: DocState) -> None:
    """Organisation short forms (市发改委, 市委, 中共中央) and the prefix+body+suffix grammar."""
    t = st.text
    ow = _Words.of(st.lex)
    whole = _whole_short_forms(st)
    body = st.lex.cached("orgs.body", lambda: sorted(
        (a.short for a in st.lex.abbreviations if a.scope == "body"), key=len, reverse=True))
    prefixes = ow.admin_prefix
    # (speed) only the words written in t can match: the alternations keep their order, and
    # one with no word left matches nothing (its regex is not run); the lexicon's places written
    # in t by one automaton pass, the document's own ones by the index, before the sort (a
    # filter and a stable sort commute)
    written = occurrence_index(st).has
    places_in_t = sorted(lexicon_places_written(st.lex, t).union(
        p for p in own_places(st) if len(p) >= 2 and written(p)), key=len, reverse=True)
    pre = places_in_t + [p for p in prefixes if p in t]
    pre_rx = alternation_body(pre)
    hits = _prefix_hits(t, pre)
    hit_starts = {h[0] for h in hits}       # where a prefix (a place, 市, 县 …) is written
    body_rx = alternation_body(b for b in body if b in t)
    # body abbreviations after a prefix
    # (``re.finditer(f"(?:{pre_rx})" + rest, t)``, run by _prefixed_matches: a regex
    # alternation of the places tries each of them at every position that starts one)
    if body and pre_rx and body_rx:
        not_before = "".join(re.escape(c) for c in ow.abbr_not_before)
        rest = re.compile(f"(?:{body_rx})(?![{not_before}])")
        for start, m in _prefixed_matches(t, hits, rest):
            g0 = t[start:m.end()]
            if _mid_word_prefix(st, start, g0, places_in_t):
                continue
            st.orgs.setdefault((start, m.end()), (g0, "government"))
    # 市/区/县 + body + 局/委/办... (body without function words): f"(?:{pre_rx})" +
    # grammar.tsv org_prefixed_body_rx, run by _prefixed_matches with the part after the
    # prefix compiled once
    for start, m in _prefixed_matches(t, hits, ow.prefixed_body):
        end, b = m.end(), m.group(1)
        g0 = t[start:end]
        if _mid_word_prefix(st, start, g0, places_in_t):
            continue
        # 市政务服务…局 / 市民政局 / 市民族事务委员会 are 市 + a body starting with 政/民
        if (b.startswith(ow.body_not_start) and not b.startswith(ow.body_start_ok))\
                or any(w in b for w in ow.body_stop):
            continue
        # "X县委宣传部和县司法局": two organisations when a prefixed name follows the last join;
        # the first one only when no verb is inside it (see below)
        j, jw = max(((i, w) for w in ow.join for i in (g0.rfind(w),) if i >= 2), default=(-1, ""))
        if j > 0 and start + j + len(jw) in hit_starts:
            first = g0[:j]
            if st.lex.ends_with_org_suffix(first) and not any(first.find(w) >= 1 for w in ow.inner_verb):
                k = _post_tail(st, first)
                st.orgs.setdefault((start, start + j - k), (first[:len(first) - k], "government"))
            start, g0 = start + j + len(jw), g0[j + len(jw):]
            if not (len(g0) >= 3 and st.lex.ends_with_org_suffix(g0)):
                continue
        # "市委书记A到市教体局": the organisation is the prefixed name after the last verb
        k = max((i + len(w) for w in ow.inner_verb for i in (g0.rfind(w),) if i >= 1), default=-1)
        if k > 0:
            if not (len(g0) - k >= 3 and start + k in hit_starts and st.lex.ends_with_org_suffix(g0[k:])):
                continue
            start, g0 = start + k, g0[k:]
        # "X市人民政府主办": a host's role after its name is no 办 of an office
        tail = next((w for w in ow.event_tail if g0.endswith(w)), None)
        if tail:
            end, g0 = end - len(tail), g0[:-len(tail)]
            if not st.lex.ends_with_org_suffix(g0):
                continue
        # "平顶山市委常委、": the organisation ends before the post title
        k = _post_tail(st, g0)
        st.orgs.setdefault((start, end - k), (g0[:len(g0) - k], "government"))
    closed = st.lex.word_set("grammar", "org_whole_closed")
    for w in st.lex.cached("orgs.whole_sorted", lambda: sorted(whole, key=len, reverse=True)):
        if len(w) < 2 or w in ow.not_alone:
            continue
        for i in find_all(t, w):
            # 县政府办 of 县政府办公楼 / 县政府办好: a closed form is a name only before no Han
            # character or before a post title (县政府办主任)
            if w in closed and i + len(w) < len(t) and _is_han(t[i + len(w)]) \
                    and not st.posts_rx.match(t, i + len(w)):
                continue
            # "市委" inside "呼和浩特市委" still names the same organ; keep the longer span
            st.orgs.setdefault((i, i + len(w)), (w, None))
    # "来源：X县融媒体中心　作者：…", "主办：X县人民政府办公室": the body a page credits
    labels = st.lex.word_tuple("persons", "source_label")
    if labels:
        rx = st.lex.cached("orgs.source_label_rx", lambda: re.compile(
            rf"(?:{alternation_body(labels)})" + ow.source_body.pattern))
        for m in rx.finditer(t):
            if st.lex.ends_with_org_suffix(m.group(1)):
                st.orgs.setdefault((m.start(1), m.end(1)),
                                     (m.group(1), st.lex.org_subtype(m.group(1))))
    # "<place>市委" / "<place>党委" / "<place>政府"
    for a in st.lex.abbreviations:
        if a.scope == "whole" and a.short.startswith("{place}"):
            tail = a.short[len("{place}"):]
            starts = _starts_before(t, tail, places_in_t) if tail else \
                {p: list(find_all(t, p)) for p in places_in_t}
            for p in places_in_t:
                w = p + tail
                end = -1
                for i in starts.get(p, ()):      # = find_all(t, w)
                    if i >= end:
                        st.orgs.setdefault((i, i + len(w)), (w, None))
                        end = i + len(w)


def _mid_word_prefix(st: DocState, start: int, text: str, places: list[str]) -> bool:
    """A bare 市/区/县/旗 prefix that ends a longer place name ("鄂托克|旗发改委"): the
    organisation is not "旗发改委" (the model's or the chain's span carries the place).
    ``places``: the document's places written in its text (``text`` is the text at ``start``,
    so a place it starts with is one of them)."""
    # (speed) places by first character, once per list
    grouped = st.memo.get("_mid_word_places")
    if grouped is None or grouped[0] is not places:
        by: dict[str, list[str]] = {}
        for p in places:
            by.setdefault(p[:1], []).append(p)
        grouped = st.memo["_mid_word_places"] = (places, by)
    if any(text.startswith(p) for p in grouped[1].get(text[:1], ())) or start == 0:
        return False
    # a model organisation / place span runs over the prefix from the left
    # (speed: the offsets strictly inside such spans, once per document)
    inside = st.memo.get("_ner_org_place_inside")
    if inside is None:
        inside = st.memo["_ner_org_place_inside"] = {
            i for a, b, typ, _sub, _x in st.ner_v if typ in ("Organization", "Place")
            for i in range(a + 1, b)}
    return start in inside


# ------------------------------------------------------------------ media_outlets
# the view is NFKC-normalised (ingest): its commas, colons, brackets and spaces are ASCII
_MEDIA_LEFT = " \t\n,;:。、|>-—《“\"(【■□●/"   # may stand before an outlet's name
_CUE_GAP = " \t:"                           # between a credit label and the outlet's name
_MEDIA_MAX = 12                             # characters of an outlet's name at most
# what follows an outlet's name on a credit line of its own: a date, a dash or the line's end
_CREDIT_LINE_END = re.compile(r"(?:[^\S\n]|[|｜])*(?:\d|\n|\Z|[-—])")


@stage(requires=("view", "text", "orig_breaks", "orgs"),
       assigns=("orgs",))
def media_outlets(st: DocState) -> None:
    """News outlets a page credits (来源：南海网, 合肥晚报讯, 新华网重庆10月22日电, a credit line
    "湖北日报客户端 2024-10-08", 《湖南日报》, 新海南客户端、南海网、南国都市报): organisations
    (subtype other).  A name is a run of Han characters ending with a ``media_suffix`` that
    starts after a separator (``_MEDIA_LEFT``), a ``media_cue`` or a ``media_left_stop``; it
    counts where a credit frames it: a cue or a left stop before it (来源：, 王立摄),
    ``media_after_rx`` after it, a line or 《》 of its own, or a 、-list with such a name."""
    t = st.text
    ow = _Words.of(st.lex)
    found: dict[tuple[int, int], bool] = {}       # span -> credited
    ends: set[int] = set()
    # a name starts on its own line: no walk back over a line break the view or ingest removed
    breaks = set(st.view.joins) | set(st.orig_breaks)
    for suf in ow.media_suffix:
        for e in (i + len(suf) for i in find_all(t, suf)):
            if e in ends or (e < len(t) and _is_han(t[e]) and not ow.media_after.match(t, e)):
                continue
            ends.add(e)
            s = e - len(suf)
            while s > 0 and e - s < _MEDIA_MAX and _is_han(t[s - 1]) and s not in breaks \
                    and not t.endswith(ow.media_left, 0, s):
                s -= 1
            name = t[s:e]
            k = s                                  # the cue may stand before a colon and spaces
            while k > 0 and t[k - 1] in _CUE_GAP:
                k -= 1
            cue = t.endswith(ow.media_left, 0, k)
            if not is_outlet(st.lex, name) \
                    or (s > 0 and t[s - 1] not in _MEDIA_LEFT
                        and not t.endswith(ow.media_left, 0, s)):
                continue
            found[(s, e)] = (cue or bool(ow.media_after.match(t, e))
                             or (t[s - 1:s] == "《" and t[e:e + 1] == "》")
                             or ((s == 0 or t[s - 1] in "\n \t\u3000")
                                 and _CREDIT_LINE_END.match(t, e) is not None))
    # a 、-list of outlets is credited when one of them is
    by_end = {e: (s, e) for s, e in found}
    by_start = {s: (s, e) for s, e in found}
    todo = [x for x, ok in found.items() if ok]
    while todo:
        s, e = todo.pop()
        for x in (by_end.get(s - 1) if t[s - 1:s] == "、" else None,
                  by_start.get(e + 1) if t[e:e + 1] == "、" else None):
            if x is not None and not found[x]:
                found[x] = True
                todo.append(x)
    # an outlet that overlaps another organisation (or an outlet added here) is left to it
    orgs = SpanReach(st.orgs)
    added: set[int] = set()                     # the positions of the outlets added
    for (s, e), ok in found.items():
        if not ok or (s, e) in st.orgs:
            continue
        if orgs.overlaps(s, e) or any(p in added for p in range(s, e)):
            continue
        st.orgs[(s, e)] = (t[s:e], "other")
        added.update(range(s, e))


# ------------------------------------------------------------------ part_of / located_in
@stage(requires=("ner_v", "orgs"),
       assigns=("orgs",))
def nested_orgs(st: DocState) -> None:
    """An organisation named at the start of a longer one is an organisation too
    ("内蒙古医科大学附属X医院" -> 内蒙古医科大学, "X自治区人民政府新闻办公室" -> X自治区人民政府):
    the longest proper prefix of 4+ characters that ends in an organisation suffix of 2+
    characters, where that suffix is not the start of a longer one running past the cut
    (委员|会), and not a company inside a company's name: an earlier form of the same company
    (X实业|集团股份有限公司) or the parent of a branch (X有限公司|Y分公司, named as the page
    writes it: the real pages' gold lists the branch alone).
    ``structure`` then links the two by part_of."""
    sufs = [(x, sub) for x, sub, _ in st.lex.org_suffixes if len(x) >= 2]
    spans = {(a, b): x for (a, b), (x, _sub) in st.orgs.items()}
    for a, b, typ, _sub, x in st.ner_v:
        if typ == "Organization":
            spans.setdefault((a, b), x)
    for (a, b), x in sorted(spans.items()):
        if any(c in _HARD for c in x):
            continue
        for k in range(len(x) - 2, 3, -1):
            y = x[:k]
            suf = next((s_ for s_ in sufs if y.endswith(s_[0])), None)
            # a suffix running across the cut (委员|会, 办|公室) makes no cut
            if suf is None or any(x.startswith(w, i) for w, _ in sufs
                                  for i in range(max(0, k - len(w) + 1), k)):
                continue
            if suf[1] == "enterprise" and st.lex.org_subtype(x) == "enterprise":
                break
            st.orgs.setdefault((a, a + k), (y, suf[1]))
            break


def _name_prefixes(x: str, order: dict[str, int]) -> list[str]:
    """The names of ``order`` (name -> its place in the names' order) that start ``x`` and are
    at least two characters shorter, in the names' order.  (speed) From x's own prefixes, not
    a pass over every name of x's first character (their number grows with the text)."""
    return sorted((x[:k] for k in range(1, len(x) - 1) if x[:k] in order), key=order.__getitem__)


@stage(requires=("view", "ner_v", "places", "orgs", "projects"),
       assigns=("facts",))
def structure(st: DocState) -> None:
    orgs = {}
    for (a, b), (x, sub) in st.orgs.items():
        orgs[(a, b)] = x
    for a, b, typ, _sub, x in st.ner_v:
        if typ == "Organization":
            orgs.setdefault((a, b), x)
    orgs = {k: x for k, x in orgs.items() if not st.lex.post_suffix(x)}
    part_not_start = _Words.of(st.lex).part_not_start
    # (the facts' order) the names sorted, not in a set's order, which changes with the hash seed
    order = {y: k for k, y in enumerate(sorted(set(orgs.values())))}
    done = set()
    for (a, b), x in sorted(orgs.items()):
        for y in _name_prefixes(x, order):
            if y != x and x.startswith(y) and len(x) - len(y) >= 2 \
                    and st.lex.ends_with_org_suffix(y) and st.lex.ends_with_org_suffix(x) \
                    and not x[len(y):].startswith(part_not_start) and (x, y) not in done:
                if st.lex.org_subtype(x) == "enterprise":
                    continue
                done.add((x, y))
                add_fact(st, "part_of", {"part": Arg(x, "Organization", st.lex.org_subtype(x)),
                                       "whole": Arg(y, "Organization", st.lex.org_subtype(y))},
                           (a, b), "name_prefix", 0.7)
    # the places a name opens with, one after the other (湖北省|黄石市|阳新县|县委): the document's
    # places and the counties of 3+ characters (counties.tsv; not 和县), the longest at each step
    county_first = st.lex.cached(("structure", "counties"), lambda: by_first(
        c for c in st.lex.words("counties", "county") if len(c) >= 3))
    place_first = _places_by_first(st)
    seen = set()
    # (the facts' order) the organisations by position, then the projects by position: the
    # dicts' own order comes from sets upstream
    items = [(s, e, x, "Organization") for (s, e), x in sorted(orgs.items())] + \
            [(s, e, x, "Project") for (s, e), x in sorted(st.projects.items())]
    for s, e, x, typ in items:
        k = 0
        while k < len(x):
            p = max((p for p in (*place_first.get(x[k], ()), *county_first.get(x[k], ()))
                     if x.startswith(p, k) and len(x) > k + len(p) + 1), key=len, default=None)
            if p is None:
                break
            if (x, p) not in seen:
                seen.add((x, p))
                sub = st.lex.org_subtype(x) if typ == "Organization" else None
                add_fact(st, "located_in", {"entity": Arg(x, typ, sub), "place": Arg(p, "Place")},
                         (s, e), "name_prefix", 0.7)
            k += len(p)
