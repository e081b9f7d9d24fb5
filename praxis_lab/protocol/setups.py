"""A setup's objects, built once while the setup is unchanged.

Building a deck is most of what a simulation after an edit costs (a STARLet with its
carriers: PLR checks every child's height as it is assigned). So the objects a setup
returns are kept, keyed by the setup's :func:`~praxis_lab.protocol.fingerprint.function_fingerprint`
(its code, the module-level names it reads and the helpers it calls), and handed to the
next simulation of any protocol while that fingerprint is the same: an edit to the
protocol alone never runs the setup again; an edit to the setup, to a helper it calls or
to a constant it reads does. A setup without a fingerprint (it reads a file, the clock,
random numbers…) is called every time.

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

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from praxis_lab.protocol.fingerprint import function_fingerprint
from praxis_lab.protocol.loading import Loaded, call_setup, check_setup, setup_function

__all__ = ["clear", "setup_key", "setup_objects"]

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


def setup_objects(loaded: Loaded, setup: Any, key: str | None = None) -> dict[str, Any]:
    """The setup's objects for ``loaded``'s protocol: kept ones when the setup is unchanged.

    ``key`` is :func:`setup_key` when the caller has it already. The dict is new each
    time; the objects in it are the kept ones.
    """
    if key is None:
        key = setup_key(loaded, setup)
    if key is None:
        return check_setup(loaded, setup, call_setup(loaded, setup))
    with _LOCK:
        built = _BUILT.get(key)
        if built is not None:
            _BUILT.move_to_end(key)
    if built is None:
        built = dict(call_setup(loaded, setup))
        with _LOCK:
            _BUILT[key] = built
            while len(_BUILT) > _SIZE:
                _BUILT.popitem(last=False)
    return check_setup(loaded, setup, built)


def clear() -> None:
    """Forget every kept setup (the next simulation of each builds it again)."""
    with _LOCK:
        _BUILT.clear()
