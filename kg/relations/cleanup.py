"""The first stage, ``prepare``: the view the rules read, the model's mentions cleaned up
(cells of a table row, agency verbs, trailing posts, city names cut in two, party prefixes,
adverbs swallowed by a person name) and mapped to view offsets, and the document's place
names.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from ..lexicon import Matcher, alternation_body
from ..model import Mention
from .base import (_HARD, _Grammar, _View, _is_han, _prefix_hits, _prefixed_matches, _respan, _rfind_any, _split_mention,
                   city_names, is_outlet, opening_join, outlet_credit_end, outlet_parts, photo_mark_end,
                   place_extension, province_stems, removed_breaks, team_cut, breaks_between)
from .names import _adverb_cut, _three_before_glue
from .places import _has_place_suffix, lexicon_place_names
from .registry import stage
from .state import DocState, to_view


# characters that separate the cells of a table row or the parts of a page's breadcrumb
# ("X局|省Y厅"): no name runs over one
_CELL_MARKS = re.compile("[|\uff5c\u2502]")


def _cell_bounds(st: DocState) -> set[int]:
    """Offsets j of doc.text where a table cell ends in the original: a tab between
    doc.text[j-1] and doc.text[j], or a line break next to a tab-separated line (a table row)
    -- ingest keeps neither; and both sides of a cell mark (``_CELL_MARKS``)."""
    doc = st.doc
    out = set()
    for mo in _CELL_MARKS.finditer(doc.text):
        out.update((mo.start(), mo.end()))
    off, orig = doc.offsets, doc.original
    if not off or len(off) != len(doc.text) + 1 or "\t" not in orig:
        return out
    for j in range(1, len(doc.text)):
        gap = orig[off[j - 1] + 1:off[j]]
        if "\t" in gap or orig[off[j - 1]:off[j - 1] + 1] == "\t":
            out.add(j)
            out.add(j - 1)
        elif "\n" in gap:
            a = orig.rfind("\n", 0, off[j - 1]) + 1
            b = orig.find("\n", off[j])
            if "\t" in orig[a:off[j - 1]] or "\t" in orig[off[j]:b if b >= 0 else len(orig)]:
                out.add(j)
    return out


def _cut_at_cells(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """An NER span over table cells ("A项目 B有限公司 X产业集群" of a tab-separated row that
    ingest joined) keeps only the cells that look like a name of its type: an organisation
    suffix, a place suffix or gazetteer place, a person name of 2-4 characters."""
    bounds = sorted(_cell_bounds(st))
    if not bounds:
        return mentions
    out = []
    for m in mentions:
        # (speed) the bounds inside the span by bisection: a page has many cell marks
        cuts = bounds[bisect.bisect_right(bounds, m.start):bisect.bisect_left(bounds, m.end)]
        if not cuts:
            out.append(m)
            continue
        for a, b in zip([m.start] + cuts, cuts + [m.end]):
            raw = st.doc.text[a:b]
            part = raw.strip()
            a += len(raw) - len(raw.lstrip())
            if len(part) < 2 or not any(_is_han(c) for c in part):
                continue
            if m.type == "Organization":
                ok = st.lex.ends_with_org_suffix(part)
            elif m.type == "Place":
                ok = part in lexicon_place_names(st.lex) or _has_place_suffix(st, part)
            else:
                ok = 2 <= len(part) <= 4 and all(_is_han(c) for c in part)
            if ok:
                out.append(_respan(m, a, a + len(part), part))
    return out


def _cut_agency_verbs(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """"联合市工业和信息化局" tagged as one organisation: a verb before an agency
    (action_patterns.tsv agency_verb) is no part of it when a 市/区/县/省 prefix or a
    place follows it; nor is a clause opener (grammar.tsv org_lead_verb: 随着, 组建 …) when
    a prefix, a place (X市, X县 …: org_place_head_rx) or a whole organisation name follows it;
    nor a join word (org_join: 和, 及) opening an organisation right after another one when an
    organisation name of 4+ characters follows it.  A verb inside the span that no organisation's
    name holds (grammar.tsv org_inner_verb of two characters or more: 召开, 设置 …) ends it where
    the part before it ends as an organisation (X局|设置办公室), else opens it where a prefixed
    name follows (X区召开|区人大常委会: a place's level, a place, X市 …)."""
    lex = st.lex
    verbs = lex.word_tuple("action_patterns", "agency_verb")            # longest first
    leads = lex.word_tuple("grammar", "org_lead_verb")         # longest first, as words()
    # (speed) built once per lexicon, not per document
    gaz = lex.cached(("cleanup", "agency_gaz"), lambda: tuple(
        lex.words("places", "province") + lex.words("places", "city") + lex.words("places", "name")))
    admin = _Grammar.of(lex).admin_end
    place_head = lex.plain_pattern("grammar", "org_place_head_rx")      # X市, X县 …

    def prefixed(rest: str) -> bool:
        """A prefixed name opens ``rest``: a place's level (市, 区 …), a place, X市 / X县 …."""
        return rest[0] in admin or rest.startswith(gaz) or place_head.match(rest) is not None

    # (words, whether the rest after one of them is the organisation)
    cuts = ((verbs, lambda rest: rest[0] in admin or rest.startswith(gaz)),
            (leads, lambda rest: prefixed(rest) or lex.ends_with_org_suffix(rest)))
    # the verbs of two characters or more (到 stands inside names: 到家, 一步到位)
    inner = tuple(w for w in lex.word_tuple("grammar", "org_inner_verb") if len(w) >= 2)
    # "A有限公司|和B有限公司": a join word opening an organisation right after another one
    org_ends = {m.end for m in mentions if m.type == "Organization"}
    out = []
    for m in mentions:
        if m.type == "Organization":
            for words, names_org in cuts:
                # (speed) one C-level test of every word before the loop that finds which
                v = next((w for w in words if m.text.startswith(w)), None) if m.text.startswith(words) else None
                rest = m.text[len(v):] if v else ""
                if v and len(rest) >= 3 and names_org(rest):
                    m = _respan(m, m.start + len(v), m.end, rest)
            # a verb no organisation's name holds (grammar.tsv org_inner_verb) inside the span:
            # the organisation before it where that part ends as one (X局|设置办公室), else the
            # prefixed one after it (福田区召开|区人大常委会); the last verb, the longest there
            x = m.text
            k, v = max(((i, w) for w in inner for i in (x.rfind(w),) if i >= 2),
                       key=lambda z: (z[0] + len(z[1]), len(z[1])), default=(-1, ""))
            if k >= 2:
                before, after = x[:k], x[k + len(v):]
                if lex.ends_with_org_suffix(before):
                    m = _respan(m, m.start, m.start + k, before)
                elif len(after) >= 3 and prefixed(after):
                    m = _respan(m, m.start + k + len(v), m.end, after)
            j = opening_join(lex, m.text) if m.start in org_ends else None
            if j:
                m = _respan(m, m.start + len(j), m.end, m.text[len(j):])
        out.append(m)
    return out


def _named_places(st: DocState) -> frozenset[str]:
    """The gazetteer's places and the counties, one set per lexicon (not per document)."""
    return st.lex.cached(("cleanup", "named_places"),
                         lambda: lexicon_place_names(st.lex) | st.lex.word_set("counties", "county"))


def _placelike(st: DocState, x: str) -> bool:
    """A place of the gazetteer or a county, or a name with a place's suffix."""
    return x in _named_places(st) or _has_place_suffix(st, x)


def _split_outlets(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """"天山网-新疆日报记者" and "X网-《Y日报》讯" tagged as one organisation: two outlets joined
    by a dash, 《 or > are two organisations (:func:`outlet_parts`); and a credit word
    (grammar.tsv media_tail: 讯) after an outlet's name, with the 》 closing it, is no part of it,
    also where an organisation follows it (X网讯|Y新闻传媒中心: two, :func:`outlet_credit_end`), nor
    is the place the outlet reports from (X网大同讯: X网)."""
    tails = st.lex.word_tuple("grammar", "media_tail")
    out = []
    for m in mentions:
        if m.type == "Organization":
            k = outlet_credit_end(st.lex, m.text)
            if k:
                core = m.text[:k].rstrip(_SPACES).rstrip("".join(tails))
                out += [_respan(m, m.start, m.start + len(core), core), _respan(m, m.start + k, m.end, m.text[k:])]
                continue
            tail = next((w for w in tails if m.text.endswith(w)), "")
            core = m.text[:len(m.text) - len(tail)].rstrip("\u300b")
            parts = outlet_parts(st.lex, core)
            if parts:
                out += [_respan(m, m.start + a, m.start + b, core[a:b]) for a, b in parts]
                continue
            if tail and not is_outlet(st.lex, core):
                # "X网大同讯": the outlet, then the place it reports from
                k = next((k for k in range(len(core) - 2, 2, -1)
                          if is_outlet(st.lex, core[:k]) and _placelike(st, core[k:])), 0)
                if k:
                    core = core[:k]
            if tail and is_outlet(st.lex, core):
                m = _respan(m, m.start, m.start + len(core), core)
        out.append(m)
    return out


def _cut_trailing_posts(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """"泉州市委常委" tagged as one organisation: a post title (posts.tsv) that ends an
    organisation span after a complete organisation name is the post, not part of the
    name (泉州市委 | 常委)."""
    out = []
    for m in mentions:
        k = _post_tail(st, m.text) if m.type == "Organization" else 0
        if k:
            m = _respan(m, m.start, m.end - k, m.text[:-k])
        out.append(m)
    return out


def _post_tail(st: DocState, name: str) -> int:
    """Length of a post title (posts.tsv, 2+ characters) ending ``name`` after a complete
    organisation name of 3+ characters ("泉州市委常委" -> 2); 0 when there is none."""
    t = st.lex.post_suffix(name)
    if t and len(t) >= 2 and len(name) - len(t) >= 3 and st.lex.ends_with_org_suffix(name[:-len(t)]):
        return len(t)
    return 0


_EMPTY = re.compile("")


def _extend_to_places(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """An organisation/place span that starts inside a city or county name ("浩特市教育局" in
    "呼和浩特市教育局", "阳县" in "射阳县") is extended to the start of the name; an organisation
    starting 1-3 characters after a place (X市|济和信息化局) to the place's start, unless those
    characters hold a verb no organisation's name holds (grammar.tsv org_inner_verb, any length:
    X区召开|区人大常委会)."""
    text = st.doc.text
    lex = st.lex
    # the gazetteer's names, in one automaton made once per lexicon
    gazetteer = lex.cached(("cleanup", "extend_names"), lambda: Matcher(sorted(
        {n for n in set(lex.words("places", "city")) | set(lex.words("places", "province"))
         | set(lex.words("places", "name")) if len(n) >= 2}
        | {c for c in lex.words("counties", "county") if len(c) >= 3})))      # not 和县
    counts, _ = city_names(text, prefixes=lex.words("places", "city_prefix"),
                            not_city=lex.words("places", "not_city"),
                            breaks=removed_breaks(st.doc), lex=lex)
    # (speed) only the names written in text can match: the gazetteer's through one pass of
    # its automaton, the document's own cities one by one
    names = {x for _i, _j, x in gazetteer.find_all(text)}
    names |= {c[:-1] for c in counts if len(c) >= 3 and c[:-1] in text}
    if not names:
        return _trim_person_adverbs(st, mentions)
    # the alternation keeps their order
    in_text = sorted(names, key=len, reverse=True)
    # (speed) = re.finditer(alternation_body(in_text), text): a regex alternation tries every
    # name at each position where one starts, and the names found in the text grow with it
    spans = [(i, m.end()) for i, m in _prefixed_matches(text, _prefix_hits(text, in_text), _EMPTY)]
    admin = tuple(st.lex.words("places", "suffix"))
    provinces = st.lex.word_set("places", "province")
    inner = st.lex.word_tuple("grammar", "org_inner_verb")

    def is_place(x: str) -> bool:
        return x in names or any(x.endswith(a) and x[:-len(a)] in names for a in admin) \
            or (len(x) >= 3 and x[-1] in _Grammar.of(st.lex).admin_end and x[:-1] in names)

    # (speed) spans are sorted and do not overlap: only the last one starting before
    # m.start can hold it
    span_starts = [a for a, _b in spans]
    out = []
    for m in mentions:
        if m.type in ("Organization", "Place"):
            i = bisect.bisect_left(span_starts, m.start) - 1
            if i >= 0 and m.start < spans[i][1]:
                a = spans[i][0]
                m = _respan(m, a, m.end, text[a:m.end])
        if m.type == "Organization":
            # the model's span starts 1-3 characters after "<place>市" ("济和信息化局"), and
            # not with a place of its own ("汀州又迎来|广东X有限公司")
            # (speed) the line start only counts within 12 characters: rfind that far back,
            # not to the start of a one-line text
            line = text.rfind("\n", max(0, m.start - 12), m.start) + 1
            a = place_extension(text, m.start, max(line, m.start - 12), is_place, st.lex)
            # nor across a verb no organisation's name holds (福田区召开|区人大常委会)
            if a < m.start and st.lex.ends_with_org_suffix(m.text) \
                    and not any(w in text[a:m.start] for w in inner) \
                    and not any(is_place(m.text[:k]) or any(m.text[:k] + x in provinces for x in admin)
                                for k in range(2, 5)):
                m = _respan(m, a, m.end, text[a:m.end])
        out.append(m)
    return _trim_person_adverbs(st, out)


_SPACES = " \u3000"


def _split_glued_orgs(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """A model organisation span holding two organisations written together (a joint header:
    中共X市委办公室X市人民政府办公室): where a known place (the gazetteer, a county) opens the
    rest of the span, the part before it ends with an organisation suffix and names that place
    already with its mark (包头市…包头市…), and the rest ends with one that is no branch
    (grammar.tsv branch_end: 包头市公安局包头市X分局 is one), the span is two organisations.  A
    place the first part does not name so is the second part's own (国家税务总局X市税务局,
    北京市公安局北京西站地区分局: one organisation each).  A visiting team's name (grammar.tsv
    team_end: X督导组) followed by an organisation that opens with a place's level (省, 市 …) is
    two as well (X督导组省商务厅; not X巡察组办公室)."""
    named = _named_places(st)
    lens = st.lex.cached(("cleanup", "named_place_lengths"),
                         lambda: sorted({len(x) for x in named if len(x) >= 2}, reverse=True))
    teams = st.lex.word_tuple("grammar", "team_end")
    branches = st.lex.word_tuple("grammar", "branch_end")
    admin = _Grammar.of(st.lex).admin_end
    out = []
    for m in mentions:
        x = m.text
        if m.type != "Organization" or len(x) < 8:
            out.append(m)
            continue
        cut = 0
        if not x.endswith(branches):
            cut = next((k for k in range(3, len(x) - 3)
                        if st.lex.ends_with_org_suffix(x[:k].rstrip(_SPACES)) and st.lex.ends_with_org_suffix(x[k:])
                        and any(x[k:k + n] in named and x[k + n - 1] in admin and x[k:k + n] in x[:k]
                                and k + n < len(x) for n in lens)), 0)
        if not cut:
            cut = team_cut(st.lex, x)
        if cut:
            first = x[:cut].rstrip(_SPACES)      # (a space may stand between the two)
            out += [_respan(m, m.start, m.start + len(first), first), _respan(m, m.start + cut, m.end, x[cut:])]
        else:
            out.append(m)
    return out


def _repair_places(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """The model's place spans cut at the wrong character: a time or linking word before the
    place (今年X市, 按照X市: places.tsv not_city / city_not_start) goes when a known place or a
    place with its suffix follows; a body before a function character (grammar.tsv gap_char:
    X妇联和Y市) goes when a known place (gazetteer or county) follows, and so does one character
    before a known place of 3+ characters with its mark (扬凤阳县), or two to four that are no
    place before a known city or county that is no district (欢迎收看桂平市); a doubled 市 (X市市本级)
    loses one; a span of administrative characters only (省州县) is no place; a chain of two
    places of the gazetteer written together (a province and its city: 内蒙古包头市, 江西赣州市; a
    city and its district: 宁波市北仑区) is two places, as the real pages' gold lists them, and a
    chain of three is three; a zone after its place (X市高新区, X县经济开发区: candidates.tsv
    zone_suffix) stays whole."""
    t = st.doc.text
    g = _Grammar.of(st.lex)
    cm = g.city_mark
    openers = tuple(st.lex.words("places", "not_city") + st.lex.words("places", "city_not_start"))
    named = _named_places(st)

    # the provinces also written without their suffix (江西 of 江西省, 内蒙古 of 内蒙古自治区)
    provinces = province_stems(st.lex)

    zones = st.lex.word_tuple("candidates", "zone_suffix")
    district_marks = st.lex.word_set("resolve", "district_mark")
    county_short = st.lex.word_set("counties", "county_short")

    def chain(x: str) -> int:
        """Where a chain of places splits (0: none): a known place or a province's stem, then a
        known place (the gazetteer, counties.tsv) or a chain again; no zone name."""
        if x in named or x.endswith(zones) or len(x) > 24:      # (a chain of a few names)
            return 0
        return next((k for k in range(2, len(x) - 1)
                     if (x[:k] in named or x[:k] in provinces) and (x[k:] in named or chain(x[k:]))), 0)

    out = []
    for m in mentions:
        if m.type != "Place":
            out.append(m)
            continue
        x = m.text
        if all(c in g.admin_end for c in x):
            continue
        # (speed) one C-level test of every opener before the loop that finds which
        w = next((o for o in openers if x.startswith(o) and len(x) - len(o) >= 2), None) \
            if x.startswith(openers) else None
        if w and _placelike(st, x[len(w):]) and x not in named:
            m = _respan(m, m.start + len(w), m.end, x[len(w):])
        x = m.text
        k = _rfind_any(x, g.gap_func)
        if 0 < k < len(x) - 2 and x[k + 1:] in named and x not in named:
            m = _respan(m, m.start + k + 1, m.end, x[k + 1:])
        # "扬|凤阳县", "欢迎收看|桂平市": one character glued before a known place of 3+
        # characters with its administrative mark (not 白|俄罗斯); two to four before a known
        # city or county written with 市 / 县 / 州 / 盟 / 旗 (not a district: 宁海|新城区 is one
        # place, 新城区 a name many cities have), when they are no place themselves (江西|赣州市
        # is a chain, below; 余姚, 宁海: counties.tsv short forms)
        x = m.text
        if len(x) >= 4 and x[-1] in g.admin_end and x not in named:
            k = next((k for k in range(1, min(4, len(x) - 3) + 1)
                      if x[k:] in named and all(_is_han(c) for c in x[:k])
                      and (k == 1 or (x[-1] not in district_marks and not (
                          _placelike(st, x[:k]) or x[:k] in provinces or x[:k] in county_short)))), 0)
            if k:
                m = _respan(m, m.start + k, m.end, x[k:])
        if m.text.endswith(cm + cm) and t[m.start:m.end] == m.text:
            m = _respan(m, m.start, m.end - 1, m.text[:-1])
        k = chain(m.text) if t[m.start:m.end] == m.text else 0
        while k:
            out.append(_respan(m, m.start, m.start + k, m.text[:k]))
            m = _respan(m, m.start + k, m.end, m.text[k:])
            k = chain(m.text)
        out.append(m)
    return out


def _trim_person_adverbs(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """A model person span that swallowed the adverb after the name ("陆明也" in
    "陆明也表示") ends before the adverb; one that swallowed a follower verb ("李强说") ends
    before it when the name alone is tagged elsewhere in the document, and one that lost its
    first character to the word before it ("落实|习近平" tagged 近平) takes the longer name
    the document tags elsewhere."""
    text = st.doc.text
    advs = st.lex.word_tuple("persons", "adverb")
    followers = st.lex.word_tuple("persons", "follower")
    speech_end = st.lex.word_set("persons", "speech_end")
    surnames = st.lex.word_set("persons", "surname")
    names = {m.text for m in mentions if m.type == "Person"}
    out = []
    for m in mentions:
        if m.type == "Person":
            # (speed) one C-level test of every word before the loops that find which
            for a in (advs if m.text.endswith(advs) else ()):
                if m.text.endswith(a) and len(m.text) - len(a) >= 2 \
                        and _adverb_cut(st, text[m.end - len(a):m.end + 4]):
                    m = _respan(m, m.start, m.end - len(a), m.text[:-len(a)])
                    break
            else:
                # "李强说，": a reporting verb swallowed by a name the document tags alone too
                f = next((f for f in followers if m.text.endswith(f) and m.text[:-len(f)] in names
                          and len(m.text) - len(f) >= 2), None) if m.text.endswith(followers) else None
                if f:
                    m = _respan(m, m.start, m.end - len(f), m.text[:-len(f)])
                elif m.text[-1:] in speech_end and len(m.text) in (3, 4) \
                        and (m.end == len(text) or text[m.end] in _HARD) \
                        and (m.text[0] in surnames or m.text[:2] in surnames):
                    # "王立说：": a one-character reporting verb before punctuation
                    m = _respan(m, m.start, m.end - 1, m.text[:-1])
                elif len(m.text) == 4 and _three_before_glue(st, text, m.start, m.text):
                    # "余立诚共|同打响", "焦立生与|代表团座谈": a 4-character span whose last
                    # character opens a follower word or adverb after a surname-led 3-character name
                    m = _respan(m, m.start, m.end - 1, m.text[:-1])
                # "落实习近平" tagged 近平: the surname went to the word before it (实习);
                # the name the document tags elsewhere is the longer one
                k = next((k for k in (1, 2) if m.start >= k and text[m.start - k:m.end] in names), 0)
                if k:
                    m = _respan(m, m.start - k, m.end, text[m.start - k:m.end])
        out.append(m)
    return out


def _join_party_prefix(st: DocState, mentions: list[Mention]) -> list[Mention]:
    """"中国共产党" + "呼和浩特市第十三届委员会": an organ written right after a party prefix
    (places.tsv ``city_prefix``) is one party organisation with it; the prefix alone is
    not a separate mention there."""
    text = st.doc.text
    prefixes = sorted(st.lex.words("places", "city_prefix"), key=len, reverse=True)
    joined: list[Mention] = []
    absorbed: set[tuple[int, int]] = set()
    for m in mentions:
        if m.type == "Organization" and m.text.endswith(st.lex.word_tuple("places", "prefix_org_end",
                                                                          longest_first=False)):
            pre = next((p for p in prefixes if text.endswith(p, 0, m.start)), None)
            if pre and not m.text.startswith(prefixes[0][:1]):
                a = m.start - len(pre)
                absorbed.add((a, m.start))
                m = replace(m, start=a, text=text[a:m.end], subtype="party")
        joined.append(m)
    return [m for m in joined if (m.start, m.end) not in absorbed]


def _place_names(st: DocState) -> set[str]:
    # (speed) the lexicon's names made once per lexicon, copied per document
    names = set(lexicon_place_names(st.lex))
    for s, e, typ, _sub, text in st.ner_v:
        if typ == "Place":
            names.add(text)
    # cities written in this document ("包头市" and "包头")
    counts, _strong = city_names(st.text, prefixes=st.lex.words("places", "city_prefix"),
                                 not_city=st.lex.words("places", "not_city"),
                                 breaks=st.orig_breaks, lex=st.lex)
    for c in counts:
        names.add(c)
        names.add(c[:-1])
    return names


@stage(requires=(),
       assigns=("view", "text", "orig_breaks", "ner", "ner_v", "places", "posts_rx"))
def prepare(st: DocState) -> None:
    """The view the rules read, the model mentions cleaned up (cut spans, agency verbs, city
    names, party prefixes) and in view offsets, and the place names of the document."""
    doc, lex = st.doc, st.lex
    media = lex.word_tuple("persons", "media_self")
    st.view = _View(doc.text, lex.cached("base.reporter_rx", lambda: re.compile(
        "(?:" + alternation_body(media) + ")?(?:"
        + alternation_body(lex.word_tuple("persons", "reporter_rank", longest_first=False))
        + ")?(?:" + alternation_body(lex.word_tuple("persons", "reporter_word", longest_first=False))
        + ")"))
        if media else None, lex)
    st.text = st.view.text
    # view offsets where the original had a line break that ingest already removed
    off, orig = doc.offsets, doc.original
    st.orig_breaks = []
    if off and len(off) == len(doc.text) + 1:
        st.orig_breaks = breaks_between(orig, off, st.view.map)
    ner = [part for m in _cut_at_cells(st, st.model_mentions) for part in _split_mention(m, doc, lex)]
    ner = _split_outlets(st, _cut_trailing_posts(st, _cut_agency_verbs(st, ner)))
    # a person or place written in Latin letters only is page chrome or a pinyin / English gloss
    # (PublicSecurity, fa): no Person or Place of the real pages' gold is written without Han
    ner = [m for m in ner if m.type not in ("Person", "Place") or any(_is_han(c) for c in m.text)]
    # an organisation written in Latin letters only is written with capitals (TCL, ABB): one
    # without a capital is an English word or a URL's remnant (director, publications., vid=x)
    ner = [m for m in ner if m.type != "Organization" or any(_is_han(c) or c.isupper() for c in m.text)]
    # a shop or market the model tags as a place is an organisation (X超市: places.tsv
    # business_tail); a pronoun place or a count of places (我县, 三市: not_place_rx) is no place
    shops = lex.word_tuple("places", "business_tail")
    not_place = lex.plain_pattern("places", "not_place_rx")
    ner = [replace(m, type="Organization", subtype="enterprise")
           if m.type == "Place" and m.text.endswith(shops)
           and any(m.text.endswith(w) and len(m.text) >= len(w) + 2 for w in shops) else m
           for m in ner if m.type != "Place" or not not_place.match(m.text)]
    # "记者 盖奥·": a name cut before its second part keeps no middle dot
    ner = [_respan(m, m.start, m.end - 1, m.text[:-1]) if m.type == "Person" and m.text.endswith("·")
           and len(m.text) > 2 else m for m in ner]
    # "…正在安装。 张三摄" (a caption's credit): the credit word is no part of the name
    ner = [_respan(m, m.start, m.end - len(w), m.text[:-len(w)])
           if m.type == "Person" and (w := photo_mark_end(lex, m.text)) else m for m in ner]
    # a name never ends with an office, a project or an outlet (persons.tsv name_bad_end)
    bad_end = lex.word_tuple("persons", "name_bad_end")
    ner = [m for m in ner if m.type != "Person" or not m.text.endswith(bad_end)]
    # a visiting delegation (X市党政代表团) is no organisation
    not_org = lex.word_tuple("grammar", "org_not_end")
    ner = [m for m in ner if m.type != "Organization" or not m.text.endswith(not_org)]
    ner = _join_party_prefix(st, _repair_places(st, _extend_to_places(st, _split_glued_orgs(st, ner))))
    # "县委副书记、代县长A": a place that opens a post title running past it (代县|长) is none
    st.ner = [m for m in ner if m.type != "Place" or not lex.title_runs_past(doc.text, m.start, m.end)]
    # model mentions in view coordinates
    st.ner_v = []
    for m in st.ner:
        s, e = to_view(st, m.start, m.end)
        if e > s:
            st.ner_v.append((s, e, m.type, m.subtype, st.text[s:e]))
    st.places = _place_names(st)
    st.posts_rx = lex.cached("base.posts_rx", lambda: re.compile(
        alternation_body(sorted(lex.posts, key=lambda x: -len(x)))))
