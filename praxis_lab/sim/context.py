"""What a rule sees (:class:`Context`) and the argument checks every rule shares.

The state, the op being checked, the binding (real labware, keys) and the level; plus
PLR 0.2.2's argument checks in its order: resource kinds, channels, lengths, volumes.
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab.sim.devices import Devices
from praxis_lab.sim.state import State, _n
from praxis_lab.trace.sym import concrete

__all__ = ["Context"]

_P = _plr.PLR
_EPS = 1e-6  # PLR's VolumeTracker tolerance
_WELL_OR_SPOT = (_P["Well"], _P["TipSpot"])


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
        self._keys: dict[int, str] = getattr(binding, "_keys", {})
        # (channel, uid of a tip factory) -> whether the backend refuses that tip there
        self._refused: dict[tuple[int, int], tuple[Any, bool]] = {}
        self.devices = Devices(state, binding)  # plates' places, lids, machines, the clock

    @property
    def volumes(self) -> bool:
        return self.level in ("symbolic", "exact")

    def fail(self, kind: str, text: str, resources: list[str] | None = None, **data: Any) -> None:
        from praxis_lab.sim.failures import Failure

        op = self.op
        if op.receiver_type != "LiquidHandler":  # which machine's signature a fix reads
            data.setdefault("receiver_type", op.receiver_type)
        self.failures.append(Failure(kind, op.line, op.column, op.method, resources or [], text,
                                     data, op.index))

    def key(self, res: Any) -> str:
        found = self._keys.get(uid(res))  # the binding's memo, read without a call
        return found if found is not None else str(self.binding.key(res))

    def refuses_tip(self, channel: int, spot: Any) -> bool:
        """Whether the handler's backend refuses ``spot``'s tip on ``channel``
        (:func:`~praxis_lab._plr.refuses_tip`), asked once per channel and kind of tip."""
        make = getattr(spot, "_make_tip_func", None)
        if make is None:
            return bool(_plr.refuses_tip(self.binding.handler, channel, spot))
        found = self._refused.get((channel, uid(make)))
        if found is None:  # (the factory is kept alive, so its id names no other one)
            found = self._refused[(channel, uid(make))] = (
                make, bool(_plr.refuses_tip(self.binding.handler, channel, spot)))
        return found[1]

    # -- lazily initialised state ------------------------------------------------------
    def spot_has_tip(self, spot: Any) -> bool:
        key = self.key(spot)
        spots = self.state.spots
        has = spots.get(key)
        if has is None:
            has = spots[key] = self.initial[key] = self.binding.starts_with_tip(spot)
        return has

    def well_key(self, well: Any) -> str:
        """The well's key, its volume entered into the state the first time (the setup's
        volume at the exact level, unknown at the symbolic one)."""
        key = self.key(well)
        if key not in self.state.volumes:
            amount = float(well.tracker.get_used_volume()) if self.level == "exact" else None
            self.state.enter_volume(key, amount, float(well.max_volume))
            self.initial[key] = amount
        return key

    def check_on_deck(self, items: list[Any], plr_goes_on: bool = False) -> None:
        """Record ``not_on_deck`` for labware off the handler's deck, once each.
        ``plr_goes_on``: PLR 0.2.2 does the op all the same (it never asks where the well
        is), so the op's effects stay (``own``)."""
        for res in items:
            owner = res.parent if isinstance(res, _WELL_OR_SPOT) else res
            if owner is None:
                continue
            oid = uid(owner)
            on = self._on_deck.get(oid)
            if on is True or oid in self.flagged_off_deck:
                continue
            if on is None:
                on = self._on_deck[oid] = self.binding.on_deck(owner)
            if not on:
                self.flagged_off_deck.add(oid)
                name = self.key(owner)
                self.fail("not_on_deck", f"{self.op.method} touches {name}, which is not on "
                          f"the deck of {self.op.receiver}; assign it to a carrier or slot",
                          [name], resource=name, own=plr_goes_on)


def _listify(ctx: Context, value: Any, arg: str, expected: type, label: str) -> list[Any] | None:
    """The argument as a flat list of ``expected`` objects, or record wrong_resource."""
    if isinstance(value, expected):
        name = ctx.key(value)
        ctx.fail("wrong_resource", f"{arg} must be a list of {label}, got one "
                 f"{type(value).__name__} ({name}); wrap it in a list: [{name}]", [name], arg=arg,
                 expected=f"list[{label}]", given=type(value).__name__, fix="wrap")
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


def _use_channels(ctx: Context, n: int) -> list[int] | None:
    """PLR's ``use_channels or default_use_channels or range(n)``, each channel once."""
    channels = ctx.op.channels_for(n)
    if len(set(channels)) != len(channels):
        ctx.fail("bad_arguments", f"use_channels {channels} repeats a channel", [])
        return None
    return channels


