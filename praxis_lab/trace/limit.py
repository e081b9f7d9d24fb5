"""The time limit of a simulation: Python code that runs too long is stopped where it runs.

A simulation runs the protocol's Python: its module top level, its setup and its body on
every path. :func:`limited` arms a timer (``SIGALRM``, on the main thread) for a block; when
it expires, the code running is stopped with a ``timeout``
:class:`~praxis_lab.trace.tracer.TraceIssue` naming the protocol's line: inside the trace
the path is reported not fully checked, at the top level or in the setup the simulation
ends with :class:`~praxis_lab.errors.Unfinished` ("not fully checked: still running after
20 s at line N"). The timer fires again every half second while the protocol is still
running, so a ``finally`` or ``except BaseException`` that loops on is stopped too.

What it cannot stop, in a notebook's kernel: a loop inside C code (``sum`` over a huge
iterator never returns to Python, where the timer's exception is raised), a protocol that
catches the stop again and again, and code on another thread. The command line answers
all the same: it simulates in a child process and ends it at the limit
(:mod:`praxis_lab.cli.watchdog`).

Limits nest: an inner block keeps the earlier of the two deadlines, and once a deadline has
passed, what runs after it under the same outer limit is stopped at once.

>>> import time
>>> from praxis_lab.trace.tracer import _Bound
>>> try:
...     with limited(0.05):
...         while True:
...             pass
... except _Bound as stop:
...     print(stop.issue.kind, stop.issue.message.split(" (")[0])
timeout still running after 0.05 s
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass

from praxis_lab.errors import Unfinished
from praxis_lab.trace.frames import user_frame
from praxis_lab.trace.tracer import TraceIssue, _Bound

__all__ = ["TIME_LIMIT_S", "budget", "limited", "name_files", "protocol_line", "set_budget",
           "unfinished"]

TIME_LIMIT_S = 20.0  # what a simulation is given by default
_BUDGET = [TIME_LIMIT_S]
_AGAIN_S = 0.5  # the stop is raised again this often while the protocol still runs


@dataclass
class _Deadline:
    at: float  # time.monotonic()
    seconds: float
    filenames: frozenset[str]
    fired: bool = False


_ARMED: list[_Deadline] = []  # the main thread's limits, outermost first


def budget() -> float:
    """The seconds a simulation is given in this process (``TIME_LIMIT_S`` unless set)."""
    return _BUDGET[0]


def set_budget(seconds: float) -> None:
    """Give every simulation of this process ``seconds`` (the CLI's ``--time-limit``)."""
    _BUDGET[0] = float(seconds)


def protocol_line(frame: types.FrameType | None,
                  filenames: frozenset[str] | set[str] = frozenset()) -> int | None:
    """The line the protocol is running at ``frame`` or above: the innermost frame of one
    of ``filenames`` (when given), else the innermost frame of the user's code called by
    praxis_lab (None when praxis_lab's own code comes first: the protocol is not on the
    stack, e.g. an async setup's coroutine waiting in the event loop)."""
    if not filenames:
        found = user_frame(frame)
        return found.f_lineno if found is not None else None
    while frame is not None:
        if frame.f_code.co_filename in filenames:
            return frame.f_lineno
        frame = frame.f_back
    return None


def name_files(filenames: frozenset[str] | set[str]) -> None:
    """The protocol's files, known once it is loaded (its setup's too): a stop in the setup
    then names a line of them only, not of other code running meanwhile (another
    simulation's object finalized by the garbage collector is nobody's line here)."""
    if _ARMED and threading.current_thread() is threading.main_thread():
        _ARMED[-1].filenames = _ARMED[-1].filenames | frozenset(filenames)


def unfinished(stop: _Bound) -> Unfinished:
    """The error a stop at the top level or in the setup ends a simulation with."""
    head = stop.issue.message.split(" (")[0]
    at = f" at line {stop.issue.line}" if stop.issue.line else ""
    return Unfinished(f"not fully checked: {head}{at} (its top level or its setup, before any "
                      "path was traced; an endless loop?)")


def _fire(signum: int, frame: types.FrameType | None) -> None:
    deadline = _ARMED[-1]
    deadline.fired = True
    line = protocol_line(frame, deadline.filenames)
    raise _Bound(TraceIssue(
        "timeout", f"still running after {deadline.seconds:g} s (an endless loop?): stopped",
        line))


def _arm(deadline: _Deadline) -> None:
    left = deadline.at - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), _AGAIN_S)


@contextlib.contextmanager
def limited(seconds: float | None = None, filenames: frozenset[str] | set[str] = frozenset(),
            ) -> Iterator[None]:
    """Stop the code of this block ``seconds`` from now (:func:`budget` when None; the
    earlier deadline when a limit is already armed). ``filenames`` are the protocol's
    files, to name its line. A no-op off the main thread."""
    seconds = budget() if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "setitimer"):
        yield
        return
    outer = _ARMED[-1] if _ARMED else None
    deadline = _Deadline(time.monotonic() + seconds, seconds, frozenset(filenames))
    if outer is not None:
        deadline.filenames = deadline.filenames or outer.filenames
        if outer.fired:  # the outer limit has passed: what runs under it stops at once
            deadline.at, deadline.seconds = time.monotonic(), outer.seconds
        elif outer.at <= deadline.at:
            deadline.at, deadline.seconds = outer.at, outer.seconds
    _ARMED.append(deadline)
    old = signal.signal(signal.SIGALRM, _fire)
    theirs = signal.getitimer(signal.ITIMER_REAL)[0] if outer is None else 0.0
    since = time.monotonic()
    _arm(deadline)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _ARMED.pop()
        signal.signal(signal.SIGALRM, old)
        if outer is not None:
            outer.fired = outer.fired or (deadline.fired and deadline.at >= outer.at)
            if not outer.fired:  # (else what runs after, under it, is not stopped again)
                _arm(outer)
        elif theirs > 0:  # a timer armed before (a test runner's): it runs on
            signal.setitimer(signal.ITIMER_REAL,
                             max(theirs - (time.monotonic() - since), 1e-3))
