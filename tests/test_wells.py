"""The plate kinds read from how a protocol names its wells: the quick look at the text
never misses what the parsed source shows."""

from __future__ import annotations

import itertools

import pytest

from praxis_lab.deck import wells

ROWS = ["A", "H", "I", "P", "Z", "a", "h", "i", "p", "AA", "AF"]
COLS = [1, 9, 12, 13, 19, 20, 24, 48]
SHAPES = ['p["{w}"]', "p['{w}']", 'p.get_well("{w}")', 'p.get_item("{w}")', 'p[["A1", "{w}"]]',
          'p["A1:{w}"]', 'p[f"{r}{{col}}"]', 'p.get_wells(["{w}"])']


def _source(expr: str) -> str:
    return f"async def protocol(lh, p: Plate):\n    await lh.aspirate({expr}, vols=[1])\n"


@pytest.mark.parametrize("shape", SHAPES)
def test_a_well_named_beyond_h12_makes_a_384_well_plate_in_every_shape(shape):
    for row, col in itertools.product(ROWS, COLS):
        source = _source(shape.format(w=f"{row}{col}", r=row))
        beyond = "{col}" in shape and len(row) == 1 and row.upper() > "H"
        beyond = beyond or ("{col}" not in shape and wells._beyond_96(f"{row}{col}"))
        assert wells.wide_wells(source, {"p"}) == ({"p"} if beyond else set()), source


@pytest.mark.parametrize(("expr", "shared"), [
    ('p["A1"] * 8', True), ('[p["A1"]] * 8', True), ('8 * p["A1"]', True),
    ("8 * [p['A1']]", True), ('p["B2"]*4', True), ('[volume] * 8', False),
    ('p["A1:H1"] * 2', False), ('q["A1"] * 8', False),
])
def test_one_well_sent_to_several_channels_makes_a_reservoir(expr, shared):
    assert wells.shared_wells(_source(expr), {"p"}) == ({"p"} if shared else set())


def test_a_body_that_names_no_such_well_is_never_parsed(monkeypatch):
    def refuse(source):
        raise AssertionError("parsed")

    monkeypatch.setattr(wells, "parsed", refuse)
    body = "".join(f'    await lh.aspirate(p["A{c}:H{c}"], vols=[v] * 8)\n' for c in range(1, 13))
    source = "async def protocol(lh, p: Plate, v: float = 5):\n" + body * 500
    assert wells.wide_wells(source, {"p"}) == set() == wells.shared_wells(source, {"p"})
