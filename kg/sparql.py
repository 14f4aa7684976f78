"""SPARQL over the exported Turtle (``out/graph.ttl``): the library API of the ``kg sparql`` command.

Two engines give the same rows: ``oxigraph`` (pyoxigraph, in-memory store; the default, chosen by
``benchmarks/sparql_engines.py``, see docs/rdf.md) and ``rdflib`` (pure Python baseline).

Parameters: a query names a parameter with a ``VALUES ?name { default }`` block;
``--param name=value`` (or ``params=["name=value"]``) replaces the block's values with the given
value(s), written like the default (same language tag / datatype; ``<...>`` gives an IRI).
Giving the same name several times binds several values.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import sys
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .model import KgError

ENGINES = ("oxigraph", "rdflib")
#: the engine ``engine="auto"`` picks (pyoxigraph measured faster on load and on every query)
DEFAULT_ENGINE = "oxigraph"
FORMATS = ("table", "csv", "json")
#: ``kg sparql`` defaults: rows printed at most, seconds a query may run
DEFAULT_LIMIT = 10000
DEFAULT_TIMEOUT = 60.0

Cell = Any   # str (IRI or plain literal), int, float, bool or None (unbound)

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INT_TYPES = {_XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
    "unsignedByte")}
_FLOAT_TYPES = {_XSD + t for t in ("decimal", "double", "float")}
_BOOL_TYPE = _XSD + "boolean"


# ---------------------------------------------------------------------------------------
# query text: files, prefixes, parameters
# ---------------------------------------------------------------------------------------

# the competency queries shipped with kg (found from any working directory)
_REPO_QUERIES = Path(__file__).resolve().parent.parent / "sparql"


def load_query(query_or_file: str, search_dir: Path | None = None) -> str:
    """The query text: ``query_or_file`` is a file, the name of a query in ``sparql/``
    (``posts_of_person``), ``-`` (read standard input), or the query itself."""
    if query_or_file.strip() == "-":
        query_or_file = sys.stdin.read()
    text = query_or_file.strip()
    if not text:
        raise KgError("empty SPARQL query")
    looks_like_path = "\n" not in text and "{" not in text and len(text) < 1024
    if looks_like_path:
        p = Path(text)
        if p.is_file():
            try:
                return p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise KgError(f"{p}: cannot read query file: {e}") from None
        if re.fullmatch(r"[\w-]+", text):
            dirs = (search_dir,) if search_dir else (Path("sparql"), _REPO_QUERIES)
            for d in dirs:
                q = d / f"{text}.rq"
                if q.is_file():
                    return q.read_text(encoding="utf-8")
        if text.endswith((".rq", ".sparql")):
            raise KgError(f"{p}: no such query file")
    return query_or_file


_PREFIX_DECL = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>")
_TTL_PREFIX = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$")


def file_prefixes(ttl_path: Path) -> dict[str, str]:
    """The ``@prefix`` declarations at the top of a Turtle file."""
    out: dict[str, str] = {}
    with open(ttl_path, encoding="utf-8") as fh:
        for line in fh:
            m = _TTL_PREFIX.match(line.strip())
            if m:
                out[m.group(1) or ""] = m.group(2)
            elif line.strip() and not line.lstrip().startswith("#"):
                break
    return out


def add_prefixes(query: str, prefixes: dict[str, str]) -> str:
    """Prepend ``PREFIX`` lines for the prefixes the query uses but does not declare."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(query)}
    missing = [p for p in sorted(prefixes) if p and p not in declared
               and re.search(rf"(?<![\w<\"?$]){re.escape(p)}:", query)]
    if not missing:
        return query
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in missing) + query


def _values_re(name: str) -> re.Pattern[str]:
    return re.compile(rf"(VALUES\s+[?$]{re.escape(name)}\s*\{{)([^}}]*)(\}})", re.IGNORECASE)


def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


# an absolute IRI as SPARQL's IRIREF allows it (no <>"{}|^`\ and no spaces or controls)
_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^<>"{}|^`\\\x00-\x20]*')
_TEMPLATE_LITERAL = re.compile(r'^(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')(@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^\S+)?')
_TEMPLATE_IRI = re.compile(r"^(?:<[^>]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)(?:\s|$)")


