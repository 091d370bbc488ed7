"""Read the tables of AfS "Statistische Berichte" workbooks (``SB_<series>_<period>_BE.xlsx``).

A report sheet (``T6``, ``T1 T2``, ``Baufert. Tab. 12 u. 13``) holds one or more print-laid
tables: a numbered title, merged multi-row headers, optional section rows ("Deutsche",
"männlich"), footnotes under ``_____`` and AfS symbols for numbers. :func:`read_tables` finds the
tables by titles and labels, never by cell positions. In each DataFrame header levels are joined
with " " (line breaks, soft hyphens, footnote markers removed), units ("Anzahl", "100 m²") go to
``attrs["units"]`` (into a name only where two columns would clash), label columns stay strings
(dates become timestamps), section rows become ``abschnitt`` ("Deutsche – männlich"), label rows
without values ("davon") are kept with NaN, AfS symbols add ``<column>_flag`` (:func:`parse_value`)
and Bezirk rows get ``bezirk_id``/``bezirk``.

:func:`bezirk_tables` finds the tables **by content**: one label column names each of the twelve
Bezirke once, and the title, headings or section labels hold the words asked for; never by sheet
name or position. Tables moved right or down are read as at A1 (empty columns left of a sheet's
content are dropped), a Bezirk list outside every numbered table (a title printed without number)
becomes a table of its own (:mod:`lichtenberg_data._afs_bezirke`), and a numbered note under a
``_____`` line is never taken for a title. When no table fits, the one-line error lists the
workbook's sheets and table titles.

Limits. Sections follow row order, so a total after the last section ("Berlin" ending an Ortsteil
table) carries that section's name; grouping rows ("davon") build no hierarchy. Title cells can be
stale (A I 5 hj 2/24: sheet ``T5`` is titled "6 ..."), so ``attrs["number"]`` comes from the sheet
name when it names as many tables as the sheet holds. A section is a Bezirk list when one label
column names at least 10 different Bezirke; an Ortsteil list holds at most 6 Bezirk names (Mitte,
Pankow, Spandau, Neukölln, Lichtenberg, Reinickendorf), so Ortsteil tables get no ``bezirk_id``.
A name twice in one Bezirk list (a Bezirk and its Ortsteil "Lichtenberg") cannot be told apart by
layout and gets none, unless the column is headed just "Bezirk" (an attribute such as the Bezirk
of each Postleitzahl, where repeats are expected).
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd

from lichtenberg_data._afs_bezirke import _add_bezirk, _lists_every_bezirk, _untitled_bezirk_lists
from lichtenberg_data._afs_cells import (
    _NAN,
    _clean,
    _empty,
    _is_data_row,
    _is_value,
    _join,
    _row_empty,
    parse_value,
)
from lichtenberg_data._errors import FormatError, dataset_error
from lichtenberg_data._readers import open_workbook

__all__ = ["parse_value", "read_table", "read_tables", "bezirk_tables", "table_text"]

MAX_ROWS = 20_000  #: rows read per sheet; a report table has a few thousand at most
MAX_CELLS = 5_000_000  #: larger sheets are skipped with a warning (not a report table)

_TODO_DEFAULT = "Check that it is the AfS report this dataset takes (`lichtenberg-data info`)"
_SKIP_SHEETS = {"titel", "impressum", "inhaltsverzeichnis", "inhalt", "u4"}
_TITLE = re.compile(r"(?:Tab(?:elle)?\.?\s*)?(\d{1,3}[a-z]?)[.:]?\s+[^\W\d_].{9,}", re.S)
_NOTE = re.compile(r"\s*(\d{1,2})\)?\s+\S")
_SEPARATOR = re.compile(r"[_\-–—]{3,}")
_UNIT = re.compile(r"Anzahl|%.*|Prozent|Monate|Jahre|in Jahren|Tage|Personen|"
                   r"(\d[\d ]*)?\s*(EUR|€|Mill\. EUR|Mio\. EUR|m²|m³|ha|km²|km|t|kWh|MWh|GWh)")


# ------------------------------------------------------------------------------ public API
def read_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Return every table of an AfS report, keyed by its title.

    Parameters
    ----------
    path
        An AfS "Statistischer Bericht" workbook (xlsx; xls/ods take the same path, untested).

    Returns
    -------
    dict
        Title -> DataFrame in sheet order; a title printed twice gets ``[sheet ..., no. ..]``
        appended. ``attrs``: ``title``, ``sheet``, ``report`` (file stem), ``number``,
        ``footnotes`` (list of str), ``units`` (column -> unit).

    Raises
    ------
    FormatError
        The file is no readable workbook (an HTML page, a truncated download ...).

    Examples
    --------
    >>> tables = read_tables("SB_F02-02-00_2022j01_BE.xlsx")  # doctest: +SKIP
    >>> df = next(t for t in tables.values() if t.attrs["number"] == "12")  # doctest: +SKIP
    >>> df.set_index("bezirk")["Baufertigstellungen insgesamt Wohnungen insgesamt"]  # doctest: +SKIP
    """
    path = Path(path)
    found: list[pd.DataFrame] = []
    for sheet, rows, merges in _open(path):
        spans = _find_tables(rows)
        frames = [_table(rows, merges, a, b) for a, b in spans]
        numbers = [n for g, n in re.findall(r"(G\s*)?(\d+[a-z]?)", sheet) if not g]  # not Grafik
        for k, df in enumerate(frames):
            df.attrs.update(sheet=sheet, report=path.stem)
            df.attrs["number"] = numbers[k] if len(numbers) == len(frames) else df.attrs["number"]
        for start, stop, title in _untitled_bezirk_lists(rows, spans):
            df = _table(rows, merges, start, stop, title=title)
            df.attrs.update(sheet=sheet, report=path.stem)
            frames.append(df)
        found += frames
    counts = Counter(df.attrs["title"] for df in found)
    return {df.attrs["title"] if counts[df.attrs["title"]] == 1 else
            f"{df.attrs['title']} [sheet {df.attrs['sheet'].strip()}, no. {df.attrs['number']}]": df
            for df in found}


