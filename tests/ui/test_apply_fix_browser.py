"""Apply fix in a real JupyterLab: the fixed source lands in the cell, one undo takes it back.

A ``%%praxis simulate`` cell whose protocol aspirates without tips shows one failure with
one proven fix (a pick-up before the aspirate). Clicking Apply fix re-simulates the fixed
source (the list says ok) and replaces the protocol in the cell with it, in one edit of the
notebook: Ctrl+Z in the cell's editor restores the cell as it was, Apply fix puts the fix
back, and running the edited cell shows a report without failures.
"""

from __future__ import annotations

from typing import Any

from labdriver import Lab

PROTOCOL = '''\
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def transfer(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):
    await lh.aspirate(src["A1"], vols=[50])
    await lh.dispense(dst["A1"], vols=[50])
    await lh.discard_tips()
'''
CELL = "%%praxis simulate\n" + PROTOCOL
FIXED = CELL.replace('    await lh.aspirate(',
                     '    await lh.pick_up_tips(tips["A1"])\n    await lh.aspirate(')


def cell_text(lab: Lab, page: Any, index: int) -> str:
    """The text of cell ``index`` as its editor shows it, line by line."""
    lines = lab.cell(page, index).locator(".jp-InputArea-editor .cm-line").all_text_contents()
    return "\n".join(lines)


def wait_for_text(lab: Lab, page: Any, index: int, text: str) -> None:
    """Wait until cell ``index``'s editor shows ``text`` (the edit is applied in a frame)."""
    editor = lab.cell(page, index).locator(".jp-InputArea-editor").element_handle()
    try:
        page.wait_for_function(
            "([el, want]) => [...el.querySelectorAll('.cm-line')]"
            ".map((l) => l.textContent).join('\\n') === want",
            arg=[editor, text], timeout=10000)
    except Exception:
        raise AssertionError(f"cell {index} holds:\n{cell_text(lab, page, index)}\n"
                             f"not:\n{text}") from None


def test_apply_fix_puts_the_fixed_source_in_the_cell_and_one_undo_restores_it(lab: Lab) -> None:
    page: Any = lab.open_notebook(["%load_ext praxis_lab", CELL], name="apply_fix.ipynb")
    lab.run_cell(page, 0)
    lab.run_cell(page, 1)
    failures = lab.cell(page, 1).locator(".praxis-failures")
    first = failures.locator(".pf-item").first
    assert first.locator(".pf-kind").inner_text() == "no_tips"
    assert "pick up tips" in first.locator(".pf-fix").first.inner_text()
    assert cell_text(lab, page, 1) == CELL

    first.locator('.pf-apply[data-fix="0"]').click()
    said = failures.locator('.pf-cell-state[data-result="edited"]')
    said.wait_for()
    assert "the cell now holds the fixed source" in said.inner_text()
    assert failures.locator(".pf-summary .praxis-badge").inner_text() == "ok"
    wait_for_text(lab, page, 1, FIXED)

    # One undo in the cell's editor restores the cell as it was before Apply fix.
    lab.cell(page, 1).locator(".jp-InputArea-editor .cm-content").click()
    page.keyboard.press("Control+z")
    wait_for_text(lab, page, 1, CELL)

    # Apply fix again: the fix goes back in; the edited cell runs to a report with no
    # failure.
    first.locator('.pf-apply[data-fix="0"]').click()
    failures.locator('.pf-applied-fix').wait_for()
    page.wait_for_function(
        "(el) => el.dataset.result === 'edited'",
        arg=failures.locator(".pf-cell-state").element_handle(), timeout=10000)
    wait_for_text(lab, page, 1, FIXED)
    lab.run_cell(page, 1)
    lab.cell(page, 1).locator(".praxis-failures .pf-ok").wait_for()
    assert "none: the protocol is ok" in lab.cell(page, 1).locator(".pf-ok").inner_text()
    lab.close(page)
