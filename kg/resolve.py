"""Entity resolution: canonical names, alias sets and stable ids across documents.

``resolve(docs, results, lexicon, city_overrides=None) -> (entities, facts)``; the inputs are left as
they are (the facts returned are new objects; ``context_cities`` gives the documents' cities).

* Every document gets a context city (``city_overrides[doc.id]``, else ``doc.city``, else
  inferred: the "X市" written most often as a place or as the prefix of an organisation).
  Bare 市委 / 市政府 / 市发改委 are read against it (abbreviation rules in
  ``kg/data/abbreviations.tsv``): 市发改委 -> <city>发展和改革委员会, 市委 -> 中国共产党<city>委员会.
* Organisations get a canonical full name; municipal departments written without a place
  (教育局) are the context city's when the document also names <city>教育局, else they stay
  local to their city (never merged with another city's 教育局).  Enterprises written by their
  brand (伊利) join the one full name with that brand core (内蒙古伊利实业集团股份有限公司).
* People merge across documents when the name and the context city agree, or when the name
  holds a national post (中共中央总书记 ...) somewhere in the corpus; two different people who
  share a name in different cities stay apart, and nothing merges on a shared surname or a
  shorter name.
* Ids: ``stable_id(type, canonical key)``; a Post arg gets ``post_id(org_id, title)``.
* One ``mentioned_in`` fact per (entity, document, written form), evidence = the form's first
  mention; the graph joins them into one edge per (entity, document) with an evidence per form.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict

from .chars import HAN_CLASS
from .lexicon import Lexicon, LexiconWords, Matcher, alternation_body
from .relations import city_names
from .relations.base import _Grammar, find_all, province_stems, removed_breaks, undoubled
from .relations.places import lexicon_place_names
from .model import (Arg, DocResult, Document, Entity, Evidence, Fact, KgError, Occurrences, SpanReach,
                    document_id, post_id, sentence_finder, stable_id)

_HAN = HAN_CLASS
_QUOTES = re.compile("[“”‘’\"「」『』]")


_SPACES = re.compile(r"\s+")


def _norm(s: str) -> str:
    return _SPACES.sub("", _QUOTES.sub("", s or ""))


class _Words(LexiconWords):
    """What resolution reads from the lexicon, compiled once per lexicon (``_Words.of(lex)``):
    the word lists of kg/data/resolve.tsv, places.tsv and org_suffixes.tsv as matchers, and the
    patterns built from them."""

    def __init__(self, lex: Lexicon):
        def m(kind: str):
            return lex.matcher("resolve", kind)

        def one(kind: str) -> str:
            words = lex.words("resolve", kind, longest_first=False)
            if len(words) != 1:
                raise KgError(f"{lex.directory / 'resolve.tsv'}: kind {kind!r} must have exactly "
                              f"one value, has {len(words)}")
            return words[0]

        self.national = m("national_prefix")
        self.generic_org = frozenset(lex.words("resolve", "generic_org"))
        self.not_city_prefix = m("not_city_prefix")
        self.session = lex.patterns("resolve", "session_rx")
        self.not_county_next = m("not_county_next")
        self.own_paper = m("own_paper")
        self.county_parent = re.compile("|".join(
            map(re.escape, lex.words("resolve", "county_parent_suffix", longest_first=False))) or "(?!)")
        self.not_county_tail = m("not_county_tail")
        self.short_form_owner = m("short_form_owner")
        self.party_prefix = m("party_prefix")
        self.party_suffix = m("party_suffix")
        self.committee_mark = one("committee_mark")
        self.committee_full = one("committee_full")
        self.department_party = one("department_party")
        self.committee_cont = self.committee_full[len(self.committee_mark):][:1]     # 员 of 委员会
        self.action_place = m("action_place_suffix")
        self.project_tail = one("project_tail")
        self.cluster_display = one("cluster_display_suffix")
        self.city_mark = one("city_mark")
        self.league_mark = one("league_mark")
        self.prefecture_marks = lex.words("resolve", "prefecture_mark", longest_first=False)
        self.region_mark = one("region_mark")
        self.not_city = lex.matcher("places", "not_city")
        self.longer_form_prefix_end = frozenset(lex.words("resolve", "longer_form_prefix_end"))
        self.province_mark = one("province_mark")
        marks = lex.words("resolve", "county_mark", longest_first=False)
        self.county_marks = tuple(marks)
        self.han_run8 = re.compile(f"[{_HAN}]{{0,8}}")      # what follows a county written alone
        organs = lex.words("resolve", "county_organ", longest_first=False)
        self.county_organ = re.compile(r"(?<=[%s])(%s)(?=%s)" % (
            _HAN, alternation_body(marks) or "(?!)", alternation_body(organs) or "(?!)"))
        # organisation suffixes (org_suffixes.tsv): local departments, and the endings of a local
        # (not national) organisation
        self.county_department = lex.org_suffix_matcher("department", "office")
        self.department = lex.org_suffix_matcher("department", "office", "provincial_department")
        self.local_org = lex.org_suffix_matcher("department", "provincial_department", "government",
                                                "paper")
        self.strip_suffixes = tuple(s for s, _sub, strip in lex.org_suffixes if strip)
        # places
        self.place_suffix = lex.matcher("places", "suffix")
        self.place_suffixes = lex.words("places", "suffix")
        self.area_suffixes = frozenset(lex.words("places", "area_suffix"))
        self.known_places = Matcher(sorted(lexicon_place_names(lex, bare_cities=False)))
        self.cities = lex.word_tuple("places", "city")
        self.city_order = {c: i for i, c in reversed(list(enumerate(self.cities)))}
        self.known_cities = frozenset(c + self.city_mark for c in self.cities)
        self.admin_long_form = m("admin_long_form")
        suf = alternation_body(lex.words("resolve", "place_prefix_suffix", longest_first=False))
        self.place_prefix = re.compile(rf"^([{_HAN}]{{2,6}}?(?:{suf or '(?!)'}))(.+)$")
        self.county_prefixes = lex.words("places", "city_prefix")
        # abbreviations: templates with the most literal characters first ("中共{place}委"
        # before "{place}委"), those with {place} compiled
        whole = sorted((a for a in lex.abbreviations if a.scope == "whole"),
                       key=lambda a: -len(a.short.replace("{place}", "")))
        self.whole_plain = [a for a in whole if "{place}" not in a.short]
        self.whole_place = [
            (re.compile("^" + re.escape(a.short).replace(re.escape("{place}"), f"(?P<p>[{_HAN}]{{2,9}}?)")
                        + "$"), a)
            for a in whole if "{place}" in a.short]
        # the variant rows whose two forms are zone words (经开区 -> 经济技术开发区), longest
        # first: for places only (a bare 高新区 organisation keeps its name)
        zone_words = set(lex.words("candidates", "zone_suffix"))
        # cities' short forms in the news (哈市 -> 哈尔滨市): joined where the document writes the city
        self.city_short = tuple((a.short, a.full) for a in lex.abbreviations if a.scope == "place")
        self.zone_words = tuple(sorted(((a.short, a.full) for a in lex.abbreviations if a.scope == "variant"
                                        and a.short in zone_words and a.full in zone_words),
                                       key=lambda z: (-len(z[0]), z[0])))
        # body abbreviations, and the bodies a name is also written as (variant: 政府办公厅 is
        # 人民政府办公厅), which only resolution reads
        self.body = {a.short: a.full for a in lex.abbreviations if a.scope == "body"
                     or (a.scope == "variant" and (a.short, a.full) not in self.zone_words)}
        # an autonomous region's short name -> its full names: a name before the place suffix
        # longer than three characters is taken as a place of two and an ethnic group's name
        # (新疆 of 新疆维吾尔自治区, 广西 of 广西壮族自治区: places.tsv's provinces); the shorter
        # stems (浙江 of 浙江省, 内蒙古 of 内蒙古自治区) are places + suffix, which _long_places
        # joins already
        by_short: dict[str, list[str]] = defaultdict(list)
        for p in lex.words("places", "province", longest_first=False):
            sx = next((x for x in self.place_suffixes if p.endswith(x)), None)
            if sx and len(p) - len(sx) > 3:
                by_short[p[:2]].append(p)
        self.provinces_by_short = dict(by_short)
        # places written without their mark before an organisation's body (吉林|化纤集团,
        # 新疆|新闻出版局, 包头|钢铁集团): the gazetteer's cities, the provinces' stems and the
        # autonomous regions' short names
        self.place_stems = frozenset(lex.words("places", "city")) | province_stems(lex) | frozenset(by_short)
        self.place_stem_starts = Matcher(sorted(x for x in self.place_stems if len(x) >= 2))
        # the endings of a company's full name (org_suffixes.tsv enterprise suffixes of four
        # characters or more: 有限公司, 股份有限公司, （集团） …)
        self.legal_form = Matcher(s for s, sub, _strip in lex.org_suffixes if sub == "enterprise" and len(s) >= 4)
        # the places an organisation's canonical name leaves out before a place below them
        # (_Canon._below_province): provinces, with and without their suffix, and municipalities
        self.provinces = Matcher(sorted(set(lex.words("places", "province")) | set(by_short)
                                        | province_stems(lex)))
        self.municipalities = Matcher(sorted(
            x for c in lex.words("resolve", "municipality") for x in (c, c + self.city_mark)))
        self.district_marks = tuple(lex.words("resolve", "district_mark"))
        self.lower_places = Matcher(sorted(
            {c + m for c in self.cities for m in (self.city_mark, *self.prefecture_marks)
             if not c.endswith(m)} | {c for c in self.cities if c.endswith(tuple(self.prefecture_marks))}
            | set(lex.words("counties", "county"))))
        self.county_names = lex.word_set("counties", "county")
        # how an autonomous county or prefecture's name ends (清原满族自治县, 恩施土家族苗族自治州: a
        # not_county_tail and a county or prefecture mark)
        self.autonomous_ends = tuple(t + k for t in lex.words("resolve", "not_county_tail")
                                     for k in (*self.county_marks, *self.prefecture_marks))


class _Canon:
    """Canonical names for one document's context (city, province)."""

    def __init__(self, lex: Lexicon, city: str | None, province: str | None, text: str = "",
                 county: str | None = None):
        self.lex = lex
        self.w = _Words.of(lex)
        self.text = text
        self.city = city
        self.county = county
        self.province = province
        # the context city is a prefecture written with its 州 / 盟 (黔西南州), not a city written
        # without its 市 (温州, a --city override)
        self.prefecture = bool(city) and city[-1] in self.w.prefecture_marks \
            and city + self.w.city_mark not in self.w.known_places
        self.known_places = self.w.known_places
        self._occurrences: Occurrences | None = None
        self._orgs: dict[str, tuple[str, bool]] = {}      # see org

    def written(self, x: str) -> bool:
        """Whether the document's text holds ``x``.  (speed) Through one index of the text per
        document, not a scan of the whole text per organisation name (quadratic on one huge
        document)."""
        if self._occurrences is None:
            self._occurrences = Occurrences(self.text)
        return bool(self._occurrences(x))

    def _place_ok(self, p: str) -> bool:
        w = self.w
        if p in w.known_places:
            return True
        if p in w.place_suffix:
            return False
        return w.place_suffix.ends(p, proper=True) \
            and not self.lex.ends_with_org_suffix(p[:-1] if p else p) and len(p) <= 9

    def _below_province(self, name: str) -> str:
        """``name`` without the higher places the real pages' gold leaves out of an organisation's
        name: a province before a city, prefecture or county (内蒙古赤峰市人民政府办公室 ->
        赤峰市人民政府办公室), and the city or municipality before a county (湖北省黄石市阳新县
        县委 -> 阳新县县委, 重庆市丰都县城管局 -> 丰都县城管局).  A district keeps the city or
        municipality before it (四川省绵阳市游仙区人民政府 -> 绵阳市游仙区人民政府, 上海市崇明区…
        stays): district names repeat across cities (鼓楼区, 朝阳区).  Only places of the
        gazetteer count, and the county need not be checked to lie in that city.  The form
        written stays the mention's text."""
        w = self.w
        prov = w.provinces.longest_at(name)
        rest = name[len(prov):] if prov else name
        city = w.lower_places.longest_at(rest) if prov else w.municipalities.longest_at(rest)
        if not city or len(city) >= len(rest):
            return name
        if city in w.county_names:                     # province + county: the county's name
            return rest if not city.endswith(w.district_marks) else name
        after = rest[len(city):]
        county = w.lower_places.longest_at(after)
        if county in w.county_names and not county.endswith(w.district_marks) and len(county) < len(after):
            return after
        return rest if prov else name

    def _place_of(self, p: str) -> str:
        """The place an organisation name's place part ``p`` writes: ``p`` itself, or the
        longest known place that ends it after other words (会上代表|佛山市)."""
        known = self.w.known_places
        if p in known:
            return p
        # "莘县县委", "射阳县县委", "黔西南州州委", "昭通市市委": the organ's mark written again
        # after the place's own (a county's, a prefecture's or a city's mark)
        if p[-1:] in self.w.county_marks or p[-1:] in self.w.prefecture_marks or p[-1:] == self.w.city_mark:
            q = undoubled(p, self.w.county_names)
            if q != p:
                return self._place_of(q)
        return next((p[k:] for k in range(1, len(p) - 1) if p[k:] in known), p)

    def split_place(self, name: str, inner: bool = False) -> tuple[str, str]:
        """(place prefix, rest).  ``inner``: only a known place written with its administrative
        mark (the second place of 浙江省温州市…), no other place-like prefix."""
        # the longest known place that starts the name and is shorter than it (of places of
        # one length at most one starts name)
        for p in self.w.known_places.prefixes(name):
            if len(name) > len(p):
                rest = name[len(p):]
                # 内蒙古 + 自治区… : take the longer administrative form, not after a place that
                # has its mark already (福建省|市场监管局 is no 福建省市)
                form = self.w.admin_long_form.longest_at(rest)
                if form and not self.w.admin_long_form.ends(p):
                    p, rest = p + form, rest[len(form):]
                if inner and not self.w.admin_long_form.ends(p):
                    return "", name          # 上海|北京路…: a place without its mark is no prefix
                # 浙江省|温州市|市场监管局: the places written from the higher one down are all
                # the prefix (the body after them is read as one: 市场监督管理局)
                q, q_rest = self.split_place(rest, inner=True)
                if q and q_rest:
                    return p + q, q_rest
                return p, rest
        if inner:
            return "", name
        m = self.w.place_prefix.match(name)
        if m and self._place_ok(m.group(1)):
            return m.group(1), m.group(2)
        return "", name

    def org(self, text: str) -> tuple[str, bool]:
        """Canonical organisation name and whether it is local to the context city.  (speed)
        Found once per form: the brand cores, the longer forms and the entity keys of a
        document all ask for the same mentions' names."""
        got = self._orgs.get(text)
        if got is None:
            name, local = self._org(text)
            if name != _norm(text) and not local:
                # a prefix filled in may make a whole-name form ("自治区党委" -> "<province>党委")
                name, local = self._org(name)
            got = self._orgs[text] = (self._party_department(name), local)
        return got

    def _party_department(self, name: str) -> str:
        """A department of a party committee written without the party's name (包头市委宣传部,
        市委宣传部 in a 包头 page) is named as the page's full form (中共包头市委宣传部): the
        party's short name (resolve.tsv ``department_party``) before it, when the head is the
        committee (包头市委 -> 中国共产党包头市委员会): the real pages' gold lists both forms as one
        organisation."""
        w = self.w
        k = name.find(w.committee_mark)
        if k < 2 or w.party_prefix.starts(name):
            return name
        head, rest = name[:k + 1], name[k + 1:]
        # (海南省委省政府: the committee and the government, no department of the committee)
        if len(rest) < 2 or rest[0] in w.committee_cont or rest[0] in _Grammar.of(self.lex).admin_end \
                or not self.lex.ends_with_org_suffix(rest):
            return name
        committee = self.org(head)[0]
        party = w.party_prefix.longest_at(committee)
        # the head is the committee itself (包头市委 -> 中国共产党包头市委员会), not another party
        # body written short (包头市纪委 -> 中国共产党包头市纪律检查委员会: 纪委监委 is no department)
        if not party or committee != party + head[:-len(w.committee_mark)] + w.committee_full:
            return name
        return w.department_party + name

    def _org(self, text: str) -> tuple[str, bool]:
        # the session of a committee is not part of its identity:
        # 中国共产党X市第十三届委员会 is 中国共产党X市委员会
        w = self.w
        name = _norm(text)
        for rx in w.session:
            name = rx.sub("", name)
        if not name:
            return name, False
        name = self._below_province(name)
        # whole-name abbreviations without a place
        for a in w.whole_plain:
            if name == a.short:
                if "{county}" in a.full:
                    # 县委 is the context county's only when the county is a 县 (区委: a 区;
                    # the mark need not come first: 团县委)
                    mark = next((ch for ch in a.short if ch in w.county_marks), a.short[0])
                    if not self.county or self.county[-1] != mark:
                        return name, True
                    return a.full.replace("{county}", self.county), False
                if "{city}" in a.full:
                    # 州委 is the context city's only when it is a prefecture written X州
                    if not self.city or (a.short[0] in w.prefecture_marks and not self.prefecture):
                        return name, True
                    return a.full.replace("{city}", self.city), False
                if "{province}" in a.full:
                    if not self.province:
                        return name, True
                    return a.full.replace("{province}", self.province), False
                return a.full, False
        # "<place>市委", "中共<place>委", "<place>政府" ...
        for rx, a in w.whole_place:
            m = rx.match(name)
            if m and self._place_ok(m.group("p")):
                p = m.group("p")
                # 当地市委, 多位市委: a word before the bare organ (places.tsv not_city)
                lead = w.not_city.longest_at(p)
                if lead and len(p) - len(lead) <= 1:
                    if m.start("p") == 0:           # 当地市委 is 市委
                        return self._org(name[len(lead):])
                    # 中共当地市委: the context city's (or county's), when the mark says which
                    mark = p[len(lead):]
                    place = self.city if mark == w.city_mark else \
                        self.county if mark and self.county and self.county.endswith(mark) else None
                    return (a.full.replace("{place}", place), False) if place else (name, True)
                return a.full.replace("{place}", self._place_of(p)), False
        prefix = ""
        rest = name
        local = False
        cm, region, prov = w.city_mark, w.region_mark, w.province_mark
        if name.startswith(cm) and not w.not_city_prefix.starts(name) and len(name) > len(cm) + 1:
            prefix, rest = (self.city or cm), name[len(cm):]
            local = self.city is None
        elif self.county and name.startswith(self.county[-1]) and len(name) > 2 \
                and w.county_department.ends(name[1:]) \
                and name[1] not in w.not_county_next and not self._place_ok(name[1:3]):
            # 县发展和改革局 in a county document: the context county's
            prefix, rest = self.county, name[1:]
        elif self.prefecture and name.startswith(self.city[-1]) \
                and len(name) > 2 and (name[1:] in w.body or w.county_department.ends(name[1:])):
            # 州公安局, 州妇联 in a prefecture's document (黔西南州): the prefecture's
            prefix, rest = self.city, name[1:]
        elif self.prefecture and name.startswith(self.city) \
                and name[len(self.city):] in w.body:
            # 黔南州妇联 (a prefecture the gazetteer does not know as written): its body read
            prefix, rest = self.city, name[len(self.city):]
        elif name.startswith(region) and len(name) > len(region) + 1:
            prefix, rest = (self.province or region), name[len(region):]
            local = self.province is None
        elif name.startswith(prov) and len(name) > len(prov) + 1 and self.province:
            prefix, rest = self.province, name[len(prov):]
        else:
            prefix, rest = self.split_place(name)
        if rest in w.body:
            rest = w.body[rest]
        if not prefix:
            # a department written without its place is the city's when the document also
            # writes it with the city (or 市); otherwise it stays local to the city
            own_paper = rest in w.own_paper
            local = w.department.ends(rest) or own_paper
            if local and not own_paper and self.city and (
                    self.written(self.city + name) or self.written(cm + name)):
                return self.city + rest, False
        return prefix + rest, local


