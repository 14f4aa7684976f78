"""People: bylines, titles after a name ("习近平总书记"), listed persons and persons
before a reporting verb (stages ``bylines``, ``titles_after_names``, ``listed_persons``), the
person name after a title (``_name_after``) and whether a model-only person stands like a name
(``_person_supported``).  Facts: ``holds_post``.
"""

from __future__ import annotations

import re

from ..lexicon import LexiconWords, alternation_body
from ..model import Arg, SpanReach
from .base import _Grammar, _HAN, _HARD, _is_han, photo_mark_end
from .names import _adverb_cut, _three_before_glue, long_adverbs
from .registry import stage
from .state import (DocState, Span, add_fact, add_person, line_bounds, ner_at, ner_spans_of_type, occurrences,
                    written_between)

NAME_DOT = "\u00b7"        # the middle dot of a transliterated name (艾力·买买提)


class _Words(LexiconWords):
    """The words and regular expressions of persons.tsv these readers use beyond the lexicon's
    own look-ups, built once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str) -> tuple[str, ...]:
            return lex.word_tuple("persons", kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("persons", kind)

        # characters a person name does not start with
        self.bad_first = frozenset(w("name_bad_first"))
        self.bad_char = w("name_bad_char")
        self.bad_end = tuple(w("name_bad_end"))
        self.interview = w("interview_mark")[0]
        self.wire = rx("wire_rx")
        # a character no wire_rx match holds: where the dateline's search window starts
        self.wire_stop = re.compile(f"(?!{rx('wire_char_rx').pattern})[\\s\\S]")
        self.own_paper = w("own_paper")[0]
        self.title = rx("byline_title_rx")
        self.list_close = w("list_close")[0]
        self.verb_bad_char = w("verb_name_bad_char")
        self.bad_left = w("name_bad_left")[0]
        # the titles that may follow their holder's name (习近平|总书记), longest first; None: none
        titles = sorted((p.title for p in lex.posts.values() if p.after_name and p.implied_org), key=len, reverse=True)
        self.titles_after = re.compile(alternation_body(titles)) if titles else None
        # a surname-led name of 2-3 characters opening a clause before a list verb (listed_persons)
        preceders = "".join(f"|(?<={re.escape(x)})" for x in lex.words("persons", "preceder"))
        self.before_list_verb = re.compile(rf"(?:^|(?<=[。,，;；:：!！?？\n、]){preceders})([{_HAN}]{{2,3}}?)"
                                           rf"(?:{alternation_body(w('list_verb'))})")


def _name_after(st: DocState, pos: int) -> tuple[int, int] | None:
    """A person name starting at ``pos`` (after a post title)."""
    t = st.text
    pw = _Words.of(st.lex)
    p = pos
    while p < len(t) and t[p] in " \u3000":
        p += 1
    if p >= len(t) or not _is_han(t[p]):
        return None
    if t[p] in pw.bad_first:
        # "监委副主任向东海、": a surname that is also a function word opens a name only where
        # the model tagged it and some occurrence has a name's edges (_person_supported: a
        # title before it counts)
        ner = ner_at(st, p, "Person")
        if not (ner and 2 <= ner[1] - ner[0] <= 4 and t[ner[0]:ner[1]] not in st.lex.word_set("persons", "not_person")
                and _person_supported(st, t[ner[0]:ner[1]])):
            return None
        return ner
    run_end = p
    while run_end < len(t) and (_is_han(t[run_end]) or t[run_end] == NAME_DOT) and run_end - p < 12:
        run_end += 1
    followers = st.lex.word_tuple("persons", "follower")
    weak_followers = st.lex.word_tuple("persons", "weak_follower")
    speech_end = st.lex.word_set("persons", "speech_end")
    photo_marks = st.lex.word_set("persons", "photo_mark")
    surnames = st.lex.word_set("persons", "surname")
    not_person = st.lex.word_set("persons", "not_person")
    scored: list[tuple[float, tuple[int, int]]] = []
    for k in (2, 3, 4):
        if p + k > run_end:
            break
        rest = t[p + k:run_end]
        name = t[p:p + k]
        if name in not_person or any(c in name for c in pw.bad_char) or name.endswith(pw.bad_end):
            continue
        if k > 2 and (name[:2] in st.lex.posts or name[:3] in st.lex.posts):
            # "新闻发言人记者见面会": a title opens no name
            continue
        if k == 4 and _three_before_glue(st, t, p, name):
            # "余立诚共|同打响", "焦立生与|代表团": a surname-led 3-character name, then a
            # follower word or adverb -- no 4-character name swallowing its first character
            scored.append((1, (p, p + 3)))
            continue
        if p + k == run_end:
            scored.append((1.5 if k <= 3 else 0.5, (p, p + k)))
        else:
            # an adverb between the name and its verb ends the name ("陆明|也表示"),
            # better than any cut that swallows it ("陆明也|表示")
            if _adverb_cut(st, rest) and not name.startswith(followers, 2):
                scored.append((4, (p, p + k)))
                continue
            # "局长张伟亲自组织…", "董事长曾立群通过视频…": an adverb of two characters or a
            # weak follower after the name, whatever follows it -- a weak cut (below)
            if rest.startswith(long_adverbs(st)) or rest.startswith(weak_followers):
                scored.append((1.5, (p, p + k)))
                continue
            if (rest in speech_end or rest in photo_marks) and (run_end == len(t) or t[run_end] in _HARD) \
                    and (name[0] in surnames or name[:2] in surnames):
                # "董事长王立说：", "记者王立报道：": the reporting verb (or a report's closing
                # word, persons.tsv photo_mark) closes the run, the name is before it (better
                # than the whole run "王立说")
                scored.append((2, (p, p + k)))
                continue
            # (speed) one C-level test before the loop that finds which
            f = next((f for f in followers if rest.startswith(f)), None) if rest.startswith(followers) else None
            if f:
                # a longer follower word is the better cut ("李建华|陪同" over "李建华陪|同")
                scored.append((min(len(f), 3), (p, p + k)))
    cands = [sp for _sc, sp in scored]
    ner = ner_at(st, p, "Person")
    if ner and (t[ner[0]:ner[1]] in not_person or not _person_supported(st, t[ner[0]:ner[1]])):
        ner = None
    if not scored and ner is None:
        # a chain glued to the next one ("副主任高世勤青禾市财政局副局长…"): with no other cut and
        # no name the model tags and the document supports, a name of a one-character common
        # surname (not a title's start) ends where the model's next organisation or place starts
        for k in (2, 3):
            name = t[p:p + k]
            if p + k < run_end and name[0] in surnames and name not in not_person \
                    and name[:2] not in st.lex.posts and not any(c in name for c in pw.bad_char) \
                    and (ner_at(st, p + k, "Organization") or ner_at(st, p + k, "Place")):
                scored.append((2, (p, p + k)))
    if scored:
        top = max(sc for sc, _ in scored)
        best = [sp for sc, sp in scored if sc == top]
        pick = ner if ner in best else best[0]
        if top < 2 and pick != ner:
            # a weak cut ("市长热线", "市长信箱"): a name then starts with a common surname
            # or, 3-4 characters long, is written elsewhere in the document too (a recurring
            # 2-character word after a title is a noun: "区长职务", "主席名单")
            name = t[pick[0]:pick[1]]
            if not (name[0] in surnames or name[:2] in surnames
                    or (len(name) > 2 and len(occurrences(st, name)) >= 2)):
                return None
        return pick
    if ner and (2 <= ner[1] - ner[0] <= 5 or (NAME_DOT in t[ner[0]:ner[1]] and ner[1] - ner[0] <= 10)):
        return ner       # (a transliterated name with its dot: "艾力·买买提")
    # a name glued to the next words: keep the candidate that recurs in the document
    # followed by a follower word or punctuation ("伊德尔重大项目…" / "伊德尔表示"),
    # only in an interview header ("——访…主任伊德尔")
    if pw.interview not in t[max(0, pos - 40):pos]:
        return None
    for k in (3, 2, 4):
        if p + k > run_end:
            continue
        name = t[p:p + k]
        for m in re.finditer(re.escape(name), t):
            if m.start() == p:
                continue
            after = t[m.end():m.end() + 3]
            if after[:1] in _HARD or after.startswith(followers):
                return (p, p + k)
    return None




# more names after spaces up to the line end ("记者 张三 李四")
_MORE_NAMES = re.compile(r"(?:[ \u3000]+[\u4e00-\u9fff]{2,3})+[ \u3000]*")


def _run_start(t: str, stop: re.Pattern[str], lo: int, hi: int) -> int:
    """Where the run of characters before ``hi`` that ``stop`` does not match begins (at ``lo``
    at the earliest): after the last match of ``stop`` in ``t[lo:hi]``.  Searched in windows
    that grow fourfold to the left, so the cost follows the run, not ``hi - lo``."""
    w = 64
    while True:
        a = max(lo, hi - w)
        last = None
        for last in stop.finditer(t, a, hi):
            pass
        if last is not None:
            return last.end()
        if a == lo:
            return lo
        w *= 4


def _org_spans_by_end(st: DocState) -> dict[int, list[tuple[int, int, str]]]:
    """The model's Organization spans of ``ner_v`` by end: ``(index in ner_v, start, text)``
    (once per document; ner_v is fixed after the prepare stage)."""
    by = st.memo.get("_ner_org_by_end")
    if by is None:
        by = st.memo["_ner_org_by_end"] = {}
        for i, (a, b, typ, _s, x) in enumerate(st.ner_v):
            if typ == "Organization":
                by.setdefault(b, []).append((i, a, x))
    return by


def _model_org_before(st: DocState, line_start: int, be: int, ms: int, me: int) -> str | None:
    """The organisation the model names before a byline [ms, me) whose line starts at
    ``line_start`` and holds more than spaces before it, up to ``be``: "X日报记者 张三 李四",
    the first Organization span of ner_v in the line that ends at ``be``; else, with no space
    before the byline, the first that swallowed the title ("X日报记者": from at least two
    characters before the byline to inside it), cut at the byline.  (speed) The spans by
    their end, not a pass over ner_v per byline."""
    org_ends = _org_spans_by_end(st)
    org = min(((i, x) for i, a, x in org_ends.get(be, ()) if line_start <= a), default=(0, None))[1]
    if not org and be == ms:
        org = min(((i, st.text[a:ms]) for b in range(ms + 1, me + 1) for i, a, _x in org_ends.get(b, ())
                   if line_start <= a and a + 2 <= ms), default=(0, None))[1]
    return org


@stage(requires=("view", "text", "ner_v"),
       assigns=("persons", "person_names", "facts"))
def bylines(st: DocState) -> None:
    not_person = set(st.lex.words("persons", "not_person"))
    surnames = set(st.lex.words("persons", "surname"))
    pw = _Words.of(st.lex)
    untitled = st.lex.word_tuple("persons", "byline_untitled")
    t = st.text
    # (speed) on a one-line document the line before a byline is everything before it: each
    # look-up below stays near the byline (see docs/performance.md, "the rule layer's linearity")
    for kind in ("byline", "bullet", "credit"):
        for rx in st.lex.patterns("persons", kind):
            for m in rx.finditer(t):
                names_start = m.start("names")
                raw = m.group("names")
                pos = names_start
                ms = m.start()
                # which organisation employs the reporter; ``before`` = t[line_start:ms]
                line_start = line_bounds(st, ms)[0]
                org = None
                # wire_rx only matches wire_char_rx characters and ends at the byline ($): its
                # first match in the line is its first in the run of such characters before it
                wire = pw.wire.search(t, _run_start(t, pw.wire_stop, line_start, ms), ms)
                # the line without its trailing spaces ends at ``be``
                be = ms
                while be > line_start and t[be - 1] in " \u3000":
                    be -= 1
                if wire:
                    org = wire.group(1)
                elif kind == "byline" and (pw.own_paper in m.group(0)
                                           or written_between(st, pw.own_paper, line_start, ms)):
                    org = pw.own_paper
                elif kind == "byline" and be > line_start:
                    org = _model_org_before(st, line_start, be, ms, m.end())
                # the title nearest the names; none after an intern's word (记者A实习生B: B holds
                # no post; persons.tsv byline_untitled)
                title_m = max(pw.title.finditer(t, ms, names_start), key=lambda x: x.start(), default=None) \
                    if kind == "byline" else None
                if title_m and any(t.find(w, title_m.end(), names_start) >= 0 for w in untitled):
                    title_m = None
                # more names after spaces up to the line end ("记者 张三 李四"), each
                # starting with a common surname
                ne = m.end("names")
                le = line_bounds(st, ne)[1]
                if kind == "byline" and _MORE_NAMES.fullmatch(t, ne, le) \
                        and all(x[0] in surnames and x not in st.lex.posts and x not in not_person
                                and not st.lex.post_suffix(x) for x in t[ne:le].split()):
                    raw = raw + t[ne:le].rstrip(" \u3000")
                for part in re.split(r"([、，,]|[ \u3000]+)", raw):
                    if part in ("、", "，", ",") or (part and not part.strip(" \u3000")):
                        pos += len(part)
                        continue
                    s = pos + (len(part) - len(part.lstrip(" \u3000")))
                    name = part.strip(" \u3000")
                    pos += len(part)
                    # "张三摄", "张三报道", "张三·" (a name cut before its second part)
                    close = photo_mark_end(st.lex, name)
                    name = name[:len(name) - len(close)].rstrip(NAME_DOT)
                    if not (2 <= len(name) <= 5) or name in not_person or pw.own_paper in name \
                            or name.endswith(pw.bad_end):
                        continue
                    span = (s, s + len(name))
                    add_person(st, span, kind)
                    # a 本报 byline: the person only -- the reporter's organisation is the
                    # paper's name, which the byline does not give
                    if title_m and org and org != pw.own_paper:
                        args = {
                            "person": Arg(name, "Person"),
                            "post": Arg(title_m.group(1), "Post"),
                            "org": Arg(org, "Organization", "other"),
                        }
                        add_fact(st, "holds_post", args, (m.start(), span[1]), "byline", 0.8)


def _surname_name(st: DocState, end: int, lengths=(3, 2)) -> tuple[int, int] | None:
    """A 2-3 character name ending at ``end`` that starts with a common surname, and that the
    model tags as no part of a place or organisation (游仙区|区长带领: 游 is a surname)."""
    t = st.text
    surnames = set(st.lex.words("persons", "surname"))
    for k in lengths:
        s = end - k
        if s < 0 or not all(_is_han(c) for c in t[s:end]):
            continue
        if (t[s] in surnames or t[s:s + 2] in surnames) and not _in_model_name(st, s, end):
            return (s, end)
    return None


def _in_model_name(st: DocState, s: int, e: int) -> bool:
    """Whether [s, e) is or lies inside a model Place or Organization span.  (speed) Through one
    index of those spans per document (``ner_v`` is fixed after the prepare stage)."""
    idx = st.memo.get("_model_names")
    if idx is None:
        spans = ner_spans_of_type(st, "Place") | ner_spans_of_type(st, "Organization")
        idx = st.memo["_model_names"] = (spans, SpanReach(spans))
    return (s, e) in idx[0] or idx[1].contains(s, e)


def _person_ending_at(st: DocState, ts: int, ner_person: set[Span], known: set[str]) -> Span | None:
    """The name right before a title at ``ts``: the first model person span of 2-4 characters
    in ``ner_person`` (in the set's order) that ends there, else the longest ``known`` name of
    2-4 characters written right before it.  (speed) From the spans by their end and the
    names' lengths, once per document (only one name of a length can end at ``ts``), not a pass
    over every person span and name per title."""
    idx = st.memo.get("_person_ending_at")
    if idx is None or idx[0] is not ner_person or idx[1] is not known:
        ending: dict[int, list[Span]] = {}
        for a, b in ner_person:
            if 2 <= b - a <= 4:
                ending.setdefault(b, []).append((a, b))
        lens = sorted({len(n) for n in known if 2 <= len(n) <= 4}, reverse=True)
        idx = st.memo["_person_ending_at"] = (ner_person, known, ending, lens)
    span = next(iter(idx[2].get(ts, ())), None)
    if span is None:
        span = next(((ts - k, ts) for k in idx[3] if ts >= k and st.text[ts - k:ts] in known), None)
    return span


def _known_starts_after(st: DocState, known: set[Span], a: int, b: int) -> bool:
    """Whether a span of ``known`` ends at ``b`` and starts after ``a``.  (speed) From the
    latest start per end, once per document, not a pass over ``known`` per look-up."""
    idx = st.memo.get("_known_starts_after")
    if idx is None or idx[0] is not known:
        latest: dict[int, int] = {}
        for ka, kb in known:
            latest[kb] = max(ka, latest.get(kb, ka))
        idx = st.memo["_known_starts_after"] = (known, latest)
    return idx[1].get(b, a) > a


@stage(requires=("view", "text", "ner_v", "persons", "person_names"),
       assigns=("persons", "person_names", "facts"))
def titles_after_names(st: DocState) -> None:
    """"习近平总书记": a title that may follow the name of its holder."""
    rx = _Words.of(st.lex).titles_after
    if rx is None:
        return
    ner_person = {(a, b) for a, b, typ, _s, _x in st.ner_v if typ == "Person"}
    known = set(st.person_names) | {x for _a, _b, typ, _s, x in st.ner_v
                                      if typ == "Person"}
    surnames = set(st.lex.words("persons", "surname"))
    for m in rx.finditer(st.text):
        ts = m.start()
        span = _person_ending_at(st, ts, ner_person, known)
        # a 2-character model name that does not start with a surname, right after one: the
        # model cut the surname off ("落实X近平总书记" tagged 近平)
        if span is not None and span in ner_person and span[1] - span[0] == 2 and span[0] > 0 \
                and st.text[span[0]] not in surnames and st.text[span[0] - 1] in surnames:
            span = (span[0] - 1, span[1])
        guessed = span is None
        if span is None:
            span = _surname_name(st, ts)
        if span is None:
            continue
        # the title here must not open a post chain of its own ("总书记习近平"); a guess after
        # 、 is the organisation of a listed title ("副书记、纪委书记": 纪 is a surname), a
        # model or known name there is a name ("…思想、习近平总书记关于…")
        name = st.text[span[0]:span[1]]
        if guessed and span[0] > 0 and st.text[span[0] - 1] in "、" or name in st.lex.posts:
            continue
        info = st.lex.posts[m.group(0)]
        args = {"person": Arg(name, "Person"), "post": Arg(m.group(0), "Post"),
                "org": Arg(info.implied_org, "Organization")}
        add_person(st, span, "title_after_name")
        add_fact(st, "holds_post", args, (span[0], m.end()), "title_after_name", 0.85)


@stage(requires=("text", "ner_v", "places", "persons"),
       assigns=("persons", "person_names"))
def listed_persons(st: DocState) -> None:
    """Names listed with known persons ("石泰峰、李书磊、…沈跃跃出席") and a surname-led
    2-3 character name opening a clause before a reporting verb ("谌贻琴主持大会")."""
    t = st.text
    known = {(a, b) for a, b, typ, _s, _x in st.ner_v if typ == "Person"} | set(st.persons)
    surnames = st.lex.word_set("persons", "surname")
    verbs = st.lex.word_tuple("persons", "list_verb", longest_first=False)
    for m in re.finditer(rf"[{_HAN}]{{2,4}}(?:、[{_HAN}]{{2,4}})+", t):
        items = []
        pos = m.start()
        for it in m.group(0).split("、"):
            items.append((pos, pos + len(it)))
            pos += len(it) + 1
        # the last item may run into the verb: "沈跃跃出席大会"
        hits = [sp for sp in items if sp in known]
        if len(hits) < 2:
            # a list of surname-led 2-3 character names closed by 等 or a reporting verb
            after = t[m.end():m.end() + 2]
            sur = [sp for sp in items if sp[1] - sp[0] <= 3 and
                   (t[sp[0]] in surnames or t[sp[0]:sp[0] + 2] in surnames)]
            last = items[-1]
            # (a list verb right after the item's first two or three characters)
            tail_verb = t.startswith(verbs, last[0] + 2) or t.startswith(verbs, last[0] + 3)
            if len(items) >= 3 and len(sur) >= max(3, (2 * len(items) + 2) // 3) \
                    and (after.startswith(_Words.of(st.lex).list_close) or tail_verb) \
                    and all(t[a:b] not in st.places and not st.lex.ends_with_org_suffix(t[a:b])
                            for a, b in items):
                for a, b in sur:
                    add_person(st, (a, b), "list")
                if last not in sur:
                    cand = _name_after(st, last[0])
                    if cand and cand[1] <= last[1] and (t[cand[0]] in surnames):
                        add_person(st, cand, "list")
            continue
        for a, b in items:
            if (a, b) in known:
                continue
            # "副市长李静怡、…": the first item runs into the title before a known name
            if _known_starts_after(st, known, a, b):
                continue
            if b - a <= 3:
                add_person(st, (a, b), "list")
            else:
                cand = _name_after(st, a)
                if cand and cand[1] <= b:
                    add_person(st, cand, "list")
    for m in _Words.of(st.lex).before_list_verb.finditer(t):
        a, b = m.start(1), m.end(1)
        name = t[a:b]
        if (a, b) in known or name[0] not in surnames or name in st.lex.posts:
            continue
        if any(c in name for c in _Words.of(st.lex).verb_bad_char):
            continue
        # "A、B等参加": the list's closing word is no part of the last name
        close = _Words.of(st.lex).list_close
        if name.endswith(close) and len(name) - len(close) >= 2:
            b -= len(close)
            if (a, b) in known:
                continue
        add_person(st, (a, b), "reporting_verb")


def _person_supported(st: DocState, name: str) -> bool:
    """:meth:`_person_supported_scan`, once per name and document (it reads only the text
    and the lexicon)."""
    memo = st.memo.setdefault("_person_supported_memo", {})
    if name not in memo:
        memo[name] = _person_supported_scan(st, name)
    return memo[name]


def _person_supported_scan(st: DocState, name: str) -> bool:
    """Some occurrence of ``name`` has a name's left edge (punctuation, a function word,
    a title, a verb such as 会见) and right edge (punctuation or a follower word).  A name
    that does not start with a common surname needs a title or such a verb before it."""
    t = st.text
    # a name's right edge: a follower word, a weak follower or an adverb of two characters or
    # more ("曾立群通过视频…", "张伟亲自…"); built once per lexicon
    followers = st.lex.cached("people.right_edges", lambda: st.lex.word_tuple("persons", "follower")
                              + st.lex.word_tuple("persons", "weak_follower") + long_adverbs(st))

    def by_last() -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for w in st.lex.words("persons", "preceder") + list(st.lex.posts):
            out.setdefault(w[-1:], []).append(w)
        return {c: tuple(ws) for c, ws in out.items()}     # (speed) for one str.endswith
    # (speed) preceders by last character, once per lexicon: one ending t[:s] ends in t[s-1]
    preceders = st.lex.cached("people.preceders_by_last", by_last)
    surnames = st.lex.word_set("persons", "surname")
    common = name[0] in surnames or name[:2] in surnames
    # (speed) the occurrences through the document's index, not a scan of the text per name
    for s in occurrences(st, name):
        e = s + len(name)
        left = t[s - 1] if s > 0 else ""
        titled = s > 0 and t.endswith(preceders.get(t[s - 1], ()), 0, s)
        # after 的 (的殷切希望) or opening a quoted title (“钟鸣盛世——…”) a word is no name
        left_ok = titled or (common and (not left or not _is_han(left) or left in _Grammar.of(st.lex).func)
                             and left != _Words.of(st.lex).bad_left and left not in "“「《『‘")
        right = t[e:e + 4]
        right_ok = not right or not _is_han(right[0]) \
            or right.startswith(followers)
        if left_ok and right_ok:
            return True
    return False
