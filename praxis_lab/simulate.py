"""Simulate a protocol: trace it, check every op on every path, report what would fail.

Levels (seed 003): *structural* (the op exists and binds), *boolean* (tips on
channels, tips in spots, labware on the deck), *symbolic* (volumes as unknown
start volumes: gives the minimum volume each source well needs) and *exact*
(volumes from the labware a ``--setup`` binds). Failures are recorded and the op
rolled back, so *every* failure of every path is reported, not only the first.

>>> report = simulate('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.aspirate(plate["A1"], vols=[50])
... ''')
>>> report.ok, report.failure_modes[0].kind, report.failure_modes[0].line
(False, 'no_tips', 3)
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from praxis_lab import _plr
from praxis_lab.analyse import Loaded, ProtocolError, load, resolve_setup
from praxis_lab.deck import Binding, bind, is_unresolved, layout
from praxis_lab.failures import PLR_ERRORS, Failure, merge
from praxis_lab.graph import ProtocolComputationGraph, build_graph
from praxis_lab.report import SimulationReport
from praxis_lab.rules import RULES, Context
from praxis_lab.state import Channel, State
from praxis_lab.sym import concrete
from praxis_lab.trace import Path, TraceIssue, trace

__all__ = ["SimulationReport", "check_paths", "simulate"]

LEVELS = ("structural", "boolean", "symbolic", "exact")
_CACHE: OrderedDict[tuple[Any, ...], SimulationReport] = OrderedDict()
_CACHE_SIZE = 64


def _initial_state(binding: Binding) -> State:
    lh = binding.handler
    n = int(getattr(lh.backend, "num_channels", 8) or 8)
    state = State(channels=n)
    if not binding.proposed:  # a setup may have mounted tips already
        for ch, tracker in getattr(lh, "head", {}).items():
            if ch < n and tracker.has_tip:
                tip = tracker.get_tip()
                state.head[ch] = Channel("head", float(tip.maximal_volume),
                                         float(tip.tracker.get_used_volume()))
    return state


def check_paths(paths: list[Path], binding: Binding, level: str,
                keep_timeline: bool = False) -> tuple[list[list[Failure]], list[Context],
                                                      dict[str, Any]]:
    """Run the rule table over every path at ``level``; failures per path."""
    per_path: list[list[Failure]] = []
    contexts: list[Context] = []
    timeline: dict[str, Any] = {"initial": {}, "steps": []}
    rules_on = level != "structural"
    unresolved = bool(binding.unresolved)
    for pi, path in enumerate(paths):
        ctx = Context(_initial_state(binding), binding, level)
        state = ctx.state
        for op in path.ops:
            ctx.op = op
            if not op.known:
                close = _plr.closest_methods(op.method)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                ctx.fail("unknown_method", f"{op.receiver}.{op.method} does not exist on PLR's "
                         f"LiquidHandler{hint}", [], method=op.method, closest=close)
                continue
            if op.bind_error is not None:
                ctx.fail("bad_arguments", f"{op.bind_error}", [], error=op.bind_error)
                continue
            rule = _STATE_RULES.get(op.method) if op.kind == "state" else RULES.get(op.method)
            if rule is None or not rules_on:
                continue
            if unresolved and any(is_unresolved(v) for v in op.args.values()):
                _assume_done(state, op)  # reported as unresolved_type; go on as if it ran
                state.commit()
                continue
            before = len(ctx.failures)
            rule(ctx)
            if len(ctx.failures) > before:
                state.rollback()
                _assume_done(state, op)
                changes: dict[str, Any] = state.commit()
            else:
                changes = state.commit()
            if keep_timeline and pi == 0:
                timeline["steps"].append({"op": op.index, "index": op.index, "line": op.line,
                                          "method": op.method, "changes": changes})
        per_path.append(ctx.failures)
        contexts.append(ctx)
        if keep_timeline and pi == 0:
            timeline["initial"] = dict(ctx.initial)
    return per_path, contexts, timeline


def _assume_done(state: State, op: Any) -> None:
    """After a failed pick-up, aspirate or dispense, let the tips be what the protocol meant.

    The failure is reported once; without this, every later dispense from those tips (or
    drop of a tip that kept its liquid) would be reported again as a consequence. Wells
    keep their rolled-back volumes.
    """
    if op.method in ("aspirate96", "dispense96"):
        head = state.head96
        try:
            vol = float(concrete(op.args.get("volume")))
        except (TypeError, ValueError):
            return
        if head is not None:
            sign = 1.0 if op.method == "aspirate96" else -1.0
            liquid = min(max(head.liquid + sign * vol, 0.0), head.max_volume)
            state._set(state.__dict__, "head96", Channel(head.origin, head.max_volume, liquid))
        return
    if op.method == "pick_up_tips":  # the protocol meant these channels to hold tips
        spots = op.args.get("tip_spots")
        if hasattr(spots, "make_tip"):
            spots = [spots]  # one TipSpot where a list was expected
        if not isinstance(spots, list | tuple) or not all(hasattr(x, "make_tip") for x in spots):
            return
        channels = concrete(op.args.get("use_channels")) or op.default_channels or list(
            range(len(spots)))
        for ch, spot in zip(channels, spots, strict=False):
            if ch in state.head and state.head[ch] is None:
                state.mount(ch, Channel(None, float(spot.make_tip().maximal_volume)))
        return
    if op.method not in ("aspirate", "dispense"):
        return
    resources = op.args.get("resources")
    n = len(resources) if isinstance(resources, list | tuple) else 1
    vols = concrete(op.args.get("vols"))
    if isinstance(vols, int | float):
        vols = [vols] * n
    try:
        vols = [float(v) for v in vols]
    except (TypeError, ValueError):
        return
    channels = concrete(op.args.get("use_channels")) or op.default_channels or list(range(n))
    sign = 1.0 if op.method == "aspirate" else -1.0
    for ch, vol in zip(channels, vols, strict=False):
        tip = state.head.get(ch)
        if tip is not None:
            liquid = min(max(tip.liquid + sign * vol, 0.0), tip.max_volume)
            state.mount(ch, Channel(tip.origin, tip.max_volume, liquid))


def _set_volume(ctx: Context) -> None:
    a = ctx.op.args
    ctx.state.set_volume(a["key"], a["volume"], a["max_volume"])


def _set_tip(ctx: Context) -> None:
    ctx.state.set_spot(ctx.op.args["key"], bool(ctx.op.args["has_tip"]))


def _clear_head(ctx: Context) -> None:
    for ch in list(ctx.state.head):
        ctx.state.mount(ch, None)


# State the protocol sets itself (recorded by proxies.recording_state).
_STATE_RULES = {"set_volume": _set_volume, "set_tip": _set_tip, "clear_head_state": _clear_head}


def _issue_failures(path: Path, proposed: bool) -> list[Failure]:
    issue = path.issue
    if issue is None or issue.kind != "raised":
        return []
    msg = issue.message
    if msg.startswith("ProtocolError"):
        return []  # an unresolved parameter, reported once as unresolved_type
    kind = "bad_arguments"
    if msg.startswith("ResourceNotFoundError") and proposed:
        return [Failure("unresolved_type", issue.line or 0, 0, "", [],
                        f"the protocol looks labware up on the deck ({msg.split(': ', 1)[-1]}) "
                        "but no setup binds a deck; pass --setup NAME to simulate against "
                        "the real deck", {"raised": msg})]
    line = issue.line or 0
    if msg.startswith("TypeError") and ("not subscriptable" in msg or "not iterable" in msg):
        return [Failure("wrong_resource", line, 0, "", [],
                        f"the protocol raises {msg}: a resource used like a plate or a list "
                        "that is not one (a trough has no wells; index plates and tip racks)",
                        {"raised": msg})]
    if msg.startswith("ResourceNotFoundError"):  # a name the setup's deck does not have
        return [Failure("not_on_deck", line, 0, "", [],
                        f"the protocol looks up labware the deck does not have ({msg}); check "
                        "the name, or assign the labware to the deck in the setup",
                        {"raised": msg})]
    if msg.startswith("AttributeError"):
        kind = "unknown_method"
    elif msg.startswith(("KeyError", "IndexError", "ValueError")):
        kind = "wrong_resource"
    return [Failure(kind, line, 0, "", [], f"the protocol raises {msg}", {"raised": msg})]


def _requirements(info: Any, binding: Binding, contexts: list[Context],
                  graph: ProtocolComputationGraph) -> dict[str, Any]:
    tips: dict[str, int] = {}
    for ctx in contexts:
        for owner, keys in ctx.tips_used.items():
            tips[owner] = max(tips.get(owner, 0), len(keys))
    liquid: dict[str, float] = {}
    for ctx in contexts:
        for table in (ctx.state.required, ctx.state.infeasible):
            for key, need in table.items():
                if need > 0:
                    liquid[key] = max(liquid.get(key, 0.0), need)
    rows = []
    for key in sorted(liquid, key=_well_order):
        owner, _, ident = key.partition("[")
        rows.append({"parameter": owner, "well": ident.rstrip("]") or owner,
                     "min_volume": round(liquid[key], 6)})
    on_deck: list[str] = []
    for op in graph.operations:
        for r in op.resources:
            owner = r.split("[", 1)[0]
            if owner not in on_deck:
                on_deck.append(owner)
    return {"tips": tips, "on_deck": on_deck, "liquid": rows}


def _well_order(key: str) -> tuple[str, int, str]:
    owner, _, ident = key.partition("[")
    ident = ident.rstrip("]")
    row = "".join(c for c in ident if c.isalpha())
    num = "".join(c for c in ident if c.isdigit())
    return owner, int(num or 0), row


def _fingerprint(setup: Any) -> Any:
    if setup is None:
        return setup
    code = getattr(setup, "__code__", None)
    if code is not None:
        return hashlib.sha256(code.co_code + repr(code.co_consts).encode()).hexdigest()
    return None  # a dict of live objects: not cacheable


def simulate(protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
             name: str | None = None, *, namespace: Mapping[str, Any] | None = None,
             cache: bool = True) -> SimulationReport:
    """Trace ``protocol`` and check every op on every path.

    ``protocol`` is an async function, a source string or a path; ``setup`` a function
    name in the same source, a callable or a dict (parameter → PLR object) for the
    exact level; ``params`` values for plain parameters. Repeated calls with the same
    source, setup and params are a cache lookup.
    """
    t0 = time.perf_counter()
    loaded = load(protocol, name, namespace)
    # a setup named by string is fingerprinted by the code it resolves to (it may live in
    # another notebook cell than the protocol, and change on its own)
    fp = _fingerprint(loaded.namespace.get(setup) if isinstance(setup, str) else setup)
    key = (loaded.info.source_hash, loaded.info.name, fp, tuple(sorted((params or {}).items())))
    cacheable = cache and (setup is None or fp is not None) and namespace is None
    if cacheable and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    report = _simulate_loaded(loaded, setup, params, t0)
    report._setup_obj = setup
    report._namespace = dict(loaded.namespace) if namespace is not None or callable(protocol) \
        else None
    if cacheable:
        _CACHE[key] = report
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return report


def _simulate_loaded(loaded: Loaded, setup: Any, params: Mapping[str, Any] | None,
                     t0: float) -> SimulationReport:
    from praxis_lab.fixes import fixes_for

    info = loaded.info
    objects = resolve_setup(loaded, setup) if setup is not None else None
    setup_name = setup if isinstance(setup, str) else getattr(setup, "__name__", None)
    binding = bind(info, objects, params, setup_name)
    t_analyse = time.perf_counter()
    traced = trace(loaded, binding)
    t_trace = time.perf_counter()
    paths = traced.paths
    if not paths:
        raise ProtocolError(f"{info.name} could not be traced")
    level = "exact" if not binding.proposed else "symbolic"
    per_path, contexts, timeline = check_paths(paths, binding, level, keep_timeline=True)
    if level == "exact":  # requirements come from unknown start volumes
        _, contexts, _ = check_paths(paths, binding, "symbolic")
    for failures, path in zip(per_path, paths, strict=True):
        failures.extend(_issue_failures(path, binding.proposed))
    for p in binding.unresolved:
        close = _closest_type(p.element_type or "")
        hint = f" (did you mean {close}?)" if close else ""
        f = Failure("unresolved_type", p.line, p.column, "", [p.name],
                    f"parameter {p.name!r} is annotated {p.annotation!r}, which is not PLR "
                    f"labware{hint}; annotate it with a PLR type or bind it with --setup",
                    {"param": p.name, "annotation": p.annotation, "closest": close})
        for failures in per_path:
            failures.insert(0, f)
    modes = merge(per_path, [p.condition for p in paths])
    guarded = _guarded_lines(info.source) if "try" in info.source else {}
    for mode in modes:
        handler = _catching(guarded.get(mode.line, []), mode.kind)
        if handler is not None:  # PLR raises here, and the protocol catches it
            mode.certainty = "conditional"
            mode.condition = f"not caught by the except at line {handler}"
            mode.message += f" (the protocol catches it: except at line {handler})"
    t_sim = time.perf_counter()
    graph = build_graph(info, binding, paths)
    requirements = _requirements(info, binding, contexts, graph)
    final = contexts[0].state if contexts else None
    deck_layout = layout(binding, _volumes_initial(timeline), None)
    need = {f"{r['parameter']}[{r['well']}]": r["min_volume"] for r in requirements["liquid"]}
    for mode in modes:
        if "well" in mode.data:
            mode.data["required"] = need.get(mode.data["well"], 0.0)
        mode.fixes = fixes_for(mode, info, binding, final)
        if mode.fixes:
            mode.message += f"; fix: {mode.fixes[0]['description']}"
    issues = [p.issue for p in paths
              if p.issue is not None and p.issue.kind != "raised"] + traced.issues
    t_end = time.perf_counter()
    ok = not modes and not any(i.kind in ("timeout", "op_bound", "reads_state", "path_bound")
                               for i in issues)
    return SimulationReport(
        protocol=info.name, ok=ok, paths=len(paths), failure_modes=modes,
        requirements=requirements, graph=graph, deck_layout=deck_layout, timeline=timeline,
        timings_ms={"analyse": _ms(t0, t_analyse), "trace": _ms(t_analyse, t_trace),
                    "simulate": _ms(t_trace, t_sim), "report": _ms(t_sim, t_end),
                    "total": _ms(t0, t_end)},
        issues=_dedupe(issues), level=level,
        expected_ops=sum(1 for op in paths[0].ops if op.kind == "op"),
        source=info.source, setup=binding.setup_name, params=dict(params or {}),
    )


_CATCH_ALL = {None, "Exception", "BaseException"}


def _guarded_lines(source: str) -> dict[int, list[tuple[int, set[str | None]]]]:
    """Line → the ``except`` clauses around it: (line, exception names they catch)."""
    import ast

    out: dict[int, list[tuple[int, set[str | None]]]] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and node.handlers:
            for handler in node.handlers:
                if handler.type is None:
                    names: set[str | None] = {None}
                else:
                    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [
                        handler.type]
                    names = {ast.unparse(t).rsplit(".", 1)[-1] for t in types}
                for stmt in node.body:
                    for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
                        out.setdefault(line, []).append((handler.lineno, names))
    return out


def _catching(guards: list[tuple[int, set[str | None]]], kind: str) -> int | None:
    """The line of the first ``except`` that catches the PLR error behind ``kind``."""
    plr = set(PLR_ERRORS.get(kind, ()))
    for line, names in guards:
        if names & _CATCH_ALL or names & plr:
            return line
    return None


def _volumes_initial(timeline: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in timeline.get("initial", {}).items() if not isinstance(v, bool)}


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
