"""The lexicon's compiled matchers (kg.lexicon.Matcher), the typed accessors, resolution's words
read from kg/data (resolve.tsv, org_suffixes.tsv's ``local`` column) and ingest reading the
lexicon it is given.  Rule and resolution tests use hand-made mentions, not the NER model."""

from __future__ import annotations

import pickle
import shutil

import pytest

from kg.ingest import prepare_text, read_corpus
from kg.lexicon import DEFAULT_DIR, Lexicon, Matcher, WordScanner
from kg.model import DocResult, KgError, Mention
from kg.resolve import resolve


# ---- Matcher --------------------------------------------------------------------------------

WORDS = ["新城", "新城区", "城区", "区", "哈哈", "开发区"]
TEXTS = ["新城区开发区管委会在新城区", "哈哈哈哈哈", "区区区", "", "没有一个词", "新城新城区城区区"]


def test_counts_are_str_count_and_find_all_every_occurrence():
    m = Matcher(WORDS)
    for text in TEXTS:
        assert m.counts(text) == {w: text.count(w) for w in WORDS if text.count(w)}, text
        brute = sorted(((i, i + len(w), w) for w in WORDS for i in range(len(text))
                        if text.startswith(w, i)), key=lambda h: (h[0], -h[1]))
        assert m.find_all(text) == brute, text
    # 哈哈 in 哈哈哈哈哈: four overlapping occurrences, counted twice (as str.count does)
    assert len([h for h in m.find_all("哈哈哈哈哈") if h[2] == "哈哈"]) == 4
    assert m.counts("哈哈哈哈哈") == {"哈哈": 2}


def test_anchored_lookups():
    m = Matcher(WORDS)
    assert m.prefixes("新城区开发区", 0) == ["新城区", "新城"]
    assert m.longest_at("新城区开发区", 3) == "开发区"
    assert m.longest_at("新城区开发区", 1) == "城区"
    assert m.longest_at("新城区开发区", 4) is None
    assert m.prefixes("新城区", 3) == []
    assert m.longest_suffix("老城区") == "城区"
    assert m.longest_suffix("城区") == "城区"
    assert m.longest_suffix("城区", proper=True) == "区"
    assert m.ends("开发区") and not m.ends("管委会")
    assert m.ends("区") and not m.ends("区", proper=True)
    assert m.starts("新城") and not m.starts("新城", proper=True) and m.starts("新城区", proper=True)
    assert "城区" in m and "城" not in m and len(m) == len(WORDS) and list(m) == WORDS
    # duplicates and empty words dropped, order kept
    assert Matcher(["乙", "", "甲", "乙"]).words == ("乙", "甲")


def test_start_and_end_positions_are_the_anchored_lookups_of_every_position():
    import random

    m = Matcher(WORDS)
    rng = random.Random(4)
    alphabet = sorted(set("".join(WORDS))) + ["，", "a"]
    for _ in range(300):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert m.start_positions(t) == {i for i in range(len(t)) if m.longest_at(t, i) is not None}
        for longest in (1, 2, 8):
            assert m.end_positions(t, longest) == {
                j for j in range(len(t) + 1) if m.longest_suffix(t[max(0, j - longest):j]) is not None}
    assert Matcher([]).start_positions("新城") == set() == m.end_positions("", 8)


def test_word_scanner_finds_every_occurrence_across_its_blocks(monkeypatch):
    """WordScanner (the automaton under find_all, counts, the NER lexicon features): every
    occurrence once, whatever the block size a long text is scanned in; one word's occurrences by
    start; lone surrogates and NUL characters in the text and in the words (which the compiled
    automaton cannot hold: it would drop the words after such a word) as any other character."""
    import random

    import kg.lexicon as lexicon_module

    rng = random.Random(11)
    alphabet = "新城区开发哈a\x00\ud800"
    for _ in range(300):
        words = list(dict.fromkeys("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
                                   for _ in range(rng.randint(1, 12))))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 120)))
        brute = sorted((k, i, i + len(w)) for k, w in enumerate(words)
                       for i in range(len(text)) if text.startswith(w, i))
        for block in (1 << 16, 9, 4, 1):
            monkeypatch.setattr(lexicon_module, "_SCAN_BLOCK", block)
            hits = list(WordScanner(words).scan(text))
            assert sorted(hits) == brute and len(hits) == len(brute), (words, text, block)
            starts: dict[int, int] = {}
            for k, s, _e in hits:
                assert s >= starts.get(k, -1)
                starts[k] = s
    assert list(WordScanner([]).scan("新城")) == [] == list(WordScanner(["新城"]).scan(""))
    # a word the automaton cannot hold, first in the list: the words after it are still found
    assert sorted(WordScanner(["\ud800城", "新城", "城区"]).scan("新城区 \ud800城")) == [
        (0, 4, 6), (1, 0, 2), (2, 1, 3)]
    assert Matcher(["\ud800c", "ab"]).counts("ab ab") == {"ab": 2}
    again = pickle.loads(pickle.dumps(WordScanner(["新城", "城区"])))
    assert sorted(again.scan("新城区")) == [(0, 0, 2), (1, 1, 3)]


