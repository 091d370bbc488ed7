"""Guests, overnight stays, beds and bed utilisation per Bezirk (``beherbergung_bezirke``).

The Amt für Statistik counts establishments with 10 beds or more (without camping). A year is
the report's January-to-December table, or else the sum of its twelve monthly tables.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._provenance import with_sources
from ..geo import district_id
from ..names import BERLIN_ID
from ._common import GEBIETE, load_frame

__all__ = ["guests", "seasonality", "capacity", "BASE_YEAR", "MONATE"]

#: The year of the index (= 100): the last year before the pandemic.
BASE_YEAR = 2019
MONAT, KUMULIERT = "Monat", "Januar bis Monat"
MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")


def _annual(df: pd.DataFrame) -> pd.DataFrame:
    """Guests and overnight stays per year and Bezirk: the January-to-December table, else the
    sum of twelve monthly tables (a year with fewer months is left out)."""
    cols = ["gaeste", "uebernachtungen"]
    cum = df[(df["zeitraum"] == KUMULIERT) & (df["monat"] == 12)]
    out = cum[["jahr", "bezirk_id", *cols]].assign(grundlage="Januar bis Dezember")
    months = df[df["zeitraum"] == MONAT]
    full = months.groupby(["jahr", "bezirk_id"]).filter(lambda g: g["monat"].nunique() == 12)
    summed = full.groupby(["jahr", "bezirk_id"], as_index=False)[cols].sum(min_count=12)
    summed = summed[~summed["jahr"].isin(set(out["jahr"]))].assign(grundlage="Summe der Monate")
    return pd.concat([out, summed], ignore_index=True).sort_values(["jahr", "bezirk_id"], ignore_index=True)


def _keep(out: pd.DataFrame, district: Any) -> pd.DataFrame:
    key = district_id(district)
    return out if key is None else out[out["gebiet_id"].isin([key, BERLIN_ID])]


def guests(beherbergung: pd.DataFrame | None = None, district: Any = None, *,
           base_year: int = BASE_YEAR) -> pd.DataFrame:
    """Guests and overnight stays per year for the 12 Bezirke and Berlin.

    Parameters
    ----------
    beherbergung
        The ``beherbergung_bezirke`` table (``None`` loads it).
    district
        A Bezirk (name or key): keep its rows and Berlin's; ``None`` (default) keeps all, as
        the charts against the other Bezirke need them.
    base_year
        Year of the index (= 100).

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``gebiet_id`` (``"00"`` Berlin), ``gebiet``, ``gaeste``, ``uebernachtungen``,
        ``aufenthaltsdauer`` (days), ``anteil_gaeste`` and ``anteil_uebernachtungen`` (% of Berlin),
        ``rang_gaeste`` and ``rang_uebernachtungen`` (1 = most among the 12 Bezirke),
        ``index_gaeste`` and ``index_uebernachtungen`` (``base_year`` = 100; missing without it),
        ``grundlage`` (January-to-December table or sum of the months).

    Examples
    --------
    >>> t = pd.DataFrame({"jahr": [2019, 2019, 2020, 2020], "monat": 12, "zeitraum": "Januar bis Monat",
    ...     "bezirk_id": ["00", "11", "00", "11"], "gaeste": [100.0, 10, 40, 5],
    ...     "uebernachtungen": [250.0, 30, 100, 15]})
    >>> guests(t)[["jahr", "gebiet", "anteil_uebernachtungen", "index_uebernachtungen"]].values.tolist()
    [[2019, 'Berlin', 100.0, 100.0], [2019, 'Lichtenberg', 12.0, 100.0], [2020, 'Berlin', 100.0, 40.0], [2020, 'Lichtenberg', 15.0, 50.0]]
    """
    src = load_frame(beherbergung, "beherbergung_bezirke")
    out = _annual(src).rename(columns={"bezirk_id": "gebiet_id"})
    out["gebiet"] = out["gebiet_id"].map(GEBIETE)
    out["aufenthaltsdauer"] = (out["uebernachtungen"] / out["gaeste"]).round(2)
    bezirke = out["gebiet_id"] != BERLIN_ID
    for col in ("gaeste", "uebernachtungen"):
        berlin = out[~bezirke].set_index("jahr")[col]
        out[f"anteil_{col}"] = (out[col] / out["jahr"].map(berlin) * 100).round(2)
        out[f"rang_{col}"] = out[col].where(bezirke).groupby(out["jahr"]).rank(ascending=False, method="min")
        base = out[out["jahr"] == base_year].set_index("gebiet_id")[col]
        out[f"index_{col}"] = (out[col] / out["gebiet_id"].map(base) * 100).round(1)
    out[["rang_gaeste", "rang_uebernachtungen"]] = out[["rang_gaeste", "rang_uebernachtungen"]].astype("Int64")
    cols = ["jahr", "gebiet_id", "gebiet", "gaeste", "uebernachtungen", "aufenthaltsdauer", "anteil_gaeste",
            "anteil_uebernachtungen", "rang_gaeste", "rang_uebernachtungen", "index_gaeste",
            "index_uebernachtungen", "grundlage"]
    return with_sources(_keep(out, district)[cols].reset_index(drop=True), src)


def seasonality(beherbergung: pd.DataFrame | None = None, district: Any = None, *,
                year: int | None = None) -> pd.DataFrame:
    """Guests, overnight stays and bed utilisation by month.

    Parameters
    ----------
    beherbergung
        The ``beherbergung_bezirke`` table (``None`` loads it).
    district
        A Bezirk: keep its rows and Berlin's; ``None`` keeps all.
    year
        One year; ``None`` keeps all months in the table.

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``monat``, ``monatsname``, ``gebiet_id``, ``gebiet``, ``gaeste``, ``uebernachtungen``,
        ``bettenauslastung`` (%), ``anteil_am_jahr`` (% of the year's overnight stays; only for years
        with all twelve months) and ``index_monat`` (overnight stays, average month of the year = 100).

    Examples
    --------
    >>> t = pd.DataFrame({"jahr": 2024, "monat": list(range(1, 13)), "zeitraum": "Monat", "bezirk_id": "11",
    ...     "gaeste": 1.0, "uebernachtungen": [50.0] * 11 + [150.0], "bettenauslastung": 50.0})
    >>> seasonality(t)[["monatsname", "anteil_am_jahr", "index_monat"]].iloc[[0, 11]].values.tolist()
    [['Januar', 7.14, 85.7], ['Dezember', 21.43, 257.1]]
    """
    src = load_frame(beherbergung, "beherbergung_bezirke")
    rows = src[src["zeitraum"] == MONAT]
    if year is not None:
        rows = rows[rows["jahr"] == year]
    out = rows[["jahr", "monat", "bezirk_id", "gaeste", "uebernachtungen", "bettenauslastung"]]
    out = out.rename(columns={"bezirk_id": "gebiet_id"})
    out = _keep(out, district).sort_values(["jahr", "gebiet_id", "monat"], ignore_index=True)
    out.insert(2, "monatsname", out["monat"].map(lambda m: MONATE[m - 1]))
    out.insert(4, "gebiet", out["gebiet_id"].map(GEBIETE))
    group = out.groupby(["jahr", "gebiet_id"])["uebernachtungen"]
    complete = out.groupby(["jahr", "gebiet_id"])["monat"].transform("nunique") == 12
    out["anteil_am_jahr"] = (out["uebernachtungen"] / group.transform("sum") * 100).where(complete).round(2)
    out["index_monat"] = (out["uebernachtungen"] / group.transform("mean") * 100).round(1)
    return with_sources(out, src)


def capacity(beherbergung: pd.DataFrame | None = None, district: Any = None) -> pd.DataFrame:
    """Open establishments, beds and bed utilisation per year for the 12 Bezirke and Berlin.

    Establishments and beds are those at the end of the year's latest reported month (December
    for a complete year); the utilisation is the report's "Januar bis <Monat>" value of that
    month, i.e. the year's for a complete year.

    Parameters
    ----------
    beherbergung
        The ``beherbergung_bezirke`` table (``None`` loads it).
    district
        A Bezirk: keep its rows and Berlin's; ``None`` (default) keeps all.

    Returns
    -------
    pandas.DataFrame
        ``jahr``, ``monat`` (month of the stand), ``zeitraum`` ("Januar bis Dezember" …),
        ``gebiet_id``, ``gebiet``, ``betriebe``, ``betten``, ``betten_je_betrieb``,
        ``anteil_betten`` (% of Berlin's beds), ``rang_betten`` (1 = most among the Bezirke),
        ``bettenauslastung`` (% of the beds offered, January to ``monat``).

    Examples
    --------
    >>> t = pd.DataFrame({"jahr": 2024, "monat": [11, 12, 11, 12, 12, 12], "zeitraum": ["Monat"] * 4 + [
    ...     "Januar bis Monat"] * 2, "bezirk_id": ["00", "00", "11", "11", "00", "11"],
    ...     "betriebe": [10.0, 10, 2, 2, None, None], "betten": [1000.0, 1000, 90, 100, None, None],
    ...     "bettenauslastung": [50.0, 40, 45, 35, 55.5, 48.0]})
    >>> capacity(t)[["gebiet", "monat", "betten", "anteil_betten", "bettenauslastung"]].values.tolist()
    [['Berlin', 12, 1000.0, 100.0, 55.5], ['Lichtenberg', 12, 100.0, 10.0, 48.0]]
    """
    src = load_frame(beherbergung, "beherbergung_bezirke")
    beds = src[(src["zeitraum"] == MONAT) & src["betten"].notna()]
    last = beds.loc[beds.groupby(["jahr", "bezirk_id"])["monat"].idxmax()]
    cum = src[src["zeitraum"] == KUMULIERT].set_index(["jahr", "monat", "bezirk_id"])["bettenauslastung"]
    out = last[["jahr", "monat", "bezirk_id", "betriebe", "betten"]].rename(columns={"bezirk_id": "gebiet_id"})
    out = out.sort_values(["jahr", "gebiet_id"], ignore_index=True)
    out.insert(2, "zeitraum", "Januar bis " + out["monat"].map(lambda m: MONATE[m - 1]))
    out.insert(4, "gebiet", out["gebiet_id"].map(GEBIETE))
    out["betten_je_betrieb"] = (out["betten"] / out["betriebe"]).round(1)
    berlin = out.loc[out["gebiet_id"] == BERLIN_ID, ["jahr", "monat", "betten"]].rename(columns={"betten": "_berlin"})
    out = out.merge(berlin, on=["jahr", "monat"], how="left")
    out["anteil_betten"] = (out["betten"] / out.pop("_berlin") * 100).round(2)
    bezirke = out["gebiet_id"] != BERLIN_ID
    out["rang_betten"] = out["betten"].where(bezirke).groupby(out["jahr"]).rank(ascending=False, method="min")
    out["rang_betten"] = out["rang_betten"].astype("Int64")
    keys = list(zip(out["jahr"], out["monat"], out["gebiet_id"]))
    out["bettenauslastung"] = [cum.get(k, float("nan")) for k in keys]
    return with_sources(_keep(out, district).reset_index(drop=True), src)
