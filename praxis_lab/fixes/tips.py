"""Tip fixes: the codemods for ``no_tips``, ``tips_already_loaded``, ``tip_spot_empty`` and
``tip_not_empty``, aware of loops.

A pick-up of one constant column inserted inside a loop makes the next iteration fail
(tips never dropped, or the same column picked twice). So inside a ``for`` loop a
missing pick-up is inserted with spots that change every iteration (``tips[f"A{col}:H{col}"]``
when the loop counts columns, else the next spots that still hold a tip) and a drop at the
end of the body when the body has none; tips still mounted from the previous iteration are
dropped at the end of the body, not before the pick-up. Where no edit keeps every
iteration right (the op is under an ``if`` inside the loop, the 96 head in a loop), no fix
is offered and the failure's message says what to do.

>>> src = ("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):\\n"
...        "    for col in range(1, 4):\\n"
...        "        await lh.pick_up_tips(tips[f'A{col}:H{col}'])\\n"
...        "        await lh.aspirate(plate[f'A{col}:H{col}'], vols=[5] * 8)\\n")
>>> from praxis_lab import simulate
>>> mode = simulate(src, cache=False).failure_modes[0]
>>> mode.kind, mode.fixes[0]["description"]
('tips_already_loaded', 'drop the tips at the end of each iteration (after line 4)')
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from praxis_lab.fixes.codemod import Fix
from praxis_lab.protocol.blocks import DROPS, PICKS, Place, locate, parsed, text, tip_op

__all__ = ["tip_fixes"]

USERS = frozenset({"aspirate", "dispense", "aspirate96", "dispense96", "transfer", "stamp"})


def tip_fixes(mode: Any, info: Any, binding: Any, state: Any, lh: str,
              ops: list[Any] | None = None) -> list[Fix]:
    """The tip fixes for one failure mode (empty when none keeps every iteration right).

    A tip user in a helper of the protocol's with no tips is fixed where the protocol calls
    the helper (the pick-up belongs to the caller: the helper is called again with tips).
    ``ops``: the report's graph operations, in execution order (what ran before the failure).
    """
    line = mode.line
    if mode.kind == "no_tips" and mode.method in USERS:
        line = _call_site(info, line) or line
    place = locate(info.source, line)
    if place is None:
        return []
    rule = _RULES.get(mode.kind)
    site = _Site(mode, info, binding, state, lh, place)
    site.line, site.ops = line, ops or []
    return rule(site) if rule else []


def _call_site(info: Any, line: int) -> int | None:
    """The protocol's first call of the helper that holds ``line`` (None: not in a helper)."""
    from praxis_lab.fixes.site import call_sites, enclosing

    fn = enclosing(info.source, line)
    protocol = next((n for n in ast.walk(parsed(info.source)) if isinstance(
        n, ast.AsyncFunctionDef | ast.FunctionDef) and n.name == info.name), None)
    if fn is None or protocol is None or fn.name == info.name:
        return None
    inside = [c for c in call_sites(info.source, fn.name)
              if protocol.lineno <= c <= (protocol.end_lineno or protocol.lineno)]
    return inside[0] if inside else None


class _Site:
    """What every tip rule reads: the failure, the protocol, and where its line is."""

    def __init__(self, mode: Any, info: Any, binding: Any, state: Any, lh: str,
                 place: Place) -> None:
        self.mode, self.info, self.binding, self.state, self.lh = mode, info, binding, state, lh
        self.place, self.source, self.line = place, info.source, mode.line
        self.n = int(mode.data.get("n", 1))
        self.ops: list[Any] = []

    def rack(self) -> str | None:
        """The tip-rack parameter the protocol picks up from (the first one if none)."""
        from praxis_lab import _plr

        racks = [n for n, o in self.binding.objects.items()
                 if isinstance(o, _plr.PLR["TipRack"])]
        used = [r for r in racks if f"{r}[" in self.source or f"({r})" in self.source]
        return (used or racks or [None])[0]


# --- no_tips ------------------------------------------------------------------------------


