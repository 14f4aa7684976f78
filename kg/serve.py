"""``kg serve``: a small web app over a built graph (standard library ``http.server``).

* ``/sparql`` -- a read-only SPARQL 1.1 Protocol endpoint over ``OUT/graph.ttl`` (kg's oxigraph
  store from :mod:`kg.sparql`): GET or POST (form or ``application/sparql-query``), results as
  SPARQL JSON / XML / CSV / TSV (SELECT, ASK) or Turtle / N-Triples (CONSTRUCT, DESCRIBE) by
  ``Accept`` header (or ``format=``).  SPARQL Update and ``SERVICE`` are refused (403) and at most
  ``max_rows`` rows are returned (header ``X-KG-Truncated`` when cut).
* ``/`` -- the explorer (``kg/web/``): search by name or alias (Simplified or Traditional), the
  entity's neighbourhood drawn with the vendored cytoscape.js, filters by relation and type, the
  evidence of an edge and its document with the span highlighted in the original text; the
  competency queries of ``sparql/`` one click away.
* ``/api/...`` -- the JSON the explorer uses (see docs/serve.md).

The library raises :class:`ServeError` (a :class:`KgError`); the CLI formats it.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
import threading
import unicodedata
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

from .model import KgError, document_id

WEB_DIR = Path(__file__).resolve().parent / "web"
# the competency queries (repo checkout / editable install); `queries_dir` overrides
QUERIES_DIR = Path(__file__).resolve().parent.parent / "sparql"

DEFAULT_MAX_ROWS = 10_000
MAX_NEIGHBOURS = 300          # nodes drawn at most per neighbourhood request
MAX_QUERY_BYTES = 100_000


class ServeError(KgError):
    """A problem with a request or with the served output directory.  ``status`` is the HTTP
    status the server answers with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


# ---------------------------------------------------------------------------------------------
# text normalisation for search: NFKC, case-folded, Traditional -> Simplified
# ---------------------------------------------------------------------------------------------
_T2S = None
_T2S_LOCK = threading.Lock()


def normalise(text: str) -> str:
    """The search key of a name: NFKC, case-folded, Simplified script, no spaces."""
    global _T2S
    with _T2S_LOCK:
        if _T2S is None:
            from opencc import OpenCC
            _T2S = OpenCC("t2s")
        conv = _T2S
    s = unicodedata.normalize("NFKC", text).casefold()
    s = re.sub(r"\s+", "", s)
    return conv.convert(s)


# ---------------------------------------------------------------------------------------------
# the graph behind the explorer
# ---------------------------------------------------------------------------------------------
def _edge_id(u: str, relation: str, v: str) -> str:
    return f"{u}|{relation}|{v}"


