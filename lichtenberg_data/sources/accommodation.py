"""Guests, overnight stays and capacity by Bezirk: the ``beherbergung_bezirke`` dataset.

Amt für Statistik Berlin-Brandenburg, Statistischer Bericht G IV 1 - m "Gäste, Übernachtungen und
Beherbergungskapazität im Land Berlin" (monthly; establishments with 10 beds or more, without
camping), tables "... nach Bezirken": guests, overnight stays and average stay; open
establishments, beds offered and bed utilisation.

No machine-readable copy of this report was available while writing this module (tables of
contents of 2015 reports were seen as PDF transcripts only; no public code or page reading a
G IV 1 Bezirk table was found in 2026, and the series page ``g-iv-1-m`` is cited by no public
code either). The table titles and headers below are **assumed** from those and the usual AfS
layout. The parser finds the tables by content (:func:`lichtenberg_data.afs.bezirk_tables`): the
twelve Bezirke in a label column and the words "Gäste" and "Übernachtung" (guests) or "Betten"
and "Betriebe" (capacity) in title, headings or sections, never by sheet name or position; the
columns by header text. A report worded otherwise fails with a clear FormatError listing the
workbook's sheets and tables instead of misreading. Tables for the month ("im Juni 2024") and
from January ("im Januar bis Juni 2024") are both read; a year is the January-to-December table,
or else the sum of twelve monthly tables (see :func:`lichtenberg_data.tourism.guests`). The month
comes from the table's title, else its headings, else the file name (``…_2024m06_…``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from ..catalog import LICENSES, Check, Dataset, Resource, Schema
from ..names import BERLIN_ID, BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["parse_bericht_file", "parse_beherbergung", "MONTHS", "REPORTS", "report_name"]

LANDING_PAGE = "https://www.statistik-berlin-brandenburg.de/g-iv-1-m"
MONTHS = {"januar": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8,
          "september": 9, "oktober": 10, "november": 11, "dezember": 12}
MONAT, KUMULIERT = "Monat", "Januar bis Monat"
_PERIOD = re.compile(r"\bim\s+(?:(Januar)\s+bis\s+)?([A-Za-zäöü]+)\s+(\d{4})\b")
_GUESTS = {"gaeste": r"^gäste( insgesamt)?$", "uebernachtungen": r"^übernachtungen( insgesamt)?$",
           "aufenthaltsdauer": r"aufenthaltsdauer"}
_CAPACITY = {"betriebe": r"betriebe", "betten": r"^angebotene betten|^betten"}
_VALUES = ("gaeste", "uebernachtungen", "aufenthaltsdauer", "betriebe", "betten", "bettenauslastung")
_TODO = "Download the report again from statistik-berlin-brandenburg.de (G IV 1 - m, xlsx)"


def _period(title: str, path: Path, text: str = "") -> tuple[int, int, str]:
    """(year, month, Monat|Januar bis Monat) from a title "... im Januar bis Juni 2024 nach Bezirken",
    else from the table's text (headings, sections), else from the file name (``…_2024m06_…``)."""
    for where in (title, text):
        m = _PERIOD.search(where) or re.search(r"\b(?:(januar)\s+bis\s+)?([a-zäöü]+)\s+(\d{4})\b", where.lower())
        if m and m.group(2).lower() in MONTHS:
            return int(m.group(3)), MONTHS[m.group(2).lower()], KUMULIERT if m.group(1) else MONAT
    if m := re.search(r"(20\d\d)m(0[1-9]|1[0-2])", path.name):
        return int(m.group(1)), int(m.group(2)), MONAT
    raise FormatError(f"{path.name}: no month and year in the table title {title[:90]!r}, its headings or the file name")