def _no_tips(s: _Site) -> list[Fix]:
    m, lh, line = s.mode.method, s.lh, s.line
    held = _channels_holding(s)
    if held:
        return held
    start = _run_start(s.place)
    if m.endswith("96"):
        if m == "return_tips96" and s.mode.data.get("positions"):
            return [Fix("replace_call", f"discard the tips into the trash at line {line} "
                        "instead (return_tips96 needs a full head)", line, m,
                        f"{lh}.discard_tips96()")]
        rack = s.rack()
        if rack is None or s.place.loop is not None:
            return []  # a 96 rack is picked up once: a loop needs one rack per iteration
        return [Fix("insert_before", f"pick up tips with the 96 head before line "
                    f"{start.lineno}", start.lineno, new=f"await {lh}.pick_up_tips96({rack})\n")]
    if s.place.loop is not None:
        return _loop_pick_up(s, start)
    if m in DROPS:  # a second drop goes; a drop after tips used without a pick-up stays
        used = _next_tip_stmt(s.place.before())
        if used is not None and tip_op(used) in USERS:
            return []  # the missing pick-up is the fix (of the use before it)
        return [Fix("remove", f"remove the {m} at line {line}: no tip is mounted there", line)]
    later = _next_tip_stmt(s.place.after())
    if later is not None and tip_op(later) in PICKS:  # picked up too late: move it up
        return [Fix("insert_before", f"move the pick-up at line {later.lineno} before line "
                    f"{start.lineno}", start.lineno, new=text(s.source, later),
                    also=(Fix("remove", "", later.lineno),))]
    spots = free_spots(s.binding, s.state, s.n)
    if spots is None:
        return []
    return [Fix("insert_before", f"pick up tips ({spots}) before line {start.lineno}",
                start.lineno, new=f"await {lh}.pick_up_tips({spots})\n")]


def _channels_holding(s: _Site) -> list[Fix]:
    """A liquid op on the default channels while its tips sit on others (picked up with
    ``use_channels=[0, 2, 4, 6]``): as many tips as wells, so the op takes those channels."""
    d = s.mode.data
    mounted = d.get("mounted") or []
    if s.mode.method not in ("aspirate", "dispense") or len(mounted) != d.get("n"):
        return []
    from praxis_lab.fixes.site import ARG_INDEX, arg_text

    if arg_text(s.source, s.mode.line, s.mode.method, "use_channels") is not None:
        return []
    return [Fix("replace_arg", f"{s.mode.method} with the channels that hold tips: "
                f"use_channels={mounted}", s.mode.line, s.mode.method, str(mounted),
                "use_channels", ARG_INDEX["use_channels"])]


def _loop_pick_up(s: _Site, start: ast.stmt) -> list[Fix]:
    """Pick up new tips at the start of each iteration's tip ops and drop them at its end."""
    loop = s.place.loop
    rack = s.rack()
    if loop is None or rack is None or not any(st is start for st in loop.body):
        return []  # under an if inside the loop: a pick-up there would not always run
    if s.mode.method in DROPS:  # a drop says nothing of the channels: its run's first op does
        s.n = _channels(text(s.source, start)) or s.n
    before = _mounted_at(s.source, loop)
    removed = before.lineno if before is not None and tip_op(before) in PICKS else None
    spots = loop_spots(s.source, s.binding, loop, rack, s.n, skip=removed)
    edits = [Fix("remove", "", removed)] if removed else []
    if before is not None and removed is None:
        edits.append(Fix("insert_before", "", loop.lineno,
                         new=f"await {s.lh}.{_head_discard(s, loop)}()\n"))
    after = loop.body[loop.body.index(start):]
    if not any(tip_op(st) in DROPS for st in after):
        edits += _drop_at_end(s, loop)
    return [Fix("insert_before", f"pick up {spots} in each iteration (before line "
                f"{start.lineno}) and drop them at its end", start.lineno,
                new=f"await {s.lh}.pick_up_tips({spots})\n", also=tuple(edits))]


# --- tips_already_loaded -----------------------------------------------------------------------


def _tips_loaded(s: _Site) -> list[Fix]:
    m, lh, line, loop = s.mode.method, s.lh, s.line, s.place.loop
    discard = _discard(m)
    if m in ("drop_tips", "drop_tips96"):
        return [Fix("replace_call", f"discard the tips into the trash at line {line} instead "
                    "(the spots they are dropped into hold tips)", line, m, f"{lh}.{discard}()")]
    if m in PICKS and loop is not None:
        if not s.place.in_loop_body():
            return []
        rest = loop.body[loop.body.index(s.place.stmt) + 1:]
        if not any(tip_op(st) in DROPS for st in rest):
            return [replace(_drop_at_end(s, loop)[0], description="drop the tips at the end "
                            f"of each iteration (after line {loop.body[-1].lineno})")]
        before = _mounted_at(s.source, loop)  # the first iteration meets tips from before
        if before is None:
            return []
        return [Fix("insert_before", f"discard the tips mounted before the loop at line "
                    f"{loop.lineno}", loop.lineno, new=f"await {lh}.discard_tips()\n")]
    out = _unused_pick_up(s)
    if m in PICKS:
        out.append(Fix("remove", f"remove the duplicate pick-up at line {line}", line))
        out.append(Fix("insert_before", f"discard the tips already mounted before line {line}",
                       line, new=f"await {lh}.{discard}()\n"))
        return out
    later = _next_tip_stmt(s.place.after())
    if later is not None and tip_op(later) in DROPS:  # the drop comes too late: move it up
        return [Fix("insert_before", f"move the {tip_op(later)} at line {later.lineno} before "
                    f"line {line}", line, new=text(s.source, later),
                    also=(Fix("remove", "", later.lineno),))]
    if later is None:
        return [Fix("insert_before", f"discard the tips already mounted before line {line}",
                    line, new=f"await {lh}.{discard}()\n")]
    return []


