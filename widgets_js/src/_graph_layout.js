// The layout of GraphView's drawing: plain data in, positions out (no DOM), so it is
// tested on its own and stays linear in the number of ops.
//
// Resources sit in a lane on the left, each with its parental chain as badges
// (Well › Plate › PlateCarrier › Deck), placed next to the ops that touch them. Ops
// run top to bottom in execution order; consecutive ops of one loop sit in a labelled
// box (iterations numbered, nested loops inside it indented), which can collapse to one
// node "×N". Edges go from an op
// (or a collapsed loop) to each resource it touches. At most `maxNodes` rows are drawn:
// the rest become one "… N more" node (with a window kept around the focused op).

export const SMALL = 60; // graphs with more ops than this start with their loops collapsed
export const MAX_NODES = 150; // rows drawn before "… N more"
export const ROW = 26; // vertical pitch of an op row
export const OP_H = 20;
export const LOOP_H = 34;
export const RES_W = 232;
export const RES_H = 38;
export const RES_H_BARE = 22; // a resource without chain badges
export const RES_X = 8;
export const OP_X = 330;
export const OP_W = 380;
export const BOX_HEAD = 24;
export const BOX_PAD = 8;
export const BOX_INSET = 30; // room left of the ops for the iteration numbers
export const INDENT = 16; // per level of a nested loop
const TOP = 8;
const RES_GAP = 8;
const CHAR_W = 6.8; // average width of a 12px UI character, for truncating labels
const BADGE_CHAR_W = 5.6;
const WINDOW = 3; // rows kept either side of a focused op beyond the cap

/** The resource variable of a key: "source[A1]" → "source". */
export function varOf(key) {
  const text = String(key);
  const i = text.indexOf("[");
  return i < 0 ? text : text.slice(0, i);
}

/** Shorten to `max` characters with an ellipsis. */
function clip(text, max) {
  const str = String(text ?? "");
  if (max <= 1) return "";
  return str.length > max ? `${str.slice(0, max - 1)}…` : str;
}

/** Ops in execution order (ids missing from `operations` are skipped). */
export function opsInOrder(graph) {
  const byId = new Map((graph?.operations || []).map((op) => [op.id, op]));
  const order = graph?.execution_order?.length ? graph.execution_order : [...byId.keys()];
  return order.map((id) => byId.get(id)).filter(Boolean);
}

/** The header line of a loop label "for col in range(12) @ 3" → 3 (-1 without one). */
function headerOf(label) {
  const m = /@ (\d+)$/.exec(label || "");
  return m ? Number(m[1]) : -1;
}

/**
 * Which loop each loop sits in, from the order of the ops alone (labels name the
 * innermost loop): when the runs of one loop A come back after runs of loops whose
 * headers are below A's, those loops are nested in A. Map(inner label → outer label).
 */
export function loopParents(ops) {
  const runs = [];
  for (const op of ops) {
    const label = op.loop || null;
    if (runs[runs.length - 1] !== label) runs.push(label);
  }
  const parent = new Map();
  const last = new Map();
  runs.forEach((label, i) => {
    if (label === null) return;
    const k = last.get(label);
    if (k !== undefined && k < i - 1) {
      const between = runs.slice(k + 1, i);
      if (between.every((b) => b !== null && headerOf(b) > headerOf(label))) {
        for (const b of between) if (!parent.has(b)) parent.set(b, label);
      }
    }
    last.set(label, i);
  });
  return parent;
}

const atOrAbove = (op, prev) => op.line_number < prev.line_number
  || (op.line_number === prev.line_number && (op.column ?? 0) <= (prev.column ?? 0));

/**
 * Consecutive ops of one outermost loop form a group (id = its first op's id), ops of
 * the loops nested in it included (`depth` > 0); an op outside any loop is a group of
 * its own with `loop: null`, unless the ops before it come from the same call site (a
 * comprehension, a helper called in a row): those form a group labelled "<method>
 * repeated at line N". An iteration restarts when an op of the loop itself sits at or
 * above the previous one's line and column: `starts` holds the index in `ops` where
 * each iteration begins.
 */
