"""The JSON a command prints stays under a size limit, whatever the protocol.

A failure mode keeps its first conditions, wells and ops; when the whole report is still
too large, its longest lists (the timeline's steps, the graph's operations, the deck's
labware, the liquid requirements) keep their first items. What was left out is counted
in ``left_out`` (``{"graph.operations": 812}``), never dropped silently.

>>> data = {"failure_modes": [], "timeline": {"steps": [{"op": i} for i in range(5000)]}}
>>> small = bounded(data, limit=2_000)
>>> len(small["timeline"]["steps"]) < 200, small["left_out"]["timeline.steps"] > 4800
(True, True)
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["LIMIT", "bounded", "bounded_json"]

LIMIT = 900_000  # bytes of JSON (under 1 MB with room for the counts)
_PER_MODE = {"conditions": 20, "involves": 200, "ops": 200, "consequences": 20}
_MODES = 200
# the lists that grow with a protocol, most expendable first: (path, key of ids to keep)
_LISTS = (("timeline", "steps"), ("graph", "operations"), ("deck_layout", "resources"),
          ("requirements", "liquid"), ("graph", "execution_order"), ("trace_issues",),
          ("failure_modes",))


def _size(data: Any) -> int:
    return len(json.dumps(data, default=str))


def _cut(items: list[Any], keep: int, left: dict[str, int], name: str) -> list[Any]:
    if len(items) <= keep:
        return items
    left[name] = left.get(name, 0) + len(items) - keep
    return items[:keep]


def _get(data: Any, path: tuple[str, ...]) -> tuple[Any, str] | None:
    """The container holding the list at ``path`` and its key (None when absent)."""
    for key in path[:-1]:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get(path[-1]), list):
        return data, path[-1]
    return None


def _cut_modes(data: dict[str, Any]) -> dict[str, int]:
    """Each failure mode's long lists and the number of modes cut to their first items;
    what was cut, counted."""
    left: dict[str, int] = {}
    modes = data.get("failure_modes") or []
    for mode in modes:
        for key, most in _PER_MODE.items():
            if isinstance(mode.get(key), list):
                mode[key] = _cut(mode[key], most, left, f"failure_modes.{key}")
    data["failure_modes"] = _cut(modes, _MODES, left, "failure_modes")
    return left


def bounded(data: dict[str, Any], limit: int = LIMIT) -> dict[str, Any]:
    """``data`` (a report's ``to_dict()``) cut to under ``limit`` bytes of JSON, with
    ``left_out`` counting what was cut (absent when nothing was)."""
    return _within(data, limit, _cut_modes(data), None)


def _within(data: dict[str, Any], limit: int, left: dict[str, int], size: int | None,
            ) -> dict[str, Any]:
    """``data``, its modes cut already (``left``), its longest lists cut to fit ``limit``;
    ``size``: its JSON's length when known."""
    for _ in range(3):  # each pass cuts the largest lists by what is over
        size = _size(data) if size is None else size
        if size <= limit:
            break
        over = size - limit
        for path in _LISTS:
            found = _get(data, path)
            if found is None or over <= 0:
                continue
            holder, key = found
            items = holder[key]
            if not items:
                continue
            weight = _size(items)
            per = max(weight / len(items), 1.0)
            keep = max(int(len(items) - over / per) - 1, 0)
            if keep < len(items):
                holder[key] = _cut(items, keep, left, ".".join(path))
                over -= weight - _size(holder[key])
        size = None
    if left:
        data["left_out"] = left
    return data


def bounded_json(data: dict[str, Any], limit: int = LIMIT) -> str:
    """``data`` as JSON text under ``limit`` bytes: dumped once when it fits (the usual
    case), else :func:`bounded` first."""
    left = _cut_modes(data)
    text = json.dumps(data, default=str)
    if len(text) <= limit and not left:
        return text
    return json.dumps(_within(data, limit, left, len(text)), default=str)
