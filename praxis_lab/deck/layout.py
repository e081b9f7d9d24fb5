"""The deck as plain data: what the deck widget draws and the report stores.

Every carrier, labware, well and tip spot with its position and size (deck
coordinates, mm), its category, the protocol parameter it is bound to, and for
wells and tip spots their volume or tip. Labware bound to a parameter but not on the
handler's deck is placed in a row in front of the deck (y < 0), its entries marked
``off_deck``. Machines on the deck are category ``machine``, and ``machines``
lists every machine of the protocol, on the deck, beside it or elsewhere
(:mod:`praxis_lab.deck.places`).

>>> from praxis_lab.protocol.analyse import analyse
>>> from praxis_lab.deck.binding import bind
>>> data = layout(bind(analyse("async def p(lh: LiquidHandler, src: Plate): ...")))
>>> data["deck"]["type"], data["deck"]["proposed"]
('HamiltonSTARDeck', True)
>>> well = next(r for r in data["resources"] if r["key"] == "src[A1]")
>>> well["category"], well["parameter"], well["max_volume"]
('well', 'src', 360.0)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab._plr import machines
from praxis_lab.deck.places import machine_entries
from praxis_lab.deck.walk import signature

if TYPE_CHECKING:
    from praxis_lab.deck.binding import Binding

__all__ = ["layout"]

_P = _plr.PLR
_CATEGORY = (
    ("Well", "well"), ("TipSpot", "tip_spot"), ("Plate", "plate"), ("TipRack", "tip_rack"),
    ("Trough", "trough"), ("Trash", "trash"), ("Carrier", "carrier"), ("Deck", "deck"),
)


_CATEGORY_OF: dict[type, str] = {}


def _category(res: Any) -> str:
    cls = type(res)
    found = _CATEGORY_OF.get(cls)
    if found is None:
        found = "machine" if machines.is_machine(res) else next(
            (cat for cls_name, cat in _CATEGORY if isinstance(res, _P[cls_name])), "other")
        _CATEGORY_OF[cls] = found
    return found


def layout(binding: Binding, volumes: Mapping[str, Any] | None = None,
           tips: Mapping[str, bool] | None = None) -> dict[str, Any]:
    """The deck as plain data: every carrier, labware, well and tip spot with position and size.

    ``volumes`` / ``tips`` (state keys → value) fill each well's volume and each
    spot's tip; unknown volumes are ``None``.
    """
    deck_data, entries, fills = _memoized_skeleton(binding)
    resources = [dict(e) for e in entries]  # the memo's entries stay as they were built
    volumes, tips = volumes or {}, tips or {}
    for i, key, cat, res in fills:
        entry = resources[i]
        if cat == "tip_spot":
            has = tips.get(key or "")
            entry["has_tip"] = binding.starts_with_tip(res) if has is None else has
            continue
        known = volumes.get(key or "")
        if known is None and not binding.proposed:  # the setup's real volume
            known = float(res.tracker.get_used_volume())
        entry["volume"] = known
    return {"deck": dict(deck_data), "resources": resources,
            "machines": machine_entries(binding)}


_Skeleton = tuple[dict[str, Any], list[dict[str, Any]], list[tuple[int, "str | None", str, Any]]]
# uid(deck) -> (deck, what the skeleton was drawn from, the skeleton); the deck is kept alive
# so its id cannot name another deck while its entry is here
_SKELETONS: OrderedDict[int, tuple[Any, tuple[Any, ...], _Skeleton]] = OrderedDict()
_SKELETONS_KEPT = 8
_SKELETONS_LOCK = threading.Lock()


def _memoized_skeleton(binding: Binding) -> _Skeleton:
    """The deck's skeleton, drawn again only when the deck or the binding's labels differ
    from the last time: every resource's identity, type, name, position, size and maximal
    volume is compared (a walk of the deck costs a twentieth of drawing it)."""
    deck = binding.deck
    drawn_from = (binding.proposed, tuple(sorted(binding._labels.items())),
                  binding.deck_signature(), tuple(signature(res) for res in _off_deck(binding)))
    with _SKELETONS_LOCK:
        kept = _SKELETONS.get(uid(deck))
    if kept is not None and kept[0] is deck and kept[1] == drawn_from:
        return kept[2]
    skeleton = _skeleton(binding)
    with _SKELETONS_LOCK:
        _SKELETONS[uid(deck)] = (deck, drawn_from, skeleton)
        while len(_SKELETONS) > _SKELETONS_KEPT:
            _SKELETONS.popitem(last=False)
    return skeleton


_OFF_DECK_GAP = 20.0  # mm between the deck and a labware drawn in front of it


def _off_deck(binding: Binding) -> list[Any]:
    """The labware bound to the protocol's parameters that is not on the handler's deck
    (a plate the setup made but never assigned: ``not_on_deck``). Machines are not labware:
    one off the deck (a centrifuge behind its loader) is listed in ``machines``."""
    resource = _P["Resource"]
    return [obj for obj in binding.objects.values()
            if isinstance(obj, resource) and not _plr.is_handler(obj)
            and not machines.is_machine(obj)
            and obj is not binding.deck and not binding.on_deck(obj)]


def _skeleton(binding: Binding) -> _Skeleton:
    """What ``layout`` draws without the volumes and tips: the deck, one entry per
    resource, and (entry index, key, category, resource) of each entry to fill."""
    deck = binding.deck
    kind = _plr.deck_kind(deck)
    out: list[dict[str, Any]] = []
    fills: list[tuple[int, str | None, str, Any]] = []
    origin = deck.get_absolute_location()
    labels = binding._labels

    def visit(res: Any, ox: float, oy: float, parent: str | None, rail: int | None) -> None:
        loc = res.location
        x = ox + (loc.x if loc is not None else 0.0)
        y = oy + (loc.y if loc is not None else 0.0)
        cat = _category(res)
        if not _plr.is_site(res) or cat == "machine":  # a reader holds a plate: drawn
            key = binding.key(res) if cat not in ("deck", "carrier", "other") else None
            entry: dict[str, Any] = {
                "name": res.name, "type": type(res).__name__, "category": cat, "parent": parent,
                "x": round(x, 2), "y": round(y, 2), "size_x": round(res.get_size_x(), 2),
                "size_y": round(res.get_size_y(), 2), "rail": rail, "slot": None,
                "parameter": labels.get(uid(res)), "key": key, "identifier": None,
                "max_volume": None, "volume": None, "has_tip": None,
            }
            if cat in ("well", "tip_spot"):
                entry["identifier"] = binding.identifier(res)
                entry["parameter"] = labels.get(uid(res.parent))
            if cat in ("well", "trough"):
                entry["max_volume"] = float(res.max_volume)
            if cat in ("well", "trough", "tip_spot"):
                fills.append((len(out), key, cat, res))
            out.append(entry)
            parent = res.name
        for child in res.children:
            visit(child, x, y, parent, None)

    for child in deck.children:
        rail = None
        if kind == "carrier" and child.location is not None and hasattr(deck, "num_rails"):
            rail = round((child.location.x - 100.0) / 22.5) + 1
        visit(child, origin.x, origin.y, deck.name, rail)
    on_deck = len(out)
    # labware the protocol uses but the deck lacks: in a row in front of the deck, from
    # the left edge of the labware it uses there
    x = min((e["x"] for e in out if e["parameter"] and e["category"] not in ("well", "tip_spot")),
            default=0.0)
    for res in _off_deck(binding):
        loc = res.location
        visit(res, x - (loc.x if loc is not None else 0.0),
              -_OFF_DECK_GAP - res.get_size_y() - (loc.y if loc is not None else 0.0), None, None)
        x += res.get_size_x() + _OFF_DECK_GAP
    for entry in out[on_deck:]:
        entry["off_deck"] = True
    if kind == "slot":
        for i, holder in enumerate(getattr(deck, "_slot_holders", []) or [], start=1):
            for entry in out:
                if holder.resource is not None and entry["name"] == holder.resource.name:
                    entry["slot"] = i
    deck_data = {"name": deck.name, "type": type(deck).__name__, "kind": kind,
                 "size_x": round(deck.get_size_x(), 2), "size_y": round(deck.get_size_y(), 2),
                 "rails": getattr(deck, "num_rails", None), "proposed": binding.proposed}
    return deck_data, out, fills
