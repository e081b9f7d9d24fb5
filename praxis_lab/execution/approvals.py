"""Policy results and approvals of run requests (seed 004): who let a request through, and why.

:func:`gate` proposes a request, stores every policy rule's verdict as a
``PolicyResult`` row and decides: ``approved`` when the policy allows (automatically,
``approved_by="policy"``; a human override when an override reason let a failing
simulation through) or ``blocked``. :func:`approve` is a human's approval: a blocked
request only with a reason, and never past the rules a Policy says no override lifts
(allowed methods and backends). :func:`reject` blocks a request, :func:`abort` gives up
an executing one. Every decision is one ``ApprovalResult`` row, written in the same
transaction as the status change, so of two concurrent approvals exactly one is stored.
:func:`file_request` is the runner's entry: the request a run executes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from praxis_lab.store.audit import (
    DB,
    InvalidRequestTransition,
    RequestError,
    create_request,
    current,
    current_user,
    get_request,
    in_write,
    transition,
)
from praxis_lab.store.db import ApprovalResult, PolicyResult, RunNote, RunRequest, opened

if TYPE_CHECKING:
    from praxis_lab.execution.policy import PolicyDecision

__all__ = ["abort", "approve", "describe", "describe_devices", "file_request", "gate", "reject"]

_POLICY: Any = PolicyResult.__table__  # type: ignore[attr-defined]
_APPROVALS: Any = ApprovalResult.__table__  # type: ignore[attr-defined]
# Policy rules no override lifts: a human cannot approve past them
_UNLIFTABLE = ("allowed_methods", "allowed_backends", "volumes_valid")


def _approval(conn: Connection, request_id: int, *, approved: bool, by: str, human: bool,
              reason: str | None, version: str = "", blocks: list[str] | None = None) -> None:
    conn.execute(insert(_APPROVALS).values(
        request_id=request_id, approved=approved, approved_by=by, human_override=human,
        reason=reason, policy_version=version, policy_blocks=blocks or [],
        decided_at=datetime.now(UTC)))


def _last_decision(conn: Connection, request_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(_APPROVALS).where(_APPROVALS.c.request_id == request_id)
                       .order_by(_APPROVALS.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row is not None else None


def _to_proposed(conn: Connection, request_id: int) -> dict[str, Any]:
    row = current(conn, request_id)
    last = _last_decision(conn, request_id)
    if row["status"] == "blocked" and last is not None and last["human_override"]:
        raise RequestError(f"request {request_id} was rejected by {last['approved_by']} "
                           f"({last['reason']}): only a human can approve it: praxis-lab "
                           f"approve {request_id} --reason TEXT")
    if row["status"] in ("draft", "blocked"):
        return transition(conn, request_id, "proposed")
    if row["status"] != "proposed":
        raise InvalidRequestTransition(request_id, row["status"], "proposed",
                                       f"it was already decided ({row['status']})")
    return row


def gate(request_id: int, decision: PolicyDecision, *, user: str | None = None,
         db: DB = None) -> RunRequest:
    """Propose the request (a draft or a blocked one), store every rule's verdict, decide.

    ALLOW → ``approved`` (by ``policy``, or by ``user`` as a human override when an
    override reason let a failing simulation through); BLOCK → ``blocked``.
    """
    def decide(conn: Connection) -> dict[str, Any]:
        _check_made_for(current(conn, request_id), decision)
        _to_proposed(conn, request_id)
        now = datetime.now(UTC)
        for r in decision.rules:
            conn.execute(insert(_POLICY).values(request_id=request_id, rule=r.rule,
                                                decision=r.decision.value, reason=r.reason,
                                                evaluated_at=now))
        if not decision.allowed:
            _approval(conn, request_id, approved=False, by="policy", human=False, reason=None,
                      version=decision.policy_version, blocks=decision.reasons)
            return transition(conn, request_id, "blocked")
        row = transition(conn, request_id, "approved")
        if decision.overridden:
            _approval(conn, request_id, approved=True, by=current_user(user), human=True,
                      reason=decision.override, version=decision.policy_version)
        else:
            why = (f"automatic: {row['target']} is a simulator" if decision.simulator
                   else "automatic: every policy rule allowed it")
            _approval(conn, request_id, approved=True, by="policy", human=False, reason=why,
                      version=decision.policy_version)
        return row

    return RunRequest(**in_write(db, decide, f"gate request {request_id}"))


def _check_made_for(request: dict[str, Any], decision: PolicyDecision) -> None:
    """Refuse a policy evaluation made for other devices than the request's frozen ones."""
    frozen = (request["payload"] or {}).get("devices") or {}
    evaluated = dict(decision.devices or {})
    simulates = request["type"] == "simulate"
    if evaluated != frozen or decision.simulator != simulates:
        raise RequestError(
            f"request {request['id']} is for {describe_devices(frozen, simulates)}, but this "
            f"policy evaluation was made for "
            f"{describe_devices(evaluated, decision.simulator)}: evaluate the policy for the "
            "request's own devices")


def describe_devices(devices: dict[str, Any], simulator: bool | None = None) -> str:
    """``lh: STARBackend (serial_number 123)`` per device, for messages."""
    if not devices:
        return "a simulator (no device named)" if simulator else "no device named"
    parts = []
    for key, d in sorted(devices.items()):
        ident = ", ".join(f"{k} {v}" for k, v in sorted((d.get("identity") or {}).items()))
        parts.append(f"{key}: {str(d.get('backend')).rsplit('.', 1)[-1]}"
                     + (" (PLR simulator)" if d.get("simulator") else "")
                     + (f" ({ident})" if ident else ""))
    return "; ".join(parts)


