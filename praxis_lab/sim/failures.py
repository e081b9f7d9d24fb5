"""Failure modes: what would go wrong on the robot, where, and how often.

Each kind has one message template that names the thing, the place and the
quantities, and (in :mod:`praxis_lab.fixes`) at least one fix, but ``protocol_error``: the
protocol's own check is its author's to change. :func:`merge` folds the
failures of every explored path into the report's list: deduplicated by
(kind, line, condition), ``always`` when every path hits it, in source order.

>>> f = Failure("insufficient_liquid", 7, 8, "aspirate", ["source[A1]"],
...             "aspirate 60 µL from source[A1], which holds 50 µL")
>>> merge([[f]], [None])[0].message
'insufficient_liquid @ line 7: aspirate 60 µL from source[A1], which holds 50 µL'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from praxis_lab._ids import uid
from praxis_lab.trace.conditions import join_conditions, short_condition, simplify

__all__ = ["KINDS", "PLR_ERRORS", "Failure", "FailureMode", "locate", "merge", "plr_error"]

KINDS: dict[str, str] = {
    "unknown_method": "method does not exist on PLR's LiquidHandler",
    "bad_arguments": "call does not bind to the real signature / wrong count or length",
    "no_tips": "aspirate/dispense/drop with no tip mounted on a channel",
    "tips_already_loaded": "pick up while a channel already holds a tip",
    "tip_spot_empty": "pick up from a spot whose tip was already taken",
    "insufficient_liquid": "aspirate more than the well holds",
    "over_capacity": "dispense beyond the well's max volume",
    "tip_volume_exceeded": "aspirate more than the tip holds",
    "not_on_deck": "an op touches labware not assigned to the handler's deck",
    "unresolved_type": "a parameter whose type cannot be resolved to labware",
    "tip_not_empty": "drop, return or discard a tip that still holds liquid",
    "wrong_resource": "an op given a resource of the wrong kind or shape",
    "protocol_error": "the protocol's own code raises or exits (its argument checks, "
                      "an assert, sys.exit)",
    "no_plate": "a machine asked to act on a plate it does not hold",
    "site_occupied": "a plate moved onto a reader, shaker or site that already holds one",
    "device_state": "a machine used in a state that forbids it (a lidded plate, a running "
                    "shaker, a closed lid, an open door, cooling without passive)",
    "out_of_range": "a speed, temperature or volume outside what the named device accepts",
}

# Which PLR 0.2.2 error each kind corresponds to (checked by the differential tests).
PLR_ERRORS: dict[str, tuple[str, ...]] = {
    "unknown_method": ("AttributeError",),
    "bad_arguments": ("TypeError", "ValueError", "AssertionError", "KeyError",
                      "BlowOutVolumeError",
                      "IndexError"),  # a thermocycler profile without steps
    "no_tips": ("NoTipError", "RuntimeError"),
    "tips_already_loaded": ("HasTipError",),
    "tip_spot_empty": ("NoTipError",),
    "insufficient_liquid": ("TooLittleLiquidError",),
    "over_capacity": ("TooLittleVolumeError",),
    "tip_volume_exceeded": ("TooLittleVolumeError",),
    "not_on_deck": ("ValueError", "ResourceNotFoundError"),
    "unresolved_type": (),
    "tip_not_empty": ("RuntimeError",),
    "wrong_resource": ("TypeError", "AttributeError", "ValueError", "RuntimeError", "IndexError",
                       "KeyError", "ResourceNotFoundError",
                       "TooLittleLiquidError"),  # aspirating from the trash
    # not PLR's: what the protocol raises itself (sim/raised.py), the usual classes
    "protocol_error": ("AssertionError", "RuntimeError", "ValueError", "SystemExit",
                       "Exception"),
    "no_plate": ("NoPlateError", "LoaderNoPlateError", "BucketNoPlateError",
                 "ResourceNotFoundError"),
    "site_occupied": ("RuntimeError", "BucketHasPlateError", "NoFreeSiteError", "ValueError"),
    "device_state": ("ValueError", "RuntimeError", "CentrifugeDoorError", "NotAtBucketError"),
    "out_of_range": ("AssertionError", "ValueError"),
}


_HEAD96 = frozenset({"aspirate96", "dispense96", "drop_tips96", "return_tips96",
                     "discard_tips96", "stamp"})


def plr_checks(kind: str, method: str, data: dict[str, Any] | None = None) -> bool:
    """Whether PLR 0.2.2 itself would raise for this failure.

    Some checks are praxis_lab's own, made because the robot would do harm without an
    error: labware that is not on the deck (``not_on_deck``; PLR never checks it for
    aspirate/dispense), a 96-head liquid op or drop with no tips on the head
    (PLR skips the positions without a tip and completes, so the head moves bare), and
    the machine checks PLR lets through (a plate taken off a shaker that still shakes,
    a spin with the door open: ``data["own"]``).
    """
    if kind == "not_on_deck" or (data is not None and data.get("own")):
        return False
    return not (kind == "no_tips" and method in _HEAD96)


# The one exception PLR 0.2.2 raises for a failure of these kinds (``no_tips`` depends on
# the method: ``return_tips`` and ``discard_tips`` with no tip anywhere raise RuntimeError).
_RAISED = {"no_tips": "NoTipError", "tips_already_loaded": "HasTipError",
           "tip_spot_empty": "NoTipError", "insufficient_liquid": "TooLittleLiquidError",
           "over_capacity": "TooLittleVolumeError", "tip_volume_exceeded": "TooLittleVolumeError",
           "tip_not_empty": "RuntimeError"}


def plr_error(kind: str, method: str, data: dict[str, Any] | None = None) -> str | None:
    """The exception PLR 0.2.2 raises for this failure, or None when there is no single one.

    The argument kinds (``bad_arguments``, ``wrong_resource``...) raise one of several
    errors depending on the call, and praxis_lab's own checks raise nothing (``plr_checks``).

    >>> plr_error("insufficient_liquid", "aspirate"), plr_error("no_tips", "return_tips")
    ('TooLittleLiquidError', 'RuntimeError')
    """
    if not plr_checks(kind, method, data):
        return None
    if data is not None and isinstance(data.get("plr_error"), str):  # a machine's own error
        return str(data["plr_error"])
    if kind == "no_tips" and method in ("return_tips", "discard_tips"):
        return "RuntimeError"
    return _RAISED.get(kind)


@dataclass(slots=True)
class Failure:
    """One failure found on one path, before merging."""

    kind: str
    line: int
    column: int
    method: str
    resources: list[str]
    text: str
    data: dict[str, Any] = field(default_factory=dict)  # what a fix needs to know
    op_index: int = -1


@dataclass
class FailureMode:
    """A failure in the report (DESIGN.md's fields)."""

    kind: str
    certainty: str
    condition: str | None
    line: int
    column: int
    method: str
    message: str
    resources: list[str]
    fixes: list[dict[str, str]] = field(default_factory=list)
    occurrences: int = 1
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    # the graph's ops that fail (ids, in execution order) and every well and tip spot
    # they fail on, over all channels, iterations and paths (``sim.simulate`` fills them)
    ops: list[str] = field(default_factory=list)
    involves: list[str] = field(default_factory=list)
    # later failures that follow from this one (the dispense and the drop after a missing
    # pick-up): the fix that removes this one removes them (praxis_lab.fixes folds them in)
    consequences: list[FailureMode] = field(default_factory=list, repr=False)
    on_default_path: bool = False  # it happens with the values the protocol is given
    conditions: list[str] = field(default_factory=list)  # each path's, when several
    paths: int = 1  # how many explored paths it happens on

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "certainty": self.certainty, "condition": self.condition,
            "line": self.line, "column": self.column, "method": self.method,
            "message": self.message, "resources": self.resources, "fixes": self.fixes,
            "occurrences": self.occurrences, "paths": self.paths,
            "on_default_path": self.on_default_path,
            "conditions": self.conditions or ([self.condition] if self.condition else []),
            "ops": self.ops,
            "involves": self.involves or self.resources,
            "consequences": [{"kind": c.kind, "line": c.line, "method": c.method,
                              "message": c.message} for c in self.consequences],
        }


