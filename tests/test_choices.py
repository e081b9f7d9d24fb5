"""Parameters: the default path is the protocol as it will run; a pinned value never forks;
bool, Literal and Enum parameters fork per value; a message agrees with its condition."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_differential import holds

from praxis_lab.cli import main
from praxis_lab.pipeline import simulate

CORPUS = Path(__file__).parent / "corpus"
FLAG = CORPUS / "ok_control_flag_overflow.py"
FACTOR = CORPUS / "broken_dilution_factor_literal.py"
SPEED = CORPUS / "ok_mix_speed_enum.py"
CHECK = CORPUS / "ok_dilution_count_check.py"


def _sim(path: Path, **params):
    return simulate(str(path), setup="setup", params=params or None, cache=False)


def test_a_bool_parameter_forks_and_its_other_branch_is_reported_with_its_condition():
    report = _sim(FLAG)
    assert report.paths == 2
    (mode,) = report.failure_modes
    assert (mode.kind, mode.condition, mode.on_default_path) == ("over_capacity",
                                                                 "add_control", False)
    assert "fails with the defaults" not in report.summary()
    assert report.to_dict()["failure_modes"][0]["on_default_path"] is False


def test_a_failure_on_the_default_path_says_it_fails_with_the_defaults():
    report = _sim(FACTOR)
    (mode,) = report.failure_modes
    assert mode.on_default_path and mode.condition == "factor == '1:4'"
    assert mode.message.endswith("(when factor == '1:4'; fails with the defaults)")
    data = report.to_dict()["failure_modes"][0]
    assert data["on_default_path"] is True and data["conditions"] == ["factor == '1:4'"]


def test_a_literal_parameter_has_a_path_per_value_and_the_default_first():
    report = _sim(FACTOR)
    assert report.paths == 2
    assert report.expected_ops == 6  # the default path's calls


def test_an_enum_parameter_has_a_path_per_member_named_by_the_member():
    report = _sim(SPEED)  # (it mixes `cycles` times: a count, none is no mixing)
    assert {m.condition for m in report.failure_modes} == {
        "speed == MixSpeed.VIGOROUS and cycles > 0"}
    assert not any(m.on_default_path for m in report.failure_modes)


def test_a_pinned_value_never_forks():
    report = _sim(FLAG, add_control=True)
    assert report.paths == 1
    (mode,) = report.failure_modes
    assert mode.certainty == "always" and mode.on_default_path
    pinned = _sim(SPEED, speed="VIGOROUS", cycles=3)  # an Enum member by name, a count
    assert pinned.paths == 1 and {m.certainty for m in pinned.failure_modes} == {"always"}
    assert _sim(CHECK, num_dilutions=5).paths == 1  # the argument check does not fork


def test_param_on_the_command_line_pins_the_value(capsys):
    assert main(["simulate", str(FLAG), "--setup", "setup", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["paths"] == 2
    assert main(["simulate", str(FLAG), "--setup", "setup", "--param", "add_control=false",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["paths"] == 1 and data["failure_modes"] == []


def test_a_message_never_contradicts_its_condition():
    report = _sim(CHECK)
    got = {m.condition: int(re.search(r"got (-?\d+)", m.message).group(1))
           for m in report.failure_modes}
    assert set(got) == {"num_dilutions < 1", "num_dilutions > 12"}
    for condition, value in got.items():
        assert holds(condition, {"num_dilutions": value}), (condition, value)
