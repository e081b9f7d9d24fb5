"""The finalizers of the classes a protocol defines, run the way its loader says.

An object a simulated protocol makes may outlive the simulation: kept at its module's top
level (which its report keeps), put in a list of another module. Its ``__del__`` then runs
whenever its last reference goes or the collector runs, wherever that is (on any thread,
after the simulation, at the interpreter's exit). So the pipeline loads the protocol with a
:class:`Confine` (``praxis_lab.trace.sandbox.CONFINED``): its code is the one
``confine.code`` gives, and its namespace's builtins get a ``__build_class__`` that makes
every class it defines (in its top level, its setup or its body) finalize through
``confine.finalize``: its own ``__del__`` or one it inherits. A run loads the protocol
without it: its finalizers are Python's.

>>> ran = []
>>> ns = {"__builtins__": builtins_with(vars(builtins), lambda fin: ran.append(fin()))}
>>> exec("class Log:\\n    def __del__(self):\\n        print('finalized')\\nLog()", ns)
finalized
>>> ran
[None]
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any, Protocol

__all__ = ["Confine", "builtins_with"]

Finalize = Callable[[Callable[[], Any]], Any]


class Confine(Protocol):
    """How a simulation loads a protocol: the code it runs, how its finalizers run."""

    def code(self, code: CodeType, /) -> CodeType:
        """The code to run for the protocol's module ``code`` (compiled)."""

    def finalize(self, finalizer: Callable[[], Any], /) -> Any:
        """Call ``finalizer`` (a ``__del__`` bound to its object)."""


def builtins_with(base: Mapping[str, Any], confine: Finalize) -> dict[str, Any]:
    """``base`` (the builtins of a protocol's namespace) with a ``__build_class__`` whose
    classes finalize through ``confine`` (given the bound finalizer, it calls it)."""
    build = builtins.__build_class__

    def build_class(func: Callable[..., Any], name: str, /, *bases: Any,
                    **kwargs: Any) -> Any:
        cls = build(func, name, *bases, **kwargs)
        if isinstance(cls, type):
            _finalize_through(cls, confine)
        return cls

    return {**base, "__build_class__": build_class}


def _finalize_through(cls: type, confine: Finalize) -> None:
    """Make ``cls``'s ``__del__`` (its own, or the one it inherits) run through
    ``confine``; one made so already (a base class of the protocol's) is left as it is."""
    finalizer = next((k.__dict__["__del__"] for k in cls.__mro__ if "__del__" in k.__dict__),
                     None)
    if finalizer is None or getattr(finalizer, "praxis_confined", False):
        return
    bind = getattr(type(finalizer), "__get__", None)

    def __del__(self: Any) -> None:
        confine(bind(finalizer, self, type(self)) if bind is not None else finalizer)

    if callable(finalizer):
        functools.update_wrapper(__del__, finalizer)
    __del__.praxis_confined = True  # type: ignore[attr-defined]
    type.__setattr__(cls, "__del__", __del__)
