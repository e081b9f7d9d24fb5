"""GraphView: resources and ops in execution order, grouped by loop, failing ops red."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ._base import BundledESM, reject_unknown, require_list, require_mapping

__all__ = ["GraphView"]


class GraphView(anywidget.AnyWidget):  # type: ignore[misc]
    """The computation graph of a protocol.

    Resources are shown with their parental chains; operations follow the execution
    order, consecutive ops of one loop grouped in a collapsible group (bodies render on
    demand, so graphs of 10,000 ops stay fast). An op whose line carries a failure mode
    is red. Clicking an op shows its line, arguments and failures and sets
    ``selected_op``.

    Args:
        graph: ``{"protocol_fqn", "resources", "operations", "preconditions",
            "execution_order"}`` as produced by ``praxis_lab.graph``.
        failures: failure-mode dicts; ops on their lines are marked failing.

    Example:
        >>> from praxis_lab.widgets import GraphView
        >>> ops = [{"id": f"op_{i}", "line_number": line, "column": 8, "method_name": name,
        ...         "receiver_variable": "lh", "arguments": {}, "certainty": "always",
        ...         "condition": None, "loop": "for col in range(1, 13) @ 3",
        ...         "resources": [], "volumes": []}
        ...        for i, (line, name) in enumerate([(4, "pick_up_tips"), (5, "aspirate")])]
        >>> graph = {"protocol_fqn": "demo.p", "resources": {}, "operations": ops,
        ...          "preconditions": [], "execution_order": ["op_0", "op_1"]}
        >>> view = GraphView(graph, failures=[{"kind": "no_tips", "line": 5, "message": "..."}])
        >>> view.failing_ops()
        ['op_1']
    """

    _esm = BundledESM("graph_view")

    graph = traitlets.Dict().tag(sync=True)
    failures = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected_op = traitlets.Unicode("").tag(sync=True)

    def __init__(self, graph: Any, failures: Any = None, **kwargs: Any) -> None:
        reject_unknown("GraphView", kwargs, ("graph", "failures"))
        data = require_mapping(graph, "GraphView", "graph", ("operations",))
        super().__init__(graph=data, failures=require_list(failures, "GraphView", "failures"))

    def failing_ops(self) -> list[str]:
        """Ids of the ops whose line carries a failure mode, in execution order."""
        lines = {f.get("line") for f in self.failures}
        ops = {op["id"]: op for op in self.graph.get("operations", [])}
        order = self.graph.get("execution_order") or list(ops)
        return [i for i in order if i in ops and ops[i].get("line_number") in lines]

    def __repr__(self) -> str:
        ops = len(self.graph.get("operations", []))
        return (
            f"GraphView({self.graph.get('protocol_fqn', '?')}: {ops} ops, "
            f"{len(self.graph.get('resources', {}))} resources, "
            f"{len(self.failing_ops())} failing ops)"
        )
