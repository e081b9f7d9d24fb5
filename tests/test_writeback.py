"""Edits written back into the user's setup function: the smallest LibCST edit, the user's
comments and unrelated code kept, and the rewritten setup builds the edited deck."""

from __future__ import annotations

import difflib
import linecache
from pathlib import Path

import pytest

from praxis_lab.deck.editor import DeckEditor
from praxis_lab.deck.plan import PlanError, read
from praxis_lab.deck.setup_source import SetupSource
from praxis_lab.deck.writeback import WritebackError

SETUP = '''\
"""A lab's own deck file."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, STARLetDeck,
                                  cor_96_wellplate_360uL_Fb,
                                  hamilton_96_tiprack_1000uL_filter)

BUFFER = 150  # µL per well, from the SOP


def make_deck():
    """Tips on rail 1, the plates on rail 8."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")  # fresh box each day
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)  # keep clear of the waste
    # the source is filled by hand before the run
    for well in source.get_all_items():
        well.tracker.set_volume(BUFFER)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}


def unrelated():
    return "left alone"
'''


def _editor(text: str = SETUP, name: str = "make_deck") -> DeckEditor:
    filename = f"<setup-{abs(hash(text))}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace: dict[str, object] = {"__name__": "lab_deck"}
    exec(compile(text, filename, "exec"), namespace)
    fn = namespace[name]
    return DeckEditor(fn(), source=SetupSource.of(fn))  # type: ignore[operator]


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_moving_a_carrier_changes_its_rails_and_nothing_else():
    editor = _editor()
    assert editor.move("plt_car", rails=14).ok
    written = editor.write_back()
    assert _changed(SETUP, written) == [
        "-    lh.deck.assign_child_resource(plt_car, rails=8)  # keep clear of the waste",
        "+    lh.deck.assign_child_resource(plt_car, rails=14)  # keep clear of the waste"]


def test_a_plate_to_another_site_a_new_carrier_and_a_tip_rack_onto_it():
    editor = _editor()
    assert editor.move("dest", carrier="plt_car", site=4).ok
    assert editor.add_carrier("TIP_CAR_480_A00", 20).ok
    assert editor.move("tips", carrier="tip_car_1", site=2).ok
    written = editor.write_back()
    assert _changed(SETUP, written) == [
        '+    lh.deck.assign_child_resource(tip_car_1 := TIP_CAR_480_A00(name="tip_car_1"), '
        "rails=20)",
        '-    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")  # fresh box '
        "each day",
        '+    tip_car_1[2] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")  # fresh box '
        "each day",
        '-    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")',
        '+    plt_car[4] = dest = cor_96_wellplate_360uL_Fb(name="dest")']
    assert "# the source is filled by hand before the run" in written
    assert 'def unrelated():\n    return "left alone"' in written


def test_removing_a_carrier_drops_its_lines():
    editor = _editor()
    assert editor.add_carrier("TIP_CAR_480_A00", 20).ok
    assert editor.move("tips", carrier="tip_car_1", site=0).ok
    assert editor.remove_carrier("tip_car").ok
    removed = [line for line in _changed(SETUP, editor.write_back()) if line[0] == "-"]
    assert removed == [
        '-    tip_car = TIP_CAR_480_A00(name="tip_car")',
        '-    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")  # fresh box '
        "each day",
        "-    lh.deck.assign_child_resource(tip_car, rails=1)"]


def test_a_new_labware_type_is_renamed_at_its_factory_call_and_imported():
    editor = _editor()
    assert editor.change_type("dest", "cor_96_wellplate_2mL_Vb").ok
    written = editor.write_back()
    assert 'plt_car[1] = dest = cor_96_wellplate_2mL_Vb(name="dest")' in written
    assert _changed(SETUP, written) == [  # the import's last name, in the import's layout
        "-                                  hamilton_96_tiprack_1000uL_filter)",
        "+                                  hamilton_96_tiprack_1000uL_filter,",
        "+                                  cor_96_wellplate_2mL_Vb)",
        '-    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")',
        '+    plt_car[1] = dest = cor_96_wellplate_2mL_Vb(name="dest")']


