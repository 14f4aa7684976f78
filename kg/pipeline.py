"""The library API behind ``kg build``: ingest → NER → relations → resolution → graph → outputs.

Per-document results (NER mentions + extracted facts, before cross-document resolution) are
cached under ``<out>/.cache/`` keyed by the document's content hash, the NER model version and
a hash of the extraction code and lexicon data, so re-running on an unchanged corpus skips the
expensive stages.

With ``jobs > 1`` the per-document stage (NER, relation rules, learned layer, the cache write)
of the documents the cache cannot answer runs in that many worker processes (forks of a
'forkserver' that imported torch once, or 'spawn' where there is none; one torch thread
each), each loading the NER model, lexicon and learned layer once; the results
are put back in document order, so the outputs are byte-identical to ``jobs=1`` (the in-process
path).  See docs/performance.md, "--jobs".
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from . import __version__
from . import graph as graph_module
from .graph import atomic_write_text, build_graph, graph_summary, write_graph
from .ingest import DEFAULT_MAX_FILE_SIZE
from .model import DocResult, Document, Entity, Fact, InputError, KgError, Mention
from .outputs import locked_output_dir, staged_outputs

Progress = Callable[[str, int, int], None]   # (stage, done, total)

_PKG = Path(__file__).resolve().parent
# Source files whose behaviour shapes the cached per-document results.
# The code a cached per-document result depends on (glob patterns under kg/; each must match).
_CACHED_CODE = ("chars.py", "ingest.py", "ner.py", "ner_fast.py", "relations/*.py", "learned/*.py", "lexicon.py",
                "model.py", "schema.py")


@dataclass
class BuildResult:
    docs: list[Document]
    errors: list[InputError]
    entities: dict[str, Entity]
    facts: list[Fact]
    graph: nx.MultiDiGraph
    out_dir: Path | None
    files: dict[str, Path] = field(default_factory=dict)
    cache_hits: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)   # CPU seconds of the same stages
    peak_rss_mb: dict[str, float] = field(default_factory=dict)   # this process's peak RSS at each stage's end
    workers: int = 0          # worker processes the per-document stage ran in (0: in-process)
    reused: bool = False      # the outputs were verified against the build manifest and kept

    @property
    def documents(self) -> int:
        return len(self.docs)

    @property
    def sentences(self) -> int:
        return sum(len(d.sentences) for d in self.docs)

    def summary(self) -> dict:
        ent: dict[str, int] = {}
        for e in self.entities.values():
            ent[e.type] = ent.get(e.type, 0) + 1
        rel: dict[str, int] = {}
        for f in self.facts:
            rel[f.relation] = rel.get(f.relation, 0) + 1
        return {
            "documents": len(self.docs),
            "errors": [str(e) for e in self.errors],
            "sentences": self.sentences,
            "entities": dict(sorted(ent.items())),
            "facts": dict(sorted(rel.items())),
            "graph": graph_summary(self.graph),
            "cache_hits": self.cache_hits,
            "workers": self.workers,
            "reused": self.reused,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "cpu_seconds": {k: round(v, 2) for k, v in self.cpu_seconds.items()},
            "peak_rss_mb": {k: round(v) for k, v in self.peak_rss_mb.items()},
        }


class ReusedBuild(BuildResult):
    """The result of a build whose outputs were already up to date (see :func:`build`): the
    summary comes from the manifest; ``docs``, ``entities``, ``facts`` and ``graph`` are computed
    on first access, from the corpus and the per-document cache (not written anywhere)."""

    def __init__(self, stored: dict, errors: list[InputError], out_dir: Path, files: dict[str, Path],
                 seconds: dict[str, float], materialize: Callable[[], BuildResult]):
        self._stored = stored
        self._materialize = materialize
        self._full: BuildResult | None = None
        self.errors, self.out_dir, self.files = errors, out_dir, files
        self.seconds, self.cpu_seconds = _split_times(seconds)
        self.peak_rss_mb = {}
        self.cache_hits, self.workers, self.reused = stored["documents"], 0, True

    def _get(self) -> BuildResult:
        if self._full is None:
            self._full = self._materialize()
        return self._full

    docs = property(lambda self: self._get().docs)             # type: ignore[assignment]
    entities = property(lambda self: self._get().entities)     # type: ignore[assignment]
    facts = property(lambda self: self._get().facts)           # type: ignore[assignment]
    graph = property(lambda self: self._get().graph)           # type: ignore[assignment]

    @property
    def documents(self) -> int:
        return self._stored["documents"]

    @property
    def sentences(self) -> int:
        return self._stored["sentences"]

    def summary(self) -> dict:
        s = {k: self._stored[k] for k in ("documents", "errors", "sentences", "entities", "facts", "graph")}
        s.update(cache_hits=self.cache_hits, workers=0, reused=True,
                 seconds={k: round(v, 2) for k, v in self.seconds.items()},
                 cpu_seconds={k: round(v, 2) for k, v in self.cpu_seconds.items()}, peak_rss_mb={})
        return s


def _code_version(lexicon_dir: Path | None) -> str:
    h = hashlib.sha1(__version__.encode())
    for pattern in _CACHED_CODE:
        for p in sorted(_PKG.glob(pattern)):
            h.update(p.relative_to(_PKG).as_posix().encode())
            h.update(p.read_bytes())
    data_dir = lexicon_dir or (_PKG / "data")
    if data_dir.is_dir():
        for p in sorted(data_dir.rglob("*")):
            if p.is_file():
                h.update(p.name.encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _cache_key(doc: Document, model_version: str, code_version: str) -> str:
    h = hashlib.sha1()
    for part in (doc.id, doc.sha256, doc.city or "", model_version, code_version):
        h.update(part.encode("utf-8", "surrogateescape"))   # a non-UTF-8 file name's bytes
        h.update(b"\x1f")
    return h.hexdigest()


def _fill_orig_offsets(facts: list[Fact], docs: dict[str, Document]) -> None:
    for f in facts:
        d = docs.get(f.evidence.doc_id)
        if d is not None and f.evidence.orig_start is None:
            f.evidence.orig_start, f.evidence.orig_end = d.orig_span(f.evidence.start,
                                                                    f.evidence.end)


def write_facts(facts: Sequence[Fact], path: Path) -> Path:
    """One fact per line, sorted for a deterministic file."""
    # the order of the rows' (doc_id, start, relation, id); each row made as it is written
    order = sorted(facts, key=lambda f: (f.evidence.doc_id, f.evidence.start, f.relation, f.id))
    # (speed) one encoder: json.dumps(x, ensure_ascii=False, sort_keys=True) makes one per call
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    return atomic_write_text(path, (encode(f.to_dict()) + "\n" for f in order))


# documents of at least this many characters report progress inside themselves ("document")
DOC_PROGRESS_CHARS = 50_000

# The documents the per-document stage computes go through the NER model in groups: consecutive
# documents (corpus order, those the cache cannot answer) of at most this many characters
# together, a longer one alone (NerTagger.tag_many: fuller batches, ~1.65x NER's speed on news
# articles).  --jobs and --ray send a group as one task, so every way of building forms the
# same groups and writes the same outputs.  Below DOC_PROGRESS_CHARS, so that a document that
# reports progress inside itself is always alone in its group.
NER_GROUP_CHARS = 16_000
assert NER_GROUP_CHARS <= DOC_PROGRESS_CHARS


def ner_groups(docs: Sequence[Document], todo: Sequence[int]) -> list[list[int]]:
    """``todo`` (indices into ``docs``, in order) cut into the NER groups (``NER_GROUP_CHARS``)."""
    groups: list[list[int]] = []
    size = 0
    for i in todo:
        n = len(docs[i].text)
        if not groups or size + n > NER_GROUP_CHARS:
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += n
    return groups


def _clock() -> tuple[float, float]:
    """(wall, CPU) seconds now: ``time.perf_counter()``, ``time.process_time()`` (this process, all
    its threads: the NER model's torch threads too, so a stage's CPU seconds may exceed its wall
    seconds).  CPU seconds do not count the time the process waits for a core, so they vary less
    with the load of a shared machine than wall seconds."""
    return time.perf_counter(), time.process_time()


def _peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (2^20 bytes; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _add_times(times: dict[str, float], name: str, start: tuple[float, float],
               rss: dict[str, float] | None = None) -> tuple[float, float]:
    """Add the wall and CPU seconds since ``start`` (a :func:`_clock`) to ``times[name]`` and
    ``times["cpu:" + name]``, and set ``rss[name]`` to the peak RSS so far; return the clock now."""
    now = _clock()
    times[name] = times.get(name, 0.0) + now[0] - start[0]
    times["cpu:" + name] = times.get("cpu:" + name, 0.0) + now[1] - start[1]
    if rss is not None:
        rss[name] = _peak_rss_mb()
    return now


def _split_times(times: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(wall seconds, CPU seconds) of ``times`` as :func:`_add_times` fills it."""
    return ({k: v for k, v in times.items() if not k.startswith("cpu:")},
            {k[4:]: v for k, v in times.items() if k.startswith("cpu:")})


