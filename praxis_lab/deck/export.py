'''Export a deck plan as a readable ``make_deck()``, and load one back.

One line per carrier (``deck.assign_child_resource(car := FACTORY(name=...), rails=N)``)
and per labware (``car[site] = plate = FACTORY(name=...)``, or ``assign_child_at_slot``
on an OT-2), then the start volumes (a whole plate with PLR's ``set_well_volumes``, a block
of wells with ``set_volume`` in a loop over ``plate["A1:H6"]``, one well alone), the tips
missing from a rack, the handler on PLR's chatterbox backend, and the protocol's binding.

>>> from praxis_lab.deck.plan import DeckPlan, CarrierPlan, LabwarePlan
>>> plan = DeckPlan("STARLetDeck", [CarrierPlan("plt_car", "PLT_CAR_L5AC_A00", 7)],
...     [LabwarePlan("src", "cor_96_wellplate_360uL_Fb", "plate", "plt_car", 0,
...                  volumes={"A1": 50.0, "B1": 50.0})],
...                 {"lh": ("handler",), "src": ("labware", "src")})
>>> print(export(plan).split("def make_deck():")[1])
<BLANKLINE>
    """A STARlet deck with 1 carrier and 1 labware (exported by praxis-lab)."""
    deck = STARLetDeck()
    deck.assign_child_resource(plt_car := PLT_CAR_L5AC_A00(name="plt_car"), rails=7)
    plt_car[0] = src = cor_96_wellplate_360uL_Fb(name="src")
    for well in src["A1:B1"]:
        well.set_volume(50.0)
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=deck)
    return {"lh": lh, "src": src}
<BLANKLINE>
>>> sorted(load(export(plan)))
['lh', 'src']
'''

from __future__ import annotations

import builtins
import contextlib
import io
import keyword
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from praxis_lab import _plr
from praxis_lab._plr.factories import factories
from praxis_lab.deck.plan import DeckPlan, LabwarePlan, PlanError

__all__ = ["export", "load", "rectangles", "volume_lines"]

_HANDLER_IMPORTS = ("from pylabrobot.liquid_handling import LiquidHandler\n"
                    "from pylabrobot.liquid_handling.backends import "
                    "LiquidHandlerChatterboxBackend\n")