def _format_value(value: str, template: str, name: str = "param") -> str:
    """``value`` as one RDF term of the kind the block's default (``template``) has, written in
    SPARQL syntax by kg (never the user's text as is): an IRI where the default is an IRI (it
    must be a valid absolute IRI), else a literal with the default's language tag or datatype
    (a number or boolean stays one when the value is one)."""
    tmpl = template.strip()
    m = _TEMPLATE_LITERAL.match(tmpl)
    if m is None and _TEMPLATE_IRI.match(tmpl):
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        if not _IRI.fullmatch(iri):
            raise KgError(f"--param {name}: {value!r} is not an IRI (the query's 'VALUES ?{name}' "
                          "holds IRIs: give <scheme:...> without spaces or <>\"{{}}|^`\\)")
        return f"<{iri}>"
    if m:
        return f'"{_escape(value)}"{m.group(1) or ""}'
    if re.fullmatch(r"[+-]?\d+", value) and re.match(r"^[+-]?\d+(?:\s|$)", tmpl):
        return value
    if re.fullmatch(r"[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?", value) \
            and re.match(r"^[+-]?(?:\d|\.\d)", tmpl):
        return value
    if value in ("true", "false") and re.match(r"^(?:true|false)(?:\s|$)", tmpl):
        return value
    return f'"{_escape(value)}"'


def parse_params(items: Iterable[str] | None) -> list[tuple[str, str]]:
    """``["name=value", ...]`` -> ``[(name, value), ...]`` (a clear error for a bad item)."""
    out = []
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", name):
            raise KgError(f"--param expects NAME=VALUE, got {item!r}")
        out.append((name, value))
    return out


def bind_params(query: str, params: Iterable[str] | Sequence[tuple[str, str]] | None) -> str:
    """Replace the values of ``VALUES ?name { ... }`` blocks by the given parameters, each written
    as an RDF term (see :func:`_format_value`).  Every block is located in the query as given
    before any is replaced, so a value can never be taken for (part of) another block."""
    items = list(params or ())
    pairs = parse_params(items) if items and isinstance(items[0], str) else list(items)
    grouped: OrderedDict[str, list[str]] = OrderedDict()
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    edits: list[tuple[int, int, str]] = []
    for name, values in grouped.items():
        blocks = list(_values_re(name).finditer(query))
        if not blocks:
            raise KgError(f"--param {name}: the query has no 'VALUES ?{name} {{ ... }}' block "
                          "to bind")
        for m in blocks:
            body = " ".join(_format_value(v, m.group(2), name) for v in values)
            edits.append((m.start(2), m.end(2), f" {body} "))
    for start, end, text in sorted(edits, reverse=True):
        query = query[:start] + text + query[end:]
    return query


# ---------------------------------------------------------------------------------------
# what a query may do: read-only, offline
# ---------------------------------------------------------------------------------------

# strings, IRIs and comments: blanked before looking for keywords
_OPAQUE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                     r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_UPDATE_OPS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


class QueryRefused(KgError):
    """The query is an update, or would call out to another server (SERVICE).  ``reason`` is
    ``"update"`` (``operation`` names it: INSERT, DROP…) or ``"service"``, so that another front
    end (kg serve) can word the refusal its own way."""

    def __init__(self, message: str, reason: str, operation: str = ""):
        super().__init__(message)
        self.reason = reason
        self.operation = operation


def check_query(query: str, allow_service: bool = False) -> None:
    """Refuse SPARQL updates (kg's graph file is read-only here) and, unless ``allow_service``,
    ``SERVICE`` (a federated query makes the engine fetch from another server; kg runs offline)."""
    bare = _OPAQUE.sub(" ", query)
    if not allow_service and re.search(r"(?<![\w?$:])SERVICE(?![\w:-])", bare, re.IGNORECASE):
        raise QueryRefused("the query uses SERVICE, which makes the SPARQL engine send requests to "
                           "another server; kg sparql runs offline (pass --allow-service to allow it)",
                           "service")
    body = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*", "", bare)
    first = re.match(r"\s*([A-Za-z]+)", body)
    if first and first.group(1).upper() in _UPDATE_OPS:
        op = first.group(1).upper()
        raise QueryRefused(f"{op} is a SPARQL update; kg sparql only runs queries "
                           "(SELECT, ASK, CONSTRUCT, DESCRIBE) on the exported graph", "update", op)


# ---------------------------------------------------------------------------------------
# engines
# ---------------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple, Any] = OrderedDict()
_CACHE_SIZE = 4


