"""``kg`` command line: a thin typer layer over the library API.

This is the only module that imports typer or rich: the library (every other module of kg)
returns values and raises :class:`kg.model.KgError` subclasses, and the commands here turn
those into output and one-line errors (:func:`fail`).  ``tests/test_architecture.py`` checks it.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape   # file names and messages are text, never rich markup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .model import InputError, KgError
from .ner_train import DATASETS as NER_DATASETS
from .sparql import DEFAULT_LIMIT, DEFAULT_TIMEOUT

app = typer.Typer(
    name="kg",
    help="Build a knowledge graph (people, posts, organisations, places, projects, actions, "
         "industrial clusters) from Chinese government and news text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
# soft_wrap: an error stays one line however long it is
err_console = Console(stderr=True, soft_wrap=True)
# the driver logs "Transaction failed and will be retried" warnings; kg reports errors itself
logging.getLogger("neo4j").setLevel(logging.ERROR)


def fail(message: str, code: int = 1) -> None:
    """Print one clear line and exit (no traceback)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _one_line_errors(fn):
    """A KgError (missing corpus, bad option, unusable model directory) ends the command with
    one line on stderr and exit status 1, not a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KgError as e:
            fail(str(e))
    return wrapper


def _parse_city_overrides(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        doc, sep, city = item.partition("=")
        if not sep or not doc or not city:
            fail(f"--doc-city expects DOC=CITY, got {item!r}")
        out[doc] = city
    return out


def _max_file_size_kw(mb: Optional[float]) -> dict:
    """``--max-file-size`` (MB; 0 = no limit) as the ``max_file_size`` keyword of build()."""
    if mb is None:
        return {}
    if mb < 0:
        fail(f"--max-file-size must be a number of MB, 0 for no limit (got {mb})")
    return {"max_file_size": int(mb * 1024 * 1024) if mb > 0 else None}


def _parallel_kw(jobs: Optional[int], ray: Optional[str]) -> dict:
    """``--jobs`` / ``--ray`` as build()'s keywords: with --ray, --jobs counts Ray actors."""
    if ray is None:
        return {"jobs": jobs or os.cpu_count() or 1}
    if not ray.strip():
        fail("--ray expects an address: local, auto, HOST:PORT or ray://HOST:PORT")
    return {"ray": ray.strip(), "ray_workers": jobs}


def _jobs_option(help_doc: str = "build"):
    return typer.Option(None, "--jobs", "-j", min=1, metavar="N",
                        help=f"Worker processes for the per-document stage (NER, relations) of the {help_doc}: "
                             "1 runs it in this process; the outputs are the same (default: all cores).")


def _ray_option(help_doc: str = "build"):
    return typer.Option(None, "--ray", metavar="ADDRESS",
                        help=f"Run the per-document stage of the {help_doc} as Ray actors: 'local' starts a Ray "
                             "instance on this machine, 'auto' joins the one running here, else the "
                             "cluster's HOST:PORT or ray://HOST:PORT; --jobs is then the number of actors "
                             "(default: the cluster's CPUs); the outputs are the same (needs "
                             "pip install -e '.[ray]'; docs/performance.md).")


def _progress() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
                    transient=False, disable=not err_console.is_terminal)


def _warn_skipped(e: InputError) -> None:
    """A bad input file, reported by name; the rest of the work goes on."""
    err_console.print(f"[yellow]skipped[/] {escape(e.path)}: {escape(e.problem)}", highlight=False)


def run_build(paths: list[Path], out: Optional[Path], *, model: Optional[Path] = None,
              ner_criterion: Optional[str] = None, city: Optional[str] = None,
              doc_city: Optional[list[str]] = None, base: Optional[str] = None, cache: bool = True,
              write_rdf: bool = True, max_file_size_mb: Optional[float] = None,
              rules_only: bool = False, relation_model: Optional[Path] = None,
              jobs: Optional[int] = None, ray: Optional[str] = None):
    """Run the pipeline with a progress bar and warnings for bad files (``jobs`` None: all cores;
    with ``ray``, the number of Ray actors, None: the cluster's CPUs)."""
    from .pipeline import build

    overrides = _parse_city_overrides(doc_city or [])

    with _progress() as bar:
        task = bar.add_task("extracting", total=None)
        inner: list = []     # the bar of a large document, made when one reports progress

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage == "document":
                if not inner:
                    inner.append(bar.add_task("  this document", total=total))
                bar.update(inner[0], completed=done, total=total, visible=done < total)
            else:
                bar.update(task, completed=done, total=total)

        try:
            result = build(paths, out, model_path=model, ner_criterion=ner_criterion, city=city,
                           city_overrides=overrides, base_iri=base, use_cache=cache, write_rdf=write_rdf,
                           learned=False if rules_only else (relation_model or True),
                           progress=on_progress, on_error=_warn_skipped,
                           **_parallel_kw(jobs, ray), **_max_file_size_kw(max_file_size_mb))
        except KgError as e:
            fail(str(e))
    if not result.documents:
        fail("no readable .txt/.md documents in " + ", ".join(str(p) for p in paths))
    return result


