"""kg eval: gold loading, prediction mapping and the scoring rules of GUIDELINES.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.cli import render
from kg.evaluate import GoldError, load_gold, load_predictions, normalize, score
from kg.model import Arg, Evidence, Fact

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "gold" / "seeds.jsonl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI_GOLD = FIXTURES / "eval_gold.jsonl"
MINI_FACTS = FIXTURES / "eval_facts.jsonl"


def fact(relation: str, doc: str, sent: int = 0, **args: tuple) -> dict:
    """A Fact.to_dict() record; each arg is (text, type[, name])."""
    a = {}
    for role, spec in args.items():
        text, type_ = spec[0], spec[1]
        name = spec[2] if len(spec) > 2 else text
        a[role] = Arg(text=text, type=type_, name=name, entity_id=f"{type_.lower()}-{name}")
    return Fact(relation, a, Evidence(doc, sent, 0, 1, "s"), "test").to_dict()


def ent(doc: str, text: str, type_: str, name: str | None = None, sent: int = 0) -> dict:
    return fact("mentioned_in", doc, sent, entity=(text, type_, name or text), document=(doc, "Document"))


# ---------------------------------------------------------------------------- gold loading

def test_seeds_load():
    gold = load_gold(SEEDS)
    n_lines = sum(1 for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(gold.records) + len(gold.exhaustive) == n_lines
    assert len(gold.exhaustive) == 5
    assert all(ex == {"Person", "holds_post", "leads_action", "in_cluster"} for ex in gold.exhaustive.values())
    kinds = {r.kind for r in gold.records}
    assert kinds == {"entity", "holds_post", "leads_action", "in_cluster"}
    assert any(r.optional for r in gold.records)
    assert {r.member_type for r in gold.records if r.kind == "in_cluster"} == {"Enterprise", "Project"}


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"doc": "a.txt", "kind": "entity", "type": "Person"', "invalid JSON"),
        ('["a.txt"]', "JSON object"),
        ('{"kind": "entity", "type": "Person", "name": ["甲"]}', "'doc'"),
        ('{"doc": "a.txt", "kind": "relation"}', "unknown kind"),
        ('{"doc": "a.txt", "kind": "entity", "type": "Post", "name": ["局长"]}', "entity type"),
        ('{"doc": "a.txt", "kind": "entity", "type": "Person", "name": "甲"}', "non-empty list"),
        ('{"doc": "a.txt", "kind": "entity", "type": "Person", "name": [" "]}', "empty or non-string"),
        ('{"doc": "a.txt", "kind": "holds_post", "person": ["甲"], "post": ["局长"]}', "lacks slot 'org'"),
        ('{"doc": "a.txt", "kind": "in_cluster", "member": ["甲"], "member_type": "Company", "cluster": ["乙"]}',
         "member_type"),
        ('{"doc": "a.txt", "kind": "doc", "exhaustive": ["Persons"]}', "unknown exhaustive"),
    ],
)
def test_bad_gold_lines_name_file_and_line(tmp_path, line, message):
    f = tmp_path / "gold.jsonl"
    good = '{"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["甲"]}'
    f.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(GoldError) as e:
        load_gold(f)
    assert f"{f}:3:" in str(e.value)
    assert message in str(e.value)


def test_missing_gold_file(tmp_path):
    with pytest.raises(GoldError, match="no such file"):
        load_gold(tmp_path / "nope.jsonl")


def test_predictions_from_output_directory(tmp_path):
    (tmp_path / "facts.jsonl").write_text(MINI_FACTS.read_text(encoding="utf-8"), encoding="utf-8")
    assert [p.key() for p in load_predictions(tmp_path)] == [p.key() for p in load_predictions(MINI_FACTS)]
    with pytest.raises(GoldError, match="no such file"):
        load_predictions(tmp_path / "sub")


def test_bad_prediction_line(tmp_path):
    f = tmp_path / "facts.jsonl"
    f.write_text(json.dumps(ent("a.txt", "甲", "Person"), ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"facts.jsonl:2: invalid JSON"):
        load_predictions(f)


def test_normalize():
    assert normalize("Ｓ４３ 机场\u3000高速\n") == "S43机场高速"


# ---------------------------------------------------------------------------- scoring

def test_mini_fixture_known_scores():
    """The hand-made fixture: numbers worked out by hand (see comments in the fixture files)."""
    gold = load_gold(MINI_GOLD)
    preds = load_predictions(MINI_FACTS)
    r = score(gold, preds)
    person = r.entity_types["Person"]
    # gold Person in a.txt: 张三, 李四, 王小明 (+ optional 王五); b.txt: 赵六 (not exhaustive)
    # predictions a.txt: 张三 (x2, de-duplicated), 李 四 (NFKC/space), 王五 (optional),
    # 孙七 (FP), 王小明 and 小明 (same gold record: 1 TP + 1 FP); b.txt: 赵六, 钱八 (unscored)
    assert (person.tp, person.fp, person.fn) == (4, 2, 0)
    assert person.tp_p == 3 and person.neutral == 1 and person.unscored == 1
    assert person.precision == pytest.approx(3 / 5)
    assert person.recall == pytest.approx(4 / 4)
    assert person.f1 == pytest.approx(2 * 0.6 * 1.0 / 1.6)
    org = r.entity_types["Organization"]
    # gold 呼和浩特市教育局 (forms incl. 市教育局); predictions 呼和浩特市教育局 and 市教育局 (two entities)
    assert (org.tp, org.fn, org.unscored) == (1, 0, 1)
    assert org.precision is None and org.f1 is None      # not exhaustive anywhere
    hp = r.kinds["holds_post"]
    # gold: 张三 局长 @教育局; 李四 副局长 @教育局; optional 张三 党组书记.
    # predictions: 张三 局长 市教育局 (twice -> once), 李四 局长 市教育局 (wrong post), 张三 党组书记 (optional)
    assert (hp.tp, hp.fp, hp.fn, hp.neutral) == (1, 1, 1, 1)
    assert hp.precision == pytest.approx(0.5) and hp.recall == pytest.approx(0.5)
    la = r.kinds["leads_action"]            # not exhaustive: recall only
    assert (la.tp, la.fn, la.precision) == (1, 0, None)
    ic = r.kinds["in_cluster"]
    # b.txt (no header): gold 伊利 Enterprise, 伊利奶粉三期 Project; predicted 伊利集团 (Enterprise, alt form)
    # and 伊利奶粉三期 as an Organization member -> member_type Enterprise -> no match
    assert (ic.tp, ic.fn, ic.unscored) == (1, 1, 1)
    assert ic.recall == pytest.approx(0.5) and ic.precision is None
    # micro average over documents, F1 from micro P and R
    ov = r.overall
    assert ov.tp == person.tp + org.tp + hp.tp + la.tp + ic.tp + r.entity_types["Place"].tp
    assert ov.precision == pytest.approx((3 + 1) / (3 + 1 + 2 + 1))
    d = r.to_dict(details=True)
    missed = {(m["kind"], m.get("person", [""])[0]) for m in d["details"]["a.txt"]["missed"]}
    assert ("holds_post", "李四") in missed
    fps = d["details"]["a.txt"]["false_positives"]
    names = sorted(fp.get("name") or fp.get("person") for fp in fps)
    assert len(names) == 3
    assert set(names) - {"小明", "王小明"} == {"孙七", "李四"}   # one of the two 小明 forms is the FP
    assert d["ignored_documents"] == ["zzz.txt"]


def test_matching_is_maximum_not_greedy():
    gold_lines = [
        {"doc": "a.txt", "kind": "doc", "exhaustive": ["Person"]},
        {"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["王小明", "小明"]},
        {"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["小明"]},
    ]
    # P1 matches both gold records (its surface is 小明), P2 only the first one (王小明)
    p1 = ent("a.txt", "小明", "Person", "小明")
    p2 = ent("a.txt", "王小明", "Person", "王小明")
    for order in ([p1, p2], [p2, p1]):
        gold = _gold(gold_lines)
        r = score(gold, load_predictions(order))
        c = r.entity_types["Person"]
        assert (c.tp, c.fp, c.fn) == (2, 0, 0)


def test_required_gold_preferred_over_optional():
    gold_lines = [
        {"doc": "a.txt", "kind": "doc", "exhaustive": ["Person"]},
        {"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["昭君", "王昭君"], "optional": True},
        {"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["王昭君"]},
    ]
    r = score(_gold(gold_lines), load_predictions([ent("a.txt", "王昭君", "Person")]))
    c = r.entity_types["Person"]
    assert (c.tp, c.fp, c.fn, c.neutral) == (1, 0, 0, 0)


def test_no_exhaustive_header_no_precision_and_surface_or_name():
    gold_lines = [{"doc": "a.txt", "kind": "entity", "type": "Organization",
                   "name": ["呼和浩特市发展和改革委员会", "市发改委"]}]
    # canonical name wrong, surface text right -> still a match
    pred = ent("a.txt", "市发改委", "Organization", "发改委")
    r = score(_gold(gold_lines), load_predictions([pred]))
    c = r.entity_types["Organization"]
    assert (c.tp, c.fn) == (1, 0)
    assert c.precision is None and c.f1 is None
    assert r.kinds["entity"].recall == 1.0


def test_doc_ids_with_directories_and_fact_objects():
    gold_lines = [{"doc": "001.txt", "kind": "entity", "type": "Person", "name": ["甲"]}]
    f = Fact("mentioned_in", {"entity": Arg("甲", "Person", name="甲"), "document": Arg("sub/001.txt", "Document")},
             Evidence("sub/001.txt", 0, 0, 1, "甲。"), "test")
    r = score(_gold(gold_lines), load_predictions([f]))
    assert r.entity_types["Person"].tp == 1 and not r.ignored_docs


def test_nothing_predicted_gives_zero_not_crash():
    gold = load_gold(MINI_GOLD)
    r = score(gold, [])
    assert r.entity_types["Person"].recall == 0.0
    assert r.entity_types["Person"].precision == 0.0
    assert r.entity_types["Person"].f1 == 0.0


def test_score_restricted_to_docs():
    gold = load_gold(MINI_GOLD)
    r = score(gold, load_predictions(MINI_FACTS), docs=["a.txt"])
    assert r.documents == ["a.txt"]
    assert r.kinds["in_cluster"].tp + r.kinds["in_cluster"].fn == 0


def test_render_table():
    from rich.console import Console

    gold = load_gold(MINI_GOLD)
    r = score(gold, load_predictions(MINI_FACTS))
    console = Console(record=True, width=160)
    render(r, console, details=True)
    out = console.export_text()
    assert "holds_post" in out and "Person" in out and "overall" in out
    assert "孙七" in out            # a false positive listed
    assert "副局长" in out          # a miss listed
    assert "孙七  (fixture)" in out  # with the extractor of its fact
    json.dumps(r.to_dict(details=True), ensure_ascii=False)


def _gold(lines: list[dict]):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        name = fh.name
    try:
        return load_gold(name)
    finally:
        Path(name).unlink()


# ---------------------------------------------------------------------------- bootstrap intervals

def _person_pages(n: int, found: list[int], false_positive: bool = True) -> tuple:
    """n exhaustive pages with two gold persons each; on page i the first ``found[i]`` are predicted,
    and page 0 also has one false positive (unless ``false_positive`` is false)."""
    names = ["甲一", "乙二"]
    lines, preds = [], []
    for i in range(n):
        doc = f"{i:03d}.txt"
        lines.append({"doc": doc, "kind": "doc", "exhaustive": ["Person"]})
        lines += [{"doc": doc, "kind": "entity", "type": "Person", "name": [nm]} for nm in names]
        preds += [ent(doc, nm, "Person") for nm in names[:found[i]]]
    if false_positive:
        preds.append(ent("000.txt", "丙三", "Person"))
    return _gold(lines), load_predictions(preds)


def test_bootstrap_interval_holds_the_figure_and_repeats():
    from kg.evaluate import bootstrap

    gold, preds = _person_pages(8, [2, 1, 2, 0, 2, 1, 2, 2])
    r = score(gold, preds)
    iv = bootstrap(r, resamples=400, seed=3)
    person, overall = iv["entity/Person"], iv["overall"]
    assert person.value == pytest.approx(r.entity_types["Person"].f1)
    assert overall.value == pytest.approx(r.overall.f1)
    assert person.low < person.value < person.high          # the pages differ: a real spread
    assert person.defined == 400 and person.above is None
    assert person.documents == 8 and iv["entity/Organization"].documents == 0
    assert bootstrap(r, resamples=400, seed=3) == iv          # one seed, one answer
    assert iv["holds_post"].value is None and iv["holds_post"].low is None   # no gold, no figure
    assert list(iv)[-1] == "overall" and list(iv)[:2] == ["entity", "entity/Person"]


def test_bootstrap_of_like_pages_is_a_point():
    from kg.evaluate import bootstrap

    gold, preds = _person_pages(5, [1] * 5, false_positive=False)
    r = score(gold, preds)
    iv = bootstrap(r, resamples=200)["entity/Person"]
    assert iv.low == iv.high == pytest.approx(iv.value) == pytest.approx(2 / 3)


def test_bootstrap_paired_difference():
    from kg.evaluate import bootstrap

    gold, better = _person_pages(6, [2, 2, 2, 2, 1, 2])
    _, worse = _person_pages(6, [1, 1, 1, 1, 1, 1])
    r_better, r_worse = score(gold, better), score(gold, worse)
    d = bootstrap(r_better, r_worse, resamples=300)["entity/Person"]
    assert d.value == pytest.approx(r_better.entity_types["Person"].f1 - r_worse.entity_types["Person"].f1)
    assert d.value > 0 and d.low > 0 and d.above == 1.0 and d.below == 0.0   # better on every page
    same = bootstrap(r_better, r_better, resamples=300)["overall"]
    assert (same.value, same.low, same.high, same.above, same.below) == (0.0, 0.0, 0.0, 0.0, 0.0)


def test_bootstrap_refuses_bad_arguments():
    from kg.evaluate import bootstrap

    gold, preds = _person_pages(4, [2, 1, 2, 0])
    r = score(gold, preds)
    with pytest.raises(ValueError, match="resamples"):
        bootstrap(r, resamples=0)
    with pytest.raises(ValueError, match="level"):
        bootstrap(r, level=1.0)
    with pytest.raises(ValueError, match="other documents"):
        bootstrap(r, score(gold, preds, docs=["000.txt"]))


def test_eval_cli_bootstrap_and_baseline(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["eval", str(MINI_GOLD), "--facts", str(MINI_FACTS), "--bootstrap", "50",
                              "--seed", "2", "--json"])
    assert res.exit_code == 0, res.output
    b = json.loads(res.output)["bootstrap"]
    assert (b["resamples"], b["seed"], b["baseline"]) == (50, 2, None)
    assert b["scopes"]["entity/Person"]["value"] == pytest.approx(2 * 0.6 / 1.6, abs=1e-4)
    assert b["scopes"]["in_cluster"]["documents"] == 1        # b.txt alone: an interval of one page
    res = runner.invoke(app, ["eval", str(MINI_GOLD), "--facts", str(MINI_FACTS), "--baseline", str(MINI_FACTS)])
    assert res.exit_code == 0, res.output
    assert "F1 - baseline F1" in res.output and "1000 resamples" in res.output
    missing = tmp_path / "none.jsonl"
    res = runner.invoke(app, ["eval", str(MINI_GOLD), "--facts", str(MINI_FACTS), "--baseline", str(missing)])
    assert res.exit_code == 1 and "none.jsonl: no such file" in res.output


# ---------------------------------------------------------------------------- per extractor

def _leads(doc: str, agency: str, action: str, extractor: str) -> dict:
    d = fact("leads_action", doc, agency=(agency, "Organization"), action=(action, "Action"))
    d["extractor"] = extractor
    return d


def test_by_extractor_scores_each_extractors_facts_alone():
    from kg.evaluate import by_extractor

    gold = _gold([
        {"doc": "a.txt", "kind": "doc", "exhaustive": ["leads_action", "Person"]},
        {"doc": "a.txt", "kind": "leads_action", "agency": ["市林业局"], "action": ["护林专项行动"]},
        {"doc": "a.txt", "kind": "leads_action", "agency": ["市教育局"], "action": ["书香校园活动"]},
        {"doc": "a.txt", "kind": "entity", "type": "Person", "name": ["甲一"]},
    ])
    facts = [
        _leads("a.txt", "市林业局", "护林专项行动", "launch"),
        _leads("a.txt", "市林业局", "春季植树活动", "launch"),         # no gold record: its false positive
        _leads("a.txt", "市林业局", "护林专项行动", "learned"),        # the same record: a TP of each
        _leads("a.txt", "市教育局", "书香校园活动", "learned"),
        {**ent("a.txt", "甲一", "Person"), "extractor": "mention"},
        {**fact("located_in", "a.txt", place=("市", "Place"), org=("市林业局", "Organization")),
         "extractor": "name_prefix"},                                # no gold kind: not listed
    ]
    counts = by_extractor(gold, facts)
    assert list(counts) == ["entity/mention", "leads_action/launch", "leads_action/learned"]
    launch, learned = counts["leads_action/launch"], counts["leads_action/learned"]
    assert (launch.tp, launch.fp, launch.fn) == (1, 1, 1) and launch.precision == pytest.approx(0.5)
    assert (learned.tp, learned.fp, learned.fn) == (2, 0, 0)
    assert counts["entity/mention"].tp == 1
    whole = score(gold, load_predictions(facts)).kinds["leads_action"]
    assert (whole.tp, whole.fp) == (2, 1)          # together: each record once
    with pytest.raises(GoldError, match="<fact 1>: a fact must be a JSON object"):
        by_extractor(gold, [facts[0], ["not", "a", "fact"]])


def test_eval_cli_by_extractor(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    facts = tmp_path / "facts.jsonl"
    facts.write_text("\n".join(json.dumps(_leads("a.txt", "市林业局", act, ext), ensure_ascii=False)
                               for act, ext in (("护林专项行动", "launch"), ("春季植树活动", "learned"))),
                     encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (
        {"doc": "a.txt", "kind": "doc", "exhaustive": ["leads_action"]},
        {"doc": "a.txt", "kind": "leads_action", "agency": ["市林业局"], "action": ["护林专项行动"]})),
        encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["eval", str(gold), "--facts", str(facts), "--by-extractor", "--json"])
    assert res.exit_code == 0, res.output
    by = json.loads(res.output)["by_extractor"]
    assert (by["leads_action/launch"]["tp"], by["leads_action/launch"]["fp"]) == (1, 0)
    assert (by["leads_action/learned"]["tp"], by["leads_action/learned"]["fp"]) == (0, 1)
    res = runner.invoke(app, ["eval", str(gold), "--facts", str(facts), "--by-extractor"])
    assert res.exit_code == 0 and "leads_action/learned" in res.output and "scored alone" in res.output


def test_details_name_the_extractors_and_keep_brackets(tmp_path):
    """A false positive lists the extractors of its facts (two facts, one prediction); names with
    square brackets are printed as written, not read as markup."""
    from rich.console import Console

    gold = _gold([{"doc": "a.txt", "kind": "doc", "exhaustive": ["leads_action"]},
                  {"doc": "a.txt", "kind": "leads_action", "agency": ["市林业局"], "action": ["[护林]行动"]}])
    facts = [_leads("a.txt", "市林业局", "春季植树活动", "launch"), _leads("a.txt", "市林业局", "春季植树活动", "learned")]
    r = score(gold, load_predictions(facts))
    fp = r.to_dict(details=True)["details"]["a.txt"]["false_positives"]
    assert [x["extractors"] for x in fp] == [["launch", "learned"]]
    console = Console(record=True, width=160)
    render(r, console, details=True)
    out = console.export_text()
    assert "(launch, learned)" in out and "[护林]行动" in out
