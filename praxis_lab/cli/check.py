"""``praxis-lab check FILE...``: simulate every protocol file given, print one report for
all of them (``--format``), exit with the worst code. What a pre-commit hook or a CI job
runs over a lab repository.

A file that defines no protocol (a helper module, a deck library) is skipped. ``--setup
NAME`` binds the files that define a function ``NAME``; the others are simulated on the
proposed deck (their start volumes become requirements). Exit code: 2 when a file could
not be simulated (a syntax error, a setup that raises), else 1 when a protocol has a
failure mode, else 3 when one was not fully checked, else 0.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

from praxis_lab.cli.formats import Checked, exit_code, render
from praxis_lab.errors import UserError

__all__ = ["check_command", "check_file", "worst"]

_ORDER = {0: 0, 3: 1, 1: 2, 2: 3}  # which exit code wins when files disagree


def worst(codes: list[int]) -> int:
    """The exit code of several files: 2 over 1 over 3 over 0.

    >>> worst([0, 3, 1]), worst([]), worst([3, 0])
    (1, 0, 3)
    """
    return max(codes, key=_ORDER.__getitem__, default=0)


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return True  # the simulation says where
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
               for n in tree.body)


def check_file(file: str, *, setup: str | None, params: dict[str, str] | None = None,
               protocol: str | None = None) -> Checked | None:
    """Simulate one file; ``None`` when it defines no protocol."""
    from praxis_lab.cli import quiet
    from praxis_lab.pipeline import simulate
    from praxis_lab.protocol.analyse import ProtocolError, find_protocols
    from praxis_lab.protocol.loading import read_source

    path = Path(file)
    if not path.is_file():
        return Checked(file, error=f"protocol file not found: {file} (check the path)")
    try:
        source = read_source(path)
        if not find_protocols(source, file):
            return None
        chosen = setup if setup is not None and _defines(source, setup) else None
        with quiet():  # the protocol's own prints stay off stdout
            report = simulate(file, setup=chosen, params=params, name=protocol)
    except UserError as exc:
        line = exc.line if isinstance(exc, ProtocolError) else None
        said = str(exc).strip().splitlines()
        return Checked(file, error=said[0] if said else type(exc).__name__, error_line=line)
    return Checked(file, report=report)


def check_command(args: Any) -> int:
    """``praxis-lab check FILE... [--setup NAME] [--param k=v] [--format F]``."""
    from praxis_lab.protocol.analyse import parse_params

    params = parse_params(getattr(args, "param", None))
    checked = [c for c in (check_file(f, setup=args.setup, params=params,
                                      protocol=getattr(args, "protocol", None))
                           for f in args.files) if c is not None]
    fmt = args.format or "text"
    out = render(checked, fmt)
    if out:
        print(out)
    if not checked and fmt == "text":
        print("no protocol in the files given", file=sys.stderr)
    return worst([2 if c.report is None else exit_code(c.report) for c in checked])
