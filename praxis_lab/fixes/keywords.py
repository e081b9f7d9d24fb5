"""Fixes of a call's arguments: a keyword PLR does not know for one it wants (``volumes=``
for ``vols=``), ``vols`` missing (the partner call's), one option for every channel
(``liquid_height=[1.0]``), and the tips of a rack where PLR wants their spots
(``tips.get_tips(...)`` for ``tips.get_items(...)``).

>>> source = "async def p(lh, a, b):\\n    await lh.aspirate(a, volumes=[5])\\n"
>>> renamed_keyword(source, 2, "aspirate", "vols")
'lh.aspirate(a, vols=[5])'
"""

from __future__ import annotations

import ast
import difflib
import re

from praxis_lab.fixes.codemod import Fix
from praxis_lab.fixes.site import ARG_INDEX, Failure, arg_text, find_call
from praxis_lab.protocol.blocks import DROPS, PICKS, locate, tip_op

__all__ = [
    "missing_vols",
    "misspelt_keyword",
    "one_per_channel",
    "renamed_keyword",
    "spots_not_tips",
]


def renamed_keyword(source: str, line: int, method: str, wanted: str) -> str | None:
    """The call at ``line`` with the keyword closest to ``wanted`` renamed to it, or None
    when the call has no such keyword (or already has ``wanted``)."""
    call = find_call(source, line, method)
    if call is None:
        return None
    names = [k.arg for k in call.keywords if k.arg]
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    text = ast.get_source_segment(source, call)
    if wanted in names or not close or text is None:
        return None
    return re.sub(rf"\b{re.escape(close[0])}(\s*)=", rf"{wanted}\1=", text, count=1)


def misspelt_keyword(f: Failure, wanted: str) -> list[Fix]:
    """A required argument missing because the call spells its keyword otherwise: rename it
    (``**backend_kwargs`` took the misspelt one without a word)."""
    new = renamed_keyword(f.source, f.line, f.m, wanted)
    if new is None:
        return []
    return [Fix("replace_call", f"{wanted}= is PLR's keyword: {new}", f.line, f.m, new)]


def one_per_channel(f: Failure) -> list[Fix]:
    """One entry given for several channels: the same entry for each."""
    d = f.d
    shown = f.arg(d["arg"])
    if not shown:
        return []
    new = f"{shown} * {d['n']}"
    return [Fix("replace_arg", f"one {d['arg']} per channel: {new}", f.line, f.m, new,
                d["arg"], ARG_INDEX.get(d["arg"], 99))]


def spots_not_tips(f: Failure) -> list[Fix]:
    """``tips.get_tips(...)`` gives the tips themselves: ``get_items`` gives their spots."""
    shown = f.arg("tip_spots")
    if not shown or ".get_tips(" not in shown:
        return []
    new = shown.replace(".get_tips(", ".get_items(", 1)
    return [Fix("replace_arg", f"pick up from the rack's spots: {new}", f.line, f.m, new,
                "tip_spots", 0)]


def missing_vols(f: Failure) -> list[Fix]:
    """``vols`` missing: the volumes of the call that moves the same liquid (the dispense
    after an aspirate, the aspirate before a dispense)."""
    place = locate(f.source, f.line)
    if place is None or f.m not in ("aspirate", "dispense"):
        return []
    partner = "dispense" if f.m == "aspirate" else "aspirate"
    for st in place.after() if f.m == "aspirate" else place.before():
        op = tip_op(st)
        if op in PICKS or op in DROPS or op == f.m:
            break
        if op == partner:
            vols = arg_text(f.source, st.lineno, op, "vols")
            if vols:
                return [Fix("replace_arg", f"{f.m} vols={vols}, as the {partner} at line "
                            f"{st.lineno}", f.line, f.m, vols, "vols", 1)]
    return []
