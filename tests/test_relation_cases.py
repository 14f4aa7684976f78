"""The relation rules and resolution on the table of cases in tests/cases/relations.toml.

Each case is an invented document, the NER spans written by hand as surface strings (frozen
from what the shipped model once tagged, so that retraining the model does not change a rule
test) and the expected facts, surface pairs and mentions, present and absent.  A case runs
through ``kg.ingest.prepare_text``, ``kg.relations.extract`` and ``kg.resolve.resolve``; no
NER model is loaded (``test_table_runs_without_the_model`` checks that).

The file format
---------------
``[[case]]`` with

* ``id``, ``about`` (one line), ``text`` (the raw input), optional ``city`` (the context-city
  override) and ``doc_id`` (default ``t.txt``);
* ``spans``: one string a span, ``"SURFACE TYPE"`` or ``"SURFACE TYPE/SUBTYPE"``; ``SURFACE#N``
  is the N-th occurrence (from 1, overlapping ones counted) of SURFACE in the analysis text
  (normalised, Simplified), without ``#N`` the first;
* ``[[case.check]]`` tables: ``view`` (see :data:`VIEWS`), optional ``where`` (a pattern the
  rows must match) and ``columns`` (the row fields kept, after ``where``), then any of

  ``equal``   the set of rows is exactly these rows
  ``include`` these rows are all in the set
  ``exclude`` no row matches any of these patterns
  ``some``    each of these patterns matches at least one row
  ``only``    every row matches at least one of these patterns
  ``count``   the number of (distinct) rows

A row of a one-column view is a string, else a list of strings.  A pattern is a row of
matchers (one matcher for a one-column view): a string matches itself, ``"*"`` anything, a
list of strings any of them, and a table ``{prefix = [...], suffix = [...], contains = [...],
not = MATCHER}`` a string that has one of the prefixes, and one of the suffixes, … (all keys
given must hold).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.ingest import prepare_text
from kg.model import Document, Mention
from kg.relations import extract
from kg.resolve import resolve

CASES_FILE = Path(__file__).resolve().parent / "cases" / "relations.toml"
OPS = ("equal", "include", "exclude", "some", "only", "count")


def load_cases(path: Path = CASES_FILE) -> list[dict]:
    with path.open("rb") as f:
        return tomllib.load(f)["case"]


# ---------------------------------------------------------------- spans


_SPAN = re.compile(r"^(?P<surface>.+?)(?:#(?P<n>\d+))? (?P<type>[A-Za-z]+)(?:/(?P<sub>[a-z]+))?$", re.S)


def parse_span(spec: str) -> tuple[str, int, str, str | None]:
    """``"市商务局#2 Organization/government"`` -> ("市商务局", 2, "Organization", "government")."""
    m = _SPAN.match(spec)
    if not m:
        raise ValueError(f"bad span {spec!r}: want 'SURFACE[#N] TYPE[/SUBTYPE]'")
    return m["surface"], int(m["n"] or 1), m["type"], m["sub"]


def locate(text: str, surface: str, n: int = 1) -> int:
    """Start of the n-th occurrence (from 1, overlapping ones counted) of ``surface``."""
    i = -1
    for _ in range(n):
        i = text.find(surface, i + 1)
        if i < 0:
            raise ValueError(f"{surface!r} does not occur {n} times in the analysis text")
    return i


def span_specs(doc: Document, mentions: list[Mention]) -> list[str]:
    """The ``spans`` lines of a new case: ``mentions`` (e.g. ``NerTagger.load().tag(doc)``)
    written as surface strings, to be pasted into the case once and read like the rest."""
    out = []
    for m in mentions:
        n, i = 1, doc.text.find(m.text)
        while i != m.start:
            i = doc.text.find(m.text, i + 1)
            n += 1
        out.append(m.text + (f"#{n}" if n > 1 else "") + f" {m.type}" + (f"/{m.subtype}" if m.subtype else ""))
    return out


class SpanTagger:
    """A stand-in for the NER model: the case's hand-written spans, located in the analysis
    text, with the sentence index the model would have given them."""

    def __init__(self, specs: list[str]):
        self.specs = [parse_span(s) for s in specs]

    def tag(self, doc: Document) -> list[Mention]:
        out = []
        for surface, n, typ, sub in self.specs:
            s = locate(doc.text, surface, n)
            sent = next((x.index for x in doc.sentences if x.start <= s < x.end), 0)
            out.append(Mention(doc.id, sent, s, s + len(surface), surface, typ, sub, "hanlp", 1.0))
        return out


# ---------------------------------------------------------------- running a case


@dataclass
class Outcome:
    doc: Document
    result: object        # kg.relations.ExtractionResult
    entities: dict
    facts: list


def run_case(case: dict, lexicon, tagger=None) -> Outcome:
    """Run one case; ``tagger`` defaults to the case's own spans (a real model may be given)."""
    doc_id = case.get("doc_id", "t.txt")
    doc = prepare_text(case["text"], doc_id)
    tagger = tagger or SpanTagger(case["spans"])
    result = extract(doc, tagger.tag(doc), lexicon)
    city = case.get("city")
    entities, facts = resolve([doc], [result], lexicon, city_overrides={doc_id: city} if city else None)
    return Outcome(doc, result, entities, facts)


