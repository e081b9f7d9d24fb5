"""Preflight: everything a run checks and records before it may touch a device.

:func:`preflight` opens and checks the store, loads the protocol, builds the setup once,
checks that every parameter is bound, simulates on the setup's own objects (unless a
report is given), evaluates the policy, stores the protocol's definition, files the run
request (or takes the given one, whose payload is frozen) and gates it, and stores a
``pending`` run of it. The runner executes what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from praxis_lab.execution import approvals
from praxis_lab.execution.policy import Policy, PolicyDecision, evaluate, is_simulator
from praxis_lab.store import audit, calllog, db
from praxis_lab.store.db import RunRequest
from praxis_lab.store.lifecycle import create_run, recover, store_definition

__all__ = ["Preflight", "preflight"]


@dataclass
class Preflight:
    """A run ready to execute: its objects, its simulation, its request and its row."""

    engine: Engine
    func: Any
    objects: dict[str, Any]
    info: Any
    handlers: list[str]
    params: dict[str, Any]
    backend: str
    mode: str  # mock (a backend that moves nothing) | real
    report: Any
    report_dict: dict[str, Any] | None
    expected: int | None
    decision: PolicyDecision
    request: RunRequest
    run_id: int


def preflight(protocol: Any, setup: Any, params: Mapping[str, Any], *,
              db_: Engine | str | None, override: str | None, policy: Policy,
              report: Any = None, name: str | None = None, request_id: int | None = None,
              user: str | None = None) -> Preflight:
    """Check, simulate, file and gate a run of ``protocol``; store it ``pending``.

    ``request_id`` runs that request (with its frozen parameters when ``params`` is
    empty). Raises StoreError, ProtocolError or ``audit.RequestError`` before anything
    reaches a device.
    """
    from praxis_lab.protocol.loading import load, resolve_setup

    engine = db.connect(db_)
    db.check_writable(engine)
    recover(engine)
    loaded = load(protocol, name)
    objects = resolve_setup(loaded, setup) if setup is not None else {}  # the only build
    values = dict(params)
    if request_id is not None and not values:  # the request's frozen values
        values = dict(audit.get_request(request_id, db=engine).payload.get("parameters") or {})
    handlers = _check_binding(loaded, objects, values)
    backend = objects[handlers[0]].backend
    simulator = is_simulator([c.__name__ for c in type(backend).__mro__], policy)
    if report is None:
        report = _simulate(protocol, loaded, objects, values)
    report_dict = report.to_dict() if hasattr(report, "to_dict") else report
    expected = getattr(report, "expected_ops", None) or (
        report_dict.get("expected_ops") if report_dict else None)
    backend_name = type(backend).__name__
    decision = evaluate(policy, report_dict, backend_name, override, simulator=simulator)
    setup_name = setup if isinstance(setup, str) else getattr(setup, "__name__", None)
    definition = store_definition(engine, loaded.info, report_dict)
    payload = {"definition_id": definition, "source_hash": loaded.info.source_hash,
               "parameters": calllog.to_json(values), "setup": setup_name}
    request = approvals.file_request(engine, payload, target=backend_name, simulator=simulator,
                                     decision=decision, request_id=request_id, user=user)
    assert request.id is not None
    mode = "mock" if simulator else "real"
    run_id = create_run(engine, loaded.info, definition_id=definition, request_id=request.id,
                        backend=backend_name, mode=mode, params=values, setup=setup_name,
                        expected_ops=expected, issued_by=user)
    return Preflight(engine=engine, func=loaded.func, objects=objects, info=loaded.info,
                     handlers=handlers, params=values, backend=backend_name, mode=mode,
                     report=report, report_dict=report_dict, expected=expected,
                     decision=decision, request=request, run_id=run_id)


def _check_binding(loaded: Any, objects: dict[str, Any], params: dict[str, Any]) -> list[str]:
    """The setup's LiquidHandler keys; ProtocolError when a parameter is unbound or unknown."""
    from praxis_lab import _plr
    from praxis_lab.protocol.analyse import ProtocolError

    handler_type = _plr.PLR["LiquidHandler"]
    handlers = [k for k, v in objects.items() if isinstance(v, handler_type)]
    name, names = loaded.info.name, [p.name for p in loaded.info.params]
    if not handlers:
        raise ProtocolError(f"the setup of {name} gives no LiquidHandler: return "
                            "{'lh': LiquidHandler(backend=..., deck=...), ...} from it")
    unknown = sorted(set(params) - set(names))
    missing = [p.name for p in loaded.info.params
               if not p.has_default and p.name not in objects and p.name not in params]
    if unknown or missing:
        raise ProtocolError(
            f"{name} has no parameter {', '.join(unknown)} (parameters: {', '.join(names)})"
            if unknown else f"nothing binds {', '.join(missing)} of {name}: return "
            f"{'it' if len(missing) == 1 else 'them'} from the setup or pass params=")
    return handlers


def _simulate(protocol: Any, loaded: Any, objects: dict[str, Any],
              params: dict[str, Any]) -> Any:
    """A simulation on the setup's objects already built (the setup does not run again)."""
    try:
        from praxis_lab.pipeline import simulate
    except ImportError:
        return None
    return simulate(protocol, setup=objects or None, params=params or None,
                    name=loaded.info.name)
