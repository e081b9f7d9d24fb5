// The layout of GraphView's drawing: plain data in, positions out (no DOM), so it is
// tested on its own and stays linear in the number of ops.
//
// Resources sit in a lane on the left (`_graph_resources.js`), each with its parental
// chain as badges, placed next to the ops that touch them. Ops run top to bottom in
// execution order; consecutive ops of one loop (`_graph_groups.js`) sit in a labelled box
// (iterations numbered, nested loops inside it indented), which can collapse to one node
// "×N"; a collapsed loop with failing iterations keeps those drawn, the others folded
// into "… iterations a–b" rows. Only the ops a failure names (its `ops`) are red. Where
// an `if` splits the run, the ops of each side sit in lanes side by side under a fork
// marker, joining again at the next op every path reaches (`_graph_paths.js`). Edges go
// from an op (or a collapsed loop) to each resource it touches. At most `maxNodes` rows
// are drawn: the rest become one "… N more" node (with a window kept around the focused op).

import { defaultCollapsed, failuresByOp, groupOps, iterationsOf } from "./_graph_groups.js";
import { branchBlocks, pathsOf, union } from "./_graph_paths.js";
import { TOP, edgePath, placeResources } from "./_graph_resources.js";

export { FEW, SMALL, defaultCollapsed, failuresByLine, failuresByOp, groupOps, iterationsOf, loopParents,
  opsInOrder } from "./_graph_groups.js";
export { branchBlocks, pathsOf } from "./_graph_paths.js";
export { RES_H, RES_H_BARE, RES_W, RES_X, chainOf } from "./_graph_resources.js";

export const MAX_NODES = 150; // rows drawn before "… N more"
export const ROW = 26; // vertical pitch of an op row
export const OP_H = 20;
export const LOOP_H = 34;
export const OP_X = 330;
export const OP_W = 380;
export const BOX_HEAD = 24;
export const BOX_PAD = 8;
export const BOX_INSET = 30; // room left of the ops for the iteration numbers
export const INDENT = 16; // per level of a nested loop
export const FORK_H = 18; // the fork marker "◇ if …" above the lanes
export const LANE_HEAD = 16; // a lane's condition above its ops
export const LANE_GAP = 12;
export const MIN_LANE = 200; // lanes narrower than this widen the drawing instead
const LOOP_LANE = 300; // a lane holding a loop
const LANE_PAD = 6;
const CHAR_W = 6.8; // average width of a 12px UI character, for truncating labels
const BOLD_W = 7.4; // a bold 12px character (method names, loop counts)
const MONO_W = 7.4; // a 12px monospace character (loop labels), bold
const ARG_W = 6.7; // an 11px monospace character (arguments)
const MAX_OP_W = 1100; // the op column grows with the room there is, up to this
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

function touchedBy(op) {
  return [...new Set((op.resources || []).map(varOf))];
}

function opRows(g, ops, from, iteration) {
  return ops.map((op, k) => ({ kind: "op", op, group: g.loop ? g : null, iteration,
    depth: g.depths[from + k] || 0, iterStart: k === 0, count: 1 }));
}

/**
 * The rows before the cap: ops, collapsed loops (one row each). A collapsed loop with
 * failing ops keeps its failing iterations, the runs of others become "fold" rows.
 */
function rowsOf(groups, collapsed, fails) {
  const rows = [];
  for (const g of groups) {
    const iterations = iterationsOf(g);
    if (!(g.loop && collapsed.has(g.id))) {
      for (const it of iterations) rows.push(...opRows(g, it.ops, it.from, it.n));
      continue;
    }
    const failing = iterations.map((it) => it.ops.some((op) => fails.has(op.id)));
    if (!failing.some(Boolean)) {
      rows.push({ kind: "loop", group: g, count: g.ops.length });
      continue;
    }
    let fold = null;
    for (const it of iterations) {
      if (failing[it.n]) {
        fold = null;
        rows.push(...opRows(g, it.ops, it.from, it.n));
      } else if (fold) {
        fold.ops.push(...it.ops);
        fold.last = it.n;
        fold.count = fold.ops.length;
      } else {
        fold = { kind: "fold", group: g, id: `fold_${it.ops[0]?.id ?? g.id}`, ops: [...it.ops],
          first: it.n, last: it.n, count: it.ops.length };
        rows.push(fold);
      }
    }
  }
  return rows;
}

