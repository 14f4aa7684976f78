"""Hostile-user failures of issue 14 (see docs/reliability.md): each test reproduces one."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from kg.ingest import DEFAULT_MAX_FILE_SIZE, display_path, load_document, read_corpus
from kg.model import InputError

SAMPLE = "呼和浩特市发展和改革委员会主任殷树刚介绍了情况。\n"


# ---------------------------------------------------------------------------- inputs
def test_file_name_that_is_not_utf8_is_read_and_named(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(SAMPLE.encode("utf-8"))
    errors: list[InputError] = []
    docs = read_corpus(tmp_path, on_error=errors.append)
    assert errors == [] and [d.id for d in docs] == ["caf\\xe9.txt"]
    docs[0].id.encode("utf-8")                       # writable to JSON / Turtle
    docs[0].path.encode("utf-8")
    assert display_path(os.fsdecode(raw)).endswith("caf\\xe9.txt")


def test_file_name_not_utf8_survives_the_cache_key(tmp_path):
    from kg.pipeline import _cache_key
    from kg.model import Document

    doc = Document(id=os.fsdecode(b"caf\xe9.txt"), path="x", original="a", text="a", offsets=[0, 1])
    assert len(_cache_key(doc, "m", "c")) == 40      # was UnicodeEncodeError


def test_fifo_is_refused_without_hanging(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    errors: list[InputError] = []
    out: list = []
    t = threading.Thread(target=lambda: out.append(read_corpus(tmp_path, on_error=errors.append)),
                         daemon=True)
    t.start()
    t.join(20)
    assert not t.is_alive(), "read_corpus hangs on a FIFO"
    assert [d.id for d in out[0]] == ["a.txt"]
    assert [(Path(e.path).name, e.problem) for e in errors] == [("pipe.txt", "not a regular file (a named pipe (FIFO))")]


def test_symlink_to_device_and_outside_the_corpus_are_not_followed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text(SAMPLE, encoding="utf-8")
    (corpus / "real.txt").write_text(SAMPLE, encoding="utf-8")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "out.txt").symlink_to(outside)
    (corpus / "in.txt").symlink_to(corpus / "real.txt")     # inside the corpus: followed
    (corpus / "dirlink").symlink_to(tmp_path)
    errors: list[InputError] = []
    docs = read_corpus(corpus, on_error=errors.append)
    assert [d.id for d in docs] == ["in.txt", "real.txt"]
    problems = {Path(e.path).name: e.problem for e in errors}
    assert set(problems) == {"zero.txt", "out.txt", "dirlink"}
    assert "outside the corpus" in problems["zero.txt"] and "outside the corpus" in problems["out.txt"]
    assert "directory" in problems["dirlink"]
    # a device given directly (the user's own choice of link) is still not a regular file
    with pytest.raises(InputError, match="not a regular file"):
        load_document(corpus / "zero.txt")


def test_size_limit_is_configurable_and_clear(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("政府" * 3000 + "\n", encoding="utf-8")       # 18 kB, one line
    with pytest.raises(InputError) as exc:
        load_document(big, max_file_size=10_000)
    assert "too large" in exc.value.problem and "--max-file-size" in exc.value.problem
    assert load_document(big, max_file_size=None).id == "big.txt"
    errors: list[InputError] = []
    assert read_corpus(tmp_path, on_error=errors.append, max_file_size=10_000) == []
    assert [Path(e.path).name for e in errors] == ["big.txt"]
    assert DEFAULT_MAX_FILE_SIZE == 20 * 1024 * 1024


def test_unreadable_subdirectory_is_reported_by_name(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text(SAMPLE, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(SAMPLE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):          # root ignores chmod 000, so deny the read here
        if Path(os.fsdecode(path)) == locked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    errors: list[InputError] = []
    docs = read_corpus(tmp_path, on_error=errors.append)
    assert [d.id for d in docs] == ["a.txt"]
    assert [(e.path, e.problem) for e in errors] == [(str(locked), "cannot read directory: Permission denied")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 directory")
def test_unreadable_subdirectory_chmod(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text(SAMPLE, encoding="utf-8")
    locked.chmod(0)
    try:
        errors: list[InputError] = []
        read_corpus(tmp_path, on_error=errors.append)
        assert [e.path for e in errors] == [str(locked)]
    finally:
        locked.chmod(stat.S_IRWXU)
