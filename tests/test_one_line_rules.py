"""The relation rules on one long line (issue 13, "long lines stream linear in size"): the look-ups
that used to scan the whole line before a byline, or try every place name at every position, stay
near where they look, with the results of the naive way.  Invented text; no timing asserts (the
figures are in docs/performance.md, "Per-stage CPU seconds on one long line")."""

from __future__ import annotations

import re
import sys

import pytest

from kg.ingest import prepare_text
from kg.model import Mention
from kg.relations import orgs, people, stages
from kg.relations.state import DocState, line_bounds, written_between
from conftest import mention
from test_stages import _run      # the stages up to and including ``until``

if sys.version_info >= (3, 11):
    from re import _constants as sre_c, _parser as sre_parse
else:   # pragma: no cover
    import sre_constants as sre_c
    import sre_parse


# -- bylines: the dateline regex in the run before the byline ---------------------------------

_ALL_CHARS = "".join(chr(i) for i in range(0x110000))
_CATEGORIES = {sre_c.CATEGORY_SPACE: r"\s", sre_c.CATEGORY_DIGIT: r"\d", sre_c.CATEGORY_WORD: r"\w"}


def _chars(parsed) -> str:
    """Every character a match of the parsed pattern can hold (the cases wire_rx uses; any
    other construct fails the test, to be added here when the pattern changes)."""
    out = []
    for op, av in parsed:
        if op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.IN:
            for iop, iav in av:
                if iop is sre_c.LITERAL:
                    out.append(chr(iav))
                elif iop is sre_c.RANGE:
                    out.append("".join(chr(c) for c in range(iav[0], iav[1] + 1)))
                elif iop is sre_c.CATEGORY and iav in _CATEGORIES:
                    out.extend(re.findall(_CATEGORIES[iav], _ALL_CHARS))
                else:
                    raise AssertionError(f"wire_rx: no rule for {iop} {iav} in a set")
        elif op is sre_c.SUBPATTERN:
            out.append(_chars(av[-1]))
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            out.append(_chars(av[2]))
        elif op is sre_c.BRANCH:
            out.extend(_chars(b) for b in av[1])
        elif op is sre_c.AT:
            pass                    # zero width
        else:
            raise AssertionError(f"wire_rx: no rule for {op}")
    return "".join(out)


def test_wire_char_rx_holds_every_character_of_a_wire_rx_match(lexicon):
    """The dateline's search window is exact only if wire_rx can match no character outside
    persons.tsv wire_char_rx: checked on the parsed pattern, character by character."""
    pw = people._Words.of(lexicon)
    held = set(_chars(sre_parse.parse(pw.wire.pattern)))
    assert held and len(held) > 20000
    outside = [c for c in held if pw.wire_stop.match(c)]
    assert not outside, outside[:10]
    assert "\n" in held     # \s: the window never crosses a line start (bylines bounds it by the line)


def _byline_text(n: int) -> str:
    parts = []
    for k in range(n):
        parts.append(
            f"各地代表团第{k}次讨论水利工程，会场气氛热烈。"
            # a dateline before the byline; a 社 earlier in the same Han run: the first match wins
            f"社会各界甲乙社丙丁{k % 9 + 1}月{k % 27 + 1}日电（记者王立新）今天召开座谈会。"
            "晨光日报记者 赵建国 陈明华。"
            "东方晨报记者孙立新 报道，项目进展顺利。"
            f"通讯员 李海东、张明华 摄影报道：活动共有{k}人参加。")
    parts.append("本报记者刘建国\n")
    return "".join(parts)


def _naive_run_start(t, stop, lo, hi):
    return lo


def _naive_line_bounds(st, pos):
    end = st.text.find("\n", pos)
    return st.text.rfind("\n", 0, pos) + 1, (len(st.text) if end < 0 else end)


