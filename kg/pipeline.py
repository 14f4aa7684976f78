"""The library API behind ``kg build``: ingest → NER → relations → resolution → graph → outputs.

Per-document results (NER mentions + extracted facts, before cross-document resolution) are
cached under ``<out>/.cache/`` keyed by the document's content hash, the NER model version and
a hash of the extraction code and lexicon data, so re-running on an unchanged corpus skips the
expensive stages.

With ``jobs > 1`` the per-document stage (NER, relation rules, learned layer, the cache write)
of the documents the cache cannot answer runs in that many worker processes ('spawn' context,
one torch thread each), each loading the NER model, lexicon and learned layer once; the results
are put back in document order, so the outputs are byte-identical to ``jobs=1`` (the in-process
path).  See docs/performance.md, "--jobs".
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from . import __version__
from .graph import atomic_write_text, build_graph, graph_summary, write_graph
from .ingest import DEFAULT_MAX_FILE_SIZE
from .model import DocResult, Document, Entity, Fact, InputError, KgError
from .outputs import locked_output_dir, staged_outputs

Progress = Callable[[str, int, int], None]   # (stage, done, total)

_PKG = Path(__file__).resolve().parent
# Source files whose behaviour shapes the cached per-document results.
# The code a cached per-document result depends on (glob patterns under kg/; each must match).
_CACHED_CODE = ("chars.py", "ingest.py", "ner.py", "relations/*.py", "learned/*.py", "lexicon.py", "model.py",
                "schema.py")


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
    workers: int = 0          # worker processes the per-document stage ran in (0: in-process)

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
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
        }


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
    rows = sorted((f.to_dict() for f in facts),
                  key=lambda r: (r["evidence"]["doc_id"], r["evidence"]["start"],
                                 r["relation"], r["id"]))
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    return atomic_write_text(path, text)


def _extract_doc(d: Document, tagger, lexicon, layer, cached: Path | None
                 ) -> tuple[DocResult, float, float, float]:
    """NER, relation rules and learned layer of one document, and its cache entry written:
    (result, NER seconds, relations seconds, learned-layer seconds)."""
    from .relations import extract

    t1 = time.perf_counter()
    mentions = tagger.tag(d)
    t2 = time.perf_counter()
    res = extract(d, mentions, lexicon)
    t3 = time.perf_counter()
    if layer is not None:
        res = layer.apply(d, res)
    t4 = time.perf_counter()
    if cached is not None:
        _write_cache_entry(cached, res)
    return res, t2 - t1, t3 - t2, t4 - t3


def _write_cache_entry(path: Path, res: DocResult) -> None:
    try:
        atomic_write_text(path, json.dumps(res.to_dict(), ensure_ascii=False))
    except OSError:
        pass     # the cache is an optimisation: an entry not written is recomputed


# ---- worker processes of ``jobs > 1`` -------------------------------------------------------
_WORKER: dict = {}


def _worker_init(model_dir: Path, ner_criterion: str | None, lex_dir: Path | None,
                 learned_dir: Path | None) -> None:
    """Load the NER model (one torch thread), lexicon and learned layer once per worker.  An
    error is kept and raised by the first task, so that it reaches the caller as it would
    in-process (a KgError naming the model directory) rather than as a broken pool."""
    t0 = time.perf_counter()
    try:
        from .lexicon import Lexicon
        from .ner import NerTagger

        lexicon = Lexicon.load(lex_dir) if lex_dir else Lexicon.load()
        layer = None
        if learned_dir is not None:
            from .learned import LearnedLayer
            layer = LearnedLayer.load(learned_dir, lexicon)
        tagger = NerTagger.load(model_dir, criterion=ner_criterion, threads=1)
        _WORKER.update(lexicon=lexicon, layer=layer, tagger=tagger)
    except Exception as e:  # noqa: BLE001 -- re-raised by _worker_extract
        _WORKER["error"] = e
    _WORKER["load"] = time.perf_counter() - t0


def _worker_extract(d: Document, cached: Path | None) -> tuple[DocResult, dict[str, float]]:
    if "error" in _WORKER:
        raise _WORKER["error"]
    t0 = time.perf_counter()
    res, ner, rel, lrn = _extract_doc(d, _WORKER["tagger"], _WORKER["lexicon"], _WORKER["layer"],
                                      cached)
    total = time.perf_counter() - t0
    # the model load is counted once per worker, with its first document
    return res, {"worker_load": _WORKER.pop("load", 0.0), "ner": ner, "relations": rel, "learned": lrn,
                 "cache": total - ner - rel - lrn}


def _extract_parallel(docs: Sequence[Document], todo: list[int], cached: list[Path | None],
                      results: list[DocResult | None], workers: int, initargs: tuple,
                      seconds: dict[str, float], on_done: Callable[[], None]) -> None:
    """Run ``_extract_doc`` on ``docs[i]`` for ``i`` in ``todo`` in ``workers`` processes and put
    each result at its document's index (completion order does not matter).  The first error,
    in completion order, is raised once the running documents finish; the others are cancelled."""
    ctx = multiprocessing.get_context("spawn")   # torch and HanLP are not fork-safe
    ex = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                             initargs=initargs)
    try:
        futures = {ex.submit(_worker_extract, docs[i], cached[i]): i for i in todo}
        for f in as_completed(futures):
            i = futures[f]
            try:
                res, t = f.result()
            except BrokenProcessPool as e:
                raise KgError(f"{docs[i].path}: a worker process died while extracting "
                              f"(out of memory? try a smaller --jobs): {e}") from e
            results[i] = res
            for k, v in t.items():
                seconds[k] = seconds.get(k, 0.0) + v
            on_done()
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


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

    ``jobs`` is the number of worker processes of the per-document stage (at most one per document
    the cache cannot answer); 1 runs it in this process.  The outputs do not depend on it.  With
    ``jobs > 1``, ``seconds["ner"]``, ``["relations"]``, ``["learned"]``, ``["cache"]`` and
    ``["worker_load"]`` (the workers' model loads) are summed over the workers (CPU-side time,
    comparable with ``jobs=1``; their sum exceeds the wall time), and ``seconds["extract"]`` is the
    wall time of the whole per-document stage (with ``jobs=1`` too).

    ``ray`` runs that stage on a Ray cluster instead (``"local"``: a new one on this machine;
    ``"auto"``: the one running here; else its address), in ``ray_workers`` actors (None: one per
    CPU of the cluster), and ``jobs`` is not used; the outputs are the same
    (:mod:`kg.distributed`).
    """
    from .ingest import read_corpus
    from .lexicon import Lexicon
    from .ner import DEFAULT_MODEL_DIR, NerTagger, model_version, select_criterion
    from .resolve import resolve

    if jobs < 1:
        raise KgError(f"jobs must be at least 1 (got {jobs})")
    if ray is not None:
        from .distributed import import_ray
        import_ray()    # no Ray: the install line now, not after the ingest

    seconds: dict[str, float] = {}
    errors: list[InputError] = []

    def _err(e: InputError) -> None:
        errors.append(e)
        if on_error is not None:
            on_error(e)

    t0 = time.perf_counter()
    docs = read_corpus([Path(p) for p in paths], on_error=_err, max_file_size=max_file_size)
    overrides = dict(city_overrides or {})
    for d in docs:
        if d.id in overrides:
            d.city = overrides[d.id]
        elif city:
            d.city = city
    seconds["ingest"] = time.perf_counter() - t0

    out = Path(out_dir) if out_dir is not None else None
    cache_dir = out / ".cache" if (out is not None and use_cache) else None
    lex_dir = Path(lexicon_dir) if lexicon_dir else None

    t0 = time.perf_counter()
    lexicon = Lexicon.load(lex_dir) if lex_dir else Lexicon.load()
    model_dir = Path(model_path) if model_path else DEFAULT_MODEL_DIR
    version = model_version(model_dir)
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
            code_version += ":" + model_files_version(ldir)
    tagger: NerTagger | None = None   # loaded on the first document the cache cannot answer
    seconds["load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    n = len(docs)
    results: list[DocResult | None] = [None] * n
    cached: list[Path | None] = [cache_dir / f"{_cache_key(d, version, code_version)}.json"
                                 if cache_dir is not None else None for d in docs]
    hits = 0
    seconds["ner"] = seconds["relations"] = seconds["learned"] = tagger_load = 0.0
    workers = 0

    def from_cache(i: int) -> bool:
        nonlocal hits
        path = cached[i]
        if path is not None and path.exists():
            try:
                results[i] = DocResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
                hits += 1
                return True
            except (ValueError, KeyError, TypeError, OSError):
                pass   # a corrupt or unreadable cache entry is recomputed
        return False

    def in_process(i: int) -> None:
        nonlocal tagger, tagger_load
        if tagger is None:
            t1 = time.perf_counter()
            tagger = NerTagger.load(model_dir, criterion=ner_criterion)
            tagger_load = time.perf_counter() - t1
            seconds["load"] += tagger_load
        results[i], ner, rel, lrn = _extract_doc(docs[i], tagger, lexicon, layer, cached[i])
        seconds["ner"] += ner
        seconds["relations"] += rel
        seconds["learned"] += lrn

    if jobs == 1 and ray is None:
        for i in range(n):
            if not from_cache(i):
                in_process(i)
            if progress is not None:
                progress("extract", i + 1, n)
    else:
        todo = [i for i in range(n) if not from_cache(i)]
        done = n - len(todo)
        if progress is not None and done:
            progress("extract", done, n)

        def on_done() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress("extract", done, n)

        workers = min(jobs, len(todo))
        if ray is not None and todo:
            from .distributed import extract_on_ray
            seconds["cache"] = time.perf_counter() - t0      # the cache reads, here

            def on_result(i: int, res: DocResult) -> None:   # the driver writes the cache
                if cached[i] is not None:
                    t1 = time.perf_counter()
                    _write_cache_entry(cached[i], res)
                    seconds["cache"] += time.perf_counter() - t1

            workers = extract_on_ray(ray, docs, todo, results, workers=ray_workers,
                                     model_dir=model_dir, ner_criterion=ner_criterion,
                                     lex_dir=lex_dir, learned_dir=ldir if layer is not None else None,
                                     versions=(version, code_version), seconds=seconds,
                                     on_result=on_result, on_done=on_done)
        elif workers > 1:
            seconds["cache"] = time.perf_counter() - t0      # the cache reads, here
            _extract_parallel(docs, todo, cached, results, workers,
                              (model_dir, ner_criterion, lex_dir,
                               ldir if layer is not None else None), seconds, on_done)
        else:
            workers = 0
            for i in todo:
                in_process(i)
                on_done()
    seconds["extract"] = time.perf_counter() - t0
    if not workers:
        # what the per-document loop spent besides NER and relations (cache reads and writes)
        seconds["cache"] = (seconds["extract"] - tagger_load - seconds["ner"] - seconds["relations"]
                            - seconds["learned"])

    t0 = time.perf_counter()
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides or None)
    docs_by_id = {d.id: d for d in docs}
    _fill_orig_offsets(facts, docs_by_id)
    G = build_graph(docs, entities, facts)
    seconds["resolve+graph"] = time.perf_counter() - t0

    result = BuildResult(docs=docs, errors=errors, entities=entities, facts=facts, graph=G,
                         out_dir=out, cache_hits=hits, seconds=seconds, workers=workers)
    if out is not None:
        t0 = time.perf_counter()
        # originals first: graph.json never points at a missing original (kg/originals.py);
        # they are content-addressed, so a build that dies later leaves nothing wrong behind
        from .originals import STORE_DIR, prune_originals, write_originals
        originals = write_originals(docs, out / STORE_DIR)
        with staged_outputs(out) as stage:   # the files below replace the old ones as one unit
            result.files["facts"] = write_facts(facts, stage / "facts.jsonl")
            result.files["graph_json"] = write_graph(G, stage / "graph.json")
            if write_rdf:
                from .rdf import DEFAULT_BASE, write_turtle
                result.files["turtle"] = write_turtle(G, stage / "graph.ttl", base=base_iri or DEFAULT_BASE)
        result.files = {k: out / Path(p).name for k, p in result.files.items()}
        result.files["originals"] = originals
        prune_originals(out / STORE_DIR, (d.sha256 for d in docs))
        seconds["write"] = time.perf_counter() - t0
    return result
