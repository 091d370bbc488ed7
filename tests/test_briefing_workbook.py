"""The workbook beside the briefing PDF (briefing/workbook.py): a sheet per chart with the data as
drawn, a sheet per key-figure table, the findings with their key-figure ids, every file used."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from lichtenberg_data import charts  # noqa: E402
from lichtenberg_data.briefing._chart_files import write_data  # noqa: E402
from lichtenberg_data.briefing.workbook import (  # noqa: E402
    HEADER_ROWS,
    sheet_name,
    write_workbook,
)
from lichtenberg_data.names import BEZIRKE  # noqa: E402

EWR = {"dataset": "einwohner_lor", "title": "Einwohnerinnen und Einwohner in den LOR-Planungsräumen",
       "publisher": "Amt für Statistik Berlin-Brandenburg", "source_title": "Einwohnerregisterstatistik",
       "reference_date": "2025-12-31", "retrieved_at": "2026-07-19", "arrived": "snapshot", "license": "CC BY 3.0 DE",
       "license_url": "https://creativecommons.org/licenses/by/3.0/de/", "sample": False,
       "editions": [{"file": "EWR202012E_Matrix.csv", "reference_date": "2020-12-31", "retrieved_at": "2023-08-23"},
                    {"file": "EWR_L21_202512E_Matrix.csv", "reference_date": "2025-12-31",
                     "retrieved_at": "2026-07-19"}]}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _chart(tmp_path, name: str, figure: int, title: str) -> dict:
    """A real chart form's hand-over: its data as drawn, kept as the briefing keeps it."""
    df = pd.DataFrame({"bezirk": [*BEZIRKE.values(), "Berlin"], "einwohner": [*range(300_000, 312_000, 1000), 3_900_000]})
    df.attrs["provenance"] = [EWR]
    fig, _ = charts.ranked_bars(df, "bezirk", "einwohner", title=title)
    data = write_data(charts.chart_data(fig), tmp_path / f"{name}.data.parquet")
    return {"name": name, "figure": figure, "title": title, "subtitle": "Personen, 31.12.2025",
            "caption": f"Bildunterschrift {name}", "section": "ueberblick", "files": {"data": data.name},
            "source": charts.chart_info(fig).source_line, "datasets": [EWR]}


def test_a_sheet_per_chart_and_key_table_with_the_data_as_drawn(tmp_path):
    long_title = "Einwohnerinnen und Einwohner je Bezirk am 31.12.2025 im Vergleich"
    manifest = {
        "title": "Klausur-Briefing 2026 – Bezirk Lichtenberg",
        "charts": [_chart(tmp_path, "b", 2, long_title), _chart(tmp_path, "a", 1, long_title)],
        "key_figures": [{"section": "ueberblick", "label": "Einwohnerinnen und Einwohner Lichtenberg", "id": "einwohner",
                         "current": 318261, "previous": 296837, "when": "2025-12-31", "previous_when": "2020-12-31",
                         "unit": "", "decimals": None, "source": "Quelle: Amt für Statistik", "datasets": [EWR]}],
        "datasets": [EWR],
        "summary": [{"text": "Lichtenberg wuchs von 296.837 (31.12.2020) auf 318.261 Einwohnerinnen und Einwohner "
                             "(31.12.2025), um 7,2 % – stärker als Berlin (+3,8 %).", "section": "ueberblick",
                     "section_title": "Überblick", "key_figures": ["einwohner"], "figure_number": 1}],
        "kernaussagen": {"ueberblick": [{"text": "Lichtenberg hat 318.261 Einwohnerinnen und Einwohner.",
                                         "section": "ueberblick", "key_figures": ["einwohner", "flaeche"],
                                         "figure_number": None}]},
    }
    path = write_workbook(tmp_path / "Klausur-Briefing-2026-Lichtenberg-Daten.xlsx", manifest, tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Inhalt", "Abb 1 Einwohnerinnen und Einwoh", "Abb 2 Einwohnerinnen und Einwoh",
                             "Kennzahlen Überblick", "Kernaussagen", "Datensätze"]
    assert all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb["Abb 1 Einwohnerinnen und Einwoh"]
    header = [ws.cell(row=r, column=1).value for r in range(1, HEADER_ROWS)]
    assert header[0] == f"Abbildung 1: {long_title}"
    assert header[3].startswith("Quelle: Amt für Statistik Berlin-Brandenburg, Einwohnerregisterstatistik, Stand 31.12.2025")
    assert header[4] == "Lizenz: CC BY 3.0 DE (https://creativecommons.org/licenses/by/3.0/de/)"
    assert header[5] == "Stand: Einwohnerregisterstatistik 31.12.2025"
    rows = list(ws.iter_rows(min_row=HEADER_ROWS + 1, values_only=True))
    drawn = pd.read_parquet(tmp_path / "a.data.parquet")
    assert list(rows[0]) == list(drawn.columns) == ["bezirk", "einwohner"]
    assert [list(r) for r in rows[1:]] == drawn.values.tolist()
    assert rows[1] == ("Reinickendorf", 311000) and rows[-1] == ("Berlin", 3900000)  # as drawn: top bar first
    kf = wb["Kennzahlen Überblick"]
    assert [c.value for c in kf[HEADER_ROWS + 2]][:7] == ["Einwohnerinnen und Einwohner Lichtenberg", "einwohner", None,
                                                         296837, "2020-12-31", 318261, "2025-12-31"]
    assert kf.cell(row=HEADER_ROWS + 2, column=10).value == "+21.424 (+7,2 %) 31.12.2020 → 31.12.2025"
    found = wb["Kernaussagen"]
    assert [c.value for c in found[HEADER_ROWS + 1]] == ["Wo", "Satz", "Abschnitt", "Kennzahlen", "Abbildung"]
    assert [c.value for c in found[HEADER_ROWS + 2]] == [
        "Das Wichtigste in Kürze", manifest["summary"][0]["text"], "Überblick", "einwohner", 1]
    assert [c.value for c in found[HEADER_ROWS + 3]] == [
        "Kernaussagen Überblick", "Lichtenberg hat 318.261 Einwohnerinnen und Einwohner.", "Überblick",
        "einwohner, flaeche", None]
    files = [r[5] for r in wb["Datensätze"].iter_rows(min_row=HEADER_ROWS + 2, values_only=True)]
    assert files == ["EWR202012E_Matrix.csv", "EWR_L21_202512E_Matrix.csv"]


def test_sheet_names_are_valid_and_unique_and_texts_are_no_formulas(tmp_path):
    used: set[str] = set()
    names = [sheet_name("Abb 3 Anteil [%] / Jahr: 2025?", used), sheet_name("Abb 3 Anteil [%] / Jahr: 2025?", used)]
    assert names == ["Abb 3 Anteil % Jahr 2025", "Abb 3 Anteil % Jahr 2025 2"]
    manifest = {"charts": [], "key_figures": [{"section": "gewerbe", "label": "=SUMME(A1:A3)", "current": 1,
                                               "previous": None, "unit": "", "datasets": []}], "datasets": []}
    wb = load_workbook(write_workbook(tmp_path / "x.xlsx", manifest, tmp_path))
    cell = wb["Kennzahlen Gewerbeflächen und U"].cell(row=HEADER_ROWS + 2, column=1)
    assert cell.value == "=SUMME(A1:A3)" and cell.data_type == "s"
    assert "Kernaussagen" not in wb.sheetnames  # no findings in the manifest: no sheet
