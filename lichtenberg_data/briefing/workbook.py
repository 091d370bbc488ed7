"""The numbers behind the paper: a workbook beside the PDF (``Klausur-Briefing-<Jahr>-<Bezirk>-Daten.xlsx``).

Sheets, in this order:

* „Inhalt“: every sheet with what it holds;
* one sheet per chart, in the order of the figures („Abb 5 …“): the data as drawn (each chart form
  records it, :func:`lichtenberg_data.charts.chart_data`; the briefing keeps it beside the chart as
  ``<name>.data.parquet``), under header rows with title, caption, source, licence and Stand;
* one sheet per section's key-figure table („Kennzahlen …“), the values as printed and as numbers;
* „Kernaussagen“, when the manifest holds findings: the sentences of „Das Wichtigste in Kürze“
  and of each section's Kernaussagen with their section, the ids of their key figures and their chart;
* „Datensätze“: every dataset with every file of every edition (the appendix of the PDF names only
  the newest file of a history).

Sheet names are unique and at most 31 characters (Excel's limit); texts are written as texts (a
cell starting with ``=`` is no formula).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..charts.formats import format_date
from .collect import SECTIONS

__all__ = ["write_workbook", "HEADER_ROWS", "sheet_name"]

#: Rows above a sheet's table (title, subtitle, caption, source, licence, Stand, an empty row).
HEADER_ROWS = 7
_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str, used: set[str]) -> str:
    """``text`` as an Excel sheet name: no ``[]:*?/\\``, at most 31 characters, unique in ``used``.

    >>> used = set()
    >>> sheet_name("Abb 12 Einwohnerinnen und Einwohner je Planungsraum", used)
    'Abb 12 Einwohnerinnen und Einwo'
    >>> sheet_name("Abb 12 Einwohnerinnen und Einwohner je Planungsraum", used)
    'Abb 12 Einwohnerinnen und Ein 2'
    """
    base = " ".join(_BAD.sub(" ", str(text)).split()).strip("'") or "Blatt"
    name, n = base[:31], 1
    while name.casefold() in {u.casefold() for u in used}:
        n += 1
        suffix = f" {n}"
        name = base[:31 - len(suffix)].rstrip() + suffix
    used.add(name)
    return name


def _cell_value(v: Any) -> Any:
    """A value openpyxl writes: numbers, texts, dates; missing values as empty cells."""
    import numpy as np
    import pandas as pd

    if v is None:
        return None
    if isinstance(v, (np.generic,)):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.to_pydatetime().replace(tzinfo=None)
    if isinstance(v, (datetime, date, int, float, str, bool)):
        return v
    if v is pd.NaT or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return None
    return str(v)


def _put(ws: Any, row: int, col: int, value: Any, *, bold: bool = False) -> None:
    from openpyxl.styles import Font

    cell = ws.cell(row=row, column=col, value=_cell_value(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # a text, never a formula
    if bold:
        cell.font = Font(bold=True)


def _header(ws: Any, lines: list[str]) -> None:
    for i, line in enumerate(lines[: HEADER_ROWS - 1], start=1):
        _put(ws, i, 1, line, bold=i == 1)


def _table(ws: Any, columns: list[str], rows: list[list[Any]]) -> None:
    top = HEADER_ROWS + 1
    for j, name in enumerate(columns, start=1):
        _put(ws, top, j, name, bold=True)
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row, start=1):
            _put(ws, i, j, value)
    for j, name in enumerate(columns, start=1):
        width = max([len(str(name))] + [len(str(r[j - 1])) for r in rows[:200] if r[j - 1] is not None])
        ws.column_dimensions[ws.cell(row=top, column=j).column_letter].width = min(60, max(8, width + 2))
    ws.freeze_panes = ws.cell(row=top + 1, column=1)


def _licences(datasets: list[dict[str, Any]]) -> str:
    items = [f"{d.get('license')}" + (f" ({d['license_url']})" if d.get("license_url") else "")
             for d in datasets if d.get("license")]
    return "Lizenz: " + ("; ".join(dict.fromkeys(items)) if items else "keine Angabe")


def _stand(datasets: list[dict[str, Any]]) -> str:
    items = [f"{d.get('source_title') or d.get('title') or d.get('dataset')} {format_date(d['reference_date'])}"
             for d in datasets if d.get("reference_date")]
    return "Stand: " + ("; ".join(dict.fromkeys(items)) if items else "keine Angabe")


def _chart_sheet(ws: Any, chart: dict[str, Any], charts_dir: Path) -> None:
    import pandas as pd

    number = chart.get("figure")
    title = chart.get("title") or chart["caption"]
    _header(ws, [f"Abbildung {number}: {title}" if number else title,
                 chart.get("subtitle") or "",
                 f"Bildunterschrift: {chart['caption']}",
                 chart.get("source") or "Quelle: keine Angabe",
                 _licences(chart.get("datasets") or []),
                 _stand(chart.get("datasets") or [])])
    data_file = (chart.get("files") or {}).get("data")
    if not data_file or not (charts_dir / data_file).exists():
        _put(ws, HEADER_ROWS + 1, 1, "Diese Grafik hat keine Daten übergeben (mit einer Diagrammform von "
             "lichtenberg_data.charts gezeichnet, übergibt jede Grafik ihre Daten).")
        return
    frame = pd.read_parquet(charts_dir / data_file)
    _table(ws, [str(c) for c in frame.columns], frame.astype(object).values.tolist())


def _figure_sheet(ws: Any, section: str, figures: list[dict[str, Any]]) -> None:
    from ._keytable import figure_cells

    datasets = [d for f in figures for d in f.get("datasets") or []]
    sources = list(dict.fromkeys(f.get("source") for f in figures if f.get("source")))
    _header(ws, [f"Kennzahlen: {SECTIONS.get(section, section)}", "",
                 "Die Werte wie im Briefing gedruckt und als Zahl", " | ".join(sources) or "Quelle: keine Angabe",
                 _licences(datasets), _stand(datasets)])
    rows = []
    for f in figures:
        label, previous, current, change = figure_cells(f)
        rows.append([f.get("label"), f.get("id"), f.get("unit") or "", f.get("previous"), f.get("previous_when"),
                     f.get("current"), f.get("when"), previous, current, change.replace("\n", " "),
                     f.get("source") or ""])
    _table(ws, ["Kennzahl", "Kennung", "Einheit", "Vorwert", "Stand Vorwert", "Aktuell", "Stand",
                "Vorwert (gedruckt)", "Aktuell (gedruckt)", "Veränderung (gedruckt)", "Quelle"], rows)


def findings_rows(manifest: dict[str, Any]) -> list[list[Any]]:
    """The sentences of „Das Wichtigste in Kürze“ (``manifest["summary"]``) and of each section's
    Kernaussagen (``manifest["kernaussagen"]``), each with where it stands, its section, the ids
    of its key figures and the number of the chart it points to."""
    items = [("Das Wichtigste in Kürze", f) for f in manifest.get("summary") or []]
    for section, found in (manifest.get("kernaussagen") or {}).items():
        items += [(f"Kernaussagen {SECTIONS.get(section, section)}", f) for f in found or []]
    return [[where, f.get("text") or "", f.get("section_title") or SECTIONS.get(f.get("section"), f.get("section") or ""),
             ", ".join(f.get("key_figures") or []), f.get("figure_number")]
            for where, f in items]


def _datasets_sheet(ws: Any, datasets: list[dict[str, Any]]) -> None:
    _header(ws, ["Verwendete Datensätze und ihre Dateien", "", "Je Ausgabe die Datei, aus der die Zahlen stammen",
                 "", "", ""])
    rows = []
    for d in sorted(datasets, key=lambda d: str(d.get("title") or d.get("dataset"))):
        editions = d.get("editions") or [{"file": None, "reference_date": d.get("reference_date"),
                                          "retrieved_at": d.get("retrieved_at"), "arrived": d.get("arrived")}]
        for e in sorted(editions, key=lambda e: str(e.get("reference_date") or "")):
            rows.append([d.get("title") or d.get("source_title"), d.get("dataset"), d.get("publisher"),
                         d.get("license"), format_date(e["reference_date"]) if e.get("reference_date") else "",
                         e.get("file") or "", e.get("arrived") or "",
                         format_date(e["retrieved_at"]) if e.get("retrieved_at") else "",
                         d.get("source_url") or "", "ja" if d.get("sample") else "nein"])
    _table(ws, ["Datensatz", "Kennung", "Herausgeber", "Lizenz", "Stand", "Datei", "Herkunft", "abgerufen/importiert am",
                "Quelle", "Beispieldaten"], rows)


def write_workbook(path: Path, manifest: dict[str, Any], charts_dir: Path) -> Path:
    """Write the workbook of the briefing described by ``manifest`` (``briefing-manifest.json``)."""
    from openpyxl import Workbook

    from .._store import atomic_write_bytes

    wb = Workbook()
    contents = wb.active
    contents.title = "Inhalt"
    used = {"Inhalt", "Kernaussagen", "Datensätze"}
    index: list[list[Any]] = []
    charts = sorted(manifest.get("charts") or [], key=lambda c: (c.get("figure") is None, c.get("figure") or 0))
    for chart in charts:
        number = chart.get("figure")
        title = chart.get("title") or chart["caption"]
        name = sheet_name(f"Abb {number} {title}" if number else title, used)
        _chart_sheet(wb.create_sheet(name), chart, charts_dir)
        index.append([name, f"Abbildung {number}" if number else "Grafik (nicht gedruckt)", title,
                      SECTIONS.get(chart["section"], chart["section"])])
    figures = manifest.get("key_figures") or []
    for section in SECTIONS:
        mine = [f for f in figures if f.get("section") == section]
        if mine:
            name = sheet_name(f"Kennzahlen {SECTIONS[section]}", used)
            _figure_sheet(wb.create_sheet(name), section, mine)
            index.append([name, "Kennzahlentabelle", f"Kennzahlen: {SECTIONS[section]}", SECTIONS[section]])
    found = findings_rows(manifest)
    if found:
        ws = wb.create_sheet("Kernaussagen")
        _header(ws, ["Kernaussagen", "", "Die Sätze sind aus den Daten erzeugt; je Satz die Kennungen der "
                     "Kennzahlen, auf denen er beruht (lichtenberg-data kennzahlen)", "", "", ""])
        _table(ws, ["Wo", "Satz", "Abschnitt", "Kennzahlen", "Abbildung"], found)
        index.append(["Kernaussagen", "Sätze", "Das Wichtigste in Kürze und die Kernaussagen", ""])
    _datasets_sheet(wb.create_sheet("Datensätze"), manifest.get("datasets") or [])
    index.append(["Datensätze", "Verzeichnis", "Verwendete Datensätze und ihre Dateien", ""])
    _header(contents, [manifest.get("title") or "Klausur-Briefing", "Die Zahlen hinter den Grafiken und Tabellen",
                       f"Erstellt am {format_date(date.today())} mit lichtenberg_data", "", "", ""])
    _table(contents, ["Blatt", "Art", "Inhalt", "Abschnitt"], index)
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return path
