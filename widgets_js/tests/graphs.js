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