const opsOfRow = (r) => (r.kind === "op" ? [r.op] : r.kind === "fold" ? r.ops : r.kind === "loop" ? r.group.ops : []);

/** Keep the first `max` rows and a window around `focus`; hidden runs become "more" rows. */
function capRows(rows, max, focus) {
  const keep = new Uint8Array(rows.length);
  for (let i = 0; i < Math.min(max, rows.length); i += 1) keep[i] = 1;
  const fi = focus ? rows.findIndex((r) => opsOfRow(r).some((op) => op.id === focus)) : -1;
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
    const group = r.kind === "op" || r.kind === "fold" ? r.group : null; // the box it would sit in
    if (!hidden) hidden = { kind: "more", count: 0, rows: 0, group, id: `more_${i}` };
    hidden.count += r.count;
    hidden.rows += 1;
    if (hidden.group !== group) hidden.group = null;
  }
  if (hidden) out.push(hidden);
  return out;
}

function opLabel(op, fails, width, inLane) {
  const args = Object.values(op.arguments || {}).join(", ");
  const method = String(op.method_name || "?");
  const cond = op.certainty === "conditional" ? `if ${op.condition || "?"}` : "";
  const shown = inLane ? "" : clip(cond, 18); // a lane's header says it
  // the arguments take what the line number, the method and the condition leave
  const room = Math.floor((width - 42 - 6 - method.length * BOLD_W - 8 - shown.length * CHAR_W - 6) / ARG_W);
  return {
    line: `L${op.line_number}`, method, args: clip(args, room), fullArgs: args, cond: shown,
    title: [`${op.id} · line ${op.line_number}: ${op.receiver_variable || "lh"}.${method}(${args})`,
      op.loop ? `in ${op.loop}` : "", cond, ...fails.map((f) => f.message || f.kind)].filter(Boolean).join("\n"),
  };
}

function loopLabel(g, failing, width) {
  const counts = new Map();
  for (const op of g.ops) counts.set(op.method_name, (counts.get(op.method_name) || 0) + 1);
  const methods = [...counts.keys()].join(", ");
  const n = g.starts.length;
  const times = `×${n}`;
  return {
    text: clip(g.loop, Math.floor((width - 28 - times.length * BOLD_W - 12) / MONO_W)), times,
    sub: clip(`${g.ops.length} ops · ${methods}`,
      Math.floor((width - 28 - (failing ? `${failing} failing`.length * CHAR_W + 12 : 0)) / CHAR_W)),
    title: `${g.loop}: ${n} iteration${n === 1 ? "" : "s"}, ${g.ops.length} ops (${methods})${
      failing ? `\n${failing} failing ops` : ""}`,
  };
}

/** The paths that reach a row: an op's, a collapsed loop's or a fold's ops', none for "… N more". */
function reachOfRow(row) {
  if (row.kind === "op") return pathsOf(row.op);
  const ops = opsOfRow(row);
  if (!ops.length || ops.some((op) => op.certainty !== "conditional")) return null;
  return union(ops.map(pathsOf));
}

/** Rows outside a loop's box one by one, the rows of one box together. */
function itemsOf(rows) {
  const items = [];
  for (const row of rows) {
    const group = row.kind !== "loop" ? row.group : null;
    const last = items[items.length - 1];
    if (group && last?.kind === "box" && last.group === group) last.rows.push(row);
    else items.push(group ? { kind: "box", group, rows: [row] } : { kind: "row", row });
  }
  for (const item of items) {
    item.reach = item.kind === "box" ? union(item.rows.map(reachOfRow)) : reachOfRow(item.row);
  }
  return items;
}

/** Place `blocks` top to bottom in the column {x, w, top, lane} from `y`; returns the y below them. */
function place(blocks, col, y, ctx, box) {
  let at = y;
  for (const block of blocks) {
    if (block.kind === "fork") at = placeFork(block, col, at, ctx, box);
    else if (block.kind === "box") at = placeBox(block, col, at, ctx);
    else at = placeRow(block.row, col, at, ctx, box);
  }
  return at;
}

function push(ctx, list, thing) {
  ctx[list].push(thing);
  ctx.right = Math.max(ctx.right, thing.x + thing.w);
  return thing;
}

