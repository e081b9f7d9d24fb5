"""Docstring examples are runnable: every module's doctests pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import praxis_lab

# every module of the package: a new module cannot be forgotten here (a ``__main__`` runs
# its program when imported: it holds no examples)
MODULES = ["praxis_lab", *sorted(
    m.name for m in pkgutil.walk_packages(praxis_lab.__path__, "praxis_lab.")
    if not m.name.endswith(".__main__"))]


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
