"""IPython magics: ``%%praxis simulate | run``, ``%praxis history | requests | note | db``.

Thin by design (jupysql, anywidget): parse the arguments, call the library,
display. Commands are a table keyed by name; every error the user caused
(:class:`~praxis_lab.errors.UserError`) becomes one ``UsageError`` line, in one place.

    %load_ext praxis_lab
    %%praxis simulate --param volume=150
    async def copy(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, volume: float = 50):
        ...
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import linecache
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import Unicode

from praxis_lab.errors import UserError

__all__ = ["Praxis", "load_ipython_extension"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UserError(f"{message} (see %%praxis --help)")

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        raise UsageError(message or self.format_usage())  # --help: the usage is the answer


def _parser() -> _Parser:
    p = _Parser(prog="%%praxis", add_help=True, description=" | ".join(COMMANDS))
    sub = p.add_subparsers(dest="command")
    for name in ("simulate", "run"):
        s = sub.add_parser(name, add_help=False)
        s.add_argument("--setup", metavar="NAME")
        s.add_argument("--protocol", metavar="NAME")
        s.add_argument("--param", action="append", metavar="K=V")
        if name == "simulate":
            s.add_argument("--json", action="store_true")
            s.add_argument("--fix", action="store_true")
        else:
            s.add_argument("--override", metavar="REASON")
            s.add_argument("--time-limit", type=float, metavar="SECONDS")
            s.add_argument("--start", action="store_true")
    h = sub.add_parser("history", add_help=False)
    h.add_argument("--limit", type=int, default=20)
    r = sub.add_parser("requests", add_help=False)
    r.add_argument("--status", metavar="S")
    r.add_argument("--limit", type=int, default=20)
    n = sub.add_parser("note", add_help=False)
    n.add_argument("id", type=int, metavar="RUN_ID")
    n.add_argument("text", nargs="+", metavar="TEXT")
    n.add_argument("--request", action="store_true")
    d = sub.add_parser("db", add_help=False)
    d.add_argument("url", nargs="?")
    return p


@dataclass(frozen=True)
class _Cell:
    """The ``%%praxis`` line and the cell under it, with the stable name it runs under.

    ``body`` starts with a newline: line 1 is the ``%%praxis`` line, so the lines the
    report names are the ones the notebook editor shows.
    """

    line: str
    body: str
    filename: str

    @classmethod
    def of(cls, line: str, cell: str | None) -> _Cell:
        body = "\n" + (cell or "")
        return cls(line, body, f"<praxis-cell-{hashlib.sha1(body.encode()).hexdigest()[:10]}>")


def _one_line(exc: UserError, cell: _Cell) -> str:
    """A user error as one line: its first line (a protocol error's source line and caret
    stay out), the cell's made-up file name said as "the cell"."""
    said = str(exc).strip().splitlines()
    return (said[0] if said else type(exc).__name__).replace(cell.filename, "the cell")


