"""A protocol file's heavy PLR imports are deferred only where nothing uses them."""

from __future__ import annotations

import sys

import pytest

from praxis_lab.protocol.deferred import Deferred, builtins_with, plan
from praxis_lab.protocol.loading import load

HEAD = "from pylabrobot.liquid_handling import LiquidHandler\n"
PROTOCOL = "async def p(lh: LiquidHandler, plate: Plate):\n    pass\n"
SETUP = "def setup():\n    return {'lh': LiquidHandler()}\n"


@pytest.mark.parametrize(("source", "expected"), [
    (HEAD + SETUP + PROTOCOL, {"pylabrobot.liquid_handling": frozenset({"LiquidHandler"})}),
    # a helper the protocol calls runs too
    (HEAD + SETUP + "def helper():\n    return LiquidHandler\n"
     + PROTOCOL.replace("pass", "helper()"), {}),
    # the protocol's own code uses it: imported as written
    (HEAD + SETUP + PROTOCOL.replace("pass", "assert isinstance(lh, LiquidHandler)"), {}),
    # something else calls the setup: its body may run
    (HEAD + SETUP + PROTOCOL + "DECK = setup()\n", {}),
    # labware comes from pylabrobot.resources, which a thawed setup needs anyway
    ("from pylabrobot.resources import Plate\n" + SETUP + PROTOCOL, {}),
    # one name of the statement is used: the statement runs
    ("from pylabrobot.liquid_handling import LiquidHandler, Strictness\n" + SETUP
     + PROTOCOL.replace("pass", "print(Strictness)"), {}),
    ("import pylabrobot.liquid_handling\n" + SETUP + PROTOCOL, {}),
])
def test_only_names_no_code_that_runs_uses_are_deferred(source, expected):
    assert plan(source, ["p"]) == expected


def test_a_deferred_name_is_the_real_object_once_used():
    from pylabrobot.resources import Plate, Well

    d = Deferred("pylabrobot.resources", "Well")
    assert repr(d) == "<deferred pylabrobot.resources.Well>"
    well = d(name="w", size_x=1, size_y=1, size_z=1)
    assert isinstance(well, d) and isinstance(well, Well) and issubclass(Well, d)
    assert d.__name__ == "Well" and not isinstance(Plate, d)

    class Deeper(d):  # a protocol file may subclass it
        pass

    assert issubclass(Deeper, Well)


def test_imports_outside_the_plan_are_the_real_ones():
    import json

    b = builtins_with({"pylabrobot.liquid_handling": frozenset({"LiquidHandler"})})
    assert b["__import__"]("json") is json
    assert b["len"] is len


def test_a_file_loaded_for_a_kept_setup_leaves_the_heavy_package_alone(tmp_path):
    import subprocess

    f = tmp_path / "p.py"
    f.write_text(HEAD + SETUP + PROTOCOL)
    code = ("import sys\nfrom praxis_lab.protocol.loading import load\n"
            f"loaded = load({str(f)!r}, calls=())\n"
            "print(loaded.deferred, repr(loaded.namespace['LiquidHandler']),\n"
            "      'pylabrobot.liquid_handling' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out == ["True", "<deferred", "pylabrobot.liquid_handling.LiquidHandler>", "False"]


def test_when_the_setup_will_be_called_what_it_uses_is_imported_as_written(tmp_path):
    f = tmp_path / "p.py"
    f.write_text(HEAD + SETUP + PROTOCOL)
    for calls in (("setup",), None):  # None: any function may be called
        loaded = load(str(f), calls=calls)
        assert not loaded.deferred
        assert not isinstance(loaded.namespace["LiquidHandler"], Deferred)


def test_a_name_only_annotations_use_is_always_deferred(tmp_path):
    f = tmp_path / "p.py"
    f.write_text(HEAD + PROTOCOL)
    expected = {"pylabrobot.liquid_handling": frozenset({"LiquidHandler"})}
    assert plan(HEAD + PROTOCOL) == plan(HEAD + PROTOCOL, ["p"]) == expected
    assert load(str(f)).func.__annotations__["lh"] == "LiquidHandler"  # text, as always
