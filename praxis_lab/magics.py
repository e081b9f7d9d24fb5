"""IPython magics: ``%%praxis simulate | run``, ``%praxis history | requests | note | db``.

Thin by design (jupysql, anywidget): parse the arguments, call the library,
display. Every user mistake raises ``UsageError`` with one clear line.

    %load_ext praxis_lab
    %%praxis simulate --param volume=150
    async def copy(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, volume: float = 100):
        ...
"""

from __future__ import annotations

import argparse
import hashlib
import linecache
import shlex
from typing import Any, Literal

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from traitlets import Unicode

__all__ = ["Praxis", "load_ipython_extension"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"%%praxis: {message} (see %%praxis --help)")

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        raise UsageError(message or self.format_usage())


def _parser() -> _Parser:
    p = _Parser(prog="%%praxis", add_help=True,
                description="simulate | run | history | db | requests | note")
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


def _params(pairs: list[str] | None) -> dict[str, str]:
    from praxis_lab.protocol.analyse import ProtocolError, parse_params

    try:
        return parse_params(pairs)
    except ProtocolError as exc:
        raise UsageError(f"%%praxis: {exc.short}") from None


@magics_class
class Praxis(Magics):
    """The ``%praxis`` / ``%%praxis`` magic. Configure with ``%config Praxis.db_url = URL``."""

    db_url = Unicode(None, allow_none=True, config=True,
                     help="Store URL (default: PRAXIS_LAB_DB_URL or the user data directory).")
    user = Unicode(None, allow_none=True, config=True,
                   help="Who runs protocols from this notebook (default: the OS user).")

    @property
    def _shell(self) -> Any:
        assert self.shell is not None, "the praxis magic needs an IPython shell"
        return self.shell

    def _args(self, line: str) -> argparse.Namespace:
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise UsageError(f"%%praxis: {exc}") from None
        args = _parser().parse_args(words)
        if args.command is None:
            raise UsageError("%%praxis: say what to do: simulate, run, history, requests, "
                             "note or db")
        return args

    def _define(self, cell: str) -> tuple[Any, str]:
        """Run the cell in the user namespace (so its functions exist) under a stable name."""
        filename = f"<praxis-cell-{hashlib.sha1(cell.encode()).hexdigest()[:10]}>"
        linecache.cache[filename] = (len(cell), None, cell.splitlines(True), filename)
        from praxis_lab.protocol.analyse import ProtocolError

        try:
            code = compile(cell, filename, "exec")
        except SyntaxError as exc:
            raise UsageError(ProtocolError(
                f"syntax error in the cell: {exc.msg}", line=exc.lineno,
                column=max((exc.offset or 1) - 1, 0), source_line=exc.text).short) from None
        try:
            exec(code, self._shell.user_ns)
        except Exception as exc:
            raise UsageError(f"%%praxis: the cell raised {type(exc).__name__}: {exc}") from None
        return self._shell.user_ns, filename

    def _simulate(self, args: argparse.Namespace, cell: str) -> Any:
        from praxis_lab.pipeline import simulate
        from praxis_lab.protocol.analyse import ProtocolError, analyse

        try:
            info = analyse(cell, args.protocol, "the cell")
        except ProtocolError as exc:
            raise UsageError(f"%%praxis: {exc.short}") from None
        ns, _ = self._define(cell)
        try:
            return simulate(ns[info.name], setup=args.setup, params=_params(args.param))
        except ProtocolError as exc:
            raise UsageError(f"%%praxis: {exc.short}") from None

    @line_cell_magic
    def praxis(self, line: str, cell: str | None = None) -> Any:
        """Simulate, run and look back at PyLabRobot protocols. ``%%praxis --help`` for usage."""
        from IPython.display import JSON, display

        args = self._args(line)
        if args.command in ("simulate", "run") and not (cell or "").strip():
            raise UsageError(f"%%praxis {args.command}: put the protocol in the cell body "
                             f"(use %%praxis {args.command}, with two %)")
        # Line 1 of the cell is the %%praxis line: pad the body so reported lines match
        # the line numbers the notebook editor shows.
        body = "\n" + (cell or "")
        if args.command == "simulate":
            report = self._simulate(args, body)
            self._shell.user_ns["_praxis"] = report
            if args.fix:
                from praxis_lab.fixes.suggest import apply_all

                fixed = apply_all(body, report.failure_modes)[1:]
                self._shell.set_next_input(f"%%praxis {line}\n{fixed}", replace=True)
            if args.json:
                display(JSON(report.to_dict()))
            else:
                display(report)
            return None
        if args.command == "run":
            return self._run(args, body)
        if args.command == "history":
            return self._store("history", lambda f: f.history(self.db_url, limit=args.limit))
        if args.command == "requests":
            return self._store("requests", lambda f: f.requests(
                self.db_url, status=args.status, limit=args.limit))
        if args.command == "note":
            from praxis_lab.store.notes import note

            on: Literal["run", "request"] = "request" if args.request else "run"
            note_id = self._store("note", lambda _: note(
                args.id, " ".join(args.text), self.db_url, on=on, author=self.user))
            return f"note {note_id} on {on} {args.id}"
        if args.command == "db":
            if args.url:
                self.db_url = args.url
            return self._engine_url()
        raise UsageError(f"%%praxis: unknown command {args.command!r}")

    def _engine_url(self) -> str:
        import os

        from praxis_lab.store.db import display_url

        url = self.db_url or os.environ.get("PRAXIS_LAB_DB_URL")
        return display_url(url) if url else "(default SQLite file)"

    def _store(self, command: str, fn: Any) -> Any:
        """``fn(frames)``; store errors and refused requests become one UsageError line."""
        from praxis_lab.store import frames

        try:
            return fn(frames)
        except Exception as exc:
            if type(exc).__name__ in ("StoreError", "RequestError") or isinstance(
                    exc, ValueError):
                raise UsageError(f"%praxis {command}: {exc}") from None
            raise

    def _run(self, args: argparse.Namespace, cell: str) -> Any:
        """File a request for the cell's protocol (simulated once, on the setup's objects),
        gate and approve it, then show the run monitor with the request (the run starts on
        Run, or at once with ``--start``). The runner is left in ``_praxis_run``."""
        from IPython.display import display

        from praxis_lab.execution import runner as runner_mod
        from praxis_lab.protocol.analyse import ProtocolError, analyse, parse_param_values

        if not args.setup:
            raise UsageError("%%praxis run: --setup NAME is required (a function returning "
                             "{parameter: PLR object}, with the LiquidHandler to run on)")
        try:
            name = analyse(cell, args.protocol, "the cell").name
            params = parse_param_values(args.param)
        except ProtocolError as exc:
            raise UsageError(f"%%praxis: {exc.short}") from None
        except ValueError as exc:
            raise UsageError(f"%%praxis run: {exc}") from None
        ns, _ = self._define(cell)
        run = runner_mod.Runner(ns[name], setup=args.setup, params=params, db=self.db_url,
                                override=args.override, user=self.user)
        try:
            run.prepare()
        except ProtocolError as exc:
            raise UsageError(f"%%praxis run: {exc.short}") from None
        except Exception as exc:
            if type(exc).__name__ in ("StoreError", "RequestError"):
                raise UsageError(f"%%praxis run: {exc}") from None
            raise
        self._shell.user_ns["_praxis"] = run.report
        self._shell.user_ns["_praxis_run"] = run
        if run.record is not None and run.record.status == "refused":
            raise UsageError(f"%%praxis run: the policy refused run {run.run_id}: "
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
        return None


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext praxis_lab``: register the magic and quiet PLR's unconfigured logging."""
    import logging

    plr_log = logging.getLogger("pylabrobot")  # as _plr.quiet_logging, without importing PLR
    if not plr_log.handlers:
        plr_log.setLevel(logging.WARNING)
    ipython.register_magics(Praxis)
