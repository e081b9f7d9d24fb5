"""The rule table, one PLR 0.2.2 behaviour per test (checks, their order, and effects).

Each test simulates a few lines against a small bound deck (exact volumes) or, where
the point is symbolic, against the proposed deck. Line 1 is the ``async def``; the
body starts on line 2.
"""

from __future__ import annotations

import textwrap
from typing import Any

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    STARLetDeck,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_50uL,
    hamilton_96_tiprack_1000uL_filter,
)

from praxis_lab.pipeline import simulate
from praxis_lab.sim.rules import RULES
from praxis_lab.sim.simulate import SimulationReport

HEAD = ("async def p(lh: LiquidHandler, tips: TipRack, small: TipRack, src: Plate, dst: Plate,"
        " trough: Trough):\n")


def deck(src: dict[str, float] | None = None, dst: dict[str, float] | None = None,
         trough: float = 0.0, empty_tip_columns: tuple[int, ...] = (),
         off_deck: tuple[str, ...] = ()) -> dict[str, Any]:
    """A STARLet with a 1000 µL and a 50 µL rack, two 360 µL plates and a trough."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    lh.deck.deregister_did_assign_resource_callback(lh.deck._check_safe_z_height)
    objects: dict[str, Any] = {
        "lh": lh, "tips": hamilton_96_tiprack_1000uL_filter(name="tips"),
        "small": hamilton_96_tiprack_50uL(name="small"),
        "src": cor_96_wellplate_360uL_Fb(name="src"), "dst": cor_96_wellplate_360uL_Fb(name="dst"),
        "trough": hamilton_1_trough_200ml_Vb(name="trough")}
    tip_car, plt_car = TIP_CAR_480_A00(name="tip_car"), PLT_CAR_L5AC_A00(name="plt_car")
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    for i, name in enumerate(("tips", "small")):
        if name not in off_deck:
            tip_car[i] = objects[name]
    for i, name in enumerate(("src", "dst")):
        if name not in off_deck:
            plt_car[i] = objects[name]
    trough_car[0] = objects["trough"]
    lh.deck.assign_child_resource(tip_car, rails=1)
    lh.deck.assign_child_resource(plt_car, rails=8)
    lh.deck.assign_child_resource(trough_car, rails=15)
    for plate, volumes in (("src", src or {}), ("dst", dst or {})):
        for ident, volume in volumes.items():
            for well in objects[plate][ident]:
                well.tracker.set_volume(volume)
    objects["trough"].tracker.set_volume(trough)
    objects["tips"].set_tip_state([i // 8 + 1 not in empty_tip_columns for i in range(96)])
    return objects


def run(body: str, setup: dict[str, Any] | None = None) -> SimulationReport:
    source = HEAD + textwrap.indent(textwrap.dedent(body).strip("\n") + "\n", "    ")
    return simulate(source, setup=setup if setup is not None else deck(), cache=False)


def failures(report: SimulationReport) -> list[tuple[str, int]]:
    return [(f.kind, f.line) for f in report.failure_modes]


def test_the_table_has_a_rule_for_every_liquid_handling_operation_of_plr():
    ops = {"pick_up_tips", "drop_tips", "return_tips", "discard_tips", "aspirate", "dispense",
           "transfer", "pick_up_tips96", "aspirate96", "dispense96", "drop_tips96",
           "return_tips96", "discard_tips96", "stamp", "move_plate", "move_resource",
           "move_lid", "use_channels"}
    assert ops <= set(RULES)


# --- tips on single channels -------------------------------------------------------


def test_aspirate_without_a_tip_reports_no_tips_on_that_line():
    r = run("""
        await lh.aspirate(src["A1"], vols=[10])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("no_tips", 2)]
    assert "channel 0" in r.failure_modes[0].message and "src[A1]" in r.failure_modes[0].message


