"""A frozen setup simulates exactly like the setup it was frozen from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_setups import _with_setup

from praxis_lab import _plr
from praxis_lab._plr.frozen import freeze, thaw
from praxis_lab._plr.handler import HandlerModel
from praxis_lab.pipeline import simulate
from praxis_lab.protocol.loading import load, resolve_setup


def _data(report: Any) -> str:
    d = report.to_dict()
    d.pop("timings_ms")
    return json.dumps(d, sort_keys=True, default=str)


# Setups that cannot be frozen, and why: they are run every time instead.
UNFREEZABLE = {
    stem: "its Hamilton heater shaker backend talks to a bench box whose class the setup "
          "makes (a local class cannot be pickled)"
    for stem in ("broken_shake_too_fast", "broken_hamilton_shaker_too_fast",
                 "broken_hamilton_shaker_too_hot", "ok_hamilton_heater_shaker")}


@pytest.mark.parametrize(("path", "setup"), _with_setup())
def test_a_thawed_setup_gives_the_report_of_the_real_one(path, setup):
    objects = resolve_setup(load(str(path)), setup)
    data = freeze(objects)
    if path.stem in UNFREEZABLE:
        assert data is None, UNFREEZABLE[path.stem]
        return
    assert data is not None
    back = thaw(data)
    assert back is not None and set(back) == set(objects)
    handlers = [v for v in back.values() if isinstance(v, HandlerModel)]
    assert len(handlers) == 1
    real = simulate(str(path), setup=objects, cache=False)
    frozen = simulate(str(path), setup=back, cache=False)
    assert _data(frozen) == _data(real)
    assert handlers[0].missed == []  # nothing was asked of it that it does not hold


def test_the_model_is_the_handlers_resource_with_its_deck_head_and_backend():
    lh = _plr.new_handler()
    plate = _plr.labware("cor_96_wellplate_360uL_Fb", "plate")
    lh.deck.assign_child_resource(plate, rails=10)
    back = thaw(freeze({"lh": lh}))
    model = back["lh"]
    assert isinstance(model, HandlerModel) and _plr.is_handler(model)
    assert model.deck.parent is model and model.deck.get_resource("plate").num_items == 96
    assert model.backend.num_channels == 8 and sorted(model.head) == sorted(lh.head)
    assert _plr.backend_name(model) == "LiquidHandlerChatterboxBackend"
    assert model.name == lh.name and model.setup_finished is False


def test_whatever_else_is_asked_of_the_model_is_noted():
    model = thaw(freeze({"lh": _plr.new_handler()}))["lh"]
    with pytest.raises(AttributeError):
        model.get_mounted_tips  # noqa: B018 - a LiquidHandler attribute the model does not hold
    with pytest.raises(AttributeError):
        model.no_such_thing  # noqa: B018 - not a LiquidHandler attribute: not noted
    assert model.missed == ["get_mounted_tips"]


def test_the_model_prints_its_deck_as_the_handlers_summary_does(capsys):
    lh = _plr.new_handler()
    lh.deck.assign_child_resource(_plr.labware("cor_96_wellplate_360uL_Fb", "plate"), rails=10)
    model = thaw(freeze({"lh": lh}))["lh"]
    model.summary()
    lh.summary()
    printed = capsys.readouterr().out.splitlines()
    assert printed[:len(printed) // 2] == printed[len(printed) // 2:] and model.missed == []


def test_models_given_as_the_setup_that_cannot_answer_are_simulated_once_not_forever(
        monkeypatch):
    # the real handler cannot be built from objects that are models already: the report is
    # made with what they hold (a retry on the same models would never end)
    path = Path(__file__).parent / "corpus" / "ok_summary_and_early_return.py"
    back = thaw(freeze(resolve_setup(load(str(path)), "setup")))
    monkeypatch.delattr(HandlerModel, "summary")  # a handler method the model lacks
    report = simulate(str(path), setup=back, cache=False)
    assert [(m.kind, m.line) for m in report.failure_modes] == [("unknown_method", 18)]

def test_a_star_backend_refuses_xl_tips_as_frozen():
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends.hamilton.STAR_chatterbox import (
        STARChatterboxBackend,
    )
    from pylabrobot.resources import TIP_CAR_480_A00, STARLetDeck, hamilton_24_tiprack_5000uL

    lh = LiquidHandler(backend=STARChatterboxBackend(), deck=STARLetDeck())
    car = TIP_CAR_480_A00(name="car")
    car[0] = xl = hamilton_24_tiprack_5000uL(name="xl")
    lh.deck.assign_child_resource(car, rails=1)
    model = thaw(freeze({"lh": lh, "xl": xl}))["lh"]
    spot = model.deck.get_resource("xl").get_item("A1")
    assert _plr.refuses_tip(model, 0, spot) is _plr.refuses_tip(lh, 0, xl.get_item("A1"))
    assert _plr.refuses_tip(model, 0, spot) is True and model.missed == []


def test_a_channel_the_backend_lacks_gets_the_answer_all_its_channels_gave():
    # PLR asks the backend about every channel before it checks they exist (pick_up_tips)
    from pylabrobot.liquid_handling import LiquidHandler
    from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
    from pylabrobot.resources import TIP_CAR_480_A00, STARLetDeck, hamilton_96_tiprack_300uL

    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(num_channels=2),
                       deck=STARLetDeck())
    car = TIP_CAR_480_A00(name="car")
    car[0] = tips = hamilton_96_tiprack_300uL(name="tips")
    lh.deck.assign_child_resource(car, rails=1)
    model = thaw(freeze({"lh": lh, "tips": tips}))["lh"]
    spot = model.deck.get_resource("tips").get_item("A1")
    assert _plr.refuses_tip(model, 5, spot) is False and model.missed == []


def test_a_local_function_of_the_users_is_not_frozen():
    from pylabrobot.resources import Well

    well = Well(name="w", size_x=1, size_y=1, size_z=1, max_volume=10,
                compute_volume_from_height=lambda h: h * 2)
    assert freeze({"well": well}) is None


def test_bytes_that_do_not_read_back_thaw_to_none():
    assert thaw(b"not a pickle") is None and thaw(b"\x80\x05K\x01.") is None


# --- proposed decks (no setup) ---------------------------------------------------------

PROTOCOL_FILES = sorted((Path(__file__).parent / "protocols").glob("*.py")) + sorted(
    (Path(__file__).parent / "corpus").glob("*.py"))


@pytest.fixture
def frozen_proposals(tmp_path, monkeypatch):
    """The cache on in a directory of its own, proposals built afresh, and a way to act as
    a process that has not imported PLR's liquid-handling package."""
    from praxis_lab import cachedir
    from praxis_lab.deck import proposal

    monkeypatch.setenv("PRAXIS_LAB_CACHE", "on")
    monkeypatch.setenv("PRAXIS_LAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cachedir, "_ENV", {})
    monkeypatch.setattr(proposal, "_PROPOSALS", type(proposal._PROPOSALS)())
    monkeypatch.setattr(proposal, "_THAW", [True])

    def cold() -> None:
        proposal._PROPOSALS.clear()
        monkeypatch.setattr(_plr.handler, "_LH_MODULE", "no.such.module")

    return cold


@pytest.mark.parametrize("path", PROTOCOL_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_thawed_proposed_deck_gives_the_report_of_a_built_one(path, frozen_proposals):
    from praxis_lab.deck import proposal

    built = simulate(str(path), cache=False)
    frozen_proposals()  # the next simulation reads the proposal back
    thawed = simulate(str(path), cache=False)
    proposers = [p for p, _ in proposal._PROPOSALS.values()]  # (fixes may need their own)
    assert proposers and all(isinstance(p.handler, HandlerModel) and p.handler.missed == []
                             for p in proposers)
    assert _data(thawed) == _data(built)
