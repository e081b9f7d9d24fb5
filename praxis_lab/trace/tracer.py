"""The records of a trace: ops, paths, issues, and the :class:`Tracer` of one path.

Like a JAX tracer or a torch.fx proxy, the traced ``lh`` records each call as an
:class:`Op` (method, bound arguments, the line and column of the user's frame)
instead of moving anything. Labware parameters are real PLR objects (from the
setup, or default labware), so ``tips["A1:H1"]``, ``plate.get_well("B3")``,
loops, comprehensions and ``zip`` work concretely. Numeric parameters are
:class:`~praxis_lab.trace.sym.Sym` values: a comparison on one asks the path's
:class:`Tracer`, which forks; :func:`praxis_lab.trace.driver.trace` explores every
branch by re-execution with a decision vector (bounded).
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any, Protocol

from praxis_lab._ids import uid
from praxis_lab.errors import Stopped
from praxis_lab.trace.passes import Pass, Passes, while_line, within
from praxis_lab.trace.sym import _NEGATE, Interval, Sym, _fmt, concrete, negate

__all__ = ["MAX_OPS", "Judge", "Op", "Path", "TraceIssue", "TraceResult", "Tracer", "shown"]

MAX_OPS = 200_000
# A comparison that forks again and again at one line on one parameter is a loop on it:
# the other side of its first LOOP_FORKS forks is explored, and the loop's end is followed
# until LOOP_CHAIN forks (and one pass past the end on the default path); further values
# repeat the same passes and are summarised.
LOOP_FORKS = 3
LOOP_CHAIN = 16


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
    receiver_type: str = "LiquidHandler"  # the receiver's PLR class: PlateReader, asyncio...
    machine: Any = None  # the real machine a machine op is made on (read, never called)

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
    raised: tuple[str, ...] = ()  # kind "raised": the exception's class names, its MRO


@dataclass(slots=True)
class Path:
    """One explored execution path: its decisions, condition and ops."""

    decisions: tuple[bool, ...]
    conditions: tuple[str, ...]
    ops: list[Op]
    witness: dict[str, Any]
    issue: TraceIssue | None = None
    default: bool = False  # the path the parameters' values take (defaults, --param)
    other_count: bool = False  # a loop count (range(n)) runs with another value than given

    @property
    def condition(self) -> str | None:  # a raise repeated in a loop is said once
        return " and ".join(dict.fromkeys(self.conditions)) if self.conditions else None


@dataclass
class TraceResult:
    """Every explored path plus what stopped exploration."""

    paths: list[Path]
    issues: list[TraceIssue] = field(default_factory=list)
    truncated: bool = False
    output: list[str] = field(default_factory=list)  # the default path's prints, first lines


class Judge(Protocol):
    """Whether an op raises on the path traced so far (:class:`praxis_lab.sim.replay.Replay`)."""

    def raises(self, ops: list[Op], op: Op) -> tuple[str | None, bool]: ...


def shown(value: Any) -> str:
    """A parameter's value as a condition writes it: ``'fast'``, ``Speed.FAST``, ``3``."""
    import enum

    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


