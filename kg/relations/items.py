"""Readers of one item of a project or enterprise list: its head (项目, 工程, …), whether it is
generic, and the enterprise it names (``_brand*``), and the enterprises written in a span
(``_enterprises_in``).  Used by the project and cluster stages.
"""

from __future__ import annotations

import re

from collections.abc import Iterable

from ..lexicon import LexiconWords, alternation_body
from .base import _Grammar, _HARD, _is_han, opening_join
from .places import _is_place, _is_place_by_form, lexicon_place_names
from .state import DocState


class _Words(LexiconWords):
    """The words and regular expressions of industry_terms.tsv (and project_patterns.tsv's
    heads) these readers use, built once per lexicon: ``_Words.of(lex)``."""

    def __init__(self, lex):
        def w(kind: str, file: str = "industry_terms") -> tuple[str, ...]:
            return lex.word_tuple(file, kind, longest_first=False)

        def rx(kind: str) -> re.Pattern[str]:
            return lex.plain_pattern("industry_terms", kind)

        self.joins = ("、",) + w("list_join")
        self.join_rx = re.compile("(" + alternation_body(self.joins) + ")")
        self.enterprise_end = rx("enterprise_end_rx")
        self.company_end = re.compile("(?:" + alternation_body(w("company_end")) + ")$")
        self.company_or_share_end = re.compile("(?:" + alternation_body(w("company_end") + w("share_word")) + ")$")
        self.brand_head_ok = w("brand_head_ok")
        self.phase_char = w("phase_char")[0]
        self.brand_keep = w("brand_keep")
        self.brand_bad_first = frozenset(w("brand_bad_first"))
        self.not_brand_pair = w("not_brand_pair")
        self.brand_func = frozenset(w("brand_func_char"))
        self.zone_char = frozenset(w("zone_char"))
        self.ordinal = w("ordinal")[0]
        self.place_like = rx("place_like_rx")
        self.parks = w("park")
        self.natural_zone = w("natural_zone")
        self.short_brand_not_after = w("short_brand_not_after")
        self.branch = rx("branch_rx")
        self.plant_not_before = w("plant_not_before")
        self.company = rx("company_rx")
        self.company_cut = list(w("company_cut"))
        self.list_tail = rx("list_tail_rx")
        self.short_form = rx("short_form_rx")
        self.aspect = w("aspect_particle")[0]
        self.class_head_noun = "(?:" + alternation_body(w("class_head_noun")) + ")"
        self.named_after = rx("named_after_rx")
        self.project_end = rx("project_end_rx")
        heads = w("project_word", "project_patterns") + w("works_word", "project_patterns")
        self.head_end = re.compile("(?:" + alternation_body(heads) + ")$")
        self.close = w("list_close", "project_patterns")[0]
        self.close_end = re.compile(re.escape(self.close) + "$")


def _list_items(body: str, start: int, lex) -> Iterable[tuple[int, str]]:
    """The items of a list "A、B和C及D" written at ``start``: (start of the item, item), items
    stripped of surrounding whitespace, empty ones skipped (the joining words are 、 and
    industry_terms.tsv ``list_join`` of ``lex``)."""
    iw = _Words.of(lex)
    pos = start
    for raw in iw.join_rx.split(body):
        it = raw.strip()
        s_ = pos + (raw.find(it) if it else 0)
        pos += len(raw)
        if raw in iw.joins or not it:
            continue
        yield s_, it


def _is_trade(st: DocState, item: str) -> bool:
    """A list item that names a trade (储能电池, 正极材料: starts with an industry term), not a
    company -- unless it ends in 公司/集团."""
    return item.startswith(tuple(st.lex.words("industry_terms", "term"))) \
        and not _Words.of(st.lex).company_end.search(item)


def _brand(st: DocState, item: str) -> str | None:
    """The enterprise brand a project item starts with ("伊利奶粉三期" -> 伊利), an
    enterprise written in full at its start, or a two-character brand (see _brand_any)."""
    return _brand_any(st, item)


