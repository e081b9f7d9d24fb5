// RunMonitor: Run / Pause (Resume) / Abort buttons, a progress bar with the time left,
// the live log of PLR calls (last 200, volumes in a column of their own), the final
// status badge, an error line and the request panel (the store's request: id, status
// with this run's, type with what it means, approval). Once the run ended, Run is "Retry"
// (a new run of the same request) or disabled with the reason shown.
//
// Buttons send {type: "run" | "pause" | "resume" | "abort"}; Python drives the
// controller and updates the traits: status, run_id, mode, done, expected, eta_s,
// log_rows [{seq, receiver, method, arguments, duration_ms, error}], error (str), request
// (dict | null), run_label ("Run" | "Retry"), run_blocked (why Run does nothing, or "").
import { fmtDuration, h, injectStyle, listen, replace, shorten } from "./_shared.js";

const CSS = `
.praxis-run .pr-head { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
.praxis-run .pr-title { font-weight: 600; }
.praxis-run .pr-buttons { display: flex; gap: 6px; margin-left: auto; }
.praxis-run .pr-run { border-color: var(--praxis-ok); }
.praxis-run .pr-abort { border-color: var(--praxis-error); }
.praxis-run .pr-status { font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; }
.praxis-run .pr-status[data-status=completed] { color: var(--praxis-ok); }
.praxis-run .pr-status[data-status=failed] { color: var(--praxis-error); }
.praxis-run .pr-status[data-status=canceled], .praxis-run .pr-status[data-status=interrupted],
.praxis-run .pr-status[data-status=paused] { color: var(--praxis-warn); }
.praxis-run .pr-status[data-status=running], .praxis-run .pr-status[data-status=pending] { color: var(--praxis-accent); }
.praxis-run .pr-status[data-status=idle] { color: var(--praxis-muted); }
.praxis-run .pr-bar { height: 10px; border-radius: 5px; background: var(--praxis-bg2);
  border: 1px solid var(--praxis-border2); overflow: hidden; }
.praxis-run .pr-fill { height: 100%; width: 0; background: var(--praxis-accent); transition: width 0.15s linear; }
.praxis-run .pr-fill.completed { background: var(--praxis-ok); }
.praxis-run .pr-fill.failed { background: var(--praxis-error); }
.praxis-run .pr-fill.canceled, .praxis-run .pr-fill.interrupted { background: var(--praxis-warn); }
.praxis-run .pr-progress-text { margin: 2px 0 6px; font-variant-numeric: tabular-nums; }
.praxis-run .pr-log { max-height: 260px; overflow: auto; border: 1px solid var(--praxis-border2); border-radius: 4px; }
.praxis-run .pr-log:empty { display: none; }
.praxis-run table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
.praxis-run th { position: sticky; top: 0; background: var(--praxis-bg2); text-align: left; font-weight: 600; }
.praxis-run td, .praxis-run th { padding: 1px 8px; border-bottom: 1px solid var(--praxis-border2);
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.praxis-run td.args { font-family: var(--praxis-mono); color: var(--praxis-muted); min-width: 240px;
  max-width: 520px; white-space: normal; overflow-wrap: anywhere; }
.praxis-run td.vols { font-family: var(--praxis-mono); }
.praxis-run .pr-run-reason { color: var(--praxis-muted); font-size: 0.92em; margin: 0 0 4px; }
.praxis-run .pr-run-reason:empty { display: none; }
.praxis-run tr.err td { color: var(--praxis-error); }
.praxis-run .pr-request { border: 1px dashed var(--praxis-border); border-radius: 4px; padding: 4px 8px; margin-top: 6px; }
.praxis-run .pr-request:empty { display: none; }
.praxis-run .pr-request dl { display: grid; grid-template-columns: auto 1fr; gap: 0 10px; margin: 2px 0 0; }
.praxis-run .pr-request dt { color: var(--praxis-muted); white-space: nowrap; }
.praxis-run .pr-request dd { margin: 0; }
`;

const ACTIVE = new Set(["pending", "running", "paused"]);
// A run that is pending has been prepared (simulated, gated, stored) but not started:
// Run starts it. Only a started run disables Run.
const STARTED = new Set(["running", "paused"]);
export const MAX_LOG_ROWS = 200;

/** "12 / 96 ops · 12 % · about 4 s left" */
export function progressText(done, expected, eta, status) {
  if (!expected) return done ? `${done} ops` : "";
  const pct = Math.min(100, Math.round((100 * done) / expected));
  const left = ACTIVE.has(status) && typeof eta === "number" && eta > 0 ? ` · about ${fmtDuration(eta)} left` : "";
  return `${done} / ${expected} ops · ${pct} %${left}`;
}

const VOLUME_KEYS = new Set(["vols", "volume", "volumes"]);

/** {tip_spots: "tips['A1:H1']", vols: [40]} → "tip_spots=tips['A1:H1'], vols=[40]"
 * (`skip`: keys left out, as the volumes shown in a column of their own). */
export function formatArgs(args, skip = new Set()) {
  if (args === null || args === undefined) return "";
  if (typeof args !== "object" || Array.isArray(args)) return typeof args === "string" ? args : JSON.stringify(args);
  return Object.entries(args).filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ");
}

/** A call's volumes in full, compactly: [100 ×8] → "8 × 100", [10, 20] → "10, 20", 50 → "50". */
export function formatVolumes(args) {
  if (!args || typeof args !== "object" || Array.isArray(args)) return "";
  const key = Object.keys(args).find((k) => VOLUME_KEYS.has(k));
  if (key === undefined) return "";
  const v = args[key];
  if (!Array.isArray(v)) return typeof v === "string" ? v : JSON.stringify(v);
  if (v.length > 1 && v.every((x) => x === v[0])) return `${v.length} × ${v[0]}`;
  return v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(", ");
}

