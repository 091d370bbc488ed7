"""Median earnings of full-time employees by place of residence: the ``entgelte_lor`` dataset.

The Amt für Statistik Berlin-Brandenburg publishes, from the Bundesagentur für Arbeit's
"Arbeitsmarktdaten in kleinräumiger Gliederung", a workbook per reference date
(``lor_Medianeinkommen_31-12-2023.xlsx``): for the employees subject to social insurance in
full-time work ("SvB in Vollzeit", core group) living in each LOR Planungsraum (sheet
"Medianeinkommen PLR") and Bezirk (sheet "Medianeinkommen Bezirke") the median monthly gross
earnings in EUR, its quintile, and the number and share in the lower earnings range.

Quirks the parser handles: title rows above the header (row 7 in Excel, preceded by three empty
rows), the header misspelt "SvB im unteren Entgeltbreich", keys as text with leading zeros,
symbols instead of numbers (``*`` gesperrt, ``•`` or ``X`` Median nicht ausgewiesen, ``.``
gelöscht), footnotes and a licence line under the data. Symbols become missing values and the
symbol is kept in ``<column>_flag`` (as :mod:`lichtenberg_data.afs` does). Sheets and columns are
found by header text, the reference date is read from the title ("am 31.12.2023"), never from
the file name, so editions of other years parse alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts_or_berlin
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BERLIN_ID

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["VALUE_COLUMNS", "SYMBOLS", "parse_entgelte_file", "parse_entgelte"]

#: Canonical value column → regular expression on the header text (lower case).
VALUE_COLUMNS: dict[str, str] = {
    "svb_vollzeit": r"^svb in vollzeit$",
    "median_eur": r"^median\w*.*\beur\b",
    "quintil": r"quintil",
    "svb_unterer_entgeltbereich": r"^svb\b.*\bunter\w*\s+entgelt\w*$",  # "Entgeltbreich" (sic) in 2023
    "anteil_unterer_entgeltbereich": r"\bunter\w*\s+entgelt\w*.*%",
}
#: Symbols printed instead of numbers, and what they mean (Zeichenerklärung of the workbook).
SYMBOLS: dict[str, str] = {
    "*": "gesperrt (Geheimhaltung)",
    "•": "Median nicht ausgewiesen (geringe Fallzahl)",
    "X": "Median nicht ausgewiesen (geringe Fallzahl)",
    "x": "Median nicht ausgewiesen (geringe Fallzahl)",
    ".": "vom AfS gelöscht (unplausibel)",
    "–": "nichts vorhanden",
    "-": "nichts vorhanden",
}
_COLUMNS = ("date", "ebene", "gebiet_id", "gebiet", "bezirk_id", "lor_version",
            *(c for v in VALUE_COLUMNS for c in (v, f"{v}_flag")))
_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")
_TODO = "Pass the AfS workbook of median earnings by Planungsraum as downloaded"


def _fail(path: Path, cause: str) -> FormatError:
    return FormatError(f"{path.name}: {cause}. {_TODO}")


# ---------------------------------------------------------------------------- the workbook

def _sheets(path: Path) -> list[tuple[str, list[list]]]:
    """(name, rows from A1) of every sheet; a clear error for what is no readable workbook."""
    from .._readers import open_workbook

    book = open_workbook(path, _TODO)
    try:
        return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=5000))
                for name in book.sheet_names]
    except Exception as err:  # calamine raises its own zip and xml errors
        cause = " ".join(f"{type(err).__name__}: {err}".split())[:160]
        raise _fail(path, f"a sheet of the workbook is damaged and cannot be read ({cause})") from err


def _text(cell: object) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _header_row(rows: list[list]) -> int | None:
    """The row with the column "SvB in Vollzeit" (the first 30 rows are searched)."""
    for i, row in enumerate(rows[:30]):
        if any(re.search(VALUE_COLUMNS["svb_vollzeit"], _text(c).lower()) for c in row):
            return i
    return None


def _columns(header: list, path: Path, sheet: str) -> dict[str, int]:
    cells = [_text(c).lower() for c in header]
    found: dict[str, int] = {}
    for name, pattern in VALUE_COLUMNS.items():
        hits = [i for i, c in enumerate(cells) if re.search(pattern, c)]
        if len(hits) != 1:
            names = ", ".join(repr(_text(c)) for c in header if _text(c))
            raise _fail(path, f"sheet {sheet!r}: {'no' if not hits else len(hits)} columns for {name} "
                              f"(the columns changed; found {names})")
        found[name] = hits[0]
    return found


def _level(title: str, path: Path, sheet: str) -> str:
    low = title.lower()
    if "median" not in low or "wohnort" not in low:
        raise _fail(path, f"sheet {sheet!r} is not the median earnings at the place of residence "
                          f"(title {title[:130]!r})")
    if "planungsr" in low:
        return "planungsraum"
    if "bezirk" in low:
        return "bezirk"
    raise _fail(path, f"sheet {sheet!r}: the title names neither Planungsräume nor Bezirke ({title[:90]!r})")


def _title_date(title: str, path: Path, sheet: str) -> date:
    m = _DATE.search(title)
    if not m:
        raise _fail(path, f"sheet {sheet!r}: no reference date (DD.MM.YYYY) in the title {title[:90]!r}")
    day, month, year = (int(g) for g in m.groups())
    return date(year, month, day)


def _value(cell: object, where: str, path: Path) -> tuple[float, str | None]:
    """``(value, symbol)`` of one cell: numbers as floats, symbols as NaN (``–`` as 0) with the symbol."""
    from .. import afs

    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return math.nan, None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return float(cell), None
    text = str(cell).strip()
    if text in SYMBOLS:
        return (0.0 if text in "–-" else math.nan), text
    parsed = afs.parse_value(text)
    if parsed is None:
        raise _fail(path, f"{where}: {text[:40]!r} is neither a number nor one of the symbols "
                          f"{' '.join(SYMBOLS)}")
    return parsed


def _key(cell: object, level: str) -> str | None:
    """The area key of a data row (``"01100101"``, ``"11"``, Berlin ``"00"``), ``None`` for other rows."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = _text(cell)
    if re.fullmatch(r"\d{1,8}", text):
        return text.zfill(8 if level == "planungsraum" else 2)
    return BERLIN_ID if level == "bezirk" and text.lower() in {"berlin", "berlin insgesamt"} else None