def _naive_model_org_before(st, line_start, be, ms, me):
    # the code before: a pass over ner_v per byline
    org = next((x for a, b, typ, _s, x in st.ner_v
                if typ == "Organization" and line_start <= a and b == be), None)
    return org or next((st.text[a:ms] for a, b, typ, _s, x in st.ner_v
                        if typ == "Organization" and line_start <= a
                        and a + 2 <= ms < b and b <= me and be == ms), None)


def test_line_bounds_and_written_between_are_the_scans(lexicon):
    doc = prepare_text("甲乙本报丙\n本报\n\n丁本报本报戊", "lines.txt")
    st = _run(doc, [], lexicon, until="prepare")
    t = st.text
    for pos in range(len(t) + 1):
        end = t.find("\n", pos)
        assert line_bounds(st, pos) == (t.rfind("\n", 0, pos) + 1, len(t) if end < 0 else end)
        lo = line_bounds(st, pos)[0]
        for hi in range(lo, len(t) + 1):
            assert written_between(st, "本报", lo, hi) == ("本报" in t[lo:hi]), (lo, hi)


def test_bylines_search_near_the_byline_with_the_results_of_the_whole_line(lexicon, monkeypatch):
    """On one long line, each byline's dateline search scans the run of wire_char_rx characters
    before it (a window that grows to the left), not the whole line before it; persons and
    holds_post facts are those of the search in the whole line (the code before)."""
    doc = prepare_text(_byline_text(60), "bylines.txt")
    ner = [mention(doc, "晨光日报", "Organization", nth=k) for k in range(60)] \
        + [mention(doc, "东方晨报记者", "Organization", nth=k) for k in range(0, 60, 2)]
    t = _run(doc, [], lexicon, until="prepare").text
    assert t.count("\n") <= 1 and len(t) > 4000

    real = people._run_start
    scans = []

    class Counting:
        def __init__(self, rx):
            self.rx, self.scanned = rx, 0

        def finditer(self, text, a, b):
            self.scanned += b - a
            return self.rx.finditer(text, a, b)

    pw = people._Words.of(lexicon)

    def counting(text, stop, lo, hi):
        c = Counting(stop)
        r = real(text, c, lo, hi)
        # the run: no stop character in it, one right before it (or the line start)
        assert stop.search(text, r, hi) is None
        assert r == lo or stop.match(text, r - 1)
        # the whole line's first dateline match is the run's
        naive, bounded = pw.wire.search(text[lo:hi]), pw.wire.search(text, r, hi)
        assert (naive and (naive.start() + lo, naive.end() + lo, naive.group(1))) == \
            (bounded and (bounded.start(), bounded.end(), bounded.group(1)))
        scans.append((hi - lo, hi - r, c.scanned))
        return r

    monkeypatch.setattr(people, "_run_start", counting)
    st = _run(doc, ner, lexicon, until="bylines")
    assert len(scans) >= 150
    for whole, run, scanned in scans:
        assert scanned <= 8 * run + 128, (whole, run, scanned)
    # the whole line before each byline would be a quadratic sum; the windows stay near
    assert 20 * sum(s for _w, _r, s in scans) < sum(w for w, _r, _s in scans)
    got = (dict(st.persons), [f.to_dict() for f in st.facts])
    orgs_found = {f.args["org"].text for f in st.facts}
    # (a 本报 byline gives its person and no holds_post fact)
    assert {"各界甲乙社", "晨光日报", "东方晨报"} <= orgs_found and "本报" not in orgs_found, orgs_found

    # the naive way: the whole line before each byline, rfind / find for the line, a
    # substring test for own_paper, a pass over ner_v (people's look-ups monkeypatched back)
    monkeypatch.setattr(people, "_run_start", _naive_run_start)
    monkeypatch.setattr(people, "line_bounds", _naive_line_bounds)
    monkeypatch.setattr(people, "written_between", lambda st, x, lo, hi: x in st.text[lo:hi])
    monkeypatch.setattr(people, "_model_org_before", _naive_model_org_before)
    st2 = _run(doc, ner, lexicon, until="bylines")
    assert (dict(st2.persons), [f.to_dict() for f in st2.facts]) == got


# -- org_grammar: the places written at a position, not every place tried there ---------------