def _place_ending(st: DocState, brand: str) -> str | None:
    """The first place of ``sorted(st.places, key=len, reverse=True)`` of two characters or
    more that ends ``brand`` and leaves at least two characters of it.  (speed) From the places'
    set and lengths, once per document (the places are fixed after the prepare stage; their
    number grows with the text): only one place of a length can end ``brand``, so the longest
    that does is the first; not a pass over every place per item."""
    memo = st.memo.get("_place_ending")
    if memo is None or memo[0] is not st.places or memo[1] != len(st.places):
        lens = sorted({len(p) for p in st.places if len(p) >= 2}, reverse=True)
        memo = st.memo["_place_ending"] = (st.places, len(st.places), lens)
    return next((brand[-n:] for n in memo[2] if len(brand) - n >= 2 and brand[-n:] in st.places), None)


def _brand_terms(st: DocState, item: str) -> str | None:
    """The brand before the first industry term or digit ("伊利奶粉三期" -> 伊利)."""
    if not item or item[0] in "“\"‘" or not _is_han(item[0]):
        return None
    terms = st.lex.words("industry_terms", "term")
    if any(item.startswith(w) for w in terms):
        return None
    first = len(item)
    for w in terms:
        i = item.find(w, 2)
        if 2 <= i < first:
            first = i
    dm = re.search(r"[0-9０-９]", item)
    if dm and 2 <= dm.start() < first:
        first = dm.start()
    brand = item[:first]
    # a place written after the brand belongs to the facility ("中科院包头稀土…")
    p = _place_ending(st, brand)
    if p:
        brand = brand[: -len(p)]
    if first == len(item):
        # no industry word: the item is the brand itself unless it carries a head/phase
        for rx in st.lex.patterns("project_patterns", "phase"):
            brand = rx.sub("", brand)
        for h in st.lex.words("project_patterns", "head"):
            if brand.endswith(h) and len(brand) > len(h) + 1 and h not in _Words.of(st.lex).brand_head_ok:
                return None
        if len(brand) > 6 and not any(brand.endswith(b) for b in
                                      st.lex.words("industry_terms", "brand_suffix")):
            return None
    if not (2 <= len(brand) <= 10) or _Words.of(st.lex).phase_char in brand:
        return None
    lex_places = set(st.lex.words("places", "name")) | set(st.lex.words("places", "province")) \
        | set(st.lex.words("places", "city"))
    if brand in st.lex.words("industry_terms", "not_brand") or brand in lex_places:
        return None
    if any(brand.endswith(z) for z in st.lex.words("project_patterns", "zone")):
        return None
    if any(brand.startswith(nb) for nb in st.lex.words("industry_terms", "not_brand")
           if len(nb) >= 2) and brand not in _Words.of(st.lex).brand_keep and len(brand) <= 3:
        return None
    return brand


def _has_head(st: DocState, item: str) -> bool:
    if any(rx.search(item) for rx in st.lex.patterns("project_patterns", "phase")):
        return True
    return any(item.endswith(h) for h in st.lex.words("project_patterns", "head"))


def _full_enterprise_prefix(st: DocState, item: str) -> str | None:
    """"X航化工有限责任公司甲醇技改项目" -> the enterprise written in full at the start."""
    m = _Words.of(st.lex).enterprise_end.match(item)
    if m and len(item) - m.end() >= 2 and not any(c in _HARD and c not in "()（）"
                                                  for c in m.group(1)):
        return m.group(1)
    return None


def _brand_char(st: DocState, item: str) -> str | None:
    """A two-character brand before a product word no term list knows (X泰|精工二期):
    the third character starts a product word."""
    if len(item) < 5 or not all(_is_han(c) for c in item[:3]):
        return None
    # brand + product + phase with a four-character core (X泰精工|二期) splits 2 + 2
    iw = _Words.of(st.lex)
    core = iw.head_end.sub("", item)
    for rx in st.lex.patterns("project_patterns", "phase"):
        core = rx.sub("", core)
    phased = core != item and len(core) == 4 and all(_is_han(c) for c in core)
    if item[2] not in st.lex.words("industry_terms", "term_char") and not phased:
        return None
    b = item[:2]
    if b in lexicon_place_names(st.lex) or b in st.lex.words("industry_terms", "not_brand") \
            or any(w.startswith(b) for w in st.lex.words("industry_terms", "term")) \
            or b[0] in iw.brand_bad_first or b in iw.not_brand_pair \
            or any(c in b for c in iw.brand_func):
        return None
    return b


