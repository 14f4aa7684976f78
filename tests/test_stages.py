"""The rule pipeline's stages (issue 12, item 1): each declares the DocState fields it requires
and assigns, the order is checked at import, the declarations match what the code reads and
writes, and stages run on hand-made model spans (no NER model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.ingest import prepare_text
from kg.model import Document, Mention
from kg.relations import registry, stages
from kg.relations.registry import INPUTS, REGISTRY, StageOrderError, check_order, stage
from kg.relations.state import DocState, to_doc, to_view
from conftest import mention

from stage_footprint import footprint

ROOT = Path(__file__).resolve().parents[1]


def test_the_pipeline_is_every_registered_stage_once_in_a_checked_order():
    assert [s.name for s in stages.STAGES] == list(stages.PIPELINE)
    assert sorted(stages.PIPELINE) == sorted(REGISTRY)
    assert check_order(stages.PIPELINE) == stages.STAGES


def _moved(name: str, before: str) -> list[str]:
    order = [n for n in stages.PIPELINE if n != name]
    order.insert(order.index(before), name)
    return order


@pytest.mark.parametrize("name, before, field", [
    ("in_cluster", "project_lists", "lists"),          # the sections read the project lists
    ("leads", "post_chains", "chains"),                # interview framing reads the chains
    ("collect_mentions", "clusters_grammar", "clusters"),
    ("bylines", "prepare", "view"),
    ("unique_facts", "bylines", "facts"),
])
def test_a_misordered_pipeline_is_refused(name, before, field):
    with pytest.raises(StageOrderError, match=rf"stage '{name}' requires .*\b{field}\b.*no earlier stage"):
        check_order(_moved(name, before))


def test_unknown_and_repeated_stages_are_refused():
    with pytest.raises(StageOrderError, match="no stage named 'bylnes'"):
        check_order(["prepare", "bylnes"])
    with pytest.raises(StageOrderError, match="given twice"):
        check_order(["prepare", "bylines", "bylines"])


def test_the_order_is_checked_when_the_module_is_imported():
    """stages.py run with a mis-ordered PIPELINE fails at import."""
    src = (ROOT / "kg" / "relations" / "stages.py").read_text(encoding="utf-8")
    bad = src.replace('    "in_cluster",\n', "").replace('    "prepare",', '    "prepare",\n    "in_cluster",')
    assert bad != src
    namespace = {"__name__": "kg.relations.stages_bad", "__package__": "kg.relations"}
    with pytest.raises(StageOrderError, match="'in_cluster' requires .*lists"):
        exec(compile(bad, "stages_bad.py", "exec"), namespace)


def test_a_declaration_names_only_state_fields():
    with pytest.raises(ValueError, match="unknown state fields \\['projcts'\\]"):
        stage("typo", requires=("projcts",))(lambda st: None)
    with pytest.raises(ValueError, match="assigns an input"):
        stage("writes_doc", assigns=("doc",))(lambda st: None)
    assert "typo" not in REGISTRY and "writes_doc" not in REGISTRY


def test_the_footprint_sees_reads_writes_and_mutations():
    def f(st):
        st.persons[(0, 2)] = "x"
        st.projects.setdefault((1, 2), "p")
        st.lists = st.lists + [1]
        del st.orgs[(0, 1)]
        return len(st.text) + len(st.clusters)

    reads, writes = footprint(f)
    assert writes == {"persons", "projects", "lists", "orgs"}
    assert reads == {"lists", "text", "clusters"}


@pytest.mark.parametrize("name", stages.PIPELINE)
def test_each_declaration_matches_the_code(name):
    """assigns = the fields the stage (with the helpers it passes the state to) writes;
    requires = the fields it reads, less the inputs and less the fields it is the first
    stage to write."""
    s = REGISTRY[name]
    earlier = set()
    for o in stages.STAGES[:stages.PIPELINE.index(name)]:
        earlier |= set(footprint(o.func)[1])
    reads, writes = footprint(s.func)
    reads -= set(registry.CACHES)
    writes -= set(registry.CACHES)
    assert set(s.assigns) == writes, f"{name}: declared {sorted(s.assigns)}, writes {sorted(writes)}"
    want = {f for f in reads - set(INPUTS) if f not in writes or f in earlier}
    assert set(s.requires) == want, f"{name}: declared {sorted(s.requires)}, reads {sorted(want)}"


def test_describe_and_the_table_in_the_docs():
    text = stages.describe()
    for n in stages.PIPELINE:
        assert re.search(rf"^\s*\d+ {n}\s+requires:", text, re.M), n
    rows = stages.analysis(stages.PIPELINE)
    assert rows[stages.PIPELINE.index("in_cluster")]["from"]["lists"] == [
        "project_lists", "projects_before_verb", "enterprise_lists", "written_heads"]
    arch = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert stages.describe(markdown=True) in arch, \
        "docs/architecture.md: paste kg.relations.stages.describe(markdown=True)"


def _run(doc, ner, lexicon, until=None):
    st = DocState(doc, lexicon, ner)
    for s in stages.STAGES:
        s.func(st)
        if s.name == until:
            break
    return st


def test_view_offsets_inside_document_offsets_outside(lexicon):
    """A line wrapped inside a word is joined in the view; spans inside are view offsets and
    what leaves the pipeline (mentions, evidence) is in document offsets."""
    text = ("市人力资源和社会保障局认真落实各项就业政策，全力推进就业促\n"
            "进行动，由市人力资源和社会保障局牵头实施。\n")
    doc = Document("wrap.txt", "wrap.txt", text, text, list(range(len(text) + 1)))
    st = _run(doc, [], lexicon, until="prepare")
    assert st.text == text.replace("促\n进", "促进")
    vs = st.text.index("就业促进行动")
    ds, de = to_doc(st, vs, vs + 6)
    assert doc.text[ds:de] == "就业促\n进行动" and to_view(st, ds, de) == (vs, vs + 6)
    res = stages.run(DocState(doc, lexicon, []))
    acts = [(m.start, m.end, m.text) for m in res.mentions if m.type == "Action"]
    assert acts == [(ds, de, "就业促进行动")]
    leads = [f for f in res.facts if f.relation == "leads_action"]
    assert leads and all(doc.text[f.evidence.start:f.evidence.end].count("\n") <= 1 for f in leads)


def test_view_fields_follow_its_map_on_random_texts(lexicon):
    """The view made from its line breaks alone (the breaks joined, then ranges and slices):
    its text, joins and inverse map are what the map says, character by character, on random
    texts with and without hard-wrapped lines."""
    import bisect
    import random
    from array import array

    from kg.relations.base import _View

    rng = random.Random(11)
    han = "市政府发展改革委员会工作报告建设项目产业集群推进"
    joined = 0
    for trial in range(600):
        if trial % 2:
            text = "".join(rng.choice(han + "\n\n。，、 a1|") for _ in range(rng.randrange(0, 90)))
        else:       # long lines of Han characters: hard-wrapped prose, joined
            text = "\n".join("".join(rng.choice(han) for _ in range(rng.randrange(8, 30)))
                              for _ in range(rng.randrange(1, 6)))
        v = _View(text, None, lexicon)
        keep = list(v.map)
        # (memory) ranges when nothing is joined, else arrays: never lists of ints
        assert isinstance(v.map, range if len(keep) == len(text) else array) and type(v.inv) is type(v.map)
        assert keep == sorted(keep) and all(text[i] == "\n" for i in set(range(len(text))) - set(keep))
        assert v.text == "".join(text[i] for i in keep)
        assert v.joins == [j for j in range(1, len(keep)) if "\n" in text[keep[j - 1]:keep[j]]]
        assert list(v.inv) == [bisect.bisect_left(keep, i) for i in range(len(text) + 1)]
        joined += len(keep) < len(text)
    assert joined > 100


def test_projects_before_verb_runs_its_regex_only_over_clauses_with_a_verb(lexicon):
    """``_in_clauses_with`` gives the matches of the regex over the whole text, on random
    texts of clause stops, list marks, the project word and the completion verbs."""
    import random

    from kg.relations.projects import _before_verb_rx, _in_clauses_with, _Words

    verbs = lexicon.words("project_patterns", "post_verb")
    pw = _Words.of(lexicon)
    rx, verb_rx = _before_verb_rx(verbs, pw)
    assert verb_rx is not None
    rng = random.Random(3)
    alphabet = list("高速机场公路桥,，;；。:：!?\n、 ") + [pw.project, pw.close] + list(verbs)
    found = 0
    for _ in range(3000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        whole = [(m.span(), m.groups()) for m in rx.finditer(t)]
        assert [(m.span(), m.groups()) for m in _in_clauses_with(t, rx, verb_rx)] == whole, t
        found += len(whole)
    assert found > 1000
    # a verb holding a clause stop: the whole text, as before
    assert _before_verb_rx([*verbs, "a,b"], pw)[1] is None


def test_occurrences_has_is_bool_of_its_occurrences():
    from kg.model import Occurrences

    text = "市发改委主任到市委。市委书记讲话，发改委"
    for x in ("市委", "发改委", "市", "。", "委主", "不在", "市委书记讲话，发改委", "委员", ""):
        occ = Occurrences(text)
        assert occ.has(x) == bool(occ(x)), x
    occ = Occurrences(text)
    assert not occ.has("不在") and "不在" not in occ._occ      # answered by the index alone


def test_occurrences_are_those_of_a_scan_on_random_texts():
    """The index (positions sorted by their two characters) finds what re.finditer finds:
    overlapping candidates (aaa), characters past the BMP, texts of 0 to 2 characters."""
    import random

    from kg.model import Occurrences

    rng = random.Random(29)
    alphabet = "aab市委\U0001F600\u3000"
    for n in [0, 1, 2, 3] + [rng.randrange(4, 300) for _ in range(200)]:
        text = "".join(rng.choice(alphabet) for _ in range(n))
        occ = Occurrences(text)
        probes = {text[i:i + k] for i in range(n) for k in (1, 2, 3, 5)} | {"aa", "aaa", "市委", "委a", "zz", "b\U0001F600"}
        for x in sorted(probes):
            want = [m.start() for m in re.finditer(re.escape(x), text)]
            assert occ(x) == want and occ.has(x) == bool(want), (text, x)
        assert occ.passes <= 1 + sum(1 for x in probes if len(x) < 2)


def test_cluster_section_stages_on_hand_made_spans(lexicon):
    text = ("全力推进以新材料为引领的新材料产业集群。建成投产甲乙新材料产业园、丙丁储能电池等项目，"
            "集群产值达到100亿元。\n")
    doc = prepare_text(text, "cl.txt")
    st = _run(doc, [], lexicon, until="written_heads")
    assert st.clusters == {} and st.lists, st.lists
    st = _run(doc, [], lexicon, until="in_cluster")
    assert list(st.clusters.values()) == ["新材料产业集群"]
    members = {f.args["member"].text for f in st.facts if f.relation == "in_cluster"}
    # the projects listed, and the enterprises their names open
    assert members == {"甲乙新材料产业园", "丙丁储能电池", "甲乙", "丙丁"}, members


def test_post_chain_stage_on_a_hand_made_person_span(lexicon):
    doc = prepare_text("包头市委副书记、市长张立新出席会议。\n", "pc.txt")
    st = _run(doc, [mention(doc, "张立新", "Person")], lexicon, until="post_chains")
    assert [(c.person, [t for _o, _k, t in c.elements]) for c in st.chains] == [("张立新", ["副书记", "市长"])]
    # the implied government in its short form (posts.tsv); resolution names it 包头市人民政府
    assert {(f.args["post"].text, f.args["org"].text) for f in st.facts} == {
        ("副书记", "包头市委"), ("市长", "包头市政府")}


def test_person_support_reads_the_text_once_for_any_number_of_names(lexicon, monkeypatch):
    """``_person_supported`` finds a name's occurrences through the document's index (one pass
    over the text, however many names are looked up), with the results of a regex scan per name."""
    from kg.relations import people

    names = [s + g for s in "张王李赵刘陈" for g in ("明华", "建国", "立新", "海东")]
    text = "".join(f"市长{n}，" for n in names[:12]) + "".join(f"大{n}楼。" for n in names[12:]) \
        + "王立新王立新，哈哈哈哈。\n"
    doc = prepare_text(text, "names.txt")
    looked_up = names + ["王立新王立新", "哈哈", "周不在", "，"]
    st = _run(doc, [], lexicon, until="prepare")
    got = [people._person_supported(st, n) for n in looked_up]
    index = st.memo["_occurrences"]
    assert index.passes == 2       # the index, and the one-character "，"
    assert got[:12] == [True] * 12 and got[-2] is False
    # the same answers from a scan of the text per name (the code before the index)
    monkeypatch.setattr(people, "occurrences",
                        lambda st, x: [m.start() for m in re.finditer(re.escape(x), st.text)])
    st2 = _run(doc, [], lexicon, until="prepare")
    assert [people._person_supported(st2, n) for n in looked_up] == got
    assert "_occurrences" not in st2.memo


def test_org_grammar_asks_the_index_which_places_are_written(lexicon, monkeypatch):
    """``org_grammar`` keeps the places written in the text through the document's occurrence
    index (one pass over the text, not a substring test of the whole text per place; a place
    whose first two characters the text never writes is answered by the index alone), with the
    organisations that a substring test per place finds."""
    import types

    from kg.relations import orgs

    places = ["甲乙县", "丙丁县", "戊己县", "庚辛县", "壬癸县"]
    text = "".join(f"{p}发改委、{p}教育局召开会议。" for p in places) + "\n"
    doc = prepare_text(text, "orgs.txt")
    ner = [mention(doc, p, "Place") for p in places]
    st = _run(doc, ner, lexicon, until="org_grammar")
    index = st.memo["_occurrences"]
    assert index.passes == 1
    asked = {p for p in st.places if len(p) >= 2 and index.pair_written(p)}
    assert set(places) <= asked <= set(index._occ)         # the places whose start is written
    assert not ({p for p in st.places if len(p) >= 2} - asked) & set(index._occ)   # the rest: no lists
    found = sorted(x for x, _sub in st.orgs.values())
    assert {f"{p}教育局" for p in places} <= set(found), found
    monkeypatch.setattr(orgs, "occurrence_index", lambda st: types.SimpleNamespace(has=lambda x: x in st.text))
    st2 = _run(doc, ner, lexicon, until="org_grammar")
    assert sorted(x for x, _sub in st2.orgs.values()) == found and "_occurrences" not in st2.memo
