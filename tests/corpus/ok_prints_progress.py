"""A protocol that reports its progress with ``print`` (the volumes, each column), as scripts
run by hand do, and a setup that prints the deck it built. None of it may reach
``praxis-lab simulate``'s stdout; the default path's lines are kept in the report
(``protocol_output``), each symbolic volume printed as its value (``[25, 50]``).
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

print("loading the normalisation protocol")


async def normalise(lh: LiquidHandler, tips: TipRack, stock: Plate, assay: Plate,
                    base: float = 25, columns: int = 2):
    volumes = [base * (i + 1) for i in range(columns)]
    print("volumes:", volumes)
    for col, volume in enumerate(volumes, start=1):
        print(f"column {col}: {volume} uL")
        await lh.pick_up_tips(tips[f"A{col}:H{col}"])
        await lh.aspirate(stock[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.dispense(assay[f"A{col}:H{col}"], vols=[volume] * 8)
        await lh.discard_tips()
    print("done")


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = stock = cor_96_wellplate_360uL_Fb(name="stock")
    plt_car[1] = assay = cor_96_wellplate_360uL_Fb(name="assay")
    lh.deck.assign_child_resource(plt_car, rails=8)
    stock.set_well_volumes([200] * 96)
    print("deck:", [child.name for child in lh.deck.children])
    return {"lh": lh, "tips": tips, "stock": stock, "assay": assay}