def _brand_any(st: DocState, item: str) -> str | None:
    """The enterprise named at the start of a project item, or None: a full name, a known
    brand, the brand before an industry word / digit run, never a quantity or build word
    (年产…, 新建…) and never ending in the ordinal 第 (X第8.6代… -> X)."""
    if any(item.startswith(w) for w in st.lex.words("industry_terms", "brand_reject")):
        return None
    full = _full_enterprise_prefix(st, item)
    if full:
        return full
    known = next((k for k in st.lex.words("industry_terms", "known_brand")
                  if item.startswith(k)), None)
    if not known and (any(item.startswith(w) for w in st.lex.words("industry_terms", "public_start"))
                      or any(w in item for w in st.lex.words("industry_terms", "public_body"))):
        # 国家…创新中心二期项目, 省级…研究院…项目: a public institution, no enterprise
        return None
    # "X新区跨境电商产业园", "Y县…基地": an item opening with a zone or district names no brand
    zones = [z for z in st.lex.words("project_patterns", "zone")
             if len(z) >= 2 or z in _Words.of(st.lex).zone_char]
    words = set(st.lex.words("industry_terms", "term")) \
        | set(st.lex.words("industry_terms", "brand_suffix"))
    if not known and any(k - len(z) >= 1 and not any(c in _Grammar.of(st.lex).func for c in item[:k])
                         and not any(w in item[:k] for w in words)
                         for k in range(2, min(len(item), 9)) for z in zones
                         if item[:k].endswith(z)):
        return None   # (a full enterprise name at the start was returned above)
    site = _brand_before_site(st, item)
    if site:
        return site
    if known:
        # "晶澳科技…": the brand word after a known short name belongs to it
        suf = next((x for x in st.lex.words("industry_terms", "brand_suffix")
                    if item.startswith(x, len(known)) and len(x) <= 2), None)
        return known + suf if suf and len(item) > len(known) + len(suf) else known
    # an industry word + a brand word opening the item is a brand (航天动力|发动机三期)
    terms = st.lex.words("industry_terms", "term")
    lead = next((w for w in terms if item.startswith(w)), None)
    if lead:
        suf = next((x for x in st.lex.words("industry_terms", "brand_suffix")
                    if item.startswith(x, len(lead)) and len(x) == 2), None)
        rest = item[len(lead) + 2:] if suf else ""
        if suf and len(rest) >= 2 and (any(rest.startswith(w) for w in terms)
                                       or re.match(r"[0-9A-Za-z]", rest)
                                       or _has_head(st, rest)):
            return lead + suf
    b = _brand_any_rules(st, item)
    if b and b.endswith(_Words.of(st.lex).ordinal) and len(b) >= 3:
        b = b[:-1]
    # "X年产4万吨…项目", "X新建年产…": quantity and build words before the digits are no part of
    # the brand
    cut_tails = st.lex.word_tuple("industry_terms", "brand_cut_tail")      # longest first: 改扩建, not 扩建
    while b:
        tail = next((w for w in cut_tails if b.endswith(w) and len(b) - len(w) >= 2), None)
        if tail is None:
            break
        b = b[:-len(tail)]
    if b and (any(b.startswith(w) for w in st.lex.words("industry_terms", "brand_reject"))
              or len(b) < 2):
        return None
    return b


def _place_like(st: DocState, text: str) -> bool:
    """A place written between a brand and its plant: a known place or 1-4 characters
    closed by an administrative suffix (X区, X县, X市, X镇)."""
    if text in st.places or text in lexicon_place_names(st.lex):
        return True
    return bool(_Words.of(st.lex).place_like.fullmatch(text)) \
        and not any(c in _Grammar.of(st.lex).func for c in text)