def _column(df: pd.DataFrame, pattern: str, target: str, path: Path, exclude: str = r"veränderung") -> str:
    hits = [c for c in df.columns if not str(c).endswith("_flag") and c not in ("bezirk_id", "bezirk")
            and re.search(pattern, str(c).strip().lower()) and not re.search(exclude, str(c).lower())]
    if len(hits) != 1:
        raise FormatError(f"{path.name}, table {df.attrs.get('title', '')[:70]!r}: {'no' if not hits else len(hits)} "
                          f"columns for {target} (columns: {', '.join(map(str, df.columns))})")
    return hits[0]


def _scale(df: pd.DataFrame, col: str) -> float:
    """1000 for columns in "1 000" (Tausend), else 1."""
    unit = str(df.attrs.get("units", {}).get(col, ""))
    return 1000.0 if re.search(r"1\s?000|tausend", unit.lower()) else 1.0


def _bezirk_rows(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    if "bezirk_id" not in df.columns:
        raise FormatError(f"{path.name}: table {df.attrs.get('title', '')[:70]!r} has no rows of the Bezirke")
    rows = df[df["bezirk_id"].notna() & (df["bezirk_id"] != "nan")]
    found = set(rows["bezirk_id"]) - {BERLIN_ID}
    if len(found) != 12:
        raise FormatError(f"{path.name}: expected the 12 Bezirke in {df.attrs.get('title', '')[:70]!r}, "
                          f"found {sorted(found)}")
    return rows


def _values(rows: pd.DataFrame, cols: Mapping[str, str]) -> tuple[dict[str, Any], Any]:
    import pandas as pd

    values, flags = {}, pd.Series("", index=rows.index)
    for target, col in cols.items():
        values[target] = rows[col].astype(float) * _scale(rows, col)
        if f"{col}_flag" in rows.columns:
            flag = rows[f"{col}_flag"].fillna("").astype(str)
            flags = flags.where(flag.isin(["", "0", "–", "None"]), flags + f"{target}:" + flag + " ")
    return values, flags


def _guest_table(df: pd.DataFrame, period: tuple[int, int, str], path: Path) -> pd.DataFrame:
    import pandas as pd

    rows = _bezirk_rows(df, path)
    rows.attrs = df.attrs
    values, flags = _values(rows, {t: _column(df, p, t, path) for t, p in _GUESTS.items()})
    out = pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str), **values, "flags": flags})
    return out.assign(jahr=period[0], monat=period[1], zeitraum=period[2])


def _capacity_table(df: pd.DataFrame, period: tuple[int, int, str], path: Path) -> pd.DataFrame:
    import pandas as pd

    rows = _bezirk_rows(df, path)
    rows.attrs = df.attrs
    cols = {t: _column(df, p, t, path) for t, p in _CAPACITY.items()}
    usage = [c for c in df.columns if "auslastung" in str(c).lower() and not str(c).endswith("_flag")]
    cumulative = [c for c in usage if "januar bis" in str(c).lower()]
    month = [c for c in usage if c not in cumulative]
    if len(month) != 1 or len(cumulative) > 1:
        raise FormatError(f"{path.name}: cannot tell the bed utilisation of the month and from January in "
                          f"{df.attrs.get('title', '')[:70]!r} (columns: {', '.join(map(str, df.columns))})")
    values, flags = _values(rows, {**cols, "bettenauslastung": month[0]})
    parts = [pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str), **values, "flags": flags})
             .assign(jahr=period[0], monat=period[1], zeitraum=MONAT)]
    if cumulative:
        more, more_flags = _values(rows, {"bettenauslastung": cumulative[0]})
        parts.append(pd.DataFrame({"bezirk_id": rows["bezirk_id"].astype(str), **more, "flags": more_flags})
                     .assign(jahr=period[0], monat=period[1], zeitraum=KUMULIERT))
    return pd.concat(parts, ignore_index=True)


