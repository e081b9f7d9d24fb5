"""Run requests and the audit trail: lifecycle, payload, policy rows, approvals, runs, notes.

Stores: ``store`` is SQLite in memory, a SQLite file and PostgreSQL; ``shared_url`` is a
SQLite file and PostgreSQL (for tests that need several connections at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import io
import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select
from test_runner import AS_REAL, BROKEN, PROTOCOL_FILE, copy_columns, make_setup, spy

import praxis_lab
from praxis_lab.cli import main
from praxis_lab.execution import approvals, runner
from praxis_lab.execution.policy import Policy, evaluate
from praxis_lab.store import audit, db, frames, lifecycle
from praxis_lab.store.audit import InvalidRequestTransition, PayloadError, RequestError
from praxis_lab.store.db import (
    ApprovalResult,
    Artifact,
    FunctionCallLog,
    PolicyResult,
    ProtocolRun,
    RunRequest,
    SchemaVersion,
)
from praxis_lab.store.notes import note

STATUSES = [s.value for s in audit.RequestStatus]
LEGAL = {("draft", "proposed"), ("proposed", "approved"), ("proposed", "blocked"),
         ("approved", "executing"), ("approved", "blocked"), ("executing", "complete"),
         ("executing", "aborted"), ("blocked", "proposed")}
PAIRS = list(itertools.product(STATUSES, STATUSES))
HASH = "0123456789abcdef"


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """PLR's chatterbox prints every op; keep the test output readable."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _definition(engine: Engine) -> int:
    from praxis_lab.store.db import FunctionProtocolDefinition

    d = FunctionProtocolDefinition(name="copy", source="async def copy(): ...", source_hash=HASH)
    db.write(engine, lambda s: s.add(d))
    assert d.id is not None
    return d.id


def _request(engine: Engine, **payload: Any) -> int:
    body = {"definition_id": _definition(engine), "source_hash": HASH,
            "parameters": {"volume": 50.0}, "setup": "make_deck", **payload}
    request = audit.create_request(body, target="STARBackend", issued_by="ada", db=engine)
    assert request.id is not None and request.status == "draft"
    return request.id


def _walk(engine: Engine, request_id: int, *statuses: str) -> list[str]:
    return [audit.set_status(request_id, s, db=engine).status for s in statuses]


def _stored(engine: Engine, request_id: int) -> RunRequest:
    with Session(engine) as s:
        found = s.get(RunRequest, request_id)
        assert found is not None
        return found


def _rows(engine: Engine, table: Any, request_id: int) -> list[Any]:
    with Session(engine) as s:
        return list(s.exec(select(table).where(table.request_id == request_id)
                           .order_by(table.id)).all())


# --- the lifecycle, as a pure function ---------------------------------------------------


@pytest.mark.parametrize(("current", "new"), sorted(LEGAL))
def test_a_legal_request_transition_passes_the_check(current: str, new: str) -> None:
    audit.check_transition(3, current, new)


@pytest.mark.parametrize(("current", "new"), [p for p in PAIRS if p not in LEGAL])
def test_an_illegal_request_transition_is_refused_naming_request_from_to_and_the_options(
        current: str, new: str) -> None:
    with pytest.raises(InvalidRequestTransition) as info:
        audit.check_transition(3, current, new)
    message = str(info.value)
    assert message.startswith(f"request 3 cannot go from {current} to {new}: ")
    legal = audit.next_statuses(current)
    assert all(s in message for s in legal) if legal else f"{current} is final" in message


def test_the_request_matrix_is_seed_004s_and_nothing_else() -> None:
    assert {(a, b) for a, b in PAIRS if b in audit.next_statuses(a)} == LEGAL


@pytest.mark.parametrize("bad", ["done", "APPROVED", ""])
def test_an_unknown_request_status_is_refused_with_the_list_of_statuses(bad: str) -> None:
    with pytest.raises(InvalidRequestTransition, match=f"{bad!r} is not a request status"):
        audit.check_transition(1, "proposed", bad)


# --- the lifecycle, stored (SQLite and PostgreSQL) -----------------------------------------

PATHS = {
    "completed": ["proposed", "approved", "executing", "complete"],
    "aborted": ["proposed", "approved", "executing", "aborted"],
    "blocked, retried, completed": ["proposed", "blocked", "proposed", "approved",
                                    "executing", "complete"],
    "approved, then blocked": ["proposed", "approved", "blocked", "proposed", "approved"],
}


@pytest.mark.parametrize("path", list(PATHS))
def test_every_lifecycle_path_is_stored_step_by_step(store: Engine, path: str) -> None:
    request_id = _request(store)
    created = _stored(store, request_id)
    assert _walk(store, request_id, *PATHS[path]) == PATHS[path]
    final = _stored(store, request_id)
    assert final.status == PATHS[path][-1] and final.updated_at > created.updated_at
    assert final.created_at == created.created_at


