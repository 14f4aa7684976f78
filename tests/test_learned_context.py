"""Span context features: dense vectors of the NER model's BiLSTM states beside the hashed
features (kg/learned/context.py, kg/learned/linear.py FeatureRow).  Invented sentences only."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kg.ingest import prepare_text
from kg.learned.candidates import DocCandidates
from kg.learned.context import ContextEncoder, DocContext
from kg.learned.layer import LearnedLayer
from kg.learned.linear import FeatureRow, LinearModel
from kg.learned.train import context_type_names, train
from kg.model import DocResult, KgError

from test_learned import _pages


def _dense_rows(n: int = 60, k: int = 8, seed: int = 1):
    """Rows whose label is the sign of their dense vector's first value; the string features
    say nothing."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for i in range(n):
        v = rng.normal(size=k)
        rows.append(FeatureRow(["bias", f"noise{i % 3}"], v))
        labels.append(int(v[0] > 0))
    return rows, labels


def test_a_model_learns_from_dense_vectors_deterministically_and_round_trips(tmp_path):
    rows, labels = _dense_rows()
    a = LinearModel.train(rows, labels, dim=1 << 10, epochs=8, seeds=2)
    b = LinearModel.train(rows, labels, dim=1 << 10, epochs=8, seeds=2)
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.dense_w, b.dense_w) and a.bias == b.bias
    scores = a.scores(rows)
    right = sum((s >= 0.5) == bool(y) for s, y in zip(scores, labels))
    assert right >= 0.9 * len(rows)
    # a row scores the same alone as with others
    assert scores == [a.score(r) for r in rows]
    a.save(tmp_path / "m")
    header = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert header["dense"] == 8
    c = LinearModel.load(tmp_path / "m")
    assert c.scores(rows) == scores


def test_rows_have_dense_vectors_all_or_none():
    rows, labels = _dense_rows(10)
    with pytest.raises(ValueError, match="some feature rows have a dense vector"):
        LinearModel.train(rows + [["bias"]], labels + [0], dim=1 << 10, epochs=1)
    m = LinearModel.train(rows, labels, dim=1 << 10, epochs=1)
    with pytest.raises(ValueError, match="reads a dense vector of 8 per row"):
        m.scores([["bias"]])
    with pytest.raises(ValueError, match="reads a dense vector of 8 per row"):
        m.scores([FeatureRow(["bias"], np.zeros(3))])
    # a model without dense weights reads the strings of a row that has a vector
    plain = LinearModel.train([list(r) for r in rows], labels, dim=1 << 10, epochs=1)
    assert plain.dense_w is None and plain.scores(rows) == plain.scores([list(r) for r in rows])


def test_the_context_of_a_span_comes_from_its_own_sentence(tagger):
    enc = ContextEncoder(tagger)
    assert enc.dim == 6 * enc.hidden
    two = prepare_text("青岚县今年召开工作会议。青岚县晨光陶瓷产业集群加快发展。", "two.txt")
    one = prepare_text("青岚县晨光陶瓷产业集群加快发展。", "one.txt")
    name = "晨光陶瓷产业集群"
    s2, s1 = two.text.index(name), one.text.index(name)
    v2 = DocContext(enc, two, ["Cluster"]).vector(s2, s2 + len(name))
    v1 = DocContext(enc, one, ["Cluster"]).vector(s1, s1 + len(name))
    assert v2.shape == (enc.dim,) and np.all(np.isfinite(v2)) and np.any(v2 != 0)
    # a sentence is run alone: the other sentence of the page changes nothing
    assert np.array_equal(v1, v2)
    h = enc.hidden
    # at the sentence's start there is no state before the span; past the text, no vector
    v0 = DocContext(enc, one, ["Cluster"]).vector(0, 3)
    assert not np.any(v0[2 * h:3 * h]) and np.any(v0[:h])
    assert not np.any(DocContext(enc, one, ["Cluster"]).vector(len(one.text) + 5, len(one.text) + 9))


def test_span_features_carry_the_context_for_its_types_only(tagger, lexicon):
    doc = prepare_text("青岚县晨光陶瓷产业集群加快发展，全县开展“清风”专项行动。", "p.txt")
    ctx = DocContext(ContextEncoder(tagger), doc, ["Cluster"])
    cands = DocCandidates(doc, DocResult(doc.id, [], []), lexicon, context=ctx)
    spans = list(cands.iter_spans())
    assert {"Cluster", "Action"} <= {sp.type for sp in spans}
    for sp in spans:
        f = cands.span_feats(sp)
        if sp.type == "Cluster":
            assert isinstance(f, FeatureRow) and f.dense.shape == (ctx.encoder.dim,)
        else:
            assert getattr(f, "dense", None) is None
        assert list(f) == cands._span_feats(sp, cands._cluster_head_starts())


