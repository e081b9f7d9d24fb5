"""PLR 0.2.2's machines beyond the liquid handler, read from the installed package.

Every machine a protocol may be given (``PlateReader``, ``HeaterShaker``, ``Thermocycler``...)
is named by its *kind*, the most specific of the PLR classes below it is an instance of.
What each kind can do is read with :mod:`inspect` like the liquid handler's catalogue: its
public coroutine methods, defined by the machine classes of its MRO (not by ``Resource``).
Facts a rule needs about a machine are read from its data, never by calling its backend:
simulation drives nothing.

>>> sorted(machine_catalogue("HeaterShaker"))[:4]
['deactivate', 'get_temperature', 'lock_plate', 'set_temperature']
>>> machine_catalogue("Thermocycler")["set_block_temperature"].required
('temperature',)
"""

from __future__ import annotations

import ast
import difflib
import functools
import importlib
import inspect
import sys
import textwrap
from typing import Any

from pylabrobot.machines.machine import Machine  # (pylabrobot.resources imports it)
from pylabrobot.resources import Resource

from praxis_lab._plr.handler import is_handler
from praxis_lab._plr.signatures import OpSpec, spec_of

__all__ = [
    "KINDS",
    "STATE_WRITES",
    "class_of",
    "closest_machine_methods",
    "error",
    "is_machine",
    "kind_of",
    "machine_catalogue",
    "machine_type",
    "profile_classes",
    "profile_seconds",
    "routed_methods",
    "state_reads",
    "static_property",
]

# The machine classes, most specific first (a HeaterShaker is also a Shaker and a
# TemperatureController: it is named HeaterShaker), by module: a machine's package is
# imported only when a protocol needs it (the plate reader's brings numpy); until it is,
# no object can be an instance of it.
_CLASSES: dict[str, type | tuple[str, str]] = {
    "HeaterShaker": ("pylabrobot.heating_shaking.heater_shaker", "HeaterShaker"),
    "Thermocycler": ("pylabrobot.thermocycling.thermocycler", "Thermocycler"),
    "TemperatureController": ("pylabrobot.temperature_controlling.temperature_controller",
                              "TemperatureController"),
    "Shaker": ("pylabrobot.shaking.shaker", "Shaker"),
    "PlateReader": ("pylabrobot.plate_reading.plate_reader", "PlateReader"),
    "Tilter": ("pylabrobot.tilting.tilter", "Tilter"),
    "Loader": ("pylabrobot.centrifuge.centrifuge", "Loader"),
    "Centrifuge": ("pylabrobot.centrifuge.centrifuge", "Centrifuge"),
    "Incubator": ("pylabrobot.storage.incubator", "Incubator"),
    "Sealer": ("pylabrobot.sealing.sealer", "Sealer"),
    "Peeler": ("pylabrobot.peeling.peeler", "Peeler"),
}
KINDS: tuple[str, ...] = tuple(_CLASSES)


def _kind_class(name: str, load: bool = True) -> type | None:
    """The class of a kind (``load=False``: None when its module is not imported yet)."""
    found = _CLASSES.get(name)
    if not isinstance(found, tuple):
        return found
    module, attr = found
    if module not in sys.modules and not load:
        return None
    cls = getattr(importlib.import_module(module), attr)
    _CLASSES[name] = cls
    return cls  # type: ignore[no-any-return]


def _get(module: str, attr: str) -> Any:
    return getattr(importlib.import_module(module), attr)


# The machines' own errors, by name (for ``_plr.error_class``).
_ERRORS: dict[str, type[Exception] | tuple[str, str]] = {
    "NoPlateError": ("pylabrobot.plate_reading.standard", "NoPlateError"),
    **{name: ("pylabrobot.centrifuge.standard", name) for name in (
        "CentrifugeDoorError", "NotAtBucketError", "LoaderNoPlateError", "BucketHasPlateError",
        "BucketNoPlateError")},
    "NoFreeSiteError": ("pylabrobot.storage.incubator", "NoFreeSiteError"),
}


def error(name: str) -> type[Exception] | None:
    """A machine's own exception class by name (``NoPlateError``), or None."""
    found = _ERRORS.get(name)
    if isinstance(found, tuple):
        found = _ERRORS[name] = _get(*found)
    return found  # type: ignore[return-value]


# PLR's other machine packages (pumps, scales, fans...): traced structurally.
_OTHER_PACKAGES = ("pylabrobot.pumps", "pylabrobot.scales", "pylabrobot.only_fans",
                   "pylabrobot.powder_dispensing", "pylabrobot.plate_washing",
                   "pylabrobot.barcode_scanners", "pylabrobot.arms")


