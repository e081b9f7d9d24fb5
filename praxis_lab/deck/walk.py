"""One walk of a deck: everything of it a layout is drawn from, resource by resource.

A binding walks its deck once per simulation (:meth:`~praxis_lab.deck.binding.Binding.
deck_signature`): the layout's memo compares the walk with the last one (the deck is drawn
again only when it differs), and the lid check reads it (a lid anywhere on the deck).

>>> from praxis_lab import _plr
>>> plate = _plr.labware("cor_96_wellplate_360uL_Fb", "plate")
>>> walked = signature(plate)
>>> len(walked) - 2, lidded(walked)  # the plate and its 96 wells; no lid
(97, False)
"""

from __future__ import annotations

from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid

__all__ = ["lidded", "signature", "under"]


def signature(deck: Any) -> tuple[Any, ...]:
    """Everything of the deck a skeleton is drawn from, resource by resource."""
    out: list[Any] = [getattr(deck, "num_rails", None),
                      tuple(uid(h.resource) for h in getattr(deck, "_slot_holders", None) or ())]
    stack = [deck]
    while stack:
        res = stack.pop()
        loc = res.location
        children = res.children
        out.append((uid(res), type(res), res.name, None if loc is None else (loc.x, loc.y),
                    res.get_size_x(), res.get_size_y(), getattr(res, "max_volume", None),
                    len(children)))
        stack.extend(children)
    return tuple(out)


def lidded(walked: tuple[Any, ...]) -> bool:
    """Whether a :func:`signature` walked past a lid."""
    return any(map(_plr.is_lid_type, {entry[1] for entry in walked[2:]}))  # (each type once)


def under(resource: Any, deck: Any) -> bool:
    """Whether ``resource`` is ``deck`` or sits on it (its root is the handler above the
    deck, not the deck)."""
    while resource is not None and deck is not None:
        if resource is deck:
            return True
        resource = getattr(resource, "parent", None)
    return False
