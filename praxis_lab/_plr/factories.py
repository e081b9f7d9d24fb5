"""PLR's labware factories: every function of ``pylabrobot.resources`` that builds a plate,
tip rack, trough, tube rack or carrier, found with :mod:`inspect` and *tried* once.

A factory that raises when called offline (Opentrons labware is downloaded at run time,
old names raise ``NotImplementedError``) or that warns it is deprecated is left out, so
every entry builds on a lab PC without a network. Trying all of them costs a few seconds:
the result is kept for the process and in a JSON file of the user cache directory, one
per PLR version.

>>> entry = factories()["cor_96_wellplate_360uL_Fb"]
>>> entry.kind, entry.size_x, entry.plate_type
('plate', 127.76, 'skirted')
>>> factories()["TIP_CAR_480_A00"].sites[0]
(0, 122.4, 82.6)
>>> "opentrons_96_tiprack_300ul" in factories()
False
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import io
import json
import logging
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pylabrobot.resources as plr_resources
from pylabrobot.resources import Carrier, Plate, Resource, TipRack, Trough, TubeRack
from pylabrobot.resources.container_rack import ContainerRack

__all__ = ["DECKS", "Factory", "deck_factory", "factories", "kind_of", "new_deck"]

# The decks a plan can name: PLR's factory function, and its number of rails (None: slots).
DECKS: dict[str, int | None] = {"STARLetDeck": 32, "STARDeck": 56, "OTDeck": None}

# What praxis_lab offers, by kind, most specific class first.
_KINDS: tuple[tuple[type, str], ...] = (
    (Plate, "plate"), (TipRack, "tip_rack"), (Trough, "trough"), (TubeRack, "tube_rack"),
    (ContainerRack, "tube_rack"), (Carrier, "carrier"))
_CACHE_VERSION = 1


@dataclass(frozen=True)
class Factory:
    """One PLR factory that builds offline: what it makes, its footprint and height (mm)."""

    name: str  # the function in pylabrobot.resources
    kind: str  # plate | tip_rack | trough | tube_rack | carrier
    cls: str  # the class it returns (PlateCarrier, TecanPlate, ...)
    maker: str  # the pylabrobot.resources subpackage it comes from (hamilton, corning, ...)
    size_x: float
    size_y: float
    size_z: float
    plate_type: str | None = None  # skirted | semi-skirted | non-skirted, for plates
    items: int = 0  # wells, tip spots, tubes
    max_volume: float | None = None  # of one well, or of the trough
    # a carrier's sites: (index, size_x, size_y)
    sites: tuple[tuple[int, float, float], ...] = field(default=())


def kind_of(resource: Any) -> str | None:
    """``"plate"``, ``"tip_rack"``, ``"trough"``, ``"tube_rack"``, ``"carrier"`` or None."""
    return next((kind for cls, kind in _KINDS if isinstance(resource, cls)), None)


def deck_factory(deck: Any) -> str | None:
    """The name of the PLR function that builds a deck like ``deck`` (``STARLetDeck``,
    ``STARDeck``, ``OTDeck``), or None for another deck."""
    if isinstance(deck, plr_resources.OTDeck):
        return "OTDeck"
    rails = getattr(deck, "num_rails", None)
    found = [name for name, n in DECKS.items() if n is not None and n == rails]
    return found[0] if found and type(deck).__name__ == "HamiltonSTARDeck" else None


def new_deck(factory: str) -> Any:
    """A new, empty deck from its PLR function name (one of :data:`DECKS`)."""
    if factory not in DECKS:
        raise KeyError(f"no deck {factory!r}: praxis_lab knows {', '.join(DECKS)}")
    return getattr(plr_resources, factory)()


def _candidates() -> list[str]:
    """Public functions of ``pylabrobot.resources`` that take a ``name`` and need nothing
    else, and whose return annotation (when they have one) is a kind praxis_lab offers."""
    out = []
    for name in sorted(dir(plr_resources)):
        fn = getattr(plr_resources, name)
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            continue
        params = sig.parameters
        if "name" not in params or any(
                p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                for k, p in params.items() if k != "name"):
            continue
        returns = sig.return_annotation
        if isinstance(returns, type) and not issubclass(returns, tuple(c for c, _ in _KINDS)):
            continue
        out.append(name)
    return out


def _probe(name: str) -> Factory | None:
    """Build ``name`` once; None when it raises, warns it is deprecated, or is not a kind."""
    fn = getattr(plr_resources, name)
    with warnings.catch_warnings(record=True) as said, \
            contextlib.redirect_stdout(io.StringIO()), _quiet():
        warnings.simplefilter("always")
        try:
            res = fn(name="praxis_probe")
        except Exception:
            return None
    if any(issubclass(w.category, DeprecationWarning | FutureWarning) for w in said):
        return None
    kind = kind_of(res)
    if kind is None or not isinstance(res, Resource):
        return None
    items = res.get_all_items() if hasattr(res, "get_all_items") else []
    first = items[0] if items else res
    volume = getattr(first, "max_volume", None)
    sites = tuple((i, round(s.get_size_x(), 2), round(s.get_size_y(), 2))
                  for i, s in sorted(res.sites.items())) if isinstance(res, Carrier) else ()
    return Factory(name, kind, type(res).__name__, fn.__module__.split(".")[2],
                   round(res.get_size_x(), 2), round(res.get_size_y(), 2),
                   round(res.get_size_z(), 2), getattr(res, "plate_type", None), len(items),
                   None if volume is None else float(volume), sites)


@contextlib.contextmanager
def _quiet() -> Any:
    """PLR's logger says nothing while factories are tried (some log as they build)."""
    log = logging.getLogger("pylabrobot")
    level, log.level = log.level, logging.CRITICAL
    try:
        yield
    finally:
        log.setLevel(level)


def _cache_file(names: list[str]) -> Path:
    import platformdirs
    import pylabrobot

    base = os.environ.get("PRAXIS_LAB_CACHE_DIR") or platformdirs.user_cache_dir("praxis_lab")
    digest = hashlib.sha1("\n".join(names).encode()).hexdigest()[:12]
    version = getattr(pylabrobot, "__version__", "unknown")
    return Path(base) / f"plr-{version}-factories-{_CACHE_VERSION}-{digest}.json"


@functools.cache
def factories() -> dict[str, Factory]:
    """Every labware factory of the installed PLR that builds offline, by name."""
    names = _candidates()
    path = _cache_file(names)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return {e["name"]: Factory(**{**e, "sites": tuple(tuple(s) for s in e["sites"])})
                for e in kept}
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found = [f for f in map(_probe, names) if f is not None]
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([asdict(f) for f in found]), encoding="utf-8")
        tmp.replace(path)
    return {f.name: f for f in found}
