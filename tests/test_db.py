"""The run store: tables, connect, schema version, retries and clear errors."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel, select

from praxis_lab.store import db, schema
from praxis_lab.store.db import (
    ApprovalResult,
    Artifact,
    AssetRequirement,
    FunctionCallLog,
    FunctionProtocolDefinition,
    ParameterDefinition,
    PolicyResult,
    ProtocolRun,
    SchemaVersion,
    StoreError,
)

TABLES = {"protocol_run", "function_call_log", "function_protocol_definition",
          "parameter_definition", "asset_requirement", "artifact", "approval_result",
          "policy_result", "schema_version", "run_request", "run_note"}


def _add(engine: Engine, *rows: object) -> None:
    def fn(s: Session) -> None:
        for r in rows:
            s.add(r)
    db.write(engine, fn)


def test_connect_creates_every_table_and_records_the_schema_version(store: Engine) -> None:
    assert set(sa_inspect(store).get_table_names()) >= TABLES
    with Session(store) as s:
        assert s.exec(select(SchemaVersion.version)).all() == [db.SCHEMA_VERSION]


def test_a_run_its_calls_and_its_definition_round_trip_with_json_fields(store: Engine) -> None:
    definition = FunctionProtocolDefinition(name="copy_plate", source="async def f(): ...",
                                            source_hash="abc", simulation={"ok": True})
    _add(store, definition)
    run = ProtocolRun(protocol="copy_plate", definition_id=definition.id, backend="Chatterbox",
                      parameters={"volume": 100.0, "wells": ["A1", "B1"]}, setup="make_deck")
    _add(store, run)
    t0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    call = FunctionCallLog(run_id=run.id, seq=1, method="aspirate",  # type: ignore[arg-type]
                           arguments={"resources": ["src[A1]"], "vols": [100.0]},
                           result=None, started_at=t0, ended_at=t0, duration_ms=1.5,
                           volume_ul=100.0)
    _add(store, call,
         ParameterDefinition(definition_id=definition.id, position=0, name="volume",  # type: ignore[arg-type]
                             annotation="float", kind="value", default=100.0),
         AssetRequirement(definition_id=definition.id, name="source", type_name="Plate",  # type: ignore[arg-type]
                          element_type="Plate"),
         Artifact(uri="file:///tmp/a.png", kind="figure", run_id=run.id),
         ApprovalResult(run_id=run.id, approved=True, approved_by="alice",  # type: ignore[arg-type]
                        human_override=True, reason="checked by hand"),
         PolicyResult(run_id=run.id, rule="max_tips", decision="ALLOW", reason="8 ≤ 96"))  # type: ignore[arg-type]
    with Session(store) as s:
        got = s.exec(select(ProtocolRun)).one()
        assert got.parameters == {"volume": 100.0, "wells": ["A1", "B1"]}
        assert got.status == "pending" and got.created_at.tzinfo is not None
        logged = s.exec(select(FunctionCallLog)).one()
        assert logged.arguments == {"resources": ["src[A1]"], "vols": [100.0]}
        assert logged.started_at == t0
        assert s.exec(select(FunctionProtocolDefinition)).one().simulation == {"ok": True}
        assert s.exec(select(ParameterDefinition.default)).one() == 100.0
        assert s.exec(select(ApprovalResult.reason)).one() == "checked by hand"
        assert s.exec(select(Artifact.run_id)).one() == run.id


def test_a_definition_is_unique_per_name_and_source_hash(store: Engine) -> None:
    _add(store, FunctionProtocolDefinition(name="p", source="x", source_hash="h1"))
    _add(store, FunctionProtocolDefinition(name="p", source="y", source_hash="h2"))
    with pytest.raises(IntegrityError):
        _add(store, FunctionProtocolDefinition(name="p", source="x", source_hash="h1"))


def test_two_calls_of_one_run_cannot_share_a_sequence_number(store: Engine) -> None:
    run = ProtocolRun(protocol="p")
    _add(store, run)
    now = datetime.now(UTC)
    row = {"run_id": run.id, "seq": 1, "method": "aspirate", "started_at": now,
           "ended_at": now, "duration_ms": 0.0}
    _add(store, FunctionCallLog(**row))
    with pytest.raises(IntegrityError):
        _add(store, FunctionCallLog(**row))


def test_public_models_validate_table_rows() -> None:
    run = ProtocolRun(id=3, protocol="p", status="completed", duration_s=1.0)
    public = db.ProtocolRunPublic.model_validate(run, from_attributes=True)
    assert (public.id, public.status, public.duration_s) == (3, "completed", 1.0)
    assert db.ProtocolRunCreate(protocol="p").mode == "mock"


def test_without_a_url_the_store_is_a_wal_sqlite_file_in_the_user_data_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    engine = db.connect()
    path = tmp_path / "praxis_lab" / "praxis.db"
    assert engine.url.database == str(path) and path.exists()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_the_environment_variable_chooses_the_store(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAXIS_LAB_DB_URL", f"sqlite:///{tmp_path}/env.db")
    assert db.default_url() == f"sqlite:///{tmp_path}/env.db"
    assert db.connect().url.database == f"{tmp_path}/env.db"


def test_each_connect_gives_its_caller_an_engine_of_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/a.db"
    first, second = db.connect(url), db.connect(url)
    assert first is not second
    _add(first, ProtocolRun(protocol="p"))
    first.dispose()
    with Session(second) as s:  # one store, two engines
        assert s.exec(select(ProtocolRun.protocol)).all() == ["p"]
    memory = db.connect("sqlite://")
    _add(memory, ProtocolRun(protocol="p"))
    with Session(db.connect("sqlite://")) as s:  # an in-memory store lives with its engine
        assert s.exec(select(ProtocolRun)).all() == []


def test_connect_given_an_engine_opens_its_store_and_returns_that_engine() -> None:
    raw = sqlalchemy.create_engine("sqlite://", poolclass=sqlalchemy.pool.StaticPool)
    assert db.connect(raw) is raw
    assert set(sa_inspect(raw).get_table_names()) >= TABLES


def test_opened_keeps_a_given_engine_and_disposes_of_one_it_connected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = db.connect(f"sqlite:///{tmp_path}/kept.db")
    with db.opened(engine) as got:
        assert got is engine
    disposed: list[Engine] = []
    monkeypatch.setattr(Engine, "dispose", lambda self, close=True: disposed.append(self))
    with db.opened(f"sqlite:///{tmp_path}/kept.db") as fresh:
        assert fresh is not engine
        assert set(sa_inspect(fresh).get_table_names()) >= TABLES
    assert disposed == [fresh]


def test_reopening_a_store_keeps_its_rows_and_one_version_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/a.db"
    first = db.connect(url)
    _add(first, ProtocolRun(protocol="p"))
    first.dispose()
    engine = db.connect(url)
    with Session(engine) as s:
        assert len(s.exec(select(ProtocolRun)).all()) == 1
        assert len(s.exec(select(SchemaVersion)).all()) == 1


def test_an_older_store_runs_the_migration_hooks_up_to_the_current_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    db.connect(url).dispose()
    seen: list[int] = []
    nxt = db.SCHEMA_VERSION + 1

    def upgrade(conn: sqlalchemy.Connection) -> None:
        seen.append(nxt)
        conn.execute(text("ALTER TABLE protocol_run ADD COLUMN remarks TEXT"))

    monkeypatch.setattr(db, "SCHEMA_VERSION", nxt)
    monkeypatch.setitem(schema.MIGRATIONS, nxt, upgrade)
    engine = db.connect(url)
    assert seen == [nxt]
    with Session(engine) as s:
        assert sorted(s.exec(select(SchemaVersion.version)).all()) == [nxt - 1, nxt]
    assert "remarks" in {c["name"] for c in sa_inspect(engine).get_columns("protocol_run")}


def test_a_store_from_a_newer_praxis_lab_is_refused_with_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/new.db"
    db.connect(url).dispose()
    monkeypatch.setattr(db, "SCHEMA_VERSION", 1)
    with pytest.raises(StoreError, match=r"schema version 4, newer than .* upgrade praxis_lab"):
        db.connect(url)


def test_an_unreachable_server_is_one_store_error_naming_the_url_without_its_password() -> None:
    url = "postgresql+psycopg://lab:s3cret@127.0.0.1:9/runs"
    with pytest.raises(StoreError) as info:
        db.connect(url)
    message = str(info.value)
    assert "postgresql+psycopg://lab:***@127.0.0.1:9/runs" in message
    assert "s3cret" not in message and "server is running" in message


def test_write_retries_a_locked_database_until_it_commits(store: Engine) -> None:
    attempts: list[int] = []

    def flaky(s: Session) -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
        s.add(ProtocolRun(protocol="after-retry"))

    db.write(store, flaky)
    assert len(attempts) == 3
    with Session(store) as s:
        assert s.exec(select(ProtocolRun.protocol)).all() == ["after-retry"]


def test_write_turns_a_permanent_error_into_a_store_error_at_once(store: Engine) -> None:
    attempts: list[int] = []

    def broken(s: Session) -> None:
        attempts.append(1)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("disk I/O error"))

    with pytest.raises(StoreError, match="cannot write: disk I/O error"):
        db.write(store, broken)
    assert attempts == [1]


def test_a_writer_waits_for_another_process_holding_the_sqlite_write_lock(
        tmp_path: Path) -> None:
    engine = db.connect(f"sqlite:///{tmp_path}/busy.db")
    other = sqlite3.connect(tmp_path / "busy.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO protocol_run (protocol, backend, mode, parameters, status, "
                  "created_at) VALUES ('holder', '', 'mock', '{}', 'pending', '2024-01-01')")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    started = time.monotonic()
    _add(engine, ProtocolRun(protocol="waiter"))
    timer.join()
    other.close()
    assert time.monotonic() - started >= 0.25
    with Session(engine) as s:
        assert sorted(s.exec(select(ProtocolRun.protocol)).all()) == ["holder", "waiter"]


def test_check_writable_passes_on_a_writable_store(store: Engine) -> None:
    db.check_writable(store)
    with Session(store) as s:
        assert s.exec(select(SchemaVersion.checked_at)).one() is not None


@pytest.mark.postgres
def test_a_read_only_postgres_database_fails_check_writable_with_the_fix(pg_url: str) -> None:
    engine = db.connect(pg_url)
    name = engine.url.database
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    engine.dispose()
    with pytest.raises(StoreError, match=r"read-only transaction .*make the store writable"):
        db.check_writable(engine)


def test_every_in_memory_store_gets_its_tables_even_when_engines_come_and_go() -> None:
    for _ in range(50):
        engine = db.connect("sqlite://")
        with Session(engine) as s:
            assert s.exec(select(ProtocolRun)).all() == []
        engine.dispose()


def test_whether_a_store_has_its_tables_is_asked_of_the_store_never_remembered() -> None:
    engine = db.connect("sqlite://")
    SQLModel.metadata.drop_all(engine)  # the store loses its tables behind the engine's back
    assert not TABLES & set(sa_inspect(engine).get_table_names())
    assert db.connect(engine) is engine
    assert set(sa_inspect(engine).get_table_names()) >= TABLES


@pytest.mark.parametrize(("url", "says"), [
    ("not a url", "not a store URL (Could not parse SQLAlchemy URL"),
    ("[::1/x", "not a store URL (Could not parse SQLAlchemy URL"),
    ("postgresql://lab:s3cret@[::1/x", "not a store URL (invalid literal for int()"),
    ("mysql://lab:s3cret@db.lab/runs", "its database driver is not installed (No module named"),
    ("postgresql+nodriver://lab@db.lab/runs", "SQLAlchemy has no dialect or driver "
                                              "'postgresql+nodriver'"),
    ("nosuchdb://db.lab/runs", "SQLAlchemy has no dialect or driver 'nosuchdb'"),
])
def test_a_url_that_opens_no_store_is_one_store_error_with_the_fix(url: str, says: str) -> None:
    with pytest.raises(StoreError) as info:
        db.connect(url)
    message = str(info.value)
    assert message.startswith("run store '") and says in message
    assert "sqlite:///runs.db" in message and "\n" not in message and "s3cret" not in message


def test_the_orm_never_moves_a_final_run_back(store: Engine) -> None:
    from praxis_lab.store.lifecycle import InvalidTransition, set_status

    run = ProtocolRun(protocol="p")
    _add(store, run)
    assert run.id is not None
    set_status(store, run.id, "running")
    set_status(store, run.id, "completed")
    with Session(store) as s:
        row = s.get(ProtocolRun, run.id)
        assert row is not None
        with pytest.raises(InvalidTransition, match="completed is final"):
            row.status = "running"
        s.commit()
    with Session(store) as s:
        assert s.exec(select(ProtocolRun.status)).one() == "completed"
