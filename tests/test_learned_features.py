"""The learned layer's candidates and features of an invented document are those of the
straightforward code they replaced (e04a9a1): name occurrences by regular expression, every pair
of every organisation with every action.  The digest below was computed with that code; a change
to a feature, a candidate or their order changes it (the digest was renewed when the entity
features ``opens_cluster`` and ``listed`` were added, session 11, and the context of a group's
first mention written alone, session 15, the NER confidence of a group, session 16, and the
span models' scores of a pair's action / cluster and member span, session 18, and the gazetteer's
types of every entity group's form, session 20, and action spans starting at a quoted name before
their head, session 24: with every span kept, other action spans win their groups, 23 -> 20 pairs).
Hand-made mentions, no NER model."""

from __future__ import annotations

import hashlib
import json
import random
import re

from kg.ingest import prepare_text
from kg.learned.candidates import _WINDOW, DocCandidates, Span
from kg.learned.layer import select_spans, spans_by_type
from kg.model import Arg, DocResult, Evidence, Fact, Mention

FILLER = "会议强调，要持续加强基层治理工作，推动各项任务落地见效。" * 6     # > the pair windows

TEXT = ("青川县市场监管局召开会议\n"
        "青川县市场监管局启动“护苗2031”专项行动，由县教育局牵头，县公安局配合。" + FILLER +
        "县公安局开展“净网2031”行动。县公安局县公安局联合县教育局部署工作。\n"
        "全县着力打造竹木加工产业集群，引进了翠岭竹业、山禾木器等企业。" + FILLER +
        "翠岭竹业扩建项目落地青川县。青川县青川县竹木产业集群发展迅速，山禾木器有限公司参与。")


def _mentions(doc, text, typ, sub=None):
    return [Mention(doc.id, 0, mo.start(), mo.end(), text, typ, sub, "hanlp")
            for mo in re.finditer(re.escape(text), doc.text)]


def _doc_and_result():
    doc = prepare_text(TEXT, "invented.txt")
    ms = (_mentions(doc, "青川县市场监管局", "Organization", "government")
          + _mentions(doc, "县教育局", "Organization", "government")
          + _mentions(doc, "县公安局", "Organization", "government")
          + _mentions(doc, "山禾木器有限公司", "Organization", "enterprise")
          + _mentions(doc, "青川县", "Place") + _mentions(doc, "青川", "Place"))
    ms.sort(key=lambda m: (m.start, m.end, m.type))
    ev = Evidence(doc.id, 0, 0, 4, "")
    facts = [Fact("leads_action", {"agency": Arg("县公安局", "Organization", "government"),
                                   "action": Arg("护苗2031", "Action")}, ev, "rules"),
             Fact("in_cluster", {"member": Arg("翠岭竹业", "Organization", "enterprise"),
                                 "cluster": Arg("青川县竹木产业集群", "Cluster")}, ev, "rules")]
    return doc, DocResult(doc.id, ms, facts)


def _digest(lexicon) -> tuple[str, int]:
    doc, res = _doc_and_result()
    c = DocCandidates(doc, res, lexicon)
    rows: list = [("E", g.type, g.text, sorted(g.feats)) for g in c.entity_groups()]
    spans = c.spans()
    rows += [("S", sp.start, sp.end, sp.type, sp.head, list(sp.group), sp.member_type, sorted(sp.feats))
             for sp in spans]
    # every span kept, so that each kind of pair is made
    kept = select_spans(spans, [1.0] * len(spans), {"Action": 0.5, "Cluster": 0.5, "Member": 0.5})
    pairs = c.pairs(*spans_by_type(kept))
    rows += [("P", p.relation, p.a_text, p.b_text, p.start, p.end, p.rule, sorted(p.feats)) for p in pairs]
    blob = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest(), len(pairs)


def test_features_are_those_of_the_reference_code(lexicon):
    digest, n_pairs = _digest(lexicon)
    assert n_pairs == 20
    assert digest == "aaaeb4ced0345b15b2934873431f6c3438960660d8f51321afd1e95f10f73bcb"