class _Names:
    """Python names for the deck, the handler and each carrier and labware, all distinct."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken) | set(keyword.kwlist) | set(dir(builtins)) | {"well"}
        self.of: dict[str, str] = {}

    def add(self, name: str, want: str | None = None) -> str:
        base = re.sub(r"\W", "_", want or name) or "labware"
        base = f"_{base}" if base[0].isdigit() else base
        out, n = base, 1
        while out in self.taken:
            n += 1
            out = f"{base}_{n}"
        self.taken.add(out)
        self.of[name] = out
        return out


def _num(value: float) -> str:
    return repr(round(float(value), 6))


def _check(plan: DeckPlan) -> None:
    missing = [f"{x.name} ({getattr(x, 'kind', 'carrier')})" for x in plan.parts()
               if x.factory is None]
    if missing:
        raise PlanError(f"cannot export {', '.join(missing)}: no offline PLR factory builds "
                        "it (its model is not one of pylabrobot.resources' labware); "
                        "choose a labware type from the catalogue for it")
    placed = {x.name for x in plan.labware}
    away = [f"{args[0]} (the protocol's {param})" for param, (how, *args) in plan.params.items()
            if how in ("labware", "items", "item", "list") and args[0] not in placed]
    if away:
        raise PlanError(f"cannot export: {', '.join(away)} is not on the deck; place it on a "
                        "carrier site or a slot first")
    if plan.deck not in ("STARLetDeck", "STARDeck", "OTDeck"):
        raise PlanError(f"cannot export a {plan.deck}: the exporter knows STARLetDeck, "
                        "STARDeck and OTDeck")


def export(plan: DeckPlan, function: str = "make_deck", doc: str | None = None) -> str:
    """``make_deck()`` (module imports, then the function) that builds ``plan`` with PLR."""
    _check(plan)
    imported = sorted({plan.deck} | {x.factory for x in plan.parts() if x.factory} | (
        {"Coordinate"} if any(x.location for x in plan.parts()) else set()), key=_isort)
    names = _Names([*imported, "LiquidHandler", "LiquidHandlerChatterboxBackend", function])
    deck, lh = names.add("\0deck", "deck"), names.add("\0lh", "lh")
    body = [f"{deck} = {plan.deck}()"]
    for car in plan.carriers:
        var = names.add(car.name)
        body.append(f"{deck}.assign_child_resource({var} := {car.factory}(name={_q(car.name)}), "
                    f"{_where(car.rails, car.location)})")
        for lw in plan.labware:
            if lw.carrier == car.name:
                body.append(f"{var}[{lw.site}] = {names.add(lw.name)} = "
                            f"{lw.factory}(name={_q(lw.name)})")
    for lw in plan.labware:
        if lw.carrier is not None:
            continue
        var = names.add(lw.name)
        made = f"{var} := {lw.factory}(name={_q(lw.name)})"
        body.append(f"{deck}.assign_child_at_slot({made}, {lw.slot})" if lw.slot is not None
                    else f"{deck}.assign_child_resource({made}, {_where(None, lw.location)})")
    for lw in plan.labware:
        body += _start_state(lw, names.of[lw.name])
    body.append(f"{lh} = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck={deck})")
    binding = ", ".join(f"{_q(param)}: {_expression(b, names, deck, lh)}"
                        for param, b in plan.params.items())
    body.append(f"return {{{binding}}}")
    said = doc or _doc(plan)
    lines = "\n".join(f"    {line}" for text in body for line in text.splitlines())
    resources = "".join(f"    {name},\n" for name in imported)
    return (f"{_HANDLER_IMPORTS}from pylabrobot.resources import (\n{resources})\n\n\n"
            f"def {function}():\n    \"\"\"{said}\"\"\"\n{lines}\n")


def _isort(name: str) -> tuple[int, str]:
    """isort's (and ruff's) order by type: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _where(rails: int | None, location: tuple[float, float, float] | None) -> str:
    if rails is not None:
        return f"rails={rails}"
    x, y, z = location or (0.0, 0.0, 0.0)
    return f"location=Coordinate(x={_num(x)}, y={_num(y)}, z={_num(z)})"


def _doc(plan: DeckPlan) -> str:
    deck = {"STARLetDeck": "A STARlet", "STARDeck": "A STAR", "OTDeck": "An OT-2"}[plan.deck]
    counted = [f"{len(plan.carriers)} carrier{'s' if len(plan.carriers) != 1 else ''}"] if \
        plan.carriers else []
    counted.append(f"{len(plan.labware)} labware")
    return f"{deck} deck with {' and '.join(counted)} (exported by praxis-lab)."


def _expression(binder: tuple[str, ...], names: _Names, deck: str, lh: str) -> str:
    how, *args = binder
    if how == "handler":
        return lh
    if how == "deck":
        return deck
    if how == "trash":
        return f"{deck}.get_trash_area()"
    var = names.of[args[0]]
    return {"labware": var, "items": f"{var}.get_all_items()", "list": f"[{var}]",
            "item": f"{var}.get_item({_q(args[-1])})"}[how]


