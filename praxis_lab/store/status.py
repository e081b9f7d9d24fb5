"""Statuses of a run request and of a run, and the one transition helper both share.

A :class:`StatusMachine` is a noun (``"run"``, ``"request"``) and its legal moves
(status → the statuses it may become). It answers which moves are legal, which statuses
are final, and why a move is refused. :data:`REQUEST` and :data:`RUN` are seed 004's two
lifecycles; ``audit.py`` (requests) and ``lifecycle.py`` (runs) move stored rows with
them, and ``tables.py`` makes every ORM assignment of a run's status a checked move.

>>> door = StatusMachine("door", {"open": ("closed",), "closed": ("open", "locked"),
...                               "locked": ()})
>>> door.refusal("open", "closed") is None
True
>>> door.refusal("closed", "closed")
'a closed door can only become open or locked'
>>> door.refusal("locked", "open")
'locked is final: a locked door cannot change'
>>> door.final
frozenset({'locked'})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["REQUEST", "RUN", "InvalidTransition", "RequestStatus", "RunStatus", "StatusMachine"]


@dataclass(frozen=True)
class StatusMachine:
    """The legal moves of a ``noun``'s status; a status with no move is final."""

    noun: str
    moves: Mapping[str, Sequence[str]]
    statuses: tuple[str, ...] = field(init=False)
    final: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        statuses = tuple(str(s) for s in self.moves)
        moves = {str(s): tuple(str(n) for n in nxt) for s, nxt in self.moves.items()}
        unknown = {n for nxt in moves.values() for n in nxt} - set(statuses)
        if unknown:
            raise ValueError(f"{self.noun} moves to unknown statuses: {sorted(unknown)}")
        object.__setattr__(self, "moves", moves)
        object.__setattr__(self, "statuses", statuses)
        object.__setattr__(self, "final", frozenset(s for s in statuses if not moves[s]))

    def next(self, status: str) -> list[str]:
        """The statuses ``status`` may become (empty when final); KeyError when unknown."""
        return list(self.moves[str(status)])

    def is_final(self, status: str) -> bool:
        return str(status) in self.final

    def refusal(self, current: str, new: str) -> str | None:
        """None when ``current → new`` is legal, else why not: an unknown status, a final
        one, or the legal moves."""
        if current not in self.moves or new not in self.moves:
            bad = current if current not in self.moves else new
            return f"{bad!r} is not a {self.noun} status (statuses: {', '.join(self.statuses)})"
        legal = self.moves[current]
        if new in legal:
            return None
        if not legal:
            return f"{current} is final: a {current} {self.noun} cannot change"
        options = ", ".join(legal[:-1]) + (" or " if len(legal) > 1 else "") + legal[-1]
        return f"a {current} {self.noun} can only become {options}"


class RequestStatus(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    APPROVED = "approved"
    EXECUTING = "executing"
    COMPLETE = "complete"
    BLOCKED = "blocked"
    ABORTED = "aborted"


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"
    INTERRUPTED = "interrupted"
    REFUSED = "refused"


_Q, _R = RequestStatus, RunStatus
REQUEST = StatusMachine("request", {
    _Q.DRAFT: (_Q.PROPOSED,),
    _Q.PROPOSED: (_Q.APPROVED, _Q.BLOCKED),
    _Q.APPROVED: (_Q.EXECUTING, _Q.BLOCKED),
    _Q.EXECUTING: (_Q.COMPLETE, _Q.ABORTED),
    _Q.BLOCKED: (_Q.PROPOSED,),
    _Q.COMPLETE: (),
    _Q.ABORTED: (),
})
RUN = StatusMachine("run", {
    _R.PENDING: (_R.RUNNING, _R.REFUSED, _R.CANCELED),
    _R.RUNNING: (_R.COMPLETED, _R.FAILED, _R.CANCELED, _R.INTERRUPTED),
    _R.COMPLETED: (),
    _R.FAILED: (),
    _R.CANCELED: (),
    _R.INTERRUPTED: (),
    _R.REFUSED: (),
})


class InvalidTransition(ValueError):
    """A status change the run lifecycle does not allow."""

    def __init__(self, run_id: int | None, current: str, new: str,
                 why: str | None = None) -> None:
        self.run_id, self.current, self.new = run_id, current, new
        why = why or RUN.refusal(current, new) or "it is allowed"
        super().__init__(f"run {run_id} cannot go from {current} to {new}: {why}")