export function groupOps(graph) {
  const ops = opsInOrder(graph);
  const parent = loopParents(ops);
  const rootOf = (label) => { let r = label; while (parent.has(r)) r = parent.get(r); return r; };
  const depthOf = (label) => { let d = 0; for (let r = label; parent.has(r); r = parent.get(r)) d += 1; return d; };
  const groups = [];
  let current = null;
  let prevDirect = null; // the previous op of the group's own loop
  let pending = 0; // where the next iteration starts if the loop's next op restarts it
  let lastDirect = false;
  for (const op of ops) {
    if (!op.loop) {
      const site = `${op.line_number}:${op.column ?? 0}:${op.method_name}`;
      const last = groups[groups.length - 1];
      if (last && last.site === site) {
        last.loop = `${op.method_name} repeated at line ${op.line_number}`;
        last.starts.push(last.ops.length);
        last.ops.push(op);
        last.depths.push(0);
      } else {
        groups.push({ id: op.id, loop: null, ops: [op], starts: [0], depths: [0], site });
      }
      current = null;
      continue;
    }
    const root = rootOf(op.loop);
    if (!current || current.loop !== root) {
      current = { id: op.id, loop: root, ops: [], starts: [0], depths: [] };
      groups.push(current);
      prevDirect = null;
      lastDirect = false;
    }
    const i = current.ops.length;
    if (lastDirect) pending = i;
    lastDirect = op.loop === root;
    if (lastDirect) {
      if (prevDirect && atOrAbove(op, prevDirect)) current.starts.push(pending);
      prevDirect = op;
    }
    current.ops.push(op);
    current.depths.push(op.loop === root ? 0 : depthOf(op.loop));
  }
  return groups;
}

/** The loops collapsed when nothing says otherwise: all of them in graphs of more than SMALL ops. */
export function defaultCollapsed(groups) {
  const total = groups.reduce((n, g) => n + g.ops.length, 0);
  return total > SMALL ? groups.filter((g) => g.loop && g.ops.length > 1).map((g) => g.id) : [];
}

/** Failures by line: Map(line → [failure, ...]). */
export function failuresByLine(failures) {
  const map = new Map();
  for (const f of failures || []) {
    if (f?.line === undefined || f?.line === null) continue;
    if (!map.has(f.line)) map.set(f.line, []);
    map.get(f.line).push(f);
  }
  return map;
}

