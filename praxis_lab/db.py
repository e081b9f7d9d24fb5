"""The run store: SQLModel tables after seed 000 and the engine that holds them.

Tables follow the Base / Table / Create / Public pattern: ``XBase`` holds the fields a
user provides, ``X`` is the table, ``XCreate`` the input and ``XPublic`` the output
model. :func:`connect` opens a store (default: a SQLite file in the user's data
directory, WAL on), creates the schema on first use, records its version and marks
runs left ``running`` by a dead process as ``interrupted``. :func:`write` runs a write
transaction and retries "database is locked" with backoff so users never see it.

>>> engine = connect("sqlite://")
>>> write(engine, lambda s: s.add(Artifact(uri="file:///tmp/plot.png", kind="figure")))
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import JSON, DateTime, Text, UniqueConstraint, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Session, SQLModel, create_engine, select

__all__ = [
    "SCHEMA_VERSION", "ApprovalResult", "Artifact", "ArtifactCreate", "AssetRequirement",
    "FunctionCallLog", "FunctionCallLogPublic", "FunctionProtocolDefinition",
    "ParameterDefinition", "PolicyResult", "ProtocolRun", "ProtocolRunCreate",
    "ProtocolRunPublic", "SchemaVersion", "StoreError", "check_writable", "connect",
    "default_url", "display_url", "dumps", "retrying", "write", "writer",
]

SCHEMA_VERSION = 1
_log = logging.getLogger("praxis_lab.db")
T = TypeVar("T")


class StoreError(RuntimeError):
    """The run store cannot be opened, read or written (the message says what to do)."""


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


class ProtocolRunBase(SQLModel):
    protocol: str = Field(index=True)
    definition_id: int | None = Field(default=None, foreign_key="function_protocol_definition.id")
    backend: str = ""
    mode: str = "mock"  # mock | real
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    setup: str | None = None
    expected_ops: int | None = None
    issued_by: str | None = None


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
    uri: str
    kind: str
    run_id: int | None = Field(default=None, foreign_key="protocol_run.id", index=True)


class Artifact(ArtifactBase, table=True):
    __tablename__ = "artifact"
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class ArtifactCreate(ArtifactBase):
    pass


class ApprovalResult(SQLModel, table=True):
    """Seed 004: how a run got through the gate (auto by policy, or a human override)."""

    __tablename__ = "approval_result"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="protocol_run.id", index=True)
    approved: bool
    approved_by: str
    human_override: bool = False
    reason: str | None = Field(default=None, sa_type=Text)
    policy_version: str = ""
    policy_blocks: list[str] = Field(default_factory=list, sa_type=JSON)
    decided_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)


class PolicyResult(SQLModel, table=True):
    """One policy rule evaluated for one run: ALLOW or BLOCK with its reason."""

    __tablename__ = "policy_result"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="protocol_run.id", index=True)
    rule: str
    decision: str
    reason: str = Field(sa_type=Text)


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)
    applied_at: datetime = Field(default_factory=_now, sa_type=UTCDateTime)
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Migration hooks: _MIGRATIONS[n] upgrades a store at version n - 1 to version n.
_MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


# --- engines ------------------------------------------------------------------------


def default_url() -> str:
    """``PRAXIS_LAB_DB_URL``, else a SQLite file ``praxis.db`` in the user's data dir."""
    env = os.environ.get("PRAXIS_LAB_DB_URL")
    if env:
        return env
    import platformdirs

    return f"sqlite:///{Path(platformdirs.user_data_dir('praxis_lab')) / 'praxis.db'}"


