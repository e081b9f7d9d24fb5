"""Volume fixes (``insufficient_liquid``, ``over_capacity``, ``tip_volume_exceeded``): the
volume a protocol asks for is its intent, so it is kept first.

Too little liquid: start the wells with what the protocol takes from them (in the setup).
A tip too small: split the transfer into portions the tip holds (aspirate and dispense
repeated), or a rack of bigger tips. Overflow: a container that holds more. Only then the
volume is lowered: a volume parameter's default (aspirate and dispense stay equal), else the
call and the one that moves the same liquid; inside a helper the protocol calls from
several places, the description says that every call changes. A lowered volume is always
a volume: a count is never set from it.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Trough, dst: Trough,\\n"
...        "            v: float = 800, replicates: int = 2):\\n"
...        "    await lh.pick_up_tips(tips['A1'])\\n"
...        "    await lh.aspirate([src], [v * replicates])\\n"
...        "    await lh.dispense([dst], [v * replicates])\\n")
>>> for fix in simulate(src, cache=False).failure_modes[0].fixes:
...     print(fix["description"])
aspirate 1600 µL in 2 portions the tips hold (aspirate then dispense, 2 times)
lower the volume at line 4 to 1065 µL, what fits (and at line 5 to match)
"""

from __future__ import annotations

import ast
import math
import re

from praxis_lab.fixes.codemod import Fix
from praxis_lab.fixes.setup import start_volumes
from praxis_lab.fixes.site import Failure, arg_text, ast_number, call_count, call_sites, enclosing
from praxis_lab.protocol.blocks import DROPS, PICKS, locate, tip_op
from praxis_lab.sim.state import _n

__all__ = ["volume_fixes"]

_HEAD96 = ("aspirate96", "dispense96", "stamp")


def volume_fixes(f: Failure) -> list[Fix]:
    """The fixes for a volume failure, the protocol's volumes kept first."""
    keep = {"insufficient_liquid": _more_liquid, "over_capacity": _more_room,
            "tip_volume_exceeded": _portions}[f.kind](f)
    return [fix for fix in (*keep, *_lowered(f)) if fix is not None]


def _more_liquid(f: Failure) -> list[Fix | None]:
    """The wells the aspirate runs dry started with what the protocol takes from them."""
    if not f.m.startswith("aspirate") or "well" not in f.d:
        return []  # a dispense from a tip that holds less: the aspirate's failure says why
    return [start_volumes(f)]


def _more_room(f: Failure) -> list[Fix | None]:
    from praxis_lab.fixes.labware import bigger_container

    return [bigger_container(f)]


def _portions(f: Failure) -> list[Fix | None]:
    """The transfer in k portions the tip holds, and a rack of bigger tips."""
    from praxis_lab.fixes.labware import bigger_tips

    return [_split(f), bigger_tips(f)]


def _split(f: Failure) -> Fix | None:
    """``aspirate(V)`` then ``dispense(V)`` → ``for _ in range(k)`` of both with V / k, when
    the tip was empty (V alone is too much for it) and the dispense follows at once."""
    volume, cap = float(f.d.get("volume", 0)), float(f.d.get("max") or 0)
    place = locate(f.source, f.line)
    if cap <= 0 or volume <= cap or abs(float(f.d.get("room", 0)) - cap) > 1e-6 or \
            place is None or f.m not in ("aspirate", "aspirate96"):
        return None
    block = place.block
    i = block.index(place.stmt)
    partner = block[i + 1] if i + 1 < len(block) else None
    arg, index = ("volume", 1) if f.m == "aspirate96" else ("vols", 1)
    theirs = "dispense" + f.m[len("aspirate"):]
    if partner is None or tip_op(partner) != theirs:
        return None
    ours, dispensed = f.arg(arg), arg_text(f.source, partner.lineno, theirs, arg)
    if ours is None or dispensed is None or ours != dispensed:
        return None
    k = math.ceil(volume / cap - 1e-9)
    new = _divided(ours, k)
    body = "".join(
        "    " + line + "\n" for st, method in ((place.stmt, f.m), (partner, theirs))
        for line in Fix("replace_arg", "", 1, method, new, arg, index).apply(
            ast.get_source_segment(f.source, st) or "").splitlines())
    return Fix("replace_stmt", f"{f.m} {_n(volume)} µL in {k} portions the tips hold "
               f"({f.m} then {theirs}, {k} times)", f.line,
               new=f"for _ in range({k}):\n{body}", also=(Fix("remove", "", partner.lineno),))


