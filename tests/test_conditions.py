"""Conditions are short: bounds on a parameter merged, paths with the same failure folded."""

from __future__ import annotations

import itertools

from test_differential import holds

from praxis_lab.sim.failures import Failure, merge
from praxis_lab.trace.conditions import join_conditions, short_condition, simplify


def test_bounds_on_one_parameter_become_one_interval():
    assert simplify("volume > 50 and volume <= 200 and volume > 20") == "50 < volume <= 200"
    assert simplify("target > 150 and target > 100") == "target > 150"
    assert simplify("n >= 3 and n <= 3") == "n == 3"


def test_what_every_path_shares_is_said_once_and_touching_intervals_are_joined():
    assert join_conditions(["n > 2 and v > 150", "n <= 2 and v > 150"]) == "v > 150"
    assert join_conditions(["v > 200", "100 < v <= 200"]) == "v > 100"
    assert join_conditions(["a and v > 1", "a and w > 1"]) == "a and (v > 1 or w > 1)"


def test_a_joined_condition_holds_exactly_where_one_of_its_paths_does():
    conds = ["v > 200 and w <= 3", "100 < v <= 200 and w <= 3", "v <= 10 and w > 3"]
    joined = join_conditions(conds)
    for v, w in itertools.product([0, 10, 50, 100, 150, 200, 250], [1, 3, 5]):
        env = {"v": v, "w": w}
        assert holds(joined, env) == any(holds(c, env) for c in conds), (v, w, joined)


def test_a_long_condition_is_cut_with_the_other_cases_counted():
    conds = [f"x{i} > {i} and y{i} <= {i}" for i in range(40)]
    short = short_condition(conds)
    assert len(short) < 220 and short.endswith("or 39 other cases")


def test_the_same_failure_on_several_paths_is_one_mode_with_their_conditions():
    f = Failure("over_capacity", 9, 4, "dispense", ["plate[A1]"], "dispense 200 µL into A1")
    modes = merge([[f], [f], []], ["v > 200", "100 < v <= 200", "v <= 100"], default=2)
    (mode,) = modes
    assert (mode.condition, mode.paths, mode.on_default_path) == ("v > 100", 2, False)
    assert mode.conditions == ["v > 200", "100 < v <= 200"]
    assert mode.message.endswith("(when v > 100)")


def test_a_comparison_on_a_linear_expression_is_said_on_the_parameter():
    from praxis_lab.pipeline import simulate

    report = simulate("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate,\n"
                      "            volume: float = 50, n: int = 3):\n"
                      "    await lh.pick_up_tips(tips['A1'])\n"
                      "    if volume * 2 > 200:\n"
                      "        await lh.aspirate(plate['A1'], vols=[volume * 2])\n"
                      "    if n - 1 >= 4:\n"
                      "        await lh.dispense(plate['A1'], vols=[volume * 2])\n", cache=False)
    assert {m.condition for m in report.failure_modes} == {"volume <= 100 and n >= 5"}
