"""A simulation leaves nothing for the garbage collector: its report, paths and ops are
freed by reference counting as soon as they are let go (the collector is paused while a
simulation runs, and a pass over a simulation's leftovers costs as much as a fifth of it);
the garbage the protocol made is collected inside the sandbox, so its finalizers are
refused like the rest of it."""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import types
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


LOG = '''
class Log:
    def __init__(self, path):
        self.path = path

    def __del__(self):
        with open(self.path, "w") as f:
            f.write("written by a finalizer")
'''

TIPS = '''
async def p(lh: LiquidHandler, tips: TipRack):
{body}    await lh.pick_up_tips(tips["A1"])
    await lh.drop_tips(tips["A1"])
'''


@pytest.fixture
def finalized(monkeypatch: pytest.MonkeyPatch) -> list[BaseException | None]:
    """What the finalizers that ran raised (Python prints it); the process is warmed."""
    simulate(PROTOCOL.replace("copy", "warm"), cache=False)  # (see collector_off)
    gc.collect()
    raised: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: raised.append(u.exc_value))
    return raised


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A module the protocol imports, which outlives any simulation."""
    module = types.ModuleType("praxis_elsewhere")
    module.kept = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def _names(raised: list[BaseException | None]) -> list[str]:
    return [type(e).__name__ for e in raised]


def test_an_object_its_top_level_keeps_is_finalized_refused_when_its_report_goes(
        tmp_path: Path, finalized: list[BaseException | None]) -> None:
    target = tmp_path / "finalized.txt"
    source = LOG + f"KEEP = Log({str(target)!r})  # its module's: the report keeps it\n"
    report = simulate(source + TIPS.format(body=""), cache=False)
    assert report.ok and finalized == []
    let_go = weakref.ref(report)
    del report
    gc.collect()
    assert let_go() is None and _names(finalized) == ["SideEffectBlocked"]
    assert not target.exists()


def test_an_object_its_body_keeps_elsewhere_is_finalized_refused_later_on_any_thread(
        tmp_path: Path, finalized: list[BaseException | None],
        elsewhere: types.ModuleType) -> None:
    target = tmp_path / "finalized.txt"
    body = f"    praxis_elsewhere.kept.append(Log({str(target)!r}))\n"
    report = simulate("import praxis_elsewhere\n" + LOG + TIPS.format(body=body), cache=False)
    del report
    gc.collect()
    kept = len(elsewhere.kept)
    assert kept and finalized == []
    worker = threading.Thread(target=elsewhere.kept.clear)
    worker.start()
    worker.join()
    assert _names(finalized) == ["SideEffectBlocked"] * kept and not target.exists()


def test_a_weakref_finalize_callback_it_registers_is_refused_even_a_builtin(
        tmp_path: Path, finalized: list[BaseException | None],
        elsewhere: types.ModuleType) -> None:
    victim, target = tmp_path / "results.csv", tmp_path / "finalized.txt"
    victim.write_text("keep me")
    top = (f"import os, weakref, praxis_elsewhere\nclass Box:\n    pass\n"
           f"praxis_elsewhere.box = Box()\n"
           f"weakref.finalize(praxis_elsewhere.box, os.remove, {str(victim)!r})\n"
           f"weakref.finalize(praxis_elsewhere.box, lambda: open({str(target)!r}, 'w'))\n")
    report = simulate(top + TIPS.format(body=""), cache=False)
    del elsewhere.box  # its object goes after the simulation: the callbacks run now
    assert report.ok and _names(finalized) == ["SideEffectBlocked"] * 2
    assert victim.read_text() == "keep me" and not target.exists()



def test_a_notebook_cell_s_kept_object_is_finalized_refused_too(
        tmp_path: Path, finalized: list[BaseException | None]) -> None:
    target = tmp_path / "finalized.txt"
    source = LOG + f"KEEP = Log({str(target)!r})\n" + TIPS.format(body="")
    report = simulate(source, cache=False, namespace={"volume": 50})  # the notebook's names
    del report
    gc.collect()
    assert _names(finalized) == ["SideEffectBlocked"] and not target.exists()


def test_the_objects_of_the_simulations_proving_its_fixes_are_finalized_refused_too(
        tmp_path: Path, finalized: list[BaseException | None],
        elsewhere: types.ModuleType) -> None:
    target = tmp_path / "finalized.txt"
    source = "import praxis_elsewhere\n" + LOG + \
        f"praxis_elsewhere.kept.append(Log({str(target)!r}))\n" + \
        "async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n" \
        "    await lh.aspirate(plate['A1'], vols=[50])\n"  # no tips: a fix, proven
    report = simulate(source, cache=False)
    assert report.proofs and len(elsewhere.kept) == 1 + report.proofs  # (each loads it)
    elsewhere.kept.clear()
    assert _names(finalized) == ["SideEffectBlocked"] * (1 + report.proofs)
    assert not target.exists()


LEFT_BEHIND = """
def lines(path):
    try:
        yield 1
    finally:  # run when the generator is closed: when its report goes
        open(path + "-generator", "w").close()

