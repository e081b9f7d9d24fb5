"""Rules for the channels' liquid: ``aspirate``, ``dispense`` and ``transfer``.

Same contract as :mod:`praxis_lab.sim.rules` (check in PLR 0.2.2's order, record failures,
leave the state pending): the call's arguments first (:func:`_liquid_call`), then each
channel's well and tip.
"""

from __future__ import annotations

from typing import Any

from praxis_lab._ids import uid
from praxis_lab.sim.context import (
    _EPS,
    _P,
    Context,
    _channels_exist,
    _listify,
    _options,
    _options_fit,
    _same_length,
    _use_channels,
    _vols,
)
from praxis_lab.sim.moves import check_no_lid, check_not_shaking
from praxis_lab.sim.state import Channel, _n
from praxis_lab.trace.sym import concrete

__all__ = ["aspirate", "dispense", "transfer"]


def _spread_fits(ctx: Context, well: Any, channels: list[int]) -> bool:
    """Several channels in one container must fit side by side (PLR spreads them out)."""
    spread = concrete(ctx.op.args.get("spread", "wide"))
    if len(channels) < 2 or spread == "custom":
        return True
    try:  # the handler's own geometry: channel spacing, the container's size and no-go zones
        ctx.binding.handler._compute_spread_offsets(well, channels, spread)
    except Exception as exc:
        name = ctx.key(well)
        ctx.fail("wrong_resource", f"{len(channels)} channels do not fit side by side in "
                 f"{name} ({exc}); use one well per channel, or spread='custom' with "
                 "offsets", [name], expected="one well per channel", given=name)
        return False
    return True


def _liquid(ctx: Context, aspirate: bool) -> None:
    # PLR 0.2.2 order: Container types, unique channels, vols as floats, (dispense: one
    # resource is spread over every channel), a tip on every channel, lengths, then per
    # channel: the well (aspirate: liquid; dispense: room), then the tip (room; liquid).
    call = _liquid_call(ctx, aspirate)
    if call is None:
        return
    channels, wells, vols, air = call
    ctx.check_on_deck(wells, plr_goes_on=True)
    if aspirate and _from_trash(ctx, wells):
        return
    move = _aspirate_into_tip if aspirate else _dispense_from_tip
    before = len(ctx.failures)
    for ch, well, vol in zip(channels, wells, vols, strict=True):
        move(ctx, ch, well, vol)
    if not aspirate and len(ctx.failures) == before and any(a is not None for a in air):
        ctx.state.set_blow_out(None)  # PLR: blown out, nothing left to blow out next time


def _from_trash(ctx: Context, wells: list[Any]) -> bool:
    """Aspirating from the trash is the wrong resource (PLR 0.2.2 finds no liquid in it:
    TooLittleLiquidError); True when a well is the trash (it is recorded)."""
    trash = [w for w in wells if isinstance(w, _P["Trash"])]
    for name in dict.fromkeys(ctx.key(w) for w in trash):
        ctx.fail("wrong_resource", f"aspirate from {name}, the deck's trash: there is no "
                 "liquid to draw there; aspirate from a well, a trough or a tube", [name],
                 expected="a well, trough or tube", given=name)
    return bool(trash)


def _liquid_call(ctx: Context, aspirate: bool,
                 ) -> tuple[list[int], list[Any], list[float], list[float | None]] | None:
    """The channels, wells, volumes and blow-out air of an aspirate or dispense that passes
    PLR's argument checks, in PLR's order; None when one fails (it is recorded)."""
    args = ctx.op.args
    wells = _listify(ctx, args["resources"], "resources", _P["Container"], "Container")
    if wells is None:
        return None
    channels = _use_channels(ctx, len(wells))
    if channels is None:
        return None
    vols = _vols(ctx, args["vols"], len(wells))
    if vols is None or (options := _options(ctx, len(channels))) is None:
        return None
    if not aspirate and (wells := _spread(ctx, wells, channels)) is None:
        return None
    air = [None if a is None else float(a) for a in options["blow_out_air_volume"]]
    if aspirate:
        ctx.state.set_blow_out(air)  # PLR remembers it before it looks at the tips
    if not _tips_on(ctx, channels, wells, vols, "aspirate" if aspirate else "dispense"):
        return None
    if not aspirate and not _air_to_blow_out(ctx, air):
        return None
    if not check_no_lid(ctx, wells, "aspirate from" if aspirate else "dispense to"):
        return None  # PLR 0.2.2 checks lids after the tips, before the lengths
    check_not_shaking(ctx, wells, "aspirate from" if aspirate else "dispense to")
    if not _same_length(ctx, channels, len(wells)) or not _same_length(
            ctx, channels, len(vols), "volumes") or not _options_fit(ctx, channels, options):
        return None
    if aspirate and (wells := _spread(ctx, wells, channels)) is None:
        return None
    return channels, wells, vols, air


