"""What the protocol's own code raised, as a failure: a table keyed by exception class.

The tracer records an exception that escapes the protocol as a ``raised``
:class:`~praxis_lab.trace.tracer.TraceIssue` with its class names, most specific first (the
class's MRO). The first of them found in :data:`RAISED` picks the rule that names the
failure: Python's errors on PLR objects keep their meaning (an attribute PLR does not have is
``unknown_method``, a trough indexed like a plate ``wrong_resource``, PLR's item and site
lookups ``wrong_resource``, a deck lookup ``not_on_deck``) and everything else the protocol
raises or exits with is ``protocol_error``. An exception the protocol raises itself (its own
``raise`` or ``assert``) is always ``protocol_error``, whatever its class.

>>> from praxis_lab.trace.tracer import TraceIssue
>>> issue = TraceIssue("raised", "AssertionError: needs 8 wells", 3, 4,
...                    ("AssertionError", "Exception", "BaseException"))
>>> [(f.kind, f.line) for f in raised_failures(issue, "", proposed=False)]
[('protocol_error', 3)]
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

from praxis_lab.protocol.blocks import locate
from praxis_lab.sim.failures import Failure
from praxis_lab.trace.sandbox import REFUSED
from praxis_lab.trace.tracer import TraceIssue

__all__ = ["RAISED", "raised_failures"]


class _Raised(NamedTuple):
    """What a rule reads: the issue, the protocol's statement that raised (if its own
    ``raise`` or ``assert``), and whether the labware is proposed (no setup)."""

    issue: TraceIssue
    own: str | None  # "raise" or "assert"
    proposed: bool

    @property
    def message(self) -> str:
        return self.issue.message

    def failure(self, kind: str, text: str) -> Failure:
        """A failure of ``kind`` where the protocol's line raised."""
        return Failure(kind, self.issue.line or 0, self.issue.column or 0, "", [], text,
                       {"raised": self.message, "classes": list(self.issue.raised)})


Rule = Callable[[_Raised], Failure | None]


def _reported_elsewhere(r: _Raised) -> Failure | None:
    return None  # an unresolved parameter: one unresolved_type failure, not one per path


def _not_found(r: _Raised) -> Failure:
    if r.proposed:
        return r.failure("unresolved_type", f"the protocol looks labware up on the deck "
                         f"({r.message.split(': ', 1)[-1]}) but no setup binds a deck; pass "
                         "--setup NAME to simulate against the real deck")
    return r.failure("not_on_deck", f"the protocol looks up labware the deck does not have "
                     f"({r.message}); check the name, or assign the labware to the deck in "
                     "the setup")


def _unknown_method(r: _Raised) -> Failure:
    return r.failure("unknown_method", f"the protocol raises {r.message}")


def _type_error(r: _Raised) -> Failure:
    if "not subscriptable" in r.message or "not iterable" in r.message:
        return r.failure("wrong_resource", f"the protocol raises {r.message}: a resource used "
                         "like a plate or a list that is not one (a trough has no wells; index "
                         "plates and tip racks)")
    return r.failure("bad_arguments", f"the protocol raises {r.message}")


def _wrong_resource(r: _Raised) -> Failure:
    return r.failure("wrong_resource", f"the protocol raises {r.message}")


def _exits(r: _Raised) -> Failure:
    said = r.message.split(": ", 1)[1] if ": " in r.message else ""
    return r.failure("protocol_error", "the protocol exits (sys.exit" + (
        f": {said}" if said else "") + "); raise an exception or return instead, so the "
        "run ends with its error recorded")


def _protocol_error(r: _Raised) -> Failure:
    if r.own is not None:
        return r.failure("protocol_error", f"the protocol stops itself with its own {r.own}: "
                         f"{r.message}; give it values the check accepts (--param, the setup) "
                         "or change the check")
    return r.failure("protocol_error", f"the protocol raises {r.message}; PLR is not "
                     "involved: fix the code at this line or the values it is given")


def _side_effect(r: _Raised) -> Failure:
    what = r.message.split(": ", 1)[-1]
    return r.failure("protocol_error", f"the protocol {what}: simulate runs the protocol's "
                     f"Python and refuses {REFUSED} (reading files is allowed); keep them out "
                     "of the protocol (a value asked for: make it a parameter), or check it "
                     "without them")


# The rule for each exception class, looked up along the raised exception's MRO.
RAISED: dict[str, Rule] = {
    "ProtocolError": _reported_elsewhere,
    "SideEffectBlocked": _side_effect,  # praxis_lab.trace.sandbox
    "ResourceNotFoundError": _not_found,  # PLR's deck.get_resource
    "AttributeError": _unknown_method,  # lh.mix, plate.wells: what PLR does not have
    "TypeError": _type_error,
    "LookupError": _wrong_resource,  # KeyError, IndexError: PLR's item and site lookups
    "SystemExit": _exits,
    "BaseException": _protocol_error,
}


def raised_failures(issue: TraceIssue | None, source: str, proposed: bool) -> list[Failure]:
    """The failure a path's ``raised`` issue stands for (none for other issues).

    ``source`` is the protocol's source (to tell its own ``raise`` and ``assert`` apart);
    ``proposed`` whether the labware is proposed rather than bound by a setup.
    """
    if issue is None or issue.kind != "raised":
        return []
    own = _own_statement(source, issue.line)
    if own == "assert" and "AssertionError" not in issue.raised:
        own = None  # PLR raised while the assert's test was computed
    r = _Raised(issue, own, proposed)
    if r.own is not None and not {"ProtocolError", "SideEffectBlocked"} & set(issue.raised):
        rule: Rule = _protocol_error
    else:
        rule = next((RAISED[name] for name in issue.raised if name in RAISED), _protocol_error)
    failure = rule(r)
    return [failure] if failure is not None else []


def _own_statement(source: str, line: int | None) -> str | None:
    """``"raise"`` or ``"assert"`` when the statement at ``line`` is one, else None."""
    if not line or not source:
        return None
    try:
        place = locate(source, line)
    except SyntaxError:
        return None
    stmt = place.stmt if place is not None else None
    if isinstance(stmt, ast.Raise):
        return "raise"
    return "assert" if isinstance(stmt, ast.Assert) else None
