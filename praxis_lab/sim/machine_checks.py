"""What every machine rule checks first: the call's arguments against the front end's
signature and the backend the setup names.

PLR 0.2.2's front ends pass most arguments straight to the backend:
``Shaker.shake(speed, duration, **backend_kwargs)`` calls
``self.backend.start_shaking(speed=speed, **backend_kwargs)``. So a keyword the backend's
method does not take is a ``TypeError`` there, and a value outside the range the backend
asserts (the real Hamilton heater shaker: ``20 <= speed <= 2_000``; its chatterbox: any) an
``AssertionError`` or ``ValueError``. Both are read from PLR's source by
:mod:`praxis_lab._plr.backend_calls`; nothing is run. A number where the front end's
signature wants a list (a thermocycler temperature per zone) is a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab._plr import backend_calls
from praxis_lab._plr import machines as plr_machines
from praxis_lab.sim.context import Context
from praxis_lab.sim.state import _n
from praxis_lab.trace.sym import concrete

__all__ = ["Rule", "backend_ok", "lists_ok", "machine_of", "move_hint", "num", "own", "setting",
           "simple"]

Rule = Callable[[Context], None]


def machine_of(ctx: Context) -> Any:
    op = ctx.op
    return op.machine if op.machine is not None else ctx.binding.objects.get(op.receiver)


def num(value: Any) -> float | None:
    value = concrete(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def backend_ok(ctx: Context, method: str | None = None, values: dict[str, Any] | None = None,
               shown: Callable[[str, float, float], tuple[str, str, float]] | None = None,
               ) -> bool:
    """What the machine's backend refuses at this call: ``**backend_kwargs`` that do not
    bind to its method (TypeError), then a value outside a range it asserts.

    ``method`` and ``values``: the front-end method and arguments whose backend call is
    checked, when the rule computes them (``tilt`` turns to the current angle plus its
    own); ``shown(arg, value, nearest)`` then names the call, the argument a fix changes
    and its value in range."""
    op, machine = ctx.op, machine_of(ctx)
    kind = op.receiver_type
    refused = backend_calls.bind_error(machine, kind, op.method, op.args)
    if refused is not None:
        call, why = refused
        ctx.fail("bad_arguments", f"{op.receiver}.{op.method} passes its arguments on to "
                 f"{call}, which refuses them ({why}); pass what that method takes",
                 [op.receiver], plr_error="TypeError", backend_call=call)
        return False
    given = {k: num(v) for k, v in (values or op.args).items()}
    numbers = {k: v for k, v in given.items() if v is not None}
    for name, value, rng in backend_calls.out_of_range(machine, kind, method or op.method,
                                                      numbers):
        backend = type(getattr(machine, "backend", None)).__name__
        call, arg, fixed = (shown or _as_given(op))(name, value, rng.nearest(value))
        ctx.fail("out_of_range", f"{call}: {backend} accepts {rng.text()} (it raises "
                 f"{rng.error}); use a value in that range", [op.receiver],
                 plr_error=rng.error, arg=arg, value=value, low=rng.low, high=rng.high,
                 nearest=fixed, where=rng.where)
        return False
    return True


def _as_given(op: Any) -> Callable[[str, float, float], tuple[str, str, float]]:
    return lambda name, value, nearest: (f"{op.receiver}.{op.method}({name}={_n(value)})",
                                         name, nearest)


def lists_ok(ctx: Context) -> bool:
    """A number where the front end's signature wants a list (a thermocycler's temperature,
    one per zone): PLR takes ``len()`` of it, a ``TypeError``."""
    spec = plr_machines.machine_catalogue(ctx.op.receiver_type).get(ctx.op.method)
    for p in spec.params if spec is not None else ():
        value = concrete(ctx.op.args.get(p.name))
        if p.annotation.replace("typing.", "").startswith(("List[", "list[", "Optional[List[")) \
                and isinstance(value, int | float) and not isinstance(value, bool):
            ctx.fail("bad_arguments", f"{p.name} must be a list (one value per zone), got "
                     f"{_n(value)}; write {p.name}=[{_n(value)}]", [ctx.op.receiver],
                     plr_error="TypeError", arg=p.name, scalar=value, n=1)
            return False
    return True


def simple(effect: Callable[[Context, Any], None] | None = None) -> Rule:
    """A call whose only checks are the backend's: then its effect on the machine."""
    def rule(ctx: Context) -> None:
        if lists_ok(ctx) and backend_ok(ctx) and effect is not None:
            effect(ctx, machine_of(ctx))
    return rule


def setting(field: str, value: Any) -> Rule:
    return simple(lambda ctx, m: ctx.devices.set(m, field, value))


def move_hint(ctx: Context, plate: str | None, where: str) -> str:
    """``await lh.move_plate(plate, reader)`` with the protocol's own handler name."""
    lh = next((p.name for p in ctx.binding.info.params if p.kind == "machine"), "lh")
    return f"await {lh}.move_plate({plate or '<plate>'}, {where})"


def own(ctx: Context, kind: str, text: str, resources: list[str], **data: Any) -> None:
    """A failure PLR 0.2.2 lets through: praxis_lab's own check."""
    ctx.fail(kind, text, resources, own=True, **data)