def _brand_before_site(st: DocState, item: str) -> str | None:
    """"X汽车Y区工厂二期项目" -> X汽车: a plant word (clusters.tsv facility), optionally
    after a place, ends the brand; the brand must end in an industry or brand word so
    that its own product word is kept (never a shorter prefix).  A named park (X半导体
    Y园区) counts as a place; a city opening the brand (长沙光电Y区基地) belongs to it."""
    facs = st.lex.words("clusters", "facility")
    hits = sorted((k, w) for w in facs for k in [item.find(w, 3)] if k >= 3)
    if not hits:
        return None
    fpos, fac = hits[0]
    pre = item[:fpos]
    iw = _Words.of(st.lex)
    parks = iw.parks
    ends = sorted(set(st.lex.words("industry_terms", "term"))
                  | set(st.lex.words("industry_terms", "brand_suffix")), key=len, reverse=True)
    zones = st.lex.words("project_patterns", "zone")
    sites = set(st.lex.words("industry_terms", "site_term"))
    ends = [w for w in ends if w not in sites]
    terms = st.lex.words("industry_terms", "term")
    not_brand = st.lex.words("industry_terms", "not_brand")

    def site_after(rest: str) -> bool:
        return bool(rest) and (_place_like(st, rest) or (
            fac in parks and 2 <= len(rest) <= 3 and all(_is_han(c) for c in rest)
            and not any(c in _Grammar.of(st.lex).func for c in rest) and not any(w in rest for w in ends)))

    def ok(cand: str, head: str, placed: bool) -> bool:
        return all(_is_han(c) for c in cand) and 3 <= len(cand) <= 8 \
            and (placed or (head not in lexicon_place_names(st.lex) and head not in st.places)) \
            and not any(c in _Grammar.of(st.lex).func for c in head) \
            and not any(head.endswith(z) for z in zones if z not in iw.natural_zone) \
            and not any(cand.startswith(w) for w in terms) \
            and not any(cand.startswith(w) for w in not_brand)

    # a brand word closes the brand first (X科技|集成电路基地 -> X科技)
    for k in range(3, len(pre) + 1):
        suf = next((w for w in st.lex.words("industry_terms", "brand_suffix")
                    if pre[:k].endswith(w) and k - len(w) >= 2), None)
        if suf:
            cand, head = pre[:k], pre[:k - len(suf)]
            if ok(cand, head, site_after(pre[k:])):
                return cand
            break
    for k in range(len(pre), 2, -1):
        rest, cand = pre[k:], pre[:k]
        # the product word is kept only where a place stands between it and the plant
        if not site_after(rest):
            continue
        end = next((w for w in ends if cand.endswith(w) and len(cand) - len(w) >= 2), None)
        if end and ok(cand, cand[:-len(end)], True):
            return cand
    return None


def _brand_any_rules(st: DocState, item: str) -> str | None:
    iw = _Words.of(st.lex)
    # "X生物三期项目": a two-character brand + a word that names companies only right after
    # such a brand (industry_terms.tsv short_brand_suffix; not "X生物医药产业园")
    for w in st.lex.words("industry_terms", "short_brand_suffix"):
        head = item[:2]
        if item.startswith(w, 2) and len(item) > 4 + 1 and all(_is_han(c) for c in head) \
                and not item.startswith(iw.short_brand_not_after, 4) \
                and head not in lexicon_place_names(st.lex) and head not in st.places \
                and not any(head.startswith(x) for x in st.lex.words("industry_terms", "term")) \
                and not any(c in _Grammar.of(st.lex).func for c in head):
            return item[:2 + len(w)]
    b = _brand_terms(st, item)
    terms = st.lex.words("industry_terms", "term")
    hit = any(item.find(w, 2) >= 2 for w in terms) or re.search(r"[0-9０-９]", item[2:])
    # a brand closed by a brand word (X通矿业|选矿三期), preferred over a longer cut
    # at a later industry term (X和煤业|焦炉煤气制氢二期)
    for suf in st.lex.words("industry_terms", "brand_suffix"):
        k = item.find(suf, 2)
        if 2 <= k <= 4 and len(item) - k - len(suf) >= 2 and all(_is_han(c) for c in item[:k]):
            cand = item[:k + len(suf)]
            head = cand[:k]
            # a place or zone before the brand word ("X区食品产业园") is no brand; natural
            # features (山, 河) do name enterprises
            if head not in lexicon_place_names(st.lex) and not any(c in iw.brand_func for c in head) \
                    and not any(head.endswith(z) for z in st.lex.words("project_patterns", "zone")
                                if z not in iw.natural_zone) \
                    and (b is None or not hit or len(b) > len(cand)
                         or (len(b) == 2 and cand == b + suf)):
                return cand
    if b is None or not hit:
        # two characters before a product word
        c = _brand_char(st, item)
        if c and (b is None or b.startswith(c)):
            return c
    return b


