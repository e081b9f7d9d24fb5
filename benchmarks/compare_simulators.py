"""``make compare-opentrons``: the same mistakes through praxis_lab, PLR's chatterbox and
Opentrons' ``opentrons.simulate``, measured, printed as one table.

``benchmarks/compare/manifest.json`` lists pairs of protocols: the same lab task with the
same mistake, written for PyLabRobot (``compare/plr/``, with a ``setup()`` on an OTDeck)
and for the Opentrons Python API (``compare/opentrons/``, OT-2). For every pair:

- praxis_lab: ``simulate(file, setup="setup")`` in this process; every failure it reports.
- PLR chatterbox: the file run on PLR 0.2.2 (``tests/plr_harness.py``: chatterbox backend,
  tip and volume tracking on); what it raises and the protocol line in its traceback.
- opentrons.simulate: the file run by ``benchmarks/opentrons_driver.py`` in
  ``benchmarks/.venv-opentrons`` (a subprocess: Opentrons pins its own pydantic and numpy),
  as written (with ``load_liquid``) and with its liquid declarations commented out; for a
  run that completes, the well volumes Opentrons' own state ends with.

A cell says ``right line`` (stopped or reported at the mistaken call), ``elsewhere``
(something else, or another line), ``missed`` (completes), from the real outputs. Times
are medians of warm in-process runs (imports, labware definitions done), per protocol
file: load + build the deck + run or simulate.

    .venv/bin/python benchmarks/compare_simulators.py            # the table
    .venv/bin/python benchmarks/compare_simulators.py --reps 1 --cold 0  # quicker
    .venv/bin/python benchmarks/compare_simulators.py --json     # raw results
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import importlib.metadata
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COMPARE = HERE / "compare"
OT_PYTHON = HERE / ".venv-opentrons" / "bin" / "python"

sys.path.insert(0, str(ROOT / "tests"))
import plr_harness  # noqa: E402  (tests/plr_harness.py: PLR's real run of a file)


def load_manifest() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = json.loads((COMPARE / "manifest.json").read_text())["pairs"]
    return pairs


def _timed(fn: Any, reps: int) -> tuple[Any, list[float]]:
    result = fn()  # warm-up, and the result reported
    times = []
    for _ in range(reps):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return result, times


# --- the three tools -----------------------------------------------------------------


def run_praxis(pair: dict[str, Any], reps: int) -> dict[str, Any]:
    from praxis_lab.pipeline import simulate

    path = str(COMPARE / pair["plr"]["file"])
    with contextlib.redirect_stdout(io.StringIO()):
        report, times = _timed(lambda: simulate(path, setup="setup", cache=False), reps)
    return {"ok": report.ok, "times": times,
            "failures": [{"kind": f.kind, "line": f.line, "certainty": f.certainty,
                          "condition": f.condition, "message": f.message}
                         for f in report.failure_modes]}


def run_plr(pair: dict[str, Any], reps: int, params: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    path = COMPARE / pair["plr"]["file"]
    result, times = _timed(lambda: plr_harness.run_file(path, "setup", params), reps)
    return {"completed": result.completed, "error": result.error, "line": result.line,
            "message": result.message[:200], "times": times}


def opentrons_version(python: Path) -> str | None:
    if not python.exists():
        return None
    out = subprocess.run([str(python), "-c", "import opentrons; print(opentrons.__version__)"],
                         capture_output=True, text=True, timeout=120)
    return out.stdout.strip() if out.returncode == 0 else None


def run_opentrons(files: list[Path], reps: int, python: Path, *extra: str
                  ) -> dict[str, dict[str, Any]]:
    """``opentrons_driver.py`` over ``files`` in one subprocess: {file: result}."""
    with tempfile.TemporaryDirectory() as home:  # Opentrons reads/writes ~/.opentrons
        out = subprocess.run(
            [str(python), str(HERE / "opentrons_driver.py"), "--reps", str(reps), *extra,
             *map(str, files)],
            capture_output=True, text=True, timeout=1800, cwd=home,
            env=dict(os.environ, HOME=home))
    if out.returncode != 0:
        raise RuntimeError(f"opentrons_driver failed:\n{out.stderr[-3000:]}")
    results = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {r["file"]: r for r in results}


# --- verdicts (from the outputs above, nothing else) ------------------------------------


def _ms(times: list[float]) -> float:
    return statistics.median(times) * 1000 if times else float("nan")


def praxis_cell(pair: dict[str, Any], res: dict[str, Any]) -> tuple[str, str]:
    kind, line = pair["kind"], pair["plr"]["line"]
    fails = res["failures"]
    if kind is None:
        if not fails:
            return "no false alarm", "no failure"
        f = fails[0]
        return "false alarm", f"{f['kind']} @ {f['line']}"
    hit = next((f for f in fails if f["kind"] == kind and f["line"] == line), None)
    more = len(fails) - 1
    tail = f" (+{more} more)" if more > 0 else ""
    if hit is not None:
        cond = f", {hit['condition']}" if hit["condition"] else ""
        return "right line", f"{hit['kind']} @ {hit['line']}{cond}{tail}"
    if fails:
        f = fails[0]
        return "elsewhere", f"{f['kind']} @ {f['line']}{tail}"
    return "missed", "no failure"


def _raised_cell(expected_line: int | None, completed: bool, error: str | None,
                 line: int | None) -> tuple[str, str]:
    if expected_line is None:
        return ("no false alarm", "completes") if completed else ("false alarm",
                                                                  f"{error} @ {line}")
    if completed:
        return "missed", "completes"
    if line == expected_line:
        return "right line", f"{error} @ {line}"
    return "elsewhere", f"{error} @ {line}"


def plr_cell(pair: dict[str, Any], res: dict[str, Any], failing: dict[str, Any] | None
             ) -> tuple[str, str]:
    tag, text = _raised_cell(pair["plr"]["line"], res["completed"], res["error"], res["line"])
    if failing is not None:
        ftag, ftext = _raised_cell(pair["plr"]["line"], failing["completed"],
                                   failing["error"], failing["line"])
        params = ", ".join(f"{k}={v}" for k, v in pair["failing"].items())
        text = f"default run {text}; with {params}: {ftag}, {ftext}"
    return tag, text


def _books(res: dict[str, Any]) -> str:
    """Wells whose volume in Opentrons' own state is impossible (< 0 or above the max)."""
    books = res.get("books") or {}
    if "error" in books:
        return f"volumes not readable: {books['error']}"
    odd = [f"{key.split('[')[-1].rstrip(']')} = {v['volume']:g} µL"
           + (f" (max {v['max']:g})" if v["volume"] > v["max"] else "")
           for key, v in books.items() if v["volume"] < 0 or v["volume"] > v["max"]]
    if odd:
        return "its volumes end at " + ", ".join(odd)
    return "" if books else "no well volume known"


