// Editing the deck view: drag labware to another carrier site or OT-2 slot, drag a carrier
// along the rails, add or remove a carrier, choose a labware type, set start volumes by
// clicking wells, export the deck as make_deck() into a new cell below, write the edits back
// into the setup function. Every edit goes to the kernel, where PLR checks it; the view is
// redrawn from what the kernel sends back, and a refusal shows PLR's reason.
//
// Model traits used: editable, editing, targets {kind, rails, sites, slots, carriers,
// labware}, edit_status {ok, message, warnings, n}, choices {name, entries}, carrier_types,
// exported {source, cell_id, n}, written {old, new, function, n}, can_write_back, cell_id.
import { h, listen, replace, s } from "./_shared.js";
import { copyOut, insertCellBelow, replaceInCell } from "./_notebook.js";

export const EDIT_CSS = `
.praxis-deck .pd-edit { margin-top: 6px; display: flex; flex-direction: column; gap: 4px; }
.praxis-deck .pd-edit-row { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.praxis-deck .pd-edit input[type=number] { width: 6.5em; }
.praxis-deck .pd-edit select, .praxis-deck .pd-edit input { font: inherit; color: var(--praxis-fg);
  background: var(--praxis-bg); border: 1px solid var(--praxis-border); border-radius: 4px; padding: 1px 4px; }
.praxis-deck .pd-status { white-space: pre-wrap; }
.praxis-deck .pd-status.refused { color: var(--praxis-error); }
.praxis-deck .pd-status.ok { color: var(--praxis-ok); }
.praxis-deck .pd-warn { color: var(--praxis-warn); }
.praxis-deck .pd-drop { fill: var(--praxis-accent); fill-opacity: 0.04; stroke: var(--praxis-accent);
  stroke-opacity: 0.5; stroke-dasharray: 3 2; vector-effect: non-scaling-stroke; pointer-events: none; }
.praxis-deck .pd-drop.over { fill-opacity: 0.25; stroke-opacity: 1; }
.praxis-deck .pd-ghost { fill: var(--praxis-accent); fill-opacity: 0.25; stroke: var(--praxis-accent);
  vector-effect: non-scaling-stroke; pointer-events: none; }
.praxis-deck.editing [data-name] { cursor: grab; }
.praxis-deck .picked { stroke: var(--praxis-accent) !important; stroke-width: 2.4 !important; }
.praxis-deck textarea.pd-code { width: 100%; min-height: 10em; font-family: var(--praxis-mono);
  background: var(--praxis-bg); color: var(--praxis-fg); border: 1px solid var(--praxis-border); }
`;

const RAIL_X0 = 100.0;
const RAIL_WIDTH = 22.5;

/** The target {carrier, site} or {slot} whose box holds the deck point (x, y), or null. */
export function dropTarget(targets, x, y) {
  const inside = (b) => x >= b.x && x <= b.x + b.size_x && y >= b.y && y <= b.y + b.size_y;
  const site = (targets?.sites || []).find(inside);
  if (site) return { carrier: site.carrier, site: site.site, box: site };
  const slot = (targets?.slots || []).find(inside);
  return slot ? { slot: slot.slot, box: slot } : null;
}

/** The rail a carrier whose left edge is at `x` snaps to (1 … rails). */
export function railAt(x, rails) {
  const rail = Math.round((x - RAIL_X0) / RAIL_WIDTH) + 1;
  return Math.max(1, Math.min(rails || 1, rail));
}

/** The identifiers a volume goes to: the well, its column or its row, or null (the plate). */
export function wellsFor(layout, key, scope) {
  const well = (layout?.resources || []).find((r) => r.key === key);
  if (!well || scope === "plate" || well.category !== "well") return null;
  if (scope === "well") return [well.identifier];
  const [, row, col] = /^([A-Z]+)(\d+)$/.exec(well.identifier) || [];
  return (layout.resources || [])
    .filter((r) => r.category === "well" && r.parent === well.parent)
    .map((r) => r.identifier)
    .filter((id) => {
      const [, r, c] = /^([A-Z]+)(\d+)$/.exec(id) || [];
      return scope === "column" ? c === col : r === row;
    });
}

