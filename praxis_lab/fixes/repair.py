"""Repair: apply proven fixes, simulate again, repeat until clean or nothing more can be fixed.

What ``--fix`` does (the CLI, ``%%praxis simulate --fix``, ``SimulationReport.apply_fix()``
without arguments). Each round applies the first proven fix of every failure mode at once
when they are compatible (their edits apply together and the result has no failure the
round did not start with), else the first one alone; the fixed source is simulated again,
with its own proven fixes, for the next round. A round with no proven fix left applies a
fix that removes its failure and lets the protocol run further (the failure that appears
was hidden behind it), never one that leaves the first failure where it was; such a step
is not proven, so when the steps after it do not end clean it is undone (removing a
helper's pick-up moves the failure to its first call; a pick-up of the tips left picks up
nothing once the rack is empty). It stops when
the protocol is clean, nothing more can be fixed, or after ``rounds`` rounds, and says what
is left.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate):\\n"
...        "    await lh.aspirate(src['A1'], [10])\\n"
...        "    await lh.dispense(dst['A1'], [10])\\n"
...        "    await lh.pick_up_tips(tips['A1'])\\n")
>>> fixed = repair(simulate(src, cache=False))
>>> fixed.ok, fixed.applied
(True, ['move the pick-up at line 4 before line 2'])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from praxis_lab.fixes.codemod import Fix, apply_edits, unified_diff
from praxis_lab.fixes.proof import line_map, stage

__all__ = ["Repaired", "repair"]


@dataclass
class Repaired:
    """The outcome of :func:`repair`: the fixed source, its report, what was applied."""

    original: str
    source: str
    report: Any  # the SimulationReport of ``source``
    applied: list[str] = field(default_factory=list)  # the fixes' descriptions, in order
    rounds: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.report.ok)

    @property
    def left(self) -> list[Any]:
        """The failure modes the fixed source still has."""
        return list(self.report.failure_modes)

    def summary(self) -> str:
        """What was applied and what is left, a few lines."""
        lines = [f"applied {len(self.applied)} fix{'es' if len(self.applied) != 1 else ''} in "
                 f"{self.rounds} round{'s' if self.rounds != 1 else ''}"
                 + (":" if self.applied else "")]
        lines += [f"  ✓ {d}" for d in self.applied]
        if self.ok:
            lines.append(f"{self.report.protocol}: ok after fixing")
        else:
            left = self.left
            lines.append(f"left: {len(left)} failure mode{'s' if len(left) != 1 else ''}"
                         + ("" if left else f" ({self.report.summary().splitlines()[0]})"))
            for mode in left:
                why = "no proven fix" if not mode.fixes else "its fixes break something else"
                lines.append(f"  ✗ {mode.message} ({why})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """What ``SimulationReport.apply_fix()`` returns (the failure list's shape)."""
        return {"source": self.source, "diff": unified_diff(self.original, self.source),
                "ok": self.ok, "summary": self.summary(), "applied": self.applied,
                "failure_modes": [m.to_dict() for m in self.left]}


def repair(report: Any, resimulate: Callable[[str], Any] | None = None,
           rounds: int = 8) -> Repaired:
    """Fix ``report``'s protocol as far as proven fixes go (see the module docstring).

    ``resimulate(source)`` simulates an edited source the way the report was made
    (default: the report's own).
    """
    again = resimulate or report._resimulate
    if again is None:
        raise RuntimeError("this report was not made by praxis_lab.simulate: it cannot be "
                           "simulated again; call praxis_lab.simulate first")
    out = Repaired(report.source, report.source, report)
    seen = {report.source}
    kept = replace(out)  # the state after the last proven fix
    while not out.report.ok and out.rounds < rounds:
        step = _round(out.report, again, seen)
        if step is None:
            break
        source, after, descriptions, uncovered = step
        seen.add(source)
        out.source, out.report = source, after
        out.applied = out.applied + descriptions
        out.rounds += 1
        if not uncovered:
            kept = replace(out)
    if not out.report.ok and out.rounds > kept.rounds:
        return kept  # steps that only "let it get further" and led nowhere: undone
    return out


def _round(report: Any, again: Callable[[str], Any], seen: set[str]
           ) -> tuple[str, Any, list[str], bool] | None:
    """One round: the fixed source, its report and the fixes applied; None when no fix
    makes progress."""
    firsts = [(mode, fix, proof) for mode in report.failure_modes
              for fix, proof in _offered(mode)[:1] if proof.clean]
    if len(firsts) > 1:
        try:
            together = apply_edits(report.source, [e for _, fix, _ in firsts
                                                   for e in fix.edits()])
        except Exception:  # the edits do not apply together: one at a time
            together = None
        if together is not None and together not in seen:
            after = again(together)
            if _adds_nothing(report, together, after):
                return together, after, [fix.description for _, fix, _ in firsts], False
    for _, fix, proof in firsts:
        if proof.source not in seen:
            return proof.source, again(proof.source), [fix.description], False
    return _uncover(report, again, seen)


def _uncover(report: Any, again: Callable[[str], Any], seen: set[str]
             ) -> tuple[str, Any, list[str], bool] | None:
    """A fix that removes its failure and lets the protocol get further (what appears was
    hidden behind it: a later line, or a later check of the same call), when no proven fix
    is left."""
    first = min(((m.line, stage(m.kind)) for m in report.failure_modes), default=(0, 0))
    for mode in report.failure_modes:
        for fix, proof in _offered(mode):
            if not proof.removes or proof.error or proof.source in seen:
                continue
            after = [(line, stage(kind) if line else 0) for kind, _, line in proof.after]
            if after and min(after) > first:
                return proof.source, again(proof.source), [_described(fix)], True
    return None


def _offered(mode: Any) -> list[tuple[Fix, Any]]:
    """The fixes offered for a failure mode, each with its proof."""
    return list(zip(mode.data.get("fix_objects") or [], mode.data.get("proofs") or [],
                    strict=False))


def _described(fix: Fix) -> str:
    return f"{fix.description} (which lets the protocol get further)"


def _adds_nothing(before: Any, source: str, after: Any) -> bool:
    """Whether ``after`` (the report of ``source``) has no failure ``before`` did not have."""
    mapping = line_map(before.source, source)
    known = {(m.kind, m.line) for mode in before.failure_modes
             for m in (mode, *mode.consequences)}
    return all((m.kind, mapping.get(m.line)) in known for m in after.failure_modes)