def opentrons_cell(pair: dict[str, Any], res: dict[str, Any] | None,
                   failing: dict[str, Any] | None = None) -> tuple[str, str]:
    if res is None:
        return "not run", "not run"
    name = res["inner"] or res["error"]
    tag, text = _raised_cell(pair["opentrons"]["line"], res["completed"], name, res["line"])
    if res["completed"]:
        notes = [f"{len(res['warnings'])} warnings" if res["warnings"] else "no warning"]
        books = _books(res)
        if books and (pair["kind"] in ("insufficient_liquid", "over_capacity")
                      or books.startswith("its")):
            notes.append(books)
        text += f" ({'; '.join(notes)})"
    if failing is not None:
        ftag, ftext = _raised_cell(pair["opentrons"]["line"], failing["completed"],
                                   failing["inner"] or failing["error"], failing["line"])
        params = ", ".join(f"{k}={v}" for k, v in pair["failing"].items())
        text = f"default run {text}; with {params}: {ftag}, {ftext}"
    return tag, text


def cold(reps: int, ot_python: Path, ot_installed: bool) -> dict[str, list[float]]:
    """Wall time of one new process checking the correct protocol, per tool (imports
    included): what a user waits for at the command line."""
    plr_ok, ot_ok = COMPARE / "plr" / "ok.py", COMPARE / "opentrons" / "ok.py"
    commands = {
        "praxis_lab": [sys.executable, "-m", "praxis_lab.cli", "simulate", str(plr_ok),
                       "--setup", "setup", "--json"],
        "PLR": [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                "import plr_harness; plr_harness.run_file(sys.argv[2])",
                str(ROOT / "tests"), str(plr_ok)],
    }
    if ot_installed:
        commands["opentrons"] = [str(ot_python), "-m", "opentrons.simulate", str(ot_ok)]
    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home)
        for tool, argv in commands.items():
            out[tool] = []
            for _ in range(reps):
                t0 = time.perf_counter()
                done = subprocess.run(argv, capture_output=True, text=True, env=env,
                                      cwd=home, timeout=300)
                out[tool].append(time.perf_counter() - t0)
                if done.returncode != 0:
                    raise RuntimeError(f"{tool}: {done.stderr[-2000:]}")
    return out


# --- the run ------------------------------------------------------------------------


