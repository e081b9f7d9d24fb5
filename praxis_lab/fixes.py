"""Fixes: LibCST codemods that make a failure mode go away.

Each fix is a small, reviewable source edit located by line: insert a statement
before the failing one, remove a duplicate, rename a method, replace an argument,
change an annotation, or prepare labware in the setup. :meth:`Fix.apply` returns
the new source; the tests re-simulate every fixed source and check the failure
is gone.

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
from dataclasses import dataclass, field
from typing import Any

from praxis_lab.state import _n

__all__ = ["Fix", "apply_all", "fixes_for"]


@dataclass(frozen=True)
class Fix:
    """One codemod: ``kind`` of edit, where (``line``), and its parameters."""

    kind: str  # insert_before | remove | rename | replace_arg | replace_call | annotate |
    #            default | setup_insert
    description: str
    line: int = 0
    method: str = ""
    new: str = ""
    arg: str = ""
    index: int = 0
    function: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())

    def apply(self, source: str) -> str:
        """The fixed source (LibCST keeps every other byte as it was)."""
        new = _wrapper(source).visit(_Codemod(self))
        return str(new.code)

    def to_dict(self, source: str) -> dict[str, str]:
        try:
            after = self.apply(source)
        except Exception as exc:  # a fix that cannot apply is reported, not raised
            return {"description": self.description, "edit": f"(cannot apply: {exc})"}
        diff = difflib.unified_diff(source.splitlines(), after.splitlines(), "before", "after",
                                    n=0, lineterm="")
        return {"description": self.description, "edit": "\n".join(list(diff)[2:])}


@functools.lru_cache(maxsize=8)
def _wrapper(source: str) -> Any:
    """LibCST's parse and position metadata, once per source (fixes share them)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper

    return MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)


def _codemod_class() -> type:
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

        def _body(self, body: Any) -> Any:
            fix, changed = self.fix, False
            out: list[Any] = []
            for stmt in body:
                line = self._line(stmt)
                if fix.kind == "insert_before" and line == fix.line:
                    out.extend(cst.parse_module(fix.new).body)
                    changed = True
                if fix.kind == "remove" and line == fix.line:
                    changed = True
                    continue
                if fix.kind == "setup_insert" and self.in_function and \
                        self.in_function[-1] == fix.function and isinstance(
                            stmt, cst.SimpleStatementLine) and isinstance(
                            stmt.body[0], cst.Return) and stmt.body[0].value is not None \
                        and not (isinstance(stmt.body[0].value, cst.Name)
                                 and stmt.body[0].value.value == "_setup"):
                    # return {...}  ->  _setup = {...}; <fix statements>; return _setup
                    out.append(stmt.with_changes(body=[cst.Assign(
                        [cst.AssignTarget(cst.Name("_setup"))], stmt.body[0].value)]))
                    out.extend(cst.parse_module(fix.new).body)
                    out.append(cst.parse_statement("return _setup\n"))
                    changed = True
                    continue
                if fix.kind == "setup_insert" and self.in_function and \
                        self.in_function[-1] == fix.function and isinstance(
                            stmt, cst.SimpleStatementLine) and isinstance(
                            stmt.body[0], cst.Return):
                    out.extend(cst.parse_module(fix.new).body)
                    changed = True
                out.append(stmt)
            if not out:
                out.append(cst.SimpleStatementLine([cst.Pass()]))
            return out if changed else None

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self.in_function.append(node.name.value)

        def leave_FunctionDef(self, orig: cst.FunctionDef, node: cst.FunctionDef) -> Any:
            self.in_function.pop()
            if self.fix.kind == "default" and node.name.value == self.fix.function:
                params = [p.with_changes(default=cst.parse_expression(self.fix.new))
                          if p.name.value == self.fix.arg else p for p in node.params.params]
                return node.with_changes(params=node.params.with_changes(params=params))
            if self.fix.kind == "annotate":
                params = [p.with_changes(annotation=cst.Annotation(cst.parse_expression(
                    self.fix.new))) if p.name.value == self.fix.arg else p
                    for p in node.params.params]
                return node.with_changes(params=node.params.with_changes(params=params))
            return node

        def leave_IndentedBlock(self, orig: cst.IndentedBlock, node: cst.IndentedBlock) -> Any:
            body = self._body(orig.body)
            if body is None:
                return node
            # keep statements transformed deeper down (renames inside the block)
            done = {id(o): n for o, n in zip(orig.body, node.body, strict=True)}
            return node.with_changes(body=[done.get(id(s), s) for s in body])

        def leave_Call(self, orig: cst.Call, node: cst.Call) -> Any:
            fix = self.fix
            if fix.kind not in ("rename", "replace_arg", "replace_call"):
                return node
            if self._line(orig) != fix.line or not isinstance(node.func, cst.Attribute):
                return node
            if node.func.attr.value != fix.method:
                return node
            if fix.kind == "rename":
                return node.with_changes(func=node.func.with_changes(attr=cst.Name(fix.new)))
            if fix.kind == "replace_call":
                return cst.parse_expression(fix.new)
            value = cst.parse_expression(fix.new)
            args = list(node.args)
            for i, a in enumerate(args):
                if a.keyword is not None and a.keyword.value == fix.arg:
                    args[i] = a.with_changes(value=value)
                    return node.with_changes(args=args)
            positional = [i for i, a in enumerate(args) if a.keyword is None]
            if fix.index < len(positional):
                i = positional[fix.index]
                args[i] = args[i].with_changes(value=value)
            else:
                args.append(cst.Arg(value=value, keyword=cst.Name(fix.arg)))
            return node.with_changes(args=args)

    return Codemod


