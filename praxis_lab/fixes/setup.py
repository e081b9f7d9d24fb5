"""Setup fixes: edits of the setup function that keep the protocol as it is and prepare the
deck for it (more liquid in a well, labware assigned to the deck).

A setup edit is written with the setup's own names when it returns them
(``source.get_item("C5").tracker.set_volume(100)`` before ``return {..., "source":
source}``); a volume the setup already sets for that well is changed where it is set.

>>> from praxis_lab.fixes.site import setup_variables
>>> setup_variables("def make():\\n    p = f()\\n    return {'plate': p}\\n", "make")
{'plate': 'p'}
"""

from __future__ import annotations

import ast
from typing import Any

from praxis_lab.fixes.codemod import Fix
from praxis_lab.fixes.site import Failure, setup_function, setup_variables
from praxis_lab.sim.state import _n

__all__ = ["assign_to_deck", "start_volumes"]

_EPS = 1e-6


def start_volumes(f: Failure) -> Fix | None:
    """Start every well of the short well's labware that runs dry with what the protocol
    takes from it (the requirement), set in the setup; None when no setup in the source
    returns that labware or a well cannot hold what it needs."""
    owner = str(f.d.get("well", "")).partition("[")[0]
    setup = f.setup
    if not owner or setup is None or owner not in setup_variables(f.source, setup):
        return None
    initial = f.report.timeline.get("initial", {})
    short: dict[str, float] = {}
    for row in f.report.requirements.get("liquid", []):
        key = f"{row['parameter']}[{row['well']}]" if row["well"] != row["parameter"] else \
            row["parameter"]
        have = initial.get(key, 0.0)
        if row["parameter"] == owner and isinstance(have, int | float) and \
                row["min_volume"] - have > _EPS:
            short[row["well"]] = float(row["min_volume"])
    obj = f.binding.objects.get(owner)
    wells = {ident: _well(obj, owner, ident) for ident in short}
    if not short or any(w is None or need - w.max_volume > _EPS
                        for w, need in zip(wells.values(), short.values(), strict=True)):
        return None
    edits = [_set_volume(f.source, setup, owner, ident, need) for ident, need in short.items()]
    said = ", ".join(f"{_n(need)} µL in {_key(owner, ident)}" for ident, need in short.items())
    first, *rest = edits
    return Fix(first.kind, f"start with {said}: what the protocol takes from "
               f"{'it' if len(short) == 1 else 'them'} (set in setup {setup})", first.line,
               first.method, first.new, first.arg, first.index, first.function,
               also=tuple(rest))


def _key(owner: str, ident: str) -> str:
    return owner if ident == owner else f"{owner}[{ident}]"


def _well(obj: Any, owner: str, ident: str) -> Any:
    """The well ``ident`` of the labware bound to ``owner`` (the labware itself for a trough);
    None when it has none."""
    if ident == owner:
        return obj if hasattr(obj, "max_volume") else None
    try:
        return obj.get_item(ident)
    except Exception:
        return None


def _set_volume(source: str, setup: str, owner: str, ident: str, volume: float) -> Fix:
    """The edit that starts ``owner[ident]`` with ``volume``: the setup's own
    ``set_volume`` of that well changed, else a ``set_volume`` before its return."""
    var = setup_variables(source, setup).get(owner) or ""
    found = _volume_set_at(source, setup, var, ident if ident != owner else None)
    if found is not None:
        return Fix("replace_arg", "", found, "set_volume", _n(volume), "volume", 0)
    target = var or f'_setup["{owner}"]'
    well = target if ident == owner else f'{target}.get_item("{ident}")'
    return Fix("before_return" if var else "setup_insert", "", function=setup,
               new=f"{well}.tracker.set_volume({_n(volume)})\n")


def _volume_set_at(source: str, setup: str, var: str, ident: str | None) -> int | None:
    """The line where the setup sets the start volume of ``var``'s well ``ident`` (of
    ``var`` itself for a trough) with a number: ``var.get_item("A1").tracker.set_volume(50)``
    (``get_well``, ``var["A1"][0]`` too)."""
    fn = setup_function(source, setup)
    if fn is None or not var:
        return None
    for node in ast.walk(fn):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and
                node.func.attr == "set_volume" and len(node.args) == 1 and
                isinstance(node.args[0], ast.Constant) and
                isinstance(node.func.value, ast.Attribute) and
                node.func.value.attr == "tracker"):
            continue
        if _names_well(node.func.value.value, var, ident):
            return node.lineno
    return None


def _names_well(expr: ast.expr, var: str, ident: str | None) -> bool:
    if ident is None:
        return isinstance(expr, ast.Name) and expr.id == var
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant):
        expr = expr.value  # var["A1"][0]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and \
            expr.func.attr in ("get_item", "get_well") and expr.args:
        base, arg = expr.func.value, expr.args[0]
    elif isinstance(expr, ast.Subscript):
        base, arg = expr.value, expr.slice
    else:
        return False
    return isinstance(base, ast.Name) and base.id == var and isinstance(arg, ast.Constant) \
        and arg.value == ident


def _free_location(deck: Any) -> tuple[float, float, float]:
    """A spot on the deck right of everything already placed (x, y, z in mm)."""
    x, y, z = 100.0, 63.0, 100.0
    for child in getattr(deck, "children", []):
        loc = child.location
        if loc is None or type(child).__name__ == "Trash":
            continue
        x = max(x, loc.x + child.get_size_x() + 10.0)
        y, z = loc.y, loc.z
    return round(x, 1), round(y, 1), round(z, 1)


def assign_to_deck(f: Failure, resource: str) -> Fix | None:
    """Assign ``resource`` to a free spot of the handler's deck in the setup."""
    setup = f.setup
    names = setup_variables(f.source, setup) if setup else {}
    if setup is None or resource not in names or f.lh not in names:
        return None
    x, y, z = _free_location(f.binding.deck)
    lh = names[f.lh] or f'_setup["{f.lh}"]'
    res = names[resource] or f'_setup["{resource}"]'
    kind = "before_return" if names[f.lh] and names[resource] else "setup_insert"
    return Fix(kind, f"assign {resource} to the deck at x={x} mm in setup {setup}",
               function=setup,
               new=("from pylabrobot.resources import Coordinate as _Coordinate\n"
                    f"{lh}.deck.assign_child_resource({res}, "
                    f"location=_Coordinate({x}, {y}, {z}))\n"))
