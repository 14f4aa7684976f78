"""kg's schema: the one declaration of its entity types and relations.

Every stage that maps kg's data model to something else reads it from here:

* :mod:`kg.graph` -- which graph edges a fact of each relation becomes (source/target roles);
* :mod:`kg.rdf` -- the RDF class of every node type and subtype, the RDF predicate of every edge;
* :mod:`kg.neo4j_export` (and :mod:`kg.export`) -- Neo4j labels and relationship types;
* :mod:`kg.evaluate` -- which relation is scored as which gold kind, slot by slot;
* ``tests/test_schema.py`` -- checks this module against ``ontology/kg.ttl`` and
  ``ontology/shapes.ttl`` (both directions for kg's own terms) and against a real build.

Vocabulary
----------
*Node types* are the values of ``Entity.type`` / ``Mention.type`` / a graph node's ``type``: the
seven entity types and ``Document``.  A *relation* is what a :class:`kg.model.Fact` states
(``Fact.relation``), with named argument *roles* (``Fact.args``).  An *edge* is what the graph,
the RDF and Neo4j hold: a fact of ``holds_post`` (person, post, org) becomes two edges, ``holds``
(person -> post) and ``post_in`` (post -> org); every other relation becomes one edge of its
own name.

Adding a relation is one :class:`Relation` in :data:`RELATIONS` (plus the rules that produce
it); its RDF predicate must be declared in ``ontology/kg.ttl`` (a kg: term) and listed in the
statement shape of ``ontology/shapes.ttl`` -- ``tests/test_schema.py`` says what is missing.

This module is plain data (no rdflib, no networkx): RDF terms are full IRIs as strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

#: kg's ontology namespace (``ontology/kg.ttl``)
KG_NS = "https://kg.example.org/ontology#"
#: W3C Organization Ontology, used directly where it has the exact term
ORG_NS = "http://www.w3.org/ns/org#"


@dataclass(frozen=True)
class NodeType:
    """A type of graph node: an entity type, or ``Document``."""

    name: str            # Entity.type / Mention.type / graph node "type"
    rdf_class: str       # IRI of its class in ontology/kg.ttl
    neo4j_label: str     # primary Neo4j label
    entity: bool = True  # an entity (Neo4j :Entity, RDF kgsh:EntityShape); False for Document
    gold: bool = True    # the gold guidelines annotate it (``kg eval`` kind ``entity``)
    doc: str = ""


@dataclass(frozen=True)
class Subtype:
    """A subtype of Organization (``Entity.subtype``), with its extra class/label if any."""

    name: str
    rdf_class: str | None     # extra rdf:type (a kg: subclass of kg:Organization)
    neo4j_label: str | None   # extra Neo4j label
    doc: str = ""


@dataclass(frozen=True)
class Role:
    """One argument of a relation: its name (key of ``Fact.args``) and the node types it takes."""

    name: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class Edge:
    """One graph edge a fact becomes: ``args[source]`` -> ``args[target]``."""

    name: str            # edge key == "relation" attribute; kg:relation literal in RDF
    source: str          # role of the source node
    target: str          # role of the target node
    rdf_predicate: str   # IRI of the direct triple's predicate
    neo4j_type: str      # Neo4j relationship type


@dataclass(frozen=True)
class GoldKind:
    """How ``kg eval`` scores a relation: the gold kind and, in order, gold slot -> fact role."""

    kind: str
    slots: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Relation:
    name: str                        # Fact.relation
    roles: tuple[Role, ...]          # argument roles, in order
    edges: tuple[Edge, ...]          # the graph edges one fact becomes
    gold: GoldKind | None = None     # None: not scored by kg eval
    doc: str = ""

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles)

    def role(self, name: str) -> Role:
        for r in self.roles:
            if r.name == name:
                return r
        raise KeyError(f"relation {self.name!r} has no role {name!r}")


# --------------------------------------------------------------------------------------------
# the declarations
# --------------------------------------------------------------------------------------------

# Entity types follow the gold guidelines' types, plus ``Post`` (a job title at one
# organisation, W3C org:Post); Cluster = industrial cluster.  Order = the order of reports.
_NODE_TYPES: tuple[NodeType, ...] = (
    NodeType("Person", KG_NS + "Person", "Person", doc="a named individual"),
    NodeType("Post", KG_NS + "Post", "Post", gold=False,
             doc="a post (job title) in one organisation: one node per (organisation, title)"),
    NodeType("Organization", KG_NS + "Organization", "Organization",
             doc="party and government organs, enterprises, institutions"),
    NodeType("Place", KG_NS + "Place", "Place", doc="a country, region, city, district, area"),
    NodeType("Project", KG_NS + "Project", "Project", doc="a named construction/investment project"),
    NodeType("Action", KG_NS + "Action", "Action", doc="a named government action or programme"),
    NodeType("Cluster", KG_NS + "IndustrialCluster", "Cluster", doc="a named industrial cluster"),
    NodeType("Document", KG_NS + "Document", "Document", entity=False, gold=False,
             doc="one source text of the corpus"),
)

_ORG_SUBTYPES: tuple[Subtype, ...] = (
    Subtype("government", KG_NS + "GovernmentOrganization", "GovernmentOrganization"),
    Subtype("party", KG_NS + "PartyOrganization", "PartyOrganization"),
    Subtype("enterprise", KG_NS + "Enterprise", "Enterprise"),
    Subtype("other", None, None, doc="no extra class or label"),
)

# the entity types an entity is mentioned as (mentioned_in): those the gold annotates
_GOLD = tuple(t.name for t in _NODE_TYPES if t.gold)

_RELATIONS: tuple[Relation, ...] = (
    Relation(
        "holds_post",
        (Role("person", ("Person",)), Role("post", ("Post",)), Role("org", ("Organization",))),
        (Edge("holds", "person", "post", ORG_NS + "holds", "HOLDS"),
         Edge("post_in", "post", "org", ORG_NS + "postIn", "POST_IN")),
        GoldKind("holds_post", (("person", "person"), ("post", "post"), ("org", "org"))),
        doc="person holds post (a title) at org"),
    Relation(
        "leads_action",
        (Role("agency", ("Organization",)), Role("action", ("Action",))),
        (Edge("leads_action", "agency", "action", KG_NS + "leadsAction", "LEADS_ACTION"),),
        GoldKind("leads_action", (("agency", "agency"), ("action", "action"))),
        doc="agency leads (牵头) action"),
    Relation(
        "in_cluster",
        (Role("member", ("Organization", "Project")), Role("cluster", ("Cluster",))),
        (Edge("in_cluster", "member", "cluster", KG_NS + "inCluster", "IN_CLUSTER"),),
        GoldKind("in_cluster", (("member", "member"), ("cluster", "cluster"))),
        doc="enterprise/project belongs to industrial cluster"),
    Relation(
        "part_of",
        (Role("part", ("Organization",)), Role("whole", ("Organization",))),
        (Edge("part_of", "part", "whole", ORG_NS + "subOrganizationOf", "PART_OF"),),
        doc="organisation is part of organisation"),
    Relation(
        "located_in",
        (Role("entity", ("Organization", "Project")), Role("place", ("Place",))),
        (Edge("located_in", "entity", "place", KG_NS + "locatedIn", "LOCATED_IN"),),
        doc="organisation/project located in place"),
    Relation(
        "mentioned_in",
        (Role("entity", _GOLD), Role("document", ("Document",))),
        (Edge("mentioned_in", "entity", "document", KG_NS + "mentionedIn", "MENTIONED_IN"),),
        GoldKind("entity", (("name", "entity"),)),
        doc="entity is mentioned in a document (scored as the gold's entity records)"),
)


# --------------------------------------------------------------------------------------------
# look-up tables (read-only), checked at import
# --------------------------------------------------------------------------------------------

#: every graph node type (entity types, then Document), by name
NODE_TYPES: Mapping[str, NodeType] = MappingProxyType({t.name: t for t in _NODE_TYPES})
#: entity type names, in order
ENTITY_TYPES: tuple[str, ...] = tuple(t.name for t in _NODE_TYPES if t.entity)
#: entity types the gold annotates (``kg eval``'s entity records)
GOLD_ENTITY_TYPES: tuple[str, ...] = tuple(t.name for t in _NODE_TYPES if t.gold)
#: Organization subtypes, by name
ORG_SUBTYPES: Mapping[str, Subtype] = MappingProxyType({s.name: s for s in _ORG_SUBTYPES})
#: relations, by name (Fact.relation)
RELATIONS: Mapping[str, Relation] = MappingProxyType({r.name: r for r in _RELATIONS})
#: graph edges, by name, in relation order
EDGES: Mapping[str, Edge] = MappingProxyType({e.name: e for r in _RELATIONS for e in r.edges})
#: the relation each edge comes from
EDGE_RELATION: Mapping[str, Relation] = MappingProxyType({e.name: r for r in _RELATIONS for e in r.edges})
#: gold kinds ``kg eval`` scores -> their slots in order: ``entity`` first, then relation kinds
GOLD_KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    r.gold.kind: tuple(slot for slot, _ in r.gold.slots)
    for r in sorted((r for r in _RELATIONS if r.gold), key=lambda r: r.gold.kind != "entity")
})


def edge_types(edge: str | Edge) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The node types of an edge's source and target."""
    e = EDGES[edge] if isinstance(edge, str) else edge
    rel = EDGE_RELATION[e.name]
    return rel.role(e.source).types, rel.role(e.target).types


