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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick_rs

from .chars import is_han
from .model import KgError

DEFAULT_DIR = Path(__file__).resolve().parent / "data"

# file name -> expected header columns
_FILES: dict[str, tuple[str, ...]] = {
    "posts.tsv": ("title", "kind", "implied_org", "place_org", "after_name"),
    "org_suffixes.tsv": ("suffix", "subtype", "strip", "local"),
    "abbreviations.tsv": ("short", "full", "scope"),
    "action_patterns.tsv": ("kind", "value"),
    "project_patterns.tsv": ("kind", "value"),
    "clusters.tsv": ("kind", "value"),
    "places.tsv": ("kind", "value"),
    "industry_terms.tsv": ("kind", "value"),
    "persons.tsv": ("kind", "value"),
    "ingest.tsv": ("kind", "value"),
    "candidates.tsv": ("kind", "value"),
    "resolve.tsv": ("kind", "value"),
    "grammar.tsv": ("kind", "value"),
    "counties.tsv": ("kind", "value"),
    "enterprises.tsv": ("kind", "value"),
}

# values of org_suffixes.tsv's "local" column (what a name with the suffix is without a place)
ORG_LOCAL_KINDS = ("department", "office", "provincial_department", "government", "paper")

# allowed "kind" values of the kind/value files
_KINDS: dict[str, set[str]] = {
    "action_patterns.tsv": {"suffix", "lead_suffix", "intro_verb", "generic_body", "quantifier",
                            "umbrella", "lead_cue", "known", "bare_cut", "lead_object_verb",
                            "assist_cue", "quote_verb", "agency_verb", "co_action_join",
                            "co_lead_join", "respectively_cue", "anaphor_det", "lead_label_rx",
                            "lead_opener_rx", "role_cue", "class_rx", "name_join",
                            "quoted_infix_rx", "scope_prefix_rx", "year_rx", "scope_cut_rx",
                            "quote_tail_stop", "quote_tail_bad_char",
                            "launch_verb", "launch_stop", "launch_suffix", "launch_class_word",
                            "launch_modifier", "subject_stop", "union_join",
                            "plan_item_rx", "plan_name_end", "plan_paren_rx", "plan_lead_label_rx",
                            "plan_duty_label_rx", "plan_agency_sep"},
    "project_patterns.tsv": {"build_verb", "post_verb", "head", "phase", "infra_cue", "tail", "zone",
                             "generic", "generic_start", "generic_rx", "owned_rx", "project_word",
                             "works_word", "list_close", "build_noun", "list_noun_rx", "list_join_rx",
                             "enterprise_list_rx", "lead_verb", "sign_verb", "name_cut", "named_rx",
                             "generic_end", "subject_rx", "visit_rx", "company_word"},
    "clusters.tsv": {"suffix", "generic", "heading_verb", "cut", "section_mark", "scope_verb",
                     "lead_in", "topic_in",
                     "enterprise_tail", "enterprise_tail_rx", "member_verb", "enterprise_class", "capacity_verb",
                     "facility", "subject_adverb", "subject_verb", "topic_tail_rx", "clause_adverb",
                     "enterprise_head_rx", "chain_generic", "question_label", "anaphor",
                     "clause_subject_stop_rx", "enterprise_frame_rx", "enterprise_role_rx", "project_head_rx",
                     "anaphor_rx", "lead_out", "lead_subject", "enterprise_class_body",
                     # cluster_members.py
                     "member_join", "project_count_rx", "project_predicate_rx",
                     "single_project_end_rx", "plant_build_verb", "plant_head", "place_mark_char",
                     "county_organ_rx", "brand_park", "colon_item_tail_rx", "bracket_short_rx",
                     "short_name_list_rx", "full_company_rx", "short_name_opener", "new_mark",
                     "company_inner_word", "bracketed_owner_rx", "project_join",
                     # clusters.py
                     "project_list_tail_rx", "enum_next_rx", "count_rx", "qualifier_rx", "umbrella_classifier",
                     "suffix_not_before", "bare_core", "bare_place_mark", "chain_suffix",
                     "chain_not_start", "start_cut", "chain_not_char", "chain_not_before_rx", "anaphor_infix",
                     # relations/cluster_sections.py
                     "heading_number_rx", "heading_marker_rx", "aspect_word", "count_name_rx",
                     "item_number_rx", "opener_number_rx", "opener_enum_rx", "lead_modal",
                     "within_word", "opener_member_rx", "example_in", "example_out",
                     "next_item_rx", "item_line_cut_rx",
                     # relations/cluster_scopes.py
                     "topic_pre_rx", "enum_open_rx", "meeting_verb", "list_head_rx",
                     "meeting_rx", "question_rx", "full_named_rx"},
    "places.tsv": {"suffix", "area_suffix", "name", "province", "city", "city_prefix", "not_city", "city_not_start", "prefix_org_end",
                   "city_bad_char", "city_inner_func", "admin_end", "own_organ_prefix", "city_org_rx",
                   "business_tail", "not_place_rx"},
    "industry_terms.tsv": {"term", "brand_suffix", "not_brand", "term_char", "brand_reject", "brand_cut_tail",
                           "known_brand", "site_term", "public_start", "public_body",
                           "short_drop_prefix", "short_brand_suffix",
                           "list_join", "enterprise_end_rx", "company_end", "share_word", "brand_head_ok", "phase_char", "brand_keep", "brand_bad_first", "not_brand_pair", "brand_func_char", "zone_char", "ordinal", "place_like_rx", "park", "natural_zone", "short_brand_not_after", "branch_rx", "plant_not_before", "company_rx", "company_cut", "list_tail_rx", "short_form_rx", "aspect_particle", "class_head_noun", "named_after_rx", "project_end_rx"},
    "persons.tsv": {"title_org", "bare_org", "follower", "not_person", "byline", "byline_untitled", "bullet", "surname",
                    "credit", "preceder",
                    "adverb", "adverb_verb", "media_self", "source_label", "org_cut", "list_verb",
                    "reporter_rank", "reporter_word", "name_bad_first", "name_bad_char", "name_bad_end",
                    "interview_mark", "wire_rx", "wire_char_rx", "own_paper", "byline_title_rx", "photo_mark",
                    "speech_end",
                    "list_close", "weak_follower", "verb_name_bad_char", "name_bad_left",
                    "post_concurrent",
                    "owner_de", "party_organ_prefix", "party_group", "party_group_body",
                    "named_organ_rx", "named_organ_not_place",
                    "bare_organ_rx", "interview_verb_rx", "title_rank_rx", "head_title_end",
                    "place_title_mark", "org_anaphor", "name_join", "name_title_verb", "name_title_left", "appointed_rx",
                    "org_place_prefix_rx", "org_cut_keep_rx", "interview_verb_end", "source_body_rx"},
    "ingest.tsv": {"dateline_source", "credit_end", "simplified_keep", "lost_lead", "variant"},
    "candidates.tsv": {"action_head", "cluster_head", "project_head", "enterprise_head", "list_end",
                       "cluster_count_rx", "zone_suffix"},
    "counties.tsv": {"county", "county_short"},
    "enterprises.tsv": {"known"},
    "resolve.tsv": {"national_prefix", "generic_org", "municipality", "district_mark", "zone_tail", "not_city_prefix", "session_rx", "admin_long_form",
                    "place_prefix_suffix", "not_county_next", "own_paper", "county_mark",
                    "county_organ", "county_parent_suffix", "not_county_tail", "short_form_owner",
                    "party_prefix", "party_suffix", "committee_mark", "committee_full", "department_party",
                    "action_place_suffix",
                    "project_tail",
                    "cluster_display_suffix", "city_mark", "league_mark", "prefecture_mark", "region_mark",
                    "province_mark", "longer_form_prefix_end"},
    "grammar.tsv": {"name_stop", "function_char", "gap_char", "chrome_separator", "team_end", "branch_end",
                    "date_unit", "digit", "org_cut_before",
                    "bare_admin_prefix", "org_tail_word", "item_start_rx", "label_start_rx",
                    "org_abbr_not_before", "org_prefixed_body_rx", "org_body_not_start",
                    "org_body_start", "org_body_stop", "org_not_alone", "org_whole_closed", "org_place_head_rx",
                    "org_part_not_start", "org_lead_verb", "org_inner_verb",
                    "org_event_tail", "org_join",
                    "future_particle", "org_not_end", "media_suffix", "media_not_end", "media_tail", "media_cue", "media_left_stop", "media_after_rx"},
}

