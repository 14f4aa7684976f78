"""The learned holds_post model on invented sentences and hand-made mentions (no NER model):
candidate triples around post titles, applying a hand-made model, training end to end."""

from __future__ import annotations

import json

from kg.evaluate import load_gold
from kg.ingest import prepare_text
from kg.learned.holds import HoldsCandidates
from kg.learned.layer import HOLDS_MODEL, MODEL_NAMES, LearnedLayer, add_holds
from kg.learned.linear import LinearModel, hash_features
from kg.learned.train import fit_holds, holds_data, train
from kg.model import Arg, DocResult, Evidence, Fact, Mention


def mention(doc, text, typ, sub=None):
    start = doc.text.index(text)
    return Mention(doc.id, 0, start, start + len(text), text, typ, sub, "hanlp")


TEXT = "会上，省政府林安平副省长讲话，远山集团董事长陈立说，项目进展顺利。"


def _doc():
    doc = prepare_text(TEXT, "h.txt")
    ms = [mention(doc, "省政府", "Organization", "government"),
          mention(doc, "远山集团", "Organization", "enterprise")]
    rule = Fact("holds_post", {"person": Arg("陈立", "Person"), "post": Arg("董事长", "Post"),
                               "org": Arg("远山集团", "Organization", "enterprise")},
                Evidence(doc.id, 0, 15, 22, ""), "post_chain", 0.9)
    return doc, DocResult(doc.id, ms + [mention(doc, "陈立", "Person")], [rule])


def test_candidates_name_before_title_and_skip_what_the_rules_state(lexicon):
    doc, res = _doc()
    triples = HoldsCandidates(doc, res, lexicon).triples()
    got = {(t.person, t.post, t.org) for t in triples}
    # "省政府X副省长": a generated name before the title, the organisation before the name
    assert ("林安平", "副省长", "省政府") in got
    gen = next(t for t in triples if (t.person, t.post, t.org) == ("林安平", "副省长", "省政府"))
    assert gen.generated and "O:adj_person" in gen.feats and "side:before" in gen.feats
    # the rules' own triple is no candidate; the 2-character cut of the name is one
    assert ("陈立", "董事长", "远山集团") not in got
    assert ("安平", "副省长", "省政府") in got


def _holds_model(path, weights, threshold=0.5):
    m = LinearModel(dim=1 << 12)
    m.bias = -5.0
    for feat, w in weights.items():
        m.weights[hash_features([feat], m.dim)[0]] += w
    m.threshold = threshold
    m.save(path / HOLDS_MODEL)
    return m


def test_add_holds_keeps_rules_and_adds_confident_triples(tmp_path, lexicon):
    doc, res = _doc()
    m = _holds_model(tmp_path, {"O:adj_person": 6, "P:gen3": 4})
    out = add_holds(doc, res, m, lexicon)
    facts = {(f.args["person"].text, f.args["post"].text, f.args["org"].text, f.extractor)
             for f in out.facts if f.relation == "holds_post"}
    assert ("陈立", "董事长", "远山集团", "post_chain") in facts           # the rules' fact stays
    assert ("林安平", "副省长", "省政府", "learned") in facts
    assert not any(p == "安平" for p, _t, _o, _x in facts)                 # the 3-character cut wins
    assert any(m_.type == "Person" and m_.text == "林安平" for m_ in out.mentions)
    # nothing above the threshold: the result is the rules' own
    none = _holds_model(tmp_path, {})
    assert add_holds(doc, res, none, lexicon) is res


def test_layer_applies_a_holds_model_listed_in_the_manifest(tmp_path, lexicon):
    for name in MODEL_NAMES:
        m = LinearModel(dim=1 << 12)
        m.bias = 5.0 if name in ("Person", "Organization", "Place") else -5.0
        m.save(tmp_path / name)
    _holds_model(tmp_path, {"O:adj_person": 6, "P:gen3": 4})
    (tmp_path / "manifest.json").write_text(json.dumps({"models": list(MODEL_NAMES) + [HOLDS_MODEL]}),
                                            encoding="utf-8")
    doc, res = _doc()
    out = LearnedLayer.load(tmp_path, lexicon).apply(doc, res)
    assert any(f.extractor == "learned" and f.args["person"].text == "林安平" for f in out.facts)


PAGES = [
    ("a.txt", "会上，县政府韩明远副县长讲话。", "韩明远", "副县长", "县政府"),
    ("b.txt", "随后，区政府周德海副区长发言。", "周德海", "副区长", "区政府"),
    ("c.txt", "会上，市政府吴振华副市长讲话。", "吴振华", "副市长", "市政府"),
    ("d.txt", "随后，县政府郑光明副县长发言。", "郑光明", "副县长", "县政府"),
]


def _pages(tmp_path):
    data, gold = [], []
    for doc_id, text, person, post, org in PAGES:
        doc = prepare_text(text, doc_id)
        data.append((doc, DocResult(doc_id, [mention(doc, org, "Organization", "government")], [])))
        gold += [{"doc": doc_id, "kind": "doc", "exhaustive": ["holds_post"]},
                 {"doc": doc_id, "kind": "holds_post", "person": [person], "post": [post], "org": [org]}]
    gpath = tmp_path / "gold.jsonl"
    gpath.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold), encoding="utf-8")
    return data, load_gold(gpath)


def test_holds_examples_and_fit(tmp_path, lexicon):
    data, gold = _pages(tmp_path)
    ex, rule_ex, n_gold = holds_data(data, gold, lexicon)
    assert n_gold == 4 and rule_ex == []
    assert sum(e.label for e in ex) == 4                 # the 3-character names with their organ
    m, stats, oof = fit_holds(ex, rule_ex, n_gold, [0, 1, 0, 1], 2, epochs=8)
    assert len(oof) == len(ex) and 0.05 <= m.threshold <= 0.999 and m.meta["positives"] == 4


def test_train_writes_a_holds_model(tmp_path, lexicon):
    data, gold = _pages(tmp_path)
    plain = train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    assert HOLDS_MODEL not in plain["models"]                # off by default
    report = train(data, gold, lexicon, tmp_path / "model", folds=2, epochs=8, holds=True)
    assert report["models"][HOLDS_MODEL]["positives"] == 4
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert HOLDS_MODEL in manifest["models"]
    layer = LearnedLayer.load(tmp_path / "model", lexicon)
    assert HOLDS_MODEL in layer.models
