"""Start volumes: what a protocol needs in each well, and what a new labware keeps.

>>> from praxis_lab.deck.plan import DeckPlan, LabwarePlan
>>> plan = DeckPlan("STARLetDeck", [], [LabwarePlan("src", "cor_96_wellplate_360uL_Fb",
...                 "plate")], {"src": ("labware", "src")})
>>> require(plan, {"parameter": "src", "well": "A1", "min_volume": 100.0})
>>> plan.labware[0].volumes
{'A1': 100.0}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import factories
from praxis_lab.deck.plan import DeckPlan

__all__ = ["carry", "require", "targets"]

_P = _plr.PLR


def require(plan: DeckPlan, row: Mapping[str, Any]) -> None:
    """Fill the well of one requirement row ``{"parameter", "well", "min_volume"}``, at most
    with what the well holds (PLR's ``max_volume``: a protocol that needs more than that
    fails on the filled deck as it did without one)."""
    binder = plan.params.get(str(row.get("parameter")))
    if binder is None or binder[0] not in ("labware", "items", "item", "list"):
        return
    well = binder[2] if binder[0] == "item" else str(row.get("well"))
    well = "" if well == row.get("parameter") else well
    for lw in plan.labware:
        if lw.name == binder[1]:
            entry = factories().get(lw.factory or "")
            most = entry.max_volume if entry is not None and entry.max_volume else float("inf")
            need = min(float(row["min_volume"]), most)
            lw.volumes[well] = max(lw.volumes.get(well, 0.0), need)


def carry(old: Any, new: Any) -> list[str]:
    """Give ``new`` the start volumes of ``old``, well by well, at most what ``new`` holds;
    what could not be kept, in words."""
    notes = []
    pairs: list[tuple[str, Any, Any]] = []
    if isinstance(old, _P["Plate"]) and isinstance(new, _P["Plate"]):
        have = {new.get_child_identifier(w): w for w in new.get_all_items()}
        for well in old.get_all_items():
            ident = old.get_child_identifier(well)
            pairs.append((ident, well, have.get(ident)))
    elif isinstance(old, _P["Container"]) and isinstance(new, _P["Container"]):
        pairs.append(("", old, new))
    for ident, was, now in pairs:
        volume = float(was.tracker.get_used_volume())
        if not volume:
            continue
        if now is None:
            notes.append(f"{old.name}[{ident}] had {volume:g} µL: the new labware has no {ident}")
            continue
        most = float(now.max_volume)
        if volume > most:
            notes.append(f"{old.name}[{ident}] had {volume:g} µL; it holds {most:g} µL now")
        now.tracker.set_volume(min(volume, most))
    return notes


def targets(res: Any, volume: Any, wells: list[str] | None = None) -> list[Any]:
    """The wells (or the trough) of ``res`` a start volume goes in; ValueError saying why
    not (no such well, not a container, a volume below 0 or above PLR's ``max_volume``)."""
    if isinstance(res, _P["Plate"]):
        ids = wells or [res.get_child_identifier(w) for w in res.get_all_items()]
        try:
            found = [res.get_well(i) for i in ids]
        except Exception as exc:  # PLR names the identifier it cannot find
            raise ValueError(str(exc)) from None
    elif isinstance(res, _P["Container"]) and not wells:
        found = [res]
    else:
        raise ValueError(f"{res.name} is a {type(res).__name__}: start volumes go in the "
                         "wells of a plate or in a trough")
    if isinstance(volume, bool) or not isinstance(volume, int | float) or volume < 0:
        raise ValueError(f"a volume is a number of µL >= 0, not {volume!r}")
    most = min(float(t.max_volume) for t in found)
    if volume > most:
        raise ValueError(f"{volume:g} µL is more than {res.name} holds in a well "
                         f"({most:g} µL, PLR's max_volume)")
    return found