_REGEX_KINDS = {("grammar.tsv", "media_after_rx"), ("action_patterns.tsv", "umbrella"), ("action_patterns.tsv", "lead_label_rx"),
                ("action_patterns.tsv", "plan_item_rx"), ("action_patterns.tsv", "plan_paren_rx"),
                ("action_patterns.tsv", "plan_lead_label_rx"), ("action_patterns.tsv", "plan_duty_label_rx"),
                ("action_patterns.tsv", "lead_opener_rx"), ("action_patterns.tsv", "class_rx"),
                ("action_patterns.tsv", "quoted_infix_rx"), ("action_patterns.tsv", "scope_prefix_rx"),
                ("action_patterns.tsv", "year_rx"), ("action_patterns.tsv", "scope_cut_rx"), ("project_patterns.tsv", "phase"),
                ("project_patterns.tsv", "infra_cue"), ("clusters.tsv", "section_mark"),
                ("clusters.tsv", "enterprise_tail_rx"), ("clusters.tsv", "topic_tail_rx"),
                ("clusters.tsv", "enterprise_head_rx"), ("clusters.tsv", "clause_subject_stop_rx"),
                ("clusters.tsv", "enterprise_frame_rx"), ("clusters.tsv", "enterprise_role_rx"), ("clusters.tsv", "project_head_rx"),
                ("clusters.tsv", "anaphor_rx"), ("candidates.tsv", "cluster_count_rx"), ("project_patterns.tsv", "generic_rx"),
                ("clusters.tsv", "project_count_rx"), ("clusters.tsv", "project_predicate_rx"),
                ("clusters.tsv", "single_project_end_rx"), ("clusters.tsv", "county_organ_rx"),
                ("clusters.tsv", "colon_item_tail_rx"), ("clusters.tsv", "bracket_short_rx"),
                ("clusters.tsv", "short_name_list_rx"), ("clusters.tsv", "full_company_rx"),
                ("clusters.tsv", "bracketed_owner_rx"), ("clusters.tsv", "project_list_tail_rx"),
                ("clusters.tsv", "enum_next_rx"), ("clusters.tsv", "count_rx"), ("clusters.tsv", "qualifier_rx"),
                ("clusters.tsv", "chain_not_before_rx"),
                ("persons.tsv", "byline"), ("persons.tsv", "bullet"),
                ("persons.tsv", "wire_rx"), ("persons.tsv", "appointed_rx"), ("persons.tsv", "wire_char_rx"),
                ("persons.tsv", "byline_title_rx"),
                ("persons.tsv", "named_organ_rx"), ("persons.tsv", "bare_organ_rx"),
                ("persons.tsv", "interview_verb_rx"), ("persons.tsv", "title_rank_rx"),
                ("persons.tsv", "org_place_prefix_rx"),
                ("persons.tsv", "credit"), ("resolve.tsv", "session_rx"),
                ("project_patterns.tsv", "owned_rx"), ("industry_terms.tsv", "enterprise_end_rx"), ("industry_terms.tsv", "place_like_rx"), ("industry_terms.tsv", "branch_rx"), ("industry_terms.tsv", "company_rx"), ("industry_terms.tsv", "list_tail_rx"), ("industry_terms.tsv", "short_form_rx"), ("industry_terms.tsv", "named_after_rx"), ("industry_terms.tsv", "project_end_rx"), ("project_patterns.tsv", "list_noun_rx"),
                ("project_patterns.tsv", "list_join_rx"), ("project_patterns.tsv", "enterprise_list_rx"),
                ("project_patterns.tsv", "named_rx"), ("project_patterns.tsv", "subject_rx"),
                ("project_patterns.tsv", "visit_rx"), ("places.tsv", "city_org_rx"), ("places.tsv", "not_place_rx"),
                ("grammar.tsv", "item_start_rx"), ("grammar.tsv", "label_start_rx"),
                ("grammar.tsv", "org_prefixed_body_rx"), ("grammar.tsv", "org_place_head_rx"),
                ("persons.tsv", "org_cut_keep_rx"), ("persons.tsv", "source_body_rx"),
                # relations/cluster_sections.py
                ("clusters.tsv", "heading_number_rx"), ("clusters.tsv", "heading_marker_rx"),
                ("clusters.tsv", "count_name_rx"), ("clusters.tsv", "item_number_rx"),
                ("clusters.tsv", "opener_number_rx"), ("clusters.tsv", "opener_enum_rx"),
                ("clusters.tsv", "opener_member_rx"), ("clusters.tsv", "next_item_rx"),
                ("clusters.tsv", "item_line_cut_rx"),
                # relations/cluster_scopes.py
                ("clusters.tsv", "topic_pre_rx"), ("clusters.tsv", "enum_open_rx"),
                ("clusters.tsv", "list_head_rx"), ("clusters.tsv", "meeting_rx"),
                ("clusters.tsv", "question_rx"), ("clusters.tsv", "full_named_rx")}


