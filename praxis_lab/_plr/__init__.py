"""The PyLabRobot adapter: the only module of praxis_lab that imports ``pylabrobot``.

Everything praxis_lab knows about PLR's ``LiquidHandler`` API is *read* from the
installed package with :mod:`inspect` (names, parameters, defaults, which are
required), so it cannot drift from the pinned ``pylabrobot==0.2.2``. What inspect
cannot tell (an operation's effect on deck state) lives in ``simulate.py``.

>>> ops = catalogue()
>>> ops["aspirate"].required
('resources', 'vols')
>>> parental_chain("Well")
['Plate', 'PlateCarrier', 'Deck']
"""

from __future__ import annotations

import difflib
import functools
import warnings
from typing import Any

from praxis_lab._plr.handler import ipython_hidden
from praxis_lab._plr.signatures import MISSING, BindError, OpSpec, ParamSpec

# Only the labware side of PLR is imported here: its liquid-handling package (backends,
# plate readers, numpy: most of PLR's import time) comes in when something asks for it
# (praxis_lab._plr.handler).
with ipython_hidden():
    import pylabrobot.resources as plr_resources
    from pylabrobot.resources import (
        Carrier,
        Container,
        Coordinate,
        Deck,
        ItemizedResource,
        Lid,
        Liddable,
        OTDeck,
        Plate,
        PlateCarrier,
        PlateHolder,
        Resource,
        ResourceHolder,
        TipCarrier,
        TipRack,
        TipSpot,
        Trash,
        Trough,
        TroughCarrier,
        Tube,
        TubeRack,
        Well,
    )
    from pylabrobot.resources import errors as plr_errors
    from pylabrobot.resources.hamilton import HamiltonDeck
    from pylabrobot.resources.tip_tracker import TipTracker
    from pylabrobot.resources.volume_tracker import VolumeTracker

from praxis_lab._plr.handler import (
    HandlerModel,
    backend_name,
    catalogue,
    handler_class,
    handler_imported,
    is_handler,
    machine_attributes,
    new_handler,
    plr_version,
    quiet_logging,
    refuses_tip,
)

__all__ = [
    "MISSING",
    "BindError",
    "HandlerModel",
    "OpSpec",
    "ParamSpec",
    "any_lid",
    "backend_name",
    "base_type",
    "catalogue",
    "closest_methods",
    "deck_kind",
    "default_labware",
    "error_class",
    "handler_class",
    "handler_imported",
    "is_handler",
    "is_site",
    "labware",
    "machine_attributes",
    "new_handler",
    "parental_chain",
    "placed_chain",
    "plr_version",
    "quiet_logging",
    "refuses_tip",
    "resolve_type",
]


class _Classes(dict[str, Any]):
    """PLR's classes by name; ``"LiquidHandler"`` imports its package when first asked for
    (prefer :func:`is_handler`, which does not)."""

    def __missing__(self, name: str) -> Any:
        if name == "LiquidHandler":
            self[name] = handler_class()
            return self[name]
        raise KeyError(name)


# Re-exported PLR classes for the rest of the package (keeps every PLR import here).
PLR = _Classes({
    "Carrier": Carrier, "Container": Container, "Coordinate": Coordinate, "Deck": Deck,
    "ItemizedResource": ItemizedResource, "Lid": Lid, "Liddable": Liddable,
    "OTDeck": OTDeck,
    "Plate": Plate, "PlateCarrier": PlateCarrier, "PlateHolder": PlateHolder,
    "Resource": Resource,
    "TipCarrier": TipCarrier, "TipRack": TipRack, "TipSpot": TipSpot, "Trash": Trash,
    "Trough": Trough, "TroughCarrier": TroughCarrier, "Tube": Tube, "TubeRack": TubeRack,
    "Well": Well, "TipTracker": TipTracker, "VolumeTracker": VolumeTracker,
})


# Names people reach for that PLR 0.2.2 does not have, and what does that job.
# (Knowledge inspect cannot give; every target is checked against the catalogue.)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "transfer_96": ("stamp", "aspirate96", "dispense96"),
    "transfer96": ("stamp", "aspirate96", "dispense96"),
    "mix": ("aspirate", "dispense"),
    "blow_out": ("dispense",),
    "pick_up_tip": ("pick_up_tips",),
    "drop_tip": ("drop_tips",),
    "return_tip": ("return_tips",),
    "discard_tip": ("discard_tips",),
    "move_labware": ("move_resource", "move_plate"),
}


