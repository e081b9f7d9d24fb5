"""Run a protocol file for real on PyLabRobot, the way the robot would.

The differential tests compare praxis_lab's simulation against this: PLR 0.2.2's
``LiquidHandler`` on ``LiquidHandlerChatterboxBackend`` with tip and volume tracking
switched on (the module switches are restored afterwards, the chatterbox's stdout is
silenced). The labware comes from the file's ``setup()`` when it has one, else from a
default deck that mirrors ``praxis_lab.deck``'s proposal (tip racks, plates and
troughs on carriers of a STARLet, in parameter order), built here independently of
praxis_lab so that a wrong proposal shows up as a disagreement.

>>> r = run_source('''
... from pylabrobot.liquid_handling import LiquidHandler
... from pylabrobot.resources import Plate, TipRack
...
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.aspirate(plate["A1"], vols=[10])
... ''')
>>> r.error, r.line
('NoTipError', 6)
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import inspect
import io
import itertools
import logging
import sys
import types
import typing
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.machines.machine import Machine
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    TIP_CAR_480_A00,
    Container,
    Deck,
    Plate,
    Resource,
    STARLetDeck,
    TipRack,
    TipSpot,
    Trash,
    Trough,
    Trough_CAR_4R200_A00,
    Well,
    cor_96_wellplate_360uL_Fb,
    hamilton_1_trough_200ml_Vb,
    hamilton_96_tiprack_1000uL_filter,
)
from pylabrobot.resources.tip_tracker import does_tip_tracking, set_tip_tracking
from pylabrobot.resources.volume_tracker import does_volume_tracking, set_volume_tracking

__all__ = ["NotRunnable", "PLRResult", "default_objects", "load_module", "run_file",
           "run_source", "tracking"]

_counter = itertools.count()


class NotRunnable(Exception):
    """The protocol cannot be given real PLR objects (a parameter of an unknown type)."""


@dataclass
class PLRResult:
    """What PLR did: completed, or the first exception and its line in the protocol file."""

    completed: bool
    error: str | None = None  # the exception's class name
    message: str = ""
    line: int | None = None
    calls: list[tuple[str, int]] = field(default_factory=list)  # (method, line), in order

    def expected(self) -> str | dict[str, Any]:
        """The ``"plr"`` field of a fixture's JSON."""
        if self.completed:
            return "completes"
        return {"raises": self.error, "line": self.line}


@contextlib.contextmanager
def tracking(volumes: bool = True) -> Iterator[None]:
    """Tip and volume tracking on (PLR's module-global switches), restored afterwards."""
    old = does_tip_tracking(), does_volume_tracking()
    set_tip_tracking(True)
    set_volume_tracking(volumes)
    try:
        yield
    finally:
        set_tip_tracking(old[0])
        set_volume_tracking(old[1])


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("pylabrobot")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def load_module(path: str | Path) -> types.ModuleType:
    """Import a protocol file under a fresh module name (its frames keep the file's path)."""
    path = Path(path).resolve()
    name = f"_plr_harness_{path.stem}_{next(_counter)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def protocol_of(module: types.ModuleType, name: str | None = None) -> Callable[..., Any]:
    """The module's protocol: the ``async def`` defined in it (``name`` picks one)."""
    found = [obj for key, obj in vars(module).items()
             if inspect.iscoroutinefunction(obj) and obj.__module__ == module.__name__
             and (key == name if name is not None else _typed(obj))]
    if len(found) != 1:
        raise ValueError(f"{module.__file__}: expected one async protocol, found {len(found)}")
    return found[0]


