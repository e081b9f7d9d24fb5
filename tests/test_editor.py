"""Editing a deck by hand: every edit goes through PLR, and what PLR refuses comes back with
PLR's reason and leaves the deck as it was."""

from __future__ import annotations

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    OTDeck,
    STARLetDeck,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)

from praxis_lab.deck.editor import DeckEditor
from praxis_lab.deck.plan import PlanError
from praxis_lab.protocol.analyse import analyse

SIGNATURE = "lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, r: Trough"


@pytest.fixture
def editor() -> DeckEditor:
    return DeckEditor.propose(analyse(f"async def p({SIGNATURE}): ..."))


def _where(editor: DeckEditor, name: str) -> tuple[object, ...]:
    lw = editor.plan().find(name)
    assert lw is not None
    return tuple(getattr(lw, k, None) for k in ("carrier", "site", "slot", "rails"))


def test_a_plate_moves_to_a_free_site_and_a_tip_rack_to_another_carrier(editor):
    assert editor.move("src", carrier="plt_car_1", site=3).ok
    assert _where(editor, "src") == ("plt_car_1", 3, None, None)
    assert editor.move("tips", carrier="tip_car_1", site=4).ok
    assert _where(editor, "tips") == ("tip_car_1", 4, None, None)
    assert editor.deck.get_resource("src").parent is editor.deck.get_resource("plt_car_1")[3]


def test_a_site_already_taken_is_refused_with_plrs_reason_and_nothing_moves(editor):
    before = editor.plan()
    edit = editor.move("src", carrier="plt_car_1", site=1)
    assert not edit.ok
    assert edit.message == ("PLR refused to move src to site 1 of plt_car_1: spot 1 already has "
                            "a resource")
    assert editor.plan() == before


def test_a_carrier_moves_along_the_rails_and_plr_refuses_an_occupied_or_missing_rail(editor):
    assert editor.move("plt_car_1", rails=20).ok and _where(editor, "plt_car_1")[3] == 20
    taken = editor.move("plt_car_1", rails=2)
    assert not taken.ok and "is already occupied by resource 'tip_car_1'" in taken.message
    beyond = editor.move("plt_car_1", rails=40)
    assert not beyond.ok and "Rails must be between -4 and 32" in beyond.message
    assert _where(editor, "plt_car_1")[3] == 20  # put back where it was


def test_a_plate_does_not_go_on_a_trough_site_and_the_sizes_say_why(editor):
    edit = editor.move("src", carrier="trough_car_1", site=1)
    assert not edit.ok and "127.76 × 85.48 mm does not fit a 37 × 118 mm site" in edit.message
    assert _where(editor, "src") == ("plt_car_1", 0, None, None)


def test_a_carrier_is_added_at_a_free_rail_and_plr_refuses_a_name_already_used(editor):
    assert editor.add_carrier("PLT_CAR_L5AC_A00", 25).ok
    assert [c.name for c in editor.plan().carriers][-1] == "plt_car_2"
    again = editor.add_carrier("TIP_CAR_480_A00", 14, name="plt_car_2")
    assert not again.ok and "Resource with name 'plt_car_2' already defined" in again.message
    assert not editor.add_carrier("cor_96_wellplate_360uL_Fb", 25).ok  # not a carrier


def test_a_carrier_holding_a_parameters_labware_is_not_removed_an_empty_one_is(editor):
    held = editor.remove_carrier("plt_car_1")
    assert not held.ok and "holds src, dst" in held.message
    assert editor.add_carrier("TIP_CAR_480_A00", 25).ok
    assert editor.move("tips", carrier="tip_car_2", site=0).ok
    assert editor.remove_carrier("tip_car_1").ok
    assert [c.name for c in editor.plan().carriers] == ["plt_car_1", "trough_car_1", "tip_car_2"]


def test_a_new_labware_type_keeps_the_place_the_volumes_and_the_parameter(editor):
    assert editor.set_volume("src", 300.0, wells=["A1"]).ok
    edit = editor.change_type("src", "cor_96_wellplate_2mL_Vb")
    assert edit.ok, edit.message
    src = editor.objects["src"]
    assert src.model == "cor_96_wellplate_2mL_Vb" and src.parent is editor.deck.get_resource(
        "plt_car_1")[0]
    assert src.get_well("A1").tracker.get_used_volume() == 300.0
    assert editor.change_type("src", "cor_96_wellplate_360uL_Fb").ok  # back: 300 µL fits
    assert not editor.change_type("src", "hamilton_96_tiprack_300uL").ok  # another kind


def test_a_type_that_does_not_fit_the_site_or_does_not_exist_is_refused(editor):
    misfit = editor.change_type("r", "hamilton_1_trough_60mL_Vb")
    assert not misfit.ok and "19 × 90 mm does not fit a 37 × 118 mm site" in misfit.message
    assert not editor.change_type("r", "agilent_2_reservoir_144mL_Vb").ok  # a plate
    unknown = editor.change_type("src", "Cor_96_wellplate_2mL_Vb")
    assert not unknown.ok and "did you mean cor_96_wellplate_2mL_Vb" in unknown.message


