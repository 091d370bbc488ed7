"""entgelte_lor: median earnings of full-time employees by place of residence (real 2023 workbook)."""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

import pandas as pd
import pytest

import lichtenberg_data as ld
from lichtenberg_data import catalog
from lichtenberg_data._errors import FormatError
from lichtenberg_data._validate import validate
from lichtenberg_data.sources import earnings

WORKBOOK = "employment/lor_Medianeinkommen_31-12-2023.xlsx"
PLR_SHEET = "Medianeinkommen PLR"


@pytest.fixture(scope="module")
def workbook(real_data) -> Path:
    return real_data / WORKBOOK


@pytest.fixture(scope="module")
def parsed(workbook) -> pd.DataFrame:
    return earnings.parse_entgelte_file(workbook)


@pytest.fixture()
def imported(data_dir, workbook) -> pd.DataFrame:
    outcome = ld.import_file("entgelte_lor", workbook)
    assert outcome.state == "fresh" and outcome.rows == 554
    return ld.load("entgelte_lor")


def _row(df: pd.DataFrame, ebene: str, key: str) -> pd.Series:
    rows = df[(df["ebene"] == ebene) & (df["gebiet_id"] == key)]
    assert len(rows) == 1, (ebene, key)
    return rows.iloc[0]


def _edited(workbook: Path, dest: Path, edit) -> Path:
    """A copy of the real workbook changed by ``edit(openpyxl_workbook)``."""
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    edit(wb)
    wb.save(dest)
    return dest


# =============================================================================== real workbook

@pytest.mark.realdata
def test_real_workbook_imports(imported):
    df = imported
    assert set(df["date"]) == {pd.Timestamp("2023-12-31")}  # from the title "am 31.12.2023"
    assert df["ebene"].value_counts().to_dict() == {"planungsraum": 542, "bezirk": 12}  # no Berlin row
    plr = df[df["ebene"] == "planungsraum"]
    assert plr["gebiet_id"].str.fullmatch(r"\d{8}").all() and set(plr["lor_version"]) == {"2021"}
    assert (plr["bezirk_id"] == "11").sum() == 41
    status = ld.status().set_index("dataset").loc["entgelte_lor"]
    assert status["reference_date"] == "2023-12-31" and status["rows"] == 554
    prov = df.attrs["provenance"][0]
    assert prov["license"] == "CC BY 3.0 DE" and prov["publisher"] == "Amt für Statistik Berlin-Brandenburg"


@pytest.mark.realdata
def test_real_values(parsed):
    df = parsed
    # read from the workbook: RAUMID, name, SvB in Vollzeit, median EUR, quintile, lower range (count, %)
    falkenberg = _row(df, "planungsraum", "11100203")
    assert falkenberg["gebiet"] == "Falkenberg Ost" and falkenberg["bezirk_id"] == "11"
    assert falkenberg[["svb_vollzeit", "median_eur", "quintil", "svb_unterer_entgeltbereich",
                       "anteil_unterer_entgeltbereich"]].tolist() == [2185, 3022, 5, 597, 27.3]
    karlshorst = _row(df, "planungsraum", "11501341")
    assert (karlshorst["gebiet"], karlshorst["median_eur"], karlshorst["quintil"]) == ("Karlshorst Süd", 5154, 1)
    # the AfS news of 2025 on these data names Alter Schlachthof the highest median: 6,438 EUR, 3.7 %
    top = df.loc[df["median_eur"].idxmax()]
    assert (top["gebiet"], top["median_eur"], top["anteil_unterer_entgeltbereich"]) == ("Alter Schlachthof", 6438, 3.7)
    mitte = _row(df, "planungsraum", "01100101")
    assert mitte["gebiet_id"] == "01100101" and mitte["median_eur"] == 4721  # key keeps its leading zero


@pytest.mark.realdata
def test_real_bezirk_rows(parsed):
    bez = parsed[parsed["ebene"] == "bezirk"].set_index("gebiet_id")
    assert bez.index.tolist() == [f"{i:02d}" for i in range(1, 13)]
    lichtenberg = bez.loc["11"]
    assert lichtenberg["gebiet"] == "Lichtenberg"
    assert lichtenberg[["svb_vollzeit", "median_eur", "quintil", "svb_unterer_entgeltbereich",
                        "anteil_unterer_entgeltbereich"]].tolist() == [80280, 3613, 5, 13547, 16.9]
    # quoted in the AfS news "Spitzenverdiener" (2025): Pankow 4,424, Charlottenburg-Wilmersdorf 4,398,
    # Marzahn-Hellersdorf 3,314 and Spandau 3,512 EUR
    assert bez.loc[["03", "04", "10", "05"], "median_eur"].tolist() == [4424, 4398, 3314, 3512]
    # Lichtenberg's 41 Planungsräume (none suppressed) add up to the Bezirk's full-time employees
    plr = parsed[(parsed["ebene"] == "planungsraum") & (parsed["bezirk_id"] == "11")]
    assert plr["svb_vollzeit"].sum() == 80280 and plr["svb_vollzeit"].notna().all()


