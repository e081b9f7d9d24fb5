"""praxis_lab: trace, check and run PyLabRobot protocols from Jupyter.

>>> import praxis_lab
>>> report = praxis_lab.simulate('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.pick_up_tips(tips["A1"])
...     await lh.aspirate(plate["A1"], vols=[20])
...     await lh.dispense(plate["B1"], vols=[20])
...     await lh.drop_tips(tips["A1"])
... ''')
>>> report.ok, report.requirements["liquid"]
(True, [{'parameter': 'plate', 'well': 'A1', 'min_volume': 20.0}])

The store and DataFrame names are imported lazily, so ``praxis-lab simulate`` never
loads pandas, SQLModel, plotly or the widgets.
"""

from __future__ import annotations

from typing import Any

from praxis_lab.pipeline import simulate

# Imported eagerly: the function must shadow the submodule of the same name.
from praxis_lab.protocol.analyse import ProtocolError
from praxis_lab.sim.simulate import SimulationReport

__version__ = "0.1.0"

__all__ = [
    "ProtocolError",
    "SimulationReport",
    "artifacts",
    "audit_trail",
    "calls",
    "history",
    "load_ipython_extension",
    "note",
    "plate_heatmap",
    "request_schema",
    "requests",
    "run",
    "run_async",
    "search",
    "simulate",
]

_LAZY = {
    "run": "praxis_lab.execution.runner",
    "run_async": "praxis_lab.execution.runner",
    "history": "praxis_lab.store.frames",
    "calls": "praxis_lab.store.frames",
    "requests": "praxis_lab.store.frames",
    "search": "praxis_lab.store.frames",
    "audit_trail": "praxis_lab.store.frames",
    "note": "praxis_lab.store.notes",
    "artifacts": "praxis_lab.store.artifacts",
    "plate_heatmap": "praxis_lab.store.artifacts",
    "request_schema": "praxis_lab.store.audit",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'praxis_lab' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext praxis_lab``."""
    from praxis_lab.magics import load_ipython_extension as _load

    _load(ipython)
