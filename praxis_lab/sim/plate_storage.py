"""Rules of the machines that take plates in: the centrifuge, its loader, the incubator.

PLR 0.2.2's ``Loader.load`` checks, in order: the centrifuge's door is open
(``CentrifugeDoorError``), it stands at a bucket (``NotAtBucketError``), the loader holds a
plate (``LoaderNoPlateError``), the bucket is empty (``BucketHasPlateError``); ``unload``
the door, the bucket, and that the bucket holds a plate (``BucketNoPlateError``). The
incubator fetches a plate *by name* (``ResourceNotFoundError`` when no site holds one of
that name, or when given a ``Plate``) and takes in the plate on its loading tray (none:
``ResourceNotFoundError``; no free site: ``NoFreeSiteError``; a taken site: ``ValueError``).

PLR lets through, and praxis_lab reports as its own checks: spinning with the door open,
unloading onto a loader that holds a plate, fetching onto a loading tray that holds one.
"""

from __future__ import annotations

from typing import Any

from praxis_lab.sim.context import _P, Context
from praxis_lab.sim.machine_checks import (
    Rule,
    backend_ok,
    machine_of,
    move_hint,
    num,
    own,
    simple,
)
from praxis_lab.trace.sym import concrete

__all__ = ["CENTRIFUGE", "INCUBATOR", "LOADER", "assume_moved"]


# --- centrifuge --------------------------------------------------------------------------


def _door(open_: bool) -> Rule:
    return simple(lambda ctx, m: ctx.devices.set(m, "door_open", open_))


def _bucket(which: str) -> Rule:
    def effect(ctx: Context, machine: Any) -> None:
        bucket = getattr(machine, which, None)
        ctx.devices.set(machine, "at_bucket", ctx.devices.key(bucket) if bucket else None)
    return simple(effect)


def _door_open(ctx: Context, centrifuge: Any) -> bool:
    return bool(ctx.devices.get(centrifuge, "door_open", bool(getattr(centrifuge, "_door_open",
                                                                      False))))


def _at_bucket(ctx: Context, centrifuge: Any) -> Any:
    """The bucket the centrifuge stands at (its object), or None."""
    start = getattr(centrifuge, "_at_bucket", None)
    key = ctx.devices.get(centrifuge, "at_bucket",
                          ctx.devices.key(start) if start is not None else None)
    return ctx.devices.objects.get(key) if key is not None else None


def _spin(ctx: Context) -> None:
    centrifuge, name = machine_of(ctx), ctx.op.receiver
    if _door_open(ctx, centrifuge):
        own(ctx, "device_state", f"spin {name} with its door open; close it first: await "
            f"{name}.close_door()", [name], machine=name, state="door_open",
            insert=[f"await {name}.close_door()"])  # PLR spins anyway
    if not backend_ok(ctx):
        return
    ctx.devices.advance(num(ctx.op.args.get("duration")) or 0.0)
    ctx.devices.set(centrifuge, "at_bucket", None)


CENTRIFUGE: dict[str, Rule] = {
    "open_door": _door(True), "close_door": _door(False),
    "go_to_bucket1": _bucket("bucket1"), "go_to_bucket2": _bucket("bucket2"),
    "spin": _spin, "start_spin_cycle": _spin,
}


# --- loader ------------------------------------------------------------------------------


def _ready(ctx: Context, centrifuge: Any, verb: str) -> Any:
    """PLR's first two checks of load and unload: the door is open, the centrifuge is at a
    bucket. The bucket, or None (recorded)."""
    name = ctx.devices.key(centrifuge)
    if not _door_open(ctx, centrifuge):
        ctx.fail("device_state", f"{verb} with {name}'s door closed; open it first: await "
                 f"{name}.open_door()", [name], plr_error="CentrifugeDoorError", machine=name,
                 state="door_closed", insert=[f"await {name}.open_door()"])
        return None
    bucket = _at_bucket(ctx, centrifuge)
    if bucket is None:
        ctx.fail("device_state", f"{verb} while {name} stands at no bucket; move it to one "
                 f"first: await {name}.go_to_bucket1()", [name], plr_error="NotAtBucketError",
                 machine=name, state="not_at_bucket", insert=[f"await {name}.go_to_bucket1()"])
    return bucket


