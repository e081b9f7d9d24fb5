"""The computation graph: plain data with seed 002's field names and one printer.

Built from the traced paths: ops reached by every path are ``always``; the others
are ``conditional`` with their path condition. Each op keeps its line and column,
the loop it sits in, the resources it touches and the volumes it moves.

>>> g = ProtocolComputationGraph("p", resources={}, operations=[
...     OperationNode("op_0", 2, 4, "pick_up_tips", "lh", arguments={"tip_spots": "tips[A1]"})])
>>> ProtocolComputationGraph.from_dict(g.to_dict()) == g
True
>>> print(format_graph(g))
graph p: 0 resources, 1 op, 1 path
  op_0  line 2:4  pick_up_tips(tip_spots=tips[A1])
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from praxis_lab.trace.conditions import short_condition
from praxis_lab.trace.describe import Describer, describe
from praxis_lab.trace.machines import duration_of
from praxis_lab.trace.sym import concrete

__all__ = [
    "OperationNode",
    "ProtocolComputationGraph",
    "ResourceNode",
    "StatePrecondition",
    "build_graph",
    "describe",
    "format_graph",
]


@dataclass
class ResourceNode:
    """A protocol parameter that is (or holds) labware, or labware it finds on the deck; or
    a machine (``kind`` ``"machine"``, ``element_type`` its PLR class) with its ``calls``.

    Found labware has no ``declared_type``; ``placement_requirements`` says where it sits.
    """

    variable_name: str
    declared_type: str
    element_type: str | None = None
    is_container: bool = False
    parental_chain: list[str] = field(default_factory=list)
    placement_requirements: dict[str, Any] = field(default_factory=dict)
    kind: str = "labware"  # "labware" or "machine"
    calls: list[str] = field(default_factory=list)  # a machine's ops, by id


@dataclass
class OperationNode:
    """One PLR call site (per loop iteration), with where and how often it runs."""

    id: str
    line_number: int
    column: int
    method_name: str
    receiver_variable: str
    receiver_type: str | None = "LiquidHandler"
    arguments: dict[str, str] = field(default_factory=dict)
    preconditions: list[str] = field(default_factory=list)
    certainty: str = "always"
    condition: str | None = None
    loop: str | None = None
    resources: list[str] = field(default_factory=list)
    volumes: list[float] = field(default_factory=list)
    duration_s: float | None = None  # how long the call takes (a shake, a spin, a sleep)


@dataclass
class StatePrecondition:
    """A condition that must hold before an op can succeed."""

    id: str
    precondition_type: str  # resource_on_deck | tips_loaded | liquid_present | plate_accessible
    resource_variable: str
    required_state: dict[str, Any] = field(default_factory=dict)
    can_be_auto_satisfied: bool = True


@dataclass
class ProtocolComputationGraph:
    """Ops in execution order, the resources they touch and their preconditions."""

    protocol_fqn: str
    operations: list[OperationNode] = field(default_factory=list)
    resources: dict[str, ResourceNode] = field(default_factory=dict)
    preconditions: list[StatePrecondition] = field(default_factory=list)
    execution_order: list[str] = field(default_factory=list)
    inferred_deck_requirements: dict[str, Any] = field(default_factory=dict)
    paths: int = 1

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProtocolComputationGraph:
        return cls(
            protocol_fqn=data["protocol_fqn"],
            operations=[OperationNode(**o) for o in data.get("operations", [])],
            resources={k: ResourceNode(**v) for k, v in data.get("resources", {}).items()},
            preconditions=[StatePrecondition(**p) for p in data.get("preconditions", [])],
            execution_order=list(data.get("execution_order", [])),
            inferred_deck_requirements=dict(data.get("inferred_deck_requirements", {})),
            paths=int(data.get("paths", 1)),
        )


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copy of every leaf: new dicts and lists all
    the way down, the numbers and strings shared (a 10,000-op graph in a third of the time).
    """
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(type(value))
        if names is None:
            names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    return value


# --- loops ---------------------------------------------------------------------


_LOOP = re.compile(r"^([ \t]*)((?:async[ \t]+)?(?:for|while)\b.*?):[ \t]*(?:#.*)?$")