def test_picking_up_with_a_tip_on_reports_tips_already_loaded():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.pick_up_tips(tips["B1"])
        """)
    assert failures(r) == [("tips_already_loaded", 3)]


def test_an_empty_spot_is_reported_before_a_loaded_channel_as_plr_reads_every_tip_first():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.pick_up_tips(tips["A12"])
        """, deck(empty_tip_columns=(12,)))
    assert failures(r) == [("tip_spot_empty", 3)]


def test_picking_up_a_spot_emptied_earlier_reports_tip_spot_empty():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.discard_tips()
        await lh.pick_up_tips(tips["A1"])
        """)
    assert failures(r) == [("tip_spot_empty", 4)]


def test_picking_the_same_spot_twice_in_one_call_reports_tip_spot_empty():
    r = run("""
        await lh.pick_up_tips([tips.get_item("A1"), tips.get_item("A1")])
        """)
    assert failures(r) == [("tip_spot_empty", 2)]


def test_picking_up_from_a_rack_off_the_deck_is_not_on_deck():
    r = run("""
        await lh.pick_up_tips(small["A1"])
        """, deck(off_deck=("small",)))
    assert failures(r) == [("not_on_deck", 2)]


def test_a_channel_that_does_not_exist_is_a_bad_argument():
    r = run("""
        await lh.pick_up_tips(tips["A1"], use_channels=[8])
        """)
    assert failures(r) == [("bad_arguments", 2)]
    assert "channel 8 does not exist" in r.failure_modes[0].message


def test_more_tip_spots_than_channels_is_a_bad_argument():
    r = run("""
        await lh.pick_up_tips(tips["A1:B1"], use_channels=[0])
        """)
    assert failures(r) == [("bad_arguments", 2)]


def test_use_channels_context_gives_the_default_channels():
    r = run("""
        with lh.use_channels([5]):
            await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[10], use_channels=[5])
        await lh.aspirate(src["A1"], vols=[10])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("no_tips", 5)]


def test_dropping_into_a_spot_that_holds_a_tip_reports_tips_already_loaded():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.drop_tips(tips["B1"])
        """)
    assert failures(r) == [("tips_already_loaded", 3)]


def test_dropping_a_tip_that_holds_liquid_reports_tip_not_empty_unless_allowed():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[10])
        await lh.drop_tips(tips["A1"])
        await lh.drop_tips(tips["A1"], allow_nonzero_volume=True)
        """, deck(src={"A1": 50}))
    assert failures(r) == [("tip_not_empty", 4)]
    assert "10 µL" in r.failure_modes[0].message


def test_a_float_residue_in_a_tip_counts_as_liquid_as_in_plr():
    # PLR keeps 0.1 + 0.2 - 0.3 = 5.6e-17 µL in the tip and refuses to drop it
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[0.1])
        await lh.aspirate(src["A1"], vols=[0.2])
        await lh.dispense(dst["A1"], vols=[0.3])
        await lh.drop_tips(tips["A1"])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("tip_not_empty", 6)]


def test_returned_tips_are_back_in_their_spots():
    r = run("""
        await lh.pick_up_tips(tips["A1:H1"])
        await lh.return_tips()
        await lh.pick_up_tips(tips["A1:H1"])
        """)
    assert r.ok


def test_return_tips_with_use_channels_skips_the_channels_without_a_tip():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.return_tips(use_channels=[0, 1])
        """)
    assert r.ok


def test_return_tips_or_discard_tips_with_no_tip_mounted_is_no_tips():
    r = run("""
        await lh.return_tips()
        await lh.discard_tips()
        """)
    assert failures(r) == [("no_tips", 2), ("no_tips", 3)]


def test_discard_tips_allows_liquid_in_the_tips_by_default_but_return_tips_does_not():
    r = run("""
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[10, 10])
        await lh.return_tips()
        await lh.discard_tips()
        """, deck(src={"A1:B1": 50}))
    assert failures(r) == [("tip_not_empty", 4)]


def test_discarding_a_named_channel_without_a_tip_is_no_tips():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.discard_tips(use_channels=[0, 1])
        """)
    assert failures(r) == [("no_tips", 3)]


# --- aspirate and dispense -----------------------------------------------------------


