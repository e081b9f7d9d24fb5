"""Docstring examples are runnable: every module's doctests pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import praxis_lab

# every module of the package: a new module cannot be forgotten here
MODULES = ["praxis_lab", *sorted(
    m.name for m in pkgutil.walk_packages(praxis_lab.__path__, "praxis_lab."))]


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
