"""The run lifecycle: every legal and illegal transition, timestamps, dead processes."""

from __future__ import annotations

import itertools
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from praxis_lab.store import db
from praxis_lab.store.db import ProtocolRun, StoreError
from praxis_lab.store.lifecycle import (
    InvalidTransition,
    RunStatus,
    is_terminal,
    next_statuses,
    process_identity,
    recover,
    set_status,
    transition,
)

STATUSES = [s.value for s in RunStatus]
LEGAL = {
    ("pending", "running"), ("pending", "refused"), ("pending", "canceled"),
    ("running", "completed"), ("running", "failed"), ("running", "canceled"),
    ("running", "interrupted"),
}
PAIRS = list(itertools.product(STATUSES, STATUSES))


def _run(status: str, run_id: int = 7) -> ProtocolRun:
    run = ProtocolRun(id=run_id, protocol="copy_plate", status=status)
    if status != "pending":
        run.started_at = datetime.now(UTC) - timedelta(seconds=2)
    return run


@pytest.mark.parametrize(("current", "new"), sorted(LEGAL))
def test_a_legal_transition_changes_the_status(current: str, new: str) -> None:
    run = transition(_run(current), new)
    assert run.status == new


@pytest.mark.parametrize(("current", "new"), [p for p in PAIRS if p not in LEGAL])
def test_an_illegal_transition_is_refused_naming_run_from_to_and_the_legal_ones(
        current: str, new: str) -> None:
    run = _run(current)
    with pytest.raises(InvalidTransition) as info:
        transition(run, new)
    message = str(info.value)
    assert message.startswith(f"run 7 cannot go from {current} to {new}: ")
    legal = next_statuses(current)
    if legal:
        assert all(s in message for s in legal)
    else:
        assert f"{current} is final" in message
    assert run.status == current


def test_the_matrix_has_exactly_the_documented_legal_moves() -> None:
    found = {(a, b) for a, b in PAIRS if b in next_statuses(a)}
    assert found == LEGAL
    assert {s for s in STATUSES if is_terminal(s)} == {
        "completed", "failed", "canceled", "interrupted", "refused"}


@pytest.mark.parametrize("bad", ["done", "RUNNING", ""])
def test_an_unknown_status_is_refused_with_the_list_of_statuses(bad: str) -> None:
    with pytest.raises(InvalidTransition, match=f"{bad!r} is not a run status"):
        transition(_run("pending"), bad)
    with pytest.raises(InvalidTransition, match=f"{bad!r} is not a run status"):
        transition(ProtocolRun(id=1, protocol="p", status=bad), "running")


def test_starting_sets_started_at_and_only_that() -> None:
    run = ProtocolRun(id=1, protocol="p")
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    transition(run, "running", now=now)
    assert (run.started_at, run.ended_at, run.duration_s) == (now, None, None)


@pytest.mark.parametrize("final", ["completed", "failed", "canceled", "interrupted"])
def test_finishing_sets_ended_at_and_the_duration(final: str) -> None:
    run = ProtocolRun(id=1, protocol="p")
    start = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    transition(run, "running", now=start)
    transition(run, final, now=start + timedelta(seconds=90))
    assert run.ended_at == start + timedelta(seconds=90)
    assert run.duration_s == 90.0


def test_a_refused_run_ends_without_a_duration_because_it_never_started() -> None:
    run = transition(ProtocolRun(id=1, protocol="p"), "refused",
                     error=("PolicyBlock", "max_tips: 200 tips > 96"))
    assert run.ended_at is not None and run.started_at is None and run.duration_s is None
    assert (run.error_code, run.error_message) == ("PolicyBlock", "max_tips: 200 tips > 96")


def test_an_exception_becomes_the_error_code_and_message() -> None:
    run = transition(_run("running"), "failed", error=ZeroDivisionError("division by zero"))
    assert (run.error_code, run.error_message) == ("ZeroDivisionError", "division by zero")


def test_set_status_persists_the_change_and_its_timestamps(store: Engine) -> None:
    run = ProtocolRun(protocol="p")
    db.write(store, lambda s: s.add(run))
    assert run.id is not None
    set_status(store, run.id, "running")
    done = set_status(store, run.id, "completed")
    with Session(store) as s:
        stored = s.get(ProtocolRun, run.id)
        assert stored is not None and stored.status == "completed"
        assert stored.duration_s == done.duration_s and stored.started_at is not None


def test_set_status_checks_the_stored_status_not_a_stale_copy(store: Engine) -> None:
    run = ProtocolRun(protocol="p")
    db.write(store, lambda s: s.add(run))
    assert run.id is not None
    set_status(store, run.id, "canceled")
    with pytest.raises(InvalidTransition, match=f"run {run.id} cannot go from canceled"):
        set_status(store, run.id, "running")


def test_set_status_of_a_missing_run_names_the_run_and_the_store(store: Engine) -> None:
    with pytest.raises(StoreError, match="run 999 is not in the run store"):
        set_status(store, 999, "running")


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _running_run(engine: Engine, pid: int, host: str, token: str | None) -> int:
    run = ProtocolRun(protocol="p", pid=pid, hostname=host, process_token=token)
    db.write(engine, lambda s: s.add(run))
    assert run.id is not None
    set_status(engine, run.id, "running")
    return run.id


