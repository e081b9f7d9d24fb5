"""The %%praxis magics in a real JupyterLab: simulate shows the report, run drives PLR.

A scientist's notebook, end to end in headless Chromium: ``%%praxis simulate`` on a
96-well plate copy with one short source well shows the deck, the failure on its line
and a working Apply fix; ``%%praxis run`` executes a correct copy on PLR's chatterbox
backend to ``completed``, and a slow copy aborted mid-way ends ``canceled`` with the
calls made so far stored. Also measures the time from executing the simulate cell to
the deck being visible, and the magic's overhead over ``simulate()`` (printed with
``pytest -s`` and written to ``tests/ui/figures.json``).
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

from labdriver import Lab

FIGURES = Path(__file__).resolve().parent / "figures.json"
WARM = 3  # edited copies of the simulate cell, timed in a warm kernel

SETUP = '''\
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00, TIP_CAR_480_A00, Plate, STARLetDeck, TipRack,
    cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter,
)

def make_deck():
    """A STARLet: 1000 µL tips on rail 1, source and dest plates on rail 8."""
    deck = STARLetDeck()
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plt_car = PLT_CAR_L5AC_A00(name="plate_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    deck.assign_child_resource(tip_car, rails=1)
    deck.assign_child_resource(plt_car, rails=8)
    for well in source.get_all_items():
        well.tracker.set_volume(200)
    SHORT_WELL
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}
'''
COPY = '''
async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     volume: float = 100):
    for col in range(1, 13):
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{col}:H{col}"])
'''
# Source well C5 holds 50 µL; column 5 aspirates 100 µL from it.
BROKEN = SETUP.replace("SHORT_WELL", 'source.get_well("C5").tracker.set_volume(50)') + COPY
GOOD = SETUP.replace("    SHORT_WELL\n", "") + COPY
# The same copy pausing 0.1 s after each aspirate and drop: about 2.5 s, time to abort.
SLOW = "import asyncio\n" + GOOD.replace(
    "        await lh.drop_tips(tips[f\"A{col}:H{col}\"])\n",
    "        await lh.drop_tips(tips[f\"A{col}:H{col}\"])\n        await asyncio.sleep(0.1)\n",
).replace("vols=[volume] * 8)\n", "vols=[volume] * 8)\n        await asyncio.sleep(0.1)\n")
# Lines as the notebook editor numbers them: line 1 is the %%praxis line.
ASPIRATE_LINE = BROKEN.splitlines().index(
    '        await lh.aspirate(source[f"A{col}:H{col}"], vols=[volume] * 8)') + 2

SIMULATE = "%%praxis simulate --setup make_deck\n"
RUN = "%%praxis run --setup make_deck\n"

# The first cell loads the magic and times every cell inside the kernel (IPython's
# pre/post_run_cell events), to split "cell → deck visible" into kernel and browser.
LOAD = """%load_ext praxis_lab
import time
_cell_ms, _cell_t0 = [], time.perf_counter()
def _cell_start(info): globals()["_cell_t0"] = time.perf_counter()
def _cell_end(result): _cell_ms.append(round((time.perf_counter() - _cell_t0) * 1000, 1))
get_ipython().events.register("pre_run_cell", _cell_start)
get_ipython().events.register("post_run_cell", _cell_end)
"""
# Inside the kernel: the magic (define the cell, simulate, build and display the report
# widgets) against a direct simulate(cache=False) of the same cell, interleaved; each
# magic call gets a new source (a trailing comment) so it never hits the cache. The
# overhead is also taken per call, as the magic's time minus the time of the
# simulate() it calls (timed by a wrapper), which the machine's noise does not blur.
MEASURE = f"""
import json, statistics, sys
from IPython.utils.capture import capture_output
_sim = sys.modules["praxis_lab.pipeline"]
CELL = {BROKEN!r}
WARM = {WARM}
ip = get_ipython()
_inner, _real = [], _sim.simulate
def _timed(*args, **kwargs):
    t = time.perf_counter()
    try:
        return _real(*args, **kwargs)
    finally:
        _inner.append((time.perf_counter() - t) * 1000)
magic_ms, simulate_ms, overhead_ms = [], [], []
for i in range(7):
    _sim.simulate, _inner[:] = _timed, []
    try:
        with capture_output():
            t = time.perf_counter()
            ip.run_cell_magic("praxis", "simulate --setup make_deck", CELL + f"# variant {{i}}\\n")
            magic_ms.append((time.perf_counter() - t) * 1000)
    finally:
        _sim.simulate = _real
    overhead_ms.append(magic_ms[-1] - sum(_inner))
    t = time.perf_counter()
    _real(copy_plate, setup="make_deck", cache=False)
    simulate_ms.append((time.perf_counter() - t) * 1000)
