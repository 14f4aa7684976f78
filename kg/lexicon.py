"""Reviewed domain knowledge for relation extraction and entity resolution.

Everything kg knows about the genre that is not learned by the NER model lives in the TSV
files of ``kg/data/`` (post titles, organisation suffixes, abbreviations, cluster / action /
project grammar, place grammar, industry words, person-name rules).  Each file starts with
``#`` comment lines saying what it is and how it is used, then a header row, then one row per
entry (tab separated).  :meth:`Lexicon.load` reads them all; a malformed file raises
:class:`kg.model.KgError` naming the file, the line and the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .model import KgError

DEFAULT_DIR = Path(__file__).resolve().parent / "data"

# file name -> expected header columns
_FILES: dict[str, tuple[str, ...]] = {
    "posts.tsv": ("title", "kind", "implied_org", "place_org", "after_name"),
    "org_suffixes.tsv": ("suffix", "subtype", "strip"),
    "abbreviations.tsv": ("short", "full", "scope"),
    "action_patterns.tsv": ("kind", "value"),
    "project_patterns.tsv": ("kind", "value"),
    "clusters.tsv": ("kind", "value"),
    "places.tsv": ("kind", "value"),
    "industry_terms.tsv": ("kind", "value"),
    "persons.tsv": ("kind", "value"),
    "ingest.tsv": ("kind", "value"),
    "candidates.tsv": ("kind", "value"),
}

# allowed "kind" values of the kind/value files
_KINDS: dict[str, set[str]] = {
    "action_patterns.tsv": {"suffix", "lead_suffix", "intro_verb", "generic_body", "quantifier",
                            "umbrella", "lead_cue", "known", "bare_cut", "lead_object_verb",
                            "assist_cue", "quote_verb", "agency_verb"},
    "project_patterns.tsv": {"build_verb", "post_verb", "head", "phase", "infra_cue", "tail", "zone",
                             "generic", "generic_start", "generic_rx"},
    "clusters.tsv": {"suffix", "generic", "heading_verb", "cut", "section_mark", "scope_verb",
                     "lead_in", "topic_in",
                     "enterprise_tail", "enterprise_tail_rx", "member_verb", "enterprise_class", "capacity_verb",
                     "facility", "subject_adverb", "subject_verb", "topic_tail_rx", "clause_adverb",
                     "enterprise_head_rx", "chain_generic", "question_label", "anaphor",
                     "clause_subject_stop_rx", "enterprise_frame_rx", "project_head_rx",
                     "anaphor_rx", "lead_out", "lead_subject", "enterprise_class_body"},
    "places.tsv": {"suffix", "name", "province", "city", "city_prefix", "not_city"},
    "industry_terms.tsv": {"term", "brand_suffix", "not_brand", "term_char", "brand_reject",
                           "known_brand", "site_term", "public_start", "public_body",
                           "short_drop_prefix", "short_brand_suffix"},
    "persons.tsv": {"title_org", "bare_org", "follower", "not_person", "byline", "bullet", "surname", "credit", "preceder",
                    "adverb", "adverb_verb", "media_self", "source_label", "org_cut", "list_verb"},
    "ingest.tsv": {"dateline_source"},
    "candidates.tsv": {"action_head", "cluster_head", "project_head", "enterprise_head", "list_end"},
}

_REGEX_KINDS = {("action_patterns.tsv", "umbrella"), ("project_patterns.tsv", "phase"),
                ("project_patterns.tsv", "infra_cue"), ("clusters.tsv", "section_mark"),
                ("clusters.tsv", "enterprise_tail_rx"), ("clusters.tsv", "topic_tail_rx"),
                ("clusters.tsv", "enterprise_head_rx"), ("clusters.tsv", "clause_subject_stop_rx"),
                ("clusters.tsv", "enterprise_frame_rx"), ("clusters.tsv", "project_head_rx"),
                ("clusters.tsv", "anaphor_rx"), ("project_patterns.tsv", "generic_rx"),
                ("persons.tsv", "byline"), ("persons.tsv", "bullet"),
                ("persons.tsv", "credit")}


def _check_kind(file: str, kind: str) -> None:
    """A look-up of a kind its file does not declare is a typo in the code, not an empty list."""
    kinds = _KINDS.get(file + ".tsv")
    if kinds is None or kind not in kinds:
        raise KeyError(f"kg/data/{file}.tsv has no kind {kind!r}"
                       + (f" (it has: {', '.join(sorted(kinds))})" if kinds else " (no such kind/value file)"))


@dataclass(frozen=True)
class PostInfo:
    title: str
    kind: str
    implied_org: str      # surface form of the organisation when none precedes ("" = none)
    place_org: str        # template with {place} when a place precedes ("" = the place)
    after_name: bool      # may follow the name ("习近平总书记")


@dataclass(frozen=True)
class Abbreviation:
    short: str
    full: str
    scope: str            # "body" or "whole"


def _read_rows(path: Path, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    if not path.is_file():
        raise KgError(f"{path}: lexicon file missing")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise KgError(f"{path}: cannot read lexicon file ({e})") from e
    rows: list[tuple[int, list[str]]] = []
    seen_header = False
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if not seen_header:
            if tuple(c.strip() for c in cols) != header:
                raise KgError(f"{path}:{no}: expected header {' | '.join(header)}, "
                              f"got {' | '.join(cols)}")
            seen_header = True
            continue
        if len(cols) < len(header):
            cols = cols + [""] * (len(header) - len(cols))
        if len(cols) > len(header):
            raise KgError(f"{path}:{no}: {len(cols)} columns, expected {len(header)}")
        if not cols[0].strip():
            raise KgError(f"{path}:{no}: empty first column")
        rows.append((no, [c.strip() for c in cols]))
    if not seen_header:
        raise KgError(f"{path}: no header row")
    return rows


@dataclass
class Lexicon:
    directory: Path
    posts: dict[str, PostInfo] = field(default_factory=dict)
    org_suffixes: list[tuple[str, str, bool]] = field(default_factory=list)   # longest first
    abbreviations: list[Abbreviation] = field(default_factory=list)
    lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    regexes: dict[tuple[str, str], list[re.Pattern[str]]] = field(default_factory=dict)
    # derived values (sorted word lists, compiled regular expressions) built once per lexicon;
    # a lexicon is not changed after load
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, directory: str | Path | None = None) -> "Lexicon":
        d = Path(directory) if directory is not None else DEFAULT_DIR
        if not d.is_dir():
            raise KgError(f"{d}: lexicon directory missing")
        lex = cls(directory=d)
        for name, header in _FILES.items():
            path = d / name
            rows = _read_rows(path, header)
            if name == "posts.tsv":
                for no, (title, kind, implied, place_org, after) in rows:
                    if after not in ("yes", "no", ""):
                        raise KgError(f"{path}:{no}: after_name must be yes or no, got {after!r}")
                    if place_org and "{place}" not in place_org:
                        raise KgError(f"{path}:{no}: place_org must contain {{place}}")
                    lex.posts[title] = PostInfo(title, kind, implied, place_org, after == "yes")
            elif name == "org_suffixes.tsv":
                for no, (suffix, subtype, strip) in rows:
                    if subtype not in ("government", "party", "enterprise", "other"):
                        raise KgError(f"{path}:{no}: unknown subtype {subtype!r}")
                    lex.org_suffixes.append((suffix, subtype, strip == "yes"))
                lex.org_suffixes.sort(key=lambda t: -len(t[0]))
            elif name == "abbreviations.tsv":
                for no, (short, full, scope) in rows:
                    if scope not in ("body", "whole"):
                        raise KgError(f"{path}:{no}: scope must be body or whole, got {scope!r}")
                    lex.abbreviations.append(Abbreviation(short, full, scope))
            else:
                kinds = _KINDS[name]
                for no, (kind, value) in rows:
                    if kind not in kinds:
                        raise KgError(f"{path}:{no}: unknown kind {kind!r} "
                                      f"(expected one of {', '.join(sorted(kinds))})")
                    if not value:
                        raise KgError(f"{path}:{no}: empty value")
                    key = (name.removesuffix(".tsv"), kind)
                    if (name, kind) in _REGEX_KINDS:
                        try:
                            rx = re.compile(value, re.M)
                        except re.error as e:
                            raise KgError(f"{path}:{no}: bad regular expression ({e})") from e
                        lex.regexes.setdefault(key, []).append(rx)
                    else:
                        lex.lists.setdefault(key, []).append(value)
        return lex

    # ------------------------------------------------------------------ access helpers
    def cached(self, key, make):
        """``make()``, computed once per lexicon under ``key`` (for values derived from the
        lexicon alone: sorted lists, compiled regular expressions)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
            return value

    def word_tuple(self, file: str, kind: str, longest_first: bool = True) -> tuple[str, ...]:
        """:meth:`words` as a tuple, sorted once per lexicon."""
        key = ("words", file, kind, longest_first)
        try:
            return self._memo[key]
        except KeyError:
            _check_kind(file, kind)
            ws = list(self.lists.get((file, kind), []))
            if longest_first:
                ws.sort(key=lambda w: (-len(w), w))
            value = self._memo[key] = tuple(ws)
            return value

    def word_set(self, file: str, kind: str) -> frozenset[str]:
        """The words of ``file``/``kind`` as a set, built once per lexicon."""
        return self.cached(("word_set", file, kind),
                           lambda: _check_kind(file, kind) or frozenset(self.lists.get((file, kind), [])))

    def words(self, file: str, kind: str, longest_first: bool = True) -> list[str]:
        return list(self.word_tuple(file, kind, longest_first))

    def patterns(self, file: str, kind: str) -> list[re.Pattern[str]]:
        _check_kind(file, kind)
        return list(self.regexes.get((file, kind), []))

    def post_suffix(self, element: str) -> str | None:
        """The longest post title that ends ``element``."""
        # titles by length, longest first; the first of each length in posts' order (as the
        # scan over all titles found: the first longest one)
        for n, titles in self._posts_by_len():
            if len(element) >= n:
                tail = element[-n:]
                if tail in titles:
                    return tail
        return None

    def _posts_by_len(self) -> list[tuple[int, frozenset[str]]]:
        def make():
            by: dict[int, set[str]] = {}
            for t in self.posts:
                by.setdefault(len(t), set()).add(t)
            return [(n, frozenset(by[n])) for n in sorted(by, reverse=True)]
        return self.cached("posts_by_len", make)

    def _org_suffix_index(self) -> list[tuple[int, dict[str, str]]]:
        """org_suffixes by length, longest first: suffix -> subtype of its first row (the one
        the scan over the longest-first list found first)."""
        def make():
            by: dict[int, dict[str, str]] = {}
            for suffix, subtype, _ in self.org_suffixes:
                by.setdefault(len(suffix), {}).setdefault(suffix, subtype)
            return [(n, by[n]) for n in sorted(by, reverse=True)]
        return self.cached("org_suffix_index", make)

    def org_subtype(self, name: str) -> str | None:
        for n, subtypes in self._org_suffix_index():
            if len(name) >= n:
                subtype = subtypes.get(name[-n:])
                if subtype is not None:
                    return subtype
        return None

    def ends_with_org_suffix(self, name: str) -> bool:
        return any(len(name) >= n and name[-n:] in subtypes
                   for n, subtypes in self._org_suffix_index())
