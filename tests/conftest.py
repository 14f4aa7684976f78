"""Shared fixtures: the sample corpus built once per test session with the real pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.jsonl"


def load_benchmark(name: str):
    """``benchmarks/NAME.py`` as a module (the benchmarks are scripts, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mention(doc, text, typ, sub=None, source="hanlp", nth=0):
    """A hand-made mention of the ``nth`` occurrence of ``text`` in ``doc`` (rule and layer tests
    run on hand-made spans, not on the NER model)."""
    from kg.model import Mention

    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    return Mention(doc.id, 0, start, start + len(text), text, typ, sub, source)


def hand_models(directory: Path, weights: dict[str, dict[str, float]], thresholds: dict[str, float],
                **manifest) -> None:
    """A learned-layer model directory of hand-set linear models: every model of the layer with
    bias -5, the given feature ``weights`` and ``thresholds`` (default 0.5), and a manifest of
    them plus ``manifest``."""
    import json

    from kg.learned.layer import MODEL_NAMES
    from kg.learned.linear import LinearModel, hash_features

    for name in MODEL_NAMES:
        m = LinearModel(dim=1 << 12)
        m.bias = -5.0
        for feat, w in weights.get(name, {}).items():
            m.weights[hash_features([feat], m.dim)[0]] += w
        m.threshold = thresholds.get(name, 0.5)
        m.save(directory / name)
    (directory / "manifest.json").write_text(json.dumps({"models": list(MODEL_NAMES), **manifest}),
                                             encoding="utf-8")


def edited_lexicon(tmp_path: Path, file: str, *, remove: str | None = None, add: str | None = None):
    """A copy of kg/data in ``tmp_path`` with one row of ``file`` removed (it must be there once)
    or one row added (it must not be there), loaded as a Lexicon."""
    import shutil

    from kg.lexicon import DEFAULT_DIR, Lexicon

    for p in DEFAULT_DIR.glob("*.tsv"):
        shutil.copy(p, tmp_path / p.name)
    p = tmp_path / file
    text = p.read_text(encoding="utf-8")
    if remove is not None:
        assert text.count(remove + "\n") == 1, remove
        text = text.replace(remove + "\n", "")
    if add is not None:
        assert add + "\n" not in text, add
        text += ("" if text.endswith("\n") or not text else "\n") + add + "\n"
    p.write_text(text, encoding="utf-8")
    return Lexicon.load(tmp_path)


def state_through(lex, text: str, stage: str):
    """The DocState of ``text`` (no model spans) after the rule stages up to and including ``stage``."""
    from kg.ingest import prepare_text
    from kg.relations import stages
    from kg.relations.state import DocState

    st = DocState(prepare_text(text, "t.txt", lexicon=lex), lex, [])
    for s in stages.STAGES:
        s.func(st)
        if s.name == stage:
            return st
    raise KeyError(stage)


@dataclass
class BuiltSample:
    result: object            # kg.pipeline.BuildResult
    graph: nx.MultiDiGraph
    out_dir: Path
    ttl_path: Path
    facts_path: Path
    graph_json: Path


@pytest.fixture(scope="session")
def lexicon():
    """The shipped lexicon data (kg/data)."""
    from kg.lexicon import Lexicon

    return Lexicon.load()


@pytest.fixture(scope="session")
def tagger():
    """The shipped HanLP NER model, on one torch thread."""
    import torch

    from kg.ner import NerTagger

    torch.set_num_threads(1)
    return NerTagger.load()


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> BuiltSample:
    """``kg build data/`` with the shipped HanLP model, real rdflib output, once per session."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("sample-out")
    result = build([DATA], out)
    return BuiltSample(result=result, graph=result.graph, out_dir=out,
                       ttl_path=out / "graph.ttl", facts_path=out / "facts.jsonl",
                       graph_json=out / "graph.json")