@lru_cache(maxsize=1)
def default_lexicon() -> "Lexicon":
    """The lexicon of ``kg/data``, loaded once (for helpers called without a lexicon)."""
    return Lexicon.load()


class LexiconWords:
    """Base of a module's words and patterns compiled from one lexicon (subclasses take the
    lexicon in ``__init__``): ``Sub.of(lex)`` builds them once per lexicon and caches them there."""

    @classmethod
    def of(cls, lex: "Lexicon"):
        return lex.cached(f"{cls.__module__}.{cls.__qualname__}", lambda: cls(lex))


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of ``words`` literally, in their order: ``(?:a|b)``."""
    return "(?:" + alternation_body(words) + ")"


def alternation_body(words: Iterable[str]) -> str:
    """The same without the group (``a|b``), for a pattern that groups it itself."""
    return "|".join(re.escape(x) for x in words)


def _check_kind(file: str, kind: str) -> None:
    """A look-up of a kind its file does not declare is a typo in the code, not an empty list."""
    kinds = _KINDS.get(file + ".tsv")
    if kinds is None or kind not in kinds:
        raise KeyError(f"kg/data/{file}.tsv has no kind {kind!r}"
                       + (f" (it has: {', '.join(sorted(kinds))})" if kinds else " (no such kind/value file)"))


_SURROGATES = re.compile("[\ud800-\udfff]")
# (memory) a long text is scanned a block of this many characters at a time: the scan returns
# each block's occurrences as one list
_SCAN_BLOCK = 1 << 16


def find_every(text: str, word: str) -> Iterator[int]:
    """The start of every occurrence of ``word`` (non-empty) in ``text``, overlapping ones
    included, in order: a ``str.find`` loop."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


