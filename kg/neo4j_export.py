"""Load kg's graph into Neo4j (or any Bolt server speaking Neo4j 5 Cypher) over Bolt.

What ends up in the database (see ``docs/neo4j.md``):

* one node per graph node, labelled with its type (``:Person``, ``:Post``, ``:Organization``,
  ``:Place``, ``:Project``, ``:Action``, ``:Cluster``) plus the common label ``:Entity``;
  documents are ``:Document``.  Organisations get one extra subtype label from a fixed list
  (:data:`SUBTYPE_LABELS`).  Properties: ``id`` (the stable ids of :mod:`kg.model`, the same as
  the RDF), ``name``, ``aliases``, ``subtype``, ``docs`` (+ ``title``/``org`` on posts,
  ``path``/``sha256``/``encoding``/``chars`` on documents) and ``kg_hash``.
* one relationship per graph edge, typed from a fixed list (:data:`REL_TYPES`), never from
  text, with ``confidence`` and the evidence as parallel lists (``evidence_docs``,
  ``evidence_sentence_indexes``, ``evidence_sentences``, ``evidence_starts``, ``evidence_ends``,
  ``evidence_orig_starts``, ``evidence_orig_ends`` (-1 = unknown), ``evidence_confidences``,
  ``extractors``, ``fact_ids``) and ``kg_hash``.

Load semantics: a load makes kg's part of the database equal to the graph.  kg's part is
every node with a whitelisted label and a ``kg_hash`` property and every relationship of a
whitelisted type with a ``kg_hash``; anything else in the database is never touched.  The
loader reads the ``id``/``kg_hash`` pairs already there, then

* creates what is missing, rewrites what changed (``kg_hash`` = content hash of the row), and
  skips what is unchanged -- so loading the same graph twice writes nothing the second time;
* an organisation whose subtype label changed is deleted and re-created (with its
  relationships, which the relationship phase then re-creates);
* with ``prune=True`` (the default) deletes kg's nodes and relationships that are not in the
  graph (entities/facts that disappeared from a rebuilt corpus).  Pruning runs last, so a load
  that fails half-way never leaves *less* than before.

Every write is a parameterised ``UNWIND $rows AS row ...`` batch run by
``session.execute_write`` (one batch = one transaction): a failure leaves no half-written
batch, and re-running the load converges.  Statement texts are built only from the fixed
label/type whitelists.  New nodes are written with ``CREATE`` after the id read (not
``MERGE``): ArcadeDB runs a multi-label ``MERGE`` ~4x slower than ``MATCH``+``CREATE``; the
uniqueness constraints turn a concurrent writer's duplicate into a failed (rolled back) batch.
Relationships are written with ``MATCH`` (labelled endpoints) + ``MERGE``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import networkx as nx

from kg.model import KgError
from kg.schema import EDGES, NODE_TYPES, ORG_SUBTYPES, to_document


class LoadLockedError(KgError):
    """Another kg load holds the database's load lock."""

# graph node type -> Neo4j label (fixed whitelist from kg/schema.py; never from text)
NODE_LABELS: dict[str, str] = {t.name: t.neo4j_label for t in NODE_TYPES.values()}
ENTITY_LABEL = "Entity"  # common label of every entity node (not of :Document)

# Organization.subtype -> extra label; "other"/None get none.
SUBTYPE_LABELS: dict[str, str] = {
    s.name: s.neo4j_label for s in ORG_SUBTYPES.values() if s.neo4j_label is not None
}

_MANAGED_LABELS = frozenset([*NODE_LABELS.values(), ENTITY_LABEL, *SUBTYPE_LABELS.values()])

# graph edge relation (== key) -> relationship type (from kg/schema.py)
REL_TYPES: dict[str, str] = {e.name: e.neo4j_type for e in EDGES.values()}
# edges whose end node is a :Document (mentioned_in); the others join two entities
_TO_DOCUMENT = frozenset(e.name for e in EDGES.values() if to_document(e))

# Node properties written per label (fixed; other node attributes are not exported).
_COMMON_PROPS = ("name", "aliases", "subtype", "docs")
_EXTRA_PROPS: dict[str, tuple[str, ...]] = {
    "Post": ("title", "org"),
    "Document": ("path", "sha256", "encoding", "chars"),
}
REL_PROPS = (
    "confidence", "evidence_docs", "evidence_sentence_indexes", "evidence_sentences",
    "evidence_starts", "evidence_ends", "evidence_orig_starts", "evidence_orig_ends",
    "evidence_confidences", "extractors", "fact_ids",
)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "cypher" / "schema.cypher"