# the share of the relation rules in the time of the rules and the learned layer together, for
# the progress of one large document (one line of 1-30 MB: 1.5-2.0 against 2.5-2.7 CPU s per MB)
RULES_SHARE = 0.42


def _extract_doc(d: Document, mentions: list[Mention], lexicon, layer, cached: Path | None,
                 times: dict[str, float], rss: dict[str, float] | None = None,
                 progress: Callable[[float], None] | None = None) -> DocResult:
    """The relation rules and learned layer of one document over its NER ``mentions``, and its
    cache entry written; the wall seconds of ``"relations"`` and ``"learned"`` are added to
    ``times`` (their CPU seconds as ``"cpu:relations"`` etc.), ``rss[stage]`` is set to the peak
    RSS at the end of each stage.  ``progress(share)``: the share of the two done, from 0 to 1,
    after each rule stage (the rules count as ``RULES_SHARE``) and each part of the layer."""
    from .relations import extract

    rules_done = learned_done = None
    if progress is not None:
        share = RULES_SHARE if layer is not None else 1.0

        def rules_done(i: int, k: int) -> None:
            progress(share * i / k)

        def learned_done(i: int, k: int) -> None:
            progress(share + (1.0 - share) * i / k)
    t = _clock()
    res = extract(d, mentions, lexicon, progress=rules_done)
    t = _add_times(times, "relations", t, rss)
    if layer is not None:
        res = layer.apply(d, res, progress=learned_done)
    _add_times(times, "learned", t, rss)
    if cached is not None:
        _write_cache_entry(cached, res)
    return res


