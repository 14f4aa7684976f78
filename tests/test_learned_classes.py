"""Classes of characters and bigrams in the learned layer's features (kg.learned.classes), on
invented sentences and hand-made mentions; one test reads the shipped NER model's embeddings."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kg.ingest import prepare_text
from kg.learned.candidates import DocCandidates
from kg.learned.classes import FILE, WordClasses, from_ner_model, spherical_kmeans
from kg.learned.layer import LearnedLayer
from kg.model import DocResult, KgError
from kg.ner import DEFAULT_MODEL_DIR

from conftest import hand_models, mention


def class_feats(feats) -> list[str]:
    """The class features among ``feats``: their names end in k (``S:Act:l2k=17``)."""
    return [f for f in feats if f.split("=")[0].endswith("k")]


def test_spherical_kmeans_groups_rows_by_direction_and_repeats_itself():
    rng = np.random.default_rng(3)
    dirs = np.eye(3) * 5
    rows = np.vstack([dirs[i] + rng.normal(0, 0.3, (20, 3)) * (1 + i) for i in range(3)])
    rows[::2] *= 7        # the length of a row does not matter, its direction does
    a = spherical_kmeans(rows, 3, seed=1)
    assert sorted(len(set(a[i * 20:(i + 1) * 20])) for i in range(3)) == [1, 1, 1]
    assert len(set(a)) == 3
    assert np.array_equal(a, spherical_kmeans(rows, 3, seed=1))
    # more classes than rows: one class each
    assert list(spherical_kmeans(rows[:2], 5)) == [0, 1]


def test_word_classes_round_trip_and_unknown_tokens(tmp_path):
    wc = WordClasses({"整": "0", "改": "1", "治": "0"}, {"整治": "2", "整改": "2", "牵头": "0", "会同": "0"}, (2, 3))
    wc.save(tmp_path / FILE)
    back = WordClasses.load(tmp_path / FILE)
    assert back == wc
    assert back.of_bigram("会同") == back.of_bigram("牵头") == "0"
    assert back.of_char("乙") == back.of_bigram("乙丙") == "-"
    (tmp_path / "bad.json").write_text("{\"k\": [1]}", encoding="utf-8")
    with pytest.raises(KgError, match="bad.json"):
        WordClasses.load(tmp_path / "bad.json")


def test_classes_of_the_shipped_ner_model_cover_its_characters_and_bigrams():
    wc = from_ner_model(DEFAULT_MODEL_DIR, k_char=8, k_bigram=16)
    vocabs = json.loads((DEFAULT_MODEL_DIR / "vocabs.json").read_text(encoding="utf-8"))
    chars = [t for t in vocabs["token"]["idx_to_token"] if len(t) == 1 and not t.startswith("<")]
    assert wc.k == (8, 16) and set(wc.char) == set(chars)
    assert {int(k) for k in wc.char.values()} == set(range(8))
    assert {int(k) for k in wc.bigram.values()} == set(range(16))
    assert not any(t.startswith("<") for t in wc.bigram)            # no corpus markers
    assert from_ner_model(DEFAULT_MODEL_DIR, k_char=8, k_bigram=16) == wc


TEXT_A = "全县启动“清源2031”专项行动，由县水利局牵头实施。"
TEXT_B = "全县启动“清源2031”专项行动，由县水利局会同实施。"


def _doc(text):
    doc = prepare_text(text, "invented.txt")
    return doc, DocResult(doc.id, [mention(doc, "县水利局", "Organization", "government")], [])


def test_span_and_pair_features_carry_the_classes(lexicon):
    wc = WordClasses({}, {"牵头": "4", "会同": "4", "专项": "9"}, (1, 10))
    feats = {}
    for text in (TEXT_A, TEXT_B):
        doc, res = _doc(text)
        c = DocCandidates(doc, res, lexicon, classes=wc)
        act = next(s for s in c.spans() if s.text == "“清源2031”专项行动")
        assert "S:Act:f2k=-" in act.feats and "S:Act:bgk=9" in act.feats
        pair = next(p for p in c.pairs([act], []) if p.a_text == "县水利局")
        feats[text] = set(pair.feats)
        assert "R:L:ar2k=4" in pair.feats
    # the text features differ, the class ones are the same
    assert "R:L:ar2=牵头" in feats[TEXT_A] and "R:L:ar2=牵头" not in feats[TEXT_B]
    doc, res = _doc(TEXT_A)
    plain = DocCandidates(doc, res, lexicon)
    assert not any(class_feats(s.feats) for s in plain.spans())
    assert not any(class_feats(p.feats) for p in plain.pairs(plain.spans(), []))


def test_a_model_of_a_class_finds_the_words_it_was_not_shown(tmp_path, lexicon):
    """A pair model that weighs the class of the bigram after the agency (牵头's) finds the lead
    agency where the page writes 会同, a word of the same class; without the classes file the
    layer has no such feature and finds neither."""
    wc = WordClasses({}, {"牵头": "4", "会同": "4"}, (1, 5))
    weights = {"Organization": {"E:Org": 10}, "Action": {"S:Act:quoted": 10}, "leads_action": {"R:L:ar2k=4": 10}}
    for d in (tmp_path / "with", tmp_path / "without"):
        d.mkdir()
    hand_models(tmp_path / "with", weights, {}, mode="replace", classes=FILE)
    wc.save(tmp_path / "with" / FILE)
    hand_models(tmp_path / "without", weights, {}, mode="replace")
    for text in (TEXT_A, TEXT_B):
        doc, res = _doc(text)
        for name, want in (("with", {("县水利局", "清源2031")}), ("without", set())):
            out = LearnedLayer.load(tmp_path / name, lexicon).apply(doc, res)
            got = {(f.args["agency"].text, f.args["action"].text) for f in out.facts if f.relation == "leads_action"}
            assert got == want, (text, name, got)


def test_training_with_classes_saves_them_beside_the_models(tmp_path, lexicon):
    from kg.evaluate import load_gold
    from kg.learned.train import train

    data, gold = [], []
    for i, (org, act) in enumerate((("县水利局", "清源2031"), ("区商务局", "暖阳2029"), ("县农业局", "丰禾2027"))):
        text = f"全县启动“{act}”专项行动，由{org}牵头。"
        doc = prepare_text(text, f"p{i}.txt")
        data.append((doc, DocResult(doc.id, [mention(doc, org, "Organization", "government")], [])))
        gold += [{"doc": doc.id, "kind": "doc", "exhaustive": ["Organization", "leads_action"]},
                 {"doc": doc.id, "kind": "entity", "type": "Organization", "name": [org]},
                 {"doc": doc.id, "kind": "leads_action", "agency": [org], "action": [act]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    out = tmp_path / "model"
    train(data, load_gold(gpath), lexicon, out, folds=2, epochs=2, seeds=1, word_classes=8)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["classes"] == FILE
    layer = LearnedLayer.load(out, lexicon)
    assert layer.classes is not None and layer.classes.k == (4, 8)
    assert class_feats(layer.candidates(*data[0]).spans()[0].feats)
    # a training without them leaves no classes of the one before
    train(data, load_gold(gpath), lexicon, out, folds=2, epochs=2, seeds=1)
    assert not (out / FILE).exists() and LearnedLayer.load(out, lexicon).classes is None
