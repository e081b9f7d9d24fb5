"""A setup's objects are built once while the setup is unchanged, and simulation never
changes them."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from praxis_lab.pipeline import simulate
from praxis_lab.protocol import setups
from praxis_lab.protocol.loading import load

TESTS = Path(__file__).parent
HELPER_MODULE = "praxis_lab_test_deck_helpers"

PROTOCOL = '''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 20.0):
    await lh.pick_up_tips(tips["A1"])
    await lh.aspirate(plate["A1"], vols=[volume])
    await lh.dispense(plate["B1"], vols=[volume])
    await lh.drop_tips(tips["A1"])
'''

SETUP = '''
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (PLT_CAR_L5AC_A00, TIP_CAR_480_A00, STARLetDeck,
                                  cor_96_wellplate_360uL_Fb, hamilton_96_tiprack_1000uL_filter)

START = 100.0


def fill(plate):
    plate.set_well_volumes([START] * 96)


def setup():
    print("building the deck")
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(tip_car, rails=1)
    lh.deck.assign_child_resource(plate_car, rails=8)
    fill(plate)
    return {"lh": lh, "tips": tips, "plate": plate}
'''


@pytest.fixture(autouse=True)
def _no_kept_setups():
    setups.clear()
    yield
    setups.clear()


def _builds(capsys: pytest.CaptureFixture[str]) -> int:
    return capsys.readouterr().out.count("building the deck")


def _simulate(tmp_path: Path, setup_src: str, protocol: str = PROTOCOL,
              protocol_first: bool = False) -> Any:
    f = tmp_path / "protocol.py"
    f.write_text(protocol + setup_src if protocol_first else setup_src + protocol)
    return simulate(str(f), setup="setup", cache=False)


def test_an_edit_to_the_protocol_alone_never_runs_the_setup_again(tmp_path, capsys):
    first = _simulate(tmp_path, SETUP)
    edited = _simulate(tmp_path, SETUP, PROTOCOL.replace("[volume]", "[volume * 2]"))
    moved = _simulate(tmp_path, SETUP, PROTOCOL + "\n# the protocol grew above the setup\n",
                      protocol_first=True)
    assert _builds(capsys) == 1
    assert first.ok and edited.ok and moved.ok
    assert edited.requirements["liquid"][0]["min_volume"] == 40.0


def test_the_kept_objects_are_the_same_objects(tmp_path):
    f = tmp_path / "p.py"
    f.write_text(SETUP + PROTOCOL)
    first = setups.setup_objects(load(str(f)), "setup")
    f.write_text(SETUP + PROTOCOL + "\n# edited\n")
    again = setups.setup_objects(load(str(f)), "setup")
    assert again is not first and again["lh"] is first["lh"] and again["plate"] is first["plate"]


@pytest.mark.parametrize(("what", "edit"), [
    ("the setup", ("rails=8)", "rails=9)")),
    ("a helper it calls", ("[START] * 96)", "[START / 2] * 96)")),
    ("a module constant it reads", ("START = 100.0", "START = 60.0")),
])
def test_an_edit_to_what_the_setup_reads_builds_it_again(tmp_path, capsys, what, edit):
    before = _simulate(tmp_path, SETUP)
    after = _simulate(tmp_path, SETUP.replace(*edit))
    assert _builds(capsys) == 2, what
    if what != "the setup":  # the wells start with less liquid: the layout says so
        assert _a1(after) < _a1(before) == 100.0


def _a1(report: Any) -> float:
    return next(float(r["volume"]) for r in report.deck_layout["resources"]
                if r.get("key") == "plate[A1]")


def test_a_helper_in_a_module_of_the_user_is_followed(tmp_path, capsys, monkeypatch):
    helpers = tmp_path / f"{HELPER_MODULE}.py"
    helpers.write_text("START = 100.0\n\ndef fill(plate):\n"
                       "    plate.set_well_volumes([START] * 96)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    src = SETUP.replace("def fill(plate):\n    plate.set_well_volumes([START] * 96)\n",
                        f"from {HELPER_MODULE} import fill\n")
    _simulate(tmp_path, src)
    _simulate(tmp_path, src, PROTOCOL + "\n# edited\n")
    assert _builds(capsys) == 1
    helpers.write_text(helpers.read_text().replace("100.0", "50.0"))
    monkeypatch.delitem(__import__("sys").modules, HELPER_MODULE)
    _simulate(tmp_path, src)
    assert _builds(capsys) == 1


def test_a_notebook_name_rebound_after_the_setup_was_defined_builds_it_again(capsys):
    ns: dict[str, Any] = {}
    exec(compile(textwrap.dedent(SETUP), "<cell-1>", "exec"), ns)
    assert setups.setup_key(load(PROTOCOL, namespace=ns), "setup") is not None
    simulate(PROTOCOL, setup="setup", namespace=ns, cache=False)
    simulate(PROTOCOL + "\n# edited\n", setup="setup", namespace=ns, cache=False)
    ns["START"] = 10.0  # another cell
    simulate(PROTOCOL, setup="setup", namespace=ns, cache=False)
    assert _builds(capsys) == 2


@pytest.mark.parametrize("reads", ["os.environ.get('DECK')", "random.random()",
                                   "open(os.devnull).read()"])
def test_a_setup_that_reads_the_world_is_built_every_time(tmp_path, capsys, reads):
    src = "import os\nimport random\n" + SETUP.replace("    fill(plate)\n",
                                                       f"    fill(plate)\n    {reads}\n")
    _simulate(tmp_path, src)
    _simulate(tmp_path, src)
    assert _builds(capsys) == 2


def test_a_constant_computed_from_the_environment_is_read_by_value(tmp_path, capsys,
                                                                    monkeypatch):
    src = "import os\n" + SETUP.replace(
        "START = 100.0", "START = float(os.environ.get('START_VOLUME', '100'))")
    _simulate(tmp_path, src)
    _simulate(tmp_path, src, PROTOCOL + "\n# edited\n")
    assert _builds(capsys) == 1
    monkeypatch.setenv("START_VOLUME", "70")
    assert _a1(_simulate(tmp_path, src)) == 70.0
    assert _builds(capsys) == 1


def test_a_mapping_of_objects_is_used_as_given():
    objects = {"volume": 1.0}
    loaded = load("async def p(lh: LiquidHandler, volume: float = 2.0):\n    pass\n")
    assert setups.setup_key(loaded, objects) is None
    assert setups.setup_objects(loaded, objects) == objects


def test_a_run_calls_its_setup_afresh(tmp_path, capsys):
    from praxis_lab import run

    f = tmp_path / "protocol.py"
    f.write_text(SETUP + PROTOCOL)
    simulate(str(f), setup="setup")
    kept = setups.setup_objects(load(str(f)), "setup")
    assert _builds(capsys) == 1
    record = run(str(f), setup="setup", db="sqlite://")
    assert record.ok and _builds(capsys) == 1  # the run built its own deck
    assert kept["plate"].get_item("B1").tracker.get_used_volume() == 100.0


# --- simulation never changes a setup's objects ----------------------------------------


def _with_setup() -> list[Any]:
    out = []
    for folder in ("protocols", "corpus"):
        for path in sorted((TESTS / folder).glob("*.py")):
            meta = path.with_suffix(".json")
            name = json.loads(meta.read_text()).get("setup") if meta.exists() else None
            if name is None and "\ndef setup(" in path.read_text():
                name = "setup"
            if name:
                out.append(pytest.param(path, name, id=f"{folder}/{path.stem}"))
    return out


def _snapshot(objects: dict[str, Any]) -> str:
    """PLR's own view of every object: its resource tree and all its state (and those of
    the root it sits under)."""
    seen: dict[str, Any] = {}
    for key, obj in sorted(objects.items()):
        items = obj if isinstance(obj, list | tuple) else [obj]
        for i, item in enumerate(items):
            root = item
            if hasattr(item, "serialize_all_state"):
                seen[f"{key}.{i}"] = {"tree": item.serialize(), "state": item.serialize_all_state()}
                while getattr(root, "parent", None) is not None:
                    root = root.parent
                if root is not item:
                    seen[f"{key}.{i}.root"] = {"tree": root.serialize(),
                                               "state": root.serialize_all_state()}
            else:
                seen[f"{key}.{i}"] = repr(item)
    # PLR numbers every tip it makes (serialize makes one per spot): not state
    return re.sub(r'#\d+"', '"', json.dumps(seen, sort_keys=True, default=repr))


@pytest.mark.parametrize(("path", "setup"), _with_setup())
def test_simulating_never_changes_the_setups_objects(path, setup):
    loaded = load(str(path))
    kept = setups.setup_objects(loaded, setup)
    before = _snapshot(kept)
    report = simulate(str(path), setup=setup, cache=False)
    assert setups.setup_objects(load(str(path)), setup)["lh"] is kept["lh"]
    for i, mode in enumerate(report.failure_modes):  # proving fixes simulates again
        for j in range(len(mode.fixes)):
            report.apply_fix(i, j)
    assert _snapshot(kept) == before


def test_there_are_fixtures_with_setups_in_both_folders():
    ids = [p.id for p in _with_setup()]
    assert sum(i.startswith("protocols/") for i in ids) >= 15
    assert sum(i.startswith("corpus/") for i in ids) >= 50