@functools.lru_cache(maxsize=64)
def _loops(source: str) -> dict[int, str]:
    """Line → label of the innermost ``for``/``while`` enclosing it (a line scan, no AST).

    A loop's body is every following line indented deeper than its header.
    """
    out: dict[int, str] = {}
    open_loops: list[tuple[int, str]] = []  # (indent, label)
    for number, text in enumerate(source.splitlines(), start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        while open_loops and indent <= open_loops[-1][0]:
            open_loops.pop()
        if open_loops:
            out[number] = open_loops[-1][1]
        m = _LOOP.match(text)
        if m:
            label = f"{m.group(2).strip()} @ {number}"
            out[number] = label
            open_loops.append((indent, label))
    return out


# --- building ---------------------------------------------------------------------

_TIP_USERS = {"aspirate", "dispense", "drop_tips", "return_tips", "discard_tips", "transfer",
              "aspirate96", "dispense96", "drop_tips96", "return_tips96", "discard_tips96"}
_SOURCES = {"aspirate": "resources", "aspirate96": "resource", "transfer": "source",
            "stamp": "source"}


def _volumes_of(args: dict[str, Any]) -> list[float]:
    for name in ("vols", "volume", "source_vol", "target_vols"):
        v = args.get(name)
        if v is None:
            continue
        v = concrete(v)
        try:
            return [float(x) for x in v] if isinstance(v, list | tuple) else [float(v)]
        except (TypeError, ValueError):
            return []
    return []


_NO_DEFAULT = object()


def build_graph(info: Any, binding: Any, paths: Iterable[Any]) -> ProtocolComputationGraph:
    """Merge the traced paths into one graph (ops in an order consistent with every path)."""
    paths = list(paths)
    resources = _parameter_resources(info, binding)
    shared = getattr(binding, "_shared", None)  # what graphs of the same labels described
    describer = Describer(binding.key, None if shared is None else shared.texts)
    order, nodes, reach = _merge_paths(paths, describer, _loops(info.source))
    owners = {k: _owners(nodes[k].resources) for k in order}
    _add_found_resources(resources, binding, [nodes[k] for k in order],
                         [owners[k] for k in order])
    graph = ProtocolComputationGraph(f"{info.filename}:{info.name}", resources=resources,
                                     paths=len(paths))
    pre_ids: dict[tuple[str, str], str] = {}

    def pre(kind: str, var: str, **state: Any) -> str:
        pid = pre_ids.get((kind, var))
        if pid is None:
            pid = pre_ids[(kind, var)] = f"pre_{len(pre_ids)}"
            graph.preconditions.append(StatePrecondition(pid, kind, var, dict(state)))
        return pid

    for i, k in enumerate(order):
        node = nodes[k]
        node.id = f"op_{i}"
        if node.receiver_type not in ("LiquidHandler", "state", "asyncio"):
            _machine_node(resources, binding, node)
        _mark_conditional(node, [paths[j] for j in reach[k]], len(paths))
        needs = [pre("resource_on_deck", owner) for owner in owners[k] if owner in resources]
        if node.method_name in _TIP_USERS:
            needs.append(pre("tips_loaded", node.receiver_variable))
        if _SOURCES.get(node.method_name) and node.resources:
            needs.append(pre("liquid_present", node.resources[0].split("[", 1)[0]))
        node.preconditions = list(dict.fromkeys(needs))
        graph.operations.append(node)
        graph.execution_order.append(node.id)
    return graph


def _parameter_resources(info: Any, binding: Any) -> dict[str, ResourceNode]:
    """A resource node per labware parameter (its chain on this deck) and per machine."""
    from praxis_lab import _plr

    deck_kind = _plr.deck_kind(binding.deck)
    resources: dict[str, ResourceNode] = {}
    for p in info.params:
        if p.kind in ("labware", "unknown") and p.type is not None:
            et = p.element_type or ""
            resources[p.name] = ResourceNode(
                p.name, p.annotation or "", et, p.is_container,
                _plr.parental_chain(et, deck_kind))
        elif p.kind == "device":
            real = binding.objects.get(p.name)
            resources[p.name] = ResourceNode(
                p.name, p.annotation or "", p.element_type, False,
                _plr.placed_chain(real) if hasattr(real, "parent") else [], kind="machine")
    return resources


_Key = tuple[Any, ...]


def _merge_paths(paths: list[Any], describer: Describer, loops: dict[int, str],
                 ) -> tuple[list[_Key], dict[_Key, OperationNode], dict[_Key, list[int]]]:
    """Every path's ops as one order: an op is keyed by its place and its occurrence on the
    path, and an op new on a path goes right after that path's previous op. Returns the
    order, the nodes and which paths reach each."""
    head: _Key = ("<start>",)
    after: dict[_Key, _Key | None] = {head: None}  # a linked list
    nodes: dict[_Key, OperationNode] = {}
    reach: dict[_Key, list[int]] = {}
    for pi, path in enumerate(paths):
        seen: dict[_Key, int] = {}
        prev = head
        for op in path.ops:
            base = (op.line, op.column, op.method)
            n = seen.get(base, 0)
            seen[base] = n + 1
            k = (*base, n)
            if k not in nodes:
                nodes[k] = _node(op, describer, loops)
                reach[k] = []
                after[k], after[prev] = after[prev], k
            reach[k].append(pi)
            prev = k
    order: list[_Key] = []
    cursor = after[head]
    while cursor is not None:
        order.append(cursor)
        cursor = after[cursor]
    return order, nodes, reach


def _mark_conditional(node: OperationNode, hit: list[Any], total: int) -> None:
    """An op not on every path is conditional on the conditions of the paths it is on."""
    if len(hit) < total:
        node.certainty = "conditional"
        node.condition = short_condition([p.condition or "" for p in hit])


def _machine_node(resources: dict[str, ResourceNode], binding: Any,
                  node: OperationNode) -> None:
    """The machine an op is made on, as a resource node listing its calls."""
    from praxis_lab import _plr

    name = node.receiver_variable
    found = resources.get(name)
    if found is None:
        real = binding.objects.get(name)
        if real is None:
            try:
                real = binding.deck.get_resource(name)
            except Exception:  # a machine reached another way (loader.centrifuge)
                real = None
        chain = _plr.placed_chain(real) if real is not None else []
        found = resources[name] = ResourceNode(
            name, "" if name not in binding.objects else str(node.receiver_type),
            node.receiver_type, False, chain,
            {} if name in binding.objects else {"found_on_deck": real is not None})
    found.kind = "machine"
    found.calls.append(node.id)


def _owners(keys: list[str]) -> list[str]:
    """The labware of each resource key (``src[A1]`` → ``src``), each once, in order."""
    return list(dict.fromkeys(k.split("[", 1)[0] for k in keys))


def _add_found_resources(resources: dict[str, ResourceNode], binding: Any,
                         ops: list[OperationNode], owners_of: list[list[str]]) -> None:
    """Labware the protocol reaches by name or through a carrier site, as resource nodes.

    ``lh.deck.get_resource("plate_01")`` or ``plt_car[0].resource`` declare nothing; the
    node takes its type and parental chain from where the resource really sits.
    """
    from praxis_lab import _plr

    owners = dict.fromkeys(owner for op, found in zip(ops, owners_of, strict=True)
                           if op.receiver_type != "state" for owner in found)
    for owner in owners:
        if owner in resources:
            continue
        try:
            found = binding.deck.get_resource(owner)
        except Exception:  # not on the deck (not_on_deck reports it) or not a resource
            continue
        parent = found.parent
        while parent is not None and _plr.is_site(parent):
            parent = parent.parent  # a carrier's site: name the carrier
        resources[owner] = ResourceNode(
            owner, "", _plr.base_type(found), False, _plr.placed_chain(found),
            {"found_on_deck": True, "parent": getattr(parent, "name", None)})


@functools.cache
def _defaults(method: str) -> dict[str, Any]:
    from praxis_lab import _plr

    spec = _plr.catalogue().get(method)
    return {p.name: p.default for p in spec.params} if spec else {}


def _node(op: Any, describer: Describer, loops: dict[int, str]) -> OperationNode:
    defaults = _defaults(op.method)
    args = {
        name: describer.text(value)
        for name, value in op.args.items()
        if value is not defaults.get(name, _NO_DEFAULT) and not (type(value) is dict and not value)
    }
    state = op.kind == "state"
    return OperationNode(
        id="", line_number=op.line, column=op.column, method_name=op.method,
        receiver_variable=op.receiver, receiver_type="state" if state else op.receiver_type,
        arguments=args, loop=loops.get(op.line),
        resources=[op.args["key"]] if state and "key" in op.args else describer.resources(
            op.args),
        volumes=[] if op.receiver_type != "LiquidHandler" else _volumes_of(op.args),
        duration_s=duration_of(op),
    )


def format_graph(graph: ProtocolComputationGraph) -> str:
    """The one text printer: a header, the resources, then one line per op."""
    n_ops = len(graph.operations)
    lines = [f"graph {graph.protocol_fqn}: {len(graph.resources)} resources, "
             f"{n_ops} op{'s' if n_ops != 1 else ''}, {graph.paths} "
             f"path{'s' if graph.paths != 1 else ''}"]
    for r in graph.resources.values():
        chain = " > ".join([r.element_type or r.declared_type, *r.parental_chain])
        declared = r.declared_type or "found on the deck"
        lines.append(f"  {r.variable_name}: {declared}  ({chain})")
    loop = None
    for op in graph.operations:
        if op.loop != loop and op.loop is not None:
            lines.append(f"  {op.loop}")
        loop = op.loop
        indent = "    " if op.loop else "  "
        args = ", ".join(f"{k}={v}" for k, v in op.arguments.items())
        cond = f"  if {op.condition}" if op.condition else ""
        lines.append(f"{indent}{op.id}  line {op.line_number}:{op.column}  "
                     f"{op.method_name}({args}){cond}")
    return "\n".join(lines)
