"""kg.ner_fast: the fast NER path gives exactly HanLP's tags (issue 13)."""

from __future__ import annotations

import random

import pytest
import torch

from kg.ner import FAST_ENV, NerTagger, lexicon_features, lexicon_table
from kg.ner_fast import FastTagger, lexicon_automaton, lexicon_features_fast, tag_marginals, viterbi
from kg.ner_train import corpora_dir, read_char_tagged, read_cluener


@pytest.fixture(scope="module")
def tagger():
    torch.set_num_threads(1)
    t = NerTagger.load()
    assert t.fast                      # the default path
    return t


def _both(tagger, texts, batch_size=None, **kw):
    """tag_sentences through HanLP's path and through the fast path."""
    try:
        tagger.fast = False
        slow = tagger.tag_sentences(texts, batch_size=batch_size, **kw)
    finally:
        tagger.fast = True
    return slow, tagger.tag_sentences(texts, batch_size=batch_size, **kw)


# Invented sentences in the genre (not from any corpus or page), and edge cases.
INVENTED = [
    "鄂尔多斯市人民政府副市长刘志强带队赴内蒙古伊泰集团有限公司开展调研。",
    "自治区党委书记张伟到赤峰市调研。",
    "包头市发展和改革委员会党组书记、主任李明华主持召开专题会议，市财政局局长周文斌参加。",
    "据新华社北京电  国务院总理会见了来访的新西兰总理。",
    "长沙经济技术开发区管委会与三一重工股份有限公司签署合作协议。",
    "王", "市", "。", " ", "", "  张  ", "A", "<msra>", "中国", "湖南省长沙市",
    "他说：“我们要把工作做实。”随后，李华、赵强、钱明分别发言。",
    "Beijing 2026年12月2日 上午10:30，XX科技有限公司（以下简称“XX公司”）发布公告。",
]


def _edge_texts(max_len):
    base = "黑龙江省哈尔滨市人民政府副秘书长王建国在哈尔滨工业大学调研时指出要推进科技创新工作"
    long = (base * 10)
    return [
        long[:max_len],                 # exactly max_len: one piece
        long[:max_len - 1],
        long[:max_len + 1],             # one past: a hard cut
        long[:3 * max_len + 7],         # several pieces, no punctuation
        "，".join([base] * 6),          # cut at clause punctuation
        "。".join([base[:40]] * 9) + "。",  # cut at sentence ends
        "、" * (max_len + 5),
    ]


def test_invented_and_edge_sentences_identical(tagger):
    texts = INVENTED + _edge_texts(tagger.max_len)
    slow, fast = _both(tagger, texts)
    assert fast == slow
    assert any(fast)                                   # it did find entities
    # every piece alone (batch 1) and all in small batches give the same too
    slow1, fast1 = _both(tagger, texts, batch_size=1)
    assert fast1 == slow1 == slow
    slow3, fast3 = _both(tagger, texts, batch_size=3)
    assert fast3 == slow3


def test_pieces_of_every_edge_length_identical(tagger):
    # raw pieces straight to the model (markers included): 1 char, max_len, longer than max_len
    rng = random.Random(13)
    chars = list("张王李赵市省委政府局长书记公司集团中国北京湖南长沙，。、的了在和有")
    pieces = [[c] for c in "王，。a "]
    for n in (2, 3, tagger.max_len - 1, tagger.max_len, tagger.max_len + 2, 2 * tagger.max_len + 3):
        pieces.append([rng.choice(chars) for _ in range(n)])
    pieces.append([tagger.marker, tagger.marker])
    pieces.append([tagger.marker, "李", "明", tagger.marker])
    tagger.fast = False
    try:
        slow = tagger._predict(pieces, 4)
    finally:
        tagger.fast = True
    fast = tagger._predict(pieces, 4)
    assert [sorted(x) for x in fast] == [sorted(x) for x in slow]


def test_a_piece_is_the_marker_its_characters_and_the_marker(tagger):
    """tag_sentences hands the model ``Piece``s (one string, not a list of characters): the
    same tokens, and the same spans through either path, as the lists of characters."""
    from kg.ner import Piece

    p = Piece("张王李", "<msra>")
    assert list(p) == ["<msra>", "张", "王", "李", "<msra>"] and len(p) == 5 and p[1:3] == ["张", "王"]
    assert list(Piece("张王", None)) == ["张", "王"] and len(Piece("", None)) == 0
    for q in (p, Piece("张王", None)):
        assert [q[i] for i in range(-len(q), len(q))] == list(q) * 2 and list(reversed(q)) == list(q)[::-1]
        with pytest.raises(IndexError):
            q[len(q)]
    texts = INVENTED[:5] + _edge_texts(tagger.max_len)[:4]
    lists = [[tagger.marker, *t, tagger.marker] for t in texts if t]
    pieces = [Piece(t, tagger.marker) for t in texts if t]
    assert tagger._predict(pieces, 4) == tagger._predict(lists, 4)
    tagger.fast = False
    try:
        assert tagger._predict(pieces, 4) == tagger._predict(lists, 4)
    finally:
        tagger.fast = True


