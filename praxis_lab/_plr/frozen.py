"""A setup's objects as bytes, and back, without PLR's liquid-handling package.

:func:`freeze` pickles what a setup returned with its ``LiquidHandler`` written down as a
:class:`~praxis_lab._plr.handler.HandlerModel` (the resource it is, its deck, its head's
trackers, its backend's class and channels, and which tips the backend refuses per
channel), and PLR's local functions (a container's volume-from-height closure) as their
code. :func:`thaw` reads them back: labware classes come from ``pylabrobot.resources``
alone. Which tips the backend refuses and whether channels fit side by side in each shape
of container are asked of the real handler when freezing. A freeze is checked before it
is returned: the thawed objects must give PLR's own ``serialize()`` and
``serialize_all_state()`` of every object and deck, else there is no freeze (``None``)
and the setup is built every time, as without a cache.

>>> from praxis_lab._plr.handler import new_handler
>>> from praxis_lab._plr import labware
>>> lh = new_handler()
>>> plate = labware("cor_96_wellplate_360uL_Fb", "plate")
>>> back = thaw(freeze({"lh": lh, "plate": plate}))
>>> type(back["lh"]).__name__, back["lh"].backend.class_name, back["plate"].num_items
('HandlerModel', 'LiquidHandlerChatterboxBackend', 96)
"""

from __future__ import annotations

import importlib
import io
import json
import marshal
import pickle
import re
import types
from collections.abc import Mapping
from typing import Any

from pylabrobot.resources import Container, Resource, TipSpot

from praxis_lab._ids import uid
from praxis_lab._plr.handler import (
    SHAPE_NAME,
    BackendModel,
    HandlerModel,
    is_handler,
    refuses_tip,
    spread_shape,
    tip_kind,
)

__all__ = ["freeze", "thaw"]


def _model() -> HandlerModel:
    return HandlerModel.__new__(HandlerModel)


class _Code:
    """A code object, pickled once however many functions share it (every well of a
    plate has its own volume closure over the same code)."""

    def __init__(self, code: types.CodeType) -> None:
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:
        return _code, (marshal.dumps(self.code),)


def _code(data: bytes) -> types.CodeType:
    return marshal.loads(data)  # type: ignore[no-any-return]


def _function(code: types.CodeType, module: str, name: str, qualname: str, defaults: Any,
              kwdefaults: Any, cells: tuple[Any, ...] | None) -> types.FunctionType:
    namespace = importlib.import_module(module).__dict__
    closure = tuple(types.CellType(c) if c is not _EMPTY else types.CellType()
                    for c in cells) if cells is not None else None
    fn = types.FunctionType(code, namespace, name, defaults, closure)
    fn.__kwdefaults__ = kwdefaults
    fn.__qualname__ = qualname
    return fn


def _no_callback(*args: Any, **kwargs: Any) -> None:
    """Stands for a handler's own callback (its state updates): a frozen setup has no
    handler to tell."""


class _Empty:
    """An empty closure cell."""


_EMPTY = _Empty()


def _cell(cell: types.CellType) -> Any:
    try:
        return cell.cell_contents
    except ValueError:
        return _EMPTY


class _Unfreezable(Exception):
    """Something in the setup cannot be read back faithfully."""


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, answers: dict[int, dict[str, Any]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.answers = answers
        self.codes: dict[int, _Code] = {}

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, types.FunctionType):
            return self._function(obj)
        if isinstance(obj, types.MethodType) and is_handler(obj.__self__) and not isinstance(
                obj.__self__, HandlerModel):
            if hasattr(Resource, obj.__func__.__name__):
                return NotImplemented  # a resource's own method: the model has it
            return _callback, ()
        if is_handler(obj) and not isinstance(obj, HandlerModel):
            state = dict(vars(obj))
            state["backend"] = BackendModel(obj.backend)
            state.update(self.answers.get(uid(obj), {}))
            state["missed"] = []
            return _model, (), state
        return NotImplemented

    def _function(self, fn: types.FunctionType) -> Any:
        if "<locals>" not in fn.__qualname__ and fn.__name__ != "<lambda>":
            return NotImplemented  # a module's function: pickled by its name
        module = fn.__module__ or ""
        if not module.startswith("pylabrobot."):
            raise _Unfreezable(f"a local function of {module or 'no module'}")
        cells = tuple(_cell(c) for c in fn.__closure__) if fn.__closure__ else None
        code = self.codes.get(uid(fn.__code__))
        if code is None:
            code = self.codes[uid(fn.__code__)] = _Code(fn.__code__)
        return _function, (code, module, fn.__name__, fn.__qualname__, fn.__defaults__,
                           fn.__kwdefaults__, cells)


def _callback() -> Any:
    return _no_callback


