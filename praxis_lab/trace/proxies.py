"""The traced stand-ins: a ``LiquidHandler`` that records, and PLR state set in a protocol.

:class:`TracedHandler` (a torch.fx-style proxy) turns every ``lh.<op>(...)`` into an
:class:`~praxis_lab.trace.tracer.Op` on the active :class:`~praxis_lab.trace.tracer.Tracer` and
returns an awaitable that completes at once. ``with lh.use_channels(...)`` and
``async with lh.use_tips(...)`` are followed; a method PLR does not have is
recorded (``known=False``) rather than raised, so the simulator can report it.
A protocol that reads tip spots (``spot.has_tip()``, to find the next full column) sees
the tips as its own traced ops and state edits have left them (``shadow.TipShadow``,
kept by the path's :class:`~praxis_lab.trace.trackers.TrackerHooks`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab.trace.calls import Done, raised_into, unwrap
from praxis_lab.trace.scope import current
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op, TraceIssue, Tracer, _Bound
from praxis_lab.trace.trackers import record_state

__all__ = ["TracedHandler"]


def _shadow_apply(op: Op) -> None:
    """The path's tip and liquid shadows follow the op (what PLR's trackers would show
    after it)."""
    scope = current()
    if scope is not None and scope.hooks is not None:
        scope.hooks.shadow.apply(op)
        scope.hooks.liquids.apply(op, scope.hooks.real_volume)


class _Call:
    __slots__ = ("handler", "name", "spec")

    def __init__(self, handler: TracedHandler, name: str, spec: _plr.OpSpec | None) -> None:
        self.handler, self.name, self.spec = handler, name, spec

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tracer = self.handler._tracer
        line, col = tracer.where()
        spec = self.spec
        args = tuple(unwrap(a) for a in args)
        kwargs = {k: unwrap(v) for k, v in kwargs.items()}
        bound: dict[str, Any]
        error = None
        if spec is None:
            bound = {"args": list(args), **kwargs}
        else:
            try:
                bound = spec.bind(args, kwargs)
            except _plr.BindError as exc:
                bound, error = {"args": list(args), **kwargs}, str(exc)
        kind = "context" if spec is not None and spec.context == "sync" else "op"
        op = Op(len(tracer.ops), self.name, line, col, bound, self.handler._name,
                spec is not None, error, tracer.channels(), kind)
        if spec is not None and spec.context is None and error is None:
            raising = raised_into(tracer, op)
            if raising is not None:  # as on the robot: no effect, the error goes up
                return raising
        else:
            tracer.record(op)
        if spec is not None and error is None:
            _shadow_apply(op)
        if spec is not None and spec.context == "sync" and error is None:
            return _Channels(tracer, concrete(bound.get("channels")))
        if spec is not None and spec.context == "async" and error is None:
            return _UseTips(self.handler, bound, line, col)
        return Done()


class _Channels:
    def __init__(self, tracer: Tracer, channels: Any) -> None:
        self.tracer, self.channels = tracer, list(channels) if channels is not None else None

    def __enter__(self) -> None:
        self.tracer.channels_stack.append(self.channels or [])

    def __exit__(self, *exc: object) -> None:
        self.tracer.channels_stack.pop()


class _UseTips:
    """``async with lh.use_tips(spots, channels, discard)``: pick up, then discard/return."""

    def __init__(self, handler: TracedHandler, bound: dict[str, Any], line: int, col: int) -> None:
        self.handler, self.bound, self.line, self.col = handler, bound, line, col
        self.tracer = handler._tracer
        self.tracer.ops.pop()  # replaced by the pick-up / drop it stands for

    def _op(self, method: str, args: dict[str, Any]) -> None:
        t = self.tracer
        spec = _plr.catalogue()[method]
        bound = spec.bind((), args)
        op = Op(len(t.ops), method, self.line, self.col, bound, self.handler._name, True, None,
                t.channels())
        t.record(op)
        _shadow_apply(op)

    async def __aenter__(self) -> None:
        spots = self.bound["tip_spots"]
        channels = self.bound.get("channels") or list(range(len(spots)))
        self._op("pick_up_tips", {"tip_spots": spots, "use_channels": channels})

    async def __aexit__(self, *exc: object) -> None:
        spots = self.bound["tip_spots"]
        channels = self.bound.get("channels") or list(range(len(spots)))
        method = "discard_tips" if self.bound.get("discard", True) else "return_tips"
        self._op(method, {"use_channels": channels})


# Attributes that read the handler's live tracker state: meaningless while tracing.
_STATE_READS = frozenset({"head", "head96", "get_mounted_tips", "_default_use_channels"})
# Handler methods that set state: recorded as state ops, never run on the real handler.
_STATE_WRITES = frozenset({"clear_head_state"})


class _StateCall:
    def __init__(self, handler: TracedHandler, name: str) -> None:
        self.handler, self.name = handler, name

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        _shadow_apply(record_state(self.handler._tracer, self.name, self.handler._name))


class TracedHandler:
    """The stand-in for a ``LiquidHandler`` parameter: records calls, moves nothing."""

    def __init__(self, tracer_ref: Callable[[], Tracer], real: Any, name: str) -> None:
        object.__setattr__(self, "_tracer_ref", tracer_ref)
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_name", name)

    @property
    def _tracer(self) -> Tracer:
        return self._tracer_ref()  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        spec = _plr.catalogue().get(name)
        if spec is not None:
            return _Call(self, name, spec)
        if name in _STATE_WRITES:
            return _StateCall(self, name)
        if name in _STATE_READS:
            tracer = self._tracer
            line, col = tracer.where()
            raise _Bound(TraceIssue(
                "reads_state", f"the protocol reads the handler's live state (lh.{name}) "
                "while it is being simulated; pass tip and channel choices as arguments instead",
                line, col))
        if name in _plr.machine_attributes() or hasattr(self._real, name):
            return getattr(self._real, name)
        return _Call(self, name, None)

    def __repr__(self) -> str:
        return f"<traced LiquidHandler {self._name}>"

    def _stands_for(self) -> Any:
        """The real handler (what an op records when the stand-in is an argument)."""
        return self._real
