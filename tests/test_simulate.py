"""Simulation finds every failure on every path, with certainty, place and quantities."""

from __future__ import annotations

import textwrap

import pytest

from praxis_lab.pipeline import simulate
from praxis_lab.protocol.analyse import ProtocolError

H = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, v: float = 50):\n"


def sim(body: str, **kw):
    return simulate(H + textwrap.indent(textwrap.dedent(body).lstrip("\n"), "    "), cache=False,
                    **kw)


def kinds(report):
    return [(f.kind, f.line, f.certainty) for f in report.failure_modes]


def test_a_correct_plate_copy_is_ok_and_states_its_requirements():
    r = sim("""
        for col in range(1, 13):
            await lh.pick_up_tips(tips[f"A{col}:H{col}"])
            await lh.aspirate(src[f"A{col}:H{col}"], [v] * 8)
            await lh.dispense(dst[f"A{col}:H{col}"], [v] * 8)
            await lh.drop_tips(tips[f"A{col}:H{col}"])
        """)
    assert r.ok and r.failure_modes == []
    assert r.requirements["tips"] == {"tips": 96}
    assert r.requirements["on_deck"] == ["tips", "src", "dst"]
    assert len(r.requirements["liquid"]) == 96
    assert r.requirements["liquid"][0] == {"parameter": "src", "well": "A1", "min_volume": 50.0}
    assert r.expected_ops == 48 and r.level == "symbolic"


def test_aspirating_without_a_tip_names_the_well_channel_and_line():
    r = sim("await lh.aspirate(src['A1'], [30])\n")
    (f,) = r.failure_modes
    assert (f.kind, f.line, f.certainty, f.resources) == ("no_tips", 2, "always", ["src[A1]"])
    assert f.message.startswith("no_tips @ line 2: aspirate 30 µL from src[A1] on channel 0")


def test_every_failure_is_reported_not_only_the_first():
    r = sim("""
        await lh.aspirate(src['A1'], [30])
        await lh.pick_up_tips(tips['A1'])
        await lh.pick_up_tips(tips['B1'])
        await lh.drop_tips(tips['A1'])
        await lh.pick_up_tips(tips['A1'])
        """)
    assert kinds(r) == [("no_tips", 2, "always"), ("tips_already_loaded", 4, "always")]
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        await lh.discard_tips()
        await lh.pick_up_tips(tips['A1'])
        """)
    assert kinds(r) == [("tip_spot_empty", 4, "always")]


def test_a_failure_on_one_branch_is_conditional_with_the_path_condition():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        if v > 200:
            await lh.drop_tips(tips['A1'])
        await lh.aspirate(src['A1'], [20])
        """)
    (f,) = r.failure_modes
    assert (f.kind, f.line, f.certainty, f.condition) == ("no_tips", 5, "conditional", "v > 200")
    assert "(when v > 200)" in f.message


def test_failures_inside_loops_are_deduplicated_with_a_count():
    r = sim("""
        for i in range(5):
            await lh.aspirate(src['A1'], [1])
        """)
    (f,) = r.failure_modes
    assert f.kind == "no_tips" and f.occurrences == 5


def test_a_failure_in_one_iteration_of_a_loop_names_that_iterations_op_only():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        for well in ("A1", "B1", "C1", "D1"):
            await lh.aspirate(src[well], vols=[300])
        """)
    (f,) = r.failure_modes  # a 1000 µL tip holds three of them, not the fourth
    aspirates = [op.id for op in r.graph.operations if op.method_name == "aspirate"]
    assert f.kind == "tip_volume_exceeded" and len(aspirates) == 4
    assert f.ops == [aspirates[3]]
    assert f.involves == ["src[D1]"] and f.to_dict()["ops"] == [aspirates[3]]


def test_a_failure_on_eight_channels_involves_every_well_and_tip_spot_of_them():
    r = sim("""
        await lh.aspirate(src['A1:H1'], vols=[20] * 8)
        await lh.pick_up_tips(tips['A1:H1'])
        await lh.pick_up_tips(tips['A2:H2'])
        """)
    no_tips, loaded = r.failure_modes
    assert no_tips.kind == "no_tips" and no_tips.message.startswith(
        "no_tips @ line 2: aspirate 20 µL from src[A1] on channel 0")  # PLR's first
    assert no_tips.involves == [f"src[{row}1]" for row in "ABCDEFGH"]
    assert loaded.kind == "tips_already_loaded"
    assert loaded.involves == [f"tips[{row}2]" for row in "ABCDEFGH"]
    assert (no_tips.ops, loaded.ops) == (["op_0"], ["op_2"])


def test_returning_eight_tips_that_hold_liquid_involves_the_eight_spots():
    r = sim("""
        await lh.pick_up_tips(tips['A1:H1'])
        await lh.aspirate(src['A1:H1'], vols=[60] * 8)
        await lh.dispense(dst['A1:H1'], vols=[40] * 8)
        await lh.return_tips()
        """)
    (f,) = r.failure_modes
    assert f.kind == "tip_not_empty" and f.involves == [f"tips[{row}1]" for row in "ABCDEFGH"]


def test_symbolic_volumes_prove_an_overflow_whatever_the_start_volume():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        for i in range(3):
            await lh.aspirate(src[f"A{i + 1}"], [300])
            await lh.dispense(dst['A1'], [300])
        """)
    assert kinds(r) == [("over_capacity", 5, "always")]
    assert "room for 60 µL (max 360 µL)" in r.failure_modes[0].message
    assert r.requirements["liquid"][0] == {"parameter": "src", "well": "A1", "min_volume": 300.0}


