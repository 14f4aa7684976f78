"""Ingest: read corpus files, decode them, build the analysis text and split sentences.

Public API
----------
``read_corpus(paths, on_error=None, *, lexicon=None) -> list[Document]``
    Walk files/directories (``.txt``/``.md``, recursive, sorted); a bad file is reported through
    ``on_error(InputError)`` (or logged when no callback is given) and skipped.
``load_document(path, doc_id=None, *, lexicon=None) -> Document``
    Read one file; raises :class:`InputError` naming the file and the problem.
``prepare_text(raw, doc_id="text", lexicon=None) -> Document``
    Normalise an in-memory string and split it into sentences.

``lexicon`` is the :class:`kg.lexicon.Lexicon` whose ``ingest.tsv`` is read (the dateline
sources that open a new paragraph); None: the default lexicon (``kg/data``), loaded once.

The analysis text (``Document.text``) is derived from the decoded file (``Document.original``)
by a chain of edits, each of which keeps a per-character map back to the original
(``Document.offsets``):

1. UTF-8 text that was decoded as Latin-1 / Windows-1252 somewhere upstream decoded again
   (:func:`_repair_mojibake`: first, for Latin-1 shows the byte 0x85 of 先 or 党 as a line
   break), then line breaks unified (``\\r\\n``/``\\r``/U+2028... -> ``\\n``);
2. NFKC normalisation (per character cluster, so expansions map to their source character);
   before it, a GBK character that lost its first
   byte upstream and kept an ASCII second byte (``??h`` for ``。縣``) is read as the character
   ingest.tsv ``lost_lead`` names (:func:`_repair_lost_leads`; before NFKC, so a full-width
   ``？`` never counts); after NFKC web-page noise is deleted
   (:func:`_strip_noise`): format and control characters (zero-width spaces, joiners, soft
   hyphens, BOMs inside the text), emoji, HTML tags and character references left by scraping,
   Markdown's link brackets and addresses and its images (``[通知](https://…)``), and pinyin
   glosses inserted after a Han character
   (``局长(zhǎng)`` -> ``局长``; without tone marks, ``局(ju)``, only in a document that has
   three or more such glosses), so no name keeps them;
3. Traditional -> Simplified when the text is Traditional (two or more and at least 4% of its
   Han characters, or half of a very short text, change under OpenCC ``t2s``); per paragraph, char
   by char where a phrase conversion would change the length; in a Simplified text only the stray
   Traditional characters outside GB2312's simplified set (总书記), one by one; in both, the
   Hong Kong / Taiwan variant forms t2s leaves (衞 -> 卫: ingest.tsv ``variant``) and their
   corner-bracket quotation marks (「」『』 -> “”); a straight quote paired with a curly one on its
   line made curly (“X" -> “X”);
4. per line: page-jump markers (``（下转第4版）``, ``(接第2版)``...) and Markdown heading marks
   (``# ``, a whole line in bold ``**名单**``: the line is a heading) dropped, whitespace
   collapsed, letter-spaced words (``政 府 工 作``), two-character names padded in lists
   (``、王　伟、``) and spaces between numbers and CJK (``1.2 万亿元``) closed up; cells (a tab between two) stay apart, one space between them (``2<TAB>A项目`` is
   ``2 A项目``);
5. exact duplicate paragraphs (blank-line separated blocks) dropped, as are blocks that merely
   repeat the tail of the block before them (a scraping artefact);
6. hard-wrapped lines re-joined (see :func:`_is_wrap`; a table row, three cells or more or two
   beside another line with cells, is never joined);
7. one ``\\n`` between the resulting lines.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import stat
import unicodedata
from array import array      # the offset maps: array("q"), 8 bytes an entry (see _build)
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from kg.chars import HAN_CLASS, is_han
from kg.lexicon import Lexicon
from kg.model import Document, InputError, Sentence

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")

# --------------------------------------------------------------------------------------------
# character classes
# --------------------------------------------------------------------------------------------

_is_han = is_han
_HAN = HAN_CLASS

# Sentence terminators (after NFKC the full-width ！？； become ASCII).
_TERMINATORS = set("。！？!?；;｡")
# Characters that close a quote/bracket and stay with the sentence before them.
_CLOSERS = set("”’」』)）]】》〉〕｝}\"'")
# In-sentence punctuation: a line containing any of these reads as running text, not a heading.
_PUNCT = set("，,、；;。！!？?｡､")   # the colon is left out: headlines use it (呼和浩特：...)
# A line starting with one of these is a list item, byline or subtitle, never a continuation.
_LINE_MARKERS = set("●■▲◆★☆○◎•·※►▶▷◇□△▼")
_ENUM_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十百\d]{1,3}[)）]"
    r"|[一二三四五六七八九十百]{1,3}[、.．]"
    r"|\d{1,2}[、．]"
    r"|\d{1,2}\.(?!\d)"
    r"|第[一二三四五六七八九十百\d]{1,4}[章节条部分篇])"
)
_DASH_START_RE = re.compile(r"^[—\-－―─]{1,2}")
# a line ending in a space and a 2-4 character name after Han text (a roster line)
_ROSTER_END_RE = re.compile(r"[\u4e00-\u9fff][ \t\u3000]+[\u4e00-\u9fff]{2,4}$")
# a line opening with a short label and a colon (时间：, 地点：, a speaker's name)
_LABEL_START_RE = re.compile(r"[\u4e00-\u9fff]{2,5}[:：]")


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return Lexicon.load()


def _dateline_re(lexicon: Lexicon | None = None) -> re.Pattern[str]:
    """News datelines open a new article: 本报讯 / 本报北京5月1日电 / 新华社北京4月23日电.  The
    sources are data (``ingest.tsv`` of ``lexicon``, kind ``dateline_source``); built once per
    lexicon."""
    lex = lexicon if lexicon is not None else _default_lexicon()

    def make() -> re.Pattern[str]:
        alt = "|".join(map(re.escape, lex.word_tuple("ingest", "dateline_source"))) or "(?!)"
        return re.compile(rf"^(?:本报讯|(?:{alt})[^，,。\s]{{0,14}}电)")
    return lex.cached("ingest.dateline_re", make)


def _credit_end_re(lexicon: Lexicon | None = None) -> re.Pattern[str]:
    """A line ending in a photo credit (``…正在安装。 王世保 摄``, ``…（王世保 摄）``): a name after a
    space, a sentence or clause end, a bracket or the line's start, then a credit word
    (``ingest.tsv`` of ``lexicon``, kind ``credit_end``) and maybe the bracket closing it; such a
    line ends its paragraph.  Built once per lexicon."""
    lex = lexicon if lexicon is not None else _default_lexicon()

    def make() -> re.Pattern[str]:
        alt = "|".join(map(re.escape, lex.word_tuple("ingest", "credit_end"))) or "(?!)"
        return re.compile(rf"(?:^|[ \t\u3000。！？；，,;!?)）(（])[\u4e00-\u9fff·]{{2,5}}[ \t\u3000]*(?:{alt})[)）]?$")
    return lex.cached("ingest.credit_end_re", make)


_MD_HEADING_RE = re.compile(r"^[ \t]*#{1,6}[ \t]+")
# a whole line in bold (**X**) is a heading too; not ** inside a line, which also masks names
# (张**、李**) or is a power (2**3)
_MD_BOLD_LINE_RE = re.compile(r"^[ \t]*(\*\*)(?=[^\s*])(?:(?!\*\*).)*?[^\s*](\*\*)[ \t]*$")

# Page-jump markers: （下转第4版） （上接第1版） (转第2版) 下转A3版 接第 3 版 ...
_JUMP_CORE = (
    r"(?:(?:上|下|紧|续|再)?\s*(?:转|接)\s*(?:第|至|到)?\s*"
    r"[A-Za-z]?\s*[0-9一二三四五六七八九十百零〇]{1,3}\s*(?:版|页|面)"
    r"|(?:接上|转下|续上|见下)(?:页|版))"
)
_JUMP_BRACKETED_RE = re.compile(r"[（(【\[〔]\s*" + _JUMP_CORE + r"\s*[)）】\]〕]")
_JUMP_BARE_LINE_RE = re.compile(r"^\s*" + _JUMP_CORE + r"\s*$")

_WS_RE = re.compile(r"[^\S\n]+")
_WS_NO_TAB_RE = re.compile(r"[^\S\n\t]+")
_CELL_SEP_RE = re.compile(r"[^\S\n]*\t[^\S\n]*")     # a cell separator, with the spaces around it
# a space between a number (or Latin word) and a CJK character, in either direction
_NUM_SPACE_RE = re.compile(rf"(?<=[0-9A-Za-z%‰℃.])[ ](?=[{_HAN}])|(?<=[{_HAN}])[ ](?=[0-9A-Za-z])")
_NEWLINES_RE = re.compile(r"\r\n|[\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")


def _width(s: str) -> int:
    """Display width: wide/full-width characters count 2."""
    w = 0
    for ch in s:
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


# --------------------------------------------------------------------------------------------
# decoding
# --------------------------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)

# Magic numbers of common binary formats (checked before any decoding attempt).
_BINARY_MAGIC = (
    b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b",
    b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"\xd0\xcf\x11\xe0", b"SQLite format",
)


@lru_cache(maxsize=1)
def _gb2312_han() -> frozenset[str]:
    """The 6763 standard simplified characters (GB2312 rows 0xB0-0xF7), from the codec."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(c for c in chars if len(c) == 1 and _is_han(c))


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The common Han characters of both scripts: all GB2312 hanzi and Big5 level-1 hanzi.

    Derived from the codecs themselves (no word list): GB2312 rows 0xB0-0xF7 hold the 6763
    standard simplified characters, Big5 0xA440-0xC67E the 5401 common traditional ones.
    """
    chars: set[str] = set(_gb2312_han())
    for hi in range(0xA4, 0xC7):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if hi == 0xC6 and lo > 0x7E:
                break
            try:
                chars.add(bytes((hi, lo)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(c for c in chars if len(c) == 1 and _is_han(c))


def _text_score(text: str) -> float:
    """How much ``text`` looks like Chinese/ASCII prose (1.0 = perfectly plausible).

    Wrong decodings of CJK bytes produce kana, Greek/Cyrillic, box drawing, bopomofo,
    private-use characters, Hangul or rare ideographs; those are penalised.
    """
    if not text:
        return 0.0
    common = _common_han()
    total = 0.0
    n = 0
    for ch in text[:20000]:
        n += 1
        o = ord(ch)
        if ch in "\n\r\t ":
            total += 1.0
        elif o < 0x20 or 0x7F <= o < 0xA0:
            total -= 2.0
        elif o < 0x7F:
            total += 0.8          # ASCII: plausible but also what junk decodings produce
        elif ch in common:
            total += 1.0
        elif 0x4E00 <= o <= 0x9FFF:
            total += 0.2          # rare ideograph
        elif 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x2027:
            total += 1.0          # CJK punctuation, full-width forms, quotes and dashes
        elif o in (0x00B7, 0x00D7, 0x2103, 0x2030, 0x25CF, 0x3007) or 0x2160 <= o <= 0x2188:
            total += 0.8          # ·×℃‰●〇 and roman numerals
        elif 0x2460 <= o <= 0x24FF or 0x3220 <= o <= 0x325F:
            total += 0.5          # circled numbers
        else:
            total -= 1.0
    return total / n


def _cut_at_end(raw: bytes, e: UnicodeDecodeError) -> bool:
    """Whether ``e`` is no more than ``raw`` ending inside its last character (at most three
    bytes of it there, the decoder asking for more)."""
    return e.end >= len(raw) and len(raw) - e.start <= 3 and (
        "unexpected end" in e.reason or "incomplete" in e.reason)


def _best_reading(codecs: Sequence[str], read: Callable[[str], tuple | None]) -> tuple | None:
    """The greatest ``read(codec)`` over ``codecs``: a tuple whose first item is a tuple of its
    ranking keys (None: no reading); the first codec's on a tie; None when none reads."""
    best = None
    for order, codec in enumerate(codecs):
        got = read(codec)
        if got is not None and (best is None or got[0] + (-order,) > best[0]):
            best = (got[0] + (-order,), got)
    return None if best is None else best[1]


