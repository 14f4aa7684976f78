"""What a rule stage's code reads and writes of the DocState: the fields named on its state
parameter in its own source and in every kg.relations function it passes the state to
(transitively).  A store counts as written when it is assigned, item-assigned or deleted, or
when one of its mutating methods is called (``st.projects.setdefault(...)``)."""

from __future__ import annotations

import ast
import inspect
import textwrap

MUTATORS = {"append", "extend", "add", "update", "setdefault", "pop", "popitem", "clear",
            "remove", "discard", "sort", "insert", "__setitem__", "__delitem__"}


def _parents(tree):
    par = {}
    for node in ast.walk(tree):
        for ch in ast.iter_child_nodes(node):
            par[ch] = node
    return par


def footprint(func, _seen=None) -> tuple[set[str], set[str]]:
    """(fields read, fields written) of the state passed as ``func``'s first parameter."""
    seen = _seen if _seen is not None else set()
    if func in seen:
        return set(), set()
    seen.add(func)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    fdef = tree.body[0]
    st = fdef.args.args[0].arg
    par = _parents(tree)
    reads: set[str] = set()
    writes: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == st:
            p = par.get(node)
            if isinstance(node.ctx, (ast.Store, ast.Del)) \
                    or (isinstance(p, ast.Subscript) and p.value is node and isinstance(p.ctx, (ast.Store, ast.Del))) \
                    or (isinstance(p, ast.Attribute) and p.attr in MUTATORS and isinstance(par.get(p), ast.Call)
                        and par[p].func is p):
                writes.add(node.attr)
            else:
                reads.add(node.attr)
        # a call passing the state on: f(st, ...)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args \
                and isinstance(node.args[0], ast.Name) and node.args[0].id == st:
            callee = func.__globals__.get(node.func.id)
            if callee is not None and inspect.isfunction(callee) \
                    and callee.__module__.startswith("kg.relations"):
                r, w = footprint(callee, seen)
                reads |= r
                writes |= w
    return reads, writes