def test_start_volumes_set_in_the_view_go_before_the_return():
    editor = _editor()
    assert editor.set_volume("source", 40.0, wells=[f"{r}3" for r in "ABCDEFGH"]).ok
    assert editor.set_volume("dest", 5.0, wells=["A1"]).ok
    written = editor.write_back()
    assert _changed(SETUP, written) == [
        '+    for well in source["A3:H3"]:', "+        well.set_volume(40.0)",
        '+    dest.get_well("A1").set_volume(5.0)']
    assert written.index("well.set_volume(40.0)") < written.index("    return {")


def test_the_written_setup_builds_the_deck_the_editor_holds():
    editor = _editor()
    assert editor.move("plt_car", rails=20).ok
    assert editor.move("source", carrier="plt_car", site=3).ok
    assert editor.set_volume("dest", 12.5).ok
    namespace: dict[str, object] = {}
    exec(editor.write_back(), namespace)
    made = namespace["make_deck"]()  # type: ignore[operator]
    assert read(made["lh"].deck, made) == editor.plan()


def test_an_ot2_slot_change_is_the_slot_argument():
    text = '''from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import OTDeck, cor_96_wellplate_360uL_Fb


def setup():
    deck = OTDeck()
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    deck.assign_child_at_slot(plate, 4)  # front left
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "plate": plate}
'''
    editor = _editor(text, "setup")
    assert editor.move("plate", slot=2).ok
    assert _changed(text, editor.write_back()) == [
        "-    deck.assign_child_at_slot(plate, 4)  # front left",
        "+    deck.assign_child_at_slot(plate, 2)  # front left"]


def test_a_deck_built_in_a_loop_cannot_take_the_edit_and_says_to_export():
    text = '''from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import PLT_CAR_L5AC_A00, STARLetDeck, cor_96_wellplate_360uL_Fb


def setup():
    deck = STARLetDeck()
    car = PLT_CAR_L5AC_A00(name="car")
    deck.assign_child_resource(car, rails=3)
    plates = {}
    for i, name in enumerate(["a", "b"]):
        car[i] = plates[name] = cor_96_wellplate_360uL_Fb(name=name)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "a": plates["a"]}
'''
    editor = _editor(text, "setup")
    assert editor.move("a", carrier="car", site=4).ok
    with pytest.raises(WritebackError, match="export the deck instead"):
        editor.write_back()


def test_a_proposed_deck_has_no_setup_to_write_into():
    from praxis_lab.protocol.analyse import analyse

    editor = DeckEditor.propose(analyse("async def p(lh: LiquidHandler, src: Plate): ..."))
    with pytest.raises(PlanError, match="export it instead"):
        editor.write_back()


def test_a_cell_without_the_import_gets_it_inside_the_setup_function():
    cell = '''def make_deck():
    """The deck; the imports are in the notebook's first cell."""
    deck = STARLetDeck()
    car = PLT_CAR_L5AC_A00(name="car")
    car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    deck.assign_child_resource(car, rails=3)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "src": src}
'''
    imports = SETUP.split("\n\nBUFFER")[0]
    editor = _editor(f"{imports}\n\n\n{cell}")  # where the functions the cell uses come from
    assert editor.source is not None
    editor.source.text = cell  # the cell alone, as a notebook holds it
    assert editor.change_type("src", "cor_96_wellplate_2mL_Vb").ok
    assert _changed(cell, editor.write_back()) == [
        "+    from pylabrobot.resources import cor_96_wellplate_2mL_Vb",
        '-    car[0] = src = cor_96_wellplate_360uL_Fb(name="src")',
        '+    car[0] = src = cor_96_wellplate_2mL_Vb(name="src")']


def test_a_plate_the_setup_never_placed_is_placed_after_the_line_that_makes_it():
    text = (Path(__file__).parent / "protocols" / "broken_not_on_deck_plate.py").read_text()
    editor = _editor(text, "setup")
    with pytest.raises(PlanError, match=r"dest \(the protocol's dest\) is not on the deck"):
        editor.export()
    assert editor.move("dest", carrier="plt_car", site=1).ok
    assert _changed(text, editor.write_back()) == ["+    plt_car[1] = dest"]
    assert "plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name=\"dest\")" in editor.export()


def test_another_deck_type_is_not_written_back():
    editor = _editor()
    assert editor.change_deck("OTDeck").ok
    with pytest.raises(WritebackError, match=r"another deck \(STARLetDeck → OTDeck\): export"):
        editor.write_back()
