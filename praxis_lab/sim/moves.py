"""Rules for moving plates and lids: ``lh.move_plate``, ``move_resource``, ``move_lid``.

Same contract as :mod:`praxis_lab.sim.rules`: PLR 0.2.2's checks in its order (pick the
resource up, check the destination can take it, drop it), failures recorded, the move left
pending. PLR's own errors: a plate onto a place that holds one (``RuntimeError`` from
``check_can_drop_resource_here``: ``site_occupied``), onto a carrier instead of one of its
sites (``TypeError``: ``wrong_resource``), a lid onto a plate that has one (``ValueError``:
``device_state``). praxis_lab's own checks, where PLR moves on and the robot would crash: a
plate taken off a shaker that still shakes or whose plate lock is closed, into or out of a
thermocycler whose lid is closed, out of one whose profile still runs, off a tilt module
that is not flat (``device_state``), a plate that is not on the deck (``not_on_deck``, as
for pipetting).

:func:`check_no_lid` is PLR's ``_check_no_lid`` of aspirate and dispense: pipetting into a
plate with a lid (on it now, in the simulation) is a ``ValueError``. :func:`check_not_shaking`
is praxis_lab's own: pipetting into a plate on a shaker that still shakes.
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._plr import machines as plr_machines
from praxis_lab.sim.context import _P, Context
from praxis_lab.sim.machine_checks import move_hint

__all__ = ["MOVE_RULES", "assign_by_hand", "assign_lid", "check_no_lid", "check_not_shaking",
           "lid_off"]


def _machine_kind(res: Any) -> str | None:
    return plr_machines.kind_of(res)


def _own(ctx: Context, kind: str, text: str, resources: list[str], **data: Any) -> None:
    """A failure PLR 0.2.2 lets through (praxis_lab's own check)."""
    ctx.fail(kind, text, resources, own=True, **data)


def _held_by(ctx: Context, res: Any) -> Any:
    """The machine or place the resource is on now (its object), or None."""
    dev = ctx.devices
    key = dev.place_of(res)
    return dev.objects.get(key) if key is not None else None


def _leaving(ctx: Context, res: Any, verb: str) -> None:
    """praxis_lab's checks of the place a plate is taken from: a shaker that still shakes or
    keeps its plate locked, a thermocycler with its lid closed. PLR moves the plate anyway,
    and so does the simulation."""
    place = _held_by(ctx, res)
    if place is None:
        return
    dev, name, key = ctx.devices, ctx.key(res), ctx.key(place)
    kind = _machine_kind(place)
    if kind in ("Shaker", "HeaterShaker"):
        if dev.get(place, "shaking", False):
            _own(ctx, "device_state", f"{verb} {name} off {key}, which is still shaking "
                 f"(shake() without a duration keeps shaking); stop it first: "
                 f"await {key}.stop_shaking()", [name, key], machine=key, state="shaking",
                 insert=[f"await {key}.stop_shaking()", f"await {key}.unlock_plate()"])
            return
        if dev.get(place, "locked", False):
            _own(ctx, "device_state", f"{verb} {name} off {key}, whose plate lock is still "
                 f"closed (shake() without a duration locks it, stop_shaking() does not "
                 f"unlock it); unlock it first: await {key}.unlock_plate()", [name, key],
                 machine=key, state="locked", insert=[f"await {key}.unlock_plate()"])
            return
    if kind == "Thermocycler" and dev.get(place, "lid_open", True) is False:
        _own(ctx, "device_state", f"{verb} {name} out of {key}, whose lid is closed; open it "
             f"first: await {key}.open_lid()", [name, key], machine=key, state="lid_closed",
             insert=[f"await {key}.open_lid()"])
        return
    _busy_or_tilted(ctx, place, name, key, kind, verb)


def _busy_or_tilted(ctx: Context, place: Any, name: str, key: str, kind: str | None,
                    verb: str) -> None:
    """A plate taken out of a thermocycler whose profile still runs (never waited for), or
    off a tilt module that is not flat: PLR moves it, the robot would spill or spoil it."""
    dev = ctx.devices
    until = dev.get(place, "profile_until") if kind == "Thermocycler" else None
    if isinstance(until, float) and until > dev.now + 1e-9:
        _own(ctx, "device_state", f"{verb} {name} out of {key} while its profile still runs "
             f"({until - dev.now:g} s to go); wait for it first: await "
             f"{key}.wait_for_profile_completion()", [name, key], machine=key,
             state="running", insert=[f"await {key}.wait_for_profile_completion()"])
        return
    start = getattr(place, "_absolute_angle", 0.0) if kind == "Tilter" else 0.0
    angle = dev.get(place, "angle", start) if kind == "Tilter" else 0.0
    if isinstance(angle, int | float) and abs(angle) > 1e-9:
        _own(ctx, "device_state", f"{verb} {name} off {key}, which still stands at {angle:g} "
             f"degrees; set it flat first: await {key}.set_angle(0)", [name, key],
             machine=key, state="tilted", insert=[f"await {key}.set_angle(0)"])


def _arriving(ctx: Context, res: Any, to: Any, verb: str) -> bool:
    """PLR's checks of the destination (in its order), then praxis_lab's own (which PLR
    lets through: the plate is moved)."""
    dev, name = ctx.devices, ctx.key(res)
    if isinstance(to, _P["Resource"]) and _plr.is_site(to):
        there = dev.occupant(to)
        if there is not None and there != name:
            key = ctx.key(to)
            ctx.fail("site_occupied", f"{verb} {name} onto {key}, which already holds {there}; "
                     f"move {there} away first", [name, key], plr_error="RuntimeError", site=key,
                     occupant=there, occupant_home=dev.home_if_free(there))
            return False
    elif isinstance(to, _P["Carrier"]):
        key = ctx.key(to)
        free = next((i for i, s in to.sites.items() if dev.occupant(s) is None), None)
        hint = f"{key}[{free}]" if free is not None else f"a free site of {key}"
        ctx.fail("wrong_resource", f"{verb} {name} onto the carrier {key} itself: PLR takes a "
                 f"site of it (and leaves the plate off the deck); move it onto {hint}",
                 [name, key], plr_error="TypeError", expected="a carrier site",
                 given=type(to).__name__, site=hint)
        return False
    if _machine_kind(to) == "Thermocycler" and dev.get(to, "lid_open", True) is False:
        key = ctx.key(to)
        _own(ctx, "device_state", f"{verb} {name} into {key}, whose lid is closed; open it "
             f"first: await {key}.open_lid()", [name, key], machine=key, state="lid_closed",
             insert=[f"await {key}.open_lid()"])
    return True


def _on_deck(ctx: Context, res: Any) -> bool:
    """praxis_lab's check: the arm only reaches what is on (or beside) the deck."""
    place = _held_by(ctx, res)
    probe = place if place is not None and hasattr(place, "get_root") else res
    if not hasattr(probe, "get_root") or ctx.binding.on_deck(probe):
        return True
    name = ctx.key(res)
    ctx.fail("not_on_deck", f"{ctx.op.method} touches {name}, which is not on the deck of "
             f"{ctx.op.receiver}; assign it to a carrier or slot", [name], resource=name)
    return False


def _move(ctx: Context, res: Any, to: Any) -> None:
    if not hasattr(res, "get_root"):
        return
    verb = "move"
    if not _on_deck(ctx, res):
        return
    _leaving(ctx, res, verb)
    if not _arriving(ctx, res, to, verb):
        return
    if isinstance(to, _P["Coordinate"]):
        ctx.devices.move(res, f"deck@({to.x:g}, {to.y:g})")
    else:
        ctx.devices.move(res, to)


def assign_by_hand(ctx: Context, res: Any, machine: Any) -> bool:
    """``reader.assign_child_resource(plate)`` in the protocol (a plate put on a machine by
    hand): PLR 0.2.2 first asks the deck whether a resource of that name is on it already,
    and one that was never taken off (``plate.unassign()``) is: ``ValueError: Resource
    'plate' already assigned to deck``. A machine off the deck only checks its own tree."""
    place = ctx.devices.place_of(res)
    if place is None or not ctx.binding.on_deck(machine) or not ctx.binding.on_deck(res):
        return True
    name, key = ctx.key(res), ctx.op.receiver
    ctx.fail("wrong_resource", f"assign {name} to {key} while it is still on {place}: PLR "
             f"refuses a resource already on the deck (ValueError: Resource "
             f"'{getattr(res, 'name', name)}' already assigned to deck); take it off first "
             f"with {name}.unassign(), or move it with {move_hint(ctx, name, key)}",
             [name, key], plr_error="ValueError", expected="a resource off the deck",
             given=place, unassign=f"{name}.unassign()")
    return False


def move_plate(ctx: Context) -> None:
    _move(ctx, ctx.op.args.get("plate"), ctx.op.args.get("to"))


def move_resource(ctx: Context) -> None:
    res = ctx.op.args.get("resource")
    if isinstance(res, _P["Lid"]):
        _lid(ctx, res, ctx.op.args.get("to"))
        return
    _move(ctx, res, ctx.op.args.get("to"))


def move_lid(ctx: Context) -> None:
    _lid(ctx, ctx.op.args.get("lid"), ctx.op.args.get("to"))


def _lid(ctx: Context, lid: Any, to: Any) -> None:
    """A lid leaves the plate it is on (if any) and goes onto ``to``: PLR raises when ``to``
    is a plate (or container) that already has a lid."""
    if not hasattr(lid, "get_root"):
        return
    dev = ctx.devices
    name = ctx.key(lid)
    source = _held_by(ctx, lid)
    if isinstance(to, _P["Plate"] | _P["Container"]) and dev.has_lid(to) and source is not to:
        key = ctx.key(to)
        ctx.fail("device_state", f"move {name} onto {key}, which already has a lid; take its "
                 "lid off first, or put this one on a lid holder", [name, key],
                 plr_error="ValueError", state="lidded", plate=key)
        return
    if isinstance(source, _P["Plate"] | _P["Container"]):
        dev.set_lid(source, False)
    if isinstance(to, _P["Plate"] | _P["Container"]):
        dev.set_lid(to, True)
    if isinstance(to, _P["Coordinate"]):
        dev.move(lid, f"deck@({to.x:g}, {to.y:g})")
    else:
        dev.move(lid, to)


def assign_lid(ctx: Context, lid: Any, to: Any) -> None:
    """``plate.assign_child_resource(lid)`` (or ``plate.lid = lid``) in the protocol, in PLR
    0.2.2's order: a plate that has a lid now refuses another (``ValueError: 'plate' already
    has a lid.``), so does one the lid is too small for, and a lid still on the deck is
    refused by the deck's name check (``ValueError: Resource 'lid' already assigned to
    deck``); else the lid is on the plate."""
    dev, name, key = ctx.devices, ctx.key(lid), ctx.key(to)
    if dev.has_lid(to):
        ctx.fail("device_state", f"put {name} on {key}, which already has a lid (PLR: "
                 f"'{getattr(to, 'name', key)}' already has a lid); take its lid off first, or "
                 "put this one on a lid holder", [name, key], plr_error="ValueError",
                 state="lidded", plate=key)
        return
    short = [a for a in ("x", "y") if getattr(lid, f"get_size_{a}")() <
             getattr(to, f"get_size_{a}")() - 1.0]  # PLR's LID_UNDERSIZE_TOLERANCE
    if short:
        ctx.fail("wrong_resource", f"put {name} on {key}: the lid is smaller than the plate in "
                 f"{' and '.join(short)} and cannot cover it (PLR's ValueError); use the "
                 "plate's own lid", [name, key], plr_error="ValueError",
                 expected=f"a lid as large as {key}", given=name)
        return
    if dev.place_of(lid) is not None and ctx.binding.on_deck(to):
        hint = move_hint(ctx, name, key).replace("move_plate", "move_lid")
        ctx.fail("wrong_resource", f"put {name} on {key} while it is still on "
                 f"{dev.place_of(lid)}: PLR refuses a resource already on the deck "
                 f"(ValueError: Resource '{getattr(lid, 'name', name)}' already assigned to "
                 f"deck); move it with {hint}, or take it off first with {name}.unassign()",
                 [name, key],
                 plr_error="ValueError", expected="a resource off the deck",
                 given=dev.place_of(lid), unassign=f"{name}.unassign()")
        return
    _lid(ctx, lid, to)


def lid_off(ctx: Context, lid: Any, plate: Any) -> None:
    """A lid taken off by hand (``plate.lid = None``, ``plate.unassign_child_resource(lid)``,
    ``lid.unassign()``): the plate it is on has no lid now. PLR refuses to unassign a lid
    from a plate it is not on (``ValueError``)."""
    dev = ctx.devices
    holder = _held_by(ctx, lid)
    if plate is not None and holder is not plate:
        name, key = ctx.key(lid), ctx.key(plate)
        ctx.fail("wrong_resource", f"take {name} off {key}, which it is not on (PLR's "
                 f"ValueError); it is on {dev.place_of(lid) or 'nothing'} now", [name, key],
                 plr_error="ValueError", expected=f"the lid of {key}", given=name)
        return
    if isinstance(holder, _P["Plate"] | _P["Container"]):
        dev.set_lid(holder, False)
    dev.move(lid, None)


def check_not_shaking(ctx: Context, resources: list[Any], verb: str) -> None:
    """praxis_lab's own check of a pipetting op: the wells' plate must not sit on a shaker
    that is shaking (``shake()`` without a duration keeps shaking). PLR pipettes all the
    same; the tips would hit a moving plate. Recorded once per op, the op goes on."""
    dev = ctx.devices
    if not any(v is True and k.endswith(".shaking") for k, v in dev.status.items()):
        return
    for res in resources:
        plate = res.parent if isinstance(res, _P["Well"]) else res
        place = _held_by(ctx, plate) if plate is not None else None
        if place is None or _machine_kind(place) not in ("Shaker", "HeaterShaker") or \
                not dev.get(place, "shaking", False):
            continue
        key, name = ctx.key(place), ctx.key(plate)
        _own(ctx, "device_state", f"{verb} {ctx.key(res)}: {name} sits on {key}, which is "
             f"shaking (shake() without a duration keeps shaking); stop it first: "
             f"await {key}.stop_shaking()", [name, key], machine=key, state="shaking",
             insert=[f"await {key}.stop_shaking()"])
        return


def check_no_lid(ctx: Context, resources: list[Any], verb: str) -> bool:
    """PLR's ``_check_no_lid`` for each resource of a pipetting op: its plate (or any
    ancestor) must have no lid now. Records ``device_state`` and returns False if one has."""
    if not ctx.devices.may_have_lids():
        return True
    for res in resources:
        lidded = ctx.devices.lidded_ancestor(res)
        if lidded is None:
            continue
        key = ctx.key(lidded)
        ctx.fail("device_state", f"{verb} {ctx.key(res)}: {key} has a lid; take it off first "
                 f"(await {ctx.op.receiver}.move_lid({key}.lid, <a lid holder>))", [key],
                 plr_error="ValueError", state="lidded", plate=key)
        return False
    return True


MOVE_RULES = {"move_plate": move_plate, "move_resource": move_resource, "move_lid": move_lid}
