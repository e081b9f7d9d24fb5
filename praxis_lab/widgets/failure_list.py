"""FailureList: every failure mode with its fixes and an "Apply fix" button."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import traitlets

from ._base import BundledESM, plain, reject_unknown, require_list

__all__ = ["ApplyFix", "FailureList"]

ApplyFix = Callable[[int, int], Mapping[str, Any]]
"""``on_apply(failure_index, fix_index) -> {"source", "diff", "ok", "summary", "failure_modes"}``"""


class FailureList(anywidget.AnyWidget):  # type: ignore[misc]
    """Each failure mode with its kind, certainty or condition, line, message and fixes.

    "Apply fix" calls ``on_apply(i, j)`` (failure ``i``, fix ``j``, indices into the
    original ``failures``), which returns the fixed source and the re-simulated result;
    the widget shows the diff and the summary. In JupyterLab 4 and Notebook 7 the fixed
    source then replaces ``source`` in the notebook cell holding it, in one edit (one undo
    in the cell restores it); where the frontend gives widgets no notebook, or no cell
    holds ``source`` any more, the widget says so and copies the fixed source to the
    clipboard. An exception in ``on_apply`` is shown in the widget (``error``) and kept
    in ``last_exception``; it is never lost in a log.

    Args:
        failures: failure-mode dicts (``kind``, ``certainty``, ``condition``, ``line``,
            ``column``, ``method``, ``message``, ``resources``, ``fixes``).
        source: the protocol's source as the cell holds it (what a fix replaces there; the
            diff is computed from it when ``on_apply`` gives none).
        on_apply: ``(i, j) -> {"source", "diff", "ok", "summary", "failure_modes"}``.

    Example:
        >>> from praxis_lab.widgets import FailureList
        >>> failures = [{"kind": "insufficient_liquid", "certainty": "always",
        ...              "condition": None, "line": 2, "column": 4, "method": "aspirate",
        ...              "message": "aspirate 60 µL from src[A1], which holds 50 µL",
        ...              "resources": ["src[A1]"],
        ...              "fixes": [{"description": "aspirate 50 µL", "edit": "60 → 50"}]}]
        >>> source = "async def p(lh, src):\\n    await lh.aspirate(src['A1'], vols=[60])\\n"
        >>> fixed = source.replace("[60]", "[50]")
        >>> widget = FailureList(failures, source=source, on_apply=lambda i, j: {
        ...     "source": fixed, "ok": True, "summary": "ok", "failure_modes": []})
        >>> widget.apply(0, 0)["ok"]
        True
        >>> "+    await lh.aspirate(src['A1'], vols=[50])" in widget.applied["diff"]
        True
    """

    _esm = BundledESM("failure_list")

    failures = traitlets.List(traitlets.Dict()).tag(sync=True)
    source = traitlets.Unicode("").tag(sync=True)
    applied = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        failures: Any,
        source: str = "",
        on_apply: ApplyFix | None = None,
        **kwargs: Any,
    ) -> None:
        reject_unknown("FailureList", kwargs, ("failures", "source", "on_apply"))
        if on_apply is not None and not callable(on_apply):
            raise TypeError(
                f"FailureList(on_apply=...) must be callable (i, j) -> dict, "
                f"got {type(on_apply).__name__}"
            )
        if not isinstance(source, str):
            raise TypeError(f"FailureList(source=...) must be a str, got {type(source).__name__}")
        super().__init__(failures=require_list(failures, "FailureList", "failures"), source=source)
        self.on_apply = on_apply
        self.last_exception: BaseException | None = None
        self._applications = 0
        self.on_msg(self._on_custom_msg)

    def _on_custom_msg(self, _widget: object, content: Any, _buffers: object) -> None:
        if isinstance(content, dict) and content.get("type") == "apply":
            self.apply(content.get("failure"), content.get("fix"))

    def apply(self, failure: Any, fix: Any) -> dict[str, Any] | None:
        """Apply fix ``fix`` of failure ``failure``; returns the ``applied`` dict or None."""
        self.error = ""
        try:
            i, j = self._check_indices(failure, fix)
            if self.on_apply is None:
                description = self.failures[i]["fixes"][j].get("description", f"fix {j}")
                raise RuntimeError(
                    f"cannot apply {description!r}: FailureList was created without "
                    "on_apply=(i, j) -> dict"
                )
            result = self.on_apply(i, j)
            applied = self._normalise(result, i, j)
        except Exception as exc:
            self.last_exception = exc
            self.error = f"Apply fix failed: {type(exc).__name__}: {exc}"
            return None
        self.applied = applied
        return applied

    def _check_indices(self, failure: Any, fix: Any) -> tuple[int, int]:
        if not isinstance(failure, int) or not 0 <= failure < len(self.failures):
            raise IndexError(f"no failure {failure!r}: the list has {len(self.failures)}")
        fixes = self.failures[failure].get("fixes") or []
        if not isinstance(fix, int) or not 0 <= fix < len(fixes):
            raise IndexError(f"no fix {fix!r} for failure {failure}: it has {len(fixes)}")
        return failure, fix

    def _normalise(self, result: Any, i: int, j: int) -> dict[str, Any]:
        data = plain(result, f"on_apply({i}, {j})")
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise TypeError(
                f"on_apply({i}, {j}) must return a dict with a 'source' str, "
                f"got {type(result).__name__}"
            )
        remaining = data.get("failure_modes") or []
        diff = data.get("diff")
        if not diff:
            diff = "".join(
                difflib.unified_diff(
                    self.source.splitlines(keepends=True),
                    data["source"].splitlines(keepends=True),
                    "cell",
                    "cell (fixed)",
                )
            )
        self._applications += 1
        return {
            "source": data["source"],
            "diff": diff,
            "ok": bool(data.get("ok", not remaining)),
            "summary": str(data.get("summary") or f"{len(remaining)} failure mode(s) left"),
            "failure_modes": remaining,
            "failure": i,
            "fix": j,
            "n": self._applications,
        }

    def __repr__(self) -> str:
        lines = sorted({int(f["line"]) for f in self.failures if f.get("line")})
        kinds = ", ".join(sorted({str(f.get("kind")) for f in self.failures}))
        where = f" at lines {', '.join(map(str, lines))}" if lines else ""
        return f"FailureList({len(self.failures)} failure modes{where}: {kinds or 'none'})"