class GraphIndex:
    """``OUT/graph.json`` loaded for the explorer: search, neighbourhoods, evidence, documents."""

    def __init__(self, out_dir: str | Path):
        from .graph import read_graph

        self.out_dir = Path(out_dir)
        path = self.out_dir / "graph.json"
        if not path.is_file():
            raise ServeError(f"{path}: no such file (run `kg build DIR --out {self.out_dir}` first)")
        try:
            self.graph = read_graph(path)
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ServeError(f"{path}: not a kg graph file ({' '.join(str(e).split())[:200]})") from None
        G = self.graph
        self.docs_by_name: dict[str, str] = {}
        self._keys: list[tuple[str, list[str]]] = []
        for n, a in G.nodes(data=True):
            if a.get("type") == "Document":
                self.docs_by_name[str(a.get("name"))] = n
            names = [str(a.get("name") or n), *map(str, a.get("aliases") or [])]
            self._keys.append((n, [normalise(x) for x in names]))

    # -- nodes -----------------------------------------------------------------------------
    def node(self, node_id: str) -> dict[str, Any]:
        if node_id not in self.graph:
            raise ServeError(f"no node {node_id!r} in the graph", 404)
        a = self.graph.nodes[node_id]
        out = {"id": node_id, "name": a.get("name") or node_id, "type": a.get("type"),
               "subtype": a.get("subtype"), "aliases": list(a.get("aliases") or []),
               "docs": list(a.get("docs") or []), "degree": self.graph.degree(node_id)}
        for k in ("title", "org", "path", "chars", "encoding"):
            if a.get(k) is not None:
                out[k] = a[k]
        return out

    def _brief(self, node_id: str) -> dict[str, Any]:
        a = self.graph.nodes[node_id]
        return {"id": node_id, "name": a.get("name") or node_id, "type": a.get("type"),
                "subtype": a.get("subtype"), "aliases": list(a.get("aliases") or []),
                "degree": self.graph.degree(node_id)}

    def search(self, query: str, limit: int = 20, types: Optional[set[str]] = None) -> list[dict]:
        """Nodes whose name or an alias matches ``query`` (exact, then prefix, then substring;
        Traditional and Simplified alike), best first, then by degree."""
        q = normalise(query)
        if not q:
            return []
        hits: list[tuple[int, int, str, str]] = []
        for n, keys in self._keys:
            a = self.graph.nodes[n]
            if types and a.get("type") not in types:
                continue
            rank = min((0 if k == q else 1 if k.startswith(q) else 2 if q in k else 9) for k in keys)
            if rank < 9:
                hits.append((rank, -self.graph.degree(n), str(a.get("name") or n), n))
        hits.sort()
        out = []
        for rank, _, _, n in hits[:limit]:
            b = self._brief(n)
            b["match"] = ("exact", "prefix", "substring")[rank]
            out.append(b)
        return out

    # -- edges -----------------------------------------------------------------------------
    def _edge(self, u: str, v: str, key: str, attrs: dict) -> dict[str, Any]:
        rel = attrs.get("relation", key)
        return {"id": _edge_id(u, rel, v), "source": u, "target": v, "relation": rel,
                "confidence": attrs.get("confidence"), "evidence": len(attrs.get("evidence") or [])}

    def neighbourhood(self, node_id: str, depth: int = 1, relations: Optional[set[str]] = None,
                      types: Optional[set[str]] = None, documents: bool = False,
                      limit: int = MAX_NEIGHBOURS) -> dict[str, Any]:
        """The nodes within ``depth`` hops of ``node_id`` (both directions) and the edges among
        them, keeping only ``relations``/``types`` when given.  ``mentioned_in`` edges (entity ->
        document) only with ``documents``.  At most ``limit`` nodes (``truncated`` then)."""
        G = self.graph
        if node_id not in G:
            raise ServeError(f"no node {node_id!r} in the graph", 404)
        depth = max(1, min(int(depth), 3))

        def edge_ok(attrs: dict, key: str) -> bool:
            rel = attrs.get("relation", key)
            if rel == "mentioned_in" and not documents:
                return False
            return relations is None or rel in relations

        def node_ok(n: str) -> bool:
            t = G.nodes[n].get("type")
            if t == "Document":
                return documents
            return types is None or t in types

        seen = {node_id}
        frontier = [node_id]
        truncated = False
        for _ in range(depth):
            nxt = []
            for n in frontier:
                incident = [(v, k, a) for _, v, k, a in G.out_edges(n, keys=True, data=True)]
                incident += [(u, k, a) for u, _, k, a in G.in_edges(n, keys=True, data=True)]
                incident.sort(key=lambda t: (-G.degree(t[0]), t[0]))
                for other, key, attrs in incident:
                    if other in seen or not edge_ok(attrs, key) or not node_ok(other):
                        continue
                    if len(seen) >= limit:
                        truncated = True
                        break
                    seen.add(other)
                    nxt.append(other)
            frontier = nxt
        edges = [self._edge(u, v, k, a) for u, v, k, a in G.subgraph(seen).edges(keys=True, data=True)
                 if edge_ok(a, k)]
        nodes = [self._brief(n) for n in sorted(seen)]
        for nd in nodes:
            nd["center"] = nd["id"] == node_id
        edges.sort(key=lambda e: e["id"])
        return {"center": node_id, "nodes": nodes, "edges": edges, "truncated": truncated}

    def edge(self, source: str, target: str, relation: str) -> dict[str, Any]:
        """An edge with its evidence (sentence, document, original offsets)."""
        G = self.graph
        if not G.has_edge(source, target, key=relation):
            raise ServeError(f"no {relation!r} edge {source!r} -> {target!r} in the graph", 404)
        attrs = G.edges[source, target, relation]
        out = self._edge(source, target, relation, attrs)
        out["source_node"] = self._brief(source)
        out["target_node"] = self._brief(target)
        ev = []
        for e in attrs.get("evidence") or []:
            item = dict(e)
            item["document"] = document_id(str(e.get("doc")))
            ev.append(item)
        out["evidence"] = ev
        return out

    # -- documents -------------------------------------------------------------------------
    def document(self, doc: str, start: Optional[int] = None, end: Optional[int] = None) -> dict[str, Any]:
        """A document's original text, cut into segments with the span [start, end) marked
        (offsets into the decoded original, as the facts' ``orig_start``/``orig_end``)."""
        from .originals import OriginalUnavailable, read_original

        node_id = doc if doc in self.graph else self.docs_by_name.get(doc)
        if node_id is None or self.graph.nodes[node_id].get("type") != "Document":
            raise ServeError(f"no document {doc!r} in the graph", 404)
        a = self.graph.nodes[node_id]
        out: dict[str, Any] = {"id": node_id, "name": a.get("name"), "path": a.get("path"),
                               "encoding": a.get("encoding"), "chars": a.get("chars")}
        try:
            text = read_original(self.out_dir, {"id": node_id, **a})
        except OriginalUnavailable as e:
            out["error"] = str(e)
            out["segments"] = []
            return out
        if start is not None and end is not None and 0 <= start <= end <= len(text):
            out["segments"] = [{"text": text[:start], "mark": False},
                               {"text": text[start:end], "mark": True},
                               {"text": text[end:], "mark": False}]
            out["span"] = [start, end]
        else:
            out["segments"] = [{"text": text, "mark": False}]
            if start is not None and start >= 0:
                out["error"] = f"span [{start}, {end}) is outside the document ({len(text)} characters)"
        return out

    def stats(self) -> dict[str, Any]:
        from .graph import graph_summary

        return graph_summary(self.graph)


