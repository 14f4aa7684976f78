"""The learned relation layer on hand-made mentions and invented sentences (no NER model):
the linear model, candidate generation, span selection, applying models, training end to end,
and the place alias merge of resolution."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from kg.evaluate import load_gold
from kg.ingest import prepare_text
from kg.learned.candidates import DocCandidates
from kg.learned.layer import DEFAULT_MODES, LearnedLayer, parse_modes, select_spans
from kg.learned.linear import LinearModel, hash_features
from kg.learned.train import (Example, best_threshold, calibrated_threshold, group_winners,
                              optimal_threshold, train)
from kg.model import Arg, DocResult, Evidence, Fact, KgError
from kg.resolve import resolve

from conftest import hand_models, mention


# -- the linear model --------------------------------------------------------------------------

def test_linear_model_learns_deterministically_and_round_trips(tmp_path):
    rows = [["bias", "good"]] * 20 + [["bias", "bad"]] * 20
    labels = [1] * 20 + [0] * 20
    a = LinearModel.train(rows, labels, dim=1 << 12, epochs=5)
    b = LinearModel.train(rows, labels, dim=1 << 12, epochs=5)
    assert np.array_equal(a.weights, b.weights) and a.bias == b.bias
    assert a.score(["bias", "good"]) > 0.9 > 0.1 > a.score(["bias", "bad"])
    a.threshold = 0.42
    a.save(tmp_path / "m")
    c = LinearModel.load(tmp_path / "m")
    assert c.threshold == 0.42 and c.score(["bias", "good"]) == pytest.approx(a.score(["bias", "good"]))
    assert hash_features(["x", "x"], 64).tolist()[0] == hash_features(["x"], 64).tolist()[0]


def test_hash_features_is_the_crc32_of_each_feature():
    # the saved models' weights sit in these buckets: any change of the hash breaks them
    feats = ["S:Act:l1=的", "", "R:L:a_subject", "汉字" * 30, "a\x00b", "x", "x"]
    want = [zlib.crc32(f.encode("utf-8")) % 4096 for f in feats]
    assert hash_features(feats, 4096).tolist() == want            # one holds the separator
    assert hash_features(feats[:4], 4096).tolist() == want[:4]
    assert hash_features([], 4096).tolist() == []
    assert hash_features(["S:Act:l1=的"], 1 << 18).tolist() == [zlib.crc32("S:Act:l1=的".encode()) % (1 << 18)]


def test_scores_do_not_depend_on_summation_order():
    rng = np.random.default_rng(3)
    m = LinearModel(dim=1 << 10)
    m.weights = rng.normal(size=m.dim).astype(np.float32) * np.float32(0.01)
    feats = [f"f{i}" for i in range(200)]
    assert m.score(feats) == m.score(list(reversed(feats))) == m.score(sorted(feats))


def test_scores_of_many_rows_are_their_scores_one_by_one():
    rng = np.random.default_rng(5)
    m = LinearModel(dim=1 << 10)
    m.weights = rng.normal(size=m.dim).astype(np.float32) * np.float32(0.1)
    m.bias = -0.25
    rows = [[f"f{rng.integers(0, 500)}" for _ in range(int(rng.integers(0, 30)))] for _ in range(300)]
    assert m.scores(rows) == [m.score(r) for r in rows] and m.scores([]) == []


def test_scores_in_chunks_and_from_a_generator(monkeypatch):
    import kg.learned.linear as linear

    rng = np.random.default_rng(7)
    m = LinearModel(dim=1 << 10)
    m.weights = rng.normal(size=m.dim).astype(np.float32) * np.float32(0.1)
    rows = [[f"f{rng.integers(0, 500)}" for _ in range(int(rng.integers(0, 30)))] for _ in range(300)]
    rows[5] = [f"g{i}" for i in range(100)]                 # a row longer than a chunk
    rows[6] = []                                            # and one without features
    whole = m.scores(rows)
    made = []                      # how many rows the generator had made at each gather
    gathers = []

    def gen():
        for r in rows:
            made.append(r)
            yield r

    real = LinearModel._logits

    def spy(self, chunk):
        gathers.append((len(made), sum(map(len, chunk))))
        return real(self, chunk)

    monkeypatch.setattr(linear, "_CHUNK", 37)       # many chunks, rows across their bounds
    monkeypatch.setattr(LinearModel, "_logits", spy)
    assert m.scores(gen()) == whole and len(made) == len(rows)
    # the rows are made as they are scored: each gather holds about _CHUNK features (a chunk
    # closes with the row that reaches 37), the rows made so far end with that chunk's
    assert len(gathers) > 20 and sum(n for _k, n in gathers) == sum(map(len, rows))
    assert all(n < 37 + 100 for _k, n in gathers)
    assert [k for k, _n in gathers] == sorted(k for k, _n in gathers) and gathers[0][0] < len(rows)
    assert m.scores(iter([])) == [] and m.scores([[]]) == [m.score([])]


# -- candidates --------------------------------------------------------------------------------

TEXT = ("青川县市场监管局启动“护苗2031”专项行动，由县教育局牵头。\n"
        "全县着力打造竹木加工产业集群，引进了翠岭竹业、山禾木器等企业。")


def _doc_and_result():
    doc = prepare_text(TEXT, "invented.txt")
    ms = [mention(doc, "青川县市场监管局", "Organization", "government"),
          mention(doc, "县教育局", "Organization", "government"),
          mention(doc, "青川县", "Place")]
    return doc, DocResult(doc.id, ms, [])


def test_spans_from_quotes_heads_and_lists(lexicon):
    doc, res = _doc_and_result()
    spans = DocCandidates(doc, res, lexicon).spans()
    # without features the same spans; span_feats makes each one's (the layer scores them so)
    c = DocCandidates(doc, res, lexicon)
    bare = c.spans(feats=False)
    assert [(s.start, s.end, s.type, s.group) for s in bare] == [(s.start, s.end, s.type, s.group) for s in spans]
    assert all(not s.feats for s in bare) and [c.span_feats(s) for s in bare] == [s.feats for s in spans]
    by_type = {}
    for sp in spans:
        by_type.setdefault(sp.type, set()).add(sp.text)
    assert "护苗2031" in by_type["Action"]                 # inside the quotes
    assert "“护苗2031”专项行动" in by_type["Action"]        # quotes and the head after them
    assert "竹木加工产业集群" in by_type["Cluster"]          # one of the starts before the head
    assert {"翠岭竹业", "山禾木器"} <= by_type["Member"]      # the list items, cut at 等
    # the spans of one head occurrence compete in one group
    groups = {sp.group for sp in spans if sp.type == "Cluster" and sp.text.endswith("产业集群")}
    assert len(groups) == 1


def test_entity_groups_without_features_then_one_by_one(lexicon):
    """The layer takes the groups without features and has each one's made as it is scored
    (``group_feats``): the features ``entity_groups()`` gives, group by group."""
    doc, res = _doc_and_result()
    whole = DocCandidates(doc, res, lexicon).entity_groups()
    c = DocCandidates(doc, res, lexicon)
    with pytest.raises(RuntimeError):
        c.group_feats(whole[0])
    bare = c.entity_groups(feats=False)
    assert [(g.type, g.text, g.mentions) for g in bare] == [(g.type, g.text, g.mentions) for g in whole]
    assert all(not g.feats for g in bare) and [c.group_feats(g) for g in bare] == [g.feats for g in whole]
    assert any(g.feats for g in whole)


def test_spans_scored_a_batch_at_a_time_keep_those_over_the_floor(lexicon, monkeypatch):
    """The layer makes the span candidates one at a time (``iter_spans``: those of ``spans``, in
    its order) and scores them in batches per type, keeping those at or over the floor: the
    spans and scores of their own ``LinearModel.score`` one by one, less those under it, in order;
    ``scores_by_model`` (no floor) gives every score."""
    import kg.learned.layer as layer_mod

    doc, res = _doc_and_result()
    c = DocCandidates(doc, res, lexicon)
    spans = c.spans(feats=False)
    assert [(s.start, s.end, s.type, s.group, s.member_type) for s in c.iter_spans()] == \
        [(s.start, s.end, s.type, s.group, s.member_type) for s in spans]
    rng = np.random.default_rng(11)
    models = {}
    for typ in ("Action", "Cluster", "Member"):
        m = LinearModel(dim=1 << 12)
        m.weights = rng.normal(size=m.dim).astype(np.float32)
        models[typ] = m
    every = [models[sp.type].score(c.span_feats(sp)) for sp in spans]
    assert layer_mod.scores_by_model(models, spans, c.span_feats) == every
    floor = {"Action": 0.4, "Cluster": 0.2, "Member": 0.6}
    want = [(sp.start, sp.end, sp.type, p) for sp, p in zip(spans, every) if p >= floor[sp.type]]
    assert 0 < len(want) < len(spans)
    for batch in (1, 3, 1000):
        monkeypatch.setattr(layer_mod, "_BATCH", batch)
        got, scores = layer_mod._scored_above(models, c.iter_spans(), c.span_feats, floor)
        assert [(sp.start, sp.end, sp.type, p) for sp, p in zip(got, scores)] == want


def test_action_spans_run_over_quoted_names(lexicon):
    """An action's name may hold short quoted names before its head word (“A”暨第三届“B”…活动):
    its candidates start at an opening quote too, not only after the last closing one; a quote
    holding a sentence end is no part of one, and cluster names are not read so."""
    doc = prepare_text("市文明办牵头开展“春风送暖”暨第三届“邻里守望”志愿服务月活动。"
                       "会上说“要抓落实。”随后启动专项行动。打造“青川竹乡”竹木产业集群。", "q.txt")
    spans = DocCandidates(doc, DocResult(doc.id, [], []), lexicon).spans()
    actions = {sp.text for sp in spans if sp.type == "Action"}
    assert {"“春风送暖”暨第三届“邻里守望”志愿服务月活动", "“邻里守望”志愿服务月活动",
            "志愿服务月活动"} <= actions
    assert "随后启动专项行动" in actions and not any(x.startswith("“要抓") for x in actions)
    clusters = {sp.text for sp in spans if sp.type == "Cluster"}
    assert "竹木产业集群" in clusters and not any(x.startswith("“青川竹乡”") for x in clusters)


def test_no_action_span_ends_at_a_date(lexicon):
    """年 and 月 end some action names (作风提升年, 安全生产月) but a date (2031年, 十二月) none:
    no Action candidate ends at a date unit after a digit or numeral, one that ends at the same
    word after another character still does."""
    doc = prepare_text("2031年十二月，青川县启动作风提升年活动，开展安全生产月宣传。", "q.txt")
    actions = {sp.text for sp in DocCandidates(doc, DocResult(doc.id, [], []), lexicon).spans()
               if sp.type == "Action"}
    assert {"作风提升年", "启动作风提升年", "安全生产月"} <= actions
    assert not any(x.endswith(("2031年", "十二月")) for x in actions)


def test_pairs_window_and_rule_flag(lexicon):
    doc, res = _doc_and_result()
    res.facts.append(Fact("leads_action", {"agency": Arg("县教育局", "Organization", "government"),
                                           "action": Arg("护苗2031", "Action")},
                          Evidence(doc.id, 0, 0, 10, ""), "rules"))
    c = DocCandidates(doc, res, lexicon)
    spans = c.spans()
    action = [s for s in spans if s.text == "护苗2031"]
    cluster = [s for s in spans if s.text == "竹木加工产业集群"]
    members = [s for s in spans if s.text in ("翠岭竹业", "山禾木器")]
    pairs = c.pairs(action, cluster, members)
    leads = {(p.a_text, p.b_text): p for p in pairs if p.relation == "leads_action"}
    assert leads[("县教育局", "护苗2031")].rule and "R:L:rule" in leads[("县教育局", "护苗2031")].feats
    assert not leads[("青川县市场监管局", "护苗2031")].rule
    inc = {(p.a_text, p.b_text) for p in pairs if p.relation == "in_cluster"}
    assert {("翠岭竹业", "竹木加工产业集群"), ("山禾木器", "竹木加工产业集群")} <= inc
    # organisations written shortly before a cluster are candidates too (the model decides)
    assert ("县教育局", "竹木加工产业集群") in inc


def test_select_spans_best_of_group_and_no_overlap(lexicon):
    doc, res = _doc_and_result()
    spans = [s for s in DocCandidates(doc, res, lexicon).spans() if s.type == "Cluster"]
    scores = [0.9 if s.text == "竹木加工产业集群" else (0.8 if s.text == "加工产业集群" else 0.1)
              for s in spans]
    kept = select_spans(spans, scores, {"Cluster": 0.5})
    assert [s.text for s, _ in kept] == ["竹木加工产业集群"]
    assert select_spans(spans, scores, {"Cluster": 0.95}) == []


# -- applying hand-set models ------------------------------------------------------------------

def test_layer_applies_models_with_backoff(tmp_path, lexicon):
    hand_models(tmp_path, {
        "Person": {"E:Per": 10}, "Organization": {"E:Org": 10},      # keep every person / org
        "Place": {},                                                  # drop every place
        "Action": {"S:Act:quoted": 10}, "Cluster": {"S:Clu:f1=竹": 8, "S:Clu:head=产业集群": 2},
        "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 1},
        "leads_action": {"R:L:bg=牵头": 4, "R:L:ar2=牵头": 10},
        "in_cluster": {"R:C:nearest_before": 10},
    }, {})
    doc, res = _doc_and_result()
    res.facts.append(Fact("located_in", {"entity": Arg("县教育局", "Organization"), "place": Arg("青川县", "Place")},
                          Evidence(doc.id, 0, 0, 4, ""), "rules"))
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert not any(m.type == "Place" for m in out.mentions)
    assert not any(f.relation == "located_in" for f in out.facts)      # it named a dropped place
    leads = {(f.args["agency"].text, f.args["action"].text) for f in out.facts if f.relation == "leads_action"}
    assert ("县教育局", "护苗2031") in leads
    assert all(f.extractor == "learned" for f in out.facts if f.relation == "leads_action")
    inc = {(f.args["member"].text, f.args["cluster"].text) for f in out.facts if f.relation == "in_cluster"}
    assert ("翠岭竹业", "竹木加工产业集群") in inc
    # back-off: where the rules stated a relation in the document, their facts stand alone
    res.facts.append(Fact("leads_action", {"agency": Arg("青川县市场监管局", "Organization"),
                                           "action": Arg("护苗2031", "Action")},
                          Evidence(doc.id, 0, 0, 10, ""), "rules"))
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert [f.extractor for f in out.facts if f.relation == "leads_action"] == ["rules"]


def test_an_action_keeps_its_best_agency(tmp_path, lexicon):
    """Two agencies score above the leads_action threshold for one action: only the better one
    leads it (most actions on real pages have one lead agency); ``replace`` mode drops the rules'
    facts of the relation and keeps the model's."""
    weights = {"Organization": {"E:Org": 10}, "Action": {"S:Act:quoted": 10},
               "leads_action": {"R:L": 6, "R:L:ar2=牵头": 3}}
    doc, res = _doc_and_result()
    for mode in ("backoff", "replace"):
        d = tmp_path / mode
        d.mkdir()
        hand_models(d, weights, {}, mode=mode)
        out = LearnedLayer.load(d, lexicon).apply(doc, res)
        leads = {(f.args["agency"].text, f.args["action"].text) for f in out.facts if f.relation == "leads_action"}
        assert leads and {a for a, _b in leads} == {"县教育局"}, leads     # sigmoid(1) > 0.5, but lower
    ruled = DocResult(res.doc_id, res.mentions, [Fact(
        "leads_action", {"agency": Arg("青川县市场监管局", "Organization"), "action": Arg("护苗2031", "Action")},
        Evidence(doc.id, 0, 0, 10, ""), "rules")])
    out = LearnedLayer.load(tmp_path / "replace", lexicon).apply(doc, ruled)
    assert {f.extractor for f in out.facts if f.relation == "leads_action"} == {"learned"}
    out = LearnedLayer.load(tmp_path / "backoff", lexicon).apply(doc, ruled)
    assert {f.extractor for f in out.facts if f.relation == "leads_action"} == {"rules"}


