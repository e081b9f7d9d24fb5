"""Deck state for simulation: tips on channels, tips in spots, liquid in wells.

Every change is *pending* until :meth:`State.commit`; :meth:`State.rollback`
undoes a failed op completely (PLR's own trackers leave earlier channels
half-booked after an error on a later one). Volumes are exact numbers, or, for a
well whose start volume is unknown, ``v(key) + delta``: the state then learns the
smallest start volume the protocol needs (a *requirement*).

>>> s = State(channels=8)
>>> s.set_volume("src[A1]", None, 360.0)      # unknown start volume
>>> s.remove_liquid("src[A1]", 60.0)
>>> _ = s.commit(); s.required["src[A1]"]
60.0
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Channel", "State", "Volume", "shown_changes"]


class Volume(NamedTuple):
    """A well's volume: ``known`` exact µL, or unknown start plus ``delta``. (A named
    tuple: every volume a pipetting op changes is a new one, and a tuple is made in half
    the time of a frozen dataclass.)"""

    known: bool
    amount: float  # the exact volume, or the delta from the unknown start
    max_volume: float

    def text(self, key: str) -> str:
        if self.known:
            return f"{_n(self.amount)} µL"
        if self.amount == 0:
            return f"v({key})"
        sign = "+" if self.amount > 0 else "-"
        return f"v({key}) {sign} {_n(abs(self.amount))} µL"


class Channel(NamedTuple):
    """A mounted tip: where it came from, what it holds and can hold."""

    origin: str | None
    max_volume: float
    liquid: float = 0.0


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"


def shown_changes(changed: dict[str, Any]) -> dict[str, Any]:
    """A commit's changes as the timeline shows them: an unknown volume as its text
    (``v(src[A1]) - 50 µL``), said only for the path whose timeline is kept."""
    return {k: v.text(k) if isinstance(v, Volume) else v for k, v in changed.items()}


_MISSING = object()


class State:
    """Tips, spots, volumes and deck membership, with a journal of pending changes."""

    def __init__(self, channels: int = 8) -> None:
        self.num_channels = channels
        self.head: dict[int, Channel | None] = dict.fromkeys(range(channels))
        self.head96: Channel | None = None
        self.head96_origin: str | None = None
        self.spots: dict[str, bool] = {}
        self.volumes: dict[str, Volume] = {}
        self.required: dict[str, float] = {}
        self.infeasible: dict[str, float] = {}  # start volumes above the well's maximum
        self.capacity: dict[str, float] = {}  # proposed wells: what they must be able to hold
        self.placed: dict[str, bool] = {}
        self.air: dict[str, Any] = {}  # "blow_out": the last aspirate's blow-out air (PLR's
        # handler keeps one list for the next dispense to blow out)
        self._journal: list[tuple[dict[Any, Any], Any, Any]] = []
        self.changed: dict[str, Any] = {}
        # With exact volumes, the symbolic level's view of the same wells, kept alongside
        # (``start_twin``): the change from an unknown start (None once the protocol sets
        # the volume), the start each needs, and whether that level would find one short.
        # A path with no failure then gives the symbolic requirements without a replay.
        self.twin: dict[str, float | None] | None = None
        self.twin_required: dict[str, float] = {}
        self.twin_failed = False

    # -- journal ---------------------------------------------------------------------
    def _set(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        self._journal.append((table, key, table.get(key, _MISSING)))
        table[key] = value

    def commit(self) -> dict[str, Any]:
        """Make pending changes permanent; returns the state keys changed (for the timeline)."""
        self._journal.clear()
        changed, self.changed = self.changed, {}
        return changed

    def rollback(self) -> None:
        """Undo every pending change, newest first."""
        for table, key, old in reversed(self._journal):
            if old is _MISSING:
                table.pop(key, None)
            else:
                table[key] = old
        self._journal.clear()
        self.changed = {}

    # -- tips --------------------------------------------------------------------------
    def has_spot_tip(self, key: str, default: bool = True) -> bool:
        return self.spots.get(key, default)

    def set_spot(self, key: str, has_tip: bool) -> None:
        spots = self.spots
        self._journal.append((spots, key, spots.get(key, _MISSING)))  # (_set, inlined)
        spots[key] = has_tip
        self.changed[key] = has_tip

    def mount(self, channel: int, tip: Channel | None) -> None:
        head = self.head
        self._journal.append((head, channel, head.get(channel, _MISSING)))  # (_set, inlined)
        head[channel] = tip

    def set_blow_out(self, air: list[float | None] | None) -> None:
        self._set(self.air, "blow_out", air)

    # -- liquid --------------------------------------------------------------------------
    def set_volume(self, key: str, amount: float | None, max_volume: float) -> None:
        """Set a well's volume (``None``: unknown start volume)."""
        vol = Volume(amount is not None, float(amount or 0.0), float(max_volume))
        self._set(self.volumes, key, vol)
        if vol.known:
            self.changed[key] = vol.amount

    def enter_volume(self, key: str, amount: float | None, max_volume: float) -> None:
        """A well enters the state with its start volume (``None``: unknown): not a pending
        change, and the symbolic level starts it unknown."""
        self.volumes[key] = Volume(amount is not None, float(amount or 0.0), float(max_volume))
        self.start_twin(key)

    def volume(self, key: str) -> Volume | None:
        return self.volumes.get(key)

    # -- the symbolic twin of exact volumes ------------------------------------------------
    def start_twin(self, key: str) -> None:
        """A well enters the state: the symbolic level starts it unknown (not journaled,
        like the well's own first volume)."""
        if self.twin is not None:
            self.twin[key] = 0.0

    def set_twin_known(self, key: str) -> None:
        """The protocol set the well's volume: known at the symbolic level too."""
        if self.twin is not None and key in self.twin:
            self._set(self.twin, key, None)

    def _twin_remove(self, key: str, amount: float, max_volume: float) -> None:
        # the unknown-volume branch of remove_liquid, step for step
        delta = self.twin.get(key) if self.twin is not None else None
        if delta is None:
            return
        delta = delta - amount
        need = max(self.twin_required.get(key, 0.0), -delta)
        if need > max_volume + 1e-9:
            self.twin_failed = True
            return
        if need > self.twin_required.get(key, 0.0):
            self._set(self.twin_required, key, need)
        self._set(self.twin, key, delta)  # type: ignore[arg-type]

    def _twin_add(self, key: str, amount: float, max_volume: float) -> None:
        # the unknown-volume branch of add_liquid, step for step
        delta = self.twin.get(key) if self.twin is not None else None
        if delta is None:
            return
        free = max_volume - (self.twin_required.get(key, 0.0) + delta)
        if amount > free + 1e-9:
            self.twin_failed = True
            return
        self._set(self.twin, key, delta + amount)  # type: ignore[arg-type]

    def _store(self, key: str, vol: Volume) -> None:
        volumes = self.volumes
        self._journal.append((volumes, key, volumes.get(key, _MISSING)))  # (_set, inlined)
        volumes[key] = vol
        self.changed[key] = vol.amount if vol.known else vol  # said by shown_changes

    def remove_liquid(self, key: str, amount: float) -> float | None:
        """Take ``amount``; returns the volume held when there is not enough, else None."""
        vol = self.volumes.get(key)
        if vol is None:
            return None
        if vol.known:
            if amount > vol.amount + 1e-9:
                return vol.amount
            self._store(key, Volume(True, vol.amount - amount, vol.max_volume))
            if self.twin is not None:
                self._twin_remove(key, amount, vol.max_volume)
            return None
        delta = vol.amount - amount
        need = max(self.required.get(key, 0.0), -delta)
        if need > vol.max_volume + 1e-9:
            # even a full well cannot supply it; remember what it would take (not journaled:
            # the failed op is rolled back, the requirement it reveals stays)
            self.infeasible[key] = max(self.infeasible.get(key, 0.0), need)
            return vol.max_volume + vol.amount
        if need > self.required.get(key, 0.0):
            self._set(self.required, key, need)
        self._store(key, Volume(False, delta, vol.max_volume))
        return None

    def overfill(self, key: str, amount: float) -> float:
        """Add ``amount`` to a well of guessed labware beyond its maximum: what it must hold
        is a requirement (``capacity``), not a failure; returns that volume."""
        vol = self.volumes[key]
        held = vol.amount + (0.0 if vol.known else self.required.get(key, 0.0)) + amount
        self._store(key, Volume(vol.known, vol.amount + amount, vol.max_volume))
        if held > self.capacity.get(key, 0.0):
            self._set(self.capacity, key, held)
        return held

    def add_liquid(self, key: str, amount: float) -> float | None:
        """Add ``amount``; returns the free space when it does not fit, else None."""
        vol = self.volumes.get(key)
        if vol is None:
            return None
        if vol.known:
            free = vol.max_volume - vol.amount
        else:  # the start volume is at least what the protocol requires
            free = vol.max_volume - (self.required.get(key, 0.0) + vol.amount)
        if amount > free + 1e-9:
            return max(free, 0.0)
        self._store(key, Volume(vol.known, vol.amount + amount, vol.max_volume))
        if vol.known and self.twin is not None:
            self._twin_add(key, amount, vol.max_volume)
        return None