def test_pair_features_carry_both_arguments_context_for_its_relations(tagger, lexicon):
    from conftest import mention
    from kg.learned.candidates import Span

    doc = prepare_text("青岚县晨光陶瓷产业集群加快发展，远山陶瓷有限公司等企业入驻。", "p.txt")
    ctx = DocContext(ContextEncoder(tagger), doc, ["in_cluster"])
    org = mention(doc, "远山陶瓷有限公司", "Organization", "enterprise")
    cands = DocCandidates(doc, DocResult(doc.id, [org], []), lexicon, context=ctx)
    s = doc.text.index("晨光陶瓷产业集群")
    cluster = Span(s, s + 8, "晨光陶瓷产业集群", "Cluster", "产业集群", ("Cluster", s + 8), score=0.9)
    pairs = cands.pairs([], [cluster])
    assert [(p.a_text, p.b_text) for p in pairs] == [("远山陶瓷有限公司", "晨光陶瓷产业集群")]
    f = pairs[0].feats
    assert isinstance(f, FeatureRow) and f.dense.shape == (2 * ctx.encoder.dim,)
    assert np.array_equal(f.dense[:ctx.encoder.dim], ctx.vector(org.start, org.end))
    assert np.array_equal(f.dense[ctx.encoder.dim:], ctx.vector(cluster.start, cluster.end))
    # span candidates read no context for a pair relation
    assert all(getattr(cands.span_feats(sp), "dense", None) is None for sp in cands.iter_spans())


def test_context_types_are_span_and_pair_models_without_trees():
    assert context_type_names("Cluster, Action") == ["Cluster", "Action"]
    assert context_type_names("Cluster,in_cluster") == ["Cluster", "in_cluster"]
    assert context_type_names("") == []
    with pytest.raises(KgError, match="not Person, holds_post"):
        context_type_names("Cluster,in_cluster,Person,holds_post")
    with pytest.raises(KgError, match="a tree model reads no context: Cluster"):
        context_type_names(["Cluster"], tree_models=["Cluster", "Action"])


def test_a_layer_trained_with_context_reads_it_from_that_ner_model_only(tmp_path, lexicon, tagger):
    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "model", folds=2, epochs=8,
          context=ContextEncoder(tagger), context_types=["Cluster", "Action"])
    meta = json.loads((tmp_path / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert meta["context"] == {"types": ["Cluster", "Action"], "ner": tagger.version, "criterion": tagger.criterion}
    layer = LearnedLayer.load(tmp_path / "model", lexicon)
    assert layer.models["Action"].dense_w.size == 6 * ContextEncoder(tagger).hidden
    assert layer.models["Member"].dense_w is None
    layer.ner = tagger
    doc, res = data[0]
    leads = {(f.args["agency"].text, f.args["action"].text) for f in layer.apply(doc, res).facts
             if f.relation == "leads_action"}
    assert ("区文旅局", "清风2030") in leads
    # a layer of another NER model's context: a clear error, not a quiet misreading
    meta["context"]["ner"] = "0" * 12
    (tmp_path / "model" / "manifest.json").write_text(json.dumps(meta), encoding="utf-8")
    layer.check_context()
    other = LearnedLayer.load(tmp_path / "model", lexicon)
    with pytest.raises(KgError, match="reads the context of NER model 000000000000.*retrain"):
        other.check_context()       # what kg build asks before its first document
    other.ner = tagger
    with pytest.raises(KgError, match="reads the context of NER model 000000000000.*retrain"):
        other.apply(doc, res)


def test_a_build_model_tagging_by_another_criterion_serves_the_context_under_its_own(tmp_path, lexicon, tagger,
                                                                                     monkeypatch):
    """A build whose NER model is the context's but tags by another corpus's conventions: the
    layer reads the states from that model under the context's criterion (its marker frames every
    piece), not from the shipped directory (here missing)."""
    import kg.ner
    from kg.ner import NerTagger

    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "model", folds=2, epochs=8,
          context=ContextEncoder(tagger), context_types=["Action"])
    other = NerTagger.load(tagger.path, criterion="cluener")
    assert other.version == tagger.version and other.criterion != tagger.criterion
    layer = LearnedLayer.load(tmp_path / "model", lexicon)
    layer.ner = other
    monkeypatch.setattr(kg.ner, "DEFAULT_MODEL_DIR", tmp_path / "no-model")
    enc = layer.encoder()
    assert (enc.version, enc.criterion) == (tagger.version, tagger.criterion)
    doc = data[0][0]
    assert np.array_equal(enc.states(doc.text), ContextEncoder(tagger).states(doc.text))


def test_train_relations_refuses_a_context_type_that_is_no_span_model_before_any_work(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "none"),
                                   "--gold", str(tmp_path / "none.jsonl"), "--context-types", "Cluster,Place"])
    assert res.exit_code != 0
    assert "--context-types: context features are for the span and pair models" in res.output