def test_modes_are_read_for_each_relation():
    """One mode for both relations, or some of them by name (the others keep the shipped
    default); a mode or relation that is not one is a KgError naming it."""
    assert parse_modes("backoff") == {"leads_action": "backoff", "in_cluster": "backoff"}
    assert parse_modes("in_cluster=replace") == {"leads_action": "backoff", "in_cluster": "replace"}
    assert parse_modes({"leads_action": "groups"}) == {"leads_action": "groups", "in_cluster": "groups"}
    assert parse_modes({}) == DEFAULT_MODES
    assert parse_modes(None) == DEFAULT_MODES
    with pytest.raises(KgError, match="unknown mode 'union'"):
        parse_modes("union")
    with pytest.raises(KgError, match="no relation 'located_in'"):
        parse_modes("located_in=groups")
    with pytest.raises(KgError, match="mode item 'in_cluster' is not RELATION=MODE"):
        parse_modes("in_cluster,leads_action=groups")
    with pytest.raises(KgError, match="unknown mode None"):
        parse_modes({"in_cluster": None})


def test_groups_mode_fills_the_members_no_rule_fact_names(tmp_path, lexicon):
    """``groups``: a learned fact joins the rules' facts of its relation unless one of them names
    its member (in_cluster) or action (leads_action), in the same form or one inside the other;
    ``backoff`` adds none where the rules stated the relation in the document."""
    weights = {"Organization": {"E:Org": 10}, "Cluster": {"S:Clu:f1=竹": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 1},
               "in_cluster": {"R:C:nearest_before": 10}}
    doc, res = _doc_and_result()

    def ruled(member: str) -> DocResult:
        return DocResult(res.doc_id, res.mentions, [Fact(
            "in_cluster", {"member": Arg(member, "Organization", "enterprise"),
                           "cluster": Arg("竹木加工产业集群", "Cluster")}, Evidence(doc.id, 1, 0, 4, ""), "rules")])

    def members(mode: str, result: DocResult) -> dict[str, str]:
        d = tmp_path / mode
        if not d.is_dir():
            d.mkdir()
            hand_models(d, weights, {}, mode=mode)
        out = LearnedLayer.load(d, lexicon).apply(doc, result)
        return {f.args["member"].text: f.extractor for f in out.facts if f.relation == "in_cluster"}

    # nothing stated by the rules: both modes keep the model's members
    assert members("groups", res) == members("backoff", res) == {"翠岭竹业": "learned", "山禾木器": "learned"}
    assert members("backoff", ruled("翠岭竹业")) == {"翠岭竹业": "rules"}
    assert members("groups", ruled("翠岭竹业")) == {"翠岭竹业": "rules", "山禾木器": "learned"}
    # another form of a member the rules name speaks for it too, shorter or longer
    assert members("groups", ruled("山禾")) == {"山禾": "rules", "翠岭竹业": "learned"}
    assert members("groups", ruled("青川翠岭竹业有限公司")) == {"青川翠岭竹业有限公司": "rules", "山禾木器": "learned"}


def test_each_relation_joins_the_rules_in_its_own_mode(tmp_path, lexicon):
    """The shipped modes in one layer: the rules state a leads_action and an in_cluster fact; the
    learned leads_action fact of another action is left out (backoff: the rules found that
    relation in the document), the learned in_cluster fact of another member is kept (groups);
    an action named like a rule's member speaks for nothing.  A model directory whose manifest
    names no mode is backoff for both."""
    weights = {"Organization": {"E:Org": 10}, "Action": {"S:Act:quoted": 10},
               "leads_action": {"R:L:bg=牵头": 4, "R:L:ar2=牵头": 10},
               "Cluster": {"S:Clu:f1=竹": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 1},
               "in_cluster": {"R:C:nearest_before": 10}}
    doc, res = _doc_and_result()
    ev = Evidence(doc.id, 0, 0, 4, "")
    # the rules' action is another one, named like a member of the learned facts: it speaks for
    # no in_cluster group
    ruled = DocResult(res.doc_id, res.mentions, [
        Fact("leads_action", {"agency": Arg("青川县市场监管局", "Organization"), "action": Arg("山禾木器", "Action")},
             ev, "rules"),
        Fact("in_cluster", {"member": Arg("翠岭竹业", "Organization", "enterprise"),
                            "cluster": Arg("竹木加工产业集群", "Cluster")}, ev, "rules")])

    def facts(d) -> set:
        out = LearnedLayer.load(d, lexicon).apply(doc, ruled)
        return {(f.relation, f.extractor, tuple(a.text for a in f.args.values())) for f in out.facts}

    shipped = tmp_path / "shipped"
    shipped.mkdir()
    hand_models(shipped, weights, {}, mode=DEFAULT_MODES)
    assert facts(shipped) == {("leads_action", "rules", ("青川县市场监管局", "山禾木器")),
                              ("in_cluster", "rules", ("翠岭竹业", "竹木加工产业集群")),
                              ("in_cluster", "learned", ("山禾木器", "竹木加工产业集群"))}
    both = tmp_path / "groups"
    both.mkdir()
    hand_models(both, weights, {}, mode="groups")
    assert ("leads_action", "learned", ("县教育局", "护苗2031")) in facts(both)
    # the other way round: the rules' own agency for the model's action speaks for it
    swapped = tmp_path / "swapped"
    swapped.mkdir()
    hand_models(swapped, weights, {}, mode={"leads_action": "groups", "in_cluster": "backoff"})
    ruled.facts[0] = Fact("leads_action", {"agency": Arg("青川县市场监管局", "Organization"),
                                           "action": Arg("护苗2031", "Action")}, ev, "rules")
    assert facts(swapped) == {("leads_action", "rules", ("青川县市场监管局", "护苗2031")),
                              ("in_cluster", "rules", ("翠岭竹业", "竹木加工产业集群"))}
    unnamed = tmp_path / "unnamed"
    unnamed.mkdir()
    hand_models(unnamed, weights, {})
    assert LearnedLayer.load(unnamed, lexicon).modes == {"leads_action": "backoff", "in_cluster": "backoff"}
    assert {x for x in facts(unnamed) if x[1] == "learned"} == set()