def parse_bericht_file(path: Path) -> pd.DataFrame:
    """Parse the Bezirk tables of one AfS report G IV 1 (xlsx) into rows per period and Bezirk.

    Returns
    -------
    pandas.DataFrame
        ``date`` (end of the report month), ``jahr``, ``monat``, ``zeitraum`` ("Monat" or "Januar
        bis Monat"), ``bezirk_id`` ("00" = Berlin), ``bezirk``, ``gaeste``, ``uebernachtungen``,
        ``aufenthaltsdauer`` (days), ``betriebe``, ``betten`` (end of month; missing for "Januar bis
        Monat"), ``bettenauslastung`` (%), ``flags`` (AfS symbols, e.g. ``betten:•``).
    """

    from .. import afs

    what = "guests and overnight stays, or establishments and beds, by Bezirk: is it a report G IV 1?"
    parts = []
    for df in afs.bezirk_tables(path, r"gäste|betten", exclude="ausland", what=what, todo=_TODO):
        title, text = str(df.attrs.get("title", "")), afs.table_text(df)
        if "gäste" in text and "übernachtung" in text:
            parts.append(_guest_table(df, _period(title, path, text), path))
        elif "betten" in text and "betriebe" in text:
            parts.append(_capacity_table(df, _period(title, path, text), path))
    if not parts:
        raise FormatError(f"{path.name}: no table of guests and overnight stays or of establishments and beds "
                          f"by Bezirk; this is not a report G IV 1 of the Amt für Statistik. {_TODO}")
    return _combine(parts)


def _combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    import pandas as pd

    key = ["jahr", "monat", "zeitraum", "bezirk_id"]
    long = pd.concat(parts, ignore_index=True)
    flags = long.groupby(key)["flags"].agg(lambda s: " ".join(f for f in s if f).strip())
    out = long.groupby(key)[[c for c in _VALUES if c in long]].first().join(flags).reset_index()
    for col in _VALUES:
        if col not in out:
            out[col] = float("nan")
        out[col] = out[col].astype("float64")
    out.insert(0, "date", pd.to_datetime(dict(year=out["jahr"], month=out["monat"], day=1)) + pd.offsets.MonthEnd(0))
    out.insert(out.columns.get_loc("bezirk_id") + 1, "bezirk",
               out["bezirk_id"].map(lambda k: "Berlin" if k == BERLIN_ID else BEZIRKE[k]).astype("str"))
    out["jahr"] = out["jahr"].astype("int64")
    out["monat"] = out["monat"].astype("int64")
    out["date"] = out["date"].astype("datetime64[ns]")
    return out[["date", *key[:3], "bezirk_id", "bezirk", *_VALUES, "flags"]]


