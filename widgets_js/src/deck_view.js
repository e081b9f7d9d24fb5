// DeckView: inline SVG of a PyLabRobot deck, wells shaded by volume, tip spots,
// failing resources outlined in red, a step slider over the simulated timeline and a
// panel with the selected well's volume over the protocol.
//
// Labware the protocol uses but the deck lacks (`off_deck` entries) is drawn in front of
// the deck, in red, "not on the deck". Machines and where each plate is per step: _deck_machines.js.
//
// Model traits: deck_layout {deck, resources, machines}, timeline {initial, steps, places} | null,
// failures [...], step (int, 0 = initial state), selected (state key or ""); editing the
// deck (drag, volumes, types, export) is in _deck_edit.js, with its own traits.
import { createEditing, EDIT_CSS } from "./_deck_edit.js";
import { drawMachines, MACHINE_CSS, machineBoxes, movesText, paintPlaces } from "./_deck_machines.js";
import { history, stateAt } from "./_deck_state.js";
import {
  failureText, failuresByKey, fmtVolume, h, injectStyle, listen, replace, s, setTrait, uid,
} from "./_shared.js";

const CSS = `
.praxis-deck { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: flex-start; }
.praxis-deck .pd-main { flex: 1 1 520px; min-width: 320px; max-width: 980px; }
.praxis-deck .pd-head { display: flex; gap: 8px; align-items: center; margin-bottom: 4px; }
.praxis-deck .pd-title { font-weight: 600; }
.praxis-deck .pd-head button { margin-left: auto; }
.praxis-deck svg.pd-svg { width: 100%; height: auto; max-height: 640px; display: block;
  background: var(--praxis-bg); border: 1px solid var(--praxis-border2); border-radius: 4px; }
.praxis-deck .deck-bg { fill: var(--praxis-bg2); stroke: var(--praxis-border); }
.praxis-deck .rail { stroke: var(--praxis-muted); stroke-opacity: 0.35; stroke-width: 1; vector-effect: non-scaling-stroke; }
.praxis-deck .rail-label, .praxis-deck .carrier-label { fill: var(--praxis-muted); }
.praxis-deck .slot { fill: none; stroke: var(--praxis-border); stroke-dasharray: 4 3; vector-effect: non-scaling-stroke; }
.praxis-deck .slot-label { fill: var(--praxis-muted); }
.praxis-deck .carrier { fill: var(--praxis-muted); fill-opacity: 0.10; stroke: var(--praxis-muted);
  stroke-opacity: 0.6; vector-effect: non-scaling-stroke; }
.praxis-deck .site { fill: none; stroke: var(--praxis-muted); stroke-opacity: 0.45;
  stroke-dasharray: 3 3; vector-effect: non-scaling-stroke; }
.praxis-deck .labware { fill: var(--praxis-bg); stroke: var(--praxis-fg); stroke-opacity: 0.7;
  stroke-width: 1.2; vector-effect: non-scaling-stroke; }
.praxis-deck .labware.trash { fill: var(--praxis-muted); fill-opacity: 0.2; }
.praxis-deck .labware.off-deck { stroke: var(--praxis-error); stroke-opacity: 1; stroke-dasharray: 6 3; }
.praxis-deck .label.off-deck { fill: var(--praxis-error); }
.praxis-deck .label { fill: var(--praxis-fg); font-weight: 600; }
.praxis-deck .well, .praxis-deck .tip-spot, .praxis-deck .trough-fill { stroke: var(--praxis-fg);
  stroke-opacity: 0.55; stroke-width: 0.8; vector-effect: non-scaling-stroke; cursor: pointer; }
.praxis-deck .tip-spot.has-tip { fill: var(--praxis-tip); }
.praxis-deck .tip-spot.empty { fill: none; stroke-dasharray: 2 1.5; stroke-opacity: 0.45; }
.praxis-deck .failing { stroke: var(--praxis-error) !important; stroke-opacity: 1 !important;
  stroke-width: 2.4 !important; stroke-dasharray: none !important; }
.praxis-deck .selected { stroke: var(--praxis-accent) !important; stroke-opacity: 1 !important;
  stroke-width: 3 !important; }
.praxis-deck .pd-steps { display: flex; gap: 8px; align-items: center; margin-top: 6px; }
.praxis-deck .pd-steps input[type=range] { flex: 1; accent-color: var(--praxis-accent); }
.praxis-deck .pd-step-label { min-width: 16em; font-variant-numeric: tabular-nums; }
.praxis-deck .pd-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px;
  color: var(--praxis-muted); font-size: 0.9em; align-items: center; }
.praxis-deck .pd-legend svg { vertical-align: middle; margin-right: 4px; }
.praxis-deck .pd-panel { flex: 0 1 270px; min-width: 230px; border: 1px solid var(--praxis-border2);
  border-radius: 4px; padding: 8px; background: var(--praxis-bg); }
.praxis-deck .pd-panel:empty { display: none; }
.praxis-deck .pd-panel h4 { margin: 0 0 4px; font-size: 1em; display: flex; }
.praxis-deck .pd-panel h4 button { margin-left: auto; padding: 0 6px; }
.praxis-deck .pd-panel table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
.praxis-deck .pd-panel td, .praxis-deck .pd-panel th { padding: 1px 4px; text-align: left;
  border-bottom: 1px solid var(--praxis-border2); font-variant-numeric: tabular-nums; }
.praxis-deck .pd-panel tr.current td { background: var(--praxis-bg2); font-weight: 600; }
.praxis-deck .spark-line { fill: none; stroke: var(--praxis-liquid); stroke-width: 1.5; }
.praxis-deck .spark-axis { stroke: var(--praxis-border); }
.praxis-deck .spark-now { fill: var(--praxis-accent); }
.praxis-deck .pd-fail { color: var(--praxis-error); margin: 4px 0; }
`;