def _naive_prefixed(text, prefixes, rest):
    rx = re.compile("(?:" + "|".join(re.escape(p) for p in prefixes) + ")" + rest.pattern)
    return [(m.start(), m.end(), m.group(0)) for m in rx.finditer(text)]


@pytest.mark.parametrize("which", ["prefixed_body", "body_abbreviation"])
def test_prefixed_matches_try_only_the_prefixes_written_there(lexicon, which):
    """_prefixed_matches gives what the regex alternation of the prefixes gives, and tries
    ``rest`` only after a prefix written at that position: however many prefixes share a first
    character, the tries are at most the prefixes' occurrences (found in one pass)."""
    made_up = [f"甲{a}{b}县" for a in "乙丙丁戊己庚辛壬癸子" for b in "丑寅卯辰巳午未申酉戌"]
    prefixes = sorted(made_up, key=len, reverse=True) + ["甲乙", "市", "县", "区"]
    written = made_up[::7]
    text = "".join(f"{p}发改委、{p}教育局和{p[:2]}市委，甲方市民政局，区委书记。" for p in written) * 3
    rest = orgs._Words.of(lexicon).prefixed_body if which == "prefixed_body" \
        else re.compile("(?:发改委|教育局|市委|区委)(?![会])")

    class Counting:
        def __init__(self, rx):
            self.rx, self.calls = rx, 0

        def match(self, s, pos):
            self.calls += 1
            return self.rx.match(s, pos)

    hits = orgs._prefix_hits(text, prefixes)
    naive_hits = sorted((m.start(), prefixes.index(p), p) for p in set(prefixes)
                        for m in re.finditer(f"(?={re.escape(p)})", text))
    assert hits == naive_hits
    counting = Counting(rest)
    got = [(i, m.end(), text[i:m.end()]) for i, m in orgs._prefixed_matches(text, hits, counting)]
    assert got == _naive_prefixed(text, prefixes, rest) and len(got) >= 3 * len(written)
    # the code before tried all 101 prefixes that start with 甲 at each 甲
    assert counting.calls <= len(hits) <= 3 * text.count("甲") + text.count("市") + text.count("县") \
        + text.count("区")


@pytest.mark.parametrize("find_work", [100_000, -1])
def test_prefix_hits_by_find_and_by_automaton_are_every_occurrence(monkeypatch, find_work):
    """_prefix_hits looks for a page's few prefixes with str.find, for many in a long text with
    the automaton: either way every occurrence, overlapping ones too, by start."""
    import random

    from kg.relations import base

    monkeypatch.setattr(base, "_FIND_WORK", find_work)
    rng = random.Random(8)
    for _ in range(300):
        text = "".join(rng.choice("甲乙丙市a") for _ in range(rng.randrange(0, 80)))
        prefixes = ["".join(rng.choice("甲乙丙市a") for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 9))]
        naive = sorted((i, prefixes.index(p), p) for p in set(prefixes) if p
                       for i in range(len(text)) if text.startswith(p, i))
        assert base._prefix_hits(text, prefixes) == naive, (text, prefixes)


def test_org_grammar_finds_what_the_regex_alternation_finds(lexicon, monkeypatch):
    """org_grammar with _prefixed_matches gives the organisations of the regex alternation of
    the places (the code before: ``re.finditer(f"(?:{pre_rx})(?:{body_rx})…")`` and the
    prefixed-body grammar tried per place)."""
    places = [f"{a}{b}县" for a in "甲丙戊庚壬" for b in "乙丁己辛癸"]
    text = "".join(f"{p}发改委、{p}教育局召开会议，{p}人民政府办公室主任讲话。" for p in places) + "\n"
    doc = prepare_text(text, "orgs.txt")
    ner = [mention(doc, p, "Place") for p in places]
    st = _run(doc, ner, lexicon, until="org_grammar")
    found = dict(st.orgs)
    assert {f"{p}教育局" for p in places} <= {x for x, _s in found.values()}

    def naive(t, hits, rest):
        # the prefixes in their order (those not written match nothing); rest's groups are
        # the combined pattern's, and so is the end
        by = sorted({(k, p) for _i, k, p in hits})
        rx = re.compile("(?:" + "|".join(re.escape(p) for _k, p in by) + ")(?:" + rest.pattern + ")")
        for m in rx.finditer(t):
            yield m.start(), m

    monkeypatch.setattr(orgs, "_prefixed_matches", naive)
    st2 = _run(doc, ner, lexicon, until="org_grammar")
    assert dict(st2.orgs) == found


