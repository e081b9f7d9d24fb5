"""An exception that escapes the protocol is named by its class (the MRO walks the table):
PLR's meanings stay, and what the protocol raises itself is a protocol_error."""

from __future__ import annotations

from praxis_lab.pipeline import simulate
from praxis_lab.sim.failures import KINDS, PLR_ERRORS
from praxis_lab.sim.raised import RAISED, raised_failures
from praxis_lab.trace.tracer import TraceIssue

HEAD = "async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 250):\n"


def kinds(body: str) -> list[tuple[str, int, str | None]]:
    report = simulate(HEAD + body, cache=False)
    return [(f.kind, f.line, f.condition) for f in report.failure_modes]


def issue(*classes: str, line: int = 2, message: str = "it broke") -> TraceIssue:
    return TraceIssue("raised", f"{classes[0]}: {message}", line, 4, classes)


def test_every_rule_of_the_table_names_a_known_kind():
    for name in RAISED:
        failures = raised_failures(issue(name, "BaseException"), "", proposed=False)
        assert all(f.kind in KINDS for f in failures), name


def test_the_first_class_of_the_mro_in_the_table_decides():
    # a PLR error class the table does not name, below one it does
    (f,) = raised_failures(issue("HasNoSiteError", "KeyError", "LookupError", "Exception",
                                 "BaseException"), "", proposed=False)
    assert f.kind == "wrong_resource" and f.data["classes"][0] == "HasNoSiteError"
    (f,) = raised_failures(issue("PlateMissing", "Exception", "BaseException"), "",
                           proposed=False)
    assert f.kind == "protocol_error"


def test_a_protocol_error_is_reported_once_as_unresolved_type_not_per_path():
    assert raised_failures(issue("ProtocolError", "UserError", "ValueError", "Exception",
                                 "BaseException"), "", proposed=True) == []


def test_a_sys_exit_says_to_raise_or_return_instead():
    (f,) = raised_failures(issue("SystemExit", "BaseException", message="no plate"), "",
                           proposed=False)
    assert f.kind == "protocol_error"
    assert f.text.startswith("the protocol exits (sys.exit: no plate); raise an exception")


def test_the_protocols_own_check_is_a_protocol_error_at_its_line_with_its_condition():
    assert kinds("    if volume > 200:\n        raise ValueError('at most 200 uL')\n") == [
        ("protocol_error", 3, "volume > 200")]


def test_its_own_raise_is_a_protocol_error_whatever_the_class():
    body = "    if volume > 200:\n        raise TypeError('volume must be at most 200')\n"
    report = simulate(HEAD + body, cache=False)
    (f,) = report.failure_modes
    assert (f.kind, f.line) == ("protocol_error", 3)
    assert "stops itself with its own raise: TypeError: volume must be at most 200" in f.message


def test_its_own_assert_is_a_protocol_error():
    assert kinds("    assert plate.num_items == 384, 'a 384-well plate'\n") == [
        ("protocol_error", 2, None)]


def test_plr_raising_inside_an_asserts_test_keeps_plrs_meaning():
    # PLR's item lookup raises IndexError while the assert's test is computed
    assert kinds("    assert plate['Z99'] is not None\n") == [("wrong_resource", 2, None)]


def test_an_error_from_code_plr_is_not_part_of_is_a_protocol_error():
    body = "    import random\n    random.sample(range(3), 5)\n"
    assert kinds(body) == [("protocol_error", 3, None)]


def test_pythons_errors_on_plr_objects_keep_their_kinds():
    assert kinds("    plate.wells()\n") == [("unknown_method", 2, None)]
    assert kinds("    plate['A1'][0][0]\n") == [("wrong_resource", 2, None)]  # a Well
    assert kinds("    len(5)\n") == [("bad_arguments", 2, None)]


def test_a_raise_no_except_caught_is_not_said_to_be_caught():
    body = ("    try:\n        if volume > 200:\n            raise ValueError('too much')\n"
            "    except RuntimeError:\n        pass\n")
    (f,) = simulate(HEAD + body, cache=False).failure_modes
    assert (f.kind, f.condition) == ("protocol_error", "volume > 200")
    assert "catches it" not in f.message


def test_a_protocol_that_calls_sys_exit_is_a_protocol_error():
    body = "    import sys\n    if volume > 200:\n        sys.exit('too much')\n"
    assert kinds(body) == [("protocol_error", 4, "volume > 200")]


def test_plr_errors_lists_the_classes_a_protocol_error_run_raises():
    assert {"AssertionError", "RuntimeError", "ValueError", "SystemExit"} <= set(
        PLR_ERRORS["protocol_error"])
