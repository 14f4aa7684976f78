"""Entity resolution: canonical names, alias sets and stable ids across documents.

``resolve(docs, results, lexicon, city_overrides=None) -> (entities, facts)``

* Every document gets a context city (``city_overrides[doc.id]``, else ``doc.city``, else
  inferred: the "X市" written most often as a place or as the prefix of an organisation).
  Bare 市委 / 市政府 / 市发改委 are read against it (abbreviation rules in
  ``kg/data/abbreviations.tsv``): 市发改委 -> <city>发展和改革委员会, 市委 -> 中共<city>委员会.
* Organisations get a canonical full name; municipal departments written without a place
  (教育局) are the context city's when the document also names <city>教育局, else they stay
  local to their city (never merged with another city's 教育局).  Enterprises written by their
  brand (伊利) join the one full name with that brand core (内蒙古伊利实业集团股份有限公司).
* People merge across documents when the name and the context city agree, or when the name
  holds a national post (中共中央总书记 ...) somewhere in the corpus; two different people who
  share a name in different cities stay apart, and nothing merges on a shared surname or a
  shorter name.
* Ids: ``stable_id(type, canonical key)``; a Post arg gets ``post_id(org_id, title)``.
* One ``mentioned_in`` fact per (entity, document), evidence = the first mention.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from .chars import HAN_CLASS
from .lexicon import Lexicon
from .relations import city_names
from .relations.base import removed_breaks
from .model import (Arg, DocResult, Document, Entity, Evidence, Fact, document_id, post_id,
                    sentence_finder, stable_id)

_HAN = HAN_CLASS
_QUOTES = re.compile("[“”‘’\"「」『』]")
_NATIONAL_PREFIXES = ("中国共产党中央", "中华人民共和国", "中央", "全国", "国家", "国务院",
                      "中国人民政治协商会议全国")
# a bare-市 name is not a city prefix when it starts with one of these
_NOT_CITY_PREFIX = ("市场", "市民", "市容", "市政公用", "市政工程", "市政设施")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", _QUOTES.sub("", s or ""))


_SESSION = re.compile(r"第[一二三四五六七八九十百零〇两0-9]{1,4}届(?=.*委员会$)")


def _canon_tables(lex: Lexicon) -> tuple[list[str], set[str], list, dict[str, str]]:
    """(place suffixes, known places, 'whole' abbreviations, 'body' abbreviations) of _Canon."""
    known_places = set(lex.words("places", "name")) | set(lex.words("places", "province"))
    for c in lex.words("places", "city"):
        known_places.add(c if c.endswith("盟") else c + "市")
    # templates with the most literal characters first ("中共{place}委" before "{place}委")
    whole = sorted((a for a in lex.abbreviations if a.scope == "whole"),
                   key=lambda a: -len(a.short.replace("{place}", "")))
    body = {a.short: a.full for a in lex.abbreviations if a.scope == "body"}
    return lex.words("places", "suffix"), known_places, whole, body


class _Canon:
    """Canonical names for one document's context (city, province)."""

    def __init__(self, lex: Lexicon, city: str | None, province: str | None, text: str = "",
                 county: str | None = None):
        self.lex = lex
        self.text = text
        self.city = city
        self.county = county
        self.province = province
        # (memory) the lexicon's tables, made once per lexicon and shared by every document's
        # _Canon (read only); each document used to hold copies, ~75 kB a document
        self.place_suffixes, self.known_places, self.whole, self.body = \
            lex.cached("resolve.canon_tables", lambda: _canon_tables(lex))

    def _place_ok(self, p: str) -> bool:
        if p in self.known_places:
            return True
        if p in self.place_suffixes:
            return False
        return any(p.endswith(s) and len(p) > len(s) for s in self.place_suffixes) \
            and not self.lex.ends_with_org_suffix(p[:-1] if p else p) and len(p) <= 9

    def split_place(self, name: str) -> tuple[str, str]:
        """(place prefix, rest)."""
        # (speed) sorted once per lexicon: known_places depends on the lexicon alone, and of
        # places of one length at most one starts name
        def by_first() -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for p in sorted(self.known_places, key=len, reverse=True):
                out.setdefault(p[0], []).append(p)
            return out
        # ... and grouped by first character (the order kept within a group)
        known_sorted = self.lex.cached("resolve.known_places_by_first", by_first).get(name[:1], ())
        for p in known_sorted:
            if name.startswith(p) and len(name) > len(p):
                rest = name[len(p):]
                # 内蒙古 + 自治区… : take the longer administrative form
                m = re.match(r"^(自治区|省|市)", rest)
                # (the test was "p + m.group(1) in self.known_places | {p + m.group(1)}", which
                # always holds; kept as it behaved, without building a set per call)
                if m:
                    return p + m.group(1), rest[m.end():]
                return p, rest
        suf = "|".join(re.escape(s) for s in ("自治区", "特别行政区", "市", "省", "盟", "县", "旗"))
        m = re.match(rf"^([{_HAN}]{{2,6}}?(?:{suf}))(.+)$", name)
        if m and self._place_ok(m.group(1)):
            return m.group(1), m.group(2)
        return "", name

    def org(self, text: str) -> tuple[str, bool]:
        """Canonical organisation name and whether it is local to the context city."""
        name, local = self._org(text)
        if name != _norm(text) and not local:
            # a prefix filled in may make a whole-name form ("自治区党委" -> "<province>党委")
            again, local2 = self._org(name)
            return again, local2
        return name, local

    def _org(self, text: str) -> tuple[str, bool]:
        # the session of a committee is not part of its identity:
        # 中国共产党X市第十三届委员会 is 中共X市委员会
        name = _SESSION.sub("", _norm(text))
        if not name:
            return name, False
        # whole-name abbreviations without a place
        for a in self.whole:
            if "{place}" in a.short:
                continue
            if name == a.short:
                if "{county}" in a.full:
                    # 县委 is the context county's only when the county is a 县 (区委: a 区)
                    if not self.county or self.county[-1] != a.short[0]:
                        return name, True
                    return a.full.replace("{county}", self.county), False
                if "{city}" in a.full:
                    if not self.city:
                        return name, True
                    return a.full.replace("{city}", self.city), False
                return a.full, False
        # "<place>市委", "中共<place>委", "<place>政府" ...
        for a in self.whole:
            if "{place}" not in a.short:
                continue
            rx = "^" + re.escape(a.short).replace(re.escape("{place}"), f"(?P<p>[{_HAN}]{{2,9}}?)") + "$"
            m = re.match(rx, name)
            if m and self._place_ok(m.group("p")):
                return a.full.replace("{place}", m.group("p")), False
        prefix = ""
        rest = name
        local = False
        if name.startswith("市") and not name.startswith(_NOT_CITY_PREFIX) and len(name) > 2:
            prefix, rest = (self.city or "市"), name[1:]
            local = self.city is None
        elif self.county and name.startswith(self.county[-1]) and len(name) > 2 \
                and name[1:].endswith(("局", "委员会", "委", "办公室", "办")) \
                and name[1] not in "域块间级内外" and not self._place_ok(name[1:3]):
            # 县发展和改革局 in a county document: the context county's
            prefix, rest = self.county, name[1:]
        elif name.startswith("自治区") and len(name) > 4:
            prefix, rest = (self.province or "自治区"), name[3:]
            local = self.province is None
        elif name.startswith("省") and len(name) > 2 and self.province:
            prefix, rest = self.province, name[1:]
        else:
            prefix, rest = self.split_place(name)
        if rest in self.body:
            rest = self.body[rest]
        if not prefix:
            # a department written without its place is the city's when the document also
            # writes it with the city (or 市); otherwise it stays local to the city
            local = any(rest.endswith(s) for s in ("局", "委", "厅", "办", "委员会", "办公室")) \
                or rest == "本报"
            if local and rest != "本报" and self.city and (
                    (self.city + name) in self.text or ("市" + name) in self.text):
                return self.city + rest, False
        return prefix + rest, local


