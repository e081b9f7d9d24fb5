// The paths that reach each op of GraphView's drawing, and the lanes an `if` splits a
// run of ops into (plain data, no DOM).

const MAX_FORK_DEPTH = 6;

/** Split `text` at `sep` outside parentheses: "(a) or (b and c)" → ["(a)", "(b and c)"]. */
function splitTop(text, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "(") depth += 1;
    else if (c === ")") depth -= 1;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** "(a)" → "a", but "(a) and (b)" stays. */
function unwrap(text) {
  if (!text.startsWith("(") || !text.endsWith(")")) return text;
  let depth = 0;
  for (let i = 0; i < text.length - 1; i += 1) {
    depth += text[i] === "(" ? 1 : text[i] === ")" ? -1 : 0;
    if (depth === 0) return text; // the first "(" closes before the end
  }
  return text.slice(1, -1).trim();
}

/**
 * The paths that reach an op, as their conditions: an op reached by several paths has
 * "(c1) or (c2) or …" (cut after four: `cut`). null for an op every path reaches.
 */
export function pathsOf(op) {
  if (op?.certainty !== "conditional") return null;
  const parts = splitTop(String(op.condition || "?"), " or ").map(unwrap);
  return { paths: new Set(parts.filter((c) => c !== "…")), cut: parts.includes("…") };
}

export function union(sets) {
  if (sets.some((s) => s === null)) return null;
  const paths = new Set(sets.flatMap((s) => [...s.paths]));
  return { paths, cut: sets.some((s) => s.cut) };
}

/** The clauses ("a and b" → a, b) every one of `paths` has, in the first one's order. */
function commonClauses(paths) {
  const lists = [...paths].map((p) => splitTop(p, " and ").map(unwrap));
  if (!lists.length) return [];
  return lists[0].filter((c) => lists.every((l) => l.includes(c)));
}

function laneLabel(paths, parent) {
  const own = commonClauses(paths).filter((c) => !parent.includes(c));
  return own.length ? own.join(" and ") : [...paths][0] || "?";
}

/**
 * Blocks of `items` (each with `reach`: pathsOf or a union of them) where a run of
 * ops not every path reaches splits into lanes: the items whose paths overlap share a
 * lane (the two sides of an `if` reach disjoint paths), each lane's own items split
 * again the same way (nested ifs), and a lane for the paths that reach none of them is
 * added when some surely do (an `if` without `else`). `universe` is the paths of the
 * enclosing lane ({paths}) or, at the top, their number ({count}).
 * Returns items as they are and forks {kind: "fork", label, title, lanes: [{label,
 * title, blocks, empty}]}; a run that does not split (one lane, nothing skipped, or
 * conditions cut short) stays a plain run.
 */
export function branchBlocks(items, universe = {}, depth = 0) {
  const full = (reach) => reach === null
    || Boolean(universe.paths && [...universe.paths].every((p) => reach.paths.has(p)));
  const out = [];
  let run = [];
  const flush = () => {
    if (run.length) out.push(...fork(run, universe, depth));
    run = [];
  };
  for (const item of items) {
    if (full(item.reach)) { flush(); out.push(item); } else run.push(item);
  }
  flush();
  return out;
}

function fork(run, universe, depth) {
  // lanes: items joined when their paths overlap (union-find over path conditions)
  const laneOfPath = new Map();
  const lanes = [];
  const find = (lane) => { let l = lane; while (l.into) l = l.into; return l; };
  for (const item of run) {
    let lane = null;
    for (const p of item.reach.paths) {
      const other = laneOfPath.has(p) ? find(laneOfPath.get(p)) : null;
      if (!other || other === lane) continue;
      if (!lane) { lane = other; continue; }
      const [keep, drop] = lanes.indexOf(lane) < lanes.indexOf(other) ? [lane, other] : [other, lane];
      keep.items.push(...drop.items);
      drop.into = keep;
      lanes.splice(lanes.indexOf(drop), 1);
      lane = keep;
    }
    if (!lane) { lane = { items: [] }; lanes.push(lane); }
    lane.items.push(item);
    for (const p of item.reach.paths) laneOfPath.set(p, lane);
  }
  const reach = union(run.map((item) => item.reach));
  const missing = universe.paths ? [...universe.paths].filter((p) => !reach.paths.has(p)) : [];
  const skipped = !reach.cut && (universe.paths ? missing.length > 0
    : Number.isFinite(universe.count) && reach.paths.size < universe.count);
  if (depth >= MAX_FORK_DEPTH || reach.cut || (lanes.length < 2 && !skipped)) return run;
  const order = new Map(run.map((item, i) => [item, i]));
  const parent = commonClauses(universe.paths || (lanes.length > 1 ? reach.paths : []));
  const drawn = lanes.map((lane) => {
    lane.items.sort((a, b) => order.get(a) - order.get(b));
    const paths = union(lane.items.map((item) => item.reach)).paths;
    return { label: laneLabel(paths, parent), title: [...paths].join("\nor "), empty: false,
      blocks: branchBlocks(lane.items, { paths }, depth + 1) };
  });
  if (skipped) {
    const label = missing.length ? laneLabel(missing, parent) : "else";
    drawn.push({ label, title: missing.length ? missing.join("\nor ") : "the other paths", empty: true, blocks: [] });
  }
  return [{ kind: "fork", label: `if ${drawn[0].label}`, lanes: drawn,
    title: drawn.map((lane) => `${lane.label}${lane.empty ? " (no ops)" : ""}`).join("\n— or —\n") }];
}
