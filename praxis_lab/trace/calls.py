"""What a traced call returns, and how one is recorded: shared by every stand-in.

A traced PLR call (``lh.aspirate(...)``, ``reader.read_absorbance(...)``) records an
:class:`~praxis_lab.trace.tracer.Op` and returns an awaitable that completes at once
(:class:`Done`), or that raises PLR's error into the protocol's ``except`` when the judge
says the call fails there (:class:`Raise`). Stand-ins passed as arguments are recorded as
the real objects they stand for (``lh.move_plate(plate, reader)`` moves onto the real
reader's place).
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab.trace.scope import real_state
from praxis_lab.trace.tracer import Op, Tracer

__all__ = ["Done", "Raise", "raised_into", "unwrap"]


class Done:
    """An awaitable that completes at once (what a traced PLR call returns)."""

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # pragma: no cover  (makes this a generator)


class Raise:
    """An awaitable that raises PLR's error (a traced call the protocol's ``except`` handles)."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __await__(self) -> Any:
        raise self.error
        yield  # pragma: no cover  (makes this a generator)


def unwrap(value: Any) -> Any:
    """The real object a stand-in stands for (lists and tuples of them too)."""
    real = getattr(type(value), "_stands_for", None)
    if real is not None:
        return real(value)
    if type(value) is list:
        return [unwrap(v) for v in value] if any(
            getattr(type(v), "_stands_for", None) is not None for v in value) else value
    return value


def raised_into(tracer: Tracer, op: Op) -> Raise | None:
    """Record ``op``; when the judge says it raises into an ``except`` of the protocol,
    the awaitable that raises PLR's error there (the op then has no effect), else None
    (the caller records nothing more)."""
    if tracer.guards:
        with real_state():
            op.raised = tracer.raising(op)
    tracer.record(op)
    if op.raised is None:
        return None
    raised = _plr.error_class(op.raised)(
        f"{op.raised} at line {op.line} (traced: the protocol's except runs)")
    raised.praxis_op = op  # type: ignore[attr-defined]
    return Raise(raised)
