// FailureList: every failure mode with its kind, certainty, line, message and fixes.
// "Apply fix" sends {type: "apply", failure: i, fix: j}; Python answers by setting
// `applied` = {source, diff, ok, summary, failure_modes}: the diff is shown with
// coloured +/- lines, with the re-simulated summary (the fixed source simulated again).
// In JupyterLab 4 / Notebook 7 the fixed source replaces the protocol in the cell that
// holds it, in one edit of the notebook's shared model (one undo in the cell restores
// it); a later fix replaces the earlier one. Where the frontend gives widgets no
// notebook (a viewer, VS Code, a static page) or the cell was edited since, it says so
// and copies the fixed source to the clipboard instead.
//
// Model traits: failures [...], source (str), applied (dict | null), error (str).
import { replaceInCell, sharedNotebook } from "./_notebook.js";
import { bareMessage, h, injectStyle, listen, replace } from "./_shared.js";

const CSS = `
.praxis-failures .pf-head { display: flex; gap: 8px; align-items: baseline; margin-bottom: 6px; }
.praxis-failures .pf-title { font-weight: 600; }
.praxis-failures .pf-ok { color: var(--praxis-ok); font-weight: 600; }
.praxis-failures .pf-item { border: 1px solid var(--praxis-border2); border-left: 4px solid var(--praxis-error);
  border-radius: 4px; padding: 6px 10px; margin-bottom: 6px; background: var(--praxis-bg); }
.praxis-failures .pf-item.conditional { border-left-color: var(--praxis-warn); }
.praxis-failures .pf-top { display: flex; gap: 8px; flex-wrap: wrap; align-items: baseline; }
.praxis-failures .pf-kind { font-family: var(--praxis-mono); font-weight: 600; color: var(--praxis-error); }
.praxis-failures .conditional .pf-kind { color: var(--praxis-warn); }
.praxis-failures .pf-line { font-weight: 600; }
.praxis-failures .pf-message { margin: 3px 0; }
.praxis-failures .pf-resources { color: var(--praxis-muted); font-size: 0.9em; }
.praxis-failures .pf-fix { display: flex; gap: 8px; align-items: center; margin-top: 4px; flex-wrap: wrap; }
.praxis-failures .pf-fix code { font-family: var(--praxis-mono); color: var(--praxis-muted); font-size: 0.9em; }
.praxis-failures .pf-fix button { border-color: var(--praxis-accent); }
.praxis-failures .pf-applied { border: 1px solid var(--praxis-border); border-radius: 4px; padding: 6px 10px; margin-top: 8px; }
.praxis-failures .pf-applied:empty { display: none; }
.praxis-failures .pf-summary { display: flex; gap: 8px; align-items: baseline; }
.praxis-failures .pf-summary > span:last-child { white-space: pre-wrap; }
.praxis-failures pre.pf-diff { font-family: var(--praxis-mono); font-size: 0.92em; margin: 6px 0;
  padding: 4px 0; background: var(--praxis-bg2); border-radius: 3px; overflow-x: auto; }
.praxis-failures pre.pf-diff span { display: block; padding: 0 8px; white-space: pre; }
.praxis-failures pre.pf-diff .add { background: rgba(46, 160, 67, 0.18); color: var(--praxis-ok); }
.praxis-failures pre.pf-diff .del { background: rgba(248, 81, 73, 0.16); color: var(--praxis-error); }
.praxis-failures pre.pf-diff .hunk { color: var(--praxis-accent); }
.praxis-failures pre.pf-diff .meta { color: var(--praxis-muted); }
.praxis-failures .pf-copy { display: flex; gap: 8px; align-items: center; }
.praxis-failures .pf-cell-state.edited { color: var(--praxis-ok); }
.praxis-failures textarea.pf-source { width: 100%; min-height: 8em; font-family: var(--praxis-mono);
  background: var(--praxis-bg); color: var(--praxis-fg); border: 1px solid var(--praxis-border); }
`;