def _decode_cut(raw: bytes, codec: str) -> tuple[str, int]:
    """``raw.decode(codec)`` and 0; a file cut inside its last character (a page's first 2,000
    bytes, ``head -c``) loses that character's bytes, not the whole file: their number is the
    second value (only after a character that is not ASCII: a file all ASCII but for its last
    bytes names no encoding)."""
    try:
        return raw.decode(codec), 0
    except UnicodeDecodeError as e:
        if not _cut_at_end(raw, e):
            raise
        text = raw[:e.start].decode(codec)
        if text.isascii():
            raise       # no character before it says which encoding the file is in
        return text, len(raw) - e.start


def _decode(raw: bytes, path: str) -> tuple[str, str]:
    """Decode ``raw``; return (text, encoding name).  Raises InputError."""
    if not raw:
        raise InputError(path, "empty file")
    for magic in _BINARY_MAGIC:
        if raw.startswith(magic):
            raise InputError(path, "binary file (not text)")
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom):].decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(path, f"cannot decode as {name} (byte order mark present): {e.reason} at byte {e.start + len(bom)}") from None
            if text.count("\x00") > _max_stray_nul(len(raw)):
                raise InputError(path, "binary file (too many NUL characters)")
            return text, name

    has_nul = b"\x00" in raw
    utf8_cut = False
    if not has_nul:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            utf8_cut = _cut_at_end(raw, e)      # then UTF-8 competes below as a read cut at the end

    def read(codec: str, floor: float) -> tuple | None:
        try:
            text, cut = _decode_cut(raw, codec)
        except UnicodeDecodeError:
            return None
        if cut and _text_score(text[-_TAIL:]) < floor:
            return None         # a legacy encoding out of step since a lost byte reads garbage
        # a read cut at the end competes with the others; on a tie a whole one wins
        return (_text_score(text), not cut), codec, text, cut

    def best(codecs: list[str], floor: float) -> tuple[str, str] | None:
        got = _best_reading(codecs, lambda codec: read(codec, floor))
        if got is None or got[0][0] < floor:
            return None
        _rank, codec, text, cut = got
        name = "big5" if codec in ("cp950", "big5hkscs") else codec
        if cut:
            log.warning("%s: the file ends inside a %s character (its last %d byte(s)): left out",
                        path, name, cut)
        return text, name

    legacy = ["gb18030", "big5", "cp950", "big5hkscs"]
    utf16 = ["utf-16-le", "utf-16-be"] if len(raw) % 2 == 0 else []
    if not has_nul:
        got = best((["utf-8"] if utf8_cut else []) + utf16 + legacy, 0.6)
    else:
        # with NUL bytes UTF-16 comes first, and binary data scores far below 0.4 there; a text
        # with a few stray NUL bytes (at most two, or one byte in a hundred; the same bound after
        # a byte order mark, above) is read as UTF-8 or a legacy encoding; _check_text does not
        # count those NULs among its control characters, and they are removed with the others
        # (_strip_noise)
        got = best(utf16, 0.4)
        if got is None and raw.count(0) <= _max_stray_nul(len(raw)):
            try:
                got = raw.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                got = best(legacy, 0.6)
    if got is not None:
        return got
    if has_nul:
        raise InputError(path, "binary file (contains NUL bytes and is not UTF-16 text)")
    got = _damaged(raw, path)
    if got is not None:
        return got
    raise InputError(path, "cannot decode: not UTF-8, UTF-16, GB18030/GBK or Big5 text")