def infer_city(doc: Document, mentions, lex: Lexicon) -> str | None:
    """The city a document is about: the "X市" named most often as a place or as the start
    of an organisation's name.  None when the text names no city."""
    text = doc.text
    counts, strong = city_names(text, mentions, prefixes=lex.words("places", "city_prefix"),
                                not_city=lex.words("places", "not_city"), breaks=removed_breaks(doc))
    # a city is also written without 市 ("呼和浩特都市圈", "“诚信呼和浩特”")
    for c in list(counts):
        if len(c) >= 4:
            counts[c] = max(counts[c], text.count(c[:-1]))
    for mm in mentions:
        if mm.type != "Place":
            continue
        c = mm.text if mm.text.endswith("市") else mm.text + "市"
        if c in counts:
            counts[c] += 2
            strong[c] += 1
    # a candidate must be written 3+ times, or once as the start of an organisation's name
    known = {c + "市" for c in lex.words("places", "city")}
    # a gazetteer city written only without 市 (郑州日报, X郑州基地, 郑州地铁): 3+ times
    for c in lex.words("places", "city"):
        if len(c) >= 2 and c + "市" not in counts:
            n = text.count(c)
            if n >= 3:
                counts[c + "市"] = n
    best = [(n, p) for p, n in counts.items()
            if (n >= 3 or strong[p] >= 1 or p in known) and len(p) >= 3]
    if not best:
        return None
    best.sort(key=lambda z: (-z[0], -len(z[1]), text.find(z[1])))
    return best[0][1]


