"""Without a setup, labware is proposed on carriers of a STARLet, once per signature."""

from __future__ import annotations

from praxis_lab.deck import proposal
from praxis_lab.protocol.analyse import analyse


def _info(sig: str):
    return analyse(f"async def p({sig}):\n    pass\n")


def test_one_signature_gets_one_proposal_until_a_protocol_changes_its_deck():
    info = _info("lh: LiquidHandler, tips: TipRack, src: Plate")
    first, _ = proposal.proposal(info)
    assert proposal.proposal(info)[0] is first
    assert proposal.proposal(_info("lh: LiquidHandler, src: Plate"))[0] is not first
    first.sealed = True
    first.handler.deck.unassign_child_resource(first.handler.deck.children[0])
    assert first.changed and proposal.proposal(info)[0] is not first


def test_labware_goes_on_the_carrier_for_its_kind_and_fills_its_sites_first():
    proposer = proposal.Proposer()
    params = _info("lh: LiquidHandler, a: Plate, b: Plate, t: TipRack").params
    placed = [proposal.default_for(p, proposer) for p in params[1:]]
    carriers = [type(r.parent.parent).__name__ for r in placed]
    assert carriers == ["PlateCarrier", "PlateCarrier", "TipCarrier"]
    assert placed[0].parent.parent is placed[1].parent.parent  # one carrier, two sites
    assert placed[2].parent.parent.name == "tip_car_1"