def _enterprise_class(st: DocState, name: str) -> bool:
    """"规上工业企业", "专精特新企业": a class of enterprises, not one enterprise."""
    words = st.lex.words("clusters", "enterprise_class")
    if _Words.of(st.lex).company_or_share_end.search(name):
        return False
    return any(name.endswith(w) or name.startswith(w) for w in words)


def _enterprises_in(st: DocState, s0: int, s1: int) -> list[tuple[int, int, str]]:
    """Enterprises named in [s0, s1): model organisations cut at their enterprise suffix
    (…有限公司入选… -> …有限公司), names ending in an enterprise suffix, A、B等企业 lists."""
    out: dict[tuple[int, int], str] = {}
    _model_enterprises(st, s0, s1, out)
    mverbs = sorted(set(st.lex.words("clusters", "member_verb"))
                    | set(st.lex.words("project_patterns", "build_verb"))
                    | set(st.lex.words("clusters", "subject_verb"))
                    | set(st.lex.words("clusters", "clause_adverb")), key=len, reverse=True)
    _missed_companies(st, s0, s1, mverbs, out)
    _headed_enterprise_lists(st, s0, s1, out)
    _framed_enterprise_names(st, s0, s1, out)
    _tailed_enterprise_lists(st, s0, s1, mverbs, out)
    # drop spans inside longer ones
    res = []
    for (a, b), x in sorted(out.items(), key=lambda z: (z[0][0], -(z[0][1] - z[0][0]))):
        if res and res[-1][0] <= a and b <= res[-1][1]:
            continue
        res.append((a, b, x))
    return res


def _model_enterprises(st: DocState, s0: int, s1: int, out: dict[tuple[int, int], str]) -> None:
    """Model organisations in [s0, s1) cut at their enterprise suffix, and plants listed as
    enterprises, into ``out``."""
    t = st.text
    iw = _Words.of(st.lex)
    for a, b, typ, _sub, x in st.ner_v:
        if typ != "Organization" or not (s0 <= a and b <= s1):
            continue
        em = iw.enterprise_end.match(x)
        cut = em.end() if em else None
        # "A有限公司宁州分公司（A宁州工厂）": the branch is the enterprise named
        bm = iw.branch.match(x[cut:]) if cut else None
        if bm:
            cut += bm.end()
        if cut and not any(c in _HARD and c not in "()（）" for c in x[:cut]):
            h = _class_head_end(st, x[:cut])
            out[(a + h, a + cut)] = x[h:cut]
        # "A汽车宁州基地、B有限公司产能持续释放": a plant the model names as an enterprise,
        # listed where a clause or a list item starts, stands for its enterprise
        elif not cut and 5 <= len(x) <= 16 and (_sub == "enterprise" or (
                # listed before a company named in full: a plant, whatever subtype the model gives
                _sub == "other" and t[b:b + 1] == "、"
                and iw.enterprise_end.search(re.split("[,，。;；!?！？\n]", t[b + 1:s1], maxsplit=1)[0]))) \
                and x.endswith(tuple(st.lex.words("clusters", "facility"))) \
                and (a == s0 or t[a - 1] in "，,。；;：:、\n") \
                and not t.startswith(iw.plant_not_before, b) \
                and all(_is_han(c) for c in x):
            out[(a, b)] = x