def merge(per_path: list[list[Failure]], conditions: list[str | None],
          default: int | None = None) -> list[FailureMode]:
    """Fold per-path failures into failure modes (see module docstring).

    A failure at the same line with the same message on several paths is one mode with the
    conditions of those paths; ``default`` is the index of the default path (the values
    the protocol is given): its modes are ``on_default_path``.
    """
    n = len(per_path)
    by_kind_line: dict[tuple[str, int], dict[int, list[Failure]]] = {}
    for pi, failures in enumerate(per_path):
        for f in failures:
            by_kind_line.setdefault((f.kind, f.line), {}).setdefault(pi, []).append(f)
    out: list[FailureMode] = []
    for (kind, line), hits in by_kind_line.items():
        if len(hits) == n:
            shown = default if default in hits else min(hits)
            first = hits[shown][0]
            out.append(FailureMode(
                kind, "always", None, line, first.column, first.method,
                f"{kind} @ line {line}: {first.text}", list(first.resources),
                occurrences=sum(len(v) for v in hits.values()) // n, data=dict(first.data),
                on_default_path=default is not None, paths=n))
            continue
        by_text: dict[str, list[int]] = {}
        for pi in sorted(hits, key=lambda i: (i != default, i)):
            by_text.setdefault(hits[pi][0].text, []).append(pi)
        for text, pis in by_text.items():
            first = hits[pis[0]][0]
            conds = list(dict.fromkeys(simplify(c) for c in (conditions[pi] for pi in pis)
                                       if c))  # each path's bounds merged: loops add many
            cond = join_conditions(conds) or None
            on_default = default in pis
            message = f"{kind} @ line {line}: {text}"
            if cond:
                message += f" (when {short_condition(conds)}" + (
                    "; fails with the defaults)" if on_default else ")")
            out.append(FailureMode(kind, "conditional", cond, line, first.column,
                                   first.method, message, list(first.resources),
                                   occurrences=len(hits[pis[0]]), data=dict(first.data),
                                   on_default_path=on_default, conditions=conds,
                                   paths=len(pis)))
    out.sort(key=lambda m: (m.line, m.column, m.certainty != "always", not m.on_default_path,
                            m.condition or ""))
    return out


