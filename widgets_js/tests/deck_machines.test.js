import { describe, expect, it } from "vitest";
import deckView from "../src/deck_view.js";
import { machineBoxes, movesText, placesAt } from "../src/_deck_machines.js";
import { mount } from "./fake_model.js";

// A plate on a carrier site, a heater shaker and a plate reader beside the deck, a
// centrifuge nowhere on it; the plate goes to the shaker, the reader, then the centrifuge.
const wells = ["A1", "B1"].map((w, i) => ({
  name: `plate_well_${w}`, key: `plate[${w}]`, parent: "plate", category: "well", type: "Well",
  x: 410, y: 140 - i * 9, size_x: 6.9, size_y: 6.9, max_volume: 360, volume: 100,
}));
const layout = {
  deck: { type: "STARLetDeck", name: "deck", kind: "carrier", rails: 32, size_x: 1000, size_y: 653 },
  resources: [
    { name: "plate_car", category: "carrier", type: "PlateCarrier", x: 390, y: 63, size_x: 135, size_y: 497 },
    { name: "plate", parameter: "plate", category: "plate", type: "Plate", x: 396.5, y: 71.5, size_x: 127.8, size_y: 85.5 },
    ...wells,
    { name: "hs", category: "machine", type: "HeaterShaker", x: 1030, y: 0, size_x: 147, size_y: 104 },
  ],
  machines: [
    { name: "hs", parameter: "hs", type: "HeaterShaker", on_deck: true, x: 1030, y: 0, size_x: 147, size_y: 104 },
    { name: "reader", parameter: "reader", type: "PlateReader", on_deck: true, x: 1030, y: 150, size_x: 170, size_y: 125 },
    { name: "centrifuge", parameter: "centrifuge", type: "Centrifuge", on_deck: false, x: null, y: null, size_x: null, size_y: null },
  ],
};
const at = (machine, x, y) => ({ at: machine, name: machine, machine, type: "m", on_deck: x !== null, x, y });
const move = (op, line, to) => ({ op, index: op, line, method: "move_plate", changes: {}, moves: { plate: to } });
const timeline = {
  initial: {},
  places: { plate: { at: "plate_car-0", name: "plate_car-0", machine: null, type: "PlateHolder", on_deck: true, x: 396.5, y: 71.5 } },
  steps: [move(0, 10, at("hs", 1030, 0)), { op: 1, index: 1, line: 11, method: "shake", changes: {} },
    move(2, 12, at("reader", 1030, 150)), move(3, 14, at("centrifuge", null, null))],
};
const state = (step = 0) => ({ deck_layout: layout, timeline, failures: [], step, selected: "" });
const shift = (el) => el.querySelector('.labware[data-name="plate"]').getAttribute("transform");
const holding = (el) => [...el.querySelectorAll(".pd-machine.holding")].map((n) => n.dataset.machine);

describe("DeckView machines", () => {
  it("draws every machine, the one nowhere on the deck beside it", () => {
    const { el } = mount(deckView, state());
    const drawn = [...el.querySelectorAll(".pd-machine")];
    expect(drawn.map((n) => n.dataset.machine)).toEqual(["hs", "reader", "centrifuge"]);
    const centrifuge = drawn[2];
    expect(centrifuge.dataset.beside).toBe("true");
    expect(Number(centrifuge.getAttribute("x"))).toBeGreaterThanOrEqual(1000);
    expect([...el.querySelectorAll(".machine-label")].map((t) => t.textContent))
      .toEqual(["hs", "reader", "centrifuge"]);
    const [left, , width] = el.querySelector("svg.pd-svg").getAttribute("viewBox").split(" ").map(Number);
    expect(left + width).toBeGreaterThan(1000 + 30 + 150); // the machines are in view
  });

  it("moves the plate with its wells and label onto each machine as the timeline is scrubbed", () => {
    const { el, model } = mount(deckView, state());
    expect(shift(el)).toBe("translate(0 0)");
    expect(holding(el)).toEqual([]);
    model.set("step", 1);
    expect(shift(el)).toBe("translate(633.5 71.5)"); // PLR's y grows to the back, SVG's down
    for (const node of el.querySelectorAll('[data-parent="plate"], [data-for="plate"]')) {
      expect(node.getAttribute("transform")).toBe("translate(633.5 71.5)");
    }
    expect(holding(el)).toEqual(["hs"]);
    expect(el.querySelector(".pd-step-label").textContent).toContain("line 10 · move_plate · plate → hs");
    model.set("step", 3);
    expect(shift(el)).toBe("translate(633.5 -78.5)");
    expect(holding(el)).toEqual(["reader"]);
    model.set("step", 4);
    expect(el.querySelector('.labware[data-name="plate"]').classList.contains("pd-away")).toBe(true);
    expect(holding(el)).toEqual(["centrifuge"]);
    model.set("step", 0);
    expect(shift(el)).toBe("translate(0 0)");
    expect(el.querySelectorAll(".pd-away")).toHaveLength(0);
  });

  it("computes each plate's place after k steps and names the moves of a step", () => {
    expect(placesAt(timeline, 0).plate.at).toBe("plate_car-0");
    expect(placesAt(timeline, 2).plate.machine).toBe("hs");
    expect(placesAt(timeline, 99).plate.machine).toBe("centrifuge");
    expect(movesText(timeline.steps[2])).toBe("plate → reader");
    expect(movesText(timeline.steps[1])).toBe("");
    expect(machineBoxes({ resources: layout.resources }, 1000).map((m) => m.name)).toEqual(["hs"]);
  });
});