# ---------------------------------------------------------------------------------------------
# SPARQL protocol
# ---------------------------------------------------------------------------------------------
def check_read_only(query: str) -> None:
    """Refuse SPARQL Update and federated ``SERVICE`` (403) with kg sparql's own check; a plain
    query passes."""
    from .sparql import QueryRefused, check_query

    try:
        check_query(query)
    except QueryRefused as e:
        if e.reason == "update":
            raise ServeError(f"this endpoint is read-only: SPARQL Update ({e.operation} ...) is refused",
                             403) from None
        raise ServeError("federated queries (SERVICE) are refused: this endpoint only answers "
                         "from its own graph", 403) from None


def _parse_accept(header: str) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q - i * 1e-6))
    return sorted(out, key=lambda t: -t[1])


RESULT_TYPES = {   # SELECT / ASK
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {    # CONSTRUCT / DESCRIBE
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}
_ALIASES = {"application/json": "json", "text/json": "json", "application/xml": "xml",
            "text/xml": "xml", "text/plain": "ntriples", "ttl": "turtle", "nt": "ntriples"}


def negotiate(accept: str | None, fmt: str | None, graph_result: bool) -> str:
    """The format name to answer in (``fmt`` = an explicit ``format=`` parameter wins)."""
    table = GRAPH_TYPES if graph_result else RESULT_TYPES
    default = "turtle" if graph_result else "json"
    if fmt:
        f = _ALIASES.get(fmt.lower(), fmt.lower())
        for name, mime in table.items():
            if f in (name, mime):
                return name
        raise ServeError(f"unknown format {fmt!r} for this query (choose {', '.join(table)})", 406)
    if not accept:
        return default
    for mime, q in _parse_accept(accept):
        if q <= 0:
            continue
        if mime in ("*/*", "application/*", "text/*"):
            return default
        name = _ALIASES.get(mime)
        for n, m in table.items():
            if mime == m:
                name = n
        if name in table:
            return name
    raise ServeError(f"cannot answer in {accept!r} (this query gives "
                     f"{', '.join(table.values())})", 406)


def _term_json(t) -> dict[str, str]:
    import pyoxigraph as ox
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d: dict[str, str] = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t.datatype.value
        return d
    return {"type": "literal", "value": str(t)}


def _term_csv(t) -> str:
    import pyoxigraph as ox
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    return t.value if hasattr(t, "value") else str(t)


def _term_tsv(t) -> str:
    return "" if t is None else str(t)   # pyoxigraph's str() is the N-Triples/Turtle form


def _xml_escape(s: str) -> str:
    from xml.sax.saxutils import escape
    return escape(s, {'"': "&quot;"})


@dataclass
class SparqlAnswer:
    body: bytes
    content_type: str
    rows: int
    truncated: bool


def sparql_answer(ttl_path: Path, query: str, accept: str | None = None, fmt: str | None = None,
                  max_rows: int = DEFAULT_MAX_ROWS) -> SparqlAnswer:
    """Run a read-only query on ``ttl_path`` and serialise the result."""
    import pyoxigraph as ox

    from .sparql import add_prefixes, file_prefixes, load_store

    if not query or not query.strip():
        raise ServeError("no query: give one as the `query` parameter or as an "
                         "application/sparql-query body")
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise ServeError(f"query longer than {MAX_QUERY_BYTES} bytes", 413)
    check_read_only(query)
    try:
        store = load_store(ttl_path, "oxigraph")
        q = add_prefixes(query, file_prefixes(ttl_path))
    except KgError as e:
        raise ServeError(str(e), 500) from None
    try:
        res = store.query(q)
    except SyntaxError as e:
        raise ServeError(f"SPARQL syntax error: {' '.join(str(e).split())[:300]}") from None
    except Exception as e:  # noqa: BLE001 - evaluation errors of oxigraph
        raise ServeError(f"SPARQL query failed: {' '.join(str(e).split())[:300]}") from None

    if isinstance(res, ox.QueryBoolean):
        name = negotiate(accept, fmt, False)
        value = bool(res)
        if name == "json":
            body = json.dumps({"head": {}, "boolean": value})
        elif name == "xml":
            body = ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n")
        else:
            body = ("_askResult\r\n" if name == "csv" else "?_askResult\n") + ("true" if value else "false") + "\n"
        return SparqlAnswer(body.encode("utf-8"), RESULT_TYPES[name], 1, False)

    try:
        if isinstance(res, ox.QuerySolutions):
            name = negotiate(accept, fmt, False)
            cols = [v.value for v in res.variables]
            rows, truncated = [], False
            for sol in res:
                if len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append([sol[c] for c in cols])
            return SparqlAnswer(_select_body(name, cols, rows).encode("utf-8"), RESULT_TYPES[name],
                                len(rows), truncated)
        name = negotiate(accept, fmt, True)
        triples, truncated = [], False
        for t in res:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(t)
        rdf_format = ox.RdfFormat.TURTLE if name == "turtle" else ox.RdfFormat.N_TRIPLES
        body = ox.serialize(triples, format=rdf_format) or b""
        return SparqlAnswer(body, GRAPH_TYPES[name], len(triples), truncated)
    except ServeError:
        raise
    except Exception as e:  # noqa: BLE001 - evaluation errors surface while iterating
        raise ServeError(f"SPARQL query failed: {' '.join(str(e).split())[:300]}") from None


def _select_body(name: str, cols: list[str], rows: list[list]) -> str:
    if name == "json":
        bindings = [{c: _term_json(t) for c, t in zip(cols, r) if t is not None} for r in rows]
        return json.dumps({"head": {"vars": cols}, "results": {"bindings": bindings}},
                          ensure_ascii=False)
    if name == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([_term_csv(t) for t in r])
        return buf.getvalue()
    if name == "tsv":
        lines = ["\t".join("?" + c for c in cols)]
        lines += ["\t".join(_term_tsv(t) for t in r) for r in rows]
        return "\n".join(lines) + "\n"
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    parts += [f'<variable name="{_xml_escape(c)}"/>' for c in cols]
    parts.append("</head>\n<results>\n")
    for r in rows:
        parts.append("<result>")
        for c, t in zip(cols, r):
            if t is None:
                continue
            j = _term_json(t)
            if j["type"] == "uri":
                inner = f"<uri>{_xml_escape(j['value'])}</uri>"
            elif j["type"] == "bnode":
                inner = f"<bnode>{_xml_escape(j['value'])}</bnode>"
            else:
                attr = (f' xml:lang="{_xml_escape(j["xml:lang"])}"' if "xml:lang" in j else
                        f' datatype="{_xml_escape(j["datatype"])}"' if "datatype" in j else "")
                inner = f"<literal{attr}>{_xml_escape(j['value'])}</literal>"
            parts.append(f'<binding name="{_xml_escape(c)}">{inner}</binding>')
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# competency queries
# ---------------------------------------------------------------------------------------------
def competency_queries(queries_dir: Optional[Path] = None) -> list[dict[str, str]]:
    """The ``.rq`` files of ``sparql/``: name, question (``# Question:`` line), notes, text."""
    d = queries_dir or (QUERIES_DIR if QUERIES_DIR.is_dir() else Path("sparql"))
    out: list[dict[str, str]] = []
    if not d.is_dir():
        return out
    for p in sorted(d.glob("*.rq")):
        text = p.read_text(encoding="utf-8")
        fields: list[list[str]] = []          # [key, text] of the header's "# Key: text" lines
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            m = re.match(r"([A-Za-z]+):\s*(.*)", body)
            if m and not line[1:].startswith("   "):
                fields.append([m.group(1).lower(), m.group(2)])
            elif fields and body:
                fields[-1][1] += " " + body     # an indented continuation line
        info = {k: v for k, v in fields}
        q = info.pop("question", "")
        cut = q.find("?") + 1 or q.find("？") + 1 or len(q)
        question, rest = q[:cut].strip(), q[cut:].strip()
        info.pop("run", None)
        notes = [rest] if rest else []
        notes += [f"{k.capitalize()}: {v}" for k, v in info.items()]
        out.append({"name": p.stem, "question": question or p.stem, "notes": " ".join(notes),
                    "query": text})
    return out


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------
def _static_files() -> dict[str, Path]:
    files = {}
    if WEB_DIR.is_dir():
        for p in WEB_DIR.rglob("*"):
            if p.is_file():
                files[p.relative_to(WEB_DIR).as_posix()] = p
    return files


class KgServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, out_dir: Path, host: str, port: int, max_rows: int = DEFAULT_MAX_ROWS,
                 queries_dir: Optional[Path] = None, quiet: bool = True, cors: Optional[str] = None):
        self.out_dir = Path(out_dir)
        self.cors = cors
        self.ttl_path = self.out_dir / "graph.ttl"
        self.max_rows = max_rows
        self.queries_dir = queries_dir
        self.quiet = quiet
        self._index: Optional[GraphIndex] = None
        self._index_key: Any = None
        self._lock = threading.Lock()
        self.static = _static_files()
        self.index()                          # fail early on a missing/bad graph.json
        if not self.ttl_path.is_file():
            raise ServeError(f"{self.ttl_path}: no such file (run `kg build DIR --out {self.out_dir}` first)")
        try:
            super().__init__((host, port), Handler)
        except OSError as e:
            raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None

    def index(self) -> GraphIndex:
        """The graph index, reloaded when graph.json changed (a rebuild while serving)."""
        p = self.out_dir / "graph.json"
        try:
            st = p.stat()
            key = (st.st_size, st.st_mtime_ns)
        except OSError:
            key = None
        with self._lock:
            if self._index is None or (key is not None and key != self._index_key):
                self._index = GraphIndex(self.out_dir)
                self._index_key = key
            return self._index

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


