"""Labware fixes: the protocol's volumes kept, the setup's labware changed for one of the same
maker and kind that holds them (a deeper plate, a bigger tube, bigger tips) or that the
device takes (tips its channels can pick up).

The setup's factory call is renamed where it is made (``cor_96_wellplate_360uL_Fb(name=
"dest")`` → ``cor_96_wellplate_2mL_Vb(name="dest")``) and the new factory imported; the
replacement has the same layout and footprint (within 2 mm), so the deck and every well the
protocol names stay where they were.
"""

from __future__ import annotations

import ast
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.family import Member, member, relatives
from praxis_lab.fixes.codemod import Fix
from praxis_lab.fixes.site import Failure, setup_function
from praxis_lab.sim.state import _n

__all__ = ["bigger_container", "bigger_tips", "tips_the_channels_take"]

_FOOTPRINT = 2.0  # mm a replacement may differ from the labware it replaces, on each axis


def bigger_container(f: Failure) -> Fix | None:
    """``over_capacity``: the destination's labware with wells that hold what goes in."""
    # what was in it at the start, and every call's volume (a loop pooling into it: all)
    calls = f.calls_into_one()
    start = f.report.timeline.get("initial", {}).get(f.d.get("well"), 0.0)
    start = float(start) if isinstance(start, int | float) else 0.0
    need = (start if calls > 1 else float(f.d.get("max", 0)) - float(f.d.get("free", 0))) \
        + float(f.d.get("volume", 0)) * calls
    made = _made_in_setup(f, str(f.d.get("well", "")).partition("[")[0])
    if made is None or need <= 0:
        return None
    line, factory = made
    found = _pick(relatives(factory), member(factory), lambda m: m.volume >= need)
    if found is None:
        return None
    return _swap(f, line, factory, found, f"use {found.factory} for {_owner(f)} in setup "
                 f"{f.setup} (wells of {_n(found.volume)} µL; up to {_n(need)} µL go into one)")


def bigger_tips(f: Failure) -> Fix | None:
    """``tip_volume_exceeded``: a rack of the same layout whose tips hold what is aspirated,
    that the handler's channels take."""
    need = float(f.d.get("volume", 0)) + float(f.d.get("max", 0)) - float(f.d.get("room", 0))
    owner = str(f.d.get("origin") or "").partition("[")[0]
    made = _made_in_setup(f, owner)
    if made is None or need <= 0:
        return None
    line, factory = made
    found = _pick(relatives(factory), member(factory),
                  lambda m: m.volume >= need and _takes(f, m.factory), filtered=factory)
    if found is None:
        return None
    return _swap(f, line, factory, found, f"use {found.factory} for {owner} in setup "
                 f"{f.setup} (tips of {_n(found.volume)} µL hold the {_n(need)} µL)")


def tips_the_channels_take(f: Failure) -> Fix | None:
    """A refused tip (``wrong_resource``, PLR: "Cannot pick up tips on channels"): the
    biggest tips of the same maker the channels take."""
    owner = f.mode.resources[0].partition("[")[0] if f.mode.resources else ""
    made = _made_in_setup(f, owner)
    if made is None:
        return None
    line, factory = made
    taken = [m for m in relatives(factory) if _takes(f, m.factory)]
    if not taken:
        return None
    found = max(taken, key=lambda m: (m.volume, ("filter" in m.factory) == (
        "filter" in factory)))
    return _swap(f, line, factory, found, f"use {found.factory} for {owner} in setup "
                 f"{f.setup}: tips of {_n(found.volume)} µL, the biggest its channels take")


def _owner(f: Failure) -> str:
    return str(f.d.get("well", "")).partition("[")[0]


def _pick(members: tuple[Member, ...], original: Member | None, fits: Any,
          filtered: str | None = None) -> Member | None:
    """The smallest member with the original's layout and footprint for which ``fits``."""
    if original is None:
        return None
    same = [m for m in members if m.items == original.items and
            abs(m.size_x - original.size_x) <= _FOOTPRINT and
            abs(m.size_y - original.size_y) <= _FOOTPRINT and fits(m)]
    if filtered is not None:  # a filter tip for a filter tip, when there is one
        alike = [m for m in same if ("filter" in m.factory) == ("filter" in filtered)]
        same = alike or same
    return min(same, key=lambda m: m.volume, default=None)


def _takes(f: Failure, factory: str) -> bool:
    """Whether the handler's channels pick up the tips of ``factory``."""
    try:
        rack = _plr.labware(factory, "_probe")
        return not _plr.refuses_tip(f.binding.handler, 0, rack.get_item(0))
    except Exception:
        return False


def _made_in_setup(f: Failure, owner: str) -> tuple[int, str] | None:
    """Where the setup makes the labware bound to ``owner`` with a PLR factory: the line of
    the call and the factory's name (found by the PLR name it is given)."""
    setup = f.setup
    if setup is None or not owner:
        return None
    obj = f.binding.objects.get(owner)
    name = getattr(obj, "name", None) or owner
    fn = setup_function(f.source, setup)
    assert fn is not None
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and any(
                kw.arg == "name" and isinstance(kw.value, ast.Constant) and
                kw.value.value == name for kw in node.keywords):
            return node.lineno, node.func.id
    return None


def _swap(f: Failure, line: int, old: str, new: Member, description: str) -> Fix:
    return Fix("replace_expr", description, line, new=new.factory, arg=old,
               also=(Fix("add_import", "", new=f"from pylabrobot.resources import "
                                               f"{new.factory}\n"),))
