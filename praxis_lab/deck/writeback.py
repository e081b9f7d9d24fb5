"""Write deck edits back into the setup function, as the smallest LibCST edit.

:func:`rewrite` compares the plan a setup built (``before``) with the plan after the
edits (``after``) and changes only what moved: the ``rails=`` of a carrier's
``assign_child_resource``, the ``carrier[site]`` a labware is assigned to, the slot of an
``assign_child_at_slot``, the factory a labware is made by (its import added); new
carriers go right after the deck is made, changed start volumes before the ``return``,
a removed carrier's lines go. Every other byte (comments, blank lines, unrelated code) is
kept. Where the setup builds its deck in a way these edits cannot reach (a loop, a helper
function), :class:`WritebackError` says so: export the deck instead.

>>> from praxis_lab.deck.plan import DeckPlan, CarrierPlan
>>> src = '''def make_deck():
...     deck = STARLetDeck()
...     car = PLT_CAR_L5AC_A00(name="car")  # the plate carrier
...     deck.assign_child_resource(car, rails=8)
...     return {"deck": deck}
... '''
>>> before = DeckPlan("STARLetDeck", [CarrierPlan("car", "PLT_CAR_L5AC_A00", 8)])
>>> after = DeckPlan("STARLetDeck", [CarrierPlan("car", "PLT_CAR_L5AC_A00", 14)])
>>> print(rewrite(src, "make_deck", before, after))
def make_deck():
    deck = STARLetDeck()
    car = PLT_CAR_L5AC_A00(name="car")  # the plate carrier
    deck.assign_child_resource(car, rails=14)
    return {"deck": deck}
<BLANKLINE>
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from praxis_lab.deck.export import volume_lines
from praxis_lab.deck.plan import DeckPlan, LabwarePlan
from praxis_lab.deck.setup_index import SetupIndex, index
from praxis_lab.errors import UserError

__all__ = ["WritebackError", "rewrite"]


class WritebackError(UserError, ValueError):
    """An edit the setup's code gives no place to write (the message says which)."""


@dataclass
class _Edits:
    """What to change, keyed by the identity of the original nodes."""

    calls: dict[int, list[Any]] = field(default_factory=dict)  # id(Call) → [Call -> Call]
    targets: dict[int, str] = field(default_factory=dict)  # id(Subscript) → new code
    remove: set[int] = field(default_factory=set)  # ids of top-level statements
    after: dict[int, list[Any]] = field(default_factory=dict)  # id(statement) → statements
    before_return: list[Any] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)


def _set_arg(keyword: str, index: int, value: str) -> Any:
    """A Call -> Call setting argument ``keyword`` (or, given by position, the ``index``th)."""
    def change(call: cst.Call) -> cst.Call:
        args = list(call.args)
        for i, arg in enumerate(args):
            if (arg.keyword is not None and arg.keyword.value == keyword) or (
                    arg.keyword is None and i == index):
                args[i] = arg.with_changes(value=cst.parse_expression(value))
        return call.with_changes(args=args)
    return change


def _rename(factory: str) -> Any:
    def change(call: cst.Call) -> cst.Call:
        func = call.func
        if isinstance(func, cst.Attribute):
            return call.with_changes(func=func.with_changes(attr=cst.Name(factory)))
        return call.with_changes(func=cst.Name(factory))
    return change


def _names(node: cst.CSTNode) -> list[str]:
    found: list[str] = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name.value)

    node.visit(_Names())
    return found


