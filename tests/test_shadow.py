"""A traced path's own tip ops decide what its rack reads, never the shared real labware."""

from __future__ import annotations

from praxis_lab import _plr
from praxis_lab.trace.shadow import TipShadow
from praxis_lab.trace.tracer import Op


def rack():
    return _plr.labware("hamilton_96_tiprack_1000uL_filter", "tips")


def op(method: str, **args):
    return Op(0, method, 1, 0, args)


def has(shadow: TipShadow, spot) -> bool | None:
    return shadow.has_tip(spot)


def test_returned_tips_are_back_in_their_spots_and_discarded_ones_are_gone():
    tips, shadow = rack(), TipShadow()
    shadow.apply(op("pick_up_tips", tip_spots=tips["A1:B1"]))
    assert [has(shadow, s) for s in tips["A1:B1"]] == [False, False]
    shadow.apply(op("return_tips", use_channels=[0]))
    shadow.apply(op("discard_tips"))
    assert [has(shadow, s) for s in tips["A1:B1"]] == [True, False]
    assert shadow.head == {}
    assert tips.get_item("B1").tracker.has_tip  # the real rack is untouched


def test_the_96_head_takes_and_gives_back_a_whole_rack():
    tips, shadow = rack(), TipShadow()
    shadow.apply(op("pick_up_tips96", tip_rack=tips))
    assert not any(has(shadow, s) for s in tips.get_all_items())
    shadow.apply(op("drop_tips96", resource=tips))
    assert all(has(shadow, s) for s in tips.get_all_items()) and shadow.head96 is None


def test_a_malformed_call_leaves_the_shadow_as_it_was():
    shadow = TipShadow()
    shadow.apply(op("pick_up_tips"))  # no tip_spots: the simulator reports it
    assert shadow.spots == {} and shadow.head == {}


def test_clear_head_state_forgets_the_channels_tips_but_not_the_96_heads_as_plr_does():
    tips, shadow = rack(), TipShadow()
    shadow.apply(op("pick_up_tips", tip_spots=tips["A1"]))
    shadow.apply(op("pick_up_tips96", tip_rack=rack()))
    shadow.apply(op("clear_head_state"))
    assert shadow.head == {} and shadow.head96 is not None

