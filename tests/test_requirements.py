"""What a protocol needs before it runs: the most any path draws from each well, the tips
of each rack, the labware it touches in the order it first does."""

from __future__ import annotations

from praxis_lab import simulate

PROTOCOL = '''
async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, twice: bool = False):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(src["A1"], vols=[60])
    await lh.dispense(dst["A1"], vols=[60])
    if twice:
        await lh.aspirate(src["A1"], vols=[40])
        await lh.dispense(dst["B1"], vols=[40])
    await lh.drop_tips(tips["A1"])
'''


def test_a_well_needs_the_most_any_path_draws_from_it():
    req = simulate(PROTOCOL, cache=False).requirements
    assert req["liquid"] == [{"parameter": "src", "well": "A1", "min_volume": 100.0}]


def test_tips_are_counted_per_rack_and_labware_listed_in_the_order_it_is_first_touched():
    req = simulate(PROTOCOL, cache=False).requirements
    assert req["tips"] == {"tips": 1}
    assert req["on_deck"] == ["tips", "src", "dst"]


def test_a_pinned_branch_needs_only_what_its_path_draws():
    req = simulate(PROTOCOL, params={"twice": False}, cache=False).requirements
    assert req["liquid"][0]["min_volume"] == 60.0