def closest_methods(name: str, n: int = 3) -> list[str]:
    """The real operation names closest to ``name`` (for ``unknown_method`` fixes).

    >>> closest_methods("transfer_96")
    ['stamp', 'aspirate96', 'dispense96']
    """
    return list(_closest(name, n))


@functools.lru_cache(maxsize=256)
def _closest(name: str, n: int) -> tuple[str, ...]:
    ops = catalogue()
    found = [op for op in _SYNONYMS.get(name.lower(), ()) if op in ops]
    for op in difflib.get_close_matches(name, sorted(ops), n=n, cutoff=0.5):
        if op not in found:
            found.append(op)
    return tuple(found[:n])


def error_class(name: str) -> type[Exception]:
    """The exception class PLR 0.2.2 raises, by name (its own errors, or a builtin)."""
    import builtins

    from praxis_lab._plr import machines

    found = getattr(plr_errors, name, None) or machines.error(name) or getattr(builtins, name,
                                                                               None)
    return found if isinstance(found, type) and issubclass(found, Exception) else RuntimeError


# --- resource hierarchy --------------------------------------------------------

_CARRIER_OF: list[tuple[type, str]] = [
    (Plate, "PlateCarrier"),
    (TipRack, "TipCarrier"),
    (Trough, "TroughCarrier"),
    (TubeRack, "PlateCarrier"),
]
_ITEM_PARENT: list[tuple[type, str]] = [
    (Well, "Plate"),
    (TipSpot, "TipRack"),
    (Tube, "TubeRack"),
]


@functools.cache
def resolve_type(name: str) -> type | None:
    """The PLR class called ``name`` (``"Well"``, ``"STARLetDeck"``...), or None."""
    obj = getattr(plr_resources, name, None)
    if isinstance(obj, type):
        return obj
    if name == "LiquidHandler":
        return handler_class()
    return None


def parental_chain(type_name: str, deck: str = "carrier") -> list[str]:
    """The chain of parents from a resource type up to the deck (seed 002).

    ``deck`` is ``"carrier"`` (Hamilton-style rails) or ``"slot"`` (OT-2 style).

    >>> parental_chain("TipSpot")
    ['TipRack', 'TipCarrier', 'Deck']
    >>> parental_chain("Well", deck="slot")
    ['Plate', 'Slot', 'Deck']
    """
    cls = resolve_type(type_name)
    if cls is None:
        return []
    chain: list[str] = []
    for item, parent in _ITEM_PARENT:
        if issubclass(cls, item):
            chain.append(parent)
            cls = resolve_type(parent) or cls
            break
    if issubclass(cls, Deck):
        return chain
    if issubclass(cls, Carrier):
        return [*chain, "Deck"]
    if deck == "slot":
        return [*chain, "Slot", "Deck"]
    for labware_cls, carrier in _CARRIER_OF:
        if issubclass(cls, labware_cls):
            return [*chain, carrier, "Deck"]
    if issubclass(cls, Container | Trash):
        return [*chain, "Deck"]
    return chain


# The PLR classes a resource is named by in the graph, most specific first.
_BASE_TYPES: tuple[type, ...] = (
    Well, TipSpot, Tube, Trash, Plate, TipRack, Trough, TubeRack, PlateCarrier, TipCarrier,
    TroughCarrier, Carrier, Deck, Container)


def base_type(resource: Any) -> str:
    """The PLR type a resource is an instance of, as a protocol would annotate it.

    >>> base_type(labware("cor_96_wellplate_360uL_Fb", "p"))
    'Plate'
    """
    for cls in _BASE_TYPES:
        if isinstance(resource, cls):
            return cls.__name__
    return type(resource).__name__


def placed_chain(resource: Any) -> list[str]:
    """The real parents of a placed resource up to its deck, carrier sites left out.

    The counterpart of :func:`parental_chain` for labware found on a deck rather than
    declared: it reads where the resource really sits.

    >>> deck = new_handler().deck
    >>> car = plr_resources.PLT_CAR_L5AC_A00(name="car")
    >>> car[0] = plate = labware("cor_96_wellplate_360uL_Fb", "p")
    >>> deck.assign_child_resource(car, rails=8)
    >>> placed_chain(plate)
    ['PlateCarrier', 'Deck']
    """
    chain: list[str] = []
    parent = getattr(resource, "parent", None)
    while parent is not None:
        if isinstance(parent, Deck):
            chain += ["Slot", "Deck"] if deck_kind(parent) == "slot" else ["Deck"]
            break
        if not is_site(parent):
            chain.append(base_type(parent))
        parent = getattr(parent, "parent", None)
    return chain


