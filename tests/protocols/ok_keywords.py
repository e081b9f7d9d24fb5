"""Every argument by keyword, PLR's optional lists included."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def by_keyword(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate):
    channels = list(range(8))
    await lh.pick_up_tips(tip_spots=tips["A3:H3"], use_channels=channels)
    await lh.aspirate(resources=source["A3:H3"], vols=[75.5] * 8, use_channels=channels,
                      flow_rates=[None] * 8)
    await lh.dispense(resources=dest["A3:H3"], vols=[75.5] * 8, use_channels=channels,
                      blow_out_air_volume=[None] * 8)
    await lh.drop_tips(tip_spots=tips["A3:H3"], use_channels=channels)