class _Writer:
    """Works out the edits that turn ``before`` into ``after`` in one setup function."""

    def __init__(self, module: cst.Module, ix: SetupIndex, before: DeckPlan, after: DeckPlan):
        self.module, self.ix, self.before, self.after = module, ix, before, after
        self.edits = _Edits()
        self.new_carriers: dict[str, Any] = {}  # carrier added → the statement it follows
        self.taken = set(_names(ix.func))
        self.function = ix.func.name.value
        self.body = list(ix.func.body.body) if isinstance(ix.func.body, cst.IndentedBlock) \
            else []

    def fail(self, what: str, why: str) -> WritebackError:
        return WritebackError(f"cannot write back {what}: {self.function}() {why}; export the "
                              "deck instead")

    def call(self, call: cst.Call, change: Any) -> None:
        self.edits.calls.setdefault(id(call), []).append(change)

    def deck(self, what: str) -> str:
        if self.ix.deck is None:
            raise self.fail(what, "places nothing with assign_child_resource(..., rails=...) "
                                  "or assign_child_at_slot(...)")
        return self.module.code_for_node(self.ix.deck)

    def var(self, name: str, what: str) -> str:
        var = self.ix.var(name)
        return var if var is not None else \
            f"{self.deck(what)}.get_resource({json.dumps(name)})"

    def position(self, statement: Any) -> int:
        return self.ix.order.get(id(statement), -1)

    # --- carriers ------------------------------------------------------------------------

    def carriers(self) -> None:
        old = {c.name: c for c in self.before.carriers}
        for car in self.after.carriers:
            was = old.get(car.name)
            if was is None:
                self.add_carrier(car.name, car.factory, car.rails)
            elif car.rails != was.rails:
                call = self.ix.rails.get(car.name)
                if call is None or car.rails is None:
                    raise self.fail(f"moving {car.name}", f"has no `...assign_child_resource("
                                    f"{car.name}, rails=...)` for it")
                self.call(call, _set_arg("rails", 1, str(car.rails)))
        for name in old.keys() - {c.name for c in self.after.carriers}:
            self.remove(name)

    def add_carrier(self, name: str, factory: str | None, rails: int | None) -> None:
        what = f"adding {name}"
        deck = self.deck(what)
        root = deck.split(".")[0].split("[")[0]
        anchor = next((s for s in self.body if root in _assigned(s)), None)
        if anchor is None or factory is None or rails is None:
            raise self.fail(what, f"has no `{root} = ...` line to add it after")
        var = self.fresh(name)
        self.ix.binds[var] = name
        self.new_carriers[name] = anchor
        self.edits.imports.add(factory)
        self.edits.after.setdefault(id(anchor), []).extend(cst.parse_module(
            f"{deck}.assign_child_resource({var} := {factory}(name={json.dumps(name)}), "
            f"rails={rails})\n").body)

    def fresh(self, name: str) -> str:
        import re

        base = re.sub(r"\W", "_", name)
        var, n = base, 1
        while var in self.taken:
            n += 1
            var = f"{base}_{n}"
        self.taken.add(var)
        return var

    def remove(self, name: str) -> None:
        """Drop the top-level lines that make and place ``name``."""
        calls = [self.ix.rails.get(name), self.ix.slots.get(name), self.ix.made.get(name)]
        lines = {id(self.ix.owner[id(c)]) for c in calls if c is not None
                 and self.ix.owner.get(id(c)) is not None}
        if name in self.ix.sites:
            lines.add(id(self.ix.sites[name][1]))
        if not lines:
            raise self.fail(f"removing {name}", "has no line of its own that makes it")
        self.edits.remove |= lines

    # --- labware ---------------------------------------------------------------------------

    def labware(self) -> None:
        old = {lw.name: lw for lw in self.before.labware}
        for lw in self.after.labware:
            was = old.get(lw.name)
            if was is None:
                self.place(lw)
                continue
            if lw.carrier is not None and (lw.carrier, lw.site) != (was.carrier, was.site):
                self.to_site(lw)
            if lw.slot is not None and lw.slot != was.slot:
                call = self.ix.slots.get(lw.name)
                if call is None:
                    raise self.fail(f"moving {lw.name}", "has no `...assign_child_at_slot("
                                    f"{lw.name}, ...)` for it")
                self.call(call, _set_arg("slot", 1, str(lw.slot)))
            if (lw.location, lw.carrier is None, lw.slot is None) != (
                    was.location, was.carrier is None, was.slot is None):
                raise self.fail(f"moving {lw.name} there", "places it another way")
            if lw.factory != was.factory and lw.factory is not None:
                made = self.ix.made.get(lw.name)
                if made is None:
                    raise self.fail(f"changing the type of {lw.name}", "has no factory call "
                                    f"with name={lw.name!r}")
                self.call(made, _rename(lw.factory))
                self.edits.imports.add(lw.factory)
            if lw.empty_spots != was.empty_spots:
                raise self.fail(f"the tips of {lw.name}", "sets them another way")
            self.volumes(lw, was)
        gone = old.keys() - {lw.name for lw in self.after.labware}
        for name in gone:
            if old[name].carrier in {c.name for c in self.after.carriers}:
                raise self.fail(f"removing {name}", "would lose it from a carrier that stays")
            self.remove(name)

    def place(self, lw: LabwarePlan) -> None:
        """Put on the deck labware the setup makes but never placed (``not_on_deck``)."""
        what = f"placing {lw.name}"
        made = self.ix.made.get(lw.name)
        var = self.ix.var(lw.name)
        line = self.ix.owner.get(id(made)) if made is not None else None
        if line is None or var is None or id(line) not in self.ix.order:
            raise self.fail(what, f"has no top-level `{lw.name} = ...` line to place it after")
        if lw.carrier is not None:
            carrier = self.ix.var(lw.carrier)
            defined = self.new_carriers.get(lw.carrier) or self.ix.owner.get(
                id(self.ix.made.get(lw.carrier)))
            if carrier is None or (defined is not None and
                                   self.position(defined) > self.position(line)):
                raise self.fail(what, f"makes {lw.carrier} after {lw.name}")
            code = f"{carrier}[{lw.site}] = {var}"
        elif lw.slot is not None:
            code = f"{self.deck(what)}.assign_child_at_slot({var}, {lw.slot})"
        else:
            raise self.fail(what, "places labware on carrier sites or slots only")
        self.edits.after.setdefault(id(line), []).extend(cst.parse_module(code + "\n").body)
        self.volumes(lw, LabwarePlan(lw.name, lw.factory, lw.kind))

    def to_site(self, lw: LabwarePlan) -> None:
        what = f"moving {lw.name} to site {lw.site} of {lw.carrier}"
        found = self.ix.sites.get(lw.name)
        var = self.ix.var(lw.carrier or "")
        if found is None or var is None:
            raise self.fail(what, f"has no `carrier[site] = {lw.name}` line" if found is None
                            else f"has no name for {lw.carrier}")
        subscript, statement = found
        defined = self.new_carriers.get(lw.carrier or "")
        if defined is None:
            made = self.ix.made.get(lw.carrier or "")
            defined = self.ix.owner.get(id(made)) if made is not None else None
        if defined is not None and self.position(defined) > self.position(statement):
            raise self.fail(what, f"makes {lw.carrier} after placing {lw.name}")
        self.edits.targets[id(subscript)] = f"{var}[{lw.site}]"

    def volumes(self, lw: LabwarePlan, was: LabwarePlan) -> None:
        delta = {k: v for k, v in lw.volumes.items() if was.volumes.get(k, 0.0) != v}
        delta.update({k: 0.0 for k in was.volumes if k not in lw.volumes})
        if not delta:
            return
        var = self.var(lw.name, f"the volumes of {lw.name}")
        for line in volume_lines(var, delta, lw.factory, complete=False):
            self.edits.before_return.extend(cst.parse_module(line + "\n").body)