def test_an_illegal_stored_move_is_refused_and_leaves_the_request_as_it_was(
        store: Engine) -> None:
    request_id = _request(store)
    _walk(store, request_id, "proposed", "approved", "executing", "complete")
    with pytest.raises(InvalidRequestTransition,
                       match=f"request {request_id} cannot go from complete to executing: "
                             "complete is final"):
        audit.set_status(request_id, "executing", db=store)
    assert _stored(store, request_id).status == "complete"


def test_a_move_based_on_a_stale_read_loses_instead_of_overwriting(
        store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    request_id = _request(store)
    _walk(store, request_id, "proposed", "approved")
    real, reads = audit.current, []

    def stale_once(conn: Any, rid: int) -> dict[str, Any]:  # read before another session's move
        reads.append(rid)
        return {**real(conn, rid), **({"status": "proposed"} if len(reads) == 1 else {})}

    monkeypatch.setattr(audit, "current", stale_once)
    with pytest.raises(InvalidRequestTransition, match=r"another session changed it first "
                                                       r"\(it is now approved\)"):
        audit.set_status(request_id, "blocked", db=store)
    monkeypatch.undo()
    assert _stored(store, request_id).status == "approved"


def test_a_missing_request_is_an_error_naming_it_and_the_store(store: Engine) -> None:
    with pytest.raises(RequestError, match=r"request 999 is not in the run store .*"
                                           r"praxis_lab.requests\(\) lists them"):
        audit.set_status(999, "proposed", db=store)


# --- the payload ----------------------------------------------------------------------------


def test_a_draft_can_be_edited_but_a_proposed_payload_is_frozen(store: Engine) -> None:
    request_id = _request(store)
    edited = audit.edit_request(request_id, payload={
        "definition_id": _stored(store, request_id).payload["definition_id"],
        "source_hash": HASH, "parameters": {"volume": 20.0}}, db=store)
    assert edited.payload["parameters"] == {"volume": 20.0}
    audit.propose(request_id, db=store)
    with pytest.raises(RequestError, match=f"request {request_id} is proposed: its payload was "
                                           "frozen when it was proposed"):
        audit.edit_request(request_id, target="OtherBackend", db=store)
    assert _stored(store, request_id).target == "STARBackend"


def test_the_store_itself_refuses_any_edit_of_a_proposed_payload(store: Engine) -> None:
    request_id = _request(store)
    audit.propose(request_id, db=store)
    table: Any = RunRequest.__table__  # type: ignore[attr-defined]
    with pytest.raises(DBAPIError, match="run request payload is frozen once proposed"), \
            store.begin() as conn:
        conn.execute(table.update().where(table.c.id == request_id)
                     .values(payload={"definition_id": 1, "source_hash": HASH}))
    assert _stored(store, request_id).payload["parameters"] == {"volume": 50.0}


@pytest.mark.parametrize(("change", "message"), [
    ({"definition_id": None}, r"definition_id: Input should be a valid integer \(got None\)"),
    ({"definition_id": "3"}, r"definition_id: Input should be a valid integer \(got '3'\)"),
    ({"source_hash": "XYZ"}, r"source_hash: String should match pattern"),
    ({"setup": "make deck"}, r"setup: String should match pattern"),
    ({"parameters": {"tips": object()}}, r"parameters.tips: "),
    ({"budget": 5}, r"budget: Extra inputs are not permitted \(got 5\)"),
    ({"definition_id": 9999}, r"definition_id: no protocol definition 9999 in the run store"),
    ({"source_hash": "fedcba9876543210"}, r"source_hash: 'fedcba9876543210' is not the hash"),
])
def test_a_payload_that_does_not_validate_is_refused_naming_the_field_and_the_reason(
        change: dict[str, Any], message: str) -> None:
    engine = db.connect("sqlite://")
    body = {"definition_id": _definition(engine), "source_hash": HASH, **change}
    with pytest.raises(PayloadError, match=r"request payload refused: " + message):
        audit.create_request(body, target="STARBackend", db=engine)
    with Session(engine) as s:
        assert s.exec(select(RunRequest)).all() == []


def test_a_missing_field_and_a_bad_type_are_named_too() -> None:
    engine = db.connect("sqlite://")
    with pytest.raises(PayloadError, match=r"source_hash: Field required"):
        audit.create_request({"definition_id": 1}, target="STARBackend", db=engine)
    body = {"definition_id": _definition(engine), "source_hash": HASH}
    with pytest.raises(PayloadError, match=r"type: must be 'simulate' or 'run', not 'delete'"):
        audit.create_request(body, target="STARBackend", type="delete", db=engine)


def test_the_payload_schema_is_exported_as_json_schema() -> None:
    schema = praxis_lab.request_schema()
    assert schema["title"] == "RunRequestPayload" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"definition_id", "source_hash", "parameters", "setup",
                                         "devices"}
    device = schema["$defs"]["Device"]
    assert set(device["required"]) == {"machine", "backend", "simulator"}
    assert set(schema["required"]) == {"definition_id", "source_hash"}
    json.dumps(schema)