print("PRAXIS_FIGURES " + json.dumps({{
    "kernel_cell_ms": _cell_ms[1:2 + WARM],
    "magic_ms": [round(min(magic_ms), 1), round(statistics.median(magic_ms), 1)],
    "simulate_ms": [round(min(simulate_ms), 1), round(statistics.median(simulate_ms), 1)],
    "overhead_ms": [round(min(overhead_ms), 1), round(statistics.median(overhead_ms), 1)],
}}))
"""
DECK_WELLS = ".praxis-deck svg.pd-svg .well"


def _output(lab: Lab, page: Any, index: int) -> str:
    return str(lab.cell(page, index).locator(".jp-OutputArea").inner_text())


def _figures(lab: Lab, page: Any, index: int) -> dict[str, Any]:
    match = re.search(r"PRAXIS_FIGURES (\{.*\})", _output(lab, page, index))
    assert match, f"no figures in the output of cell {index}: {_output(lab, page, index)!r}"
    return dict(json.loads(match.group(1)))


def _best_median(pair: list[float]) -> tuple[str, str]:
    return f"{pair[0]:.0f} ms", f"best, median {pair[1]:.0f} ms"


def test_simulate_magic_shows_the_deck_the_failure_and_a_working_fix(lab: Lab) -> None:
    edited = [SIMULATE + BROKEN + f"# edit {i}\n" for i in range(WARM)]
    cells = [LOAD, SIMULATE + BROKEN, *edited, MEASURE]
    page: Any = lab.open_notebook(cells, name="magic_simulate.ipynb")
    lab.run_cell(page, 0)
    first_ms = lab.time_cell(page, 1, DECK_WELLS)  # fresh kernel: imports PLR, loads the ESM
    # Edited copies of the cell: each one a new simulation in a warm kernel.
    again_ms = statistics.median(lab.time_cell(page, 2 + i, DECK_WELLS) for i in range(WARM))

    report = lab.cell(page, 1).locator(".praxis-report")
    deck = report.locator(".praxis-deck")
    assert deck.locator('.well[data-key^="source["]').count() == 96
    assert deck.locator('.well[data-key^="dest["]').count() == 96
    assert deck.locator('.tip-spot[data-key^="tips["]').count() == 96
    short = deck.locator('.well[data-key="source[C5]"]')
    assert "failing" in (short.get_attribute("class") or "").split()
    failing_source = deck.locator('.well.failing[data-key^="source["]')
    assert [failing_source.nth(i).get_attribute("data-key")
            for i in range(failing_source.count())] == ["source[C5]"]

    failures = report.locator(".praxis-failures")
    first = failures.locator(".pf-item").first
    assert first.locator(".pf-kind").inner_text() == "insufficient_liquid"
    assert first.locator(".pf-line").inner_text().startswith(f"line {ASPIRATE_LINE}")
    assert "aspirate 100 µL from source[C5], which holds 50 µL" in first.inner_text()
    lab.screenshot_region(page, [report.locator(".praxis-report-summary"), failures, deck],
                          "magic_report.png")

    # Fix 1 keeps the protocol's volume and starts C5 with what it takes (an edit of the
    # setup's own set_volume): the re-simulated copy is ok.
    first.locator('.pf-apply[data-fix="0"]').click()
    applied = failures.locator(".pf-applied")
    applied.locator(".pf-applied-fix",
                    has_text="applied: start with 100 µL in source[C5]").wait_for()
    added = "\n".join(applied.locator("pre.pf-diff .add").all_inner_texts())
    assert 'source.get_well("C5").tracker.set_volume(100)' in added
    assert applied.locator(".pf-summary .praxis-badge").inner_text() == "ok"
    assert "copy_plate: ok" in applied.locator(".pf-summary").inner_text()

    # Fix 2 lowers the volume parameter's default (last resort: it changes what the
    # protocol does, and says so): the diff shows the edited signature.
    first.locator('.pf-apply[data-fix="1"]').click()
    applied.locator(".pf-applied-fix", has_text="applied: lower the default of volume").wait_for()
    assert "volume: float = 50" in "\n".join(
        applied.locator("pre.pf-diff .add").all_inner_texts())
    assert "copy_plate: ok" in applied.locator(".pf-summary").inner_text()
    lab.screenshot_region(page, [failures], "magic_fix.png")

    lab.run_cell(page, 2 + WARM)
    kernel = _figures(lab, page, 2 + WARM)
    first_kernel, *warm_kernel = kernel["kernel_cell_ms"]
    again_kernel = statistics.median(warm_kernel)
    figures = {
        "protocol": "96-well plate copy, STARLet deck, 12 columns, 48 PLR calls",
        "cell_to_deck_visible_ms": {"first_cell": round(first_ms),
                                    "edited_cell_median": round(again_ms)},
        "kernel_cell_ms": {"first_cell": first_kernel, "edited_cell_median": again_kernel},
        **{name: {"best": kernel[key][0], "median": kernel[key][1]}
           for name, key in (("magic_ms", "magic_ms"), ("simulate_ms", "simulate_ms"),
                             ("magic_overhead_ms", "overhead_ms"))},
    }
    rows = [
        ("Shift+Enter → deck SVG visible, first cell (fresh kernel)",
         f"{first_ms:.0f} ms", f"kernel {first_kernel:.0f} ms"),
        (f"Shift+Enter → deck SVG visible, edited cell (warm kernel, median of {WARM})",
         f"{again_ms:.0f} ms", f"kernel {again_kernel:.0f} ms"),
        ("%%praxis simulate in the kernel (7 runs)", *_best_median(kernel["magic_ms"])),
        ("simulate(cache=False) of the same cell (7 runs)",
         *_best_median(kernel["simulate_ms"])),
        ("magic overhead: magic − the simulate() it calls",
         *_best_median(kernel["overhead_ms"])),
    ]
    width = max(len(name) for name, *_ in rows)
    print("\n" + "\n".join(f"{name:<{width}}  {value:>8}  {note}".rstrip()
                            for name, value, note in rows))
    FIGURES.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    lab.close(page)


def _percent(monitor: Any) -> int:
    return int(monitor.locator(".pr-bar").get_attribute("data-percent") or 0)


def test_run_magic_completes_and_an_aborted_run_keeps_its_calls(lab: Lab, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    cells = [
        f"%load_ext praxis_lab\n%praxis db {url}",
        RUN + GOOD,
        RUN + SLOW,
        "%praxis history --limit 5",
        "import json, praxis_lab\n"
        f"calls = praxis_lab.calls(_praxis_run.run_id, db={url!r})\n"
        "print('PRAXIS_FIGURES', json.dumps({'stored': len(calls), 'status': _praxis_run.status,\n"
        "                                    'expected': _praxis_run.expected}))",
    ]
    page: Any = lab.open_notebook(cells, name="magic_run.ipynb")
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)

    monitor = lab.cell(page, 1).locator(".praxis-run")
    monitor.locator(".pr-run").wait_for(state="visible")
    # %%praxis run prepared the run (simulated, gated, stored): pending, Run enabled.
    assert monitor.locator(".pr-status").get_attribute("data-status") == "pending"
    assert monitor.locator(".pr-run").is_enabled()
    monitor.locator(".pr-run").click()
    monitor.locator(".pr-status[data-status=completed]").wait_for(timeout=20000)
    assert monitor.locator(".pr-status").inner_text().lower() == "completed"
    assert _percent(monitor) == 100
    assert "48 / 48 ops · 100 %" in monitor.locator(".pr-progress-text").inner_text()
    monitor.locator(".pr-log tr[data-seq='48']").wait_for(state="attached")
    assert monitor.locator(".praxis-error-line").inner_text() == ""
    lab.screenshot_region(page, [monitor], "magic_run_monitor.png")

    # The slow copy: abort once a few calls went through.
    lab.run_cell(page, 2)
    slow = lab.cell(page, 2).locator(".praxis-run")
    slow.locator(".pr-run").click()
    page.wait_for_function(
        "(bar) => Number(bar.dataset.percent) >= 10",
        arg=slow.locator(".pr-bar").element_handle(), timeout=15000,
    )
    slow.locator(".pr-abort").click()
    slow.locator(".pr-status[data-status=canceled]").wait_for(state="attached", timeout=10000)
    assert 10 <= _percent(slow) < 100
    shown = slow.locator(".pr-log tr[data-seq]").count()

    lab.run_cell(page, 3)
    history = _output(lab, page, 3)
    assert "canceled" in history and "completed" in history
    lab.run_cell(page, 4)
    stored = _figures(lab, page, 4)
    assert stored["status"] == "canceled"
    assert stored["expected"] == 48
    assert 0 < stored["stored"] < 48
    assert stored["stored"] == shown  # every call the monitor showed is in the store
    lab.close(page)
