"""The traced stand-ins: a ``LiquidHandler`` that records, and PLR state set in a protocol.

:class:`TracedHandler` (a torch.fx-style proxy) turns every ``lh.<op>(...)`` into an
:class:`~praxis_lab.trace.tracer.Op` on the active :class:`~praxis_lab.trace.tracer.Tracer` and
returns an awaitable that completes at once. ``with lh.use_channels(...)`` and
``async with lh.use_tips(...)`` are followed; a method PLR does not have is
recorded (``known=False``) rather than raised, so the simulator can report it.
A protocol that reads tip spots (``spot.has_tip()``, to find the next full column) sees
the tips as its own traced ops and state edits have left them (``shadow.TipShadow``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from praxis_lab import _plr
from praxis_lab.trace.shadow import TipShadow
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op, TraceIssue, Tracer, _Bound

__all__ = ["TracedHandler", "recording_state"]

# The tip shadows of the paths being traced (one per active ``recording_state``).
_SHADOWS: list[TipShadow] = []
# Set while the tracer's judge replays a path: it reads the setup's real labware state.
_REAL: list[bool] = []


@contextlib.contextmanager
def _real_state() -> Iterator[None]:
    _REAL.append(True)
    try:
        yield
    finally:
        _REAL.pop()


class _Done:
    """An awaitable that completes at once (what a traced PLR call returns)."""

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # pragma: no cover  (makes this a generator)


class _Raise:
    """An awaitable that raises PLR's error (a traced call the protocol's ``except`` handles)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __await__(self) -> Any:
        raise self.error
        yield  # pragma: no cover  (makes this a generator)


class _Call:
    __slots__ = ("handler", "name", "spec")

    def __init__(self, handler: TracedHandler, name: str, spec: _plr.OpSpec | None) -> None:
        self.handler, self.name, self.spec = handler, name, spec

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tracer = self.handler._tracer
        line, col = tracer.where()
        spec = self.spec
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
        if spec is not None and spec.context is None and error is None and tracer.guards:
            with _real_state():
                op.raised = tracer.raising(op)
            if op.raised is not None:  # as on the robot: no effect, the error goes up
                tracer.record(op)
                raised = _plr.error_class(op.raised)(
                    f"{op.raised} at line {op.line} (traced: the protocol's except runs)")
                raised.praxis_op = op  # type: ignore[attr-defined]
                return _Raise(raised)
        tracer.record(op)
        if spec is not None and error is None and _SHADOWS:
            _SHADOWS[-1].apply(op)
        if spec is not None and spec.context == "sync" and error is None:
            return _Channels(tracer, concrete(bound.get("channels")))
        if spec is not None and spec.context == "async" and error is None:
            return _UseTips(self.handler, bound, line, col)
        return _Done()


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
        if _SHADOWS:
            _SHADOWS[-1].apply(op)

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


def _record_state(tracer: Tracer, method: str, receiver: str, **args: Any) -> Op:
    line, col = tracer.where()
    op = Op(len(tracer.ops), method, line, col, args, receiver, True, None, None, "state")
    tracer.record(op)
    return op


class _StateCall:
    def __init__(self, handler: TracedHandler, name: str) -> None:
        self.handler, self.name = handler, name

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        op = _record_state(self.handler._tracer, self.name, self.handler._name)
        if _SHADOWS:
            _SHADOWS[-1].apply(op)


