"""The cold build's non-model stages made faster (issue 13): the same bytes, and cache entries that
are never read back half-written (docs/performance.md, "Cold build outside the model")."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from rdflib import Literal

from conftest import DATA, ROOT
from kg.model import Arg, DocResult, Evidence, Fact, Mention

OUTPUTS = ("facts.jsonl", "graph.json", "graph.ttl")


def _snapshot(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


# ---------------------------------------------------------------------------- to_dict
def test_to_dict_is_asdict():
    for o in (Mention("d", 1, 2, 3, "t", "Person", "x", "lexicon", 0.5),
              Evidence("d", 1, 2, 3, "s", 4, 5), Arg("a", "Person", "x", "e", "n")):
        assert o.to_dict() == asdict(o) and list(o.to_dict()) == list(asdict(o))


# ---------------------------------------------------------------------------- Turtle
def test_written_triples_give_the_rdflib_terms_text(built_sample):
    """write_turtle's fast term forms (_written) write the same file as the rdflib terms."""
    from kg.rdf import iter_triples, to_turtle

    assert to_turtle(iter_triples(built_sample.graph)) == built_sample.ttl_path.read_text(encoding="utf-8")


def test_written_literals_match_the_namer():
    from kg.rdf import DEFAULT_BASE, PREFIXES, _decimal, _int, _iri, _Namer, _written_terms, _zh

    namer = _Namer({**PREFIXES, "kgid": DEFAULT_BASE})
    iri, zh, integer, decimal, plain = _written_terms(DEFAULT_BASE)
    for v in [0, 1, -1, 0.5, 1.0, 0.99995, 0.00004, -0.00004, 1e-9, 123.456789, 2, True,
              *(i / 10000 for i in range(10001))]:
        assert namer.term(decimal(v)) == namer.term(_decimal(v)), v
    for v in [0, 1, -7, 10**12, "42", 3.0]:
        assert namer.term(integer(v)) == namer.term(_int(v))
    r = random.Random(13)
    for _ in range(2000):
        s = "".join(r.choice('a中"\\\n\r\t\b\f x<>%/') for _ in range(r.randint(0, 8)))
        assert namer.term(zh(s)) == namer.term(_zh(s))
        assert namer.term(plain(s)) == namer.term(Literal(s))
        assert namer.term(iri(s)) == namer.term(_iri(DEFAULT_BASE, s))


def test_the_namer_regex_is_the_namespace_loop():
    from kg.rdf import PREFIXES, _Namer

    base = "https://kg.example.org/id/"
    namer = _Namer({**PREFIXES, "kgid": base, "x": base + "a"})    # a namespace inside another
    starts = [*PREFIXES.values(), base, base + "a", ""]
    r = random.Random(7)
    for _ in range(50_000):
        s = r.choice(starts) + "".join(r.choice("aZ09_.-%/#\n> \\中") for _ in range(r.randint(0, 6)))
        assert namer._iri(s) == namer._iri_loop(s), s


# ---------------------------------------------------------------------------- cache entries
def _result() -> DocResult:
    ev = Evidence("d", 0, 1, 3, "呼和浩特市的句子。")
    return DocResult("d", [Mention("d", 0, 0, 4, "呼和浩特", "Place")],
                     [Fact("located_in", {"a": Arg("呼和浩特", "Place")}, ev, "rule", 0.9)])