def read_table(path: str | Path, title: str) -> pd.DataFrame:
    """Return the one table whose title contains ``title`` or whose number is ``title``.

    ``title`` matches case-insensitively as part of a key of :func:`read_tables`, or as a table
    number: ``"6"``, ``"T6"``, ``"Tab. 6"``.

    Raises
    ------
    FormatError
        No table or more than one matches; the message lists the tables of the report.

    Examples
    --------
    >>> df = read_table("SB_A01-05-00_2024h02_BE.xlsx", "T15")  # doctest: +SKIP
    """
    tables = read_tables(path)
    query = title.strip().casefold()
    if number := re.fullmatch(r"(?:t|tab\.?|tabelle)?\s*(\d{1,3}[a-z]?)", query):
        hits = [k for k, df in tables.items() if df.attrs["number"] == number.group(1)]
    else:
        hits = [k for k in tables if k.casefold() == query]
        hits = hits or [k for k in tables if query in k.casefold()]
    if len(hits) == 1:
        return tables[hits[0]]
    listing = "; ".join(f"{df.attrs['number']}: {k[:80]}" for k, df in tables.items())
    raise dataset_error(FormatError, Path(path).name, f"{len(hits) or 'no'} tables match {title!r}",
                        f"Pass a table number or a longer part of one of these titles: {listing}")


def table_text(df: pd.DataFrame) -> str:
    """Title, column headings and section labels of a table, lower case, one line: the words
    :func:`bezirk_tables` looks for."""
    parts = [str(df.attrs.get("title", "")), *map(str, df.columns)]
    if "abschnitt" in df:
        parts += [str(v) for v in df["abschnitt"].dropna().unique()]
    return " | ".join(parts).casefold()


