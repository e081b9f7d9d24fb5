"""``praxis-lab deck FILE``: the deck a protocol runs on, as text, JSON or ``make_deck()``.

Without ``--setup`` the deck is the proposed one, its wells filled with the start volumes
the protocol needs; ``--export`` prints it as a ``make_deck()`` to append to the protocol
(``praxis-lab simulate FILE --setup make_deck`` then simulates at the exact level).
"""

from __future__ import annotations

import json
import sys
from typing import Any

__all__ = ["deck_command"]


def deck_command(args: Any) -> int:
    """Print the deck of ``args.file``'s protocol; exit code 0."""
    from praxis_lab.cli import quiet
    from praxis_lab.pipeline import simulate
    from praxis_lab.protocol.analyse import parse_params

    with quiet():  # the protocol's and its setup's prints stay off stdout
        report = simulate(args.file, setup=args.setup, params=parse_params(args.param),
                          name=args.protocol)
        editor = report.deck_editor()
    if args.export:
        sys.stdout.write(editor.export(args.function))
        return 0
    plan = editor.plan()
    if args.json:
        json.dump(plan.to_dict(), sys.stdout)
        sys.stdout.write("\n")
        return 0
    bound = {name: param for param, name in editor.bound().items()}
    print(f"{plan.deck}" + (" (proposed: start volumes are what the protocol needs)"
                            if editor.proposed else f" (from {args.setup})"))
    for car in plan.carriers:
        print(f"  rail {car.rails if car.rails is not None else '?':<3} {car.name} "
              f"({car.factory})")
        for lw in plan.labware:
            if lw.carrier == car.name:
                print(f"    site {lw.site}  {_labware(lw, bound)}")
    for lw in plan.labware:
        if lw.carrier is None:
            where = f"slot {lw.slot}" if lw.slot is not None else "deck"
            print(f"  {where:<8} {_labware(lw, bound)}")
    return 0


def _labware(lw: Any, bound: dict[str, str]) -> str:
    param = {v: k for k, v in bound.items()}.get(lw.name)
    filled = f", {len(lw.volumes)} wells filled" if lw.volumes else ""
    return f"{lw.name} ({lw.factory}){' = ' + param if param else ''}{filled}"