function placeRow(row, col, y, ctx, box) {
  if (row.kind === "op") {
    const f = ctx.fails.get(row.op.id) || [];
    const last = box?.iterations[box.iterations.length - 1];
    if (box && row.iterStart && !(last && last.y >= y)) { // lanes side by side number once
      box.iterations.push({ n: row.iteration + 1, y, first: box.iterations.length === 0 });
    }
    const indent = Math.min(row.depth, 4) * INDENT; // ops of a nested loop sit further in
    const w = col.w - indent;
    push(ctx, "nodes", { kind: "op", id: row.op.id, op: row.op, x: col.x + indent, y, w, h: OP_H,
      depth: row.depth,
      failing: f.length > 0, failures: f, conditional: row.op.certainty === "conditional",
      touches: touchedBy(row.op), ...opLabel(row.op, f, w, col.lane) });
    return y + ROW;
  }
  if (row.kind === "loop") {
    const g = row.group;
    const failing = g.ops.filter((op) => ctx.fails.has(op.id)).length;
    const touches = g.touches || (g.touches = [...new Set(g.ops.flatMap(touchedBy))]);
    push(ctx, "nodes", { kind: "loop", id: g.id, group: g, x: col.x, y, w: col.w, h: LOOP_H, failing: failing > 0,
      failingOps: failing, conditional: g.ops.every((op) => op.certainty === "conditional"),
      touches, count: g.ops.length, iterations: g.starts.length, ...loopLabel(g, failing, col.w) });
    return y + LOOP_H + (ROW - OP_H);
  }
  if (row.kind === "fold") {
    const its = row.first === row.last ? `iteration ${row.first + 1}` : `iterations ${row.first + 1}–${row.last + 1}`;
    const indent = Math.min(row.group.depths[0] || 0, 4) * INDENT;
    push(ctx, "nodes", { kind: "fold", id: row.id, group: row.group, ops: row.ops, x: col.x + indent, y,
      w: col.w - indent, h: OP_H, count: row.count, touches: [...new Set(row.ops.flatMap(touchedBy))],
      text: `… ${its}: ${row.count.toLocaleString("en-US")} op${row.count === 1 ? "" : "s"}, none failing`,
      title: `${row.group.loop}: ${its} folded (none of their ops fails); click to expand the loop` });
    return y + ROW;
  }
  push(ctx, "nodes", { kind: "more", id: row.id, x: col.x, y, w: col.w, h: OP_H, count: row.count,
    touches: [], text: `… ${row.count.toLocaleString("en-US")} more op${row.count === 1 ? "" : "s"}`,
    title: "click to draw more" });
  return y + ROW;
}

/**
 * A box's head: the label on the left, then "N failing" and "×N · M ops" on the right,
 * the label cut so that it ends before them (x of each text's right end, `labelMax` chars).
 */
export function boxHead(label, x, w, iterations, ops, failing) {
  const times = `×${iterations} · ${ops} op${ops === 1 ? "" : "s"}`;
  const timesRight = x + w - 8;
  const fail = failing ? `${failing} failing` : "";
  const failRight = timesRight - times.length * BOLD_W - 12;
  const labelEnd = (fail ? failRight - fail.length * BOLD_W : failRight + 12) - 12;
  const labelMax = Math.max(4, Math.floor((labelEnd - x - 8 - 2 * MONO_W) / MONO_W)); // "▾ " first
  return { label: clip(label, labelMax), fullLabel: label, times, timesRight, fail, failRight };
}

/** A loop's box: its rows inside, split into lanes where an `if` in the loop forks. */
function placeBox(block, col, y, ctx) {
  const g = block.group;
  const failing = g.ops.filter((op) => ctx.fails.has(op.id)).length;
  const frame = col.top ? { x: col.x - BOX_INSET, w: col.w + BOX_INSET + 10 } : { x: col.x - 2, w: col.w + 4 };
  const box = push(ctx, "boxes", { id: g.id, group: g, x: frame.x, y, w: frame.w, h: 0,
    times: `×${g.starts.length}`, ops: g.ops.length, failing, folded: ctx.collapsed.has(g.id), iterations: [] });
  const inner = { x: frame.x + BOX_INSET, w: frame.w - BOX_INSET - 10, top: false, lane: col.lane };
  const universe = block.reach && !block.reach.cut ? { paths: block.reach.paths } : ctx.universe;
  const items = block.rows.map((row) => ({ kind: "row", row, reach: reachOfRow(row) }));
  const outer = ctx.right;
  ctx.right = 0;
  const end = place(branchBlocks(items, universe), inner, y + BOX_HEAD, ctx, box);
  box.w = Math.max(box.w, ctx.right + 10 - box.x); // lanes inside may be wider
  Object.assign(box, { head: boxHead(g.loop, box.x, box.w, g.starts.length, g.ops.length, failing) });
  box.label = box.head.label;
  ctx.right = Math.max(outer, box.x + box.w);
  box.h = end + BOX_PAD - 4 - box.y;
  return end + BOX_PAD + 4;
}

