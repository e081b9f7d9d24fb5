"""What a traced machine answers: reads shaped like the plate, getters what the path set."""

from __future__ import annotations

from typing import Any

from pylabrobot.resources import cor_96_wellplate_360uL_Fb

from praxis_lab.trace.machine_answers import RESULTS, number, remember


class Stand:
    """What the answers read of a machine's stand-in."""

    def __init__(self, real: Any = None) -> None:
        self._shadow: dict[str, Any] = {}
        self._real, self._name, self._named = real, "reader", {}


def test_a_getter_answers_the_value_the_path_set_else_the_chatterboxs():
    machine = Stand()
    assert RESULTS["get_temperature"](machine, {}) == 25.0
    remember(machine, "set_temperature", {"temperature": 37})
    assert RESULTS["get_temperature"](machine, {}) == 37.0


def test_a_read_is_a_grid_of_the_plates_shape_with_zero_for_each_well_read():
    plate = cor_96_wellplate_360uL_Fb(name="plate")
    grid = RESULTS["read_absorbance"](Stand(), {"wells": plate["A1:B1"], "wavelength": 450})
    assert (len(grid), len(grid[0])) == (8, 12)
    assert grid[0][0] == grid[1][0] == 0.0 and grid[0][1] is None and grid[2][0] is None


def test_only_numbers_count_as_numbers():
    assert (number(37), number(2.5), number("37"), number(True)) == (37.0, 2.5, None, None)
