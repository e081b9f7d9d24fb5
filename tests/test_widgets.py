"""The widgets' Python side: traits from the fixture, kwargs checks, messages, controller events."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
import traitlets

from praxis_lab.widgets import (
    BundleMissingError,
    DeckView,
    FailureList,
    GraphView,
    ReportView,
    RunMonitor,
    _base,
)

FIXTURE = json.loads(
    (Path(__file__).parent / "ui" / "fixtures" / "copy_plate.json").read_text(encoding="utf-8")
)


def click(widget: Any, **content: Any) -> None:
    """Deliver the comm message that the browser's ``model.send(content)`` produces."""
    widget._handle_msg({"content": {"data": {"method": "custom", "content": content}},
                        "buffers": []})


class FakeController:
    """A tiny run controller: records calls and emits the events a run would."""

    def __init__(self, ops: int = 3, fail_on: str | None = None) -> None:
        self.ops = ops
        self.fail_on = fail_on
        self.calls: list[str] = []
        self.listeners: list[Any] = []

    def subscribe(self, fn: Any) -> None:
        self.listeners.append(fn)

    def emit(self, **event: Any) -> None:
        for fn in self.listeners:
            fn(event)

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if name == self.fail_on:
            raise RuntimeError(f"{name} is not possible now")

    def start(self) -> None:
        self._call("start")
        self.emit(type="status", run_id="run-1", status="running")
        for i in range(self.ops):
            self.emit(type="log", run_id="run-1", seq=i, method="aspirate",
                      arguments={"vols": [40.0]}, duration_ms=1.0, error=None)
            self.emit(type="progress", run_id="run-1", done=i + 1, expected=self.ops,
                      eta_s=float(self.ops - i - 1))
        self.emit(type="status", run_id="run-1", status="completed")

    def pause(self) -> None:
        self._call("pause")
        self.emit(type="status", run_id="run-1", status="paused")

    def resume(self) -> None:
        self._call("resume")
        self.emit(type="status", run_id="run-1", status="running")

    def abort(self) -> None:
        self._call("abort")
        self.emit(type="status", run_id="run-1", status="canceled")


def deck_view() -> DeckView:
    return DeckView(FIXTURE["deck_layout"], timeline=FIXTURE["timeline"],
                    failures=FIXTURE["failure_modes"])


def test_deck_view_holds_the_layout_timeline_and_failures_as_traits() -> None:
    view = deck_view()
    assert view.deck_layout["deck"]["type"] == "STARLetDeck"
    assert len(view.wells) == 192
    assert len(view.timeline["steps"]) == 48
    assert view.failures[0]["resources"] == ["source[A1]"]
    assert view.step == 0 and view.selected == ""
    assert "192 wells, 2 failing resources" in repr(view)


def test_deck_view_state_follows_the_step_and_the_step_is_clamped() -> None:
    view = deck_view()
    assert view.state_at(0)["source[B1]"] == 100.0
    view.step = 2
    assert view.state_at()["source[B1]"] == 60.0
    assert view.state_at()["tips[A1]"] is False
    view.step = 1000
    assert view.step == 48
    view.step = -3
    assert view.step == 0


def test_browser_state_changes_reach_python() -> None:
    view = deck_view()
    view.set_state({"selected": "source[A1]", "step": 5})
    assert (view.selected, view.step) == ("source[A1]", 5)


def test_graph_view_marks_the_ops_its_failures_name() -> None:
    view = GraphView(FIXTURE["graph"], failures=FIXTURE["failure_modes"])
    assert len(view.graph["operations"]) == 48
    assert view.failing_ops() == [f"op_{4 * i + 1}" for i in range(12)]
    assert "12 failing ops" in repr(view)
    short = FIXTURE["failure_modes"][0]  # source[A1] holds 30 µL: column 1's aspirate only
    view.failures = [short]
    assert view.failing_ops() == ["op_1"]
    assert view.loops()[0]["failing_ops"] == 1
    view.failures = [{**short, "ops": []}]  # a failure that names no op: every op on its line
    assert len(view.failing_ops()) == 12