def _divided(text: str, k: int) -> str:
    """The volume expression ``text`` divided by ``k``: ``[300] * 8`` → ``[150] * 8``,
    ``[v, w]`` → ``[v / 2, w / 2]``, ``volume`` → ``volume / 2``."""
    tree = ast.parse(text, mode="eval").body
    if isinstance(tree, ast.List):
        return "[" + ", ".join(_part(e, k) for e in tree.elts) + "]"
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Mult) and isinstance(
            tree.left, ast.List):
        return f"{_divided(ast.unparse(tree.left), k)} * {ast.unparse(tree.right)}"
    return _part(tree, k)


def _part(node: ast.expr, k: int) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return _n(node.value / k)
    inner = ast.unparse(node)
    return f"{inner} / {k}" if isinstance(node, ast.Name | ast.Attribute | ast.Call) else \
        f"({inner}) / {k}"


# --- lowering the volume: last ---------------------------------------------------------------


def _room(f: Failure) -> float | None:
    """What fits: what the well holds, the room left in the well or in the tip."""
    key = {"insufficient_liquid": "held", "over_capacity": "free",
           "tip_volume_exceeded": "room"}[f.kind]
    room = f.d.get(key)
    return float(room) if room is not None and room > 0 else None


def _lowered(f: Failure) -> list[Fix]:
    room, m, line = _room(f), f.m, f.line
    if m in _HEAD96 and room is not None:
        return _lowered96(f, room)
    if m not in ("aspirate", "dispense"):
        return []
    pooled = _pooled(f)
    if room is None:
        return pooled
    out: list[Fix] = []
    shared = _shared(f)
    param = _volume_parameter(f)
    if param is not None:  # lower the parameter: aspirate and dispense stay equal
        name, value = param
        out.append(Fix("default", f"lower the default of {name} to {value} µL, what fits "
                       "(the volume the protocol asks for is lowered: check it still does "
                       "what it should)", 0, new=value, arg=name, function=f.info.name))
    count = call_count(f.source, line)
    expr = f"[{_n(room)}] * {count}" if count > 1 else f"[{_n(room)}]"
    fix = Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL, what fits"
              + shared, line, m, expr, "vols", 1)
    out.append(_with_partner(f, fix, "vols", room))
    return pooled + out  # pooling: every call's volume lowered alike, the smaller change


def _pooled(f: Failure) -> list[Fix]:
    """A container filled again and again by the dispense (pooling in a loop): each volume
    lowered so that every one of them fits."""
    calls = f.calls_into_one()
    if f.kind != "over_capacity" or calls < 2 or not f.d.get("volume"):
        return []
    top = float(f.d.get("max", 0))
    start = f.report.timeline.get("initial", {}).get(f.d.get("well"), 0.0)
    start = float(start) if isinstance(start, int | float) else 0.0
    each = math.floor((top - start) / calls * 100) / 100
    if each <= 0:
        return []
    count = call_count(f.source, f.line)
    expr = f"[{_n(each)}] * {count}" if count > 1 else f"[{_n(each)}]"
    fix = Fix("replace_arg", f"lower the volume at line {f.line} to {_n(each)} µL, so that "
              f"all {calls} dispenses into {f.d.get('well')} fit its {_n(top)} µL"
              + _shared(f), f.line, f.m, expr, "vols", 1)
    return [_with_partner(f, fix, "vols", each)]


def _lowered96(f: Failure, room: float) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    if f.kind == "over_capacity" and d.get("volume") and m != "stamp":
        per = float(d["volume"])  # one container takes every tip's volume at once
        vol = f.arg("volume")
        room = room if vol is None or float(ast_number(vol) or per) == per else room / 96
    arg, index = ("volume", 2) if m == "stamp" else ("volume", 1)
    shown = f.arg(arg)
    param = next((p for p in f.info.params if p.name == shown and p.kind == "value" and
                  isinstance(p.default, int | float) and not isinstance(p.default, bool)), None)
    if param is not None:  # lower the parameter: aspirate96 and dispense96 stay equal
        whole = re.search(r"\bint\b", str(param.annotation or "")) is not None
        value = str(int(room)) if whole else _n(room)
        return [Fix("default", f"lower the default of {param.name} to {value} µL per channel, "
                    "what fits (the volume the protocol asks for is lowered: check it still "
                    "does what it should)", 0, new=value, arg=param.name,
                    function=f.info.name)]
    fix = Fix("replace_arg", f"lower the volume at line {line} to {_n(room)} µL per channel, "
              "what fits" + _shared(f), line, m, _n(room), arg, index)
    return [_with_partner(f, fix, arg, room)]


