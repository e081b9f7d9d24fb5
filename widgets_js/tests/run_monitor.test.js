import { describe, expect, it } from "vitest";
import runMonitor, { progressText } from "../src/run_monitor.js";
import { mount } from "./fake_model.js";

const state = () => ({
  status: "idle", run_id: "", mode: "", done: 0, expected: 0, eta_s: null, log_rows: [], error: "", request: null,
});

describe("RunMonitor", () => {
  it("sends run, pause, resume and abort", () => {
    const { el, model } = mount(runMonitor, state());
    const [run, pause, abort] = el.querySelectorAll(".pr-buttons button");
    expect(pause.disabled).toBe(true);
    run.click();
    model.set("status", "running");
    expect(run.disabled).toBe(true);
    pause.click();
    model.set("status", "paused");
    expect(pause.textContent).toBe("Resume");
    pause.click();
    abort.click();
    expect(model.sent.map((m) => m.type)).toEqual(["run", "pause", "resume", "abort"]);
  });

  it("lets Run start a pending run (prepared by %%praxis run) and Abort cancel it", () => {
    const { el, model } = mount(runMonitor, { ...state(), status: "pending", run_id: "7" });
    const [run, pause, abort] = el.querySelectorAll(".pr-buttons button");
    expect(run.disabled).toBe(false);
    expect(pause.disabled).toBe(true);
    expect(abort.disabled).toBe(false);
    run.click();
    model.set("status", "running");
    expect(run.disabled).toBe(true);
    expect(model.sent.map((m) => m.type)).toEqual(["run"]);
  });

  it("updates progress, time left and the final badge on change events", () => {
    const { el, model } = mount(runMonitor, state());
    model.set("status", "running");
    model.set("expected", 96);
    model.set("done", 48);
    model.set("eta_s", 3.2);
    expect(el.querySelector(".pr-bar").dataset.percent).toBe("50");
    expect(el.querySelector(".pr-progress-text").textContent).toBe("48 / 96 ops · 50 % · about 3 s left");
    model.set("done", 96);
    model.set("status", "completed");
    expect(el.querySelector(".pr-bar").dataset.percent).toBe("100");
    expect(el.querySelector(".pr-status").textContent).toBe("completed");
    expect(el.querySelector(".pr-status").dataset.status).toBe("completed");
    expect(el.querySelector(".pr-run").disabled).toBe(false);
  });

  it("shows the live log (last 200 rows), errors and the request panel", () => {
    const { el, model } = mount(runMonitor, state());
    const rows = Array.from({ length: 250 }, (_, i) => ({
      seq: i, method: "aspirate", arguments: { vols: [40] }, duration_ms: 1.5, error: i === 249 ? "TooLittleLiquidError" : null,
    }));
    model.set("log_rows", rows);
    expect(el.querySelectorAll(".pr-log tr[data-seq]")).toHaveLength(200);
    expect(el.querySelector(".pr-log tr.err").textContent).toContain("TooLittleLiquidError");
    model.set("error", "abort failed: no run");
    expect(el.querySelector(".praxis-error-line").textContent).toBe("abort failed: no run");
    model.set("request", { request: 12, status: "executing", type: "simulate", approval: "approved by policy" });
    expect(el.querySelector(".pr-request").textContent).toContain("#12");
  });

  it("shows the call's volumes whole in a column of their own, the other arguments unclipped", () => {
    const { el, model } = mount(runMonitor, state());
    const wells = "ABCDEFGH".split("").map((r) => `source[${r}1]`);
    model.set("log_rows", [
      { seq: 1, method: "aspirate", arguments: { resources: wells, vols: Array(8).fill(100), use_channels: [0, 1, 2, 3, 4, 5, 6, 7] },
        duration_ms: 1, error: null },
      { seq: 2, method: "dispense", arguments: { resources: wells.slice(0, 2), vols: [10.5, 20] }, duration_ms: 1, error: null }]);
    const [first, second] = el.querySelectorAll(".pr-log tr[data-seq]");
    expect(first.querySelector("td.vols").textContent).toBe("8 × 100");
    expect(second.querySelector("td.vols").textContent).toBe("10.5, 20");
    const args = first.querySelector("td.args");
    expect(args.textContent).toContain("source[H1]");
    expect(args.textContent).toContain("use_channels=[0,1,2,3,4,5,6,7]");
    expect(args.textContent).not.toContain("…");
    expect(args.title).toContain("vols=[100,100,100,100,100,100,100,100]");
  });

  it("says what the stored request is, its status next to this run's, and what its type means", () => {
    const { el, model } = mount(runMonitor, { ...state(), status: "pending", run_id: "5" });
    model.set("request", { request: 3, status: "executing", type: "simulate", target: "LiquidHandlerChatterboxBackend",
      issued_by: "ada", approval: "approved by policy (automatic)" });
    const field = (k) => el.querySelector(`.pr-request dd[data-field="${k}"]`).textContent;
    expect(field("request status")).toBe("executing (run #5 of it is pending)");
    expect(field("type")).toBe("simulate — every device is one of PLR's simulators: nothing real moves");
    expect(field("issued by")).toBe("ada");
    model.set("status", "completed");
    expect(field("request status")).toBe("executing (run #5 of it is completed)");
    model.set("request", { request: 3, status: "complete", type: "run" });
    expect(field("request status")).toBe("complete (run #5 of it is completed)");
    expect(field("type")).toBe("run — a real device moves");
  });

  it("turns Run into Retry after a failed run, or disables it with the reason shown", () => {
    const { el, model } = mount(runMonitor, { ...state(), status: "failed", run_id: "5" });
    const run = el.querySelector(".pr-run");
    model.set("run_label", "Retry");
    expect([run.textContent, run.disabled]).toEqual(["Retry", false]);
    run.click();
    expect(model.sent.map((m) => m.type)).toEqual(["run"]);
    model.set("status", "completed");
    model.set("run_label", "Run");
    model.set("run_blocked", "request 3 is complete (run 5 completed): run the cell again for a new request");
    expect([run.textContent, run.disabled]).toEqual(["Run", true]);
    expect(run.title).toContain("request 3 is complete");
    expect(el.querySelector(".pr-run-reason").textContent).toContain("run the cell again for a new request");
  });

  it("formats progress text", () => {
    expect(progressText(0, 0, null, "idle")).toBe("");
    expect(progressText(3, 4, 90, "running")).toBe("3 / 4 ops · 75 % · about 1 min 30 s left");
    expect(progressText(4, 4, 0, "completed")).toBe("4 / 4 ops · 100 %");
  });
});

describe("formatArgs", () => {
  it("writes keyword arguments like a call", async () => {
    const { formatArgs } = await import("../src/run_monitor.js");
    expect(formatArgs({ tip_spots: "tips['A1:H1']", vols: [40, 40] })).toBe("tip_spots=tips['A1:H1'], vols=[40,40]");
    expect(formatArgs("raw")).toBe("raw");
    expect(formatArgs(null)).toBe("");
  });
});