# a text at least this long counts many strings in one pass (_counts_in)
_LONG_TEXT = 100_000


def _counts_in(text: str, words) -> dict[str, int]:
    """``{w: text.count(w)}`` for each of ``words``.  (speed) A long text that many strings are
    counted in (one huge document names thousands of candidate cities) is scanned once for all
    of them (``Matcher.counts``, which counts as ``str.count`` does), not once per string."""
    ws = set(words)
    if len(text) < _LONG_TEXT or len(ws) < 16 or "" in ws:
        return {x: text.count(x) for x in ws}
    found = Matcher(sorted(ws)).counts(text)
    return {x: found.get(x, 0) for x in ws}


def infer_city(doc: Document, mentions, lex: Lexicon) -> str | None:
    """The city a document is about: the "X市" named most often as a place or as the start
    of an organisation's name.  None when the text names no city."""
    text = doc.text
    w = _Words.of(lex)
    cm = w.city_mark
    counts, strong = city_names(text, mentions, prefixes=lex.words("places", "city_prefix"),
                                not_city=lex.words("places", "not_city"), breaks=removed_breaks(doc),
                                lex=lex)
    # a city is also written without 市 ("呼和浩特都市圈", "“诚信呼和浩特”")
    bare = _counts_in(text, (c[:-1] for c in counts if len(c) >= 4))
    for c in list(counts):
        if len(c) >= 4:
            counts[c] = max(counts[c], bare[c[:-1]])
    for mm in mentions:
        if mm.type != "Place":
            continue
        c = mm.text if mm.text.endswith(cm) else mm.text + cm
        if c in counts:
            counts[c] += 2
            strong[c] += 1
    # a candidate must be written 3+ times, or once as the start of an organisation's name
    known = w.known_cities
    # a gazetteer city written only without 市 (郑州日报, X郑州基地, 郑州地铁): 3+ times (one
    # scan of the text for all cities, counted as str.count counts)
    written = lex.matcher("places", "city").counts(text)
    for c in sorted(written, key=w.city_order.__getitem__):     # in the gazetteer's order
        n = written[c]
        if n >= 3 and len(c) >= 2 and c + cm not in counts:
            counts[c + cm] = n
    # "各县市", "双湖县市容": a county's name (or mark) before 市 names no city
    county_marks = w.county_marks
    best = [(n, p) for p, n in counts.items()
            if (n >= 3 or strong[p] >= 1 or p in known) and len(p) >= 3
            and not p[:-len(cm)].endswith(county_marks)]
    if not best:
        return None
    best.sort(key=lambda z: (-z[0], -len(z[1]), text.find(z[1])))
    city = best[0][1]
    if city not in known:
        # a word glued before a known city (联合太原市, 今年伊春市, 江西赣州市): the known city
        # (a gazetteer city, a named place + 市 such as 天津市, a county-level city)
        places = lex.word_set("places", "name")
        counties = lex.word_set("counties", "county")
        city = next((city[i:] for i in range(1, len(city) - 2)
                     if city[i:] in known or city[i:-len(cm)] in places or city[i:] in counties), city)
    if city.endswith(cm) and city not in text:
        # a prefecture of the gazetteer that the text writes as X州 / X盟, never as X市
        base = city[:-len(cm)]
        forms = [(text.count(base + a), base + a) for a in w.prefecture_marks if base + a in text]
        if forms:
            city = max(forms)[1]
    return city


