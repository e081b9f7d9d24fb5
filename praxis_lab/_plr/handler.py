"""PyLabRobot's ``LiquidHandler``, imported only when something needs it.

Importing ``pylabrobot.liquid_handling`` costs more than everything else a simulation
does (its backends, the plate readers and numpy come with it). What a simulation reads
from it is kept in the user cache directory (:mod:`praxis_lab.cachedir`): the operations
with their signatures (:func:`catalogue`) and every attribute name of a handler
(:func:`machine_attributes`). A setup read back from the cache holds a
:class:`HandlerModel` in place of its handler (:mod:`praxis_lab._plr.frozen`), so such a
process never imports the package: :func:`is_handler` answers for both kinds.

>>> is_handler(new_handler()), is_handler(object())
(True, False)
>>> catalogue()["aspirate"].required
('resources', 'vols')
"""

from __future__ import annotations

import contextlib
import functools
import logging
import pickle
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from pylabrobot.resources import Resource

from praxis_lab import cachedir
from praxis_lab._ids import uid
from praxis_lab._plr.signatures import MISSING, OpSpec, ParamSpec, spec_of

__all__ = ["BackendModel", "HandlerModel", "backend_name", "catalogue", "handler_class",
           "handler_imported", "is_handler", "machine_attributes", "new_handler",
           "plr_version", "refuses_tip"]

_LH_MODULE = "pylabrobot.liquid_handling.liquid_handler"


