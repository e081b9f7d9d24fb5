"""PLR 0.2.2's ``consolidate_tip_inventory`` plan, as data: which tips move where.

The rule (``rules.consolidate_tip_inventory``) replays the plan as pick-ups and drops;
the tip shadow of a traced path (``shadow.py``) follows it too.

>>> from praxis_lab import _plr
>>> rack = _plr.labware("hamilton_96_tiprack_1000uL_filter", "tips")
>>> full = {s.name for s in rack.get_all_items()[8:12]}  # four tips, in column 2
>>> [(len(o), [t.get_identifier() for t in tg]) for o, tg in
...  consolidation_moves([rack], lambda s: s.name in full, 8)]
[(4, ['A1', 'B1', 'C1', 'D1'])]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["consolidation_moves"]


def consolidation_moves(racks: Any, has_tip: Callable[[Any], bool],
                        n_channels: int) -> list[tuple[list[Any], list[Any]]]:
    """PLR 0.2.2's ``consolidate_tip_inventory`` plan: ``(origin spots, target spots)`` per move.

    Only partly filled racks take part, grouped by tip model, the fullest first; the
    first N spots of a group end up with its N tips. Targets go in batches of one
    column per rack (merged up to 8) with 8 channels or more, else in chunks.
    """
    groups: dict[int, list[tuple[Any, int]]] = {}
    for rack in racks:
        status = [has_tip(s) for s in rack.get_all_items()]
        if not any(status) or all(status):
            continue
        first = next(s for s, has in zip(rack.get_all_items(), status, strict=True) if has)
        groups.setdefault(hash(first.make_tip()), []).append((rack, status.count(False)))
    moves: list[tuple[list[Any], list[Any]]] = []
    for members in groups.values():
        members.sort(key=lambda m: m[1])
        spots = [s for rack, _ in members for s in rack.get_all_items()]
        now = [has_tip(s) for s in spots]
        n = sum(now)
        origins = [s for i, s in enumerate(spots) if now[i] and i >= n]
        targets = [s for i, s in enumerate(spots) if not now[i] and i < n]
        if not targets:
            continue
        if n_channels >= 8:
            columns: dict[tuple[str, float], list[Any]] = {}
            for s in sorted(targets, key=lambda s: (s.parent.name, round(s.location.x, 3))):
                columns.setdefault((s.parent.name, round(s.location.x, 3)), []).append(s)
            batches: list[list[Any]] = []
            buffer: list[Any] = []
            for column in columns.values():
                if len(buffer) + len(column) <= 8:
                    buffer.extend(column)
                else:
                    batches.append(buffer)
                    buffer = column
            batches.append(buffer)
        else:
            batches = [targets[i:i + n_channels] for i in range(0, len(targets), n_channels)]
        for batch in batches:
            moves.append(([origins.pop(0) for _ in batch], batch))
    return moves
