"""Call fixes: a method PLR does not have, a call that does not bind, the wrong labware
given, labware not on the deck, a type that is not labware.

Each rule reads what the protocol wrote and proposes what it most likely meant, never a
made-up quantity: a missing volume is taken from the call that moves the same liquid or
the protocol's own volume parameter, or no fix is proposed.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate,\\n"
...        "            volume: float = 20):\\n"
...        "    await lh.pick_up_tips96(tips)\\n"
...        "    await lh.transfer_96(src, dst)\\n"
...        "    await lh.discard_tips96()\\n")
>>> print(simulate(src, cache=False).failure_modes[0].fixes[0]["description"])
transfer with the 96 head: aspirate96(src, volume=volume) then dispense96(dst, \
volume=volume) (transfer_96 needs a volume: the protocol's volume)
"""

from __future__ import annotations

import ast
import difflib
import re
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr import machines
from praxis_lab.fixes.codemod import Fix
from praxis_lab.fixes.keywords import (
    missing_vols,
    misspelt_keyword,
    one_per_channel,
    spots_not_tips,
)
from praxis_lab.fixes.labware import tips_the_channels_take
from praxis_lab.fixes.machines import machine_arguments, machine_binds, resource_fixes
from praxis_lab.fixes.setup import assign_to_deck
from praxis_lab.fixes.site import ARG_INDEX, Failure, arg_text, find_call
from praxis_lab.protocol.blocks import DROPS, PICKS, locate, parsed, text, tip_op

__all__ = ["bad_arguments", "not_on_deck", "unknown_method", "unresolved", "wrong_resource"]


# --- unknown_method ----------------------------------------------------------------------------


def unknown_method(f: Failure) -> list[Fix]:
    closest = list(f.d.get("closest", []))
    method = f.d.get("method", f.m)
    if set(closest[:2]) == {"aspirate", "dispense"}:
        return _mix(f, method)
    out = []
    if {"aspirate96", "dispense96"} <= set(closest):
        out += _transfer96(f, method)
    for name in closest[:2]:
        if _binds(f, name):
            out.append(Fix("rename", f"use {name}() (the closest real method)", f.line,
                           method, name))
        else:
            out += _with_volume(f, method, name)
    return out


# The call that moves the same liquid: the volume of one is the volume of the other.
_PARTNER = {"aspirate": "dispense", "dispense": "aspirate", "aspirate96": "dispense96",
            "dispense96": "aspirate96"}


def _with_volume(f: Failure, method: str, name: str) -> list[Fix]:
    """``name`` for an unknown ``method`` whose call lacks only the volume ``name`` needs
    (``dispence(dst["A1"])`` → ``dispense(dst["A1"], vols=[10])``), the missing argument
    named and taken from the protocol: the call that moves the same liquid (the aspirate
    before a dispense, the dispense after an aspirate), else its volume parameter for a
    96-head call. Never a made-up quantity: no value, no fix."""
    missing = _only_missing_volume(f, method, name)
    if missing is None:
        return []
    found = _partner_volume(f, name, missing)
    if found is None and missing == "volume" and (param := _volume_param(f)) is not None:
        found = param, f"the protocol's {param}"
    if found is None:
        return []
    value, said = found
    return [Fix("replace_arg", f"use {name}() with {missing}={value}, {said} ({method} "
                f"gives no {missing})", f.line, method, value, missing, 99,
                also=(Fix("rename", "", f.line, method, name),))]


def _only_missing_volume(f: Failure, method: str, name: str) -> str | None:
    """The volume argument (``vols``, ``volume``) the call lacks to bind to PLR's ``name``,
    when it is all that is missing; None otherwise."""
    spec = _plr.catalogue().get(name) if not f.d.get("receiver_type") else None
    node = find_call(f.source, f.line, method)
    if spec is None or node is None:
        return None
    kwargs = {k.arg: k.value for k in node.keywords if k.arg}
    for arg in ("vols", "volume"):
        if arg not in spec.required or arg in kwargs:
            continue
        try:
            spec.bind(tuple(node.args), {**kwargs, arg: ast.Constant(0)})
        except _plr.BindError:
            continue
        return arg
    return None