def test_a_group_first_written_inside_a_longer_name_has_the_context_of_its_first_own_mention(lexicon):
    """The first mention of 市人民政府 is inside 汀州市人民政府办公厅: the group also has the
    characters around its first mention written alone (经|市人民政府|同意); a group only ever
    written inside longer names has ``never_alone``; one whose first mention is alone has neither."""
    text = "汀州市人民政府办公厅发出通知。经市人民政府同意，现印发。市人民政府办公厅负责解释。"
    doc = prepare_text(text, "a.txt")
    ms = (_mentions(doc, "汀州市人民政府办公厅", "Organization", "government")
          + _mentions(doc, "市人民政府", "Organization", "government")
          + _mentions(doc, "汀州市", "Place"))
    ms.sort(key=lambda m: (m.start, m.end, m.type))
    c = DocCandidates(doc, DocResult(doc.id, ms, []), lexicon)
    feats = {(g.type, g.text): g.feats for g in c.entity_groups()}
    bare = feats[("Organization", "市人民政府")]
    assert "E:Org:al1=经" in bare and "E:Org:ar1=同" in bare and "E:Org:never_alone" not in bare
    assert "E:Pla:never_alone" in feats[("Place", "汀州市")]
    first_alone = feats[("Organization", "汀州市人民政府办公厅")]
    assert not any(":al1=" in f or ":ar1=" in f or "never_alone" in f for f in first_alone)


def test_a_name_opening_a_cluster_name_is_marked(lexicon):
    """An entity group with an occurrence that a cluster head follows in its clause, at most a
    cluster body away (青川县|竹木产业集群), has ``opens_cluster``; one that no cluster head
    follows so closely has not."""
    doc, res = _doc_and_result()
    c = DocCandidates(doc, res, lexicon)
    marked = {(g.type, g.text) for g in c.entity_groups() if f"E:{g.type[:3]}:opens_cluster" in g.feats}
    assert ("Place", "青川县") in marked
    assert ("Organization", "县公安局") not in marked and ("Organization", "山禾木器有限公司") not in marked
    text = "汀州市召开会议，部署工作。汀州市竹木加工和家具制造等多个传统优势产业集群。"
    doc = prepare_text(text, "c.txt")
    c = DocCandidates(doc, DocResult(doc.id, _mentions(doc, "汀州市", "Place"), []), lexicon)
    assert [c.cluster_head_after(m.end) for m in _mentions(doc, "汀州市", "Place")] == [False, False]
    assert c.cluster_head_after(text.index("传统") + 2)


def test_a_parenthesised_qualifier_stays_inside_a_name(lexicon):
    """A short parenthesised qualifier after a word (新材料(金属)产业集群) does not end the
    clause: the place opening such a cluster name is marked, the cluster name is a candidate
    whole; a numbered heading's marker ((一), (2)) and a qualifier holding a comma still end it."""
    text = "新增产业集群名单\n6.汀阳新材料(金属)产业集群\n(一)竹木产业集群\n会议，汀阳电子(光电，显示)产业集群"
    doc = prepare_text(text, "q.txt")
    places = _mentions(doc, "汀阳", "Place")
    c = DocCandidates(doc, DocResult(doc.id, places, []), lexicon)
    assert [c.cluster_head_after(m.end) for m in places] == [True, False]
    clusters = {sp.text for sp in c.spans() if sp.type == "Cluster"}
    assert "汀阳新材料(金属)产业集群" in clusters
    assert not any(x.startswith("(一)") for x in clusters)
    head = doc.text.index("产业集群", doc.text.index("显示"))
    assert doc.text[c.clause_start(head):head] == ""
    # an enumeration mark written inline is no qualifier: the next item's clause starts after it
    doc = prepare_text("主要任务：(1)培育电子产业集群(2)壮大新材料产业集群", "e.txt")
    c = DocCandidates(doc, DocResult(doc.id, [], []), lexicon)
    head = doc.text.rindex("产业集群")
    assert doc.text[c.clause_start(head):head] == "壮大新材料"