def measure(reps: int, ot_python: Path, cold_reps: int = 3) -> dict[str, Any]:
    pairs = load_manifest()
    ot_version = opentrons_version(ot_python)
    ot: dict[str, dict[str, Any]] = {}
    ot_plain: dict[str, dict[str, Any]] = {}
    ot_failing: dict[str, dict[str, Any]] = {}
    if ot_version:
        files = [COMPARE / p["opentrons"]["file"] for p in pairs]
        ot = run_opentrons(files, reps, ot_python)
        ot_plain = run_opentrons(files, reps, ot_python, "--variant", "no load_liquid")
        for p in pairs:
            if "default" in p["opentrons"]:
                old, new = p["opentrons"]["default"]
                ot_failing.update(run_opentrons([COMPARE / p["opentrons"]["file"]], 1,
                                                ot_python, "--variant", "params",
                                                "--default", str(old), str(new)))
    rows = []
    for p in pairs:
        praxis = run_praxis(p, reps)
        plr = run_plr(p, reps)
        plr_failing = run_plr(p, 0, p["failing"]) if "failing" in p else None
        key = str((COMPARE / p["opentrons"]["file"]).resolve())
        rows.append({
            "pair": p, "praxis": praxis, "plr": plr, "plr_failing": plr_failing,
            "opentrons": ot.get(key), "opentrons_no_load_liquid": ot_plain.get(key),
            "opentrons_failing": ot_failing.get(key)})
    return {"date": datetime.date.today().isoformat(), "rows": rows, "reps": reps,
            "cold": cold(cold_reps, ot_python, bool(ot_version)) if cold_reps else {},
            "versions": {"praxis_lab": importlib.metadata.version("praxis_lab"),
                         "pylabrobot": importlib.metadata.version("pylabrobot"),
                         "opentrons": ot_version,
                         "python": platform.python_version()},
            "machine": {"cores": os.cpu_count(), "load": os.getloadavg()[0]}}


def table(data: dict[str, Any]) -> list[str]:
    v, m = data["versions"], data["machine"]
    ot = f"opentrons {v['opentrons']}" if v["opentrons"] else (
        "opentrons not installed (make compare-opentrons)")
    rows = []
    for row in data["rows"]:
        p = row["pair"]
        rows.append((row, [
            ("praxis_lab", praxis_cell(p, row["praxis"])),
            ("PLR", plr_cell(p, row["plr"], row["plr_failing"])),
            ("opentrons", opentrons_cell(p, row["opentrons"], row["opentrons_failing"])),
            ("opentrons, no load_liquid", opentrons_cell(p, row["opentrons_no_load_liquid"]))]))
    # the run without liquid declarations gets a column only where its verdict differs
    same = all(cells[2][1][0] == cells[3][1][0] for _, cells in rows)
    shown = 3 if same else 4
    heads = ["praxis_lab simulate", "PLR chatterbox", "opentrons.simulate",
             "opentrons.simulate, no load_liquid"][:shown]
    lines = [f"measured {data['date']}: praxis_lab {v['praxis_lab']}, pylabrobot "
             f"{v['pylabrobot']}, {ot}, Python {v['python']}, {m['cores']} cores, "
             f"load {m['load']:.1f}; times: median of {data['reps']} warm runs", "",
             "| mistake | " + " | ".join(heads) + " | ms praxis / PLR / OT |",
             "|---" * (shown + 2) + "|"]
    counts: dict[str, dict[str, int]] = {}
    for row, cells in rows:
        for tool, (tag, _) in cells:
            counts.setdefault(tool, {}).setdefault(tag, 0)
            counts[tool][tag] += 1
        ot_ms = f"{_ms(row['opentrons']['times']):.0f}" if row["opentrons"] else "–"
        times = f"{_ms(row['praxis']['times']):.0f} / {_ms(row['plr']['times']):.0f} / {ot_ms}"
        lines.append(f"| {row['pair']['mistake']} | " + " | ".join(
            f"{tag}: {text}" if tag not in ("no false alarm", "not run") else text
            for _, (tag, text) in cells[:shown]) + f" | {times} |")
    lines.append("")
    if same and v["opentrons"]:
        plain = [row["opentrons_no_load_liquid"] for row, _ in rows]
        done = [r for r in plain if r["completed"]]
        known = sum(bool(r["books"]) and "error" not in r["books"] for r in done)
        lines.append("opentrons.simulate without load_liquid (the same files, liquid "
                     "declarations commented out): the same verdict on every pair; "
                     f"a well volume known at the end of {known} of the {len(done)} runs "
                     "that complete")
    if data["cold"]:
        lines.append("one new process on the correct protocol (imports included), median: "
                     + ", ".join(f"{tool} {_ms(t) / 1000:.2f} s"
                                 for tool, t in data["cold"].items()))
    for tool, c in counts.items():
        lines.append(f"{tool}: " + ", ".join(f"{n} {tag}" for tag, n in sorted(
            c.items(), key=lambda kv: -kv[1])))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per file")
    ap.add_argument("--cold", type=int, default=3,
                    help="repetitions of the one-new-process timing (0: skip it)")
    ap.add_argument("--json", action="store_true", help="print the raw results as JSON")
    ap.add_argument("--opentrons-python", type=Path, default=OT_PYTHON,
                    help="the python of the virtualenv with opentrons installed")
    args = ap.parse_args(argv)
    data = measure(args.reps, args.opentrons_python, args.cold)
    if args.json:
        print(json.dumps(data, indent=1, default=str))
    else:
        print("\n".join(table(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
