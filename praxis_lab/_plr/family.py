"""Labware of the same family: the other sizes PLR 0.2.2 has of one maker's plate, tip rack,
tube or trough (``cor_96_wellplate_360uL_Fb`` → ``cor_96_wellplate_2mL_Vb``), for the fixes
that keep a protocol's volumes and change its labware instead.

Only the factories whose names share the maker and the kind word are built (a few, once
per process), not PLR's whole catalogue.

>>> [(m.factory, m.volume) for m in relatives("cor_96_wellplate_360uL_Fb")][-3:]
[('cor_cos_12_wellplate_6900uL_Fb', 6900.0), ('cor_axy_24_wellplate_10mL_Vb', 10000.0), \
('cor_cos_6_wellplate_16800uL_Fb', 16800.0)]
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import warnings
from dataclasses import dataclass

import pylabrobot.resources as plr_resources
from pylabrobot.resources import Resource, TipRack

__all__ = ["Member", "member", "relatives"]

_KIND = re.compile(r"_(wellplate|tiprack|filtertiprack|troughplate|trough|tuberack|tube)_")


@dataclass(frozen=True)
class Member:
    """One labware of a family: its factory, size (mm), items and the volume of one item."""

    factory: str
    size_x: float
    size_y: float
    items: tuple[int, int]  # columns, rows (0, 0: one container)
    # a well's, a tip's or the container's volume (µL): the smaller of PLR's maximum and
    # the volume the factory's name gives (PLR computes a well's maximum from its geometry:
    # "cor_falcon_96_wellplate_275uL_Fb" would hold 489 µL to the brim)
    volume: float


@functools.lru_cache(maxsize=64)
def relatives(factory: str) -> tuple[Member, ...]:
    """The labware of ``factory``'s maker and kind (itself excluded), smallest volume first."""
    m = _KIND.search(factory)
    if m is None:
        return ()
    maker, kind = factory[:m.start()].split("_")[0], m.group(1)
    names = [n for n in dir(plr_resources) if n != factory and n[:1].islower() and
             n.startswith(maker + "_") and f"_{kind}_" in n and not n.endswith(("_lid", "_Lid"))]
    out = [member_ for n in names if (member_ := member(n)) is not None]
    return tuple(sorted(out, key=lambda x: (x.volume, x.factory)))


@functools.lru_cache(maxsize=256)
def member(factory: str) -> Member | None:
    """What ``factory`` makes (None: not a labware factory that builds offline)."""
    fn = getattr(plr_resources, factory, None)
    if not callable(fn) or isinstance(fn, type):
        return None
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("error", DeprecationWarning)
            res = fn(name="_family")
    except Exception:  # deprecated, needs the network, or not a labware factory
        return None
    if not isinstance(res, Resource):
        return None
    volume = _volume(res)
    named = _named_volume(factory)
    return Member(factory, res.get_size_x(), res.get_size_y(), _items(res),
                  min(volume, named) if named else volume)


def _named_volume(factory: str) -> float | None:
    """The volume a factory's name gives, in µL (``..._2mL_Vb`` → 2000), or None."""
    found = re.search(r"_(\d+)(?:point(\d+))?(uL|ul|mL|ml)(?:_|$)", factory)
    if found is None:
        return None
    value = float(f"{found.group(1)}.{found.group(2) or 0}")
    return value * 1000 if found.group(3).lower() == "ml" else value


def _items(res: Resource) -> tuple[int, int]:
    return (getattr(res, "num_items_x", 0), getattr(res, "num_items_y", 0))


def _volume(res: Resource) -> float:
    if isinstance(res, TipRack):
        return float(res.get_item(0).make_tip().maximal_volume)
    items = getattr(res, "get_all_items", None)
    if callable(items) and items():
        first = items()[0]
        first = getattr(first, "resource", first) or first  # a tube in its rack
        return float(getattr(first, "max_volume", 0.0) or 0.0)
    return float(getattr(res, "max_volume", 0.0) or 0.0)
