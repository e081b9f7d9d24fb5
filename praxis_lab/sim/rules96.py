"""Rules for the 96-channel head: tips, aspirate96/dispense96 and ``stamp``.

Same contract as :mod:`praxis_lab.rules` (check in PLR 0.2.2's order, record failures,
leave the state pending). The head is one Channel (origin rack, max volume, liquid per
tip) plus, in the state's ``head96_tips``, which of the 96 positions hold a tip (PLR
skips the others).
"""

from __future__ import annotations

from typing import Any

from praxis_lab.sim.context import _EPS, _P, Context, _volume
from praxis_lab.sim.moves import check_not_shaking
from praxis_lab.sim.state import Channel, State, _n

__all__ = ["aspirate96", "discard_tips96", "dispense96", "drop_tips96", "pick_up_tips96",
           "return_tips96", "stamp"]


def _mask(st: State) -> tuple[bool, ...]:
    return getattr(st, "head96_tips", None) or (True,) * 96


def _set_head96(st: State, head: Channel | None, mask: tuple[bool, ...] | None = None,
                rack: Any = None) -> None:
    st._set(st.__dict__, "head96", head)
    st._set(st.__dict__, "head96_origin", head.origin if head is not None else None)
    st._set(st.__dict__, "head96_tips", mask)
    st._set(st.__dict__, "head96_rack", rack)


def _rack96(ctx: Context, rack: Any, accept_trash: bool = False) -> bool:
    kinds = (_P["TipRack"], _P["Trash"]) if accept_trash else (_P["TipRack"],)
    if not isinstance(rack, kinds):
        need = "a TipRack or Trash" if accept_trash else "a TipRack"
        ctx.fail("wrong_resource", f"{ctx.op.method} needs {need}, got {type(rack).__name__}",
                 [], expected="TipRack", given=type(rack).__name__)
        return False
    if isinstance(rack, _P["TipRack"]) and rack.num_items != 96:
        ctx.fail("wrong_resource", f"{ctx.op.method} needs a rack of 96 tips, "
                 f"{ctx.key(rack)} has {rack.num_items}", [ctx.key(rack)], expected="TipRack",
                 given=type(rack).__name__)
        return False
    return True


def pick_up_tips96(ctx: Context) -> None:
    rack = ctx.op.args["tip_rack"]
    if not _rack96(ctx, rack):
        return
    ctx.check_on_deck([rack], plr_goes_on=True)  # praxis_lab's check: PLR does not look
    st = ctx.state
    spots = rack.get_all_items()
    mask = tuple(ctx.spot_has_tip(spot) for spot in spots)
    if st.head96 is not None and any(a and b for a, b in zip(_mask(st), mask, strict=True)):
        ctx.fail("tips_already_loaded", f"the 96 head already holds tips (from "
                 f"{st.head96_origin}); drop them first", [ctx.key(rack)])
        return
    if not any(mask):  # PLR 0.2.2 picks up nothing from an empty rack, silently
        return
    max_vol = 0.0
    for spot, has in zip(spots, mask, strict=True):
        if has:
            st.set_spot(ctx.key(spot), False)
            max_vol = ctx.binding.tip_volume(spot)
            ctx.tips_used.setdefault(ctx.key(rack), set()).add(ctx.key(spot))
    _set_head96(st, Channel(ctx.key(rack), max_vol), mask, rack)


def _fits96(res: Any) -> bool:
    """PLR's ``_check_96_head_fits_in_container``: 2 mm tips, 9 mm apart, 12 × 8."""
    return bool(res.get_absolute_size_x() >= 2 + 9 * 11 and
                res.get_absolute_size_y() >= 2 + 9 * 7)


def _wells96(ctx: Context, res: Any) -> list[Any] | None:
    """The containers a 96-head op touches (one per position; a container: itself once)."""
    if isinstance(res, _P["Plate"]):
        return list(res.get_all_items()) if res.num_items > 1 else [res.get_item(0)]
    if isinstance(res, _P["Container"]):
        return [res]
    if isinstance(res, list) and all(isinstance(w, _P["Well"]) for w in res):
        return res
    ctx.fail("wrong_resource", f"{ctx.op.method} needs a Plate, a Container or a list of 96 "
             f"Wells, got {type(res).__name__}", [], expected="Plate",
             given=type(res).__name__)
    return None