def _damaged(raw: bytes, path: str) -> tuple[str, str] | None:
    """A text with a few bytes no encoding reads (damaged in transit, two pages glued inside a
    character): the encoding that reads all but at most ``_max_bad_bytes`` of its bytes, each
    damaged spot read as U+FFFD, with a warning naming the file; None when none does, or when
    what it reads is no text at its start, at its end or before a spot (a legacy encoding out of
    step after a lost byte reads garbage until it fails), or a spot is a block of bad bytes."""
    def read(codec: str) -> tuple | None:
        kept = raw.decode(codec, errors="ignore")
        bad = len(raw) - len(kept.encode(codec, errors="replace"))
        if bad > _max_bad_bytes(len(raw)):
            return None
        text = raw.decode(codec, errors="replace")
        score = min(_text_score(text), _text_score(text[-_TAIL:]))
        spots = list(_REPLACED_RE.finditer(text))
        # no long block of bad bytes, and no garbage before a spot (a legacy encoding out of step
        # after a lost byte reads garbage up to where it fails)
        if score < 0.6 or any(m.end() - m.start() > 8 for m in spots) or any(
                _text_score(text[max(0, m.start() - _BEFORE_SPOT):m.start()]) < 0.5
                for m in spots if m.start() > 0):
            return None
        return (score,), codec, text, bad

    got = _best_reading(("utf-8", "gb18030", "big5"), read)
    if got is None:
        return None
    _rank, codec, text, bad = got
    log.warning("%s: read as %s but for %d damaged byte(s), kept as U+FFFD", path, codec, bad)
    return text, codec


_TAIL = 200         # characters of a text's end read again (_damaged, a cut legacy encoding)
_BEFORE_SPOT = 100  # characters before a damaged spot read again (_damaged)
_REPLACED_RE = re.compile("\ufffd+")


def _max_bad_bytes(n_bytes: int) -> int:
    """How many unreadable bytes a text file of ``n_bytes`` may hold and still be read: 8 (two
    damaged characters of UTF-8), or one in 250."""
    return max(8, n_bytes // 250)


def _max_stray_nul(n_bytes: int) -> int:
    """How many NUL bytes a text file of ``n_bytes`` may hold and still be read as text."""
    return max(2, n_bytes // 100)


def _check_text(text: str, path: str) -> None:
    if not text.strip():
        raise InputError(path, "no text (file is blank)")
    sample = text[:20000]
    # (NULs: _decode has held them to a few stray ones)
    ctrl = sum(k for ch, k in Counter(sample).items()
               if (ord(ch) < 0x20 and ch not in "\n\r\t\x0c\x0b\x00") or ch == "\x7f")
    if ctrl > max(2, len(sample) // 100):
        raise InputError(path, "binary file (too many control characters)")


# --------------------------------------------------------------------------------------------
# text with an offset map
# --------------------------------------------------------------------------------------------

class _Line:
    """One physical line of the document after per-line cleaning."""

    __slots__ = ("text", "src", "end", "indented", "heading", "jump_before", "jump_after",
                 "jump_only", "n_punct", "term_inside", "terminal", "width", "cells", "table_row")

    def __init__(self, text: str, src: array, end: int):
        self.text = text
        self.src = src              # original index of every character of text
        self.end = end              # original index of the line break that ends the line
        self.indented = False
        self.heading = False        # Markdown heading
        self.jump_before = False    # a page-jump marker was removed at the start
        self.jump_after = False     # ... at the end (or a 下转 marker anywhere)
        self.jump_only = False      # the line held only a page-jump marker
        self.n_punct = 0            # in-sentence punctuation marks
        self.term_inside = False    # a sentence terminator before the end of the line
        self.terminal = False
        self.width = 0
        self.cells = 0              # tabs between two cells (kept apart by one space)
        self.table_row = False      # a row of a table copied from a page or sheet (see _build)


def _sub(text: str, src: array, pattern: re.Pattern[str], repl: str = "",
         accept=None) -> tuple[str, array]:
    """re.sub with the offset map kept: replacement characters map to the match start.  Only
    the matches ``accept`` (a predicate on the match; None: all) says yes to are replaced."""
    out: list[str] = []
    osrc = array("q")
    pos = 0
    for m in pattern.finditer(text):
        if accept is not None and not accept(m):
            continue
        s, e = m.span()
        out.append(text[pos:s])
        osrc.extend(src[pos:s])
        if repl:
            out.append(repl)
            base = src[s] if s < len(src) else (src[-1] + 1 if src else 0)
            osrc.extend([base] * len(repl))
        pos = e
    if pos == 0:
        return text, src
    out.append(text[pos:])
    osrc.extend(src[pos:])
    return "".join(out), osrc


def _delete_positions(text: str, src: array, drop: set[int]) -> tuple[str, array]:
    if not drop:
        return text, src
    # (memory, speed) the runs between the dropped positions, not a list of the kept ones
    out: list[str] = []
    osrc = array("q")
    pos = 0
    for p in sorted(p for p in drop if 0 <= p < len(text)):
        out.append(text[pos:p])
        osrc.extend(src[pos:p])
        pos = p + 1
    out.append(text[pos:])
    osrc.extend(src[pos:])
    return "".join(out), osrc


@lru_cache(maxsize=65536)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def _nfkc(text: str, src: array) -> tuple[str, array]:
    """NFKC per character cluster (a base character and the combining marks after it); the
    characters a cluster expands to all map to the cluster's first original index.

    (speed) A character NFKC makes one other character (full-width forms: ，→ ,) is replaced by
    ``str.translate``, which keeps the map; only the clusters around a combining mark or a
    character NFKC makes several (①, ㎡) are normalised one by one (tests/test_ingest.py holds
    the definition, every cluster normalised, and compares the two)."""
    if unicodedata.is_normalized("NFKC", text):
        return text, src
    table: dict[int, str] = {}
    hard = []
    for c in set(text):
        norm = _nfkc_char(c)
        if unicodedata.combining(c) or len(norm) != 1:
            hard.append(c)
        elif norm != c:
            table[ord(c)] = norm
    if not hard:
        return text.translate(table), src
    out: list[str] = []
    osrc = array("q")
    n = len(text)
    done = 0            # text[:done] is in out
    for m in re.finditer("[" + re.escape("".join(sorted(hard))) + "]", text):
        p = m.start()
        if p < done:
            continue        # a combining mark of the cluster just normalised
        # the cluster holding p starts at its base, the last character up to p that is no
        # combining mark, or at done (a cluster starts there: the text's start or a character
        # that is no combining mark); the characters before it are clusters of one character
        i = p
        while i > done and unicodedata.combining(text[i]):
            i -= 1
        out.append(text[done:i].translate(table))
        osrc.extend(src[done:i])
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        norm = _nfkc_char(text[i]) if j == i + 1 else unicodedata.normalize("NFKC", text[i:j])
        out.append(norm)
        if len(norm) == 1:
            osrc.append(src[i])
        else:
            osrc.extend([src[i]] * len(norm))
        done = j
    out.append(text[done:].translate(table))
    osrc.extend(src[done:])
    return "".join(out), osrc


# --------------------------------------------------------------------------------------------
# web-page noise
# --------------------------------------------------------------------------------------------

def _tone_letters() -> str:
    """Lower-case Latin letters carrying a pinyin tone mark (macron, acute, caron, grave)."""
    out = []
    for base in "aeiouvnm\u00fc":
        for mark in "\u0304\u0301\u030c\u0300":
            c = unicodedata.normalize("NFC", base + mark)
            if len(c) == 1:
                out.append(c)
    return "".join(out)


_TONED = _tone_letters()
# A gloss: pinyin in brackets right after a Han character, with a tone mark: one syllable
# (``长(zhǎng)``, ``业(yè)``) or the syllables of a word, run together or spaced (``东京(dōngjīng)``,
# ``市长(shì zhǎng)``); a syllable without a tone mark is left alone (it may be a unit).
_PINYIN_GLOSS_RE = re.compile(
    rf"(?<=[{_HAN}])[(（](?=[a-z\u00fc{_TONED} ]*[{_TONED}])[a-z\u00fc{_TONED}][a-z\u00fc{_TONED} ]{{0,29}}[)）]")
# A gloss without tone marks (``局(ju)``, ``市(shi)``): one pinyin syllable of two letters or more
# in brackets right after a Han character.  Such a bracket may be a unit or a code too, so these
# are removed only from a document that has at least _TONELESS_GLOSSES_MIN of them (one that
# glosses its characters throughout).
# (a syllable without an initial opens with a, o or e: written pinyin has yi / wu / yu, not i / u / v)
_PINYIN_SYLLABLE = (r"(?:(?:zh|ch|sh|[bpmfdtnlgkhrzcsyw]|[jqx](?=[iuv\u00fc]))"
                    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|\u00fcan|ai|ei|ao|ou|an|en|"
                    r"in|un|vn|\u00fcn|ia|ie|iu|ua|uo|ui|ue|ve|\u00fce|er|a|o|e|i|u|v|\u00fc)"
                    r"|ang|eng|ai|ei|ao|ou|an|en|er|a|o|e)")
_PINYIN_WORD_RE = re.compile(rf"(?:{_PINYIN_SYLLABLE})+")
_TONELESS_GLOSS_RE = re.compile(rf"(?<=[{_HAN}])[(（](?=[a-z\u00fc]{{2}})(?:{_PINYIN_SYLLABLE})[)）]")
_TONELESS_GLOSSES_MIN = 3


def _is_pinyin_gloss(m: re.Match[str]) -> bool:
    """Whether a toned bracket of :data:`_PINYIN_GLOSS_RE` spells pinyin: each of its words,
    without its tone marks, a run of syllables (``(zhǎng)``, ``(dōngjīng)``; a syllable is any
    initial with any final, a loose test), so that a bracketed word with letter groups no
    syllable has stays (``(entrée)``, ``(protégé)``); one that happens to spell syllables
    (``(café)``) is still taken for a gloss."""
    plain = "".join(c for c in unicodedata.normalize("NFD", m.group()[1:-1])
                    if not unicodedata.combining(c) or c == "\u0308")
    plain = unicodedata.normalize("NFC", plain)
    return all(_PINYIN_WORD_RE.fullmatch(w) for w in plain.split())


# A tag left by scraping (``<p id="x">``, ``</td>``, ``<br/>``) and character references.
_HTML_TAG_RE = re.compile(
    r"</?[A-Za-z][A-Za-z0-9]{0,15}"
    r"(?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"<>\n]*\"|'[^'<>\n]*'|[^\s<>\"']+))?){0,20}"
    r"\s*/?>")
_HTML_REF_RE = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{2,6}|#x[0-9A-Fa-f]{2,5});")


# UTF-8 read as Latin-1 / Windows-1252: a lead byte of a 2-4 byte sequence (U+00C2-U+00F4) and
# the continuation bytes after it, as those code pages show them
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_RE = re.compile("(?:[\u00c2-\u00f4][\u0080-\u00bf" + _CP1252_HIGH + "]{1,3})+")


def _mojibake_bytes(run: str) -> bytes | None:
    out = bytearray()
    for ch in run:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))     # bytes cp1252 leaves undefined decode to C1 controls
    return bytes(out)


