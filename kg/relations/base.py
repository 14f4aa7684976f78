"""Text mechanics of the rule layer, without any document state: the grammar's character
classes and constants, the text view without in-word line breaks (``_View``, with its maps to
and from ``doc.text``), the post chain record (``_Chain``), the clean-up of one model span
(``_split_mention``, ``_trim_mention``), ``removed_breaks``, ``city_names`` and
``place_extension``.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace


from ..chars import HAN_CLASS, is_han
from ..lexicon import Lexicon, WordScanner, default_lexicon, find_every
from ..model import Document, Mention


_HAN = HAN_CLASS


# characters that end a name / clause for the grammar (ASCII forms after NFKC included)
_HARD = set("，。；：！？、,.;:!?“”‘’\"'()（）《》<>【】[]{}—…·\n\r\t 　●■◆▲★/|")


_is_han = is_han


class _Grammar:
    """The words and character classes the text mechanics read (grammar.tsv, places.tsv's city
    grammar, project_patterns.tsv ``owned_rx``, resolve.tsv's city / province marks), built once
    per lexicon: ``_Grammar.of(lex)``."""

    def __init__(self, lex: Lexicon):
        def w(file: str, kind: str) -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        rx = lex.plain_pattern

        # function words that never occur inside a project / cluster / action name
        self.name_stop = w("grammar", "name_stop")
        self.func = frozenset(w("grammar", "function_char"))
        # characters that may not stand between a place ("X市") and a cut organisation span
        # for the span to be extended back to the place ("X市的|Y局" is not extended)
        self.gap_func = frozenset(w("grammar", "gap_char"))
        # the separators of a page's breadcrumb or title line: never inside a name
        self.chrome_sep = frozenset(w("grammar", "chrome_separator"))
        # the units of a written date and the digits before them ("2026年", "三月")
        self.date_units = frozenset(w("grammar", "date_unit"))
        self.digits = frozenset(w("grammar", "digit"))
        self.org_cut_before = w("grammar", "org_cut_before")
        self.bare_admin = frozenset(w("grammar", "bare_admin_prefix"))
        self.org_tail = w("grammar", "org_tail_word")
        self.item_start = rx("grammar", "item_start_rx")
        self.label_start = rx("grammar", "label_start_rx")
        # prepositions / verbs that can stand right before a place name
        self.city_not_start = w("places", "city_not_start")
        self.place_bad = frozenset(w("places", "city_bad_char"))
        self.city_inner = frozenset(w("places", "city_inner_func"))
        self.admin_end = frozenset(w("places", "admin_end"))
        self.own_organ = frozenset(w("places", "own_organ_prefix"))
        self.city_org = rx("places", "city_org_rx")
        # "A有限公司(的)B项目": a project written after the company that owns it (groups: the
        # company, an optional 的, the project)
        self.owned_project = rx("project_patterns", "owned_rx")
        self.city_mark = w("resolve", "city_mark")[0]
        self.league_mark = w("resolve", "league_mark")[0]
        self.city_mark_rx = re.compile(re.escape(self.city_mark))
        self.province_split = re.compile("|".join(
            re.escape(x) for x in w("resolve", "province_mark") + w("resolve", "region_mark")))

    @staticmethod
    def of(lex: Lexicon | None = None) -> "_Grammar":
        """The grammar of ``lex`` (None: the default lexicon of kg/data)."""
        if lex is None:
            lex = default_lexicon()
        return lex.cached("base.grammar", lambda: _Grammar(lex))


def breaks_between(orig: str, offsets: Sequence[int], index: Sequence[int] | None = None) -> list[int]:
    """The ``j`` (0 < j < n) where ``orig`` holds a line break strictly between the positions
    ``p[j - 1]`` and ``p[j]``, ``p`` being ``offsets`` (n = its length) or, with ``index``,
    ``offsets[index[j]]`` (n = len(index)): ``[j for j in range(1, n) if "\n" in orig[p[j - 1] +
    1:p[j]]]``, made (ascending positions, as offset maps are) by one look at each line break of
    ``orig`` instead of one slice per character."""
    nl = list(find_every(orig, "\n"))
    n = len(offsets) if index is None else len(index)
    if n < 2 or not nl:
        return []
    import numpy as np      # (start-up) not on the import path of every kg command

    p = np.asarray(offsets, dtype=np.int64)
    if index is None:
        p = p[:n]
    elif isinstance(index, range):          # (speed) a slice, not an array of every index
        p = p[index.start:index.stop:index.step]
    else:
        p = p[np.asarray(index, dtype=np.int64)]
    if (p[1:] < p[:-1]).any():         # (not an offset map) the slices themselves
        q = p.tolist()
        return [j for j in range(1, n) if "\n" in orig[q[j - 1] + 1:q[j]]]
    at = np.asarray(nl, dtype=np.int64)
    j = np.searchsorted(p, at, side="right")       # the first position after each break
    ok = (j >= 1) & (j < n)
    j, at = j[ok], at[ok]
    return np.unique(j[p[j - 1] < at]).tolist()


def removed_breaks(doc: Document) -> list[int]:
    """Offsets j of ``doc.text`` where the original had a line break before ``doc.text[j]`` that
    ingest removed (a hard-wrapped line, or a menu line joined to a heading)."""
    off, orig = doc.offsets, doc.original
    if not off or len(off) != len(doc.text) + 1:
        return []
    return breaks_between(orig, off, range(len(doc.text)))


def city_names(text: str, mentions=(), prefixes: Iterable[str] = (),
               not_city: Iterable[str] = (), breaks: Iterable[int] = (),
               lex: Lexicon | None = None) -> tuple[Counter, Counter]:
    """Cities written as "X市" in ``text``: X is the longest run of 2-6 Han characters before
    市 that starts after a boundary (punctuation, a function word) or is an NER place.
    ``prefixes`` are words that may stand before a city name but are never part of it
    (places.tsv ``city_prefix``: 中共呼和浩特市委 names the city 呼和浩特市).
    ``not_city`` are words (places.tsv ``not_city``: 联合, 会同 …) that are never a city, nor
    the end of one, before 市 ("联合市发改委…" names no city 联合市, "自觉接受市人大" none 觉接受市).
    ``breaks`` are offsets where a line break was removed: a city written right after one starts
    there ("登录 | 注册" + "海宁市人民政府" names 海宁市, not 注册海宁市).
    The grammar (function characters, city marks, the words that open an organisation) is
    ``lex``'s (None: the default lexicon).
    Returns (occurrences, occurrences opening an organisation name such as X市委)."""
    g = _Grammar.of(lex)
    cm, func, bad, date_units, digits = g.city_mark, g.func, g.place_bad, g.date_units, g.digits
    breaks = set(breaks)
    prefixes = sorted(prefixes, key=len, reverse=True)
    not_city = tuple(not_city)          # (speed) for one str.endswith
    counts: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    org_rx = g.city_org
    ner_places = {}
    for mm in mentions:
        if mm.type == "Place":
            ner_places[mm.end] = mm.start
    for m in g.city_mark_rx.finditer(text):
        e = m.start()
        cand = None
        if e in ner_places and 2 <= e - ner_places[e] <= 6:
            cand = text[ner_places[e]:e]
        else:
            for k in range(6, 1, -1):
                x = text[max(0, e - k):e]
                if len(x) < k or not re.fullmatch(f"[{_HAN}]+", x) or x[-1] in bad \
                        or x[0] in bad or any(c in func and c not in g.city_inner for c in x) \
                        or x.startswith(g.city_not_start) or cm in x:
                    continue
                left = text[e - k - 1] if e - k - 1 >= 0 else ""
                if any(e - k < j < e for j in breaks):
                    continue
                if e - k in breaks:
                    left = ""
                # "2026年海宁市": a date ("…年", "…月", "…日" after a digit) ends before the city
                if left in date_units and e - k - 2 >= 0 and text[e - k - 2] in digits:
                    left = ""
                elif x[0] in date_units and left in digits:
                    continue
                if not left or not _is_han(left) or left in func:
                    cand = x
                    break
        if cand is None:
            continue
        for pre in prefixes:
            if cand.startswith(pre) and len(cand) - len(pre) >= 2:
                cand = cand[len(pre):]
                break
        # "浙江省湖州市": the province before the city is no part of it; "自治区包头市": nor
        # the part of a region mark whose first character is a function character (自)
        # (cand ends at e; the two characters before it hold the start of a mark across its edge)
        tail = g.province_split.split(text[max(0, e - len(cand) - 2):e])[-1]
        if len(tail) < len(cand):
            cand = tail
        # "自觉接受市人大": a candidate ending in such a word is none either (自 is a function word),
        # nor one ending in a word that stands before a place ("紧紧围绕市委": 围绕)
        if len(cand) < 2 or cand.endswith(not_city) or cand.endswith(g.city_not_start):
            continue
        counts[cand + cm] += 1
        if org_rx.match(text[m.end():m.end() + 14]):
            strong[cand + cm] += 1
    # "浩特市" (after the 和 of 呼和浩特) is the tail of a longer city written elsewhere
    for c in sorted(counts, key=len):
        longer = [c2 for c2 in counts if c2 != c and c2.endswith(c)]
        if longer:
            c2 = max(longer, key=lambda x: counts[x])
            counts[c2] += counts.pop(c)
            strong[c2] += strong.pop(c, 0)
    return counts, strong


def place_extension(text: str, p: int, lo: int, is_place, lex: Lexicon | None = None) -> int:
    """Start of "<place><1-3 characters>" ending at ``p`` when ``text[p-k:p]`` (k = 1..3,
    Han, no function character) follows a place ending in 市/省/区/县/盟/旗/州 that starts at or
    after ``lo``; ``p`` otherwise.  ``is_place(name)`` says whether a name is a place; the
    character classes are ``lex``'s (None: the default lexicon)."""
    g = _Grammar.of(lex)
    gap, func = g.gap_func, g.func
    for k in (1, 2, 3):
        c = p - k
        if c - 1 < lo or not all(_is_han(ch) and ch not in gap for ch in text[c:p]):
            break
        if text[c - 1] not in g.admin_end:
            continue
        # a bare 县/市/区 prefix opening the name ("。县经|济和信息化局"): the organ of the
        # document's own county / city
        if text[c - 1] in g.own_organ and (c - 1 == 0 or not _is_han(text[c - 2]) or text[c - 2] in func):
            return c - 1
        for ln in range(8, 1, -1):
            a = c - ln
            if a < lo:
                continue
            cand = text[a:c]
            if not all(_is_han(ch) for ch in cand):
                continue
            if is_place(cand):
                return a
            # a district / county name standing alone ("，朝阳区市场监督管理局"): 2-5
            # characters after punctuation or a function word
            left = text[a - 1] if a > 0 else ""
            if 3 <= ln <= 6 and (not left or not _is_han(left) or left in func) \
                    and not any(ch in gap for ch in cand[:-1]):
                return a
    return p


_SPLITTERS = set("，。；：！？、,;:!?“”‘’\n")


def _rfind_any(text: str, chars) -> int:
    """The last index in ``text`` of a character of ``chars`` (-1: none): ``max(text.rfind(c) for c
    in chars)`` for a set of single characters, by one scan from the end (names are short, the
    sets are not)."""
    for i in range(len(text) - 1, -1, -1):
        if text[i] in chars:
            return i
    return -1


# characters that end a name: a Place or Person span running over one of them ("莫斯科”货运航线",
# "秦皇岛)—呼和浩特") holds the end of one name and what follows it
_NAME_ENDS = set("”’」』—")
_BRACKETS = frozenset("(（)）")       # what _split_mention's loop looks for besides _NAME_ENDS


# the quote marks written around names, opening and closing
QUOTE_PAIRS = (("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u300c", "\u300d"), ("\u300e", "\u300f"))
_CLOSING_QUOTES = {b for _a, b in QUOTE_PAIRS}


# list markers and web-page brackets that open a line, never a name ("· A有限公司X项目",
# "【X区】…", "▲X产业集群"); an opening bracket closed inside the span is kept
_LEAD_MARKS = set("·•・●○◎▲△■□◆◇★☆▶►▷※*#＊")


_LEAD_OPEN = {"【": "】", "[": "]", "〔": "〕", "［": "］", "《": "》"}


def _strip_lead_marks(m: Mention, doc: Document, g: _Grammar) -> Mention | None:
    """An NER span that starts with a list marker or an unclosed bracket ("·A有限公司",
    "【天府新区") without it; None when nothing of a name is left."""
    text = doc.text[m.start:m.end]
    k = 0
    # "2026年海宁市": the unit of a date before the span is no part of a name
    if m.type in ("Place", "Organization") and text[:1] in g.date_units and m.start > 0 \
            and doc.text[m.start - 1] in g.digits:
        k = 1
    while k < len(text) and (text[k] in _LEAD_MARKS or text[k].isspace()
                             or (text[k] in _LEAD_OPEN and _LEAD_OPEN[text[k]] not in text[k:])):
        k += 1
    if k == 0:
        return m
    rest = text[k:]
    if len(rest) < 2 or not any(_is_han(c) for c in rest):
        return None
    return _respan(m, m.start + k, m.end, rest)


# a name between the marks that join two outlets a credit line names together (天山网-新疆日报,
# X网-《Y报》; the text is NFKC-normalised, so ｜ is |)
_OUTLET_PART = re.compile("[^-\u2014>|\u300a\u300b]+")


def is_outlet(lex: Lexicon, x: str) -> bool:
    """Whether ``x`` reads as a news outlet's name: a name of 2+ characters and a grammar.tsv
    media_suffix (南海网, 湖北日报客户端; not 客户端 alone), not ending with a media_not_end word."""
    suf = next((s for s in lex.word_tuple("grammar", "media_suffix") if x.endswith(s)), None)
    return suf is not None and len(x) - len(suf) >= 2 \
        and not x.endswith(lex.word_tuple("grammar", "media_not_end"))


def outlet_credit_end(lex: Lexicon, x: str) -> int:
    """Where the organisation starts in ``x`` (spaces skipped) when ``x`` opens with an outlet's
    credit (an outlet and a grammar.tsv media_tail: 青禾新闻网讯) and goes on to an organisation
    name of 3+ characters (青禾新闻网讯|青禾市新闻传媒中心); 0 otherwise."""
    for w in lex.word_tuple("grammar", "media_tail"):
        i = x.find(w)
        if i >= 3 and is_outlet(lex, x[:i]):
            k = _after_spaces(x, i + len(w))
            if len(x) - k >= 3 and lex.ends_with_org_suffix(x[k:]):
                return k
    return 0


def team_cut(lex: Lexicon, x: str) -> int:
    """Where the organisation after a visiting team's name starts in ``x`` (X督导组|省商务厅…):
    after the last grammar.tsv ``team_end`` word written in it and the spaces after it, when the
    rest (3+ characters) opens with a place's level (places.tsv admin_end: 省, 市 …) and ends with
    an organisation suffix; 0 otherwise (X巡察组办公室 is the team's own office)."""
    admin = _Grammar.of(lex).admin_end
    k = max((i + len(w) for w in lex.word_tuple("grammar", "team_end") for i in (x.rfind(w),) if i >= 1),
            default=0)
    k = _after_spaces(x, k) if k else 0
    if k and len(x) - k >= 3 and x[k] in admin and lex.ends_with_org_suffix(x[k:]):
        return k
    return 0


def _after_spaces(x: str, k: int) -> int:
    """``k`` moved past the spaces (ASCII or ideographic) written at it in ``x``."""
    return len(x) - len(x[k:].lstrip(" \u3000"))


def photo_mark_end(lex: Lexicon, name: str) -> str:
    """The credit word (persons.tsv photo_mark: 摄, 报道) closing ``name`` after two characters or
    more ("张三摄" -> "摄"); "" when none does."""
    return next((c for c in lex.word_tuple("persons", "photo_mark") if name.endswith(c)
                 and len(name) - len(c) >= 2), "")


def outlet_parts(lex: Lexicon, x: str) -> list[tuple[int, int]] | None:
    """The spans of the outlets in ``x`` when it is two or more outlets joined by a dash, 《 or >
    (天山网-新疆日报, X网-《Y日报); None otherwise."""
    parts = [mo.span() for mo in _OUTLET_PART.finditer(x)]
    if len(parts) >= 2 and all(is_outlet(lex, x[a:b]) for a, b in parts):
        return parts
    return None


def opening_join(lex: Lexicon, x: str) -> str | None:
    """The grammar.tsv org_join word (和, 及) opening ``x`` when the rest is an organisation name
    of 4+ characters: the name the word joins to one before it ("A有限公司|和B有限公司"); None
    otherwise.  The caller checks that an organisation ends right before ``x``."""
    j = next((w for w in lex.word_tuple("grammar", "org_join") if x.startswith(w)), None)
    return j if j and len(x) - len(j) >= 4 and lex.ends_with_org_suffix(x[len(j):]) else None


def find_all(text: str, word: str):
    """Start offsets of the non-overlapping occurrences of ``word`` (non-empty) in ``text``,
    left to right: what ``re.finditer(re.escape(word), text)`` finds, without a regex."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + len(word))


def province_stems(lex: Lexicon) -> frozenset[str]:
    """The provinces written without their suffix (江西 of 江西省, 内蒙古 of 内蒙古自治区): a
    province of places.tsv without any place suffix it ends with, two characters or more left.
    Made once per lexicon."""
    return lex.cached(("base", "province_stems"), lambda: frozenset(
        p[:-len(sx)] for p in lex.words("places", "province")
        for sx in lex.words("places", "suffix") if p.endswith(sx) and len(p) - len(sx) >= 2))


def undoubled(place: str, counties: frozenset[str]) -> str:
    """``place`` without its last character when an organ's mark is written again after the
    place's own (莘县县 of 莘县县委, 昭通市市 of 昭通市市委); a county named with a doubled mark
    (津市市, in ``counties``) is left whole."""
    if len(place) >= 3 and place[-1] == place[-2] and place not in counties:
        return place[:-1]
    return place


def _respan(m: Mention, start: int, end: int, text: str) -> Mention:
    """``m`` moved to [start, end) with surface ``text`` (type, subtype, source, score kept)."""
    return replace(m, start=start, end=end, text=text)


def _split_mention(m: Mention, doc: Document, lex: Lexicon | None = None) -> list[Mention]:
    """An NER span cut where a name ends: at a closing bracket without its opening one (any
    type), and for places and persons also at a closing quote or a dash.  Each part of 2+
    characters with a Han character is a mention of the span's type; what follows a closing
    quote is dropped (the text glued to a quoted name is a common noun: "…莫斯科”货运航线"); the
    last part is trimmed by :func:`_trim_mention`; the grammar is ``lex``'s (None: the default
    lexicon)."""
    g = _Grammar.of(lex)
    m = _strip_lead_marks(m, doc, g)
    if m is None:
        return []
    text = doc.text[m.start:m.end]
    if not g.chrome_sep.isdisjoint(text):
        return []           # a span across a breadcrumb or title line (新闻中心>要闻, X网丨Y)
    ends = _NAME_ENDS if m.type in ("Place", "Person") else set()
    cuts, depth = [], 0
    # (speed) most spans hold no bracket and no name end: no loop over their characters
    scan = "" if _BRACKETS.isdisjoint(text) and ends.isdisjoint(text) else text[:-1]
    for i, c in enumerate(scan):
        if c in "(（":
            depth += 1
        elif c in ")）":
            if depth:
                depth -= 1
            else:
                cuts.append(i)
        elif c in ends:
            cuts.append(i)
    if not cuts:
        last = _trim_mention(m, doc, lex)
        return [last] if last is not None else []
    out, s = [], 0
    for c in cuts:
        part = text[s:c]
        lead = len(part) - len(part.lstrip("“‘「『(（ "))
        part = part[lead:].rstrip()
        if len(part) >= 2 and any(_is_han(ch) for ch in part):
            st = m.start + s + lead
            out.append(_respan(m, st, st + len(part), part))
        s = c + 1
    if text[cuts[-1]] in _CLOSING_QUOTES or len(text[s:].strip()) < 2:
        return out
    rest = _respan(m, m.start + s, m.end, text[s:])
    last = _trim_mention(rest, doc, lex)
    return out + ([last] if last is not None else [])


def _trim_mention(m: Mention, doc: Document, lex: Lexicon | None = None) -> Mention | None:
    """Cut an NER span that runs over punctuation ("日,内蒙古…公司") to its last segment (the
    grammar's function words and organ words are ``lex``'s; None: the default lexicon)."""
    g = _Grammar.of(lex)
    text = doc.text[m.start:m.end]
    # "A锂能）", "X日报》": a closing bracket without its opening one is no part of the name
    if (text[-1:] in ")）" and "(" not in text and "（" not in text
            or text[-1:] == "》" and "《" not in text) and len(text) > 3:
        text = text[:-1]
        m = _respan(m, m.start, m.end - 1, text)
    cut = _rfind_any(text, _SPLITTERS)
    # "A行动（市X局": an opening bracket left open inside the span starts a new name (a closed
    # one is part of it: "X科技（洛阳）有限公司")
    ob = max(text.rfind("("), text.rfind("（"))
    if ob > cut and ")" not in text[ob:] and "）" not in text[ob:]:
        cut = ob
    if m.type == "Organization":
        # "行动由市发改委": the organisation starts after a function word
        for w in g.org_cut_before:
            i = text.rfind(w)
            # "市经信局": a function-word character right after a bare 市/县 prefix is a body word
            if i > cut and len(text) - i - 1 >= 2 \
                    and text[cut + 1:i] not in g.bare_admin:
                cut = i
    if m.type == "Organization":
        after = doc.text[m.end:m.end + 4]
        for k in (1, 2):
            tail = text[-k:]
            if len(text) > k + 2 and any((tail + after).startswith(x) and len(x) > k
                                         for x in g.org_tail):
                text = text[:-k]
                m = _respan(m, m.start, m.end - k, text)
                break
    if cut < 0:
        return m
    s = m.start + cut + 1
    rest = doc.text[s:m.end]
    if len(rest.strip()) < 2:
        return None
    return _respan(m, s, m.end, rest)


@dataclass
class _Chain:
    start: int          # view offsets
    end: int            # end of the person name
    person: str
    person_start: int
    elements: list[tuple[str, str, str]]   # (org surface or "", org kind, title)
    interview: bool


class _View:
    """doc.text without in-word line breaks (a wrapped line joined inside a word), with a map
    back to doc.text offsets."""

    def __init__(self, text: str, byline_rx: re.Pattern[str] | None = None,
                 lex: Lexicon | None = None):
        g = _Grammar.of(lex)
        removed: list[int] = []       # the line breaks joined, in order
        lines_start = 0
        # (speed) a look at each line break, not at each character: the fields below are made
        # from the breaks joined with C-level ranges and slices
        i = text.find("\n")
        while i >= 0:
            line = text[lines_start:i]
            prev_c = text[i - 1] if i > 0 else ""
            next_c = text[i + 1] if i + 1 < len(text) else ""
            nxt_line = text[i + 1:i + 9]
            joinable = (len(line.strip()) >= 15 and _is_han(prev_c) and _is_han(next_c)
                        and not (byline_rx is not None and byline_rx.match(nxt_line))
                        and prev_c not in "。！？"
                        # a web page's menu / tool line ("登录 | 注册", "[ 繁體版 ]") is no
                        # hard-wrapped prose
                        and not re.search(r"[|｜\[\]【】]", line)
                        # a dateline or header of fields apart by spaces ("2026年3月18日
                        # 星期三 … 第A01版:要闻") is no hard-wrapped prose either
                        and not re.search(rf"[^\sA-Za-z0-9][ \u3000\t]+[{_HAN}]", line.strip())
                        and not g.item_start.match(line)
                        # nor is a break before a numbered item or a labelled line
                        # ("二、X产业集群", "重点项目：…")
                        and not g.label_start.match(nxt_line))
            lines_start = i + 1
            if joinable:
                removed.append(i)
            i = text.find("\n", i + 1)
        n = len(text)
        # map: the offsets of text kept (all but the breaks joined); inv[i]: how many kept
        # offsets are below i (i - the breaks joined below i).  (memory) Ranges when no break
        # is joined, else arrays of 8 bytes an offset: lists of ints took 40 each, twice per
        # character of the text
        keep: Sequence[int]
        inv: Sequence[int]
        parts: list[str] = []
        prev = 0
        if removed:
            keep, inv = array("q"), array("q")
            for k, r in enumerate(removed):
                keep.extend(range(prev, r))
                parts.append(text[prev:r])
                inv.extend(range(prev - k, r + 1 - k))
                prev = r + 1
            keep.extend(range(prev, n))
            inv.extend(range(prev - len(removed), n + 1 - len(removed)))
        else:
            keep, inv = range(n), range(n + 1)
        self.map = keep
        self.text = "".join(parts) + text[prev:] if removed else text
        # view offsets j (0 < j < len(map)) with a line break in text[map[j - 1]:map[j]]: after
        # a break kept, or where a break was joined before the character
        m = len(keep)
        joins = set()
        v = self.text
        p = v.find("\n")
        while 0 <= p < m - 1:
            joins.add(p + 1)
            p = v.find("\n", p + 1)
        joins.update(j for j in (r - k for k, r in enumerate(removed)) if 0 < j < m)
        self.joins = sorted(joins)
        self.inv = inv

    def to_doc(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            p = self.map[start] if start < len(self.map) else (self.map[-1] + 1 if self.map else 0)
            return p, p
        return self.map[start], self.map[end - 1] + 1


# (speed) _prefix_hits looks for fewer prefixes than this many times the text's length with
# str.find: building an automaton for a page's few names costs more than the finds
_FIND_WORK = 100_000


def _prefix_hits(text: str, prefixes: list[str]) -> list[tuple[int, int, str]]:
    """Every place where one of ``prefixes`` is written in ``text``: ``(start, index of the
    prefix's first occurrence in prefixes, prefix)``, sorted, overlapping ones included; one
    Aho-Corasick pass over the text (see :func:`_prefixed_matches`), or for a few prefixes in a
    page, a ``str.find`` loop per prefix."""
    order: dict[str, int] = {}
    for k, p in enumerate(prefixes):
        if p:
            order.setdefault(p, k)
    if not order or not text:
        return []
    if len(order) * len(text) > _FIND_WORK:
        words = list(order)
        return sorted((s, order[words[j]], words[j]) for j, s, _e in WordScanner(words).scan(text))
    return sorted((i, k, p) for p, k in order.items() for i in find_every(text, p))


def _prefixed_matches(text: str, hits: list[tuple[int, int, str]], rest: re.Pattern[str]):
    """(start, match of ``rest``) of what ``re.finditer("(?:P1|P2|…)" + rest.pattern, text)``
    finds (a match spans from start to the end of ``rest``'s match), P1, P2, … being the literal
    alternatives of ``prefixes`` in their order and ``hits`` = ``_prefix_hits(text, prefixes)``:
    at each position from the left, the first prefix there after which ``rest`` matches; the
    next search starts where a match ends.  Compiles nothing per call (the alternation changes
    with every document and ``rest`` holds a large character class).

    (speed) The prefixes are places written in the text, and their number grows with it: a
    regex alternation of them, or trying each one of the same first character at every position
    (what this did before), tries more prefixes per position the longer the text.  The hits
    give the prefixes written at each position directly, in one pass."""
    pos, j, n = 0, 0, len(hits)
    while j < n:
        i = hits[j][0]
        j2 = j + 1
        while j2 < n and hits[j2][0] == i:
            j2 += 1
        if i >= pos:
            for _i, _k, p in hits[j:j2]:      # the prefixes written at i, in their order
                m = rest.match(text, i + len(p))
                if m is not None:
                    yield i, m
                    pos = m.end()
                    break
        j = j2