def test_a_scalar_vols_is_a_bad_argument_with_a_list_fix():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], 10)
        """, deck(src={"A1": 50}))
    assert failures(r) == [("bad_arguments", 3)]
    assert r.failure_modes[0].fixes[0]["description"] == "make vols a list: [10]"


def test_the_tips_are_checked_before_the_lengths_of_vols():
    r = run("""
        await lh.aspirate(src["A1:B1"], vols=[10])
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[10])
        """, deck(src={"A1:B1": 50}))
    assert failures(r) == [("no_tips", 2), ("bad_arguments", 4)]


def test_a_single_well_instead_of_a_list_is_wrong_resource():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src.get_item("A1"), vols=[10])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("wrong_resource", 3)]


def test_aspirating_from_a_tip_rack_is_wrong_resource():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(tips["B1"], vols=[10])
        """)
    assert failures(r) == [("wrong_resource", 3)]


def test_aspirating_more_than_the_well_holds_names_both_volumes():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[60])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("insufficient_liquid", 3)]
    assert "aspirate 60 µL from src[A1], which holds 50 µL" in r.failure_modes[0].message


def test_the_well_is_checked_before_the_tip_capacity():
    r = run("""
        await lh.pick_up_tips(small["A1"])
        await lh.aspirate(src["A1"], vols=[100])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("insufficient_liquid", 3)]


def test_a_tip_holds_up_to_its_maximal_volume_and_not_more():
    r = run("""
        await lh.pick_up_tips(small["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[65, 66])
        """, deck(src={"A1:B1": 100}))
    assert failures(r) == [("tip_volume_exceeded", 3)]
    assert "channel 1" in r.failure_modes[0].message and "65 µL" in r.failure_modes[0].message


def test_dispensing_beyond_the_well_volume_is_over_capacity():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[100])
        await lh.dispense(dst["A1"], vols=[100])
        """, deck(src={"A1": 100}, dst={"A1": 300}))
    assert failures(r) == [("over_capacity", 4)]
    assert "room for 60 µL" in r.failure_modes[0].message


def test_the_wells_room_is_checked_before_the_tips_liquid_on_dispense():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[20])
        await lh.dispense(dst["A1"], vols=[100])
        """, deck(src={"A1": 100}, dst={"A1": 300}))
    assert failures(r) == [("over_capacity", 4)]


def test_dispensing_more_than_the_tip_holds_is_insufficient_liquid():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[20])
        await lh.dispense(dst["A1"], vols=[30])
        """, deck(src={"A1": 100}))
    assert failures(r) == [("insufficient_liquid", 4)]


def test_one_well_dispensed_into_by_several_channels_must_fit_them_side_by_side():
    # PLR spreads the channels 9 mm apart in the well: a 6.86 mm well holds one
    r = run("""
        await lh.pick_up_tips(tips["A1:C1"])
        await lh.aspirate(src["A1:C1"], vols=[50, 50, 50])
        await lh.dispense(dst["A1"], vols=[50, 50, 50], use_channels=[0, 1, 2])
        """, deck(src={"A1:C1": 200}))
    assert failures(r) == [("wrong_resource", 4)]


def test_a_trough_takes_several_channels_and_every_volume():
    r = run("""
        await lh.pick_up_tips(tips["A1:H1"])
        await lh.aspirate([trough] * 8, vols=[500] * 8)
        await lh.dispense([trough] * 8, vols=[500] * 8)
        await lh.aspirate([trough] * 8, vols=[600] * 8)
        """, deck(trough=4_500))
    assert failures(r) == [("insufficient_liquid", 5)]
    assert "which holds 300 µL" in r.failure_modes[0].message  # channels 0-6 took 4200 µL


def test_a_failed_op_changes_nothing_so_the_next_op_sees_the_state_before_it():
    r = run("""
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[40, 80])
        await lh.aspirate(src["A1:B1"], vols=[40, 40])
        """, deck(src={"A1:B1": 50}))
    assert failures(r) == [("insufficient_liquid", 3)]  # A1 still holds 50 µL at line 4


