"""Tracing runs the protocol with stand-ins and records every PLR call with its place."""

from __future__ import annotations

import textwrap

from praxis_lab.deck.binding import bind
from praxis_lab.protocol.loading import load
from praxis_lab.trace.driver import trace
from praxis_lab.trace.sandbox import CONFINED


def _trace(src: str, params=None, **kw):
    loaded = load(textwrap.dedent(src), confine=CONFINED)  # loaded as a simulation is
    return trace(loaded, bind(loaded.info, params=params), **kw)


CORPUS = __import__("pathlib").Path(__file__).parent / "corpus"

HEADER = "async def p(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate, v: float = 50):\n"


def test_each_call_is_recorded_with_its_line_column_and_bound_arguments():
    r = _trace(HEADER + "    await lh.pick_up_tips(tips['A1:H1'])\n"
               "    await lh.aspirate(src['A1:H1'], [v] * 8, use_channels=list(range(8)))\n")
    (path,) = r.paths
    assert [(o.method, o.line, o.column) for o in path.ops] == [
        ("pick_up_tips", 2, 10), ("aspirate", 3, 10)]
    asp = path.ops[1]
    assert len(asp.args["resources"]) == 8 and asp.args["use_channels"] == list(range(8))
    assert asp.args["flow_rates"] is None  # PLR's default, filled in


def test_loops_f_strings_get_item_get_well_zip_and_comprehensions_work_concretely():
    r = _trace(HEADER + textwrap.indent(textwrap.dedent("""
        for col in range(1, 4):
            await lh.pick_up_tips(tips[f"A{col}:H{col}"])
            wells = [src.get_item(f"{row}{col}") for row in "ABCDEFGH"]
            for s, d in zip(wells, [dst.get_well(f"{r}{col}") for r in "ABCDEFGH"]):
                await lh.aspirate([s], [v])
                await lh.dispense([d], [v])
            await lh.drop_tips(tips[f"A{col}:H{col}"])
        """), "    "))
    ops = r.paths[0].ops
    assert len(ops) == 3 * (2 + 16)
    assert ops[1].args["resources"][0].get_identifier() == "A1"
    assert ops[-2].args["resources"][0].get_identifier() == "H3"


def test_helper_functions_report_the_line_inside_the_helper():
    r = _trace("""
        async def helper(lh, spots):
            await lh.pick_up_tips(spots)

        async def p(lh: LiquidHandler, tips: TipRack):
            await helper(lh, tips["A1"])
        """)
    assert [(o.method, o.line) for o in r.paths[0].ops] == [("pick_up_tips", 3)]


def test_an_if_on_a_parameter_explores_both_branches_with_conditions():
    r = _trace(HEADER + "    if v > 100:\n        await lh.pick_up_tips(tips['A1'])\n"
               "    else:\n        await lh.pick_up_tips(tips['B1'])\n")
    assert sorted(p.condition for p in r.paths) == ["v <= 100", "v > 100"]
    witness = {p.condition: p.witness["v"] for p in r.paths}
    assert witness["v > 100"] > 100 and witness["v <= 100"] <= 100


def test_impossible_paths_are_pruned():
    r = _trace(HEADER + "    if v > 100:\n        if v < 50:\n"
               "            await lh.pick_up_tips(tips['A1'])\n")
    assert len(r.paths) == 2
    assert all(not p.ops for p in r.paths)


def test_independent_ifs_multiply_paths_and_the_bound_stops_exploration():
    body = "".join(f"    if v > {i}:\n        await lh.pick_up_tips(tips['A{i + 1}'])\n"
                   for i in range(0, 90, 10))
    src = HEADER.replace("v: float = 50", "v: float = 50, w: float = 1") + body + "".join(
        f"    if w > {i}:\n        pass\n" for i in range(6))
    r = _trace(src, max_paths=16)
    assert r.truncated and len(r.paths) == 16
    assert "more than 16 paths" in r.issues[0].message


def test_use_channels_context_is_recorded_for_the_ops_inside_it():
    r = _trace(HEADER + "    with lh.use_channels([2]):\n"
               "        await lh.pick_up_tips(tips['A1'])\n")
    ctx, pick = r.paths[0].ops
    assert ctx.method == "use_channels" and ctx.kind == "context"
    assert pick.default_channels == [2]