def test_taking_more_than_a_full_well_holds_is_insufficient_whatever_it_starts_with():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        await lh.aspirate(src['A1'], [300])
        await lh.aspirate(src['A1'], [300])
        """)
    assert kinds(r) == [("insufficient_liquid", 4, "always")]


def test_tip_capacity_is_read_from_the_tip_rack():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        await lh.aspirate(src['A1'], [300])
        await lh.aspirate(src['B1'], [300])
        await lh.aspirate(src['C1'], [300])
        await lh.aspirate(src['D1'], [300])
        """)
    assert kinds(r) == [("tip_volume_exceeded", 6, "always")]
    assert "at most 1065 µL" in r.failure_modes[0].message


def test_dropping_a_tip_that_holds_liquid_is_tip_not_empty():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        await lh.aspirate(src['A1'], [30])
        await lh.drop_tips(tips['A1'])
        """)
    assert kinds(r) == [("tip_not_empty", 4, "always")]


def test_shape_mistakes_are_wrong_resource_and_bad_arguments():
    r = sim("""
        await lh.pick_up_tips(tips['A1'][0])
        await lh.aspirate(src['A1'], 30)
        await lh.aspirate([src['A1:B1']], [30])
        """)
    assert kinds(r) == [("wrong_resource", 2, "always"), ("bad_arguments", 3, "always"),
                        ("wrong_resource", 4, "always")]
    assert "expected" not in r.failure_modes[0].message or True
    assert "must be a list of TipSpot" in r.failure_modes[0].message


def test_unknown_methods_and_unbindable_calls_are_structural_failures():
    r = sim("await lh.transfer_96(src, dst)\nawait lh.aspirate(src['A1'])\n")
    assert kinds(r) == [("unknown_method", 2, "always"), ("bad_arguments", 3, "always")]
    assert "did you mean stamp" in r.failure_modes[0].message


def test_an_unresolvable_parameter_type_is_reported_at_the_parameter():
    r = simulate("async def p(lh: LiquidHandler, x: Plat):\n    await lh.aspirate(x['A1'], [1])\n",
                 cache=False)
    (f,) = r.failure_modes
    assert f.kind == "unresolved_type" and f.line == 1 and "did you mean Plate" in f.message


def test_labware_off_the_deck_is_flagged_once_at_the_first_op_touching_it():
    src = textwrap.dedent("""
        from pylabrobot.liquid_handling import LiquidHandler
        from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
        from pylabrobot.resources import (PLT_CAR_L5AC_A00, STARLetDeck, TIP_CAR_480_A00,
            cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter, Plate, TipRack)

        def make():
            deck = STARLetDeck()
            tc = TIP_CAR_480_A00("tc"); tc[0] = tips = hamilton_96_tiprack_1000uL_filter("t")
            pc = PLT_CAR_L5AC_A00("pc"); pc[0] = src = cor_96_wellplate_360uL_Fb("s")
            deck.assign_child_resource(tc, rails=1); deck.assign_child_resource(pc, rails=8)
            src.get_item("A1").tracker.set_volume(100)
            lh = LiquidHandler(LiquidHandlerChatterboxBackend(), deck)
            return {"lh": lh, "tips": tips, "src": src, "dst": cor_96_wellplate_360uL_Fb("d")}

        async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):
            await lh.pick_up_tips(tips["A1"])
            await lh.aspirate(src["A1"], [60])
            await lh.dispense(dst["A1"], [30])
            await lh.dispense(dst["A2"], [30])
            await lh.aspirate(src["A1"], [60])
        """)
    r = simulate(src, setup="make", cache=False)
    assert r.level == "exact"
    assert kinds(r) == [("not_on_deck", 19, "always"), ("insufficient_liquid", 21, "always")]
    assert "holds 40 µL" in r.failure_modes[1].message
    assert r.failure_modes[1].fixes[0]["description"].startswith("start with 120 µL in src[A1]")
    assert r.failure_modes[1].fixes[-1]["description"].startswith("lower the volume")  # last


def test_a_repeated_simulation_is_a_cache_lookup():
    src = H + "    await lh.pick_up_tips(tips['A1'])\n"
    assert simulate(src) is simulate(src)
    assert simulate(src, params={"v": "70"}) is not simulate(src)


def test_params_must_name_real_parameters():
    with pytest.raises(ProtocolError, match="--param nope"):
        simulate(H + "    pass\n", params={"nope": "1"})


def test_the_report_serialises_to_the_cli_json_shape():
    d = sim("await lh.pick_up_tips(tips['A1'])\nawait lh.pick_up_tips(tips['A2'])\n").to_dict()
    assert set(d) >= {"protocol", "ok", "paths", "failure_modes", "requirements", "graph",
                      "deck_layout", "timings_ms"}
    f = d["failure_modes"][0]
    assert set(f) >= {"kind", "certainty", "condition", "line", "column", "method", "message",
                      "resources", "fixes"}
    assert f["fixes"][0]["edit"].startswith("@@")
    assert d["graph"]["resources"]["tips"]["parental_chain"] == ["TipCarrier", "Deck"]


def test_state_set_inside_the_protocol_is_applied_in_order():
    r = sim("""
        src.get_item('A1').tracker.set_volume(50)
        tips.set_tip_state({'A1': False})
        await lh.pick_up_tips(tips['A1'])
        await lh.aspirate(src['A1'], [60])
        lh.clear_head_state()
        await lh.aspirate(src['A1'], [10])
        """)
    assert kinds(r) == [("tip_spot_empty", 4, "always"), ("insufficient_liquid", 5, "always"),
                        ("no_tips", 7, "always")]
    assert "which holds 50 µL" in r.failure_modes[1].message
    assert [o.method_name for o in r.graph.operations][:2] == ["set_volume", "set_tip"]
    assert r.expected_ops == 3  # awaited PLR calls only


def test_reading_a_liquid_tracker_while_simulating_is_reported_and_not_ok():
    r = sim("if src.get_item('A1').tracker.get_used_volume() > 10:\n    pass\n")
    assert not r.ok and r.issues[0].kind == "reads_state" and r.issues[0].line == 2


def test_a_deck_lookup_without_a_setup_asks_for_one():
    r = simulate("async def p(lh: LiquidHandler):\n"
                 "    plate = lh.deck.get_resource('plate_01')\n"
                 "    await lh.aspirate(plate['A1'], [1])\n", cache=False)
    (f,) = r.failure_modes
    assert f.kind == "unresolved_type" and f.line == 2 and "pass --setup NAME" in f.message


def test_an_error_the_protocol_catches_is_handled_not_reported():
    # PLR raises NoTipError into the except, which swallows it: PLR completes
    r = sim("""
        try:
            await lh.aspirate(src['A1'], [10])
        except Exception:
            pass
        await lh.pick_up_tips(tips['A1'])
        """)
    assert r.ok and r.failure_modes == [] and r.paths == 1
    assert [op.method_name for op in r.graph.operations] == ["aspirate", "pick_up_tips"]


def test_an_error_the_except_does_not_catch_is_reported_at_the_op():
    r = sim("""
        from pylabrobot.resources.errors import HasTipError
        try:
            await lh.aspirate(src['A1'], [10])
        except HasTipError:
            await lh.pick_up_tips(tips['A1'])
        """)
    assert kinds(r) == [("no_tips", 4, "always")] and r.paths == 1


def test_a_fallback_that_works_is_explored_and_ok():
    # no setup: the start volume of src[A1] decides, so both branches are paths
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        try:
            await lh.aspirate(src['A1'], [100])
        except Exception:
            await lh.aspirate(src['B1'], [100])
        await lh.dispense(dst['A1'], [100])
        await lh.discard_tips()
        """)
    assert r.ok and r.paths == 2
    wells = {row["well"]: row["min_volume"] for row in r.requirements["liquid"]}
    assert wells == {"A1": 100.0, "B1": 100.0}
    fallback = next(op for op in r.graph.operations if op.line_number == 6)
    assert fallback.condition == "line 4 raises TooLittleLiquidError"


