"""The policy gate before hardware (seed 004): ALLOW or BLOCK, with every reason.

:func:`evaluate` checks a simulation report (the plain dict of DESIGN.md's CLI JSON)
against a :class:`Policy` for the devices a run would drive: the simulation must be ok
and complete before a real (non-simulator) device runs, unless a human gives an override
reason; every volume must be a finite number ≥ 0 (no override lifts that); limits on
tips, volume per operation, methods and backends always apply; a run on a real device
gets a time limit (the estimate × ``time_limit_factor``). Every rule is evaluated and
recorded, so a BLOCK lists everything that is wrong at once.

Whether a device is a simulator is not a name: the runner passes ``devices`` (from
``_plr.devices``, which compares backend classes by identity with PLR's own simulators).

>>> report = {"ok": True, "failure_modes": [], "requirements": {"tips": {"tips": 8}},
...           "graph": {"operations": [{"method": "aspirate", "line": 3, "volumes": [50.0]}]}}
>>> evaluate(Policy(), report, "STARBackend").decision
<Decision.ALLOW: 'ALLOW'>
>>> evaluate(Policy(max_tips=4), report, "STARBackend").reasons[0].split(";")[0]
'max_tips: the protocol needs 8 tips (tips: 8), above the limit of 4'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "INCOMPLETE_ISSUES",
    "Decision",
    "Policy",
    "PolicyDecision",
    "RuleResult",
    "evaluate",
    "is_complete",
]

# Trace issues that mean the simulation stopped before it checked every path.
INCOMPLETE_ISSUES = ("timeout", "op_bound", "path_bound")


class Decision(StrEnum):
    ALLOW = "ALLOW"
    BLOCK = "BLOCK"


@dataclass(frozen=True)
class Policy:
    """Limits checked before a run. ``None`` means "no limit" for that rule.

    ``allowed_methods`` / ``allowed_backends`` are sets of names (a backend by class name
    or ``module.Class``); overrides never lift them (an override only answers a
    simulation that is not ok or not complete). ``simulator_backends`` narrows which of
    PLR's own simulator classes (by class name) may run unattended: None for all of them,
    an empty set to treat every device as real; a name that is not one of PLR's simulator
    classes has no effect. A run on a real device must end within ``time_limit_s``, by
    default the estimated duration (past calls in the store, else ``seconds_per_op`` per
    PLR call) × ``time_limit_factor``, plus the time the simulation adds up for its shakes,
    spins, thermocycler profiles and sleeps (the report's ``duration_s``), at least
    ``min_time_limit_s``; a protocol that waits in a way the simulation cannot time needs
    ``time_limit_s`` set to cover it.
    """

    max_tips: int | None = 960
    max_volume_per_op_ul: float | None = 1000.0
    allowed_methods: frozenset[str] | None = None
    allowed_backends: frozenset[str] | None = None
    simulator_backends: frozenset[str] | None = None
    time_limit_s: float | None = None
    time_limit_factor: float = 3.0
    min_time_limit_s: float = 300.0
    seconds_per_op: float = 10.0
    version: str = "v1"

    def __post_init__(self) -> None:
        for name in ("allowed_methods", "allowed_backends", "simulator_backends"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, frozenset):
                if isinstance(value, str):
                    raise TypeError(f"Policy.{name} must be a collection of names, not the "
                                    f"string {value!r}: write {{{value!r}}}")
                object.__setattr__(self, name, frozenset(value))


@dataclass(frozen=True)
class RuleResult:
    rule: str
    decision: Decision
    reason: str


@dataclass(frozen=True)
class PolicyDecision:
    """The gate's verdict: BLOCK when any rule blocks; ``reasons`` are the blocking ones."""

    decision: Decision
    reasons: list[str]
    rules: list[RuleResult]
    simulator: bool = False
    override: str | None = None
    overridden: bool = False  # the override was needed (simulation not ok, real backend)
    policy_version: str = "v1"
    devices: Mapping[str, Any] | None = None  # what the evaluation was made for
    time_limit_s: float | None = None  # None: no limit (every device a simulator)

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision.value, "reasons": list(self.reasons),
                "rules": [{"rule": r.rule, "decision": r.decision.value, "reason": r.reason}
                          for r in self.rules],
                "simulator": self.simulator, "override": self.override,
                "overridden": self.overridden, "policy_version": self.policy_version,
                "devices": dict(self.devices) if self.devices is not None else None,
                "time_limit_s": self.time_limit_s}


