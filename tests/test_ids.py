"""praxis_lab keys its memos by identity without an audit event per object: the
simulation sandbox's audit hook stays installed, and an ``id()`` per well and spot would
call it thousands of times per simulation for nothing."""

from __future__ import annotations

import gc
import sys
from collections import Counter

from praxis_lab import simulate
from praxis_lab._ids import uid

_PLATE_COPY = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack

async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    for col in range(1, 13):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[50] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[50] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
'''

_EVENTS: Counter[str] = Counter()
_COUNTING = [False]


def _count(event: str, args: tuple[object, ...]) -> None:
    if _COUNTING[0]:
        _EVENTS[event] += 1


sys.addaudithook(_count)  # (a hook cannot be removed: it counts only while asked to)


def test_live_objects_never_share_a_uid_and_a_class_hash_is_not_used():
    class Same:
        def __hash__(self) -> int:
            return 7

        def __eq__(self, other: object) -> bool:
            return True

    objects = [Same() for _ in range(1000)]
    assert len({uid(o) for o in objects}) == 1000
    assert uid(objects[0]) == uid(objects[0]) != 7


def test_a_simulation_of_a_96_well_copy_calls_the_id_audit_event_a_handful_of_times():
    simulate(_PLATE_COPY + "\n# warm\n", cache=False)
    gc.collect()
    _EVENTS.clear()
    _COUNTING[0] = True
    try:
        report = simulate(_PLATE_COPY + "\n# counted\n", cache=False)
    finally:
        _COUNTING[0] = False
    assert report.ok, report.summary()
    assert len(report.graph.operations) == 48
    # 48 ops over 288 wells and spots: one event per object keyed would be ~4,000
    assert _EVENTS["builtins.id"] < 50, _EVENTS
