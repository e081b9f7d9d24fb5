"""The proposed deck: without a setup, a STARLet with each parameter's default labware.

Tip racks go on ``TIP_CAR_480_A00``, plates on ``PLT_CAR_L5AC_A00``, troughs on
``Trough_CAR_4R200_A00``, carrier after carrier from rail 1, so a protocol runs against
real PLR geometry. One proposal per parameter signature is kept for the process, and
frozen into the user cache directory (:mod:`praxis_lab._plr.frozen`): a process that has not
imported PLR's liquid-handling package reads it back instead of building a handler.

>>> from praxis_lab.protocol.analyse import analyse
>>> proposer, made = proposal(analyse("async def p(lh: LiquidHandler, src: Plate): ..."))
>>> plate = default_for(analyse("async def p(lh: LiquidHandler, src: Plate): ...").params[1],
...                     Proposer())
>>> type(plate).__name__, type(plate.parent.parent).__name__
('Plate', 'PlateCarrier')
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from praxis_lab import _plr, cachedir
from praxis_lab._plr.default_machines import default_machine
from praxis_lab._plr.frozen import freeze, thaw
from praxis_lab.deck.wells import shared_wells, wide_wells
from praxis_lab.protocol.analyse import Parameter, ProtocolInfo

__all__ = ["Proposer", "default_for", "forget_frozen", "keep", "proposal"]

_P = _plr.PLR
_CARRIER_FOR = (
    (_P["TipRack"], "TIP_CAR_480_A00"),
    (_P["Plate"], "PLT_CAR_L5AC_A00"),
    (_P["Trough"], "Trough_CAR_4R200_A00"),
    (_P["TubeRack"], "PLT_CAR_L5AC_A00"),
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
        self.beside_y = 0.0  # where the next machine beside the deck goes
        self.sealed = False  # set once bind() has placed the parameters' labware
        self.changed = False  # something was (un)assigned after that: a protocol's doing
        deck.register_did_assign_resource_callback(self._changed)
        deck.register_did_unassign_resource_callback(self._changed)
        self.key: str | None = None  # the parameter signature it was made for (its digest)
        self.kept = False  # frozen into the cache (or read back from it)
        self.wide: set[str] = set()  # plate parameters whose wells go beyond H12: 384 wells
        self.shared: set[str] = set()  # plate parameters with a well several channels share

    def __repr__(self) -> str:
        return f"<Proposer rail {self.rail}, carriers {sorted(self.carriers)}>"

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

    def place_machine(self, machine: Any) -> None:
        """A machine stands beside the deck, right of it, one after another from the front
        (``lh.move_plate`` reaches a machine placed there, as on a real system)."""
        if not hasattr(machine, "get_size_y"):
            return  # a sealer or a peeler: not a place plates are put
        deck = self.handler.deck
        y = self.beside_y
        deck.assign_child_resource(machine, location=_plr.PLR["Coordinate"](
            deck.get_size_x() + 20.0, y, 0.0))
        self.beside_y = y + machine.get_size_y() + 20.0


def default_for(p: Parameter, proposer: Proposer) -> Any:
    et = p.element_type or ""
    if p.kind == "device":
        machine = default_machine(et, p.name)
        if machine is not None:
            proposer.place_machine(machine)
        return machine
    cls = _plr.resolve_type(et)
    if cls is None:
        return None
    if issubclass(cls, _P["Deck"]):
        return proposer.handler.deck
    if issubclass(cls, _P["Trash"]):
        return proposer.handler.deck.get_trash_area()
    if issubclass(cls, _P["TubeRack"]) or et == "Tube":
        return _tubes(p, proposer)
    item_parent = {"Well": "Plate", "TipSpot": "TipRack"}
    for item, parent in item_parent.items():
        if et == item:
            name = p.name if p.is_container else f"{p.name}_{parent.lower()}"
            owner = _plr.default_labware(parent, name)
            proposer.place(owner)
            items = owner.get_all_items()  # type: ignore[union-attr]
            return items if p.is_container else items[0]
    wells = 384 if p.name in proposer.wide else 1 if p.name in proposer.shared else 96
    res = _plr.default_labware(et, p.name, wells=wells)
    if res is None:
        return None
    proposer.place(res)
    if p.is_container:
        return [res]
    return res


def _tubes(p: Parameter, proposer: Proposer) -> Any:
    """A ``TubeRack`` (full of 1.5 mL tubes), a ``Tube`` (in a rack of its own) or a
    ``list[Tube]`` (a full rack's tubes) on a plate carrier."""
    if p.element_type != "Tube":
        rack = _plr.tube_rack(p.name)
        proposer.place(rack)
        return [rack] if p.is_container else rack
    rack = _plr.tube_rack(f"{p.name}_rack", None if p.is_container else 1, p.name)
    proposer.place(rack)
    tubes = [h.resource for h in rack.get_all_items() if h.resource is not None]
    return tubes if p.is_container else tubes[0]


_PROPOSALS: OrderedDict[tuple[Any, ...], tuple[Proposer, dict[str, Any]]] = OrderedDict()
_THAW = [True]  # cleared when a frozen handler was asked for more than it holds
_HANDLER, _PROPOSER = "\0handler", "\0proposer"


def proposal(info: ProtocolInfo) -> tuple[Proposer, dict[str, Any]]:
    """The proposed deck for these parameters, built once per process and reused.

    Simulation never changes the labware (state lives in ``State``; trackers touched by a
    protocol are recorded, not run), so protocols with the same labware parameters share
    one proposal: building a STARLet and its labware costs ~10 ms. A protocol that
    assigns or unassigns labware itself changes the deck: the next simulation gets a
    new one.
    """
    plates = {p.name for p in info.params if p.kind == "labware"}
    wide = frozenset(wide_wells(info.source, plates)) if plates else frozenset()
    shared = frozenset(shared_wells(info.source, plates) - wide) if plates else frozenset()
    key = (*((p.name, p.annotation, p.is_container) for p in info.params
             if p.kind in ("machine", "device", "labware", "unknown")), ("384", *sorted(wide)),
           ("troughs", *sorted(shared)))
    found = _PROPOSALS.get(key)
    if found is None or found[0].changed:
        digest = hashlib.sha256(repr(key).encode()).hexdigest()
        found = (_thawed(digest) if found is None else None) or _fresh(digest)
        found[0].wide, found[0].shared = set(wide), set(shared)
        _PROPOSALS[key] = found
        while len(_PROPOSALS) > 16:
            _PROPOSALS.popitem(last=False)
    return found


def _fresh(digest: str) -> tuple[Proposer, dict[str, Any]]:
    proposer = Proposer()
    proposer.key = digest
    return proposer, {}


def _thawed(digest: str) -> tuple[Proposer, dict[str, Any]] | None:
    """The proposal frozen by an earlier process, in one that has not imported PLR's
    liquid-handling package (else building one is as quick)."""
    if not _THAW[0] or not cachedir.enabled() or _plr.handler_imported():
        return None
    data = cachedir.read(_environment(), "proposals", digest)
    back = thaw(data) if data is not None else None
    if back is None or not isinstance(back.get(_PROPOSER), Proposer):
        return None
    proposer = back.pop(_PROPOSER)
    back.pop(_HANDLER, None)
    return proposer, back


def keep(proposer: Proposer, made: dict[str, Any]) -> None:
    """Freeze a proposal built in this process once ``bind`` has placed its labware (the
    next process reads it back: see :func:`proposal`)."""
    if proposer.kept or proposer.key is None or proposer.changed or not cachedir.enabled():
        return
    proposer.kept = True
    env = _environment()
    if cachedir.read(env, "proposals", proposer.key) is None:
        data = freeze({_HANDLER: proposer.handler, _PROPOSER: proposer, **made})
        if data is not None:
            cachedir.write(env, "proposals", proposer.key, data)


def forget_frozen() -> None:
    """Build proposals from now on (a frozen handler was asked for more than it holds), and
    drop the ones kept with a frozen handler."""
    _THAW[0] = False
    for key in [k for k, (p, _) in _PROPOSALS.items() if isinstance(p.handler,
                                                                       _plr.HandlerModel)]:
        del _PROPOSALS[key]


def _environment() -> str:
    return cachedir.environment(_plr.plr_version())
