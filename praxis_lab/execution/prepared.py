"""A run's prepared state as its attributes: what its preflight found, or before
``prepare()`` what was given.

:class:`PreparedRun` is what :class:`~praxis_lab.execution.runner.Runner` reads of its
:class:`~praxis_lab.execution.preflight.Preflight` (the store's engine, the protocol, the
setup's objects, the policy's decision...): ``prepared`` raises until the run is prepared,
the others say what was given (``params``, ``report``, ``request_id``) or nothing yet.

>>> run = PreparedRun({"volume": 50.0}, None, 7)
>>> run.params, run.request_id, run.run_id, run.mode
({'volume': 50.0}, 7, None, 'mock')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from praxis_lab.execution.control import RunControl
from praxis_lab.execution.policy import PolicyDecision
from praxis_lab.execution.preflight import Preflight

__all__ = ["PreparedRun"]


class PreparedRun(RunControl):
    """A run's controls and what its preflight found (``_preflight``, set by ``prepare()``)."""

    def __init__(self, params: Mapping[str, Any] | None = None, report: Any = None,
                 request: int | None = None) -> None:
        super().__init__()
        self._params: dict[str, Any] = dict(params or {})
        self._report: Any = report
        self._request: int | None = request
        self._preflight: Preflight | None = None

    @property
    def prepared(self) -> Preflight:
        """The run's preflight; RuntimeError before :meth:`prepare`."""
        if self._preflight is None:
            raise RuntimeError("the run is not prepared yet: call prepare() (or start())")
        return self._preflight

    engine = property(lambda self: self.prepared.engine, doc="the run store's engine")
    func = property(lambda self: self.prepared.func, doc="the protocol's function")
    objects = property(lambda self: self.prepared.objects, doc="the setup's objects")
    info = property(lambda self: self.prepared.info, doc="the protocol's analysis")
    handlers = property(lambda self: self.prepared.handlers, doc="the LiquidHandler keys")
    devices = property(lambda self: self.prepared.devices, doc="what drives each machine")
    report_dict = property(lambda self: self.prepared.report_dict, doc="the report as data")
    expected = property(lambda self: self.prepared.expected, doc="PLR calls expected")

    @property
    def params(self) -> dict[str, Any]:
        return self._preflight.params if self._preflight else self._params

    @property
    def report(self) -> Any:
        return self._preflight.report if self._preflight else self._report

    @property
    def backend(self) -> str | None:
        return self._preflight.backend if self._preflight else None

    @property
    def mode(self) -> str:
        """``mock`` (every device one of PLR's simulators) or ``real``."""
        return self._preflight.mode if self._preflight else "mock"

    @property
    def decision(self) -> PolicyDecision | None:
        return self._preflight.decision if self._preflight else None

    @property
    def request_id(self) -> int | None:
        return self._preflight.request.id if self._preflight else self._request

    @property
    def run_id(self) -> int | None:
        return self._preflight.run_id if self._preflight else None
