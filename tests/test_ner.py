"""kg's own NER model: offline loading, genre sentences, offsets, chunking, and the F1 code."""

from __future__ import annotations

import json
import shutil
import socket

import pytest

from kg.model import Document, KgError, Sentence
from kg.ner import DEFAULT_MODEL_DIR, NerTagger, char_bigrams, chunk_text, model_version
from kg.ner_train import (_load_weights_from, _parse_repeat, _split_long, _to_hanlp, add_silver_posts,
                          build_training_data, init_embedding, load_rules, org_subtype_label, read_char_tagged,
                          read_cluener, read_peoples_daily_text, score_spans, spans_to_bio, tags_to_spans)


@pytest.fixture(scope="module")
def tagger():
    import torch

    torch.set_num_threads(1)
    return NerTagger.load()


def _found(tagger, text):
    (spans,) = tagger.tag_sentences([text])
    return {(text[s:e], typ) for s, e, typ, _ in spans}, spans


# ------------------------------------------------------------------------------------------
# The shipped model


def test_loads_with_networking_unavailable(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled by test_ner")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    t = NerTagger.load()
    assert t.component.model.crf.batch_first is True
    assert len(t.version) == 12 and t.version == model_version(DEFAULT_MODEL_DIR)
    found, _ = _found(t, "自治区党委书记张伟到赤峰市调研。")
    assert ("张伟", "Person") in found


# Fresh sentences in the genre, written for this test (not taken from data/).
GENRE = [
    ("鄂尔多斯市人民政府副市长刘志强带队赴内蒙古伊泰集团有限公司开展调研。",
     [("刘志强", "Person"), ("副市长", "Post"), ("鄂尔多斯市人民政府", "Organization"),
      ("内蒙古伊泰集团有限公司", "Organization")]),
    ("自治区党委书记张伟到赤峰市调研。", [("张伟", "Person"), ("书记", "Post"), ("自治区党委", "Organization")]),
    ("包头市发展和改革委员会党组书记、主任李明华主持召开专题会议。",
     [("李明华", "Person"), ("党组书记", "Post"), ("主任", "Post"), ("包头市发展和改革委员会", "Organization")]),
    ("乌海市教育局局长王丽萍在会上作工作报告。", [("王丽萍", "Person"), ("局长", "Post"), ("乌海市教育局", "Organization")]),
    ("市委书记陈建军、市长赵宏伟出席签约仪式。",
     [("陈建军", "Person"), ("赵宏伟", "Person"), ("书记", "Post"), ("市长", "Post")]),
    ("通辽市科学技术局副局长孙海涛介绍了科技创新工作情况。",
     [("孙海涛", "Person"), ("副局长", "Post"), ("通辽市科学技术局", "Organization")]),
    ("内蒙古蒙草生态环境股份有限公司董事长周立新表示，将继续加大研发投入。",
     [("周立新", "Person"), ("董事长", "Post"), ("内蒙古蒙草生态环境股份有限公司", "Organization")]),
    ("巴彦淖尔市卫生健康委员会主任刘建国带队检查医院疫情防控工作。",
     [("刘建国", "Person"), ("主任", "Post"), ("巴彦淖尔市卫生健康委员会", "Organization")]),
    ("呼伦贝尔市人民政府办公室副主任韩雪梅通报了有关情况。", [("韩雪梅", "Person"), ("副主任", "Post")]),
    ("会上，锡林郭勒盟行政公署副盟长马志刚对下一步工作作出部署。",
     [("马志刚", "Person"), ("副盟长", "Post"), ("锡林郭勒盟行政公署", "Organization")]),
]


def test_finds_person_post_organisation(tagger):
    results = tagger.tag_sentences([text for text, _ in GENRE])
    missed, total = [], 0
    by_type: dict[str, list[int]] = {}
    for (text, expected), spans in zip(GENRE, results):
        found = {(text[s:e], typ) for s, e, typ, _ in spans}
        for item in expected:
            total += 1
            hit = item in found
            by_type.setdefault(item[1], [0, 0])[0] += hit
            by_type[item[1]][1] += 1
            if not hit:
                missed.append(item)
    # every person, and at least 80% of all expected spans (the shipped model: 28 of 32, see docs/ner.md)
    assert by_type["Person"][0] == by_type["Person"][1], missed
    assert by_type["Post"][0] >= 0.75 * by_type["Post"][1], missed
    assert by_type["Organization"][0] >= 0.75 * by_type["Organization"][1], missed
    assert total - len(missed) >= 0.8 * total, missed


def test_organisation_subtypes(tagger):
    texts = ["乌海市教育局局长王丽萍在会上作工作报告。", "内蒙古蒙草生态环境股份有限公司董事长周立新表示，将继续加大研发投入。"]
    subs = {}
    for text, spans in zip(texts, tagger.tag_sentences(texts)):
        subs.update({text[s:e]: st for s, e, typ, st in spans if typ == "Organization"})
    assert subs["乌海市教育局"] == "government"
    assert subs["内蒙古蒙草生态环境股份有限公司"] == "enterprise"


def test_batched_equals_one_by_one(tagger):
    # with the CRF patched, padding in a batch must not change any sentence's tags
    texts = ["自治区党委书记张伟到赤峰市调研。", "会上，市长王建国讲话。",
             "鄂尔多斯市人民政府副市长刘志强带队赴内蒙古伊泰集团有限公司开展调研。"]
    batched = tagger.tag_sentences(texts, batch_size=8)
    single = [tagger.tag_sentences([t], batch_size=1)[0] for t in texts]
    assert batched == single


def test_tag_offsets_point_into_doc_text(tagger):
    from kg.ingest import prepare_text

    raw = ("  新闻稿\n\n包头市发展和改革委员会主任李明华主持召开专题会议。会议强调，要抓好项目落地。"
           "\n\n自治区党委书记张伟到赤峰市调研，市长王建国陪同。\n")
    doc = prepare_text(raw, doc_id="t.txt")
    mentions = tagger.tag(doc)
    assert mentions
    for m in mentions:
        assert doc.text[m.start:m.end] == m.text
        sent = doc.sentences[m.sent_index]
        assert sent.start <= m.start < m.end <= sent.end
        assert m.doc_id == "t.txt" and m.source == "hanlp"
        s, e = doc.orig_span(m.start, m.end)
        assert raw[s:e].replace("\n", "") == m.text
    names = {(m.text, m.type) for m in mentions}
    assert ("张伟", "Person") in names and ("李明华", "Person") in names


def test_tag_many_gives_each_document_its_own_mentions(tagger):
    """Several documents in one call of the model: each gets the mentions of its own text, with
    its id and sentence indices, and the same spans as tagged alone (a confidence may move in its
    last place: other matrix shapes, docs/performance.md "NER across documents")."""
    from kg.ingest import prepare_text

    docs = [prepare_text("自治区党委书记张伟到赤峰市调研。会上，市长王建国讲话。", doc_id="a.txt"),
            prepare_text("", doc_id="empty.txt"),
            prepare_text("鄂尔多斯市人民政府副市长刘志强带队赴内蒙古伊泰集团有限公司开展调研。\n"
                         "包头市发展和改革委员会主任李明华主持召开专题会议。", doc_id="b.txt")]
    many = tagger.tag_many(docs)
    assert len(many) == 3 and many[1] == []
    for doc, found in zip(docs, many):
        alone = tagger.tag(doc)
        key = lambda m: (m.doc_id, m.sent_index, m.start, m.end, m.text, m.type, m.subtype)  # noqa: E731
        assert [key(m) for m in found] == [key(m) for m in alone]
        assert all(abs(m.score - n.score) <= 1e-3 for m, n in zip(found, alone))
        assert all(m.doc_id == doc.id and doc.text[m.start:m.end] == m.text for m in found)
    assert {m.text for m in many[2]} >= {"刘志强", "李明华"}


def test_ner_groups_cut_documents_in_order_by_characters():
    from kg.model import Document
    from kg.pipeline import NER_GROUP_CHARS, ner_groups

    def doc(i, n):
        return Document(id=f"{i}.txt", path=f"{i}.txt", original="x" * n, text="x" * n,
                        offsets=list(range(n + 1)))
    sizes = [NER_GROUP_CHARS // 2, NER_GROUP_CHARS // 2, 1, 3 * NER_GROUP_CHARS, 10, 20, 0]
    docs = [doc(i, n) for i, n in enumerate(sizes)]
    # a group holds at most NER_GROUP_CHARS characters; a longer document is alone
    assert ner_groups(docs, range(len(docs))) == [[0, 1], [2], [3], [4, 5, 6]]
    assert ner_groups(docs, [1, 2, 5]) == [[1, 2, 5]]
    assert ner_groups(docs, []) == []


def test_long_sentence_is_chunked_with_offsets(tagger):
    filler = "要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，" * 12      # ~300 chars, no entity
    text = filler + "自治区党委书记张伟到赤峰市调研。"
    assert len(text) > tagger.max_len
    doc = Document(id="long", path="long", original=text, text=text, offsets=list(range(len(text) + 1)),
                   sentences=[Sentence("long", 0, 0, len(text), text)])
    mentions = tagger.tag(doc)
    for m in mentions:
        assert text[m.start:m.end] == m.text
    assert any(m.text == "张伟" and m.type == "Person" and m.start == text.index("张伟") for m in mentions)


def test_load_bad_directory_names_it(tmp_path):
    with pytest.raises(KgError, match=str(tmp_path)):
        NerTagger.load(tmp_path)


# ------------------------------------------------------------------------------------------
# Pure functions


def test_chunk_text_covers_text_and_respects_max_len():
    text = "第一句话很长很长。第二句，还有逗号" * 20 + "没有标点的尾巴" * 30
    pieces = chunk_text(text, 50)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a < b and b - a <= 50 for a, b in pieces)
    assert all(p[1] == q[0] for p, q in zip(pieces, pieces[1:]))
    assert text[pieces[0][1] - 1] in "。，"      # cut after punctuation where there is some
    assert chunk_text("", 10) == [] and chunk_text("短句", 10) == [(0, 2)]


def test_char_bigrams():
    assert char_bigrams(list("市长")) == ["<s>市", "市长", "长</s>"]


def test_score_spans_mini_example():
    gold = [[(0, 3, "PER"), (4, 6, "POST"), (7, 12, "GOV")],
            [(0, 2, "LOC")],
            []]
    pred = [[(0, 3, "PER"), (4, 6, "POST"), (7, 11, "GOV")],   # GOV boundary wrong
            [(0, 2, "PER")],                                    # right span, wrong label
            [(3, 5, "POST")]]                                   # spurious
    r = score_spans(gold, pred, ["PER", "POST", "GOV", "LOC"])
    per, post, gov, loc = (r["labels"][k] for k in ("PER", "POST", "GOV", "LOC"))
    assert (per["correct"], per["gold"], per["pred"]) == (1, 1, 2)
    assert per["p"] == pytest.approx(0.5) and per["r"] == 1.0 and per["f1"] == pytest.approx(2 / 3)
    assert post["p"] == pytest.approx(0.5) and post["r"] == 1.0
    assert gov["f1"] == 0.0 and loc["f1"] == 0.0 and loc["pred"] == 0
    m = r["micro"]
    assert (m["correct"], m["gold"], m["pred"]) == (2, 4, 5)
    assert m["p"] == pytest.approx(0.4) and m["r"] == pytest.approx(0.5) and m["f1"] == pytest.approx(4 / 9)
    with pytest.raises(ValueError):
        score_spans(gold, pred[:2])


def test_tag_readers(tmp_path):
    assert tags_to_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]
    assert tags_to_spans(["B-NAME", "E-NAME", "S-LOC", "B-ORG", "M-ORG", "E-ORG", "O"]) == [
        (0, 2, "NAME"), (2, 3, "LOC"), (3, 6, "ORG")]
    assert spans_to_bio(4, [(1, 3, "PER")]) == ["O", "B-PER", "I-PER", "O"]
    f = tmp_path / "c.json"
    f.write_text(json.dumps({"text": "北京市长张三", "label": {"address": {"北京": [[0, 1]]},
                                                          "name": {"张三": [[4, 5]]}}},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_cluener(f) == [("北京市长张三", [(0, 2, "address"), (4, 6, "name")])]   # end inclusive -> exclusive
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"text": "北京", "label": {"address": {"上海": [[0, 1]]}}}, ensure_ascii=False),
                   encoding="utf-8")
    with pytest.raises(KgError, match="bad.json:1"):
        read_cluener(bad)
    b = tmp_path / "m.bio"
    b.write_text("张\tB-PER\n三\tI-PER\n好\tO\n\n上 B-LOC\n海 I-LOC\n", encoding="utf-8")
    assert read_char_tagged(b) == [("张三好", [(0, 2, "PER")]), ("上海", [(0, 2, "LOC")])]


