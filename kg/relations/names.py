"""Small name helpers: the adverb that ends a person name (``_adverb_cut``) and quotes
taken off a name (``_bare``, ``_strip_quotes``).
"""

from __future__ import annotations

import re

from .base import _is_han
from .state import DocState


def _adverb_cut(st: DocState, rest: str) -> str | None:
    """The adverb ``rest`` starts with when a verb (a follower word), another adverb or
    punctuation follows it ("也表示", "随后指出"); None otherwise."""
    advs = st.lex.word_tuple("persons", "adverb")         # longest first, as words()
    if not rest.startswith(advs):        # (speed) one C-level test before the loop
        return None
    ends = st.lex.cached("names.adverb_cut_ends", lambda: st.lex.word_tuple("persons", "follower") + advs
                         + st.lex.word_tuple("persons", "adverb_verb"))
    for a in advs:
        if rest.startswith(a):
            after = rest[len(a):]
            if not after or not _is_han(after[0]) or after.startswith(ends):
                return a
    return None


def long_adverbs(st: DocState) -> tuple[str, ...]:
    """The adverbs of two characters or more (亲自, 随后): one ends a name whatever word follows
    it, as a weak cut (a name before it still needs a surname or to recur)."""
    return st.lex.cached("names.long_adverbs", lambda: tuple(
        a for a in st.lex.words("persons", "adverb") if len(a) >= 2))


def _glue_words(st: DocState) -> tuple[str, ...]:
    """The words that follow a name (persons.tsv ``follower``, then ``adverb``)."""
    return st.lex.cached("names.glue_words", lambda: st.lex.word_tuple("persons", "follower")
                         + st.lex.word_tuple("persons", "adverb"))


def _three_before_glue(st: DocState, text: str, start: int, name4: str) -> bool:
    """``name4`` (at ``start``) is a surname-led 3-character name whose last character opens a
    follower word or adverb ("余立诚共|同打响", "焦立生与|代表团"): the name is 3 characters."""
    surnames = st.lex.word_set("persons", "surname")
    return name4[0] in surnames and name4[:2] not in surnames \
        and text.startswith(_glue_words(st), start + 3)


def _bare(name: str) -> str:
    return re.sub("[“”‘’\"「」]", "", name)


def _strip_quotes(st: DocState, name: str) -> str:
    return re.sub("[“”‘’\"「」『』]", "", name)