def _with_and_without(tmp_path, lexicon, weights, key: str, doc, res, pick) -> dict:
    """``{flag: pick(output)}`` of hand-made models applied with the manifest key off and on."""
    got = {}
    for flag in (False, True):
        d = tmp_path / str(flag)
        d.mkdir()
        hand_models(d, weights, {}, **{key: flag})
        got[flag] = pick(LearnedLayer.load(d, lexicon).apply(doc, res))
    return got


def test_a_kept_member_gives_its_cluster_to_its_list_mates(tmp_path, lexicon):
    """The pair model keeps only the first item of a 、-list for the cluster; with
    ``list_members`` the other items of the list follow it, without it they do not."""
    doc = prepare_text("东岭县做强电子信息产业集群，引进了云帆科技、北辰电子、启明光电等企业。\n", "invented.txt")
    res = DocResult(doc.id, [mention(doc, "东岭县", "Place")], [])
    weights = {"Place": {"E:Pla": 10}, "Cluster": {"S:Clu:f1=电": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 10},
               "in_cluster": {"R:C:al1=了": 10}}
    got = _with_and_without(tmp_path, lexicon, weights, "list_members", doc, res, lambda out: {
        (f.args["member"].text, f.args["cluster"].text, f.extractor) for f in out.facts if f.relation == "in_cluster"})
    assert got[False] == {("云帆科技", "电子信息产业集群", "learned")}
    assert got[True] == {(m, "电子信息产业集群", "learned") for m in ("云帆科技", "北辰电子", "启明光电")}


