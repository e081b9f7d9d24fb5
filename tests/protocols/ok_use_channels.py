"""Work on channel 2 only with `with lh.use_channels([2])`."""
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack


async def channel_two(lh: LiquidHandler, tips: TipRack, plate: Plate):
    with lh.use_channels([2]):
        await lh.pick_up_tips(tips["B2"])
        await lh.aspirate(plate["A1"], vols=[40])
        await lh.dispense(plate["A2"], vols=[40])
        await lh.drop_tips(tips["B2"])
    await lh.pick_up_tips(tips["C2"])
    await lh.discard_tips()
