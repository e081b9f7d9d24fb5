"""The state of the world beyond the pipettes: where each plate is, which plates have lids,
what each machine is doing, and the protocol's clock.

Like :class:`~praxis_lab.sim.state.State`'s tips and volumes, every change is journaled in
the path's ``State`` (pending until committed, undone by a rollback), and every place and
machine enters the state lazily, as the setup (or the proposed deck) has it at the start.
Places are named by the binding's keys: ``reader`` for a machine parameter, ``plt_car[1]``
for a site of a carrier parameter, the PLR name otherwise (``plt_car_1-0``); a plate at a
coordinate is at ``deck@(x, y)``.

>>> from praxis_lab.protocol.analyse import analyse
>>> from praxis_lab.deck.binding import bind
>>> from praxis_lab.sim.state import State
>>> b = bind(analyse("async def p(lh: LiquidHandler, plate: Plate, reader: PlateReader): ..."))
>>> d = Devices(State(), b)
>>> d.place_of(b.objects["plate"]), d.occupant(b.objects["reader"])
('plt_car_1-0', None)
>>> d.move(b.objects["plate"], b.objects["reader"]); d.occupant(b.objects["reader"])
'plate'
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._plr import machines as plr_machines
from praxis_lab.sim.state import State

__all__ = ["Devices", "device_requirements"]

_P = _plr.PLR


def holds_one(res: Any) -> bool:
    """Whether ``res`` is a place for one plate (a carrier site, a machine's plate holder,
    a centrifuge bucket, an incubator's loading tray)."""
    return _plr.is_site(res)


class Devices:
    """Plate places, lids, machine state and the clock of one path, journaled in ``state``."""

    def __init__(self, state: State, binding: Any) -> None:
        self.state, self.binding = state, binding
        self.where: dict[str, str | None] = {}  # plate key -> place key
        self.holds: dict[str, str | None] = {}  # place key -> plate key
        self.lids: dict[str, bool] = {}  # plate (or container) key -> has a lid
        self._lid_put = False  # a lid was put on something on this path
        self.status: dict[str, Any] = {}  # "<machine key>.<field>" -> value
        self.times: dict[str, float] = {"now": 0.0, "end": 0.0}
        self.moved: dict[str, str | None] = {}  # this op's moves (for the timeline)
        self.objects: dict[str, Any] = {}  # key -> the resource (not journaled)
        self.initial: dict[str, str | None] = {}  # plate key -> where it started
        self.used: dict[str, set[str]] = {}  # machine key -> the methods called on it
        self.handled: list[str] = []  # the plates moved so far, last last (for fixes)

    def key(self, res: Any) -> str:
        key = str(self.binding.key(res))
        self.objects.setdefault(key, res)
        return key

    # -- places ---------------------------------------------------------------------------
    def _enter(self, plate: Any) -> str:
        """The plate's key, its start place read from the deck the first time."""
        key = self.key(plate)
        if key not in self.where:
            parent = getattr(plate, "parent", None)
            place = self.key(parent) if parent is not None and holds_one(parent) else (
                None if parent is None else self.key(parent))
            self.where[key] = self.initial[key] = place
            if place is not None and holds_one(parent) and place not in self.holds:
                self.holds[place] = key
        return key

    def _enter_place(self, holder: Any) -> str:
        key = self.key(holder)
        if key not in self.holds:
            found = next((c for c in getattr(holder, "children", ()) if isinstance(
                c, _P["Plate"] | _P["TipRack"] | _P["Container"])), None)
            self.holds[key] = None if found is None else self._enter(found)
        return key

    def place_of(self, plate: Any) -> str | None:
        """Where the plate is now (a place key, None when off every place)."""
        return self.where[self._enter(plate)]

    def occupant(self, holder: Any) -> str | None:
        """The plate on a place now (its key), or None."""
        return self.holds[self._enter_place(holder)]

    def occupant_object(self, holder: Any) -> Any:
        key = self.occupant(holder)
        return self.objects.get(key) if key is not None else None

    def move(self, plate: Any, to: Any) -> None:
        """Move ``plate`` onto ``to`` (a place, or any resource or coordinate)."""
        key = self._enter(plate)
        self._leave(key)
        if isinstance(to, str):
            dest: str | None = to
        elif to is None:
            dest = None
        else:
            dest = self._enter_place(to) if holds_one(to) else self.key(to)
        if dest is not None and to is not None and not isinstance(to, str) and holds_one(to):
            self.state._set(self.holds, dest, key)
        if isinstance(plate, _P["Plate"]):
            self.handled.append(key)
        self.state._set(self.where, key, dest)
        self.state._set(self.moved, key, dest)

    def _leave(self, key: str) -> None:
        old = self.where.get(key)
        if old is not None and self.holds.get(old) == key:
            self.state._set(self.holds, old, None)

    def last_plate(self, besides: str | None = None) -> str | None:
        """The plate moved most recently (not ``besides``): what a fix moves onto a machine
        that was asked to act on none."""
        found = next((k for k in reversed(self.handled) if k != besides), None)
        if found is None:  # none moved yet: the protocol's first plate
            found = next((name for name, obj in self.binding.objects.items()
                          if isinstance(obj, _P["Plate"]) and name != besides), None)
        return found

    def home_if_free(self, plate: str) -> str | None:
        """The PLR name of the place ``plate`` started on, when that place is free now (where
        a fix can put it back), else None."""
        start = self.initial.get(plate)
        if start is None:
            return None
        obj = self.objects.get(start)
        if obj is None or not holds_one(obj) or self.holds.get(start) is not None:
            return None
        return str(obj.name)

    def take_moves(self) -> dict[str, str | None]:
        """The moves of the op just committed (for its timeline step)."""
        moved, self.moved = self.moved, {}
        return moved

    # -- lids ------------------------------------------------------------------------------
    def has_lid(self, res: Any) -> bool:
        key = self.key(res)
        if key not in self.lids:
            self.lids[key] = bool(getattr(res, "has_lid", lambda: False)())
        return self.lids[key]

    def may_have_lids(self) -> bool:
        """Whether anything can have a lid now: a lid sat somewhere as the protocol started,
        or one was put on since (without either, no pipetting can meet a lid)."""
        return self._lid_put or bool(self.binding.starts_lidded())

    def set_lid(self, res: Any, on: bool) -> None:
        self._lid_put = self._lid_put or on
        self.has_lid(res)
        self.state._set(self.lids, self.key(res), on)

    def lidded_ancestor(self, res: Any) -> Any:
        """The nearest resource at or above ``res`` that has a lid now (PLR's own walk)."""
        current = res
        while current is not None:
            if isinstance(current, _P["Container"] | _P["Plate"]) and self.has_lid(current):
                return current
            current = getattr(current, "parent", None)
        return None

    # -- machines --------------------------------------------------------------------------
    def get(self, machine: Any, field: str, start: Any = None) -> Any:
        name = f"{self.key(machine)}.{field}"
        if name not in self.status:
            self.status[name] = start
        return self.status[name]

    def set(self, machine: Any, field: str, value: Any) -> None:
        self.get(machine, field)
        self.state._set(self.status, f"{self.key(machine)}.{field}", value)

    def note_use(self, receiver: str, method: str) -> None:
        self.used.setdefault(receiver, set()).add(method)

    # -- the clock -------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.times["now"]

    def advance(self, seconds: float) -> None:
        """The protocol waits ``seconds`` (a shake, a spin, a sleep)."""
        if seconds > 0:
            self.state._set(self.times, "now", self.now + seconds)

    def busy_until(self, seconds_from_now: float) -> float:
        """A machine works on while the protocol goes on (a thermocycler profile): the
        protocol ends no earlier than that; returns when it is done."""
        done = self.now + max(seconds_from_now, 0.0)
        if done > self.times["end"]:
            self.state._set(self.times, "end", done)
        return done

    @property
    def duration(self) -> float:
        return max(self.now, self.times["end"])


def device_requirements(contexts: list[Any], binding: Any) -> dict[str, Any]:
    """What the protocol needs beyond labware: ``machines`` (every machine it calls or puts a
    plate on: name, type, the methods called, its backend and whether PLR simulates it) and
    ``plates`` (each plate it moves or a machine needs: where it must start)."""
    from praxis_lab.deck.places import machine_entries, place

    used: dict[str, set[str]] = {}
    starts: dict[str, tuple[Any, str | None]] = {}
    for ctx in contexts:
        dev = ctx.devices
        for receiver, methods in dev.used.items():
            used.setdefault(receiver, set()).update(methods)
        for plate, key in dev.initial.items():
            if isinstance(dev.objects.get(plate), _P["Plate"]):
                starts.setdefault(plate, (dev.objects.get(key), key))
        # the places plates start on or are put on (a reader a plate goes into is needed
        # even when its only call is refused)
        for key in {*dev.initial.values(), *dev.holds}:
            found = dev.objects.get(key) if key is not None else None
            while found is not None and not plr_machines.is_machine(found):
                found = getattr(found, "parent", None)
            if found is not None:
                used.setdefault(str(binding.key(found)), set())
    entries = {e["parameter"] or e["name"]: e for e in machine_entries(binding)}
    machines = []
    for name in sorted(set(used) - {"asyncio"}):
        entry = entries.get(name, {})
        machines.append({"name": name, "type": entry.get("type"), "methods": sorted(used[name]),
                         "backend": entry.get("backend"), "simulator": entry.get("simulator"),
                         "on_deck": entry.get("on_deck")})
    plates = [{"plate": plate, "starts_at": place(binding, obj, key)}
              for plate, (obj, key) in starts.items()]
    return {"machines": machines, "plates": plates}
