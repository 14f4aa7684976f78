"""Character classes shared by ingest, the relation rules and resolution: one definition of a
Han character (the CJK Unified Ideographs with extension A, the compatibility block and the
supplementary-plane extensions B-H, where rare place and person names live)."""

from __future__ import annotations

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))

# the same ranges as a regular-expression character class body ("[" + HAN_CLASS + "]")
HAN_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"


def is_han(ch: str) -> bool:
    """Whether ``ch`` (one character; the empty string, as at a text's edge, is not Han) is a
    Han character."""
    if "\u4e00" <= ch <= "\u9fff":
        return True
    if len(ch) != 1:
        return False
    o = ord(ch)
    if o < 0x3400:
        return False
    return any(lo <= o <= hi for lo, hi in HAN_RANGES)
