"""The real-world corpus (issue 8): protocols as people write them with PyLabRobot, simulated
with their own deck and checked against PLR's own run of the same file.

Every ``tests/corpus/<stem>.py`` is written in the style of PLR's user guide and tutorials
(labware looked up by name or through carrier sites, every indexing form, troughs, tube
racks and reservoirs, ``use_channels`` in every form, ``Mix`` and other extra arguments,
nested helpers, seeded ``random``, state set inside the protocol, consolidation...); the
``broken_*`` ones contain a realistic mistake. Each file has a ``setup()`` returning
``{parameter: PLR object}`` and a ``<stem>.json`` in the schema of tests/protocols/: the
graph (paths, ops, first methods and lines, resources, parental chains), every failure
mode (kind, line, certainty), and what PLR 0.2.2 does with it (``"completes"`` or
``{"raises": ..., "line": ...}``, from tests/plr_harness.py).

The differential rule is test_differential's: where PLR completes, no failure that applies
to the run (``always``, or a condition that holds for the defaults) except praxis_lab's own
checks (``not_on_deck``, no tips on the 96 head); where PLR raises, the first failure that
applies, in source order, has a kind whose PLR error (``failures.PLR_ERRORS``) is the one
raised, on the same line.

Known simulator bugs outside rules.py / rules96.py / proxies.py are marked
``xfail(strict=True)`` with their cause (reported to the lead), never hidden.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import plr_harness
import pytest
from expectations import check_failures, check_graph
from test_differential import disagreement, holds

from praxis_lab.pipeline import simulate
from praxis_lab.sim.failures import PLR_ERRORS, plr_checks
from praxis_lab.sim.simulate import SimulationReport

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.glob("*.py") if not p.name.startswith("_"))

# --- known bugs outside the files this suite may fix (reported to the lead) -------------------

KNOWN_BUGS: dict[str, dict[str, str]] = {
    "failures": {},
    "differential": {},
}


def _params(test: str | None = None) -> list[Any]:
    out = []
    for path in FILES:
        reason = KNOWN_BUGS.get(test or "", {}).get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


@functools.cache
def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text())  # type: ignore[no-any-return]


@functools.cache
def report_of(path: Path) -> SimulationReport:
    return simulate(str(path), setup=expected(path)["setup"])


@functools.cache
def plr_run(path: Path) -> plr_harness.PLRResult:
    return plr_harness.run_file(path)


def with_the_defaults(path: Path) -> list[Any]:
    """The failure modes on the default path (what PLR's run with the defaults meets), in
    source order; those of other values of a parameter come with their conditions."""
    return [f for f in report_of(path).failure_modes
            if f.certainty == "always" or f.on_default_path]


def defaults(path: Path) -> dict[str, Any]:
    fn = plr_harness.protocol_of(plr_harness.load_module(path))
    return {p.name: p.default for p in inspect.signature(fn).parameters.values()
            if p.default is not inspect.Parameter.empty}


def corpus_figures() -> dict[str, Any]:
    """The corpus end to end, for ``make bench``: simulation time per protocol and agreement.

    Simulation is timed cold (no cache, no kept setup), the setup (building the deck)
    included; its phases are summed in ``phases_s`` (``analyse`` includes running the
    setup). PLR runs once per protocol to judge agreement.
    """
    from praxis_lab.protocol import setups

    per: dict[str, float] = {}
    agree: dict[str, bool] = {}
    phases: Counter[str] = Counter()
    for path in FILES:
        setups.clear()  # several files share a setup's code: each builds its own here
        t0 = time.perf_counter()
        report = simulate(str(path), setup=expected(path)["setup"], cache=False)
        per[path.stem] = time.perf_counter() - t0
        phases.update({k: v / 1000 for k, v in report.timings_ms.items() if k != "total"})
        result = plr_harness.run_file(path)
        agree[path.stem] = disagreement(report, result, defaults(path)) is None
    return {"per_protocol_s": per, "agree": agree, "phases_s": dict(phases),
            "mistakes": sum(1 for p in FILES if expected(p)["plr"] != "completes")}


# --- the corpus itself --------------------------------------------------------------------------


def test_the_corpus_has_30_protocols_a_third_with_realistic_mistakes():
    assert len(FILES) >= 30
    assert all(p.with_suffix(".json").exists() for p in FILES)
    broken = [p for p in FILES if expected(p)["plr"] != "completes"]
    assert len(broken) * 3 >= len(FILES)
    assert all(p.stem.startswith("broken_") for p in broken)
    for path in FILES:  # a mistake PLR lets through is named by praxis_lab's own check
        if path.stem.startswith("broken_") and path not in broken:
            first = with_the_defaults(path)[0]
            assert not plr_checks(first.kind, first.method, first.data), path.stem
    raised = Counter(expected(p)["plr"]["raises"] for p in broken)
    assert {"TypeError", "ValueError", "RuntimeError", "NoTipError", "HasTipError",
            "TooLittleLiquidError", "TooLittleVolumeError", "AttributeError"} <= set(raised)
    first_kinds = {with_the_defaults(p)[0].kind for p in broken}
    assert {"tip_not_empty", "wrong_resource", "tip_spot_empty", "over_capacity",
            "tip_volume_exceeded", "bad_arguments", "unknown_method",
            "tips_already_loaded"} <= first_kinds


def test_every_corpus_file_has_a_setup_that_binds_each_labware_parameter():
    for path in FILES:
        module = plr_harness.load_module(path)
        objects = module.setup()
        fn = plr_harness.protocol_of(module)
        needed = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.default is inspect.Parameter.empty]
        assert set(needed) <= set(objects), path.stem


@pytest.mark.parametrize("path", _params())
def test_the_graph_has_the_expected_ops_lines_resources_and_chains(path: Path):
    check_graph(report_of(path), expected(path))


@pytest.mark.parametrize("path", _params("failures"))
def test_the_failure_modes_are_the_expected_kinds_lines_and_certainties(path: Path):
    check_failures(report_of(path), expected(path))


@pytest.mark.parametrize("path", _params())
def test_plr_does_what_the_json_says(path: Path):
    result = plr_run(path)
    assert result.expected() == expected(path)["plr"], result.message


@pytest.mark.parametrize("path", _params("differential"))
def test_the_simulator_agrees_with_plr(path: Path):
    problem = disagreement(report_of(path), plr_run(path), defaults(path))
    assert problem is None, problem


def test_every_mistake_is_named_with_a_kind_plr_would_raise():
    for path in FILES:
        exp = expected(path)
        if exp["plr"] == "completes" or path.stem in KNOWN_BUGS["differential"]:
            continue
        first = with_the_defaults(path)[0]
        assert exp["plr"]["raises"] in PLR_ERRORS[first.kind], path.stem
        assert first.line == exp["plr"]["line"], path.stem


# --- constructs the corpus relies on -------------------------------------------------------------


def _ops(stem: str, method: str) -> list[Any]:
    return [op for op in report_of(CORPUS / f"{stem}.py").graph.operations
            if op.method_name == method]


def test_protocols_whose_only_parameter_is_lh_say_without_a_setup_what_to_pass():
    for stem in ("ok_star_basic_by_name", "ok_lh_get_resource_alias"):
        report = simulate(str(CORPUS / f"{stem}.py"))
        kinds = [f.kind for f in report.failure_modes]
        assert kinds == ["unresolved_type"], (stem, kinds)
        assert "--setup" in report.failure_modes[0].message


def test_every_corpus_file_also_simulates_without_its_setup_on_the_proposed_deck():
    # no crash; what has no default labware (only `lh`, a TubeRack, carriers) is named
    unresolved = set()
    for path in FILES:
        report = simulate(str(path), cache=False)
        if any(f.kind == "unresolved_type" for f in report.failure_modes):
            unresolved.add(path.stem)
    # (a TubeRack, a Tube or a list of them resolves: a rack of 1.5 mL tubes)
    assert unresolved == {"ok_star_basic_by_name", "ok_lh_get_resource_alias", "ok_carrier_sites",
                          "broken_resource_name_typo", "ok_reader_found_on_deck",
                          # a PlateCarrier parameter (where lids and plates are put down)
                          "ok_incubator_feed", "ok_lid_off_and_back",
                          "broken_incubator_fetch_by_plate", "broken_incubator_name_typo",
                          "broken_incubator_take_in_from_deck", "broken_lid_onto_lidded_plate",
                          "broken_od600_onto_carrier", "broken_reagent_into_lidded_plate",
                          "broken_shaker_still_locked", "ok_shaker_no_lock_mix",
                          "ok_two_readers_lid_off", "broken_incubator_fetch_both_at_once",
                          "broken_incubator_site_taken", "broken_two_readers_wrong_one",
                          "broken_shaker_rpm_keyword", "broken_incubator_take_in_no_site",
                          "ok_incubator_lookup_caught", "broken_incubator_lookup_missing_plate",
                          "ok_lid_on_by_hand_moved_off"}


def test_labware_looked_up_on_the_deck_is_named_by_its_deck_name():
    picked = report_of(CORPUS / "ok_star_basic_by_name.py").graph.operations[0]
    assert (picked.method_name, picked.arguments["tip_spots"]) == ("pick_up_tips",
                                                                   "tips_01[A1:C1]")


def test_backend_keyword_arguments_are_recorded_and_not_flagged():
    report = report_of(CORPUS / "ok_extra_arguments.py")
    assert report.ok
    aspirate = next(op for op in report.graph.operations if op.method_name == "aspirate")
    assert aspirate.arguments["backend_kwargs"] == "{'swap_speed': 2.0}"
    assert aspirate.arguments["mix"].startswith("[Mix(volume=50")


def test_a_protocol_that_reads_its_rack_sees_the_tips_its_own_ops_took():
    # set_tip_state empties the first `used_columns` columns inside the protocol, then
    # first_full_column() reads spot.has_tip() before each pick-up: with the default (5) it
    # must find columns 6, 7 and 8 in turn, as PLR does (the setup's rack is full throughout)
    from praxis_lab.deck.binding import bind
    from praxis_lab.protocol.loading import load, resolve_setup
    from praxis_lab.trace.driver import trace

    loaded = load(str(CORPUS / "ok_partial_rack_state.py"))
    binding = bind(loaded.info, resolve_setup(loaded, "setup"), None, "setup")
    path = next(p for p in trace(loaded, binding).paths
                if holds(p.condition, {"used_columns": 5}))
    columns = [op.args["tip_spots"][0].get_identifier() for op in path.ops
               if op.method == "pick_up_tips"]
    assert columns == ["A6", "A7", "A8"]
    assert not [f for f in report_of(CORPUS / "ok_partial_rack_state.py").failure_modes
                if f.certainty == "always"]


@pytest.mark.parametrize("seed, channels", [(0, None), (1, None), (2, [0, 1, 2]), (3, [5]),
                                           (4, [0, 1, 2, 3, 4, 5, 6, 7])])
def test_consolidation_plans_the_same_moves_as_plr(seed: int, channels: list[int] | None):
    # random partly used racks (sometimes a full or an empty one); PLR's own pick-ups and
    # drops inside consolidate_tip_inventory are recorded and compared move by move
    import asyncio
    import random

    from praxis_lab._plr.consolidate import consolidation_moves

    module = plr_harness.load_module(CORPUS / "ok_consolidate_tips.py")
    rng = random.Random(seed)
    objects = module.setup()
    racks = [objects["tr0"], objects["tr1"]]
    for rack in racks:
        fill = rng.choice([0.0, 0.3, 0.7, 1.0]) if seed % 2 else rng.random()
        rack.set_tip_state([rng.random() < fill for _ in range(96)])
    plan = [([s.name for s in o], [s.name for s in t]) for o, t in consolidation_moves(
        racks, lambda s: bool(s.tracker.has_tip), len(channels or range(8)))]
    lh, moves = objects["lh"], []
    pick, drop = lh.pick_up_tips, lh.drop_tips

    async def record_pick(spots: list[Any], **kw: Any) -> None:
        moves.append(([s.name for s in spots], []))
        await pick(spots, **kw)

    async def record_drop(spots: list[Any], **kw: Any) -> None:
        moves[-1][1].extend(s.name for s in spots)
        await drop(spots, **kw)

    lh.pick_up_tips, lh.drop_tips = record_pick, record_drop
    with plr_harness.tracking(), contextlib.redirect_stdout(io.StringIO()):
        asyncio.run(lh.setup())
        asyncio.run(lh.consolidate_tip_inventory(racks, use_channels=channels))
    assert plan == moves


def test_tips_consolidated_in_the_protocol_can_be_picked_up_afterwards():
    assert report_of(CORPUS / "ok_consolidate_tips.py").ok
    assert plr_run(CORPUS / "ok_consolidate_tips.py").completed


# --- docs/plr-errors.md stays true -------------------------------------------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "plr-errors.md"


def _doc_rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 6 and "corpus/" in cells[5]:
            rows.append(cells)
    return rows


def test_the_error_table_quotes_what_the_simulator_says_for_the_corpus_files_it_names():
    rows = _doc_rows()
    assert len(rows) >= 12
    for error, _situation, kind, message, _fix, files in rows:
        quoted = message.strip("`")
        stems = [f.split("/")[1].split()[0].rstrip(",") for f in files.split(", ")
                 if f.startswith("corpus/")]
        found = []
        for stem in stems:
            path = CORPUS / f"{stem}.py"
            report = simulate(str(path)) if "without its setup" in files else report_of(path)
            found += [f.message for f in report.failure_modes]
        assert any(m.startswith(quoted) for m in found), (quoted, found)
        name = error.strip("`").split(":")[0]
        if kind.startswith("`") and kind.count("`") == 2 and name.endswith(("Error", "Exception")):
            assert name in PLR_ERRORS[kind.strip("`")], (name, kind)


def test_tip_reads_follow_pick_ups_returns_discards_and_the_96_head_as_plr_does(tmp_path: Path):
    # a helper that looks for the first full column, used after every kind of tip op: the
    # simulator must trace the same columns as PLR picks (and PLR completes)
    source = (CORPUS / "ok_partial_rack_state.py").read_text().split("async def resume_rack")[0]
    source += '''
async def reads(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(first_full_column(tips))        # column 1
    await lh.return_tips()                                 # back: column 1 again
    await lh.pick_up_tips(first_full_column(tips))        # column 1
    await lh.discard_tips()
    await lh.pick_up_tips(first_full_column(tips))        # column 2
    await lh.drop_tips(tips["A1:H1"])                      # into column 1: full again
    await lh.pick_up_tips(first_full_column(tips))        # column 1
    await lh.discard_tips()
    async with lh.use_tips(first_full_column(tips)):      # column 3, discarded
        pass
    await lh.pick_up_tips96(tips)                          # the rest of the rack (4-12)
    await lh.drop_tips96(tips)                             # back where they came from
    await lh.pick_up_tips(first_full_column(tips))        # column 4


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    return {"lh": lh, "tips": tips, "plate": plate}
'''
    path = tmp_path / "reads.py"
    path.write_text(source)
    report = simulate(str(path), setup="setup", cache=False)
    assert report.ok, [f.message for f in report.failure_modes]
    assert plr_harness.run_file(path).completed
    picked = [op.resources[0] for op in report.graph.operations
              if op.method_name == "pick_up_tips"]
    assert picked == ["tips[A1]", "tips[A1]", "tips[A2]", "tips[A1]", "tips[A3]", "tips[A4]"]


# --- loops counted by a parameter (`for i in range(n)`) ------------------------------------------

COUNTED = [("ok_sample_loop_tips_run_out", "n_samples", 12, "n_samples > 12"),
           ("ok_sample_columns_after_standards", "n_sample_columns", 10, "n_sample_columns > 10"),
           ("ok_serial_dilution_range_count", "n_dilutions", 12, "n_dilutions > 12"),
           ("ok_traverse_get_all_items", "n_columns", 12, "n_columns > 12"),
           ("ok_pcr_setup_cold_block", "columns", 12, "columns > 12"),
           # counts computed from the parameter: the condition is said on the parameter
           ("ok_sample_columns_ceil_count", "n_samples", 96, "n_samples > 96"),
           ("ok_sample_columns_strided_range", "n_samples", 96, "n_samples > 96"),
           # a while loop counted by the parameter: the counts a for loop is checked with
           ("ok_sample_loop_while_tips_run_out", "n_samples", 12, "n_samples > 12")]


@pytest.mark.parametrize("stem, name, last_ok, condition", COUNTED,
                         ids=[c[0] for c in COUNTED])
def test_a_loop_counted_by_a_parameter_fails_from_the_value_where_plr_starts_to_fail(
        stem: str, name: str, last_ok: int, condition: str):
    path = CORPUS / f"{stem}.py"
    (mode,) = report_of(path).failure_modes
    assert (mode.certainty, mode.condition, mode.on_default_path) == (
        "conditional", condition, False)
    assert plr_harness.run_file(path, params={name: last_ok}).completed
    assert plr_harness.run_file(path, params={name: 3 * last_ok}).line == mode.line
    first = plr_harness.run_file(path, params={name: last_ok + 1})
    assert first.line == mode.line and first.error in PLR_ERRORS[mode.kind]


def test_whole_passes_of_a_float_parameter_fail_from_the_value_where_plr_starts_to_fail():
    path = CORPUS / "ok_top_up_whole_passes.py"  # range(int(total / 50)), total: float
    modes = {m.kind: m for m in report_of(path).failure_modes}
    over = modes["over_capacity"]
    assert (over.certainty, over.condition, over.on_default_path) == (
        "conditional", "total >= 300", False)
    assert modes["insufficient_liquid"].condition == "total >= 400"  # the stock runs out next
    assert plr_harness.run_file(path, params={"total": 299.9}).completed
    first = plr_harness.run_file(path, params={"total": 300.0})
    assert first.line == over.line and first.error in PLR_ERRORS[over.kind]


def test_a_loop_clamped_to_the_plate_is_ok_for_every_count():
    report = report_of(CORPUS / "ok_columns_clamped_to_plate.py")
    assert report.ok and report.complete and report.paths > 10
    for n in (-5, 0, 1, 12, 13, 40):
        assert plr_harness.run_file(CORPUS / "ok_columns_clamped_to_plate.py",
                                    params={"n_columns": n}).completed, n
