"""The AfS report layout for the sample workbooks: title and imprint sheets, tables by Bezirk.

One writer for every sample "Statistischer Bericht" (employees, unemployed, guests, business
registrations), so that the demo runs the same parser path as a real report: a numbered title
row, two header rows with merged cells, a unit row, data from the sixth row under the title,
footnotes under a ``_____`` line.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["report_workbook", "write_table", "workbook_bytes"]

_SAMPLE_LINE = "BEISPIELDATEN – synthetisch erzeugt, keine amtlichen Zahlen"


def report_workbook(*title_lines: str) -> Any:
    """A workbook with the sheets ``Titel`` (the lines every other row, then the sample line) and ``Impressum``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Titel"
    for k, line in enumerate([*title_lines, _SAMPLE_LINE]):
        wb["Titel"].cell(1 + 2 * k, 1, line)
    imp = wb.create_sheet("Impressum")
    imp["A1"] = "Herausgeber: Amt für Statistik Berlin-Brandenburg (Beispiel)"
    imp["A3"] = "Lizenz: CC BY 3.0 DE"
    return wb


def write_table(ws: Any, top: int, title: str, header: tuple[list, list], units: list[str], rows: list[list],
                notes: list[str]) -> int:
    """Write one table at row ``top`` of ``ws``; return the first free row after a gap of two.

    ``header`` holds the two header rows: a heading followed by ``None`` spans those columns, a
    heading over ``None`` spans both rows, the first column (Bezirk) spans both and the unit row.
    ``units`` names the unit of each column after the first.
    """
    head, sub = header
    ws.cell(top, 1, title)
    for c, (h, s) in enumerate(zip(head, sub), start=1):
        ws.cell(top + 2, c, h)
        ws.cell(top + 3, c, s)
        if c > 1:
            ws.cell(top + 4, c, units[c - 2])
    ws.merge_cells(start_row=top + 2, start_column=1, end_row=top + 4, end_column=1)
    c = 2
    while c <= len(head):
        width = 1
        while c + width <= len(head) and head[c + width - 1] is None:
            width += 1
        if width > 1:
            ws.merge_cells(start_row=top + 2, start_column=c, end_row=top + 2, end_column=c + width - 1)
        elif sub[c - 1] is None:
            ws.merge_cells(start_row=top + 2, start_column=c, end_row=top + 3, end_column=c)
        c += width
    for r, row in enumerate(rows, start=top + 6):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    end = top + 6 + len(rows)
    ws.cell(end + 1, 1, "_____")
    for k, note in enumerate(notes, start=2):
        ws.cell(end + k, 1, note)
    return end + len(notes) + 4


def workbook_bytes(wb: Any) -> bytes:
    """The workbook as ``.xlsx`` bytes."""
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