def _args(facts, relation: str, *roles: str, surface: bool = False, typed: str | None = None):
    rows = set()
    for f in facts:
        if f.relation != relation:
            continue
        row = []
        for role in roles:
            a = f.args[role]
            row.append(a.text if surface else a.name)
            if role == typed:
                row.append(a.type)
        rows.add(tuple(row))
    return rows


VIEWS = {
    # resolved names (kg.resolve)
    "leads": lambda o: _args(o.facts, "leads_action", "agency", "action"),
    "members": lambda o: _args(o.facts, "in_cluster", "member", "cluster", typed="member"),   # (member, type, cluster)
    "posts": lambda o: _args(o.facts, "holds_post", "person", "post", "org"),
    "parts": lambda o: _args(o.facts, "part_of", "part", "whole"),
    # surface strings of one extraction (kg.relations)
    "surface_leads": lambda o: _args(o.result.facts, "leads_action", "agency", "action", surface=True),
    "surface_members": lambda o: _args(o.result.facts, "in_cluster", "member", "cluster", surface=True),
    "surface_members_typed": lambda o: _args(o.result.facts, "in_cluster", "member", "cluster",
                                             surface=True, typed="member"),
    "surface_posts": lambda o: _args(o.result.facts, "holds_post", "person", "post", "org", surface=True),
    "surface_parts": lambda o: _args(o.result.facts, "part_of", "part", "whole", surface=True),
    "surface_located": lambda o: _args(o.result.facts, "located_in", "entity", "place", surface=True),
}
# "mentions:TYPE" (surface strings of the extraction's mentions), "mentioned:TYPE" (resolved names
# of the mentioned_in facts) and "entities:TYPE" (names of the resolved entities) take a type.
TYPED_VIEWS = {
    "mentions": lambda o, t: {(m.text,) for m in o.result.mentions if m.type == t},
    "mentioned": lambda o, t: {(f.args["entity"].name,) for f in o.facts
                               if f.relation == "mentioned_in" and f.args["entity"].type == t},
    "entities": lambda o, t: {(e.name,) for e in o.entities.values() if e.type == t},
}


def view_rows(outcome: Outcome, name: str) -> set[tuple[str, ...]]:
    if ":" in name:
        kind, typ = name.split(":", 1)
        return TYPED_VIEWS[kind](outcome, typ)
    return VIEWS[name](outcome)


def matches(matcher, value: str) -> bool:
    if matcher == "*":
        return True
    if isinstance(matcher, str):
        return value == matcher
    if isinstance(matcher, list):
        return value in matcher
    unknown = set(matcher) - {"prefix", "suffix", "contains", "not"}
    if unknown:
        raise ValueError(f"unknown matcher keys {sorted(unknown)}")
    return (("prefix" not in matcher or value.startswith(tuple(matcher["prefix"])))
            and ("suffix" not in matcher or value.endswith(tuple(matcher["suffix"])))
            and ("contains" not in matcher or any(c in value for c in matcher["contains"]))
            and ("not" not in matcher or not matches(matcher["not"], value)))


def _as_row(item, width: int) -> tuple:
    row = (item,) if width == 1 else tuple(item)
    if len(row) != width:
        raise ValueError(f"{item!r} is not a row of {width} fields")
    return row


def _pattern_hits(pattern, row: tuple) -> bool:
    return all(matches(m, v) for m, v in zip(_as_row(pattern, len(row)), row, strict=True))