Progress = Callable[[str, int, int], None]  # (phase, done, total)


# --------------------------------------------------------------------------------------------
# configuration and statistics
# --------------------------------------------------------------------------------------------
@dataclass
class Neo4jConfig:
    uri: str = "bolt://localhost:7687"
    user: str = "neo4j"
    password: str = ""
    database: Optional[str] = None  # None = the server's default database

    @classmethod
    def from_env(cls, uri: Optional[str] = None, user: Optional[str] = None,
                 password: Optional[str] = None, database: Optional[str] = None) -> "Neo4jConfig":
        """NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE; arguments (flags) win."""
        env = os.environ
        return cls(
            uri=uri or env.get("NEO4J_URI") or cls.uri,
            user=user or env.get("NEO4J_USER") or cls.user,
            password=password if password is not None else env.get("NEO4J_PASSWORD", ""),
            database=database or env.get("NEO4J_DATABASE") or None,
        )

    def describe(self) -> str:
        db = f" database {self.database!r}" if self.database else ""
        return f"{self.uri}{db}"


@dataclass
class LoadStats:
    nodes: int = 0                 # nodes in the graph (= kg's nodes in the database afterwards)
    relationships: int = 0
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_deleted: int = 0
    node_seconds: float = 0.0      # node phase: id read + writes
    relationship_seconds: float = 0.0
    seconds: float = 0.0           # the whole load (schema, nodes, relationships, prune)

    @property
    def nodes_written(self) -> int:
        return self.nodes_created + self.nodes_updated

    @property
    def relationships_written(self) -> int:
        return self.relationships_created + self.relationships_updated

    @property
    def nodes_per_s(self) -> float:
        """Graph nodes synchronised per second of the node phase."""
        return self.nodes / self.node_seconds if self.node_seconds > 0 else 0.0

    @property
    def rels_per_s(self) -> float:
        return self.relationships / self.relationship_seconds if self.relationship_seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"{self.nodes} nodes ({self.nodes_created} created, {self.nodes_updated} updated, "
            f"{self.nodes_deleted} deleted), {self.relationships} relationships "
            f"({self.relationships_created} created, {self.relationships_updated} updated, "
            f"{self.relationships_deleted} deleted) in {self.seconds:.2f} s "
            f"({self.nodes_per_s:.0f} nodes/s, {self.rels_per_s:.0f} rels/s)"
        )


