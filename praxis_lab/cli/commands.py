"""The bodies of ``praxis-lab run | requests | approve | note | search`` (``cli.py`` parses).

Each takes the parsed ``argparse`` namespace, prints, and returns the exit code: 0 ok,
1 the run did not complete (or the request / note was refused). A usage or store error
(:class:`~praxis_lab.errors.UserError`) is left to :func:`praxis_lab.cli.main`, which
prints its one line and exits 2.
"""

from __future__ import annotations

import sys
from typing import Any, Literal

from praxis_lab.store.audit import RequestError, current_user

__all__ = ["approve_command", "note_command", "requests_command", "run_command",
           "search_command"]


def _refused(command: str, exc: RequestError) -> int:
    """A request or note the store refused (an unknown id, a blocked request without a
    reason): a verdict, exit 1, not a usage error."""
    print(f"praxis-lab {command}: {exc}", file=sys.stderr)
    return 1


def run_command(args: Any) -> int:
    """``praxis-lab run FILE --setup NAME [--param k=v] [--override REASON] [--request ID]
    [--user NAME] [--time-limit SECONDS] [--db URL]``: file a request, gate it, run it.

    Exit 0 when the run completed, 1 when it failed, was refused or canceled, 2 on a
    usage or store error.
    """
    import asyncio

    from praxis_lab.execution.policy import Policy
    from praxis_lab.execution.record import approve_hint
    from praxis_lab.execution.runner import Runner
    from praxis_lab.protocol.analyse import parse_param_values

    params = parse_param_values(getattr(args, "param", None))
    limit = getattr(args, "time_limit", None)
    runner = Runner(args.file, setup=args.setup, params=params, db=getattr(args, "db", None),
                    override=getattr(args, "override", None),
                    name=getattr(args, "protocol", None), request=getattr(args, "request", None),
                    user=getattr(args, "user", None),
                    policy=Policy(time_limit_s=limit) if limit is not None else None)
    announce = getattr(args, "announce", None)
    if announce is not None:  # the command's watch (cli/run_limit.py) learns of the run
        runner.subscribe(_announcer(runner, announce))
    record = asyncio.run(runner.execute())  # (a command line runs no event loop of its own)
    line = (f"run {record.run_id} {record.protocol} {record.status}: {record.calls} calls"
            + (f" in {record.duration_s:.2f} s" if record.duration_s is not None else "")
            + f" ({record.mode}, {record.backend}; request {record.request_id} "
            f"{record.request_status})")
    print(line)
    if record.status == "refused":
        for reason in (record.decision.reasons if record.decision else []) or [
                record.error_message or "the request is blocked"]:
            print(f"blocked: {reason}", file=sys.stderr)
        print(approve_hint(record), file=sys.stderr)
    elif record.error_code:
        print(f"{record.error_code}: {record.error_message}", file=sys.stderr)
    return 0 if record.ok else 1


def _announcer(runner: Any, announce: Any) -> Any:
    """A subscriber telling ``announce`` the run's id, store and time limit as it starts
    running, and its final status as it ends."""
    from praxis_lab.store.lifecycle import TERMINAL

    def said(message: dict[str, Any]) -> None:
        if message.get("type") != "status":
            return
        if message["status"] == "running":
            decision = runner.decision
            why = next((r.reason for r in decision.rules if r.rule == "time_limit"), "")
            announce({"run_id": runner.run_id, "limit_s": decision.time_limit_s,
                      "why": why or f"time limit {decision.time_limit_s} s",
                      "db": runner.engine.url.render_as_string(hide_password=False),
                      "protocol": runner.info.name, "mode": runner.mode,
                      "backend": runner.backend, "request_id": runner.request_id})
        elif message["status"] in TERMINAL:
            announce({"ended": message["status"]})

    return said


def requests_command(args: Any) -> int:
    """``praxis-lab requests [--status S] [--limit N] [--json] [--db URL]``."""
    from praxis_lab.store.frames import STAMP, print_frame, requests

    df = requests(getattr(args, "db", None), status=getattr(args, "status", None),
                  limit=getattr(args, "limit", None))
    print_frame(df, args, "no requests" + (
        f" with status {args.status}" if getattr(args, "status", None)
        else " yet: `praxis-lab run FILE --setup NAME` files one"),
        lambda df: df.assign(created=df["created"].dt.strftime(STAMP))[[
            "request_id", "status", "type", "target", "issued_by", "protocol", "created",
            "approved_by", "human_override", "run_id", "run_status"]])
    return 0


def approve_command(args: Any) -> int:
    """``praxis-lab approve ID --reason TEXT [--by NAME] [--db URL]``: 1 when refused."""
    from praxis_lab.execution.approvals import approve

    by = getattr(args, "by", None)
    try:
        request = approve(args.id, args.reason, by=by, db=getattr(args, "db", None))
    except RequestError as exc:
        return _refused("approve", exc)
    print(f"request {request.id} approved by {current_user(by)}: run it with "
          f"`praxis-lab run FILE --setup NAME --request {request.id}`")
    return 0


def note_command(args: Any) -> int:
    """``praxis-lab note ID TEXT [--request] [--by NAME] [--db URL]``: 1 for an unknown id."""
    from praxis_lab.store.notes import note

    on: Literal["run", "request"] = "request" if getattr(args, "request", False) else "run"
    words = args.text if isinstance(args.text, list) else [args.text]
    try:
        note_id = note(args.id, " ".join(words), getattr(args, "db", None), on=on,
                       author=getattr(args, "by", None))
    except RequestError as exc:
        return _refused("note", exc)
    print(f"note {note_id} on {on} {args.id}")
    return 0


def search_command(args: Any) -> int:
    """``praxis-lab search TEXT [--limit N] [--json] [--db URL]``: notes, best match first."""
    from praxis_lab.store.frames import STAMP, print_frame, search

    words = args.text if isinstance(args.text, list) else [args.text]
    df = search(" ".join(words), getattr(args, "db", None),
                limit=50 if getattr(args, "limit", None) is None else args.limit)
    print_frame(df, args, f"no note matches {' '.join(words)!r}",
                lambda df: df.assign(created=df["created"].dt.strftime(STAMP))
                .drop(columns=["score"]))
    return 0
