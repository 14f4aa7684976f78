"""The whole pipeline on real components: ingest, the shipped HanLP model, relations,
resolution, networkx, rdflib; and the CLI over it."""

from __future__ import annotations

import json
import shutil

import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.graph import read_graph
from kg.model import document_id

from conftest import DATA, GOLD

runner = CliRunner()


def test_facts_carry_evidence_that_points_into_the_original_text(built_sample):
    rows = [json.loads(line) for line in built_sample.facts_path.read_text(encoding="utf-8").splitlines()]
    assert rows, "no facts"
    originals = {d.id: d.original for d in built_sample.result.docs}
    analysis = {d.id: d.text for d in built_sample.result.docs}
    relations = {r["relation"] for r in rows}
    assert {"holds_post", "leads_action", "in_cluster", "mentioned_in"} <= relations
    for r in rows:
        ev = r["evidence"]
        assert ev["doc_id"] in originals
        assert 0 <= ev["start"] < ev["end"] <= len(analysis[ev["doc_id"]])
        assert ev["sentence"] and ev["orig_start"] is not None
        assert r["extractor"] and 0 < r["confidence"] <= 1
        assert all(a["entity_id"] for a in r["args"].values())
    # a person argument's surface is found at the original offsets of its evidence span
    yin = [r for r in rows if r["relation"] == "holds_post"
           and r["args"]["person"]["name"] == "殷树刚" and r["args"]["post"]["name"] == "主任"]
    assert yin, "殷树刚 主任 missing"
    ev = yin[0]["evidence"]
    span = originals[ev["doc_id"]][ev["orig_start"]:ev["orig_end"]]
    assert "殷树刚" in span and "主任" in span


def test_graph_turtle_and_json_agree(built_sample):
    G = built_sample.graph
    g = rdflib.Graph().parse(built_sample.ttl_path, format="turtle")
    subjects = {str(s) for s in g.subjects()}
    # every entity node of the networkx graph is an IRI of the Turtle, under the same id
    for node, data in G.nodes(data=True):
        assert any(s.endswith("/" + node) for s in subjects if node in s), node
    H = read_graph(built_sample.graph_json)
    assert set(H.nodes) == set(G.nodes)
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))


def test_post_nodes_link_people_to_organisations(built_sample):
    G = built_sample.graph
    yin = [n for n, d in G.nodes(data=True) if d["type"] == "Person" and d["name"] == "殷树刚"]
    assert len(yin) == 1
    posts = {(G.nodes[p]["name"], G.nodes[o]["name"])
             for _, p, k in G.out_edges(yin[0], keys=True) if k == "holds"
             for _, o, k2 in G.out_edges(p, keys=True) if k2 == "post_in"}
    assert ("主任", "呼和浩特市发展和改革委员会") in posts
    assert ("党组书记", "呼和浩特市发展和改革委员会") in posts
    doc = document_id("001_3c2085c3029b20c0.txt")
    assert G.has_edge(yin[0], doc, key="mentioned_in")


