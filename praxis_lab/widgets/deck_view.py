"""DeckView: the deck as inline SVG, wells shaded by volume, failures outlined, a step slider."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from ._base import BundledESM, reject_unknown, require_list, require_mapping

__all__ = ["DeckView"]


class DeckView(anywidget.AnyWidget):  # type: ignore[misc]
    """Inline SVG of a deck layout: rails or slots, carriers, plates, tip racks, troughs,
    trash, every well and tip spot.

    Wells are shaded by volume / max volume (hatched when unknown), taken tip spots are
    hollow, every well and tip spot a failure mode involves (all its channels) is
    outlined in red with the failure on hover. Labware the protocol uses but the deck
    lacks (layout entries with ``off_deck``) is drawn in front of the deck, red, "not on
    the deck". A slider scrubs through ``timeline`` (state after each simulated op); clicking
    a well sets ``selected`` and shows its volume over the protocol.

    Args:
        layout: ``{"deck": {...}, "resources": [...]}`` as produced by ``praxis_lab.deck``
            (absolute mm, PLR axes: y grows to the back).
        timeline: ``{"initial": {key: value}, "steps": [{"op", "index", "line", "method",
            "changes"}]}`` or ``None``.
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

    def __init__(
        self,
        layout: Any,
        timeline: Any = None,
        failures: Any = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown("DeckView", kwargs, ("layout", "timeline", "failures"))
        deck_layout = require_mapping(layout, "DeckView", "layout", ("deck", "resources"))
        steps = None
        if timeline is not None:
            steps = require_mapping(timeline, "DeckView", "timeline", ("steps",))
            steps.setdefault("initial", {})
        super().__init__(
            deck_layout=deck_layout,
            timeline=steps,
            failures=require_list(failures, "DeckView", "failures"),
        )

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
