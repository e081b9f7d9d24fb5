"""Generated bad inputs: each ends within its time limit, with no traceback, the right exit
code and no side effect (hypothesis draws the protocol, the place and the input)."""

from __future__ import annotations

import contextlib
import socket
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis_lab.cli import main

HEAD = '''import os, socket, subprocess, sys, itertools
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 50):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[volume])
    await lh.dispense(plate["A2"], vols=[volume])
    await lh.drop_tips(tips["A1"])
'''

# What a hostile or broken protocol does, as one statement ({target}, {victim}, {port}).
SIDE_EFFECTS = {
    "writes": "open({target!r}, 'w').write('x')",
    "appends": "open({target!r}, 'a')",
    "deletes": "os.remove({victim!r})",
    "renames": "os.rename({victim!r}, {target!r})",
    "spawns": "subprocess.run(['touch', {target!r}])",
    "shells": "os.system('touch ' + {target!r})",
    "connects": "socket.create_connection(('127.0.0.1', {port}), timeout=1)",
    "starts a thread": "__import__('threading').Thread(target=print).start()",
    "ends the process": "os._exit(0)",
}
RAISES = {
    "exits": "sys.exit(0)",
    "exits with a code": "raise SystemExit(4)",
    "interrupts": "raise KeyboardInterrupt",
    "raises BaseException": "raise BaseException('stop')",
    "raises GeneratorExit": "raise GeneratorExit",
    "raises RuntimeError": "raise RuntimeError('broken')",
}
ENDLESS = {
    "loops": "while True: pass",
    "loops in C": "sum(itertools.repeat(1, 10**11))",
    "loops catching the stop": "while True:\n    try:\n        while True: pass\n"
                               "    except BaseException:\n        pass",
}
PLACES = ("top level", "setup", "body", "finally", "caught")


def _indent(statement: str, by: str) -> str:
    return "".join(by + line + "\n" for line in statement.splitlines())


def protocol_with(statement: str, place: str) -> str:
    """The protocol doing ``statement`` at ``place``."""
    if place == "top level":
        return HEAD.replace("async def", statement + "\nasync def", 1)
    if place == "setup":
        return HEAD + "def setup():\n" + _indent(statement, "    ") + "    return {}\n"
    if place == "finally":
        return HEAD + "    try:\n        pass\n    finally:\n" + _indent(statement, " " * 8)
    if place == "caught":
        return HEAD + "    try:\n" + _indent(statement, " " * 8) + \
            "    except Exception:\n        pass\n"
    return HEAD + _indent(statement, "    ")


@dataclass
class Bench:
    """Where a generated protocol may try to leave a trace: none may remain."""

    root: Path
    listener: socket.socket

    @property
    def target(self) -> Path:
        return self.root / "created.txt"

    @property
    def victim(self) -> Path:
        return self.root / "keep.txt"

    def fill(self, statement: str) -> str:
        return statement.format(target=str(self.target), victim=str(self.victim),
                                port=self.listener.getsockname()[1])

    def untouched(self) -> bool:
        try:
            self.listener.accept()[0].close()
            accepted = True
        except BlockingIOError:
            accepted = False
        return not self.target.exists() and self.victim.read_text() == "keep" and not accepted


@contextlib.contextmanager
def bench() -> Iterator[Bench]:
    with tempfile.TemporaryDirectory() as root, socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        (Path(root) / "keep.txt").write_text("keep")
        yield Bench(Path(root), listener)


def simulate_cli(source: str | bytes, root: Path, *extra: str,
                 limit: float = 15) -> tuple[int, float]:
    """``praxis-lab simulate`` on ``source``: its exit code and how long it took."""
    f = root / "protocol.py"
    if isinstance(source, bytes):
        f.write_bytes(source)
    else:
        f.write_text(source)
    t0 = time.monotonic()
    code = main(["simulate", str(f), "--time-limit", f"{limit:g}", *extra])
    return code, time.monotonic() - t0


def _said(capsys: pytest.CaptureFixture[str]) -> str:
    out = capsys.readouterr()
    return out.out + out.err


_SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@_SETTINGS
@given(what=st.sampled_from(sorted(SIDE_EFFECTS) + sorted(RAISES)),
       place=st.sampled_from(PLACES))
def test_a_side_effect_or_an_exit_anywhere_is_one_answer_and_leaves_no_trace(
        what, place, capsys):
    statement = SIDE_EFFECTS.get(what) or RAISES[what]
    with bench() as b:
        source = protocol_with(b.fill(statement), place)
        setup = ("--setup", "setup") if place == "setup" else ()
        code, took = simulate_cli(source, b.root, *setup)
        said = _said(capsys)
        assert took < 15 and "Traceback" not in said
        assert b.untouched(), (what, place)
    if place in ("top level", "setup"):
        assert code == 2 and said.count("\n") == 1, said
    elif place == "caught" and what == "raises RuntimeError":
        assert code == 0, said  # the protocol handles its own error: nothing is wrong
    else:
        assert code == 1 and "protocol_error" in said, said  # at the line: what it did
    if what in SIDE_EFFECTS and place not in ("top level", "setup"):
        assert "while being simulated" in said


@_SETTINGS
@given(value=st.sampled_from(["nan", "-50", "inf", "-0.001", "1e309", "abc"]),
       name=st.sampled_from(["volume", "tips", "plate"]))
def test_a_bad_parameter_value_is_a_failure_or_a_usage_error(value, name, capsys):
    with bench() as b:
        code, took = simulate_cli(HEAD, b.root, "--param", f"{name}={value}")
        said = _said(capsys)
    assert took < 15 and "Traceback" not in said
    if name != "volume" or value == "abc":
        assert code == 2 and said.count("\n") == 1, said
    else:
        assert code == 1 and "bad_arguments" in said, said


@_SETTINGS
@given(junk=st.binary(min_size=1, max_size=6).filter(lambda b: not _decodes(b)),
       line=st.integers(0, 5))
def test_undecodable_bytes_anywhere_are_one_line_naming_where(junk, line, capsys):
    lines = HEAD.encode().splitlines(True)
    lines.insert(line, b"# " + junk + b"\n")
    with bench() as b:
        code, _ = simulate_cli(b"".join(lines), b.root)
        said = _said(capsys)
    assert code == 2 and "Traceback" not in said and said.count("\n") == 1
    assert "is not valid UTF-8" in said or "UTF-16" in said or "encoding" in said


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.slow
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(what=st.sampled_from(sorted(ENDLESS)), place=st.sampled_from(PLACES))
def test_an_endless_protocol_anywhere_is_answered_within_the_limit(what, place, capsys):
    with bench() as b:
        source = protocol_with(ENDLESS[what], place)
        setup = ("--setup", "setup") if place == "setup" else ()
        code, took = simulate_cli(source, b.root, *setup, limit=2)
        said = _said(capsys)
    assert code == 3 and took < 2.0, (what, place, said)
    assert "not fully checked" in said and "Traceback" not in said
