// GraphView's loop groups, from the ops alone (no DOM): consecutive ops of one outermost
// loop form a group with its iterations; which loops start collapsed; which ops fail.
// ``praxis_lab/widgets/graph_view.py`` mirrors groupOps and defaultCollapsed.

export const SMALL = 60; // graphs with more ops than this start with their loops collapsed
export const FEW = 4; // loops of more iterations than this start collapsed

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

/**
 * The loops collapsed when nothing says otherwise: those of more than FEW iterations, and
 * every loop of more than one op in graphs of more than SMALL ops.
 */
export function defaultCollapsed(groups) {
  const total = groups.reduce((n, g) => n + g.ops.length, 0);
  return groups.filter((g) => g.loop && g.ops.length > 1 && (total > SMALL || g.starts.length > FEW))
    .map((g) => g.id);
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

/**
 * The failures of each op: Map(op id → [failure, ...]). A failure names the ops that fail
 * (`ops`: one iteration of a loop, not all of them); one without `ops` marks every op on
 * its line.
 */
export function failuresByOp(failures, ops) {
  const map = new Map();
  const add = (id, f) => { if (!map.has(id)) map.set(id, []); map.get(id).push(f); };
  const byLine = new Map();
  for (const f of failures || []) {
    if (Array.isArray(f?.ops) && f.ops.length) {
      for (const id of f.ops) add(id, f);
    } else if (f?.line !== undefined && f?.line !== null) {
      if (!byLine.has(f.line)) byLine.set(f.line, []);
      byLine.get(f.line).push(f);
    }
  }
  if (byLine.size) {
    for (const op of ops) for (const f of byLine.get(op.line_number) || []) add(op.id, f);
  }
  return map;
}

/** The iterations of a loop group: [{n (0-based), ops: [...], from (index in g.ops)}]. */
export function iterationsOf(g) {
  return g.starts.map((from, n) => ({ n, from, ops: g.ops.slice(from, g.starts[n + 1] ?? g.ops.length) }));
}
