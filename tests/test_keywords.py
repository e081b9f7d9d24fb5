"""Fixes of a call's arguments (praxis_lab.fixes.keywords): a misspelt keyword is renamed
to PLR's, one entry is repeated for every channel, a rack's tips become its spots."""

from __future__ import annotations

from pathlib import Path

from praxis_lab.fixes.keywords import renamed_keyword
from praxis_lab.fixes.repair import repair
from praxis_lab.pipeline import simulate

CORPUS = Path(__file__).parent / "corpus"


def test_the_keyword_closest_to_the_wanted_one_is_renamed_in_the_call():
    source = "async def p(lh, a):\n    await lh.aspirate(a, volumes=[5], flow_rates=None)\n"
    assert renamed_keyword(source, 2, "aspirate", "vols") == \
        "lh.aspirate(a, vols=[5], flow_rates=None)"


def test_no_keyword_is_renamed_when_none_is_close_or_the_wanted_one_is_there():
    far = "async def p(lh, a):\n    await lh.aspirate(a, amount=[5])\n"
    there = "async def p(lh, a):\n    await lh.aspirate(a, vols=[5], volumes=[5])\n"
    assert renamed_keyword(far, 2, "aspirate", "vols") is None
    assert renamed_keyword(there, 2, "aspirate", "vols") is None


def _fixed(stem: str) -> tuple[list[str], str]:
    path = CORPUS / f"{stem}.py"
    report = simulate(str(path), setup="setup", cache=False)
    return [fix["description"] for fix in report.failure_modes[0].fixes], repair(report).source


def test_volumes_written_for_vols_is_renamed_in_both_calls():
    offered, source = _fixed("broken_volumes_keyword")
    assert offered[0] == 'vols= is PLR\'s keyword: lh.aspirate(source["A1:H1"], vols=[40] * 8)'
    assert "volumes=[" not in source and source.count("vols=[40] * 8") == 2


def test_a_racks_tips_are_picked_up_by_their_spots():
    offered, source = _fixed("broken_get_tips_not_spots")
    assert offered[0] == "pick up from the rack's spots: tips.get_items('A1:H1')"
    assert "lh.pick_up_tips(tips.get_items('A1:H1'))" in source


def test_one_offset_for_eight_channels_is_repeated_for_each():
    _, source = _fixed("broken_offsets_not_a_list")
    assert "offsets=[Coordinate(0, 0, 1)] * 8" in source


def test_any_required_argument_spelt_otherwise_is_renamed_not_only_vols():
    # aspirate96(vol=50): **backend_kwargs takes vol, Python misses volume
    offered, source = _fixed("broken_aspirate96_vol_keyword")
    assert offered == ["volume= is PLR's keyword: lh.aspirate96(source, volume=50)"]
    assert "await lh.aspirate96(source, volume=50)" in source
    far = simulate("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
                   "    await lh.pick_up_tips96(tips)\n"
                   "    await lh.aspirate96(plate, amount=50)\n", cache=False)
    assert far.failure_modes[0].kind == "bad_arguments" and not far.failure_modes[0].fixes
