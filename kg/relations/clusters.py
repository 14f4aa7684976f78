"""Clusters and ``in_cluster``: cluster names (``clusters_grammar``), cluster sections whose
project lists are the cluster's members (``in_cluster``), and text scoped to one cluster
(``cluster_scopes``: clauses opened by a cluster, clusters as subject or topic, interview
questions, anaphors such as 这个集群) with the projects and enterprises such a scope names.
"""

from __future__ import annotations

import re

from ..model import Arg
from .base import _FUNC, _HAN, _NAME_STOP, _OWNED_PROJECT, _is_han


# the next item of an enumeration after a clause end ("。二是", "；其三，", "。第四，")
# the end of a project list clause: an optional "等(一批)重点项目", an optional modal / pace
# adverb (将陆续, 已相继), then the build verb ("A项目、B项目等重点项目将陆续建成")
_PROJECT_LIST_TAIL_BODY = (r"(?:等(?:一批|一系列)?(?:重点|重大)?(?:项目|工程)|项目群)?(?:将|已|正)?(?:陆续|相继|加快|全面)?"
                           r"(?:建成投产|开工建设|投产|开工|落地|建成|建设|扩能升级)")
_PROJECT_LIST_TAIL = re.compile(_PROJECT_LIST_TAIL_BODY + "$")
_PROJECT_LIST_TAIL_OPT = re.compile(f"(?:{_PROJECT_LIST_TAIL_BODY})?$")

# what may stand before a cluster that is its paragraph's topic (see _paragraph_topic)
_TOPIC_PRE = re.compile(rf"(?:(?:[{_HAN}]{{1,6}}[省市县区州盟旗]|[{_HAN}]{{2,4}}(?=[的则]))"
                        rf"(?:的|则|也|还)?(?:聚焦|把|将|围绕|依托)?)?")

_ENUM_OPEN = r"^\s*(?:[一二三四五六七八九十]+[是、]|其[一二三四五六七八九十][,，、]?|第[一二三四五六七八九十][,，、]|首先[,，]?|其次[,，]?|再次[,，]?|最后[,，]?|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、])"


_ENUM_NEXT = re.compile(r"[。；;！？!?]\s*(?:[二三四五六七八九十]是|其[二三四五六七八九十][,，、]?|第[二三四五六七八九十][,，、])")


# a count before a cluster word: "三大产业集群", "28条重点产业链", "一条产业链" (group 2: the classifier)
_COUNT = re.compile(r"([0-9]+|[一二两三四五六七八九十几多数]+)(大|条|个|项|类)")


