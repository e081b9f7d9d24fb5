// GraphView: the protocol's computation graph drawn in inline SVG — resources in a lane
// on the left with their parental chains, ops top to bottom in execution order, edges
// from each op to the resources it touches, loops in labelled boxes that collapse to
// one "×N" node (a loop with failing iterations keeps them, the others folded), conditional
// ops dashed, the sides of an `if` in lanes side by side under a fork marker, the ops a
// failure names red; click an op for its line. The op column takes the width there is;
// text cut short shows whole on hover.
// The layout is `_graph_layout.js`; at most `max_nodes` rows are drawn, the rest are a
// "… N more" node, so 10,000-op graphs stay fast.
//
// Model traits: graph {protocol_fqn, resources, operations, execution_order, ...},
// failures [...], selected_op (op id or ""), collapsed [loop group ids], max_nodes.
import { failureText, h, injectStyle, listen, replace, s, setTrait } from "./_shared.js";
import { FORK_H, LANE_HEAD, LOOP_H, MAX_NODES, OP_H, ROW, layoutGraph } from "./_graph_layout.js";

export { branchBlocks, chainOf, groupOps, layoutGraph, pathsOf, varOf } from "./_graph_layout.js";

const CSS = `
.praxis-graph .pg-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.praxis-graph .pg-title { font-weight: 600; }
.praxis-graph .pg-head .pg-tools { margin-left: auto; display: flex; gap: 6px; }
.praxis-graph .pg-body { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
.praxis-graph .pg-canvas { flex: 0 1 auto; min-width: 320px; max-width: 100%; max-height: 560px; overflow: auto;
  border: 1px solid var(--praxis-border2); border-radius: 4px; background: var(--praxis-bg); }
.praxis-graph svg.pg-svg { display: block; font-family: inherit; font-size: 12px; }
.praxis-graph svg text { fill: var(--praxis-fg); dominant-baseline: middle; }
.praxis-graph .pg-edge { fill: none; stroke: var(--res-color, var(--praxis-muted)); stroke-opacity: 0.35; stroke-width: 1; }
.praxis-graph .pg-edge.failing { stroke: var(--praxis-error); stroke-opacity: 0.55; }
.praxis-graph .pg-edge.hot { stroke-opacity: 1; stroke-width: 2.2; }
.praxis-graph .pg-edge.faint { stroke-opacity: 0.08; }
.praxis-graph .pg-op, .praxis-graph .pg-loop, .praxis-graph .pg-more, .praxis-graph .pg-res,
.praxis-graph .pg-box-head { cursor: pointer; }
.praxis-graph .pg-node { fill: var(--praxis-bg); stroke: var(--praxis-border); stroke-width: 1; }
.praxis-graph .pg-op:hover .pg-node, .praxis-graph .pg-loop:hover .pg-node { stroke: var(--praxis-accent); }
.praxis-graph .conditional .pg-node { stroke: var(--praxis-warn); stroke-dasharray: 5 3; }
.praxis-graph .failing .pg-node { fill: #fdecea; fill: color-mix(in srgb, var(--praxis-error) 13%, var(--praxis-bg));
  stroke: var(--praxis-error); stroke-width: 1.6; }
.praxis-graph .failing .pg-method, .praxis-graph .pg-fail-count { fill: var(--praxis-error); }
.praxis-graph .selected .pg-node { stroke: var(--praxis-accent); stroke-width: 3; }
.praxis-graph svg [role=button]:focus { outline: none; }
.praxis-graph svg [role=button]:focus-visible .pg-node { stroke: var(--praxis-accent); stroke-width: 2.5; }
.praxis-graph .dim { opacity: 0.3; }
.praxis-graph .pg-line { fill: var(--praxis-muted); font-variant-numeric: tabular-nums; }
.praxis-graph .pg-method { font-weight: 600; }
.praxis-graph .pg-args { fill: var(--praxis-muted); font-family: var(--praxis-mono); font-size: 11px; }
.praxis-graph .pg-cond { fill: var(--praxis-warn); font-size: 11px; }
.praxis-graph .pg-box-frame { fill: var(--praxis-bg2); fill-opacity: 0.6; stroke: var(--praxis-border); }
.praxis-graph .pg-box.failing .pg-box-frame { stroke: var(--praxis-error); stroke-opacity: 0.6; }
.praxis-graph .pg-box-head rect { fill: transparent; }
.praxis-graph .pg-loop-label, .praxis-graph .pg-box-label { font-family: var(--praxis-mono); font-weight: 600; }
.praxis-graph .pg-times { fill: var(--praxis-accent); font-weight: 600; }
.praxis-graph .pg-sub, .praxis-graph .pg-iter { fill: var(--praxis-muted); font-size: 10.5px; }
.praxis-graph .pg-iter-sep { stroke: var(--praxis-border); stroke-dasharray: 2 3; }
.praxis-graph .pg-loop .pg-stack { fill: var(--praxis-bg2); stroke: var(--praxis-border); }
.praxis-graph .pg-fork-mark { fill: var(--praxis-warn); }
.praxis-graph .pg-fork-label { fill: var(--praxis-warn); font-family: var(--praxis-mono); font-size: 11px; font-weight: 600; }
.praxis-graph .pg-lane-frame { fill: var(--praxis-warn); fill-opacity: 0.05; stroke: var(--praxis-warn);
  stroke-opacity: 0.5; stroke-dasharray: 4 3; }
.praxis-graph .pg-lane-label { fill: var(--praxis-warn); font-family: var(--praxis-mono); font-size: 10.5px; }
.praxis-graph .pg-lane-empty { fill: var(--praxis-muted); font-size: 11px; font-style: italic; }
.praxis-graph .pg-more .pg-node, .praxis-graph .pg-fold .pg-node { fill: none; stroke-dasharray: 3 3; pointer-events: all; }
.praxis-graph .pg-more text, .praxis-graph .pg-fold text { fill: var(--praxis-accent); }
.praxis-graph .pg-fold { cursor: pointer; }
.praxis-graph .pg-res .pg-node { stroke: var(--res-color); stroke-width: 1.3; }
.praxis-graph .pg-res .pg-stripe { fill: var(--res-color); }
.praxis-graph .pg-res.focus .pg-node { stroke-width: 3; }
.praxis-graph .pg-res-name { font-weight: 700; font-family: var(--praxis-mono); }
.praxis-graph .pg-res-type { fill: var(--praxis-muted); font-size: 11px; }
.praxis-graph .pg-badge rect { fill: var(--praxis-bg2); stroke: var(--praxis-border); }
.praxis-graph .pg-badge text { fill: var(--praxis-muted); font-size: 10px; }
.praxis-graph .pg-detail { flex: 1 1 260px; min-width: 240px; max-width: 420px; border: 1px solid var(--praxis-border2);
  border-radius: 4px; padding: 8px; }
.praxis-graph .pg-detail:empty { display: none; }
.praxis-graph .pg-detail h4 { margin: 0 0 4px; font-size: 1em; }
.praxis-graph .pg-detail dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin: 0; }
.praxis-graph .pg-detail dt { color: var(--praxis-muted); }
.praxis-graph .pg-detail dd { margin: 0; overflow-wrap: anywhere; }
.praxis-graph .pg-fail { color: var(--praxis-error); margin-top: 4px; }
`;