class _Bound(Stopped):
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
                 defaults: dict[str, Any] | None = None) -> None:
        self.prefix = prefix
        self.defaults = witness if defaults is None else defaults  # the default path's values
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
        self.fork_lines: list[int] = []  # the user's line of each fork (what a bound names)
        self.unexplored: set[int] = set()  # forks whose other side is summarised, not traced
        self.summarised: dict[tuple[int, str], int] = {}  # (line, parameter) -> forks there
        # (line, count) -> its default and the counts checked: (n, n), a span checked
        # once (lo, hi) or every count from lo up (lo, None)
        self.off_default: str | None = None  # the parameter of a count off its default
        self.counted: dict[tuple[int, str], tuple[int, set[tuple[int, int | None]]]] = {}
        self._forks_at: dict[tuple[int, str], list[bool]] = {}
        self.passes = Passes(LOOP_FORKS, LOOP_CHAIN)  # the counted while loops
        self._at: tuple[int, str] = (0, "")  # the line and parameter of the last pass
        self.early: dict[tuple[int, str], set[int]] = {}  # (line, parameter) -> passes made
        self.printed: Any = None  # where the path's prints go (trace.driver.Printed)

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
               negated: str, *, loops: bool = True) -> bool:
        """Which way a comparison goes on this path (forking when both can); ``loops``:
        a fork repeated at one line is a loop's (False for a raise in a ``try``)."""
        neg = None if constraint is None else (
            constraint[0], _NEGATE[constraint[1]], constraint[2])
        step = self._pass(constraint) if loops and constraint is not None else None
        can_true, can_false = self._feasible(constraint), self._feasible(neg)
        if can_true != can_false:
            result = can_true
        elif step is not None and constraint is not None and (step.kind != "fork" or (
                step.index >= 1 and self.off_default not in (None, step.on))):
            # a pass of a counted while loop the count rule does not fork here
            if step.kind == "span":
                return self._span(step, constraint, witness)
            return self._passed(step, witness, constraint)
        else:
            k = len(self.decisions)
            result = self.prefix[k] if k < len(self.prefix) else witness
            self.decisions.append(result)
            if step is not None and step.top:  # a counted pass: forked, not summarised
                self.fork_lines.append(self._at[0])
            else:
                self._loop(k, result, None if not loops else
                           constraint[0] if constraint is not None else "?")
            self.conditions.append(cond if result else negated)
        if step is not None:
            self._passed(step, result, constraint)  # type: ignore[arg-type]
        chosen = constraint if result else neg
        if chosen is not None:
            self.intervals.setdefault(chosen[0], Interval()).restrict(chosen[1], chosen[2])
        return result

    # -- while loops counted like range(n) (trace.passes) ---------------------------
    def _pass(self, constraint: tuple[str, str, float]) -> Pass | None:
        """The count rule's answer for a question on a parameter asked at the user's line
        (None: the tracer's own loop rule)."""
        p, rel, bound = constraint
        if p not in self.defaults or not isinstance(self.defaults[p], int | float):
            return None
        frame = self._user_frame()
        if frame is None or not while_line(frame.f_code.co_filename, frame.f_lineno):
            return None  # an if on a parameter forks as ever: it is no loop's pass
        self._at = (frame.f_lineno, p)
        step = self.passes.ask(p, self.defaults[p], rel, bound, self._at)
        return None if step.kind == "loop" else step

    def _span(self, step: Pass, constraint: tuple[str, str, float], witness: bool) -> bool:
        """One fork for the passes between LOOP_FORKS and the default's last: on the
        default's side the loop goes on (its question implied), on the other it ends
        where the path's witness says (moved inside the span)."""
        p, rel, _bound = constraint
        cond = f"{p} {rel} {_fmt(step.bound)}"
        k = len(self.decisions)
        result = self.prefix[k] if k < len(self.prefix) else True
        self.decisions.append(result)
        self.fork_lines.append(self._at[0])
        self.conditions.append(cond if result else negate(cond))
        self.intervals.setdefault(p, Interval()).restrict(rel if result else _NEGATE[rel],
                                                          step.bound)
        self.passes.loops[self._at].spanned = result
        return self._passed(step, True if result else witness, constraint)

    def _passed(self, step: Pass, result: bool, constraint: tuple[str, str, float]) -> bool:
        """``result``; a counted loop that ends here: the passes it made noted (as a
        count's); one that ends before it is known to count is noted in ``early``."""
        if result:
            return result
        (line, p), j, d = self._at, step.index, step.default
        if step.top == 0:  # one of the first passes
            self.early.setdefault((line, p), set()).add(j)
            on = Interval()
            on.restrict(constraint[1], constraint[2])
            if on.contains(self.defaults[p]) and self.off_default is None:
                self.off_default = p  # the default makes more passes
            return result
        spanned = self.passes.loops[self._at].spanned
        seen = (LOOP_FORKS, d - 1) if spanned is False else (
            (step.top + 1, None) if j > step.top else (j, j))
        expr = p if self.passes.unit(self._at) else f"the passes on {p}"
        self.counted.setdefault((line, expr), (d, set()))[1].add(seen)
        if j != d and self.off_default is None:
            self.off_default = p
        return result

    def _user_frame(self) -> types.FrameType | None:
        """The innermost user frame above the comparison ``decide`` answers."""
        frame: types.FrameType | None = sys._getframe(3)  # (_pass or _loop, decide, Sym)
        while frame is not None and frame.f_code.co_filename not in self.filenames:
            frame = frame.f_back
        return frame

    def _loop(self, k: int, result: bool, on: str | None) -> None:
        """Record fork ``k``'s line; past the loop bounds the other side of a fork on a
        parameter (``on``) is not traced."""
        frame = self._user_frame()
        line = frame.f_lineno if frame is not None else 0
        self.fork_lines.append(line)
        if on is None:  # a raise in a try
            return
        key = (line, on)
        seen = self._forks_at.setdefault(key, [])
        leaves = bool(seen) and seen[-1] != result  # the loop ends (or starts) here
        follow = leaves and (len(seen) < LOOP_CHAIN or not self.prefix)  # past the default's end
        if len(seen) >= LOOP_FORKS and not follow:
            self.unexplored.add(k)
            self.summarised[key] = len(seen) + 1
        seen.append(result)

    def count(self, sym: Sym) -> int:
        """How many passes ``range(n)`` (``[x] * n``, ``xs[:n]``) makes on this path, ``n``
        a monotone function of one parameter (``n + 1``, ``2 * n``, ``math.ceil(n / 8)``):
        asked ``n > 0``, ``n > 1``, … at the user's line (each said on the parameter), so the
        default path takes the default. Both sides of the first LOOP_FORKS questions and of
        those from the default on are explored, up to LOOP_CHAIN; the counts between
        LOOP_FORKS and the default, and those past the chain, are each checked once, with
        the path's witness (a value inside the range its condition names). Other values
        of one count are explored with the other counts at their values (a sum of paths,
        not a product: past another count's default this one is not forked)."""
        p = sym.of[0] if sym.of is not None else ""
        default = int(sym.at(self.defaults[p]) if p in self.defaults else sym.value)
        if self.off_default not in (None, p):  # another count is off its default here:
            return int(sym.value)                # this one runs with its value, unforked
        top = max(LOOP_CHAIN, default + 1)
        i, line = 0, None
        seen: tuple[int, int | None]
        while i <= top:
            jump = i == LOOP_FORKS and default - 1 > i
            if jump:
                i = default - 1
            witness, cond, constraint = sym.question(i, ">")
            k = len(self.decisions)
            more = self.decide(cond, witness, constraint, negate(cond), loops=False)
            if len(self.decisions) > k:
                line = self.fork_lines[-1]
            if not more:  # between LOOP_FORKS and the default: the witness's count
                n, seen = (within(int(sym.value), LOOP_FORKS, i), (LOOP_FORKS, i)) if jump \
                    else (i, (i, i))
                break
            i += 1
        else:  # past the chain: the witness's count
            n, seen = within(int(sym.value), top + 1, None), (top + 1, None)
        if line is not None:
            self.counted.setdefault((line, sym.expr), (default, set()))[1].add(seen)
        if n != default and self.off_default is None:
            self.off_default = p
        return n

    def choose(self, name: str, values: list[Any], line: int) -> Any:
        """One of ``values`` for the parameter ``name`` (a ``Literal`` or an ``Enum``): the
        first (its default) on the default path, each other on a path of its own."""
        chosen = values[-1]
        for value in values[:-1]:
            k = len(self.decisions)
            take = self.prefix[k] if k < len(self.prefix) else True
            self.decisions.append(take)
            self.fork_lines.append(line)
            if take:
                chosen = value
                break
        if len(values) > 1:
            self.conditions.append(f"{name} == {shown(chosen)}")
        return chosen

    # -- recording -----------------------------------------------------------------
    def where(self) -> tuple[int, int]:
        """Line and column of the innermost user frame making the current call."""
        frame = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename not in self.filenames:
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return 0, 0
        code = frame.f_code
        entry = _POSITIONS.get(uid(code))
        if entry is None or entry[0] is not code:  # keyed by id: hashing a code object
            if len(_POSITIONS) > 512:               # hashes all of its bytecode
                _POSITIONS.clear()
            entry = _POSITIONS[uid(code)] = (code, list(code.co_positions()))
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
        return error if self.decide(cond, False, None, f"line {op.line} completes",
                                    loops=False) else None

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


