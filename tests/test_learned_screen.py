"""The span and group screens of the learned layer (kg.learned.screen) on invented sentences and
hand-made mentions: the span screen's logits are the exact ones of ``_span_feats`` and the model,
on every candidate; the group screen's bound is at least what a group's left-out features add; so
the layer's output is the same with and without them."""

from __future__ import annotations

import zlib
from collections import Counter

import numpy as np
import pytest

from kg.ingest import prepare_text
from kg.learned.candidates import PARTIAL_FLAGS, PARTIAL_VALUES, DocCandidates
from kg.learned.layer import LearnedLayer
from kg.learned.linear import LinearModel, hash_features
from kg.learned.screen import GroupScreen, SpanScreen, _DocArrays, _prefix_shift, _suffix_crcs
from kg.model import Arg, DocResult, Evidence, Fact
from kg.schema import ENTITY_TYPES

from conftest import mention

# every kind of candidate and edge: a span at the text's start and end, a body of one character
# before its head word, quoted actions with head words after the quotes, a 、-list of members
# cut at 等, digits, a character outside the BMP, Latin letters, mentions at a span's start (the
# is= / starts_with= / after= features), cluster head words near members
TEXTS = [
    "专项行动由青川县市场监管局牵头，2031年启动“护苗2031”专项行动和“清源”行动。\n"
    "青川县引进翠岭竹业、山禾木器、𠀋川新材料公司等企业，打造竹木加工产业集群，"
    "建设青川竹木产业园项目和ABC科技有限公司项目。县教育局开展读书活动",
    "甲公司",
    "建设丙公司。",
    "乙项目、丙项目和丁项目落户青川经开区，壮大新能源汽车产业链。县里开展百日攻坚行动",
]


def _cands(lexicon, text: str, rule_features: bool = True) -> DocCandidates:
    """The candidates of ``text`` with hand-made mentions: organisations, places (one opening a
    list item, one before another item's start), a project and a rule Action mention, so that
    every feature of the screened spans occurs (is=, starts_with=, after=, rule)."""
    doc = prepare_text(text, "invented.txt")
    ms = [mention(doc, x, typ, sub, nth=k) for x, typ, sub, k in (
        ("青川县市场监管局", "Organization", "government", 0), ("县教育局", "Organization", "government", 0),
        ("青川县", "Place", None, 0), ("青川县", "Place", None, 1), ("翠岭竹业", "Organization", "enterprise", 0),
        ("青川竹木产业园项目", "Project", None, 0), ("读书活动", "Action", None, 0), ("青川", "Place", None, 0))
        if doc.text.count(x) > k]
    return DocCandidates(doc, DocResult(doc.id, ms, []), lexicon, project_spans=True, rule_features=rule_features)


def _random_models(seed: int, scale: float = 1.0) -> dict[str, LinearModel]:
    rng = np.random.default_rng(seed)
    models = {}
    for typ in ("Action", "Cluster", "Member", "Project"):
        m = LinearModel(dim=1 << 12)
        m.weights = (rng.normal(size=m.dim) * scale).astype(np.float32)
        m.bias = float(rng.normal())
        models[typ] = m
    return models


def _exact_logit(model: LinearModel, feats: list[str]) -> float:
    return model.logits([feats])[0]


@pytest.mark.parametrize("rule_features", [True, False])
@pytest.mark.parametrize("text", TEXTS)
def test_screen_logits_are_the_models_on_every_candidate(lexicon, text, rule_features):
    models = _random_models(5)
    screen = SpanScreen(models, {"Action": 0.5, "Member": 0.5, "Project": 0.5, "Cluster": 0.5})
    assert screen.types == ("Action", "Member", "Project")       # Cluster spans are never screened
    c = _cands(lexicon, text, rule_features)
    spans = [sp for sp in c.iter_spans() if sp.type in screen.index]
    assert {sp.type for sp in spans} >= ({"Action", "Member", "Project"} if len(text) > 10 else {"Member"})
    z = screen.logits(_DocArrays(screen, c), spans)
    want = [_exact_logit(models[sp.type], c.span_feats(sp)) for sp in spans]
    assert np.max(np.abs(z - np.array(want))) < 1e-9


def test_the_texts_hold_every_edge(lexicon):
    """The texts above hold spans at the text's first and second characters, ending at its end
    and one before it, and with a body of one character."""
    edges = set()
    for text in TEXTS:
        c = _cands(lexicon, text)
        n = len(c.t)
        for sp in c.iter_spans():
            body = len(sp.text) - (len(sp.head) if sp.head and sp.text.endswith(sp.head) else 0)
            edges |= {e for e, hit in (("start 0", sp.start == 0), ("start 1", sp.start == 1),
                                       ("end n", sp.end == n), ("end n-1", sp.end == n - 1),
                                       ("body 1", body == 1)) if hit}
    assert edges == {"start 0", "start 1", "end n", "end n-1", "body 1"}


