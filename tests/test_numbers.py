"""A protocol's ``int`` and ``range`` are Python's, in a simulation and in a run; a simulation
compiles its ``int(...)`` and ``range(...)`` calls to keep a symbol's count, at the same places."""

from __future__ import annotations

import ast
import builtins
import re

import pytest
from test_runner import make_setup

from praxis_lab import simulate
from praxis_lab.execution import runner
from praxis_lab.protocol.analyse import ProtocolError, compiled
from praxis_lab.protocol.loading import load
from praxis_lab.protocol.numbers import CALL, candidate, praxis_call, rewritten
from praxis_lab.store import db
from praxis_lab.trace.sandbox import CONFINED
from praxis_lab.trace.sym import Sym

CHECKS = '''
async def p(lh: LiquidHandler, tips: TipRack, n: int = 2):
    k, v, ints = 3, 2.5, int
    if type(k) not in (int, float) or type(v) not in (int, float) or k.__class__ is not int:
        raise TypeError("type(3) is not the protocol's int")
    if type(range(3)) is not range or not isinstance(range(3), range) or ints is not int:
        raise TypeError("range(3) is not the protocol's range")
    if type(int("4")) is not int or int.__name__ != "int":
        raise TypeError("int('4') is not an int")
    for i in range(min(int(n), 12)):
        await lh.pick_up_tips(tips[f"A{i+1}"])
        await lh.drop_tips(tips[f"A{i+1}"])
'''


def test_type_of_an_int_is_int_in_the_reported_protocol():
    src = CHECKS.replace("min(int(n), 12)", "n")  # as reported: no guard on n > 12
    report = simulate(src, cache=False)
    assert [(m.kind, m.condition) for m in report.failure_modes] == [("wrong_resource", "n > 12")]
    assert "TypeError" not in report.summary()


def test_int_and_range_are_python_s_in_a_simulated_protocol():
    report = simulate(CHECKS, cache=False)
    assert report.ok, report.summary()
    assert report.paths > 5  # int(n) still forks on n: each count is a path


def test_int_and_range_are_python_s_in_a_real_run_on_the_chatterbox():
    src = CHECKS.replace("tips: TipRack,", "tips: TipRack, source: Plate, dest: Plate,")
    record = runner.run(src, make_setup(), db=db.connect("sqlite://"))
    assert record.status == "completed" and record.calls == 4


def test_a_run_compiles_the_source_as_written_and_its_builtins_are_python_s():
    loaded = load(CHECKS)
    assert CALL not in loaded.namespace["__builtins__"]
    assert loaded.namespace["__builtins__"]["int"] is builtins.int
    assert CALL not in loaded.func.__code__.co_names
    simulated = load(CHECKS, confine=CONFINED)
    assert CALL in simulated.func.__code__.co_names
    assert simulated.namespace["__builtins__"]["range"] is builtins.range


def test_a_protocol_s_own_int_is_the_one_its_calls_get():
    src = '''
def int(x):
    return 1

async def p(lh: LiquidHandler, tips: TipRack, n: int = 5):
    for i in range(int(n)):
        await lh.pick_up_tips(tips[f"A{i+1}"])
'''
    report = simulate(src, cache=False)
    assert report.ok and report.paths == 1 and report.expected_ops == 1
    assert praxis_call(lambda x: ("own", x), Sym("n", 2, param="n"))[0] == "own"


def test_a_call_that_fails_fails_as_python_s_does():
    for args in [("x",), ([],), ("10", 1)]:
        with pytest.raises(Exception) as python_s:
            int(*args)
        with pytest.raises(type(python_s.value), match=re.escape(str(python_s.value))):
            praxis_call(int, *args)
    assert praxis_call(int, "ff", base=16) == 255 and praxis_call(range, 3) == range(3)


def test_only_a_source_that_calls_int_or_a_stepped_range_is_rewritten():
    assert candidate("x = int(v)\n") and candidate("for i in range(0, n, 8):\n    pass\n")
    assert candidate("for i in range(len(xs), n, step):\n    pass\n")
    assert candidate("r = range(*bounds)\n") and candidate("r = range(\n    0,\n    n,\n    8)\n")
    assert candidate("ok = isinstance(v, float)\n") and candidate("t = type(v)\n")
    for plain in ["for i in range(n):\n", "for i in range(1, len(x)):\n", "y = np.int(3)\n",
                  "print_int(3)\n", "x: int = 3\n", "my_isinstance(x, int)\n"]:
        assert not candidate(plain), plain


def test_the_rewritten_calls_keep_their_lines_and_columns():
    src = ("x = [int(v / 2),\n     range(0, int(n), 8)]\n"
           "async def p(lh: LiquidHandler):\n    await lh.aspirate(p[int(k)], vols=[int(v)])\n")
    plain = [(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
             for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call)]
    calls = [n for n in ast.walk(rewritten(src)) if isinstance(n, ast.Call)]
    assert sorted((n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
                  for n in calls) == sorted(plain)
    via = [n.func for n in calls if isinstance(n.func, ast.Name) and n.func.id == CALL]
    assert len(via) == 5 and all(f.lineno == a.lineno and f.col_offset == a.col_offset
                                 for f, a in zip(via, (n.args[0] for n in calls if n.func in via),
                                                 strict=True))


def test_an_error_in_a_simulated_protocol_is_said_at_its_line():
    src = ("async def p(lh: LiquidHandler, tips: TipRack):\n    await lh.pick_up_tips(tips['A1'])\n"
           "    k = int('x')\n")
    report = simulate(src, cache=False)
    (mode,) = report.failure_modes
    assert (mode.line, mode.column) == (3, 8) and "invalid literal" in mode.message


def test_a_syntax_error_is_said_as_the_plain_source_s():
    src = "async def p(lh: LiquidHandler):\n    k = int(3\n"
    with pytest.raises(ProtocolError) as plain:
        load(src)
    with pytest.raises(ProtocolError) as simulated:
        load(src, confine=CONFINED)
    with pytest.raises(ProtocolError) as rewriting:
        compiled(src, "<praxis-x>", True)
    assert str(plain.value) == str(simulated.value)
    assert (rewriting.value.line, rewriting.value.column) == (plain.value.line,
                                                             plain.value.column)


def test_every_int_and_range_call_by_name_is_rewritten_wherever_it_is():
    src = '''
@deco(int(1))
class C(Base, n=int(2)):
    k = [int(x) for x in range(0, 9, 3) if int(x)]
    def f(self, a=int(3), *, b=lambda: range(4)):
        with open(int(5)) as f, g(range(6)):
            match int(7):
                case 1 if int(8):
                    return f"{int(9)}" + str(int(
                        10))
    async def g(self):
        async for i in aiter(range(11)):
            await x(int(12), y=int(13))
'''
    plain = sum(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                and n.func.id in ("int", "range") for n in ast.walk(ast.parse(src)))
    tree = rewritten(src)
    via = [n for n in ast.walk(tree)
           if isinstance(n, ast.Call) and getattr(n.func, "id", "") == CALL]
    assert plain == len(via) == 16
    assert not any(isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("int", "range")
                   for n in ast.walk(tree))
