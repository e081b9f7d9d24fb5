"""Bind protocol parameters to labware on a deck, and describe the deck as data.

With a setup, parameters are the user's real PLR objects on the handler's real
deck. Without one, :func:`bind` *proposes* a deck: a STARLet with each
parameter's default labware on a carrier (tip racks on ``TIP_CAR_480_A00``,
plates on ``PLT_CAR_L5AC_A00``, troughs on ``Trough_CAR_4R200_A00``), so the
protocol runs against real geometry. :func:`~praxis_lab.deck.layout.layout` (re-exported
here) turns any deck into the plain data the deck widget draws.

>>> from praxis_lab.protocol.analyse import analyse
>>> b = bind(analyse("async def p(lh: LiquidHandler, tips: TipRack, src: Plate): ..."))
>>> b.proposed, sorted(b.objects)
(True, ['lh', 'src', 'tips'])
>>> b.key(b.objects["src"].get_item("B3"))
'src[B3]'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab._plr import machines
from praxis_lab.deck.proposal import default_for, keep, proposal
from praxis_lab.deck.shared import Shared, identifiers, ordering, shared_for
from praxis_lab.deck.walk import lidded, signature, under
from praxis_lab.protocol.analyse import Parameter, ProtocolError, ProtocolInfo
from praxis_lab.trace.sym import Sym

__all__ = ["Binding", "bind", "is_unresolved"]

_P = _plr.PLR
_WELL_OR_SPOT = (_P["Well"], _P["TipSpot"])


@dataclass
class Binding:
    """Parameter name → stand-in, and how to name every resource the protocol touches."""

    info: ProtocolInfo
    handler: Any  # a real PLR LiquidHandler
    objects: dict[str, Any]  # labware / handler / concrete values
    witness: dict[str, Any]  # numeric and bool parameters (traced as Sym)
    proposed: bool
    setup_name: str | None = None
    unresolved: list[Parameter] = field(default_factory=list)
    pinned: dict[str, Any] = field(default_factory=dict)  # --param / params=: never forks
    _labels: dict[int, str] = field(default_factory=dict)
    _keys: dict[int, str] = field(default_factory=dict)
    _by_tracker: dict[int, Any] | None = None
    _idents: dict[int, tuple[Any, dict[str, str]]] = field(default_factory=dict)
    _tip_volumes: dict[int, tuple[Any, float]] = field(default_factory=dict)
    # what earlier bindings of the same labels worked out (deck/shared.py): the keys of
    # labelled labware's wells and spots, the items looked up in it, facts of a kept setup
    _shared: Shared | None = None
    _lidded: bool | None = None
    _walked: tuple[Any, ...] | None = None

    @property
    def deck(self) -> Any:
        return self.handler.deck

    @property
    def _item_lookups(self) -> dict[int, tuple[Any, Any, dict[Any, Any]]] | None:
        return None if self._shared is None else self._shared.item_lookups

    def _fact(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, or what it gave for this kept setup's deck before."""
        return make() if self._shared is None else self._shared.fact(name, self.deck, make)

    def starts_lidded(self) -> bool:
        """Whether a lid sits on the deck or in the protocol's labware or machines as the
        protocol starts (read once per binding, or per kept setup: simulating never changes
        them)."""
        if self._lidded is None:
            self._lidded = bool(self._fact("lidded", self._lidded_now))
        return self._lidded

    def _lidded_now(self) -> bool:
        deck = self.deck
        off = [o for o in self.objects.values() if hasattr(o, "get_all_children")
               and not _plr.is_handler(o)  # (its child is the deck, walked)
               and not under(o, deck)]  # (the deck's: walked)
        return (deck is not None and lidded(self.deck_signature())) or _plr.any_lid(off)

    def deck_signature(self) -> tuple[Any, ...]:
        """The deck walked once (:func:`~praxis_lab.deck.walk.signature`) per binding, or
        per kept setup: simulating never changes it."""
        if self._walked is None:
            self._walked = self._fact("walk", lambda: signature(self.deck))
        return self._walked

    def args(self, tracer_ref: Callable[[], Any]) -> dict[str, Any]:
        """Keyword arguments for one traced run of the protocol."""
        from praxis_lab.trace.machines import TracedMachine
        from praxis_lab.trace.proxies import TracedHandler

        out: dict[str, Any] = {}
        tracer = tracer_ref()
        for p in self.info.params:
            obj = self.objects.get(p.name)
            kind = machines.kind_of(obj)
            if p.name in self.witness:
                value = tracer.witness(p.name)
                out[p.name] = Sym(p.name, value, param=p.name, boolean=isinstance(value, bool),
                                  real=p.element_type == "float")
            elif p.kind == "machine" or _plr.is_handler(obj):
                out[p.name] = TracedHandler(tracer_ref, self.objects[p.name], p.name)
            elif kind is not None:  # a plate reader, heater shaker...: never the real one
                out[p.name] = TracedMachine(tracer_ref, obj, p.name, kind, self._named())
            elif p.name in self.objects:
                out[p.name] = self.objects[p.name]
            elif p.has_default:
                out[p.name] = p.default
            else:
                out[p.name] = _Unresolved(p)
        return out

    def _named(self) -> dict[str, Any]:
        """The protocol's labware by PLR name (what an incubator fetches by name)."""
        return {r.name: r for r in self.objects.values()
                if hasattr(r, "get_root") and isinstance(getattr(r, "name", None), str)}

    def label(self, resource: Any) -> str:
        return self._labels.get(uid(resource)) or str(getattr(resource, "name", resource))

    def key(self, resource: Any) -> str:
        """A stable, readable key: ``src[A1]`` for a well, ``tips[H12]``, ``trough``,
        ``carrier[2]`` for a site of a bound carrier."""
        rid = uid(resource)
        k = self._keys.get(rid)
        if k is not None:
            return k
        if rid in self._labels:
            k = self._labels[rid]
        else:
            parent = getattr(resource, "parent", None)
            if isinstance(resource, _WELL_OR_SPOT) and parent is not None:
                k = self._item_key(resource, parent)
            elif uid(parent) in self._labels and isinstance(parent, _P["Carrier"]):
                site = next((i for i, s in parent.sites.items() if s is resource), None)
                k = self.label(resource) if site is None else f"{self.label(parent)}[{site}]"
            else:
                k = self.label(resource)
        self._keys[rid] = k
        return k

    def _item_key(self, item: Any, parent: Any) -> str:
        """``src[A1]``; for labelled labware, the keys of all its items at once, shared with
        earlier bindings of the same labels while the items are the same
        (:meth:`~praxis_lab.deck.shared.Shared.keys_of`)."""
        if self._shared is not None and uid(parent) in self._labels:
            keys = self._shared.keys_of(parent, self._labels[uid(parent)])
            found = keys.get(uid(item))
            if found is not None:
                if self._labels.keys() & keys.keys():  # an item labelled on its own keeps it
                    keys = {i: k for i, k in keys.items() if i not in self._labels}
                self._keys.update(keys)
                return found
        return f"{self.label(parent)}[{self.identifier(item)}]"

    def identifier(self, item: Any) -> str:
        """``item.get_identifier()`` (``"B3"``) without PLR's scan of the parent's items.

        PLR looks an item up by name in its parent's ordering, one item after another; the
        name → identifier table of each parent is built once per binding instead.
        """
        parent = item.parent
        found = self._idents.get(uid(parent))
        if found is None:  # (the parent is kept alive)
            found = self._idents[uid(parent)] = (parent, identifiers(ordering(parent)))
        ident = found[1].get(item.name)
        return ident if ident is not None else str(item.get_identifier())

    def tip_volume(self, spot: Any) -> float:
        """The maximal volume of the tips ``spot`` makes: PLR builds a new ``Tip`` on every
        ``make_tip()``; it is asked once per tip factory per binding."""
        make = getattr(spot, "_make_tip_func", None)
        found = self._tip_volumes.get(uid(make)) if make is not None else None
        if found is not None:
            return found[1]
        volume = float(spot.make_tip().maximal_volume)
        if make is not None:
            self._tip_volumes[uid(make)] = (make, volume)  # the factory is kept alive
        return volume

    def resource_of(self, tracker: Any) -> Any:
        """The labware, well or tip spot a PLR tracker belongs to (on the deck or bound)."""
        if self._by_tracker is None:
            found: dict[int, Any] = {}
            seen: set[int] = set()
            roots = [self.deck, *self.objects.values()]
            while roots:
                res = roots.pop()
                for r in res if isinstance(res, list | tuple) else [res]:
                    if not hasattr(r, "children") or uid(r) in seen:
                        continue
                    seen.add(uid(r))
                    if getattr(r, "tracker", None) is not None:
                        found[uid(r.tracker)] = r
                    roots.extend(r.children)
            self._by_tracker = found
        return self._by_tracker.get(uid(tracker))

    def starts_with_tip(self, spot: Any) -> bool:
        """Whether a tip spot holds a tip before the protocol runs: the setup's tracker, or
        full for a proposed rack."""
        return True if self.proposed else bool(spot.tracker.has_tip)

    def on_deck(self, resource: Any) -> bool:
        try:
            return bool(resource.get_root() is self.deck.get_root()) or resource is self.deck
        except AttributeError:
            return True


