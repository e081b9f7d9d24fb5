"""``praxis-lab run`` ends within the run's time limit, whatever the protocol does, and the
run store says how it ended.

The runner stops a run that outlives its policy's time limit from its own event loop
(:mod:`praxis_lab.execution.runner`), which needs the loop to get control back: a protocol
blocked in code that never returns to it (``time.sleep``, a driver's blocking read, a loop
in C code or without ``await``) would keep the command waiting for ever. So the command runs
in a child process, which tells this one when the run starts (its id, its store, its time
limit) and when it ends. When the limit has passed by :data:`GRACE_S` and the child has
not answered, it is asked where it is (:mod:`faulthandler`, from a signal handler), ended,
and this process records the run ``failed`` with ``TimeLimitExceeded`` naming the
protocol's line (the call log keeps every call that completed: each row was committed as its
call ended), prints the run's line and the error, and exits 1.

A child that ends while its run goes on (a crash, the protocol's ``os._exit``) has its run
recorded ``failed`` too, exit 2. Ctrl-C reaches the child (the same process group): it
cancels the run itself; one that does not answer within :data:`GRACE_S` is ended and its
run recorded ``canceled``, exit 130. Before the run starts (its file's top level, its setup,
its simulation) the child has :data:`PREPARING_S`. Where ``fork`` is missing the command
runs in this process, with the runner's own limit only.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from typing import IO, Any

from praxis_lab.cli import watchdog

__all__ = ["GRACE_S", "PREPARING_S", "Announce", "supervised"]

GRACE_S = 3.0  # past the time limit, the runner's own stop has this long to end the run
PREPARING_S = 60.0  # its top level, setup and simulation (itself bounded at 20 s), at most
WINDING_DOWN_S = 30.0  # once the run ended: its machines stopped, the command's answer

Announce = Callable[[dict[str, Any]], None]


class _Said:
    """What the child says on its control pipe, one JSON object a line: ``{"run_id",
    "db", "limit_s", "why", ...}`` as the run starts, ``{"ended": status}`` as it ends."""

    def __init__(self) -> None:
        self.run: dict[str, Any] | None = None
        self.ended: str | None = None
        self.deadline = time.monotonic() + PREPARING_S
        self._partial = ""

    def write(self, text: str) -> None:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            said = json.loads(line)
            if "ended" in said:
                self.ended = said["ended"]
                self.deadline = time.monotonic() + WINDING_DOWN_S
            else:
                self.run = said
                limit = said.get("limit_s")
                self.deadline = (time.monotonic() + limit + GRACE_S if limit is not None
                                 else float("inf"))

    def flush(self) -> None:
        pass


def supervised(work: Callable[[Announce | None], int]) -> int:
    """``work(announce)``'s exit code, run in a child process that is ended when its run
    outlives its time limit (see the module); ``announce`` is what the run command tells
    this process through (None: ``work`` runs here, unwatched)."""
    if not hasattr(os, "fork"):
        return work(None)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with tempfile.TemporaryFile() as dump:
        pipes = [os.pipe() for _ in range(3)]  # stdout, stderr, control
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            for r, _ in pipes:
                os.close(r)
            _child(work, [w for _, w in pipes], dump)
        for _, w in pipes:
            os.close(w)
        try:
            return _watch(pid, [r for r, _ in pipes], dump)
        finally:
            for r, _ in pipes:
                os.close(r)


def _watch(pid: int, fds: list[int], dump: IO[bytes]) -> int:
    said = _Said()
    streams = {fds[0]: sys.stdout, fds[1]: sys.stderr, fds[2]: said}
    interrupted = False
    while True:
        try:
            code = watchdog.relay(pid, streams, lambda: said.deadline)
            break
        except KeyboardInterrupt:  # the child got it too: it cancels its run itself
            if interrupted:
                code = None
                break
            interrupted = True
            said.deadline = min(said.deadline, time.monotonic() + GRACE_S)
    if code is not None and (said.run is None or said.ended is not None):
        return code  # the child answered
    where = watchdog.ask_and_end(pid, dump, past_own=True) if code is None else None
    return _recorded(said, code, where, interrupted)


def _recorded(said: _Said, code: int | None, where: tuple[str, int] | None,
              interrupted: bool) -> int:
    """Say (and record, when the run had started) how the child was ended; the exit code."""
    at = f" at line {where[1]} of {os.path.basename(where[0])}" if where else ""
    run = said.run
    if interrupted:
        error = ("Canceled", f"interrupted, and the run did not stop within {GRACE_S:g} s"
                 f"{at}: the process was ended")
        status, exit_code = "canceled", 130
    elif code is None and said.ended is not None:
        error = ("WindDown", f"the run {said.ended}, but stopping its machines was still "
                 f"going on after {WINDING_DOWN_S:g} s{at}: the process was ended")
        status, exit_code = said.ended, 1
    elif code is None and run is not None:
        error = ("TimeLimitExceeded", f"the run went past its {run.get('why')} and was still "
                 f"running {GRACE_S:g} s later{at}, blocked in code that never returns to the "
                 "event loop (time.sleep, a blocking read, a loop in C code or without "
                 "await): the process was ended (the device may have stopped mid-call: check "
                 "it; every call that completed is in the call log)")
        status, exit_code = "failed", 1
    elif code is None:
        print(f"praxis-lab run: not started: still preparing the run after {PREPARING_S:g} s"
              f"{at} (its top level, its setup or its simulation; a loop in C code?): "
              "stopped, nothing reached the device", file=sys.stderr)
        return 3
    else:
        how = (f"the process ended (exit status {code}, e.g. os._exit)" if code >= 0 else
               f"the process crashed ({_signal_name(-code)})")
        error = ("ProcessEnded", f"{how} while the run was going on: every call that "
                 "completed is in the call log; check the device")
        status, exit_code = "failed", 2
    stored = _store(run, status, error) if run is not None and said.ended is None else None
    if run is not None:
        calls = (f"{stored.calls} calls in {stored.duration_s:.2f} s" if stored is not None
                 and stored.duration_s is not None else "its calls in the call log")
        print(f"run {run['run_id']} {run.get('protocol')} {status}: {calls} ({run.get('mode')}, "
              f"{run.get('backend')}; request {run.get('request_id')})")
    print(f"{error[0]}: {error[1]}", file=sys.stderr)
    return exit_code


def _store(run: dict[str, Any], status: str, error: tuple[str, str]) -> Any:
    """Record the run's end in its store; the stored run (None: it had recorded its own
    end meanwhile, or the store cannot be reached: said on stderr)."""
    from praxis_lab.store import db
    from praxis_lab.store.lifecycle import set_status
    from praxis_lab.store.status import InvalidTransition

    try:
        engine = db.connect(run["db"])
        try:
            return set_status(engine, run["run_id"], status, error=error)
        except InvalidTransition:
            return None  # the run recorded its own end meanwhile
        finally:
            engine.dispose()
    except db.StoreError as exc:
        print(f"praxis-lab run: cannot record how run {run['run_id']} ended: {exc}",
              file=sys.stderr)
        return None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _child(work: Callable[[Announce | None], int], fds: list[int],
           dump: IO[bytes]) -> None:  # pragma: no cover (runs in the child)
    code = 2
    try:
        faulthandler.disable()  # a crash is the parent's to say
        faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True, chain=False)
        sys.stdout, sys.stderr = (  # unbuffered: a run's output is relayed as it comes
            io.TextIOWrapper(os.fdopen(fd, "wb", buffering=0), encoding="utf-8",
                             write_through=True) for fd in fds[:2])
        control = os.fdopen(fds[2], "w", buffering=1)

        def announce(said: dict[str, Any]) -> None:
            control.write(json.dumps(said) + "\n")

        code = work(announce)
    except BaseException as exc:
        with contextlib.suppress(BaseException):
            print(f"internal error {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
