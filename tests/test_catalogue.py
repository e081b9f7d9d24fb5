"""PLR's labware catalogue: every factory of pylabrobot.resources that builds offline, by kind,
and which of them fit a site."""

from __future__ import annotations

import json
import warnings

import pylabrobot.resources as plr_resources
import pytest

from praxis_lab._plr import factories as factories_module
from praxis_lab._plr.factories import factories, kind_of
from praxis_lab.deck import catalogue


def test_every_entry_builds_offline_into_the_kind_and_size_it_claims():
    entries = factories()
    assert {e.kind for e in entries.values()} == {"plate", "tip_rack", "trough", "tube_rack",
                                                  "carrier"}
    for entry in entries.values():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PLR's own notes on some Tecan tips
            warnings.simplefilter("error", DeprecationWarning)
            made = getattr(plr_resources, entry.name)(name="x")
        assert kind_of(made) == entry.kind, entry.name
        assert (round(made.get_size_x(), 2), round(made.get_size_y(), 2)) == (
            entry.size_x, entry.size_y), entry.name


def test_labware_that_downloads_deprecated_names_and_removed_names_are_left_out():
    entries = factories()
    assert "opentrons_96_tiprack_300ul" not in entries  # fetched from the internet at run time
    assert "Cor_96_wellplate_360ul_Fb" not in entries  # a deprecated alias: its model is listed
    assert "cor_96_wellplate_360uL_Fb" in entries
    assert "HTF" not in entries  # raises NotImplementedError in 0.2.2


def test_the_catalogue_is_kept_on_disk_and_read_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("PRAXIS_LAB_CACHE_DIR", str(tmp_path))
    factories.cache_clear()
    try:
        built = factories()
        kept = list(tmp_path.glob("plr-*-factories-*.json"))
        assert len(kept) == 1 and len(json.loads(kept[0].read_text())) == len(built)
        factories.cache_clear()
        monkeypatch.setattr(factories_module, "_probe", lambda name: pytest.fail("tried again"))
        assert factories() == built
    finally:
        factories.cache_clear()


def test_plates_offered_for_a_plate_carrier_site_are_skirted_and_fit_it():
    offered = catalogue.choices("plate", (127.0, 86.0), plate_site=True)
    assert "cor_96_wellplate_360uL_Fb" in {e.name for e in offered}
    assert all(e.plate_type == "skirted" for e in offered)
    assert all(121 <= e.size_x <= 128 and 80 <= e.size_y <= 87 for e in offered)
    left_out = set(e.name for e in catalogue.choices("plate")) - {e.name for e in offered}
    assert left_out and all(
        catalogue.misfit("plate", factories()[n].size_x, factories()[n].size_y,
                         factories()[n].plate_type, (127.0, 86.0), True) for n in left_out)


def test_tip_racks_for_a_hamilton_tip_site_are_hamiltons_first():
    offered = [e.name for e in catalogue.choices("tip_rack", (122.4, 82.6))]
    assert offered[0].startswith("hamilton_") and "hamilton_96_tiprack_300uL" in offered
    assert "hamilton_96_tiprack_1000uL_filter" in offered


def test_a_misfit_says_both_sizes_and_a_semi_skirted_plate_is_refused_on_a_plate_site():
    assert catalogue.misfit("plate", 127.76, 85.48, "skirted", (37.0, 118.0), False) == (
        "127.76 × 85.48 mm does not fit a 37 × 118 mm site")
    assert "skirted only" in catalogue.misfit("plate", 127.76, 85.48, "semi-skirted",
                                              (127.0, 86.0), True)
    assert catalogue.misfit("plate", 127.76, 85.48, "semi-skirted", (128.0, 86.0), False) is None


def test_an_unknown_kind_and_an_unknown_factory_are_named():
    with pytest.raises(ValueError, match="no labware kind 'lids'"):
        catalogue.choices("lids")
    assert "did you mean cor_96_wellplate_2mL_Vb" in catalogue.unknown("Cor_96_wellplate_2mL_Vb")


def test_hamilton_carriers_have_sites_and_take_a_rail_position():
    names = [c.name for c in catalogue.carriers()]
    assert {"PLT_CAR_L5AC_A00", "TIP_CAR_480_A00", "Trough_CAR_4R200_A00"} <= set(names)
    assert all(c.sites for c in catalogue.carriers())
