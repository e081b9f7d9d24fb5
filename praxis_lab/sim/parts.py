"""Report parts that cannot take the report down: an internal error while one is made
(the graph, the deck layout, the requirements, a failure mode's fixes) leaves that part
out with a note in the report's trace issues, instead of a traceback.

>>> parts = Parts()
>>> parts.make("the deck layout", lambda: 1 / 0, {})
{}
>>> print(parts.notes[0].message)  # doctest: +NORMALIZE_WHITESPACE
the deck layout: left out, praxis_lab failed to make it (ZeroDivisionError: division by
zero); the rest of the report stands (please report this)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from praxis_lab.trace.tracer import TraceIssue

__all__ = ["Parts"]

T = TypeVar("T")


class Parts:
    """Makes parts of a report, noting the ones that failed (``notes``)."""

    def __init__(self) -> None:
        self.notes: list[TraceIssue] = []

    def make(self, what: str, make: Callable[[], T], fallback: T,
             line: int | None = None) -> T:
        """``make()``, or ``fallback`` with a note naming ``what`` when it raises."""
        try:
            return make()
        except Exception as exc:  # an internal error: the part is dropped, never the report
            self.notes.append(self.note(what, exc, line))
            return fallback

    @staticmethod
    def note(what: str, exc: BaseException, line: int | None = None) -> TraceIssue:
        said = str(exc).strip().splitlines()
        return TraceIssue(
            "internal", f"{what}: left out, praxis_lab failed to make it "
            f"({type(exc).__name__}: {said[0] if said else 'no message'}); the rest of the "
            "report stands (please report this)", line)