def test_a_word_list_person_is_no_candidate_at_the_start_of_a_longer_name(lexicon):
    """A person of the NER model's word list that the text writes as the start of a longer name
    (X of X超先生) is no generated candidate: a Han character follows that cannot end a name.
    Followed by a word that can end one (主持), a clause end or a title it stays a candidate."""
    from collections import defaultdict

    from kg.learned.candidates import entity_gazetteer

    gaz = entity_gazetteer(lexicon)
    name = next(x for x, ts in sorted(gaz.items()) if ts == ("Person",) and len(x) == 2
                and all("\u4e00" <= c <= "\u9fff" for c in x))

    def generated(text):
        doc = prepare_text(text, "g.txt")
        c = DocCandidates(doc, DocResult(doc.id, [], []), lexicon, entity_candidates=True)
        return {(m.text, m.source) for m in c.generated_mentions(defaultdict(list)) if m.type == "Person"}

    assert (name, "gen:gaz") not in generated(f"厅长{name}晟先生介绍情况。")
    assert (name, "gen:gaz") in generated(f"{name}主持会议。")
    assert (name, "gen:gaz") in generated(f"会议由{name}。")
    three = next(x for x, ts in sorted(gaz.items()) if ts == ("Person",) and len(x) == 3
                 and all("\u4e00" <= c <= "\u9fff" for c in x))
    assert (three, "gen:gaz") in generated(f"学习{three}新时代思想。")


def test_a_name_between_a_title_and_an_organisation_is_a_candidate(lexicon):
    """After a post title, a surname-led name that an organisation mention follows directly (a
    list of attendees without separators: 副主任A汀州省…厅副巡视员B) is a generated Person
    candidate with the cue ``TO``; without the organisation mention it is none."""
    from collections import defaultdict

    text = "汀州省发展改革委副主任邬承泽汀州省人力资源社会保障厅副巡视员柯文澜出席。"
    doc = prepare_text(text, "o.txt")
    org = _mentions(doc, "汀州省人力资源社会保障厅", "Organization", "government")

    def names(ms):
        c = DocCandidates(doc, DocResult(doc.id, ms, []), lexicon, entity_candidates=True)
        got = {m.text for m in c.generated_mentions(defaultdict(list)) if m.type == "Person"}
        return got, c.name_cues

    got, cues = names(org)
    assert "邬承泽" in got and "TO" in cues["邬承泽"]
    got, _cues = names([])
    assert "邬承泽" not in got


def test_an_item_of_a_list_of_its_type_is_marked(lexicon):
    """An entity group with an occurrence next to a mention of its type across a list separator
    (、 ， ,) and at most a few characters (汀州7个,青禾7个) has ``listed``; one whose neighbour is
    past a sentence end or too far has not."""
    text = "其中汀州7个,青禾7个,东岭12个。白沙县召开会议。今年石岭村的村民代表大会在礼堂隆重召开，红石县参加。"
    doc = prepare_text(text, "l.txt")
    ms = [m for x in ("汀州", "青禾", "东岭", "白沙县", "红石县") for m in _mentions(doc, x, "Place")]
    c = DocCandidates(doc, DocResult(doc.id, sorted(ms, key=lambda m: m.start), []), lexicon)
    listed = {g.text for g in c.entity_groups() if "E:Pla:listed" in g.feats}
    assert listed == {"汀州", "青禾", "东岭"}


def test_occurrences_are_those_of_finditer(lexicon):
    doc, res = _doc_and_result()
    c = DocCandidates(doc, res, lexicon)
    for x in ("青川县", "县公安局县公安局", "县公安局", "青川县青川县", "集群", "，", "“", "不在文中", "2031"):
        assert c.occurrences(x) == [mo.start() for mo in re.finditer(re.escape(x), doc.text)], x
    c2 = DocCandidates(prepare_text("啊啊啊啊啊", "a.txt"), DocResult("a.txt", [], []), lexicon)
    assert c2.occurrences("啊啊") == [0, 2]          # not overlapping, left to right
    assert c2.occurrences("啊啊啊") == [0]