def test_peoples_daily_text_reader(tmp_path):
    f = tmp_path / "pd.txt"
    f.write_text("19980101-01-001-002/m  中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  \n"
                 "\n"
                 "19980101-01-001-009/m  [中央/n  人民/n  广播/vn  电台/n]nt  播出/v  。/w  \n", encoding="utf-8")
    assert read_peoples_daily_text(f) == ["中共中央总书记、国家主席江泽民", "中央人民广播电台播出。"]
    with pytest.raises(KgError, match="missing.txt"):
        read_peoples_daily_text(tmp_path / "missing.txt")


def test_repeat_option_and_upsampling(tmp_path):
    assert _parse_repeat("cluener=2, resume=1") == {"cluener": 2, "resume": 1}
    assert _parse_repeat("") == {}
    for bad in ("cluener", "cluener=0", "cluener=x"):
        with pytest.raises(KgError, match="--repeat"):
            _parse_repeat(bad)
    rs = tmp_path / "resume"
    rs.mkdir()
    (rs / "train.char.bmes").write_text("张 B-NAME\n三 E-NAME\n\n李 S-NAME\n", encoding="utf-8")
    (rs / "dev.char.bmes").write_text("王 S-NAME\n", encoding="utf-8")
    once, dev, _ = build_training_data(tmp_path, use=("resume",))
    twice, dev2, stats = build_training_data(tmp_path, use=("resume",), repeat={"resume": 2})
    assert sorted(twice) == sorted(once * 2) and dev2 == dev == [("王", [(0, 1, "PER")])]
    assert stats["repeat"] == {"resume": 2}


