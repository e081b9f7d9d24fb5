"""Each fix is a LibCST codemod; applying it makes that failure go away on re-simulation."""

from __future__ import annotations

import pytest

from praxis_lab.fixes import Fix, apply_all
from praxis_lab.simulate import simulate

H = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, v: float = 50):\n"

CASES = {
    "no_tips": "    await lh.aspirate(src['A1:H1'], [v] * 8)\n",
    "tips_already_loaded": "    await lh.pick_up_tips(tips['A1'])\n"
                           "    await lh.pick_up_tips(tips['B1'])\n",
    "tip_spot_empty": "    await lh.pick_up_tips(tips['A1'])\n    await lh.discard_tips()\n"
                      "    await lh.pick_up_tips(tips['A1'])\n",
    "insufficient_liquid": "    await lh.pick_up_tips(tips['A1'])\n"
                           "    await lh.aspirate(src['A1'], [500])\n",
    "over_capacity": "    await lh.pick_up_tips(tips['A1'])\n"
                     "    await lh.aspirate(src['A1'], [300])\n"
                     "    await lh.aspirate(src['A2'], [300])\n"
                     "    await lh.dispense(dst['A1'], [600])\n",
    "tip_volume_exceeded": "    await lh.pick_up_tips(tips['A1'])\n" + "".join(
        f"    await lh.aspirate(src['A{i}'], [300])\n" for i in range(1, 5)),
    "unknown_method": "    await lh.transfer_96(src, dst)\n",
    "bad_arguments": "    await lh.pick_up_tips(tips['A1:H1'])\n"
                     "    await lh.aspirate(src['A1:H1'], vols=v)\n",
    "tip_not_empty": "    await lh.pick_up_tips(tips['A1'])\n"
                     "    await lh.aspirate(src['A1'], [20])\n    await lh.drop_tips(tips['A1'])\n",
    "wrong_resource": "    await lh.pick_up_tips(tips['A1'][0])\n",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_first_fix_of_each_kind_removes_that_failure(kind):
    src = H + CASES[kind]
    report = simulate(src, cache=False)
    mode = next(m for m in report.failure_modes if m.kind == kind)
    assert mode.fixes, f"{kind} has no fix"
    fixed = mode.data["fix_objects"][0].apply(src)
    assert fixed != src
    after = simulate(fixed, cache=False)
    assert not any(m.kind == kind and m.line == mode.line for m in after.failure_modes), (
        fixed, after.summary())


def test_unresolved_type_is_fixed_by_the_closest_plr_annotation():
    src = "async def p(lh: LiquidHandler, x: Plat):\n    pass\n"
    mode = simulate(src, cache=False).failure_modes[0]
    fixed = mode.data["fix_objects"][0].apply(src)
    assert "x: Plate" in fixed and simulate(fixed, cache=False).ok


def test_a_fix_edit_is_a_readable_diff():
    mode = simulate(H + CASES["unknown_method"], cache=False).failure_modes[0]
    assert mode.fixes[0]["edit"].splitlines() == [
        "@@ -2 +2 @@", "-    await lh.transfer_96(src, dst)", "+    await lh.stamp(src, dst)"]


def test_inserted_statements_take_the_indentation_of_their_block():
    src = "async def p(lh):\n    for i in range(2):\n        await lh.aspirate([w], [1])\n"
    out = Fix("insert_before", "", 3, new="await lh.pick_up_tips(t)\n").apply(src)
    assert "        await lh.pick_up_tips(t)\n        await lh.aspirate" in out


def test_applying_every_fix_leaves_the_rest_of_the_source_byte_for_byte():
    src = "# keep me\n" + H.replace("(lh", "(lh") + CASES["unknown_method"] + "    # trailing\n"
    fixed = apply_all(src, simulate(src, cache=False).failure_modes)
    assert fixed.startswith("# keep me\n") and fixed.endswith("    # trailing\n")
    assert "lh.stamp(src, dst)" in fixed


SETUP_PROTOCOL = '''
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
    await lh.dispense(dst["A1"], [60])
    await lh.aspirate(src["A1"], [60])
    await lh.dispense(dst["A2"], [60])
'''


def test_setup_fixes_assign_labware_to_the_deck_and_set_start_volumes():
    r = simulate(SETUP_PROTOCOL, setup="make", cache=False)
    assert [m.kind for m in r.failure_modes] == ["not_on_deck", "insufficient_liquid"]
    fixed = r.failure_modes[0].data["fix_objects"][0].apply(SETUP_PROTOCOL)
    assert "_setup[\"lh\"].deck.assign_child_resource(_setup[\"dst\"]" in fixed
    r2 = simulate(fixed, setup="make", cache=False)
    assert (r2.failure_modes[0].kind, r2.failure_modes[0].line) == ("insufficient_liquid", 23)
    volume_fix = next(f for f in r2.failure_modes[0].data["fix_objects"]
                      if f.kind == "setup_insert")
    assert volume_fix.description == "set a start volume of 120 µL in src[A1] in setup make"
    assert simulate(volume_fix.apply(fixed), setup="make", cache=False).ok
