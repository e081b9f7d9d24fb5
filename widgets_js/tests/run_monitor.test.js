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
    model.set("request", { request_id: "req-1", status: "pending", approval: null });
    expect(el.querySelector(".pr-request").textContent).toContain("req-1");
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