def test_list_mates_follow_whole_items(tmp_path, lexicon):
    """The walk over a 、-list takes, of the candidates starting (ending) where an item starts
    (ends), the one reaching the list mark on its other side: the projects 远山能源隔膜项目 and
    北辰材料电解液项目 follow the kept 青禾科技储能电池项目, not the shorter member span
    远山能源 (which ends the walk)."""
    doc = prepare_text("东岭县做强储能产业集群，推进青禾科技储能电池项目、远山能源隔膜项目、北辰材料电解液项目开工。\n",
                       "invented.txt")
    projects = ("青禾科技储能电池项目", "远山能源隔膜项目", "北辰材料电解液项目")
    res = DocResult(doc.id, [mention(doc, "东岭县", "Place")] + [mention(doc, x, "Project") for x in projects], [])
    weights = {"Place": {"E:Pla": 10}, "Cluster": {"S:Clu:f1=储": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:head=能源": 10}, "in_cluster": {"R:C:al1=进": 10}}
    hand_models(tmp_path, weights, {}, list_members=True)
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    got = {f.args["member"].text for f in out.facts if f.relation == "in_cluster"}
    assert got == set(projects), got


def test_the_inner_items_of_a_list_of_organisations_are_organisations(tmp_path, lexicon):
    """With ``list_orgs`` the items of a 、-list whose items are mostly organisations (two found,
    at least a third) become Organization mentions: the inner ones, the last one cut at 等, the
    first one after an opener word (引进了A); not an item a mention spans, not the
    items of a list with one organisation only, and nothing without the flag."""
    text = ("东岭县引进了云帆科技、北辰电子、启明光电、青禾智能等企业。"
            "展会上有星河电器、翠湖文具、山野茶园、东岭县等展位。"
            "园区引进了金穗农业、银杏生物、碧波水务等企业。\n")
    doc = prepare_text(text, "invented.txt")
    res = DocResult(doc.id, [mention(doc, "东岭县", "Place"), mention(doc, "云帆科技", "Organization", "enterprise"),
                             mention(doc, "北辰电子", "Organization", "enterprise"),
                             mention(doc, "星河电器", "Organization", "enterprise"),
                             mention(doc, "东岭县", "Place", nth=1),
                             mention(doc, "银杏生物", "Organization", "enterprise"),
                             mention(doc, "碧波水务", "Organization", "enterprise")], [])
    weights = {"Place": {"E:Pla": 10}, "Organization": {"E:Org": 10}}
    got = _with_and_without(tmp_path, lexicon, weights, "list_orgs", doc, res,
                            lambda out: {(m.text, m.source) for m in out.mentions if m.type == "Organization"})
    hand = {(x, "hanlp") for x in ("云帆科技", "北辰电子", "星河电器", "银杏生物", "碧波水务")}
    assert got[False] == hand
    # the first item of the last list starts after 引进 (an opener) and 了
    assert got[True] == hand | {("启明光电", "learned"), ("青禾智能", "learned"), ("金穗农业", "learned")}


def test_a_gazetteer_place_listed_with_a_kept_place_is_kept(tmp_path, lexicon):
    """A Place group the model scores below its threshold is kept when it names a gazetteer place
    and stands in a list next to a place the model keeps (汀州市7个,孝感7个,十堰7个); the same
    place written elsewhere alone, and a listed name the gazetteer does not know, are dropped."""
    doc = prepare_text("其中汀州市7个,孝感7个,青禾7个。会议在宜昌召开。\n", "p.txt")
    res = DocResult(doc.id, [mention(doc, x, "Place") for x in ("汀州市", "孝感", "青禾", "宜昌")], [])
    hand_models(tmp_path, {"Place": {"E:Pla:f2=汀州": 10}}, {})
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert {m.text for m in out.mentions if m.type == "Place"} == {"汀州市", "孝感"}
    # a gazetteer place written with its administrative suffix counts too (十堰市)
    doc = prepare_text("汀州市、十堰市、青禾市今年都有增长。\n", "q.txt")
    res = DocResult(doc.id, [mention(doc, x, "Place") for x in ("汀州市", "十堰市", "青禾市")], [])
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert {m.text for m in out.mentions if m.type == "Place"} == {"汀州市", "十堰市"}


def test_the_place_a_rule_cluster_opens_with_is_kept(tmp_path, lexicon):
    """A place mention the model scores below its threshold is kept where it opens the name of
    a cluster the rules found and the gazetteer knows it (宜昌 of 宜昌磷化工产业集群), that
    mention only (宜昌 written elsewhere is dropped); a name only counties.tsv has (婺源, but
    also words: 资源) only where three clusters or more open with a place."""
    hand_models(tmp_path, {"Place": {}}, {})       # the model keeps no place
    layer = LearnedLayer.load(tmp_path, lexicon)

    def kept(text, spans):
        doc = prepare_text(text, "c.txt")
        res = DocResult(doc.id, [mention(doc, x, t, nth=n) for x, t, n in spans], [])
        return {(m.text, m.start) for m in layer.apply(doc, res).mentions if m.type == "Place"}, doc

    got, doc = kept("宜昌磷化工产业集群入选名单，会议在宜昌召开。\n",
                    [("宜昌磷化工产业集群", "Cluster", 0), ("宜昌", "Place", 0), ("宜昌", "Place", 1)])
    assert got == {("宜昌", 0)}
    got, doc = kept("打造资源循环利用产业集群，盘活闲置资源。\n",
                    [("资源循环利用产业集群", "Cluster", 0), ("资源", "Place", 0), ("资源", "Place", 1)])
    assert got == set()
    text = "婺源文旅商品产业集群、靖安硬质合金产业集群、上栗花炮产业集群、青禾陶瓷产业集群入选。\n"
    got, doc = kept(text, [(x + y, "Cluster", 0) for x, y in (("婺源", "文旅商品产业集群"), ("靖安", "硬质合金产业集群"),
                                                              ("上栗", "花炮产业集群"), ("青禾", "陶瓷产业集群"))]
                    + [(x, "Place", 0) for x in ("婺源", "靖安", "上栗", "青禾")])
    assert {x for x, _s in got} == {"婺源", "靖安", "上栗"}


def test_list_orgs_cuts_the_first_and_last_items_where_names_end(lexicon):
    """The last item ends where it reads as a whole organisation (市住房和城乡建设局|等单位, not
    市住房|和…) or at a list word no name runs past; without one (市工业和信息化局发言) it is
    left.  The first item is not cut inside a name (市政务服务中心 keeps 服务), and items keep
    no spaces."""
    from kg.learned.layer import list_orgs
    from kg.model import sentence_finder

    def found(text, tagged):
        doc = prepare_text(text, "x.txt")
        ms = [mention(doc, x, "Organization", "government") for x in tagged]
        return {m.text for m in list_orgs(doc, ms, lexicon, sentence_finder(doc), ("引进",))}

    assert found("汀州市发改委、汀州市商务局、市住房和城乡建设局等单位参加。",
                 ["汀州市发改委", "汀州市商务局"]) == {"市住房和城乡建设局"}
    assert found("汀州市发改委、汀州市商务局、市工业和信息化局发言。", ["汀州市发改委", "汀州市商务局"]) == set()
    assert found("会上，市政务服务中心、汀州市发改委、汀州市商务局等。", ["汀州市发改委", "汀州市商务局"]) == set()
    assert found("甲公司、 汀州云帆科技、汀州北辰电子 、启明光电等企业。",
                 ["汀州云帆科技", "汀州北辰电子"]) == {"启明光电"}
    # a list closed by an enterprise tail names organisations even where none is tagged (the
    # first item, after no opener, is left); without the tail it names none
    assert found("加大对金穗农业、银杏生物、碧波水务等骨干企业的服务力度。", []) == {"银杏生物", "碧波水务"}
    assert found("加大对金穗农业、银杏生物、碧波水务等产品的推广力度。", []) == set()
    # a list given an enterprise role (clusters.tsv enterprise_role_rx) names organisations from
    # its first item to its last, an enterprise tail cut off; a role-less list names none
    assert found("形成了以金穗农业、银杏生物、碧波水务为骨干的产业体系。", []) == {"金穗农业", "银杏生物", "碧波水务"}
    assert found("形成了以金穗农业、银杏生物等骨干企业为龙头的产业体系。", []) == {"金穗农业", "银杏生物"}
    assert found("形成了以农业、生物、水务为主的产业体系。", []) == set()


def _calibration_examples(n: int = 400, power: int = 2):
    """Examples whose chance of being right is score ** power, spread evenly (a fixed sequence)."""
    exs, scores = [], []
    for i in range(n):
        s = (i + 0.5) / n
        right = ((i * 0.6180339887) % 1.0) < s ** power
        exs.append(Example(i, [], int(right), ("x", str(i)), i if right else None, False))
        scores.append(s)
    return exs, scores


def test_calibrated_threshold_finds_the_score_of_a_given_precision():
    exs, scores = _calibration_examples()
    n_gold = sum(e.label for e in exs)
    thr25, stats = calibrated_threshold(exs, scores, n_gold, 0.25)
    thr50, _ = calibrated_threshold(exs, scores, n_gold, 0.5)
    assert 0.4 < thr25 < 0.6 and 0.6 < thr50 < 0.8 and thr50 > thr25     # right with p = s**2
    assert calibrated_threshold(exs, scores, n_gold, 0.25)[0] == thr25     # deterministic
    assert stats["p"] > 0.5 and "calibration" in stats
    # a few examples more or less hardly move it (the arg-max of an F curve can jump)
    thr_less, _ = calibrated_threshold(exs[:-20], scores[:-20], n_gold, 0.25)
    assert abs(thr_less - thr25) < 0.05


def test_the_entity_threshold_is_where_a_form_is_right_with_half_the_best_f1():
    """On scores that are their own chance of being right, the entity threshold is about half
    the best F1 (the F1-optimal threshold of calibrated scores); removing a few examples moves it
    by little, and the order of the examples does not move it."""
    exs, scores = _calibration_examples(600, power=1)
    n_gold = sum(e.label for e in exs)
    best_f = best_threshold(exs, scores, n_gold)[1]["f"]
    thr, stats = optimal_threshold(exs, scores, n_gold)
    assert abs(thr - best_f / 2) < 0.05 and stats["f"] > best_f - 0.02
    order = sorted(range(len(exs)), key=lambda i: (i * 7919) % len(exs))     # another order
    assert abs(optimal_threshold([exs[i] for i in order], [scores[i] for i in order], n_gold)[0] - thr) < 1e-6
    assert abs(optimal_threshold(exs[20:], scores[20:], n_gold)[0] - thr) < 0.03


def test_optimal_threshold_for_f2_is_where_a_span_is_right_with_a_fifth_of_the_best_f2():
    """F-beta is raised by a prediction right with probability q exactly when q > F/(1 + beta^2):
    on scores that are their own chance of being right, the F2 threshold lies near a fifth of the
    best F2 (below the F1 one: recall weighs more), it reports F2, and it moves little when a few
    examples go, where the arg-max of the F2 curve may jump."""
    exs, scores = _calibration_examples(600, power=1)
    n_gold = sum(e.label for e in exs)
    best2 = best_threshold(exs, scores, n_gold, beta=2.0)[1]["f"]
    thr2, stats2 = optimal_threshold(exs, scores, n_gold, beta=2.0)
    thr1, _ = optimal_threshold(exs, scores, n_gold)
    assert abs(thr2 - best2 / 5) < 0.05 and thr2 < thr1
    assert stats2["f"] > best2 - 0.02 and "calibration" in stats2
    assert abs(stats2["f"] - 5 * stats2["p"] * stats2["r"] / (4 * stats2["p"] + stats2["r"])) < 1e-3
    assert abs(optimal_threshold(exs[20:], scores[20:], n_gold, beta=2.0)[0] - thr2) < 0.03


def test_thresholds_count_only_the_winner_of_a_pair_group():
    """Of two pairs of one group (one action, two agencies) the layer keeps the better: the
    threshold choice must not count the other as a prediction."""
    right = Example(0, [], 1, ("leads_action", "a", "x"), 0, False, (0, "leads_action", "x"))
    wrong = Example(0, [], 0, ("leads_action", "b", "x"), None, False, (0, "leads_action", "x"))
    assert group_winners([right, wrong], [0.9, 0.8]) == [0.9, 0.0]
    thr, stats = best_threshold([right, wrong], [0.9, 0.8], 1)
    assert stats == {"f": 1.0, "p": 1.0, "r": 1.0}


def test_generated_entity_candidates(lexicon):
    """With ``entity_candidates`` the entity groups also hold forms no mention has: a gazetteer
    place written without a mention, and a place with the zone word after it (as a Place and as an
    Organization); a gazetteer name inside a longer mention of its type is not proposed."""
    text = "包头经开区和赤峰市签约，乌海招商团到访。"
    doc = prepare_text(text, "z.txt")
    res = DocResult(doc.id, [mention(doc, "包头", "Place"), mention(doc, "赤峰市", "Place")], [])
    plain = {(g.type, g.text) for g in DocCandidates(doc, res, lexicon).entity_groups()}
    assert plain == {("Place", "包头"), ("Place", "赤峰市")}
    groups = {(g.type, g.text): g for g in DocCandidates(doc, res, lexicon, entity_candidates=True).entity_groups()}
    assert {k for k, g in groups.items() if g.generated} >= {
        ("Place", "包头经开区"), ("Organization", "包头经开区"), ("Place", "乌海")}
    assert ("Place", "赤峰") not in groups                     # inside the mention 赤峰市
    assert "E:Pla:src=gen:zone" in groups[("Place", "包头经开区")].feats
    assert "E:Pla:src=gen:gaz" in groups[("Place", "乌海")].feats
    # the mentions' own groups have the features they have without the generators
    assert groups[("Place", "包头")].feats == next(
        g.feats for g in DocCandidates(doc, res, lexicon).entity_groups() if g.text == "包头")


def test_page_chrome_words_are_no_person_candidates(lexicon):
    """A site's script switch (简体版 | 繁体版: 简 is a surname) is no generated person."""
    doc = prepare_text("用户空间 简体版| 繁体版\n首页 > 新闻\n青禾县召开会议。\n", "c.txt")
    res = DocResult(doc.id, [mention(doc, "青禾县", "Place")], [])
    groups = {(g.type, g.text) for g in DocCandidates(doc, res, lexicon, entity_candidates=True).entity_groups()}
    assert not {("Person", "简体版"), ("Person", "繁体版")} & groups


def test_entity_groups_carry_the_ner_confidence(lexicon):
    """A group of the NER model's mentions has their confidence, the best and the least, in six
    buckets (edges .5 .7 .9 .95 .99); a group with no NER mention has none."""
    from dataclasses import replace

    doc = prepare_text("云帆科技与云帆科技签约，汀州市发改委到场。", "c.txt")
    a, b = mention(doc, "云帆科技", "Organization"), mention(doc, "云帆科技", "Organization", nth=1)
    res = DocResult(doc.id, [replace(a, score=0.93), replace(b, score=0.42),
                             mention(doc, "汀州市发改委", "Organization", source="grammar")], [])
    groups = {g.text: set(g.feats) for g in DocCandidates(doc, res, lexicon).entity_groups()}
    assert {"E:Org:conf=3", "E:Org:cmin=0"} <= groups["云帆科技"]
    assert not any(":conf=" in f or ":cmin=" in f for f in groups["汀州市发改委"])


def test_county_names_are_place_candidates_only(lexicon):
    """A county-level name of counties.tsv written without a mention is a Place candidate; it
    makes no zone form (the zone forms stand on the mentions' and the other gazetteer places)."""
    from kg.learned.candidates import county_names, entity_gazetteer
    county = next(w for w in lexicon.words("counties", "county_short") if w in county_names(lexicon)
                  and all("\u4e00" <= c <= "\u9fff" for c in w) and len(w) == 2)
    assert entity_gazetteer(lexicon)[county] == ("Place",)
    doc = prepare_text(f"我们走访了{county}开发区。", "c.txt")
    groups = {(g.type, g.text) for g in DocCandidates(doc, DocResult(doc.id, [], []), lexicon,
                                                      entity_candidates=True).entity_groups()}
    assert ("Place", county) in groups
    assert ("Place", county + "开发区") not in groups and ("Organization", county + "开发区") not in groups


def test_a_gazetteer_name_opening_a_post_title_is_no_candidate(lexicon):
    """A gazetteer place written as the start of a post title that runs past it (代县 of
    代县长, an acting county head) is no generated candidate; written on its own it is one."""
    from kg.learned.candidates import entity_gazetteer
    assert "Place" in entity_gazetteer(lexicon)["代县"] and "代县长" in lexicon.posts
    def generated(text):
        doc = prepare_text(text, "g.txt")
        return {(g.type, g.text) for g in DocCandidates(doc, DocResult(doc.id, [], []), lexicon,
                                                        entity_candidates=True).entity_groups() if g.generated}
    assert ("Place", "代县") not in generated("县委副书记、代县长张立主持会议。")
    assert ("Place", "代县") in generated("代县召开工作会议。")


def test_a_gazetteer_city_written_with_its_mark_is_a_candidate_with_it(lexicon):
    """A city of places.tsv written with its mark and no mention (河池市把…, 甘孜州党政…) is a
    generated Place candidate with the mark, not without it."""
    doc = prepare_text("会议要求，河池市把安全生产列入重点，甘孜州党政代表团到访。", "m.txt")
    groups = {(g.type, g.text) for g in DocCandidates(doc, DocResult(doc.id, [], []), lexicon,
                                                      entity_candidates=True).entity_groups() if g.generated}
    assert {("Place", "河池市"), ("Place", "甘孜州")} <= groups
    assert ("Place", "河池") not in groups and ("Place", "甘孜") not in groups
    # a mark that opens a post title or a word (河池|市长, 河池|市场) is no city's
    doc = prepare_text("河池市长王立新说，产品打入河池市场。", "n.txt")
    groups = {(g.type, g.text) for g in DocCandidates(doc, DocResult(doc.id, [], []), lexicon,
                                                      entity_candidates=True).entity_groups() if g.generated}
    assert ("Place", "河池市") not in groups and ("Place", "河池") in groups


def test_generated_person_names(lexicon):
    """``gen:name``: a surname and one or two characters where what follows can end a name (a post
    title, a photo credit, a clause end), with the cue as a feature; a name the NER model found is
    not proposed again."""
    text = "省政府陈立文副省长出席。图为林小北摄，杜鹃花开。"
    doc = prepare_text(text, "n.txt")
    res = DocResult(doc.id, [], [])
    c = DocCandidates(doc, res, lexicon, entity_candidates=True)
    groups = {g.text: g for g in c.entity_groups() if g.type == "Person"}
    assert {"陈立文", "林小北"} <= set(groups)
    assert "E:Per:cue=XT" in groups["陈立文"].feats          # after 省政府, before 副省长
    assert any(f.startswith("E:Per:cue=X") for f in groups["林小北"].feats)   # before 摄 (a credit)
    assert "E:Per:src=gen:name" in groups["陈立文"].feats
    assert "陈立" not in groups                              # 陈立 is followed by 文: no cue
    res = DocResult(doc.id, [mention(doc, "陈立文", "Person")], [])
    groups = [g for g in DocCandidates(doc, res, lexicon, entity_candidates=True).entity_groups()
              if g.text == "陈立文"]
    assert len(groups) == 1 and not groups[0].generated


def test_layer_adds_the_generated_forms_it_keeps(tmp_path, lexicon):
    hand_models(tmp_path, {"Place": {"E:Pla:src=gen:zone": 10, "E:Pla:src=hanlp": 10},
                            "Organization": {}},
                 {}, entity_candidates=True)
    doc = prepare_text("包头经开区和赤峰市签约，乌海招商团到访。", "z.txt")
    res = DocResult(doc.id, [mention(doc, "包头", "Place"), mention(doc, "赤峰市", "Place")], [])
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    got = {(m.type, m.text, m.source) for m in out.mentions}
    assert ("Place", "包头经开区", "learned") in got            # kept: a zone form
    assert ("Place", "包头", "hanlp") in got
    assert not any(m.text == "乌海" for m in out.mentions)     # a gazetteer form the model drops
    assert not any(m.type == "Organization" for m in out.mentions)
    # a model trained without the generators adds nothing
    hand_models(tmp_path, {"Place": {"E:Pla:src=gen:zone": 10, "E:Pla:src=hanlp": 10}}, {})
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert {m.text for m in out.mentions} == {"包头", "赤峰市"}


def test_kept_project_members_become_project_mentions(tmp_path, lexicon):
    """With ``project_mentions`` a kept project member is a Project mention even where no fact
    names it, one holding an organisation's name too (its owner: 溪桥食品|冷链项目); an
    enterprise member is not, nor a project an organisation's name runs into."""
    text = "全县今年推进云岭纸业扩建项目、溪桥食品冷链项目建设，远山陶瓷公司投产。"
    doc = prepare_text(text, "p.txt")
    res = DocResult(doc.id, [mention(doc, "溪桥食品", "Organization", "enterprise")], [])
    weights = {"Organization": {"E:Org": 10},
               "Member": {"S:Mem:head=项目": 10, "S:Mem:l1=进": 3, "S:Mem:l1=、": 3,
                          "S:Mem:head=公司": 10, "S:Mem:l1=，": 3}}
    without = tmp_path / "without"
    without.mkdir()
    with_ = tmp_path / "with"
    with_.mkdir()
    hand_models(without, weights, {})
    hand_models(with_, weights, {}, project_mentions=True)
    got = {m.text for m in LearnedLayer.load(with_, lexicon).apply(doc, res).mentions if m.type == "Project"}
    assert got == {"云岭纸业扩建项目", "溪桥食品冷链项目"}, got
    # an organisation running over the project's edge (a hand-made span): no project
    crossed = DocResult(doc.id, res.mentions + [mention(doc, "冷链项目建设", "Organization")], [])
    got = {m.text for m in LearnedLayer.load(with_, lexicon).apply(doc, crossed).mentions if m.type == "Project"}
    assert got == {"云岭纸业扩建项目"}, got
    assert not any(m.type == "Project" for m in LearnedLayer.load(without, lexicon).apply(doc, res).mentions)
    assert not any(m.text == "远山陶瓷公司" for m in LearnedLayer.load(with_, lexicon).apply(doc, res).mentions)
    # with ``member_orgs`` an enterprise member scored at least that is an Organization mention
    for bar, expected in ((0.5, {"远山陶瓷公司"}), (0.99999, set())):
        d = tmp_path / f"orgs{bar}"
        d.mkdir()
        hand_models(d, weights, {}, project_mentions=True, member_orgs=bar)
        got = {(m.text, m.subtype) for m in LearnedLayer.load(d, lexicon).apply(doc, res).mentions
               if m.type == "Organization" and m.source == "learned"}
        assert got == {(x, "enterprise") for x in expected}, (bar, got)    # sigmoid(8) = 0.9997


def test_the_project_span_model_names_projects(tmp_path, lexicon):
    """Where the model directory has a Project span model, the project member candidates are also
    Project span candidates of their own group, and a kept one is a Project mention whether or
    not the Member model keeps it; a project member over the same characters adds no second
    mention.  A directory without the model (made before it) makes no Project spans."""
    text = "全县今年推进云岭纸业扩建项目、溪桥食品冷链项目建设，远山陶瓷公司投产。"
    doc = prepare_text(text, "p.txt")
    res = DocResult(doc.id, [], [])
    spans = DocCandidates(doc, res, lexicon, project_spans=True).spans()
    members = [(sp.start, sp.end) for sp in spans if sp.type == "Member" and sp.member_type == "Project"]
    projects = [sp for sp in spans if sp.type == "Project"]
    assert members and [(sp.start, sp.end) for sp in projects] == members
    assert all(sp.group[0] == "Project" and sp.feats[0] == "S:Pro" for sp in projects)
    assert not any(sp.type == "Project" for sp in DocCandidates(doc, res, lexicon).spans())
    weights = {"Project": {"S:Pro:f2=云岭": 10, "S:Pro:f2=溪桥": 10},
               "Member": {"S:Mem:f2=溪桥": 8, "S:Mem:head=项目": 2}}
    hand_models(tmp_path, weights, {}, project_mentions=True)
    got = sorted((m.text, m.source) for m in LearnedLayer.load(tmp_path, lexicon).apply(doc, res).mentions
                 if m.type == "Project")
    assert got == [("云岭纸业扩建项目", "learned"), ("溪桥食品冷链项目", "learned")], got
    # the same models without the Project span model: only the kept member is a project
    meta = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    meta["models"] = [n for n in meta["models"] if n != "Project"]
    (tmp_path / "manifest.json").write_text(json.dumps(meta), encoding="utf-8")
    got = [m.text for m in LearnedLayer.load(tmp_path, lexicon).apply(doc, res).mentions if m.type == "Project"]
    assert got == ["溪桥食品冷链项目"], got


def test_project_span_mentions_and_the_mentions_around_them(tmp_path, lexicon):
    """A Project span an organisation runs into makes no mention, nor blocks a project member
    elsewhere in it; an enterprise member across a Project mention's edge is no organisation; a
    project the rules name stands; the Project model's mentions do not depend on
    ``project_mentions`` (which is about members)."""
    def projects_and_orgs(weights, text, ms=(), **manifest):
        d = tmp_path / str(len(list(tmp_path.iterdir())))
        d.mkdir()
        hand_models(d, weights, {}, **manifest)
        doc = prepare_text(text, "p.txt")
        res = DocResult(doc.id, [mention(doc, x, typ) for x, typ in ms], [])
        out = LearnedLayer.load(d, lexicon).apply(doc, res)
        return sorted((m.type, m.text) for m in out.mentions if m.source == "learned")

    text = "全县推进云岭纸业扩建项目建设。"
    w = {"Organization": {"E:Org": 10}, "Project": {"S:Pro:f2=进云": 10}, "Member": {"S:Mem:f2=扩建": 10}}
    assert projects_and_orgs(w, text, project_mentions=True) == [("Project", "进云岭纸业扩建项目")]
    assert projects_and_orgs(w, text, [("推进云岭纸业", "Organization")], project_mentions=True) == [
        ("Project", "扩建项目")]
    w = {"Organization": {"E:Org": 10}, "Project": {"S:Pro:f2=云岭": 10}, "Member": {"S:Mem:f2=项目": 10}}
    text = "全县推进云岭纸业扩建项目公司成立。"
    assert projects_and_orgs(w, text, project_mentions=True) == [("Project", "云岭纸业扩建项目")]
    assert projects_and_orgs(w, text, project_mentions=True, member_orgs=0.0) == [("Project", "云岭纸业扩建项目")]
    assert projects_and_orgs({"Member": {"S:Mem:f2=项目": 10}}, text, project_mentions=True, member_orgs=0.5) == [
        ("Organization", "项目公司")]       # without the Project span there, the enterprise member is one
    assert projects_and_orgs(w, text, project_mentions=False, member_orgs=0.5) == [("Project", "云岭纸业扩建项目")]
    assert projects_and_orgs(w, text, [("纸业扩建项目", "Project")], project_mentions=True) == []


def test_pair_span_scale_pairs_spans_below_the_span_threshold(tmp_path, lexicon):
    """A cluster span scored under its threshold is no mention; with ``pair_span_scale`` it still
    forms pairs when it clears that share of the threshold."""
    weights = {"Organization": {"E:Org": 10}, "Cluster": {"S:Clu:f1=竹": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 1},
               "in_cluster": {"R:C:nearest_before": 10}}
    doc, res = _doc_and_result()
    got = {}
    for scale in (1.0, 0.5):
        d = tmp_path / str(scale)
        d.mkdir()
        hand_models(d, weights, {"Cluster": 0.999}, pair_span_scale=scale)
        out = LearnedLayer.load(d, lexicon).apply(doc, res)
        assert not any(m.type == "Cluster" for m in out.mentions)      # sigmoid(5) < 0.999
        got[scale] = {(f.args["member"].text, f.args["cluster"].text) for f in out.facts
                      if f.relation == "in_cluster"}
    assert got[1.0] == set()
    assert ("翠岭竹业", "竹木加工产业集群") in got[0.5]


def test_missing_model_is_a_clear_error(tmp_path, lexicon):
    with pytest.raises(KgError, match="manifest.json missing"):
        LearnedLayer.load(tmp_path, lexicon)


# -- training end to end on invented pages -----------------------------------------------------

PAGES = [
    ("a.txt", "东川区文旅局启动“清风2030”专项行动，由区文旅局牵头。", "区文旅局", "清风2030", "东川区"),
    ("b.txt", "南岭县商务局启动“暖阳2029”专项行动，由县商务局牵头。", "县商务局", "暖阳2029", "南岭县"),
    ("c.txt", "北塘区科技局启动“启明2028”专项行动，由区科技局牵头。", "区科技局", "启明2028", "北塘区"),
    ("d.txt", "西湾县农业局启动“丰禾2027”专项行动，由县农业局牵头。", "县农业局", "丰禾2027", "西湾县"),
]


def _pages(tmp_path, pages=PAGES):
    """The invented pages with hand-made mentions, and their gold file (in ``tmp_path``)."""
    data, gold = [], []
    for doc_id, text, agency, action, place in pages:
        doc = prepare_text(text, doc_id)
        first_org = text[:text.index("启动")]
        ms = [mention(doc, first_org, "Organization", "government"),
              mention(doc, agency, "Organization", "government"),
              mention(doc, place, "Place")]
        data.append((doc, DocResult(doc_id, ms, [])))
        gold += [{"doc": doc_id, "kind": "doc", "exhaustive": ["Organization", "Place", "leads_action"]},
                 {"doc": doc_id, "kind": "entity", "type": "Organization", "name": [first_org]},
                 {"doc": doc_id, "kind": "entity", "type": "Organization", "name": [agency]},
                 {"doc": doc_id, "kind": "entity", "type": "Place", "name": [place]},
                 {"doc": doc_id, "kind": "leads_action", "agency": [agency], "action": [action]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    return data, load_gold(gpath)


def test_train_writes_models_that_reproduce_their_gold(tmp_path, lexicon):
    data, gold = _pages(tmp_path)
    report = train(data, gold, lexicon, tmp_path / "model", folds=2, epochs=8)
    assert report["documents"] == 4 and report["models"]["leads_action"]["positives"] >= 4
    layer = LearnedLayer.load(tmp_path / "model", lexicon)
    doc, res = data[0]
    out = layer.apply(doc, res)
    leads = {(f.args["agency"].text, f.args["action"].text) for f in out.facts if f.relation == "leads_action"}
    assert ("区文旅局", "清风2030") in leads


def test_train_learns_the_project_span_model_from_project_entities(tmp_path, lexicon):
    """The Project span model learns from the gold's Project entities (no cluster named with
    them): trained on invented pages, it keeps the named project of a page and not the generic
    one; ``project_model=False`` writes the models without it."""
    pages = [("p1.txt", "云岭纸业扩建项目开工，全县重点项目进展顺利。", "云岭纸业扩建项目"),
             ("p2.txt", "溪桥食品冷链项目开工，全县重点项目进展顺利。", "溪桥食品冷链项目"),
             ("p3.txt", "远山陶瓷二期项目开工，全县重点项目进展顺利。", "远山陶瓷二期项目"),
             ("p4.txt", "青禾农机装配项目开工，全县重点项目进展顺利。", "青禾农机装配项目")]
    data, gold = [], []
    for doc_id, text, project in pages:
        doc = prepare_text(text, doc_id)
        data.append((doc, DocResult(doc_id, [], [])))
        gold += [{"doc": doc_id, "kind": "doc", "exhaustive": ["Organization", "Place"]},
                 {"doc": doc_id, "kind": "entity", "type": "Project", "name": [project]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    report = train(data, load_gold(gpath), lexicon, tmp_path / "model", folds=2, epochs=8)
    assert report["models"]["Project"]["positives"] == 4
    layer = LearnedLayer.load(tmp_path / "model", lexicon)
    assert "Project" in layer.models
    for (doc, res), (_id, _text, project) in zip(data, pages):
        got = [m.text for m in layer.apply(doc, res).mentions if m.type == "Project"]
        assert got == [project], got
    train(data, load_gold(gpath), lexicon, tmp_path / "without", folds=2, epochs=2, project_model=False)
    meta = json.loads((tmp_path / "without" / "manifest.json").read_text(encoding="utf-8"))
    assert "Project" not in meta["models"] and not (tmp_path / "without" / "Project.npz").exists()


def test_l2_weights_shrink_the_models_they_name(tmp_path, lexicon):
    """``span_l2`` regularises the span models only: their weights shrink, the entity models are
    the same files, and the manifest records the weights."""
    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    train(data, gold, lexicon, tmp_path / "l2", folds=2, epochs=8, span_l2=0.05)
    plain, l2 = LinearModel.load(tmp_path / "plain" / "Action"), LinearModel.load(tmp_path / "l2" / "Action")
    assert np.abs(l2.weights).sum() < 0.9 * np.abs(plain.weights).sum()
    for name in ("Organization", "Place"):
        assert (tmp_path / "plain" / f"{name}.npz").read_bytes() == (tmp_path / "l2" / f"{name}.npz").read_bytes()
    report = json.loads((tmp_path / "l2" / "manifest.json").read_text(encoding="utf-8"))["report"]
    assert report["l2"] == {"entity": 1e-5, "span": 0.05, "pair": 1e-5, "action": 0.05}


def test_span_calibrated_changes_only_the_span_thresholds(tmp_path, lexicon, monkeypatch):
    """``span_calibrated`` sets the span models' thresholds by :func:`optimal_threshold` (a
    calibration of their out-of-fold scores, recorded in the manifest) and leaves their weights
    as they were, and the entity models as they were; the manifest says it was on.  (The pair
    models are formed over the spans above those thresholds, so they may change with them.)  It
    never calibrates a pair model: with ``pair_precision`` None those keep their best-F1
    threshold."""
    data, gold = _pages(tmp_path)
    plain = train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    cal = train(data, gold, lexicon, tmp_path / "cal", folds=2, epochs=8, span_calibrated=True)
    assert "span_calibrated" not in plain and cal["span_calibrated"] is True
    spans = [n for n in ("Action", "Cluster", "Member", "Project") if n in cal["models"]]
    assert "Action" in spans
    for name in spans + ["Person", "Organization", "Place"]:
        if name in cal["models"]:
            assert (tmp_path / "plain" / f"{name}.npz").read_bytes() == (tmp_path / "cal" / f"{name}.npz").read_bytes()
    for name in ("Organization", "Place"):
        assert cal["models"][name]["threshold"] == plain["models"][name]["threshold"]
    act = cal["models"]["Action"]
    assert "calibration" in act["out_of_fold"] and "calibration" not in plain["models"]["Action"]["out_of_fold"]
    assert act["threshold"] < plain["models"]["Action"]["threshold"]      # F2*/5, not the F2 arg-max
    # the models that go through optimal_threshold are the same whether the pair models are
    # calibrated (pair_precision) or take their best F1 (None)
    import kg.learned.train as train_mod
    calls: list[int] = []
    real = train_mod.optimal_threshold
    monkeypatch.setattr(train_mod, "optimal_threshold", lambda exs, *a, **k: calls.append(len(exs)) or real(exs, *a, **k))
    train(data, gold, lexicon, tmp_path / "p", folds=2, epochs=2, span_calibrated=True)
    with_precision = sorted(calls)
    calls.clear()
    report = train(data, gold, lexicon, tmp_path / "n", folds=2, epochs=2, span_calibrated=True, pair_precision=None)
    assert report["models"]["leads_action"]["examples"] > 0 and with_precision
    assert sorted(calls) == with_precision


EXTRA_PAGES = [
    ("x1.txt", "江北区住建局启动“安居2026”专项行动，由区住建局牵头。", "区住建局", "安居2026", "江北区"),
    ("x2.txt", "东坡县水利局启动“清流2025”专项行动，由县水利局牵头。", "县水利局", "清流2025", "东坡县"),
]


def test_extra_documents_train_the_span_and_pair_models_only(tmp_path, lexicon):
    """``extra`` documents (with their own gold) join every fold's training of the span and pair
    models: their candidates are examples of those models, but the gold counted for the
    thresholds is that of ``data`` alone, the entity models are the files a training without
    them writes, and the manifest says how many there were.  A document in both raises."""
    data, gold = _pages(tmp_path)
    (tmp_path / "x").mkdir()
    extra, xgold = _pages(tmp_path / "x", EXTRA_PAGES)
    plain = train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    more = train(data, gold, lexicon, tmp_path / "more", folds=2, epochs=8, extra=extra, extra_gold=[xgold])
    assert "extra_documents" not in plain and more["extra_documents"] == 2
    for name in ("leads_action", "Action"):
        assert more["models"][name]["gold"] == plain["models"][name]["gold"] == 4
        assert more["models"][name]["examples"] > plain["models"][name]["examples"]
        assert more["models"][name]["positives"] >= plain["models"][name]["positives"] + 2
    for name in ("Organization", "Place"):
        assert (tmp_path / "plain" / f"{name}.npz").read_bytes() == (tmp_path / "more" / f"{name}.npz").read_bytes()
    layer = LearnedLayer.load(tmp_path / "more", lexicon)
    doc, res = data[1]
    leads = {(f.args["agency"].text, f.args["action"].text) for f in layer.apply(doc, res).facts
             if f.relation == "leads_action"}
    assert ("县商务局", "暖阳2029") in leads
    with pytest.raises(KgError, match="also in the training documents"):
        train(data, gold, lexicon, tmp_path / "clash", folds=2, epochs=2, extra=data[:1], extra_gold=[gold])
    with pytest.raises(KgError, match="need their gold"):
        train(data, gold, lexicon, tmp_path / "nogold", folds=2, epochs=2, extra=extra)
    with pytest.raises(KgError, match="same file name in two extra corpora"):
        train(data, gold, lexicon, tmp_path / "twice", folds=2, epochs=2, extra=extra + extra[:1], extra_gold=[xgold])


def test_the_seed_orders_the_examples_and_is_recorded(tmp_path, lexicon):
    """``seed`` draws the first order the examples are trained in: the same seed writes the same
    files, another one other weights; the manifest records it and ``seeds``."""
    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "a", folds=2, epochs=8)
    train(data, gold, lexicon, tmp_path / "b", folds=2, epochs=8, seed=13)
    train(data, gold, lexicon, tmp_path / "c", folds=2, epochs=8, seed=14)

    def npz(d, name):
        return (tmp_path / d / f"{name}.npz").read_bytes()

    assert all(npz("a", n) == npz("b", n) for n in ("Organization", "Action", "leads_action"))
    assert npz("a", "Action") != npz("c", "Action")
    reports = [json.loads((tmp_path / d / "manifest.json").read_text(encoding="utf-8"))["report"]
               for d in ("a", "c")]
    assert [(r["seed"], r["seeds"]) for r in reports] == [(13, 4), (14, 4)]


def test_every_model_and_its_out_of_fold_scores_get_the_seeds(tmp_path, lexicon, monkeypatch):
    """The out-of-fold models that choose the thresholds are trained like the shipped ones: every
    call of ``LinearModel.train`` gets the seed and the number of orders."""
    data, gold = _pages(tmp_path)
    calls = []
    real = LinearModel.train.__func__

    def spy(cls, rows, labels, **kw):
        calls.append((kw.get("seed"), kw.get("seeds")))
        return real(cls, rows, labels, **kw)

    orders = []
    one = LinearModel._train_one.__func__

    def spy_one(cls, X, dense, labels, dim, epochs, lr, l2, seed, *rest):
        orders.append(seed)
        return one(cls, X, dense, labels, dim, epochs, lr, l2, seed, *rest)

    monkeypatch.setattr(LinearModel, "train", classmethod(spy))
    monkeypatch.setattr(LinearModel, "_train_one", classmethod(spy_one))
    train(data, gold, lexicon, tmp_path / "m", folds=2, epochs=2, seed=21, seeds=3)
    # per model (9 with the Project span model): 2 out-of-fold fits and the final one, each of
    # the three orders
    assert len(calls) == 3 * 9 and set(calls) == {(21, 3)}
    assert len(orders) == 3 * len(calls) and set(orders) == {21, 22, 23}


def test_seeds_average_the_models_of_their_orders():
    """A model trained with ``seeds`` = 3 is the mean of the three single-order models."""
    rows = [[f"f{i % 5}", f"g{i % 3}"] for i in range(40)]
    labels = [int(i % 5 < 2) for i in range(40)]
    ms = [LinearModel.train(rows, labels, dim=64, epochs=3, seed=s) for s in (7, 8, 9)]
    avg = LinearModel.train(rows, labels, dim=64, epochs=3, seed=7, seeds=3)
    assert not np.array_equal(ms[0].weights, ms[1].weights)
    assert np.allclose(avg.weights, np.mean([m.weights for m in ms], axis=0), atol=1e-6)
    assert abs(avg.bias - sum(m.bias for m in ms) / 3) < 1e-9


def test_entity_models_learn_from_entity_data(tmp_path, lexicon):
    """``entity_data`` (the same pages as tagged by another NER model) trains the entity models
    alone: they are the files a training on ``entity_data`` writes, the span and pair models those
    of a training on ``data``; the manifest names the NER models."""
    data, gold = _pages(tmp_path)
    # another tagger's view: it also tags the action's name as a place (an error the filter must learn)
    other = []
    for (doc, res), (_id, text, _agency, action, _place) in zip(data, PAGES):
        other.append((doc, DocResult(doc.id, res.mentions + [mention(doc, action, "Place")], [])))
    train(data, gold, lexicon, tmp_path / "mixed", folds=2, epochs=8, entity_data=other,
          ner={"relations": "aaa", "entities": "bbb"})
    train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    train(other, gold, lexicon, tmp_path / "other", folds=2, epochs=8)

    def same(a, b, name):
        return (tmp_path / a / f"{name}.npz").read_bytes() == (tmp_path / b / f"{name}.npz").read_bytes()

    assert same("mixed", "other", "Place") and not same("mixed", "plain", "Place")
    for name in ("Action", "leads_action"):
        assert same("mixed", "plain", name)
    report = json.loads((tmp_path / "mixed" / "manifest.json").read_text(encoding="utf-8"))["report"]
    assert report["ner"] == {"relations": "aaa", "entities": "bbb"}
    from kg.model import KgError
    with pytest.raises(KgError, match="same documents"):
        train(data, gold, lexicon, tmp_path / "bad", folds=2, epochs=8, entity_data=other[::-1])


# -- resolution: one place with and without its suffix ------------------------------------------

def test_place_with_and_without_suffix_is_one_place(lexicon):
    doc = prepare_text("汀州省代表团到访。汀州是农业大省。", "p.txt")
    res = DocResult(doc.id, [mention(doc, "汀州省", "Place"), mention(doc, "汀州", "Place", nth=1)], [])
    entities, _facts = resolve([doc], [res], lexicon)
    places = [e for e in entities.values() if e.type == "Place"]
    assert [p.name for p in places] == ["汀州省"] and places[0].aliases == {"汀州"}
    # 汀州地区 is 汀州市 where the document writes both; 汀州地区 alone names itself
    doc = prepare_text("汀州市召开大会。汀州地区矿产丰富，汀州各地落实。", "a.txt")
    res = DocResult(doc.id, [mention(doc, "汀州市", "Place"), mention(doc, "汀州地区", "Place"),
                             mention(doc, "汀州", "Place", nth=2)], [])
    places = [e for e in resolve([doc], [res], lexicon)[0].values() if e.type == "Place"]
    assert [p.name for p in places] == ["汀州市"] and places[0].aliases == {"汀州", "汀州地区"}
    # the same without the bare 汀州
    doc = prepare_text("汀州市召开大会。汀州地区矿产丰富。", "c.txt")
    res = DocResult(doc.id, [mention(doc, "汀州市", "Place"), mention(doc, "汀州地区", "Place")], [])
    places = [e for e in resolve([doc], [res], lexicon)[0].values() if e.type == "Place"]
    assert [p.name for p in places] == ["汀州市"] and places[0].aliases == {"汀州地区"}
    doc = prepare_text("汀州地区矿产丰富。", "b.txt")
    places = [e for e in resolve([doc], [DocResult(doc.id, [mention(doc, "汀州地区", "Place")], [])],
                                 lexicon)[0].values() if e.type == "Place"]
    assert [p.name for p in places] == ["汀州地区"]


def test_mentioned_in_keeps_the_form_the_document_writes(lexicon):
    doc = prepare_text("汀州市委召开会议。", "q.txt")
    res = DocResult(doc.id, [mention(doc, "汀州市委", "Organization", "party")], [])
    _entities, facts = resolve([doc], [res], lexicon)
    (m,) = [f for f in facts if f.relation == "mentioned_in"]
    assert m.args["entity"].text == "汀州市委"              # as written
    assert m.args["entity"].name != "汀州市委"              # the canonical full name


def test_train_relations_refuses_an_unknown_mode_before_any_work(tmp_path):
    """A wrong --mode is reported at once (no NER run over the corpus first)."""
    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--mode", "merge"])
    assert res.exit_code != 0
    assert "--mode: learned relation model: unknown mode 'merge' (backoff, groups, replace)" in res.output
    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--mode", "in_clusters=groups"])
    assert res.exit_code != 0
    assert "no relation 'in_clusters' (relations: leads_action, in_cluster)" in res.output
    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--mode", "in_cluster,leads_action=groups"])
    assert res.exit_code != 0
    assert "mode item 'in_cluster' is not RELATION=MODE" in res.output


def test_train_relations_refuses_an_unknown_tree_model_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--tree-models", "Action,Acton"])
    assert res.exit_code != 0
    assert "--tree-models: no model named Acton" in res.output


def test_train_relations_refuses_extra_corpora_without_their_gold_before_any_work(tmp_path):
    """Each --extra-corpus needs an --extra-gold: a count that differs is reported at once."""
    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--extra-corpus", str(tmp_path / "a"),
                                   "--extra-corpus", str(tmp_path / "b"), "--extra-gold", str(tmp_path / "a.jsonl")])
    assert res.exit_code != 0
    assert "--extra-corpus given 2 times, --extra-gold 1" in res.output


def test_train_relations_refuses_one_file_name_in_two_extra_corpora_before_any_work(tmp_path):
    """Two --extra-corpus directories holding one file name (a gold record names its page by that
    name) are reported before the NER model is loaded: here a missing one, never reached."""
    from typer.testing import CliRunner

    from kg.cli import app

    head = '{"doc": "%s", "kind": "doc", "exhaustive": ["Person"]}\n'
    for d in ("main", "a", "b"):
        (tmp_path / d).mkdir()
    (tmp_path / "main" / "p.txt").write_text("县商务局召开会议。", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text(head % "p.txt", encoding="utf-8")
    args = ["model", "train-relations", "--corpus", str(tmp_path / "main"), "--gold", str(tmp_path / "gold.jsonl"),
            "--ner-model", str(tmp_path / "no-model"), "--out", str(tmp_path / "out")]
    for d in ("a", "b"):
        (tmp_path / d / "same.txt").write_text("市商务局召开会议。", encoding="utf-8")
        (tmp_path / f"{d}.jsonl").write_text(head % "same.txt", encoding="utf-8")
        args += ["--extra-corpus", str(tmp_path / d), "--extra-gold", str(tmp_path / f"{d}.jsonl")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code != 0
    assert "the same file name in two extra corpora: same.txt" in res.output
    assert not (tmp_path / "out").exists()


def test_tree_models_are_trained_as_trees_and_the_layer_loads_them(tmp_path, lexicon):
    """``tree_models`` trains the models it names as boosted trees mixed with a linear model
    (the others stay linear, the same files as without it); the manifest records them and the
    layer loads and applies both kinds."""
    from kg.learned.trees import TreeModel

    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "lin", folds=2, epochs=8)
    with pytest.raises(KgError, match="no model named Acton"):
        train(data, gold, lexicon, tmp_path / "bad", folds=2, epochs=8, tree_models="Acton")
    report = train(data, gold, lexicon, tmp_path / "tr", folds=2, epochs=8, tree_models="Action,leads_action",
                   trees=20, tree_depth=2)
    assert report["trees"] == {"models": ["Action", "leads_action"], "trees": 20, "depth": 2, "mix": 0.5}
    layer = LearnedLayer.load(tmp_path / "tr", lexicon)
    assert isinstance(layer.models["Action"], TreeModel) and isinstance(layer.models["leads_action"], TreeModel)
    assert layer.models["Action"].linear is not None and layer.models["Action"].roots.size == 20
    for name in ("Organization", "Cluster", "in_cluster"):
        assert isinstance(layer.models[name], LinearModel)
        assert (tmp_path / "lin" / f"{name}.npz").read_bytes() == (tmp_path / "tr" / f"{name}.npz").read_bytes()
    doc, res = data[0]
    leads = {(f.args["agency"].text, f.args["action"].text) for f in layer.apply(doc, res).facts
             if f.relation == "leads_action"}
    assert ("区文旅局", "清风2030") in leads


def test_the_loss_tools_count_false_positives_by_extractor_and_wrong_argument(tmp_path):
    """``benchmarks/relations_crossfit.py false_positives`` (also printed by
    relation_losses.py): a fact matching a gold record is none; the others are counted by their
    extractor and by which argument the page's gold does not have."""
    from conftest import load_benchmark

    xf = load_benchmark("relations_crossfit")
    doc = prepare_text("青川县市场监管局启动“护苗2031”专项行动。", "p.txt")
    other = prepare_text("县教育局启动“春苗2031”行动。", "q.txt")
    gold = [{"doc": "p.txt", "kind": "doc", "exhaustive": ["leads_action"]},
            {"doc": "p.txt", "kind": "leads_action", "agency": ["青川县市场监管局"], "action": ["护苗2031"]},
            {"doc": "q.txt", "kind": "doc", "exhaustive": ["leads_action"]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    ev = Evidence("p.txt", 0, 0, 4, "")

    def lead(agency: str, action: str, extractor: str) -> Fact:
        return Fact("leads_action", {"agency": Arg(agency, "Organization"), "action": Arg(action, "Action")},
                    ev, extractor)

    outs = [DocResult("p.txt", [], [lead("青川县市场监管局", "护苗2031", "launch"),          # right
                                     lead("青川县市场监管局", "护苗2031专项行动", "learned"),
                                     lead("县教育局", "护苗2031", "learned"),
                                     lead("县教育局", "春苗2031", "launch")]),
            DocResult("q.txt", [], [lead("县教育局", "春苗2031", "launch")])]
    data = [(doc, DocResult("p.txt", [], [])), (other, DocResult("q.txt", [], []))]
    cnt = xf.false_positives(data, outs, load_gold(gpath), "leads_action")
    assert cnt == {("learned", "action not in the gold"): 1, ("learned", "agency not in the gold"): 1,
                   ("launch", "neither in the gold"): 1, ("launch", "a page without gold records"): 1}


def test_the_crossfit_tool_lists_each_models_threshold_in_each_fold():
    """``benchmarks/relations_crossfit.py fold_thresholds``: by model name, the threshold of each
    fold model in fold order, None where a fold model lacks that model."""
    from types import SimpleNamespace as NS

    from conftest import load_benchmark

    xf = load_benchmark("relations_crossfit")
    layers = [NS(models={"Cluster": NS(threshold=0.8), "in_cluster": NS(threshold=0.34)}),
              NS(models={"Cluster": NS(threshold=0.28)})]
    assert xf.fold_thresholds(layers) == {"Cluster": [0.8, 0.28], "in_cluster": [0.34, None]}


def test_the_crossfit_tool_pairs_each_variant_with_a_baseline(tmp_path):
    """``benchmarks/relations_crossfit.py paired_lines`` (``--baseline``, and later variants against
    the first): the paired difference in the scopes a layer change moves, with its interval; the
    scopes both agree on left out."""
    from conftest import load_benchmark

    from kg.evaluate import load_gold, load_predictions, score
    from kg.model import Arg, Evidence, Fact

    xf = load_benchmark("relations_crossfit")
    gold_lines = []
    for i in range(6):
        doc = f"{i}.txt"
        gold_lines += [{"doc": doc, "kind": "doc", "exhaustive": ["leads_action", "Organization"]},
                       {"doc": doc, "kind": "leads_action", "agency": ["市林业局"], "action": ["护林专项行动"]},
                       {"doc": doc, "kind": "entity", "type": "Organization", "name": ["市林业局"]}]
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in gold_lines),
                                         encoding="utf-8")
    gold = load_gold(tmp_path / "gold.jsonl")

    def facts(n_leads: int) -> list:
        out = []
        for i in range(6):
            org = Arg("市林业局", "Organization", name="市林业局")
            out.append(Fact("mentioned_in", {"entity": org, "document": Arg(f"{i}.txt", "Document")},
                            Evidence(f"{i}.txt", 0, 0, 4, "s"), "mention"))
            if i < n_leads:
                out.append(Fact("leads_action", {"agency": org, "action": Arg("护林专项行动", "Action")},
                                Evidence(f"{i}.txt", 0, 0, 4, "s"), "learned"))
        return out

    better, worse = score(gold, load_predictions(facts(6))), score(gold, load_predictions(facts(3)))
    lines = xf.paired_lines(better, worse, "the first variant", resamples=200)
    assert "paired with the first variant" in lines[0]
    assert [ln.split()[0] for ln in lines[1:]] == ["leads_action", "overall"]   # Organization: the same
    assert lines[1].split()[1] == "+33.3"        # 100 - 66.7
    assert xf.paired_lines(better, better, "itself", resamples=50)[1:] == ["   no difference"]


def test_the_crossfit_tool_says_what_the_output_holds_of_each_record(tmp_path):
    """``benchmarks/relations_crossfit.py output_losses``: each required record counted once, as a
    made fact, an action / cluster the output does not name, or by what became of its member /
    agency (paired elsewhere, an entity no fact pairs, an entity under another cut, no entity);
    an optional record is not counted."""
    from conftest import load_benchmark

    xf = load_benchmark("relations_crossfit")
    text = ("翠岭竹业、青林纸业、白石竹器厂、溪口竹编社都在竹木加工产业集群。"
            "红枫茶业在茶产业集群。县林业局牵头开展“护林2031”行动。")
    doc = prepare_text(text, "p.txt")
    gold = [{"doc": "p.txt", "kind": "doc", "exhaustive": ["in_cluster", "leads_action"]}]
    for member, cluster, optional in (("翠岭竹业", "竹木加工产业集群", False),      # made
                                      ("青林纸业", "竹木加工产业集群", False),      # paired elsewhere
                                      ("白石竹器厂", "竹木加工产业集群", False),    # an unpaired entity
                                      ("白石竹器", "竹木加工产业集群", False),      # under another cut
                                      ("溪口竹编社", "竹木加工产业集群", False),    # no entity
                                      ("红枫茶业", "名茶产业集群", False),          # the cluster not named
                                      ("溪口竹编社", "茶产业集群", True)):          # optional: not counted
        gold.append({"doc": "p.txt", "kind": "in_cluster", "member": [member], "member_type": "Enterprise",
                     "cluster": [cluster], **({"optional": True} if optional else {})})
    gold.append({"doc": "p.txt", "kind": "leads_action", "agency": ["县林业局"], "action": ["护林2031"]})
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    ms = [mention(doc, x, "Organization", "enterprise") for x in ("翠岭竹业", "青林纸业", "白石竹器厂", "红枫茶业")]
    ms += [mention(doc, "竹木加工产业集群", "Cluster"), mention(doc, "茶产业集群", "Cluster"),
           mention(doc, "县林业局", "Organization", "government"), mention(doc, "护林2031", "Action")]
    ev = Evidence("p.txt", 0, 0, 4, "")

    def member_of(member: str, cluster: str) -> Fact:
        return Fact("in_cluster", {"member": Arg(member, "Organization"), "cluster": Arg(cluster, "Cluster")},
                    ev, "learned")

    facts = [member_of("翠岭竹业", "竹木加工产业集群"), member_of("青林纸业", "茶产业集群")]
    data = [(doc, DocResult("p.txt", [], []))]
    got = xf.output_losses(data, [DocResult("p.txt", ms, facts)], load_gold(gpath))
    assert got["in_cluster"] == {"the fact is made": 1,
                                 "cluster named; the member is paired with another cluster": 1,
                                 "cluster named; the member is an entity no fact pairs": 1,
                                 "cluster named; the member is an entity under another cut": 1,
                                 "cluster named; the member is no entity": 1,
                                 "the cluster is not named": 1}
    assert got["leads_action"] == {"action named; the agency is an entity no fact pairs": 1}


def test_the_ceiling_tool_counts_what_the_pair_stage_could_find(tmp_path, lexicon):
    """``benchmarks/relations_crossfit.py ceiling``: of the required gold records, those some pair
    of the kept spans states, those the best pair of their group states, and those whose best
    pair also clears the pair threshold; a record whose member the page never writes is none.
    Hand-set models: the counts do not move with the span thresholds' scale, the pair threshold
    moves only the last."""
    from conftest import load_benchmark

    xf = load_benchmark("relations_crossfit")
    weights = {"Organization": {"E:Org": 10}, "Action": {"S:Act:quoted": 10},
               "Cluster": {"S:Clu:f1=竹": 8, "S:Clu:head=产业集群": 2},
               "Member": {"S:Mem:r1=、": 10, "S:Mem:r1=等": 10, "S:Mem:l1=、": 10, "S:Mem:l1=了": 1},
               "leads_action": {"R:L:bg=牵头": 4, "R:L:ar2=牵头": 10},
               "in_cluster": {"R:C:nearest_before": 10}}
    gold = [{"doc": "invented.txt", "kind": "leads_action", "agency": ["县教育局"], "action": ["护苗2031"]},
            {"doc": "invented.txt", "kind": "in_cluster", "member": ["翠岭竹业"], "member_type": "Enterprise",
             "cluster": ["竹木加工产业集群"]},
            {"doc": "invented.txt", "kind": "in_cluster", "member": ["青林纸业"], "member_type": "Enterprise",
             "cluster": ["竹木加工产业集群"]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    data = [_doc_and_result()]
    for name, pair_threshold, kept in (("low", 0.5, 1), ("high", 0.99999, 0)):
        d = tmp_path / name
        d.mkdir()
        hand_models(d, weights, {"in_cluster": pair_threshold})
        got = xf.ceiling(data, load_gold(gpath), [LearnedLayer.load(d, lexicon)], scales=(1.0, 0.5))
        for s in (1.0, 0.5):
            counts = {rel: tuple(got[rel][s][k] for k in ("reachable", "best", "kept")) for rel in got}
            assert counts == {"leads_action": (1, 1, 1), "in_cluster": (1, 1, kept)}, (name, s, counts)
