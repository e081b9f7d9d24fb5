"""Symbolic numbers: a parameter used as a count asks the tracer how many passes to make;
outside a trace it is its value; a float is never a count."""

from __future__ import annotations

import pytest

from praxis_lab.trace.sym import Sym


class _Decider:
    """A tracer that answers every question and count with the witness (n = 3) and
    records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def decide(self, cond, witness, constraint, negated, **_kw):
        self.asked.append(cond if witness else negated)
        return witness

    def witness(self, name):
        return {"n": 3, "m": 2}[name]

    def count(self, sym):
        self.asked.append(f"count {sym.expr}")
        return int(sym.value)


def _tracing(monkeypatch, decider):
    import praxis_lab.trace.sym as sym

    monkeypatch.setattr(sym, "_decider", lambda: decider)


def test_outside_a_trace_a_count_is_the_parameter_s_value():
    n = Sym("n", 4, param="n")
    assert list(range(n)) == [0, 1, 2, 3] and ["x"] * n == ["x"] * 4
    assert [0, 1, 2, 3, 4][:n] == [0, 1, 2, 3]


def test_in_a_trace_range_list_repetition_and_slices_ask_the_tracer_for_the_count(monkeypatch):
    decider = _Decider()
    _tracing(monkeypatch, decider)
    n = Sym("n", 3, param="n")
    assert len(range(n)) == 3 and len([0] * n) == 3 and len(list(range(10))[:n]) == 3
    assert len(range(1, n + 1)) == 3  # n + 1: a parameter plus a constant is a count too
    assert decider.asked == ["count n", "count n", "count n", "count n + 1"]


def test_a_count_computed_from_one_parameter_asks_the_tracer_and_keeps_its_expression(
        monkeypatch):
    import math

    decider = _Decider()
    _tracing(monkeypatch, decider)
    n = Sym("n", 3, param="n")
    assert len(range(n * 2)) == 6 and len(range(n // 2)) == 1
    assert len(range(math.ceil(n / 2))) == 2 and len(range(math.floor(n / 2) + 1)) == 2
    assert decider.asked == ["count n * 2", "count n // 2", "count math.ceil(n / 2)",
                             "count math.floor(n / 2) + 1"]


def test_a_count_of_two_parameters_or_not_monotone_is_its_value_and_does_not_fork(monkeypatch):
    decider = _Decider()
    _tracing(monkeypatch, decider)
    n, m = Sym("n", 3, param="n"), Sym("m", 2, param="m")
    assert len(range(n * m)) == 6 and len(range(n % 2)) == 1 and len(range(n * n)) == 9
    assert decider.asked == []


def test_a_comparison_on_a_monotone_expression_is_a_bound_on_its_parameter():
    import math

    n = Sym("n", 40, param="n")
    assert math.ceil(n / 8).question(12, ">") == (False, "n > 96", ("n", ">", 96))
    assert (n // 8).question(3, ">=") == (True, "n > 23", ("n", ">", 23))
    assert (2 * n).question(3, ">") == (True, "n > 1", ("n", ">", 1))
    assert (12 - n // 4).question(0, ">") == (True, "n <= 47", ("n", "<=", 47))
    total = Sym("total", 150.0, param="total")
    assert math.floor(total / 50).question(2, ">") == (True, "total >= 150", (
        "total", ">=", 150.0))
    assert (n % 8).question(2, ">")[2] is None  # not monotone: no bound


def test_a_simulated_protocol_s_int_and_range_calls_keep_a_symbol_and_are_python_s_otherwise():
    from praxis_lab.protocol.numbers import praxis_call

    n = Sym("n", 40, param="n")
    assert praxis_call(int, n / 8).expr == "int(n / 8)" and praxis_call(int, n / 8).value == 5
    assert praxis_call(int, "7") == 7 and praxis_call(int, 2.9) == 2
    passes = praxis_call(range, 0, n, 8)
    assert list(passes) == [0, 8, 16, 24, 32] and type(passes) is range
    assert list(praxis_call(range, 2, 9, 3)) == [2, 5, 8]
    with pytest.raises(ValueError, match="invalid literal"):
        praxis_call(int, Sym("s", "x", param="s"))


def test_a_float_used_as_a_count_raises_python_s_type_error_naming_the_expression():
    total = Sym("total", 150.0, param="total")
    with pytest.raises(TypeError, match=r"'float' object cannot be interpreted as an integer "
                       r"\(total / 50 = 3\.0: a count needs an int"):
        range(total / 50)
    with pytest.raises(TypeError):
        [0] * Sym("n", 2.5, param="n")


def test_a_question_is_said_on_the_parameter_with_its_bound():
    n = Sym("n", 8, param="n")
    assert n.question(3, ">") == (True, "n > 3", ("n", ">", 3))
    assert (n + 1).question(3, ">") == (True, "n > 2", ("n", ">", 2.0))


def test_a_protocol_checking_its_parameters_types_sees_the_numbers_given():
    """``isinstance(volume, (int, float))`` and ``type(volume) in (int, float)`` in a
    protocol hold for a traced parameter as they do for the value given: a simulation's
    ``isinstance(...)`` and ``type(...)`` calls answer for a symbol's value."""
    from praxis_lab import simulate

    report = simulate('''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 50.0, n: int = 1,
            mix: bool = False):
    if not isinstance(volume, (int, float)) or not isinstance(n, int):
        raise TypeError("volume and n must be numbers")
    if isinstance(n, bool) or not isinstance(mix, bool) or isinstance(volume, str):
        raise TypeError("wrong types")
    if type(volume) not in (int, float) or type(n) is not int or type(3) is not int:
        raise TypeError("wrong types, read with type()")
    if n > 0 and mix:
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(plate["A1"], vols=[volume])
        await lh.dispense(plate["A2"], vols=[volume])
        await lh.drop_tips(tips["A1"])
''', cache=False)
    assert report.ok, report.summary()
    from praxis_lab.protocol.numbers import praxis_call

    assert praxis_call(isinstance, Sym("n", 3), int) and not praxis_call(isinstance, Sym("n", 3),
                                                                          float)
    assert praxis_call(type, Sym("v", 2.5)) is float and type(Sym("v", 2.5)) is Sym
