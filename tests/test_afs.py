"""Tests of the AfS "Statistische Berichte" reader on small built workbooks and the real reports."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from afs_layout import relaid

from lichtenberg_data._errors import FormatError
from lichtenberg_data.afs import bezirk_tables, parse_value, read_table, read_tables
from lichtenberg_data.names import BEZIRKE

POPULATION = "statistics-xlsx/SB_A01-05-00_2024h02_BE.xlsx"
BUILDING = "statistics-xlsx/SB_F02-02-00_2022j01_BE.xlsx"

NAMES = list(BEZIRKE.values())
ABBREVIATED = {"Friedrichshain-Kreuzberg": "Friedrh.-Kreuzb.", "Charlottenburg-Wilmersdorf":
               "Charlbg.-Wilmersd.", "Marzahn-Hellersdorf": "Marzahn-Hellersd."}
#: Every AfS symbol, one per row of table 1 (12 Bezirke, then Berlin).
SYMBOLS = ["–", "0", ".", "…", "•", "x", "/", "(12)", "5 p", "7r", "3 s", "1 234", "1.234,5"]


def _build_report(path: Path) -> Path:
    """A report with a title sheet, two tables on sheet "T1 T2" and a nested list on "T3"."""
    wb = openpyxl.Workbook()
    wb.active.title = "Titel"
    wb.active["B2"] = "Statistischer Bericht"
    ws = wb.create_sheet("T1 T2")
    ws["A1"] = "1  Einwohner und Betriebe in Berlin\n    nach Bezirken"
    ws.merge_cells("A1:E1")
    for cell, text, merge in [("A3", "Bezirk", "A3:A4"), ("B3", "Ein-\nwohner", "B3:C3"),
                              ("D3", "Betriebe", "D3:D4"), ("E3", "Anteil ²", "E3:E4")]:
        ws[cell] = text
        ws.merge_cells(merge)
    ws["B4"], ws["C4"] = "ins-\ngesamt", "davon\nweiblich 1)"
    for i, name in enumerate([*NAMES, "      Berlin "]):
        row = 5 + i
        ws.cell(row, 1, ABBREVIATED.get(name, name))
        ws.cell(row, 2, 78 * 1000 if name.strip() == "Berlin" else 1000 * (i + 1))
        ws.cell(row, 3, 39 * 500 if name.strip() == "Berlin" else 500 * (i + 1))
        ws.cell(row, 4, SYMBOLS[i])
        ws.cell(row, 5, {0: 0.0, 1: "– 97,1"}.get(i, 12.5))
    ws["A18"], ws["A19"] = "_____", "1) Einschließlich unbekannt."

    ws["A22"] = "2  Fläche in Berlin nach Bezirken und Ortsteilen"
    for cell, text, merge in [("A24", "Bezirk\n—\nOrtsteil", "A24:A26"), ("B24", "Fläche", "B24:C24"),
                              ("D24", "Ein-\nwohner", "D24:D25"), ("B26", "ha", "B26:C26")]:
        ws[cell] = text
        ws.merge_cells(merge)
    ws["B25"], ws["C25"], ws["D26"] = "insgesamt", "darunter Wald", "Anzahl"
    ws["B27"] = "Bezirke"
    labels = [*NAMES, "Berlin", None, "Ortsteile in Lichtenberg", "Lichtenberg", "Karlshorst"]
    for i, label in enumerate(labels):
        if label and label.startswith("Ortsteile"):
            ws.cell(28 + i, 2, label)
        elif label:
            ws.cell(28 + i, 1, label).offset(0, 1).value = 100.0
            ws.cell(28 + i, 3, 10.0)
            ws.cell(28 + i, 4, 1000)

    ws = wb.create_sheet("T3")
    ws["A1"] = "3  Einwohner nach Bezirken und Ortsteilen"
    ws["A3"], ws["B3"] = "Bezirk/Ortsteil", "Einwohner"
    for i, label in enumerate([*NAMES, "Lichtenberg", "Karlshorst", "Berlin"]):
        ws.cell(4 + i, 1, label)
        ws.cell(4 + i, 2, 10 * (i + 1))
    wb.save(path)
    return path


@pytest.fixture()
def report(tmp_path) -> Path:
    return _build_report(tmp_path / "SB_X00-00-00_2024j01_BE.xlsx")


# ------------------------------------------------------------------------------ built workbooks
def test_finds_tables_by_title_also_two_on_one_sheet(report):
    tables = read_tables(report)
    assert list(tables) == ["1 Einwohner und Betriebe in Berlin nach Bezirken",
                            "2 Fläche in Berlin nach Bezirken und Ortsteilen",
                            "3 Einwohner nach Bezirken und Ortsteilen"]
    first, second, _ = tables.values()
    assert (first.attrs["sheet"], first.attrs["number"], second.attrs["number"]) == ("T1 T2", "1", "2")
    assert first.attrs["report"] == "SB_X00-00-00_2024j01_BE"
    assert first.attrs["footnotes"] == ["1) Einschließlich unbekannt."]
    assert len(first) == 13 and len(second) == 15


def test_joins_merged_multirow_headers_and_drops_markers(report):
    first, second, _ = read_tables(report).values()
    assert list(first.columns) == ["Bezirk", "bezirk_id", "bezirk", "Einwohner insgesamt",
                                   "Einwohner davon weiblich", "Betriebe", "Betriebe_flag", "Anteil"]
    assert list(second.columns) == ["abschnitt", "Bezirk — Ortsteil", "bezirk_id", "bezirk",
                                    "Fläche insgesamt", "Fläche darunter Wald", "Einwohner"]
    assert second.attrs["units"] == {"Fläche insgesamt": "ha", "Fläche darunter Wald": "ha",
                                     "Einwohner": "Anzahl"}


def test_every_afs_symbol_becomes_value_and_flag(report):
    df = read_tables(report)["1 Einwohner und Betriebe in Berlin nach Bezirken"]
    values = df["Betriebe"].tolist()
    flags = [f if isinstance(f, str) else None for f in df["Betriebe_flag"]]
    assert flags == ["–", "0", ".", "…", "•", "x", "/", "()", "p", "r", "s", None, None]
    assert values[:2] == [0.0, 0.0] and all(math.isnan(v) for v in values[2:7])
    assert values[7:] == [12.0, 5.0, 7.0, 3.0, 1234.0, 1234.5]
    # a numeric 0 and a negative number need no flag column; labels stay strings
    assert df["Anteil"].tolist()[:3] == [0.0, -97.1, 12.5] and "Anteil_flag" not in df
    assert "Einwohner insgesamt_flag" not in df and df["Bezirk"].dtype != float


@pytest.mark.parametrize(("cell", "expected"), [
    ("1 234", (1234.0, None)), ("1.234", (1234.0, None)), ("1.234,5", (1234.5, None)),
    ("12,5", (12.5, None)), ("– 97,1", (-97.1, None)), (0, (0.0, None)), ("0", (0.0, "0")),
    ("0,0", (0.0, "0")), ("–", (0.0, "–")), ("(12)", (12.0, "()")), ("12 p", (12.0, "p")),
    ("1 234r", (1234.0, "r")), ("3,5 s", (3.5, "s")), ("Mitte", None), ("10 Wohnungen", None),
])
def test_parse_value(cell, expected):
    assert parse_value(cell) == expected


@pytest.mark.parametrize("symbol", [".", "…", "...", "•", "x", "/"])
def test_parse_value_missing_symbols(symbol):
    value, flag = parse_value(symbol)
    assert math.isnan(value) and flag == {"...": "…"}.get(symbol, symbol)


def test_bezirk_rows_get_ids_others_do_not(report):
    first, second, nested = read_tables(report).values()
    assert first["bezirk_id"].tolist() == [*BEZIRKE, "00"]
    assert first.loc[1, "bezirk"] == "Friedrichshain-Kreuzberg"  # from "Friedrh.-Kreuzb."
    assert first.loc[12, "bezirk"] == "Berlin"
    bezirke = second[second["abschnitt"] == "Bezirke"]
    assert bezirke["bezirk_id"].tolist() == [*BEZIRKE, "00"]
    ortsteile = second[second["abschnitt"] == "Ortsteile in Lichtenberg"]
    assert ortsteile["Bezirk — Ortsteil"].tolist() == ["Lichtenberg", "Karlshorst"]
    assert ortsteile["bezirk_id"].isna().all()  # the Ortsteil Lichtenberg is not the Bezirk
    # in one list holding the Bezirk and the Ortsteil "Lichtenberg" neither can be told apart
    lichtenberg = nested[nested["Bezirk/Ortsteil"] == "Lichtenberg"]
    assert len(lichtenberg) == 2 and lichtenberg["bezirk_id"].isna().all()
    assert nested.loc[nested["Bezirk/Ortsteil"] == "Pankow", "bezirk_id"].tolist() == ["03"]


def test_read_table_by_number_or_title(report):
    assert read_table(report, "T2").attrs["number"] == "2"
    assert read_table(report, "2").attrs["number"] == "2"
    assert read_table(report, "FLÄCHE IN BERLIN").attrs["number"] == "2"
    with pytest.raises(FormatError, match="2 tables match 'Einwohner'.*1: 1 Einwohner"):
        read_table(report, "Einwohner")
    with pytest.raises(FormatError, match="no tables match 'Gewerbe'.*3: 3 Einwohner"):
        read_table(report, "Gewerbe")


@pytest.mark.parametrize(("content", "cause"), [
    (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    (b"", "empty"),
    (b"Bezirk;Einwohner\nMitte;1\n", "is a text \\(CSV\\) file, not a workbook"),
])
def test_not_a_workbook(tmp_path, content, cause):
    path = tmp_path / "SB_A01-05-00_2024h02_BE.xlsx"
    path.write_bytes(content)
    with pytest.raises(FormatError, match=cause) as info:
        read_tables(path)
    assert "SB_A01-05-00_2024h02_BE.xlsx" in str(info.value) and "\n" not in str(info.value)


def test_truncated_workbook(report):
    report.write_bytes(report.read_bytes()[:2000])
    with pytest.raises(FormatError, match=r"is an Excel workbook \(xlsx\) that is cut off .*interrupted"):
        read_tables(report)


# ------------------------------------------------------------------------------ real reports
def _by_number(tables: dict[str, pd.DataFrame], number: str) -> pd.DataFrame:
    (df,) = [df for df in tables.values() if df.attrs["number"] == number]
    return df


def _assert_bezirke_add_up(df: pd.DataFrame) -> None:
    """The 12 Bezirk rows add up to the Berlin row; counts exactly, rounded figures within 1."""
    bezirke, berlin = df[df["bezirk_id"].isin(list(BEZIRKE))], df[df["bezirk_id"] == "00"]
    assert sorted(bezirke["bezirk_id"]) == sorted(BEZIRKE) and len(berlin) == 1
    for column in df.select_dtypes(float).columns:
        total = berlin[column].iloc[0]
        if df.attrs["units"].get(column, "Anzahl") == "Anzahl":
            assert bezirke[column].sum() == total, column
        else:  # 100 m², 1 000 m³ are rounded one by one in the report
            assert bezirke[column].sum() == pytest.approx(total, abs=1), column


@pytest.fixture(scope="module")
def population(real_data) -> dict[str, pd.DataFrame]:
    return read_tables(real_data / POPULATION)


@pytest.fixture(scope="module")
def building(real_data) -> dict[str, pd.DataFrame]:
    return read_tables(real_data / BUILDING)


@pytest.mark.realdata
def test_population_report_tables(population):
    assert len(population) == 15
    assert sorted(int(df.attrs["number"]) for df in population.values()) == list(range(1, 16))
    assert ("15 Deutsche und ausländische Einwohnerinnen und Einwohner in Berlin am 31. Dezember "
            "2024 nach Bezirken und Religionsgemeinschaftszugehörigkeit") in population
    assert ("14 Einwohnerinnen und Einwohner in Berlin am 31. Dezember 2024 nach Postleitzahlen, "
            "Bezirken und Altersgruppen") in population
    # the workbook prints the same title on T12 and T13; the keys tell them apart
    assert sum("[sheet T12, no. 12]" in k or "[sheet T13, no. 13]" in k for k in population) == 2


@pytest.mark.realdata
def test_population_by_bezirk(population):
    religion = _by_number(population, "15")
    _assert_bezirke_add_up(religion)
    lichtenberg = religion.set_index("bezirk").loc["Lichtenberg"]
    assert lichtenberg["Insgesamt insgesamt"] == 315548
    assert lichtenberg["Insgesamt Ausländer"] == 79702

    age = _by_number(population, "6")  # sheet T6: six sections, abbreviated Bezirk names
    assert age["abschnitt"].nunique() == 9
    for _, section in age.groupby("abschnitt"):
        _assert_bezirke_add_up(section)
    men = age[(age["abschnitt"] == "Deutsche – männlich") & (age["bezirk_id"] == "11")]
    assert men["Insgesamt"].tolist() == [115709]
    assert age.loc[age["Bezirk"] == "Friedrh.-Kreuzb.", "bezirk"].iloc[0] == "Friedrichshain-Kreuzberg"

    migration = _by_number(population, "7")
    row = migration[(migration["abschnitt"] == "insgesamt") & (migration["bezirk"] == "Lichtenberg")]
    assert row["Insgesamt darunter mit Migrationshintergrund (Sp.9+11) Anzahl"].item() == 115611
    assert row["Insgesamt darunter mit Migrationshintergrund (Sp.9+11) % Sp.1"].item() == 36.6


@pytest.mark.realdata
def test_population_wide_ortsteil_and_postcode_tables(population):
    wide = _by_number(population, "3")  # Bezirke as columns, one row per year
    latest = wide[(wide["abschnitt"] == "insgesamt") & (wide["Stichtag"] == "2024-12-31")]
    assert latest["Lichtenberg"].item() == 315548 and latest["Berlin"].item() == 3897145

    ortsteile = _by_number(population, "11")
    assert "bezirk_id" not in ortsteile  # an Ortsteil table: "Lichtenberg" is the Ortsteil
    label = next(c for c in ortsteile.columns if (ortsteile[c] == "Karlshorst").any())
    row = ortsteile[(ortsteile[label] == "Lichtenberg") & (ortsteile["abschnitt"] == "11 Lichtenberg")]
    assert row["Insgesamt"].item() == 44837

    postcodes = _by_number(population, "14")  # the Bezirk column is an attribute of each row
    assert postcodes.loc[postcodes["Postleitzahl"] == "10315", "bezirk_id"].tolist() == ["11"]
    parts = postcodes[postcodes["bezirk_id"].isin(list(BEZIRKE))]
    assert parts["Insgesamt"].sum() == postcodes.loc[postcodes["bezirk_id"] == "00", "Insgesamt"].item()
    assert parts.loc[parts["bezirk_id"] == "11", "Insgesamt"].sum() == 315548


@pytest.mark.realdata
def test_building_report_tables(building):
    assert len(building) == 23
    assert sorted(int(df.attrs["number"]) for df in building.values()) == list(range(1, 24))
    assert "13 Baufertigstellungen neuer Wohngebäude in Berlin 2022 nach Bezirken" in building
    assert ("23 Bauabgang ganzer Wohn- und Nichtwohngebäude in Berlin 2022 nach Abgangsursachen "
            "und Bezirken") in building
    assert _by_number(building, "16").attrs["footnotes"] == [
        "1 einschließlich Baumaßnahmen an bestehenden Gebäuden"]


@pytest.mark.realdata
def test_building_by_bezirk(building):
    completions = _by_number(building, "12")
    _assert_bezirke_add_up(completions)
    assert completions.attrs["units"]["Baufertigstellungen insgesamt Nutzfläche"] == "100 m²"
    by_bezirk = completions.set_index("bezirk")
    assert by_bezirk.loc["Lichtenberg", "Baufertigstellungen insgesamt Wohnungen insgesamt"] == 1571
    assert by_bezirk.loc["Berlin", "Baufertigstellungen insgesamt Wohnungen insgesamt"] == 17310

    new = _by_number(building, "13")
    _assert_bezirke_add_up(new)
    assert new.set_index("bezirk").loc["Lichtenberg",
                                       "Baufertigstellungen neuer Wohngebäude Wohnungen insgesamt"] == 1522

    non_residential = _by_number(building, "15").set_index("bezirk")
    _assert_bezirke_add_up(_by_number(building, "15"))
    lichtenberg = non_residential.loc["Lichtenberg"]
    assert lichtenberg["Baufertigstellungen neuer Nichtwohngebäude Nutzfläche"] == 603.9
    assert lichtenberg["Baufertigstellungen neuer Nichtwohngebäude Wohnungen insgesamt"] == 0
    assert lichtenberg["Baufertigstellungen neuer Nichtwohngebäude Wohnungen insgesamt_flag"] == "–"


@pytest.mark.realdata
def test_building_mixed_table_and_negative_values(building):
    backlog = _by_number(building, "16")  # Bezirk rows below building types, no Berlin row
    bezirke = backlog[backlog["bezirk_id"].notna()]
    assert len(bezirke) == 12
    assert bezirke.set_index("bezirk").loc["Lichtenberg", "Bauüberhang insgesamt"] == 768
    total = backlog.loc[backlog.iloc[:, 0] == "Wohngebäude", "Bauüberhang insgesamt"].item()
    assert bezirke["Bauüberhang insgesamt"].sum() == total == 8820

    measures = _by_number(building, "3")  # "– 97,1" is a negative area, not "nothing"
    row = measures[measures.iloc[:, 0] == "Immobilienfonds"].iloc[0]
    assert row["Baufertigstellungen insgesamt Nutzfläche"] == -97.1


@pytest.mark.realdata
def test_read_table_on_real_report(real_data):
    df = read_table(real_data / POPULATION, "T15")
    assert df.attrs["sheet"].strip() == "T15" and df.attrs["report"] == "SB_A01-05-00_2024h02_BE"
    assert read_table(real_data / POPULATION, "postleitzahlen").attrs["number"] == "14"


# ------------------------------------------------------------------------------ Bezirk tables by content
@pytest.mark.slow  # 0.4 s on 2 cores
@pytest.mark.realdata
def test_bezirk_table_of_the_population_report_by_content(real_data):
    [religion] = bezirk_tables(real_data / POPULATION, "religion", "ausländer")
    assert religion.attrs["sheet"] == "T15 " and religion.attrs["number"] == "15"
    assert religion.set_index("bezirk").loc["Lichtenberg", "Insgesamt insgesamt"] == 315548
    migration = bezirk_tables(real_data / POPULATION, "migrationshintergrund")
    assert [df.attrs["number"] for df in migration] == ["7", "8", "9"]
    # the Postleitzahlen table names every Bezirk too, but many times: it is no table by Bezirk
    assert all(df.attrs["number"] != "14" for df in bezirk_tables(real_data / POPULATION, "insgesamt"))


@pytest.mark.slow  # 0.5 s on 2 cores
@pytest.mark.realdata
def test_bezirk_table_found_after_renaming_moving_and_unnumbering(real_data, tmp_path):
    """F II 2 2020, table 17 (Bauüberhang an Wohnungen, Bezirke in the last section of a mixed
    table): its sheet renamed, the table moved 4 rows down and 3 columns right, its title without number."""
    source = real_data / "statistics-xlsx" / "SB_F02-02-00_2020j01_BE.xlsx"
    moved = relaid(source, tmp_path / "SB_F02-02-00_2020j01_BE.xlsx", rows=4, cols=3, only="BAUÜB Tab.  17")
    [backlog] = bezirk_tables(moved, "bauüberhang", "wohnungen in wohngebäuden")
    assert backlog.attrs["sheet"] == "Blatt 1" and backlog.attrs["number"] == ""
    assert backlog.attrs["title"].startswith("Bauüberhang an Wohnungen in Wohngebäuden in Berlin am 31.12.2020")
    assert backlog.set_index("bezirk").loc["Lichtenberg", "Bauüberhang insgesamt"] == 5461
    [original] = bezirk_tables(source, "bauüberhang", "wohnungen in wohngebäuden")
    bezirke = original[original["bezirk_id"].notna()]
    assert backlog.loc[backlog["bezirk_id"].notna(), "Bauüberhang insgesamt"].tolist() == \
        bezirke["Bauüberhang insgesamt"].tolist()


def test_no_fitting_table_names_the_sheets_and_tables(report):
    with pytest.raises(FormatError) as err:
        bezirk_tables(report, "gäste", what="guests by Bezirk")
    text = str(err.value)
    assert "\n" not in text and text.startswith("SB_X00-00-00_2024j01_BE.xlsx: no table lists the twelve Bezirke")
    assert "sheets 'Titel', 'T1 T2', 'T3'; tables: 1 Einwohner und Betriebe in Berlin nach Bezirken;" in text
