"""Checks shared by the fixture suites (tests/protocols and tests/corpus): a report
against the ``<stem>.json`` it carries."""

from __future__ import annotations

from typing import Any


def check_graph(report: Any, exp: dict[str, Any]) -> None:
    """Paths, op count, the first methods and lines in order, parameters and their chains."""
    ops = report.graph.operations
    n = len(exp["methods"])
    assert report.paths == exp["paths"]
    assert len(ops) == exp["ops"]
    assert [op.method_name for op in ops[:n]] == exp["methods"]
    assert [op.line_number for op in ops[:n]] == exp["lines"]
    assert list(report.graph.resources) == exp["resources"]
    chains = {name: r.parental_chain for name, r in report.graph.resources.items()}
    assert chains == exp["parental_chains"]


def check_failures(report: Any, exp: dict[str, Any]) -> None:
    """Every failure mode (kind, line, certainty) in order, the verdict, and the messages."""
    found = [{"kind": f.kind, "line": f.line, "certainty": f.certainty}
             for f in report.failure_modes]
    assert found == exp["failures"]
    assert report.ok is exp["ok"]
    assert report.complete is exp.get("complete", True)  # a bound stopped the check
    for f in report.failure_modes:
        assert f.message.startswith(f"{f.kind} @ line {f.line}: ")
        assert (f.condition is None) == (f.certainty == "always")
