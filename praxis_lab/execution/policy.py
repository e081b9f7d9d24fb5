"""The policy gate before hardware (seed 004): ALLOW or BLOCK, with every reason.

:func:`evaluate` checks a simulation report (the plain dict of DESIGN.md's CLI JSON)
against a :class:`Policy`: the simulation must be ok before a real (non-simulator)
backend runs, unless a human gives an override reason; limits on tips, volume per
operation, methods and backends always apply. Every rule is evaluated and recorded,
so a BLOCK lists everything that is wrong at once.

>>> report = {"ok": True, "failure_modes": [], "requirements": {"tips": {"tips": 8}},
...           "graph": {"operations": [{"method": "aspirate", "line": 3, "volumes": [50.0]}]}}
>>> evaluate(Policy(), report, "STARBackend").decision
<Decision.ALLOW: 'ALLOW'>
>>> evaluate(Policy(max_tips=4), report, "STARBackend").reasons[0].split(";")[0]
'max_tips: the protocol needs 8 tips (tips: 8), above the limit of 4'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "SIMULATOR_BACKENDS",
    "Decision",
    "Policy",
    "PolicyDecision",
    "RuleResult",
    "evaluate",
    "is_simulator",
]

# PLR 0.2.2 backends that move nothing (chatterboxes print, simulators model a robot).
SIMULATOR_BACKENDS = frozenset({
    "LiquidHandlerChatterboxBackend", "STARChatterboxBackend",
    "OpentronsOT2ChatterboxBackend", "OpentronsOT2Simulator", "ChatterBoxBackend",
})


class Decision(StrEnum):
    ALLOW = "ALLOW"
    BLOCK = "BLOCK"


@dataclass(frozen=True)
class Policy:
    """Limits checked before a run. ``None`` means "no limit" for that rule.

    ``allowed_methods`` / ``allowed_backends`` are sets of names; overrides never lift
    them (an override only answers a simulation that is not ok).
    """

    max_tips: int | None = 960
    max_volume_per_op_ul: float | None = 1000.0
    allowed_methods: frozenset[str] | None = None
    allowed_backends: frozenset[str] | None = None
    simulator_backends: frozenset[str] = SIMULATOR_BACKENDS
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

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOW

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision.value, "reasons": list(self.reasons),
                "rules": [{"rule": r.rule, "decision": r.decision.value, "reason": r.reason}
                          for r in self.rules],
                "simulator": self.simulator, "override": self.override,
                "overridden": self.overridden, "policy_version": self.policy_version}


def is_simulator(backend: str | Iterable[str], policy: Policy | None = None) -> bool:
    """Whether a backend (its class name, or the names of its class and bases) moves nothing."""
    names = [backend] if isinstance(backend, str) else list(backend)
    known = (policy or Policy()).simulator_backends
    return any(n in known for n in names)


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


def _backend_rule(backend: str, allowed: frozenset[str] | None) -> RuleResult:
    if allowed is None or backend in allowed:
        return RuleResult("allowed_backends", Decision.ALLOW, f"backend {backend} is allowed")
    return RuleResult("allowed_backends", Decision.BLOCK,
                      f"backend {backend} is not allowed (allowed: "
                      f"{', '.join(sorted(allowed)) or 'none'}); use one of those or "
                      "add it to Policy(allowed_backends=...)")


def evaluate(policy: Policy | None, report: Mapping[str, Any] | None, backend_name: str,
             override: str | None = None, *, simulator: bool | None = None) -> PolicyDecision:
    """Evaluate every rule of ``policy`` for a run of ``report`` on ``backend_name``.

    ``simulator`` says whether the backend moves nothing (default: its name is in
    ``policy.simulator_backends``); on a simulator a simulation that is not ok is
    recorded but never blocks. ``override`` is a human's reason to run a protocol whose
    simulation is not ok on a real device.
    """
    policy = policy or Policy()
    if simulator is None:
        simulator = is_simulator(backend_name, policy)
    sim_rule, overridden = _simulation_rule(report, simulator, backend_name,
                                            override.strip() if override else override)
    rules = [sim_rule]
    if report is not None:
        ops = _ops(report)  # read once for the volume and the method rules
        rules += [_tips_rule(report, policy.max_tips),
                  _volume_rule(ops, policy.max_volume_per_op_ul),
                  _methods_rule(ops, policy.allowed_methods)]
    rules.append(_backend_rule(backend_name, policy.allowed_backends))
    reasons = [f"{r.rule}: {r.reason}" for r in rules if r.decision is Decision.BLOCK]
    return PolicyDecision(
        decision=Decision.BLOCK if reasons else Decision.ALLOW, reasons=reasons, rules=rules,
        simulator=simulator, override=override, overridden=overridden,
        policy_version=policy.version,
    )
