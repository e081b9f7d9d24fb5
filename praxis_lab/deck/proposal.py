"""The proposed deck: without a setup, a STARLet with each parameter's default labware.

Tip racks go on ``TIP_CAR_480_A00``, plates on ``PLT_CAR_L5AC_A00``, troughs on
``Trough_CAR_4R200_A00``, carrier after carrier from rail 1, so a protocol runs against
real PLR geometry. One proposal per parameter signature is kept for the process.

>>> from praxis_lab.protocol.analyse import analyse
>>> proposer, made = proposal(analyse("async def p(lh: LiquidHandler, src: Plate): ..."))
>>> plate = default_for(analyse("async def p(lh: LiquidHandler, src: Plate): ...").params[1],
...                     Proposer())
>>> type(plate).__name__, type(plate.parent.parent).__name__
('Plate', 'PlateCarrier')
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from praxis_lab import _plr
from praxis_lab.protocol.analyse import Parameter, ProtocolInfo

__all__ = ["Proposer", "default_for", "proposal"]

_P = _plr.PLR
_CARRIER_FOR = (
    (_P["TipRack"], "TIP_CAR_480_A00"),
    (_P["Plate"], "PLT_CAR_L5AC_A00"),
    (_P["Trough"], "Trough_CAR_4R200_A00"),
)
_RAIL_STEP = 6  # a 135 mm carrier spans 6 rails of 22.5 mm


class Proposer:
    """Places default labware on carriers of a fresh STARLet deck."""

    def __init__(self) -> None:
        self.handler = _plr.new_handler()
        deck = self.handler.deck
        check = getattr(deck, "_check_safe_z_height", None)
        if check is not None:  # only logs height warnings, and costs ~130 ms per plate
            deck.deregister_did_assign_resource_callback(check)
        self.carriers: dict[str, list[Any]] = {}
        self.rail = 1
        self.sealed = False  # set once bind() has placed the parameters' labware
        self.changed = False  # something was (un)assigned after that: a protocol's doing
        deck.register_did_assign_resource_callback(self._changed)
        deck.register_did_unassign_resource_callback(self._changed)

    def _changed(self, resource: Any) -> None:
        if self.sealed:
            self.changed = True

    def place(self, res: Any) -> None:
        factory = next((f for cls, f in _CARRIER_FOR if isinstance(res, cls)), None)
        if factory is None:
            return
        carriers = self.carriers.setdefault(factory, [])
        for carrier in carriers:
            for site in carrier.sites.values() if isinstance(carrier.sites, dict) else carrier:
                if site.resource is None:
                    site.assign_child_resource(res)
                    return
        carrier = _plr.labware(factory, f"{factory.split('_')[0].lower()}_car_{len(carriers) + 1}")
        if self.rail + _RAIL_STEP - 1 > self.handler.deck.num_rails:
            return  # deck full: the resource stays off-deck and simulation flags it
        self.handler.deck.assign_child_resource(carrier, rails=self.rail)
        self.rail += _RAIL_STEP
        carriers.append(carrier)
        carrier[0] = res


def default_for(p: Parameter, proposer: Proposer) -> Any:
    et = p.element_type or ""
    cls = _plr.resolve_type(et)
    if cls is None:
        return None
    if issubclass(cls, _P["Deck"]):
        return proposer.handler.deck
    if issubclass(cls, _P["Trash"]):
        return proposer.handler.deck.get_trash_area()
    item_parent = {"Well": "Plate", "TipSpot": "TipRack"}
    for item, parent in item_parent.items():
        if et == item:
            name = p.name if p.is_container else f"{p.name}_{parent.lower()}"
            owner = _plr.default_labware(parent, name)
            proposer.place(owner)
            items = owner.get_all_items()  # type: ignore[union-attr]
            return items if p.is_container else items[0]
    res = _plr.default_labware(et, p.name)
    if res is None:
        return None
    proposer.place(res)
    if p.is_container:
        return [res]
    return res


_PROPOSALS: OrderedDict[tuple[Any, ...], tuple[Proposer, dict[str, Any]]] = OrderedDict()


def proposal(info: ProtocolInfo) -> tuple[Proposer, dict[str, Any]]:
    """The proposed deck for these parameters, built once per process and reused.

    Simulation never changes the labware (state lives in ``State``; trackers touched by a
    protocol are recorded, not run), so protocols with the same labware parameters share
    one proposal: building a STARLet and its labware costs ~10 ms. A protocol that
    assigns or unassigns labware itself changes the deck: the next simulation gets a
    new one.
    """
    key = tuple((p.name, p.annotation, p.is_container) for p in info.params
                if p.kind in ("machine", "labware", "unknown"))
    found = _PROPOSALS.get(key)
    if found is None or found[0].changed:
        found = _PROPOSALS[key] = (Proposer(), {})
        while len(_PROPOSALS) > 16:
            _PROPOSALS.popitem(last=False)
    return found
