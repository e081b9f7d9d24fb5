"""Schema beyond the SQLModel tables: migrations, the notes' full-text index, frozen payloads.

:func:`extras` creates (idempotently) what ``create_all`` cannot express: the full-text
index of notes (SQLite FTS5 table kept in step by triggers; PostgreSQL a generated
``tsvector`` column with a GIN index) and the trigger that refuses any edit of a run
request's payload once it left ``draft``. ``MIGRATIONS[n]`` upgrades a store at
version n - 1 to version n; ``db.connect`` runs them in one write transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

__all__ = ["FROZEN_MESSAGE", "MIGRATIONS", "extras", "has_fts"]

_log = logging.getLogger(__name__)
FROZEN_MESSAGE = ("run request payload is frozen once proposed: create a new request "
                  "(praxis_lab.store.audit.create_request) to change it")
_FROZEN_COLUMNS = ("payload", "target", "type", "issued_by")

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS run_note_fts USING fts5(text, content='run_note', "
    "content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS run_note_fts_insert AFTER INSERT ON run_note BEGIN "
    "INSERT INTO run_note_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS run_note_fts_delete AFTER DELETE ON run_note BEGIN "
    "INSERT INTO run_note_fts(run_note_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "END",
    "CREATE TRIGGER IF NOT EXISTS run_note_fts_update AFTER UPDATE OF text ON run_note BEGIN "
    "INSERT INTO run_note_fts(run_note_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO run_note_fts(rowid, text) VALUES (new.id, new.text); END",
)
_SQLITE_FROZEN = (
    f"CREATE TRIGGER IF NOT EXISTS run_request_frozen BEFORE UPDATE OF "
    f"{', '.join(_FROZEN_COLUMNS)} ON run_request WHEN OLD.status <> 'draft' BEGIN "
    f"SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END"
)
_PG = (
    "ALTER TABLE run_note ADD COLUMN IF NOT EXISTS search tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english', text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_run_note_search ON run_note USING gin (search)",
    "CREATE OR REPLACE FUNCTION praxis_run_request_frozen() RETURNS trigger AS $$ BEGIN "
    "IF OLD.status <> 'draft' AND (NEW.payload::text IS DISTINCT FROM OLD.payload::text "
    "OR NEW.target IS DISTINCT FROM OLD.target OR NEW.type IS DISTINCT FROM OLD.type "
    "OR NEW.issued_by IS DISTINCT FROM OLD.issued_by) THEN "
    f"RAISE EXCEPTION 'run request %%: {FROZEN_MESSAGE}', OLD.id; "  # %% for the driver
    "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS run_request_frozen ON run_request",
    "CREATE TRIGGER run_request_frozen BEFORE UPDATE ON run_request FOR EACH ROW "
    "EXECUTE FUNCTION praxis_run_request_frozen()",
)


def extras(conn: Connection) -> None:
    """Create the full-text index of notes and the frozen-payload trigger (idempotent)."""
    if conn.dialect.name == "sqlite":
        try:
            for statement in _SQLITE_FTS:
                conn.exec_driver_sql(statement)
        except OperationalError as exc:  # a SQLite built without FTS5: search uses LIKE
            _log.warning("SQLite has no FTS5 (%s): note search falls back to LIKE", exc)
        conn.exec_driver_sql(_SQLITE_FROZEN)
    elif conn.dialect.name == "postgresql":
        for statement in _PG:
            conn.exec_driver_sql(statement)


def has_fts(conn: Connection) -> bool:
    """Whether this SQLite store has the notes' FTS5 table (PostgreSQL always searches)."""
    if conn.dialect.name != "sqlite":
        return True
    return bool(conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = 'run_note_fts'").first())


def _rebuild_sqlite(conn: Connection, name: str, insert: str) -> None:
    """Recreate ``name`` from the current model (SQLite cannot drop a NOT NULL), copying rows."""
    for index in inspect(conn).get_indexes(name):
        conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index["name"]}"')
    conn.exec_driver_sql(f"ALTER TABLE {name} RENAME TO _v1_{name}")
    SQLModel.metadata.tables[name].create(conn)
    conn.exec_driver_sql(insert)
    conn.exec_driver_sql(f"DROP TABLE _v1_{name}")


def to_v2(conn: Connection) -> None:
    """Version 2: runs belong to a request; policy rows and approvals to a request.

    ``protocol_run.request_id`` is added; ``policy_result`` and ``approval_result`` get
    ``request_id``, their ``run_id`` becomes optional, and policy rows get
    ``evaluated_at`` (the run's creation time for rows written before). Runs stored
    before version 2 keep ``request_id`` NULL: they predate requests.
    """
    conn.exec_driver_sql(
        "ALTER TABLE protocol_run ADD COLUMN request_id INTEGER REFERENCES run_request (id)")
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_protocol_run_request_id ON protocol_run (request_id)")
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn, "policy_result", (
            "INSERT INTO policy_result (id, run_id, rule, decision, reason, evaluated_at) "
            "SELECT p.id, p.run_id, p.rule, p.decision, p.reason, "
            "COALESCE(r.created_at, CURRENT_TIMESTAMP) FROM _v1_policy_result p "
            "LEFT JOIN protocol_run r ON r.id = p.run_id"))
        columns = ("id, run_id, approved, approved_by, human_override, reason, "
                   "policy_version, policy_blocks, decided_at")
        _rebuild_sqlite(conn, "approval_result", (
            f"INSERT INTO approval_result ({columns}) SELECT {columns} "
            "FROM _v1_approval_result"))
        return
    for statement in (
        "ALTER TABLE policy_result ADD COLUMN request_id INTEGER REFERENCES run_request (id), "
        "ALTER COLUMN run_id DROP NOT NULL, ADD COLUMN evaluated_at TIMESTAMP",
        "UPDATE policy_result SET evaluated_at = r.created_at FROM protocol_run r "
        "WHERE r.id = policy_result.run_id",
        "UPDATE policy_result SET evaluated_at = now() AT TIME ZONE 'utc' "
        "WHERE evaluated_at IS NULL",
        "ALTER TABLE policy_result ALTER COLUMN evaluated_at SET NOT NULL",
        "ALTER TABLE approval_result ADD COLUMN request_id INTEGER REFERENCES run_request (id), "
        "ALTER COLUMN run_id DROP NOT NULL",
        "CREATE INDEX IF NOT EXISTS ix_policy_result_request_id ON policy_result (request_id)",
        "CREATE INDEX IF NOT EXISTS ix_approval_result_request_id "
        "ON approval_result (request_id)",
    ):
        conn.exec_driver_sql(statement)


def to_v3(conn: Connection) -> None:
    """Version 3: each logged call names its machine (``function_call_log.receiver``: the
    liquid handler, a plate reader...). Calls logged before stay NULL: they are the liquid
    handler's, the only machine runs logged then."""
    conn.exec_driver_sql("ALTER TABLE function_call_log ADD COLUMN receiver VARCHAR")


def to_v4(conn: Connection) -> None:
    """Version 4: an artifact names the call that made it and holds its data (a plate
    reading), and is committed when its run ends (``committed_at``). Artifacts stored
    before count as committed when they were created."""
    stamp = "TIMESTAMP WITHOUT TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    for column in ("seq INTEGER", "receiver VARCHAR", "method VARCHAR", "plate VARCHAR",
                   "data JSON", f"committed_at {stamp}"):
        conn.exec_driver_sql(f"ALTER TABLE artifact ADD COLUMN {column}")
    conn.exec_driver_sql("UPDATE artifact SET committed_at = created_at")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: to_v2, 3: to_v3, 4: to_v4}
