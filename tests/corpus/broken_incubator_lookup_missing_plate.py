"""Mistake: after ``culture_1``, a second plate is looked up by a name the incubator does
not hold (``culture_3``; the rack holds ``culture_1`` and ``culture_2``): PLR's
``get_site_by_plate_name`` raises ``ResourceNotFoundError`` at the lookup.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    PlateCarrier,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)
from pylabrobot.storage import Incubator, IncubatorChatterboxBackend
from pylabrobot.storage.cytomat.racks import cytomat_rack_23mm_21


async def feed_one(lh, tips, medium, plate_car, incubator, name, col):
    site = incubator.get_site_by_plate_name(name)
    plate = await incubator.fetch_plate_to_loading_tray(name)
    await lh.move_plate(plate, plate_car[0])
    await lh.pick_up_tips(tips[f"A{col}:H{col}"])
    await lh.aspirate([medium] * 8, vols=[50] * 8)
    await lh.dispense(plate["A1:H1"], vols=[50] * 8)
    await lh.discard_tips()
    await lh.move_plate(plate, incubator.loading_tray)
    await incubator.take_in_plate(site)


async def feed(lh: LiquidHandler, tips: TipRack, medium: Trough, plate_car: PlateCarrier,
               incubator: Incubator, extra: str = "culture_3"):
    await feed_one(lh, tips, medium, plate_car, incubator, "culture_1", 1)
    incubator.get_site_by_plate_name(extra)
    await feed_one(lh, tips, medium, plate_car, incubator, extra, 2)


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    lh.deck.deregister_did_assign_resource_callback(lh.deck._check_safe_z_height)
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = medium = hamilton_1_trough_200ml_Vb(name="medium")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    lh.deck.assign_child_resource(plate_car, rails=14)
    rack = cytomat_rack_23mm_21("rack")
    incubator = Incubator(backend=IncubatorChatterboxBackend(), name="incubator", size_x=400,
                          size_y=500, size_z=600, racks=[rack],
                          loading_tray_location=Coordinate(0, 0, 0))
    lh.deck.assign_child_resource(incubator, location=Coordinate(1030, 0, 0))
    rack[0] = cor_96_wellplate_360uL_Fb(name="culture_1")
    rack[1] = cor_96_wellplate_360uL_Fb(name="culture_2")
    medium.tracker.set_volume(120_000)
    return {"lh": lh, "tips": tips, "medium": medium, "plate_car": plate_car,
            "incubator": incubator}
