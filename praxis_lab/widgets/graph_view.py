"""GraphView: the computation graph drawn in SVG — resources, ops, edges, loops, failures."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ._base import BundledESM, reject_unknown, require_list, require_mapping

__all__ = ["GraphView"]

SMALL = 60  # graphs with more ops than this start with their loops collapsed
FEW = 4  # loops of more iterations than this start collapsed


class GraphView(anywidget.AnyWidget):  # type: ignore[misc]
    """The computation graph of a protocol, drawn as inline SVG.

    Resources sit in a lane on the left with their parental chains (Well › Plate ›
    PlateCarrier › Deck); operations run top to bottom in execution order, each joined
    by an edge to the resources it touches. Consecutive ops of one loop (or of one call
    site outside a loop, e.g. a comprehension) sit in a labelled box with numbered
    iterations, which collapses to one ``×N`` node; a collapsed loop keeps its failing
    iterations drawn and folds the others into "… iterations a–b" rows. Loops of more
    than four iterations start collapsed, and every loop of a graph of more than 60 ops.
    Conditional ops are dashed, with their condition on hover; where an
    ``if`` splits the run, the ops of each side sit in lanes side by side under a
    "◇ if …" marker (nested ifs split their lane again, an ``if`` without ``else`` gets
    an empty lane) and join at the next op every path reaches. The ops a failure mode
    names (its ``ops``; every op on its line for one that names none) are red, with the
    message on hover; a loop's head counts them. The op column takes the width there is,
    arguments cut short show whole on hover. Clicking an op shows its
    line, arguments and failures and sets ``selected_op``. At most ``max_nodes`` rows
    are drawn; the rest is one "… N more" node, so graphs of 10,000 ops stay fast.

    Args:
        graph: ``{"protocol_fqn", "resources", "operations", "preconditions",
            "execution_order"}`` as produced by ``praxis_lab.graph``.
        failures: failure-mode dicts; the ops they name (else the ops on their lines)
            are marked failing.
        max_nodes: rows drawn before the "… N more" node.

    Traits (synced with the browser): ``graph``, ``failures``, ``selected_op`` (an op
    id or ""), ``collapsed`` (ids of the collapsed loops, see :meth:`loops`; set it to
    ``[]`` to expand them all) and ``max_nodes``.

    Example:
        >>> from praxis_lab.widgets import GraphView
        >>> ops = [{"id": f"op_{i}", "line_number": line, "column": 8, "method_name": name,
        ...         "receiver_variable": "lh", "arguments": {}, "certainty": "always",
        ...         "condition": None, "loop": "for col in range(1, 13) @ 3",
        ...         "resources": [], "volumes": []}
        ...        for i, (line, name) in enumerate([(4, "pick_up_tips"), (5, "aspirate")])]
        >>> graph = {"protocol_fqn": "demo.p", "resources": {}, "operations": ops,
        ...          "preconditions": [], "execution_order": ["op_0", "op_1"]}
        >>> view = GraphView(graph, failures=[{"kind": "no_tips", "line": 5, "ops": ["op_1"]}])
        >>> view.failing_ops()
        ['op_1']
        >>> [(g["loop"], g["ops"], g["failing_ops"], g["collapsed"]) for g in view.loops()]
        [('for col in range(1, 13) @ 3', 2, 1, False)]
    """

    _esm = BundledESM("graph_view")

    graph = traitlets.Dict().tag(sync=True)
    failures = traitlets.List(traitlets.Dict()).tag(sync=True)
    selected_op = traitlets.Unicode("").tag(sync=True)
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    max_nodes = traitlets.Int(150).tag(sync=True)

    def __init__(self, graph: Any, failures: Any = None, max_nodes: int = 150,
                 **kwargs: Any) -> None:
        reject_unknown("GraphView", kwargs, ("graph", "failures", "max_nodes"))
        data = require_mapping(graph, "GraphView", "graph", ("operations",))
        super().__init__(graph=data, failures=require_list(failures, "GraphView", "failures"),
                         max_nodes=max_nodes, collapsed=_default_collapsed(data))

    @traitlets.validate("max_nodes")
    def _check_max_nodes(self, proposal: dict[str, Any]) -> int:
        value = int(proposal["value"])
        if value < 1:
            raise traitlets.TraitError(f"GraphView.max_nodes must be at least 1, got {value}")
        return value

    @traitlets.observe("graph")
    def _reset_collapsed(self, change: dict[str, Any]) -> None:
        self.collapsed = _default_collapsed(change["new"])

    def failing_ops(self) -> list[str]:
        """Ids of the ops a failure mode names (else those on its line), in execution order."""
        failing = self._failing()
        return [op["id"] for op in _ops_in_order(self.graph) if op["id"] in failing]

    def _failing(self) -> set[str]:
        """As ``failuresByOp`` in ``_graph_layout.js``: a failure's ``ops``, or its line's."""
        named = {i for f in self.failures for i in (f.get("ops") or [])}
        lines = {f.get("line") for f in self.failures if not f.get("ops")}
        return named | {op["id"] for op in _ops_in_order(self.graph)
                        if lines and op.get("line_number") in lines}

    def loops(self) -> list[dict[str, Any]]:
        """The loop groups, as drawn: consecutive ops of one loop, named by their first op.

        Each is ``{"id", "loop", "ops", "iterations", "failing_ops", "collapsed"}``.
        """
        failing = self._failing()
        shut = set(self.collapsed)
        return [
            {"id": g["id"], "loop": g["loop"], "ops": len(g["ops"]), "iterations": g["iterations"],
             "failing_ops": sum(op["id"] in failing for op in g["ops"]),
             "collapsed": g["id"] in shut}
            for g in _loop_groups(self.graph)
        ]

    def __repr__(self) -> str:
        ops = len(self.graph.get("operations", []))
        return (
            f"GraphView({self.graph.get('protocol_fqn', '?')}: {ops} ops, "
            f"{len(self.graph.get('resources', {}))} resources, "
            f"{len(self.failing_ops())} failing ops)"
        )


def _ops_in_order(graph: dict[str, Any]) -> list[dict[str, Any]]:
    ops = {op["id"]: op for op in graph.get("operations", [])}
    order = graph.get("execution_order") or list(ops)
    return [ops[i] for i in order if i in ops]


def _header(label: str) -> int:
    """The header line of a loop label ``"for col in range(12) @ 3"`` (-1 without one)."""
    head, _, line = label.rpartition(" @ ")
    return int(line) if head and line.isdigit() else -1


def _loop_parents(ops: list[dict[str, Any]]) -> dict[str, str]:
    """Inner loop label → the loop it sits in, as ``loopParents`` in ``_graph_layout.js``.

    When runs of loop A's ops come back after runs of loops whose headers are below
    A's, those loops are nested in A.
    """
    runs: list[str | None] = []
    for op in ops:
        label = op.get("loop") or None
        if not runs or runs[-1] != label:
            runs.append(label)
    parent: dict[str, str] = {}
    last: dict[str, int] = {}
    for i, label in enumerate(runs):
        if label is None:
            continue
        k = last.get(label)
        if k is not None and k < i - 1:
            between = runs[k + 1:i]
            if all(b is not None and _header(b) > _header(label) for b in between):
                for b in between:
                    if b is not None:
                        parent.setdefault(b, label)
        last[label] = i
    return parent


def _loop_groups(graph: dict[str, Any]) -> list[dict[str, Any]]:
    """The loop groups, as ``groupOps`` in ``widgets_js/src/_graph_layout.js``.

    Consecutive ops of one outermost loop, nested loops included. An iteration restarts
    when an op of the loop itself sits at or above the previous one's line and column.
    Ops outside a loop that come in a row from one call site (a comprehension) form a
    group too, "<method> repeated at line N".
    """
    ops = _ops_in_order(graph)
    parent = _loop_parents(ops)
    groups: list[dict[str, Any]] = []
    prev: tuple[int, int] | None = None  # the previous op of the group's own loop
    for op in ops:
        loop = op.get("loop")
        here = (int(op.get("line_number") or 0), int(op.get("column") or 0))
        last = groups[-1] if groups else None
        if not loop:
            site = (*here, op.get("method_name"))
            if last is not None and last.get("site") == site:
                last["iterations"] += 1
                last["ops"].append(op)
            else:
                label = f"{op.get('method_name')} repeated at line {here[0]}"
                groups.append({"id": op["id"], "loop": label, "ops": [op], "iterations": 1,
                               "site": site})
            continue
        root = loop
        while root in parent:
            root = parent[root]
        if last is None or "site" in last or last["loop"] != root:
            groups.append({"id": op["id"], "loop": root, "ops": [], "iterations": 1})
            prev = None
        if loop == root:
            if prev is not None and here <= prev:
                groups[-1]["iterations"] += 1
            prev = here
        groups[-1]["ops"].append(op)
    return [{k: v for k, v in g.items() if k != "site"} for g in groups
            if "site" not in g or len(g["ops"]) > 1]


def _default_collapsed(graph: dict[str, Any]) -> list[str]:
    """Loops of more than ``FEW`` iterations, and every loop of more than one op when the
    graph has more than ``SMALL`` ops (as ``defaultCollapsed`` in ``_graph_layout.js``)."""
    big = len(_ops_in_order(graph)) > SMALL
    return [g["id"] for g in _loop_groups(graph)
            if len(g["ops"]) > 1 and (big or g["iterations"] > FEW)]