_COUNTY_ORGAN = re.compile(r"(?<=[%s])([县区旗])(?=委|党委|人民政府|政府|人大|政协|纪委)" % _HAN)


def infer_county(doc: Document, lex: Lexicon) -> str | None:
    """The county / district / banner a document is about: the "X县" ("X区", "X旗") written
    most often with its organ after it (X县委, X县人民政府), or opening the headline.
    None when the text names no county organ."""
    text = doc.text
    prefixes = sorted(set(lex.words("places", "city_prefix")) | {"中共", "中国共产党"}, key=len,
                      reverse=True)
    votes: Counter = Counter()
    head = text.split("\n", 1)[0]
    for m in _COUNTY_ORGAN.finditer(text):
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
        run = re.split("市|省|自治区|州|盟", run)[-1]
        if run.endswith("自治") or not run:
            continue
        # the longest tail of the run written as often as its last character ("5日青禾县委":
        # 禾县 and 青禾县 are as frequent, 日青禾县 is rarer -> 青禾县)
        best = run[-1:]
        for n in range(2, len(run) + 1):
            if text.count(run[-n:] + m.group(1)) == text.count(run[-1:] + m.group(1)):
                best = run[-n:]
            else:
                break
        if len(best) > 4:
            continue
        votes[best + m.group(1)] += 1
    if not votes:
        return None
    for c in votes:
        if head.lstrip().startswith(c) or ("市" + c) in head:
            votes[c] += 1
    best = sorted(votes.items(), key=lambda z: (-z[1], text.find(z[0])))
    name, n = best[0]
    # one organ mention is not enough (a city report naming one district's government once)
    return name if n >= 2 and len(name) >= 2 else None


def infer_province(doc: Document, lex: Lexicon) -> str | None:
    counts = Counter()
    for p in lex.words("places", "province"):
        n = doc.text.count(p)
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
        for suffix, _sub, strip in lex.org_suffixes:
            if strip and core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
    return core