def _channels_exist(ctx: Context, channels: list[int]) -> bool:
    bad = [c for c in channels if not isinstance(c, int) or not 0 <= c < ctx.state.num_channels]
    if bad:
        ctx.fail("bad_arguments", f"channel {bad[0]} does not exist: the handler has "
                 f"{ctx.state.num_channels} channels (0-{ctx.state.num_channels - 1})", [],
                 channel=bad[0])
        return False
    return True


def _same_length(ctx: Context, channels: list[int], n: int, what: str = "resources") -> bool:
    if len(channels) != n:
        ctx.fail("bad_arguments", f"{n} {what} for {len(channels)} channels {channels}: "
                 f"give one channel per {what.rstrip('s')}", [], expected=n,
                 given=len(channels))
        return False
    return True


def _vols(ctx: Context, value: Any, n: int, arg: str = "vols") -> list[float] | None:
    """The volumes as floats (PLR: ``[float(v) for v in vols]``); the length is checked later."""
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
    return vols if all(_volume_ok(ctx, v, arg) for v in vols) else None


def _volume_ok(ctx: Context, volume: float, arg: str) -> bool:
    """Whether a volume is a number of µL >= 0 (a NaN, an infinity or a negative volume is a
    ``bad_arguments``: no device can move it). PLR 0.2.2 passes a negative or NaN volume on
    (its tracker even adds liquid for a negative aspiration): that check is praxis_lab's own."""
    if volume >= 0 and volume != float("inf"):
        return True
    ctx.fail("bad_arguments", f"{arg} must be a number of µL >= 0, got {volume:g}; check the "
             "value given (--param) or how it is computed", [], arg=arg, given=volume,
             own=volume != float("inf"))
    return False


def _volume(ctx: Context, value: Any, arg: str = "volume") -> float | None:
    """One volume as a float (PLR: ``float(volume)``), else a ``bad_arguments`` naming it."""
    value = concrete(value)
    try:
        volume = float(value)
    except (TypeError, ValueError):
        pass
    else:
        return volume if _volume_ok(ctx, volume, arg) else None
    name = getattr(value, "name", None)
    what = repr(name) if isinstance(name, str) else repr(value)
    kind = type(value).__name__
    ctx.fail("bad_arguments", f"{arg} must be a number of µL, got {kind} {what}; "
             f"write {arg}=<µL>, e.g. {arg}=50", [], arg=arg, given=kind)
    return None



_OPTIONS = ("offsets", "flow_rates", "liquid_height", "blow_out_air_volume")


def _options(ctx: Context, n: int) -> dict[str, Any] | None:
    """The per-channel options of an aspirate or dispense as PLR 0.2.2 expands them
    (``x or [None] * n``), the numbers made floats; None when one is not a list of numbers
    (PLR: ``TypeError``/``ValueError``; recorded). Offsets are only counted (later)."""
    out: dict[str, Any] = {}
    for arg in _OPTIONS:
        value = concrete(ctx.op.args.get(arg))
        if value is None or (isinstance(value, list | tuple) and not value):
            out[arg] = [None] * n
            continue
        if arg != "offsets" and isinstance(value, int | float):
            ctx.fail("bad_arguments", f"{arg} must be a list (one per channel), got "
                     f"{_n(value)}; write {arg}=[{_n(value)}] * {n}", [], arg=arg,
                     scalar=value, n=n)
            return None
        try:
            if arg != "offsets":
                [float(v) for v in value if v is not None]
        except (TypeError, ValueError):
            ctx.fail("bad_arguments", f"{arg} must be a list of numbers (or None), one per "
                     f"channel, got {value!r}", [], arg=arg)
            return None
        out[arg] = value
    return out


def _options_fit(ctx: Context, channels: list[int], options: dict[str, Any]) -> bool:
    """PLR 0.2.2's length check of the options, after the resources' and volumes': one
    entry per channel (a single ``Coordinate`` for ``offsets`` has no length)."""
    n = len(channels)
    for arg in _OPTIONS:
        value = options[arg]
        if not isinstance(value, list | tuple):
            shown = type(value).__name__
            ctx.fail("bad_arguments", f"{arg} must be a list (one per channel), got one "
                     f"{shown}; write {arg}=[...] * {n}", [], arg=arg, scalar=shown, n=n)
            return False
        if len(value) != n:
            ctx.fail("bad_arguments", f"{len(value)} {arg} for {n} channels {channels}: give "
                     f"one per channel", [], arg=arg, n=n, single=len(value) == 1)
            return False
    return True


def _offsets_fit(ctx: Context, n: int) -> bool:
    """A tip op's ``offsets``: one per tip spot, when given (PLR 0.2.2 asserts the
    lengths are equal)."""
    offsets = concrete(ctx.op.args.get("offsets"))
    if not offsets or (isinstance(offsets, list | tuple) and len(offsets) == n):
        return True
    given = len(offsets) if isinstance(offsets, list | tuple) else f"one {type(offsets).__name__}"
    ctx.fail("bad_arguments", f"offsets has {given} for {n} tip spots: give one per spot "
             "(a list)", [], arg="offsets", n=n,
             single=isinstance(offsets, list | tuple) and len(offsets) == 1)
    return False
