"""The register month by month: stock, entries, exits and moves per area, from consecutive snapshots.

The public face of :mod:`._dynamics` (the queries in DuckDB): :func:`dynamics` per month and
area, :func:`series` of the Bezirke and Berlin for charts, :func:`balance` of the last 12 months,
:func:`sector_switches` and :func:`moves`. Entries are "new in the register", not foundings
(:data:`ENTRY_NOTE`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._provenance import with_sources
from ..names import BERLIN_ID, BEZIRKE
from ._dynamics import flows, switches, window
from ._dynamics import moves as moved
from ._register import DATASET, check_level, in_district, months, source

__all__ = ["ENTRY_NOTE", "dynamics", "sector_switches", "moves", "series", "balance"]

#: The sentence every chart of entries carries.
ENTRY_NOTE = ("Zugänge = neu im IHK-Register (Mitgliedschaft, Zuzug nach Berlin, Neueintragung), "
              "nicht Gründungen; Abgänge = aus dem Register gelöscht")


def dynamics(level: str = "bezirk", start: Any = None, end: Any = None, *, district: Any = None) -> pd.DataFrame:
    """Stock, entries and exits per month and area, from consecutive monthly snapshots.

    Computed in DuckDB over the monthly Parquet files (nothing but the result is loaded). Each
    month is compared with the stored month before it (``vormonat``; the first stored month has
    no entries or exits). See :data:`ENTRY_NOTE`: entries are new in the register, not foundings.

    Parameters
    ----------
    level
        ``bezirk``, ``bezirksregion``, ``planungsraum`` (or ``berlin``).
    start, end
        The first and last month shown (``"2023-07"``); default every stored month.
    district
        ``None`` (default): every area of Berlin; a Bezirk: only its areas.

    Returns
    -------
    DataFrame
        One row per month and area: ``stand``, ``<level>_id``, ``vormonat``, ``bestand``,
        ``zugaenge``, ``abgaenge``, ``saldo`` (= zugaenge - abgaenge), ``zuzuege`` and ``fortzuege``
        (moves from / to another area of Berlin).

    Examples
    --------
    >>> d = ld.business.dynamics("bezirk", start="2023-07", end="2023-07")      # doctest: +SKIP
    >>> d.query("bezirk_id == '11'")[["zugaenge", "abgaenge", "saldo"]]        # doctest: +SKIP
    """
    check_level(level)
    shown, scanned = window(start, end)
    df = flows(level, shown, scanned)
    df = df.rename(columns={"area": f"{level}_id"})
    for col in ("bestand", "zugaenge", "abgaenge", "zuzuege", "fortzuege"):
        df[col] = df[col].astype("Int64")
    df["saldo"] = df["zugaenge"] - df["abgaenge"]
    df["stand"], df["vormonat"] = df["stand"].astype("str"), df["vormonat"].astype("str")
    df = df[["stand", f"{level}_id", "vormonat", "bestand", "zugaenge", "abgaenge", "saldo", "zuzuege", "fortzuege"]]
    df = in_district(df, f"{level}_id", level, district)
    df = df.sort_values(["stand", f"{level}_id"], ignore_index=True)
    return with_sources(df, source(shown[-1]))


def sector_switches(level: str = "bezirk", start: Any = None, end: Any = None, *,
                    district: Any = None) -> pd.DataFrame:
    """Businesses whose WZ section changed between a month and the one before: ``stand``,
    ``<level>_id`` (the area now), ``von_abschnitt``, ``nach_abschnitt``, ``betriebe``."""
    check_level(level)
    shown, scanned = window(start, end)
    df = switches(level, shown, scanned).rename(columns={"area": f"{level}_id"})
    df = in_district(df, f"{level}_id", level, district)
    return with_sources(df.reset_index(drop=True), source(shown[-1]))


def moves(level: str = "bezirk", start: Any = None, end: Any = None) -> pd.DataFrame:
    """Businesses that moved within Berlin between a month and the one before: ``stand``,
    ``von_<level>_id``, ``nach_<level>_id``, ``betriebe`` (a missing area: the address had no
    Planungsraum in one of the months)."""
    check_level(level)
    shown, scanned = window(start, end)
    df = moved(level, shown, scanned).rename(columns={"von": f"von_{level}_id", "nach": f"nach_{level}_id"})
    return with_sources(df, source(shown[-1]))


def series(start: Any = None, end: Any = None) -> pd.DataFrame:
    """:func:`dynamics` of the 12 Bezirke and Berlin (``gebiet_id`` ``"00"``) with ``gebiet`` names and
    ``monat`` (the first day of the month, for time axes)."""
    parts = [dynamics("bezirk", start, end).rename(columns={"bezirk_id": "gebiet_id"}),
             dynamics("berlin", start, end).rename(columns={"berlin_id": "gebiet_id"})]
    out = pd.concat(parts, ignore_index=True)
    out["gebiet"] = out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"})
    out["monat"] = pd.to_datetime(out["stand"] + "-01")
    return with_sources(out, parts[0])


def balance(last: int = 12) -> pd.DataFrame:
    """Entries, exits and balance of the last ``last`` stored months per Bezirk and Berlin, also per
    1,000 businesses of the stock before the first of them (``saldo_je_1000``, ``zugaenge_je_1000``,
    ``abgaenge_je_1000``); ``von`` and ``bis`` name the months."""
    have = months()
    if len(have) < 2:
        from .._errors import DataNotAvailableError

        raise DataNotAvailableError(f"{DATASET}: entries and exits need two stored months, there are {len(have)}. "
                                    f"Import another month with `lichtenberg-data import {DATASET} FILE`",
                                    dataset=DATASET)
    shown = have[-(last + 1):]
    d = series(shown[0], shown[-1])
    base = d[d["stand"] == shown[0]].set_index("gebiet_id")["bestand"]
    totals = d[d["stand"] != shown[0]].groupby(["gebiet_id", "gebiet"], as_index=False)[["zugaenge", "abgaenge"]].sum()
    totals["saldo"] = totals["zugaenge"] - totals["abgaenge"]
    totals["von"], totals["bis"], totals["monate"] = shown[1], shown[-1], len(shown) - 1
    for col in ("zugaenge", "abgaenge", "saldo"):
        totals[f"{col}_je_1000"] = (totals[col] / totals["gebiet_id"].map(base) * 1000).astype(float)
    return with_sources(totals, d)