def test_recover_interrupts_runs_of_dead_processes_and_spares_live_and_foreign_ones(
        store: Engine) -> None:
    pid, host, token = process_identity()
    dead = _running_run(store, _dead_pid(), host, None)
    reused = _running_run(store, pid, host, "not-my-start-time")
    alive = _running_run(store, pid, host, token)
    foreign = _running_run(store, _dead_pid(), "another-host", None)
    assert sorted(recover(store)) == sorted([dead, reused])
    with Session(store) as s:
        status = {i: s.get(ProtocolRun, i).status for i in (dead, reused, alive, foreign)}  # type: ignore[union-attr]
        interrupted = s.get(ProtocolRun, dead)
    assert status == {dead: "interrupted", reused: "interrupted", alive: "running",
                      foreign: "running"}
    assert interrupted is not None and interrupted.error_code == "ProcessDied"
    assert recover(store) == []


def test_reading_the_history_interrupts_the_runs_a_dead_process_left_running(
        tmp_path: Path) -> None:
    from praxis_lab.store.frames import history

    url = f"sqlite:///{tmp_path}/runs.db"
    run_id = _running_run(db.connect(url), _dead_pid(), os.uname().nodename, None)
    with Session(db.connect(url)) as s:  # opening the store alone changes nothing
        assert s.get(ProtocolRun, run_id).status == "running"  # type: ignore[union-attr]
    assert history(db=url).set_index("id").loc[run_id, "status"] == "interrupted"
    with Session(db.connect(url)) as s:
        run = s.get(ProtocolRun, run_id)
        assert run is not None and run.status == "interrupted" and run.ended_at is not None


def test_ending_a_run_stores_the_totals_of_its_calls(store: Engine) -> None:
    from praxis_lab.store.db import FunctionCallLog

    run = ProtocolRun(protocol="p")
    db.write(store, lambda s: s.add(run))
    assert run.id is not None
    set_status(store, run.id, "running")
    now = datetime.now(UTC)
    db.write(store, lambda s: s.add_all([
        FunctionCallLog(run_id=run.id, seq=i, method=m, started_at=now, ended_at=now,  # type: ignore[arg-type]
                        duration_ms=1.0, tips=t, volume_ul=v)
        for i, (m, t, v) in enumerate([("pick_up_tips", 8, 0.0), ("aspirate", 0, 400.0),
                                       ("aspirate", 0, 250.5)], start=1)]))
    running = set_status(store, run.id, "interrupted")
    assert (running.calls, running.tips_used, running.volume_ul) == (3, 8, 650.5)
    refused = ProtocolRun(protocol="p")
    db.write(store, lambda s: s.add(refused))
    assert refused.id is not None
    blocked = set_status(store, refused.id, "refused", error=("PolicyBlock", "no"))
    assert (blocked.calls, blocked.tips_used, blocked.volume_ul) == (0, 0, 0.0)


# --- runs of a request ----------------------------------------------------------------------


def _approved_request(engine: Engine) -> tuple[int, Any]:
    from types import SimpleNamespace

    from praxis_lab.store import audit
    from praxis_lab.store.lifecycle import store_definition

    info = SimpleNamespace(name="p", source="async def p(): ...", source_hash="0123456789abcdef",
                           params=[])
    definition = store_definition(engine, info, None)
    request = audit.create_request({"definition_id": definition,
                                    "source_hash": info.source_hash},
                                   target="STARBackend", db=engine)
    assert request.id is not None
    for status in ("proposed", "approved"):
        audit.set_status(request.id, status, db=engine)
    return request.id, info


def _new_run(engine: Engine, request_id: int, info: Any) -> int:
    from praxis_lab.store.lifecycle import create_run

    return create_run(engine, info, definition_id=1, request_id=request_id, backend="b",
                      mode="real", params={}, setup=None, expected_ops=None)


def _request_status(engine: Engine, request_id: int) -> str:
    from praxis_lab.store.db import RunRequest

    with Session(engine) as s:
        return s.get(RunRequest, request_id).status  # type: ignore[union-attr]


@pytest.mark.parametrize(("ends", "request_after"), [
    ("completed", "complete"), ("canceled", "aborted"), ("failed", "executing"),
    ("interrupted", "executing")])
def test_a_run_moves_its_request_when_it_ends(store: Engine, ends: str,
                                              request_after: str) -> None:
    request_id, info = _approved_request(store)
    run_id = _new_run(store, request_id, info)
    assert _request_status(store, request_id) == "executing"
    set_status(store, run_id, "running")
    set_status(store, run_id, ends)
    assert _request_status(store, request_id) == request_after


def test_a_request_gets_a_new_run_only_when_approved_or_after_a_failed_one() -> None:
    from praxis_lab.store import audit

    engine = db.connect("sqlite://")
    request_id, info = _approved_request(engine)
    first = _new_run(engine, request_id, info)
    with pytest.raises(audit.RequestError, match=f"already has run {first} pending"):
        _new_run(engine, request_id, info)
    set_status(engine, first, "running")
    set_status(engine, first, "failed", error=("TooLittleLiquidError", "A1 is empty"))
    second = _new_run(engine, request_id, info)
    set_status(engine, second, "running")
    set_status(engine, second, "completed")
    with pytest.raises(audit.InvalidRequestTransition,
                       match="cannot go from complete to executing: a complete request runs no"):
        _new_run(engine, request_id, info)
    draft = audit.create_request({"definition_id": 1, "source_hash": info.source_hash},
                                 target="STARBackend", db=engine)
    with pytest.raises(audit.InvalidRequestTransition, match="approve it first"):
        _new_run(engine, draft.id, info)  # type: ignore[arg-type]