def _repair_lost_leads(text: str, src: array,
                       lost: tuple[re.Pattern[str], dict[str, str]] | None) -> tuple[str, array]:
    """A GBK character whose lead byte a mis-decoding upstream turned into ``?`` keeps its
    second byte when that is ASCII (縣 is BF 68: ``??h人大常委會`` for ``。縣人大常委會``, the
    punctuation before it lost too).  ``lost`` (:func:`_lost_leads`: ingest.tsv ``lost_lead``)
    maps such a trail letter to the character it stood for in the pages seen, written Simplified (县: a
    Traditional character put in would count towards reading the page as Traditional); the
    letter is replaced where two ASCII ``?`` stand before it and a Han character after it (one
    character for one: the map stays).  Run before NFKC, so that a full-width ``？`` a page
    writes never counts."""
    if lost is None or "??" not in text:
        return text, src
    rx, table = lost
    return rx.sub(lambda m: table[m.group()], text), src


def _repair_mojibake(text: str, src: array) -> tuple[str, array]:
    """Runs of UTF-8 that were decoded as Latin-1 / Windows-1252 (``æ¸æ¿`` for 湖北) are
    decoded again.  A text is read as such when one run gives at least two Han characters; then
    every run that decodes to Han characters, punctuation and symbols (U+2000 on), Latin-1
    symbols or accented Latin letters (25°C) is, the single characters between digits and the
    punctuation too (``2024å¹´`` for 2024年, ``â€œ`` for “), which alone would be too weak a
    sign; not one that gives another script (``×“`` is Hebrew ד).  Each repaired character maps
    to the first character of its byte sequence."""
    if not any("\u00c2" <= ch <= "\u00f4" for ch in text):
        return text, src
    runs: list[tuple[int, int, str]] = []
    sure = False
    for m in _MOJIBAKE_RE.finditer(text):
        raw = _mojibake_bytes(m.group())
        if raw is None:
            continue
        try:
            fixed = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        han = sum(1 for ch in fixed if _is_han(ch))
        sure = sure or han >= 2
        # a run that gives another script (3×“A” reads as 3דA”, Hebrew) is Latin text
        if han or all(ch >= "\u2000" or "\u00a0" <= ch <= "\u024f" for ch in fixed):
            runs.append((m.start(), m.end(), fixed))
    if not sure:
        return text, src
    out: list[str] = []
    osrc = array("q")
    pos = 0
    for start, end, fixed in runs:
        out.append(text[pos:start])
        osrc.extend(src[pos:start])
        k = start
        for ch in fixed:            # one character of the run per byte
            out.append(ch)
            osrc.append(src[k])
            k += len(ch.encode("utf-8"))
        pos = end
    out.append(text[pos:])
    osrc.extend(src[pos:])
    return "".join(out), osrc


# Markdown left in a page's text (a page converted to Markdown, or a .md file): links [X](url)
# and images ![X](url) (see _markdown_marks: 访问！[X](url) is a link after a full stop, which NFKC
# made !); a line in bold is a heading (_MD_BOLD_LINE_RE, _clean_line)
_MD_LINK_RE = re.compile(r"(!?)\[([^\[\]\n]{0,200})\]\(((?:https?://|/|\./|#)[^()\s]*)\)")
_IMAGE_FILE = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp")


def _markdown_marks(text: str) -> set[int]:
    """Positions of Markdown's link marks: the brackets and the address of a link (its text
    stays), a whole image."""
    drop: set[int] = set()
    for m in _MD_LINK_RE.finditer(text):
        # an image (nothing of it is text): ! at a line's start or after a space, or before an
        # empty text or an image file; else the ! is a full stop NFKC made of ！
        bang = m.group(1)
        if bang and (m.start() == 0 or text[m.start() - 1].isspace() or not m.group(2)
                     or m.group(3).lower().endswith(_IMAGE_FILE)):
            drop.update(range(m.start(), m.end()))
        else:
            drop.add(m.start(2) - 1)                     # [
            drop.update(range(m.end(2), m.end()))
    return drop


def _is_noise_char(ch: str) -> bool:
    """Characters a name must never keep: format (Cf: zero-width space/joiners, word joiner,
    soft hyphen, BOM, bidi marks) and control characters other than line breaks and tabs, and
    emoji (the pictographs from U+1F000, their variation selectors and the keycap mark: 👍 of a
    social-media post; not the dingbats ★ ☆, which the rules read as bullets)."""
    if ch in "\n\t":
        return False
    if ch >= "\U0001f000" and ch <= "\U0001faff" or ch in "\ufe0e\ufe0f\u20e3":
        return True
    cat = unicodedata.category(ch)
    return cat == "Cf" or cat == "Cc"