def test_sentences_dropped_from_the_cache_give_the_same_vectors(tagger, monkeypatch):
    import kg.learned.context as context

    doc = prepare_text("青岚县陶瓷产业集群加快发展。白沙镇茶叶产业集群稳步壮大。", "c.txt")
    spans = [(doc.text.index(x), doc.text.index(x) + len(x)) for x in ("陶瓷产业集群", "茶叶产业集群")] * 2
    enc = ContextEncoder(tagger)
    kept = [DocContext(enc, doc, ["Cluster"]).vector(s, e) for s, e in spans]
    monkeypatch.setattr(context, "_KEPT", 1)
    one = DocContext(enc, doc, ["Cluster"])
    again = [one.vector(s, e) for s, e in spans]
    assert len(one._states) == 1
    assert all(np.array_equal(a, b) for a, b in zip(kept, again))
    one.release()
    assert not one._states
    assert np.array_equal(one.vector(*spans[1]), kept[1])


def test_a_training_keeps_no_document_s_sentence_states(tmp_path, lexicon, tagger, monkeypatch):
    """A training holds every document's candidates until its pair models are fitted: their
    context forgets each document's BiLSTM states once its spans / pairs have read them."""
    import kg.learned.train as train_module

    made = []

    class Recorded(DocContext):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            made.append(self)

    monkeypatch.setattr(train_module, "DocContext", Recorded)
    data, gold = _pages(tmp_path)
    train(data, gold, lexicon, tmp_path / "model", folds=2, epochs=8,
          context=ContextEncoder(tagger), context_types=["Action", "leads_action"])
    assert len(made) == len(data)
    assert not any(c._states for c in made)


def test_a_build_with_a_context_layer_is_the_same_with_two_workers(tmp_path, lexicon, tagger, monkeypatch):
    """kg build hands its NER model to the layer (in process and in each worker) and gets the same
    files either way; a layer whose NER model is not at hand stops the build before any document."""
    import kg.pipeline
    from kg.pipeline import build

    data, gold = _pages(tmp_path)
    model = tmp_path / "model"
    train(data, gold, lexicon, model, folds=2, epochs=8, context=ContextEncoder(tagger),
          context_types=["Cluster", "Action", "leads_action"])
    assert LinearModel.load(model / "leads_action").dense_w.size == 2 * ContextEncoder(tagger).dim
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc, _res in data:
        (corpus / doc.id).write_text(doc.text + "青岚县晨光陶瓷产业集群加快发展。\n", encoding="utf-8")
    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 1)      # one group per document: both workers run
    one = build([corpus], tmp_path / "one", use_cache=False, jobs=1, learned=model)
    two = build([corpus], tmp_path / "two", use_cache=False, jobs=2, learned=model)
    assert two.workers == 2
    for f in ("facts.jsonl", "graph.ttl"):
        assert (tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes(), f
    assert any(f.relation == "leads_action" for f in one.facts)
    meta = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    meta["context"]["ner"] = "0" * 12
    (model / "manifest.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(KgError, match="reads the context of NER model 000000000000"):
        build([corpus], tmp_path / "bad", use_cache=False, jobs=1, learned=model)
    assert not (tmp_path / "bad" / "facts.jsonl").exists()


def test_train_relations_reads_the_default_context_types():
    import inspect

    from kg.cli import train_relations_cmd
    from kg.learned.context import DEFAULT_CONTEXT_TYPES

    option = inspect.signature(train_relations_cmd).parameters["context_types"].default
    assert option.default == ",".join(DEFAULT_CONTEXT_TYPES)
