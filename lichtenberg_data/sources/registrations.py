"""Business registrations and deregistrations per Bezirk (Gewerbeanzeigen, Amt für Statistik).

``gewerbeanzeigen``
    From the AfS Statistischer Bericht D I 2 "Gewerbeanzeigen im Land Berlin"
    (``SB_D01-02-00_<YYYY>m<MM>_BE.xlsx``): its tables by Bezirk give registrations
    (``anmeldungen``, of which new businesses ``neugruendungen``) and deregistrations
    (``abmeldungen``, of which complete closures ``aufgaben``). A monthly report has a table for
    the month (``zeitraum = "monat"``) and one for January to the month; only the December one,
    the whole year (``"jahr"``), is kept (earlier cumulative tables would double count).

No real D I 2 file was at hand: the series code, table titles and column headers are **not
verified** (no public code or page of 2026 reading a D I 2 Bezirk table was found; the series
page ``d-i-2-m`` is cited nowhere). The parser finds the tables by content
(:func:`lichtenberg_data.afs.bezirk_tables`): the twelve Bezirke in a label column and the words
"Gewerbe" and "Anmeldung"/"Abmeldung" in title, headings or sections, never by sheet name or
position; the columns by header text; the period from the title, else the table's other text.
A real report worded otherwise fails with a clear FormatError listing its sheets and tables
instead of being misread. The sample (``demo.land.sample_gewerbeanzeigen``) follows the general
AfS report layout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import FormatError
from .._validate import known_districts_or_berlin
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BERLIN_ID, BEZIRKE
from .construction import check_series

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_gewerbeanzeigen_file", "table_period"]

_MONTHS = {m: i for i, m in enumerate(("januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
                                       "september", "oktober", "november", "dezember"), start=1)}
_MONTH = "|".join(_MONTHS)
#: Column (pattern on the joined header, lower case) -> canonical column; the last two are optional.
_COLUMNS = {"anmeldungen": r"anmeldungen insgesamt$", "abmeldungen": r"abmeldungen insgesamt$",
            "neugruendungen": r"anmeldungen .*neugründungen$", "aufgaben": r"abmeldungen .*aufgaben$"}
_VALUES = tuple(_COLUMNS)


def table_period(title: str) -> tuple[int, int | None] | None:
    """``(year, month)`` of a table title; month ``None`` for a whole year; ``None`` to skip.

    Examples
    --------
    >>> table_period("3 Gewerbeanzeigen im Land Berlin im Dezember 2025 nach Bezirken")
    (2025, 12)
    >>> table_period("4 Gewerbeanzeigen im Land Berlin Januar bis Dezember 2025 nach Bezirken")
    (2025, None)
    >>> table_period("4 Gewerbeanzeigen im Land Berlin Januar bis Juni 2025 nach Bezirken") is None
    True
    >>> table_period("Gewerbeanzeigen in Berlin 2024 nach Bezirken")
    (2024, None)
    """
    low = title.lower()
    if m := re.search(rf"januar\s*(?:bis|-|–)\s*({_MONTH})\s+(\d{{4}})", low):
        return (int(m.group(2)), None) if m.group(1) == "dezember" else None
    if m := re.search(rf"\b({_MONTH})\s+(\d{{4}})", low):
        return int(m.group(2)), _MONTHS[m.group(1)]
    if m := re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", low):
        return int(m.group(1)), None
    return None


def _pick(df: pd.DataFrame, path: Path) -> dict[str, str]:
    found = {}
    for target, pattern in _COLUMNS.items():
        hits = [c for c in df.columns if not str(c).endswith("_flag") and c not in ("bezirk_id", "bezirk")
                and re.search(pattern, str(c).strip().lower())]
        if len(hits) > 1 or (not hits and target in ("anmeldungen", "abmeldungen")):
            raise FormatError(f"{path.name}, table {df.attrs.get('title', '')[:60]!r}: "
                              f"{'no' if not hits else len(hits)} columns for {target} "
                              f"(columns: {', '.join(map(str, df.columns))})")
        if hits:
            found[target] = hits[0]
    return found


def _rows(df: pd.DataFrame, year: int, month: int | None, path: Path) -> pd.DataFrame:
    import pandas as pd

    if "bezirk_id" not in df.columns:
        raise FormatError(f"{path.name}: table {df.attrs.get('title', '')[:60]!r} has no Bezirk rows")
    cols = _pick(df, path)
    rows = df[df["bezirk_id"].notna()]
    if set(rows["bezirk_id"]) - {BERLIN_ID} != set(BEZIRKE) or rows["bezirk_id"].duplicated().any():
        raise FormatError(f"{path.name}: expected the 12 Bezirke once each in {df.attrs.get('title', '')[:60]!r}")
    out = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str)})
    for target in _VALUES:
        out[target] = rows[cols[target]].astype(float) if target in cols else float("nan")
    out["year"] = year
    out["month"] = pd.array([month] * len(out), dtype="Int64")
    out["zeitraum"] = "jahr" if month is None else "monat"
    end = pd.Timestamp(year=year, month=month or 12, day=1) + pd.offsets.MonthEnd(0)
    out["date"] = end
    return out


def parse_gewerbeanzeigen_file(path: Path) -> pd.DataFrame:
    """Parse the tables by Bezirk of one D I 2 report (monthly or annual)."""
    import pandas as pd

    from .. import afs

    check_series(path, "D I 2")
    parts = []
    for df in afs.bezirk_tables(path, "gewerbe", "anmeldung|abmeldung",
                                what="business registrations (Gewerbeanzeigen) by Bezirk: is it a report D I 2?"):
        title = str(df.attrs.get("title", ""))
        period = table_period(title) if re.search(r"\d{4}", title) else table_period(afs.table_text(df))
        if period is not None:
            parts.append(_rows(df, *period, path))
    if not parts:
        raise FormatError(f"{path.name}: no table of business registrations (Gewerbeanzeigen) by Bezirk for a month "
                          "or a whole year (is it a report D I 2?)")
    out = pd.concat(parts, ignore_index=True)
    out["bezirk"] = out["bezirk_id"].map(lambda k: "Berlin" if k == BERLIN_ID else BEZIRKE[k])
    cols = ["date", "year", "month", "zeitraum", "bezirk_id", "bezirk", *_VALUES]
    return out[cols]


def _parse(files: Mapping[str, Path]) -> pd.DataFrame:
    import pandas as pd

    return pd.concat([parse_gewerbeanzeigen_file(Path(p)) for p in files.values()], ignore_index=True)


def _parts_within_totals(df: pd.DataFrame) -> str | None:
    bad = df[(df["neugruendungen"] > df["anmeldungen"]) | (df["aufgaben"] > df["abmeldungen"])]
    return f"{len(bad)} rows where a 'darunter' column exceeds its total (columns swapped?)" if len(bad) else None


def _berlin_is_sum(df: pd.DataFrame) -> str | None:
    for key, part in df.groupby(["date", "zeitraum"]):
        berlin = part[part["bezirk_id"] == BERLIN_ID]
        for col in ("anmeldungen", "abmeldungen"):
            parts = part.loc[part["bezirk_id"] != BERLIN_ID, col]
            if len(berlin) == 1 and parts.notna().all() and abs(parts.sum() - berlin[col].iloc[0]) > 0.5:
                return f"{key}: the Bezirke add up to {parts.sum():,.0f} {col}, Berlin says {berlin[col].iloc[0]:,.0f}"
    return None


gewerbeanzeigen = catalog.register(Dataset(
    id="gewerbeanzeigen",
    title="Gewerbeanmeldungen und -abmeldungen nach Bezirken",
    topic="land",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page="https://www.statistik-berlin-brandenburg.de/d-i-2-m",
    resources=tuple(Resource(name=f"SB_D01-02-00_{year}m12_BE.xlsx", url=None, format="xlsx",
                             match=r"(?i)SB_D01-02-00_.*\.xlsx$") for year in (2023, 2024, 2025)),
    spatial_unit="Bezirk",
    update="monthly",
    parser=_parse,
    schema=Schema(
        columns={"date": "date", "year": "int", "month": "int", "zeitraum": "str", "bezirk_id": "str",
                 "bezirk": "str", "anmeldungen": "float", "abmeldungen": "float", "neugruendungen": "float",
                 "aufgaben": "float"},
        key=("date", "zeitraum", "bezirk_id"),
        checks=(Check("known districts", known_districts_or_berlin), Check("parts within totals", _parts_within_totals),
                Check("Bezirke add up to Berlin", _berlin_is_sum)),
        min_rows=13,
    ),
    source_title="Statistischer Bericht D I 2 – Gewerbeanzeigen im Land Berlin",
    history=True,
    unverified=("never read a real report D I 2: series, file name, table titles and headings are assumed from the "
                "usual AfS layout"),
    description=("NOT VERIFIED against a real report: series slug d-i-2-m, file stem SB_D01-02-00_<YYYY>m<MM>_BE.xlsx, "
                 "table titles and headers are assumed after the usual AfS layout (the AfS report catalogue lists them "
                 "as unverified). Import reports by hand (`lichtenberg-data import gewerbeanzeigen SB_D01-02-00_*.xlsx`); "
                 "each adds its month and, in December, its year."),
))
