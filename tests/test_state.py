"""Deck state: changes stay pending until committed, and a rollback undoes all of them."""

from __future__ import annotations

from praxis_lab.sim.state import Channel, State


def test_a_rollback_undoes_every_pending_change_of_a_failed_op():
    s = State(channels=2)
    s.set_volume("w", 100.0, 360.0)
    s.commit()
    s.remove_liquid("w", 30.0)
    s.mount(0, Channel("t[A1]", 1065.0))
    s.set_spot("t[A1]", False)
    s.rollback()
    assert s.volume("w").amount == 100.0
    assert s.head[0] is None and "t[A1]" not in s.spots


def test_commit_returns_the_changed_keys_for_the_timeline():
    s = State()
    s.set_volume("w", 50.0, 360.0)
    s.commit()
    s.add_liquid("w", 20.0)
    s.set_spot("t[A1]", False)
    assert s.commit() == {"w": 70.0, "t[A1]": False}
    assert s.commit() == {}


def test_known_volumes_refuse_too_little_liquid_and_too_much():
    s = State()
    s.set_volume("w", 50.0, 100.0)
    assert s.remove_liquid("w", 60.0) == 50.0
    assert s.add_liquid("w", 60.0) == 50.0
    assert s.remove_liquid("w", 50.0) is None and s.volume("w").amount == 0.0


def test_unknown_start_volumes_become_requirements():
    s = State()
    s.set_volume("w", None, 360.0)
    assert s.remove_liquid("w", 100.0) is None
    s.add_liquid("w", 30.0)
    assert s.remove_liquid("w", 100.0) is None
    s.commit()
    assert s.required["w"] == 170.0
    assert s.volume("w").text("w") == "v(w) - 170 µL"


def test_an_unknown_well_still_cannot_give_more_than_it_can_hold():
    s = State()
    s.set_volume("w", None, 360.0)
    assert s.remove_liquid("w", 400.0) == 360.0


def test_an_unknown_well_that_must_hold_a_lot_has_little_room_left():
    s = State()
    s.set_volume("w", None, 360.0)
    s.remove_liquid("w", 300.0)
    s.add_liquid("w", 300.0)
    assert s.add_liquid("w", 100.0) == 60.0


def test_a_rolled_back_requirement_is_forgotten():
    s = State()
    s.set_volume("w", None, 360.0)
    s.commit()
    s.remove_liquid("w", 200.0)
    s.rollback()
    assert s.required.get("w", 0.0) == 0.0


def test_a_start_volume_above_the_maximum_is_still_remembered_as_needed():
    s = State()
    s.set_volume("w", None, 360.0)
    s.remove_liquid("w", 200.0)
    s.commit()
    assert s.remove_liquid("w", 200.0) == 160.0
    s.rollback()
    assert s.required["w"] == 200.0 and s.infeasible["w"] == 400.0
