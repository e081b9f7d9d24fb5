"""The run lifecycle: one validated mutator for a run's status (seed 004).

::

    pending ─► running ─► completed | failed | canceled | interrupted
       ├─────► refused    (its request is blocked)
       └─────► canceled   (aborted before it started)

:func:`transition` is the only code that changes ``ProtocolRun.status`` and the only
place that sets ``started_at``, ``ended_at`` and ``duration_s``; :func:`set_status`
applies it to the stored row inside one write transaction, and moves the run's request
with it (``complete`` when the run completes, ``aborted`` when it is canceled; after a
failure or an interruption the request stays ``executing`` and can be retried).

>>> from praxis_lab.store.db import ProtocolRun
>>> run = ProtocolRun(id=1, protocol="copy_plate")
>>> transition(run, "running").status
'running'
>>> transition(run, "pending")
Traceback (most recent call last):
...
praxis_lab.store.status.InvalidTransition: run 1 cannot go from running to pending: \
a running run can only become completed, failed, canceled or interrupted
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, func, select

from praxis_lab.store import audit
from praxis_lab.store.db import (
    Artifact,
    AssetRequirement,
    FunctionCallLog,
    FunctionProtocolDefinition,
    ParameterDefinition,
    ProtocolRun,
    StoreError,
    display_url,
    retrying,
    write,
    writer,
)
from praxis_lab.store.status import RUN, InvalidTransition, RunStatus

__all__ = [
    "TERMINAL",
    "InvalidTransition",
    "RunStatus",
    "create_run",
    "is_terminal",
    "next_statuses",
    "process_identity",
    "recover",
    "set_status",
    "store_definition",
    "transition",
]


TERMINAL = RUN.final


def next_statuses(status: str) -> list[str]:
    """The statuses a run in ``status`` may move to (empty when final)."""
    return RUN.next(status)


def is_terminal(status: str) -> bool:
    return RUN.is_final(status)


Error = BaseException | tuple[str, str] | None


def transition(run: ProtocolRun, new_status: str, *, error: Error = None,
               now: datetime | None = None) -> ProtocolRun:
    """Move ``run`` to ``new_status`` or raise :class:`InvalidTransition`.

    ``error`` (an exception, or a ``(code, message)`` pair) is recorded as the run's
    error code and message. Sets ``started_at`` on running, and ``ended_at`` and
    ``duration_s`` on every final status.
    """
    why = RUN.refusal(run.status, new_status)
    if why is not None:
        raise InvalidTransition(run.id, run.status, new_status, why)
    now = now or datetime.now(UTC)
    new = RunStatus(new_status)
    run.status = new.value
    if new is RunStatus.RUNNING:
        run.started_at = now
    if new in TERMINAL:
        run.ended_at = now
        if run.started_at is not None:
            started = run.started_at
            if started.tzinfo is None:
                started = started.replace(tzinfo=UTC)
            run.duration_s = max(0.0, (now - started).total_seconds())
    if isinstance(error, BaseException):
        run.error_code = type(error).__name__
        run.error_message = str(error) or type(error).__name__
    elif error is not None:
        run.error_code, run.error_message = error
    return run


def set_status(engine: Engine, run_id: int, new_status: str, *,
               error: Error = None) -> ProtocolRun:
    """Apply :func:`transition` to the stored run ``run_id`` in one write transaction.

    Returns a detached copy of the updated run. Raises :class:`InvalidTransition` when
    the stored status does not allow the change, StoreError when the run is missing.
    """
    def attempt() -> ProtocolRun:
        with writer(engine) as conn:  # core SQL, statements built once: this runs twice per run
            row = conn.execute(_SELECT_RUN, {"run_id": run_id}).mappings().first()
            if row is None:
                raise StoreError(f"run {run_id} is not in the run store {display_url(engine)}: "
                                 "check the run id (praxis_lab.history() lists them)")
            run = ProtocolRun(**row)
            transition(run, new_status, error=error)
            if run.status in TERMINAL:  # the run's totals, aggregated once, when it ends
                n, tips, volume = conn.execute(_TOTALS, {"run_id": run_id}).one()
                run.calls, run.tips_used, run.volume_ul = int(n), int(tips), float(volume)
                conn.execute(_COMMIT_ARTIFACTS, {"of_run": run_id, "at": run.ended_at})
            conn.execute(_UPDATE_RUN, {"run_id": run_id, **{f: getattr(run, f) for f in _CHANGED}})
            request = _REQUEST_AFTER.get(run.status)
            if request is not None and run.request_id is not None and audit.current(
                    conn, run.request_id)["status"] == "executing":
                audit.transition(conn, run.request_id, request)
            conn.commit()
            return run

    return retrying(engine, attempt, doing=f"mark run {run_id} {new_status}")


_REQUEST_AFTER = {"completed": "complete", "canceled": "aborted"}
_CHANGED = ("status", "started_at", "ended_at", "duration_s", "error_code", "error_message",
            "calls", "tips_used", "volume_ul")
_RUNS: Any = ProtocolRun.__table__  # type: ignore[attr-defined]
_CALLS: Any = FunctionCallLog.__table__  # type: ignore[attr-defined]
_SELECT_RUN = select(_RUNS).where(_RUNS.c.id == bindparam("run_id")).with_for_update()
_TOTALS = select(func.count(), func.coalesce(func.sum(_CALLS.c.tips), 0),
                 func.coalesce(func.sum(_CALLS.c.volume_ul), 0.0)).where(
    _CALLS.c.run_id == bindparam("run_id"))
_ARTIFACTS: Any = Artifact.__table__  # type: ignore[attr-defined]
_COMMIT_ARTIFACTS = update(_ARTIFACTS).where(
    _ARTIFACTS.c.run_id == bindparam("of_run"), _ARTIFACTS.c.committed_at.is_(None)).values(
    committed_at=bindparam("at"))
_UPDATE_RUN = update(_RUNS).where(_RUNS.c.id == bindparam("run_id")).values(
    {f: bindparam(f) for f in _CHANGED})


# --- a run is born: its definition, its row ------------------------------------------------


def store_definition(engine: Engine, info: Any, simulation: dict[str, Any] | None) -> int:
    """Store protocol ``info`` (an ``analyse.ProtocolInfo``) once per name and source hash.

    With its parameters and asset requirements; a later call refreshes the cached
    simulation. Returns the definition id.
    """
    from praxis_lab.store.calllog import to_json

    def store(session: Session) -> int:
        found = session.exec(select(FunctionProtocolDefinition.id).where(
            FunctionProtocolDefinition.name == info.name,
            FunctionProtocolDefinition.source_hash == info.source_hash)).first()
        if found is not None:
            if simulation is not None:
                cached = session.get(FunctionProtocolDefinition, found)
                assert cached is not None
                cached.simulation = simulation
                session.add(cached)
            return found
        d = FunctionProtocolDefinition(name=info.name, source=info.source,
                                       source_hash=info.source_hash, simulation=simulation)
        session.add(d)
        session.flush()
        assert d.id is not None
        for i, p in enumerate(info.params):
            session.add(ParameterDefinition(
                definition_id=d.id, position=i, name=p.name, annotation=p.annotation,
                kind=p.kind, default=to_json(p.default) if p.has_default else None))
            if p.kind in ("machine", "labware"):
                session.add(AssetRequirement(
                    definition_id=d.id, name=p.name, type_name=p.annotation,
                    element_type=p.element_type, is_container=p.is_container))
        return d.id

    for attempt in range(3):
        try:
            return write(engine, store, doing=f"store the definition of {info.name}")
        except IntegrityError:  # another process stored the same definition meanwhile
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


_ACTIVE = ("pending", "running")


def create_run(engine: Engine, info: Any, *, definition_id: int, request_id: int,
               backend: str, mode: str, params: Mapping[str, Any], setup: str | None,
               expected_ops: int | None, issued_by: str | None = None) -> int:
    """Store a ``pending`` run of protocol ``info`` for request ``request_id``.

    The request must be ``approved`` (it becomes ``executing``), ``executing`` with no
    run in progress (a retry after a failure or an interruption), or ``blocked`` (the
    run is then refused by the caller). Anything else raises ``audit.RequestError``.
    """
    from praxis_lab.store.calllog import to_json

    runs: Any = ProtocolRun.__table__  # type: ignore[attr-defined]

    def create(session: Session) -> int:
        conn = session.connection()
        request = audit.current(conn, request_id)
        status = request["status"]
        if status == "approved":
            audit.transition(conn, request_id, "executing")
        elif status == "executing":
            active = conn.execute(select(runs.c.id, runs.c.status).where(
                runs.c.request_id == request_id, runs.c.status.in_(_ACTIVE))).first()
            if active is not None:
                raise audit.RequestError(
                    f"request {request_id} already has run {active[0]} {active[1]}: wait for "
                    "it to end (or abort it) before retrying")
        elif status != "blocked":
            raise audit.InvalidRequestTransition(
                request_id, status, "executing",
                "approve it first (praxis-lab approve)" if status in ("draft", "proposed")
                else f"a {status} request runs no more: create a new request")
        pid, host, token = process_identity()
        run = ProtocolRun(protocol=info.name, definition_id=definition_id, backend=backend,
                          mode=mode, parameters=to_json(dict(params)), setup=setup,
                          expected_ops=expected_ops, issued_by=audit.current_user(issued_by),
                          request_id=request_id, pid=pid, hostname=host, process_token=token)
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id

    return write(engine, create, doing=f"record a run of {info.name}")


# --- runs left behind by dead processes --------------------------------------------------


def _process_token(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a reused pid apart), or None off Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _alive(pid: int, token: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if Path("/proc/self/stat").exists():
        now = _process_token(pid)
        return now is not None and (token is None or now == token)
    return True


def process_identity() -> tuple[int, str, str | None]:
    """(pid, hostname, start token) of this process, stored on each run it starts."""
    return os.getpid(), socket.gethostname(), _process_token(os.getpid())


def recover(engine: Engine) -> list[int]:
    """Mark runs left ``running`` by a dead process on this host ``interrupted``.

    Returns the ids it marked. Runs of other hosts are left alone (they cannot be checked).
    """
    host = socket.gethostname()
    try:
        with Session(engine) as session:
            stale = session.exec(
                select(ProtocolRun.id, ProtocolRun.pid, ProtocolRun.process_token).where(
                    ProtocolRun.status == "running", ProtocolRun.hostname == host)
            ).all()
    except SQLAlchemyError as exc:
        raise StoreError(f"run store {display_url(engine)}: cannot read it: {exc}") from exc
    marked = []
    for run_id, pid, token in stale:
        if run_id is None or pid is None or _alive(pid, token):
            continue
        try:
            set_status(engine, run_id, "interrupted", error=(
                "ProcessDied", f"process {pid} on {host} ended during the run"))
        except InvalidTransition:  # another process recovered it first
            continue
        marked.append(run_id)
    return marked
