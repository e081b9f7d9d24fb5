"""Replay one path's ops through the rule tables, an op at a time.

:class:`Replay` is what :func:`praxis_lab.sim.simulate.check_paths` runs over every traced
path, and what the tracer asks, while it traces a path, whether an op inside a ``try``
would raise (:meth:`Replay.raises`): PLR raises the real error there and the protocol's
``except`` runs, so the tracer follows that branch too.

An op recorded as raised (``op.raised``, the PLR error's name) changes nothing, as on the
robot. It is *handled*: its failure is not reported. The path is infeasible when the op
would not have failed with that error (it would have completed). With unknown start
volumes (the symbolic level) a ``TooLittleLiquidError`` is possible whenever the op needs
more of a well than the path has needed so far; raising says the well started with less
(:attr:`Replay.below`), so a later op that needs that much of it fails on that path.

>>> from praxis_lab.protocol.loading import load
>>> from praxis_lab.deck.binding import bind
>>> from praxis_lab.trace.driver import trace
>>> loaded = load('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.pick_up_tips(tips["A1"])
...     try:
...         await lh.aspirate(plate["A1"], vols=[50])
...     except Exception:
...         await lh.aspirate(plate["A2"], vols=[50])
... ''')
>>> binding = bind(loaded.info)
>>> paths = trace(loaded, binding, judge=lambda: Replay(binding, "symbolic")).paths
>>> [(p.condition, [op.line for op in p.ops if not op.raised]) for p in paths]
[('line 5 completes', [3, 5]), ('line 5 raises TooLittleLiquidError', [3, 7])]
"""

from __future__ import annotations

import math
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr import machines as plr_machines
from praxis_lab.deck.binding import Binding, is_unresolved
from praxis_lab.deck.places import place
from praxis_lab.sim import machines as machine_rules
from praxis_lab.sim import moves
from praxis_lab.sim.context import Context
from praxis_lab.sim.failures import plr_checks, plr_error
from praxis_lab.sim.rules import RULES
from praxis_lab.sim.state import Channel, State, _n
from praxis_lab.trace.sym import concrete

__all__ = ["Replay"]

_LIQUID = "TooLittleLiquidError"