# -- against the straightforward algorithms, on random documents -------------------------------

def _random_doc(rng, lexicon):
    """A random text over a few characters (names recur and overlap), random Organization /
    Place mentions, random action and cluster spans, a title line or none, rule facts."""
    n = rng.randrange(200, 900)
    text = "".join(rng.choice("甲乙丙局，。") for _ in range(n))
    if rng.random() < 0.5:
        k = rng.randrange(5, 60)
        text = text[:k] + "\n" + text[k + 1:]
    doc = prepare_text(text, "r.txt")
    t = doc.text

    def span(lo=1, hi=8):
        s = rng.randrange(0, len(t) - hi)
        return s, s + rng.randrange(lo, hi)
    ms = []
    for _ in range(rng.randrange(0, 40)):
        s, e = span()
        ms.append(Mention(doc.id, 0, s, e, t[s:e], rng.choice(["Organization", "Place", "Project"]),
                          None, "hanlp"))
    ms.sort(key=lambda m: (m.start, m.end, m.type))
    facts = []
    actions, clusters, members = [], [], []
    for typ, out in (("Action", actions), ("Cluster", clusters), ("Member", members)):
        for _ in range(rng.randrange(0, 12)):
            s, e = span(2, 10)
            out.append(Span(s, e, t[s:e], typ, "", (typ, s)))
    ev = Evidence(doc.id, 0, 0, 1, "")
    orgs = [m for m in ms if m.type == "Organization"]
    for _ in range(rng.randrange(0, 4)):
        if orgs and actions:
            facts.append(Fact("leads_action", {"agency": Arg(rng.choice(orgs).text, "Organization"),
                                               "action": Arg(rng.choice(actions).text, "Action")}, ev, "rules"))
        if ms and clusters:
            facts.append(Fact("in_cluster", {"member": Arg(rng.choice(ms).text, "Organization"),
                                             "cluster": Arg(rng.choice(clusters).text, "Cluster")}, ev, "rules"))
    return doc, DocResult(doc.id, ms, facts), actions, clusters, members


def _reference_best(c, relation, A, B):
    """The pair choice of e04a9a1: every a with every b."""
    after, before = _WINDOW[relation]
    title_end = c.line_starts[1] if len(c.line_starts) > 1 else len(c.t)
    best = {}
    for b in B:
        for a in A:
            if a.start < b.end and b.start < a.end:
                continue
            d = a.start - b.end if a.start >= b.end else b.start - a.end
            ok = (a.start >= b.end and d <= after) or (a.start < b.start and d <= before)
            key = (a.text, b.text)
            if relation == "leads_action" and a.start < title_end:
                ok = True
            if key in c.rule_pairs[relation]:
                ok = True
            if ok and (key not in best or d < best[key][0]):
                best[key] = (d, a, b)
    return [(relation, at, bt, min(a.start, b.start), max(a.end, b.end))
            for (at, bt), (d, a, b) in sorted(best.items(), key=lambda kv: (kv[1][1].start, kv[1][2].start))]


def test_random_documents_match_the_straightforward_algorithms(lexicon):
    rng = random.Random(13)
    for _ in range(150):
        doc, res, actions, clusters, members = _random_doc(rng, lexicon)
        c = DocCandidates(doc, res, lexicon)
        t = doc.text
        for x in {m.text for m in res.mentions} | {t[i:i + k] for i in range(0, len(t) - 4, 37) for k in (1, 2, 3)}:
            assert c.occurrences(x) == [mo.start() for mo in re.finditer(re.escape(x), t)], x
        # pairs: the same choice of (a, b) for each pair of names, in the same order
        got = [(p.relation, p.a_text, p.b_text, p.start, p.end) for p in c.pairs(actions, clusters, members)]
        orgs = [m for m in res.mentions if m.type == "Organization"]
        A2 = orgs + [m for m in res.mentions if m.type == "Project"] + [sp.as_mention(doc.id) for sp in members]
        for sp in members:
            sp.member_type = "Organization"
        assert got == _reference_best(c, "leads_action", orgs, actions) + _reference_best(c, "in_cluster", A2, clusters)
        # entity groups: the features that used to compare every name with every other one
        texts = {m.text for m in res.mentions if m.type in ("Organization", "Place")}
        for g in c.entity_groups():
            x, T = g.text, g.type[:3]
            same = {m.text for m in res.mentions if m.type == g.type}
            occ = [mo.start() for mo in re.finditer(re.escape(x), t)]
            inside = sum(1 for o in occ if any(m.start <= o and o + len(x) <= m.end and m.end - m.start > len(x)
                                               for m in c.long_names))
            assert (f"E:{T}:inside_longer" in g.feats) == any(x != y and x in y for y in texts)
            assert f"E:{T}:inside_share={min(4, 4 * inside // max(1, len(occ)))}" in g.feats
            assert f"E:{T}:occ={min(len(occ), 6)}" in g.feats
            assert (f"E:{T}:prefix_of_same_type" in g.feats) == any(x != y and y.startswith(x) for y in same)
            assert (f"E:{T}:extends_same_type" in g.feats) == any(x != y and x.startswith(y) for y in same)


