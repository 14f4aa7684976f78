"""Augmented copies of training pages (kg.learned.augment) and their folds in a training.

Invented pages and gold only."""

from __future__ import annotations

import json

import pytest

from kg.evaluate import load_gold
from kg.learned.augment import augment, augmented_documents, twin_name
from kg.learned.train import extra_folds, train
from kg.model import KgError

from test_learned import _pages

PAGES = {
    "a.txt": "东川区翠岭竹业入选竹木加工产业集群，区经信局启动“清风2030”专项行动。",
    "b.txt": "南岭县金禾米业入选稻米精深加工产业集群，县农业局启动“丰禾2027”专项行动。",
    "c.txt": "北塘区天枢光电入选光电信息产业集群，区科技局启动“启明2028”专项行动。",
    "d.txt": "本页只有一段会议消息，没有集群。",
}
NAMES = {   # doc: (member, cluster, agency, action)
    "a.txt": ("翠岭竹业", "竹木加工产业集群", "区经信局", "“清风2030”专项行动"),
    "b.txt": ("金禾米业", "稻米精深加工产业集群", "县农业局", "“丰禾2027”专项行动"),
    "c.txt": ("天枢光电", "光电信息产业集群", "区科技局", "“启明2028”专项行动"),
}


def _gold(tmp_path):
    lines = []
    for doc in PAGES:
        lines.append({"doc": doc, "kind": "doc", "exhaustive": ["Organization", "in_cluster", "leads_action"]})
    for doc, (member, cluster, agency, action) in NAMES.items():
        lines += [
            {"doc": doc, "kind": "entity", "type": "Organization", "name": [member]},
            {"doc": doc, "kind": "entity", "type": "Organization", "name": [agency]},
            {"doc": doc, "kind": "entity", "type": "Cluster", "name": [cluster]},
            {"doc": doc, "kind": "entity", "type": "Action", "name": [action, action.replace("“", "").replace("”", "")]},
            {"doc": doc, "kind": "in_cluster", "member": [member], "member_type": "Enterprise", "cluster": [cluster]},
            {"doc": doc, "kind": "leads_action", "agency": [agency], "action": [action]},
        ]
    p = tmp_path / "gold.jsonl"
    p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return load_gold(p)


def test_a_copy_swaps_its_pages_names_for_other_pages_names(tmp_path):
    """Each name of a swapped kind written in the page is replaced by another page's name of the
    same kind, in the text and in every gold record that holds it (the Organization record of a
    member follows its in_cluster record); the header comes along under the copy's name, the
    words around the names stay, and a page with no such name gives no copy."""
    gold = _gold(tmp_path)
    copies, cgold = augment(PAGES, gold, copies=1, seed=13)
    assert [c.name for c in copies] == [twin_name(0, d) for d in ("a.txt", "b.txt", "c.txt")]
    assert all(c.name == f"aug0~{c.source}" for c in copies)
    others = {d: {n for d2, names in NAMES.items() if d2 != d for n in names} for d in NAMES}
    for c in copies:
        own = NAMES[c.source]
        assert not any(n in c.text for n in own)                    # every name swapped ...
        assert c.swaps == 4
        recs = [r for r in cgold.records if r.doc == c.name]
        assert len(recs) == 6
        member = next(r for r in recs if r.kind == "in_cluster").slots["member"][0]
        cluster = next(r for r in recs if r.kind == "in_cluster").slots["cluster"][0]
        assert member in others[c.source] and cluster in others[c.source]     # ... for another page's
        assert member in c.text and cluster in c.text
        orgs = {r.slots["name"][0] for r in recs if r.kind == "entity" and r.type == "Organization"}
        assert member in orgs                                       # the entity record followed
        assert "入选" in c.text and "启动" in c.text                 # the cues stay
        assert cgold.exhaustive[c.name] == gold.exhaustive[c.source]
    # deterministic for a seed; another seed may draw other donors
    again, again_gold = augment(PAGES, gold, copies=1, seed=13)
    assert [c.text for c in again] == [c.text for c in copies]
    assert [r.slots for r in again_gold.records] == [r.slots for r in cgold.records]
    two, _g = augment(PAGES, gold, copies=2, seed=13)
    assert [c.name for c in two][3:] == [twin_name(1, d) for d in ("a.txt", "b.txt", "c.txt")]
    with pytest.raises(ValueError, match="unknown kinds of names: people"):
        augment(PAGES, gold, kinds=("cluster", "people"))


def test_donors_are_pages_of_the_same_group(tmp_path):
    """With ``groups`` (a training's folds) a page's names come from pages of its own group only;
    a page with no donor there gives no copy."""
    gold = _gold(tmp_path)
    copies, _g = augment(PAGES, gold, groups={"a.txt": 0, "b.txt": 1, "c.txt": 0, "d.txt": 1})
    assert [c.source for c in copies] == ["a.txt", "c.txt"]
    a, c = copies
    assert all(n in a.text for n in NAMES["c.txt"]) and all(n in c.text for n in NAMES["a.txt"])


def test_only_the_kinds_asked_for_are_swapped(tmp_path):
    gold = _gold(tmp_path)
    copies, cgold = augment(PAGES, gold, copies=1, kinds=("cluster",))
    for c in copies:
        member, cluster, agency, action = NAMES[c.source]
        assert cluster not in c.text and member in c.text and agency in c.text and action in c.text
        assert c.swaps == 1