@contextlib.contextmanager
def recording_state(tracer_ref: Callable[[], Tracer], binding: Any) -> Iterator[None]:
    """While tracing, PLR state set by the protocol is recorded as ``state`` ops.

    ``well.tracker.set_volume(...)`` / ``set_liquids`` / ``plate.set_well_volumes``,
    ``tip_rack.set_tip_state(...)`` / ``fill()`` / ``empty()`` and tip-spot tracker edits
    become ops the simulator applies in order; the real labware is left untouched
    (it is shared by every explored path). Reading a volume tracker is reported; reading
    whether a spot has a tip is answered by the path's :class:`TipShadow`.
    """
    vt, tt, rack = _plr.PLR["VolumeTracker"], _plr.PLR["TipTracker"], _plr.PLR["TipRack"]
    saved = {(cls, name): cls.__dict__[name] for cls, name in (
        (vt, "set_volume"), (vt, "get_used_volume"), (vt, "get_free_volume"),
        (tt, "add_tip"), (tt, "remove_tip"), (tt, "has_tip"), (rack, "set_tip_state"))}
    shadow = TipShadow()
    real_has_tip = saved[(tt, "has_tip")].fget

    def has_tip(self: Any) -> bool:
        found = None if _REAL else shadow.spots.get(id(self))
        return bool(real_has_tip(self)) if found is None else found

    def key_of(tracker: Any) -> str:
        res = binding.resource_of(tracker)
        return binding.key(res) if res is not None else str(tracker.thing)

    def set_volume(self: Any, volume: float) -> None:
        res = binding.resource_of(self)
        if res is None:
            return saved[(vt, "set_volume")](self, volume)  # type: ignore[no-any-return]
        _record_state(tracer_ref(), "set_volume", key_of(self), key=key_of(self),
                      volume=float(concrete(volume)),
                      max_volume=float(getattr(res, "max_volume", self.max_volume)))

    def reader(name: str) -> Callable[..., Any]:
        def read_real(self: Any, *a: Any, **k: Any) -> Any:
            return (saved[(vt, name)] if _REAL else read)(self, *a, **k)
        return read_real

    def read(self: Any, *a: Any, **k: Any) -> Any:
        tracer = tracer_ref()
        line, col = tracer.where()
        raise _Bound(TraceIssue(
            "reads_state", f"the protocol reads the liquid tracker of {key_of(self)} "
            "while it is being simulated; pass volumes as parameters instead", line, col))

    def add_tip(self: Any, *a: Any, **k: Any) -> None:
        if binding.resource_of(self) is None:  # not labware of this protocol (a head, ...)
            return saved[(tt, "add_tip")](self, *a, **k)  # type: ignore[no-any-return]
        _record_state(tracer_ref(), "set_tip", key_of(self), key=key_of(self), has_tip=True)
        shadow.spots[id(self)] = True
        return None

    def remove_tip(self: Any, *a: Any, **k: Any) -> None:
        if binding.resource_of(self) is None:
            return saved[(tt, "remove_tip")](self, *a, **k)  # type: ignore[no-any-return]
        _record_state(tracer_ref(), "set_tip", key_of(self), key=key_of(self), has_tip=False)
        shadow.spots[id(self)] = False
        return None

    def set_tip_state(self: Any, tips: Any) -> None:
        items = tips.items() if isinstance(tips, dict) else enumerate(tips)
        for ident, has in items:
            spot = self.get_item(ident)
            _record_state(tracer_ref(), "set_tip", binding.key(spot), key=binding.key(spot),
                          has_tip=bool(has))
            shadow.spots[id(spot.tracker)] = bool(has)

    itemized = _plr.PLR["ItemizedResource"]
    memo: dict[tuple[Any, ...], Any] = binding.__dict__.setdefault("_item_memo", {})
    # id(labware) -> (labware, identifier -> index): PLR's get_item("B3") scans the
    # labware's identifiers for every item; get_item(index) is what it then does
    indices: dict[int, tuple[Any, dict[str, int]]] = binding.__dict__.setdefault(
        "_item_indices", {})

    def index_of(res: Any, identifier: str) -> int | None:
        found = indices.get(id(res))
        if found is None:
            table: dict[str, int] = {}
            for i, ident in enumerate(getattr(res, "_ordering", None) or ()):
                table.setdefault(ident, i)  # PLR's list.index: the first one
            found = indices[id(res)] = (res, table)  # the labware is kept alive
        return found[1].get(identifier)

    # the same lookups in labelled labware by earlier bindings with the same labels:
    # id(labware) -> (labware, its children and identifiers then, (method, identifier) ->
    # items); used while the labware's children and identifiers are still those
    shared: dict[int, tuple[Any, Any, dict[Any, Any]]] | None = getattr(
        binding, "_item_lookups", None)
    labelled: dict[int, str] = getattr(binding, "_labels", {})
    checked: dict[int, dict[Any, Any] | None] = {}

    def shared_lookups(res: Any) -> dict[Any, Any] | None:
        if id(res) in checked:
            return checked[id(res)]
        table = None
        if shared is not None and id(res) in labelled:
            now = (tuple(res.children), tuple((getattr(res, "_ordering", None) or {}).items()))
            entry = shared.get(id(res))
            if entry is None or entry[0] is not res or not _same_items(entry[1], now):
                entry = shared[id(res)] = (res, now, {})  # the labware is kept alive
            table = entry[2]
        checked[id(res)] = table
        return table

    def memoized(name: str) -> Callable[..., Any]:
        original = itemized.__dict__[name]

        def lookup(self: Any, identifier: Any) -> Any:
            # labware geometry does not change while tracing: index each spot once
            try:
                key = (name, id(self), identifier)
                found = memo.get(key)
            except TypeError:  # unhashable (a slice): no memo
                return original(self, identifier)
            if found is None:
                # plain identifiers only: a Sym compares by forking the path being traced
                table = shared_lookups(self) if type(identifier) in (str, int) else None
                found = table.get((name, identifier)) if table is not None else None
                if found is None:
                    index = index_of(self, identifier) if (
                        name == "get_item" and type(identifier) is str) else None
                    found = original(self, identifier if index is None else index)
                    if table is not None:
                        table[(name, identifier)] = found
                memo[key] = found
            return list(found) if isinstance(found, list) else found

        return lookup

    saved[(itemized, "__getitem__")] = itemized.__dict__["__getitem__"]
    saved[(itemized, "get_item")] = itemized.__dict__["get_item"]
    patched = {(itemized, "__getitem__"): memoized("__getitem__"),
               (itemized, "get_item"): memoized("get_item"),
               (vt, "set_volume"): set_volume, (vt, "get_used_volume"): reader("get_used_volume"),
               (vt, "get_free_volume"): reader("get_free_volume"), (tt, "add_tip"): add_tip,
               (tt, "remove_tip"): remove_tip, (tt, "has_tip"): property(has_tip),
               (rack, "set_tip_state"): set_tip_state}
    for (cls, name), fn in patched.items():
        setattr(cls, name, fn)
    _SHADOWS.append(shadow)
    try:
        yield
    finally:
        _SHADOWS.pop()
        for (cls, name), fn in saved.items():
            setattr(cls, name, fn)


def _same_items(then: tuple[Any, Any], now: tuple[Any, Any]) -> bool:
    """The same child objects in the same order, and the same identifiers."""
    return len(then[0]) == len(now[0]) and all(
        a is b for a, b in zip(then[0], now[0], strict=True)) and then[1] == now[1]


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