def test_use_tips_stands_for_a_pick_up_and_a_discard():
    r = _trace(HEADER + "    async with lh.use_tips(tips['A1:B1']):\n"
               "        await lh.aspirate(src['A1:B1'], [v, v])\n")
    assert [o.method for o in r.paths[0].ops] == ["pick_up_tips", "aspirate", "discard_tips"]


def test_unknown_methods_and_bad_calls_are_recorded_not_raised():
    r = _trace(HEADER + "    await lh.transfer_96(src, dst)\n    await lh.aspirate(src['A1'])\n")
    unknown, bad = r.paths[0].ops
    assert unknown.known is False and unknown.method == "transfer_96"
    assert "missing 1 required argument: 'vols'" in bad.bind_error


def test_an_endless_loop_is_stopped_by_the_op_bound():
    r = _trace(HEADER + "    while True:\n        await lh.pick_up_tips(tips['A1'])\n",
               max_ops=500)
    assert r.paths[0].issue.kind == "op_bound" and r.paths[0].issue.line == 3


def test_an_endless_loop_without_calls_is_stopped_by_the_timeout():
    r = _trace(HEADER + "    x = 0\n    while True:\n        x += 1\n", timeout_s=0.3)
    assert r.issues and r.issues[0].kind == "timeout"


def test_reading_live_tracker_state_is_a_clear_issue():
    r = _trace(HEADER + "    if lh.head[0].has_tip:\n        pass\n")
    assert r.paths[0].issue.kind == "reads_state" and r.paths[0].issue.line == 2


def test_asyncio_sleep_is_instant_while_tracing_and_recorded_with_its_delay():
    r = _trace("import asyncio\n" + HEADER + "    await asyncio.sleep(3600)\n"
               "    await lh.pick_up_tips(tips['A1'])\n")  # an hour's sleep: a test timeout
    sleep, pick = r.paths[0].ops
    assert (sleep.method, sleep.receiver, sleep.args, sleep.line) == (
        "sleep", "asyncio", {"delay": 3600}, 3)
    assert pick.method == "pick_up_tips"


def test_a_protocol_that_raises_is_reported_at_its_line():
    r = _trace(HEADER + "    x = tips['A1'] + 1\n")
    issue = r.paths[0].issue
    assert issue.kind == "raised" and issue.line == 2 and "TypeError" in issue.message
    assert issue.raised == ("TypeError", "Exception", "BaseException")  # its MRO, by name


def test_a_protocol_that_raises_is_reported_at_the_column_of_the_raising_expression():
    line = "    await lh.aspirate(src['A1'], [v + tips])"
    issue = _trace(HEADER + line + "\n").paths[0].issue
    assert issue.kind == "raised" and (issue.line, issue.column) == (2, line.index("v + tips"))


TRY = HEADER + ("    await lh.pick_up_tips(tips['A1'])\n    try:\n"
                "        await lh.pick_up_tips(tips['B1'])\n    except Exception:\n"
                "        await lh.discard_tips()\n")


def test_without_a_judge_an_op_inside_a_try_completes_and_the_except_is_not_run():
    (path,) = _trace(TRY).paths
    assert [(op.method, op.raised) for op in path.ops] == [("pick_up_tips", None),
                                                          ("pick_up_tips", None)]


def test_with_a_judge_the_op_raises_plr_s_error_into_the_except_and_the_path_says_so():
    from praxis_lab.sim.replay import Replay

    loaded = load(TRY)
    binding = bind(loaded.info)
    (path,) = trace(loaded, binding, judge=lambda: Replay(binding, "boolean")).paths
    assert [(op.method, op.line, op.raised) for op in path.ops] == [
        ("pick_up_tips", 2, None), ("pick_up_tips", 4, "HasTipError"), ("discard_tips", 6, None)]
    assert path.condition == "line 4 raises HasTipError"


def test_a_nested_while_loop_on_parameters_runs_concretely_and_is_summarised_not_enumerated():
    import time

    from praxis_lab.pipeline import simulate

    t0 = time.perf_counter()
    report = simulate(str(CORPUS / "ok_serial_dilution_while_mix.py"), setup="setup",
                      cache=False)
    assert time.perf_counter() - t0 < 10
    assert report.ok and report.complete and report.paths < 80
    assert report.expected_ops == 11 * 10  # the default path: 11 columns, 3 mixes each
    notes = [(i.kind, i.line) for i in report.issues]
    assert notes == [("loop_summary", 24), ("loop_summary", 29)]


