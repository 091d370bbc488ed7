"""Read the MSS index workbook (``lor_monitoring_soziale-stadtentwicklung_2023.xlsx``) for ``mss``.

The sheet ``1.SDI_PLR_MSS2023`` holds, per Planungsraum, the residents and the classes of the
Status-Index (1-4, with its text), the Dynamik-Index (``+``, ``+/-``, ``-``, with its text) and
the combined group (``2+/-``); a last column without header says why a Planungsraum has no
classes ("Im MSS-Indexverfahren nicht berücksichtigt (unter 300 EW)."). Three title rows name
the edition ("Monitoring Soziale Stadtentwicklung 2023") and the date ("... 2023 (31.12.2022)"),
a two-row header with merged cells ("Planungsraum" over "Nummer"/"Name") follows.

:func:`read_index_workbook` finds the sheet and the columns by their header text (not by the
sheet name or position), checks every class against its text, and returns the table in the
shape of the WFS layer ``indizes`` (``zeit``, ``plr_id``, ``plr_name``, ``ew``, ``bez_id``,
``si_n``, ``di_n``, ``kom``), so :func:`.social_monitoring.parse_mss_file` takes it from there.
The single indicators (S1 Arbeitslosigkeit ...) are not in this workbook.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["STATUS_CLASSES", "DYNAMIK_CLASSES", "read_index_workbook"]

#: Status-Index class → text, as printed in the MSS tables and the WFS (``si_n``/``si_v``).
STATUS_CLASSES = {1: "hoch", 2: "mittel", 3: "niedrig", 4: "sehr niedrig"}
#: Dynamik-Index symbol of the MSS tables → (class of the WFS ``di_n``, text).
DYNAMIK_CLASSES = {"+": (1, "positiv"), "+/-": (3, "stabil"), "-": (5, "negativ")}
_HEADS = {"nummer": r"\bnummer$|^plr.?id$", "name": r"\bname$",
          "ew": r"^ew\b|einwohner", "status": r"^status-index", "dynamik": r"^dynamik-index",
          "gruppe": r"^status\s*/\s*dynamik-index"}
_TODO = "Pass the MSS table workbook (Gesamtindex Soziale Ungleichheit je Planungsraum) as downloaded"


def _fail(path: Path, cause: str) -> FormatError:
    return FormatError(f"{path.name}: {cause}. {_TODO}")


def _text(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _sheets(path: Path) -> list[tuple[str, list[list], list]]:
    from .._readers import open_workbook

    book = open_workbook(path, _TODO)
    try:
        out = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            out.append((name, sheet.to_python(skip_empty_area=False, nrows=3000), sheet.merged_cell_ranges or []))
        return out
    except Exception as err:  # calamine raises its own zip and xml errors
        cause = " ".join(f"{type(err).__name__}: {err}".split())[:160]
        raise _fail(path, f"a sheet of the workbook is damaged and cannot be read ({cause})") from err


def _header_names(rows: list[list], merges: list, top: int, first: int) -> list[str]:
    """One lower-case name per column: the header rows ``top`` .. ``first - 1`` joined, merged
    cells repeated over their span (the first column of a span gets the suffix ``#1``...)."""
    width = max(len(r) for r in rows[top:first + 1])
    grid = {(r, c): _text(rows[r][c]) if c < len(rows[r]) else "" for r in range(top, first) for c in range(width)}
    span_of: dict[int, int] = {}
    for (r0, c0), (r1, c1) in merges:
        if top <= r0 < first:
            for r in range(r0, min(r1, first - 1) + 1):
                for c in range(c0, min(c1, width - 1) + 1):
                    grid[(r, c)] = _text(rows[r0][c0])
                    span_of[c] = c - c0 + 1 if c1 > c0 else 0
    names = []
    for c in range(width):
        parts = list(dict.fromkeys(grid[(r, c)] for r in range(top, first) if grid[(r, c)]))
        name = " ".join(parts).lower()
        names.append(f"{name} #{span_of[c]}" if span_of.get(c) else name)
    return names


def _find_table(rows: list[list]) -> tuple[int, int] | None:
    """(first header row, first data row): the header names the Status- and the Dynamik-Index."""
    for top, row in enumerate(rows[:20]):
        cells = [_text(c).lower() for c in row]
        if any(c.startswith("status-index") for c in cells) and any(c.startswith("dynamik-index") for c in cells):
            first = next((k for k in range(top + 1, len(rows)) if re.fullmatch(r"\d{8}", _text(rows[k][0]))), None)
            return (top, first) if first is not None else None
    return None


def _column(names: list[str], key: str, part: int | None, path: Path) -> int:
    """The one column whose header matches ``_HEADS[key]`` (and is column ``part`` of its merged head)."""
    hits = [i for i, n in enumerate(names) if re.search(_HEADS[key], n.split(" #")[0])
            and (part is None or n.endswith(f" #{part}"))]
    if len(hits) != 1:
        raise _fail(path, f"{'no' if not hits else len(hits)} columns for {key} (the columns changed; found "
                          f"{', '.join(repr(n) for n in names if n)})")
    return hits[0]


def _edition_and_date(rows: list[list], top: int, path: Path) -> tuple[int, date]:
    title = " ".join(_text(c) for row in rows[:top] for c in row if _text(c))
    edition = re.search(r"Monitoring Soziale Stadtentwicklung\s+(20\d\d)", title)
    stand = re.search(r"\((\d{1,2})\.(\d{1,2})\.(\d{4})\)", title)
    if not edition or not stand:
        raise _fail(path, f"the title rows name no MSS edition and date ('Monitoring Soziale Stadtentwicklung "
                          f"YYYY', '(31.12.YYYY)'); found {title[:120]!r}")
    day, month, year = (int(g) for g in stand.groups())
    return int(edition.group(1)), date(year, month, day)


def _classes(status: object, status_text: object, dyn: object, dyn_text: object, group: object,
             where: str, path: Path) -> tuple[float, float]:
    """The Status and Dynamik class of one row, checked against their texts and the group."""
    if all(not _text(v) for v in (status, dyn, group)):
        return float("nan"), float("nan")
    try:
        si = int(float(_text(status)))
    except ValueError:
        raise _fail(path, f"{where}: Status-Index class {_text(status)!r} is not a number") from None
    symbol = _text(dyn).replace(" ", "")
    if si not in STATUS_CLASSES or symbol not in DYNAMIK_CLASSES:
        raise _fail(path, f"{where}: unknown classes {si!r} / {symbol!r}")
    di, di_text = DYNAMIK_CLASSES[symbol]
    texts_ok = _text(status_text) in ("", STATUS_CLASSES[si]) and _text(dyn_text) in ("", di_text)
    if not texts_ok or _text(group).replace(" ", "") not in ("", f"{si}{symbol}"):
        raise _fail(path, f"{where}: classes and texts disagree ({si} {_text(status_text)!r}, {symbol} "
                          f"{_text(dyn_text)!r}, group {_text(group)!r})")
    return float(si), float(di)


def read_index_workbook(path: Path) -> tuple[pd.DataFrame, int]:
    """The Status/Dynamik-Index table of an MSS workbook as a WFS-``indizes``-like table.

    Returns
    -------
    (pandas.DataFrame, int)
        The table (``zeit`` as ``YYYYMM`` of the date in the title, ``plr_id``, ``plr_name``,
        ``ew``, ``bez_id``, ``si_n`` 1-4, ``di_n`` 1/3/5, ``kom`` "gültig" or the workbook's
        remark) and the edition named in the title; ``attrs["quelle"]`` names the sheet.

    Raises
    ------
    FormatError
        No sheet with the index table, changed columns, classes that disagree with their texts,
        or a title without edition and date.
    """
    import pandas as pd

    for sheet, rows, merges in _sheets(path):
        found = _find_table(rows)
        if found is None:
            continue
        top, first = found
        edition, stand = _edition_and_date(rows, top, path)
        names = _header_names(rows, merges, top, first)
        at = {k: _column(names, k, None, path) for k in ("nummer", "name", "ew")}
        for key in ("status", "dynamik", "gruppe"):
            at[key] = _column(names, key, 1, path)
        at["status_text"], at["dynamik_text"] = at["status"] + 1, at["dynamik"] + 1
        records = []
        for k, row in enumerate(rows[first:], start=first + 1):
            if not re.fullmatch(r"\d{8}", _text(row[0])):
                continue
            cell = {key: row[i] if i < len(row) else None for key, i in at.items()}
            si, di = _classes(cell["status"], cell["status_text"], cell["dynamik"], cell["dynamik_text"],
                              cell["gruppe"], f"sheet {sheet!r} row {k}", path)
            remark = " ".join(_text(v) for v, n in zip(row, names) if not n and _text(v))
            records.append({"zeit": f"{stand.year}{stand.month:02d}", "plr_id": _text(cell["nummer"]),
                            "plr_name": _text(cell["name"]), "ew": cell["ew"], "bez_id": _text(cell["nummer"])[:2],
                            "si_n": si, "di_n": di, "kom": remark or "gültig"})
        table = pd.DataFrame(records)
        table.attrs.update(quelle=f"xlsx:{sheet}", stand=stand.isoformat())
        return table, edition
    raise _fail(path, "no sheet with the Status-/Dynamik-Index per Planungsraum (a header naming 'Status-Index' "
                      "and 'Dynamik-Index' above 8-digit Planungsraum numbers); this is a file of another dataset")