# --------------------------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------------------------
def split_statements(text: str) -> list[str]:
    """Statements of a .cypher file: ``//`` comment lines dropped, split on ``;``."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def schema_statements(path: Path = SCHEMA_FILE) -> list[str]:
    try:
        return split_statements(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise KgError(f"{path}: cannot read the Neo4j schema file ({e.strerror or e})") from None


# --------------------------------------------------------------------------------------------
# rows from the graph
# --------------------------------------------------------------------------------------------
def _hash(obj: Any) -> str:
    """Content hash of a row.  Rows are built in a fixed key order from str/int/float/None and
    lists of them, so ``repr`` is deterministic (and ~5x faster than ``json.dumps``)."""
    return hashlib.sha1(repr(obj).encode("utf-8")).hexdigest()


def _str_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, (str, bytes)):
        return [str(v)]
    return [str(x) for x in v]


def _node_labels(type_: str, subtype: Optional[str]) -> tuple[str, ...]:
    """Labels of a node, primary label first."""
    label = NODE_LABELS[type_]
    if type_ == "Document":
        return (label,)
    extra = (SUBTYPE_LABELS[subtype],) if type_ == "Organization" and subtype in SUBTYPE_LABELS else ()
    return (label, ENTITY_LABEL, *extra)


def _node_row(node_id: str, attrs: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    type_ = attrs.get("type")
    if type_ not in NODE_LABELS:
        raise KgError(f"graph node {node_id!r} has unknown type {type_!r} "
                      f"(expected one of {', '.join(NODE_LABELS)})")
    subtype = attrs.get("subtype")
    labels = _node_labels(type_, subtype)
    row: dict[str, Any] = {
        "id": str(node_id),
        "name": str(attrs.get("name") if attrs.get("name") is not None else node_id),
        "aliases": sorted(_str_list(attrs.get("aliases"))),
        "subtype": None if subtype is None else str(subtype),
        "docs": sorted(_str_list(attrs.get("docs"))),
    }
    for prop in _EXTRA_PROPS.get(type_, ()):
        v = attrs.get(prop)
        if prop == "chars":
            row[prop] = None if v is None else int(v)
        else:
            row[prop] = None if v is None else str(v)
    row["kg_hash"] = _hash([labels, row])
    return labels, row


def _int(v: Any, default: int = -1) -> int:
    return default if v is None else int(v)


def _rel_row(u: str, v: str, attrs: dict[str, Any]) -> dict[str, Any]:
    ev = list(attrs.get("evidence") or [])
    row: dict[str, Any] = {
        "src": str(u),
        "dst": str(v),
        "confidence": float(attrs.get("confidence", max((float(e.get("confidence", 1.0)) for e in ev), default=1.0))),
        "evidence_docs": [str(e.get("doc", "")) for e in ev],
        "evidence_sentence_indexes": [_int(e.get("sentence_index")) for e in ev],
        "evidence_sentences": [str(e.get("sentence", "")) for e in ev],
        "evidence_starts": [_int(e.get("start")) for e in ev],
        "evidence_ends": [_int(e.get("end")) for e in ev],
        "evidence_orig_starts": [_int(e.get("orig_start")) for e in ev],
        "evidence_orig_ends": [_int(e.get("orig_end")) for e in ev],
        "evidence_confidences": [float(e.get("confidence", 1.0)) for e in ev],
        "extractors": [str(e.get("extractor", "")) for e in ev],
        "fact_ids": [str(e.get("fact_id", "")) for e in ev],
    }
    row["kg_hash"] = _hash(row)
    return row


@dataclass
class _Plan:
    # labels tuple -> rows (sorted by id)
    nodes: dict[tuple[str, ...], list[dict[str, Any]]] = field(default_factory=dict)
    # (rel type, src label, dst label) -> rows (sorted by src, dst)
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    node_count: int = 0
    rel_count: int = 0


@dataclass
class _Keys:
    """What the loader keeps of the graph during a load: the keys and content hashes of the
    rows, in the order of :class:`_Plan`, and where in the graph each row comes from.  The rows
    themselves are built again a batch at a time when they are written (:func:`_node_batch`,
    :func:`_rel_batch`): holding all of them took ~1.5 kB per relationship, 30 MB of the loader's
    190 MB at 1M characters of People's Daily (docs/neo4j.md, "At scale")."""
    # labels tuple -> (id, kg_hash, graph node), sorted by id
    nodes: dict[tuple[str, ...], list[tuple[str, str, Any]]] = field(default_factory=dict)
    # (rel type, src label, dst label) -> (src, dst, kg_hash, (u, v, key)), sorted by (src, dst)
    rels: dict[tuple[str, str, str], list[tuple[str, str, str, tuple]]] = field(default_factory=dict)
    node_count: int = 0
    rel_count: int = 0


def _group_graph(G: nx.MultiDiGraph, keep_node: Callable[[dict[str, Any], Any], Any],
                 keep_rel: Callable[[dict[str, Any], tuple], Any]) -> tuple[dict, dict]:
    """Validates the graph and groups ``keep_node(row, node)`` per label set (sorted by id) and
    ``keep_rel(row, (u, v, key))`` per (type, src label, dst label) (sorted by src, dst)."""
    primary: dict[str, str] = {}
    nodes: dict[tuple[str, ...], list[tuple[str, Any]]] = defaultdict(list)
    for node_id, attrs in G.nodes(data=True):
        labels, row = _node_row(node_id, attrs)
        nodes[labels].append((row["id"], keep_node(row, node_id)))
        primary[row["id"]] = labels[0]
    rels: dict[tuple[str, str, str], dict[tuple[str, str], Any]] = defaultdict(dict)
    for u, v, key, attrs in G.edges(keys=True, data=True):
        relation = attrs.get("relation", key)
        if relation not in REL_TYPES:
            raise KgError(f"graph edge {u!r} -> {v!r} has unknown relation {relation!r} "
                          f"(expected one of {', '.join(REL_TYPES)})")
        group = (REL_TYPES[relation], primary[str(u)], primary[str(v)])
        to_doc = relation in _TO_DOCUMENT
        if group[1] == "Document" or (group[2] == "Document") != to_doc:
            raise KgError(f"graph edge {u!r} -> {v!r} ({relation}) joins a {group[1]} to a {group[2]}: "
                          f"mentioned_in must go from an entity to a Document, other relations join entities")
        if (str(u), str(v)) in rels[group]:
            raise KgError(f"graph has two {relation!r} edges {u!r} -> {v!r} (expected one per relation)")
        rels[group][(str(u), str(v))] = keep_rel(_rel_row(u, v, attrs), (u, v, key))
    return ({k: [x for _, x in sorted(items, key=lambda t: t[0])] for k, items in sorted(nodes.items())},
            {k: [items[p] for p in sorted(items)] for k, items in sorted(rels.items())})


