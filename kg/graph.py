"""One networkx graph from resolved entities and facts.

The graph is the single source both exporters read (RDF in :mod:`kg.rdf`, Neo4j in
:mod:`kg.neo4j_export`).  Schema:

* node id: the stable ids of :mod:`kg.model`; attrs ``type``, ``name``, ``aliases`` (sorted),
  ``subtype``, ``docs`` (sorted).  Post nodes add ``title`` and ``org``; Document nodes add
  ``path``, ``sha256``, ``encoding``, ``chars``.
* edges: key == relation, one per (u, v, relation): the edges of :data:`kg.schema.EDGES`
  (``holds`` Person→Post and ``post_in`` Post→Organization from a ``holds_post`` fact,
  ``leads_action``, ``in_cluster``, ``part_of``, ``located_in``, ``mentioned_in``).
  Attrs ``relation``, ``confidence`` (max) and ``evidence`` (list of dicts, sorted).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from .model import Document, Entity, Fact, document_id, post_id
from .schema import RELATIONS

# fact relation -> list of (edge relation, source role, target role), from kg/schema.py
EDGE_PLAN: dict[str, list[tuple[str, str, str]]] = {
    r.name: [(e.name, e.source, e.target) for e in r.edges] for r in RELATIONS.values()
}


def _evidence_item(fact: Fact, doc: Document | None) -> dict[str, Any]:
    ev = fact.evidence
    if ev.orig_start is None and doc is not None:
        os_, oe = doc.orig_span(ev.start, ev.end)
    else:
        os_, oe = ev.orig_start, ev.orig_end
    return {
        "fact_id": fact.id,
        "doc": ev.doc_id,
        "sentence_index": ev.sent_index,
        "sentence": ev.sentence,
        "start": ev.start,
        "end": ev.end,
        "orig_start": os_,
        "orig_end": oe,
        "extractor": fact.extractor,
        "confidence": round(float(fact.confidence), 4),
    }


def _ev_key(e: dict[str, Any]) -> tuple:
    return (e["doc"], e["sentence_index"], e["start"], e["end"], e["extractor"], e["fact_id"])


def build_graph(docs: Iterable[Document], entities: dict[str, Entity],
                facts: Iterable[Fact]) -> nx.MultiDiGraph:
    """Build the graph.  Facts must be resolved (every Arg has an ``entity_id``)."""
    G = nx.MultiDiGraph()
    docs_by_id = {d.id: d for d in docs}
    for d in docs_by_id.values():
        G.add_node(document_id(d.id), type="Document", name=d.id, aliases=[], subtype=None,
                   docs=[d.id], path=d.path, sha256=d.sha256, encoding=d.encoding,
                   chars=len(d.original))
    for e in entities.values():
        G.add_node(e.id, type=e.type, name=e.name, aliases=sorted(e.aliases - {e.name}),
                   subtype=e.subtype, docs=sorted(e.docs))

    for f in facts:
        plan = EDGE_PLAN.get(f.relation)
        if plan is None:
            raise ValueError(f"unknown relation {f.relation!r}")
        if any(a.entity_id is None for a in f.args.values()):
            raise ValueError(f"unresolved fact {f.relation} {f.to_dict()['args']}")
        if f.relation == "holds_post":
            org = f.args["org"]
            post = f.args["post"]
            title = post.name or post.text
            pid = post.entity_id or post_id(org.entity_id, title)
            if pid not in G:
                G.add_node(pid, type="Post", name=title, title=title, org=org.entity_id,
                           aliases=[], subtype=None, docs=[])
            node = G.nodes[pid]
            node["docs"] = sorted(set(node["docs"]) | {f.evidence.doc_id})
        item = _evidence_item(f, docs_by_id.get(f.evidence.doc_id))
        for rel, src_role, dst_role in plan:
            u = f.args[src_role].entity_id
            v = f.args[dst_role].entity_id
            for n in (u, v):
                if n not in G:
                    a = f.args[src_role] if n == u else f.args[dst_role]
                    G.add_node(n, type=a.type, name=a.name or a.text, aliases=[],
                               subtype=a.subtype, docs=[f.evidence.doc_id])
            if G.has_edge(u, v, key=rel):
                data = G.edges[u, v, rel]
                if all(_ev_key(x) != _ev_key(item) for x in data["evidence"]):
                    data["evidence"].append(item)
                    data["evidence"].sort(key=_ev_key)
                data["confidence"] = max(data["confidence"], item["confidence"])
            else:
                G.add_edge(u, v, key=rel, relation=rel, confidence=item["confidence"],
                           evidence=[item])
    return G


def graph_summary(G: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Counts of nodes per type and edges per relation."""
    nodes: dict[str, int] = {}
    for _, t in G.nodes(data="type"):
        nodes[t] = nodes.get(t, 0) + 1
    edges: dict[str, int] = {}
    for _, _, k in G.edges(keys=True):
        edges[k] = edges.get(k, 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_text(path: str | os.PathLike, text: str | Iterable[str], *, fsync: bool = True) -> Path:
    """Write ``text`` (a string, or an iterable of strings written one after the other, so a big
    file is never one string in memory) to ``path`` through a temp file in the same folder and
    os.replace.  The temp file is fsynced before the replace; with ``fsync=False`` it is not (a
    crash of the process still leaves the old file or the whole new one, but a crash of the
    machine may leave the new name with a part of its text: for files whose readers check their
    content, such as the cache entries of :mod:`kg.pipeline`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                for chunk in text:
                    fh.write(chunk)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)   # mkstemp creates 0600; outputs follow the umask
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def sync_filesystem(path: str | os.PathLike) -> None:
    """Flush to disk what was written to the filesystem that holds ``path``: one ``syncfs`` (Linux),
    else ``os.sync``.  For many small files written with ``atomic_write_text(..., fsync=False)``:
    one call instead of an fsync each."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def write_graph(G: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    """Write the graph as node-link JSON (deterministic)."""
    data = nx.node_link_data(G, edges="links")
    data["nodes"].sort(key=lambda n: n["id"])
    data["links"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    # iterencode: the same text as json.dumps, written piece by piece
    return atomic_write_text(path, json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=True)
                             .iterencode(data))


def read_graph(path: str | os.PathLike) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_graph`."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
