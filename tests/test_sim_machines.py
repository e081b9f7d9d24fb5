"""The machine rules: plates' places, lids, machine states and the clock, in PLR's order,
and what PLR lets through reported as praxis_lab's own checks."""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._plr import machines
from praxis_lab.pipeline import simulate
from praxis_lab.sim.failures import plr_checks

COORD = _plr.PLR["Coordinate"]


HEADER = ("import asyncio\n"
          "from pylabrobot.plate_reading.standard import NoPlateError\n"
          "from pylabrobot.resources import Coordinate\n"
          "from pylabrobot.thermocycling.standard import Protocol, Stage, Step\n")


def sim(body: str, params: str = "plate: Plate, reader: PlateReader", **kw: Any) -> Any:
    """Simulate a protocol whose lines start at 6 (the header's imports take 1-4)."""
    return simulate(f"{HEADER}async def p(lh: LiquidHandler, {params}):\n{body}", cache=False,
                    **kw)


def kinds(report: Any) -> list[tuple[str, int]]:
    return [(f.kind, f.line) for f in report.failure_modes]


def test_a_machine_s_error_the_protocol_catches_takes_its_except_branch():
    r = sim("    try:\n"
            "        await reader.read_absorbance(wavelength=450)\n"
            "    except NoPlateError:\n"
            "        await lh.move_plate(plate, reader)\n"
            "        await reader.read_absorbance(wavelength=450)\n")
    assert r.ok and r.paths == 1, r.summary()
    read, move, again = [op.method_name for op in r.graph.operations]
    assert (read, move, again) == ("read_absorbance", "move_plate", "read_absorbance")


def test_no_plate_in_the_reader_without_a_setup_is_found_at_its_line():
    r = sim("    await reader.read_fluorescence(485, 528, 8.5)\n")
    assert kinds(r) == [("no_plate", 6)]
    assert r.failure_modes[0].fixes[0]["description"] == "move plate onto reader before line 6"


def test_machine_methods_bind_to_plr_s_signatures_and_unknown_ones_name_the_closest():
    r = sim("    await reader.read_absorbance()\n    await reader.read_od(600)\n")
    missing, unknown = r.failure_modes
    assert (missing.kind, missing.line) == ("bad_arguments", 6)
    assert "wavelength" in missing.message
    assert (unknown.kind, unknown.line) == ("unknown_method", 7)
    assert "on PLR's PlateReader; did you mean read_absorbance" in unknown.message


def test_cooling_passively_is_fine_and_waiting_needs_a_target():
    ok = sim("    await block.set_temperature(37)\n    await block.set_temperature(20, "
             "passive=True)\n", params="block: TemperatureController")
    assert ok.ok, ok.summary()
    r = sim("    await hs.wait_for_temperature()\n", params="hs: HeaterShaker")
    assert kinds(r) == [("device_state", 6)]
    assert r.failure_modes[0].data["plr_error"] == "RuntimeError"


def test_a_chatterbox_takes_any_speed_so_nothing_is_out_of_range_on_it():
    r = sim("    await hs.shake(speed=5000, duration=10)\n", params="hs: HeaterShaker")
    assert r.ok and r.duration_s == 10.0


def test_reading_a_machine_s_live_state_stops_the_path_with_a_clear_issue():
    r = sim("    plate_now = reader.resource\n")
    issue = r.issues[0]
    assert (issue.kind, issue.line) == ("reads_state", 6) and "reader.resource" in issue.message


def test_a_plate_moved_to_a_coordinate_is_on_the_deck_there():
    r = sim("    await lh.move_plate(plate, Coordinate(400, 120, 0))\n"
            "    await lh.move_plate(plate, reader)\n")
    assert r.ok, r.summary()
    first = r.timeline["steps"][0]["moves"]["plate"]
    assert (first["at"], first["x"], first["y"]) == ("deck@(400, 120)", 400.0, 120.0)