def _missed_companies(st: DocState, s0: int, s1: int, mverbs: list[str],
                      out: dict[tuple[int, int], str]) -> None:
    """Company names the model missed: a list item ending in 公司/集团, after the last verb
    (industry_terms.tsv company_cut too: "X又迎来B有限公司投产"), and after a join word that
    follows another company right away ("A有限公司和B有限公司": B)."""
    t = st.text
    iw = _Words.of(st.lex)
    prev_end = -1
    for m in iw.company.finditer(t[s0:s1]):
        seg, start = m.group(0), s0 + m.start()
        cut = 0
        for v in mverbs + list(_Grammar.of(st.lex).name_stop) + iw.company_cut:
            k = seg.rfind(v)
            if k >= 0:
                cut = max(cut, k + len(v))
        j = opening_join(st.lex, seg) if start == prev_end else None
        if j:
            cut = max(cut, len(j))
        prev_end = start + len(seg)
        cut = max(cut, _class_head_end(st, seg))
        bm = iw.branch.match(t, start + len(seg), s1)
        if bm:       # "A有限公司宁州分公司": the branch
            seg = seg + bm.group(0)
        name = seg[cut:]
        if 4 <= len(name) and all(_is_han(c) or c in "()（）" for c in name) \
                and not any(a <= start + cut and start + len(seg) <= b for (a, b) in out):
            out.setdefault((start + cut, start + len(seg)), name)


def _headed_enterprise_lists(st: DocState, s0: int, s1: int, out: dict[tuple[int, int], str]) -> None:
    """"重点企业有A、B、C等" / "龙头企业包括：A、B": the items up to the clause end."""
    t = st.text
    iw = _Words.of(st.lex)
    for hm in (m for rx in st.lex.patterns("clusters", "enterprise_head_rx")
               for m in rx.finditer(t, s0, s1)):
        k = hm.end()
        cm = re.compile(r"[,，。;；!?！？\n]").search(t, k, s1)
        body = t[k:cm.start() if cm else s1]
        body = iw.list_tail.sub("", body)
        for s_, it in _list_items(body, k, st.lex):
            # "A股份有限公司（A）": the full name without its bracketed short form
            it = iw.short_form.sub("", it)
            trade = _is_trade(st, it)
            # the head says these are enterprises: the model's place tag does not overrule it
            if 2 <= len(it) <= 30 and not any(w in it for w in _Grammar.of(st.lex).name_stop) and not trade \
                    and not re.search(r"[0-9]", it) and not _is_place_by_form(st, it) \
                    and not _enterprise_class(st, it) and not _has_head(st, it):
                out.setdefault((s_, s_ + len(it)), it)


def _framed_enterprise_names(st: DocState, s0: int, s1: int, out: dict[tuple[int, int], str]) -> None:
    """"以A、B为龙头" / "聚焦A、B，": names written without suffix, where they look like names."""
    iw = _Words.of(st.lex)
    for fm in (m for rx in st.lex.patterns("clusters", "enterprise_frame_rx")
               for m in rx.finditer(st.text, s0, s1)):
        for s_, it in _list_items(fm.group("names"), fm.start("names"), st.lex):
            it = iw.short_form.sub("", iw.close_end.sub("", it))
            # "支持A、B合肥基地扩大产能": a predicate after the list is read elsewhere
            if iw.close in it or any(v in it for v in st.lex.words("clusters", "capacity_verb")):
                continue
            trade = _is_trade(st, it)
            if 2 <= len(it) <= 30 and not any(w in it for w in _Grammar.of(st.lex).name_stop) and not trade \
                    and all(_is_han(c) or c in "()（）" for c in it) \
                    and not _is_place(st, it) and not _enterprise_class(st, it) \
                    and not _has_head(st, it) and _name_like(st, s_, it):
                out.setdefault((s_, s_ + len(it)), it)


