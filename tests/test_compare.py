"""The inputs of ``make compare-opentrons`` (benchmarks/compare/) keep saying what their
manifest says, without Opentrons installed: praxis_lab finds every PLR file's mistake, of
the stated kind, at the stated line (and nothing in the correct one); PLR itself either
completes or stops at that line (never somewhere else, which would mean a broken input);
the stated lines of both files are the calls they name; the Opentrons files parse."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import plr_harness
import pytest

ROOT = Path(__file__).resolve().parents[1]
COMPARE = ROOT / "benchmarks" / "compare"
PAIRS: list[dict[str, Any]] = json.loads((COMPARE / "manifest.json").read_text())["pairs"]


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"_compare_{name}",
                                                  ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


compare = _load("compare_simulators")
driver = _load("opentrons_driver")  # standard library only at import time


def _ids(pairs: list[dict[str, Any]]) -> list[str]:
    return [p["id"] for p in pairs]


def test_the_manifest_covers_every_file_and_kind():
    plr = {p["plr"]["file"] for p in PAIRS}
    ot = {p["opentrons"]["file"] for p in PAIRS}
    assert plr == {f"plr/{f.name}" for f in (COMPARE / "plr").glob("*.py")}
    assert ot == {f"opentrons/{f.name}" for f in (COMPARE / "opentrons").glob("*.py")}
    kinds = {p["kind"] for p in PAIRS}
    assert {None, "no_tips", "tips_already_loaded", "tip_spot_empty", "insufficient_liquid",
            "over_capacity", "tip_volume_exceeded", "not_on_deck", "unknown_method",
            "bad_arguments"} <= kinds
    assert any(p.get("certainty") == "conditional" for p in PAIRS)


@pytest.mark.parametrize("pair", PAIRS, ids=_ids(PAIRS))
def test_praxis_lab_finds_the_stated_mistake(pair):
    res = compare.run_praxis(pair, reps=0)
    tag, text = compare.praxis_cell(pair, res)
    if pair["kind"] is None:
        assert res["ok"] and res["failures"] == [], res["failures"]
        assert tag == "no false alarm"
        return
    wanted = {"kind": pair["kind"], "line": pair["plr"]["line"],
              "certainty": pair.get("certainty", "always")}
    found = [{k: f[k] for k in wanted} for f in res["failures"]]
    assert wanted in found, found
    assert tag == "right line", text


@pytest.mark.parametrize("pair", PAIRS, ids=_ids(PAIRS))
def test_plr_stops_at_the_stated_line_or_completes(pair):
    line = pair["plr"]["line"]
    runs = [compare.run_plr(pair, reps=0)]
    if "failing" in pair:
        failing = compare.run_plr(pair, reps=0, params=pair["failing"])
        assert not failing["completed"] and failing["line"] == line, failing
        runs.append(failing)
    for res in runs:
        assert res["completed"] or res["line"] == line, res
    if pair["kind"] is None:
        assert runs[0]["completed"], runs[0]


@pytest.mark.parametrize("pair", [p for p in PAIRS if p["kind"]], ids=_ids(
    [p for p in PAIRS if p["kind"]]))
def test_the_stated_lines_are_calls(pair):
    plr = (COMPARE / pair["plr"]["file"]).read_text().splitlines()
    ot = (COMPARE / pair["opentrons"]["file"]).read_text().splitlines()
    assert plr[pair["plr"]["line"] - 1].lstrip().startswith("await lh.")
    assert ot[pair["opentrons"]["line"] - 1].lstrip().startswith("pipette.")


@pytest.mark.parametrize("pair", PAIRS, ids=_ids(PAIRS))
def test_the_opentrons_files_are_api_2_protocols(pair):
    text = (COMPARE / pair["opentrons"]["file"]).read_text()
    tree = ast.parse(text)
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "run" in names
    meta = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                and getattr(n.targets[0], "id", "") == "metadata")
    assert meta["apiLevel"].startswith("2.")
    # the variant without declared liquids keeps every line where it was
    plain = driver.no_load_liquid(text)
    assert len(plain.splitlines()) == len(text.splitlines())
    assert "load_liquid(" not in "".join(
        line for line in plain.splitlines() if not line.lstrip().startswith("#"))
    ast.parse(plain)


def test_the_cells_come_from_the_outputs():
    pair = next(p for p in PAIRS if p["id"] == "overflow")
    line = pair["opentrons"]["line"]
    done = {"completed": True, "error": None, "inner": None, "line": None, "warnings": [],
            "books": {"plate[A12]": {"volume": 450.0, "max": 360.0}}}
    assert compare.opentrons_cell(pair, done) == (
        "missed", "completes (no warning; its volumes end at A12 = 450 µL (max 360))")
    raised = {**done, "completed": False, "error": "ProtocolCommandFailedError",
              "inner": "TipNotAttachedError", "line": line + 1}
    assert compare.opentrons_cell(pair, raised) == (
        "elsewhere", f"TipNotAttachedError @ {line + 1}")
    assert compare.opentrons_cell(pair, None) == ("not run", "not run")
    assert plr_harness.PLRResult(True).expected() == "completes"
