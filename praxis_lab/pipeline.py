"""``praxis_lab.simulate``: load, trace and check a protocol, then offer its fixes.

The pipeline of DESIGN.md, end to end: :mod:`praxis_lab.protocol` loads what the user
wrote, :func:`praxis_lab.sim.simulate.simulate_loaded` traces and checks it on every
path, and :mod:`praxis_lab.fixes` attaches the fixes. The report keeps how to simulate
again (its ``apply_fix`` re-simulates the fixed source with the same setup and params).

>>> report = simulate('''
... async def p(lh: LiquidHandler, tips: TipRack, plate: Plate):
...     await lh.aspirate(plate["A1"], vols=[50])
... ''')
>>> report.ok, report.failure_modes[0].kind, report.failure_modes[0].line
(False, 'no_tips', 3)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from praxis_lab.deck.proposal import forget_frozen
from praxis_lab.protocol.analyse import ProtocolError
from praxis_lab.protocol.setups import (
    FrozenUnusable,
    asked_more,
    forget,
    load_with_setup,
    setup_key,
)
from praxis_lab.sim.report import SimulationReport
from praxis_lab.sim.simulate import simulate_loaded
from praxis_lab.trace.limit import limited, name_files, unfinished
from praxis_lab.trace.sandbox import CONFINED, Sandbox, refuse, simulating
from praxis_lab.trace.tracer import _Bound

__all__ = ["simulate"]

_CACHE: OrderedDict[tuple[Any, ...], SimulationReport] = OrderedDict()
_CACHE_SIZE = 64


def simulate(protocol: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
             name: str | None = None, *, namespace: Mapping[str, Any] | None = None,
             cache: bool = True) -> SimulationReport:
    """Trace ``protocol`` and check every op on every path.

    ``protocol`` is an async function, a source string or a path; ``setup`` a function
    name in the same source, a callable or a dict (parameter → PLR object) for the
    exact level; ``params`` values for plain parameters. Repeated calls with the same
    source, setup and params are a cache lookup; the setup's objects are kept while the
    setup is unchanged, in this process and, for a setup named in a file, in the user
    cache directory (:mod:`praxis_lab.protocol.setups`).
    """
    return _simulate(protocol, setup, params, name, namespace, cache, frozen=True)


def _simulate(protocol: Any, setup: Any, params: Mapping[str, Any] | None, name: str | None,
              namespace: Mapping[str, Any] | None, cache: bool, *,
              frozen: bool) -> SimulationReport:
    # the protocol's code may read, never write, spawn or connect; and it has a time limit
    with simulating() as box, limited():
        with _collector_paused():
            try:
                report = _simulate_sandboxed(box, protocol, setup, params, name, namespace,
                                             cache, frozen=frozen)
            except _Bound as stop:  # at the top level or in the setup (the trace reports
                raise unfinished(stop) from None  # its own)
        return report


def _simulate_sandboxed(box: Sandbox, protocol: Any, setup: Any,
                        params: Mapping[str, Any] | None, name: str | None,
                        namespace: Mapping[str, Any] | None, cache: bool, *,
                        frozen: bool) -> SimulationReport:
    t0 = time.perf_counter()
    try:
        loaded, entry = load_with_setup(protocol, setup, name, namespace, frozen=frozen,
                                        confine=CONFINED)
    except ProtocolError:
        refuse(box, "its top level")  # the side effect it raised is the cause
        raise
    refuse(box, "its top level")  # (it caught the refusal)
    name_files(_files_of(loaded, setup))  # a stop in the setup names a line of these only
    # a setup is fingerprinted by what it resolves to (it may live in another notebook
    # cell than the protocol, and change on its own): its code and what that reads
    fp = setup_key(loaded, setup)
    key = (loaded.info.source_hash, loaded.info.name, fp, tuple(sorted((params or {}).items())))
    cacheable = cache and (setup is None or fp is not None) and namespace is None
    if cacheable and key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    again = dict(loaded.namespace) if namespace is not None or callable(protocol) else None
    try:
        checked = simulate_loaded(loaded, setup, params, t0, setup_key=fp, frozen=entry)
    except FrozenUnusable:
        checked = None
    # a frozen handler asked for more than it holds: once more, on the handler built
    if frozen and (checked is None or asked_more(checked.binding.objects)):
        forget(fp)
        forget_frozen()
        return _simulate(protocol, setup, params, name, namespace, cache, frozen=False)
    if checked is None:  # frozen models given as the setup's objects themselves
        raise ProtocolError("the setup's handler is a frozen model that cannot answer this "
                            "protocol; give the setup function or the real handler")
    report = checked.report
    if report.failure_modes:  # (the fixes and their proofs are imported only then)
        from praxis_lab.fixes.proof import Prover
        from praxis_lab.fixes.suggest import attach_fixes

        t_fix = time.perf_counter()
        prover = Prover(loaded, checked, setup, params, again)
        try:
            attach_fixes(checked, prover)
        except Exception as exc:  # an internal error: the report stands, without fixes
            from praxis_lab.sim.parts import Parts

            report.issues.append(Parts.note("the fixes", exc))
        _add_time(report, "fixes", t_fix)
        report.proofs = prover.simulations
    report._resimulate = functools.partial(_again, setup=setup, params=params,
                                           name=loaded.info.name, namespace=again)
    report._with_setup = functools.partial(_again, report.source, params=params,
                                           name=loaded.info.name, namespace=again)
    report._deck_editor = functools.partial(_deck_editor, loaded, setup, params,
                                            report.requirements)
    report._repair = _repair
    if cacheable:
        _CACHE[key] = report
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return report


def _files_of(loaded: Any, setup: Any) -> set[str]:
    """The files of the protocol and of a setup given as a function."""
    files = {loaded.info.filename}
    code = getattr(setup, "__code__", None)
    if code is not None:
        files.add(code.co_filename)
    return files


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one simulation builds its ops, states and graph:
    with 10,000 ops the collector's full passes cost a third of the report (a simulation
    is bounded: 200,000 ops, 20 s).

    It runs once the simulation has returned, still inside its sandbox. Nothing was
    promoted meanwhile, so one pass over the youngest generation finds all the garbage the
    protocol made, and a finalizer (``__del__``) it defined runs there, refused like the
    rest of it, not later wherever the collector happens to run. What only the simulation
    used (its paths, states and binding: none of it in a reference cycle) is freed by
    then, so the pass walks the report alone.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
            gc.collect(0)




def _deck_editor(loaded: Any, setup: Any, params: Mapping[str, Any] | None,
                 requirements: Mapping[str, Any]) -> Any:
    """A deck editor on the deck a report was made with (``report.deck_editor()``)."""
    from praxis_lab.deck.editor import DeckEditor

    return DeckEditor.for_protocol(loaded, setup, params, requirements)


def _again(source: str, *, setup: Any, params: Mapping[str, Any] | None, name: str,
           namespace: Mapping[str, Any] | None) -> SimulationReport:
    """Simulate an edited source the way its report was made (what ``apply_fix`` calls)."""
    return simulate(source, setup=setup, params=params, name=name, namespace=namespace)


def _repair(report: SimulationReport) -> dict[str, Any]:
    """Apply proven fixes until the protocol is clean (``SimulationReport.apply_fix()``)."""
    from praxis_lab.fixes.repair import repair

    return repair(report).to_dict()


def _add_time(report: SimulationReport, step: str, since: float) -> None:
    spent = round((time.perf_counter() - since) * 1000, 3)
    report.timings_ms[step] = round(report.timings_ms.get(step, 0.0) + spent, 3)
    report.timings_ms["total"] = round(report.timings_ms.get("total", 0.0) + spent, 3)