def _shape96(ctx: Context, wells: list[Any]) -> bool:
    if len(wells) == 1:
        if not _fits96(wells[0]):
            name = ctx.key(wells[0])
            ctx.fail("wrong_resource", f"{ctx.op.method}: {name} is too small for the 96 head "
                     "(it needs 101 × 65 mm); use a plate or a wide reservoir", [name],
                     expected="Plate", given=type(wells[0]).__name__)
            return False
        return True
    if any(w.parent is not wells[0].parent for w in wells):
        ctx.fail("bad_arguments", f"{ctx.op.method}: all wells must be in the same plate", [])
        return False
    if len(wells) != 96:
        ctx.fail("bad_arguments", f"{ctx.op.method} needs 96 wells, got {len(wells)}", [],
                 expected=96, given=len(wells))
        return False
    return True


def _no_tips96(ctx: Context, name: str, vol: float) -> None:
    # PLR 0.2.2 skips positions without a tip and completes; on the robot nothing useful
    # happens, so praxis_lab reports it (like not_on_deck, a check PLR does not make).
    ctx.fail("no_tips", f"{ctx.op.method} {_n(vol)} µL with no tips on the 96 head; "
             "pick_up_tips96 first", [name])


def _args96(ctx: Context, res: Any, volume: Any) -> tuple[list[Any], float, str] | None:
    """A 96-head liquid op's wells and volume (PLR checks them first), and its name for
    failures; None when either is wrong (recorded)."""
    wells = _wells96(ctx, res)
    if wells is None:
        return None
    vol = _volume(ctx, volume)
    if vol is None:
        return None
    return wells, vol, ctx.key(res) if hasattr(res, "get_root") else "wells"


def _head96(ctx: Context, wells: list[Any], name: str, vol: float) -> Channel | None:
    """The wells' shape, then the tips on the head: the head, with the wells' plate checked
    on the deck; None when either is wrong (recorded)."""
    if not _shape96(ctx, wells):
        return None
    head = ctx.state.head96
    if head is None:
        _no_tips96(ctx, name, vol)
        return None
    ctx.check_on_deck(wells[:1], plr_goes_on=True)
    check_not_shaking(ctx, wells[:1], ctx.op.method)
    return head


def _aspirate96(ctx: Context, res: Any, volume: Any) -> None:
    args = _args96(ctx, res, volume)
    if args is None:
        return
    wells, vol, name = args
    head = _head96(ctx, wells, name, vol)
    if head is None:
        return
    st = ctx.state
    mask = _mask(st)
    pairs = [(wells[0], has) for has in mask] if len(wells) == 1 else list(
        zip(wells, mask, strict=True))
    for well, has in pairs:  # PLR: per position, the well's liquid, then the tip's room
        if not has:
            continue
        if ctx.volumes:
            key = ctx.well_key(well)
            held = st.remove_liquid(key, vol)
            if held is not None:
                ctx.fail("insufficient_liquid", f"aspirate {_n(vol)} µL per channel: "
                         f"{ctx.key(well)} holds {_n(held)} µL", [ctx.key(well)],
                         well=ctx.key(well), volume=vol, held=held)
                return
        if vol - (head.max_volume - head.liquid) > _EPS:
            ctx.fail("tip_volume_exceeded", f"{ctx.op.method} {_n(vol)} µL into tips that "
                     f"hold at most {_n(head.max_volume)} µL (have {_n(head.liquid)} µL)",
                     [name], volume=vol, room=head.max_volume - head.liquid,
                     max=head.max_volume, origin=head.origin)
            return
    st._set(st.__dict__, "head96", Channel(head.origin, head.max_volume, head.liquid + vol))


def _dispense96(ctx: Context, res: Any, volume: Any) -> None:
    args = _args96(ctx, res, volume)
    if args is None:
        return
    wells, vol, name = args
    st = ctx.state
    head = st.head96
    if head is not None and ctx.volumes and vol - head.liquid > _EPS:
        # PLR: every tip gives its liquid first, then the wells' shape and room are checked
        ctx.fail("insufficient_liquid", f"{ctx.op.method} {_n(vol)} µL per channel from tips "
                 f"that hold {_n(head.liquid)} µL", [name], volume=vol, held=head.liquid)
        return
    head = _head96(ctx, wells, name, vol)
    if head is None:
        return
    mask = _mask(st)
    if ctx.volumes:
        if len(wells) == 1:  # one container takes every tip's volume at once
            adds = [(wells[0], vol * sum(mask))]
        else:
            adds = [(w, vol) for w, has in zip(wells, mask, strict=True) if has]
        for well, amount in adds:
            free = st.add_liquid(ctx.well_key(well), amount)
            if free is not None:
                ctx.fail("over_capacity", f"dispense {_n(amount)} µL: {ctx.key(well)} has "
                         f"room for {_n(free)} µL", [ctx.key(well)], well=ctx.key(well),
                         volume=amount, free=free, max=well.max_volume)
                return
    st._set(st.__dict__, "head96", Channel(head.origin, head.max_volume, head.liquid - vol))


