"""The IHK business register on the real files (both dialects)."""

from __future__ import annotations

import pytest

import lichtenberg_data as ld
from conftest import need
from lichtenberg_data.sources.business import parse_ihk


def test_semicolon_sample_with_decimal_commas(data_dir, real_data):
    ld.import_file("ihk_gewerbedaten", real_data / "business" / "IHK_OD_03-2023.csv")
    df = ld.load("ihk_gewerbedaten")
    assert len(df) == 30
    first = df.iloc[0]
    assert first["opendata_id"] == "6063606" and first["planungsraum_id"] == "04500939"
    assert first["latitude"] == pytest.approx(52.48873738) and first["longitude"] == pytest.approx(13.30283351)
    assert first["bezirk_id"] == "04" and first["nace_id"] == "5629"
    assert int(df["id_mangled"].sum()) == 13  # '9,43032E+11' cannot be repaired, only flagged
    assert df["date"].iloc[0].date().isoformat() == "2023-03-01"
    assert df.attrs["provenance"][0]["license"] == "CC0 1.0"


def test_monthly_diff_with_cr_line_endings(real_data):
    df = parse_ihk(real_data / "business" / "ihk-monthly-diffs-2023" / "07_july_added.csv")
    assert len(df) == 5417
    assert int((df["bezirk_id"] == "11").sum()) == 242      # SOURCES.md: Lichtenberg rows 242
    assert int(df["bezirk"].isna().sum()) == 12              # literal NULL district
    assert df["planungsraum_id"].dropna().str.len().eq(8).all()
    assert df.loc[0, "employees_range"] == "0 Beschäftigte"


def test_all_monthly_diffs_parse(real_data):
    folder = need(real_data / "business" / "ihk-monthly-diffs-2023")
    counts = {p.name: len(parse_ihk(p)) for p in sorted(folder.glob("*.csv"))}
    assert counts["05_may_deleted.csv"] == 3711 and counts["06_june_added.csv"] == 360
    assert len(counts) == 8