@contextlib.contextmanager
def ipython_hidden() -> Iterator[None]:
    """PyLabRobot's optional audio helpers import IPython (~70 ms) when it is importable.
    Outside a notebook nothing here needs it: hide it for the duration of an import."""
    hide = "IPython" not in sys.modules
    if hide:
        sys.modules["IPython"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if hide:
            del sys.modules["IPython"]


def handler_class() -> type:
    """PLR's ``LiquidHandler`` class (importing its package on first use)."""
    module = sys.modules.get(_LH_MODULE)
    if module is None:
        with ipython_hidden():
            from pylabrobot.liquid_handling import LiquidHandler

        return LiquidHandler  # type: ignore[no-any-return]
    return module.LiquidHandler  # type: ignore[no-any-return]


def handler_imported() -> bool:
    """Whether PLR's liquid-handling package is imported in this process."""
    return _LH_MODULE in sys.modules


def plr_version() -> str:
    """The installed PyLabRobot version (praxis_lab pins 0.2.2)."""
    import pylabrobot

    return str(getattr(pylabrobot, "__version__", "unknown"))


class BackendModel:
    """What a simulation asks of a handler's backend, written down when the setup was
    frozen: its class and its channels."""

    def __init__(self, backend: Any) -> None:
        cls = type(backend)
        self.class_name = cls.__name__
        self.class_path = f"{cls.__module__}.{cls.__qualname__}"
        self.num_channels = getattr(backend, "num_channels", None)

    def __repr__(self) -> str:
        return f"<{self.class_name} as frozen>"


class HandlerModel(Resource):  # type: ignore[misc]
    """A ``LiquidHandler`` of a frozen setup: the resource it is (its deck is its child),
    its head's trackers, its backend's channels and which tips the backend refuses, per
    channel and tip. Whatever else a protocol asks of it is noted in :attr:`missed`, and
    the simulation is done again on the real handler.
    """

    deck: Any
    backend: BackendModel
    head: dict[int, Any]
    head96: dict[int, Any]
    refused: dict[tuple[int, str], bool]
    spreads: dict[tuple[Any, ...], str | None]
    missed: list[str]

    @property
    def setup_finished(self) -> bool:
        return bool(self.__dict__.get("_setup_finished", False))

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("__") and name in machine_attributes():
            self.__dict__.setdefault("missed", []).append(name)
        raise AttributeError(f"{type(self).__name__} has no {name!r}")

    def summary(self) -> None:
        """PLR's ``LiquidHandler.summary``: prints the deck's layout (the deck is real)."""
        print(self.deck.summary())

    def _compute_spread_offsets(self, resource: Any, use_channels: list[int],
                                spread: str) -> list[Any]:
        """Whether channels fit side by side in ``resource``, as PLR's handler answered for
        this container's shape and these channels when the setup was frozen (raising
        with its message when they do not)."""
        key = (spread_shape(resource), tuple(use_channels), spread)
        if key not in self.spreads:
            self.missed.append("_compute_spread_offsets")
            raise LookupError("not answered when the setup was frozen")
        said = self.spreads[key]
        if said is not None:
            raise ValueError(said.replace(SHAPE_NAME, f"'{resource.name}'"))
        return []

    def refuses(self, channel: int, spot: Any) -> bool:
        """What the real backend answered for this channel and this spot's tip."""
        make = getattr(spot, "_make_tip_func", None)
        kinds = self.__dict__.setdefault("_kinds", {})  # tip factory -> (factory, kind)
        found = kinds.get(uid(make)) if make is not None else None
        if found is None:
            found = (make, tip_kind(spot))
            if make is not None:  # the factory is kept alive with its id
                kinds[uid(make)] = found
        key = (channel, found[1])
        answer = self.refused.get(key)
        if answer is None:
            answer = self._beyond_channels(channel, found[1])
        if answer is None:
            self.missed.append(f"refuses{key}")
            return False
        return answer

    def _beyond_channels(self, channel: int, kind: str) -> bool | None:
        """A channel the backend does not have (PLR asks before it checks the channels
        exist): what it answered for this tip on every channel it has, when that is one
        answer; else None."""
        n = self.backend.num_channels
        if not isinstance(n, int) or 0 <= channel < n:
            return None
        said = {self.refused.get((ch, kind)) for ch in range(n)}
        return next(iter(said)) if len(said) == 1 and None not in said else None


SHAPE_NAME = "'\x00'"  # where a container's name goes in a frozen spread message


def spread_shape(resource: Any) -> tuple[Any, ...]:
    """What PLR's channel spreading reads of a container: its kind, its no-go zones, its
    sizes and how it is turned on the deck (which make its sizes as placed)."""
    return (type(resource).__name__, hasattr(resource, "no_go_zones"),
            repr(getattr(resource, "no_go_zones", None)), resource.get_size_x(),
            resource.get_size_y(), resource.get_size_z(),
            repr(resource.get_absolute_rotation()))


def tip_kind(spot: Any) -> str:
    """The tip a spot makes, as a key (PLR names each tip it makes anew: not part of it)."""
    tip = spot.make_tip()
    data = tip.serialize() if hasattr(tip, "serialize") else vars(tip)
    return repr(sorted((k, repr(v)) for k, v in data.items() if k != "name"))


def backend_name(handler: Any) -> str:
    """The class name of a handler's backend (``STARBackend``), frozen or not."""
    backend = handler.backend
    return backend.class_name if isinstance(backend, BackendModel) else type(backend).__name__


def is_handler(obj: Any) -> bool:
    """Whether ``obj`` is a PLR ``LiquidHandler`` (or the model of one), without importing
    PLR's liquid-handling package when nothing has."""
    if isinstance(obj, HandlerModel):
        return True
    module = sys.modules.get(_LH_MODULE)
    return module is not None and isinstance(obj, module.LiquidHandler)


def refuses_tip(handler: Any, channel: int, spot: Any) -> bool:
    """Whether the handler's backend refuses the tip of ``spot`` on ``channel``: PLR asks
    ``backend.can_pick_up_tip`` before every pick-up (a STAR takes no XL or foreign tips).

    Backends that know their pipettes only once set up (the OT-2) are asked only then.
    """
    if isinstance(handler, HandlerModel):
        return handler.refuses(channel, spot)
    backend = getattr(handler, "backend", None)
    if backend is None:
        return False
    if not getattr(handler, "setup_finished", False):
        from pylabrobot.liquid_handling.backends.hamilton.base import HamiltonLiquidHandler

        if not isinstance(backend, HamiltonLiquidHandler):
            return False
    try:
        return not backend.can_pick_up_tip(channel, spot.make_tip())
    except Exception:  # a backend that cannot say: PLR's own call will tell on the robot
        return False


def quiet_logging() -> None:
    """Skip PLR's INFO records (nothing shows them by default) unless the user set PLR's
    logging up: a logger with handlers (``pylabrobot.setup_logger``, a notebook's own
    handler) is left exactly as configured."""
    plr_log = logging.getLogger("pylabrobot")
    if not plr_log.handlers:
        plr_log.setLevel(logging.WARNING)


def new_handler(deck: Any = None, num_channels: int = 8) -> Any:
    """A PLR ``LiquidHandler`` on the chatterbox backend (prints nothing until set up)."""
    from pylabrobot.resources import STARLetDeck

    lh_class = handler_class()
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend

    quiet_logging()
    with contextlib.redirect_stdout(None):
        backend = LiquidHandlerChatterboxBackend(num_channels=num_channels)
    return lh_class(backend=backend, deck=deck if deck is not None else STARLetDeck())


# --- what a simulation reads of the class, kept between processes ------------------------


def _light(value: Any) -> bool:
    """Whether a default value can be read back without PLR's liquid-handling package."""
    if value is None or value is MISSING or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, tuple | list):
        return all(_light(v) for v in value)
    module = type(value).__module__
    return module == "builtins" or module.startswith("pylabrobot.resources")


