"""Drop targets: where on a deck labware and carriers can go, as plain data.

The deck view draws what :func:`~praxis_lab.deck.layout.layout` gives; to edit, it also
needs the places a drag can end on: every carrier site (with what it holds), every OT-2
slot, the rails, and which labware a protocol parameter is bound to. Positions are
absolute deck coordinates in mm, like the layout's.

>>> from praxis_lab.deck.editor import DeckEditor
>>> from praxis_lab.protocol.analyse import analyse
>>> editor = DeckEditor.propose(analyse("async def p(lh: LiquidHandler, src: Plate): ..."))
>>> data = targets(editor.deck, editor.bound())
>>> data["kind"], data["rails"], data["sites"][0]["carrier"], data["sites"][0]["holds"]
('carrier', 32, 'plt_car_1', 'src')
>>> data["labware"]
[{'name': 'src', 'kind': 'plate', 'factory': 'cor_96_wellplate_360uL_Fb', 'parameter': 'src'}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import DECKS, deck_factory, kind_of

__all__ = ["targets"]

_P = _plr.PLR


def _box(res: Any) -> dict[str, float]:
    at = res.get_absolute_location()
    return {"x": round(at.x, 2), "y": round(at.y, 2), "size_x": round(res.get_size_x(), 2),
            "size_y": round(res.get_size_y(), 2)}


def _holds(holder: Any) -> str | None:
    return None if holder.resource is None else str(holder.resource.name)


def targets(deck: Any, bound: Mapping[str, str]) -> dict[str, Any]:
    """Sites, slots, rails, carriers and labware of ``deck``; ``bound`` maps labware names
    to the parameter bound to them."""
    kind = _plr.deck_kind(deck)
    out: dict[str, Any] = {"kind": kind, "deck": deck_factory(deck), "decks": list(DECKS),
                           "rails": getattr(deck, "num_rails", None),
                           "sites": [], "slots": [], "carriers": [], "labware": []}
    for child in deck.children:
        if not isinstance(child, _P["Carrier"]):
            continue
        rails = None
        if hasattr(deck, "rails_to_location") and child.location is not None:
            rails = round((child.location.x - 100.0) / 22.5) + 1
        holds = [r.name for r in child.get_resources()]
        out["carriers"].append({"name": child.name, "factory": getattr(child, "model", None),
                                "rails": rails, "holds": holds,
                                "bound": [n for n in holds if n in bound], **_box(child)})
        for index, site in sorted(child.sites.items()):
            out["sites"].append({"carrier": child.name, "site": index, "holds": _holds(site),
                                 "plate_site": isinstance(site, _P["PlateHolder"]),
                                 **_box(site)})
    for number, holder in enumerate(getattr(deck, "_slot_holders", None) or [], start=1):
        out["slots"].append({"slot": number, "holds": _holds(holder), **_box(holder)})
    for res in deck.get_all_children():
        found = kind_of(res)
        if found is not None and found != "carrier" and res.parent is not None and (
                _plr.is_site(res.parent) or res.parent is deck):
            out["labware"].append({"name": res.name, "kind": found,
                                   "factory": getattr(res, "model", None),
                                   "parameter": bound.get(res.name)})
    return out
