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
praxis_lab.signatures.BindError: aspirate() missing 1 required argument: 'resources'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.required)

    @property
    def var_keyword(self) -> str | None:
        for p in self.params:
            if p.kind is inspect.Parameter.VAR_KEYWORD:
                return p.name
        return None

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Bind a call like Python would, filling PLR's defaults.

        Extra keywords go to the ``**backend_kwargs`` entry when the method has one.
        Raises :class:`BindError` with Python's wording otherwise.
        """
        bound: dict[str, Any] = {}
        positional = [
            p for p in self.params
            if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                          inspect.Parameter.POSITIONAL_OR_KEYWORD)
        ]
        if len(args) > len(positional):
            raise BindError(
                f"{self.name}() takes {len(positional)} positional arguments "
                f"but {len(args)} were given"
            )
        for p, value in zip(positional, args, strict=False):
            bound[p.name] = value
        extra: dict[str, Any] = {}
        names = {p.name for p in self.params}
        for key, value in kwargs.items():
            if key in bound:
                raise BindError(f"{self.name}() got multiple values for argument '{key}'")
            if key in names and key != self.var_keyword:
                bound[key] = value
            else:
                extra[key] = value
        missing = [p.name for p in self.params if p.required and p.name not in bound]
        if missing:
            quoted = " and ".join(repr(m) for m in missing)
            raise BindError(
                f"{self.name}() missing {len(missing)} required argument"
                f"{'s' if len(missing) > 1 else ''}: {quoted}"
            )
        vk = self.var_keyword
        if extra and vk is None:
            key = next(iter(extra))
            raise BindError(f"{self.name}() got an unexpected keyword argument '{key}'")
        for p in self.params:
            if p.name not in bound and p.kind not in (
                inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL
            ):
                bound[p.name] = p.default
        if vk is not None:
            bound[vk] = extra
        return bound


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