def _extract_group(ds: Sequence[Document], tagger, lexicon, layer, cached: Sequence[Path | None],
                   progress: Callable[[int, int], None] | None = None,
                   rss: dict[str, float] | None = None) -> tuple[list[DocResult], dict[str, float]]:
    """NER, relation rules and learned layer of each document of one NER group
    (:func:`ner_groups`), NER in one call of the model, and their cache entries written:
    (results, times), times holding the wall seconds of ``"ner"``, ``"relations"`` and
    ``"learned"`` summed over the group and their CPU seconds as ``"cpu:ner"`` etc.;
    ``rss[stage]`` is set to the peak RSS at the end of each stage.  ``progress(done, total)``
    (used for a group of one document) runs over 2 × the document's characters: the first half
    follows the NER model batch by batch, the second half the relation rules stage by stage and
    the learned layer part by part (:func:`_extract_doc`)."""
    times: dict[str, float] = {}
    follow = None
    if progress is not None and len(ds) == 1:
        n = max(len(ds[0].text), 1)

        def follow(done: int, total: int) -> None:
            progress(n * done // max(total, 1), 2 * n)
    t = _clock()
    found = tagger.tag_many(ds, progress=follow)
    _add_times(times, "ner", t, rss)
    after = None
    if follow is not None:
        def after(share: float) -> None:
            progress(n + int(n * share), 2 * n)
    out = [_extract_doc(d, mentions, lexicon, layer, c, times, rss, after)
           for d, mentions, c in zip(ds, found, cached)]
    if follow is not None:
        progress(2 * n, 2 * n)
    return out, times


# A cache entry is one line ``CACHE_MAGIC <sha1 of the rest, UTF-8> <its length in bytes>``, then the
# JSON of ``DocResult.to_dict``.  Entries are written to a temp file and renamed into place without
# an fsync each (the cache directory is fsynced once, when the per-document stage ends): a crash
# of the machine may leave an entry with a part of its text, and the reader, which checks the
# digest, takes that for a miss and recomputes the document.  A crash of the process leaves no
# entry at all (the rename is atomic).  Entries of the old format (bare JSON) are misses too.
CACHE_MAGIC = "kg-cache-2"
_CACHE_ENCODE = json.JSONEncoder(ensure_ascii=False).encode   # = json.dumps(x, ensure_ascii=False)


def _cache_entry_text(res: DocResult) -> str:
    body = _CACHE_ENCODE(res.to_dict())
    raw = body.encode("utf-8")
    return f"{CACHE_MAGIC} {hashlib.sha1(raw).hexdigest()} {len(raw)}\n{body}"


def _write_cache_entry(path: Path, res: DocResult) -> None:
    try:
        atomic_write_text(path, _cache_entry_text(res), fsync=False)
    except (OSError, UnicodeError):
        pass     # the cache is an optimisation: an entry not written is recomputed


def read_cache_entry(path: Path) -> DocResult | None:
    """The :class:`DocResult` of the cache entry at ``path``, or None when there is none or it is not
    whole (a wrong digest or length, a bad header, bad JSON: see ``CACHE_MAGIC``)."""
    try:
        raw = path.read_bytes()
        head, sep, body = raw.partition(b"\n")
        magic, digest, size = head.decode("ascii").split(" ")
        if (not sep or magic != CACHE_MAGIC or int(size) != len(body)
                or hashlib.sha1(body).hexdigest() != digest):
            return None
        return DocResult.from_dict(json.loads(body.decode("utf-8")))
    except (ValueError, KeyError, TypeError, OSError, UnicodeError):
        return None   # a corrupt or unreadable cache entry is recomputed


def _sync_cache_dir(cache_dir: Path | None) -> None:
    """Make the names of the entries written into ``cache_dir`` durable: one fsync of the directory
    (the entries themselves are not fsynced; a reader checks them, see ``CACHE_MAGIC``)."""
    if cache_dir is not None and cache_dir.is_dir():
        from .outputs import _fsync_dir
        _fsync_dir(cache_dir)


# (speed) the cyclic garbage collector's thresholds during a build: a build allocates many
# objects that live to its end (documents, results), and with Python's default (700, 10, 10) the
# collector walks them over and over; about 8-10 % of a cold build's CPU seconds at 0.25M chars.
# Restored when the build returns; the workers of ``jobs > 1`` keep them.
BUILD_GC_THRESHOLD = (50_000, 20, 100)

# ---- worker processes of ``jobs > 1`` -------------------------------------------------------
_WORKER: dict = {}


def _load_tagger(model_dir: Path, ner_criterion: str | None, layer, **kw):
    """The NER model of a build (``kw``: :meth:`NerTagger.load`'s ``threads``), handed to the
    learned ``layer`` too: its context models read this model's BiLSTM when it is theirs."""
    from .ner import NerTagger

    tagger = NerTagger.load(model_dir, criterion=ner_criterion, **kw)
    if layer is not None:
        layer.ner = tagger
    return tagger


def _caller_state() -> dict:
    """What a worker takes from the process that starts its pool (:func:`_worker_init`)."""
    return {"environ": dict(os.environ), "umask": graph_module._UMASK}


def _worker_init(model_dir: Path, ner_criterion: str | None, lex_dir: Path | None,
                 learned_dir: Path | None, caller: dict | None = None) -> None:
    """Load the NER model (one torch thread), lexicon and learned layer once per worker.  An
    error is kept and raised by the first task, so that it reaches the caller as it would
    in-process (a KgError naming the model directory) rather than as a broken pool.
    ``caller`` (:func:`_caller_state`): the environment and umask of the process that started
    the pool, made this one's, as a 'spawn' child would have them (a fork of the fork server has
    the server's, from when an earlier build started it; multiprocessing itself gives it the
    caller's working directory and ``sys.path``)."""
    if caller is not None:
        if caller["environ"] != os.environ:
            os.environ.clear()
            os.environ.update(caller["environ"])
        os.umask(caller["umask"])
        graph_module._UMASK = caller["umask"]      # the mode of the cache entries written here
    gc.set_threshold(*BUILD_GC_THRESHOLD)
    t0 = _clock()
    try:
        from .lexicon import Lexicon

        lexicon = Lexicon.load(lex_dir) if lex_dir else Lexicon.load()
        layer = None
        if learned_dir is not None:
            from .learned import LearnedLayer
            layer = LearnedLayer.load(learned_dir, lexicon)
        tagger = _load_tagger(model_dir, ner_criterion, layer, threads=1)
        _WORKER.update(lexicon=lexicon, layer=layer, tagger=tagger)
    except Exception as e:  # noqa: BLE001 -- re-raised by _worker_extract
        _WORKER["error"] = e
    _WORKER["load"] = {}
    _add_times(_WORKER["load"], "worker_load", t0)


def _worker_extract(ds: Sequence[Document], cached: Sequence[Path | None]
                    ) -> tuple[list[DocResult], dict[str, float]]:
    """(results, times) of one NER group: the wall seconds of ``_extract_group``'s stages, of
    ``"cache"`` (the rest: the cache entries written) and, with the worker's first group,
    ``"worker_load"``; their CPU seconds as ``"cpu:ner"`` etc."""
    if "error" in _WORKER:
        raise _WORKER["error"]
    t0 = _clock()
    res, times = _extract_group(ds, _WORKER["tagger"], _WORKER["lexicon"], _WORKER["layer"], cached)
    _add_times(times, "cache", t0)
    for k in ("", "cpu:"):
        times[k + "cache"] -= times[k + "ner"] + times[k + "relations"] + times[k + "learned"]
    times.update(_WORKER.pop("load", {}))   # the model load: once per worker, with its first group
    return res, times


def _worker_ping() -> None:
    """A task that does nothing: submitted first, it makes the pool start its processes."""


#: modules the pool's fork server imports once (torch: ~1.1 CPU s), before it forks the workers.
#: Not kg: Python 3.11's fork server imports with its own ``sys.path`` (the working directory
#: first, not the caller's path), so it could take another kg than the caller's, or a folder
#: named kg where the build runs (an output folder, a checkout) for an empty package; each
#: worker imports kg itself, after multiprocessing has given it the caller's ``sys.path``.
_FORKSERVER_PRELOAD = ["torch"]


class _Pool(ProcessPoolExecutor):
    """The worker pool of ``jobs > 1``: its processes start in a thread (:meth:`start_all`) while
    the caller goes on; :meth:`shutdown` waits for that thread first."""

    _starter: threading.Thread | None = None

    def start_all(self, workers: int) -> None:
        def start() -> None:
            # a pool starts a process at a task only when no process is idle: one task per
            # worker, submitted at once, starts them all now (one task would start one)
            try:
                for _ in range(workers):
                    self.submit(_worker_ping)
            except Exception:  # noqa: BLE001 -- shut down, broken, or no process could start:
                pass           # the caller's own submit meets it (_extract_parallel names it)
        self._starter = threading.Thread(target=start, name="kg-pool-start", daemon=True)
        self._starter.start()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._starter is not None and wait:
            self._starter.join()
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


def _start_pool(workers: int, initargs: tuple) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, started now: each loads the models (:func:`_worker_init`)
    while the caller goes on (ingest, cache reads).  Where the platform has it, the processes
    are forked from a 'forkserver' process that imported torch once (``_FORKSERVER_PRELOAD``;
    it imports, it runs no model, so the forks are safe) instead of each starting a fresh
    interpreter ('spawn': torch and HanLP are not safe to fork from a process that ran them)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_FORKSERVER_PRELOAD)
    else:
        ctx = multiprocessing.get_context("spawn")
    ex = _Pool(max_workers=workers, mp_context=ctx, initializer=_worker_init,
               initargs=(*initargs, _caller_state()))
    ex.start_all(workers)
    return ex


