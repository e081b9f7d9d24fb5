"""Finding the protocol and reading its parameter types (seed 002)."""

from __future__ import annotations

import pytest

from praxis_lab.protocol.analyse import ProtocolError, analyse, extract_type, find_protocols
from praxis_lab.protocol.loading import load


@pytest.mark.parametrize(("annotation", "types", "container", "optional"), [
    ("Well", ("Well",), False, False),
    ("list[Well]", ("Well",), True, False),
    ("List[Well]", ("Well",), True, False),
    ("Sequence[TipSpot]", ("TipSpot",), True, False),
    ("tuple[Plate, TipRack]", ("Plate", "TipRack"), True, False),
    ("Optional[Plate]", ("Plate",), False, True),
    ("Union[Plate, None]", ("Plate",), False, True),
    ("Plate | None", ("Plate",), False, True),
    ("list[list[Well]]", ("Well",), True, False),
    ("'list[Well]'", ("Well",), True, False),
    ("Optional['TipRack']", ("TipRack",), False, True),
    ("typing.List[pylabrobot.resources.Well]", ("Well",), True, False),
    ("float", ("float",), False, False),
])
def test_annotations_are_read_into_element_types(annotation, types, container, optional):
    info = extract_type(annotation)
    assert info.types == types
    assert info.is_container is container
    assert info.optional is optional
    assert info.element_type == types[0]


def test_the_protocol_is_the_async_function_with_plr_parameters():
    src = "def helper(x):\n    return x\n\nasync def copy(lh: LiquidHandler, p: Plate):\n    pass\n"
    info = analyse(src)
    assert info.name == "copy" and info.line == 4
    assert [p.kind for p in info.params] == ["machine", "labware"]


def test_two_protocols_need_a_name():
    src = ("async def a(lh: LiquidHandler):\n    pass\n"
           "async def b(lh: LiquidHandler):\n    pass\n")
    with pytest.raises(ProtocolError, match=r"2 protocols .*--protocol NAME"):
        analyse(src)
    assert analyse(src, "b").name == "b"
    with pytest.raises(ProtocolError, match=r"no protocol named 'c'.*found: a, b"):
        analyse(src, "c")


def test_no_protocol_explains_what_one_looks_like():
    with pytest.raises(ProtocolError, match=r"no protocol found.*async def"):
        analyse("def f():\n    pass\n")


def test_a_syntax_error_points_at_line_and_column_with_a_caret():
    with pytest.raises(ProtocolError) as exc:
        analyse("async def f(lh: LiquidHandler):\n    await lh.aspirate(\n")
    text = str(exc.value)
    assert "@ 2:" in text and "^" in text
    assert exc.value.line == 2


def test_an_unannotated_parameter_without_default_is_named():
    with pytest.raises(ProtocolError, match="parameter 'plate' of f has no type annotation"):
        analyse("async def f(lh: LiquidHandler, plate):\n    pass\n")


def test_an_unannotated_parameter_with_a_default_is_a_value():
    info = analyse("async def f(lh: LiquidHandler, volume=50):\n    pass\n")
    assert info.param("volume").kind == "value" and info.param("volume").default == 50


def test_positions_of_every_call_are_recorded():
    info = find_protocols("async def f(lh: LiquidHandler):\n    await lh.a(1)\n    x(2)\n")[0]
    assert (2, 10, "lh.a") in info.calls and (3, 4, "x") in info.calls


def test_load_reports_a_missing_file_clearly(tmp_path):
    with pytest.raises(ProtocolError, match="protocol file not found"):
        load(tmp_path / "nope.py")


def test_a_one_line_string_without_async_def_is_a_path_not_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProtocolError, match=r"not found: myprotocol \(a protocol file ends in"):
        load("myprotocol")  # a path typed without .py is not read as protocol source
    with pytest.raises(ProtocolError, match="is a directory: pass one protocol file"):
        load(str(tmp_path))
    (tmp_path / "copy.txt").write_text("async def p(lh: LiquidHandler):\n    pass\n")
    assert load("copy.txt").info.name == "p"  # any existing file is read
    assert load("async def q(lh: LiquidHandler): pass").info.name == "q"  # one-line source


def test_load_reports_a_module_that_raises_with_its_line():
    src = "x = 1\nraise RuntimeError('boom')\nasync def f(lh: LiquidHandler):\n    pass\n"
    with pytest.raises(ProtocolError, match="RuntimeError: boom @ 2:0"):
        load(src)


def test_a_protocol_file_may_define_dataclasses_as_an_imported_module_may():
    # @dataclass looks its class's module up in sys.modules while the file runs
    import sys

    src = ("from dataclasses import dataclass, field\n\n@dataclass\nclass Sample:\n"
           "    well: str\n    conc: float = 1.0\n    tags: list = field(default_factory=list)"
           "\n\nasync def f(lh: LiquidHandler):\n    return Sample('A1')\n")
    loaded = load(src)
    sample = loaded.namespace["Sample"]("B2", 4.0)
    assert (sample.well, sample.conc, sample.tags) == ("B2", 4.0, [])
    assert loaded.func.__globals__ is loaded.namespace  # the functions' globals, as before
    assert "__praxis_protocol__" not in sys.modules  # only while the file runs


def test_a_function_object_keeps_the_line_numbers_of_its_file(tmp_path):
    path = tmp_path / "proto.py"
    path.write_text("import os\n\n\nasync def f(lh: 'LiquidHandler'):\n    pass\n")
    loaded = load(path)
    again = load(loaded.func)
    assert again.info.line == 4 and again.info.name == "f"


def test_a_named_function_without_plr_parameters_says_what_to_annotate():
    with pytest.raises(ProtocolError, match=r"copy in .* has no LiquidHandler or labware param"):
        analyse("async def copy(lh, plate):\n    pass\n", "copy")


def test_a_missing_setup_lists_only_the_plain_functions_of_the_protocol_and_the_closest():
    from praxis_lab.protocol.loading import resolve_setup

    loaded = load("from pylabrobot.resources import Cor_96_wellplate_360ul_Fb, STARLetDeck\n"
                  "def make_deck():\n    return {}\n\n"
                  "async def p(lh: LiquidHandler, plate: Plate):\n    pass\n")
    with pytest.raises(ProtocolError) as err:
        resolve_setup(loaded, "make_dek")
    message = str(err.value)
    assert "did you mean make_deck?" in message and "(functions there: make_deck)" in message
