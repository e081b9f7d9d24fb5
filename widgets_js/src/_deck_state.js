// The deck's state after a step of the simulated timeline: each well's volume and each
// tip spot's tip (the layout's, then timeline.initial, then each step's changes).

/** The state after `step` ops: layout volumes/tips, then timeline.initial, then changes. */
export function stateAt(layout, timeline, step) {
  const state = {};
  for (const res of layout?.resources || []) {
    if (!res.key) continue;
    if (res.category === "tip_spot") state[res.key] = res.has_tip ?? null;
    else if (res.category === "well" || res.category === "trough") state[res.key] = res.volume ?? null;
  }
  Object.assign(state, timeline?.initial || {});
  const steps = timeline?.steps || [];
  for (let i = 0; i < Math.min(step, steps.length); i += 1) Object.assign(state, steps[i].changes);
  return state;
}

/** [{step, value, line, method, op}] for one key: its value after each step 0..n. */
export function history(layout, timeline, key) {
  let value = stateAt(layout, timeline, 0)[key];
  const rows = [{ step: 0, value, line: null, method: "initial", op: null, changed: true }];
  (timeline?.steps || []).forEach((st, i) => {
    const changed = Object.prototype.hasOwnProperty.call(st.changes || {}, key);
    if (changed) value = st.changes[key];
    rows.push({ step: i + 1, value, line: st.line, method: st.method, op: st.op, changed });
  });
  return rows;
}