_CODEMOD: type | None = None


def _Codemod(fix: Fix) -> Any:
    global _CODEMOD
    if _CODEMOD is None:
        _CODEMOD = _codemod_class()
    return _CODEMOD(fix)


# --- which fixes for which failure --------------------------------------------------

_ARG_INDEX = {"tip_spots": 0, "resources": 0, "vols": 1, "resource": 0, "volume": 1}


def _free_spots(binding: Any, state: Any, n: int) -> str | None:
    """An expression for ``n`` unused tip spots of a tip-rack parameter (a column range)."""
    from praxis_lab import _plr

    spots = state.spots if state is not None else {}
    for name, obj in binding.objects.items():
        if not isinstance(obj, _plr.PLR["TipRack"]):
            continue

        def has_tip(ident: str, rack: Any = obj, label: str = name) -> bool:
            key = f"{label}[{ident}]"
            if key in spots:  # what the simulation left there
                return bool(spots[key])
            return bool(binding.starts_with_tip(rack.get_item(ident)))

        for col in range(1, obj.num_items_x + 1):
            ids = [f"{chr(65 + r)}{col}" for r in range(min(n, obj.num_items_y))]
            if len(ids) == n and all(has_tip(i) for i in ids):
                return f'{name}["{ids[0]}:{ids[-1]}"]' if n > 1 else f'{name}["{ids[0]}"]'
    return None


