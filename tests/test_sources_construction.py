"""Baufertigstellungen: the real reports F II 2 (2020-2022) with their backlog tables, a series, bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from badfiles import assert_refused, html_page, truncated

import lichtenberg_data as ld
from conftest import need
from lichtenberg_data import catalog
from lichtenberg_data.sources.construction import VALUES, parse_fii2_file, report_series

REPORT = "SB_F02-02-00_2022j01_BE.xlsx"


@pytest.fixture(scope="module")
def report(real_data) -> Path:
    return real_data / "statistics-xlsx" / REPORT


@pytest.fixture(scope="module")
def table(report) -> pd.DataFrame:
    return parse_fii2_file(report)


def _rewrite(src: Path, dest: Path, replace: dict[bytes, bytes]) -> Path:
    """A copy of an xlsx with text replaced in its shared strings (titles, headers)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                for old, new in replace.items():
                    assert old in data, old
                    data = data.replace(old, new)
            zout.writestr(item, data)
    return dest


def _row(df: pd.DataFrame, bezirk: str, art: str, massnahme: str) -> pd.Series:
    hit = df[(df["bezirk_id"] == bezirk) & (df["gebaeudeart"] == art) & (df["massnahme"] == massnahme)]
    assert len(hit) == 1
    return hit.iloc[0]


# =============================================================================== real report

@pytest.mark.realdata
def test_lichtenberg_new_non_residential_2022(table):
    li = _row(table, "11", "nichtwohngebaeude", "fertigstellung_neubau")
    assert li["gebaeude"] == 16 and li["nutzflaeche_m2"] == 60_390
    assert li["rauminhalt_m3"] == 285_000 and li["kosten_eur"] == 94_203_000 and li["wohnungen"] == 0


@pytest.mark.realdata
def test_values_agree_with_the_sheet_read_by_pandas(table, report):
    sheet = pd.read_excel(report, sheet_name="Baufert. Tab. 14 u. 15", header=None, engine="calamine")
    start = sheet.index[sheet[0].astype(str).str.startswith("15 Baufertigstellungen neuer Nichtwohngebäude")][0]
    rows = sheet.loc[start:].set_index(0)
    for bezirk, key in (("Lichtenberg", "11"), ("Mitte", "01"), ("Berlin", "00")):
        cells = rows.loc[bezirk]
        parsed = _row(table, key, "nichtwohngebaeude", "fertigstellung_neubau")
        assert parsed["gebaeude"] == cells[1] and parsed["rauminhalt_m3"] == cells[2] * 1000
        assert parsed["nutzflaeche_m2"] == round(cells[3] * 100) and parsed["kosten_eur"] == cells[6] * 1000


@pytest.mark.realdata
def test_bezirke_add_up_to_berlin(table):
    for (art, massnahme), part in table.groupby(["gebaeudeart", "massnahme"]):
        berlin = part[part["bezirk_id"] == "00"].iloc[0]
        bezirke = part[part["bezirk_id"] != "00"]
        assert len(bezirke) == 12
        assert bezirke["gebaeude"].sum() == berlin["gebaeude"], (art, massnahme)
        if massnahme.startswith("fertigstellung"):
            assert abs(bezirke["nutzflaeche_m2"].sum() - berlin["nutzflaeche_m2"]) <= 60
            assert bezirke["wohnungen"].sum() == berlin["wohnungen"]


@pytest.mark.realdata
def test_kinds_measures_and_backlog(table):
    kinds = table.groupby("gebaeudeart")["massnahme"].unique().map(sorted).to_dict()
    backlog_measures = ["erloschen_neubau", "ueberhang", "ueberhang_neubau", "ueberhang_neubau_nicht_begonnen",
                        "ueberhang_neubau_nicht_unter_dach", "ueberhang_neubau_unter_dach"]
    assert kinds == {
        "wohn_und_nichtwohnbau": ["fertigstellung"],
        "wohngebaeude": sorted(["fertigstellung_neubau", *backlog_measures]),
        "nichtwohngebaeude": sorted(["fertigstellung_neubau", *backlog_measures])}
    backlog = _row(table, "11", "nichtwohngebaeude", "ueberhang")
    assert backlog["gebaeude"] == 109 and pd.isna(backlog["nutzflaeche_m2"])
    assert _row(table, "00", "nichtwohngebaeude", "ueberhang")["gebaeude"] == 1258  # the table's total row
    parts = [_row(table, "11", "nichtwohngebaeude", m)["gebaeude"] for m in
             ("ueberhang_neubau_unter_dach", "ueberhang_neubau_nicht_unter_dach", "ueberhang_neubau_nicht_begonnen")]
    assert sum(parts) == _row(table, "11", "nichtwohngebaeude", "ueberhang_neubau")["gebaeude"] == 74
    total = _row(table, "11", "wohn_und_nichtwohnbau", "fertigstellung")
    assert total["gebaeude"] == 152 and total["wohnungen"] == 1571 and pd.isna(total["rauminhalt_m3"])


#: Lichtenberg's Bauüberhang at 31.12. as printed in the reports (Tab. 16, 17, 18).
BACKLOG = {2020: (698, 5461, 106), 2021: (798, 7627, 105), 2022: (768, 8140, 109)}


