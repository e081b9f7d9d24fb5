"""Simulate a protocol: trace it, check every op on every path, report what would fail.

Levels (seed 003): *structural* (the op exists and binds), *boolean* (tips on
channels, tips in spots, labware on the deck), *symbolic* (volumes as unknown
start volumes: gives the minimum volume each source well needs) and *exact*
(volumes from the labware a ``--setup`` binds). Failures are recorded and the op
rolled back, so *every* failure of every path is reported, not only the first.

>>> from praxis_lab import simulate
>>> report = simulate('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.aspirate(plate["A1"], vols=[50])
... ''')
>>> report.ok, report.failure_modes[0].kind, report.failure_modes[0].line
(False, 'no_tips', 3)
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from praxis_lab.deck.binding import Binding, bind
from praxis_lab.deck.layout import layout
from praxis_lab.protocol.analyse import ProtocolError, ProtocolInfo
from praxis_lab.protocol.blocks import CATCH_ALL, guarded_lines
from praxis_lab.protocol.loading import Loaded
from praxis_lab.protocol.setups import Frozen, setup_objects
from praxis_lab.sim.failures import PLR_ERRORS, Failure, FailureMode, locate, merge, plr_error
from praxis_lab.sim.parts import Parts
from praxis_lab.sim.raised import raised_failures
from praxis_lab.sim.replay import Replay
from praxis_lab.sim.report import UNCHECKED, SimulationReport
from praxis_lab.sim.requirements import all_requirements, symbolic_twins
from praxis_lab.sim.rules import Context
from praxis_lab.sim.state import shown_changes
from praxis_lab.trace.driver import trace
from praxis_lab.trace.graph import ProtocolComputationGraph, build_graph
from praxis_lab.trace.sandbox import Sandbox, refuse
from praxis_lab.trace.scope import sandbox
from praxis_lab.trace.tracer import Path, TraceIssue

__all__ = ["Checked", "check_paths", "simulate_loaded"]

LEVELS = ("structural", "boolean", "symbolic", "exact")


def check_paths(paths: list[Path], binding: Binding, level: str,
                keep_timeline: bool = False, *, infeasible: list[int] | None = None,
                ) -> tuple[list[list[Failure]], list[Context], dict[str, Any]]:
    """Run the rule table over every path at ``level``; failures per path.

    A path whose raised op would have completed cannot happen: its index is appended to
    ``infeasible`` when that list is given (the timeline is the default path's, else the
    first other path's).
    """
    per_path: list[list[Failure]] = [[] for _ in paths]
    contexts: list[Any] = [None] * len(paths)
    timeline: dict[str, Any] = {"initial": {}, "steps": []}
    timed = False
    for pi in sorted(range(len(paths)), key=lambda i: not paths[i].default):
        path = paths[pi]
        replay = Replay(binding, level)
        steps = []
        for op in path.ops:
            changes = replay.step(op)
            if keep_timeline and not timed and changes is not None:
                steps.append({"op": op.index, "index": op.index, "line": op.line,
                              "method": op.method, "changes": shown_changes(changes),
                              **replay.extras})
        if replay.infeasible is not None and infeasible is not None:
            infeasible.append(pi)
        elif keep_timeline and not timed:
            timeline = {"initial": dict(replay.ctx.initial), "steps": steps,
                        **replay.timeline_extras()}
            timed = True
        per_path[pi] = replay.ctx.failures
        contexts[pi] = replay.ctx
    if infeasible is not None:
        infeasible.sort()
    return per_path, contexts, timeline


class Checked(NamedTuple):
    """A report and what its fixes are computed from: the binding and the final state."""

    report: SimulationReport
    info: ProtocolInfo
    binding: Binding
    final: Any


def simulate_loaded(loaded: Loaded, setup: Any, params: Mapping[str, Any] | None,
                    t0: float, *, setup_key: str | None = None,
                    frozen: Frozen | None = None) -> Checked:
    """Trace and check a loaded protocol; the report has no fixes yet (``praxis_lab.fixes``
    adds them: they are proven by simulating again).

    The setup's objects are the kept ones while the setup is unchanged
    (:mod:`praxis_lab.protocol.setups`; ``setup_key`` is its fingerprint when known,
    ``frozen`` its entry in the user cache directory).
    """
    info = loaded.info
    objects = _setup_objects(loaded, setup, setup_key, frozen) if setup is not None else None
    setup_name = setup if isinstance(setup, str) else getattr(setup, "__name__", None)
    binding = bind(info, objects, params, setup_name, kept=setup_key)
    t_analyse = time.perf_counter()
    level = "exact" if not binding.proposed else "symbolic"
    traced = trace(loaded, binding, judge=lambda: Replay(binding, level))
    t_trace = time.perf_counter()
    found = _failure_modes(traced.paths, binding, level, info)
    t_sim = time.perf_counter()
    paths, modes = found.paths, found.modes
    parts = Parts()  # an internal error drops a part with a note, never the report
    graph = parts.make("the computation graph", lambda: build_graph(info, binding, paths),
                       ProtocolComputationGraph(f"{info.filename}:{info.name}",
                                                paths=len(paths)))
    parts.make("the ops of each failure mode",
               lambda: locate(modes, found.per_path, paths, graph.operations), None)
    requirements: dict[str, Any] = parts.make(
        "the requirements", lambda: all_requirements(found.contexts, graph, binding),
        {"tips": {}, "on_deck": [], "liquid": []})
    need = {f"{r['parameter']}[{r['well']}]": r["min_volume"] for r in requirements["liquid"]}
    for mode in modes:
        if "well" in mode.data:
            mode.data["required"] = need.get(mode.data["well"], 0.0)
    deck_layout: dict[str, Any] = parts.make("the deck layout", lambda: layout(
        binding, _volumes_initial(found.timeline), None), {})
    issues = _inside(_dedupe([p.issue for p in paths
                              if p.issue is not None and p.issue.kind != "raised"]
                             + traced.issues + _quirks(paths, binding) + parts.notes),
                     info.source)
    complete = not any(i.kind in UNCHECKED for i in issues)
    t_end = time.perf_counter()
    report = SimulationReport(
        protocol=info.name, ok=not modes and complete, complete=complete,
        paths=len(paths), failure_modes=modes, requirements=requirements, graph=graph,
        deck_layout=deck_layout,
        timeline=found.timeline,
        timings_ms={"analyse": _ms(t0, t_analyse), "trace": _ms(t_analyse, t_trace),
                    "simulate": _ms(t_trace, t_sim), "report": _ms(t_sim, t_end),
                    "total": _ms(t0, t_end)},
        issues=issues, level=level, expected_ops=_logged_calls(_default(paths).ops),
        duration_s=_duration(found),
        source=info.source, setup=binding.setup_name, params=dict(params or {}),
        protocol_output=traced.output,
    )
    final = found.contexts[0].state if found.contexts else None
    return Checked(report, info, binding, final)


def _logged_calls(ops: list[Any]) -> int:
    """The calls a run of the first path logs: the liquid handler's and every other
    machine's (``asyncio.sleep`` waits and a tracker's state is set: neither is a call)."""
    return sum(1 for op in ops if op.kind == "op" and op.receiver_type != "asyncio")


def _setup_objects(loaded: Loaded, setup: Any, key: str | None,
                   frozen: Frozen | None) -> dict[str, Any]:
    """The setup's objects; a side effect the setup attempted is a ProtocolError (when it
    runs under :func:`~praxis_lab.trace.sandbox.simulating`)."""
    box = sandbox()
    try:
        objects = setup_objects(loaded, setup, key, frozen)
    except ProtocolError:
        if isinstance(box, Sandbox):
            refuse(box, "the setup")  # the side effect it raised is the cause
        raise
    if isinstance(box, Sandbox):
        refuse(box, "the setup")  # (it caught the refusal)
    return objects


class _Found(NamedTuple):
    """What checking the traced paths found: the feasible paths, the failure modes, the
    contexts the requirements are read from, the first path's timeline, and the failures
    of each path (the modes are folded from)."""

    paths: list[Path]
    modes: list[FailureMode]
    contexts: list[Any]
    timeline: dict[str, Any]
    per_path: list[list[Failure]]


def _failure_modes(paths: list[Path], binding: Binding, level: str,
                   info: ProtocolInfo) -> _Found:
    """Check every traced path at ``level``: the rule table's failures, what the protocol
    raised, its unresolved parameters, merged into failure modes."""
    if not paths:
        raise ProtocolError(f"{info.name} could not be traced")
    dropped: list[int] = []
    traced = paths
    per_path, contexts, timeline = check_paths(paths, binding, level, keep_timeline=True,
                                               infeasible=dropped)
    if dropped and len(dropped) < len(paths):  # an op raised on a path where it completes
        default = next((p for p in paths if p.default), None)
        paths = [p for i, p in enumerate(paths) if i not in dropped]
        per_path = [f for i, f in enumerate(per_path) if i not in dropped]
        if default is not None and not any(p.default for p in paths):
            _nearest(paths, default.decisions).default = True
    for failures, path in zip(per_path, paths, strict=True):
        failures.extend(raised_failures(path.issue, info.source, binding.proposed))
    for f in _unresolved(binding):
        for failures in per_path:
            failures.insert(0, f)
    if level == "exact":  # requirements come from unknown start volumes
        contexts = symbolic_twins(paths, per_path, contexts) or check_paths(
            paths, binding, "symbolic")[1]
        given = [not p.other_count for p in paths]
    else:  # (aligned with every path checked, those dropped included)
        given = [not p.other_count for p in traced]
    # what the protocol needs as it will run: a loop's other counts are not requirements
    contexts = [c for c, keep in zip(contexts, given, strict=True) if keep] or contexts
    modes = merge(per_path, [p.condition for p in paths],
                  next((i for i, p in enumerate(paths) if p.default), None))
    _mark_caught(modes, info.source)
    return _Found(paths, modes, contexts, timeline, per_path)


def _duration(found: _Found) -> float:
    """How long the protocol takes as it will run: its default path (the timed one), not
    the longest other value of a parameter (a loop count past the default)."""
    timed = found.timeline.get("duration_s")
    if isinstance(timed, float | int):
        return float(timed)
    return max((round(c.devices.duration, 3) for c in found.contexts), default=0.0)


def _default(paths: list[Path]) -> Path:
    return next((p for p in paths if p.default), paths[0])


def _nearest(paths: list[Path], decisions: tuple[bool, ...]) -> Path:
    """The path sharing the longest first decisions with ``decisions``: the default path
    when the one traced with the defaults cannot happen (an op there raises)."""
    def shared(p: Path) -> int:
        n = 0
        for a, b in zip(p.decisions, decisions, strict=False):
            if a != b:
                break
            n += 1
        return n
    return max(paths, key=shared)


def _unresolved(binding: Binding) -> list[Failure]:
    """One ``unresolved_type`` failure per parameter whose type is not PLR labware."""
    out = []
    for p in binding.unresolved:
        close = _closest_type(p.element_type or "")
        hint = f" (did you mean {close}?)" if close else ""
        out.append(Failure(
            "unresolved_type", p.line, p.column, "", [p.name],
            f"parameter {p.name!r} is annotated {p.annotation!r}, which is not PLR "
            f"labware{hint}; annotate it with a PLR type or bind it with --setup",
            {"param": p.name, "annotation": p.annotation, "closest": close}))
    return out


def _mark_caught(modes: list[FailureMode], source: str) -> None:
    """A failure PLR raises inside the protocol's ``try`` whose ``except`` catches it happens
    only when that except does not catch it (PLR's own errors went into the except on a path
    of their own)."""
    guarded = guarded_lines(source) if "try" in source else {}
    for mode in modes:
        if "raised" in mode.data:
            continue  # it escaped every except of the protocol
        handler = None if plr_error(mode.kind, mode.method) else _catching(
            guarded.get(mode.line, []), mode.kind)
        if handler is not None:  # PLR raises here, and the protocol catches it
            mode.certainty = "conditional"
            mode.condition = f"not caught by the except at line {handler}"
            mode.message += f" (the protocol catches it: except at line {handler})"


def _catching(guards: list[tuple[int, set[str | None]]], kind: str) -> int | None:
    """The line of the first ``except`` that catches the PLR error behind ``kind``."""
    plr = set(PLR_ERRORS.get(kind, ()))
    for line, names in guards:
        if names & CATCH_ALL or names & plr:
            return line
    return None


def _quirks(paths: list[Path], binding: Binding) -> list[TraceIssue]:
    """PLR 0.2.2 behaviours a protocol completes with but its author does not expect."""
    out: list[TraceIssue] = []
    for op in (op for path in paths for op in path.ops if op.method == "stamp"):
        source, target = (binding.key(op.args.get(k)) for k in ("source", "target"))
        out.append(TraceIssue(
            "plr_stamp", f"PLR 0.2.2's stamp dispenses back into {source}, not into {target} "
            f"(its dispense96 is given the source plate); write "
            f"aspirate96({source}, volume) then dispense96({target}, volume)", op.line,
            op.column))
    return out


def _volumes_initial(timeline: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in timeline.get("initial", {}).items() if not isinstance(v, bool)}


def _inside(issues: list[TraceIssue], source: str) -> list[TraceIssue]:
    """The issues with every line inside the user's file (a line elsewhere is dropped: the
    message still says what happened)."""
    last = source.count("\n") + 1
    return [i if i.line is None or 1 <= i.line <= last else
            TraceIssue(i.kind, i.message, None, None, i.raised) for i in issues]


def _dedupe(issues: list[TraceIssue]) -> list[TraceIssue]:
    out: list[TraceIssue] = []
    for i in issues:
        if i not in out:
            out.append(i)
    return out


# Names people use for PLR labware types that PLR 0.2.2 calls something else.
_TYPE_SYNONYMS = {"Reservoir": "Trough", "Tips": "TipRack", "TipBox": "TipRack",
                  "Microplate": "Plate", "WellPlate": "Plate", "Tubes": "TubeRack"}


def _closest_type(name: str) -> str | None:
    import difflib

    if name in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[name]

    names = ["Plate", "TipRack", "Well", "TipSpot", "Trough", "Container", "Tube", "TubeRack",
             "Trash", "Deck", "LiquidHandler", "PlateCarrier", "TipCarrier", "ResourceHolder"]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    return found[0] if found else None


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 3)
