"""The side effects a simulation refuses: each audit event, described as the protocol's
action (``writes /tmp/log.txt``), or None when it changes nothing (Python's bytecode cache,
``/dev/null``).

>>> EVENTS["open"](("/tmp/log.txt", "w", 0))
'writes /tmp/log.txt'
>>> EVENTS["open"](("/dev/null", "w", 0)) is None
True
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["CTYPES", "EVENTS"]

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _path(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return os.fspath(value) if isinstance(value, str | os.PathLike) else repr(value)


def _cache(value: Any) -> bool:
    """Python's bytecode cache: a ``__pycache__`` directory, or anything under the
    ``PYTHONPYCACHEPREFIX`` tree (``sys.pycache_prefix``) where Python then writes it."""
    if not isinstance(value, str | bytes | os.PathLike):
        return False
    path = _path(value)
    prefix = sys.pycache_prefix
    if "__pycache__" in path:
        return True
    return prefix is not None and (path == prefix or path.startswith(
        prefix.rstrip(os.sep) + os.sep))


# devices that are no machine: opening them (even to write) changes nothing
_HARMLESS_DEVICES = frozenset({"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
                               "/dev/urandom"})


def _device(path: Any) -> str | None:
    """``opens the device /dev/ttyUSB0`` for a device file that is a machine's port (a
    serial line, a USB device, a terminal: opening one, even to read, talks to it or waits
    for it); None for other paths and for harmless devices (``/dev/null``, ``/dev/fd/3``)."""
    if not isinstance(path, str | bytes | os.PathLike):
        return None
    shown = _path(path)
    if not shown.startswith("/dev/") or shown in _HARMLESS_DEVICES or shown.startswith(
            ("/dev/fd/", "/dev/std", "/dev/shm/")):
        return None
    return f"opens the device {shown}"


def _opened(args: tuple[Any, ...]) -> str | None:
    path, mode, flags = (*args, None, None, None)[:3]
    device = _device(path)
    if device is not None or _path(path) in _HARMLESS_DEVICES:
        return device
    writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
    if not writes or _cache(path) or isinstance(path, int):  # a descriptor: its file was
        return None  # opened (and checked) already; writing to an open file raises no event
    return f"writes {_path(path)}"


def _first(verb: str) -> Any:
    def describe(args: tuple[Any, ...]) -> str | None:
        if args and _cache(args[0]):
            return None
        return f"{verb} {_path(args[0])}" if args else verb
    return describe


def _renamed(args: tuple[Any, ...]) -> str | None:
    if len(args) >= 2 and _cache(args[1]):
        return None
    return f"renames {_path(args[0])} to {_path(args[1])}"


def _process(args: tuple[Any, ...]) -> str:
    shown = [a for a in args if isinstance(a, str | bytes | list | tuple) and a]
    argv = [a for a in shown if isinstance(a, list | tuple)]  # the whole command line
    what = argv[0] if argv else shown[0] if shown else ""
    if isinstance(what, list | tuple):
        what = " ".join(_path(a) for a in what)
    return f"starts a process ({_path(what)})" if what else "starts a process"


def _network(verb: str) -> Any:
    def describe(args: tuple[Any, ...]) -> str:
        target = args[1] if len(args) > 1 and verb != "looks up" else args[0] if args else ""
        return f"{verb} {target!r}" if not isinstance(target, str) else f"{verb} {target}"
    return describe


def _c_library(args: tuple[Any, ...]) -> str:
    name = _path(args[0]) if args and args[0] is not None else "of the process itself"
    return f"loads the C library {name} through ctypes"


def _c_function(args: tuple[Any, ...]) -> str:
    name = args[1] if len(args) > 1 else "?"
    return f"calls the C function {_path(name)} through ctypes"


def _memory(name: str) -> Any:
    return lambda args: f"reads or writes memory through ctypes ({name})"


CTYPES: dict[str, Any] = {
    "ctypes.dlopen": _c_library, "ctypes.dlsym": _c_function,
    "ctypes.dlsym/handle": _c_function, "ctypes.call_function": _memory("a C function"),
    **{f"ctypes.{name}": _memory(f"ctypes.{name}") for name in (
        "addressof", "cdata", "string_at", "wstring_at", "PyObj_FromPtr", "memmove",
        "memset", "cast")},
    "ctypes.cdata/buffer": _memory("ctypes.from_buffer"),
}

EVENTS: dict[str, Any] = {
    "open": _opened,
    "os.remove": _first("deletes"), "os.rmdir": _first("deletes"),
    "shutil.rmtree": _first("deletes"), "os.rename": _renamed,
    "os.mkdir": _first("creates"), "os.chmod": _first("changes"),
    "os.chown": _first("changes"), "os.utime": _first("changes"),
    "os.truncate": _first("truncates"), "os.link": _first("links"),
    "os.symlink": _first("links"), "os.mkfifo": _first("creates"),
    "os.mknod": _first("creates"), "os.setxattr": _first("changes"),
    "os.removexattr": _first("changes"), "shutil.chown": _first("changes"),
    "sqlite3.connect": lambda a: None if a and a[0] in (":memory:", "", b":memory:") else
    f"writes {_path(a[0])}",
    "subprocess.Popen": _process, "os.system": _process, "os.exec": _process,
    "os.posix_spawn": _process, "os.spawn": _process,
    "os.fork": lambda a: "forks the process", "os.forkpty": lambda a: "forks the process",
    "os.kill": lambda a: f"signals process {a[0]}", "os.killpg": lambda a: "signals processes",
    "_thread.start_new_thread": lambda a: "starts a thread",  # (it would run unwatched)
    "os._exit": lambda a: f"ends the process (os._exit({a[0] if a else ''}))",
    "socket.connect": _network("connects to"), "socket.bind": _network("listens on"),
    "socket.sendto": _network("sends to"), "socket.sendmsg": _network("sends to"),
    "socket.getaddrinfo": _network("looks up"), "socket.gethostbyname": _network("looks up"),
    "socket.gethostbyaddr": _network("looks up"),
    "builtins.input": lambda a: "waits for input (input(" + (repr(a[0]) if a else "") + "))",
    **CTYPES,
}