def test_issued_by_is_the_given_user_else_praxis_lab_user_else_the_os_user(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert audit.current_user("grace") == "grace"
    monkeypatch.setenv("PRAXIS_LAB_USER", "ada")
    assert audit.current_user() == "ada"
    monkeypatch.delenv("PRAXIS_LAB_USER")
    assert audit.current_user() == getpass.getuser()


# --- policy rows and approvals --------------------------------------------------------------

OK_REPORT = {"ok": True, "failure_modes": [], "requirements": {"tips": {"tips": 8}},
             "graph": {"operations": [{"method": "aspirate", "line": 3, "volumes": [50.0]}]}}
BAD_REPORT = {**OK_REPORT, "ok": False, "failure_modes": [{"kind": "no_tips", "line": 3}]}


def test_the_gate_stores_every_rule_and_approves_automatically_when_the_policy_allows(
        store: Engine) -> None:
    request_id = _request(store)
    decided = approvals.gate(request_id, evaluate(Policy(), OK_REPORT, "STARBackend"), db=store)
    assert decided.status == "approved"
    rules = _rows(store, PolicyResult, request_id)
    assert [(r.rule, r.decision) for r in rules] == [
        ("simulation_ok", "ALLOW"), ("simulation_complete", "ALLOW"), ("volumes_valid", "ALLOW"),
        ("max_tips", "ALLOW"), ("max_volume_per_op", "ALLOW"), ("allowed_methods", "ALLOW"),
        ("allowed_backends", "ALLOW"), ("time_limit", "ALLOW")]
    assert all(r.run_id is None and r.evaluated_at is not None for r in rules)
    (approval,) = _rows(store, ApprovalResult, request_id)
    assert (approval.approved, approval.approved_by, approval.human_override) == (
        True, "policy", False)
    assert approval.reason == "automatic: every policy rule allowed it"


def test_a_blocked_request_is_approved_only_by_a_human_with_a_reason(store: Engine) -> None:
    request_id = _request(store)
    decided = approvals.gate(request_id, evaluate(Policy(), BAD_REPORT, "STARBackend"), db=store)
    assert decided.status == "blocked"
    for reason in (None, "  "):
        with pytest.raises(RequestError, match=f"request {request_id} was blocked by the "
                                               r"policy \(simulation_ok: .*\): approving it is a "
                                               "human override and needs a reason"):
            approvals.approve(request_id, reason, by="grace", db=store)
    assert _stored(store, request_id).status == "blocked"
    approved = approvals.approve(request_id, "tips are mounted by hand", by="grace", db=store)
    assert approved.status == "approved"
    blocked, human = _rows(store, ApprovalResult, request_id)
    assert (blocked.approved, blocked.approved_by, blocked.policy_blocks[0][:14]) == (
        False, "policy", "simulation_ok:")
    assert (human.approved, human.approved_by, human.human_override, human.reason) == (
        True, "grace", True, "tips are mounted by hand")
    assert human.policy_blocks == blocked.policy_blocks
    assert approvals.describe(request_id, db=store)["approval"] == (
        "approved by grace (human override: tips are mounted by hand)")


def test_no_approval_lifts_a_policys_allowed_backends() -> None:
    engine = db.connect("sqlite://")
    request_id = _request(engine)
    policy = Policy(allowed_backends=frozenset({"OT2Backend"}))
    approvals.gate(request_id, evaluate(policy, OK_REPORT, "STARBackend"), db=engine)
    with pytest.raises(RequestError, match=r"cannot be approved: allowed_backends: backend "
                                           r"STARBackend is not allowed .* change the Policy"):
        approvals.approve(request_id, "trust me", db=engine)
    assert _stored(engine, request_id).status == "blocked"


def test_an_already_approved_request_cannot_be_approved_again() -> None:
    engine = db.connect("sqlite://")
    request_id = _request(engine)
    approvals.gate(request_id, evaluate(Policy(), OK_REPORT, "STARBackend"), db=engine)
    with pytest.raises(InvalidRequestTransition, match="cannot go from approved to approved: "
                                                       "it is already approved"):
        approvals.approve(request_id, "again", db=engine)


def _approve_at_once(url: str, request_id: int, n: int) -> tuple[list[str], list[str]]:
    barrier = threading.Barrier(n)
    won: list[str] = []
    lost: list[str] = []
    engines = [db.connect(url) for _ in range(n)]  # one pool (and connection) per approver

    def approver(i: int) -> None:
        barrier.wait()
        try:
            approvals.approve(request_id, f"reason {i}", by=f"user{i}", db=engines[i])
            won.append(f"user{i}")
        except InvalidRequestTransition as exc:
            lost.append(str(exc))

    threads = [threading.Thread(target=approver, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.dispose()
    return won, lost


@pytest.mark.parametrize("start", ["proposed", "blocked"])
def test_of_eight_concurrent_approvals_of_one_request_exactly_one_wins(
        shared_url: str, start: str) -> None:
    engine = db.connect(shared_url)
    request_id = _request(engine)
    _walk(engine, request_id, *(["proposed"] if start == "proposed" else ["proposed", "blocked"]))
    won, lost = _approve_at_once(shared_url, request_id, 8)
    assert len(won) == 1 and len(lost) == 7
    assert all(f"request {request_id} cannot go from" in m for m in lost)
    approved = [a for a in _rows(engine, ApprovalResult, request_id) if a.approved]
    assert [a.approved_by for a in approved] == won
    assert _stored(engine, request_id).status == "approved"


def test_a_human_rejection_is_not_undone_by_the_policy(store: Engine) -> None:
    request_id = _request(store)
    approvals.gate(request_id, evaluate(Policy(), OK_REPORT, "STARBackend"), db=store)
    rejected = approvals.reject(request_id, "deck is being serviced", by="grace", db=store)
    assert rejected.status == "blocked"
    with pytest.raises(RequestError, match=r"was rejected by grace .*only a human can approve"):
        approvals.gate(request_id, evaluate(Policy(), OK_REPORT, "STARBackend"), db=store)
    assert approvals.describe(request_id, db=store)["approval"] == (
        "rejected by grace: deck is being serviced")


# --- requests and runs --------------------------------------------------------------------


def _request_of(engine: Engine, run_id: int) -> RunRequest:
    with Session(engine) as s:
        run = s.get(ProtocolRun, run_id)
        assert run is not None and run.request_id is not None
        found = s.get(RunRequest, run.request_id)
        assert found is not None
        return found


def test_a_run_files_a_request_that_completes_with_it(store: Engine) -> None:
    with quiet():
        record = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=store,
                            user="ada")
    request = _request_of(store, record.run_id)
    assert (record.request_id, record.request_status) == (request.id, "complete")
    assert (request.status, request.type, request.target, request.issued_by) == (
        "complete", "simulate", "LiquidHandlerChatterboxBackend", "ada")
    assert request.payload["parameters"] == {"columns": 1}
    assert lifecycle.is_terminal("completed")
    with Session(store) as s:
        assert s.get(ProtocolRun, record.run_id).issued_by == "ada"  # type: ignore[union-attr]


def test_a_blocked_request_never_reaches_the_device_until_a_human_approves_it(
        store: Engine) -> None:
    setup = make_setup()
    received = spy(setup)
    del setup["dest"]
    with quiet():
        refused = runner.run(BROKEN, setup, db=store, policy=AS_REAL)
    request = _request_of(store, refused.run_id)
    assert (refused.status, request.status, request.type) == ("refused", "blocked", "run")
    assert received == [] and not setup["lh"].setup_finished
    assert "no_tips @ line 3" in str(refused.error_message)
    with pytest.raises(runner.PolicyBlocked, match=f"request {request.id} is blocked"):
        runner.start(BROKEN, setup, db=store, policy=AS_REAL, request=request.id)
    assert received == []
    approvals.approve(request.id, "the tip is mounted by hand", by="grace",  # type: ignore[arg-type]
                      db=store)
    with quiet():
        retried = runner.run(BROKEN, setup, db=store, policy=AS_REAL, request=request.id)
    assert retried.request_id == request.id and retried.run_id != refused.run_id
    assert retried.error_code == "NoTipError"  # it reached PLR this time
    assert _stored(store, request.id).status == "executing"  # a failed run can be retried


def test_a_retry_after_a_failure_is_a_new_run_of_the_same_request(store: Engine) -> None:
    with quiet():
        failed = runner.run(copy_columns, make_setup(volume=30.0), params={"volume": 50.0},
                            db=store)
    request = _request_of(store, failed.run_id)
    assert (failed.status, request.status) == ("failed", "executing")
    with quiet():  # the frozen parameters are the request's: none given here
        retried = runner.run(copy_columns, make_setup(), db=store, request=request.id)
    assert (retried.status, retried.request_id, retried.request_status) == (
        "completed", request.id, "complete")
    df = praxis_lab.requests(store)
    assert df["run_id"].tolist() == [failed.run_id, retried.run_id]
    assert df["run_status"].tolist() == ["failed", "completed"]
    assert set(df["request_id"]) == {request.id} and set(df["status"]) == {"complete"}
    with Session(store) as s:
        assert s.get(ProtocolRun, retried.run_id).parameters == {"volume": 50.0}  # type: ignore[union-attr]


def test_a_retry_after_an_interruption_is_a_new_run_of_the_same_request(store: Engine) -> None:
    r = runner.Runner(copy_columns, make_setup(), params={"columns": 1}, db=store)
    r.prepare()
    assert r.run_id is not None and r.request_id is not None
    lifecycle.set_status(store, r.run_id, "running")
    with pytest.raises(RequestError, match=f"already has run {r.run_id} running"):
        runner.Runner(copy_columns, make_setup(), db=store, request=r.request_id).prepare()
    lifecycle.set_status(store, r.run_id, "interrupted", error=("ProcessDied", "gone"))
    assert _stored(store, r.request_id).status == "executing"
    with quiet():
        retried = runner.run(copy_columns, make_setup(), db=store, request=r.request_id)
    assert retried.ok and _stored(store, r.request_id).status == "complete"


def test_a_complete_request_runs_no_more_and_a_frozen_one_runs_only_as_requested(
        mem: Engine) -> None:
    with quiet():
        done = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    assert done.request_id is not None
    with pytest.raises(InvalidRequestTransition, match="a complete request runs no more"):
        runner.run(copy_columns, make_setup(), db=mem, request=done.request_id)
    with pytest.raises(RequestError, match=r"is frozen and this run differs: parameters "
                                           r"\{'columns': 2\} \(the request has \{'columns': 1"):
        runner.run(copy_columns, make_setup(), params={"columns": 2}, db=mem,
                   request=done.request_id)
    with Session(mem) as s:
        assert len(s.exec(select(ProtocolRun)).all()) == 1


def test_aborting_a_run_aborts_its_request(mem: Engine) -> None:
    r = runner.Runner(copy_columns, make_setup(), db=mem)
    r.subscribe(lambda m: r.abort() if m["type"] == "log" and m["seq"] == 2 else None)
    with quiet():
        record = asyncio.run(r.execute())
    assert (record.status, record.request_status) == ("canceled", "aborted")


def test_the_runner_tells_subscribers_the_request_and_its_approval(mem: Engine) -> None:
    got: list[dict[str, Any]] = []
    r = runner.Runner(copy_columns, make_setup(), params={"columns": 1}, db=mem, user="ada")
    r.prepare()
    r.subscribe(got.append)  # a late subscriber (the monitor) gets the request at once
    assert got[1] == {"type": "request", "request": {
        "request": r.request_id, "status": "executing", "type": "simulate",
        "target": "LiquidHandlerChatterboxBackend", "issued_by": "ada",
        "approval": "approved by policy (automatic: LiquidHandlerChatterboxBackend is a "
                    "simulator)"}}


@pytest.fixture
def mem() -> Engine:
    return db.connect("sqlite://")


# --- the audit trail ------------------------------------------------------------------------


def test_the_audit_trail_of_a_run_is_complete_and_queryable_in_one_dataframe(
        store: Engine) -> None:
    with quiet():
        failed = runner.run(copy_columns, make_setup(volume=30.0), params={"volume": 50.0},
                            db=store, user="ada")
        done = runner.run(copy_columns, make_setup(), db=store, request=failed.request_id)
    note(done.run_id, "bubbles in column 2", store, author="grace")
    trail = praxis_lab.audit_trail(done.run_id, store)
    assert trail.columns.tolist() == frames.TRAIL_COLUMNS
    assert trail["step"].tolist() == (["request"] + ["policy"] * 8 + ["approval", "run"]
                                      + ["call"] * 2 + ["run"] + ["call"] * 8 + ["note"])
    assert trail["at"].is_monotonic_increasing
    request = trail.iloc[0]
    assert (request["outcome"], request["by"], request["name"]) == (
        "complete", "ada", "simulate on LiquidHandlerChatterboxBackend")
    assert json.loads(request["detail"])["parameters"] == {"volume": 50.0}
    runs = trail[trail["step"] == "run"]
    assert runs["run_id"].tolist() == [failed.run_id, done.run_id]
    assert runs["outcome"].tolist() == ["failed", "completed"]
    calls = trail[trail["step"] == "call"]
    assert calls.groupby("run_id")["seq"].max().to_dict() == {failed.run_id: 2,
                                                              done.run_id: 8}
    assert calls.iloc[1]["outcome"] == "error" and "TooLittleLiquidError" in calls.iloc[1][
        "detail"]
    assert calls.iloc[:2]["name"].tolist() == ["lh.pick_up_tips", "lh.aspirate"]  # who, what
    assert trail.query("step == 'approval'")["by"].tolist() == ["policy"]
    assert trail.iloc[-1][["step", "by", "detail"]].tolist() == [
        "note", "grace", "bubbles in column 2"]
    same = praxis_lab.audit_trail(request_id=int(done.request_id), db=store)  # type: ignore[arg-type]
    assert same.equals(trail)


def test_requests_lists_newest_first_filters_by_status_and_names_bad_statuses(
        mem: Engine) -> None:
    with quiet():
        first = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=mem)
    blocked = _request(mem)
    _walk(mem, blocked, "proposed", "blocked")
    df = praxis_lab.requests(mem)
    assert df.columns.tolist() == frames.REQUEST_COLUMNS
    assert df["request_id"].tolist() == [blocked, first.request_id]
    assert df.iloc[1][["protocol", "approved_by", "run_status"]].tolist() == [
        "copy_columns", "policy", "completed"]
    assert df.iloc[0]["run_id"] is pd_na()
    assert praxis_lab.requests(mem, status="blocked")["request_id"].tolist() == [blocked]
    with pytest.raises(ValueError, match="a request status is one of draft, proposed"):
        praxis_lab.requests(mem, status="done")


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


# --- notes ------------------------------------------------------------------------------


def test_notes_on_runs_and_requests_are_found_by_full_text_search(store: Engine) -> None:
    with quiet():
        record = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=store)
    assert record.request_id is not None
    first = praxis_lab.note(record.run_id, "Bubbles seen in wells A1:H1 after aspirating",
                            store, author="ada")
    second = note(record.request_id, "Approved for the Monday plate", store, on="request")
    note(record.run_id, "Tip rack was replaced", store)
    found = praxis_lab.search("bubble aspirate", store)  # other word forms match too
    assert found.columns.tolist() == ["note_id", "run_id", "request_id", "author", "created",
                                      "text", "score"]
    assert found["note_id"].tolist() == [first]
    assert found.iloc[0][["run_id", "request_id", "author"]].tolist() == [
        record.run_id, record.request_id, "ada"]
    monday = praxis_lab.search("monday", store)
    assert monday["note_id"].tolist() == [second] and monday["run_id"].isna().all()
    assert praxis_lab.search("A1:H1", store)["note_id"].tolist() == [first]
    assert praxis_lab.search("bubbles centrifuge", store).empty  # every word must match


