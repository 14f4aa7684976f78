"""The library is free of typer and rich, and never imports the CLI (issue 12, item 5).

kg/cli.py is the command line: the only module that imports typer or rich, and the only place
that turns a KgError into output.  Every other module under kg/ is library code: it returns
values and raises typed errors (kg.model.KgError subclasses).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "kg"
CLI_MODULES = {"kg.cli"}
UI_PACKAGES = ("typer", "rich", "click")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, at any depth (functions and
    ``if __name__ == "__main__":`` blocks too)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from . import cli`` / ``from kg import cli``
            found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
    return found


def _library_files() -> list[Path]:
    return [p for p in sorted(PKG.rglob("*.py")) if _module_name(p) not in CLI_MODULES]


def test_the_import_scan_sees_imports():
    cli = _imports(PKG / "cli.py")
    assert any(name == "typer" for _, name in cli)
    assert any(name.startswith("kg.ner_train") for _, name in cli)     # a relative import, resolved
    assert len(_library_files()) > 20


def test_library_modules_import_neither_typer_nor_rich():
    bad = [f"{p.relative_to(ROOT)}:{line}: import {name}"
           for p in _library_files() for line, name in _imports(p)
           if name.split(".")[0] in UI_PACKAGES]
    assert not bad, "only kg/cli.py may import typer/rich/click:\n" + "\n".join(bad)


def test_no_library_module_imports_the_cli():
    bad = [f"{p.relative_to(ROOT)}:{line}: import {name}"
           for p in _library_files() for line, name in _imports(p)
           if any(name == m or name.startswith(m + ".") for m in CLI_MODULES)]
    assert not bad, "the library must not import the CLI:\n" + "\n".join(bad)


def test_the_cli_entry_point_and_commands():
    from kg.cli import app, model_app, neo4j_app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names == ["build", "eval", "serve", "export", "sparql"]
    assert [g.name for g in app.registered_groups] == ["neo4j", "model"]
    assert [c.name for c in neo4j_app.registered_commands] == ["load"]
    assert [c.name for c in model_app.registered_commands] == ["train", "finalize", "eval",
                                                               "train-relations"]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'kg = "kg.cli:app"' in text
