"""How the command line prints reports: ``text``, ``json``, ``github`` or ``sarif``.

- ``text``: the report's summary (verdict, failure modes with their first fix,
  requirements).
- ``json``: the report as data (DESIGN.md's CLI JSON).
- ``github``: GitHub Actions workflow commands, one per failure mode, which the
  workflow shows on the line of the pull request:
  ``::error file=p.py,line=7,col=9,title=no_tips::no_tips: aspirate …`` for a failure on
  every path, ``::warning`` for one on some paths only (its condition is in the message)
  and for what stopped the simulation short.
- ``sarif``: one SARIF 2.1.0 log (what code-scanning tools read): one rule per failure
  kind, one result per failure mode with its region, and each fix as the replacements it
  makes in the file; what stopped a simulation short is a tool notification.

Every printer takes a list of :class:`Checked` files (a path and its report, or the
error that kept it from being simulated), so ``praxis-lab check`` prints many files the
way ``praxis-lab simulate`` prints one.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from praxis_lab.cli.parser import FORMATS

__all__ = ["FORMATS", "Checked", "char_column", "exit_code", "github", "render",
           "replacements", "sarif", "shown", "text"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass
class Checked:
    """One file: its report, or the one-line error that kept it from being simulated
    (with the line it points at, when it does)."""

    path: str
    report: Any = None
    error: str | None = None
    error_line: int | None = None


def exit_code(report: Any) -> int:
    """0 ok, 1 a failure mode, 3 not fully checked (no failure found, but a bound or the
    time limit stopped the exploration)."""
    if report.failure_modes:
        return 1
    complete = getattr(report, "complete", None)
    if complete is None:
        complete = report.ok
    return 0 if complete else 3


def render(checked: list[Checked], fmt: str) -> str:
    """The text ``fmt`` prints for these files (without a final newline)."""
    if fmt == "json":  # each report under budget.LIMIT bytes, what was cut counted
        from praxis_lab.cli.budget import LIMIT, bounded, bounded_json

        if len(checked) == 1 and checked[0].report is not None:
            return bounded_json(checked[0].report.to_dict())
        share = max(LIMIT // max(len(checked), 1), 50_000)
        return json.dumps([{"file": c.path, **({"report": bounded(c.report.to_dict(), share)}
                                               if c.report is not None else
                                               {"error": c.error})}
                           for c in checked], default=str)
    if fmt == "github":
        return "\n".join(line for c in checked for line in github(c))
    if fmt == "sarif":
        return json.dumps(sarif(checked), indent=1, ensure_ascii=False)
    return text(checked)


def text(checked: list[Checked]) -> str:
    """Each report's summary (preceded by its file when there are several)."""
    if len(checked) == 1 and checked[0].report is not None:
        return str(checked[0].report.summary())
    out = []
    for c in checked:
        if c.report is None:
            out.append(f"{c.path}: not simulated: {c.error}")
        else:
            out.append(f"{c.path}: {c.report.summary()}")
    return "\n".join(out)


# --- GitHub workflow commands --------------------------------------------------------


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _said(kind: str, message: str) -> str:
    """``kind: what happened`` without the ``kind @ line N:`` the message starts with (the
    annotation sits on that line already)."""
    return f"{kind}: " + re.sub(rf"^{re.escape(kind)} @ line \d+: ", "", message)


def _command(level: str, path: str, line: int | None, col: int | None, title: str,
             message: str) -> str:
    props = [f"file={_prop(path)}"]
    if line:
        props.append(f"line={line}")
        if col is not None:
            props.append(f"col={col + 1}")  # 1-based in the annotation, 0-based in the report
    props.append(f"title={_prop(title)}")
    return f"::{level} {','.join(props)}::{_data(message)}"


