"""What a trace answers for PLR's own objects (praxis_lab.trace.trackers): here, a protocol
that changes the setup's deck while it is being simulated. A lid put on or taken off by hand
is checked as PLR checks it; the setup's objects are never changed."""

from __future__ import annotations

from test_rules import deck, run

from praxis_lab import simulate

NEW_LID = """
from pylabrobot.resources import Lid
dst.assign_child_resource(Lid(name="lid", size_x=127.76, size_y=85.48, size_z=5,
                              nesting_z_height=3))
"""
PIPETTE = """
await lh.pick_up_tips(tips["A1"])
await lh.aspirate(src["A1"], vols=[10])
await lh.dispense(dst["A1"], vols=[10])
"""


def _lid(name: str) -> object:
    from pylabrobot.resources import Lid

    return Lid(name=name, size_x=127.76, size_y=85.48, size_z=5, nesting_z_height=3)


def test_a_lid_put_on_the_setups_plate_is_checked_and_changes_nothing():
    objects = deck(src={"A1": 50})
    children = {name: list(objects[name].children) for name in ("src", "dst")}
    for _ in range(2):  # the same verdict again: the plate did not get the lid
        r = run(NEW_LID + PIPETTE, objects)
        assert r.complete and [(f.kind, f.line) for f in r.failure_modes] == [
            ("device_state", 8)], r.summary()  # PLR: dispensing into a lidded plate
        assert "dst has a lid" in r.failure_modes[0].message
        assert objects["dst"].lid is None
        assert {n: list(objects[n].children) for n in children} == children


def test_a_second_lid_and_a_lid_taken_off_by_hand_leave_the_setups_lids_where_they_were():
    objects = deck(src={"A1": 50})
    first = _lid("dst_lid")
    objects["dst"].assign_child_resource(first)
    second = run(NEW_LID, objects)  # PLR: 'dst' already has a lid.
    assert second.complete and [(f.kind, f.line) for f in second.failure_modes] == [
        ("device_state", 3)], second.summary()
    for off in ("dst.lid = None", "dst.unassign_child_resource(dst.lid)", "dst.lid.unassign()"):
        r = run(off + PIPETTE, objects)
        assert r.complete and r.ok, (off, r.summary())
        assert objects["dst"].lid is first and first.parent is objects["dst"]


def test_a_protocol_that_assigns_other_children_to_the_setups_labware_is_unchecked():
    body = """
        from pylabrobot.resources import cor_96_wellplate_360uL_Fb
        src.parent.parent[4] = cor_96_wellplate_360uL_Fb(name="extra")
        await lh.pick_up_tips(tips["A1"])
        """
    objects = deck()
    for _ in range(2):
        r = run(body, objects)
        assert not r.complete and r.issues[0].kind == "reads_state" and r.issues[0].line == 3
        assert "changes the deck" in r.issues[0].message
        assert objects["src"].parent.parent[4].resource is None


def test_a_protocol_given_only_a_plate_of_the_setups_deck_still_leaves_it_unchanged():
    source = """
from pylabrobot.resources import Lid, Plate

async def p(dst: Plate):
    dst.assign_child_resource(Lid(name="lid", size_x=127.76, size_y=85.48, size_z=5,
                                  nesting_z_height=3))
"""
    objects = deck()  # the plate's root is the handler, which the protocol is not given
    report = simulate(source, setup={"dst": objects["dst"]}, cache=False)
    assert report.complete and report.ok, report.summary()
    assert objects["dst"].lid is None


def test_plate_lid_answers_what_the_path_did_to_it_and_the_setups_lid_is_kept():
    objects = deck(src={"A1": 50})
    body = NEW_LID + "await lh.move_lid(dst.lid, src.parent.parent[4])\n" \
        "assert not dst.has_lid()\n" + PIPETTE
    r = run(body, objects)  # PLR: the lid put on by hand is moved off again: no lid
    assert r.complete and r.ok, r.summary()
    assert objects["dst"].lid is None and objects["src"].parent.parent[4].resource is None
