"""The machines of a setup and the places plates go, as plain data for the deck view.

A machine is drawn where it stands: on the deck (a rail, a slot, a carrier) or beside it
(assigned to the deck at a location outside its size), or not at all when it is nowhere on
the deck (a centrifuge behind its loader). A *place* is where a plate can be: a carrier
site, a machine that holds a plate, a centrifuge bucket, an incubator's loading tray or
rack site; :func:`place` gives the deck coordinates a plate there is drawn at.

>>> from praxis_lab.protocol.analyse import analyse
>>> from praxis_lab.deck.binding import bind
>>> b = bind(analyse("async def p(lh: LiquidHandler, plate: Plate, reader: PlateReader): ..."))
>>> [(m["parameter"], m["type"], m["on_deck"], m["beside_deck"]) for m in machine_entries(b)]
[('reader', 'PlateReader', True, True)]
>>> place(b, b.objects["reader"], "reader")["machine"]
'reader'
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab._plr import devices
from praxis_lab._plr import machines as plr_machines

__all__ = ["machine_entries", "place"]


def _on_deck(binding: Any, res: Any) -> bool:
    try:
        return bool(res.get_root() is binding.deck.get_root())
    except AttributeError:
        return False


def _where(binding: Any, res: Any) -> tuple[float | None, float | None]:
    """Deck coordinates (mm) of a resource's front left corner, None off the deck."""
    if not _on_deck(binding, res):
        return None, None
    loc = res.get_absolute_location()
    origin = binding.deck.get_absolute_location()
    return round(loc.x - origin.x, 2), round(loc.y - origin.y, 2)


def machine_entries(binding: Any) -> list[dict[str, Any]]:
    """Every machine of the protocol (its parameters, and machines on its deck): name,
    parameter, PLR type, backend, whether PLR simulates it, where it stands and its size,
    and the plate it holds at the start."""
    found: dict[int, tuple[Any, str | None]] = {}
    for name, obj in binding.objects.items():
        if plr_machines.is_machine(obj):
            found[uid(obj)] = (obj, name)
    stack = list(binding.deck.children)
    while stack:  # the deck and its carriers, not the wells and tips of labware
        child = stack.pop(0)
        if plr_machines.is_machine(child):
            found.setdefault(uid(child), (child, None))
        elif not isinstance(child, _plr.PLR["ItemizedResource"]):
            stack.extend(child.children)
    deck_x = binding.deck.get_size_x()
    out = []
    for obj, parameter in found.values():
        x, y = _where(binding, obj)
        backend = getattr(obj, "backend", None)
        held = getattr(obj, "resource", None) if _plr.is_site(obj) else None
        out.append({
            "name": getattr(obj, "name", parameter), "parameter": parameter,
            "type": plr_machines.kind_of(obj), "class": type(obj).__name__,
            "backend": type(backend).__name__, "simulator": devices.is_simulator(backend),
            "on_deck": x is not None, "beside_deck": x is not None and x >= deck_x,
            "x": x, "y": y,
            "size_x": round(obj.get_size_x(), 2) if hasattr(obj, "get_size_x") else None,
            "size_y": round(obj.get_size_y(), 2) if hasattr(obj, "get_size_y") else None,
            "holds_plate": _plr.is_site(obj),
            "holds": binding.key(held) if held is not None else None,
        })
    return out


def place(binding: Any, obj: Any, key: str | None) -> dict[str, Any] | None:
    """Where a plate at place ``key`` (object ``obj``) is drawn: ``{"at", "name",
    "machine", "type", "on_deck", "x", "y"}``; None for a plate off every place."""
    if key is None:
        return None
    if obj is None or not hasattr(obj, "get_root"):  # a coordinate on the deck: deck@(x, y)
        xy = key.partition("@(")[2].rstrip(")").split(", ")
        x, y = (float(xy[0]), float(xy[1])) if len(xy) == 2 else (None, None)
        return {"at": key, "name": key, "machine": None, "type": "deck", "on_deck": True,
                "x": x, "y": y}
    owner = obj
    while owner is not None and not plr_machines.is_machine(owner):
        owner = getattr(owner, "parent", None)
    x, y = _where(binding, obj)
    return {"at": key, "name": getattr(obj, "name", key),
            "machine": binding.key(owner) if owner is not None else None,
            "type": plr_machines.kind_of(owner) if owner is not None else type(obj).__name__,
            "on_deck": x is not None, "x": x, "y": y}
