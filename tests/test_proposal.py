"""Without a setup, labware is proposed on carriers of a STARLet, once per signature."""

from __future__ import annotations

from pathlib import Path

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


# --- guessed labware invents no failures (the same protocol with its setup agrees) --------

_CORPUS = Path(__file__).parent / "corpus"


def _kinds(report) -> list[tuple[str, int]]:
    return [(f.kind, f.line) for f in report.failure_modes]


def test_wells_named_beyond_h12_mean_a_384_well_plate():
    from praxis_lab.pipeline import simulate

    path = _CORPUS / "ok_384_named_wells.py"
    guessed = simulate(str(path), cache=False)
    assert guessed.ok and _kinds(guessed) == _kinds(simulate(str(path), setup="setup")) == []
    proposer, _made = proposal.proposal(analyse(path.read_text()))
    assert proposer.wide == {"assay"}


def test_quadrants_mean_384_wells_and_a_well_shared_by_channels_a_reservoir():
    from praxis_lab.pipeline import simulate

    for stem in ("ok_quadrants_384", "ok_reservoir_indexed", "ok_names_built_in_loop"):
        report = simulate(str(_CORPUS / f"{stem}.py"), cache=False)
        assert report.ok, (stem, report.summary())


def test_a_volume_beyond_the_guessed_well_is_a_requirement_and_tubes_resolve():
    from praxis_lab.pipeline import simulate

    path = _CORPUS / "ok_pool_into_deep_well.py"
    guessed = simulate(str(path), cache=False)
    assert guessed.ok and not guessed.failure_modes  # no over_capacity, no unresolved_type
    (need,) = guessed.requirements["capacity"]
    assert (need["parameter"], need["well"], need["min_capacity"]) == ("pool", "A1", 1100)
    assert "pool needs wells holding ≥ 1,100 µL" in guessed.summary()
    assert simulate(str(path), setup="setup").ok


def test_aspirating_from_the_trash_is_the_wrong_resource_with_or_without_a_setup():
    from praxis_lab.pipeline import simulate

    path = _CORPUS / "broken_aspirate_from_trash.py"
    for report in (simulate(str(path), cache=False), simulate(str(path), setup="setup")):
        assert _kinds(report) == [("wrong_resource", 21)]
        assert "the deck's trash" in report.failure_modes[0].message