def _load(ctx: Context) -> None:
    loader, dev = machine_of(ctx), ctx.devices
    bucket = _ready(ctx, loader.centrifuge, "load a plate")
    if bucket is None:
        return
    name = ctx.op.receiver
    plate = dev.occupant_object(loader)
    if plate is None:
        last = dev.last_plate()
        ctx.fail("no_plate", f"load from {name}, which holds no plate; move one onto it "
                 f"first: {move_hint(ctx, last, name)}", [name],
                 plr_error="LoaderNoPlateError", machine=name, plate=last)
        return
    there = dev.occupant(bucket)
    if there is not None:
        centrifuge = loader.centrifuge
        free = [b for b in ("bucket1", "bucket2") if getattr(centrifuge, b, None) is not None
                and dev.occupant(getattr(centrifuge, b)) is None]
        turn = f"await {ctx.key(centrifuge)}.go_to_{free[0]}()" if free else None
        ctx.fail("site_occupied", f"load {ctx.key(plate)} into {ctx.key(bucket)}, which "
                 f"already holds {there}; " + (f"turn the rotor to the free bucket first: "
                                               f"{turn}" if turn else "unload it first"),
                 [ctx.key(plate), ctx.key(bucket)], plr_error="BucketHasPlateError",
                 site=ctx.key(bucket), occupant=there, machine=ctx.key(centrifuge),
                 insert=[turn] if turn else [])
        return
    if backend_ok(ctx):
        dev.move(plate, bucket)


def _unload(ctx: Context) -> None:
    loader, dev = machine_of(ctx), ctx.devices
    bucket = _ready(ctx, loader.centrifuge, "unload a plate")
    if bucket is None:
        return
    name = ctx.op.receiver
    plate = dev.occupant_object(bucket)
    if plate is None:
        ctx.fail("no_plate", f"unload from {ctx.key(bucket)}, which holds no plate", [name],
                 plr_error="BucketNoPlateError", machine=name)
        return
    there = dev.occupant(loader)
    if there is not None:  # PLR 0.2.2 puts the second plate on the loader too
        own(ctx, "site_occupied", f"unload {ctx.key(plate)} onto {name}, which still holds "
            f"{there}; move {there} away first", [name], site=name, occupant=there,
            occupant_home=dev.home_if_free(there))
    if backend_ok(ctx):
        dev.move(plate, loader)


LOADER: dict[str, Rule] = {"load": _load, "unload": _unload}


# --- incubator ---------------------------------------------------------------------------


def _sites(incubator: Any) -> list[Any]:
    return [site for rack in getattr(incubator, "racks", []) for site in rack.sites.values()]


def _fetch(ctx: Context) -> None:
    incubator, dev, name = machine_of(ctx), ctx.devices, ctx.op.receiver
    wanted = concrete(ctx.op.args.get("plate_name"))
    if isinstance(wanted, _P["Resource"]):
        shown = ctx.key(wanted)
        ctx.fail("wrong_resource", f"fetch_plate_to_loading_tray takes the plate's name, got "
                 f"the plate {shown}; pass {shown}.name", [shown],
                 plr_error="ResourceNotFoundError", expected="str",
                 given=type(wanted).__name__, fix="name")
        return
    site = next((s for s in _sites(incubator) if getattr(dev.occupant_object(s), "name", None)
                 == wanted), None)
    if site is None:
        held = [n for n in (getattr(dev.occupant_object(s), "name", None)
                            for s in _sites(incubator)) if isinstance(n, str)]
        ctx.fail("no_plate", f"fetch {wanted!r} from {name}, which holds no plate of that "
                 "name now", [name], plr_error="ResourceNotFoundError", machine=name,
                 wanted=wanted, held=held)
        return
    tray = incubator.loading_tray
    there = dev.occupant(tray)
    if there is not None:  # PLR 0.2.2 puts the second plate on the tray too
        own(ctx, "site_occupied", f"fetch {wanted!r} onto {ctx.key(tray)}, which still holds "
            f"{there}; take {there} away first", [name], site=ctx.key(tray), occupant=there,
            occupant_home=dev.home_if_free(there))
    if backend_ok(ctx):
        dev.move(dev.occupant_object(site), tray)


