"""Simulations in a row see nothing of each other: what the process keeps between calls
(the proposed decks and what is derived from them, the item memos, the analysis caches)
gives every protocol the report it gets when it is simulated alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from praxis_lab import deck
from praxis_lab.simulate import simulate

PROTOCOLS = Path(__file__).parent / "protocols"
FILES = sorted(PROTOCOLS.glob("*.py"))


def _setup(path: Path) -> Any:
    return json.loads(path.with_suffix(".json").read_text()).get("setup")


def _report(path: Path) -> dict[str, Any]:
    data = simulate(str(path), setup=_setup(path), cache=False).to_dict()
    data.pop("timings_ms")
    return data


def _alone(path: Path) -> dict[str, Any]:
    deck._PROPOSALS.clear()  # a fresh process's proposed decks
    return _report(path)


@pytest.fixture(scope="module")
def alone() -> dict[str, dict[str, Any]]:
    return {path.stem: _alone(path) for path in FILES}


def test_every_protocol_after_every_other_gives_its_report_alone(
        alone: dict[str, dict[str, Any]]) -> None:
    deck._PROPOSALS.clear()
    for path in FILES[::-1]:  # each after another protocol than when it ran alone
        assert _report(path) == alone[path.stem], path.stem


def test_a_protocol_that_changes_the_proposed_deck_leaves_the_next_one_alone() -> None:
    plate = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\n"
    quiet = plate + "    await lh.pick_up_tips(tips['A1:H1'])\n    await lh.aspirate(" \
        "src['A1:H1'], vols=[10] * 8)\n"
    # takes the proposed plate off its carrier: the deck of these parameters changed
    moving = plate + "    src.unassign()\n    await lh.pick_up_tips(tips['A1:H1'])\n"
    first = _alone_source(quiet)
    assert "src" in {r["parameter"] for r in first["deck_layout"]["resources"]}
    simulate(moving, cache=False)
    again = simulate(quiet, cache=False).to_dict()
    again.pop("timings_ms")
    assert again == first


def _alone_source(source: str) -> dict[str, Any]:
    deck._PROPOSALS.clear()
    data = simulate(source, cache=False).to_dict()
    data.pop("timings_ms")
    return data