const RAIL_WIDTH = 22.5; // mm between Hamilton rails (PLR HamiltonDeck.rails_to_location)
const RAIL_X0 = 100.0;
const OT2_SLOTS = [[0, 0], [132.5, 0], [265, 0], [0, 90.5], [132.5, 90.5], [265, 90.5],
  [0, 181], [132.5, 181], [265, 181], [0, 271.5], [132.5, 271.5], [265, 271.5]]
  .map(([x, y], i) => ({ slot: i + 1, x: x + 115.65, y: y + 68.03, size_x: 128, size_y: 86 }));
const LABWARE = new Set(["plate", "tip_rack", "trough", "trash"]);

function isKnown(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function viewBox(layout, whole) {
  const deck = layout.deck || {};
  const all = layout.resources || [];
  const W = deck.size_x || Math.max(100, ...all.map((r) => r.x + r.size_x));
  const H = deck.size_y || Math.max(100, ...all.map((r) => r.y + r.size_y));
  let boxes = [];
  if (!whole) {
    const labware = all.filter((r) => LABWARE.has(r.category));
    boxes = labware.filter((r) => r.parameter);
    if (!boxes.length) boxes = labware;
  }
  if (!boxes.length) boxes = [{ x: 0, y: 0, size_x: W, size_y: H }];
  boxes.push(...machineBoxes(layout, W));
  if (whole) boxes.push(...all.filter((r) => r.off_deck && LABWARE.has(r.category)));
  const x0 = Math.min(...boxes.map((r) => r.x));
  const x1 = Math.max(...boxes.map((r) => r.x + r.size_x));
  const y0 = Math.min(...boxes.map((r) => r.y));
  const y1 = Math.max(...boxes.map((r) => r.y + r.size_y));
  const fs = Math.max(3.5, (x1 - x0) / 70);
  // SVG y grows downwards; PLR's y grows to the back, so svgY = H - y.
  const top = H - y1 - fs * 2;
  const bottom = H - y0 + fs * 2.2;
  const left = x0 - fs * 2;
  const right = x1 + fs * 2;
  // rail numbers under the deck's labware, above labware drawn in front of the deck
  const front = Math.min(...boxes.filter((r) => !r.off_deck).map((r) => r.y));
  const railY = Math.min(bottom, Number.isFinite(front) ? H - front + fs * 2.2 : bottom) - fs * 0.5;
  return { W, H, fs, left, top, width: right - left, height: bottom - top, railY };
}

function render({ model, el }) {
  injectStyle("praxis-deck-view-css", CSS);
  injectStyle("praxis-deck-edit-css", EDIT_CSS);
  injectStyle("praxis-deck-machines-css", MACHINE_CSS);
  const root = h("div", { class: "praxis praxis-deck" });
  replace(el, root);
  const editing = createEditing({ model, root, redraw: () => draw() });
  const hatchId = uid("praxis-hatch");
  let whole = false;
  let items = new Map(); // key → {node, res, title}
  let failing = new Map();
  let machines = new Map(); // machine name → its node

  function layoutOf() {
    return model.get("deck_layout") || { deck: {}, resources: [] };
  }

  function draw() {
    const layout = layoutOf();
    const deck = layout.deck || {};
    failing = failuresByKey(model.get("failures"));
    items = new Map();
    const vb = viewBox(layout, whole);
    const Y = (r) => vb.H - r.y - r.size_y;
    const svg = s("svg", {
      class: "pd-svg", viewBox: `${vb.left} ${vb.top} ${vb.width} ${vb.height}`,
      preserveAspectRatio: "xMidYMin meet", role: "img",
      "aria-label": `${deck.type || "deck"} ${deck.name || ""}`,
    });
    svg.append(s("defs", {}, s("pattern", {
      id: hatchId, width: 2.2, height: 2.2, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)",
    }, s("rect", { width: 2.2, height: 2.2, fill: "#9aa3ae", "fill-opacity": 0.25 }),
    s("line", { x1: 0, y1: 0, x2: 0, y2: 2.2, stroke: "#8a939e", "stroke-width": 1.1 }))));
    svg.append(s("rect", { class: "deck-bg", x: 0, y: 0, width: vb.W, height: vb.H, rx: 4 }));
    const labels = s("g", { class: "labels", "font-size": vb.fs });
    const resources = layout.resources || [];
    // Rails or slots.
    if (deck.kind === "carrier" && deck.rails) {
      for (let rail = 1; rail <= deck.rails; rail += 1) {
        const x = RAIL_X0 + (rail - 1) * RAIL_WIDTH;
        if (x < vb.left || x > vb.left + vb.width) continue;
        svg.append(s("line", { class: "rail", x1: x, x2: x, y1: vb.H - 560, y2: vb.H - 63 }));
        if (x + RAIL_WIDTH * 0.75 > vb.left + vb.width) continue;
        labels.append(s("text", {
          class: "rail-label", x: x + RAIL_WIDTH / 2, y: vb.railY,
          "text-anchor": "middle", "font-size": vb.fs * 0.75,
        }, rail));
      }
    } else if (deck.kind === "slot") {
      let slots = resources.filter((r) => r.slot !== null && r.slot !== undefined && !LABWARE.has(r.category));
      if (!slots.length && String(deck.type || "").startsWith("OT")) slots = OT2_SLOTS;
      for (const slot of slots) {
        svg.append(s("rect", { class: "slot", x: slot.x, y: Y(slot), width: slot.size_x, height: slot.size_y, rx: 2 }));
        labels.append(s("text", { class: "slot-label", x: slot.x + 2, y: Y(slot) + slot.size_y - 2 }, slot.slot));
      }
    }
    const rank = { carrier: 0, other: 1, plate: 2, tip_rack: 2, trough: 2, trash: 2, well: 3, tip_spot: 3 };
    machines = drawMachines(svg, labels, layout, vb, Y);
    const ordered = resources.filter((r) => r.category !== "deck" && rank[r.category] !== undefined)
      .sort((a, b) => rank[a.category] - rank[b.category]);
    for (const res of ordered) {
      const node = shape(res, Y(res));
      if (!node) continue;
      svg.append(node);
      const fails = failing.get(res.key)
        || (res.key ? null : failing.get(res.name) || (LABWARE.has(res.category) && failing.get(res.parameter)));
      if (fails) node.classList.add("failing");
      const title = s("title");
      node.append(title);
      if (LABWARE.has(res.category) || res.category === "carrier") {
        Object.assign(node.dataset, { name: res.name, category: res.category, x: res.x, y: res.y,
          sizeX: res.size_x, sizeY: res.size_y });
      }
      if (res.key && (res.category === "well" || res.category === "tip_spot" || res.category === "trough")) {
        node.dataset.key = res.key;
        if (res.category !== "trough") node.dataset.parent = res.parent;
        items.set(res.key, { node, res, title, fails: fails || [] });
      } else {
        title.textContent = [`${res.name} (${res.type})${res.off_deck ? ": not on the deck" : ""}`,
          ...(fails || []).map(failureText)].join("\n");
      }
      if (LABWARE.has(res.category)) {
        const name = res.parameter && res.parameter !== res.name ? `${res.name} (${res.parameter})` : res.name;
        const off = res.off_deck ? " — not on the deck" : "";
        if (off) node.classList.add("off-deck");
        labels.append(s("text", { class: `label${off ? " off-deck" : ""}`, x: res.x + 0.5,
          y: Y(res) - vb.fs * 0.35, "data-for": res.name }, `${name}${off}`));
      } else if (res.category === "carrier") {
        const y = Math.min(Y(res) + res.size_y, vb.top + vb.height - vb.fs * 1.3) - vb.fs * 0.3;
        const rail = res.rail ? ` · rails ${res.rail}` : "";
        labels.append(s("text", { class: "carrier-label", x: res.x + 1, y, "font-size": vb.fs * 0.8 }, `${res.name}${rail}`));
      }
    }
    svg.append(labels);
    editing.decorate(svg, vb, Y);
    svg.addEventListener("click", (event) => {
      const target = event.target.closest?.("[data-key]");
      if (target && !editing.wellClick(target.dataset.key, items.get(target.dataset.key)?.res)) {
        setTrait(model, "selected", target.dataset.key);
      }
    });
    const title = `${deck.type || "Deck"}${deck.name ? ` · ${deck.name}` : ""}`;
    const toggle = h("button", {
      class: "pd-toggle",
      onclick: () => { whole = !whole; draw(); },
    }, whole ? "used area" : "whole deck");
    const main = h("div", { class: "pd-main" },
      h("div", { class: "pd-head" }, h("span", { class: "pd-title" }, title),
        deck.proposed ? h("span", { class: "praxis-badge praxis-muted" }, "proposed layout") : null,
        failing.size ? h("span", { class: "praxis-badge", style: "color: var(--praxis-error)" },
          `${model.get("failures").length} failure mode(s)`) : null,
        toggle),
      svg, steps(), legend(), editing.bar());
    replace(root, main, h("div", { class: "pd-panel" }));
    paint();
    panel();
  }

  function shape(res, y) {
    const base = { x: res.x, y, width: res.size_x, height: res.size_y };
    switch (res.category) {
      case "carrier": return s("rect", { ...base, class: "carrier", rx: 2 });
      case "other": return s("rect", { ...base, class: "site", rx: 1 });
      case "plate": case "tip_rack": case "trash":
        return s("rect", { ...base, class: `labware ${res.category}`, rx: 2.5 });
      case "trough": return s("rect", { ...base, class: "labware trough trough-fill", rx: 2 });
      case "well": case "tip_spot": {
        const cls = res.category === "well" ? "well" : "tip-spot";
        const round = Math.abs(res.size_x - res.size_y) / Math.max(res.size_x, res.size_y) < 0.2;
        if (round) {
          const r = Math.min(res.size_x, res.size_y) / 2;
          return s("circle", { class: cls, cx: res.x + res.size_x / 2, cy: y + res.size_y / 2, r: res.category === "tip_spot" ? r * 0.8 : r });
        }
        return s("rect", { ...base, class: cls, rx: 1 });
      }
      default: return null;
    }
  }

  function paint() {
    const step = model.get("step") || 0;
    const state = stateAt(layoutOf(), model.get("timeline"), step);
    const selected = model.get("selected");
    for (const [key, item] of items) {
      const { node, res, title, fails } = item;
      const value = state[key];
      let text;
      if (res.category === "tip_spot") {
        node.classList.toggle("has-tip", value === true);
        node.classList.toggle("empty", value === false);
        node.style.fill = value === null || value === undefined ? `url(#${hatchId})` : "";
        text = value === true ? "tip" : value === false ? "empty (tip taken)" : "tip unknown";
      } else if (isKnown(value)) {
        const max = res.max_volume;
        const frac = max ? Math.max(0, Math.min(1, value / max)) : value > 0 ? 0.6 : 0;
        node.style.fill = value > 0 ? "var(--praxis-liquid)" : "transparent";
        node.style.fillOpacity = value > 0 ? String(0.18 + 0.82 * frac) : "1";
        node.classList.remove("unknown");
        node.dataset.volume = String(value);
        text = max ? `${fmtVolume(value)} of ${fmtVolume(max)}` : fmtVolume(value);
      } else {
        node.style.fill = `url(#${hatchId})`;
        node.style.fillOpacity = "1";
        node.classList.add("unknown");
        delete node.dataset.volume;
        text = value ? `unknown: ${value}` : "volume unknown";
      }
      node.classList.toggle("selected", key === selected);
      title.textContent = [`${key} (${res.type})`, text, ...fails.map(failureText)].join("\n");
    }
    const svg = root.querySelector("svg.pd-svg");
    if (svg) paintPlaces(svg, layoutOf(), model.get("timeline"), step, machines);
    const label = root.querySelector(".pd-step-label");
    if (label) {
      const all = model.get("timeline")?.steps || [];
      const st = all[step - 1];
      const moved = movesText(st);
      label.textContent = step === 0 || !st ? `step 0 / ${all.length} · initial state`
        : `step ${step} / ${all.length} · line ${st.line} · ${st.method}${moved ? ` · ${moved}` : ""}`;
      const range = root.querySelector(".pd-steps input");
      if (range && Number(range.value) !== step) range.value = String(step);
    }
  }

  function steps() {
    const all = model.get("timeline")?.steps || [];
    if (!all.length) return null;
    const go = (k) => setTrait(model, "step", Math.max(0, Math.min(all.length, k)));
    const range = h("input", {
      type: "range", min: 0, max: all.length, step: 1, value: model.get("step") || 0,
      "aria-label": "simulation step",
      oninput: (event) => go(Number(event.target.value)),
    });
    return h("div", { class: "pd-steps" },
      h("button", { title: "previous step", onclick: () => go((model.get("step") || 0) - 1) }, "◀"),
      range,
      h("button", { title: "next step", onclick: () => go((model.get("step") || 0) + 1) }, "▶"),
      h("span", { class: "pd-step-label" }));
  }

  function legend() {
    const swatch = (attrs) => s("svg", { width: 14, height: 14, viewBox: "0 0 14 14" },
      s("circle", { cx: 7, cy: 7, r: 5.5, "stroke-width": 1.2, ...attrs }));
    return h("div", { class: "pd-legend" },
      h("span", {}, swatch({ fill: "var(--praxis-liquid)", "fill-opacity": 0.25, stroke: "currentColor" }),
        swatch({ fill: "var(--praxis-liquid)", stroke: "currentColor" }), "volume / max"),
      h("span", {}, swatch({ fill: `url(#${hatchId})`, stroke: "currentColor" }), "unknown"),
      h("span", {}, swatch({ fill: "var(--praxis-tip)", stroke: "currentColor" }), "tip"),
      h("span", {}, swatch({ fill: "none", stroke: "currentColor", "stroke-dasharray": "2 1.5" }), "tip taken"),
      h("span", {}, swatch({ fill: "none", stroke: "var(--praxis-error)", "stroke-width": 2.4 }), "failing"),
      h("span", {}, "click a well for its history"));
  }

  function panel() {
    const box = root.querySelector(".pd-panel");
    const key = model.get("selected");
    const item = key ? items.get(key) : null;
    if (!box) return;
    if (!item) { box.replaceChildren(); return; }
    const rows = history(layoutOf(), model.get("timeline"), key);
    const step = model.get("step") || 0;
    const fmt = (v) => (item.res.category === "tip_spot" ? (v === true ? "tip" : v === false ? "empty" : "unknown") : fmtVolume(v));
    const now = rows[Math.min(step, rows.length - 1)];
    const changes = rows.filter((r) => r.changed);
    const table = h("table", {},
      h("tr", {}, h("th", {}, "step"), h("th", {}, "line"), h("th", {}, "op"), h("th", {}, "after")),
      changes.slice(0, 60).map((r) => h("tr", { class: r.step === step ? "current" : null },
        h("td", {}, r.step), h("td", {}, r.line ?? ""), h("td", {}, r.method), h("td", {}, fmt(r.value)))));
    replace(box,
      h("h4", {}, h("span", { class: "praxis-mono" }, key),
        h("button", { title: "close", onclick: () => setTrait(model, "selected", "") }, "×")),
      h("div", { class: "praxis-muted" }, `${item.res.type}${item.res.max_volume ? ` · max ${fmtVolume(item.res.max_volume)}` : ""}`),
      h("div", {}, `step ${step}: `, h("b", {}, fmt(now.value))),
      item.fails.map((f) => h("div", { class: "pd-fail" }, failureText(f))),
      item.res.category === "tip_spot" ? null : sparkline(rows, item.res.max_volume, step),
      table,
      changes.length > 60 ? h("div", { class: "praxis-muted" }, `… ${changes.length - 60} more changes`) : null);
  }

  function sparkline(rows, max, step) {
    const W = 240;
    const H = 46;
    const top = Math.max(max || 0, ...rows.map((r) => (isKnown(r.value) ? r.value : 0)), 1);
    const X = (i) => 2 + (i / Math.max(1, rows.length - 1)) * (W - 4);
    const Yv = (v) => H - 3 - (v / top) * (H - 8);
    const segments = [];
    let current = [];
    rows.forEach((r, i) => {
      if (isKnown(r.value)) current.push(`${X(i).toFixed(1)},${Yv(r.value).toFixed(1)}`);
      else if (current.length) { segments.push(current); current = []; }
    });
    if (current.length) segments.push(current);
    const nowRow = rows[Math.min(step, rows.length - 1)];
    return s("svg", { class: "pd-spark", width: W, height: H, viewBox: `0 0 ${W} ${H}` },
      s("line", { class: "spark-axis", x1: 0, x2: W, y1: H - 3, y2: H - 3 }),
      segments.map((pts) => s("polyline", { class: "spark-line", points: pts.join(" ") })),
      isKnown(nowRow.value) ? s("circle", { class: "spark-now", cx: X(nowRow.step), cy: Yv(nowRow.value), r: 3 }) : null);
  }

  draw();
  const offs = [
    listen(model, "change:deck_layout change:failures change:timeline", draw),
    listen(model, "change:step", () => { paint(); panel(); }),
    listen(model, "change:selected", () => { paint(); panel(); }),
  ];
  return () => { offs.forEach((off) => off()); editing.dispose(); };
}

export { history, stateAt };
export default { render };
