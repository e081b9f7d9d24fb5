"""Execute a protocol with traced stand-ins and record every PLR call.

Like a JAX tracer or a torch.fx proxy, the traced ``lh`` records each call as an
:class:`Op` (method, bound arguments, the line and column of the user's frame)
instead of moving anything. Labware parameters are real PLR objects (from the
setup, or default labware), so ``tips["A1:H1"]``, ``plate.get_well("B3")``,
loops, comprehensions and ``zip`` work concretely. Numeric parameters are
:class:`~praxis_lab.sym.Sym` values: a comparison on one forks the trace, and
every branch is explored by re-execution with a decision vector (bounded).

>>> from praxis_lab.analyse import load
>>> from praxis_lab.deck import bind
>>> loaded = load('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 50):
...     await lh.pick_up_tips(tips["A1:H1"])
...     if volume > 100:
...         await lh.aspirate(plate["A1:H1"], vols=[volume] * 8)
... ''')
>>> result = trace(loaded, bind(loaded.info))
>>> [(p.condition, [op.method for op in p.ops]) for p in result.paths]
[('volume <= 100', ['pick_up_tips']), ('volume > 100', ['pick_up_tips', 'aspirate'])]
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from praxis_lab.blocks import guarded_lines
from praxis_lab.sym import _NEGATE, Interval, _active, concrete

__all__ = ["Judge", "Op", "Path", "TraceIssue", "TraceResult", "Tracer", "trace"]

MAX_PATHS = 256
MAX_OPS = 200_000
TIMEOUT_S = 20.0


@dataclass(slots=True)
class Op:
    """One recorded PLR call."""

    index: int
    method: str
    line: int
    column: int
    args: dict[str, Any]  # bound arguments, PLR defaults filled; raw objects
    receiver: str = "lh"
    known: bool = True  # the method exists on PLR's LiquidHandler
    bind_error: str | None = None
    default_channels: list[int] | None = None  # from `with lh.use_channels(...)`
    kind: str = "op"  # "op", "context" (use_channels), "state" (set volume/tips in protocol)
    raised: str | None = None  # the PLR error it raised into the protocol's `except`

    def channels_for(self, n: int) -> list[int]:
        """PLR's ``use_channels or default_use_channels or range(n)`` for this call."""
        return list(concrete(self.args.get("use_channels")) or self.default_channels or range(n))


@dataclass(frozen=True, slots=True)
class TraceIssue:
    """Something the tracer could not follow (raised, bound hit, unreadable state)."""

    kind: str
    message: str
    line: int | None
    column: int | None = None


@dataclass(slots=True)
class Path:
    """One explored execution path: its decisions, condition and ops."""

    decisions: tuple[bool, ...]
    conditions: tuple[str, ...]
    ops: list[Op]
    witness: dict[str, Any]
    issue: TraceIssue | None = None

    @property
    def condition(self) -> str | None:  # a raise repeated in a loop is said once
        return " and ".join(dict.fromkeys(self.conditions)) if self.conditions else None


@dataclass
class TraceResult:
    """Every explored path plus what stopped exploration."""

    paths: list[Path]
    issues: list[TraceIssue] = field(default_factory=list)
    truncated: bool = False


class Judge(Protocol):
    """Whether an op raises on the path traced so far (:class:`praxis_lab.replay.Replay`)."""

    def raises(self, ops: list[Op], op: Op) -> tuple[str | None, bool]: ...


class _Bound(BaseException):
    """Raised inside the protocol to stop a path (op bound or timeout)."""

    def __init__(self, issue: TraceIssue) -> None:
        self.issue = issue


# Source positions of each code object's instructions, shared by every path's tracer
# (the code object is kept with them, so its id cannot be reused while cached).
_POSITIONS: dict[int, tuple[types.CodeType, list[tuple[Any, ...]]]] = {}