@pytest.mark.realdata
@pytest.mark.parametrize("year", sorted(BACKLOG))
def test_lichtenberg_backlog_of_each_report(real_data, year):
    df = parse_fii2_file(real_data / "statistics-xlsx" / f"SB_F02-02-00_{year}j01_BE.xlsx")
    projects, dwellings, non_residential = BACKLOG[year]
    residential = _row(df, "11", "wohngebaeude", "ueberhang")
    assert (residential["gebaeude"], residential["wohnungen"]) == (projects, dwellings)
    assert _row(df, "11", "nichtwohngebaeude", "ueberhang")["gebaeude"] == non_residential
    assert len(df) == 195 and set(df["year"]) == {year}


@pytest.mark.realdata
def test_backlog_states_add_up_and_berlin_is_the_sum(table):
    new = _row(table, "11", "wohngebaeude", "ueberhang_neubau")
    states = [_row(table, "11", "wohngebaeude", f"ueberhang_neubau_{s}")["wohnungen"]
              for s in ("unter_dach", "nicht_unter_dach", "nicht_begonnen")]
    assert states == [2497, 2886, 2371] and sum(states) == new["wohnungen"] == 7754
    assert _row(table, "11", "wohngebaeude", "erloschen_neubau")["wohnungen"] == 110
    berlin = _row(table, "00", "wohngebaeude", "ueberhang")
    assert (berlin["gebaeude"], berlin["wohnungen"]) == (8820, 61534)  # the total row "Wohngebäude"
    part = table[(table["gebaeudeart"] == "wohngebaeude") & (table["massnahme"] == "ueberhang")]
    assert part.loc[part["bezirk_id"] != "00", "wohnungen"].sum() == 61534


@pytest.mark.realdata
def test_a_number_stored_as_text_is_read(report, tmp_path):
    path = _set_cell(report, tmp_path / "SB_F02-02-00_2022j01_BE.xlsx", "BAUÜB Tab.  17 ", 8140, "8 140")
    assert _row(parse_fii2_file(path), "11", "wohngebaeude", "ueberhang")["wohnungen"] == 8140


def _set_cell(src: Path, dest: Path, sheet: str, old: int, value: int | str) -> Path:
    """A copy of the report with the one cell of ``sheet`` holding the number ``old`` set to
    ``value`` (a number, or a text cell when ``value`` is a str), written into the sheet's XML."""
    import re

    with zipfile.ZipFile(src) as zin:
        book = zin.read("xl/workbook.xml").decode("utf-8")
        rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', book).group(1)
        target = "xl/" + re.search(rf'Id="{rid}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels).group(1)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == target:
                    cell = re.compile(rf'<c r="([A-Z]+\d+)"([^>]*?)(?: t="n")?><v>{old}</v></c>'.encode())
                    assert len(cell.findall(data)) == 1
                    text = (f'<c r="\\1"\\2 t="inlineStr"><is><t>{value}</t></is></c>' if isinstance(value, str)
                            else f'<c r="\\1"\\2><v>{value}</v></c>')
                    data = cell.sub(text.encode(), data)
                zout.writestr(item, data)
    return dest


@pytest.mark.realdata
def test_series_code_on_the_title_sheet(report, real_data):
    assert report_series(report) == "F II 2"
    assert report_series(need(real_data / "statistics-xlsx" / "SB_A01-05-00_2024h02_BE.xlsx")) == "A I 5"


@pytest.mark.slow  # 0.4 s on 2 cores
@pytest.mark.realdata
def test_two_reports_make_a_series(data_dir, report, tmp_path):
    earlier = _rewrite(report, tmp_path / "SB_F02-02-00_2021j01_BE.xlsx",
                       {b"2022 nach Bezirken": b"2021 nach Bezirken", b"31.12.2022": b"31.12.2021",
                        b"j/22": b"j/21"})
    ld.import_file("baufertigstellungen", report)
    ld.import_file("baufertigstellungen", earlier)
    df = ld.load("baufertigstellungen")
    assert sorted(df["year"].unique()) == [2021, 2022]
    assert df.groupby("year").size().tolist() == [195, 195]
    assert df.attrs["provenance"][0]["reference_date"] == "2022-12-31"
    assert set(catalog.get("baufertigstellungen").schema.columns) >= set(VALUES)


# =============================================================================== bad files

@pytest.mark.slow  # 0.4 s on 2 cores
@pytest.mark.realdata
def test_bad_files_are_refused_and_change_nothing(data_dir, report, real_data, tmp_path):
    ld.import_file("baufertigstellungen", report)
    wrong_series = real_data / "statistics-xlsx" / "SB_A01-05-00_2024h02_BE.xlsx"
    assert_refused(data_dir, "baufertigstellungen", wrong_series, "report of the series A I 5, not F II 2")
    other = real_data / "business" / "Berlin_LOR_Versorgungsdaten_Stand_2402.xlsx"
    assert_refused(data_dir, "baufertigstellungen", other, "no table of building completions by Bezirk")
    cut = truncated(report, tmp_path)
    assert_refused(data_dir, "baufertigstellungen", cut, "is an Excel workbook \\(xlsx\\) that is cut off")
    renamed = _rewrite(report, tmp_path / "SB_F02-02-00_2023j01_BE.xlsx",
                       {b">Nutzfl\xc3\xa4che<": b">Nutzfl. insg.<"})
    assert_refused(data_dir, "baufertigstellungen", renamed, "no columns for nutzflaeche_m2")
    assert_refused(data_dir, "baufertigstellungen", html_page(tmp_path, REPORT), "is an HTML page")
    edited = _set_cell(report, tmp_path / "edited" / REPORT, "BAUÜB Tab.  17 ", 8140, 8141)
    assert_refused(data_dir, "baufertigstellungen", edited,
                   r"totals do not add up .*wohngebaeude.*ueberhang.*61,535 wohnungen, Berlin says 61,534")