def _corpus_sentences(n):
    root = corpora_dir()
    out = []
    try:
        out += [s[0] for s in read_cluener(root / "cluener2020" / "dev.json")[:n]]
        out += [s[0] for s in read_char_tagged(root / "msra" / "test.bio")[:n]]
    except Exception as e:  # noqa: BLE001 -- corpora are optional on a fresh checkout
        pytest.skip(f"NER corpora not available: {e}")
    return out


def test_corpus_sentences_identical(tagger):
    texts = _corpus_sentences(200)             # 200 CLUENER dev + 200 MSRA test sentences
    assert len(texts) == 400
    slow, fast = _both(tagger, texts)
    assert fast == slow
    assert sum(map(len, fast)) > 300


def test_tag_documents_identical_and_progress(tagger):
    from kg.model import Document, Sentence

    text = "".join(INVENTED[:5]) * 3
    cut = len(INVENTED[0])
    doc = Document(id="a.txt", path="a.txt", original=text, text=text, offsets=list(range(len(text) + 1)),
                   sentences=[Sentence("a.txt", 0, 0, cut, text[:cut]),
                              Sentence("a.txt", 1, cut, len(text), text[cut:])])
    calls = []
    tagger.fast = False
    try:
        slow = tagger.tag(doc)
    finally:
        tagger.fast = True
    fast = tagger.tag(doc, progress=lambda d, t: calls.append((d, t)))
    assert fast == slow and fast
    total = calls[-1][1]
    assert calls[-1][0] == total and all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # one call per batch of HanLP's sampler
    texts = INVENTED[:5] * 30
    calls.clear()
    tagger.tag_sentences(texts, batch_size=16, progress=lambda d, t: calls.append((d, t)))
    pieces = sum(1 for t in texts if t.strip())
    assert len(calls) == -(-pieces // 16)


def test_viterbi_matches_hanlp_crf_decode(tagger):
    crf = tagger.component.model.crf
    g = torch.Generator().manual_seed(7)
    for trial in range(20):
        b, t = 1 + trial % 7, 1 + (trial * 11) % 40
        em = torch.randn(b, t, crf.num_tags, generator=g)
        if trial % 2:                                   # integer scores: many exact ties
            em = em.mul(2).round()
        lengths = sorted((torch.randint(1, t + 1, (b,), generator=g)).tolist(), reverse=True)
        lengths[0] = t
        if trial % 3 == 2:                              # rows not sorted by length: the general path
            lengths = lengths[::-1]
        mask = torch.zeros(b, t, dtype=torch.bool)
        for i, n in enumerate(lengths):
            mask[i, :n] = True
        want = crf.decode(em, mask)
        got = viterbi(crf, em, mask)
        assert [got[i, :n].tolist() for i, n in enumerate(lengths)] == want


def test_tag_marginals_are_those_of_the_crf_distribution(tagger):
    """tag_marginals gives, at each position, the probability under the CRF of all tag sequences
    with the given tag there: checked against enumerating every sequence of short rows (rows of
    several lengths in one batch, padding positions 0)."""
    import itertools
    import types

    import numpy as np

    g = torch.Generator().manual_seed(11)
    k = 3
    crf = types.SimpleNamespace(transitions=torch.randn(k, k, generator=g),
                                start_transitions=torch.randn(k, generator=g),
                                end_transitions=torch.randn(k, generator=g))
    lengths = [4, 3, 1]
    em = torch.randn(len(lengths), 4, k, generator=g) * 3
    mask = torch.zeros(len(lengths), 4, dtype=torch.bool)
    for i, n in enumerate(lengths):
        mask[i, :n] = True
    tags = np.array(torch.randint(0, k, (len(lengths), 4), generator=g).tolist())
    got = tag_marginals(crf, em, mask, tags)
    tr, st, en = (x.double().numpy() for x in (crf.transitions, crf.start_transitions, crf.end_transitions))
    e = em.double().numpy()
    for r, n in enumerate(lengths):
        z, hit = 0.0, np.zeros(n)
        for seq in itertools.product(range(k), repeat=n):
            sc = st[seq[0]] + en[seq[-1]] + sum(e[r, i, seq[i]] for i in range(n)) \
                + sum(tr[seq[i - 1], seq[i]] for i in range(1, n))
            p = np.exp(sc)
            z += p
            hit += [p if seq[i] == tags[r, i] else 0.0 for i in range(n)]
        assert np.allclose(got[r, :n], hit / z, atol=1e-9)
        assert (got[r, n:] == 0).all()
    # some rows only (predict asks for the rows with a span): those rows' figures, in the order
    # asked, sorted by length (each step computes the running rows) or not (up to the last bit
    # of a matrix product over fewer rows)
    assert np.allclose(tag_marginals(crf, em, mask, tags, [0, 2]), got[[0, 2]], rtol=0, atol=1e-15)
    assert np.allclose(tag_marginals(crf, em, mask, tags, [2, 0, 1]), got[[2, 0, 1]], rtol=0, atol=1e-15)


def test_a_span_confidence_is_the_least_marginal_of_its_own_characters(tagger, monkeypatch):
    """FastTagger.predict takes each span's confidence over its characters, first to last: with
    marginals that fall along a piece the least is at the span's last character, with marginals
    that rise at its first."""
    import numpy as np

    import kg.ner_fast as nf

    fast = tagger._fast_tagger()
    piece = [tagger.marker, *INVENTED[2], tagger.marker] if tagger.marker else list(INVENTED[2])
    for shape, at in (("fall", lambda s, e: 1.0 / (e + 1)), ("rise", lambda s, e: (s + 1) / 1000.0)):
        def fake(crf, emissions, mask, tags, rows=None, shape=shape):
            n = tags.shape[1]
            pos = np.arange(n, dtype=np.float64)[None, :].repeat(len(rows) if rows is not None else tags.shape[0],
                                                                 axis=0)
            return 1.0 / (pos + 2) if shape == "fall" else (pos + 1) / 1000.0

        monkeypatch.setattr(nf, "tag_marginals", fake)
        (spans,) = fast.predict([piece], 64)
        assert len(spans) >= 3
        assert all(c == round(at(s, e), 4) for _label, s, e, c in spans), (shape, spans)


def test_mentions_carry_the_span_confidence(tagger):
    """A mention's score is the least marginal of its span's tags, the same on both paths."""
    text = INVENTED[0] + INVENTED[2]
    (slow,), (spans,) = _both(tagger, [text], confidence=True)
    assert spans and all(0.0 < c <= 1.0 for *_x, c in spans)
    assert [x[:4] for x in spans] == tagger.tag_sentences([text])[0]
    assert slow == spans


def test_lexicon_features_fast_same_masks(tagger):
    table = lexicon_table(tagger.component.vocabs["lexicon"].idx_to_token)
    auto = lexicon_automaton(table)
    rng = random.Random(5)
    words = [w for w in sorted(table) if len(w) <= 6][:3000]
    for _ in range(200):
        s = "".join(rng.choice(words) if rng.random() < 0.6 else rng.choice("的了，。在和X ")
                    for _ in range(rng.randint(0, 30)))
        chars = list(s)
        if rng.random() < 0.3:
            chars = ["<msra>", *chars, "<msra>"]
        assert lexicon_features_fast(chars, auto) == lexicon_features(chars, table)
    small = {"ab": 1, "abc": 2, "bcd": 8, "cd": 5, "abcdefghij": 1}     # the last one too long
    pre = lexicon_automaton(small)
    for s in ("", "a", "abcd", "abcdabc", "xabcdx", "cdcd", "abcdefghij"):
        assert lexicon_features_fast(list(s), pre) == lexicon_features(list(s), small)
    assert lexicon_automaton({}) is None and lexicon_features_fast(list("ab"), None) == [0, 0]


def test_switch_env_and_unsupported(monkeypatch, tagger):
    monkeypatch.setenv(FAST_ENV, "0")
    assert NerTagger.load().fast is False
    monkeypatch.setenv(FAST_ENV, "1")
    assert NerTagger.load().fast is True
    assert NerTagger.load(fast=False).fast is False

    class Other:                         # not a kg char-bigram model: stays on HanLP's path
        model = torch.nn.Linear(2, 2)
        config = {"crf": True, "tagging_scheme": "BIO"}

    assert FastTagger.supports(tagger.component) and not FastTagger.supports(Other())
