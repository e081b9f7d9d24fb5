// The notebook a widget is shown in, reached from the widget's own frontend.
//
// JupyterLab 4 and Notebook 7 give a widget no handle on the application's commands (the
// app is on `window.jupyterapp` only with --LabApp.expose_app_in_browser), but the widget
// manager that renders it holds the notebook's document context: its shared model
// (`context.model.sharedModel`, a YNotebook) lists the cells with their ids and inserts and
// edits cells as the notebook's own editor does (undo, collaboration and saving included).
// Where there is no such manager (VS Code, Colab, a static page), the code is shown in a
// text box and copied to the clipboard instead.
import { h } from "./_shared.js";

/** The shared model (YNotebook) of the notebook the widget is rendered in, or null. */
export function sharedNotebook(model) {
  try {
    const notebook = model?.widget_manager?.context?.model?.sharedModel;
    return notebook && Array.isArray(notebook.cells) && typeof notebook.insertCell === "function"
      ? notebook : null;
  } catch {
    return null;
  }
}

/** Insert a code cell holding `source` below the cell with id `cellId`; true when done. */
export async function insertCellBelow(model, source, cellId) {
  const notebook = sharedNotebook(model);
  if (!notebook || !cellId) return false;
  const index = notebook.cells.findIndex((cell) => cell.id === cellId);
  if (index < 0) return false;
  notebook.insertCell(index + 1, { cell_type: "code", source, metadata: {} });
  return true;
}

/** Replace `old` by `text` in the one cell whose source holds `old` (the kernel may have
 * read it with a newline at its end the cell does not have); true when done. */
export async function replaceInCell(model, old, text) {
  const notebook = sharedNotebook(model);
  if (!notebook || !old) return false;
  const sourceOf = (cell) => String(cell.getSource?.() ?? cell.source ?? "");
  for (const [was, now] of [[old, text], [old.trimEnd(), text.trimEnd()]]) {
    const found = notebook.cells.filter((cell) => sourceOf(cell).includes(was));
    if (found.length === 1) {
      found[0].setSource(sourceOf(found[0]).replace(was, now));
      return true;
    }
    if (found.length > 1) return false;
  }
  return false;
}

/** A text box with `text` and a Copy button (the text is copied at once when allowed). */
export async function copyOut(text, why) {
  let copied = false;
  try {
    if (typeof navigator !== "undefined" && navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      copied = true;
    }
  } catch {
    copied = false;
  }
  const area = h("textarea", { class: "pd-code", readonly: true, spellcheck: "false" });
  area.value = text;
  return h("div", { class: "pd-copy" },
    h("div", { class: "praxis-muted" }, `${why}${copied ? " (copied to the clipboard)" : ""}.`),
    area,
    h("button", { class: "pd-copy-button", onclick: () => navigator.clipboard?.writeText(text) }, "Copy"));
}