def _strip_noise(text: str, src: array) -> tuple[str, array]:
    """Delete web-page noise with the offset map kept (each kept character keeps its source
    index, so evidence still points at the user's characters)."""
    # (speed) the text's distinct characters tested, then the positions of the noisy ones
    noise = "".join(sorted(ch for ch in set(text) if _is_noise_char(ch)))
    if noise:
        drop = {m.start() for m in re.finditer("[" + re.escape(noise) + "]", text)}
        text, src = _delete_positions(text, src, drop)
    if "<" in text:
        text, src = _sub(text, src, _HTML_TAG_RE)
    if "](" in text:
        text, src = _delete_positions(text, src, _markdown_marks(text))
    if "&" in text:
        text, src = _sub(text, src, _HTML_REF_RE, " ")
    if "(" in text or "（" in text:
        text, src = _sub(text, src, _PINYIN_GLOSS_RE, accept=_is_pinyin_gloss)
        glosses = _TONELESS_GLOSS_RE.finditer(text)
        if sum(1 for _ in itertools.islice(glosses, _TONELESS_GLOSSES_MIN)) >= _TONELESS_GLOSSES_MIN:
            text, src = _sub(text, src, _TONELESS_GLOSS_RE)
    return text, src


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    return _t2s().convert(ch) or ch


def _traditional_stats(text: str) -> tuple[int, int]:
    """(Han characters that t2s changes one by one, Han characters); (speed) counted per
    distinct character."""
    changed = han = 0
    for ch, k in Counter(text).items():
        if _is_han(ch):
            han += k
            if _t2s_char(ch) != ch:
                changed += k
    return changed, han


def _is_traditional(changed: int, han: int) -> bool:
    return (changed >= 2 and changed >= 0.04 * han) or (changed >= 1 and changed >= 0.5 * han)


def _stray_to_simplified(text: str, keep: frozenset[str] = frozenset()) -> str:
    """A Simplified text's stray Traditional characters (总书記, 內蒙古) made Simplified, one by
    one: only characters outside GB2312's standard simplified set that t2s changes into one
    character, so no Simplified character moves (乾县 stays, which t2s would make 干县), and none
    of ``keep`` (standard characters outside GB2312: 昇 of 昇腾)."""
    gb = _gb2312_han()
    # (speed, memory) decided per distinct character and applied by str.translate: a list of the
    # characters of one line of 10 MB took ~75 bytes a character
    table = {}
    for ch in set(text):
        if _is_han(ch) and ch not in gb and ch not in keep:
            c = _t2s_char(ch)
            if c != ch and len(c) == 1:
                table[ord(ch)] = c
    return text.translate(table) if table else text


def _to_simplified(text: str, src: array) -> tuple[str, array]:
    """Convert Traditional characters to Simplified keeping the offset map.

    Converts paragraph by paragraph with OpenCC's phrase tables; a paragraph whose conversion
    changes its length is converted character by character instead, so the map stays exact.
    """
    cc = _t2s()
    out: list[str] = []
    osrc = array("q")
    pos = 0
    for para in text.split("\n"):
        seg_src = src[pos:pos + len(para)]
        conv = cc.convert(para) if para else para
        if len(conv) == len(para):
            out.append(conv)
            osrc.extend(seg_src)
        else:
            for k, ch in enumerate(para):
                c = _t2s_char(ch)
                out.append(c)
                osrc.extend([seg_src[k]] * len(c))
        pos += len(para)
        if pos < len(text):     # the "\n"
            out.append("\n")
            osrc.append(src[pos])
            pos += 1
    return "".join(out), osrc


# --------------------------------------------------------------------------------------------
# per-line cleaning
# --------------------------------------------------------------------------------------------

# around a padded two-character name in a list (、王　伟、, ：王　伟): the marks before, after (as
# NFKC leaves them: ，：； are , : ; by then)
_PAD_BEFORE = frozenset("、,:;(")
_PAD_AFTER = frozenset("、,。;)")


def _letterspaced_drops(text: str) -> set[int]:
    """Positions of spaces inside letter-spaced CJK (``政 府 工 作``, ``协 作 ,进 出``) and
    inside two-character names padded to the width of three in lists (``王　伟``).

    A token is what stands between spaces and the line's edges.  A space between two non-ASCII
    characters is dropped when at least one of the neighbouring tokens is a single character;
    phrase separators between multi-character words (``同呼吸 共命运``) are kept, and so are the
    spaces around a run of exactly two single Han tokens between two words of two Han characters
    or more at their edges (``李建国　王　伟　张三丰``: a padded name, which is not letter
    spacing), or one such word and the line's end.  A space between two Han characters that
    stand alone between list marks (``、王　伟、``, ``：王　伟``) is dropped too.
    """
    drops: set[int] = set()
    n = len(text)

    def single(j: int) -> bool:
        return (j == 0 or text[j - 1] == " ") and (j == n - 1 or text[j + 1] == " ")

    def padded(lo: int, hi: int) -> bool:
        """Whether the single tokens at ``lo`` and ``hi = lo + 2`` are the only single ones
        between two words with two Han characters at their edge (or one and the line's end:
        记者 王　伟; a line's start is letter spacing as before: 政 府 工作报告; 名单：王 伟 刘 强
        too)."""
        if lo < 0 or hi >= n or not (single(lo) and single(hi) and _is_han(text[lo]) and _is_han(text[hi])):
            return False
        return (lo >= 3 and _is_han(text[lo - 2]) and _is_han(text[lo - 3])
                and (hi == n - 1 or hi + 3 < n and _is_han(text[hi + 2]) and _is_han(text[hi + 3])))

    for i, ch in enumerate(text):
        if ch != " " or i == 0 or i == n - 1:
            continue
        a, b = text[i - 1], text[i + 1]
        if a == " " or b == " " or a.isascii() and a.isalnum() or b.isascii() and b.isalnum():
            continue
        if a.isascii() and b.isascii():
            continue
        if not (_is_han(a) or _is_han(b)):
            continue
        left_single, right_single = single(i - 1), single(i + 1)
        if left_single and not right_single:
            if not padded(i - 3, i - 1):
                drops.add(i)
        elif right_single and not left_single:
            if not padded(i + 1, i + 3):
                drops.add(i)
        elif left_single:
            drops.add(i)
        elif _is_han(a) and _is_han(b) and text[i - 2] in _PAD_BEFORE and text[i + 2] in _PAD_AFTER:
            drops.add(i)
    return drops


def _is_terminal(text: str) -> bool:
    """Does the line end a sentence (terminator, possibly followed by closing quotes)?"""
    i = len(text) - 1
    while i >= 0 and text[i] in _CLOSERS:
        i -= 1
    if i < 0:
        return False
    ch = text[i]
    if ch in _TERMINATORS:
        return True
    if ch == ".":       # a single full stop after a word (not a decimal point, not an ellipsis)
        return i > 0 and not text[i - 1].isdigit() and text[i - 1] != "."
    return False


def _punct_stats(text: str) -> tuple[int, bool]:
    """(number of in-sentence punctuation marks, is there a terminator before the line end)."""
    n = 0
    inside = False
    last = len(text) - 1
    while last >= 0 and (text[last] in _CLOSERS or text[last] in _TERMINATORS):
        last -= 1
    for i, ch in enumerate(text):
        if ch in _PUNCT:
            if ch == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue        # 1,000
            n += 1
            if ch in _TERMINATORS and i < last:
                inside = True
    return n, inside


