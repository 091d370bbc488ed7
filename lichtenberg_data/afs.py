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

from lichtenberg_data._errors import FormatError, UnknownDistrictError, dataset_error
from lichtenberg_data._readers import open_workbook
from lichtenberg_data.names import BERLIN_ID, BEZIRKE, bezirk_id

__all__ = ["parse_value", "read_table", "read_tables"]

MAX_ROWS = 20_000  #: rows read per sheet; a report table has a few thousand at most
MAX_CELLS = 5_000_000  #: larger sheets are skipped with a warning (not a report table)

_NAN = math.nan
_SKIP_SHEETS = {"titel", "impressum", "inhaltsverzeichnis", "inhalt", "u4"}
_SYMBOLS = {"–": (0.0, "–"), "-": (0.0, "–"), "—": (0.0, "–"), ".": (_NAN, "."),
            "…": (_NAN, "…"), "...": (_NAN, "…"), "•": (_NAN, "•"), "x": (_NAN, "x"),
            "X": (_NAN, "x"), "/": (_NAN, "/")}
_TITLE = re.compile(r"(?:Tab(?:elle)?\.?\s*)?(\d{1,3}[a-z]?)[.:]?\s+[^\W\d_].{9,}", re.S)
_NOTE = re.compile(r"\s*(\d{1,2})\)?\s+\S")
_SEPARATOR = re.compile(r"[_\-–—]{3,}")
_UNIT = re.compile(r"Anzahl|%.*|Prozent|Monate|Jahre|in Jahren|Tage|Personen|"
                   r"(\d[\d ]*)?\s*(EUR|€|Mill\. EUR|Mio\. EUR|m²|m³|ha|km²|km|t|kWh|MWh|GWh)")
_NUMBER = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?")
_SUPERSCRIPTS = re.compile("(?<!m)[¹²³⁴⁵⁶⁷⁸⁹⁰]+")  # but keep m², m³
_RANGE_WORDS = {"unter", "über", "bis", "ab", "von", "mit", "und", "je", "sp."}


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
        frames = [_table(rows, merges, a, b) for a, b in _find_tables(rows)]
        numbers = [n for g, n in re.findall(r"(G\s*)?(\d+[a-z]?)", sheet) if not g]  # not Grafik
        for k, df in enumerate(frames):
            df.attrs.update(sheet=sheet, report=path.stem)
            df.attrs["number"] = numbers[k] if len(numbers) == len(frames) else df.attrs["number"]
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


def parse_value(cell: object) -> tuple[float, str | None] | None:
    """Return ``(value, flag)`` for one cell of a value column, ``None`` if it holds no value.

    German numbers ("1 234", "1.234", "12,5", "– 97,1") become floats. AfS symbols: ``–``
    nothing (0, "–"); ``0`` as text, less than half a unit (0, "0"); ``.``/``…`` not yet
    available, ``•`` secret, ``x`` not applicable, ``/`` too uncertain (all NaN, the symbol as
    flag); ``(12)`` limited value (12, "()"); suffixes ``p``/``r``/``s`` keep the value with flag
    "p"/"r"/"s". Numbers stored as numbers, 0 included, carry no flag; empty cells (NaN, None).

    Examples
    --------
    >>> parse_value("1 234"), parse_value("12,5 p"), parse_value("–"), parse_value("(7)")
    ((1234.0, None), (12.5, 'p'), (0.0, '–'), (7.0, '()'))
    >>> parse_value("0"), parse_value(0.0), parse_value("•"), parse_value("Mitte")
    ((0.0, '0'), (0.0, None), (nan, '•'), None)
    """
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        return None
    if not isinstance(cell, str):
        return float(cell), None
    text = " ".join(cell.replace("\u2009", " ").replace("\u202f", " ").split())
    if not text or text in _SYMBOLS:
        return _SYMBOLS.get(text, (_NAN, None))
    flag = ""
    if m := re.fullmatch(r"(.*?[\d)])\s?([prs])", text):
        text, flag = m.group(1), m.group(2)
    if text.startswith("(") and text.endswith(")"):
        text, flag = text[1:-1].strip(), "()" + flag
    sign = -1.0 if text[:1] in "–−-" and len(text) > 1 else 1.0
    text = text[1:].strip() if sign < 0 else text
    if not _NUMBER.fullmatch(text):
        return None
    if "," in text or _THOUSANDS.fullmatch(text):
        text = text.replace(" ", "").replace(".", "").replace(",", ".")
    value = sign * float(text)
    return value, flag or ("0" if value == 0 else None)


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
            out.append((name, rows, sheet.merged_cell_ranges or []))
        return out
    except Exception as err:  # calamine raises its own zip and xml errors
        cause = " ".join(f"{type(err).__name__}: {err}".split())[:200]
        raise dataset_error(FormatError, path.name, f"a sheet of the workbook is damaged and cannot be read "
                            f"({cause})", _TODO) from err