# -- prepare, post_chains, titles_after_names, listed_persons, brands: per-document indexes -----

def test_extend_to_places_spans_are_the_regex_alternation():
    """cleanup._extend_to_places finds the place names of the text with _prefixed_matches and
    an empty rest: the spans of ``re.finditer`` of their alternation (longest first), trying
    only the names written at each position."""
    from kg.relations import cleanup

    names = sorted({"呼和浩特", "浩特", "呼和", "和浩特市", "包头", "头市", "包头市", "东河"}
                   | {f"甲{a}{b}" for a in "乙丙丁戊己" for b in "庚辛壬癸"}, key=len, reverse=True)
    text = "呼和浩特市教育局、包头市东河区和浩特市甲乙庚甲乙辛，呼和包头头市。" * 20
    in_text = [n for n in names if n in text]
    hits = orgs._prefix_hits(text, in_text)
    got = [(i, m.end()) for i, m in cleanup._prefixed_matches(text, hits, cleanup._EMPTY)]
    rx = re.compile("|".join(re.escape(n) for n in in_text))
    assert got == [(m.start(), m.end()) for m in rx.finditer(text)] and len(got) >= 8 * 20
    assert len(hits) < 2 * len(text)


def _naive_last_of(st, chars, pos):
    return max(st.text.rfind(c, 0, pos) for c in chars)


def test_last_of_is_the_rfinds_from_one_list(lexicon):
    from kg.relations.state import last_of

    doc = prepare_text("甲。乙！丙?\n丁戊己庚" * 5 + "辛" * 50, "last.txt")
    st = _run(doc, [], lexicon, until="prepare")
    for pos in range(len(st.text) + 1):
        assert last_of(st, "。！？!?\n", pos) == _naive_last_of(st, "。！？!?\n", pos)
    assert [k for k in st.memo if isinstance(k, tuple) and k[0] == "_last_of"] == [("_last_of", "。！？!?\n")]


def test_person_look_ups_from_per_document_indexes(lexicon):
    """_person_ending_at / _known_starts_after answer as the passes over every span and name
    they replace, from one index each per document (built once, however many look-ups)."""
    doc = prepare_text("张三李四王五书记赵六主任" * 3, "p.txt")
    st = _run(doc, [], lexicon, until="prepare")
    t = st.text
    spans = {(a, a + n) for a in range(0, len(t), 2) for n in (2, 3, 5) if a + n <= len(t)}
    known = {t[a:b] for a, b in list(spans)[::3]} | {"不在这里"}
    for ts in range(len(t) + 1):
        naive = next(((a, b) for (a, b) in spans if b == ts and 2 <= b - a <= 4), None)
        naive = naive or next(((ts - len(n), ts) for n in sorted(known, key=len, reverse=True)
                               if 2 <= len(n) <= 4 and t[max(0, ts - len(n)):ts] == n), None)
        assert people._person_ending_at(st, ts, spans, known) == naive
        for a in range(max(0, ts - 6), ts):
            assert people._known_starts_after(st, spans, a, ts) == \
                any(kb == ts and a < ka for ka, kb in spans)
    first = st.memo["_person_ending_at"], st.memo["_known_starts_after"]
    people._person_ending_at(st, 3, spans, known)
    assert (st.memo["_person_ending_at"], st.memo["_known_starts_after"]) == first


