"""Place tests every stage uses: a place of the document, of the gazetteer, or by an
administrative suffix.
"""

from __future__ import annotations

from ..lexicon import Matcher
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
    return bool(text) and (text in lexicon_place_names(st.lex) or _has_place_suffix(st, text))


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


class _ByFirst:
    """Two :func:`by_first` maps read as one (``get``): the lexicon's places and a document's own."""
    __slots__ = ("lexicon", "own")

    def __init__(self, lexicon: dict[str, list[str]], own: dict[str, list[str]]):
        self.lexicon, self.own = lexicon, own

    def get(self, c: str, default=()):
        a, b = self.lexicon.get(c), self.own.get(c)
        if a is None:
            return default if b is None else b
        return a if b is None else a + b


def _places_by_first(st: DocState) -> _ByFirst:
    """(speed) the document's places of 2+ characters by first character: the lexicon's made once
    per lexicon, the document's own (the model's, the cities it writes) once per document."""
    by = st.memo.get("_places_first")
    if by is None:
        lex = st.lex
        by = st.memo["_places_first"] = _ByFirst(
            lex.cached(("places", "by_first"),
                       lambda: by_first(sorted(p for p in lexicon_place_names(lex) if len(p) >= 2))),
            by_first(p for p in own_places(st) if len(p) >= 2))
    return by


def own_places(st: DocState) -> frozenset[str]:
    """The document's places the lexicon does not hold (the model's, the cities it writes), once
    per document."""
    own = st.memo.get("_own_places")
    if own is None:
        own = st.memo["_own_places"] = frozenset(st.places - lexicon_place_names(st.lex))
    return own


def lexicon_place_names(lex, bare_cities: bool = True) -> frozenset[str]:
    """The place names of places.tsv (name, province, city; a city also with its mark, a league
    as it is), made once per lexicon; ``bare_cities`` False: a city only with its mark (resolution's
    known places: 温州市, not 温州)."""
    def make() -> frozenset[str]:
        g = _Grammar.of(lex)
        names = set(lex.words("places", "name")) | set(lex.words("places", "province"))
        for c in lex.words("places", "city"):
            if bare_cities or c.endswith(g.league_mark):
                names.add(c)
            if not c.endswith(g.league_mark):
                names.add(c + g.city_mark)
        return frozenset(names)
    return lex.cached(("places", "names") if bare_cities else ("places", "names", "marked"), make)


def lexicon_places_written(lex, text: str) -> set[str]:
    """The names of :func:`lexicon_place_names` of two characters or more that ``text`` writes,
    in one Aho-Corasick pass (a look-up per name cost more: hundreds of names per document)."""
    m = lex.cached(("places", "matcher"),
                   lambda: Matcher(sorted(p for p in lexicon_place_names(lex) if len(p) >= 2)))
    return {w for _s, _e, w in m.find_all(text)}
