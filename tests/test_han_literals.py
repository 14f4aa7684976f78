"""Domain words belong in kg/data (reviewed TSV files), not in code (issue 12): the Han-character
string literals left in the rule and resolution code may only become fewer (docstrings do not
count; when you move words into kg/data, lower the ceiling here), a look-up of a lexicon kind
that does not exist is an error, and no declared kind is loaded and never read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

# ceiling per group of files, measured when the test was written
CEILINGS = {
    "relations/*.py": 0,
    "resolve.py": 0,
    "learned/*.py": 0,
}


def han_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
            and _HAN.search(n.value)]


@pytest.mark.parametrize("pattern", sorted(CEILINGS))
def test_han_literals_only_go_down(pattern):
    files = sorted(KG.glob(pattern))
    assert files, pattern
    found = [(p.relative_to(KG).as_posix(), line, s) for p in files for line, s in han_literals(p)]
    assert len(found) <= CEILINGS[pattern], (
        f"{len(found)} Han string literals in kg/{pattern} (ceiling {CEILINGS[pattern]}): move the "
        f"new words into kg/data; the last ones: {found[-5:]}")


def test_the_counter_sees_literals_and_skips_docstrings(tmp_path):
    p = tmp_path / "m.py"
    p.write_text('"""模块说明"""\nX = "牵头"\ndef f():\n    """函数说明"""\n    return "集群"\n', encoding="utf-8")
    assert [s for _l, s in han_literals(p)] == ["牵头", "集群"]


def test_lexicon_kinds_are_checked_and_all_read(lexicon):
    """A look-up of an undeclared kind is an error (a typo used to return an empty list), and
    every kind a kind/value file declares is read somewhere in kg/ (none loaded and ignored)."""
    from kg.lexicon import _KINDS

    with pytest.raises(KeyError, match="no kind 'sufix'"):
        lexicon.words("clusters", "sufix")
    with pytest.raises(KeyError, match="no such kind/value file"):
        lexicon.words("cluster", "suffix")
    code = "\n".join(p.read_text(encoding="utf-8") for p in KG.rglob("*.py") if p.name != "lexicon.py")
    unread = [(f, k) for f, kinds in _KINDS.items() for k in sorted(kinds)
              if not re.search(r"[\"']%s[\"']" % re.escape(k), code)]
    assert unread == []
