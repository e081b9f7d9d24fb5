"""A call binds to a signature exactly as Python would bind it, defaults filled in."""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

import pytest

from praxis_lab._plr.signatures import BindError, spec_of


async def aspirate(resources, vols, use_channels=None, *, spread="wide", **backend_kwargs):
    """Aspirate from resources."""


async def stamp(source, target, volume, aspiration_flow_rate=None):
    """Stamp without backend keywords."""


CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),
    (("w",), {}),
    (("w", [1]), {}),
    (("w", [1], [0]), {"spread": "tight"}),
    (("w", [1]), {"vols": [2]}),
    (("w", [1], None, "extra"), {}),
    ((), {"resources": "w", "vols": [1], "speed": 3}),
    (("w",), {"vols": [1], "use_channels": [0, 1]}),
]


@pytest.mark.parametrize("fn", [aspirate, stamp])
@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_a_call_binds_or_fails_exactly_when_python_would(fn, args, kwargs):
    try:
        python = inspect.signature(fn).bind(*args, **kwargs)
    except TypeError:
        with pytest.raises(BindError, match=rf"^{fn.__name__}\(\) "):
            spec_of(fn.__name__, fn).bind(args, kwargs)
        return
    python.apply_defaults()
    expected = dict(python.arguments)
    bound = spec_of(fn.__name__, fn).bind(args, kwargs)
    assert bound == expected


def test_missing_arguments_are_named_in_pythons_words():
    with pytest.raises(BindError, match="missing 2 required arguments: 'resources' and 'vols'"):
        spec_of("aspirate", aspirate).bind((), {})


def test_an_unknown_keyword_is_named_before_the_argument_it_leaves_missing():
    # Python's order: set_angle(angle=10) is "unexpected keyword 'angle'", not "missing"
    async def set_angle(absolute_angle):
        """Set the angle."""

    with pytest.raises(BindError, match=r"got an unexpected keyword argument 'angle'$"):
        spec_of("set_angle", set_angle).bind((), {"angle": 10})
    with pytest.raises(TypeError, match="unexpected keyword argument 'angle'"):
        set_angle(angle=10)  # type: ignore[call-arg]


def test_a_spec_knows_required_parameters_the_var_keyword_and_the_summary():
    spec = spec_of("aspirate", aspirate)
    assert spec.required == ("resources", "vols")
    assert spec.var_keyword == "backend_kwargs"
    assert (spec.is_async, spec.context, spec.summary) == (True, None, "Aspirate from resources.")


def test_context_managers_are_told_apart_sync_and_async():
    @contextlib.contextmanager
    def use_channels(channels):
        yield

    @contextlib.asynccontextmanager
    async def use_tips(spots):
        yield

    assert spec_of("use_channels", use_channels).context == "sync"
    assert spec_of("use_tips", use_tips).context == "async"
    assert spec_of("use_tips", use_tips).is_async
