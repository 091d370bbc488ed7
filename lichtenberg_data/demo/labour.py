"""Sample AfS report workbooks of employees and unemployed per Bezirk (no real file is at hand).

The workbooks follow the general AfS report layout (title sheet, tables with multi-row headers,
symbols, footnotes) so the demo runs the same parser path as a real report would.
"""

from __future__ import annotations

from typing import Any

from ..names import BEZIRKE
from ._afs import report_workbook, workbook_bytes, write_table

__all__ = ["sample_beschaeftigte", "sample_arbeitslose"]


_SAMPLE_SVB = {"01": (330, 160), "02": (200, 130), "03": (110, 190), "04": (230, 135), "05": (75, 85),
               "06": (105, 110), "07": (140, 135), "08": (95, 115), "09": (100, 110), "10": (60, 100),
               "11": (100, 125), "12": (85, 95)}  # thousands at place of work, of residence (2025)


def _bezirk_label(key: str) -> str:
    name = BEZIRKE[key]
    return name.replace("-", "-\n", 1) if len(name) > 16 else name


def _sample_employees(year: int, ort: str, rng: Any) -> list[list]:
    rows = []
    totals = [0] * 7
    for key in sorted(BEZIRKE):
        base = _SAMPLE_SVB[key][0 if ort == "arbeitsort" else 1] * 1000 * (1 - 0.012 * (2025 - year))
        total = int(base * rng.uniform(0.98, 1.02))
        women = int(total * rng.uniform(0.46, 0.52))
        ages = [int(total * s) for s in (rng.uniform(0.07, 0.1), rng.uniform(0.6, 0.66), rng.uniform(0.17, 0.21))]
        ages.append(total - sum(ages))
        values = [total, total - women, women, *ages]
        totals = [a + b for a, b in zip(totals, values)]
        cells: list[Any] = list(values)
        if key == "05" and ort == "wohnort" and year == 2021:
            cells[6] = "•"  # a secret cell, as AfS prints it
        rows.append([_bezirk_label(key), *cells])
    latest = year == 2025
    rows.append(["Berlin", *(f"{v} p" if latest else v for v in totals)])
    return rows


def sample_beschaeftigte(year: int) -> bytes:
    """A sample AfS report with employees by Bezirk at place of work (T1) and of residence.

    Layout as in AfS "Statistische Berichte": title and imprint sheets, numbered title row,
    merged multi-row header with a unit row, 12 Bezirke and a Berlin row, a "•" (secret) cell
    in 2021, "p" (provisional) on the 2025 Berlin row, footnotes under a ``_____`` line.
    Both tables sit on one sheet ``T1`` here (AfS often puts two tables on a sheet).
    """
    import numpy as np

    rng = np.random.default_rng(year)
    header = (["Bezirk", "Insgesamt", "Geschlecht", None, "Alter von ... bis unter ... Jahren", None, None, None],
              [None, None, "männlich", "weiblich", "unter 25", "25 – 55", "55 – 65", "65 und mehr"])
    notes = ["1 Beschäftigte ohne Angabe zum Wohnort bzw. Arbeitsort sind nur in Berlin insgesamt enthalten.",
             "Datenquelle: Statistik der Bundesagentur für Arbeit"]
    wb = report_workbook("Statistischer Bericht")
    ws = wb.create_sheet("T1")
    top = 1
    for number, ort, text in ((1, "arbeitsort", "Arbeitsort"), (2, "wohnort", "Wohnort")):
        top = write_table(ws, top, f"{number} Sozialversicherungspflichtig Beschäftigte am {text} in Berlin am 30. Juni "
                          f"{year} nach Bezirken, Geschlecht und Altersgruppen", header, ["Anzahl"] * 7,
                          _sample_employees(year, ort, rng), notes if number == 1 else [])
    return workbook_bytes(wb)


_SAMPLE_ALO = {"01": 24.0, "02": 17.0, "03": 13.5, "04": 13.0, "05": 14.5, "06": 8.0, "07": 14.0, "08": 23.5,
               "09": 9.5, "10": 12.5, "11": 13.8, "12": 13.2}  # thousands, Jahresdurchschnitt 2025


def sample_arbeitslose(year: int) -> bytes:
    """A sample AfS table of registered unemployed by Bezirk (Jahresdurchschnitt), AfS layout."""
    import numpy as np

    rng = np.random.default_rng(100 + year)
    rows, totals = [], [0.0] * 6
    for key in sorted(BEZIRKE):
        total = int(_SAMPLE_ALO[key] * 1000 * (1 - 0.02 * (2025 - year)) * rng.uniform(0.97, 1.03))
        men = int(total * rng.uniform(0.53, 0.57))
        young = int(total * rng.uniform(0.07, 0.1))
        sgb3 = int(total * rng.uniform(0.25, 0.32))
        quote = round(total / (_SAMPLE_SVB[key][1] * 1250 + total) * 100, 1)
        values = [total, men, total - men, young, sgb3, total - sgb3]
        totals = [a + b for a, b in zip(totals, values)]
        rows.append([_bezirk_label(key), *values, quote])
    labour = sum(v[1] for v in _SAMPLE_SVB.values()) * 1250 + totals[0]
    rows.append(["Berlin", *totals, round(totals[0] / labour * 100, 1)])
    header = (["Bezirk", "Insgesamt", "Geschlecht", None, "Unter 25 Jahre", "Rechtskreis", None, "Arbeitslosenquote"],
              [None, None, "männlich", "weiblich", None, "SGB III", "SGB II", None])
    notes = ["1 bezogen auf alle zivilen Erwerbspersonen", "Datenquelle: Statistik der Bundesagentur für Arbeit"]
    wb = report_workbook("Statistischer Bericht")
    write_table(wb.create_sheet("T1"), 1, f"1 Arbeitslose in Berlin im Jahresdurchschnitt {year} nach Bezirken, "
                "Geschlecht und Rechtskreisen", header, ["Anzahl"] * 6 + ["%"], rows, notes)
    return workbook_bytes(wb)