def big_graph(n: int) -> dict[str, Any]:
    """``n`` ops of one loop cycling through four lines (pick up, aspirate, dispense, drop)."""
    methods = ["pick_up_tips", "aspirate", "dispense", "drop_tips"]
    ops = [{"id": f"op_{i}", "line_number": 5 + i % 4, "column": 8, "method_name": methods[i % 4],
            "loop": "for i in range(2500) @ 4", "resources": [f"source[A{i % 12 + 1}]"]}
           for i in range(n)]
    return {"protocol_fqn": "big", "resources": FIXTURE["graph"]["resources"], "operations": ops,
            "execution_order": [op["id"] for op in ops]}


def test_graph_view_groups_a_loop_and_counts_its_iterations() -> None:
    view = GraphView(FIXTURE["graph"], failures=FIXTURE["failure_modes"])
    assert view.loops() == [{"id": "op_0", "loop": "for col in range(1, 13) @ 3", "ops": 48,
                             "iterations": 12, "failing_ops": 12, "collapsed": True}]


def test_graph_view_splits_iterations_where_the_line_goes_back_not_on_one_line() -> None:
    def op(i: str, line: int, column: int, loop: str | None = "for x in xs @ 2") -> dict[str, Any]:
        return {"id": i, "line_number": line, "column": column, "loop": loop}

    ops = [op("a", 3, 4), op("b", 3, 20), op("c", 4, 4), op("d", 3, 4), op("e", 4, 4),
           op("f", 9, 0, None), op("g", 3, 4)]
    view = GraphView({"operations": ops})
    assert [(g["id"], g["ops"], g["iterations"]) for g in view.loops()] == [
        ("a", 5, 2), ("g", 1, 1)]


def test_graph_view_folds_ops_in_a_row_from_one_call_site_outside_a_loop() -> None:
    def op(i: str, line: int, method: str) -> dict[str, Any]:
        return {"id": i, "line_number": line, "column": 4, "method_name": method, "loop": None}

    ops = [*(op(f"s{i}", 26, "set_tip") for i in range(96)), op("a", 28, "pick_up_tips"),
           op("b", 29, "aspirate"), op("c", 29, "aspirate")]
    view = GraphView({"operations": ops})
    assert [(g["id"], g["loop"], g["ops"], g["iterations"]) for g in view.loops()] == [
        ("s0", "set_tip repeated at line 26", 96, 96), ("b", "aspirate repeated at line 29", 2, 2)]
    assert view.collapsed == ["s0", "b"]


def nested_graph(cols: int = 12, rows: int = 8, tail: bool = False) -> dict[str, Any]:
    """``for col`` (line 6) around ``for row`` (line 8), as ``nestedGraph`` in widgets_js."""
    outer, inner = "for col in range(1, 13) @ 6", 'for row in "ABCDEFGH" @ 8'
    ops: list[dict[str, Any]] = []

    def add(line: int, method: str, loop: str) -> None:
        ops.append({"id": f"op_{len(ops)}", "line_number": line, "column": 8,
                    "method_name": method, "loop": loop})

    for _ in range(cols):
        if not tail:
            add(7, "pick_up_tips", outer)
        for _ in range(rows):
            add(9, "aspirate", inner)
            add(10, "dispense", inner)
        add(11, "discard_tips", outer)
    return {"operations": ops}


def test_graph_view_keeps_a_nested_loop_in_its_outer_loop() -> None:
    view = GraphView(nested_graph())
    assert [(g["loop"], g["ops"], g["iterations"]) for g in view.loops()] == [
        ("for col in range(1, 13) @ 6", 216, 12)]
    assert view.collapsed == ["op_0"]
    assert [(g["ops"], g["iterations"]) for g in GraphView(nested_graph(3, 2, True)).loops()] == [
        (15, 3)]
    apart = [dict(op, loop="for col in range(7, 13) @ 12") if i >= 24 else op
             for i, op in enumerate(FIXTURE["graph"]["operations"])]
    assert [(g["id"], g["iterations"]) for g in GraphView({"operations": apart}).loops()] == [
        ("op_0", 6), ("op_24", 6)]