def test_init_embedding_copies_scaled_vectors():
    import torch
    from hanlp.common.vocab import Vocab

    vocab = Vocab()
    for ch in "甲乙丙":
        vocab.get_idx(ch)
    weight = torch.zeros(len(vocab), 4)
    n = init_embedding(weight, vocab, {"甲": [3.0, 0.0, 0.0, 4.0], "丙": [0.0, 1.0, 0.0, 0.0], "丁": [1.0] * 4})
    assert n == 2                                          # 乙 has no vector, 丁 is not in the vocab
    assert torch.allclose(weight[vocab["甲"]], torch.tensor([1.2, 0.0, 0.0, 1.6]))   # unit norm x sqrt(4)
    assert torch.allclose(weight[vocab["丙"]], torch.tensor([0.0, 2.0, 0.0, 0.0]))
    assert weight[vocab["乙"]].abs().sum() == 0 and weight[0].abs().sum() == 0          # untouched, padding


def test_continue_from_earlier_weights(tmp_path):
    import torch
    from hanlp.common.vocab import Vocab

    vocab = Vocab()
    for ch in "甲乙":
        vocab.get_idx(ch)
    earlier = torch.nn.Linear(2, 3)
    torch.save({k: v.half() for k, v in earlier.state_dict().items()}, tmp_path / "model.pt")
    (tmp_path / "vocabs.json").write_text(json.dumps({"token": {"idx_to_token": ["<pad>", "<unk>", "甲", "乙"]}}),
                                          encoding="utf-8")
    model = torch.nn.Linear(2, 3)
    _load_weights_from(model, {"token": vocab}, tmp_path)
    assert torch.allclose(model.weight, earlier.weight.half().float())
    vocab.get_idx("丙")                                    # other training data: other vocabulary
    with pytest.raises(KgError, match="'token' vocabulary differs"):
        _load_weights_from(model, {"token": vocab}, tmp_path)
    with pytest.raises(KgError, match="cannot read a model"):
        _load_weights_from(model, {"token": vocab}, tmp_path / "missing")


