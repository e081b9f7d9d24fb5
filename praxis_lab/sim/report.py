"""The simulation report: what ``simulate`` found, as data, text, HTML and a widget.

>>> from praxis_lab import simulate
>>> r = simulate("async def p(lh: LiquidHandler, tips: TipRack):\\n"
...              "    await lh.pick_up_tips(tips['A1'])\\n")
>>> print(r.summary())
p: ok — 1 ops, 1 path, level symbolic
  tips: tips 1
  on deck: tips
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from praxis_lab.sim.failures import FailureMode
from praxis_lab.trace.graph import ProtocolComputationGraph
from praxis_lab.trace.tracer import TraceIssue

__all__ = ["UNCHECKED", "SimulationReport"]

# Trace issues that leave a protocol not fully checked: its report is not complete.
UNCHECKED = frozenset({"timeout", "op_bound", "reads_state", "path_bound"})


@dataclass
class SimulationReport:
    """Everything ``simulate`` found. ``ok`` is True when no failure mode exists and every
    path was checked; ``complete`` is False when a bound (paths, PLR calls, time) or the
    protocol's reading of live state stopped the check short (``incomplete`` says why and
    where)."""

    protocol: str
    ok: bool
    paths: int
    failure_modes: list[FailureMode]
    requirements: dict[str, Any]
    graph: ProtocolComputationGraph
    deck_layout: dict[str, Any]
    timeline: dict[str, Any]
    timings_ms: dict[str, float]
    issues: list[TraceIssue] = field(default_factory=list)
    level: str = "symbolic"
    expected_ops: int = 0
    source: str = ""
    setup: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    proofs: int = 0  # fixed sources simulated to prove the fixes offered
    # how long the default path takes on the machines' clock: shakes, spins, profiles and
    # asyncio.sleep (pipetting and moves are not timed)
    duration_s: float = 0.0
    complete: bool = True
    # what the protocol printed on the default path (its first lines): never on stdout
    protocol_output: list[str] = field(default_factory=list)
    # how to simulate an edited source as this report was made (set by praxis_lab.simulate)
    _resimulate: Callable[[str], SimulationReport] | None = field(default=None, repr=False)
    # the same source simulated with another setup, and an editor of this report's deck
    _with_setup: Callable[..., SimulationReport] | None = field(default=None, repr=False)
    _deck_editor: Callable[[], Any] | None = field(default=None, repr=False)
    # apply proven fixes to a report until clean (set by praxis_lab.simulate: the fixes live
    # above sim); given the report when called, so a report holds no reference to itself
    # and is freed as soon as it is let go, without waiting for the garbage collector
    _repair: Callable[[SimulationReport], dict[str, Any]] | None = field(default=None,
                                                                        repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The CLI JSON of DESIGN.md."""
        return {
            "protocol": self.protocol, "ok": self.ok, "paths": self.paths, "level": self.level,
            "failure_modes": [f.to_dict() for f in self.failure_modes],
            "requirements": self.requirements, "graph": self.graph.to_dict(),
            "deck_layout": self.deck_layout, "timeline": self.timeline,
            "trace_issues": [{"kind": i.kind, "message": i.message, "line": i.line}
                             for i in self.issues],
            "expected_ops": self.expected_ops, "duration_s": self.duration_s,
            "complete": self.complete, "incomplete": self.incomplete,
            "protocol_output": self.protocol_output,
            "timings_ms": self.timings_ms,
        }

    @property
    def incomplete(self) -> list[str]:
        """Why the check stopped short, each with where: ``timeout at line 12: …``."""
        if self.complete:
            return []
        return [f"{i.kind}" + (f" at line {i.line}" if i.line else "") + f": {i.message}"
                for i in self.issues if i.kind in UNCHECKED]

    def verdict(self) -> str:
        """``ok``, ``FAILS`` (a failure mode) or ``not fully checked`` (none found, but the
        check stopped short)."""
        if self.failure_modes:
            return "FAILS"
        return "ok" if self.complete and self.ok else "not fully checked"

    def summary(self) -> str:
        """A few readable lines: verdict, failures with their first fix, requirements."""
        head = (f"{self.protocol}: {self.verdict()} — {self.expected_ops} ops, "
                f"{self.paths} path{'s' if self.paths != 1 else ''}, level {self.level}")
        lines = [head]
        for f in self.failure_modes:
            lines.append(f"  ✗ {f.message}")
            for fix in f.fixes[:1]:
                lines.append(f"      fix: {fix['description']}")
        for why in self.incomplete:
            lines.append(f"  not fully checked: {why}")
        for i in self.issues:
            if i.kind not in UNCHECKED or self.complete:
                lines.append(f"  ! {i.kind}: {i.message}"
                             + (f" @ line {i.line}" if i.line else ""))
        tips = self.requirements.get("tips") or {}
        if tips:
            lines.append("  tips: " + ", ".join(f"{k} {v}" for k, v in tips.items()))
        liquid = self.requirements.get("liquid") or []
        if liquid:
            shown = ", ".join(f"{r['parameter']}[{r['well']}] ≥ {r['min_volume']:g} µL"
                              for r in liquid[:6])
            more = f" (+{len(liquid) - 6} more)" if len(liquid) > 6 else ""
            lines.append(f"  liquid: {shown}{more}")
        capacity = self.requirements.get("capacity") or []
        if capacity:
            most = max(capacity, key=lambda r: r["min_capacity"])
            lines.append(f"  wells: {most['parameter']} needs wells holding ≥ "
                         f"{most['min_capacity']:,.6g} µL ({len(capacity)} well"
                         f"{'s' if len(capacity) != 1 else ''} beyond the guessed labware's)")
        machines = self.requirements.get("machines") or []
        if machines:
            lines.append("  machines: " + ", ".join(
                f"{m['name']} ({m['type']}{': ' if m['methods'] else ''}"
                f"{', '.join(m['methods'])})" for m in machines))
        if self.duration_s:
            lines.append(f"  duration: {_clock(self.duration_s)} (shakes, spins, profiles and "
                         "waits; pipetting and moves not timed)")
        on_deck = self.requirements.get("on_deck") or []
        if on_deck:
            lines.append("  on deck: " + ", ".join(on_deck))
        if self.protocol_output:
            others = len(self.protocol_output) - 1
            tail = f" (+{others} more line{'s' if others != 1 else ''})" if others else ""
            lines.append(f"  printed: {self.protocol_output[0]}{tail}")
        return "\n".join(lines)

    def apply_fix(self, failure: int | None = None, fix: int = 0) -> dict[str, Any]:
        """Apply fix ``fix`` of failure mode ``failure`` and re-simulate the fixed source;
        without ``failure``, apply proven fixes, re-simulate and repeat until the protocol
        is clean or nothing more can be fixed (what ``--fix`` does).

        Returns ``{"source", "diff", "ok", "summary", "failure_modes"}`` (what the
        failure list's "Apply fix" button shows; the repair adds ``applied``).
        """
        import difflib

        if failure is None:
            if self._repair is None:
                raise RuntimeError("this report was not made by praxis_lab.simulate: it "
                                   "cannot be fixed; call praxis_lab.simulate first")
            return self._repair(self)
        mode = self.failure_modes[failure]
        objs = mode.data.get("fix_objects") or []
        if not 0 <= fix < len(objs):
            raise IndexError(
                f"failure {failure} ({mode.kind}) has {len(objs)} fixes, not {fix + 1}")
        new_source = objs[fix].apply(self.source)
        diff = "\n".join(difflib.unified_diff(self.source.splitlines(), new_source.splitlines(),
                                              "before", "after", lineterm=""))
        if self._resimulate is None:
            raise RuntimeError("this report was not made by praxis_lab.simulate: it cannot "
                               "re-simulate a fix; call praxis_lab.simulate on the fixed source")
        after = self._resimulate(new_source)
        return {"source": new_source, "diff": diff, "ok": after.ok, "summary": after.summary(),
                "failure_modes": [f.to_dict() for f in after.failure_modes]}

    def deck_editor(self) -> Any:
        """A :class:`~praxis_lab.deck.editor.DeckEditor` on a deck of its own like the one
        simulated: the setup's (called again), else the proposed deck with the start volumes
        the protocol needs."""
        if self._deck_editor is None:
            raise RuntimeError("this report was not made by praxis_lab.simulate: it has no "
                               "deck to edit")
        return self._deck_editor()

    def with_setup(self, setup: Any) -> SimulationReport:
        """This protocol simulated again with ``setup`` (a function, or a dict of PLR
        objects such as ``deck_editor().objects``)."""
        if self._with_setup is None:
            raise RuntimeError("this report was not made by praxis_lab.simulate: call "
                               "praxis_lab.simulate(source, setup=...)")
        return self._with_setup(setup=setup)

    def __repr__(self) -> str:
        return f"<SimulationReport {self.summary().splitlines()[0]}>"

    def _repr_html_(self) -> str:
        from html import escape

        return "<pre class='praxis-report'>" + escape(self.summary()) + "</pre>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        try:
            from praxis_lab.widgets import ReportView

            editable = self._deck_editor is not None and self._with_setup is not None
            display(ReportView(self.to_dict(), source=self.source, on_apply=self.apply_fix,
                               editor=self.deck_editor if editable else None,
                               resimulate=self.with_setup if editable else None))
        except Exception:  # widgets unavailable (plain console, not built)
            display({"text/plain": self.summary(), "text/html": self._repr_html_()}, raw=True)


def _clock(seconds: float) -> str:
    """``3725`` → ``1 h 2 min 5 s``."""
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s or not whole else ""]
    return " ".join(p for p in parts if p) or f"{seconds:g} s"