def _one_line_document() -> str:
    parts = []
    for k in range(12):
        parts.append(
            f"包头市委副书记、市长张立新出席会议。甲乙社丙丁{k + 1}月5日电（记者王立新）"
            "包头市发改委、东河区教育局和呼和浩特市人民政府办公室联合发布通知。"
            "李明华总书记指出，要抓好水利工程。买买提总书记强调，张立新、李明华、市长王强出席。"
            "王明华、李建国、赵立新、孙海等出席会议。"
            "伊利包头奶粉、蒙牛奶粉等项目开工，包头稀土高新区管委会主任陈海东主持。"
            "会议由区委书记刘建国主持，区委副书记、区长孙立新讲话。"
            "实施城市精细化管理行动，由包头市发改委牵头。“强基”行动由东河区教育局牵头，"
            "城市精细化管理行动和“强基”行动取得成效。")
    return "".join(parts) + "本报记者刘建国\n"


def test_the_rules_on_one_line_equal_the_naive_look_ups(lexicon, monkeypatch):
    """The whole rule pipeline on an invented one-line document gives the same mentions and
    facts with every per-document index of this change as with the scans they replaced
    (monkeypatched back: rfind per character, a substring count or scan per name, a pass over
    the sorted places per item, the regex alternations, passes over the person spans)."""
    from kg.relations import actions, cleanup, cluster_scopes, items, leads, posts

    doc = prepare_text(_one_line_document(), "one.txt")
    ner = [Mention(doc.id, 0, m.start(), m.end(), m.group(0), typ, None, "ner", 1.0)
           for typ, rx in (("Person", "张立新|王强|买买提"), ("Place", "包头"), ("Organization", "伊利"))
           for m in re.finditer(rx, doc.text)]
    ner += [mention(doc, "李明华", "Person", nth=k) for k in range(1, 24, 2)]
    ner.sort(key=lambda m: m.start)

    def result():
        st = DocState(doc, lexicon, ner)
        out = stages.run(st)
        return out.to_dict(), dict(st.persons), dict(st.orgs)

    fast = result()
    assert len(fast[0]["facts"]) >= 12, fast[0]["facts"]

    def naive_prefixed(t, hits, rest):
        by = sorted({(k, p) for _i, k, p in hits})
        rx = re.compile("(?:" + "|".join(re.escape(p) for _k, p in by) + ")(?:" + rest.pattern + ")")
        return ((m.start(), m) for m in rx.finditer(t))

    for mod in (posts, cluster_scopes, leads):
        monkeypatch.setattr(mod, "last_of", _naive_last_of)
    for mod in (people, actions):
        monkeypatch.setattr(mod, "occurrences",
                            lambda st, x: [m.start() for m in re.finditer(re.escape(x), st.text)])
    monkeypatch.setattr(items, "_place_ending", lambda st, brand: next(
        (p for p in sorted(st.places, key=len, reverse=True)
         if len(p) >= 2 and brand.endswith(p) and len(brand) - len(p) >= 2), None))
    monkeypatch.setattr(cleanup, "_prefixed_matches", naive_prefixed)
    monkeypatch.setattr(orgs, "_prefixed_matches", naive_prefixed)
    monkeypatch.setattr(people, "_person_ending_at", lambda st, ts, ner_person, known: next(
        ((a, b) for (a, b) in ner_person if b == ts and 2 <= b - a <= 4), None) or next(
        ((ts - len(n), ts) for n in sorted(known, key=len, reverse=True)
         if 2 <= len(n) <= 4 and st.text[max(0, ts - len(n)):ts] == n), None))
    monkeypatch.setattr(people, "_known_starts_after",
                        lambda st, known, a, b: any(kb == b and a < ka for ka, kb in known))
    monkeypatch.setattr(people, "_run_start", _naive_run_start)
    monkeypatch.setattr(people, "line_bounds", _naive_line_bounds)
    monkeypatch.setattr(people, "written_between", lambda st, x, lo, hi: x in st.text[lo:hi])
    monkeypatch.setattr(people, "_model_org_before", _naive_model_org_before)
    monkeypatch.setattr(orgs, "_name_prefixes", _naive_name_prefixes)
    monkeypatch.setattr(posts, "_chains_starting_in",
                        lambda st, lo, hi: [ch for ch in st.chains if lo <= ch.start < hi])
    assert result() == fast


