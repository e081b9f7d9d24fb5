"""ReportView: a simulation report as summary + failure list + deck view + graph view."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets

from ._base import reject_unknown, require_mapping
from .deck_view import DeckView
from .failure_list import ApplyFix, FailureList
from .graph_view import GraphView

__all__ = ["ReportView", "output_html", "summary_html"]

_BADGE = (
    "display:inline-block;padding:0 7px;border-radius:9px;border:1px solid currentColor;"
    "font-size:0.9em;color:var({color})"
)


class ReportView(ipywidgets.VBox):  # type: ignore[misc]
    """The report display: a summary (ok, paths, requirements, timings), then the
    failure list, the deck view and the graph view, stacked in one ``VBox``.

    Args:
        report: the report dict (``SimulationReport.to_dict()`` or the CLI's JSON):
            ``{"protocol", "ok", "paths", "failure_modes", "requirements", "graph",
            "deck_layout", "timeline", "timings_ms"}``; an object with ``to_dict()``
            is accepted too.
        source: the cell's source (for the fix diff).
        on_apply: ``(i, j) -> dict`` passed to the ``FailureList``.
        editor: a deck editor, or a function making one, for the deck view (see
            ``SimulationReport.deck_editor``); None: the deck cannot be edited.
        resimulate: ``(setup) -> SimulationReport``: after each deck edit the protocol is
            simulated again on the edited deck (``SimulationReport.with_setup``), and the
            summary, the failure list and the deck view show that report.

    The parts are attributes: ``summary`` (``HTML``), ``failure_list``, ``deck_view``
    and ``graph_view`` (``None`` when the report has no deck layout or graph), and under
    them ``output``: what the protocol printed (``None`` when it printed nothing).

    Example:
        >>> from praxis_lab.widgets import ReportView
        >>> report = {"protocol": "p", "ok": True, "paths": 1, "failure_modes": [],
        ...           "requirements": {"tips": {"tips": 8}}, "timings_ms": {"total": 3.1},
        ...           "graph": {"protocol_fqn": "demo.p", "resources": {}, "operations": [],
        ...                     "execution_order": []},
        ...           "deck_layout": {"deck": {"name": "deck", "type": "OTDeck",
        ...                                    "kind": "slot"}, "resources": []}}
        >>> view = ReportView(report)
        >>> [type(w).__name__ for w in view.children]
        ['HTML', 'FailureList', 'DeckView', 'GraphView']
        >>> view
        ReportView(p: ok, 1 paths)
    """

    def __init__(
        self,
        report: Any,
        source: str = "",
        on_apply: ApplyFix | None = None,
        editor: Any = None,
        resimulate: Callable[[Any], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown("ReportView", kwargs, ("report", "source", "on_apply", "editor",
                                              "resimulate"))
        data = require_mapping(report, "ReportView", "report", ("failure_modes",))
        failures = data.get("failure_modes") or []
        self.report = data
        self.summary = ipywidgets.HTML(summary_html(data))
        self.failure_list = FailureList(failures, source=source, on_apply=on_apply)
        layout, graph = data.get("deck_layout"), data.get("graph")
        self.resimulate = resimulate
        self.deck_view = (
            DeckView(layout, timeline=data.get("timeline"), failures=failures, editor=editor,
                     on_edit=self._edited if resimulate is not None else None)
            if layout else None
        )
        self.graph_view = GraphView(graph, failures=failures) if graph else None
        printed = data.get("protocol_output") or []
        self.output = ipywidgets.HTML(output_html(printed)) if printed else None
        parts = [self.summary, self.failure_list, self.deck_view, self.graph_view, self.output]
        super().__init__(children=[p for p in parts if p is not None])
        self.add_class("praxis-report")

    def _edited(self, editor: Any) -> dict[str, Any]:
        """Simulate the protocol again on the edited deck; show what that report says."""
        assert self.resimulate is not None
        again = self.resimulate(editor.objects)
        data = again.to_dict()
        self.report = data
        self.summary.value = summary_html(data)
        self.failure_list.failures = data["failure_modes"]
        self.failure_list.on_apply = getattr(again, "apply_fix", None)
        if self.graph_view is not None and data.get("graph"):
            self.graph_view.failures = data["failure_modes"]
        return {"failures": data["failure_modes"], "timeline": data.get("timeline")}

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            data, meta = bundle
        else:
            data, meta = bundle or {}, {}
        data["text/plain"] = repr(self)
        data["text/html"] = summary_html(self.report) + output_html(
            self.report.get("protocol_output") or [])
        return data, meta

    def __repr__(self) -> str:
        r = self.report
        state = "ok" if r.get("ok") else f"{len(r.get('failure_modes') or [])} failure modes"
        return f"ReportView({r.get('protocol', '?')}: {state}, {r.get('paths', '?')} paths)"


def summary_html(report: dict[str, Any]) -> str:
    """A self-contained HTML summary of a report (also the non-widget fallback)."""
    esc = html.escape
    ok = bool(report.get("ok"))
    failures = report.get("failure_modes") or []
    color = "--jp-success-color1, #2e7d32" if ok else "--jp-error-color1, #d32f2f"
    badge = _BADGE.format(color=color)
    notes = report.get("trace_issues") or []
    state = ("ok" if ok else
             f"{len(failures)} failure mode{'s' if len(failures) != 1 else ''}" if failures else
             "not fully checked")
    timings = report.get("timings_ms") or {}
    total = timings.get("total")
    timing = f" · simulated in {total:.0f} ms" if isinstance(total, int | float) else ""
    parts = [
        '<div class="praxis-report-summary" style="font-family:var(--jp-ui-font-family,sans-serif);'
        'color:var(--jp-ui-font-color1,inherit)">',
        f"<b>{esc(str(report.get('protocol', 'protocol')))}</b> "
        f'<span style="{badge}">{state}</span> '
        f'<span style="color:var(--jp-ui-font-color2,#666)">{report.get("paths", "?")} path(s)'
        f"{timing}</span>",
    ]
    if failures:
        parts.append(f'<ul style="margin:4px 0">{_failure_items(failures[:12])}</ul>')
    if notes:  # what the simulator could not follow, and PLR behaviours worth knowing
        parts.append('<ul style="margin:4px 0;color:var(--jp-warn-color1,#b26a00)">' + "".join(
            f"<li>⚠ <code>{esc(str(n.get('kind')))}</code>"
            + (f" @ line {n['line']}" if n.get("line") else "")
            + f": {esc(str(n.get('message', '')))}</li>" for n in notes[:8]) + "</ul>")
    reqs = _requirements(report.get("requirements") or {})
    if report.get("duration_s"):
        reqs.append(f"duration: {report['duration_s']:g} s (machines and waits)")
    if reqs:
        parts.append('<div style="color:var(--jp-ui-font-color2,#666)">Requirements: '
                     + " · ".join(reqs) + "</div>")
    parts.append("</div>")
    return "".join(parts)


def output_html(lines: list[str]) -> str:
    """What the protocol printed while it was simulated (its default path), in a block
    that opens on a click; '' when it printed nothing."""
    if not lines:
        return ""
    text = html.escape("\n".join(lines))
    return ('<details class="praxis-protocol-output" style="margin:4px 0;'
            'font-family:var(--jp-ui-font-family,sans-serif)"><summary>The protocol printed '
            f'{len(lines)} line{"s" if len(lines) != 1 else ""}</summary>'
            '<pre style="margin:2px 0 0 12px;max-height:16em;overflow:auto">'
            f"{text}</pre></details>")


def _failure_items(failures: list[dict[str, Any]]) -> str:
    """One ``<li>`` per failure: kind, line, condition and the message without its
    ``kind @ line N:`` head (said already)."""
    esc = html.escape
    items: list[str] = []
    for f in failures:
        where = f" @ line {f.get('line')}" if f.get("line") else ""
        cond = f" (if {esc(str(f['condition']))})" if f.get("condition") else ""
        message = re.sub(
            rf"^{re.escape(str(f.get('kind')))}(\s*@\s*line\s*\d+(:\d+)?)?\s*:\s*",
            "",
            str(f.get("message", "")),
        )
        items.append(
            f"<li><code>{esc(str(f.get('kind')))}</code>{where}{cond}: {esc(message)}</li>"
        )
    return "".join(items)


def _requirements(req: dict[str, Any]) -> list[str]:
    """What the protocol needs, one phrase each: tips, labware on the deck, liquid."""
    esc = html.escape
    reqs: list[str] = []
    tips = req.get("tips") or {}
    if tips:
        reqs.append("tips: " + ", ".join(f"{esc(str(k))} × {v}" for k, v in tips.items()))
    if req.get("on_deck"):
        reqs.append("on deck: " + ", ".join(esc(str(x)) for x in req["on_deck"]))
    liquid = req.get("liquid") or []
    if liquid:
        shown = ", ".join(
            f"{esc(str(x.get('parameter')))}[{esc(str(x.get('well')))}] ≥ {x.get('min_volume')} µL"
            for x in liquid[:6]
        )
        more = f" … (+{len(liquid) - 6})" if len(liquid) > 6 else ""
        reqs.append(f"liquid: {shown}{more}")
    machines = req.get("machines") or []
    if machines:
        reqs.append("machines: " + ", ".join(
            f"{esc(str(m.get('name')))} ({esc(str(m.get('type')))})" for m in machines))
    starts = [p for p in req.get("plates") or [] if p.get("starts_at")]
    if starts:
        reqs.append("plates start: " + ", ".join(
            f"{esc(str(p['plate']))} on {esc(str(p['starts_at'].get('at')))}" for p in starts))
    return reqs
