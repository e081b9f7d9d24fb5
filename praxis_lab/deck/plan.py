"""A deck plan: where every carrier and labware of a deck sits, as plain data.

:func:`read` turns a PLR deck and the objects a setup returns into a :class:`DeckPlan`:
the deck type; each carrier with its factory and rails; each labware with its factory and
place (a carrier site, an OT-2 slot, or a location on the deck); the start volumes of its
wells and the tips missing from a rack; and how each protocol parameter is bound (the
handler, a labware, a plate's wells, one well...). The deck's own resources (a STARLet's
trash, an OT-2's slot holders) are not part of a plan: the deck makes them itself.
A plan is what :mod:`praxis_lab.deck.export` writes as ``make_deck()`` and what
:mod:`praxis_lab.deck.writeback` compares to write an edit back.

>>> from praxis_lab.protocol.analyse import analyse
>>> from praxis_lab.deck.binding import bind
>>> b = bind(analyse("async def p(lh: LiquidHandler, tips: TipRack, src: Plate): ..."))
>>> plan = read(b.deck, b.objects)
>>> plan.deck, [(c.name, c.factory, c.rails) for c in plan.carriers]
('STARLetDeck', [('tip_car_1', 'TIP_CAR_480_A00', 1), ('plt_car_1', 'PLT_CAR_L5AC_A00', 7)])
>>> src = plan.labware[1]
>>> src.name, src.factory, src.carrier, src.site, src.volumes
('src', 'cor_96_wellplate_360uL_Fb', 'plt_car_1', 0, {})
>>> plan.params
{'lh': ('handler',), 'tips': ('labware', 'tips'), 'src': ('labware', 'src')}
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import deck_factory, factories, kind_of, new_deck
from praxis_lab.errors import UserError

__all__ = ["CarrierPlan", "DeckPlan", "LabwarePlan", "PlanError", "binder_of", "read"]

_P = _plr.PLR
_RAIL_X0, _RAIL_WIDTH = 100.0, 22.5  # PLR's HamiltonDeck rails: x = 100 + (rail - 1) * 22.5


class PlanError(UserError, ValueError):
    """A deck a plan cannot describe or build (labware PLR has no factory for, a stack)."""


@dataclass
class CarrierPlan:
    """A carrier: its PLR factory, and the rail its left edge stands on."""

    name: str
    factory: str | None  # None: not one of PLR's offline factories
    rails: int | None
    location: tuple[float, float, float] | None = None  # when it stands off the rails


@dataclass
class LabwarePlan:
    """A plate, tip rack, trough or tube rack: its factory, its place and its start state."""

    name: str
    factory: str | None
    kind: str  # plate | tip_rack | trough | tube_rack | other
    carrier: str | None = None
    site: int | None = None
    slot: int | None = None  # on an OT-2 deck
    location: tuple[float, float, float] | None = None  # right on the deck
    volumes: dict[str, float] = field(default_factory=dict)  # well → µL ("" a trough itself)
    empty_spots: tuple[str, ...] = ()  # tip spots without a tip


@dataclass
class DeckPlan:
    """A whole deck: its PLR class, carriers, labware, and the protocol's parameters."""

    deck: str  # STARLetDeck | STARDeck | OTDeck
    carriers: list[CarrierPlan] = field(default_factory=list)
    labware: list[LabwarePlan] = field(default_factory=list)
    # parameter → ("handler",) | ("deck",) | ("trash",) | ("labware", name) |
    # ("items", name) | ("item", name, identifier) | ("list", name)
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def parts(self) -> list[CarrierPlan | LabwarePlan]:
        """The carriers, then the labware."""
        return [*self.carriers, *self.labware]

    def find(self, name: str) -> LabwarePlan | CarrierPlan | None:
        return next((x for x in self.parts() if x.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def _factory(res: Any) -> str | None:
    """The offline PLR factory that builds ``res`` (its ``model``), or None."""
    model = getattr(res, "model", None)
    found = factories().get(model) if isinstance(model, str) else None
    return model if found is not None and found.cls == type(res).__name__ else None


def _xyz(loc: Any) -> tuple[float, float, float]:
    return (round(loc.x, 4), round(loc.y, 4), round(loc.z, 4))


def _rails(deck: Any, res: Any) -> int | None:
    """The rail ``res`` stands on when it stands exactly where PLR puts that rail."""
    if not hasattr(deck, "rails_to_location") or res.location is None:
        return None
    rail = round((res.location.x - _RAIL_X0) / _RAIL_WIDTH) + 1
    return rail if _xyz(deck.rails_to_location(rail)) == _xyz(res.location) else None


def _volumes(res: Any) -> dict[str, float]:
    if isinstance(res, _P["Plate"]):
        out = {}
        for ident, well in zip(_identifiers(res), res.get_all_items(), strict=True):
            volume = float(well.tracker.get_used_volume())
            if volume:
                out[ident] = volume
        return out
    if isinstance(res, _P["Container"]):
        volume = float(res.tracker.get_used_volume())
        return {"": volume} if volume else {}
    return {}


def _identifiers(res: Any) -> list[str]:
    """Item identifiers in PLR's item order (column by column: A1, B1, ... H1, A2...)."""
    return [res.get_child_identifier(item) for item in res.get_all_items()]


def _empty_spots(res: Any) -> tuple[str, ...]:
    if not isinstance(res, _P["TipRack"]):
        return ()
    return tuple(i for i, spot in zip(_identifiers(res), res.get_all_items(), strict=True)
                 if not spot.tracker.has_tip)


def _labware(res: Any, **place: Any) -> LabwarePlan:
    kind = kind_of(res) or "other"
    if any(not _plr.is_site(c) and kind_of(c) is not None for c in res.children):
        raise PlanError(f"{res.name} holds {res.children[0].name}: a plan places labware on "
                        "carrier sites, OT-2 slots or the deck, not stacked")
    return LabwarePlan(res.name, _factory(res), kind, volumes=_volumes(res),
                       empty_spots=_empty_spots(res), **place)


@functools.cache
def _own_resources(factory: str | None) -> frozenset[str]:
    """Names of what a new deck of this kind holds already (trash, slot holders)."""
    return frozenset(r.name for r in new_deck(factory).get_all_children()) if factory else \
        frozenset()


def read(deck: Any, objects: Mapping[str, Any] | None = None) -> DeckPlan:
    """The plan of ``deck``; ``objects`` (parameter → object, what a setup returns) gives
    the parameters' bindings."""
    factory = deck_factory(deck)
    plan = DeckPlan(factory or type(deck).__name__)
    own = _own_resources(factory)
    children = list(deck.children)
    if hasattr(deck, "rails_to_location"):  # carriers from left to right
        children.sort(key=lambda c: c.location.x if c.location is not None else 0.0)
    for child in children:
        if child.name in own and not _plr.is_site(child):
            continue
        if _plr.is_site(child) and hasattr(deck, "get_slot"):  # an OT-2 slot
            slot = deck.get_slot(child.resource) if child.resource is not None else None
            if child.resource is not None and child.resource.name not in own:
                plan.labware.append(_labware(child.resource, slot=slot))
        elif isinstance(child, _P["Carrier"]):
            rails = _rails(deck, child)
            plan.carriers.append(CarrierPlan(child.name, _factory(child), rails,
                                             None if rails is not None else _xyz(child.location)))
            for index, site in sorted(child.sites.items()):
                if site.resource is not None:
                    plan.labware.append(_labware(site.resource, carrier=child.name, site=index))
        else:
            plan.labware.append(_labware(child, location=_xyz(child.location)))
    for name, obj in (objects or {}).items():
        binder = binder_of(obj, deck)
        if binder is not None:
            plan.params[name] = binder
    return plan


def binder_of(obj: Any, deck: Any) -> tuple[str, ...] | None:
    """How a setup's object is reached from the deck: ``("labware", "src")``, ``("items",
    "src")`` for all of a plate's wells, ``("handler",)``...; None for a plain value."""
    if isinstance(obj, _P["LiquidHandler"]):
        return ("handler",)
    if obj is deck:
        return ("deck",)
    if isinstance(obj, list | tuple) and obj:
        parents = {id(getattr(x, "parent", None)) for x in obj}
        parent = getattr(obj[0], "parent", None)
        if len(parents) == 1 and parent is not None and hasattr(parent, "get_all_items") \
                and list(obj) == list(parent.get_all_items()):
            return ("items", parent.name)
        if len(obj) == 1 and kind_of(obj[0]) is not None:
            return ("list", obj[0].name)
        return None
    if isinstance(obj, _P["Trash"]) and obj is deck.get_trash_area():
        return ("trash",)
    if isinstance(obj, _P["Well"] | _P["TipSpot"]) and obj.parent is not None:
        return ("item", obj.parent.name, obj.parent.get_child_identifier(obj))
    if isinstance(obj, _P["Resource"]):
        return ("labware", obj.name)
    return None
