"""Binding parameters to labware, and the deck layout as data for the widgets."""

from __future__ import annotations

import pytest

from praxis_lab.deck.binding import bind
from praxis_lab.deck.layout import layout
from praxis_lab.protocol.analyse import ProtocolError, analyse


def _info(sig: str):
    return analyse(f"async def p({sig}):\n    pass\n")


def test_without_a_setup_labware_is_proposed_on_carriers_of_a_starlet():
    b = bind(_info("lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, r: Trough"))
    assert b.proposed and type(b.deck).__name__ == "HamiltonSTARDeck"
    for name in ("tips", "src", "dst", "r"):
        assert b.on_deck(b.objects[name]), name
    data = layout(b)
    cats = {r["name"]: r["category"] for r in data["resources"]}
    assert cats["src"] == "plate" and cats["tips"] == "tip_rack" and cats["r"] == "trough"
    carriers = [r for r in data["resources"] if r["category"] == "carrier"]
    assert [c["rail"] for c in carriers] == [1, 7, 13]
    wells = [r for r in data["resources"] if r["category"] == "well"]
    assert len(wells) == 192 and wells[0]["key"] == "src[A1]" and wells[0]["max_volume"] == 360
    assert data["deck"] == {"name": "deck", "type": "HamiltonSTARDeck", "kind": "carrier",
                            "size_x": b.deck.get_size_x(), "size_y": b.deck.get_size_y(),
                            "rails": 32, "proposed": True}


def test_list_of_wells_binds_all_wells_of_a_plate_named_after_the_parameter():
    b = bind(_info("lh: LiquidHandler, wells: list[Well], spot: TipSpot"))
    wells = b.objects["wells"]
    assert len(wells) == 96 and b.key(wells[5]) == "wells[F1]"
    assert b.key(b.objects["spot"]) == "spot"


def test_numeric_parameters_become_witnesses_and_a_param_given_pins_its_value():
    b = bind(_info("lh: LiquidHandler, v: float = 5, n: int = 2, label: str = 'x'"),
             params={"v": "7.5"})
    assert b.witness == {"n": 2} and b.objects["label"] == "x"
    assert b.objects["v"] == 7.5 and b.pinned == {"v": "7.5"}  # nothing forks on it


def test_a_value_without_default_or_param_is_a_usage_error():
    with pytest.raises(ProtocolError, match="pass --param v=VALUE"):
        bind(_info("lh: LiquidHandler, v: float"))


def test_an_unknown_type_is_left_unresolved_for_the_simulator_to_report():
    b = bind(_info("lh: LiquidHandler, thing: Gizmo"))
    assert [p.name for p in b.unresolved] == ["thing"]


def test_a_setup_missing_a_labware_parameter_is_named():
    from praxis_lab import _plr

    lh = _plr.new_handler()
    with pytest.raises(ProtocolError, match="gives no 'src'"):
        bind(_info("lh: LiquidHandler, src: Plate"), setup={"lh": lh}, setup_name="make")