KEPT = lines({path!r})
next(KEPT)
Made = type("Made", (), {{"__del__": lambda self: open({path!r} + "-type", "w").close()}})
MADE = Made()

class Later:
    pass

def finalize(self):
    open({path!r} + "-later", "w").close()

Later.__del__ = finalize  # given after the class was made
LATER = Later()
"""


def test_what_its_top_level_leaves_behind_is_refused_when_its_report_goes(
        tmp_path: Path, finalized: list[BaseException | None]) -> None:
    path = str(tmp_path / "left")
    report = simulate(LEFT_BEHIND.format(path=path) + TIPS.format(body=""), cache=False)
    assert report.ok and finalized == []
    del report
    gc.collect()
    assert _names(finalized) == ["SideEffectBlocked"] * 3
    assert list(tmp_path.iterdir()) == []

EXITS = '''
import sys
from praxis_lab import simulate
from praxis_lab.protocol.loading import load

def source(tag):
    return f"""
import atexit, sys, weakref
atexit.register(open, "{tag}-top", "w")
class Box:
    pass
sys.praxis_box_{tag} = Box()  # lives until the interpreter exits
weakref.finalize(sys.praxis_box_{tag}, open, "{tag}-finalize", "w")

async def p(lh: LiquidHandler, tips: TipRack):
    atexit.register(open, "{tag}-body", "w")
    await lh.pick_up_tips(tips["A1"])
    await lh.drop_tips(tips["A1"])
"""

load(source("ran"))  # as a run loads it: its handlers run at exit
print(simulate(source("simulated"), cache=False).ok)
'''


def test_exit_handlers_it_registers_never_run_a_run_s_do(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", EXITS], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.split() == ["True"], done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ran-finalize", "ran-top"]
    assert "SideEffectBlocked: writes simulated-finalize" in done.stderr


RUN = LOG + '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, hamilton_96_tiprack_1000uL_filter

KEEP = Log({path!r})  # its module's: finalized once the run has let it go

def make_deck():
    deck = STARLetDeck()
    car = TIP_CAR_480_A00(name="car")
    car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    deck.assign_child_resource(car, rails=3)
    return {{"lh": LiquidHandler(LiquidHandlerChatterboxBackend(), deck=deck), "tips": tips}}
''' + TIPS.format(body="")


def test_a_run_s_finalizer_runs_as_ever_after_its_simulation(
        tmp_path: Path, finalized: list[BaseException | None]) -> None:
    from praxis_lab.execution import runner

    # the first run of a process is kept (as the first simulation is: see collector_off)
    runner.run(RUN.format(path=str(tmp_path / "first.txt")), "make_deck", db="sqlite://")
    gc.collect()
    finalized.clear()
    target = tmp_path / "finalized.txt"
    record = runner.run(RUN.format(path=str(target)), "make_deck", db="sqlite://")
    gc.collect()
    assert record.status == "completed" and target.read_text() == "written by a finalizer"
    assert _names(finalized) == ["SideEffectBlocked"]  # its simulation's own Log: refused
