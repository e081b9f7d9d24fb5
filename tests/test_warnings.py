"""The suite's warning filters: a warning raised on a praxis_lab line fails the test that
raised it (pyproject.toml), while PLR's and other libraries' warnings do not."""

from __future__ import annotations

import warnings

import pytest


@pytest.mark.parametrize("module", ["praxis_lab", "praxis_lab.sim.simulate"])
def test_a_warning_from_praxis_lab_is_an_error(module: str) -> None:
    with pytest.raises(UserWarning, match="a praxis_lab warning"):
        warnings.warn_explicit("a praxis_lab warning", UserWarning, "x.py", 1, module=module)


def test_a_warning_from_another_package_is_only_a_warning() -> None:
    with pytest.warns(UserWarning, match="a PLR warning"):
        warnings.warn_explicit("a PLR warning", UserWarning, "x.py", 1,
                               module="pylabrobot.resources")
    with pytest.warns(UserWarning):  # a name that starts like ours is not ours
        warnings.warn_explicit("w", UserWarning, "x.py", 1, module="praxis_labware")