/** The editing part of one deck view: call `bar()` once, `decorate()` after each draw. */
export function createEditing({ model, root, redraw }) {
  let picked = null; // {name, category} of the labware or carrier clicked last
  const send = (msg) => model.send(msg);
  const edit = (action, args) => send({ type: "edit", action, args });

  const status = h("div", { class: "pd-status", role: "status" });
  const warn = h("div", { class: "pd-warn" });
  const volume = h("input", { type: "number", min: 0, step: "any", placeholder: "µL",
    "aria-label": "start volume (µL)", class: "pd-volume" });
  const scope = h("select", { class: "pd-scope", "aria-label": "fill" },
    ["well", "column", "row", "plate"].map((v) => h("option", { value: v }, v)));
  const carrierType = h("select", { class: "pd-carrier-type", "aria-label": "carrier type" });
  const carrierRail = h("input", { type: "number", min: 1, step: 1, class: "pd-carrier-rail",
    "aria-label": "rail", placeholder: "rail" });
  const deckType = h("select", {
    class: "pd-deck-type", "aria-label": "deck",
    onchange: (event) => edit("change_deck", { deck: event.target.value }),
  });
  const pickedRow = h("div", { class: "pd-edit-row pd-picked" });
  const out = h("div", { class: "pd-out" });
  const start = h("button", { class: "pd-edit-start", onclick: () => send({ type: "edit_start" }) },
    "Edit deck");
  const exportButton = h("button", { class: "pd-export", onclick: () => send({ type: "export" }) },
    "Export setup");
  const writeButton = h("button", { class: "pd-write", onclick: () => send({ type: "write_back" }) },
    "Write into setup");
  const carrierRow = h("div", { class: "pd-edit-row pd-carriers" }, "Add carrier", carrierType,
    "at rail", carrierRail, h("button", {
      class: "pd-add-carrier",
      onclick: () => edit("add_carrier", { factory: carrierType.value, rails: Number(carrierRail.value) }),
    }, "Add"));
  const tools = h("div", { class: "pd-edit-row" },
    h("span", {}, "Start volume"), volume, scope,
    h("span", { class: "praxis-muted" }, "then click wells"), exportButton, writeButton,
    h("span", {}, "Deck"), deckType);
  const box = h("div", { class: "pd-edit" });

  function bar() {
    const editing = model.get("editing");
    root.classList.toggle("editing", Boolean(editing));
    if (!model.get("editable")) return null;
    if (!editing) return replace(box, h("div", { class: "pd-edit-row" }, start, status));
    writeButton.style.display = model.get("can_write_back") ? "" : "none";
    const kinds = model.get("carrier_types") || [];
    if (carrierType.options.length !== kinds.length) {
      replace(carrierType, kinds.map((k) => h("option", { value: k }, k)));
    }
    const targets = model.get("targets") || {};
    carrierRow.style.display = targets.kind === "carrier" ? "" : "none";
    const names = { STARLetDeck: "STARlet", STARDeck: "STAR", OTDeck: "OT-2" };
    replace(deckType, (targets.decks || []).map((d) => h("option", {
      value: d, selected: d === targets.deck }, names[d] || d)));
    return replace(box, tools, carrierRow, pickedRow, status, warn, out);
  }

  function showStatus() {
    const st = model.get("edit_status") || {};
    status.textContent = st.message || "";
    status.dataset.n = String(st.n || 0);
    status.className = `pd-status ${st.ok === false ? "refused" : st.ok ? "ok" : ""}`;
    warn.textContent = (st.warnings || []).join("\n");
  }

  function showPicked() {
    if (!picked) return replace(pickedRow);
    const choices = model.get("choices") || {};
    if (picked.category === "carrier") {
      return replace(pickedRow, h("b", {}, picked.name), h("button", {
        class: "pd-remove-carrier", onclick: () => edit("remove_carrier", { name: picked.name }),
      }, "Remove carrier"));
    }
    const entries = choices.name === picked.name ? choices.entries || [] : [];
    const select = h("select", {
      class: "pd-type", "aria-label": `type of ${picked.name}`,
      onchange: (event) => edit("change_type", { name: picked.name, factory: event.target.value }),
    }, entries.map((e) => h("option", { value: e.factory, selected: e.factory === picked.factory },
      `${e.factory} (${e.maker})`)));
    return replace(pickedRow, h("b", {}, picked.name), "type", select,
      entries.length ? h("span", { class: "praxis-muted" }, `${entries.length} fit here`) : "…");
  }

  function pick(name, category) {
    const lw = (model.get("targets")?.labware || []).find((l) => l.name === name);
    picked = { name, category, factory: lw?.factory };
    if (category !== "carrier") send({ type: "choices", name });
    showPicked();
  }

  /** A click on a well or trough while a start volume is typed: fill it (true: consumed). */
  function wellClick(key, res) {
    const value = volume.value.trim();
    if (!model.get("editing") || value === "" || !res) return false;
    const name = res.category === "trough" ? res.name : res.parent;
    const wells = res.category === "trough" ? null : wellsFor(model.get("deck_layout"), key, scope.value);
    edit("set_volume", { name, volume: Number(value), ...(wells ? { wells } : {}) });
    return true;
  }

  function decorate(svg, vb, Y) {
    if (!model.get("editing")) return;
    const targets = model.get("targets") || {};
    const drops = s("g", { class: "pd-drops", style: "display: none" },
      [...(targets.sites || []), ...(targets.slots || [])].map((t) => s("rect", {
        class: "pd-drop", x: t.x, y: Y(t), width: t.size_x, height: t.size_y,
        ...(t.slot ? { "data-slot": t.slot } : { "data-carrier": t.carrier, "data-site": t.site }),
      })));
    svg.append(drops);
    for (const node of svg.querySelectorAll("[data-name], [data-parent]")) {
      // a well or a tip spot drags the plate or rack it belongs to
      const owner = node.dataset.name ? node
        : svg.querySelector(`[data-name=${JSON.stringify(node.dataset.parent)}]`);
      if (owner) node.addEventListener("pointerdown", (event) => drag(event, svg, owner, vb, Y, drops, targets));
    }
  }

  function drag(event, svg, node, vb, Y, drops, targets) {
    if (event.button !== 0 || volume.value.trim() !== "") return;
    event.preventDefault();
    const at = (e) => {
      const m = svg.getScreenCTM?.();
      if (!m) return { x: 0, y: 0 };
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
      return { x: p.x, y: vb.H - p.y };
    };
    const { name, category } = node.dataset;
    const box = { x: Number(node.dataset.x), y: Number(node.dataset.y),
      size_x: Number(node.dataset.sizeX), size_y: Number(node.dataset.sizeY) };
    const from = at(event);
    const carrier = category === "carrier";
    const ghost = s("rect", { class: "pd-ghost", x: box.x, y: Y(box), width: box.size_x, height: box.size_y });
    svg.append(ghost);
    if (!carrier) drops.style.display = "";
    let moved = false;
    let target = null;
    const move = (e) => {
      const p = at(e);
      const dx = p.x - from.x;
      const dy = p.y - from.y;
      moved = moved || Math.abs(dx) + Math.abs(dy) > 3;
      if (carrier) {
        const rail = railAt(box.x + dx, targets.rails);
        target = { rails: rail };
        ghost.setAttribute("x", RAIL_X0 + (rail - 1) * RAIL_WIDTH);
        return;
      }
      ghost.setAttribute("x", box.x + dx);
      ghost.setAttribute("y", Y(box) - dy);
      target = dropTarget(targets, p.x, p.y);
      for (const r of drops.children) {
        const hit = target && (target.slot ? Number(r.dataset.slot) === target.slot
          : r.dataset.carrier === target.carrier && Number(r.dataset.site) === target.site);
        r.classList.toggle("over", Boolean(hit));
      }
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      ghost.remove();
      drops.style.display = "none";
      if (!moved) return pick(name, category);
      if (!target) return null;
      const { box: _box, ...where } = target;
      return edit("move", { name, ...where });
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  }

  async function exported() {
    const ex = model.get("exported");
    if (!ex?.source) return;
    const done = await insertCellBelow(model, ex.source, ex.cell_id);
    if (done) {
      replace(out, h("div", { class: "praxis-muted" }, "make_deck() is in a new cell below: run it, then simulate with --setup make_deck"));
    } else {
      replace(out, await copyOut(ex.source, "No notebook to add a cell to (this front end gives widgets no access to it): the setup is below"));
    }
  }

  async function written() {
    const wr = model.get("written");
    if (!wr?.new) return;
    const done = await replaceInCell(model, wr.old, wr.new);
    send({ type: "written", ok: done });
    replace(out, done ? h("div", { class: "praxis-muted" }, `${wr.function}() is rewritten in its cell: run that cell again`)
      : await copyOut(wr.new, `The cell defining ${wr.function}() was not found as it was read (edited since?): the rewritten code is below`));
  }

  const offs = [
    listen(model, "change:edit_status", showStatus),
    listen(model, "change:choices", showPicked),
    listen(model, "change:editing change:targets change:carrier_types change:can_write_back", redraw),
    listen(model, "change:exported", exported),
    listen(model, "change:written", written),
  ];
  showStatus();
  return { bar, decorate, wellClick, dispose: () => offs.forEach((off) => off()) };
}
