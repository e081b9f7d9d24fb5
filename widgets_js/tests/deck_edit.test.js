import { describe, expect, it, vi } from "vitest";
import { dropTarget, railAt, wellsFor } from "../src/_deck_edit.js";
import deckView from "../src/deck_view.js";
import { fixture, mount } from "./fake_model.js";

const targets = {
  kind: "carrier", rails: 32, slots: [], deck: "STARLetDeck", decks: ["STARLetDeck", "STARDeck", "OTDeck"],
  sites: [
    { carrier: "plate_carrier", site: 0, x: 261.5, y: 71.5, size_x: 127, size_y: 86, holds: "source" },
    { carrier: "plate_carrier", site: 1, x: 261.5, y: 167.5, size_x: 127, size_y: 86, holds: "dest" },
    { carrier: "plate_carrier", site: 2, x: 261.5, y: 263.5, size_x: 127, size_y: 86, holds: null },
  ],
  carriers: [{ name: "plate_carrier", rails: 8 }],
  labware: [{ name: "source", kind: "plate", factory: "cor_96_wellplate_360uL_Fb", parameter: "source" }],
};

const state = (extra = {}) => ({
  deck_layout: fixture.deck_layout, timeline: null, failures: [], step: 0, selected: "",
  editable: true, editing: true, targets, edit_status: {}, choices: {},
  carrier_types: ["PLT_CAR_L5AC_A00", "TIP_CAR_480_A00"], exported: null, written: null,
  can_write_back: false, cell_id: "cell-2", ...extra,
});

const flush = () => new Promise((done) => setTimeout(done, 0));

describe("deck editing helpers", () => {
  it("finds the site or slot under a point of the deck", () => {
    expect(dropTarget(targets, 300, 300)).toMatchObject({ carrier: "plate_carrier", site: 2 });
    expect(dropTarget(targets, 50, 50)).toBeNull();
    expect(dropTarget({ slots: [{ slot: 4, x: 0, y: 0, size_x: 128, size_y: 86 }] }, 10, 10))
      .toMatchObject({ slot: 4 });
  });

  it("snaps a carrier's left edge to the nearest rail on the deck", () => {
    expect(railAt(100, 32)).toBe(1);
    expect(railAt(257.5 + 22.5 * 6 + 5, 32)).toBe(14);
    expect(railAt(-500, 32)).toBe(1);
    expect(railAt(5000, 32)).toBe(32);
  });

  it("gives a well, its column, its row or the whole plate", () => {
    const layout = fixture.deck_layout;
    expect(wellsFor(layout, "source[C5]", "well")).toEqual(["C5"]);
    expect(wellsFor(layout, "source[C5]", "column")).toEqual(["A5", "B5", "C5", "D5", "E5", "F5", "G5", "H5"]);
    expect(wellsFor(layout, "source[C5]", "row")).toHaveLength(12);
    expect(wellsFor(layout, "source[C5]", "plate")).toBeNull();
  });
});

