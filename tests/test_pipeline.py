"""A simulation leaves nothing for the garbage collector: its report, paths and ops are
freed by reference counting as soon as they are let go (the collector is paused while a
simulation runs, and a pass over a simulation's leftovers costs as much as a fifth of it);
the garbage the protocol made is collected inside the sandbox, so its finalizers are
refused like the rest of it."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from praxis_lab import simulate
from praxis_lab.trace.tracer import Op

PROTOCOL = '''
async def copy(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, volume: float = 50):
    for col in range(1, 4):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(src[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dst[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
    if volume > 100:
        await lh.mix(dst["A1"], 10)  # not a LiquidHandler method: a failure with fixes
'''


@pytest.fixture
def collector_off() -> Iterator[None]:
    # PLR keeps the exceptions of the optional imports it tried (and so the frames that
    # imported it): the first simulation of a process, which imports it, is made before
    simulate(PROTOCOL.replace("copy", "warm"), cache=False)
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ops_alive() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Op))


def test_a_report_let_go_is_freed_at_once(collector_off: None) -> None:
    report = simulate(PROTOCOL, cache=False)
    made = (report.paths, len(report.failure_modes), report.proofs)
    ref = weakref.ref(report)
    del report
    assert made[0] == 2 and made[1] and made[2]  # two paths, a failure, its fixes proven
    assert ref() is None


def test_the_ops_of_every_path_are_freed_with_their_report(collector_off: None) -> None:
    before = _ops_alive()
    report = simulate(PROTOCOL, cache=False)
    traced = len(report.graph.operations)
    del report
    assert traced == 13 and _ops_alive() == before


FINALIZER = '''
class Log:
    def __init__(self, path):
        self.path, self.me = path, self  # in a reference cycle: only the collector frees it

    def __del__(self):
        with open(self.path, "w") as f:
            f.write("written by a finalizer")

async def p(lh: LiquidHandler, tips: TipRack):
    Log({path!r})
    await lh.pick_up_tips(tips["A1"])
    await lh.drop_tips(tips["A1"])
'''


def test_a_finalizer_of_the_protocols_garbage_runs_inside_the_sandbox_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raised: list[BaseException | None] = []  # what a finalizer raised (Python prints it)
    monkeypatch.setattr(sys, "unraisablehook", lambda u: raised.append(u.exc_value))
    target = tmp_path / "finalized.txt"
    report = simulate(FINALIZER.format(path=str(target)), cache=False)
    assert [type(e).__name__ for e in raised] == ["SideEffectBlocked"]
    gc.collect()  # whatever the collector had left would be finalized now, outside
    assert report.ok and not target.exists()
