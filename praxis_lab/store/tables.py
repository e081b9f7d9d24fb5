"""The run store's tables: SQLModel models after seed 000 (runs, calls, definitions) and
seed 004 (requests, policy results, approvals, notes).

Base / Table / Create / Public pattern: ``XBase`` holds the fields a user provides,
``X`` is the table, ``XCreate`` the input and ``XPublic`` the output model. Timestamps
are stored as naive UTC and returned timezone-aware. ``praxis_lab.store.db`` re-exports every
name here; it opens stores and creates these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Text, UniqueConstraint, event
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from praxis_lab.store.status import RUN, InvalidTransition

__all__ = [
    "ApprovalResult", "Artifact", "ArtifactCreate", "AssetRequirement", "FunctionCallLog",
    "FunctionCallLogPublic", "FunctionProtocolDefinition", "ParameterDefinition",
    "PolicyResult", "ProtocolRun", "ProtocolRunCreate", "ProtocolRunPublic", "RunNote",
    "RunRequest", "RunRequestCreate", "RunRequestPublic", "SchemaVersion", "UTCDateTime",
]


def _now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored as naive UTC, returned timezone-aware (same on SQLite and PG)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


# --- tables (seed 000) ------------------------------------------------------------------


class FunctionProtocolDefinitionBase(SQLModel):
    name: str = Field(index=True)
    source: str = Field(sa_type=Text)
    source_hash: str
    simulation: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class FunctionProtocolDefinition(FunctionProtocolDefinitionBase, table=True):
    __tablename__ = "function_protocol_definition"
    __table_args__ = (UniqueConstraint("name", "source_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ParameterDefinition(SQLModel, table=True):
    __tablename__ = "parameter_definition"
    id: int | None = Field(default=None, primary_key=True)
    definition_id: int = Field(foreign_key="function_protocol_definition.id", index=True)
    position: int
    name: str
    annotation: str | None = None
    kind: str = "unknown"  # machine | labware | value | unknown
    default: Any = Field(default=None, sa_type=JSON)


class AssetRequirement(SQLModel, table=True):
    __tablename__ = "asset_requirement"
    id: int | None = Field(default=None, primary_key=True)
    definition_id: int = Field(foreign_key="function_protocol_definition.id", index=True)
    name: str
    type_name: str | None = None
    element_type: str | None = None
    is_container: bool = False


class RunRequestBase(SQLModel):
    """Seed 004's directive: who asked which device to do what (see ``audit.py``)."""

    issued_by: str
    target: str  # the backend (device) it is addressed to
    type: str = "run"  # simulate (a backend that moves nothing) | run (a real device)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class RunRequest(RunRequestBase, table=True):
    __tablename__ = "run_request"
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="draft", index=True)  # changed only by audit.transition
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class RunRequestCreate(RunRequestBase):
    pass


class RunRequestPublic(RunRequestBase):
    id: int
    status: str
    created_at: datetime
    updated_at: datetime


class ProtocolRunBase(SQLModel):
    protocol: str = Field(index=True)
    definition_id: int | None = Field(default=None, foreign_key="function_protocol_definition.id")
    backend: str = ""
    mode: str = "mock"  # mock | real
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    setup: str | None = None
    expected_ops: int | None = None
    issued_by: str | None = None
    request_id: int | None = Field(default=None, foreign_key="run_request.id", index=True)


class ProtocolRun(ProtocolRunBase, table=True):
    __tablename__ = "protocol_run"
    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="pending", index=True)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime, index=True)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    duration_s: float | None = None
    error_code: str | None = None
    error_message: str | None = Field(default=None, sa_type=Text)
    calls: int | None = None  # totals of its FunctionCallLog rows, set when the run ends
    tips_used: int | None = None
    volume_ul: float | None = None
    pid: int | None = None
    hostname: str | None = None
    process_token: str | None = None


def _checked_status(run: ProtocolRun, new: Any, old: Any, _initiator: Any) -> Any:
    """Every ORM assignment of a stored run's status is a lifecycle move (``status.RUN``):
    a final run never becomes running again, whoever edits the row."""
    if isinstance(old, str) and old in RUN.statuses and new != old:
        why = RUN.refusal(old, str(new))
        if why is not None:
            raise InvalidTransition(run.id, old, str(new), why)
    return new


event.listen(ProtocolRun.status, "set", _checked_status, retval=True)


class ProtocolRunCreate(ProtocolRunBase):
    pass


class ProtocolRunPublic(ProtocolRunBase):
    id: int
    status: str
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_s: float | None = None
    error_code: str | None = None
    error_message: str | None = None
    calls: int | None = None
    tips_used: int | None = None
    volume_ul: float | None = None


class FunctionCallLogBase(SQLModel):
    run_id: int = Field(foreign_key="protocol_run.id")
    seq: int
    # the machine called (its parameter or deck name: "lh", "reader"); None for a call
    # logged before schema version 3 (a liquid handler's: runs logged nothing else then)
    receiver: str | None = None
    method: str
    arguments: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    result: Any = Field(default=None, sa_type=JSON)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime = Field(sa_type=UTCDateTime)
    duration_ms: float
    error: str | None = Field(default=None, sa_type=Text)
    tips: int = 0  # tips picked up by this call
    volume_ul: float = 0.0  # liquid aspirated by this call


class FunctionCallLog(FunctionCallLogBase, table=True):
    __tablename__ = "function_call_log"
    __table_args__ = (UniqueConstraint("run_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)


class FunctionCallLogPublic(FunctionCallLogBase):
    id: int


class ArtifactBase(SQLModel):
    """What a run produced: a plate reading (``kind`` absorbance, fluorescence,
    luminescence; ``store/artifacts.py``). The call that made it (``seq``, ``receiver``,
    ``method``), the plate and the measurements as PLR returned them are stored since
    schema version 4."""

    uri: str
    kind: str
    run_id: int | None = Field(default=None, foreign_key="protocol_run.id", index=True)
    seq: int | None = None
    receiver: str | None = None
    method: str | None = None
    plate: str | None = None
    data: Any = Field(default=None, sa_type=JSON)


class Artifact(ArtifactBase, table=True):
    __tablename__ = "artifact"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    # pending (None) while its run goes on; set in the transaction that ends the run
    committed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ArtifactCreate(ArtifactBase):
    pass


class ApprovalResult(SQLModel, table=True):
    """Seed 004: how a request got through the gate (auto by policy, or a human override).

    Rows written before schema version 2 belong to a run (``run_id``), later ones to a
    request (``request_id``).
    """

    __tablename__ = "approval_result"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="run_request.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="protocol_run.id", index=True)
    approved: bool
    approved_by: str
    human_override: bool = False
    reason: str | None = Field(default=None, sa_type=Text)
    policy_version: str = ""
    policy_blocks: list[str] = Field(default_factory=list, sa_type=JSON)
    decided_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class PolicyResult(SQLModel, table=True):
    """One policy rule evaluated for one request (before version 2: one run)."""

    __tablename__ = "policy_result"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="run_request.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="protocol_run.id", index=True)
    rule: str
    decision: str  # ALLOW | BLOCK
    reason: str = Field(sa_type=Text)
    evaluated_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class RunNote(SQLModel, table=True):
    """Seed 004's memories: free text on a request or a run, full-text searchable."""

    __tablename__ = "run_note"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int | None = Field(default=None, foreign_key="run_request.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="protocol_run.id", index=True)
    author: str
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)
    applied_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