def _resources(objects: Mapping[str, Any], kind: type) -> list[Any]:
    """Every resource of ``kind`` on a handler's deck or among the objects, once."""
    found: dict[int, Any] = {}
    for obj in objects.values():
        for item in obj if isinstance(obj, list | tuple) else [obj]:
            root = getattr(item, "deck", None) if is_handler(item) else item
            if isinstance(root, Resource):
                for r in [root, *root.get_all_children()]:
                    if isinstance(r, kind):
                        found[uid(r)] = r
    return list(found.values())


def _spread(handler: Any, container: Any, channels: list[int], spread: str) -> str | None:
    try:
        handler._compute_spread_offsets(container, channels, spread)
    except Exception as exc:
        return str(exc).replace(f"'{container.name}'", SHAPE_NAME)
    return None


def _answers(objects: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """Per handler, what its backend answers for each channel and kind of tip on the deck
    or among the objects (``refused``), and whether contiguous channels fit side by side
    in each shape of container there (``spreads``)."""
    kinds: dict[str, Any] = {}
    for spot in _resources(objects, TipSpot):
        kinds.setdefault(tip_kind(spot), spot)
    shapes: dict[tuple[Any, ...], Any] = {}
    for container in _resources(objects, Container):
        shapes.setdefault(spread_shape(container), container)
    out: dict[int, dict[str, Any]] = {}
    for obj in objects.values():
        if is_handler(obj) and not isinstance(obj, HandlerModel):
            n = int(getattr(obj.backend, "num_channels", 8) or 8)
            ranges = [list(range(a, a + k)) for k in range(2, n + 1) for a in range(n - k + 1)]
            out[uid(obj)] = {
                "refused": {(ch, kind): refuses_tip(obj, ch, spot)
                            for kind, spot in kinds.items() for ch in range(n)},
                "spreads": {(shape, tuple(chs), spread): _spread(obj, c, chs, spread)
                            for shape, c in shapes.items() for chs in ranges
                            for spread in ("wide", "tight")}}
    return out


def _root(obj: Any) -> Any:
    while getattr(obj, "parent", None) is not None:
        obj = obj.parent
    return obj


def _views(objects: Mapping[str, Any]) -> dict[str, Any]:
    """PLR's own view of the objects: each handler's deck and head, each other resource
    tree once (labware on a deck is seen with its deck), anything else by its repr."""
    out: dict[str, Any] = {}
    seen: set[int] = set()

    def tree(key: str, resource: Any) -> None:
        root = _root(resource)
        if is_handler(root):
            root = root.deck
        if uid(root) not in seen:
            seen.add(uid(root))
            out[key] = {"tree": root.serialize(), "state": root.serialize_all_state()}
        else:
            out[key] = root.name

    for name, obj in objects.items():
        if is_handler(obj):
            backend = obj.backend
            out[name] = {"head": {ch: t.serialize() for ch, t in obj.head.items()},
                         "backend": backend.class_path if isinstance(backend, BackendModel)
                         else BackendModel(backend).class_path}
            tree(f"{name}.deck", obj.deck)
        elif isinstance(obj, Resource):
            tree(name, obj)
        elif isinstance(obj, list | tuple):
            for i, item in enumerate(obj):
                if isinstance(item, Resource):
                    tree(f"{name}.{i}", item)
                else:
                    out[f"{name}.{i}"] = repr(item)
        else:
            out[name] = repr(obj)
    return out


def _one_spelling(match: re.Match[str]) -> str:
    """A function's code as PLR serializes it (marshal), in one spelling: marshal marks the
    objects it shares differently once code has been read back."""
    code = marshal.loads(bytes.fromhex(match.group(1)))
    return f'"code": "{marshal.dumps(marshal.loads(marshal.dumps(code))).hex()}"'


def _same_view(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    def text(objects: Mapping[str, Any]) -> str:  # PLR numbers every tip it makes: not state
        said = json.dumps(_views(objects), sort_keys=True, default=repr)
        return re.sub(r'"code": "([0-9a-f]+)"', _one_spelling, re.sub(r'#\d+"', '"', said))

    return text(a) == text(b)


def freeze(objects: Mapping[str, Any]) -> bytes | None:
    """The setup's objects as bytes, checked to thaw back to what PLR says they are; None
    when they cannot be (a local function of the user's, an open device, a lock…)."""
    buf = io.BytesIO()
    try:
        _Pickler(buf, _answers(objects)).dump(dict(objects))
        data = buf.getvalue()
        back = thaw(data)
    except (_Unfreezable, pickle.PicklingError, TypeError, AttributeError, ValueError,
            RecursionError, ImportError):
        return None
    return data if back is not None and _same_view(objects, back) else None


def thaw(data: bytes) -> dict[str, Any] | None:
    """The objects of :func:`freeze`, or None when the bytes do not read back."""
    try:
        found = pickle.loads(data)
    except Exception:
        return None
    return found if isinstance(found, dict) else None
