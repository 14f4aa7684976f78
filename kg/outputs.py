"""The output directory of ``kg build``: one build at a time, its files replaced as one unit.

* **Lock.**  A build holds ``OUT/.kg.lock`` (``flock``) from before it reads the corpus until
  its outputs are in place; a second build into the same OUT fails at once with
  :class:`OutputBusyError` naming the holder.  Taking the lock also checks up front that OUT
  can be created and written (:class:`OutputError`), instead of failing after the extraction.
* **One unit.**  The files of a build are written into a fresh staging directory
  ``OUT/.kg-staging-<generation>/`` under their final names, then a journal
  ``OUT/.kg-commit.json`` naming the generation and its files is written (atomically), then
  each file is moved over its final name with ``os.replace`` and the journal is removed.
  A build killed before the journal exists leaves the previous outputs untouched; one killed
  after it is rolled forward -- the remaining moves are done -- by the next kg command that
  takes the lock (:func:`settle` for readers), so the files users see (``OUT/graph.ttl``,
  ``OUT/facts.jsonl``, ``OUT/graph.json``) always come from one build once settled.
* **Leftovers.**  Under the lock, staging directories of dead builds and temp files of
  :func:`kg.graph.atomic_write_text` for the names kg writes (``.graph.ttl.*.tmp``... in OUT,
  ``.<cache key>.json.*.tmp`` in ``OUT/.cache``) are removed; nothing else is touched.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import inspect
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .model import KgError

LOCK_NAME = ".kg.lock"
JOURNAL_NAME = ".kg-commit.json"
STAGING_PREFIX = ".kg-staging-"
MANIFEST_NAME = ".kg-manifest.json"    # what an unchanged rebuild checks (kg/pipeline.py)


class OutputError(KgError):
    """The output directory cannot be created or written."""


class OutputBusyError(OutputError):
    """Another build holds the output directory's lock."""


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _why(e: OSError) -> str:
    return e.strerror or str(e)


