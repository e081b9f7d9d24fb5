"""Simulation has no side effects: the protocol may read files, never write, spawn or connect."""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from praxis_lab import simulate
from praxis_lab.protocol.analyse import ProtocolError
from praxis_lab.trace.sandbox import SideEffectBlocked, confined, simulated_code, simulating
from praxis_lab.trace.scope import sandbox

PROTOCOLS = Path(__file__).parent / "protocols"

HEAD = '''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    await lh.pick_up_tips(tips["A1"])
'''


def _only(report):
    assert [m.kind for m in report.failure_modes] == ["protocol_error"], report.failure_modes
    return report.failure_modes[0]


def test_a_file_written_in_the_body_is_refused_and_reported_at_its_line(tmp_path):
    target = tmp_path / "log.txt"
    report = simulate(HEAD + f'    open({str(target)!r}, "w").write("moved")\n')
    mode = _only(report)
    assert mode.line == 4
    assert f"writes {target} while being simulated" in mode.message
    assert not target.exists()


def test_a_file_deleted_in_the_body_is_still_there(tmp_path):
    victim = tmp_path / "results.csv"
    victim.write_text("keep me")
    report = simulate("import os\n" + HEAD + f"    os.remove({str(victim)!r})\n")
    assert f"deletes {victim} while being simulated" in _only(report).message
    assert victim.read_text() == "keep me"


def test_a_refusal_the_protocol_catches_is_reported_all_the_same(tmp_path):
    target = tmp_path / "log.txt"
    report = simulate(HEAD + f'''    try:
        open({str(target)!r}, "a")
    except OSError:
        pass
''')
    assert _only(report).line == 5 and not target.exists()


def test_a_process_started_on_a_branch_only_is_refused_on_that_path(tmp_path):
    marker = tmp_path / "ran"
    report = simulate("import subprocess\n" + HEAD.replace("plate: Plate", "plate: Plate, "
                      "n: int = 1") + f'''    if n > 5:
        subprocess.run(["touch", {str(marker)!r}])
''')
    mode = _only(report)
    assert "starts a process" in mode.message and mode.line == 6
    assert mode.certainty == "conditional" and "n > 5" in (mode.condition or "")
    assert not marker.exists()


def test_a_thread_started_by_the_protocol_is_refused_it_would_run_unwatched(tmp_path):
    target = tmp_path / "from-a-thread.txt"
    report = simulate("import threading\n" + HEAD + "    threading.Thread(target=lambda: "
                      f"open({str(target)!r}, 'w')).start()\n")
    assert "starts a thread while being simulated" in _only(report).message
    assert not target.exists()


def test_ending_the_process_is_refused_it_would_end_the_simulation_with_no_answer():
    report = simulate("import os\n" + HEAD + "    os._exit(0)\n")
    assert "ends the process (os._exit(0)) while being simulated" in _only(report).message


def test_the_command_line_gives_the_simulation_half_the_machines_memory(tmp_path, capsys):
    from praxis_lab.cli import main

    f = tmp_path / "limits.py"
    f.write_text("import resource\n" + HEAD + "    raise RuntimeError("
                 "f'address space {resource.getrlimit(resource.RLIMIT_AS)[0]}')\n")
    assert main(["simulate", str(f)]) == 1
    half = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    assert f"address space {half}" in capsys.readouterr().out


def test_a_network_connection_and_a_name_lookup_are_refused():
    report = simulate("import socket\n" + HEAD + '    with socket.socket() as s:\n'
                      '        s.connect(("127.0.0.1", 9))\n')
    assert "connects to ('127.0.0.1', 9) while being simulated" in _only(report).message
    report = simulate("import socket\n" + HEAD +
                      '    socket.create_connection(("robot.lab", 80), timeout=1)\n')
    assert "looks up robot.lab while being simulated" in _only(report).message