def test_build_reports_bad_files_by_name_and_builds_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(DATA / "004_1990d11d53b02e2b.txt", corpus / "good.txt")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "out"
    res = runner.invoke(app, ["build", str(corpus), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "empty.txt" in res.output and "binary.txt" in res.output
    assert "documents 1" in res.output
    assert (out / "graph.ttl").stat().st_size > 0
    rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert (out / "facts.jsonl").read_text(encoding="utf-8").count("\n") > 10
    # unchanged corpus: per-document results come from the cache, and kg says so
    again = runner.invoke(app, ["build", str(corpus), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert "reused cached results for 1 of 1" in again.output
    assert (out / "facts.jsonl").read_bytes() == (out / "facts.jsonl").read_bytes()


def test_build_json_summary_and_deterministic_outputs(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(DATA / "004_1990d11d53b02e2b.txt", corpus / "a.txt")
    outs = []
    for name, extra in (("o1", []), ("o2", ["--no-cache"])):
        res = runner.invoke(app, ["build", str(corpus), "--out", str(tmp_path / name), "--json", *extra])
        assert res.exit_code == 0, res.output
        summary = json.loads(res.output)
        assert summary["documents"] == 1 and summary["sentences"] > 10
        assert summary["entities"].get("Person", 0) >= 3
        assert summary["facts"].get("leads_action", 0) >= 1
        outs.append(tmp_path / name)
    for f in ("graph.ttl", "facts.jsonl", "graph.json"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


def test_cli_errors_are_one_line(tmp_path):
    res = runner.invoke(app, ["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "no such file or directory" in res.output and "Traceback" not in res.output
    empty = tmp_path / "emptydir"
    empty.mkdir()
    res = runner.invoke(app, ["build", str(empty), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "no readable" in res.output
    res = runner.invoke(app, ["build", str(empty), "--doc-city", "nocity"])
    assert res.exit_code == 1 and "DOC=CITY" in res.output
    res = runner.invoke(app, ["eval", str(GOLD)])
    assert res.exit_code == 1 and "exactly one of" in res.output


def test_eval_on_built_facts_reports_real_numbers(built_sample):
    res = runner.invoke(app, ["eval", str(GOLD), "--facts", str(built_sample.facts_path), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert len(report["documents"]) == 5
    kinds = report["kinds"]
    for kind in ("entity", "holds_post", "leads_action", "in_cluster"):
        k = kinds[kind]
        assert k["tp"] > 0 and k["tp"] + k["fn"] > 0
        assert abs(k["f1"] - 2 * k["precision"] * k["recall"] / (k["precision"] + k["recall"])) < 1e-3
    # regression floor for the dev gold (README has the current figures)
    assert kinds["holds_post"]["f1"] >= 0.85
    assert report["overall"]["f1"] >= 0.8


def test_ner_criterion_option(tmp_path):
    """--ner-criterion picks the conventions of a model trained with corpus markers; an unknown one
    is a one-line error before any work, and a different criterion is cached apart."""
    from kg.ner import CRITERIA_FILE, DEFAULT_MODEL_DIR

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    (model / CRITERIA_FILE).write_text(json.dumps({"markers": {"msra": "<msra>", "cluener": "<cluener>"},
                                                   "default": "msra"}), encoding="utf-8")
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("呼和浩特市委书记包钢主持会议。市发改委主任殷树刚参加。\n", encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--model", str(model),
                              "--ner-criterion", "resume", "--json"])
    assert res.exit_code == 1 and "no NER criterion 'resume'" in res.output and "Traceback" not in res.output
    for crit in ("msra", "cluener"):
        res = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--model", str(model),
                                  "--ner-criterion", crit, "--json"])
        assert res.exit_code == 0, res.output
        summary = json.loads(res.output)
        assert summary["cache_hits"] == 0          # each criterion is its own cache entry
        assert summary["facts"].get("holds_post", 0) >= 1
    (model / CRITERIA_FILE).unlink()
    res = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--model", str(model),
                              "--ner-criterion", "msra"])
    assert res.exit_code == 1 and "trained without corpus markers" in res.output


def test_cache_key_covers_the_code_of_every_cached_stage():
    """Every pattern in the cache's code list names existing files (a renamed module must not drop
    out of the key unnoticed), and the relation rules are among them."""
    from kg import pipeline

    covered = set()
    for pattern in pipeline._CACHED_CODE:
        files = sorted(pipeline._PKG.glob(pattern))
        assert files, f"{pattern} matches no file under kg/"
        covered |= {p.relative_to(pipeline._PKG).as_posix() for p in files}
    relation_modules = {p.relative_to(pipeline._PKG).as_posix() for p in (pipeline._PKG / "relations").glob("*.py")}
    assert relation_modules and relation_modules <= covered


def test_build_reports_cpu_seconds_and_peak_rss_per_stage(built_sample):
    """Beside the wall seconds of each stage: its CPU seconds (``time.process_time``), and the
    process's peak RSS at the stage's end, which never decreases from one stage to the next."""
    res = built_sample.result
    stages = ["fingerprint", "ingest", "load", "ner", "relations", "learned", "extract", "resolve+graph", "write"]
    assert set(res.cpu_seconds) == set(res.seconds) == set(stages) | {"cache"}
    assert all(v >= 0 for v in res.cpu_seconds.values())
    assert res.cpu_seconds["ner"] > 0 and res.cpu_seconds["relations"] > 0 and res.cpu_seconds["load"] > 0
    # the per-document stage is made of its parts, in CPU seconds as in wall seconds
    parts = ["ner", "relations", "learned", "cache"]
    assert sum(res.cpu_seconds[k] for k in parts) <= res.cpu_seconds["extract"] + 1e-6
    assert list(res.peak_rss_mb) == stages
    peaks = list(res.peak_rss_mb.values())
    assert peaks == sorted(peaks) and peaks[-1] > 100     # the NER model alone is over 100 MB
    summary = res.summary()
    assert summary["cpu_seconds"]["ner"] == round(res.cpu_seconds["ner"], 2)
    assert summary["peak_rss_mb"]["write"] == round(res.peak_rss_mb["write"])


def test_jobs_2_outputs_are_byte_identical_to_jobs_1(built_sample, tmp_path):
    """The per-document stage in 2 worker processes (each loading the real NER model) gives the
    same files as the in-process build of the session fixture, with progress per document."""
    from kg.pipeline import build

    seen = []
    res = build([DATA], tmp_path / "out", use_cache=False, jobs=2,
                progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert res.workers == 2 and built_sample.result.workers == 0
    for f in ("facts.jsonl", "graph.json", "graph.ttl"):
        assert (tmp_path / "out" / f).read_bytes() == (built_sample.out_dir / f).read_bytes(), f
    n = len(res.docs)
    assert [d for _, d, _ in seen] == list(range(1, n + 1)) and {(s, t) for s, _, t in seen} == {("extract", n)}
    assert res.seconds["ner"] > 0 and res.seconds["worker_load"] > 0 and res.seconds["extract"] > 0
    # the workers' CPU seconds come back with their results
    assert res.cpu_seconds["ner"] > 0 and res.cpu_seconds["worker_load"] > 0 and res.cpu_seconds["cache"] >= 0


def test_jobs_2_reports_bad_files_by_name_and_fills_the_cache(tmp_path, monkeypatch):
    import kg.pipeline

    # two small documents are one NER group (one task): one group each, so both workers run
    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 1)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("004_1990d11d53b02e2b.txt", "001_3c2085c3029b20c0.txt"):
        shutil.copy(DATA / name, corpus / name)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "out"
    res = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--jobs", "2", "--json"])
    assert res.exit_code == 0, res.output
    assert "empty.txt" in res.stderr and "binary.txt" in res.stderr
    summary = json.loads(res.stdout)
    assert summary["documents"] == 2 and summary["workers"] == 2 and len(summary["errors"]) == 2
    # the workers wrote the cache: the rebuild reads every document from it and starts none
    again = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--jobs", "2", "--json"])
    assert again.exit_code == 0, again.output
    summary2 = json.loads(again.stdout)
    assert summary2["cache_hits"] == 2 and summary2["workers"] == 0
    bad = runner.invoke(app, ["build", str(corpus), "--out", str(out), "--jobs", "0"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def _out_bytes(out) -> dict:
    files = {f: (out / f).read_bytes() for f in ("facts.jsonl", "graph.json", "graph.ttl")}
    files.update({f"originals/{p.name}": p.read_bytes() for p in sorted((out / "originals").iterdir())})
    return files


def test_unchanged_rebuild_keeps_verified_outputs_and_changed_ones_match_a_cold_build(tmp_path):
    """Cold, warm (unchanged: outputs verified and kept, nothing resolved or written) and
    touched-one-file builds give the bytes of a cold --no-cache build of the same corpus; a
    tampered output or original, or another option, is a full build that restores the files."""
    from kg.pipeline import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("呼和浩特市委书记包钢主持会议。市发改委主任殷树刚参加。\n", encoding="utf-8")
    (corpus / "b.txt").write_text("青山区区长王明华到青山工业园区调研。\n", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"

    def cold(name):
        o = tmp_path / name
        build([corpus], o, use_cache=False)
        return _out_bytes(o)

    errs: list = []
    first = build([corpus], out, on_error=errs.append)
    assert not first.reused and first.documents == 2 and len(errs) == 1
    assert _out_bytes(out) == cold("cold1")
    mtimes = {f: (out / f).stat().st_mtime_ns for f in ("facts.jsonl", "graph.json", "graph.ttl")}

    warm_errs: list = []
    seen: list = []
    warm = build([corpus], out, on_error=warm_errs.append, progress=lambda *a: seen.append(a))
    assert warm.reused and warm.cache_hits == 2 and "resolve+graph" not in warm.seconds
    assert [str(e) for e in warm_errs] == [str(e) for e in errs] and seen == [("extract", 2, 2)]
    assert {f: (out / f).stat().st_mtime_ns for f in mtimes} == mtimes     # not rewritten
    s1, s2 = first.summary(), warm.summary()
    for k in ("documents", "errors", "sentences", "entities", "facts", "graph"):
        assert s1[k] == s2[k], k
    # the in-memory results are computed on demand, and are those of the full build
    assert sorted(f.id for f in warm.facts) == sorted(f.id for f in first.facts)
    assert [d.id for d in warm.docs] == [d.id for d in first.docs]

    # one file touched: the other document from the cache, outputs as a cold build's
    (corpus / "b.txt").write_text("青山区区长王明华到青山工业园区调研。市长李强参加。\n", encoding="utf-8")
    touched = build([corpus], out)
    assert not touched.reused and touched.cache_hits == 1
    assert _out_bytes(out) == cold("cold2")
    assert build([corpus], out).reused

    # a tampered output, a removed original: a full build, which restores them
    good = _out_bytes(out)
    (out / "graph.ttl").write_bytes(good["graph.ttl"] + b"# edited\n")
    assert not build([corpus], out).reused and _out_bytes(out) == good
    next((out / "originals").iterdir()).unlink()
    assert not build([corpus], out).reused and _out_bytes(out) == good
    # another option is another fingerprint
    assert not build([corpus], out, city="北京市").reused
    assert not build([corpus], out).reused and _out_bytes(out) == good
    # a stale manifest (outputs replaced after it) is never trusted
    (out / "facts.jsonl").write_bytes(b"")
    assert not build([corpus], out).reused and _out_bytes(out) == good


def test_documents_to_compute_go_through_ner_in_groups(tmp_path, monkeypatch):
    """In process, the documents the cache cannot answer are tagged in NER groups (consecutive
    among them, cached ones in between skipped), each group in one call of the model, and the
    build writes what a build of one document per call writes."""
    import kg.pipeline
    from kg.ner import NerTagger
    from kg.pipeline import build

    corpus = tmp_path / "c"
    corpus.mkdir()
    texts = ["呼和浩特市委书记包钢主持会议。", "青山区区长王明华到青山工业园区调研。",
             "市发改委主任殷树刚参加会议。", "包头市市长李强到昆都仑区调研。"]
    for k, t in enumerate(texts):
        (corpus / f"{k}.txt").write_text(t + "\n", encoding="utf-8")
    calls: list[list[str]] = []
    real = NerTagger.tag_many

    def spy(self, docs, progress=None):
        calls.append([d.id for d in docs])
        return real(self, docs, progress)
    monkeypatch.setattr(NerTagger, "tag_many", spy)
    out = tmp_path / "out"
    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 40)
    build([corpus], out, jobs=1)
    assert calls == [["0.txt", "1.txt"], ["2.txt", "3.txt"]]
    # two documents changed, one cached between them: one group of the two
    for k in (1, 3):
        (corpus / f"{k}.txt").write_text(texts[k] + "会议强调要抓落实。\n", encoding="utf-8")
    calls.clear()
    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 16_000)
    res = build([corpus], out, jobs=1)
    assert calls == [["1.txt", "3.txt"]] and res.cache_hits == 2
    grouped = _out_bytes(out)
    # one document per call gives the same files here
    monkeypatch.setattr(kg.pipeline, "NER_GROUP_CHARS", 1)
    calls.clear()
    build([corpus], tmp_path / "alone", use_cache=False, jobs=1)
    assert sorted(calls) == [[f"{k}.txt"] for k in range(4)]
    assert _out_bytes(tmp_path / "alone") == grouped


def test_a_large_document_reports_progress_inside_itself(tmp_path, monkeypatch):
    """A document over DOC_PROGRESS_CHARS reports "document" progress batch by batch of the NER
    model (the first half), then rule stage by rule stage and part by part of the learned layer
    (the second half); the outputs are those of a build without a progress callback."""
    from kg import pipeline

    monkeypatch.setattr(pipeline, "DOC_PROGRESS_CHARS", 500)
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = "".join(f"第{i}次常务会议由市委书记包钢主持，市发改委主任殷树刚参加。" for i in range(1, 80))
    (corpus / "big.txt").write_text(text + "\n", encoding="utf-8")
    seen: list = []
    res = pipeline.build([corpus], tmp_path / "a", use_cache=False, progress=lambda *a: seen.append(a))
    pipeline.build([corpus], tmp_path / "b", use_cache=False)
    n = len(res.docs[0].text)
    inner = [(d, t) for s, d, t in seen if s == "document"]
    assert len(inner) >= 3 and inner[-1] == (2 * n, 2 * n) and {t for _, t in inner} == {2 * n}
    assert [d for d, _ in inner] == sorted(d for d, _ in inner) and 0 < inner[0][0] < n
    # the second half moves with each rule stage and each part of the layer, not in one step
    from kg.relations.stages import STAGES

    second = sorted({d for d, _ in inner if n < d < 2 * n})
    assert len(second) >= len(STAGES) // 2 and second[-1] > n + n * pipeline.RULES_SHARE
    assert [s for s, _, _ in seen][-1] == "extract"
    for f in ("facts.jsonl", "graph.json", "graph.ttl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
