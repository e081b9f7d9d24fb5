// GraphView: the protocol's computation graph — resources (with their parental chains)
// and operations in execution order, consecutive ops of one loop grouped and collapsible
// (bodies render lazily, so 10,000-op graphs stay fast), failing ops red, click an op
// for its line.
//
// Model traits: graph {protocol_fqn, resources, operations, execution_order, ...},
// failures [...], selected_op (op id or "").
import { failureText, h, injectStyle, listen, replace, setTrait, shorten } from "./_shared.js";

const CSS = `
.praxis-graph .pg-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.praxis-graph .pg-title { font-weight: 600; }
.praxis-graph .pg-resources { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; }
.praxis-graph .pg-res { border: 1px solid var(--praxis-border); border-left: 4px solid var(--res-color);
  border-radius: 4px; padding: 2px 8px; background: var(--praxis-bg); cursor: pointer; }
.praxis-graph .pg-res.focus { outline: 2px solid var(--res-color); }
.praxis-graph .pg-res .pg-chain { color: var(--praxis-muted); font-size: 0.9em; }
.praxis-graph .pg-body { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
.praxis-graph .pg-ops { flex: 1 1 480px; min-width: 300px; max-height: 460px; overflow: auto;
  border: 1px solid var(--praxis-border2); border-radius: 4px; }
.praxis-graph .pg-group-head { display: flex; gap: 8px; align-items: baseline; padding: 3px 6px;
  background: var(--praxis-bg2); border-bottom: 1px solid var(--praxis-border2); cursor: pointer;
  position: sticky; top: 0; z-index: 1; }
.praxis-graph .pg-group.failing > .pg-group-head { border-left: 3px solid var(--praxis-error); }
.praxis-graph .pg-group-head > .praxis-mono { white-space: nowrap; }
.praxis-graph .pg-caret { width: 1em; display: inline-block; color: var(--praxis-muted); }
.praxis-graph .pg-op { display: flex; gap: 8px; align-items: baseline; padding: 1px 6px 1px 22px;
  border-bottom: 1px solid var(--praxis-border2); cursor: pointer; white-space: nowrap; }
.praxis-graph .pg-op:hover { background: var(--praxis-bg2); }
.praxis-graph .pg-op.single { padding-left: 6px; }
.praxis-graph .pg-op.failing { color: var(--praxis-error); }
.praxis-graph .pg-op.failing .pg-method { text-decoration: underline wavy; }
.praxis-graph .pg-op.selected { background: var(--praxis-bg2); outline: 2px solid var(--praxis-accent); outline-offset: -2px; }
.praxis-graph .pg-op.dim { opacity: 0.4; }
.praxis-graph .pg-line { color: var(--praxis-muted); min-width: 3.2em; font-variant-numeric: tabular-nums; }
.praxis-graph .pg-method { font-weight: 600; }
.praxis-graph .pg-args { overflow: hidden; text-overflow: ellipsis; color: var(--praxis-muted); }
.praxis-graph .pg-dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--res-color); }
.praxis-graph .pg-cond { color: var(--praxis-warn); }
.praxis-graph .pg-more { margin: 4px 22px; }
.praxis-graph .pg-detail { flex: 0 1 300px; min-width: 240px; border: 1px solid var(--praxis-border2);
  border-radius: 4px; padding: 8px; }
.praxis-graph .pg-detail:empty { display: none; }
.praxis-graph .pg-detail h4 { margin: 0 0 4px; font-size: 1em; }
.praxis-graph .pg-detail dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; margin: 0; }
.praxis-graph .pg-detail dt { color: var(--praxis-muted); }
.praxis-graph .pg-detail dd { margin: 0; overflow-wrap: anywhere; }
.praxis-graph .pg-fail { color: var(--praxis-error); margin-top: 4px; }
`;

const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22"];
const CHUNK = 200; // ungrouped runs longer than this are split into collapsible chunks
const PAGE = 300; // rows rendered per group before "show more"

/** The resource variable of a key: "source[A1]" → "source". */
export function varOf(key) {
  const i = String(key).indexOf("[");
  return i < 0 ? String(key) : String(key).slice(0, i);
}

