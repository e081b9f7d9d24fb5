"""What praxis_lab keeps between processes, in the user cache directory.

A command-line process that starts cold reads back what an earlier one worked out (PLR's
operations and their signatures, a setup's objects) instead of importing PLR's
liquid-handling package and building the deck again. Everything is filed under an
*environment key*: the praxis_lab version and the size and modification time of every
praxis_lab source file, the PyLabRobot version, the Python version and the platform, so
any change to one of them starts from an empty directory (and the directories of other
environments are removed when a new one is written). Entries are written atomically
(a temporary file renamed into place), readable by the user only; each kind keeps its
:data:`KEEP` most recently used entries.

``PRAXIS_LAB_CACHE_DIR`` moves the directory (the tests give each test its own);
``PRAXIS_LAB_CACHE=off`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["enabled", "environment", "read", "remove", "root", "write"]

_PACKAGE = Path(__file__).resolve().parent
_ENV: dict[str, str] = {}
KEEP = 64  # entries per kind (a frozen STARLet deck with three plates is ~250 kB)


def enabled() -> bool:
    """Whether the cache is on (``PRAXIS_LAB_CACHE=off`` turns it off)."""
    return os.environ.get("PRAXIS_LAB_CACHE", "").lower() not in ("off", "0", "no", "false")


def root() -> Path:
    """The cache directory of praxis_lab (``PRAXIS_LAB_CACHE_DIR``, else the user cache
    directory's ``praxis_lab``)."""
    given = os.environ.get("PRAXIS_LAB_CACHE_DIR")
    if given:
        return Path(given)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("praxis_lab", appauthor=False))


def _sources_digest() -> str:
    """Size and modification time of every praxis_lab source file: an edit to any of them
    (an editable install under development) is a new environment."""
    found: list[str] = []
    todo = [str(_PACKAGE)]
    while todo:  # (os.scandir, not Path.rglob: a fifth of the time, in every cold process)
        top = todo.pop()
        try:
            entries = list(os.scandir(top))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    todo.append(entry.path)
            elif entry.name.endswith(".py"):
                try:
                    st = entry.stat()
                except OSError:
                    continue
                rel = os.path.relpath(entry.path, _PACKAGE)
                found.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}\n")
    return hashlib.sha256("".join(sorted(found)).encode()).hexdigest()


def environment(plr_version: str) -> str:
    """The key of this environment (see the module's docstring)."""
    found = _ENV.get(plr_version)
    if found is None:
        version = str(getattr(sys.modules.get("praxis_lab"), "__version__", "?"))
        parts = [version, _sources_digest(), plr_version, sys.version,
                 sys.implementation.cache_tag or "", sys.platform]
        found = _ENV[plr_version] = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]
    return found


def _entry(env: str, kind: str, key: str) -> Path:
    return root() / env / kind / f"{key}.pickle"


def read(env: str, kind: str, key: str) -> bytes | None:
    """The bytes filed under ``kind``/``key`` in environment ``env``, or None."""
    if not enabled():
        return None
    path = _entry(env, kind, key)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used: the last to go
    return data


def write(env: str, kind: str, key: str, data: bytes) -> None:
    """File ``data`` under ``kind``/``key`` (atomically); never raises (a read-only home
    directory only costs the next process the time it saves)."""
    if not enabled():
        return
    path = _entry(env, kind, key)
    try:
        fresh = not path.parent.parent.exists()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        if fresh:
            _forget_other_environments(env)
        _keep_recent(path.parent)
    except OSError:
        return


def remove(env: str, kind: str, key: str) -> None:
    """Forget the entry ``kind``/``key`` (if any)."""
    with contextlib.suppress(OSError):
        _entry(env, kind, key).unlink()


def _keep_recent(folder: Path) -> None:
    entries = []
    for path in folder.glob("*.pickle"):
        with contextlib.suppress(OSError):
            entries.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(entries)[:-KEEP] if len(entries) > KEEP else ():
        with contextlib.suppress(OSError):
            path.unlink()


def _forget_other_environments(env: str) -> None:
    with contextlib.suppress(OSError):
        for other in root().iterdir():
            if other.is_dir() and other.name != env and len(other.name) == len(env):
                shutil.rmtree(other, ignore_errors=True)