def plan_graph(G: nx.MultiDiGraph) -> _Plan:
    """The rows to write, grouped per label set / relationship type; validates the graph."""
    plan = _Plan()
    plan.nodes, plan.rels = _group_graph(G, lambda row, _node: row, lambda row, _edge: row)
    plan.node_count = sum(len(r) for r in plan.nodes.values())
    plan.rel_count = sum(len(r) for r in plan.rels.values())
    return plan


def _plan_keys(G: nx.MultiDiGraph) -> _Keys:
    """:func:`plan_graph` without the rows (see :class:`_Keys`); validates the graph."""
    keys = _Keys()
    keys.nodes, keys.rels = _group_graph(
        G, lambda row, node: (row["id"], row["kg_hash"], node),
        lambda row, edge: (row["src"], row["dst"], row["kg_hash"], edge))
    keys.node_count = sum(len(r) for r in keys.nodes.values())
    keys.rel_count = sum(len(r) for r in keys.rels.values())
    return keys


def _node_batch(G: nx.MultiDiGraph, nodes: list) -> list[dict[str, Any]]:
    return [_node_row(n, G.nodes[n])[1] for n in nodes]


def _rel_batch(G: nx.MultiDiGraph, edges: list[tuple]) -> list[dict[str, Any]]:
    return [_rel_row(u, v, G.edges[u, v, key]) for u, v, key in edges]


# --------------------------------------------------------------------------------------------
# statements (built only from the whitelists above)
# --------------------------------------------------------------------------------------------
def _props_set(var: str, props: Iterable[str]) -> str:
    return ", ".join(f"{var}.{p} = row.{p}" for p in props)


def _node_props(primary: str) -> tuple[str, ...]:
    return (*_COMMON_PROPS, *_EXTRA_PROPS.get(primary, ()), "kg_hash")


def _create_nodes_stmt(labels: tuple[str, ...]) -> str:
    return (f"UNWIND $rows AS row CREATE (n:{':'.join(labels)} {{id: row.id}}) "
            f"SET {_props_set('n', _node_props(labels[0]))} RETURN count(n) AS c")


def _update_nodes_stmt(labels: tuple[str, ...]) -> str:
    return (f"UNWIND $rows AS row MATCH (n:{labels[0]} {{id: row.id}}) "
            f"SET {_props_set('n', _node_props(labels[0]))} RETURN count(n) AS c")


# Deletes match everything first (collect) and delete afterwards: deleting while the MATCH still
# walks the relationship lists of the same nodes made ArcadeDB fail with EntityNotFound as soon
# as a batch removed many relationships of one node (a big graph followed by a small one).
def _delete_nodes_stmt(label: str) -> str:
    return (f"UNWIND $ids AS id MATCH (n:{label} {{id: id}}) WITH collect(n) AS ns "
            f"UNWIND ns AS n DETACH DELETE n RETURN count(*) AS c")


def _detach_nodes_stmt(label: str) -> str:
    """At most ``$limit`` relationships of the given nodes (any type), deleted after matching."""
    return (f"UNWIND $ids AS id MATCH (n:{label} {{id: id}})-[r]-() WITH DISTINCT r LIMIT $limit "
            f"WITH collect(r) AS rs UNWIND rs AS r DELETE r RETURN count(*) AS c")


def _read_nodes_stmt(label: str) -> str:
    return (f"MATCH (n:{label}) WHERE n.kg_hash IS NOT NULL "
            f"RETURN n.id AS id, n.kg_hash AS h, labels(n) AS labels")


def _merge_rels_stmt(rel: str, src: str, dst: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}}) MATCH (b:{dst} {{id: row.dst}}) "
            f"MERGE (a)-[r:{rel}]->(b) SET {_props_set('r', (*REL_PROPS, 'kg_hash'))} "
            f"RETURN count(r) AS c")


