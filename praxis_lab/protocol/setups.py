"""A setup's objects, built once while the setup is unchanged.

Building a deck is most of what a simulation after an edit costs (a STARLet with its
carriers: PLR checks every child's height as it is assigned). So the objects a setup
returns are kept, keyed by the setup's :func:`~praxis_lab.protocol.fingerprint.function_fingerprint`
(its code, the module-level names it reads and the helpers it calls), and handed to the
next simulation of any protocol while that fingerprint is the same: an edit to the
protocol alone never runs the setup again; an edit to the setup, to a helper it calls or
to a constant it reads does. A setup without a fingerprint (it reads a file, the clock,
random numbers…) is called every time.

Between processes, a setup named in a file (or source text) is *frozen* into the user
cache directory (:mod:`praxis_lab._plr.frozen`, :mod:`praxis_lab.cachedir`), filed under
its :func:`~praxis_lab.protocol.closure.source_fingerprint` (read from the text before
anything runs). A cold process that finds it there thaws the objects instead of importing
PLR's liquid-handling package and building the deck, and loads the file with the imports
only the setup and the annotations use deferred (:mod:`praxis_lab.protocol.deferred`). A
process that has imported that package anyway builds: it is as quick as thawing.

Simulation never changes these objects (tracing answers from stand-ins and shadows,
checking keeps its own state): ``tests/test_setups.py`` holds every fixture to that. A
run never takes them from here: it calls its setup afresh
(:mod:`praxis_lab.execution.preflight`).

>>> from praxis_lab.protocol.loading import load
>>> src = '''
... def setup():
...     return {"volume": 10.0}
... async def p(lh: LiquidHandler, volume: float = 5.0):
...     pass
... '''
>>> first = setup_objects(load(src), "setup")
>>> again = setup_objects(load(src + "# an edit to the protocol"), "setup")
>>> first == again and first["volume"] is again["volume"]
True
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from praxis_lab import _plr, cachedir
from praxis_lab._plr.frozen import freeze, thaw
from praxis_lab.protocol.analyse import ProtocolError
from praxis_lab.protocol.closure import source_fingerprint
from praxis_lab.protocol.finalizers import Confine
from praxis_lab.protocol.fingerprint import function_fingerprint
from praxis_lab.protocol.loading import (
    Loaded,
    call_setup,
    check_setup,
    load,
    read_source,
    setup_function,
)

__all__ = ["Frozen", "FrozenUnusable", "asked_more", "clear", "forget", "frozen_for",
           "load_with_setup", "setup_key", "setup_objects"]

_SIZE = 8  # setups kept (a STARLet deck with three plates is about 2 MB)
_BUILT: OrderedDict[str, Mapping[str, Any]] = OrderedDict()
_LOCK = threading.Lock()


def setup_key(loaded: Loaded, setup: Any) -> str | None:
    """The fingerprint ``setup`` is kept under, or ``None`` when it is built every time
    (a mapping of objects is given as is: nothing to build)."""
    if setup is None:
        return None
    fn = setup_function(loaded, setup)
    if isinstance(fn, Mapping):
        return None
    return function_fingerprint(fn)


@dataclass(frozen=True)
class Frozen:
    """Where a setup's frozen objects are filed (its source fingerprint), the text that
    was read for it, and what an earlier process filed there (``None``: nothing yet)."""

    key: str
    text: str
    data: bytes | None


class FrozenUnusable(Exception):
    """The frozen objects did not read back (the entry is removed): simulate without."""


def _text(protocol: Any) -> tuple[str, str] | None:
    if isinstance(protocol, os.PathLike) or (isinstance(protocol, str) and "\n" not in protocol
                                             and "async def" not in protocol):
        try:
            return read_source(protocol), str(protocol)
        except (OSError, ProtocolError):
            return None
    if isinstance(protocol, str):
        return protocol, "<protocol>"
    return None


def frozen_for(protocol: Any, setup: Any) -> Frozen | None:
    """The cache entry of a setup named in a file or source text, when this process has
    not imported PLR's liquid-handling package (else building is as quick as thawing);
    ``None`` when there is no such entry to read or write."""
    if not isinstance(setup, str) or not cachedir.enabled() or _plr.handler_imported():
        return None
    found = _text(protocol)
    if found is None:
        return None
    text, filename = found
    key = source_fingerprint(text, setup, filename)
    if key is None:
        return None
    return Frozen(key, text, cachedir.read(_environment(), "setups", key))


def load_with_setup(protocol: Any, setup: Any, name: str | None = None,
                    namespace: Mapping[str, Any] | None = None, *, frozen: bool = True,
                    confine: Confine | None = None) -> tuple[Loaded, Frozen | None]:
    """Load ``protocol`` for a simulation with ``setup``: with the setup's cache entry when
    this process may use one (``frozen``), and with the file's imports only a setup that
    will not be called uses deferred when that entry will be thawed; ``confine`` runs the
    finalizers of its classes (see :func:`~praxis_lab.protocol.loading.load`)."""
    entry = frozen_for(protocol, setup) if frozen and namespace is None else None
    thawing = entry is not None and entry.data is not None
    loaded = load(protocol, name, namespace, confine=confine,
                  calls=(setup,) if isinstance(setup, str) and not thawing else ())
    if entry is not None and loaded.info.source != entry.text:  # edited meanwhile
        return load(protocol, name, namespace, confine=confine,
                    calls=(setup,) if isinstance(setup, str) else ()), None
    return loaded, entry


def asked_more(objects: Mapping[str, Any]) -> bool:
    """Whether a protocol asked a frozen handler among ``objects`` for more than it holds:
    its report is then made again on the real handler."""
    return any(getattr(obj, "missed", None) for obj in objects.values()
               if isinstance(obj, _plr.HandlerModel))


def _environment() -> str:
    return cachedir.environment(_plr.plr_version())


def setup_objects(loaded: Loaded, setup: Any, key: str | None = None,
                  frozen: Frozen | None = None) -> dict[str, Any]:
    """The setup's objects for ``loaded``'s protocol: kept ones when the setup is unchanged.

    ``key`` is :func:`setup_key` when the caller has it already; ``frozen`` the setup's
    cache entry (:func:`frozen_for`): thawed when there is one, written when the setup is
    built. The dict is new each time; the objects in it are the kept ones.
    """
    if key is None:
        key = setup_key(loaded, setup)
    built = None
    if key is not None:
        with _LOCK:
            built = _BUILT.get(key)
            if built is not None:
                _BUILT.move_to_end(key)
    if built is None and frozen is not None and frozen.data is not None:
        built = thaw(frozen.data)
        if built is None:
            cachedir.remove(_environment(), "setups", frozen.key)
            raise FrozenUnusable(frozen.key)
    if built is None:
        built = dict(call_setup(loaded, setup))
        if frozen is not None and frozen.data is None:
            data = freeze(built)
            if data is not None:
                cachedir.write(_environment(), "setups", frozen.key, data)
    if key is not None:
        with _LOCK:
            _BUILT[key] = built
            while len(_BUILT) > _SIZE:
                _BUILT.popitem(last=False)
    return check_setup(loaded, setup, built)


def forget(key: str | None) -> None:
    """Forget the objects kept under ``key`` (a frozen handler a protocol asked more of
    than it holds: the next simulation builds the real one)."""
    if key is not None:
        with _LOCK:
            _BUILT.pop(key, None)


def clear() -> None:
    """Forget every kept setup (the next simulation of each builds it again)."""
    with _LOCK:
        _BUILT.clear()
