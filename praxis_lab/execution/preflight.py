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
from praxis_lab.execution.policy import Policy, PolicyDecision, evaluate, is_complete
from praxis_lab.store import audit, calllog, db
from praxis_lab.store.db import RunRequest
from praxis_lab.store.lifecycle import create_run, recover, store_definition

__all__ = ["Preflight", "preflight"]


@dataclass
class Preflight:
    """A run ready to execute: its objects, its simulation, its request and its row."""

    engine: Engine
    owns_engine: bool  # connected from a URL for this run: disposed of when it ends
    func: Any
    objects: dict[str, Any]
    info: Any
    handlers: list[str]
    machines: dict[str, Any]  # the other machines by name: parameters, then on the decks
    params: dict[str, Any]
    backend: str
    devices: dict[str, dict[str, Any]]
    mode: str  # mock (every device one of PLR's simulators) | real
    report: Any
    report_dict: dict[str, Any] | None
    expected: int | None
    decision: PolicyDecision
    request: RunRequest
    run_id: int

    def release(self) -> None:
        """Dispose of the engine when the run connected it from a URL (its rows are
        committed; an in-memory store is kept: it lives with its engine)."""
        if self.owns_engine and self.engine.url.database not in (None, "", ":memory:"):
            self.engine.dispose()


@dataclass
class _Bound:
    """A protocol bound to its setup's objects and its parameter values."""

    loaded: Any
    objects: dict[str, Any]
    params: dict[str, Any]
    handlers: list[str]
    devices: dict[str, dict[str, Any]]
    machines: dict[str, Any]


def preflight(protocol: Any, setup: Any, params: Mapping[str, Any], *,
              db_: Engine | str | None, override: str | None, policy: Policy,
              report: Any = None, name: str | None = None, request_id: int | None = None,
              user: str | None = None) -> Preflight:
    """Check, simulate, file and gate a run of ``protocol``; store it ``pending``.

    ``request_id`` runs that request (with its frozen parameters when ``params`` is
    empty). Raises StoreError, ProtocolError or ``audit.RequestError`` before anything
    reaches a device.
    """
    engine = db.connect(db_)
    try:
        db.check_writable(engine)
        recover(engine)
        bound = _bind(engine, protocol, setup, params, name, request_id)
        return _file(engine, bound, protocol, setup, override=override, policy=policy,
                     report=report, request_id=request_id, user=user,
                     owns_engine=not isinstance(db_, Engine))
    except BaseException:
        if not isinstance(db_, Engine):
            engine.dispose()
        raise


def _bind(engine: Engine, protocol: Any, setup: Any, params: Mapping[str, Any],
          name: str | None, request_id: int | None) -> _Bound:
    """Load the protocol, build the setup once, take the values, check every binding."""
    from praxis_lab._plr.devices import devices, machines
    from praxis_lab.protocol.loading import load, resolve_setup
    from praxis_lab.trace.limit import limited, unfinished
    from praxis_lab.trace.tracer import _Bound as Stopped

    try:
        with limited():  # an endless loop at the top level or in the setup is stopped
            loaded = load(protocol, name)
            objects = resolve_setup(loaded, setup) if setup is not None else {}  # the one build
    except Stopped as stop:
        raise unfinished(stop) from None
    values = dict(params)
    if request_id is not None and not values:  # the request's frozen values
        values = dict(audit.get_request(request_id, db=engine).payload.get("parameters") or {})
    handlers = _check_binding(loaded, objects, values)
    lhs = {id(objects[k]) for k in handlers}
    others = {k: m for k, m in machines(objects).items() if id(m) not in lhs}
    return _Bound(loaded, objects, values, handlers, devices(objects), others)


def _file(engine: Engine, bound: _Bound, protocol: Any, setup: Any, *, override: str | None,
          policy: Policy, report: Any, request_id: int | None, user: str | None,
          owns_engine: bool) -> Preflight:
    """Simulate (unless given a report), evaluate the policy for the setup's devices, file
    and gate the request, store the ``pending`` run."""
    loaded, values = bound.loaded, bound.params
    if report is None:
        report = _simulate(protocol, loaded, bound.objects, values)
    report_dict = _as_dict(report)
    expected = getattr(report, "expected_ops", None) or (
        report_dict.get("expected_ops") if report_dict else None)
    backend_name = type(bound.objects[bound.handlers[0]].backend).__name__
    real = not all(d["simulator"] for d in bound.devices.values())
    estimate = calllog.estimate_runtime(report_dict, engine) if real and report_dict else None
    decision = evaluate(policy, report_dict, backend_name, override, devices=bound.devices,
                        estimate_s=estimate)
    setup_name = setup if isinstance(setup, str) else getattr(setup, "__name__", None)
    definition = store_definition(engine, loaded.info, report_dict)
    payload = {"definition_id": definition, "source_hash": loaded.info.source_hash,
               "parameters": calllog.to_json(values), "setup": setup_name,
               "devices": bound.devices}
    request = approvals.file_request(engine, payload, target=backend_name, decision=decision,
                                     request_id=request_id, user=user)
    assert request.id is not None
    mode = "mock" if decision.simulator else "real"
    run_id = create_run(engine, loaded.info, definition_id=definition, request_id=request.id,
                        backend=backend_name, mode=mode, params=values, setup=setup_name,
                        expected_ops=expected, issued_by=user)
    return Preflight(engine=engine, owns_engine=owns_engine, func=loaded.func,
                     objects=bound.objects, info=loaded.info, handlers=bound.handlers,
                     machines=bound.machines, params=values, backend=backend_name,
                     devices=bound.devices, mode=mode,
                     report=report, report_dict=report_dict, expected=expected,
                     decision=decision, request=request, run_id=run_id)


def _as_dict(report: Any) -> dict[str, Any] | None:
    """The report as plain data, with ``complete`` (derived from its trace issues when the
    report does not say)."""
    data = report.to_dict() if hasattr(report, "to_dict") else report
    if data is None:
        return None
    data = dict(data)
    if "complete" not in data:
        complete = getattr(report, "complete", None)
        data["complete"] = is_complete(data)[0] if complete is None else bool(complete)
    return data


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
    """A simulation of this run: on the setup's objects already built (the setup does not
    run again), with the run's own values pinned, the defaults of those not given
    included. The run takes one value of each, so a failure only another value would
    meet (``columns > 12``) is not this run's; branches on anything else still fork."""
    try:
        from praxis_lab.pipeline import simulate
    except ImportError:
        return None
    values = {p.name: p.default for p in loaded.info.params
              if p.has_default and p.name not in objects}
    values.update(params)
    return simulate(protocol, setup=objects or None, params=values or None,
                    name=loaded.info.name)
