"""Notes on requests and runs (seed 004's memories), found with the database's full-text search.

:func:`note` attaches free text to a run (and so to its request) or to a request;
:func:`find` searches them with SQLite FTS5 (porter stemming, BM25 ranking) or
PostgreSQL ``tsvector`` (english stemming, ``ts_rank``): every word must match, in any
form ("bubble" finds "bubbles"). ``praxis_lab.search`` returns the hits as a DataFrame.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import and_, insert, select, text
from sqlalchemy.engine import Engine

from praxis_lab.store import db as store
from praxis_lab.store import schema
from praxis_lab.store.audit import RequestError, current, current_user
from praxis_lab.store.db import ProtocolRun, RunNote

__all__ = ["NOTE_COLUMNS", "find", "note"]

DB = Engine | str | None
NOTE_COLUMNS = ["note_id", "run_id", "request_id", "author", "created", "text", "score"]
_NOTES: Any = RunNote.__table__  # type: ignore[attr-defined]
_RUNS: Any = ProtocolRun.__table__  # type: ignore[attr-defined]


def note(run_id: int, text: str, db: DB = None, *, on: Literal["run", "request"] = "run",
         author: str | None = None) -> int:
    """Attach a free-text note to run ``run_id`` (or to a request, with ``on="request"``).

    A note on a run also records the run's request. ``author`` defaults to
    ``PRAXIS_LAB_USER`` or the OS user. Returns the note's id.
    """
    if on not in ("run", "request"):
        raise RequestError(f"note(on={on!r}): a note goes on a 'run' or a 'request'")
    if not (text or "").strip():
        raise RequestError(f"a note on {on} {run_id} needs some text")

    def add(engine: Engine) -> int:
        with store.writer(engine) as conn:
            if on == "request":
                request_id: int | None = current(conn, run_id)["id"]
                target_run: int | None = None
            else:
                found = conn.execute(select(_RUNS.c.request_id)
                                     .where(_RUNS.c.id == run_id)).first()
                if found is None:
                    raise RequestError(f"run {run_id} is not in the run store "
                                       f"{store.display_url(engine)}: praxis_lab.history() "
                                       "lists the runs")
                request_id, target_run = found[0], run_id
            new = conn.execute(insert(_NOTES).values(
                request_id=request_id, run_id=target_run, author=current_user(author),
                text=text.strip(), created_at=datetime.now(UTC)).returning(_NOTES.c.id)
            ).scalar_one()
            conn.commit()
            return int(new)

    with store.opened(db) as engine:
        return store.retrying(engine, lambda: add(engine), doing=f"note on {on} {run_id}")


def _words(query: str) -> list[str]:
    words = re.findall(r"\w+", query or "")
    if not words:
        raise RequestError(f"search {query!r}: give at least one word to look for")
    return words


_SQL = {
    "sqlite": "SELECT rowid, -bm25(run_note_fts) AS score FROM run_note_fts "
              "WHERE run_note_fts MATCH :q ORDER BY score DESC, rowid DESC LIMIT :limit",
    "postgresql": "SELECT id, ts_rank(search, query) AS score FROM run_note, "
                  "plainto_tsquery('english', :q) query WHERE search @@ query "
                  "ORDER BY score DESC, id DESC LIMIT :limit",
}


def find(query: str, db: DB = None, limit: int = 50) -> list[tuple[Any, ...]]:
    """Notes matching every word of ``query``, best first, as rows of ``NOTE_COLUMNS``."""
    words = _words(query)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise RequestError(f"search {query!r}: the limit must be a whole number ≥ 1, not "
                           f"{limit!r}")
    n = _NOTES.c
    with store.opened(db) as engine, engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect in _SQL and schema.has_fts(conn):
            q = " ".join(f'"{w}"' for w in words) if dialect == "sqlite" else " ".join(words)
            hits = [(int(i), float(s)) for i, s in
                    conn.execute(text(_SQL[dialect]), {"q": q, "limit": limit}).all()]
        else:  # no full-text index: every word as a substring
            hits = [(int(r[0]), 0.0) for r in conn.execute(
                select(n.id).where(and_(*[n.text.ilike(f"%{w}%") for w in words]))
                .order_by(n.id.desc()).limit(limit)).all()]
        rows = {r[0]: tuple(r) for r in conn.execute(
            select(n.id, n.run_id, n.request_id, n.author, n.created_at, n.text)
            .where(n.id.in_([i for i, _ in hits]))).all()}
    return [(*rows[i], score) for i, score in hits if i in rows]
