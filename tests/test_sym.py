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
        return {"n": 3}[name]

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


def test_a_count_scaled_or_of_two_parameters_is_its_value_and_does_not_fork(monkeypatch):
    decider = _Decider()
    _tracing(monkeypatch, decider)
    n = Sym("n", 3, param="n")
    assert len(range(n * 2)) == 6 and len(range(n // 2)) == 1
    assert decider.asked == []


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
