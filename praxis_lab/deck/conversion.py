"""The same labware on another deck that PLR 0.2.2 provides.

A STARlet's carriers keep their rails on a STAR (and the other way round, where they fit:
PLR checks that when the deck is built); on an OT-2 the labware goes slot by slot, from
slot 1 (slot 12 holds the trash); from an OT-2 to a Hamilton deck it goes on carriers by
kind, carrier after carrier from rail 1, as in a proposal. Names, start volumes and the
protocol's parameters stay.

>>> from praxis_lab.deck.plan import CarrierPlan, DeckPlan, LabwarePlan
>>> plan = DeckPlan("STARLetDeck", [CarrierPlan("car", "PLT_CAR_L5AC_A00", 8)],
...                 [LabwarePlan("src", "cor_96_wellplate_360uL_Fb", "plate", "car", 0,
...                              volumes={"A1": 20.0})])
>>> ot2 = converted(plan, "OTDeck")
>>> ot2.carriers, ot2.labware[0].slot, ot2.labware[0].volumes
([], 1, {'A1': 20.0})
>>> [(c.name, c.rails) for c in converted(ot2, "STARDeck").carriers]
[('plt_car_1', 1)]
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace

from praxis_lab._plr.factories import DECKS, factories
from praxis_lab.deck.plan import CarrierPlan, DeckPlan, LabwarePlan, PlanError

__all__ = ["CARRIER_FOR", "converted"]

# the carrier a kind of labware goes on when a Hamilton deck is laid out anew
CARRIER_FOR = {"tip_rack": "TIP_CAR_480_A00", "plate": "PLT_CAR_L5AC_A00",
               "trough": "Trough_CAR_4R200_A00", "tube_rack": "PLT_CAR_L5AC_A00"}
_OT2_SLOTS = 11  # slot 12 holds the fixed trash


def converted(plan: DeckPlan, deck: str) -> DeckPlan:
    """``plan``'s labware on a ``deck`` (``STARLetDeck``, ``STARDeck`` or ``OTDeck``)."""
    if deck not in DECKS:
        raise PlanError(f"no deck {deck!r}: praxis_lab knows {', '.join(DECKS)}")
    if plan.deck not in DECKS:
        raise PlanError(f"cannot move the labware of a {plan.deck} to another deck")
    out = DeckPlan(deck, params=dict(plan.params))
    if DECKS[deck] is not None and DECKS[plan.deck] is not None:  # Hamilton to Hamilton
        out.carriers = copy.deepcopy(plan.carriers)
        out.labware = copy.deepcopy(plan.labware)
    elif DECKS[deck] is None:
        if len(plan.labware) > _OT2_SLOTS:
            raise PlanError(f"an OT-2 has {_OT2_SLOTS} slots for labware; this deck holds "
                            f"{len(plan.labware)} labware")
        out.labware = [replace(copy.deepcopy(lw), carrier=None, site=None, location=None,
                               slot=i) for i, lw in enumerate(plan.labware, start=1)]
    else:
        out.carriers, out.labware = _on_carriers(plan.labware)
    return out


def _on_carriers(labware: list[LabwarePlan]) -> tuple[list[CarrierPlan], list[LabwarePlan]]:
    """Labware on carriers by kind, each carrier's sites filled before the next one."""
    carriers: list[CarrierPlan] = []
    free: dict[str, list[tuple[str, int]]] = {}  # carrier factory → free (carrier, site)
    placed: list[LabwarePlan] = []
    rail = 1
    for lw in labware:
        factory = CARRIER_FOR.get(lw.kind)
        if factory is None:
            raise PlanError(f"{lw.name} ({lw.kind}) has no carrier to go on")
        if not free.get(factory):
            entry = factories()[factory]
            count = sum(c.factory == factory for c in carriers) + 1
            name = f"{factory.split('_')[0].lower()}_car_{count}"
            carriers.append(CarrierPlan(name, factory, rail))
            free[factory] = [(name, site) for site, _, _ in entry.sites]
            rail += math.ceil(entry.size_x / 22.5)
        carrier, site = free[factory].pop(0)
        placed.append(replace(copy.deepcopy(lw), carrier=carrier, site=site, slot=None,
                              location=None))
    return carriers, placed
