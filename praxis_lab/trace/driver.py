"""Drive a protocol through every path: the ``trace()`` loop and its bounds.

Each path re-executes the protocol with a fresh :class:`~praxis_lab.trace.tracer.Tracer`
and a decision vector; a comparison on a symbolic parameter forks, and the other side
is queued until every path is explored (bounded by ``MAX_PATHS``, ``MAX_OPS`` and the
simulation's time limit, :mod:`praxis_lab.trace.limit`).

>>> from praxis_lab.protocol.loading import load
>>> from praxis_lab.deck.binding import bind
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

import contextlib
import io
import re
import types
from collections.abc import Callable, Coroutine
from typing import Any

from praxis_lab.protocol.blocks import guarded_lines
from praxis_lab.protocol.loading import call, raised_by
from praxis_lab.trace.choices import choices, pinned_choices
from praxis_lab.trace.limit import limited
from praxis_lab.trace.sandbox import Sandbox, raised_issue
from praxis_lab.trace.scope import sandbox
from praxis_lab.trace.tracer import (
    LOOP_FORKS,
    MAX_OPS,
    Judge,
    Op,
    Path,
    TraceIssue,
    Tracer,
    TraceResult,
    _Bound,
)
from praxis_lab.trace.trackers import recording_state

__all__ = ["MAX_PATHS", "trace", "user_line"]

MAX_PATHS = 256


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


def user_line(frame: types.FrameType | None, filenames: set[str] | frozenset[str],
              ) -> int | None:
    """The line of the innermost frame of the user's file at or above ``frame`` (None when
    no frame of it is running: a bound never names a line of praxis_lab or PLR)."""
    while frame is not None and frame.f_code.co_filename not in filenames:
        frame = frame.f_back
    return frame.f_lineno if frame is not None else None


def _path_bound(max_paths: int, lines: list[int]) -> TraceIssue:
    """The issue of a path bound: where the protocol forks most (its ``if``s on
    parameters), those lines named."""
    counts: dict[int, int] = {}
    for line in lines:
        if line > 0:
            counts[line] = counts.get(line, 0) + 1
    top = sorted(counts, key=lambda n: (-counts[n], n))[:3]
    where = (f" (the branches at line{'s' if len(top) > 1 else ''} "
             f"{', '.join(map(str, sorted(top)))} fork on parameters)") if top else ""
    return TraceIssue(
        "path_bound", f"more than {max_paths} paths: explored the first {max_paths}{where}; "
        "the rest were not checked (fewer `if`s on parameters, or pass --param to fix "
        "values)", top[0] if top else None)


def _summaries(summarised: dict[tuple[int, str], int], witness: dict[str, Any],
               ) -> list[TraceIssue]:
    """One note per loop on a parameter whose other values were summarised."""
    out = []
    for (line, name), _forks in sorted(summarised.items()):
        if name == "?":  # a comparison between parameters: its line's expression
            name = "the parameters it compares"
        value = f" (= {witness[name]!r})" if name in witness else ""
        out.append(TraceIssue(
            "loop_summary", f"the loop at line {line} compares with {name} on every pass: "
            f"checked with the value given{value} and, for other values, the first "
            f"{LOOP_FORKS} passes and the loop's end; more passes repeat these and were not "
            "enumerated", line))
    return out


def _checked(default: int, spans: set[tuple[int, int | None]], given: str = "") -> str:
    """The counts a loop was checked with, in words: ``0, 1, 2, one from 3 to 7, 8 (the
    value given), each from 9 to 16 and one above 16``."""
    words: list[str] = []
    exact = sorted(lo for lo, hi in spans if lo == hi)
    runs: list[list[int]] = []
    for n in exact:
        if runs and n == runs[-1][-1] + 1 and n != default and runs[-1][-1] != default:
            runs[-1].append(n)
        else:
            runs.append([n])
    items: list[tuple[int, str]] = []
    for run in runs:
        if len(run) >= 4:
            items.append((run[0], f"each from {run[0]} to {run[-1]}"))
        else:
            items += [(n, f"{n} (the value given{given})" if n == default else str(n))
                      for n in run]
    for lo, hi in spans:
        if hi is None:
            items.append((lo, f"one above {lo - 1}"))
        elif lo != hi:
            items.append((lo, f"one from {lo} to {hi}"))
    words = [w for _n, w in sorted(items)]
    return ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]


def _counted(counted: dict[tuple[int, str], tuple[int, set[tuple[int, int | None]]]],
             witness: dict[str, Any], early: dict[tuple[int, str], set[int]] | None = None,
             ) -> list[TraceIssue]:
    """One note per count on a parameter (``range(n)``, a counted ``while`` loop, whose
    first passes are in ``early``): which counts were checked."""
    def parameter(expr: str) -> str:  # the parameter a count is computed from
        return next((w for w in re.findall(r"[A-Za-z_]\w*", expr) if w in witness),
                    expr.split()[0])

    others = (" (the other counts at their values given)"
              if len({parameter(expr) for _line, expr in counted}) > 1 else "")
    out = []
    for (line, expr), (default, spans) in sorted(counted.items()):
        name = parameter(expr)
        spans = spans | {(j, j) for j in (early or {}).get((line, name), ())}
        given = f", {name} = {witness[name]!r}" if expr != name and name in witness else ""
        out.append(TraceIssue(
            "loop_summary", f"{expr} at line {line} is a count (range(), [x] * n or a slice): "
            f"checked with {expr} = {_checked(default, spans, given)}{others}; other values "
            "repeat these passes and were not enumerated", line))
    return out


def _raise_position(exc: BaseException, filenames: set[str]) -> tuple[int | None, int | None]:
    """Line and column of the innermost user-source frame of ``exc``'s traceback (or of
    its cause's, when Python raised it outside the user's frames).

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
    cause = exc.__cause__ or exc.__context__  # "coroutine raised StopIteration": next()'s
    if line is None and cause is not None and cause is not exc:
        return _raise_position(cause, filenames)
    return line, column


