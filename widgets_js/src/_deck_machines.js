// The deck view's machines and plate places: the plate readers, heater shakers,
// thermocyclers... of the protocol drawn where they stand (on the deck, or in a column
// beside it when they stand nowhere on it: a centrifuge behind its loader), and each plate
// drawn where it is after the scrubbed step (the timeline's `places`, then each step's
// `moves`): moved onto a machine on the deck, or faded with "in <machine>" when the machine
// that holds it is off the deck.
import { s } from "./_shared.js";

export const MACHINE_CSS = `
.praxis-deck .pd-machine { fill: var(--praxis-accent); fill-opacity: 0.07; stroke: var(--praxis-accent);
  stroke-opacity: 0.7; stroke-width: 1.4; stroke-dasharray: 5 2; vector-effect: non-scaling-stroke; }
.praxis-deck .pd-machine.holding { fill-opacity: 0.18; stroke-dasharray: none; }
.praxis-deck .machine-label { fill: var(--praxis-accent); font-weight: 600; }
.praxis-deck .pd-away { opacity: 0.22; }
`;

const GAP = 30; // mm between the deck and the machines beside it, and between machines

/** The machines to draw: {name, parameter, type, x, y, size_x, size_y, beside}. Machines
 * that stand nowhere on the deck go in a column right of it (`W` wide). */
export function machineBoxes(layout, W) {
  const listed = layout.machines
    || (layout.resources || []).filter((r) => r.category === "machine")
      .map((r) => ({ ...r, on_deck: true }));
  let nextY = 0;
  return listed.map((m) => {
    const size_x = m.size_x || 150;
    const size_y = m.size_y || 100;
    if (m.on_deck && m.x !== null && m.x !== undefined) {
      return { ...m, size_x, size_y, beside: false };
    }
    const box = { ...m, x: W + GAP, y: nextY, size_x, size_y, beside: true };
    nextY += size_y + GAP;
    return box;
  });
}

/** Where each plate is after `step` steps: {plate key: place | null} (place: {at, name,
 * machine, type, on_deck, x, y}). */
export function placesAt(timeline, step) {
  const where = { ...(timeline?.places || {}) };
  const steps = timeline?.steps || [];
  for (let i = 0; i < Math.min(step, steps.length); i += 1) Object.assign(where, steps[i].moves || {});
  return where;
}

/** "plate → reader" for the plates step `st` moves ("" when it moves none). */
export function movesText(st) {
  return Object.entries(st?.moves || {})
    .map(([plate, to]) => `${plate} → ${to ? to.machine || to.name : "off the deck"}`).join(", ");
}

/** Draw the machines into `svg` (their names into `labels`); returns name → node. */
export function drawMachines(svg, labels, layout, vb, Y) {
  const nodes = new Map();
  for (const m of machineBoxes(layout, vb.W)) {
    const node = s("rect", { class: "pd-machine", x: m.x, y: Y(m), width: m.size_x, height: m.size_y, rx: 4 });
    Object.assign(node.dataset, { machine: m.parameter || m.name, type: m.type || "", beside: String(m.beside) });
    node.append(s("title", {}, `${m.name} (${m.type}${m.backend ? `, ${m.backend}` : ""})`
      + (m.beside ? ": not on the deck, drawn beside it" : "")));
    svg.append(node);
    labels.append(s("text", { class: "machine-label", x: m.x + 2, y: Y(m) + vb.fs * 1.1, "font-size": vb.fs * 0.9 },
      m.parameter && m.parameter !== m.name ? `${m.name} (${m.parameter})` : m.name));
    nodes.set(m.parameter || m.name, node);
    if (m.name && m.name !== m.parameter) nodes.set(m.name, node);
  }
  return nodes;
}

/** Move each plate's nodes (rect, wells, label) to where it is after `step`; mark the
 * machines that hold a plate. */
export function paintPlaces(svg, layout, timeline, step, machines) {
  const start = timeline?.places || {};
  const now = placesAt(timeline, step);
  for (const node of new Set(machines.values())) {
    node.classList.remove("holding");
    delete node.dataset.holds;
  }
  for (const [key, from] of Object.entries(start)) {
    const res = (layout.resources || []).find((r) => r.category === "plate"
      && (r.key === key || r.parameter === key || r.name === key));
    if (!res) continue;
    const nodes = svg.querySelectorAll(`[data-name="${res.name}"], [data-parent="${res.name}"], [data-for="${res.name}"]`);
    const to = now[key];
    const there = to && to.x !== null && to.x !== undefined && from && from.x !== null && from.x !== undefined;
    const dx = there ? to.x - from.x : 0;
    const dy = there ? to.y - from.y : 0;
    for (const node of nodes) {
      node.setAttribute("transform", `translate(${dx} ${-dy})`);
      node.classList.toggle("pd-away", !there && to !== from);
    }
    const holder = to && to.machine ? machines.get(to.machine) : null;
    if (holder) {
      holder.classList.add("holding");
      holder.dataset.holds = res.name;
    }
  }
}