def _assigned(statement: Any) -> set[str]:
    """Names a top-level statement assigns (``deck = ...``, ``lh = ...``)."""
    out: set[str] = set()
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                out |= {t.target.value for t in small.targets if isinstance(t.target, cst.Name)}
    return out


class _Apply(cst.CSTTransformer):
    """Applies :class:`_Edits` to the module (every other node is left as it was)."""

    def __init__(self, ix: SetupIndex, edits: _Edits) -> None:
        super().__init__()
        self.ix, self.edits = ix, edits

    def leave_Call(self, orig: cst.Call, new: cst.Call) -> cst.Call:
        for change in self.edits.calls.get(id(orig), []):
            new = change(new)
        return new

    def leave_Subscript(self, orig: cst.Subscript, new: cst.Subscript) -> Any:
        code = self.edits.targets.get(id(orig))
        return new if code is None else cst.parse_expression(code)

    def leave_FunctionDef(self, orig: cst.FunctionDef, new: cst.FunctionDef) -> Any:
        if orig is not self.ix.func or not isinstance(new.body, cst.IndentedBlock):
            return new
        body: list[Any] = []
        for was, now in zip(orig.body.body, new.body.body, strict=True):  # type: ignore[union-attr]
            if _returns(was):
                body.extend(self.edits.before_return)
            if id(was) not in self.edits.remove:
                body.append(now)
            body.extend(self.edits.after.get(id(was), []))
        if self.edits.before_return and not any(_returns(s) for s in orig.body.body):
            raise WritebackError(f"cannot write back start volumes: {orig.name.value}() has no "
                                 "return at its top level to put them before")
        return new.with_changes(body=new.body.with_changes(body=body))

    def leave_Module(self, orig: cst.Module, new: cst.Module) -> cst.Module:
        return _imported(new, self.ix.func.name.value, self.edits.imports)