def test_a_loop_over_384_wells_comparing_with_a_parameter_has_a_few_paths_not_one_per_well():
    from praxis_lab.pipeline import simulate

    report = simulate(str(CORPUS / "ok_backfill_384.py"), setup="setup", cache=False)
    assert report.ok and report.paths <= 6
    default = [op for op in report.graph.operations if op.method_name == "dispense"]
    assert len(default) >= 384 - 96  # every back-filled well of the default path
    pinned = simulate(str(CORPUS / "ok_backfill_384.py"), setup="setup",
                      params={"n_samples": 380}, cache=False)
    assert pinned.paths == 1 and pinned.expected_ops == 2 + 2 * 4


def test_the_loops_end_is_followed_one_pass_past_the_default():
    r = _trace(HEADER + "    k = 0\n    while k < v:\n        await lh.pick_up_tips(tips[k])\n"
               "        k += 1\n")
    counts = sorted(len(p.ops) for p in r.paths)
    assert counts[:3] == [0, 1, 2] and 50 in counts and max(counts) > 50
    assert len(r.paths) < 12


def test_a_while_loop_comparing_two_parameters_is_bounded_and_summarised():
    import time

    from praxis_lab.pipeline import simulate

    t0 = time.perf_counter()
    report = simulate("async def fill(lh: LiquidHandler, tips: TipRack, src: Plate, dst: Plate,\n"
                      "               target: float = 150, per_pass: float = 50):\n"
                      "    await lh.pick_up_tips(tips['A1'])\n"
                      "    added = 0\n"
                      "    while added < target:\n"
                      "        await lh.aspirate(src['A1'], vols=[per_pass])\n"
                      "        await lh.dispense(dst['A1'], vols=[per_pass])\n"
                      "        added += per_pass\n", cache=False)
    assert time.perf_counter() - t0 < 10 and report.complete and report.paths < 40
    assert [(i.kind, i.line) for i in report.issues] == [("loop_summary", 5)]
    assert report.expected_ops == 1 + 2 * 3  # the default path: three passes
    assert not any(m.on_default_path for m in report.failure_modes)  # only larger targets


COUNT = ("async def p(lh: LiquidHandler, tips: TipRack, n: int = 8):\n"
         "    for i in range(n):\n"
         "        await lh.pick_up_tips(tips.get_all_items()[i])\n"
         "        await lh.discard_tips()\n")


def _passes(path) -> int:
    return sum(op.method == "pick_up_tips" for op in path.ops)


def test_a_range_on_a_parameter_takes_the_default_on_the_default_path_and_forks_on_the_count():
    from praxis_lab.trace.conditions import simplify

    r = _trace(COUNT)
    default = next(p for p in r.paths if p.default)
    assert _passes(default) == 8 and simplify(default.condition) == "7 < n <= 8"
    by_count = {_passes(p): simplify(p.condition) for p in r.paths}
    assert sorted(by_count) == [0, 1, 2, 5, *range(8, 18)]  # 5: one count from 3 to 7
    assert (by_count[0], by_count[1], by_count[5], by_count[17]) == (
        "n <= 0", "0 < n <= 1", "2 < n <= 7", "n > 16")
    assert all(p.witness["n"] == _passes(p) for p in r.paths if _passes(p))


def test_range_from_one_list_repetition_and_a_slice_on_a_parameter_fork_like_range():
    for body, passes in [("for i in range(1, n):\n        await lh.pick_up_tips(tips[i])\n",
                          lambda n: max(n - 1, 0)),
                         ("for spot in [tips['A1']] * n:\n        await lh.pick_up_tips(spot)\n",
                          lambda n: max(n, 0)),
                         ("for s in tips.get_all_items()[:n]:\n        await lh.pick_up_tips(s)\n",
                          lambda n: max(n, 0))]:
        r = _trace(COUNT.split("    for")[0] + "    " + body)
        assert len(r.paths) > 10, body
        default = next(p for p in r.paths if p.default)
        assert len(default.ops) == passes(8), body
        assert all(len(p.ops) == passes(p.witness["n"]) for p in r.paths), body


