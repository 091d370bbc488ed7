"""The ``besucherstatistik`` dataset: the real workbooks 2011-2012 and 2013-2014, and bad files."""

from __future__ import annotations

import io

import pytest

import lichtenberg_data as ld
from lichtenberg_data import _store, catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.sources import culture

FILES = ("besucherstatistik-2011_2012.xls", "besucherstatistik-2013-2014.xls")


@pytest.fixture(scope="module")
def tourism(real_data):
    return real_data / "tourism"


@pytest.fixture(scope="module")
def table(tourism):
    ds = catalog.get("besucherstatistik")
    df = ds.parser({name: tourism / name for name in FILES})
    validate(ds, df)
    return df


def _visits(df, name, year):
    row = df[(df["einrichtung"] == name) & (df["jahr"] == year) & (df["merkmal"] == "besuche_insgesamt")]
    assert len(row) == 1, (name, year)
    return row["wert"].iloc[0]


def _raw_rows(path):
    """The sheet's cells read directly with python-calamine (independent of the parser)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)


@pytest.mark.realdata
def test_published_visits(table):
    assert _visits(table, "Deutsches Theater / Kammerspiele", 2013) == 189_135
    assert _visits(table, "Deutsches Theater / Kammerspiele", 2011) == 165_405
    # Lichtenberg's memorial; 2014 is the record year ("> 436 000") of lichtenberg-facts.md §4.3
    assert _visits(table, "Stiftung Gedenkstätte Berlin-Hohenschönhausen", 2014) == 436_482
    assert _visits(table, "Stiftung Gedenkstätte Berlin-Hohenschönhausen", 2011) == 331_580
    assert _visits(table, "Theater an der Parkaue", 2013) == 96_268  # stored as 96268.00002
    assert _visits(table, "Landesarchiv Berlin", 2012) == 12_286  # the text cell "12. 286 "


@pytest.mark.realdata
def test_category_sums_equal_the_files_own_totals(tourism, table):
    """The 'Gesamt:' row closing a group equals the sum of the parsed institutions of its category."""
    for name, years, category in ((FILES[1], (2013, 2014), "Gedenkstätten"),
                                  (FILES[1], (2013, 2014), "Staatliche Museen zu Berlin / Stiftung Preußischer Kulturbesitz"),
                                  (FILES[0], (2011, 2012), "Preußische Schlösser & Gärten")):
        rows = _raw_rows(tourism / name)
        start = next(i for i, r in enumerate(rows) if str(r[0]).strip() == category.split(" /")[0]
                     or str(r[0]).strip() == category)
        total = next(r for r in rows[start:] if str(r[0]).startswith("Gesamt"))
        parsed = table[(table["kategorie"] == category) & (table["merkmal"] == "besuche_insgesamt")]
        for col, year in zip((1, 2), years):
            assert parsed.loc[parsed["jahr"] == year, "wert"].sum() == pytest.approx(total[col], abs=0.01), (category, year)


@pytest.mark.realdata
def test_layout_quirks(table):
    assert table["jahr"].drop_duplicates().sort_values().tolist() == [2011, 2012, 2013, 2014]
    assert set(table["merkmal"]) == {"besuche_insgesamt", "zahlende_besucher", "nicht_zahlende_besucher",
                                     "besucherinnen", "besucher", "kinder_und_jugendliche", "besuche_ausserhalb_berlins"}
    hsh = table[(table["einrichtung"] == "Stiftung Gedenkstätte Berlin-Hohenschönhausen") & (table["jahr"] == 2013)]
    assert hsh["kategorie"].iloc[0] == "Gedenkstätten"
    # "Freier Eintritt" is merged over the paying-visitor cells of all memorials
    assert hsh.set_index("merkmal").loc["zahlende_besucher", "hinweis"] == "Freier Eintritt"
    assert "kinder_und_jugendliche" not in set(hsh["merkmal"])  # "-": not collected
    names = set(table["einrichtung"])
    assert {"SheShePop", "Jugend im Museum e.V.", "Werkbundarchiv - Museum der Dinge"} <= names
    assert not any(n.endswith(")") and n[-2].isdigit() for n in names)
    palast = table[table["einrichtung"] == "Friedrichstadt-Palast"]
    assert palast["kategorie"].isna().all()  # listed after a blank row, under no heading


@pytest.mark.realdata
def test_import_builds_the_series(tourism, data_dir):
    first = ld.import_file("besucherstatistik", tourism / FILES[0])
    second = ld.import_file("besucherstatistik", tourism / FILES[1])
    df = ld.load("besucherstatistik")
    assert len(df) == second.rows > first.rows
    assert sorted(df["jahr"].unique().tolist()) == [2011, 2012, 2013, 2014]
    assert "Stand 31.12.2014" in ld.source_note(df)


# ----------------------------------------------------------------------------- bad files
def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _bad_files(tourism, tmp_path, real_data):
    from lichtenberg_data.demo.tourism import sample_bericht

    rows = _raw_rows(tourism / FILES[1])
    rows[0] = [str(c).replace("insgesamt", "gesamt") if i == 1 else c for i, c in enumerate(rows[0])]
    raw = (tourism / FILES[1]).read_bytes()
    files = {
        "besucherstatistik-2019.xlsx": (sample_bericht(2024, 6), "no header row starting with 'Institution'"),
        "besucherstatistik-2012.xls": ((real_data / "landuse" / "broker_2012.xls").read_bytes(),
                                       "no header row starting with 'Institution'"),
        "besucherstatistik-2015-2016.xls": (raw[: len(raw) // 3], "cut off"),
        "besucherstatistik-2017-2018.xlsx": (_workbook(rows), "no column 'Besuche insgesamt'"),
        "besucherstatistik-2020.xls": (b"<!DOCTYPE html><html><body>Wartungsarbeiten</body></html>", "HTML page"),
    }
    for name, (body, message) in files.items():
        path = tmp_path / name
        path.write_bytes(body)
        yield path, message


@pytest.mark.realdata
def test_bad_files_are_refused_and_the_table_is_kept(tourism, real_data, data_dir, tmp_path):
    ld.import_file("besucherstatistik", tourism / FILES[1])
    before = _store.processed_path("besucherstatistik").read_bytes()
    for path, message in _bad_files(tourism, tmp_path, real_data):
        with pytest.raises(FormatError, match=message) as err:
            ld.import_file("besucherstatistik", path)
        # one line naming the dataset, or (the engine's HTML check before parsing) the file
        assert "\n" not in str(err.value) and str(err.value).startswith(("besucherstatistik: ", path.name)), path.name
        assert _store.processed_path("besucherstatistik").read_bytes() == before, path.name


# ----------------------------------------------------------------------------- sample
def test_sample_parses_like_the_real_layout(tmp_path):
    from lichtenberg_data.demo.tourism import SAMPLES

    ds = catalog.get("besucherstatistik")
    path = tmp_path / "besucherstatistik-2013-2014.xls"
    path.write_bytes(SAMPLES[("besucherstatistik", path.name)]())
    df = culture.parse_besucherstatistik_file(path)
    validate(ds, df)
    assert sorted(df["jahr"].unique().tolist()) == [2013, 2014]
    assert set(df["kategorie"]) == {"Große Sprechbühnen", "Gedenkstätten", "Berliner Landesmuseen"}
    assert df["einrichtung"].nunique() == 7
