"""Post chains (stage ``post_chains``): appositive chains ("市委副书记、市长贺海东") with the
organisation a title carries over from an earlier chain or the headline.  Facts:
``holds_post``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from ..lexicon import LexiconWords
from ..model import Arg
from .base import QUOTE_PAIRS, _Chain, _Grammar, _HARD, _is_han, undoubled
from .orgs import _abbr_match, _classify_org, _org_part_start, _place_parens_start, is_whole_short_form
from .people import _Words as _PeopleWords, _name_after, _person_ending_at, _surname_name
from .places import _is_place
from .registry import stage
from .state import (DocState, add_fact, add_mention, add_person, last_of, ner_at, ner_spans_of_type,
                    sorted_growing)

# posts.tsv kind of a chain chief's title (链长): its "organisation" is an industrial chain, so
# the title gives no fact and is read whatever stands before it
CHAIN_CHIEF = "chain"


def _chain_chief(st: DocState, title: str) -> bool:
    info = st.lex.posts.get(title)
    return info is not None and info.kind == CHAIN_CHIEF


class _Words(LexiconWords):
    """The words and regular expressions of persons.tsv the post-chain readers use, built once
    per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str) -> tuple[str, ...]:
            return lex.word_tuple("persons", kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("persons", kind)

        self.concurrent = w("post_concurrent")[0]
        self.element_sep = "、" + self.concurrent
        self.owner_de = w("owner_de")[0]
        self.party_organ = w("party_organ_prefix")
        self.party_group = w("party_group")[0]
        self.party_group_body = w("party_group_body")
        self.named_organ = rx("named_organ_rx")
        self.not_named_place = w("named_organ_not_place")
        self.bare_organ = rx("bare_organ_rx")
        self.interview_verb = rx("interview_verb_rx")
        self.title_rank = rx("title_rank_rx")
        self.head_title_end = w("head_title_end")[0]
        self.place_title_mark = frozenset(w("place_title_mark"))
        self.org_anaphor = w("org_anaphor")[0]
        self.org_place_prefix = rx("org_place_prefix_rx")
        people = _PeopleWords.of(lex)
        self.interview = people.interview
        self.list_close = people.list_close


@stage(requires=("view", "text", "orig_breaks", "ner_v", "places", "posts_rx", "persons", "orgs"),
       assigns=("persons", "person_names", "chains", "orgs", "mentions", "facts"))
def post_chains(st: DocState) -> None:
    """Appositive chains of titles before a name (市委副书记、市长X): the chain, its person
    and the holds_post facts of each element's organisation."""
    t = st.text
    for m in st.posts_rx.finditer(t):
        name = _name_after(st, m.end())
        if name is None:
            continue
        elements = _chain_elements(st, m.start(), m.end())
        de_org = _de_owner(st, elements)
        readings = _readings(st, elements, de_org)
        if _unreadable(st, elements, readings) and not de_org:
            continue
        chain_start = elements[0][0]
        parsed = _parse_elements(st, elements, readings)
        parsed = _with_named_organs(st, parsed, chain_start)
        parsed = _with_carried_org(st, parsed, chain_start)
        interview = _is_interview(st, chain_start, name)
        if not any(o for o, _k, _t in parsed) and name not in ner_spans_of_type(st, "Person"):
            continue
        _record_chain(st, _Chain(chain_start, name[1], t[name[0]:name[1]], name[0], parsed, interview),
                      name, (m.start(), m.end()))
        if elements[0][0] < elements[0][1]:
            os_, ts_, te_ = elements[0]
            txt = t[os_:ts_]
            if _classify_org(st, txt) == "org" and not txt.startswith(_Words.of(st.lex).org_anaphor) \
                    and not _chain_chief(st, t[ts_:te_]):
                st.orgs.setdefault((os_, ts_), (txt, st.lex.org_subtype(txt)))


def _element_start(st: DocState, pos: int) -> int:
    """The start of the chain element ending at ``pos``: the last hard stop or 兼 after a title."""
    t = st.text
    pw = _Words.of(st.lex)
    start = pos
    while start > 0:
        if t[start - 1] in _HARD:
            # "清陶(乌海)能源科技有限公司总经理": a bracketed place inside a company's name
            o = _place_parens_start(st, start - 1) if start - 1 < pos - 1 else None
            if o is None:
                break
            start = o
            continue
        # "董事长兼总经理": 兼 after a title separates two elements like 、
        if t[start - 1] == pw.concurrent and st.lex.post_suffix(t[max(0, start - 9):start - 1]):
            break
        start -= 1
    return start


def _chain_elements(st: DocState, ts: int, te: int) -> list[tuple[int, int, int]]:
    """(organisation start, title start, title end) of each element of the chain whose last
    title is [ts, te), walking back over the elements separated by 、 / 兼, in text order."""
    t = st.text
    pw = _Words.of(st.lex)
    elements: list[tuple[int, int, int]] = []
    cur_ts, cur_te = ts, te
    while True:
        estart = _element_start(st, cur_ts)
        # the title found by the regex may be the tail of a longer title
        el = t[estart:cur_te]
        title = st.lex.post_suffix(el) or t[cur_ts:cur_te]
        cur_ts = cur_te - len(title)
        ostart = _org_part_start(st, estart, cur_ts)
        elements.append((ostart, cur_ts, cur_te))
        if ostart == estart and estart > 0 and t[estart - 1] in pw.element_sep:
            prev_end = estart - 1
            prev = t[_element_start(st, prev_end):prev_end]
            pt = st.lex.post_suffix(prev)
            if pt:
                cur_ts, cur_te = prev_end - len(pt), prev_end
                continue
        break
    elements.reverse()
    return elements


# a closing quote -> its opening quote
_QUOTE_CLOSE = {b: a for a, b in QUOTE_PAIRS}


def _de_owner(st: DocState, elements: list[tuple[int, int, int]]) -> str | None:
    """"X的Y": the organisation before 的 that owns a first title standing alone, or None;
    also an enterprise written in quotes right before its first title ("“中国电子”总经理A")."""
    t = st.text
    first_os, first_ts, first_te = elements[0]
    if first_os == first_ts and first_os > 1 and t[first_os - 1] in _QUOTE_CLOSE:
        info = st.lex.posts.get(t[first_ts:first_te])
        j = t.rfind(_QUOTE_CLOSE[t[first_os - 1]], max(0, first_os - 12), first_os - 1)
        name = t[j + 1:first_os - 1] if j >= 0 else ""
        if info and info.kind == "enterprise" and len(name) >= 2 and all(_is_han(c) for c in name) \
                and _classify_org(st, name) == "org":
            return name
    if first_os == first_ts and first_os > 0 and t[first_os - 1] == _Words.of(st.lex).owner_de:
        j = first_os - 1
        k = j
        while k > 0 and t[k - 1] not in _HARD:
            k -= 1
        cand = t[_org_part_start(st, k, j):j]
        if cand and (st.lex.ends_with_org_suffix(cand) or _is_place(st, cand)
                     or _abbr_match(st, cand)):
            return cand
    return None


def _parse_elements(st: DocState, elements: list[tuple[int, int, int]],
                    readings: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(organisation, how it was found, title) of each element, from its reading
    (:func:`_readings`): written, a place's organ, implied by the title, inherited from the
    element before, or none."""
    pw = _Words.of(st.lex)
    parsed: list[tuple[str, str, str]] = []
    prev_org: tuple[str, str] | None = None
    for (os_, ts_, _te), (org_text, title, kind) in zip(elements, readings):
        if kind == "org" and org_text.startswith(pw.org_anaphor) and os_ < ts_:
            # "该局党组书记、局长A": the one organisation with that suffix written before it in
            # the paragraph; without one, none (a carried organisation may fill it)
            org_text = _antecedent(st, org_text[len(pw.org_anaphor):], os_) or ""
            kind = "org" if org_text else ""
        info = st.lex.posts[title]
        if info.kind == CHAIN_CHIEF:
            # a chain chief's industrial chain is no organisation: no fact, and the titles after
            # it do not inherit it
            parsed.append(("", "none", title))
            continue
        if kind == "place":
            # "大冶市长A": the title's own mark (市 of 市长) is the place's too -- 大冶市
            mark = title[-2:-1] if title.endswith(pw.head_title_end) else ""
            # ("津市市长A": the county-level city 津市市, its own name ending in the mark)
            if info.place_org and "{place}" in info.place_org and mark in pw.place_title_mark \
                    and (not org_text.endswith(mark)
                         or org_text + mark in st.lex.word_set("counties", "county")):
                org_text += mark
            org_text = info.place_org.replace("{place}", org_text) if info.place_org \
                else org_text
            kind = "org" if info.place_org else "place"
        if org_text:
            parsed.append((org_text, kind, title))
            prev_org = (org_text, kind)
        elif info.implied_org:
            parsed.append((info.implied_org, "implied", title))
            prev_org = (info.implied_org, "implied")
        elif prev_org is not None:
            # "X局党委常委、财务总监A": an enterprise / government title inherits X局, not its
            # party committee
            po = prev_org[0]
            # the body a party organ ends (X局 of X局党委), None when it ends none
            base = next((po[:-len(p)] for p in pw.party_organ
                         if po.endswith(p) and len(po) > len(p) + 1), None)
            if info.kind in ("enterprise", "government"):
                po = base or po
            elif info.kind != "party" and base and po.endswith(pw.party_group) \
                    and base.endswith(pw.party_group_body):
                # "区人大常委会党组书记、主任A": the body's own title is the body's, not its group's
                po = base
            elif info.kind != "party" and base and info.place_org and "{place}" in info.place_org \
                    and _is_place(st, base):
                # "X自治区党委常委、常务副主席A": a title of the place's own organ (the region's
                # government) takes the place of the party committee before it, not the committee
                po = info.place_org.replace("{place}", base)
            parsed.append((po, "inherited", title))
        else:
            parsed.append(("", "none", title))
    return parsed


def _readings(st: DocState, elements: list[tuple[int, int, int]],
              de_org: str | None) -> list[tuple[str, str, str]]:
    """(organisation, title, kind) of each element (:func:`_element_org`); the first element's
    organisation is ``de_org`` where it writes none ("X的局长A")."""
    out = []
    for idx, (os_, ts_, te_) in enumerate(elements):
        org_text = st.text[os_:ts_]
        if idx == 0 and not org_text and de_org:
            org_text = de_org
        out.append(_element_org(st, org_text, (os_, ts_, te_)))
    return out


def _unreadable(st: DocState, elements: list[tuple[int, int, int]],
                readings: list[tuple[str, str, str]]) -> bool:
    """Whether an element of the chain writes something before its title that is no
    organisation or place (its reading's kind is empty): then the chain is no post chain.  A
    chain chief's title (posts.tsv kind ``chain``: 市X产业链链长) writes an industrial chain
    there, and counts as read."""
    return any(os_ < ts_ and not kind and not _chain_chief(st, title)
               for (os_, ts_, _te), (_o, title, kind) in zip(elements, readings))


def _element_org(st: DocState, org_text: str, element: tuple[int, int, int]) -> tuple[str, str, str]:
    """(organisation, title, kind) of a chain element ``(org start, title start, title end)``
    whose organisation part reads ``org_text``; kind as :func:`_classify_org`.  A party organ
    opening the title belongs to the organisation ("内蒙古自治区党委书记"; "区党工委副书记" where
    the NER model tagged 区党工委), and so does the X of an X长 title ending the organisation
    ("州公安局长A", "市委宣传部长A"; "宣传部长A" where the NER model tagged 宣传部)."""
    pw = _Words.of(st.lex)
    os_, ts_, te_ = element
    title = st.text[ts_:te_]
    kind = _classify_org(st, org_text)
    # "区纪委书记A": a level mark alone before a title whose place organ it abbreviates (区纪委)
    info = st.lex.posts.get(title)
    if org_text in pw.place_title_mark and info and "{place}" in info.place_org:
        organ = info.place_org.replace("{place}", org_text)
        if _abbr_match(st, organ):
            org_text, kind = organ, "org"
    ner_orgs = ner_spans_of_type(st, "Organization")
    written = bool(org_text) and org_text == st.text[os_:ts_]   # not an owner taken from before 的
    for pre in pw.party_organ:
        if kind != "org" and title.startswith(pre) and title[len(pre):] in st.lex.posts \
                and (kind == "place" or (written and (os_, ts_ + len(pre)) in ner_orgs)):
            org_text, title, kind = org_text + pre, title[len(pre):], "org"
            ts_ += len(pre)
            break
    # "中央政治局委员A": where the text before the longest title is no organisation, a shorter
    # title whose start completes it to a known short form (中央 + 政治局, 委员; not 以及 + 党委)
    if not kind and written:
        k = next((k for k in range(1, len(title) - 1) if title[k:] in st.lex.posts
                  and is_whole_short_form(st, org_text + title[:k])), 0)
        if k:
            org_text, title, kind = org_text + title[:k], title[k:], "org"
    # "县政府党组成员A": the party group of a government (a congress, a CPPCC) is an organ of its
    # own, the title keeps its 党组; a bureau's 党组 titles stay the bureau's
    if kind == "org" and written and title.startswith(pw.party_group) \
            and org_text.endswith(pw.party_group_body) and title in st.lex.posts:
        org_text += pw.party_group
    core = pw.title_rank.sub("", title)
    if len(core) == 2 and core.endswith(pw.head_title_end) \
            and core[0] not in pw.place_title_mark and not org_text.endswith(core[0]) \
            and not st.lex.ends_with_org_suffix(org_text) \
            and st.lex.ends_with_org_suffix(org_text + core[0]) \
            and (kind or (written and title == core and (os_, ts_ + 1) in ner_orgs)):
        org_text, kind = org_text + core[0], "org"
    return org_text, title, kind


def _antecedent(st: DocState, suffix: str, pos: int) -> str | None:
    """The organisation an anaphor (该局) before ``pos`` refers to: the one organisation whose
    name ends with ``suffix`` (局) written before it in the same paragraph (a name that ends
    another one of them is that one); None if there is none or more than one."""
    anaphor = _Words.of(st.lex).org_anaphor
    names = {x for x in _orgs_between(st, last_of(st, "\n", pos) + 1, pos)
             if len(x) > len(suffix) + 1 and x.endswith(suffix) and not x.startswith(anaphor)}
    # the names no other one ends with (speed: the set of the names' proper suffixes, not every
    # name against every other one)
    inner = {y[k:] for y in names for k in range(1, len(y))}
    bodies = names - inner
    return bodies.pop() if len(bodies) == 1 else None


def _chains_starting_in(st: DocState, lo: int, hi: int) -> list[_Chain]:
    """``[ch for ch in st.chains if lo <= ch.start < hi]``, in the list's order.  (speed) From
    one index of the chains' starts per document, extended with the chains appended since the
    last look-up (post_chains only appends), not a pass over every earlier chain per chain."""
    chains = st.chains
    starts = sorted_growing(st, "_chain_starts", chains, lambda i, ch: (ch.start, i))
    a, b = bisect_left(starts, (lo, -1)), bisect_left(starts, (hi, -1))
    return [chains[i] for i in sorted(i for _s, i in starts[a:b])]


def _with_named_organs(st: DocState, parsed: list[tuple[str, str, str]],
                       chain_start: int) -> list[tuple[str, str, str]]:
    """A bare 区委 / 区人民政府 takes the district named with its organ earlier in the sentence."""
    # "官渡区委书记A，区委副书记、区长B"
    t = st.text
    pw = _Words.of(st.lex)
    ss_ = last_of(st, "。！？!?\n", chain_start) + 1
    named = {}
    # the organisations of earlier chains of the sentence, then of this chain's elements
    orgs_before = [o for ch0 in _chains_starting_in(st, ss_, chain_start)
                   for o, _k, _t in ch0.elements] + [o for o, _k, _t in parsed]
    # (also a county-level city: "晋江市委副书记、市长B" -> 晋江市人民政府)
    counties = st.lex.word_set("counties", "county")
    for o in orgs_before:
        # (县人民政府党组: the party group of a named organ names its place too)
        om = pw.named_organ.fullmatch((o or "").removesuffix(pw.party_group))
        if om and _is_place(st, om.group(1)) and om.group(1)[:-1] not in pw.not_named_place \
                and not any(c in _Grammar.of(st.lex).func for c in om.group(1)):
            place = om.group(1)
            # "莘县县委副书记、县长B", "昭通市市委书记A、市长B": the organ's mark written
            # again after the place's own; the place is 莘县 (津市市 is a county's name)
            place = undoubled(place, counties)
            named[place[-1]] = place
    if named:
        parsed = [(named[o[0]] + o[1:], "org" if k_ in ("implied", "inherited") else k_, tt)
                  if o[:1] in named and pw.bare_organ.fullmatch(o) else (o, k_, tt)
                  for o, k_, tt in parsed]
    return parsed


def _with_carried_org(st: DocState, parsed: list[tuple[str, str, str]],
                      chain_start: int) -> list[tuple[str, str, str]]:
    """Titles without an organisation take the previous chain's or the headline's (_carried_org)."""
    # "局党组书记、局长X" (the page's own body) / "副主任X" without organisation: the
    # organisation of the previous chain or of the headline, when the title fits it
    bare = set(st.lex.words("persons", "bare_org"))
    if parsed and all(k == "none" or (o in bare and k != "implied") for o, k, _t in parsed):
        carried = _carried_org(st, chain_start, [tt for _o, _k, tt in parsed])
        if carried:
            parsed = [(carried, "carried", tt) for _o, _k, tt in parsed]
        else:
            # "A有限公司举行…。公司总经理B介绍": a bare body word is the one organisation ending
            # with it written before it in the paragraph (as 该局 is: _antecedent)
            parsed = [((_antecedent(st, o, chain_start) or o) if o in bare and k != "implied" else o, k, tt)
                      for o, k, tt in parsed]
    return parsed


def _is_interview(st: DocState, chain_start: int, name: tuple[int, int]) -> bool:
    """The chain heads an interview: "——访X局局长Y", or "专访了…" with answers labelled "Y："."""
    t = st.text
    pw = _Words.of(st.lex)
    pre = t[max(0, chain_start - 3):chain_start]
    interview = pre.endswith(pw.interview) and ("——" in t[max(0, chain_start - 4):chain_start]
                                           or "—" in pre)
    person = t[name[0]:name[1]]
    # "本报记者专访了X局局长Y" in an article whose answers are labelled "Y：": an interview
    # without a ——访 header
    if not interview and pw.interview_verb.search(t[max(0, chain_start - 4):chain_start]) \
            and re.search(rf"(?m)^[ \t\u3000]*{re.escape(person)}[ \t\u3000]*[:：]", t[name[1]:]):
        interview = True
    return interview


def _listed_names(st: DocState, name: tuple[int, int]) -> list[tuple[int, int]]:
    """The chain's name and the names listed after it with 、 ("副主任乙、丙"); the list ends
    where an organisation or a place with its mark (and no model person) opens an item
    (:func:`_names_body`)."""
    t = st.text
    pw = _Words.of(st.lex)
    names = [name]
    q = name[1]
    while q < len(t) and t[q] == "、":
        seg_end = q + 1
        while seg_end < len(t) and t[seg_end] not in _HARD:
            seg_end += 1
        if st.posts_rx.search(t, q + 1, seg_end):
            break
        if ner_at(st, q + 1, "Person") is None and _names_body(st, q + 1):
            break           # "主任乙、县人大代表丙": an organisation or place opens the next item
        nx = _name_after(st, q + 1)
        if nx is not None and nx[1] - nx[0] >= 3 and t[nx[1] - 1] == pw.list_close:
            nx = (nx[0], nx[1] - 1)     # "乙、丙等参加"
        if nx is None or nx[0] != q + 1 or nx[1] - nx[0] > 4:
            break
        names.append(nx)
        q = nx[1]
    return names


def _names_body(st: DocState, pos: int) -> bool:
    """Whether an organisation (the model's or the rules') or a place with its level's mark
    (the model's: X县, not a name it tags as a place, 黄山) starts at ``pos``."""
    if ner_at(st, pos, "Organization"):
        return True
    grammar = _grammar_orgs_sorted(st)
    k = bisect_left(grammar, (pos,))
    if k < len(grammar) and grammar[k][0] == pos:
        return True
    place = ner_at(st, pos, "Place")
    return place is not None and st.text[place[1] - 1] in _Grammar.of(st.lex).admin_end


_CHAIN_CONFIDENCE = {"org": 0.9, "place": 0.85, "implied": 0.85, "inherited": 0.85, "carried": 0.75}


def _record_chain(st: DocState, ch: _Chain, name: tuple[int, int], title: tuple[int, int]) -> None:
    """The chain, its people, its last title's mention and a holds_post fact per element and name."""
    t = st.text
    st.chains.append(ch)
    add_person(st, name, "post_chain")
    add_mention(st, title[0], title[1], "Post", None, "post_chain", 0.9)
    # "副主任乙、丙": the title and its organisation hold for every listed name
    names = _listed_names(st, name)
    for nx in names[1:]:
        add_person(st, nx, "post_chain")
    for org_text, kind, post in ch.elements:
        if not org_text:
            continue
        conf = _CHAIN_CONFIDENCE[kind]
        for nx in names:
            args = {"person": Arg(t[nx[0]:nx[1]], "Person"), "post": Arg(post, "Post"),
                    "org": Arg(org_text, "Organization", st.lex.org_subtype(org_text))}
            add_fact(st, "holds_post", args, (ch.start, nx[1]), "post_chain", conf)


def _title_fits(st: DocState, org: str, titles: list[str]) -> bool:
    """persons.tsv title_org: 主任 needs …委员会/办公室/中心, X长 needs an organisation
    ending in X (局长 -> …局); other titles are never carried."""
    pw = _Words.of(st.lex)
    compat = {}
    for v in st.lex.words("persons", "title_org"):
        k, _, sufs = v.partition("=")
        compat[k] = tuple(x for x in sufs.split("|") if x)
    for title in titles:
        core = pw.title_rank.sub("", title)
        if core in compat:
            ok = org.endswith(compat[core])
        elif core.endswith(pw.head_title_end) and len(core) >= 2:
            ok = org.endswith(core[-2])
        else:
            ok = False
        if not ok:
            return False
    return True


def _ner_orgs_by_start(st: DocState) -> tuple[list[int], list[tuple[int, int]]]:
    """The model's Organization spans (:func:`ner_spans_of_type`), sorted, and their starts (once
    per document: ner_v is fixed after the prepare stage)."""
    idx = st.memo.get("_ner_orgs_by_start")
    if idx is None:
        spans = sorted(ner_spans_of_type(st, "Organization"))
        idx = st.memo["_ner_orgs_by_start"] = ([x for x, _y in spans], spans)
    return idx


def _grammar_orgs_sorted(st: DocState) -> list[tuple[int, int]]:
    """The spans of ``st.orgs``, sorted, kept up to date as stages add to it (``st.orgs`` only
    ever gains keys: :func:`sorted_growing`)."""
    return sorted_growing(st, "_grammar_orgs_sorted", st.orgs, lambda _i, key: key)


def _orgs_between(st: DocState, a: int, b: int) -> set[str]:
    """The organisations named in [a, b): the model's spans, the grammar's (``orgs``: their
    names) and the post chains' (their organisation elements)."""
    starts, ner_orgs = _ner_orgs_by_start(st)
    # (speed) the grammar's spans starting in [a, b] by bisection: all of them per call made the
    # rules grow with the text on one long line (the paragraph before 该局 is all of it)
    grammar = _grammar_orgs_sorted(st)
    spans = (ner_orgs[bisect_left(starts, a):bisect_right(starts, b)]
             + grammar[bisect_left(grammar, (a,)):bisect_left(grammar, (b + 1,))])
    # (speed) only the chains starting in [a, b), through the chains' index, and the first of
    # them with each bounds by a look-up per span: a scan of every chain per span made
    # post_chains grow 3.5x per doubling of one line
    chains = _chains_starting_in(st, a, b)
    spans += [(ch.start, ch.end) for ch in chains
              if any(k in ("org", "inherited") for _o, k, _t in ch.elements)]
    chain_at: dict[tuple[int, int], _Chain] = {}
    for ch in chains:
        chain_at.setdefault((ch.start, ch.end), ch)
    out = set()
    for x, y in spans:
        if a <= x and y <= b:
            if (x, y) in st.orgs:
                out.add(st.orgs[(x, y)][0])
            elif (ch := chain_at.get((x, y))) is not None:
                out |= {o for o, k, _t in ch.elements if o and k in ("org", "inherited")}
            else:
                out.add(st.text[x:y])
    return out


def _org_core(st: DocState, name: str) -> str:
    """An organisation's name without its place prefix and with body abbreviations written
    out (西宁市发改委, 市发改委 and 西宁市发展和改革委员会 share one core)."""
    core = _Words.of(st.lex).org_place_prefix.sub("", name)
    for ab in sorted(st.lex.abbreviations, key=lambda a: len(a.short), reverse=True):
        if ab.scope == "body" and "{" not in ab.full and core.endswith(ab.short):
            core = core[: -len(ab.short)] + ab.full
            break
    return core


def _blocking_orgs(st: DocState, a: int, b: int, org: str, titles: list[str]) -> set[str]:
    """Organisations named in [a, b) that could hold the titles instead of ``org``: the same
    body written otherwise (市发改委) and bodies the titles do not fit (an enterprise for 副
    局长) block nothing."""
    core = _org_core(st, org)
    return {o for o in _orgs_between(st, a, b)
            if _org_core(st, o) != core and _title_fits(st, o, titles)}


def _carried_org(st: DocState, start: int, titles: list[str]) -> str | None:
    """The organisation a title written without one refers to: the previous chain's (same
    paragraph or previous sentence) or the headline's single organisation, never across
    another organisation named in between, and only when the title fits it."""
    t = st.text
    bare = set(st.lex.words("persons", "bare_org"))
    for ch in reversed(st.chains):
        if ch.end > start:
            continue
        gap = t[ch.end:start]
        if "\n" in gap and len(re.findall("[。！？!?]", gap)) > 1:
            break
        org = next((o for o, k, _t in reversed(ch.elements)
                    if o and k in ("org", "inherited") and o not in bare), None)
        if org and _title_fits(st, org, titles) and not (
                _blocking_orgs(st, ch.end, start, org, titles) - {org}):
            return org
        break
    # the heading lines: up to three lines before the first one holding a sentence end
    # (a navigation line, the headline, a 来源/date line)
    # (speed) the first three line starts and joins, once per document
    bounds = st.memo.get("_heading_bounds")
    if bounds is None or bounds[0] is not t:
        bounds = st.memo["_heading_bounds"] = (t, sorted(set(st.view.joins) | {
            m.end() for m in re.finditer("\n", t)})[:3])
    bounds = bounds[1]
    hl_end = 0
    for b in bounds[:3]:
        if re.search("[。！？!?]", t[hl_end:b]):
            break
        hl_end = b
    if hl_end == 0:
        return None
    names = {n for n in _orgs_between(st, 0, hl_end) if n not in bare and len(n) >= 4}
    # a navigation word joined before the headline's organisation ("工作动态X委员会") is the
    # same organisation
    names = {n for n in names if not any(m != n and n.endswith(m) for m in names)}
    # navigation words the model tags (新闻中心) do not hold a 副局长
    names = {n for n in names if _title_fits(st, n, titles)}
    if len(names) != 1:
        return None
    org = names.pop()
    if not _title_fits(st, org, titles) or (_blocking_orgs(st, hl_end, start, org, titles) - {org} - bare):
        return None
    return org


@stage(requires=("view", "text", "orig_breaks", "ner_v", "places", "posts_rx", "persons", "person_names"),
       assigns=("persons", "person_names", "facts"))
def names_before_titles(st: DocState) -> None:
    """"由X副市长负责", "X省长牵头", "市工信局X局长等陪同": a name written before its title,
    the title followed by a follower word (persons.tsv follower / name_title_verb); the
    organisation is the one written before the name, else the title's implied organisation."""
    t = st.text
    lex = st.lex
    verbs = lex.word_tuple("persons", "follower") + lex.word_tuple("persons", "name_title_verb")
    lefts = frozenset(lex.word_tuple("persons", "name_title_left"))
    ner_person = {(a, b) for a, b, typ, _s, _x in st.ner_v if typ == "Person"}
    known = set(st.person_names) | {x for _a, _b, typ, _s, x in st.ner_v if typ == "Person"}
    not_person = set(lex.words("persons", "not_person"))
    for m in st.posts_rx.finditer(t):
        ts, te = m.start(), m.end()
        info = lex.posts.get(m.group(0))
        if info is None or info.after_name or info.kind == CHAIN_CHIEF \
                or any(lex.ends_with_org_suffix(t[ts:te + k]) and not lex.ends_with_org_suffix(t[te:te + k])
                       for k in (1, 2, 3)):
            # (委员|会: the title is the head of an organisation's suffix; not 书记|的委托, whose
            # suffix 委 lies wholly after the title)
            continue
        # "省人大常委会A副主任、省政府B副省长、…": in a 、 list only after a written organisation
        listed = t[te:te + 1] == "、"
        if not listed and not t.startswith(verbs, te):
            continue
        span = _person_ending_at(st, ts, ner_person, known)
        if span is None and not listed:
            # (a surname-led guess only before a verb: "党委常委、" is no name)
            span = _surname_name(st, ts)
        if span is None:
            continue
        name = t[span[0]:span[1]]
        if name in not_person or name in lex.posts or lex.post_suffix(name) or span in st.persons:
            continue
        a = span[0]
        org = ""
        if a > 0 and t[a - 1] not in _HARD and t[a - 1] not in lefts:
            # "市工信局X局长": the organisation written right before the name
            org_start = _org_part_start(st, _element_start(st, a), a)
            org = t[org_start:a]
            if not org or _classify_org(st, org) != "org":
                continue
        if listed and not org:
            continue
        org = org or info.implied_org
        if not org:
            continue
        args = {"person": Arg(name, "Person"), "post": Arg(m.group(0), "Post"),
                "org": Arg(org, "Organization")}
        add_person(st, span, "name_before_title")
        add_fact(st, "holds_post", args, (a, te), "name_before_title", 0.8)


@stage(requires=("view", "text", "orig_breaks", "ner_v", "places", "posts_rx", "persons", "chains",
                 "orgs"),
       assigns=("persons", "person_names", "facts"))
def appointed_posts(st: DocState) -> None:
    """"任命A为X人民政府副区长、代理区长": the person appointed holds the posts after 为, read
    like a post chain (persons.tsv appointed_rx; its group "name" is the person)."""
    t = st.text
    surnames = st.lex.word_set("persons", "surname")
    for rx in st.lex.patterns("persons", "appointed_rx"):
        for m in rx.finditer(t):
            name = (m.start("name"), m.end("name"))
            if t[name[0]] not in surnames and t[name[0]:name[0] + 2] not in surnames \
                    and name not in ner_spans_of_type(st, "Person"):
                continue
            seg_start = m.end()
            seg_end = seg_start
            while seg_end < len(t) and (t[seg_end] not in _HARD or t[seg_end] == "、") \
                    and seg_end - seg_start < 60:
                seg_end += 1
            last = None
            for tm in st.posts_rx.finditer(t, seg_start, seg_end):
                last = tm
            if last is None or last.end() != seg_end:
                continue
            elements = [(max(o, seg_start), max(a, seg_start), b)
                        for o, a, b in _chain_elements(st, last.start(), last.end()) if b > seg_start]
            readings = _readings(st, elements, None)
            if not elements or _unreadable(st, elements, readings):
                continue
            parsed = _with_named_organs(st, _parse_elements(st, elements, readings), elements[0][0])
            person = t[name[0]:name[1]]
            add_person(st, name, "appointed")
            for org_text, _kind, post in parsed:
                if org_text:
                    args = {"person": Arg(person, "Person"), "post": Arg(post, "Post"),
                            "org": Arg(org_text, "Organization", st.lex.org_subtype(org_text))}
                    add_fact(st, "holds_post", args, (m.start(), seg_end), "appointed", 0.8)
