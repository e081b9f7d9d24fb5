"""``praxis-lab``: simulate, run and look back at PyLabRobot protocols from a shell.

Exit codes: 0 ok, 1 the protocol has a failure mode (or the run failed),
3 not fully checked (no failure found, but a bound or the time limit stopped the check),
2 a usage error (bad file, no protocol, a setup that raised: any
:class:`~praxis_lab.errors.UserError`) or an internal error, with one line on stderr
and no traceback (``--debug`` prints it).

The ``simulate`` path imports no pandas, SQLModel, plotly or widgets.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence

from praxis_lab.cli.parser import parser
from praxis_lab.errors import Unfinished, UserError

__all__ = ["console", "main", "quiet"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``praxis-lab`` console script.

    Every error ends in one line on stderr and exit code 2: the user's own
    (:class:`~praxis_lab.errors.UserError`: the message says what to fix) and any other
    (named as internal). ``--debug`` prints the traceback too.
    """
    started = time.monotonic()  # (a command line's own process: from its start, below)
    line = parser(argv)
    args = line.parse_args(argv)
    if args.command is None:
        line.print_help()
        return 2
    limit = getattr(args, "check_limit", None)
    if args.command in _ANSWERED and limit is not None:
        from praxis_lab.cli import watchdog

        if argv is None:
            started = watchdog.process_started()
        files = len(args.files) if args.command == "check" else 1
        return watchdog.answered(limit * max(files, 1), f"praxis-lab {args.command}",
                                 lambda soft: _answer(args, soft / max(files, 1)), started)
    if args.command == "run":
        from praxis_lab.cli import run_limit

        def announced(announce: run_limit.Announce | None) -> int:
            args.announce = announce
            return _answer(args, None)

        return run_limit.supervised(announced)
    return _answer(args, None)


# Commands that simulate: they answer within --time-limit (cli/watchdog.py)
_ANSWERED = ("simulate", "check", "deck")


def _answer(args: argparse.Namespace, limit: float | None) -> int:
    """Run the command (each simulation given ``limit`` seconds); its exit code, every
    error one line on stderr."""
    try:
        if limit is not None:
            from praxis_lab.trace.limit import set_budget

            set_budget(limit)
        return _dispatch(args)
    except KeyboardInterrupt:
        print(f"praxis-lab {args.command}: interrupted", file=sys.stderr)
        return 130
    except BaseException as exc:  # SystemExit too: a protocol's exit is never a silent 0
        if args.debug:
            traceback.print_exc()
        print(f"praxis-lab {args.command}: {_one_line(exc)}", file=sys.stderr)
        return 3 if isinstance(exc, Unfinished) else 2


def _dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command; its exit code."""
    if args.command in ("simulate", "run", "watch", "deck"):
        problem = _file_problem(args.file)
        if problem:
            raise UserError(problem)
    if args.command == "simulate":
        return _simulate(args)
    if args.command in ("check", "watch", "deck"):
        import importlib

        module = importlib.import_module(f"praxis_lab.cli.{args.command}")
        return int(getattr(module, f"{args.command}_command")(args))
    if args.command == "history":
        from praxis_lab.store import frames

        return int(frames.history_command(args))
    from praxis_lab.cli import commands

    return int(getattr(commands, f"{args.command}_command")(args))


def _one_line(exc: BaseException) -> str:
    """What an error says on stderr: a user error's message (its first line: a protocol
    error's source line and caret stay out), any other named as an internal error."""
    said = str(exc).strip()
    if isinstance(exc, UserError):
        return said.splitlines()[0] if said else type(exc).__name__
    said = said.splitlines()[0] if said else "(no message)"
    return (f"internal error {type(exc).__name__}: {said} (rerun with --debug for the "
            "traceback, and report it)")


def _file_problem(file: str) -> str | None:
    """Why FILE cannot be a protocol file (``None`` when it can).

    The library also accepts source text, so without this check a mistyped path
    without ``.py`` would be read as a one-line protocol and reported as such.

    >>> _file_problem("no/such/protocol")
    'protocol file not found: no/such/protocol (check the path)'
    """
    from pathlib import Path

    path = Path(file)
    if path.is_dir():
        return f"{file} is a directory: give the protocol's .py file"
    if not path.is_file():
        return f"protocol file not found: {file} (check the path)"
    return None


def _simulate(args: argparse.Namespace) -> int:
    """Simulate FILE and print the report in the chosen format; the exit code."""
    from praxis_lab.cli import formats
    from praxis_lab.pipeline import simulate
    from praxis_lab.protocol.analyse import parse_params

    fmt = _format(args)
    with quiet():  # the protocol's own prints (its module, its setup) stay off stdout
        report = simulate(args.file, setup=args.setup, params=parse_params(args.param),
                          name=args.protocol)
    if args.fix:
        from praxis_lab.fixes.repair import repair

        with quiet():
            fixed = repair(report)
        sys.stdout.write(fixed.source)
        print(fixed.summary(), file=sys.stderr)
        return formats.exit_code(fixed.report)
    print(formats.render([formats.Checked(args.file, report)], fmt))
    return formats.exit_code(report)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Whatever is printed inside goes nowhere: stdout carries only praxis-lab's output
    (pure JSON with ``--json``, the fixed source with ``--fix``)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _format(args: argparse.Namespace) -> str:
    """The format asked for: ``--format``, ``--json`` (= ``--format json``), else text."""
    if args.json and args.format not in (None, "json"):
        raise UserError(f"--json is --format json: give one of --json and --format "
                        f"{args.format}")
    return "json" if args.json else (args.format or "text")


def console() -> None:
    """The ``praxis-lab`` console script (and ``python -m praxis_lab.cli``): :func:`main`,
    then the process's exit.

    A command that only checks (``simulate``, ``check``, ``deck``: a child process of
    its own did the work, and this one has nothing left to close) exits without the
    interpreter's teardown once its output is flushed: freeing every module and object
    one by one would be a sixth of such a process. Any other command exits as usual.
    """
    code = main()
    words = [w for w in sys.argv[1:] if w != "--debug"]
    if words and words[0] in _ANSWERED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # (a closed pipe: nothing more to say)
                stream.flush()
        os._exit(code)
    sys.exit(code)