def infer_county(doc: Document, lex: Lexicon) -> str | None:
    """The county / district / banner a document is about: the "X县" ("X区", "X旗") written
    most often with its organ after it (X县委, X县人民政府), or opening the headline; two
    votes needed, or one when it is the only county of counties.tsv the organs name and the
    page writes it once more on its own (not before an organ or a department).
    None when the text names no county organ."""
    text = doc.text
    w = _Words.of(lex)
    # the words that stand before a city name (中共, 中国共产党 ...), longest first
    prefixes = w.county_prefixes
    votes: Counter = Counter()
    doubled_names: set[str] = set()
    known_counties = lex.word_set("counties", "county")
    func = _Grammar.of(lex).func
    head = text.split("\n", 1)[0]
    seen: dict[str, int] = {}

    def count(x: str) -> int:
        """``text.count(x)``, once per string (speed: a long page repeats the same tails)."""
        n = seen.get(x)
        if n is None:
            n = seen[x] = text.count(x)
        return n

    for m in w.county_organ.finditer(text):
        k = m.start()
        j = k
        while j > 0 and re.match(f"[{_HAN}]", text[j - 1]) and k - j < 8:
            j -= 1
        run = text[j:k]
        for p in prefixes:
            if p in run:
                run = run.rsplit(p, 1)[1]
                break
        # 某某市某某县: the county is what follows the city / province
        run = w.county_parent.split(run)[-1]
        # "莘县县委", "射阳县县委": the organ's mark written again after the county's own
        doubled = len(run) >= 2 and run.endswith(m.group(1))
        if doubled:
            run = run[:-1]
        if w.not_county_tail.ends(run) or not run:
            continue
        # the longest tail of the run written as often as its last character ("5日青禾县委":
        # 禾县 and 青禾县 are as frequent, 日青禾县 is rarer -> 青禾县)
        best = run[-1:]
        for n in range(2, len(run) + 1):
            if count(run[-n:] + m.group(1)) == count(run[-1:] + m.group(1)):
                best = run[-n:]
            else:
                break
        # a longer tail that names a county of counties.tsv is the county, however often the
        # page writes the shorter one alone (滨海新区委 on a page that writes 新区 alone)
        best = next((run[-n:] for n in range(min(len(run), 4), len(best), -1)
                     if run[-n:] + m.group(1) in known_counties), best)
        # a run that ends in a function character names no county ("会议由县委…": 会议由县);
        # one that holds it elsewhere may (和林县, 为民县)
        if best[-1:] in func and best + m.group(1) not in known_counties:
            continue
        if len(best) > 4:
            continue
        votes[best + m.group(1)] += 1
        if doubled:
            doubled_names.add(best + m.group(1))
    if not votes:
        return None
    for c in votes:
        if head.lstrip().startswith(c) or (w.city_mark + c) in head:
            votes[c] += 1
    best = sorted(votes.items(), key=lambda z: (-z[1], text.find(z[0])))
    name, n = best[0]
    # one organ mention is not enough (a city report naming one district's government once),
    # unless it is the only county the organs name and the page writes it again elsewhere
    # (卢龙县委、县政府 … 卢龙县举行)
    if n == 1:
        # the run before the organ may hold a word (是清原县委): the longest tail that names a
        # county of counties.tsv (its full name, or its short name + mark); one such county
        short = lex.word_set("counties", "county_short")
        named = {next((c[i:] for i in range(len(c) - 1) if c[i:] in known_counties or c[i:-1] in short), "")
                 for c in votes} - {""}
        name = named.pop() if len(named) == 1 else ""
        # (a two-character one such as 城区 is often a word: only with its mark doubled, 莘县县委)
        # written again on its own, not only before an organ or a department (会同县委政法委 …
        # 会同县教育局: 会同 is a verb there)
        def on_its_own(i: int) -> bool:
            after = w.han_run8.match(text, i + len(name)).group(0)
            return not w.county_organ.match(text, i + len(name) - 1) \
                and not any(w.county_department.ends(after[:k]) for k in range(2, len(after) + 1))
        if name and (len(name) >= 3 or name in doubled_names) and any(map(on_its_own, find_all(text, name))):
            n = 2
    return name if n >= 2 and len(name) >= 2 else None


