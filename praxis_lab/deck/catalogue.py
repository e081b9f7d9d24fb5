"""The labware catalogue: PLR 0.2.2's factories for each kind, and which fit a site.

The entries come from the installed PLR (:func:`praxis_lab._plr.factories.factories`:
every factory of ``pylabrobot.resources`` that builds offline). A labware *fits* a site
when its footprint is at most :data:`OVERHANG` mm larger and at most :data:`SLACK` mm
smaller than the site on each axis (PLR's plate sites are 127.0 × 86.0 mm, an SBS plate
127.76 × 85.48 mm), and, on a plate site, when it is a skirted plate (PLR's
``PlateHolder`` refuses the others).

>>> [e.name for e in choices("trough", (37.0, 118.0))]
['hamilton_1_trough_200mL_Vb']
>>> misfit("plate", 127.76, 85.48, "skirted", (122.4, 82.6), plate_site=False)
'127.76 × 85.48 mm does not fit a 122.4 × 82.6 mm site'
"""

from __future__ import annotations

from typing import Any

from praxis_lab._plr.factories import Factory, factories

__all__ = ["KINDS", "OVERHANG", "SLACK", "carriers", "choices", "describe", "entry", "misfit",
           "unknown"]

KINDS = ("plate", "tip_rack", "trough", "tube_rack")
OVERHANG = 1.0  # mm a labware may stick out of its site on each axis
SLACK = 6.0  # mm a labware may be smaller than its site on each axis


def entry(factory: str) -> Factory | None:
    """The catalogue entry of a factory name, or None when PLR has no such offline factory."""
    return factories().get(factory)


def unknown(factory: str) -> str:
    """Why ``factory`` is not in the catalogue, with the closest names it has."""
    import difflib

    close = difflib.get_close_matches(factory, list(factories()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"{factory!r} is not one of PLR's labware factories that build offline{hint}"


def misfit(kind: str, size_x: float, size_y: float, plate_type: str | None,
           site: tuple[float, float], plate_site: bool) -> str | None:
    """Why a labware of this size does not fit a site of ``site`` (x, y) mm; None if it fits."""
    if plate_site and kind == "plate" and plate_type not in (None, "skirted"):
        return f"a {plate_type} plate does not sit on a plate carrier site (PLR takes skirted only)"
    sx, sy = site
    if not (sx - SLACK <= size_x <= sx + OVERHANG and sy - SLACK <= size_y <= sy + OVERHANG):
        return (f"{_mm(size_x)} × {_mm(size_y)} mm does not fit a {_mm(sx)} × {_mm(sy)} mm "
                "site")
    return None


def _mm(value: float) -> str:
    return f"{value:g}"


def choices(kind: str, site: tuple[float, float] | None = None,
            plate_site: bool = False) -> list[Factory]:
    """The factories of ``kind`` (plates, tip racks, troughs, tube racks) that fit ``site``,
    Hamilton's first, then by name."""
    if kind not in KINDS:
        raise ValueError(f"no labware kind {kind!r}: choose one of {', '.join(KINDS)}")
    out = [f for f in factories().values() if f.kind == kind and (
        site is None or misfit(kind, f.size_x, f.size_y, f.plate_type, site, plate_site) is None)]
    return sorted(out, key=lambda f: (f.maker != "hamilton", f.name.lower()))


def carriers(maker: str = "hamilton") -> list[Factory]:
    """The carriers of one maker (a Hamilton deck takes Hamilton carriers), by name."""
    return sorted((f for f in factories().values() if f.kind == "carrier" and f.maker == maker
                   and f.sites), key=lambda f: f.name)


def describe(f: Factory) -> dict[str, Any]:
    """A catalogue entry as plain data for the deck view's chooser."""
    return {"factory": f.name, "kind": f.kind, "maker": f.maker, "size_x": f.size_x,
            "size_y": f.size_y, "size_z": f.size_z, "items": f.items,
            "max_volume": f.max_volume, "sites": len(f.sites)}