def parse_beherbergung(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parser of the ``beherbergung_bezirke`` dataset: each report adds its month."""
    import pandas as pd

    return pd.concat([parse_bericht_file(p) for p in files.values()], ignore_index=True)


# ----------------------------------------------------------------------------- checks
def _berlin_is_sum(column: str, tolerance: float) -> Any:
    def check(df: pd.DataFrame) -> str | None:
        for key, part in df.groupby(["jahr", "monat", "zeitraum"]):
            berlin = part.loc[part["bezirk_id"] == BERLIN_ID, column]
            bezirke = part.loc[part["bezirk_id"] != BERLIN_ID, column]
            complete = len(berlin) == 1 and bezirke.notna().all() and berlin.notna().all()
            if complete and abs(bezirke.sum() - berlin.iloc[0]) > tolerance * max(berlin.iloc[0], 1):
                return f"{key}: the Bezirke add up to {bezirke.sum():.0f}, Berlin says {berlin.iloc[0]:.0f}"
        return None

    return check


def _stay_fits(df: pd.DataFrame) -> str | None:
    """Average stay = overnight stays / guests (a shifted or swapped column breaks this)."""
    ok = df.dropna(subset=["gaeste", "uebernachtungen", "aufenthaltsdauer"])
    ok = ok[ok["gaeste"] > 0]
    bad = ok[(ok["uebernachtungen"] / ok["gaeste"] - ok["aufenthaltsdauer"]).abs() > 0.15]
    return f"{len(bad)} rows where overnight stays / guests ≠ average stay" if len(bad) else None


def _utilisation_range(df: pd.DataFrame) -> str | None:
    bad = df[(df["bettenauslastung"] < 0) | (df["bettenauslastung"] > 100)]
    return f"{len(bad)} bed utilisation values outside 0-100 %" if len(bad) else None


def _stand(df: pd.DataFrame) -> date | None:
    return df["date"].max().date() if len(df) else None


#: The reports declared as resources (and written as samples for the demo): the December reports
#: 2019-2023 (their January-to-December tables give the years) and the twelve reports of 2024.
REPORTS: tuple[tuple[int, int], ...] = tuple([(y, 12) for y in range(2019, 2024)] + [(2024, m) for m in range(1, 13)])


def report_name(year: int, month: int) -> str:
    """File name of an AfS G IV 1 monthly report, e.g. ``SB_G04-01-00_2024m06_BE.xlsx`` (pattern as
    seen for ``SB_G04-01-00_2026m05_BB.pdf``; not verified for Berlin's xlsx)."""
    return f"SB_G04-01-00_{year}m{month:02d}_BE.xlsx"


beherbergung_bezirke = catalog.register(Dataset(
    id="beherbergung_bezirke",
    title="Gäste, Übernachtungen und Beherbergungskapazität nach Bezirken",
    topic="tourism",
    publisher="Amt für Statistik Berlin-Brandenburg",
    license=LICENSES["cc-by-3.0-de"],
    landing_page=LANDING_PAGE,
    resources=tuple(Resource(name=name, url=None, format="xlsx", match=r"(?i)SB_G04-01-00_.*\.xlsx$|beherbergung")
                    for name in (report_name(y, m) for y, m in REPORTS)),
    spatial_unit="Bezirk",
    update="monthly",
    parser=parse_beherbergung,
    schema=Schema(
        columns={"date": "date", "jahr": "int", "monat": "int", "zeitraum": "str", "bezirk_id": "str", "bezirk": "str",
                 **{c: "float" for c in _VALUES}, "flags": "str"},
        key=("jahr", "monat", "zeitraum", "bezirk_id"),
        checks=(Check("guests: Bezirke add up to Berlin", _berlin_is_sum("gaeste", 0.001)),
                Check("overnight stays: Bezirke add up to Berlin", _berlin_is_sum("uebernachtungen", 0.001)),
                Check("beds: Bezirke add up to Berlin", _berlin_is_sum("betten", 0.001)),
                Check("average stay fits", _stay_fits), Check("utilisation 0-100 %", _utilisation_range)),
        min_rows=13,
    ),
    source_title="Statistischer Bericht G IV 1 - m: Gäste, Übernachtungen und Beherbergungskapazität im Land Berlin "
                 "(Betriebe mit 10 und mehr Betten)",
    reference_date=_stand,
    history=True,
    unverified=("never read a real report G IV 1: table titles, headings and the Bezirk tables are assumed from "
                "2015 tables of contents and the usual AfS layout"),
    description=(
        "NOT VERIFIED against a real report: the tables 'Gäste, Übernachtungen und Aufenthaltsdauer in den "
        "Beherbergungsbetrieben Berlins im <Monat> <Jahr> nach Bezirken' and 'Beherbergungsbetriebe, Bettenangebot "
        "und Bettenauslastung in Berlin im <Monat> <Jahr> nach Bezirken' are known from the tables of contents of "
        "2015 reports (PDF transcripts); their columns and the tables 'im Januar bis <Monat>' are assumed. "
        "Establishments with 10 beds or more; no private holiday flats (see kurzzeitvermietung). The download "
        "links of AfS reports carry hash paths: import the reports by hand (`lichtenberg-data import "
        "beherbergung_bezirke SB_G04-01-00_2024m12_BE.xlsx`); each report adds its month. The series slug "
        "g-iv-1-m is not verified either."
    ),
))