def test_chains_starting_in_follow_the_appended_chains(lexicon):
    """posts._chains_starting_in: the chains of a range in the list's order, as the pass over
    every chain gave them, from an index extended as chains are appended (each chain indexed
    once, however many look-ups)."""
    from kg.relations import posts
    from kg.relations.base import _Chain

    doc = prepare_text("甲" * 200, "chains.txt")
    st = _run(doc, [], lexicon, until="prepare")
    starts = [5, 40, 12, 40, 90, 3, 150, 12, 60]
    for k, s in enumerate(starts):
        st.chains.append(_Chain(s, s + 6, "某某", s + 4, [], False))
        for lo in range(0, 200, 7):
            for hi in (lo, lo + 13, lo + 60, 200):
                assert posts._chains_starting_in(st, lo, hi) == \
                    [ch for ch in st.chains if lo <= ch.start < hi]
        assert st.memo["_chain_starts"][1] == k + 1 and len(st.memo["_chain_starts"][2]) == k + 1


def test_grammar_orgs_sorted_follow_the_organisations_added(lexicon):
    """posts._grammar_orgs_sorted: the spans of st.orgs, sorted, as stages add to it (new keys
    come last in the dict; a key set again keeps its place), each span inserted once."""
    import random

    from kg.relations import posts

    doc = prepare_text("甲" * 300, "orgs.txt")
    st = _run(doc, [], lexicon, until="prepare")
    st.orgs.clear()
    rng = random.Random(5)
    for _ in range(60):
        s = rng.randrange(0, 290)
        key = (s, s + rng.randrange(2, 9))
        if rng.random() < 0.3 and st.orgs:
            key = rng.choice(list(st.orgs))      # set again: no new key
        st.orgs[key] = ("甲" * (key[1] - key[0]), None)
        assert posts._grammar_orgs_sorted(st) == sorted(st.orgs)
        assert st.memo["_grammar_orgs_sorted"][1] == len(st.orgs)
    st.orgs = {(1, 5): ("甲甲甲甲", None)}         # another dict: made afresh
    assert posts._grammar_orgs_sorted(st) == [(1, 5)]


def _naive_name_prefixes(x, order):
    # the code before: every name (of x's first character), in the names' order
    return [y for y in order if y[:1] == x[:1] and x.startswith(y) and len(x) - len(y) >= 2]


def test_name_prefixes_look_up_only_the_prefixes_of_the_name():
    """orgs.structure's part_of candidates: the names that start an organisation name, from its
    own prefixes (at most its length look-ups), in the names' order, as the pass over every
    name with the same first character gave them."""
    names = [f"包{a}{b}局" for a in "甲乙丙丁戊己庚辛壬癸" for b in "子丑寅卯辰巳午未申酉"] \
        + ["包头市", "包头", "包头市发改委", "包头市委", "包", "包头市发展和改革委员会"]
    order = {y: k for k, y in enumerate(names)}

    class Counting(dict):
        asked = 0

        def __contains__(self, key):
            Counting.asked += 1
            return dict.__contains__(self, key)

    counting = Counting(order)
    for x in ["包头市发改委", "包头市发展和改革委员会", "包甲子局", "包头市委", "包头", "呼和浩特市委"]:
        Counting.asked = 0
        assert orgs._name_prefixes(x, counting) == _naive_name_prefixes(x, order), x
        assert Counting.asked <= len(x)        # the names are over 100