class ClustersMixin:
    """Cluster stage of :class:`kg.relations.extractor._Extractor` (uses the state and helpers of
    :class:`kg.relations.base.ExtractorBase` and the project / enterprise readers of
    :class:`kg.relations.projects.ProjectsMixin`)."""

    def clusters_grammar(self) -> None:
        t = self.t
        sufs = self.lex.words("clusters", "suffix")
        cuts = self.lex.words("clusters", "cut")
        generic = set(self.lex.words("clusters", "chain_generic"))
        rx = re.compile(f"[{_HAN}A-Za-z0-9“”]{{1,24}}?(?:{'|'.join(re.escape(s) for s in sufs)})"
                        f"(?![{_HAN}]{{0,1}}(?:游|化))")
        for m in rx.finditer(t):
            s, e = m.start(), m.end()
            # the name starts after the last cut word
            seg = t[s:e]
            core_end = len(seg) - max(len(x) for x in sufs if seg.endswith(x))
            cut = 0
            for c in cuts:
                i = seg.rfind(c, 0, core_end)
                if i >= 0:
                    cut = max(cut, i + len(c))
            # "鸠江区对三大产业集群": a count ("三大", "28条") starts the name
            counts = list(_COUNT.finditer(seg, cut, core_end))
            if counts:
                cut = counts[-1].start()
            s2 = s + cut
            name = t[s2:e]
            core = name
            for x in sufs:
                if core.endswith(x):
                    core = core[: -len(x)]
                    break
            core = core.strip("“”")
            if len(core) < 2 or core in ("产业", "制造业", "一批"):
                continue
            if name.startswith("”"):
                continue
            # a count alone names a cluster only as an umbrella ("三大产业集群"), not "一条产业链";
            # a generic word ("所属产业集群", "重点产业链"), a list ("A、B等重点产业链": its items
            # are read below) or a bare place ("X区产业集群") none
            cm = _COUNT.fullmatch(core)
            if (cm and cm.group(2) != "大") or core in generic or "等" in core or self._is_place(core) \
                    or (core.endswith(("区", "县", "市")) and self._is_place(core[:-1])):
                continue
            # "X产业链" names a cluster only as a whole name: not 全产业链 (inside a project),
            # 产业链群 / 产业链招商 / 产业链一期, nor generic (重点产业链)
            if name.endswith("产业链") and (
                    core.startswith("全") or not all(_is_han(c) for c in core) or "年" in core
                    or re.match(r"(?:群|招商|[一二三四五六七八九十]期|项目|链长)", t[e:e + 4])
                    ):
                continue
            # quoted umbrella: “六大产业集群”
            if s2 > 0 and t[s2 - 1] == "“" and t[e:e + 1] == "”":
                s2, e = s2 - 1, e + 1
            self.clusters[(s2, e)] = t[s2:e]
        # "这个集群" / "该产业集群" refer back to a cluster named before: no name of their own
        for a, b in self._cluster_anaphors():
            for k in [k for k in self.clusters if k[0] < b and a < k[1]]:
                del self.clusters[k]
        # "绿色算力、生物医药等集群": each listed item is a cluster
        gen = "|".join(re.escape(g) for g in sorted(generic, key=len, reverse=True))
        for m in re.finditer(f"([{_HAN}、]{{2,40}})等(?:{gen})?(?:{'|'.join(re.escape(s) for s in sufs)})", t):
            seg = m.group(1)
            start = m.start(1)
            cut = 0
            for c in cuts:
                i = seg.rfind(c)
                if i >= 0:
                    cut = max(cut, i + len(c))
            pos = start + cut
            for it in seg[cut:].split("、"):
                if len(it) >= 2:
                    self.clusters.setdefault((pos, pos + len(it)), it)
                pos += len(it) + 1

    def _cluster_anaphors(self) -> list[tuple[int, int]]:
        """Spans of anaphoric cluster words (这个集群, 该产业集群, 这一产业链)."""
        words = self.lex.words("clusters", "anaphor")
        out = []
        if words:
            sufs = self.lex.words("clusters", "suffix")
            rx = re.compile(f"(?:{'|'.join(map(re.escape, words))})(?:产业)?"
                            f"(?:{'|'.join(map(re.escape, sufs))})(?![{_HAN}]{{0,1}}(?:游|化))")
            out = [(m.start(), m.end()) for m in rx.finditer(self.t)]
        # bare anaphors ("集群内，…", "目前，集群内已聚集…")
        for rx in self.lex.patterns("clusters", "anaphor_rx"):
            out += [(m.start(), m.end()) for m in rx.finditer(self.t)
                    if not any(a < m.end() and m.start() < b for a, b in out)]
        return sorted(out)

    def in_cluster(self, lists) -> None:
        """Cluster sections: a heading sentence ending with one cluster; the project lists
        until the next heading or section mark are its members."""
        t = self.t
        heads = self.lex.words("clusters", "heading_verb")
        marks = self.lex.patterns("clusters", "section_mark")
        sents = [(m.start(), m.end()) for m in re.finditer(r"[^。！？!?\n]+[。！？!?]?", t)]
        sections: list[tuple[int, int, tuple[int, int]]] = []
        lead_in = tuple(self.lex.words("clusters", "lead_in"))
        builds = self.lex.words("project_patterns", "build_verb")
        self._list_heads: dict[tuple[int, int], int] = {}

        def heading(ss: int, se: int) -> tuple[tuple[int, int], int] | None:
            """(cluster span, section start) when the sentence opens a cluster section:
            "全力推进以…的X产业集群。" or a first clause "X产业集群方面:" / "围绕X产业集群,"."""
            text = t[ss:se]
            lead = len(text) - len(text.lstrip())
            stripped = re.sub(r"^[（(][一二三四五六七八九十0-9]+[）)]", "", text.strip())
            off = ss + lead + (len(text.strip()) - len(stripped))
            inside = sorted((a, b) for (a, b) in self.clusters if ss <= a and b <= se)
            if not inside:
                return None
            # a line that is only a cluster name after a list marker or a numbering
            # ("▲X产业集群", "一、X产业集群"): the list lines below it, up to the next prose
            # sentence, are its section
            bare_line = re.sub(r"^(?:[▲△■□◆◇●○★☆·•※]\s*|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)])",
                               "", text.strip())
            if len(inside) == 1 and bare_line == t[inside[0][0]:inside[0][1]] \
                    and (ss == 0 or t[ss - 1] == "\n") and t[se:se + 1] in ("\n", ""):
                end = se
                while end < len(t):
                    nl = t.find("\n", end + 1)
                    line = t[end + 1:nl if nl >= 0 else len(t)].strip()
                    if not line:
                        break
                    if line.endswith(("。", "！", "？")):
                        # an item line that ingest joined with the prose after it
                        if re.match(r"[·•●○■□◆◇★☆※▶►-]", line):
                            end = nl if nl >= 0 else len(t)
                        break
                    end = nl if nl >= 0 else len(t)
                self._list_heads[inside[0]] = end
                return inside[0], se
            if any(stripped.startswith(h) for h in heads) and len(inside) == 1 \
                    and t[inside[0][1]:se].strip(" 。.!！") == "":
                return inside[0], se
            # a heading line joined with its body: "…产业集群建成投产A、B等项目"
            if any(stripped.startswith(h) for h in heads) and \
                    re.match("|".join(re.escape(v) for v in builds), t[inside[0][1]:se]):
                return inside[0], inside[0][1]
            # first clause: [lead-in/heading verb] CLUSTER [方面] followed by , or :
            a, b = inside[0]
            pre = t[off:a]
            if pre and not any(pre == w or pre.endswith(w) and len(pre) <= len(w) + 4
                               for w in list(lead_in) + heads):
                return None
            m = re.match(r"(?:方面|领域)?[,，:：]", t[b:se])
            if m:
                return (a, b), b + m.end()
            return None

        for i, (ss, se) in enumerate(sents):
            h = heading(ss, se)
            if h is None:
                continue
            (a, b), start = h
            name = self._bare(self.clusters[(a, b)])
            if re.match(r"^[一二三四五六七八九十两0-9]+[个大项]", name):
                continue
            # the section ends at the next heading / section mark
            end = len(t)
            for ss2, se2 in sents[i + 1:]:
                if any(rx.search(t[ss2:se2]) for rx in marks) or heading(ss2, se2):
                    end = ss2
                    break
            if (a, b) in self._list_heads:
                end = min(end, self._list_heads[(a, b)] + 1)
            # a first-clause opener ("X产业集群方面，") scopes its paragraph only
            for oa, ob, ostart, oend in self._cluster_openers():
                if (oa, ob) == (a, b) and ostart == start:
                    end = min(end, oend)
            if re.fullmatch(r"(?:方面|领域)?\s*[,，:：]", t[b:start]):
                # "全力打造X产业集群，…": the rest of the paragraph
                pm = re.compile(r"[。！？!?]\s*\n|\n\s*\n").search(t, start)
                end = min(end, pm.start() + 1 if pm else len(t))
            sections.append((start, end, (a, b)))
        for s0, s1, cspan in sections:
            cname = self.clusters[cspan]
            if cspan in self._list_heads:
                projects, enterprises = self._list_line_members(s0, s1)
                lists = lists + [(s0, projects, enterprises)]
            for pos, projects, enterprises in lists:
                if not (s0 <= pos < s1):
                    continue
                for s, e, name in projects:
                    args = {"member": Arg(name, "Project"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (s, e), "cluster_section", 0.85)
                full = None
                for s, e, name in enterprises:
                    # "引进了江苏A能源科技有限公司…，A能源年产…项目": the brand is the company
                    # the section names in full
                    if full is None:
                        full = [x for _a, _b, x in self._enterprises_in(s0, s1)
                                if re.search("(?:公司|集团)$", x)]
                    if any(len(x) > len(name) and name in x[:len(name) + 4] for x in full) \
                            or self._named_in_full(name, full):
                        continue
                    args = {"member": Arg(name, "Organization", "enterprise"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (s, e), "cluster_section_brand", 0.75)

    def _capacity_objects(self, s0: int, s1: int) -> list[tuple[int, int, str]]:
        """"支持A汽车、B合肥基地扩大产能": the enterprises a support verb (clusters.tsv
        member_verb) names before a capacity verb (capacity_verb), written without 等企业.
        A plant item ("B合肥基地") names its enterprise B (the place and facility dropped)."""
        t = self.t
        mverbs = self.lex.words("clusters", "member_verb")
        cverbs = self.lex.words("clusters", "capacity_verb")
        if not mverbs or not cverbs:
            return []
        facilities = self.lex.words("clusters", "facility")
        terms = self.lex.words("industry_terms", "term")
        rx = re.compile(f"(?:{'|'.join(re.escape(v) for v in mverbs)})"
                        f"([^,，;；:：。!?！？\n]{{2,60}}?)(?:{'|'.join(re.escape(v) for v in cverbs)})")
        out: list[tuple[int, int, str]] = []
        for m in rx.finditer(t, s0, s1):
            pos = m.start(1)
            # 和/及/与 join two names only where both sides keep 2+ characters (瑞和生物 is one)
            pieces = []
            for part in re.split(r"(、)", m.group(1)):
                sub = re.split(r"(和|及|与)", part)
                if len(sub) > 1 and all(len(x.strip()) >= 2 for x in sub[::2]):
                    pieces.extend(sub)
                else:
                    pieces.append(part)
            for raw in pieces:
                if raw in ("、", "和", "及", "与"):
                    pos += len(raw)
                    continue
                it = raw.strip()
                s = pos + raw.find(it) if it else pos
                pos += len(raw)
                if not it:
                    continue
                name = it
                fac = next((f for f in facilities if name.endswith(f) and len(name) > len(f) + 1), None)
                if fac:
                    name = name[:-len(fac)]
                    known = next((k for k in self.lex.words("industry_terms", "known_brand")
                                  if name.startswith(k)), None)
                    place = next((p for p in sorted(self.places, key=len, reverse=True)
                                  if len(p) >= 2 and name.endswith(p) and len(name) - len(p) >= 2), None)
                    bsuf = next(((k, x) for x in self.lex.words("industry_terms", "brand_suffix")
                                 for k in [name.find(x, 2)] if 2 <= k and k + len(x) < len(name)), None)
                    if known:
                        name = known
                    elif place:
                        name = name[:-len(place)]
                    elif bsuf:
                        # "X股份张北基地": the brand ends with its brand word
                        name = name[:bsuf[0] + len(bsuf[1])]
                if not (2 <= len(name) <= 10) or not all(_is_han(c) or c.isalnum() for c in name) \
                        or "项目" in name or "工程" in name \
                        or any(w in name for w in _NAME_STOP) \
                        or (self._is_place_by_form(name) if fac else self._is_place(name)) \
                        or self._enterprise_class(name) or self._has_head(name) \
                        or any(name.startswith(w) for w in terms) \
                        or any(name.startswith(w) for w in self.lex.words("industry_terms", "brand_reject")) \
                        or name in self.lex.words("industry_terms", "not_brand") \
                        or any(name.startswith(w) for w in self.lex.words("industry_terms", "not_brand")):
                    continue
                out.append((s, s + len(name), name))
        return out

    def _cluster_openers(self, clusters=None) -> list[tuple[int, int, int, int]]:
        """Clauses opened by a cluster ("在X产业集群方面，", "X产业集群：", "围绕X产业集群，"):
        (cluster start, cluster end, scope start, scope end).  The scope is the rest of the
        paragraph, up to the ；/clause before the next opener."""
        t = self.t
        if clusters is None:
            clusters = sorted(self.clusters)
        lead_in = tuple(self.lex.words("clusters", "lead_in") + self.lex.words("clusters", "topic_in"))
        found = []
        for a, b0 in clusters:
            ls = max(t.rfind(c, 0, a) for c in "\n。；;！？!?") + 1
            # a bracketed note after the cluster ("X产业集群（市工信局牵头）。") belongs to its heading
            nm = re.match(r"[（(][^（）()。\n]{1,30}[）)]", t[b0:])
            b = b0 + nm.end() if nm else b0
            # a numbered report item whose heading is the cluster ("一、X产业集群。支持…"):
            # the item runs to the next numbered item
            if re.search(r"(?<![统唯第同单万逐专之])\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[.．、])\s*$",
                        t[ls:a]) and t[b:b + 1] in "。." and t[b + 1:b + 2] not in ("\n", ""):
                found.append((a, b0, b + 1, "item"))
                continue
            b = b0
            # an interview answer opens with the speaker ("X：一是…"): the clause starts after it
            pre = re.sub(r"^[\s（(一二三四五六七八九十0-9)）、.．]*", "",
                         re.sub(rf"^[{_HAN}]{{2,4}}[:：]", "", t[ls:a])).strip()
            # enumerations: "一是在X产业集群方面，", "其次，X产业集群：" (after the marks above)
            pre = re.sub(r"^(?:是|其[一二三四五六七八九十]|首先|其次|再次|最后|同时|此外|另外)[,，]?", "", pre)
            # "吴某介绍，苏州将围绕X产业集群，…": a short subject and modal before the lead-in
            # word of the last clause
            last = re.split(r"[,，]", pre)[-1]
            lw = next((w for w in lead_in if last.endswith(w)), None)
            subj = last[:-len(lw)] if lw else ""
            if lw and pre not in lead_in and (re.fullmatch(
                    rf"[{_HAN}]{{0,6}}?(?:将|要|还将|也将|还要|将继续|继续|正|已)", subj)
                    # "安宁市围绕X产业链，…": a place as the subject, without a modal
                    or subj in self.lex.words("clusters", "lead_subject")
                    or (2 <= len(subj) <= 6 and (self._is_place(subj) or self._has_place_suffix(subj)))) \
                    and not any(c in _FUNC for c in subj.rstrip("将")):
                pre = lw
            # "襄阳市汽车产业集群中，A、B等企业…": a cluster (after a place or subject) followed
            # by 中/内 and a comma opens the clause like "在X产业集群中，"
            if pre and pre not in lead_in and re.match(r"(?:中|内)\s*[,，]", t[b0:b0 + 3]):
                lc = last.strip()
                if not lc or lc in self.lex.words("clusters", "lead_subject") \
                        or (2 <= len(lc) <= 6 and self._is_place(lc)):
                    pre = ""
            if pre and pre not in lead_in:
                continue
            bn = b0 + nm.end() if nm else b0     # after a bracketed note ("X产业集群（Y牵头）：")
            outs = "|".join(map(re.escape, self.lex.words("clusters", "lead_out")))
            m = re.match(rf"(?:{outs + '|' if outs else ''}(?:重点|重大|龙头|骨干)?(?:项目|企业)(?:建设)?)?\s*[,，:：]",
                         t[bn:bn + 9])
            # "以X产业链为例，": 以 opens a clause only with 为例
            if m and pre == "以" and not re.match(r"为例|為例", t[bn:bn + 2]):
                m = None
            if m:
                found.append((a, b, bn + m.end(), False))
                continue
            # a heading line that is only the cluster ("（一）新材料产业集群")
            hm = re.match(r"[。.]?[ \t]*\n", t[b:])
            if hm and b - ls <= 30 and t[ls:a].strip() == t[ls:a].strip(" \t") and "\n" not in t[ls:a]:
                found.append((a, b, b + hm.end(), True))
        out = []
        marks = self.lex.patterns("clusters", "section_mark")
        for i, (a, b, start, is_heading) in enumerate(found):
            if is_heading == "item":
                nm = re.compile(r"(?:^|[。！？!?\n])\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]"
                                r"|[0-9]+[.．、](?![0-9]))").search(t, start)
                pm = re.compile(r"\n\s*\n").search(t, start)
                end = min(nm.start() + 1 if nm else len(t), pm.start() if pm else len(t))
                out.append((a, b, start, end))
                continue
            if is_heading:
                # the section runs to the next heading line (section mark or a short line
                # without sentence end)
                end = len(t)
                for lm in re.finditer(r"[^\n]+", t[start:]):
                    line = lm.group(0).strip()
                    if lm.start() > 0 and (any(rx.search(line) for rx in marks)
                                           or (len(line) <= 30 and not re.search(r"[。!！?？;；]$", line))):
                        end = start + lm.start()
                        break
                if i + 1 < len(found) and found[i + 1][0] < end:
                    end = found[i + 1][0]
                out.append((a, b, start, end))
                continue
            # the paragraph ends at a line break after a sentence end (a hard-wrapped line
            # that stops at a comma continues the paragraph)
            pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
            end = pm.start() + 1 if pm else len(t)
            # an enumeration ("一是X产业集群：…。二是…") ends the item at the next marker
            em = _ENUM_NEXT.search(t, start, end)
            if em:
                end = em.start() + 1
            if i + 1 < len(found) and found[i + 1][0] < end:
                nxt = found[i + 1][0]
                semi = max(t.rfind("；", start, nxt), t.rfind(";", start, nxt))
                end = semi + 1 if semi >= 0 else nxt
            out.append((a, b, start, end))
        return out

    def _scope_projects(self, s0: int, s1: int) -> None:
        """Inside a cluster scope, a 、-list whose items all end like a project (…项目, …基地,
        …二期) is a project list even without a build verb ("X产业集群：A项目、B基地。")."""
        t = self.t
        verbs = sorted(set(self.lex.words("clusters", "member_verb"))
                       | set(self.lex.words("project_patterns", "build_verb"))
                       | set(self.lex.words("project_patterns", "post_verb")), key=len, reverse=True)
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
            cs = s0 + cm.start()
            clause = cm.group(0)
            # the build verb closing the clause ("…三期开工建设") is no opening verb
            tail = _PROJECT_LIST_TAIL.search(clause)
            if tail and tail.start() > 0:
                clause = clause[:tail.start()]
            # "在建重点项目有A项目、B项目等12个": the list after a project head
            hm = next((m for rx in self.lex.patterns("clusters", "project_head_rx") for m in [rx.match(clause)] if m), None)
            if hm:
                clause = clause[:hm.end()] + re.sub(r"等[0-9一二三四五六七八九十百余多]+个(?:项目)?$", "", clause[hm.end():])
            cut = hm.end() if hm else 0
            for v in ([] if hm else verbs):
                k = clause.find(v)
                if k >= 0 and (k == 0 or k + len(v) > cut) and k < (clause.find("、") if "、" in clause else len(clause)):
                    cut = max(cut, k + len(v))
            body = clause[cut:]
            body = _PROJECT_LIST_TAIL_OPT.sub("", body)
            # "A项目、B项目进展顺利": a short predicate after the last project name
            body = re.sub(r"(?<=项目|工程)(?:均|已|正|都|全面|总体)?[^、项工]{1,5}$", "", body) \
                if "、" in body else body
            pos = cs + cut
            items = []
            for raw in body.split("、"):
                it = raw.strip()
                s = pos + raw.find(it) if it else pos
                items.append((s, s + len(it), it))
                pos += len(raw) + 1
            if not items or not all(3 <= len(it) <= (40 if self._full_enterprise_prefix(it) else 24)
                                    and self._has_head(it)
                                    and not any(w in it for w in _NAME_STOP) for _s, _e, it in items):
                continue
            # one item: a project head, or a plant built in the clause ("加快A封装测试基地建设")
            if len(items) == 1 and not re.search("(?:项目|工程|[一二三四五六七八九十]期)$", items[0][2]) \
                    and not (tail and re.search("建设|开工|建成", tail.group(0))
                             and re.search("(?:基地|产业园|工厂|生产线)$", items[0][2])
                             and len(items[0][2]) >= 6):
                continue
            for s, e, it in items:
                if not any(a < e and s < b for (a, b) in self.projects) \
                        and it not in self.lex.words("project_patterns", "head") \
                        and not self._generic_project(it):
                    self.projects[(s, e)] = it

    def _list_line_members(self, s0: int, s1: int) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """The lines under a cluster heading line ("▲X产业集群" / "一、X产业集群"): each line is a
        list marker or a label ("重点项目：", "重点企业：") and items apart by 、; an item ending in
        项目/工程 is a project (after the company written before it, which is its enterprise), an
        item ending in a company suffix an enterprise.  A place in brackets after an item is no
        part of it.  Returns (projects, enterprises) with view spans; projects are mentions."""
        t = self.t
        projects: list[tuple[int, int, str]] = []
        enterprises: list[tuple[int, int, str]] = []
        for lm in re.finditer(r"[^\n]+", t[s0:s1]):
            ls = s0 + lm.start()
            # the item part of a line joined with prose: up to the clause end or the bracket
            # closed after the item ("…项目（X区）据…")
            line = re.split(r"[，,。；;]|(?<=[）)])(?=[\u4e00-\u9fff])(?![有公项股集科])", lm.group(0))[0]
            head = re.match(rf"\s*(?:[·•●○■□◆◇★☆※▶►-]\s*|[{_HAN}]{{2,6}}[:：]\s*)?", line)
            pos = ls + head.end()
            for raw in line[head.end():].split("、"):
                st = pos + len(raw) - len(raw.lstrip())
                it = re.sub(r"\s*[（(][^（）()]{1,20}[）)]\s*$", "", raw.strip())
                pos += len(raw) + 1
                if len(it) < 4 or any(w in it for w in _NAME_STOP) or not all(
                        _is_han(c) or c.isalnum() for c in it):
                    continue
                if it.endswith(("项目", "工程")):
                    ps, name = st, it
                    em = _OWNED_PROJECT.match(it)
                    if em and len(em.group(3)) >= 4:
                        enterprises.append((st, st + len(em.group(1)), em.group(1)))
                        ps, name = st + len(it) - len(em.group(3)), em.group(3)
                    if self._generic_project(name):
                        continue
                    projects.append((ps, ps + len(name), name))
                    if not any(a < ps + len(name) and ps < b for (a, b) in self.projects):
                        self.projects[(ps, ps + len(name))] = name
                elif re.search("(?:公司|集团)$", it):
                    enterprises.append((st, st + len(it), it))
        return projects, enterprises

    def _place_brand(self, item: str, brand: str | None) -> str | None:
        """A brand opened by a place: "长沙吉利汽车产业园" -> the known brand after the place (吉利);
        "X县数字经济产业园" (a place + words + a park right after them) names no enterprise."""
        if not brand:
            return brand
        places = self._lex_places() | set(self.places) \
            | {p[:-1] for p in self.places if len(p) >= 3 and p[-1] in "市县区旗"} \
            | set(re.findall(r"([\u4e00-\u9fff]{2})[县区旗](?:委|人民政府|政府|人大)", self.t))
        p = next((x for x in sorted(places, key=len, reverse=True)
                  if len(x) >= 2 and brand.startswith(x) and len(brand) - len(x) >= 2), None)
        if not p:
            return brand
        rest = item[len(p):]
        known = next((k for k in self.lex.words("industry_terms", "known_brand") if rest.startswith(k)), None)
        if known:
            return known
        parks = ("产业园", "园区", "产业城", "科技城", "小镇", "产业基地")
        if item[len(brand):].startswith(parks):
            return None
        return brand

    def _colon_members(self, cspan: tuple[int, int], s0: int, s1: int) -> list[tuple[int, int, str]]:
        """"X产业集群：A股份有限公司、B、C三期项目。": a list right after the cluster's colon names
        its members; the items that are no project (no project head) are enterprises."""
        t = self.t
        if not re.fullmatch(r"(?:[（(][^（）()]{1,30}[）)])?\s*[:：]\s*", t[cspan[1]:s0]):
            return []
        cm = re.compile(r"[,，。;；!?！？\n]").search(t, s0, s1)
        body = t[s0:cm.start() if cm else s1]
        if "、" not in body:
            return []
        out = []
        pos = s0
        for raw in body.split("、"):
            it = raw.strip()
            s_ = pos + (raw.find(it) if it else 0)
            pos += len(raw) + 1
            it = re.sub(r"(?:等|等企业)$", "", it)
            if 4 <= len(it) <= 30 and self._has_head(it) and not self._generic_project(it) \
                    and not any(w in it for w in _NAME_STOP) \
                    and not any(a < s_ + len(it) and s_ < b for (a, b) in self.projects):
                self.projects[(s_, s_ + len(it))] = it
                continue
            if not (2 <= len(it) <= 30) or self._has_head(it) or any(w in it for w in _NAME_STOP) \
                    or re.search(r"[0-9]", it) or self._is_place(it) or self._enterprise_class(it) \
                    or it.startswith(tuple(self.lex.words("industry_terms", "term"))) \
                    or any(w in it for w in self.lex.words("industry_terms", "public_body")) \
                    or it.startswith(tuple(self.lex.words("industry_terms", "public_start"))):
                continue
            out.append((s_, s_ + len(it), it))
        return out

    def _short_forms(self, s0: int, s1: int) -> list[str]:
        """Short forms written in brackets after full enterprise names in [s0, s1)
        ("A集团股份有限公司（A股份）"), with a leading 中国 also dropped (中国X -> X)."""
        out = []
        for m in re.finditer(r"(?:公司|集团)[（(]([^（）()]{2,8})[）)]", self.t[s0:s1]):
            x = m.group(1)
            out.append(x)
            for p in self.lex.words("industry_terms", "short_drop_prefix"):
                if x.startswith(p) and len(x) - len(p) >= 2:
                    out.append(x[len(p):])
        return out

    def _named_in_full(self, brand: str, known: list[str]) -> bool:
        """The brand (智链云网 of 智链云网西南…项目) opens a company named in full after a place
        (深圳智链云网科技有限公司): it is that company, not one of its own."""
        for x in known:
            if x == brand or not re.search("(?:公司|集团)$", x):
                continue
            k = x.find(brand[:2])
            if 0 <= k <= 4 and (k == 0 or self._place_prefix(x[:k])):
                return True
        return False

    def _place_prefix(self, pre: str) -> bool:
        """A place written before a company's brand (江苏, 深圳, 青岛市)."""
        gaz = self._lex_places()
        return bool(pre) and pre[0] not in _FUNC and (
            pre in gaz or pre + "省" in gaz or pre + "市" in gaz or self._is_place(pre))

    def _short_name_members(self, s0: int, s1: int, have: list[str]) -> list[tuple[int, int, str, str]]:
        """"除A、B两家龙头企业外" / "A、B等龙头企业" in a cluster scope: A and B are short names; a
        company named in full anywhere in the document whose name (after a place) opens with
        one is the member, and so is every project named with it (A…项目)."""
        t = self.t
        rx = re.compile(rf"((?:[{_HAN}]{{2,6}}、)+[{_HAN}]{{2,6}})(?:等)?[两二三四五六七八九十0-9]+家"
                        rf"(?:龙头|骨干|链主|重点|领军|头部|核心)?企业")
        full_rx = re.compile(rf"[{_HAN}（）()]{{2,24}}?(?:股份有限公司|有限责任公司|有限公司|集团)")
        fulls = [(m.start(), m.end(), m.group(0)) for m in full_rx.finditer(t)]
        openers = sorted(set(self.lex.words("clusters", "clause_adverb"))
                         | set(self.lex.words("clusters", "member_verb"))
                         | {"除了", "除", "包括", "如", "像", "有"}, key=len, reverse=True)
        out: list[tuple[int, int, str, str]] = []
        for m in rx.finditer(t, s0, s1):
            pos = m.start(1)
            for it in m.group(1).split("、"):
                a, b = pos, pos + len(it)
                pos = b + 1
                # "除A、B两家龙头企业外": the first item starts after an opening word
                w = next((w for w in openers if it.startswith(w) and len(it) - len(w) >= 2), None)
                if w and a == m.start(1):
                    it, a = it[len(w):], a + len(w)
                if self._is_place_by_form(it) or self._enterprise_class(it) or any(c in _FUNC for c in it[:1]):
                    continue
                full = None
                for fa, fb, fx in fulls:
                    # the company name starts after the last function word / verb before it
                    k = fx.find(it)
                    if k < 0:
                        continue
                    # the name starts at a place right before the short name, else at it
                    # ("首先来到青岛A交通装备有限公司" -> 青岛A…)
                    pre = fx[:k]
                    j = next(j for j in range(len(pre) + 1)
                             if j == len(pre) or self._place_prefix(pre[j:]))
                    full = (fa + j, fb, fx[j:])
                    break
                name = full[2] if full else it
                if name not in have:
                    out.append((a, b, name, "Enterprise"))
                # projects named with it anywhere in the document
                for pm in re.finditer(rf"{re.escape(it)}[{_HAN}A-Za-z0-9]{{2,30}}?项目", t):
                    pname = pm.group(0)
                    if any(w in pname for w in _NAME_STOP) or self._generic_project(pname) \
                            or "公司" in pname:
                        continue
                    self.projects.setdefault((pm.start(), pm.end()), pname)
                    if pname not in have:
                        out.append((pm.start(), pm.end(), pname, "Project"))
        return out

    def _brand_word(self, brand: str, known: list[str]) -> bool:
        """A project's brand that stands for an enterprise of its own where the scope names its
        enterprises in full: a known brand or one closed by a brand word (X科技, X矿业), and
        neither inside a named enterprise nor opening with one's short form."""
        if any(brand in k or (brand.startswith(k) and len(k) >= 2) for k in known):
            return False
        return any(brand.startswith(k) for k in self.lex.words("industry_terms", "known_brand")) \
            or any(brand.endswith(w) and len(brand) > len(w)
                   for w in self.lex.words("industry_terms", "brand_suffix"))

    def _clause_projects(self, s0: int, s1: int) -> None:
        """Inside a cluster scope, a clause whose subject is a project ("目前，A二期项目主体厂房已
        封顶", "B股份有限公司（B）C扩建项目已进入设备安装阶段"): the name up to 项目/工程.  After a
        full enterprise name with its short form in brackets the project is what follows."""
        t = self.t
        adverbs = sorted(self.lex.words("clusters", "clause_adverb"), key=len, reverse=True)
        verbs = tuple(set(self.lex.words("project_patterns", "build_verb"))
                      | set(self.lex.words("clusters", "member_verb"))
                      | set(self.lex.words("clusters", "subject_verb"))
                      | set(self.lex.words("clusters", "scope_verb")))
        for cm in re.finditer(r"[^,，;；:：。!?！？\n]+", t[s0:s1]):
            k = s0 + cm.start()
            moved = True
            while moved:
                moved = False
                for w in adverbs:
                    if t.startswith(w, k) and k + len(w) < s0 + cm.end():
                        k += len(w)
                        moved = True
                        break
            # an opening support / build verb ("推动A有限公司扩能项目满产达效")
            if t.startswith("新", k) and any(t.startswith(w, k + 1) for w in verbs):
                k += 1            # "新签约了A项目"
            v = next((w for w in sorted(verbs, key=len, reverse=True) if t.startswith(w, k)), None)
            if v:
                k += len(v)
                if t.startswith("了", k):
                    k += 1
            ce = s0 + cm.end()
            while k < ce:
                m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{4,40}}?(?:项目|工程)").match(t, k, ce)
                # "X生物工程股份有限公司建设Y项目": a 工程 inside a company name ends nothing
                while m and t.startswith(("股份", "有限", "公司", "集团", "项目", "技术"), m.end()):
                    m = re.compile(rf"[{_HAN}A-Za-z0-9（）()]{{{m.end() - k + 1},40}}?(?:项目|工程)").match(t, k, ce)
                # a project ending its clause is the object of the opening verb only
                if not m or (m.end() == ce and not v):
                    break
                ps, name = m.start(), m.group(0)
                # "引进了A有限公司年产10万吨X项目和B有限公司Y项目", "A有限公司的B二期项目…":
                # the project is what follows its enterprise
                em = _OWNED_PROJECT.match(name)
                owned = False
                if em and len(em.group(3)) >= 4 and not em.group(3).startswith(("等", "（", "(")) \
                        and "（" not in em.group(1) and "(" not in em.group(1):
                    ps += len(name) - len(em.group(3))
                    name = em.group(3)
                    owned = True
                if name.startswith(verbs) or any(w in name for w in _NAME_STOP) or self._generic_project(name):
                    break
                if "（" in name or "(" in name:
                    bm = re.match(r"(.{2,30}?(?:公司|集团))[（(]([^）)]{2,8})[）)](.*)$", name)
                    if bm and len(bm.group(3)) >= 4:
                        ps += len(name) - len(bm.group(3))
                        name = bm.group(3)
                    elif not self._full_enterprise_prefix(name):
                        break
                if any(a < m.end() and ps < b for (a, b) in self.projects):
                    break
                self.projects[(ps, m.end())] = name
                if owned:       # its enterprise is the company written before it, no brand in it
                    self.project_owned.add((ps, m.end()))
                # the next project joined by 和/及/与/、 ("A项目和B项目")
                jm = re.compile(r"(?:和|及|与|以及|、)").match(t, m.end(), ce)
                if not jm:
                    break
                k = jm.end()

    def _clause_subject(self, a: int, b: int) -> bool:
        """A cluster that opens a ；-clause of a sentence of several clauses ("A产业集群依托…；
        B产业集群…") and is followed by a verb phrase (not a meeting, list or genitive)."""
        t = self.t
        if not t[b:b + 1] or not _is_han(t[b]):
            return False
        if any(rx.match(t, b) for rx in self.lex.patterns("clusters", "clause_subject_stop_rx")):
            return False
        ss = max(t.rfind(c, 0, a) for c in "。！？!?\n") + 1
        se = re.compile(r"[。！？!?\n]").search(t, b)
        se = se.start() if se else len(t)
        if any(c in t[ss:se] for c in "；;"):
            return True
        # "A产业集群依托X公司，推进Y项目。": a cluster that opens its sentence
        return not re.sub(_ENUM_OPEN, "", t[ss:a]).strip()

    def _cluster_topics(self, clusters, skip) -> list[tuple[int, int, tuple[int, int]]]:
        """Clusters that are the subject of a member list ("目前全县X产业集群已集聚A、B等企业",
        "X产业集群今年将重点推进A项目") or the topic of a report sentence ("通报了X产业集群发展
        情况。"): (scope start, scope end, cluster span).  The scope runs from the cluster (the
        next sentence for a topic) to the end of its paragraph, or to the sentence of the next
        cluster of another name."""
        t = self.t
        adverbs = sorted(self.lex.words("clusters", "subject_adverb"), key=len, reverse=True)
        sverbs = tuple(self.lex.words("clusters", "subject_verb"))
        topic_rx = self.lex.patterns("clusters", "topic_tail_rx")
        verbs = set(self.lex.words("clusters", "scope_verb")) | set(self.lex.words("clusters", "member_verb")) \
            | set(self.lex.words("clusters", "heading_verb")) | set(self.lex.words("clusters", "lead_in")) \
            | set(self.lex.words("project_patterns", "build_verb")) | {"召开", "举行", "举办", "召集"}
        para_rx = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n")
        out = []
        for a, b in clusters:
            if (a, b) in skip:
                continue
            cs = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
            pre = re.sub(_ENUM_OPEN, "", t[cs:a])      # "一是X产业集群依托…"
            start = None
            tm = next((m for rx in topic_rx for m in [rx.match(t, b)] if m), None)
            lm = re.compile(r"(?:的)?(?:重点|重大|龙头|骨干|链主)?(?:项目|企业)(?:主要)?(?:有|包括|为)?[:：]").match(t, b)
            if tm:
                start = tm.end()
            elif lm and all(_is_han(c) for c in pre) and len(pre) <= 8:
                # "X产业集群重点项目：A、B进展顺利"
                start = lm.end()
            elif len(pre) <= 8 and all(_is_han(c) for c in pre) and not any(c in _FUNC for c in pre) \
                    and not any(v in pre for v in verbs):
                k = b
                moved = True
                while moved and not t.startswith(sverbs, k):
                    moved = False
                    for w in adverbs:
                        if t.startswith(w, k):
                            k += len(w)
                            moved = True
                            break
                v = next((w for w in sorted(sverbs, key=len, reverse=True) if t.startswith(w, k)), None)
                # "X产业集群推进会" is a meeting, not a cluster doing something
                if v and not re.match(r"(?:工作)?(?:大)?会", t[k + len(v):k + len(v) + 3]):
                    start = b
                elif not v and self._clause_subject(a, b):
                    # "…；C产业集群依托A公司，推进B项目；": whatever the verb, the cluster that
                    # opens a ；-clause scopes that clause
                    ce = re.compile(r"[。；;！？!?\n]").search(t, b)
                    ce = ce.start() + 1 if ce else len(t)
                    if ce > b:
                        out.append((b, ce, (a, b)))
                    continue
            if start is None:
                start = self._paragraph_topic(a, b, clusters)
            if start is None:
                continue
            pm = para_rx.search(t, start)
            end = pm.start() + 1 if pm else len(t)
            em = _ENUM_NEXT.search(t, start, end)
            if em:
                end = em.start() + 1
            name = self._bare(self.clusters[(a, b)])
            for a2, b2 in clusters:
                if start <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                    end = max(start, max(t.rfind(c, start, a2) for c in "。；;！？!?\n") + 1)
                    break
            if end > start:
                out.append((start, end, (a, b)))
        return out

    def _paragraph_topic(self, a: int, b: int, clusters) -> int | None:
        """``b`` when the cluster at (a, b) is the topic of its paragraph: named in the
        paragraph's first sentence, the only cluster name there, and not inside a quote or a
        title ("岳阳市的X产业集群同样亮点频出。", "在…推动下，X产业集群形成了…", "X市则聚焦
        X产业集群，"); its member lists then follow in the paragraph.  None otherwise."""
        t = self.t
        ps = max(t.rfind("\n", 0, a), -1) + 1
        if re.search("[。！？!?]", t[ps:a]):
            return None                      # not the paragraph's first sentence
        se = re.compile("[。！？!?\n]").search(t, b)
        se = se.start() if se else len(t)
        if not re.search("[。！？!?]", t[b:se + 1]) and se < len(t) and t[se] == "\n":
            return None                      # a heading line, not a sentence
        if t[ps:a].count("“") > t[ps:a].count("”") or t[ps:a].count("《") > t[ps:a].count("》"):
            return None
        # the cluster opens its clause or follows its subject: a place (…市, or a name before
        # 的/则) with 的/则/也/还 and at most a topic verb (聚焦/把/将/围绕/依托); not the object of
        # an imperative ("全力推进以…为引领的X产业集群。") nor of a clause about something else
        cs = max(t.rfind(c, ps, a) for c in "，,。；;：:！？!?") + 1
        cs = max(cs, ps)
        if not _TOPIC_PRE.fullmatch(t[cs:a]):
            return None
        name = self._bare(self.clusters[(a, b)])
        if any(ps <= a2 < se and self._bare(self.clusters[(a2, b2)]) != name for a2, b2 in clusters):
            return None
        return b

    def _scope_end(self, start: int, clusters, name: str) -> int:
        """The end of a scope opened at ``start`` for the cluster ``name``: the paragraph end,
        the next enumeration mark, or the sentence of the next cluster of another name."""
        t = self.t
        pm = re.compile(r"[。！？!?；;]\s*\n|\n\s*\n").search(t, start)
        end = pm.start() + 1 if pm else len(t)
        em = _ENUM_NEXT.search(t, start, end)
        if em:
            end = em.start() + 1
        for a2, b2 in clusters:
            if start <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                end = max(start, max(t.rfind(c, start, a2) for c in "。；;！？!?\n") + 1)
                break
        return end

    def _question_scopes(self, clusters) -> list[tuple[int, int, tuple[int, int]]]:
        """Interviews: a question line ("记者：X产业集群方面有哪些新进展？", also a request "请介绍
        一下…") that names one cluster scopes its answer, up to the next question line (or the
        sentence of another cluster)."""
        t = self.t
        labels = self.lex.words("clusters", "question_label")
        if not labels:
            return []
        alt = '|'.join(map(re.escape, labels))
        # "记者：", "■记者：", "【记者】", "问："
        lab = re.compile(rf"^[ \t\u3000■●◆▲★]*(?:(?:{alt})[ \t\u3000]*[:：]|[【\[](?:{alt})[】\]][:：]?)", re.M)
        heads = [m for m in lab.finditer(t)]
        out = []
        for i, m in enumerate(heads):
            le = t.find("\n", m.end())
            le = len(t) if le < 0 else le
            # a question ("…进展如何？") or a request ("请介绍一下X产业集群的情况。")
            if not re.search(r"[？?。]$|请|谈谈|介绍", t[m.end():le].rstrip()):
                continue
            inside = [(a, b) for (a, b) in clusters if m.end() <= a and b <= le]
            if len({self._bare(self.clusters[c]) for c in inside}) != 1:
                continue
            span = inside[-1]
            name = self._bare(self.clusters[span])
            end = heads[i + 1].start() if i + 1 < len(heads) else len(t)
            for a2, b2 in clusters:
                if le <= a2 < end and self._bare(self.clusters[(a2, b2)]) != name:
                    end = max(le, max(t.rfind(c, le, a2) for c in "。；;！？!?\n") + 1)
                    break
            if end > le:
                out.append((le, end, span))
        return out

    def _anaphor_scopes(self, clusters) -> list[tuple[int, int, tuple[int, int]]]:
        """"这个集群…" / "该集群…" opening an answer or a clause: the cluster named last before it
        (in the question or the sentence before) scopes the rest of the paragraph."""
        t = self.t
        adverbs = set(self.lex.words("clusters", "subject_adverb")) | set(self.lex.words("clusters", "clause_adverb"))
        # "围绕这个集群，…": a lead-in word before the anaphor
        adverbs |= set(self.lex.words("clusters", "lead_in"))
        out = []
        for a, b in self._cluster_anaphors():
            ls = max(t.rfind(c, 0, a) for c in "，,。；;：:！？!?\n") + 1
            pre = t[ls:a].strip()
            if pre and pre not in adverbs and not (
                    pre[-2:] in adverbs and re.sub(r"[\s，,]", "", pre[:-2]) in adverbs):
                continue
            prev = [c for c in clusters if c[1] <= a and a - c[1] <= 400]
            if not prev:
                continue
            span = max(prev)
            end = self._scope_end(b, clusters, self._bare(self.clusters[span]))
            if end > b:
                out.append((b, end, span))
        return out

    def cluster_scopes(self) -> None:
        """in_cluster from text scoped to one cluster:
        * a clause opened by the cluster ("在X产业集群方面，…", "X产业集群：…", "围绕X产业集群，…")
          scopes the rest of its paragraph, up to the next such opener;
        * a sentence or ；-clause that names one cluster as the object of a scope verb
          ("加快推进A、B等项目，壮大X产业集群") scopes itself.
        Members: the projects listed in the scope, the enterprises named in those projects and
        the enterprises the scope names (full names, A、B等企业)."""
        t = self.t
        if not self.clusters:
            return
        done = {(f.args["member"].text, f.args["cluster"].text)
                for f in self.facts if f.relation == "in_cluster"}
        clusters = sorted((a, b) for (a, b) in self.clusters
                          if not re.match(r"^[“「]?[一二三四五六七八九十两0-9]+[个大项]",
                                          self._bare(self.clusters[(a, b)])))
        scopes: list[tuple[int, int, tuple[int, int], str]] = []
        openers = self._cluster_openers(clusters)
        for a, b, start, end in openers:
            scopes.append((start, end, (a, b), "cluster_scope"))
        opener_spans = {(a, b) for a, b, _s, _e in openers}
        for start, end, span in self._cluster_topics(clusters, opener_spans):
            scopes.append((start, end, span, "cluster_topic"))
        for start, end, span in self._question_scopes(clusters):
            scopes.append((start, end, span, "cluster_question"))
        for start, end, span in self._anaphor_scopes(clusters):
            scopes.append((start, end, span, "cluster_anaphor"))
        verbs = self.lex.words("clusters", "scope_verb")
        for sm in re.finditer(r"[^。；;！？!?\n]+", t):
            ss, se = sm.start(), sm.end()
            inside = [(a, b) for (a, b) in clusters if ss <= a and b <= se]
            names = {self._bare(self.clusters[c]) for c in inside}
            if len(names) != 1 or any(c in opener_spans for c in inside):
                continue
            a, b = inside[0]
            cl = max(t.rfind(c, ss, a) for c in ",，") + 1
            cl = max(cl, ss)
            before = t[cl:a]
            # "壮大X产业集群" / "X产业集群加快壮大，A、B项目建成投产"
            cr = re.compile(r"[,，]").search(t, b, se)
            after = t[b:min(cr.start() if cr else se, b + 6)]
            # "X产业集群推进会在A公司召开" is a meeting, no cluster doing something
            stop = any(rx.match(t, b) for rx in self.lex.patterns("clusters", "clause_subject_stop_rx"))
            if not (any(v in before for v in verbs) or (not stop and any(
                    after.startswith(v) or after[2:].startswith(v) for v in verbs))):
                continue
            scopes.append((ss, se, (a, b), "cluster_sentence"))
        for s0, s1, cspan, ex in scopes:
            cname = self.clusters[cspan]
            self._scope_projects(s0, s1)
            self._clause_projects(s0, s1)
            # "X产业园" inside "X产业园项目": one project, the written name
            for (a, b) in [k for k in self.projects if s0 <= k[0] and k[1] <= s1]:
                if any(a2 == a and b2 > b and t[b:b2] in ("项目", "工程") for (a2, b2) in self.projects):
                    del self.projects[(a, b)]
            members: list[tuple[int, int, str, str]] = []
            csufs = self.lex.words("clusters", "suffix")
            named = self._enterprises_in(s0, s1)
            colon = self._colon_members(cspan, s0, s1)   # also registers the colon list's projects
            # a scope that names its enterprises in full — with their short forms in brackets
            # ("依托A股份有限公司（A）、B有限公司（B）") or in a list ("集聚A股份有限公司、B等整车
            # 企业") — takes from a project's name only a brand word (X科技, a known brand) that is
            # none of those; "C新能源拖拉机基地" (C = a short form) or "D精深加工产业园" adds none
            shorts = self._short_forms(s0, s1)
            full_named = bool(shorts) or bool(re.search(
                r"(?:公司|集团)(?:、[^,，。;；]{2,40}?)?等[\u4e00-\u9fff]{0,4}企业", t[s0:s1]))
            known_names = [x for _a, _b, x in named] + shorts
            proj_spans = []
            for (a, b), name in sorted(self.projects.items()):
                # "“六大产业集群”项目" groups projects; it is not one
                if s0 <= a and b <= s1 and not any(x in name for x in csufs):
                    members.append((a, b, name, "Project"))
                    proj_spans.append((a, b))
                    brand = None if (a, b) in self.project_owned else self._place_brand(
                        self._strip_quotes(name), self._brand_any(self._strip_quotes(name)))
                    # a brand that opens a named enterprise (中联 of 中联重科股份有限公司) is that one
                    if brand and any(len(x) > len(brand) and x.startswith(brand) for x in known_names):
                        brand = None
                    # "重点企业有A汽车…，推进A汽车三期项目": the listed name, not a shorter brand
                    listed = next((x for x in sorted(known_names, key=len, reverse=True)
                                   if len(x) >= 2 and self._strip_quotes(name).startswith(x)), None)
                    if listed:
                        brand = listed
                    elif brand and full_named and not self._brand_word(brand, known_names):
                        brand = None
                    # "贵州A电池科技有限公司的A动力电池二期项目": the brand (after the place of a
                    # company named in the scope) is that company, named already
                    elif brand and self._named_in_full(brand, known_names):
                        brand = None
                    if brand:
                        members.append((a, a + len(brand), brand, "Enterprise"))
            for (a, b), name in sorted(self.enterprises.items()):
                if full_named and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                        and not self._brand_word(name, known_names):
                    continue
                # a brand inside a project was decided with the project (place, named enterprise)
                inside = next((self.projects[(pa, pb)] for pa, pb in proj_spans if pa <= a and b <= pb), None)
                if inside is not None and (
                        self._place_brand(self._strip_quotes(inside), name) != name
                        or any(len(x) > len(name) and x.startswith(name) for x in known_names)
                        or self._named_in_full(name, known_names)):
                    continue
                if s0 <= a and b <= s1 and not self._enterprise_class(name) and not any(
                        x == name or x.startswith(name) for _a, _b, x, k in members if k == "Enterprise"):
                    members.append((a, b, name, "Enterprise"))
            # "除A、B两家龙头企业外": short names of enterprises named in full elsewhere in the
            # document (青岛A交通装备有限公司) and the projects named after them (A…项目)
            members += self._short_name_members(s0, s1, [x for _a, _b, x, _k in members])
            for a, b, name in named + self._capacity_objects(s0, s1) + colon:
                if full_named and not re.search("(?:公司|集团)$", name) \
                        and any(pa <= a and b <= pb for pa, pb in proj_spans) \
                        and not self._brand_word(name, [x for x in known_names if x != name]):
                    continue
                if any(pa <= a and b <= pb and k == "Project" and x != name and not x.startswith(name)
                       for pa, pb, x, k in members):
                    continue
                members.append((a, b, name, "Enterprise"))
            for a, b, name, kind in members:
                if (name, cname) in done:
                    continue
                done.add((name, cname))
                if kind == "Project":
                    args = {"member": Arg(name, "Project"), "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (a, b), ex, 0.8)
                else:
                    self.enterprises.setdefault((a, b), name)
                    args = {"member": Arg(name, "Organization", "enterprise"),
                            "cluster": Arg(cname, "Cluster")}
                    self._fact("in_cluster", args, (a, b), ex + "_enterprise", 0.75)