def _returns(statement: Any) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Return) for s in statement.body)


def _imported(module: cst.Module, function: str, names: set[str]) -> cst.Module:
    """``module`` importing ``names`` from ``pylabrobot.resources``: added to its import from
    there when it has one, else imported at the top of ``function``."""
    have = {n for stmt in module.body for n in _names(stmt) if _is_import(stmt)}
    needed = sorted(names - have)
    if not needed or any(_is_import(s, star=True) for s in module.body):
        return module
    body = list(module.body)
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine) and _is_import(
                stmt, module_name="pylabrobot.resources"):
            body[i] = _with_names(stmt, needed)
            return module.with_changes(body=body)
    line = cst.parse_statement(f"from pylabrobot.resources import {', '.join(needed)}\n")
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == function and \
                isinstance(stmt.body, cst.IndentedBlock):
            inner = list(stmt.body.body)
            at = 1 if inner and _is_docstring(inner[0]) else 0
            body[i] = stmt.with_changes(body=stmt.body.with_changes(
                body=[*inner[:at], line, *inner[at:]]))
    return module.with_changes(body=body)


def _is_import(stmt: Any, module_name: str | None = None, star: bool = False) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    for small in stmt.body:
        if isinstance(small, cst.ImportFrom) and small.module is not None:
            name = cst.Module([]).code_for_node(small.module)
            if star and name == "pylabrobot.resources" and isinstance(small.names, cst.ImportStar):
                return True
            if not star and (module_name is None or name == module_name) and \
                    not isinstance(small.names, cst.ImportStar):
                return True
        elif isinstance(small, cst.Import) and not star and module_name is None:
            return True
    return False


def _is_docstring(stmt: Any) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and isinstance(stmt.body[0], cst.Expr) and \
        isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)


def _with_names(stmt: cst.SimpleStatementLine, needed: Sequence[str]) -> cst.SimpleStatementLine:
    """The import statement with ``needed`` appended to its names, in its own layout."""
    small = next(s for s in stmt.body if isinstance(s, cst.ImportFrom))
    names = list(small.names)  # type: ignore[arg-type]
    last = names[-1]
    trailing = not isinstance(last.comma, cst.MaybeSentinel)
    between = names[-2].comma if len(names) > 1 else cst.Comma(
        whitespace_after=cst.SimpleWhitespace(" "))
    names[-1] = last.with_changes(comma=between)
    for i, name in enumerate(needed):
        end = i == len(needed) - 1
        names.append(cst.ImportAlias(name=cst.Name(name), comma=(
            last.comma if trailing else cst.MaybeSentinel.DEFAULT) if end else between))
    changed = small.with_changes(names=names)
    return stmt.with_changes(body=[changed if s is small else s for s in stmt.body])


def rewrite(source: str, function: str, before: DeckPlan, after: DeckPlan) -> str:
    """``source`` with ``function`` changed so it builds ``after`` instead of ``before``."""
    module = cst.parse_module(source)
    try:
        ix = index(module, function)
    except LookupError as exc:
        raise WritebackError(str(exc)) from None
    if before.deck != after.deck:
        raise WritebackError(f"cannot write back another deck ({before.deck} → {after.deck}): "
                             "export the deck instead")
    writer = _Writer(module, ix, before, after)
    writer.carriers()
    writer.labware()
    return str(module.visit(_Apply(ix, writer.edits)).code)
