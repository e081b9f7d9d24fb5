"""What a parameter's annotation says, read as in seed 002: ``list[Well]`` has element type
``Well`` and is a container; ``Sequence``, ``tuple``, ``Optional``, ``X | None``, nesting and
string annotations are understood, and every PLR-ish type name mentioned is kept.

>>> extract_type("list[Well] | None")
TypeInfo(declared='list[Well] | None', types=('Well',), is_container=True, optional=True)
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

__all__ = ["TypeInfo", "extract_type"]

_CONTAINERS = {"list", "List", "Sequence", "tuple", "Tuple", "set", "Set", "frozenset",
               "FrozenSet", "Iterable", "Collection", "MutableSequence"}
_OPTIONALS = {"Optional", "Union"}


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """What an annotation says: ``list[Well]`` → declared ``list[Well]``, element ``Well``."""

    declared: str
    types: tuple[str, ...]  # every PLR-ish type name mentioned, outermost first
    is_container: bool
    optional: bool

    @property
    def element_type(self) -> str | None:
        return self.types[0] if self.types else None


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _walk_type(node: ast.expr, out: list[str], flags: dict[str, bool]) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return
        _walk_type(inner, out, flags)
    elif isinstance(node, ast.Constant) and node.value is None:
        flags["optional"] = True
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        _walk_type(node.left, out, flags)
        _walk_type(node.right, out, flags)
    elif isinstance(node, ast.Subscript):
        outer = _name_of(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer in _CONTAINERS:
            flags["container"] = True
        if outer == "Optional":
            flags["optional"] = True
        for arg in args:
            _walk_type(arg, out, flags)
    elif isinstance(node, ast.Name | ast.Attribute):
        name = _name_of(node)
        if name == "None":
            flags["optional"] = True
        elif name in _CONTAINERS:
            flags["container"] = True
        elif name not in _OPTIONALS and name != "Any" and name not in out:
            out.append(name)


def extract_type(annotation: str | ast.expr) -> TypeInfo:
    """Read a parameter annotation (seed 002's type extraction).

    >>> extract_type("Optional[list[Well]]")
    TypeInfo(declared='Optional[list[Well]]', types=('Well',), is_container=True, optional=True)
    >>> extract_type("tuple[Plate, TipRack]").types
    ('Plate', 'TipRack')
    """
    node = ast.parse(annotation, mode="eval").body if isinstance(annotation, str) else annotation
    declared = annotation if isinstance(annotation, str) else ast.unparse(annotation)
    out: list[str] = []
    flags = {"container": False, "optional": False}
    _walk_type(node, out, flags)
    return TypeInfo(declared, tuple(out), flags["container"], flags["optional"])