def test_a_fallback_that_fails_is_reported_at_its_line_when_the_op_raises():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        try:
            await lh.aspirate(src['A1'], [100])
        except Exception:
            await lh.pick_up_tips(tips['B1'])
            await lh.aspirate(src['B1'], [100])
        await lh.dispense(dst['A1'], [100])
        """)
    (f,) = r.failure_modes
    assert (f.kind, f.line, f.certainty) == ("tips_already_loaded", 6, "conditional")
    assert f.condition == "line 4 raises TooLittleLiquidError"
    assert "(when line 4 raises TooLittleLiquidError)" in f.message


def test_a_bare_except_catches_what_plr_raises():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        try:
            await lh.pick_up_tips(tips['B1'])
        except:  # noqa: E722
            await lh.discard_tips()
            await lh.pick_up_tips(tips['B1'])
        await lh.discard_tips()
        """)
    assert r.ok and r.paths == 1
    assert [op.line_number for op in r.graph.operations] == [2, 4, 6, 7, 8]


def test_nested_trys_send_the_error_to_the_except_that_catches_it():
    r = sim("""
        from pylabrobot.resources.errors import HasTipError
        await lh.pick_up_tips(tips['A1'])
        try:
            try:
                await lh.aspirate(src['A1'], [100])
            except HasTipError:
                await lh.discard_tips()
        except Exception:
            await lh.dispense(dst['A1'], [100])
        """)
    (f,) = r.failure_modes  # the outer fallback dispenses from an empty tip
    assert (f.kind, f.line, f.certainty) == ("insufficient_liquid", 10, "conditional")
    assert f.condition == "line 6 raises TooLittleLiquidError"
    assert 8 not in [op.line_number for op in r.graph.operations]  # the inner except