def test_screen_passes_every_span_that_reaches_its_floor(lexicon):
    """The screen drops only spans under their floor, passes every one at or over it, and every
    span of a type it does not screen (Cluster), in their order."""
    models = _random_models(7, scale=0.3)
    floors = {"Action": 0.3, "Member": 0.6, "Project": 0.45, "Cluster": 0.5}
    screen = SpanScreen(models, floors)
    for text in TEXTS:
        c = _cands(lexicon, text)
        every = list(c.iter_spans())
        passed = list(screen.filter(c, iter(every)))
        ids = [id(sp) for sp in passed]
        assert ids == [id(sp) for sp in every if id(sp) in set(ids)]          # order kept
        for sp in every:
            p = models[sp.type].score(c.span_feats(sp))
            if sp.type == "Cluster" or p >= floors[sp.type]:
                assert id(sp) in ids, (sp.text, sp.type, p)
        dropped = [sp for sp in every if id(sp) not in set(ids)]
        assert all(models[sp.type].score(c.span_feats(sp)) < floors[sp.type] for sp in dropped)
    assert dropped and passed


def test_screen_is_off_for_word_classes_dense_models_other_models_and_odd_floors(lexicon):
    models = _random_models(3)
    models["Member"].dense_w = np.zeros(4)
    screen = SpanScreen(models, {"Action": 0.5, "Member": 0.5, "Project": 0.0})
    assert screen.types == ("Action",)            # dense Member; a floor of 0 screens nothing
    c = _cands(lexicon, TEXTS[0])
    c.classes = object()                          # candidates with word classes: not screened
    every = list(c.iter_spans())
    assert list(screen.filter(c, iter(every))) == every
    # no model it can read (a tree model is no LinearModel), floors of 1 or more: nothing
    # screened, nothing fails
    for none in (SpanScreen({}, {}), SpanScreen({"Action": object()}, {"Action": 0.5}),
                 SpanScreen(_random_models(3), {"Action": 1.0, "Member": 0.9999, "Project": 2.0})):
        c = _cands(lexicon, TEXTS[0])
        assert none.types == () and list(none.filter(c, c.iter_spans())) == list(c.iter_spans())


def test_long_spans_and_lone_surrogates_pass_unscreened(lexicon):
    """(memory) A span longer than ``_MAX_WIDTH`` passes unscreened; a text with a lone surrogate
    (no decoded file has one) is not screened, so it fails, or not, as the exact path does."""
    from kg.learned.screen import _MAX_WIDTH

    text = "县里开展" + "乡村振兴" * 20 + "专项行动。"
    doc = prepare_text(text, "invented.txt")
    long = mention(doc, text[2:-1], "Action")
    assert long.end - long.start > _MAX_WIDTH
    c = DocCandidates(doc, DocResult(doc.id, [long], []), lexicon)
    models = _random_models(2)
    models["Action"].bias = -50.0                 # every Action span far under the floor
    screen = SpanScreen(models, {"Action": 0.5, "Member": 0.5, "Project": 0.5})
    passed = [(sp.start, sp.end) for sp in screen.filter(c, c.iter_spans()) if sp.type == "Action"]
    assert passed == [(long.start, long.end)]
    c = _cands(lexicon, TEXTS[2])
    c.t = c.t + "\ud800"
    every = [(sp.start, sp.end, sp.type) for sp in c.iter_spans()]
    assert [(sp.start, sp.end, sp.type) for sp in screen.filter(c, c.iter_spans())] == every


def test_the_layer_screens_with_its_current_floors(lexicon):
    """A threshold or ``pair_span_scale`` set on a loaded layer after its first document (as
    relations_crossfit's variants do) is the screen's floor from the next document on."""
    layer = LearnedLayer.load(None, lexicon)
    c = _cands(lexicon, TEXTS[0])
    layer.apply(c.doc, c.result)
    first = layer._screen
    for typ in ("Action", "Member", "Project"):
        layer.models[typ].threshold = 0.05
    layer.pair_span_scale = 0.5
    a = layer.apply(c.doc, c.result)
    assert layer._screen is not first
    layer.screen_spans = False
    b = layer.apply(c.doc, c.result)
    assert a.to_dict() == b.to_dict()
    assert len([m for m in a.mentions if m.source == "learned"]) > 0


