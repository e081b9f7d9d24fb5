// Graphs shared by the GraphView tests.
import { fixture } from "./fake_model.js";

const METHODS = ["pick_up_tips", "aspirate", "dispense", "drop_tips"];

/** `n` ops cycling through four lines; the first `inLoop` of them inside one loop. */
export function bigGraph(n, inLoop = n - 50) {
  const operations = Array.from({ length: n }, (_, i) => ({
    id: `op_${i}`, line_number: 5 + (i % 4), column: 8, method_name: METHODS[i % 4],
    receiver_variable: "lh", arguments: {}, certainty: "always", condition: null,
    loop: i < inLoop ? "for i in range(2500) @ 4" : null, resources: [`source[A${(i % 12) + 1}]`], volumes: [],
  }));
  return { protocol_fqn: "big", resources: fixture.graph.resources, operations,
    preconditions: [], execution_order: operations.map((o) => o.id) };
}

/**
 * A nested loop: `for col` (header line 6) picks up a tip (line 7), then `for row`
 * (line 8) aspirates and dispenses per row (lines 9, 10), then discards (line 11);
 * with `tail`, the outer loop's own ops come after the inner loop only.
 */
export function nestedGraph(cols = 12, rows = 8, tail = false) {
  const operations = [];
  const add = (line, method, loop, key) => operations.push({
    id: `op_${operations.length}`, line_number: line, column: 8, method_name: method, receiver_variable: "lh",
    arguments: {}, certainty: "always", condition: null, loop, resources: key ? [key] : [], volumes: [] });
  const outer = "for col in range(1, 13) @ 6";
  const inner = 'for row in "ABCDEFGH" @ 8';
  for (let c = 1; c <= cols; c += 1) {
    if (!tail) add(7, "pick_up_tips", outer, `tips[A${c}]`);
    for (let r = 0; r < rows; r += 1) {
      add(9, "aspirate", inner, `plate[${"ABCDEFGH"[r]}${c}]`);
      add(10, "dispense", inner, `plate[${"ABCDEFGH"[r]}${c}]`);
    }
    add(11, "discard_tips", outer, null);
  }
  return { protocol_fqn: "nested", resources: fixture.graph.resources, operations,
    preconditions: [], execution_order: operations.map((o) => o.id) };
}

/**
 * A graph of `paths` traced paths from [line, condition] pairs (null: every path
 * reaches the op), optionally all inside the loop `loop`.
 */
export function branchyGraph(paths, rows, loop = null) {
  const operations = rows.map(([line, condition, method = "aspirate"], i) => ({
    id: `op_${i}`, line_number: line, column: 8, method_name: method, receiver_variable: "lh",
    arguments: { vols: "[100]" }, certainty: condition ? "conditional" : "always", condition, loop,
    resources: [`source[A${i + 1}]`], volumes: [] }));
  return { protocol_fqn: "branchy", resources: fixture.graph.resources, operations, paths,
    preconditions: [], execution_order: operations.map((o) => o.id) };
}
