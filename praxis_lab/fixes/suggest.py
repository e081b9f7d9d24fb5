"""Fixes: which codemods answer which failure mode, offered once they are proven.

:func:`candidates` looks up the failure's kind in a rule table; each rule returns the
:class:`~praxis_lab.fixes.codemod.Fix` objects (the edits) it can propose, the protocol's
intent first: a volume the protocol asks for is kept (more liquid in the setup, a bigger
container or tip, the transfer split) before it is lowered. :func:`attach_fixes` proves
every candidate by simulating the fixed protocol again (:mod:`praxis_lab.fixes.proof`) and
offers the proven ones: the failure gone, nothing new on any path. Loop-aware tip fixes
live in ``tips.py``.

>>> from praxis_lab import simulate
>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, src: Plate):\\n"
...        "    await lh.pick_up_tips(tips['A1'])\\n"
...        "    await lh.aspirat(src['A1'], [10])\\n")
>>> simulate(src, cache=False).failure_modes[0].fixes[0]["description"]
'use aspirate() (the closest real method)'
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from praxis_lab.fixes import calls
from praxis_lab.fixes.codemod import Fix, apply_edits, unified_diff
from praxis_lab.fixes.machines import MACHINE_FIXES
from praxis_lab.fixes.proof import Proof, Prover
from praxis_lab.fixes.site import Failure
from praxis_lab.fixes.tips import tip_fixes
from praxis_lab.fixes.volumes import volume_fixes
from praxis_lab.sim.parts import Parts

__all__ = ["Fix", "apply_all", "attach_fixes", "candidates"]


def _tips(f: Failure) -> list[Fix]:
    graph = getattr(f.report, "graph", None)  # what ran, in order (an unused pick-up)
    return tip_fixes(f.mode, f.info, f.binding, f.state, f.lh,
                     getattr(graph, "operations", None))


_RULES: dict[str, Callable[[Failure], list[Fix]]] = {
    "no_tips": _tips, "tips_already_loaded": _tips, "tip_spot_empty": _tips,
    "tip_not_empty": _tips, "insufficient_liquid": volume_fixes, "over_capacity": volume_fixes,
    "tip_volume_exceeded": volume_fixes, "unknown_method": calls.unknown_method,
    "bad_arguments": calls.bad_arguments, "wrong_resource": calls.wrong_resource,
    "not_on_deck": calls.not_on_deck, "unresolved_type": calls.unresolved, **MACHINE_FIXES,
}


def candidates(mode: Any, checked: Any) -> list[Fix]:
    """The fixes the rule table proposes for one failure mode, the protocol's intent first
    (not yet proven). A rule that cannot read the protocol proposes nothing."""
    rule = _RULES.get(mode.kind)
    if rule is None:
        return []
    try:
        return rule(Failure(mode, checked))
    except Exception:  # a rule's reading of an unusual protocol: no fix, never a crash
        return []


def attach_fixes(checked: Any, prover: Prover) -> None:
    """Give every failure mode of a checked protocol its proven fixes
    (``checked``: :class:`praxis_lab.sim.simulate.Checked`).

    Each candidate is applied and simulated again (:class:`~praxis_lab.fixes.proof.Prover`):
    the proven ones (their failure gone, none new on any path) are offered first, then the
    ones that let another failure appear, with what appears; the others not at all. The
    later failures a proven fix removes as well, being its consequences (the dispense and
    the drop after a missing pick-up), become part of the first one's failure mode.
    """
    report = checked.report
    modes = list(report.failure_modes)
    folded: set[int] = set()
    for mode in modes:
        if id(mode) in folded:
            continue
        try:
            offered = _proven(mode, candidates(mode, checked), prover)
        except Exception as exc:  # an internal error: this mode is offered no fix, with a note
            report.issues.append(Parts.note(f"the fixes of {mode.kind} @ line {mode.line}",
                                            exc, mode.line))
            offered = []
        if offered and offered[0][1].clean:
            folded |= _fold(mode, modes, offered[0][1])
            # a fix of this failure mode is one that removes its consequences too
            keys = {(c.kind, c.line) for c in mode.consequences}
            offered = [(f, p) for f, p in offered if keys <= p.gone]
        mode.data["fix_objects"] = [fix for fix, _ in offered]
        mode.data["proofs"] = [proof for _, proof in offered]
        mode.fixes = [_fix_dict(fix, proof, checked.info.source) for fix, proof in offered]
    report.failure_modes = [m for m in modes if id(m) not in folded]


_MAX_TRIED = 5  # candidates simulated per failure mode, in the rules' order
_MAX_OFFERED = 3  # proven fixes offered per failure mode


def _proven(mode: Any, fixes: list[Fix], prover: Prover) -> list[tuple[Fix, Proof]]:
    """The candidates worth offering: the proven ones (in the rules' order), else the first
    that removes the failure but lets another appear."""
    clean: list[tuple[Fix, Proof]] = []
    shaky: list[tuple[Fix, Proof]] = []
    for fix in fixes[:_MAX_TRIED]:
        proof = prover.prove(mode, fix)
        if proof.clean:
            clean.append((fix, proof))
        elif proof.removes and not proof.error:
            shaky.append((fix, proof))
        if len(clean) >= _MAX_OFFERED:
            break
    return clean or shaky[:1]


def _fix_dict(fix: Fix, proof: Proof, source: str) -> dict[str, Any]:
    """The report's dict of an offered fix: its description, its edit as a diff, whether
    it is proven and what it lets appear."""
    out: dict[str, Any] = {"description": fix.description,
                           "edit": unified_diff(source, proof.source), "proven": proof.clean}
    if proof.breaks:
        out["breaks"] = proof.breaks
    if proof.reveals:
        out["reveals"] = proof.reveals
    return out


# Later failures that are consequences of an earlier one when its fix removes them too: the
# same tip failure further on (the dispense and the drop after a missing pick-up), and a
# dispense from a tip that holds less because the aspirate failed.
_TIP_KINDS = frozenset({"no_tips", "tips_already_loaded", "tip_spot_empty", "tip_not_empty"})


def _fold(first: Any, modes: list[Any], proof: Proof) -> set[int]:
    """Make the later failure modes ``proof``'s fix removes, when they follow from ``first``,
    part of ``first``: its message names their lines."""
    out: set[int] = set()
    lines: list[str] = []
    for mode in modes:
        if mode is first or mode.line < first.line or (mode.kind, mode.line) not in proof.gone:
            continue
        if first.certainty != "always" and mode.certainty == "always":
            continue  # it happens on paths where the first does not
        same = mode.kind == first.kind and first.kind in _TIP_KINDS
        from_tip = mode.kind == "insufficient_liquid" and mode.method.startswith("dispense") \
            and "well" not in mode.data  # the tip holds less: the call before failed
        if same or from_tip:
            out.add(id(mode))
            first.consequences.append(mode)
            lines.append(f"{mode.method} at line {mode.line}")
    if lines:
        first.message += f"; the {' and the '.join(lines)} fail{'s' if len(lines) == 1 else ''} "\
            "for the same reason"
    return out


def apply_all(source: str, modes: list[Any]) -> str:
    """Apply the first fix of every failure mode at once (their edits are located in
    ``source``); an edit another fix already makes (the same per-iteration pick-up, the same
    drop moved into a loop) is made once."""
    edits = [e for mode in modes for e in (mode.data.get("fix_objects") or [])[:1]
             for e in e.edits()]
    try:
        return apply_edits(source, edits)
    except Exception:  # one edit cannot apply: apply them fix by fix, skipping that one
        for mode in sorted(modes, key=lambda m: -m.line):
            for fix in (mode.data.get("fix_objects") or [])[:1]:
                with contextlib.suppress(Exception):
                    source = fix.apply(source)
        return source
