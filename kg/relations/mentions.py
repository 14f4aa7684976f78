"""The last stages: ``collect_mentions`` (the model's mentions the grammar keeps, plus the
rule-found persons, organisations, enterprises, projects, actions and clusters, in document
offsets) and ``unique_facts`` (one fact per relation, arguments and evidence span).
"""

from __future__ import annotations

import bisect

from .base import _is_han
from .people import _person_supported
from .places import _is_place, _places_by_first
from .registry import stage
from .state import DocState, add_mention, to_view


def _listed_with_places(st: DocState, s: int, e: int) -> bool:
    t = st.text
    # (speed) the starts of the model's place spans, once per document
    place_starts = st.memo.get("_place_starts")
    if place_starts is None:
        place_starts = st.memo["_place_starts"] = {a for a, b, typ, _sub, _x in st.ner_v if typ == "Place"}
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
        if x in st.places or a in place_starts \
                or any(x.startswith(p) for p in _places_by_first(st).get(x[:1], ())):
            return True
    return False


@stage(requires=("view", "text", "ner", "ner_v", "places", "persons", "person_names", "orgs",
                 "actions", "projects", "enterprises", "clusters"),
       assigns=("mentions",))
def collect_mentions(st: DocState) -> None:
    not_person = set(st.lex.words("persons", "not_person"))
    rule_person_spans = set(st.persons)
    person_sorted = sorted(rule_person_spans)
    person_starts = [a for a, _b in person_sorted]
    person_longest = max((b - a for a, b in person_sorted), default=0)
    covered: list[tuple[int, int]] = []
    for (s, e), _x in st.projects.items():
        covered.append((s, e))
    for (s, e) in list(st.orgs) + list(st.enterprises) + list(st.actions) \
            + list(st.clusters):
        covered.append((s, e))
    # (speed) "some covered span holds [s, e)": among the spans starting at or before s, the
    # farthest end reaches e
    covered.sort()
    covered_starts = [a for a, _b in covered]
    covered_reach: list[int] = []
    for _a, b in covered:
        covered_reach.append(max(b, covered_reach[-1]) if covered_reach else b)
    known = {n for n in st.person_names if 2 <= len(n) <= 3} | {
        m.text for m in st.ner if m.type == "Person" and 2 <= len(m.text) <= 3}
    for m in st.ner:
        s, e = to_view(st, m.start, m.end)
        # a model "place" that the grammar reads as an organisation (X县融媒体中心)
        if m.type == "Place" and (s, e) in st.orgs and st.lex.ends_with_org_suffix(st.orgs[(s, e)][0]) \
                and not _is_place(st, st.orgs[(s, e)][0]):
            continue
        if m.type == "Person":
            x = m.text
            if x in not_person or x in st.places or len(x) < 2 or len(x) > 6 \
                    or not all(_is_han(c) or c == "·" for c in x):
                continue
            # inside a rule-found organisation / project, or overlapping a rule person
            i = bisect.bisect_right(covered_starts, s) - 1
            if (s, e) not in rule_person_spans and i >= 0 and covered_reach[i] >= e:
                continue
            # listed among places ("阿拉山口、霍尔果斯、二连浩特等地")
            if (s, e) not in rule_person_spans and _listed_with_places(st, s, e):
                continue
            # (speed) only rule persons starting in (s - longest, e) can overlap [s, e)
            lo = bisect.bisect_right(person_starts, s - person_longest)
            hi = bisect.bisect_left(person_starts, e)
            if any(s < b and (a, b) != (s, e) for a, b in person_sorted[lo:hi]):
                continue
            # a model-only person needs one occurrence that stands like a name
            if (s, e) not in rule_person_spans and not _person_supported(st, x):
                continue
            # two known names glued together ("贺海东崔振武出席")
            # (speed) a known a (2-3 characters) starting x: x[:2] or x[:3]
            if any(x[:k] in known and x[k:] in known for k in (2, 3) if k < len(x)):
                continue
        st.mentions.append(m)
    ner_person_spans = {to_view(st, m.start, m.end) for m in st.ner if m.type == "Person"}
    for (s, e), src in sorted(st.persons.items()):
        if (s, e) in ner_person_spans:
            continue
        add_mention(st, s, e, "Person", None, src, 0.9)
    ner_spans = {to_view(st, m.start, m.end) for m in st.ner if m.type != "Place"}
    for (s, e), (x, sub) in sorted(st.orgs.items()):
        if (s, e) not in ner_spans:
            add_mention(st, s, e, "Organization", sub or st.lex.org_subtype(x), "grammar", 0.8)
    for (s, e), x in sorted(st.enterprises.items()):
        add_mention(st, s, e, "Organization", "enterprise", "brand", 0.7)
    for (s, e), x in sorted(st.projects.items()):
        add_mention(st, s, e, "Project", None, "pattern", 0.8, text=x)
    for (s, e), x in sorted(st.actions.items()):
        add_mention(st, s, e, "Action", None, "pattern", 0.8, text=x)
    for (s, e), x in sorted(st.clusters.items()):
        add_mention(st, s, e, "Cluster", None, "pattern", 0.8, text=x)
    st.mentions.sort(key=lambda m: (m.start, m.end, m.type))


@stage(requires=("facts",),
       assigns=("facts",))
def unique_facts(st: DocState) -> None:
    """One fact per (relation, args, evidence span): the first found."""
    seen = set()
    facts = []
    for f in st.facts:
        k = (f.relation, tuple(sorted((r, a.text) for r, a in f.args.items())),
             f.evidence.start, f.evidence.end)
        if k in seen:
            continue
        seen.add(k)
        facts.append(f)
    st.facts = facts
