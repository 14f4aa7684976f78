"""kg/relations/orgs.py reads its words from kg/data (orgs._Words): a lexicon directory without a
row changes what the organisation readers find.  Invented sentences, no NER model."""

from __future__ import annotations

from conftest import edited_lexicon, state_through

from kg.ingest import prepare_text
from kg.lexicon import Lexicon
from kg.relations import stages
from kg.relations.state import DocState


def _without(tmp_path, file: str, row: str) -> Lexicon:
    return edited_lexicon(tmp_path, file, remove=row)


def _orgs(lex: Lexicon, text: str) -> list[str]:
    """The organisations org_grammar finds (no model spans)."""
    return sorted(x for x, _sub in state_through(lex, text, "org_grammar").orgs.values())


def _post_orgs(lex: Lexicon, text: str) -> list[str]:
    res = stages.run(DocState(prepare_text(text, "p.txt", lexicon=lex), lex, []))
    return [f.args["org"].text for f in res.facts if f.relation == "holds_post"]


def test_prefix_body_grammar_comes_from_grammar_tsv(lexicon, tmp_path):
    """市 + a body starting with 民 is no department (org_body_not_start) unless the body starts
    with 民政 (org_body_start); 市场… never is one."""
    text = "甲市民政局和乙市场监管局召开会议。\n"
    assert _orgs(lexicon, text) == ["市民政局"]
    assert _orgs(_without(tmp_path, "grammar.tsv", "org_body_start\t民政"), text) == []


def test_cut_word_inside_a_name_comes_from_persons_tsv(lexicon, tmp_path):
    """访 is an org_cut word, but not in 信访局 (org_cut_keep_rx 访(?=局))."""
    text = "会议由丙县信访局局长张明主持。\n"
    assert _post_orgs(lexicon, text) == ["丙县信访局"]
    assert _post_orgs(_without(tmp_path, "persons.tsv", "org_cut_keep_rx\t访(?=局)"), text) == ["局"]


def test_a_variant_body_is_no_short_form_for_the_rules(lexicon):
    # abbreviations.tsv scope "variant" is for resolution only: the rules do not take a text
    # ending in it as an abbreviated organisation, as they do with a body abbreviation
    from kg.relations.orgs import _abbr_match
    st = DocState(prepare_text("无。\n", "o.txt", lexicon=lexicon), lexicon, [])
    variants = [a.short for a in lexicon.abbreviations if a.scope == "variant"]
    assert "人力资源社会保障局" in variants
    assert not any(_abbr_match(st, "某某" + v) for v in variants if v.endswith(("局", "厅")))
    assert _abbr_match(st, "某某人社局")