def test_graph_view_starts_long_loops_and_large_graphs_collapsed() -> None:
    view = GraphView(big_graph(10_000))
    assert view.collapsed == ["op_0"]
    assert view.loops()[0]["iterations"] == 2500
    assert GraphView(big_graph(16)).collapsed == []  # four iterations: a few
    assert GraphView(big_graph(20)).collapsed == ["op_0"]  # five: more than a few
    view.graph = {**FIXTURE["graph"], "operations": FIXTURE["graph"]["operations"][:16]}
    assert view.collapsed == []


def test_graph_view_traits_sync_both_ways() -> None:
    view = GraphView(FIXTURE["graph"], failures=FIXTURE["failure_modes"], max_nodes=300)
    assert (view.selected_op, view.collapsed, view.max_nodes) == ("", ["op_0"], 300)
    view.set_state({"selected_op": "op_1", "collapsed": []})
    assert view.loops()[0]["collapsed"] is False
    view.set_state({"selected_op": "op_1", "collapsed": ["op_0"]})
    assert view.selected_op == "op_1"
    assert view.loops()[0]["collapsed"] is True
    state = view.get_state()
    assert (state["selected_op"], state["collapsed"], state["max_nodes"]) == ("op_1", ["op_0"], 300)
    with pytest.raises(traitlets.TraitError, match="max_nodes must be at least 1, got 0"):
        view.max_nodes = 0


@pytest.mark.parametrize(
    ("make", "accepted"),
    [
        (lambda **kw: DeckView(FIXTURE["deck_layout"], **kw), "layout, timeline, failures"),
        (lambda **kw: GraphView(FIXTURE["graph"], **kw), "graph, failures, max_nodes"),
        (lambda **kw: FailureList([], **kw), "failures, source, on_apply"),
        (lambda **kw: RunMonitor(FakeController(), **kw), "controller"),
        (lambda **kw: ReportView({"failure_modes": []}, **kw), "report, source, on_apply"),
    ],
)
def test_unknown_keyword_arguments_raise_type_error_naming_them(make: Any, accepted: str) -> None:
    with pytest.raises(TypeError, match=rf"'colour'.*accepts: {accepted}"):
        make(colour="red")


def test_malformed_inputs_name_the_argument() -> None:
    with pytest.raises(ValueError, match=r"DeckView\(layout=...\) is missing 'resources'"):
        DeckView({"deck": {}})
    with pytest.raises(TypeError, match=r"GraphView\(graph=...\) expects a dict, got list"):
        GraphView([])
    with pytest.raises(TypeError, match=r"FailureList\(on_apply=...\) must be callable"):
        FailureList([], on_apply="fix it")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lacks pause, resume"):
        RunMonitor(type("Half", (), {"start": print, "abort": print, "subscribe": print})())


def test_apply_fix_message_round_trips_through_on_apply() -> None:
    calls: list[tuple[int, int]] = []

    def on_apply(i: int, j: int) -> dict[str, Any]:
        calls.append((i, j))
        return {"source": FIXTURE["applied"]["source"], "ok": True,
                "summary": "ok after the fix", "failure_modes": []}

    widget = FailureList(FIXTURE["failure_modes"], source=FIXTURE["source"], on_apply=on_apply)
    click(widget, type="apply", failure=0, fix=0)
    assert calls == [(0, 0)]
    assert widget.error == ""
    assert widget.applied is not None
    assert widget.applied["ok"] is True
    assert widget.applied["summary"] == "ok after the fix"
    assert "+        await lh.aspirate(source[channels], vols=[30] * 8)" in widget.applied["diff"]
    assert "-        await lh.aspirate(source[channels], vols=[40] * 8)" in widget.applied["diff"]
    click(widget, type="apply", failure=0, fix=0)
    assert widget.applied["n"] == 2  # a repeated fix still changes the trait