def _one_line(e: BaseException, limit: int = 300) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    if "Prefix not found" in text:          # oxigraph lists every possible character here
        where = re.match(r"error at (\d+:\d+)", text)
        return f"undeclared prefix{' at ' + where.group(1) if where else ''}"
    # drop oxigraph's character-class alternatives (['A' ..= 'Z' | …]): noise for a user
    text = re.sub(r",?\s*\[[^\[\]]*\.\.=[^\[\]]*\]", "", text)
    return text if len(text) <= limit else text[:limit] + " …"


def _check_graph(ttl_path: str | Path) -> Path:
    p = Path(ttl_path)
    from .outputs import settle
    settle(p.parent)   # finish a build killed while replacing its files (no-op otherwise)
    if not p.is_file():
        raise KgError(f"graph file not found: {p} (run `kg build DIR --out {p.parent}` first)")
    return p


def load_store(ttl_path: str | Path, engine: str):
    """Load the Turtle file into ``engine`` (cached on path, size and mtime)."""
    p = _check_graph(ttl_path)
    st = p.stat()
    key = (engine, str(p.resolve()), st.st_size, st.st_mtime_ns)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    try:
        if engine == "oxigraph":
            import pyoxigraph as ox
            store = ox.Store()
            store.load(path=str(p), format=ox.RdfFormat.TURTLE)
        elif engine == "rdflib":
            from rdflib import Graph
            store = Graph()
            store.parse(str(p), format="turtle")
        else:
            raise KgError(f"unknown SPARQL engine {engine!r} (choose auto, {', '.join(ENGINES)})")
    except KgError:
        raise
    except Exception as e:  # noqa: BLE001 - parser errors of either library
        raise KgError(f"{p}: cannot parse Turtle: {_one_line(e)}") from None
    _CACHE[key] = store
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return store


def _lit(lexical: str, datatype: str | None) -> Cell:
    try:
        if datatype in _INT_TYPES:
            return int(lexical)
        if datatype in _FLOAT_TYPES:
            return float(lexical)
        if datatype == _BOOL_TYPE:
            return lexical.strip() in ("true", "1")
    except ValueError:
        pass
    return lexical


def _ox_cell(term) -> Cell:
    import pyoxigraph as ox
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        return _lit(term.value, term.datatype.value if term.datatype else None)
    return str(term)


def _rdflib_cell(term) -> Cell:
    from rdflib import BNode, Literal, URIRef
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        return _lit(str(term), str(term.datatype) if term.datatype else None)
    return str(term)


def _run_oxigraph(store, query: str) -> tuple[list[str], Iterator[tuple]]:
    """(columns, a lazy iterator of rows): solutions are computed as they are read."""
    import pyoxigraph as ox
    try:
        res = store.query(query)
    except SyntaxError as e:
        raise KgError(f"SPARQL syntax error: {_one_line(e)}") from None
    except Exception as e:  # noqa: BLE001 - evaluation errors
        raise KgError(f"SPARQL query failed: {_one_line(e)}") from None
    if isinstance(res, ox.QueryBoolean):
        return ["ask"], iter([(bool(res),)])
    if isinstance(res, ox.QuerySolutions):
        cols = [v.value for v in res.variables]
        return cols, (tuple(_ox_cell(sol[c]) for c in cols) for sol in res)
    return ["subject", "predicate", "object"], (
        (_ox_cell(t.subject), _ox_cell(t.predicate), _ox_cell(t.object)) for t in res)


def _run_rdflib(graph, query: str) -> tuple[list[str], Iterator[tuple]]:
    from rdflib.plugins.sparql import prepareQuery
    try:
        prepared = prepareQuery(query)
    except Exception as e:  # noqa: BLE001 - pyparsing errors
        raise KgError(f"SPARQL syntax error: {_one_line(e)}") from None
    try:
        res = graph.query(prepared)
        if res.type == "ASK":
            return ["ask"], iter([(bool(res.askAnswer),)])
        if res.type == "SELECT":
            cols = [str(v) for v in res.vars]
            return cols, (tuple(_rdflib_cell(row[i]) for i in range(len(cols))) for row in res)
        return ["subject", "predicate", "object"], (tuple(_rdflib_cell(t) for t in triple) for triple in res)
    except KgError:
        raise
    except Exception as e:  # noqa: BLE001 - evaluation errors
        raise KgError(f"SPARQL query failed: {_one_line(e)}") from None


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False      # more rows than ``limit``: only the first ``limit`` are here