class WordScanner:
    """Every occurrence of a fixed list of words in a text, overlapping ones included, in one
    Aho-Corasick pass (``ahocorasick_rs``, a compiled automaton: 3-7× faster here than the
    pyahocorasick one kg used before, docs/performance.md "Session 46").  ``words`` are distinct
    and non-empty.  The automaton holds UTF-8 text only: a word with a lone surrogate or a NUL
    character (none in kg's lists) is looked for with ``str.find`` instead, and a lone surrogate
    of the text is scanned as a NUL, which no word of the automaton holds."""

    __slots__ = ("words", "_ac", "_index", "_longest", "_odd")

    def __init__(self, words: Sequence[str]):
        self.words = tuple(words)
        # the words the automaton cannot hold (ahocorasick_rs drops a word it cannot encode and
        # every word after it, silently), by their index, and the others
        odd = ["\x00" in w or _SURROGATES.search(w) is not None for w in self.words]
        self._odd = [k for k, o in enumerate(odd) if o]
        kept = [k for k, o in enumerate(odd) if not o]
        # the automaton's word indices -> self.words' (None: the same)
        self._index = None if len(kept) == len(self.words) else kept
        # (the contiguous NFA: as fast to scan as a DFA on kg's word lists, half as long to build)
        self._ac = (ahocorasick_rs.AhoCorasick([self.words[k] for k in kept],
                                               matchkind=ahocorasick_rs.MatchKind.Standard,
                                               implementation=ahocorasick_rs.Implementation.ContiguousNFA)
                    if kept else None)
        self._longest = max((len(self.words[k]) for k in kept), default=0)

    def __reduce__(self):          # (the compiled automaton does not pickle: made again)
        return WordScanner, (self.words,)

    def scan(self, text: str) -> Iterable[tuple[int, int, int]]:
        """``(index of the word in words, start, end)`` of every occurrence in ``text``; one word's
        occurrences come by start (those of the automaton by end within each block of
        ``_SCAN_BLOCK`` characters): a list for a text of one block, else made a block at a time."""
        if not text:
            return ()
        if self._ac is None:
            return self._odd_hits(text)
        if len(text) <= _SCAN_BLOCK and not self._odd:
            return self._hits(text)
        return self._blocks(text)

    def _hits(self, part: str) -> list[tuple[int, int, int]]:
        try:
            hits = self._ac.find_matches_as_indexes(part, overlapping=True)
        except UnicodeEncodeError:          # a lone surrogate, which no word of the automaton holds
            hits = self._ac.find_matches_as_indexes(_SURROGATES.sub("\x00", part), overlapping=True)
        index = self._index
        return hits if index is None else [(index[k], s, e) for k, s, e in hits]

    def _blocks(self, text: str) -> Iterator[tuple[int, int, int]]:
        over = self._longest - 1
        a, n = 0, len(text)
        while a < n:
            part = text[a:a + _SCAN_BLOCK + over]
            last = a + len(part) == n           # the rest of the text: every occurrence in it
            # those that start in the block (the next one finds those that start after it)
            yield from ((k, a + s, a + e) for k, s, e in self._hits(part) if last or s < _SCAN_BLOCK)
            if last:
                break
            a += _SCAN_BLOCK
        yield from self._odd_hits(text)

    def _odd_hits(self, text: str) -> list[tuple[int, int, int]]:
        words = self.words
        return [(k, i, i + len(words[k])) for k in self._odd for i in find_every(text, words[k])]