/** Badges of a resource's chain, element first: ["Well", "Plate", "PlateCarrier", "Deck"]. */
export function chainOf(resource) {
  const declared = resource?.declared_type || "";
  const names = [resource?.element_type, /[[|]/.test(declared) ? null : declared,
    ...(resource?.parental_chain || [])];
  return [...new Set(names.filter(Boolean))];
}

function touchedBy(op) {
  return [...new Set((op.resources || []).map(varOf))];
}

/** The rows before the cap: ops, collapsed loops (one row each). */
function rowsOf(groups, collapsed) {
  const rows = [];
  for (const g of groups) {
    if (g.loop && collapsed.has(g.id)) {
      rows.push({ kind: "loop", group: g, count: g.ops.length });
      continue;
    }
    let iteration = 0;
    g.ops.forEach((op, i) => {
      if (g.starts[iteration + 1] === i) iteration += 1;
      rows.push({ kind: "op", op, group: g.loop ? g : null, iteration, depth: g.depths[i] || 0,
        iterStart: g.starts[iteration] === i, count: 1 });
    });
  }
  return rows;
}

/** Keep the first `max` rows and a window around `focus`; hidden runs become "more" rows. */
function capRows(rows, max, focus) {
  const keep = new Uint8Array(rows.length);
  for (let i = 0; i < Math.min(max, rows.length); i += 1) keep[i] = 1;
  const fi = focus ? rows.findIndex((r) => r.kind === "op" ? r.op.id === focus
    : r.group.ops.some((op) => op.id === focus)) : -1;
  if (fi >= 0) {
    for (let i = Math.max(0, fi - WINDOW); i <= Math.min(rows.length - 1, fi + WINDOW); i += 1) keep[i] = 1;
  }
  const out = [];
  let hidden = null;
  for (let i = 0; i < rows.length; i += 1) {
    if (keep[i]) {
      if (hidden) out.push(hidden);
      hidden = null;
      out.push(rows[i]);
      continue;
    }
    const r = rows[i];
    const group = r.kind === "op" ? r.group : null; // the box the hidden row would sit in
    if (!hidden) hidden = { kind: "more", count: 0, rows: 0, group, id: `more_${i}` };
    hidden.count += r.count;
    hidden.rows += 1;
    if (hidden.group !== group) hidden.group = null;
  }
  if (hidden) out.push(hidden);
  return out;
}

function opLabel(op, fails, width) {
  const args = Object.values(op.arguments || {}).join(", ");
  const method = String(op.method_name || "?");
  const cond = op.certainty === "conditional" ? `if ${op.condition || "?"}` : "";
  const room = Math.floor((width - 16) / CHAR_W) - method.length - 6 - Math.min(cond.length, 18);
  return {
    line: `L${op.line_number}`, method, args: clip(args, room), cond: clip(cond, 18),
    title: [`${op.id} · line ${op.line_number}: ${op.receiver_variable || "lh"}.${method}(${args})`,
      op.loop ? `in ${op.loop}` : "", cond, ...fails.map((f) => f.message || f.kind)].filter(Boolean).join("\n"),
  };
}

function loopLabel(g, failing) {
  const counts = new Map();
  for (const op of g.ops) counts.set(op.method_name, (counts.get(op.method_name) || 0) + 1);
  const methods = [...counts.keys()].join(", ");
  const n = g.starts.length;
  return {
    text: clip(g.loop, 40), times: `×${n}`,
    sub: clip(`${g.ops.length} ops · ${methods}`, Math.floor((OP_W - 16) / CHAR_W) - 14),
    title: `${g.loop}: ${n} iteration${n === 1 ? "" : "s"}, ${g.ops.length} ops (${methods})${
      failing ? `\n${failing} failing ops` : ""}`,
  };
}

/**
 * Place resource nodes beside the first node that touches them (untouched ones on top),
 * in that order, without overlap: the lane reads top to bottom like the ops.
 */
function placeResources(graph, nodes) {
  const declared = graph?.resources || {};
  const first = new Map(Object.keys(declared).map((name) => [name, -Infinity]));
  for (const node of nodes) {
    for (const name of node.touches) {
      if (Number.isFinite(first.get(name))) continue; // placed by an earlier node
      if (!first.has(name) && first.size >= Object.keys(declared).length + 20) continue;
      first.set(name, node.y + node.h / 2);
    }
  }
  const order = [...first.entries()].map(([name, want], index) => ({ name, want, index }));
  order.sort((a, b) => a.want - b.want || a.index - b.index);
  let bottom = TOP - RES_GAP;
  return order.map(({ name, want }) => {
    const r = declared[name] || { variable_name: name, declared_type: "", parental_chain: [] };
    const chain = chainOf(r);
    if (chain.length === 1 && chain[0] === r.declared_type) chain.pop(); // "lh LiquidHandler" says it
    const h = chain.length ? RES_H : RES_H_BARE;
    const y = Math.max(Number.isFinite(want) ? want - h / 2 : TOP, bottom + RES_GAP, TOP);
    bottom = y + h;
    const badges = [];
    let x = 8;
    for (const [i, text] of chain.entries()) {
      const w = Math.ceil(text.length * BADGE_CHAR_W + 10);
      if (x + w > RES_W - 8 && i > 0) { badges.push({ text: "…", x, w: 14 }); break; }
      badges.push({ text, x, w });
      x += w + 4;
    }
    const type = r.declared_type || (declared[name] ? "found on the deck" : "not a declared resource");
    return { id: name, x: RES_X, y, w: RES_W, h, label: name, type, chain, badges,
      declared: Boolean(declared[name]), title: `${name}: ${type}${chain.length ? `\n${chain.join(" › ")}` : ""}` };
  });
}

function edgePath(node, res) {
  const x1 = node.x;
  const y1 = node.y + node.h / 2;
  const x2 = res.x + res.w;
  const y2 = res.y + res.h / 2;
  const mx = (x1 + x2) / 2;
  return `M${x1} ${y1} C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`;
}

/**
 * Positions of everything drawn.
 *
 * @param graph {protocol_fqn, resources, operations, execution_order}
 * @param failures failure modes; an op on a failure's line is failing
 * @param options {collapsed: ids of collapsed loop groups (default: defaultCollapsed),
 *   maxNodes: rows drawn before "… N more", focus: an op id kept visible}
 * @returns {width, height, total, drawn, groups, nodes, boxes, resources, edges}
 */
export function layoutGraph(graph, failures = [], options = {}) {
  const groups = groupOps(graph);
  const collapsed = new Set(options.collapsed ?? defaultCollapsed(groups));
  const maxNodes = Math.max(1, options.maxNodes ?? MAX_NODES);
  const fails = failuresByLine(failures);
  const rows = capRows(rowsOf(groups, collapsed), maxNodes, options.focus || null);
  const nodes = [];
  const boxes = [];
  let box = null;
  let y = TOP;
  const closeBox = () => {
    if (!box) return;
    box.h = y + BOX_PAD - 4 - box.y;
    y += BOX_PAD + 4;
    box = null;
  };
  for (const row of rows) {
    const inBox = row.kind !== "loop" && row.group ? row.group : null;
    if (box && box.group !== inBox) closeBox();
    if (inBox && !box) {
      const failing = inBox.ops.filter((op) => fails.has(op.line_number)).length;
      box = { id: inBox.id, group: inBox, x: OP_X - BOX_INSET, y, w: OP_W + BOX_INSET + 10, h: 0,
        label: clip(inBox.loop, 44), times: `×${inBox.starts.length}`, ops: inBox.ops.length,
        failing, iterations: [] };
      boxes.push(box);
      y += BOX_HEAD;
    }
    if (row.kind === "op") {
      const f = fails.get(row.op.line_number) || [];
      if (box && row.iterStart) box.iterations.push({ n: row.iteration + 1, y, first: box.iterations.length === 0 });
      const indent = Math.min(row.depth, 4) * INDENT; // ops of a nested loop sit further in
      nodes.push({ kind: "op", id: row.op.id, op: row.op, x: OP_X + indent, y, w: OP_W - indent, h: OP_H,
        depth: row.depth,
        failing: f.length > 0, failures: f, conditional: row.op.certainty === "conditional",
        touches: touchedBy(row.op), ...opLabel(row.op, f, OP_W - indent) });
      y += ROW;
    } else if (row.kind === "loop") {
      const g = row.group;
      const failing = g.ops.filter((op) => fails.has(op.line_number)).length;
      const touches = g.touches || (g.touches = [...new Set(g.ops.flatMap(touchedBy))]);
      nodes.push({ kind: "loop", id: g.id, group: g, x: OP_X, y, w: OP_W, h: LOOP_H, failing: failing > 0,
        failingOps: failing, conditional: g.ops.every((op) => op.certainty === "conditional"),
        touches, count: g.ops.length, iterations: g.starts.length, ...loopLabel(g, failing) });
      y += LOOP_H + (ROW - OP_H);
    } else {
      nodes.push({ kind: "more", id: row.id, x: OP_X, y, w: OP_W, h: OP_H, count: row.count,
        touches: [], text: `… ${row.count.toLocaleString("en-US")} more op${row.count === 1 ? "" : "s"}`,
        title: "click to draw more" });
      y += ROW;
    }
  }
  closeBox();
  const resources = placeResources(graph, nodes);
  const byName = new Map(resources.map((r) => [r.id, r]));
  const edges = [];
  for (const node of nodes) {
    for (const name of node.touches) {
      const res = byName.get(name);
      if (res) edges.push({ from: node.id, to: name, failing: node.failing, d: edgePath(node, res) });
    }
  }
  const bottom = Math.max(y, ...resources.map((r) => r.y + r.h + TOP));
  const total = groups.reduce((n, g) => n + g.ops.length, 0);
  const drawn = nodes.reduce((n, node) => n + (node.kind === "op" ? 1 : 0), 0);
  return { width: OP_X + OP_W + 20, height: Math.ceil(bottom), total, drawn, groups, collapsed,
    nodes, boxes, resources, edges };
}