def _partner_volume(f: Failure, name: str, arg: str) -> tuple[str, str] | None:
    """``arg`` of the call that moves the same liquid as ``name`` would at the failing
    line (same tips: no pick-up or drop between), and where it was found."""
    place, partner = locate(f.source, f.line), _PARTNER.get(name)
    if place is None or partner is None:
        return None
    for st in place.after() if name.startswith("aspirate") else place.before():
        op = tip_op(st)
        if op in PICKS or op in DROPS or op == name:
            break
        if op == partner:
            node = find_call(f.source, st.lineno, op)
            given = {k.arg: ast.unparse(k.value) for k in node.keywords} if node else {}
            value = given.get(arg) or arg_text(f.source, st.lineno, op, arg)
            if value:
                return value, f"as the {partner} at line {st.lineno}"
    return None


def _mix(f: Failure, method: str) -> list[Fix]:
    """mix: aspirate and dispense in place."""
    first, vols = f.arg("resources"), f.arg("vols")
    if not (first and vols and locate(f.source, f.line) is not None):
        return []
    call = f"{f.lh}.{{}}({first}, vols={vols})"
    return [Fix("replace_stmt", f"mix in place: aspirate then dispense {vols} in {first} "
                f"(PLR 0.2.2 has no {method}())", f.line,
                new=f"await {call.format('aspirate')}\nawait {call.format('dispense')}\n")]


def _transfer96(f: Failure, method: str) -> list[Fix]:
    """A 96-head transfer (``transfer_96(src, dst)``): aspirate96 from the first plate and
    dispense96 into the second, with the call's volume or the protocol's volume parameter
    (PLR 0.2.2's ``stamp`` dispenses back into its source)."""
    call = f.call()
    if call is None or len(call.args) < 2 or locate(f.source, f.line) is None:
        return []
    src, dst = (ast.unparse(a) for a in call.args[:2])
    given = next((ast.unparse(k.value) for k in call.keywords if k.arg and "vol" in k.arg),
                 ast.unparse(call.args[2]) if len(call.args) > 2 else None)
    volume, said = given, ""
    if volume is None:
        param = _volume_param(f)
        if param is None:
            return []
        volume, said = param, f" ({method} needs a volume: the protocol's {param})"
    lh = f.lh
    return [Fix("replace_stmt", f"transfer with the 96 head: aspirate96({src}, volume="
                f"{volume}) then dispense96({dst}, volume={volume}){said}", f.line,
                new=f"await {lh}.aspirate96({src}, volume={volume})\n"
                    f"await {lh}.dispense96({dst}, volume={volume})\n")]


def _volume_param(f: Failure) -> str | None:
    """The protocol's one numeric parameter that is a volume (by its name), if it has one."""
    found = [p.name for p in f.info.params if p.kind == "value" and isinstance(
        p.default, int | float) and not isinstance(p.default, bool) and re.search(
            r"vol|ul|µl", p.name, re.IGNORECASE)]
    return found[0] if len(found) == 1 else None


def _binds(f: Failure, name: str) -> bool:
    """Whether the failing call would bind to PLR's ``LiquidHandler.<name>``, no labware
    parameter taking the place of a volume."""
    kind = f.d.get("receiver_type")  # a machine's method: its catalogue and its backend
    spec = machines.machine_catalogue(kind).get(name) if kind else _plr.catalogue().get(name)
    node = find_call(f.source, f.line, f.d.get("method", f.m))
    if spec is None or node is None:
        return spec is not None
    labware = {p.name for p in f.info.params if p.kind != "value"}
    try:
        bound = spec.bind(tuple(node.args), {k.arg: k.value for k in node.keywords if k.arg})
    except _plr.BindError:
        return False
    if kind and not machine_binds(f, kind, name, bound):
        return False  # the machine's backend refuses what the front end passes on
    return not any("vol" in k and isinstance(v, ast.Name) and v.id in labware
                   for k, v in bound.items())


# --- bad_arguments -----------------------------------------------------------------------------


