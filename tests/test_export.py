"""kg export: GraphML and the neo4j-admin import CSV, checked against the Bolt loader's model
(kg.neo4j_export.plan_graph: the rows `kg neo4j load` writes)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.export import ARRAY_DELIMITER, ExportError, export, graphml_graph, write_neo4j_import
from kg.neo4j_export import REL_TYPES, plan_graph


# ---- a reader that follows neo4j-admin's rules for the files kg writes -----------------------
def _split_fields(line_text: str) -> list[tuple[str, bool]]:
    """CSV fields with whether each was quoted (neo4j-admin: an unquoted empty field = no value)."""
    out, i, n = [], 0, len(line_text)
    while True:
        if i < n and line_text[i] == '"':
            j, buf = i + 1, []
            while True:
                k = line_text.index('"', j)
                buf.append(line_text[j:k])
                if k + 1 < n and line_text[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            out.append(("".join(buf), True))
        else:
            k = line_text.find(",", i)
            k = n if k < 0 else k
            out.append((line_text[i:k], False))
            i = k
        if i >= n:
            return out
        assert line_text[i] == ","
        i += 1


def _records(path: Path) -> list[list[tuple[str, bool]]]:
    """Logical CSV records (a quoted field may span lines: --multiline-fields=true)."""
    text = path.read_text(encoding="utf-8")
    # csv gives the record boundaries; re-split each raw record to keep the quoted flag
    rows, buf = [], []
    for raw in io.StringIO(text, newline=""):
        buf.append(raw)
        joined = "".join(buf)
        if joined.count('"') % 2 == 0:
            rows.append(_split_fields(joined.rstrip("\n")))
            buf = []
    assert not buf
    return rows


def _convert(value: str, quoted: bool, typ: str):
    if not quoted and value == "":
        return None                            # no property
    if typ.endswith("[]"):
        if value == "":
            return []
        items = value.split(ARRAY_DELIMITER)
        base = typ[:-2]
        return [_convert(x, True, base) for x in items]
    if typ == "long":
        return int(value)
    if typ == "double":
        return float(value)
    return value


def read_import(path: Path) -> list[dict]:
    recs = _records(path)
    header = [h for h, _ in recs[0]]
    out = []
    for rec in recs[1:]:
        assert len(rec) == len(header)
        row = {}
        for h, (value, quoted) in zip(header, rec):
            name, _, typ = h.partition(":")
            if typ in ("ID", "START_ID", "END_ID", "TYPE"):
                row[h] = value
                if typ == "ID" and name:
                    row[name] = value              # `id:ID` is stored as property `id`
            elif typ == "LABEL":
                row[":LABEL"] = value.split(ARRAY_DELIMITER)
            else:
                v = _convert(value, quoted, typ or "string")
                if v is not None:
                    row[name] = v
        out.append(row)
    return out


def test_neo4j_import_matches_the_loader_model(built_sample, tmp_path):
    G = built_sample.graph
    files = write_neo4j_import(G, tmp_path)
    plan = plan_graph(G)
    nodes = read_import(files["nodes"])
    rels = read_import(files["relationships"])
    assert len(nodes) == plan.node_count == G.number_of_nodes()
    assert len(rels) == plan.rel_count == G.number_of_edges()

    by_id = {n["id"]: n for n in nodes}
    assert len(by_id) == len(nodes)
    for labels, rows in plan.nodes.items():
        for row in rows:
            got = dict(by_id[row["id"]])
            assert got.pop(":LABEL") == list(labels)
            got.pop("id:ID")
            want = {k: v for k, v in row.items() if v is not None}   # Neo4j drops null properties
            assert got == want

    want_types = Counter(rel for (rel, _, _), rows in plan.rels.items() for _ in rows)
    assert Counter(r[":TYPE"] for r in rels) == want_types
    assert set(want_types) <= set(REL_TYPES.values())
    by_key = {(r[":START_ID"], r[":TYPE"], r[":END_ID"]): r for r in rels}
    assert len(by_key) == len(rels)
    for (rel, _, _), rows in plan.rels.items():
        for row in rows:
            got = dict(by_key[(row["src"], rel, row["dst"])])
            for k in (":START_ID", ":END_ID", ":TYPE"):
                got.pop(k)
            want = {k: v for k, v in row.items() if k not in ("src", "dst")}
            assert got == want
    # every endpoint is a node of the file
    assert all(r[":START_ID"] in by_id and r[":END_ID"] in by_id for r in rels)


def test_neo4j_import_quotes_and_nulls(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("person-1", type="Person", name='王"一",二', aliases=[], subtype=None, docs=["d;1.txt"])
    G.add_node("document-1", type="Document", name="d;1.txt", aliases=[], subtype=None, docs=["d;1.txt"],
               path="/x/d;1.txt", sha256="ab", encoding="utf-8", chars=12)
    G.add_edge("person-1", "document-1", key="mentioned_in", relation="mentioned_in", confidence=1.0,
               evidence=[{"doc": "d;1.txt", "sentence_index": 0, "sentence": "第一行\n第二行",
                          "start": 0, "end": 2, "orig_start": 0, "orig_end": 2,
                          "extractor": "x", "confidence": 1.0, "fact_id": "f1"}])
    files = write_neo4j_import(G, tmp_path)
    nodes = {n["id"]: n for n in read_import(files["nodes"])}
    assert nodes["person-1"]["name"] == '王"一",二'
    assert nodes["person-1"]["aliases"] == [] and "subtype" not in nodes["person-1"]
    assert nodes["document-1"]["chars"] == 12 and nodes["document-1"][":LABEL"] == ["Document"]
    (rel,) = read_import(files["relationships"])
    assert rel["evidence_sentences"] == ["第一行\n第二行"] and rel[":TYPE"] == "MENTIONED_IN"
    G.nodes["person-1"]["aliases"] = ["a\x1fb"]
    with pytest.raises(ExportError, match="U\\+001F"):
        write_neo4j_import(G, tmp_path)


def test_graphml_round_trip_is_scalar(built_sample, tmp_path):
    G = built_sample.graph
    files = export(built_sample.out_dir, "graphml", tmp_path / "g.graphml")
    H = nx.read_graphml(files["graphml"], force_multigraph=True)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    scalar = (str, int, float, bool)
    for _, a in graphml_graph(G).nodes(data=True):
        assert all(isinstance(v, scalar) for v in a.values())
    for *_, a in graphml_graph(G).edges(keys=True, data=True):
        assert all(isinstance(v, scalar) for v in a.values())
    n, a = next((n, a) for n, a in G.nodes(data=True) if a.get("aliases"))
    assert H.nodes[n]["label"] == a["name"] and H.nodes[n]["aliases"] == " | ".join(a["aliases"])
    u, v, k = next(iter(G.edges(keys=True)))
    edata = [d for d in H.get_edge_data(u, v).values() if d["relation"] == k][0]
    assert edata["evidence_count"] == len(G.edges[u, v, k]["evidence"])


def test_export_errors_and_cli(built_sample, tmp_path):
    from kg.cli import app

    with pytest.raises(ExportError, match="unknown export format"):
        export(built_sample.out_dir, "gexf")
    with pytest.raises(ExportError, match="kg build"):
        export(tmp_path, "graphml")
    r = CliRunner().invoke(app, ["export", str(built_sample.out_dir), "--format", "neo4j-import",
                                 "--to", str(tmp_path / "imp")])
    assert r.exit_code == 0, r.output
    assert "neo4j-admin database import full" in r.output and "--array-delimiter=U+001F" in r.output
    assert (tmp_path / "imp" / "nodes.csv").is_file()
    r = CliRunner().invoke(app, ["export", str(tmp_path / "none"), "--format", "graphml"])
    assert r.exit_code == 1 and "error:" in r.output and "Traceback" not in r.output


def test_style_grass_covers_every_label_and_type():
    """cypher/style.grass: one rule (colour + caption) per label and relationship type kg
    writes; no comments (Neo4j Browser's GraSS parser has none)."""
    import re

    from kg.neo4j_export import ENTITY_LABEL, NODE_LABELS, SUBTYPE_LABELS

    text = (Path(__file__).resolve().parents[1] / "cypher" / "style.grass").read_text(encoding="utf-8")
    assert "/*" not in text and "//" not in text
    rules = dict(re.findall(r"([\w.]+)\s*\{((?:[^{}]|\{\w+\})*)\}", text))
    labels = {*NODE_LABELS.values(), ENTITY_LABEL, *SUBTYPE_LABELS.values()}
    colours = {}
    for label in labels:
        body = rules[f"node.{label}"]
        assert 'caption: "{name}"' in body
        colours[label] = re.search(r"\bcolor:\s*(#[0-9A-Fa-f]{6})", body).group(1)
    assert len(set(colours.values())) == len(labels)          # one colour per label
    for rel in REL_TYPES.values():
        assert 'caption: "<type>"' in rules[f"relationship.{rel}"]
    # :Entity before the primary labels, the organisation subtypes after :Organization
    order = [m for m in re.findall(r"node\.(\w+)", text)]
    assert order.index(ENTITY_LABEL) < order.index("Person")
    assert all(order.index(s) > order.index("Organization") for s in SUBTYPE_LABELS.values())
