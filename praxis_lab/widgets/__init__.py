"""Jupyter widgets for praxis_lab (anywidget: one Python class + one ES module each).

The ES modules are built from ``widgets_js/src`` into ``praxis_lab/static`` by
``make install``; they are read when a widget is created.
"""

from __future__ import annotations

from ._base import BundleMissingError
from .deck_view import DeckView
from .failure_list import FailureList
from .graph_view import GraphView
from .report_view import ReportView
from .run_monitor import RunController, RunMonitor

__all__ = [
    "BundleMissingError",
    "DeckView",
    "FailureList",
    "GraphView",
    "ReportView",
    "RunController",
    "RunMonitor",
]
