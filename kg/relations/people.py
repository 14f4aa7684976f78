"""People and posts: bylines, appositive post chains ("市委副书记、市长贺海东") with the
organisation a title carries over from an earlier chain, titles after a name ("习近平总书记"),
listed persons, and whether a model-only person stands like a name.  Facts: ``holds_post``.
"""

from __future__ import annotations

import re

from ..model import Arg
from .base import _Chain, _FUNC, _HAN, _HARD, _is_han


# characters a person name does not start with
_NAME_BAD_FIRST = set("会的和及等们一要将在是了对就把被为与同向从兼任也还都已并其该各本全这那有无不处室部组团院厅局")


class PeopleMixin:
    """Person and post stage of :class:`kg.relations.extractor._Extractor` (uses the state and
    helpers of :class:`kg.relations.base.ExtractorBase`)."""

    def _name_after(self, pos: int) -> tuple[int, int] | None:
        """A person name starting at ``pos`` (after a post title)."""
        t = self.t
        p = pos
        while p < len(t) and t[p] in " \u3000":
            p += 1
        if p >= len(t) or not _is_han(t[p]) or t[p] in _NAME_BAD_FIRST:
            return None
        run_end = p
        while run_end < len(t) and (_is_han(t[run_end]) or t[run_end] == "·") and run_end - p < 12:
            run_end += 1
        followers = self.lex.words("persons", "follower")
        not_person = set(self.lex.words("persons", "not_person"))
        scored: list[tuple[float, tuple[int, int]]] = []
        for k in (2, 3, 4):
            if p + k > run_end:
                break
            rest = t[p + k:run_end]
            name = t[p:p + k]
            if name in not_person or any(c in name for c in "的了是在"):
                continue
            if p + k == run_end:
                scored.append((1.5 if k <= 3 else 0.5, (p, p + k)))
            else:
                # an adverb between the name and its verb ends the name ("陆明|也表示"),
                # better than any cut that swallows it ("陆明也|表示")
                if self._adverb_cut(rest) and not any(name.startswith(f, 2) for f in followers):
                    scored.append((4, (p, p + k)))
                    continue
                f = next((f for f in followers if rest.startswith(f)), None)
                if f:
                    # a longer follower word is the better cut ("李建华|陪同" over "李建华陪|同")
                    scored.append((min(len(f), 3), (p, p + k)))
        cands = [sp for _sc, sp in scored]
        ner = self._ner_at(p, "Person")
        if ner and (t[ner[0]:ner[1]] in not_person or not self._person_supported(t[ner[0]:ner[1]])):
            ner = None
        if scored:
            top = max(sc for sc, _ in scored)
            best = [sp for sc, sp in scored if sc == top]
            pick = ner if ner in best else best[0]
            if top < 2 and pick != ner:
                # a weak cut ("市长热线", "市长信箱"): a name then starts with a common surname
                # or is written elsewhere in the document too
                surnames = set(self.lex.words("persons", "surname"))
                name = t[pick[0]:pick[1]]
                if not (name[0] in surnames or name[:2] in surnames or t.count(name) >= 2):
                    return None
            return pick
        if ner and ner[1] - ner[0] in (2, 3, 4, 5) and not cands:
            return ner
        if ner and 2 <= ner[1] - ner[0] <= 5:
            return ner
        # a name glued to the next words: keep the candidate that recurs in the document
        # followed by a follower word or punctuation ("伊德尔重大项目…" / "伊德尔表示"),
        # only in an interview header ("——访…主任伊德尔")
        if "访" not in t[max(0, pos - 40):pos]:
            return None
        for k in (3, 2, 4):
            if p + k > run_end:
                continue
            name = t[p:p + k]
            for m in re.finditer(re.escape(name), t):
                if m.start() == p:
                    continue
                after = t[m.end():m.end() + 3]
                if after[:1] in _HARD or any(after.startswith(f) for f in followers):
                    return (p, p + k)
        return None

    def _add_person(self, span: tuple[int, int], source: str) -> None:
        if span not in self.persons:
            self.persons[span] = source
            self.person_names.add(self.t[span[0]:span[1]])

    def bylines(self) -> None:
        not_person = set(self.lex.words("persons", "not_person"))
        for kind in ("byline", "bullet", "credit"):
            for rx in self.lex.patterns("persons", kind):
                for m in rx.finditer(self.t):
                    names_start = m.start("names")
                    raw = m.group("names")
                    pos = names_start
                    # which organisation employs the reporter
                    line_start = self.t.rfind("\n", 0, m.start()) + 1
                    before = self.t[line_start:m.start()]
                    org = None
                    wire = re.search(r"([\u4e00-\u9fff]{2,4}社)[\u4e00-\u9fff0-9月日]*电\s*[(（]?$",
                                     before)
                    if wire:
                        org = wire.group(1)
                    elif kind == "byline" and ("本报" in m.group(0) or "本报" in before):
                        org = "本报"
                    elif kind == "byline" and before.strip(" \u3000"):
                        # "X日报记者 张三 李四": the paper the model names right before the title
                        be = line_start + len(before.rstrip(" \u3000"))
                        org = next((x for a, b, typ, _s, x in self.ner_v
                                    if typ == "Organization" and line_start <= a and b == be), None)
                        # a model span that swallowed the title ("X日报记者")
                        org = org or next((self.t[a:m.start()] for a, b, typ, _s, x in self.ner_v
                                           if typ == "Organization" and line_start <= a
                                           and a + 2 <= m.start() < b and b <= m.end()
                                           and be == m.start()), None)
                    title_m = re.search(r"(实习记者|特约记者|首席记者|记者|通讯员)", m.group(0)) \
                        if kind == "byline" else None
                    # more names after spaces up to the line end ("记者 张三 李四"), each
                    # starting with a common surname
                    le = self.t.find("\n", m.end("names"))
                    le = len(self.t) if le < 0 else le
                    extra = self.t[m.end("names"):le]
                    surnames = set(self.lex.words("persons", "surname"))
                    if kind == "byline" and re.fullmatch(r"(?:[ \u3000]+[\u4e00-\u9fff]{2,3})+[ \u3000]*", extra) \
                            and all(x[0] in surnames and x not in self.lex.posts and x not in not_person
                                    and not self.lex.post_suffix(x) for x in extra.split()):
                        raw = raw + extra.rstrip(" \u3000")
                    for part in re.split(r"([、，,]|[ \u3000]+)", raw):
                        if part in ("、", "，", ",") or (part and not part.strip(" \u3000")):
                            pos += len(part)
                            continue
                        s = pos + (len(part) - len(part.lstrip(" \u3000")))
                        name = part.strip(" \u3000")
                        pos += len(part)
                        if name.endswith("摄") and len(name) > 2:
                            name = name[:-1]
                        if not (2 <= len(name) <= 5) or name in not_person or "本报" in name:
                            continue
                        span = (s, s + len(name))
                        self._add_person(span, kind)
                        if title_m and org:
                            args = {
                                "person": Arg(name, "Person"),
                                "post": Arg(title_m.group(1), "Post"),
                                "org": Arg(org, "Organization", "other"),
                            }
                            self._fact("holds_post", args, (m.start(), span[1]), "byline", 0.8)

    def post_chains(self) -> None:
        t = self.t
        for m in self.posts_rx.finditer(t):
            ts, te = m.start(), m.end()
            name = self._name_after(te)
            if name is None:
                continue
            # walk back over the chain elements separated by 、
            elements: list[tuple[int, int, int]] = []   # (element start, title start, title end)
            cur_ts, cur_te = ts, te
            while True:
                estart = cur_ts
                while estart > 0 and t[estart - 1] not in _HARD:
                    # "董事长兼总经理": 兼 after a title separates two elements like 、
                    if t[estart - 1] == "兼" and self.lex.post_suffix(t[max(0, estart - 9):estart - 1]):
                        break
                    estart -= 1
                # the title found by the regex may be the tail of a longer title
                el = t[estart:cur_te]
                title = self.lex.post_suffix(el) or t[cur_ts:cur_te]
                cur_ts = cur_te - len(title)
                ostart = self._org_part_start(estart, cur_ts)
                elements.append((ostart, cur_ts, cur_te))
                if ostart == estart and estart > 0 and t[estart - 1] in "、兼":
                    prev_end = estart - 1
                    prev_el_start = prev_end
                    while prev_el_start > 0 and t[prev_el_start - 1] not in _HARD:
                        if t[prev_el_start - 1] == "兼" and self.lex.post_suffix(
                                t[max(0, prev_el_start - 9):prev_el_start - 1]):
                            break
                        prev_el_start -= 1
                    prev = t[prev_el_start:prev_end]
                    pt = self.lex.post_suffix(prev)
                    if pt:
                        cur_ts, cur_te = prev_end - len(pt), prev_end
                        continue
                break
            elements.reverse()
            # "X的Y": an organisation before 的 owns a title standing alone
            first_os, first_ts, _ = elements[0]
            de_org = None
            if first_os == first_ts and first_os > 0 and t[first_os - 1] == "的":
                j = first_os - 1
                k = j
                while k > 0 and t[k - 1] not in _HARD:
                    k -= 1
                cand = t[self._org_part_start(k, j):j]
                if cand and (self.lex.ends_with_org_suffix(cand) or self._is_place(cand)
                             or self._abbr_match(cand)):
                    de_org = cand
            if any(os_ < ts_ and not self._classify_org(t[os_:ts_]) for os_, ts_, _ in elements) \
                    and not de_org:
                continue
            parsed: list[tuple[str, str, str]] = []
            prev_org: tuple[str, str] | None = None
            for idx, (os_, ts_, te_) in enumerate(elements):
                title = t[ts_:te_]
                info = self.lex.posts[title]
                org_text = t[os_:ts_]
                if idx == 0 and not org_text and de_org:
                    org_text = de_org
                kind = self._classify_org(org_text)
                # "内蒙古自治区党委书记": the party committee belongs to the organisation
                for pre in ("党委", "党工委", "党组"):
                    if kind == "place" and title.startswith(pre) and title[len(pre):] in self.lex.posts:
                        org_text, title = org_text + pre, title[len(pre):]
                        info = self.lex.posts[title]
                        kind = "org"
                        break
                if kind == "place":
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
                    parsed.append((prev_org[0], "inherited", title))
                else:
                    parsed.append(("", "none", title))
            chain_start = elements[0][0]
            # "官渡区委书记A，区委副书记、区长B": a bare 区委 / 区人民政府 takes the district named
            # with its organ earlier in the same sentence
            ss_ = max(t.rfind(c, 0, chain_start) for c in "。！？!?\n") + 1
            named = {}
            # the organisations of earlier chains of the sentence, then of this chain's elements
            orgs_before = [o for ch0 in self.chains if ss_ <= ch0.start < chain_start
                           for o, _k, _t in ch0.elements] + [o for o, _k, _t in parsed]
            # (also a county-level city: "晋江市委副书记、市长B" -> 晋江市人民政府)
            for o in orgs_before:
                om = re.fullmatch(rf"(?:中共)?([{_HAN}]{{1,4}}[区县旗市])(?:委|人民政府|政府)", o or "")
                if om and self._is_place(om.group(1)) and om.group(1)[:-1] not in ("本", "全", "该", "我") \
                        and not any(c in _FUNC for c in om.group(1)):
                    named[om.group(1)[-1]] = om.group(1)
            if named:
                parsed = [(named[o[0]] + o[1:], "org" if k_ in ("implied", "inherited") else k_, tt)
                          if o[:1] in named and re.fullmatch(r"[区县旗市](?:委|人民政府|政府)", o) else (o, k_, tt)
                          for o, k_, tt in parsed]
            # "局党组书记、局长X" (the page's own body) / "副主任X" without organisation: the
            # organisation of the previous chain or of the headline, when the title fits it
            bare = set(self.lex.words("persons", "bare_org"))
            if parsed and all(k == "none" or (o in bare and k != "implied") for o, k, _t in parsed):
                carried = self._carried_org(chain_start, [tt for _o, _k, tt in parsed])
                if carried:
                    parsed = [(carried, "carried", tt) for _o, _k, tt in parsed]
            pre = t[max(0, chain_start - 3):chain_start]
            interview = pre.endswith("访") and ("——" in t[max(0, chain_start - 4):chain_start]
                                               or "—" in pre)
            person = t[name[0]:name[1]]
            # "本报记者专访了X局局长Y" in an article whose answers are labelled "Y：": an interview
            # without a ——访 header
            if not interview and re.search(r"(?:专访|采访|访问)了?$", t[max(0, chain_start - 4):chain_start]) \
                    and re.search(rf"(?m)^[ \t\u3000]*{re.escape(person)}[ \t\u3000]*[:：]", t[name[1]:]):
                interview = True
            if not any(o for o, _k, _t in parsed) and name not in self._ner_spans("Person"):
                continue
            ch = _Chain(chain_start, name[1], person, name[0], parsed, interview)
            self.chains.append(ch)
            self._add_person(name, "post_chain")
            self._mention(ts, te, "Post", None, "post_chain", 0.9)
            # "副主任乙、丙": the title and its organisation hold for every listed name
            names = [name]
            q = name[1]
            while q < len(t) and t[q] == "、":
                seg_end = q + 1
                while seg_end < len(t) and t[seg_end] not in _HARD:
                    seg_end += 1
                if self.posts_rx.search(t, q + 1, seg_end):
                    break
                nx = self._name_after(q + 1)
                if nx is not None and nx[1] - nx[0] >= 3 and t[nx[1] - 1] == "等":
                    nx = (nx[0], nx[1] - 1)     # "乙、丙等参加"
                if nx is None or nx[0] != q + 1 or nx[1] - nx[0] > 4:
                    break
                names.append(nx)
                q = nx[1]
            for nx in names[1:]:
                self._add_person(nx, "post_chain")
            for org_text, kind, title in parsed:
                if not org_text:
                    continue
                conf = {"org": 0.9, "place": 0.85, "implied": 0.85, "inherited": 0.85,
                        "carried": 0.75}[kind]
                for nx in names:
                    args = {"person": Arg(t[nx[0]:nx[1]], "Person"), "post": Arg(title, "Post"),
                            "org": Arg(org_text, "Organization", self.lex.org_subtype(org_text))}
                    self._fact("holds_post", args, (chain_start, nx[1]), "post_chain", conf)
            if elements[0][0] < elements[0][1]:
                os_, ts_, _ = elements[0]
                txt = t[os_:ts_]
                if self._classify_org(txt) == "org":
                    self.orgs.setdefault((os_, ts_), (txt, self.lex.org_subtype(txt)))

    def _title_fits(self, org: str, titles: list[str]) -> bool:
        """persons.tsv title_org: 主任 needs …委员会/办公室/中心, X长 needs an organisation
        ending in X (局长 -> …局); other titles are never carried."""
        compat = {}
        for v in self.lex.words("persons", "title_org"):
            k, _, sufs = v.partition("=")
            compat[k] = tuple(x for x in sufs.split("|") if x)
        for title in titles:
            core = re.sub("^(?:常务副|副|代理)", "", title)
            if core in compat:
                ok = org.endswith(compat[core])
            elif core.endswith("长") and len(core) >= 2:
                ok = org.endswith(core[-2])
            else:
                ok = False
            if not ok:
                return False
        return True

    def _orgs_between(self, a: int, b: int) -> set[str]:
        spans = [(x, y) for x, y, typ, _s, _x in self.ner_v if typ == "Organization"] + list(self.orgs)
        spans += [(ch.start, ch.end) for ch in self.chains
                  if any(k in ("org", "inherited") for _o, k, _t in ch.elements)]
        out = set()
        for x, y in spans:
            if a <= x and y <= b:
                if (x, y) in self.orgs:
                    out.add(self.orgs[(x, y)][0])
                elif any(ch.start == x and ch.end == y for ch in self.chains):
                    ch = next(ch for ch in self.chains if ch.start == x and ch.end == y)
                    out |= {o for o, k, _t in ch.elements if o and k in ("org", "inherited")}
                else:
                    out.add(self.t[x:y])
        return out

    def _org_core(self, name: str) -> str:
        """An organisation's name without its place prefix and with body abbreviations written
        out (西宁市发改委, 市发改委 and 西宁市发展和改革委员会 share one core)."""
        core = re.sub(rf"^[{_HAN}]{{0,8}}?(?:市|县|区|旗|盟|省)(?=[{_HAN}]{{2}})", "", name)
        for ab in sorted(self.lex.abbreviations, key=lambda a: len(a.short), reverse=True):
            if ab.scope == "body" and "{" not in ab.full and core.endswith(ab.short):
                core = core[: -len(ab.short)] + ab.full
                break
        return core

    def _blocking_orgs(self, a: int, b: int, org: str, titles: list[str]) -> set[str]:
        """Organisations named in [a, b) that could hold the titles instead of ``org``: the same
        body written otherwise (市发改委) and bodies the titles do not fit (an enterprise for 副
        局长) block nothing."""
        core = self._org_core(org)
        return {o for o in self._orgs_between(a, b)
                if self._org_core(o) != core and self._title_fits(o, titles)}

    def _carried_org(self, start: int, titles: list[str]) -> str | None:
        """The organisation a title written without one refers to: the previous chain's (same
        paragraph or previous sentence) or the headline's single organisation, never across
        another organisation named in between, and only when the title fits it."""
        t = self.t
        bare = set(self.lex.words("persons", "bare_org"))
        for ch in reversed(self.chains):
            if ch.end > start:
                continue
            gap = t[ch.end:start]
            if "\n" in gap and len(re.findall("[。！？!?]", gap)) > 1:
                break
            org = next((o for o, k, _t in reversed(ch.elements)
                        if o and k in ("org", "inherited") and o not in bare), None)
            if org and self._title_fits(org, titles) and not (
                    self._blocking_orgs(ch.end, start, org, titles) - {org}):
                return org
            break
        # the heading lines: up to three lines before the first one holding a sentence end
        # (a navigation line, the headline, a 来源/date line)
        bounds = sorted(set(self.v.joins) | {m.end() for m in re.finditer("\n", t)})
        hl_end = 0
        for b in bounds[:3]:
            if re.search("[。！？!?]", t[hl_end:b]):
                break
            hl_end = b
        if hl_end == 0:
            return None
        names = {n for n in self._orgs_between(0, hl_end) if n not in bare and len(n) >= 4}
        # a navigation word joined before the headline's organisation ("工作动态X委员会") is the
        # same organisation
        names = {n for n in names if not any(m != n and n.endswith(m) for m in names)}
        # navigation words the model tags (新闻中心) do not hold a 副局长
        names = {n for n in names if self._title_fits(n, titles)}
        if len(names) != 1:
            return None
        org = names.pop()
        if not self._title_fits(org, titles) or (self._blocking_orgs(hl_end, start, org, titles) - {org} - bare):
            return None
        return org

    def _surname_name(self, end: int, lengths=(3, 2)) -> tuple[int, int] | None:
        """A 2-3 character name ending at ``end`` that starts with a common surname."""
        t = self.t
        surnames = set(self.lex.words("persons", "surname"))
        for k in lengths:
            s = end - k
            if s < 0 or not all(_is_han(c) for c in t[s:end]):
                continue
            if t[s] in surnames or t[s:s + 2] in surnames:
                return (s, end)
        return None

    def titles_after_names(self) -> None:
        """"习近平总书记": a title that may follow the name of its holder."""
        titles = [p.title for p in self.lex.posts.values() if p.after_name and p.implied_org]
        if not titles:
            return
        ner_person = {(a, b) for a, b, typ, _s, _x in self.ner_v if typ == "Person"}
        known = set(self.person_names) | {x for _a, _b, typ, _s, x in self.ner_v
                                          if typ == "Person"}
        rx = re.compile("|".join(re.escape(x) for x in sorted(titles, key=len, reverse=True)))
        for m in rx.finditer(self.t):
            ts = m.start()
            span = next(((a, b) for (a, b) in ner_person if b == ts and 2 <= b - a <= 4), None)
            if span is None:
                span = next(((ts - len(n), ts) for n in sorted(known, key=len, reverse=True)
                             if 2 <= len(n) <= 4 and self.t[max(0, ts - len(n)):ts] == n), None)
            if span is None:
                span = self._surname_name(ts)
            if span is None:
                continue
            # the title here must not open a post chain of its own ("总书记习近平")
            name = self.t[span[0]:span[1]]
            if span[0] > 0 and self.t[span[0] - 1] in "、" or name in self.lex.posts:
                continue
            info = self.lex.posts[m.group(0)]
            args = {"person": Arg(name, "Person"), "post": Arg(m.group(0), "Post"),
                    "org": Arg(info.implied_org, "Organization")}
            self._add_person(span, "title_after_name")
            self._fact("holds_post", args, (span[0], m.end()), "title_after_name", 0.85)

    def listed_persons(self) -> None:
        """Names listed with known persons ("石泰峰、李书磊、…沈跃跃出席") and a surname-led
        2-3 character name opening a clause before a reporting verb ("谌贻琴主持大会")."""
        t = self.t
        known = {(a, b) for a, b, typ, _s, _x in self.ner_v if typ == "Person"} | set(self.persons)
        surnames = set(self.lex.words("persons", "surname"))
        verbs = ("主持", "出席", "表示", "指出", "强调", "介绍", "讲话", "参加", "涉嫌")
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
                tail_verb = any(t.startswith(t[last[0]:last[0] + k] + v, last[0])
                                for k in (2, 3) for v in verbs)
                if len(items) >= 3 and len(sur) >= max(3, (2 * len(items) + 2) // 3) \
                        and (after.startswith("等") or tail_verb) \
                        and all(t[a:b] not in self.places and not self.lex.ends_with_org_suffix(t[a:b])
                                for a, b in items):
                    for a, b in sur:
                        self._add_person((a, b), "list")
                    if last not in sur:
                        cand = self._name_after(last[0])
                        if cand and cand[1] <= last[1] and (t[cand[0]] in surnames):
                            self._add_person(cand, "list")
                continue
            for a, b in items:
                if (a, b) in known:
                    continue
                # "副市长李静怡、…": the first item runs into the title before a known name
                if any(kb == b and a < ka for ka, kb in known):
                    continue
                if b - a <= 3:
                    self._add_person((a, b), "list")
                else:
                    cand = self._name_after(a)
                    if cand and cand[1] <= b:
                        self._add_person(cand, "list")
        preceders = "".join(f"|(?<={re.escape(w)})" for w in self.lex.words("persons", "preceder"))
        for m in re.finditer(rf"(?:^|(?<=[。,，;；:：!！?？\n、]){preceders})([{_HAN}]{{2,3}}?)"
                             rf"(?:{'|'.join(verbs)})", t):
            a, b = m.start(1), m.end(1)
            name = t[a:b]
            if (a, b) in known or name[0] not in surnames or name in self.lex.posts:
                continue
            if any(c in name for c in "的了是在和与会市区县局委省国党"):
                continue
            self._add_person((a, b), "reporting_verb")

    def _person_supported(self, name: str) -> bool:
        """:meth:`_person_supported_scan`, once per name and document (it reads only the text
        and the lexicon; each call scans the whole text)."""
        memo = self.__dict__.setdefault("_person_supported_memo", {})
        if name not in memo:
            memo[name] = self._person_supported_scan(name)
        return memo[name]

    def _person_supported_scan(self, name: str) -> bool:
        """Some occurrence of ``name`` has a name's left edge (punctuation, a function word,
        a title, a verb such as 会见) and right edge (punctuation or a follower word).  A name
        that does not start with a common surname needs a title or such a verb before it."""
        t = self.t
        followers = self.lex.word_tuple("persons", "follower")

        def by_last() -> dict[str, list[str]]:
            out: dict[str, list[str]] = {}
            for w in self.lex.words("persons", "preceder") + list(self.lex.posts):
                out.setdefault(w[-1:], []).append(w)
            return out
        # (speed) preceders by last character, once per lexicon: one ending t[:s] ends in t[s-1]
        preceders = self.lex.cached("people.preceders_by_last", by_last)
        surnames = self.lex.word_set("persons", "surname")
        common = name[0] in surnames or name[:2] in surnames
        for m in re.finditer(re.escape(name), t):
            s, e = m.start(), m.end()
            left = t[s - 1] if s > 0 else ""
            titled = s > 0 and any(t.endswith(w, 0, s) for w in preceders.get(t[s - 1], ()))
            # after 的 (的殷切希望) or opening a quoted title (“钟鸣盛世——…”) a word is no name
            left_ok = titled or (common and (not left or not _is_han(left) or left in _FUNC)
                                 and left != "的" and left not in "“「《『‘")
            right = t[e:e + 4]
            right_ok = not right or not _is_han(right[0]) \
                or any(right.startswith(f) for f in followers)
            if left_ok and right_ok:
                return True
        return False
