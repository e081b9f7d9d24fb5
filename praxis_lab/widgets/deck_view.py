"""DeckView: the deck as inline SVG, wells shaded by volume, failures outlined, a step slider;
with an editor, labware dragged to other sites, carriers along the rails, start volumes set
by clicking wells, every edit checked by PLR, and the deck exported as ``make_deck()``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import traitlets

from ._base import BundledESM, reject_unknown, require_list, require_mapping

__all__ = ["DeckView", "OnEdit"]

OnEdit = Callable[[Any], "Mapping[str, Any] | None"]
"""``on_edit(editor) -> {"failures", "timeline"} | None``: after each edit PLR accepted (the
report view simulates the protocol again on the edited deck)."""

# what the view's frontend may ask for: edit action → the editor method and its arguments
_ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "move": ("move", ("name", "carrier", "site", "slot", "rails")),
    "add_carrier": ("add_carrier", ("factory", "rails", "name")),
    "remove_carrier": ("remove_carrier", ("name",)),
    "change_type": ("change_type", ("name", "factory")),
    "set_volume": ("set_volume", ("name", "volume", "wells")),
    "change_deck": ("change_deck", ("deck",)),
}


def _cell_id() -> str:
    """The id of the notebook cell running now (JupyterLab sends it with the code), or ""."""
    try:
        from IPython import get_ipython

        result = getattr(getattr(get_ipython(), "displayhook", None), "exec_result", None)
        return str(getattr(getattr(result, "info", None), "cell_id", None) or "")
    except Exception:  # no IPython, an old one: the frontend falls back to copying
        return ""


class DeckView(anywidget.AnyWidget):  # type: ignore[misc]
    """Inline SVG of a deck layout: rails or slots, carriers, plates, tip racks, troughs,
    trash, every well and tip spot.

    Wells are shaded by volume / max volume (hatched when unknown), taken tip spots are
    hollow, every well and tip spot a failure mode involves (all its channels) is
    outlined in red with the failure on hover. Labware the protocol uses but the deck
    lacks (layout entries with ``off_deck``) is drawn in front of the deck, red, "not on
    the deck". The protocol's machines (``layout["machines"]``) are drawn where they stand,
    or beside the deck when they stand nowhere on it. A slider scrubs through ``timeline``
    (state after each simulated op): wells and tips, and each plate where it is then (its
    ``places`` and each step's ``moves``: on a machine, or faded when the machine holding
    it is off the deck); clicking a well sets ``selected`` and shows its volume over the
    protocol.

    Args:
        layout: ``{"deck": {...}, "resources": [...], "machines": [...]}`` as produced by
            ``praxis_lab.deck`` (absolute mm, PLR axes: y grows to the back).
        timeline: ``{"initial": {key: value}, "steps": [{"op", "index", "line", "method",
            "changes", "moves"}], "places": {plate: place}}`` or ``None``.
        failures: failure-mode dicts; their ``involves`` keys (else ``resources``) are
            highlighted.

    Example:
        >>> from praxis_lab.widgets import DeckView
        >>> well = {"name": "src_A1", "type": "Well", "category": "well", "parent": "src",
        ...         "x": 20, "y": 70, "size_x": 7, "size_y": 7, "key": "src[A1]",
        ...         "max_volume": 360.0, "volume": 50.0}
        >>> plate = {"name": "src", "type": "Plate", "category": "plate", "parent": "deck",
        ...          "x": 10, "y": 10, "size_x": 127.8, "size_y": 85.5, "key": "src",
        ...          "parameter": "src"}
        >>> layout = {"deck": {"name": "deck", "type": "OTDeck", "kind": "slot",
        ...                    "size_x": 624.3, "size_y": 565.2},
        ...           "resources": [plate, well]}
        >>> timeline = {"initial": {"src[A1]": 50.0}, "steps": [
        ...     {"op": "op_0", "index": 0, "line": 2, "method": "aspirate",
        ...      "changes": {"src[A1]": 10.0}}]}
        >>> view = DeckView(layout, timeline=timeline)
        >>> view.step = 1          # the state after the aspirate at line 2
        >>> view.state_at()["src[A1]"]
        10.0
        >>> view                   # doctest: +ELLIPSIS
        DeckView(OTDeck 'deck': 2 resources, 1 wells, 0 failing resources, step 1/1)
    """

    _esm = BundledESM("deck_view")

    deck_layout = traitlets.Dict().tag(sync=True)
    timeline = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    failures = traitlets.List(traitlets.Dict()).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    # editing: an editor can be made, is being used; where things can go; the last edit's
    # outcome; the labware types offered for one labware; carriers that can be added
    editable = traitlets.Bool(False).tag(sync=True)
    editing = traitlets.Bool(False).tag(sync=True)
    can_write_back = traitlets.Bool(False).tag(sync=True)
    targets = traitlets.Dict().tag(sync=True)
    edit_status = traitlets.Dict().tag(sync=True)
    choices = traitlets.Dict().tag(sync=True)
    carrier_types = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # the exported make_deck() ({source, cell_id, n}) and a write-back ({old, new, n})
    exported = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    written = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    cell_id = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        layout: Any,
        timeline: Any = None,
        failures: Any = None,
        editor: Any = None,
        on_edit: OnEdit | None = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown("DeckView", kwargs, ("layout", "timeline", "failures", "editor",
                                            "on_edit"))
        deck_layout = require_mapping(layout, "DeckView", "layout", ("deck", "resources"))
        steps = None
        if timeline is not None:
            steps = require_mapping(timeline, "DeckView", "timeline", ("steps",))
            steps.setdefault("initial", {})
        super().__init__(
            deck_layout=deck_layout,
            timeline=steps,
            failures=require_list(failures, "DeckView", "failures"),
            editable=editor is not None,
            cell_id=_cell_id(),
        )
        self._make_editor = editor if callable(editor) else (lambda: editor)
        self.editor: Any = None
        self.on_edit = on_edit
        self._text: str | None = None  # the setup's text as last written back
        self.on_msg(self._on_custom_msg)

    # --- editing -----------------------------------------------------------------------------

    def _on_custom_msg(self, _widget: object, content: Any, _buffers: object) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "edit_start":
            self.start_editing()
        elif kind == "edit":
            self.edit(str(content.get("action")), **(content.get("args") or {}))
        elif kind == "choices":
            self.list_choices(str(content.get("name")))
        elif kind == "export":
            self.export_setup()
        elif kind == "write_back":
            self.write_back()
        elif kind == "written" and content.get("ok") and self.written:
            self._text = self.written["new"]  # the frontend replaced the setup's text

    def _status(self, ok: bool, message: str, warnings: list[str] | None = None) -> None:
        n = int(self.edit_status.get("n", 0)) + 1
        self.edit_status = {"ok": ok, "message": message, "warnings": warnings or [], "n": n}

    def start_editing(self) -> bool:
        """Make the editor (the setup called again, or the proposed deck filled with what the
        protocol needs) and draw its deck; False with the reason in ``edit_status``."""
        if self.editor is None:
            try:
                self.editor = self._make_editor()
            except Exception as exc:
                self._status(False, f"cannot edit this deck: {exc}")
                return False
            if self.editor is None:
                self._status(False, "this deck view was made without an editor")
                return False
        self.can_write_back = getattr(self.editor, "source", None) is not None
        self._refresh()
        self._offer_carriers()
        self.editing = True
        return True

    def _offer_carriers(self) -> None:
        """The carriers that can be added: Hamilton's, on a rail deck."""
        from praxis_lab.deck.catalogue import carriers

        kind = self.targets.get("kind")
        self.carrier_types = [c.name for c in carriers()] if kind == "carrier" else []

    def _refresh(self) -> None:
        self.deck_layout = self.editor.layout()
        self.targets = self.editor.targets()
        if self.on_edit is not None:
            again = self.on_edit(self.editor) or {}
            if "timeline" in again:
                self.step = 0
                self.timeline = again["timeline"]
            if "failures" in again:
                self.failures = list(again["failures"])

    def edit(self, action: str, **args: Any) -> dict[str, Any]:
        """Apply one edit (``move``, ``add_carrier``, ``remove_carrier``, ``change_type``,
        ``set_volume``, ``change_deck``) through the editor; its outcome, also in
        ``edit_status``."""
        if self.editor is None and not self.start_editing():
            return dict(self.edit_status)
        method, allowed = _ACTIONS.get(action, ("", ()))
        unknown = sorted(set(args) - set(allowed))
        if not method or unknown:
            self._status(False, f"no edit {action!r} with {', '.join(unknown) or 'that'}: "
                                f"edits are {', '.join(_ACTIONS)}")
            return dict(self.edit_status)
        try:
            done = getattr(self.editor, method)(**{k: v for k, v in args.items()
                                                   if v is not None})
        except Exception as exc:  # an argument of the wrong type: said, not raised
            self._status(False, f"{action} failed: {type(exc).__name__}: {exc}")
            return dict(self.edit_status)
        if done.ok:
            self._refresh()
            if action == "change_deck":
                self.can_write_back = False  # a setup's deck type is its own to change
                self._offer_carriers()
        self._status(done.ok, done.message, done.warnings)
        return dict(self.edit_status)

    def list_choices(self, name: str) -> list[dict[str, Any]]:
        """The catalogue's types for labware ``name`` (its kind, fitting its site)."""
        from praxis_lab.deck.catalogue import describe

        if self.editor is None and not self.start_editing():
            return []
        try:
            entries = [describe(e) for e in self.editor.choices(name)]
        except Exception as exc:
            self._status(False, f"no types for {name}: {exc}")
            return []
        self.choices = {"name": name, "entries": entries}
        return entries

    def export_setup(self) -> str | None:
        """The edited deck as ``make_deck()``; the frontend inserts it as a new cell below."""
        if self.editor is None and not self.start_editing():
            return None
        try:
            source = str(self.editor.export())
        except Exception as exc:
            self._status(False, f"cannot export: {exc}")
            return None
        n = int((self.exported or {}).get("n", 0)) + 1
        self.exported = {"source": source, "cell_id": self.cell_id, "n": n}
        return source

    def write_back(self) -> str | None:
        """The setup's text with the edits written into its function; the frontend puts it
        in place of the text it was read from."""
        if self.editor is None or getattr(self.editor, "source", None) is None:
            self._status(False, "no setup function to write into: export the deck instead")
            return None
        try:
            new = str(self.editor.write_back())
        except Exception as exc:
            self._status(False, str(exc))
            return None
        old = self._text if self._text is not None else self.editor.source.text
        n = int((self.written or {}).get("n", 0)) + 1
        self.written = {"old": old, "new": new, "function": self.editor.source.function, "n": n}
        return new

    @traitlets.validate("step")
    def _clamp_step(self, proposal: dict[str, Any]) -> int:
        count = len((self.timeline or {}).get("steps") or [])
        return max(0, min(int(proposal["value"]), count))

    @property
    def wells(self) -> list[dict[str, Any]]:
        """The layout's wells (resource dicts with category ``"well"``)."""
        return [r for r in self.deck_layout.get("resources", []) if r.get("category") == "well"]

    def state_at(self, step: int | None = None) -> dict[str, Any]:
        """The state (key → volume or has-tip) after ``step`` ops (default: current step)."""
        step = self.step if step is None else step
        state: dict[str, Any] = {}
        for res in self.deck_layout.get("resources", []):
            key = res.get("key")
            if key and res.get("category") == "tip_spot":
                state[key] = res.get("has_tip")
            elif key and res.get("category") in ("well", "trough"):
                state[key] = res.get("volume")
        timeline = self.timeline or {}
        state.update(timeline.get("initial") or {})
        for entry in (timeline.get("steps") or [])[:step]:
            state.update(entry.get("changes") or {})
        return state

    def __repr__(self) -> str:
        deck = self.deck_layout.get("deck", {})
        failing = {k for f in self.failures
                   for k in f.get("involves") or f.get("resources") or []}
        steps = len((self.timeline or {}).get("steps") or [])
        return (
            f"DeckView({deck.get('type', 'deck')} {deck.get('name', '')!r}: "
            f"{len(self.deck_layout.get('resources', []))} resources, {len(self.wells)} wells, "
            f"{len(failing)} failing resources, step {self.step}/{steps})"
        )