def _read_rels_stmt(rel: str, src: str, dst: str) -> str:
    return (f"MATCH (a:{src})-[r:{rel}]->(b:{dst}) WHERE r.kg_hash IS NOT NULL "
            f"RETURN a.id AS src, b.id AS dst, r.kg_hash AS h")


def _delete_rels_stmt(rel: str, src: str, dst: str) -> str:
    return (f"UNWIND $rows AS row MATCH (a:{src} {{id: row.src}})-[r:{rel}]->(b:{dst}) "
            f"WHERE b.id = row.dst WITH collect(r) AS rs UNWIND rs AS r DELETE r RETURN count(*) AS c")


def _all_rel_groups() -> list[tuple[str, str, str]]:
    """Every (type, src label, dst label) kg may have written (for pruning)."""
    return [(REL_TYPES[edge], ENTITY_LABEL, NODE_LABELS["Document"] if edge in _TO_DOCUMENT else ENTITY_LABEL)
            for edge in REL_TYPES]


# --------------------------------------------------------------------------------------------
# driver plumbing and error messages
# --------------------------------------------------------------------------------------------
#: URI schemes the Neo4j driver speaks (Bolt); http(s):// is Neo4j's HTTP API, not Bolt
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> None:
    """A clear KgError for a URI the driver cannot use (before importing or calling it)."""
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme.lower() not in URI_SCHEMES or not rest:
        accepted = ", ".join(f"{s}://" for s in URI_SCHEMES)
        hint = " (http:// is Neo4j's HTTP port; Bolt is usually bolt://HOST:7687)" \
            if scheme.lower() in ("http", "https") else ""
        raise KgError(f"invalid Neo4j URI {uri!r}: expected one of {accepted}{hint}")


def _connect(config: Neo4jConfig):
    check_uri(config.uri)
    import neo4j
    from neo4j import exceptions as nx_

    try:
        driver = neo4j.GraphDatabase.driver(
            config.uri, auth=(config.user, config.password),
            connection_timeout=10, max_transaction_retry_time=10,
        )
    except (nx_.ConfigurationError, ValueError) as e:
        raise KgError(f"invalid Neo4j URI {config.uri!r}: {e}") from None
    try:
        driver.verify_connectivity()
        with driver.session(database=config.database) as session:
            session.run("RETURN 1 AS ok").consume()
    except BaseException as e:
        driver.close()
        raise _kg_error(e, config, "connecting") from None
    return driver


def _kg_error(e: BaseException, config: Neo4jConfig, doing: str) -> BaseException:
    from neo4j import exceptions as nx_

    where = config.describe()
    if isinstance(e, nx_.AuthError):
        return KgError(f"Neo4j at {config.uri} refused user {config.user!r}: wrong user name or password")
    code = getattr(e, "code", None) or ""
    if code == "Neo.ClientError.Database.DatabaseNotFound" or isinstance(e, getattr(nx_, "DatabaseUnavailable", ())):
        return KgError(f"Neo4j at {config.uri} has no database {config.database!r} "
                       f"(create it, or pick another with --database / NEO4J_DATABASE)")
    if isinstance(e, (nx_.ServiceUnavailable, nx_.SessionExpired, OSError)):
        if doing == "connecting":
            return KgError(f"cannot reach Neo4j at {config.uri}: is the server running? "
                           f"({_one_line(str(e))})")
        return KgError(f"lost the connection to Neo4j at {where} while {doing}; nothing of the "
                       f"failed batch was written, re-run the load to finish it ({_one_line(str(e))})")
    if isinstance(e, nx_.Neo4jError):
        msg = getattr(e, "message", None) or str(e)
        return KgError(f"Neo4j at {where} failed while {doing}: {code or type(e).__name__}: "
                       f"{_one_line(msg)} (the failed batch was rolled back; fix it and re-run)")
    if isinstance(e, nx_.DriverError):
        return KgError(f"Neo4j driver error at {where} while {doing}: {_one_line(str(e))}")
    return e


def _one_line(s: str, limit: int = 300) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _run_write(session, stmt: str, **params) -> int:
    def work(tx):
        rec = tx.run(stmt, **params).single()
        return int(rec["c"]) if rec is not None else 0

    return session.execute_write(work)


def _run_read(session, stmt: str, **params) -> list[dict[str, Any]]:
    return session.execute_read(lambda tx: tx.run(stmt, **params).data())