def test_label_mapping_rules():
    rules = load_rules()
    assert org_subtype_label("呼和浩特市发展和改革委员会", rules) == "GOV"
    assert org_subtype_label("中国银行", rules) == "COM"
    assert org_subtype_label("世界卫生组织", rules) == "ORG"
    (text, spans), = add_silver_posts([("市长张三和王五书记", [(2, 4, "PER")])][:1], ["书记", "市长"])[0]
    assert spans == [(0, 2, "POST"), (2, 4, "PER"), (7, 9, "POST")]
    pieces = _split_long("甲乙丙，丁戊己庚辛，壬癸", [(4, 7, "PER")], 6)
    assert all(len(t) <= 6 for t, _ in pieces)
    assert [(t[s:e]) for t, sp in pieces for s, e, _ in sp] == ["丁戊己"]


def test_upstream_crf_bug_and_patch():
    """HanLP's RNNTaggingModel hands crf_constraints (None) to CRF as batch_first; patch_crf fixes it."""
    import types

    import torch
    from hanlp.components.taggers.rnn.rnntaggingmodel import RNNTaggingModel

    from kg.ner_train import patch_crf

    torch.manual_seed(0)
    model = RNNTaggingModel(16, None, 8, 5)
    assert not model.crf.batch_first                       # the upstream bug this project works around
    emissions = torch.randn(3, 6, 5)
    lens = [6, 4, 2]
    mask = torch.tensor([[i < n for i in range(6)] for n in lens])
    assert len(model.crf.decode(emissions, mask)) == 6      # one "path" per time step: wrong
    patch_crf(types.SimpleNamespace(model=model))
    assert model.crf.batch_first is True
    one_by_one = [model.crf.decode(emissions[i:i + 1, :n], mask[i:i + 1, :n])[0] for i, n in enumerate(lens)]
    assert model.crf.decode(emissions, mask) == one_by_one


# ------------------------------------------------------------------------------------------
# Corpus markers ("criteria")