def _int_param(params: dict, name: str, default: Optional[int] = None) -> Optional[int]:
    v = params.get(name, [None])[0]
    if v is None or v == "":
        return default
    try:
        return int(v)
    except ValueError:
        raise ServeError(f"parameter {name} must be an integer, got {v!r}") from None


def _set_param(params: dict, name: str) -> Optional[set[str]]:
    if name not in params:
        return None
    return {x for v in params[name] for x in v.split(",") if x}


class Handler(BaseHTTPRequestHandler):
    server: KgServer
    server_version = "kg-serve"

    def log_message(self, fmt: str, *args: Any) -> None:  # noqa: D401 - http.server hook
        if not self.server.quiet:
            super().log_message(fmt, *args)

    # -- plumbing --------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str, headers: Optional[dict] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, obj: Any, status: int = 200) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=utf-8")

    def _error(self, e: ServeError) -> None:
        if self.path.startswith("/sparql"):
            self._send(e.status, (str(e) + "\n").encode("utf-8"), "text/plain; charset=utf-8")
        else:
            self._json({"error": str(e)}, e.status)

    def _cors(self) -> dict[str, str]:
        """CORS headers for /sparql, only when the server was started with ``cors``."""
        if not self.server.cors:
            return {}
        return {"Access-Control-Allow-Origin": self.server.cors,
                "Access-Control-Expose-Headers": "X-KG-Rows, X-KG-Truncated"}

    def do_OPTIONS(self) -> None:  # noqa: N802 - CORS preflight of a browser SPARQL client
        if urlsplit(self.path).path != "/sparql" or not self.server.cors:
            return self._error(ServeError(f"OPTIONS is not allowed on {self.path}", 405))
        self._send(204, b"", "text/plain", {**self._cors(), "Access-Control-Allow-Methods": "GET, POST",
                                             "Access-Control-Allow-Headers": "Content-Type, Accept",
                                             "Access-Control-Max-Age": "600"})

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802
        try:
            self._route("GET", None)
        except ServeError as e:
            self._error(e)

    def do_POST(self) -> None:  # noqa: N802
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_QUERY_BYTES * 4:
                raise ServeError("request body too large", 413)
            body = self.rfile.read(length) if length else b""
            self._route("POST", body)
        except ServeError as e:
            self._error(e)

    # -- routes ----------------------------------------------------------------------------
    def _route(self, method: str, body: Optional[bytes]) -> None:
        raw = self.path
        try:    # http.server decodes the request line as Latin-1; raw UTF-8 (curl) is fine too
            raw = raw.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        url = urlsplit(raw)
        path = url.path
        params = parse_qs(url.query, keep_blank_values=True)
        if path == "/sparql":
            return self._sparql(method, params, body)
        if method != "GET":
            raise ServeError(f"{method} is not allowed on {path}", 405)
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path.startswith("/api/"):
            return self._api(path[len("/api/"):], params)
        raise ServeError(f"not found: {path}", 404)

    def _static(self, name: str) -> None:
        p = self.server.static.get(name)
        if p is None:
            raise ServeError(f"not found: {name}", 404)
        ctype = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "text/javascript"):
            ctype += "; charset=utf-8"
        self._send(200, p.read_bytes(), ctype, {"Cache-Control": "no-cache"})

    def _api(self, name: str, params: dict) -> None:
        idx = self.server.index()
        one = lambda k, d=None: params.get(k, [d])[0]  # noqa: E731
        if name == "stats":
            return self._json({**idx.stats(), "out": str(self.server.out_dir)})
        if name == "search":
            limit = max(1, min(_int_param(params, "limit", 20) or 20, 200))
            return self._json({"query": one("q", ""),
                               "results": idx.search(one("q", "") or "", limit, _set_param(params, "types"))})
        if name == "node":
            return self._json(idx.node(one("id") or ""))
        if name == "neighbourhood":
            return self._json(idx.neighbourhood(
                one("id") or "", depth=_int_param(params, "depth", 1) or 1,
                relations=_set_param(params, "relations"), types=_set_param(params, "types"),
                documents=one("documents", "0") in ("1", "true", "yes")))
        if name == "edge":
            return self._json(idx.edge(one("source") or "", one("target") or "", one("relation") or ""))
        if name == "document":
            return self._json(idx.document(one("id") or "", _int_param(params, "start"),
                                           _int_param(params, "end")))
        if name == "queries":
            return self._json(competency_queries(self.server.queries_dir))
        raise ServeError(f"not found: /api/{name}", 404)

    def _sparql(self, method: str, params: dict, body: Optional[bytes]) -> None:
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        query = None
        if method == "POST":
            text = (body or b"").decode("utf-8", errors="replace")
            if ctype == "application/sparql-update" or (
                    ctype == "application/x-www-form-urlencoded" and "update" in parse_qs(text)):
                raise ServeError("this endpoint is read-only: SPARQL Update is refused", 403)
            if ctype == "application/sparql-query":
                query = text
            elif ctype == "application/x-www-form-urlencoded":
                form = parse_qs(text, keep_blank_values=True)
                params = {**params, **form}
                query = form.get("query", [None])[0]
            else:
                raise ServeError("POST a query as application/x-www-form-urlencoded (query=...) "
                                 "or as an application/sparql-query body", 415)
        else:
            if "update" in params:
                raise ServeError("this endpoint is read-only: SPARQL Update is refused", 403)
            query = params.get("query", [None])[0]
        if query is None and method == "GET" and not params:
            # a plain visit: send people to the explorer's query panel
            return self._send(303, b"", "text/plain", {"Location": "/#queries"})
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise ServeError("default-graph-uri / named-graph-uri are not supported: the endpoint "
                             "serves one graph")
        ans = sparql_answer(self.server.ttl_path, query or "", self.headers.get("Accept"),
                            params.get("format", [None])[0], self.server.max_rows)
        headers = {"X-KG-Rows": str(ans.rows), "Vary": "Accept", **self._cors()}
        if ans.truncated:
            headers["X-KG-Truncated"] = f"max-rows={self.server.max_rows}"
        ctype_out = ans.content_type + ("; charset=utf-8" if not ans.content_type.endswith("json") else "")
        self._send(200, ans.body, ctype_out, headers)


def make_server(out_dir: str | Path = "out", host: str = "127.0.0.1", port: int = 8000,
                max_rows: int = DEFAULT_MAX_ROWS, queries_dir: Optional[Path] = None,
                quiet: bool = True, cors: Optional[str] = None) -> KgServer:
    """A server for the graph in ``out_dir`` (call ``serve_forever()``; port 0 = any free port).
    ``cors``: the origin allowed to call /sparql from a browser (e.g. ``*``; default none).
    Raises :class:`ServeError` when the graph is missing or the address is taken."""
    return KgServer(Path(out_dir), host, port, max_rows=max_rows, queries_dir=queries_dir,
                    quiet=quiet, cors=cors)
