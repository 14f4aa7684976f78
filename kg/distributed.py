"""The per-document stage of ``kg build --ray ADDRESS`` on a Ray cluster.

The map: the documents the cache cannot answer go to Ray *actors*, one CPU each, anywhere on the
cluster.  Each actor loads the NER model (one torch thread), the lexicon and the learned layer
once (``kg.pipeline._worker_init``, the same loader as ``--jobs``) and runs
``kg.pipeline._worker_extract`` per NER group (consecutive documents, ``kg.pipeline.ner_groups``,
the same groups as every other way of building): NER, the relation rules, the learned layer.  The
reduce stays in the driver (``kg.pipeline.build``): the results are put back at their documents'
indices, then the cross-document resolution, the graph and the outputs run as with ``--jobs 1``,
so the files are byte-identical.  The driver, not the actors, writes the cache entries: the
actors may run on machines that do not see ``OUT``.

Every node needs the same kg installed (with its models).  Each actor checks this at start: its
NER model version and the hash of its extraction code and data must equal the driver's, else
the build stops with a :class:`~kg.model.KgError` naming the node.

Ray is optional (``pip install -e '.[ray]'``) and imported only here, only when used.  Usage
statistics are off (``RAY_USAGE_STATS_ENABLED=0``) and a cluster started by the build has no
dashboard, so nothing tries to reach the network beyond the cluster.  See docs/performance.md,
"Ray".
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .model import DocResult, Document, KgError

RAY_MISSING = "--ray needs Ray, which is not installed: install with pip install -e '.[ray]'"
IN_FLIGHT = 2        # NER groups queued per actor, so an actor never waits for the next one


def import_ray():
    """Ray, with its usage statistics off; a :class:`KgError` with the install line without it."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"   # read by ray.init and the processes it starts
    try:
        import ray
    except ImportError as e:
        raise KgError(RAY_MISSING) from e
    return ray


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _versions(model_dir: Path, ner_criterion: str | None, lex_dir: Path | None,
              learned_dir: Path | None) -> tuple[str, str]:
    """(model version, code version) as ``kg.pipeline.build`` computes them for its cache key."""
    from .ner import model_version
    from .pipeline import _code_version

    version = model_version(model_dir)
    if ner_criterion is not None:
        version += ":" + ner_criterion
    code = _code_version(lex_dir)
    if learned_dir is not None:
        from .learned import model_files_version
        code += ":" + model_files_version(learned_dir)
    return version, code


class _Extractor:
    """A Ray actor (made one by :func:`extract_on_ray`): one worker's models, loaded once.
    ``None`` for the model or learned-layer directory means this node's shipped one: the
    driver's absolute path to its own installed package need not exist on another node."""

    def __init__(self, model_dir: Path | None, ner_criterion: str | None, lex_dir: Path | None,
                 learned_dir: Path | None, use_learned: bool) -> None:
        from . import pipeline
        from .learned import DEFAULT_MODEL_DIR as LEARNED_DIR
        from .ner import DEFAULT_MODEL_DIR

        self.args = (model_dir or DEFAULT_MODEL_DIR, ner_criterion, lex_dir,
                     (learned_dir or LEARNED_DIR) if use_learned else None)
        pipeline._worker_init(*self.args)

    def check(self) -> tuple[str, tuple[str, str] | None]:
        """(this node's address, its (model version, code version); None if they cannot be read)."""
        import ray

        try:
            versions: tuple[str, str] | None = _versions(*self.args)
        except Exception:  # noqa: BLE001 -- a broken model directory is reported by extract()
            versions = None
        return ray.util.get_node_ip_address(), versions

    def extract(self, ds: list[Document]) -> tuple[list[DocResult], dict[str, float]]:
        """The results of one NER group (``kg.pipeline.ner_groups``) and their times."""
        from .pipeline import _worker_extract

        return _worker_extract(ds, [None] * len(ds))


def _connect(ray, address: str, workers: int | None) -> bool:
    """Connect to (or, for ``local``, start) the cluster; True if this call did, so the build
    disconnects at the end.  A process that has called ``ray.init`` itself keeps its connection."""
    if ray.is_initialized():
        return False
    kwargs: dict = dict(address=address, include_dashboard=False, log_to_driver=False,
                        logging_level=logging.ERROR, configure_logging=True)
    if address == "local":
        kwargs["num_cpus"] = workers or os.cpu_count() or 1
    else:
        kwargs.pop("include_dashboard")   # a running cluster's head decides that (ray start)
        _check_reachable(address)
    try:
        ray.init(**kwargs)
    except Exception as e:  # noqa: BLE001 -- ConnectionError, ValueError, RuntimeError, ...
        hint = ""
        if any("Authentication" in type(c).__name__ for c in _causes(e)):
            hint = (" (the cluster wants its token: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN, "
                    "or copy ~/.ray/auth_token from its head node)")
        raise KgError(f"cannot start or reach the Ray cluster at {address!r}: "
                      f"{_first_line(e)}{hint}") from e
    return True


