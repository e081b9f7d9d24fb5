"""The command line always answers within its time limit, whatever the protocol does.

A checking command (``simulate``, ``check``, ``deck``) runs in a child process; this one
relays what it prints and waits. The child stops Python code that runs too long itself
(:mod:`praxis_lab.trace.limit`, a little before the limit, so a loop in the protocol's body
still gets its report). When the limit passes and the child has not answered (a loop in C
code, a protocol that catches the stop and loops on), the child is asked where it is
(:mod:`faulthandler` writes its stack from a signal handler, which needs no Python code to
run), ended, and the answer is one line: ``not fully checked: still running after 20 s at
line N``, exit code 3.

A child that ends without answering (the protocol called ``os._exit``, or the process
crashed) is one line too, exit 2. Ctrl-C ends the child (exit 130, one line). Where
``fork`` is missing the command runs in this process, with the in-process limit only.
"""

from __future__ import annotations

import codecs
import contextlib
import faulthandler
import io
import os
import re
import selectors
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from typing import IO, Any

from praxis_lab.trace.frames import is_own, library_or_own

__all__ = ["DEFAULT_S", "answered", "ask_and_end", "process_started", "relay", "where"]

DEFAULT_S = 20.0
_GRACE_S = 1.0  # the child reports its own stop this much before the limit
_ENDING_S = 0.4


def answered(seconds: float, label: str, work: Callable[[float], int],
             started: float | None = None) -> int:
    """``work(soft_limit)``'s exit code, run in a child process ended so that the answer
    comes ``seconds`` after ``started`` (:func:`time.monotonic`; default: now).

    ``label`` starts the line said when it is ended (``praxis-lab simulate``).
    """
    started = time.monotonic() if started is None else started
    end = started + seconds - _ENDING_S  # (asking where it is and ending it take a moment)
    if not hasattr(os, "fork"):
        return work(seconds)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with tempfile.TemporaryFile() as dump:
        return _watched(seconds, end, label, work, dump)


def _watched(seconds: float, end: float, label: str, work: Callable[[float], int],
             dump: IO[bytes]) -> int:
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    done_r, done_w = os.pipe()  # the child says it answered (not ended by the protocol)
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child: coverage of it is not collected)
        for fd in (out_r, err_r, done_r):
            os.close(fd)
        soft = round(max(end - time.monotonic() - _GRACE_S, seconds / 2), 1)
        _child(work, soft, out_w, err_w, done_w, dump)
    for fd in (out_w, err_w, done_w):
        os.close(fd)
    try:
        code = relay(pid, {out_r: sys.stdout, err_r: sys.stderr}, end)
        answered = code is not None and os.read(done_r, 8) == b"answered"
    except KeyboardInterrupt:
        _end(pid)
        print(f"{label}: interrupted", file=sys.stderr)
        return 130
    finally:
        for fd in (out_r, err_r, done_r):
            os.close(fd)
    if code is not None:
        return code if answered else _ended(label, code)
    line = ask_and_end(pid, dump)
    at = f" at line {line[1]} of {os.path.basename(line[0])}" if line else ""
    print(f"{label}: not fully checked: still running after {seconds:g} s{at} (an endless "
          "loop, or one in C code?): stopped; --time-limit SECONDS gives it longer",
          file=sys.stderr)
    return 3


def process_started() -> float:
    """When this process started, on :func:`time.monotonic`'s clock (Linux: from /proc;
    elsewhere: now), so the limit counts the interpreter's start too."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            up = float(uptime.read().split()[0])
        age = up - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic()
    return time.monotonic() - min(max(age, 0.0), 5.0)


def _ended(label: str, code: int) -> int:
    """The line for a child that ended without answering: killed by a signal (a crash), or
    ended by the protocol itself (``os._exit``); exit code 2."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        print(f"{label}: the simulation crashed ({name}) while running the protocol's code "
              "(a recursion deeper than the stack, or C code that failed?); --debug shows no "
              "more: simulate the file's parts one by one to find it", file=sys.stderr)
    else:
        print(f"{label}: the protocol ended the process itself (exit status {code}, e.g. "
              "os._exit) while being simulated: remove it, the check never finished",
              file=sys.stderr)
    return 2