def _candidates(mode: Any, info: Any, binding: Any, state: Any) -> list[Fix]:
    k, d, line, m = mode.kind, mode.data, mode.line, mode.method
    lh = next((p.name for p in info.params if p.kind == "machine"), "lh")
    out: list[Fix] = []
    if k == "no_tips":
        if m.endswith("96"):
            rack = next((n for n, o in binding.objects.items()
                         if type(o).__name__ == "TipRack"), None)
            if rack:
                out.append(Fix("insert_before", f"pick up tips with the 96 head before line "
                               f"{line}", line, new=f"await {lh}.pick_up_tips96({rack})\n"))
        else:
            spots = _free_spots(binding, state, int(d.get("n", 1)))
            if spots:
                out.append(Fix("insert_before", f"pick up tips ({spots}) before line {line}",
                               line, new=f"await {lh}.pick_up_tips({spots})\n"))
    elif k == "tips_already_loaded":
        out.append(Fix("remove", f"remove the duplicate pick-up at line {line}", line))
        out.append(Fix("insert_before", f"discard the tips already mounted before line {line}",
                       line, new=f"await {lh}.discard_tips()\n"))
    elif k == "tip_spot_empty":
        per_iteration = _loop_spots(info, binding, line)
        if per_iteration:  # a constant column would be empty again on the next iteration
            out.append(Fix("replace_arg", f"pick up a new column each iteration: "
                           f"{per_iteration}", line, m, per_iteration, "tip_spots", 0))
        spots = None if per_iteration else _free_spots(binding, state, int(d.get("n", 1)))
        if spots:
            out.append(Fix("replace_arg", f"pick up from unused spots {spots} instead", line,
                           m, spots, "tip_spots", 0))
    elif k in ("insufficient_liquid", "over_capacity", "tip_volume_exceeded") and not \
            m.endswith("96") and m in ("aspirate", "dispense"):
        room = d.get("held") if k == "insufficient_liquid" else d.get(
            "free" if k == "over_capacity" else "room")
        n = max(len(mode.resources), 1)
        if room is not None and room > 0:
            param = _volume_parameter(info, line, m)
            if param is not None:  # lower the parameter: aspirate and dispense stay equal
                out.append(Fix("default", f"lower the default of {param} to {_n(room)} µL, "
                               "what fits", 0, new=_n(room), arg=param, function=info.name))
            count = _call_count(info.source, line)
            expr = f"[{_n(room)}] * {count}" if count > 1 else f"[{_n(room)}]"
            out.append(Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL, "
                           "what fits", line, m, expr, "vols", 1))
        if k == "insufficient_liquid" and binding.setup_name and d.get("well"):
            need = max(float(d.get("volume", 0)) * n, float(d.get("required", 0)))
            fix = _setup_volume(info, binding, d["well"], need)
            if fix:
                out.append(fix)
    elif k in ("insufficient_liquid", "over_capacity", "tip_volume_exceeded") and m in (
            "aspirate96", "dispense96", "stamp"):
        room = d.get("held") if k == "insufficient_liquid" else d.get(
            "free" if k == "over_capacity" else "room")
        if k == "over_capacity" and room is not None and d.get("volume") and m != "stamp":
            per = float(d["volume"])  # one container takes every tip's volume at once
            vol = _arg_text(info.source, line, m, "volume")
            room = room if vol is None or float(ast_number(vol) or per) == per else room / 96
        if room is not None and room > 0:
            arg, index = ("volume", 2) if m == "stamp" else ("volume", 1)
            out.append(Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL "
                           "per channel, what fits", line, m, _n(room), arg, index))
    elif k == "bad_arguments" and "expected" in d and "given" in d and m in (
            "aspirate", "dispense"):
        shown = _arg_text(info.source, line, m, "vols")
        if shown and shown.startswith("[") and "]" in shown:
            first = shown[1:].split(",")[0].split("]")[0].strip()
            if first:
                new = f"[{first}] * {d['given']}"
                out.append(Fix("replace_arg", f"one volume per resource: vols={new}", line, m,
                               new, "vols", 1))
    elif k == "not_on_deck" and binding.setup_name:
        fix = _setup_assign(info, binding, d.get("resource", ""))
        if fix:
            out.append(fix)
    elif k == "unknown_method":
        for name in d.get("closest", [])[:2]:
            out.append(Fix("rename", f"use {name}() (the closest real method)", line,
                           d.get("method", m), name))
    elif k == "bad_arguments" and "scalar" in d:
        text = _arg_text(info.source, line, m, d["arg"]) or _n(d["scalar"])
        new = f"[{text}] * {d['n']}" if d["n"] > 1 else f"[{text}]"
        out.append(Fix("replace_arg", f"make {d['arg']} a list: {new}", line, m, new, d["arg"],
                       _ARG_INDEX.get(d["arg"], 1)))
    elif k == "bad_arguments" and d.get("missing") == "source_vol":
        out.append(Fix("replace_arg", "add source_vol (the volume to take from the source)",
                       line, m, "100", "source_vol", 99))
    elif k == "unresolved_type" and d.get("closest"):
        out.append(Fix("annotate", f"annotate {d['param']} as {d['closest']}", 0,
                       new=d["closest"], arg=d["param"]))
    elif k == "tip_not_empty":
        discard = "discard_tips96" if m.endswith("96") else "discard_tips"
        out.append(Fix("replace_call", f"discard the tips into the trash at line {line} "
                       "instead", line, m, f"{lh}.{discard}()"))
    elif k == "wrong_resource" and d.get("fix") in ("wrap", "flatten"):
        arg = d["arg"]
        shown = _arg_text(info.source, line, m, arg)
        if shown:
            new = f"[{shown}]" if d["fix"] == "wrap" else f"sum({shown}, [])"
            out.append(Fix("replace_arg", f"pass {arg} as a flat list: {new}", line, m, new,
                           arg, _ARG_INDEX.get(arg, 0)))
    return out


def _loop_spots(info: Any, binding: Any, line: int) -> str | None:
    """Inside a loop, tip spots indexed like the loop's wells (``tips[f"A{col}:H{col}"]``).

    A pick-up of one constant column inside a loop empties it on the first iteration; the
    well index the loop already uses (an f-string with the loop variable) names a new
    column each time.
    """
    import re

    from praxis_lab import _plr
    from praxis_lab.graph import _loops

    label = _loops(info.source).get(line)
    rack = next((n for n, o in binding.objects.items()
                 if isinstance(o, _plr.PLR["TipRack"])), None)
    if label is None or rack is None:
        return None
    m = re.match(r"(?:async\s+)?for\s+(\w+)\s+in\b", label)
    if m is None:
        return None
    var = m.group(1)
    lines = info.source.splitlines()
    start = int(label.rsplit("@", 1)[1])
    for number in range(start + 1, len(lines) + 1):
        if _loops(info.source).get(number) != label:
            continue
        pattern = r"\w+\[(f\"[^\"]*\{" + re.escape(var) + r"\}[^\"]*\")\]"
        found = re.search(pattern, lines[number - 1])
        if found:
            return f"{rack}[{found.group(1)}]"
    return None


