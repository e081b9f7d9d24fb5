"""What a machine's backend accepts is read from PLR's own source, never run."""

from __future__ import annotations

import math

from pylabrobot.centrifuge.vspin_backend import VSpinBackend
from pylabrobot.heating_shaking import HeaterShakerChatterboxBackend
from pylabrobot.heating_shaking.hamilton_backend import HamiltonHeaterShakerBackend
from pylabrobot.sealing.a4s_backend import A4SBackend
from pylabrobot.tilting.hamilton_backend import HamiltonTiltModuleBackend

from praxis_lab._plr.backend_calls import (
    Range,
    asserted_ranges,
    backend_calls,
    bind_error,
    out_of_range,
    type_of,
)
from praxis_lab._plr.default_machines import default_machine


def _ranges(cls: type, method: str) -> dict[str, str]:
    return {k: r.text() for k, r in asserted_ranges(getattr(cls, method), cls).items()}


def test_the_ranges_a_real_backend_asserts_are_read_from_its_source():
    assert _ranges(HamiltonHeaterShakerBackend, "start_shaking") == {
        "speed": "20 ≤ speed ≤ 2000", "acceleration": "500 ≤ acceleration ≤ 10000"}
    assert _ranges(HamiltonHeaterShakerBackend, "set_temperature") == {
        "temperature": "0 < temperature ≤ 105"}
    assert _ranges(HamiltonTiltModuleBackend, "set_angle") == {"angle": "0 ≤ angle ≤ 10"}
    assert _ranges(A4SBackend, "set_temperature") == {"temperature": "50 ≤ temperature ≤ 200"}


def test_raise_guards_with_or_and_one_sided_bounds_are_read_too():
    spin = asserted_ranges(VSpinBackend.spin, VSpinBackend)
    assert spin["g"].text() == "1 ≤ g ≤ 1000" and spin["g"].error == "ValueError"
    assert spin["acceleration"].text() == "0 < acceleration ≤ 1"
    assert (spin["duration"].low, spin["duration"].high) == (1.0, math.inf)


def test_a_chatterbox_asserts_nothing():
    assert asserted_ranges(HeaterShakerChatterboxBackend.start_shaking) == {}


def test_a_front_end_s_backend_calls_say_which_argument_goes_where():
    start = backend_calls(type_of("Shaker"), "shake")[0]
    assert (start.method, start.keywords, start.passes_kwargs) == (
        "start_shaking", {"speed": "speed"}, True)
    read = backend_calls(type_of("PlateReader"), "read_absorbance")[0]
    assert read.keywords["plate"] is None  # self.get_plate(): computed by the front end
    profile = backend_calls(type_of("Thermocycler"), "run_pcr_profile")
    assert [c.method for c in profile] == ["run_protocol"]  # through self.run_protocol(...)


def test_backend_keywords_bind_to_the_backend_the_setup_names():
    chatterbox = default_machine("HeaterShaker", "hs")
    call, why = bind_error(chatterbox, "HeaterShaker", "shake",
                           {"speed": 800, "duration": None, "backend_kwargs": {"direction": 1}})
    assert call == "HeaterShakerChatterboxBackend.start_shaking()"
    assert why == "got an unexpected keyword argument 'direction'"
    chatterbox.backend = HamiltonHeaterShakerBackend(index=1, interface=None)  # type: ignore
    assert bind_error(chatterbox, "HeaterShaker", "shake", {
        "speed": 800, "duration": None, "backend_kwargs": {"direction": 1}}) is None


def test_out_of_range_names_the_front_end_argument_and_the_backend_range():
    hs = default_machine("HeaterShaker", "hs")
    assert out_of_range(hs, "HeaterShaker", "shake", {"speed": 5000}) == []  # chatterbox
    hs.backend = HamiltonHeaterShakerBackend(index=1, interface=None)  # type: ignore
    [(name, value, rng)] = out_of_range(hs, "HeaterShaker", "shake", {"speed": 5000})
    assert (name, value, rng.text(), rng.error) == ("speed", 5000.0, "20 ≤ speed ≤ 2000",
                                                    "AssertionError")
    assert rng.where.endswith("HamiltonHeaterShakerBackend.start_shaking")


def test_the_nearest_accepted_value_is_a_bound_inside_the_range():
    closed, open_low = Range("x", 20, False, 2000, False), Range("t", 0, True, 105, False)
    assert (closed.nearest(5000), closed.nearest(3), closed.nearest(50)) == (2000, 20, 50)
    assert open_low.contains(open_low.nearest(-4)) and not open_low.contains(0)
