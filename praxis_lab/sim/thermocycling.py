"""Thermocycler rules: the lid, block and lid temperatures per zone, profiles.

PLR 0.2.2's ``Thermocycler`` takes temperatures as lists, one per zone (a number is a
``TypeError``; the chatterbox refuses another count than its ``num_zones``, a
``ValueError``), checks that every step of a profile has as many zones as the first, and
runs a profile without waiting for it (``run_protocol`` and ``run_pcr_profile`` return at
once; ``wait_for_profile_completion`` waits): the profile's hold times make the machine
busy, and the protocol's clock moves when it waits. ``wait_for_block`` with no block
temperature set raises (the chatterbox's ``RuntimeError``).
"""

from __future__ import annotations

from typing import Any

from praxis_lab._plr import machines as plr_machines
from praxis_lab.sim.context import Context
from praxis_lab.sim.machine_checks import Rule, backend_ok, lists_ok, machine_of
from praxis_lab.trace.sym import concrete

__all__ = ["THERMOCYCLER"]


def _zones_ok(ctx: Context, machine: Any, *args: str) -> bool:
    """Each list has one value per zone of the backend (``num_zones``, a simulator's data)."""
    zones = getattr(getattr(machine, "backend", None), "num_zones", None)
    for arg in args:
        value = concrete(ctx.op.args.get(arg))
        if isinstance(zones, int) and isinstance(value, list) and len(value) != zones:
            ctx.fail("bad_arguments", f"{arg} has {len(value)} values for {ctx.op.receiver}'s "
                     f"{zones} zone{'s' if zones != 1 else ''}; give one per zone", [
                         ctx.op.receiver], plr_error="ValueError", arg=arg, zones=zones)
            return False
    return True


def _block(field: str) -> Rule:
    def rule(ctx: Context) -> None:
        machine = machine_of(ctx)
        if lists_ok(ctx) and _zones_ok(ctx, machine, "temperature") and backend_ok(ctx):
            ctx.devices.set(machine, field, concrete(ctx.op.args.get("temperature")))
    return rule


def _profile_ok(ctx: Context, protocol: Any) -> bool:
    """PLR's ``run_protocol`` check: every step has as many temperatures as the first (a
    first stage without steps is PLR's ``IndexError``: it reads the zones from its first)."""
    stages = getattr(protocol, "stages", None)
    if stages is None:
        return True
    if not stages or not stages[0].steps:
        ctx.fail("bad_arguments", "the profile's first stage has no steps (PLR reads the zones "
                 "from its first step); give it at least one step", [ctx.op.receiver],
                 plr_error="IndexError")
        return False
    steps = [s for stage in stages for s in stage.steps]
    try:
        zones = len(steps[0].temperature)
        bad = next((s for s in steps if len(s.temperature) != zones), None)
    except TypeError:
        ctx.fail("bad_arguments", "each step's temperature must be a list (one per zone)",
                 [ctx.op.receiver], plr_error="TypeError")
        return False
    if bad is not None:
        ctx.fail("bad_arguments", f"every step needs {zones} temperature(s), like the first; "
                 f"one has {len(bad.temperature)}", [ctx.op.receiver], plr_error="ValueError")
        return False
    return True


def _run_protocol(ctx: Context) -> None:
    protocol = concrete(ctx.op.args.get("protocol"))
    if not _profile_ok(ctx, protocol) or not backend_ok(ctx):
        return
    _profile(ctx, protocol)


def _profile(ctx: Context, protocol: Any) -> None:
    machine, dev = machine_of(ctx), ctx.devices
    seconds = plr_machines.profile_seconds(protocol) or 0.0
    dev.set(machine, "profile_until", dev.busy_until(seconds))
    steps = [s for stage in protocol.stages for s in stage.steps]
    if steps:
        dev.set(machine, "block", list(steps[-1].temperature))


def _run_pcr_profile(ctx: Context) -> None:
    machine, a = machine_of(ctx), ctx.op.args
    if not lists_ok(ctx) or not _zones_ok(ctx, machine, "lid_temperature"):
        return
    ctx.devices.set(machine, "lid", concrete(a.get("lid_temperature")))
    profile = plr_machines.profile_classes()
    stages = []
    for temp, time, repeats in (("pre_denaturation_temp", "pre_denaturation_time", 1),
                                (None, None, a.get("num_cycles")),
                                ("final_extension_temp", "final_extension_time", 1),
                                ("storage_temp", "storage_time", 1)):
        if temp is None:
            steps = [profile["Step"](concrete(a.get(f"{s}_temp")), concrete(a.get(f"{s}_time")))
                     for s in ("denaturation", "annealing", "extension")]
            stages.append(profile["Stage"](steps, int(concrete(repeats) or 0)))
        elif a.get(temp) is not None and a.get(time) is not None:
            stages.append(profile["Stage"]([profile["Step"](concrete(a[temp]),
                                                            concrete(a[time]))], 1))
    protocol = profile["Protocol"](stages)
    if _profile_ok(ctx, protocol) and backend_ok(ctx, "run_protocol"):
        _profile(ctx, protocol)


def _wait_for_block(ctx: Context) -> None:
    machine = machine_of(ctx)
    if ctx.devices.get(machine, "block") is None:
        name = ctx.op.receiver
        ctx.fail("device_state", f"wait for {name}'s block, whose temperature was never set; "
                 f"call {name}.set_block_temperature([...]) first", [name],
                 plr_error="RuntimeError", machine=name, state="no_target")


def _wait_for_profile(ctx: Context) -> None:
    dev = ctx.devices
    until = dev.get(machine_of(ctx), "profile_until")
    if isinstance(until, float) and until > dev.now:
        dev.advance(until - dev.now)


def _lid(open_: bool) -> Rule:
    def rule(ctx: Context) -> None:
        if backend_ok(ctx):
            ctx.devices.set(machine_of(ctx), "lid_open", open_)
    return rule


def _off(field: str) -> Rule:
    def rule(ctx: Context) -> None:
        if backend_ok(ctx):
            ctx.devices.set(machine_of(ctx), field, None)
    return rule


THERMOCYCLER: dict[str, Rule] = {
    "open_lid": _lid(True), "close_lid": _lid(False),
    "set_block_temperature": _block("block"), "set_lid_temperature": _block("lid"),
    "deactivate_block": _off("block"), "deactivate_lid": _off("lid"),
    "run_protocol": _run_protocol, "run_pcr_profile": _run_pcr_profile,
    "wait_for_block": _wait_for_block, "wait_for_profile_completion": _wait_for_profile,
}