class _Unresolved:
    """Stand-in for a parameter whose type is not PLR labware: any use stops the path."""

    def __init__(self, param: Parameter) -> None:
        object.__setattr__(self, "_param", param)

    def _fail(self, *a: Any, **k: Any) -> Any:
        p: Parameter = object.__getattribute__(self, "_param")
        raise ProtocolError(
            f"parameter {p.name!r} has type {p.annotation!r}, which is not PLR labware: "
            "bind it with --setup"
        )

    __getitem__ = __iter__ = __len__ = __call__ = _fail  # type: ignore[assignment]

    def __repr__(self) -> str:  # the graph shows it: the same text on every run
        p: Parameter = object.__getattribute__(self, "_param")
        return f"<unresolved {p.name}: {p.annotation}>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("get_root", "name", "parent"):
            raise AttributeError(name)  # introspection (hasattr) sees a plain object
        return self._fail()


def is_unresolved(value: Any) -> bool:
    """Whether ``value`` (or an item of it) stands for an unresolved parameter."""
    if isinstance(value, list | tuple):
        return any(isinstance(v, _Unresolved) for v in value)
    return isinstance(value, _Unresolved)


def _numeric(p: Parameter, value: Any) -> bool:
    """Whether the parameter is traced as a symbolic number (a bool forks too)."""
    et = p.element_type
    if isinstance(value, Sym):
        return False
    if isinstance(value, bool):
        return et in ("bool", None)
    return et in ("int", "float") or (et is None and isinstance(value, int | float))