def _looks_cold(cache_dir: Path | None) -> bool:
    """No cache entry to read: every document will be computed (a cold or ``--no-cache`` build)."""
    if cache_dir is None:
        return True
    try:
        return not any(p.suffix == ".json" for p in cache_dir.iterdir())
    except OSError:
        return True


def group_paths(docs: Sequence[Document], group: Sequence[int]) -> str:
    """The files of an NER group, for an error: the first one's path, and how many follow it."""
    if len(group) == 1:
        return str(docs[group[0]].path)
    return f"one of the {len(group)} documents from {docs[group[0]].path} on (an NER group)"


def _extract_parallel(docs: Sequence[Document], groups: list[list[int]], cached: list[Path | None],
                      results: list[DocResult | None], workers: int, initargs: tuple,
                      seconds: dict[str, float], on_done: Callable[[], None],
                      pool: ProcessPoolExecutor | None = None) -> None:
    """Run ``_extract_group`` on each NER group (indices into ``docs``) in ``workers`` processes
    (those of ``pool`` when given, already started) and put each result at its document's index
    (completion order does not matter); ``on_done`` once per document.  The first error, in
    completion order, is raised once the running groups finish; the others are cancelled.  The
    pool is shut down at the end."""
    ex = pool if pool is not None else _start_pool(workers, initargs)
    try:
        try:
            futures = {ex.submit(_worker_extract, [docs[i] for i in g], [cached[i] for i in g]): g
                       for g in groups}
        except (OSError, EOFError) as e:       # the fork server or a process did not start
            raise KgError(f"the worker processes could not start ({e!r}); "
                          "--jobs 1 runs in this process") from e
        for f in as_completed(futures):
            g = futures[f]
            try:
                res, t = f.result()
            except BrokenProcessPool as e:
                raise KgError(f"{group_paths(docs, g)}: a worker process died while extracting "
                              f"(out of memory? try a smaller --jobs): {e}") from e
            for i, r in zip(g, res):
                results[i] = r
            for k, v in t.items():
                seconds[k] = seconds.get(k, 0.0) + v
            for _ in g:
                on_done()
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