@pytest.mark.realdata
def test_real_suppressed_cells(parsed, workbook):
    df = parsed
    blankenburg = _row(df, "planungsraum", "03300514")  # '*', '•', '', '*', ''
    assert math.isnan(blankenburg["svb_vollzeit"]) and blankenburg["svb_vollzeit_flag"] == "*"
    assert math.isnan(blankenburg["median_eur"]) and blankenburg["median_eur_flag"] == "•"
    assert math.isnan(blankenburg["quintil"]) and blankenburg["quintil_flag"] is None
    assert blankenburg["svb_unterer_entgeltbereich_flag"] == "*"
    tegel = _row(df, "planungsraum", "04300517")  # 5728, '•', '', '.', '.'
    assert tegel["svb_vollzeit"] == 5728 and tegel["svb_vollzeit_flag"] is None
    assert tegel["median_eur_flag"] == "•" and tegel["svb_unterer_entgeltbereich_flag"] == "."
    assert tegel["anteil_unterer_entgeltbereich_flag"] == "."
    blankenfelde = _row(df, "planungsraum", "03200204")  # count shown, median not
    assert blankenfelde["svb_vollzeit"] == 457 and blankenfelde["median_eur_flag"] == "•"
    assert blankenfelde["anteil_unterer_entgeltbereich"] == 17.4
    # symbols counted independently in the workbook: 28 '*', 37 '•', 2 '.'
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name(PLR_SHEET).to_python()
    data = [r for r in rows if isinstance(r[0], str) and r[0].isdigit()]
    cells = [c for r in data for c in r[2:]]
    expected = {s: cells.count(s) for s in ("*", "•", ".")}
    assert expected == {"*": 28, "•": 37, ".": 2}
    flags = df.filter(like="_flag").stack().value_counts().to_dict()
    assert flags == expected
    assert int(df["median_eur"].isna().sum()) == 37


@pytest.mark.realdata
def test_real_medians_agree_with_pandas(parsed, workbook):
    """An independent read of the PLR sheet (pandas, header in row 7) gives the same medians."""
    raw = pd.read_excel(workbook, sheet_name=PLR_SHEET, header=6, dtype={"RAUMID": str}, engine="openpyxl")
    raw = raw[raw["RAUMID"].astype(str).str.fullmatch(r"\d{8}")]
    expected = pd.to_numeric(raw.set_index("RAUMID")["Medianeinkommen in EUR"], errors="coerce")
    got = parsed[parsed["ebene"] == "planungsraum"].set_index("gebiet_id")["median_eur"]
    assert len(expected) == 542
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index().astype(float), check_names=False)


@pytest.mark.slow  # 0.3 s on 2 cores
@pytest.mark.realdata
def test_editions_build_a_history(data_dir, workbook, tmp_path):
    """A workbook of another date adds a reference date (read from the title, not the name)."""
    def to_2022(wb):
        for ws in wb.worksheets[:2]:
            ws["A5"] = ws["A5"].value.replace("31.12.2023", "31.12.2022")
        wb[PLR_SHEET]["D8"] = 4500  # Stülerstraße
    older = _edited(workbook, tmp_path / "Medianeinkommen_kopie.xlsx", to_2022)
    ld.import_file("entgelte_lor", workbook)
    outcome = ld.import_file("entgelte_lor", older)
    assert outcome.rows == 2 * 554
    df = ld.load("entgelte_lor")
    stueler = df[df["gebiet_id"] == "01100101"].set_index("date")["median_eur"]
    assert stueler.to_dict() == {pd.Timestamp("2022-12-31"): 4500, pd.Timestamp("2023-12-31"): 4721}
    assert ld.import_file("entgelte_lor", workbook).rows == 2 * 554  # the same edition again replaces itself


# =============================================================================== bad files

def _html(tmp_path: Path) -> Path:
    path = tmp_path / "lor_Medianeinkommen_31-12-2023.xlsx"
    path.write_text("<!DOCTYPE html><html><body>Die Seite ist nicht verfügbar</body></html>", encoding="utf-8")
    return path


def _truncated(tmp_path: Path, workbook: Path) -> Path:
    path = tmp_path / "lor_Medianeinkommen_31-12-2023_kurz.xlsx"
    path.write_bytes(workbook.read_bytes()[:40_000])
    return path


def _arbeitsort(tmp_path: Path, workbook: Path) -> Path:  # the same series for the place of work
    def edit(wb):
        for ws in wb.worksheets[:2]:
            ws["A4"] = ws["A4"].value.replace("am Wohnort", "am Arbeitsort")
    return _edited(workbook, tmp_path / "Medianeinkommen_Arbeitsort.xlsx", edit)


