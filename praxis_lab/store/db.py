"""The run store: the engine that holds the tables of ``tables.py`` (re-exported here).

:func:`connect` opens a store (default: a SQLite file in the user's data
directory, WAL on), creates the schema on first use and records its version. It returns
a new engine: the caller holds it and passes it on (there is no engine cache in this
module); :func:`opened` is the ``with`` form for a function given a URL or an engine.
:func:`write` runs a write transaction and retries "database is locked" with backoff so
users never see it.

Durability: a SQLite file runs in WAL mode with ``synchronous = NORMAL``. A transaction
(a run's call row is one) is in the WAL file when its commit returns, so it survives the
process being killed or crashing; after a power cut or an OS crash the transactions
committed since the last checkpoint may roll back, and the file stays consistent (no
fsync per commit: the price of one would exceed a PLR call). PostgreSQL keeps the
server's setting (``synchronous_commit = on`` by default: durable across power loss).

>>> engine = connect("sqlite://")
>>> write(engine, lambda s: s.add(Artifact(uri="file:///tmp/plot.png", kind="figure")))
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from praxis_lab.errors import UserError
from praxis_lab.store import schema as _schema
from praxis_lab.store.tables import (
    ApprovalResult,
    Artifact,
    ArtifactCreate,
    AssetRequirement,
    FunctionCallLog,
    FunctionCallLogPublic,
    FunctionProtocolDefinition,
    ParameterDefinition,
    PolicyResult,
    ProtocolRun,
    ProtocolRunCreate,
    ProtocolRunPublic,
    RunNote,
    RunRequest,
    RunRequestCreate,
    RunRequestPublic,
    SchemaVersion,
    _now,
)

__all__ = [
    "SCHEMA_VERSION", "ApprovalResult", "Artifact", "ArtifactCreate", "AssetRequirement",
    "FunctionCallLog", "FunctionCallLogPublic", "FunctionProtocolDefinition",
    "ParameterDefinition", "PolicyResult", "ProtocolRun", "ProtocolRunCreate",
    "ProtocolRunPublic", "RunNote", "RunRequest", "RunRequestCreate", "RunRequestPublic",
    "SchemaVersion", "StoreError", "check_writable", "connect",
    "default_url", "display_url", "dumps", "opened", "retrying", "write", "writer",
]

SCHEMA_VERSION = 4  # 2: run requests, notes, request_id on runs, policy rows and approvals;
# 3: the machine of each logged call; 4: artifacts hold their data (plate readings)
_log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreError(UserError, RuntimeError):
    """The run store cannot be opened, read or written (the message says what to do)."""


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
    try:
        u = make_url(url)
        if u.get_backend_name() == "sqlite":
            return _sqlite_engine(u)
        kw: dict[str, Any] = {"pool_pre_ping": True}
        if u.get_backend_name() == "postgresql":
            kw["connect_args"] = {"connect_timeout": 5}
        return create_engine(u, json_serializer=dumps, **kw)
    except (ArgumentError, ValueError, ImportError) as exc:
        raise _url_error(url, exc) from None


def _sqlite_engine(u: URL) -> Engine:
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


_EXAMPLE_URLS = "e.g. sqlite:///runs.db or postgresql+psycopg://user@host/runs"


def _url_error(url: str, exc: BaseException) -> StoreError:
    """One line for a URL that opens no store: not a URL, or a dialect or driver that is
    not installed; the password, if any, masked."""
    shown = re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)
    if isinstance(exc, ImportError):
        why = (f"its database driver is not installed ({exc}): install it, or use "
               f"{_EXAMPLE_URLS}")
    elif isinstance(exc, NoSuchModuleError):
        scheme = url.split("://", 1)[0]
        why = (f"SQLAlchemy has no dialect or driver {scheme!r}: use {_EXAMPLE_URLS}")
    else:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        why = (f"not a store URL ({detail}): write dialect+driver://user:password@host/"
               f"database, {_EXAMPLE_URLS}")
    return StoreError(f"run store {shown!r}: {why}")


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
    return _encode(value)


_encode = json.JSONEncoder(default=str).encode  # json.dumps(..., default=str) builds one per call


def connect(url: str | Engine | None = None) -> Engine:
    """Open the run store ``url`` (anything SQLAlchemy accepts) and return its engine.

    Without a URL: ``PRAXIS_LAB_DB_URL``, else ``<user data dir>/praxis_lab/praxis.db``.
    Each call with a URL makes a new engine: the caller keeps it, passes it on, and
    disposes of it when done (an in-memory ``sqlite://`` store lives as long as its
    engine). Given an Engine, its store is opened and the same engine returned. Either
    way the schema is checked against the store itself (one query) and created or
    migrated when needed. Raises :class:`StoreError` naming the store, with the fix,
    when the URL is not one or the store cannot be opened.
    """
    if isinstance(url, Engine):
        _prepare(url)
        return url
    engine = _engine(url or default_url())
    try:
        _prepare(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@contextlib.contextmanager
def opened(db: str | Engine | None) -> Iterator[Engine]:
    """The store ``db`` for the length of a ``with`` block.

    An Engine is taken as given (the caller opened it with :func:`connect` and keeps
    it). A URL, or None for the default store, is connected for the block and its
    engine disposed of after it.
    """
    if isinstance(db, Engine):
        yield db
        return
    engine = connect(db)
    try:
        yield engine
    finally:
        engine.dispose()


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
    elif current > SCHEMA_VERSION:
        raise StoreError(
            f"run store {display_url(conn.engine)} has schema version {current}, newer than "
            f"this praxis_lab ({SCHEMA_VERSION}): upgrade praxis_lab"
        )
    else:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            if version in _schema.MIGRATIONS:  # after the tables new in it were created
                _schema.MIGRATIONS[version](conn)
            session.add(SchemaVersion(version=version))
    _schema.extras(conn)


_TABLE_NAMES = ("function_protocol_definition", "parameter_definition", "asset_requirement",
                "run_request", "protocol_run", "function_call_log", "artifact",
                "approval_result", "policy_result", "run_note", "schema_version")


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