def _typed(fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` has an annotated parameter (helpers called by the protocol have none)."""
    return any(p.annotation is not inspect.Parameter.empty
               for p in inspect.signature(fn).parameters.values())


# --- the default deck (mirrors praxis_lab.deck's proposal) ------------------------------

_FACTORIES: tuple[tuple[type, Callable[..., Any]], ...] = (
    (TipRack, TIP_CAR_480_A00),
    (Plate, PLT_CAR_L5AC_A00),
    (Trough, Trough_CAR_4R200_A00),
)


class _Deck:
    """Places labware on carriers: a carrier's free sites first, a new carrier every 6 rails."""

    def __init__(self) -> None:
        self.lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
        self.carriers: dict[str, list[Any]] = {}
        self.rail = 1

    def place(self, res: Any) -> None:
        factory = next((f for cls, f in _FACTORIES if isinstance(res, cls)), None)
        if factory is None:
            raise NotRunnable(f"no carrier for {type(res).__name__}")
        carriers = self.carriers.setdefault(factory.__name__, [])
        for carrier in carriers:
            for site in carrier.sites.values():
                if site.resource is None:
                    site.assign_child_resource(res)
                    return
        name = f"{factory.__name__.split('_')[0].lower()}_car_{len(carriers) + 1}"
        carrier = factory(name=name)
        self.lh.deck.assign_child_resource(carrier, rails=self.rail)
        self.rail += 6
        carriers.append(carrier)
        carrier[0] = res


def _annotation(fn: Callable[..., Any], param: inspect.Parameter) -> Any:
    ann = param.annotation
    if isinstance(ann, str):
        try:
            ann = eval(ann, fn.__globals__)  # the module's own names
        except Exception as exc:
            raise NotRunnable(f"parameter {param.name!r}: annotation {ann!r} is not "
                              f"a PLR type ({exc})") from None
    return ann


def _element(ann: Any) -> tuple[Any, bool]:
    """``list[Well]`` → (Well, True); ``Optional[Plate]`` → (Plate, False)."""
    origin = typing.get_origin(ann)
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and args:
        return _element(args[0])
    if origin is not None and args:
        inner, _ = _element(args[0])
        return inner, True
    return ann, False


def default_objects(fn: Callable[..., Any]) -> dict[str, Any]:
    """Real PLR objects for every labware parameter of ``fn``, on a proposed STARLet deck."""
    deck = _Deck()
    out: dict[str, Any] = {}
    for p in inspect.signature(fn).parameters.values():
        ann = _annotation(fn, p)
        cls, many = _element(ann)
        if not isinstance(cls, type):
            if p.default is not inspect.Parameter.empty:
                continue
            raise NotRunnable(f"parameter {p.name!r}: {ann!r} is not a type")
        if issubclass(cls, LiquidHandler):
            out[p.name] = deck.lh
        elif issubclass(cls, Deck):
            out[p.name] = deck.lh.deck
        elif issubclass(cls, Trash):
            out[p.name] = deck.lh.deck.get_trash_area()
        elif cls in (Well, TipSpot):
            name = p.name if many else f"{p.name}_{'plate' if cls is Well else 'tiprack'}"
            owner = (cor_96_wellplate_360uL_Fb if cls is Well
                     else hamilton_96_tiprack_1000uL_filter)(name=name)
            deck.place(owner)
            items = owner.get_all_items()
            out[p.name] = items if many else items[0]
        elif issubclass(cls, TipRack):
            out[p.name] = _many(deck, hamilton_96_tiprack_1000uL_filter(name=p.name), many)
        elif issubclass(cls, Plate):
            out[p.name] = _many(deck, cor_96_wellplate_360uL_Fb(name=p.name), many)
        elif issubclass(cls, Container):  # Trough, Container
            out[p.name] = _many(deck, hamilton_1_trough_200ml_Vb(name=p.name), many)
        elif p.default is not inspect.Parameter.empty:
            continue
        else:
            raise NotRunnable(f"parameter {p.name!r}: no default labware for {cls.__name__}")
    return out


def _many(deck: _Deck, res: Any, many: bool) -> Any:
    deck.place(res)
    return [res] if many else res


# --- running ----------------------------------------------------------------------------


def _error_line(exc: BaseException, filename: str) -> int | None:
    """The innermost line of the protocol file in the traceback (the failing call)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    cause = exc.__cause__ or exc.__context__  # "coroutine raised StopIteration": next()'s
    if line is None and cause is not None and cause is not exc:
        return _error_line(cause, filename)
    return line


def _set_volumes(objects: Mapping[str, Any], volumes: Mapping[str, float]) -> None:
    """Start volumes keyed like praxis_lab's requirements: ``"src[A1]"`` or ``"trough"``.

    A volume above the container's maximum is capped there: no well holds more (PLR's
    ``set_volume`` would accept it silently).
    """
    for key, amount in volumes.items():
        owner, _, ident = key.partition("[")
        res = objects[owner]
        if isinstance(res, list):
            res = next(r for r in res if not ident or r.get_identifier() == ident.rstrip("]"))
        elif ident:
            res = res.get_item(ident.rstrip("]"))
        res.tracker.set_volume(min(amount, res.max_volume))


def run_file(path: str | Path, setup: str | None = "setup", params: Mapping[str, Any] | None
             = None, volumes: Mapping[str, float] | None = None,
             name: str | None = None, track_volumes: bool = True) -> PLRResult:
    """Run the protocol in ``path`` on PLR; returns where it raised, if it did.

    ``setup`` names the file's setup function (ignored when the file has none);
    ``volumes`` sets start volumes on the default deck (files without a setup);
    ``track_volumes=False`` runs with tip tracking only (to list the calls a protocol
    makes whatever its volumes).
    """
    path = Path(path).resolve()
    with tracking(track_volumes), _quiet():
        module = load_module(path)
        fn = protocol_of(module, name)
        setup_fn = getattr(module, setup, None) if setup else None
        objects = dict(setup_fn()) if callable(setup_fn) else default_objects(fn)
        if volumes:
            _set_volumes(objects, volumes)
        return _run(fn, objects, dict(params or {}), str(path))


def run_source(source: str, params: Mapping[str, Any] | None = None, *,
               setup: str | None = "setup", directory: str | Path | None = None) -> PLRResult:
    """Write ``source`` to a file and :func:`run_file` it (for generated protocols)."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        path = Path(tmp) / f"generated_{next(_counter)}.py"
        path.write_text(source)
        return run_file(path, setup, params)


def _run(fn: Callable[..., Any], objects: dict[str, Any], params: dict[str, Any],
         filename: str) -> PLRResult:
    sig = inspect.signature(fn)
    kwargs: dict[str, Any] = {}
    for p in sig.parameters.values():
        if p.name in params:
            kwargs[p.name] = params[p.name]
        elif p.name in objects:
            kwargs[p.name] = objects[p.name]
        elif p.default is inspect.Parameter.empty:
            raise NotRunnable(f"nothing to pass for parameter {p.name!r}")
    lh = next((v for v in objects.values() if isinstance(v, LiquidHandler)), None)
    calls: list[tuple[str, int]] = []
    if lh is not None:
        _record_calls(lh, calls, filename)
    machines = _machines(objects)

    async def main() -> PLRResult:
        for machine in machines:  # every machine is set up before the protocol, as a run does
            await machine.setup()
        try:
            await fn(**kwargs)
        except Exception as exc:
            return PLRResult(False, type(exc).__name__, str(exc), _error_line(exc, filename),
                             calls)
        finally:
            for machine in reversed(machines):
                with contextlib.suppress(Exception):  # a machine the protocol stopped itself
                    await machine.stop()
        return PLRResult(True, calls=calls)

    with _instant_sleep():
        return asyncio.run(main())


def _machines(objects: Mapping[str, Any]) -> list[Any]:
    """Every PLR machine of the setup: its values, the machines on the handler's deck, and
    the centrifuge behind a loader; the liquid handler first."""
    found: dict[int, Any] = {}
    roots = list(objects.values())
    while roots:
        obj = roots.pop(0)
        if isinstance(obj, Machine) and id(obj) not in found:
            found[id(obj)] = obj
            roots.extend(c for c in getattr(getattr(obj, "deck", None), "children", ()))
            roots.append(getattr(obj, "centrifuge", None))
        elif isinstance(obj, Resource) and not isinstance(obj, Container | TipRack):
            roots.extend(obj.children)
    return sorted(found.values(), key=lambda m: not isinstance(m, LiquidHandler))


@contextlib.contextmanager
def _instant_sleep() -> Iterator[None]:
    """``asyncio.sleep`` returns at once while PLR runs a protocol (a 10-minute shake in a
    test takes no time; PLR's machines await it the same way)."""
    real = asyncio.sleep

    async def instant(delay: float, result: Any = None) -> Any:
        await real(0)
        return result

    asyncio.sleep = instant  # type: ignore[assignment]
    try:
        yield
    finally:
        asyncio.sleep = real


def _caller_line(filename: str) -> int:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename != filename:
        frame = frame.f_back  # type: ignore[assignment]
    return frame.f_lineno if frame is not None else 0


def _record_calls(lh: LiquidHandler, calls: list[tuple[str, int]], filename: str) -> None:
    """Note every public coroutine method the protocol calls on ``lh`` (outermost only),
    with the line of the protocol file that calls it."""
    depth = [0]
    for attr, member in vars(LiquidHandler).items():
        if attr.startswith("_") or not inspect.iscoroutinefunction(member) or attr in (
                "setup", "stop"):
            continue
        bound = getattr(lh, attr)

        def wrapper(*args: Any, __bound: Any = bound, __name: str = attr, **kwargs: Any) -> Any:
            line = _caller_line(filename)

            async def call() -> Any:
                if depth[0] == 0:
                    calls.append((__name, line))
                depth[0] += 1
                try:
                    return await __bound(*args, **kwargs)
                finally:
                    depth[0] -= 1
            return call()

        setattr(lh, attr, wrapper)
