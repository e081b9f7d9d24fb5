"""The PLR adapter reads PyLabRobot itself, so it cannot drift from the installed version."""

from __future__ import annotations

import inspect

import pytest
from pylabrobot.liquid_handling import LiquidHandler

from praxis_lab import _plr


def test_every_catalogued_operation_matches_the_installed_signature():
    ops = _plr.catalogue()
    assert len(ops) >= 20
    for name, spec in ops.items():
        sig = inspect.signature(getattr(LiquidHandler, name))
        params = [p for p in sig.parameters.values() if p.name != "self"]
        assert [p.name for p in params] == [p.name for p in spec.params], name
        assert [p.default for p in params] == [p.default for p in spec.params], name
        required = tuple(p.name for p in params if p.default is inspect.Parameter.empty
                         and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
        assert spec.required == required, name


def test_the_catalogue_holds_the_liquid_handling_operations_and_no_resource_methods():
    ops = _plr.catalogue()
    for name in ("pick_up_tips", "drop_tips", "return_tips", "discard_tips", "aspirate",
                 "dispense", "transfer", "pick_up_tips96", "aspirate96", "dispense96",
                 "drop_tips96", "stamp", "move_plate", "move_resource", "move_lid",
                 "use_channels", "use_tips"):
        assert name in ops
    for not_an_op in ("transfer_96", "mix", "blow_out", "wells", "assign_child_resource",
                      "serialize"):
        assert not_an_op not in ops


def test_context_managers_are_told_apart():
    ops = _plr.catalogue()
    assert ops["use_channels"].context == "sync"
    assert ops["use_tips"].context == "async"
    assert ops["aspirate"].context is None


def test_binding_fills_plr_defaults_and_collects_backend_kwargs():
    spec = _plr.catalogue()["aspirate"]
    bound = spec.bind(("wells", [10]), {"speed": 3})
    assert bound["resources"] == "wells" and bound["vols"] == [10]
    assert bound["use_channels"] is None and bound["spread"] == "wide"
    assert bound["backend_kwargs"] == {"speed": 3}


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "missing 2 required arguments: 'resources' and 'vols'"),
    (("a", [1]), {"vols": [2]}, "multiple values for argument 'vols'"),
    (tuple(range(12)), {}, "positional arguments but 12 were given"),
])
def test_a_call_that_does_not_bind_says_why_like_python(args, kwargs, message):
    with pytest.raises(_plr.BindError, match=message.replace("(", r"\(").replace("[", r"\[")):
        _plr.catalogue()["aspirate"].bind(args, kwargs)


def test_an_unexpected_keyword_fails_when_there_is_no_var_keyword():
    with pytest.raises(_plr.BindError, match="unexpected keyword argument 'bogus'"):
        _plr.catalogue()["stamp"].bind((), {"source": 1, "target": 2, "volume": 3, "bogus": 4})


@pytest.mark.parametrize(("type_name", "deck", "chain"), [
    ("Well", "carrier", ["Plate", "PlateCarrier", "Deck"]),
    ("TipSpot", "carrier", ["TipRack", "TipCarrier", "Deck"]),
    ("Plate", "carrier", ["PlateCarrier", "Deck"]),
    ("TipRack", "carrier", ["TipCarrier", "Deck"]),
    ("Trough", "carrier", ["TroughCarrier", "Deck"]),
    ("Well", "slot", ["Plate", "Slot", "Deck"]),
    ("Plate", "slot", ["Slot", "Deck"]),
    ("PlateCarrier", "carrier", ["Deck"]),
    ("NotAType", "carrier", []),
])
def test_parental_chains_follow_seed_002(type_name, deck, chain):
    assert _plr.parental_chain(type_name, deck) == chain


def test_decks_are_classified_by_kind():
    from pylabrobot.resources import OTDeck, STARLetDeck

    assert _plr.deck_kind(STARLetDeck()) == "carrier"
    assert _plr.deck_kind(OTDeck()) == "slot"


def test_labware_is_looked_up_by_name_and_unknown_names_suggest_close_ones():
    plate = _plr.labware("cor_96_wellplate_360uL_Fb", "p")
    assert plate.num_items == 96 and plate.name == "p"
    with pytest.raises(KeyError, match="did you mean"):
        _plr.labware("cor_96_wellplate_360uL_F", "p")


def test_default_labware_exists_for_the_common_annotations():
    assert type(_plr.default_labware("Plate", "p")).__name__ == "Plate"
    assert type(_plr.default_labware("TipRack", "t")).__name__ == "TipRack"
    assert type(_plr.default_labware("Trough", "r")).__name__ == "Trough"
    assert _plr.default_labware("NoSuchThing", "x") is None


def test_unknown_methods_get_the_real_names_people_meant():
    assert _plr.closest_methods("transfer_96")[0] == "stamp"
    assert _plr.closest_methods("aspirat")[0] == "aspirate"
    assert "pick_up_tips" in _plr.closest_methods("pick_up_tip")


def test_the_adapter_is_the_only_module_of_the_package_that_imports_pylabrobot():
    import ast
    from pathlib import Path

    package = Path(_plr.__file__).parent.parent
    importers = []
    for path in sorted(package.rglob("*.py")):
        if path.parent.name == "examples":  # example protocols are user code
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "pylabrobot" for n in names):
                importers.append(path.relative_to(package).as_posix())
    assert importers and all(p.startswith("_plr/") for p in importers), importers


def test_error_class_gives_plrs_own_exception_or_a_builtin():
    from pylabrobot.resources.errors import TooLittleLiquidError

    assert _plr.error_class("TooLittleLiquidError") is TooLittleLiquidError
    assert _plr.error_class("ValueError") is ValueError
    assert _plr.error_class("NoSuchError") is RuntimeError


def test_plr_logging_the_user_set_up_is_left_as_configured():
    import logging

    plr_log = logging.getLogger("pylabrobot")
    saved, level = plr_log.handlers[:], plr_log.level
    plr_log.handlers = []  # as in a fresh kernel (pytest attaches its capture handlers here)
    try:
        plr_log.setLevel(logging.DEBUG)
        plr_log.addHandler(logging.NullHandler())
        _plr.new_handler()
        assert plr_log.level == logging.DEBUG  # firmware logs the user asked for still flow
        plr_log.handlers = []
        _plr.new_handler()
        assert plr_log.level == logging.WARNING  # nobody listens: skip INFO records
    finally:
        plr_log.handlers = saved
        plr_log.setLevel(level)


def test_any_lid_finds_a_lid_anywhere_in_the_trees_it_is_given():
    from pylabrobot.resources import PLT_CAR_L5AC_A00, STARLetDeck, cor_96_wellplate_360uL_Fb

    deck = STARLetDeck()
    carrier = PLT_CAR_L5AC_A00(name="plate_car")
    carrier[0] = bare = cor_96_wellplate_360uL_Fb(name="bare")
    deck.assign_child_resource(carrier, rails=8)
    assert not _plr.any_lid([deck]) and not _plr.any_lid([])
    lidded = cor_96_wellplate_360uL_Fb(name="lidded", with_lid=True)
    assert _plr.any_lid([lidded]) and _plr.any_lid([lidded.lid])  # off the deck, or the lid
    carrier[1] = lidded
    assert _plr.any_lid([deck]) and not _plr.any_lid([bare])
