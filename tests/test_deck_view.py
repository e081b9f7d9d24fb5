"""The deck view as an editor: each edit from the frontend reaches PLR through the kernel,
the view shows what PLR made of it, the protocol is simulated again on the edited deck, and
the deck is exported or written back into its setup."""

from __future__ import annotations

from pathlib import Path

from praxis_lab import simulate
from praxis_lab.widgets import DeckView, ReportView

COPY = (Path(__file__).parent / "protocols" / "ok_plate_copy.py").read_text()
COPY_SETUP = (Path(__file__).parent / "protocols" / "ok_plate_copy_setup.py").read_text()


def _report_view(source: str = COPY, setup: str | None = None) -> ReportView:
    report = simulate(source, setup=setup)
    return ReportView(report.to_dict(), source=report.source, on_apply=report.apply_fix,
                      editor=report.deck_editor, resimulate=report.with_setup)


def test_a_deck_view_without_an_editor_is_not_editable():
    report = simulate(COPY)
    view = DeckView(report.deck_layout)
    assert not view.editable and not view.start_editing()
    assert "without an editor" in view.edit_status["message"]


def test_editing_starts_on_the_frontends_request_and_simulates_the_filled_deck_exactly():
    view = _report_view()
    deck = view.deck_view
    assert deck is not None and deck.editable and not deck.editing
    deck._on_custom_msg(deck, {"type": "edit_start"}, [])
    assert deck.editing and "PLT_CAR_L5AC_A00" in deck.carrier_types
    assert {s["carrier"] for s in deck.targets["sites"]} == {"tip_car_1", "plt_car_1"}
    assert view.report["level"] == "exact" and view.report["ok"]
    wells = {r["key"]: r["volume"] for r in deck.deck_layout["resources"] if r.get("key")}
    assert wells["source[A1]"] == 100.0  # what the copy needs, not unknown


def test_a_drag_plr_refuses_shows_its_reason_and_changes_nothing():
    deck = _report_view().deck_view
    assert deck is not None
    deck.start_editing()
    before = deck.deck_layout
    deck._on_custom_msg(deck, {"type": "edit", "action": "move", "args": {
        "name": "source", "carrier": "plt_car_1", "site": 1}}, [])
    assert deck.edit_status["ok"] is False
    assert deck.edit_status["message"].endswith("spot 1 already has a resource")
    assert deck.deck_layout == before


def test_an_edit_is_drawn_and_simulated_again():
    view = _report_view()
    deck = view.deck_view
    assert deck is not None
    assert deck.edit("move", name="source", carrier="plt_car_1", site=3)["ok"]
    plate = next(r for r in deck.deck_layout["resources"] if r["name"] == "source")
    site = next(s for s in deck.targets["sites"] if s["holds"] == "source")
    assert site["site"] == 3 and (plate["x"], plate["y"]) == (site["x"], site["y"])
    assert deck.edit("set_volume", name="source", volume=20.0, wells=["A1"])["ok"]
    assert [f["kind"] for f in deck.failures] == ["insufficient_liquid"]
    assert "insufficient_liquid" in view.summary.value
    assert view.failure_list.failures == deck.failures


def test_an_unknown_edit_or_bad_arguments_are_said_not_raised():
    deck = _report_view().deck_view
    assert deck is not None
    assert "edits are move" in deck.edit("fly", name="source")["message"]
    assert not deck.edit("set_volume", name="source", volume="lots")["ok"]


def test_the_choices_for_a_plate_and_a_type_change():
    deck = _report_view().deck_view
    assert deck is not None
    entries = deck.list_choices("dest")
    assert deck.choices["name"] == "dest" and "cor_96_wellplate_2mL_Vb" in {
        e["factory"] for e in entries}
    assert deck.edit("change_type", name="dest", factory="cor_96_wellplate_2mL_Vb")["ok"]


def test_export_gives_the_make_deck_and_the_cell_to_put_it_below():
    deck = _report_view().deck_view
    assert deck is not None
    deck.cell_id = "cell-7"
    source = deck.export_setup()
    assert source is not None and "def make_deck():" in source
    assert deck.exported == {"source": source, "cell_id": "cell-7", "n": 1}


def test_with_a_setup_the_edit_is_written_back_and_the_frontend_confirms_it():
    deck = _report_view(COPY_SETUP, setup="setup").deck_view
    assert deck is not None
    deck.start_editing()
    assert deck.can_write_back
    assert deck.edit("move", name="plt_car", rails=14)["ok"]
    new = deck.write_back()
    assert new is not None and "rails=14" in new and deck.written is not None
    assert deck.written["old"] == COPY_SETUP and deck.written["function"] == "setup"
    deck._on_custom_msg(deck, {"type": "written", "ok": True}, [])
    assert deck.edit("move", name="plt_car", rails=16)["ok"]
    deck.write_back()
    assert deck.written["old"] == new and "rails=16" in deck.written["new"]


def test_a_proposed_deck_cannot_be_written_back():
    deck = _report_view().deck_view
    assert deck is not None
    deck.start_editing()
    assert not deck.can_write_back and deck.write_back() is None
    assert "export the deck instead" in deck.edit_status["message"]


def test_the_view_moves_the_proposed_labware_to_an_ot2_and_offers_no_carriers_there():
    deck = _report_view().deck_view
    assert deck is not None
    deck.start_editing()
    assert deck.targets["deck"] == "STARLetDeck" and deck.carrier_types
    assert deck.edit("change_deck", deck="OTDeck")["ok"]
    assert deck.targets["kind"] == "slot" and deck.carrier_types == []
    assert [s["holds"] for s in deck.targets["slots"][:3]] == ["tips", "source", "dest"]
    assert deck.deck_layout["deck"]["type"] == "OTDeck"
    assert "deck = OTDeck()" in (deck.export_setup() or "")