class Replay:
    """The rule table run over one path: its context, and what its raised ops imply."""

    def __init__(self, binding: Binding, level: str) -> None:
        self.ctx = Context(_initial_state(binding), binding, level)
        if level == "exact":
            self.ctx.state.twin = {}  # the symbolic level's requirements, alongside
        self.rules_on = level != "structural"
        self.unresolved = bool(binding.unresolved)
        self.infeasible: str | None = None  # why the path cannot happen
        self.below: dict[str, tuple[float, int]] = {}  # well -> (start volume is below, line)
        self.done = 0  # ops of the traced path replayed so far (for the tracer)

    def _rule(self, op: Any) -> Any:
        """The op's rule, or None when it is not checked (reported or skipped by ``step``)."""
        if not op.known or op.bind_error is not None or not self.rules_on:
            return None
        rule = _rule_of(op)
        if rule is None or (self.unresolved and any(is_unresolved(v)
                                                    for v in op.args.values())):
            return None
        return rule

    def _trial(self, op: Any, rule: Any) -> tuple[str | None, dict[str, float]]:
        """Run ``rule`` and undo it: the error PLR raises (if any), the wells it needs more of."""
        ctx, state = self.ctx, self.ctx.state
        ctx.op = op
        before, beyond = len(ctx.failures), dict(state.infeasible)
        rule(ctx)
        failed = ctx.failures[before:]
        del ctx.failures[before:]
        grown = {key: state.required[key] for table, key, _ in state._journal
                 if table is state.required}
        state.rollback()
        state.infeasible = beyond  # what a well cannot supply is the op's, if it completes
        first = next((f for f in failed if plr_checks(f.kind, op.method, f.data)), None)
        if first is not None:
            return plr_error(first.kind, op.method, first.data), {}
        return (None, {}) if failed else (None, grown)

    def raises(self, ops: list[Any], op: Any) -> tuple[str | None, bool]:
        """Whether ``op``, after ``ops``, raises: (PLR's error or None, whether that is sure).

        Not sure only with unknown start volumes: ``(TooLittleLiquidError, False)`` when
        the op needs more of a well than the path has so far (and no raise ruled that out).
        """
        for earlier in ops[self.done:]:
            self.step(earlier)
        self.done = len(ops)
        rule = self._rule(op)
        if rule is None:
            return None, True
        error, grown = self._trial(op, rule)
        if error is not None or not grown:
            return error, True
        fits = all(need < self.below.get(key, (math.inf, 0))[0] - 1e-9
                   for key, need in grown.items())
        return _LIQUID, not fits

    def step(self, op: Any) -> dict[str, Any] | None:
        """Check and apply one op: the state keys it changed (for the timeline), or None
        when no rule ran. ``extras`` then holds the op's time on the protocol's clock
        (``t_s``, and ``duration_s`` when it takes time) and the plates it moved
        (``moves``: plate -> :func:`praxis_lab.deck.places.place`)."""
        dev = self.ctx.devices
        start = dev.now
        changes = self._step(op)
        moved = dev.take_moves()
        self.extras: dict[str, Any] = {"t_s": round(start, 3)}
        if dev.now > start:
            self.extras["duration_s"] = round(dev.now - start, 3)
        if moved:
            self.extras["moves"] = {
                plate: place(self.ctx.binding, dev.objects.get(key) if key else None, key)
                for plate, key in moved.items()}
        return changes

    def timeline_extras(self) -> dict[str, Any]:
        """What the timeline adds for machines: where each plate the path moved started
        (``places``) and how long the path takes (``duration_s``)."""
        dev, binding = self.ctx.devices, self.ctx.binding
        return {"places": {plate: place(binding, dev.objects.get(key) if key else None, key)
                           for plate, key in dev.initial.items()},
                "duration_s": round(dev.duration, 3)}

    def _step(self, op: Any) -> dict[str, Any] | None:
        ctx, state = self.ctx, self.ctx.state
        ctx.op = op
        if not op.known:
            kind = op.receiver_type
            close = _plr.closest_methods(op.method) if kind == "LiquidHandler" else \
                plr_machines.closest_machine_methods(kind, op.method)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            ctx.fail("unknown_method", f"{op.receiver}.{op.method} does not exist on PLR's "
                     f"{kind}{hint}", [] if kind == "LiquidHandler" else [op.receiver],
                     method=op.method, closest=close)
            return None
        if op.bind_error is not None:
            ctx.fail("bad_arguments", f"{op.bind_error}", [], error=op.bind_error)
            if op.receiver_type not in ("LiquidHandler", "asyncio", "state"):
                machine_rules.assume_done(ctx, op)  # what follows is no consequence of it
                return state.commit()
            return None
        rule = _rule_of(op)
        if op.receiver_type != "LiquidHandler":
            ctx.devices.note_use(op.receiver, op.method)
        if rule is None or not self.rules_on:
            return None
        if self.unresolved and any(is_unresolved(v) for v in op.args.values()):
            _assume_done(state, op)  # reported as unresolved_type; go on as if it ran
            state.commit()
            return None
        if op.raised is not None:
            self._raised(op, rule)
            return state.commit()
        before = len(ctx.failures)
        try:
            rule(ctx)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            # arguments no rule expected (PLR would raise on them too): say so, go on
            ctx.fail("bad_arguments", f"{op.method} cannot use these arguments "
                     f"({type(exc).__name__}: {exc}); check them against "
                     f"help({op.receiver_type}.{op.method})", [], error=str(exc))
        if len(ctx.failures) == before and self.below:
            self._still_below(op)
        if len(ctx.failures) > before and not all(f.data.get("own") for f in
                                                  ctx.failures[before:]):
            state.rollback()  # PLR raised: nothing happened (a check PLR lets through: it did)
            _assume_done(state, op)
            if op.receiver_type != "LiquidHandler":
                machine_rules.assume_done(ctx, op)
        return state.commit()

    def _raised(self, op: Any, rule: Any) -> None:
        """An op the protocol's ``except`` handles: no effect, no report; is it possible?"""
        error, grown = self._trial(op, rule)
        if error == op.raised:
            return
        if error is None and op.raised == _LIQUID and grown:
            if len(grown) == 1:  # the one well it needs more of started with less
                (key, need), = grown.items()
                if need < self.below.get(key, (math.inf, 0))[0]:
                    self.below[key] = (need, op.line)
            return
        if self.infeasible is None:
            self.infeasible = f"line {op.line} does not raise {op.raised}"

    def _still_below(self, op: Any) -> None:
        """A completed op needs a well to have held what an earlier raise says it did not."""
        state = self.ctx.state
        for table, key, _ in list(state._journal):
            if table is not state.required or key not in self.below:
                continue
            bound, raised_at = self.below[key]
            need = state.required[key]
            if need >= bound - 1e-9:
                self.ctx.fail("insufficient_liquid", f"{op.method} needs {_n(need)} µL of {key} "
                              f"in all, but it held less than {_n(bound)} µL when line "
                              f"{raised_at} raised {_LIQUID}", [key], well=key,
                              volume=need, available=bound)
                return