def _unused_pick_up(s: _Site) -> list[Fix]:
    """The earlier pick-up whose tips the failing pick-up meets, when nothing used them
    (no liquid op, no drop ran between the two): that one is the extra, removed (the failing
    one may be in a helper that needs it on its other calls)."""
    if s.mode.method not in PICKS or not s.mode.ops or not s.ops:
        return []
    failing = int(str(s.mode.ops[0]).rpartition("_")[2])
    for op in reversed(s.ops[:failing]):
        method = op.method_name
        if method in USERS or method in DROPS:
            return []
        if method in PICKS:
            if op.line_number == s.mode.line or locate(s.source, op.line_number) is None:
                return []
            return [Fix("remove", f"remove the pick-up at line {op.line_number}: its tips are "
                        f"never used before line {s.mode.line} picks up again",
                        op.line_number)]
    return []


# --- tip_spot_empty and tip_not_empty ----------------------------------------------------------


def _spot_empty(s: _Site) -> list[Fix]:
    m, line, loop = s.mode.method, s.line, s.place.loop
    rack = s.rack()
    if loop is not None and rack is not None:
        each = loop_spots(s.source, s.binding, loop, rack, s.n, skip=line)
        return [Fix("replace_arg", f"pick up new tips each iteration: {each}", line, m, each,
                    "tip_spots", 0)]
    spots = free_spots(s.binding, s.state, s.n)
    if spots is None:
        return []
    return [Fix("replace_arg", f"pick up from unused spots {spots} instead", line, m, spots,
                "tip_spots", 0)]


def _not_empty(s: _Site) -> list[Fix]:
    m = s.mode.method
    return [Fix("replace_call", f"discard the tips into the trash at line {s.line} instead",
                s.line, m, f"{s.lh}.{_discard(m)}()")]


_RULES = {"no_tips": _no_tips, "tips_already_loaded": _tips_loaded,
          "tip_spot_empty": _spot_empty, "tip_not_empty": _not_empty}


def _discard(method: str) -> str:
    """The discard that matches ``method``'s head: ``discard_tips96`` for a 96-head op."""
    return "discard_tips96" if method.endswith("96") else "discard_tips"


# --- where the tips are -------------------------------------------------------------------------


def _run_start(place: Place) -> ast.stmt:
    """The first statement of the run of tip users that ends at ``place`` (a pick-up inserted
    before it serves them all)."""
    start = place.stmt
    for st in place.before():
        op = tip_op(st)
        if op in PICKS or op in DROPS or not isinstance(st, ast.Expr | ast.Assign):
            break
        if op in USERS:
            start = st
    return start


def _channels(call: str) -> int | None:
    """How many channels a call's wells name: ``plate[f"A{c}:H{c}"]`` is 8, ``[v] * 4`` is 4."""
    import re

    m = re.search(r"""\[f?["']([A-Z])[^:"']*:([A-Z])""", call)
    if m:
        return ord(m.group(2)) - ord(m.group(1)) + 1
    m = re.search(r"\]\s*\*\s*(\d+)", call)
    return int(m.group(1)) if m else None


def _next_tip_stmt(stmts: list[ast.stmt]) -> ast.stmt | None:
    """The first statement among ``stmts`` that picks up, uses or drops tips."""
    return next((st for st in stmts if tip_op(st) in PICKS | DROPS | USERS), None)


def _mounted_at(source: str, loop: ast.stmt) -> ast.stmt | None:
    """The pick-up (or tip use) before ``loop`` whose tips are still mounted when it starts."""
    place = locate(source, loop.lineno)
    if place is None:
        return None
    first = None
    for st in place.before():
        op = tip_op(st)
        if op in DROPS:
            return None
        if op in PICKS:
            return first or st
        if op in USERS:
            first = first or st
    return None