class _ForkedWriter:
    """``write()`` run in a forked child process (``os.fork``: the graph is shared copy-on-write,
    nothing is pickled but the result), so that it overlaps with this process's work.
    :meth:`result` waits for it and returns its value or raises its exception; :meth:`close` kills
    and reaps a child whose result was not asked for.  Where ``os.fork`` is missing, ``write()``
    runs in :meth:`result`."""

    def __init__(self, write: Callable[[], object]):
        import os
        import pickle

        self._write, self._pid, self._fd = write, None, None
        if not hasattr(os, "fork"):
            return
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:    # the child: never returns into the caller's code
            code = 0
            try:
                try:
                    payload = pickle.dumps((True, write()))
                except BaseException as e:  # noqa: BLE001 -- sent to the parent
                    code = 1
                    try:
                        payload = pickle.dumps((False, e))
                    except Exception:  # noqa: BLE001 -- an exception that does not pickle
                        payload = pickle.dumps((False, KgError(f"{type(e).__name__}: {e}")))
                with os.fdopen(w, "wb") as fh:
                    fh.write(payload)
            finally:
                os._exit(code)
        os.close(w)
        self._pid, self._fd = pid, r

    def result(self):
        import os
        import pickle

        if self._pid is None:
            return self._write()
        with os.fdopen(self._fd, "rb") as fh:
            self._fd = None
            payload = fh.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        try:
            ok, value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 -- the child died before it could answer
            raise KgError(f"the process writing the output died (wait status {status})") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        import os
        import signal

        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None


# ---- the build manifest: an unchanged rebuild keeps its outputs ------------------------------
_MANIFEST_VERSION = 1
_OUTPUT_FILES = (("facts", "facts.jsonl"), ("graph_json", "graph.json"), ("turtle", "graph.ttl"))


def _file_sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def _fingerprint(paths: Sequence[str | Path], *, model_path, ner_criterion, lexicon_dir, city,
                 city_overrides, base_iri, write_rdf, learned, max_file_size) -> str:
    """A digest of everything the outputs of a build depend on (see :func:`build`): the corpus as
    :func:`kg.ingest.scan_corpus` sees it (ids, paths, raw-byte hashes, unreadable files), every
    source file and data file of ``kg``, the NER and learned models, the options and the versions
    of the libraries that write the files."""
    from importlib.metadata import version as dist_version

    from .ingest import scan_corpus
    from .ner import DEFAULT_MODEL_DIR, model_version, select_criterion

    model_dir = Path(model_path) if model_path else DEFAULT_MODEL_DIR
    if ner_criterion is not None:
        select_criterion(model_dir, ner_criterion)   # the same error as a full build
    h = hashlib.sha256()

    def part(*xs: object) -> None:
        for x in xs:
            h.update(str(x).encode("utf-8", "surrogateescape"))
            h.update(b"\x1f")
        h.update(b"\x1e")

    part("manifest", _MANIFEST_VERSION, __version__)
    for p in sorted(_PKG.rglob("*.py")):
        if "__pycache__" not in p.parts:
            part(p.relative_to(_PKG).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
    part("code", _code_version(Path(lexicon_dir) if lexicon_dir else None))
    part("ner", model_version(model_dir), ner_criterion)
    if learned is not False:
        from .learned import DEFAULT_MODEL_DIR as LEARNED_DIR, model_files_version
        ldir = LEARNED_DIR if learned is True else Path(learned)
        part("learned", learned is True, (ldir / "manifest.json").is_file(), model_files_version(ldir))
    else:
        part("learned", False)
    for dist in ("rdflib", "networkx"):
        part(dist, dist_version(dist))
    part("options", city, sorted((city_overrides or {}).items()), base_iri, write_rdf, max_file_size)
    for item in scan_corpus([Path(p) for p in paths], max_file_size=max_file_size):
        if isinstance(item, InputError):
            part("error", item.path, item.problem)
        else:
            part("file", *item)
    return h.hexdigest()


def _write_manifest(out: Path, fingerprint: str, result: BuildResult, originals: list[str]) -> None:
    """``OUT/.kg-manifest.json``, written after the outputs are in place (a build killed before
    leaves the old manifest, whose output hashes no longer match: the next build is a full one)."""
    from .outputs import MANIFEST_NAME
    from .originals import STORE_DIR

    files = {}
    for key, name in _OUTPUT_FILES:
        if key in result.files:
            files[name] = _file_sha256(out / name)
    h = hashlib.sha256()
    for sha in sorted(set(originals)):
        h.update(f"{sha} {_file_sha256(out / STORE_DIR / f'{sha}.txt')}\n".encode())
    summary = result.summary()
    manifest = {
        "version": _MANIFEST_VERSION, "fingerprint": fingerprint, "files": files,
        "originals": sorted(set(originals)), "originals_sha256": h.hexdigest(),
        "errors": [[e.path, e.problem] for e in result.errors],
        "summary": {k: summary[k] for k in ("documents", "sentences", "entities", "facts", "graph")},
    }
    try:
        atomic_write_text(out / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False))
    except OSError:
        pass    # an optimisation: without it the next build is a full one