// What the store's request type means (``praxis_lab.store.audit``).
const REQUEST_TYPES = {
  simulate: "every device is one of PLR's simulators: nothing real moves",
  run: "a real device moves",
};

/** The request panel's rows: [label, text] from the store's request and this run. */
export function requestRows(req, runId, runStatus) {
  const rows = [["request", `#${req.request}`]];
  const run = runId ? `run #${runId} of it is ${runStatus}` : "";
  rows.push(["request status", `${req.status}${run ? ` (${run})` : ""}`]);
  if (req.type !== undefined) rows.push(["type", `${req.type}${REQUEST_TYPES[req.type] ? ` — ${REQUEST_TYPES[req.type]}` : ""}`]);
  for (const [k, v] of Object.entries(req)) {
    if (!["request", "status", "type"].includes(k)) rows.push([k.replace(/_/g, " "), v]);
  }
  return rows;
}

function render({ model, el }) {
  injectStyle("praxis-run-monitor-css", CSS);
  const root = h("div", { class: "praxis praxis-run" });
  replace(el, root);
  const send = (type) => model.send({ type });
  const runBtn = h("button", { class: "pr-run", onclick: () => send("run") }, "Run");
  const runReason = h("div", { class: "pr-run-reason" });
  const pauseBtn = h("button", {
    class: "pr-pause", onclick: () => send(model.get("status") === "paused" ? "resume" : "pause"),
  }, "Pause");
  const abortBtn = h("button", { class: "pr-abort", onclick: () => send("abort") }, "Abort");
  const status = h("span", { class: "pr-status" });
  const runId = h("span", { class: "praxis-muted praxis-mono" });
  const fill = h("div", { class: "pr-fill" });
  const bar = h("div", { class: "pr-bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 }, fill);
  const text = h("div", { class: "pr-progress-text" });
  const error = h("div", { class: "praxis-error-line" });
  const log = h("div", { class: "pr-log" });
  const request = h("div", { class: "pr-request" });
  root.append(
    h("div", { class: "pr-head" }, h("span", { class: "pr-title" }, "Run"), status, runId,
      h("div", { class: "pr-buttons" }, runBtn, pauseBtn, abortBtn)),
    runReason, bar, text, error, log, request);

  function state() {
    const st = model.get("status") || "idle";
    status.textContent = st;
    status.dataset.status = st;
    const id = model.get("run_id");
    runId.textContent = id ? `run #${shorten(id, 14)}${model.get("mode") ? ` · ${model.get("mode")}` : ""}` : "";
    const blocked = model.get("run_blocked") || "";
    runBtn.textContent = model.get("run_label") || "Run";
    runBtn.disabled = STARTED.has(st) || Boolean(blocked);
    runBtn.title = blocked;
    runReason.textContent = blocked;
    pauseBtn.disabled = !(st === "running" || st === "paused");
    pauseBtn.textContent = st === "paused" ? "Resume" : "Pause";
    abortBtn.disabled = !ACTIVE.has(st);
    fill.className = `pr-fill ${st}`;
    progress();
  }

  function progress() {
    const done = model.get("done") || 0;
    const expected = model.get("expected") || 0;
    const st = model.get("status") || "idle";
    let pct = expected ? Math.min(100, (100 * done) / expected) : 0;
    if (st === "completed") pct = 100;
    fill.style.width = `${pct}%`;
    bar.setAttribute("aria-valuenow", String(Math.round(pct)));
    bar.dataset.percent = String(Math.round(pct));
    text.textContent = progressText(done, expected, model.get("eta_s"), st);
  }

  function rows() {
    const entries = (model.get("log_rows") || []).slice(-MAX_LOG_ROWS);
    if (!entries.length) { log.replaceChildren(); return; }
    const stick = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    replace(log, h("table", {},
      h("tr", {}, ["#", "method", "µL", "arguments", "ms", "error"].map((c) => h("th", {}, c))),
      entries.map((r) => {
        const all = formatArgs(r.arguments);
        const args = formatArgs(r.arguments, VOLUME_KEYS);
        return h("tr", { class: r.error ? "err" : null, "data-seq": r.seq },
          h("td", {}, r.seq ?? ""), h("td", {}, (r.receiver && r.receiver !== "lh" ? `${r.receiver}.` : "") + (r.method ?? "")),
          h("td", { class: "vols" }, formatVolumes(r.arguments)),
          h("td", { class: "args", title: all }, shorten(args, 400)),
          h("td", {}, typeof r.duration_ms === "number" ? r.duration_ms.toFixed(1) : ""),
          h("td", {}, r.error ? shorten(r.error, 120) : ""));
      })));
    if (stick) log.scrollTop = log.scrollHeight;
  }

  function requestPanel() {
    const req = model.get("request");
    if (!req) { request.replaceChildren(); return; }
    const show = (v) => (v && typeof v === "object" ? JSON.stringify(v) : String(v ?? ""));
    const rows = requestRows(req, model.get("run_id"), model.get("status") || "idle");
    replace(request, h("b", {}, "Request (as stored)"),
      h("dl", {}, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-field": k }, show(v))])));
  }

  state();
  rows();
  requestPanel();
  error.textContent = model.get("error") || "";
  const offs = [
    listen(model, "change:status change:run_id change:mode change:run_label change:run_blocked", state),
    listen(model, "change:status change:run_id", requestPanel),
    listen(model, "change:done change:expected change:eta_s", progress),
    listen(model, "change:log_rows", rows),
    listen(model, "change:request", requestPanel),
    listen(model, "change:error", () => { error.textContent = model.get("error") || ""; }),
  ];
  return () => offs.forEach((off) => off());
}

export default { render };
