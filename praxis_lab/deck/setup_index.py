"""Where a setup function makes and places each resource, read from its code with LibCST.

:func:`index` walks the function once: which variable names which resource (``src =
cor_96_wellplate_360uL_Fb(name="src")``, walrus included), the factory call of each
resource, the ``assign_child_resource(..., rails=N)`` of each carrier, the
``assign_child_at_slot`` of each OT-2 labware, the ``carrier[site] = ...`` of each labware
on a carrier, and what the deck is called (``deck``, ``lh.deck``). The write-back
(:mod:`praxis_lab.deck.writeback`) edits exactly those nodes.

>>> import libcst as cst
>>> ix = index(cst.parse_module('''def make_deck():
...     deck = STARLetDeck()
...     deck.assign_child_resource(car := PLT_CAR_L5AC_A00(name="car"), rails=8)
...     car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
... '''), "make_deck")
>>> ix.binds, sorted(ix.rails), sorted(ix.sites), cst.Module([]).code_for_node(ix.deck)
({'car': 'car', 'src': 'src'}, ['car'], ['src'], 'deck')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

__all__ = ["SetupIndex", "index"]


def _literal(node: Any) -> str | None:
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return value if isinstance(value, str) else None


def _name_of_call(call: cst.Call) -> str | None:
    """The resource name a factory call gives: ``F(name="src")`` or ``F("src")``."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "name":
            return _literal(arg.value)
    first = call.args[0] if call.args and isinstance(call.func, cst.Name) else None
    return _literal(first.value) if first is not None and first.keyword is None else None


@dataclass
class SetupIndex:
    """Where the setup function makes and places each resource."""

    func: cst.FunctionDef
    binds: dict[str, str] = field(default_factory=dict)  # variable → resource name
    made: dict[str, cst.Call] = field(default_factory=dict)  # resource → factory call
    rails: dict[str, cst.Call] = field(default_factory=dict)  # carrier → assign call
    slots: dict[str, cst.Call] = field(default_factory=dict)  # labware → assign_child_at_slot
    # labware → (its `carrier[site] = ...` Subscript, the top-level statement holding it)
    sites: dict[str, tuple[cst.Subscript, Any]] = field(default_factory=dict)
    deck: cst.BaseExpression | None = None  # what assign_child_resource(..., rails) is called on
    order: dict[int, int] = field(default_factory=dict)  # id(top-level statement) → index
    owner: dict[int, Any] = field(default_factory=dict)  # id(node) → top-level statement

    def resource(self, expr: Any) -> str | None:
        if isinstance(expr, cst.Name):
            return self.binds.get(expr.value)
        if isinstance(expr, cst.NamedExpr):
            return self.resource(expr.value)
        return _name_of_call(expr) if isinstance(expr, cst.Call) else None

    def var(self, resource: str) -> str | None:
        return next((v for v, r in self.binds.items() if r == resource), None)


class _Indexer(cst.CSTVisitor):
    def __init__(self, index: SetupIndex) -> None:
        self.ix = index
        self.top: Any = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if id(node) in self.ix.order:
            self.top = node

    def visit_Assign(self, node: cst.Assign) -> None:
        made = self.ix.resource(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name) and made is not None:
                self.ix.binds[target.target.value] = made
        for target in node.targets:
            if isinstance(target.target, cst.Subscript) and made is not None:
                self.ix.sites[made] = (target.target, self.top)
        if isinstance(node.value, cst.Call) and made is not None:
            self.ix.made.setdefault(made, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        made = self.ix.resource(node.value)
        if isinstance(node.target, cst.Name) and made is not None:
            self.ix.binds[node.target.value] = made
            if isinstance(node.value, cst.Call):
                self.ix.made.setdefault(made, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.ix.owner[id(node)] = self.top
        func = node.func
        if not isinstance(func, cst.Attribute) or not node.args:
            return
        what = self.ix.resource(node.args[0].value)
        if isinstance(node.args[0].value, cst.Call) and what is not None:
            self.ix.made.setdefault(what, node.args[0].value)
        if what is None:
            return
        if func.attr.value == "assign_child_resource" and any(
                a.keyword is not None and a.keyword.value == "rails" for a in node.args):
            self.ix.rails[what] = node
            self.ix.deck = self.ix.deck or func.value
        elif func.attr.value == "assign_child_at_slot":
            self.ix.slots[what] = node
            self.ix.deck = self.ix.deck or func.value


def _find(module: cst.Module, function: str) -> cst.FunctionDef:
    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == function:
            return stmt
    raise LookupError(f"no function {function}() at the top level of the setup's source")


def index(module: cst.Module, function: str) -> SetupIndex:
    func = _find(module, function)
    ix = SetupIndex(func)
    body = func.body.body if isinstance(func.body, cst.IndentedBlock) else ()
    ix.order = {id(stmt): i for i, stmt in enumerate(body)}
    func.visit(_Indexer(ix))
    return ix
