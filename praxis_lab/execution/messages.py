"""Messages a run sends to its subscribers (seed 001), as plain dicts.

Five shapes, consumed by the run monitor widget and anyone who subscribes:

- ``{"type": "status", "run_id", "status"}`` — the run's status changed (``paused`` is
  shown to subscribers but never stored: it is not a lifecycle status);
- ``{"type": "progress", "run_id", "done", "expected", "eta_s"}`` — after each call;
- ``{"type": "log", "run_id", "seq", "method", "arguments", "duration_ms", "error",
  "receiver"}`` — one PLR call (``receiver``: the machine it was made on, ``lh``, a
  plate reader...), as stored in ``FunctionCallLog``;
- ``{"type": "response", "control": {"run_id", "mode", "status", "error"}}`` — the
  final envelope: status ``success`` or ``error`` with ``{"code", "message"}``;
- ``{"type": "request", "request": {"request", "status", "type", "target", "issued_by",
  "approval"}}`` — the run's request (seed 004) when the run is prepared and when it ends.

The call log itself (arguments as JSON with resource names, one durable row per call) is
:mod:`praxis_lab.store.calllog`.

>>> response(3, "mock", "error", ("TooLittleLiquidError", "Not enough liquid"))
{'type': 'response', 'control': {'run_id': 3, 'mode': 'mock', 'status': 'error', \
'error': {'code': 'TooLittleLiquidError', 'message': 'Not enough liquid'}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["log", "progress", "request", "response", "status"]

Message = dict[str, Any]


def status(run_id: int | None, status: str) -> Message:
    return {"type": "status", "run_id": run_id, "status": status}


def progress(run_id: int | None, done: int, expected: int | None,
             eta_s: float | None) -> Message:
    return {"type": "progress", "run_id": run_id, "done": done, "expected": expected,
            "eta_s": eta_s}


def log(run_id: int | None, seq: int, method: str, arguments: dict[str, Any],
        duration_ms: float, error: str | None, receiver: str = "lh") -> Message:
    return {"type": "log", "run_id": run_id, "seq": seq, "method": method,
            "arguments": arguments, "duration_ms": duration_ms, "error": error,
            "receiver": receiver}


def response(run_id: int | None, mode: str, status: str,
             error: tuple[str, str] | None = None) -> Message:
    """The final envelope; ``status`` is ``success`` or ``error``."""
    body = {"code": error[0], "message": error[1]} if error is not None else None
    return {"type": "response",
            "control": {"run_id": run_id, "mode": mode, "status": status, "error": body}}


def request(info: Mapping[str, Any] | None) -> Message:
    """The run's request as the monitor shows it (None: no request)."""
    return {"type": "request", "request": dict(info) if info is not None else None}
