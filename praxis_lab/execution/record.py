"""The outcome of a run as stored (:class:`RunRecord`), and a refusal (:class:`PolicyBlocked`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from praxis_lab.execution.policy import PolicyDecision

__all__ = ["PolicyBlocked", "RunRecord", "approve_hint", "error_parts"]


class PolicyBlocked(RuntimeError):
    """``start()`` was refused: the run's request is blocked; the run is stored ``refused``."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record
        super().__init__(f"run {record.run_id} of {record.protocol} refused: "
                         f"{record.error_message}; {approve_hint(record)}")


def approve_hint(record: RunRecord) -> str:
    return (f"request {record.request_id} is blocked: fix the protocol, or approve it with "
            f"`praxis-lab approve {record.request_id} --reason TEXT` (or override=) and run it "
            "again with request=")


@dataclass
class RunRecord:
    """The outcome of one run, as stored."""

    run_id: int
    protocol: str
    status: str
    mode: str
    backend: str
    calls: int = 0
    expected_ops: int | None = None
    duration_s: float | None = None
    error_code: str | None = None
    error_message: str | None = None
    decision: PolicyDecision | None = None
    request_id: int | None = None
    request_status: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "completed"


def error_parts(error: Any) -> tuple[str | None, str | None]:
    """(code, message) of a run's error: an exception (its class and text), or a pair."""
    if isinstance(error, BaseException):
        return type(error).__name__, str(error) or type(error).__name__
    if error is None:
        return None, None
    return error[0], error[1]
