"""What a traced machine answers: the values PLR's chatterbox backends return for its reads,
the values the path itself set for its getters, the plate a reader or incubator holds on the
path, and PLR's own error where PLR raises (what a path cannot know stops it).

>>> number(37), number("37"), number(True)
(37.0, None, None)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab.trace.calls import raised_into
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op, TraceIssue, _Bound

__all__ = ["RESULTS", "get_plate", "number", "remember", "site_by_plate_name"]


def number(value: Any) -> float | None:
    value = concrete(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _grid(machine: Any, bound: dict[str, Any]) -> list[list[float | None]]:
    """What PLR's chatterbox reader returns: 0.0 per read well, None for the others, in the
    plate's shape (the wells' plate, else the plate in the reader at the start)."""
    wells = concrete(bound.get("wells"))
    plate = wells[0].parent if isinstance(wells, list) and wells else getattr(
        machine._real, "resource", None)
    rows, cols = (getattr(plate, "num_items_y", 8), getattr(plate, "num_items_x", 12))
    if not isinstance(wells, list) or not wells:
        return [[0.0] * cols for _ in range(rows)]
    grid: list[list[float | None]] = [[None] * cols for _ in range(rows)]
    for well in wells:
        r, c = well.get_row(), well.get_column()
        if r < rows and c < cols:
            grid[r][c] = 0.0
    return grid


def _read(extra: dict[str, str]) -> Callable[[Any, dict[str, Any]], Any]:
    def result(machine: Any, bound: dict[str, Any]) -> Any:
        grid = _grid(machine, bound)
        if not concrete(bound.get("use_new_return_type")):
            return grid
        row: dict[str, Any] = {"time": 0.0, "temperature": float("nan"), "data": grid}
        row.update({k: concrete(bound.get(v)) for k, v in extra.items()})
        return [row]
    return result


def _shadow(key: str, default: Any = None) -> Callable[[Any, dict[str, Any]], Any]:
    return lambda machine, bound: machine._shadow.get(key, default)


def _fetched(machine: Any, bound: dict[str, Any]) -> Any:
    """The plate an incubator fetches: the one of that name among the protocol's labware or
    the incubator's racks (none: PLR raises there, and what it would return is unknown)."""
    name = concrete(bound.get("plate_name"))
    racks = getattr(machine._real, "racks", None) or []
    for rack in racks:
        for site in getattr(rack, "sites", {}).values():
            if site.resource is not None and site.resource.name == name:
                return site.resource
    found = machine._named.get(name) if isinstance(name, str) else None
    return found if found is not None else _Missing(
        machine, f"{machine._name}.fetch_plate_to_loading_tray({name!r}) finds no plate of "
        "that name")


class _Missing:
    """What a call returns when PLR raises instead: using it stops the path (the failure is
    reported at the call; what follows it on the robot never runs)."""

    def __init__(self, machine: Any, why: str) -> None:
        object.__setattr__(self, "_machine", machine)
        object.__setattr__(self, "_why", why)

    def _stop(self, *args: Any, **kwargs: Any) -> Any:
        machine: Any = object.__getattribute__(self, "_machine")
        line, col = machine._tracer.where()
        raise _Bound(TraceIssue(
            "no_result", f"{object.__getattribute__(self, '_why')}: the protocol uses the "
            "plate it returns, so the rest of this path is not traced", line, col))

    __getattr__ = __getitem__ = __iter__ = __len__ = __call__ = _stop

    def _stands_for(self) -> Any:
        return self._stop()


# What a call returns while traced, by method (None otherwise, as most PLR calls do).
RESULTS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "read_absorbance": _read({"wavelength": "wavelength"}),
    "read_luminescence": _read({}),
    "read_fluorescence": _read({"ex_wavelength": "excitation_wavelength",
                                "em_wavelength": "emission_wavelength"}),
    "get_temperature": _shadow("temperature", 25.0),
    "get_block_current_temperature": _shadow("block", [25.0]),
    "get_block_target_temperature": _shadow("block", [25.0]),
    "get_lid_current_temperature": _shadow("lid", [25.0]),
    "get_lid_target_temperature": _shadow("lid", [25.0]),
    "get_lid_open": _shadow("lid_open", True),
    "is_profile_running": lambda machine, bound: False,
    "get_hold_time": lambda machine, bound: 0.0,
    "fetch_plate_to_loading_tray": _fetched,
}


