"""The library API behind ``kg build``: ingest → NER → relations → resolution → graph → outputs.

Per-document results (NER mentions + extracted facts, before cross-document resolution) are
cached under ``<out>/.cache/`` keyed by the document's content hash, the NER model version and
a hash of the extraction code and lexicon data, so re-running on an unchanged corpus skips the
expensive stages.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from . import __version__
from .graph import atomic_write_text, build_graph, graph_summary, write_graph
from .ingest import DEFAULT_MAX_FILE_SIZE
from .model import DocResult, Document, Entity, Fact, InputError
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
    """
    from .ingest import read_corpus
    from .lexicon import Lexicon
    from .ner import DEFAULT_MODEL_DIR, NerTagger, model_version, select_criterion
    from .relations import extract
    from .resolve import resolve

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
    results: list[DocResult] = []
    hits = 0
    seconds["ner"] = seconds["relations"] = seconds["learned"] = tagger_load = 0.0
    for i, d in enumerate(docs):
        key = _cache_key(d, version, code_version)
        cached = cache_dir / f"{key}.json" if cache_dir is not None else None
        res: DocResult | None = None
        if cached is not None and cached.exists():
            try:
                res = DocResult.from_dict(json.loads(cached.read_text(encoding="utf-8")))
                hits += 1
            except (ValueError, KeyError, TypeError, OSError):
                res = None   # a corrupt or unreadable cache entry is recomputed
        if res is None:
            if tagger is None:
                t1 = time.perf_counter()
                tagger = NerTagger.load(model_dir, criterion=ner_criterion)
                tagger_load = time.perf_counter() - t1
                seconds["load"] += tagger_load
            t1 = time.perf_counter()
            mentions = tagger.tag(d)
            t2 = time.perf_counter()
            res = extract(d, mentions, lexicon)
            t3 = time.perf_counter()
            if layer is not None:
                res = layer.apply(d, res)
            seconds["ner"] += t2 - t1
            seconds["relations"] += t3 - t2
            seconds["learned"] += time.perf_counter() - t3
            if cached is not None:
                try:
                    atomic_write_text(cached, json.dumps(res.to_dict(), ensure_ascii=False))
                except OSError:
                    pass     # the cache is an optimisation: an entry not written is recomputed
        results.append(res)
        if progress is not None:
            progress("extract", i + 1, len(docs))
    # what the per-document loop spent besides NER and relations (cache reads and writes)
    seconds["cache"] = (time.perf_counter() - t0 - tagger_load - seconds["ner"] - seconds["relations"]
                        - seconds["learned"])

    t0 = time.perf_counter()
    entities, facts = resolve(docs, results, lexicon, city_overrides=overrides or None)
    docs_by_id = {d.id: d for d in docs}
    _fill_orig_offsets(facts, docs_by_id)
    G = build_graph(docs, entities, facts)
    seconds["resolve+graph"] = time.perf_counter() - t0

    result = BuildResult(docs=docs, errors=errors, entities=entities, facts=facts, graph=G,
                         out_dir=out, cache_hits=hits, seconds=seconds)
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
