"""Docstring examples are runnable: every module's doctests pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["praxis_lab", "praxis_lab._plr", "praxis_lab.analyse", "praxis_lab.loading",
           "praxis_lab.deck",
           "praxis_lab.trace", "praxis_lab.graph", "praxis_lab.state", "praxis_lab.failures",
           "praxis_lab.fixes", "praxis_lab.codemod", "praxis_lab.tipfixes", "praxis_lab.blocks",
           "praxis_lab.simulate", "praxis_lab.sym", "praxis_lab.rules",
           "praxis_lab.report", "praxis_lab.proxies", "praxis_lab.context", "praxis_lab.rules96",
           "praxis_lab.widgets.deck_view", "praxis_lab.widgets.graph_view",
           "praxis_lab.widgets.failure_list", "praxis_lab.widgets.run_monitor",
           "praxis_lab.widgets.report_view"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests_pass(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