def _air_to_blow_out(ctx: Context, air: list[float | None]) -> bool:
    """A dispense blows out at most the air the last aspirate took up, per channel in
    order (PLR 0.2.2 with volume tracking: ``BlowOutVolumeError``); False when it would
    blow out more (recorded)."""
    if not ctx.volumes or not any(a is not None and a != 0.0 for a in air):
        return True
    taken = ctx.state.air.get("blow_out")
    if taken is None:
        ctx.fail("bad_arguments", "blow_out_air_volume: no aspirate since the last blow-out "
                 "took up air to blow out; give the aspirate before it the same "
                 "blow_out_air_volume", [], arg="blow_out_air_volume")
        return False
    for asked, had in zip(air, taken, strict=False):
        if asked is not None and had is not None and asked > had:
            ctx.fail("bad_arguments", f"blow_out_air_volume: blow out {_n(asked)} µL of air "
                     f"where the aspirate took up {_n(had)} µL; blow out at most what was "
                     "aspirated", [], arg="blow_out_air_volume", given=asked, taken=had)
            return False
    return True


def _spread(ctx: Context, wells: list[Any], channels: list[int]) -> list[Any] | None:
    """One container for several channels: every channel goes into it, side by side (None
    when they do not fit)."""
    if len(set(map(uid, wells))) != 1:
        return wells
    wells = wells[:1] * len(channels)
    return wells if _spread_fits(ctx, wells[0], channels) else None


def _tips_on(ctx: Context, channels: list[int], wells: list[Any], vols: list[float],
             verb: str) -> bool:
    """Whether every channel exists and holds a tip. PLR raises for the first one that
    does not, as the message says; the failure involves the wells of all of them."""
    st = ctx.state
    if any(ch not in st.head for ch in channels):
        _channels_exist(ctx, channels)
        return False
    bare = [i for i, ch in enumerate(channels) if st.head[ch] is None]
    if not bare:
        return True
    keys = [ctx.key(wells[min(i, len(wells) - 1)]) if wells else "" for i in bare]
    i, ch = bare[0], channels[bare[0]]
    vol = vols[min(i, len(vols) - 1)] if vols else 0.0
    ctx.fail("no_tips", f"{verb} {_n(vol)} µL {'from' if verb == 'aspirate' else 'into'} "
             f"{keys[0]} on channel {ch}, which holds no tip; pick up a tip first",
             list(dict.fromkeys(keys)), channel=ch, n=len(channels),
             mounted=[c for c in sorted(st.head) if st.head[c] is not None])
    return False


def _aspirate_into_tip(ctx: Context, ch: int, well: Any, vol: float) -> None:
    """One channel's aspirate: the well must hold the volume, then the tip take it."""
    st, key = ctx.state, ctx.well_key(well) if ctx.volumes else ctx.key(well)
    tip = st.head[ch]
    assert tip is not None
    if ctx.volumes:
        held = st.remove_liquid(key, vol)
        if held is not None:
            ctx.fail("insufficient_liquid", f"aspirate {_n(vol)} µL from {key}, which "
                     f"holds {_n(held)} µL", [key], well=key, volume=vol, held=held)
            return
    if vol - (tip.max_volume - tip.liquid) > _EPS:
        ctx.fail("tip_volume_exceeded", f"aspirate {_n(vol)} µL into a tip on channel "
                 f"{ch} that holds at most {_n(tip.max_volume)} µL (has "
                 f"{_n(tip.liquid)} µL)", [key], volume=vol, room=tip.max_volume - tip.liquid,
                 max=tip.max_volume, origin=tip.origin)
        return
    st.mount(ch, Channel(tip.origin, tip.max_volume, tip.liquid + vol))