def _drop_at_end(s: _Site, loop: ast.For | ast.AsyncFor) -> list[Fix]:
    """Drop the tips after the loop body's last statement; a drop that followed the loop
    moves there (it would meet no tips)."""
    place = locate(s.source, loop.lineno)
    later = _next_tip_stmt(place.after()) if place is not None else None
    also: tuple[Fix, ...] = ()
    new = f"await {s.lh}.{_head_discard(s, loop)}()\n"
    if later is not None and tip_op(later) in DROPS:
        also = (Fix("remove", "", later.lineno),)
        call = later.value.value if isinstance(later, ast.Expr) and isinstance(
            later.value, ast.Await) else None
        if isinstance(call, ast.Call) and not call.args and not call.keywords:
            new = text(s.source, later)
    return [Fix("insert_after", "", loop.body[-1].lineno, new=new, also=also)]


def _head_discard(s: _Site, loop: ast.For | ast.AsyncFor) -> str:
    """The discard of the head the loop's tips are on: ``discard_tips96`` when the loop
    picks up or uses tips with the 96 head."""
    ops = {tip_op(st) for st in ast.walk(loop) if isinstance(st, ast.stmt)}
    head96 = s.mode.method.endswith("96") or any(op and op.endswith("96") for op in ops)
    return "discard_tips96" if head96 else "discard_tips"


def free_spots(binding: Any, state: Any, n: int) -> str | None:
    """An expression for ``n`` unused tip spots of a tip-rack parameter (a column range)."""
    from praxis_lab import _plr

    spots = state.spots if state is not None else {}
    for name, obj in binding.objects.items():
        if not isinstance(obj, _plr.PLR["TipRack"]):
            continue

        def has_tip(ident: str, rack: Any = obj, label: str = name) -> bool:
            key = f"{label}[{ident}]"
            if key in spots:  # what the simulation left there
                return bool(spots[key])
            return bool(binding.starts_with_tip(rack.get_item(ident)))

        for col in range(1, obj.num_items_x + 1):
            ids = [f"{chr(65 + r)}{col}" for r in range(min(n, obj.num_items_y))]
            if len(ids) == n and all(has_tip(i) for i in ids):
                return f'{name}["{ids[0]}:{ids[-1]}"]' if n > 1 else f'{name}["{ids[0]}"]'
    return None


def loop_spots(source: str, binding: Any, loop: ast.For | ast.AsyncFor, rack: str, n: int,
               skip: int | None = None) -> str:
    """Tip spots that are new in every iteration of ``loop``.

    A loop over ``range(...)`` picking a whole column gets ``rack[f"A{col}:H{col}"]``, shifted
    to the first columns that hold tips before the protocol and that no other pick-up (except
    the one at line ``skip``) names; any other loop takes the next spots that hold a tip, in
    ``rack`` then in the protocol's other racks (a loop that uses one rack up moves on).
    """
    import re

    obj = binding.objects[rack]
    values = _range_values(loop)
    if values and isinstance(loop.target, ast.Name) and n == obj.num_items_y:
        lines = source.splitlines()
        named = {int(c) for i, t in enumerate(lines, start=1) if i != skip and "pick_up" in t
                 for c in re.findall(rf'{re.escape(rack)}\["A(\d+):', t)}
        last = chr(64 + obj.num_items_y)
        for k in sorted(range(1 - min(values), obj.num_items_x + 1 - max(values)), key=abs):
            cols = [v + k for v in values]
            if not named & set(cols) and all(
                    binding.starts_with_tip(obj.get_item(f"{chr(65 + r)}{c}"))
                    for c in cols for r in range(obj.num_items_y)):
                var = loop.target.id + (f" + {k}" if k > 0 else f" - {-k}" if k else "")
                return f'{rack}[f"A{{{var}}}:{last}{{{var}}}"]'
    from praxis_lab import _plr

    racks = [rack] + [name for name, o in binding.objects.items()
                      if name != rack and isinstance(o, _plr.PLR["TipRack"])]
    if len(racks) == 1:
        return f"[s for s in {rack}.get_all_items() if s.has_tip()][:{n}]"
    # the next spots with a tip, moving on to the protocol's next rack when one is used up
    return (f"[s for r in ({', '.join(racks)}) for s in r.get_all_items() if s.has_tip()]"
            f"[:{n}]")


def _range_values(loop: ast.For | ast.AsyncFor) -> list[int]:
    """The values of ``for v in range(<constants>)``, or [] for any other loop."""
    it = loop.iter
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and
            it.func.id == "range" and not it.keywords):
        return []
    try:
        args = [ast.literal_eval(a) for a in it.args]
        return list(range(*args))
    except (ValueError, TypeError):
        return []