def test_select_spans_matches_the_all_pairs_overlap_test():
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randrange(0, 60)):
            s = rng.randrange(0, 200)
            typ = rng.choice(["Action", "Cluster", "Member"])
            spans.append(Span(s, s + rng.randrange(2, 12), "x", typ, "", (typ, rng.randrange(0, 30))))
        scores = [rng.choice([0.2, 0.5, 0.6, 0.7, 0.9]) for _ in spans]
        th = {"Action": 0.5, "Cluster": 0.4, "Member": 0.6}
        best = {}
        for i, (sp, p) in enumerate(zip(spans, scores)):
            if p >= th[sp.type] and (sp.group not in best or p > best[sp.group][0]):
                best[sp.group] = (p, i)
        chosen = sorted(((spans[i], p) for p, i in best.values()), key=lambda z: (-z[1], z[0].start, z[0].end))
        ref = []
        for sp, p in chosen:
            if not any(k.start < sp.end and sp.start < k.end and k.type == sp.type for k, _ in ref):
                ref.append((sp, p))
        ref.sort(key=lambda z: (z[0].start, z[0].end, z[0].type))
        assert select_spans(spans, scores, th) == ref


def test_pair_features_carry_the_span_scores(lexicon):
    """A pair's features hold the span model's score of its action / cluster (in tenths) and,
    for a member span, the member's own; spans_by_type hands the kept spans on with their score
    and leaves the spans it was given unchanged."""
    doc, res = _doc_and_result()
    c = DocCandidates(doc, res, lexicon)
    spans = c.spans()
    cluster = next(sp for sp in spans if sp.type == "Cluster" and sp.text == "竹木加工产业集群")
    member = next(sp for sp in spans if sp.type == "Member" and sp.text == "翠岭竹业")
    kept = [(cluster, 0.87), (member, 0.42)]
    actions, clusters, members = spans_by_type(kept)
    assert (clusters[0].score, members[0].score) == (0.87, 0.42)
    assert cluster.score is None and member.score is None
    pairs = [p for p in c.pairs(actions, clusters, members, relations=("in_cluster",))
             if p.a_text == "翠岭竹业"]
    assert pairs
    assert "R:C:bscore=8" in pairs[0].feats and "R:C:ascore=4" in pairs[0].feats
    # an organisation mention (not a member span) has no member score
    org_pairs = [p for p in c.pairs(actions, clusters, members, relations=("in_cluster",))
                 if p.a_text == "山禾木器有限公司"]
    assert org_pairs and not any(f.startswith("R:C:ascore=") for f in org_pairs[0].feats)


def test_every_entity_group_says_what_the_gazetteer_calls_its_form(lexicon):
    # a model or rule mention's group carries the gazetteer's types of its form, as a generated
    # form's group does (a known county vs an organisation no list holds)
    doc, res = _doc_and_result()
    feats = {(g.type, g.text): g.feats for g in DocCandidates(doc, res, lexicon).entity_groups()}
    assert "E:Pla:gaz=Place" in feats[("Place", "青川县")]
    assert "E:Org:gaz=-" in feats[("Organization", "县公安局")]
    assert sum(f.startswith("E:Pla:gaz=") for f in feats[("Place", "青川县")]) == 1