def _clean_line(raw: str, src: array, end: int) -> _Line:
    text = raw
    line = _Line("", array("q"), end)
    line.indented = bool(text) and text[0] in " \t\u3000"
    if _MD_HEADING_RE.match(text):
        line.heading = True
        text, src = _sub(text, src, _MD_HEADING_RE)
    elif "**" in text:
        m = _MD_BOLD_LINE_RE.match(text)
        if m:
            line.heading = True
            a, b = m.start(1), m.start(2)
            text, src = _delete_positions(text, src, {a, a + 1, b, b + 1})
    # page-jump markers
    if _JUMP_BARE_LINE_RE.match(text):
        line.jump_only = True
        return line
    if "版" in text or "页" in text or "面" in text:
        stripped = text.strip()
        matches = list(_JUMP_BRACKETED_RE.finditer(stripped))
        if matches:
            for m in matches:
                marker = m.group(0)
                # 下转/转第: the text continues elsewhere, so nothing after it continues this line
                if "下" in marker or ("转" in marker and "接" not in marker) or m.end() == len(stripped):
                    line.jump_after = True
                if m.start() == 0:
                    line.jump_before = True
            text, src = _sub(text, src, _JUMP_BRACKETED_RE)
            if not text.strip():
                line.jump_only = True
                return line
    # whitespace: none at the line's edges, one space for a run inside it; cells (a tab between
    # two of them) stay apart: the tab is kept through the space deletions below (2<TAB>A公司 is
    # no 2A公司), then written as a space
    k = len(text) - len(text.lstrip())
    text, src = text[k:], src[k:]
    k = len(text.rstrip())
    text, src = text[:k], src[:k]
    if "\t" in text:
        text, src = _sub(text, src, _CELL_SEP_RE, "\t")
        line.cells = text.count("\t")
    text, src = _sub(text, src, _WS_NO_TAB_RE if line.cells else _WS_RE, " ")
    if " " in text:
        text, src = _delete_positions(text, src, _letterspaced_drops(text))
        text, src = _sub(text, src, _NUM_SPACE_RE)
    if line.cells:
        text = text.replace("\t", " ")
    line.text = text
    line.src = src
    line.n_punct, line.term_inside = _punct_stats(text)
    line.terminal = _is_terminal(text)
    line.width = _width(text)
    return line


# --------------------------------------------------------------------------------------------
# re-joining hard-wrapped lines
# --------------------------------------------------------------------------------------------

def _starts_block(line: _Line, use_indent: bool, dateline: re.Pattern[str]) -> bool:
    """Does this line visibly start something new (heading, list item, byline, subtitle)?"""
    t = line.text
    if line.heading or line.jump_before or (use_indent and line.indented):
        return True
    if t[0] in _LINE_MARKERS or _DASH_START_RE.match(t) or _ENUM_RE.match(t) or dateline.match(t):
        return True
    return False


class _Para:
    """Running statistics of the paragraph being assembled from joined lines."""

    __slots__ = ("n_punct", "term_inside", "width", "marked")

    def __init__(self, first: _Line):
        self.n_punct = 0
        self.term_inside = False
        self.width = 0
        t = first.text
        # a byline/subtitle/list line (——访..., ●本报记者...) never continues across a blank line
        self.marked = t[0] in _LINE_MARKERS or bool(_DASH_START_RE.match(t))

    def add(self, ln: _Line) -> None:
        self.n_punct += ln.n_punct
        self.term_inside = self.term_inside or ln.term_inside
        self.width += ln.width

    def running_text(self) -> bool:
        """Does the paragraph read as running text rather than a headline?"""
        return self.term_inside or self.n_punct >= 1


def _is_wrap(a: _Line, b: _Line, blank_between: bool, wrap_width: float, use_indent: bool,
             para: _Para, dateline: re.Pattern[str], credit_end: re.Pattern[str]) -> bool:
    """Is the line break between ``a`` and the next non-blank line ``b`` a hard wrap?

    A break is a wrap when ``a`` does not end a sentence (no terminator at its end), neither
    line is a heading, list item, byline or dateline, ``a`` ends in no photo credit (``credit_end``:
    ``… 王世保 摄``), and the text reads as running text:

    * adjacent lines: ``a`` contains punctuation, or its paragraph does, or ``a`` fills the
      column (display width at least 75% of the typical width of the lines around it);
    * across blank lines (column/page breaks in newspaper layouts): the paragraph so far
      reads as running text (it has in-sentence punctuation; a colon alone does not count,
      headlines use it), it is not a byline/subtitle, and ``b`` contains punctuation or fills
      the column.
    """
    if a.terminal or a.heading or a.jump_after or a.table_row or b.table_row or credit_end.search(a.text):
        return False
    if _starts_block(b, use_indent, dateline):
        return False
    if a.text[-1] in _LINE_MARKERS:
        return False
    full = a.width >= 0.75 * wrap_width
    # a short line ending in "<title> <name>" is a roster line ("区发改委主任 李文涛",
    # "主持人：新闻办主任 方静"): never wrapped into the next one,
    # nor a short line followed by a labelled one ("时间：…", "地点：…", "方静：…")
    if not full and (_ROSTER_END_RE.search(a.text) or _LABEL_START_RE.match(b.text)):
        return False
    if blank_between:
        if para.marked or not para.running_text():
            return False
        return b.n_punct > 0 or b.width >= 0.75 * wrap_width
    return a.n_punct > 0 or para.n_punct > 0 or full


def _local_widths(lines: list[_Line], radius: int = 8) -> dict[int, float]:
    """Typical width of a full line around each line (keyed by id(line)).

    Newspaper pages mix columns of different widths, so the width a line is compared with is
    the 75th percentile of the widths of the non-empty lines within ``radius`` lines of it.
    """
    widths = [l.width for l in lines]
    result: dict[int, float] = {}
    for i, ln in enumerate(lines):
        window = sorted(widths[max(0, i - radius): i + radius + 1])
        result[id(ln)] = float(window[int(0.75 * (len(window) - 1))]) if window else 0.0
    return result


# --------------------------------------------------------------------------------------------
# building the analysis text
# --------------------------------------------------------------------------------------------

def _lost_leads(lexicon: Lexicon | None = None) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """(the pattern of a trail letter after two ``?`` and before a Han character, trail letter
    -> character), from ``ingest.tsv`` of ``lexicon``, kind ``lost_lead`` (each value the ASCII
    trail byte, then the one character: checked when the lexicon is read), built once per
    lexicon; None without rows.  See :func:`_repair_lost_leads`."""
    lex = lexicon if lexicon is not None else _default_lexicon()

    def make() -> tuple[re.Pattern[str], dict[str, str]] | None:
        table = {v[0]: v[1:] for v in lex.words("ingest", "lost_lead")}
        if not table:
            return None
        return re.compile(r"(?<=\?\?)[" + re.escape("".join(table)) + "](?=[" + _HAN + "])"), table
    return lex.cached(("ingest", "lost_lead"), make)


def _simplified_keep(lexicon: Lexicon | None = None) -> frozenset[str]:
    """The standard Simplified characters outside GB2312 that t2s would change (昇 -> 升):
    ``ingest.tsv`` of ``lexicon``, kind ``simplified_keep``."""
    lex = lexicon if lexicon is not None else _default_lexicon()
    return lex.word_set("ingest", "simplified_keep")


_QUOTE_MARKS = str.maketrans("「」『』", "“”“”")
_HALF_CLOSED_RE = re.compile('(“[^“”"\n]{1,40})"')
_HALF_OPENED_RE = re.compile('"([^“”"\n]{1,40}”)')


def _variants(lexicon: Lexicon | None = None) -> dict[int, str]:
    """The ``str.translate`` table of ``ingest.tsv``'s ``variant`` rows (衞 -> 卫), made once per
    lexicon."""
    lex = lexicon if lexicon is not None else _default_lexicon()
    return lex.cached(("ingest", "variant"), lambda: {ord(v[0]): v[1] for v in lex.words("ingest", "variant")})


