"""How an op's arguments read in the graph: resources by key, runs of wells compressed.

``describe`` is the one text for an argument; :class:`Describer` is the same with a
memo per graph (loops pass the same wells again and again).

>>> describe([1.0, 2.5], key=str)
'[1, 2.5]'
>>> from praxis_lab.trace.sym import Sym
>>> describe([Sym("volume", 50.0)] * 8, key=str)
'[volume] * 8'
>>> _compress([f"src[{r}1]" for r in "ABCDEFGH"])
'src[A1:H1]'
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from typing import Any

from praxis_lab._ids import uid
from praxis_lab.trace.sym import Sym

__all__ = ["Describer", "describe"]


_ID = re.compile(r"^(.*)\[([A-Z]+)(\d+)\]$")


@functools.lru_cache(maxsize=4096)
def _key_parts(key: str) -> tuple[str, str, int] | None:
    """``src[B12]`` → ``("src", "B", 12)``; None for a key that names no well or spot."""
    m = _ID.match(key)
    return (m.group(1), m.group(2), int(m.group(3))) if m else None


def _compress(keys: list[str]) -> str:
    """``[s[A1], s[B1], ..., s[H1]]`` → ``s[A1:H1]`` when they form one column or row run."""
    parts = [_key_parts(k) for k in keys]
    if len(keys) > 1 and all(parts):
        owners = {m[0] for m in parts if m}
        if len(owners) == 1:
            rows = [m[1] for m in parts if m]
            cols = [m[2] for m in parts if m]
            same_col = len(set(cols)) == 1 and all(
                len(r) == 1 and ord(r) - ord(rows[0]) == i for i, r in enumerate(rows))
            same_row = len(set(rows)) == 1 and cols == list(range(cols[0], cols[0] + len(cols)))
            if same_col or same_row:
                owner = owners.pop()
                return f"{owner}[{rows[0]}{cols[0]}:{rows[-1]}{cols[-1]}]"
    if len(keys) > 8:
        return "[" + ", ".join(keys[:8]) + f", … +{len(keys) - 8}]"
    return "[" + ", ".join(keys) + "]"


def describe(value: Any, key: Any) -> str:
    """A short readable text for an argument (resources by key, symbols by expression)."""
    if isinstance(value, Sym):
        return value.expr
    if hasattr(value, "get_root") and hasattr(value, "name"):
        return str(key(value))
    if isinstance(value, list | tuple):
        if value and all(hasattr(v, "get_root") for v in value):
            return _compress([str(key(v)) for v in value])
        inner = [describe(v, key) for v in value]
        if len(inner) > 1 and len(set(inner)) == 1:
            return f"[{inner[0]}] * {len(inner)}"
        return "[" + ", ".join(inner) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _ADDRESS.sub("", repr(value))  # a report reads the same on every run


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")  # the default repr's memory address


# Values whose text needs no resource keys: answered without ``describe``.
_PLAIN: dict[type, Callable[[Any], str]] = {
    type(None): repr, bool: repr, int: repr, str: repr,
    float: lambda v: str(int(v)) if v.is_integer() else repr(v)}


# List items whose text ``describe`` gives without keys or recursion (None: ask it).
_PLAIN_ITEM: dict[type, Callable[[Any], str | None]] = {**_PLAIN, Sym: lambda v: v.expr}


_PARENT = operator.attrgetter("parent")
_SHARED_LISTS = 20_000  # lists of labware described, kept from one graph to the next


def _no_text(value: Any) -> None:
    return None


class Describer:
    """``describe``, and the resource keys of an op's arguments, with a memo: loops pass the
    same wells again."""

    def __init__(self, key: Any, shared: dict[tuple[int, ...], Any] | None = None) -> None:
        self.key = key
        # ids of a list of labware -> (the list, its keys, its text or None until asked);
        # the list is kept so that its items' ids cannot name other objects meanwhile
        self._lists: dict[tuple[int, ...], tuple[list[Any], list[str], list[str]]] = {}
        # the same, kept from earlier graphs of the same labels (deck/shared.py), with each
        # item's parent then: used while every item is still where it was
        self._shared = shared

    def _labware(self, value: list[Any]) -> tuple[list[Any], list[str], list[str]] | None:
        """The memo entry of a list that holds labware only (None for any other list)."""
        ids = tuple(map(uid, value))
        found = self._lists.get(ids)
        if found is None:
            shared = self._shared
            kept = shared.get(ids) if shared is not None else None
            if kept is not None and all(map(operator.is_, map(_PARENT, kept[0][0]), kept[1])):
                found = self._lists[ids] = kept[0]  # (PLR renames no assigned resource)
                return found
            if not all(hasattr(v, "get_root") and hasattr(v, "name") for v in value):
                return None
            found = self._lists[ids] = (list(value), [str(self.key(v)) for v in value], [])
            if shared is not None:
                if len(shared) > _SHARED_LISTS:
                    shared.clear()
                shared[ids] = (found, [v.parent for v in value])
        return found

    def text(self, value: Any) -> str:
        plain = _PLAIN.get(type(value))
        if plain is not None:
            return plain(value)
        if isinstance(value, list) and value:
            if hasattr(value[0], "get_root"):
                found = self._labware(value)
                if found is not None:
                    if not found[2]:
                        found[2].append(_compress(found[1]))
                    return found[2][0]
            else:
                texts = [_PLAIN_ITEM.get(type(v), _no_text)(v) for v in value]
                if None not in texts:  # numbers and symbols: describe's list text, directly
                    if len(texts) > 1 and len(set(texts)) == 1:
                        return f"[{texts[0]}] * {len(texts)}"
                    return "[" + ", ".join(texts) + "]"  # type: ignore[arg-type]
        return describe(value, self.key)

    def resources(self, args: dict[str, Any]) -> list[str]:
        out: list[str] = []
        for value in args.values():
            if type(value) in _PLAIN:
                continue
            if isinstance(value, list | tuple):
                found = self._labware(list(value)) if value else None
                if found is None:  # a list mixing labware and other values
                    out.extend(str(self.key(v)) for v in value
                               if hasattr(v, "get_root") and hasattr(v, "name"))
                else:
                    out.extend(found[1])
            elif hasattr(value, "get_root") and hasattr(value, "name"):
                out.append(str(self.key(value)))
        return list(dict.fromkeys(out))
