"""Cells resuspended at a speed chosen from an ``Enum``: ``GENTLE`` (the default) mixes 150 µL,
``VIGOROUS`` 450 µL, more than the wells hold. Each member is a path of its own: the vigorous
one is reported with its condition, the default one is fine (PLR completes).
"""
import enum

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


class MixSpeed(enum.Enum):
    GENTLE = "gentle"
    VIGOROUS = "vigorous"


async def resuspend(lh: LiquidHandler, tips: TipRack, cells: Plate,
                    speed: MixSpeed = MixSpeed.GENTLE, cycles: int = 3):
    volume = 150 if speed is MixSpeed.GENTLE else 450
    await lh.pick_up_tips(tips["A1:H1"])
    for _ in range(cycles):
        await lh.aspirate(cells["A1:H1"], vols=[volume] * 8)
        await lh.dispense(cells["A1:H1"], vols=[volume] * 8)
    await lh.return_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = cells = cor_96_wellplate_360uL_Fb(name="cells")
    lh.deck.assign_child_resource(plt_car, rails=8)
    cells.set_well_volumes([200] * 96)
    return {"lh": lh, "tips": tips, "cells": cells}
