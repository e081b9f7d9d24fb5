"""Proof: a fix is offered only once the fixed protocol has been simulated again.

A :class:`Prover` applies a candidate fix, simulates the fixed source on every path with
the setup and parameters the report was made with, and compares: the failure the fix
answers must be gone and no failure may appear that the protocol did not have (on any
path: the other branch of an ``if`` included), nor a warning (a bound hit, PLR's
``stamp`` dispensing back into its source). A fix that removes its failure but lets
another appear is kept, last, with what appears (:attr:`Proof.breaks`); one that does not
remove its failure, or does not compile, is not offered. What appears where the protocol
never got before (behind a raise) or further into a call that failed at an earlier check
was hidden by the failure, not made by the fix: it is said (:attr:`Proof.reveals`), and the
fix is proven.

Proving costs one simulation per candidate, kept small: the setup's labware is built once
and shared by every candidate that leaves the setup function as it was
(:mod:`praxis_lab.protocol.setups`), and a fixed source is simulated once however many
candidates make it.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\\n"
...        "    await lh.aspirate(src['A1'], [10])\\n")
>>> fix = simulate(src, cache=False).failure_modes[0].fixes[0]
>>> fix["description"], fix["proven"]
('pick up tips (tips["A1"]) before line 2', True)
"""

from __future__ import annotations

import ast
import difflib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from praxis_lab.errors import UserError
from praxis_lab.fixes.codemod import Fix
from praxis_lab.protocol.loading import Loaded
from praxis_lab.protocol.setups import (
    FrozenUnusable,
    asked_more,
    forget,
    load_with_setup,
    setup_key,
)
from praxis_lab.sim.simulate import Checked, simulate_loaded
from praxis_lab.trace.sandbox import CONFINED

__all__ = ["Proof", "Prover", "line_map", "stage"]

@dataclass
class Proof:
    """What simulating a fixed source showed about one failure mode."""

    source: str  # the fixed source ("" when the fix cannot apply)
    removes: bool  # the failure is gone from its line
    breaks: list[str] = field(default_factory=list)  # what appears that was not there
    # what appears where the protocol never got, or further into a call that failed before:
    # failures of its own the fixed one hid
    reveals: list[str] = field(default_factory=list)
    error: str = ""  # why the fixed source could not be simulated
    gone: set[tuple[str, int]] = field(default_factory=set)  # the failures it removes
    # the fixed source's failures: (kind, the line in the fixed source, the line it was
    # in the original source or 0 for a line the fix wrote)
    after: list[tuple[str, int, int]] = field(default_factory=list, repr=False)

    @property
    def clean(self) -> bool:
        """Removes its failure and adds none: the fix is proven."""
        return self.removes and not self.breaks and not self.error


