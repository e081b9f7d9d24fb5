"""Fixes: which codemods answer which failure mode, offered once they are proven.

:func:`candidates` looks up the failure's kind in a rule table; each rule returns the
:class:`~praxis_lab.fixes.codemod.Fix` objects (the edits) it can propose, the protocol's
intent first: a volume the protocol asks for is kept (more liquid in the setup, a bigger
container or tip, the transfer split) before it is lowered. :func:`attach_fixes` proves
every candidate by simulating the fixed protocol again (:mod:`praxis_lab.fixes.proof`) and
offers the proven ones: the failure gone, nothing new on any path. Loop-aware tip fixes
live in ``tips.py``.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\\n"
...        "    await lh.pick_up_tips(tips['A1'])\\n"
...        "    await lh.aspirat(src['A1'], [10])\\n")
>>> simulate(src, cache=False).failure_modes[0].fixes[0]["description"]
'use aspirate() (the closest real method)'
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Callable
from typing import Any

from praxis_lab.fixes.codemod import Fix, apply_edits, unified_diff
from praxis_lab.fixes.proof import Proof, Prover
from praxis_lab.fixes.tips import tip_fixes
from praxis_lab.protocol.blocks import DROPS, PICKS, locate, parsed, text, tip_op
from praxis_lab.sim.state import _n

__all__ = ["Fix", "apply_all", "attach_fixes", "candidates"]

_ARG_INDEX = {"tip_spots": 0, "resources": 0, "vols": 1, "resource": 0, "volume": 1}
_VOLUMES = ("insufficient_liquid", "over_capacity", "tip_volume_exceeded")


class _Failure:
    """What every rule reads: the failure mode, the protocol and its bound labware."""

    def __init__(self, mode: Any, info: Any, binding: Any, state: Any) -> None:
        self.mode, self.info, self.binding, self.state = mode, info, binding, state
        self.kind, self.d, self.line, self.m = mode.kind, mode.data, mode.line, mode.method
        self.source = info.source
        self.lh = next((p.name for p in info.params if p.kind == "machine"), "lh")

    def arg(self, name: str) -> str | None:
        return _arg_text(self.source, self.line, self.m, name)


def _tips(f: _Failure) -> list[Fix]:
    return tip_fixes(f.mode, f.info, f.binding, f.state, f.lh)


def _volume(f: _Failure) -> list[Fix]:
    k, d, m, line = f.kind, f.d, f.m, f.line
    room = d.get("held") if k == "insufficient_liquid" else d.get(
        "free" if k == "over_capacity" else "room")
    out: list[Fix] = []
    if m in ("aspirate96", "dispense96", "stamp"):
        if k == "over_capacity" and room is not None and d.get("volume") and m != "stamp":
            per = float(d["volume"])  # one container takes every tip's volume at once
            vol = f.arg("volume")
            room = room if vol is None or float(ast_number(vol) or per) == per else room / 96
        if room is not None and room > 0:
            arg, index = ("volume", 2) if m == "stamp" else ("volume", 1)
            fix = Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL per "
                      "channel, what fits", line, m, _n(room), arg, index)
            out.append(_with_partner(f, fix, arg, room))
        return out
    if m not in ("aspirate", "dispense"):
        return out
    if room is not None and room > 0:
        param = _volume_parameter(f.info, line, m)
        if param is not None:  # lower the parameter: aspirate and dispense stay equal
            out.append(Fix("default", f"lower the default of {param} to {_n(room)} µL, "
                           "what fits", 0, new=_n(room), arg=param, function=f.info.name))
        count = _call_count(f.source, line)
        expr = f"[{_n(room)}] * {count}" if count > 1 else f"[{_n(room)}]"
        fix = Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL, what fits",
                  line, m, expr, "vols", 1)
        out.append(_with_partner(f, fix, "vols", room))
    if k == "insufficient_liquid" and f.binding.setup_name and d.get("well"):
        n = max(len(f.mode.resources), 1)
        need = max(float(d.get("volume", 0)) * n, float(d.get("required", 0)))
        setup_fix = _setup_volume(f.info, f.binding, d["well"], need)
        if setup_fix:
            out.append(setup_fix)
    return out


def _with_partner(f: _Failure, fix: Fix, arg: str, room: float) -> Fix:
    """The volume fix plus the same change at the op that moves the same liquid: the
    dispense emptying the tips after a lowered aspirate, the aspirate filling them before a
    lowered dispense (else the tips run dry or keep liquid)."""
    place = locate(f.source, f.line)
    old = f.arg(arg)
    if place is None or old is None:
        return fix
    aspirating = f.m.startswith("aspirate")
    stmts = place.after() if aspirating else place.before()
    partner = "dispense" + f.m[len("aspirate"):] if aspirating else "aspirate" + f.m[
        len("dispense"):]
    between = False  # another op of the same method, whose liquid the partner also moves
    for st in stmts:
        op = tip_op(st)
        if op == f.m and not aspirating:
            between = True
            continue
        if op is None or op in PICKS or op in DROPS or op == f.m:
            if op is None and isinstance(st, ast.Expr | ast.Assign):
                continue
            break
        if op != partner:
            continue
        theirs = _arg_text(f.source, st.lineno, op, arg)
        if theirs == old and not between:
            new = fix.new
        else:
            a, b, c = ast_number(old), ast_number(theirs or ""), ast_number(fix.new)
            if a is None or b is None or c is None or b - (a - c) <= 0:
                break
            new = re.sub(r"\d+(?:\.\d+)?", _n(b - (a - c)), theirs or "", count=1)
        return Fix(fix.kind, f"{fix.description} (and at line {st.lineno} to match)",
                   fix.line, fix.method, fix.new, fix.arg, fix.index,
                   also=(Fix("replace_arg", "", st.lineno, op, new, arg, fix.index),))
    return fix


def _unknown_method(f: _Failure) -> list[Fix]:
    out = []
    closest = list(f.d.get("closest", []))
    if set(closest[:2]) == {"aspirate", "dispense"}:  # mix: aspirate and dispense in place
        first, vols = f.arg("resources"), f.arg("vols")
        place = locate(f.source, f.line)
        if first and vols and place is not None:
            call = f"{f.lh}.{{}}({first}, vols={vols})"
            out.append(Fix("replace_stmt", f"mix in place: aspirate then dispense {vols} in "
                           f"{first} (PLR 0.2.2 has no {f.d.get('method', f.m)}())", f.line,
                           new=f"await {call.format('aspirate')}\n"
                               f"await {call.format('dispense')}\n"))
        return out
    for name in closest[:2]:
        if _binds(f, name):
            out.append(Fix("rename", f"use {name}() (the closest real method)", f.line,
                           f.d.get("method", f.m), name))
    return out


def _bad_arguments(f: _Failure) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    if "expected" in d and "given" in d and m in ("aspirate", "dispense"):
        shown = f.arg("vols")
        if shown and shown.startswith("[") and "]" in shown:
            first = shown[1:].split(",")[0].split("]")[0].strip()
            if first:
                new = f"[{first}] * {d['given']}"
                return [Fix("replace_arg", f"one volume per resource: vols={new}", line, m,
                            new, "vols", 1)]
    if "scalar" in d:
        shown = f.arg(d["arg"]) or _n(d["scalar"])
        new = f"[{shown}] * {d['n']}" if d["n"] > 1 else f"[{shown}]"
        return [Fix("replace_arg", f"make {d['arg']} a list: {new}", line, m, new, d["arg"],
                    _ARG_INDEX.get(d["arg"], 1))]
    if d.get("missing") == "source_vol":
        return [Fix("replace_arg", "add source_vol (the volume to take from the source)", line,
                    m, "100", "source_vol", 99)]
    return []


def _wrong_resource(f: _Failure) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    if d.get("fix") not in ("wrap", "flatten"):
        return []
    arg = d["arg"]
    shown = f.arg(arg)
    if not shown:
        return []
    if d["fix"] == "wrap":
        return [Fix("replace_arg", f"pass {arg} as a flat list: [{shown}]", line, m,
                    f"[{shown}]", arg, _ARG_INDEX.get(arg, 0))]
    outer = ast.parse(shown, mode="eval").body
    place = locate(f.source, line)
    if (isinstance(outer, ast.List) and len(outer.elts) == 1) or place is None:
        new = f"sum({shown}, [])"
        return [Fix("replace_arg", f"pass {arg} as a flat list: {new}", line, m, new, arg,
                    _ARG_INDEX.get(arg, 0))]
    # several lists: one call per list (their channels are the same tips each time)
    one = Fix("replace_arg", "", 1, m, "_group", arg, _ARG_INDEX.get(arg, 0)).apply(
        text(f.source, place.stmt))
    body = "".join(f"    {t}\n" for t in one.splitlines())
    return [Fix("replace_stmt", f"{m} into each list of {arg} in turn", line,
                new=f"for _group in {shown}:\n{body}")]


def _not_on_deck(f: _Failure) -> list[Fix]:
    fix = _setup_assign(f.info, f.binding, f.d.get("resource", "")) if \
        f.binding.setup_name else None
    return [fix] if fix else []


def _unresolved(f: _Failure) -> list[Fix]:
    if not f.d.get("closest") or _passed_on(f.info, f.d["param"], f.lh):
        return []  # a helper of the protocol's may need more than the closest type has
    return [Fix("annotate", f"annotate {f.d['param']} as {f.d['closest']}", 0,
                new=f.d["closest"], arg=f.d["param"])]


_RULES: dict[str, Callable[[_Failure], list[Fix]]] = {
    "no_tips": _tips, "tips_already_loaded": _tips, "tip_spot_empty": _tips,
    "tip_not_empty": _tips, "insufficient_liquid": _volume, "over_capacity": _volume,
    "tip_volume_exceeded": _volume, "unknown_method": _unknown_method,
    "bad_arguments": _bad_arguments, "wrong_resource": _wrong_resource,
    "not_on_deck": _not_on_deck, "unresolved_type": _unresolved,
}


def candidates(mode: Any, info: Any, binding: Any, state: Any) -> list[Fix]:
    """The fixes the rule table proposes for one failure mode, the protocol's intent first
    (not yet proven)."""
    rule = _RULES.get(mode.kind)
    return rule(_Failure(mode, info, binding, state)) if rule else []


def attach_fixes(checked: Any, prover: Prover) -> None:
    """Give every failure mode of a checked protocol its proven fixes
    (``checked``: :class:`praxis_lab.sim.simulate.Checked`).

    Each candidate is applied and simulated again (:class:`~praxis_lab.fixes.proof.Prover`):
    the proven ones (their failure gone, none new on any path) are offered first, then the
    ones that let another failure appear, with what appears; the others not at all. The
    later failures a proven fix removes as well, being its consequences (the dispense and
    the drop after a missing pick-up), become part of the first one's failure mode.
    """
    report = checked.report
    modes = list(report.failure_modes)
    folded: set[int] = set()
    for mode in modes:
        if id(mode) in folded:
            continue
        offered = _proven(mode, candidates(mode, checked.info, checked.binding, checked.final),
                          prover)
        mode.data["fix_objects"] = [fix for fix, _ in offered]
        mode.data["proofs"] = [proof for _, proof in offered]
        mode.fixes = [_fix_dict(fix, proof, checked.info.source) for fix, proof in offered]
        if offered and offered[0][1].clean:
            folded |= _fold(mode, modes, offered[0][1])
    report.failure_modes = [m for m in modes if id(m) not in folded]


_MAX_TRIED = 5  # candidates simulated per failure mode, in the rules' order
_MAX_OFFERED = 3  # proven fixes offered per failure mode


def _proven(mode: Any, fixes: list[Fix], prover: Prover) -> list[tuple[Fix, Proof]]:
    """The candidates worth offering, proven first (in the rules' order), then those that
    remove the failure but let another appear."""
    clean: list[tuple[Fix, Proof]] = []
    shaky: list[tuple[Fix, Proof]] = []
    for fix in fixes[:_MAX_TRIED]:
        proof = prover.prove(mode, fix)
        if proof.clean:
            clean.append((fix, proof))
        elif proof.removes and not proof.error:
            shaky.append((fix, proof))
        if len(clean) >= _MAX_OFFERED:
            break
    return clean + shaky[:1]


def _fix_dict(fix: Fix, proof: Proof, source: str) -> dict[str, Any]:
    """The report's dict of an offered fix: its description, its edit as a diff, whether
    it is proven and what it lets appear."""
    out: dict[str, Any] = {"description": fix.description,
                           "edit": unified_diff(source, proof.source), "proven": proof.clean}
    if proof.breaks:
        out["breaks"] = proof.breaks
    return out


# Later failures that are consequences of an earlier one when its fix removes them too: the
# same tip failure further on (the dispense and the drop after a missing pick-up), and a
# dispense from a tip that holds less because the aspirate failed.
_TIP_KINDS = frozenset({"no_tips", "tips_already_loaded", "tip_spot_empty", "tip_not_empty"})


def _fold(first: Any, modes: list[Any], proof: Proof) -> set[int]:
    """Make the later failure modes ``proof``'s fix removes, when they follow from ``first``,
    part of ``first``: its message names their lines."""
    out: set[int] = set()
    lines: list[str] = []
    for mode in modes:
        if mode is first or mode.line < first.line or (mode.kind, mode.line) not in proof.gone:
            continue
        if first.certainty != "always" and mode.certainty == "always":
            continue  # it happens on paths where the first does not
        same = mode.kind == first.kind and first.kind in _TIP_KINDS
        from_tip = mode.kind == "insufficient_liquid" and mode.method.startswith("dispense") \
            and first.kind in _TIP_KINDS | {"tip_volume_exceeded", "insufficient_liquid"}
        if same or from_tip:
            out.add(id(mode))
            first.consequences.append(mode)
            lines.append(f"{mode.method} at line {mode.line}")
    if lines:
        first.message += f"; the {' and the '.join(lines)} fail{'s' if len(lines) == 1 else ''} "\
            "for the same reason"
    return out


def apply_all(source: str, modes: list[Any]) -> str:
    """Apply the first fix of every failure mode at once (their edits are located in
    ``source``); an edit another fix already makes (the same per-iteration pick-up, the same
    drop moved into a loop) is made once."""
    edits = [e for mode in modes for e in (mode.data.get("fix_objects") or [])[:1]
             for e in e.edits()]
    try:
        return apply_edits(source, edits)
    except Exception:  # one edit cannot apply: apply them fix by fix, skipping that one
        for mode in sorted(modes, key=lambda m: -m.line):
            for fix in (mode.data.get("fix_objects") or [])[:1]:
                with contextlib.suppress(Exception):
                    source = fix.apply(source)
        return source


def _passed_on(info: Any, param: str, lh: str) -> bool:
    """Whether the protocol hands ``param`` to a function of its own (not to ``lh``)."""
    for node in ast.walk(parsed(info.source)):
        if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and node.name == info.name:
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and not (isinstance(
                        call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                        and call.func.value.id == lh) and any(
                        isinstance(a, ast.Name) and a.id == param for a in call.args):
                    return True
    return False


# --- reading the failing call --------------------------------------------------------------


def _binds(f: _Failure, name: str) -> bool:
    """Whether the failing call would bind to PLR's ``LiquidHandler.<name>``, no labware
    parameter taking the place of a volume."""
    from praxis_lab import _plr

    spec = _plr.catalogue().get(name)
    method = f.d.get("method", f.m)
    labware = {p.name for p in f.info.params if p.kind != "value"}
    for node in ast.walk(parsed(f.source)):
        if isinstance(node, ast.Call) and node.lineno == f.line and isinstance(
                node.func, ast.Attribute) and node.func.attr == method and spec is not None:
            try:
                bound = spec.bind(tuple(node.args), {k.arg: k.value for k in node.keywords
                                                     if k.arg})
            except _plr.BindError:
                return False
            return not any("vol" in k and isinstance(v, ast.Name) and v.id in labware
                           for k, v in bound.items())
    return spec is not None


def ast_number(text: str) -> float | None:
    """The number a literal expression stands for (``[50] * 8`` stands for 50), or None."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
        tree = ast.parse(text, mode="eval").body if text else None
        if isinstance(tree, ast.BinOp) and isinstance(tree.left, ast.List):
            return ast_number(ast.unparse(tree.left))
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return float(value) if isinstance(value, int | float) else None


def _volume_parameter(info: Any, line: int, method: str) -> str | None:
    """The numeric parameter (with a default) the call's volumes are written with, if one."""
    text = _arg_text(info.source, line, method, "vols") or ""
    for p in info.params:
        if p.kind == "value" and isinstance(p.default, int | float) and not isinstance(
                p.default, bool) and re.search(rf"\b{re.escape(p.name)}\b", text):
            return str(p.name)
    return None


def _call_count(source: str, line: int) -> int:
    """How many resources the call at ``line`` passes (to keep vols the same length)."""
    lines = source.splitlines()
    text = lines[line - 1] if line <= len(lines) else ""
    m = re.search(r"\]\s*\*\s*(\d+)", text)
    if m:
        return int(m.group(1))
    m = re.search(r'\["([A-Z])(\d+):([A-Z])(\d+)"\]', text)
    if m and m.group(2) == m.group(4):
        return ord(m.group(3)) - ord(m.group(1)) + 1
    return 1


def _arg_text(source: str, line: int, method: str, arg: str) -> str | None:
    for node in ast.walk(parsed(source)):
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
    for node in ast.walk(parsed(info.source)):
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


