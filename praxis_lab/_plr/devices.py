"""The devices of a setup: every PLR machine in it, the backend driving each, and whether
that backend is one of PLR's own simulators.

A run request freezes :func:`devices` of its setup, and an approval covers exactly those
devices. A backend counts as a simulator only when its class *is* one of the classes PLR
ships that move nothing (the chatterboxes and the OT-2 simulator), compared by identity:
a class elsewhere with the same name, or a subclass (which may talk to hardware), is a
real device.

>>> from praxis_lab import _plr
>>> lh = _plr.new_handler()
>>> devices({"lh": lh})["lh"]["backend"]
'pylabrobot.liquid_handling.backends.chatterbox.LiquidHandlerChatterboxBackend'
>>> is_simulator(lh.backend)
True
>>> class LiquidHandlerChatterboxBackend(type(lh.backend)):  # a look-alike: not PLR's
...     pass
>>> is_simulator(LiquidHandlerChatterboxBackend())
False
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from typing import Any

from pylabrobot.machines.machine import Machine
from pylabrobot.resources import Resource

from praxis_lab._ids import uid

__all__ = ["IDENTITY_KEYS", "SIMULATORS", "backend_path", "devices", "is_simulator", "machines"]

# PLR 0.2.2's backends that move nothing, as (module, class): chatterboxes print what
# they would send, the OT-2 simulator models the robot.
SIMULATORS: tuple[tuple[str, str], ...] = (
    ("pylabrobot.liquid_handling.backends.chatterbox", "LiquidHandlerChatterboxBackend"),
    ("pylabrobot.liquid_handling.backends.hamilton.STAR_chatterbox", "STARChatterboxBackend"),
    ("pylabrobot.liquid_handling.backends.opentrons_chatterbox",
     "OpentronsOT2ChatterboxBackend"),
    ("pylabrobot.liquid_handling.backends.opentrons_simulator", "OpentronsOT2Simulator"),
    ("pylabrobot.plate_reading.chatterbox", "PlateReaderChatterboxBackend"),
    ("pylabrobot.heating_shaking.chatterbox", "HeaterShakerChatterboxBackend"),
    ("pylabrobot.shaking.chatterbox", "ShakerChatterboxBackend"),
    ("pylabrobot.temperature_controlling.chatterbox", "TemperatureControllerChatterboxBackend"),
    ("pylabrobot.thermocycling.chatterbox", "ThermocyclerChatterboxBackend"),
    ("pylabrobot.centrifuge.chatterbox", "CentrifugeChatterboxBackend"),
    ("pylabrobot.centrifuge.chatterbox", "LoaderChatterboxBackend"),
    ("pylabrobot.pumps.chatterbox", "PumpChatterboxBackend"),
    ("pylabrobot.pumps.chatterbox", "PumpArrayChatterboxBackend"),
    ("pylabrobot.scales.chatterbox", "ScaleChatterboxBackend"),
    ("pylabrobot.storage.chatterbox", "IncubatorChatterboxBackend"),
    ("pylabrobot.storage.cytomat.cytomat", "CytomatChatterbox"),
    ("pylabrobot.tilting.chatterbox", "TilterChatterboxBackend"),
    ("pylabrobot.tilting.hamilton_backend", "HamiltonTiltModuleChatterboxBackend"),
    ("pylabrobot.powder_dispensing.chatterbox", "PowderDispenserChatterboxBackend"),
    ("pylabrobot.only_fans.chatterbox", "FanChatterboxBackend"),
)

# What tells one machine of a kind from another, as PLR's backends serialize it.
IDENTITY_KEYS = ("host", "ip", "port", "com_port", "serial_number", "device_id",
                 "device_address", "address", "opentrons_id", "index")


@functools.cache
def _simulator_classes() -> frozenset[type]:
    found = set()
    for module, name in SIMULATORS:
        try:
            cls = getattr(importlib.import_module(module), name, None)
        except ImportError:  # an optional dependency of that machine is missing
            continue
        if isinstance(cls, type):
            found.add(cls)
    return frozenset(found)


def is_simulator(backend: Any) -> bool:
    """Whether ``backend`` is an instance of one of PLR's own simulator classes exactly."""
    return type(backend) in _simulator_classes()


def backend_path(backend: Any) -> str:
    """``module.Class`` of a backend: its class by module and name."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def machines(objects: Mapping[str, Any]) -> dict[str, Any]:
    """Every PLR machine of a setup: its values that are machines, by their key, then the
    machines placed on their decks (a plate reader on a handler's deck), then the machines
    a machine drives (a loader's centrifuge), by resource name."""
    found = {key: obj for key, obj in objects.items() if isinstance(obj, Machine)}
    seen = {uid(m) for m in found.values()}

    def add(child: Any, where: str) -> None:
        if isinstance(child, Machine) and uid(child) not in seen:
            seen.add(uid(child))
            name = str(getattr(child, "name", type(child).__name__))
            found[name if name not in found else f"{name}@{where}"] = child

    for machine in list(found.values()):
        deck = getattr(machine, "deck", None)
        if isinstance(deck, Resource):
            for child in deck.get_all_children():
                add(child, "deck")
    for machine in list(found.values()):  # a loader's centrifuge: driven, set up, approved
        for value in list(vars(machine).values()):
            if value is not getattr(machine, "backend", None):
                add(value, getattr(machine, "name", "machine"))
    return found


def _identity(backend: Any) -> dict[str, str]:
    try:
        data = backend.serialize()
    except Exception:  # a backend that cannot describe itself: its class alone
        return {}
    if not isinstance(data, Mapping):
        return {}
    return {k: str(data[k]) for k in IDENTITY_KEYS if data.get(k) is not None}


def devices(objects: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What drives each machine of a setup: ``{key: {"machine", "backend", "simulator",
    "identity"}}`` (machine and backend as ``module.Class``; identity: the address, serial
    number or host PLR's backend gives, when it gives one)."""
    out = {}
    for key, machine in machines(objects).items():
        backend = getattr(machine, "backend", None)
        out[key] = {"machine": backend_path(machine), "backend": backend_path(backend),
                    "simulator": is_simulator(backend), "identity": _identity(backend)}
    return out