class Matcher:
    """One word list compiled for matching, built once when the lexicon is loaded.

    Anchored look-ups (:meth:`longest_at`, :meth:`prefixes`, :meth:`longest_suffix`,
    :meth:`ends`, :meth:`starts`) test the text's slices against the words grouped by length,
    longest first; scans of a whole text (:meth:`find_all`, :meth:`counts`) run one
    Aho-Corasick automaton (:class:`WordScanner`) instead of one ``str.find`` / ``str.count`` per word.
    ``words`` keeps the list's order (duplicates dropped)."""

    __slots__ = ("words", "_set", "_lens", "_ac")

    def __init__(self, words: Iterable[str]):
        self.words: tuple[str, ...] = tuple(dict.fromkeys(w for w in words if w))
        self._set = frozenset(self.words)
        self._lens = tuple(sorted({len(w) for w in self.words}, reverse=True))
        self._ac = None

    def __contains__(self, word: object) -> bool:
        return word in self._set

    def __iter__(self):
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return f"Matcher({len(self.words)} words)"

    # ---- anchored look-ups
    def prefixes(self, text: str, i: int = 0) -> list[str]:
        """The words that ``text`` has at position ``i``, longest first."""
        s = self._set
        return [text[i:i + n] for n in self._lens if i + n <= len(text) and text[i:i + n] in s]

    def longest_at(self, text: str, i: int = 0) -> str | None:
        """The longest word that ``text`` has at position ``i`` (None: none)."""
        s = self._set
        for n in self._lens:
            if i + n <= len(text) and text[i:i + n] in s:
                return text[i:i + n]
        return None

    def longest_suffix(self, text: str, proper: bool = False) -> str | None:
        """The longest word that ends ``text`` (with ``proper``: shorter than ``text``)."""
        s = self._set
        n_text = len(text)
        for n in self._lens:
            if n < n_text or (n == n_text and not proper):
                if text[n_text - n:] in s:
                    return text[n_text - n:]
        return None

    def ends(self, text: str, proper: bool = False) -> bool:
        """Does a word end ``text`` (with ``proper``: a word shorter than ``text``)?"""
        return self.longest_suffix(text, proper) is not None

    def starts(self, text: str, proper: bool = False) -> bool:
        """Does a word start ``text`` (with ``proper``: a word shorter than ``text``)?"""
        s = self._set
        n_text = len(text)
        return any((n < n_text or (n == n_text and not proper)) and text[:n] in s for n in self._lens)

    # ---- scans of a whole text
    def _scan(self, text: str) -> Iterable[tuple[int, int, int]]:
        """``(index of the word, start, end)`` of every occurrence (:meth:`WordScanner.scan`); the
        automaton is built on the first scan."""
        if self._ac is None:
            self._ac = WordScanner(self.words)
        return self._ac.scan(text)

    def find_all(self, text: str) -> list[tuple[int, int, str]]:
        """Every occurrence of every word, overlapping ones included: ``(start, end, word)``,
        ordered by start, the longer word first at one start."""
        if not self.words or not text:
            return []
        words = self.words
        hits = [(s, e, words[k]) for k, s, e in self._scan(text)]
        hits.sort(key=lambda h: (h[0], -h[1]))
        return hits

    def start_positions(self, text: str) -> set[int]:
        """Every ``i`` where a word starts in ``text``: the ``i`` whose :meth:`longest_at` is not
        None, in one Aho-Corasick pass (for a text looked up at many positions)."""
        if not self.words or not text:
            return set()
        return {s for _k, s, _e in self._scan(text)}

    def end_positions(self, text: str, longest: int) -> set[int]:
        """Every ``j`` where a word of at most ``longest`` characters ends in ``text``: the ``j``
        whose ``longest_suffix(text[max(0, j - longest):j])`` is not None, in one pass."""
        if not self.words or not text:
            return set()
        return {e for _k, s, e in self._scan(text) if e - s <= longest}

    def counts(self, text: str) -> dict[str, int]:
        """How often each word occurs in ``text`` as ``text.count(word)`` counts it (left to
        right, occurrences of one word not overlapping); words that do not occur are left out."""
        if not self.words or not text:
            return {}
        out: dict[str, int] = {}
        last_end: dict[str, int] = {}
        # one word's matches come by start (WordScanner.scan)
        words = self.words
        for k, start, end in self._scan(text):
            w = words[k]
            if start >= last_end.get(w, 0):
                out[w] = out.get(w, 0) + 1
                last_end[w] = end
        return out

    def __getstate__(self):
        return self.words

    def __setstate__(self, words):
        Matcher.__init__(self, words)