def _reuse(out: Path, fingerprint: str, write_rdf: bool, seconds: dict[str, float],
           materialize: Callable[[], BuildResult]) -> ReusedBuild | None:
    """The :class:`ReusedBuild` of ``out`` when its manifest has this fingerprint and every file it
    lists (outputs and originals) still has its recorded sha256; else None (build in full)."""
    from .outputs import MANIFEST_NAME
    from .originals import STORE_DIR, prune_originals

    t0 = _clock()
    try:
        m = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        if m.get("version") != _MANIFEST_VERSION or m.get("fingerprint") != fingerprint:
            return None
        files: dict[str, str] = m["files"]
        wanted = {name for key, name in _OUTPUT_FILES if key != "turtle" or write_rdf}
        if set(files) != wanted or any(_file_sha256(out / n) != sha for n, sha in files.items()):
            return None
        h = hashlib.sha256()
        for sha in m["originals"]:
            h.update(f"{sha} {_file_sha256(out / STORE_DIR / f'{sha}.txt')}\n".encode())
        if h.hexdigest() != m["originals_sha256"]:
            return None
        errors = [InputError(str(p), str(q)) for p, q in m["errors"]]
        stored = dict(m["summary"])
        stored["errors"] = [str(e) for e in errors]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    prune_originals(out / STORE_DIR, m["originals"])    # as a full build would
    _add_times(seconds, "verify", t0)
    paths = {key: out / name for key, name in _OUTPUT_FILES if name in files}
    paths["originals"] = out / STORE_DIR
    return ReusedBuild(stored, errors, out, paths, seconds, materialize)


