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


# ---------------------------------------------------------------------------- outputs
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from kg.outputs import (  # noqa: E402
    JOURNAL_NAME, STAGING_PREFIX, OutputBusyError, OutputDir, OutputError, staged_outputs,
)

from conftest import DATA, ROOT  # noqa: E402

OUTPUTS = ("facts.jsonl", "graph.json", "graph.ttl")

# run in a child: build CORPUS into OUT, SIGKILL itself at KILL_AT
_KILL_CHILD = r"""
import os, signal, sys
from pathlib import Path
corpus, out, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
real_replace = os.replace
def replace(src, dst, *a, **k):
    if kill_at == "before-commit" and Path(dst).parent.name.startswith(".kg-staging-") \
            and Path(dst).name == "graph.ttl":
        os.kill(os.getpid(), signal.SIGKILL)        # the last staged file is being written
    real_replace(src, dst, *a, **k)
    if kill_at == "after-first-move" and Path(dst).parent == out and Path(dst).name in ("facts.jsonl", "graph.json", "graph.ttl"):
        os.kill(os.getpid(), signal.SIGKILL)        # one output replaced, two to go
os.replace = replace
from kg.pipeline import build
build([corpus], out)
print("finished")
"""


def _snapshot(out: Path) -> dict[str, bytes]:
    return {n: (out / n).read_bytes() for n in OUTPUTS}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in [*out.iterdir(), *(out / ".cache").iterdir()]
                  if p.name.endswith(".tmp") or p.name.startswith(STAGING_PREFIX) or p.name == JOURNAL_NAME)


@pytest.fixture
def two_generations(built_sample, tmp_path):
    """OUT holding the build of corpus B (4 of the 5 sample files), with a cache that answers
    every document of data/ (corpus A), so builds need no NER model."""
    out = tmp_path / "out"
    shutil.copytree(built_sample.out_dir, out)
    a = _snapshot(out)
    corpus_b = tmp_path / "b"
    corpus_b.mkdir()
    for f in sorted(DATA.glob("*.txt"))[:4]:
        shutil.copy(f, corpus_b)
    from kg.pipeline import build

    res = build([corpus_b], out)
    assert res.cache_hits == 4
    b = _snapshot(out)
    assert all(a[n] != b[n] for n in OUTPUTS)
    return out, a, b


