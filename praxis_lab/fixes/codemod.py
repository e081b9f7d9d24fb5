"""Codemods: the source edits a fix is made of, located with ``ast`` and spliced as text.

A :class:`Fix` is one edit located by line (insert a statement before or after the
failing one, remove or replace it, rename a method, replace an argument, change an
annotation or a default, prepare labware in the setup, replace an expression), plus the
edits it needs elsewhere to stay correct (``also``: moving a pick-up is an insert and a
remove). :meth:`Fix.apply` returns the new source with every other byte as it was: the
edit's place comes from the parse tree's positions and only that span of text changes,
so comments, blank lines and the author's formatting stay. (Every candidate fix is
applied and simulated before it is offered, so an edit costs a parse and a splice, not a
concrete syntax tree.) Which fix answers which failure is decided in ``suggest.py``.

>>> fix = Fix("rename", "use aspirate", line=3, method="aspirat", new="aspirate")
>>> print(fix.apply("async def p(lh):\\n    x = 1\\n    await lh.aspirat([w], [1])  # go\\n"))
async def p(lh):
    x = 1
    await lh.aspirate([w], [1])  # go
<BLANKLINE>
"""

from __future__ import annotations

import ast
import difflib
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

__all__ = ["Fix", "apply_edits", "unified_diff"]

# The order edits on one line are applied in (the source is edited bottom-up).
_ORDER = {"insert_after": 0, "replace_stmt": 1, "remove": 1}


@dataclass(frozen=True)
class Fix:
    """One codemod: ``kind`` of edit, where (``line``), its parameters, and ``also``."""

    kind: str  # insert_before | insert_after | remove | replace_stmt | rename | replace_arg |
    #            replace_call | annotate | default | setup_insert | before_return |
    #            replace_expr | remove_arg | add_import
    description: str
    line: int = 0
    method: str = ""
    new: str = ""
    arg: str = ""  # replace_expr: the expression's text to replace
    index: int = 0
    function: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())
    also: tuple[Fix, ...] = field(default=())  # edits at other lines, applied with this one

    def apply(self, source: str) -> str:
        """The fixed source: the edits applied from the last line up, so each one's line
        is still valid."""
        return apply_edits(source, self.edits())

    def edits(self) -> list[Fix]:
        """Every edit of this fix, each alone (``also`` flattened)."""
        return [replace(self, also=()), *(e for fix in self.also for e in fix.edits())]

    def to_dict(self, source: str) -> dict[str, str]:
        try:
            after = self.apply(source)
        except Exception as exc:  # a fix that cannot apply is reported, not raised
            return {"description": self.description, "edit": f"(cannot apply: {exc})"}
        return {"description": self.description, "edit": unified_diff(source, after)}


