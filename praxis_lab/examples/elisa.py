"""An ELISA read-out bench: a STARlet, a heater shaker and a plate reader beside its deck,
all on PyLabRobot's chatterbox backends (they move nothing).

PLR's chatterbox plate reader answers every read with the grid it is given; this bench
gives it one shaped like an ELISA plate read at 450 nm (:data:`OD450`: a 1:2 standard
series in columns 1-2, sixteen samples in duplicate rows in columns 3-6, blanks after), so
a run's reading has something to show. Used by ``notebooks/05_multi_device.ipynb``.
"""

from pylabrobot.heating_shaking import HeaterShaker, HeaterShakerChatterboxBackend
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Coordinate,
    STARLetDeck,
    Trough_CAR_4R200_A00,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_300uL,
)

STANDARDS = [2.41, 1.62, 0.98, 0.55, 0.31, 0.18, 0.11, 0.06]  # rows A-H of columns 1 and 2
SAMPLES = [[0.84, 1.12, 0.43, 1.95], [0.77, 1.05, 0.47, 2.02], [0.36, 0.29, 0.91, 0.66],
           [0.33, 0.31, 0.88, 0.71], [1.48, 0.12, 0.64, 0.25], [1.52, 0.14, 0.59, 0.22],
           [0.09, 0.57, 1.31, 0.41], [0.08, 0.61, 1.27, 0.44]]  # rows A-H of columns 3-6
OD450 = [[s, s, *SAMPLES[r], *[0.05] * 6] for r, s in enumerate(STANDARDS)]


def elisa_bench():
    """Tips on rail 1, substrate and stop solution troughs on rail 8, the coated plate on
    rail 14; the heater shaker and the plate reader stand right of the deck."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tip_car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(tip_car, rails=1)
    trough_car = Trough_CAR_4R200_A00(name="trough_car")
    trough_car[0] = substrate = hamilton_1_trough_200ml_Vb(name="substrate")
    trough_car[1] = stop = hamilton_1_trough_200ml_Vb(name="stop")
    lh.deck.assign_child_resource(trough_car, rails=8)
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    hs = HeaterShaker(name="hs", size_x=147, size_y=104, size_z=116,
                      backend=HeaterShakerChatterboxBackend(),
                      child_location=Coordinate(0, 0, 116))
    lh.deck.assign_child_resource(hs, location=Coordinate(1030, 0, 0))
    reader_backend = PlateReaderChatterboxBackend()
    reader_backend.dummy_absorbance = [list(row) for row in OD450]
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120,
                         backend=reader_backend)
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    substrate.tracker.set_volume(60_000)
    stop.tracker.set_volume(30_000)
    return {"lh": lh, "tips": tips, "plate": plate, "substrate": substrate, "stop": stop,
            "hs": hs, "reader": reader}
