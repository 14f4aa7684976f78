"""Projects and enterprises: project lists after a build verb, enterprise lists (A、B等企业),
facilities before a completion verb, named "…项目", projects that are the subject of a clause,
and the readers of the enterprise a project item names (``_brand*``, ``_enterprises_in``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .base import _FUNC, _HAN, _HARD, _NAME_STOP, _OWNED_PROJECT, _is_han


def _list_items(body: str, start: int) -> Iterable[tuple[int, str]]:
    """The items of a list "A、B和C及D" written at ``start``: (start of the item, item), items
    stripped of surrounding whitespace, empty ones skipped."""
    pos = start
    for raw in re.split(r"(、|和|及)", body):
        it = raw.strip()
        s_ = pos + (raw.find(it) if it else 0)
        pos += len(raw)
        if raw in ("、", "和", "及") or not it:
            continue
        yield s_, it


class ProjectsMixin:
    """Project and enterprise stage of :class:`kg.relations.extractor._Extractor` (uses the state
    and helpers of :class:`kg.relations.base.ExtractorBase`)."""

    def _is_trade(self, item: str) -> bool:
        """A list item that names a trade (储能电池, 正极材料: starts with an industry term), not a
        company -- unless it ends in 公司/集团."""
        return item.startswith(tuple(self.lex.words("industry_terms", "term"))) \
            and not re.search("(?:公司|集团)$", item)

    def _brand(self, item: str) -> str | None:
        """The enterprise brand a project item starts with ("伊利奶粉三期" -> 伊利), an
        enterprise written in full at its start, or a two-character brand (see _brand_any)."""
        return self._brand_any(item)

    def _brand_terms(self, item: str) -> str | None:
        """The brand before the first industry term or digit ("伊利奶粉三期" -> 伊利)."""
        if not item or item[0] in "“\"‘" or not _is_han(item[0]):
            return None
        terms = self.lex.words("industry_terms", "term")
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
        for p in sorted(self.places, key=len, reverse=True):
            if len(p) >= 2 and brand.endswith(p) and len(brand) - len(p) >= 2:
                brand = brand[: -len(p)]
                break
        if first == len(item):
            # no industry word: the item is the brand itself unless it carries a head/phase
            for rx in self.lex.patterns("project_patterns", "phase"):
                brand = rx.sub("", brand)
            for h in self.lex.words("project_patterns", "head"):
                if brand.endswith(h) and len(brand) > len(h) + 1 and h not in ("电厂",):
                    return None
            if len(brand) > 6 and not any(brand.endswith(b) for b in
                                          self.lex.words("industry_terms", "brand_suffix")):
                return None
        if not (2 <= len(brand) <= 10) or "期" in brand:
            return None
        lex_places = set(self.lex.words("places", "name")) | set(self.lex.words("places", "province")) \
            | set(self.lex.words("places", "city"))
        if brand in self.lex.words("industry_terms", "not_brand") or brand in lex_places:
            return None
        if any(brand.endswith(z) for z in self.lex.words("project_patterns", "zone")):
            return None
        if any(brand.startswith(nb) for nb in self.lex.words("industry_terms", "not_brand")
               if len(nb) >= 2) and brand not in ("中国联通", "中国融通") and len(brand) <= 3:
            return None
        return brand

    def _has_head(self, item: str) -> bool:
        if any(rx.search(item) for rx in self.lex.patterns("project_patterns", "phase")):
            return True
        return any(item.endswith(h) for h in self.lex.words("project_patterns", "head"))

    def project_lists(self) -> list[tuple[int, list[tuple[int, int, str]], list[tuple[int, int, str]]]]:
        """Lists of projects after a build verb.  Returns per list: (position, projects,
        enterprises) with view spans and names."""
        t = self.t
        verbs = self.lex.words("project_patterns", "build_verb")
        tails = self.lex.words("project_patterns", "tail")
        vrx = re.compile("|".join(re.escape(v) for v in verbs))
        out = []
        for sent in re.finditer(r"[^。；;！？!?\n]+", t):
            ss, se = sent.start(), sent.end()
            parts = [(m.start() + ss, m.end() + ss) for m in re.finditer(r"[^,，]+", t[ss:se])]
            # group a verb part with the comma parts that continue its list; a group whose
            # last part ends with "等项目"/"项目" lists projects throughout
            segs: list[tuple[int, int, int]] = []     # (body start, end, group)
            active = False
            group = -1
            for ps, pe in parts:
                part = t[ps:pe]
                vm = vrx.search(part)
                off = ps
                if vm:
                    group += 1
                    segs.append((off + vm.end(), pe, group))
                    active = True
                elif active and ("、" in part or part.rstrip().endswith("项目")):
                    segs.append((off, pe, group))
                else:
                    active = False
            group_proj = {}
            for bs, pe, g in segs:
                last = t[bs:pe].rstrip()
                for tl in tails:
                    if last.endswith(tl) and tl not in ("等", "建设", "等项目"):
                        last = last[: -len(tl)]
                group_proj[g] = last.endswith("项目")
            for body_s, pe, g in segs:
                body = t[body_s:pe]
                head = ""
                items_txt = body
                end_proj = False
                m_deng = re.search(r"等([^、]*)$", body)
                if m_deng:
                    head = m_deng.group(1)
                    items_txt = body[:m_deng.start()]
                    for tl in tails:
                        if head.endswith(tl) and tl != "等":
                            head = head[: -len(tl)]
                    end_proj = head.endswith(("项目", "工程")) or head == ""
                    if head and not end_proj and not self._has_head(head):
                        continue      # "…等改革", "…等业态": not projects
                else:
                    # "A项目、B项目建设": 建设 after a project name is the verb's noun
                    if re.search("(?:项目|工程)(?:建设|落地|开工)$", items_txt):
                        items_txt = items_txt[:-2]
                    for tl in tails:
                        if items_txt.endswith(tl) and tl not in ("等", "建设") \
                                and len(items_txt) > len(tl) + 2:
                            items_txt = items_txt[: -len(tl)]
                            break
                    if items_txt.endswith("项目"):
                        end_proj = True
                # "A项目和B项目": 和/及/与 between two project names joins the list
                items_txt = re.sub(r"(?<=项目|工程)[和及与](?=[^，,、]{3})", "、", items_txt)
                items = []
                pos = body_s
                for raw in items_txt.split("、"):
                    s = pos + (len(raw) - len(raw.lstrip()))
                    it = raw.strip()
                    items.append((s, s + len(it), it))
                    pos += len(raw) + 1
                # "新建年产5万吨X项目": the build word is not part of the name
                lead_words = sorted(verbs, key=len, reverse=True)
                for n, (s, e, it) in enumerate(items):
                    w = next((v for v in lead_words if it.startswith(v) and len(it) - len(v) >= 4), None)
                    if w:
                        items[n] = (s + len(w), e, it[len(w):])
                items = [x for x in items if x[2] and not self._generic_project(x[2])]
                # a lone 2-character object ("等企业加快转型") is a verb's noun, not a project
                if not items or (len(items) == 1 and len(items[0][2]) < 3):
                    continue
                if any(any(w in it for w in _NAME_STOP) for _, _, it in items):
                    continue
                projects: list[tuple[int, int, str]] = []
                enterprises: list[tuple[int, int, str]] = []
                if head and not head.endswith(("项目", "工程")):
                    for i, (s, e, it) in enumerate(items):
                        projects.append((s, e, it + head))
                        b = self._brand(it)
                        if b:
                            enterprises.append((s, s + len(b), b))
                else:
                    for i, (s, e, it) in enumerate(items):
                        b = self._brand(it)
                        bare = b == it
                        name = it
                        if bare:
                            # borrow the head of the next item that has brand + head
                            for s2, e2, it2 in items[i + 1:]:
                                b2 = self._brand(it2)
                                if b2 and b2 != it2:
                                    name = it + it2[len(b2):]
                                    break
                        if not (end_proj or group_proj[g] or self._has_head(name)):
                            continue
                        if head.endswith("工程") and not name.endswith(("工程", "项目")):
                            pass
                        projects.append((s, e, name))
                        if b:
                            enterprises.append((s, s + len(b), b))
                if projects or enterprises:
                    out.append((body_s, projects, enterprises))
                    for s, e, name in projects:
                        self.projects.setdefault((s, e), name)
                    for s, e, name in enterprises:
                        self.enterprises.setdefault((s, e), name)
        return out

    def enterprise_lists(self) -> list:
        """"引进A、B、C等龙头企业": enterprises listed by name."""
        t = self.t
        out = []
        rx = re.compile(r"(?:引进|培育|支持|依托|引育|壮大|做强|招引)([^,，;；。:：\n]+?)等[^,，;；。\n]{0,6}企业")
        for m in rx.finditer(t):
            ents = []
            pos = m.start(1)
            for raw in m.group(1).split("、"):
                it = raw.strip()
                if it and self._brand(it) and not self._has_head(it) and len(it) <= 8:
                    s_ = pos + (len(raw) - len(raw.lstrip()))
                    ents.append((s_, s_ + len(it), it))
                pos += len(raw) + 1
            if ents:
                out.append((m.start(1), [], ents))
                for s_, e_, name in ents:
                    self.enterprises.setdefault((s_, e_), name)
        return out

    def projects_before_verb(self) -> list:
        """"S43机场高速、S29呼凉高速建成通车": a list of facilities before a completion verb."""
        t = self.t
        verbs = self.lex.words("project_patterns", "post_verb")
        if not verbs:
            return []
        rx = re.compile(f"([^,，;；。:：!?！？\n]+?)(?:等项目|项目)?(?:{'|'.join(re.escape(v) for v in verbs)})")
        out = []
        for m in rx.finditer(t):
            s0 = m.start(1)
            txt = m.group(1)
            # drop a leading verb / function words ("争取呼包高铁…")
            for w in sorted(self.lex.words("project_patterns", "build_verb")
                            + self.lex.words("clusters", "member_verb")
                            + ["争取", "推动", "实现", "确保", "力争", "完成"], key=len, reverse=True):
                if txt.startswith(w):
                    s0 += len(w)
                    txt = txt[len(w):]
                    break
            projects = []
            pos = s0
            for raw in txt.split("、"):
                it = raw.strip()
                if it and self._has_head(it) and not any(w in it for w in _NAME_STOP) \
                        and len(it) <= 20 and it not in self.lex.words("project_patterns", "head") \
                        and not self._generic_project(it):
                    projects.append((pos, pos + len(it), it))
                pos += len(raw) + 1
            for s, e, name in projects:
                self.projects.setdefault((s, e), name)
            if projects:
                out.append((s0, projects, []))
        return out

    def named_projects(self) -> None:
        """"…项目" names outside lists ("签署量子产业创新基地项目…协议")."""
        t = self.t
        cuts = sorted(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("action_patterns", "intro_verb"))
                      | {"签署", "签约", "的", "和", "与", "及", "在", "了", "为", "是", "个"},
                      key=len, reverse=True)
        verbs = (set(self.lex.words("project_patterns", "build_verb"))
                 | set(self.lex.words("action_patterns", "intro_verb")) | {"签署", "签约"})
        for m in re.finditer(f"[{_HAN}A-Za-z0-9“”]{{3,24}}?项目", t):
            s, e = m.start(), m.end()
            seg = t[s:e]
            cut = 0
            cut_word = ""
            for c in cuts:
                i = seg.rfind(c, 0, len(seg) - 2)
                if i >= 0 and (i + len(c) > cut or (i + len(c) == cut and len(c) > len(cut_word))):
                    cut, cut_word = i + len(c), c
            # only a name right after a verb that builds, signs or carries out projects, or the
            # next item of such a list ("推进A项目、B三期项目建设")
            listed = cut == 0 and s > 0 and t[s - 1] == "、" and any(
                b == s - 1 for (_a, b) in self.projects)
            if cut_word not in verbs and not listed:
                continue
            name = seg[cut:]
            body = name[:-2]
            if body.endswith("等"):
                continue
            if len(body) < 4 or body.endswith(("重点", "重大", "帮扶", "交通", "示范", "民生", "产业")):
                continue
            if any(w in body for w in _NAME_STOP) or body[0].isdigit() or self._generic_project(name):
                continue
            self.projects.setdefault((s + cut, e), name)

    _ENTERPRISE_END = re.compile(r"^(.{2,24}?(?:公司|集团))(?![)）有股])")

    def _full_enterprise_prefix(self, item: str) -> str | None:
        """"X航化工有限责任公司甲醇技改项目" -> the enterprise written in full at the start."""
        m = self._ENTERPRISE_END.match(item)
        if m and len(item) - m.end() >= 2 and not any(c in _HARD and c not in "()（）"
                                                      for c in m.group(1)):
            return m.group(1)
        return None

    def _brand_char(self, item: str) -> str | None:
        """A two-character brand before a product word no term list knows (X泰|精工二期):
        the third character starts a product word."""
        if len(item) < 5 or not all(_is_han(c) for c in item[:3]):
            return None
        # brand + product + phase with a four-character core (X泰精工|二期) splits 2 + 2
        core = re.sub("(?:项目|工程)$", "", item)
        for rx in self.lex.patterns("project_patterns", "phase"):
            core = rx.sub("", core)
        phased = core != item and len(core) == 4 and all(_is_han(c) for c in core)
        if item[2] not in self.lex.words("industry_terms", "term_char") and not phased:
            return None
        b = item[:2]
        if b in self._lex_places() or b in self.lex.words("industry_terms", "not_brand") \
                or any(w.startswith(b) for w in self.lex.words("industry_terms", "term")) \
                or b[0] in "新老大小高低全本该各某总分" or b in ("中小", "中心", "中部", "中央", "中型") \
                or any(c in b for c in "的了是在将把被与及对为由向"):
            return None
        return b

    def _brand_any(self, item: str) -> str | None:
        """The enterprise named at the start of a project item, or None: a full name, a known
        brand, the brand before an industry word / digit run, never a quantity or build word
        (年产…, 新建…) and never ending in the ordinal 第 (X第8.6代… -> X)."""
        if any(item.startswith(w) for w in self.lex.words("industry_terms", "brand_reject")):
            return None
        full = self._full_enterprise_prefix(item)
        if full:
            return full
        known = next((k for k in self.lex.words("industry_terms", "known_brand")
                      if item.startswith(k)), None)
        if not known and (any(item.startswith(w) for w in self.lex.words("industry_terms", "public_start"))
                          or any(w in item for w in self.lex.words("industry_terms", "public_body"))):
            # 国家…创新中心二期项目, 省级…研究院…项目: a public institution, no enterprise
            return None
        # "X新区跨境电商产业园", "Y县…基地": an item opening with a zone or district names no brand
        zones = [z for z in self.lex.words("project_patterns", "zone") if len(z) >= 2 or z in "区县旗"]
        words = set(self.lex.words("industry_terms", "term")) \
            | set(self.lex.words("industry_terms", "brand_suffix"))
        if not known and any(k - len(z) >= 1 and not any(c in _FUNC for c in item[:k])
                             and not any(w in item[:k] for w in words)
                             for k in range(2, min(len(item), 9)) for z in zones
                             if item[:k].endswith(z)):
            return None   # (a full enterprise name at the start was returned above)
        site = self._brand_before_site(item)
        if site:
            return site
        if known:
            # "晶澳科技…": the brand word after a known short name belongs to it
            suf = next((x for x in self.lex.words("industry_terms", "brand_suffix")
                        if item.startswith(x, len(known)) and len(x) <= 2), None)
            return known + suf if suf and len(item) > len(known) + len(suf) else known
        # an industry word + a brand word opening the item is a brand (航天动力|发动机三期)
        terms = self.lex.words("industry_terms", "term")
        lead = next((w for w in terms if item.startswith(w)), None)
        if lead:
            suf = next((x for x in self.lex.words("industry_terms", "brand_suffix")
                        if item.startswith(x, len(lead)) and len(x) == 2), None)
            rest = item[len(lead) + 2:] if suf else ""
            if suf and len(rest) >= 2 and (any(rest.startswith(w) for w in terms)
                                           or re.match(r"[0-9A-Za-z]", rest)
                                           or self._has_head(rest)):
                return lead + suf
        b = self._brand_any_rules(item)
        if b and b.endswith("第") and len(b) >= 3:
            b = b[:-1]
        if b and (any(b.startswith(w) for w in self.lex.words("industry_terms", "brand_reject"))
                  or len(b) < 2):
            return None
        return b

    def _place_like(self, text: str) -> bool:
        """A place written between a brand and its plant: a known place or 1-4 characters
        closed by an administrative suffix (X区, X县, X市, X镇)."""
        if text in self.places or text in self._lex_places():
            return True
        return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,4}[区县市镇旗]", text)) \
            and not any(c in _FUNC for c in text)

    def _brand_before_site(self, item: str) -> str | None:
        """"X汽车Y区工厂二期项目" -> X汽车: a plant word (clusters.tsv facility), optionally
        after a place, ends the brand; the brand must end in an industry or brand word so
        that its own product word is kept (never a shorter prefix).  A named park (X半导体
        Y园区) counts as a place; a city opening the brand (长沙光电Y区基地) belongs to it."""
        facs = self.lex.words("clusters", "facility")
        hits = sorted((k, w) for w in facs for k in [item.find(w, 3)] if k >= 3)
        if not hits:
            return None
        fpos, fac = hits[0]
        pre = item[:fpos]
        parks = ("园区", "工业园", "产业园")
        ends = sorted(set(self.lex.words("industry_terms", "term"))
                      | set(self.lex.words("industry_terms", "brand_suffix")), key=len, reverse=True)
        zones = self.lex.words("project_patterns", "zone")
        sites = set(self.lex.words("industry_terms", "site_term"))
        ends = [w for w in ends if w not in sites]
        terms = self.lex.words("industry_terms", "term")
        not_brand = self.lex.words("industry_terms", "not_brand")

        def site_after(rest: str) -> bool:
            return bool(rest) and (self._place_like(rest) or (
                fac in parks and 2 <= len(rest) <= 3 and all(_is_han(c) for c in rest)
                and not any(c in _FUNC for c in rest) and not any(w in rest for w in ends)))

        def ok(cand: str, head: str, placed: bool) -> bool:
            return all(_is_han(c) for c in cand) and 3 <= len(cand) <= 8 \
                and (placed or (head not in self._lex_places() and head not in self.places)) \
                and not any(c in _FUNC for c in head) \
                and not any(head.endswith(z) for z in zones if z not in ("山", "河", "湖", "村")) \
                and not any(cand.startswith(w) for w in terms) \
                and not any(cand.startswith(w) for w in not_brand)

        # a brand word closes the brand first (X科技|集成电路基地 -> X科技)
        for k in range(3, len(pre) + 1):
            suf = next((w for w in self.lex.words("industry_terms", "brand_suffix")
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

    def _brand_any_rules(self, item: str) -> str | None:
        # "X生物三期项目": a two-character brand + a word that names companies only right after
        # such a brand (industry_terms.tsv short_brand_suffix; not "X生物医药产业园")
        for w in self.lex.words("industry_terms", "short_brand_suffix"):
            head = item[:2]
            if item.startswith(w, 2) and len(item) > 4 + 1 and all(_is_han(c) for c in head) \
                    and not item.startswith(("医药", "制品", "医学", "技术"), 4) \
                    and head not in self._lex_places() and head not in self.places \
                    and not any(head.startswith(x) for x in self.lex.words("industry_terms", "term")) \
                    and not any(c in _FUNC for c in head):
                return item[:2 + len(w)]
        b = self._brand_terms(item)
        terms = self.lex.words("industry_terms", "term")
        hit = any(item.find(w, 2) >= 2 for w in terms) or re.search(r"[0-9０-９]", item[2:])
        # a brand closed by a brand word (X通矿业|选矿三期), preferred over a longer cut
        # at a later industry term (X和煤业|焦炉煤气制氢二期)
        for suf in self.lex.words("industry_terms", "brand_suffix"):
            k = item.find(suf, 2)
            if 2 <= k <= 4 and len(item) - k - len(suf) >= 2 and all(_is_han(c) for c in item[:k]):
                cand = item[:k + len(suf)]
                head = cand[:k]
                # a place or zone before the brand word ("X区食品产业园") is no brand; natural
                # features (山, 河) do name enterprises
                if head not in self._lex_places() and not any(c in "的了是在将把被与及对为由向" for c in head) \
                        and not any(head.endswith(z) for z in self.lex.words("project_patterns", "zone")
                                    if z not in ("山", "河", "湖", "村")) \
                        and (b is None or not hit or len(b) > len(cand)
                             or (len(b) == 2 and cand == b + suf)):
                    return cand
        if b is None or not hit:
            # two characters before a product word
            c = self._brand_char(item)
            if c and (b is None or b.startswith(c)):
                return c
        return b

    def _enterprise_class(self, name: str) -> bool:
        """"规上工业企业", "专精特新企业": a class of enterprises, not one enterprise."""
        words = self.lex.words("clusters", "enterprise_class")
        if re.search("(?:公司|集团|股份)$", name):
            return False
        return any(name.endswith(w) or name.startswith(w) for w in words)

    def _enterprises_in(self, s0: int, s1: int) -> list[tuple[int, int, str]]:
        """Enterprises named in [s0, s1): model organisations cut at their enterprise suffix
        (…有限公司入选… -> …有限公司), names ending in an enterprise suffix, A、B等企业 lists."""
        t = self.t
        out: dict[tuple[int, int], str] = {}
        for a, b, typ, _sub, x in self.ner_v:
            if typ != "Organization" or not (s0 <= a and b <= s1):
                continue
            em = self._ENTERPRISE_END.match(x)
            cut = em.end() if em else None
            # "A有限公司宁州分公司（A宁州工厂）": the branch is the enterprise named
            bm = re.match(rf"[{_HAN}]{{2,6}}?(?:分公司|子公司|分厂)", x[cut:]) if cut else None
            if bm:
                cut += bm.end()
            if cut and not any(c in _HARD and c not in "()（）" for c in x[:cut]):
                h = self._class_head_end(x[:cut])
                out[(a + h, a + cut)] = x[h:cut]
            # "A汽车宁州基地、B有限公司产能持续释放": a plant the model names as an enterprise,
            # listed where a clause or a list item starts, stands for its enterprise
            elif not cut and 5 <= len(x) <= 16 and (_sub == "enterprise" or (
                    # listed before a company named in full: a plant, whatever subtype the model gives
                    _sub == "other" and t[b:b + 1] == "、"
                    and self._ENTERPRISE_END.search(re.split("[,，。;；!?！？\n]", t[b + 1:s1], maxsplit=1)[0]))) \
                    and x.endswith(tuple(self.lex.words("clusters", "facility"))) \
                    and (a == s0 or t[a - 1] in "，,。；;：:、\n") \
                    and not t.startswith(("项目", "工程", "二期", "三期", "扩能", "扩建"), b) \
                    and all(_is_han(c) for c in x):
                out[(a, b)] = x
        tails = self.lex.words("clusters", "enterprise_tail")
        mverbs = sorted(set(self.lex.words("clusters", "member_verb"))
                        | set(self.lex.words("project_patterns", "build_verb"))
                        | set(self.lex.words("clusters", "subject_verb"))
                        | set(self.lex.words("clusters", "clause_adverb")), key=len, reverse=True)
        # company names the model missed: a list item ending in 公司/集团, after the last verb
        for m in re.finditer(r"[^、,，;；:：。!?！？\s]{2,36}?(?:公司|集团)(?![)）有股])", t[s0:s1]):
            seg, start = m.group(0), s0 + m.start()
            cut = 0
            for v in mverbs + list(_NAME_STOP) + ["由"]:
                k = seg.rfind(v)
                if k >= 0:
                    cut = max(cut, k + len(v))
            cut = max(cut, self._class_head_end(seg))
            bm = re.compile(rf"[{_HAN}]{{2,6}}?(?:分公司|子公司|分厂)").match(t, start + len(seg), s1)
            if bm:       # "A有限公司宁州分公司": the branch
                seg = seg + bm.group(0)
            name = seg[cut:]
            if 4 <= len(name) and all(_is_han(c) or c in "()（）" for c in name) \
                    and not any(a <= start + cut and start + len(seg) <= b for (a, b) in out):
                out.setdefault((start + cut, start + len(seg)), name)
        # "重点企业有A、B、C等" / "龙头企业包括：A、B": the items up to the clause end
        for hm in (m for rx in self.lex.patterns("clusters", "enterprise_head_rx")
                   for m in rx.finditer(t, s0, s1)):
            k = hm.end()
            cm = re.compile(r"[,，。;；!?！？\n]").search(t, k, s1)
            body = t[k:cm.start() if cm else s1]
            body = re.sub(r"等(?:[\u4e00-\u9fff]{0,4}(?:企业|公司))?$", "", body)
            for s_, it in _list_items(body, k):
                # "A股份有限公司（A）": the full name without its bracketed short form
                it = re.sub(r"(?<=公司|集团)[（(][^（）()]{2,8}[）)]$", "", it)
                trade = self._is_trade(it)
                # the head says these are enterprises: the model's place tag does not overrule it
                if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                        and not re.search(r"[0-9]", it) and not self._is_place_by_form(it) \
                        and not self._enterprise_class(it) and not self._has_head(it):
                    out.setdefault((s_, s_ + len(it)), it)
        # "以A、B为龙头" / "聚焦A、B，": names written without suffix, where they look like names
        for fm in (m for rx in self.lex.patterns("clusters", "enterprise_frame_rx")
                   for m in rx.finditer(t, s0, s1)):
            for s_, it in _list_items(fm.group("names"), fm.start("names")):
                it = re.sub(r"(?<=公司|集团)[（(][^（）()]{2,8}[）)]$", "", re.sub(r"等$", "", it))
                # "支持A、B合肥基地扩大产能": a predicate after the list is read elsewhere
                if "等" in it or any(v in it for v in self.lex.words("clusters", "capacity_verb")):
                    continue
                trade = self._is_trade(it)
                if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                        and all(_is_han(c) or c in "()（）" for c in it) \
                        and not self._is_place(it) and not self._enterprise_class(it) \
                        and not self._has_head(it) and self._name_like(s_, it):
                    out.setdefault((s_, s_ + len(it)), it)
        tail_rx = [re.escape(x) for x in tails] + [p.pattern for p in
                                                   self.lex.patterns("clusters", "enterprise_tail_rx")]
        if tail_rx:
            rx = re.compile(rf"([^,，。;；:：!?！？\n等]+?)(?:{'|'.join(tail_rx)})")
            for m in rx.finditer(t, s0, s1):
                seg, start = m.group(1), m.start(1)
                cut = 0
                for v in mverbs:
                    k = seg.rfind(v, 0, max(0, seg.find("、")) if "、" in seg else len(seg))
                    if k >= 0:
                        cut = max(cut, k + len(v))
                # "集聚了A、B等企业": the aspect particle after the verb
                if cut and seg[cut:cut + 1] == "了":
                    cut += 1
                pos = start + cut
                for raw in seg[cut:].split("、"):
                    it = raw.strip()
                    # "规上工业企业、专精特新企业等企业" are classes of enterprises, not names
                    # "引进储能电池、正极材料等配套企业": product words name a trade, not a company
                    # (the tail says these are enterprises: a model place tag does not overrule it)
                    trade = self._is_trade(it)
                    if 2 <= len(it) <= 30 and not any(w in it for w in _NAME_STOP) and not trade \
                            and not (self._is_place_by_form(it) and not it.startswith(
                                tuple(self.lex.words("industry_terms", "known_brand")))) \
                            and not self._enterprise_class(it):
                        s = pos + raw.find(it)
                        out.setdefault((s, s + len(it)), it)
                    pos += len(raw) + 1
        # drop spans inside longer ones
        res = []
        for (a, b), x in sorted(out.items(), key=lambda z: (z[0][0], -(z[0][1] - z[0][0]))):
            if res and res[-1][0] <= a and b <= res[-1][1]:
                continue
            res.append((a, b, x))
        return res

    def _class_head_end(self, seg: str) -> int:
        """"链主企业A有限公司", "龙头企业B集团": the end of a class head (clusters.tsv
        enterprise_class + 企业/单位) before a company name of 4+ characters; 0 if none."""
        words = self.lex.words("clusters", "enterprise_class")
        end = 0
        for m in re.finditer("(?:" + "|".join(map(re.escape, words)) + ")(?:企业|单位)", seg):
            # "中小企业服务有限公司" is one name
            if len(seg) - m.end() >= 4 and not seg.startswith(
                    ("服务", "管理", "发展", "投资", "咨询", "孵化", "信用", "融资", "担保"), m.end()):
                end = m.end()
        return end

    def _name_like(self, s: int, item: str) -> bool:
        """An item written without an enterprise suffix that looks like an enterprise name: a
        model organisation, a brand-word ending (X科技, X制药), a known brand, or the start of a
        project or company named elsewhere in the document (A of "A二期项目")."""
        e = s + len(item)
        if any(typ == "Organization" and a <= s and e <= b for a, b, typ, _s, _x in self.ner_v):
            return True
        ends = self.lex.words("industry_terms", "brand_suffix") + self.lex.words("industry_terms", "short_brand_suffix")
        if any(item.endswith(w) and len(item) > len(w) for w in ends) \
                or item.startswith(tuple(self.lex.words("industry_terms", "known_brand"))):
            return True
        return len(item) >= 2 and any(
            m.start() != s and re.match(rf"[{_HAN}0-9A-Za-z]{{0,20}}?(?:项目|工程|公司|集团)", self.t[m.end():m.end() + 24])
            for m in re.finditer(re.escape(item), self.t))

    def _generic_project(self, item: str) -> bool:
        """"重点项目", "更多项目", "一批重大工程": a generic word and a head name no project."""
        body = re.sub("(?:项目|工程|項目)$", "", item)
        return body != item and (not body or body in self.lex.words("project_patterns", "generic")
                                 or body.startswith(tuple(self.lex.words("project_patterns",
                                                                         "generic_start")))
                                 or any(rx.search(body) for rx in self.lex.patterns("project_patterns",
                                                                                    "generic_rx")))

    def subject_projects(self) -> None:
        """Project mentions outside cluster scopes (after in_cluster, so they add no members): a
        "…项目" that is the subject of its clause before a progress word ("A二期项目已完成设备
        调试", "目前，B中心项目主体封顶") or the object of a visit verb ("察看了C产业化项目建设
        进展").  The name starts after an enterprise written before it (A有限公司X项目)."""
        t = self.t
        adverbs = sorted(set(self.lex.words("clusters", "clause_adverb"))
                         | set(self.lex.words("clusters", "subject_adverb")), key=len, reverse=True)
        verbs = tuple(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("clusters", "member_verb")))
        progress = r"(?:已|正|将|也|于|均|完成|进入|开工|投产|建成|主体|顺利|全面|预计|总投资|计划|目前|上线|落地|封顶)"
        name_rx = rf"[{_HAN}A-Za-z0-9]{{4,30}}?项目"
        found = []
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t):
            k, ce = cm.start(), cm.end()
            moved = True
            while moved:
                moved = False
                for w in adverbs:
                    if t.startswith(w, k) and k + len(w) < ce:
                        k += len(w)
                        moved = True
                        break
            m = re.compile(name_rx + f"(?={progress})").match(t, k, ce)
            if m:
                found.append((m.start(), m.end()))
        for m in re.finditer(rf"(?:察看|查看|考察|参观|视察|走访)了?({name_rx})(?=建设|进展|现场|情况|[,，。])", t):
            found.append((m.start(1), m.end(1)))
        for s0, e0 in found:
            name = t[s0:e0]
            em = _OWNED_PROJECT.match(name)
            if em and len(em.group(3)) >= 6:
                s0 += len(name) - len(em.group(3))
                name = em.group(3)
            if name.startswith(verbs) or any(w in name for w in _NAME_STOP) or self._generic_project(name) \
                    or "公司" in name or self._is_place(name[:-2]) or name[0].isdigit() \
                    or name[:-2] in self.lex.words("project_patterns", "head") \
                    or any(a < e0 and s0 < b for (a, b) in self.projects):
                continue
            self.projects[(s0, e0)] = name

    def _written_heads(self, lists):
        """"推动X产业园项目投产": a list item cut before the 项目 written right after it
        takes it (the project is named as written, one project, not two)."""
        t = self.t
        out = []
        for pos, projects, enterprises in lists:
            fixed = []
            for s, e, name in projects:
                if t.startswith("项目", e) and not name.endswith(("项目", "工程")) \
                        and self._has_head(name) and (s, e) in self.projects:
                    del self.projects[(s, e)]
                    self.projects.setdefault((s, e + 2), name + "项目")
                    e, name = e + 2, name + "项目"
                fixed.append((s, e, name))
            out.append((pos, fixed, enterprises))
        return out