def _dispense_from_tip(ctx: Context, ch: int, well: Any, vol: float) -> None:
    """One channel's dispense: the well must have room, then the tip hold the volume."""
    st, key = ctx.state, ctx.well_key(well) if ctx.volumes else ctx.key(well)
    tip = st.head[ch]
    assert tip is not None
    if ctx.volumes:
        free = st.add_liquid(key, vol)
        if free is not None and ctx.binding.proposed and (
                vol > well.max_volume or key in st.capacity):  # more than a guessed well
            # holds at once: the protocol means bigger wells, a requirement (dispenses that
            # overflow it only between them stay a failure)
            st.overfill(key, vol)
            free = None
        if free is not None:
            ctx.fail("over_capacity", f"dispense {_n(vol)} µL into {key}, which has "
                     f"room for {_n(free)} µL (max {_n(well.max_volume)} µL)", [key],
                     well=key, volume=vol, free=free, max=well.max_volume)
            return
    if ctx.volumes and vol - tip.liquid > _EPS:
        ctx.fail("insufficient_liquid", f"dispense {_n(vol)} µL from the tip on "
                 f"channel {ch}, which holds {_n(tip.liquid)} µL", [key],
                 volume=vol, held=tip.liquid)
        return
    # PLR 0.2.2 keeps the float remainder: 0.1 + 0.2 - 0.3 µL is "a tip with volume"
    st.mount(ch, Channel(tip.origin, tip.max_volume, tip.liquid - vol))


def aspirate(ctx: Context) -> None:
    _liquid(ctx, aspirate=True)


def dispense(ctx: Context) -> None:
    _liquid(ctx, aspirate=False)


def transfer(ctx: Context) -> None:
    # PLR 0.2.2: one aspirate of the sum, then one dispense per target on channel 0, each
    # given transfer's **backend_kwargs too; it stops at the first error.
    args = dict(ctx.op.args)
    targets = args["targets"]
    target_vols = concrete(args.get("target_vols"))
    ratios = concrete(args.get("ratios"))
    source_vol = concrete(args.get("source_vol"))
    if target_vols is not None:
        if ratios is not None or source_vol is not None:
            ctx.fail("bad_arguments", "transfer takes target_vols, or source_vol (with "
                     "ratios), not both", [])
            return
    else:
        if source_vol is None:
            ctx.fail("bad_arguments", "transfer needs source_vol or target_vols", [],
                     missing="source_vol")
            return
        ratios = ratios or [1] * len(targets)
        target_vols = [source_vol * r / sum(ratios) for r in ratios]
    extra = dict(concrete(args.get("backend_kwargs")) or {})
    op = ctx.op
    saved = op.args
    before = len(ctx.failures)
    try:
        op.args = {"use_channels": None, **extra, "resources": [args["source"]],
                   "vols": [sum(target_vols)],
                   "flow_rates": [args.get("aspiration_flow_rate")]}
        if _passed_twice(ctx, extra, ("resources", "vols", "flow_rates"), "aspirate"):
            return
        _liquid(ctx, aspirate=True)
        rates = concrete(args.get("dispense_flow_rates")) or [None] * len(targets)
        for target, vol, rate in zip(targets, target_vols, rates, strict=False):
            if len(ctx.failures) > before or _passed_twice(
                    ctx, extra, ("resources", "vols", "flow_rates", "use_channels"), "dispense"):
                return
            op.args = {**extra, "resources": [target], "vols": [vol], "flow_rates": [rate],
                       "use_channels": [0]}
            _liquid(ctx, aspirate=False)
    finally:
        op.args = saved


def _passed_twice(ctx: Context, extra: dict[str, Any], own: tuple[str, ...],
                  call: str) -> bool:
    """A keyword transfer passes on to ``call`` besides its own (PLR: ``TypeError``, got
    multiple values); True when there is one (it is recorded)."""
    twice = [k for k in own if k in extra]
    if twice:
        ctx.fail("bad_arguments", f"transfer sets {twice[0]} of its {call} itself and passes "
                 f"{twice[0]}= on again; use aspirate and dispense to choose it", [],
                 arg=twice[0])
    return bool(twice)
