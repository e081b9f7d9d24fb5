"""Edit a deck by hand, every edit checked by PLR itself.

A :class:`DeckEditor` holds live PLR objects (the ones a setup returns, or a proposed deck
rebuilt from its exported ``make_deck()``) and changes them only through PLR: a labware
moves with ``unassign`` and ``carrier[site] = ...`` / ``assign_child_at_slot``, a carrier
with ``deck.assign_child_resource(..., rails=N)`` (PLR's rail range, collision and name
checks), and the z-height check PLR runs on every assignment to a Hamilton deck is
listened to. What PLR refuses is undone and comes back as an :class:`Edit` with PLR's
reason; what PLR lets through but a robot would not (a labware that does not fit its
site, more liquid than a well holds) is refused with the sizes PLR gives.

>>> from praxis_lab.protocol.analyse import analyse
>>> editor = DeckEditor.propose(analyse("async def p(lh: LiquidHandler, tips: TipRack, "
...                                     "src: Plate, dst: Plate): ..."))
>>> editor.move("src", carrier="plt_car_1", site=1).ok
False
>>> print(editor.move("src", carrier="plt_car_1", site=1).message)
PLR refused to move src to site 1 of plt_car_1: spot 1 already has a resource
>>> editor.move("plt_car_1", rails=14).ok, editor.plan().carriers[1].rails
(True, 14)
>>> editor.set_volume("src", 120.0, wells=["A1", "B1"]).ok, editor.plan().labware[1].volumes
(True, {'A1': 120.0, 'B1': 120.0})
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from praxis_lab import _plr
from praxis_lab._ids import uid
from praxis_lab._plr.factories import Factory, kind_of
from praxis_lab.deck import catalogue, labware_type, liquids, placing
from praxis_lab.deck.edit import Edit, Refused, attempt
from praxis_lab.deck.export import export, load
from praxis_lab.deck.plan import DeckPlan, PlanError, read
from praxis_lab.deck.setup_source import SetupSource

__all__ = ["DeckEditor", "Edit"]

_P = _plr.PLR


class DeckEditor:
    """Live PLR objects of a setup, edited through PLR.

    ``objects`` maps parameter names to the PLR objects (a setup's return value).
    """

    def __init__(self, objects: Mapping[str, Any], *, proposed: bool = False,
                 source: SetupSource | None = None) -> None:
        self.objects = dict(objects)
        handler = next((o for o in self.objects.values()
                        if isinstance(o, _P["LiquidHandler"])), None)
        if handler is None:
            raise PlanError("the setup gives no LiquidHandler: return it with the labware")
        self.handler = handler
        self.proposed = proposed
        self.source = source  # the setup function's code, to write edits back into
        self.original = self.plan()
        self.edits = 0  # how many edits went through
        self.missing: list[str] = []  # parameters a proposed deck has no labware for

    @property
    def deck(self) -> Any:
        return self.handler.deck

    # --- making one -------------------------------------------------------------------

    @classmethod
    def from_plan(cls, plan: DeckPlan, proposed: bool = False) -> DeckEditor:
        """Build ``plan`` with PLR (through its exported ``make_deck()``) and edit that."""
        return cls(load(export(plan)), proposed=proposed)

    @classmethod
    def propose(cls, info: Any, params: Mapping[str, Any] | None = None,
                requirements: Mapping[str, Any] | None = None) -> DeckEditor:
        """The proposed deck of a protocol, its wells filled with what the protocol needs
        (``requirements["liquid"]``: the minimum start volume of each well)."""
        from praxis_lab.deck.binding import bind

        binding = bind(info, None, params)
        plan = read(binding.deck, {k: v for k, v in binding.objects.items()
                                   if k not in binding.witness})
        for row in (requirements or {}).get("liquid") or []:
            liquids.require(plan, row)
        editor = cls.from_plan(plan, proposed=True)
        editor.missing = [f"{p.name} ({p.annotation})" for p in binding.unresolved]
        return editor

    @classmethod
    def for_protocol(cls, loaded: Any, setup: Any = None, params: Mapping[str, Any] | None = None,
                     requirements: Mapping[str, Any] | None = None) -> DeckEditor:
        """The deck a simulation used: the setup's (called again, so the editor has a deck
        of its own) with its source to write edits back into, or the proposed one."""
        from praxis_lab.protocol.loading import resolve_setup

        if setup is None:
            return cls.propose(loaded.info, params, requirements)
        fn = loaded.namespace.get(setup) if isinstance(setup, str) else setup
        return cls(resolve_setup(loaded, setup), source=SetupSource.of(fn))

    # --- reading ----------------------------------------------------------------------

    def plan(self) -> DeckPlan:
        """The deck as it is now."""
        return read(self.deck, self.objects)

    def bound(self) -> dict[str, str]:
        """Labware name → the parameter bound to it (or to its wells)."""
        out: dict[str, str] = {}
        for param, binder in read(self.deck, self.objects).params.items():
            if binder[0] in ("labware", "items", "item", "list"):
                out.setdefault(binder[1], param)
        return out

    def layout(self) -> dict[str, Any]:
        """The deck as the deck view draws it (:func:`praxis_lab.deck.layout.layout`), with
        each parameter's labware labelled and the start volumes the editor holds."""
        from praxis_lab.deck.binding import Binding
        from praxis_lab.deck.layout import layout

        labels: dict[int, str] = {}
        for param, obj in self.objects.items():
            if isinstance(obj, list | tuple):
                owners = {uid(getattr(x, "parent", None)): getattr(x, "parent", None) for x in obj}
                if len(owners) == 1 and None not in owners.values():
                    labels[uid(next(iter(owners.values())))] = param
            elif hasattr(obj, "get_root") and not isinstance(obj, _P["LiquidHandler"]):
                labels[uid(obj)] = param
        data = layout(Binding(cast(Any, None), self.handler, self.objects, {}, False,
                              _labels=labels))
        data["deck"]["proposed"] = self.proposed
        return data

    def targets(self) -> dict[str, Any]:
        """Where labware and carriers can go (:func:`praxis_lab.deck.targets.targets`)."""
        from praxis_lab.deck.targets import targets

        return targets(self.deck, self.bound())

    def _get(self, name: str) -> Any:
        """The resource ``name`` on the deck, or a parameter's labware the setup never put
        on it (it can be placed)."""
        try:
            return self.deck.get_resource(name)
        except Exception:  # PLR's ResourceNotFoundError
            pass
        for obj in self.objects.values():
            for res in obj if isinstance(obj, list | tuple) else [obj]:
                owner = getattr(res, "parent", None) if isinstance(res, _P["Well"]) else res
                if isinstance(owner, _P["Resource"]) and owner.name == name and \
                        owner.parent is None:
                    return owner
        raise Refused(f"the deck has no {name!r}")

    # --- edits --------------------------------------------------------------------------

    def _counted(self, edit: Edit) -> Edit:
        if edit.ok:
            self.edits += 1
        return edit

    def _attempt(self, what: str, check: Callable[[], None], do: Callable[[], None],
                 undo: Callable[[], None]) -> Edit:
        """``check`` (refuses with a reason), then ``do`` through PLR; ``undo`` if PLR raises."""
        return self._counted(attempt(what, check, do, undo))

    def move(self, name: str, *, carrier: str | None = None, site: int | None = None,
             slot: int | None = None, rails: int | None = None) -> Edit:
        """Move labware to a carrier's site or an OT-2 slot, or a carrier to ``rails``
        (see :mod:`praxis_lab.deck.placing`)."""
        try:
            res = self._get(name)
        except Refused as exc:
            return Edit(False, f"cannot move {name}: {exc}")
        if isinstance(res, _P["Carrier"]):
            if rails is None:
                return Edit(False, f"cannot move {name}: a carrier moves to a rail")
            return self._counted(placing.carrier_to_rails(self.deck, res, rails))
        if slot is not None:
            return self._counted(placing.to_slot(self.deck, res, slot))
        if carrier is None or site is None:
            return Edit(False, f"cannot move {name}: say which carrier and site, or which slot")
        try:
            car = self._get(carrier)
        except Refused as exc:
            return Edit(False, f"cannot move {name} to site {site} of {carrier}: {exc}")
        return self._counted(placing.to_site(res, car, site))

    def add_carrier(self, factory: str, rails: int, name: str | None = None) -> Edit:
        """Put a new, empty carrier made by PLR's ``factory`` on the deck at ``rails``."""
        return self._counted(placing.add_carrier(self.deck, factory, rails, name))

    def remove_carrier(self, name: str) -> Edit:
        """Take a carrier (and the labware on it no parameter is bound to) off the deck."""
        def check() -> None:
            car = self._get(name)
            if not isinstance(car, _P["Carrier"]):
                raise Refused(f"{name} is a {type(car).__name__}, not a carrier")
            bound = self.bound()
            held = [r.name for r in car.get_resources() if r.name in bound]
            if held:
                raise Refused(f"it holds {', '.join(held)}, which the protocol's "
                               f"{bound[held[0]]} is bound to: move it to another site first")

        return self._attempt(f"remove {name}", check,
                             lambda: self.deck.unassign_child_resource(self._get(name)),
                             lambda: None)

    def choices(self, name: str) -> list[Factory]:
        """The catalogue's labware of the same kind as ``name`` that fits its site."""
        res = self._get(name)
        kind = kind_of(res)
        if kind not in catalogue.KINDS:
            raise Refused(f"{name} is not a plate, tip rack, trough or tube rack")
        site = res.parent if _plr.is_site(res.parent) else None
        size = None if site is None else (site.get_size_x(), site.get_size_y())
        return catalogue.choices(kind, size, isinstance(site, _P["PlateHolder"]))

    def change_type(self, name: str, factory: str) -> Edit:
        """Replace labware ``name`` by a new one of PLR's ``factory`` at the same place, with
        the same name, volumes (as far as its wells hold them) and parameters."""
        made: list[Any] = []
        notes: list[str] = []

        def check() -> None:
            old = self._get(name)
            new, said = labware_type.replacement(old, factory, self.objects)
            made.extend([old, new])
            notes.extend(said)

        place: list[Any] = []

        def do() -> None:
            old, new = made
            place.extend([old.parent, old.location])
            old.parent.unassign_child_resource(old)
            if _plr.is_site(place[0]):
                place[0].assign_child_resource(new)
            else:
                place[0].assign_child_resource(new, location=place[1])

        def undo() -> None:
            old, new = made
            if new.parent is not None:
                new.parent.unassign_child_resource(new)
            if place and old.parent is None:
                place[0].assign_child_resource(old, location=place[1])

        edit = self._attempt(f"make {name} a {factory}", check, do, undo)
        if edit.ok:
            old, new = made
            self.objects = {p: labware_type.rebound(o, old, new, p)
                            for p, o in self.objects.items()}
            edit.warnings[:0] = notes
        return edit

    def set_volume(self, name: str, volume: float, wells: list[str] | None = None) -> Edit:
        """Set the start volume (µL) of ``wells`` of ``name`` (all of them when None; a
        trough holds one volume)."""
        what = f"set {name}{'' if wells is None else f' {_span(wells)}'} to {volume:g} µL"
        targets: list[Any] = []

        def check() -> None:
            try:
                targets.extend(liquids.targets(self._get(name), volume, wells))
            except ValueError as exc:
                raise Refused(str(exc)) from None

        def do() -> None:
            for t in targets:
                t.tracker.set_volume(float(volume))

        return self._attempt(what, check, do, lambda: None)

    def change_deck(self, deck: str) -> Edit:
        """The same labware, names, start volumes and parameters on another deck PLR 0.2.2
        provides (``STARLetDeck``, ``STARDeck``, ``OTDeck``), built by PLR."""
        from praxis_lab.deck.conversion import converted

        what = f"put the labware on a {deck}"
        try:
            objects = load(export(converted(self.plan(), deck)))
        except PlanError as exc:
            return Edit(False, f"cannot {what}: {exc}")
        except Exception as exc:  # PLR refused to build it (a carrier beyond the rails...)
            return Edit(False, f"PLR refused to {what}: {exc}")
        self.objects = objects
        self.handler = next(o for o in objects.values() if isinstance(o, _P["LiquidHandler"]))
        return self._counted(Edit(True, what[0].upper() + what[1:]))

    # --- what the edits give --------------------------------------------------------------

    def export(self, function: str = "make_deck") -> str:
        """The deck as it is now, as a readable ``make_deck()``."""
        if self.missing:
            raise PlanError(f"the proposed deck has no labware for {', '.join(self.missing)}: "
                            "praxis_lab proposes plates, tip racks and troughs; annotate it "
                            "with one of those or write that part of the setup by hand")
        return export(self.plan(), function)

    def write_back(self) -> str:
        """The setup's source with every edit since it was loaded written into it."""
        if self.source is None:
            raise PlanError("this deck was not built by a setup function: export it instead")
        return self.source.rewritten(self.original, self.plan())


def _span(wells: list[str]) -> str:
    return wells[0] if len(wells) == 1 else f"{wells[0]}…{wells[-1]} ({len(wells)} wells)"