def test_on_apply_exceptions_are_shown_in_the_error_trait() -> None:
    def on_apply(i: int, j: int) -> dict[str, Any]:
        raise ValueError("the fix does not parse")

    widget = FailureList(FIXTURE["failure_modes"], source=FIXTURE["source"], on_apply=on_apply)
    click(widget, type="apply", failure=0, fix=1)
    assert widget.error == "Apply fix failed: ValueError: the fix does not parse"
    assert isinstance(widget.last_exception, ValueError)
    assert widget.applied is None


def test_apply_errors_name_bad_indices_a_missing_callback_and_bad_results() -> None:
    widget = FailureList(FIXTURE["failure_modes"], on_apply=lambda i, j: {"nope": 1})
    click(widget, type="apply", failure=7, fix=0)
    assert "no failure 7: the list has 2" in widget.error
    click(widget, type="apply", failure=1, fix=3)
    assert "no fix 3 for failure 1: it has 1" in widget.error
    click(widget, type="apply", failure=0, fix=0)
    assert "must return a dict with a 'source' str" in widget.error
    bare = FailureList(FIXTURE["failure_modes"])
    click(bare, type="apply", failure=0, fix=0)
    assert "without on_apply" in bare.error and "aspirate at most 30 µL" in bare.error


def test_run_monitor_buttons_call_the_controller_and_events_update_traits() -> None:
    controller = FakeController(ops=3)
    monitor = RunMonitor(controller)
    assert (monitor.status, monitor.done, monitor.log_rows) == ("idle", 0, [])
    click(monitor, type="run")
    assert controller.calls == ["start"]
    assert (monitor.status, monitor.run_id) == ("completed", "run-1")
    assert (monitor.done, monitor.expected, monitor.eta_s) == (3, 3, 0.0)
    assert [row["seq"] for row in monitor.log_rows] == [0, 1, 2]
    assert monitor.log_rows[0]["arguments"] == {"vols": [40.0]}
    assert monitor.finished
    for action in ("pause", "resume", "abort"):
        click(monitor, type=action)
    assert controller.calls == ["start", "pause", "resume", "abort"]
    assert monitor.status == "canceled"


def test_run_monitor_keeps_the_last_200_log_rows_and_shows_error_responses() -> None:
    controller = FakeController(ops=250)
    monitor = RunMonitor(controller)
    monitor.act("run")
    assert len(monitor.log_rows) == 200
    assert monitor.log_rows[-1]["seq"] == 249
    controller.emit(type="response", control={
        "run_id": "run-1", "mode": "mock", "status": "error",
        "error": {"code": "POLICY_BLOCKED", "message": "simulation has failure modes"}})
    assert monitor.mode == "mock"
    assert monitor.error == "POLICY_BLOCKED: simulation has failure modes"
    controller.emit(type="request", request={"request_id": "req-1", "status": "pending"})
    assert monitor.request == {"request_id": "req-1", "status": "pending"}


class RetryingController(FakeController):
    """A run that fails; its request takes a retry, which completes as run ``run-2``."""

    def __init__(self, run_id: str = "run-1", outcome: str = "failed") -> None:
        super().__init__(ops=2)
        self.run_id, self.outcome = run_id, outcome
        self.retries: list[RetryingController] = []

    def subscribe(self, fn: Any) -> Any:
        self.listeners.append(fn)
        return lambda: self.listeners.remove(fn)

    def start(self) -> None:
        self._call("start")
        self.emit(type="status", run_id=self.run_id, status="running")
        self.emit(type="status", run_id=self.run_id, status=self.outcome)

    def retry_refusal(self) -> str | None:
        return None if self.outcome == "failed" else "request 3 is complete: run the cell again"

    def retry(self) -> RetryingController:
        self.retries.append(RetryingController("run-2", "completed"))
        return self.retries[-1]


