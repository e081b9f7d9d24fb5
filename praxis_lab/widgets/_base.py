"""Shared plumbing for the widgets: the bundled ES modules, kwargs checks, plain JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

_cache: dict[str, tuple[float, str]] = {}


class BundleMissingError(FileNotFoundError):
    """A widget's built ES module is missing from ``praxis_lab/static``."""


def read_bundle(stem: str) -> str:
    """The text of ``praxis_lab/static/<stem>.js``, re-read when the file changes."""
    path = STATIC_DIR / f"{stem}.js"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise BundleMissingError(
            f"widget bundle {path} is missing: build the widgets with `make install` "
            "(or `make widgets`, i.e. `cd widgets_js && npm ci && node build.mjs`)"
        ) from None
    cached = _cache.get(stem)
    if cached is None or cached[0] != mtime:
        cached = (mtime, path.read_text(encoding="utf-8"))
        _cache[stem] = cached
    return cached[1]


class BundledESM:
    """Class attribute descriptor: ``_esm = BundledESM("deck_view")``.

    The module is read when a widget is created, not when ``praxis_lab.widgets`` is
    imported, so importing works before ``make install`` and a missing bundle fails
    with a clear error at the point of use. Class access returns the descriptor, so
    anywidget's class-level file handling leaves it alone.
    """

    def __init__(self, stem: str) -> None:
        self.stem = stem

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return read_bundle(self.stem)


def reject_unknown(cls_name: str, kwargs: Mapping[str, object], accepted: Iterable[str]) -> None:
    """Raise ``TypeError`` naming the unknown keyword arguments and the accepted ones."""
    if not kwargs:
        return
    unknown = ", ".join(repr(name) for name in sorted(kwargs))
    allowed = ", ".join(accepted)
    plural = "s" if len(kwargs) > 1 else ""
    raise TypeError(
        f"{cls_name}() got unexpected keyword argument{plural} {unknown}; it accepts: {allowed}"
    )


def plain(value: Any, what: str) -> Any:
    """``value`` as plain JSON data (dicts, lists, str, numbers, bools, None).

    Objects with ``to_dict()`` (a ``SimulationReport``) or pydantic's ``model_dump()``
    are converted first; tuples become lists; other objects become their ``str``.
    """
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    try:
        return json.loads(json.dumps(value, default=str, allow_nan=False))
    except ValueError as exc:
        raise ValueError(f"{what} is not JSON data: {exc}") from None


def require_mapping(value: Any, cls_name: str, arg: str, keys: Iterable[str]) -> dict[str, Any]:
    """Check that ``value`` is a dict with ``keys``; the error names the argument."""
    data = plain(value, f"{cls_name}({arg}=...)")
    if not isinstance(data, dict):
        raise TypeError(f"{cls_name}({arg}=...) expects a dict, got {type(value).__name__}")
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(
            f"{cls_name}({arg}=...) is missing {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, data)) or 'no keys'}"
        )
    return data


def require_list(value: Any, cls_name: str, arg: str) -> list[Any]:
    """Check that ``value`` is a list (``None`` → ``[]``)."""
    if value is None:
        return []
    data = plain(value, f"{cls_name}({arg}=...)")
    if not isinstance(data, list):
        raise TypeError(f"{cls_name}({arg}=...) expects a list, got {type(value).__name__}")
    return data
