"""The rule table: what each PLR operation requires of the deck state and does to it.

``RULES["aspirate"]`` checks and applies one traced ``aspirate`` call, in the same
order as PLR 0.2.2 checks it (so the first failure is the one PLR would raise).
Rules read the call's bound arguments and the real labware geometry; they record
failures on the context and leave the state *pending* for the caller to commit
or roll back.

Where PLR 0.2.2 does something surprising the rule does the same, so the
simulated state stays what the robot's would be (each case is commented
``PLR 0.2.2:``); the checks PLR does not make at all (deck membership of plates,
no tips on the 96 head) are kept, as praxis_lab's own.

The tip rules of the channels are here; the liquid rules in :mod:`praxis_lab.sim.liquid`
and the 96 head's in :mod:`praxis_lab.sim.rules96`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.consolidate import consolidation_moves
from praxis_lab.sim.context import (
    _P,
    Context,
    _channels_exist,
    _listify,
    _offsets_fit,
    _same_length,
    _use_channels,
)
from praxis_lab.sim.liquid import aspirate, dispense, transfer
from praxis_lab.sim.moves import MOVE_RULES
from praxis_lab.sim.rules96 import (
    aspirate96,
    discard_tips96,
    dispense96,
    drop_tips96,
    pick_up_tips96,
    return_tips96,
    stamp,
)
from praxis_lab.sim.state import Channel, _n
from praxis_lab.trace.sym import concrete

__all__ = ["RULES", "Context"]

# --- single-channel rules ---------------------------------------------------------------


def pick_up_tips(ctx: Context) -> None:
    # PLR 0.2.2 order: TipSpot types, unique channels, every spot has a tip, the backend
    # takes the tip, spots on the deck, channels exist, lengths, then per channel: the
    # channel is free, take the tip.
    spots = _listify(ctx, ctx.op.args["tip_spots"], "tip_spots", _P["TipSpot"], "TipSpot")
    if spots is None:
        return
    channels = _use_channels(ctx, len(spots))
    if channels is None:
        return
    empty = [s for s in spots if not ctx.spot_has_tip(s)]
    for spot in empty:
        key = ctx.key(spot)
        ctx.fail("tip_spot_empty", f"{key} has no tip left (already picked up); use an "
                 "unused spot", [key], spot=key, n=len(spots))
    if empty:
        return
    refused = [(ch, s) for ch, s in zip(channels, spots, strict=False)
               if ctx.refuses_tip(ch, s)]
    for ch, spot in refused:  # PLR: RuntimeError "Cannot pick up tips on channels [...]"
        tip = spot.make_tip()
        handler = ctx.binding.handler
        ctx.fail("wrong_resource", f"channel {ch} of {_plr.backend_name(handler)} cannot "
                 f"pick up {ctx.key(spot)} ({type(tip).__name__}, {_n(tip.maximal_volume)} "
                 "µL); use tips this device's channels take", [ctx.key(spot)], channel=ch)
    if refused:
        return
    before = len(ctx.failures)
    ctx.check_on_deck(spots)
    if len(ctx.failures) > before:
        return
    if not _channels_exist(ctx, channels) or not _same_length(ctx, channels, len(spots),
                                                               "tip spots") or \
            not _offsets_fit(ctx, len(spots)):
        return
    st = ctx.state
    for ch, spot in zip(channels, spots, strict=True):
        key = ctx.key(spot)
        mounted = st.head[ch]
        if mounted is not None:
            ctx.fail("tips_already_loaded", f"channel {ch} already holds a tip (from "
                     f"{mounted.origin}) when picking up {key}; drop it first", [key],
                     channel=ch)
            continue
        if not st.spots.get(key, True):  # the same spot twice in one call
            ctx.fail("tip_spot_empty", f"{key} is picked up twice in one call; use another "
                     "spot", [key], spot=key, n=len(spots))
            continue
        st.set_spot(key, False)
        st.mount(ch, Channel(key, ctx.binding.tip_volume(spot)))
        ctx.tips_used.setdefault(key.split("[", 1)[0], set()).add(key)


def _mounted_tips(ctx: Context, channels: list[int], allow: bool,
                  verb: str) -> list[Channel] | None:
    """PLR 0.2.2 ``drop_tips``, per channel: a tip is mounted (NoTipError) and is empty
    unless ``allow_nonzero_volume`` (RuntimeError: "Cannot drop tip with volume")."""
    tips = []
    for ch in channels:
        tip = ctx.state.head.get(ch)
        if tip is None:
            ctx.fail("no_tips", f"{verb} on channel {ch}, which holds no tip; pick one up first",
                     [], channel=ch, n=len(channels))
            return None
        if tip.liquid > 0 and not allow:  # involves every tip that holds liquid
            wet = [t.origin or "" for t in (ctx.state.head.get(c) for c in channels)
                   if t is not None and t.liquid > 0]
            ctx.fail("tip_not_empty", f"{verb} a tip on channel {ch} that still holds "
                     f"{_n(tip.liquid)} µL; dispense first or discard it into the trash",
                     list(dict.fromkeys(wet)), channel=ch, volume=tip.liquid)
            return None
        tips.append(tip)
    return tips


def _drop(ctx: Context, channels: list[int], spots: list[Any] | None, allow: bool,
          verb: str) -> None:
    """Drop the tips of ``channels`` into ``spots`` (None: back where they came from).

    After the tips, PLR checks the spots are on the deck, the lengths, and, per channel,
    that the spot is free (HasTipError).
    """
    st = ctx.state
    tips = _mounted_tips(ctx, channels, allow, verb)
    if tips is None:
        return
    if spots is not None:
        before = len(ctx.failures)
        ctx.check_on_deck([s for s in spots if isinstance(s, _P["TipSpot"])])
        if len(ctx.failures) > before or not _same_length(ctx, channels, len(spots),
                                                          "tip spots") or \
                not _offsets_fit(ctx, len(spots)):
            return
    for i, (ch, tip) in enumerate(zip(channels, tips, strict=True)):
        target = spots[i] if spots is not None else None
        if isinstance(target, _P["TipSpot"]):
            key: str | None = ctx.key(target)
        elif target is None and tip.origin in st.spots:
            key = tip.origin
        else:
            key = None  # the trash, or a tip the setup mounted (no known origin)
        if key is not None and st.spots.get(key):
            ctx.fail("tips_already_loaded", f"{verb} into {key}, which already holds a tip; "
                     "drop into an empty spot or discard the tip", [key], spot=key, channel=ch)
            return
        if key is not None:
            st.set_spot(key, True)
        st.mount(ch, None)


def drop_tips(ctx: Context) -> None:
    spots = _listify(ctx, ctx.op.args["tip_spots"], "tip_spots",
                     _P["TipSpot"] | _P["Trash"], "TipSpot")  # type: ignore[arg-type]
    if spots is None:
        return
    channels = _use_channels(ctx, len(spots))
    if channels is None or not _channels_exist(ctx, channels):  # PLR: KeyError on head[ch]
        return
    for spot in spots:
        if isinstance(spot, _P["TipSpot"]):
            ctx.spot_has_tip(spot)  # learn the spot's start state before dropping into it
    _drop(ctx, channels, spots, bool(ctx.op.args.get("allow_nonzero_volume")), "drop")


def return_tips(ctx: Context) -> None:
    # PLR 0.2.2: the channels (of use_channels, if given) that hold a tip; none is a RuntimeError
    given = concrete(ctx.op.args.get("use_channels"))
    st = ctx.state
    channels = [ch for ch, tip in st.head.items()
                if tip is not None and (given is None or ch in given)]
    if not channels:
        ctx.fail("no_tips", "return with no tip on any channel; pick tips up first", [], n=1)
        return
    _drop(ctx, channels, None, bool(ctx.op.args.get("allow_nonzero_volume")), "return")


def discard_tips(ctx: Context) -> None:
    # PLR 0.2.2: use_channels=None means every channel holding a tip; none is a RuntimeError
    given = concrete(ctx.op.args.get("use_channels"))
    st = ctx.state
    channels = list(given) if given is not None else [
        ch for ch, tip in st.head.items() if tip is not None]
    if not channels:
        ctx.fail("no_tips", "discard with no tip on any channel; pick tips up first", [], n=1)
        return
    if not _channels_exist(ctx, channels):
        return
    allow = bool(ctx.op.args.get("allow_nonzero_volume", True))
    _drop(ctx, channels, [_TRASH] * len(channels), allow, "discard")


_TRASH = object()  # where discard_tips drops (no tip spot to track)


def consolidate_tip_inventory(ctx: Context) -> None:
    # PLR 0.2.2 moves the tips with pick_up_tips / drop_tips on use_channels (default: every
    # channel), so a channel that already holds a tip is a HasTipError at the first pick-up.
    racks = ctx.op.args["tip_racks"]
    if not isinstance(racks, list | tuple) or not all(isinstance(r, _P["TipRack"])
                                                      for r in racks):
        ctx.fail("wrong_resource", f"consolidate_tip_inventory needs a list of TipRacks, got "
                 f"{type(racks).__name__}", [], expected="list[TipRack]",
                 given=type(racks).__name__)
        return
    given = concrete(ctx.op.args.get("use_channels"))
    channels = list(given) if given else list(range(ctx.state.num_channels))
    saved, used = ctx.op.args, {k: set(v) for k, v in ctx.tips_used.items()}
    before = len(ctx.failures)
    try:  # moving tips is not using them: tips_used is restored
        for origins, targets in consolidation_moves(racks, ctx.spot_has_tip, len(channels)):
            these = channels[:len(targets)]
            ctx.op.args = {"tip_spots": origins, "use_channels": these}
            pick_up_tips(ctx)
            if len(ctx.failures) == before:
                ctx.op.args = {"tip_spots": targets, "use_channels": these}
                drop_tips(ctx)
            if len(ctx.failures) > before:
                return
    finally:
        ctx.op.args, ctx.tips_used = saved, used


def _nothing(ctx: Context) -> None:
    return None

RULES: dict[str, Callable[[Context], None]] = {
    "pick_up_tips": pick_up_tips, "drop_tips": drop_tips, "return_tips": return_tips,
    "discard_tips": discard_tips, "aspirate": aspirate, "dispense": dispense,
    "transfer": transfer, "pick_up_tips96": pick_up_tips96, "aspirate96": aspirate96,
    "dispense96": dispense96, "drop_tips96": drop_tips96, "return_tips96": return_tips96,
    "discard_tips96": discard_tips96, "stamp": stamp, **MOVE_RULES, "use_channels": _nothing,
    "consolidate_tip_inventory": consolidate_tip_inventory,
    "setup": _nothing,
}
