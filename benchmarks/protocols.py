"""Sources of the benchmark protocols (plain strings, as a user would write them).

Every generator returns the source of a module with one async protocol and, where
the benchmark needs exact volumes or a real PLR run, a ``make_deck()`` setup that
builds a STARLet deck on the chatterbox backend with the same labware the
simulator proposes (1000 µL filter tips on a ``TIP_CAR_480_A00``, Corning 360 µL
plates on a ``PLT_CAR_L5AC_A00``), source wells filled.

- :func:`plate_copy` — 96-well plate copy, 12 columns × pick/aspirate/dispense/drop (48 ops).
- :func:`generated` — ``n_ops`` ops from a loop (tips returned and re-used, liquid moved
  back and forth so nothing over- or under-flows): the scaling benchmark.
- :func:`unrolled` — the same ops written out one call per line (parse cost scales too).
- :func:`branchy` — ``n_ifs`` independent ``if``s on numeric parameters (2**n_ifs paths).
- :func:`broken` — several failure kinds on several paths (failure enumeration).
"""

from __future__ import annotations

__all__ = ["branchy", "broken", "generated", "plate_copy", "unrolled"]

_IMPORTS = '''\
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.resources import Plate, TipRack
'''

_SETUP = '''

def make_deck():
    """A STARLet on the chatterbox backend, source wells filled with {fill:g} µL."""
    import contextlib

    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import (
        PLT_CAR_L5AC_A00,
        TIP_CAR_480_A00,
        STARLetDeck,
        cor_96_wellplate_360uL_Fb,
        hamilton_96_tiprack_1000uL_filter,
    )

    with contextlib.redirect_stdout(None):
        lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=8),
                           deck=STARLetDeck())
    check = getattr(lh.deck, "_check_safe_z_height", None)
    if check is not None:  # only logs height warnings, ~100 ms per plate
        lh.deck.deregister_did_assign_resource_callback(check)
    tip_car = TIP_CAR_480_A00(name="tip_car")
    tips = hamilton_96_tiprack_1000uL_filter(name="tips")
    tip_car[0] = tips
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    source = cor_96_wellplate_360uL_Fb(name="source")
    dest = cor_96_wellplate_360uL_Fb(name="dest")
    plate_car[0] = source
    plate_car[1] = dest
    lh.deck.assign_child_resource(tip_car, rails=1)
    lh.deck.assign_child_resource(plate_car, rails=7)
    source.set_well_volumes([{fill!r}] * 96)
    return {{"lh": lh, "tips": tips, "source": source, "dest": dest}}
'''


def _setup(fill: float) -> str:
    return _SETUP.format(fill=float(fill))


def plate_copy(columns: int = 12, volume: float = 100, fill: float = 200,
               setup: bool = True) -> str:
    """Copy ``columns`` columns of a 96-well plate with 8 channels (4 ops per column)."""
    if not 1 <= columns <= 12:
        raise ValueError("columns must be 1..12")
    src = _IMPORTS + f'''

async def copy_plate(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                     volume: float = {float(volume)!r}):
    for col in range(1, {columns + 1}):
        await lh.pick_up_tips(tips[f"A{{col}}:H{{col}}"])
        await lh.aspirate(source[f"A{{col}}:H{{col}}"], vols=[volume] * 8)
        await lh.dispense(dest[f"A{{col}}:H{{col}}"], vols=[volume] * 8)
        await lh.drop_tips(tips[f"A{{col}}:H{{col}}"])
'''
    return src + (_setup(fill) if setup else "")


def _check_ops(n_ops: int) -> int:
    if n_ops < 4 or n_ops % 4:
        raise ValueError("n_ops must be a positive multiple of 4")
    return n_ops // 4


def generated(n_ops: int, volume: float = 10, fill: float = 200, setup: bool = True) -> str:
    """A loop of ``n_ops`` ops: pick up a column of tips, move ``volume`` µL, return the tips.

    Odd cycles move the liquid back (dest → source), so volumes stay bounded however
    many ops there are; tips are returned to their spots and picked up again.
    """
    cycles = _check_ops(n_ops)
    src = _IMPORTS + f'''

async def many_ops(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                   volume: float = {float(volume)!r}):
    for i in range({cycles}):
        col = i // 2 % 12 + 1
        cols = f"A{{col}}:H{{col}}"
        a, b = (source, dest) if i % 2 == 0 else (dest, source)
        await lh.pick_up_tips(tips[cols])
        await lh.aspirate(a[cols], vols=[volume] * 8)
        await lh.dispense(b[cols], vols=[volume] * 8)
        await lh.return_tips()
'''
    return src + (_setup(fill) if setup else "")