def aspirate96(ctx: Context) -> None:
    _aspirate96(ctx, ctx.op.args["resource"], ctx.op.args["volume"])


def dispense96(ctx: Context) -> None:
    _dispense96(ctx, ctx.op.args["resource"], ctx.op.args["volume"])


def stamp(ctx: Context) -> None:
    args = ctx.op.args
    source, target = args["source"], args["target"]
    for plate in (source, target):
        if not hasattr(plate, "num_items_x"):  # PLR reads .num_items_x: AttributeError
            ctx.fail("wrong_resource", f"stamp needs plates, got {type(plate).__name__}", [],
                     expected="Plate", given=type(plate).__name__)
            return
    shape = [(p.num_items_x, p.num_items_y) for p in (source, target)]
    if shape[0] != shape[1]:
        ctx.fail("bad_arguments", f"stamp needs plates of the same shape, got {shape[0]} and "
                 f"{shape[1]}", [])
        return
    before = len(ctx.failures)
    _aspirate96(ctx, source, args["volume"])
    if len(ctx.failures) == before:
        # PLR 0.2.2's stamp dispenses into the *source* again (liquid_handler.py:
        # ``dispense96(resource=source, ...)``): the target receives nothing.
        _dispense96(ctx, source, args["volume"])


def _drop96(ctx: Context, verb: str, allow: bool, rack: Any = None) -> None:
    # PLR 0.2.2 drop_tips96: per position with a tip, no liquid unless allowed, then the
    # rack's spot must be free (HasTipError). No tips at all: nothing happens.
    st = ctx.state
    head = st.head96
    if head is None:
        ctx.fail("no_tips", f"{verb} with no tips on the 96 head", [])
        return
    if head.liquid > 0 and not allow:
        ctx.fail("tip_not_empty", f"{verb} tips that still hold {_n(head.liquid)} µL; "
                 "dispense first or discard them", [head.origin or ""], volume=head.liquid)
        return
    if isinstance(rack, _P["TipRack"]):
        for spot, has in zip(rack.get_all_items(), _mask(st), strict=True):
            if not has:
                continue
            if ctx.spot_has_tip(spot):
                key = ctx.key(spot)
                ctx.fail("tips_already_loaded", f"{verb} into {ctx.key(rack)}, whose spot "
                         f"{key} already holds a tip; drop into an empty rack or the trash",
                         [key], spot=key)
                return
            st.set_spot(ctx.key(spot), True)
    _set_head96(st, None)


def drop_tips96(ctx: Context) -> None:
    res = ctx.op.args["resource"]
    if not _rack96(ctx, res, accept_trash=True):
        return
    ctx.check_on_deck([res])
    _drop96(ctx, "drop_tips96", bool(ctx.op.args.get("allow_nonzero_volume")), res)


def return_tips96(ctx: Context) -> None:
    st = ctx.state
    if st.head96 is None:  # PLR: RuntimeError("No tips have been picked up with the 96 head")
        ctx.fail("no_tips", "return_tips96 with no tips on the 96 head", [])
        return
    mask = _mask(st)
    if not all(mask):
        # PLR 0.2.2 finds the rack through the tip on position A1 and needs an origin on every
        # position: RuntimeError ("No tips have been picked up with the 96 head" / "Not all
        # channels have a tip origin") after a pick-up from a partly used rack
        ctx.fail("no_tips", f"return_tips96 with tips on {sum(mask)} of 96 positions (picked up "
                 f"from the partly used {st.head96_origin}); PLR returns only a full head: "
                 "discard_tips96(), or drop_tips96 into a rack", [st.head96_origin or ""],
                 positions=sum(mask))
        return
    _drop96(ctx, "return_tips96", bool(ctx.op.args.get("allow_nonzero_volume")),
            getattr(st, "head96_rack", None))


def discard_tips96(ctx: Context) -> None:
    _drop96(ctx, "discard_tips96", bool(ctx.op.args.get("allow_nonzero_volume", True)))