def _build(original: str, dateline: re.Pattern[str], credit_end: re.Pattern[str],
           keep: frozenset[str] = frozenset(),
           lost_leads: tuple[re.Pattern[str], dict[str, str]] | None = None,
           variants: dict[int, str] | None = None) -> tuple[str, array, bool]:
    # (memory) every offset map is an array of 8-byte ints, not a list of int objects (~36 bytes a
    # character): one line of 30 MB passes through several maps at once
    src = array("q", range(len(original)))
    # mojibake first: UTF-8 read as Latin-1 holds U+0085 (a line break) for every byte 0x85
    # (先 is E5 85 88), which the line breaks below would split
    text, src = _repair_mojibake(original, src)
    text, src = _sub(text, src, _NEWLINES_RE, "\n")
    text, src = _repair_lost_leads(text, src, lost_leads)
    text, src = _nfkc(text, src)
    text, src = _strip_noise(text, src)
    # Convert only text that is Traditional: t2s is not the identity on every Simplified text
    # (乾县 -> 干县), so in a Simplified document only the stray Traditional characters that no
    # Simplified text writes are converted (总书記), each to one character (the map stays).
    changed, han = _traditional_stats(text)
    traditional = _is_traditional(changed, han)
    if traditional:
        text, src = _to_simplified(text, src)
    elif changed:           # (no character t2s changes: none to convert, no second pass)
        text = _stray_to_simplified(text, keep)
    # the variant forms t2s leaves (衞生 -> 卫生), in either script; one character for one
    if variants and any(chr(k) in text for k in variants):
        text = text.translate(variants)
    # corner brackets are the quotation marks of Hong Kong and Taiwan (『』 inside 「」; People's
    # Daily 1998 writes 『』 alone): the ones of the Mainland text the models and rules read
    # (「清风行动」, 『清风行动』 -> “清风行动”), one for one
    if any(q in text for q in "「」『』"):
        text = text.translate(_QUOTE_MARKS)
    # a straight quote closing a “ (or opening a ”) on its line is its pair (“清风行动2031"), one
    # for one
    if '"' in text and ("“" in text or "”" in text):
        text = _HALF_CLOSED_RE.sub(r"\1”", text)
        text = _HALF_OPENED_RE.sub(r"“\1", text)

    # physical lines
    lines: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        seg = src[pos:pos + len(raw)]
        end = src[pos + len(raw)] if pos + len(raw) < len(src) else len(original)
        lines.append(_clean_line(raw, seg, end))
        pos += len(raw) + 1
    # a table row: a line of three cells or more, or of two next to another line with cells (a
    # stray tab in running text makes no row)
    content_lines = [ln for ln in lines if ln.text]
    for k, ln in enumerate(content_lines):
        ln.table_row = ln.cells >= 2 or (ln.cells == 1 and (
            (k > 0 and content_lines[k - 1].cells > 0)
            or (k + 1 < len(content_lines) and content_lines[k + 1].cells > 0)))

    # blocks (blank-line separated) -> drop duplicates
    blocks: list[list[_Line]] = []
    cur: list[_Line] = []
    for ln in lines:
        if ln.jump_only:
            if cur:
                blocks.append(cur)
                cur = []
            blocks.append([ln])
        elif not ln.text:
            if cur:
                blocks.append(cur)
                cur = []
        else:
            cur.append(ln)
    if cur:
        blocks.append(cur)

    kept: list[list[_Line]] = []
    seen: set[str] = set()
    prev_key = ""
    for blk in blocks:
        if blk[0].jump_only:
            kept.append(blk)
            continue
        key = "".join(l.text for l in blk).replace(" ", "")
        dup = (len(key) >= 10 and key in seen) or (len(key) >= 20 and prev_key.endswith(key))
        if dup:
            kept.append([])         # a hard boundary
            continue
        seen.add(key)
        prev_key = key
        kept.append(blk)

    content = [l for blk in kept for l in blk if l.text]
    local_width = _local_widths(content)
    indented = sum(1 for l in content if l.indented)
    use_indent = indented <= 0.5 * max(1, len(content))

    # walk the lines, joining wraps
    out: list[str] = []
    osrc = array("q")
    prev: _Line | None = None
    para: _Para | None = None
    for blk in kept:
        if not blk or blk[0].jump_only:
            prev = None         # hard boundary: page jump or dropped duplicate
            continue
        for k, ln in enumerate(blk):
            if prev is not None and para is not None and _is_wrap(
                    prev, ln, k == 0, local_width[id(prev)], use_indent, para, dateline, credit_end):
                if prev.text[-1].isascii() and prev.text[-1].isalpha() and ln.text[0].isascii() and ln.text[0].isalpha():
                    out.append(" ")
                    osrc.append(prev.end)
            else:
                if out:
                    out.append("\n")
                    osrc.append(prev.end if prev is not None else osrc[-1])
                para = _Para(ln)
            out.append(ln.text)
            osrc.extend(ln.src)
            para.add(ln)
            prev = ln
    result = "".join(out)
    # defensive: the map must be monotone-friendly and in range
    n = len(original)
    if osrc and (min(osrc) < 0 or max(osrc) > n):
        osrc = array("q", (min(max(0, i), n) for i in osrc))
    osrc.append(n)
    return result, osrc, traditional


# --------------------------------------------------------------------------------------------
# sentences
# --------------------------------------------------------------------------------------------

_MAX_SENTENCE = 250
_SOFT_BREAKS = set(",，、:：")


def split_sentences(text: str, doc_id: str) -> list[Sentence]:
    """Split the analysis text into sentences.

    Boundaries: line ends; 。！？!?；; (with the closing quotes/brackets that follow them);
    never inside 《》 book titles.  Sentences longer than 250 characters are cut at the last
    comma-like mark before the limit (the NER model reads at most ~500 tokens).
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    depth = 0
    i = 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            spans.append((start, i))
            start = i + 1
            depth = 0
        elif ch == "《":
            depth += 1
        elif ch == "》":
            depth = max(0, depth - 1)
        elif ch in _TERMINATORS and depth == 0:
            j = i + 1
            while j < n and (text[j] in _TERMINATORS or text[j] in _CLOSERS or text[j] == "."):
                if text[j] == "》":
                    break
                j += 1
            spans.append((start, j))
            start = j
            i = j
            continue
        i += 1
    spans.append((start, n))

    result: list[Sentence] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        while e - s > _MAX_SENTENCE:
            cut = -1
            for k in range(s + _MAX_SENTENCE - 1, s + _MAX_SENTENCE // 3, -1):
                if text[k] in _SOFT_BREAKS:
                    cut = k + 1
                    break
            if cut < 0:
                cut = s + _MAX_SENTENCE
            result.append(Sentence(doc_id, len(result), s, cut, text[s:cut]))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if e > s:
            result.append(Sentence(doc_id, len(result), s, e, text[s:e]))
    return result


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------

def _make_document(doc_id: str, path: str, original: str, encoding: str, sha: str,
                   lexicon: Lexicon | None = None) -> Document:
    text, offsets, traditional = _build(original, _dateline_re(lexicon), _credit_end_re(lexicon),
                                        _simplified_keep(lexicon), _lost_leads(lexicon), _variants(lexicon))
    doc = Document(
        id=doc_id, path=path, original=original, text=text, offsets=offsets,
        encoding=encoding, sha256=sha, traditional=traditional,
    )
    doc.sentences = split_sentences(text, doc_id)
    return doc


def prepare_text(raw: str, doc_id: str = "text", lexicon: Lexicon | None = None) -> Document:
    """Build a Document (analysis text, offsets, sentences) from an in-memory string, with the
    ingest words of ``lexicon`` (None: the default lexicon)."""
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return _make_document(doc_id, doc_id, raw, "utf-8", sha, lexicon)


def decode_bytes(raw: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode raw file bytes; returns (text, encoding).  Raises InputError."""
    text, enc = _decode(raw, path)
    _check_text(text, path)
    return text, enc


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """``path`` as valid Unicode text: the bytes of a file name that is not valid UTF-8 are shown
    as ``\\xNN`` (``caf\\xe9.txt``), so the name can be written to JSON, Turtle and terminals."""
    s = os.fspath(path)
    if isinstance(s, bytes):
        return s.decode("utf-8", "backslashreplace")
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return os.fsencode(s).decode("utf-8", "backslashreplace")