def unrolled(n_ops: int, volume: float = 10, fill: float = 200, setup: bool = False) -> str:
    """The ops of :func:`generated` written out, one PLR call per source line."""
    cycles = _check_ops(n_ops)
    lines = [_IMPORTS, "", "async def many_ops_unrolled(lh: LiquidHandler, tips: TipRack, "
             f"source: Plate, dest: Plate, volume: float = {float(volume)!r}):"]
    for i in range(cycles):
        col = i // 2 % 12 + 1
        cols = f"A{col}:H{col}"
        a, b = ("source", "dest") if i % 2 == 0 else ("dest", "source")
        lines += [
            f'    await lh.pick_up_tips(tips["{cols}"])',
            f'    await lh.aspirate({a}["{cols}"], vols=[volume] * 8)',
            f'    await lh.dispense({b}["{cols}"], vols=[volume] * 8)',
            "    await lh.return_tips()",
        ]
    return "\n".join(lines) + "\n" + (_setup(fill) if setup else "")


def branchy(n_ifs: int = 8, threshold: float = 50) -> str:
    """``n_ifs`` independent ``if v_k > threshold`` on float parameters: 2**n_ifs paths.

    Each branch moves a different volume through its own column; every path is valid.
    """
    if not 1 <= n_ifs <= 12:
        raise ValueError("n_ifs must be 1..12")
    params = ", ".join(f"v{k}: float = 20" for k in range(1, n_ifs + 1))
    body = ['    await lh.pick_up_tips(tips["A1:H1"])']
    for k in range(1, n_ifs + 1):
        body += [
            f"    if v{k} > {threshold!r}:",
            f'        await lh.aspirate(source["A{k}:H{k}"], vols=[v{k}] * 8)',
            f'        await lh.dispense(dest["A{k}:H{k}"], vols=[v{k}] * 8)',
            "    else:",
            f'        await lh.aspirate(source["A{k}:H{k}"], vols=[10] * 8)',
            f'        await lh.dispense(dest["A{k}:H{k}"], vols=[10] * 8)',
        ]
    body.append('    await lh.drop_tips(tips["A1:H1"])')
    return (_IMPORTS + "\n\nasync def branchy(lh: LiquidHandler, tips: TipRack, source: Plate, "
            f"dest: Plate,\n                  {params}):\n" + "\n".join(body) + "\n")


def broken() -> str:
    """A protocol that fails in several ways, some always and some only on some paths.

    Expected failure kinds: ``no_tips``, ``tips_already_loaded``, ``tip_volume_exceeded``,
    ``over_capacity``, ``unknown_method``, ``tip_spot_empty`` (4 paths).
    """
    return _IMPORTS + '''

async def broken(lh: LiquidHandler, tips: TipRack, source: Plate, dest: Plate,
                 volume: float = 100, rounds: int = 1):
    await lh.aspirate(source["A1:H1"], vols=[volume] * 8)
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.pick_up_tips(tips["A2:H2"])
    if volume > 150:
        await lh.aspirate(source["A1:H1"], vols=[volume * 8] * 8)
    else:
        await lh.aspirate(source["A1:H1"], vols=[volume] * 8)
        await lh.dispense(dest["A1:H1"], vols=[volume] * 8)
    if rounds > 2:
        await lh.aspirate(source["A2:H2"], vols=[300] * 8)
        await lh.dispense(dest["A2:H2"], vols=[300] * 8)
        await lh.aspirate(source["A3:H3"], vols=[300] * 8)
        await lh.dispense(dest["A2:H2"], vols=[300] * 8)
    await lh.transfer_96(source, dest)
    await lh.discard_tips()
    await lh.pick_up_tips(tips["A1:H1"])
    await lh.discard_tips()
'''