/** A fork: a marker with the condition, then one lane per side, each as wide as it needs. */
function placeFork(block, col, y, ctx, box) {
  const n = block.lanes.length;
  const lw = Math.max(MIN_LANE, Math.floor((col.w - LANE_GAP * (n - 1)) / n));
  const fork = { x: col.x, y, w: 0, h: 0, label: block.label, title: block.title, lanes: [] };
  ctx.forks.push(fork);
  const top = y + FORK_H;
  let bottom = top + LANE_HEAD + ROW; // an empty lane still shows "no ops"
  let x = col.x;
  const outer = ctx.right;
  for (const lane of block.lanes) {
    const loops = lane.blocks.some((b) => b.kind === "box" || b.row?.kind === "loop");
    const want = loops ? Math.max(lw, LOOP_LANE) : lw;
    ctx.right = x + want;
    const inner = { x: x + LANE_PAD, w: want - 2 * LANE_PAD, top: false, lane: true };
    const end = lane.empty ? top + LANE_HEAD + ROW : place(lane.blocks, inner, top + LANE_HEAD, ctx, box);
    const w = Math.max(want, ctx.right + LANE_PAD - x);
    fork.lanes.push({ x, y: top, w, h: 0, label: clip(lane.label, Math.floor((w - 12) / CHAR_W)),
      title: lane.title, empty: lane.empty });
    bottom = Math.max(bottom, end);
    x += w + LANE_GAP;
  }
  for (const lane of fork.lanes) lane.h = bottom - top;
  fork.w = x - LANE_GAP - col.x;
  fork.h = bottom - y;
  fork.label = clip(block.label, Math.floor((fork.w - 24) / CHAR_W));
  ctx.right = Math.max(outer, col.x + fork.w);
  return bottom + (ROW - OP_H);
}

/**
 * Positions of everything drawn.
 *
 * @param graph {protocol_fqn, resources, operations, execution_order, paths}
 * @param failures failure modes; the ops each names (`ops`, else every op on its line) fail
 * @param options {collapsed: ids of collapsed loop groups (default: defaultCollapsed),
 *   maxNodes: rows drawn before "… N more", focus: an op id kept visible,
 *   width: the room there is (px): the op column grows into it}
 * @returns {width, height, total, drawn, failing (ids of failing ops), groups, nodes,
 *   boxes, forks, resources, edges}
 */
export function layoutGraph(graph, failures = [], options = {}) {
  const groups = groupOps(graph);
  const fails = failuresByOp(failures, groups.flatMap((g) => g.ops));
  const collapsed = new Set(options.collapsed ?? defaultCollapsed(groups));
  const maxNodes = Math.max(1, options.maxNodes ?? MAX_NODES);
  const rows = capRows(rowsOf(groups, collapsed, fails), maxNodes, options.focus || null);
  const universe = { count: Number(graph?.paths) || null };
  const opW = Math.max(OP_W, Math.min(MAX_OP_W, Math.floor((Number(options.width) || 0) - OP_X - 20)));
  const ctx = { fails, collapsed, universe, nodes: [], boxes: [], forks: [], right: OP_X + opW };
  const y = place(branchBlocks(itemsOf(rows), universe), { x: OP_X, w: opW, top: true, lane: false }, TOP, ctx, null);
  const { nodes, boxes, forks } = ctx;
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
  const known = new Set(groups.flatMap((g) => g.ops.map((op) => op.id)));
  const failing = [...fails.keys()].filter((id) => known.has(id));
  return { width: Math.ceil(Math.max(OP_X + opW + 20, ctx.right + 10)), height: Math.ceil(bottom), total, drawn, failing, groups, collapsed,
    nodes, boxes, forks, resources, edges };
}
