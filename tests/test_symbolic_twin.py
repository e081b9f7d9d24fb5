"""With exact volumes, the symbolic level's requirements come from the exact replay's twin
when no path fails (State.twin); otherwise the symbolic level is replayed. Either way the
report is the one a symbolic replay gives."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from praxis_lab.pipeline import simulate
from praxis_lab.sim.state import State

simulate_module = importlib.import_module("praxis_lab.sim.simulate")

TESTS = Path(__file__).parent
EXACT = sorted(p for folder in ("protocols", "corpus") for p in (TESTS / folder).glob("*.py")
               if json.loads(p.with_suffix(".json").read_text()).get("setup"))


def _report(path: Path) -> dict[str, Any]:
    setup = json.loads(path.with_suffix(".json").read_text())["setup"]
    data = simulate(str(path), setup=setup, cache=False).to_dict()
    data.pop("timings_ms")
    return data


def test_every_exact_fixture_reports_the_same_with_the_twin_and_with_a_symbolic_replay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(EXACT) > 40
    used: list[bool] = []
    real = simulate_module.symbolic_twins

    def counting(*args: Any) -> Any:
        found = real(*args)
        used.append(found is not None)
        return found

    monkeypatch.setattr(simulate_module, "symbolic_twins", counting)
    twin = {p: _report(p) for p in EXACT}
    assert any(used) and not all(used)  # both ways are exercised by the fixtures
    monkeypatch.setattr(simulate_module, "symbolic_twins", lambda *a: None)
    for path in EXACT:
        assert _report(path) == twin[path], path.name


def test_the_twin_follows_the_unknown_start_branch_step_for_step() -> None:
    exact, symbolic = State(), State()
    exact.twin = {}
    exact.set_volume("w", 100.0, 200.0)
    exact.start_twin("w")
    symbolic.set_volume("w", None, 200.0)
    for op, amount in (("remove", 30.0), ("add", 10.0), ("remove", 0.1), ("remove", 50.2),
                       ("add", 120.0)):
        for s in (exact, symbolic):
            (s.remove_liquid if op == "remove" else s.add_liquid)("w", amount)
            s.commit()
        vol = symbolic.volumes["w"]
        assert exact.twin["w"] == vol.amount and exact.twin_required == symbolic.required
    assert not exact.twin_failed
    # a start the symbolic level cannot reach (more than the well's maximum: only a
    # tracker set past it holds that) is a failure there: the twin says so
    over = State()
    over.twin = {}
    over.set_volume("w", 250.0, 200.0)
    over.start_twin("w")
    assert over.remove_liquid("w", 230.0) is None and over.twin_failed


def test_a_volume_the_protocol_sets_is_known_to_the_twin() -> None:
    s = State()
    s.twin = {}
    s.set_volume("w", 100.0, 200.0)
    s.start_twin("w")
    s.remove_liquid("w", 30.0)
    s.set_twin_known("w")
    s.remove_liquid("w", 60.0)
    s.commit()
    assert s.twin == {"w": None} and s.twin_required == {"w": 30.0}
