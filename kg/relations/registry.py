"""Stage declarations: what each rule stage reads (``requires``) and writes (``assigns``).

A stage is a plain function of a :class:`~kg.relations.state.DocState`, registered with
:func:`stage` next to its code (as spaCy's factories declare ``requires`` / ``assigns``).
``requires`` names the state fields it reads that an earlier stage must have written;
``assigns`` the fields it writes (a store it adds to counts).  Both name fields of
``DocState``; the inputs (``doc``, ``lex``, ``model_mentions``) are there before any stage.
:func:`check_order` refuses a pipeline in which a stage requires a field that no earlier stage
assigns; :func:`analysis` and :func:`describe` show the order with who assigns what.
``tests/test_stages.py`` holds each declaration against the fields the stage's code (and the
helpers it calls) actually reads and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from .state import DocState

INPUTS = ("doc", "lex", "model_mentions")
# caches of values derived from fields that no longer change: no part of the analysis
CACHES = ("memo", "_sentence_finder", "_ner_longest")
FIELDS = tuple(f.name for f in fields(DocState) if f.name not in CACHES)


class StageOrderError(ValueError):
    """A pipeline whose order does not give a stage what it requires (or names no stage)."""


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[[DocState], None]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    @property
    def module(self) -> str:
        return self.func.__module__


REGISTRY: dict[str, Stage] = {}


def stage(name: str | None = None, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()):
    """Register the decorated function ``f(st) -> None`` as the stage ``name`` (default: the
    function's name)."""
    def register(func):
        n = name or func.__name__
        req, asg = tuple(requires), tuple(assigns)
        unknown = [f for f in req + asg if f not in FIELDS]
        if unknown:
            raise ValueError(f"stage {n!r} declares unknown state fields {unknown} "
                             f"(DocState has {', '.join(FIELDS)})")
        if asg and set(asg) & set(INPUTS):
            raise ValueError(f"stage {n!r} assigns an input: {sorted(set(asg) & set(INPUTS))}")
        if n in REGISTRY and REGISTRY[n].func is not func:
            raise ValueError(f"two stages named {n!r}: {REGISTRY[n].module} and {func.__module__}")
        REGISTRY[n] = Stage(n, func, req, asg)
        return func
    return register


def check_order(names: Iterable[str]) -> list[Stage]:
    """The stages of ``names`` in that order; :class:`StageOrderError` when a name is not a
    registered stage, is given twice, or a stage requires a field that no earlier stage
    assigns."""
    out: list[Stage] = []
    assigned = set(INPUTS)
    for n in names:
        if n not in REGISTRY:
            raise StageOrderError(f"no stage named {n!r} (registered: {', '.join(sorted(REGISTRY))})")
        if any(s.name == n for s in out):
            raise StageOrderError(f"stage {n!r} is given twice")
        s = REGISTRY[n]
        missing = [f for f in s.requires if f not in assigned]
        if missing:
            later = sorted({o.name for o in REGISTRY.values() if set(missing) & set(o.assigns)})
            raise StageOrderError(
                f"stage {n!r} requires {', '.join(missing)}, which no earlier stage assigns"
                + (f" (assigned by {', '.join(later)}: put one of them before {n!r})" if later else ""))
        assigned |= set(s.assigns)
        out.append(s)
    return out


def analysis(names: Iterable[str]) -> list[dict]:
    """One row per stage of ``names`` (checked by :func:`check_order`): name, module, requires
    with the earlier stages that assign each field (``from``), assigns."""
    rows = []
    seen: list[Stage] = []
    for s in check_order(names):
        frm = {f: ([o.name for o in seen if f in o.assigns] or ["input"]) for f in s.requires}
        rows.append({"name": s.name, "module": s.module, "requires": list(s.requires),
                     "from": frm, "assigns": list(s.assigns)})
        seen.append(s)
    return rows


def describe(names: Iterable[str], markdown: bool = False) -> str:
    """The pipeline as a table: stage, module, requires, assigns."""
    rows = analysis(names)
    if markdown:
        lines = ["| # | stage | module | requires | assigns |", "| --- | --- | --- | --- | --- |"]
        for i, r in enumerate(rows, 1):
            lines.append(f"| {i} | `{r['name']}` | `{r['module'].rpartition('.')[2]}` | "
                         f"{', '.join(r['requires']) or '-'} | {', '.join(r['assigns']) or '-'} |")
        return "\n".join(lines) + "\n"
    w = max(len(r["name"]) for r in rows)
    lines = []
    for i, r in enumerate(rows, 1):
        lines.append(f"{i:2d} {r['name']:<{w}}  requires: {', '.join(r['requires']) or '-'}")
        lines.append(f"   {'':<{w}}  assigns:  {', '.join(r['assigns']) or '-'}")
    return "\n".join(lines) + "\n"
