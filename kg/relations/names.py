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
    followers = st.lex.words("persons", "follower")
    advs = st.lex.words("persons", "adverb")
    for a in advs:
        if rest.startswith(a):
            after = rest[len(a):]
            if not after or not _is_han(after[0]) or any(after.startswith(f) for f in followers) \
                    or any(after.startswith(b) for b in advs) \
                    or any(after.startswith(v) for v in st.lex.words("persons", "adverb_verb")):
                return a
    return None


def _bare(name: str) -> str:
    return re.sub("[“”‘’\"「」]", "", name)


def _strip_quotes(st: DocState, name: str) -> str:
    return re.sub("[“”‘’\"「」『』]", "", name)