def _sheet_rows(name: str, rows: list[list], path: Path) -> tuple[date, list[dict[str, Any]]] | None:
    """The data rows of one sheet, or ``None`` for a sheet without a median table."""
    head = _header_row(rows)
    if head is None:
        return None
    title = " ".join(_text(c) for row in rows[:head] for c in row if _text(c))
    level, stand = _level(title, path, name), _title_date(title, path, name)
    cols = _columns(rows[head], path, name)
    out = []
    for i, row in enumerate(rows[head + 1:], start=head + 2):
        key = _key(row[0] if row else None, level) or (_key(row[1], level) if len(row) > 1 else None)
        if key is None:
            continue
        record: dict[str, Any] = {"ebene": "berlin" if key == BERLIN_ID else level, "gebiet_id": key,
                                  "gebiet": _text(row[1]) if len(row) > 1 else ""}
        for col, at in cols.items():
            value, flag = _value(row[at] if at < len(row) else None, f"sheet {name!r} row {i}", path)
            record[col], record[f"{col}_flag"] = value, flag
        out.append(record)
    if not out:
        raise _fail(path, f"sheet {name!r} has a header but no rows with area keys")
    return stand, out


def parse_entgelte_file(path: Path) -> pd.DataFrame:
    """Parse one median-earnings workbook into the tidy table of ``entgelte_lor``.

    Parameters
    ----------
    path
        The workbook (xlsx; any sheet whose header names "SvB in Vollzeit" and the median
        in EUR is read; "Zeichenerklärung" and other sheets are ignored).

    Returns
    -------
    pandas.DataFrame
        One row per area: ``date`` (from the title), ``ebene`` (planungsraum, bezirk, berlin),
        ``gebiet_id``, ``gebiet``, ``bezirk_id``, ``lor_version`` and per value column
        (:data:`VALUE_COLUMNS`) the value and ``<column>_flag`` (the symbol, else ``None``).

    Raises
    ------
    FormatError
        For an HTML page, a truncated file, a workbook without the table, changed columns,
        an unknown symbol, or sheets with different dates.

    Examples
    --------
    >>> df = parse_entgelte_file(Path("lor_Medianeinkommen_31-12-2023.xlsx"))  # doctest: +SKIP
    >>> df.query("gebiet_id == '11' and ebene == 'bezirk'")["median_eur"].item()  # doctest: +SKIP
    3613.0
    """
    import pandas as pd

    from ..geo import lor_version

    tables = [(name, got) for name, rows in _sheets(path) if (got := _sheet_rows(name, rows, path))]
    if not tables:
        raise _fail(path, "no sheet with a table of median earnings (a header with 'SvB in Vollzeit' and "
                          "'Medianeinkommen in EUR'); this is a file of another dataset")
    dates = {stand for _, (stand, _) in tables}
    if len(dates) > 1:
        raise _fail(path, f"the sheets carry different dates {sorted(d.isoformat() for d in dates)}")
    df = pd.DataFrame([r for _, (_, rows) in tables for r in rows])
    df.insert(0, "date", pd.Timestamp(dates.pop()))
    df["bezirk_id"] = df["gebiet_id"].str[:2]
    plr = df[df["ebene"] == "planungsraum"]
    df["lor_version"] = lor_version(plr[["gebiet_id"]], "gebiet_id") if len(plr) else None
    for col in VALUE_COLUMNS:
        df[col] = df[col].astype(float)
        df[f"{col}_flag"] = df[f"{col}_flag"].astype(object).where(df[f"{col}_flag"].notna(), None)
    return df[list(_COLUMNS)]


