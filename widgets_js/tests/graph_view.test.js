import { describe, expect, it } from "vitest";
import graphView from "../src/graph_view.js";
import { fixture, mount } from "./fake_model.js";
import { bigGraph, branchyGraph } from "./graphs.js";

const state = (extra = {}) => ({ graph: fixture.graph, failures: fixture.failure_modes, selected_op: "", ...extra });
const [short] = fixture.failure_modes; // source[A1] holds 30 µL: column 1's aspirate only

describe("GraphView", () => {
  it("draws resources, ops and the edges between them in one SVG", () => {
    const { el } = mount(graphView, state());
    const svg = el.querySelector("svg.pg-svg");
    expect(svg.querySelectorAll(".pg-res")).toHaveLength(4);
    expect(svg.querySelector('.pg-res[data-res="source"]').textContent).toContain("PlateCarrier");
    const ops = [...svg.querySelectorAll(".pg-op")];
    expect(ops).toHaveLength(48);
    expect(ops.slice(0, 3).map((o) => o.dataset.op)).toEqual(["op_0", "op_1", "op_2"]);
    expect(svg.querySelectorAll("path.pg-edge")).toHaveLength(36);
    expect(svg.querySelector('.pg-edge[data-from="op_2"]').dataset.to).toBe("dest");
    expect(el.querySelector(".pg-counts").textContent).toBe("48 ops · 4 resources · 1 loop");
  });

  it("draws failing ops red with the failure message on hover", () => {
    const { el } = mount(graphView, state());
    const failing = [...el.querySelectorAll(".pg-op.failing")];
    expect(failing).toHaveLength(12);
    expect(failing.every((o) => o.dataset.line === "7")).toBe(true);
    expect(failing[0].querySelector("title").textContent).toContain("which holds 30 µL");
    expect(el.querySelectorAll(".pg-edge.failing")).toHaveLength(12);
  });

  it("draws only the ops a failure names red, and counts them", () => {
    const { el } = mount(graphView, state({ failures: [short], collapsed: [] }));
    expect([...el.querySelectorAll(".pg-op.failing")].map((o) => o.dataset.op)).toEqual(["op_1"]);
    expect(el.querySelector(".pg-failing").textContent).toBe("1 failing op");
    expect(el.querySelector(".pg-box-head .pg-fail-count").textContent).toBe("1 failing");
    expect(el.querySelectorAll(".pg-edge.failing")).toHaveLength(1);
  });

  it("draws a conditional op dashed with its condition on hover", () => {
    const graph = structuredClone(fixture.graph);
    Object.assign(graph.operations[2], { certainty: "conditional", condition: "volume > 200" });
    const { el } = mount(graphView, state({ graph }));
    const op = el.querySelector('[data-op="op_2"]');
    expect(op.classList.contains("conditional")).toBe(true);
    expect(op.querySelector("title").textContent).toContain("if volume > 200");
    expect(el.querySelectorAll(".pg-op.conditional")).toHaveLength(1);
  });

  it("draws the two sides of an if in lanes under a fork marker, their ops still clickable", () => {
    const graph = branchyGraph(2, [[8, null], [11, "volume > 300"], [12, "volume > 300"], [16, "volume <= 300"], [18, null]]);
    const { el, model } = mount(graphView, state({ graph, failures: [{ kind: "no_tips", line: 16, message: "no tips" }] }));
    const fork = el.querySelector(".pg-fork");
    expect(fork.querySelector(".pg-fork-label").textContent).toBe("if volume > 300");
    expect([...fork.querySelectorAll(".pg-lane-label")].map((t) => t.textContent)).toEqual(["volume > 300", "volume <= 300"]);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(5);
    const right = el.querySelector('[data-op="op_3"]');
    expect(right.classList.contains("failing")).toBe(true);
    expect(Number(right.querySelector("rect").getAttribute("x")))
      .toBeGreaterThan(Number(el.querySelector('[data-op="op_1"] rect').getAttribute("x")));
    right.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("selected_op")).toBe("op_3");
    expect(el.querySelector(".pg-detail").textContent).toContain("conditional: volume <= 300");
  });

  it("shows the line of a clicked op and sets selected_op", () => {
    const { el, model } = mount(graphView, state());
    el.querySelector('[data-op="op_1"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("selected_op")).toBe("op_1");
    const detail = el.querySelector(".pg-detail");
    expect(detail.textContent).toContain("line 7");
    expect(detail.textContent).toContain("insufficient_liquid");
    expect(el.querySelector('[data-op="op_1"]').classList.contains("selected")).toBe(true);
  });

  it("selects an op and collapses a loop from the keyboard", () => {
    const { el, model } = mount(graphView, state({ failures: [], collapsed: [] }));
    const op = el.querySelector('[data-op="op_5"]');
    expect(op.getAttribute("tabindex")).toBe("0");
    op.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(model.get("selected_op")).toBe("op_5");
    el.querySelector(".pg-box-head").dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    expect(model.get("collapsed")).toEqual(["op_0"]);
    expect(el.querySelector(".pg-loop").classList.contains("selected")).toBe(true);
  });

  it("collapses a loop's box to one ×N node and expands it again", () => {
    const { el, model } = mount(graphView, state({ failures: [], collapsed: [] }));
    el.querySelector(".pg-box-head").dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("collapsed")).toEqual(["op_0"]);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(0);
    const loop = el.querySelector(".pg-loop");
    expect(loop.textContent).toContain("×12");
    expect(el.querySelectorAll(".pg-edge")).toHaveLength(3);
    loop.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("collapsed")).toEqual([]);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(48);
  });

  it("starts a long loop collapsed, its failing iteration drawn and the others folded", () => {
    const { el, model } = mount(graphView, state({ failures: [short] })); // no trait yet: the default
    expect([...el.querySelectorAll(".pg-op")].map((o) => o.dataset.op)).toEqual(["op_0", "op_1", "op_2", "op_3"]);
    expect(el.querySelector(".pg-box").classList.contains("folded")).toBe(true);
    expect(el.querySelector(".pg-box-head").getAttribute("aria-expanded")).toBe("false");
    const fold = el.querySelector(".pg-fold");
    expect(fold.querySelector("text").textContent).toBe("… iterations 2–12: 44 ops, none failing");
    fold.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("collapsed")).toEqual([]);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(48);
  });

  it("expands the collapsed loop holding an op selected from outside", () => {
    const { el, model } = mount(graphView, state({ failures: [], collapsed: ["op_0"] }));
    expect(el.querySelectorAll(".pg-op")).toHaveLength(0);
    model.set("selected_op", "op_9");
    expect(model.get("collapsed")).toEqual([]);
    expect(el.querySelector('[data-op="op_9"]').classList.contains("selected")).toBe(true);
    expect(el.querySelector(".pg-detail").textContent).toContain("line 7");
  });

  it("dims the ops that do not touch a clicked resource", () => {
    const { el } = mount(graphView, state());
    el.querySelector('.pg-res[data-res="dest"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    const bright = [...el.querySelectorAll(".pg-op:not(.dim)")].map((o) => o.dataset.line);
    expect(bright).toHaveLength(12);
    expect(new Set(bright)).toEqual(new Set(["8"]));
    expect(el.querySelectorAll('.pg-edge.hot[data-to="dest"]')).toHaveLength(12);
  });

  it("keeps a 10,000-op graph bounded: a collapsed loop, then max_nodes rows and '… N more'", () => {
    const { el, model } = mount(graphView, state({ graph: bigGraph(10000), failures: [] }));
    expect(el.querySelectorAll(".pg-loop")).toHaveLength(1);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(50);
    el.querySelector(".pg-expand-all").click();
    expect(el.querySelectorAll(".pg-op")).toHaveLength(150);
    const more = el.querySelector(".pg-more");
    expect(more.querySelector("text").textContent).toBe("… 9,850 more ops");
    more.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(el.querySelectorAll(".pg-op")).toHaveLength(350);
    model.set("selected_op", "op_4000");
    expect(el.querySelector('[data-op="op_4000"]').classList.contains("selected")).toBe(true);
    expect(el.querySelectorAll(".pg-op").length).toBeLessThan(360);
    model.set("max_nodes", 20);
    expect(el.querySelectorAll(".pg-op")).toHaveLength(220 + 7);
  });

  it("detaches its listeners on cleanup", () => {
    const { model, cleanup } = mount(graphView, state());
    expect(model.listenerCount()).toBeGreaterThan(0);
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});
