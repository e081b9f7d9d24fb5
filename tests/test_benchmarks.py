"""Smoke test of ``benchmarks/``: the generated protocols are valid and simulate as
intended, and every benchmark function of ``run.py`` returns numbers.

No timing assertions: the figures are printed by ``make bench``, never asserted here.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from praxis_lab.pipeline import simulate
from praxis_lab.protocol.loading import load

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _load_run() -> ModuleType:
    name = "_praxis_bench_run"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


run = _load_run()
protocols = run.protocols


def _number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and x >= 0


# --- generators ---------------------------------------------------------------------


@pytest.mark.parametrize(("source", "ops"), [
    (protocols.plate_copy(), 48),
    (protocols.plate_copy(columns=3, setup=False), 12),
    (protocols.generated(8), 8),
    (protocols.generated(100, setup=False), 100),
    (protocols.unrolled(8), 8),
    (protocols.unrolled(100, setup=True), 100),
])
def test_generated_protocols_simulate_ok(source: str, ops: int) -> None:
    report = simulate(source, cache=False)
    assert report.ok, report.summary()
    assert report.paths == 1
    assert report.expected_ops == ops


def test_plate_copy_needs_a_full_rack_and_source_volumes() -> None:
    report = simulate(protocols.plate_copy(volume=100), cache=False)
    assert report.requirements["tips"] == {"tips": 96}
    liquid = report.requirements["liquid"]
    assert len(liquid) == 96 and {r["min_volume"] for r in liquid} == {100.0}


def test_plate_copy_setup_gives_the_exact_level() -> None:
    report = simulate(protocols.plate_copy(), setup="make_deck", cache=False)
    assert report.ok, report.summary()
    assert report.level == "exact"


def test_loop_and_unrolled_forms_do_the_same_ops() -> None:
    a = simulate(protocols.generated(24), cache=False).graph.operations
    b = simulate(protocols.unrolled(24), cache=False).graph.operations
    assert [op.method_name for op in a] == [op.method_name for op in b]
    assert [op.resources for op in a] == [op.resources for op in b]


@pytest.mark.parametrize("n_ifs", [1, 3])
def test_branchy_explores_every_path(n_ifs: int) -> None:
    report = simulate(protocols.branchy(n_ifs), cache=False)
    assert report.ok, report.summary()
    assert report.paths == 2 ** n_ifs
    assert not any(i.kind == "path_bound" for i in report.issues)


def test_broken_fails_in_several_ways_on_several_paths() -> None:
    report = simulate(protocols.broken(), cache=False)
    assert not report.ok
    assert report.paths == 4
    kinds = {f.kind for f in report.failure_modes}
    assert {"no_tips", "tips_already_loaded", "unknown_method", "over_capacity"} <= kinds
    assert len(kinds) >= 5
    assert any(f.certainty == "conditional" for f in report.failure_modes)
    assert any(f.certainty == "always" for f in report.failure_modes)


@pytest.mark.parametrize("call", [
    lambda: protocols.generated(10),
    lambda: protocols.unrolled(0),
    lambda: protocols.plate_copy(columns=13),
    lambda: protocols.branchy(0),
])
def test_generators_reject_bad_sizes(call: object) -> None:
    with pytest.raises(ValueError):
        call()  # type: ignore[operator]


def test_every_generated_source_loads() -> None:
    for src in (protocols.plate_copy(), protocols.generated(8), protocols.unrolled(8),
                protocols.branchy(2), protocols.broken()):
        assert load(src).info.params


# --- run.py -------------------------------------------------------------------------


def test_measure_counts_repetitions_and_runs_before() -> None:
    calls: list[str] = []
    st = run.measure(lambda: calls.append("fn"), reps=3, warmup=1,
                     before=lambda: calls.append("before"))
    assert st.n == 3 and calls == ["before", "fn"] * 4
    assert 0 <= st.best <= st.median
    assert st.cpu >= 0
    a, b = run.Stats(1, 2, 2, times=(2.0, 6.0)), run.Stats(1, 1, 2, times=(1.0, 2.0))
    assert run.paired_ratio(a, b) == 2.5


def test_bench_trace_graph_returns_numbers() -> None:
    out = run.bench_trace_graph(reps=1)
    assert out["ops"] == 48
    assert _number(out["best_ms"]) and _number(out["median_ms"]) and _number(out["load_bind_ms"])


def test_bench_vs_plr_returns_numbers_and_restores_tracking() -> None:
    from pylabrobot.resources.tip_tracker import does_tip_tracking
    from pylabrobot.resources.volume_tracker import does_volume_tracking

    before = (does_tip_tracking(), does_volume_tracking())
    out = run.bench_vs_plr(reps=1)
    assert (does_tip_tracking(), does_volume_tracking()) == before
    for key in ("ours_ms", "ours_exact_ms", "plr_ms", "ratio", "ratio_exact"):
        assert _number(out[key]) and out[key] > 0, key
    assert out["levels"] == ("symbolic", "exact")
    assert out["plr_printed_chars"] > 0  # the chatterbox really ran (and was silenced)


def test_bench_scaling_returns_numbers() -> None:
    out = run.bench_scaling(sizes=(8, 16), reps=1, unrolled=True)
    for form in ("loop", "unrolled"):
        assert set(out[form]) == {8, 16}
        assert all(_number(v) for v in out[form].values())
        for n in (8, 16):  # the verdict uses the best run, never above the median
            assert out[form][n] <= out["median"][(form, n)]


def test_bench_branches_returns_numbers() -> None:
    out = run.bench_branches(n_ifs=2, reps=1)
    assert out["paths"] == out["expected_paths"] == 4
    assert _number(out["ms"]) and not out["bound_hit"]


def test_bench_levels_returns_numbers() -> None:
    out = run.bench_levels(reps=1)
    for level in ("structural", "boolean", "symbolic", "exact", "full", "failures"):
        assert _number(out[level]["ms"]), level
    assert out["failures"]["modes"] >= 5 and out["failures"]["paths"] == 4


def test_bench_cli_runs_the_console_script() -> None:
    out = run.bench_cli(reps=1)
    assert _number(out["median_s"]) and out["ok"] is True and out["json_bytes"] > 0


def test_bench_edit_loop_builds_the_deck_each_time_for_plr_only() -> None:
    out = run.bench_edit_loop(reps=1)
    for key in ("plr_ms", "ours_ms", "ratio", "ratio_cpu"):
        assert _number(out[key]) and out[key] > 0, key


def test_bench_cli_vs_plr_runs_both_processes_and_reads_the_setup_back() -> None:
    out = run.bench_cli_vs_plr(reps=1)
    for key in ("plr_s", "ours_s", "ratio", "ratio_cpu"):
        assert _number(out[key]) and out[key] > 0, key
    assert {"plr", "setups"} <= set(out["cached"])  # the catalogue and the frozen setup


def test_bench_fixes_counts_the_failing_protocols_with_a_proven_fix_and_their_plr_runs() -> None:
    tests = Path(__file__).parent
    files = [tests / "protocols" / "broken_no_tips_aspirate.py",  # fixed, completes
             tests / "protocols" / "broken_bad_missing_arg.py",  # no fix can exist
             tests / "corpus" / "ok_random_count_parameter.py",  # fails for other values only
             tests / "protocols" / "ok_plate_copy.py"]  # not failing: not counted
    out = run.bench_fixes(files)
    assert {k: out[k] for k in ("failing", "proven", "clean", "completes", "no_fix",
                                "not_yet")} == {"failing": 3, "proven": 1, "clean": 1,
                                                "completes": 2, "no_fix": 1, "not_yet": 0}
    assert _number(out["wall_s"])


def test_store_rows_are_optional(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "HERE", tmp_path)  # a benchmarks dir without bench_store.py
    monkeypatch.delitem(sys.modules, "_praxis_bench_bench_store", raising=False)
    assert run.store_rows() is None
    (tmp_path / "bench_store.py").write_text("def bench():\n    return [('x', 1.0, 'ms')]\n")
    assert run.store_rows() == [("x", 1.0, "ms")]
    # a plain pop: monkeypatch.delitem here would restore the stand-in after the test
    sys.modules.pop("_praxis_bench_bench_store", None)


def test_runner_overhead_is_the_median_of_paired_ratios_with_its_verdict() -> None:
    spec = importlib.util.spec_from_file_location("_bench_store_figures", BENCH / "bench_store.py")
    assert spec is not None and spec.loader is not None
    store = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(store)
    bare, logged = [1.0, 2.0, 1.0, 1.0, 1.0], [1.1, 2.2, 1.5, 1.1, 1.3]  # +10 +10 +50 +10 +30 %
    rows = {name: (value, unit, detail)
            for name, value, unit, *rest in store.plate_copy_figures(
                bare, logged, bare, logged, 0.2) for detail in ["".join(rest)]}
    value, unit, detail = rows["runner overhead, call logging"]
    assert unit == "%" and round(value, 6) == 10.0  # the mean ratio would say 22 %
    assert "target <= 20 % met" in detail and "range 10.0 to 50.0 %" in detail
    missed = store.plate_copy_figures(bare, [1.3, 2.6, 1.3, 1.0, 1.0], bare, bare, 0.2)
    assert "target <= 20 % MISSED" in missed[2][3]
    assert store.median_interval([float(v) for v in range(21)]) == (6.0, 15.0)
    assert store.median_interval([float(v) for v in range(101)]) == (40.0, 61.0)  # narrower
    assert store._undecided([(1.0, 0)] * 9, [(1.1, 0)] * 4 + [(1.3, 0)] * 5)  # 10 % or 30 %?
    assert not store._undecided([(1.0, 0)] * 9, [(1.1, 0)] * 9)
    per_call = rows["runner per-call overhead"][0]  # paired differences 0.1 0.2 0.5 0.1 0.3 s
    assert math.isclose(per_call, 0.2 / 48 * 1e6)


def test_machine_and_table() -> None:
    m = run.machine()
    assert m["cores"] and m["python"] and m["pylabrobot"]
    rows = ["section", run.Row("a", 1.5, "ms", "< 2 ms", "ok", "best 1.4"),
            run.Row("b", 3, "x", ">= 3x", "MISSED")]
    table = run.render(rows)
    assert "[section]" in table and "MISSED" in table and "verdict" in table.splitlines()[0]


def test_the_history_rows_fill_a_store_of_todays_schema_and_read_it_back() -> None:
    spec = importlib.util.spec_from_file_location("_bench_store_history", BENCH / "bench_store.py")
    assert spec is not None and spec.loader is not None
    store = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(store)
    rows = store._history_rows(runs=20, calls_per_run=8)  # asserts the totals it reads back
    assert any("20 runs / 160 calls" in row[0] for row in rows)
    assert all(_number(row[1]) for row in rows)