def infer_county_from_places(doc: Document, mentions, lex: Lexicon) -> str | None:
    """The county a page is about when no organ names it (:func:`infer_county` gives None): the
    county-level place (a Place mention ending in a ``county_mark``, without the higher
    divisions written before it) the page names at least twice and more often than any other."""
    w = _Words.of(lex)
    marks = w.county_marks
    zone_tails = tuple(lex.words("resolve", "zone_tail", longest_first=False))
    counts: Counter = Counter()
    for m in mentions:
        if m.type != "Place" or not m.text.endswith(marks):
            continue
        name = w.county_parent.split(m.text)[-1]
        if 2 <= len(name) <= 5 and not w.not_county_tail.ends(name[:-1]) \
                and not name[:-1].endswith(zone_tails) \
                and all(re.match(f"[{_HAN}]", c) for c in name):
            counts[name] += 1
    if not counts:
        return None
    best = counts.most_common(2)
    if best[0][1] >= 2 and (len(best) == 1 or best[1][1] < best[0][1]):
        return best[0][0]
    return None


def infer_province(doc: Document, lex: Lexicon) -> str | None:
    counts = Counter()
    written = lex.matcher("places", "province").counts(doc.text)    # one scan of the text
    for p in lex.words("places", "province"):
        n = written.get(p, 0)
        if n:
            counts[p] = n
    if counts:
        return counts.most_common(1)[0][0]
    return None


def _enterprise_core(name: str, lex: Lexicon, canon: _Canon) -> str:
    place, rest = canon.split_place(name)
    core = rest if len(rest) >= 2 else name
    changed = True
    while changed:
        changed = False
        for suffix in canon.w.strip_suffixes:
            if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
    return core


