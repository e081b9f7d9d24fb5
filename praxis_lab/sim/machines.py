"""The rule table of PLR's machines: what each call requires of a machine's state and does.

``RULES["PlateReader"]["read_absorbance"]`` checks and applies one traced call, in the order
PLR 0.2.2's front end and backend check it: the front end's own checks first (no plate in the
reader, cooling without ``passive``...), then what the backend the setup names refuses (its
signature for ``**backend_kwargs``, the ranges it asserts; read from its source by
:mod:`praxis_lab._plr.backend_calls`), then the effect. A kind inherits the rules of the
classes it derives from (a ``HeaterShaker`` shakes like a ``Shaker``). Durations (a shake, a
spin, a PCR profile, ``asyncio.sleep``) advance the path's clock; nothing waits.

Failures carry the PLR error they stand for (``error``); the checks PLR 0.2.2 does not make
(spinning with the door open, unloading onto an occupied loader, a tray that already holds
a plate) are praxis_lab's own (``own``).
"""

from __future__ import annotations

from typing import Any

from praxis_lab._plr import machines as plr_machines
from praxis_lab.sim import plate_storage
from praxis_lab.sim.context import Context
from praxis_lab.sim.machine_checks import (
    Rule,
    backend_ok,
    lists_ok,
    machine_of,
    move_hint,
    num,
    setting,
    simple,
)
from praxis_lab.sim.plate_storage import CENTRIFUGE, INCUBATOR, LOADER
from praxis_lab.sim.state import _n
from praxis_lab.sim.thermocycling import THERMOCYCLER
from praxis_lab.trace.sym import concrete

__all__ = ["RULES", "assume_done", "rule_for"]

# --- plate readers ------------------------------------------------------------------------


def _read(ctx: Context) -> None:
    reader = machine_of(ctx)
    if ctx.devices.occupant(reader) is None:  # PLR: get_plate() raises NoPlateError
        name = ctx.op.receiver
        plate = ctx.devices.last_plate()
        ctx.fail("no_plate", f"{ctx.op.method} on {name}, which holds no plate; move one onto "
                 f"it first: {move_hint(ctx, plate, name)}", [name],
                 plr_error="NoPlateError", machine=name, plate=plate)
        return
    backend_ok(ctx)


def _get_plate(ctx: Context) -> None:
    reader = machine_of(ctx)
    if ctx.devices.occupant(reader) is None:
        name = ctx.op.receiver
        plate = ctx.devices.last_plate()
        ctx.fail("no_plate", f"get_plate() on {name}, which holds no plate; move one onto it "
                 f"first: {move_hint(ctx, plate, name)}", [name], plr_error="NoPlateError",
                 machine=name, plate=plate)


# --- shakers -------------------------------------------------------------------------------


def _locks(machine: Any) -> bool:
    return bool(plr_machines.static_property(getattr(machine, "backend", None),
                                             "supports_locking"))


def _shake(ctx: Context) -> None:
    if not backend_ok(ctx):
        return
    machine, dev = machine_of(ctx), ctx.devices
    duration = num(ctx.op.args.get("duration"))
    if duration is None:  # PLR: starts shaking and returns; it shakes (locked) until stopped
        dev.set(machine, "shaking", True)
        if _locks(machine):
            dev.set(machine, "locked", True)
        return
    dev.advance(duration)
    dev.set(machine, "shaking", False)
    dev.set(machine, "locked", False)


# --- temperature -------------------------------------------------------------------------


def _start_temperature(machine: Any) -> float | None:
    """A simulator backend's start temperature (read, not asked); None for a real device."""
    dummy = getattr(getattr(machine, "backend", None), "_dummy_temperature", None)
    return float(dummy) if isinstance(dummy, int | float) else None


def _set_temperature(ctx: Context) -> None:
    machine, dev = machine_of(ctx), ctx.devices
    target = num(ctx.op.args.get("temperature"))
    passive = bool(concrete(ctx.op.args.get("passive")))
    current = dev.get(machine, "temperature", _start_temperature(machine))
    name = ctx.op.receiver
    if target is not None and current is not None and target < current and not passive and \
            plr_machines.static_property(machine.backend, "supports_active_cooling") is False:
        ctx.fail("device_state", f"set {name} to {_n(target)} °C from {_n(current)} °C: its "
                 f"backend ({type(machine.backend).__name__}) cannot cool actively; pass "
                 "passive=True to let it cool by itself, or set a higher temperature", [name],
                 plr_error="ValueError", machine=name, state="cooling", fix_passive=True)
        return
    if target is not None and current is not None and target < current and passive:
        dev.set(machine, "target", target)  # PLR returns at once: it cools by itself
        return
    if not backend_ok(ctx):
        return
    dev.set(machine, "target", target)
    dev.set(machine, "temperature", target)


