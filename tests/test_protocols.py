"""Every protocol in tests/protocols/ simulates to the graph and failures its JSON states.

Each ``<stem>.py`` carries its expected result in ``<stem>.json`` (derived by hand and
from real PLR runs, see tests/plr_harness.py): op count, the first methods and lines
in order, the labware parameters and their parental chains, and every failure mode
(kind, line, certainty) in source order. Every failure mode with fixes is then fixed
with each of them in turn (the first is the one the failure list applies), re-simulated,
and must be gone.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from expectations import check_failures, check_graph

from praxis_lab.pipeline import simulate
from praxis_lab.sim.failures import KINDS
from praxis_lab.sim.simulate import SimulationReport

PROTOCOLS = Path(__file__).parent / "protocols"
FILES = sorted(PROTOCOLS.glob("*.py"))

# Known simulator bugs outside rules.py (reported to the lead): test -> stem -> reason.
KNOWN_BUGS: dict[str, dict[str, str]] = {
    "graph": {},
    "failures": {},
    "fix": {},
}


def _params(test: str) -> list[Any]:
    out = []
    for path in FILES:
        reason = KNOWN_BUGS.get(test, {}).get(path.stem)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(path, id=path.stem, marks=marks))
    return out


@cache
def expected(path: Path) -> dict[str, Any]:
    return json.loads(path.with_suffix(".json").read_text())  # type: ignore[no-any-return]


def report_of(path: Path) -> SimulationReport:
    return simulate(str(path), setup=expected(path).get("setup"))


def test_there_are_15_ok_protocols_and_two_broken_ones_per_failure_kind():
    ok = [p for p in FILES if p.stem.startswith("ok_")]
    assert len(ok) >= 15
    assert all(expected(p)["ok"] and not expected(p)["failures"] for p in ok)
    first_kinds = [expected(p)["failures"][0]["kind"] for p in FILES
                   if p.stem.startswith("broken_")]
    missing = {k: first_kinds.count(k) for k in KINDS if first_kinds.count(k) < 2}
    assert not missing, f"fewer than two broken protocols for {missing}"
    assert all(p.with_suffix(".json").exists() for p in FILES)


@pytest.mark.parametrize("path", _params("graph"))
def test_the_graph_has_the_expected_ops_lines_resources_and_chains(path: Path):
    check_graph(report_of(path), expected(path))


@pytest.mark.parametrize("path", _params("failures"))
def test_the_failure_modes_are_the_expected_kinds_lines_and_certainties(path: Path):
    check_failures(report_of(path), expected(path))


# Failure modes no codemod can fix without knowing the author's intent (which channel,
# which volume, which container); they are pinned here so a new fix-less one is noticed.
NO_FIX = {
    "broken_bad_missing_arg-bad_arguments@8": "transfer without source_vol or target_vols: "
        "the protocol has no volume to take them from (a made-up one is not a fix)",
    "broken_bad_missing_arg-bad_arguments@9": "vols is missing and no dispense moves the same "
        "liquid: no volume to propose",
    "broken_protocol_check_default-protocol_error@12": "the protocol's own check refuses its "
        "default: whether the default or the check is wrong is the author's call",
    "broken_protocol_assert_plate-protocol_error@10": "the protocol asserts a 384-well plate "
        "and is given a 96-well one: which plate was meant is the author's call",
}

# Kinds no codemod answers: the failure is the protocol's own code doing what it says.
FIXLESS_KINDS = {"protocol_error"}


def test_the_failures_without_a_fix_are_exactly_the_pinned_ones():
    fixless = {f"{path.stem}-{f.kind}@{f.line}" for path in FILES
               for f in report_of(path).failure_modes if not f.data.get("fix_objects")}
    assert fixless == set(NO_FIX)


def _fixable() -> list[Any]:
    out = []
    for path in FILES:
        for i, f in enumerate(expected(path)["failures"]):
            if path.stem in KNOWN_BUGS["failures"] or (
                    f"{path.stem}-{f['kind']}@{f['line']}" in NO_FIX):
                continue
            name = f"{path.stem}-{f['kind']}@{f['line']}"
            reason = KNOWN_BUGS["fix"].get(name)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(path, i, id=name, marks=marks))
    return out


def new_line(before: str, after: str, line: int) -> int | None:
    """Where line ``line`` of ``before`` is in ``after`` (None: the edit removed it)."""
    a, b = before.splitlines(), after.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if i1 <= line - 1 < i2:
            if tag == "equal":
                return j1 + (line - 1 - i1) + 1
            if tag == "replace":  # the statement itself was edited
                return j1 + min(line - 1 - i1, j2 - j1 - 1) + 1
            return None
    return None


@pytest.mark.parametrize("path, index", _fixable())
def test_each_fix_of_a_failure_makes_it_go_away(path: Path, index: int):
    exp, report = expected(path), report_of(path)
    want = exp["failures"][index]
    mode = next(f for f in report.failure_modes
                if (f.kind, f.line, f.certainty) == (want["kind"], want["line"],
                                                     want["certainty"]))
    fixes = mode.data.get("fix_objects") or []
    assert fixes, f"no fix offered for {mode.kind} @ line {mode.line}"
    source = path.read_text()
    for fix in fixes:  # the first one is what the failure list applies
        fixed = fix.apply(source)
        assert fixed != source, f"fix {fix.description!r} changed nothing"
        again = simulate(fixed, setup=exp.get("setup"))
        line = new_line(source, fixed, mode.line)
        still = [f for f in again.failure_modes if f.kind == mode.kind and f.line == line]
        assert not still, f"after {fix.description!r}:\n{fixed}"


def test_every_failure_kind_has_a_fixture_whose_first_fix_is_offered():
    offered: set[str] = set()
    for path in FILES:
        if path.stem in KNOWN_BUGS["failures"]:
            continue
        for f in report_of(path).failure_modes:
            if f.data.get("fix_objects"):
                offered.add(f.kind)
    assert set(KINDS) - offered == FIXLESS_KINDS


def test_the_first_unknown_method_traced_in_a_fresh_process_records_only_its_ops():
    import subprocess
    import sys

    code = ("from praxis_lab import simulate\n"
            f"r = simulate({str(PROTOCOLS / 'broken_unknown_mix.py')!r})\n"
            "print(len(r.graph.operations))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.split()[-1] == str(expected(PROTOCOLS / "broken_unknown_mix.py")["ops"])