def parse_entgelte(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of ``entgelte_lor``: each workbook is one reference date."""
    import pandas as pd

    parts = [parse_entgelte_file(p) for p in files.values()]
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------------- checks

def _plr_keys(df: pd.DataFrame) -> str | None:
    plr = df[df["ebene"] == "planungsraum"]
    bad = plr[~plr["gebiet_id"].str.fullmatch(r"\d{8}")]
    return f"{len(bad)} malformed Planungsraum keys, e.g. {bad['gebiet_id'].iloc[0]!r}" if len(bad) else None


def _twelve_bezirke(df: pd.DataFrame) -> str | None:
    for stand, part in df[df["ebene"] == "bezirk"].groupby("date"):
        if part["gebiet_id"].nunique() != 12:
            return f"{stand:%d.%m.%Y}: {part['gebiet_id'].nunique()} Bezirke instead of 12"
    return None


def _in_range(df: pd.DataFrame) -> str | None:
    tests = {"anteil_unterer_entgeltbereich": (0, 100), "quintil": (1, 5), "median_eur": (500, 20_000),
             "svb_vollzeit": (0, 2_000_000)}
    for col, (low, high) in tests.items():
        bad = df[df[col].notna() & ~df[col].between(low, high)]
        if len(bad):
            return f"{len(bad)} values of {col} outside {low}-{high}, e.g. {bad[col].iloc[0]}"
    return None


def _share_fits_counts(df: pd.DataFrame) -> str | None:
    """The share printed is the lower-range count over the full-time count (within 0.5 points: in
    the 2023 workbook they differ by up to 0.17 points, the BA computes from unrounded counts)."""
    share = df["svb_unterer_entgeltbereich"] / df["svb_vollzeit"] * 100
    bad = df[(share - df["anteil_unterer_entgeltbereich"]).abs() > 0.5]
    return (f"{len(bad)} rows whose share in the lower earnings range does not fit the counts, e.g. "
            f"{bad['gebiet_id'].iloc[0]}") if len(bad) else None


def _plr_add_up(df: pd.DataFrame) -> str | None:
    """Where no Planungsraum of a Bezirk is suppressed, its Planungsräume add up to the Bezirk."""
    for stand, part in df.groupby("date"):
        plr = part[part["ebene"] == "planungsraum"].groupby("bezirk_id")["svb_vollzeit"]
        sums, complete = plr.sum(), plr.count() == plr.size()
        bez = part[part["ebene"] == "bezirk"].set_index("gebiet_id")["svb_vollzeit"]
        for bid in [b for b in sums.index if complete[b] and b in bez.index]:
            if abs(sums[bid] - bez[bid]) > 0.005 * bez[bid]:
                return f"{stand:%d.%m.%Y}: the Planungsräume of {bid} add up to {sums[bid]:.0f}, the Bezirk says {bez[bid]:.0f}"
    return None


ENTGELTE_SCHEMA = Schema(
    columns={"date": "date", "ebene": "str", "gebiet_id": "str", "gebiet": "str", "bezirk_id": "str",
             **{c: "float" for c in VALUE_COLUMNS}, **{f"{c}_flag": "str" for c in VALUE_COLUMNS}},
    key=("date", "ebene", "gebiet_id"),
    checks=(Check("known districts", known_districts_or_berlin), Check("Planungsraum keys", _plr_keys),
            Check("12 Bezirke", _twelve_bezirke), Check("values in range", _in_range),
            Check("share fits counts", _share_fits_counts),
            Check("Planungsräume add up to the Bezirk", _plr_add_up)),
    min_rows=12,
)

entgelte_lor = catalog.register(Dataset(
    id="entgelte_lor",
    title="Medianentgelte der Vollzeitbeschäftigten am Wohnort nach LOR-Planungsräumen und Bezirken",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://www.statistik-berlin-brandenburg.de",
    resources=(Resource(name="lor_Medianeinkommen_31-12-2023.xlsx", url=None, format="xlsx",
                        match=r"(?i)median(einkommen|entgelt).*\.xlsx$"),),
    spatial_unit="LOR-Planungsraum, Bezirk",
    update="annual",
    parser=parse_entgelte,
    schema=ENTGELTE_SCHEMA,
    source_title="Medianeinkommen der sozialversicherungspflichtig Vollzeitbeschäftigten am Wohnort "
                 "(auf Basis der Arbeitsmarktdaten in kleinräumiger Gliederung der Statistik der "
                 "Bundesagentur für Arbeit)",
    history=True,
    description=(
        "Employees subject to social insurance in full-time work (core group) by place of residence: "
        "median monthly gross earnings (EUR), its quintile among the areas, number and share in the lower "
        "earnings range, per LOR Planungsraum and Bezirk. Verified on the real workbook of 31.12.2023 "
        "(542 Planungsräume, 12 Bezirke; it has no Berlin row - an AfS news item of 2025 quotes a Berlin "
        "median of 3,955 EUR and a lower-range threshold of 2,530 EUR, two thirds of the German median, "
        "neither of which is in the workbook). Symbols: * gesperrt, • (the Zeichenerklärung says X) "
        "Median nicht ausgewiesen, . vom AfS gelöscht; they become missing values with the symbol in "
        "<column>_flag. No download address is known: import each workbook by hand "
        "(`lichtenberg-data import entgelte_lor FILE.xlsx`); each adds its reference date (read from "
        "the title) to the history."
    ),
))
