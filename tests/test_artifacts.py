"""Plate readings are artifacts of their run: stored as the run goes, committed when it ends,
read back one row per well, drawn as a heatmap of the plate."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Iterator
from typing import Any

import pytest
from pylabrobot.liquid_handling import LiquidHandler
from pylabrobot.liquid_handling.backends import LiquidHandlerChatterboxBackend
from pylabrobot.plate_reading import PlateReader, PlateReaderChatterboxBackend
from pylabrobot.resources import (
    PLT_CAR_L5AC_A00,
    Coordinate,
    Plate,
    STARLetDeck,
    cor_96_wellplate_360uL_Fb,
)
from sqlalchemy import select
from sqlalchemy.engine import Engine

import praxis_lab
from praxis_lab.execution import runner
from praxis_lab.execution.runner import Runner
from praxis_lab.store import db
from praxis_lab.store.artifacts import readings
from praxis_lab.store.db import Artifact

GRADIENT = [[round(0.1 * r + 0.01 * c, 3) for c in range(12)] for r in range(8)]


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def bench() -> dict[str, Any]:
    """A STARlet, a plate on a carrier, a plate reader (PLR's chatterbox) whose absorbance
    grows down the rows and along the columns."""
    lh = LiquidHandler(backend=LiquidHandlerChatterboxBackend(), deck=STARLetDeck())
    plate_car = PLT_CAR_L5AC_A00(name="plate_car")
    plate_car[0] = plate = cor_96_wellplate_360uL_Fb(name="elisa_plate")
    lh.deck.assign_child_resource(plate_car, rails=14)
    backend = PlateReaderChatterboxBackend()
    backend.dummy_absorbance = GRADIENT  # type: ignore[assignment]
    backend.dummy_fluorescence = [[5.0] * 12] * 8  # type: ignore[assignment]
    reader = PlateReader(name="reader", size_x=170, size_y=125, size_z=120, backend=backend)
    lh.deck.assign_child_resource(reader, location=Coordinate(1030, 150, 0))
    return {"lh": lh, "plate": plate, "reader": reader}


async def read_out(lh: LiquidHandler, plate: Plate, reader: PlateReader) -> None:
    """Absorbance of the first six columns (PLR's new return type), then fluorescence of
    the whole plate (its old one), then luminescence."""
    await lh.move_plate(plate, reader)
    await reader.read_absorbance(wavelength=450, wells=plate["A1:H6"], use_new_return_type=True)
    await reader.read_fluorescence(485, 528, 13.0)
    await reader.read_luminescence(focal_height=13.0, use_new_return_type=True)


async def reads_then_fails(lh: LiquidHandler, plate: Plate, reader: PlateReader) -> None:
    await lh.move_plate(plate, reader)
    await reader.read_absorbance(wavelength=450, use_new_return_type=True)
    raise RuntimeError("the blank reads too high: stop here")


@pytest.fixture
def mem() -> Engine:
    return db.connect("sqlite://")


def test_a_reading_in_either_of_plrs_return_types_is_its_grids_and_conditions() -> None:
    new = [{"wavelength": 450, "time": 1.0, "temperature": float("nan"), "data": [[0.5]]}]
    assert readings("read_absorbance", {"wavelength": 450}, new) == [
        {"wavelength": 450, "time": 1.0, "temperature": "nan", "data": [[0.5]]}]
    assert readings("read_fluorescence", {"excitation_wavelength": 485,
                                          "emission_wavelength": 528, "focal_height": 13},
                    [[1.0, None]]) == [
        {"ex_wavelength": 485, "em_wavelength": 528, "focal_height": 13, "data": [[1.0, None]]}]
    assert readings("move_plate", {}, None) is None


def test_each_reading_is_one_artifact_read_back_one_row_per_well_read(mem: Engine) -> None:
    with quiet():
        record = runner.run(read_out, bench(), db=mem)
    assert record.status == "completed"
    df = praxis_lab.artifacts(record.run_id, db=mem)
    assert df.groupby("kind", sort=False).size().to_dict() == {
        "absorbance": 48, "fluorescence": 96, "luminescence": 96}
    absorbance = df[df.kind == "absorbance"].set_index("well")
    assert absorbance.loc["C4", "value"] == GRADIENT[2][3] == 0.23
    assert set(absorbance["column"]) == {1, 2, 3, 4, 5, 6}  # only the wells read
    assert (absorbance["wavelength"] == 450).all() and absorbance["temperature"].isna().all()
    assert df[["seq", "receiver", "plate"]].drop_duplicates().values.tolist() == [
        [2, "reader", "elisa_plate"], [3, "reader", "elisa_plate"], [4, "reader", "elisa_plate"]]
    fluorescence = df[df.kind == "fluorescence"].iloc[0]
    assert (fluorescence["ex_wavelength"], fluorescence["em_wavelength"],
            fluorescence["focal_height"], fluorescence["value"]) == (485, 528, 13.0, 5.0)


def test_a_reading_is_pending_while_the_run_goes_on_and_committed_when_it_ends(
        shared_url: str) -> None:
    mem = db.connect(shared_url)  # a file, and PostgreSQL when one is available
    r = Runner(read_out, bench(), db=mem)
    seen: list[Any] = []

    def on_log(message: dict[str, Any]) -> None:
        if message["type"] == "log" and message["seq"] == 3:  # the absorbance is stored
            with mem.connect() as conn:
                seen.extend(conn.execute(select(Artifact.kind, Artifact.committed_at)).all())
            seen.append(praxis_lab.artifacts(r.run_id, db=mem).empty)

    r.subscribe(on_log)
    with quiet():
        record = asyncio.run(r.execute())
    assert seen == [("absorbance", None), True]
    with mem.connect() as conn:
        stamps = conn.execute(select(Artifact.committed_at)).scalars().all()
    assert len(stamps) == 3 and all(s is not None for s in stamps)
    assert len(praxis_lab.artifacts(record.run_id, db=mem)) == 240


def test_a_run_that_fails_after_a_reading_keeps_it(mem: Engine) -> None:
    with quiet():
        record = runner.run(reads_then_fails, bench(), db=mem)
    assert (record.status, record.error_code) == ("failed", "RuntimeError")
    df = praxis_lab.artifacts(record.run_id, db=mem)
    assert len(df) == 96 and df["value"].max() == GRADIENT[7][11]


def test_the_heatmap_draws_the_plate_as_plr_numbers_it(mem: Engine) -> None:
    with quiet():
        record = runner.run(read_out, bench(), db=mem)
    df = praxis_lab.artifacts(record.run_id, db=mem)
    fig = praxis_lab.plate_heatmap(df, seq=2)
    heat = fig.data[0]
    assert list(heat.y) == list("ABCDEFGH") and list(heat.x) == [str(c) for c in range(1, 7)]
    assert heat.z[2][3] == 0.23 and heat.z[7][5] == GRADIENT[7][5]
    assert fig.layout.title.text == ("elisa_plate: absorbance (wavelength 450) — reader, "
                                     "call 2")
    assert "call 4" in praxis_lab.plate_heatmap(df).layout.title.text  # the last one
    with pytest.raises(ValueError, match=r"no reading at call 9 .*calls \[2, 3, 4\]"):
        praxis_lab.plate_heatmap(df, seq=9)
    with pytest.raises(ValueError, match="no reading to draw"):
        praxis_lab.plate_heatmap(df.iloc[:0])


def test_artifacts_of_an_unknown_run_say_where_to_look(mem: Engine) -> None:
    with pytest.raises(LookupError, match=r"run 7 is not in the run store .*history"):
        praxis_lab.artifacts(7, db=mem)