def _centrifuge_setup() -> dict[str, Any]:
    from pylabrobot.centrifuge import Centrifuge, Loader
    from pylabrobot.centrifuge.chatterbox import (
        CentrifugeChatterboxBackend,
        LoaderChatterboxBackend,
    )

    lh = _plr.new_handler()
    car = _plr.labware("PLT_CAR_L5AC_A00", "car")
    car[0] = first = _plr.labware("cor_96_wellplate_360uL_Fb", "first")
    car[1] = second = _plr.labware("cor_96_wellplate_360uL_Fb", "second")
    lh.deck.assign_child_resource(car, rails=14)
    spinner = Centrifuge(backend=CentrifugeChatterboxBackend(), name="spinner", size_x=1,
                         size_y=1, size_z=1)
    loader = Loader(backend=LoaderChatterboxBackend(), centrifuge=spinner, name="loader",
                    size_x=127.76, size_y=85.48, size_z=1, child_location=COORD.zero())
    lh.deck.assign_child_resource(loader, location=COORD(1030, 0, 0))
    return {"lh": lh, "first": first, "second": second, "spinner": spinner, "loader": loader}


def test_unloading_onto_a_loader_that_holds_a_plate_is_praxis_lab_s_own_check():
    r = sim("    await lh.move_plate(first, loader)\n    await spinner.open_door()\n"
            "    await spinner.go_to_bucket1()\n    await loader.load()\n"
            "    await lh.move_plate(second, loader)\n    await loader.unload()\n",
            params="first: Plate, second: Plate, spinner: Centrifuge, loader: Loader",
            setup=_centrifuge_setup)
    assert kinds(r) == [("site_occupied", 11)]
    mode = r.failure_modes[0]
    assert not plr_checks(mode.kind, mode.method, mode.data)  # PLR puts both on the loader


def test_the_clock_waits_for_a_profile_only_where_the_protocol_waits():
    r = sim("    await tc.run_protocol(Protocol([Stage([Step([95.0], 30)], 10)]), 25)\n"
            "    await asyncio.sleep(100)\n"
            "    await tc.wait_for_profile_completion()\n"
            "    await asyncio.sleep(5)\n",
            params="tc: Thermocycler")
    sleeps = [s for s in r.timeline["steps"] if s["method"] == "sleep"]
    assert [s["t_s"] for s in sleeps] == [0.0, 300.0]  # the last starts when the profile ends
    assert r.duration_s == 305.0
    assert r.graph.operations[0].duration_s == 300.0  # the profile's own holds


def test_machine_kinds_and_catalogues_come_from_the_installed_plr():
    assert set(machines.KINDS) >= {"PlateReader", "HeaterShaker", "TemperatureController",
                                   "Thermocycler", "Shaker", "Tilter", "Centrifuge", "Loader",
                                   "Incubator", "Sealer", "Peeler"}
    assert machines.machine_catalogue("Loader").keys() == {"load", "unload", "setup", "stop"}
    assert "wavelength" in {p.name for p in machines.machine_catalogue(
        "PlateReader")["read_absorbance"].params}
    assert machines.machine_type("Scale") is not None  # another PLR machine: traced as is


def _cold_block_setup() -> dict[str, Any]:
    from pylabrobot.temperature_controlling import (
        TemperatureController,
        TemperatureControllerChatterboxBackend,
    )

    lh = _plr.new_handler()
    car = _plr.labware("PLT_CAR_L5AC_A00", "car")
    car[0] = plate = _plr.labware("cor_96_wellplate_360uL_Fb", "plate")
    lh.deck.assign_child_resource(car, rails=14)
    block = TemperatureController(name="block", size_x=190, size_y=90, size_z=84,
                                  backend=TemperatureControllerChatterboxBackend(),
                                  child_location=COORD(33, 2, 84))
    lh.deck.assign_child_resource(block, location=COORD(1030, 0, 0))
    return {"lh": lh, "plate": plate, "block": block}