@pytest.mark.parametrize("kill_at,expect", [("after-first-move", "a"), ("before-commit", "b")])
def test_kill_9_during_the_write_leaves_one_whole_build(two_generations, kill_at, expect):
    """kill -9 while a build of corpus A replaces corpus B's outputs: once settled, OUT holds all
    of A (killed after the commit point) or all of B (killed before), never a mix (issue 14)."""
    out, a, b = two_generations
    proc = subprocess.run([sys.executable, "-c", _KILL_CHILD, str(DATA), str(out), kill_at],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    if kill_at == "after-first-move":
        raw = _snapshot(out)
        assert sum(raw[n] == a[n] for n in OUTPUTS) == 1      # the mixed state the kill left
    with OutputDir(out):                                       # the next kg command on OUT
        pass
    want = a if expect == "a" else b
    assert _snapshot(out) == want
    assert _leftovers(out) == []


def test_settle_rolls_a_killed_commit_forward_for_readers(tmp_path):
    out = tmp_path / "out"
    with OutputDir(out):
        with staged_outputs(out) as st:
            for n in OUTPUTS:
                (st / n).write_text("old")
    staging = out / f"{STAGING_PREFIX}dead"
    staging.mkdir()
    for n in OUTPUTS:
        (staging / n).write_text("new")
    (out / JOURNAL_NAME).write_text(json.dumps({"staging": staging.name, "files": list(OUTPUTS)}))
    os.replace(staging / "graph.ttl", out / "graph.ttl")       # killed after one move
    (out / ".graph.ttl.abc.tmp").write_text("junk")
    from kg.outputs import settle

    settle(out)
    assert {n: (out / n).read_text() for n in OUTPUTS} == dict.fromkeys(OUTPUTS, "new")
    assert not staging.exists() and not (out / JOURNAL_NAME).exists()
    assert not (out / ".graph.ttl.abc.tmp").exists()
    # a build killed before its commit point leaves a staging directory: a reader removes it
    (out / f"{STAGING_PREFIX}dead2").mkdir()
    settle(out)
    assert not (out / f"{STAGING_PREFIX}dead2").exists()
    # a reader never creates OUT
    settle(tmp_path / "missing" / "out")
    assert not (tmp_path / "missing").exists()


def test_a_second_build_into_the_same_out_fails_at_once(tmp_path):
    from kg.pipeline import build

    out = tmp_path / "out"
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(SAMPLE, encoding="utf-8")
    calls: list = []
    with OutputDir(out):
        with pytest.raises(OutputBusyError) as exc:
            build([corpus], out, progress=lambda *a: calls.append(a))
    assert f"pid {os.getpid()}" in str(exc.value) and "another kg build" in str(exc.value)
    assert calls == [] and not (out / "graph.ttl").exists()


@pytest.mark.parametrize("kind", ["file", "proc", "readonly"])
def test_unusable_out_fails_before_extraction_with_one_line(tmp_path, kind):
    from kg.cli import app

    if kind == "file":
        out = tmp_path / "out.txt"
        out.write_text("x")
    elif kind == "proc":
        out = Path("/proc/kg-out")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only directory")
        out = tmp_path / "ro"
        out.mkdir()
        out.chmod(0o555)
    res = CliRunner().invoke(app, ["build", str(DATA), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and "error:" in res.output and str(out) in res.output
    assert "extracting" not in res.output


def test_a_cache_path_that_is_a_directory_is_a_cache_miss(two_generations):
    out, a, b = two_generations
    entries = sorted((out / ".cache").glob("*.json"))
    for e in entries:                    # every cache entry replaced by a directory
        e.unlink()
        e.mkdir()
    from kg.pipeline import build

    res = build([DATA], out)
    assert res.cache_hits == 0 and _snapshot(out) == a


# ---------------------------------------------------------------------------- SPARQL
import socket  # noqa: E402
import time  # noqa: E402

from kg.sparql import ENGINES, QueryRefused, QueryTimeout, bind_params, load_query  # noqa: E402
from kg.sparql import query as sparql_query  # noqa: E402
from kg.sparql import run as sparql_run  # noqa: E402

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


@pytest.mark.parametrize("engine", ENGINES)
def test_param_is_bound_as_a_term_never_spliced(built_sample, engine):
    q = load_query("leaders_of_action")
    _, rows = sparql_run(q, built_sample.ttl_path, engine, ["actionName=<http://x>UNDEF}#>"])
    assert rows == []                      # was 19 rows: UNDEF}# had been spliced into the query
    assert bind_params(q, ["actionName=<http://x>UNDEF}#>"]).count("UNDEF") == 1   # inside a literal


def test_a_value_cannot_open_another_values_block():
    q = 'SELECT * WHERE { VALUES ?a { "x" } VALUES ?b { "y" } ?s ?p ?a }'
    out = bind_params(q, ['a=VALUES ?b { "z" } #', "b=w"])
    assert out == 'SELECT * WHERE { VALUES ?a { "VALUES ?b { \\"z\\" } #" } VALUES ?b { "w" } ?s ?p ?a }'


def test_an_iri_param_must_be_an_iri():
    from kg.model import KgError

    q = "SELECT * WHERE { VALUES ?o { <http://e/1> } ?s ?p ?o }"
    with pytest.raises(KgError, match="is not an IRI"):
        bind_params(q, ["o=<http://x>UNDEF}#>"])
    assert "{ <urn:x:1> }" in bind_params(q, ["o=urn:x:1"])


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_and_nothing_is_requested(built_sample, engine):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(0.5)
    port = srv.getsockname()[1]
    try:
        with pytest.raises(QueryRefused, match="SERVICE.*--allow-service"):
            sparql_run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                       built_sample.ttl_path, engine)
        with pytest.raises(socket.timeout):
            srv.accept()                    # no request was made
    finally:
        srv.close()
    # the word in a string, an IRI or a comment is not a SERVICE clause
    sparql_run('SELECT ?service WHERE { ?service <http://x/SERVICE> "SERVICE" } # SERVICE',
               built_sample.ttl_path, engine)


@pytest.mark.parametrize("update", [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP ALL", "LOAD <http://127.0.0.1:1/x.ttl>", "CLEAR DEFAULT",
])
@pytest.mark.parametrize("engine", ENGINES)
def test_updates_are_refused_clearly(built_sample, update, engine):
    with pytest.raises(QueryRefused, match="is a SPARQL update; kg sparql only runs queries"):
        sparql_run(update, built_sample.ttl_path, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_cross_join_streams_up_to_the_limit(built_sample, engine):
    t0 = time.perf_counter()
    res = sparql_query(CROSS, built_sample.ttl_path, engine, limit=500)
    assert len(res.rows) == 500 and res.truncated
    assert time.perf_counter() - t0 < 30
    assert not sparql_query("ASK { ?s ?p ?o }", built_sample.ttl_path, engine, limit=500).truncated


def test_cli_limit_note_and_timeout(built_sample):
    from kg.cli import app

    res = CliRunner().invoke(app, ["sparql", CROSS, "--graph", str(built_sample.ttl_path),
                                   "--format", "csv"])
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) == 1 + 10000
    assert "note: showing the first 10000 rows" in res.output
    t0 = time.perf_counter()
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    res = CliRunner().invoke(app, ["sparql", slow, "--graph", str(built_sample.ttl_path), "--timeout", "1"])
    assert res.exit_code == 1 and "timeout" in res.output and "Traceback" not in res.output
    assert time.perf_counter() - t0 < 20


@pytest.mark.parametrize("engine", ENGINES)
def test_timeout_stops_the_query(built_sample, engine):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    t0 = time.perf_counter()
    with pytest.raises(QueryTimeout):
        sparql_query(slow, built_sample.ttl_path, engine, timeout=1)
    assert time.perf_counter() - t0 < 15
    # a query that finishes in time returns through the child process
    res = sparql_query(load_query("post_holders"), built_sample.ttl_path, engine, timeout=60)
    assert res.rows and res.rows == sparql_query(load_query("post_holders"), built_sample.ttl_path, engine).rows


def test_a_commit_that_fails_half_way_is_rolled_forward(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with OutputDir(out):
        with staged_outputs(out) as st:
            for n in OUTPUTS:
                (st / n).write_text("old")
    real_replace = os.replace
    moves: list = []

    def replace(src, dst):
        if Path(dst).parent == out and Path(dst).name in OUTPUTS:
            moves.append(dst)
            if len(moves) == 2:
                raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with OutputDir(out):
        with pytest.raises(OutputError, match="No space left"):
            with staged_outputs(out) as st:
                for n in OUTPUTS:
                    (st / n).write_text("new")
    monkeypatch.setattr(os, "replace", real_replace)
    with OutputDir(out):
        pass
    assert {n: (out / n).read_text() for n in OUTPUTS} == dict.fromkeys(OUTPUTS, "new")
    assert _leftovers_in(out) == []


def _leftovers_in(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()
                  if p.name.endswith(".tmp") or p.name.startswith(STAGING_PREFIX) or p.name == JOURNAL_NAME)


def test_readers_touch_only_kg_output_directories_and_kg_temp_files(tmp_path):
    from kg.outputs import settle

    plain = tmp_path / "plain"           # a graph.ttl copied somewhere, next to someone's files
    plain.mkdir()
    (plain / ".notes.tmp").write_text("mine")
    (plain / f"{STAGING_PREFIX}x").mkdir()
    settle(plain)
    assert (plain / ".notes.tmp").exists() and (plain / f"{STAGING_PREFIX}x").exists()
    assert not (plain / ".kg.lock").exists()
    out = tmp_path / "out"
    with OutputDir(out):
        pass
    (out / ".notes.tmp").write_text("mine")
    (out / ".graph.ttl.k3x_9a.tmp").write_text("kg's")
    settle(out)
    assert (out / ".notes.tmp").exists() and not (out / ".graph.ttl.k3x_9a.tmp").exists()


def test_file_names_with_rich_markup_are_printed_as_they_are(tmp_path):
    """``b[i].txt`` was reported as ``b.txt`` and a ``[/]`` in a path crashed with MarkupError."""
    from kg.cli import app

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "b[i].txt").write_bytes(b"")
    res = CliRunner().invoke(app, ["build", str(corpus), "--out", "/proc/x[/]y"])
    assert res.exit_code == 1 and "/proc/x[/]y" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "out")])
    assert "b[i].txt: empty file" in res.output


def test_cli_max_file_size(tmp_path):
    from kg.cli import app

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "big.txt").write_text("政府" * 400 + "\n", encoding="utf-8")     # 2.4 kB
    res = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "o"),
                                   "--max-file-size", "0.001"])
    assert res.exit_code == 1
    assert "big.txt: file too large" in res.output and "--max-file-size" in res.output
    res = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "o"),
                                   "--max-file-size", "-1"])
    assert res.exit_code == 1 and "--max-file-size must be" in res.output
