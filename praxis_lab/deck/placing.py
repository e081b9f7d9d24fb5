"""Placing labware and carriers on a deck through PLR: each placement checked to fit its
site (with PLR's sizes), done by PLR (``carrier[site] = ...``, ``assign_child_at_slot``,
``deck.assign_child_resource(..., rails=N)``: its rail range, collision and name checks),
and put back where it was when PLR refuses. Each returns the :class:`~praxis_lab.deck.edit.Edit`;
:class:`~praxis_lab.deck.editor.DeckEditor` finds the resources by name and keeps count.

>>> from pylabrobot.resources import STARLetDeck, PLT_CAR_L5AC_A00
>>> deck = STARLetDeck()
>>> print(add_carrier(deck, "PLT_CAR_L5AC_A00", 6).message)
Add a PLT_CAR_L5AC_A00 at rail 6
>>> print(carrier_to_rails(deck, deck.get_resource("plt_car_1"), 40).message.split(":")[0])
PLR refused to move plt_car_1 to rail 40
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import kind_of
from praxis_lab.deck import catalogue
from praxis_lab.deck.edit import Edit, Refused, attempt

__all__ = ["add_carrier", "carrier_to_rails", "to_site", "to_slot"]

_P = _plr.PLR

Site = tuple[float, float, bool]  # its size x, y (mm), whether it is a plate holder


def to_site(res: Any, car: Any, site: int) -> Edit:
    """Move labware ``res`` to site ``site`` of carrier ``car``."""
    what = f"move {res.name} to site {site} of {car.name}"
    try:
        if not isinstance(car, _P["Carrier"]):
            raise Refused(f"{car.name} is a {type(car).__name__}, not a carrier")
        holder = car.sites.get(site)
        if holder is None:
            raise Refused(f"{car.name} has sites {', '.join(map(str, sorted(car.sites)))}")
    except Refused as exc:
        return Edit(False, f"cannot {what}: {exc}")
    if holder.resource is res:
        return Edit(True, f"{res.name} stays at site {site} of {car.name}")
    size = (holder.get_size_x(), holder.get_size_y(), isinstance(holder, _P["PlateHolder"]))
    return _place(res, what, lambda: car.__setitem__(site, res), size)


def to_slot(deck: Any, res: Any, slot: int) -> Edit:
    """Move labware ``res`` to slot ``slot`` of an OT-2 deck."""
    return _place(res, f"move {res.name} to slot {slot}",
                  lambda: deck.assign_child_at_slot(res, slot), _slot_size(deck, slot))


def _slot_size(deck: Any, slot: int) -> Site | None:
    holders = getattr(deck, "_slot_holders", None)
    if not holders or not 1 <= slot <= len(holders):
        return None
    return (holders[slot - 1].get_size_x(), holders[slot - 1].get_size_y(), False)


def _place(res: Any, what: str, assign: Callable[[], None], site: Site | None) -> Edit:
    """Take ``res`` off its place and ``assign`` it elsewhere; back where it was if PLR
    refuses."""
    parent, location = res.parent, res.location

    def fits() -> None:
        if site is not None:
            why = catalogue.misfit(kind_of(res) or "other", res.get_size_x(),
                                   res.get_size_y(), getattr(res, "plate_type", None),
                                   site[:2], site[2])
            if why:
                raise Refused(f"{res.name} is {why}")

    def do() -> None:
        if parent is not None:
            parent.unassign_child_resource(res)
        assign()

    def undo() -> None:
        if res.parent is not None:
            res.parent.unassign_child_resource(res)
        if parent is not None:
            parent.assign_child_resource(res, location=location)

    return attempt(what, fits, do, undo)


def carrier_to_rails(deck: Any, car: Any, rails: int) -> Edit:
    """Move carrier ``car`` along the deck's rails to ``rails``."""
    location = car.location

    def check() -> None:
        if _plr.deck_kind(deck) != "carrier":
            raise Refused("this deck has slots, not rails")

    def do() -> None:
        deck.unassign_child_resource(car)
        deck.assign_child_resource(car, rails=rails)

    def undo() -> None:
        if car.parent is not None:
            deck.unassign_child_resource(car)
        deck.assign_child_resource(car, location=location)

    return attempt(f"move {car.name} to rail {rails}", check, do, undo)


def add_carrier(deck: Any, factory: str, rails: int, name: str | None = None) -> Edit:
    """Put a new, empty carrier made by PLR's ``factory`` on ``deck`` at ``rails``."""
    made: list[Any] = []

    def check() -> None:
        if _plr.deck_kind(deck) != "carrier":
            raise Refused("an OT-2 deck has slots, not carriers")
        found = catalogue.entry(factory)
        if found is None or found.kind != "carrier":
            raise Refused(f"{factory!r} is not one of PLR's carriers (see "
                           "catalogue.carriers())")
        made.append(_plr.labware(factory, name or _free_name(deck, factory)))

    def undo() -> None:
        if made and made[0].parent is not None:
            deck.unassign_child_resource(made[0])

    what = f"add {name or 'a ' + factory} at rail {rails}"
    return attempt(what, check, lambda: deck.assign_child_resource(made[0], rails=rails), undo)


def _free_name(deck: Any, factory: str) -> str:
    base = f"{factory.split('_')[0].lower()}_car"
    n = 1
    while deck.has_resource(f"{base}_{n}"):
        n += 1
    return f"{base}_{n}"
