"""Arguments read as a scientist writes them: numbers, symbols, wells and runs of wells."""

from __future__ import annotations

import pytest

from praxis_lab.trace.describe import Describer, describe
from praxis_lab.trace.sym import Sym


@pytest.mark.parametrize(("value", "text"), [
    (3.0, "3"), ([1.0, 2.0], "[1, 2]"), ([5, 5, 5], "[5] * 3"), (None, "None"), ("x", "'x'"),
])
def test_plain_values_are_described_readably(value, text):
    assert describe(value, str) == text


class Well:
    """A stand-in with what describe looks at: a name and a place in a deck tree."""

    def __init__(self, key: str) -> None:
        self.name = key

    def get_root(self) -> None:
        return None


@pytest.mark.parametrize(("keys", "text"), [
    ([f"src[{r}1]" for r in "ABCDEFGH"], "src[A1:H1]"),  # a column
    ([f"src[A{c}]" for c in range(1, 13)], "src[A1:A12]"),  # a row
    (["src[A1]", "src[C1]"], "[src[A1], src[C1]]"),  # not a run
    (["src[A1]", "dst[B1]"], "[src[A1], dst[B1]]"),  # two plates
    ([f"src[A{c}]" for c in (1, 3, 5, 7, 9, 11, 2, 4, 6, 10)],
     "[src[A1], src[A3], src[A5], src[A7], src[A9], src[A11], src[A2], src[A4], … +2]"),
])
def test_wells_read_as_their_keys_and_a_run_as_a_range(keys, text):
    wells = [Well(k) for k in keys]
    assert describe(wells, key=lambda w: w.name) == text
    assert Describer(lambda w: w.name).text(wells) == text  # the memo says the same


def test_the_memo_gives_symbols_numbers_and_resources_like_describe():
    d = Describer(lambda w: w.name)
    vols = [Sym("volume", 50.0)] * 8
    assert d.text(vols) == describe(vols, str) == "[volume] * 8"
    wells = [Well("src[A1]"), Well("src[B1]")]
    assert d.resources({"resources": wells, "vols": vols, "spread": "wide"}) == [
        "src[A1]", "src[B1]"]
    assert d.resources({"resources": wells[0], "target": [wells[1], wells[0]]}) == [
        "src[A1]", "src[B1]"]


def test_an_object_without_a_repr_of_its_own_reads_the_same_on_every_run():
    gen = (v for v in [10, 10])
    text = describe(gen, str)
    assert text == "<generator object test_an_object_without_a_repr_of_its_own_reads_the_" \
        "same_on_every_run.<locals>.<genexpr>>"
    assert Describer(str).text(object()) == "<object object>"


def test_a_later_describer_reuses_the_shared_keys_only_while_each_item_is_where_it_was():
    from pylabrobot.resources import cor_96_wellplate_360uL_Fb

    plate, other = (cor_96_wellplate_360uL_Fb(name=n) for n in ("src", "other"))
    asked: list[str] = []

    def key(well: object) -> str:
        asked.append(well.name)  # type: ignore[attr-defined]
        return f"{well.parent.name}[{well.name.rsplit('_', 1)[1]}]"  # type: ignore[attr-defined]

    shared: dict[tuple[int, ...], object] = {}
    column = plate["A1:H1"]
    assert Describer(key, shared).text(column) == "src[A1:H1]" and len(asked) == 8
    assert Describer(key, shared).text(list(column)) == "src[A1:H1]"  # another graph
    assert len(asked) == 8  # answered from the shared keys
    moved = column[0]
    where = moved.location
    plate.unassign_child_resource(moved)
    other.assign_child_resource(moved, location=where)
    assert Describer(key, shared).text(column).startswith("[other[")  # worked out again
    assert len(asked) == 16
