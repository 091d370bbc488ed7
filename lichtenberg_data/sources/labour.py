"""Employees and unemployed per Bezirk from Amt für Statistik Berlin-Brandenburg report tables.

``beschaeftigte_bezirke``
    Employees subject to social insurance by place of work and of residence, sex and age.
``arbeitslose_bezirke``
    Registered unemployed (annual average) by sex, age and legal basis (SGB II / III).

No real file of these reports was available while writing this module: the report series,
table titles and file names below are **not verified**; the sample files follow the general
AfS report layout so the demo and the tests run the same parser path as a real file would.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_beschaeftigte_file", "parse_arbeitslose_file", "sample_beschaeftigte", "sample_arbeitslose"]


_AFS_SITE = "https://www.statistik-berlin-brandenburg.de"
_MONTHS = {"januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8,
           "september": 9, "oktober": 10, "november": 11, "dezember": 12}
#: Column of an AfS table (regular expression on the joined header) → canonical column.
_EMPLOYEE_COLUMNS = {"insgesamt": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                     "alter_unter_25": r"unter 25", "alter_25_55": r"25\D+55", "alter_55_65": r"55\D+65",
                     "alter_65_plus": r"65 und"}
_UNEMPLOYED_COLUMNS = {"arbeitslose": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                       "unter_25": r"unter 25", "sgb_iii": r"sgb iii", "sgb_ii": r"sgb ii(?!i)",
                       "quote": r"quote"}


def _title_date(title: str, path: Path) -> date:
    """The reference date in a report title: "am 30. Juni 2025" or "Jahresdurchschnitt 2025" (31.12.)."""
    m = re.search(r"(\d{1,2})\.\s*([A-Za-zäöü]+)\s+(\d{4})", title)
    if m and m.group(2).lower() in _MONTHS:
        return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = re.search(r"Jahresdurchschnitt\s+(\d{4})", title)
    if m:
        return date(int(m.group(1)), 12, 31)
    raise FormatError(f"{path.name}: no reference date in the table title {title!r}")


def _pick_columns(df: pd.DataFrame, patterns: Mapping[str, str], path: Path) -> dict[str, str]:
    found = {}
    for target, pattern in patterns.items():
        hits = [c for c in df.columns if not str(c).endswith("_flag") and c not in ("bezirk_id", "bezirk")
                and re.search(pattern, str(c).strip().lower())]
        if len(hits) != 1:
            raise FormatError(f"{path.name}, table {df.attrs.get('title', '')[:60]!r}: "
                              f"{'no' if not hits else len(hits)} columns for {target} (columns: "
                              f"{', '.join(map(str, df.columns))})")
        found[target] = hits[0]
    return found


def _afs_rows(df: pd.DataFrame, patterns: Mapping[str, str], path: Path) -> pd.DataFrame:
    """Bezirk and Berlin rows of one AfS table, columns renamed, flags joined into ``flags``."""
    import pandas as pd

    if "bezirk_id" not in df.columns:
        raise FormatError(f"{path.name}: table {df.attrs.get('title', '')[:60]!r} has no Bezirk rows")
    cols = _pick_columns(df, patterns, path)
    rows = df[df["bezirk_id"].notna()]
    out = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str),
                        "bezirk": rows["bezirk"].astype(str)})
    flags = pd.Series("", index=rows.index)
    for target, col in cols.items():
        out[target] = rows[col].astype(float)
        if f"{col}_flag" in rows.columns:
            flag = rows[f"{col}_flag"].fillna("")
            flags = flags.where(flag.isin(["", "0", "–"]), flags + f"{target}:" + flag + " ")
    out["flags"] = flags.str.strip()
    if len(set(out["bezirk_id"]) - {"00"}) != 12:
        raise FormatError(f"{path.name}: expected the 12 Bezirke in {df.attrs.get('title', '')[:60]!r}, "
                          f"found {sorted(set(out['bezirk_id']))}")
    return out


def parse_beschaeftigte_file(path: Path) -> pd.DataFrame:
    """Parse the Bezirk tables (place of work and of residence) of one SvB report.

    The tables are found by title ("Beschäftigte ... am Arbeitsort/Wohnort ... nach Bezirken");
    their columns by header text (total, sex, age groups); the date from the title.
    """
    import pandas as pd

    from .. import afs

    parts = []
    for title, df in afs.read_tables(path).items():
        low = title.lower()
        ort = "arbeitsort" if "arbeitsort" in low else "wohnort" if "wohnort" in low else None
        if ort is None or "beschäftigte" not in low or "bezirk" not in low:
            continue
        part = _afs_rows(df, _EMPLOYEE_COLUMNS, path)
        part.insert(0, "ort", ort)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path)))
        parts.append(part)
    if not parts:
        raise FormatError(f"{path.name}: no table of employees by Bezirk at place of work or residence")
    return pd.concat(parts, ignore_index=True)


def parse_arbeitslose_file(path: Path) -> pd.DataFrame:
    """Parse the table of registered unemployed by Bezirk of one AfS report."""
    import pandas as pd

    from .. import afs

    parts = []
    for title, df in afs.read_tables(path).items():
        low = title.lower()
        if "arbeitslose" not in low or "bezirk" not in low:
            continue
        part = _afs_rows(df, _UNEMPLOYED_COLUMNS, path)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path)))
        parts.append(part)
    if not parts:
        raise FormatError(f"{path.name}: no table of unemployed by Bezirk")
    return pd.concat(parts, ignore_index=True)


def _concat_files(parse: Any) -> Any:
    def parser(files: Mapping[str, Path]) -> pd.DataFrame:
        import pandas as pd

        return pd.concat([parse(p) for p in files.values()], ignore_index=True)

    return parser


def _parts_add_up(total: str, parts: list[str]) -> Any:
    def check(df: pd.DataFrame) -> str | None:
        ok = df.dropna(subset=[total, *parts])
        bad = ok[(ok[parts].sum(axis=1) - ok[total]).abs() > 0.5]
        return f"{len(bad)} rows where {' + '.join(parts)} ≠ {total}" if len(bad) else None

    return check


def _berlin_is_sum(column: str) -> Any:
    def check(df: pd.DataFrame) -> str | None:
        keys = [c for c in ("date", "ort") if c in df.columns]
        for key, part in df.groupby(keys):
            berlin = part.loc[part["bezirk_id"] == "00", column]
            bezirke = part.loc[part["bezirk_id"] != "00", column]
            if len(berlin) == 1 and bezirke.notna().all() and abs(bezirke.sum() - berlin.iloc[0]) > 12:
                return f"{key}: the Bezirke add up to {bezirke.sum():.0f}, Berlin says {berlin.iloc[0]:.0f}"
        return None

    return check


# ---------------------------------------------------------------------------- AfS samples

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


def _known_areas(df: pd.DataFrame) -> str | None:
    unknown = sorted(set(df["bezirk_id"]) - set(BEZIRKE) - {"00"})
    return f"unknown bezirk_id {unknown}" if unknown else None


_EMPLOYEE_VALUES = tuple(_EMPLOYEE_COLUMNS)
_AFS_NOTE = ("NOT VERIFIED against a real report: the series, table titles and column headers are assumed from "
             "the usual AfS layout; the parser finds the tables by title words and the columns by header text, "
             "so a real report with other wording fails with a clear FormatError instead of misreading. ")

beschaeftigte_bezirke = catalog.register(Dataset(
    id="beschaeftigte_bezirke",
    title="Sozialversicherungspflichtig Beschäftigte nach Bezirken (Arbeitsort und Wohnort)",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=f"{_AFS_SITE}/a-vi-5-vj",
    resources=tuple(
        Resource(name=f"SB_A06-05-00_{year}q02_BE.xlsx", url=None, format="xlsx",
                 match=r"(?i)SB_A06-05-00_.*\.xlsx$|beschaeftigte|beschäftigte",
                 sample=lambda year=year: sample_beschaeftigte(year))
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_beschaeftigte_file),
    schema=Schema(
        columns={"date": "date", "ort": "str", "bezirk_id": "str", "bezirk": "str",
                 **{c: "float" for c in _EMPLOYEE_VALUES}, "flags": "str"},
        key=("date", "ort", "bezirk_id"),
        checks=(Check("known districts", _known_areas),
                Check("men + women = total", _parts_add_up("insgesamt", ["maennlich", "weiblich"])),
                Check("age groups add up", _parts_add_up("insgesamt", list(_EMPLOYEE_VALUES[3:]))),
                Check("Bezirke add up to Berlin", _berlin_is_sum("insgesamt"))),
        min_rows=26,
    ),
    source_title="Statistischer Bericht A VI 5 – Sozialversicherungspflichtig Beschäftigte "
                 "(Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    description=(_AFS_NOTE + "Expected: AfS report 'A VI 5 – vj' (series slug a-vi-5-vj and file stem "
                 "SB_A06-05-00_<YYYY>q02_BE.xlsx are guesses after the A I 16 pattern), with tables of employees "
                 "subject to social insurance on 30 June by Bezirk at place of work and of residence, by sex and "
                 "age group. The download links carry hash paths: import the reports by hand "
                 "(`lichtenberg-data import beschaeftigte_bezirke SB_*.xlsx`); each report adds one date."),
))

arbeitslose_bezirke = catalog.register(Dataset(
    id="arbeitslose_bezirke",
    title="Arbeitslose nach Bezirken (Jahresdurchschnitt)",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=_AFS_SITE,
    resources=tuple(
        Resource(name=f"arbeitslose_bezirke_{year}.xlsx", url=None, format="xlsx",
                 match=r"(?i)arbeitslos.*\.xlsx$|SB_.*\.xlsx$",
                 sample=lambda year=year: sample_arbeitslose(year))
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_arbeitslose_file),
    schema=Schema(
        columns={"date": "date", "bezirk_id": "str", "bezirk": "str", **{c: "float" for c in _UNEMPLOYED_COLUMNS},
                 "flags": "str"},
        key=("date", "bezirk_id"),
        checks=(Check("known districts", _known_areas),
                Check("men + women = total", _parts_add_up("arbeitslose", ["maennlich", "weiblich"])),
                Check("SGB II + III = total", _parts_add_up("arbeitslose", ["sgb_ii", "sgb_iii"])),
                Check("Bezirke add up to Berlin", _berlin_is_sum("arbeitslose"))),
        min_rows=13,
    ),
    source_title="Arbeitslose nach Bezirken, Jahresdurchschnitt (Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    description=(_AFS_NOTE + "Expected: a table 'Arbeitslose ... im Jahresdurchschnitt <YYYY> nach Bezirken' as in the "
                 "Statistisches Jahrbuch Berlin, chapter Erwerbstätigkeit (data-sources.md §3.6; the file and its "
                 "link were not found). The BA itself publishes Berlin only as one Kreis (11000); Bezirk figures "
                 "come from the Jobcenter regions (one per Bezirk), whose BA region ids were not found either. "
                 "Import a table by hand: `lichtenberg-data import arbeitslose_bezirke FILE.xlsx`; the date is "
                 "31.12. of the year (annual average)."),
))