def test_the_items_of_a_list_a_count_of_clusters_closes_are_cluster_candidates(lexicon):
    """汀江光电、精密仪表和竹木家居三大优势产业集群 (invented): each item is a Cluster candidate of a
    group of its own, marked ``counted=2`` where the count (三大) is the number of items of the
    candidate's reading: the two items around 和 are a third item, 精密仪表和竹木家居 whole (two
    items) is marked 1 and shares its group with 竹木家居; the first item has every start
    (全市着力培育汀江光电 … 光电)."""
    text = "全市着力培育汀江光电、精密仪表和竹木家居三大优势产业集群，成效明显。"
    counted = _counted(lexicon, text)
    assert {x: sp.counted for x, sp in counted.items() if not x.endswith("光电")} == {
        "精密仪表和竹木家居": 1, "精密仪表": 2, "竹木家居": 2}
    firsts = [x for x in counted if x.endswith("光电")]
    assert "全市着力培育汀江光电" in firsts and "汀江光电" in firsts and len({counted[x].group for x in firsts}) == 1
    assert all(counted[x].counted == 2 for x in firsts)
    groups = {counted[x].group for x in ("汀江光电", "精密仪表", "竹木家居")}
    assert len(groups) == 3 and counted["精密仪表和竹木家居"].group == counted["竹木家居"].group
    assert all(sp.type == "Cluster" and sp.head == "" for sp in counted.values())
    doc = prepare_text(text, "counted.txt")
    c = DocCandidates(doc, DocResult(doc.id, [], []), lexicon)
    assert "S:Clu:counted=2" in c.span_feats(counted["竹木家居"])
    assert "S:Clu:counted=1" in c.span_feats(counted["精密仪表和竹木家居"])


def _counted(lexicon, text: str) -> dict:
    doc = prepare_text(text, "counted.txt")
    return {sp.text: sp for sp in DocCandidates(doc, DocResult(doc.id, [], []), lexicon).iter_spans() if sp.counted}


def test_counted_lists_read_two_quotes_items_ending_in_a_cluster_word_and_the_previous_count(lexicon):
    """两 counts two (it has no numeral value); with three items and no 和 the count 三大 fits
    every item (A、B、C: the whole reading); quoted items lose their quotes and the last one is
    no item with a quote inside it (仪表”和“家居); an item that ends in a cluster word stays the
    head word's candidate, unmarked (one span per extent); a list runs back to the previous count, not
    over it; a count of something else (12个环节的产业图谱) and a count with no list give nothing."""
    assert {x: sp.counted for x, sp in _counted(lexicon, "做大光电和仪表两大产业。").items() if x != "做大光电"
            and x != "大光电"} == {"光电": 2, "仪表": 2}
    three = _counted(lexicon, "引进光电、仪表、家居三大产业集群。")
    assert {three[x].counted for x in ("光电", "仪表", "家居")} == {2}
    quoted = _counted(lexicon, "做大“光电”、“仪表”和“家居”三大产业集群。")
    assert set(quoted) == {"光电", "仪表", "家居"} and {sp.counted for sp in quoted.values()} == {2}
    heads = _counted(lexicon, "发展电子信息产业、装备制造产业和新材料产业三大主导产业。")
    assert "装备制造产业" not in heads and "新材料产业" not in heads     # the head word's candidates
    two = _counted(lexicon, "培育光电、仪表两大产业集群和家居、食品、纺织三大产业链。")
    assert "仪表两大产业集群和家居" not in two and two["食品"].counted == 2 and two["仪表"].counted == 2
    for other in ("全市着力培育汀江光电、精密仪表和竹木家居等优势产业，成效明显。",
                  "全市培育三大优势产业集群，成效明显。", "梳理电池、电机、汽车电子等12个环节的产业图谱。"):
        assert not _counted(lexicon, other)
