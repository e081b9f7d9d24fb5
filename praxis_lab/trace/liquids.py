"""The volumes as one traced path has left them, for a protocol that reads its wells.

Like :class:`~praxis_lab.trace.shadow.TipShadow` for tips: the real labware is shared by
every traced path and never changes while tracing, so ``well.tracker.get_used_volume()``
would read the setup's volume forever. A :class:`LiquidShadow` per path follows what the
path's own ops did *as if they succeeded* (the simulator judges whether they do): volumes
the protocol sets, aspirates, dispenses and transfers. Only the start volumes of a setup
are known; an op it cannot follow (the 96 head, ``stamp``) makes later reads unanswerable.

>>> from praxis_lab import _plr
>>> from praxis_lab.trace.tracer import Op
>>> plate = _plr.labware("cor_96_wellplate_360uL_Fb", "plate")
>>> shadow = LiquidShadow()
>>> shadow.set(plate.get_item("A1").tracker, 100.0)
>>> real = lambda tracker: 0.0  # what the setup's trackers hold
>>> shadow.apply(Op(0, "aspirate", 3, 4, {"resources": plate["A1:B1"], "vols": [30, 5]}), real)
>>> [shadow.volume(plate.get_item(w).tracker, real) for w in ("A1", "B1")]
[70.0, -5.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab._ids import uid
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op

__all__ = ["LiquidShadow"]

# ops that change volumes in ways the shadow does not follow: later reads are not answered
_UNFOLLOWED = frozenset({"aspirate96", "dispense96", "stamp"})
_FOLLOWED = _UNFOLLOWED | {"aspirate", "dispense", "transfer"}


class LiquidShadow:
    """What one traced path has put into and taken out of each container."""

    def __init__(self) -> None:
        self.volumes: dict[int, tuple[Any, float]] = {}  # uid(tracker) -> (tracker, µL)
        self._lost = False
        # ops not followed yet: most protocols never read a volume, so the shadow follows
        # the path's ops only when one is read (or set), in their order
        self._pending: list[tuple[Op, Callable[[Any], float]]] = []

    @property
    def lost(self) -> bool:
        """Whether an op the shadow cannot follow has run (later reads are not answered)."""
        self._follow()
        return self._lost

    def set(self, tracker: Any, volume: float) -> None:
        self._follow()
        self.volumes[uid(tracker)] = (tracker, float(volume))

    def volume(self, tracker: Any, read: Callable[[Any], float]) -> float:
        """The path's volume of ``tracker``'s container (``read``: the real tracker's)."""
        self._follow()
        found = self.volumes.get(uid(tracker))
        return float(read(tracker)) if found is None else found[1]

    def _follow(self) -> None:
        pending, self._pending = self._pending, []
        for op, read in pending:
            self._apply(op, read)

    def _change(self, res: Any, amount: float, read: Callable[[Any], float]) -> None:
        tracker = getattr(res, "tracker", None)
        if tracker is not None:
            found = self.volumes.get(uid(tracker))
            now = float(read(tracker)) if found is None else found[1]
            self.volumes[uid(tracker)] = (tracker, now + amount)

    def apply(self, op: Op, read: Callable[[Any], float]) -> None:
        """Follow ``op`` (when a volume is next read or set)."""
        if op.method in _FOLLOWED:
            self._pending.append((op, read))

    def _apply(self, op: Op, read: Callable[[Any], float]) -> None:
        if op.method in _UNFOLLOWED:
            self._lost = True
            return
        try:
            if op.method in ("aspirate", "dispense"):
                self._liquid(op, -1.0 if op.method == "aspirate" else 1.0, read)
            elif op.method == "transfer":
                self._transfer(op, read)
        except Exception:  # a malformed call: the simulator reports it, the shadow moves on
            return

    def _liquid(self, op: Op, sign: float, read: Callable[[Any], float]) -> None:
        resources, vols = concrete(op.args["resources"]), concrete(op.args["vols"])
        if not isinstance(resources, list | tuple) or not isinstance(vols, list | tuple):
            self._lost = True  # (a generator is PLR's to read once, not the shadow's)
            return
        resources, vols = list(resources), [float(v) for v in vols]
        if len({uid(r) for r in resources}) == 1:  # one container for every channel
            resources = resources[:1] * len(vols)
        for res, vol in zip(resources, vols, strict=False):
            self._change(res, sign * vol, read)

    def _transfer(self, op: Op, read: Callable[[Any], float]) -> None:
        targets, vols = concrete(op.args["targets"]), concrete(op.args.get("target_vols"))
        if not isinstance(targets, list | tuple) or not isinstance(vols, list | tuple | None):
            self._lost = True
            return
        if vols is None:
            ratios = concrete(op.args.get("ratios")) or [1] * len(targets)
            source_vol = float(concrete(op.args["source_vol"]))
            vols = [source_vol * r / sum(ratios) for r in ratios]
        self._change(op.args["source"], -sum(float(v) for v in vols), read)
        for target, vol in zip(targets, vols, strict=False):
            self._change(target, float(vol), read)