def resolve(docs: list[Document], results: list[DocResult], lexicon: Lexicon,
            city_overrides: dict[str, str] | None = None,
            county_overrides: dict[str, str] | None = None) -> tuple[dict[str, Entity], list[Fact]]:
    lex = lexicon
    overrides = city_overrides or {}
    counties = county_overrides or {}
    docs_by_id = {d.id: d for d in docs}
    canons: dict[str, _Canon] = {}
    for r in results:
        d = docs_by_id.get(r.doc_id)
        if d is None:
            continue
        if r.doc_id in overrides:
            d.city = overrides[r.doc_id]
        elif not d.city:
            d.city = infer_city(d, r.mentions, lex)
        county = counties[r.doc_id] if r.doc_id in counties else infer_county(d, lex)
        canons[r.doc_id] = _Canon(lex, d.city, infer_province(d, lex), d.text, county)

    # ---- people holding national posts are one person corpus-wide
    national: set[str] = set()
    for r in results:
        c = canons.get(r.doc_id)
        for f in r.facts:
            if f.relation == "holds_post" and c is not None:
                org, _ = c.org(f.args["org"].text)
                if org.startswith(_NATIONAL_PREFIXES) or not org.endswith(
                        ("局", "委员会", "政府", "委", "厅", "办", "日报", "本报")):
                    if org.startswith(_NATIONAL_PREFIXES) or c.split_place(org)[0] in c.known_places:
                        national.add(_norm(f.args["person"].text))

    # ---- enterprise brand cores from full names
    full_by_core: dict[str, set[str]] = defaultdict(set)

    def is_enterprise(name: str, subtype: str | None) -> bool:
        return subtype == "enterprise" or lex.org_subtype(name) == "enterprise"

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

    # ---- short forms written in brackets after a full enterprise name in the same document
    # ("A机械股份有限公司（A重工）"): the short form (and the form without 中国) is that enterprise
    short_of: dict[str, dict[str, str]] = defaultdict(dict)
    drop = lex.words("industry_terms", "short_drop_prefix")
    for r in results:
        d = docs_by_id.get(r.doc_id)
        if d is None:
            continue
        for m in r.mentions:
            if m.type != "Organization" or not re.search("(?:公司|集团)$", m.text):
                continue
            bm = re.match(r"[（(]([^（）()]{2,8})[）)]", d.text[m.end:m.end + 10])
            if not bm:
                continue
            short = _norm(bm.group(1))
            forms = [short] + [short[len(p):] for p in drop
                               if short.startswith(p) and len(short) - len(p) >= 2]
            for f in forms:
                short_of[r.doc_id].setdefault(f, _norm(m.text))

    # ---- a place written with and without its administrative suffix in one document
    # (浙江 / 浙江省) is one place, named by the longer form
    long_place: dict[str, dict[str, str]] = defaultdict(dict)
    place_suffixes = lex.words("places", "suffix")
    for r in results:
        names = {_norm(m.text) for m in r.mentions if m.type == "Place"}
        for x in names:
            longer = [x + sfx for sfx in place_suffixes if x + sfx in names]
            if longer:
                long_place[r.doc_id][x] = longer[0]

    def canon_of(typ: str, text: str, subtype: str | None, doc_id: str) -> tuple[str, str, str | None]:
        """(key, canonical name, subtype)"""
        c = canons.get(doc_id) or _Canon(lex, None, None)
        # a county document without a city is keyed by its county
        city = c.city or c.county or ""
        bare = _norm(text)
        if typ == "Organization" and bare in short_of.get(doc_id, {}):
            bare = short_of[doc_id][bare]
        if typ == "Organization":
            name, local = c.org(bare)
            sub = subtype or lex.org_subtype(name)
            if name.startswith(("中国共产党", "中共")) or name.endswith(("党委", "党组", "纪律检查委员会")):
                sub = "party"
            if lex.org_subtype(name) is None and is_enterprise(name, subtype) or \
                    lex.org_subtype(name) == "enterprise" or subtype == "enterprise":
                core = _enterprise_core(name, lex, c)
                fulls = full_by_core.get(core) or full_by_core.get(name)
                if fulls and len(fulls) == 1:
                    name = next(iter(fulls))
                    sub = "enterprise"
            key = f"{name}@{city or doc_id}" if local else name
            return key, name, sub
        if typ == "Person":
            key = bare if (bare in national or not city) else f"{bare}@{city}"
            return key, bare, None
        if typ == "Action":
            place, rest = c.split_place(bare)
            # a quoted core is the name itself (“智造强市”行动 has no place 智造强市)
            quoted = re.match(r"^\s*[“「『‘\"]", text) is not None
            if place and len(rest) >= 4 and place.endswith(("市", "区", "县", "旗", "盟", "省")) \
                    and not quoted:
                bare = rest
            return bare, bare, None
        if typ == "Cluster":
            # the suffix first (longest first), then the generic words: 新能源汽车产业链 and
            # 新能源汽车产业集群 are one cluster (removing 产业 first left 新能源汽车链)
            core = bare
            for s in sorted(lex.words("clusters", "suffix"), key=len, reverse=True):
                if core.endswith(s):
                    core = core[: -len(s)]
                    break
            for g in lex.words("clusters", "generic"):
                core = core.replace(g, "")
            return f"{core}@{city}", bare, None
        if typ == "Project":
            core = bare[:-2] if bare.endswith("项目") and len(bare) > 4 else bare
            return f"{core}@{city}", bare, None
        if typ == "Place":
            bare = long_place.get(doc_id, {}).get(bare, bare)
        return bare, bare, subtype

    entities: dict[str, Entity] = {}
    # (entity, document) -> (start, evidence, score, surface form written there)
    first_seen: dict[tuple[str, str], tuple[int, Evidence, float, str]] = {}
    name_votes: dict[str, Counter] = defaultdict(Counter)

    def add(typ: str, text: str, subtype: str | None, doc_id: str, ev: Evidence | None,
            score: float = 1.0, weak: bool = False) -> Entity | None:
        if typ not in ("Person", "Organization", "Place", "Project", "Action", "Cluster"):
            return None
        if not _norm(text):
            return None
        key, name, sub = canon_of(typ, text, subtype, doc_id)
        eid = stable_id(typ, key)
        e = entities.get(eid)
        if e is None:
            e = Entity(eid, typ, name, set(), sub, set())
            entities[eid] = e
        elif sub and not e.subtype:
            e.subtype = sub
        surface = _norm(text) if typ != "Action" else text.strip()
        if surface != e.name:
            e.aliases.add(surface)
        if typ == "Cluster":
            name_votes[eid][name] += 1
        e.docs.add(doc_id)
        if ev is not None:
            k = (eid, doc_id)
            cur = first_seen.get(k)
            # a fact's evidence stands in only where the entity has no mention of its own
            if cur is None or (ev.start < cur[0] and not weak):
                first_seen[k] = (ev.start, ev, score, surface)
        return e

    for r in results:
        d = docs_by_id.get(r.doc_id)
        sentence_at = sentence_finder(d) if d is not None else None    # (speed) bisection
        for m in r.mentions:
            if m.type == "Post":
                continue
            sent = sentence_at(m.start) if d is not None else None
            ev = Evidence(r.doc_id, sent.index if sent else m.sent_index, m.start, m.end,
                          sent.text if sent else m.text)
            add(m.type, m.text, m.subtype, r.doc_id, ev, m.score)

    facts: list[Fact] = []
    for r in results:
        c = canons.get(r.doc_id) or _Canon(lex, None, None)
        for f in r.facts:
            ok = True
            for role, a in f.args.items():
                if a.type == "Post":
                    continue
                e = add(a.type, a.text, a.subtype, r.doc_id, f.evidence, f.confidence, weak=True)
                if e is None:
                    ok = False
                    break
                a.entity_id = e.id
                a.name = e.name
                a.subtype = a.subtype or e.subtype
            if not ok:
                continue
            if "post" in f.args:
                p = f.args["post"]
                org = f.args.get("org")
                p.name = _norm(p.text)
                p.entity_id = post_id(org.entity_id if org else None, p.name)
            facts.append(f)

    # cluster display name: prefer the full "…产业集群" form
    for eid, votes in name_votes.items():
        e = entities[eid]
        names = sorted(votes, key=lambda n: (not n.endswith("产业集群"), -votes[n], n))
        best = names[0]
        if best != e.name:
            e.aliases.add(e.name)
            e.name = best
            e.aliases.discard(best)
    for f in facts:
        for a in f.args.values():
            if a.entity_id in entities and a.type != "Post":
                a.name = entities[a.entity_id].name

    # ---- one mentioned_in per (entity, document)
    # the entity argument's text is the form the document writes (市委), its name the canonical one
    # (中共呼和浩特市委员会)
    for (eid, doc_id), (_s, ev, score, surface) in sorted(first_seen.items(),
                                                         key=lambda z: (z[0][1], z[1][0], z[0][0])):
        e = entities[eid]
        facts.append(Fact("mentioned_in",
                          {"entity": Arg(surface or e.name, e.type, e.subtype, e.id, e.name),
                           "document": Arg(doc_id, "Document", None, document_id(doc_id), doc_id)},
                          Evidence(ev.doc_id, ev.sent_index, ev.start, ev.end, ev.sentence),
                          "mention", min(1.0, float(score))))

    # ---- drop duplicate facts (same relation, resolved args and evidence span)
    best: dict[str, Fact] = {}
    for f in facts:
        k = f.id
        if k not in best or f.confidence > best[k].confidence:
            best[k] = f
    out = sorted(best.values(), key=lambda f: (f.evidence.doc_id, f.evidence.start, f.relation, f.id))
    for e in entities.values():
        e.aliases.discard(e.name)
    return entities, out

