"""Run a command with a throwaway PostgreSQL server on loopback.

Usage: ``python tests/with_postgres.py CMD ARGS...``

When ``PRAXIS_LAB_PG_URL`` is already set, or no PostgreSQL binaries are
installed, the command runs unchanged (the PostgreSQL tests then use the given
server, or report that none is available). Otherwise a server is initialised in
a temporary directory, started on 127.0.0.1 on a free port, exported as
``PRAXIS_LAB_PG_URL`` for the command, and removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: with_postgres.py CMD ARGS...", file=sys.stderr)
        return 2
    bindir = _bindir()
    if os.environ.get("PRAXIS_LAB_PG_URL") or bindir is None:
        return subprocess.call(argv)
    tmp = tempfile.mkdtemp(prefix="praxis-pg-")
    data = os.path.join(tmp, "data")
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(tmp, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    log = os.path.join(tmp, "server.log")
    try:
        subprocess.run(
            [*as_user, f"{bindir}/initdb", "-D", data, "-U", "praxis", "-A", "trust"],
            check=True, stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [*as_user, f"{bindir}/pg_ctl", "-D", data, "-l", log, "-w", "-o",
             f"-h 127.0.0.1 -p {port} -k {tmp} -c fsync=off -c max_connections=200", "start"],
            check=True, stdout=subprocess.DEVNULL,
        )
        env = dict(os.environ, PRAXIS_LAB_PG_URL=f"postgresql+psycopg://praxis@127.0.0.1:{port}/postgres")
        return subprocess.call(argv, env=env)
    finally:
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
