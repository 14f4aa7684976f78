"""kg/relations/people.py reads its words from kg/data (people._Words): a list verb is a word, read
literally, whatever characters it holds.  Invented sentences, no NER model."""

from __future__ import annotations

import shutil

from kg.ingest import prepare_text
from kg.lexicon import DEFAULT_DIR, Lexicon
from kg.relations import stages
from kg.relations.state import DocState


def _with(tmp_path, file: str, row: str) -> Lexicon:
    for p in DEFAULT_DIR.glob("*.tsv"):
        shutil.copy(p, tmp_path / p.name)
    p = tmp_path / file
    text = p.read_text(encoding="utf-8")
    assert row + "\n" not in text, row
    p.write_text(text + row + "\n", encoding="utf-8")
    return Lexicon.load(tmp_path)


def _persons(lex: Lexicon, text: str) -> list[str]:
    """The persons found up to and including listed_persons (no model spans)."""
    st = DocState(prepare_text(text, "p.txt", lexicon=lex), lex, [])
    for s in stages.STAGES:
        s.func(st)
        if s.name == "listed_persons":
            break
    return sorted(st.text[a:b] for a, b in st.persons)


def test_a_list_verb_with_pattern_characters_is_read_literally(tmp_path):
    """A list verb written with characters a regular expression gives a meaning to (here a group
    and a ``?``) names the person before it only where the text has those very characters."""
    lex = _with(tmp_path, "persons.tsv", "list_verb\t答(问)?")
    literal = "会上，\n王立新答(问)?后离场。"
    assert "王立新" in _persons(lex, literal)
    # read as a pattern, the verb would be 答 or 答问: these sentences name nobody by it
    assert "王立新" not in _persons(lex, "会上，\n王立新答问后离场。")
    assert "王立新" not in _persons(lex, "会上，\n王立新答后离场。")
