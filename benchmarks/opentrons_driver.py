"""Run Opentrons protocol files through ``opentrons.simulate`` and print what happened.

This file runs in the separate virtualenv ``benchmarks/.venv-opentrons`` (standard
library + ``opentrons`` only; see ``make compare-opentrons``), called by
``benchmarks/compare_simulators.py`` as a subprocess. For every file given it prints one
JSON line::

    {"file", "variant", "completed", "error", "inner", "line", "message", "commands",
     "warnings", "times", "books"}

- ``variant``: ``"as written"``, or ``"no load_liquid"`` (the same text with every line
  calling ``define_liquid``, ``load_liquid`` or ``load_empty`` commented
  out, so line numbers stay), or
  ``"params"`` (the text with ``default=<a>`` replaced, see ``--default``).
- ``error``/``line``/``message``: what ``opentrons.simulate.simulate`` raised, from the
  error text it reports (``"<Error> [line N]: ..."``); ``inner`` is the command error
  wrapped in a ``ProtocolCommandFailedError`` (``TipNotAttachedError``...).
- ``warnings``: log records at WARNING or above in the run log, plus Python warnings.
- ``times``: wall seconds of every warm repetition (the first, untimed run warms up).
- ``books``: for a protocol that completes, the volume Opentrons' own state holds for
  every well it knows one of (``Well.current_liquid_volume()`` after running the file
  again on ``opentrons.simulate.get_protocol_api``), with the well's maximum.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import gc
import io
import json
import logging
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

_DETAIL = re.compile(r"^(\w+)(?: \[line (\d+)\])?: (.*)$", re.S)
_INNER = re.compile(r"\((\w+)\): (\w+): (.*)$", re.S)


def no_load_liquid(text: str) -> str:
    """The protocol without declared liquids, line numbers unchanged."""
    return "\n".join(
        re.sub(r"^(\s*)(\S)", r"\1# \2", line)
        if re.search(r"\b(load_liquid|load_empty|define_liquid)\(", line) else line
        for line in text.splitlines()) + "\n"


def _detail(exc: BaseException) -> str:
    """The error text Opentrons shows the user (an ErrorOccurrence's ``detail``)."""
    for arg in exc.args:
        items = arg if isinstance(arg, list) else [arg]
        for item in items:
            detail = getattr(item, "detail", None)
            if isinstance(detail, str):
                return detail
    return str(exc)


def describe(exc: BaseException, file_name: str) -> dict[str, Any]:
    detail = _detail(exc)
    out: dict[str, Any] = {"error": type(exc).__name__, "inner": None, "line": None,
                           "message": detail[:400]}
    m = _DETAIL.match(detail)
    if m:
        out["error"], out["message"] = m.group(1), m.group(3)[:400]
        out["line"] = int(m.group(2)) if m.group(2) else None
        inner = _INNER.search(m.group(3))
        if inner:
            out["inner"], out["message"] = inner.group(2), inner.group(3)[:400]
    if out["line"] is None:  # fall back on the traceback
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == file_name:
                out["line"] = tb.tb_lineno
            tb = tb.tb_next
    return out


def simulate_once(text: str, file_name: str) -> dict[str, Any]:
    from opentrons import simulate

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ResourceWarning)  # Opentrons' own unclosed files
        try:
            runlog, _ = simulate.simulate(io.StringIO(text), file_name=file_name)
        except Exception as exc:
            result = {"completed": False, "commands": None, **describe(exc, file_name)}
            result["warnings"] = [str(w.message)[:200] for w in caught]
            return result
    logs = [f"{rec.get('levelname', '')}: {rec.get('msg', '')}"[:200]
            for cmd in runlog for rec in cmd.get("logs", [])
            if isinstance(rec, dict) and rec.get("levelno", logging.WARNING)
            >= logging.WARNING]
    return {"completed": True, "error": None, "inner": None, "line": None, "message": "",
            "commands": len(runlog), "warnings": logs + [str(w.message)[:200] for w in caught]}


def books(text: str, file_name: str) -> dict[str, Any]:
    """Every well volume Opentrons' state holds after running the protocol."""
    from opentrons import simulate

    tree = ast.parse(text)
    api_level = "2.27"
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "metadata":
            api_level = ast.literal_eval(node.value).get("apiLevel", api_level)
    namespace: dict[str, Any] = {"__name__": "protocol"}
    exec(compile(text, file_name, "exec"), namespace)
    ctx = simulate.get_protocol_api(api_level)
    if "add_parameters" in namespace:  # runtime parameters at their defaults
        from opentrons.protocol_api._parameter_context import ParameterContext
        from opentrons.protocols.api_support.types import APIVersion

        params = ParameterContext(APIVersion.from_string(api_level))
        namespace["add_parameters"](params)
        ctx._params = params.export_parameters_for_protocol()
    namespace["run"](ctx)
    out: dict[str, Any] = {}
    for labware in ctx.loaded_labwares.values():
        for well in labware.wells():
            try:
                volume = well.current_liquid_volume()
            except Exception:  # LiquidHeightUnknownError: no volume known
                continue
            if isinstance(volume, (int, float)):
                out[f"{labware.load_name}[{well.well_name}]"] = {
                    "volume": float(volume), "max": float(well.max_volume)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--variant", choices=["as written", "no load_liquid", "params"],
                    default="as written")
    ap.add_argument("--default", nargs=2, metavar=("OLD", "NEW"),
                    help="for --variant params: replace default=OLD with default=NEW")
    args = ap.parse_args()
    logging.getLogger("opentrons").setLevel(logging.ERROR)
    warmed = False
    for name in args.files:
        path = Path(name).resolve()
        text = path.read_text()
        if args.variant == "no load_liquid":
            text = no_load_liquid(text)
        elif args.variant == "params" and args.default:
            text = text.replace(f"default={args.default[0]}", f"default={args.default[1]}")
        with contextlib.redirect_stdout(sys.stderr):
            if not warmed:  # imports and labware definitions, once
                simulate_once(text, str(path))
                warmed = True
            result = simulate_once(text, str(path))
            times = []
            for _ in range(args.reps):
                gc.collect()
                t0 = time.perf_counter()
                simulate_once(text, str(path))
                times.append(time.perf_counter() - t0)
            probe: Any = None
            if result["completed"]:
                try:
                    probe = books(text, str(path))
                except Exception as exc:
                    probe = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        print(json.dumps({"file": str(path), "variant": args.variant, **result,
                          "times": times, "books": probe}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