def test_a_try_in_a_loop_forks_once_per_iteration_that_could_run_dry():
    # the well runs dry at some iteration or never: n + 1 paths, not 2 ** n
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        for i in range(12):
            try:
                await lh.aspirate(src['A1'], [10])
            except Exception:
                await lh.aspirate(src['B1'], [10])
            await lh.dispense(dst['A1'], [10])
        """)
    assert r.ok and r.paths == 13


def test_after_a_well_ran_dry_a_later_op_that_needs_as_much_of_it_fails():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        try:
            await lh.aspirate(src['A1'], [100])
        except Exception:
            await lh.aspirate(src['B1'], [100])
        await lh.dispense(dst['A1'], [100])
        await lh.aspirate(src['A1'], [150])
        """)
    (f,) = r.failure_modes
    assert (f.kind, f.line, f.condition) == ("insufficient_liquid", 8,
                                             "line 4 raises TooLittleLiquidError")
    assert "held less than 100 µL when line 4 raised TooLittleLiquidError" in f.message


def test_an_except_that_reraises_lets_plr_stop_at_the_op():
    r = sim("""
        try:
            await lh.aspirate(src['A1'], [10])
        except Exception:
            raise
        await lh.pick_up_tips(tips['A1'])
        """)
    assert kinds(r) == [("no_tips", 3, "always")]
    assert [op.method_name for op in r.graph.operations] == ["aspirate"]


def test_check_paths_drops_a_path_whose_op_would_not_have_raised():
    from praxis_lab.deck.binding import bind
    from praxis_lab.protocol.loading import load
    from praxis_lab.sim.replay import Replay
    from praxis_lab.sim.simulate import check_paths
    from praxis_lab.trace.driver import trace

    loaded = load(H + "    await lh.pick_up_tips(tips['A1'])\n    try:\n"
                  "        await lh.aspirate(src['A1'], [100])\n    except Exception:\n"
                  "        pass\n")
    binding = bind(loaded.info)
    paths = trace(loaded, binding, judge=lambda: Replay(binding, "symbolic")).paths
    assert [p.condition for p in paths] == ["line 4 completes",
                                           "line 4 raises TooLittleLiquidError"]
    dropped: list[int] = []
    check_paths(paths, binding, "boolean", infeasible=dropped)  # no volumes: it never raises
    assert dropped == [1]
    dropped.clear()
    check_paths(paths, binding, "symbolic", infeasible=dropped)
    assert dropped == []


