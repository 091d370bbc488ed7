"""AfS report workbooks laid out a little differently: sheets renamed, tables moved, titles unnumbered.

A real report of another year may move a table, rename its sheet or print its title without a
number. :func:`relaid` makes such a copy of a workbook (cells, merged ranges and all), so a test
can check that a reader finds its Bezirk tables by content, not by sheet name or position.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

_FRONT = {"titel", "impressum", "inhaltsverzeichnis", "inhalt", "u4"}


def _shift(ws, rows: int, cols: int) -> None:
    """Move every cell of the sheet ``rows`` down and ``cols`` right, merged ranges too."""
    merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
    for bounds in merged:
        ws.unmerge_cells(start_row=bounds[0], start_column=bounds[1], end_row=bounds[2], end_column=bounds[3])
    if ws.max_row and ws.max_column:
        ws.move_range(f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", rows=rows, cols=cols)
    for r0, c0, r1, c1 in merged:
        ws.merge_cells(start_row=r0 + rows, start_column=c0 + cols, end_row=r1 + rows, end_column=c1 + cols)


def relaid(source: bytes | Path, dest: Path, *, rows: int = 3, cols: int = 2, rename: bool = True,
           unnumbered: bool = True, only: str | None = None) -> Path:
    """A copy of an AfS workbook at ``dest`` with its table sheets renamed ("Blatt 1" ...), every
    table moved ``rows`` down and ``cols`` right, and (``unnumbered``) the leading number of each
    title that names the Bezirke dropped ("5 Gäste ... nach Bezirken" → "Gäste ... nach Bezirken").
    ``only``: change just the sheet of that name (stripped), leave the others."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # drawings of the real reports (wmf) are dropped
        wb = load_workbook(io.BytesIO(source) if isinstance(source, bytes) else source)
    k = 0
    for ws in wb.worksheets:
        name = ws.title.strip()
        if name.casefold() in _FRONT or (only is not None and name != only):
            continue
        if unnumbered:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and "bezirk" in cell.value.casefold() and len(cell.value) > 30:
                        cell.value = re.sub(r"^\s*(?:Tab(?:elle)?\.?\s*)?\d{1,3}[a-z]?\s+", "", cell.value)
        _shift(ws, rows, cols)
        if rename:
            k += 1
            ws.title = f"Blatt {k}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dest)
    return dest