def _shared(f: Failure) -> str:
    """What a description says when the line is in a helper several calls share."""
    fn = enclosing(f.source, f.line)
    if fn is None or fn.name == f.info.name:
        return ""
    sites = call_sites(f.source, fn.name)
    if len(sites) <= 1:
        return f", in {fn.name}(): every call of it changes"
    return (f", in {fn.name}(), which the calls at lines "
            f"{', '.join(map(str, sites))} share: every one of them changes")


def _volume_parameter(f: Failure) -> tuple[str, str] | None:
    """The numeric parameter (with a default) that *is* the call's volume: a list element of
    ``vols`` (``[volume] * 8``: volume, never the count 8 or a ``replicates`` multiplier),
    with its lowered default (a whole number for an ``int`` parameter)."""
    text = f.arg("vols") or ""
    try:
        tree = ast.parse(text, mode="eval").body if text else None
    except SyntaxError:
        return None
    if isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.Mult) and isinstance(
            tree.left, ast.List):
        tree = tree.left
    if not isinstance(tree, ast.List) or not tree.elts:
        return None
    names = {e.id for e in tree.elts if isinstance(e, ast.Name)}
    room = _room(f)
    for p in f.info.params:
        if p.kind == "value" and p.name in names and isinstance(p.default, int | float) and \
                not isinstance(p.default, bool) and room is not None and len(names) == 1:
            whole = re.search(r"\bint\b", str(p.annotation or "")) is not None
            if whole and int(room) <= 0:
                return None
            return str(p.name), str(int(room)) if whole else _n(room)
    return None


def _with_partner(f: Failure, fix: Fix, arg: str, room: float) -> Fix:
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
        theirs = arg_text(f.source, st.lineno, op, arg)
        new = _per_channel(old, theirs, fix.new, f.arg("use_channels")) or _partner_value(
            old, theirs, fix.new, between)
        if new is None:
            break
        return Fix(fix.kind, f"{fix.description} (and at line {st.lineno} to match)",
                   fix.line, fix.method, fix.new, fix.arg, fix.index,
                   also=(Fix("replace_arg", "", st.lineno, op, new, arg, fix.index),))
    return fix


def _per_channel(old: str, theirs: str | None, new: str, channels: str | None) -> str | None:
    """The partner's list of volumes with only the elements of our ``use_channels`` lowered
    (``[200, 200]`` aspirated, channel 1 dispensing less: ``[200, 160]``); None when the
    call names no channels or the partner's volumes are not one literal per channel."""
    try:
        used = ast.literal_eval(channels or "None")
        vols = ast.literal_eval(theirs or "None")
    except (ValueError, SyntaxError):
        return None
    a, c = ast_number(old), ast_number(new)
    if not (isinstance(used, list) and isinstance(vols, list) and used and a is not None and
            c is not None and all(isinstance(ch, int) and 0 <= ch < len(vols) for ch in used)
            and all(isinstance(v, int | float) for v in vols)):
        return None
    for ch in used:
        vols[ch] -= a - c
        if vols[ch] <= 0:
            return None
    return "[" + ", ".join(_n(v) for v in vols) + "]"


def _partner_value(old: str, theirs: str | None, new: str, between: bool) -> str | None:
    """The partner call's new volume: the same as ours when it moved the same, else its own
    lowered by as much as ours (None when that leaves nothing)."""
    if theirs == old and not between:
        return new
    a, b, c = ast_number(old), ast_number(theirs or ""), ast_number(new)
    if a is None or b is None or c is None or b - (a - c) <= 0:
        return None
    return re.sub(r"\d+(?:\.\d+)?", _n(b - (a - c)), theirs or "", count=1)