def bezirk_tables(path: str | Path, *words: str, exclude: str | None = None, what: str = "a table by Bezirk",
                  todo: str = _TODO_DEFAULT) -> list[pd.DataFrame]:
    """The tables of an AfS report that list the twelve Bezirke and whose text holds every word.

    Found by content, never by sheet name or position: a table qualifies when one of its label
    columns names each of the twelve Bezirke once (full or abbreviated names, "11 Lichtenberg"
    ...; a Berlin row may follow) and its title, column headings or section labels
    (:func:`table_text`) match each of ``words``. Tables whose title has no number, tables moved
    right or down, and renamed sheets are found too (:func:`read_tables`).

    Parameters
    ----------
    path
        The workbook.
    words
        Regular expressions (case-insensitive), each of which must occur in the table's text,
        e.g. ``"gäste"``, ``"übernachtung"``.
    exclude
        A regular expression that must not occur in the table's title (e.g. ``"ausland"``).
    what, todo
        How the error names what was looked for, and what to do.

    Raises
    ------
    FormatError
        No table fits; the one-line message lists the workbook's sheets and table titles
        (shortened when long).

    Examples
    --------
    >>> [df] = bezirk_tables("SB_A01-05-00_2024h02_BE.xlsx", "religion", "ausländer")  # doctest: +SKIP
    >>> int(df.set_index("bezirk").loc["Lichtenberg", "Insgesamt insgesamt"])  # doctest: +SKIP
    315548
    """
    path = Path(path)
    tables = read_tables(path)
    found = [df for df in tables.values() if _lists_every_bezirk(df)
             and all(re.search(w, table_text(df), re.IGNORECASE) for w in words)
             and not (exclude and re.search(exclude, str(df.attrs.get("title", "")), re.IGNORECASE))]
    if found:
        return found
    sheets = ", ".join(repr(n.strip()) for n in _sheet_names(path))
    titles = "; ".join(_short(df.attrs.get("title") or "(ohne Titel)", 70) for df in tables.values()) or "none"
    listing = _short(f"sheets {sheets}; tables: {titles}", 600)
    wanted = " + ".join(words) if words else "any words"
    raise dataset_error(FormatError, path.name, f"no table lists the twelve Bezirke with the words {wanted} "
                        f"({what}); the workbook has {listing}", todo)


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception:  # noqa: BLE001 - only for the message; the workbook was read before
        return []


# ------------------------------------------------------------------------------ the file
_TODO = "Download the report again from statistik-berlin-brandenburg.de and pass the xlsx file"


def _open(path: Path) -> list[tuple[str, list[list], list]]:
    """(sheet name, rows from A1, merged ranges) of every sheet that may hold tables."""
    book = open_workbook(path, _TODO)
    try:
        sheets = [(n, book.get_sheet_by_name(n)) for n in book.sheet_names
                  if n.strip().casefold() not in _SKIP_SHEETS]
        out = []
        for name, sheet in sheets:
            if sheet.height * sheet.width > MAX_CELLS:
                warnings.warn(f"{path.name}: sheet {name!r} is too large for a report table, "
                              "skipped", stacklevel=3)
                continue
            rows = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS)
            out.append((name, *_trim_left(rows, sheet.merged_cell_ranges or [])))
        return out
    except Exception as err:  # calamine raises its own zip and xml errors
        cause = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise dataset_error(FormatError, path.name, f"a sheet of the workbook is damaged and cannot be read "
                            f"({cause})", _TODO) from err


def _trim_left(rows: list[list], merges: list) -> tuple[list[list], list]:
    """Drop the empty columns left of a sheet's content (a table moved right reads as one at A)."""
    filled = [next((c for c, v in enumerate(row) if not _empty(v)), None) for row in rows]
    left = min((c for c in filled if c is not None), default=0)
    if left == 0:
        return rows, merges
    shifted = [((r0, c0 - left), (r1, c1 - left)) for (r0, c0), (r1, c1) in merges if c1 >= left]
    return [row[left:] for row in rows], [((r0, max(c0, 0)), (r1, c1)) for (r0, c0), (r1, c1) in shifted]


def _find_tables(rows: list[list]) -> list[tuple[int, int]]:
    """(title row, end) of each table: a numbered single-cell row followed by a header and data
    before the next such row (footnotes like "1 einschließlich ..." have none, and a numbered row
    right under a ``_____`` line is a footnote even where a table without numbered title follows)."""
    marks = [i for i, row in enumerate(rows) if _title_of(row) and not _under_separator(rows, i)]
    spans = zip(marks, marks[1:] + [len(rows)])
    starts = [a for a, b in spans
              if (filled := [r for r in rows[a + 1:b] if not _row_empty(r)])
              and not _is_data_row(filled[0]) and any(map(_is_data_row, filled))]
    return list(zip(starts, starts[1:] + [len(rows)]))


