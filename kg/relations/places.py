"""Place tests every stage uses: a place of the document, of the gazetteer, or by an
administrative suffix.
"""

from __future__ import annotations

from .base import _Grammar, _is_han
from .state import DocState


def _is_place(st: DocState, text: str) -> bool:
    if not text:
        return False
    if text in st.places:
        return True
    return _has_place_suffix(st, text)


def _is_place_by_form(st: DocState, text: str) -> bool:
    """A place by the gazetteer or by an administrative suffix -- not merely because the model
    tagged it so (it tags some brands written like places, e.g. X家居 in a list of enterprises)."""
    return bool(text) and (text in _lex_places(st) or _has_place_suffix(st, text))


def _has_place_suffix(st: DocState, text: str) -> bool:
    for s in st.lex.words("places", "suffix"):
        if text.endswith(s) and 2 <= len(text) - len(s) + 1 and len(text) <= 8:
            body = text[: -len(s)]
            if len(body) >= 1 and all(_is_han(c) for c in body) \
                    and not st.lex.ends_with_org_suffix(body):
                if len(s) == 1 and len(body) < 1:
                    return False
                return True
    return False


def by_first(names) -> dict[str, list[str]]:
    """``names`` by their first character."""
    out: dict[str, list[str]] = {}
    for n in names:
        out.setdefault(n[0], []).append(n)
    return out


def _places_by_first(st: DocState) -> dict[str, list[str]]:
    """(speed) places of 2+ characters by first character, once per document."""
    by = st.memo.get("_places_first")
    if by is None:
        by = st.memo["_places_first"] = by_first(p for p in st.places if len(p) >= 2)
    return by


def _lex_places(st: DocState) -> set[str]:
    """Places of the gazetteer (not the model's: it tags brands such as X兴 as places).
    Built once per document: the list readers ask for it item by item."""
    if st._gazetteer is None:
        names = set(st.lex.words("places", "name")) | set(st.lex.words("places", "province"))
        for c in st.lex.words("places", "city"):
            names |= {c, c + _Grammar.of(st.lex).city_mark}
        st._gazetteer = names
    return st._gazetteer