def test_corpus_markers_frame_training_samples(tmp_path):
    samples = [("张三好", [(0, 2, "PER")], "msra"), ("上海", [(0, 2, "LOC")], "resume")]
    framed = _to_hanlp(samples, {"msra": "<msra>", "resume": "<resume>"})
    assert framed[0] == {"token": ["<msra>", "张", "三", "好", "<msra>"], "tag": ["O", "B-PER", "I-PER", "O", "O"]}
    assert framed[1]["token"] == ["<resume>", "上", "海", "<resume>"]
    assert _to_hanlp([s[:2] for s in samples])[0] == {"token": ["张", "三", "好"], "tag": ["B-PER", "I-PER", "O"]}
    rs = tmp_path / "resume"
    rs.mkdir()
    (rs / "train.char.bmes").write_text("张 B-NAME\n三 E-NAME\n\n李 S-NAME\n", encoding="utf-8")
    (rs / "dev.char.bmes").write_text("王 S-NAME\n", encoding="utf-8")
    trn, dev, _ = build_training_data(tmp_path, use=("resume",), with_corpus=True)
    assert sorted(trn) == [("张三", [(0, 2, "PER")], "resume"), ("李", [(0, 1, "PER")], "resume")]
    assert dev == [("王", [(0, 1, "PER")], "resume")]


def test_continue_with_new_tokens_and_another_tag_order(tmp_path):
    """A model trained without markers continues with them: embedding rows are copied by token,
    new tokens keep their fresh rows, and output/CRF rows follow the tags to their new places."""
    import torch
    from hanlp.common.vocab import Vocab

    def vocab(tokens, pad=True):
        v = Vocab(pad_token="<pad>" if pad else None, unk_token="<unk>" if pad else None)
        for t in tokens:
            v.get_idx(t)
        return v

    class Crf(torch.nn.Module):
        def __init__(self, n):
            super().__init__()
            self.start_transitions = torch.nn.Parameter(torch.randn(n))
            self.end_transitions = torch.nn.Parameter(torch.randn(n))
            self.transitions = torch.nn.Parameter(torch.randn(n, n))

    class Tiny(torch.nn.Module):
        def __init__(self, n_chars, n_tags):
            super().__init__()
            self.embed = torch.nn.Module()
            self.embed.char = torch.nn.Embedding(n_chars, 3)
            self.out = torch.nn.Linear(2, n_tags)
            self.crf = Crf(n_tags)

    old_chars, old_tags = ["<pad>", "<unk>", "甲", "乙"], ["O", "B-PER", "I-PER"]
    earlier = Tiny(4, 3)
    torch.save(earlier.state_dict(), tmp_path / "model.pt")
    (tmp_path / "vocabs.json").write_text(json.dumps({"token": {"idx_to_token": old_chars},
                                                      "tag": {"idx_to_token": old_tags}}), encoding="utf-8")
    chars, tags = vocab(["<msra>", "乙", "甲"]), vocab(["B-PER", "O", "I-PER"], pad=False)
    model = Tiny(len(chars), 3)
    fresh = model.embed.char.weight.detach().clone()
    logs = []
    _load_weights_from(model, {"token": chars, "tag": tags}, tmp_path, log=logs.append)
    w, ew = model.embed.char.weight, earlier.embed.char.weight
    assert torch.equal(w[chars["甲"]], ew[2]) and torch.equal(w[chars["乙"]], ew[3])
    assert torch.equal(w[chars["<msra>"]], fresh[chars["<msra>"]])          # new token: fresh row
    order = [old_tags.index(t) for t in ["B-PER", "O", "I-PER"]]
    assert torch.equal(model.out.weight, earlier.out.weight[order])
    assert torch.equal(model.crf.transitions, earlier.crf.transitions[order][:, order])
    assert torch.equal(model.crf.start_transitions, earlier.crf.start_transitions[order])
    assert any("4 of 5 rows copied" in m for m in logs) and any("permuted" in m for m in logs)
    with pytest.raises(KgError, match="'tag' vocabulary differs"):       # other tags: cannot continue
        _load_weights_from(Tiny(len(chars), 3), {"token": chars, "tag": vocab(["O", "B-LOC", "I-LOC"], pad=False)},
                           tmp_path)


