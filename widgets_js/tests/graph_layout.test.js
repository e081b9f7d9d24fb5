import { describe, expect, it } from "vitest";
import {
  FEW, INDENT, MAX_NODES, OP_H, OP_W, OP_X, RES_X, boxHead, chainOf, defaultCollapsed, failuresByOp, groupOps, layoutGraph,
  loopParents, opsInOrder, pathsOf, varOf,
} from "../src/_graph_layout.js";
import { fixture } from "./fake_model.js";
import { bigGraph, branchyGraph, nestedGraph } from "./graphs.js";

const ops = (layout) => layout.nodes.filter((n) => n.kind === "op");
const hiddenOps = (layout) => layout.nodes.filter((n) => n.kind === "more").reduce((k, n) => k + n.count, 0);

describe("layoutGraph", () => {
  const layout = layoutGraph(fixture.graph, fixture.failure_modes, { collapsed: [] });
  const [short] = fixture.failure_modes; // source[A1] holds 30 µL: column 1's aspirate fails

  it("stacks the ops top to bottom in execution order, right of the resource lane", () => {
    expect(ops(layout).map((n) => n.id)).toEqual(fixture.graph.execution_order);
    const ys = ops(layout).map((n) => n.y);
    expect(ys.every((y, i) => i === 0 || y > ys[i - 1])).toBe(true);
    expect(ops(layout).every((n) => n.x === OP_X)).toBe(true);
    expect(layout.resources.map((r) => r.id)).toEqual(["lh", "tips", "source", "dest"]);
    expect(layout.resources.every((r) => r.x === RES_X && r.x + r.w < OP_X)).toBe(true);
    const bottoms = layout.resources.map((r) => r.y + r.h);
    expect(layout.resources.slice(1).every((r, i) => r.y >= bottoms[i])).toBe(true);
    expect(layout.height).toBeGreaterThanOrEqual(Math.max(...ys) + 20);
  });

  it("shows each resource's parental chain as badges, element first", () => {
    const source = layout.resources.find((r) => r.id === "source");
    expect(source.badges.map((b) => b.text)).toEqual(["Well", "Plate", "PlateCarrier", "Deck"]);
    expect(source.badges.every((b, i) => i === 0 || b.x > source.badges[i - 1].x + source.badges[i - 1].w)).toBe(true);
    expect(chainOf({ declared_type: "list[Well]", element_type: "Well", parental_chain: ["Plate", "Deck"] }))
      .toEqual(["Well", "Plate", "Deck"]);
    expect(layout.resources.find((r) => r.id === "lh").badges).toEqual([]);
  });

  it("draws an edge from each op to every resource it touches, red from failing ops", () => {
    expect(layout.edges).toHaveLength(36);
    const fromAspirate = layout.edges.filter((e) => e.from === "op_1");
    expect(fromAspirate.map((e) => [e.to, e.failing])).toEqual([["source", true]]);
    expect(layout.edges.some((e) => e.from === "op_3")).toBe(false); // discard_tips touches nothing
    const node = ops(layout).find((n) => n.id === "op_2");
    const dest = layout.resources.find((r) => r.id === "dest");
    const edge = layout.edges.find((e) => e.from === "op_2");
    expect(edge.d.startsWith(`M${node.x} ${node.y + node.h / 2} `)).toBe(true);
    expect(edge.d.endsWith(` ${dest.x + dest.w} ${dest.y + dest.h / 2}`)).toBe(true);
  });

  it("marks failing ops with their failures and conditional ops with their condition", () => {
    const failing = ops(layout).filter((n) => n.failing);
    expect(failing).toHaveLength(12);
    expect(failing[0].failures.map((f) => f.kind)).toEqual(["insufficient_liquid", "tip_volume_exceeded"]);
    expect(failing[0].title).toContain("which holds 30 µL");
    expect(layout.failing).toHaveLength(12);
    const graph = structuredClone(fixture.graph);
    Object.assign(graph.operations[2], { certainty: "conditional", condition: "volume > 200" });
    const node = ops(layoutGraph(graph, [], { collapsed: [] })).find((n) => n.id === "op_2");
    expect([node.conditional, node.cond, node.failing]).toEqual([true, "if volume > 200", false]);
    expect(node.title).toContain("if volume > 200");
  });

  it("marks only the ops a failure names, not every op on its line", () => {
    const one = layoutGraph(fixture.graph, [short], { collapsed: [] });
    expect(ops(one).filter((n) => n.failing).map((n) => n.id)).toEqual(["op_1"]);
    expect(one.failing).toEqual(["op_1"]);
    expect(one.boxes[0].failing).toBe(1);
    expect(one.boxes[0].head.fail).toBe("1 failing");
    expect(one.edges.filter((e) => e.failing).map((e) => e.from)).toEqual(["op_1"]);
    const byLine = { ...short, ops: undefined }; // a failure that does not name its ops
    expect(layoutGraph(fixture.graph, [byLine], { collapsed: [] }).failing).toHaveLength(12);
    expect([...failuresByOp([{ line: 7, ops: ["op_5"] }], fixture.graph.operations).keys()]).toEqual(["op_5"]);
  });

  it("gives the op column the width there is, and the arguments with it", () => {
    const op = (l) => ops(l).find((n) => n.id === "op_1");
    const wide = layoutGraph(fixture.graph, [], { collapsed: [], width: 1100 });
    expect(op(wide).w).toBe(1100 - OP_X - 20);
    expect(op(layout).w).toBe(OP_W); // no width given: the narrowest
    expect(wide.width).toBeLessThanOrEqual(1100);
    const graph = structuredClone(fixture.graph);
    graph.operations[1].arguments = { resources: "[plate[A1], plate[B1], plate[C1], plate[D1], plate[E1], plate[F1]]",
      vols: "[40, 40, 40, 40, 40, 40]" };
    const full = Object.values(graph.operations[1].arguments).join(", ");
    const narrow = op(layoutGraph(graph, [], { collapsed: [] }));
    expect(narrow.args.endsWith("…")).toBe(true);
    expect(narrow.title).toContain(full); // the whole text on hover
    expect(op(layoutGraph(graph, [], { collapsed: [], width: 1100 })).args).toBe(full);
  });

  it("keeps a box's label clear of its counts", () => {
    const head = boxHead("for col in range(1, columns + 1) @ 4", 300, 414, 6, 24, 6);
    expect(head.label.endsWith("…")).toBe(true);
    const labelEnd = 300 + 8 + (head.label.length + 2) * 7.4;
    const failStart = head.failRight - head.fail.length * 7.4;
    expect(labelEnd).toBeLessThan(failStart);
    expect(failStart).toBeLessThan(head.timesRight - head.times.length * 7.4);
    expect(boxHead("for col in range(1, columns + 1) @ 4", 300, 700, 6, 24, 6).label).toBe(
      "for col in range(1, columns + 1) @ 4");
  });

  it("boxes a loop's ops with its label and numbers its iterations", () => {
    expect(layout.boxes).toHaveLength(1);
    const [box] = layout.boxes;
    expect([box.label, box.times, box.ops, box.failing]).toEqual(["for col in range(1, 13) @ 3", "×12", 48, 12]);
    expect(box.iterations.map((it) => it.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(ops(layout).every((n) => n.y > box.y && n.y + n.h < box.y + box.h && n.x > box.x)).toBe(true);
    const fifth = ops(layout).find((n) => n.id === "op_4");
    expect(box.iterations[1].y).toBe(fifth.y);
  });

  it("collapses a loop to one node ×N that keeps the loop's edges", () => {
    const folded = layoutGraph(fixture.graph, [], { collapsed: ["op_0"] });
    expect(ops(folded)).toHaveLength(0);
    expect(folded.boxes).toHaveLength(0);
    const [loop] = folded.nodes;
    expect([loop.kind, loop.times, loop.count, loop.failingOps]).toEqual(["loop", "×12", 48, 0]);
    expect(folded.edges.map((e) => e.to).sort()).toEqual(["dest", "source", "tips"]);
    expect(folded.height).toBeLessThan(layout.height / 5);
  });

  it("keeps a collapsed loop's failing iterations drawn and folds the others", () => {
    const folded = layoutGraph(fixture.graph, [short], { collapsed: ["op_0"] });
    expect(ops(folded).map((n) => n.id)).toEqual(["op_0", "op_1", "op_2", "op_3"]);
    expect(ops(folded).filter((n) => n.failing).map((n) => n.id)).toEqual(["op_1"]);
    const [fold] = folded.nodes.filter((n) => n.kind === "fold");
    expect([fold.count, fold.text]).toEqual([44, "… iterations 2–12: 44 ops, none failing"]);
    const [box] = folded.boxes;
    expect([box.folded, box.failing, box.iterations.map((it) => it.n)]).toEqual([true, 1, [1]]);
    expect(folded.edges.filter((e) => e.from === fold.id).map((e) => e.to).sort()).toEqual(["dest", "source", "tips"]);
    const last = { ...short, ops: ["op_45"] }; // the 12th iteration: 11 folded before it
    const tail = layoutGraph(fixture.graph, [last], { collapsed: ["op_0"] });
    expect(tail.nodes.map((n) => n.kind)).toEqual(["fold", "op", "op", "op", "op"]);
    expect(tail.boxes[0].iterations.map((it) => it.n)).toEqual([12]);
  });

  it("starts with loops of more than a few iterations collapsed, and every loop above 60 ops", () => {
    expect(defaultCollapsed(groupOps(fixture.graph))).toEqual(["op_0"]); // 12 iterations
    const few = { operations: fixture.graph.operations.slice(0, 4 * FEW) };
    expect(defaultCollapsed(groupOps(few))).toEqual([]);
    const more = { operations: fixture.graph.operations.slice(0, 4 * FEW + 4) };
    expect(defaultCollapsed(groupOps(more))).toEqual(["op_0"]);
    expect(defaultCollapsed(groupOps(bigGraph(61, 61)))).toEqual(["op_0"]);
    expect(layoutGraph(bigGraph(10000), []).nodes.filter((n) => n.kind === "loop")).toHaveLength(1);
  });

  it("splits iterations where the line goes back, not between two calls on one line", () => {
    const op = (id, line, column) => ({ id, line_number: line, column, loop: "for x in xs @ 2", method_name: "m" });
    const graph = { operations: [op("a", 3, 4), op("b", 3, 20), op("c", 4, 4), op("d", 3, 4), op("e", 4, 4),
      { id: "f", line_number: 9, column: 0, loop: null }, op("g", 3, 4)] };
    const groups = groupOps(graph);
    expect(groups.map((g) => [g.id, g.ops.length, g.starts])).toEqual([["a", 5, [0, 3]], ["f", 1, [0]], ["g", 1, [0]]]);
    expect(varOf("source[A1]")).toBe("source");
  });

  it("folds ops in a row from one call site outside any loop into a 'repeated' group", () => {
    const op = (id, line, method) => ({ id, line_number: line, column: 4, method_name: method, loop: null, resources: ["tips[A1]"] });
    const graph = { resources: {}, operations: [
      ...Array.from({ length: 96 }, (_, i) => op(`s${i}`, 26, "set_tip")),
      op("a", 28, "pick_up_tips"), op("b", 29, "aspirate"), op("c", 29, "aspirate")] };
    const groups = groupOps(graph);
    expect(groups.map((g) => [g.id, g.loop, g.ops.length, g.starts.length])).toEqual([
      ["s0", "set_tip repeated at line 26", 96, 96], ["a", null, 1, 1], ["b", "aspirate repeated at line 29", 2, 2]]);
    const folded = layoutGraph(graph, []);
    expect(folded.nodes.map((n) => [n.kind, n.times ?? n.id])).toEqual([["loop", "×96"], ["op", "a"], ["loop", "×2"]]);
    expect(folded.edges.filter((e) => e.to === "tips")).toHaveLength(3);
  });

  it("keeps a nested loop inside its outer loop's box, its ops indented", () => {
    const graph = nestedGraph();
    expect([...loopParents(opsInOrder(graph))]).toEqual([['for row in "ABCDEFGH" @ 8', "for col in range(1, 13) @ 6"]]);
    const [group, ...others] = groupOps(graph);
    expect(others).toEqual([]);
    expect([group.ops.length, group.starts.length, group.starts[1]]).toEqual([216, 12, 18]);
    const drawn = layoutGraph(graph, [], { collapsed: [], maxNodes: 18 });
    expect(drawn.boxes).toHaveLength(1);
    expect(ops(drawn).map((n) => n.x - OP_X)).toEqual([0, ...Array(16).fill(INDENT), 0]);
    const folded = layoutGraph(graph, []);
    expect(folded.nodes.map((n) => [n.kind, n.times])).toEqual([["loop", "×12"]]);
  });

  it("starts an iteration at the nested loop when the outer loop's own ops come last", () => {
    const [group] = groupOps(nestedGraph(3, 2, true));
    expect([group.ops.length, group.starts]).toEqual([15, [0, 5, 10]]);
  });

  it("keeps two loops one after the other apart", () => {
    const graph = structuredClone(fixture.graph);
    graph.operations.forEach((op, i) => { if (i >= 24) op.loop = "for col in range(7, 13) @ 12"; });
    expect(groupOps(graph).map((g) => [g.id, g.ops.length, g.starts.length])).toEqual([["op_0", 24, 6], ["op_24", 24, 6]]);
  });

  it("draws at most maxNodes rows of a 10,000-op graph and counts the rest in one node", () => {
    for (const graph of [bigGraph(10000, 0), bigGraph(10000)]) {
      const big = layoutGraph(graph, fixture.failure_modes, { collapsed: [] });
      expect(ops(big)).toHaveLength(MAX_NODES);
      const more = big.nodes.filter((n) => n.kind === "more");
      expect(more.map((n) => n.text)).toEqual([`… ${(10000 - MAX_NODES).toLocaleString("en-US")} more ops`]);
      expect(ops(big).length + hiddenOps(big)).toBe(10000);
      expect(big.height).toBeLessThan((MAX_NODES + 4) * 30);
      expect(big.edges.length).toBeLessThanOrEqual(MAX_NODES);
    }
  });

  it("keeps a window around the focused op beyond the cap, with the hidden ops counted either side", () => {
    const big = layoutGraph(bigGraph(10000), [], { collapsed: [], maxNodes: 40, focus: "op_4000" });
    const ids = big.nodes.map((n) => n.id);
    expect(ids).toContain("op_4000");
    expect(big.nodes.filter((n) => n.kind === "more")).toHaveLength(2);
    expect(ops(big)).toHaveLength(40 + 7);
    expect(ops(big).length + hiddenOps(big)).toBe(10000);
    const focus = big.nodes.find((n) => n.id === "op_4000");
    const [box] = big.boxes;
    expect(focus.y).toBeLessThan(box.y + box.h); // still inside the loop's box
  });

  it("adds a node for labware an op touches that is not a declared resource", () => {
    const graph = structuredClone(fixture.graph);
    graph.operations[1].resources = ["plate_01[A1]"];
    const placed = layoutGraph(graph, [], { collapsed: [] });
    const found = placed.resources.find((r) => r.id === "plate_01");
    expect(found.type).toBe("not a declared resource");
    expect(placed.edges.filter((e) => e.to === "plate_01").map((e) => e.from)).toEqual(["op_1"]);
  });
});

describe("layoutGraph: the sides of an if in lanes", () => {
  const node = (layout, id) => layout.nodes.find((n) => n.id === id);
  const inside = (n, box) => n.x >= box.x && n.x + n.w <= box.x + box.w && n.y >= box.y && n.y + n.h <= box.y + box.h;
  /** Per fork: the ids of the ops drawn in each lane (a nested fork's ops count for its lane too). */
  const lanes = (layout) => layout.forks.map((fork) => fork.lanes.map(
    (lane) => ops(layout).filter((n) => inside(n, lane)).map((n) => n.id)));
  const labels = (layout) => layout.forks.map((fork) => [fork.label, ...fork.lanes.map((l) => l.label)]);

  it("draws the two sides of an if next to each other, joining at the next op every path reaches", () => {
    const layout = layoutGraph(branchyGraph(2, [
      [8, null, "pick_up_tips"], [11, "volume > 300"], [12, "volume > 300"], [16, "volume <= 300"], [18, null, "drop_tips"]]), []);
    expect(lanes(layout)).toEqual([[["op_1", "op_2"], ["op_3"]]]);
    expect(labels(layout)).toEqual([["if volume > 300", "volume > 300", "volume <= 300"]]);
    const [fork] = layout.forks;
    const [left, right] = fork.lanes;
    expect(right.x).toBeGreaterThan(left.x + left.w);
    expect(node(layout, "op_3").y).toBe(node(layout, "op_1").y);
    expect(node(layout, "op_0").y + OP_H).toBeLessThanOrEqual(fork.y);
    expect(node(layout, "op_4").y).toBeGreaterThanOrEqual(fork.y + fork.h);
    expect(node(layout, "op_4").x).toBe(OP_X);
    expect(layout.width).toBeGreaterThanOrEqual(right.x + right.w);
    const op3 = node(layout, "op_3");
    expect([op3.conditional, op3.cond, op3.title.includes("if volume <= 300")]).toEqual([true, "", true]);
    expect(layout.edges.find((e) => e.from === "op_3").d.startsWith(`M${op3.x} `)).toBe(true);
  });

  it("gives an if without else an empty lane for the paths that skip it", () => {
    const layout = layoutGraph(branchyGraph(2, [[8, null], [11, "volume > 300"], [18, null]]), []);
    expect(lanes(layout)).toEqual([[["op_1"], []]]);
    expect(layout.forks[0].lanes.map((l) => [l.label, l.empty])).toEqual([["volume > 300", false], ["else", true]]);
  });

  it("splits a lane again for an if nested in one side, labelled by the clause that differs", () => {
    const [a, b, c] = ["v > 300 and n > 2", "v > 300 and n <= 2", "v <= 300"];
    const layout = layoutGraph(branchyGraph(3, [
      [8, null], [10, `(${a}) or (${b})`], [12, a], [14, b], [15, `(${a}) or (${b})`], [17, c], [19, null]]), []);
    expect(lanes(layout)).toEqual([[["op_1", "op_2", "op_3", "op_4"], ["op_5"]], [["op_2"], ["op_3"]]]);
    expect(labels(layout)).toEqual([["if v > 300", "v > 300", "v <= 300"], ["if n > 2", "n > 2", "n <= 2"]]);
    const [outer, inner] = layout.forks;
    expect(inside(inner, outer.lanes[0])).toBe(true);
    expect(outer.lanes[1].x).toBeGreaterThan(inner.x + inner.w);
    expect(node(layout, "op_4").y).toBeGreaterThanOrEqual(inner.y + inner.h);
  });

  it("forks inside a loop's box once per iteration, keeping the iterations numbered", () => {
    const loop = "for i in range(2) @ 3";
    const rows = [[4, null, "pick_up_tips"], [6, "volume > 300"], [8, "volume <= 300", "dispense"], [9, null, "drop_tips"]];
    const layout = layoutGraph(branchyGraph(2, [...rows, ...rows], loop), []);
    expect(lanes(layout)).toEqual([[["op_1"], ["op_2"]], [["op_5"], ["op_6"]]]);
    const [box] = layout.boxes;
    expect(box.iterations.map((it) => it.n)).toEqual([1, 2]);
    expect(layout.forks.every((fork) => inside(fork, box))).toBe(true);
    expect(ops(layout).every((n) => inside(n, box))).toBe(true);
    expect(ops(layout)).toHaveLength(8);
  });

  it("puts a loop that only one side runs in that side's lane, expanded or collapsed", () => {
    const graph = branchyGraph(2, [[8, null], [11, "n >= 2"], [12, "n >= 2"], [11, "n >= 2"], [12, "n >= 2"], [14, "n < 2"], [16, null]]);
    graph.operations.slice(1, 5).forEach((op) => { op.loop = "for col in range(2) @ 10"; });
    const drawn = layoutGraph(graph, [], { collapsed: [] });
    expect(lanes(drawn)).toEqual([[["op_1", "op_2", "op_3", "op_4"], ["op_5"]]]);
    expect(inside(drawn.boxes[0], drawn.forks[0].lanes[0])).toBe(true);
    const folded = layoutGraph(graph, [], { collapsed: ["op_1"] });
    const loop = folded.nodes.find((n) => n.kind === "loop");
    expect(inside(loop, folded.forks[0].lanes[0])).toBe(true);
    expect(lanes(folded)).toEqual([[[], ["op_5"]]]);
  });

  it("keeps ops whose conditions are cut short in one column, and loses no op either way", () => {
    const cut = "(n > 0 and n <= 8) or (n > 8 and n <= 16) or (n > 16 and n <= 24) or (n > 24 and n <= 32) or …";
    const layout = layoutGraph(branchyGraph(9, [[4, null], [5, cut], [6, "n > 8 and n <= 16"], [7, null]]), []);
    expect(layout.forks).toEqual([]);
    expect(ops(layout).map((n) => n.x)).toEqual([OP_X, OP_X, OP_X, OP_X]);
    expect(pathsOf({ certainty: "conditional", condition: cut }).cut).toBe(true);
    expect([...pathsOf({ certainty: "conditional", condition: "(a and (b or c)) or (not (d))" }).paths])
      .toEqual(["a and (b or c)", "not (d)"]);
    const capped = layoutGraph(branchyGraph(2, Array.from({ length: 40 }, (_, i) => [10 + i, i % 2 ? "x > 1" : "x <= 1"])),
      [], { maxNodes: 15 });
    expect(ops(capped).length + hiddenOps(capped)).toBe(40);
  });
});