def unified_diff(before: str, after: str) -> str:
    """The edit from ``before`` to ``after`` as diff hunks without context lines."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after",
                                n=0, lineterm="")
    return "\n".join(list(diff)[2:])


class EditError(ValueError):
    """An edit finds nothing to change where it points (the source is not the one it was
    made for)."""


def apply_edits(source: str, edits: list[Fix]) -> str:
    """Apply edits located by lines of ``source``: from the last line up, so each one's line
    is still valid; an edit that repeats or contradicts one before it in the list (the same
    line removed twice, an argument replaced twice) is left out."""
    kept: list[Fix] = []
    for edit in edits:
        if not any(_clash(edit, k) for k in kept):
            kept.append(edit)
    for edit in sorted(kept, key=lambda e: (-_anchor(source, e), _ORDER.get(e.kind, 2))):
        source = _EDITS[edit.kind](source, ast.parse(source), edit)
    return source


def _anchor(source: str, edit: Fix) -> int:
    """The line an edit is made at (an edit of a function's signature or setup: its line;
    an import: before every other edit's line, so it is made last)."""
    if edit.line:
        return edit.line
    if edit.kind == "add_import":
        return -1
    setup = edit.kind in ("setup_insert", "before_return")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == (
                edit.function or node.name) and (setup or any(
                    a.arg == edit.arg for a in _arguments(node))):
            return node.end_lineno or node.lineno if setup else node.lineno
    return 0


def _clash(a: Fix, b: Fix) -> bool:
    inserts = ("insert_before", "insert_after", "setup_insert", "before_return", "add_import")
    if a.kind in inserts or b.kind in inserts:
        return (a.kind, a.line, a.function, a.new) == (b.kind, b.line, b.function, b.new)
    if a.line == 0 or b.line == 0:
        return (a.kind, a.function, a.arg) == (b.kind, b.function, b.arg)
    whole = ("remove", "replace_stmt")
    return a.line == b.line and (a.kind in whole or b.kind in whole or a.arg == b.arg)


# --- text positions ------------------------------------------------------------------------


class _Text:
    """The source as lines, spliced at ``ast`` positions (columns are UTF-8 byte offsets)."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines(keepends=True)

    def offset(self, line: int, col: int) -> int:
        """The character offset of (line, byte column) in the whole source."""
        before = sum(len(x) for x in self.lines[:line - 1])
        return before + len(self.lines[line - 1].encode()[:col].decode(errors="replace"))

    def splice(self, node: ast.AST, new: str) -> str:
        """The source with ``node``'s text replaced by ``new``."""
        whole = "".join(self.lines)
        start = self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end = self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        return whole[:start] + new + whole[end:]

    def indent(self, line: int) -> str:
        text = self.lines[line - 1]
        return text[:len(text) - len(text.lstrip())]

    def with_lines(self, first: int, last: int, new: list[str]) -> str:
        """The source with lines ``first``..``last`` (1-based, inclusive; ``last`` =
        ``first`` - 1 to insert) replaced by ``new``."""
        return "".join(self.lines[:first - 1] + new + self.lines[last:])


def _block(new: str, indent: str) -> list[str]:
    """``new`` (statements written at column 0) indented to ``indent``, one line each."""
    body = textwrap.dedent(new)
    return [(indent + t if t.strip() else t) + "\n" for t in body.rstrip("\n").split("\n")]


def _statements(tree: ast.Module) -> Iterator[tuple[ast.stmt, list[ast.stmt]]]:
    """Every statement inside a function, with the block it is in."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Module):
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield from ((st, block) for st in block)
        for handler in getattr(node, "handlers", []):
            yield from ((st, handler.body) for st in handler.body)


def _statement_at(tree: ast.Module, line: int) -> tuple[ast.stmt, list[ast.stmt]]:
    found = [(st, block) for st, block in _statements(tree) if st.lineno == line]
    if not found:
        raise EditError(f"no statement starts at line {line}")
    return found[-1]  # the innermost


def _calls_at(tree: ast.Module, line: int, method: str) -> list[ast.Call]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == line
             and isinstance(n.func, ast.Attribute) and n.func.attr == method]
    if not calls:
        raise EditError(f"no call of {method}() at line {line}")
    return calls


def _arguments(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = fn.args
    return [*a.posonlyargs, *a.args, *a.kwonlyargs]


# --- the edits ---------------------------------------------------------------------------------


def _insert(source: str, tree: ast.Module, fix: Fix) -> str:
    stmt, _ = _statement_at(tree, fix.line)
    text = _Text(source)
    at = stmt.lineno if fix.kind == "insert_before" else (stmt.end_lineno or stmt.lineno) + 1
    return text.with_lines(at, at - 1, _block(fix.new, text.indent(stmt.lineno)))


def _replace_stmt(source: str, tree: ast.Module, fix: Fix) -> str:
    stmt, block = _statement_at(tree, fix.line)
    text = _Text(source)
    new = _block(fix.new, text.indent(stmt.lineno)) if fix.kind == "replace_stmt" else []
    if not new and len(block) == 1:  # the block keeps a statement
        new = [text.indent(stmt.lineno) + "pass\n"]
    return text.with_lines(stmt.lineno, stmt.end_lineno or stmt.lineno, new)


def _rename(source: str, tree: ast.Module, fix: Fix) -> str:
    for call in reversed(_calls_at(tree, fix.line, fix.method)):
        func = call.func
        assert isinstance(func, ast.Attribute)
        owner = ast.get_source_segment(source, func.value) or ""
        source = _Text(source).splice(func, f"{owner}.{fix.new}")
        tree = ast.parse(source)
    return source


def _replace_call(source: str, tree: ast.Module, fix: Fix) -> str:
    for call in reversed(_calls_at(tree, fix.line, fix.method)):
        source = _Text(source).splice(call, fix.new)
    return source


def _replace_arg(source: str, tree: ast.Module, fix: Fix) -> str:
    for call in reversed(_calls_at(tree, fix.line, fix.method)):
        source = _set_argument(source, call, fix.arg, fix.index, fix.new)
    return source


def _set_argument(source: str, call: ast.Call, arg: str, index: int, new: str) -> str:
    """The call with argument ``arg`` (keyword, or positional ``index``) set to ``new``; a
    missing one is added as a keyword."""
    text = _Text(source)
    for kw in call.keywords:
        if kw.arg == arg:
            return text.splice(kw.value, new)
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if index < len(positional):
        return text.splice(positional[index], new)
    whole = "".join(text.lines)
    end = text.offset(call.end_lineno or call.lineno, call.end_col_offset or 0) - 1  # ")"
    head = whole[:end].rstrip()
    sep = "" if head.endswith(("(", ",")) else ", "
    return head + sep + f"{arg}={new}" + whole[end:]


def _remove_arg(source: str, tree: ast.Module, fix: Fix) -> str:
    """The call without argument ``fix.arg`` (keyword, or positional ``fix.index``), and the
    comma that went with it."""
    for call in reversed(_calls_at(tree, fix.line, fix.method)):
        args: list[ast.AST] = [*call.args, *call.keywords]
        args.sort(key=lambda a: (a.lineno, a.col_offset))  # type: ignore[attr-defined]
        named = [k for k in call.keywords if k.arg == fix.arg]
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        node: ast.AST | None = named[0] if named else (
            positional[fix.index] if fix.index < len(positional) else None)
        if node is None:
            raise EditError(f"no argument {fix.arg} at line {fix.line}")
        text = _Text(source)
        whole = "".join(text.lines)
        i = args.index(node)
        if i > 0:  # from the end of the argument before it
            prev = args[i - 1]
            start = text.offset(prev.end_lineno, prev.end_col_offset)  # type: ignore[attr-defined]
            end = text.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        else:  # to the start of the argument after it
            start = text.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]
            nxt = args[1] if len(args) > 1 else None
            end = text.offset(nxt.lineno, nxt.col_offset) if nxt else text.offset(  # type: ignore[attr-defined]
                node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]
        source = whole[:start] + whole[end:]
    return source


def _replace_expr(source: str, tree: ast.Module, fix: Fix) -> str:
    """Replace the expression whose text is ``fix.arg`` at ``fix.line`` (in a function named
    ``fix.function`` when ``fix.line`` is 0) by ``fix.new``."""
    candidates = [n for n in ast.walk(_scope(tree, fix)) if isinstance(n, ast.expr) and (
        not fix.line or n.lineno == fix.line) and ast.get_source_segment(source, n) == fix.arg]
    if not candidates:
        raise EditError(f"no {fix.arg} at line {fix.line}")
    return _Text(source).splice(candidates[fix.index], fix.new)


def _scope(tree: ast.Module, fix: Fix) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == (
                fix.function):
            return node
    return tree


def _params(source: str, tree: ast.Module, fix: Fix) -> str:
    """A parameter's default (``default``, in ``fix.function``) or annotation (``annotate``,
    in every function that has the parameter) set to ``fix.new``."""
    edits: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if fix.kind == "default" and node.name == fix.function:
            a = node.args
            pairs = list(zip(a.args[len(a.args) - len(a.defaults):], a.defaults, strict=True))
            pairs += [(k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d]
            edits += [(d, fix.new) for p, d in pairs if p.arg == fix.arg]
        elif fix.kind == "annotate":
            for p in _arguments(node):
                if p.arg == fix.arg:
                    edits.append((p.annotation or p, fix.new if p.annotation else
                                  f"{p.arg}: {fix.new}"))
    if not edits:
        raise EditError(f"no parameter {fix.arg} to edit")
    for node, new in sorted(edits, key=lambda e: (-e[0].lineno, -e[0].col_offset)):  # type: ignore[attr-defined]
        source = _Text(source).splice(node, new)
    return source


def _setup_insert(source: str, tree: ast.Module, fix: Fix) -> str:
    """The fix's statements (which read ``_setup``) before each ``return`` of the setup
    function; ``return {...}`` becomes ``_setup = {...}``, the statements, ``return _setup``."""
    fn = _scope(tree, fix)
    if fn is tree:
        raise EditError(f"no setup function {fix.function}")
    returns = [st for st, _ in _statements(fn) if isinstance(st, ast.Return)]  # type: ignore[arg-type]
    if not returns:
        raise EditError(f"setup {fix.function} has no return")
    for ret in sorted(returns, key=lambda r: -r.lineno):
        text = _Text(source)
        indent = text.indent(ret.lineno)
        value = ret.value
        if fix.kind == "before_return" or value is None or (
                isinstance(value, ast.Name) and value.id == "_setup"):
            new = _block(fix.new, indent)
            source = text.with_lines(ret.lineno, ret.lineno - 1, new)
            continue
        expr = ast.get_source_segment(source, value) or ""
        new = [*_block(f"_setup = {expr}\n", indent), *_block(fix.new, indent),
               f"{indent}return _setup\n"]
        source = text.with_lines(ret.lineno, ret.end_lineno or ret.lineno, new)
    return source


def _add_import(source: str, tree: ast.Module, fix: Fix) -> str:
    """``fix.new`` (an import) after the module's last top-level import, unless the module
    imports it already."""
    new = ast.parse(fix.new).body[0]
    names = {a.asname or a.name for a in getattr(new, "names", [])}
    imported = {a.asname or a.name for node in tree.body if isinstance(
        node, ast.Import | ast.ImportFrom) for a in node.names}
    if names <= imported:
        return source
    last = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    at = (last[-1].end_lineno or last[-1].lineno) + 1 if last else 1
    text = _Text(source)
    return text.with_lines(at, at - 1, _block(fix.new, ""))


_EDITS = {
    "insert_before": _insert, "insert_after": _insert, "remove": _replace_stmt,
    "replace_stmt": _replace_stmt, "rename": _rename, "replace_call": _replace_call,
    "replace_arg": _replace_arg, "remove_arg": _remove_arg, "replace_expr": _replace_expr,
    "annotate": _params, "default": _params, "setup_insert": _setup_insert,
    "before_return": _setup_insert, "add_import": _add_import,
}