def _free(ctx: Context, incubator: Any, plate: Any) -> list[Any]:
    """PLR's ``_find_available_sites_sorted``: free sites tall enough, smallest first."""
    height = plate.get_size_z() + (3 if ctx.devices.has_lid(plate) else 0)
    sites = [s for s in _sites(incubator) if ctx.devices.occupant(s) is None and
             s.get_size_z() >= height]
    return sorted(sites, key=lambda s: s.get_size_z())


def _take_in(ctx: Context) -> None:
    incubator, dev, name = machine_of(ctx), ctx.devices, ctx.op.receiver
    plate = dev.occupant_object(incubator.loading_tray)
    if not isinstance(plate, _P["Plate"]):
        last = dev.last_plate()
        ctx.fail("no_plate", f"take_in_plate on {name}, whose loading tray holds no plate; "
                 f"move one onto it first: {move_hint(ctx, last, name + '.loading_tray')}",
                 [name], plr_error="ResourceNotFoundError", machine=name, plate=last,
                 tray=True)
        return
    site = concrete(ctx.op.args.get("site"))
    free = _free(ctx, incubator, plate)
    if site in ("random", "smallest"):
        if not free:
            ctx.fail("site_occupied", f"{name} has no free site for {ctx.key(plate)}", [name],
                     plr_error="NoFreeSiteError", site=name)
            return
        site = free[0]
    elif isinstance(site, _P["Resource"]) and site not in free:
        ctx.fail("site_occupied", f"take {ctx.key(plate)} into {ctx.key(site)}, which is not "
                 "free (or too low) for it; use site='smallest'", [ctx.key(site)],
                 plr_error="ValueError", site=ctx.key(site), smallest=bool(free))
        return
    elif not isinstance(site, _P["Resource"]):
        ctx.fail("bad_arguments", f"site must be a PlateHolder, 'random' or 'smallest', got "
                 f"{site!r}", [name], plr_error="ValueError")
        return
    if backend_ok(ctx):
        dev.move(plate, site)


INCUBATOR: dict[str, Rule] = {"fetch_plate_to_loading_tray": _fetch,
                              "take_in_plate": _take_in}


def assume_moved(ctx: Context, machine: Any) -> None:
    """After a failed load, unload, fetch or take-in, the plate is where the protocol meant
    it to be (so the next move of it is not reported again as a consequence)."""
    dev, method = ctx.devices, ctx.op.method
    if machine is None:
        return
    if method in ("load", "unload"):
        centrifuge = machine.centrifuge
        bucket = _at_bucket(ctx, centrifuge) or centrifuge.bucket1
        if method == "load" and dev.occupant(bucket) is not None:  # meant: the free bucket
            bucket = next((b for b in (centrifuge.bucket1, centrifuge.bucket2)
                           if dev.occupant(b) is None), bucket)
        source, target = (machine, bucket) if method == "load" else (bucket, machine)
        plate = dev.occupant_object(source)
        if plate is not None:
            dev.move(plate, target)
    elif method == "fetch_plate_to_loading_tray":
        wanted = concrete(ctx.op.args.get("plate_name"))
        site = next((s for s in _sites(machine) if getattr(dev.occupant_object(s), "name", None)
                     == wanted), None)
        if site is not None:
            dev.move(dev.occupant_object(site), machine.loading_tray)
    elif method == "take_in_plate":
        plate = dev.occupant_object(machine.loading_tray)
        free = _free(ctx, machine, plate) if isinstance(plate, _P["Plate"]) else []
        if free:
            dev.move(plate, free[0])
