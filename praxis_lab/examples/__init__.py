"""Example protocols shipped with praxis_lab (used by ``make demo`` and the notebooks)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["path"]


def path(name: str) -> Path:
    """The path of an example protocol file, e.g. ``path("plate_copy")``."""
    found = Path(__file__).with_name(f"{name}.py")
    if not found.is_file():
        names = sorted(p.stem for p in Path(__file__).parent.glob("*.py") if p.stem != "__init__")
        raise FileNotFoundError(f"no example {name!r} (examples: {', '.join(names)})")
    return found
