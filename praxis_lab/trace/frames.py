"""Whose code a frame runs: praxis_lab's own, a library's, or the user's.

The user's code is the protocol, its setup and whatever of the user's they call (a helper
module next to the protocol file, a notebook cell): anything that is neither praxis_lab nor
the standard library nor an installed package (``site-packages``).

>>> import sys
>>> library_or_own(sys.modules["os"].__file__), library_or_own(__file__)
(True, True)
>>> library_or_own("/home/me/protocols/copy_plate.py")
False
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import sysconfig
from pathlib import Path
from typing import Any

__all__ = ["is_own", "library_or_own", "user_frame"]

_OWN = str(Path(__file__).resolve().parent.parent) + os.sep


@functools.cache
def _library_roots() -> tuple[str, ...]:
    """Where the standard library and installed packages live (read once, when first
    asked: a command that never asks never pays for it)."""
    roots = set()
    for scheme_path in ("stdlib", "platstdlib", "purelib", "platlib"):
        for base in (None, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}):
            with contextlib.suppress(KeyError):
                found = sysconfig.get_paths(vars=base)[scheme_path]
                roots.add(str(Path(found).resolve()) + os.sep)
    return tuple(sorted(roots))


_PACKAGES = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def is_own(filename: str) -> bool:
    """Whether code of ``filename`` is praxis_lab's own."""
    return filename.startswith(_OWN)


def library_or_own(filename: str) -> bool:
    """Whether code of ``filename`` is praxis_lab's, the standard library's or an installed
    package's (not the user's)."""
    return _kind(filename) != "user"


def _kind(filename: str) -> str:
    """``own`` (praxis_lab), ``library`` (the standard library, an installed package) or
    ``user``."""
    if filename.startswith(_OWN):
        return "own"
    if filename.startswith(("<frozen", "<string>")) or filename.startswith(_library_roots()) or any(
            p in filename for p in _PACKAGES):
        return "library"
    return "user"


def user_frame(frame: Any) -> Any:
    """The innermost frame from ``frame`` outwards that is the user's code, or None when
    praxis_lab's own code comes first (or no user code is on the stack)."""
    while frame is not None:
        kind = _kind(frame.f_code.co_filename)
        if kind == "own":
            return None
        if kind == "user":
            return frame
        frame = frame.f_back
    return None