def test_unknown_start_volumes_become_requirements_instead_of_failures():
    r = simulate(HEAD + "    await lh.pick_up_tips(tips['A1'])\n"
                 "    await lh.aspirate(src['A1'], vols=[70])\n", cache=False)
    assert r.ok
    assert r.requirements["liquid"] == [{"parameter": "src", "well": "A1", "min_volume": 70.0}]


def test_dispensing_into_a_plate_off_the_deck_is_not_on_deck():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[10])
        await lh.dispense(dst["A1"], vols=[10])
        """, deck(src={"A1": 50}, off_deck=("dst",)))
    assert failures(r) == [("not_on_deck", 4)]


# --- transfer ----------------------------------------------------------------------------


def test_transfer_aspirates_the_sum_then_dispenses_each_target_on_channel_0():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.transfer(src.get_item("A1"), dst["A1:C1"], source_vol=90, ratios=[1, 1, 1])
        await lh.drop_tips(tips["A1"])
        """, deck(src={"A1": 90}))
    assert r.ok


def test_transfer_with_both_target_vols_and_ratios_is_a_bad_argument():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.transfer(src.get_item("A1"), dst["A1:B1"], target_vols=[10, 10], ratios=[1, 1])
        """, deck(src={"A1": 90}))
    assert failures(r) == [("bad_arguments", 3)]


def test_transfer_stops_at_its_first_failure():
    r = run("""
        await lh.transfer(src.get_item("A1"), dst["A1:B1"], source_vol=20)
        """, deck(src={"A1": 90}))
    assert [f.kind for f in r.failure_modes] == ["no_tips"]
    assert r.failure_modes[0].occurrences == 1


# --- the 96 head ---------------------------------------------------------------------


def test_picking_up_tips96_twice_is_tips_already_loaded():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.pick_up_tips96(small)
        """)
    assert failures(r) == [("tips_already_loaded", 3)]


def test_aspirate96_without_tips_is_reported_though_plr_itself_does_not_check():
    r = run("""
        await lh.aspirate96(src, volume=10)
        """)
    assert failures(r) == [("no_tips", 2)]


def test_aspirate96_checks_each_well_then_the_tips_room():
    r = run("""
        await lh.pick_up_tips96(small)
        await lh.aspirate96(src, volume=40)
        await lh.aspirate96(src, volume=40)
        await lh.aspirate96(dst, volume=10)
        """, deck(src={"A1:H12": 100}))
    assert failures(r) == [("tip_volume_exceeded", 4), ("insufficient_liquid", 5)]


def test_only_the_positions_that_got_a_tip_aspirate():
    # columns 1-11 of the rack are empty: PLR picks up 8 tips, the head aspirates column 12
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=30)
        """, deck(src={"A12:H12": 30}, empty_tip_columns=tuple(range(1, 12))))
    assert r.ok


def test_picking_up_tips96_from_an_empty_rack_picks_up_nothing():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=10)
        """, deck(src={"A1:H12": 50}, empty_tip_columns=tuple(range(1, 13))))
    assert failures(r) == [("no_tips", 3)]


def test_a_trough_is_too_small_for_the_96_head():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(trough, volume=10)
        """, deck(trough=100_000))
    assert failures(r) == [("wrong_resource", 3)]


def test_aspirate96_from_fewer_than_96_wells_is_a_bad_argument():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src["A1:H1"], volume=10)
        """, deck(src={"A1:H12": 50}))
    assert failures(r) == [("bad_arguments", 3)]


def test_dispense96_takes_the_liquid_from_the_tips_before_filling_the_wells():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=20)
        await lh.dispense96(dst, volume=100)
        """, deck(src={"A1:H12": 50}, dst={"A1:H12": 300}))
    assert failures(r) == [("insufficient_liquid", 4)]


def test_dispense96_beyond_the_wells_volume_is_over_capacity():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=100)
        await lh.dispense96(dst, volume=100)
        """, deck(src={"A1:H12": 100}, dst={"A1:H12": 300}))
    assert failures(r) == [("over_capacity", 4)]


