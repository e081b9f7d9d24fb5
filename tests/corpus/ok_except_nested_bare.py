"""Nested ``try``: the inner ``except HasTipError`` does not catch a dry well, the outer bare
``except:`` does and takes the liquid from the backup well; an ``except Exception`` around the
pick-up of a spot already used moves on to the next column. PLR completes.
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
from pylabrobot.resources.errors import HasTipError


async def nested(lh: LiquidHandler, tips: TipRack, source: Plate, plate: Plate):
    try:
        await lh.pick_up_tips(tips["A1"])
    except Exception:
        await lh.pick_up_tips(tips["A2"])
    for well in plate["A1:A3"]:
        try:
            try:
                await lh.aspirate(source["A1"], vols=[100])
            except HasTipError:
                await lh.discard_tips()
        except:  # noqa: E722
            await lh.aspirate(source["B1"], vols=[100])
        await lh.dispense([well], vols=[100])
    await lh.discard_tips()


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    plt_car = PLT_CAR_L5AC_A00(name="plt_car")
    plt_car[0] = source = cor_96_wellplate_360uL_Fb(name="source")
    plt_car[1] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plt_car, rails=8)
    tips.get_item("A1").tracker.remove_tip()
    source.get_well("A1").tracker.set_volume(150)
    source.get_well("B1").tracker.set_volume(300)
    return {"lh": lh, "tips": tips, "source": source, "plate": plate}
