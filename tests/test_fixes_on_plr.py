"""Fixed protocols run on PyLabRobot: every failing protocol of tests/corpus/ and
tests/protocols/, fixed as ``--fix`` fixes it (praxis_lab.fixes.repair), completes on PLR
0.2.2's chatterbox with tip and volume tracking on (tests/plr_harness.py).

A protocol that ``--fix`` cannot fix is listed below with why: in ``NO_FIX`` when no fix
can exist without making up what the protocol never says (a quantity, a place, a choice
between two values), in ``NOT_YET`` when a fix could exist that praxis_lab does not make
yet. Both lists are checked: a listed protocol that becomes fixable fails the test until
it is taken off.

A protocol whose failures hold only for other parameter values (``ok_*`` files whose
report is not ok) runs on PLR with its defaults, fixed or not: it must complete too.
Files without a setup run on PLR's default deck with the start volumes the fixed report
requires (as tests/test_differential.py does).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import plr_harness
import pytest
from test_differential import start_volumes

from praxis_lab.fixes.repair import Repaired, repair
from praxis_lab.pipeline import simulate

TESTS = Path(__file__).parent
FILES = sorted(p for d in ("corpus", "protocols") for p in (TESTS / d).glob("*.py")
               if not p.name.startswith("_"))

NO_FIX: dict[str, str] = {
    "broken_count_from_division":
        "a float count (150 / 40 = 3.75 passes): rounding it down or up is the protocol's "
        "choice",
    "broken_centrifuge_spin_no_acceleration":
        "the chatterbox's spin() needs an acceleration the protocol never states",
    "broken_pcr_lidded_plate":
        "the protocol never takes the lid off: where to put it is a place on the deck it "
        "never names",
    "broken_shaker_occupied":
        "the plate in the way started on the shaker: there is no place of its own to move "
        "it back to",
    "broken_bad_missing_arg":
        "transfer() and aspirate() are given no volume and the protocol has none to take "
        "(no volume parameter, no other call moving the same liquid)",
    "broken_protocol_assert_plate":
        "the protocol's own assert asks for a 384-well plate: which one is the lab's choice",
    "broken_aspirate_from_trash":
        "the trash is the only source the protocol names: the container it meant to draw "
        "from is nowhere in it",
    "broken_384_transfer_overfill":
        "80 µL per well does not fit a BioRad 384 well (70.6 µL): how much each well gets "
        "instead, or which plate to use, is the lab's choice",
    "broken_flow_rates_by_name":
        "how slow \"slow\" is in µL/s is the lab's liquid class: a number the protocol "
        "never states",
    "broken_two_columns_one_pick_up":
        "sixteen tips for eight channels: which eight to take, or whether to work in two "
        "passes, is the protocol's choice",
    "broken_incubator_lookup_missing_plate":
        "the incubator holds no plate of the name looked up: which plate was meant is the "
        "lab's choice",
    "broken_blow_out_more_than_taken":
        "5 µL of air taken up, 10 µL blown out: which of the two the lab meant is its choice",
    "broken_assert_sample_count":
        "the protocol's own assert allows one column of eight samples and its list has ten: "
        "which samples to drop, or a second column, is the lab's choice",
    "broken_cherry_pick_row_i":
        "\"I3\" names no well of a 96-well plate: which well the list meant is nowhere in "
        "the protocol",
    "broken_multi_dispense_one_too_many":
        "one aspiration of eight aliquots for nine dispenses: a ninth aliquot in the "
        "aspiration or one column fewer is the lab's choice",
    "broken_plate_instead_of_wells":
        "a whole plate where eight wells are wanted: which eight wells of it is the lab's "
        "choice",
    "broken_tip_rack_not_refilled":
        "the rack is empty after the first plate: a refill where the operator swaps it "
        "(tips.fill()) or a second rack is the lab's choice (picking up the tips left picks "
        "up none)",
    "broken_every_other_tip_eight_wells":
        "four tips (every other spot of column 1) for eight wells: which four wells, or the "
        "whole column of tips, is the lab's choice",
    "broken_tips_run_out_mid_loop":
        "56 tips left for 60 samples: a second rack or fewer samples is the lab's choice",
}
NOT_YET: dict[str, str] = {
    "broken_protocol_check_default":
        "the default (250) is above the protocol's own check (volume > 200 raises): with "
        "the default at the limit PLR completes, but the check stays a conditional failure "
        "for the values it refuses, so that fix is not proven",
    "broken_mix_wells_call":
        "lh.mix(wells, repetitions=5, volume=60) has no PLR 0.2.2 method near it: mixing in "
        "place is repeated aspirate/dispense pairs on the same wells (or the mix= argument), "
        "an edit of several statements the fixes do not write yet",
    "broken_eight_wells_two_channels":
        "eight wells on a 2-channel handler: the fix is the column in batches of two "
        "channels (a loop around the three calls), an edit the fixes do not write yet",
    "broken_except_swallows_no_tip":
        "the pick-up at line 23 raises inside the try (column 2 is empty) and the except "
        "hides it: the fix belongs at that pick-up (a column that still has tips), which the "
        "no_tips fixes at the aspirate do not reach yet",
    "broken_transfer_on_channel_four":
        "transfer cannot choose its channel: the fix is the tip on channel 0 (pick-up and "
        "transfer both edited) or the transfer written as an aspirate and dispenses on "
        "channel 3, edits of several calls the fixes do not write yet",
    "broken_lid_on_before_reagent":
        "the lid is put on by hand before the reagent goes in: the fix moves that statement "
        "after the last dispense, a reordering the fixes do not write yet",
    "broken_second_lid_by_hand":
        "the plate already has its lid: the fix drops the second one, a statement deletion "
        "the fixes do not write yet",
    "broken_lid_to_other_plate_by_hand":
        "a lid still on the deck assigned by hand: the fix rewrites the assignment as "
        "await lh.move_lid(lid, plate), a rewrite of a plain call the fixes do not make yet",
    "broken_blow_out_every_dispense":
        "the air is blown out at the first of three dispenses: the fix is the blow-out on "
        "the last dispense only (the loop's last iteration), an edit the fixes do not write "
        "yet",
}


def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text())  # type: ignore[no-any-return]


FAILING = [p for p in FILES if expected(p).get("ok") is False]


@functools.cache
def fixed(path: Path) -> Repaired:
    """The protocol as ``--fix`` leaves it."""
    return repair(simulate(str(path), setup=expected(path).get("setup"), cache=False))


def run_fixed(path: Path, tmp: Path) -> plr_harness.PLRResult:
    """The fixed source run on PLR (with its setup, else the start volumes it needs)."""
    repaired, setup = fixed(path), expected(path).get("setup")
    out = tmp / f"{path.stem}_fixed.py"
    out.write_text(repaired.source)
    volumes = {} if setup else start_volumes(repaired.report)
    return plr_harness.run_file(out, setup=setup, volumes=volumes)


def fix_figures(tmp: Path, files: list[Path] | None = None) -> dict[str, Any]:
    """For ``make bench``: the failing protocols (of ``files``, default all), those with at
    least one proven fix, those ``--fix`` leaves clean, and those whose fixed source
    completes on PLR; with how many of them are listed as not fixable."""
    failing = FAILING if files is None else [p for p in files if p in FAILING]
    proven = [p for p in failing if any(
        proof.clean for mode in simulate(str(p), setup=expected(p).get("setup"), cache=False
                                         ).failure_modes
        for proof in mode.data.get("proofs") or [])]
    return {"failing": len(failing), "proven": len(proven),
            "clean": sum(1 for p in failing if fixed(p).ok),
            "completes": sum(1 for p in failing if run_fixed(p, tmp).completed),
            "no_fix": sum(1 for p in failing if p.stem in NO_FIX),
            "not_yet": sum(1 for p in failing if p.stem in NOT_YET)}


def test_the_lists_name_failing_protocols_once():
    stems = {p.stem for p in FAILING}
    assert set(NO_FIX) <= stems and set(NOT_YET) <= stems
    assert not set(NO_FIX) & set(NOT_YET)
    assert len(FAILING) >= 100


@pytest.mark.parametrize("path", FAILING, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_fixed_protocol_completes_on_plr(path: Path, tmp_path: Path):
    repaired = fixed(path)
    compile(repaired.source, str(path), "exec")
    result = run_fixed(path, tmp_path)
    why = NO_FIX.get(path.stem) or NOT_YET.get(path.stem)
    if why is None:
        if expected(path)["plr"] != "completes":  # PLR raised: a fix made it complete
            assert repaired.applied, f"no fix applied: {repaired.summary()}"
        assert result.completed, (f"{result.error} @ line {result.line}: {result.message}\n"
                                  f"{repaired.summary()}\n{repaired.source}")
    else:  # listed: still not fixed (take it off the list once it is)
        assert not (repaired.ok and result.completed), f"fixed now: take it off ({why})"
        assert repaired.left and "left: " in repaired.summary()
