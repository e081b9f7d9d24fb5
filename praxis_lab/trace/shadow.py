"""The tips as one traced path has left them, for a protocol that reads its racks.

The real labware is shared by every traced path and never changes while tracing; a
:class:`TipShadow` per path answers ``spot.has_tip()`` with what that path's own tip ops
and state edits did (see ``proxies.recording_state``).

>>> from praxis_lab import _plr
>>> from praxis_lab.trace.tracer import Op
>>> rack = _plr.labware("hamilton_96_tiprack_1000uL_filter", "tips")
>>> shadow = TipShadow()
>>> shadow.apply(Op(0, "pick_up_tips", 3, 4, {"tip_spots": rack["A1:B1"]}))
>>> sorted(shadow.head), shadow.has_tip(rack.get_item("A1")), shadow.has_tip(rack.get_item("C1"))
([0, 1], False, None)
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op

__all__ = ["TipShadow"]


def _as_list(value: Any) -> list[Any]:
    value = concrete(value)
    return list(value) if isinstance(value, list | tuple) else [value]


class TipShadow:
    """Which tip spots hold a tip as far as one traced path has got, for the protocol's reads.

    The real labware is shared by every path and never changes while tracing, so a
    protocol that looks for the next full column (``spot.has_tip()``) would see the
    setup's rack forever. The shadow follows what the path did: tip state set in the
    protocol, and the effect of each traced tip op *as if it succeeded* (the simulator
    judges whether it does). Spots the path has not touched read their real state.
    """

    def __init__(self) -> None:
        self.spots: dict[int, bool] = {}  # uid(tracker) -> has a tip
        self.head: dict[int, Any] = {}  # channel -> the spot its tip came from
        self.head96: tuple[Any, list[bool]] | None = None  # (rack, positions picked up)

    def set(self, spot: Any, has: bool) -> None:
        if isinstance(spot, _plr.PLR["TipSpot"]):
            self.spots[uid(spot.tracker)] = has

    def has_tip(self, spot: Any) -> bool | None:
        """Whether the path left a tip in ``spot``; None when it has not touched it."""
        return self.spots.get(uid(spot.tracker))

    def apply(self, op: Op) -> None:
        try:
            getattr(self, "_" + op.method, _ignore)(op)
        except Exception:  # a malformed call: the simulator reports it, the shadow moves on
            return

    def _pick_up_tips(self, op: Op) -> None:
        spots = _as_list(op.args["tip_spots"])
        for ch, spot in zip(op.channels_for(len(spots)), spots, strict=False):
            self.set(spot, False)
            self.head[ch] = spot

    def _drop_tips(self, op: Op) -> None:
        targets = _as_list(op.args["tip_spots"])
        for ch, target in zip(op.channels_for(len(targets)), targets, strict=False):
            self.set(target, True)
            self.head.pop(ch, None)

    def _return_tips(self, op: Op) -> None:
        given = concrete(op.args.get("use_channels"))
        for ch in [c for c in list(self.head) if given is None or c in given]:
            self.set(self.head.pop(ch), True)

    def _discard_tips(self, op: Op) -> None:
        given = concrete(op.args.get("use_channels"))
        for ch in [c for c in list(self.head) if given is None or c in given]:
            self.head.pop(ch)

    def _pick_up_tips96(self, op: Op) -> None:
        rack = op.args["tip_rack"]
        spots = rack.get_all_items()
        mask = [s.tracker.has_tip for s in spots]  # read through the shadow
        for spot, has in zip(spots, mask, strict=True):
            if has:
                self.set(spot, False)
        self.head96 = (rack, mask)

    def _drop96(self, rack: Any) -> None:
        if self.head96 is not None and isinstance(rack, _plr.PLR["TipRack"]):
            for spot, has in zip(rack.get_all_items(), self.head96[1], strict=False):
                if has:
                    self.set(spot, True)
        self.head96 = None

    def _drop_tips96(self, op: Op) -> None:
        self._drop96(op.args["resource"])

    def _return_tips96(self, op: Op) -> None:
        self._drop96(self.head96[0] if self.head96 is not None else None)

    def _discard_tips96(self, op: Op) -> None:
        self.head96 = None

    def _clear_head_state(self, op: Op) -> None:
        # PLR 0.2.2 clears the channels only (update_head_state over lh.head), as the
        # simulator's state rule does: tips on the 96 head stay on it
        self.head.clear()

    def _consolidate_tip_inventory(self, op: Op) -> None:
        from praxis_lab._plr.consolidate import consolidation_moves

        channels = concrete(op.args.get("use_channels")) or list(range(8))
        moves = consolidation_moves(op.args["tip_racks"], lambda s: bool(s.tracker.has_tip),
                                    len(channels))
        for origins, targets in moves:
            for spot in origins:
                self.set(spot, False)
            for spot in targets:
                self.set(spot, True)


def _ignore(op: Op) -> None:
    return None
