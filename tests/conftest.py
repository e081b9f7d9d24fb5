"""Shared fixtures: run stores (SQLite in memory, SQLite file, PostgreSQL); the line at the
end of a run that names the groups of tests skipped for want of Chromium or PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy.engine import Engine, make_url


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """PLR's labware catalogue is tried once per test session, cached outside $HOME."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRAXIS_LAB_CACHE_DIR", str(tmp_path_factory.mktemp("praxis-cache")))
        yield


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the default store (and anything else in the user data dir) out of $HOME, and the
    cache between processes off: tests stay independent of each other (the cache's own
    tests turn it on in a directory of their own)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))
    monkeypatch.delenv("PRAXIS_LAB_DB_URL", raising=False)
    monkeypatch.setenv("PRAXIS_LAB_CACHE", "off")
    monkeypatch.delenv("PRAXIS_LAB_CACHE_DIR", raising=False)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test (dropped afterwards).

    Needs ``PRAXIS_LAB_PG_URL`` (``make test`` starts a throwaway server). Without it
    the test fails when ``PRAXIS_LAB_REQUIRE_PG=1`` (CI) and is skipped otherwise.
    """
    base = os.environ.get("PRAXIS_LAB_PG_URL")
    if not base:
        reason = ("PostgreSQL tests need PRAXIS_LAB_PG_URL: run them with `make test` or "
                  "`python tests/with_postgres.py pytest ...`")
        if os.environ.get("PRAXIS_LAB_REQUIRE_PG") == "1":
            pytest.fail(f"PRAXIS_LAB_REQUIRE_PG=1 but {reason}")
        pytest.skip(reason)
    name = f"praxis_test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:  # FORCE: engines the test left open are cut off
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite-memory", "sqlite-file",
                        pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """The URL of an empty run store, once per kind of store."""
    if request.param == "sqlite-memory":
        return "sqlite://"
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path}/praxis.db"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(store_url: str) -> Engine:
    """An opened run store (schema created), once per kind of store."""
    from praxis_lab.store import db

    return db.connect(store_url)


@pytest.fixture(params=["sqlite-file", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """The URL of an empty store that several connections (threads, processes) can share."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path}/shared.db"
    return str(request.getfixturevalue("pg_url"))


# A group of tests that needs something the machine may lack: the variable CI sets to make
# them fail instead of skip, and how a person enables them.
SKIPPABLE = {
    "browser": ("PRAXIS_LAB_REQUIRE_BROWSER", "apt-get install chromium, then `make test`"),
    "postgres": ("PRAXIS_LAB_REQUIRE_PG",
                 "apt-get install postgresql, then `make test`; or set PRAXIS_LAB_PG_URL"),
}


def skipped_groups_line(skipped: list[Any], environ: dict[str, str] | os._Environ[str]) -> str:
    """One line naming each group of :data:`SKIPPABLE` tests that were skipped, and how to
    enable it; empty when none was, or where CI requires the group (it fails there)."""
    counts = Counter(group for report in skipped for group in SKIPPABLE
                     if group in report.keywords and environ.get(SKIPPABLE[group][0]) != "1")
    parts = [f"{n} {group} test{'s' if n > 1 else ''} (enable: {SKIPPABLE[group][1]})"
             for group, n in counts.items()]
    return "not run here: " + "; ".join(parts) if parts else ""


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Iterator[None]:
    """After the short summary, just above the final counts: the skipped groups, one line."""
    yield
    line = skipped_groups_line(terminalreporter.stats.get("skipped", []), os.environ)
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture
def ip() -> Any:
    """IPython's test shell, created as ``globalipapp.start_ipython`` does (without calling it:
    it works only once, and test_magics.py calls it)."""
    import sys

    from IPython.terminal.interactiveshell import TerminalInteractiveShell
    from IPython.testing import tools

    hooks = sys.displayhook, sys.excepthook, sys.modules.get("__main__")
    config = tools.default_config()
    config.TerminalInteractiveShell.simple_prompt = True
    shell = TerminalInteractiveShell.instance(config=config)
    sys.displayhook, sys.excepthook, sys.modules["__main__"] = hooks  # type: ignore[assignment]
    shell.run_line_magic("load_ext", "praxis_lab")
    yield shell
    shell.run_line_magic("config", "Praxis.user = None")
    shell.run_line_magic("config", "Praxis.db_url = None")
