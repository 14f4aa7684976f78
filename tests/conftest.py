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
