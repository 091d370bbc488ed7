"""Indicators from the Monitoring Soziale Stadtentwicklung (MSS): unemployment and the
Status-/Dynamik-Index classes (private; public through :mod:`lichtenberg_data.workforce`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ..geo import district_id
from ..names import BERLIN_ID
from ._common import _DEFAULT, AGE_SUMS, _area_ids, _check_level, _finish_areas, _load

# ============================================================================ unemployment (MSS)

_MSS_WEIGHTS = {"arbeitslosigkeit": "einwohner_15_65", "jugendarbeitslosigkeit": "einwohner_15_25",
                "langzeitarbeitslosigkeit": "einwohner_15_65"}


def _mss_weights(rows: pd.DataFrame, einwohner: pd.DataFrame | None, indicator: str) -> tuple[pd.Series, str]:
    """Weights per row: the indicator's population group on the MSS reference date when
    ``einwohner`` has it (same LOR version), else all residents as given in the MSS."""
    group = _MSS_WEIGHTS.get(indicator)
    edition = int(rows["edition"].iloc[0])
    if einwohner is not None and group is not None:
        year = einwohner[(einwohner["year"] == edition - 1) & (einwohner["lor_version"] == rows["lor_version"].iloc[0])]
        if len(year):
            pop = year.set_index("planungsraum_id")[list(AGE_SUMS[group])].astype(float).sum(axis=1)
            weights = rows["planungsraum_id"].map(pop)
            if weights.notna().mean() > 0.95:
                label = group.replace("einwohner_", "Einwohner ").replace("_", " bis unter ")
                return weights, f"{label} Jahre (31.12.{edition - 1})"
    return rows["einwohner"], "Einwohner insgesamt (MSS)"


def _weighted_mean(rows: pd.DataFrame, weights: pd.Series, by: list[str]) -> pd.DataFrame:
    ok = rows["wert"].notna() & weights.notna() & (weights > 0)
    work = rows.loc[ok, by].copy()
    work["_wx"] = rows.loc[ok, "wert"] * weights[ok]
    work["_w"] = weights[ok]
    grouped = work.groupby(by, as_index=False).agg(_wx=("_wx", "sum"), _w=("_w", "sum"),
                                                   n_planungsraeume=("_w", "size"))
    grouped["wert"] = grouped["_wx"] / grouped["_w"]
    return grouped.drop(columns=["_wx", "_w"])


def unemployment(mss: pd.DataFrame | None = None, level: str = "bezirk", district: Any = _DEFAULT, *,
                 indicators: tuple[str, ...] = ("arbeitslosigkeit", "jugendarbeitslosigkeit"),
                 edition: int | None = None, einwohner: pd.DataFrame | None = None) -> pd.DataFrame:
    """Unemployment and youth unemployment (MSS, % of the age group) per area and edition.

    Planungsraum values are those of the MSS. Larger areas get the population-weighted mean
    of their valid Planungsräume (MSS suppresses uninhabited ones): with ``einwohner`` (the
    ``einwohner_lor`` table) the weights are the indicator's own denominator (residents 15-<65,
    resp. 15-<25) on the MSS reference date; without it (or where that year is missing) all
    residents as reported in the MSS - an approximation, named in the column ``gewichtung``.

    Parameters
    ----------
    mss
        The ``mss`` table (long format).
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum``, ``bezirk`` (12 + Berlin) or ``berlin``.
    district
        Restricts sub-Bezirk levels to one Bezirk (``None``: all of Berlin).
    indicators
        Canonical MSS indicators.
    edition
        All editions that have the indicators (default), or one edition: where that edition
        lacks an indicator (the MSS 2023 index workbook has the indices only), the latest
        earlier edition that has it is used and ``attrs["hinweis"]`` says so.

    Returns
    -------
    pandas.DataFrame
        ``ebene, edition, date, gebiet_id, gebiet, bezirk_id, indikator, wert, einheit,
        n_planungsraeume, gewichtung, zuordnung_geprueft``.
    """
    _check_level(level)
    src = _load(mss, "mss")
    rows = src[src["indikator"].isin(indicators) & src["gueltig"]]
    rows, note = _edition_rows(rows, edition) if edition is not None else (rows, "")
    if rows.empty:
        raise DataNotAvailableError(f"mss: no rows for {', '.join(indicators)}"
                                    + (f" in edition {edition} or before" if edition else ""))
    parts = [_unemployment_part(part, level, einwohner) for _, part in rows.groupby(["edition", "indikator"])]
    out = _finish_areas(pd.concat(parts, ignore_index=True), level, district_id(district))
    if "_name" in out.columns:
        out["gebiet"] = out["_name"].fillna(out["gebiet"])
    out = out[["ebene", "edition", "date", "gebiet_id", "gebiet", "bezirk_id", "indikator", "wert", "einheit",
               "n_planungsraeume", "gewichtung", "zuordnung_geprueft"]]
    inputs = [src] if einwohner is None else [src, einwohner]
    out = with_sources(out.sort_values(["edition", "indikator", "gebiet_id"], ignore_index=True), *inputs)
    if note:
        out.attrs["hinweis"] = note
    return out


def _edition_rows(rows: pd.DataFrame, edition: int) -> tuple[pd.DataFrame, str]:
    """Per indicator the rows of ``edition``, else of the latest edition before it that has it."""
    chosen = rows[rows["edition"] <= edition].groupby("indikator")["edition"].max()
    keep = rows["edition"] == rows["indikator"].map(chosen)
    older = chosen[chosen != edition]
    note = "; ".join(f"MSS {edition} enthält keine Werte für {name}, verwendet: MSS {ed}"
                     for name, ed in older.items())
    return rows[keep], note


def _unemployment_part(rows: pd.DataFrame, level: str, einwohner: pd.DataFrame | None) -> pd.DataFrame:
    weights, label = _mss_weights(rows, einwohner, rows["indikator"].iloc[0])
    keys = ["edition", "date", "indikator", "einheit", "zuordnung_geprueft"]
    if level == "planungsraum":
        out = rows[[*keys, "planungsraum_id", "wert"]].rename(columns={"planungsraum_id": "gebiet_id"})
        out = out.assign(n_planungsraeume=1)
    else:
        work = rows.assign(gebiet_id=_area_ids(rows, level).to_numpy())
        out = _weighted_mean(work, weights, [*keys, "gebiet_id"])
        if level == "bezirk":
            berlin = _weighted_mean(work.assign(gebiet_id=BERLIN_ID), weights, [*keys, "gebiet_id"])
            out = pd.concat([out, berlin], ignore_index=True)
    out["gewichtung"] = "keine (Planungsraum)" if level == "planungsraum" else label
    if level == "planungsraum":
        out = out.merge(rows[["planungsraum_id", "planungsraum"]].rename(
            columns={"planungsraum_id": "gebiet_id", "planungsraum": "_name"}), on="gebiet_id", how="left")
    return out


# ============================================================================ social status (MSS)

def social_status(mss: pd.DataFrame | None = None, edition: int | None = None,
                  district: Any = _DEFAULT) -> pd.DataFrame:
    """The MSS Status-Index and Dynamik-Index classes of each Planungsraum.

    Parameters
    ----------
    mss
        The ``mss`` table (default: loaded).
    edition
        MSS edition (default: the latest that has the indices, e.g. 2023 from the index workbook).
    district
        Bezirk whose Planungsräume are listed (``None``: all).

    Returns
    -------
    pandas.DataFrame
        ``ebene, edition, date, gebiet_id, gebiet, bezirk_id, einwohner, gueltig,
        status_klasse`` (1 hoch … 4 sehr niedrig), ``status``, ``dynamik_klasse`` (1 positiv,
        3 stabil, 5 negativ), ``dynamik``, ``gruppe`` (as the MSS prints it, ``"2+/-"``) and
        ``zuordnung_geprueft``. Planungsräume left out of the index (under 300 residents,
        outliers) have ``gueltig`` False and no classes.
    """
    from ..sources._mss_xlsx import DYNAMIK_CLASSES, STATUS_CLASSES

    src = _load(mss, "mss")
    rows = src[src["indikator"].isin(["statusindex", "dynamikindex"])]
    if rows.empty:
        raise DataNotAvailableError("mss: no Status-/Dynamik-Index rows; import an edition with the indices")
    chosen = int(rows["edition"].max()) if edition is None else edition
    rows = rows[rows["edition"] == chosen]
    if rows.empty:
        raise DataNotAvailableError(f"mss: edition {edition} has no Status-/Dynamik-Index")
    keys = ["edition", "date", "planungsraum_id", "planungsraum", "bezirk_id", "einwohner", "gueltig",
            "zuordnung_geprueft"]
    wide = rows.pivot(index="planungsraum_id", columns="indikator", values="wert")
    wide = wide.reindex(columns=["statusindex", "dynamikindex"])
    out = rows.drop_duplicates("planungsraum_id")[keys].merge(wide, left_on="planungsraum_id", right_index=True)
    out = out.rename(columns={"planungsraum_id": "gebiet_id", "planungsraum": "gebiet"})
    out["status_klasse"] = out["statusindex"].astype("Int64")
    out["status"] = out["status_klasse"].map(STATUS_CLASSES, na_action="ignore")
    out["dynamik_klasse"] = out["dynamikindex"].astype("Int64")
    symbols = {cls: sym for sym, (cls, _) in DYNAMIK_CLASSES.items()}
    out["dynamik"] = out["dynamik_klasse"].map({cls: text for cls, text in DYNAMIK_CLASSES.values()},
                                               na_action="ignore")
    out["gruppe"] = out["status_klasse"].astype("string") + out["dynamik_klasse"].map(symbols, na_action="ignore")
    bid = district_id(district)
    if bid is not None:
        out = out[out["bezirk_id"] == bid]
    out.insert(0, "ebene", "planungsraum")
    columns = ["ebene", "edition", "date", "gebiet_id", "gebiet", "bezirk_id", "einwohner", "gueltig",
               "status_klasse", "status", "dynamik_klasse", "dynamik", "gruppe", "zuordnung_geprueft"]
    return with_sources(out[columns].sort_values("gebiet_id", ignore_index=True), src)