def bad_arguments(f: Failure) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    if d.get("backend_call") or "zones" in d:  # what a machine's backend refuses
        return machine_arguments(f)
    if "channel" in d:  # a channel the handler does not have: let PLR choose them
        if f.arg("use_channels") is not None:
            return [Fix("remove_arg", f"drop use_channels at line {line}: the handler has no "
                        f"channel {d['channel']}; PLR takes the first channels", line, m,
                        arg="use_channels", index=ARG_INDEX["use_channels"])]
        return []
    if "expected" in d and "given" in d:
        return _lengths(f)
    if "scalar" in d:
        shown = f.arg(d["arg"]) or str(d["scalar"])
        new = f"[{shown}] * {d['n']}" if d["n"] > 1 else f"[{shown}]"
        return [Fix("replace_arg", f"make {d['arg']} a list: {new}", line, m, new, d["arg"],
                    ARG_INDEX.get(d["arg"], 1))]
    if d.get("single"):
        return one_per_channel(f)
    if d.get("missing") == "source_vol":
        param = _volume_param(f)
        return [Fix("replace_arg", f"transfer the protocol's {param} from the source "
                    f"(source_vol={param})", line, m, param, "source_vol", 99)] if param else []
    missing = re.search(r"missing 1 required argument: '(\w+)'", str(d.get("error", "")))
    renamed = misspelt_keyword(f, missing.group(1)) if missing else []
    if renamed:  # a keyword spelt otherwise (**backend_kwargs took it without a word)
        return renamed
    if missing and missing.group(1) == "vols":
        return missing_vols(f)
    if d.get("receiver_type") in machines.KINDS:  # a keyword a machine's front end refuses
        return machine_arguments(f)
    return []


def _lengths(f: Failure) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    if m in ("aspirate", "dispense"):
        shown = f.arg("vols")
        if shown and shown.startswith("[") and "]" in shown:
            first = shown[1:].split(",")[0].split("]")[0].strip()
            if first:
                new = f"[{first}] * {d['given']}"
                return [Fix("replace_arg", f"one volume per resource: vols={new}", line, m,
                            new, "vols", 1)]
    if m in PICKS and d["expected"] > d["given"] and f.arg("tip_spots"):
        spots = f.arg("tip_spots")
        new = f"{spots}[:{d['given']}]"
        return [Fix("replace_arg", f"pick up {d['given']} tips, one per channel of the "
                    f"use_channels block: {new}", line, m, new, "tip_spots", 0)]
    return []


# --- wrong_resource ----------------------------------------------------------------------------


def wrong_resource(f: Failure) -> list[Fix]:
    d = f.d
    if d.get("unassign"):  # a plate put on a machine by hand while still on the deck
        return [Fix("insert_before", f"take it off the deck first: {d['unassign']}", f.line,
                    new=f"{d['unassign']}\n")]
    if d.get("fix") in ("wrap", "flatten"):
        return _reshaped(f)
    if "not subscriptable" in str(d.get("raised", "")):
        return _container_itself(f)
    if d.get("expected") == "one well per channel":
        return _channel_groups(f)
    if d.get("expected") == "Container" and d.get("given") == "TipSpot":
        return _container_for_rack(f)
    if "channel" in d and f.m in PICKS:
        fix = tips_the_channels_take(f)
        return [fix] if fix else []
    if d.get("expected") == "TipSpot" and f.m in PICKS:
        return spots_not_tips(f)
    return resource_fixes(f)  # a machine call or a plate move


def _reshaped(f: Failure) -> list[Fix]:
    d, m, line = f.d, f.m, f.line
    arg = d["arg"]
    shown = f.arg(arg)
    if not shown:
        return []
    if d["fix"] == "wrap":
        return [Fix("replace_arg", f"pass {arg} as a flat list: [{shown}]", line, m,
                    f"[{shown}]", arg, ARG_INDEX.get(arg, 0))]
    outer = ast.parse(shown, mode="eval").body
    place = locate(f.source, line)
    if (isinstance(outer, ast.List) and len(outer.elts) == 1) or place is None:
        new = f"sum({shown}, [])"
        return [Fix("replace_arg", f"pass {arg} as a flat list: {new}", line, m, new, arg,
                    ARG_INDEX.get(arg, 0))]
    # several lists: one call per list (their channels are the same tips each time)
    one = Fix("replace_arg", "", 1, m, "_group", arg, ARG_INDEX.get(arg, 0)).apply(
        text(f.source, place.stmt))
    body = "".join(f"    {t}\n" for t in one.splitlines())
    return [Fix("replace_stmt", f"{m} into each list of {arg} in turn", line,
                new=f"for _group in {shown}:\n{body}")]


def _container_itself(f: Failure) -> list[Fix]:
    """A single container indexed like a plate (``trough["A1"]``): the container itself, as a
    list (``[trough]``; ``trough["A1"] * 8`` → ``[trough] * 8``)."""
    singles = {n for n, o in f.binding.objects.items() if isinstance(o, _plr.PLR["Container"])
               and not hasattr(o, "get_item")}
    for node in ast.walk(parsed(f.source)):
        if isinstance(node, ast.Subscript) and node.lineno == f.line and isinstance(
                node.value, ast.Name) and node.value.id in singles:
            name = node.value.id
            old = ast.get_source_segment(f.source, node) or ""
            kind = type(f.binding.objects[name]).__name__
            return [Fix("replace_expr", f"use {name} itself: a {kind} has no wells ({old} → "
                        f"[{name}])", f.line, new=f"[{name}]", arg=old)]
    return []


