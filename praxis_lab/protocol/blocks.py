"""Blocks: where a line sits in the protocol's source, for the fixes that edit around it,
and which ``except`` clauses guard it (:func:`guarded_lines`, for the tracer).

:func:`locate` finds the statement at a line, the block (list of statements) it is in,
the compound statements around it and the innermost ``for`` loop; :func:`tip_op` reads
``await lh.<method>(...)`` statements, so a fix can ask what touches the tips before
or after a line, inside an iteration or after the loop.

>>> src = "async def p(lh):\\n    for c in range(3):\\n        await lh.aspirate(w, [1])\\n"
>>> place = locate(src, 3)
>>> place.loop.lineno, tip_op(place.stmt)
(2, 'aspirate')
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

__all__ = ["CATCH_ALL", "DROPS", "PICKS", "Place", "guarded_lines", "locate", "parsed", "tip_op"]

PICKS = frozenset({"pick_up_tips", "pick_up_tips96"})
DROPS = frozenset({"drop_tips", "discard_tips", "return_tips", "drop_tips96", "discard_tips96",
                   "return_tips96"})


@dataclass(frozen=True)
class Place:
    """A statement, its block, and the (statement, block) pairs of what encloses it."""

    stmt: ast.stmt
    block: list[ast.stmt]
    outer: tuple[tuple[ast.stmt, list[ast.stmt]], ...]  # innermost first

    @property
    def loop(self) -> ast.For | ast.AsyncFor | None:
        """The innermost ``for`` the statement is in (inside the protocol function)."""
        for node, _ in self.outer:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return None
            if isinstance(node, ast.For | ast.AsyncFor):
                return node
        return None

    def before(self) -> list[ast.stmt]:
        """The statements before this one in its block, nearest first."""
        i = self.block.index(self.stmt)
        return self.block[:i][::-1]

    def after(self) -> list[ast.stmt]:
        """The statements that run after this one up to the end of its loop body or function
        (the rest of each enclosing block; the except handlers are skipped)."""
        out = self.block[self.block.index(self.stmt) + 1:]
        for node, block in self.outer:
            if isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.FunctionDef |
                          ast.AsyncFunctionDef):
                break
            out += block[block.index(node) + 1:]
        return out

    def in_loop_body(self) -> bool:
        """Whether the statement is directly in the body of its loop (not under an if)."""
        loop = self.loop
        return loop is not None and any(s is self.stmt for s in loop.body)


@functools.lru_cache(maxsize=16)
def parsed(source: str) -> ast.Module:
    """``ast.parse(source)``, cached: the fixes read one source many times. The tree is
    shared, so it is read, never changed."""
    return ast.parse(source)


def locate(source: str, line: int) -> Place | None:
    """The innermost statement starting at ``line``, or None."""
    def walk(block: list[ast.stmt], outer: tuple[tuple[ast.stmt, list[ast.stmt]], ...]
             ) -> Place | None:
        for stmt in block:
            end = stmt.end_lineno or stmt.lineno
            if not stmt.lineno <= line <= end:
                continue
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    found = walk(inner, ((stmt, block), *outer))
                    if found:
                        return found
            for handler in getattr(stmt, "handlers", []):
                found = walk(handler.body, ((stmt, block), *outer))
                if found:
                    return found
            return Place(stmt, block, outer) if stmt.lineno == line else None
        return None

    return walk(parsed(source).body, ())


def tip_op(stmt: ast.stmt) -> str | None:
    """The method of an ``await <machine>.<method>(...)`` statement, or None."""
    value = stmt.value if isinstance(stmt, ast.Expr) else None
    if isinstance(value, ast.Await) and isinstance(value.value, ast.Call) and isinstance(
            value.value.func, ast.Attribute):
        return value.value.func.attr
    return None


def text(source: str, stmt: ast.stmt) -> str:
    """The statement's source, dedented, with a newline."""
    return (ast.get_source_segment(source, stmt) or "") + "\n"


# --- try / except -----------------------------------------------------------------

CATCH_ALL = {None, "Exception", "BaseException"}


@functools.lru_cache(maxsize=16)
def guarded_lines(source: str) -> dict[int, list[tuple[int, set[str | None]]]]:
    """Line → the ``except`` clauses whose ``try`` body holds it: (line, names they catch).

    A bare ``except:`` catches ``None``; ``except (E, errors.F)`` catches ``{"E", "F"}``.
    Cached (the tracer and the report both ask, once per simulation): the table is shared,
    so it is read, never changed.

    >>> src = "try:\\n    a()\\nexcept (E, errors.F):\\n    b()\\n"
    >>> [(line, sorted(names)) for line, names in guarded_lines(src)[2]]
    [(3, ['E', 'F'])]
    """
    out: dict[int, list[tuple[int, set[str | None]]]] = {}
    try:
        tree = parsed(source)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and node.handlers:
            for handler in node.handlers:
                if handler.type is None:
                    names: set[str | None] = {None}
                else:
                    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [
                        handler.type]
                    names = {ast.unparse(t).rsplit(".", 1)[-1] for t in types}
                for stmt in node.body:
                    for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
                        out.setdefault(line, []).append((handler.lineno, names))
    return out