#: files larger than this (bytes) are refused by default (``kg build --max-file-size``, in MB)
DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024

_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISDIR, "a directory"))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.3g} MB"


def _read_regular_file(p: Path, spath: str, max_size: int | None) -> bytes:
    """The bytes of a regular file of at most ``max_size`` bytes; InputError otherwise.

    The file is opened without blocking (a FIFO does not hang the read) and checked with fstat
    on the open descriptor, so a file swapped for a pipe or device after the walk is caught too.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise InputError(spath, "no such file" if not p.is_symlink() else "broken symbolic link") from None
    except OSError as e:
        raise InputError(spath, f"cannot read file: {e.strerror or e}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise InputError(spath, "is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            kind = next((name for test, name in _FILE_KINDS if test(st.st_mode)), "not a plain file")
            raise InputError(spath, f"not a regular file ({kind})")
        if max_size is not None and st.st_size > max_size:
            raise InputError(spath, f"file too large: {_mb(st.st_size)}, over the limit of {_mb(max_size)} "
                                    f"(raise it with --max-file-size)")
        try:
            raw = fh.read() if max_size is None else fh.read(max_size + 1)
        except OSError as e:
            raise InputError(spath, f"cannot read file: {e.strerror or e}") from None
    if max_size is not None and len(raw) > max_size:
        raise InputError(spath, f"file too large: over the limit of {_mb(max_size)} while reading "
                                f"(raise it with --max-file-size)")
    return raw


def load_document(path: str | os.PathLike[str], doc_id: str | None = None, *,
                  max_file_size: int | None = DEFAULT_MAX_FILE_SIZE,
                  lexicon: Lexicon | None = None) -> Document:
    """Read, decode and prepare one file.  Raises InputError naming the file and the problem.

    Only regular files are read (not FIFOs, devices, sockets), of at most ``max_file_size``
    bytes (None: no limit).  ``lexicon``: whose ingest words to use (None: the default)."""
    p = Path(path)
    spath = display_path(p)
    if not p.exists() and not p.is_symlink():
        raise InputError(spath, "no such file")
    raw = _read_regular_file(p, spath, max_file_size)
    text, enc = decode_bytes(raw, spath)
    sha = hashlib.sha256(raw).hexdigest()
    return _make_document(doc_id or display_path(p.name), spath, text, enc, sha, lexicon)


def _inside(target: Path, root: Path) -> bool:
    try:
        target.relative_to(root)
        return True
    except ValueError:
        return False


def _walk(root: Path, on_error: Callable[[InputError], None] | None = None) -> list[Path]:
    """The .txt/.md files under ``root`` (hidden entries skipped).  Directories that cannot be
    read and symbolic links that are not followed (to a directory, or to a file outside
    ``root``) are reported through ``on_error``, never skipped silently."""
    report = on_error or (lambda err: log.warning("skipping %s", err))
    real_root = root.resolve()
    found: list[Path] = []

    def walk_error(e: OSError) -> None:
        where = display_path(e.filename) if e.filename is not None else display_path(root)
        report(InputError(where, f"cannot read directory: {e.strerror or e}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=walk_error):
        keep = []
        for d in sorted(dirnames):
            if d.startswith("."):
                continue
            full = Path(dirpath) / d
            if full.is_symlink():
                report(InputError(display_path(full), "symbolic link to a directory (not followed; "
                                                      "give the target directory instead)"))
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in filenames:
            if f.startswith(".") or not f.lower().endswith(SUFFIXES):
                continue
            full = Path(dirpath) / f
            if full.is_symlink():
                target = Path(os.path.realpath(full))
                if not _inside(target, real_root):
                    report(InputError(display_path(full), f"symbolic link to {display_path(target)}, "
                                                          f"outside the corpus (not followed)"))
                    continue
            found.append(full)
    return sorted(found, key=lambda q: q.relative_to(root).as_posix())


def iter_corpus_files(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
                      on_error: Callable[[InputError], None] | None = None) -> list[tuple[Path, str]]:
    """(file, doc id) pairs for the given files/directories, in reading order.  Problems met while
    walking (unreadable directories, links not followed) go to ``on_error`` (else the log)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    pairs: list[tuple[Path, str]] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            pairs.extend((f, display_path(f.relative_to(p).as_posix())) for f in _walk(p, on_error))
        elif p.exists() or p.is_symlink():
            pairs.append((p, display_path(p.name)))
        else:
            raise InputError(display_path(p), "no such file or directory")
    return pairs


def scan_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    max_file_size: int | None = DEFAULT_MAX_FILE_SIZE,
) -> list[tuple[str, str, str] | InputError]:
    """What :func:`read_corpus` would read, without decoding: for each file in reading order
    ``(doc id, display path, sha256 of its raw bytes)``, or the :class:`InputError` of a file
    that cannot be read (size, kind) or of the walk, in the order read_corpus meets them.  Nothing
    is reported.  ``read_corpus`` is a function of this list (decoding is a function of the bytes),
    so an unchanged list means an unchanged corpus (the build manifest, kg/pipeline.py)."""
    items: list[tuple[str, str, str] | InputError] = []
    for f, doc_id in iter_corpus_files(paths, on_error=items.append):
        p = Path(f)
        spath = display_path(p)
        try:
            if not p.exists() and not p.is_symlink():
                raise InputError(spath, "no such file")
            raw = _read_regular_file(p, spath, max_file_size)
        except InputError as err:
            items.append(err)
            continue
        items.append((doc_id, spath, hashlib.sha256(raw).hexdigest()))
    return items


def read_corpus(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    on_error: Callable[[InputError], None] | None = None,
    *,
    max_file_size: int | None = DEFAULT_MAX_FILE_SIZE,
    lexicon: Lexicon | None = None,
) -> list[Document]:
    """Read every ``.txt``/``.md`` file under ``paths`` (files or directories).

    Directories are walked recursively in sorted order (hidden entries skipped); doc.id is the
    path relative to the directory given, or the file name for a file given directly (a name
    that is not valid UTF-8 shows its bytes as ``\\xNN``).  A file that cannot be used is passed
    to ``on_error`` as an :class:`InputError` (logged as a warning when ``on_error`` is None)
    and skipped; so are directories that cannot be read.  Only regular files of at most
    ``max_file_size`` bytes are read; symbolic links are followed only to files inside the
    directory given.  A path that does not exist raises InputError.  ``lexicon``: whose ingest
    words (``ingest.tsv``) to use; None: the default lexicon.
    """
    def report(err: InputError) -> None:
        if on_error is not None:
            on_error(err)
        else:
            log.warning("skipping %s", err)

    docs: list[Document] = []
    ids: set[str] = set()
    for f, doc_id in iter_corpus_files(paths, on_error=report):
        try:
            if doc_id in ids:
                raise InputError(display_path(f), f"duplicate document id {doc_id!r} (another file has the same relative path)")
            doc = load_document(f, doc_id, max_file_size=max_file_size, lexicon=lexicon)
        except InputError as err:
            report(err)
            continue
        ids.add(doc_id)
        docs.append(doc)
    return docs


__all__ = [
    "DEFAULT_MAX_FILE_SIZE", "SUFFIXES", "decode_bytes", "display_path", "iter_corpus_files",
    "load_document", "prepare_text", "read_corpus", "scan_corpus", "split_sentences",
]
