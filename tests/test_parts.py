"""No internal error escapes: a part that fails is dropped with a note, and protocols of the
shapes labs write (parameters, loops on them, prints, try/except, 384-well names, mix,
the trash) never crash the simulator or make it name a line outside the file."""

from __future__ import annotations

import textwrap

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from praxis_lab.errors import UserError
from praxis_lab.pipeline import simulate
from praxis_lab.sim import simulate as sim_module

PARAMS = [
    "volume: float = 150",
    "n: int = 3",
    "flag: bool = False",
    'mode: Literal["a", "b"] = "a"',
]

STATEMENTS = [
    'await lh.pick_up_tips(tips["A1:H1"])',
    'await lh.pick_up_tips(tips["A1"])',
    'await lh.aspirate(plate["A1:H1"], vols=[volume] * 8)',
    'await lh.dispense(plate["B1:B8"], vols=[50] * 8)',
    'await lh.aspirate(plate["P24"], vols=[10])',
    "await lh.mix(plate['A1:H1'], repetitions=5, volume=60)",
    "await lh.discard_tips()",
    "await lh.transfer(plate['A1'], plate['A2'], 10)",
    'print("step", volume, [volume * 2])',
    'await lh.aspirate([lh.deck.get_trash_area()], vols=[10])',
]

BLOCKS = [
    "for i in range(n):\n    {s}",
    "k = 0\nwhile k < n:\n    {s}\n    k += 1",
    "if volume > 100:\n    {s}",
    "if flag:\n    {s}",
    'if mode == "b":\n    {s}',
    "try:\n    {s}\nexcept Exception:\n    pass",
    'if n > 12:\n    raise ValueError(f"n must be at most 12, got {{n}}")',
    "{s}",
]


@st.composite
def protocols(draw: st.DrawFn) -> str:
    body = []
    for _ in range(draw(st.integers(1, 5))):
        block = draw(st.sampled_from(BLOCKS))
        body.append(block.format(s=draw(st.sampled_from(STATEMENTS))))
    lines = "\n".join(textwrap.indent(b, "    ") for b in body)
    return ("from typing import Literal\n\n\n"
            "async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, "
            f"{', '.join(PARAMS)}):\n{lines}\n")


def _named_lines(report) -> list[int]:
    lines = [m.line for m in report.failure_modes]
    lines += [i.line for i in report.issues if i.line is not None]
    lines += [op.line_number for op in report.graph.operations]
    return lines


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(protocols())
def test_no_internal_error_escapes_and_every_named_line_is_in_the_file(source: str):
    try:
        report = simulate(source, cache=False)
    except UserError:
        return  # the user's own error: one line, by design
    last = source.count("\n")
    assert all(1 <= line <= last for line in _named_lines(report)), source
    assert not [i for i in report.issues if i.kind == "internal"], source
    report.to_dict()
    report.summary()


def test_mix_on_eight_wells_is_reported_not_a_crash():
    report = simulate("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
                      "    wells = plate['A1:H1']\n"
                      "    await lh.pick_up_tips(tips['A1:H1'])\n"
                      "    await lh.mix(wells, repetitions=5, volume=60)\n", cache=False)
    assert [m.kind for m in report.failure_modes] == ["unknown_method"]


def test_a_part_that_fails_is_left_out_with_a_note(monkeypatch):
    def broken(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(sim_module, "layout", broken)
    monkeypatch.setattr(sim_module, "build_graph", broken)
    report = simulate("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
                      "    await lh.aspirate(plate['A1'], vols=[10])\n", cache=False)
    assert [m.kind for m in report.failure_modes] == ["no_tips"]  # the verdict stands
    notes = [i.message for i in report.issues if i.kind == "internal"]
    assert len(notes) == 2 and notes[0].startswith("the computation graph: left out")
    assert "IndexError: list index out of range" in notes[1]
    assert report.deck_layout == {} and report.graph.operations == []


def test_a_fix_that_fails_is_left_out_with_a_note(monkeypatch):
    from praxis_lab.fixes import suggest

    def broken(*args, **kwargs):
        raise IndexError("list index out of range")

    monkeypatch.setattr(suggest, "candidates", broken)
    report = simulate("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\n"
                      "    await lh.aspirate(plate['A1'], vols=[10])\n", cache=False)
    (mode,) = report.failure_modes
    assert mode.fixes == []
    (note,) = [i for i in report.issues if i.kind == "internal"]
    assert note.message.startswith("the fixes of no_tips @ line 2: left out") and note.line == 2


def test_the_mix_call_of_the_corpus_reports_in_every_format_without_an_internal_error(capsys):
    from pathlib import Path

    from praxis_lab.cli import main

    path = Path(__file__).parent / "corpus" / "broken_mix_wells_call.py"
    for fmt in ("text", "json", "github", "sarif"):
        assert main(["simulate", str(path), "--setup", "setup", "--format", fmt]) == 1
        said = capsys.readouterr()
        assert "unknown_method" in said.out and "internal" not in said.out + said.err
