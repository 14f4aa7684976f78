"""The rule pipeline: the stages in their order, checked at import, and :func:`extract`.

Each stage is declared where it is written (:func:`kg.relations.registry.stage`, with the state
fields it requires and assigns); ``PIPELINE`` gives the order.  Importing this module checks
that every stage's ``requires`` are assigned by an earlier stage and raises
:class:`~kg.relations.registry.StageOrderError` otherwise.  ``describe()`` gives the
table (``describe(markdown=True)`` is the one in docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

from ..lexicon import Lexicon
from ..model import DocResult, Document, Mention
# the stage modules register their stages on import
from . import actions, cleanup, cluster_scopes, cluster_sections, clusters, leads, mentions, orgs  # noqa: F401
from . import people, posts, projects  # noqa: F401
from .registry import Stage, analysis, check_order
from .registry import describe as _describe
from .state import DocState

PIPELINE: tuple[str, ...] = (
    "prepare",              # view, cleaned model mentions, place names
    "bylines",
    "org_grammar",
    "media_outlets",
    "post_chains",
    "titles_after_names",
    "names_before_titles",
    "appointed_posts",
    "listed_persons",
    "actions_grammar",
    "actions_bare",
    "project_lists",
    "projects_before_verb",
    "enterprise_lists",
    "written_heads",
    "named_projects",
    "known_enterprises",
    "clusters_grammar",
    "in_cluster",
    "cluster_scopes",
    "subject_projects",
    "leads",
    "launches",
    "plan_items",
    "nested_orgs",
    "structure",
    "collect_mentions",
    "unique_facts",
)

STAGES: list[Stage] = check_order(PIPELINE)


def describe(markdown: bool = False) -> str:
    """The pipeline's stages with what each requires and assigns (see :func:`analysis`)."""
    return _describe(PIPELINE, markdown=markdown)


def run(st: DocState, stages: list[Stage] = STAGES,
        progress: Callable[[int, int], None] | None = None) -> DocResult:
    """Run ``stages`` in order on ``st``; ``progress(done, total)`` (in stages) after each."""
    for i, s in enumerate(stages, 1):
        s.func(st)
        if progress is not None:
            progress(i, len(stages))
    return DocResult(st.doc.id, st.mentions, st.facts)


def extract(doc: Document, mentions: list[Mention], lexicon: Lexicon,
            progress: Callable[[int, int], None] | None = None) -> DocResult:
    """All mentions (NER + rule-found) and the facts of one document; ``progress(done, total)``
    after each rule stage (:func:`run`)."""
    return run(DocState(doc, lexicon, mentions), progress=progress)


__all__ = ["PIPELINE", "STAGES", "analysis", "describe", "extract", "run"]
