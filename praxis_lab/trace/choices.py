"""Parameters with a few values: ``Literal[...]`` and ``Enum`` annotations.

Each value is a path of its own (the default's is the default path); a value given with
``--param`` / ``params=`` pins it (matched by value or by member name) and nothing forks.

>>> from praxis_lab.protocol.loading import load
>>> loaded = load('''
... from typing import Literal
... async def p(lh: LiquidHandler, tips: TipRack, mode: Literal["a", "b", "c"] = "b"):
...     pass
... ''')
>>> choices(loaded, {})
{'mode': (['b', 'a', 'c'], 3)}
>>> choices(loaded, {"mode": "c"})
{}
"""

from __future__ import annotations

import builtins
import enum
import inspect
import typing
from collections.abc import Mapping
from typing import Any

__all__ = ["choices", "pinned_choices"]

_MISSING = object()


def _values(annotation: Any, func: Any) -> list[Any] | None:
    """The values an annotation allows, when they are few and known."""
    if isinstance(annotation, str) and annotation.isidentifier():  # a name: looked up
        found = func.__globals__.get(annotation, _MISSING)
        annotation = getattr(builtins, annotation, None) if found is _MISSING else found
    elif isinstance(annotation, str):
        try:
            annotation = eval(annotation, dict(func.__globals__))  # the protocol module
        except Exception:
            return None
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return list(annotation)
    return None


def _params(loaded: Any) -> list[tuple[inspect.Parameter, list[Any], int]]:
    out = []
    lines = {p.name: p.line for p in loaded.info.params}
    for p in inspect.signature(loaded.func, eval_str=False).parameters.values():
        values = _values(p.annotation, loaded.func) if p.annotation is not p.empty else None
        if values:
            out.append((p, values, lines.get(p.name, loaded.info.line)))
    return out


def _match(values: list[Any], raw: Any) -> Any:
    for v in values:
        if v == raw or (isinstance(v, enum.Enum) and raw in (v.name, v.value, str(v.value),
                                                             f"{type(v).__name__}.{v.name}")):
            return v
        if not isinstance(v, enum.Enum) and isinstance(raw, str) and str(v) == raw:
            return v
    return raw


def choices(loaded: Any, pinned: Mapping[str, Any]) -> dict[str, tuple[list[Any], int]]:
    """Parameter name → (its values, the default first; its line), pinned ones left out."""
    out = {}
    for p, values, line in _params(loaded):
        if p.name in pinned:
            continue
        if p.default is not p.empty and p.default in values:
            values = [p.default, *[v for v in values if v != p.default]]
        out[p.name] = (values, line)
    return out


def pinned_choices(loaded: Any, pinned: Mapping[str, Any]) -> dict[str, Any]:
    """The pinned ``Literal`` / ``Enum`` parameters with their values (an Enum's member)."""
    return {p.name: _match(values, pinned[p.name]) for p, values, _line in _params(loaded)
            if p.name in pinned}
