"""``kg export``: the built graph as GraphML (Gephi, Cytoscape) or as the CSV files
``neo4j-admin database import full`` reads.

neo4j-import: ``nodes.csv`` and ``relationships.csv`` (header on the first line) with exactly
the labels, ``id`` values, properties and relationship types that kg's Bolt loader
(:mod:`kg.neo4j_export`) writes -- the rows come from its :func:`~kg.neo4j_export.plan_graph`,
``kg_hash`` included, so a ``kg neo4j load`` after the import finds nothing to write.
Conventions of the files:

* array properties (``aliases``, ``docs``, the ``evidence_*`` lists) and multiple labels are
  joined with U+001F (``--array-delimiter=U+001F``): corpus text may contain ``;`` or ``|``;
* every value is quoted; a property the loader sets to null is an empty *unquoted* field (no
  property), an empty list is ``""`` (an empty array);
* one global id space: kg's ids are unique across types (``person-…``, ``document-…``).

GraphML: one node per graph node, one edge per graph edge; list values are joined with `` | ``,
evidence is summarised (count, documents, first sentence), nulls are left out -- GraphML only
holds scalars.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from .graph import atomic_write_text
from .model import KgError

FORMATS = ("graphml", "neo4j-import")
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_FLAG = "U+001F"

# property -> neo4j-admin header type (properties not listed are strings)
NODE_PROP_TYPES: dict[str, str] = {
    "name": "string", "aliases": "string[]", "subtype": "string", "docs": "string[]",
    "title": "string", "org": "string", "path": "string", "sha256": "string",
    "encoding": "string", "chars": "long", "kg_hash": "string",
}
REL_PROP_TYPES: dict[str, str] = {
    "confidence": "double", "evidence_docs": "string[]", "evidence_sentence_indexes": "long[]",
    "evidence_sentences": "string[]", "evidence_starts": "long[]", "evidence_ends": "long[]",
    "evidence_orig_starts": "long[]", "evidence_orig_ends": "long[]",
    "evidence_confidences": "double[]", "extractors": "string[]", "fact_ids": "string[]",
    "kg_hash": "string",
}


class ExportError(KgError):
    """The graph cannot be exported as asked."""


def _header(name: str, typ: str) -> str:
    return name if typ == "string" else f"{name}:{typ}"


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _field(v: Any) -> str:
    """One CSV field: None -> empty unquoted (no property); anything else quoted."""
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        items = [_scalar(x) for x in v]
        bad = next((x for x in items if ARRAY_DELIMITER in x), None)
        if bad is not None:
            raise ExportError(f"value {bad[:60]!r} contains the array delimiter U+001F")
        text = ARRAY_DELIMITER.join(items)
    else:
        text = _scalar(v)
    return '"' + text.replace('"', '""') + '"'


def _line(fields: Iterable[str]) -> str:
    return ",".join(fields) + "\n"


def write_neo4j_import(G: nx.MultiDiGraph, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write ``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import full``."""
    from .neo4j_export import plan_graph

    out = Path(out_dir)
    plan = plan_graph(G)
    node_props = list(NODE_PROP_TYPES)
    lines = [_line(["id:ID", ":LABEL", *(_header(p, NODE_PROP_TYPES[p]) for p in node_props)])]
    for labels, rows in plan.nodes.items():
        for row in rows:
            lines.append(_line([_field(row["id"]), _field(list(labels)),
                                *(_field(row.get(p)) for p in node_props)]))
    nodes = atomic_write_text(out / "nodes.csv", "".join(lines))
    rel_props = list(REL_PROP_TYPES)
    lines = [_line([":START_ID", ":END_ID", ":TYPE", *(_header(p, REL_PROP_TYPES[p]) for p in rel_props)])]
    for (rel, _src, _dst), rows in plan.rels.items():
        for row in rows:
            lines.append(_line([_field(row["src"]), _field(row["dst"]), _field(rel),
                                *(_field(row.get(p)) for p in rel_props)]))
    rels = atomic_write_text(out / "relationships.csv", "".join(lines))
    return {"nodes": nodes, "relationships": rels}


def neo4j_import_command(out_dir: Path, database: str = "neo4j") -> str:
    """The ``neo4j-admin`` command line that imports the files written to ``out_dir``."""
    return (f"neo4j-admin database import full {database} --overwrite-destination "
            f"--array-delimiter={ARRAY_DELIMITER_FLAG} --multiline-fields=true "
            f"--nodes={out_dir / 'nodes.csv'} --relationships={out_dir / 'relationships.csv'}")


def _graphml_value(v: Any) -> Any:
    if isinstance(v, (list, tuple, set)):
        return " | ".join(str(x) for x in v)
    if isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attribute values are GraphML-legal scalars (see module doc)."""
    H = nx.MultiDiGraph()
    for n, a in G.nodes(data=True):
        attrs = {"label": str(a.get("name") or n)}
        for k, v in a.items():
            if v is None or k == "label":
                continue
            attrs[k] = _graphml_value(v)
        attrs["doc_count"] = len(a.get("docs") or [])
        H.add_node(n, **attrs)
    for u, v, k, a in G.edges(keys=True, data=True):
        ev = list(a.get("evidence") or [])
        attrs = {"relation": str(a.get("relation", k)), "label": str(a.get("relation", k)),
                 "confidence": float(a.get("confidence") or 0.0), "evidence_count": len(ev),
                 "evidence_docs": " | ".join(sorted({str(e.get("doc", "")) for e in ev})),
                 "sentence": str(ev[0].get("sentence", "")) if ev else ""}
        H.add_edge(u, v, key=k, **attrs)
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | os.PathLike) -> Path:
    """Write ``G`` as GraphML (UTF-8) for Gephi / Cytoscape."""
    import io

    buf = io.BytesIO()
    nx.write_graphml(graphml_graph(G), buf, encoding="utf-8", prettyprint=True)
    return atomic_write_text(path, buf.getvalue().decode("utf-8"))


def export(out_dir: str | os.PathLike, fmt: str, to: str | os.PathLike | None = None) -> dict[str, Path]:
    """Export the graph of ``out_dir`` (``graph.json`` of ``kg build``) as ``fmt``.

    ``to``: the GraphML file (default ``OUT/graph.graphml``) or the neo4j-import folder
    (default ``OUT/neo4j-import``).  Returns the files written.  Raises :class:`ExportError`.
    """
    from .graph import read_graph

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (choose {' or '.join(FORMATS)})")
    out = Path(out_dir)
    path = out / "graph.json" if out.is_dir() else out
    if not path.is_file():
        raise ExportError(f"{path}: no such file (run `kg build DIR --out {out}` first)")
    try:
        G = read_graph(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ExportError(f"{path}: not a kg graph file ({' '.join(str(e).split())[:200]})") from None
    base = path.parent
    if fmt == "graphml":
        return {"graphml": write_graphml(G, Path(to) if to else base / "graph.graphml")}
    return write_neo4j_import(G, Path(to) if to else base / "neo4j-import")
