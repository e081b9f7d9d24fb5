// Shared DOM helpers for the praxis_lab widgets (bundled into each widget by esbuild).
//
// Every widget is plain DOM + inline SVG. Colours come from JupyterLab's CSS
// variables (--jp-*) with light fallbacks, so the widgets read well in the light
// and dark themes and outside JupyterLab.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Create an HTML element: h("div", {class: "x", onclick: fn}, child, "text"). */
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** Create an SVG element (same signature as `h`). */
export function s(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  node.append(...nodes(children));
  return node;
}

function nodes(children) {
  return children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
    .map((c) => (c instanceof Node ? c : String(c)));
}

/** Replace a node's children (arrays are flattened, null/false skipped). */
export function replace(node, ...children) {
  node.replaceChildren(...nodes(children));
  return node;
}

/** Theme variables shared by all widgets, scoped under `.praxis`. */
const BASE_CSS = `
.praxis {
  --praxis-fg: var(--jp-ui-font-color1, #1f2328);
  --praxis-muted: var(--jp-ui-font-color2, #59636e);
  --praxis-bg: var(--jp-layout-color1, #ffffff);
  --praxis-bg2: var(--jp-layout-color2, #f2f4f7);
  --praxis-border: var(--jp-border-color1, #c9d1d9);
  --praxis-border2: var(--jp-border-color2, #e1e4e8);
  --praxis-accent: var(--jp-brand-color1, #1976d2);
  --praxis-error: var(--jp-error-color1, #d32f2f);
  --praxis-ok: var(--jp-success-color1, #2e7d32);
  --praxis-warn: var(--jp-warn-color1, #ef6c00);
  --praxis-liquid: #2f80ed;
  --praxis-tip: #8b95a5;
  --praxis-mono: var(--jp-code-font-family, ui-monospace, SFMono-Regular, Menlo, monospace);
  color: var(--praxis-fg);
  font-family: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--jp-ui-font-size1, 13px);
  line-height: 1.4;
  box-sizing: border-box;
}
.praxis *, .praxis *::before, .praxis *::after { box-sizing: border-box; }
.praxis button {
  font: inherit; color: var(--praxis-fg); background: var(--praxis-bg2);
  border: 1px solid var(--praxis-border); border-radius: 4px; padding: 2px 10px; cursor: pointer;
}
.praxis button:hover:not(:disabled) { border-color: var(--praxis-accent); }
.praxis button:disabled { opacity: 0.45; cursor: default; }
.praxis .praxis-muted { color: var(--praxis-muted); }
.praxis .praxis-mono { font-family: var(--praxis-mono); }
.praxis .praxis-badge {
  display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 0.85em;
  border: 1px solid currentColor; white-space: nowrap;
}
.praxis .praxis-error-line { color: var(--praxis-error); white-space: pre-wrap; margin: 4px 0; }
.praxis .praxis-error-line:empty { display: none; }
`;

/** Inject a stylesheet once per document (id keeps it idempotent). */
export function injectStyle(id, css) {
  if (typeof document === "undefined") return;
  if (!document.getElementById("praxis-base-css")) {
    document.head.append(h("style", { id: "praxis-base-css" }, BASE_CSS));
  }
  if (!document.getElementById(id)) {
    document.head.append(h("style", { id }, css));
  }
}

/**
 * Subscribe to model events ("change:a change:b") and return a cleanup function,
 * so render() can return one function that detaches every listener.
 */
export function listen(model, events, callback) {
  const names = events.split(/\s+/).filter(Boolean);
  for (const name of names) model.on(name, callback);
  return () => {
    for (const name of names) model.off(name, callback);
  };
}

/** Set a model trait and sync it to Python. */
export function setTrait(model, name, value) {
  model.set(name, value);
  model.save_changes();
}

/** Format a volume in µL: 40 → "40 µL", 12.345 → "12.35 µL", strings stay symbolic. */
export function fmtVolume(value) {
  if (typeof value === "number" && Number.isFinite(value)) {
    const rounded = Math.round(value * 100) / 100;
    return `${rounded} µL`;
  }
  if (value === null || value === undefined) return "unknown";
  return String(value);
}

/** Format a duration in seconds as "42 s", "3 min 5 s", "1 h 2 min". */
export function fmtDuration(seconds) {
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return "";
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}

/** Shorten a string to `max` characters with an ellipsis. */
export function shorten(text, max = 80) {
  const str = String(text);
  return str.length > max ? `${str.slice(0, max - 1)}…` : str;
}

let uidCounter = 0;
/** A document-unique id prefix (SVG pattern ids must not collide across widgets). */
export function uid(prefix) {
  uidCounter += 1;
  return `${prefix}-${uidCounter}-${Math.random().toString(36).slice(2, 7)}`;
}

/** The failures touching each resource key: Map(key → [failure, ...]). */
export function failuresByKey(failures) {
  const map = new Map();
  for (const failure of failures || []) {
    // `involves`: every well and tip spot of every channel the failure is on
    for (const key of failure.involves || failure.resources || []) {
      if (!map.has(key)) map.set(key, []);
      map.get(key).push(failure);
    }
  }
  return map;
}

/** A failure's message without a leading "kind @ line N:" (the list shows those apart). */
export function bareMessage(failure) {
  const message = String(failure.message ?? "");
  const prefix = new RegExp(`^${failure.kind}(\\s*@\\s*line\\s*\\d+(:\\d+)?)?\\s*:\\s*`);
  return message.replace(prefix, "");
}

/** One line per failure: "insufficient_liquid @ line 7 (if cond): message". */
export function failureText(failure) {
  const where = failure.line ? ` @ line ${failure.line}` : "";
  const cond =
    failure.certainty === "conditional" && failure.condition ? ` (if ${failure.condition})` : "";
  return `${failure.kind}${where}${cond}: ${bareMessage(failure)}`;
}
