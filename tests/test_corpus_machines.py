"""The multi-machine protocols of tests/corpus, as a user sees them: the JSON on stdout and
nothing else, how long the protocol takes, which machines it needs and where its plates
start, where each plate is at each step, and the machines in the graph and on the deck.

(PLR's own run of each file, and the kinds and lines of its failures, are checked with
the rest of the corpus in tests/test_corpus.py.)
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from praxis_lab.cli import main
from praxis_lab.pipeline import simulate
from praxis_lab.sim.simulate import SimulationReport

CORPUS = Path(__file__).parent / "corpus"
MACHINES = ("HeaterShaker", "PlateReader", "Thermocycler", "TemperatureController", "Shaker",
            "Tilter", "Centrifuge", "Loader", "Incubator", "get_resource(\"reader\")")
FILES = sorted(p for p in CORPUS.glob("*.py") if any(m in p.read_text() for m in MACHINES)
               and "async def" in p.read_text() and "machines" not in p.stem)


@functools.cache
def report(stem: str) -> SimulationReport:
    return simulate(str(CORPUS / f"{stem}.py"), setup="setup")


def test_the_corpus_has_twenty_multi_machine_protocols_fine_and_broken():
    assert len(FILES) >= 20
    ok = [p for p in FILES if p.stem.startswith("ok_")]
    assert len(ok) >= 6 and len(FILES) - len(ok) >= 10


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_stdout_is_the_report_json_alone(path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["simulate", str(path), "--setup", "setup", "--json"])
    out = capsys.readouterr().out
    data = json.loads(out)  # no chatterbox line, no PLR warning in it
    assert code == (0 if data["ok"] else 1)
    assert isinstance(data["duration_s"], float)
    assert data["requirements"]["machines"]


@pytest.mark.parametrize("stem, seconds", [
    ("ok_elisa_readout", 900.0),  # one 15-minute incubation
    ("ok_pcr_setup_cold_block", 120 + 30 * (15 + 30 + 45) + 300.0),  # the profile's holds
    ("ok_od600_growth_loop", 8 * 1800.0),  # shakes of interval - 60 s and 60 s settles
    ("ok_thermocycler_profile", 2 * 4 * 90.0),  # run_protocol, waited for
    ("ok_centrifuge_spin_and_read", 120.0),
    ("ok_lid_off_and_back", 600.0),  # asyncio.sleep while the shaker runs
])
def test_the_protocol_duration_adds_up_shakes_spins_profiles_and_sleeps(stem: str,
                                                                       seconds: float):
    r = report(stem)
    assert r.duration_s == pytest.approx(seconds)  # the default path
    if r.paths == 1:
        assert r.timeline["duration_s"] == pytest.approx(seconds)
    assert "duration: " in r.summary()


def test_a_threshold_on_a_reading_forks_the_growth_loop_and_the_default_path_is_timed():
    # readings are PLR's chatterbox 0.0s; target_od is a parameter: `curve[-1] >= target_od`
    # forks, and the path that stops after the first read takes no time; `reads` is a count
    # (other counts are paths of their own, pinned here)
    r = report("ok_od600_growth_loop")
    assert r.duration_s == r.timeline["duration_s"] == 8 * 1800.0
    pinned = simulate(str(CORPUS / "ok_od600_growth_loop.py"), setup="setup",
                      params={"reads": 8}, cache=False)
    assert pinned.paths == 2 and pinned.duration_s == 8 * 1800.0
    longer = simulate(str(CORPUS / "ok_od600_growth_loop.py"), setup="setup",
                      params={"reads": 10}, cache=False)
    assert longer.duration_s == 10 * 1800.0


def test_graph_nodes_carry_each_call_s_own_duration():
    ops = report("ok_od600_growth_loop").graph.operations
    shakes = [op for op in ops if op.method_name == "shake"]
    sleeps = [op for op in ops if op.method_name == "sleep"]
    assert {op.duration_s for op in shakes} == {1740.0}
    assert {(op.receiver_variable, op.duration_s) for op in sleeps} == {("asyncio", 60.0)}
    assert all(op.duration_s is None for op in ops if op.method_name == "move_plate")


def _moves(r: SimulationReport) -> list[tuple[int, str, str]]:
    return [(step["line"], plate, place["at"]) for step in r.timeline["steps"]
            for plate, place in step.get("moves", {}).items()]


def test_the_timeline_says_where_each_plate_is_after_each_step():
    r = report("ok_elisa_readout")
    assert r.timeline["places"]["plate"]["at"] == "plate_car-0"
    assert _moves(r) == [(39, "plate", "hs"), (41, "plate", "plate_car-0"),
                         (44, "plate", "reader")]
    on_hs = next(step for step in r.timeline["steps"] if step["line"] == 39)["moves"]["plate"]
    assert (on_hs["machine"], on_hs["type"], on_hs["on_deck"]) == ("hs", "HeaterShaker", True)
    assert on_hs["x"] == 1030.0  # where the setup put the heater shaker, beside the deck
    shake = next(step for step in r.timeline["steps"] if step["method"] == "shake")
    read = next(step for step in r.timeline["steps"] if step["method"] == "read_absorbance")
    assert (shake["t_s"], shake["duration_s"], read["t_s"]) == (0.0, 900.0, 900.0)


def test_plates_go_through_the_centrifuge_and_the_incubator_in_the_timeline():
    assert _moves(report("ok_centrifuge_spin_and_read")) == [
        (25, "plate", "loader"), (28, "plate", "centrifuge_bucket1"), (33, "plate", "loader"),
        (35, "plate", "reader")]
    assert _moves(report("ok_incubator_feed")) == [  # "smallest": the first free site
        (29, "culture_1", "incubator_tray"), (30, "culture_1", "plate_car[0]"),
        (37, "culture_1", "incubator_tray"), (38, "culture_1", "rack-1"),
        (29, "culture_2", "incubator_tray"), (30, "culture_2", "plate_car[0]"),
        (37, "culture_2", "incubator_tray"), (38, "culture_2", "rack-2")]


def test_requirements_list_the_machines_and_where_the_plates_start():
    req = report("ok_centrifuge_spin_and_read").requirements
    machines = {m["name"]: m for m in req["machines"]}
    assert sorted(machines) == ["centrifuge", "loader", "reader"]
    assert machines["centrifuge"]["methods"] == ["close_door", "go_to_bucket1", "open_door",
                                                 "spin"]
    assert (machines["centrifuge"]["on_deck"], machines["loader"]["on_deck"]) == (False, True)
    assert machines["reader"]["simulator"] is True
    assert [(p["plate"], p["starts_at"]["at"]) for p in req["plates"]] == [
        ("plate", "plate_car-0")]
    assert "machines: centrifuge (Centrifuge: close_door" in report(
        "ok_centrifuge_spin_and_read").summary()


def test_machines_are_graph_resources_with_their_calls():
    r = report("ok_pcr_setup_cold_block")
    tc = r.graph.resources["tc"]
    assert (tc.kind, tc.element_type, tc.parental_chain) == ("machine", "Thermocycler", ["Deck"])
    called = {op.id: op.method_name for op in r.graph.operations if op.id in tc.calls}
    assert sorted(set(called.values())) == ["close_lid", "open_lid", "run_pcr_profile",
                                            "wait_for_profile_completion"]
    assert r.graph.resources["pcr_plate"].kind == "labware"
    found = report("ok_reader_found_on_deck").graph.resources["reader"]
    assert (found.kind, found.placement_requirements["found_on_deck"]) == ("machine", True)


def test_the_deck_layout_draws_machines_beside_the_deck_and_lists_those_off_it():
    data = report("ok_centrifuge_spin_and_read").deck_layout
    listed = {m["name"]: m for m in data["machines"]}
    assert listed["loader"]["beside_deck"] and listed["reader"]["beside_deck"]
    assert (listed["centrifuge"]["on_deck"], listed["centrifuge"]["x"]) == (False, None)
    drawn = {e["name"]: e for e in data["resources"] if e["category"] == "machine"}
    assert sorted(drawn) == ["loader", "reader"]
    assert not any(e.get("off_deck") for e in data["resources"])


def test_a_sealer_without_a_simulator_is_traced_structurally_and_timed():
    r = simulate("async def p(lh: LiquidHandler, plate: Plate, sealer: Sealer):\n"
                 "    await sealer.seal(temperature=170, duration=3)\n"
                 "    await sealer.peel()\n", cache=False)
    kinds = [(f.kind, f.line) for f in r.failure_modes]
    assert kinds == [("unknown_method", 3)] and "on PLR's Sealer" in r.failure_modes[0].message
    assert r.duration_s == 3.0
    assert r.requirements["machines"][0]["backend"] == "SealerBackendUnset"


def _machines_of(data: dict[str, Any]) -> list[str]:
    return [m["name"] for m in data["requirements"]["machines"]]


def test_a_protocol_without_machines_has_no_machine_requirements_and_no_duration():
    r = simulate("async def p(lh: LiquidHandler, tips: TipRack):\n"
                 "    await lh.pick_up_tips(tips['A1'])\n", cache=False)
    data = r.to_dict()
    assert (_machines_of(data), data["requirements"]["plates"], data["duration_s"]) == (
        [], [], 0.0)
    assert "duration" not in r.summary() and "machines" not in r.summary()


def test_the_report_view_says_which_machines_where_the_plates_start_and_how_long():
    from praxis_lab.widgets.report_view import summary_html

    html = summary_html(report("ok_elisa_readout").to_dict())
    assert "machines: hs (HeaterShaker), reader (PlateReader)" in html
    assert "plates start: plate on plate_car-0" in html and "duration: 900 s" in html
