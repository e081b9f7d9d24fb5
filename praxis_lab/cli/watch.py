"""``praxis-lab watch FILE``: simulate again on every save and print only what changed.

The file is polled (its modification time and size, then its content: a save that
changes nothing is not simulated again). The first simulation prints the whole summary;
after that each save prints one line (the verdict, and how it moved) and the failure
modes that appeared (``+``) or went away (``-``). A failure mode is the same one across
edits when its kind and message are, line numbers aside, so a line added above it does
not make it new. The setup's objects are kept while the setup is unchanged, so a save of
the protocol alone takes a simulation, not a deck build. Ctrl-C stops watching (exit 0).
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

__all__ = ["Watcher", "changes", "watch_command"]

_LINE = re.compile(r"\bline \d+|@ \d+:\d+")


def _identity(mode: Any) -> tuple[str, str]:
    return mode.kind, _LINE.sub("line ?", mode.message)


def _verdict(report: Any) -> str:
    if report is None:
        return "not simulated"
    verdict = getattr(report, "verdict", None)
    if callable(verdict):  # SimulationReport.verdict(): ok, FAILS or not fully checked
        verdict = verdict()
    if verdict is not None:
        return str(verdict).lower()
    return "ok" if report.ok else ("fails" if report.failure_modes else "not fully checked")


def changes(before: Any, after: Any) -> list[str]:
    """What moved from report ``before`` to ``after`` (``None``: not simulated): the failure
    modes that appeared (``+``) or went away (``-``), by kind and message."""
    old = {_identity(m): m for m in (before.failure_modes if before is not None else [])}
    new = {_identity(m): m for m in (after.failure_modes if after is not None else [])}
    out = [f"  + {m.message}" for k, m in new.items() if k not in old]
    out += [f"  - {m.message}" for k, m in old.items() if k not in new]
    return out


class Watcher:
    """Simulates ``path`` with ``simulate(path) -> report`` whenever its content changes
    and writes what changed to ``out``."""

    def __init__(self, path: Path, simulate: Callable[[str], Any], out: TextIO) -> None:
        self.path, self.simulate, self.out = path, simulate, out
        self.stamp: tuple[int, int] | None = None
        self.digest: str | None = None
        self.report: Any = None
        self.error: str | None = None
        self.runs = 0

    def _say(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    def poll(self) -> bool:
        """Simulate when the file changed since the last poll; whether it did."""
        try:
            st = self.path.stat()
        except OSError:
            if self.error != "missing":
                self.error = "missing"
                self._say(f"{self.path}: not found (waiting for it)")
            return False
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        try:
            data = self.path.read_bytes()
        except OSError:
            return False
        digest = hashlib.sha256(data).hexdigest()
        if digest == self.digest:
            return False
        self.digest = digest
        self._simulate()
        return True

    def _simulate(self) -> None:
        from praxis_lab.errors import UserError

        t0 = time.perf_counter()
        try:
            report, error = self.simulate(str(self.path)), None
        except UserError as exc:
            said = str(exc).strip().splitlines()
            report, error = None, said[0] if said else type(exc).__name__
        ms = (time.perf_counter() - t0) * 1000
        self.runs += 1
        stamp = time.strftime("%H:%M:%S")
        if error is not None:
            if error != self.error:
                self._say(f"[{stamp}] {self.path}: not simulated: {error}")
            self.error = error
            return
        if self.report is None:
            self._say(f"[{stamp}] {report.summary()}  ({ms:.0f} ms)")
        else:
            self._report_changes(report, stamp, ms)
        self.report, self.error = report, None

    def _report_changes(self, report: Any, stamp: str, ms: float) -> None:
        before, after = _verdict(self.report), _verdict(report)
        moved = changes(self.report, report)
        if self.error is not None:
            head = f"{after} again"
        elif before != after:
            head = f"{before} -> {after}"
        elif not moved:
            n = len(report.failure_modes)
            head = f"{after}, no change" + (f" ({n} failure mode{'s' if n != 1 else ''})"
                                           if n else "")
        else:
            head = after
        self._say(f"[{stamp}] {self.path}: {head}  ({ms:.0f} ms)")
        for line in moved:
            self._say(line)


def watch_command(args: Any) -> int:
    """``praxis-lab watch FILE [--setup NAME] [--param k=v] [--interval S]``: until Ctrl-C."""
    from praxis_lab.pipeline import simulate
    from praxis_lab.protocol.analyse import parse_params

    params = parse_params(getattr(args, "param", None))
    name = getattr(args, "protocol", None)

    def again(path: str) -> Any:
        return simulate(path, setup=args.setup, params=params, name=name, cache=False)

    watcher = Watcher(Path(args.file), again, sys.stdout)
    print(f"watching {args.file} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        while True:
            watcher.poll()
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print(f"\nstopped watching {args.file}", file=sys.stderr)
        return 0