def test_embeddings_alone_from_a_model_of_another_shape(tmp_path):
    """``embeddings_only`` (kg model train --embeddings-from): the embedding rows are copied by
    token into a model whose other layers have another shape (a smaller BiLSTM), and those layers
    keep their fresh weights; embeddings of another width are an error naming them."""
    import torch
    from hanlp.common.vocab import Vocab

    class Tiny(torch.nn.Module):
        def __init__(self, n_chars, dim, hidden):
            super().__init__()
            self.embed = torch.nn.Module()
            self.embed.char = torch.nn.Embedding(n_chars, dim)
            self.rnn = torch.nn.Linear(dim, hidden)

    torch.save(Tiny(4, 3, 8).state_dict(), tmp_path / "model.pt")
    earlier = torch.load(tmp_path / "model.pt")
    (tmp_path / "vocabs.json").write_text(json.dumps({"token": {"idx_to_token": ["<pad>", "<unk>", "甲", "乙"]},
                                                      "tag": {"idx_to_token": ["O", "B-LOC", "I-LOC"]}}),
                                          encoding="utf-8")
    chars = Vocab()
    for ch in "乙甲丙":
        chars.get_idx(ch)
    tags = Vocab(pad_token=None, unk_token=None)
    for t in ["O", "B-PER", "I-PER"]:            # other tags too: only the embeddings are read
        tags.get_idx(t)
    model = Tiny(len(chars), 3, 4)
    fresh = model.rnn.weight.detach().clone()
    new_row = model.embed.char.weight[chars["丙"]].detach().clone()
    with pytest.raises(RuntimeError):             # the whole model cannot be loaded
        _load_weights_from(Tiny(len(chars), 3, 4), {"token": chars}, tmp_path)
    _load_weights_from(model, {"token": chars, "tag": tags}, tmp_path, embeddings_only=True)
    w = model.embed.char.weight
    assert torch.equal(w[chars["甲"]], earlier["embed.char.weight"][2])
    assert torch.equal(w[chars["乙"]], earlier["embed.char.weight"][3])
    assert torch.equal(w[chars["丙"]], new_row) and torch.equal(model.rnn.weight, fresh)
    with pytest.raises(KgError, match="embed.char.weight"):
        _load_weights_from(Tiny(len(chars), 5, 4), {"token": chars}, tmp_path, embeddings_only=True)
    from kg.ner_train import train
    with pytest.raises(KgError, match="exclude each other"):     # before any corpus is read
        train(tmp_path / "run", tmp_path / "no-corpora", init_from=tmp_path, embeddings_from=tmp_path)
    lexicon = Tiny(4, 3, 8)                       # embeddings this model does not have
    lexicon.embed.lexicon = torch.nn.Linear(12, 2)
    torch.save(lexicon.state_dict(), tmp_path / "model.pt")
    with pytest.raises(KgError, match="embed.lexicon.bias, embed.lexicon.weight"):
        _load_weights_from(Tiny(len(chars), 3, 4), {"token": chars}, tmp_path, embeddings_only=True)


@pytest.fixture()
def model_copy(tmp_path):
    dst = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, dst)
    return dst


def test_criterion_choice_and_errors(model_copy):
    from kg.ner import CRITERIA_FILE

    cf = model_copy / CRITERIA_FILE
    cf.write_text(json.dumps({"markers": {"cluener": "<cluener>", "msra": "<msra>"}, "default": "msra"}),
                  encoding="utf-8")
    t = NerTagger.load(model_copy)
    assert (t.criterion, t.marker) == ("msra", "<msra>")
    assert NerTagger.load(model_copy, criterion="cluener").marker == "<cluener>"
    text = "自治区党委书记张伟到赤峰市调研。"
    (spans,) = t.tag_sentences([text])
    assert ("张伟", "Person") in {(text[s:e], typ) for s, e, typ, _ in spans}
    assert all(0 <= s < e <= len(text) for s, e, _, _ in spans)
    with pytest.raises(KgError, match="unknown criterion 'resume'"):
        NerTagger.load(model_copy, criterion="resume")
    cf.write_text('{"markers": ', encoding="utf-8")
    with pytest.raises(KgError, match="criteria.json: bad criteria file"):
        NerTagger.load(model_copy)
    cf.unlink()
    with pytest.raises(KgError, match="without corpus markers"):
        NerTagger.load(model_copy, criterion="msra")
    assert NerTagger.load(model_copy).criterion is None


def _cluener_line(text: str, ents: dict[str, list[str]]) -> str:
    label = {lab: {s: [[text.index(s), text.index(s) + len(s) - 1]] for s in surfaces}
             for lab, surfaces in ents.items()}
    return json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n"


