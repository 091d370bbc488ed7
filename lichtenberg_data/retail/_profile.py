"""Profiles of the shopping centres: who lives around them, and what else trades nearby.

:func:`centre_profiles`
    Residents within 500, 1,000 and 1,500 m of each centre (areal interpolation of the latest
    LOR-2021 edition of ``einwohner_lor`` with :func:`lichtenberg_data.geo.within`: each
    Planungsraum counts with the share of its area inside the circle, its residents assumed
    evenly spread); their change over the last five years (from the previous edition on the same
    LOR where one is there, else the change of the centre's Bezirk - column ``veraenderung_ebene``
    says which); the age structure within 1,000 m; the median earnings (``entgelte_lor``) and the
    social-status class (MSS) of the Planungsräume around it, weighted by their residents inside
    the 1,000 m circle.
:func:`surroundings`
    Retail businesses (IHK, WZ 47 by group) and OSM shops (by group) within 300 m.
:func:`supermarkets_near`
    The supermarkets (all, and full-range supermarkets or discounters) within 500 m.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataNotAvailableError
from .._provenance import with_sources
from ._residents import _load, latest_residents, previous_residents

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["latest_residents", "previous_residents", "centre_profiles", "surroundings", "supermarkets_near", "AGE_GROUPS",
           "NACE_47_GROUPS", "RADII_M"]

RADII_M = (500, 1000, 1500)
#: Age groups of the profiles: label → columns of ``einwohner_lor`` that add up to it.
AGE_GROUPS = {"unter_18": ("alter_unter_1", "alter_1_6", "alter_6_15", "alter_15_18"),
              "18_65": ("alter_18_25", "alter_25_55", "alter_55_65"), "65_plus": ("alter_65_80", "alter_80_110")}
#: The groups of WZ 2008 division 47 (retail trade).
NACE_47_GROUPS = {
    "471": "Waren verschiedener Art (z. B. Supermärkte, Kaufhäuser)",
    "472": "Nahrungs- und Genussmittel, Getränke, Tabak",
    "473": "Tankstellen",
    "474": "Informations- und Kommunikationstechnik",
    "475": "Haushaltsgeräte, Textilien, Heimwerker- und Einrichtungsbedarf",
    "476": "Verlagsprodukte, Sport, Spielwaren",
    "477": "Sonstige Güter (Bekleidung, Apotheken, Drogerie u. a.)",
    "478": "Verkaufsstände und Märkte",
    "479": "Nicht in Verkaufsräumen (Versand- und Internethandel u. a.)",
}


def _age_columns(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows[["planungsraum_id", "einwohner"]].copy()
    for label, cols in AGE_GROUPS.items():
        out[f"ew_{label}"] = rows[list(cols)].sum(axis=1, min_count=1)
    return out


def _pieces(points: gpd.GeoDataFrame, radius_m: float, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """(point index, planungsraum_id, share of the Planungsraum's area inside the circle)."""
    import shapely

    polys = areas.geometry.to_numpy()
    circles = shapely.buffer(points.geometry.to_numpy(), float(radius_m), quad_segs=16)
    ci, pi = shapely.STRtree(polys).query(circles, predicate="intersects")
    share = shapely.area(shapely.intersection(circles[ci], polys[pi])) / shapely.area(polys[pi])
    return pd.DataFrame({"i": ci, "planungsraum_id": areas["planungsraum_id"].to_numpy()[pi], "share": share})


def centre_profiles(centres: gpd.GeoDataFrame, *, einwohner: pd.DataFrame | None = None,
                    entgelte: pd.DataFrame | None = None, mss: pd.DataFrame | None = None,
                    areas: gpd.GeoDataFrame | None = None, radii: Sequence[float] = RADII_M) -> pd.DataFrame:
    """Residents, their change, ages, earnings and social status around each centre (module docstring).

    ``entgelte`` and ``mss`` are optional: without them (not loaded) their columns stay empty.

    Returns
    -------
    pandas.DataFrame
        ``zentrum_id``, ``zentrum``, ``rolle``, ``einwohner_<r>m`` per radius, ``jahr``,
        ``vergleichsjahr``, ``veraenderung_pct`` and ``veraenderung_ebene`` (``Umkreis 1.000 m`` or
        ``Bezirk``), ``anteil_unter_18``/``anteil_18_65``/``anteil_65_plus`` (% within 1,000 m),
        ``median_eur`` (residents-weighted mean of the Planungsräume's medians within 1,000 m -
        an approximation, not a median of people), ``status_klasse`` of the centre's own
        Planungsraum and ``anteil_status_niedrig`` (% of the residents within 1,000 m living in
        Planungsräume of status niedrig or sehr niedrig).
    """
    from .. import geo

    areas = geo.boundaries("planungsraum", None) if areas is None else areas
    src = _load(einwohner, "einwohner_lor")
    rows = latest_residents(src)
    values = _age_columns(rows)
    near = geo.within(centres, list(radii), values, ["einwohner"], areas=areas)
    out = pd.DataFrame({c: centres[c].to_numpy() for c in ("zentrum_id", "zentrum", "rolle") if c in centres})
    for r in radii:
        out[f"einwohner_{int(r)}m"] = near[f"einwohner_{int(r)}m"].to_numpy()
    out["jahr"] = int(rows["year"].iloc[0])
    _add_change(out, centres, src, areas)
    ages = geo.within(centres, 1000, values, [f"ew_{k}" for k in AGE_GROUPS], areas=areas)
    total = ages[[f"ew_{k}_1000m" for k in AGE_GROUPS]].sum(axis=1).to_numpy()
    for k in AGE_GROUPS:
        out[f"anteil_{k}"] = ages[f"ew_{k}_1000m"].to_numpy() / np.where(total > 0, total, np.nan) * 100
    pieces = _pieces(centres, 1000, areas).merge(values[["planungsraum_id", "einwohner"]], on="planungsraum_id")
    pieces["w"] = pieces["share"] * pieces["einwohner"].fillna(0)
    inputs = [rows, areas]
    for extra in _earnings_and_status(pieces, out, centres, entgelte, mss):
        inputs.append(extra)
    return with_sources(out, *inputs)


def _add_change(out: pd.DataFrame, centres: gpd.GeoDataFrame, src: pd.DataFrame, areas: gpd.GeoDataFrame) -> None:
    from .. import geo

    before, level = previous_residents(src)
    out["vergleichsjahr"] = int(before["year"].iloc[0]) if len(before) else pd.NA
    if level == "planungsraum":
        old = geo.within(centres, 1000, before[["planungsraum_id", "einwohner"]], ["einwohner"], areas=areas)
        previous = old["einwohner_1000m"].to_numpy()
        out["veraenderung_pct"] = (out["einwohner_1000m"] / previous - 1) * 100
        out["veraenderung_ebene"] = "Umkreis 1.000 m"
    elif level == "bezirk":
        latest = latest_residents(src)
        now = latest.groupby("bezirk_id")["einwohner"].sum()
        then = before.groupby("bezirk_id")["einwohner"].sum()
        bezirk = centres["bezirk_id"].to_numpy()
        out["veraenderung_pct"] = (pd.Series(bezirk).map(now) / pd.Series(bezirk).map(then) - 1).to_numpy() * 100
        out["veraenderung_ebene"] = "Bezirk"
    else:
        out["veraenderung_pct"], out["veraenderung_ebene"] = np.nan, "keine frühere Ausgabe"


def _earnings_and_status(pieces: pd.DataFrame, out: pd.DataFrame, centres: gpd.GeoDataFrame,
                         entgelte: pd.DataFrame | None, mss: pd.DataFrame | None) -> list:
    """Fill the earnings and status columns where the datasets are there; the frames used."""
    from .. import workforce

    used = []
    out["median_eur"] = np.nan
    out["status_klasse"] = pd.NA
    out["anteil_status_niedrig"] = np.nan
    try:
        pay = workforce.earnings(_load(entgelte, "entgelte_lor"), district=None)
    except DataNotAvailableError:
        pay = None
    if pay is not None:
        medians = pay[pay["ebene"] == "planungsraum"].set_index("gebiet_id")["median_eur"]
        p = pieces.assign(m=pieces["planungsraum_id"].map(medians)).dropna(subset=["m"])
        weighted = (p["m"] * p["w"]).groupby(p["i"]).sum() / p["w"].groupby(p["i"]).sum()
        out["median_eur"] = weighted.reindex(range(len(out))).to_numpy()
        used.append(pay)
    try:
        status = workforce.social_status(_load(mss, "mss"), district=None)
    except DataNotAvailableError:
        status = None
    if status is not None:
        classes = status.set_index("gebiet_id")["status_klasse"]
        own = centres["planungsraum_id"].map(classes)
        out["status_klasse"] = own.astype("Int64").to_numpy()
        p = pieces.assign(low=pieces["planungsraum_id"].map(classes).isin([3, 4]))
        out["anteil_status_niedrig"] = ((p["w"] * p["low"]).groupby(p["i"]).sum() / p["w"].groupby(p["i"]).sum()
                                        ).reindex(range(len(out))).to_numpy() * 100
        used.append(status)
    return used


def surroundings(centres: gpd.GeoDataFrame, *, radius_m: float = 300, ihk: pd.DataFrame | None = None,
                 pois: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Retail businesses (IHK, WZ 47 groups) and OSM shops (by group) within ``radius_m`` of each centre.

    Returns
    -------
    pandas.DataFrame
        Long: ``zentrum_id``, ``zentrum``, ``quelle`` (``IHK (WZ 47)`` or ``OpenStreetMap``),
        ``gruppe``, ``anzahl``. A dataset that is not loaded adds no rows.
    """
    import geopandas as gpd

    parts, inputs = [], []
    try:
        firms = _load(ihk, "ihk_gewerbedaten")
    except DataNotAvailableError:
        firms = None
    if firms is not None:
        retail = firms[firms["nace_id"].astype(str).str.startswith("47")].dropna(subset=["latitude", "longitude"])
        points = gpd.GeoDataFrame(retail, geometry=gpd.points_from_xy(retail["longitude"], retail["latitude"]),
                                  crs="EPSG:4326").to_crs("EPSG:25833")
        groups = retail["nace_id"].astype(str).str[:3].map(NACE_47_GROUPS).fillna("WZ 47 ohne Gruppe")
        parts.append(_count(centres, points, groups.to_numpy(), radius_m, "IHK (WZ 47)"))
        inputs.append(firms)
    if pois is None:
        from ._centres import _osm_pois

        pois = _osm_pois()
    if pois is not None:
        shops = pois[pois["shop"].notna() & (pois["shop"] != "mall") & pois.geometry.notna()]
        parts.append(_count(centres, shops, shops["gruppe"].to_numpy(), radius_m, "OpenStreetMap"))
        inputs.append(pois)
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["zentrum_id", "zentrum", "quelle", "gruppe", "anzahl"])
    return with_sources(out, *inputs)


def _count(centres: gpd.GeoDataFrame, points: gpd.GeoDataFrame, groups: np.ndarray, radius_m: float,
           source: str) -> pd.DataFrame:
    import shapely

    tree = shapely.STRtree(points.geometry.to_numpy())
    ci, pi = tree.query(centres.geometry.to_numpy(), predicate="dwithin", distance=radius_m)
    hits = pd.DataFrame({"i": ci, "gruppe": groups[pi]})
    counts = hits.groupby(["i", "gruppe"]).size().rename("anzahl").reset_index()
    counts["zentrum_id"] = centres["zentrum_id"].to_numpy()[counts["i"]]
    counts["zentrum"] = centres["zentrum"].to_numpy()[counts["i"]]
    counts["quelle"] = source
    return counts[["zentrum_id", "zentrum", "quelle", "gruppe", "anzahl"]]


def supermarkets_near(centres: gpd.GeoDataFrame, *, radius_m: float = 500,
                      stores: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """OSM supermarkets within ``radius_m`` of each centre: all, and full-range supermarkets or discounters.

    Returns
    -------
    pandas.DataFrame
        ``zentrum_id``, ``zentrum``, ``supermaerkte``, ``vollsortimenter_discounter``.
    """
    import shapely

    from ._supply import SUPPLY_TYPES, food_stores

    stores = food_stores() if stores is None else stores
    out = pd.DataFrame({"zentrum_id": centres["zentrum_id"].to_numpy(), "zentrum": centres["zentrum"].to_numpy()})
    for column, chosen in (("supermaerkte", stores), ("vollsortimenter_discounter",
                                                      stores[stores["betriebstyp"].isin(SUPPLY_TYPES)])):
        ci, _ = shapely.STRtree(chosen.geometry.to_numpy()).query(centres.geometry.to_numpy(), predicate="dwithin",
                                                                  distance=radius_m)
        out[column] = np.bincount(ci, minlength=len(centres))
    return with_sources(out, stores)
