"""What bindings of the same labware share from one simulation to the next.

A binding names every well and tip spot by its labware's parameter (``src[A1]``), so the
keys it works out, and the items a protocol looked up in that labware, serve every later
binding with the same labels (:func:`shared_for`). A setup kept while it is unchanged
(:mod:`praxis_lab.protocol.setups`) also shares *facts* about its objects: simulating never
changes them, so the deck's walk and whether a lid sits anywhere are worked out once per
kept setup, not once per simulation (:meth:`Shared.fact`).

>>> deck = object()
>>> shared = shared_for({1: "src"}, kept="a setup's fingerprint")
>>> shared.fact("walk", deck, lambda: ("walked",))
('walked',)
>>> shared.fact("walk", deck, lambda: ("walked again",))  # the same deck: the kept answer
('walked',)
>>> shared.fact("walk", object(), lambda: ("another deck",))  # rebuilt: worked out again
('another deck',)
>>> shared_for({1: "src"}).fact("walk", deck, lambda: ("not kept",))  # every time
('not kept',)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from praxis_lab._ids import uid

__all__ = ["Shared", "identifiers", "ordering", "shared_for"]

_T = TypeVar("_T")


@dataclass
class Shared:
    """What the bindings with the same labels (and, for ``facts``, the same kept setup)
    share. Every entry keeps its objects alive, so an id in it cannot come to name
    another object meanwhile."""

    # uid(labware) -> (labware, its items and identifiers then, the key of each item by
    # uid): the keys of all its items, worked out together
    item_keys: dict[int, tuple[Any, tuple[Any, ...], dict[int, str]]] = field(
        default_factory=dict)
    # uid(labware) -> (labware, its children and identifiers then, lookup -> items)
    item_lookups: dict[int, tuple[Any, Any, dict[Any, Any]]] = field(default_factory=dict)
    # ids of a list of labware -> its keys and text (trace/describe.py Describer)
    texts: dict[tuple[int, ...], Any] = field(default_factory=dict)
    # name -> (the deck it was worked out on, the fact); None: the objects are not kept
    facts: dict[str, tuple[Any, Any]] | None = None

    def keys_of(self, labware: Any, label: str) -> dict[int, str]:
        """The key of every item of labelled ``labware`` (``src[B3]``), by the item's uid:
        the ones worked out before while its items and its identifiers are the same (an
        item's identifier is the first one its name has, as PLR answers; PLR renames no
        assigned item).

        Items that are not the labware's own children stay unkeyed (the caller asks for them
        one by one)."""
        children = tuple(labware.children)
        now = (children, ordering(labware))
        found = self.item_keys.get(uid(labware))
        if found is not None and found[0] is labware and found[1] == now:
            return found[2]
        table = identifiers(now[1])
        keys: dict[int, str] = {}
        for child in children:
            ident = table.get(child.name)
            if ident is not None:
                keys[uid(child)] = f"{label}[{ident}]"
        self.item_keys[uid(labware)] = (labware, now, keys)  # the labware is kept alive
        return keys

    def fact(self, name: str, deck: Any, make: Callable[[], _T]) -> _T:
        """``make()``, once per kept setup's deck: the same deck answers what it answered
        (a setup built again, after it was let go, gives a new deck: worked out again)."""
        if self.facts is None:
            return make()
        found = self.facts.get(name)
        if found is not None and found[0] is deck:
            value: _T = found[1]
            return value
        value = make()
        self.facts[name] = (deck, value)
        return value


def ordering(labware: Any) -> tuple[tuple[str, str], ...]:
    """``labware``'s (identifier, item name) pairs in PLR's order (none for a resource
    without items)."""
    found = getattr(labware, "_ordering", None)
    return tuple(found.items()) if isinstance(found, Mapping) else ()


def identifiers(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Item name → its identifier: the first one a name has, as PLR's ``get_identifier``
    answers (it scans the ordering for the name)."""
    table: dict[str, str] = {}
    for ident, name in pairs:
        table.setdefault(name, ident)
    return table


# (sorted labels: uid of labware -> parameter name, the kept setup's fingerprint or None)
_SHARED: OrderedDict[tuple[Any, ...], Shared] = OrderedDict()
_KEPT = 16
_LOCK = threading.Lock()


def shared_for(labels: dict[int, str], kept: str | None = None) -> Shared:
    """What the bindings with these labels share: item keys and lookups always; facts when
    ``kept`` names the kept setup the labelled objects come from."""
    key = (tuple(sorted(labels.items())), kept)
    with _LOCK:
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = Shared(facts={} if kept is not None else None)
            while len(_SHARED) > _KEPT:
                _SHARED.popitem(last=False)
        else:
            _SHARED.move_to_end(key)
    return found
