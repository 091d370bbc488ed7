"""Employees and unemployed per Bezirk from Amt für Statistik report tables (samples)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from afs_layout import relaid

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import labour as demo_labour
from lichtenberg_data.sources import labour

# =============================================================================== AfS reports

def test_beschaeftigte_sample_parses_through_afs(tmp_path):
    path = tmp_path / "SB_A06-05-00_2021q02_BE.xlsx"
    path.write_bytes(demo_labour.sample_beschaeftigte(2021))
    df = labour.parse_beschaeftigte_file(path)
    validate(catalog.get("beschaeftigte_bezirke"), df)
    assert set(df["date"]) == {pd.Timestamp("2021-06-30")}
    assert df.groupby("ort").size().to_dict() == {"arbeitsort": 13, "wohnort": 13}
    spandau = df[(df["ort"] == "wohnort") & (df["bezirk_id"] == "05")].iloc[0]
    assert np.isnan(spandau["alter_65_plus"]) and spandau["flags"] == "alter_65_plus:•"
    assert df.loc[df["bezirk_id"] == "00", "bezirk"].eq("Berlin").all()


def test_provisional_flags_are_kept(tmp_path):
    path = tmp_path / "SB_A06-05-00_2025q02_BE.xlsx"
    path.write_bytes(demo_labour.sample_beschaeftigte(2025))
    df = labour.parse_beschaeftigte_file(path)
    berlin = df[df["bezirk_id"] == "00"]
    assert berlin["flags"].str.contains("insgesamt:p").all() and berlin["insgesamt"].gt(1e6).all()


def test_arbeitslose_sample(tmp_path):
    path = tmp_path / "arbeitslose_bezirke_2024.xlsx"
    path.write_bytes(demo_labour.sample_arbeitslose(2024))
    df = labour.parse_arbeitslose_file(path)
    validate(catalog.get("arbeitslose_bezirke"), df)
    assert set(df["date"]) == {pd.Timestamp("2024-12-31")} and len(df) == 13


def test_afs_report_without_bezirk_table(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "T1"
    ws["A1"] = "1 Sozialversicherungspflichtig Beschäftigte am Arbeitsort nach Wirtschaftsabschnitten"
    ws["A3"], ws["B3"] = "Abschnitt", "Insgesamt"
    ws["A5"], ws["B5"] = "Verarbeitendes Gewerbe", 100
    ws["A6"], ws["B6"] = "Handel", 200
    path = tmp_path / "SB_A06-05-00_2025q02_BE.xlsx"
    wb.save(path)
    with pytest.raises(FormatError, match="no table lists the twelve Bezirke.*employees by Bezirk.*sheets .T1.; "
                                          "tables: 1 Sozialversicherungspflichtig Beschäftigte am Arbeitsort"):
        labour.parse_beschaeftigte_file(path)



# =============================================================================== catalogue

@pytest.mark.parametrize("dataset_id", ["mss", "gssa", "stellenangebote", "beschaeftigte_bezirke",
                                        "arbeitslose_bezirke"])
def test_declarations(dataset_id):
    ds = catalog.get(dataset_id)
    assert ds.topic == "workforce" and ds.license in catalog.LICENSES.values()
    assert ds.source_title and ds.title and ds.landing_page.startswith("https://")
    if ds.history:
        assert "date" in ds.schema.columns


@pytest.mark.slow  # 0.5 s on 2 cores
def test_sample_mirror_holds_only_the_datasets_without_a_real_file(data_dir, tmp_path):
    from lichtenberg_data.demo import write_mirror

    mirror = write_mirror(tmp_path / "mirror", only=["mss", "gssa", "stellenangebote", "beschaeftigte_bezirke",
                                                     "arbeitslose_bezirke"])
    assert not (mirror / "mss").exists() and not (mirror / "gssa").exists()  # real files exist for these
    ids = ["stellenangebote", "beschaeftigte_bezirke", "arbeitslose_bezirke"]
    outcomes = ld.refresh(ids, mirror=mirror)
    assert [o.state for o in outcomes] == ["fresh"] * 3, [o.reason for o in outcomes]
    assert ld.load("beschaeftigte_bezirke")["date"].nunique() == 5
    assert all(ld.is_sample(ld.load(i)) for i in ids)


@pytest.mark.parametrize("year", [2021, 2025])
def test_tables_found_by_content_when_the_layout_differs(tmp_path, year):
    """Sheets renamed, tables moved 4 rows down and 3 columns right, titles without number: the same rows."""
    for make, parse, name in ((demo_labour.sample_beschaeftigte, labour.parse_beschaeftigte_file,
                               f"SB_A06-05-00_{year}q02_BE.xlsx"),
                              (demo_labour.sample_arbeitslose, labour.parse_arbeitslose_file,
                               f"arbeitslose_bezirke_{year}.xlsx")):
        original = tmp_path / name
        original.write_bytes(make(year))
        moved = relaid(original.read_bytes(), tmp_path / "moved" / name, rows=4, cols=3)
        pd.testing.assert_frame_equal(parse(moved), parse(original))
    employees = labour.parse_beschaeftigte_file(tmp_path / "moved" / f"SB_A06-05-00_{year}q02_BE.xlsx")
    assert employees.groupby("ort").size().to_dict() == {"arbeitsort": 13, "wohnort": 13}
    assert set(employees["date"]) == {pd.Timestamp(f"{year}-06-30")}


def test_info_says_the_parsers_are_unverified():
    for dataset in ("beschaeftigte_bezirke", "arbeitslose_bezirke"):
        info = catalog.get(dataset).how_to_import()
        assert "parser NOT VERIFIED: never read a real" in info and "address not verified" in info
