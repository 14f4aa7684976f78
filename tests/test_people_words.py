"""kg/relations/people.py reads its words from kg/data (people._Words): a list verb is a word, read
literally, whatever characters it holds.  Invented sentences, no NER model."""

from __future__ import annotations

from conftest import edited_lexicon, state_through


def _persons(lex, text: str) -> list[str]:
    """The persons found up to and including listed_persons (no model spans)."""
    st = state_through(lex, text, "listed_persons")
    return sorted(st.text[a:b] for a, b in st.persons)


def test_a_list_verb_with_pattern_characters_is_read_literally(tmp_path):
    """A list verb written with characters a regular expression gives a meaning to (here a group
    and a ``?``) names the person before it only where the text has those very characters."""
    lex = edited_lexicon(tmp_path, "persons.tsv", add="list_verb\t答(问)?")
    assert "王立新" in _persons(lex, "会上，\n王立新答(问)?后离场。")
    # read as a pattern, the verb would be 答 or 答问: these sentences name nobody by it
    assert "王立新" not in _persons(lex, "会上，\n王立新答问后离场。")
    assert "王立新" not in _persons(lex, "会上，\n王立新答后离场。")
