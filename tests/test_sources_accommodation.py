"""The ``beherbergung_bezirke`` dataset (AfS G IV 1) on sample reports in the assumed layout.

No real report is available (see the module docstring); the tests check the parser against the
cells of the sample workbooks read directly with openpyxl, and the refusal of bad files.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from afs_layout import relaid
from openpyxl import load_workbook

import lichtenberg_data as ld
from lichtenberg_data import _store, catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.demo import labour as demo_labour
from lichtenberg_data.demo.tourism import sample_bericht
from lichtenberg_data.sources import accommodation
from lichtenberg_data.sources.accommodation import report_name


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    path = tmp_path_factory.mktemp("g4") / report_name(2024, 6)
    path.write_bytes(sample_bericht(2024, 6))
    return path


@pytest.fixture(scope="module")
def parsed(june):
    df = accommodation.parse_bericht_file(june)
    validate(catalog.get("beherbergung_bezirke"), df)
    return df


def _cell_row(path, sheet, label):
    """The cells of the row labelled ``label`` (line breaks in labels ignored) on ``sheet``."""
    ws = load_workbook(path)[sheet]
    for row in ws.iter_rows(values_only=True):
        if row[0] and str(row[0]).replace("\n", "") == label:
            return row
    raise AssertionError(label)


def test_values_are_the_cells_of_the_report(june, parsed):
    month = parsed[parsed["zeitraum"] == "Monat"].set_index("bezirk")
    cumulative = parsed[parsed["zeitraum"] == "Januar bis Monat"].set_index("bezirk")
    t5 = _cell_row(june, "T5", "Lichtenberg")
    t6 = _cell_row(june, "T6", "Lichtenberg")
    t7 = _cell_row(june, "T7", "Lichtenberg")
    assert month.loc["Lichtenberg", ["gaeste", "uebernachtungen", "aufenthaltsdauer"]].tolist() == [t5[1], t5[3], t5[5]]
    assert month.loc["Lichtenberg", ["betriebe", "betten", "bettenauslastung"]].tolist() == [t7[1], t7[2], t7[3]]
    assert cumulative.loc["Lichtenberg", ["gaeste", "uebernachtungen"]].tolist() == [t6[1], t6[3]]
    assert cumulative.loc["Lichtenberg", "bettenauslastung"] == t7[4]
    assert cumulative["betten"].isna().all()  # beds are a month-end stock
    berlin = _cell_row(june, "T5", "Berlin")
    assert month.loc["Berlin", "uebernachtungen"] == berlin[3]
    assert month.drop("Berlin")["uebernachtungen"].sum() == berlin[3]
    assert set(parsed["date"].dt.date.astype(str)) == {"2024-06-30"}
    assert len(month) == 13 and "Friedrichshain-Kreuzberg" in month.index  # label "Friedrichshain-\nKreuzberg"


def test_afs_symbols(june, parsed):
    spandau = parsed[(parsed["bezirk_id"] == "05") & (parsed["zeitraum"] == "Monat")].iloc[0]
    assert spandau["flags"] == "betten:•" and spandau["betten"] != spandau["betten"]  # secret: NaN
    december = _write(june.parent, report_name(2024, 12), sample_bericht(2024, 12))
    dec = accommodation.parse_bericht_file(december)
    berlin = dec[(dec["bezirk_id"] == "00") & (dec["zeitraum"] == "Monat")].iloc[0]
    cell = _cell_row(december, "T7", "Berlin")[1]  # "721 p": provisional
    assert berlin["flags"] == "betriebe:p" and berlin["betriebe"] == float(cell.split()[0])


def _write(folder, name, body):
    path = folder / name
    path.write_bytes(body)
    return path


def test_import_builds_months_and_years(data_dir, tmp_path):
    for year, month in ((2023, 12), (2024, 11), (2024, 12)):
        ld.import_file("beherbergung_bezirke", _write(tmp_path, report_name(year, month), sample_bericht(year, month)))
    df = ld.load("beherbergung_bezirke")
    assert sorted(df[["jahr", "monat"]].drop_duplicates().itertuples(index=False)) == [(2023, 12), (2024, 11), (2024, 12)]
    assert len(df) == 3 * 2 * 13
    assert "Stand 31.12.2024" in ld.source_note(df) and "CC BY 3.0 DE" in ld.source_note(df)


# ----------------------------------------------------------------------------- bad files
def _renamed(body: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(body))
    for ws in (wb["T5"], wb["T6"]):
        ws["D3"] = "Nächte"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.realdata
def test_bad_files_are_refused_and_the_table_is_kept(data_dir, tmp_path, real_data):
    good = sample_bericht(2024, 12)
    ld.import_file("beherbergung_bezirke", _write(tmp_path, report_name(2024, 12), good))
    before = _store.processed_path("beherbergung_bezirke").read_bytes()
    files = {
        "SB_A06-05-00_2024q02_BE.xlsx": (demo_labour.sample_beschaeftigte(2024), "no table lists the twelve Bezirke"),
        "SB_G04-01-00_2013m12_BE.xls": ((real_data / "tourism" / "besucherstatistik-2013-2014.xls").read_bytes(),
                                        "no table lists the twelve Bezirke"),
        "SB_G04-01-00_2024m10_BE.xlsx": (good[: len(good) // 2], "cut off"),
        "SB_G04-01-00_2024m09_BE.xlsx": (_renamed(sample_bericht(2024, 9)), "no columns for uebernachtungen"),
        "SB_G04-01-00_2024m08_BE.xlsx": (b"<!doctype html><html><body>Seite nicht gefunden</body></html>", "HTML page"),
    }
    for name, (body, message) in files.items():
        path = _write(tmp_path, name, body)
        with pytest.raises(FormatError, match=message) as err:
            ld.import_file("beherbergung_bezirke", path)
        assert "\n" not in str(err.value) and str(err.value).startswith(("beherbergung_bezirke: ", name)), name
        assert _store.processed_path("beherbergung_bezirke").read_bytes() == before, name


def test_every_declared_report_has_a_sample():
    from lichtenberg_data.demo.tourism import SAMPLES

    names = [r.name for r in catalog.get("beherbergung_bezirke").resources]
    assert len(names) == 17 and all(("beherbergung_bezirke", n) in SAMPLES for n in names)


def test_bezirk_tables_found_by_content_when_the_layout_differs(tmp_path):
    """Sheets renamed, tables moved 5 rows down and 2 columns right, titles without number: the same rows."""
    body = sample_bericht(2024, 6)
    original = accommodation.parse_bericht_file(_write(tmp_path, report_name(2024, 6), body))
    moved = relaid(body, tmp_path / "moved" / report_name(2024, 6), rows=5, cols=2)
    again = accommodation.parse_bericht_file(moved)
    pd.testing.assert_frame_equal(again, original)
    june = again[(again["zeitraum"] == "Monat") & (again["bezirk_id"] == "11")].iloc[0]
    assert june["gaeste"] == original.loc[(original["zeitraum"] == "Monat") & (original["bezirk_id"] == "11"),
                                          "gaeste"].item() and june["monat"] == 6
    assert set(again["zeitraum"]) == {"Monat", "Januar bis Monat"} and len(again) == 2 * 13


def test_info_says_the_parser_is_unverified():
    info = catalog.get("beherbergung_bezirke").how_to_import()
    assert "parser NOT VERIFIED: never read a real report G IV 1" in info
    assert "address not verified" in info
