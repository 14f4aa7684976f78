"""resolve() leaves its inputs as they are (issue 12: "resolve() mutates its inputs"): the
documents keep their ``city``, the per-document results their mentions and facts; what it
returns is new objects.  Hand-made documents, mentions and facts (no NER model)."""

from __future__ import annotations

import copy

from kg.ingest import prepare_text
from kg.model import Arg, DocResult, Evidence, Fact, Mention
from kg.resolve import context_cities, resolve
from conftest import mention


def _holds_post(doc, person, post, org, shared_org=None):
    s = doc.text.index(org)
    e = doc.text.index(person) + len(person)
    return Fact("holds_post", {"person": Arg(person, "Person"), "post": Arg(post, "Post"),
                               "org": shared_org or Arg(org, "Organization")},
                Evidence(doc.id, 0, s, e, doc.text[s:e]), "post_chain", 0.9)


def _inputs():
    # a: the city is inferred (甲乙市 written three times); b: given an override; c: its city set
    a = prepare_text("甲乙市委书记丙丁主持会议。甲乙市人民政府召开会议。甲乙市委副书记戊己出席。\n", "a.txt")
    b = prepare_text("市委书记庚辛主持会议，市委副书记壬癸出席。\n", "b.txt")
    c = prepare_text("市委书记子丑主持会议。\n", "c.txt")
    c.city = "丙丁市"
    org = Arg("市委", "Organization")      # one Arg object shared by two facts of b
    results = [
        DocResult("a.txt", [mention(a, "丙丁", "Person"), mention(a, "戊己", "Person"),
                            mention(a, "甲乙市人民政府", "Organization"), mention(a, "甲乙市", "Place")],
                  [_holds_post(a, "丙丁", "书记", "甲乙市委"), _holds_post(a, "戊己", "副书记", "甲乙市委")]),
        DocResult("b.txt", [mention(b, "庚辛", "Person"), mention(b, "壬癸", "Person")],
                  [_holds_post(b, "庚辛", "书记", "市委", org), _holds_post(b, "壬癸", "副书记", "市委", org)]),
        DocResult("c.txt", [mention(c, "子丑", "Person")], [_holds_post(c, "子丑", "书记", "市委")]),
    ]
    return [a, b, c], results


def test_resolve_leaves_documents_mentions_and_facts_unchanged(lexicon):
    docs, results = _inputs()
    before = copy.deepcopy((docs, results))
    overrides = {"b.txt": "戊己市"}
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides)
    assert (docs, results) == before
    assert [d.city for d in docs] == [None, None, "丙丁市"]
    # resolution did its work, on new objects: the bare 市委 is read against each context city
    hp = {(f.args["person"].name, f.args["org"].name, f.args["org"].entity_id is not None)
          for f in facts if f.relation == "holds_post"}
    assert hp == {("丙丁", "中国共产党甲乙市委员会", True), ("戊己", "中国共产党甲乙市委员会", True),
                  ("庚辛", "中国共产党戊己市委员会", True), ("壬癸", "中国共产党戊己市委员会", True),
                  ("子丑", "中国共产党丙丁市委员会", True)}
    inputs = {id(f) for r in results for f in r.facts} | {id(a) for r in results for f in r.facts
                                                         for a in f.args.values()}
    assert not inputs & {id(x) for f in facts for x in (f, *f.args.values())}
    assert not {id(r.facts[0].evidence) for r in results} & {id(f.evidence) for f in facts}
    assert context_cities(docs, results, lexicon, overrides) == {
        "a.txt": "甲乙市", "b.txt": "戊己市", "c.txt": "丙丁市"}


def test_resolving_twice_gives_the_same_output(lexicon):
    """A second resolve() of the same inputs sees what the first saw."""
    docs, results = _inputs()
    first = resolve(docs, results, lexicon)
    second = resolve(docs, results, lexicon)
    assert [f.to_dict() for f in first[1]] == [f.to_dict() for f in second[1]]
    assert {k: e.to_dict() for k, e in first[0].items()} == {k: e.to_dict() for k, e in second[0].items()}


def test_a_facts_form_is_no_mention_where_the_entity_has_one(lexicon):
    """One ``mentioned_in`` per form an entity is written in, from its mentions; a fact's
    argument stands in only where the entity has no mention in the document: a page that
    mentions 甲乙市委 and has a fact naming it 市委 gets no 市委 form; a page with no mention of the
    committee gets the fact's form."""
    a = prepare_text("甲乙市委召开会议。甲乙市委书记丙丁讲话，市委副书记戊己出席。甲乙市人民政府参加。\n", "a.txt")
    b = prepare_text("甲乙市人民政府召开会议。市委书记庚辛讲话。甲乙市人民政府参加。\n", "b.txt")
    results = [
        DocResult("a.txt", [mention(a, "甲乙市委", "Organization"), mention(a, "丙丁", "Person"),
                            mention(a, "戊己", "Person"), mention(a, "甲乙市人民政府", "Organization")],
                  [_holds_post(a, "戊己", "副书记", "市委")]),
        DocResult("b.txt", [mention(b, "庚辛", "Person"), mention(b, "甲乙市人民政府", "Organization")],
                  [_holds_post(b, "庚辛", "书记", "市委")]),
    ]
    _entities, facts = resolve([a, b], results, lexicon)
    forms = {(f.evidence.doc_id, f.args["entity"].text) for f in facts
             if f.relation == "mentioned_in" and f.args["entity"].name == "中国共产党甲乙市委员会"}
    assert forms == {("a.txt", "甲乙市委"), ("b.txt", "市委")}