def test_a_note_needs_text_and_a_known_run() -> None:
    engine = db.connect("sqlite://")
    with pytest.raises(RequestError, match="run 42 is not in the run store"):
        note(42, "hello", engine)
    with pytest.raises(RequestError, match="a note on run 42 needs some text"):
        note(42, "  ", engine)
    with pytest.raises(ValueError, match="give at least one word"):
        praxis_lab.search("?!", engine)


# --- migration from schema version 1 ---------------------------------------------------------

V1_TABLES = """
CREATE TABLE function_protocol_definition (name VARCHAR NOT NULL, source TEXT NOT NULL,
  source_hash VARCHAR NOT NULL, simulation JSON, id {serial} NOT NULL, created_at {ts} NOT NULL,
  PRIMARY KEY (id), UNIQUE (name, source_hash));
CREATE INDEX ix_function_protocol_definition_name ON function_protocol_definition (name);
CREATE TABLE parameter_definition (id {serial} NOT NULL, definition_id INTEGER NOT NULL,
  position INTEGER NOT NULL, name VARCHAR NOT NULL, annotation VARCHAR, kind VARCHAR NOT NULL,
  "default" JSON NOT NULL, PRIMARY KEY (id),
  FOREIGN KEY(definition_id) REFERENCES function_protocol_definition (id));
CREATE TABLE asset_requirement (id {serial} NOT NULL, definition_id INTEGER NOT NULL,
  name VARCHAR NOT NULL, type_name VARCHAR, element_type VARCHAR, is_container BOOLEAN NOT NULL,
  PRIMARY KEY (id), FOREIGN KEY(definition_id) REFERENCES function_protocol_definition (id));
CREATE TABLE protocol_run (protocol VARCHAR NOT NULL, definition_id INTEGER,
  backend VARCHAR NOT NULL, mode VARCHAR NOT NULL, parameters JSON NOT NULL, setup VARCHAR,
  expected_ops INTEGER, issued_by VARCHAR, id {serial} NOT NULL, status VARCHAR NOT NULL,
  created_at {ts} NOT NULL, started_at {ts}, ended_at {ts}, duration_s FLOAT,
  error_code VARCHAR, error_message TEXT, calls INTEGER, tips_used INTEGER, volume_ul FLOAT,
  pid INTEGER, hostname VARCHAR, process_token VARCHAR, PRIMARY KEY (id),
  FOREIGN KEY(definition_id) REFERENCES function_protocol_definition (id));
CREATE INDEX ix_protocol_run_status ON protocol_run (status);
CREATE TABLE function_call_log (run_id INTEGER NOT NULL, seq INTEGER NOT NULL,
  method VARCHAR NOT NULL, arguments JSON NOT NULL, result JSON NOT NULL,
  started_at {ts} NOT NULL, ended_at {ts} NOT NULL, duration_ms FLOAT NOT NULL, error TEXT,
  tips INTEGER NOT NULL, volume_ul FLOAT NOT NULL, id {serial} NOT NULL, PRIMARY KEY (id),
  UNIQUE (run_id, seq), FOREIGN KEY(run_id) REFERENCES protocol_run (id));
CREATE TABLE artifact (uri VARCHAR NOT NULL, kind VARCHAR NOT NULL, run_id INTEGER,
  id {serial} NOT NULL, created_at {ts} NOT NULL, PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES protocol_run (id));
CREATE TABLE approval_result (id {serial} NOT NULL, run_id INTEGER NOT NULL,
  approved BOOLEAN NOT NULL, approved_by VARCHAR NOT NULL, human_override BOOLEAN NOT NULL,
  reason TEXT, policy_version VARCHAR NOT NULL, policy_blocks JSON NOT NULL,
  decided_at {ts} NOT NULL, PRIMARY KEY (id), FOREIGN KEY(run_id) REFERENCES protocol_run (id));
CREATE INDEX ix_approval_result_run_id ON approval_result (run_id);
CREATE TABLE policy_result (id {serial} NOT NULL, run_id INTEGER NOT NULL,
  rule VARCHAR NOT NULL, decision VARCHAR NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (id),
  FOREIGN KEY(run_id) REFERENCES protocol_run (id));
CREATE INDEX ix_policy_result_run_id ON policy_result (run_id);
CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at {ts} NOT NULL,
  checked_at {ts}, PRIMARY KEY (version));
"""
V1_ROWS = """
INSERT INTO protocol_run (protocol, backend, mode, parameters, status, created_at,
  issued_by) VALUES ('copy_plate', 'STARBackend', 'real', '{{}}', 'completed',
  '2024-05-01 12:00:00', 'ada');
INSERT INTO function_call_log (run_id, seq, method, arguments, result, started_at, ended_at,
  duration_ms, tips, volume_ul) VALUES (1, 1, 'aspirate', '{{}}', 'null',
  '2024-05-01 12:00:01', '2024-05-01 12:00:02', 5.0, 0, 80.0);
INSERT INTO policy_result (run_id, rule, decision, reason)
  VALUES (1, 'max_tips', 'ALLOW', '8 tips');
INSERT INTO approval_result (run_id, approved, approved_by, human_override, reason,
  policy_version, policy_blocks, decided_at)
  VALUES (1, {true}, 'grace', {true}, 'checked', 'v1', '[]', '2024-05-01 12:00:00');
INSERT INTO artifact (uri, kind, run_id, created_at)
  VALUES ('file:///plates/run1.csv', 'csv', 1, '2024-05-01 12:00:03');
INSERT INTO schema_version (version, applied_at) VALUES (1, '2024-05-01 11:00:00');
"""


