// A stand-in for anywidget's model: get / set / on / off / save_changes / send.
// Like Backbone, `set` fires "change:<name>" only when the value really changes.
import { readFileSync } from "node:fs";
import { URL as NodeURL } from "node:url";

export class FakeModel {
  constructor(state = {}) {
    this.state = structuredClone(state);
    this.handlers = new Map();
    this.sent = [];
    this.saves = 0;
  }

  get(name) {
    return this.state[name];
  }

  set(name, value) {
    const changed = JSON.stringify(this.state[name]) !== JSON.stringify(value);
    this.state[name] = value;
    if (changed) this.emit(`change:${name}`);
  }

  on(name, fn) {
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(fn);
  }

  off(name, fn) {
    this.handlers.get(name)?.delete(fn);
  }

  save_changes() {
    this.saves += 1;
  }

  send(msg) {
    this.sent.push(msg);
  }

  emit(name) {
    for (const fn of this.handlers.get(name) || []) fn();
  }

  listenerCount() {
    return [...this.handlers.values()].reduce((n, set) => n + set.size, 0);
  }
}

/** The copy_plate fixture shared with the Python and browser tests. */
export const fixture = JSON.parse(
  readFileSync(new NodeURL("../../tests/ui/fixtures/copy_plate.json", import.meta.url), "utf-8"),
);

/** Render a widget module into a fresh element; returns {el, model, cleanup}. */
export function mount(widget, state) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = widget.render({ model, el });
  return { el, model, cleanup };
}