def locate(modes: list[FailureMode], per_path: list[list[Failure]], paths: list[Any],
           operations: list[Any]) -> None:
    """Fill each mode's ``ops`` (the ids of the graph's ops that fail) and ``involves``
    (every well and tip spot they fail on), from the failures of every path folded into
    it: a failure in one iteration of a loop marks that iteration's op, not the others.

    A graph op is a call site's n-th call on a path (``trace.graph.build_graph``), so
    the op a failure was found at is found by counting the calls of its site.
    """
    ids: dict[tuple[Any, ...], str] = {}
    seen: dict[tuple[Any, ...], int] = {}
    for node in operations:
        site = (node.line_number, node.column, node.method_name)
        ids[(*site, seen.get(site, 0))] = node.id
        seen[site] = seen.get(site, 0) + 1
    modes_at: dict[tuple[str, int], list[FailureMode]] = {}
    for mode in modes:
        modes_at.setdefault((mode.kind, mode.line), []).append(mode)
    found: dict[int, tuple[dict[str, None], dict[str, None]]] = {
        uid(m): ({}, dict.fromkeys(m.resources)) for m in modes}
    for path, failures in zip(paths, per_path, strict=True):
        calls: list[tuple[Any, ...]] | None = None
        for f in failures:
            for mode in modes_at.get((f.kind, f.line), ()):
                ops, keys = found[uid(mode)]
                keys.update(dict.fromkeys(f.resources))
                if 0 <= f.op_index < len(path.ops):
                    calls = calls or _calls(path.ops)
                    op_id = ids.get(calls[f.op_index])
                    if op_id is not None:
                        ops[op_id] = None
    order = {node.id: i for i, node in enumerate(operations)}
    for mode in modes:
        ops, keys = found[uid(mode)]
        mode.ops = sorted(ops, key=order.__getitem__)
        mode.involves = [k for k in keys if k]


def _calls(ops: list[Any]) -> list[tuple[Any, ...]]:
    """(line, column, method, n) of each op of a path: the n-th call of its site."""
    seen: dict[tuple[Any, ...], int] = {}
    out = []
    for op in ops:
        site = (op.line, op.column, op.method)
        n = seen.get(site, 0)
        seen[site] = n + 1
        out.append((*site, n))
    return out