def _coerce(p: Parameter, raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    et = p.element_type
    try:
        if et == "int":
            return int(raw)
        if et == "float":
            return float(raw)
        if et == "bool":
            return raw.lower() in ("1", "true", "yes", "on")
        if et in (None,):
            for conv in (int, float):
                try:
                    return conv(raw)
                except ValueError:
                    pass
    except ValueError:
        raise ProtocolError(
            f"--param {p.name}={raw!r}: {p.name} is annotated {et}, so give "
            f"{'a whole number' if et == 'int' else 'a number'}, e.g. --param {p.name}="
            f"{'2' if et == 'int' else '150'}") from None
    return raw


def bind(info: ProtocolInfo, setup: Mapping[str, Any] | None = None,
         params: Mapping[str, Any] | None = None, setup_name: str | None = None, *,
         kept: str | None = None) -> Binding:
    """Build the stand-ins for every parameter of ``info``.

    ``setup`` maps parameter names to real PLR objects (``--setup``); ``params`` gives
    values for numeric/str parameters (``--param k=v``); ``kept`` is the fingerprint the
    setup's objects are kept under (:mod:`praxis_lab.protocol.setups`), when they are.
    """
    params = dict(params or {})
    unknown = sorted(set(params) - {p.name for p in info.params})
    if unknown:
        raise ProtocolError(f"--param {unknown[0]}: {info.name} has no such parameter "
                            f"(parameters: {', '.join(p.name for p in info.params)})")
    for p in info.params:  # --param tips=3: labware is bound by a setup, not given a value
        given = params.get(p.name)
        if p.kind in ("machine", "device", "labware") and isinstance(given, str | int | float):
            raise ProtocolError(f"--param {p.name}={given}: {p.name} is {p.annotation}, not a "
                                "value; bind it with a setup (--setup NAME returning "
                                f"{{{p.name!r}: ...}}) or leave it to the proposed deck")
    setup = dict(setup or {})
    proposer, made = (None, {}) if setup else proposal(info)
    objects: dict[str, Any] = {}
    witness: dict[str, Any] = {}
    unresolved: list[Parameter] = []
    resources: list[str] = []  # the parameters bound to a handler or labware
    for p in info.params:
        if p.name in setup:
            objects[p.name] = setup[p.name]
            resources.append(p.name)
        elif p.name in params or (p.kind == "value" and p.has_default):
            value = _coerce(p, params[p.name]) if p.name in params else p.default
            pinned = p.name in params  # a value given is the protocol's: nothing forks on it
            (witness if _numeric(p, value) and not pinned else objects)[p.name] = value
        elif p.kind == "value":
            raise ProtocolError(
                f"parameter {p.name!r} ({p.annotation}) of {info.name} has no default: pass "
                f"--param {p.name}=VALUE")
        elif p.kind == "machine" or not p.has_default:
            obj = _stand_in(p, made, proposer, setup_name, bool(setup))
            if obj is None:
                unresolved.append(p)
            else:
                objects[p.name] = obj
                resources.append(p.name)
    if proposer is not None:
        proposer.sealed = True
        keep(proposer, made)
    handler, labels = _handler_and_labels({n: objects[n] for n in resources},
                                          proposed=proposer is not None)
    if handler is None:
        handler = proposer.handler if proposer is not None else _find_handler(setup)
    return Binding(info, handler, objects, witness, proposer is not None, setup_name,
                   unresolved, {n: v for n, v in params.items()}, labels,
                   _shared=shared_for(labels, kept if setup else None))


def _stand_in(p: Parameter, made: dict[str, Any], proposer: Any, setup_name: str | None,
              has_setup: bool) -> Any:
    """What a handler or labware parameter the setup does not give stands for: the proposed
    deck's handler, or default labware of its type (None when the type is not labware)."""
    if p.kind == "device":
        if proposer is None:
            raise ProtocolError(
                f"setup {setup_name or ''!s} gives no {p.name!r} ({p.annotation}): return the "
                f"machine as {p.name!r}")
        res = made.get(p.name)
        if res is None:
            res = made[p.name] = default_for(p, proposer)
        return res
    if p.kind == "machine":
        if proposer is None:
            raise ProtocolError(
                f"setup {setup_name or ''!s} gives no {p.name!r}: return the LiquidHandler "
                f"as {p.name!r}")
        return proposer.handler
    res = made.get(p.name)
    if res is None and proposer is not None:
        res = made[p.name] = default_for(p, proposer)
    if res is None and p.kind == "labware" and has_setup:
        raise ProtocolError(f"setup {setup_name or ''!s} gives no {p.name!r} ({p.annotation}): "
                            "return it from the setup")
    return res


def _handler_and_labels(objects: Mapping[str, Any], proposed: bool
                        ) -> tuple[Any, dict[int, str]]:
    """The first LiquidHandler among the parameters' objects, and each labware's parameter
    name by id (on a proposed deck, a list of one labware's items names that labware)."""
    handler = None
    labels: dict[int, str] = {}
    for name, obj in objects.items():
        if _plr.is_handler(obj):
            handler = handler or obj
        elif isinstance(obj, list | tuple):
            owners = {uid(getattr(x, "parent", None)): getattr(x, "parent", None) for x in obj}
            if len(owners) == 1 and None not in owners.values() and proposed:
                labels[uid(next(iter(owners.values())))] = name
        elif _plr.resolve_type(type(obj).__name__) is not None or hasattr(obj, "get_root"):
            labels[uid(obj)] = name
    return handler, labels


def _find_handler(setup: Mapping[str, Any]) -> Any:
    for value in setup.values():
        if _plr.is_handler(value):
            return value
    return _plr.new_handler()
