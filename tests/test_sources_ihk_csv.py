"""The Arrow reader of the IHK register (sources/_ihk_csv.py) on the odd cells real files hold:
each file gives the table the pandas parser of commit 197a6c9 gave (tests/ihk_reference.py)."""

from __future__ import annotations

import ihk_reference
import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data.sources.business import parse_ihk

HEADER = ("opendata_id;city;postcode;latitude;longitude;ihk_branch_id;nace_id;branch_top_level_id;employees_range;"
          "ihk_branch_desc;nace_desc;branch_top_level_desc;business_age;business_type;Bezirk;planungsraum_id;"
          "Planungsraum;Bezirksregion;Prognoseraum;Ortsteil")
ROWS = [
    # quoted value with a line break inside, decimal commas, an Excel-mangled id
    '9,43032E+11;Berlin;10365;52,5148;13,4989;471100;4711;47;1-3;Supermärkte;"EH m. Waren\nverschiedener Art";'
    "Einzelhandel;30+;Kleingewerbetreibender;Lichtenberg;11030310;Frankfurter Allee;Frankfurter Allee Süd;"
    "Lichtenberg Mitte;Lichtenberg",
    # cells wrapped in single quotes and blanks, a district with its key, the Planungsraum without its zero
    "'1234567'; Berlin ;'10115';' 52.53 ';13.38;5610;56.10;56; 0 ;Restaurants;Restaurants;Gastronomie;' 7 ';"
    "im Handelsregister eingetragen;01 - Mitte;1100101;Stülerstraße;Regierungsviertel;Zentrum;Mitte",
    # literal NULL in every spelling, a coordinate that is no number
    "2345678;Berlin;NULL;n/a;null; 'NULL' ;4511;45;unbekannt;NaN;Handel;Kfz;;Kleingewerbetreibender;NULL;NULL;"
    "NULL;NULL;NULL;NULL",
]


def _write(path, text: str, *, bom: bool = True, eol: str = "\r\n", encoding: str = "utf-8"):
    body = eol.join(text.split("\n")) if eol != "\n" else text
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body.encode(encoding))
    return path


def _both(path):
    new, old = parse_ihk(path), ihk_reference.parse_ihk(path)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    return new


def test_odd_cells_of_the_semicolon_dialect(tmp_path):
    df = _both(_write(tmp_path / "IHK_OD_05-2024.csv", "\n".join([HEADER, *ROWS]) + "\n"))
    assert df["opendata_id"].tolist() == ["9,43032E+11", "1234567", "2345678"]
    assert df["id_mangled"].tolist() == [True, False, False]
    assert df["latitude"].iloc[:2].tolist() == [52.5148, 52.53] and pd.isna(df.loc[2, "latitude"])
    assert df["nace_desc"].iloc[0] == "EH m. Waren\nverschiedener Art"  # CRLF inside quotes read as LF
    assert df["business_age"].tolist()[:2] == [30, 7] and pd.isna(df["business_age"].iloc[2])
    assert df["employees_range"].tolist() == ["1 - 3 Beschäftigte", "0 Beschäftigte", "unbekannt"]
    assert df["bezirk_id"].tolist()[:2] == ["11", "01"] and df["planungsraum_id"].iloc[1] == "01100101"
    assert df["abschnitt"].tolist() == ["G", "I", "G"]
    assert df["postcode"].isna().tolist() == [False, False, True] and pd.isna(df.loc[2, "ihk_branch_desc"])
    assert str(df["date"].iloc[0].date()) == "2024-05-01" and df["business_type_swapped_back"].all()


def test_old_mac_line_ends_and_no_ortsteil_column(tmp_path):
    header = HEADER.rsplit(";", 1)[0].replace(";", ",")
    rows = ['7,Berlin,10317,52.5,13.5,1,4711,47,0,a,"b\rc",d,3,Kleingewerbetreibender,Lichtenberg,11040102,x,y,z']
    df = _both(_write(tmp_path / "IHK_OD_07-2023.csv", "\n".join([header, *rows]), bom=False, eol="\r"))
    assert df.loc[0, "nace_desc"] == "b\nc" and df["ortsteil"].isna().all() and df.loc[0, "bezirk_id"] == "11"


def test_a_file_of_headers_only_is_refused(data_dir, tmp_path):
    path = _write(tmp_path / "IHK_OD_07-2023.csv", HEADER + "\n")
    assert len(parse_ihk(path)) == 0
    with pytest.raises(ld.FormatError, match="IHK_OD_07-2023.csv: 0 kept: the file gives no row. Nothing was changed"):
        ld.import_file("ihk_gewerbedaten", path)


def test_latin1_text_is_refused_with_the_text_readers_words(tmp_path):
    path = _write(tmp_path / "IHK_OD_07-2023.csv", "\n".join([HEADER, ROWS[0]]), bom=False, encoding="cp1252")
    with pytest.raises(ld.FormatError) as new:
        parse_ihk(path)
    with pytest.raises(ld.FormatError) as old:
        ihk_reference.parse_ihk(path)
    assert str(new.value) == str(old.value) and "save it again as UTF-8" in str(new.value)


def test_a_missing_column_is_named(tmp_path):
    path = _write(tmp_path / "IHK_OD_07-2023.csv", HEADER.replace("nace_id", "wz") + "\n" + ROWS[1])
    with pytest.raises(ld.FormatError, match=r"^IHK_OD_07-2023.csv lacks the IHK columns nace_id$"):
        parse_ihk(path)


def test_an_unknown_district_is_refused(tmp_path):
    path = _write(tmp_path / "IHK_OD_07-2023.csv", HEADER + "\n" + ROWS[1].replace("01 - Mitte", "Potsdam"))
    with pytest.raises(ld.FormatError, match="unknown district name 'Potsdam' in the IHK file"):
        parse_ihk(path)


@pytest.mark.parametrize("cells", [
    ["52,5148", "52.53", "NULL", "", "+52.5", "5.25e1"],          # every cell a number or NULL: cast as read
    ["52,5148", " 52.53", "'52.51'", " NULL ", "n/a", "52.5.1"],  # blanks, quotes, no number: cleaned first
])
def test_coordinates_in_every_spelling(tmp_path, cells):
    rows = [ROWS[1].replace("' 52.53 '", cell if "'" not in cell else f'"{cell}"').replace("'1234567'", str(i))
            for i, cell in enumerate(cells)]
    df = _both(_write(tmp_path / "IHK_OD_05-2024.csv", "\n".join([HEADER, *rows]) + "\n"))
    assert df["latitude"].round(4).tolist()[:2] == [52.5148, 52.53] and len(df) == 6