def context_cities(docs: list[Document], results: list[DocResult], lexicon: Lexicon,
                   city_overrides: dict[str, str] | None = None) -> dict[str, str | None]:
    """Each resolved document's context city: its override, else ``doc.city``, else inferred."""
    overrides = city_overrides or {}
    docs_by_id = {d.id: d for d in docs}
    cities: dict[str, str | None] = {}
    for r in results:
        d = docs_by_id.get(r.doc_id)
        if d is None:
            continue
        if r.doc_id in overrides:
            cities[r.doc_id] = overrides[r.doc_id]
        else:
            # (a document given twice keeps the city inferred for its first result)
            cities[r.doc_id] = d.city or cities.get(r.doc_id) or infer_city(d, r.mentions, lexicon)
    return cities


def _contexts(docs_by_id: dict[str, Document], results: list[DocResult], lex: Lexicon,
              cities: dict[str, str | None], counties: dict[str, str]) -> dict[str, _Canon]:
    """Each document's naming context (``_Canon``): its city, county and province."""
    canons: dict[str, _Canon] = {}
    for r in results:
        d = docs_by_id.get(r.doc_id)
        if d is None:
            continue
        county = counties[r.doc_id] if r.doc_id in counties else (
            infer_county(d, lex) or infer_county_from_places(d, r.mentions, lex))
        canons[r.doc_id] = _Canon(lex, cities[r.doc_id], infer_province(d, lex), d.text, county)
    return canons


def _national_people(results: list[DocResult], canons: dict[str, _Canon], w: _Words) -> set[str]:
    """The people who hold a post in a national organisation: one person corpus-wide."""
    national: set[str] = set()
    for r in results:
        c = canons.get(r.doc_id)
        for f in r.facts:
            if f.relation == "holds_post" and c is not None:
                org, _ = c.org(f.args["org"].text)
                national_org = w.national.starts(org)
                if national_org or not (w.local_org.ends(org) or w.own_paper.ends(org)):
                    if national_org or c.split_place(org)[0] in c.known_places:
                        national.add(_norm(f.args["person"].text))
    return national