def rectangles(volumes: dict[str, float]) -> list[tuple[str, str, float]]:
    """Blocks of wells with one volume, column by column: ``(first, last, µL)``.

    >>> rectangles({"A1": 5.0, "B1": 5.0, "A2": 5.0, "B2": 5.0, "C1": 1.0})
    [('A1', 'B2', 5.0), ('C1', 'C1', 1.0)]
    """
    cells: dict[tuple[int, int], tuple[str, float]] = {}
    for ident, volume in volumes.items():
        found = re.fullmatch(r"([A-Z]+)(\d+)", ident)
        if found is None:
            raise PlanError(f"well {ident!r} is not a row letter and a column number")
        row = 0
        for letter in found.group(1):
            row = row * 26 + ord(letter) - 64
        cells[(int(found.group(2)), row)] = (ident, volume)
    done: set[tuple[int, int]] = set()
    out = []

    def same(cell: tuple[int, int], volume: float) -> bool:
        return cell in cells and cell not in done and cells[cell][1] == volume

    for col, row in sorted(cells):
        if (col, row) in done:
            continue
        volume = cells[(col, row)][1]
        last_row = row
        while same((col, last_row + 1), volume):
            last_row += 1
        last_col = col
        while all(same((last_col + 1, r), volume) for r in range(row, last_row + 1)):
            last_col += 1
        done |= {(c, r) for c in range(col, last_col + 1) for r in range(row, last_row + 1)}
        out.append((cells[(col, row)][0], cells[(last_col, last_row)][0], volume))
    return out


def _start_state(lw: LabwarePlan, var: str) -> list[str]:
    """The lines that fill ``lw``'s wells and empty its missing tip spots."""
    out = volume_lines(var, lw.volumes, lw.factory)
    entry = factories().get(lw.factory or "")
    if lw.empty_spots and entry is not None and len(lw.empty_spots) == entry.items:
        out.append(f"{var}.empty()")
    elif lw.empty_spots:
        state = ", ".join(f"{_q(s)}: False" for s in lw.empty_spots)
        out.append(f"{var}.set_tip_state({{{state}}})")
    return out


def volume_lines(var: str, volumes: dict[str, float], factory: str | None,
                 complete: bool = True) -> list[str]:
    """Statements giving the wells of ``var`` (a plate or trough made by ``factory``) these
    start volumes. ``complete``: a well not named holds nothing (else: it is left as is).

    >>> for line in volume_lines("src", {"A1": 5.0, "C5": 1.0}, "cor_96_wellplate_360uL_Fb"):
    ...     print(line)
    src.get_well("A1").set_volume(5.0)
    src.get_well("C5").set_volume(1.0)
    """
    out: list[str] = []
    volumes = dict(volumes)
    if "" in volumes:
        out.append(f"{var}.tracker.set_volume({_num(volumes.pop(''))})")
    entry = factories().get(factory or "")
    if volumes and entry is not None:  # the commonest volume is not 0: fill, then the rest
        base, count = Counter(volumes.values()).most_common(1)[0]
        unnamed = entry.items - len(volumes)
        if (count > unnamed) if complete else unnamed == 0:
            out.append(f"{var}.set_well_volumes([{_num(base)}] * {entry.items})")
            given = volumes
            volumes = {k: v for k, v in given.items() if v != base}
            if complete:
                volumes.update({k: 0.0 for k in _all_wells(factory) if k not in given})
    for first, last, volume in rectangles(volumes):
        if first == last:
            out.append(f"{var}.get_well({_q(first)}).set_volume({_num(volume)})")
        else:
            out.append(f"for well in {var}[{_q(f'{first}:{last}')}]:\n"
                       f"    well.set_volume({_num(volume)})")
    return out


def _all_wells(factory: str | None) -> list[str]:
    """The identifiers of every well of a plate ``factory`` makes, from one PLR builds."""
    plate: Any = _plr.labware(factory or "", "praxis_wells")
    return [plate.get_child_identifier(w) for w in plate.get_all_items()]


def load(source: str, function: str = "make_deck") -> dict[str, Any]:
    """Run ``source`` and call its ``function``: the objects of the setup, by parameter."""
    namespace: dict[str, Any] = {"__name__": "__praxis_deck__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, f"<{function}>", "exec"), namespace)
        made = namespace[function]()
    if not isinstance(made, dict):
        raise PlanError(f"{function}() returned {type(made).__name__}, not a dict")
    return made