def _wait_for_temperature(ctx: Context) -> None:
    machine = machine_of(ctx)
    if ctx.devices.get(machine, "target") is None:
        name = ctx.op.receiver
        ctx.fail("device_state", f"wait for {name}'s temperature, which was never set; call "
                 f"{name}.set_temperature(...) first", [name], plr_error="RuntimeError",
                 machine=name, state="no_target")


def _deactivate(ctx: Context) -> None:
    ctx.devices.set(machine_of(ctx), "target", None)




# --- tilters, sealers, time ------------------------------------------------------------


def _tilt(ctx: Context) -> None:
    machine, dev = machine_of(ctx), ctx.devices
    start = float(getattr(machine, "_absolute_angle", 0.0) or 0.0)
    now = dev.get(machine, "angle", start)
    shown = None
    if ctx.op.method == "tilt":
        step = num(ctx.op.args.get("relative_angle")) or 0.0
        angle: float | None = now + step

        def shown(arg: str, value: float, nearest: float) -> tuple[str, str, float]:
            return (f"{ctx.op.receiver}.tilt({_n(step)}) turns it from {_n(now)} to "
                    f"{_n(value)} degrees", "relative_angle", nearest - now)
    else:
        angle = num(ctx.op.args.get("absolute_angle"))
    if backend_ok(ctx, "set_angle", {"absolute_angle": angle}, shown):
        dev.set(machine, "angle", angle)


def _seal(ctx: Context) -> None:
    if lists_ok(ctx) and backend_ok(ctx):
        ctx.devices.advance(num(ctx.op.args.get("duration")) or 0.0)


def _sleep(ctx: Context) -> None:
    ctx.devices.advance(num(ctx.op.args.get("delay")) or 0.0)


def _nothing(ctx: Context) -> None:
    return None


# Rules by the PLR class that defines the method; a kind finds them along its MRO.
RULES: dict[str, dict[str, Rule]] = {
    "Machine": {"setup": _nothing, "stop": _nothing},
    "PlateReader": {"read_absorbance": _read, "read_luminescence": _read,
                    "read_fluorescence": _read, "open": simple(), "close": simple(),
                    "get_plate": _get_plate},
    "Shaker": {"shake": _shake, "stop_shaking": setting("shaking", False),
               "lock_plate": setting("locked", True), "unlock_plate": setting("locked", False)},
    "TemperatureController": {"set_temperature": _set_temperature,
                              "wait_for_temperature": _wait_for_temperature,
                              "deactivate": _deactivate},
    "Thermocycler": THERMOCYCLER,
    "Tilter": {"set_angle": _tilt, "tilt": _tilt},
    "Centrifuge": CENTRIFUGE,
    "Loader": LOADER,
    "Incubator": INCUBATOR,
    "Sealer": {"seal": _seal},
    "asyncio": {"sleep": _sleep},
}


def rule_for(op: Any) -> Rule | None:
    """The rule of a machine op: its method's, along the MRO of the receiver's PLR class; a
    method of a known machine with no rule is checked against its backend only."""
    kind = op.receiver_type
    if kind == "asyncio":
        return RULES["asyncio"].get(op.method)
    cls = plr_machines.machine_type(kind)
    for base in cls.__mro__ if cls is not None else ():
        rule = RULES.get(base.__name__, {}).get(op.method)
        if rule is not None:
            return rule
    return simple() if cls is not None and op.known else None


def assume_done(ctx: Context, op: Any) -> None:
    """After a machine call failed, let the machine be what the protocol meant (as PLR's
    front end already was: ``set_temperature`` keeps its target even when the backend
    refuses it), so what follows is not reported again as a consequence."""
    machine = machine_of(ctx)
    value = concrete(op.args.get("temperature"))
    if op.receiver_type in ("Loader", "Incubator"):
        plate_storage.assume_moved(ctx, machine)
    elif op.method == "set_temperature" and machine is not None and num(value) is not None:
        ctx.devices.set(machine, "target", num(value))
        ctx.devices.set(machine, "temperature", num(value))
    elif op.method in ("set_block_temperature", "set_lid_temperature") and machine is not None:
        ctx.devices.set(machine, "block" if "block" in op.method else "lid", value)