def _brand_cores(results: list[DocResult], canons: dict[str, _Canon],
                 lex: Lexicon) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Enterprise brand core -> the full enterprise names written with that core; and per
    document, the enterprise names written with a core."""
    full_by_core: dict[str, set[str]] = defaultdict(set)
    in_doc: dict[str, set[str]] = defaultdict(set)
    for r in results:
        c = canons.get(r.doc_id)
        if c is None:
            continue
        for m in r.mentions:
            if m.type == "Organization":
                name, _ = c.org(m.text)
                if lex.org_subtype(name) == "enterprise":
                    core = _enterprise_core(name, lex, c)
                    if core != name:
                        full_by_core[core].add(name)
                        in_doc[r.doc_id].add(name)
    return full_by_core, in_doc


def _bracketed_short_forms(results: list[DocResult], docs_by_id: dict[str, Document], lex: Lexicon,
                           w: _Words) -> dict[str, dict[str, str]]:
    """Per document, short form -> the full enterprise name it is written in brackets after."""
    # ("A机械股份有限公司（A重工）"): the short form (and the form without 中国) is that enterprise
    short_of: dict[str, dict[str, str]] = defaultdict(dict)
    drop = lex.words("industry_terms", "short_drop_prefix")
    for r in results:
        d = docs_by_id.get(r.doc_id)
        if d is None:
            continue
        for m in r.mentions:
            if m.type != "Organization" or not w.short_form_owner.ends(m.text):
                continue
            bm = re.match(r"[（(]([^（）()]{2,8})[）)]", d.text[m.end:m.end + 10])
            if not bm:
                continue
            short = _norm(bm.group(1))
            forms = [short] + [short[len(p):] for p in drop
                               if short.startswith(p) and len(short) - len(p) >= 2]
            for f in forms:
                short_of[r.doc_id].setdefault(f, _norm(m.text))
    return short_of


def _org_forms(results: list[DocResult]) -> dict[str, dict[str, set[str | None]]]:
    """Per document, each organisation form its mentions and fact arguments write (normalised)
    with the subtypes they give it.  (The organisations facts name too: a post chain may write a
    government in full only once, 四川省X市Y区人民政府区长A, where no mention of it stands.)"""
    out: dict[str, dict[str, set[str | None]]] = {}
    for r in results:
        forms: dict[str, set[str | None]] = defaultdict(set)
        for m in r.mentions:
            if m.type == "Organization":
                forms[_norm(m.text)].add(m.subtype)
        for f in r.facts:
            for a in f.args.values():
                if a.type == "Organization":
                    forms[_norm(a.text)].add(a.subtype)
        out[r.doc_id] = forms
    return out


def _longer_forms(org_forms: dict[str, dict[str, set[str | None]]], canons: dict[str, _Canon],
                  w: _Words) -> dict[str, dict[str, str]]:
    """Per document, organisation name -> the one longer organisation name of the document (its
    mentions' and its facts' organisations) that ends with it after a place or an organ (水利局 ->
    甲乙县水利局, 宣传部 -> 戊己市委宣传部, 新华联集团 -> 北京新华联集团, 化纤集团 -> 吉林化纤集团: a
    place may be written without its mark; canonical names: ``_Canon.org``): the same body,
    written short.
    A name that two longer names of the document end with is left as it is; so is one after any
    other prefix (芯联集成 is not 走进芯联集成's).  A form whose canonical name is itself is then
    also looked up among the forms as written (人大常委会 of 市人大常委会, whose canonical name
    is X市人民代表大会常务委员会): there the longer forms ending with it (three at most) must all
    stand after a place or an organ and all name one body."""
    longer_of: dict[str, dict[str, str]] = defaultdict(dict)
    for doc_id, forms in org_forms.items():
        c = canons.get(doc_id)
        if c is None:
            continue

        def after_place_or_organ(y: str, x: str) -> bool:
            k = len(y) - len(x)
            # (a company's full legal name is no short form of one a place written without its
            # mark opens: 琏升科技股份有限公司 and 江苏琏升科技股份有限公司 are two companies)
            return y[k - 1] in w.longer_form_prefix_end or y[:k] in w.known_places or c._place_ok(y[:k]) \
                or (y[:k] in w.place_stems and not w.legal_form.ends(x))

        written = set(forms)      # (with the organisations facts name: _org_forms)
        names = {c.org(x)[0] for x in written}
        ends = _proper_suffix_index(names, 2)
        for x in names:
            ys = ends.get(x, ())
            if len(ys) == 1 and after_place_or_organ(ys[0], x):
                longer_of[doc_id][x] = ys[0]
        # the same on the forms as written, for a bare form whose longer one the canonical name
        # writes out (人大常委会 of 市人大常委会, whose name is X市人民代表大会常务委员会); a
        # fourth longer form: more than three, left alone
        w_ends = _proper_suffix_index(written, 4)
        for x in sorted(written):
            ys = w_ends.get(x, ())
            if not ys or len(ys) == 4 or c.org(x)[0] != x or x in longer_of[doc_id]:
                continue
            # as above: every longer form ending with it names one body, after a place or an organ
            targets = {c.org(y)[0] for y in ys} - {x}
            if len(targets) == 1 and all(after_place_or_organ(y, x) for y in ys):
                longer_of[doc_id][x] = targets.pop()
    return longer_of


def _proper_suffix_index(forms: set[str], most: int) -> dict[str, list[str]]:
    """Each form under each of its proper suffixes of 2+ characters, ``most`` forms a suffix at
    most, in sorted order.  (speed) Linear in the forms: no comparing every form with every
    other one."""
    ends: dict[str, list[str]] = defaultdict(list)
    for y in sorted(forms):
        for k in range(1, len(y) - 1):
            if len(ends[y[k:]]) < most:
                ends[y[k:]].append(y)
    return ends


def _enterprise_forms(org_forms: dict[str, dict[str, set[str | None]]]) -> dict[str, frozenset[str]]:
    """Per document, the organisation forms some mention or fact argument gives as an
    enterprise (:func:`_org_forms`): the same form tagged without a subtype (or "other") by
    another extractor is that enterprise too, so that a brand written alone (伊利) joins one
    organisation of the document, not one per subtype."""
    out: dict[str, frozenset[str]] = {}
    for doc_id, forms in org_forms.items():
        ent = frozenset(x for x, subtypes in forms.items() if "enterprise" in subtypes)
        if ent:
            out[doc_id] = ent
    return out


def _zone_and_province_forms(names: set[str], out: dict[str, str], w: _Words) -> None:
    """The province and zone forms of :func:`_long_places` for one document's place names."""
    for x in names:
        full = [p for p in w.provinces_by_short.get(x, ()) if p in names]
        if len(full) == 1:
            out[x] = full[0]
    zones: dict[str, set[str]] = defaultdict(set)     # full zone word -> the zones written with it
    for x in sorted(names):
        for short, full in w.zone_words:
            if x.endswith(short) and len(x) > len(short):
                if x[:-len(short)] + full in names:
                    out[x] = x[:-len(short)] + full
                zones[full].add(out.get(x, x))      # (the forms the page writes)
                break
            if x.endswith(full) and len(x) > len(full):
                zones[full].add(x)
                break
    for short, full in w.zone_words:
        for alone in (short, full):
            if alone in names and len(zones[full]) == 1:
                out[alone] = next(iter(zones[full]))


def _long_places(results: list[DocResult], w: _Words) -> dict[str, dict[str, str]]:
    """Per document, place -> its longer form with an administrative suffix (浙江 -> 浙江省); a
    form with an ``area_suffix`` (包头地区) goes to the same one where the document writes one
    (包头市); a province written short goes to its full name where the document writes it
    (新疆 -> 新疆维吾尔自治区); a zone written with a short zone word goes to the same zone
    written in full (X经开区 -> X经济技术开发区, ``abbreviations.tsv`` variant rows), and a zone
    word written alone (经开区) to the document's one zone of that kind; an autonomous county or
    prefecture written short goes to its full name where the document writes it
    (:func:`_autonomous_forms`), and a city's short form (哈市) to the city (:func:`_city_short_forms`)."""
    long_place: dict[str, dict[str, str]] = defaultdict(dict)
    place_suffixes, area = w.place_suffixes, w.area_suffixes
    for r in results:
        # the places of the mentions and of the facts (包头 of located_in(包头市委, 包头) goes to the
        # mention 包头市 the learned layer made)
        names = {_norm(m.text) for m in r.mentions if m.type == "Place"} \
            | {_norm(a.text) for f in r.facts for a in f.args.values() if a.type == "Place"}
        _zone_and_province_forms(names, long_place[r.doc_id], w)
        # the stems: the names, and the names with an area suffix without it (包头地区 -> 包头)
        stems = names | {x[:-len(sfx)] for x in names for sfx in area if x.endswith(sfx) and len(x) > len(sfx)}
        for x in stems:
            longer = [x + sfx for sfx in place_suffixes if x + sfx in names and sfx not in area]
            areas = [x + sfx for sfx in area if x + sfx in names]
            if longer:
                for y in [x] + areas:
                    long_place[r.doc_id][y] = longer[0]
            elif areas and x in names:
                long_place[r.doc_id][x] = areas[0]
        _autonomous_forms(names, long_place[r.doc_id], w)
        _city_short_forms(names, long_place[r.doc_id], w)
    return long_place


def _city_short_forms(names: set[str], out: dict[str, str], w: _Words) -> None:
    """A city's short form (哈市, abbreviations.tsv scope ``place``) goes to the city where the
    document writes it in full (哈尔滨市) or without its mark (哈尔滨: to where that went)."""
    for short, full in w.city_short:
        if short not in names:
            continue
        stem = full[:-len(w.city_mark)] if full.endswith(w.city_mark) else full
        if full in names:
            out[short] = out.get(full, full)
        elif stem in names:
            out[short] = out.get(stem, stem)


def _autonomous_forms(names: set[str], out: dict[str, str], w: _Words) -> None:
    """An autonomous county or prefecture the document writes in full (清原满族自治县,
    恩施土家族苗族自治州) is also the place it writes short with the mark (清原县, 恩施州: the shortest
    such form that opens the full name before its tail), and what :func:`_long_places` sent to that
    form (清原, 恩施)."""
    for full in sorted(names):
        end = next((e for e in w.autonomous_ends if full.endswith(e)), None)
        if end is None:
            continue
        short = next((y for y in (full[:k] + full[-1] for k in range(2, len(full) - len(end))) if y in names), None)
        if short is None:
            continue
        for x, y in list(out.items()):
            if y == short:
                out[x] = full
        out[short] = full


class _Keys:
    """The identity of a mention: (key, canonical name, subtype) of a surface form in a document,
    from the documents' contexts and what the whole corpus writes."""

    def __init__(self, docs_by_id: dict[str, Document], results: list[DocResult], lex: Lexicon,
                 canons: dict[str, _Canon]):
        w = _Words.of(lex)
        self.lex, self.w, self.canons = lex, w, canons
        self.national = _national_people(results, canons, w)
        self.full_by_core, self.fulls_in = _brand_cores(results, canons, lex)
        self._brand_of: dict[tuple[str, str, str], str | None] = {}      # see _brand_full
        self._brand_openings: dict[str, dict[str, set[str]]] = {}
        self.short_of = _bracketed_short_forms(results, docs_by_id, lex, w)
        self.long_place = _long_places(results, w)
        org_forms = _org_forms(results)
        self.longer_of = _longer_forms(org_forms, canons, w)
        self.enterprise_forms = _enterprise_forms(org_forms)

    def of(self, typ: str, text: str, subtype: str | None, doc_id: str) -> tuple[str, str, str | None]:
        """(key, canonical name, subtype) of ``text`` written as a ``typ`` in ``doc_id``."""
        c = self.canons.get(doc_id) or _Canon(self.lex, None, None)
        # a county document without a city is keyed by its county
        city = c.city or c.county or ""
        bare = _norm(text)
        if typ == "Organization":
            return self._organization(c, city, bare, subtype, doc_id)
        if typ == "Person":
            key = bare if (bare in self.national or not city) else f"{bare}@{city}"
            return key, bare, None
        if typ == "Action":
            return self._action(c, text, bare)
        if typ == "Cluster":
            return self._cluster(city, bare)
        if typ == "Project":
            tail = self.w.project_tail
            core = bare[:-len(tail)] if bare.endswith(tail) and len(bare) > len(tail) + 2 else bare
            return f"{core}@{city}", bare, None
        if typ == "Place":
            bare = self.long_place.get(doc_id, {}).get(bare, bare)
        return bare, bare, subtype

    def _organization(self, c: _Canon, city: str, bare: str, subtype: str | None,
                      doc_id: str) -> tuple[str, str, str | None]:
        """An organisation: its full name (a short form or brand joins its enterprise)."""
        lex, w = self.lex, self.w
        if bare in self.short_of.get(doc_id, {}):
            bare = self.short_of[doc_id][bare]
        name, local = c.org(bare)
        if name in self.longer_of.get(doc_id, {}):
            name, local = c.org(self.longer_of[doc_id][name])
        name_sub = lex.org_subtype(name)
        if subtype in (None, "other") and bare in self.enterprise_forms.get(doc_id, ()) \
                and name_sub in (None, "other", "enterprise"):
            subtype = "enterprise"   # one organisation per form of a document, whoever tagged it
        sub = subtype or name_sub
        if w.party_prefix.starts(name) or w.party_suffix.ends(name):
            sub = "party"
        if subtype == "enterprise" or name_sub == "enterprise":
            core = _enterprise_core(name, lex, c)
            fulls = self.full_by_core.get(core) or self.full_by_core.get(name)
            if fulls and len(fulls) == 1 and fulls != {name}:
                name = next(iter(fulls))
                sub = "enterprise"
            elif name_sub == "enterprise":
                # the brand and a short legal-form word (天奇股份, X公司): the one enterprise of the
                # document whose name opens with the brand
                full = self._brand_full(c, core, doc_id, short=name) if 0 < len(name) - len(core) <= 2 else None
                if full and not any(b in full for b in "(\uff08"):
                    name, sub = full, "enterprise"
                elif fulls and len(fulls) == 1:        # its own only full name
                    sub = "enterprise"
            elif name_sub != "enterprise":
                # a brand the tagger calls an enterprise (比亚迪): as a brand written alone, but
                # not for a subsidiary named with its place in brackets (中石化 and
                # 中石化北方能源(大连)有限公司 are two companies)
                full = self._brand_full(c, name, doc_id)
                if full and not any(b in full for b in "(\uff08"):
                    name = full
        elif sub in (None, "other"):
            full = self._brand_full(c, name, doc_id)
            if full:
                name, sub = full, "enterprise"
        key = f"{name}@{city or doc_id}" if local else name
        return key, name, sub

    def _brand_full(self, c: _Canon, name: str, doc_id: str, short: str = "") -> str | None:
        """A brand written alone (伊利, 宁德时代): the one enterprise of its document whose name
        opens with it after its place (伊利集团, 宁德时代新能源科技股份有限公司; a place written
        with or without its mark: 宁夏|鑫晶盛电子材料有限公司), else None.  ``short``: the form
        that gave the brand (天奇股份 for 天奇), itself no candidate.
        (speed) Once per document, name and short form."""
        key = (doc_id, name, short)
        if key not in self._brand_of:
            # (speed) the document's enterprise names under each proper prefix of their part
            # after the place, built once per document: not a pass over them per name
            opening = self._brand_openings.get(doc_id)
            if opening is None:
                opening = self._brand_openings[doc_id] = defaultdict(set)
                # (in order: which names a capped prefix holds must not follow the hash seed)
                for y in sorted(self.fulls_in.get(doc_id, ())):
                    rests = [c.split_place(y)[1]]
                    if rests[0] == y:     # also after a place written without its mark (宁夏|鑫晶盛…)
                        p = next((p for p in self.w.place_stem_starts.prefixes(y) if len(y) - len(p) >= 2), None)
                        if p:
                            rests.append(y[len(p):])
                    for rest in rests:
                        for k in range(2, len(rest) + 1):
                            # (the name itself, the short form that gave it, and two others at most)
                            if len(opening[rest[:k]]) < 4:
                                opening[rest[:k]].add(y)
            full = None
            # (not a university or a paper beside its company: 浙江大学, 温州日报)
            if len(name) >= 2 and name not in c.w.known_places and not c._place_ok(name) \
                    and not self.lex.ends_with_org_suffix(name):
                # (with ``short``: not a body named after the short form itself, its branch:
                # 投资公司 and 投资公司商丘公司)
                fulls = {y for y in opening.get(name, ()) if y not in (name, short)
                         and not (short and y.startswith(short))}
                full = next(iter(fulls)) if len(fulls) == 1 else None
            self._brand_of[key] = full
        return self._brand_of[key]

    def _action(self, c: _Canon, text: str, bare: str) -> tuple[str, str, None]:
        """An action: its name without a leading place (unless the core is quoted)."""
        place, rest = c.split_place(bare)
        # a quoted core is the name itself (“智造强市”行动 has no place 智造强市)
        quoted = re.match(r"^\s*[“「『‘\"]", text) is not None
        if place and len(rest) >= 4 and self.w.action_place.ends(place) \
                and not quoted:
            bare = rest
        return bare, bare, None

    def _cluster(self, city: str, bare: str) -> tuple[str, str, None]:
        """A cluster: keyed by its core (no suffix, no generic words) in the context city."""
        # the suffix first (longest first), then the generic words: 新能源汽车产业链 and
        # 新能源汽车产业集群 are one cluster (removing 产业 first left 新能源汽车链)
        core = bare
        s = self.lex.matcher("clusters", "suffix").longest_suffix(core)
        if s:
            core = core[: -len(s)]
        for g in self.lex.word_tuple("clusters", "generic"):
            core = core.replace(g, "")
        return f"{core}@{city}", bare, None


_ENTITY_TYPES = ("Person", "Organization", "Place", "Project", "Action", "Cluster")


class _Entities:
    """The entities found so far, with each one's first evidence per document."""

    def __init__(self, keys: _Keys):
        self.keys = keys
        self.entities: dict[str, Entity] = {}
        # (entity, document) -> surface form written there -> (start, evidence, score)
        self.first_seen: dict[tuple[str, str], dict[str, tuple[int, Evidence, float]]] = {}
        self.name_votes: dict[str, Counter] = defaultdict(Counter)

    def add(self, typ: str, text: str, subtype: str | None, doc_id: str, ev: Evidence | None,
            score: float = 1.0, weak: bool = False, mention: bool = True) -> Entity | None:
        """The entity ``text`` (a ``typ``) names in ``doc_id``, made or updated; None if none.
        ``mention=False``: ``ev`` does not make it mentioned in the document (no ``mentioned_in``
        from it)."""
        if typ not in _ENTITY_TYPES:
            return None
        if not _norm(text):
            return None
        key, name, sub = self.keys.of(typ, text, subtype, doc_id)
        if typ == "Organization" and name in self.keys.w.generic_org:
            return None         # 公司, 党委 written alone and named by nothing longer
        eid = stable_id(typ, key)
        e = self.entities.get(eid)
        if e is None:
            e = Entity(eid, typ, name, set(), sub, set())
            self.entities[eid] = e
        elif sub and not e.subtype:
            e.subtype = sub
        surface = _norm(text) if typ != "Action" else text.strip()
        if surface != e.name:
            e.aliases.add(surface)
        if typ == "Cluster":
            self.name_votes[eid][name] += 1
        e.docs.add(doc_id)
        if ev is not None and mention:
            forms = self.first_seen.setdefault((eid, doc_id), {})
            cur = forms.get(surface)
            # a fact's evidence stands in only where the entity has no mention of its own (nor
            # another form of it: the forms are the mentions')
            if weak and cur is None and forms:
                return e
            if cur is None or (ev.start < cur[0] and not weak):
                forms[surface] = (ev.start, ev, score)
        return e

    def add_mentions(self, results: list[DocResult], docs_by_id: dict[str, Document]) -> None:
        """Every mention but a Post's, with its sentence as evidence.  A place written inside an
        organisation's name (湖北省 of 湖北省发改委, 孝感 of 孝感门户网) is no mention of the place
        there: the real pages' gold leaves such places out (docs/realpages-errors.md); nor is a
        place inside a longer place (包头市 of 包头市高新区) or an organisation inside a longer
        organisation (市委 of 市委宣传部): the gold lists the longer name only."""
        for r in results:
            d = docs_by_id.get(r.doc_id)
            sentence_at = sentence_finder(d) if d is not None else None    # (speed) bisection
            orgs = SpanReach((m.start, m.end) for m in r.mentions if m.type == "Organization")
            places = SpanReach((m.start, m.end) for m in r.mentions if m.type == "Place")
            for m in r.mentions:
                if m.type == "Post":
                    continue
                sent = sentence_at(m.start) if d is not None else None
                ev = Evidence(r.doc_id, sent.index if sent else m.sent_index, m.start, m.end,
                              sent.text if sent else m.text)
                self.add(m.type, m.text, m.subtype, r.doc_id, ev, m.score,
                         mention=not (m.type == "Place" and (orgs.contains(m.start, m.end)
                                                             or places.contains(m.start, m.end))
                                      or m.type == "Organization" and orgs.contains(m.start, m.end)))

    def name_clusters(self, cluster_display: str) -> None:
        """A cluster is named by its full "…产业集群" form, else by its most written name."""
        for eid, votes in self.name_votes.items():
            e = self.entities[eid]
            names = sorted(votes, key=lambda n: (not n.endswith(cluster_display), -votes[n], n))
            best = names[0]
            if best != e.name:
                e.aliases.add(e.name)
                e.name = best
                e.aliases.discard(best)

    def mentioned_in(self) -> list[Fact]:
        """One mentioned_in fact per (entity, document, form the document writes), the evidence
        that form's first mention there: a reader sees every form of the entity on the page (the
        real pages' gold lists them, any one of them matches)."""
        # the entity argument's text is the form the document writes (市委), its name the
        # canonical one (中共呼和浩特市委员会)
        facts = []
        seen = ((eid, doc_id, surface, first) for (eid, doc_id), forms in self.first_seen.items()
                for surface, first in forms.items())
        for eid, doc_id, surface, (_s, ev, score) in sorted(seen, key=lambda z: (z[1], z[3][0], z[0], z[2])):
            e = self.entities[eid]
            facts.append(Fact("mentioned_in",
                              {"entity": Arg(surface or e.name, e.type, e.subtype, e.id, e.name),
                               "document": Arg(doc_id, "Document", None, document_id(doc_id), doc_id)},
                              Evidence(ev.doc_id, ev.sent_index, ev.start, ev.end, ev.sentence),
                              "mention", min(1.0, float(score))))
        return facts


def _copied_facts(results: list[DocResult]) -> list[tuple[str, list[Fact]]]:
    """(document id, copies of its facts) per result: resolution fills in the copies only."""
    # an Arg shared by two input facts stays shared by their copies, as resolution wrote it
    # once for both when it filled in the inputs themselves
    args: dict[int, Arg] = {}

    def arg(a: Arg) -> Arg:
        c = args.get(id(a))
        if c is None:
            c = args[id(a)] = Arg(a.text, a.type, a.subtype, a.entity_id, a.name)
        return c

    return [(r.doc_id, [Fact(f.relation, {role: arg(a) for role, a in f.args.items()},
                             copy.copy(f.evidence), f.extractor, f.confidence) for f in r.facts])
            for r in results]


def _resolve_args(ents: _Entities, doc_facts: list[tuple[str, list[Fact]]],
                  docs_by_id: dict[str, Document] | None = None,
                  written_forms: dict[str, set[str]] | None = None) -> list[Fact]:
    """The facts whose arguments all name entities, with their entity ids and names filled in.
    An argument the document does not write names its entity without making it mentioned there
    when the sentence of the fact's evidence does not write its first two characters either: the
    real pages' gold lists the government of a place a title names (宜兴市市长 -> 宜兴市人民政府), not the
    body a bare title implies (习近平总书记 -> 中共中央, 副区长 -> 区政府)."""
    facts: list[Fact] = []
    for doc_id, fs in doc_facts:
        d = (docs_by_id or {}).get(doc_id)
        # (speed) a mention's text is written (``written_forms``: the mentions' texts of each
        # document); only the other arguments are looked for in the text
        written: dict[str, bool] = dict.fromkeys((written_forms or {}).get(doc_id, ()), True)
        for f in fs:
            ok = True
            for role, a in f.args.items():
                if a.type == "Post":
                    continue
                if d is not None and a.text not in written:
                    written[a.text] = a.text in d.text
                shown = (written.get(a.text, True)
                         or a.text[:2] in f.evidence.sentence)
                # the place of a located_in fact is often written only inside the other
                # argument's name (湖北省 of 湖北省发改委): that is no mention of the place
                e = ents.add(a.type, a.text, a.subtype, doc_id, f.evidence, f.confidence, weak=True,
                             mention=not (f.relation == "located_in" and role == "place")
                             and shown)
                if e is None:
                    ok = False
                    break
                a.entity_id = e.id
                a.name = e.name
                a.subtype = a.subtype or e.subtype
            # two arguments one entity (县政府办 / 县政府办公室 named one office): no fact
            ids = [a.entity_id for a in f.args.values() if a.type != "Post"]
            if not ok or len(set(ids)) < len(ids):
                continue
            if "post" in f.args:
                p = f.args["post"]
                org = f.args.get("org")
                p.name = _norm(p.text)
                p.entity_id = post_id(org.entity_id if org else None, p.name)
            facts.append(f)
    return facts


def _final_names(facts: list[Fact], entities: dict[str, Entity]) -> None:
    """Each argument takes its entity's final name (clusters are renamed after their facts)."""
    for f in facts:
        for a in f.args.values():
            if a.entity_id in entities and a.type != "Post":
                a.name = entities[a.entity_id].name


def _unique_facts(facts: list[Fact]) -> list[Fact]:
    """One fact per id (relation, resolved args, evidence span), the most confident, in order."""
    best: dict[str, Fact] = {}
    for f in facts:
        k = f.id
        if k not in best or f.confidence > best[k].confidence:
            best[k] = f
    return sorted(best.values(), key=lambda f: (f.evidence.doc_id, f.evidence.start, f.relation, f.id))


def resolve(docs: list[Document], results: list[DocResult], lexicon: Lexicon,
            city_overrides: dict[str, str] | None = None,
            county_overrides: dict[str, str] | None = None) -> tuple[dict[str, Entity], list[Fact]]:
    """(entities by id, resolved facts) of the documents' results; the inputs are left as they are
    (the facts returned are new objects, the context cities are ``context_cities``)."""
    docs_by_id = {d.id: d for d in docs}
    cities = context_cities(docs, results, lexicon, city_overrides)
    canons = _contexts(docs_by_id, results, lexicon, cities, county_overrides or {})
    ents = _Entities(_Keys(docs_by_id, results, lexicon, canons))
    ents.add_mentions(results, docs_by_id)
    facts = _resolve_args(ents, _copied_facts(results), docs_by_id,
                          {r.doc_id: {m.text for m in r.mentions} for r in results})
    ents.name_clusters(_Words.of(lexicon).cluster_display)
    _final_names(facts, ents.entities)
    out = _unique_facts(facts + ents.mentioned_in())
    for e in ents.entities.values():
        e.aliases.discard(e.name)
    return ents.entities, out
