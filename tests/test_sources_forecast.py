"""The Senate's population forecast (``bevoelkerungsprognose``): the sample in the assumed form
against the published totals, other layouts the parser takes, the plausibility checks, ``info``
saying the parser never read a real file, and five bad files refused."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from badfiles import assert_refused, html_page, truncated

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data.demo import SAMPLES, SNAPSHOT, sample_bytes
from lichtenberg_data.sources.forecast import parse_prognose

NAME = "bevoelkerungsprognose.xlsx"


def _sample(folder: Path, name: str = NAME) -> Path:
    path = folder / name
    path.write_bytes(sample_bytes("bevoelkerungsprognose", NAME))
    return path


def _total(df, gebiet_id: str, jahr: int, variante: str = "mittlere") -> float:
    rows = df[(df["gebiet_id"] == gebiet_id) & (df["jahr"] == jahr) & (df["variante"] == variante)
              & (df["altersgruppe"] == "insgesamt")]
    assert len(rows) == 1, rows
    return float(rows["einwohner"].iloc[0])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return parse_prognose({NAME: _sample(tmp_path_factory.mktemp("prognose"))})


def test_the_sample_gives_the_published_totals(sample):
    assert _total(sample, "00", 2040) == 4_006_000                       # Berlin 2040, mittlere Variante
    assert _total(sample, "00", 2040) - _total(sample, "00", 2024) == 109_000
    li24, li40 = _total(sample, "11", 2024), _total(sample, "11", 2040)
    assert li40 - li24 == 25_000 and round((li40 / li24 - 1) * 100, 1) == 8.0
    assert sorted(sample["variante"].unique()) == ["mittlere", "obere", "untere"]
    assert _total(sample, "00", 2040, "untere") < 4_006_000 < _total(sample, "00", 2040, "obere")


def test_the_sample_has_the_areas_age_groups_and_years(sample):
    areas = sample.groupby("ebene")["gebiet_id"].nunique().to_dict()
    assert areas == {"berlin": 1, "bezirk": 12, "prognoseraum": 5}
    assert sorted(sample.loc[sample["ebene"] == "prognoseraum", "gebiet_id"].unique()) == [
        "1110", "1120", "1130", "1140", "1150"]
    assert set(sample["altersgruppe"]) == {"insgesamt", "00_06", "06_15", "15_18", "18_25", "25_45", "45_65",
                                           "65_80", "80_110"}
    assert (sample["jahr"].min(), sample["jahr"].max()) == (2024, 2040)
    assert set(sample["prognose"]) == {"2024–2040"} and set(sample["variante_quelle"]) == {"laut Datei"}
    ages = sample[(sample["gebiet_id"] == "11") & (sample["jahr"] == 2040) & (sample["variante"] == "mittlere")]
    assert ages.loc[ages["altersgruppe"] != "insgesamt", "einwohner"].sum() == 337_500


def _workbook(rows: list[list], title: str = "", sheet: str = "Tabelle1") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bezirke_rows(scale: float = 1.0, lichtenberg_2040: float = 337_500) -> list[list]:
    """Berlin and the twelve Bezirke of the sample, base year 2024 and 2040 only."""
    from lichtenberg_data.demo.forecast import BASE, GROWTH
    from lichtenberg_data.names import BEZIRKE

    rows = [["Berlin", 3_897_000 * scale, (3_897_000 + 109_000 - 337_500 + lichtenberg_2040) * scale]]
    for key, name in BEZIRKE.items():
        end = lichtenberg_2040 if key == "11" else BASE[key] + GROWTH[key]
        rows.append([f"{key} {name}", BASE[key] * scale, end * scale])
    return rows


def test_one_unnamed_table_in_thousands_is_read_as_the_medium_variant(tmp_path):
    rows = [["Bezirk", "2024", "2030", "2035", "2040"]]
    for name, a, b in _bezirke_rows(scale=0.001):
        rows.append([name, a, (a + b) / 2, (a + b) / 2, b])
    path = tmp_path / "prognose_bezirke.xlsx"
    path.write_bytes(_workbook(rows, title="Einwohnerinnen und Einwohner in 1.000"))
    df = parse_prognose({NAME: path})
    assert _total(df, "00", 2040) == pytest.approx(4_006_000)
    assert _total(df, "11", 2024) == pytest.approx(312_500)
    assert set(df["variante_quelle"]) == {"keine Variante genannt: als mittlere gelesen"}


def test_a_csv_with_a_variant_column_and_german_numbers(tmp_path):
    lines = ["Variante;Gebiet;2024;2040"]
    for variant, shift in (("mittlere Variante", 0), ("obere Variante", 10_000)):
        for name, a, b in _bezirke_rows():
            extra = shift * 12 if name == "Berlin" else shift
            lines.append(f"{variant};{name};{a:,.0f};{b + extra:,.0f}".replace(",", "."))
    path = tmp_path / "prognose.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = parse_prognose({NAME: path})
    assert _total(df, "00", 2040, "obere") == 4_126_000 and _total(df, "11", 2040) == 337_500


def test_the_published_totals_are_checked(tmp_path):
    rows = [["Gebiet", "2024", "2040"], *_bezirke_rows(lichtenberg_2040=330_000)]
    path = tmp_path / "prognose.xlsx"
    path.write_bytes(_workbook(rows, sheet="mittlere Variante"))
    with pytest.raises(FormatError, match=r"Berlin 2040 \(mittlere Variante\) is 3\.998\.500, the Senate published "
                                          r"4\.006\.000"):
        parse_prognose({NAME: path})
    rows = [["Gebiet", "2024", "2040"], *_bezirke_rows()]
    rows[1][2] += 20_000  # Berlin matches again only if the Bezirke are changed too
    rows[2][2] += 20_000  # Mitte takes it: Berlin 4.026.000
    path.write_bytes(_workbook(rows, sheet="mittlere Variante"))
    with pytest.raises(FormatError, match=r"4\.026\.000, the Senate published 4\.006\.000"):
        parse_prognose({NAME: path})


def test_lichtenberg_growth_is_checked_against_the_published_8_percent(tmp_path):
    rows = [["Gebiet", "2024", "2040"], *_bezirke_rows(lichtenberg_2040=330_000)]
    rows[1][2] += 7_500  # Berlin stays at 4.006.000:
    rows[2][2] += 7_500  # Mitte takes what Lichtenberg lacks
    path = tmp_path / "prognose.xlsx"
    path.write_bytes(_workbook(rows, sheet="mittlere Variante"))
    with pytest.raises(FormatError, match=r"Lichtenberg grows by 17\.500 \(5\.6 %\) from 2024 to 2040 .* \+8 %"):
        parse_prognose({NAME: path})


def test_bezirke_that_do_not_add_up_to_berlin_are_refused(tmp_path):
    rows = [["Gebiet", "2024", "2040"], *_bezirke_rows()]
    rows[3][1] += 30_000  # Friedrichshain-Kreuzberg 2024 read wrong
    path = tmp_path / "prognose.xlsx"
    path.write_bytes(_workbook(rows, sheet="mittlere Variante"))
    with pytest.raises(FormatError, match=r"the Bezirke add up to 3\.927\.000 in 2024 \(mittlere\), Berlin is "
                                          r"3\.897\.000; rows missing or read twice\?"):
        parse_prognose({NAME: path})


def test_info_says_the_parser_never_read_a_real_file():
    ds = catalog.get("bevoelkerungsprognose")
    info = ds.how_to_import()
    assert "parser NOT VERIFIED: no file of the forecast (2024–2040 or earlier) was ever seen" in info
    assert "https://www.berlin.de/sen/sbw/stadtdaten/stadtwissen/bevoelkerungsprognose-2024-2040/" in info
    assert not ds.verified and ds.import_only and "bevoelkerungsprognose" in SAMPLES


def test_the_sample_imports_and_loads_marked(data_dir, tmp_path):
    [outcome] = ld.refresh(["bevoelkerungsprognose"], mirror=_mirror(tmp_path))
    assert outcome.state == "fresh", outcome.reason
    df = ld.load("bevoelkerungsprognose")
    assert _total(df, "11", 2040) == 337_500
    note = ld.source_note(df)
    assert "Stand 31.12.2024" in note and "BEISPIELDATEN" in note


def _mirror(tmp_path: Path) -> Path:
    from lichtenberg_data.demo import write_mirror

    return write_mirror(tmp_path / "mirror", only=["bevoelkerungsprognose"])


@pytest.mark.slow  # 0.4 s on 2 cores
def test_five_bad_files_are_refused_and_change_nothing(data_dir, tmp_path):
    ld.import_file("bevoelkerungsprognose", _sample(tmp_path))
    bad = tmp_path / "bad"
    bad.mkdir()
    assert_refused(data_dir, "bevoelkerungsprognose", html_page(bad, NAME), r"HTML")
    cut = truncated(_sample(tmp_path, "bevoelkerungsprognose_2024-2040.xlsx"), bad)
    assert_refused(data_dir, "bevoelkerungsprognose", cut, r"cut|truncated|not a readable xlsx|damaged|incomplete")
    other = bad / "prognose_mss.xlsx"
    other.write_bytes((SNAPSHOT / "mss" / "lor_monitoring_soziale-stadtentwicklung_2023.xlsx").read_bytes())
    assert_refused(data_dir, "bevoelkerungsprognose", other, r"no table with years as columns")
    assert_refused(data_dir, "bevoelkerungsprognose", _thousands(bad), r"not 3 to 5 million \(thousands\?")
    doubled = bad / "prognose_doppelt.xlsx"
    two = [["Gebiet", "2024", "2040"], *_bezirke_rows(), *_bezirke_rows()[1:3]]
    doubled.write_bytes(_workbook(two, sheet="mittlere Variante"))
    assert_refused(data_dir, "bevoelkerungsprognose", doubled, r"Mitte 2024 \(mittlere, insgesamt\) occurs twice")
    assert _total(ld.load("bevoelkerungsprognose"), "11", 2040) == 337_500


def _thousands(folder: Path) -> Path:
    """The Bezirke in thousands without a word saying so."""
    rows = [["Gebiet", "2024", "2040"], *_bezirke_rows(scale=0.001)]
    path = folder / "prognose_tsd.xlsx"
    path.write_bytes(_workbook(rows, sheet="mittlere Variante"))
    return path
