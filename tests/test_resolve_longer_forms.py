"""A short organisation form joins the one longer form of its document that ends with it after a
place or an organ (kg.resolve._longer_forms; resolve.tsv longer_form_prefix_end).  Hand-made
documents and mentions (no NER model); invented names."""

from __future__ import annotations

from kg.ingest import prepare_text
from kg.model import DocResult, Mention
from kg.resolve import resolve


def _mention(doc, text, typ="Organization", nth=0):
    s = -1
    for _ in range(nth + 1):
        s = doc.text.index(text, s + 1)
    return Mention(doc.id, 0, s, s + len(text), text, typ, None, "ner", 1.0)


def _orgs(lexicon, text, forms):
    """name -> aliases of the Organization entities of one document with these mentions
    ((form, nth occurrence))."""
    doc = prepare_text(text, "a.txt")
    res = DocResult("a.txt", [_mention(doc, f, nth=n) for f, n in forms], [])
    entities, _facts = resolve([doc], [res], lexicon)
    return {e.name: set(e.aliases) for e in entities.values() if e.type == "Organization"}


def test_short_form_joins_the_longer_one_after_a_place(lexicon):
    orgs = _orgs(lexicon, "甲乙县水利局近日召开会议。会上，水利局负责人介绍了防汛工作。\n",
                 [("甲乙县水利局", 0), ("水利局", 1)])
    assert orgs == {"甲乙县水利局": {"水利局"}}


def test_short_form_joins_the_longer_one_after_an_organ(lexicon):
    orgs = _orgs(lexicon, "戊己市委宣传部派员参加，宣传部表示支持。\n",
                 [("戊己市委宣传部", 0), ("宣传部", 1)])
    assert orgs == {"戊己市委宣传部": {"宣传部"}}


def test_two_longer_forms_leave_the_short_one_alone(lexicon):
    # 宣传部 could be either body's: it stays an entity of its own
    orgs = _orgs(lexicon, "丙丁公司宣传部和戊己市委宣传部派员参加，宣传部表示支持。\n",
                 [("丙丁公司宣传部", 0), ("戊己市委宣传部", 0), ("宣传部", 2)])
    assert set(orgs) == {"丙丁公司宣传部", "戊己市委宣传部", "宣传部"}
    assert not any(orgs.values())


def test_a_longer_form_after_other_words_takes_nothing(lexicon):
    # a span with a verb glued in front (走进) is no longer form of the name
    orgs = _orgs(lexicon, "记者走进庚辛集成，庚辛集成负责人介绍了新产线。\n",
                 [("记者走进庚辛集成", 0), ("庚辛集成", 1)])
    assert set(orgs) == {"记者走进庚辛集成", "庚辛集成"}
