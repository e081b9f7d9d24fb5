"""The computation graph is plain data with one printer, checked against golden files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from praxis_lab.pipeline import simulate
from praxis_lab.trace.graph import OperationNode, ProtocolComputationGraph, format_graph

GOLDEN = Path(__file__).parent / "golden"
PROTOCOLS = Path(__file__).parent / "protocols"
BRANCHY = '''
async def p(lh: LiquidHandler, tips: TipRack, src: Plate, volume: float = 50):
    await lh.pick_up_tips(tips["A1:H1"])
    if volume > 100:
        await lh.aspirate(src["A1:H1"], vols=[volume / 2] * 8)
        await lh.aspirate(src["A2:H2"], vols=[volume / 2] * 8)
    else:
        await lh.aspirate(src["A1:H1"], vols=[volume] * 8)
    await lh.drop_tips(tips["A1:H1"])
'''


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PRAXIS_LAB_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_the_printer_matches_the_golden_file_for_a_plate_copy():
    graph = simulate(PROTOCOLS / "ok_plate_copy.py").graph
    graph.protocol_fqn = "ok_plate_copy.py:copy_plate"
    _golden("plate_copy.txt", format_graph(graph) + "\n")


def test_the_printer_matches_the_golden_file_for_branches():
    graph = simulate(BRANCHY).graph
    graph.protocol_fqn = "branchy:p"
    _golden("branchy.txt", format_graph(graph) + "\n")


def test_ops_of_one_branch_are_conditional_and_sit_in_execution_order():
    g = simulate(BRANCHY).graph
    assert [(o.method_name, o.line_number, o.certainty, o.condition) for o in g.operations] == [
        ("pick_up_tips", 3, "always", None),
        ("aspirate", 5, "conditional", "volume > 100"),
        ("aspirate", 6, "conditional", "volume > 100"),
        ("aspirate", 8, "conditional", "volume <= 100"),
        ("drop_tips", 9, "always", None),
    ]
    assert g.execution_order == [o.id for o in g.operations]
    assert g.operations[1].arguments["vols"] == "[volume / 2] * 8"


def test_the_graph_round_trips_through_json():
    g = simulate(PROTOCOLS / "ok_plate_copy.py").graph
    again = ProtocolComputationGraph.from_dict(json.loads(json.dumps(g.to_dict())))
    assert again == g


def test_ops_carry_resources_volumes_loops_and_preconditions():
    g = simulate(PROTOCOLS / "ok_plate_copy.py").graph
    asp = g.operations[1]
    assert asp.resources[:2] == ["source[A1]", "source[B1]"] and len(asp.resources) == 8
    assert asp.volumes == [100.0] * 8
    assert asp.loop == "for col in range(1, 13) @ 8"
    kinds = {p.id: p.precondition_type for p in g.preconditions}
    assert sorted(kinds[i] for i in asp.preconditions) == [
        "liquid_present", "resource_on_deck", "tips_loaded"]


def test_a_hand_built_graph_prints_one_line_per_op():
    g = ProtocolComputationGraph("x", operations=[
        OperationNode("op_0", 4, 8, "aspirate", "lh", arguments={"vols": "[1]"},
                      certainty="conditional", condition="v > 2")])
    assert format_graph(g).splitlines()[-1] == "  op_0  line 4:8  aspirate(vols=[1])  if v > 2"


def test_labware_found_by_name_is_a_resource_with_its_type_and_real_parental_chain():
    corpus = Path(__file__).parent / "corpus"
    graph = simulate(corpus / "ok_star_basic_by_name.py", setup="setup").graph
    plate = graph.resources["plate_01"]
    assert (plate.declared_type, plate.element_type) == ("", "Plate")
    assert plate.parental_chain == ["PlateCarrier", "Deck"]
    assert plate.placement_requirements == {"found_on_deck": True, "parent": "plate carrier"}
    assert "pre_0" in graph.operations[0].preconditions  # tips_01 must be on the deck
    assert "  plate_01: found on the deck  (Plate > PlateCarrier > Deck)" in format_graph(graph)


def test_a_site_of_a_bound_carrier_is_named_by_the_carrier_and_its_index():
    graph = simulate(PROTOCOLS / "ok_move_plate.py", setup="setup").graph
    moves = [op for op in graph.operations if op.method_name == "move_plate"]
    assert [op.arguments["to"] for op in moves] == ["carrier[2]", "carrier[0]"]
    assert list(graph.resources) == ["tips", "plate", "carrier"]
