"""Schools for orientation (workforce/_schools.py) on the real school list and register: the
district's ISS, Gymnasien and Oberstufenzentren, and the 15- to under-18-year-olds per school."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import workforce as wf
from lichtenberg_data.demo import SNAPSHOT


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The snapshot's schools, register and LOR in a data folder of this module."""
    from lichtenberg_data import settings as s

    folder = tmp_path_factory.mktemp("data")
    old = s.settings.data_dir
    s.set(data_dir=folder)
    try:
        outcomes = ld.refresh(["einwohner_lor", "lor_planungsraeume", "schulen"], mirror=SNAPSHOT)
        assert [o.state for o in outcomes] == ["fresh"] * 3, [o.reason for o in outcomes]
        yield ld.load("schulen"), ld.load("einwohner_lor")
    finally:
        s.set(data_dir=old)


def _youth_from_the_raw_file(name: str, bezirk: str) -> int:
    """The 15- to under-18-year-olds of one Bezirk, summed from the register CSV itself."""
    with open(SNAPSHOT / "einwohner_lor" / name, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    col = "E_E15U18" if "E_E15U18" in rows[0] else "E_15U18"
    return sum(int(float(r[col].replace(",", "."))) for r in rows if r["RAUMID"].zfill(8).startswith(bezirk))


@pytest.mark.slow  # 0.9 s on 2 cores
def test_the_districts_orientation_schools(loaded):
    schulen, _ = loaded
    out = wf.orientation_schools(schulen, "Lichtenberg")
    assert out["typ"].value_counts().to_dict() == {"ISS": 11, "Gymnasium": 5, "Berufliche Schule/OSZ": 3}
    assert out["planungsraum_id"].str.startswith("11").all() and out.geometry.notna().all()
    assert "Max-Taut-Schule (OSZ Gebäude, Umwelt, Technik)" in set(out["name"])
    mh = wf.orientation_schools(schulen, "Marzahn-Hellersdorf")
    assert mh["bezirk_id"].eq("10").all() and len(mh) > 10


def test_youth_per_school_in_the_school_year_of_the_list(loaded):
    schulen, einwohner = loaded
    out = wf.youth_per_school(schulen, einwohner).set_index("gebiet")
    li, berlin = out.loc["Lichtenberg"], out.loc["Berlin"]
    assert (li["iss"], li["gymnasien"], li["berufliche_schulen"], li["schulen_sek"]) == (11, 5, 3, 16)
    assert li["jahr_einwohner"] == 2019  # the last 31.12. before the list of 07/2020
    assert li["schulen_stand"] == pd.Timestamp("2020-07-01")
    assert li["einwohner_15_18"] == _youth_from_the_raw_file("EWR201912E_Matrix.csv", "11")
    assert li["je_schule"] == pytest.approx(li["einwohner_15_18"] / 16)
    assert berlin["einwohner_15_18"] == out.drop(index="Berlin")["einwohner_15_18"].sum()
    assert (berlin["iss"], berlin["gymnasien"]) == (123, 91)  # public: 122 located + 1 only in the directory
    assert "Schulplätze und Schülerzahlen sind in den Schuldaten nicht enthalten" in out.attrs["hinweis"]
    later = wf.youth_per_school(schulen, einwohner, year=2025).set_index("gebiet")
    assert later.loc["Lichtenberg", "einwohner_15_18"] == _youth_from_the_raw_file("EWR_L21_202512E_Matrix.csv", "11")
