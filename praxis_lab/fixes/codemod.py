"""Codemods: the source edits a fix is made of, applied with LibCST.

A :class:`Fix` is one edit located by line (insert a statement before or after the
failing one, remove or replace it, rename a method, replace an argument, change an
annotation or a default, prepare labware in the setup), plus the edits it needs
elsewhere to stay correct (``also``: moving a pick-up is an insert and a remove).
:meth:`Fix.apply` returns the new source, every other byte as it was. Which fix
answers which failure is decided in ``fixes.py``.

>>> fix = Fix("rename", "use aspirate", line=3, method="aspirat", new="aspirate")
>>> print(fix.apply("async def p(lh):\\n    x = 1\\n    await lh.aspirat([w], [1])\\n"))
async def p(lh):
    x = 1
    await lh.aspirate([w], [1])
<BLANKLINE>
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["Fix", "apply_edits"]

# The order edits on one line are applied in (the source is edited bottom-up).
_ORDER = {"insert_after": 0, "replace_stmt": 1, "remove": 1}


@dataclass(frozen=True)
class Fix:
    """One codemod: ``kind`` of edit, where (``line``), its parameters, and ``also``."""

    kind: str  # insert_before | insert_after | remove | replace_stmt | rename | replace_arg |
    #            replace_call | annotate | default | setup_insert
    description: str
    line: int = 0
    method: str = ""
    new: str = ""
    arg: str = ""
    index: int = 0
    function: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())
    also: tuple[Fix, ...] = field(default=())  # edits at other lines, applied with this one

    def apply(self, source: str) -> str:
        """The fixed source (LibCST keeps every other byte as it was).

        The edits are applied from the last line up, so each one's line is still valid.
        """
        return apply_edits(source, self.edits())

    def edits(self) -> list[Fix]:
        """Every edit of this fix, each alone (``also`` flattened)."""
        return [replace(self, also=()), *(e for fix in self.also for e in fix.edits())]

    def to_dict(self, source: str) -> dict[str, str]:
        try:
            after = self.apply(source)
        except Exception as exc:  # a fix that cannot apply is reported, not raised
            return {"description": self.description, "edit": f"(cannot apply: {exc})"}
        diff = difflib.unified_diff(source.splitlines(), after.splitlines(), "before", "after",
                                    n=0, lineterm="")
        return {"description": self.description, "edit": "\n".join(list(diff)[2:])}


def apply_edits(source: str, edits: list[Fix]) -> str:
    """Apply edits located by lines of ``source``: from the last line up, so each one's line
    is still valid; an edit that repeats or contradicts one before it in the list (the same
    line removed twice, an argument replaced twice) is left out."""
    kept: list[Fix] = []
    for edit in edits:
        if not any(_clash(edit, k) for k in kept):
            kept.append(edit)
    for edit in sorted(kept, key=lambda e: (-e.line, _ORDER.get(e.kind, 2))):
        source = str(_wrapper(source).visit(_Codemod(edit)).code)
    return source


def _clash(a: Fix, b: Fix) -> bool:
    inserts = ("insert_before", "insert_after", "setup_insert")
    if a.kind in inserts or b.kind in inserts:
        return (a.kind, a.line, a.function, a.new) == (b.kind, b.line, b.function, b.new)
    if a.line == 0 or b.line == 0:
        return (a.kind, a.function, a.arg) == (b.kind, b.function, b.arg)
    whole = ("remove", "replace_stmt")
    return a.line == b.line and (a.kind in whole or b.kind in whole or a.arg == b.arg)


@functools.lru_cache(maxsize=8)
def _wrapper(source: str) -> Any:
    """LibCST's parse and position metadata, once per source (fixes share them)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    return MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)


@functools.cache
def _codemod_class() -> type:
    """The LibCST transformer class, defined on first use (LibCST is imported only then).

    It finds where the fix applies (the block, the function, the call at its line); the
    edits themselves are the ``_edit_*`` functions below.
    """
    import libcst as cst
    from libcst.metadata import PositionProvider

    class Codemod(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self, fix: Fix) -> None:
            super().__init__()
            self.fix = fix
            self.in_function: list[str] = []

        def _line(self, node: cst.CSTNode) -> int:
            return int(self.get_metadata(PositionProvider, node).start.line)

        def _in_setup(self, stmt: Any) -> bool:
            """Whether ``stmt`` is the ``return`` of the setup function the fix edits."""
            return bool(self.fix.kind == "setup_insert" and self.in_function and
                        self.in_function[-1] == self.fix.function and isinstance(
                            stmt, cst.SimpleStatementLine) and isinstance(
                            stmt.body[0], cst.Return))

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.in_function.append(node.name.value)

        def leave_FunctionDef(self, orig: cst.FunctionDef, node: cst.FunctionDef) -> Any:
            self.in_function.pop()
            return _edit_params(self.fix, node)

        def leave_IndentedBlock(self, orig: cst.IndentedBlock, node: cst.IndentedBlock) -> Any:
            body = _edit_block(self.fix, orig.body, self._line, self._in_setup)
            if body is None:
                return node
            # keep statements transformed deeper down (renames inside the block)
            done = {id(o): n for o, n in zip(orig.body, node.body, strict=True)}
            return node.with_changes(body=[done.get(id(s), s) for s in body])

        def leave_Call(self, orig: cst.Call, node: cst.Call) -> Any:
            fix = self.fix
            if fix.kind not in ("rename", "replace_arg", "replace_call") or self._line(
                    orig) != fix.line or not isinstance(node.func, cst.Attribute):
                return node
            return _edit_call(fix, node) if node.func.attr.value == fix.method else node

    return Codemod