def test_train_with_markers_then_eval_by_criterion(tmp_path):
    """A tiny run end to end: `kg model train --criteria` writes criteria.json, the model loads and tags
    with each corpus' marker, and `kg model eval` scores with the dataset's own marker unless told."""
    from typer.testing import CliRunner

    from kg.cli import app

    corpora = tmp_path / "corpora"
    (corpora / "cluener2020").mkdir(parents=True)
    (corpora / "resume").mkdir()
    lines = [_cluener_line(f"{c}市副市长张{n}出席会议",
                           {"address": [f"{c}市"], "position": ["副市长"], "name": [f"张{n}"]})
             for c, n in zip("东南西北中", "一二三四五")]
    (corpora / "cluener2020" / "train.json").write_text("".join(lines * 4), encoding="utf-8")
    (corpora / "cluener2020" / "dev.json").write_text("".join(lines[:2]), encoding="utf-8")
    (corpora / "resume" / "train.char.bmes").write_text("李 B-NAME\n四 E-NAME\n是 O\n经 B-TITLE\n理 E-TITLE\n",
                                                       encoding="utf-8")
    (corpora / "resume" / "dev.char.bmes").write_text("王 S-NAME\n", encoding="utf-8")
    model = tmp_path / "model"
    runner = CliRunner()
    res = runner.invoke(app, ["model", "train", "--out", str(model), "--corpora", str(corpora), "--use",
                              "cluener,resume", "--epochs", "1", "--hidden", "8", "--embed", "8", "--bigram-dim", "4",
                              "--threads", "1", "--criteria", "--default-criterion", "resume"])
    assert res.exit_code == 0, res.output
    crit = json.loads((model / "criteria.json").read_text(encoding="utf-8"))
    assert crit == {"markers": {"cluener": "<cluener>", "resume": "<resume>"}, "default": "resume"}
    vocab = json.loads((model / "vocabs.json").read_text(encoding="utf-8"))["token"]["idx_to_token"]
    assert "<cluener>" in vocab and "<resume>" in vocab
    t = NerTagger.load(model)
    assert (t.criterion, t.marker) == ("resume", "<resume>")
    for crit_name in ("cluener", "resume"):
        (spans,) = NerTagger.load(model, criterion=crit_name).tag_sentences(["南市副市长张二出席会议"])
        assert all(0 <= s < e <= 11 for s, e, _, _ in spans)
    for flag, expected in (([], "cluener"), (["--criterion", "default"], "resume")):
        out = tmp_path / f"eval{len(flag)}.json"
        res = runner.invoke(app, ["model", "eval", "cluener-dev", "--model", str(model), "--corpora", str(corpora),
                                  "--json", str(out), *flag])
        assert res.exit_code == 0, res.output
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["criterion"] == expected and report["micro"]["gold"] == 6
    res = runner.invoke(app, ["model", "eval", "cluener-dev", "--model", str(model), "--corpora", str(corpora),
                              "--criterion", "msra"])
    assert res.exit_code == 1 and "unknown criterion 'msra'" in res.output and "Traceback" not in res.output
    res = runner.invoke(app, ["model", "train", "--out", str(tmp_path / "m2"), "--corpora", str(corpora), "--use",
                              "resume", "--criteria", "--default-criterion", "msra"])
    assert res.exit_code == 1 and "default criterion 'msra'" in res.output


def test_lexicon_features_mark_begin_middle_end_per_type():
    from kg.ner import LEXICON_TYPES, lexicon_features, lexicon_table

    table = lexicon_table(["<pad>", "<unk>", "P江泽民", "W主席", "W国家主席", "L北京", "O北京市政府", "W市"])
    assert table == {"江泽民": 0b0010, "主席": 0b0001, "国家主席": 0b0001, "北京": 0b0100, "北京市政府": 0b1000}
    w, p, l, o = (3 * LEXICON_TYPES.index(t) for t in "WPLO")
    B, M, E = 1, 2, 4
    feats = lexicon_features(list("国家主席江泽民到北京市政府"), table)
    assert feats[0] == B << w                                  # 国: begins 国家主席
    assert feats[1] == M << w                                  # 家
    assert feats[2] == (M << w) | (B << w)                     # 主: inside 国家主席, begins 主席
    assert feats[3] == E << w                                  # 席: ends both
    assert feats[4:7] == [B << p, M << p, E << p]              # 江泽民
    assert feats[7] == 0                                       # 到: no word
    assert feats[8] == (B << l) | (B << o) and feats[9] == (E << l) | (M << o)
    assert feats[10:12] == [M << o, M << o] and feats[12] == E << o
    # a corpus marker is one token: it matches nothing and keeps the positions aligned
    assert lexicon_features(["<msra>", "江", "泽", "民", "<msra>"], table) == [0, B << p, M << p, E << p, 0]


def test_build_lexicon_from_peoples_daily(tmp_path):
    from kg.ner_train import build_lexicon

    f = tmp_path / "pd.txt"
    f.write_text("19980101-01-001-002/m  中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  \n"
                 "19980101-01-001-003/m  李/nr  鹏/nr  吴/nr  邦国/nr  在/p  北京/ns  会见/v  国家/n  \n"
                 "19980101-01-001-004/m  [中央/n  人民/n  广播/vn  电台/n]nt  [北京/ns  西站/n]ns  会见/v  "
                 "叶利钦/nr  １２３/m  \n", encoding="utf-8")
    lx = build_lexicon(f)
    assert lx["P"] == {"江泽民", "李鹏", "吴邦国", "叶利钦"}         # a list of names stays apart
    assert lx["O"] == {"中共中央", "中央人民广播电台"}
    assert lx["L"] == {"北京", "北京西站"}
    assert lx["W"] == {"国家", "会见"}                               # seen twice; 总书记, 主席 once
    with pytest.raises(KgError, match="missing.txt"):
        build_lexicon(tmp_path / "missing.txt")


