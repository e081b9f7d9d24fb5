"""Run requests: who asked which device to do what, the policy's verdict, who approved it.

A :class:`~praxis_lab.store.db.RunRequest` is seed 004's directive, frozen intent: ``issued_by``
(``PRAXIS_LAB_USER`` or the OS user unless given), ``target`` (the backend), ``type``
(``simulate`` when every device is one of PLR's simulators, ``run`` on a real device) and a
payload ``{definition_id, source_hash, parameters, setup, devices}``
(:class:`RequestPayload`, schema in :func:`request_schema`) that no one can edit once the
request is proposed: an approval covers those devices and no other. Its status::

    draft ─► proposed ─► approved ─► executing ─► complete
               │   ▲         │           └──────► aborted
               ▼   │         ▼
              blocked ◄──────┘

changes only in :func:`transition`, a conditional ``UPDATE ... WHERE status = <read>``:
of two sessions approving one request exactly one wins. The decisions (policy rows,
approvals with human override) are in ``approvals.py``, notes in ``notes.py``. Runs of
a request are attempts: the request is ``complete`` when one completes, ``aborted``
when one is canceled, and a failed or interrupted run can be retried as a new run of
the same request.

>>> next_statuses("proposed")
['approved', 'blocked']
>>> check_transition(4, "draft", "approved")
Traceback (most recent call last):
...
praxis_lab.store.audit.InvalidRequestTransition: request 4 cannot go from draft to approved: \
a draft request can only become proposed
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Engine

from praxis_lab.errors import UserError
from praxis_lab.store import db as store
from praxis_lab.store.db import FunctionProtocolDefinition, RunRequest
from praxis_lab.store.status import REQUEST, RequestStatus

__all__ = [
    "InvalidRequestTransition", "PayloadError", "RequestError", "RequestPayload",
    "RequestStatus", "check_transition", "create_request", "current", "current_user",
    "edit_request", "get_request", "in_write", "next_statuses", "propose",
    "request_schema", "set_status", "transition",
]

DB = Engine | str | None
T = TypeVar("T")


class RequestError(UserError, ValueError):
    """A request cannot do what was asked; the message says why and what to do."""


class InvalidRequestTransition(RequestError):
    """A status change the request lifecycle does not allow."""

    def __init__(self, request_id: int | None, current: str, new: str,
                 why: str | None = None) -> None:
        self.request_id, self.current, self.new = request_id, current, new
        why = why or REQUEST.refusal(current, new) or "it is allowed"
        super().__init__(f"request {request_id} cannot go from {current} to {new}: {why}")


class PayloadError(RequestError):
    """A request payload that does not validate against :func:`request_schema`."""


def next_statuses(status: str) -> list[str]:
    """The statuses a request in ``status`` may move to (empty when final)."""
    return REQUEST.next(status)


def check_transition(request_id: int | None, current: str, new: str) -> None:
    """Raise :class:`InvalidRequestTransition` unless ``current → new`` is legal."""
    why = REQUEST.refusal(current, new)
    if why is not None:
        raise InvalidRequestTransition(request_id, current, new, why)


# --- the payload ------------------------------------------------------------------------


class Device(BaseModel):
    """One machine a request drives, as the run's setup gave it (``_plr.devices``)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="Device")
    machine: str = Field(description="the PLR machine class, module.Class")
    backend: str = Field(description="the backend class driving it, module.Class")
    simulator: bool = Field(description="whether the backend is one of PLR's own simulator "
                                        "classes (by identity: it moves nothing)")
    identity: dict[str, str] = Field(
        default_factory=dict, description="what tells this machine from another of its kind, "
        "as its backend gives it (host, port, serial number, device address)")


class RequestPayload(BaseModel):
    """What a run request asks for: one protocol version, its parameters, its setup, and
    the devices it drives (an approval covers those devices only)."""

    model_config = ConfigDict(extra="forbid", strict=True, title="RunRequestPayload")
    definition_id: int = Field(ge=1, description="FunctionProtocolDefinition.id: the "
                               "stored protocol version")
    source_hash: str = Field(pattern=r"^[0-9a-f]{16,64}$",
                             description="sha256 prefix of the protocol's source")
    parameters: dict[str, JsonValue] = Field(
        default_factory=dict, description="values of the protocol's plain parameters")
    setup: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                              description="name of the setup function that binds the labware")
    devices: dict[str, Device] = Field(
        default_factory=dict, description="the machines of the setup by parameter (or deck "
        "resource) name, each with the backend that drives it")


def request_schema() -> dict[str, Any]:
    """The JSON schema of a run request's payload."""
    return RequestPayload.model_json_schema()


def _validate(payload: Any) -> dict[str, Any]:
    try:
        return RequestPayload.model_validate(payload).model_dump(mode="json")
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}"
            + (f" (got {e['input']!r})" if e["type"] != "missing" else "")
            for e in exc.errors())
        raise PayloadError(f"request payload refused: {problems}; see "
                           "praxis_lab.request_schema() for the fields") from None


def current_user(user: str | None = None) -> str:
    """``user``, else ``PRAXIS_LAB_USER``, else the OS user."""
    if user:
        return user
    if os.environ.get("PRAXIS_LAB_USER"):
        return os.environ["PRAXIS_LAB_USER"]
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


# --- the one mutator --------------------------------------------------------------------

_REQ: Any = RunRequest.__table__  # type: ignore[attr-defined]


_CURRENT = select(_REQ).where(_REQ.c.id == bindparam("request_id"))  # built once
_MOVE = update(_REQ).where(_REQ.c.id == bindparam("request_id"),
                           _REQ.c.status == bindparam("was")).values(
    status=bindparam("status"), updated_at=bindparam("updated_at"))


