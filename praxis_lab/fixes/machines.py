"""Fixes for the machine failure kinds: the statement that makes the machine ready, the
argument in range, the plate moved where it must be.

Each rule reads what the simulator recorded on the failure (``mode.data``): the statements
that put the machine in the right state (``insert``: ``await hs.stop_shaking()``...), the
nearest value the backend accepts, the plate a machine was asked to act on and the place
an occupying plate came from. A fix is offered only when every name it writes is one the
protocol has (a parameter), so it applies as written; the tests re-simulate each.
"""

from __future__ import annotations

import ast
import difflib
import re
from typing import Any

from praxis_lab._plr import backend_calls
from praxis_lab._plr import machines as plr_machines
from praxis_lab.fixes.codemod import Fix
from praxis_lab.protocol.blocks import locate, parsed, text
from praxis_lab.sim.state import _n

__all__ = ["MACHINE_FIXES", "backend_keyword", "machine_arguments", "machine_binds",
           "resource_fixes"]


def _names(f: Any) -> set[str]:
    return {p.name for p in f.info.params}


def _move_before(f: Any, what: str, where: str, description: str) -> Fix:
    return Fix("insert_before", description, f.line, new=f"await {f.lh}.move_plate({what}, "
               f"{where})\n")


def no_plate(f: Any) -> list[Fix]:
    """Move the plate the protocol last handled onto the machine first (the plate as the
    protocol names it: its parameter, else the variable its last move took)."""
    d, names = f.d, _names(f)
    if isinstance(d.get("wanted"), str):
        return _closest_name(f, d["wanted"], d.get("held") or [])
    plate, machine = d.get("plate"), d.get("machine")
    if plate not in names:
        plate = _plate_variable(f, plate)
    if plate is None or machine not in names or f.lh not in names:
        return []
    where = f"{machine}.loading_tray" if d.get("tray") else machine
    return [_move_before(f, plate, where, f"move {plate} onto {where} before line {f.line}")]