def _others(load: bool = False) -> dict[str, type]:
    """Every other ``Machine`` class of PLR (not a liquid handler, not one of ``KINDS`` or a
    subclass of one) imported so far, by class name; ``load``: import PLR's machine
    packages first."""
    if load:
        _load_others()
    return _other_classes(_machine_count())


@functools.cache
def _load_others() -> None:
    for module in _OTHER_PACKAGES:
        try:
            importlib.import_module(module)
        except Exception:  # an optional dependency of that machine is missing
            continue


def _subclasses() -> list[type]:
    out, stack = [], list(Machine.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        out.append(cls)
    return out


def _machine_count() -> int:
    """How many machine classes are imported (what the caches below are keyed by)."""
    return len(_subclasses())


@functools.lru_cache(maxsize=4)
def _other_classes(count: int) -> dict[str, type]:
    kinds = tuple(c for c in (_kind_class(n, load=False) for n in KINDS) if c is not None)
    found: dict[str, type] = {}
    for cls in _subclasses():
        if issubclass(cls, kinds) or is_handler_class(cls) or not cls.__module__.startswith(
                "pylabrobot."):
            continue
        found.setdefault(cls.__name__, cls)
    return found


def machine_type(name: str) -> type | None:
    """The PLR machine class called ``name`` (``"PlateReader"``, ``"Scale"``), or None."""
    if name in _CLASSES:
        return _kind_class(name)
    return _others().get(name) or _others(load=True).get(name)


def class_of(kind: str) -> type:
    """The PLR class of a machine kind."""
    cls = machine_type(kind)
    if cls is None:
        raise KeyError(f"not a PLR machine: {kind}")
    return cls


def is_machine(obj: Any) -> bool:
    """Whether ``obj`` is a PLR machine other than a liquid handler."""
    return kind_of(obj) is not None


# (type, __class__) of an object that is not a machine, or is one of KINDS -> its kind: a
# class of a kind is imported before any class deriving from it exists, so the answer is
# the class's for good (another machine's answer depends on the classes imported so far)
_KIND_OF: dict[tuple[type, Any], str | None] = {}


def kind_of(obj: Any) -> str | None:
    """The kind of a machine object (its most specific class in ``KINDS``, else its own
    PLR machine class), or None for anything else (a liquid handler included)."""
    key = (type(obj), getattr(obj, "__class__", None))
    if key in _KIND_OF:
        return _KIND_OF[key]
    for name in KINDS:
        cls = _kind_class(name, load=False)
        if cls is not None and isinstance(obj, cls):
            _KIND_OF[key] = name
            return name
    if isinstance(obj, Machine) and not is_handler(obj):
        others = _others()
        return next((c.__name__ for c in type(obj).__mro__ if others.get(c.__name__) is c),
                    None)
    if len(_KIND_OF) < 4096:
        _KIND_OF[key] = None
    return None


def is_handler_class(cls: type) -> bool:
    """Whether ``cls`` is PLR's LiquidHandler or a subclass (without importing it)."""
    return any(c.__name__ == "LiquidHandler" and c.__module__.startswith(
        "pylabrobot.liquid_handling") for c in cls.__mro__)


def _machine_classes(kind: str) -> list[type]:
    """The classes of a kind's MRO that are machines (not ``Resource`` and its holders)."""
    return [c for c in class_of(kind).__mro__
            if issubclass(c, Machine) and not issubclass(Resource, c) and c is not object]


def routed_methods() -> list[tuple[type, str]]:
    """(defining class, name) of every operation of every machine kind imported so far: what
    a trace answers when a protocol reaches a real machine (one looked up on the deck). A
    machine class imported later is in the list the next time it is asked for."""
    return _routed(_machine_count())


@functools.lru_cache(maxsize=4)
def _routed(count: int) -> list[tuple[type, str]]:
    out: dict[tuple[type, str], None] = {}
    kinds = [k for k in KINDS if _kind_class(k, load=False) is not None]
    for kind in (*kinds, *_others()):
        cls = class_of(kind)
        for name in machine_catalogue(kind):
            owner = next(c for c in cls.__mro__ if name in c.__dict__)
            out[(owner, name)] = None
    return list(out)


@functools.cache
def machine_catalogue(kind: str) -> dict[str, OpSpec]:
    """Every operation of a machine kind: the public coroutine methods its machine classes
    define (``setup`` and ``stop`` included), with their signatures."""
    ops: dict[str, OpSpec] = {}
    for cls in reversed(_machine_classes(kind)):
        for name, member in vars(cls).items():
            if name.startswith("_") or not callable(member):
                continue
            spec = spec_of(name, member)
            if spec.is_async:
                ops[name] = spec
            else:
                ops.pop(name, None)
    return ops


@functools.cache
def state_reads(kind: str) -> frozenset[str]:
    """What a protocol may read of a machine that changes while it runs: the public
    properties and plain methods its machine classes define (``door_open``, ``get_plate``,
    ``target_temperature``...), and ``resource`` for the machines that hold a plate."""
    names = {"resource", "setup_finished"}
    for cls in _machine_classes(kind):
        for name, member in vars(cls).items():
            if name.startswith("_") or name in ("serialize", "deserialize"):
                continue
            if isinstance(member, property) or (inspect.isfunction(member)
                                                and not inspect.iscoroutinefunction(member)):
                names.add(name)
    if any(c.__name__ == "TemperatureController" for c in class_of(kind).__mro__):
        names.add("target_temperature")
    return frozenset(n for n in names if n not in _STRUCTURE and n not in STATE_WRITES)


# Plain methods of a machine that change where plates are: recorded, never run.
STATE_WRITES = frozenset({"assign_child_resource", "unassign_child_resource"})


# Attributes that name parts of a machine, not its state: read from the real object.
_STRUCTURE = frozenset({"bucket1", "bucket2", "loading_tray", "racks", "centrifuge",
                        "hinge_coordinate", "child_location", "backend", "name",
                        "experimental_get_plate_drain_offsets",
                        "experimental_get_well_drain_offsets",
                        "experimental_rotate_coordinate_around_hinge"})


def closest_machine_methods(kind: str, name: str, n: int = 3) -> list[str]:
    """The real operation names of a machine kind closest to ``name``.

    >>> closest_machine_methods("HeaterShaker", "start_shaking")
    ['shake', 'stop_shaking']
    """
    ops = machine_catalogue(kind)
    found = [op for op in _SYNONYMS.get(name, ()) if op in ops]
    for op in difflib.get_close_matches(name, sorted(ops), n=n, cutoff=0.5):
        if op not in found:
            found.append(op)
    return found[:n]


# Names people reach for that PLR 0.2.2's machines do not have (checked against the
# catalogue: a synonym a kind does not have is never offered).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "start_shaking": ("shake",), "read": ("read_absorbance",),
    "read_od": ("read_absorbance",), "set_temp": ("set_temperature",),
    "load_plate": ("load",), "unload_plate": ("unload",), "centrifuge": ("spin",),
    "set_lid_temp": ("set_lid_temperature",), "run_pcr": ("run_pcr_profile",),
    # a method of another machine kind: a temperature controller's on a thermocycler, a
    # thermocycler's lid on a plate reader's drawer and back
    "wait_for_temperature": ("wait_for_block",),
    "get_temperature": ("get_block_current_temperature",), "deactivate": ("deactivate_block",),
    "open_lid": ("open",), "close_lid": ("close",), "open": ("open_lid",),
    "close": ("close_lid",),
}