def current(conn: Connection, request_id: int) -> dict[str, Any]:
    """The stored request as a dict, or RequestError naming the store."""
    row = conn.execute(_CURRENT, {"request_id": request_id}).mappings().first()
    if row is None:
        raise RequestError(f"request {request_id} is not in the run store "
                           f"{store.display_url(conn.engine)}: praxis_lab.requests() lists them")
    return dict(row)


def transition(conn: Connection, request_id: int, new_status: str) -> dict[str, Any]:
    """Move request ``request_id`` to ``new_status`` inside the caller's transaction.

    The only code that writes ``run_request.status``. The update is conditional on the
    status just read, so a concurrent change makes it a loser that raises
    :class:`InvalidRequestTransition` instead of overwriting.
    """
    row = current(conn, request_id)
    check_transition(request_id, row["status"], new_status)
    now = datetime.now(UTC)
    done = conn.execute(_MOVE, {"request_id": request_id, "was": row["status"],
                                "status": new_status, "updated_at": now})
    if done.rowcount != 1:
        raise InvalidRequestTransition(
            request_id, row["status"], new_status,
            f"another session changed it first (it is now {current(conn, request_id)['status']})")
    return {**row, "status": new_status, "updated_at": now}


def in_write(db: DB, fn: Callable[[Connection], T], doing: str) -> T:
    """``fn(connection)`` in one write transaction (retried on lock errors), committed."""
    with store.opened(db) as engine:
        def attempt() -> T:
            with store.writer(engine) as conn:
                result = fn(conn)
                conn.commit()
                return result

        return store.retrying(engine, attempt, doing=doing)


def set_status(request_id: int, new_status: str, *, db: DB = None) -> RunRequest:
    """Apply :func:`transition` in its own write transaction; returns the updated request."""
    return RunRequest(**in_write(db, lambda c: transition(c, request_id, new_status),
                             f"mark request {request_id} {new_status}"))


# --- creating, proposing, deciding ------------------------------------------------------


def _check_payload(conn: Connection, payload: dict[str, Any]) -> None:
    defs: Any = FunctionProtocolDefinition.__table__  # type: ignore[attr-defined]
    found = conn.execute(select(defs.c.source_hash).where(
        defs.c.id == payload["definition_id"])).first()
    if found is None:
        raise PayloadError(f"request payload refused: definition_id: no protocol definition "
                           f"{payload['definition_id']} in the run store (store the protocol "
                           "first: a run stores its definition)")
    if found[0] != payload["source_hash"]:
        raise PayloadError(f"request payload refused: source_hash: {payload['source_hash']!r} "
                           f"is not the hash of definition {payload['definition_id']} "
                           f"({found[0]!r})")


def _check_fields(target: str, type_: str) -> None:
    if type_ not in ("simulate", "run"):
        raise PayloadError(f"request refused: type: must be 'simulate' or 'run', not {type_!r}")
    if not target or not target.strip():
        raise PayloadError("request refused: target: name the device or backend it is for")


def create_request(payload: Any, *, target: str, type: str = "run",
                   issued_by: str | None = None, db: DB = None) -> RunRequest:
    """Store a ``draft`` request; the payload is validated (field and reason on failure)."""
    data = _validate(payload)
    _check_fields(target, type)

    def create(conn: Connection) -> dict[str, Any]:
        _check_payload(conn, data)
        now = datetime.now(UTC)
        values = {"issued_by": current_user(issued_by), "target": target, "type": type,
                  "payload": data, "status": "draft", "created_at": now, "updated_at": now}
        new_id = conn.execute(insert(_REQ).values(values).returning(_REQ.c.id)).scalar_one()
        return {"id": new_id, **values}

    return RunRequest(**in_write(db, create, "create a run request"))


def edit_request(request_id: int, *, payload: Any = None, target: str | None = None,
                 type: str | None = None, db: DB = None) -> RunRequest:
    """Change a ``draft`` request; refused once it was proposed (its payload is frozen)."""
    def edit(conn: Connection) -> dict[str, Any]:
        row = current(conn, request_id)
        if row["status"] != "draft":
            raise RequestError(f"request {request_id} is {row['status']}: its payload was "
                               "frozen when it was proposed; create a new request to change it")
        changes: dict[str, Any] = {}
        if payload is not None:
            changes["payload"] = _validate(payload)
            _check_payload(conn, changes["payload"])
        if target is not None or type is not None:
            _check_fields(target or row["target"], type or row["type"])
            changes.update({k: v for k, v in (("target", target), ("type", type)) if v})
        changes["updated_at"] = datetime.now(UTC)
        done = conn.execute(update(_REQ).where(_REQ.c.id == request_id,
                                               _REQ.c.status == "draft").values(changes))
        if done.rowcount != 1:  # proposed by another session meanwhile
            raise RequestError(f"request {request_id} was proposed meanwhile: its payload is "
                               "frozen; create a new request to change it")
        return {**row, **changes}

    return RunRequest(**in_write(db, edit, f"edit request {request_id}"))


def propose(request_id: int, *, db: DB = None) -> RunRequest:
    """``draft → proposed``: the payload is frozen from now on."""
    return set_status(request_id, "proposed", db=db)


def get_request(request_id: int, *, db: DB = None) -> RunRequest:
    """The stored request ``request_id`` (RequestError when there is none)."""
    with store.opened(db) as engine, engine.connect() as conn:
        return RunRequest(**current(conn, request_id))