class QueryTimeout(KgError):
    """The query ran longer than its timeout (and was stopped)."""


def _evaluate(store, eng: str, q: str, limit: Optional[int]) -> QueryResult:
    cols, it = _run_oxigraph(store, q) if eng == "oxigraph" else _run_rdflib(store, q)
    try:
        if limit is None:
            return QueryResult(cols, list(it))
        rows = list(itertools.islice(it, limit + 1))
    except KgError:
        raise
    except Exception as e:  # noqa: BLE001 - evaluation errors raised while reading rows
        raise KgError(f"SPARQL query failed: {_one_line(e)}") from None
    return QueryResult(cols, rows[:limit], truncated=len(rows) > limit)


def _child(conn, store, eng: str, q: str, limit: Optional[int]) -> None:  # pragma: no cover - child
    try:
        conn.send(("ok", _evaluate(store, eng, q, limit)))
    except KgError as e:
        conn.send(("error", str(e)))
    except BaseException as e:  # noqa: BLE001
        conn.send(("error", f"SPARQL query failed: {_one_line(e)}"))
    conn.close()


def _evaluate_with_timeout(store, eng: str, q: str, limit: Optional[int], timeout: float) -> QueryResult:
    """Evaluate in a forked child (it shares the loaded store) that is killed after ``timeout``
    seconds: an engine cannot be interrupted from Python while it computes one row."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, store, eng, q, limit), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            raise QueryTimeout(f"the query ran over the {timeout:g} s timeout and was stopped "
                               "(raise it with --timeout, 0 = none; or add a LIMIT)")
        try:
            status, payload = recv.recv()
        except EOFError:
            raise KgError(f"SPARQL query failed: the query process died (exit {proc.exitcode}; "
                          "out of memory?)") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    if status == "error":
        raise KgError(payload)
    return payload


def query(query: str, ttl_path: str | Path, engine: str = "auto",
          params: Iterable[str] | Sequence[tuple[str, str]] | None = None, *,
          limit: Optional[int] = None, timeout: Optional[float] = None,
          allow_service: bool = False) -> QueryResult:
    """Run ``query`` on the Turtle file.  Rows are read from the engine as it produces them and
    at most ``limit`` are kept (``truncated`` says when there were more); with ``timeout``
    (seconds) the query runs in a child process that is stopped when the time is up
    (:class:`QueryTimeout`).  Updates and ``SERVICE`` (unless ``allow_service``) are refused
    (:class:`QueryRefused`)."""
    eng = DEFAULT_ENGINE if engine == "auto" else engine
    if eng not in ENGINES:
        raise KgError(f"unknown SPARQL engine {engine!r} (choose auto, {', '.join(ENGINES)})")
    if limit is not None and limit < 0:
        raise KgError(f"limit must be 0 or more (got {limit})")
    p = _check_graph(ttl_path)
    q = bind_params(query, params) if params else query
    check_query(q, allow_service=allow_service)
    q = add_prefixes(q, file_prefixes(p))
    store = load_store(p, eng)
    if timeout:
        return _evaluate_with_timeout(store, eng, q, limit, timeout)
    return _evaluate(store, eng, q, limit)


def run(query_text: str, ttl_path: str | Path, engine: str = "auto",
        params: Iterable[str] | Sequence[tuple[str, str]] | None = None, *,
        limit: Optional[int] = None, timeout: Optional[float] = None,
        allow_service: bool = False) -> tuple[list[str], list[tuple]]:
    """Run ``query`` on the Turtle file; returns (column names, rows) -- see :func:`query`.

    Cells: IRIs as strings, literals as Python values (int for xsd integers, float for
    decimal/double, bool for boolean, the lexical form otherwise), ``None`` when unbound.
    Prefixes of the Turtle file that the query uses without declaring are added.
    """
    res = query(query_text, ttl_path, engine, params, limit=limit, timeout=timeout,
                allow_service=allow_service)
    return res.columns, res.rows


# ---------------------------------------------------------------------------------------
# output (the ``kg sparql`` command itself is in kg/cli.py)
# ---------------------------------------------------------------------------------------

def cell_text(cell: Cell) -> str:
    """A result cell as text (unbound: empty; booleans: true/false)."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell)


def format_csv(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([cell_text(c) for c in r])
    return buf.getvalue()


def format_json(columns: Sequence[str], rows: Sequence[tuple]) -> str:
    return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=2)