def remember(machine: Any, method: str, bound: dict[str, Any]) -> None:
    """What later getters of this path answer (the values the protocol set)."""
    shadow = machine._shadow
    if method == "set_temperature":
        shadow["temperature"] = number(bound.get("temperature"))
    elif method in ("set_block_temperature", "set_lid_temperature"):
        shadow["block" if "block" in method else "lid"] = concrete(bound.get("temperature"))
    elif method in ("open_lid", "close_lid"):
        shadow["lid_open"] = method == "open_lid"
    elif method in ("set_angle", "tilt"):
        shadow["angle"] = number(bound.get("absolute_angle", bound.get("relative_angle")))
    elif method in ("fetch_plate_to_loading_tray", "take_in_plate"):
        shadow["stored"] = False  # its sites are no longer the setup's


def get_plate(machine: Any) -> Any:
    """``reader.get_plate()``: a ``get_plate`` op (the simulator checks the reader holds a
    plate: PLR's ``NoPlateError``) answered with the plate the path put in it; on an empty
    reader inside a ``try`` whose ``except`` catches it, PLR's error is raised there."""
    tracer = machine._tracer
    line, col = tracer.where()
    raising = raised_into(tracer, Op(len(tracer.ops), "get_plate", line, col, {},
                                     machine._name, True, None, None,
                                     receiver_type=machine._kind, machine=machine._real))
    if raising is not None:  # a plain call, not awaited: raised as it returns
        raise raising.error
    plate = _held(machine)
    return plate if plate is not None else _Missing(
        machine, f"{machine._name}.get_plate() finds no plate in it")


def _held(machine: Any) -> Any:
    """The plate a reader holds on this path: the setup's, then what the path's moves put
    on it or took off it; None when it holds none."""
    real = machine._real
    plate = getattr(real, "resource", None)
    for op in machine._tracer.ops:
        moved = op.args.get("plate", op.args.get("resource")) if op.method in (
            "move_plate", "move_resource", "assign_child_resource",
            "unassign_child_resource") else None
        if moved is None:
            continue
        to = op.machine if op.method == "assign_child_resource" else op.args.get("to")
        if to is real:
            plate = moved
        elif moved is plate:
            plate = None
    return plate


def site_by_plate_name(machine: Any) -> Callable[[Any], Any] | None:
    """``incubator.get_site_by_plate_name(name)`` of a plate the path has not fetched or
    taken in: the setup's site of that plate (a plain lookup of the racks the setup filled;
    the sites of the plates the path leaves alone do not change), or PLR's
    ``ResourceNotFoundError`` when none holds it. Of a plate the path moved (or after a
    plate of unknown name was taken in), the live state: the path stops."""
    if machine._shadow.get("stored") is False and _moved_names(machine) is None:
        return None

    def lookup(plate_name: Any) -> Any:
        name = concrete(plate_name)
        moved = _moved_names(machine) if machine._shadow.get("stored") is False else set()
        if moved is None or name in moved:
            line, col = machine._tracer.where()
            raise _Bound(TraceIssue(
                "reads_state", f"{machine._name}.get_site_by_plate_name({name!r}) after the "
                "protocol moved that plate in or out: the live state of an Incubator, not "
                "followed while simulated; keep track of the site in the protocol instead",
                line, col))
        for rack in getattr(machine._real, "racks", None) or []:
            for site in getattr(rack, "sites", {}).values():
                if site.resource is not None and site.resource.name == name:
                    return site
        # PLR's own error (a protocol may catch it): no site of the setup holds that plate
        raise _plr.error_class("ResourceNotFoundError")(
            f"Plate {name} not found in incubator '{getattr(machine._real, 'name', '')}'")
    return lookup


def _moved_names(machine: Any) -> set[str] | None:
    """The names of the plates the path fetched from ``machine`` or put on its loading tray
    (what it may have taken in); None when a plate of unknown name may have gone in."""
    real, names = machine._real, set()
    tray = getattr(real, "loading_tray", None)
    for op in machine._tracer.ops:
        if op.machine is real and op.method == "fetch_plate_to_loading_tray":
            names.add(str(concrete(op.args.get("plate_name"))))
        elif op.method in ("move_plate", "move_resource") and tray is not None and \
                op.args.get("to") is tray:
            name = getattr(op.args.get("plate", op.args.get("resource")), "name", None)
            if not isinstance(name, str):
                return None
            names.add(name)
    return names