def test_train_with_lexicon_features(tmp_path):
    """`kg model train --lexicon-dim` stores People's Daily's words in the model's vocabs, and the
    loaded model computes the lexicon bits of the text it tags."""
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.ner import LEXICON_TYPES

    corpora = tmp_path / "corpora"
    (corpora / "cluener2020").mkdir(parents=True)
    (corpora / "peoples_daily_1998").mkdir()
    lines = [_cluener_line(f"{c}市副市长张{n}出席会议", {"address": [f"{c}市"], "position": ["副市长"], "name": [f"张{n}"]})
             for c, n in zip("东南西北中", "一二三四五")]
    (corpora / "cluener2020" / "train.json").write_text("".join(lines * 4), encoding="utf-8")
    (corpora / "cluener2020" / "dev.json").write_text("".join(lines[:2]), encoding="utf-8")
    (corpora / "peoples_daily_1998" / "199801.utf8.txt").write_text(
        "19980101-01-001-002/m  副/b  市长/n  张/nr  二/nr  出席/v  会议/n  \n" * 2, encoding="utf-8")
    model = tmp_path / "model"
    runner = CliRunner()
    args = ["model", "train", "--out", str(model), "--corpora", str(corpora), "--use", "cluener", "--epochs", "1",
            "--hidden", "8", "--embed", "8", "--bigram-dim", "4", "--threads", "1", "--lexicon-dim", "3"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert json.loads((model / "config.json").read_text(encoding="utf-8"))["embed"]["lexicon_dim"] == 3
    record = json.loads((model / "training.json").read_text(encoding="utf-8"))
    assert record["finished"] is True and record["epochs_run"] == 1 and len(record["selection_f1_by_epoch"]) == 1
    assert record["params"]["lexicon_dim"] == 3 and set(record["stats"]["lexicon"]) == set(LEXICON_TYPES)
    lexicon = json.loads((model / "vocabs.json").read_text(encoding="utf-8"))["lexicon"]["idx_to_token"]
    assert {"P张二", "W市长", "W出席", "W会议"} <= set(lexicon)
    t = NerTagger.load(model)
    seen = []
    emb = t.component.model.embed
    handle = emb.register_forward_pre_hook(lambda mod, args: seen.append(args[0]["lexicon_id"].tolist()))
    t.tag_sentences(["南市副市长张二出席会议"])
    handle.remove()
    p = 3 * LEXICON_TYPES.index("P")
    assert seen and seen[0][0][5:7] == [1 << p, 4 << p]         # 张二 is a listed person name
    res = runner.invoke(app, [*args[:-2], "--lexicon-dim", "3", "--bigram-dim", "0"])
    assert res.exit_code == 1 and "need bigram features" in res.output and "Traceback" not in res.output


def test_read_realpages_projects_gold_names_onto_sentences(tmp_path):
    """Annotated real pages as NER training data (invented page and gold): every place the
    analysis text writes a gold name gets its label, longest form first; a page whose gold does
    not mark the entity types exhaustive is left out."""
    from kg.ner_train import load_rules, read_realpages

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "p1.txt").write_text(
        "青川县市场监管局局长(zhǎng)周立新介绍，青川县将推进翠岭竹业有限公司扩产。\n", encoding="utf-8")
    (tmp_path / "docs" / "p2.txt").write_text("南岭县召开会议。\n", encoding="utf-8")
    gold = [
        {"doc": "p1.txt", "kind": "doc", "exhaustive": ["Person", "Organization", "Place", "holds_post"]},
        {"doc": "p1.txt", "kind": "entity", "type": "Person", "name": ["周立新"]},
        {"doc": "p1.txt", "kind": "entity", "type": "Organization", "name": ["青川县市场监管局"]},
        {"doc": "p1.txt", "kind": "entity", "type": "Organization", "name": ["翠岭竹业有限公司"]},
        {"doc": "p1.txt", "kind": "entity", "type": "Place", "name": ["青川县"]},
        {"doc": "p1.txt", "kind": "holds_post", "person": ["周立新"], "post": ["局长", "局長"],
         "org": ["青川县市场监管局"]},
        {"doc": "p2.txt", "kind": "doc", "exhaustive": ["Person"]},
        {"doc": "p2.txt", "kind": "entity", "type": "Place", "name": ["南岭县"]},
    ]
    (tmp_path / "gold.jsonl").write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in gold),
                                         encoding="utf-8")
    samples = read_realpages(tmp_path, load_rules())
    assert len(samples) == 1                      # p2 is not exhaustive for the entity types
    text, spans = samples[0]
    labelled = {(text[s:e], lab) for s, e, lab in spans}
    # the gloss is gone from the analysis text, so the post is found; the place inside the
    # organisation's name is not labelled twice
    assert labelled == {("青川县市场监管局", "GOV"), ("局长", "POST"), ("周立新", "PER"),
                        ("青川县", "LOC"), ("翠岭竹业有限公司", "COM")}
