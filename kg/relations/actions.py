"""Actions and who leads them: action names from the action patterns and bare action names
(「」 quotes, noun phrases ending with an action suffix in a sentence that says who leads), and
``leads_action`` from 牵头 statements (co-leads, co-actions, 分别) and interview framing.
"""

from __future__ import annotations

import re

from ..model import Arg
from .base import _HAN, _HARD, _NAME_STOP, _is_han



class ActionsMixin:
    """Action and leads_action stage of :class:`kg.relations.extractor._Extractor` (uses the
    state and helpers of :class:`kg.relations.base.ExtractorBase`)."""

    def _action_ok(self, name: str) -> bool:
        bare = name.replace("“", "").replace("”", "").replace("‘", "").replace("’", "")
        suffix = next((s for s in self.lex.words("action_patterns", "suffix") if bare.endswith(s)),
                      None)
        if suffix is None:
            return False
        body = bare[: -len(suffix)]
        if len(body) < 2 or body in self.lex.words("action_patterns", "generic_body"):
            return False
        if any(body.startswith(q) for q in self.lex.words("action_patterns", "quantifier")):
            return False
        outside = re.sub("[“‘][^”’]*[”’]", "", name)
        # "家电以旧换新等系列促销活动": a class of activities, no name
        if re.search("等(?:系列|一系列|各类|多项|专项)", body):
            return False
        if any(w in body for w in _NAME_STOP) or "、" in outside \
                or any(w in outside for w in ("和", "与", "及")):
            return False
        return True

    def _is_infra(self, name: str) -> bool:
        bare = re.sub("[“”‘’\"]", "", name)
        return any(rx.search(bare) for rx in self.lex.patterns("project_patterns", "infra_cue"))

    def _add_action(self, s: int, e: int, source: str) -> None:
        # "深化“X”活动": a verb right before the opening quote is no part of the name
        q = next((k for k in range(s, e) if self.t[k] in "“「『\""), None)
        v = next((w for w in self.lex.words("action_patterns", "quote_verb")
                  if q is not None and q - len(w) >= s and self.t.startswith(w, q - len(w))), None)
        if v:
            s = q
        name = self.t[s:e]
        if self._is_infra(name):
            self.projects.setdefault((s, e), name)
            return
        for (a, b) in list(self.actions):
            if a <= s and e <= b:
                return
            if s <= a and b <= e:
                del self.actions[(a, b)]
        self.actions[(s, e)] = name

    def actions_grammar(self) -> None:
        t = self.t
        sufs = self.lex.words("action_patterns", "suffix")
        suf_rx = "|".join(re.escape(s) for s in sufs)
        # quoted names: “温暖工程”, “三北”工程, “强基”行动
        umb = self.lex.patterns("action_patterns", "umbrella")
        for m in re.finditer(r"[“\"‘]([^“”‘’\"\n]{1,24})[”\"’]", t):
            inner = m.group(1)
            if any(inner.endswith(s) for s in sufs):
                if self._action_ok(inner) or any(rx.search(inner) for rx in umb):
                    self._add_action(m.start(), m.end(), "quoted")
                continue
            after = re.match(f"(?:{suf_rx})", t[m.end():])
            if after and len(inner) >= 2:
                start = m.start()
                if not _is_han(inner[0]):
                    # 优化营商环境“4.0”行动: the words before the quote belong to the name
                    j = start
                    while j > 0 and _is_han(t[j - 1]) and start - j < 10:
                        j -= 1
                    pre = t[j:start]
                    for v in sorted(self.lex.words("action_patterns", "intro_verb"), key=len):
                        k = pre.rfind(v)
                        if k >= 0:
                            pre = pre[k + len(v):]
                    start = start - len(pre)
                self._add_action(start, m.end() + after.end(), "quoted")
        # umbrella names without quotes: 六个行动, 六大行动
        for rx in self.lex.patterns("action_patterns", "umbrella"):
            body = rx.pattern.lstrip("^")
            for m in re.finditer(f"(?:{body})(?:{suf_rx})", t):
                self._add_action(m.start(), m.end(), "umbrella")
        # verb-introduced names: 实施城市精细化管理行动
        verbs = self.lex.words("action_patterns", "intro_verb")
        vrx = re.compile(f"(?:{'|'.join(re.escape(v) for v in verbs)})"
                         f"([{_HAN}0-9A-Za-z“”.]{{2,22}}?(?:{suf_rx}))")
        for m in vrx.finditer(t):
            s, e = m.start(1), m.end(1)
            name = t[s:e]
            # "围绕如何全面深入推进“六大行动”": the name starts after the last verb in it
            inner = max(((name.rfind(v) + len(v)) for v in verbs if name.rfind(v) >= 0),
                        default=0)
            if inner:
                s += inner
                name = t[s:e]
            # strip a leading city / place prefix ("呼和浩特市助企行动")
            if self._action_ok(name):
                self._add_action(s, e, "intro_verb")
        # known national campaigns
        for w in self.lex.words("action_patterns", "known"):
            for m in re.finditer(re.escape(w), t):
                self._add_action(m.start(), m.end(), "lexicon")
        # every other occurrence of an action named in this document
        names = {self._bare(n) for n in self.actions.values()}
        for n in sorted(names, key=len, reverse=True):
            if len(n) < 4:
                continue
            for m in re.finditer(re.escape(n), t):
                if not any(a <= m.start() < b for (a, b) in self.actions):
                    self.actions[(m.start(), m.end())] = n

    # ------------------------------------------------------------------ leads_action
    def _orgs_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        out = [(a, b, x[0]) for (a, b), x in self.orgs.items() if s <= a and b <= e]
        for a, b, typ, _sub, x in self.ner_v:
            # an agency is a named body: the model's span must end like an organisation
            if typ == "Organization" and s <= a and b <= e and not any(c in _HARD for c in x) \
                    and (self.lex.ends_with_org_suffix(x) or self._abbr_match(x)):
                out.append((a, b, x))
        # drop spans inside longer ones
        out.sort(key=lambda z: (z[0], -(z[1] - z[0])))
        res = []
        for z in out:
            if res and res[-1][0] <= z[0] and z[1] <= res[-1][1]:
                continue
            res.append(z)
        return res

    def _actions_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        return sorted((a, b, n) for (a, b), n in self.actions.items() if s <= a and b <= e)

    def _umbrella(self, name: str) -> bool:
        # "“三个一批”项目建设活动": a quoted numeral slogan followed by its own head word names
        # one campaign ("“六个行动”" alone stays an umbrella)
        qm = re.match(r"^\s*[“「『\"]([^”」』\"]+)[”」』\"](.+)$", name)
        if qm and qm.group(2).strip() and not any(
                qm.group(1).endswith(x) for x in self.lex.words("action_patterns", "suffix")):
            return False
        bare = self._bare(name)
        return any(rx.search(bare) for rx in self.lex.patterns("action_patterns", "umbrella"))

    def leads(self) -> None:
        t = self.t
        cues = self.lex.words("action_patterns", "lead_cue")
        crx = re.compile("|".join(re.escape(c) for c in cues))
        done: set[tuple[str, str]] = set()

        def emit(org: str, act: tuple[int, int, str], span: tuple[int, int], ex: str, c: float):
            key = (org, self._bare(act[2]))
            if key in done:
                return
            done.add(key)
            args = {"agency": Arg(org, "Organization", self.lex.org_subtype(org)),
                    "action": Arg(act[2], "Action")}
            self._fact("leads_action", args, span, ex, c)

        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            for cm in crx.finditer(t, ss, se):
                pairs = self._respectively(ss, se, cm.start())
                if pairs:
                    for o, a in pairs:
                        emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)
                    continue
                picked = self._lead_pick(ss, se, cm.start(), cm.end())
                if picked is None:
                    continue
                org, act = picked
                if org is None:
                    # "作为X的牵头部门，我们将…" inside an interview: the interviewee's department
                    iorg = self._interview_org_before(cm.start())
                    if iorg:
                        # "我局将牵头实施A和B": every joined action
                        for a in self._co_actions(act, ss, se):
                            emit(iorg, a, (a[0], a[1]), "interview_frame", 0.7)
                    continue
                for o in self._co_leads(org):
                    # the action may stand in the sentence before (一、实施A和B。由C牵头…)
                    lo = ss if act[0] >= ss else max(t.rfind("\n", 0, act[0]) + 1, act[0] - 120)
                    for a in self._co_actions(act, lo, se):
                        emit(o[2], a, (min(o[0], a[0]), max(o[1], a[1])), "lead_cue", 0.9)

        # interview framing
        lead_sufs = self.lex.words("action_patterns", "lead_suffix")
        verbs = self.lex.words("action_patterns", "intro_verb")
        heads = [c for c in self.chains if c.interview]
        for i, ch in enumerate(heads):
            org = next((o for o, k, _t in ch.elements if k == "org"), None)
            if org is None:
                continue
            # the section starts at the headline line before the interview header
            line_start = t.rfind("\n", 0, ch.start) + 1
            prev_line_start = t.rfind("\n", 0, max(0, line_start - 1)) + 1
            headline = t[prev_line_start:line_start].strip()
            sec_start = prev_line_start if (headline and len(headline) <= 40
                                            and not re.search(r"[。!！?？]$", headline)) \
                else line_start
            if i + 1 < len(heads):
                nxt = heads[i + 1].start
                nl = t.rfind("\n", 0, nxt) + 1
                pl = t.rfind("\n", 0, max(0, nl - 1)) + 1
                sec_end = pl if pl > sec_start else nl
            else:
                sec_end = len(t)
            for a in self._actions_in(sec_start, sec_end):
                bare = self._bare(a[2])
                if self._umbrella(a[2]) or not any(bare.endswith(s) for s in lead_sufs):
                    continue
                in_headline = a[0] < line_start
                pre = t[max(sec_start, a[0] - 8):a[0]]
                introduced = any(pre.endswith(v) for v in verbs)
                if in_headline or introduced:
                    emit(org, a, (a[0], a[1]), "interview_frame", 0.7)
                    # "实施A行动和B工程": the actions joined to an introduced one
                    if introduced:
                        for a2 in self._co_actions(a, a[0], min(sec_end, a[1] + 60)):
                            if any(self._bare(a2[2]).endswith(x) for x in lead_sufs):
                                emit(org, a2, (a2[0], a2[1]), "interview_frame", 0.7)

    def actions_bare(self) -> None:
        """Action names the verb/quote rules miss: 「保就业」行动, “技能X”培训行动, and bare
        noun phrases ending with an action suffix in a sentence that says who leads
        (产业链招商行动由市商务局牵头, 作为质量强市行动的牵头部门)."""
        t = self.t
        sufs = sorted(self.lex.words("action_patterns", "suffix"), key=len, reverse=True)
        suf_rx = "|".join(re.escape(s) for s in sufs)
        # quoted core (any quote style) with up to four words between the quote and the suffix
        for m in re.finditer(rf"[“「『‘\"]([^“”「」『』‘’\"\n]{{2,16}})[”」』’\"]([{_HAN}]{{0,4}}?)"
                             rf"(?:{suf_rx})", t):
            s, e = m.start(), m.end()
            if any(a <= s and e <= b for a, b in self.actions):
                continue
            # "“十五五”时期重大工程": a period or a generic word between quote and suffix
            infix = m.group(2)
            if re.search("时期|期间|以来|重大|重点|相关|有关|各项|系列|这|该|等", infix) \
                    or infix in self.lex.words("action_patterns", "generic_body"):
                continue
            if self._action_ok(self._strip_quotes(t[s:e])):
                self._add_action(s, e, "quoted")
        # names found elsewhere that start with a year or a scope word ("2025年…", "全市…")
        for (s0, e0), n in sorted(self.actions.items()):
            m0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区|今年|明年)+",
                          t[s0:e0])
            if m0 and len(self._strip_quotes(t[s0 + m0.end():e0])) >= 4 \
                    and self._action_ok(self._strip_quotes(t[s0 + m0.end():e0])):
                del self.actions[(s0, e0)]
                self.actions[(s0 + m0.end(), e0)] = t[s0 + m0.end():e0]
        cues = self.lex.words("action_patterns", "lead_cue")
        cut_words = sorted(set(self.lex.words("action_patterns", "bare_cut"))
                           | set(self.lex.words("action_patterns", "intro_verb")) | set(cues)
                           | set(self.lex.words("action_patterns", "lead_object_verb")),
                           key=len, reverse=True)
        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            if not any(c in t[ss:se] for c in cues):
                continue
            for m in re.finditer(f"(?:{suf_rx})", t[ss:se]):
                e = ss + m.end()
                j = ss + m.start()
                while j > ss and (_is_han(t[j - 1]) or t[j - 1] in "“”「」0123456789") \
                        and ss + m.start() - j < 24:
                    j -= 1
                # a leading year is not part of the name ("2025年…行动")
                ym = re.match(r"[0-9]{2,4}年度?", t[j:ss + m.start()])
                if ym:
                    j += ym.end()
                while j < ss + m.start() and t[j].isdigit():
                    j += 1
                body = t[j:ss + m.start()]
                cut = 0
                for w in cut_words:
                    k = body.rfind(w)
                    if k >= 0:
                        cut = max(cut, k + len(w))
                # "A行动和B行动": the second name starts after the conjunction
                for cm2 in re.finditer(f"(?:{suf_rx})(?:以及|和|及|与|、)", body):
                    cut = max(cut, cm2.end())
                s = j + cut
                pm0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区)+", t[s:e])
                if pm0:
                    s += pm0.end()
                name = t[s:e]
                if len(self._strip_quotes(name)) < 4 or any(
                        (a <= s < b or a < e <= b) and not (s <= a and b <= e)
                        for a, b in self.actions):
                    continue
                # "要以“X”行动为抓手，由B牵头": a quoted name found already is the whole name;
                # the words before its quote are the sentence's, not the name's
                if any(b == e and s < a and t[a] in "“「『‘\"" for a, b in self.actions):
                    continue
                # an organisation or place at the start is the owner, not the name
                if self.lex.ends_with_org_suffix(t[s:e - 1]) or any(
                        a <= s < b for a, b in self.orgs):
                    continue
                if self._action_ok(self._strip_quotes(name)) and not self._is_place(name):
                    self._add_action(s, e, "bare")
        # a quoted name with words on both sides in a 牵头 sentence: 数字经济“一号工程”升级版由
        # Y牵头 -> the whole phrase (the words before start after a verb or clause boundary)
        for sm in re.finditer(r"[^。！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            if not any(c in t[ss:se] for c in cues):
                continue
            for (a, b) in sorted(k for k in self.actions if ss <= k[0] and k[1] <= se):
                if t[a] not in "“「『‘\"" or t[b - 1] not in "”」』’\"":
                    continue
                rm = re.match(rf"[{_HAN}0-9.]{{1,6}}?(?=由|牵头)", t[b:se])
                if not rm:
                    continue
                j = a
                while j > ss and _is_han(t[j - 1]) and a - j < 8:
                    j -= 1
                body = t[j:a]
                cut = 0
                for w in cut_words:
                    k = body.rfind(w)
                    if k >= 0:
                        cut = max(cut, k + len(w))
                pm0 = re.match(r"(?:[0-9]{2,4}年度?|全市|全区|全省|全盟|全旗|全县|我市|本市|我区|本区)+",
                               body[cut:])
                if pm0:
                    cut += pm0.end()
                s0 = j + cut
                if any(a2 <= s0 < b2 for a2, b2 in self.orgs) or self._is_place(t[s0:a]) \
                        or s0 >= a or rm.group(0)[-1] in "各的等和及与":
                    continue
                del self.actions[(a, b)]
                self.actions[(s0, b + rm.end())] = t[s0:b + rm.end()]
        # every other occurrence of the names found here
        names = {self._bare(n) for n in self.actions.values()}
        for n in sorted(names, key=len, reverse=True):
            if len(n) < 4:
                continue
            for m in re.finditer(re.escape(n), t):
                if not any(a <= m.start() < b or a < m.end() <= b for (a, b) in self.actions):
                    self.actions[(m.start(), m.end())] = n

    def _co_actions(self, act, ss: int, se: int) -> list:
        """The action and those joined to it (牵头实施A和B / A、B由C牵头)."""
        t = self.t
        acts = [a for a in self._actions_in(ss, se) if not self._umbrella(a[2])]
        out = [act]
        for step in (-1, 1):
            cur = act
            while True:
                if step < 0:
                    nxt = [a for a in acts if a[1] <= cur[0] and re.fullmatch(r"(?:、|和|及|与|以及)", t[a[1]:cur[0]])]
                else:
                    nxt = [a for a in acts if a[0] >= cur[1] and re.fullmatch(r"(?:、|和|及|与|以及)", t[cur[1]:a[0]])]
                if not nxt:
                    break
                cur = nxt[-1] if step < 0 else nxt[0]
                out.append(cur)
        return sorted(out)

    def _co_leads(self, org: tuple[int, int, str]) -> list[tuple[int, int, str]]:
        """The agency and those joined to it before the cue (由A、B牵头 / A会同B牵头)."""
        t = self.t
        orgs = self._orgs_in(max(0, org[0] - 80), org[1])
        out = [org]
        cur = org
        while True:
            prev = [o for o in orgs if o[1] < cur[0] and re.fullmatch(r"(?:、|和|与|及|会同)",
                                                                     t[o[1]:cur[0]])]
            if not prev:
                break
            cur = prev[-1]
            out.insert(0, cur)
        return out

    def _interview_org_before(self, pos: int) -> str | None:
        heads = [c for c in self.chains if c.interview and c.start < pos]
        if not heads:
            return None
        return next((o for o, k, _t in heads[-1].elements if k == "org"), None)

    def _respectively(self, ss: int, se: int, cs: int):
        """"A、B分别由C、D牵头": pairs in order."""
        t = self.t
        k = t.rfind("分别由", ss, cs)
        if k < 0:
            return []
        acts = [a for a in self._actions_in(ss, k) if not self._umbrella(a[2])]
        orgs = self._orgs_in(k + 3, cs)
        cl = max(t.rfind(c, ss, k) for c in ",，;；") + 1
        acts = [a for a in acts if a[0] >= max(cl, ss)]
        if len(acts) >= 2 and len(acts) == len(orgs):
            return list(zip(orgs, acts))
        return []

    def _lead_pick(self, ss: int, se: int, cs: int, ce: int):
        """(agency, action) for the 牵头 cue at [cs, ce) of sentence [ss, se), clause-aware:
        the action in the cue's clause (A由B牵头, B牵头实施A, 作为A的牵头部门), else the last
        one before it in the ；-segment (实施A，由B牵头抓总; A，B牵头，C配合); the agency before the
        cue in its clause, else after it (牵头单位为B), else the one that opens the next clause
        (作为A的牵头部门，B将…).  Agencies in a 配合 clause never lead."""
        t = self.t
        acts = [a for a in self._actions_in(ss, se) if not self._umbrella(a[2])]
        orgs = self._orgs_in(ss, se)
        sufs = "|".join(re.escape(x) for x in self.lex.words("action_patterns", "suffix"))
        anaphora = re.search(f"(?:该|此项|这项|这一|上述|此次|本次|这次)(?:{sufs})", t[ss:cs])
        # "此次行动由B牵头，…开展A等系列活动": the anaphor before the cue names the action, not a
        # name after the cue
        if anaphora and not any(ss + anaphora.end() <= a[0] and a[1] <= cs for a in acts):
            acts = [a for a in acts if a[1] <= ss + anaphora.start()]
        if not acts and orgs:
            # "该行动由B牵头" / a "牵头单位：B" line under the action's line: the last action of
            # the text just before
            label = re.match(r"\s*[:：为是]", t[ce:ce + 2])
            # "一、实施A行动。由B牵头抓总，C、D按职责分工负责。": a sentence that opens with
            # 由B牵头 leads the action named in the sentence before it (same item / line)
            opener = re.match(r"\s*(?:并|均|统一|具体|该项工作|此项工作)?由", t[ss:cs])
            if opener:
                ps = max([t.rfind(c, 0, max(0, ss - 1)) for c in "。！？!?\n"] + [-1]) + 1
                prev = [a for a in self._actions_in(ps, ss) if not self._umbrella(a[2])]
                before = [o for o in orgs if o[1] <= cs]
                if prev and before and ss - ps <= 160:
                    return before[-1], prev[-1]
            if anaphora or label:
                prev = [a for a in self._actions_in(max(0, ss - 120), ss) if not self._umbrella(a[2])]
                if prev:
                    act = prev[-1]
                    before = [o for o in orgs if o[1] <= cs]
                    after = [o for o in orgs if o[0] >= ce]
                    org = (after[0] if label and after else (before[-1] if before else None))
                    return org, act
            return None
        if not acts or not orgs:
            return None

        def span_of(pos: int, seps: str) -> tuple[int, int]:
            a = max([t.rfind(c, ss, pos) for c in seps] + [ss - 1]) + 1
            ends = [t.find(c, pos, se) for c in seps]
            b = min([x for x in ends if x >= 0] + [se])
            return a, b

        cl0, cl1 = span_of(cs, "，,；;")
        sg0, sg1 = span_of(cs, "；;")
        assist = self.lex.words("action_patterns", "assist_cue")
        cues = self.lex.words("action_patterns", "lead_cue")

        def assisting(o) -> bool:
            a, b = span_of(o[0], "，,；;")
            seg = t[a:b]
            return any(w in seg for w in assist) and not any(c in seg for c in cues)

        orgs = [o for o in orgs if not assisting(o)]
        in_clause = [a for a in acts if cl0 <= a[0] and a[1] <= cl1]
        if in_clause:
            act = min(in_clause, key=lambda a: min(abs(a[0] - cs), abs(a[1] - cs)))
        else:
            seg_before = [a for a in acts if sg0 <= a[0] and a[1] <= cs]
            seg_any = [a for a in acts if sg0 <= a[0] and a[1] <= sg1]
            if seg_before:
                act = seg_before[-1]
            elif seg_any:
                act = seg_any[0]
            elif len({self._bare(a[2]) for a in acts}) == 1:
                act = acts[0]
            else:
                return None
        orgs = [o for o in orgs if not (act[0] <= o[0] < act[1])]
        if not orgs:
            return None
        zw = t.rfind("作为", cl0, cs)
        if zw >= 0 and zw <= act[0] < cs:
            adj = [o for o in orgs if o[1] <= zw and zw - o[1] <= 1]
            after = [o for o in orgs if o[0] >= ce]
            before = [o for o in orgs if o[1] <= zw]
            if adj:
                return adj[-1], act
            comma = re.compile(r"[,，]").search(t, ce, se)
            if after and comma and 0 <= after[0][0] - comma.end() <= 6:
                return after[0], act
            if self._interview_org_before(cs):
                return None, act        # "…表示，作为X的牵头单位，我们将…": the interviewee's
            return (before[-1] if before else (after[0] if after else None)), act
        before = [o for o in orgs if cl0 <= o[0] and o[1] <= cs]
        after = [o for o in orgs if o[0] >= ce and o[1] <= cl1]
        if before:
            return before[-1], act
        if after:
            return after[0], act
        before_seg = [o for o in orgs if sg0 <= o[0] and o[1] <= cs]
        return (before_seg[-1] if before_seg else None), act