describe("DeckView while editing", () => {
  it("offers Edit deck when an editor can be made, and asks the kernel for it", () => {
    const { el, model } = mount(deckView, state({ editing: false }));
    el.querySelector(".pd-edit-start").click();
    expect(model.sent).toEqual([{ type: "edit_start" }]);
    expect(mount(deckView, state({ editable: false, editing: false })).el
      .querySelector(".pd-edit-start")).toBeNull();
  });

  it("fills a clicked well's column with the typed volume", () => {
    const { el, model } = mount(deckView, state());
    el.querySelector(".pd-volume").value = "150";
    el.querySelector(".pd-scope").value = "column";
    el.querySelector('[data-key="source[B3]"]').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.sent).toEqual([{ type: "edit", action: "set_volume", args: {
      name: "source", volume: 150, wells: ["A3", "B3", "C3", "D3", "E3", "F3", "G3", "H3"] } }]);
    expect(model.get("selected")).toBe("");  // a volume click does not open the history
  });

  it("marks labware and carriers as draggable and adds a carrier at a rail", () => {
    const { el, model } = mount(deckView, state());
    expect(el.querySelector('[data-name="source"]').dataset.category).toBe("plate");
    expect(el.querySelector('[data-name="plate_carrier"]').dataset.category).toBe("carrier");
    expect(el.querySelectorAll(".pd-drop")).toHaveLength(3);
    el.querySelector(".pd-carrier-type").value = "TIP_CAR_480_A00";
    el.querySelector(".pd-carrier-rail").value = "20";
    el.querySelector(".pd-add-carrier").click();
    expect(model.sent).toEqual([{ type: "edit", action: "add_carrier",
      args: { factory: "TIP_CAR_480_A00", rails: 20 } }]);
  });

  it("moves the labware to another deck PLR provides", () => {
    const { el, model } = mount(deckView, state());
    const decks = el.querySelector(".pd-deck-type");
    expect([...decks.options].map((o) => o.textContent)).toEqual(["STARlet", "STAR", "OT-2"]);
    expect(decks.value).toBe("STARLetDeck");
    decks.value = "OTDeck";
    decks.dispatchEvent(new Event("change"));
    expect(model.sent).toEqual([{ type: "edit", action: "change_deck", args: { deck: "OTDeck" } }]);
  });

  it("shows PLR's reason for a refused edit", () => {
    const { el, model } = mount(deckView, state());
    model.set("edit_status", { ok: false, message: "PLR refused to move source to site 1 of plate_carrier: spot 1 already has a resource", warnings: [], n: 1 });
    const status = el.querySelector(".pd-status");
    expect(status.classList.contains("refused")).toBe(true);
    expect(status.textContent).toContain("spot 1 already has a resource");
  });

  it("inserts the exported setup below its cell through the notebook's shared model", async () => {
    const cells = [{ id: "cell-1" }, { id: "cell-2" }, { id: "cell-3" }];
    const insertCell = vi.fn();
    const { el, model } = mount(deckView, state());
    model.widget_manager = { context: { model: { sharedModel: { cells, insertCell } } } };
    el.querySelector(".pd-export").click();
    expect(model.sent).toEqual([{ type: "export" }]);
    model.set("exported", { source: "def make_deck():\n    ...\n", cell_id: "cell-2", n: 1 });
    await flush();
    expect(insertCell).toHaveBeenCalledWith(2, { cell_type: "code", source: "def make_deck():\n    ...\n", metadata: {} });
    expect(el.querySelector(".pd-out").textContent).toContain("new cell below");
  });

  it("shows the setup to copy where no notebook can take a new cell", async () => {
    const { el, model } = mount(deckView, state());
    model.set("exported", { source: "def make_deck():\n    return {}\n", cell_id: "", n: 1 });
    await flush();
    expect(el.querySelector(".pd-out textarea").value).toBe("def make_deck():\n    return {}\n");
    expect(el.querySelector(".pd-out").textContent).toContain("No notebook to add a cell to");
  });

  it("writes the edits back into the one cell holding the setup and says so to the kernel", async () => {
    const setSource = vi.fn();
    const cells = [{ id: "a", getSource: () => "x = 1\n", setSource: vi.fn() },
      { id: "b", getSource: () => "%%praxis simulate\ndef make_deck():\n    rails=8\n", setSource }];
    const { model } = mount(deckView, state({ can_write_back: true }));
    model.widget_manager = { context: { model: { sharedModel: { cells, insertCell: vi.fn() } } } };
    model.set("written", { old: "def make_deck():\n    rails=8\n", new: "def make_deck():\n    rails=14\n", function: "make_deck", n: 1 });
    await flush();
    expect(setSource).toHaveBeenCalledWith("%%praxis simulate\ndef make_deck():\n    rails=14\n");
    expect(model.sent.at(-1)).toEqual({ type: "written", ok: true });
  });
});
