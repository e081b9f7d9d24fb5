"""The one base class of the errors a user caused, so the magics and the CLI map them once;
and the stop a check raises inside the protocol's code, which is never the protocol's own."""

from __future__ import annotations

__all__ = ["Stopped", "Unfinished", "UserError"]


class UserError(Exception):
    """An error the user caused (protocol, store, request): one short message naming the thing and the fix."""  # noqa: E501


class Unfinished(UserError):
    """A check still running when its time limit passed (CLI exit 3): the message says where
    ("not fully checked: still running after 20 s at line 3")."""


class Stopped(BaseException):
    """Raised inside the protocol's code to stop it (a bound of the trace, its time limit):
    loading and tracing let it through, whatever the protocol's own ``except`` says."""
