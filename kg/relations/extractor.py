"""The driver: ``_Extractor`` joins the stage mixins; ``run`` calls the stages in order,
``collect_mentions`` gathers the NER and rule-found mentions, ``extract`` is the entry point.
"""

from __future__ import annotations

import bisect

from ..lexicon import Lexicon
from ..model import DocResult, Document, Mention
from .base import ExtractorBase, _is_han
from .people import PeopleMixin
from .orgs import OrgsMixin
from .actions import ActionsMixin
from .projects import ProjectsMixin
from .clusters import ClustersMixin


class _Extractor(PeopleMixin, OrgsMixin, ActionsMixin, ProjectsMixin, ClustersMixin, ExtractorBase):
    """One document's extraction: the stages of the mixins, run in order by :meth:`run`."""

    def _listed_with_places(self, s: int, e: int) -> bool:
        t = self.t
        # (speed) the starts of the model's place spans, once per document
        place_starts = self.__dict__.get("_place_starts")
        if place_starts is None:
            place_starts = self._place_starts = {a for a, b, typ, _sub, _x in self.ner_v if typ == "Place"}
        neigh = []
        if s > 0 and t[s - 1] == "、":
            j = s - 1
            k = j
            while k > 0 and _is_han(t[k - 1]) and j - k < 8:
                k -= 1
            neigh.append((k, j))
        if e < len(t) and t[e] == "、":
            k = e + 1
            j = k
            while j < len(t) and _is_han(t[j]) and j - k < 8:
                j += 1
            neigh.append((k, j))
        for a, b in neigh:
            x = t[a:b]
            if x in self.places or a in place_starts \
                    or any(x.startswith(p) for p in self._places_by_first().get(x[:1], ())):
                return True
        return False

    def collect_mentions(self) -> None:
        not_person = set(self.lex.words("persons", "not_person"))
        rule_person_spans = set(self.persons)
        person_sorted = sorted(rule_person_spans)
        person_starts = [a for a, _b in person_sorted]
        person_longest = max((b - a for a, b in person_sorted), default=0)
        covered: list[tuple[int, int]] = []
        for (s, e), _x in self.projects.items():
            covered.append((s, e))
        for (s, e) in list(self.orgs) + list(self.enterprises) + list(self.actions) \
                + list(self.clusters):
            covered.append((s, e))
        # (speed) "some covered span holds [s, e)": among the spans starting at or before s, the
        # farthest end reaches e
        covered.sort()
        covered_starts = [a for a, _b in covered]
        covered_reach: list[int] = []
        for _a, b in covered:
            covered_reach.append(max(b, covered_reach[-1]) if covered_reach else b)
        known = {n for n in self.person_names if 2 <= len(n) <= 3} | {
            m.text for m in self.ner if m.type == "Person" and 2 <= len(m.text) <= 3}
        for m in self.ner:
            s, e = self.v.inv[m.start], self.v.inv[m.end]
            # a model "place" that the grammar reads as an organisation (X县融媒体中心)
            if m.type == "Place" and (s, e) in self.orgs and self.lex.ends_with_org_suffix(self.orgs[(s, e)][0]) \
                    and not self._is_place(self.orgs[(s, e)][0]):
                continue
            if m.type == "Person":
                x = m.text
                if x in not_person or x in self.places or len(x) < 2 or len(x) > 6 \
                        or not all(_is_han(c) or c == "·" for c in x):
                    continue
                # inside a rule-found organisation / project, or overlapping a rule person
                i = bisect.bisect_right(covered_starts, s) - 1
                if (s, e) not in rule_person_spans and i >= 0 and covered_reach[i] >= e:
                    continue
                # listed among places ("阿拉山口、霍尔果斯、二连浩特等地")
                if (s, e) not in rule_person_spans and self._listed_with_places(s, e):
                    continue
                # (speed) only rule persons starting in (s - longest, e) can overlap [s, e)
                lo = bisect.bisect_right(person_starts, s - person_longest)
                hi = bisect.bisect_left(person_starts, e)
                if any(s < b and (a, b) != (s, e) for a, b in person_sorted[lo:hi]):
                    continue
                # a model-only person needs one occurrence that stands like a name
                if (s, e) not in rule_person_spans and not self._person_supported(x):
                    continue
                # two known names glued together ("贺海东崔振武出席")
                # (speed) a known a (2-3 characters) starting x: x[:2] or x[:3]
                if any(x[:k] in known and x[k:] in known for k in (2, 3) if k < len(x)):
                    continue
            self.mentions.append(m)
        ner_person_spans = {(self.v.inv[m.start], self.v.inv[m.end]) for m in self.ner if m.type == "Person"}
        for (s, e), src in sorted(self.persons.items()):
            if (s, e) in ner_person_spans:
                continue
            self._mention(s, e, "Person", None, src, 0.9)
        ner_spans = {(self.v.inv[m.start], self.v.inv[m.end]) for m in self.ner if m.type != "Place"}
        for (s, e), (x, sub) in sorted(self.orgs.items()):
            if (s, e) not in ner_spans:
                self._mention(s, e, "Organization", sub or self.lex.org_subtype(x), "grammar", 0.8)
        for (s, e), x in sorted(self.enterprises.items()):
            self._mention(s, e, "Organization", "enterprise", "brand", 0.7)
        for (s, e), x in sorted(self.projects.items()):
            self._mention(s, e, "Project", None, "pattern", 0.8, text=x)
        for (s, e), x in sorted(self.actions.items()):
            self._mention(s, e, "Action", None, "pattern", 0.8, text=x)
        for (s, e), x in sorted(self.clusters.items()):
            self._mention(s, e, "Cluster", None, "pattern", 0.8, text=x)
        self.mentions.sort(key=lambda m: (m.start, m.end, m.type))

    def run(self) -> DocResult:
        self.bylines()
        self.org_grammar()
        self.post_chains()
        self.titles_after_names()
        self.listed_persons()
        self.actions_grammar()
        self.actions_bare()
        lists = self._written_heads(self.project_lists() + self.projects_before_verb()
                                    + self.enterprise_lists())
        self.named_projects()
        self.clusters_grammar()
        self.in_cluster(lists)
        self.cluster_scopes()
        self.subject_projects()
        self.leads()
        self.nested_orgs()
        self.structure()
        self.collect_mentions()
        # one fact per (relation, args, evidence span)
        seen = set()
        facts = []
        for f in self.facts:
            k = (f.relation, tuple(sorted((r, a.text) for r, a in f.args.items())),
                 f.evidence.start, f.evidence.end)
            if k in seen:
                continue
            seen.add(k)
            facts.append(f)
        return DocResult(self.doc.id, self.mentions, facts)


def extract(doc: Document, mentions: list[Mention], lexicon: Lexicon) -> DocResult:
    """All mentions (NER + rule-found) and the facts of one document."""
    return _Extractor(doc, mentions, lexicon).run()
