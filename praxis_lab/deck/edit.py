"""An edit of a deck: what it did, or why PLR (or praxis_lab, with PLR's sizes) refused it;
:func:`attempt` makes one (checked, done through PLR, undone when PLR raises).

>>> Edit(False, "PLR refused to move src to site 1 of car: spot 1 already has a resource",
...      ["Resource 'src' is very high on the deck"]).to_dict()["ok"]
False
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Edit", "Refused", "attempt", "plr_warnings"]


@dataclass
class Edit:
    """What an edit did: ``ok``, a sentence (PLR's reason when refused), PLR's warnings."""

    ok: bool
    message: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "message": self.message, "warnings": list(self.warnings)}


class Refused(Exception):
    """An edit refused before PLR was asked (the message says why)."""


@contextlib.contextmanager
def plr_warnings() -> Iterator[list[str]]:
    """PLR's warnings (its z-height check logs them) while an edit runs."""
    said: list[str] = []
    log = logging.getLogger("pylabrobot")

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record.getMessage())

    keep = _Keep(logging.WARNING)
    level = log.level
    log.addHandler(keep)
    if level == logging.NOTSET or level > logging.WARNING:
        log.setLevel(logging.WARNING)
    try:
        yield said
    finally:
        log.removeHandler(keep)
        log.setLevel(level)


def attempt(what: str, check: Callable[[], None], do: Callable[[], None],
            undo: Callable[[], None]) -> Edit:
    """``check`` (refuses with a reason), then ``do`` through PLR; ``undo`` if PLR raises.
    ``what`` says the edit (``move src to rail 4``)."""
    try:
        check()
    except Refused as exc:
        return Edit(False, f"cannot {what}: {exc}")
    with plr_warnings() as said:
        try:
            do()
        except Exception as exc:
            undo()
            return Edit(False, f"PLR refused to {what}: {exc}")
    return Edit(True, what[0].upper() + what[1:], said)