def _tailed_enterprise_lists(st: DocState, s0: int, s1: int, mverbs: list[str],
                             out: dict[tuple[int, int], str]) -> None:
    """"集聚了A、B等企业": the items of a list closed by an enterprise tail, after the last verb."""
    t = st.text
    iw = _Words.of(st.lex)
    tails = st.lex.words("clusters", "enterprise_tail")
    tail_rx = [re.escape(x) for x in tails] + [p.pattern for p in
                                               st.lex.patterns("clusters", "enterprise_tail_rx")]
    if not tail_rx:
        return
    rx = re.compile(rf"([^,，。;；:：!?！？\n{re.escape(iw.close)}]+?)(?:{'|'.join(tail_rx)})")
    for m in rx.finditer(t, s0, s1):
        seg, start = m.group(1), m.start(1)
        cut = 0
        for v in mverbs:
            k = seg.rfind(v, 0, max(0, seg.find("、")) if "、" in seg else len(seg))
            if k >= 0:
                cut = max(cut, k + len(v))
        # "集聚了A、B等企业": the aspect particle after the verb
        if cut and seg[cut:cut + 1] == iw.aspect:
            cut += 1
        pos = start + cut
        for raw in seg[cut:].split("、"):
            it = raw.strip()
            # "规上工业企业、专精特新企业等企业" are classes of enterprises, not names
            # "引进储能电池、正极材料等配套企业": product words name a trade, not a company
            # (the tail says these are enterprises: a model place tag does not overrule it)
            trade = _is_trade(st, it)
            if 2 <= len(it) <= 30 and not any(w in it for w in _Grammar.of(st.lex).name_stop) and not trade \
                    and not (_is_place_by_form(st, it) and not it.startswith(
                        tuple(st.lex.words("industry_terms", "known_brand")))) \
                    and not _enterprise_class(st, it):
                s = pos + raw.find(it)
                out.setdefault((s, s + len(it)), it)
            pos += len(raw) + 1


def _class_head_end(st: DocState, seg: str) -> int:
    """"链主企业A有限公司", "龙头企业B集团": the end of a class head (clusters.tsv
    enterprise_class + 企业/单位) before a company name of 4+ characters; 0 if none."""
    words = st.lex.words("clusters", "enterprise_class")
    end = 0
    for m in re.finditer("(?:" + alternation_body(words) + ")" + _Words.of(st.lex).class_head_noun, seg):
        # "中小企业服务有限公司" is one name
        if len(seg) - m.end() >= 4 and not seg.startswith(
                st.lex.word_tuple("clusters", "enterprise_class_body", longest_first=False), m.end()):
            end = m.end()
    return end


def _name_like(st: DocState, s: int, item: str) -> bool:
    """An item written without an enterprise suffix that looks like an enterprise name: a
    model organisation, a brand-word ending (X科技, X制药), a known brand, or the start of a
    project or company named elsewhere in the document (A of "A二期项目")."""
    e = s + len(item)
    if any(typ == "Organization" and a <= s and e <= b for a, b, typ, _s, _x in st.ner_v):
        return True
    ends = st.lex.words("industry_terms", "brand_suffix") + st.lex.words("industry_terms", "short_brand_suffix")
    if any(item.endswith(w) and len(item) > len(w) for w in ends) \
            or item.startswith(tuple(st.lex.words("industry_terms", "known_brand"))):
        return True
    return len(item) >= 2 and any(
        m.start() != s and _Words.of(st.lex).named_after.match(st.text[m.end():m.end() + 24])
        for m in re.finditer(re.escape(item), st.text))


def _generic_project(st: DocState, item: str) -> bool:
    """"重点项目", "更多项目", "一批重大工程": a generic word and a head name no project."""
    body = _Words.of(st.lex).project_end.sub("", item)
    return body != item and (not body or body in st.lex.words("project_patterns", "generic")
                             or body.startswith(tuple(st.lex.words("project_patterns",
                                                                     "generic_start")))
                             or any(rx.search(body) for rx in st.lex.patterns("project_patterns",
                                                                                "generic_rx")))
