import { afterEach, describe, expect, it, vi } from "vitest";
import failureList, { diffLines } from "../src/failure_list.js";
import { fixture, mount } from "./fake_model.js";

const state = () => ({ failures: fixture.failure_modes, source: fixture.source, applied: null, error: "" });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("FailureList", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("names each failure's kind, certainty, line and fixes", () => {
    const { el } = mount(failureList, state());
    const items = el.querySelectorAll(".pf-item");
    expect(items).toHaveLength(2);
    expect(items[0].querySelector(".pf-kind").textContent).toBe("insufficient_liquid");
    expect(items[0].querySelector(".pf-line").textContent).toContain("line 7");
    expect(items[0].textContent).toContain("which holds 30 µL");
    expect(items[1].textContent).toContain("if volume > 300");
    expect(el.querySelectorAll(".pf-apply")).toHaveLength(3);
  });

  it("says so when a failure has no automatic fix, and only then", () => {
    const failures = [{ ...fixture.failure_modes[0], fixes: [] }, fixture.failure_modes[1]];
    const { el } = mount(failureList, { ...state(), failures });
    const items = el.querySelectorAll(".pf-item");
    expect(items[0].querySelector(".pf-nofix").textContent).toContain("no automatic fix");
    expect(items[0].querySelector(".pf-apply")).toBeNull();
    expect(items[1].querySelector(".pf-nofix")).toBeNull();
  });

  it("sends an apply message for the clicked fix", () => {
    const { el, model } = mount(failureList, state());
    el.querySelectorAll(".pf-apply")[1].click();
    expect(model.sent).toEqual([{ type: "apply", failure: 0, fix: 1 }]);
    expect(el.querySelector(".pf-status").textContent).toContain("applying");
  });

  it("shows the diff, the re-simulated summary and, with no notebook to edit, says so and copies the fixed source", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    const { el, model } = mount(failureList, state());
    el.querySelector(".pf-apply").click();
    model.set("applied", fixture.applied);
    await flush();
    const diff = el.querySelector("pre.pf-diff");
    expect(diff.querySelectorAll(".del")).toHaveLength(1);
    expect(diff.querySelectorAll(".add")).toHaveLength(1);
    expect(diff.querySelector(".add").textContent).toContain("vols=[30] * 8");
    expect(el.querySelector(".pf-summary").textContent).toContain("ok");
    expect(writeText).toHaveBeenCalledWith(fixture.applied.source);
    expect(el.querySelector(".pf-copy-state").textContent).toContain("copied");
    expect(el.querySelector(".pf-cell-state").textContent).toContain("no access to the notebook");
    expect(el.querySelector(".pf-apply").disabled).toBe(false);
  });

  it("puts the fixed source in the cell holding the protocol in one edit, and a later fix in place of the first", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    let text = `%%praxis simulate --setup make_deck\n${fixture.source}`;
    const setSource = vi.fn((value) => { text = value; });
    const cells = [{ id: "a", getSource: () => "%load_ext praxis_lab", setSource: vi.fn() },
      { id: "b", getSource: () => text, setSource }];
    const { el, model } = mount(failureList, state());
    model.widget_manager = { context: { model: { sharedModel: { cells, insertCell: vi.fn() } } } };
    model.set("applied", { ...fixture.applied, n: 1 });
    await flush();
    expect(setSource).toHaveBeenCalledTimes(1);  // one edit: one undo step restores the cell
    expect(text).toBe(`%%praxis simulate --setup make_deck\n${fixture.applied.source}`);
    expect(cells[0].setSource).not.toHaveBeenCalled();
    const said = el.querySelector(".pf-cell-state");
    expect(said.dataset.result).toBe("edited");
    expect(said.textContent).toContain("the cell now holds the fixed source");
    expect(writeText).not.toHaveBeenCalled();
    // another fix of the same report: its source replaces the first fix's in the cell
    const second = `${fixture.source}# fixed again\n`;
    model.set("applied", { ...fixture.applied, source: second, n: 2 });
    await flush();
    expect(setSource).toHaveBeenCalledTimes(2);
    expect(text).toBe(`%%praxis simulate --setup make_deck\n${second}`);
  });

  it("edits the cell once when the list is shown twice, and copies when the cell was edited since", async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal("navigator", { clipboard: { writeText } });
    let text = fixture.source;
    const setSource = vi.fn((value) => { text = value; });
    const cells = [{ id: "b", getSource: () => text, setSource }];
    const { el, model } = mount(failureList, state());
    model.widget_manager = { context: { model: { sharedModel: { cells, insertCell: vi.fn() } } } };
    const other = document.createElement("div");
    failureList.render({ model, el: other });  // a second view of the same widget
    model.set("applied", { ...fixture.applied, n: 1 });
    await flush();
    expect(setSource).toHaveBeenCalledTimes(1);
    expect(other.querySelector(".pf-cell-state").dataset.result).toBe("edited");
    text = "async def something_else(lh):\n    pass\n";  // the user rewrote the cell
    model.set("applied", { ...fixture.applied, n: 2 });
    await flush();
    expect(setSource).toHaveBeenCalledTimes(1);
    expect(el.querySelector(".pf-cell-state").textContent).toContain("not found");
    expect(writeText).toHaveBeenCalledWith(fixture.applied.source);
  });

  it("asks to select and copy when the clipboard is unavailable", async () => {
    vi.stubGlobal("navigator", {});
    const { el, model } = mount(failureList, state());
    model.set("applied", fixture.applied);
    await flush();
    expect(el.querySelector(".pf-copy-state").textContent).toContain("select and copy");
    expect(el.querySelector("textarea.pf-source").hidden).toBe(false);
    expect(el.querySelector("textarea.pf-source").value).toBe(fixture.applied.source);
  });

  it("shows callback errors and an ok state without failures", () => {
    const { el, model } = mount(failureList, state());
    model.set("error", "ValueError: no such fix");
    expect(el.querySelector(".praxis-error-line").textContent).toBe("ValueError: no such fix");
    model.set("failures", []);
    expect(el.querySelector(".pf-ok").textContent).toContain("ok");
  });

  it("classifies unified diff lines", () => {
    const kinds = diffLines("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z\n").map((l) => l.kind);
    expect(kinds).toEqual(["meta", "meta", "hunk", "del", "add", "ctx"]);
  });
});

describe("editPreview", () => {
  it("shows the added line of a diff hunk, else the first line", async () => {
    const { editPreview } = await import("../src/failure_list.js");
    expect(editPreview("@@ -41 +41 @@\n-        x(vols=v)\n+        x(vols=[v] * 8)")).toBe("x(vols=[v] * 8)");
    expect(editPreview("line 7: a → b")).toBe("line 7: a → b");
    expect(editPreview(null)).toBe("");
  });
});

describe("bareMessage", () => {
  it("drops a leading 'kind @ line N:' from messages that carry it", async () => {
    const { bareMessage, failureText } = await import("../src/_shared.js");
    const f = { kind: "bad_arguments", line: 41, message: "bad_arguments @ line 41: vols must be a list" };
    expect(bareMessage(f)).toBe("vols must be a list");
    expect(failureText(f)).toBe("bad_arguments @ line 41: vols must be a list");
    expect(bareMessage({ kind: "no_tips", message: "no tip on channel 0" })).toBe("no tip on channel 0");
  });
});

