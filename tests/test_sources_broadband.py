"""Gigabit and fibre coverage per Planungsraum: the real workbook (Stand 02/2024), bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from badfiles import assert_refused, html_page, truncated

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data.sources.broadband import parse_versorgungsdaten, workbook_saved

NAME = "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"


@pytest.fixture(scope="module")
def workbook(real_data) -> Path:
    return real_data / "business" / NAME


@pytest.fixture(scope="module")
def table(workbook) -> pd.DataFrame:
    return parse_versorgungsdaten(workbook)


def _rewrite(src: Path, dest: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new)
            zout.writestr(item, data)
    return dest


@pytest.mark.realdata
def test_542_planungsraeume_with_string_keys(table):
    assert table["planungsraum_id"].nunique() == 542
    assert table["planungsraum_id"].str.fullmatch(r"\d{8}").all()
    first = table[(table["planungsraum_id"] == "01100101") & (table["stufe"] == "ist")].set_index("technologie")
    assert first.loc["gigabit", "einheiten"] == 2613 and first.loc["gigabit", "anteil_prozent"] == 98.3
    assert first.loc["glasfaser", "einheiten"] == 1549 and first["planungsraum"].iloc[0] == "Stülerstraße"
    assert (table.loc[table["bezirk_id"] == "11", "planungsraum_id"].nunique()) == 41


@pytest.mark.realdata
def test_sums_equal_the_land_berlin_row(table, workbook):
    raw = pd.read_excel(workbook, header=None, skiprows=4, dtype={1: str}, engine="calamine")
    berlin = raw[raw[1] == "00"].iloc[0]
    sums = table.groupby(["stufe", "technologie"])["einheiten"].sum()
    assert sums[("ist", "gigabit")] == berlin[5] == 2_067_165
    assert sums[("ist", "glasfaser")] == berlin[8] == 741_551
    assert sums[("prognose", "gigabit")] == berlin[11] and sums[("prognose", "glasfaser")] == berlin[14]


@pytest.mark.realdata
def test_fibre_share_per_bezirk(table):
    """Fibre share of all units per Bezirk; the Senate quoted the same shares (Mitte 57.4 %,
    Lichtenberg 49.2 %, Treptow-Köpenick 12.7 %, Berlin 34.2 %) in spring 2024 (danny-freymark.de/node/3518)."""
    ist = table[table["stufe"] == "ist"].pivot_table(index=["bezirk_id", "planungsraum_id"], columns="technologie",
                                                   values=["einheiten", "anteil_prozent"])
    gig = ist[ist[("anteil_prozent", "gigabit")] > 0]
    units = (gig[("einheiten", "gigabit")] / gig[("anteil_prozent", "gigabit")] * 100).groupby("bezirk_id").sum()
    share = (ist[("einheiten", "glasfaser")].groupby("bezirk_id").sum() / units * 100).round(1)
    assert share[["01", "11", "09"]].tolist() == [57.4, 49.2, 12.7]
    assert round(ist[("einheiten", "glasfaser")].sum() / units.sum() * 100, 1) == 34.2


@pytest.mark.realdata
def test_forecast_change_is_in_percentage_points(table):
    wide = table.pivot_table(index=["planungsraum_id", "technologie"], columns="stufe",
                             values=["anteil_prozent", "veraenderung_pp"])
    diff = wide[("anteil_prozent", "prognose")] - wide[("anteil_prozent", "ist")]
    assert (diff - wide[("veraenderung_pp", "prognose")]).abs().max() < 0.15
    assert (wide[("veraenderung_pp", "ist")] == 0).all()


@pytest.mark.realdata
def test_stand_and_forecast_year_from_the_workbook(table, workbook):
    assert workbook_saved(workbook).isoformat() == "2024-02-23"
    assert table["date"].unique().tolist() == [pd.Timestamp("2024-02-01")]
    assert table["prognose_jahr"].unique().tolist() == [2024]


@pytest.mark.realdata
def test_import_and_provenance(data_dir, workbook):
    outcome = ld.import_file("gigabit_versorgung", workbook)
    assert outcome.rows == 2168
    df = ld.load("gigabit_versorgung")
    assert df.attrs["provenance"][0]["reference_date"] == "2024-02-01"
    note = ld.source_note(df)
    assert "Senatsverwaltung für Wirtschaft, Energie und Betriebe" in note and "keine Lizenz angegeben" in note
    assert "in der Datei nicht genannt" in catalog.get("gigabit_versorgung").publisher


@pytest.mark.realdata
def test_bad_files_are_refused_and_change_nothing(data_dir, workbook, real_data, tmp_path):
    ld.import_file("gigabit_versorgung", workbook)
    other_series = real_data / "employment" / "lor_Medianeinkommen_31-12-2023.xlsx"
    assert_refused(data_dir, "gigabit_versorgung", other_series, "no LOR coverage table")
    other = real_data / "statistics-xlsx" / "SB_F02-02-00_2022j01_BE.xlsx"
    assert_refused(data_dir, "gigabit_versorgung", other, "no LOR coverage table")
    assert_refused(data_dir, "gigabit_versorgung", truncated(workbook, tmp_path), "cut off")
    renamed = _rewrite(workbook, tmp_path / "Berlin_LOR_Versorgungsdaten_Stand_2403.xlsx", "xl/sharedStrings.xml",
                       b"Glasfaser-Versorgung", b"FTTH-Versorgung")
    assert_refused(data_dir, "gigabit_versorgung", renamed, r"expected current state and forecast.*found 6")
    assert_refused(data_dir, "gigabit_versorgung", html_page(tmp_path, NAME), "is an HTML page")