class Printed(io.TextIOBase):
    """What a path prints (its ``print`` calls go here, never to stdout): the first
    ``limit`` characters kept, the rest counted."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped_lines = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.size < self.limit:
            self.parts.append(text)
            self.size += len(text)
        else:
            self.dropped_lines += text.count("\n")
        return len(text)

    def lines(self, most: int = 50) -> list[str]:
        """The first ``most`` lines printed, then how many more there were."""
        lines = "".join(self.parts).splitlines()
        more = max(len(lines) - most, 0) + self.dropped_lines
        return lines[:most] + ([f"… ({more} more line{'s' if more != 1 else ''})"]
                               if more else [])


def _run_path(func: Callable[..., Any], make_args: Callable[[], dict[str, Any]],
              tracer: Tracer, filenames: set[str], binding: Any) -> TraceIssue | None:
    tracer.printed = Printed()
    try:
        with recording_state(lambda: tracer, binding), \
                contextlib.redirect_stdout(tracer.printed):
            _drive(call(func, make_args()))
    except _Bound as stop:
        return stop.issue
    except KeyboardInterrupt as exc:
        if not raised_by(exc, filenames):
            raise  # the user stops the simulation (Ctrl-C, the kernel's interrupt)
        line, column = _raise_position(exc, filenames)
        return TraceIssue("raised", "KeyboardInterrupt", line, column,
                          ("KeyboardInterrupt", "BaseException"))
    except BaseException as exc:  # the protocol itself raised (or exited): report where
        op = getattr(exc, "praxis_op", None)
        if isinstance(op, Op):  # an except re-raised it: PLR stops at the op, which fails
            op.raised = None
            return None
        line, column = _raise_position(exc, filenames)
        return TraceIssue("raised", f"{type(exc).__name__}: {exc}", line, column,
                          tuple(c.__name__ for c in type(exc).__mro__[:-1]))
    return None


def _blocked(issue: TraceIssue | None) -> TraceIssue | None:
    """The path's issue, or the first side effect it attempted while being simulated (the
    protocol may have caught the refusal: it is reported all the same)."""
    box = sandbox()
    taken = box.take() if isinstance(box, Sandbox) else []
    if not taken or (issue is not None and issue.kind != "raised"):
        return issue
    message, line, names = raised_issue(taken[0])
    return TraceIssue("raised", message, line, None, names)


def _consistent_witness(tracer: Tracer, witness: dict[str, Any]) -> dict[str, Any] | None:
    """A witness inside every interval of the path, or None when it already is."""
    changed = dict(witness)
    moved = False
    for name, iv in tracer.intervals.items():
        value = witness.get(name)
        if isinstance(value, int | float) and not iv.contains(value):
            picked = iv.pick(isinstance(value, int) and not isinstance(value, bool))
            changed[name] = (bool(picked) if isinstance(value, bool) else
                             int(picked) if isinstance(value, int) else float(picked))
            moved = True
    return changed if moved else None


def trace(loaded: Any, binding: Any, *, max_paths: int = MAX_PATHS, max_ops: int = MAX_OPS,
          timeout_s: float | None = None, judge: Callable[[], Judge] | None = None) -> TraceResult:
    """Explore every path of ``loaded.func`` with the stand-ins of ``binding``.

    ``binding`` comes from :func:`praxis_lab.deck.binding.bind`: ``binding.args(tracer_ref)``
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
                      judge() if guards is not None and judge is not None else None, guards,
                      binding.witness)

    pinned = getattr(binding, "pinned", {}) or {}
    chosen = choices(loaded, pinned)
    fixed = pinned_choices(loaded, pinned) if pinned else {}

    def make_args() -> dict[str, Any]:
        args: dict[str, Any] = binding.args(lambda: current[-1])
        args.update(fixed)
        for name, (values, line) in chosen.items():
            args[name] = current[-1].choose(name, values, line)
        return args

    result = TraceResult([])
    fork_lines: list[int] = []
    summarised: dict[tuple[int, str], int] = {}
    counted: dict[tuple[int, str], tuple[int, set[tuple[int, int | None]]]] = {}
    early: dict[tuple[int, str], set[int]] = {}
    pending: list[tuple[bool, ...]] = [()]
    seen: set[tuple[bool, ...]] = set()
    with limited(timeout_s, filenames):
        while pending:
            if len(result.paths) >= max_paths:
                result.truncated = True
                result.issues.append(_path_bound(max_paths, fork_lines))
                break
            prefix = pending.pop()
            if prefix in seen:
                continue
            witness = dict(binding.witness)
            tracer = tracer_for(prefix, witness)
            current.append(tracer)
            issue = _blocked(_run_path(loaded.func, make_args, tracer, filenames, binding))
            moved = _consistent_witness(tracer, witness)
            if moved is not None and (issue is None or issue.kind == "raised"):
                retry = tracer_for(tuple(tracer.decisions), moved)
                current.append(retry)
                issue2 = _blocked(_run_path(loaded.func, make_args, retry, filenames, binding))
                if tuple(retry.decisions) == tuple(tracer.decisions):
                    tracer, issue, witness = retry, issue2, moved
            decisions = tuple(tracer.decisions)
            fork_lines.extend(tracer.fork_lines[len(prefix):])
            seen.add(decisions)
            if not result.paths:  # the default path: what the protocol prints as it runs
                result.output = tracer.printed.lines()
            result.paths.append(Path(decisions, tuple(tracer.conditions), tracer.ops,
                                     witness, issue, default=not result.paths,
                                     other_count=tracer.off_default is not None))
            if issue is not None and issue.kind == "timeout":
                result.issues.append(issue)
                break
            summarised.update(tracer.summarised)
            for key, (default, spans) in tracer.counted.items():
                counted.setdefault(key, (default, set()))[1].update(spans)
            for key, passes in tracer.early.items():
                early.setdefault(key, set()).update(passes)
            for k in range(len(prefix), len(decisions)):
                if k not in tracer.unexplored:
                    pending.append((*decisions[:k], not decisions[k]))
    result.issues.extend(_summaries(summarised, binding.witness))
    result.issues.extend(_counted(counted, binding.witness, early))
    result.paths.sort(key=lambda p: p.conditions)
    return result
