"""Sample AfS report workbooks of employees and unemployed per Bezirk (no real file is at hand).

The workbooks follow the general AfS report layout (title sheet, tables with multi-row headers,
symbols, footnotes) so the demo runs the same parser path as a real report would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ..names import BEZIRKE

__all__ = ["sample_beschaeftigte", "sample_arbeitslose"]


_SAMPLE_SVB = {"01": (330, 160), "02": (200, 130), "03": (110, 190), "04": (230, 135), "05": (75, 85),
               "06": (105, 110), "07": (140, 135), "08": (95, 115), "09": (100, 110), "10": (60, 100),
               "11": (100, 125), "12": (85, 95)}  # thousands at place of work, of residence (2025)


def _afs_workbook(title: str, header: tuple[list, list], rows: list[list], notes: list[str]) -> bytes:
    """A workbook in the AfS report layout: Titel, Impressum, one table sheet ``T1``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Titel"
    wb["Titel"]["A1"] = "Statistischer Bericht"
    wb["Titel"]["A3"] = "BEISPIELDATEN – synthetisch erzeugt, keine amtlichen Zahlen"
    imp = wb.create_sheet("Impressum")
    imp["A1"] = "Herausgeber: Amt für Statistik Berlin-Brandenburg (Beispiel)"
    imp["A3"] = "Lizenz: CC BY 3.0 DE"
    ws = wb.create_sheet("T1")
    ws["A1"] = title
    top, sub = header
    for c, text in enumerate(top, start=1):
        ws.cell(3, c, text)
    for c, text in enumerate(sub, start=1):
        ws.cell(4, c, text)
    ws.merge_cells(start_row=3, start_column=1, end_row=5, end_column=1)
    ws.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    spans = [(c, len(list(g))) for c, g in _runs(top)]
    for c, width in spans:
        if width > 1:
            ws.merge_cells(start_row=3, start_column=c, end_row=3, end_column=c + width - 1)
    for c in range(2, len(sub) + 1):
        ws.cell(5, c, "%" if "quote" in str(sub[c - 1]).lower() else "Anzahl")
    for r, row in enumerate(rows, start=7):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    r = 7 + len(rows) + 1
    ws.cell(r, 1, "_____")
    for k, note in enumerate(notes, start=1):
        ws.cell(r + k, 1, note)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _runs(cells: list) -> Iterator[tuple[int, Iterator]]:
    """Start column (1-based) and members of each run of a header cell followed by empty cells."""
    start = 1
    group: list = []
    for c, text in enumerate(cells, start=1):
        if text and group:
            yield start, iter(group)
            start, group = c, []
        group.append(text)
    if group:
        yield start, iter(group)


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
    from openpyxl import load_workbook

    rng = np.random.default_rng(year)
    header = (["Bezirk", "Insgesamt", "Geschlecht", None, "Alter von ... bis unter ... Jahren", None, None, None],
              [None, None, "männlich", "weiblich", "unter 25", "25 – 55", "55 – 65", "65 und mehr"])
    notes = ["1 Beschäftigte ohne Angabe zum Wohnort bzw. Arbeitsort sind nur in Berlin insgesamt enthalten.",
             "Datenquelle: Statistik der Bundesagentur für Arbeit"]
    first = _afs_workbook(f"1 Sozialversicherungspflichtig Beschäftigte am Arbeitsort in Berlin am 30. Juni {year} "
                          "nach Bezirken, Geschlecht und Altersgruppen", header,
                          _sample_employees(year, "arbeitsort", rng), notes)
    wb = load_workbook(io.BytesIO(first))
    ws = wb["T1"]
    start = ws.max_row + 3
    ws.cell(start, 1, f"2 Sozialversicherungspflichtig Beschäftigte am Wohnort in Berlin am 30. Juni {year} "
                      "nach Bezirken, Geschlecht und Altersgruppen")
    for c, text in enumerate(header[0], start=1):
        ws.cell(start + 2, c, text)
    for c, text in enumerate(header[1], start=1):
        ws.cell(start + 3, c, text)
    ws.merge_cells(start_row=start + 2, start_column=1, end_row=start + 4, end_column=1)
    ws.merge_cells(start_row=start + 2, start_column=2, end_row=start + 3, end_column=2)
    ws.merge_cells(start_row=start + 2, start_column=3, end_row=start + 2, end_column=4)
    ws.merge_cells(start_row=start + 2, start_column=5, end_row=start + 2, end_column=8)
    for c in range(2, 9):
        ws.cell(start + 4, c, "Anzahl")
    for r, row in enumerate(_sample_employees(year, "wohnort", rng), start=start + 6):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    return _afs_workbook(f"1 Arbeitslose in Berlin im Jahresdurchschnitt {year} nach Bezirken, Geschlecht und "
                         "Rechtskreisen", header, rows, notes)