def _find_tables(rows: list[list]) -> list[tuple[int, int]]:
    """(title row, end) of each table: a numbered single-cell row followed by a header and data
    before the next such row (footnotes like "1 einschließlich ..." have none)."""
    marks = [i for i, row in enumerate(rows) if _title_of(row)]
    spans = zip(marks, marks[1:] + [len(rows)])
    starts = [a for a, b in spans
              if (filled := [r for r in rows[a + 1:b] if not _row_empty(r)])
              and not _is_data_row(filled[0]) and any(map(_is_data_row, filled))]
    return list(zip(starts, starts[1:] + [len(rows)]))


def _title_of(row: list) -> str | None:
    if sum(not _empty(c) for c in row) != 1 or not isinstance(row[0], str) or _empty(row[0]):
        return None
    text = _clean(row[0])
    return text if _TITLE.fullmatch(text) else None


def _is_data_row(row: list) -> bool:
    """A label in the first or second column and a value right of it."""
    for col in (0, 1):
        if col < len(row) and _is_label(row[col], col):
            return any(_is_value(v) for v in row[col + 1:])
    return False


def _is_label(cell: object, col: int) -> bool:
    if _empty(cell):
        return False
    if isinstance(cell, (str, date)):
        return col == 0 or not _is_value(cell)
    return col == 0  # years or running numbers in the first column


def _is_value(cell: object) -> bool:
    return not _empty(cell) and parse_value(cell) is not None


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _row_empty(row: list) -> bool:
    return all(_empty(c) for c in row)