def test_the_cache_follows_a_setup_function_that_changed_elsewhere():
    # as in a notebook: the protocol cell and the setup cell share a namespace
    import linecache

    proto = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\n"
             "    await lh.pick_up_tips(tips['A1'])\n    await lh.aspirate(src['A1'], [100])\n")
    setup = ("from praxis_lab import _plr\n"
             "def make():\n"
             "    lh = _plr.new_handler()\n"
             "    src = _plr.labware('cor_96_wellplate_360uL_Fb', 'src')\n"
             "    tips = _plr.labware('hamilton_96_tiprack_1000uL_filter', 'tips')\n"
             "    lh.deck.assign_child_resource(src, rails=10)\n"
             "    lh.deck.assign_child_resource(tips, rails=3)\n"
             "    src.get_item('A1').tracker.set_volume(VOLUME)\n"
             "    return {'lh': lh, 'src': src, 'tips': tips}\n")
    ns: dict = {}
    linecache.cache["<cell-p>"] = (len(proto), None, proto.splitlines(True), "<cell-p>")
    exec(compile(proto, "<cell-p>", "exec", flags=__import__("__future__").annotations
                 .compiler_flag), ns)
    exec(setup.replace("VOLUME", "50"), ns)
    assert not simulate(ns["p"], setup="make").ok
    exec(setup.replace("VOLUME", "150"), ns)
    assert simulate(ns["p"], setup="make").ok


def test_a_failed_aspirate_is_reported_once_not_again_at_the_dispense_after_it():
    r = sim("""
        await lh.pick_up_tips(tips['A1'])
        await lh.aspirate(src['A1'], [400])
        await lh.dispense(dst['A1'], [200])
        await lh.dispense(dst['A2'], [200])
        await lh.drop_tips(tips['A1'])
        """)
    assert kinds(r) == [("insufficient_liquid", 3, "always")]


def test_simulating_leaves_the_setups_labware_untouched():
    # PLR's TipSpot.get_tip() puts a tip into an empty spot when tip tracking is off
    from praxis_lab import _plr

    lh = _plr.new_handler()
    tips = _plr.labware("hamilton_96_tiprack_1000uL_filter", "tips")
    lh.deck.assign_child_resource(tips, rails=3)
    tips.set_tip_state([i // 8 != 11 for i in range(96)])  # column 12 is empty
    src = "async def p(lh: LiquidHandler, tips: TipRack):\n    await lh.pick_up_tips(tips['A12'])\n"
    r = simulate(src, setup={"lh": lh, "tips": tips}, cache=False)
    assert [f.kind for f in r.failure_modes] == ["tip_spot_empty"]
    assert not tips.get_item("A12").tracker.has_tip


def test_a_stamp_completes_like_on_plr_but_warns_that_plr_dispenses_back_into_the_source():
    r = sim("""
        await lh.pick_up_tips96(tips)
        await lh.stamp(src, dst, volume=20)
        await lh.drop_tips96(tips)
        """)
    assert r.ok and kinds(r) == []
    (note,) = [i for i in r.issues if i.kind == "plr_stamp"]
    assert note.line == 3 and "back into src, not into dst" in note.message
    assert "aspirate96(src, volume) then dispense96(dst, volume)" in note.message


def test_the_garbage_collector_is_back_on_after_a_simulation_even_one_that_fails():
    import gc

    assert gc.isenabled()
    sim("""
        await lh.pick_up_tips(tips['A1'])
        """)
    assert gc.isenabled()
    with pytest.raises(ProtocolError):
        simulate("async def p(lh: LiquidHandler, tips: TipRack):\n    await lh.pick_up_tips(\n")
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        sim("""
            await lh.pick_up_tips(tips['A1'])
            """)
        assert not gc.isenabled()
    finally:
        gc.enable()



def test_expected_ops_count_the_calls_a_run_logs_not_the_waits_between_them():
    r = simulate("""
import asyncio
async def p(lh: LiquidHandler, tips: TipRack):
    await lh.pick_up_tips(tips['A1'])
    await asyncio.sleep(0.5)
    await lh.drop_tips(tips['A1'])
""")
    assert r.ok and r.expected_ops == 2
    assert r.duration_s == 0.5


def test_expected_ops_count_a_machines_calls_too_as_a_run_logs_them():
    r = simulate("""
import asyncio
async def p(lh: LiquidHandler, plate: Plate, hs: HeaterShaker):
    await hs.set_temperature(37)
    await asyncio.sleep(1)
    await hs.deactivate()
""")
    assert r.expected_ops == 2 and r.duration_s == 1.0