def test_a_count_computed_from_a_parameter_forks_one_count_off_default_at_a_time():
    from praxis_lab.trace.conditions import simplify

    for count, per_n in [("2 * n", lambda n: 2 * n), ("n // 2", lambda n: n // 2),
                         ("n + 1", lambda n: n + 1), ("int(n)", lambda n: n),
                         ("math.ceil(n / 2)", lambda n: -(-n // 2))]:
        r = _trace("import math\n" + COUNT.replace("range(n)", f"range({count})"),
                   params=None)
        default = next(p for p in r.paths if p.default)
        assert _passes(default) == per_n(8), count
        assert all(_passes(p) == max(per_n(p.witness["n"]), 0) for p in r.paths), count
        assert len(r.paths) <= 20, count  # one count off default at a time
        (note,) = [i for i in r.issues if i.kind == "loop_summary"]
        assert note.message.startswith(f"{count} at line 3 is a count"), note.message
    r = _trace("import math\n" + COUNT.replace("range(n)", "range(math.ceil(n / 2))"))
    conditions = {_passes(p): simplify(p.condition) for p in r.paths}
    assert (conditions[0], conditions[1], conditions[17]) == ("n <= 0", "0 < n <= 2", "n > 32")


def test_a_strided_range_counts_its_passes_not_its_stop():
    from praxis_lab.trace.conditions import simplify

    r = _trace(COUNT.replace("range(n)", "range(0, n, 8)").replace("n: int = 8", "n: int = 40"))
    passes = {_passes(p): simplify(p.condition) for p in r.paths}
    assert sorted(passes) == [0, 1, 2, 3, 5, *range(6, 13)]  # tip 97 does not exist
    assert (passes[1], passes[5]) == ("0 < n <= 8", "32 < n <= 40")
    (note,) = [i for i in r.issues if i.kind == "loop_summary"]
    assert "len(range(0, n, 8)) = 0, 1, 2, one from 3 to 4, 5 (the value given, n = 40)" in (
        note.message)


WHILE = ("async def p(lh: LiquidHandler, tips: TipRack, n: int = 8):\n"
         "    k = 0\n"
         "    while k < n:\n"
         "        await lh.pick_up_tips(tips.get_all_items()[k])\n"
         "        await lh.discard_tips()\n"
         "        k += 1\n")


def test_a_while_loop_counted_by_a_parameter_checks_the_counts_a_for_loop_checks():
    from praxis_lab.trace.conditions import simplify

    def checked(source: str) -> tuple[dict[int, str], list[str]]:
        r = _trace(source)
        notes = [i.message.replace("line 3", "line 2") for i in r.issues
                 if i.kind == "loop_summary"]
        return {_passes(p): simplify(p.condition) for p in r.paths}, notes

    assert checked(WHILE) == checked(COUNT)  # the same counts, conditions and note
    by_count, _notes = checked(WHILE)
    assert sorted(by_count) == [0, 1, 2, 5, *range(8, 18)]
    assert (by_count[5], by_count[17]) == ("2 < n <= 7", "n > 16")


def test_a_while_loop_stepping_by_eight_counts_its_passes():
    from praxis_lab.trace.conditions import simplify

    r = _trace(WHILE.replace("k += 1", "k += 8").replace("n: int = 8", "n: int = 40"))
    by_count = {_passes(p): simplify(p.condition) for p in r.paths}
    assert sorted(by_count) == [0, 1, 2, 3, 5, *range(6, 13)]  # tip 97 does not exist
    assert (by_count[1], by_count[3], by_count[5]) == ("0 < n <= 8", "16 < n <= 32",
                                                       "32 < n <= 40")
    (note,) = [i.message for i in r.issues if i.kind == "loop_summary"]
    assert note.startswith("the passes on n at line 3 is a count") and (
        "0, 1, 2, one from 3 to 4, 5 (the value given, n = 40)" in note)


def test_two_while_counts_leave_their_defaults_one_at_a_time():
    r = _trace("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, cols: int = 4,\n"
               "            mixes: int = 3):\n"
               "    c = 0\n"
               "    while c < cols:\n"
               "        await lh.pick_up_tips(tips.get_all_items()[c])\n"
               "        m = 0\n"
               "        while m < mixes:\n"
               "            await lh.aspirate(plate.get_all_items()[c], vols=[10])\n"
               "            await lh.dispense(plate.get_all_items()[c], vols=[10])\n"
               "            m += 1\n"
               "        await lh.discard_tips()\n"
               "        c += 1\n")
    off = [(p.witness["cols"] != 4, p.witness["mixes"] != 3) for p in r.paths]
    assert (True, True) not in off and (True, False) in off and (False, True) in off
    assert len(r.paths) < 40


def test_a_while_loop_whose_bounds_do_not_step_evenly_keeps_the_loop_summary():
    r = _trace(WHILE.replace("while k < n", "while k * k < n"))
    (note,) = [i.message for i in r.issues if i.kind == "loop_summary"]
    assert note.startswith("the loop at line 3 compares with n on every pass")
    assert len(r.paths) < 25


def test_a_pinned_count_never_forks():
    r = _trace(COUNT, params={"n": 20})
    (path,) = r.paths
    assert _passes(path) == 20 and path.condition is None
    assert not [i for i in r.issues if i.kind == "loop_summary"]


def test_two_counts_leave_their_defaults_one_at_a_time_a_sum_of_paths_not_a_product():
    r = _trace("async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, cols: int = 4,\n"
               "            mixes: int = 3):\n"
               "    for c in range(cols):\n"
               "        await lh.pick_up_tips(tips.get_all_items()[c])\n"
               "        for _ in range(mixes):\n"
               "            await lh.aspirate(plate.get_all_items()[c], vols=[10])\n"
               "            await lh.dispense(plate.get_all_items()[c], vols=[10])\n"
               "        await lh.discard_tips()\n")
    off = [(p.witness["cols"] != 4, p.witness["mixes"] != 3) for p in r.paths]
    assert (True, True) not in off and (True, False) in off and (False, True) in off
    assert len(r.paths) < 40


def test_a_count_s_note_says_which_counts_were_checked():
    notes = [i for i in _trace(COUNT).issues if i.kind == "loop_summary"]
    assert [(i.line, i.message) for i in notes] == [(2, (
        "n at line 2 is a count (range(), [x] * n or a slice): checked with n = 0, 1, 2, one "
        "from 3 to 7, 8 (the value given), each from 9 to 16 and one above 16; other values "
        "repeat these passes and were not enumerated"))]
    plus_one = _trace(COUNT.replace("range(n)", "range(1, n + 1)")).issues
    assert [i.message.split(";")[0] for i in plus_one] == [
        "n + 1 at line 2 is a count (range(), [x] * n or a slice): checked with n + 1 = 0, 1, 2, "
        "one from 3 to 8, 9 (the value given, n = 8), each from 10 to 16 and one above 16"]


def test_a_float_parameter_used_as_a_count_is_a_failure_naming_it_not_a_crash():
    from praxis_lab.pipeline import simulate

    report = simulate("async def p(lh: LiquidHandler, tips: TipRack, n: float = 8.0):\n"
                      "    for i in range(n):\n"
                      "        await lh.pick_up_tips(tips.get_all_items()[i])\n", cache=False)
    (mode,) = report.failure_modes
    assert (mode.kind, mode.line, mode.certainty) == ("bad_arguments", 2, "always")
    assert "'float' object cannot be interpreted as an integer (n = 8.0" in mode.message


def test_a_stop_iteration_out_of_next_in_the_protocol_is_named_at_its_line():
    r = _trace("async def p(lh: LiquidHandler, tips: TipRack):\n"
               "    spots = iter([tips['A1']])\n"
               "    await lh.pick_up_tips(next(spots))\n"
               "    await lh.pick_up_tips(next(spots))\n")
    issue = r.paths[0].issue
    assert issue.message == "RuntimeError: coroutine raised StopIteration" and issue.line == 4


def test_an_if_on_a_parameter_is_a_fork_of_its_own_not_a_while_loops_pass():
    """Both sides of ``if volume > 200`` are paths the protocol takes with some value: what
    the other side needs (its tips, its liquid) is a requirement, not a loop's other count."""
    from praxis_lab import simulate

    report = simulate('''
async def p(lh: LiquidHandler, tips: TipRack, plate: Plate, volume: float = 250):
    if volume > 200:
        await lh.aspirate(plate["A1"], vols=[volume])
    else:
        await lh.pick_up_tips(tips["A1"])
        await lh.aspirate(plate["A1"], vols=[volume])
        await lh.dispense(plate["A2"], vols=[volume])
        await lh.discard_tips()
''', cache=False)
    assert [(m.kind, m.condition) for m in report.failure_modes] == [("no_tips", "volume > 200")]
    assert report.requirements["tips"] == {"tips": 1}
    assert report.requirements["liquid"][0]["min_volume"] == 199.0
    assert "count" not in " ".join(i.message for i in report.issues)
