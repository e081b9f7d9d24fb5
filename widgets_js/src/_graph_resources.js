// The resource lane of GraphView's drawing: each resource with its parental chain as
// badges, placed beside the first op that touches it; the edges from ops to resources.

export const RES_W = 232;
export const RES_H = 38;
export const RES_H_BARE = 22; // a resource without chain badges
export const RES_X = 8;
export const TOP = 8;
const RES_GAP = 8;
const BADGE_CHAR_W = 5.6;

/** Badges of a resource's chain, element first: ["Well", "Plate", "PlateCarrier", "Deck"]. */
export function chainOf(resource) {
  const declared = resource?.declared_type || "";
  const names = [resource?.element_type, /[[|]/.test(declared) ? null : declared,
    ...(resource?.parental_chain || [])];
  return [...new Set(names.filter(Boolean))];
}

/**
 * Place resource nodes beside the first node that touches them (untouched ones on top),
 * in that order, without overlap: the lane reads top to bottom like the ops.
 */
export function placeResources(graph, nodes) {
  const declared = graph?.resources || {};
  const first = new Map(Object.keys(declared).map((name) => [name, -Infinity]));
  for (const node of nodes) {
    for (const name of node.touches) {
      if (Number.isFinite(first.get(name))) continue; // placed by an earlier node
      if (!first.has(name) && first.size >= Object.keys(declared).length + 20) continue;
      first.set(name, node.y + node.h / 2);
    }
  }
  const order = [...first.entries()].map(([name, want], index) => ({ name, want, index }));
  order.sort((a, b) => a.want - b.want || a.index - b.index);
  let bottom = TOP - RES_GAP;
  return order.map(({ name, want }) => {
    const r = declared[name] || { variable_name: name, declared_type: "", parental_chain: [] };
    const chain = chainOf(r);
    if (chain.length === 1 && chain[0] === r.declared_type) chain.pop(); // "lh LiquidHandler" says it
    const h = chain.length ? RES_H : RES_H_BARE;
    const y = Math.max(Number.isFinite(want) ? want - h / 2 : TOP, bottom + RES_GAP, TOP);
    bottom = y + h;
    const badges = [];
    let x = 8;
    for (const [i, text] of chain.entries()) {
      const w = Math.ceil(text.length * BADGE_CHAR_W + 10);
      if (x + w > RES_W - 8 && i > 0) { badges.push({ text: "…", x, w: 14 }); break; }
      badges.push({ text, x, w });
      x += w + 4;
    }
    const type = r.declared_type || (declared[name] ? "found on the deck" : "not a declared resource");
    return { id: name, x: RES_X, y, w: RES_W, h, label: name, type, chain, badges,
      declared: Boolean(declared[name]), title: `${name}: ${type}${chain.length ? `\n${chain.join(" › ")}` : ""}` };
  });
}

export function edgePath(node, res) {
  const x1 = node.x;
  const y1 = node.y + node.h / 2;
  const x2 = res.x + res.w;
  const y2 = res.y + res.h / 2;
  const mx = (x1 + x2) / 2;
  return `M${x1} ${y1} C${mx} ${y1} ${mx} ${y2} ${x2} ${y2}`;
}
