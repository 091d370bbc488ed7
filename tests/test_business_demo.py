"""The demo's IHK sample: a monthly history of at least 13 months, marked as sample data."""

from __future__ import annotations

import pytest

import lichtenberg_data as ld
from lichtenberg_data import business
from lichtenberg_data._readers import SAMPLE_TOKEN
from lichtenberg_data.demo import SAMPLES, write_mirror
from lichtenberg_data.demo.business import sample_ihk_history

pytestmark = pytest.mark.slow


def test_a_history_of_marked_months_with_entries_and_exits(data_dir, tmp_path):
    files = sample_ihk_history(months=13, n=3000, end=(2025, 12))
    assert list(files)[0] == "IHKBerlin_Gewerbedaten_12-2024.csv" and list(files)[-1] == "IHKBerlin_Gewerbedaten_12-2025.csv"
    assert all(SAMPLE_TOKEN.encode() in body for body in files.values())
    paths = []
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
        paths.append(tmp_path / name)
    ld.import_file("ihk_gewerbedaten", paths)
    assert len(business.months()) == 13
    berlin = business.dynamics("berlin")
    flows = berlin[berlin["vormonat"].notna()]
    assert len(flows) == 12 and (flows["zugaenge"] > 0).all() and (flows["abgaenge"] > 0).all()
    # entries about 1.4 %, exits about 1.1 % of the register a month
    assert 0.005 < flows["zugaenge"].sum() / 12 / 3000 < 0.03 and 0.003 < flows["abgaenge"].sum() / 12 / 3000 < 0.03
    assert ld.is_sample(berlin) and "BEISPIELDATEN" in ld.source_note(berlin)
    # the sample lies in the real Planungsräume: Lichtenberg's are among them
    plr = business.stock("planungsraum", district="Lichtenberg")
    assert (plr["gebiet_id"] != "00").sum() > 20


def test_the_demo_mirror_holds_every_month_and_the_live_file(tmp_path):
    assert "ihk_gewerbedaten" in SAMPLES
    mirror = write_mirror(tmp_path / "mirror", only=["ihk_gewerbedaten"])
    names = sorted(p.name for p in (mirror / "ihk_gewerbedaten").iterdir())
    assert "IHKBerlin_Gewerbedaten.csv" in names and len(names) >= 14