# --- what a rule reads of a machine -------------------------------------------------------


def static_property(obj: Any, name: str) -> Any:
    """The constant a property of ``obj``'s class returns (``supports_active_cooling``),
    read from its source; None when it is not a constant. The property is never run: on a
    real backend it may talk to the device."""
    prop = getattr(type(obj), name, None)
    getter = prop.fget if isinstance(prop, property) else None
    if getter is None:
        return None
    return _constant_return(getter)


@functools.cache
def _constant_return(getter: Any) -> Any:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(getter)))
    except (OSError, TypeError, SyntaxError):
        return None
    body = tree.body[0].body if tree.body and hasattr(tree.body[0], "body") else []
    body = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value,
                                                                          ast.Constant):
        return body[0].value.value
    return None


def profile_seconds(protocol: Any) -> float | None:
    """How long a thermocycler ``Protocol`` holds its steps, in seconds (None when a step's
    hold is not a number)."""
    total = 0.0
    try:
        for stage in protocol.stages:
            total += float(stage.repeats) * sum(float(s.hold_seconds) for s in stage.steps)
    except (TypeError, ValueError, AttributeError):
        return None
    return total


def profile_classes() -> dict[str, type]:
    """PLR's thermocycler profile classes (``Protocol``, ``Stage``, ``Step``), for rules
    that build a profile (``run_pcr_profile``)."""
    module = "pylabrobot.thermocycling.standard"
    return {name: _get(module, name) for name in ("Protocol", "Stage", "Step")}