def test_run_after_a_failed_run_follows_a_retry_and_after_completion_says_why_not() -> None:
    first = RetryingController()
    monitor = RunMonitor(first)
    assert (monitor.run_label, monitor.run_blocked) == ("Run", "")
    click(monitor, type="run")
    assert (monitor.status, monitor.run_label, monitor.run_blocked) == ("failed", "Retry", "")
    click(monitor, type="run")
    [retry] = first.retries
    assert retry.calls == ["start"] and first.listeners == []  # the old run is let go
    assert (monitor.run_id, monitor.status) == ("run-2", "completed")
    assert (monitor.run_label, monitor.run_blocked) == (
        "Run", "request 3 is complete: run the cell again")
    click(monitor, type="run")
    assert retry.retries == [] and retry.calls == ["start"]
    assert monitor.error == "Run: request 3 is complete: run the cell again"


def test_run_after_the_run_of_a_controller_without_retry_is_disabled_with_the_reason() -> None:
    controller = FakeController(ops=1)
    monitor = RunMonitor(controller)
    click(monitor, type="run")
    assert monitor.run_blocked == "the run completed; this controller starts no other run"
    click(monitor, type="run")
    assert controller.calls == ["start"]
    assert monitor.error.startswith("Run: the run completed")


def test_controller_errors_go_to_the_error_trait() -> None:
    monitor = RunMonitor(FakeController(fail_on="pause"))
    click(monitor, type="pause")
    assert monitor.error == "pause failed: RuntimeError: pause is not possible now"
    click(monitor, type="abort")
    assert monitor.error == ""


def test_events_from_another_thread_are_applied_on_the_event_loop() -> None:
    async def scenario() -> tuple[RunMonitor, set[int]]:
        controller = FakeController(ops=400)
        monitor = RunMonitor(controller)
        threads: set[int] = set()
        monitor.observe(lambda _change: threads.add(threading.get_ident()),
                        names=["log_rows", "done", "status"])
        completed = asyncio.Event()
        monitor.observe(lambda change: completed.set() if change["new"] == "completed" else None,
                        names=["status"])
        worker = threading.Thread(target=controller.start)
        worker.start()
        await asyncio.wait_for(completed.wait(), 60)  # generous: a busy CI machine
        worker.join()
        return monitor, threads

    monitor, threads = asyncio.run(scenario())
    assert monitor.status == "completed"
    assert (monitor.done, monitor.expected) == (400, 400)
    assert monitor.log_rows[-1]["seq"] == 399
    assert threads == {threading.get_ident()}


def test_async_controller_methods_run_as_tasks_and_their_errors_are_shown() -> None:
    class AsyncController(FakeController):
        async def start(self) -> None:  # type: ignore[override]
            await asyncio.sleep(0)  # a real await: the rest runs in a later turn of the loop
            FakeController.start(self)

        async def abort(self) -> None:  # type: ignore[override]
            await asyncio.sleep(0)
            raise ConnectionError("robot unreachable")

    async def scenario() -> RunMonitor:
        monitor = RunMonitor(AsyncController(ops=5))
        changed: dict[str, asyncio.Event] = {"status": asyncio.Event(), "error": asyncio.Event()}
        monitor.observe(lambda change: changed[change["name"]].set(), names=list(changed))
        monitor.act("run")
        assert monitor.status == "idle"  # the task has not run yet
        await asyncio.wait_for(changed["status"].wait(), 30)
        assert monitor.status == "completed"
        monitor.act("abort")
        await asyncio.wait_for(changed["error"].wait(), 30)
        return monitor

    monitor = asyncio.run(scenario())
    assert monitor.error == "abort failed: ConnectionError: robot unreachable"