# ------------------------------------------------------------------------------ one table
def _table(rows: list[list], merges: list, start: int, stop: int) -> pd.DataFrame:
    """The table whose title is row ``start`` and which ends before row ``stop``."""
    title, top = _title_of(rows[start]), start + 1
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
    df.attrs.update(title=title, footnotes=notes, number=_TITLE.fullmatch(title).group(1),
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


def _clean(text: object, notes: set[str] = frozenset()) -> str:
    """One line without soft hyphenation, footnote markers and extra spaces.

    >>> _clean("Friedrichs-\\nhain-\\nKreuz-\\nberg"), _clean("Ins-\\ngesamt 1)"), _clean("ledig ¹")
    ('Friedrichshain-Kreuzberg', 'Insgesamt', 'ledig')
    """
    text = _SUPERSCRIPTS.sub("", str(text)).replace("\xa0", " ").replace("\u00ad", "")
    text = "\n".join(_strip_marker(line, notes) for line in text.splitlines())
    text = re.sub(r"-[ \t]*\n\s*(?=[a-zäöüß])(?!(?:und|oder|bzw)\b)", "", text)
    text = re.sub(r"(?<! )([-/])[ \t]*\n\s*", r"\1", text)
    return _join(text.split())


def _join(parts: list[str]) -> str:
    """Join words or header levels, closing a word split over cells ("Nutz-", "fläche")."""
    return re.sub(r"(?<=\w)- (?=[a-zäöüß])(?!(?:und|oder|bzw)\b)", "", " ".join(parts))


def _strip_marker(line: str, notes: set[str]) -> str:
    """Drop a footnote marker "1)", or a trailing "N" ("Angabe 6") when footnote N exists."""
    line = line.rstrip()
    m = re.search(r"\s?\d{1,2}\)$", line)
    if m and line[: m.start()].count("(") <= line[: m.start()].count(")"):
        return line[: m.start()]
    m = re.search(r"(?:(?<=[^\W\d_])|(?<=\)))\s?(\d{1,2})$", line)
    words = line[: m.start()].split() if m else []
    if m and m.group(1) in notes and words and words[-1].casefold() not in _RANGE_WORDS:
        return line[: m.start()]
    return line


# ------------------------------------------------------------------------------ Bezirke
def _add_bezirk(df: pd.DataFrame, label_names: list[str]) -> pd.DataFrame:
    """Add ``bezirk_id`` and ``bezirk`` after the label column that lists the Bezirke."""
    scored = [(pd.Series([_bezirk_key(v) if isinstance(v, str) else None for v in df[n]],
                         index=df.index, dtype=object), n) for n in label_names]
    scored = [(keys[keys != BERLIN_ID].nunique(), -i, keys, n) for i, (keys, n) in enumerate(scored)]
    if not scored or max(scored, key=lambda s: s[:2])[0] < 10:
        return df
    _, _, keys, best = max(scored, key=lambda s: s[:2])
    ids = keys.copy()
    groups = df["abschnitt"].fillna("") if "abschnitt" in df else pd.Series("", index=df.index)
    for _, part in keys.groupby(groups):
        named = part[part.notna() & (part != BERLIN_ID)]
        ids[part.index] = part if named.nunique() >= 10 else None
        if best.casefold() != "bezirk":  # twice in one list: Bezirk or Ortsteil? leave open
            ids[named[named.duplicated(keep=False)].index] = None
    at = df.columns.get_loc(best) + 1
    df.insert(at, "bezirk_id", ids.where(ids.notna()).astype("str"))
    df.insert(at + 1, "bezirk", ids.map(lambda k: "Berlin" if k == BERLIN_ID else BEZIRKE.get(k)))
    return df


def _bezirk_key(label: str) -> str | None:
    """``bezirk_id`` of "Lichtenberg", "11 Lichtenberg", "Friedrh.-Kreuzb.", "Berlin" ("00").

    >>> [_bezirk_key(v) for v in ("11 Lichtenberg", "Charlbg.-Wilmersd.", "Berlin", "Karlshorst")]
    ['11', '04', '00', None]
    """
    text = re.sub(r"\s*[–—‐]\s*", "-", label).strip()
    if re.fullmatch(r"(?i)(land )?berlin( insgesamt| zusammen)?", text):
        return BERLIN_ID
    name = re.fullmatch(r"(?:\d{2}(?!\d))?\s*(.*)", text, re.S).group(1)
    if not name or name.isdigit():  # bare numbers are running numbers or codes, never a Bezirk
        return None
    try:
        return bezirk_id(name)
    except UnknownDistrictError:
        return _abbreviated(name) if "." in name else None


def _abbreviated(name: str) -> str | None:
    """The one Bezirk each of whose name parts contains the abbreviated part's letters in order
    and with the same first letter ("Charlbg.-Wilmersd." -> Charlottenburg-Wilmersdorf)."""
    def fits(short: str, full: str) -> bool:
        chars = iter(full)
        return bool(short) and short[0] == full[0] and all(ch in chars for ch in short)

    parts = [p.strip(". ").casefold() for p in name.split("-")]
    hits = [key for key, full in BEZIRKE.items() if len(full.split("-")) == len(parts)
            and all(map(fits, parts, full.casefold().split("-")))]
    return hits[0] if len(hits) == 1 else None