def _print_summary(result, elapsed: float) -> None:
    s = result.summary()
    console.print(f"[bold]documents[/] {s['documents']}   [bold]sentences[/] {s['sentences']}   "
                  f"[bold]skipped files[/] {len(s['errors'])}   [bold]time[/] {elapsed:.1f}s")
    if result.cache_hits:
        console.print(f"reused cached results for {result.cache_hits} of {s['documents']} "
                      f"unchanged documents")
    for title, key, col in (("entities per type", "entities", "type"),
                            ("facts per relation", "facts", "relation")):
        t = Table(title=title)
        t.add_column(col)
        t.add_column("count", justify="right")
        for k, v in s[key].items():
            t.add_row(k, str(v))
        console.print(t)
    for name, path in result.files.items():
        console.print(f"wrote {name}: {path}")


@app.command()
def build(
    paths: list[Path] = typer.Argument(..., help="Corpus directories or .txt/.md files."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output directory."),
    model: Optional[Path] = typer.Option(None, help="NER model directory (default: the shipped model)."),
    ner_criterion: Optional[str] = typer.Option(None, help="Corpus conventions the NER model follows (msra, "
                                                          "cluener, resume; default: the model's, docs/ner.md)."),
    city: Optional[str] = typer.Option(None, help="Context city for bare 市/市委/市政府 in every document "
                                                 "(default: inferred per document)."),
    doc_city: list[str] = typer.Option([], "--doc-city", help="Per-document context city, DOC=CITY (repeatable)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Relation rules alone, without the learned "
                                                               "layer (docs/relations.md)."),
    relation_model: Optional[Path] = typer.Option(None, help="Learned relation model directory (default: "
                                                            "the shipped kg/models/relations)."),
    base: Optional[str] = typer.Option(None, help="Base IRI of the RDF ids."),
    cache: bool = typer.Option(True, help="Reuse cached per-document results."),
    neo4j: bool = typer.Option(False, "--neo4j", help="Also load the graph into Neo4j (NEO4J_URI, NEO4J_USER, "
                                                      "NEO4J_PASSWORD, NEO4J_DATABASE)."),
    neo4j_uri: Optional[str] = typer.Option(None, envvar="NEO4J_URI", help="Bolt URI (with --neo4j)."),
    neo4j_user: Optional[str] = typer.Option(None, envvar="NEO4J_USER", help="Neo4j user."),
    neo4j_password: Optional[str] = typer.Option(None, envvar="NEO4J_PASSWORD", help="Neo4j password."),
    neo4j_database: Optional[str] = typer.Option(None, envvar="NEO4J_DATABASE", help="Neo4j database."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    max_file_size: Optional[float] = typer.Option(None, "--max-file-size", metavar="MB",
                                                  help="Skip (and report) files larger than this "
                                                       "many MB (default 20; 0 = no limit)."),
    jobs: Optional[int] = _jobs_option(),
    ray: Optional[str] = _ray_option(),
) -> None:
    """Build the graph: OUT/graph.ttl, OUT/facts.jsonl, OUT/graph.json (and Neo4j with --neo4j)."""
    t0 = time.perf_counter()
    result = run_build(paths, out, model=model, ner_criterion=ner_criterion, city=city, doc_city=doc_city,
                       base=base, cache=cache, max_file_size_mb=max_file_size,
                       rules_only=rules_only, relation_model=relation_model, jobs=jobs, ray=ray)
    if neo4j:
        from .neo4j_export import Neo4jConfig, load_graph
        with _progress() as bar:
            tasks: dict[str, int] = {}

            def on_load(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(f"neo4j {phase}", total=total)
                bar.update(tasks[phase], completed=done, total=total)

            try:
                config = Neo4jConfig.from_env(uri=neo4j_uri, user=neo4j_user,
                                              password=neo4j_password, database=neo4j_database)
                stats = load_graph(result.graph, config, progress=on_load)
            except KgError as e:
                fail(str(e))
        console.print(f"neo4j: {stats}")
    elapsed = time.perf_counter() - t0
    if as_json:
        s = result.summary()
        s["files"] = {k: str(v) for k, v in result.files.items()}
        typer.echo(json.dumps(s, ensure_ascii=False, indent=2))
    else:
        _print_summary(result, elapsed)


# ---- the report of kg eval -------------------------------------------------------------------

def _pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def render(report, console: Any = None, details: bool = False) -> None:
    """Print a :class:`kg.evaluate.Report` as rich tables (per kind, per entity type; misses/FPs
    with details)."""
    console = console or Console()
    table = Table(title=f"kg eval — {len(report.documents)} documents, gold {report.gold_path}",
                  show_lines=False)
    for col, just in (("scope", "left"), ("TP", "right"), ("FP", "right"), ("FN", "right"),
                      ("P %", "right"), ("R %", "right"), ("F1 %", "right"), ("opt", "right"),
                      ("unscored", "right")):
        table.add_column(col, justify=just)

    def row(name: str, c, style: Optional[str] = None) -> None:
        table.add_row(name, str(c.tp), str(c.fp) if c.exhaustive_cells else "—", str(c.fn),
                      _pct(c.precision), _pct(c.recall), _pct(c.f1), str(c.neutral),
                      str(c.unscored), style=style)

    for k, c in report.kinds.items():
        row(k, c, "bold")
        if k == "entity":
            for t, tc in report.entity_types.items():
                row(f"  {t}", tc)
    table.add_section()
    row("overall", report.overall, "bold")
    console.print(table)
    console.print("P is scored only where the gold header marks a kind/type exhaustive (— otherwise); "
                  "opt = predictions matching optional gold; unscored = unmatched predictions "
                  "of non-exhaustive kinds/types.")
    if report.ignored_docs:
        console.print(f"[yellow]{len(report.ignored_docs)} predicted document(s) have no gold and were "
                      f"ignored: {', '.join(report.ignored_docs[:5])}"
                      f"{' ...' if len(report.ignored_docs) > 5 else ''}[/yellow]")
    if not details:
        return
    for doc, det in report.details.items():
        if not det.missed and not det.false_positives:
            continue
        t = Table(title=escape(doc), show_header=True)
        t.add_column("", justify="left")
        t.add_column("kind")
        t.add_column("record")
        for g in det.missed:
            t.add_row("[red]miss[/red]", g.kind, escape(g.label()) + f"  (gold line {g.line})")
        for p in det.false_positives:
            by = f"  ({escape(', '.join(p.extractors))})" if p.extractors else ""
            t.add_row("[yellow]FP[/yellow]", p.kind, escape(p.label()) + by)
        console.print(t)


def render_bootstrap(intervals: dict, resamples: int, seed: int, level: float, console: Any = None,
                     baseline: Optional[str] = None) -> None:
    """Print :func:`kg.evaluate.bootstrap`'s intervals (or, with ``baseline``, the paired
    differences) as a rich table; scopes without a figure are left out."""
    console = console or Console()
    what = f"F1 - baseline F1 ({escape(baseline)})" if baseline else "F1"
    table = Table(title=f"{what}: {100 * level:g} % interval over {resamples} resamples of the documents "
                        f"(seed {seed})")
    cols = ["scope", "Δ F1 %" if baseline else "F1 %", "low %", "high %"]
    if baseline:
        cols += ["Δ>0 %", "Δ<0 %"]
    cols.append("docs")
    for col in cols:
        table.add_column(col, justify="left" if col == "scope" else "right")
    for scope, iv in intervals.items():
        if iv.value is None:
            continue
        nested = scope.startswith("entity/")
        cells = [f"  {scope[len('entity/'):]}" if nested else scope, _pct(iv.value), _pct(iv.low), _pct(iv.high)]
        if baseline:
            cells += [_pct(iv.above), _pct(iv.below)]
        cells.append(str(iv.documents))
        if scope == "overall":
            table.add_section()
        table.add_row(*cells, style=None if nested else "bold")
    console.print(table)
    console.print("docs: the documents with a record or a prediction of the scope; an interval over a "
                  "few of them says little.")
    if baseline:
        console.print("Both files are scored on the same resampled documents; Δ>0 / Δ<0: the share of "
                      "resamples where the difference is positive / negative.")


def render_extractors(counts: dict, console: Any = None) -> None:
    """Print :func:`kg.evaluate.by_extractor`'s counts: each extractor's facts scored alone."""
    console = console or Console()
    table = Table(title="each extractor's facts scored alone")
    table.add_column("kind / extractor", overflow="fold")
    for col in ("TP", "FP", "opt", "unscored", "P %", "R alone %"):
        table.add_column(col, justify="right")
    for key, c in counts.items():
        scored = c.exhaustive_cells and c.tp_p + c.fp
        table.add_row(key, str(c.tp), str(c.fp) if c.exhaustive_cells else "—", str(c.neutral),
                      str(c.unscored), _pct(c.precision) if scored else "—", _pct(c.recall))
    console.print(table)
    console.print("P: of the extractor's facts matching required gold or none, where the kind is "
                  "exhaustive; a record two extractors both find is a TP of each.")


@app.command("eval")
def eval_cmd(
    gold: Path = typer.Argument(..., help="Gold JSONL (see GUIDELINES.md)."),
    corpus: Optional[Path] = typer.Option(None, help="Corpus to build and score."),
    facts: Optional[Path] = typer.Option(None, help="Score an existing facts.jsonl instead of building."),
    model: Optional[Path] = typer.Option(None, help="NER model directory (default: the shipped model)."),
    ner_criterion: Optional[str] = typer.Option(None, help="Corpus conventions the NER model follows (msra, "
                                                          "cluener, resume; default: the model's, docs/ner.md)."),
    rules_only: bool = typer.Option(False, "--rules-only", help="Relation rules alone, without the learned "
                                                               "layer (docs/relations.md)."),
    relation_model: Optional[Path] = typer.Option(None, help="Learned relation model directory (default: "
                                                            "the shipped kg/models/relations)."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable report."),
    details: bool = typer.Option(False, help="List misses and false positives per document."),
    jobs: Optional[int] = _jobs_option("--corpus build"),
    ray: Optional[str] = _ray_option("--corpus build"),
    resamples: int = typer.Option(0, "--bootstrap", min=0, metavar="N",
                                  help="Also give each F1 a 95 % interval from N resamples of the "
                                       "documents (0: none; 1000 is a good N; docs/evaluation.md)."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FACTS",
                                            help="Compare with another facts.jsonl: the paired "
                                                 "difference in F1 on the same resampled documents "
                                                 "(--bootstrap 1000 unless given)."),
    seed: int = typer.Option(0, help="Seed of the --bootstrap resamples."),
    extractors: bool = typer.Option(False, "--by-extractor",
                                    help="Also score the facts of each extractor (rule stage, "
                                         "learned layer) alone: its own precision."),
) -> None:
    """Score extraction against gold facts: micro P/R/F1 per kind and per entity type."""
    from .evaluate import LEVEL, bootstrap, load_gold, load_predictions, score, score_by_extractor

    if not gold.exists():
        fail(f"{gold}: no such file")
    if (corpus is None) == (facts is None):
        fail("give exactly one of --corpus DIR or --facts FILE")
    if baseline is not None and not baseline.exists():
        fail(f"{baseline}: no such file")
    if baseline is not None and not resamples:
        resamples = 1000
    try:
        gold_records = load_gold(gold)
        if facts is not None:
            if not facts.exists():
                fail(f"{facts}: no such file")
            source: Any = facts
        else:
            result = run_build([corpus], None, model=model, ner_criterion=ner_criterion, write_rdf=False,
                               rules_only=rules_only, relation_model=relation_model, jobs=jobs, ray=ray)
            source = [f.to_dict() for f in result.facts]
        per_extractor = None
        if extractors:
            report, per_extractor = score_by_extractor(gold_records, source)
        else:
            report = score(gold_records, load_predictions(source))
        base_report = score(gold_records, load_predictions(baseline)) if baseline is not None else None
    except KgError as e:
        fail(str(e))
    intervals = bootstrap(report, base_report, resamples=resamples, seed=seed) if resamples else None
    base_name = str(baseline) if baseline is not None else None
    if as_json:
        d = report.to_dict(details=details) if details else report.to_dict()
        if intervals is not None:
            d["bootstrap"] = {"resamples": resamples, "seed": seed, "level": LEVEL, "baseline": base_name,
                              "scopes": {s: iv.to_dict() for s, iv in intervals.items()}}
        if per_extractor is not None:
            d["by_extractor"] = {k: c.to_dict() for k, c in per_extractor.items()}
        typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        render(report, console, details=details)
        if per_extractor is not None:
            render_extractors(per_extractor, console)
        if intervals is not None:
            render_bootstrap(intervals, resamples, seed, LEVEL, console, baseline=base_name)


def train_relations_cmd(
    corpus: Path = typer.Option(..., help="Annotated documents (e.g. ../shared/realpages/train/docs)."),
    gold: Path = typer.Option(..., help="Their gold JSONL (GUIDELINES.md)."),
    out: Path = typer.Option(Path("kg/models/relations"), help="Model directory to write."),
    rule_features: bool = typer.Option(True, help="Let the models see what the rules found "
                                                   "(--no-rule-features: the 'model only' ablation)."),
    mode: str = typer.Option("leads_action=backoff,in_cluster=groups",
                             help="How each relation's learned facts join the rules' (one mode for both, or "
                                  "REL=MODE,...): backoff: they fill a relation the rules found nothing of "
                                  "in a document; groups: they fill the actions / members no rule fact "
                                  "names; replace: they replace the rules' facts."),
    project_mentions: bool = typer.Option(True, help="Kept project members become Project mentions even "
                                                     "where no in_cluster fact names them."),
    pair_span_scale: float = typer.Option(1.0, min=0.05, max=1.0,
                                          help="Pairs are formed over the action / cluster / member spans "
                                               "above this share of the span thresholds (the pair model "
                                               "filters again)."),
    folds: int = typer.Option(4, help="Folds for the out-of-fold thresholds."),
    epochs: int = typer.Option(12, help="Training epochs of each model."),
    seed: int = typer.Option(13, help="Seed of the first order the examples are trained in."),
    seeds: int = typer.Option(4, min=1, help="Each model is the mean of this many models trained in "
                                             "example orders seed, seed+1, ... (one order alone: another "
                                             "seed moves leads_action / in_cluster by several points; "
                                             "docs/evaluation.md, 'Session 13')."),
    entity_l2: float = typer.Option(1e-5, min=0.0, help="L2 weight of the entity models."),
    span_l2: float = typer.Option(1e-5, min=0.0, help="L2 weight of the action / cluster / member span models."),
    pair_l2: float = typer.Option(1e-5, min=0.0, help="L2 weight of the leads_action / in_cluster pair models."),
    action_l2: Optional[float] = typer.Option(None, min=0.0, help="L2 weight of the Action span model alone "
                                                                  "(default: --span-l2)."),
    ner_model: Optional[Path] = typer.Option(None, "--ner-model", help="NER model whose output the layer "
                                                                       "learns from (default: the shipped one)."),
    entity_ner_model: Optional[Path] = typer.Option(
        None, "--entity-ner-model", help="NER model whose output the entity models learn from (default: "
                                         "--ner-model); one that has not seen the training pages "
                                         "(docs/evaluation.md)."),
    entity_candidates: bool = typer.Option(
        True, help="The entity models also score forms no mention has (gazetteer names, a place "
                   "with a zone word: X经开区) and the layer adds those it keeps (docs/relations.md)."),
    pair_precision: float = typer.Option(
        0.3, min=0.0, max=0.99,
        help="The leads_action / in_cluster models keep a pair that is right with at least this "
             "probability, by a calibration of their out-of-fold scores; 0: the threshold with the "
             "best out-of-fold F1 instead (docs/relations.md)."),
    entity_calibrated: bool = typer.Option(
        True, help="Each entity model keeps a form that is right with at least half its best "
                   "out-of-fold F1, by a calibration of its out-of-fold scores; "
                   "--no-entity-calibrated: the threshold with the best out-of-fold F1 "
                   "(docs/relations.md)."),
    span_calibrated: bool = typer.Option(
        False, help="The same for the span models (Action, Cluster, Member: a span right with at "
                    "least a fifth of the best out-of-fold F2; Project: half the best F1); "
                    "--no-span-calibrated: the threshold with the best out-of-fold F2 / F1."),
    member_orgs: float = typer.Option(
        0.5, min=0.0, max=1.0,
        help="An enterprise member the Member span model scores at least this becomes an "
             "Organization mention even where no in_cluster fact names it; 0: never."),
    list_members: bool = typer.Option(
        True, help="A member the layer gives a cluster gives it to the other items of its 、-list "
                   "that are candidates of that cluster (docs/relations.md)."),
    list_orgs: bool = typer.Option(
        True, help="The inner items of a 、-list whose items are mostly organisations become "
                   "organisations (docs/relations.md)."),
    tree_models: str = typer.Option(
        "", help="Models trained as gradient-boosted trees mixed with a linear model, comma-separated "
                 "(e.g. Action,Cluster,Member,leads_action,in_cluster); the others, by default all, are "
                 "linear (docs/evaluation.md, 'Session 31: boosted trees')."),
    trees: int = typer.Option(200, min=1, help="Trees of each model of --tree-models."),
    tree_depth: int = typer.Option(4, min=1, max=6, help="Depth of each tree (of --tree-models)."),
    tree_mix: float = typer.Option(0.5, min=0.0, max=1.0,
                                   help="Weight of the linear model's probability in the score of a "
                                        "model of --tree-models (0: trees alone)."),
    project_model: bool = typer.Option(
        True, help="Also train the Project span model: the project candidates it keeps become Project "
                   "mentions, named with a cluster or not (docs/relations.md)."),
    word_classes: int = typer.Option(
        0, min=0, help="When above 0, the span and pair features are repeated with classes of their "
                       "characters and bigrams: this many classes of bigrams and half as many of characters, "
                       "from the NER model's embeddings (--ner-model), saved with the models "
                       "(docs/relations.md, 'Word classes' in the learned layer's section; the shipped "
                       "models do without)."),
    context_types: str = typer.Option(
        "Cluster,in_cluster",      # kg.learned.context.DEFAULT_CONTEXT_TYPES (the CLI imports no numpy)
        help="Span models that also read each span's context in the NER model's BiLSTM, and pair "
             "models that read both arguments' (--ner-model; a dense vector beside their features), "
             "comma-separated; '' for none (docs/relations.md, 'Context features'). The layer reads "
             "the context from that NER model again: a build needs it as its own NER model (--model) "
             "or as the shipped one."),
    extra_corpus: Optional[list[Path]] = typer.Option(
        None, "--extra-corpus",
        help="More annotated documents (the sample, sets written for kg) the span and pair models learn "
             "from as well, in every fold and never held out, so the thresholds stay out-of-fold on "
             "--corpus; the entity models do not see them. Repeatable, each with its --extra-gold."),
    extra_gold: Optional[list[Path]] = typer.Option(
        None, "--extra-gold", help="The gold JSONL of each --extra-corpus, in the same order."),
    augment: int = typer.Option(
        0, min=0, help="Copies of each --corpus page with its gold records' names (clusters, actions, "
                       "projects, member enterprises, lead agencies) swapped for other pages' names, "
                       "which the span and pair models learn from too, each in its page's fold "
                       "(docs/relations.md, 'Augmented copies'); 0: none."),
) -> None:
    """Train the learned relation layer (entity, span and pair models) on annotated documents."""
    from .evaluate import load_gold
    from .learned.layer import parse_modes
    from .learned.context import ContextEncoder
    from .learned.train import check_extra_documents, context_type_names, run_rules, train, tree_model_names
    from .lexicon import Lexicon
    from .ner import DEFAULT_MODEL_DIR, NerTagger, model_version
    from .ingest import read_corpus

    try:
        modes = parse_modes(mode)
    except KgError as e:
        fail(f"--mode: {e}")
    try:
        trees_named = tree_model_names(tree_models)
    except KgError as e:
        fail(f"--tree-models: {e}")
    try:
        ctx_types = context_type_names(context_types, trees_named)
    except KgError as e:
        fail(f"--context-types: {e}")
    extra_corpus, extra_gold = list(extra_corpus or []), list(extra_gold or [])
    if len(extra_corpus) != len(extra_gold):
        fail(f"--extra-corpus given {len(extra_corpus)} times, --extra-gold {len(extra_gold)}: "
             "each extra corpus needs its gold file")
    try:
        gold_records = load_gold(gold)
        docs = read_corpus([corpus], on_error=_warn_skipped)
        if not docs:
            fail(f"no readable .txt/.md documents in {corpus}")
        extra_golds = [load_gold(g) for g in extra_gold]
        extra_docs = []
        for c in extra_corpus:
            found = read_corpus([c], on_error=_warn_skipped)
            if not found:
                fail(f"no readable .txt/.md documents in {c} (--extra-corpus)")
            extra_docs += found
        check_extra_documents([d.id for d in docs], [d.id for d in extra_docs])     # before any NER
        lexicon = Lexicon.load()
        tagger = NerTagger.load(ner_model or DEFAULT_MODEL_DIR)
        ent_tagger = NerTagger.load(entity_ner_model) if entity_ner_model else None
        with _progress() as bar:
            task = bar.add_task("rules", total=len(docs))
            data = run_rules(docs, lexicon, tagger, progress=lambda d, n: bar.update(task, completed=d))
            entity_data = None
            if ent_tagger is not None:
                task = bar.add_task("rules (entity NER model)", total=len(docs))
                entity_data = run_rules(docs, lexicon, ent_tagger,
                                        progress=lambda d, n: bar.update(task, completed=d))
            extra = []
            if extra_docs:
                task = bar.add_task("rules (extra documents)", total=len(extra_docs))
                extra = run_rules(extra_docs, lexicon, tagger, progress=lambda d, n: bar.update(task, completed=d))
            extra_sources: list[str | None] = [None] * len(extra)
            if augment:
                from .learned.augment import augmented_documents
                copies, copy_gold, sources = augmented_documents(docs, gold_records, augment, folds,
                                                                 seed=seed, lexicon=lexicon)
                task = bar.add_task("rules (augmented copies)", total=len(copies))
                extra += run_rules(copies, lexicon, tagger, progress=lambda d, n: bar.update(task, completed=d))
                extra_golds.append(copy_gold)
                extra_sources += sources
        ner = {"relations": model_version(ner_model or DEFAULT_MODEL_DIR),
               "entities": model_version(entity_ner_model or ner_model or DEFAULT_MODEL_DIR)}
        report = train(data, gold_records, lexicon, out, rule_features=rule_features, mode=modes,
                       project_mentions=project_mentions, pair_span_scale=pair_span_scale, folds=folds,
                       epochs=epochs, seed=seed, seeds=seeds, entity_l2=entity_l2, span_l2=span_l2, pair_l2=pair_l2,
                       action_l2=action_l2, entity_data=entity_data, entity_candidates=entity_candidates,
                       pair_precision=pair_precision or None, entity_calibrated=entity_calibrated,
                       span_calibrated=span_calibrated, tree_models=tree_models, trees=trees,
                       tree_depth=tree_depth, tree_mix=tree_mix,
                       member_orgs=member_orgs, project_model=project_model,
                       list_members=list_members, list_orgs=list_orgs, ner=ner,
                       word_classes=word_classes, classes_from=ner_model,
                       extra=extra, extra_gold=extra_golds, extra_sources=extra_sources,
                       context=ContextEncoder(tagger) if ctx_types else None, context_types=ctx_types,
                       log=lambda s: err_console.print(s, highlight=False))
    except KgError as e:
        fail(str(e))
    console.print(f"wrote {out} ({report['documents']} documents, {report['seconds']} s)")


# ---- kg serve / kg export (issue 15; the code lives in kg/serve.py and kg/export.py) ----------
@app.command()
def serve(
    out: Path = typer.Argument(Path("out"), help="Output directory of `kg build`."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port (0 = any free port)."),
    max_rows: int = typer.Option(10_000, "--max-rows", min=1, help="Most rows a SPARQL answer holds."),
    cors: Optional[str] = typer.Option(None, "--cors", metavar="ORIGIN",
                                       help="Let browser SPARQL clients from ORIGIN (or *) call /sparql."),
) -> None:
    """Serve the graph: explorer at /, SPARQL 1.1 endpoint at /sparql (read-only)."""
    from .serve import make_server

    try:
        server = make_server(out, host, port, max_rows=max_rows, quiet=False, cors=cors)
    except KgError as e:
        fail(str(e))
    err_console.print(f"kg serve: explorer {server.url}  SPARQL {server.url}sparql  (Ctrl-C stops)",
                      highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command("export")
def export_cmd(
    out: Path = typer.Argument(Path("out"), help="Output directory of `kg build`."),
    format: str = typer.Option(..., "--format", "-f", metavar="graphml|neo4j-import", help="Export format."),
    to: Optional[Path] = typer.Option(None, "--to", help="Target file (graphml, default OUT/graph.graphml) "
                                                         "or folder (neo4j-import, default OUT/neo4j-import)."),
) -> None:
    """Export the graph as GraphML (Gephi, Cytoscape) or CSV for `neo4j-admin database import`."""
    from .export import export, neo4j_import_command

    try:
        files = export(out, format, to)
    except KgError as e:
        fail(str(e))
    for name, path in files.items():
        console.print(f"wrote {name}: {path}", highlight=False)
    if format == "neo4j-import":
        console.print("import (Neo4j stopped, then run cypher/schema.cypher):\n  "
                      + neo4j_import_command(files["nodes"].parent), highlight=False, soft_wrap=True)


# ---- kg sparql (the library API is kg/sparql.py) ----------------------------------------------
@app.command("sparql")
def sparql_command(
    query_or_file: Annotated[str, typer.Argument(
        help="A SPARQL query, a .rq file, the name of a query in sparql/ "
             "(e.g. posts_of_person), or - for standard input.", show_default=False, metavar="QUERY_OR_FILE")],
    graph: Annotated[Path, typer.Option("--graph", "-g",
                                        help="Turtle file written by `kg build`.")]
    = Path("out/graph.ttl"),
    format: Annotated[str, typer.Option("--format", "-f", metavar="table|csv|json",
                                        help="Output format.")]
    = "table",
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", metavar="NAME=VALUE", help="Bind the query's 'VALUES ?NAME { ... }' block "
                              "(repeatable).")] = None,
    engine: Annotated[str, typer.Option("--engine", metavar="auto|oxigraph|rdflib",
                                        help="SPARQL engine (auto = oxigraph).")]
    = "auto",
    limit: Annotated[int, typer.Option("--limit", min=0, metavar="ROWS",
                                       help="Print at most this many rows (0 = all); a note says "
                                            "when there were more.")]
    = DEFAULT_LIMIT,
    timeout: Annotated[float, typer.Option("--timeout", min=0, metavar="SECONDS",
                                           help="Stop the query after this long (0 = no limit).")]
    = DEFAULT_TIMEOUT,
    allow_service: Annotated[bool, typer.Option("--allow-service",
                                                help="Allow SERVICE clauses (federated queries make "
                                                     "requests to other servers; off: kg stays offline).")]
    = False,
) -> None:
    """Run a SPARQL query on the exported graph and print the result."""
    from .sparql import FORMATS, cell_text, format_csv, format_json, load_query, query

    fmt = format.lower()
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    try:
        text = load_query(query_or_file)
        res = query(text, graph, engine=engine, params=param, limit=limit or None,
                    timeout=timeout or None, allow_service=allow_service)
    except KgError as e:
        fail(str(e))
        return
    columns, rows = res.columns, res.rows
    if res.truncated:
        err_console.print(f"note: showing the first {limit} rows; there are more (raise --limit, 0 = all, "
                          f"or add LIMIT/OFFSET to the query)", highlight=False, soft_wrap=True)
    if fmt == "csv":
        sys.stdout.write(format_csv(columns, rows))
    elif fmt == "json":
        sys.stdout.write(format_json(columns, rows) + "\n")
    else:
        out = Console()   # the terminal's width now (not when kg.cli was imported)
        if len(columns) * 12 > out.width:
            # too many columns for the terminal: one field/value block per row
            for i, r in enumerate(rows, 1):
                block = Table(title=f"row {i}", show_header=False, title_justify="left")
                block.add_column("field", style="bold")
                block.add_column("value", overflow="fold")
                for c, v in zip(columns, r):
                    block.add_row(c, cell_text(v))
                out.print(block)
            out.print(f"{len(rows)} row(s)", highlight=False)
            return
        table = Table(show_lines=False, caption=f"{len(rows)} row(s)")
        for c in columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*(cell_text(c) for c in r))
        out.print(table)


# ---- kg neo4j load (the loader is kg/neo4j_export.py) ------------------------------------------
neo4j_app = typer.Typer(help="Load a built graph into Neo4j over Bolt.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("load")
def neo4j_load_command(
    out_dir: Path = typer.Argument(Path("out"), help="Output directory of `kg build` (reads OUT/graph.json)."),
    uri: Optional[str] = typer.Option(None, "--uri", envvar="NEO4J_URI", show_envvar=True,
                                      help="Bolt URI (default bolt://localhost:7687)."),
    user: Optional[str] = typer.Option(None, "--user", envvar="NEO4J_USER", show_envvar=True,
                                       help="User (default neo4j)."),
    password: Optional[str] = typer.Option(None, "--password", envvar="NEO4J_PASSWORD", show_envvar=True,
                                           help="Password."),
    database: Optional[str] = typer.Option(None, "--database", envvar="NEO4J_DATABASE", show_envvar=True,
                                           help="Database (default: the server's default database)."),
    batch_size: int = typer.Option(1000, "--batch-size", min=1, help="Rows per transaction."),
    prune: bool = typer.Option(True, "--prune/--no-prune", help="Delete kg nodes/relationships that are no longer in the graph."),
    lock_wait: float = typer.Option(0.0, "--lock-wait", min=0, metavar="SECONDS",
                                    help="Wait this long for another kg load of the same database to finish "
                                         "(default: fail at once)."),
) -> None:
    """Load OUT/graph.json into Neo4j (idempotent; re-running converges)."""
    from .neo4j_export import Neo4jConfig, load_graph, read_built_graph

    try:
        G = read_built_graph(out_dir)
    except KgError as e:
        fail(str(e))
    config = Neo4jConfig.from_env(uri=uri, user=user, password=password, database=database)
    with Progress(TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=max(total, 1))
            bar.update(tasks[phase], completed=done if total else 1, total=max(total, 1))

        try:
            stats = load_graph(G, config, batch_size=batch_size, progress=progress, prune=prune,
                               lock_wait=lock_wait)
        except KgError as e:
            bar.stop()
            fail(str(e))
    typer.echo(f"neo4j {config.describe()}: {stats}")


# ---- kg model (NER training and evaluation: kg/ner_train.py; relation layer: kg/learned) -------
model_app = typer.Typer(help="Train and evaluate kg's own NER model.", no_args_is_help=True)
app.add_typer(model_app, name="model", help="Train and evaluate kg's HanLP NER model and its "
                                            "learned relation layer.")


@model_app.command("train")
@_one_line_errors
def model_train_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the model into."),
    corpora: Path | None = typer.Option(None, "--corpora", envvar="KG_CORPORA",
                                        help="Corpora directory (default ../shared/corpora)."),
    use: str = typer.Option("cluener,resume,msra", help="Comma-separated corpora to train on."),
    msra_sentences: int | None = typer.Option(None, help="Use at most this many MSRA sentences."),
    epochs: int = typer.Option(10), embed: int = typer.Option(100), hidden: int = typer.Option(128),
    batch_size: int = typer.Option(32), lr: float = typer.Option(1e-3),
    patience: int = typer.Option(5, help="Stop after this many epochs without a better selection score."),
    bigram_dim: int = typer.Option(50, help="Char-bigram embedding size (0: chars only)."),
    bigram_vocab: int = typer.Option(20000, help="Keep this many most frequent bigrams."),
    lexicon_dim: int = typer.Option(0, help="Lexicon features from People's Daily 1998's words and "
                                            "names, projected to this size (0: none)."),
    threads: int = typer.Option(2, help="torch threads (the machine is shared)."),
    seed: int = typer.Option(1),
    half: bool = typer.Option(True, help="Store the weights as float16."),
    max_minutes: float | None = typer.Option(None, help="Stop before an epoch would end past this."),
    repeat: str = typer.Option("", help="Up-sample corpora, e.g. 'cluener=2' (each sentence twice)."),
    pretrain: bool = typer.Option(False, help="Initialise char/bigram embeddings with skip-gram vectors "
                                              "trained on the corpora's text (needs gensim: .[train])."),
    init_from: Path | None = typer.Option(None, help="Continue from this earlier run's weights "
                                                     "(same corpora, --repeat and --seed)."),
    embeddings_from: Path | None = typer.Option(None, help="Start the char / bigram / lexicon embeddings "
                                                           "alone from this model's (by token), e.g. for a "
                                                           "smaller --hidden; the rest starts fresh."),
    criteria: bool = typer.Option(False, help="Frame each sentence with its corpus' marker token, so that "
                                              "the model learns each corpus' conventions apart."),
    default_criterion: str = typer.Option("msra", help="With --criteria: the corpus conventions the "
                                                       "model follows by default when tagging."),
):
    """Train a char BiLSTM-CRF (HanLP RNNNamedEntityRecognizer) on the mapped corpora."""
    from .ner_train import _parse_repeat, train

    summary = train(out, corpora, use=[u.strip() for u in use.split(",") if u.strip()],
                    msra_sentences=msra_sentences, epochs=epochs, embed=embed, hidden=hidden,
                    batch_size=batch_size, lr=lr, patience=patience, threads=threads, seed=seed,
                    bigram_dim=bigram_dim, bigram_vocab=bigram_vocab, lexicon_dim=lexicon_dim,
                    half=half, max_minutes=max_minutes, repeat=_parse_repeat(repeat), pretrain=pretrain,
                    init_from=init_from, embeddings_from=embeddings_from, criteria=criteria,
                    default_criterion=default_criterion, log=console.print)
    console.print(f"[green]saved[/green] {out}  selection F1 {summary['selection_f1']:.4f}  "
                  f"{summary['seconds']:.0f}s  {summary['size_bytes'] / 1e6:.2f} MB")


@model_app.command("finalize")
@_one_line_errors
def model_finalize_cmd(model: Path = typer.Argument(..., help="A HanLP save directory (e.g. a stopped run)."),
                       half: bool = typer.Option(True)):
    """Turn a (possibly interrupted) training directory into a kg model directory."""
    from .ner_train import finalize_model_dir

    finalize_model_dir(model, half=half)
    console.print(f"[green]finalized[/green] {model}")


@model_app.command("eval")
@_one_line_errors
def model_eval_cmd(
    dataset: str = typer.Argument("cluener-dev", help=f"One of {', '.join(NER_DATASETS)}."),
    model: Path | None = typer.Option(None, "--model", "-m", help="Model directory (default: shipped)."),
    corpora: Path | None = typer.Option(None, "--corpora", envvar="KG_CORPORA"),
    threads: int = typer.Option(1), json_out: Path | None = typer.Option(None, "--json"),
    criterion: str = typer.Option("auto", help="For a model trained with --criteria: 'auto' (the "
                                               "dataset's own corpus), 'default' (the model's), or a corpus."),
):
    """Span-level exact-match P/R/F1 per label and micro overall."""
    from .ner_train import evaluate

    with console.status(f"evaluating on {dataset} ..."):
        res = evaluate(model, corpora, dataset, threads=threads,
                       criterion=None if criterion == "default" else criterion)
    crit = f", criterion {res['criterion']}" if res["criterion"] else ""
    table = Table(title=f"{dataset}  ({res['sentences']} sentences, model {res['version']}{crit})")
    for col in ("label", "P", "R", "F1", "gold", "pred", "correct"):
        table.add_column(col, justify="right" if col != "label" else "left")
    rows = list(res["labels"].items()) + [("micro", res["micro"])]
    if "org_any" in res:
        rows.append(("ORG (any subtype)", res["org_any"]))
    for lab, m in rows:
        table.add_row(lab, f"{100 * m['p']:.2f}", f"{100 * m['r']:.2f}", f"{100 * m['f1']:.2f}",
                      str(m["gold"]), str(m["pred"]), str(m["correct"]))
    console.print(table)
    if "by_cluener_label" in res:
        t2 = Table(title="by CLUENER label (recall is exact; precision counts the shared kg label)")
        for col in ("CLUENER label", "R", "gold"):
            t2.add_column(col)
        for lab, m in res["by_cluener_label"].items():
            t2.add_row(lab, f"{100 * m['r']:.2f}", str(m["gold"]))
        console.print(t2)
    console.print(f"{res['chars']} chars in {res['seconds']} s")
    if json_out:
        json_out.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")


model_app.command("train-relations")(train_relations_cmd)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
