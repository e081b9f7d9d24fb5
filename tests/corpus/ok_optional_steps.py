"""An assay plate prepared with nine optional additions, each switched off by a volume of 0
(the lab's template: every reagent a parameter). Each ``if`` forks on its parameter, so the
combinations are more than the simulator explores: the report must say it was not fully
checked (and where the branches are), not that the protocol fails.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Plate,
    STARLetDeck,
    TipRack,
    cor_96_wellplate_360uL_Fb,
    hamilton_96_tiprack_300uL,
)


async def optional_additions(lh: LiquidHandler, tips: TipRack, reagents: Plate, assay: Plate,
                             buffer: float = 20, blocker: float = 0, dye: float = 5,
                             detergent: float = 0, substrate: float = 10, enzyme: float = 0,
                             inhibitor: float = 0, stain: float = 0, stop: float = 10):
    volumes = [buffer, blocker, dye, detergent, substrate, enzyme, inhibitor, stain, stop]
    for column, volume in enumerate(volumes, start=1):
        if volume > 0:
            await lh.pick_up_tips(tips[f"A{column}:H{column}"])
            await lh.aspirate(reagents[f"A{column}:H{column}"], vols=[volume] * 8)
            await lh.dispense(assay["A1:H1"], vols=[volume] * 8)
            await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = reagents = cor_96_wellplate_360uL_Fb(name="reagents")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    reagents.set_well_volumes([30] * 96)
    return {"lh": lh, "tips": tips, "reagents": reagents, "assay": assay}