const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22"];
const MORE_STEP = 200; // rows added by a click on "… N more"
const DETAIL_AT = 1000; // from this width on, the detail panel sits beside the graph...
const DETAIL_W = 300; // ...and takes this much of it

/** Shorten a box head's label until it ends 8 px before the first count right of it. */
function fitHead(head) {
  const label = head.querySelector(".pg-box-label");
  const counts = [...head.querySelectorAll(".pg-fail-count, .pg-times")];
  if (!label || !counts.length || typeof label.getBBox !== "function") return;
  const limit = Math.min(...counts.map((t) => t.getBBox().x)) - 8;
  const box = label.getBBox();
  if (!box.width) return; // not rendered yet
  let text = label.textContent;
  while (box.x + label.getComputedTextLength() > limit && text.length > 4) {
    text = `${text.slice(0, -2)}…`;
    label.textContent = text;
  }
}

const title = (text) => s("title", {}, text);
/** Attributes of an SVG group that acts as a button: click, or Enter / Space when focused. */
const button = (action) => ({
  role: "button", tabindex: 0, onclick: action,
  onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); action(); } },
});
const plural = (n, word) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

function render({ model, el }) {
  injectStyle("praxis-graph-view-css", CSS);
  const root = h("div", { class: "praxis praxis-graph" });
  replace(el, root);
  let layout = null;
  let extra = 0; // rows added by "… N more" clicks
  let focusRes = null; // a clicked resource: its ops stay bright, the others dim
  let nodeEls = new Map(); // node id → <g>
  let edgeEls = new Map(); // node or resource id → [<path>]
  let colors = new Map();
  let width = 0; // the root's width when last drawn

  const collapsedNow = () => layout?.collapsed || new Set();
  function setCollapsed(ids) { setTrait(model, "collapsed", [...ids]); }
  function toggle(id) {
    const next = new Set(collapsedNow());
    if (next.has(id)) next.delete(id); else next.add(id);
    setCollapsed(next);
  }

  function draw() {
    const graph = model.get("graph") || {};
    const failures = model.get("failures") || [];
    const collapsed = model.get("collapsed");
    width = root.clientWidth || 0;
    layout = layoutGraph(graph, failures, {
      collapsed: Array.isArray(collapsed) ? collapsed : undefined,
      maxNodes: (model.get("max_nodes") || MAX_NODES) + extra,
      focus: model.get("selected_op") || null,
      width: width > DETAIL_AT ? width - DETAIL_W : width, // room for the detail beside it
    });
    colors = new Map(layout.resources.map((r, i) => [r.id, PALETTE[i % PALETTE.length]]));
    nodeEls = new Map();
    edgeEls = new Map();
    const loops = layout.groups.filter((g) => g.loop);
    const failingOps = layout.failing.length;
    const svg = s("svg", {
      class: "pg-svg", width: layout.width, height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`, role: "img",
      "aria-label": `computation graph of ${graph.protocol_fqn || "the protocol"}`,
    },
    s("g", { class: "pg-boxes" }, layout.boxes.map(boxEl)),
    s("g", { class: "pg-forks" }, layout.forks.map(forkEl)),
    s("g", { class: "pg-edges" }, layout.edges.map(edgeEl)),
    s("g", { class: "pg-resources" }, layout.resources.map(resourceEl)),
    s("g", { class: "pg-nodes" }, layout.nodes.map(nodeEl)));
    const capped = layout.drawn < layout.total && layout.nodes.some((n) => n.kind === "more");
    replace(root,
      h("div", { class: "pg-head" },
        h("span", { class: "pg-title" }, "Graph"),
        h("span", { class: "praxis-mono" }, graph.protocol_fqn || ""),
        h("span", { class: "praxis-muted pg-counts" },
          `${plural(layout.total, "op")} · ${plural(layout.resources.length, "resource")} · ${plural(loops.length, "loop")}`
          + `${capped ? ` · ${layout.drawn.toLocaleString("en-US")} drawn` : ""}`),
        failingOps ? h("span", { class: "praxis-badge pg-failing", style: "color: var(--praxis-error)" },
          `${plural(failingOps, "failing op")}`) : null,
        loops.length ? h("span", { class: "pg-tools" },
          h("button", { class: "pg-collapse-all", onclick: () => setCollapsed(loops.map((g) => g.id)) }, "Collapse loops"),
          h("button", { class: "pg-expand-all", onclick: () => setCollapsed([]) }, "Expand loops")) : null),
      h("div", { class: "pg-body" }, h("div", { class: "pg-canvas" }, svg), h("div", { class: "pg-detail" })));
    highlight();
    detail();
    fitLater();
  }

  /** Once drawn: cut a box label that still reaches its counts (fonts vary) and keep it on hover. */
  function fitLater() {
    const frame = globalThis.requestAnimationFrame;
    if (frame) frame(() => root.querySelectorAll(".pg-box-head").forEach(fitHead));
  }

  function boxEl(box) {
    const head = box.head;
    const action = box.folded ? "click to expand all its iterations" : "click to collapse";
    const g = s("g", { class: "pg-box-head", "aria-expanded": String(!box.folded), ...button(() => toggle(box.id)) },
    title(`${head.fullLabel}: ${box.times}, ${plural(box.ops, "op")}${
      box.failing ? `, ${box.failing} failing` : ""}\n${action}`),
    s("rect", { x: box.x, y: box.y, width: box.w, height: 22 }),
    s("text", { class: "pg-box-label", x: box.x + 8, y: box.y + 12 }, `${box.folded ? "▸" : "▾"} ${head.label}`),
    s("text", { class: "pg-times", x: head.timesRight, y: box.y + 12, "text-anchor": "end" }, head.times),
    head.fail ? s("text", { class: "pg-fail-count", x: head.failRight, y: box.y + 12, "text-anchor": "end" },
      head.fail) : null);
    return s("g", { class: `pg-box${box.failing ? " failing" : ""}${box.folded ? " folded" : ""}`, "data-group": box.id },
      s("rect", { class: "pg-box-frame", x: box.x, y: box.y, width: box.w, height: box.h, rx: 6 }),
      g,
      box.iterations.map((it) => [
        it.first ? null : s("line", { class: "pg-iter-sep", x1: box.x + 4, x2: box.x + box.w - 4, y1: it.y - 3, y2: it.y - 3 }),
        s("text", { class: "pg-iter", x: box.x + 8, y: it.y + OP_H / 2 }, `${it.n}`),
      ]));
  }

  /** "◇ if cond" over the lanes, each lane framed with its condition. */
  function forkEl(fork) {
    const mid = fork.y + FORK_H / 2;
    return s("g", { class: "pg-fork", "data-lanes": fork.lanes.length }, title(fork.title),
      s("path", { class: "pg-fork-mark", d: `M${fork.x + 6} ${mid - 5} l5 5 l-5 5 l-5 -5 z` }),
      s("text", { class: "pg-fork-label", x: fork.x + 16, y: mid }, fork.label),
      fork.lanes.map((lane, i) => s("g", { class: `pg-lane${lane.empty ? " empty" : ""}`, "data-lane": i },
        title(lane.empty ? `${lane.title}: no ops on these paths` : lane.title),
        s("rect", { class: "pg-lane-frame", x: lane.x, y: lane.y, width: lane.w, height: lane.h, rx: 4 }),
        s("text", { class: "pg-lane-label", x: lane.x + 6, y: lane.y + LANE_HEAD / 2 + 1 }, lane.label),
        lane.empty ? s("text", { class: "pg-lane-empty", x: lane.x + 6, y: lane.y + LANE_HEAD + ROW / 2 - 2 }, "no ops") : null)));
  }

  function edgeEl(edge) {
    const path = s("path", { class: `pg-edge${edge.failing ? " failing" : ""}`, d: edge.d,
      "data-from": edge.from, "data-to": edge.to, style: `--res-color: ${colors.get(edge.to)}` });
    for (const key of [edge.from, `res:${edge.to}`]) {
      if (!edgeEls.has(key)) edgeEls.set(key, []);
      edgeEls.get(key).push(path);
    }
    return path;
  }

  function resourceEl(r) {
    const g = s("g", {
      class: `pg-res${r.declared ? "" : " undeclared"}`, "data-res": r.id, style: `--res-color: ${colors.get(r.id)}`,
      onclick: () => { focusRes = focusRes === r.id ? null : r.id; highlight(); },
      onmouseenter: () => hot(`res:${r.id}`, true), onmouseleave: () => hot(`res:${r.id}`, false),
    }, title(`${r.title}\nclick to highlight its ops`),
    s("rect", { class: "pg-node", x: r.x, y: r.y, width: r.w, height: r.h, rx: 4 }),
    s("rect", { class: "pg-stripe", x: r.x, y: r.y, width: 4, height: r.h, rx: 2 }),
    s("text", { x: r.x + 10, y: r.y + 11 }, s("tspan", { class: "pg-res-name" }, r.label),
      s("tspan", { class: "pg-res-type", dx: 6 }, r.type)),
    r.badges.map((b) => s("g", { class: "pg-badge" },
      s("rect", { x: r.x + b.x + 2, y: r.y + 21, width: b.w, height: 13, rx: 6 }),
      s("text", { x: r.x + b.x + 2 + b.w / 2, y: r.y + 28, "text-anchor": "middle" }, b.text))));
    nodeEls.set(`res:${r.id}`, g);
    return g;
  }

  function nodeEl(node) {
    let g;
    const base = { onmouseenter: () => hot(node.id, true), onmouseleave: () => hot(node.id, false) };
    if (node.kind === "op") {
      const op = node.op;
      const cls = ["pg-op", node.failing ? "failing" : "", node.conditional ? "conditional" : ""].filter(Boolean).join(" ");
      g = s("g", { ...base, class: cls, "data-op": op.id, "data-line": op.line_number,
        ...button(() => setTrait(model, "selected_op", op.id)) },
      title(node.title),
      s("rect", { class: "pg-node", x: node.x, y: node.y, width: node.w, height: node.h, rx: 4 }),
      s("text", { class: "pg-line", x: node.x + 6, y: node.y + node.h / 2 }, node.line),
      s("text", { x: node.x + 42, y: node.y + node.h / 2 }, s("tspan", { class: "pg-method" }, node.method),
        s("tspan", { class: "pg-args", dx: 6 }, node.args)),
      node.cond ? s("text", { class: "pg-cond", x: node.x + node.w - 6, y: node.y + node.h / 2, "text-anchor": "end" }, node.cond) : null);
    } else if (node.kind === "loop") {
      const cls = ["pg-loop", node.failing ? "failing" : "", node.conditional ? "conditional" : ""].filter(Boolean).join(" ");
      g = s("g", { ...base, class: cls, "data-group": node.id, "aria-expanded": "false",
        ...button(() => toggle(node.id)) },
      title(`${node.title}\nclick to expand`),
      s("rect", { class: "pg-stack", x: node.x + 4, y: node.y + 4, width: node.w, height: LOOP_H, rx: 5 }),
      s("rect", { class: "pg-node", x: node.x, y: node.y, width: node.w, height: LOOP_H, rx: 5 }),
      s("text", { class: "pg-loop-label", x: node.x + 8, y: node.y + 11 }, `▸ ${node.text}`),
      s("text", { class: "pg-times", x: node.x + node.w - 8, y: node.y + 11, "text-anchor": "end" }, node.times),
      s("text", { class: "pg-sub", x: node.x + 20, y: node.y + 25 }, node.sub),
      node.failingOps ? s("text", { class: "pg-fail-count", x: node.x + node.w - 8, y: node.y + 25, "text-anchor": "end" },
        `${node.failingOps} failing`) : null);
    } else if (node.kind === "fold") {
      g = s("g", { ...base, class: "pg-fold", "data-group": node.group.id, "data-ops": node.count,
        ...button(() => toggle(node.group.id)) },
      title(node.title),
      s("rect", { class: "pg-node", x: node.x, y: node.y, width: node.w, height: node.h, rx: 4 }),
      s("text", { x: node.x + 8, y: node.y + node.h / 2 }, node.text));
    } else {
      g = s("g", { class: "pg-more", "data-more": node.count, ...button(() => { extra += MORE_STEP; draw(); }) },
      title(`${node.title} (${MORE_STEP} at a time)`),
      s("rect", { class: "pg-node", x: node.x, y: node.y, width: node.w, height: node.h, rx: 4 }),
      s("text", { x: node.x + node.w / 2, y: node.y + node.h / 2, "text-anchor": "middle" }, node.text));
    }
    nodeEls.set(node.id, g);
    return g;
  }

  function hot(id, on) {
    for (const path of edgeEls.get(id) || []) path.classList.toggle("hot", on);
  }

  /** Selection, the focused resource's ops, and its edges. */
  function highlight() {
    if (!layout) return;
    const selected = model.get("selected_op");
    for (const node of layout.nodes) {
      const g = nodeEls.get(node.id);
      if (!g) continue;
      const ops = node.kind === "loop" ? node.group.ops : node.kind === "fold" ? node.ops : null;
      const contains = ops ? ops.some((op) => op.id === selected) : node.id === selected;
      g.classList.toggle("selected", Boolean(selected) && contains);
      g.classList.toggle("dim", Boolean(focusRes) && node.kind !== "more" && !node.touches.includes(focusRes));
    }
    for (const r of layout.resources) {
      nodeEls.get(`res:${r.id}`)?.classList.toggle("focus", r.id === focusRes);
      for (const path of edgeEls.get(`res:${r.id}`) || []) {
        path.classList.toggle("faint", Boolean(focusRes) && r.id !== focusRes);
        path.classList.toggle("hot", r.id === focusRes);
      }
    }
  }

  function detail() {
    const box = root.querySelector(".pg-detail");
    const id = model.get("selected_op");
    const node = layout?.nodes.find((n) => n.kind === "op" && n.id === id);
    if (!box) return;
    if (!node) { box.replaceChildren(); return; }
    const op = node.op;
    const keys = op.resources || [];
    const field = (name, value) => (value === null || value === undefined || value === "" ? [] : [h("dt", {}, name), h("dd", {}, value)]);
    replace(box,
      h("h4", {}, `${op.id} · `, h("span", { class: "pg-where" }, `line ${op.line_number}`),
        op.column !== undefined && op.column !== null ? `, col ${op.column}` : ""),
      h("dl", {},
        field("method", `${op.receiver_variable || "lh"}.${op.method_name}`),
        Object.entries(op.arguments || {}).flatMap(([k, v]) => field(k, h("span", { class: "praxis-mono" }, v))),
        field("certainty", op.certainty === "conditional" ? `conditional: ${op.condition}` : op.certainty),
        field("loop", op.loop),
        field("touches", keys.length ? `${keys.slice(0, 12).join(", ")}${keys.length > 12 ? ` … (${keys.length})` : ""}` : null),
        field("volumes", op.volumes?.length ? `${op.volumes.join(", ")} µL` : null)),
      node.failures.map((f) => h("div", { class: "pg-fail" }, failureText(f))));
  }

  /** Keep the selected op in view inside the canvas (without scrolling the page). */
  function scrollTo(id) {
    const node = layout?.nodes.find((n) => n.id === id);
    const canvas = root.querySelector(".pg-canvas");
    if (!node || !canvas || !canvas.clientHeight) return;
    if (node.y < canvas.scrollTop || node.y + node.h > canvas.scrollTop + canvas.clientHeight) {
      canvas.scrollTop = Math.max(0, node.y - canvas.clientHeight / 3);
    }
  }

  function reveal() {
    const id = model.get("selected_op");
    if (!id || nodeEls.has(id)) {
      highlight();
      detail();
      scrollTo(id);
      return;
    }
    const group = layout?.groups.find((g) => g.loop && g.ops.some((op) => op.id === id));
    if (group && collapsedNow().has(group.id)) {
      const next = new Set(collapsedNow());
      next.delete(group.id);
      setCollapsed(next); // redraws, keeping the selected op in the drawn window
    } else {
      draw();
    }
    scrollTo(id);
  }

  draw();
  // the op column follows the room there is: draw again when the width changes much
  const Observer = globalThis.ResizeObserver;
  const resize = Observer ? new Observer(() => {
    if (Math.abs((root.clientWidth || 0) - width) > 40) draw();
  }) : null;
  resize?.observe(root);
  const offs = [
    listen(model, "change:graph change:failures", () => { extra = 0; draw(); }),
    listen(model, "change:collapsed change:max_nodes", draw),
    listen(model, "change:selected_op", reveal),
  ];
  return () => { offs.forEach((off) => off()); resize?.disconnect(); };
}

export default { render };
