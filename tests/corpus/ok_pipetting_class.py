"""The protocol's steps as methods of a small class holding the handler and the labware.

Lab scripts that grew from notebooks: ``Pipettor(lh, tips)`` hands out tip columns and
moves columns; the protocol makes one and calls its methods.
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


class Pipettor:
    def __init__(self, lh, tips):
        self.lh, self.tips, self.next_column = lh, tips, 0

    async def fresh_tips(self):
        self.next_column += 1
        await self.lh.pick_up_tips(self.tips.column(self.next_column - 1))

    async def move(self, src, dst, volume):
        await self.fresh_tips()
        await self.lh.aspirate(src, vols=[volume] * len(src))
        await self.lh.dispense(dst, vols=[volume] * len(dst))
        await self.lh.discard_tips()


async def with_class(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    p = Pipettor(lh, tips)
    for col in range(4):
        await p.move(source.column(col), dest.column(col), 45)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = dest = cor_96_wellplate_360uL_Fb(name="dest")
    lh.deck.assign_child_resource(plt_car, rails=8)
    source.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "source": source, "dest": dest}