def is_site(resource: Any) -> bool:
    """A carrier's site (PLR's ResourceHolder, PlateHolder): a place, not labware."""
    return isinstance(resource, ResourceHolder)


def is_lid_type(cls: type) -> bool:
    """Whether ``cls`` is PLR's ``Lid`` (or a subclass)."""
    from pylabrobot.resources.lid import Lid

    return isinstance(cls, type) and issubclass(cls, Lid)


def any_lid(roots: list[Any]) -> bool:
    """Whether a lid sits anywhere in these resources' trees."""
    from pylabrobot.resources.lid import Lid

    for root in roots:
        if isinstance(root, Lid) or any(
                isinstance(c, Lid) for c in getattr(root, "get_all_children", list)()):
            return True
    return False


def deck_kind(deck: Any) -> str:
    """``"slot"`` for slot-based decks (OTDeck), ``"carrier"`` for rail decks."""
    if isinstance(deck, OTDeck):
        return "slot"
    if isinstance(deck, HamiltonDeck):
        return "carrier"
    return "slot" if hasattr(deck, "slots") else "carrier"


# --- labware ---------------------------------------------------------------------

DEFAULT_LABWARE: dict[str, str] = {
    "Plate": "cor_96_wellplate_360uL_Fb",
    "TipRack": "hamilton_96_tiprack_1000uL_filter",
    "Trough": "hamilton_1_trough_200ml_Vb",
    "Container": "hamilton_1_trough_200ml_Vb",
}


DEFAULT_384 = "BioRad_384_wellplate_50uL_Vb"
DEFAULT_TROUGHS = "nest_1_troughplate_195000uL_Vb"


def tube_rack(name: str, tubes: int | None = None, tube_names: str | None = None) -> Resource:
    """A 24-place rack of 1.5 mL tubes (the first ``tubes``, all when None), for a ``Tube``
    or ``TubeRack`` parameter without a setup; the tubes are named ``{tube_names}`` (one)
    or ``{tube_names}_{i}``."""
    from pylabrobot.resources import eppendorf_tube_1500uL_Vb
    from pylabrobot.resources.opentrons.tube_racks import (
        opentrons_24_tuberack_generic_1point5ml_snapcap_short as rack_of,
    )

    rack = rack_of(name=name)
    count = len(rack.get_all_items()) if tubes is None else tubes
    stem = tube_names or name
    for i in range(count):
        rack[i] = eppendorf_tube_1500uL_Vb(name=stem if count == 1 and tubes == 1 else
                                           f"{stem}_{i + 1}")
    return rack


def labware(factory: str, name: str) -> Resource:
    """Create PLR labware by its factory name, e.g. ``labware("cor_96_wellplate_360uL_Fb", "src")``.

    Raises ``KeyError`` naming the closest known factories when the name is unknown.
    """
    fn = getattr(plr_resources, factory, None)
    if fn is None or not callable(fn) or isinstance(fn, type):
        names = [n for n in dir(plr_resources) if not n.startswith("_")]
        close = difflib.get_close_matches(factory, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown PLR labware {factory!r}{hint}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        res = fn(name=name)
    if not isinstance(res, Resource):
        raise KeyError(f"{factory!r} is not a labware factory")
    return res


def default_labware(type_name: str, name: str, wells: int = 96) -> Resource | None:
    """The labware used for a parameter annotated ``type_name`` when no setup is given
    (a plate of 384 wells when the protocol names wells beyond H12, a one-trough reservoir
    plate when it sends several channels into one of its wells)."""
    cls = resolve_type(type_name)
    if cls is None:
        return None
    if wells in (384, 1) and issubclass(cls, Plate):  # 1: a reservoir, one trough
        return labware(DEFAULT_384 if wells == 384 else DEFAULT_TROUGHS, name)
    if type_name in DEFAULT_LABWARE:
        return labware(DEFAULT_LABWARE[type_name], name)
    for base in (TipRack, Plate, Trough):  # a subclass takes its base's labware
        if issubclass(cls, base):
            return labware(DEFAULT_LABWARE[base.__name__], name)
    return None
