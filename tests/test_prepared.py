"""A run says what was given until it is prepared, then what its preflight found."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from test_runner import copy_columns, make_setup

from praxis_lab.execution.prepared import PreparedRun
from praxis_lab.execution.runner import Runner
from praxis_lab.store import db


def test_before_it_is_prepared_a_run_says_what_it_was_given_and_nothing_more():
    run = PreparedRun({"columns": 2}, report="a report", request=4)
    assert (run.params, run.report, run.request_id) == ({"columns": 2}, "a report", 4)
    assert (run.run_id, run.backend, run.decision, run.mode) == (None, None, None, "mock")
    with pytest.raises(RuntimeError, match=r"not prepared yet: call prepare\(\)"):
        run.engine  # noqa: B018


def test_once_prepared_a_run_reads_its_preflight():
    mem: Engine = db.connect("sqlite://")
    runner = Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    runner.prepare()
    assert runner.run_id is not None and runner.engine is mem
    assert runner.params["columns"] == 1 and runner.handlers == ["lh"]
    assert runner.decision is not None and runner.mode == "mock"
    assert runner.report is not None and runner.expected is not None
    runner.prepared.release()