def _v1_store(url: str) -> None:
    raw = sqlalchemy.create_engine(url)
    pg = raw.dialect.name == "postgresql"
    ddl = V1_TABLES.format(serial="SERIAL" if pg else "INTEGER",
                           ts="TIMESTAMP WITHOUT TIME ZONE" if pg else "DATETIME")
    rows = V1_ROWS.format(true="true" if pg else "1")
    with raw.begin() as conn:
        for statement in (ddl + rows).split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    raw.dispose()


def test_a_store_created_at_version_1_is_migrated_and_keeps_its_rows(shared_url: str) -> None:
    _v1_store(shared_url)
    engine = db.connect(shared_url)
    with Session(engine) as s:
        assert sorted(s.exec(select(SchemaVersion.version)).all()) == [1, 2, 3, 4]
        old = s.get(ProtocolRun, 1)
        assert old is not None and (old.status, old.request_id, old.issued_by) == (
            "completed", None, "ada")
        policy = s.exec(select(PolicyResult)).one()
        assert (policy.run_id, policy.request_id, policy.rule) == (1, None, "max_tips")
        assert policy.evaluated_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
        approval = s.exec(select(ApprovalResult)).one()
        assert (approval.run_id, approval.approved_by, approval.reason) == (1, "grace", "checked")
        old_call = s.exec(select(FunctionCallLog)).one()  # logged before calls named a machine
        assert (old_call.method, old_call.receiver, old_call.volume_ul) == ("aspirate", None, 80.0)
        artifact = s.exec(select(Artifact)).one()  # stored before: committed when created
        assert (artifact.uri, artifact.seq, artifact.data) == ("file:///plates/run1.csv", None,
                                                               None)
        assert artifact.committed_at == artifact.created_at == datetime(2024, 5, 1, 12, 0, 3,
                                                                        tzinfo=UTC)
    columns = {t: {c["name"]: c for c in sa_inspect(engine).get_columns(t)}
               for t in ("protocol_run", "policy_result", "approval_result")}
    assert "request_id" in columns["protocol_run"]
    assert columns["policy_result"]["run_id"]["nullable"]
    assert columns["approval_result"]["run_id"]["nullable"]
    trail = praxis_lab.audit_trail(1, engine)  # a run from before requests
    assert trail["step"].tolist() == ["policy", "approval", "run", "call"]
    with quiet():  # and the migrated store takes new requests, runs and notes
        record = runner.run(copy_columns, make_setup(), params={"columns": 1}, db=engine)
    assert record.run_id == 2 and record.request_status == "complete"
    assert set(praxis_lab.calls(2, engine)["receiver"]) == {"lh"}
    assert praxis_lab.artifacts(1, engine).empty  # the old artifact holds no reading
    note(record.run_id, "first run after the upgrade", engine)
    assert praxis_lab.search("upgrade", engine)["run_id"].tolist() == [2]
    request_id = _request(engine)
    audit.propose(request_id, db=engine)
    with pytest.raises(DBAPIError, match="frozen"), engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE run_request SET target = 'x' WHERE id = {request_id}")