def _channel_groups(f: Failure) -> list[Fix]:
    """Channels that do not fit side by side in one container: the call made in groups of
    channels that fit (the same wells, volumes and channels, in turns)."""
    res, vols = f.arg("resources"), f.arg("vols")
    place = locate(f.source, f.line)
    obj = _resolve(f, f.mode.resources[0]) if f.mode.resources else None
    if not (res and vols and place) or obj is None or f.arg("use_channels") is not None:
        return []
    n = _count(res)
    fits = int(obj.get_size_y() // 9.0)  # PLR's channels are 9 mm apart
    if n is None or fits < 1 or fits >= n:
        return []
    groups = -(-n // fits)
    size = -(-n // groups)
    cuts = [(i, min(i + size, n)) for i in range(0, n, size)]
    lines = [f"_wells, _vols = {res}, {vols}\n"] + [
        f"await {f.lh}.{f.m}(_wells[{a}:{b}], vols=_vols[{a}:{b}], use_channels="
        f"{list(range(a, b))})\n" for a, b in cuts]
    return [Fix("replace_stmt", f"{f.m} with {size} channels at a time: {n} do not fit side "
                f"by side in {f.mode.resources[0]} ({obj.get_size_y():g} mm)", f.line,
                new="".join(lines))]


def _count(expr: str) -> int | None:
    m = re.search(r"\*\s*(\d+)\s*$", expr)
    return int(m.group(1)) if m else None


def _resolve(f: Failure, key: str) -> Any:
    owner, _, ident = key.partition("[")
    obj = f.binding.objects.get(owner)
    try:
        return obj.get_item(ident.rstrip("]")) if ident and obj is not None else obj
    except Exception:
        return None


def _container_for_rack(f: Failure) -> list[Fix]:
    """Aspirating or dispensing with a tip rack (a copy-pasted ``tips[...]``): the same
    wells of the protocol's container parameters instead."""
    shown = f.arg("resources") or ""
    racks = [n for n, o in f.binding.objects.items() if isinstance(o, _plr.PLR["TipRack"])]
    plates = [n for n, o in f.binding.objects.items() if isinstance(o, _plr.PLR["Plate"])]
    out = []
    for rack in racks:
        if not re.match(rf"{re.escape(rack)}\b", shown):
            continue
        for plate in plates:
            new = plate + shown[len(rack):]
            out.append(Fix("replace_arg", f"{f.m} {'from' if f.m == 'aspirate' else 'into'} "
                           f"{new}: {rack} is the tip rack", f.line, f.m, new, "resources", 0))
    return out


# --- not_on_deck, unresolved_type ---------------------------------------------------------------


def not_on_deck(f: Failure) -> list[Fix]:
    raised = str(f.d.get("raised", ""))
    missing = re.search(r"Resource '([^']+)' not found", raised)
    if missing:
        return _closest_name(f, missing.group(1))
    fix = assign_to_deck(f, f.d.get("resource", ""))
    return [fix] if fix else []


def _closest_name(f: Failure, name: str) -> list[Fix]:
    """A labware name the deck does not have: the closest one it has."""
    names = [r.name for r in f.binding.deck.get_all_resources()]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not close:
        return []
    quoted = [t for t in (f'"{name}"', f"'{name}'") if t in (f.source.splitlines()[
        f.line - 1] if f.line else "")]
    if not quoted:
        return []
    new = quoted[0][0] + close[0] + quoted[0][0]
    return [Fix("replace_expr", f"use {new}, the name the deck has", f.line, new=new,
                arg=quoted[0])]


# Types people annotate with, and what PLR 0.2.2 has with the same use.
_ALSO = {"Reservoir": ("Plate",)}


def unresolved(f: Failure) -> list[Fix]:
    closest = f.d.get("closest")
    if not closest:
        return []
    out = []
    for name in (closest, *_ALSO.get(str(f.d.get("annotation")), ())):
        out.append(Fix("annotate", f"annotate {f.d['param']} as {name}", 0, new=name,
                       arg=f.d["param"], also=(Fix("add_import", "", new=(
                           f"from pylabrobot.resources import {name}\n")),)))
    return out