def test_a_plate_taken_off_by_hand_onto_a_machine_is_on_the_deck_and_the_setup_untouched():
    objects = _cold_block_setup()
    r = sim("    plate.unassign()\n    block.assign_child_resource(plate)\n"
            "    await lh.move_plate(plate, Coordinate(400, 120, 0))\n",
            params="plate: Plate, block: TemperatureController", setup=lambda: objects)
    assert r.ok, r.summary()  # no not_on_deck: the plate is on the block, beside the deck
    steps = [s.get("moves", {}).get("plate") for s in r.timeline["steps"]]
    assert steps[0] is None and steps[1]["at"] == "block"
    assert objects["plate"].parent is objects["lh"].deck.get_resource("car").sites[0]


def test_a_plate_put_on_a_machine_by_hand_while_still_on_the_deck_is_plr_s_value_error():
    r = sim("    block.assign_child_resource(plate)\n",
            params="plate: Plate, block: TemperatureController", setup=_cold_block_setup)
    assert kinds(r) == [("wrong_resource", 6)]
    mode = r.failure_modes[0]
    assert mode.data["plr_error"] == "ValueError" and "already assigned to deck" in mode.message
    assert mode.fixes[0]["description"] == "take it off the deck first: plate.unassign()"


def test_a_method_of_another_machine_kind_suggests_this_kind_s_own():
    assert machines.closest_machine_methods("Thermocycler", "wait_for_temperature")[0] == \
        "wait_for_block"
    assert machines.closest_machine_methods("PlateReader", "open_lid")[0] == "open"


def test_a_machine_a_plate_goes_into_is_required_even_when_its_only_call_is_refused():
    r = sim("    await lh.move_plate(plate, reader)\n"
            "    await reader.read_fluorescence(excitation=485, emission=528, focal_height=9)\n")
    assert kinds(r) == [("bad_arguments", 7)]
    assert [m["name"] for m in r.requirements["machines"]] == ["reader"]
    fix = r.failure_modes[0].fixes[0]["description"]
    assert fix == ("read_fluorescence() takes excitation_wavelength=, not excitation=, "
                   "emission_wavelength=, not emission=")


def test_gathered_machine_calls_are_traced_in_turn_and_their_times_add_up():
    r = sim("    await lh.move_plate(plate, hs)\n"
            "    await asyncio.gather(hs.shake(speed=600, duration=60), asyncio.sleep(30))\n"
            "    await lh.move_plate(plate, reader)\n",
            params="plate: Plate, hs: HeaterShaker, reader: PlateReader")
    assert r.ok, r.summary()
    assert [op.method_name for op in r.graph.operations] == ["move_plate", "shake", "sleep",
                                                             "move_plate"]
    assert r.duration_s == 90.0  # in turn: an upper bound of running them together


def test_get_plate_answers_the_plate_the_path_put_in_the_reader_and_fails_on_an_empty_one():
    r = sim("    await lh.move_plate(plate, reader)\n"
            "    assert reader.get_plate() is plate\n"
            "    await reader.read_absorbance(wavelength=600)\n")
    assert r.ok and r.complete, r.summary()
    moved_out = sim("    await lh.move_plate(plate, reader)\n"
                    "    await lh.move_plate(plate, Coordinate(400, 120, 0))\n"
                    "    found = reader.get_plate()\n")
    assert kinds(moved_out) == [("no_plate", 8)]  # PLR's NoPlateError
    assert moved_out.failure_modes[0].data["plr_error"] == "NoPlateError"


def test_get_plate_on_an_empty_reader_raises_no_plate_error_into_the_protocol_s_except():
    body = ("    try:\n"
            "        found = reader.get_plate()\n"
            "    except NoPlateError:\n"
            "        await lh.move_plate(plate, reader)\n"
            "        found = plate\n"
            "    assert found is plate\n"
            "    await reader.read_absorbance(wavelength=450)\n")
    r = sim(body)
    assert r.ok and r.complete and r.paths == 1, r.summary()
    assert [op.method_name for op in r.graph.operations] == [
        "get_plate", "move_plate", "read_absorbance"]
    preloaded = sim("    if preload:\n        await lh.move_plate(plate, reader)\n" + body,
                    params="plate: Plate, reader: PlateReader, preload: bool = False")
    assert preloaded.ok and preloaded.complete and preloaded.paths == 2, preloaded.summary()
    ops = [(op.line_number, op.method_name, op.condition) for op in preloaded.graph.operations]
    assert sorted(ops) == [(7, "move_plate", "preload"), (9, "get_plate", None),
                           (11, "move_plate", "not preload and line 9 raises NoPlateError"),
                           (14, "read_absorbance", None)]
    other = sim(body.replace("except NoPlateError", "except KeyError"))
    assert kinds(other)[0] == ("no_plate", 7)  # an except that does not catch it: PLR stops


