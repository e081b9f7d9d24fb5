"""What the command line keeps between processes: read back while nothing changed, never
when something did."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from praxis_lab import _plr, cachedir
from praxis_lab.protocol import setups

SETUP = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, STARLetDeck,
                                  cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter)
from deck_helpers import START


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(tip_car, rails=1)
    lh.deck.assign_child_resource(plate_car, rails=8)
    plate.set_well_volumes([START] * 96)
    return {"lh": lh, "tips": tips, "plate": plate}
'''

PROTOCOL = '''

async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 20.0):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[volume])
    await lh.dispense(plate["B1"], vols=[volume])
    await lh.drop_tips(tips["A1"])
'''


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    """A lab repository: a protocol file, a helper module, a cache directory."""
    (tmp_path / "deck_helpers.py").write_text("START = 100.0\n")
    (tmp_path / "protocol.py").write_text(SETUP + PROTOCOL)
    (tmp_path / "cache").mkdir()
    return tmp_path


def _cli(lab: Path, *extra: str, cache: str = "on", setup: bool = True
         ) -> tuple[dict[str, Any], bool]:
    """``praxis-lab simulate protocol.py --setup setup --json`` in a new process: the
    report, and whether the process imported PLR's liquid-handling package."""
    argv = ["simulate", "protocol.py", *(["--setup", "setup"] if setup else []), "--json",
            *extra]
    # The command simulates in a child process (cli/watchdog.py): the child says what it
    # imported, as its work ends.
    code = ("import sys\nfrom praxis_lab.cli import main, watchdog\n"
            "answered = watchdog.answered\n"
            "def said(seconds, label, work, started=None):\n"
            "    def work_then_say(limit):\n"
            "        rc = work(limit)\n"
            "        lh = 'pylabrobot.liquid_handling.liquid_handler' in sys.modules\n"
            "        print('IMPORTED' if lh else 'NOT-IMPORTED', rc, file=sys.stderr)\n"
            "        return rc\n"
            "    return answered(seconds, label, work_then_say, started)\n"
            "watchdog.answered = said\n"
            f"rc = main({argv!r})\n"
            "print('MAIN', rc, file=sys.stderr)\n")
    env = dict(os.environ, PRAXIS_LAB_CACHE_DIR=str(lab / "cache"), PRAXIS_LAB_CACHE=cache,
               PYTHONPATH=str(lab))
    out = subprocess.run([sys.executable, "-c", code], cwd=lab, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    report.pop("timings_ms")
    said = re.search(r"(NOT-)?IMPORTED (\d+)\nMAIN (\d+)\n$", out.stderr)
    assert said and said[2] == said[3], out.stderr  # the child answered, with main's code
    return report, "NOT-IMPORTED" not in out.stderr


def _entries(lab: Path, kind: str) -> list[Path]:
    return sorted((lab / "cache").glob(f"*/{kind}/*.pickle"))


def _edit(lab: Path, old: str, new: str, name: str = "protocol.py") -> None:
    path = lab / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_second_process_reads_the_setup_back_and_leaves_plr_liquid_handling_alone(lab):
    first, imported = _cli(lab)
    assert imported and first["ok"] and first["level"] == "exact"
    assert len(_entries(lab, "setups")) == 1 and len(_entries(lab, "plr")) == 1
    _edit(lab, "volume: float = 20.0", "volume: float = 30.0")  # the protocol alone
    again, imported = _cli(lab)
    assert not imported
    assert again == _cli(lab, cache="off")[0]  # what a process without the cache says
    assert again["requirements"]["liquid"][0]["min_volume"] == 30.0


@pytest.mark.parametrize(("what", "name", "old", "new"), [
    ("the setup", "protocol.py", "rails=8)", "rails=9)"),
    ("a helper module it imports", "deck_helpers.py", "START = 100.0", "START = 25.0"),
])
def test_an_edit_to_what_the_setup_reads_builds_it_again(lab, what, name, old, new):
    before, _ = _cli(lab)
    _edit(lab, old, new, name)
    after, imported = _cli(lab)
    assert imported, what  # built again: the package came in with the setup
    assert after == _cli(lab, cache="off")[0] and after != before
    assert len(_entries(lab, "setups")) == 2


def test_a_damaged_entry_is_removed_and_the_setup_built(lab):
    first, _ = _cli(lab)
    (entry,) = _entries(lab, "setups")
    entry.write_bytes(b"not what was written")
    again, imported = _cli(lab)
    assert again == first and imported and not entry.exists()


def test_a_protocol_asking_the_frozen_handler_for_more_is_simulated_on_the_real_one(lab):
    _cli(lab)
    _edit(lab, '    await lh.pick_up_tips(tips["A1"])\n',
          '    held = lh.get_picked_up_resource()\n    await lh.pick_up_tips(tips["A1"])\n')
    again, imported = _cli(lab)
    assert imported and again["ok"] and again == _cli(lab, cache="off")[0]


def test_a_failing_protocols_fixes_are_proven_on_setups_read_back(lab):
    # too little liquid: the fixes start the wells with more (an edit to the setup, built
    # and frozen by the second process) or take less
    _edit(lab, "volume: float = 20.0", "volume: float = 150.0")
    first, _ = _cli(lab)
    assert not first["ok"] and first["failure_modes"][0]["fixes"]
    _cli(lab)
    again, imported = _cli(lab)
    assert not imported and again == first == _cli(lab, cache="off")[0]


def test_without_a_setup_the_proposed_deck_is_read_back(lab):
    first, imported = _cli(lab, setup=False)
    assert imported and first["ok"] and first["level"] == "symbolic"
    assert len(_entries(lab, "proposals")) == 1
    _edit(lab, "volume: float = 20.0", "volume: float = 30.0")
    again, imported = _cli(lab, setup=False)
    assert not imported and again == _cli(lab, setup=False, cache="off")[0]


def test_with_the_cache_off_nothing_is_written(lab):
    _cli(lab, cache="off")
    assert not list((lab / "cache").iterdir())


# --- every change to the environment is a new directory ---------------------------------


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("PRAXIS_LAB_CACHE", "on")
    monkeypatch.setenv("PRAXIS_LAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cachedir, "_ENV", {})
    monkeypatch.setattr(_plr.handler, "_LH_MODULE", "no.such.module")  # as if never imported
    setups.clear()
    yield tmp_path / "cache"
    setups.clear()


def _filed(tmp_path: Path) -> Any:
    """Write the protocol's setup entry as the current environment, return its key."""
    f = tmp_path / "p.py"
    f.write_text(SETUP.replace("from deck_helpers import START\n", "START = 100.0\n") + PROTOCOL)
    entry = setups.frozen_for(str(f), "setup")
    assert entry is not None and entry.data is None
    cachedir.write(cachedir.environment(_plr.plr_version()), "setups", entry.key, b"frozen")
    assert setups.frozen_for(str(f), "setup").data == b"frozen"
    return f


def test_another_plr_version_reads_nothing(cache_on, tmp_path, monkeypatch):
    f = _filed(tmp_path)
    monkeypatch.setattr(_plr, "plr_version", lambda: "0.2.3")
    assert setups.frozen_for(str(f), "setup").data is None


def test_another_praxis_lab_version_reads_nothing(cache_on, tmp_path, monkeypatch):
    f = _filed(tmp_path)
    import praxis_lab

    monkeypatch.setattr(praxis_lab, "__version__", "0.1.1")
    monkeypatch.setattr(cachedir, "_ENV", {})
    assert setups.frozen_for(str(f), "setup").data is None


def test_an_edit_to_any_praxis_lab_source_reads_nothing(cache_on, tmp_path, monkeypatch):
    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("X = 1\n")
    monkeypatch.setattr(cachedir, "_PACKAGE", package)
    f = _filed(tmp_path)
    (package / "module.py").write_text("X = 2  # edited\n")
    monkeypatch.setattr(cachedir, "_ENV", {})
    assert setups.frozen_for(str(f), "setup").data is None


def test_writing_a_new_environment_removes_the_others(cache_on, tmp_path, monkeypatch):
    _filed(tmp_path)
    (old,) = list(cache_on.iterdir())
    monkeypatch.setattr(_plr, "plr_version", lambda: "0.2.3")
    cachedir.write(cachedir.environment("0.2.3"), "setups", "k", b"x")
    assert not old.exists() and len(list(cache_on.iterdir())) == 1


def test_the_catalogue_read_back_is_the_catalogue(cache_on):
    from praxis_lab._plr import handler

    live = handler._live_catalogue()
    handler._keep(live, frozenset({"deck"}))
    kept = handler._from_kept(handler._kept())
    assert list(kept) == list(live)
    for name in live:
        assert kept[name] == live[name], name
    assert kept.heavy == {n for n, s in live.items()
                          if not all(handler._light(p.default) for p in s.params)}


def test_each_kind_keeps_its_most_recently_used_entries(cache_on, monkeypatch):
    monkeypatch.setattr(cachedir, "KEEP", 3)
    env = cachedir.environment("0.2.2")
    for i in range(3):
        cachedir.write(env, "setups", f"k{i}", b"x")
        os.utime(cache_on / env / "setups" / f"k{i}.pickle", ns=(i, i))  # k0 oldest
    assert cachedir.read(env, "setups", "k0") == b"x"  # used again: now the newest
    cachedir.write(env, "setups", "k3", b"x")
    assert sorted(p.stem for p in (cache_on / env / "setups").iterdir()) == ["k0", "k2", "k3"]
