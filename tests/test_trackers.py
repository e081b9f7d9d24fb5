"""What a trace answers for PLR's own objects (praxis_lab.trace.trackers): here, a protocol
that changes the setup's deck while it is being simulated."""

from __future__ import annotations

from test_rules import deck, run

from praxis_lab import simulate


def test_a_protocol_that_assigns_to_the_setups_labware_is_unchecked_and_changes_nothing():
    body = """
        from pylabrobot.resources import Lid
        dst.assign_child_resource(Lid(name="lid", size_x=127, size_y=86, size_z=5,
                                      nesting_z_height=3))
        await lh.pick_up_tips(tips["A1"])
        """
    objects = deck()
    for _ in range(2):  # the same verdict again: the plate did not get the lid
        r = run(body, objects)
        assert not r.complete and r.issues[0].kind == "reads_state" and r.issues[0].line == 3
        assert "changes the deck" in r.issues[0].message and objects["dst"].lid is None


def test_a_protocol_given_only_a_plate_of_the_setups_deck_still_leaves_it_unchanged():
    source = """
from pylabrobot.resources import Lid, Plate

async def p(dst: Plate):
    dst.assign_child_resource(Lid(name="lid", size_x=127, size_y=86, size_z=5,
                                  nesting_z_height=3))
"""
    objects = deck()  # the plate's root is the handler, which the protocol is not given
    report = simulate(source, setup={"dst": objects["dst"]}, cache=False)
    assert not report.complete and report.issues[0].kind == "reads_state"
    assert objects["dst"].lid is None
