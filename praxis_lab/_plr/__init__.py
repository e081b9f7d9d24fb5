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

import contextlib
import difflib
import functools
import logging
import sys
import warnings
from typing import Any

from praxis_lab._plr.signatures import MISSING, BindError, OpSpec, ParamSpec, spec_of

# PyLabRobot's optional audio helpers import IPython (~70 ms) when it is importable. Outside
# a notebook (the CLI) nothing here needs it: hide it for the duration of the import only.
_hide_ipython = "IPython" not in sys.modules
if _hide_ipython:
    sys.modules["IPython"] = None  # type: ignore[assignment]
try:
    import pylabrobot.resources as plr_resources
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.liquid_handling.backends.hamilton.base import HamiltonLiquidHandler
    from pylabrobot.resources import (
        Carrier,
        Container,
        Coordinate,
        Deck,
        ItemizedResource,
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
finally:
    if _hide_ipython:
        del sys.modules["IPython"]

__all__ = [
    "MISSING",
    "BindError",
    "OpSpec",
    "ParamSpec",
    "base_type",
    "catalogue",
    "closest_methods",
    "deck_kind",
    "default_labware",
    "error_class",
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


# Re-exported PLR classes for the rest of the package (keeps every PLR import here).
PLR = {
    "Carrier": Carrier, "Container": Container, "Coordinate": Coordinate, "Deck": Deck,
    "ItemizedResource": ItemizedResource, "LiquidHandler": LiquidHandler, "OTDeck": OTDeck,
    "Plate": Plate, "PlateCarrier": PlateCarrier, "PlateHolder": PlateHolder,
    "Resource": Resource,
    "TipCarrier": TipCarrier, "TipRack": TipRack, "TipSpot": TipSpot, "Trash": Trash,
    "Trough": Trough, "TroughCarrier": TroughCarrier, "Tube": Tube, "TubeRack": TubeRack,
    "Well": Well, "TipTracker": TipTracker, "VolumeTracker": VolumeTracker,
}


def plr_version() -> str:
    """The installed PyLabRobot version (praxis_lab pins 0.2.2)."""
    import pylabrobot

    return str(getattr(pylabrobot, "__version__", "unknown"))


@functools.cache
def catalogue() -> dict[str, OpSpec]:
    """Every operation of the installed ``LiquidHandler``, read with :mod:`inspect`.

    An operation is a public coroutine method or context manager defined by
    ``LiquidHandler`` itself (not inherited from ``Resource``).
    """
    ops: dict[str, OpSpec] = {}
    for name, member in vars(LiquidHandler).items():
        if name.startswith("_") or not callable(member):
            continue
        spec = spec_of(name, member)
        if spec.is_async or spec.context is not None:
            ops[name] = spec
    return ops


@functools.cache
def machine_attributes() -> frozenset[str]:
    """Every attribute name a ``LiquidHandler`` has (methods and instance state)."""
    handler = new_handler()
    return frozenset(dir(handler))


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
    ops = catalogue()
    found = [op for op in _SYNONYMS.get(name.lower(), ()) if op in ops]
    for op in difflib.get_close_matches(name, sorted(ops), n=n, cutoff=0.5):
        if op not in found:
            found.append(op)
    return found[:n]


def error_class(name: str) -> type[Exception]:
    """The exception class PLR 0.2.2 raises, by name (its own errors, or a builtin)."""
    import builtins

    found = getattr(plr_errors, name, None) or getattr(builtins, name, None)
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
        return LiquidHandler
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


def default_labware(type_name: str, name: str) -> Resource | None:
    """The labware used for a parameter annotated ``type_name`` when no setup is given."""
    cls = resolve_type(type_name)
    if cls is None:
        return None
    if type_name in DEFAULT_LABWARE:
        return labware(DEFAULT_LABWARE[type_name], name)
    for base in (TipRack, Plate, Trough):  # a subclass takes its base's labware
        if issubclass(cls, base):
            return labware(DEFAULT_LABWARE[base.__name__], name)
    return None


def refuses_tip(handler: Any, channel: int, spot: Any) -> bool:
    """Whether the handler's backend refuses the tip of ``spot`` on ``channel``: PLR asks
    ``backend.can_pick_up_tip`` before every pick-up (a STAR takes no XL or foreign tips).

    Backends that know their pipettes only once set up (the OT-2) are asked only then.
    """
    backend = getattr(handler, "backend", None)
    if backend is None or not (getattr(handler, "setup_finished", False)
                               or isinstance(backend, HamiltonLiquidHandler)):
        return False
    try:
        return not backend.can_pick_up_tip(channel, spot.make_tip())
    except Exception:  # a backend that cannot say: PLR's own call will tell on the robot
        return False


def quiet_logging() -> None:
    """Skip PLR's INFO records (nothing shows them by default) unless the user set PLR's
    logging up: a logger with handlers (``pylabrobot.setup_logger``, a notebook's own
    handler) is left exactly as configured."""
    plr_log = logging.getLogger("pylabrobot")
    if not plr_log.handlers:
        plr_log.setLevel(logging.WARNING)


def new_handler(deck: Deck | None = None, num_channels: int = 8) -> LiquidHandler:
    """A PLR ``LiquidHandler`` on the chatterbox backend (prints nothing until set up)."""
    from pylabrobot.resources import STARLetDeck

    quiet_logging()
    with contextlib.redirect_stdout(None):
        backend = LiquidHandlerChatterboxBackend(num_channels=num_channels)
    return LiquidHandler(backend=backend, deck=deck if deck is not None else STARLetDeck())