def _batches(rows: list, size: int) -> Iterable[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


# --------------------------------------------------------------------------------------------
# one load at a time per database: a lock node
# --------------------------------------------------------------------------------------------
LOCK_LABEL = "KgLoadLock"   # not a kg label: never read, diffed or pruned by the loader
LOCK_TTL_S = 300.0          # a lock not refreshed for this long belongs to a dead load


class _LoadLock:
    """``(:KgLoadLock {id: 'load', owner, expires})``, unique on ``id``: a second load of the same
    database fails clearly (or waits ``wait`` seconds) instead of interleaving with the first.
    The owner refreshes ``expires`` while it loads; a lock past ``expires`` (its load died) is
    taken over."""

    def __init__(self, driver, session, config: Neo4jConfig, ttl: float = LOCK_TTL_S):
        self.driver = driver
        self.session = session
        self.config = config
        self.ttl = ttl
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.refreshed = 0.0
        self.held = False

    def _now_ms(self) -> int:
        return int(time.time() * 1000)

    def _try(self) -> Optional[dict[str, Any]]:
        """None when acquired, else the holder's ``owner``/``expires``."""
        from neo4j import exceptions as nx_

        now = self._now_ms()

        def work(tx):
            tx.run(f"MATCH (l:{LOCK_LABEL} {{id: 'load'}}) WHERE l.expires < $now DELETE l", now=now).consume()
            rec = tx.run(f"MATCH (l:{LOCK_LABEL} {{id: 'load'}}) RETURN l.owner AS owner, "
                         f"l.expires AS expires").single()
            if rec is not None:
                return dict(rec)
            tx.run(f"CREATE (:{LOCK_LABEL} {{id: 'load', owner: $owner, since: $now, expires: $exp}})",
                   owner=self.token, now=now, exp=now + int(self.ttl * 1000)).consume()
            return None

        try:
            holder = self.session.execute_write(work)
        except nx_.ClientError as e:        # a concurrent load created it first
            if "Constraint" not in (getattr(e, "code", None) or "") and "uplicate" not in str(e):
                raise
            holder = {"owner": "another load", "expires": now + int(self.ttl * 1000)}
        if holder is None:
            self.held = True
            self.refreshed = time.monotonic()
        return holder

    def acquire(self, wait: float = 0.0) -> None:
        self.session.run(f"CREATE CONSTRAINT kg_load_lock_id IF NOT EXISTS FOR (l:{LOCK_LABEL}) "
                         f"REQUIRE l.id IS UNIQUE").consume()
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            holder = self._try()
            if holder is None:
                return
            if time.monotonic() >= deadline:
                until = time.strftime("%H:%M:%S UTC", time.gmtime((holder.get("expires") or 0) / 1000))
                raise LoadLockedError(
                    f"another kg load is writing to Neo4j at {self.config.describe()} (lock held by "
                    f"{holder.get('owner')}); wait for it and re-run (or wait with --lock-wait). If that "
                    f"load died, its lock expires at {until}, or remove it: MATCH (l:{LOCK_LABEL}) DELETE l")
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0.01)))

    def refresh(self, force: bool = False) -> None:
        """Push ``expires`` forward (at most every ttl/10 s unless forced); fails if the lock
        was taken over (this load stalled past the TTL)."""
        if not self.held or (not force and time.monotonic() - self.refreshed < self.ttl / 10):
            return
        n = _run_write(self.session, f"MATCH (l:{LOCK_LABEL} {{id: 'load', owner: $owner}}) "
                                     f"SET l.expires = $exp RETURN count(l) AS c",
                       owner=self.token, exp=self._now_ms() + int(self.ttl * 1000))
        if n != 1:
            self.held = False
            raise LoadLockedError(f"this load stalled over {self.ttl:.0f} s and another load took over "
                                  f"Neo4j at {self.config.describe()}; re-run when it is done")
        self.refreshed = time.monotonic()

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:   # a session of its own: the load's may have died with the error being raised
            with self.driver.session(database=self.config.database) as session:
                session.run(f"MATCH (l:{LOCK_LABEL} {{id: 'load', owner: $owner}}) DELETE l",
                            owner=self.token).consume()
        except Exception:  # noqa: BLE001 - best effort: an unreleased lock expires after the TTL
            pass


# --------------------------------------------------------------------------------------------
# the loader
# --------------------------------------------------------------------------------------------
def apply_schema(session, path: Path = SCHEMA_FILE) -> None:
    for stmt in schema_statements(path):
        session.run(stmt).consume()


