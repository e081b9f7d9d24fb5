import { describe, expect, it } from "vitest";
import graphView, { groupOps, varOf } from "../src/graph_view.js";
import { fixture, mount } from "./fake_model.js";

const state = () => ({ graph: fixture.graph, failures: fixture.failure_modes, selected_op: "" });

function bigGraph(n) {
  const operations = [];
  for (let i = 0; i < n; i += 1) {
    operations.push({
      id: `op_${i}`, line_number: 5 + (i % 4), column: 8, method_name: ["pick_up_tips", "aspirate", "dispense", "drop_tips"][i % 4],
      receiver_variable: "lh", arguments: {}, certainty: "always", condition: null,
      loop: i < n - 50 ? "for i in range(2500) @ 4" : null, resources: [`source[A${(i % 12) + 1}]`], volumes: [],
    });
  }
  return { protocol_fqn: "big", resources: fixture.graph.resources, operations, preconditions: [], execution_order: operations.map((o) => o.id) };
}

describe("GraphView", () => {
  it("lists resources and groups the loop's ops in execution order", () => {
    const { el } = mount(graphView, state());
    expect(el.querySelectorAll(".pg-res")).toHaveLength(4);
    expect(el.querySelectorAll(".pg-group")).toHaveLength(1);
    expect(el.querySelector(".pg-group-head").textContent).toContain("for col in range(1, 13) @ 3");
    const ops = [...el.querySelectorAll(".pg-op")];
    expect(ops).toHaveLength(48);
    expect(ops.map((o) => o.dataset.op).slice(0, 3)).toEqual(["op_0", "op_1", "op_2"]);
  });

  it("marks ops on a failing line red", () => {
    const { el } = mount(graphView, state());
    const failing = el.querySelectorAll(".pg-op.failing");
    expect(failing).toHaveLength(12);
    expect([...failing].every((o) => o.dataset.line === "7")).toBe(true);
  });

  it("shows the line of a clicked op and sets selected_op", () => {
    const { el, model } = mount(graphView, state());
    el.querySelector('[data-op="op_1"]').click();
    expect(model.get("selected_op")).toBe("op_1");
    const detail = el.querySelector(".pg-detail");
    expect(detail.textContent).toContain("line 7");
    expect(detail.textContent).toContain("insufficient_liquid");
    expect(el.querySelector('[data-op="op_1"]').classList.contains("selected")).toBe(true);
  });

  it("collapses and expands a group", () => {
    const { el } = mount(graphView, state());
    el.querySelector(".pg-group-head").click();
    expect(el.querySelectorAll(".pg-op")).toHaveLength(0);
    el.querySelector(".pg-group-head").click();
    expect(el.querySelectorAll(".pg-op")).toHaveLength(48);
  });

  it("renders a 10,000-op graph quickly by collapsing groups", () => {
    const t0 = performance.now();
    const { el, model } = mount(graphView, { graph: bigGraph(10000), failures: [], selected_op: "" });
    const elapsed = performance.now() - t0;
    console.log(`10,000-op graph rendered in ${elapsed.toFixed(0)} ms (jsdom)`);
    expect(elapsed).toBeLessThan(1500);
    expect(el.querySelectorAll(".pg-group")).toHaveLength(1);
    expect(el.querySelectorAll(".pg-op").length).toBeLessThanOrEqual(50);
    model.set("selected_op", "op_4000");
    expect(el.querySelector('[data-op="op_4000"]')).not.toBeNull();
    expect(el.querySelectorAll(".pg-op").length).toBeLessThan(4100);
  });

  it("groups consecutive ops of one loop and chunks long loose runs", () => {
    const op = (id, loop) => ({ id, loop, line_number: 1 });
    const groups = groupOps({ operations: [op("a", "L1"), op("b", "L1"), op("c", null), op("d", "L1"), op("e", "L2")] });
    expect(groups.map((g) => g.ops.map((o) => o.id).join(""))).toEqual(["ab", "c", "d", "e"]);
    const loose = groupOps({ operations: Array.from({ length: 450 }, (_, i) => op(`o${i}`, null)) });
    expect(loose.map((g) => g.ops.length)).toEqual([200, 200, 50]);
    expect(varOf("source[A1]")).toBe("source");
  });
});