class Tracer:
    """Records the ops of one path and answers the protocol's branch questions."""

    def __init__(self, prefix: tuple[bool, ...], witness: dict[str, Any], filenames: set[str],
                 max_ops: int = MAX_OPS, judge: Judge | None = None,
                 guards: dict[str, dict[int, list[tuple[int, set[str | None]]]]] | None = None,
                 ) -> None:
        self.prefix = prefix
        self.judge = judge
        self.guards = guards or {}  # filename -> guarded_lines of its source
        self._witness = witness
        self.filenames = filenames
        self.max_ops = max_ops
        self.ops: list[Op] = []
        self.decisions: list[bool] = []
        self.conditions: list[str] = []
        self.intervals: dict[str, Interval] = {}
        self.channels_stack: list[list[int]] = []

    # -- Decider protocol (used by Sym) --------------------------------------------
    def witness(self, name: str) -> Any:
        return self._witness[name]

    def _feasible(self, constraint: tuple[str, str, float] | None) -> bool:
        if constraint is None:
            return True
        p, rel, bound = constraint
        iv = self.intervals.get(p, Interval()).copy()
        return iv.restrict(rel, bound)

    def decide(self, cond: str, witness: bool, constraint: tuple[str, str, float] | None,
               negated: str) -> bool:
        neg = None
        if constraint is not None:
            p, rel, bound = constraint
            neg = (p, _NEGATE[rel], bound)
        can_true, can_false = self._feasible(constraint), self._feasible(neg)
        if can_true and not can_false:
            result = True
        elif can_false and not can_true:
            result = False
        else:
            k = len(self.decisions)
            result = self.prefix[k] if k < len(self.prefix) else witness
            self.decisions.append(result)
            self.conditions.append(cond if result else negated)
        chosen = constraint if result else neg
        if chosen is not None:
            self.intervals.setdefault(chosen[0], Interval()).restrict(chosen[1], chosen[2])
        return result

    # -- recording -----------------------------------------------------------------
    def where(self) -> tuple[int, int]:
        """Line and column of the innermost user frame making the current call."""
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename not in self.filenames:
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return 0, 0
        code = frame.f_code
        entry = _POSITIONS.get(id(code))
        if entry is None or entry[0] is not code:  # keyed by id: hashing a code object
            if len(_POSITIONS) > 512:               # hashes all of its bytecode
                _POSITIONS.clear()
            entry = _POSITIONS[id(code)] = (code, list(code.co_positions()))
        pos = entry[1]
        line, _end, col, _ecol = pos[frame.f_lasti // 2]
        return (line or frame.f_lineno), (col or 0)

    def record(self, op: Op) -> None:
        if len(self.ops) >= self.max_ops:
            raise _Bound(TraceIssue(
                "op_bound", f"more than {self.max_ops} PLR calls on one path: stopped "
                "(an endless loop?)", op.line, op.column))
        self.ops.append(op)

    def channels(self) -> list[int] | None:
        return self.channels_stack[-1] if self.channels_stack else None

    # -- raising into the protocol's `except` --------------------------------------
    def raising(self, op: Op) -> str | None:
        """The PLR error ``op`` raises on this path, when an ``except`` around it catches it.

        The judge says whether the op fails on the path so far; when that is sure the op
        raises (or completes) without a fork, else the path forks on
        ``line N raises <Error>`` / ``line N completes``.
        """
        if self.judge is None or not self.guards:
            return None
        handlers = self._handlers()
        if not handlers:
            return None
        error, sure = self.judge.raises(self.ops, op)
        if error is None:
            return None
        from praxis_lab import _plr

        caught = {c.__name__ for c in _plr.error_class(error).__mro__}
        if not any(None in names or names & caught for names in handlers):
            return None  # raises through: the failure is reported at the op
        cond = f"line {op.line} raises {error}"
        if sure:
            self.conditions.append(cond)
            return error
        return error if self.decide(cond, False, None, f"line {op.line} completes") else None

    def _handlers(self) -> list[set[str | None]]:
        """What the ``except`` clauses around the current call catch, in every user frame."""
        out: list[set[str | None]] = []
        frame: types.FrameType | None = sys._getframe(2)
        while frame is not None:
            table = self.guards.get(frame.f_code.co_filename)
            if table is not None:
                out.extend(names for _line, names in table.get(frame.f_lineno, ()))
            frame = frame.f_back
        return out


def _drive(coro: Coroutine[Any, Any, Any]) -> None:
    """Run a coroutine whose awaits all complete at once (no event loop needed)."""
    try:
        while True:
            yielded = coro.send(None)
            if yielded is not None:
                # something other than a PLR call was awaited (a real future)
                coro.close()
                raise RuntimeError(
                    "the protocol awaited something the tracer cannot run "
                    f"({type(yielded).__name__}); only PLR calls and asyncio.sleep are traced")
    except StopIteration:
        return


async def _instant_sleep(delay: float = 0, result: Any = None) -> Any:
    return result


class _Watchdog:
    """Stops a path that runs longer than ``seconds`` (SIGALRM on the main thread)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.active = threading.current_thread() is threading.main_thread() and hasattr(
            signal, "setitimer")
        self.deadline = time.monotonic() + seconds

    def __enter__(self) -> _Watchdog:
        if self.active:
            self._old = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def _fire(self, signum: int, frame: types.FrameType | None) -> None:
        line = frame.f_lineno if frame is not None else None
        raise _Bound(TraceIssue(
            "timeout", f"the protocol ran for more than {self.seconds:g} s while being traced "
            "(an endless loop?): stopped", line))

    def __exit__(self, *exc: object) -> None:
        if self.active:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._old)


def _raise_position(exc: BaseException, filenames: set[str]) -> tuple[int | None, int | None]:
    """Line and column of the innermost user-source frame of ``exc``'s traceback.

    The column is that of the expression that raised (3.11 code positions), 0-based like
    an op's column; None when the positions do not say.
    """
    tb = exc.__traceback__
    line: int | None = None
    column: int | None = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in filenames:
            line, column = tb.tb_lineno, None
            positions = list(tb.tb_frame.f_code.co_positions())
            index = tb.tb_lasti // 2
            if 0 <= index < len(positions) and positions[index][0] == line:
                column = positions[index][2]
        tb = tb.tb_next
    return line, column


def _run_path(func: Callable[..., Any], make_args: Callable[[], dict[str, Any]],
              tracer: Tracer, filenames: set[str], binding: Any) -> TraceIssue | None:
    from praxis_lab.proxies import recording_state

    _active.append(tracer)
    real_sleep = asyncio.sleep
    asyncio.sleep = _instant_sleep  # type: ignore[assignment]
    try:
        with recording_state(lambda: tracer, binding):
            _drive(func(**make_args()))
    except _Bound as stop:
        return stop.issue
    except Exception as exc:  # the protocol itself raised: report where
        op = getattr(exc, "praxis_op", None)
        if isinstance(op, Op):  # an except re-raised it: PLR stops at the op, which fails
            op.raised = None
            return None
        line, column = _raise_position(exc, filenames)
        return TraceIssue("raised", f"{type(exc).__name__}: {exc}", line, column)
    finally:
        asyncio.sleep = real_sleep  # type: ignore[assignment]
        _active.pop()
    return None


def _consistent_witness(tracer: Tracer, witness: dict[str, Any]) -> dict[str, Any] | None:
    """A witness inside every interval of the path, or None when it already is."""
    changed = dict(witness)
    moved = False
    for name, iv in tracer.intervals.items():
        value = witness.get(name)
        if isinstance(value, int | float) and not iv.contains(value):
            picked = iv.pick(isinstance(value, int) and not isinstance(value, bool))
            changed[name] = int(picked) if isinstance(value, int) else float(picked)
            moved = True
    return changed if moved else None


def trace(loaded: Any, binding: Any, *, max_paths: int = MAX_PATHS, max_ops: int = MAX_OPS,
          timeout_s: float = TIMEOUT_S, judge: Callable[[], Judge] | None = None) -> TraceResult:
    """Explore every path of ``loaded.func`` with the stand-ins of ``binding``.

    ``binding`` comes from :func:`praxis_lab.deck.bind`: ``binding.args(tracer_ref)``
    gives the keyword arguments and ``binding.witness`` the numeric parameters.
    ``judge`` makes one :class:`Judge` per path: an op inside a ``try`` whose ``except``
    catches the PLR error the judge says it raises raises it into the protocol
    (recorded with ``op.raised``); without one every op completes.
    """
    from praxis_lab import _plr

    _plr.machine_attributes()  # builds a handler once: never inside a traced path
    filenames = {loaded.info.filename, loaded.func.__code__.co_filename}
    source = loaded.info.source
    table = guarded_lines(source) if judge is not None and "try" in source else {}
    guards = dict.fromkeys(filenames, table) if table else None
    current: list[Tracer] = []

    def tracer_for(prefix: tuple[bool, ...], witness: dict[str, Any]) -> Tracer:
        return Tracer(prefix, witness, filenames, max_ops,
                      judge() if guards is not None and judge is not None else None, guards)

    def make_args() -> dict[str, Any]:
        return binding.args(lambda: current[-1])  # type: ignore[no-any-return]

    result = TraceResult([])
    pending: list[tuple[bool, ...]] = [()]
    seen: set[tuple[bool, ...]] = set()
    with _Watchdog(timeout_s):
        while pending:
            if len(result.paths) >= max_paths:
                result.truncated = True
                result.issues.append(TraceIssue(
                    "path_bound", f"more than {max_paths} paths: explored the first "
                    f"{max_paths}; the rest were not checked (fewer `if`s on parameters, or "
                    "pass --param to fix values)", None))
                break
            prefix = pending.pop()
            if prefix in seen:
                continue
            witness = dict(binding.witness)
            tracer = tracer_for(prefix, witness)
            current.append(tracer)
            issue = _run_path(loaded.func, make_args, tracer, filenames, binding)
            moved = _consistent_witness(tracer, witness)
            if moved is not None and issue is None:
                retry = tracer_for(tuple(tracer.decisions), moved)
                current.append(retry)
                issue2 = _run_path(loaded.func, make_args, retry, filenames, binding)
                if tuple(retry.decisions) == tuple(tracer.decisions):
                    tracer, issue, witness = retry, issue2, moved
            decisions = tuple(tracer.decisions)
            seen.add(decisions)
            result.paths.append(Path(decisions, tuple(tracer.conditions), tracer.ops,
                                     witness, issue))
            if issue is not None and issue.kind == "timeout":
                result.issues.append(issue)
                break
            for k in range(len(prefix), len(decisions)):
                pending.append((*decisions[:k], not decisions[k]))
    result.paths.sort(key=lambda p: p.conditions)
    return result
