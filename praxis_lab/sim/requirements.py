"""What a protocol needs before it runs, read from its checked paths: tips per rack,
labware on the deck, the smallest start volume of each well it draws from (the most any
path needs), what guessed wells must hold, and the machines and plates of the devices.

An exact simulation answers the symbolic level's start volumes from the twin it kept
beside the exact volumes (:func:`symbolic_twins`) when no replay is needed to agree.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from praxis_lab.sim.devices import device_requirements
from praxis_lab.sim.failures import Failure
from praxis_lab.sim.rules import Context
from praxis_lab.trace.graph import ProtocolComputationGraph
from praxis_lab.trace.tracer import Path

__all__ = ["all_requirements", "requirements_of", "symbolic_twins"]


def all_requirements(contexts: list[Any], graph: ProtocolComputationGraph,
                     binding: Any) -> dict[str, Any]:
    """:func:`requirements_of`, with the devices' (machines, where each plate starts)."""
    requirements = requirements_of(contexts, graph)
    requirements.update(device_requirements(contexts, binding))
    return requirements


def requirements_of(contexts: list[Any], graph: ProtocolComputationGraph) -> dict[str, Any]:
    """The tips, labware and start volumes the checked paths need (the most any path
    needs), and what guessed wells must hold."""
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
    on_deck = list(dict.fromkeys(r.split("[", 1)[0] for op in graph.operations
                                 for r in op.resources))
    capacity: dict[str, float] = {}  # guessed labware: what its wells must hold
    for ctx in contexts:
        for key, held in getattr(ctx.state, "capacity", {}).items():
            capacity[key] = max(capacity.get(key, 0.0), held)
    out = {"tips": tips, "on_deck": on_deck, "liquid": rows}
    if capacity:
        out["capacity"] = [{"parameter": k.partition("[")[0],
                            "well": k.partition("[")[2].rstrip("]") or k,
                            "min_capacity": round(v, 6)}
                           for k, v in sorted(capacity.items(), key=lambda kv: _well_order(kv[0]))]
    return out



class _SymbolicTwin:
    """What ``requirements_of`` reads of a symbolic-level context, from an exact one."""

    def __init__(self, ctx: Context) -> None:
        assert ctx.state.twin is not None
        self.tips_used = ctx.tips_used
        self.devices = ctx.devices
        self.state = SimpleNamespace(required=ctx.state.twin_required, infeasible={})


def symbolic_twins(paths: list[Path], per_path: list[list[Failure]],
                    contexts: list[Context]) -> list[Any] | None:
    """The symbolic level's contexts without replaying it, when the exact replay is sure
    to agree with it: no failure and no raised op on any path (the same ops apply in the
    same order, so the tips are the same), and no well its twin would find short."""
    if any(per_path) or len(contexts) != len(paths):
        return None
    if any(op.raised is not None for path in paths for op in path.ops):
        return None
    if any(ctx.state.twin is None or ctx.state.twin_failed for ctx in contexts):
        return None
    return [_SymbolicTwin(ctx) for ctx in contexts]



@functools.lru_cache(maxsize=4096)
def _well_order(key: str) -> tuple[str, int, str]:
    owner, _, ident = key.partition("[")
    ident = ident.rstrip("]")
    row = "".join(c for c in ident if c.isalpha())
    num = "".join(c for c in ident if c.isdigit())
    return owner, int(num or 0), row
