"""``praxis-lab``: simulate, run and look back at PyLabRobot protocols from a shell.

Exit codes: 0 ok, 1 the protocol has a failure mode (or the run failed),
2 a usage error (bad file, no protocol, a setup that raised) with one line on
stderr and no traceback.

The ``simulate`` path imports no pandas, SQLModel, plotly or widgets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]

_EXAMPLES = """examples:
  praxis-lab simulate protocol.py
  praxis-lab simulate protocol.py --protocol copy_plate --param volume=150 --json
  praxis-lab simulate protocol.py --setup make_deck
  praxis-lab run protocol.py --setup make_deck
  praxis-lab history --limit 20
  praxis-lab requests --status blocked
  praxis-lab approve 7 --reason "tips are mounted by hand"
  praxis-lab run protocol.py --setup make_deck --request 7
  praxis-lab note 12 "bubbles in column 3"
  praxis-lab search bubbles
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="praxis-lab",
        description="Trace, check and run PyLabRobot protocols: every failure mode with a fix, "
                    "before anything touches the robot.",
        epilog=_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sim = sub.add_parser(
        "simulate", help="trace a protocol and report every failure mode with fixes",
        description="Trace FILE's protocol, check every op on every path (tips, liquid, "
                    "deck), print the failure modes with fixes and the requirements.")
    _protocol_args(sim)
    sim.add_argument("--json", action="store_true",
                     help="print the full report as JSON (graph, deck layout, timings)")
    sim.add_argument("--fix", action="store_true",
                     help="print the source with the first fix of every failure applied")

    run = sub.add_parser(
        "run", help="simulate, file a request, gate it, then run on the setup's handler",
        description="Simulate FILE's protocol, file a run request, gate it with the policy, "
                    "then execute it on the "
                    "LiquidHandler returned by the setup, logging every PLR call to the store.")
    _protocol_args(run, setup_required=True)
    run.add_argument("--override", metavar="REASON",
                     help="run on a real backend even though the simulation found failures")
    run.add_argument("--request", type=int, metavar="ID",
                     help="run an existing request (approved, or a retry after a failure)")
    run.add_argument("--user", metavar="NAME",
                     help="who issues the request (default: PRAXIS_LAB_USER or the OS user)")
    run.add_argument("--db", metavar="URL", help="store URL (default: PRAXIS_LAB_DB_URL or "
                     "a SQLite file in the user data directory)")

    hist = sub.add_parser("history", help="show recent runs from the store",
                          description="Show recent runs (newest first) as a table.")
    hist.add_argument("--limit", type=int, default=20, metavar="N",
                      help="number of runs (default 20)")
    hist.add_argument("--json", action="store_true", help="print JSON records")
    hist.add_argument("--db", metavar="URL", help="store URL")

    reqs = sub.add_parser("requests", help="show run requests with their approval and runs",
                          description="Show run requests (newest first), one row per run.")
    reqs.add_argument("--status", metavar="S", help="only requests in this status (draft, "
                      "proposed, approved, executing, complete, blocked, aborted)")
    reqs.add_argument("--limit", type=int, default=20, metavar="N",
                      help="number of requests (default 20)")
    reqs.add_argument("--json", action="store_true", help="print JSON records")
    reqs.add_argument("--db", metavar="URL", help="store URL")

    appr = sub.add_parser("approve", help="approve a request (a blocked one: human override)",
                          description="Approve request ID; a request the policy blocked "
                                      "needs --reason (recorded as a human override).")
    appr.add_argument("id", type=int, metavar="ID", help="the request id")
    appr.add_argument("--reason", metavar="TEXT", help="why it is safe to run")
    appr.add_argument("--by", metavar="NAME", help="who approves (default: the OS user)")
    appr.add_argument("--db", metavar="URL", help="store URL")

    note = sub.add_parser("note", help="attach a note to a run (or a request)",
                          description="Attach free text to run ID (--request: request ID).")
    note.add_argument("id", type=int, metavar="RUN_ID", help="the run id")
    note.add_argument("text", nargs="+", metavar="TEXT", help="the note")
    note.add_argument("--request", action="store_true", help="ID is a request id")
    note.add_argument("--by", metavar="NAME", help="author (default: the OS user)")
    note.add_argument("--db", metavar="URL", help="store URL")

    find = sub.add_parser("search", help="full-text search of the notes",
                          description="Notes containing every word of TEXT, best first.")
    find.add_argument("text", nargs="+", metavar="TEXT", help="words to look for")
    find.add_argument("--limit", type=int, default=50, metavar="N", help="at most N notes")
    find.add_argument("--json", action="store_true", help="print JSON records")
    find.add_argument("--db", metavar="URL", help="store URL")
    return parser


def _protocol_args(p: argparse.ArgumentParser, setup_required: bool = False) -> None:
    p.add_argument("file", metavar="FILE", help="a .py file defining the protocol")
    p.add_argument("--protocol", metavar="NAME",
                   help="which async function to use when FILE defines several")
    p.add_argument("--setup", metavar="NAME", required=setup_required,
                   help="a function in FILE returning {parameter name: PLR object}")
    p.add_argument("--param", action="append", metavar="K=V",
                   help="value for a plain parameter (repeatable)")


def _simulate(args: argparse.Namespace) -> int:
    from praxis_lab.analyse import parse_params
    from praxis_lab.simulate import simulate

    report = simulate(args.file, setup=args.setup, params=parse_params(args.param),
                      name=args.protocol)
    if args.fix:
        from praxis_lab.fixes import apply_all

        sys.stdout.write(apply_all(report.source, report.failure_modes))
    elif args.json:
        json.dump(report.to_dict(), sys.stdout, default=str)
        sys.stdout.write("\n")
    else:
        print(report.summary())
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``praxis-lab`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "simulate":
            return _simulate(args)
        if args.command in ("run", "requests", "approve", "note", "search"):
            from praxis_lab import commands

            return int(getattr(commands, f"{args.command}_command")(args))
        if args.command == "history":
            from praxis_lab import frames

            return int(frames.history_command(args))
    except Exception as exc:  # every user-facing error is one line
        from praxis_lab.analyse import ProtocolError

        if isinstance(exc, ProtocolError):
            print(f"praxis-lab: {exc.short}", file=sys.stderr)
            return 2
        if type(exc).__name__ == "StoreError":
            print(f"praxis-lab: {exc}", file=sys.stderr)
            return 2
        raise
    parser.print_help()
    return 2


def _entry() -> Any:  # pragma: no cover
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