def _last_blocks(conn: Connection, request_id: int) -> list[str]:
    last = _last_decision(conn, request_id)
    return list(last["policy_blocks"] or []) if last and not last["approved"] else []


def approve(request_id: int, reason: str | None = None, *, by: str | None = None,
            db: DB = None) -> RunRequest:
    """A human approves a proposed request, or overrides a blocked one (``reason`` needed)."""
    def decide(conn: Connection) -> dict[str, Any]:
        row = current(conn, request_id)
        blocks: list[str] = []
        if row["status"] in ("approved", "executing", "complete"):
            raise InvalidRequestTransition(request_id, row["status"], "approved",
                                           f"it is already {row['status']}")
        if row["status"] == "blocked":
            blocks = _last_blocks(conn, request_id)
            if not (reason or "").strip():
                listed = "; ".join(blocks) or "see praxis_lab.audit_trail"
                raise RequestError(
                    f"request {request_id} was blocked by the policy ({listed}): approving it "
                    f"is a human override and needs a reason: praxis-lab approve {request_id} "
                    "--reason 'why it is safe'")
            fixed = [b for b in blocks if b.split(":", 1)[0] in _UNLIFTABLE]
            if fixed:
                raise RequestError(
                    f"request {request_id} cannot be approved: {'; '.join(fixed)} (no override "
                    "lifts a Policy's allowed methods or backends: change the Policy)")
            transition(conn, request_id, "proposed")
        approved = transition(conn, request_id, "approved")
        _approval(conn, request_id, approved=True, by=current_user(by), human=True,
                  reason=(reason or "").strip() or None, blocks=blocks)
        return approved

    return RunRequest(**in_write(db, decide, f"approve request {request_id}"))


def reject(request_id: int, reason: str, *, by: str | None = None, db: DB = None) -> RunRequest:
    """A human blocks a proposed or approved request (``reason`` is recorded)."""
    if not (reason or "").strip():
        raise RequestError(f"rejecting request {request_id} needs a reason")

    def decide(conn: Connection) -> dict[str, Any]:
        row = transition(conn, request_id, "blocked")
        _approval(conn, request_id, approved=False, by=current_user(by), human=True,
                  reason=reason.strip())
        return row

    return RunRequest(**in_write(db, decide, f"reject request {request_id}"))


def abort(request_id: int, reason: str | None = None, *, by: str | None = None,
          db: DB = None) -> RunRequest:
    """Give up an executing request (say after failed runs): ``executing → aborted``."""
    def stop(conn: Connection) -> dict[str, Any]:
        row = transition(conn, request_id, "aborted")
        if reason:
            conn.execute(insert(RunNote.__table__).values(  # type: ignore[attr-defined]
                request_id=request_id, author=current_user(by), text=f"aborted: {reason}",
                created_at=datetime.now(UTC)))
        return row

    return RunRequest(**in_write(db, stop, f"abort request {request_id}"))


def describe(request_id: int, *, db: DB = None) -> dict[str, Any]:
    """The request as the run monitor shows it: id, status, who, what, and its approval."""
    with opened(db) as engine, engine.connect() as conn:
        row = current(conn, request_id)
        last = _last_decision(conn, request_id)
    if last is None:
        approval = "not decided yet"
    elif not last["approved"]:
        approval = (f"rejected by {last['approved_by']}: {last['reason']}" if
                    last["human_override"] else "blocked: " + "; ".join(last["policy_blocks"]))
    elif last["human_override"]:
        approval = f"approved by {last['approved_by']} (human override: {last['reason']})"
    else:
        approval = f"approved by policy ({last['reason'] or 'automatic'})"
    return {"request": row["id"], "status": row["status"], "type": row["type"],
            "target": row["target"], "issued_by": row["issued_by"], "approval": approval}


def file_request(engine: Engine, payload: dict[str, Any], *, target: str,
                 decision: PolicyDecision, request_id: int | None = None,
                 user: str | None = None) -> RunRequest:
    """The request a run executes, decided.

    Without ``request_id``: a new request (``simulate`` when the decision was made for
    simulators only, else ``run``) for the payload's devices, gated by ``decision``. With
    it: the stored request, which must hold the same payload, devices included (frozen);
    gated when it is undecided or blocked, taken as it is when approved or executing (a
    retry).
    """
    if request_id is None:
        request = create_request(payload, target=target, issued_by=user, db=engine,
                                 type="simulate" if decision.simulator else "run")
    else:
        request = get_request(request_id, db=engine)
        _same_payload(request, payload)
    assert request.id is not None
    if request.status in ("draft", "proposed", "blocked"):
        request = gate(request.id, decision, user=user, db=engine)
    return request


def _same_payload(request: RunRequest, payload: dict[str, Any]) -> None:
    """Refuse to run ``request`` with anything else than its frozen payload."""
    frozen = request.payload
    differ = [f"{k} {payload[k]!r} (the request has {frozen.get(k)!r})"
              for k in ("source_hash", "parameters") if payload[k] != frozen.get(k)]
    if payload["setup"] and frozen.get("setup") and payload["setup"] != frozen["setup"]:
        differ.append(f"setup {payload['setup']!r} (the request has {frozen['setup']!r})")
    devices, approved_for = payload.get("devices") or {}, frozen.get("devices") or {}
    if devices != approved_for:
        differ.append(f"its devices are {describe_devices(devices)} (the request is for "
                      f"{describe_devices(approved_for)}; an approval covers its devices only)")
    if differ:
        raise RequestError(
            f"request {request.id} is frozen and this run differs: {'; '.join(differ)}; run "
            "the protocol as requested, or leave out request= to file a new request")