/** Split a unified diff into [{kind: add|del|hunk|meta|ctx, text}] lines. */
export function diffLines(diff) {
  return String(diff || "").split("\n").filter((line, i, all) => line || i < all.length - 1).map((text) => {
    if (text.startsWith("+++") || text.startsWith("---")) return { kind: "meta", text };
    if (text.startsWith("@@")) return { kind: "hunk", text };
    if (text.startsWith("+")) return { kind: "add", text };
    if (text.startsWith("-")) return { kind: "del", text };
    return { kind: "ctx", text };
  });
}

/** A one-line preview of a fix's edit: the first added line of a diff, else its first line. */
export function editPreview(edit) {
  const lines = String(edit ?? "").split("\n");
  const added = lines.find((l) => l.startsWith("+") && !l.startsWith("+++"));
  return (added ? added.slice(1) : lines[0]).trim();
}

/** Copy text to the clipboard; resolves to true when the browser allowed it. */
export async function copyText(text) {
  try {
    if (typeof navigator === "undefined" || !navigator.clipboard?.writeText) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// Per model (a widget shown twice has two views): the protocol's text as the cell holds it
// since the last fix applied there, and which application edited it.
const cells = new WeakMap();

/** Put `applied.source` in the cell in place of the protocol's text (the previous fix's,
 * else the report's source); resolves to "edited", "no-notebook" or "not-found". Each
 * application is made once, by the first view that sees it. */
export function editCell(model, applied) {
  const state = cells.get(model) || { text: model.get("source") || "", n: null, done: null };
  cells.set(model, state);
  if (state.n !== applied.n) {
    state.n = applied.n;
    state.done = (async () => {
      if (!sharedNotebook(model)) return "no-notebook";
      // the last fix's text, else the report's own (the cell was undone back to it)
      for (const text of new Set([state.text, model.get("source") || ""])) {
        if (await replaceInCell(model, text, applied.source || "")) {
          state.text = applied.source || "";
          return "edited";
        }
      }
      return "not-found";
    })();
  }
  return state.done;
}

const CELL_STATE = {
  edited: "the cell now holds the fixed source, simulated again above (one undo in the cell restores it)",
  "no-notebook": "this frontend gives widgets no access to the notebook: copy the fixed source into the cell",
  "not-found": "the protocol was not found in one cell as it was simulated (edited since?): copy the fixed source into the cell",
};

function render({ model, el }) {
  injectStyle("praxis-failure-list-css", CSS);
  const root = h("div", { class: "praxis praxis-failures" });
  replace(el, root);
  let pending = null;

  function apply(i, j, button) {
    pending = `applying fix ${j + 1} of failure ${i + 1} …`;
    button.disabled = true;
    model.send({ type: "apply", failure: i, fix: j });
    const status = root.querySelector(".pf-status");
    if (status) status.textContent = pending;
  }

  function item(f, i) {
    const conditional = f.certainty === "conditional";
    const resources = f.resources || [];
    return h("div", { class: `pf-item${conditional ? " conditional" : ""}`, "data-index": i },
      h("div", { class: "pf-top" },
        h("span", { class: "pf-kind" }, f.kind),
        h("span", { class: "praxis-badge" }, conditional ? `if ${f.condition || "?"}` : "always"),
        f.line ? h("span", { class: "pf-line" }, `line ${f.line}`, f.column ? h("span", { class: "praxis-muted" }, `:${f.column}`) : null) : null,
        f.method ? h("span", { class: "praxis-mono praxis-muted" }, `${f.method}()`) : null,
        f.occurrences > 1 ? h("span", { class: "praxis-muted", title: "times this failure occurs" }, `×${f.occurrences}`) : null),
      h("div", { class: "pf-message" }, bareMessage(f)),
      resources.length ? h("div", { class: "pf-resources" }, `resources: ${resources.slice(0, 12).join(", ")}${resources.length > 12 ? " …" : ""}`) : null,
      (f.fixes || []).map((fix, j) => h("div", { class: "pf-fix" },
        h("button", {
          class: "pf-apply", "data-failure": i, "data-fix": j,
          onclick: (event) => apply(i, j, event.currentTarget),
        }, "Apply fix"),
        h("span", {}, fix.description),
        fix.edit ? h("code", { title: String(fix.edit) }, editPreview(fix.edit)) : null)),
      (f.fixes || []).length ? null : h("div", { class: "pf-nofix praxis-muted" },
        "no automatic fix: edit this line as the message says"));
  }

  function draw() {
    const failures = model.get("failures") || [];
    replace(root,
      h("div", { class: "pf-head" },
        h("span", { class: "pf-title" }, "Failure modes"),
        failures.length
          ? h("span", { class: "praxis-badge", style: "color: var(--praxis-error)" }, `${failures.length}`)
          : h("span", { class: "pf-ok" }, "none: the protocol is ok")),
      failures.map(item),
      h("div", { class: "pf-status praxis-muted" }, pending || ""),
      h("div", { class: "praxis-error-line" }, model.get("error") || ""),
      h("div", { class: "pf-applied" }));
    showApplied(false);
  }

  function appliedFix(applied) {
    const fix = (model.get("failures") || [])[applied.failure]?.fixes?.[applied.fix];
    return fix ? h("div", { class: "praxis-muted pf-applied-fix" }, `applied: ${fix.description}`) : null;
  }

  function showApplied(edit) {
    const box = root.querySelector(".pf-applied");
    const applied = model.get("applied");
    if (!box) return;
    if (!applied) { box.replaceChildren(); return; }
    const remaining = applied.failure_modes || [];
    const ok = applied.ok ?? remaining.length === 0;
    const lines = diffLines(applied.diff);
    const copyState = h("span", { class: "pf-copy-state praxis-muted" });
    const cellState = h("div", { class: "pf-cell-state praxis-muted" });
    const area = h("textarea", { class: "pf-source", readonly: true, hidden: true, onfocus: (e) => e.target.select() });
    area.value = applied.source || "";
    const tryCopy = async () => {
      const done = await copyText(applied.source || "");
      copyState.textContent = done ? "fixed source copied to the clipboard" : "select and copy the fixed source below";
      area.hidden = done;
    };
    replace(box,
      h("div", { class: "pf-summary" },
        h("span", { class: "praxis-badge", style: `color: var(${ok ? "--praxis-ok" : "--praxis-error"})` },
          ok ? "ok" : `${remaining.length} failure mode(s) left`),
        h("span", {}, applied.summary || "")),
      appliedFix(applied),
      lines.length
        ? h("pre", { class: "pf-diff" }, lines.map((l) => h("span", { class: l.kind }, l.text || " ")))
        : h("div", { class: "praxis-muted" }, "no change to the source"),
      cellState,
      h("div", { class: "pf-copy" }, h("button", { class: "pf-copy-btn", onclick: tryCopy }, "Copy fixed source"), copyState),
      area);
    if (!edit) return;
    editCell(model, applied).then((result) => {
      cellState.textContent = CELL_STATE[result] || "";
      cellState.classList.toggle("edited", result === "edited");
      cellState.dataset.result = result;
      if (result !== "edited") tryCopy();
    });
  }

  draw();
  const offs = [
    listen(model, "change:failures change:source", draw),
    listen(model, "change:error", () => {
      pending = null;
      const line = root.querySelector(".praxis-error-line");
      if (line) line.textContent = model.get("error") || "";
      const status = root.querySelector(".pf-status");
      if (status) status.textContent = "";
      root.querySelectorAll(".pf-apply").forEach((b) => { b.disabled = false; });
    }),
    listen(model, "change:applied", () => {
      pending = null;
      const status = root.querySelector(".pf-status");
      if (status) status.textContent = "";
      root.querySelectorAll(".pf-apply").forEach((b) => { b.disabled = false; });
      showApplied(true);
    }),
  ];
  return () => offs.forEach((off) => off());
}

export default { render };