class OutputDir:
    """The locked output directory of one build (a context manager)."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._fd: int | None = None

    # -- lock -----------------------------------------------------------------------------
    def open(self) -> "OutputDir":
        out = self.path
        if out.exists() and not out.is_dir():
            raise OutputError(f"{out}: the output directory is a file (give --out a directory)")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"{out}: cannot create the output directory: {_why(e)}") from None
        lock = out / LOCK_NAME
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as e:
            raise OutputError(f"{out}: cannot write to the output directory: {_why(e)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = ""
            try:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            except OSError:
                pass
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputBusyError(
                    f"{out}: another kg build is writing this output directory"
                    f"{f' (pid {holder})' if holder else ''}; wait for it to finish or use "
                    f"another --out") from None
            raise OutputError(f"{out}: cannot lock the output directory: {_why(e)}") from None
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            # the lock file may pre-exist in a directory that no longer takes new files
            probe_fd, probe = tempfile.mkstemp(prefix=".kg-probe-", dir=out)
            os.close(probe_fd)
            os.unlink(probe)
        except OSError as e:
            self.close()
            raise OutputError(f"{out}: cannot write to the output directory: {_why(e)}") from None
        try:
            recover(out)
        except OSError as e:
            self.close()
            raise OutputError(f"{out}: cannot finish or clean up an interrupted build: {_why(e)}") from None
        return self

    def close(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "OutputDir":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()


# -- commit and recovery --------------------------------------------------------------------
def _read_journal(out: Path) -> tuple[Path, list[str]] | None:
    j = out / JOURNAL_NAME
    try:
        data = json.loads(j.read_text(encoding="utf-8"))
        staging = str(data["staging"])
        names = [str(n) for n in data["files"]]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None   # unreadable: written atomically, so only a foreign file; ignore it
    if not staging.startswith(STAGING_PREFIX) or "/" in staging or any("/" in n or n.startswith(".") for n in names):
        return None
    return out / staging, names


def _move_all(out: Path, staging: Path, names: list[str]) -> None:
    for name in names:
        src = staging / name
        if src.exists():
            os.replace(src, out / name)
    _fsync_dir(out)


def recover(out: Path) -> bool:
    """Finish a build that was killed after its journal was written (roll forward), then remove
    leftovers of dead builds.  Call with the lock held.  True when a build was rolled forward."""
    rolled = False
    journal = _read_journal(out)
    if journal is not None:
        staging, names = journal
        _move_all(out, staging, names)
        rolled = True
    try:
        (out / JOURNAL_NAME).unlink()
    except FileNotFoundError:
        pass
    for d, temp in ((out, _OUT_TMP), (out / ".cache", _CACHE_TMP)):
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if d == out and name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            elif temp.fullmatch(name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    pass
    return rolled


# temp files of kg.graph.atomic_write_text (".NAME.<random>.tmp"), only for names kg writes
OUTPUT_NAMES = ("facts.jsonl", "graph.json", "graph.ttl", JOURNAL_NAME, MANIFEST_NAME)
_OUT_TMP = re.compile(r"\.(?:%s)\.[A-Za-z0-9_]+\.tmp" % "|".join(re.escape(n) for n in OUTPUT_NAMES))
_CACHE_TMP = re.compile(r"\.[0-9a-f]{40}\.json\.[A-Za-z0-9_]+\.tmp")


@contextmanager
def staged_outputs(out: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh staging directory to write a build's files into (under their final names); on a
    normal exit they replace the files in ``out`` as one unit, on an error they are dropped.
    The caller holds the lock (:func:`locked_output_dir`)."""
    out = Path(out)
    staging = out / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    try:
        staging.mkdir()
    except OSError as e:
        raise OutputError(f"{out}: cannot write to the output directory: {_why(e)}") from None
    committed = False
    try:
        yield staging
        names = sorted(p.name for p in staging.iterdir() if not p.name.startswith("."))
        _fsync_dir(staging)
        journal = {"staging": staging.name, "files": names}
        from .graph import atomic_write_text
        atomic_write_text(out / JOURNAL_NAME, json.dumps(journal))   # the commit point
        committed = True
        _fsync_dir(out)
        _move_all(out, staging, names)
        (out / JOURNAL_NAME).unlink()
        _fsync_dir(out)
        committed = False     # done: nothing left to roll forward
    except OSError as e:
        raise OutputError(f"{out}: cannot write the outputs: {_why(e)}") from None
    finally:
        if not committed:     # a commit that failed half-way keeps its files for the roll-forward
            shutil.rmtree(staging, ignore_errors=True)


def _leftover(name: str) -> bool:
    return name == JOURNAL_NAME or name.startswith(STAGING_PREFIX) or bool(_OUT_TMP.fullmatch(name)) \
        or bool(_CACHE_TMP.fullmatch(name))


def settle(out: str | os.PathLike[str]) -> None:
    """For readers of OUT: finish a build that was killed half-way through replacing its files
    and remove what dead builds left, if no build is running (best effort: nothing happens
    without write access, and nothing at all when OUT holds no leftovers)."""
    out = Path(out)
    if not (out / LOCK_NAME).is_file():
        return        # not an output directory of kg build (e.g. a graph.ttl copied elsewhere)
    try:
        names = [e.name for d in (out, out / ".cache") if d.is_dir() for e in os.scandir(d)]
    except OSError:
        return
    if not any(_leftover(n) for n in names):
        return
    try:
        with OutputDir(out):
            pass
    except OutputError:
        pass


def locked_output_dir(func: Callable) -> Callable:
    """Decorator for a function with an ``out_dir`` parameter: holds OUT's lock for the whole
    call (taken before any work, so a bad or busy OUT fails at once)."""
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        out_dir = bound.arguments.get("out_dir")
        if out_dir is None:
            return func(*args, **kwargs)
        with OutputDir(out_dir):
            return func(*args, **kwargs)

    return wrapper