def _under_separator(rows: list[list], k: int) -> bool:
    """Whether row ``k`` is among the notes under a ``_____`` line: above it, up to that line, only
    single-cell text rows (other notes) and at most one empty row at a time."""
    blank = 0
    for row in reversed(rows[:k]):
        if _row_empty(row):
            blank += 1
            if blank > 1:
                return False
            continue
        blank = 0
        cells = [c for c in row if not _empty(c)]
        if any(isinstance(c, str) and _SEPARATOR.fullmatch(c.strip()) for c in cells):
            return True
        if len(cells) != 1 or not isinstance(cells[0], str):
            return False
    return False


def _title_of(row: list) -> str | None:
    if sum(not _empty(c) for c in row) != 1 or not isinstance(row[0], str) or _empty(row[0]):
        return None
    text = _clean(row[0])
    return text if _TITLE.fullmatch(text) else None


# ------------------------------------------------------------------------------ one table
def _table(rows: list[list], merges: list, start: int, stop: int, title: str | None = None) -> pd.DataFrame:
    """The table whose title is row ``start`` (or ``title``, for a table found by its Bezirk
    list, whose title may have no number or be missing) and which ends before row ``stop``."""
    title, top = _title_of(rows[start]) if title is None else title, start + 1
    data = [k for k in range(top, stop) if _is_data_row(rows[k])]
    first, last = data[0], data[-1]
    notes = _footnotes(rows[last + 1:stop])
    note_ids = {m.group(1) for n in notes if (m := _NOTE.match(n))}
    head_end = _header_end(rows, merges, top, first)
    heads = [k for k in range(top, head_end + 1) if not _row_empty(rows[k])]
    width = 1 + max(c for k in [*heads, *range(first, last + 1)]
                    for c, v in enumerate(rows[k]) if not _empty(v))
    names, units = _header_names(rows, merges, heads, head_end, width, note_ids)
    names = _unique(names, units)
    kinds = _column_kinds(rows, data, width)
    records, sections = _body(rows, range(head_end + 1, last + 1), kinds, note_ids)
    df = _frame(rows, records, sections, kinds, names, note_ids)
    numbered = _TITLE.fullmatch(title)
    df.attrs.update(title=title, footnotes=notes, number=numbered.group(1) if numbered else "",
                    units={n: u for n, u in zip(names, units) if u and n in df})
    return _add_bezirk(df, [n for n, k in zip(names, kinds) if k == "label" and n in df])


def _footnotes(rows: list[list]) -> list[str]:
    """Text rows after the data, up to two empty rows; indented continuation lines joined."""
    notes: list[str] = []
    blank = 0
    for row in rows:
        blank = blank + 1 if _row_empty(row) else 0
        if blank >= 2:
            break
        text = " ".join(_clean(c) for c in row if isinstance(c, str) and not _empty(c))
        if not text or _SEPARATOR.fullmatch(text):
            continue
        if notes and not _NOTE.match(text) and str(row[0])[:1].isspace():
            notes[-1] += " " + text
        else:
            notes.append(text)
    return notes


def _header_end(rows: list[list], merges: list, top: int, first: int) -> int:
    """Last header row: the bottom of the merged head of the label column ("Bezirk" over
    A3:A7), else the last row before the data with a label or several texts."""
    stub = [r1 for (r0, c0), (r1, _c1) in merges if c0 == 0 and top <= r0 < first and r1 > r0]
    if stub:
        return min(max(stub), first - 1)
    heads = [k for k in range(top, first) if not _empty(rows[k][0])
             or len({str(c).strip() for c in rows[k] if not _empty(c)}) > 1]
    return max(heads, default=first - 1)