def _check_reachable(address: str, timeout: float = 10.0) -> None:
    """A HOST:PORT (or ray://HOST:PORT) where nothing listens fails now: ray.init would retry
    for minutes.  'auto' is left to Ray."""
    import socket

    hostport = address.split("://", 1)[-1]
    host, sep, port = hostport.rpartition(":")
    if address == "auto" or not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise KgError(f"cannot reach the Ray cluster at {address!r}: {e.strerror or e} "
                      f"(is `ray start --head` running there?)") from e


def _causes(e: BaseException | None):
    seen = 0
    while e is not None and seen < 10:
        yield e
        e, seen = e.__cause__ or e.__context__, seen + 1


def extract_on_ray(address: str, docs: Sequence[Document], groups: list[list[int]],
                   results: list[DocResult | None], *, workers: int | None,
                   model_dir: Path, ner_criterion: str | None, lex_dir: Path | None,
                   learned_dir: Path | None, versions: tuple[str, str],
                   seconds: dict[str, float], on_result: Callable[[int, DocResult], None],
                   on_done: Callable[[], None]) -> int:
    """Extract the documents of ``groups`` (the NER groups of ``kg.pipeline.ner_groups``, one
    task each) on the Ray cluster at ``address`` (``local``:
    a new one on this machine with ``workers`` CPUs; ``auto``: the one running here; else
    ``host:port`` or ``ray://host:port``) and put each result at ``results[i]``; ``on_result``
    (the driver's cache write) and ``on_done`` (progress) are called per document as results
    arrive.  ``workers`` actors (None: one per CPU of the cluster, never more than it has CPUs
    or than there are groups).  Timings are added to ``seconds`` as ``--jobs`` does (summed over
    the actors).  Returns the number of actors."""
    from .learned import DEFAULT_MODEL_DIR as LEARNED_DIR
    from .ner import DEFAULT_MODEL_DIR
    from .pipeline import group_paths

    ray = import_ray()
    t0 = time.perf_counter()
    started = _connect(ray, address, workers)
    actors: list = []
    try:
        cpus = int(ray.cluster_resources().get("CPU", 1)) or 1
        n = max(1, min(workers or cpus, cpus, len(groups)))
        Actor = ray.remote(num_cpus=1)(_Extractor)
        args = (None if model_dir == DEFAULT_MODEL_DIR else model_dir, ner_criterion, lex_dir,
                None if learned_dir == LEARNED_DIR else learned_dir, learned_dir is not None)
        actors = [Actor.remote(*args) for _ in range(n)]
        try:
            checks = ray.get([a.check.remote() for a in actors])
        except ray.exceptions.RayError as e:    # e.g. kg not importable on a node
            raise KgError(f"a Ray worker could not start kg: {_first_line(e)}") from e
        for node, theirs in checks:
            if theirs is not None and tuple(theirs) != tuple(versions):
                raise KgError(f"Ray node {node} has another kg than this driver (NER model / code "
                              f"versions {theirs[0]} / {theirs[1]}, here {versions[0]} / "
                              f"{versions[1]}): install the same kg on every node")
        seconds["ray_start"] = time.perf_counter() - t0

        queue = iter(groups)
        pending: dict = {}                    # ObjectRef -> (group, actor)

        def submit(actor) -> None:
            g = next(queue, None)
            if g is not None:
                pending[actor.extract.remote([docs[i] for i in g])] = (g, actor)

        for actor in actors:
            for _ in range(IN_FLIGHT):
                submit(actor)
        while pending:
            [ref], _ = ray.wait(list(pending), num_returns=1)
            g, actor = pending.pop(ref)
            try:
                res, t = ray.get(ref)
            except ray.exceptions.RayTaskError as e:
                cause = getattr(e, "cause", None)
                if isinstance(cause, Exception):
                    raise cause from None     # the same exception as in-process
                raise KgError(f"{group_paths(docs, g)}: {_first_line(e)}") from e
            except ray.exceptions.RayActorError as e:
                raise KgError(f"{group_paths(docs, g)}: a Ray worker died while extracting "
                              f"(out of memory? try a smaller --jobs): {_first_line(e)}") from e
            for k, v in t.items():
                seconds[k] = seconds.get(k, 0.0) + v
            for i, r in zip(g, res):
                results[i] = r
                on_result(i, r)
                on_done()
            submit(actor)
        return n
    finally:
        for a in actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001 -- already gone
                pass
        if started:
            ray.shutdown()
