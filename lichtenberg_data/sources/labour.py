"""Employees and unemployed per Bezirk from Amt für Statistik Berlin-Brandenburg report tables.

``beschaeftigte_bezirke``
    Employees subject to social insurance by place of work and of residence, sex and age.
``arbeitslose_bezirke``
    Registered unemployed (annual average) by sex, age and legal basis (SGB II / III).

No real file of these reports was available while writing this module: the report series,
table titles and file names below are **not verified** (no public code or page of 2026 reading
an AfS A VI 5 or Bezirk unemployment table was found; the series page ``a-vi-5-vj`` is cited
nowhere). The sample files follow the general AfS report layout so the demo and the tests run
the same parser path as a real file would. The tables are found by content
(:func:`lichtenberg_data.afs.bezirk_tables`): the twelve Bezirke in a label column and the words
"Beschäftigte" with "Arbeitsort" or "Wohnort", or "Arbeitslose", in title, headings or sections,
never by sheet name or position; the columns by header text; the date from the title, else the
table's other text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts_or_berlin
from ..catalog import LICENSES, Check, Dataset, Resource, Schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_beschaeftigte_file", "parse_arbeitslose_file"]


_AFS_SITE = "https://www.statistik-berlin-brandenburg.de"
_TODO = "Check that it is the AfS report with the table by Bezirk (`lichtenberg-data info`)"
_MONTHS = {"januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8,
           "september": 9, "oktober": 10, "november": 11, "dezember": 12}
#: Column of an AfS table (regular expression on the joined header) → canonical column.
_EMPLOYEE_COLUMNS = {"insgesamt": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                     "alter_unter_25": r"unter 25", "alter_25_55": r"25\D+55", "alter_55_65": r"55\D+65",
                     "alter_65_plus": r"65 und"}
_UNEMPLOYED_COLUMNS = {"arbeitslose": r"^insgesamt$", "maennlich": r"männ|männer", "weiblich": r"weibl|frauen",
                       "unter_25": r"unter 25", "sgb_iii": r"sgb iii", "sgb_ii": r"sgb ii(?!i)",
                       "quote": r"quote"}


def _title_date(title: str, path: Path, text: str = "") -> date:
    """The reference date in a report title: "am 30. Juni 2025" or "Jahresdurchschnitt 2025" (31.12.);
    else in the table's other text (headings, sections)."""
    for where in (title, text):
        m = re.search(r"(\d{1,2})\.\s*([A-Za-zäöü]+)\s+(\d{4})", where)
        if m and m.group(2).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        m = re.search(r"(?i)Jahresdurchschnitt\s+(\d{4})", where)
        if m:
            return date(int(m.group(1)), 12, 31)
    raise FormatError(f"{path.name}: no reference date in the table title {title!r} or its headings")


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

    The tables are found by content: the twelve Bezirke in a label column and "Beschäftigte" with
    "Arbeitsort" or "Wohnort" in title, headings or sections; their columns by header text (total,
    sex, age groups); the date from the title (else the headings).
    """
    import pandas as pd

    from .. import afs

    parts = []
    for df in afs.bezirk_tables(path, "beschäftigt", "arbeitsort|wohnort", todo=_TODO,
                                what="employees by Bezirk at place of work or residence"):
        title, text = str(df.attrs.get("title", "")), afs.table_text(df)
        where = title.lower() if re.search("arbeitsort|wohnort", title.lower()) else text
        ort = "arbeitsort" if "arbeitsort" in where else "wohnort"
        part = _afs_rows(df, _EMPLOYEE_COLUMNS, path)
        part.insert(0, "ort", ort)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path, text)))
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def parse_arbeitslose_file(path: Path) -> pd.DataFrame:
    """Parse the table of registered unemployed by Bezirk of one AfS report."""
    import pandas as pd

    from .. import afs

    parts = []
    for df in afs.bezirk_tables(path, "arbeitslos", what="registered unemployed by Bezirk", todo=_TODO):
        title, text = str(df.attrs.get("title", "")), afs.table_text(df)
        part = _afs_rows(df, _UNEMPLOYED_COLUMNS, path)
        part.insert(0, "date", pd.Timestamp(_title_date(title, path, text)))
        parts.append(part)
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


_EMPLOYEE_VALUES = tuple(_EMPLOYEE_COLUMNS)
_AFS_NOTE = ("NOT VERIFIED against a real report: the series, table titles and column headers are assumed from "
             "the usual AfS layout; the parser finds the tables by content (the twelve Bezirke in a column and the "
             "header words) and the columns by header text, so a real report with other wording fails with a clear "
             "FormatError naming its sheets and tables instead of misreading. ")

beschaeftigte_bezirke = catalog.register(Dataset(
    id="beschaeftigte_bezirke",
    title="Sozialversicherungspflichtig Beschäftigte nach Bezirken (Arbeitsort und Wohnort)",
    topic="workforce",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=f"{_AFS_SITE}/a-vi-5-vj",
    resources=tuple(
        Resource(name=f"SB_A06-05-00_{year}q02_BE.xlsx", url=None, format="xlsx",
                 match=r"(?i)SB_A06-05-00_.*\.xlsx$|beschaeftigte|beschäftigte")
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_beschaeftigte_file),
    schema=Schema(
        columns={"date": "date", "ort": "str", "bezirk_id": "str", "bezirk": "str",
                 **{c: "float" for c in _EMPLOYEE_VALUES}, "flags": "str"},
        key=("date", "ort", "bezirk_id"),
        checks=(Check("known districts", known_districts_or_berlin),
                Check("men + women = total", _parts_add_up("insgesamt", ["maennlich", "weiblich"])),
                Check("age groups add up", _parts_add_up("insgesamt", list(_EMPLOYEE_VALUES[3:]))),
                Check("Bezirke add up to Berlin", _berlin_is_sum("insgesamt"))),
        min_rows=26,
    ),
    source_title="Statistischer Bericht A VI 5 – Sozialversicherungspflichtig Beschäftigte "
                 "(Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    unverified=("never read a real report A VI 5: series, file name, table titles and headings are assumed from "
                "the usual AfS layout"),
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
                 match=r"(?i)arbeitslos.*\.xlsx$|SB_.*\.xlsx$")
        for year in range(2021, 2026)
    ),
    spatial_unit="Bezirk",
    update="annual",
    parser=_concat_files(parse_arbeitslose_file),
    schema=Schema(
        columns={"date": "date", "bezirk_id": "str", "bezirk": "str", **{c: "float" for c in _UNEMPLOYED_COLUMNS},
                 "flags": "str"},
        key=("date", "bezirk_id"),
        checks=(Check("known districts", known_districts_or_berlin),
                Check("men + women = total", _parts_add_up("arbeitslose", ["maennlich", "weiblich"])),
                Check("SGB II + III = total", _parts_add_up("arbeitslose", ["sgb_ii", "sgb_iii"])),
                Check("Bezirke add up to Berlin", _berlin_is_sum("arbeitslose"))),
        min_rows=13,
    ),
    source_title="Arbeitslose nach Bezirken, Jahresdurchschnitt (Datenquelle: Statistik der Bundesagentur für Arbeit)",
    history=True,
    unverified=("never read a real table of the unemployed by Bezirk: the report, its file and its headings are "
                "assumed"),
    description=(_AFS_NOTE + "Expected: a table 'Arbeitslose ... im Jahresdurchschnitt <YYYY> nach Bezirken' as in the "
                 "Statistisches Jahrbuch Berlin, chapter Erwerbstätigkeit (AfS Statistische Berichte; the file and its "
                 "link were not found). The BA itself publishes Berlin only as one Kreis (11000); Bezirk figures "
                 "come from the Jobcenter regions (one per Bezirk), whose BA region ids were not found either. "
                 "Import a table by hand: `lichtenberg-data import arbeitslose_bezirke FILE.xlsx`; the date is "
                 "31.12. of the year (annual average)."),
))