def test_reading_a_pick_list_stays_allowed(tmp_path):
    picks = tmp_path / "picks.csv"
    picks.write_text("A1\nB1\n")
    report = simulate(f'''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
    wells = open({str(picks)!r}).read().split()
    await lh.pick_up_tips(tips["A1"])
    for w in wells:
        await lh.aspirate(plate[w], vols=[10])
''')
    assert all(m.kind != "protocol_error" for m in report.failure_modes)
    assert report.expected_ops == 3


def test_a_side_effect_at_the_top_level_is_one_protocol_error_naming_the_line(tmp_path):
    target = tmp_path / "top.txt"
    source = f"open({str(target)!r}, 'w')\n" + HEAD
    with pytest.raises(ProtocolError, match=r"\(its top level\) writes .*top.txt while "
                       r"being simulated.* @ 1:0"):
        simulate(source)
    caught = f"try:\n    open({str(target)!r}, 'w')\nexcept OSError:\n    pass\n" + HEAD
    with pytest.raises(ProtocolError, match=r"its top level.* @ 2:0"):
        simulate(caught)
    assert not target.exists()


def test_a_setup_with_a_side_effect_is_refused_every_time(tmp_path, monkeypatch):
    """A setup is kept (and frozen between processes) only once it has run: one that writes
    runs under the sandbox each time, and is never kept."""
    monkeypatch.setenv("PRAXIS_LAB_CACHE", "on")
    monkeypatch.setenv("PRAXIS_LAB_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "deck.log"
    text = (PROTOCOLS / "ok_96_head.py").read_text().replace(
        "    return {", f"    open({str(target)!r}, 'w')\n    return {{")
    protocol = tmp_path / "head.py"
    protocol.write_text(text)
    for _ in range(2):
        with pytest.raises(ProtocolError, match=r"\(the setup\) writes .*deck.log"):
            simulate(protocol, setup="setup", cache=False)
    assert not target.exists()


def test_praxis_lab_still_files_its_own_cache_while_simulating(tmp_path):
    """A cold process freezes the setup it built into the cache directory, mid-simulation."""
    env = {**os.environ, "PRAXIS_LAB_CACHE": "on", "PRAXIS_LAB_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "simulate",
                           str(PROTOCOLS / "ok_96_head.py"), "--setup", "setup"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.rglob("*") if "setups" in p.parts and p.is_file()]


def test_importing_a_helper_module_writes_its_bytecode_cache_unreported(tmp_path, monkeypatch):
    (tmp_path / "helpers_for_sandbox.py").write_text("WELLS = ['A1']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # (PYTHONDONTWRITEBYTECODE)
    monkeypatch.setattr(sys, "pycache_prefix", None)
    report = simulate("from helpers_for_sandbox import WELLS\n" + HEAD)
    assert report.ok, report.summary()
    sys.modules.pop("helpers_for_sandbox", None)
    assert list((tmp_path / "__pycache__").glob("helpers_for_sandbox*.pyc"))


def test_a_bytecode_cache_under_pythonpycacheprefix_is_written_unreported(tmp_path):
    (tmp_path / "helpers_prefixed.py").write_text("WELLS = ['A1']\n")
    (tmp_path / "protocol.py").write_text("from helpers_prefixed import WELLS\n" + HEAD)
    prefix = tmp_path / "pyc"  # a fresh tree: Python must create its directories
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(prefix), PYTHONPATH=str(tmp_path))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-m", "praxis_lab.cli", "simulate",
                           str(tmp_path / "protocol.py")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert list(prefix.rglob("helpers_prefixed*.pyc"))


def test_another_thread_is_never_touched_while_this_one_simulates(tmp_path):
    other = tmp_path / "run-log.txt"
    simulating_now, done = threading.Event(), threading.Event()

    def a_run_elsewhere() -> None:
        simulating_now.wait(30)
        assert sandbox() is None
        other.write_text("a real run logs here")
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        done.set()

    worker = threading.Thread(target=a_run_elsewhere)
    worker.start()  # (a thread started while simulating would be refused)
    with simulating():
        with pytest.raises(SideEffectBlocked):
            (tmp_path / "here.txt").write_text("refused")
        simulating_now.set()
        assert done.wait(30)
    worker.join(30)
    assert other.read_text() == "a real run logs here"
    assert not (tmp_path / "here.txt").exists()


def test_a_simulation_on_a_worker_thread_leaves_this_thread_free(tmp_path):
    target = tmp_path / "sim.txt"
    reports = []
    worker = threading.Thread(target=lambda: reports.append(
        simulate(HEAD + f"    open({str(target)!r}, 'w')\n")))
    worker.start()
    (tmp_path / "main.txt").write_text("free")  # meanwhile, on this thread
    worker.join(60)
    assert _only(reports[0]) and not target.exists()
    assert (tmp_path / "main.txt").read_text() == "free"
    with socket.socket() as s:  # and nothing stays refused once it is over
        s.bind(("127.0.0.1", 0))


def test_simulate_help_and_the_readme_say_what_runs_and_what_is_blocked(capsys):
    from praxis_lab.cli import main

    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "FILE's Python does run (its top level, the setup, the protocol's body" in said
    assert "writing or deleting files, starting processes or threads, network connections, " \
           "opening a device, calling C code through ctypes and waiting for input are " \
           "blocked" in said
    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    assert "**What `simulate` runs, and what it blocks.**" in readme


# --- C code through ctypes ----------------------------------------------------------------

def test_calling_libc_through_ctypes_is_refused_and_the_command_never_runs(tmp_path):
    marker = tmp_path / "from-libc"
    report = simulate("import ctypes\n" + HEAD +
                      f"    ctypes.CDLL(None).system(b'touch {marker}')\n")
    mode = _only(report)
    assert mode.line == 5
    assert "loads the C library of the process itself through ctypes while being " \
           "simulated" in mode.message
    assert "make it a parameter), or check it without them" in mode.message
    assert not marker.exists()


def test_a_c_function_of_a_library_loaded_before_is_refused_when_looked_up(
        tmp_path, monkeypatch):
    marker = tmp_path / "from-libc"
    (tmp_path / "praxis_handles.py").write_text("import ctypes\nLIBC = ctypes.CDLL(None)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import praxis_handles  # loaded outside the simulation  # noqa: F401

    report = simulate("from praxis_handles import LIBC\n" + HEAD +
                      f"    LIBC.system(b'touch {marker}')\n")
    assert "calls the C function system through ctypes" in _only(report).message
    assert not marker.exists()
    sys.modules.pop("praxis_handles", None)


def test_writing_memory_by_its_address_is_refused_and_the_bytes_stay(tmp_path):
    victim = bytearray(b"keep")
    address = ctypes.addressof((ctypes.c_char * 4).from_buffer(victim))
    report = simulate("import ctypes\n" + HEAD + f"    ctypes.memmove({address}, b'gone', 4)\n")
    assert "reads or writes memory through ctypes (ctypes.memmove)" in _only(report).message
    assert victim == b"keep"
    report = simulate("import ctypes\n" + HEAD + "    ctypes.c_char.from_address(1)\n")
    assert "through ctypes (ctypes.cdata)" in _only(report).message


def test_ctypes_outside_a_simulation_and_on_another_thread_works_as_ever():
    go, done = threading.Event(), []

    def elsewhere() -> None:
        go.wait(30)
        done.append(ctypes.CDLL(None).getpid())

    worker = threading.Thread(target=elsewhere)
    worker.start()
    with simulating():
        go.set()
        worker.join(30)
    assert done == [os.getpid()]
    buffer = ctypes.create_string_buffer(b"abcd")
    ctypes.memmove(buffer, b"wxyz", 4)
    assert buffer.value == b"wxyz"


def _library(tmp_path: Path, name: str, source: str) -> None:
    """An installed package (under a site-packages directory) named ``name``."""
    site = tmp_path / "site-packages"
    (site / name).mkdir(parents=True)
    (site / name / "__init__.py").write_text(source)


def test_a_package_that_loads_its_c_library_as_it_is_imported_still_imports(
        tmp_path, monkeypatch):
    _library(tmp_path, "praxis_fake_driver", "import ctypes\n_libc = ctypes.CDLL(None)\n"
             "PID = _libc.getpid()\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    monkeypatch.delitem(sys.modules, "praxis_fake_driver", raising=False)
    report = simulate("import praxis_fake_driver\n" + HEAD)
    assert report.ok, report.summary()
    assert os.getpid() == sys.modules["praxis_fake_driver"].PID


# --- what a backend's setup() does: a serial port, a USB device ------------------------

_ASYNC_SETUP = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import Cor_96_wellplate_360ul_Fb, HTF, STARLetDeck
import praxis_fake_backend

async def setup():
    deck = STARLetDeck()
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    await praxis_fake_backend.Backend().setup()
    return {"lh": lh}

async def p(lh: LiquidHandler):
    await lh.pick_up_tips(lh.deck.get_resource("tips")["A1"])
'''


@pytest.mark.parametrize(("driver", "said"), [
    ("import os\nclass Backend:\n    async def setup(self):\n"  # as pyserial opens a port
     "        self.fd = os.open('/dev/ttyUSB7', os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)\n",
     "opens the device /dev/ttyUSB7"),
    ("class Backend:\n    async def setup(self):\n"  # as a USB driver reads its device
     "        open('/dev/bus/usb/001/002', 'rb')\n", "opens the device /dev/bus/usb/001/002"),
    ("import ctypes\nclass Backend:\n    async def setup(self):\n"  # as pyusb, pylibftdi find
     "        ctypes.CDLL('libusb-1.0.so.0')\n",
     "loads the C library libusb-1.0.so.0 through ctypes"),
], ids=["serial", "usb-device", "libusb"])
def test_a_backend_setup_that_opens_its_device_is_refused_in_an_async_setup(
        tmp_path, monkeypatch, driver, said):
    _library(tmp_path, "praxis_fake_backend", driver)
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    monkeypatch.delitem(sys.modules, "praxis_fake_backend", raising=False)
    protocol = tmp_path / "device.py"
    protocol.write_text(_ASYNC_SETUP)
    with pytest.raises(ProtocolError, match=rf"\(the setup\) {said} while being simulated"
                       r".* @ 10:"):
        simulate(protocol, setup="setup", cache=False)


def test_dev_null_and_random_bytes_stay_open_to_the_protocol():
    report = simulate("import os, contextlib\n" + HEAD + "    with open(os.devnull, 'w') as "
                      "quiet, contextlib.redirect_stdout(quiet):\n        print('hidden')\n"
                      "    seed = open('/dev/urandom', 'rb').read(4)\n")
    assert report.ok, report.summary()


# --- each side effect a protocol may realistically have --------------------------------

@pytest.mark.parametrize(("code", "said"), [
    ("os.system('touch {m}')", "starts a process (touch {m})"),
    ("subprocess.Popen(['touch', '{m}'])", "starts a process (touch {m})"),
    ("shutil.copy('{src}', '{m}')", "writes {m}"),
    ("pathlib.Path('{m}').write_text('x')", "writes {m}"),
    ("pathlib.Path('{m}').touch()", "changes {m}"),
    ("os.makedirs('{m}')", "creates {m}"),
    ("shutil.move('{src}', '{m}')", "renames {src} to {m}"),
    ("os.remove('{src}')", "deletes {src}"),
    ("shutil.rmtree('{dir}')", "deletes {dir}"),
    ("pathlib.Path('{src}').unlink()", "deletes {src}"),
], ids=lambda v: v.split("(")[0] if "(" in v else None)
def test_a_realistic_side_effect_is_refused_and_did_not_happen(tmp_path, code, said):
    keep = tmp_path / "keep"
    keep.mkdir()
    src = keep / "picks.csv"
    src.write_text("A1\n")
    m = tmp_path / "made"
    fill = {"m": m, "src": src, "dir": keep}
    report = simulate("import os, pathlib, shutil, subprocess\n" + HEAD + "    "
                      + code.format(**fill) + "\n")
    mode = _only(report)
    assert f"{said.format(**fill)} while being simulated" in mode.message and mode.line == 5
    assert not m.exists() and src.read_text() == "A1\n"


def test_waiting_for_input_is_refused_and_nothing_is_read(monkeypatch):
    read: list[str] = []

    class Stdin:
        def readline(self) -> str:
            read.append("line")
            return "100\n"

    monkeypatch.setattr(sys, "stdin", Stdin())
    report = simulate(HEAD + "    volume = float(input('volume? '))\n")
    assert "waits for input (input('volume? ')) while being simulated" in \
        _only(report).message
    assert read == []


def test_a_notebook_s_own_input_is_refused_too(monkeypatch):
    """ipykernel puts its own ``input`` in builtins (it asks the browser); it is never
    called while simulating, and answers again after."""
    import builtins

    asked: list[str] = []

    def kernel_input(prompt: str = "") -> str:
        asked.append(prompt)
        return "100"

    monkeypatch.setattr(builtins, "input", kernel_input)
    report = simulate(HEAD + "    volume = float(input('volume? '))\n")
    assert "waits for input" in _only(report).message and asked == []
    assert input("after? ") == "100" and asked == ["after? "]



def test_a_confined_finalizer_is_refused_even_a_builtin_one_and_outside_a_simulation(
        tmp_path):
    victim = tmp_path / "results.csv"
    victim.write_text("keep me")
    with pytest.raises(SideEffectBlocked, match=f"deletes {victim} while being simulated"):
        confined(os.remove, victim)  # no code of the protocol's on the stack: refused all the same
    assert victim.read_text() == "keep me" and sandbox() is None


def test_a_confined_finalizer_inside_a_simulation_is_reported_by_it(tmp_path):
    target = tmp_path / "log.txt"
    with simulating() as box, pytest.raises(SideEffectBlocked):
        confined(open, target, "w")
    assert [b.what for b in box.take()] == [f"writes {target}"] and not target.exists()


def test_an_exit_handler_the_protocol_registers_is_not_registered_a_library_s_is(tmp_path):
    import atexit

    target = tmp_path / "at_exit.txt"
    before = atexit._ncallbacks()
    with simulating():
        exec(compile("import atexit\nhandler = atexit.register(open, path, 'w')\n",
                     "<protocol>", "exec"), {"path": str(target)})
        assert atexit._ncallbacks() == before
        exec(compile("atexit.register(print)", os.__file__, "exec"),  # the standard library's
             {"atexit": atexit})
    try:
        assert atexit._ncallbacks() == before + 1
    finally:
        atexit.unregister(print)


def test_a_weakref_finalize_the_protocol_registers_calls_back_confined(tmp_path, monkeypatch):
    import weakref

    class Box:
        pass

    raised: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: raised.append(u.exc_value))
    victim = tmp_path / "results.csv"
    victim.write_text("keep me")
    kept, ran = Box(), []
    with simulating():
        exec(compile("import os, weakref\nweakref.finalize(kept, os.remove, path)\n",
                     "<protocol>", "exec"), {"path": str(victim), "kept": kept})
    weakref.finalize(kept, ran.append, "outside")  # not in a simulation: as ever
    del kept  # (after the simulation: its callbacks run now, here)
    assert [type(e) for e in raised] == [SideEffectBlocked] and ran == ["outside"]
    assert victim.read_text() == "keep me"


def test_a_simulations_code_is_refused_wherever_it_runs_later_the_code_it_copied_is_not(
        tmp_path):
    original = compile("def save(path):\n    open(path, 'w').close()\n", "<protocol>", "exec")
    simulated: dict = {}
    exec(simulated_code(original), simulated)
    refused: list[BaseException] = []

    def later() -> None:  # on another thread, after the simulation
        try:
            simulated["save"](tmp_path / "simulated.txt")
        except SideEffectBlocked as exc:
            refused.append(exc)

    worker = threading.Thread(target=later)
    worker.start()
    worker.join()
    ran: dict = {}
    exec(original, ran)  # a run's load of the same (cached) code: as ever
    ran["save"](tmp_path / "ran.txt")
    assert len(refused) == 1 and sandbox() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ran.txt"]