def test_report_view_composes_summary_failures_deck_and_graph() -> None:
    report = {**FIXTURE["report"], "failure_modes": FIXTURE["failure_modes"],
              "graph": FIXTURE["graph"], "deck_layout": FIXTURE["deck_layout"],
              "timeline": FIXTURE["timeline"]}
    view = ReportView(report, source=FIXTURE["source"], on_apply=lambda i, j: FIXTURE["applied"])
    assert [type(w).__name__ for w in view.children] == [
        "HTML", "FailureList", "DeckView", "GraphView"]
    assert view.deck_view is not None and view.deck_view.failures == FIXTURE["failure_modes"]
    assert "insufficient_liquid" in view.summary.value and "tips × 96" in view.summary.value
    data, _meta = view._repr_mimebundle_()
    assert data["text/plain"] == "ReportView(copy_plate: 2 failure modes, 1 paths)"
    assert "<b>copy_plate</b>" in data["text/html"]
    view.failure_list.apply(0, 0)
    assert view.failure_list.applied is not None and view.failure_list.applied["ok"]
    bare = ReportView({"protocol": "p", "ok": True, "paths": 1, "failure_modes": []})
    assert [type(w).__name__ for w in bare.children] == ["HTML", "FailureList"]


def test_what_the_protocol_printed_is_shown_under_the_report() -> None:
    printed = ["volumes: [25, 50]", "column 1: 25 uL", "<done>"]
    view = ReportView({"protocol": "p", "ok": True, "paths": 1, "failure_modes": [],
                       "protocol_output": printed})
    assert [type(w).__name__ for w in view.children] == ["HTML", "FailureList", "HTML"]
    assert view.children[-1] is view.output
    assert "The protocol printed 3 lines" in view.output.value
    assert "volumes: [25, 50]\ncolumn 1: 25 uL\n&lt;done&gt;" in view.output.value
    data, _meta = view._repr_mimebundle_()
    assert data["text/html"].index("praxis-report-summary") < data["text/html"].index(
        "praxis-protocol-output")
    assert ReportView({"protocol": "p", "ok": True, "paths": 1,
                       "failure_modes": []}).output is None


def test_the_summary_says_what_the_simulator_could_not_follow_and_plr_quirks() -> None:
    bounded = {"protocol": "p", "ok": False, "paths": 256, "failure_modes": [],
               "trace_issues": [{"kind": "path_bound", "message": "stopped at 256 paths",
                                 "line": None},
                                {"kind": "plr_stamp", "message": "dispenses back into src",
                                 "line": 3}]}
    view = ReportView(bounded)
    assert "not fully checked" in view.summary.value
    assert "0 failure modes" not in view.summary.value
    assert "<code>path_bound</code>: stopped at 256 paths" in view.summary.value
    assert "<code>plr_stamp</code> @ line 3: dispenses back into src" in view.summary.value


def test_a_missing_bundle_names_make_install(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.setattr(_base, "STATIC_DIR", tmp_path)
    with pytest.raises(BundleMissingError, match=r"deck_view\.js is missing.*make install"):
        deck_view()


def test_each_widget_ships_its_es_module() -> None:
    view = GraphView(FIXTURE["graph"])
    assert "export" in view._esm and "praxis-graph" in view._esm


def test_integer_run_ids_from_the_store_do_not_reset_the_run() -> None:
    controller = FakeController()
    monitor = RunMonitor(controller)
    controller.emit(type="status", run_id=7, status="running")
    controller.emit(type="log", run_id=7, seq=1, method="pick_up_tips",
                    arguments={"tip_spots": ["tips[A1]"]}, duration_ms=2.0, error=None)
    controller.emit(type="progress", run_id=7, done=1, expected=24, eta_s=1.5)
    controller.emit(type="response", control={"run_id": 7, "mode": "mock", "status": "error",
                                              "error": {"code": "TypeError", "message": "vols"}})
    controller.emit(type="status", run_id=7, status="refused")
    assert monitor.run_id == "7"
    assert (monitor.done, monitor.expected, len(monitor.log_rows)) == (1, 24, 1)
    assert monitor.error == "TypeError: vols"
    assert monitor.finished
    controller.emit(type="status", run_id=8, status="running")
    assert (monitor.run_id, monitor.done, monitor.log_rows, monitor.error) == ("8", 0, [], "")
