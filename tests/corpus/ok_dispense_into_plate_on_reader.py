"""Substrate added to the plate while it sits in the plate reader's drawer (placed there in
the setup, as on a deck where the reader's plate position is reachable), then read at once.
"""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    TIP_CAR_480_A00,
    Coordinate,
    STARLetDeck,
    TipRack,
    Trough,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)


async def add_and_read(lh: LiquidHandler, tips: TipRack, substrate: Trough,
                       reader: PlateReader, volume: float = 50):
    plate = reader.get_plate()
    await lh.pick_up_tips(tips["A1:H1"])
    for col in (1, 2, 3):
        await lh.aspirate([substrate] * 8, vols=[volume] * 8)
        await lh.dispense(plate[f"A{col}:H{col}"], vols=[volume] * 8)
    await lh.discard_tips()
    data = await reader.read_absorbance(wavelength=405)
    return data


def setup():
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = substrate = hamilton_1_trough_200ml_Vb(name="substrate")
    lh.deck.assign_child_resource(trough_car, rails=8)
    reader = PlateReader(name="reader", size_x=130, size_y=90, size_z=130,
                         backend=PlateReaderChatterboxBackend())
    lh.deck.assign_child_resource(reader, location=Coordinate(1000, 100, 0))
    reader.assign_child_resource(cor_96_wellplate_360uL_Fb(name="assay"))
    substrate.tracker.set_volume(20_000)
    return {"lh": lh, "tips": tips, "substrate": substrate, "reader": reader}
