"""RDF export of the knowledge graph (Turtle), following ``ontology/kg.ttl``.

Mapping of the networkx graph (schema in :mod:`kg.graph`) to RDF:

* every node becomes ``<base><node id>`` typed with its kg: class and the public classes the
  ontology declares as its superclasses (materialised, so SPARQL without a reasoner can use
  either vocabulary); ``name`` -> ``rdfs:label`` + ``skos:prefLabel`` (``@zh``), ``aliases`` ->
  ``skos:altLabel`` (``@zh``), ``docs`` -> ``kg:mentionedIn``;
* every edge becomes a direct triple (its predicate in :mod:`kg.schema`: ``org:holds``,
  ``org:postIn``, ``org:subOrganizationOf``, ``kg:leadsAction``, ``kg:inCluster``,
  ``kg:locatedIn``, ``kg:mentionedIn``) *and* a
  ``kg:Statement`` (``rdf:Statement`` reification) carrying the relation name and confidence,
  ``prov:wasDerivedFrom`` each of its ``kg:Evidence`` nodes;
* an evidence node (IRI local name = the fact id) has the document (``prov:hadPrimarySource``),
  the ``kg:Sentence`` (index + ``prov:value`` text), analysis offsets ``kg:start``/``kg:end``,
  original offsets ``kg:origStart``/``kg:origEnd``, ``kg:confidence`` and the extractor
  (``prov:wasGeneratedBy`` a ``kg:Extractor`` activity).

No blank nodes are produced, so the Turtle written by :func:`write_turtle` is a canonical,
sorted serialisation of its own: same graph in, byte-identical file out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from .graph import atomic_write_text
from .model import KgError, document_id, stable_id
from .schema import EDGES, KG_NS, NODE_TYPES, ORG_NS, ORG_SUBTYPES

DEFAULT_BASE = "https://kg.example.org/id/"

KG = Namespace(KG_NS)
ORG = Namespace(ORG_NS)
SCHEMA = Namespace("https://schema.org/")

#: prefixes written at the top of every Turtle file (``kgid`` is the data base, added per call)
PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "kg": str(KG),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

# node type (graph) -> kg: class; Organization subtype -> kg: subclass (from kg/schema.py)
NODE_CLASSES: dict[str, URIRef] = {t.name: URIRef(t.rdf_class) for t in NODE_TYPES.values()}
ORG_SUBTYPE_CLASSES: dict[str, URIRef] = {
    s.name: URIRef(s.rdf_class) for s in ORG_SUBTYPES.values() if s.rdf_class is not None
}

# every kg: class used on nodes -> all its superclasses in ontology/kg.ttl (transitive);
# tests/test_rdf.py checks this table against the ontology file.
SUPERCLASSES: dict[URIRef, tuple[URIRef, ...]] = {
    KG.Person: (FOAF.Person, SCHEMA.Person),
    KG.Post: (ORG.Post,),
    KG.Organization: (ORG.Organization, SCHEMA.Organization),
    KG.GovernmentOrganization: (KG.Organization, ORG.Organization, SCHEMA.Organization,
                                SCHEMA.GovernmentOrganization),
    KG.PartyOrganization: (KG.Organization, ORG.Organization, SCHEMA.Organization),
    KG.Enterprise: (KG.Organization, ORG.Organization, SCHEMA.Organization,
                    SCHEMA.Corporation),
    KG.Place: (SCHEMA.Place,),
    KG.Project: (FOAF.Project,),
    KG.Action: (SCHEMA.Action,),
    KG.IndustrialCluster: (),
    KG.Document: (FOAF.Document, PROV.Entity),
    KG.Sentence: (PROV.Entity,),
    KG.Statement: (RDF.Statement, PROV.Entity),
    KG.Evidence: (PROV.Entity,),
    KG.Extractor: (PROV.Activity,),
}

# edge relation (graph) -> RDF property of the direct triple (from kg/schema.py)
EDGE_PROPERTIES: dict[str, URIRef] = {e.name: URIRef(e.rdf_predicate) for e in EDGES.values()}

_LANG = "zh"
_XSD_integer, _XSD_decimal = XSD.integer, XSD.decimal    # (speed) looked up once


def _check_base(base: str) -> str:
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*[/#]$", base or ""):
        raise KgError(f"invalid base IRI {base!r}: it must be an absolute IRI ending in '/' or '#'")
    return base


def _iri(base: str, local: str) -> URIRef:
    return URIRef(base + quote(str(local), safe="-._~"))


def _types(cls: URIRef) -> list[URIRef]:
    return [cls, *SUPERCLASSES.get(cls, ())]


def _zh(text: str) -> Literal:
    return Literal(str(text), lang=_LANG)


def _int(value) -> Literal:
    return Literal(int(value), datatype=_XSD_integer)


def _decimal_text(value) -> str:
    # canonical lexical form rounded to 4 decimals ("0.95", "1.0"): stable across platforms
    text = f"{float(value):.4f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    if text == "-0.0":
        text = "0.0"
    return text


def _decimal(value) -> Literal:
    return Literal(_decimal_text(value), datatype=_XSD_decimal)


class _Written(str):
    """A literal already in its Turtle form (what :meth:`_Namer.term` writes for it)."""

    __slots__ = ()


def _turtle_string(text: str) -> str:
    """The quoted Turtle form of ``text`` (escapes as :meth:`_Namer.term` writes them)."""
    if _ESCAPE_RE.search(text) is None:
        return '"' + text + '"'
    return '"' + _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text) + '"'


_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")
_DECIMAL_TEXT = re.compile(r"^[+-]?\d*\.\d+$")


def _written_terms(base: str):
    """``iter_triples``' term makers of its ``_written`` mode: (iri, zh, integer, decimal, plain),
    each giving what :class:`_Namer` would write for the rdflib term of :func:`_iri`, :func:`_zh`,
    :func:`_int`, :func:`_decimal` and ``Literal`` (IRIs as their full ``str``, since subjects are
    sorted by it)."""
    memo: dict[str, str] = {}

    def iri(local) -> str:
        s = memo.get(local)
        if s is None:
            if len(memo) >= 50_000:     # bounded: the repeats are mostly recent or few
                memo.clear()
            s = memo[local] = base + quote(str(local), safe="-._~")
        return s

    def zh(text) -> _Written:
        return _Written(_turtle_string(str(text)) + "@" + _LANG)

    def integer(value):
        text = str(int(value))
        if _INTEGER_TEXT.match(text):
            return _Written(text)
        return _int(value)

    decimals: dict = {}

    def decimal(value):
        lit = decimals.get(value)
        if lit is None:
            if len(decimals) >= 10_000:
                decimals.clear()
            lit = decimals[value] = _decimal_text(value)
        if _DECIMAL_TEXT.match(lit):
            return _Written(lit)
        return _decimal(value)

    def plain(value):
        if type(value) is str:
            return _Written(_turtle_string(value))
        return Literal(value)

    return iri, zh, integer, decimal, plain


def graph_to_rdf(G: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> Graph:
    """Convert the kg networkx graph to an rdflib Graph (see module doc for the mapping)."""
    base = _check_base(base)
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    g.bind("kgid", base, override=True, replace=True)
    for t in iter_triples(G, base):
        g.add(t)
    return g


# (speed) the terms iter_triples uses, looked up once: rdflib's namespace attribute lookup is slow
_DCTERMS_identifier = DCTERMS.identifier
_DCTERMS_isPartOf = DCTERMS.isPartOf
_KG_Evidence = KG.Evidence
_KG_Extractor = KG.Extractor
_KG_Sentence = KG.Sentence
_KG_Statement = KG.Statement
_KG_charCount = KG.charCount
_KG_confidence = KG.confidence
_KG_encoding = KG.encoding
_KG_end = KG.end
_KG_mentionedIn = KG.mentionedIn
_KG_origEnd = KG.origEnd
_KG_origStart = KG.origStart
_KG_relation = KG.relation
_KG_sentence = KG.sentence
_KG_sentenceIndex = KG.sentenceIndex
_KG_sha256 = KG.sha256
_KG_sourcePath = KG.sourcePath
_KG_start = KG.start
_KG_subtype = KG.subtype
_ORG_postIn = ORG.postIn
_PROV_hadPrimarySource = PROV.hadPrimarySource
_PROV_value = PROV.value
_PROV_wasDerivedFrom = PROV.wasDerivedFrom
_PROV_wasGeneratedBy = PROV.wasGeneratedBy
_RDF_object = RDF.object
_RDF_predicate = RDF.predicate
_RDF_subject = RDF.subject
_RDF_type = RDF.type
_RDFS_label = RDFS.label
_SKOS_altLabel = SKOS.altLabel
_SKOS_prefLabel = SKOS.prefLabel


def iter_triples(G: nx.MultiDiGraph, base: str = DEFAULT_BASE, *, _written: bool = False) -> Iterator[tuple]:
    """The triples of :func:`graph_to_rdf`, one by one (a triple may come more than once), without
    building an rdflib Graph: :func:`write_turtle` writes them straight to canonical Turtle.

    ``_written`` (for :func:`write_turtle`): IRIs come as plain ``str`` and literals as their
    Turtle text (:class:`_Written`), the forms :class:`_Namer` gives them, without making rdflib
    terms (a literal the fast forms do not cover still comes as an rdflib ``Literal``)."""
    base = _check_base(base)
    if _written:
        iri, zh, integer, decimal, plain = _written_terms(base)
    else:
        def iri(local: str) -> URIRef:
            return _iri(base, local)
        zh, integer, decimal, plain = _zh, _int, _decimal, Literal

    class _Adder:   # the mapping below is written as g.add(...); here each add is a yield
        def __init__(self):
            self.buf: list[tuple] = []

        def add(self, t: tuple) -> None:
            self.buf.append(t)

    g = _Adder()

    def add_types(node: URIRef, cls: URIRef) -> None:
        for t in _types(cls):
            g.add((node, _RDF_type, t))

    def flush() -> Iterator[tuple]:
        yield from g.buf
        g.buf.clear()

    # ---- nodes
    for nid, data in G.nodes(data=True):
        ntype = data.get("type")
        cls = NODE_CLASSES.get(ntype)
        if cls is None:
            raise KgError(f"graph node {nid!r} has unknown type {ntype!r}")
        node = iri(nid)
        add_types(node, cls)
        subtype = data.get("subtype")
        if ntype == "Organization" and subtype in ORG_SUBTYPE_CLASSES:
            add_types(node, ORG_SUBTYPE_CLASSES[subtype])
        if subtype:
            g.add((node, _KG_subtype, plain(str(subtype))))
        name = data.get("name")
        if name:
            # a document's name is its file name: a plain literal, not Chinese text
            label = plain(str(name)) if ntype == "Document" else zh(name)
            g.add((node, _RDFS_label, label))
            g.add((node, _SKOS_prefLabel, label))
        for alias in data.get("aliases") or ():
            if alias and alias != name:
                g.add((node, _SKOS_altLabel, zh(alias)))
        if ntype == "Document":
            g.add((node, _DCTERMS_identifier, plain(str(name))))
            if data.get("path"):
                g.add((node, _KG_sourcePath, plain(str(data["path"]))))
            if data.get("sha256"):
                g.add((node, _KG_sha256, plain(str(data["sha256"]))))
            if data.get("encoding"):
                g.add((node, _KG_encoding, plain(str(data["encoding"]))))
            if data.get("chars") is not None:
                g.add((node, _KG_charCount, integer(data["chars"])))
        else:
            for doc in data.get("docs") or ():
                g.add((node, _KG_mentionedIn, iri(document_id(doc))))
        if ntype == "Post" and data.get("org"):
            g.add((node, _ORG_postIn, iri(data["org"])))
        yield from flush()

    # ---- edges, statements, evidence
    extractors: set[str] = set()
    sentences: set[tuple[str, int]] = set()
    evidence_done: set[str] = set()
    for u, v, key, data in sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]):
        rel = data.get("relation", key)
        prop = EDGE_PROPERTIES.get(rel)
        if prop is None:
            raise KgError(f"graph edge {u} -> {v} has unknown relation {rel!r}")
        s, o = iri(u), iri(v)
        g.add((s, prop, o))
        st = iri(stable_id("Statement", f"{u}|{rel}|{v}"))
        add_types(st, _KG_Statement)
        g.add((st, _RDF_subject, s))
        g.add((st, _RDF_predicate, prop))
        g.add((st, _RDF_object, o))
        g.add((st, _KG_relation, plain(rel)))
        if data.get("confidence") is not None:
            g.add((st, _KG_confidence, decimal(data["confidence"])))
        for ev in data.get("evidence") or ():
            fid = ev.get("fact_id") or stable_id(
                "Fact", f"{rel}|{u}|{v}|{ev['doc']}:{ev['start']}-{ev['end']}")
            en = iri(fid)
            g.add((st, _PROV_wasDerivedFrom, en))
            if fid in evidence_done:       # same fact projected on two edges (holds/post_in)
                continue
            evidence_done.add(fid)
            add_types(en, _KG_Evidence)
            g.add((en, _DCTERMS_identifier, plain(fid)))
            g.add((en, _PROV_hadPrimarySource, iri(document_id(ev["doc"]))))
            sent_key = (ev["doc"], int(ev["sentence_index"]))
            sn = iri(stable_id("Sentence", f"{sent_key[0]}|{sent_key[1]}"))
            g.add((en, _KG_sentence, sn))
            if sent_key not in sentences:
                sentences.add(sent_key)
                add_types(sn, _KG_Sentence)
                g.add((sn, _KG_sentenceIndex, integer(sent_key[1])))
                g.add((sn, _DCTERMS_isPartOf, iri(document_id(ev["doc"]))))
                g.add((sn, _PROV_value, zh(ev.get("sentence") or "")))
            g.add((en, _KG_start, integer(ev["start"])))
            g.add((en, _KG_end, integer(ev["end"])))
            if ev.get("orig_start") is not None:
                g.add((en, _KG_origStart, integer(ev["orig_start"])))
            if ev.get("orig_end") is not None:
                g.add((en, _KG_origEnd, integer(ev["orig_end"])))
            if ev.get("confidence") is not None:
                g.add((en, _KG_confidence, decimal(ev["confidence"])))
            if ev.get("extractor"):
                xn = iri(stable_id("Extractor", ev["extractor"]))
                g.add((en, _PROV_wasGeneratedBy, xn))
                if ev["extractor"] not in extractors:
                    extractors.add(ev["extractor"])
                    add_types(xn, _KG_Extractor)
                    g.add((xn, _RDFS_label, plain(ev["extractor"])))
        yield from flush()


# ---------------------------------------------------------------------------------------
# canonical Turtle writer
# ---------------------------------------------------------------------------------------

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f]')


_RDF_TYPE = str(RDF.type)
_XSD_STRING, _XSD_INTEGER, _XSD_DECIMAL = str(XSD.string), str(XSD.integer), str(XSD.decimal)


class _Namer:
    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first so that nested namespaces pick the most specific prefix
        self._ns = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._iris: dict[str, str] = {}    # (speed) IRI -> written form; IRIs repeat a lot
        self._preds: dict[str, str] = {}   # (speed) the same for predicates (few)
        # (speed) the loop of _iri_loop as one regex: an alternative per namespace, longest first,
        # each taken only when the rest of the IRI is a PN_LOCAL (else the next one is tried)
        self._rx = re.compile("|".join(f"{re.escape(ns)}({_PN_LOCAL.pattern[1:-1]}\n?)\\Z"
                                       for _, ns in self._ns))

    def iri(self, term: URIRef) -> str:
        s = str(term)
        written = self._iris.get(s)
        if written is None:
            if len(self._iris) >= 20_000:     # bounded: the repeats are mostly recent or few
                self._iris.clear()
            written = self._iris[s] = self._iri(s)
        return written

    def _iri(self, s: str) -> str:
        if s == _RDF_TYPE:
            return "a"
        m = self._rx.match(s)
        if m is not None:
            return f"{self._ns[m.lastindex - 1][0]}:{m.group(m.lastindex)}"
        return "<" + s.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"

    def _iri_loop(self, s: str) -> str:
        """What :meth:`_iri` computes, as a loop over the namespaces (tests compare the two)."""
        if s == _RDF_TYPE:
            return "a"
        for prefix, ns in self._ns:
            if s.startswith(ns) and _PN_LOCAL.match(s[len(ns):]):
                return f"{prefix}:{s[len(ns):]}"
        return "<" + s.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"

    def term(self, term) -> str:
        if type(term) is _Written:
            return term
        if type(term) is str or isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            text = '"' + _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], str(term)) + '"'
            if term.language:
                return f"{text}@{term.language}"
            dt = term.datatype
            dts = None if dt is None else str(dt)    # (speed) compared as strings
            if dts is None or dts == _XSD_STRING:
                return text
            if dts == _XSD_INTEGER and re.match(r"^[+-]?\d+$", str(term)):
                return str(term)
            if dts == _XSD_DECIMAL and re.match(r"^[+-]?\d*\.\d+$", str(term)):
                return str(term)
            return f"{text}^^{self.iri(dt)}"
        raise KgError(f"cannot write RDF term {term!r} (blank nodes are not produced)")


def _pred_key(p: URIRef) -> tuple[int, str]:
    return (0 if str(p) == _RDF_TYPE else 1, str(p))


def to_turtle(g: Iterable[tuple], base: str = DEFAULT_BASE) -> str:
    """Canonical Turtle text of ``g`` (an rdflib Graph, or any iterable of triples; a repeated
    triple is written once): prefixes sorted, subjects sorted by IRI, ``a`` first then
    predicates by IRI, objects sorted by their written form."""
    return "".join(_turtle_chunks(g, base))


#: triples grouped in memory before they are written out, sorted, as a run to a temp file
RUN_TRIPLES = 100_000


def _turtle_chunks(g: Iterable[tuple], base: str, spill_dir: Path | None = None,
                   run_triples: int | None = None) -> Iterator[str]:
    """:func:`to_turtle`'s text, one subject at a time.  The triples are grouped by subject as
    their written forms; with ``spill_dir``, every ``run_triples`` (default ``RUN_TRIPLES``)
    triples the groups are written sorted to an unnamed temp file there (a run), and the runs are
    merged by subject at the end (a subject met in several runs is written once, its triples
    united), so memory stays bounded by one run however big the graph."""
    import heapq
    import pickle
    import tempfile

    limit = run_triples or RUN_TRIPLES
    prefixes = dict(PREFIXES)
    prefixes["kgid"] = _check_base(base)
    namer = _Namer(prefixes)
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    buf: dict[str, dict[str, set[str]]] = {}
    count = 0
    runs: list = []

    def read_run(fh) -> Iterator[tuple[str, dict[str, set[str]]]]:
        fh.seek(0)
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return

    try:
        term = namer.term
        pred_str: dict = {}      # (speed) a predicate (few, repeated) -> its plain str
        for s, p, o in g:
            if type(s) is not str:
                if not isinstance(s, URIRef):
                    term(s)      # raises: blank nodes are not produced
                s = str(s)
            ps = pred_str.get(p)
            if ps is None:
                if len(pred_str) >= 10_000:      # bounded, for graphs of many predicates
                    pred_str.clear()
                ps = pred_str[p] = str(p)
            # (speed) get, then insert when missing: setdefault would make an empty dict and
            # set per triple
            by_pred = buf.get(s)
            if by_pred is None:
                by_pred = buf[s] = {}
            objs = by_pred.get(ps)
            if objs is None:
                objs = by_pred[ps] = set()
            objs.add(o if type(o) is _Written else term(o))
            count += 1
            if spill_dir is not None and count >= limit:
                fh = tempfile.TemporaryFile(dir=spill_dir, prefix=".turtle-run-")
                runs.append(fh)
                for subj in sorted(buf):
                    pickle.dump((subj, buf[subj]), fh, protocol=pickle.HIGHEST_PROTOCOL)
                buf, count = {}, 0
        last = ((subj, buf[subj]) for subj in sorted(buf))
        cur_s: str | None = None
        cur: dict[str, set[str]] = {}
        for subj, by_pred in heapq.merge(*(read_run(fh) for fh in runs), last, key=lambda x: x[0]):
            if subj == cur_s:
                for p, objs in by_pred.items():
                    cur.setdefault(p, set()).update(objs)
                continue
            if cur_s is not None:
                yield _subject_text(namer, cur_s, cur)
            cur_s, cur = subj, by_pred
        if cur_s is not None:
            yield _subject_text(namer, cur_s, cur)
    finally:
        for fh in runs:
            fh.close()


def _subject_text(namer: _Namer, subj: str, by_pred: dict[str, set[str]]) -> str:
    # (speed) each subject is written once: its IRI is not cached (it would push out the objects')
    out = ["\n" + namer._iri(subj)]
    preds = sorted(by_pred, key=_pred_key)
    written = namer._preds
    last = len(preds) - 1
    for i, p in enumerate(preds):
        objs = sorted(by_pred[p])
        sep = " ;" if i < last else " ."
        wp = written.get(p)
        if wp is None:
            if len(written) >= 10_000:
                written.clear()
            wp = written[p] = namer._iri(p)
        out.append(f"\n    {wp} " + " ,\n        ".join(objs) + sep)
    out.append("\n")
    return "".join(out)


def write_turtle(G: nx.MultiDiGraph, path: str | os.PathLike, base: str = DEFAULT_BASE,
                 run_triples: int | None = None) -> Path:
    """Export ``G`` to Turtle at ``path`` (deterministic bytes, atomic replace).  The triples go
    straight from the graph to the file, through sorted runs of ``run_triples`` triples in unnamed
    temp files next to ``path``: no rdflib Graph, and memory bounded by one run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, _turtle_chunks(iter_triples(G, base=base, _written=True), base,
                                                  spill_dir=path.parent, run_triples=run_triples))


def iter_prefixes(base: str = DEFAULT_BASE) -> Iterable[tuple[str, str]]:
    """The (prefix, namespace) pairs of the exported Turtle (for SPARQL PREFIX headers)."""
    yield from sorted({**PREFIXES, "kgid": _check_base(base)}.items())
