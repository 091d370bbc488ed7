"""Job offers: assigned to Bezirke (coordinates, else postcode), per Bezirk and per occupation
field (private; public through :mod:`lichtenberg_data.workforce`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._provenance import with_sources
from ..geo import assign, district_id
from ..names import BERLIN_ID, BEZIRKE
from ._common import _DEFAULT, _load

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

#: A postcode places offers without coordinates only when at least this many offers of the same
#: table with coordinates carry it, and at least this share of them lie in one Bezirk.
PLZ_MIN_OFFERS = 5
PLZ_MIN_SHARE = 0.9
NOT_PLACED = "nicht zuordenbar"


def postcode_districts(located: pd.DataFrame) -> pd.DataFrame:
    """Which Bezirk each postcode lies in, learnt from the offers placed by their coordinates.

    Postcodes cross Bezirk borders and no list of postcode areas per Bezirk is available
    offline, so the table is derived from the data themselves: a postcode is assigned to the
    Bezirk in which at least :data:`PLZ_MIN_SHARE` of at least :data:`PLZ_MIN_OFFERS` offers with
    that postcode and coordinates lie (for every Bezirk alike).

    Parameters
    ----------
    located
        Offers with ``plz`` and ``bezirk_id`` (from coordinates; empty where none).

    Returns
    -------
    pandas.DataFrame
        ``plz, bezirk_id, angebote`` (offers with coordinates and that postcode), ``anteil``
        (share in that Bezirk, 0-1), ``eindeutig`` (the thresholds are met).
    """
    pts = located.dropna(subset=["plz", "bezirk_id"])
    if pts.empty:
        return pd.DataFrame(columns=["plz", "bezirk_id", "angebote", "anteil", "eindeutig"])
    counts = pts.groupby(["plz", "bezirk_id"]).size().rename("n").reset_index()
    counts["angebote"] = counts.groupby("plz")["n"].transform("sum")
    top = counts.sort_values(["plz", "n"], ascending=[True, False]).drop_duplicates("plz")
    top["anteil"] = top["n"] / top["angebote"]
    top["eindeutig"] = (top["angebote"] >= PLZ_MIN_OFFERS) & (top["anteil"] >= PLZ_MIN_SHARE)
    return top[["plz", "bezirk_id", "angebote", "anteil", "eindeutig"]].reset_index(drop=True)


def locate_offers(stellen: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Assign each job offer to a Bezirk.

    Offers with coordinates are placed by point in polygon (:func:`lichtenberg_data.geo.assign`,
    ``zuordnung == "koordinaten"``; outside Berlin: ``"außerhalb Berlins"``, no ``bezirk_id``).
    Offers without coordinates get the Bezirk of their postcode where the offers with
    coordinates show it unambiguously (:func:`postcode_districts`, ``zuordnung == "plz"``,
    approximate); all others are ``"nicht zuordenbar"``, in every Bezirk alike.

    Parameters
    ----------
    stellen
        The ``stellenangebote`` table.
    areas
        Bezirk polygons (default: :func:`lichtenberg_data.geo.boundaries` ``("bezirk", None)``).
    """
    src = _load(stellen, "stellenangebote")
    has_point = src["lat"].notna() & src["lon"].notna()
    out = src.copy()
    placed = assign(src[has_point], "bezirk", None, lon="lon", lat="lat", areas=areas)
    out["bezirk_id"] = placed["bezirk_id"].reindex(out.index)
    out["zuordnung"] = np.where(out["bezirk_id"].notna(), "koordinaten",
                                np.where(has_point, "außerhalb Berlins", NOT_PLACED))
    plz = postcode_districts(out)
    known = plz[plz["eindeutig"]].set_index("plz")["bezirk_id"]
    by_plz = ~has_point & out["plz"].isin(known.index)
    out.loc[by_plz, "bezirk_id"] = out.loc[by_plz, "plz"].map(known)
    out.loc[by_plz, "zuordnung"] = "plz"
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    inputs = [src] if areas is None else [src, areas]
    return with_sources(out, *inputs)