def _header_names(rows, merges, heads, head_end, width, notes) -> tuple[list[str], list[str]]:
    """One name per column from the header rows (merged cells repeated); units from unit rows."""
    grid = {(k, c): rows[k][c] for k in heads for c in range(width)}
    for (r0, c0), (r1, c1) in merges:
        if (r0, c0) in grid:
            for r in range(r0, min(r1, head_end) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[(r, c)] = rows[r0][c0]
    levels: list[list[str]] = [[] for _ in range(width)]
    units = [""] * width
    for k in heads:
        own = [t for v in rows[k][:width] if (t := _text(v, notes))]  # nothing merged from above
        if own == [str(n) for n in range(1, len(own) + 1)]:
            continue  # column numbers 1, 2, 3 ...
        is_unit = all(_UNIT.fullmatch(t) for t in own)
        for c in range(width):
            text = _text(grid.get((k, c), ""), notes)
            if is_unit:
                units[c] = text if _UNIT.fullmatch(text) else units[c]
            elif text and (not levels[c] or levels[c][-1] != text):
                levels[c].append(text)
    return [_join(parts) for parts in levels], units


def _unique(names: list[str], units: list[str]) -> list[str]:
    """Name empty columns after their sheet letter; tell repeated names apart by unit or count."""
    names = [n or f"Spalte {_letter(c)}" for c, n in enumerate(names)]
    counts = Counter(names)
    names = [f"{n} {u}" if counts[n] > 1 and u else n for n, u in zip(names, units)]
    seen: Counter = Counter()
    return [f"{n} {seen[n]}" if (seen.update([n]) or seen[n]) > 1 else n for n in names]


def _letter(col: int) -> str:
    return (_letter(col // 26 - 1) if col >= 26 else "") + chr(65 + col % 26)


def _column_kinds(rows: list[list], data: list[int], width: int) -> list[str]:
    """"label", "value" (only numbers and symbols in the data rows) or "text" per column."""
    ok = [all(parse_value(v) is not None for v in cells) and bool(cells) for cells in
          ([rows[k][c] for k in data if not _empty(rows[k][c])] for c in range(width))]
    first = next((c for c in range(1, width) if ok[c]), width)
    return ["label" if c < first else "value" if ok[c] else "text" for c in range(width)]


def _body(rows, span, kinds, notes) -> tuple[list[int], list[str | None]]:
    """Rows to keep and their section. Consecutive section rows (text right of the labels, no
    values) form a path; a new run replaces as many trailing levels as it has rows."""
    records, sections, path, run, base = [], [], [], [], []
    for k in span:
        row = rows[k]
        if _row_empty(row) or _SEPARATOR.fullmatch(str(row[0]).strip()):
            continue
        data = _is_data_row(row)
        texts = list(dict.fromkeys(_clean(v, notes) for v, kind in zip(row, kinds) if kind != "label"
                                   and isinstance(v, str) and not _empty(v) and not _is_value(v)))
        if texts and not data:
            base = base if run else path
            run.append(" – ".join(texts))
            path = base[: max(0, len(base) - len(run))] + run
        else:
            run = []
        if data or any(not _empty(v) for v, kind in zip(row, kinds) if kind == "label"):
            records.append(k)
            sections.append(" – ".join(path) or None)
    return records, sections


def _frame(rows, records, sections, kinds, names, notes) -> pd.DataFrame:
    columns: dict[str, list] = {"abschnitt": sections} if any(sections) else {}
    for c, (name, kind) in enumerate(zip(names, kinds)):
        cells = [rows[k][c] for k in records]
        if kind != "value":
            labels = [_label(v, notes) for v in cells]
            if any(v is not None for v in labels):
                dates = all(isinstance(v, pd.Timestamp) or v is None for v in labels)
                columns[name] = pd.to_datetime(labels) if dates else labels
            continue
        values, flags = zip(*(parse_value(v) or (_NAN, None) for v in cells))
        if all(math.isnan(v) for v in values) and not any(flags) or name.startswith("Spalte ") \
                and not any(v for v in values if not math.isnan(v)):
            continue  # empty, or a stray "0" or "–" without header beside the table
        columns[name] = list(values)
        if any(flags):
            columns[f"{name}_flag"] = list(flags)
    return pd.DataFrame(columns)


def _label(cell: object, notes: set[str]) -> object:
    if _empty(cell):
        return None
    return pd.Timestamp(cell) if isinstance(cell, date) else _text(cell, notes)


def _text(cell: object, notes: set[str]) -> str:
    if isinstance(cell, str):
        return _clean(cell, notes)
    return str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell or "")


# ------------------------------------------------------------------------------ Bezirke


