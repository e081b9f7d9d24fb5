"""The one base class of the errors a user caused, so the magics and the CLI map them once."""

from __future__ import annotations

__all__ = ["UserError"]


class UserError(Exception):
    """An error the user caused (protocol, store, request): one short message naming the thing and the fix."""  # noqa: E501