class _Catalogue(dict[str, OpSpec]):
    """The operations read back from the cache; an operation with a default of the
    liquid-handling package (``move_plate``'s grip direction) is read from PLR itself
    when it is asked for."""

    def __missing__(self, name: str) -> OpSpec:
        if name in self.heavy:
            spec = _live_catalogue()[name]
            self[name] = spec
            return spec
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or name in self.heavy

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    names: tuple[str, ...]
    heavy: frozenset[str]


def _live_catalogue() -> dict[str, OpSpec]:
    ops: dict[str, OpSpec] = {}
    for name, member in vars(handler_class()).items():
        if name.startswith("_") or not callable(member):
            continue
        spec = spec_of(name, member)
        if spec.is_async or spec.context is not None:
            ops[name] = spec
    return ops


def _kept() -> dict[str, Any] | None:
    """The catalogue and attribute names filed by an earlier process, or None."""
    data = cachedir.read(cachedir.environment(plr_version()), "plr", "liquid_handler")
    if data is None:
        return None
    try:
        found = pickle.loads(data)
    except Exception:  # a damaged entry: work it out again
        return None
    return found if isinstance(found, dict) else None


def _keep(ops: Mapping[str, OpSpec], attributes: frozenset[str]) -> None:
    light = {name: [(p.name, int(p.kind), p.default, p.annotation) for p in spec.params]
             for name, spec in ops.items() if all(_light(p.default) for p in spec.params)}
    specs = {name: (light[name], spec.is_async, spec.context, spec.summary)
             for name, spec in ops.items() if name in light}
    data = {"names": tuple(ops), "specs": specs, "attributes": attributes}
    cachedir.write(cachedir.environment(plr_version()), "plr", "liquid_handler",
                   pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def _from_kept(kept: dict[str, Any]) -> _Catalogue:
    import inspect

    ops = _Catalogue()
    ops.names = tuple(kept["names"])
    for name, (params, is_async, context, summary) in kept["specs"].items():
        ops[name] = OpSpec(name, tuple(ParamSpec(n, inspect._ParameterKind(k), d, a)
                                       for n, k, d, a in params), is_async, context, summary)
    ops.heavy = frozenset(n for n in ops.names if not dict.__contains__(ops, n))
    return ops


@functools.cache
def _answers() -> tuple[Mapping[str, OpSpec], frozenset[str]]:
    if _LH_MODULE not in sys.modules:
        kept = _kept()
        if kept is not None:
            return _from_kept(kept), frozenset(kept["attributes"])
    ops = _live_catalogue()
    attributes = frozenset(dir(new_handler()))
    _keep(ops, attributes)
    return ops, attributes


def catalogue() -> Mapping[str, OpSpec]:
    """Every operation of the installed ``LiquidHandler``, read with :mod:`inspect` (or
    read back from the cache, filed by a process that did).

    An operation is a public coroutine method or context manager defined by
    ``LiquidHandler`` itself (not inherited from ``Resource``).
    """
    return _answers()[0]


def machine_attributes() -> frozenset[str]:
    """Every attribute name a ``LiquidHandler`` has (methods and instance state)."""
    return _answers()[1]
