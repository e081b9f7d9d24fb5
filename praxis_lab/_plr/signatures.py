"""Signatures of callables as plain data, and binding a call to one like Python does.

Knows nothing of PyLabRobot: :mod:`praxis_lab._plr` reads ``LiquidHandler``'s methods
with :func:`spec_of` to build its catalogue.

>>> async def aspirate(resources, vols, flow_rates=None, **backend_kwargs): ...
>>> spec = spec_of("aspirate", aspirate)
>>> spec.required
('resources', 'vols')
>>> spec.bind(([1],), {"vols": [10], "speed": 2})
{'resources': [1], 'vols': [10], 'flow_rates': None, 'backend_kwargs': {'speed': 2}}
>>> spec.bind((), {"vols": [10]})
Traceback (most recent call last):
...
praxis_lab._plr.signatures.BindError: aspirate() missing 1 required argument: 'resources'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MISSING", "BindError", "OpSpec", "ParamSpec", "spec_of"]

MISSING: Any = inspect.Parameter.empty


class BindError(TypeError):
    """A call that does not bind to PLR's real signature."""


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One parameter of a PLR method, as ``inspect.signature`` reports it."""

    name: str
    kind: inspect._ParameterKind
    default: Any
    annotation: str

    @property
    def required(self) -> bool:
        return self.default is MISSING and self.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )


@dataclass(frozen=True, slots=True)
class OpSpec:
    """A ``LiquidHandler`` operation: its signature read from the installed PLR."""

    name: str
    params: tuple[ParamSpec, ...]
    is_async: bool
    context: str | None  # "sync" or "async" for context managers, else None
    summary: str
    # what bind() needs of the parameters, worked out once per spec
    _plan: _BindPlan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plan", _BindPlan(self.params))

    @property
    def required(self) -> tuple[str, ...]:
        return self._plan.required

    @property
    def var_keyword(self) -> str | None:
        return self._plan.var_keyword

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Bind a call like Python would, filling PLR's defaults.

        Extra keywords go to the ``**backend_kwargs`` entry when the method has one.
        Raises :class:`BindError` with Python's wording otherwise.
        """
        plan = self._plan
        positional = plan.positional
        if len(args) > len(positional):
            raise BindError(
                f"{self.name}() takes {len(positional)} positional arguments "
                f"but {len(args)} were given"
            )
        bound: dict[str, Any] = dict(zip(positional, args, strict=False))
        extra: dict[str, Any] = {}
        names, vk = plan.names, plan.var_keyword
        for key, value in kwargs.items():
            if key in bound:
                raise BindError(f"{self.name}() got multiple values for argument '{key}'")
            if key in names and key != vk:
                bound[key] = value
            else:
                extra[key] = value
        if extra and vk is None:  # Python refuses an unknown keyword before a missing one
            key = next(iter(extra))
            raise BindError(f"{self.name}() got an unexpected keyword argument '{key}'")
        missing = [name for name in plan.required if name not in bound]
        if missing:
            quoted = " and ".join(repr(m) for m in missing)
            raise BindError(
                f"{self.name}() missing {len(missing)} required argument"
                f"{'s' if len(missing) > 1 else ''}: {quoted}"
            )
        for name, default in plan.defaults:
            if name not in bound:
                bound[name] = default
        if vk is not None:
            bound[vk] = extra
        return bound


class _BindPlan:
    """An OpSpec's parameters as ``bind`` reads them: positional names, every name, the
    ``**kwargs`` name, the required names, and the defaults to fill in order."""

    __slots__ = ("defaults", "names", "positional", "required", "var_keyword")

    def __init__(self, params: tuple[ParamSpec, ...]) -> None:
        kinds = inspect.Parameter
        self.positional = tuple(p.name for p in params
                                if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD))
        self.names = frozenset(p.name for p in params)
        self.var_keyword = next((p.name for p in params if p.kind is kinds.VAR_KEYWORD), None)
        self.required = tuple(p.name for p in params if p.required)
        self.defaults = tuple((p.name, p.default) for p in params
                              if p.kind not in (kinds.VAR_KEYWORD, kinds.VAR_POSITIONAL))


def spec_of(name: str, fn: Callable[..., Any]) -> OpSpec:
    """The signature of ``fn`` (a method, coroutine or context manager) as an OpSpec."""
    wrapped = inspect.unwrap(fn)
    sig = inspect.signature(fn)
    params = tuple(
        ParamSpec(p.name, p.kind, p.default, str(p.annotation))
        for p in sig.parameters.values()
        if p.name != "self"
    )
    context = None
    code = getattr(wrapped, "__code__", None)
    if "asynccontextmanager" in repr(getattr(fn, "__wrapped__", None)) or (
        code is not None and code.co_flags & inspect.CO_ASYNC_GENERATOR
    ):
        context = "async"
    elif code is not None and code.co_flags & inspect.CO_GENERATOR:
        context = "sync"
    doc = inspect.getdoc(fn) or ""
    return OpSpec(
        name=name,
        params=params,
        is_async=inspect.iscoroutinefunction(wrapped) or context == "async",
        context=context,
        summary=doc.strip().splitlines()[0] if doc.strip() else "",
    )
