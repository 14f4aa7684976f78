"""The documents' original (decoded) texts next to a built graph, for evidence views.

Facts carry ``orig_start``/``orig_end``: offsets into the *decoded original* of their document
(``Document.original``), not into the analysis text and not into the raw bytes.  To show an
evidence span in its page, ``kg serve`` needs exactly that string.

Choice: ``kg build`` writes every document's decoded original to
``OUT/originals/<sha256>.txt`` (UTF-8), where ``<sha256>`` is the hash of the file's raw bytes
that the graph's Document node already carries (``sha256``).  The store is content-addressed,
so it can never disagree with the graph that points into it: a changed file has a new hash and a
new entry; entries no longer referenced are removed at the end of the build.  ``OUT/`` is then
self-contained (the server does not need the corpus, its paths or kg's decoder).  The text is
the decoder's output, so the offsets hold even for GB18030/Big5 files or files with a BOM.

Fallback for a graph built before the store existed: read the Document node's ``path``,
check the raw bytes' sha256 against the node and decode them with kg's decoder
(:func:`kg.ingest.decode_bytes`); if the file is gone or changed, the original is unavailable
(:class:`OriginalUnavailable`) rather than wrong.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .graph import atomic_write_text, sync_filesystem
from .model import Document, KgError

STORE_DIR = "originals"
_NAME = re.compile(r"^[0-9a-f]{64}\.txt$")


class OriginalUnavailable(KgError):
    """The original text of a document cannot be had (missing or changed since the build)."""


def write_originals(docs: Iterable[Document], store: str | os.PathLike) -> Path:
    """Write each document's decoded original to ``store/<sha256>.txt`` (unchanged entries are
    left alone).  Entries of other documents are kept: :func:`prune_originals` removes them."""
    root = Path(store)
    root.mkdir(parents=True, exist_ok=True)
    written = 0
    for d in docs:
        if not re.fullmatch(r"[0-9a-f]{64}", d.sha256 or ""):
            continue
        p = root / f"{d.sha256}.txt"
        if p.exists():
            try:
                if p.read_text(encoding="utf-8") == d.original:
                    continue
            except (OSError, UnicodeDecodeError):
                pass
        # (speed) not fsynced one by one: one sync of the filesystem below, before the build's
        # outputs are committed.  A crash before it may leave a new entry torn, but no committed
        # graph points at a new entry yet, and a torn one is rewritten by the next build (above)
        atomic_write_text(p, d.original, fsync=False)
        written += 1
    if written:
        sync_filesystem(root)
    return root


def prune_originals(store: str | os.PathLike, keep: Iterable[str]) -> int:
    """Remove the entries of ``store`` whose hash is not in ``keep``; returns how many."""
    root = Path(store)
    wanted = {f"{h}.txt" for h in keep}
    removed = 0
    if root.is_dir():
        for p in root.iterdir():
            if _NAME.match(p.name) and p.name not in wanted:
                p.unlink(missing_ok=True)
                removed += 1
    return removed


def read_original(out_dir: str | os.PathLike, doc_node: dict) -> str:
    """The decoded original of the Document node ``doc_node`` (attrs of graph.json) of the graph
    in ``out_dir``.  Raises :class:`OriginalUnavailable`."""
    sha = str(doc_node.get("sha256") or "")
    name = doc_node.get("name") or doc_node.get("id") or "?"
    chars = doc_node.get("chars")
    if re.fullmatch(r"[0-9a-f]{64}", sha):
        p = Path(out_dir) / STORE_DIR / f"{sha}.txt"
        if p.is_file():
            try:
                text = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise OriginalUnavailable(f"{p}: cannot read the stored original ({e})") from None
            if chars is None or len(text) == int(chars):
                return text
            raise OriginalUnavailable(f"{p}: stored original has {len(text)} characters, the graph "
                                      f"says {chars}: rebuild the graph")
    path = doc_node.get("path")
    if not path or not Path(path).is_file():
        raise OriginalUnavailable(f"{name}: no stored original in {Path(out_dir) / STORE_DIR} and "
                                  f"the source file {path!r} is not there: rebuild the graph")
    raw = Path(path).read_bytes()
    if hashlib.sha256(raw).hexdigest() != sha:
        raise OriginalUnavailable(f"{name}: {path} changed since the graph was built: rebuild the graph")
    from .ingest import decode_bytes

    text, _ = decode_bytes(raw, str(path))
    return text