def display_url(url: str | Engine) -> str:
    """The URL with its password masked, for messages."""
    u = url.url if isinstance(url, Engine) else make_url(url)
    return u.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, memory: bool) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _begin)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA foreign_keys = ON")
    if not memory:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:  # read-only file: reads still work
            pass
        cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _begin(conn: Connection) -> None:
    # Writers take SQLite's write lock up front so the busy timeout applies.
    write_ = conn.get_execution_options().get("praxis_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write_ else "BEGIN")


def _engine(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        if not memory:
            assert u.database is not None
            with contextlib.suppress(OSError):
                Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kw: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kw["poolclass"] = StaticPool
        engine = create_engine(u, json_serializer=dumps, **kw)
        event.listen(engine, "connect", lambda c, r: _sqlite_pragmas(c, r, memory))
        event.listen(engine, "begin", _begin)
        return engine
    kw = {"pool_pre_ping": True}
    if u.get_backend_name() == "postgresql":
        kw["connect_args"] = {"connect_timeout": 5}
    return create_engine(u, json_serializer=dumps, **kw)


def _store_error(engine: Engine, exc: BaseException, doing: str) -> StoreError:
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    where = display_url(engine)
    hint = "check that the server is running and the URL is right"
    if engine.dialect.name == "sqlite":
        hint = "check that the file and its directory exist and are writable"
    if "read-only" in detail or "readonly" in detail:
        hint = "make the store writable, or pass db=/PRAXIS_LAB_DB_URL pointing to a writable one"
    return StoreError(f"run store {where}: cannot {doing}: {detail} ({hint})")


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    msg = str(getattr(exc, "orig", exc)).lower()
    return any(k in msg for k in ("locked", "busy", "deadlock", "could not serialize",
                                  "server closed the connection"))


def retrying(engine: Engine, attempt: Callable[[], T], *, doing: str = "write",
             rollback: Callable[[], None] | None = None) -> T:
    """Call ``attempt()`` until it succeeds, retrying transient store errors.

    Transient errors ("database is locked", deadlocks, dropped connections) are retried
    with exponential backoff for up to a minute (``rollback`` runs before each retry);
    anything else becomes a StoreError naming the store and what to do.
    """
    deadline = time.monotonic() + 60.0
    tries = 0
    while True:
        try:
            return attempt()
        except DBAPIError as exc:
            if rollback is not None:
                with contextlib.suppress(SQLAlchemyError):
                    rollback()
            if not _transient(exc) or time.monotonic() > deadline:
                if isinstance(exc, OperationalError) or exc.connection_invalidated:
                    raise _store_error(engine, exc, doing) from exc
                raise
        tries += 1
        time.sleep(min(0.25, 0.002 * 2 ** min(tries, 8)) * (0.5 + random.random()))


def write(engine: Engine, fn: Callable[[Session], T], *, doing: str = "write") -> T:
    """Run ``fn(session)`` in one write transaction and commit, retrying lock errors."""
    writer = engine.execution_options(praxis_write=True)

    def attempt() -> T:
        with Session(writer, expire_on_commit=False) as session:
            result = fn(session)
            session.commit()
            return result

    return retrying(engine, attempt, doing=doing)


def writer(engine: Engine) -> Connection:
    """A connection whose transactions take the write lock up front (SQLite: BEGIN IMMEDIATE)."""
    return engine.execution_options(praxis_write=True).connect()


def dumps(value: Any) -> str:
    """JSON for the store: anything unknown becomes its ``str``."""
    return json.dumps(value, default=str)


_ENGINES: dict[str, Engine] = {}
_PREPARED: weakref.WeakSet[Engine] = weakref.WeakSet()  # schema checked in this process
_LOCK = threading.Lock()


def connect(url: str | Engine | None = None) -> Engine:
    """Open the run store: ``url`` (anything SQLAlchemy accepts) or an Engine.

    Without a URL: ``PRAXIS_LAB_DB_URL``, else ``<user data dir>/praxis_lab/praxis.db``.
    The schema is created on first use; dead processes' runs become ``interrupted``.
    Raises :class:`StoreError` naming the store when it cannot be opened.
    """
    if isinstance(url, Engine):
        engine = url
    else:
        resolved = url or default_url()
        memory = make_url(resolved).get_backend_name() == "sqlite" and make_url(
            resolved).database in (None, "", ":memory:")
        with _LOCK:
            engine = _ENGINES.get(resolved) or _engine(resolved)
            if not memory:  # each in-memory store is a fresh one
                _ENGINES[resolved] = engine
    if engine not in _PREPARED:
        _prepare(engine)
        _PREPARED.add(engine)
    from praxis_lab.lifecycle import recover

    with contextlib.suppress(StoreError):
        recover(engine)
    return engine


def _prepare(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.rollback()
            if engine.dialect.has_table(conn, SchemaVersion.__tablename__):
                stored = conn.execute(text("SELECT max(version) FROM schema_version")).scalar()
                if stored == SCHEMA_VERSION:
                    return
    except SQLAlchemyError as exc:
        raise _store_error(engine, exc, "open it") from exc
    write(engine, _create_schema, doing="create its tables")


def _create_schema(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":  # serialize concurrent first opens
        conn.execute(text("SELECT pg_advisory_xact_lock(7726001)"))
    SQLModel.metadata.create_all(conn, tables=[SQLModel.metadata.tables[t] for t in _TABLE_NAMES])
    stored = session.exec(select(SchemaVersion.version)).all()
    current = max(stored, default=None)
    if current is None:
        session.add(SchemaVersion(version=SCHEMA_VERSION))
        return
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"run store {display_url(conn.engine)} has schema version {current}, newer than "
            f"this praxis_lab ({SCHEMA_VERSION}): upgrade praxis_lab"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        if version in _MIGRATIONS:
            _MIGRATIONS[version](conn)
        session.add(SchemaVersion(version=version))


_TABLE_NAMES = ("function_protocol_definition", "parameter_definition", "asset_requirement",
                "protocol_run", "function_call_log", "artifact", "approval_result",
                "policy_result", "schema_version")


def check_writable(engine: Engine) -> None:
    """Raise StoreError unless a write to the store succeeds (run before touching a device)."""
    def probe(session: Session) -> None:
        session.connection().execute(
            SchemaVersion.__table__.update().values(checked_at=_now())  # type: ignore[attr-defined]
        )
    try:
        write(engine, probe, doing="write to it")
    except SQLAlchemyError as exc:
        raise _store_error(engine, exc, "write to it") from exc