def load_graph(G: nx.MultiDiGraph, config: Neo4jConfig, batch_size: int = 1000,
               progress: Optional[Progress] = None, prune: bool = True,
               lock_wait: float = 0.0) -> LoadStats:
    """Load ``G`` into the database of ``config`` (see the module doc for the semantics).

    ``progress(phase, done, total)`` is called after every batch; phases are ``nodes``,
    ``relationships`` and ``prune``.  Raises :class:`KgError` with one line on any failure.
    One load at a time per database: while another kg load holds the lock node
    (:data:`LOCK_LABEL`) this waits up to ``lock_wait`` seconds, then raises
    :class:`LoadLockedError`.
    """
    if batch_size < 1:
        raise KgError(f"batch size must be at least 1 (got {batch_size})")
    t_start = time.perf_counter()
    keys = _plan_keys(G)
    stats = LoadStats(nodes=keys.node_count, relationships=keys.rel_count)
    user_report = progress or (lambda phase, done, total: None)
    driver = _connect(config)
    doing = "taking the load lock"
    lock: Optional[_LoadLock] = None

    def report(phase: str, done: int, total: int) -> None:
        lock.refresh()   # after every batch (cheap: writes at most every ttl/10 s)
        user_report(phase, done, total)

    try:
        with driver.session(database=config.database) as session:
            lock = _LoadLock(driver, session, config)
            lock.acquire(lock_wait)
            doing = "creating the schema"
            apply_schema(session)

            # ---- nodes ------------------------------------------------------------------
            doing = "reading the nodes already there"
            t0 = time.perf_counter()
            existing: dict[str, dict[str, tuple[str, frozenset[str]]]] = {}
            for label in NODE_LABELS.values():
                existing[label] = {r["id"]: (r["h"], frozenset(r["labels"]))
                                   for r in _run_read(session, _read_nodes_stmt(label))}
            # graph nodes to create / update / re-label, per label set (rows built per batch)
            creates: list[tuple[tuple[str, ...], list]] = []
            updates: list[tuple[tuple[str, ...], list]] = []
            relabels: list[tuple[tuple[str, ...], list]] = []
            for labels, entries in keys.nodes.items():
                have = existing[labels[0]]
                c, u, rl = [], [], []
                for node_id, h, node in entries:
                    old = have.get(node_id)
                    if old is None:
                        c.append(node)
                    elif old[0] != h:
                        # only kg's own labels count: a label a user added is not a change
                        same = (old[1] & _MANAGED_LABELS) == frozenset(labels)
                        (u if same else rl).append(node)
                creates.append((labels, c))
                updates.append((labels, u))
                relabels.append((labels, rl))
            total = sum(len(r) for _, r in creates + updates + relabels)
            done = 0
            report("nodes", done, total)
            for labels, nodes in relabels:
                # a changed subtype label: delete and re-create in one transaction
                doing = f"re-labelling :{':'.join(labels)} nodes"
                for part in _batches(nodes, batch_size):
                    batch = _node_batch(G, part)
                    ids = [r["id"] for r in batch]

                    def work(tx, batch=batch, ids=ids, labels=labels):
                        tx.run(_delete_nodes_stmt(labels[0]), ids=ids).consume()
                        return tx.run(_create_nodes_stmt(labels), rows=batch).single()["c"]

                    session.execute_write(work)
                    stats.nodes_updated += len(batch)
                    done += len(batch)
                    report("nodes", done, total)
            for kind, groups, stmt_for in (("creating", creates, _create_nodes_stmt),
                                           ("updating", updates, _update_nodes_stmt)):
                for labels, nodes in groups:
                    doing = f"{kind} :{':'.join(labels)} nodes"
                    stmt = stmt_for(labels)
                    for part in _batches(nodes, batch_size):
                        batch = _node_batch(G, part)
                        n = _run_write(session, stmt, rows=batch)
                        if n != len(batch):
                            raise KgError(f"Neo4j at {config.describe()}: {kind} :{labels[0]} nodes "
                                          f"wrote {n} of {len(batch)} rows; re-run the load")
                        if kind == "creating":
                            stats.nodes_created += n
                        else:
                            stats.nodes_updated += n
                        done += n
                        report("nodes", done, total)
            stats.node_seconds = time.perf_counter() - t0

            # ---- relationships ------------------------------------------------------------
            t0 = time.perf_counter()
            doing = "reading the relationships already there"
            # one read per type (all kg relationships of it), used for the diff and for pruning
            existing_rels: dict[str, dict[tuple[str, str], str]] = {}
            for group in _all_rel_groups():
                existing_rels[group[0]] = {(r["src"], r["dst"]): r["h"]
                                           for r in _run_read(session, _read_rels_stmt(*group))}
            todo: list[tuple[tuple[str, str, str], list[tuple]]] = []   # graph edges to write
            for group, entries in keys.rels.items():
                have = existing_rels[group[0]]
                changed = [e for e in entries if have.get((e[0], e[1])) != e[2]]
                stats.relationships_created += sum(1 for e in changed if (e[0], e[1]) not in have)
                stats.relationships_updated += sum(1 for e in changed if (e[0], e[1]) in have)
                todo.append((group, [e[3] for e in changed]))
            total = sum(len(r) for _, r in todo)
            done = 0
            report("relationships", done, total)
            for group, edges in todo:
                rel, src, dst = group
                doing = f"writing (:{src})-[:{rel}]->(:{dst}) relationships"
                stmt = _merge_rels_stmt(rel, src, dst)
                for part in _batches(edges, batch_size):
                    batch = _rel_batch(G, part)
                    n = _run_write(session, stmt, rows=batch)
                    if n != len(batch):
                        raise KgError(f"Neo4j at {config.describe()}: {rel} relationships: {len(batch) - n} "
                                      f"of {len(batch)} rows found no endpoint node; re-run the load")
                    done += n
                    report("relationships", done, total)
            stats.relationship_seconds = time.perf_counter() - t0

            # ---- prune --------------------------------------------------------------------
            if prune:
                doing = "deleting what is no longer in the graph"
                wanted_rels = {(rel, e[0], e[1]) for (rel, _, _), entries in keys.rels.items() for e in entries}
                stale_rels = [(group, [{"src": src, "dst": dst} for (src, dst) in sorted(existing_rels[group[0]])
                                       if (group[0], src, dst) not in wanted_rels])
                              for group in _all_rel_groups()]
                wanted_nodes = {e[0] for entries in keys.nodes.values() for e in entries}
                stale_nodes = [(label, sorted(i for i in ids if i not in wanted_nodes))
                               for label, ids in existing.items()]
                total = sum(len(r) for _, r in stale_rels) + sum(len(i) for _, i in stale_nodes)
                done = 0
                report("prune", done, total)
                for group, rows in stale_rels:
                    for batch in _batches(rows, batch_size):
                        stats.relationships_deleted += _run_write(session, _delete_rels_stmt(*group), rows=batch)
                        done += len(batch)
                        report("prune", done, total)
                for label, ids in stale_nodes:
                    for batch in _batches(ids, batch_size):
                        # relationships left on these nodes (not kg's) first, batch_size at a time,
                        # so no transaction grows with the degree of a node
                        while _run_write(session, _detach_nodes_stmt(label), ids=batch, limit=batch_size):
                            lock.refresh()
                        stats.nodes_deleted += _run_write(session, _delete_nodes_stmt(label), ids=batch)
                        done += len(batch)
                        report("prune", done, total)
            lock.release()
    except KgError:
        raise
    except Exception as e:
        err = _kg_error(e, config, doing)
        if err is e:
            raise
        raise err from None
    finally:
        if lock is not None:
            lock.release()
        driver.close()
    stats.seconds = time.perf_counter() - t_start
    return stats


# --------------------------------------------------------------------------------------------
# the graph file a load reads (the ``kg neo4j load`` command itself is in kg/cli.py)
# --------------------------------------------------------------------------------------------
def read_built_graph(out_dir: Path) -> nx.MultiDiGraph:
    """The graph of ``kg build``'s output directory ``out_dir`` (its ``graph.json``; a path with a
    suffix that is not a directory is the graph file itself).  A build killed while replacing
    its files is finished first.  Raises :class:`KgError` (one line) when the file is missing
    or is not a kg graph."""
    from kg.graph import read_graph
    from kg.outputs import settle

    path = out_dir / "graph.json" if out_dir.is_dir() or not out_dir.suffix else out_dir
    settle(path.parent)   # finish a build killed while replacing its files (no-op otherwise)
    if not path.exists():
        raise KgError(f"{path}: no such file (run `kg build DIR --out {out_dir}` first)")
    try:
        return read_graph(path)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise KgError(f"{path}: not a kg graph file ({_one_line(str(e), 200)})") from None
