"""``praxis-lab watch``: simulate again on every save, print only what changed."""

from __future__ import annotations

import io
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from praxis_lab.cli.watch import Watcher
from praxis_lab.pipeline import simulate

GOOD = '''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[30])
    await lh.dispense(plate["B1"], vols=[30])
    await lh.drop_tips(tips["A1"])
'''
# no tip: one failure mode (the aspirate's), the dispense and the drop its consequences
DRY = GOOD.replace('    await lh.pick_up_tips(tips["A1"])\n', "")
WET = GOOD.replace('    await lh.dispense(plate["B1"], vols=[30])\n', "")  # drops a wet tip


def _save(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()  # a later mtime even on a coarse clock
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _watcher(tmp_path: Path) -> tuple[Watcher, io.StringIO, Path]:
    path = tmp_path / "p.py"
    _save(path, GOOD)
    out = io.StringIO()
    return Watcher(path, lambda f: simulate(f, cache=False), out), out, path


def _said(out: io.StringIO) -> list[str]:
    lines = out.getvalue().splitlines()
    out.seek(0)
    out.truncate()
    return lines


def test_the_first_simulation_prints_the_summary_then_only_what_changed(tmp_path):
    w, out, path = _watcher(tmp_path)
    assert w.poll()
    first = _said(out)
    assert "p: ok — 4 ops" in first[0] and any("tips: tips 1" in ln for ln in first)
    _save(path, DRY)
    assert w.poll()
    head, *moved = _said(out)
    assert "ok -> fails" in head
    assert len(moved) == 1 and moved[0].startswith("  + no_tips @ line 3")
    assert "the dispense at line 4 and the drop_tips at line 5 fail" in moved[0]
    _save(path, WET)
    assert w.poll()
    head, *moved = _said(out)
    assert "fails" in head and "->" not in head
    assert sorted(ln[:4] for ln in moved) == ["  + ", "  - "]
    assert any("tip_not_empty" in ln for ln in moved if ln.startswith("  + "))


def test_a_save_that_changes_nothing_is_not_simulated_again(tmp_path):
    w, out, path = _watcher(tmp_path)
    w.poll()
    _said(out)
    assert not w.poll()
    _save(path, GOOD)  # touched, same content
    assert not w.poll() and w.runs == 1 and _said(out) == []


def test_a_line_added_above_a_failure_does_not_make_it_new(tmp_path):
    w, out, path = _watcher(tmp_path)
    _save(path, WET)
    w.poll()
    _said(out)
    _save(path, "# a comment above everything\n" + WET)
    assert w.poll()
    (head,) = _said(out)
    assert "fails, no change (1 failure mode)" in head


def test_a_save_that_does_not_parse_is_said_once_then_the_report_is_back(tmp_path):
    w, out, path = _watcher(tmp_path)
    w.poll()
    _said(out)
    _save(path, GOOD.replace("tips: TipRack,", "tips: TipRack"))
    w.poll()
    (line,) = _said(out)
    assert "not simulated: syntax error" in line
    _save(path, GOOD + "\n")
    w.poll()
    (line,) = _said(out)
    assert "ok again" in line


def _lines(proc: subprocess.Popen[str]) -> queue.Queue[str]:
    q: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            q.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return q


def _until(q: queue.Queue[str], needle: str, timeout: float = 120.0) -> list[str]:
    seen: list[str] = []
    while True:
        line = q.get(timeout=timeout)
        seen.append(line)
        if needle in line:
            return seen


def test_the_command_follows_saves_and_ctrl_c_exits_0_without_a_traceback(tmp_path):
    path = tmp_path / "p.py"
    _save(path, GOOD)
    exe = Path(sys.executable).with_name("praxis-lab")
    proc = subprocess.Popen([str(exe), "watch", str(path), "--interval", "0.05"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        q = _lines(proc)
        _until(q, "p: ok — 4 ops")
        _save(path, DRY)
        said = _until(q, "+ no_tips @ line 3")
        assert any("ok -> fails" in ln for ln in said)
        _save(path, GOOD)
        _until(q, "- no_tips @ line 3")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "Traceback" not in err and "stopped watching" in err