def test_empty_matcher_and_pickle():
    empty = Matcher(())
    assert empty.find_all("任何文字") == [] and empty.counts("任何文字") == {}
    assert empty.longest_at("任何") is None and not empty.ends("任何")
    m = pickle.loads(pickle.dumps(Matcher(WORDS)))
    assert m.counts("新城区") == {"新城": 1, "新城区": 1, "城区": 1, "区": 1}


# ---- the lexicon's accessors ------------------------------------------------------------------

def test_matcher_accessor_checks_kinds(lexicon):
    cities = lexicon.matcher("places", "city")
    assert set(cities.words) == set(lexicon.words("places", "city"))
    assert lexicon.matcher("places", "city") is cities          # compiled once per lexicon
    with pytest.raises(KeyError, match="no kind 'citty'"):
        lexicon.matcher("places", "citty")
    with pytest.raises(KeyError, match="regular expressions"):
        lexicon.matcher("resolve", "session_rx")


def test_org_subtype_and_post_suffix_agree_with_a_scan(lexicon):
    """The matcher look-ups give what a scan over the longest-first lists gave."""
    def scan_subtype(name):
        return next((sub for suffix, sub, _ in lexicon.org_suffixes if name.endswith(suffix)), None)

    def scan_post(element):
        titles = sorted(lexicon.posts, key=len, reverse=True)
        return next((t for t in titles if element.endswith(t)), None)

    names = ["某某" + s for s, _, _ in lexicon.org_suffixes] + ["某某公司（集团）", "某某", "", "办"]
    for name in names:
        assert lexicon.org_subtype(name) == scan_subtype(name), name
        assert lexicon.ends_with_org_suffix(name) == (scan_subtype(name) is not None), name
    for element in ["某某" + t for t in lexicon.posts] + ["某某", "", "副"]:
        assert lexicon.post_suffix(element) == scan_post(element), element


def test_org_suffix_local_column(lexicon):
    # the three endings resolution had spelled out: a county's departments, the departments
    # local to the context city, the organisations never national (本报 is resolve.tsv's)
    assert set(lexicon.org_suffix_matcher("department", "office").words) == {"局", "委员会", "委", "办公室", "办"}
    assert set(lexicon.org_suffix_matcher("department", "office", "provincial_department").words) == \
        {"局", "委员会", "委", "办公室", "办", "厅"}
    assert set(lexicon.org_suffix_matcher("department", "provincial_department", "government", "paper").words) == \
        {"局", "委员会", "政府", "委", "厅", "办", "日报"}
    assert len(lexicon.org_suffix_matcher()) == len({s for s, _, _ in lexicon.org_suffixes})
    with pytest.raises(KeyError, match="no local value 'city'"):
        lexicon.org_suffix_matcher("city")


def _copy_lexicon(tmp_path):
    for p in DEFAULT_DIR.glob("*.tsv"):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path


def _append(path, rows):
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")


def test_bad_local_value_names_file_and_line(tmp_path):
    d = _copy_lexicon(tmp_path)
    _append(d / "org_suffixes.tsv", "某某所\tother\tno\tcounty\n")
    with pytest.raises(KgError, match=r"org_suffixes.tsv:\d+: unknown local 'county'"):
        Lexicon.load(d)


# ---- resolution reads its words from the lexicon ----------------------------------------------

def _resolve(lex, text, spans):
    doc = prepare_text(text, "a.txt", lexicon=lex)
    mentions = []
    for surface, typ in spans:
        i = doc.text.index(surface)
        mentions.append(Mention("a.txt", 0, i, i + len(surface), surface, typ))
    entities, _facts = resolve([doc], [DocResult("a.txt", mentions)], lex)
    return sorted(e.name for e in entities.values() if e.type == "Project")


def test_resolve_reads_resolve_tsv(tmp_path):
    """The project tail comes from resolve.tsv: with 项目 the two names are one project, with
    another tail they stay two."""
    text = "青禾镇建设新材料产业园项目。新材料产业园年内投产。\n"
    spans = [("新材料产业园项目", "Project"), ("新材料产业园", "Project")]
    assert _resolve(Lexicon.load(), text, spans) == ["新材料产业园项目"]
    d = _copy_lexicon(tmp_path)
    p = d / "resolve.tsv"
    p.write_text(p.read_text(encoding="utf-8").replace("project_tail\t项目", "project_tail\t工程"),
                 encoding="utf-8")
    assert _resolve(Lexicon.load(d), text, spans) == ["新材料产业园", "新材料产业园项目"]


