"""How PLR's trackers and item lookups answer the protocol being traced.

``well.tracker.set_volume(...)`` / ``set_liquids`` / ``plate.set_well_volumes``,
``tip_rack.set_tip_state(...)`` / ``fill()`` / ``empty()`` and tip-spot tracker edits
become ``state`` ops the simulator applies in order; the real labware is left untouched
(it is shared by every explored path). A volume read is answered by the path's
:class:`~praxis_lab.trace.liquids.LiquidShadow` when a setup gave the start volumes (else
it stops the path with a clear issue); whether a spot has a tip is answered by the path's
:class:`~praxis_lab.trace.shadow.TipShadow`. A child assigned to or taken off the setup's
labware is never changed (it is shared by every path and kept for the next simulation): a
lid put on or taken off by hand (``plate.assign_child_resource(lid)``, ``plate.lid = None``)
is a ``state`` op the simulator checks, any other child (``carrier[0] = plate``) stops the
path unchecked. Item
lookups (``plate["A1:H1"]``, ``get_item("B3")``) are memoised: labware geometry does not
change while tracing.

Each answer is a method of :class:`TrackerHooks`, reached through the routes of
:mod:`praxis_lab.trace.scope`: only code inside the trace's scope gets them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab.trace import machines
from praxis_lab.trace.liquids import LiquidShadow
from praxis_lab.trace.scope import Scope, entered, route
from praxis_lab.trace.shadow import TipShadow
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op, TraceIssue, Tracer, _Bound

__all__ = ["TrackerHooks", "install", "record_state", "recording_state"]

_P = _plr.PLR

# (PLR class name, attribute, hook): what a trace answers differently
_ROUTES = (
    ("VolumeTracker", "set_volume", "set_volume"),
    ("VolumeTracker", "get_used_volume", "read_volume"),
    ("VolumeTracker", "get_free_volume", "read_volume"),
    ("TipTracker", "add_tip", "add_tip"),
    ("TipTracker", "remove_tip", "remove_tip"),
    ("TipTracker", "has_tip", "has_tip"),
    ("TipRack", "set_tip_state", "set_tip_state"),
    ("ItemizedResource", "__getitem__", "getitem"),
    ("ItemizedResource", "get_item", "get_item"),
    ("Resource", "unassign", "unassign"),
    ("Liddable", "lid", "lid"),
)
_LID_MOVES = ("move_lid", "move_resource", "assign_child_resource", "unassign_child_resource")


_CHANGES = ("assign_child_resource", "unassign_child_resource")


@functools.cache
def _tree_changers() -> tuple[tuple[type, str], ...]:
    """PLR's resource classes that define how a child is assigned or unassigned (each
    override is routed: the outermost call is the one answered)."""
    found, todo, seen = [], [_plr.PLR["Resource"]], set()
    while todo:
        cls = todo.pop()
        found += [(cls, attr) for attr in _CHANGES if attr in cls.__dict__]
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return tuple(found)


def install() -> None:
    """Route the attributes a trace answers (once per process; cheap afterwards)."""
    for cls_name, attr, hook in _ROUTES:
        route(_plr.PLR[cls_name], attr, hook)
    for cls, attr in _tree_changers():
        route(cls, attr, "change_tree")
    machines.install()


def record_state(tracer: Tracer, method: str, receiver: str, **args: Any) -> Op:
    """Record a ``state`` op: PLR state the protocol sets itself."""
    line, col = tracer.where()
    op = Op(len(tracer.ops), method, line, col, args, receiver, True, None, None, "state")
    tracer.record(op)
    return op


class TrackerHooks:
    """The answers of one traced path (a fresh shadow of the tip spots per path)."""

    def __init__(self, tracer_ref: Callable[[], Tracer], binding: Any) -> None:
        self.tracer_ref = tracer_ref
        self.binding = binding
        self.shadow = TipShadow()
        self.liquids = LiquidShadow()  # answers volume reads only with a setup's volumes
        self.scope: Scope | None = None  # the scope these hooks answer (set on entering it)
        # lookups: (method, uid(labware), identifier) -> items, for this binding's labware
        self.memo: dict[tuple[Any, ...], Any] = binding.__dict__.setdefault("_item_memo", {})
        # uid(labware) -> (labware, identifier -> index): PLR's get_item("B3") scans the
        # labware's identifiers for every item; get_item(index) is what it then does
        self.indices: dict[int, tuple[Any, dict[str, int]]] = binding.__dict__.setdefault(
            "_item_indices", {})
        # the same lookups by earlier bindings with the same labels: uid(labware) ->
        # (labware, its children and identifiers then, (method, identifier) -> items)
        self.shared: dict[int, tuple[Any, Any, dict[Any, Any]]] | None = getattr(
            binding, "_item_lookups", None)
        self.labelled: dict[int, str] = getattr(binding, "_labels", {})
        self.checked: dict[int, dict[Any, Any] | None] = {}

    # -- machines and time ------------------------------------------------------------
    def machine_call(self, original: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A real machine's operation called inside the trace: made on its stand-in."""
        stand_ins = self.__dict__.setdefault("_machines", {})
        return machines.machine_call(self.tracer_ref, stand_ins, self.labelled, obj,
                                     original.__name__, args, kwargs)

    def slept(self, delay: Any) -> None:
        """``asyncio.sleep`` in the traced protocol: recorded, not waited."""
        machines.record_sleep(self.tracer_ref(), delay)

    def _key(self, tracker: Any) -> str:
        res = self.binding.resource_of(tracker)
        return self.binding.key(res) if res is not None else str(tracker.thing)

    # -- volume trackers -------------------------------------------------------------
    def set_volume(self, original: Any, tracker: Any, volume: float) -> None:
        res = self.binding.resource_of(tracker)
        if res is None:
            return original(tracker, volume)  # type: ignore[no-any-return]
        key = self._key(tracker)
        record_state(self.tracer_ref(), "set_volume", key, key=key,
                     volume=float(concrete(volume)),
                     max_volume=float(getattr(res, "max_volume", tracker.max_volume)))
        self.liquids.set(tracker, float(concrete(volume)))
        return None

    def read_volume(self, original: Any, tracker: Any, *args: Any, **kwargs: Any) -> Any:
        if self.scope is not None and self.scope.real:
            return original(tracker, *args, **kwargs)
        if self._knows_volume(tracker):  # the setup's volume and what the path did since
            used = self.liquids.volume(tracker, self.real_volume)
            return used if getattr(original, "__name__", "") != "get_free_volume" else \
                float(tracker.max_volume) - used
        line, col = self.tracer_ref().where()
        raise _Bound(TraceIssue(
            "reads_state", f"the protocol reads the liquid tracker of {self._key(tracker)} "
            "while it is being simulated; pass volumes as parameters instead", line, col))

    def _knows_volume(self, tracker: Any) -> bool:
        """Whether the path's volume of ``tracker``'s container is known: a setup's
        labware (the proposed deck's start volumes are what the check works out), every
        op since followed."""
        return not self.binding.proposed and not self.liquids.lost and \
            self.binding.resource_of(tracker) is not None

    @staticmethod
    def real_volume(tracker: Any) -> float:
        """The real tracker's volume (the setup's), read past the trace's route (PLR
        0.2.2's ``get_used_volume``)."""
        return float(tracker.pending_volume)

    # -- the deck's tree ------------------------------------------------------------
    def change_tree(self, original: Any, res: Any, *args: Any, **kwargs: Any) -> Any:
        """A child assigned to (or taken off) the setup's labware inside the protocol: the
        labware is shared by every path checked (and kept for the next simulation), so it
        is never changed. A lid put on or taken off a plate (or container) is a ``state``
        op the simulator applies and checks as PLR does; any other child stops the path
        unchecked. Labware the protocol makes itself is built as usual."""
        if (self.scope is not None and self.scope.real) or not self._bound_tree(res):
            return original(res, *args, **kwargs)
        child = args[0] if args else kwargs.get("resource")
        if isinstance(child, _P["Lid"]) and isinstance(res, _P["Plate"] | _P["Container"]):
            # a lid put on (or taken off) by hand: a state op the simulator checks in order
            # (PLR's "already has a lid", a lid still on the deck); the labware is left as is
            record_state(self.tracer_ref(), original.__name__, self.binding.key(res),
                         resource=child, to=res)
            return None
        line, col = self.tracer_ref().where()
        name = getattr(res, "name", type(res).__name__)
        raise _Bound(TraceIssue(
            "reads_state", f"the protocol changes the deck while it is being simulated "
            f"({original.__name__} on {name}); assign labware in the setup, move it with "
            "lh.move_plate / lh.move_lid", line, col))

    def _bound_tree(self, res: Any) -> bool:
        """Whether ``res`` is, or sits on, the setup's deck or labware (its parents are
        walked: the root of a plate on the deck is the handler above it, which the
        protocol need not be given)."""
        roots = self.__dict__.get("_roots")
        if roots is None:
            values = [self.binding.deck, *self.binding.objects.values()]
            flat = [v for x in values for v in (x if isinstance(x, list | tuple) else [x])]
            roots = self.__dict__["_roots"] = {uid(v) for v in flat if v is not None}
        node = res
        while node is not None:
            if uid(node) in roots:
                return True
            node = getattr(node, "parent", None)
        return False

    def lid(self, getter: Any, res: Any) -> Any:
        """``plate.lid`` (and ``has_lid()``) while traced: the setup's lid, then what the
        path's lid moves and lids put on or taken off by hand did to it."""
        lid = getter(res)
        if self.scope is not None and self.scope.real:
            return lid
        for op in self.tracer_ref().ops:
            if op.method not in _LID_MOVES:
                continue
            moved = op.args.get("lid", op.args.get("resource"))
            if not isinstance(moved, _P["Lid"]):
                continue
            to = None if op.method == "unassign_child_resource" else op.args.get("to")
            if to is res:
                lid = moved
            elif moved is lid:
                lid = None
        return lid

    # -- tip trackers ----------------------------------------------------------------
    def has_tip(self, getter: Any, tracker: Any) -> bool:
        real = self.scope is not None and self.scope.real
        found = None if real else self.shadow.spots.get(uid(tracker))
        return bool(getter(tracker)) if found is None else found

    def _set_tip(self, tracker: Any, has: bool) -> None:
        key = self._key(tracker)
        record_state(self.tracer_ref(), "set_tip", key, key=key, has_tip=has)
        self.shadow.spots[uid(tracker)] = has

    def add_tip(self, original: Any, tracker: Any, *args: Any, **kwargs: Any) -> None:
        if self.binding.resource_of(tracker) is None:  # not labware of this protocol
            return original(tracker, *args, **kwargs)  # type: ignore[no-any-return]
        self._set_tip(tracker, True)
        return None

    def remove_tip(self, original: Any, tracker: Any, *args: Any, **kwargs: Any) -> None:
        if self.binding.resource_of(tracker) is None:
            return original(tracker, *args, **kwargs)  # type: ignore[no-any-return]
        self._set_tip(tracker, False)
        return None

    def set_tip_state(self, original: Any, rack: Any, tips: Any) -> None:
        items = tips.items() if isinstance(tips, dict) else enumerate(tips)
        for ident, has in items:
            spot = rack.get_item(ident)
            key = self.binding.key(spot)
            record_state(self.tracer_ref(), "set_tip", key, key=key, has_tip=bool(has))
            self.shadow.spots[uid(spot.tracker)] = bool(has)

    # -- the deck tree ---------------------------------------------------------------
    def unassign(self, original: Any, res: Any) -> None:
        """``plate.unassign()`` (taking a plate off by hand, to put it on a machine with
        its ``assign_child_resource``): a ``state`` op; the setup's deck is left as it is
        (every explored path shares it). Labware the protocol made itself is unassigned."""
        real = self.scope is not None and self.scope.real
        if real or res.parent is None or not self.binding.on_deck(res):
            return original(res)  # type: ignore[no-any-return]
        key = self.binding.key(res)
        record_state(self.tracer_ref(), "unassign_child_resource", key, resource=res)
        return None

    # -- item lookups ----------------------------------------------------------------
    def getitem(self, original: Any, res: Any, identifier: Any) -> Any:
        return self._lookup("__getitem__", original, res, identifier)

    def get_item(self, original: Any, res: Any, identifier: Any) -> Any:
        return self._lookup("get_item", original, res, identifier)

    def _lookup(self, name: str, original: Any, res: Any, identifier: Any) -> Any:
        try:
            key = (name, uid(res), identifier)
            found = self.memo.get(key)
        except TypeError:  # unhashable (a slice): no memo
            return original(res, identifier)
        if found is None:
            # plain identifiers only: a Sym compares by forking the path being traced
            table = self._shared_lookups(res) if type(identifier) in (str, int) else None
            found = table.get((name, identifier)) if table is not None else None
            if found is None:
                index = self._index_of(res, identifier) if (
                    name == "get_item" and type(identifier) is str) else None
                found = original(res, identifier if index is None else index)
                if table is not None:
                    table[(name, identifier)] = found
            self.memo[key] = found
        return list(found) if isinstance(found, list) else found

    def _index_of(self, res: Any, identifier: str) -> int | None:
        found = self.indices.get(uid(res))
        if found is None:
            table: dict[str, int] = {}
            for i, ident in enumerate(getattr(res, "_ordering", None) or ()):
                table.setdefault(ident, i)  # PLR's list.index: the first one
            found = self.indices[uid(res)] = (res, table)  # the labware is kept alive
        return found[1].get(identifier)

    def _shared_lookups(self, res: Any) -> dict[Any, Any] | None:
        """The lookups of earlier bindings in labelled labware, while its children and
        identifiers are still those."""
        if uid(res) in self.checked:
            return self.checked[uid(res)]
        table = None
        if self.shared is not None and uid(res) in self.labelled:
            now = (tuple(res.children), tuple((getattr(res, "_ordering", None) or {}).items()))
            entry = self.shared.get(uid(res))
            if entry is None or entry[0] is not res or not _same_items(entry[1], now):
                entry = self.shared[uid(res)] = (res, now, {})  # the labware is kept alive
            table = entry[2]
        self.checked[uid(res)] = table
        return table


def _same_items(then: tuple[Any, Any], now: tuple[Any, Any]) -> bool:
    """The same child objects in the same order, and the same identifiers."""
    return len(then[0]) == len(now[0]) and all(
        a is b for a, b in zip(then[0], now[0], strict=True)) and then[1] == now[1]


@contextlib.contextmanager
def recording_state(tracer_ref: Callable[[], Tracer], binding: Any) -> Iterator[TrackerHooks]:
    """Trace one path: PLR answers this context with a fresh :class:`TrackerHooks`."""
    install()
    hooks = TrackerHooks(tracer_ref, binding)
    hooks.scope = Scope(tracer_ref(), hooks)
    try:
        with entered(hooks.scope):
            yield hooks
    finally:  # the scope and its hooks name each other: let go, the path's ops are freed
        hooks.scope = None  # at once, not at the garbage collector's next pass