def _statements(code: str) -> list[Any]:
    import libcst as cst

    return list(cst.parse_module(code).body)


def _edit_block(fix: Fix, body: Sequence[Any], line_of: Callable[[Any], int],
                in_setup: Callable[[Any], bool]) -> list[Any] | None:
    """A block's statements with the fix's statement edits made: inserted before or after
    the one at ``fix.line``, it removed or replaced, the setup's return prepared; None when
    the block has nothing to edit."""
    import libcst as cst

    out: list[Any] = []
    changed = False
    for stmt in body:
        here = line_of(stmt) == fix.line
        if here and fix.kind == "insert_before":
            out.extend(_statements(fix.new))
            changed = True
        if here and fix.kind in ("remove", "replace_stmt"):
            out.extend(_statements(fix.new) if fix.kind == "replace_stmt" else [])
            changed = True
            continue
        if in_setup(stmt):
            out.extend(_edit_setup_return(fix, stmt))
            changed = True
            continue
        out.append(stmt)
        if here and fix.kind == "insert_after":
            out.extend(_statements(fix.new))
            changed = True
    if not out:
        out.append(cst.SimpleStatementLine([cst.Pass()]))
    return out if changed else None


def _edit_setup_return(fix: Fix, stmt: Any) -> list[Any]:
    """The setup's ``return`` with the fix's statements before it; ``return {...}`` becomes
    ``_setup = {...}``, the statements (which read ``_setup``), ``return _setup``."""
    import libcst as cst

    value = stmt.body[0].value
    if value is None or (isinstance(value, cst.Name) and value.value == "_setup"):
        return [*_statements(fix.new), stmt]
    named = stmt.with_changes(body=[cst.Assign([cst.AssignTarget(cst.Name("_setup"))], value)])
    return [named, *_statements(fix.new), cst.parse_statement("return _setup\n")]


def _edit_params(fix: Fix, node: Any) -> Any:
    """A function with the fix's parameter edit made (a default, an annotation)."""
    import libcst as cst

    if fix.kind == "default" and node.name.value == fix.function:
        params = [p.with_changes(default=cst.parse_expression(fix.new))
                  if p.name.value == fix.arg else p for p in node.params.params]
    elif fix.kind == "annotate":
        params = [p.with_changes(annotation=cst.Annotation(cst.parse_expression(fix.new)))
                  if p.name.value == fix.arg else p for p in node.params.params]
    else:
        return node
    return node.with_changes(params=node.params.with_changes(params=params))


def _edit_call(fix: Fix, node: Any) -> Any:
    """The call at the fix's line with the fix's edit made (the method renamed, the call
    replaced, an argument replaced)."""
    import libcst as cst

    if fix.kind == "rename":
        return node.with_changes(func=node.func.with_changes(attr=cst.Name(fix.new)))
    if fix.kind == "replace_call":
        return cst.parse_expression(fix.new)
    return node.with_changes(args=_replaced(node.args, fix, cst.parse_expression(fix.new)))


def _replaced(args: Any, fix: Fix, value: Any) -> list[Any]:
    """The call's arguments with ``fix.arg`` (keyword, or positional ``fix.index``) set."""
    import libcst as cst

    out = list(args)
    for i, a in enumerate(out):
        if a.keyword is not None and a.keyword.value == fix.arg:
            out[i] = a.with_changes(value=value)
            return out
    positional = [i for i, a in enumerate(out) if a.keyword is None]
    if fix.index < len(positional):
        i = positional[fix.index]
        out[i] = out[i].with_changes(value=value)
    else:
        out.append(cst.Arg(value=value, keyword=cst.Name(fix.arg)))
    return out


def _Codemod(fix: Fix) -> Any:
    return _codemod_class()(fix)
