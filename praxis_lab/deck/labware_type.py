"""A labware's type changed for another of PLR's: what is checked, and what carries over.

The new labware must be of the same kind (a plate for a plate), fit the site the old one
sits on, and have every well a parameter is bound to; it gets the old one's name, its start
volumes (well by well, at most what a new well holds) and its parameters.

>>> from pylabrobot.resources import cor_96_wellplate_360uL_Fb
>>> old = cor_96_wellplate_360uL_Fb(name="src")
>>> old.get_well("A1").tracker.set_volume(300)
>>> new, notes = replacement(old, "cor_96_wellplate_2mL_Vb", {"w": old.get_well("A1")})
>>> new.model, new.get_well("A1").tracker.get_used_volume(), notes
('cor_96_wellplate_2mL_Vb', 300.0, [])
>>> rebound(old.get_well("A1"), old, new, "w") is new.get_well("A1")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import kind_of
from praxis_lab.deck import catalogue, liquids
from praxis_lab.deck.edit import Refused

__all__ = ["rebound", "replacement"]

_P = _plr.PLR


def replacement(old: Any, factory: str, objects: Mapping[str, Any]) -> tuple[Any, list[str]]:
    """A new labware of ``factory`` to take ``old``'s place, and notes on the volumes it could
    not keep; :class:`Refused` saying why when it cannot."""
    found = catalogue.entry(factory)
    if found is None:
        raise Refused(catalogue.unknown(factory))
    if found.kind != kind_of(old):
        raise Refused(f"{factory} makes a {found.kind}, {old.name} is a {kind_of(old)}")
    site = old.parent
    if _plr.is_site(site):
        why = catalogue.misfit(found.kind, found.size_x, found.size_y, found.plate_type,
                               (site.get_size_x(), site.get_size_y()),
                               isinstance(site, _P["PlateHolder"]))
        if why:
            raise Refused(f"{factory} is {why}")
    new = _plr.labware(factory, old.name)
    for param, obj in objects.items():
        rebound(obj, old, new, param)  # Refused for a well the new labware lacks
    return new, liquids.carry(old, new)


def rebound(obj: Any, old: Any, new: Any, param: str) -> Any:
    """``obj`` (a setup's object) with ``old`` labware replaced by ``new``."""
    if obj is old:
        return new
    if isinstance(obj, list | tuple) and obj and all(getattr(x, "parent", None) is old
                                                      for x in obj):
        if list(obj) == list(old.get_all_items()):
            return new.get_all_items()
        return [rebound(x, old, new, param) for x in obj]
    if isinstance(obj, list | tuple) and len(obj) == 1 and obj[0] is old:
        return [new]
    parent: Any = getattr(obj, "parent", None)
    if parent is not None and parent is old:
        ident = parent.get_child_identifier(obj)
        try:
            return new.get_item(ident)
        except Exception:  # PLR: no such identifier in the new labware
            raise Refused(f"{param} is {parent.name}[{ident}], which a {new.model} has not") \
                from None
    return obj