def _rule_of(op: Any) -> Any:
    """The rule of an op: the liquid handler's table, a machine's (by its PLR class), or
    the table of state the protocol sets itself."""
    if op.kind == "state":
        return _STATE_RULES.get(op.method)
    if op.receiver_type != "LiquidHandler":
        return machine_rules.rule_for(op)
    return RULES.get(op.method)


def _initial_state(binding: Binding) -> State:
    lh = binding.handler
    n = int(getattr(lh.backend, "num_channels", 8) or 8)
    state = State(channels=n)
    if not binding.proposed:  # a setup may have mounted tips already
        for ch, tracker in getattr(lh, "head", {}).items():
            if ch < n and tracker.has_tip:
                tip = tracker.get_tip()
                state.head[ch] = Channel("head", float(tip.maximal_volume),
                                         float(tip.tracker.get_used_volume()))
    return state


def _assume_done(state: State, op: Any) -> None:
    """After a failed pick-up, aspirate or dispense, let the tips be what the protocol meant.

    The failure is reported once; without this, every later dispense from those tips (or
    drop of a tip that kept its liquid) would be reported again as a consequence. Wells
    keep their rolled-back volumes.
    """
    if op.method in ("aspirate96", "dispense96"):
        head = state.head96
        try:
            vol = float(concrete(op.args.get("volume")))
        except (TypeError, ValueError):
            return
        if head is not None and _movable(vol):
            sign = 1.0 if op.method == "aspirate96" else -1.0
            liquid = min(max(head.liquid + sign * vol, 0.0), head.max_volume)
            state._set(state.__dict__, "head96", Channel(head.origin, head.max_volume, liquid))
        return
    if op.method == "pick_up_tips":  # the protocol meant these channels to hold tips
        spots = op.args.get("tip_spots")
        if hasattr(spots, "make_tip"):
            spots = [spots]  # one TipSpot where a list was expected
        if not isinstance(spots, list | tuple) or not all(hasattr(x, "make_tip") for x in spots):
            return
        for ch, spot in zip(op.channels_for(len(spots)), spots, strict=False):
            if ch in state.head and state.head[ch] is None:
                state.mount(ch, Channel(None, float(spot.make_tip().maximal_volume)))
        return
    if op.method not in ("aspirate", "dispense"):
        return
    resources = op.args.get("resources")
    n = len(resources) if isinstance(resources, list | tuple) else 1
    vols = concrete(op.args.get("vols"))
    if isinstance(vols, int | float):
        vols = [vols] * n
    try:
        vols = [float(v) for v in vols]
    except (TypeError, ValueError):
        return
    sign = 1.0 if op.method == "aspirate" else -1.0
    for ch, vol in zip(op.channels_for(n), vols, strict=False):
        tip = state.head.get(ch)
        if tip is not None and _movable(vol):  # (a NaN or negative volume moves nothing)
            liquid = min(max(tip.liquid + sign * vol, 0.0), tip.max_volume)
            state.mount(ch, Channel(tip.origin, tip.max_volume, liquid))


def _movable(volume: float) -> bool:
    return 0 <= volume < float("inf")


def _set_volume(ctx: Context) -> None:
    a = ctx.op.args
    ctx.state.set_volume(a["key"], a["volume"], a["max_volume"])
    ctx.state.set_twin_known(a["key"])


def _set_tip(ctx: Context) -> None:
    ctx.state.set_spot(ctx.op.args["key"], bool(ctx.op.args["has_tip"]))


def _clear_head(ctx: Context) -> None:
    for ch in list(ctx.state.head):
        ctx.state.mount(ch, None)


def _place(ctx: Context) -> None:
    """``reader.assign_child_resource(plate)`` in the protocol: the plate is there now;
    ``plate.assign_child_resource(lid)``: the lid is on the plate (as PLR checks it)."""
    res = ctx.op.args.get("resource")
    if isinstance(res, _plr.PLR["Lid"]) and ctx.op.args.get("to") is not None:
        moves.assign_lid(ctx, res, ctx.op.args["to"])
    elif hasattr(res, "get_root") and ctx.op.machine is not None and \
            moves.assign_by_hand(ctx, res, ctx.op.machine):
        ctx.devices.move(res, ctx.op.machine)


def _unplace(ctx: Context) -> None:
    res = ctx.op.args.get("resource")
    if isinstance(res, _plr.PLR["Lid"]):
        moves.lid_off(ctx, res, ctx.op.args.get("to"))
    elif hasattr(res, "get_root"):
        ctx.devices.move(res, None)


# State the protocol sets itself (recorded by proxies.recording_state).
_STATE_RULES = {"set_volume": _set_volume, "set_tip": _set_tip, "clear_head_state": _clear_head,
                "assign_child_resource": _place, "unassign_child_resource": _unplace}
