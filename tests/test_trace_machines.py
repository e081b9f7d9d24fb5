"""Simulation never drives a machine: every machine is a stand-in that records its calls.

Each PLR machine kind is given a backend whose every method raises; a protocol that calls
every operation of the machine (as a parameter, and found on the deck by name) must
simulate without one backend call, print nothing, and record each call as an op naming
the machine.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from praxis_lab import _plr
from praxis_lab._plr import machines as plr_machines
from praxis_lab._plr.default_machines import default_machine
from praxis_lab.pipeline import simulate

KINDS = sorted(plr_machines.KINDS)


class BackendCalled(AssertionError):
    """A machine's backend was called while simulating."""


def _refuse(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise BackendCalled(f"backend.{name} called while simulating")

    async def refuse_async(*args: Any, **kwargs: Any) -> Any:
        raise BackendCalled(f"backend.{name} called while simulating")

    return refuse, refuse_async


def refusing(backend: Any) -> Any:
    """``backend`` as an instance of a subclass whose every method and property raises."""
    cls = type(backend)
    overrides: dict[str, Any] = {}
    for name in dir(cls):
        if name.startswith("__"):
            continue
        member = inspect.getattr_static(cls, name)
        sync, coro = _refuse(name)
        if isinstance(member, property):
            overrides[name] = property(sync)
        elif inspect.iscoroutinefunction(member):
            overrides[name] = coro
        elif inspect.isfunction(member):
            overrides[name] = sync
    refusing_cls = type(f"Refusing{cls.__name__}", (cls,), overrides)
    obj = object.__new__(refusing_cls)
    obj.__dict__.update(vars(backend))
    return obj


def machine(kind: str, name: str) -> Any:
    made = default_machine(kind, name)
    made.backend = refusing(made.backend)
    return made


def _value(param: _plr.ParamSpec) -> str:
    if "List" in param.annotation or "list" in param.annotation:
        return "[25.0]"
    if param.name in ("plate_name",):
        return "'culture'"
    if param.name == "site":
        return "'smallest'"
    if param.name == "protocol":
        return "None"
    return "1"


def calls_of(kind: str, receiver: str) -> str:
    """One call of every operation of the kind, its required arguments filled."""
    lines = []
    for name, spec in plr_machines.machine_catalogue(kind).items():
        args = ", ".join(f"{p.name}={_value(p)}" for p in spec.params if p.required)
        lines.append(f"    await {receiver}.{name}({args})\n")
    return "".join(lines)


@pytest.mark.parametrize("kind", KINDS)
def test_no_backend_method_runs_when_every_operation_of_a_machine_parameter_is_traced(
        kind: str, capsys: pytest.CaptureFixture[str]):
    source = (f"async def p(lh: LiquidHandler, dev: {kind}):\n" + calls_of(kind, "dev"))
    dev = machine(kind, "dev")
    report = simulate(source, setup=lambda: {"lh": _plr.new_handler(), "dev": dev},
                      cache=False)
    methods = [op.method_name for op in report.graph.operations]
    assert methods == list(plr_machines.machine_catalogue(kind))
    assert {op.receiver_variable for op in report.graph.operations} == {"dev"}
    assert {op.receiver_type for op in report.graph.operations} == {kind}
    assert capsys.readouterr().out == ""  # no chatterbox spoke either


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("Sealer", "Peeler")])
def test_a_machine_found_on_the_deck_is_traced_too(kind: str,
                                                   capsys: pytest.CaptureFixture[str]):
    source = ("async def p(lh: LiquidHandler):\n    dev = lh.deck.get_resource('dev')\n"
              + calls_of(kind, "dev"))

    def setup() -> dict[str, Any]:
        lh = _plr.new_handler()
        lh.deck.assign_child_resource(machine(kind, "dev"),
                                      location=_plr.PLR["Coordinate"](1030, 0, 0))
        return {"lh": lh}

    report = simulate(source, setup=setup, cache=False)
    assert [op.method_name for op in report.graph.operations] == list(
        plr_machines.machine_catalogue(kind))
    assert {op.receiver_variable for op in report.graph.operations} == {"dev"}
    assert capsys.readouterr().out == ""


def test_a_protocol_that_reaches_into_a_backend_is_stopped_before_it_drives_anything():
    dev = machine("HeaterShaker", "hs")
    source = "async def p(lh: LiquidHandler, hs: HeaterShaker):\n" \
             "    await hs.backend.start_shaking(speed=800)\n"
    report = simulate(source, setup=lambda: {"lh": _plr.new_handler(), "hs": dev}, cache=False)
    issue = report.issues[0]
    assert (issue.kind, issue.line) == ("reads_state", 2)
    assert "hs.backend.start_shaking" in issue.message and not report.ok


def test_the_plate_reader_needs_no_setup_while_simulated():
    # PLR's reads need setup() first; simulation sets nothing up and reports no bad_arguments
    report = simulate("async def p(lh: LiquidHandler, plate: Plate, reader: PlateReader):\n"
                      "    await lh.move_plate(plate, reader)\n"
                      "    await reader.read_absorbance(wavelength=450)\n", cache=False)
    assert report.ok, report.summary()


def test_machine_parameters_resolve_without_a_setup_to_machines_beside_the_proposed_deck():
    kinds = [k for k in KINDS if k not in ("Sealer", "Peeler")]
    params = ", ".join(f"m{i}: {k}" for i, k in enumerate(kinds))
    report = simulate(f"async def p(lh: LiquidHandler, {params}):\n    pass\n", cache=False)
    assert report.ok, report.summary()
    drawn = {m["parameter"]: m for m in report.deck_layout["machines"]}
    assert [drawn[f"m{i}"]["type"] for i in range(len(kinds))] == kinds
    deck_x = report.deck_layout["deck"]["size_x"]
    assert all(m["beside_deck"] and m["x"] >= deck_x and m["simulator"]
               for m in drawn.values())
