"""A protocol that reads its wells' volumes (praxis_lab.trace.liquids): with a setup, each
path reads the setup's volumes and what its own ops did since, as PLR's trackers would
show them; where that is not known, the read stops the path (``reads_state``)."""

from __future__ import annotations

from test_rules import deck, failures, run


def test_a_read_sees_the_setups_volume_and_the_paths_aspirates_dispenses_and_transfers():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(src["A1"], vols=[30])
        await lh.dispense(dst["A1"], vols=[30])
        await lh.transfer(src["A1"][0], dst["A2:A3"], source_vol=10)
        left, got = src["A1"][0].tracker.get_used_volume(), dst["A2"][0].tracker.get_used_volume()
        free = dst["A1"][0].tracker.get_free_volume()
        assert (left, got, free) == (60, 5, 330), (left, got, free)
        """, deck(src={"A1": 100}))
    assert r.ok and r.complete, [f.message for f in r.failure_modes]


def test_a_branch_on_a_read_volume_takes_the_path_plr_takes():
    r = run("""
        await lh.pick_up_tips(tips["A1"])
        for _ in range(3):
            well = src["A1"] if src["A1"][0].tracker.get_used_volume() >= 40 else src["B1"]
            await lh.aspirate(well, vols=[40])
            await lh.dispense(dst["A1"], vols=[40])
        """, deck(src={"A1": 100, "B1": 30}))
    assert failures(r) == [("insufficient_liquid", 5)]  # B1 holds 30 µL at the third
    assert "src[B1], which holds 30 µL" in r.failure_modes[0].message


def test_volumes_set_in_the_protocol_are_read_back():
    r = run("""
        src["C1"][0].tracker.set_volume(42)
        assert src["C1"][0].tracker.get_used_volume() == 42
        """)
    assert r.ok and r.complete


def test_after_a_96_head_op_a_read_is_not_answered():
    r = run("""
        await lh.pick_up_tips96(tips)
        await lh.aspirate96(src, volume=10)
        if src["A1"][0].tracker.get_used_volume() > 5:
            pass
        """, deck(src={f"{r}{c}": 50 for r in "ABCDEFGH" for c in range(1, 13)}))
    assert not r.complete and r.issues[0].kind == "reads_state" and r.issues[0].line == 4


def test_volumes_given_as_a_generator_are_left_for_plr_to_read_once():
    r = run("""
        await lh.pick_up_tips(tips["A1:B1"])
        await lh.aspirate(src["A1:B1"], vols=(v for v in [10, 10]))
        await lh.dispense(dst["A1:B1"], vols=[10, 10])
        if src["A1"][0].tracker.get_used_volume() > 5:
            pass
        """, deck(src={"A1:B1": 50}))
    assert not r.failure_modes  # the aspirate still has its two volumes
    assert not r.complete and r.issues[0].kind == "reads_state" and r.issues[0].line == 5