def test_the_choices_for_a_labware_are_of_its_kind_and_fit_its_site(editor):
    names = [e.name for e in editor.choices("tips")]
    assert "hamilton_96_tiprack_300uL" in names and "cor_96_wellplate_360uL_Fb" not in names
    assert [e.name for e in editor.choices("r")] == ["hamilton_1_trough_200mL_Vb"]


def test_start_volumes_are_set_per_well_column_and_plate_within_what_a_well_holds(editor):
    column = [f"{r}3" for r in "ABCDEFGH"]
    assert editor.set_volume("src", 150.0, wells=column).ok
    assert editor.set_volume("r", 20000.0).ok
    assert editor.set_volume("dst", 10.0).ok
    plan = editor.plan()
    assert plan.find("src").volumes == dict.fromkeys(column, 150.0)  # type: ignore[union-attr]
    assert plan.find("r").volumes == {"": 20000.0}  # type: ignore[union-attr]
    assert len(plan.find("dst").volumes) == 96  # type: ignore[union-attr]
    too_much = editor.set_volume("src", 400.0, wells=["A1"])
    assert not too_much.ok and "(360 µL, PLR's max_volume)" in too_much.message
    assert not editor.set_volume("src", -1.0).ok
    assert not editor.set_volume("src", 10.0, wells=["Z99"]).ok
    assert not editor.set_volume("tips", 10.0).ok


def _ot2() -> dict[str, object]:
    deck = OTDeck()
    deck.assign_child_at_slot(tips := hamilton_96_tiprack_300uL(name="tips"), 7)
    deck.assign_child_at_slot(src := cor_96_wellplate_360uL_Fb(name="src"), 4)
    return {"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck),
            "tips": tips, "src": src}


def test_on_an_ot2_labware_moves_between_slots_and_plr_refuses_a_taken_slot():
    editor = DeckEditor(_ot2())
    assert editor.move("src", slot=1).ok and _where(editor, "src")[2] == 1
    taken = editor.move("src", slot=7)
    assert not taken.ok and taken.message.endswith("Spot 7 is already occupied")
    assert _where(editor, "src")[2] == 1
    assert not editor.add_carrier("PLT_CAR_L5AC_A00", 1).ok  # slots, not rails
    assert editor.targets()["slots"][6]["holds"] == "tips"


def test_plrs_z_height_check_is_heard_when_something_tall_is_placed():
    deck = STARLetDeck()
    car = Trough_CAR_4R200_A00(name="car")
    car[0] = tall = Trough(name="tall", size_x=37, size_y=118, size_z=200, max_volume=1000)
    deck.assign_child_resource(car, rails=5)
    editor = DeckEditor({"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(),
                                             deck=deck), "r": tall})
    edit = editor.move("tall", carrier="car", site=2)
    assert edit.ok and any("very high on the deck" in w for w in edit.warnings)


def test_the_layout_labels_each_parameter_and_shows_the_editors_volumes(editor):
    assert editor.set_volume("src", 42.0, wells=["B2"]).ok
    resources = {r["key"]: r for r in editor.layout()["resources"] if r.get("key")}
    assert resources["src[B2]"]["volume"] == 42.0 and resources["src[A1]"]["volume"] == 0.0
    assert resources["tips"]["parameter"] == "tips"
    assert editor.layout()["deck"]["proposed"] is True


def test_a_setup_without_a_handler_cannot_be_edited():
    with pytest.raises(PlanError, match="no LiquidHandler"):
        DeckEditor({"src": cor_96_wellplate_360uL_Fb(name="src")})


def test_the_labware_moves_to_an_ot2_and_to_a_star_with_its_volumes_and_parameters(editor):
    assert editor.set_volume("src", 75.0, wells=["A1"]).ok
    assert editor.change_deck("OTDeck").ok
    plan = editor.plan()
    assert plan.deck == "OTDeck" and not plan.carriers
    assert [(lw.name, lw.slot) for lw in plan.labware] == [
        ("tips", 1), ("src", 2), ("dst", 3), ("r", 4)]
    assert plan.find("src").volumes == {"A1": 75.0}  # type: ignore[union-attr]
    assert editor.objects["src"] is editor.deck.get_resource("src")
    assert editor.move("src", slot=5).ok  # and edited there
    assert editor.change_deck("STARDeck").ok
    plan = editor.plan()
    assert plan.deck == "STARDeck" and editor.deck.num_rails == 56
    assert [(c.name, c.rails) for c in plan.carriers] == [
        ("tip_car_1", 1), ("plt_car_1", 7), ("trough_car_1", 13)]
    assert editor.move("plt_car_1", rails=40).ok  # beyond a STARlet's 32 rails
    back = editor.change_deck("STARLetDeck")
    assert not back.ok and back.message.endswith("Rails must be between -4 and 32.")
    assert editor.plan().deck == "STARDeck"  # nothing changed


def test_a_star_setup_exports_a_star_deck():
    from pylabrobot.resources import PLT_CAR_L5AC_A00, STARDeck

    deck = STARDeck()
    car = PLT_CAR_L5AC_A00(name="car")
    car[2] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    deck.assign_child_resource(car, rails=45)
    editor = DeckEditor({"lh": LiquidHandler(backend=LiquidHandlerChatterboxBackend(),
                                             deck=deck), "plate": plate})
    code = editor.export()
    assert "deck = STARDeck()" in code and "rails=45" in code and "car[2] = plate" in code
