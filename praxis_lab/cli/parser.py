"""The ``praxis-lab`` command line: its commands, their options and help.

:func:`praxis_lab.cli.main` parses with :func:`parser` and runs the command; the ``simulate``
path stays light (argparse only here).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

__all__ = ["FORMATS", "parser", "seconds"]

FORMATS = ("text", "json", "github", "sarif")  # how simulate and check print (cli/formats.py)

_EXAMPLES = """examples:
  praxis-lab simulate protocol.py
  praxis-lab simulate protocol.py --protocol copy_plate --param volume=150 --json
  praxis-lab simulate protocol.py --setup make_deck
  praxis-lab simulate protocol.py --setup make_deck --format github
  praxis-lab check protocols/*.py --setup setup --format sarif > praxis.sarif
  praxis-lab watch protocol.py --setup make_deck
  praxis-lab deck protocol.py --export >> protocol.py
  praxis-lab run protocol.py --setup make_deck
  praxis-lab history --limit 20
  praxis-lab requests --status blocked
  praxis-lab approve 7 --reason "tips are mounted by hand"
  praxis-lab run protocol.py --setup make_deck --request 7
  praxis-lab note 12 "bubbles in column 3"
  praxis-lab search bubbles

exit codes: 0 ok; 1 the protocol has a failure mode (simulate) or the run failed;
2 a usage error (bad file, no protocol, bad --param, a setup that raises) or an
internal error, one line on stderr (--debug: with the traceback). The store is
PRAXIS_LAB_DB_URL (any SQLAlchemy URL) or a SQLite file in the user data directory;
--db URL overrides it for one command.
"""


_DB_HELP = ("the run store, any SQLAlchemy URL (default: PRAXIS_LAB_DB_URL, else a SQLite "
            "file in the user data directory)")


_DEBUG_HELP = "on an error, print the traceback too (an internal error: report it with it)"


_Commands = argparse._SubParsersAction


def seconds(text: str) -> float:
    """A time limit: a number of seconds > 0 (argparse says so in one line otherwise).

    >>> seconds("90")
    90.0
    """
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds > 0")
    return value


def _check_limit(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", dest="check_limit", type=seconds, default=20.0,
                   metavar="SECONDS",
                   help="answer within SECONDS (default 20; per file for check): Python that "
                        "runs longer is stopped and reported not fully checked, at its line; "
                        "anything still running at the limit (a loop in C code) is ended: "
                        "'not fully checked: still running after 20 s at line N', exit 3")


def parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Every ``praxis-lab`` command with its options; ``--debug`` before or after the
    command. Given the command line of a checking command, only that command is built (a
    command line answers sooner: each command's options cost argparse a little)."""
    words = [w for w in (sys.argv[1:] if argv is None else argv) if w != "--debug"]
    alone = _ALONE.get(words[0]) if words and not {"-h", "--help"} & set(words) else None
    top = argparse.ArgumentParser(
        prog="praxis-lab",
        description="Trace, check and run PyLabRobot protocols: every failure mode with a fix, "
                    "before anything touches the robot.",
        epilog=_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    for build in [alone] if alone else [_simulate, _check, _watch, _deck, _run,
                                        _reading_the_store, _approve_and_note]:
        build(sub)
    top.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    for command in sub.choices.values():  # `praxis-lab simulate FILE --debug` too
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help=_DEBUG_HELP)
    return top


def _simulate(sub: _Commands) -> None:
    sim = sub.add_parser(
        "simulate", help="trace a protocol and report every failure mode with fixes",
        description="Trace FILE's protocol without running it, check every PLR call on every "
                    "path (tips, liquid, deck, arguments), print the failure modes with their "
                    "line and fixes, and what the deck must hold. Nothing is recorded. "
                    "FILE's Python does run (its top level, the setup, the protocol's body "
                    "on every path) with PLR calls recorded, never sent to a device; while "
                    "it runs it may read files, but writing or deleting files, starting "
                    "processes or threads, network connections, opening a device, calling C "
                    "code through ctypes and waiting for input are blocked and reported as a "
                    "protocol_error at the line. Exit code 0: ok, 1: at least one failure "
                    "mode, 2: usage error, 3: not fully checked (a bound, or still running at "
                    "--time-limit).")
    _protocol_args(sim)
    _check_limit(sim)
    sim.add_argument("--json", action="store_true",
                     help="print the full report as JSON (failure modes with fixes, requirements, "
                          "computation graph, deck layout, timings); the same as --format json")
    _format_arg(sim)
    sim.add_argument("--fix", action="store_true",
                     help="print FILE's source with proven fixes applied, simulated again and "
                          "repeated until clean or nothing more can be fixed (redirect it to a "
                          "new file; FILE itself is not changed); what was applied and what is "
                          "left go to stderr; exit 0 when the fixed source is clean")


def _format_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="text (default): the summary; json: the report as data; github: "
                        "GitHub Actions annotations on the failing lines (errors, warnings for "
                        "failures on some paths only); sarif: SARIF 2.1.0 for code scanning")


def _check(sub: _Commands) -> None:
    check = sub.add_parser(
        "check", help="simulate many protocol files (pre-commit, CI) and print one report",
        description="Simulate every protocol file given (files defining no protocol are "
                    "skipped) and print one report for all of them. Exit code: 2 when a file "
                    "could not be simulated, else 1 when a protocol has a failure mode, else 3 "
                    "when one was not fully checked, else 0.")
    check.add_argument("files", nargs="+", metavar="FILE", help="protocol files (.py)")
    _check_limit(check)
    check.add_argument("--protocol", metavar="NAME",
                       help="which async function to use in files defining several")
    check.add_argument("--setup", metavar="NAME",
                       help="the setup function of the files that define one by this name "
                            "(the others are simulated on the proposed deck)")
    check.add_argument("--param", action="append", metavar="NAME=VALUE",
                       help="value of a plain protocol parameter (repeat for several)")
    _format_arg(check)


def _watch(sub: _Commands) -> None:
    watch = sub.add_parser(
        "watch", help="simulate again on every save and print what changed",
        description="Simulate FILE's protocol, then again on every save, printing the verdict "
                    "and the failure modes that appeared (+) or went away (-). The setup is "
                    "built again only when its code changes. Ctrl-C stops (exit 0).")
    _protocol_args(watch)
    watch.add_argument("--interval", type=seconds, default=0.2, metavar="SECONDS",
                       help="how often to look at the file (default 0.2)")
def _deck(sub: _Commands) -> None:
    deck = sub.add_parser(
        "deck", help="show the deck a protocol needs, or export it as make_deck()",
        description="Show FILE's deck: the setup's, or without --setup the proposed one (default "
                    "labware on carriers, every well filled with what the protocol needs). "
                    "--export prints it as a readable make_deck() that builds it with PLR: "
                    "`praxis-lab deck FILE --export >> FILE`, then `praxis-lab simulate FILE "
                    "--setup make_deck`. Exit code 0, 2 on a usage error.")
    _protocol_args(deck)
    _check_limit(deck)
    deck.add_argument("--export", action="store_true",
                      help="print the deck as a make_deck() function (with its imports)")
    deck.add_argument("--function", default="make_deck", metavar="NAME",
                      help="the exported function's name (default make_deck)")
    deck.add_argument("--json", action="store_true", help="print the deck plan as JSON")


def _run(sub: _Commands) -> None:
    run = sub.add_parser(
        "run", help="simulate, file a request, gate it, then run on the setup's handler",
        description="Simulate FILE's protocol, file a run request, gate it with the policy, "
                    "then execute it on the "
                    "LiquidHandler returned by the setup, logging every PLR call to the store.")
    _protocol_args(run, setup_required=True)
    run.epilog = ("The run is mock when every machine of the setup is driven by one of PLR's "
                  "own simulator classes, else real. On a real device the policy refuses a "
                  "protocol whose simulation failed or is not complete unless --override "
                  "REASON is given; a blocked request waits for `praxis-lab approve ID`. A "
                  "request runs only on the devices it was filed for. A real run is stopped "
                  "past its time limit (the estimated duration x 3, at least 300 s; "
                  "--time-limit to set it). FILE's top level and the setup are stopped when "
                  "still running after 20 s (an endless loop). Exit code 0: completed, 1: "
                  "failed, refused or canceled, 2: usage error, 3: its top level or setup "
                  "never finished.")
    run.add_argument("--override", metavar="REASON",
                     help="run on a real backend even though the simulation found failures "
                          "or is not complete (REASON is recorded with the request)")
    run.add_argument("--time-limit", type=seconds, metavar="SECONDS",
                     help="stop a run on a real device after SECONDS (a protocol that "
                          "incubates needs it longer than its PLR calls take)")
    run.add_argument("--request", type=int, metavar="ID",
                     help="run an existing request (approved, or a retry after a failure)")
    run.add_argument("--user", metavar="NAME",
                     help="who issues the request (default: PRAXIS_LAB_USER or the OS user)")
    _store_args(run)


def _reading_the_store(sub: _Commands) -> None:
    """``history``, ``requests`` and ``search``: what the store holds, as a table or JSON."""
    hist = sub.add_parser("history", help="show recent runs from the store",
                          description="Show recent runs (newest first) as a table: status, "
                                      "backend, mode, times, PLR calls, tips, volume, error.")
    hist.add_argument("--limit", type=int, default=20, metavar="N",
                      help="number of runs (default 20)")
    _store_args(hist, json_help="print JSON records instead of a table")

    reqs = sub.add_parser("requests", help="show run requests with their approval and runs",
                          description="Show run requests (newest first), one row per run.")
    reqs.add_argument("--status", metavar="S", help="only requests in this status (draft, "
                      "proposed, approved, executing, complete, blocked, aborted)")
    reqs.add_argument("--limit", type=int, default=20, metavar="N",
                      help="number of requests (default 20)")
    _store_args(reqs, json_help="print JSON records")

    find = sub.add_parser("search", help="full-text search of the notes",
                          description="Notes containing every word of TEXT, best first.")
    find.add_argument("text", nargs="+", metavar="TEXT", help="words to look for")
    find.add_argument("--limit", type=int, default=50, metavar="N", help="at most N notes")
    _store_args(find, json_help="print JSON records")


def _approve_and_note(sub: _Commands) -> None:
    """``approve`` and ``note``: what a person adds to a request or a run."""
    appr = sub.add_parser("approve", help="approve a request (a blocked one: human override)",
                          description="Approve request ID; a request the policy blocked "
                                      "needs --reason (recorded as a human override).")
    appr.add_argument("id", type=int, metavar="ID",
                      help="the request id (see `praxis-lab requests`)")
    appr.add_argument("--reason", metavar="TEXT",
                      help="why it is safe to run (required for a blocked request)")
    appr.add_argument("--by", metavar="NAME", help="who approves (default: the OS user)")
    _store_args(appr)

    note = sub.add_parser("note", help="attach a note to a run (or a request)",
                          description="Attach free text to run ID (with --request: to request "
                                      "ID). Notes are found again with `praxis-lab search`.")
    note.add_argument("id", type=int, metavar="ID",
                      help="the run id (see `praxis-lab history`)")
    note.add_argument("text", nargs="+", metavar="TEXT", help="the note")
    note.add_argument("--request", action="store_true",
                      help="ID is a request id (see `praxis-lab requests`)")
    note.add_argument("--by", metavar="NAME", help="author (default: the OS user)")
    _store_args(note)


def _store_args(p: argparse.ArgumentParser, json_help: str | None = None) -> None:
    """The options of a command that reads the run store: ``--json`` (when it prints
    records) and ``--db``."""
    if json_help is not None:
        p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--db", metavar="URL", help=_DB_HELP)


def _protocol_args(p: argparse.ArgumentParser, setup_required: bool = False) -> None:
    p.add_argument("file", metavar="FILE", help="a .py file defining the protocol")
    p.add_argument("--protocol", metavar="NAME",
                   help="which async function to use when FILE defines several")
    setup_help = "a function in FILE returning {parameter name: PLR object}"
    if setup_required:
        setup_help += "; its LiquidHandler (and backend) is the one the run uses"
    else:
        setup_help += (" to check against real labware and start volumes (without it: "
                       "default labware, start volumes reported as requirements)")
    p.add_argument("--setup", metavar="NAME", required=setup_required, help=setup_help)
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="value of a protocol parameter that is not labware, e.g. "
                        "--param volume=150 (repeat for several); VALUE is read as a "
                        "number when the parameter is one")


# the commands a command line may build alone (the others are built with every command)
_ALONE: dict[str, Callable[[_Commands], None]] = {
    "simulate": _simulate, "check": _check, "deck": _deck}