@magics_class
class Praxis(Magics):
    """The ``%praxis`` / ``%%praxis`` magic. Configure with ``%config Praxis.db_url = URL``."""

    db_url = Unicode(None, allow_none=True, config=True,
                     help="Store URL (default: PRAXIS_LAB_DB_URL or the user data directory).")
    user = Unicode(None, allow_none=True, config=True,
                   help="Who runs protocols from this notebook (default: the OS user).")

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._store_engine: tuple[str, Any] | None = None  # (URL, its engine)

    @property
    def _shell(self) -> Any:
        assert self.shell is not None, "the praxis magic needs an IPython shell"
        return self.shell

    @line_cell_magic
    def praxis(self, line: str, cell: str | None = None) -> Any:
        """Simulate, run and look back at PyLabRobot protocols. ``%%praxis --help`` for usage."""
        try:
            from praxis_lab.protocol.loading import readable

            readable(cell or "", "the cell")
        except UserError as exc:
            raise UsageError(f"%%praxis: {str(exc).splitlines()[0]}") from None
        here = _Cell.of(line, cell)
        prefix = "%%praxis" if cell is not None else "%praxis"
        try:
            args = _args(line)
            prefix += f" {args.command}"
            command = COMMANDS[args.command]
            if command.needs_cell and not (cell or "").strip():
                raise UserError(f"put the protocol in the cell body (use %%praxis "
                                f"{args.command}, with two %)")
            return command.run(self, args, here)
        except UserError as exc:
            raise UsageError(f"{prefix}: {_one_line(exc, here)}") from None

    # --- the commands: (self, args, cell) -> what the magic returns -------------------

    def _simulate(self, args: argparse.Namespace, cell: _Cell) -> None:
        """Simulate the cell's protocol, show the report and leave it in ``_praxis``;
        ``--fix`` applies proven fixes until the protocol is clean or nothing more can be
        fixed, puts the fixed source in the cell, says what was applied and what is left
        and shows the fixed protocol's report."""
        from IPython.display import JSON, display

        from praxis_lab.pipeline import simulate
        from praxis_lab.protocol.analyse import parse_params

        protocol = self._define(cell, args.protocol, simulating_it=True)
        report = simulate(protocol, setup=args.setup, params=parse_params(args.param))
        self._shell.user_ns["_praxis"] = report
        if args.fix:
            from praxis_lab.fixes.repair import repair

            fixed = repair(report)
            self._shell.set_next_input(f"%%praxis {cell.line}\n{fixed.source[1:]}",
                                       replace=True)
            print(fixed.summary())
            report = self._shell.user_ns["_praxis"] = fixed.report
        display(JSON(report.to_dict()) if args.json else report)

    def _run(self, args: argparse.Namespace, cell: _Cell) -> None:
        """File a request for the cell's protocol (simulated once, on the setup's objects),
        gate and approve it, then show the run monitor with the request (the run starts on
        Run, or at once with ``--start``). The runner is left in ``_praxis_run``."""
        from IPython.display import display

        from praxis_lab.execution.policy import Policy
        from praxis_lab.execution.runner import Runner
        from praxis_lab.protocol.analyse import parse_param_values

        if not args.setup:
            raise UserError("--setup NAME is required (a function returning "
                            "{parameter: PLR object}, with the LiquidHandler to run on)")
        limit = args.time_limit
        if limit is not None and not 0 < limit < float("inf"):
            raise UserError(f"--time-limit {limit:g}: give a number of seconds > 0")
        params = parse_param_values(args.param)
        protocol = self._define(cell, args.protocol)
        run = Runner(protocol, setup=args.setup, params=params, db=self._engine(),
                     override=args.override, user=self.user,
                     policy=Policy(time_limit_s=limit) if limit is not None else None)
        run.prepare()
        self._shell.user_ns["_praxis"] = run.report
        self._shell.user_ns["_praxis_run"] = run
        if run.record is not None and run.record.status == "refused":
            raise UserError(f"the policy refused run {run.run_id}: "
                            f"{run.record.error_message} (request {run.request_id} is "
                            "blocked: fix the failures, pass --override REASON, or "
                            f"`praxis-lab approve {run.request_id} --reason TEXT`)")
        try:
            from praxis_lab.widgets import RunMonitor

            display(RunMonitor(run))  # the runner sends it the request as it subscribes
        except ImportError:
            display(run)
        if args.start:
            run.start()

    def _history(self, args: argparse.Namespace, cell: _Cell) -> Any:
        from praxis_lab.store import frames

        return frames.history(self._engine(), limit=args.limit)

    def _requests(self, args: argparse.Namespace, cell: _Cell) -> Any:
        from praxis_lab.store import frames

        return frames.requests(self._engine(), status=args.status, limit=args.limit)

    def _note(self, args: argparse.Namespace, cell: _Cell) -> str:
        from praxis_lab.store.notes import note

        on: Literal["run", "request"] = "request" if args.request else "run"
        note_id = note(args.id, " ".join(args.text), self._engine(), on=on, author=self.user)
        return f"note {note_id} on {on} {args.id}"

    def _db(self, args: argparse.Namespace, cell: _Cell) -> str:
        """Show the store; with a URL, open that store first: one that does not open is a
        UserError and the previous store stays configured."""
        from praxis_lab.store import db

        if args.url:
            try:
                engine = db.connect(args.url)
            except db.StoreError as exc:
                raise UserError(f"{exc} (the store stays {self._shown_url()})") from None
            self.db_url = args.url
            self._keep_store(args.url, engine)
        return self._shown_url()

    def _shown_url(self) -> str:
        import os

        from praxis_lab.store.db import display_url

        url = self.db_url or os.environ.get("PRAXIS_LAB_DB_URL")
        return display_url(url) if url else "(default SQLite file)"

    def _engine(self) -> Any:
        """The configured store's engine, connected once and kept until the URL changes
        (``%praxis db URL`` or ``%config Praxis.db_url``); StoreError when it cannot open."""
        from praxis_lab.store import db

        url = self.db_url or db.default_url()
        if self._store_engine is None or self._store_engine[0] != url:
            self._keep_store(url, db.connect(url))
        assert self._store_engine is not None
        return self._store_engine[1]

    def _keep_store(self, url: str, engine: Any) -> None:
        previous, self._store_engine = self._store_engine, (url, engine)
        if previous is not None and previous[1] is not engine:
            previous[1].dispose()

    # --- helpers ------------------------------------------------------------------------

    def _define(self, cell: _Cell, name: str | None, *, simulating_it: bool = False) -> Any:
        """Run the cell in the user namespace (so its functions exist) under its stable
        name; the protocol function. The cell is compiled once: ``analyse`` checks the
        code ``load`` and this run share (``analyse.compiled`` is cached)."""
        from praxis_lab.protocol.analyse import analyse, compiled
        from praxis_lab.trace.limit import limited, unfinished
        from praxis_lab.trace.sandbox import refuse, simulating
        from praxis_lab.trace.tracer import _Bound

        info = analyse(cell.body, name, cell.filename)
        linecache.cache[cell.filename] = (len(cell.body), None, cell.body.splitlines(True),
                                          cell.filename)
        with contextlib.ExitStack() as simulated:
            box = None
            if simulating_it:  # as simulate runs it: no side effects
                box = simulated.enter_context(simulating())
            simulated.enter_context(limited())  # an endless loop in the cell is stopped
            try:
                exec(compiled(cell.body, cell.filename), self._shell.user_ns)
            except _Bound as stop:
                raise unfinished(stop) from None
            except BaseException as exc:  # SystemExit and KeyboardInterrupt of its own too
                if box is not None:
                    refuse(box, "the cell's top level")
                raise UserError(f"the cell raised {type(exc).__name__}: {exc}") from None
            if box is not None:
                refuse(box, "the cell's top level")
        return self._shell.user_ns[info.name]


@dataclass(frozen=True)
class _Command:
    run: Callable[[Praxis, argparse.Namespace, _Cell], Any]
    needs_cell: bool = False  # the protocol is in the cell body


COMMANDS: dict[str, _Command] = {
    "simulate": _Command(Praxis._simulate, needs_cell=True),
    "run": _Command(Praxis._run, needs_cell=True),
    "history": _Command(Praxis._history),
    "requests": _Command(Praxis._requests),
    "note": _Command(Praxis._note),
    "db": _Command(Praxis._db),
}


def _args(line: str) -> argparse.Namespace:
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    args = _parser().parse_args(words)
    if args.command is None:
        raise UserError(f"say what to do: {', '.join(COMMANDS)}")
    return args


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext praxis_lab``: register the magic and quiet PLR's unconfigured logging."""
    import logging

    plr_log = logging.getLogger("pylabrobot")  # as _plr.quiet_logging, without importing PLR
    if not plr_log.handlers:
        plr_log.setLevel(logging.WARNING)
    ipython.register_magics(Praxis)