def ast_number(text: str) -> float | None:
    """The number a literal expression stands for, or None."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _volume_parameter(info: Any, line: int, method: str) -> str | None:
    """The numeric parameter (with a default) the call's volumes are written with, if one."""
    import re

    text = _arg_text(info.source, line, method, "vols") or ""
    for p in info.params:
        if p.kind == "value" and isinstance(p.default, int | float) and not isinstance(
                p.default, bool) and re.search(rf"\b{re.escape(p.name)}\b", text):
            return str(p.name)
    return None


def _call_count(source: str, line: int) -> int:
    """How many resources the call at ``line`` passes (to keep vols the same length)."""
    import re

    text = source.splitlines()[line - 1] if line <= len(source.splitlines()) else ""
    m = re.search(r"\]\s*\*\s*(\d+)", text)
    if m:
        return int(m.group(1))
    m = re.search(r'\["([A-Z])(\d+):([A-Z])(\d+)"\]', text)
    if m and m.group(2) == m.group(4):
        return ord(m.group(3)) - ord(m.group(1)) + 1
    return 1


def _arg_text(source: str, line: int, method: str, arg: str) -> str | None:
    import ast

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.lineno == line and \
                isinstance(node.func, ast.Attribute) and node.func.attr == method:
            for kw in node.keywords:
                if kw.arg == arg:
                    return ast.unparse(kw.value)
            if node.args:
                return ast.unparse(node.args[_ARG_INDEX.get(arg, 0)])
    return None


def _setup_returns(info: Any, binding: Any, param: str | None) -> bool:
    """Whether the setup function returns a dict literal with key ``param``."""
    import ast

    for node in ast.walk(ast.parse(info.source)):
        if isinstance(node, ast.FunctionDef) and node.name == binding.setup_name:
            for stmt in ast.walk(node):
                value = stmt.value if isinstance(stmt, ast.Return | ast.Assign) else None
                if isinstance(value, ast.Dict) and (isinstance(stmt, ast.Return) or any(
                        isinstance(t, ast.Name) and t.id == "_setup"
                        for t in getattr(stmt, "targets", []))):
                    return any(isinstance(k, ast.Constant) and k.value == param
                               for k in value.keys)
    return False


def _setup_volume(info: Any, binding: Any, well_key: str, volume: float) -> Fix | None:
    owner, _, ident = well_key.partition("[")
    if not _setup_returns(info, binding, owner):
        return None
    return Fix("setup_insert", f"set a start volume of {_n(volume)} µL in {well_key} in "
               f"setup {binding.setup_name}", function=binding.setup_name,
               new=f'_setup["{owner}"].get_item("{ident.rstrip("]")}").tracker'
                   f'.set_volume({_n(volume)})\n')


def _free_location(deck: Any) -> tuple[float, float, float]:
    """A spot on the deck right of everything already placed (x, y, z in mm)."""
    x, y, z = 100.0, 63.0, 100.0
    for child in getattr(deck, "children", []):
        loc = child.location
        if loc is None or type(child).__name__ == "Trash":
            continue
        x = max(x, loc.x + child.get_size_x() + 10.0)
        y, z = loc.y, loc.z
    return round(x, 1), round(y, 1), round(z, 1)


def _setup_assign(info: Any, binding: Any, resource: str) -> Fix | None:
    lh = next((p.name for p in info.params if p.kind == "machine"), None)
    if not (_setup_returns(info, binding, resource) and _setup_returns(info, binding, lh)):
        return None
    x, y, z = _free_location(binding.deck)
    return Fix("setup_insert", f"assign {resource} to the deck at x={x} mm in setup "
               f"{binding.setup_name}", function=binding.setup_name,
               new=("from pylabrobot.resources import Coordinate\n"
                    f'_setup["{lh}"].deck.assign_child_resource(_setup["{resource}"], '
                    f"location=Coordinate({x}, {y}, {z}))\n"))


def fixes_for(mode: Any, info: Any, binding: Any, state: Any) -> list[dict[str, str]]:
    """The fixes offered for one failure mode, as report dicts (kept on ``mode.fix_objects``)."""
    objs = _candidates(mode, info, binding, state)
    mode.data["fix_objects"] = objs
    return [f.to_dict(info.source) for f in objs]


def apply_all(source: str, modes: list[Any]) -> str:
    """Apply the first fix of every failure mode, bottom-up so line numbers stay valid."""
    for mode in sorted(modes, key=lambda m: -m.line):
        objs = mode.data.get("fix_objects") or []
        if objs:
            try:
                source = objs[0].apply(source)
            except Exception:
                continue
    return source