def to_document(edge: str | Edge) -> bool:
    """True for an edge whose target is a Document (``mentioned_in``)."""
    return edge_types(edge)[1] == ("Document",)


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"kg.schema: inconsistent declaration: {what}")


def _check() -> None:
    """The declarations are consistent (runs at import: a bad declaration fails at once)."""
    for r in _RELATIONS:
        names = r.role_names
        _need(len(set(names)) == len(names), f"{r.name}: duplicate role")
        for role in r.roles:
            _need(bool(role.types) and all(t in NODE_TYPES for t in role.types), f"{r.name}.{role.name}")
        for e in r.edges:
            _need(e.source in names and e.target in names, f"{r.name}: edge {e.name} roles")
        if r.gold:
            _need(all(role in names for _, role in r.gold.slots), f"{r.name}: gold slots")
    _need(len(RELATIONS) == len(_RELATIONS), "duplicate relation")
    _need(len(EDGES) == sum(len(r.edges) for r in _RELATIONS), "duplicate edge")
    _need(len({e.neo4j_type for e in EDGES.values()}) == len(EDGES), "duplicate Neo4j type")
    _need(len({e.rdf_predicate for e in EDGES.values()}) == len(EDGES), "duplicate RDF predicate")
    _need(len({t.neo4j_label for t in _NODE_TYPES}) == len(_NODE_TYPES), "duplicate Neo4j label")
    kinds = [r.gold.kind for r in _RELATIONS if r.gold]
    _need(len(set(kinds)) == len(kinds), "duplicate gold kind")


_check()