def test_resolve_single_value_kinds_are_checked(tmp_path):
    d = _copy_lexicon(tmp_path)
    _append(d / "resolve.tsv", "city_mark\t城\n")
    lex = Lexicon.load(d)
    with pytest.raises(KgError, match="'city_mark' must have exactly one value, has 2"):
        _resolve(lex, "某某。\n", [])


def test_department_suffixes_come_from_org_suffixes(tmp_path):
    """A department written without its place is local to the context city by the ``local``
    column of org_suffixes.tsv: without 局 there, 教育局 is one organisation everywhere."""
    def org_keys(lex):
        docs = [prepare_text("甲市教育局召开会议。教育局局长出席。\n", "a.txt", lexicon=lex),
                prepare_text("乙市召开会议。教育局有关负责人出席。\n", "b.txt", lexicon=lex)]
        results = []
        for d in docs:
            i = d.text.rindex("教育局")
            results.append(DocResult(d.id, [Mention(d.id, 0, i, i + 3, "教育局", "Organization")]))
        entities, _ = resolve(docs, results, lex, city_overrides={"a.txt": "甲市", "b.txt": "乙市"})
        return sorted(e.name for e in entities.values() if e.type == "Organization")

    assert org_keys(Lexicon.load()) == ["教育局", "甲市教育局"]
    d = _copy_lexicon(tmp_path)
    p = d / "org_suffixes.tsv"
    p.write_text(p.read_text(encoding="utf-8").replace("局\tgovernment\tno\tdepartment",
                                                       "局\tgovernment\tno\t"), encoding="utf-8")
    assert org_keys(Lexicon.load(d)) == ["教育局"]


# ---- ingest reads the lexicon it is given ------------------------------------------------------

DATELINE_TEXT = "会议指出，要狠抓落实\n青禾网青禾5月1日电 青禾县召开全县工业\n经济运行调度会议。\n"


def test_ingest_reads_the_given_lexicon(tmp_path):
    """A dateline source added to a custom lexicon's ingest.tsv opens a paragraph; the default
    lexicon (which does not list it) joins the wrapped line."""
    d = tmp_path / "lex"
    d.mkdir()
    _copy_lexicon(d)
    _append(d / "ingest.tsv", "dateline_source\t青禾网\n")
    custom = Lexicon.load(d)
    assert "\n" not in prepare_text(DATELINE_TEXT).text          # all joined into one line
    assert prepare_text(DATELINE_TEXT, lexicon=custom).text.split("\n") == [
        "会议指出,要狠抓落实", "青禾网青禾5月1日电 青禾县召开全县工业经济运行调度会议。"]
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DATELINE_TEXT, encoding="utf-8")
    assert read_corpus(corpus)[0].text.count("\n") == 0
    assert read_corpus(corpus, lexicon=custom)[0].text.count("\n") == 1


def test_build_ingests_with_its_lexicon_dir(tmp_path):
    """``build(lexicon_dir=…)`` ingests with that lexicon: the sentence the dateline opens is
    a sentence of its own."""
    from kg.pipeline import build

    d = tmp_path / "lex"
    d.mkdir()
    _copy_lexicon(d)
    _append(d / "ingest.tsv", "dateline_source\t青禾网\n")
    corpus = tmp_path / "docs"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DATELINE_TEXT, encoding="utf-8")

    def first_line(**kw):
        res = build([corpus], None, learned=False, **kw)
        return res.docs[0].text.split("\n")[0]

    assert first_line() != "会议指出,要狠抓落实"
    assert first_line(lexicon_dir=d) == "会议指出,要狠抓落实"


def test_city_names_reads_the_given_lexicon(tmp_path):
    """The city grammar of relations/base.py is places.tsv's: "前往" (city_not_start) never
    opens a city name, so "，前往海宁市" names none; a lexicon without that row reads the
    whole run as one (issue 12: the words live in kg/data, not in code)."""
    from kg.relations.base import city_names

    text = "代表团今天，前往海宁市考察。"
    default, _ = city_names(text)
    assert not any(c.startswith("前往") for c in default), default
    d = _copy_lexicon(tmp_path)
    p = d / "places.tsv"
    p.write_text("".join(line for line in p.read_text(encoding="utf-8").splitlines(True)
                         if line.rstrip("\n") != "city_not_start\t前往"), encoding="utf-8")
    custom, _ = city_names(text, lex=Lexicon.load(d))
    assert "前往海宁市" in custom, custom


def test_alternation_matches_the_words_literally_in_their_order():
    import re

    from kg.lexicon import alternation, alternation_body

    assert alternation_body(["局", "局长"]) == "局|局长"
    assert re.fullmatch(alternation(["a.b", "(c)"]), "a.b") and not re.fullmatch(alternation(["a.b"]), "axb")
    assert re.match(alternation(["局", "局长"]), "局长").group() == "局"     # file order, not longest
    assert re.compile(alternation(iter(["甲", "乙"])) + "$").match("乙")