@locked_output_dir   # one build per OUT at a time; a bad OUT fails before any work (kg/outputs.py)
def build(
    paths: Sequence[str | Path],
    out_dir: str | Path | None = "out",
    *,
    model_path: str | Path | None = None,
    ner_criterion: str | None = None,
    lexicon_dir: str | Path | None = None,
    city: str | None = None,
    city_overrides: dict[str, str] | None = None,
    base_iri: str | None = None,
    use_cache: bool = True,
    write_rdf: bool = True,
    learned: str | Path | bool = True,
    progress: Progress | None = None,
    on_error: Callable[[InputError], None] | None = None,
    max_file_size: int | None = DEFAULT_MAX_FILE_SIZE,
    jobs: int = 1,
    _cache_from: Path | None = None,
    ray: str | None = None,
    ray_workers: int | None = None,
) -> BuildResult:
    """Build the knowledge graph of the documents under ``paths``.

    ``city`` sets the context city of every document (else it is inferred per document),
    ``city_overrides`` maps a document id to its city.  ``ner_criterion`` picks the corpus
    conventions of an NER model trained with corpus markers (default: the model's own, see
    docs/ner.md).  With ``out_dir=None`` nothing is written and nothing is cached.  Files over
    ``max_file_size`` bytes (None: no limit) are reported through ``on_error`` and skipped.
    ``learned`` is the learned relation layer on top of the rules: ``True`` the shipped models
    (``kg/models/relations/``; the rules alone when none is shipped), a path another trained
    model directory, ``False`` the rules alone.

    ``progress(stage, done, total)`` is called with ``"extract"`` after each document (done and
    total in documents: first once for all the documents the cache answers, then per document
    computed, as its NER group finishes) and, for a document of at least ``DOC_PROGRESS_CHARS`` characters
    extracted in this process, with ``"document"`` as its NER model goes through it (done and total
    in units of half a character: NER is the first half, the relation rules the second).

    ``jobs`` is the number of worker processes of the per-document stage (at most one per NER
    group of the documents the cache cannot answer, see below); 1 runs it in this process.  The outputs do not depend on it.  With
    ``jobs > 1``, ``seconds["ner"]``, ``["relations"]``, ``["learned"]``, ``["cache"]`` and
    ``["worker_load"]`` (the workers' model loads) are summed over the workers (CPU-side time,
    comparable with ``jobs=1``; their sum exceeds the wall time), and ``seconds["extract"]`` is the
    wall time of the whole per-document stage (with ``jobs=1`` too).

    ``seconds`` are wall seconds; ``cpu_seconds`` holds the CPU seconds (``time.process_time``) of
    the same stages: of this process and its threads, or with ``jobs > 1`` / ``ray`` for the
    per-document stages, of the workers, summed (``"ray_start"`` has none).  They vary less than
    wall seconds with the load of a shared machine.  ``peak_rss_mb[stage]`` is this process's
    peak RSS at the end of the stage (workers not counted; a reused build has none).

    The documents the cache cannot answer go through the NER model in groups of consecutive
    documents (:func:`ner_groups`, ``NER_GROUP_CHARS``), which every ``jobs`` and ``ray`` forms
    alike.  A document's mentions did not depend on its group on any corpus checked, but a
    mention's confidence (4 places) may move by 0.0001 with it (2 of 21,493 facts of the
    1M-character benchmark corpus):
    a build that recomputes only some documents can differ from a cold build in such a digit
    (docs/performance.md, "NER across documents").

    ``ray`` runs that stage on a Ray cluster instead (``"local"``: a new one on this machine;
    ``"auto"``: the one running here; else its address), in ``ray_workers`` actors (None: one per
    CPU of the cluster), and ``jobs`` is not used; the outputs are the same
    (:mod:`kg.distributed`).

    **Unchanged rebuilds.**  A build into ``out_dir`` records ``OUT/.kg-manifest.json``: a
    fingerprint of everything the outputs depend on (each input file's id, path and raw-byte
    sha256 and the files that could not be read, the whole ``kg`` code, lexicon, NER and learned
    models, the options, the rdflib/networkx versions) and the sha256 of each file written.  With
    ``use_cache``, a build whose fingerprint matches and whose outputs (and originals) still hash as
    recorded does not redo resolution and export: it keeps the files and returns a
    :class:`ReusedBuild` (``reused=True``; the summary and bad-file reports come from the manifest,
    the in-memory graph is computed on first access).  See docs/performance.md.
    """
    from .ner import DEFAULT_MODEL_DIR

    if jobs < 1:
        raise KgError(f"jobs must be at least 1 (got {jobs})")
    if ray is not None:
        from .distributed import import_ray
        import_ray()    # no Ray: the install line now, not after the ingest

    seconds: dict[str, float] = {}    # wall seconds of each stage, and its CPU seconds as "cpu:STAGE"
    rss: dict[str, float] = {}        # this process's peak RSS (MB) at the end of each stage
    errors: list[InputError] = []

    def _err(e: InputError) -> None:
        errors.append(e)
        if on_error is not None:
            on_error(e)

    out = Path(out_dir) if out_dir is not None else None
    if out is not None and use_cache:
        t0 = _clock()
        fingerprint = _fingerprint(paths, model_path=model_path, ner_criterion=ner_criterion,
                                   lexicon_dir=lexicon_dir, city=city, city_overrides=city_overrides,
                                   base_iri=base_iri, write_rdf=write_rdf, learned=learned,
                                   max_file_size=max_file_size)
        _add_times(seconds, "fingerprint", t0, rss)

        def materialize() -> BuildResult:
            return build(paths, None, model_path=model_path, ner_criterion=ner_criterion,
                         lexicon_dir=lexicon_dir, city=city, city_overrides=city_overrides,
                         base_iri=base_iri, write_rdf=write_rdf, learned=learned,
                         max_file_size=max_file_size, _cache_from=out / ".cache")

        reused = _reuse(out, fingerprint, write_rdf, seconds, materialize)
        if reused is not None:
            for e in reused.errors:
                if on_error is not None:
                    on_error(e)
            if progress is not None:
                progress("extract", reused.cache_hits, reused.cache_hits)
            return reused

    lex_dir = Path(lexicon_dir) if lexicon_dir else None
    cache_dir = out / ".cache" if (out is not None and use_cache) else _cache_from
    model_dir = Path(model_path) if model_path else DEFAULT_MODEL_DIR
    worker_learned_dir: Path | None = None      # the learned layer's directory, when one is used
    if learned is not False:
        from .learned import DEFAULT_MODEL_DIR as LEARNED_DIR
        ldir = LEARNED_DIR if learned is True else Path(learned)
        if learned is not True or (ldir / "manifest.json").is_file():
            worker_learned_dir = ldir
    initargs = (model_dir, ner_criterion, lex_dir, worker_learned_dir)
    # jobs > 1 on a cold build: the workers start (interpreter, imports, models) while this
    # process reads the corpus and loads its own lexicon
    pool = _start_pool(jobs, initargs) if (jobs > 1 and ray is None and _looks_cold(cache_dir)) else None
    gc_before = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLD)
    try:
        return _build_rest(
            paths, out, seconds=seconds, rss=rss, errors=errors, on_err=_err,
            fingerprint=fingerprint if (out is not None and use_cache) else None,
            lex_dir=lex_dir, cache_dir=cache_dir, model_dir=model_dir, initargs=initargs, pool=pool,
            ner_criterion=ner_criterion, learned=learned, city=city, city_overrides=city_overrides,
            base_iri=base_iri, use_cache=use_cache, write_rdf=write_rdf, progress=progress,
            max_file_size=max_file_size, jobs=jobs, ray=ray, ray_workers=ray_workers)
    finally:
        gc.set_threshold(*gc_before)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _build_rest(paths: Sequence[str | Path], out: Path | None, *, seconds: dict[str, float],
                rss: dict[str, float], errors: list[InputError], on_err: Callable[[InputError], None],
                fingerprint: str | None, lex_dir: Path | None, cache_dir: Path | None, model_dir: Path,
                initargs: tuple, pool: ProcessPoolExecutor | None, ner_criterion: str | None,
                learned: str | Path | bool, city: str | None, city_overrides: dict[str, str] | None,
                base_iri: str | None, use_cache: bool, write_rdf: bool, progress: Progress | None,
                max_file_size: int | None, jobs: int, ray: str | None, ray_workers: int | None
                ) -> BuildResult:
    """The body of :func:`build` after the unchanged-rebuild check (``pool``: the started workers of
    ``jobs > 1``, or None; shut down by the caller)."""
    from .ingest import read_corpus
    from .lexicon import Lexicon
    from .ner import NerTagger, model_version, select_criterion
    from .resolve import resolve

    _err = on_err
    t0 = _clock()
    lexicon = Lexicon.load(lex_dir) if lex_dir else Lexicon.load()   # ingest reads it too
    lexicon_load: dict[str, float] = {}
    _add_times(lexicon_load, "load", t0)      # added to "load" below

    t0 = _clock()
    docs = read_corpus([Path(p) for p in paths], on_error=_err, max_file_size=max_file_size,
                       lexicon=lexicon)
    overrides = dict(city_overrides or {})
    for d in docs:
        if d.id in overrides:
            d.city = overrides[d.id]
        elif city:
            d.city = city
    _add_times(seconds, "ingest", t0, rss)

    t0 = _clock()
    ner_version = version = model_version(model_dir)
    if ner_criterion is not None:
        select_criterion(model_dir, ner_criterion)   # checked now: every document may come from the cache
        version += ":" + ner_criterion
    code_version = _code_version(lex_dir)
    layer = None
    if learned is not False:
        from .learned import DEFAULT_MODEL_DIR as LEARNED_DIR, LearnedLayer, model_files_version
        ldir = LEARNED_DIR if learned is True else Path(learned)
        if learned is not True or (ldir / "manifest.json").is_file():
            layer = LearnedLayer.load(ldir, lexicon)
            layer.check_context(ner_version)    # before any document, not once per document
            code_version += ":" + model_files_version(ldir)
    tagger: NerTagger | None = None   # loaded on the first document the cache cannot answer
    seconds.update(lexicon_load)
    _add_times(seconds, "load", t0, rss)

    t0 = _clock()
    n = len(docs)
    results: list[DocResult | None] = [None] * n
    cached: list[Path | None] = [cache_dir / f"{_cache_key(d, version, code_version)}.json"
                                 if cache_dir is not None else None for d in docs]
    hits = 0
    for k in ("ner", "relations", "learned"):
        seconds[k] = seconds["cpu:" + k] = 0.0
    tagger_load: dict[str, float] = {"load": 0.0, "cpu:load": 0.0}

    def from_cache(i: int) -> bool:
        nonlocal hits
        path = cached[i]
        if path is not None and path.exists():
            res = read_cache_entry(path)   # None: not whole, recomputed
            if res is not None:
                results[i] = res
                hits += 1
                return True
        return False

    def in_process(group: list[int]) -> None:
        nonlocal tagger
        if tagger is None:
            t1 = _clock()
            tagger = _load_tagger(model_dir, ner_criterion, layer)
            _add_times(tagger_load, "load", t1)
            for k, v in tagger_load.items():
                seconds[k] += v
        inner = None
        if progress is not None and len(group) == 1 and len(docs[group[0]].text) >= DOC_PROGRESS_CHARS:
            def inner(done: int, total: int) -> None:
                progress("document", done, total)
        res, times = _extract_group([docs[i] for i in group], tagger, lexicon, layer,
                                    [cached[i] for i in group], inner, rss)
        for i, r in zip(group, res):
            results[i] = r
        for k, v in times.items():
            seconds[k] += v

    todo = [i for i in range(n) if not from_cache(i)]
    groups = ner_groups(docs, todo)
    done = n - len(todo)
    if progress is not None and done:
        progress("extract", done, n)

    def on_done() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("extract", done, n)

    workers = min(jobs, len(groups))
    if ray is not None and todo:
        from .distributed import extract_on_ray
        _add_times(seconds, "cache", t0)      # the cache reads, here

        def on_result(i: int, res: DocResult) -> None:   # the driver writes the cache
            if cached[i] is not None:
                t1 = _clock()
                _write_cache_entry(cached[i], res)
                _add_times(seconds, "cache", t1)

        workers = extract_on_ray(ray, docs, groups, results, workers=ray_workers,
                                 model_dir=model_dir, ner_criterion=ner_criterion,
                                 lex_dir=lex_dir, learned_dir=ldir if layer is not None else None,
                                 versions=(version, code_version), seconds=seconds,
                                 on_result=on_result, on_done=on_done)
    elif workers > 1 or (pool is not None and todo):
        _add_times(seconds, "cache", t0)      # the cache reads, here
        _extract_parallel(docs, groups, cached, results, workers, initargs, seconds, on_done,
                          pool=pool)
    else:
        workers = 0
        for g in groups:
            in_process(g)
            for _ in g:
                on_done()
    if out is not None and use_cache and hits < n:
        _sync_cache_dir(cache_dir)    # the entries written above (in this process or the workers)
    _add_times(seconds, "extract", t0, rss)
    if not workers:
        # what the per-document loop spent besides NER and relations (cache reads and writes)
        for k in ("", "cpu:"):
            seconds[k + "cache"] = (seconds[k + "extract"] - tagger_load[k + "load"] - seconds[k + "ner"]
                                    - seconds[k + "relations"] - seconds[k + "learned"])

    t0 = _clock()
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides or None)
    docs_by_id = {d.id: d for d in docs}
    _fill_orig_offsets(facts, docs_by_id)
    G = build_graph(docs, entities, facts)
    _add_times(seconds, "resolve+graph", t0, rss)

    result = BuildResult(docs=docs, errors=errors, entities=entities, facts=facts, graph=G,
                         out_dir=out, cache_hits=hits, peak_rss_mb=rss, workers=workers)
    if out is not None:
        t0 = _clock()
        # originals first: graph.json never points at a missing original (kg/originals.py);
        # they are content-addressed, so a build that dies later leaves nothing wrong behind
        from .originals import STORE_DIR, prune_originals, write_originals
        originals = write_originals(docs, out / STORE_DIR)
        with staged_outputs(out) as stage:   # the files below replace the old ones as one unit
            ttl = None
            if write_rdf:
                from .rdf import DEFAULT_BASE, write_turtle

                def turtle() -> Path:
                    return write_turtle(G, stage / "graph.ttl", base=base_iri or DEFAULT_BASE)
                # with jobs > 1, graph.ttl (the longest file to write) is written by a forked copy
                # of this process while this one writes the others
                if jobs > 1 and ray is None:
                    ttl = _ForkedWriter(turtle)
            try:
                result.files["facts"] = write_facts(facts, stage / "facts.jsonl")
                result.files["graph_json"] = write_graph(G, stage / "graph.json")
                if write_rdf:
                    result.files["turtle"] = ttl.result() if ttl is not None else turtle()
            finally:
                if ttl is not None:
                    ttl.close()
        result.files = {k: out / Path(p).name for k, p in result.files.items()}
        result.files["originals"] = originals
        prune_originals(out / STORE_DIR, (d.sha256 for d in docs))
        if use_cache:
            _write_manifest(out, fingerprint, result, [d.sha256 for d in docs])
        _add_times(seconds, "write", t0, rss)
    result.seconds, result.cpu_seconds = _split_times(seconds)
    return result