def _unemployed_for(arbeitslose: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Registered unemployed of the latest date up to ``when`` (else the earliest there is)."""
    dates = sorted(arbeitslose["date"].unique())
    earlier = [d for d in dates if d <= when]
    chosen = earlier[-1] if earlier else dates[0]
    rows = arbeitslose[arbeitslose["date"] == chosen]
    return rows[["bezirk_id", "arbeitslose"]].assign(arbeitslose_stand=chosen)


def vacancies(stellen: pd.DataFrame | None = None, arbeitslose: pd.DataFrame | None = None, *,
              located: pd.DataFrame | None = None, areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Job and apprenticeship offers per Bezirk (and Berlin), and per 100 registered unemployed.

    Parameters
    ----------
    stellen, arbeitslose
        The ``stellenangebote`` and ``arbeitslose_bezirke`` tables (``arbeitslose`` may be an
        empty frame to skip the ratio).
    located
        The output of :func:`locate_offers`, if already computed.

    Returns
    -------
    pandas.DataFrame
        ``date, angebot, gebiet_id, gebiet, angebote, arbeitslose, arbeitslose_stand,
        angebote_je_100_arbeitslose, abfrage_vollstaendig, nicht_zuordenbar`` (offers of that
        snapshot and type in no Bezirk: no coordinates and no unambiguous postcode; the same on
        every row, not counted in any Bezirk or in Berlin). Offers in the Jobsuche are not
        the BA statistics of registered vacancies: the ratio is an indication, not the
        official "Arbeitslose je gemeldete Stelle".
    """
    loc = located if located is not None else locate_offers(stellen, areas)
    alo = _load(arbeitslose, "arbeitslose_bezirke")
    inside = loc[loc["bezirk_id"].notna()]
    keys = ["date", "angebot"]
    counts = inside.groupby([*keys, "bezirk_id"]).size().rename("angebote").reset_index()
    full = pd.MultiIndex.from_product([sorted(inside["date"].unique()), sorted(inside["angebot"].unique()),
                                       sorted(BEZIRKE)], names=[*keys, "bezirk_id"])
    counts = counts.set_index([*keys, "bezirk_id"]).reindex(full, fill_value=0).reset_index()
    berlin = counts.groupby(keys, as_index=False)["angebote"].sum().assign(bezirk_id=BERLIN_ID)
    out = pd.concat([counts, berlin], ignore_index=True)
    complete = loc.groupby(keys)["abfrage_vollstaendig"].all().rename("abfrage_vollstaendig")
    out = out.merge(complete.reset_index(), on=keys, how="left")
    unplaced = loc[loc["zuordnung"] == NOT_PLACED].groupby(keys).size().rename("nicht_zuordenbar")
    out = out.merge(unplaced.reset_index(), on=keys, how="left").fillna({"nicht_zuordenbar": 0})
    out["nicht_zuordenbar"] = out["nicht_zuordenbar"].astype(int)
    out = _add_unemployed(out, alo)
    out = out.rename(columns={"bezirk_id": "gebiet_id"})
    out.insert(3, "gebiet", out["gebiet_id"].map({**BEZIRKE, BERLIN_ID: "Berlin"}))
    inputs = [loc] if alo.empty else [loc, alo]
    return with_sources(out.sort_values([*keys, "gebiet_id"], ignore_index=True), *inputs)


def _add_unemployed(out: pd.DataFrame, alo: pd.DataFrame) -> pd.DataFrame:
    if alo.empty:
        return out.assign(arbeitslose=np.nan, arbeitslose_stand=pd.NaT, angebote_je_100_arbeitslose=np.nan)
    parts = []
    for when, rows in out.groupby("date"):
        parts.append(rows.merge(_unemployed_for(alo, when), on="bezirk_id", how="left"))
    out = pd.concat(parts, ignore_index=True)
    out["angebote_je_100_arbeitslose"] = out["angebote"] / out["arbeitslose"] * 100
    return out


def vacancies_by_field(stellen: pd.DataFrame | None = None, district: Any = _DEFAULT, *,
                       located: pd.DataFrame | None = None,
                       areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Offers by occupation field in the district against Berlin, per snapshot and offer type.

    Returns
    -------
    pandas.DataFrame
        ``date, angebot, berufsfeld, bezirk`` (offers in the district), ``berlin``,
        ``anteil_bezirk``/``anteil_berlin`` (% of all offers of that type) and
        ``anteil_am_berliner_angebot`` (% of Berlin's offers in the field that are in the district).
        Offers without an occupation field are listed as "ohne Angabe".
    """
    loc = located if located is not None else locate_offers(stellen, areas)
    bid = district_id(district)
    work = loc[loc["bezirk_id"].notna()].assign(berufsfeld=lambda d: d["berufsfeld"].fillna("ohne Angabe"))
    keys = ["date", "angebot", "berufsfeld"]
    berlin = work.groupby(keys).size().rename("berlin")
    here = work[work["bezirk_id"] == bid].groupby(keys).size().rename("bezirk")
    out = pd.concat([here, berlin], axis=1).fillna(0).astype(int).reset_index()
    for col in ("bezirk", "berlin"):
        out[f"anteil_{col}"] = out[col] / out.groupby(["date", "angebot"])[col].transform("sum") * 100
    out["anteil_am_berliner_angebot"] = out["bezirk"] / out["berlin"] * 100
    out.insert(3, "gebiet", BEZIRKE[bid])
    return with_sources(out.sort_values(["date", "angebot", "bezirk"], ascending=[True, True, False],
                                        ignore_index=True), loc)