def is_complete(report: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """Whether a simulation checked every path (its ``complete``, else no bound or time
    limit among its trace issues), and the issues that stopped it."""
    stopped = [f"{i.get('kind')}: {i.get('message')}" + (
        f" @ line {i['line']}" if i.get("line") else "")
        for i in report.get("trace_issues") or [] if isinstance(i, Mapping)
        and i.get("kind") in INCOMPLETE_ISSUES]
    complete = report.get("complete")
    return (not stopped if complete is None else bool(complete)), stopped


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _real(policy: Policy, devices: Mapping[str, Any]) -> list[str]:
    """The backends (short names) of the devices that are not simulators ``policy`` lets
    run unattended: a plate reader's own driver is as real as a robot's."""
    allowed = policy.simulator_backends
    return [_short(str(d.get("backend"))) for d in devices.values()
            if not (d.get("simulator") is True
                    and (allowed is None or _short(str(d.get("backend"))) in allowed))]


def _ops(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The graph's operations as {method, line, volumes} (seed 002 names accepted too)."""
    graph = report.get("graph") or {}
    return [{"method": op.get("method", op.get("method_name")),
             "line": op.get("line", op.get("line_number")),
             "volumes": [float(v) for v in op.get("volumes") or []
                         if isinstance(v, int | float)]}
            for op in graph.get("operations") or [] if isinstance(op, Mapping)]


def _simulation_rule(report: Mapping[str, Any] | None, simulator: bool, backend: str,
                     override: str | None) -> tuple[RuleResult, bool]:
    if report is None:
        problem = "there is no simulation report"
    elif report.get("ok"):
        return RuleResult("simulation_ok", Decision.ALLOW, "the simulation found no failure"), False
    else:
        modes = report.get("failure_modes") or []
        listed = ", ".join(f"{m.get('kind')} @ line {m.get('line')}" for m in modes[:5])
        more = f" and {len(modes) - 5} more" if len(modes) > 5 else ""
        problem = (f"the simulation found {len(modes)} failure mode"
                   f"{'s' if len(modes) != 1 else ''}" + (f" ({listed}{more})" if modes else ""))
    if simulator:
        return RuleResult("simulation_ok", Decision.ALLOW,
                          f"{problem}; allowed because {backend} is a simulator"), False
    if override:
        return RuleResult("simulation_ok", Decision.ALLOW,
                          f"{problem}; overridden by a human: {override}"), True
    hint = "an override needs a non-empty reason" if override is not None else (
        "fix them, or give override='why it is safe'")
    if report is None:
        hint = "simulate the protocol first, or give override='why it is safe'"
    return RuleResult("simulation_ok", Decision.BLOCK,
                      f"{problem} and {backend} is a real device: {hint}"), False


def _tips_rule(report: Mapping[str, Any], limit: int | None) -> RuleResult:
    tips = (report.get("requirements") or {}).get("tips") or {}
    total = sum(int(n) for n in tips.values())
    per = ", ".join(f"{k}: {v}" for k, v in tips.items()) or "none"
    if limit is None:
        return RuleResult("max_tips", Decision.ALLOW, f"{total} tips ({per}); no limit set")
    if total > limit:
        return RuleResult("max_tips", Decision.BLOCK,
                          f"the protocol needs {total} tips ({per}), above the limit of "
                          f"{limit}; split the run or raise Policy(max_tips=...)")
    return RuleResult("max_tips", Decision.ALLOW, f"{total} tips ≤ {limit}")


def _volume_rule(ops: list[dict[str, Any]], limit: float | None) -> RuleResult:
    biggest = max((v for op in ops for v in op["volumes"]), default=0.0)
    if limit is None:
        return RuleResult("max_volume_per_op", Decision.ALLOW,
                          f"largest volume {biggest:g} µL; no limit set")
    over = [f"{op['method']} @ line {op['line']} moves {max(op['volumes']):g} µL"
            for op in ops if op["volumes"] and max(op["volumes"]) > limit]
    if over:
        return RuleResult("max_volume_per_op", Decision.BLOCK,
                          f"{'; '.join(over)}: above the limit of {limit:g} µL per operation; "
                          "split the transfer or raise Policy(max_volume_per_op_ul=...)")
    return RuleResult("max_volume_per_op", Decision.ALLOW,
                      f"largest volume {biggest:g} µL ≤ {limit:g} µL")


def _methods_rule(ops: list[dict[str, Any]], allowed: frozenset[str] | None) -> RuleResult:
    used = sorted({str(op["method"]) for op in ops})
    if allowed is None:
        return RuleResult("allowed_methods", Decision.ALLOW, "every method is allowed")
    bad = [f"{op['method']} @ line {op['line']}" for op in ops
           if op["method"] not in allowed]
    if bad:
        return RuleResult("allowed_methods", Decision.BLOCK,
                          f"{', '.join(bad)} not allowed (allowed: "
                          f"{', '.join(sorted(allowed))}); remove the call or allow it")
    return RuleResult("allowed_methods", Decision.ALLOW,
                      f"methods used are allowed: {', '.join(used) or 'none'}")


def _complete_rule(report: Mapping[str, Any], simulator: bool, backend: str,
                   override: str | None) -> tuple[RuleResult, bool]:
    complete, stopped = is_complete(report)
    if complete:
        return RuleResult("simulation_complete", Decision.ALLOW,
                          "the simulation checked every path"), False
    why = "the simulation is not complete (" + ("; ".join(stopped) or "stopped early") + ")"
    if simulator:
        return RuleResult("simulation_complete", Decision.ALLOW,
                          f"{why}; allowed because {backend} is a simulator"), False
    if override:
        return RuleResult("simulation_complete", Decision.ALLOW,
                          f"{why}; overridden by a human: {override}"), True
    return RuleResult("simulation_complete", Decision.BLOCK,
                      f"{why}: what it did not check would run unchecked on the real device "
                      f"{backend}; simplify the protocol, or a human approves it "
                      "(override='why it is safe')"), False


def _volumes_valid_rule(ops: list[dict[str, Any]]) -> RuleResult:
    bad = [f"{op['method']} @ line {op['line']} moves {v:g} µL" for op in ops
           for v in op["volumes"] if not math.isfinite(v) or v < 0]
    if bad:
        return RuleResult("volumes_valid", Decision.BLOCK,
                          f"{'; '.join(bad[:5])}{' and more' if len(bad) > 5 else ''}: a volume "
                          "must be a finite number ≥ 0 µL; check the parameters (--param) "
                          "and the protocol's arithmetic")
    return RuleResult("volumes_valid", Decision.ALLOW, "every volume is a number ≥ 0 µL")


def _time_rule(policy: Policy, report: Mapping[str, Any] | None, simulator: bool,
               estimate_s: float | None) -> tuple[RuleResult, float | None]:
    if simulator:
        return RuleResult("time_limit", Decision.ALLOW,
                          "no time limit: every device is a simulator (it moves nothing; "
                          "abort a run that hangs)"), None
    if policy.time_limit_s is not None:
        return RuleResult("time_limit", Decision.ALLOW,
                          f"time limit {policy.time_limit_s:g} s (Policy.time_limit_s)"), \
            float(policy.time_limit_s)
    ops = int((report or {}).get("expected_ops") or 0)
    basis = (f"{estimate_s:.3g} s estimated from past calls" if estimate_s is not None
             else f"{ops} PLR calls × {policy.seconds_per_op:g} s")
    estimate = estimate_s if estimate_s is not None else ops * policy.seconds_per_op
    waits = _number((report or {}).get("duration_s"))  # shakes, spins, sleeps: simulated
    limit = max(estimate * policy.time_limit_factor + waits, policy.min_time_limit_s)
    waited = (f" + {waits:g} s the protocol waits, shakes or spins (its simulated duration)"
              if waits else "")
    return RuleResult("time_limit", Decision.ALLOW,
                      f"time limit {limit:.0f} s: {basis} × {policy.time_limit_factor:g}{waited}, "
                      f"at least {policy.min_time_limit_s:g} s (set Policy(time_limit_s=...) for "
                      "a protocol that waits on purpose)"), limit


def _number(value: Any) -> float:
    """A finite number ≥ 0 from a report, else 0."""
    return float(value) if isinstance(value, int | float) and math.isfinite(value) \
        and value > 0 else 0.0


def _backend_rule(backends: list[str], allowed: frozenset[str] | None) -> RuleResult:
    shown = ", ".join(_short(b) for b in backends)
    bad = [b for b in backends if allowed is not None and b not in allowed
           and _short(b) not in allowed]
    if not bad:
        return RuleResult("allowed_backends", Decision.ALLOW,
                          f"backend{'s' if len(backends) > 1 else ''} {shown} allowed")
    return RuleResult("allowed_backends", Decision.BLOCK,
                      f"backend {', '.join(_short(b) for b in bad)} is not allowed (allowed: "
                      f"{', '.join(sorted(allowed or ())) or 'none'}); use one of those or "
                      "add it to Policy(allowed_backends=...)")


def evaluate(policy: Policy | None, report: Mapping[str, Any] | None, backend_name: str,
             override: str | None = None, *, simulator: bool = False,
             devices: Mapping[str, Any] | None = None,
             estimate_s: float | None = None) -> PolicyDecision:
    """Evaluate every rule of ``policy`` for a run of ``report`` on ``backend_name``.

    ``devices`` (``_plr.devices`` of the setup) are what the run drives; with them, the
    run is on a simulator when every device (the liquid handler and every other machine)
    is one of PLR's simulators the policy accepts, the messages name the devices that are
    not, and the decision covers those devices only. Without them, ``simulator``
    says it. On a simulator a simulation that is not ok or not complete is recorded but
    never blocks, and there is no time limit. ``override`` is a human's reason to run a
    protocol whose simulation is not ok or not complete on a real device.
    ``estimate_s`` is the expected duration from past runs (None: none known).
    """
    policy = policy or Policy()
    if devices is not None:
        real = _real(policy, devices)
        simulator = bool(devices) and not real
        if real:  # the messages name the real devices (a machine's, not the handler's)
            backend_name = ", ".join(dict.fromkeys(real))
    why = override.strip() if override else override
    sim_rule, overridden = _simulation_rule(report, simulator, backend_name, why)
    rules = [sim_rule]
    if report is not None:
        done_rule, also = _complete_rule(report, simulator, backend_name, why)
        overridden = overridden or also
        ops = _ops(report)  # read once for the volume and the method rules
        rules += [done_rule, _volumes_valid_rule(ops), _tips_rule(report, policy.max_tips),
                  _volume_rule(ops, policy.max_volume_per_op_ul),
                  _methods_rule(ops, policy.allowed_methods)]
    backends = [str(d.get("backend")) for d in devices.values()] if devices else [backend_name]
    rules.append(_backend_rule(backends, policy.allowed_backends))
    time_rule, limit = _time_rule(policy, report, simulator, estimate_s)
    rules.append(time_rule)
    reasons = [f"{r.rule}: {r.reason}" for r in rules if r.decision is Decision.BLOCK]
    return PolicyDecision(
        decision=Decision.BLOCK if reasons else Decision.ALLOW, reasons=reasons, rules=rules,
        simulator=simulator, override=override, overridden=overridden,
        policy_version=policy.version, devices=devices, time_limit_s=limit,
    )