def test_join_gives_the_crc_of_two_strings_from_theirs():
    """The CRC-32 of a + b from those of a and b (b one character of 1-4 UTF-8 bytes, or none)."""
    screen = SpanScreen(_random_models(1), {"Action": 0.5})
    firsts = ["", "a", "的", "竹业", "𠀋", "^", "甲|"]
    seconds = ["", "b", "é", "乙", "𠀋", "$"]
    a_crc, _ = _suffix_crcs([a for a in firsts for _b in seconds])
    b_crc, b_len = _suffix_crcs([b for _a in firsts for b in seconds])
    got = screen._join(a_crc, b_crc, b_len)
    assert got.tolist() == [zlib.crc32((a + b).encode()) for a in firsts for b in seconds]


def test_prefix_shift_gives_the_crc_of_prefix_and_value():
    values = ["", "的", "竹业", "a", "𠀋x", "|", "甲|乙", "ab", "\x00"]
    crc, nb = _suffix_crcs(values)
    for prefix in ("S:Mem:bg=", "S:Act:l1r1=", ""):
        got = crc ^ _prefix_shift(prefix)[nb]
        assert got.tolist() == [zlib.crc32((prefix + v).encode()) for v in values]


def test_layer_output_is_the_same_with_and_without_the_screen(lexicon):
    """The shipped models on invented pages: the same mentions and facts either way."""
    layer = LearnedLayer.load(None, lexicon)
    for text in TEXTS:
        c = _cands(lexicon, text)
        res = c.result
        layer.screen_spans = True
        a = layer.apply(c.doc, res)
        layer.screen_spans = False
        b = layer.apply(c.doc, res)
        assert a.to_dict() == b.to_dict()
    assert layer._screen is not None and layer._screen.types == ("Action", "Member", "Project")


# generated person names (a surname and one or two characters before a title, a follower word, a
# clause end, or a mention after a title) with every family a group's partial features leave out:
# listed with a person mention (listed), written six times (occ), inside an organisation's mention
# (inside_share, in=Organization), across one's edge (crosses); and the families it keeps, so that
# leaving out one more shows: at a line's start, opening a cluster word (吴刚|产业集群办公室), first
# inside a longer name then alone (孙强), a place's name too (钱江), the start and the extension of
# person mentions (赵刚 / 赵刚强, 张华 / 张华明), an argument of a fact (周强)
GROUP_TEXT = ("青川县副县长王立新、李明、张华出席会议。副主任赵刚青川县林业局介绍，王立新指出，"
              "钱进集团和孙明华科技公司参加。王立新说，王立新说，王立新说，王立新说。\n"
              "周强说，副主任吴刚产业集群办公室、孙强主任工作室和钱江两岸的赵刚强表示，张华明说，孙强说，钱江说。")


def _group_cands(lexicon, text: str = GROUP_TEXT) -> DocCandidates:
    doc = prepare_text(text, "invented.txt")
    ms = [mention(doc, x, typ, sub, nth=k) for x, typ, sub, k in (
        ("青川县", "Place", None, 0), ("青川县", "Place", None, 1), ("青川县林业局", "Organization", "government", 0),
        ("钱进集团", "Organization", "enterprise", 0), ("明华科技公司", "Organization", "enterprise", 0),
        ("张华", "Person", None, 0), ("产业集群办公室", "Organization", "other", 0),
        ("孙强主任工作室", "Organization", "other", 0), ("钱江", "Place", None, 0), ("赵刚强", "Person", None, 0))
        if doc.text.count(x) > k]
    facts = [Fact("holds_post", {"person": Arg("周强", "Person"), "post": Arg("主任", "Post")},
                  Evidence(doc.id, 0, 0, 2, ""), "hand")] if "周强" in doc.text else []
    return DocCandidates(doc, DocResult(doc.id, ms, facts), lexicon, entity_candidates=True)


def _family(feat: str) -> str:
    """E:Per:occ=3 -> occ (E:Per -> "")."""
    parts = feat.split(":", 2)
    return parts[2].split("=", 1)[0] if len(parts) > 2 else ""


LEFT_OUT = (*PARTIAL_VALUES, *PARTIAL_FLAGS, "in")


def test_the_group_page_holds_every_family(lexicon):
    """GROUP_TEXT's generated Person groups hold every feature family of ``make`` that such a
    group can have (not: a NER mention's confidence and subtype, Latin letters, digits)."""
    c = _group_cands(lexicon)
    seen = {_family(f) for g in c.entity_groups(feats=False) if g.type == "Person" and g.generated
            for f in c.group_feats(g)}
    assert seen == {"", "len", "f1", "f2", "e1", "e2", "e3", "n", "pos", "src", "l1", "r1", "r2", "l2", "line",
                    "line_start", "inside_longer", "inside_share", "never_alone", "al1", "ar1", "occ", "gaz", "cue",
                    "crosses", "in", "prefix_of_same_type", "extends_same_type", "listed", "opens_cluster", "role",
                    "also"}