def shown(path: str) -> str:
    """``path`` relative to the working directory (a repository's root in CI) when it is
    inside it, with ``/`` separators; else as given."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


def char_column(source: str, line: int, column: int | None) -> int | None:
    """A column in characters from one in UTF-8 bytes (Python's code positions count
    bytes; annotations and SARIF count characters)."""
    if column is None or line < 1:
        return column
    lines = source.splitlines()
    if line > len(lines):
        return column
    return len(lines[line - 1].encode()[:column].decode("utf-8", "ignore"))


def github(c: Checked) -> list[str]:
    """The workflow commands for one file: an ``error`` per failure on every path, a
    ``warning`` per conditional failure and per trace issue."""
    path = shown(c.path)
    if c.report is None:
        return [_command("error", path, c.error_line, None, "not simulated", c.error or "")]
    out = []
    for f in c.report.failure_modes:
        level = "error" if f.certainty == "always" else "warning"
        message = _said(f.kind, f.message)
        if f.fixes:
            message += f"\nfix: {f.fixes[0]['description']}"
        out.append(_command(level, path, f.line or None,
                            char_column(c.report.source, f.line, f.column), f.kind, message))
    for issue in c.report.issues:
        out.append(_command("warning", path, issue.line, None, issue.kind,
                            f"{issue.kind}: {issue.message}"))
    return out


# --- SARIF 2.1.0 -----------------------------------------------------------------------


def _kinds() -> dict[str, str]:
    from praxis_lab.sim.failures import KINDS

    return dict(KINDS)


def _rule(kind: str, description: str) -> dict[str, Any]:
    from praxis_lab.sim.failures import PLR_ERRORS

    raises = PLR_ERRORS.get(kind, ())
    full = description + (f" (PLR raises {', '.join(raises)})" if raises else "")
    return {"id": kind, "name": "".join(w.title() for w in kind.split("_")),
            "shortDescription": {"text": description},
            "fullDescription": {"text": full},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["pylabrobot", "lab-automation"]}}


def _uri(path: str) -> str:
    p = Path(path)
    try:
        p = p.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return p.resolve().as_uri()
    return quote(p.as_posix())


def _region(line: int | None, column: int | None) -> dict[str, int] | None:
    if not line or line < 1:
        return None
    region = {"startLine": line}
    if column is not None and column >= 0:
        region["startColumn"] = column + 1
    return region


def _location(uri: str, index: int, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": index}}
    if uri and not uri.startswith("file:"):
        physical["artifactLocation"]["uriBaseId"] = "SRCROOT"
    region = _region(line, column)
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


def replacements(before: str, after: str) -> list[dict[str, Any]]:
    """The SARIF replacements turning ``before`` into ``after``: whole lines, located by
    character offset.

    >>> replacements("a\\nb\\n", "a\\nx\\nb\\n")
    [{'deletedRegion': {'charOffset': 2, 'charLength': 0}, 'insertedContent': {'text': 'x\\n'}}]
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        out.append({"deletedRegion": {"charOffset": starts[i1],
                                      "charLength": starts[i2] - starts[i1]},
                    "insertedContent": {"text": "".join(new[j1:j2])}})
    return out


def _fixes(mode: Any, source: str, uri: str, index: int) -> list[dict[str, Any]]:
    out = []
    for fix in mode.data.get("fix_objects") or []:
        try:
            changed = replacements(source, fix.apply(source))
        except Exception:  # a fix that cannot apply is left out (the text says so)
            continue
        if changed:
            location: dict[str, Any] = {"uri": uri, "index": index}
            if not uri.startswith("file:"):
                location["uriBaseId"] = "SRCROOT"
            out.append({"description": {"text": fix.description},
                        "artifactChanges": [{"artifactLocation": location,
                                             "replacements": changed}]})
    return out


def _result(mode: Any, rule_index: int, uri: str, index: int, source: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": mode.kind, "ruleIndex": rule_index,
        "level": "error" if mode.certainty == "always" else "warning",
        "message": {"text": mode.message},
        "locations": [_location(uri, index, mode.line,
                                char_column(source, mode.line, mode.column))],
        "properties": {"certainty": mode.certainty, "condition": mode.condition,
                       "method": mode.method, "resources": list(mode.resources),
                       "occurrences": mode.occurrences},
    }
    fixes = _fixes(mode, source, uri, index)
    if fixes:
        result["fixes"] = fixes
    return result


def sarif(checked: list[Checked]) -> dict[str, Any]:
    """One SARIF 2.1.0 log for these files (one run of praxis-lab)."""
    from praxis_lab import __version__

    kinds = _kinds()
    for c in checked:  # kinds a newer simulator reports that the table does not list yet
        for f in (c.report.failure_modes if c.report is not None else []):
            kinds.setdefault(f.kind, f.kind.replace("_", " "))
    order = {kind: i for i, kind in enumerate(kinds)}
    artifacts, results, notes = [], [], []
    for index, c in enumerate(checked):
        uri = _uri(c.path)
        artifacts.append({"location": {"uri": uri, **({} if uri.startswith("file:") else
                                                      {"uriBaseId": "SRCROOT"})},
                          "sourceLanguage": "python", "roles": ["analysisTarget"]})
        if c.report is None:
            notes.append({"level": "error", "message": {"text": c.error or "not simulated"},
                          "locations": [_location(uri, index, c.error_line, None)]})
            continue
        for mode in c.report.failure_modes:
            results.append(_result(mode, order[mode.kind], uri, index, c.report.source))
        for issue in c.report.issues:
            notes.append({"level": "warning", "message": {"text": issue.message},
                          "locations": [_location(uri, index, issue.line, None)],
                          "descriptor": {"id": issue.kind}})
    invocation: dict[str, Any] = {
        "executionSuccessful": all(c.report is not None for c in checked)}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "praxis-lab", "version": __version__,
                            "semanticVersion": __version__,
                            "rules": [_rule(k, d) for k, d in kinds.items()]}},
        "originalUriBaseIds": {"SRCROOT": {"uri": Path(os.getcwd()).resolve().as_uri() + "/"}},
        "artifacts": artifacts, "invocations": [invocation], "results": results,
        "columnKind": "unicodeCodePoints"}]}
