"""Gewerbeanzeigen by Bezirk: sample reports in the AfS layout (no real D I 2 file), bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from afs_layout import relaid
from badfiles import assert_refused, html_page, truncated

import lichtenberg_data as ld
from lichtenberg_data import afs, catalog
from lichtenberg_data._validate import validate
from lichtenberg_data.demo.land import SAMPLES, sample_gewerbeanzeigen
from lichtenberg_data.sources.registrations import parse_gewerbeanzeigen_file


def _sample(folder: Path, year: int, month: int = 12) -> Path:
    path = folder / f"SB_D01-02-00_{year}m{month:02d}_BE.xlsx"
    path.write_bytes(sample_gewerbeanzeigen(year, month))
    return path


def test_december_report_gives_the_month_and_the_year(tmp_path):
    path = _sample(tmp_path, 2025)
    df = parse_gewerbeanzeigen_file(path)
    validate(catalog.get("gewerbeanzeigen"), df)
    assert df.groupby("zeitraum").size().to_dict() == {"jahr": 13, "monat": 13}
    assert set(df.loc[df["zeitraum"] == "monat", "month"]) == {12}
    assert df.loc[df["zeitraum"] == "jahr", "month"].isna().all()
    assert set(df["date"]) == {pd.Timestamp("2025-12-31")}
    # the values are the cells of the report, read independently through the AfS reader
    tables = afs.read_tables(path)
    year_table = next(t for title, t in tables.items() if "Januar bis Dezember" in title)
    li_cells = year_table.set_index("bezirk_id").loc["11"]
    li = df[(df["zeitraum"] == "jahr") & (df["bezirk_id"] == "11")].iloc[0]
    assert li["anmeldungen"] == li_cells["Gewerbeanmeldungen insgesamt"]
    assert li["aufgaben"] == li_cells["Gewerbeabmeldungen darunter vollständige Aufgaben"]
    berlin = df[(df["zeitraum"] == "jahr") & (df["bezirk_id"] == "00")].iloc[0]
    bezirke = df[(df["zeitraum"] == "jahr") & (df["bezirk_id"] != "00")]
    assert bezirke["anmeldungen"].sum() == berlin["anmeldungen"] and berlin["bezirk"] == "Berlin"


def test_a_mid_year_report_keeps_only_the_month(tmp_path):
    df = parse_gewerbeanzeigen_file(_sample(tmp_path, 2025, 6))
    assert df["zeitraum"].unique().tolist() == ["monat"]
    assert df["date"].unique().tolist() == [pd.Timestamp("2025-06-30")]


def test_reports_of_three_years_make_a_series(data_dir, tmp_path):
    ld.import_file("gewerbeanzeigen", [_sample(tmp_path, y) for y in (2023, 2024, 2025)])
    df = ld.load("gewerbeanzeigen")
    yearly = df[(df["zeitraum"] == "jahr") & (df["bezirk_id"] == "11")]
    assert yearly["year"].tolist() == [2023, 2024, 2025]
    assert df.attrs["provenance"][0]["reference_date"] == "2025-12-31"
    assert all(("gewerbeanzeigen", r.name) in SAMPLES for r in catalog.get("gewerbeanzeigen").resources)


def test_swapped_columns_are_caught(tmp_path):
    df = parse_gewerbeanzeigen_file(_sample(tmp_path, 2024))
    swapped = df.rename(columns={"anmeldungen": "neugruendungen", "neugruendungen": "anmeldungen"})
    with pytest.raises(ld.ValidationError, match="exceeds its total"):
        validate(catalog.get("gewerbeanzeigen"), swapped)


def _renamed(src: Path, dest: Path, old: bytes, new: bytes) -> Path:
    """A copy with a header text replaced (openpyxl writes strings into the sheets, not shared)."""
    replaced = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/") and old in data:
                replaced += 1
                data = data.replace(old, new)
            zout.writestr(item, data)
    assert replaced
    return dest


@pytest.mark.realdata
def test_bad_files_are_refused_and_change_nothing(data_dir, real_data, tmp_path):
    good = _sample(tmp_path, 2024)
    ld.import_file("gewerbeanzeigen", good)
    wrong_series = real_data / "statistics-xlsx" / "SB_F02-02-00_2022j01_BE.xlsx"
    assert_refused(data_dir, "gewerbeanzeigen", wrong_series, "report of the series F II 2, not D I 2")
    other = real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"
    assert_refused(data_dir, "gewerbeanzeigen", other, "no table lists the twelve Bezirke.*business registrations.*"
                   "sheets .LOR.; tables: none")
    cut_dir = tmp_path / "cut"
    cut_dir.mkdir()
    assert_refused(data_dir, "gewerbeanzeigen", truncated(_sample(tmp_path, 2025), cut_dir), "cut off")
    renamed = _renamed(_sample(tmp_path, 2023), tmp_path / "SB_D01-02-00_2023m11_BE.xlsx",
                       b"Gewerbeabmeldungen", b"Gewerbeabg\xc3\xa4nge")
    assert_refused(data_dir, "gewerbeanzeigen", renamed, "no columns for abmeldungen")
    assert_refused(data_dir, "gewerbeanzeigen", html_page(tmp_path, "SB_D01-02-00_2025m01_BE.xlsx"), "HTML page")
    assert ld.load("gewerbeanzeigen")["year"].unique().tolist() == [2024]


def test_tables_found_by_content_when_the_layout_differs(tmp_path):
    """Two tables on one sheet, the sheet renamed, both moved 6 rows down and 1 column right,
    their titles without number: the same month and year rows."""
    original = _sample(tmp_path, 2025)
    moved = relaid(original.read_bytes(), tmp_path / "moved" / original.name, rows=6, cols=1)
    again = parse_gewerbeanzeigen_file(moved)
    pd.testing.assert_frame_equal(again, parse_gewerbeanzeigen_file(original))
    assert again.groupby("zeitraum").size().to_dict() == {"jahr": 13, "monat": 13}
    assert afs.read_tables(moved) and all(df.attrs["sheet"] == "Blatt 1" for df in afs.read_tables(moved).values())


def test_info_says_the_parser_is_unverified():
    info = catalog.get("gewerbeanzeigen").how_to_import()
    assert "parser NOT VERIFIED: never read a real report D I 2" in info and "address not verified" in info
