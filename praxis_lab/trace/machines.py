"""Stand-ins for PLR's machines: a plate reader, heater shaker, thermocycler... that records.

A :class:`TracedMachine` is to a ``PlateReader`` what
:class:`~praxis_lab.trace.proxies.TracedHandler` is to a ``LiquidHandler``: every awaited
call becomes an :class:`~praxis_lab.trace.tracer.Op` whose ``receiver`` names the machine
and ``receiver_type`` its kind, and returns at once; its backend is never called. A
method the machine does not have is recorded (``known=False``) for the simulator to
report. Reads return what PLR's chatterbox backends return (a grid of 0.0 per read well),
and getters the values the path itself set (``get_temperature`` after
``set_temperature(37)`` is 37), so a protocol that branches on them runs.

A real machine the protocol reaches another way (``lh.deck.get_resource("reader")``,
``loader.centrifuge``) is answered the same way: its operations are routed once
(:func:`install`) to its stand-in while a trace is running, and run unchanged elsewhere.
``asyncio.sleep`` inside a trace records a ``sleep`` op (:func:`record_sleep`): the
simulator adds it to the protocol's duration and never waits. What each call answers is
:mod:`praxis_lab.trace.machine_answers`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab._plr import machines as plr_machines
from praxis_lab.trace.calls import Done, raised_into, unwrap
from praxis_lab.trace.machine_answers import (
    RESULTS,
    get_plate,
    number,
    remember,
    site_by_plate_name,
)
from praxis_lab.trace.scope import route
from praxis_lab.trace.sym import concrete
from praxis_lab.trace.tracer import Op, TraceIssue, Tracer, _Bound

__all__ = ["TracedMachine", "duration_of", "install", "record_sleep"]


class _MachineCall:
    __slots__ = ("machine", "name", "spec")

    def __init__(self, machine: TracedMachine, name: str, spec: _plr.OpSpec | None) -> None:
        self.machine, self.name, self.spec = machine, name, spec

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        machine = self.machine
        tracer = machine._tracer
        line, col = tracer.where()
        args = tuple(unwrap(a) for a in args)
        kwargs = {k: unwrap(v) for k, v in kwargs.items()}
        error = None
        if self.spec is None:
            bound: dict[str, Any] = {"args": list(args), **kwargs}
        else:
            try:
                bound = self.spec.bind(args, kwargs)
            except _plr.BindError as exc:
                bound, error = {"args": list(args), **kwargs}, str(exc)
        op = Op(len(tracer.ops), self.name, line, col, bound, machine._name,
                self.spec is not None, error, None, receiver_type=machine._kind,
                machine=machine._real)
        if self.spec is None or error is not None:
            tracer.record(op)
            return Done()
        raising = raised_into(tracer, op)
        if raising is not None:
            return raising
        remember(machine, self.name, bound)
        result = RESULTS.get(self.name)
        return Done(result(machine, bound) if result is not None else None)


class _StateCall:
    """``reader.assign_child_resource(plate)`` in a protocol: a state op, never run."""

    def __init__(self, machine: TracedMachine, name: str) -> None:
        self.machine, self.name = machine, name

    def __call__(self, resource: Any, *args: Any, **kwargs: Any) -> None:
        machine = self.machine
        tracer = machine._tracer
        line, col = tracer.where()
        tracer.record(Op(len(tracer.ops), self.name, line, col, {"resource": unwrap(resource)},
                         machine._name, True, None, None, "state",
                         receiver_type=machine._kind, machine=machine._real))


class _Backend:
    """A machine's ``backend`` while traced: any use stops the path (it would drive the
    device)."""

    def __init__(self, machine: TracedMachine) -> None:
        object.__setattr__(self, "_machine", machine)

    def __getattr__(self, name: str) -> Any:
        machine: TracedMachine = object.__getattribute__(self, "_machine")
        line, col = machine._tracer.where()
        raise _Bound(TraceIssue(
            "reads_state", f"the protocol reaches into {machine._name}.backend.{name}: "
            "simulation never drives a device; call the machine's own methods "
            f"({', '.join(sorted(plr_machines.machine_catalogue(machine._kind))[:4])}...)",
            line, col))


class TracedMachine:
    """The stand-in for a machine parameter: records calls, drives nothing."""

    def __init__(self, tracer_ref: Callable[[], Tracer], real: Any, name: str, kind: str,
                 named: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_tracer_ref", tracer_ref)
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_named", named or {})
        object.__setattr__(self, "_shadow", _start(real, kind))

    @property
    def _tracer(self) -> Tracer:
        return self._tracer_ref()  # type: ignore[no-any-return]

    def _stands_for(self) -> Any:
        """The real machine (what an op records when the stand-in is an argument)."""
        return self._real

    def __getattr__(self, name: str) -> Any:
        kind = self._kind
        spec = plr_machines.machine_catalogue(kind).get(name)
        if spec is not None:
            return _MachineCall(self, name, spec)
        if name == "backend":
            return _Backend(self)
        if name in plr_machines.STATE_WRITES:
            return _StateCall(self, name)
        if name == "setup_finished":
            return True  # the run sets every machine up before the protocol starts
        if name == "get_site_by_plate_name" and (
                lookup := site_by_plate_name(self)) is not None:
            return lookup
        if name == "get_plate" and kind == "PlateReader":
            return lambda: get_plate(self)
        if name in plr_machines.state_reads(kind):
            if name == "absolute_angle" and self._shadow.get("angle") is not None:
                return self._shadow["angle"]
            if name == "target_temperature" and "temperature" in self._shadow:
                return self._shadow["temperature"]
            line, col = self._tracer.where()
            raise _Bound(TraceIssue(
                "reads_state", f"the protocol reads {self._name}.{name}, the live state of a "
                f"{kind}, while it is being simulated; keep track of it in the protocol "
                "instead", line, col))
        if self._real is not None and hasattr(self._real, name):
            return getattr(self._real, name)
        return _MachineCall(self, name, None)

    def __setattr__(self, name: str, value: Any) -> None:
        line, col = self._tracer.where()
        raise _Bound(TraceIssue(
            "reads_state", f"the protocol sets {self._name}.{name} while it is being "
            "simulated; set machines up in the setup instead", line, col))

    def __repr__(self) -> str:
        return f"<traced {self._kind} {self._name}>"


def _start(real: Any, kind: str) -> dict[str, Any]:
    """What the getters answer before the protocol sets anything: the simulator backend's
    own start values (a chatterbox's dummy temperature), read, never asked for."""
    backend = getattr(real, "backend", None)
    shadow: dict[str, Any] = {}
    dummy = getattr(backend, "_dummy_temperature", None)
    if isinstance(dummy, int | float):
        shadow["temperature"] = float(dummy)
    angle = getattr(real, "_absolute_angle", None)
    if isinstance(angle, int | float):
        shadow["angle"] = float(angle)
    return shadow


def record_sleep(tracer: Tracer, delay: Any) -> None:
    """``await asyncio.sleep(delay)`` in a traced protocol: a ``sleep`` op (no waiting)."""
    line, col = tracer.where()
    tracer.record(Op(len(tracer.ops), "sleep", line, col, {"delay": concrete(delay)},
                     "asyncio", True, None, None, receiver_type="asyncio"))


def machine_call(tracer_ref: Callable[[], Tracer], stand_ins: dict[int, TracedMachine],
                 labels: dict[int, str], obj: Any, method: str, args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> Any:
    """A routed call on a real machine inside a trace: made on its stand-in (one per
    machine and path), named by its parameter or its resource name."""
    machine = stand_ins.get(uid(obj))
    if machine is None or machine._real is not obj:
        kind = plr_machines.kind_of(obj) or type(obj).__name__
        name = labels.get(uid(obj)) or str(getattr(obj, "name", kind))
        machine = stand_ins[uid(obj)] = TracedMachine(tracer_ref, obj, name, kind)
    return getattr(machine, method)(*args, **kwargs)


def install() -> None:
    """Route every machine operation once: inside a trace a real machine is answered by its
    stand-in (``TrackerHooks.machine_call``); everywhere else it runs unchanged."""
    for owner, name in plr_machines.routed_methods():
        route(owner, name, "machine_call")


def duration_of(op: Op) -> float | None:
    """How long a call takes by its own arguments (seconds), None when it takes no set
    time: a shake, spin or seal for its ``duration``, a sleep for its ``delay``, a
    thermocycler profile for its holds (it runs on while the protocol goes on)."""
    args = op.args
    if op.receiver_type == "LiquidHandler" or op.bind_error is not None or not op.known:
        return None
    if op.method == "sleep":
        return number(args.get("delay"))
    if op.method in ("shake", "spin", "seal", "start_spin_cycle"):
        return number(args.get("duration"))
    if op.method == "run_protocol":
        return plr_machines.profile_seconds(concrete(args.get("protocol")))
    if op.method == "run_pcr_profile":
        try:
            steps = sum(float(concrete(args[f"{s}_time"]))
                        for s in ("denaturation", "annealing", "extension"))
            total = steps * float(concrete(args["num_cycles"]))
            for extra in ("pre_denaturation", "final_extension", "storage"):
                if args.get(f"{extra}_temp") is not None and args.get(f"{extra}_time"):
                    total += float(concrete(args[f"{extra}_time"]))
        except (TypeError, ValueError, KeyError):
            return None
        return total
    return None