def test_an_incubator_lookup_of_a_plate_it_does_not_hold_raises_plr_s_error():
    body = ("    try:\n"
            "        incubator.get_site_by_plate_name('missing')\n"
            "    except ResourceNotFoundError:\n"
            "        return\n"
            "    await incubator.fetch_plate_to_loading_tray('missing')\n")
    header = "from pylabrobot.resources.errors import ResourceNotFoundError\n"
    r = simulate(f"{header}async def p(lh: LiquidHandler, incubator: Incubator):\n{body}",
                 cache=False)
    assert r.ok and r.complete and r.graph.operations == [], r.summary()
    # not caught: tests/corpus/broken_incubator_lookup_missing_plate.py, against PLR's run


def test_a_plate_taken_out_mid_profile_or_off_a_tilted_module_is_praxis_lab_s_own_check():
    r = sim("    await tc.open_lid()\n    await lh.move_plate(plate, tc)\n"
            "    await tc.run_protocol(Protocol([Stage([Step([95.0], 30)], 10)]), 25)\n"
            "    await lh.move_plate(plate, Coordinate(400, 120, 0))\n",
            params="plate: Plate, tc: Thermocycler")
    assert kinds(r) == [("device_state", 9)] and "300 s to go" in r.failure_modes[0].message
    tilted = sim("    await lh.move_plate(plate, tilter)\n    await tilter.set_angle(8)\n"
                 "    await lh.move_plate(plate, Coordinate(400, 120, 0))\n",
                 params="plate: Plate, tilter: Tilter")
    assert kinds(tilted) == [("device_state", 8)]
    assert not plr_checks("device_state", "move_plate", tilted.failure_modes[0].data)
    flat = sim("    await lh.move_plate(plate, tilter)\n    await tilter.set_angle(8)\n"
               "    await tilter.set_angle(0)\n"
               "    await lh.move_plate(plate, Coordinate(400, 120, 0))\n",
               params="plate: Plate, tilter: Tilter")
    assert flat.ok, flat.summary()


def test_pipetting_into_a_plate_on_a_shaker_that_still_shakes_is_praxis_lab_s_own_check():
    params = "tips: TipRack, plate: Plate, hs: HeaterShaker"
    body = ("    await lh.move_plate(plate, hs)\n    await hs.shake(speed=300)\n"
            "    await lh.pick_up_tips(tips['A1:H1'])\n"
            "    await lh.aspirate(plate['A1:H1'], vols=[0] * 8)\n"
            "    await lh.dispense(plate['A1:H1'], vols=[0] * 8)\n")
    r = sim(body, params=params)
    assert kinds(r) == [("device_state", 9), ("device_state", 10)], r.summary()
    assert "plate sits on hs, which is shaking" in r.failure_modes[0].message
    assert not plr_checks("device_state", "aspirate", r.failure_modes[0].data)
    assert r.failure_modes[0].fixes[0]["description"] == "hs.stop_shaking() before line 9"
    stopped = sim(body.replace("    await lh.pick_up", "    await hs.stop_shaking()\n"
                               "    await lh.pick_up"), params=params)
    timed = sim(body.replace("speed=300", "speed=300, duration=60"), params=params)
    assert stopped.ok and timed.ok, (stopped.summary(), timed.summary())
    head = sim("    await lh.move_plate(plate, hs)\n    await hs.shake(speed=300)\n"
               "    await lh.pick_up_tips96(tips)\n    await lh.aspirate96(plate, volume=0)\n",
               params=params)
    assert kinds(head) == [("device_state", 9)], head.summary()