def check(case: dict, outcome: Outcome) -> list[str]:
    """The failed expectations of ``case`` on ``outcome`` (empty when it passes)."""
    failures = []
    for i, chk in enumerate(case["check"]):
        if not set(chk) & set(OPS) or set(chk) - {"view", "where", "columns", *OPS}:
            raise ValueError(f"{case['id']} check {i}: bad keys {sorted(chk)}")
        rows = view_rows(outcome, chk["view"])
        if "where" in chk:
            rows = {r for r in rows if _pattern_hits(chk["where"], r)}
        if "columns" in chk:
            rows = {tuple(r[c] for c in chk["columns"]) for r in rows}
        width = len(chk["columns"]) if "columns" in chk else len(next(iter(rows), ())) or _width(chk)
        shown = sorted(r[0] if len(r) == 1 else r for r in rows)
        where = f"{case['id']} check {i} ({chk['view']}): "
        if "equal" in chk and {_as_row(x, width) for x in chk["equal"]} != rows:
            want = {_as_row(x, width) for x in chk["equal"]}
            failures.append(where + f"equal: missing {sorted(want - rows)}, extra {sorted(rows - want)}")
        for x in chk.get("include", []):
            if _as_row(x, width) not in rows:
                failures.append(where + f"include: {x} not in {shown}")
        for p in chk.get("exclude", []):
            hit = [r for r in rows if _pattern_hits(p, r)]
            if hit:
                failures.append(where + f"exclude: {p} matches {sorted(hit)}")
        for p in chk.get("some", []):
            if not any(_pattern_hits(p, r) for r in rows):
                failures.append(where + f"some: nothing matches {p} in {shown}")
        if "only" in chk:
            stray = [r for r in rows if not any(_pattern_hits(p, r) for p in chk["only"])]
            if stray:
                failures.append(where + f"only: {sorted(stray)} match none of {chk['only']}")
        if "count" in chk and len(rows) != chk["count"]:
            failures.append(where + f"count: {len(rows)} rows, want {chk['count']}: {shown}")
    return failures


def _width(chk: dict) -> int:
    """Row width of a check whose view gave no rows: from its first row or pattern."""
    for op in ("equal", "include", "exclude", "some", "only"):
        for x in chk.get(op, []):
            return 1 if isinstance(x, str) or isinstance(x, dict) else len(x)
    return 1


CASES = load_cases()


def test_case_ids_are_unique_and_every_case_checks_something_positive():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for c in CASES:
        positive = [chk for chk in c["check"]
                    if {"equal", "include", "some"} & set(chk) or chk.get("count", 0) > 0]
        assert positive, f"{c['id']}: only absences are checked"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, lexicon):
    outcome = run_case(case, lexicon)
    failures = check(case, outcome)
    assert not failures, "\n".join([case["about"], *failures])