def test_a_donor_form_ends_as_the_form_it_replaces(tmp_path):
    """Of a donor's forms, a written form is replaced by the one that ends as it does (the quoted
    action by the quoted form, the bare one by the bare form), and no donor form holds an inserted
    pinyin gloss."""
    pages = {"a.txt": "区经信局启动“清风2030”专项行动，清风2030专项行动覆盖全区。",
             "b.txt": "县农业局启动“丰禾(fēng hé)2027”专项行动。"}
    recs = [{"doc": d, "kind": "entity", "type": "Action", "name": names} for d, names in (
        ("a.txt", ["“清风2030”专项行动", "清风2030专项行动"]),
        ("b.txt", ["“丰禾(fēng hé)2027”专项行动", "“丰禾2027”专项行动", "丰禾2027专项行动", "丰禾2027"]))]
    p = tmp_path / "g.jsonl"
    p.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in recs), encoding="utf-8")
    copies, _g = augment(pages, load_gold(p), kinds=("action",))
    a = next(c for c in copies if c.source == "a.txt")
    assert a.text == "区经信局启动“丰禾2027”专项行动，丰禾2027专项行动覆盖全区。"
    b = next(c for c in copies if c.source == "b.txt")
    assert b.text == "县农业局启动“清风2030”专项行动。"      # the glossed form written, replaced whole


def test_copies_as_documents_read_through_ingest(tmp_path):
    from kg.ingest import prepare_text

    gold = _gold(tmp_path)
    docs = [prepare_text(t, d) for d, t in PAGES.items()]
    copies, cgold, sources = augmented_documents(docs, gold, 1, 1, seed=13)
    assert [d.id for d in copies] == [twin_name(0, s) for s in sources] and sources == ["a.txt", "b.txt", "c.txt"]
    assert all(d.sentences and d.text for d in copies)
    assert {r.doc for r in cgold.records} == {d.id for d in copies}


def test_a_copy_is_in_its_pages_fold():
    """A copy of a training document takes that document's fold (held out with it, never trained
    on where it is held out); other extra documents are in no fold (-1); a copy of a document
    that is not trained on is an error."""
    main = ["a.txt", "b.txt", "c.txt", "d.txt"]
    folds = [0, 1, 0, 1]
    assert extra_folds(main, folds, ["x.txt", "aug0~b.txt", "aug0~c.txt"], [None, "b.txt", "c.txt"]) == [-1, 1, 0]
    assert extra_folds(main, folds, ["x.txt", "y.txt"], []) == [-1, -1]
    with pytest.raises(KgError, match="aug0~e.txt is a copy of e.txt, which is no training document"):
        extra_folds(main, folds, ["aug0~e.txt"], ["e.txt"])


def test_train_learns_from_copies_in_their_pages_folds(tmp_path, lexicon):
    """``extra_sources`` marks the extra documents that are copies: the span and pair models learn
    from them, the thresholds still count the training pages' gold alone, the report counts the
    copies, and a copy of a page not trained on is refused."""
    data, gold = _pages(tmp_path)
    (tmp_path / "x").mkdir()
    # the copies: the same invented pages under the copies' names (their candidates, their gold)
    from test_learned import PAGES as LPAGES
    copies, cgold = _pages(tmp_path / "x", [(twin_name(0, d), *rest) for d, *rest in LPAGES])
    sources = [d for d, *_ in LPAGES]
    plain = train(data, gold, lexicon, tmp_path / "plain", folds=2, epochs=8)
    more = train(data, gold, lexicon, tmp_path / "more", folds=2, epochs=8, extra=copies, extra_gold=[cgold],
                 extra_sources=sources)
    assert more["extra_documents"] == 4 and more["copies"] == 4 and "copies" not in plain
    for name in ("leads_action", "Action"):
        assert more["models"][name]["gold"] == plain["models"][name]["gold"] == 4
        assert more["models"][name]["positives"] >= plain["models"][name]["positives"] + 4
    with pytest.raises(KgError, match="which is no training document"):
        train(data[:2], gold, lexicon, tmp_path / "bad", folds=2, epochs=2, extra=copies, extra_gold=[cgold],
              extra_sources=sources)


def test_train_relations_augment_trains_on_copies_of_the_pages(tmp_path):
    """`kg model train-relations --augment 1`: a copy of each page that names a swapped kind and
    has a donor in its fold, read through the shipped NER model and the rules as the pages are;
    the manifest counts them (two folds: a.txt and c.txt in one, b.txt alone with d.txt, which
    names nothing, in the other: no copy of b.txt)."""
    from typer.testing import CliRunner

    from kg.cli import app

    (tmp_path / "docs").mkdir()
    for doc, text in PAGES.items():
        (tmp_path / "docs" / doc).write_text(text, encoding="utf-8")
    _gold(tmp_path)
    out = tmp_path / "model"
    res = CliRunner().invoke(app, ["model", "train-relations", "--corpus", str(tmp_path / "docs"),
                                   "--gold", str(tmp_path / "gold.jsonl"), "--out", str(out), "--augment", "1",
                                   "--folds", "2", "--epochs", "2", "--seeds", "1", "--context-types", ""])
    assert res.exit_code == 0, res.output
    report = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["report"]
    assert report["documents"] == 4 and report["extra_documents"] == 2 and report["copies"] == 2
