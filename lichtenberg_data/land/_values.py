"""Commercial land values: per Stichtag for the district and Berlin, and the commercial zones for the map.

Commercial zones are those with ``gewerbe`` True in ``bodenrichtwerte`` (use codes ``G`` and
``Gp``; see :mod:`lichtenberg_data.sources.land_values`). The zones of the 40000 series published
since 2022 (``zusatzzone``) are counted by default and reported in their own column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT, district_id
from ..names import BERLIN_ID, BEZIRKE

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["land_values", "commercial_zones"]


def _zone_stats(zones: pd.DataFrame, gebiet_id: str) -> pd.DataFrame:
    grouped = zones.groupby("stichtag")
    out = pd.DataFrame({
        "anzahl": grouped.size(),
        "davon_zusatzzonen": grouped["zusatzzone"].sum().astype("int64"),
        "median_eur_m2": grouped["brw_eur_m2"].median(),
        "min_eur_m2": grouped["brw_eur_m2"].min(),
        "max_eur_m2": grouped["brw_eur_m2"].max(),
    }).reset_index()
    out.insert(1, "gebiet_id", gebiet_id)
    out.insert(2, "gebiet", "Berlin" if gebiet_id == BERLIN_ID else BEZIRKE[gebiet_id])
    return out


def land_values(brw: pd.DataFrame, district: Any = DEFAULT_DISTRICT, *, zusatzzonen: bool = True) -> pd.DataFrame:
    """Commercial land values per Stichtag for the district and for Berlin.

    Parameters
    ----------
    brw
        The ``bodenrichtwerte`` table (one row per zone and Stichtag).
    district
        Name or key of the Bezirk (default ``settings.district``); ``None`` for Berlin only.
    zusatzzonen
        Count the zones of the 40000 series published since 2022 (default). They are always
        reported in ``davon_zusatzzonen``, so a jump in ``anzahl`` can be traced to them.

    Returns
    -------
    DataFrame
        One row per Stichtag and area (``gebiet_id`` the Bezirk key or ``"00"`` for Berlin) with
        ``year``, ``anzahl``, ``davon_zusatzzonen``, ``median_eur_m2``, ``min_eur_m2``, ``max_eur_m2``.

    Examples
    --------
    >>> lv = land_values(ld.load("bodenrichtwerte"), "Lichtenberg")          # doctest: +SKIP
    >>> lv.query("gebiet == 'Lichtenberg' and year == 2012")[["anzahl", "median_eur_m2"]]  # doctest: +SKIP
       anzahl  median_eur_m2
    0      17           90.0
    """
    key = district_id(district) or BERLIN_ID
    zones = brw[brw["gewerbe"]]
    if not zusatzzonen:
        zones = zones[~zones["zusatzzone"]]
    parts = [_zone_stats(zones[zones["bezirk_id"] == key], key), _zone_stats(zones, BERLIN_ID)]
    out = pd.concat(parts, ignore_index=True)
    out.insert(1, "year", out["stichtag"].dt.year.astype("int64"))
    out = out.sort_values(["stichtag", "gebiet_id"], ignore_index=True)
    return with_sources(out, brw)


def commercial_zones(zones: gpd.GeoDataFrame, district: Any = DEFAULT_DISTRICT) -> gpd.GeoDataFrame:
    """The commercial Bodenrichtwert zones (``G``, ``Gp``) of a Bezirk, with their area.

    A zone counts for the Bezirk its ``bezirk`` attribute names (as the Gutachterausschuss
    assigns it), not for every Bezirk its polygon touches.

    Parameters
    ----------
    zones
        The ``bodenrichtwert_zonen`` table (polygons of one Stichtag, EPSG:25833).
    district
        Name or key of the Bezirk (default ``settings.district``); ``None`` for all of Berlin.

    Returns
    -------
    GeoDataFrame
        The zones' columns plus ``flaeche_ha``, sorted by value (highest first), with the
        provenance of ``zones`` (its Stand is the zones' Stichtag).

    Examples
    --------
    >>> z = commercial_zones(ld.load("bodenrichtwert_zonen"), "Lichtenberg")   # doctest: +SKIP
    >>> len(z), round(z["flaeche_ha"].sum()), z["brw_eur_m2"].median()          # doctest: +SKIP
    (16, 724, 225.0)
    """
    if zones.crs is None or zones.crs.to_epsg() != 25833:
        raise ValueError(f"zones must be in EPSG:25833, not {zones.crs}")
    key = district_id(district)
    chosen = zones[zones["gewerbe"] & ((zones["bezirk_id"] == key) if key else True)].copy()
    chosen["flaeche_ha"] = chosen.geometry.area / 10_000
    chosen = chosen.sort_values(["brw_eur_m2", "brw_nummer"], ascending=[False, True], ignore_index=True)
    return with_sources(chosen, zones)
