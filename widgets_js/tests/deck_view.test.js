import { describe, expect, it } from "vitest";
import deckView, { history, stateAt } from "../src/deck_view.js";
import { fixture, mount } from "./fake_model.js";

const state = () => ({
  deck_layout: fixture.deck_layout,
  timeline: fixture.timeline,
  failures: fixture.failure_modes,
  step: 0,
  selected: "",
});

describe("DeckView", () => {
  it("draws every well of both plates and every tip spot", () => {
    const { el } = mount(deckView, state());
    expect(el.querySelectorAll("svg .well")).toHaveLength(192);
    expect(el.querySelectorAll('.well[data-key^="source["]')).toHaveLength(96);
    expect(el.querySelectorAll('.well[data-key^="dest["]')).toHaveLength(96);
    expect(el.querySelectorAll('.tip-spot[data-key^="tips["]')).toHaveLength(96);
    expect(el.querySelectorAll(".tip-spot.has-tip").length).toBeGreaterThanOrEqual(96);
    expect(el.querySelectorAll(".carrier")).toHaveLength(2);
    expect(el.querySelectorAll(".rail").length).toBeGreaterThan(0);
  });

  it("outlines the failing well and rack and names the failure on hover", () => {
    const { el } = mount(deckView, state());
    const well = el.querySelector('[data-key="source[A1]"]');
    expect(well.classList.contains("failing")).toBe(true);
    expect(well.querySelector("title").textContent).toContain("insufficient_liquid @ line 7");
    expect(el.querySelectorAll(".well.failing")).toHaveLength(1);
    expect(el.querySelector(".labware.tip_rack.failing")).not.toBeNull();
  });

  it("shades wells by volume and hatches unknown volumes", () => {
    const { el } = mount(deckView, state());
    const a2 = el.querySelector('[data-key="source[A2]"]');
    const a1 = el.querySelector('[data-key="source[A1]"]');
    expect(a2.dataset.volume).toBe("100");
    expect(Number(a2.style.fillOpacity)).toBeGreaterThan(Number(a1.style.fillOpacity));
    const h12 = el.querySelector('[data-key="source[H12]"]');
    expect(h12.classList.contains("unknown")).toBe(true);
    expect(h12.style.fill).toMatch(/^url\(/);
    expect(el.querySelector('[data-key="dest[A1]"]').style.fill).toBe("transparent");
  });

  it("scrubs the timeline with the slider", () => {
    const { el, model } = mount(deckView, state());
    const range = el.querySelector(".pd-steps input[type=range]");
    expect(range.max).toBe("48");
    expect(el.querySelector(".pd-step-label").textContent).toContain("initial state");
    range.value = "2";
    range.dispatchEvent(new Event("input"));
    expect(model.get("step")).toBe(2);
    expect(model.saves).toBe(1);
    expect(el.querySelector('[data-key="source[B1]"]').dataset.volume).toBe("60");
    expect(el.querySelector('[data-key="tips[A1]"]').classList.contains("empty")).toBe(true);
    expect(el.querySelector(".pd-step-label").textContent).toBe("step 2 / 48 · line 7 · aspirate");
    model.set("step", 48);
    expect(el.querySelector('[data-key="dest[H12]"]').dataset.volume).toBe("40");
    expect(el.querySelector('[data-key="source[H12]"] title').textContent).toContain("v(source[H12]) - 40");
    expect(range.value).toBe("48");
  });

  it("selects a clicked well and shows its volume over the protocol", () => {
    const { el, model } = mount(deckView, state());
    el.querySelector('[data-key="source[B1]"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("selected")).toBe("source[B1]");
    const panel = el.querySelector(".pd-panel");
    expect(panel.textContent).toContain("source[B1]");
    expect(panel.querySelectorAll("tr")).toHaveLength(3); // header, initial, aspirate at step 2
    expect(panel.querySelector(".spark-line")).not.toBeNull();
    expect(el.querySelector('[data-key="source[B1]"]').classList.contains("selected")).toBe(true);
    panel.querySelector("h4 button").click();
    expect(model.get("selected")).toBe("");
  });

  it("computes the state after k steps and a well's history", () => {
    const { deck_layout: layout, timeline } = fixture;
    expect(stateAt(layout, timeline, 0)["source[A3]"]).toBe(100);
    expect(stateAt(layout, timeline, 10)["source[A3]"]).toBe(60);
    expect(stateAt(layout, timeline, 0)["tips[A1]"]).toBe(true);
    const rows = history(layout, timeline, "dest[A1]");
    expect(rows).toHaveLength(49);
    expect(rows.filter((r) => r.changed).map((r) => r.value)).toEqual([0, 40]);
  });

  it("toggles between the used area and the whole deck", () => {
    const { el } = mount(deckView, state());
    const fit = el.querySelector("svg.pd-svg").getAttribute("viewBox").split(" ").map(Number);
    el.querySelector(".pd-toggle").click();
    const whole = el.querySelector("svg.pd-svg").getAttribute("viewBox").split(" ").map(Number);
    expect(whole[2]).toBeGreaterThan(fit[2]);
    expect(el.querySelectorAll("svg .well")).toHaveLength(192);
  });

  it("rings every well a failure on eight channels involves", () => {
    const column = [..."ABCDEFGH"].map((row) => `source[${row}3]`);
    const failure = { kind: "no_tips", line: 7, message: "no_tips @ line 7: aspirate 40 µL from source[A3] on channel 0",
      resources: ["source[A3]"], involves: column };
    const { el } = mount(deckView, { ...state(), failures: [failure] });
    const ringed = [...el.querySelectorAll(".well.failing")].map((w) => w.dataset.key);
    expect(ringed.sort()).toEqual(column);
  });

  it("draws labware that is not on the deck in front of it, red and named so", () => {
    const layout = structuredClone(fixture.deck_layout);
    const dest = layout.resources.filter((r) => r.name === "dest" || r.parent === "dest");
    for (const r of dest) { r.off_deck = true; r.y -= 400; } // the layout's place: y < 0
    const failure = { kind: "not_on_deck", line: 8, message: "not_on_deck @ line 8: dispense touches dest",
      resources: ["dest"], involves: ["dest"] };
    const { el } = mount(deckView, { ...state(), deck_layout: layout, failures: [failure] });
    const plate = el.querySelector(".labware.plate.off-deck");
    expect(plate).not.toBeNull();
    expect(plate.classList.contains("failing")).toBe(true);
    expect(plate.querySelector("title").textContent).toContain("dest (Plate): not on the deck");
    const label = el.querySelector(".label.off-deck");
    expect(label.textContent).toBe("dest — not on the deck");
    expect(el.querySelectorAll('.well[data-key^="dest["]')).toHaveLength(96);
    const [, top, , height] = el.querySelector("svg.pd-svg").getAttribute("viewBox").split(" ").map(Number);
    const front = layout.deck.size_y - dest[0].y; // the plate's front edge, in SVG units
    expect(top + height).toBeGreaterThan(front); // the view reaches the plate in front
    el.querySelector(".pd-toggle").click(); // the whole deck shows it too
    const whole = el.querySelector("svg.pd-svg").getAttribute("viewBox").split(" ").map(Number);
    expect(whole[1] + whole[3]).toBeGreaterThan(front);
  });

  it("draws the slots of an OT deck and detaches its listeners on cleanup", () => {
    const layout = {
      deck: { name: "ot", type: "OTDeck", kind: "slot", size_x: 624.3, size_y: 565.2, rails: null, proposed: false },
      resources: [],
    };
    const { el, model, cleanup } = mount(deckView, { deck_layout: layout, timeline: null, failures: [], step: 0, selected: "" });
    expect(el.querySelectorAll(".slot")).toHaveLength(12);
    expect(el.querySelector(".pd-steps")).toBeNull();
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});