def _child(work: Callable[[float], int], soft: float, out_w: int, err_w: int, done_w: int,
           dump: IO[bytes]) -> None:  # pragma: no cover (runs in the child)
    code = 2
    try:
        faulthandler.disable()  # a crash is the parent's to say, in one line
        _bound_memory()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
        faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True, chain=False)
        sys.stdout = io.TextIOWrapper(os.fdopen(out_w, "wb"), encoding="utf-8",
                                      write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(err_w, "wb"), encoding="utf-8",
                                      write_through=True)
        code = work(soft)
    except BaseException as exc:
        with contextlib.suppress(BaseException):
            print(f"internal error {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        with contextlib.suppress(BaseException):
            os.write(done_w, b"answered")
        os._exit(code)


def _bound_memory() -> None:  # pragma: no cover (runs in the child)
    """Half the machine's memory at most: a protocol that allocates without end (reading
    /dev/zero) gets a MemoryError, and the machine keeps its memory."""
    try:
        import resource

        half = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY or soft > half:
            resource.setrlimit(resource.RLIMIT_AS, (half, hard))
    except (ImportError, OSError, ValueError):
        pass


def relay(pid: int, streams: dict[int, Any], deadline: float | Callable[[], float],
           ) -> int | None:
    """Copy the child's output here until it exits (its exit code) or the deadline passes
    (None). ``deadline`` may be a function, asked again as the output comes (it may move)."""
    decoders = {fd: codecs.getincrementaldecoder("utf-8")("replace") for fd in streams}
    at = deadline if callable(deadline) else lambda: deadline
    with selectors.DefaultSelector() as sel:
        for fd in streams:
            sel.register(fd, selectors.EVENT_READ)
        open_fds = set(streams)
        while open_fds:
            left = at() - time.monotonic()
            if left <= 0:
                return None
            for key, _ in sel.select(min(left, 0.5)):
                fd = int(key.fd)  # type: ignore[call-overload]
                chunk = os.read(fd, 65536)
                if not chunk:
                    sel.unregister(fd)
                    open_fds.discard(fd)
                    continue
                streams[fd].write(decoders[fd].decode(chunk))
                streams[fd].flush()
    while True:  # both pipes closed: the child is exiting
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) if status >= 0 else 2
        if time.monotonic() > at():
            return None
        time.sleep(0.01)


def ask_and_end(pid: int, dump: IO[bytes], past_own: bool = False,
                ) -> tuple[str, int] | None:
    """Ask the child where it is, end it; the protocol's file and line it was running
    (see :func:`where` for ``past_own``)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGUSR1)
    size, still = -1, 0
    for _ in range(30):  # up to 0.3 s for the stack to be written
        time.sleep(0.01)
        now = os.fstat(dump.fileno()).st_size
        still = still + 1 if now == size and now > 0 else 0
        size = now
        if still >= 3:
            break
    _end(pid)
    dump.seek(0)
    return where(dump.read().decode(errors="replace"), past_own)


def _end(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)', re.MULTILINE)


def where(stack: str, past_own: bool = False) -> tuple[str, int] | None:
    """The innermost frame of the user's code in a :mod:`faulthandler` stack (most recent
    call first), as (file, line); None when praxis_lab's own code comes first (unless
    ``past_own``: a run's stack has the runner below the protocol and may have praxis_lab's
    own code above it, its routed ``time.sleep``).

    >>> import os
    >>> where('Current thread 0x1 (most recent call first):\\n'
    ...       f'  File "{os.__file__}", line 3 in f\\n'
    ...       '  File "/home/me/loop.py", line 7 in p\\n')
    ('/home/me/loop.py', 7)
    """
    for found in _FRAME.finditer(stack):
        if is_own(found["file"]) and not past_own:
            return None
        if not library_or_own(found["file"]):
            return found["file"], int(found["line"])
    return None