def test_stamp_dispenses_back_into_its_source_as_plr_0_2_2_does():
    # PLR 0.2.2's stamp calls dispense96(resource=source): dst never receives anything
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.stamp(src, dst, volume=100)
        await lh.aspirate96(dst, volume=10)
        """, deck(src={"A1:H12": 100}))
    assert failures(r) == [("insufficient_liquid", 4)]


def test_stamp_between_a_plate_and_a_trough_is_wrong_resource():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.stamp(src, trough, volume=10)
        """, deck(src={"A1:H12": 100}))
    assert failures(r) == [("wrong_resource", 3)]


def test_drop_tips96_into_a_full_rack_is_tips_already_loaded():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.drop_tips96(small)
        """)
    assert failures(r) == [("tips_already_loaded", 3)]


def test_drop_tips96_with_liquid_is_tip_not_empty_and_discard_tips96_is_not():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=10)
        await lh.drop_tips96(tips)
        await lh.discard_tips96()
        """, deck(src={"A1:H12": 50}))
    assert failures(r) == [("tip_not_empty", 4)]


def test_return_tips96_puts_the_tips_back_into_their_rack():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.return_tips96()
        await lh.pick_up_tips96(tips)
        await lh.return_tips96()
        await lh.return_tips96()
        """)
    assert failures(r) == [("no_tips", 6)]


def test_a_96_head_volume_that_is_not_a_number_is_a_bad_argument_not_a_crash():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, dst)
        await lh.dispense96(dst, volume=[50])
        """, deck(src={"A1:H12": 100}))
    assert failures(r) == [("bad_arguments", 3), ("bad_arguments", 4)]
    assert "volume must be a number of µL, got Plate 'dst'" in r.failure_modes[0].message
    assert "got list [50]" in r.failure_modes[1].message  # PLR: float([50]) raises TypeError


def test_a_rule_that_meets_arguments_it_cannot_use_reports_them_and_the_path_goes_on(
        monkeypatch):
    def choke(ctx: Any) -> None:
        raise TypeError("unsupported operand type(s) for -: 'str' and 'float'")

    monkeypatch.setitem(RULES, "aspirate", choke)
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[10])
        await lh.pick_up_tips(tips["B1"])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("bad_arguments", 3), ("tips_already_loaded", 4)]
    assert "aspirate cannot use these arguments (TypeError: unsupported operand" in (
        r.failure_modes[0].message)


def test_the_setups_backend_is_asked_whether_its_channels_take_the_tip():
    # PLR asks backend.can_pick_up_tip before a pick-up: a STAR's channels take no XL tips
    import contextlib
    import io

    from pylabrobot.liquid_handling.backends import OpentronsOT2ChatterboxBackend
    from pylabrobot.liquid_handling.backends.hamilton.STAR_chatterbox import (
        STARChatterboxBackend,
    )
    from pylabrobot.resources import OTDeck, hamilton_24_tiprack_4000uL_filter

    body = "await lh.pick_up_tips(tips['A1'])\n"
    star = deck()
    star["lh"] = LiquidHandler(backend=STARChatterboxBackend(), deck=star["lh"].deck)
    assert failures(run(body, star)) == []  # Hamilton tips on a STAR
    xl = hamilton_24_tiprack_4000uL_filter(name="xl")
    star["lh"].deck.get_resource("tip_car")[2] = xl
    star["tips"] = xl
    r = run(body, star)
    assert failures(r) == [("wrong_resource", 2)]
    assert "channel 0 of STARChatterboxBackend cannot pick up tips[A1] (HamiltonTip, 4367 µL)" in (
        r.failure_modes[0].message)  # keyed by the parameter it is bound to
    # an OT-2 knows its pipettes only once set up: not second-guessed before
    with contextlib.redirect_stdout(io.StringIO()):
        ot2 = LiquidHandler(backend=OpentronsOT2ChatterboxBackend(), deck=OTDeck())
    tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    ot2.deck.assign_child_at_slot(tips, 1)
    assert failures(run(body, {**deck(), "lh": ot2, "tips": tips})) == []


