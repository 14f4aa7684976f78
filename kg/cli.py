"""``kg`` command line: a thin typer layer over the library API."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape   # file names and messages are text, never rich markup
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .model import InputError, KgError

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


def _progress() -> Progress:
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=err_console,
                    transient=False, disable=not err_console.is_terminal)


def run_build(paths: list[Path], out: Optional[Path], *, model: Optional[Path] = None,
              ner_criterion: Optional[str] = None, city: Optional[str] = None,
              doc_city: Optional[list[str]] = None, base: Optional[str] = None, cache: bool = True,
              write_rdf: bool = True, max_file_size_mb: Optional[float] = None,
              rules_only: bool = False, relation_model: Optional[Path] = None):
    """Run the pipeline with a progress bar and warnings for bad files."""
    from .pipeline import build

    overrides = _parse_city_overrides(doc_city or [])

    def warn(e: InputError) -> None:
        err_console.print(f"[yellow]skipped[/] {escape(e.path)}: {escape(e.problem)}", highlight=False)

    with _progress() as bar:
        task = bar.add_task("extracting", total=None)

        def on_progress(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = build(paths, out, model_path=model, ner_criterion=ner_criterion, city=city,
                           city_overrides=overrides, base_iri=base, use_cache=cache, write_rdf=write_rdf,
                           learned=False if rules_only else (relation_model or True),
                           progress=on_progress, on_error=warn,
                           **_max_file_size_kw(max_file_size_mb))
        except KgError as e:
            fail(str(e))
    if not result.docs:
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
) -> None:
    """Build the graph: OUT/graph.ttl, OUT/facts.jsonl, OUT/graph.json (and Neo4j with --neo4j)."""
    t0 = time.perf_counter()
    result = run_build(paths, out, model=model, ner_criterion=ner_criterion, city=city, doc_city=doc_city,
                       base=base, cache=cache, max_file_size_mb=max_file_size,
                       rules_only=rules_only, relation_model=relation_model)
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
) -> None:
    """Score extraction against gold facts: micro P/R/F1 per kind and per entity type."""
    from .evaluate import load_gold, load_predictions, render, score

    if not gold.exists():
        fail(f"{gold}: no such file")
    if (corpus is None) == (facts is None):
        fail("give exactly one of --corpus DIR or --facts FILE")
    try:
        gold_records = load_gold(gold)
        if facts is not None:
            if not facts.exists():
                fail(f"{facts}: no such file")
            preds = load_predictions(facts)
        else:
            result = run_build([corpus], None, model=model, ner_criterion=ner_criterion, write_rdf=False,
                               rules_only=rules_only, relation_model=relation_model)
            preds = load_predictions([f.to_dict() for f in result.facts])
        report = score(gold_records, preds)
    except KgError as e:
        fail(str(e))
    if as_json:
        typer.echo(json.dumps(report.to_dict(details=details) if details else report.to_dict(),
                              ensure_ascii=False, indent=2))
    else:
        render(report, console, details=details)


def train_relations_cmd(
    corpus: Path = typer.Option(..., help="Annotated documents (e.g. ../shared/realpages/train/docs)."),
    gold: Path = typer.Option(..., help="Their gold JSONL (GUIDELINES.md)."),
    out: Path = typer.Option(Path("kg/models/relations"), help="Model directory to write."),
    rule_features: bool = typer.Option(True, help="Let the models see what the rules found "
                                                   "(--no-rule-features: the 'model only' ablation)."),
    mode: str = typer.Option("backoff", help="backoff: learned leads_action / in_cluster facts fill "
                                             "what the rules found nothing of in a document; replace: "
                                             "they replace the rules' facts."),
    folds: int = typer.Option(4, help="Folds for the out-of-fold thresholds."),
    epochs: int = typer.Option(12, help="Training epochs of each model."),
) -> None:
    """Train the learned relation layer (entity, span and pair models) on annotated documents."""
    from .evaluate import load_gold
    from .learned.train import run_rules, train
    from .lexicon import Lexicon
    from .ner import DEFAULT_MODEL_DIR, NerTagger
    from .ingest import read_corpus

    def warn(e: InputError) -> None:
        err_console.print(f"[yellow]skipped[/] {e.path}: {e.problem}", highlight=False)

    try:
        gold_records = load_gold(gold)
        docs = read_corpus([corpus], on_error=warn)
        if not docs:
            fail(f"no readable .txt/.md documents in {corpus}")
        lexicon = Lexicon.load()
        tagger = NerTagger.load(DEFAULT_MODEL_DIR)
        with _progress() as bar:
            task = bar.add_task("rules", total=len(docs))
            data = run_rules(docs, lexicon, tagger, progress=lambda d, n: bar.update(task, completed=d))
        if mode not in ("backoff", "replace"):
            fail(f"--mode must be backoff or replace, not {mode!r}")
        report = train(data, gold_records, lexicon, out, rule_features=rule_features, mode=mode, folds=folds,
                       epochs=epochs, log=lambda s: err_console.print(s, highlight=False))
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


def _register_subcommands() -> None:
    from .neo4j_export import neo4j_load_command
    from .ner_train import model_app
    from .sparql import sparql_command

    app.command("sparql")(sparql_command)
    neo4j_app = typer.Typer(help="Load a built graph into Neo4j over Bolt.", no_args_is_help=True)
    neo4j_app.command("load")(neo4j_load_command)
    app.add_typer(neo4j_app, name="neo4j")
    model_app.command("train-relations")(train_relations_cmd)
    app.add_typer(model_app, name="model", help="Train and evaluate kg's HanLP NER model and its "
                                                "learned relation layer.")


_register_subcommands()


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