class Prover:
    """Simulates fixed sources the way a report was made: same protocol name, setup,
    parameters and namespace."""

    def __init__(self, loaded: Loaded, checked: Checked, setup: Any,
                 params: Mapping[str, Any] | None,
                 namespace: Mapping[str, Any] | None = None) -> None:
        self.loaded, self.checked, self.namespace = loaded, checked, namespace
        self.setup, self.params = setup, dict(params or {})
        self.source = checked.info.source
        self.name = checked.info.name
        self.before = {(m.kind, m.line) for m in checked.report.failure_modes}
        self.ran = {op.line_number for op in checked.report.graph.operations}
        self.failed_at: dict[int, int] = {}  # line -> how far into its call a failure got
        for m in checked.report.failure_modes:
            self.failed_at[m.line] = max(self.failed_at.get(m.line, 0), stage(m.kind))
        self.issues = {i.kind for i in checked.report.issues}
        self._runs: dict[str, tuple[Checked | None, str]] = {}
        self.simulations = 0

    def prove(self, mode: Any, fix: Fix) -> Proof:
        """Apply ``fix`` and simulate: does ``mode`` go, does anything else come?"""
        try:
            fixed = fix.apply(self.source)
        except Exception as exc:  # a codemod that cannot apply here is not offered
            return Proof("", False, error=f"cannot apply: {exc}")
        if fixed == self.source:
            return Proof(fixed, False, error="changes nothing")
        checked, error = self.run(fixed)
        if checked is None:
            return Proof(fixed, False, error=error)
        mapping = line_map(self.source, fixed)
        after = {(m.kind, mapping.get(m.line)) for m in checked.report.failure_modes}
        breaks: list[str] = []
        reveals: list[str] = []
        stopped = "raised" in mode.data and mode.kind != "unresolved_type"
        for m in checked.report.failure_modes:
            line = mapping.get(m.line)
            if (m.kind, line) not in self.before:
                hidden = self._hidden(m.kind, line, stopped)
                (reveals if hidden else breaks).append(m.message)
        breaks += [f"{i.kind}: {i.message}" for i in checked.report.issues
                   if i.kind not in self.issues and i.kind != "raised"]
        gone = {k for k in self.before if k not in after}
        return Proof(fixed, (mode.kind, mode.line) in gone, breaks, reveals, gone=gone,
                     after=[(m.kind, m.line, mapping.get(m.line, 0))
                            for m in checked.report.failure_modes])

    def _hidden(self, kind: str, line: int | None, stopped: bool) -> bool:
        """Whether a failure the fixed source has at ``line`` (of the original) was hidden
        in the original: the call there failed at an earlier check (an unknown method is then
        found to have no tips), or the protocol never got to the line because the failure
        fixed stopped it (``stopped``: it raised)."""
        if line is None:
            return False  # a line the fix wrote
        return stage(kind) > self.failed_at.get(line, 99) or (stopped and line not in self.ran)

    def run(self, fixed: str) -> tuple[Checked | None, str]:
        """The fixed source simulated (cached per source), or None and why not."""
        if fixed not in self._runs:
            self._runs[fixed] = self._simulate(fixed)
        return self._runs[fixed]

    def _simulate(self, fixed: str) -> tuple[Checked | None, str]:
        try:
            ast.parse(fixed)
        except SyntaxError as exc:
            return None, f"does not compile: {exc.msg} @ line {exc.lineno}"
        self.simulations += 1
        try:
            return self._checked(fixed, frozen=True), ""
        except UserError as exc:
            return None, f"does not simulate: {exc}"
        except Exception as exc:  # the fixed source breaks something: not offered
            return None, f"does not simulate: {type(exc).__name__}: {exc}"

    def _checked(self, fixed: str, frozen: bool) -> Checked:
        """The fixed source simulated as the report was: an unchanged setup's labware is the
        kept one (a changed setup's is built, or read back from the cache)."""
        loaded, entry = load_with_setup(fixed, self.setup, self.name, self.namespace,
                                        frozen=frozen and self.loaded.calls is not None,
                                        confine=CONFINED)
        key = setup_key(loaded, self.setup)
        try:
            checked = simulate_loaded(loaded, self.setup, self.params, time.perf_counter(),
                                      setup_key=key, frozen=entry)
        except FrozenUnusable:
            return self._checked(fixed, frozen=False)
        if frozen and asked_more(checked.binding.objects):  # of a frozen handler
            forget(key)
            return self._checked(fixed, frozen=False)
        return checked


# How far into a call a failure is, in the order of its checks: it exists and binds, then
# its tips, then its volumes.
_STAGE = {"unresolved_type": 0, "protocol_error": 0, "unknown_method": 1, "bad_arguments": 1,
          "wrong_resource": 1, "not_on_deck": 1, "no_tips": 2, "tips_already_loaded": 2,
          "tip_spot_empty": 2, "tip_not_empty": 2}


def stage(kind: str) -> int:
    """How far into a call a failure of ``kind`` gets (its checks come in this order)."""
    return _STAGE.get(kind, 3)


def line_map(before: str, after: str) -> dict[int, int]:
    """Line of ``after`` → the line of ``before`` it is (or replaces); inserted lines are
    not in the map.

    >>> line_map("a\\nb\\nc\\n", "a\\nx\\nb\\nc\\n")
    {1: 1, 3: 2, 4: 3}
    """
    a, b = before.splitlines(), after.splitlines()
    out: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.update({j1 + k + 1: i1 + k + 1 for k in range(j2 - j1)})
        elif tag == "replace":  # the statement itself was edited
            out.update({j + 1: i1 + min(j - j1, i2 - i1 - 1) + 1 for j in range(j1, j2)})
    return out