/** Ops in execution order, consecutive ops of the same loop grouped. */
export function groupOps(graph) {
  const byId = new Map((graph?.operations || []).map((op) => [op.id, op]));
  const order = graph?.execution_order?.length ? graph.execution_order : [...byId.keys()];
  const ops = order.map((id) => byId.get(id)).filter(Boolean);
  const groups = [];
  let loose = [];
  const flush = () => {
    if (!loose.length) return;
    if (loose.length <= CHUNK) {
      for (const op of loose) groups.push({ loop: null, label: null, ops: [op] });
    } else {
      for (let i = 0; i < loose.length; i += CHUNK) {
        const part = loose.slice(i, i + CHUNK);
        groups.push({ loop: null, label: `ops ${part[0].id} … ${part[part.length - 1].id}`, ops: part });
      }
    }
    loose = [];
  };
  for (const op of ops) {
    if (!op.loop) { loose.push(op); continue; }
    flush();
    const last = groups[groups.length - 1];
    if (last && last.loop === op.loop) last.ops.push(op);
    else groups.push({ loop: op.loop, label: op.loop, ops: [op] });
  }
  flush();
  return groups;
}

function render({ model, el }) {
  injectStyle("praxis-graph-view-css", CSS);
  const root = h("div", { class: "praxis praxis-graph" });
  replace(el, root);
  let expanded = new Set();
  let shown = new Map(); // group index → rows rendered
  let rows = new Map(); // op id → row element
  let groups = [];
  let failLines = new Map();
  let colors = new Map();
  let focus = null;

  function opById(id) {
    for (const g of groups) for (const op of g.ops) if (op.id === id) return [op, g];
    return [null, null];
  }

  function draw() {
    const graph = model.get("graph") || {};
    const failures = model.get("failures") || [];
    failLines = new Map();
    for (const f of failures) {
      if (!failLines.has(f.line)) failLines.set(f.line, []);
      failLines.get(f.line).push(f);
    }
    colors = new Map(Object.keys(graph.resources || {}).map((v, i) => [v, PALETTE[i % PALETTE.length]]));
    groups = groupOps(graph);
    const total = groups.reduce((n, g) => n + g.ops.length, 0);
    groups.forEach((g) => { g.failing = g.ops.filter((op) => failLines.has(op.line_number)).length; });
    expanded = new Set();
    groups.forEach((g, i) => {
      if (g.ops.length > 1 && (total <= 60 || (g.failing && g.ops.length <= 2000))) expanded.add(i);
    });
    shown = new Map();
    const failingOps = groups.reduce((n, g) => n + g.failing, 0);
    const resources = Object.values(graph.resources || {}).map((r) => {
      const chain = (r.parental_chain || []).join(" › ");
      const elem = r.element_type && r.element_type !== r.declared_type ? ` of ${r.element_type}` : "";
      return h("div", {
        class: `pg-res${focus === r.variable_name ? " focus" : ""}`,
        style: `--res-color: ${colors.get(r.variable_name)}`,
        title: `${r.variable_name}: ${r.declared_type}${elem}\nclick to highlight its ops`,
        onclick: () => { focus = focus === r.variable_name ? null : r.variable_name; draw(); },
      }, h("b", { class: "praxis-mono" }, r.variable_name), " ",
      h("span", { class: "pg-chain" }, `${r.declared_type || "?"}${elem}${chain ? ` · on ${chain}` : ""}`));
    });
    const list = h("div", { class: "pg-ops", role: "tree" });
    rows = new Map();
    groups.forEach((g, i) => list.append(group(g, i)));
    replace(root,
      h("div", { class: "pg-head" },
        h("span", { class: "pg-title" }, "Graph"),
        h("span", { class: "praxis-mono" }, graph.protocol_fqn || ""),
        h("span", { class: "praxis-muted" }, `${total} ops · ${resources.length} resources · ${groups.length} group${groups.length === 1 ? "" : "s"}`),
        failingOps ? h("span", { class: "praxis-badge", style: "color: var(--praxis-error)" }, `${failingOps} failing ops`) : null),
      h("div", { class: "pg-resources" }, resources),
      h("div", { class: "pg-body" }, list, h("div", { class: "pg-detail" })));
    detail();
  }

  function group(g, i) {
    if (g.ops.length === 1 && !g.label) return opRow(g.ops[0], true);
    const lines = g.ops.map((op) => op.line_number);
    const counts = new Map();
    for (const op of g.ops) counts.set(op.method_name, (counts.get(op.method_name) || 0) + 1);
    const methods = [...counts].map(([m, n]) => `${m} ×${n}`).join(", ");
    const open = expanded.has(i);
    const box = h("div", { class: `pg-group${g.failing ? " failing" : ""}`, "data-group": i });
    const head = h("div", {
      class: "pg-group-head", role: "treeitem", "aria-expanded": String(open),
      onclick: () => { if (expanded.has(i)) expanded.delete(i); else expanded.add(i); box.replaceWith(group(g, i)); },
    }, h("span", { class: "pg-caret" }, open ? "▾" : "▸"),
    h("span", { class: "praxis-mono" }, g.label),
    h("span", { class: "praxis-muted" }, `${g.ops.length} ops · lines ${Math.min(...lines)}–${Math.max(...lines)} · ${shorten(methods, 70)}`),
    g.failing ? h("span", { class: "praxis-badge", style: "color: var(--praxis-error)" }, `${g.failing} failing`) : null);
    box.append(head);
    if (open) {
      const limit = shown.get(i) || PAGE;
      for (const op of g.ops.slice(0, limit)) box.append(opRow(op, false));
      if (g.ops.length > limit) {
        box.append(h("button", {
          class: "pg-more",
          onclick: () => { shown.set(i, limit + PAGE * 4); box.replaceWith(group(g, i)); },
        }, `show ${Math.min(PAGE * 4, g.ops.length - limit)} more of ${g.ops.length - limit}`));
      }
    }
    return box;
  }

  function opRow(op, single) {
    const fails = failLines.get(op.line_number) || [];
    const vars = [...new Set([op.receiver_variable, ...(op.resources || []).map(varOf)].filter((v) => colors.has(v)))];
    const args = Object.entries(op.arguments || {}).map(([k, v]) => `${k}=${v}`).join(", ");
    const cls = ["pg-op", single ? "single" : "", fails.length ? "failing" : "",
      op.id === model.get("selected_op") ? "selected" : "",
      focus && !vars.includes(focus) ? "dim" : ""].filter(Boolean).join(" ");
    const row = h("div", {
      class: cls, "data-op": op.id, "data-line": op.line_number, role: "treeitem",
      title: fails.map(failureText).join("\n") || `${op.id} · line ${op.line_number}`,
      onclick: () => setTrait(model, "selected_op", op.id),
    }, h("span", { class: "pg-line" }, `L${op.line_number}`),
    vars.map((v) => h("span", { class: "pg-dot", style: `--res-color: ${colors.get(v)}`, title: v })),
    h("span", { class: "pg-method" }, op.method_name),
    h("span", { class: "pg-args praxis-mono" }, `(${shorten(args, 90)})`),
    op.certainty === "conditional" ? h("span", { class: "pg-cond" }, `if ${op.condition || "?"}`) : null);
    rows.set(op.id, row);
    return row;
  }

  function detail() {
    const box = root.querySelector(".pg-detail");
    const id = model.get("selected_op");
    for (const [opId, row] of rows) row.classList.toggle("selected", opId === id);
    if (!box) return;
    const [op] = id ? opById(id) : [null];
    if (!op) { box.replaceChildren(); return; }
    const fails = failLines.get(op.line_number) || [];
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
      fails.map((f) => h("div", { class: "pg-fail" }, failureText(f))));
  }

  function reveal() {
    const id = model.get("selected_op");
    if (id && !rows.has(id)) {
      const [op, g] = opById(id);
      const i = groups.indexOf(g);
      if (op && i >= 0) {
        expanded.add(i);
        shown.set(i, Math.max(shown.get(i) || PAGE, g.ops.indexOf(op) + 1));
        const old = root.querySelector(`[data-group="${i}"]`);
        if (old) old.replaceWith(group(g, i));
      }
    }
    detail();
  }

  draw();
  const offs = [
    listen(model, "change:graph change:failures", draw),
    listen(model, "change:selected_op", reveal),
  ];
  return () => offs.forEach((off) => off());
}

export default { render };