def test_per_channel_options_need_one_entry_per_channel_with_a_repeat_fix():
    r = run("""
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[10, 10], liquid_height=[1.0])
        """, deck(src={"A1:B1": 50}))
    assert failures(r) == [("bad_arguments", 3)]
    assert "1 liquid_height for 2 channels" in r.failure_modes[0].message
    assert r.failure_modes[0].fixes[0]["description"] == \
        "one liquid_height per channel: [1.0] * 2"


def test_one_offset_for_several_channels_is_a_bad_argument_and_a_scalar_flow_rate_too():
    r = run("""
        from pylabrobot.resources import Coordinate
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=[10, 10], offsets=Coordinate(0, 0, 1))
        await lh.aspirate(src["A1:B1"], vols=[10, 10], flow_rates=50)
        """, deck(src={"A1:B1": 50}))
    assert failures(r) == [("bad_arguments", 4), ("bad_arguments", 5)]
    assert r.failure_modes[0].message.endswith("got one Coordinate; write offsets=[...] * 2")


def test_liquid_put_into_a_plate_off_the_deck_is_there_to_aspirate_as_in_plr():
    # PLR 0.2.2 pipettes into labware it cannot place: not_on_deck, then the liquid counts
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[30])
        await lh.dispense(dst["A1"], vols=[30])
        await lh.aspirate(dst["A1"], vols=[30])
        """, deck(src={"A1": 50}, off_deck=("dst",)))
    assert failures(r) == [("not_on_deck", 4)]


def test_transfer_passes_its_extra_keywords_on_and_use_channels_clashes_at_the_dispense():
    r = run("""
        await lh.pick_up_tips(tips["D1"], use_channels=[3])
        await lh.transfer(src["A1"][0], dst["A1:A2"], source_vol=20, use_channels=[3])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("bad_arguments", 3)]
    assert "passes use_channels= on again" in r.failure_modes[0].message
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.transfer(src["A1"][0], dst["A1:A2"], source_vol=20, liquid_height=[1.0, 2.0])
        """, deck(src={"A1": 50}))
    assert failures(r) == [("bad_arguments", 3)]  # the aspirate has one channel
    assert "2 liquid_height for 1 channels" in r.failure_modes[0].message


def test_tip_ops_need_one_offset_per_tip_spot():
    r = run("""
        from pylabrobot.resources import Coordinate
        await lh.pick_up_tips(tips["A2:B2"], offsets=[Coordinate(0, 0, 1)])
        await lh.drop_tips(tips["C1:D1"], offsets=[Coordinate(0, 0, 1)])
        """, deck(empty_tip_columns=(1,)))
    assert failures(r) == [("bad_arguments", 3), ("bad_arguments", 4)]
    assert r.failure_modes[0].message.endswith("offsets has 1 for 2 tip spots: give one per "
                                               "spot (a list)")


def test_a_dispense_blows_out_at_most_the_air_the_last_aspirate_took_up():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[30], blow_out_air_volume=[5])
        await lh.dispense(dst["A1"], vols=[10], blow_out_air_volume=[5])
        await lh.dispense(dst["A2"], vols=[10], blow_out_air_volume=[5])
        await lh.aspirate(src["A1"], vols=[10], blow_out_air_volume=[5])
        await lh.dispense(dst["A3"], vols=[10], blow_out_air_volume=[8])
        await lh.dispense(dst["A4"], vols=[10])
        """, deck(src={"A1": 50}))
    # blown out at line 4: nothing left at line 5; 8 µL where 5 were taken up at line 7
    assert failures(r) == [("bad_arguments", 5), ("bad_arguments", 7)]
    assert "no aspirate since the last blow-out" in r.failure_modes[0].message
    assert "blow out 8 µL of air where the aspirate took up 5 µL" in r.failure_modes[1].message