def test_a_cache_entry_is_read_back_only_whole(tmp_path):
    from kg.pipeline import CACHE_MAGIC, _write_cache_entry, read_cache_entry

    p = tmp_path / "e.json"
    _write_cache_entry(p, _result())
    raw = p.read_bytes()
    assert raw.startswith(CACHE_MAGIC.encode() + b" ")
    assert read_cache_entry(p).to_dict() == _result().to_dict()
    torn = [raw[:k] for k in range(0, len(raw), 7)]                    # cut anywhere
    torn += [raw[:k] + b"\0" * (len(raw) - k) for k in range(0, len(raw), 11)]   # zero-filled tail
    torn += [raw[:k] + bytes([raw[k] ^ 1]) + raw[k + 1:] for k in range(len(raw) // 2, len(raw), 13)]
    torn.append(raw.partition(b"\n")[2])                              # the old bare-JSON format
    for t in torn:
        p.write_bytes(t)
        assert read_cache_entry(p) is None, t[:80]
    assert read_cache_entry(tmp_path / "missing.json") is None


def test_cache_entries_are_not_fsynced_one_by_one(tmp_path, monkeypatch):
    """One fsync of the cache directory for the whole stage, none per entry."""
    import kg.graph
    import kg.outputs
    from kg.pipeline import build

    synced: list = []
    real = os.fsync
    monkeypatch.setattr(kg.graph.os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")),
                                                          real(fd))[1])
    dirs: list = []
    real_dir = kg.outputs._fsync_dir
    monkeypatch.setattr(kg.outputs, "_fsync_dir", lambda p: (dirs.append(Path(p)), real_dir(p))[1])
    corpus = tmp_path / "c"
    corpus.mkdir()
    for f in sorted(DATA.glob("*.txt"))[:2]:
        shutil.copy(f, corpus)
    out = tmp_path / "out"
    res = build([corpus], out, learned=False)
    assert res.cache_hits == 0 and len(list((out / ".cache").glob("*.json"))) == 2
    assert not [s for s in synced if "/.cache/" in s]
    assert dirs.count(out / ".cache") == 1


_KILL_CHILD = r"""
import os, signal, sys
from pathlib import Path
import kg.pipeline as P
corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
written = []
real = P.atomic_write_text
def atomic_write_text(path, text, **kw):
    if Path(path).parent.name == ".cache":
        if written:           # the second entry: half of it in its temp file, then killed
            import tempfile
            fd, tmp = tempfile.mkstemp(prefix=f".{Path(path).name}.", suffix=".tmp", dir=Path(path).parent)
            os.write(fd, text.encode("utf-8")[: len(text) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        written.append(path)
    return real(path, text, **kw)
P.atomic_write_text = atomic_write_text
P.build([corpus], out, learned=False)
print("finished")
"""


def test_a_build_killed_while_writing_the_cache_leaves_no_half_entry(tmp_path):
    """kill -9 in the middle of a cache entry: the next build reads back the one whole entry,
    recomputes the other document and writes the same outputs as an uninterrupted build."""
    from kg.pipeline import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    for f in sorted(DATA.glob("*.txt"))[:2]:
        shutil.copy(f, corpus)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _KILL_CHILD, str(corpus), str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    entries = list((out / ".cache").iterdir())
    assert len([e for e in entries if e.name.endswith(".json")]) == 1
    assert len([e for e in entries if e.name.endswith(".tmp")]) == 1       # the half-written one
    res = build([corpus], out, learned=False)
    assert res.cache_hits == 1
    assert not [e for e in (out / ".cache").iterdir() if e.name.endswith(".tmp")]
    ref = build([corpus], tmp_path / "ref", learned=False, use_cache=False)
    assert _snapshot(out) == {n: Path(p).read_bytes() for n, p in
                              ((n, tmp_path / "ref" / n) for n in OUTPUTS)}
    assert ref.cache_hits == 0


def test_a_torn_cache_entry_is_recomputed(built_sample, tmp_path):
    from kg.pipeline import build

    out = tmp_path / "out"
    shutil.copytree(built_sample.out_dir, out)
    want = _snapshot(out)
    for e in (out / ".cache").glob("*.json"):
        raw = e.read_bytes()
        e.write_bytes(raw[: len(raw) - 5])          # the entry's name is there, its end is not
    (out / ".kg-manifest.json").unlink()           # a full build, through the cache
    res = build([DATA], out)
    assert res.cache_hits == 0 and _snapshot(out) == want
    again = build([DATA], out, use_cache=True)
    assert again.reused or again.cache_hits == len(list(DATA.glob("*.txt")))


@pytest.mark.parametrize("n", [0, 1, 5])
def test_the_facts_file_is_json_dumps(tmp_path, n):
    import json

    from kg.pipeline import write_facts

    facts = [_result().facts[0] for _ in range(n)]
    p = write_facts(facts, tmp_path / "f.jsonl")
    assert p.read_text(encoding="utf-8") == "".join(
        json.dumps(f.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for f in facts)


# ---------------------------------------------------------------------------- --jobs
def test_forked_writer_returns_raises_and_is_reaped(tmp_path):
    from kg.model import KgError
    from kg.pipeline import _ForkedWriter

    p = tmp_path / "x.txt"
    w = _ForkedWriter(lambda: (p.write_text("written"), p)[1])
    assert w.result() == p and p.read_text() == "written"
    w.close()

    def fail():
        raise KgError("no room")
    w = _ForkedWriter(fail)
    with pytest.raises(KgError, match="no room"):
        w.result()
    w.close()

    def die():
        os._exit(3)
    w = _ForkedWriter(die)
    with pytest.raises(KgError, match="died"):
        w.result()

    import time
    w = _ForkedWriter(lambda: time.sleep(60))
    pid = w._pid
    w.close()                                   # killed and reaped, not left running
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_the_worker_pool_starts_in_a_thread_and_a_bad_model_reaches_the_caller(tmp_path):
    """``_start_pool`` starts its processes in a thread of its own (the caller reads the corpus
    meanwhile), from the fork server where the platform has one; a model that cannot load reaches
    the caller as the KgError naming it; shutdown waits for that thread."""
    import multiprocessing
    import threading

    from kg.model import KgError
    from kg.pipeline import _start_pool, _worker_extract

    pool = _start_pool(2, (tmp_path / "no-model", None, None, None))
    try:
        if "forkserver" in multiprocessing.get_all_start_methods():
            assert pool._mp_context.get_start_method() == "forkserver"
        with pytest.raises(KgError, match="no-model"):
            pool.submit(_worker_extract, [], []).result()
    finally:
        pool.shutdown(wait=True)
    assert pool._starter is not None and not pool._starter.is_alive()
    assert "kg-pool-start" not in {t.name for t in threading.enumerate()}


def test_pool_workers_have_the_environment_and_directory_of_their_pools_start(tmp_path, monkeypatch):
    """A fork of the fork server would have the server's environment, from when an earlier build
    started it: the workers take the caller's (KG_NER_FAST and the like), and the caller's working
    directory (a relative --out or model path; multiprocessing passes it)."""
    from kg.pipeline import _start_pool

    args = (tmp_path / "no-model", None, None, None)
    first = _start_pool(1, args)            # the fork server runs from here on
    try:
        assert first.submit(os.getenv, "KG_TEST_PROBE").result() is None
    finally:
        first.shutdown(wait=True)
    monkeypatch.setenv("KG_TEST_PROBE", "set after the server started")
    monkeypatch.chdir(tmp_path)
    second = _start_pool(1, args)
    try:
        assert second.submit(os.getenv, "KG_TEST_PROBE").result() == "set after the server started"
        assert second.submit(os.getcwd).result() == str(tmp_path)
    finally:
        second.shutdown(wait=True)


def _kg_console_script() -> Path:
    """The ``kg`` command of this interpreter's environment (a fresh process: its own fork server)."""
    import sys

    script = Path(sys.executable).with_name("kg")
    if not script.exists():
        pytest.skip("no kg console script next to the interpreter")
    return script


def test_jobs_2_builds_where_a_folder_named_kg_is_the_working_directory(tmp_path):
    """Python 3.11's fork server imports with its own sys.path, the working directory first: a
    folder named kg there (an output folder, a checkout) must not become the workers' kg. The
    console script in a fresh process (so that the fork server starts there)."""
    import json
    import subprocess

    kg_script = _kg_console_script()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("青川县县长王明华到县工业园区调研。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("市发改委主任李强主持召开会议。\n", encoding="utf-8")
    (tmp_path / "kg").mkdir()                  # the output folder, made before the build
    res = subprocess.run([str(kg_script), "build", "corpus", "--out", "kg", "--no-cache", "--jobs", "2",
                          "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout)["workers"] >= 1
    assert (tmp_path / "kg" / "facts.jsonl").read_text(encoding="utf-8").strip()


def test_jobs_2_says_so_when_its_worker_processes_cannot_start(tmp_path):
    """A fork server that dies while it imports (here a broken torch where the build runs, which
    only the server's sys.path sees) ends the build with one line naming it, no traceback of kg."""
    import subprocess

    kg_script = _kg_console_script()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("市发改委主任李强主持召开会议。\n", encoding="utf-8")
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise RuntimeError('not torch')\n")
    res = subprocess.run([str(kg_script), "build", "corpus", "--out", "out", "--no-cache", "--jobs", "2"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert res.returncode != 0
    last = res.stderr.strip().splitlines()[-1]
    assert last.startswith("error: the worker processes could not start") and "--jobs 1" in last, res.stderr[-2000:]
    assert not (tmp_path / "out" / "facts.jsonl").exists()


def test_looks_cold(tmp_path):
    from kg.pipeline import _looks_cold

    assert _looks_cold(None) and _looks_cold(tmp_path / "missing")
    c = tmp_path / "c"
    c.mkdir()
    (c / ".x.json.abc.tmp").write_text("")
    assert _looks_cold(c)
    (c / "k.json").write_text("")
    assert not _looks_cold(c)


# ---------------------------------------------------------------------------- originals
def test_originals_are_synced_once_and_a_torn_one_is_rewritten(tmp_path, monkeypatch):
    import kg.graph
    import kg.originals
    from kg.ingest import read_corpus
    from kg.originals import write_originals

    docs = read_corpus([DATA])
    fsyncs: list = []
    syncs: list = []
    real_sync = kg.originals.sync_filesystem
    monkeypatch.setattr(kg.graph.os, "fsync", lambda fd: fsyncs.append(fd))
    monkeypatch.setattr(kg.originals, "sync_filesystem", lambda p: (syncs.append(p), real_sync(p))[1])
    store = tmp_path / "originals"
    write_originals(docs, store)
    assert fsyncs == [] and syncs == [store]
    p = store / f"{docs[0].sha256}.txt"
    p.write_bytes(p.read_bytes()[:3])                 # torn by a crash of the machine
    write_originals(docs, store)
    assert p.read_text(encoding="utf-8") == docs[0].original and len(syncs) == 2
    write_originals(docs, store)                      # nothing to write: no sync
    assert len(syncs) == 2


def test_a_build_restores_the_gc_thresholds(built_sample, tmp_path, monkeypatch):
    import gc

    from kg.pipeline import BUILD_GC_THRESHOLD, build

    seen: list = []
    import kg.pipeline
    real = kg.pipeline._build_rest
    monkeypatch.setattr(kg.pipeline, "_build_rest", lambda *a, **k: (seen.append(gc.get_threshold()),
                                                                      real(*a, **k))[1])
    before = gc.get_threshold()
    out = tmp_path / "out"
    shutil.copytree(built_sample.out_dir, out)
    (out / ".kg-manifest.json").unlink()
    build([DATA], out)
    assert seen == [BUILD_GC_THRESHOLD] and gc.get_threshold() == before