# --- the command line ---------------------------------------------------------------------


def test_the_cli_runs_approves_retries_notes_searches_and_lists_requests(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tips.py"  # drops tips it never picked up: the simulation says no_tips
    path.write_text(PROTOCOL_FILE.replace('await lh.pick_up_tips(tips[f"A{i + 1}"])', "pass"))
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setattr(runner, "Policy", lambda: AS_REAL)
    run = ["run", str(path), "--setup", "make_deck", "--db", url]
    assert main([*run, "--user", "ada"]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == ("run 1 tips_only refused: 0 calls (real, "
                           "LiquidHandlerChatterboxBackend; request 1 blocked)")
    assert "praxis-lab approve 1 --reason TEXT" in err
    assert main(["approve", "1", "--db", url]) == 1
    assert "needs a reason" in capsys.readouterr().err
    assert main(["approve", "1", "--reason", "checked by hand", "--by", "grace",
                 "--db", url]) == 0
    assert capsys.readouterr().out.startswith("request 1 approved by grace")
    assert main([*run, "--request", "1"]) == 1
    out, err = capsys.readouterr()
    assert out.strip().splitlines()[-1].startswith("run 2 tips_only failed: 1 calls")
    assert err.startswith("NoTipError")  # it reached PLR this time
    assert main(["note", "2", "dropped", "tips", "it", "never", "had", "--db", url]) == 0
    assert capsys.readouterr().out.strip() == "note 1 on run 2"
    assert main(["note", "7", "nothing", "--db", url]) == 1
    assert "run 7 is not in the run store" in capsys.readouterr().err
    assert main(["search", "dropping", "--json", "--db", url]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [(h["note_id"], h["run_id"], h["request_id"]) for h in hits] == [(1, 2, 1)]
    assert main(["requests", "--json", "--status", "executing", "--db", url]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["request_id"], r["run_id"], r["run_status"], r["issued_by"]) for r in rows] == [
        (1, 1, "refused", "ada"), (1, 2, "failed", "ada")]
    assert rows[0]["approved_by"] == "grace" and rows[0]["human_override"] is True
    assert main(["requests", "--db", url]) == 0
    assert "executing" in capsys.readouterr().out
    assert main(["requests", "--status", "done", "--db", url]) == 2
    assert "a request status is one of" in capsys.readouterr().err


# --- the notebook -----------------------------------------------------------------------------

RUN_CELL = '''from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import STARLetDeck, TIP_CAR_480_A00, TipRack
from pylabrobot.resources import hamilton_96_tiprack_1000uL_filter

def make_deck():
    deck = STARLetDeck()
    car = TIP_CAR_480_A00(name="car")
    car[0] = tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    deck.assign_child_resource(car, rails=3)
    return {"lh": LiquidHandler(LiquidHandlerChatterboxBackend(), deck=deck), "tips": tips}

async def tips_only(lh: LiquidHandler, tips: TipRack, n: int = 1):
    for i in range(n):
        await lh.pick_up_tips(tips[f"A{i + 1}"])
        await lh.drop_tips(tips[f"A{i + 1}"])
'''


def test_the_run_magic_files_a_request_as_the_configured_user_with_typed_params(
        ip: Any, tmp_path: Path) -> None:
    from IPython.core.error import UsageError

    url = f"sqlite:///{tmp_path}/nb.db"
    ip.run_line_magic("praxis", f"db {url}")
    ip.run_line_magic("config", "Praxis.user = 'ada'")
    with quiet():
        ip.run_cell_magic("praxis", "run --setup make_deck --param n=3 --start", RUN_CELL)
        record = ip.user_ns["_praxis_run"].wait(timeout=60)
    assert record.status == "completed" and record.calls == 6  # n is 3, not "3"
    run = ip.user_ns["_praxis_run"]
    assert run.request_info["issued_by"] == "ada" and run.request_info["status"] == "complete"
    assert ip.user_ns["_praxis"].ok
    df = ip.run_line_magic("praxis", "requests")
    assert df.iloc[0][["issued_by", "parameters", "run_status"]].tolist() == [
        "ada", {"n": 3}, "completed"]
    assert ip.run_line_magic("praxis", f"note {record.run_id} looked fine") == (
        f"note 1 on run {record.run_id}")
    assert praxis_lab.search("fine", url)["author"].tolist() == ["ada"]
    with pytest.raises(UsageError, match="run 99 is not in the run store"):
        ip.run_line_magic("praxis", "note 99 nothing")
    with pytest.raises(UsageError, match="--param 'n': write it as NAME=VALUE"):
        ip.run_cell_magic("praxis", "run --setup make_deck --param n", RUN_CELL)


def test_the_monitor_shows_the_request_and_its_approval(ip: Any, tmp_path: Path) -> None:
    shown: list[Any] = []
    ip.run_line_magic("praxis", f"db sqlite:///{tmp_path}/nb.db")
    import IPython.display

    original = IPython.display.display
    IPython.display.display = lambda *objs, **kw: shown.extend(objs)
    try:
        ip.run_cell_magic("praxis", "run --setup make_deck", RUN_CELL)
    finally:
        IPython.display.display = original
    (monitor,) = shown
    assert monitor.request["status"] == "executing" and monitor.request["type"] == "simulate"
    assert monitor.request["approval"].startswith("approved by policy")


def test_the_db_magic_masks_the_password(ip: Any) -> None:
    from IPython.core.error import UsageError

    with pytest.raises(UsageError) as refused:  # opened at once: this server is not there
        ip.run_line_magic("praxis", "db postgresql+psycopg://lab:s3cret@db.lab:5432/runs")
    assert "postgresql+psycopg://lab:***@db.lab:5432/runs: cannot open it" in str(refused.value)
    assert "s3cret" not in str(refused.value)