def _renamed(tmp_path: Path, workbook: Path) -> Path:
    def edit(wb):
        wb[PLR_SHEET]["D7"] = "Durchschnittseinkommen in EUR"
    return _edited(workbook, tmp_path / "lor_Medianeinkommen_umbenannt.xlsx", edit)


BAD = {
    "wrong series": (lambda tmp, real: _arbeitsort(tmp, real / WORKBOOK),
                     "not the median earnings at the place of residence"),
    "AfS report of another series": (lambda tmp, real: real / "statistics-xlsx/SB_A01-05-00_2024h02_BE.xlsx",
                                     "no sheet with a table of median earnings"),
    "xlsx of another dataset": (lambda tmp, real: real / "employment/lor_monitoring_soziale-stadtentwicklung_2023.xlsx",
                                "this is a file of another dataset"),
    "truncated": (lambda tmp, real: _truncated(tmp, real / WORKBOOK), "is an Excel workbook \\(xlsx\\) that is cut off"),
    "renamed column": (lambda tmp, real: _renamed(tmp, real / WORKBOOK),
                       "no columns for median_eur .*Durchschnittseinkommen in EUR"),
    "HTML page": (lambda tmp, real: _html(tmp), "HTML page"),
}


@pytest.mark.slow  # 0.3 s on 2 cores
@pytest.mark.realdata
@pytest.mark.parametrize("case", list(BAD))
def test_bad_files_are_refused_and_change_nothing(imported, data_dir, real_data, tmp_path, case):
    make, message = BAD[case]
    processed = data_dir / "processed" / "entgelte_lor.parquet"
    before = hashlib.sha256(processed.read_bytes()).hexdigest()
    manifest = (data_dir / "manifest.json").read_bytes()
    with pytest.raises(FormatError, match=message) as err:
        ld.import_file("entgelte_lor", make(tmp_path, real_data))
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith("entgelte_lor: ") and "Nothing was changed" in text
    assert hashlib.sha256(processed.read_bytes()).hexdigest() == before
    assert (data_dir / "manifest.json").read_bytes() == manifest


# =============================================================================== sample and symbols

def _sample(tmp_path: Path, edit=None) -> Path:
    from openpyxl import load_workbook

    from lichtenberg_data.demo.workforce import sample_entgelte

    path = tmp_path / "lor_Medianeinkommen_31-12-2023.xlsx"
    path.write_bytes(sample_entgelte())
    if edit is not None:
        wb = load_workbook(io.BytesIO(path.read_bytes()))
        edit(wb)
        wb.save(path)
    return path


def test_sample_parses_and_validates(tmp_path):
    df = earnings.parse_entgelte_file(_sample(tmp_path))
    validate(catalog.get("entgelte_lor"), df)
    assert df["ebene"].value_counts().to_dict() == {"planungsraum": 542, "bezirk": 12}
    assert {"*", "•", "."} <= set(df.filter(like="_flag").stack())


def test_x_symbol_and_a_berlin_row(tmp_path):
    """'X' as the Zeichenerklärung prints it, and a Berlin row as other editions may have."""
    def edit(wb):
        wb[PLR_SHEET]["D8"] = "X"
        ws = wb["Medianeinkommen Bezirke"]
        ws.insert_rows(20)
        for c, v in enumerate(["", "Berlin", 900_000, 3955, None, 130_000, 14.4], start=1):
            ws.cell(20, c, v)
    df = earnings.parse_entgelte_file(_sample(tmp_path, edit))
    validate(catalog.get("entgelte_lor"), df)
    first = df.iloc[0]
    assert math.isnan(first["median_eur"]) and first["median_eur_flag"] == "X"
    berlin = _row(df, "berlin", "00")
    assert (berlin["gebiet"], berlin["median_eur"], berlin["bezirk_id"]) == ("Berlin", 3955, "00")


def test_unknown_symbol_names_the_cell(tmp_path):
    path = _sample(tmp_path, lambda wb: wb[PLR_SHEET].cell(9, 3, "k.A."))
    with pytest.raises(FormatError, match=r"sheet 'Medianeinkommen PLR' row 9: 'k.A.' is neither a number"):
        earnings.parse_entgelte_file(path)


def test_declaration():
    ds = catalog.get("entgelte_lor")
    assert ds.history and ds.publisher == "Amt für Statistik Berlin-Brandenburg"
    assert ds.license.id == "CC BY 3.0 DE" and ds.topic == "workforce"
    assert ds.resources[0].matches("lor_Medianeinkommen_31-12-2024.xlsx")
    assert "entgelte_lor" in catalog.ids()
