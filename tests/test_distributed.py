"""``kg build --ray ADDRESS``: the per-document stage on a real Ray cluster, started offline on this
machine, gives byte for byte the files of the in-process build.

One cluster serves the session: ``ray start --head --block`` in a subprocess (its own process
group, stopped at the end), with a token made up for the session, so the tests connect by
ADDRESS exactly as a driver does on a multi-node cluster.  One test starts a private instance
with ``--ray local``.  Without Ray installed only the test of the install line runs."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HELDOUT = ROOT / "tests" / "heldout_c"
OUTPUTS = ("facts.jsonl", "graph.json", "graph.ttl")
runner = CliRunner()

# not imported here: Ray reads RAY_AUTH_MODE when imported, after the fixture has set it
HAVE_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAVE_RAY, reason="Ray is not installed (pip install -e '.[ray]'; "
                                                    "scripts/install.sh installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ray_cluster():
    """The address of a 2-CPU Ray head started for this session, offline (no dashboard, no usage
    statistics), with token authentication on a session token."""
    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN", "RAY_USAGE_STATS_ENABLED")}
    os.environ.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(32),
                      RAY_USAGE_STATS_ENABLED="0")
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", "--block", f"--port={port}",
         "--num-cpus=2", "--include-dashboard=false", "--disable-usage-stats"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, f"ray start --head exited with {proc.returncode}"
                assert time.monotonic() < deadline, "the Ray head did not open its port in 180 s"
                time.sleep(0.5)
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)     # the head and every process it started
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _same_outputs(a: Path, b: Path) -> None:
    for f in OUTPUTS:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


@needs_ray
def test_ray_build_of_the_sample_is_byte_identical_and_fills_the_cache(ray_cluster, built_sample,
                                                                      tmp_path):
    """2 actors on the cluster by ADDRESS: the same files as the in-process build, progress per
    document, the driver's cache entries reused by a rebuild that starts no actor."""
    from kg.pipeline import build

    seen = []
    res = build([DATA], tmp_path / "out", ray=ray_cluster, ray_workers=2,
                progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert res.workers == 2 and res.cache_hits == 0
    _same_outputs(tmp_path / "out", built_sample.out_dir)
    n = len(res.docs)
    assert [d for _, d, _ in seen] == list(range(1, n + 1)) and {(s, t) for s, _, t in seen} == {("extract", n)}
    assert res.seconds["ner"] > 0 and res.seconds["worker_load"] > 0 and res.seconds["ray_start"] > 0
    assert len(list((tmp_path / "out" / ".cache").glob("*.json"))) == n

    again = build([DATA], tmp_path / "out", ray=ray_cluster)
    assert again.cache_hits == n and again.workers == 0
    _same_outputs(tmp_path / "out", built_sample.out_dir)


@needs_ray
def test_ray_build_of_a_heldout_set_is_byte_identical_to_jobs_1(ray_cluster, tmp_path, monkeypatch):
    """One actor per CPU of the cluster (2), against the in-process build, no cache; NER groups
    of about two documents (the set is one group otherwise)."""
    import kg.pipeline
    from kg.pipeline import build, ner_groups

    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 500)
    ref = build([HELDOUT], tmp_path / "ref", use_cache=False, jobs=1)
    res = build([HELDOUT], tmp_path / "ray", use_cache=False, ray=ray_cluster)
    groups = ner_groups(ref.docs, range(len(ref.docs)))
    assert len(groups) >= 2 and any(len(g) > 1 for g in groups)
    assert res.workers == 2 and ref.workers == 0
    _same_outputs(tmp_path / "ray", tmp_path / "ref")


@needs_ray
def test_an_actor_with_another_kg_stops_the_build_naming_its_node(ray_cluster):
    """A node whose model/code versions differ from the driver's is refused before any document."""
    from kg.distributed import extract_on_ray
    from kg.model import Document, KgError
    from kg.ner import DEFAULT_MODEL_DIR

    text = "张三任某市市长。"
    doc = Document(id="a.txt", path="a.txt", original=text, text=text, offsets=list(range(len(text) + 1)))
    results = [None]
    with pytest.raises(KgError, match=r"Ray node .* has another kg .*install the same kg on every node"):
        extract_on_ray(ray_cluster, [doc], [[0]], results, workers=1, model_dir=DEFAULT_MODEL_DIR,
                       ner_criterion=None, lex_dir=None, learned_dir=None,
                       versions=("not-this-model", "not-this-code"), seconds={},
                       on_result=lambda i, r: None, on_done=lambda: None)
    assert results == [None]


@needs_ray
def test_cli_ray_local_reports_bad_files_and_matches_jobs_1(ray_cluster, tmp_path, monkeypatch):
    """``kg build --ray local`` starts its own instance on this machine (and stops it)."""
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 1)     # one NER group per document
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("004_1990d11d53b02e2b.txt", "001_3c2085c3029b20c0.txt"):
        shutil.copy(DATA / name, corpus / name)
    (corpus / "empty.txt").write_bytes(b"")
    res = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / "ray"), "--ray", "local",
                              "--jobs", "2", "--no-cache", "--json"])
    assert res.exit_code == 0, res.output
    assert "empty.txt" in res.stderr
    summary = json.loads(res.stdout)
    assert summary["documents"] == 2 and summary["workers"] == 2 and len(summary["errors"]) == 1
    ref = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / "ref"), "--jobs", "1",
                              "--no-cache", "--json"])
    assert ref.exit_code == 0, ref.output
    _same_outputs(tmp_path / "ray", tmp_path / "ref")
    import ray
    assert not ray.is_initialized()       # the build disconnected (and stopped its instance)


def test_ray_without_ray_installed_is_one_line_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)      # import ray -> ImportError
    res = runner.invoke(app, ["build", str(DATA), "--out", str(tmp_path / "out"), "--ray", "local"])
    assert res.exit_code == 1
    assert "install with pip install -e '.[ray]'" in res.stderr and "Traceback" not in res.output
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "facts.jsonl").exists()


@needs_ray
def test_an_address_where_nothing_listens_fails_at_once(tmp_path):
    t0 = time.monotonic()
    res = runner.invoke(app, ["build", str(DATA), "--out", str(tmp_path / "out"), "--ray",
                              f"127.0.0.1:{_free_port()}"])
    assert res.exit_code == 1 and "cannot reach the Ray cluster" in res.stderr
    assert "Traceback" not in res.output and time.monotonic() - t0 < 60


def test_kg_imports_without_ray():
    """Ray is imported lazily: the CLI, the pipeline and kg.distributed load without it."""
    code = ("import sys; sys.modules['ray'] = None\n"
            "import kg.cli, kg.pipeline, kg.distributed\n"
            "assert sys.modules['ray'] is None\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