_EMPTY = Matcher(())


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
    scope: str            # "body", "whole", "variant" or "place" (both resolution only)


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
    org_local: dict[str, str] = field(default_factory=dict)     # suffix -> its "local" column
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
                for no, (suffix, subtype, strip, local) in rows:
                    if subtype not in ("government", "party", "enterprise", "other"):
                        raise KgError(f"{path}:{no}: unknown subtype {subtype!r}")
                    if local and local not in ORG_LOCAL_KINDS:
                        raise KgError(f"{path}:{no}: unknown local {local!r} "
                                      f"(expected one of {', '.join(ORG_LOCAL_KINDS)} or empty)")
                    lex.org_suffixes.append((suffix, subtype, strip == "yes"))
                    if local:
                        lex.org_local.setdefault(suffix, local)
                lex.org_suffixes.sort(key=lambda t: -len(t[0]))
            elif name == "abbreviations.tsv":
                for no, (short, full, scope) in rows:
                    if scope not in ("body", "whole", "variant", "place"):
                        raise KgError(f"{path}:{no}: scope must be body, whole, variant or place, got {scope!r}")
                    lex.abbreviations.append(Abbreviation(short, full, scope))
            else:
                kinds = _KINDS[name]
                for no, (kind, value) in rows:
                    if kind not in kinds:
                        raise KgError(f"{path}:{no}: unknown kind {kind!r} "
                                      f"(expected one of {', '.join(sorted(kinds))})")
                    if not value:
                        raise KgError(f"{path}:{no}: empty value")
                    if (name, kind) == ("ingest.tsv", "lost_lead") and not (
                            len(value) == 2 and value[0].isascii() and value[0].isalpha() and not value[1].isascii()):
                        raise KgError(f"{path}:{no}: lost_lead must be an ASCII letter and the one character "
                                      f"it stood for, got {value!r}")
                    if (name, kind) == ("ingest.tsv", "variant") and not (
                            len(value) == 2 and all(is_han(c) for c in value) and value[0] != value[1]):
                        raise KgError(f"{path}:{no}: variant must be two Han characters, the variant and "
                                      f"its Simplified form, got {value!r}")
                    key = (name.removesuffix(".tsv"), kind)
                    if (name, kind) in _REGEX_KINDS:
                        try:
                            rx = re.compile(value, re.M)
                        except re.error as e:
                            raise KgError(f"{path}:{no}: bad regular expression ({e})") from e
                        lex.regexes.setdefault(key, []).append(rx)
                    else:
                        lex.lists.setdefault(key, []).append(value)
        lex._compile()
        return lex

    def _compile(self) -> None:
        """Every word list as a :class:`Matcher` (and the post titles and organisation suffixes),
        once per lexicon; the automata are built on a matcher's first scan of a text."""
        m = self._memo
        for file, kinds in _KINDS.items():
            for kind in kinds:
                key = (file.removesuffix(".tsv"), kind)
                if (file, kind) not in _REGEX_KINDS:
                    m[("matcher",) + key] = Matcher(self.lists.get(key, ()))
        m["matcher.posts"] = Matcher(self.posts)
        m["matcher.org_suffixes"] = Matcher(s for s, _sub, _strip in self.org_suffixes)

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

    def plain_pattern(self, file: str, kind: str) -> re.Pattern[str]:
        """The first pattern of ``file``/``kind`` compiled without flags (:meth:`patterns`
        compiles with ``re.M``; the rules that anchor with ``^``/``$`` want the whole string).
        Compiled once per lexicon."""
        key = ("plain_pattern", file, kind)
        try:
            return self._memo[key]
        except KeyError:
            _check_kind(file, kind)
            value = self._memo[key] = re.compile(self.regexes[(file, kind)][0].pattern)
            return value

    def matcher(self, file: str, kind: str) -> Matcher:
        """The words of ``file``/``kind`` compiled for matching (:class:`Matcher`); a kind the
        file does not declare raises KeyError, as :meth:`words` does."""
        try:
            return self._memo[("matcher", file, kind)]
        except KeyError:
            _check_kind(file, kind)
            raise KeyError(f"kg/data/{file}.tsv kind {kind!r} holds regular expressions: "
                           f"use patterns()") from None

    def post_matcher(self) -> Matcher:
        """The post titles of posts.tsv."""
        return self._memo["matcher.posts"]

    def title_runs_past(self, text: str, start: int, end: int) -> bool:
        """Whether a post title of posts.tsv starts at ``start`` and ends after ``end``: then
        ``text[start:end]`` opens the title and names no place (代县 of 代县长, an acting head)."""
        title = self._memo["matcher.posts"].longest_at(text, start)
        return title is not None and start + len(title) > end

    def org_suffix_matcher(self, *local: str) -> Matcher:
        """The organisation suffixes of org_suffixes.tsv; with ``local``, those whose ``local``
        column is one of the given values (``department``, ``office``,
        ``provincial_department``, ``government``, ``paper``)."""
        if not local:
            return self._memo["matcher.org_suffixes"]
        bad = [v for v in local if v not in ORG_LOCAL_KINDS]
        if bad:
            raise KeyError(f"org_suffixes.tsv has no local value {bad[0]!r} "
                           f"(it has: {', '.join(ORG_LOCAL_KINDS)})")
        return self.cached(("matcher.org_suffixes",) + tuple(sorted(local)),
                           lambda: Matcher(s for s, _sub, _strip in self.org_suffixes
                                           if self.org_local.get(s) in local))

    def post_suffix(self, element: str) -> str | None:
        """The longest post title that ends ``element``."""
        return self._memo["matcher.posts"].longest_suffix(element)

    def _org_subtypes(self) -> dict[str, str]:
        """suffix -> the subtype of its first row in org_suffixes.tsv."""
        def make():
            out: dict[str, str] = {}
            for suffix, subtype, _ in self.org_suffixes:
                out.setdefault(suffix, subtype)
            return out
        return self.cached("org_subtypes", make)

    def org_subtype(self, name: str) -> str | None:
        """The subtype of the longest organisation suffix that ends ``name`` (None: none)."""
        suffix = self._memo["matcher.org_suffixes"].longest_suffix(name)
        return None if suffix is None else self._org_subtypes()[suffix]

    def ends_with_org_suffix(self, name: str) -> bool:
        return self._memo["matcher.org_suffixes"].ends(name)
