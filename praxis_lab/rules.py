"""The rule table: what each PLR operation requires of the deck state and does to it.

``RULES["aspirate"]`` checks and applies one traced ``aspirate`` call, in the same
order as PLR 0.2.2 checks it (so the first failure is the one PLR would raise).
Rules read the call's bound arguments and the real labware geometry; they record
failures on the context and leave the state *pending* for the caller to commit
or roll back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab.state import Channel, State, _n
from praxis_lab.sym import concrete

__all__ = ["RULES", "Context"]

_P = _plr.PLR


class Context:
    """What a rule sees: the state, the op, the binding, and where failures go."""

    def __init__(self, state: State, binding: Any, level: str) -> None:
        self.state, self.binding, self.level = state, binding, level
        self.op: Any = None
        self.failures: list[Any] = []
        self.flagged_off_deck: set[int] = set()
        self.initial: dict[str, Any] = {}
        self.tips_used: dict[str, set[str]] = {}
        self._on_deck: dict[int, bool] = {}

    @property
    def volumes(self) -> bool:
        return self.level in ("symbolic", "exact")

    def fail(self, kind: str, text: str, resources: list[str] | None = None, **data: Any) -> None:
        from praxis_lab.failures import Failure

        op = self.op
        self.failures.append(Failure(kind, op.line, op.column, op.method, resources or [], text,
                                     data, op.index))

    def key(self, res: Any) -> str:
        return str(self.binding.key(res))

    # -- lazily initialised state ------------------------------------------------------
    def spot_has_tip(self, spot: Any) -> bool:
        key = self.key(spot)
        if key not in self.state.spots:
            has = bool(spot.tracker.has_tip) if not self.binding.proposed else True
            self.state.spots[key] = has
            self.initial[key] = has
        return self.state.spots[key]

    def well_key(self, well: Any) -> str:
        key = self.key(well)
        if key not in self.state.volumes:
            exact = self.level == "exact"
            amount = float(well.tracker.get_used_volume()) if exact else None
            self.state.set_volume(key, amount, float(well.max_volume))
            self.state.changed.pop(key, None)
            self.state._journal.pop()  # initialisation is not a pending change
            self.initial[key] = amount
        return key

    def check_on_deck(self, items: list[Any]) -> None:
        for res in items:
            owner = res.parent if isinstance(res, _P["Well"] | _P["TipSpot"]) else res
            if owner is None or id(owner) in self.flagged_off_deck:
                continue
            on = self._on_deck.get(id(owner))
            if on is None:
                on = self._on_deck[id(owner)] = self.binding.on_deck(owner)
            if not on:
                self.flagged_off_deck.add(id(owner))
                name = self.key(owner)
                self.fail("not_on_deck", f"{self.op.method} touches {name}, which is not on "
                          f"the deck of {self.op.receiver}; assign it to a carrier or slot",
                          [name], resource=name)


def _listify(ctx: Context, value: Any, arg: str, expected: type, label: str) -> list[Any] | None:
    """The argument as a flat list of ``expected`` objects, or record wrong_resource."""
    if isinstance(value, expected):
        ctx.fail("wrong_resource", f"{arg} must be a list of {label}, got one "
                 f"{type(value).__name__} ({ctx.key(value)}); wrap it in a list: [{ctx.key(value)}]",
                 [ctx.key(value)], arg=arg, expected=f"list[{label}]",
                 given=type(value).__name__, fix="wrap")
        return None
    if not isinstance(value, list | tuple):
        ctx.fail("wrong_resource", f"{arg} must be a list of {label}, got "
                 f"{type(value).__name__}", [], arg=arg, expected=f"list[{label}]",
                 given=type(value).__name__)
        return None
    bad = [v for v in value if not isinstance(v, expected)]
    if bad:
        b = bad[0]
        shown = ctx.key(b) if hasattr(b, "get_root") else type(b).__name__
        ctx.fail("wrong_resource", f"{arg} must hold {label}s, got {type(b).__name__} "
                 f"({shown})", [shown] if hasattr(b, "get_root") else [],
                 arg=arg, expected=label, given=type(b).__name__,
                 fix="flatten" if isinstance(b, list) else None)
        return None
    return list(value)


def _channels(ctx: Context, n: int) -> list[int] | None:
    op = ctx.op
    given = concrete(op.args.get("use_channels"))
    channels = list(given or op.default_channels or range(n))
    if len(set(channels)) != len(channels):
        ctx.fail("bad_arguments", f"use_channels {channels} repeats a channel", [])
        return None
    bad = [c for c in channels if not isinstance(c, int) or not 0 <= c < ctx.state.num_channels]
    if bad:
        ctx.fail("bad_arguments", f"channel {bad[0]} does not exist: the handler has "
                 f"{ctx.state.num_channels} channels (0-{ctx.state.num_channels - 1})", [])
        return None
    if len(channels) != n:
        ctx.fail("bad_arguments", f"{n} resources for {len(channels)} channels {channels}: "
                 "give one channel per resource", [], expected=n, given=len(channels))
        return None
    return channels


def _vols(ctx: Context, value: Any, n: int, arg: str = "vols") -> list[float] | None:
    value = concrete(value)
    if isinstance(value, int | float):
        ctx.fail("bad_arguments", f"{arg} must be a list (one volume per resource), got "
                 f"{_n(value)}; write {arg}=[{_n(value)}] * {n}", [], arg=arg, scalar=value, n=n)
        return None
    try:
        vols = [float(v) for v in value]
    except (TypeError, ValueError):
        ctx.fail("bad_arguments", f"{arg} must be a list of numbers, got {value!r}", [])
        return None
    if len(vols) != n:
        ctx.fail("bad_arguments", f"{len(vols)} volumes for {n} resources: give one volume per "
                 "resource", [], arg=arg)
        return None
    return vols


# --- single-channel rules ---------------------------------------------------------------


def pick_up_tips(ctx: Context) -> None:
    spots = _listify(ctx, ctx.op.args["tip_spots"], "tip_spots", _P["TipSpot"], "TipSpot")
    if spots is None:
        return
    channels = _channels(ctx, len(spots))
    if channels is None:
        return
    ctx.check_on_deck(spots)
    st = ctx.state
    for ch, spot in zip(channels, spots, strict=True):
        key = ctx.key(spot)
        if st.head[ch] is not None:
            ctx.fail("tips_already_loaded", f"channel {ch} already holds a tip (from "
                     f"{st.head[ch].origin}) when picking up {key}; drop it first", [key],
                     channel=ch)
            continue
        if not ctx.spot_has_tip(spot):
            ctx.fail("tip_spot_empty", f"{key} has no tip left (already picked up); use an "
                     "unused spot", [key], spot=key, n=len(spots))
            continue
        st.set_spot(key, False)
        st.mount(ch, Channel(key, float(spot.get_tip().maximal_volume)))
        ctx.tips_used.setdefault(key.split("[", 1)[0], set()).add(key)


def _drop(ctx: Context, channels: list[int], spots: list[Any] | None, allow: bool,
          verb: str) -> None:
    st = ctx.state
    for i, ch in enumerate(channels):
        tip = st.head.get(ch)
        if tip is None:
            ctx.fail("no_tips", f"{verb} on channel {ch}, which holds no tip; pick one up first",
                     [], channel=ch)
            continue
        if tip.liquid > 1e-9 and not allow:
            ctx.fail("tip_not_empty", f"{verb} a tip on channel {ch} that still holds "
                     f"{_n(tip.liquid)} µL; dispense first or discard it into the trash",
                     [tip.origin or ""], channel=ch, volume=tip.liquid)
            continue
        target = spots[i] if spots is not None else None
        if isinstance(target, _P["TipSpot"]):
            st.set_spot(ctx.key(target), True)
        elif target is None and verb == "return" and tip.origin:
            st.set_spot(tip.origin, True)
        st.mount(ch, None)


def drop_tips(ctx: Context) -> None:
    spots = _listify(ctx, ctx.op.args["tip_spots"], "tip_spots",
                     _P["TipSpot"] | _P["Trash"], "TipSpot")  # type: ignore[arg-type]
    if spots is None:
        return
    channels = _channels(ctx, len(spots))
    if channels is None:
        return
    ctx.check_on_deck(spots)
    _drop(ctx, channels, spots, bool(ctx.op.args.get("allow_nonzero_volume")), "drop")


def _mounted(ctx: Context, verb: str) -> list[int] | None:
    given = concrete(ctx.op.args.get("use_channels"))
    if given:
        return list(given)
    mounted = [ch for ch, tip in ctx.state.head.items() if tip is not None]
    if not mounted:
        ctx.fail("no_tips", f"{verb} with no tip on any channel; pick tips up first", [])
        return None
    return mounted


def return_tips(ctx: Context) -> None:
    channels = _mounted(ctx, "return")
    if channels is not None:
        _drop(ctx, channels, None, bool(ctx.op.args.get("allow_nonzero_volume")), "return")


def discard_tips(ctx: Context) -> None:
    channels = _mounted(ctx, "discard")
    if channels is not None:
        _drop(ctx, channels, None, bool(ctx.op.args.get("allow_nonzero_volume", True)),
              "discard")


def _liquid(ctx: Context, aspirate: bool) -> None:
    args = ctx.op.args
    verb = "aspirate" if aspirate else "dispense"
    wells = _listify(ctx, args["resources"], "resources", _P["Container"], "Container")
    if wells is None:
        return
    vols = _vols(ctx, args["vols"], len(wells))
    if vols is None:
        return
    channels = _channels(ctx, len(wells))
    if channels is None:
        return
    ctx.check_on_deck(wells)
    st = ctx.state
    for ch in channels:
        if st.head[ch] is None:
            key = ctx.key(wells[channels.index(ch)])
            ctx.fail("no_tips", f"{verb} {_n(vols[channels.index(ch)])} µL "
                     f"{'from' if aspirate else 'into'} {key} on channel {ch}, which holds no "
                     "tip; pick up a tip first", [key], channel=ch, n=len(channels))
            return
    for ch, well, vol in zip(channels, wells, vols, strict=True):
        key = ctx.key(well)
        tip = st.head[ch]
        assert tip is not None
        if aspirate:
            if ctx.volumes:
                held = st.remove_liquid(ctx.well_key(well), vol)
                if held is not None:
                    ctx.fail("insufficient_liquid", f"aspirate {_n(vol)} µL from {key}, which "
                             f"holds {_n(held)} µL", [key], well=key, volume=vol, held=held)
                    continue
            if tip.liquid + vol > tip.max_volume + 1e-9:
                ctx.fail("tip_volume_exceeded", f"aspirate {_n(vol)} µL into a tip on channel "
                         f"{ch} that holds at most {_n(tip.max_volume)} µL (has "
                         f"{_n(tip.liquid)} µL)", [key], volume=vol,
                         room=tip.max_volume - tip.liquid)
                continue
            st.mount(ch, Channel(tip.origin, tip.max_volume, tip.liquid + vol))
        else:
            if ctx.volumes and vol > tip.liquid + 1e-9:
                ctx.fail("insufficient_liquid", f"dispense {_n(vol)} µL from the tip on "
                         f"channel {ch}, which holds {_n(tip.liquid)} µL", [key],
                         volume=vol, held=tip.liquid)
                continue
            if ctx.volumes:
                free = st.add_liquid(ctx.well_key(well), vol)
                if free is not None:
                    ctx.fail("over_capacity", f"dispense {_n(vol)} µL into {key}, which has "
                             f"room for {_n(free)} µL (max {_n(well.max_volume)} µL)", [key],
                             well=key, volume=vol, free=free)
                    continue
            st.mount(ch, Channel(tip.origin, tip.max_volume, max(tip.liquid - vol, 0.0)))


def aspirate(ctx: Context) -> None:
    _liquid(ctx, aspirate=True)


def dispense(ctx: Context) -> None:
    _liquid(ctx, aspirate=False)


def transfer(ctx: Context) -> None:
    args = dict(ctx.op.args)
    targets = args["targets"]
    target_vols = concrete(args.get("target_vols"))
    if target_vols is None:
        source_vol = concrete(args.get("source_vol"))
        if source_vol is None:
            ctx.fail("bad_arguments", "transfer needs source_vol or target_vols", [],
                     missing="source_vol")
            return
        ratios = concrete(args.get("ratios")) or [1] * len(targets)
        target_vols = [source_vol * r / sum(ratios) for r in ratios]
    op = ctx.op
    saved = op.args
    try:
        op.args = {"resources": [args["source"]], "vols": [sum(target_vols)],
                   "use_channels": None}
        _liquid(ctx, aspirate=True)
        for target, vol in zip(targets, target_vols, strict=False):
            op.args = {"resources": [target], "vols": [vol], "use_channels": [0]}
            _liquid(ctx, aspirate=False)
    finally:
        op.args = saved


# --- 96-head rules -------------------------------------------------------------------


def pick_up_tips96(ctx: Context) -> None:
    rack = ctx.op.args["tip_rack"]
    if not isinstance(rack, _P["TipRack"]):
        ctx.fail("wrong_resource", f"pick_up_tips96 needs a TipRack, got {type(rack).__name__}",
                 [], expected="TipRack", given=type(rack).__name__)
        return
    ctx.check_on_deck([rack])
    st = ctx.state
    if st.head96 is not None:
        ctx.fail("tips_already_loaded", f"the 96 head already holds tips (from "
                 f"{st.head96_origin}); drop them first", [ctx.key(rack)])
        return
    max_vol = 0.0
    for spot in rack.get_all_items():
        if ctx.spot_has_tip(spot):
            st.set_spot(ctx.key(spot), False)
            max_vol = float(spot.get_tip().maximal_volume)
            ctx.tips_used.setdefault(ctx.key(rack), set()).add(ctx.key(spot))
    st._set(st.__dict__, "head96", Channel(ctx.key(rack), max_vol))
    st._set(st.__dict__, "head96_origin", ctx.key(rack))


def _wells96(ctx: Context, res: Any) -> list[Any] | None:
    if isinstance(res, _P["Plate"]):
        return list(res.get_all_items())
    if isinstance(res, list) and all(isinstance(w, _P["Well"]) for w in res):
        return res
    if isinstance(res, _P["Container"]):
        return [res] * 96
    ctx.fail("wrong_resource", f"{ctx.op.method} needs a Plate, a Container or a list of 96 "
             f"Wells, got {type(res).__name__}", [], expected="Plate",
             given=type(res).__name__)
    return None


def _liquid96(ctx: Context, aspirate: bool, res: Any, volume: Any) -> None:
    wells = _wells96(ctx, res)
    if wells is None:
        return
    vol = float(concrete(volume))
    st = ctx.state
    head = st.head96
    name = ctx.key(res) if hasattr(res, "get_root") else "wells"
    if head is None:
        ctx.fail("no_tips", f"{ctx.op.method} {_n(vol)} µL with no tips on the 96 head; "
                 "pick_up_tips96 first", [name])
        return
    ctx.check_on_deck(wells[:1])
    verb = "aspirate" if aspirate else "dispense"
    if ctx.volumes:
        for well in wells:
            key = ctx.well_key(well)
            short = st.remove_liquid(key, vol) if aspirate else st.add_liquid(key, vol)
            if short is not None:
                kind = "insufficient_liquid" if aspirate else "over_capacity"
                what = "holds" if aspirate else "has room for"
                ctx.fail(kind, f"{verb} {_n(vol)} µL per channel: {ctx.key(well)} {what} "
                         f"{_n(short)} µL", [ctx.key(well)], well=ctx.key(well), volume=vol,
                         held=short, free=short)
                return
    if aspirate and head.liquid + vol > head.max_volume + 1e-9:
        ctx.fail("tip_volume_exceeded", f"aspirate96 {_n(vol)} µL into tips that hold at most "
                 f"{_n(head.max_volume)} µL", [name], volume=vol, room=head.max_volume)
        return
    liquid = head.liquid + vol if aspirate else max(head.liquid - vol, 0.0)
    st._set(st.__dict__, "head96", Channel(head.origin, head.max_volume, liquid))


def aspirate96(ctx: Context) -> None:
    _liquid96(ctx, True, ctx.op.args["resource"], ctx.op.args["volume"])


def dispense96(ctx: Context) -> None:
    _liquid96(ctx, False, ctx.op.args["resource"], ctx.op.args["volume"])


def stamp(ctx: Context) -> None:
    args = ctx.op.args
    _liquid96(ctx, True, args["source"], args["volume"])
    _liquid96(ctx, False, args["target"], args["volume"])


def _drop96(ctx: Context, verb: str, allow: bool, rack: Any = None) -> None:
    st = ctx.state
    head = st.head96
    if head is None:
        ctx.fail("no_tips", f"{verb} with no tips on the 96 head", [])
        return
    if head.liquid > 1e-9 and not allow:
        ctx.fail("tip_not_empty", f"{verb} tips that still hold {_n(head.liquid)} µL; "
                 "dispense first or discard them", [head.origin or ""], volume=head.liquid)
        return
    if isinstance(rack, _P["TipRack"]):
        for spot in rack.get_all_items():
            st.set_spot(ctx.key(spot), True)
    st._set(st.__dict__, "head96", None)


def drop_tips96(ctx: Context) -> None:
    res = ctx.op.args["resource"]
    ctx.check_on_deck([res])
    _drop96(ctx, "drop_tips96", bool(ctx.op.args.get("allow_nonzero_volume")), res)


def return_tips96(ctx: Context) -> None:
    _drop96(ctx, "return_tips96", bool(ctx.op.args.get("allow_nonzero_volume")))


def discard_tips96(ctx: Context) -> None:
    _drop96(ctx, "discard_tips96", bool(ctx.op.args.get("allow_nonzero_volume", True)))


def _move(arg: str) -> Callable[[Context], None]:
    def rule(ctx: Context) -> None:
        res = ctx.op.args.get(arg)
        if hasattr(res, "get_root"):
            ctx.check_on_deck([res])
    return rule


def _nothing(ctx: Context) -> None:
    return None


RULES: dict[str, Callable[[Context], None]] = {
    "pick_up_tips": pick_up_tips, "drop_tips": drop_tips, "return_tips": return_tips,
    "discard_tips": discard_tips, "aspirate": aspirate, "dispense": dispense,
    "transfer": transfer, "pick_up_tips96": pick_up_tips96, "aspirate96": aspirate96,
    "dispense96": dispense96, "drop_tips96": drop_tips96, "return_tips96": return_tips96,
    "discard_tips96": discard_tips96, "stamp": stamp, "move_plate": _move("plate"),
    "move_resource": _move("resource"), "move_lid": _move("lid"), "use_channels": _nothing,
    "setup": _nothing,
}
