"""The machines of a proposed deck: one of each kind on PLR's own simulator backend.

A protocol simulated without a setup still gets a machine for each machine parameter
(``reader: PlateReader``): the kind's PLR class with its chatterbox backend and a footprint
taken from PLR's own definitions where it has one. The sealer and peeler have no simulator
in PLR 0.2.2; theirs is a backend every method of which refuses.

>>> from praxis_lab._plr.machines import kind_of
>>> kind_of(default_machine("PlateReader", "reader"))
'PlateReader'
>>> default_machine("HeaterShaker", "hs").get_size_x()
147.0
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from pylabrobot.resources import Coordinate

from praxis_lab._plr.machines import _get, class_of

__all__ = ["default_machine"]

# Footprints (mm) of the default machines: PLR's own definitions where it has one
# (Hamilton tilt module, Opentrons temperature module and thermocycler, Inheco Thermoshake,
# HighRes MicroSpin); an SLAS plate holder otherwise.
_SLAS = (127.76, 85.48)
_SIZES: dict[str, tuple[float, float, float]] = {
    "HeaterShaker": (147.0, 104.0, 115.9), "Shaker": (147.0, 104.0, 115.9),
    "TemperatureController": (193.5, 89.2, 84.0), "Thermocycler": (172.0, 316.0, 154.0),
    "Tilter": (132.0, 92.57, 85.81), "Centrifuge": (381.0, 406.4, 381.0),
    "PlateReader": (_SLAS[0] + 40, _SLAS[1] + 40, 120.0), "Loader": (*_SLAS, 20.0),
    "Incubator": (400.0, 500.0, 600.0),
}


# PLR's simulator backend of each kind, by module.
_CHATTERBOXES: dict[str, tuple[str, str]] = {
    "PlateReader": ("pylabrobot.plate_reading.chatterbox", "PlateReaderChatterboxBackend"),
    "HeaterShaker": ("pylabrobot.heating_shaking.chatterbox", "HeaterShakerChatterboxBackend"),
    "Shaker": ("pylabrobot.shaking.chatterbox", "ShakerChatterboxBackend"),
    "TemperatureController": ("pylabrobot.temperature_controlling.chatterbox",
                              "TemperatureControllerChatterboxBackend"),
    "Thermocycler": ("pylabrobot.thermocycling.chatterbox", "ThermocyclerChatterboxBackend"),
    "Tilter": ("pylabrobot.tilting.chatterbox", "TilterChatterboxBackend"),
    "Centrifuge": ("pylabrobot.centrifuge.chatterbox", "CentrifugeChatterboxBackend"),
    "Loader": ("pylabrobot.centrifuge.chatterbox", "LoaderChatterboxBackend"),
    "Incubator": ("pylabrobot.storage.chatterbox", "IncubatorChatterboxBackend"),
}


def default_machine(kind: str, name: str) -> Any:
    """A machine of ``kind`` on PLR's chatterbox backend, for a protocol simulated without
    a setup (None for the sealer and peeler, which have no simulator in 0.2.2)."""
    x, y, z = _SIZES.get(kind, (*_SLAS, 50.0))
    above = Coordinate(0, 0, z)
    chatterbox = _CHATTERBOXES.get(kind)
    backend = _get(*chatterbox)() if chatterbox is not None else None
    if kind == "PlateReader":
        return class_of(kind)(name=name, size_x=x, size_y=y, size_z=z, backend=backend)
    if kind in ("HeaterShaker", "Shaker", "TemperatureController", "Thermocycler"):
        return class_of(kind)(name=name, size_x=x, size_y=y, size_z=z, backend=backend,
                              child_location=above)
    if kind == "Tilter":
        return class_of(kind)(name=name, size_x=x, size_y=y, size_z=z, backend=backend,
                              hinge_coordinate=Coordinate(6.18, 0, 72.85), child_location=above)
    if kind == "Centrifuge":
        return class_of(kind)(backend=backend, name=name, size_x=x, size_y=y, size_z=z)
    if kind == "Loader":
        spinner = default_machine("Centrifuge", f"{name}_centrifuge")
        return class_of(kind)(backend=backend, centrifuge=spinner, name=name, size_x=x,
                              size_y=y, size_z=z, child_location=Coordinate.zero())
    if kind in ("Sealer", "Peeler"):
        backend_base = inspect.signature(class_of(kind)).parameters["backend"].annotation
        return class_of(kind)(backend=_unset(backend_base)())
    if kind == "Incubator":
        rack = _get("pylabrobot.storage.cytomat.racks", "cytomat_rack_23mm_21")
        return class_of(kind)(backend=backend, name=name, size_x=x, size_y=y, size_z=z,
                              racks=[rack(f"{name}_rack")],
                              loading_tray_location=Coordinate(0, 0, 0))
    return None


@functools.cache
def _unset(base: type) -> type:
    """A backend class for a machine PLR 0.2.2 has no simulator for: every method refuses
    (simulation never calls a backend; a run on it stops at once)."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{base.__name__} of a proposed deck drives no device: pass a "
                           "setup with the real machine")

    async def refuse_async(*args: Any, **kwargs: Any) -> Any:
        refuse()

    methods = {name: refuse_async if inspect.iscoroutinefunction(getattr(base, name)) else refuse
               for name in getattr(base, "__abstractmethods__", ())}
    return type(f"{base.__name__}Unset", (base,), {**methods, "__module__": __name__})
