"""Where a failure is: what every fix rule reads (the failure mode, the protocol, its bound
labware, the report) and how it reads the failing call and the setup function.

>>> src = "async def p(lh):\\n    await lh.aspirate(plate['A1:H1'], vols=[v] * 8)\\n"
>>> arg_text(src, 2, "aspirate", "vols"), call_count(src, 2)
('[v] * 8', 8)
"""

from __future__ import annotations

import ast
import re
from typing import Any

from praxis_lab.protocol.blocks import parsed

__all__ = ["ARG_INDEX", "Failure", "arg_text", "ast_number", "call_count", "enclosing",
           "setup_function", "setup_variables"]

# Where a PLR method takes an argument when it is passed by position.
ARG_INDEX = {"tip_spots": 0, "resources": 0, "vols": 1, "resource": 0, "volume": 1,
             "use_channels": 2, "flow_rates": 3, "offsets": 4, "liquid_height": 5,
             "blow_out_air_volume": 6}


class Failure:
    """What every rule reads: the failure mode, the protocol, its bound labware, the state
    the first path ended in and the report (``checked``: a
    :class:`praxis_lab.sim.simulate.Checked`)."""

    def __init__(self, mode: Any, checked: Any) -> None:
        self.mode, self.checked = mode, checked
        self.info, self.binding, self.state = checked.info, checked.binding, checked.final
        self.report = checked.report
        self.kind, self.d, self.line, self.m = mode.kind, mode.data, mode.line, mode.method
        self.source = self.info.source
        self.lh = next((p.name for p in self.info.params if p.kind == "machine"), "lh")

    def arg(self, name: str) -> str | None:
        """The text of the failing call's argument ``name`` (keyword or by position)."""
        return arg_text(self.source, self.line, self.m, name)

    def call(self) -> ast.Call | None:
        """The failing call (``await lh.<method>(...)`` at the failure's line)."""
        return find_call(self.source, self.line, self.m)

    def calls_into_one(self) -> int:
        """How many calls at the failing line go into the same wells (a loop pooling into
        one container): all of them when every call there has the same wells, else 1."""
        ops = [op for op in self.report.graph.operations if op.line_number == self.line]
        same = len({tuple(op.resources) for op in ops}) == 1
        return len(ops) if same and ops else 1

    @property
    def setup(self) -> str | None:
        """The setup function's name when it is in the protocol's source."""
        name = self.binding.setup_name
        return name if name and setup_function(self.source, name) is not None else None


def find_call(source: str, line: int, method: str) -> ast.Call | None:
    for node in ast.walk(parsed(source)):
        if isinstance(node, ast.Call) and node.lineno == line and \
                isinstance(node.func, ast.Attribute) and node.func.attr == method:
            return node
    return None


def arg_text(source: str, line: int, method: str, arg: str) -> str | None:
    """The text of argument ``arg`` of the ``method`` call at ``line`` (None: not passed)."""
    node = find_call(source, line, method)
    if node is None:
        return None
    for kw in node.keywords:
        if kw.arg == arg:
            return ast.unparse(kw.value)
    index = ARG_INDEX.get(arg, 0)
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    return ast.unparse(positional[index]) if index < len(positional) else None


def ast_number(text: str) -> float | None:
    """The number a literal expression stands for (``[50] * 8`` stands for 50), or None."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError):
        value = None
        try:
            tree = ast.parse(text, mode="eval").body if text else None
        except SyntaxError:
            return None
        if isinstance(tree, ast.BinOp) and isinstance(tree.left, ast.List):
            return ast_number(ast.unparse(tree.left))
    if isinstance(value, list) and len(set(value)) == 1:
        value = value[0]
    return float(value) if isinstance(value, int | float) and not isinstance(
        value, bool) else None


def call_count(source: str, line: int) -> int:
    """How many resources the call at ``line`` passes (to keep vols the same length)."""
    lines = source.splitlines()
    text = lines[line - 1] if line <= len(lines) else ""
    m = re.search(r"\]\s*\*\s*(\d+)", text)
    if m:
        return int(m.group(1))
    m = re.search(r'\["([A-Z])(\d+):([A-Z])(\d+)"\]', text)
    if m and m.group(2) == m.group(4):
        return ord(m.group(3)) - ord(m.group(1)) + 1
    return 1


def enclosing(source: str, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose body holds ``line``."""
    found = None
    for node in ast.walk(parsed(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                node.body[0].lineno <= line <= (node.end_lineno or node.lineno) and \
                (found is None or node.lineno > found.lineno):
            found = node
    return found


def call_sites(source: str, function: str) -> list[int]:
    """The lines that call the protocol's own function ``function``."""
    return sorted(n.lineno for n in ast.walk(parsed(source)) if isinstance(n, ast.Call) and (
        (isinstance(n.func, ast.Name) and n.func.id == function) or
        (isinstance(n.func, ast.Attribute) and n.func.attr == function)))


def setup_function(source: str, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The top-level setup function ``name`` of the source."""
    for node in parsed(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def setup_variables(source: str, name: str) -> dict[str, str]:
    """The setup's returned keys that are plain local names: ``{"plate": "plate"}`` for
    ``return {"plate": plate}`` (also ``_setup = {...}`` then ``return _setup``)."""
    fn = setup_function(source, name)
    out: dict[str, str] = {}
    if fn is None:
        return out
    for stmt in ast.walk(fn):
        value = stmt.value if isinstance(stmt, ast.Return | ast.Assign) else None
        if isinstance(value, ast.Dict):
            for k, v in zip(value.keys, value.values, strict=True):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    out.setdefault(k.value, v.id if isinstance(v, ast.Name) else "")
    return out