@pytest.mark.parametrize("family", LEFT_OUT)
def test_group_screen_bounds_each_left_out_family(lexicon, family):
    """A model whose left-out features weigh 0 but those of ``family`` (rising with the value: a
    range cut short fails): each generated Person group's partial features are its full ones less
    those of the left-out families only, and its logit is at most its partial features' plus the
    screen's bound, which some group reaches (a value family's last value, a flag) or needs (in=)."""
    rng = np.random.default_rng(11)
    m = LinearModel(dim=1 << 12)
    m.weights = (rng.normal(size=m.dim) * 0.3).astype(np.float32)
    m.bias = -1.0
    values = {k: [f"E:Per:{k}={v}" for v in vs] for k, vs in PARTIAL_VALUES.items()}
    values.update({k: [f"E:Per:{k}"] for k in PARTIAL_FLAGS})
    values["in"] = [f"E:Per:in={t}" for t in ENTITY_TYPES]
    for feats in values.values():
        m.weights[hash_features(feats, m.dim)] = 0.0
    for i, f in enumerate(values[family]):
        m.weights[hash_features([f], m.dim)[0]] = 1.0 + (i if family in PARTIAL_VALUES else 0)
    screen = GroupScreen(m, 0.5)
    c = _group_cands(lexicon)
    bound = screen.bound(c)
    gaps = []
    for g in c.entity_groups(feats=False):
        if not (g.type == "Person" and g.generated):
            continue
        full, part = c.group_feats(g), c.group_feats(g, partial=True)
        assert not Counter(part) - Counter(full)
        assert {_family(f) for f in Counter(full) - Counter(part)} <= set(LEFT_OUT), g.text
        gap = _exact_logit(m, full) - _exact_logit(m, part)
        assert gap <= bound + 1e-9, (g.text, gap, bound)
        gaps.append(gap)
    if family == "in":
        assert max(gaps) >= 1.0              # the bound is needed
    else:
        assert max(gaps) == pytest.approx(bound)     # and reached


def test_group_screen_drops_only_groups_under_the_threshold(lexicon):
    """Only generated Person groups, only those the model scores under the threshold; the others
    (and every other group) in their order; and nothing with a model it cannot bound."""
    rng = np.random.default_rng(4)
    m = LinearModel(dim=1 << 12)
    m.weights = (rng.normal(size=m.dim) * 0.5).astype(np.float32)
    reached: set[str] = set()          # groups at or over the threshold (all kept)
    for text in (GROUP_TEXT, TEXTS[0]):
        c = _group_cands(lexicon, text)
        every = c.entity_groups(feats=False)
        for bias, threshold in ((0.0, 0.5), (-2.0, 0.3), (3.0, 0.9)):
            m.bias = bias
            kept = GroupScreen(m, threshold).filter(c, every)
            ids = {id(g) for g in kept}
            assert [id(g) for g in every if id(g) in ids] == [id(g) for g in kept]
            for g in every:
                if id(g) not in ids:
                    assert g.type == "Person" and g.generated and m.score(c.group_feats(g)) < threshold
                elif g.type == "Person" and g.generated and m.score(c.group_feats(g)) >= threshold:
                    reached.add(g.text)
        m.bias = -20.0
        assert len(GroupScreen(m, 0.5).filter(c, every)) == len([g for g in every if not (
            g.type == "Person" and g.generated)])
        for off in (GroupScreen(object(), 0.5), GroupScreen(m, 0.0), GroupScreen(m, 1.0)):
            assert not off.ok and off.filter(c, every) == every
    assert reached


def test_layer_output_is_the_same_with_and_without_the_group_screen(lexicon):
    """The shipped models on invented pages: the same mentions and facts either way, and the
    screen drops groups there."""
    layer = LearnedLayer.load(None, lexicon)
    assert layer.entity_candidates
    dropped = 0
    for text in (GROUP_TEXT, *TEXTS):
        c = _group_cands(lexicon, text)
        layer.screen_groups = True
        a = layer.apply(c.doc, c.result)
        c2 = layer.candidates(c.doc, c.result)
        every = [g for g in c2.entity_groups(feats=False) if g.type in layer.models]
        dropped += len(every) - len(layer._group_screen.filter(c2, every))
        layer.screen_groups = False
        b = layer.apply(c.doc, c.result)
        assert a.to_dict() == b.to_dict()
    assert dropped > 0