def test_place_ending_is_the_first_of_the_sorted_places(lexicon):
    """items._brand_terms cut the place that ends a brand by a pass over the document's places
    sorted longest first, per project item (their number grows with the text); now by the
    places' lengths, indexed once per document, with the same place."""
    from kg.relations import items

    doc = prepare_text("包头市和呼和浩特市、东河区、甲乙县、头市召开会议。\n", "places.txt")
    ner = [mention(doc, p, "Place") for p in ("包头市", "呼和浩特市", "东河区", "甲乙县", "头市")]
    st = _run(doc, ner, lexicon, until="prepare")
    assert len(st.places) >= 5
    for brand in ("伊利包头市", "伊利包头", "伊利头市", "包头市", "呼和浩特市", "伊利", "甲乙东河区", "和浩特市"):
        naive = next((p for p in sorted(st.places, key=len, reverse=True)
                      if len(p) >= 2 and brand.endswith(p) and len(brand) - len(p) >= 2), None)
        assert items._place_ending(st, brand) == naive, brand
    memo = st.memo["_place_ending"]
    items._place_ending(st, "伊利包头市")
    assert st.memo["_place_ending"] is memo
    assert items._brand_terms(st, "伊利包头奶粉三期") == "伊利"     # the place after the brand is cut


def test_lexicon_places_written_equal_the_naive_look_up(lexicon):
    """``places.lexicon_places_written`` (one automaton pass, read by org_grammar) finds the
    lexicon's place names of two characters or more that a text writes, as testing each name
    with ``in`` does, overlapping and nested ones included."""
    from kg.relations.places import lexicon_place_names, lexicon_places_written

    text = "包头市和呼和浩特市的企业来到东河区，内蒙古自治区、北京、上海浦东都有代表。"
    want = {p for p in lexicon_place_names(lexicon) if len(p) >= 2 and p in text}
    assert {"包头", "包头市", "呼和浩特", "呼和浩特市"} <= want
    assert lexicon_places_written(lexicon, text) == want
    assert lexicon_places_written(lexicon, "") == set()


def test_places_by_first_equal_the_document_places_by_first(lexicon):
    """``places._places_by_first`` (the lexicon's places indexed once per lexicon, the document's
    own ones per document) holds, for each first character, the document's places of two
    characters or more: the lexicon's and those only the model found (an invented 青禾县)."""
    from kg.relations.places import lexicon_place_names, _places_by_first, by_first

    doc = prepare_text("青禾县和包头市的企业来到呼和浩特市。\n", "places.txt")
    st = _run(doc, [mention(doc, "青禾县", "Place"), mention(doc, "包头市", "Place")], lexicon, until="prepare")
    assert "青禾县" in st.places and "青禾县" not in lexicon_place_names(st.lex)
    naive = by_first(p for p in st.places if len(p) >= 2)
    got = _places_by_first(st)
    for c in set(naive) | {"青", "包", "呼", "丁"}:
        assert sorted(got.get(c, ())) == sorted(naive.get(c, ())), c
    assert {c: sorted(got.get(c)) for c in {**got.lexicon, **got.own}} == {c: sorted(v) for c, v in naive.items()}


def test_breaks_between_equal_the_slices():
    """``base.breaks_between`` (one look at each line break of the original) gives what one slice
    per character gives, for ascending offset maps with deletions, through an index map, and for
    positions that are not ascending (where it falls back to the slices)."""
    import random

    from kg.relations.base import breaks_between

    def slices(orig, q):
        return [j for j in range(1, len(q)) if "\n" in orig[q[j - 1] + 1:q[j]]]

    rng = random.Random(7)
    for _ in range(500):
        orig = "".join(rng.choice("甲乙\n\n 丙") for _ in range(rng.randint(0, 30)))
        keep = sorted(rng.sample(range(len(orig) + 1), k=rng.randint(0, len(orig) + 1)))
        index = sorted(rng.sample(range(len(keep)), k=rng.randint(0, len(keep))))
        assert breaks_between(orig, keep) == slices(orig, keep)
        assert breaks_between(orig, keep, index) == slices(orig, [keep[k] for k in index])
        q = [rng.randint(0, len(orig)) for _ in range(rng.randint(0, 8))]
        assert breaks_between(orig, q) == slices(orig, q)
    assert breaks_between("甲\n\n乙", [0, 3]) == [1] and breaks_between("甲乙", [0, 1]) == []