def _closest_name(f: Any, wanted: str, held: list[str]) -> list[Fix]:
    """A plate name the machine does not hold, misspelt in one of the protocol's strings:
    the closest name it holds instead, where the string says it (``"culture2"`` →
    ``"culture_2"``, in a default too)."""
    close = difflib.get_close_matches(wanted, held, n=1, cutoff=0.8)
    if not close:
        return []
    token = re.compile(rf"(?<![\w]){re.escape(wanted)}(?![\w])")
    protocol = next((n for n in ast.walk(parsed(f.source)) if isinstance(
        n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == f.info.name), None)
    for node in ast.walk(protocol) if protocol is not None else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                token.search(node.value):
            text = ast.get_source_segment(f.source, node) or ""
            if token.search(text):
                return [Fix("replace_expr", f"fetch {close[0]!r}, the plate of the closest "
                            f"name the machine holds ({wanted!r} at line {node.lineno})",
                            node.lineno, arg=text, new=token.sub(close[0], text, count=1))]
    return []


def _plate_variable(f: Any, plate: Any) -> str | None:
    """The variable the protocol's last ``move_plate`` of ``plate`` before the failing line
    was given, in the same function body (a loop's ``plate = await ...fetch...``)."""
    moves = [op for op in f.report.graph.operations if op.method_name == "move_plate"
             and op.line_number < f.line and op.resources[:1] == [plate]]
    if not moves:
        return None
    call = next((n for n in ast.walk(parsed(f.source)) if isinstance(n, ast.Call) and
                 n.lineno == moves[-1].line_number and isinstance(n.func, ast.Attribute) and
                 n.func.attr == "move_plate" and n.args), None)
    first = call.args[0] if call is not None else None
    return first.id if isinstance(first, ast.Name) else None


def site_occupied(f: Any) -> list[Fix]:
    """Move the plate in the way back to where it started (free now) first; for a full
    centrifuge bucket, turn the rotor to the free one; for an incubator site that is taken,
    the smallest free one."""
    d, names = f.d, _names(f)
    if d.get("smallest") and f.m == "take_in_plate":  # a taken site: a free one instead
        return [Fix("replace_arg", "take it into the smallest free site: site=\"smallest\"",
                    f.line, f.m, '"smallest"', "site", 0)]
    if d.get("insert") and d.get("machine") in names:  # a centrifuge's other bucket is free
        return [Fix("insert_before", f"{d['insert'][0].removeprefix('await ')} before line "
                    f"{f.line}", f.line, new=f"{d['insert'][0]}\n")]
    occupant, home = d.get("occupant"), d.get("occupant_home")
    if occupant not in names or not home or f.lh not in names:
        return []
    where = f'{f.lh}.deck.get_resource("{home}")'
    return [_move_before(f, occupant, where, f"move {occupant} back to {home}, where it "
                         f"started, before line {f.line}")]


def device_state(f: Any) -> list[Fix]:
    """The statements that make the machine ready, or ``passive=True`` for cooling; the
    protocol's own statement that does it, when it comes too late, moved up."""
    d, names = f.d, _names(f)
    if d.get("fix_passive"):
        return [Fix("replace_arg", f"let {d.get('machine')} cool by itself: passive=True",
                    f.line, f.m, "True", "passive", 1)]
    late = _too_late(f)
    if late:
        return late
    insert = d.get("insert") or []
    machine = d.get("machine")
    if not insert or machine not in names:
        return []
    return [Fix("insert_before", f"{' and '.join(s.removeprefix('await ') for s in insert)} "
                f"before line {f.line}", f.line, new="".join(f"{s}\n" for s in insert))]


# A wait for a target, and the call of the same machine that sets it.
_SETTERS = {"wait_for_temperature": "set_temperature",
            "wait_for_block": "set_block_temperature", "wait_for_lid": "set_lid_temperature"}


def _too_late(f: Any) -> list[Fix]:
    """The protocol's own statement that readies the machine or the plate, found after the
    failing one: a wait before the target is set (the set moves up), a pipetting op into a
    lidded plate whose lid comes off later (the ``move_lid`` moves up)."""
    d = f.d
    if d.get("state") == "no_target" and f.m in _SETTERS:
        setter, machine = _SETTERS[f.m], d.get("machine")
        return _moved_up(f, lambda call: call.func.attr == setter and ast.unparse(
            call.func.value) == machine, f"set {machine}'s target first") or _moot(f, machine)
    if d.get("state") == "lidded" and f.m == "move_lid":
        return _own_plate(f)
    if d.get("state") == "lidded" and isinstance(d.get("plate"), str):
        lids = _lid_names(f, d["plate"])
        return _moved_up(f, lambda call: call.func.attr == "move_lid" and bool(call.args) and
                         ast.unparse(call.args[0]) in lids, f"take {d['plate']}'s lid off first")
    return []


def _moot(f: Any, machine: str) -> list[Fix]:
    """A wait for a thermocycler target nothing set, when a profile later sets its own
    temperatures: there is nothing to wait for, the wait goes."""
    place = locate(f.source, f.line)
    if place is None or f.m not in ("wait_for_block", "wait_for_lid"):
        return []
    for st in place.after():
        for node in ast.walk(st):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("run_pcr_profile", "run_protocol") and \
                    ast.unparse(node.func.value) == machine:
                return [Fix("remove", f"remove the {f.m} at line {f.line}: nothing set a "
                            f"target to wait for, and the {node.func.attr} at line "
                            f"{node.lineno} sets its own", f.line)]
    return []


def _own_plate(f: Any) -> list[Fix]:
    """A lid moved onto a plate that has one: onto the plate it came from instead, when the
    protocol names it (``controls_lid = controls.lid``, or ``controls.lid`` itself)."""
    call = f.call()
    if call is None or len(call.args) < 2:
        return []
    lid = ast.unparse(call.args[0])
    owners = {ast.unparse(n.value.value) for n in ast.walk(parsed(f.source))
              if isinstance(n, ast.Assign) and isinstance(n.value, ast.Attribute) and
              n.value.attr == "lid" and lid in {ast.unparse(t) for t in n.targets}}
    if lid.endswith(".lid"):
        owners.add(lid.removesuffix(".lid"))
    to = ast.unparse(call.args[1])
    if len(owners) != 1 or to in owners:
        return []
    owner = owners.pop()
    return [Fix("replace_arg", f"put {lid} back on {owner}, the plate it came from (not "
                f"{to}, which has its lid)", f.line, f.m, owner, "to", 1)]


def _lid_names(f: Any, plate: str) -> set[str]:
    """How the protocol writes ``plate``'s lid: ``plate.lid`` and the names bound to it."""
    lids = {f"{plate}.lid"}
    for node in ast.walk(parsed(f.source)):
        if isinstance(node, ast.Assign) and ast.unparse(node.value) in lids:
            lids |= {ast.unparse(t) for t in node.targets}
    return lids


def _moved_up(f: Any, matches: Any, why: str) -> list[Fix]:
    """The first later statement of the protocol's body that ``matches`` (an awaited call),
    moved before the failing statement (before the loop or block holding it)."""
    place = locate(f.source, f.line)
    if place is None:
        return []
    stmt, block = place.stmt, place.block
    for node, outer in place.outer:  # innermost first, up to the function
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            break
        stmt, block = node, outer
    for st in block[block.index(stmt) + 1:]:
        value = st.value if isinstance(st, ast.Expr) else None
        call = value.value if isinstance(value, ast.Await) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and \
                matches(call):
            return [Fix("insert_before", f"{why}: move the {call.func.attr} at line "
                        f"{st.lineno} before line {stmt.lineno}", stmt.lineno,
                        new=text(f.source, st), also=(Fix("remove", "", st.lineno),))]
    return []


def out_of_range(f: Any) -> list[Fix]:
    """The argument set to the nearest value the backend accepts."""
    d = f.d
    arg, nearest = d.get("arg"), d.get("nearest")
    if not isinstance(arg, str) or not isinstance(nearest, int | float):
        return []
    kind = d.get("receiver_type")
    spec = plr_machines.machine_catalogue(kind).get(f.m) if kind else None
    names = [p.name for p in spec.params] if spec is not None else []
    index = names.index(arg) if arg in names else 99
    return [Fix("replace_arg", f"{arg}={_n(nearest)}, the nearest value the backend accepts",
                f.line, f.m, _n(nearest), arg, index)]


# Keywords people pass a machine that its front end calls otherwise (checked against the
# front end's signature before one is offered).
_KEYWORDS = {"time": "duration", "seconds": "duration", "duration_s": "duration",
             "rpm": "speed", "temp": "temperature", "celsius": "temperature",
             "wavelength_nm": "wavelength", "angle": "absolute_angle",
             "relative": "relative_angle", "excitation": "excitation_wavelength",
             "emission": "emission_wavelength", "ex_wavelength": "excitation_wavelength",
             "em_wavelength": "emission_wavelength", "cycles": "num_cycles"}


def backend_keyword(f: Any) -> list[Fix]:
    """The keywords the backend or the front end refuses, renamed to the front end's own
    (``time=`` → ``duration=``, ``excitation=`` → ``excitation_wavelength=``), where the
    front end has them and the call does not pass them already."""
    kind = f.d.get("receiver_type")
    spec = plr_machines.machine_catalogue(kind).get(f.m) if kind else None
    if spec is None:
        return []
    params = {p.name for p in spec.params}
    for node in ast.walk(parsed(f.source)):
        if not (isinstance(node, ast.Call) and node.lineno == f.line and
                isinstance(node.func, ast.Attribute) and node.func.attr == f.m):
            continue
        given = {k.arg for k in node.keywords}
        renamed = [(kw.arg, _KEYWORDS[kw.arg]) for kw in node.keywords if kw.arg in _KEYWORDS
                   and _KEYWORDS[kw.arg] in params and _KEYWORDS[kw.arg] not in given]
        if renamed:
            call = ast.unparse(node)
            for old, new in renamed:
                call = call.replace(f"{old}=", f"{new}=", 1)
            said = ", ".join(f"{new}=, not {old}=" for old, new in renamed)
            return [Fix("replace_call", f"{f.m}() takes {said}", f.line, f.m, call)]
    return []


def machine_arguments(f: Any) -> list[Fix]:
    """``bad_arguments`` on a machine call: a keyword its backend refuses renamed, or one
    value per zone where the protocol gave one temperature for more zones."""
    if "zones" not in f.d:
        return backend_keyword(f) or _take_in_site(f)
    arg, zones = f.d.get("arg"), f.d["zones"]
    given = _call_arg(f, arg, 0) if isinstance(arg, str) else None
    try:
        values = ast.literal_eval(given or "None")
    except (ValueError, SyntaxError):
        return []
    if not (isinstance(values, list) and values and isinstance(zones, int) and zones > 0
            and len(set(values)) == 1):
        return []  # different values: which zone keeps which is the protocol's choice
    new = f"[{values[0]!r}]" + (f" * {zones}" if zones > 1 else "")
    machine = f.mode.resources[0] if f.mode.resources else "the machine"
    return [Fix("replace_arg", f"{arg}={new}: {machine} has {zones} zone"
                f"{'s' if zones > 1 else ''}, and every value given was {values[0]!r}",
                f.line, f.m, new, arg, 0)]


def _take_in_site(f: Any) -> list[Fix]:
    """``incubator.take_in_plate()`` without a site: the smallest free one, as the
    incubator's own choice (``"smallest"``)."""
    if f.m != "take_in_plate" or "'site'" not in str(f.d.get("error", "")):
        return []
    return [Fix("replace_arg", 'take it into the smallest free site: site="smallest"', f.line,
                f.m, '"smallest"', "site", 0)]


def resource_fixes(f: Any) -> list[Fix]:
    """``wrong_resource`` on a machine call or a move: the plate's name where a name is
    taken (``incubator.fetch_plate_to_loading_tray(plate.name)``), a site of the carrier a
    plate was moved onto (``plate_car[0]``)."""
    d, names = f.d, _names(f)
    if d.get("fix") == "name":
        given = _call_arg(f, "plate_name", 0)
        if given is not None:
            return [Fix("replace_arg", f"pass the plate's name: {given}.name", f.line, f.m,
                        f"{given}.name", "plate_name", 0)]
    site = d.get("site")
    if d.get("expected") == "a carrier site" and isinstance(site, str) and \
            site.split("[", 1)[0] in names and "[" in site:
        return [Fix("replace_arg", f"move it onto {site}, a site of the carrier", f.line, f.m,
                    site, "to", 1)]
    return []


def _call_arg(f: Any, name: str, index: int) -> str | None:
    for node in ast.walk(parsed(f.source)):
        if isinstance(node, ast.Call) and node.lineno == f.line and isinstance(
                node.func, ast.Attribute) and node.func.attr == f.m:
            for kw in node.keywords:
                if kw.arg == name:
                    return ast.unparse(kw.value)
            if len(node.args) > index:
                return ast.unparse(node.args[index])
    return None


def machine_binds(f: Any, kind: str, method: str, arguments: dict[str, Any]) -> bool:
    """Whether the machine's backend takes what ``method`` passes on to it (the keywords of
    ``**backend_kwargs``): ``stop_shaking(speed=600)`` binds to the front end, not to the
    backend's ``stop_shaking()``."""
    machine = f.binding.objects.get(f.mode.resources[0]) if f.mode.resources else None
    if machine is None:
        machine = next((o for o in f.binding.objects.values()
                        if plr_machines.kind_of(o) == kind), None)
    spec = plr_machines.machine_catalogue(kind).get(method)
    if machine is None or spec is None or spec.var_keyword is None:
        return True
    bound = dict(arguments)
    bound[spec.var_keyword] = dict(bound.get(spec.var_keyword) or {})
    return backend_calls.bind_error(machine, kind, method, bound) is None


MACHINE_FIXES = {"no_plate": no_plate, "site_occupied": site_occupied,
                 "device_state": device_state, "out_of_range": out_of_range}