def test_table_runs_without_the_model():
    """Every case runs and passes in a fresh interpreter where kg.ner, hanlp and torch cannot be
    imported: the table needs no NER model (nor its tagger class)."""
    code = (
        "import sys\n"
        "BLOCKED = ('kg.ner', 'hanlp', 'torch')\n"
        "for m in BLOCKED:\n"
        "    sys.modules[m] = None\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "import test_relation_cases as R\n"
        "from kg.lexicon import Lexicon\n"
        "lex = Lexicon.load()\n"
        "bad = [f for c in R.CASES for f in R.check(c, R.run_case(c, lex))]\n"
        "assert not bad, bad\n"
        "assert all(sys.modules[m] is None for m in BLOCKED)\n"
        "print(len(R.CASES), 'cases without the model')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == f"{len(CASES)} cases without the model"


def test_located_in_order_does_not_come_from_the_organisations_dict(lexicon):
    """``structure`` writes its located_in facts in the organisations' text order, whatever
    order the state's organisations (and model mentions) were filled in (it is filled from sets upstream,
    whose order changes with PYTHONHASHSEED, and the rules' per-document result is cached and
    pickled)."""
    from kg.relations.stages import STAGES, PIPELINE
    from kg.relations.state import DocState
    text = ("福安市政府、古田县政府、屏南县政府和周宁县政府联合启动“清河行动”。"
            "寿宁县政府、柘荣县政府随后跟进。")
    spans = [f"{x}县政府 Organization/government" for x in ("古田", "屏南", "周宁", "寿宁", "柘荣")]
    spans.append("福安市政府 Organization/government")
    doc = prepare_text(text, "t.txt")
    k = PIPELINE.index("structure")
    orders = []
    for flip in (False, True):
        st = DocState(doc, lexicon, SpanTagger(spans).tag(doc))
        for stage in STAGES[:k]:
            stage.func(st)
        if flip:
            st.orgs = dict(reversed(list(st.orgs.items())))
            st.projects = dict(reversed(list(st.projects.items())))
            st.ner_v = list(reversed(st.ner_v))
        n = len(st.facts)
        STAGES[k].func(st)
        orders.append([(f.relation, f.args["entity"].text if "entity" in f.args else f.args["part"].text)
                       for f in st.facts[n:]])
    assert sum(r == "located_in" for r, _x in orders[0]) >= 6
    assert orders[0] == orders[1]


def test_matchers():
    assert matches("*", "x") and matches("市商务局", "市商务局") and not matches("市商务局", "商务局")
    assert matches(["甲", "乙"], "乙") and not matches(["甲", "乙"], "丙")
    assert matches({"prefix": ["江州市"], "suffix": ["局"]}, "江州市商务局")
    assert not matches({"prefix": ["江州市"], "suffix": ["局"]}, "江州市人民政府")
    assert matches({"contains": ["本报"], "not": "本报"}, "本报记者") and not matches({"contains": ["本报"], "not": "本报"}, "本报")
    assert matches({"not": {"suffix": ["项目"]}}, "国家中心") and not matches({"not": {"suffix": ["项目"]}}, "国家中心项目")
    with pytest.raises(ValueError):
        matches({"starts": ["x"]}, "x")
    assert parse_span("市商务局#2 Organization/government") == ("市商务局", 2, "Organization", "government")
    assert parse_span("本报记者 刘晓峰 Person") == ("本报记者 刘晓峰", 1, "Person", None)
    assert locate("会会会", "会会", 2) == 1


def test_span_specs_round_trip():
    """span_specs writes what SpanTagger reads back at the same offsets (n-th occurrences too)."""
    doc = prepare_text("市商务局、市商务局和市商务局局长参加。\n", "t.txt")
    i = [j for j in range(len(doc.text)) if doc.text.startswith("市商务局", j)]
    given = [Mention(doc.id, 0, s, s + 4, "市商务局", "Organization", "government") for s in i[1:]]
    given.append(Mention(doc.id, 0, i[2] + 4, i[2] + 6, "局长", "Post"))
    specs = span_specs(doc, given)
    assert specs == ["市商务局#2 Organization/government", "市商务局#3 Organization/government", "局长 Post"]
    back = SpanTagger(specs).tag(doc)
    assert [(m.start, m.end, m.type, m.subtype) for m in back] == [(m.start, m.end, m.type, m.subtype) for m in given]


def test_checker_reports_each_kind_of_failure(lexicon):
    """Each operation fails where it should (the table's checks can fail), on a real case."""
    case = next(c for c in CASES if c["id"] == "bare_actions_led_by_agency_after_you")
    outcome = run_case(case, lexicon)
    lead = ["宜宾市投资促进局", "产业链招商行动"]
    right = {"id": "x", "check": [{"view": "leads", "include": [lead], "some": [[{"prefix": ["宜宾市"]}, "*"]],
                                   "exclude": [["*", "市财政局"]], "only": [[{"prefix": ["宜宾市"]}, "*"]], "count": 2}]}
    assert check(right, outcome) == []
    wrong = [{"view": "leads", "equal": [lead]},
             {"view": "leads", "include": [["宜宾市财政局", "产业链招商行动"]]},
             {"view": "leads", "exclude": [[{"suffix": ["局"]}, "*"]]},
             {"view": "leads", "some": [["*", "招商引资攻坚行动"]]},
             {"view": "leads", "only": [[["宜宾市投资促进局"], "*"]]},
             {"view": "leads", "count": 3},
             {"view": "leads", "where": ["宜宾市投资促进局", "*"], "columns": [1], "equal": ["数字经济提速行动"]},
             {"view": "mentions:Organization", "include": ["市发改委"]}]
    for chk in wrong:
        assert len(check({"id": "x", "check": [chk]}, outcome)) == 1, chk


def test_chain_of_places_classified_whatever_the_order_of_the_places(lexicon):
    """_classify_org reads a place followed by a place within it as a place whichever place
    that starts the text it tries first (the document's places are a set: their order comes
    from the hash seed, and the rules' result is cached)."""
    from kg.relations.orgs import _classify_org
    from kg.relations.places import _places_by_first
    from kg.relations.stages import STAGES, PIPELINE
    from kg.relations.state import DocState
    text = ("新疆召开会议。新疆维吾尔自治区乌鲁木齐市米东区区长王小明出席。"
            "乌鲁木齐市米东区举行签约仪式。")
    spans = ["新疆 Place", "新疆维吾尔自治区 Place", "乌鲁木齐市米东区#2 Place", "王小明 Person"]
    doc = prepare_text(text, "t.txt")
    got = []
    for flip in (False, True):
        st = DocState(doc, lexicon, SpanTagger(spans).tag(doc))
        for stage in STAGES[:PIPELINE.index("post_chains")]:
            stage.func(st)
        pf = _places_by_first(st)
        by = {k: sorted(pf.get(k), key=len, reverse=flip) for k in {**pf.lexicon, **pf.own}}
        st.memo["_places_first"] = by
        got.append(_classify_org(st, "新疆维吾尔自治区乌鲁木齐市米东区"))
    assert got == ["place", "place"]
