"""Commercial land in the district: land values, completions, commercial and industrial area.

Every function takes processed tables (pandas in) and returns a tidy DataFrame (pandas out) that
carries the provenance of its inputs (:func:`lichtenberg_data.with_sources`), so a chart made
from it prints its source line.

======================  =====================================================================
function                what
======================  =====================================================================
land_values             commercial land values per Stichtag: median, min, max, number of zones,
                        for the district and for Berlin (``bodenrichtwerte``)
commercial_zones        the commercial zones of the district with their polygons and hectares, for
                        the map (``bodenrichtwert_zonen``, one Stichtag)
completions             completed buildings per year, Bezirk and Berlin (``baufertigstellungen``)
commercial_area         hectares and share of commercial and industrial use per Planungsraum
                        (``flaechennutzung`` intersected with ``lor_planungsraeume``)
gigabit                 share of residential and business units with gigabit-capable supply per
                        Planungsraum (``gigabit_versorgung``)
commercial_sites        the district's named commercial areas (curated, a source URL per row)
site_profile            the figures of a one-page site exposé (``lichtenberg-data expose``)
======================  =====================================================================

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

__all__ = ["COMPLETION_KINDS", "land_values", "commercial_zones", "completions", "commercial_area", "gigabit",
           "commercial_sites", "site_profile"]

#: Kinds of building of :func:`completions` and the measure each is counted by.
COMPLETION_KINDS = {"nichtwohngebaeude": "fertigstellung_neubau", "wohngebaeude": "fertigstellung_neubau",
                    "wohn_und_nichtwohnbau": "fertigstellung"}
_COMPLETION_VALUES = ["gebaeude", "nutzflaeche_m2", "rauminhalt_m3", "kosten_eur", "wohnungen", "wohnflaeche_m2"]


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


def completions(baufertigstellungen: pd.DataFrame, kind: str = "nichtwohngebaeude") -> pd.DataFrame:
    """Completed buildings per year for each Bezirk and Berlin.

    Parameters
    ----------
    baufertigstellungen
        The ``baufertigstellungen`` table.
    kind
        ``"nichtwohngebaeude"`` (new non-residential buildings), ``"wohngebaeude"`` (new residential
        buildings) or ``"wohn_und_nichtwohnbau"`` (all construction including work on existing buildings).

    Returns
    -------
    DataFrame
        ``year``, ``gebiet_id`` (``"00"`` Berlin), ``gebiet`` and the values in base units
        (``gebaeude``, ``nutzflaeche_m2``, ``rauminhalt_m3``, ``kosten_eur``, ``wohnungen``, ``wohnflaeche_m2``).

    Examples
    --------
    >>> c = completions(ld.load("baufertigstellungen"))                    # doctest: +SKIP
    >>> c.query("gebiet_id == '11' and year == 2022")["nutzflaeche_m2"].item()   # doctest: +SKIP
    60390.0
    """
    if kind not in COMPLETION_KINDS:
        raise ValueError(f"kind must be one of {', '.join(COMPLETION_KINDS)}, not {kind!r}")
    rows = baufertigstellungen[(baufertigstellungen["gebaeudeart"] == kind)
                               & (baufertigstellungen["massnahme"] == COMPLETION_KINDS[kind])]
    out = rows.rename(columns={"bezirk_id": "gebiet_id", "bezirk": "gebiet"})
    out = out[["year", "gebiet_id", "gebiet", *_COMPLETION_VALUES]]
    out = out.sort_values(["year", "gebiet_id"], ignore_index=True)
    return with_sources(out, baufertigstellungen)


def commercial_area(flaechennutzung: gpd.GeoDataFrame, planungsraeume: gpd.GeoDataFrame) -> pd.DataFrame:
    """Hectares and share of commercial and industrial use per Planungsraum.

    Each block of ``flaechennutzung`` is intersected with the Planungsräume; the area of each piece
    counts for the Planungsraum it lies in (area-weighted, so a block on a boundary is split).

    Parameters
    ----------
    flaechennutzung
        The ``flaechennutzung`` table (blocks with ``gewerbe`` and geometry, EPSG:25833).
    planungsraeume
        The ``lor_planungsraeume`` table (``planungsraum_id``, ``planungsraum``, ``bezirk_id``, geometry).

    Returns
    -------
    DataFrame
        One row per Planungsraum: ``planungsraum_id``, ``planungsraum``, ``bezirk_id``,
        ``flaeche_ha`` (the Planungsraum), ``bloecke_ha`` (covered by land-use blocks, i.e.
        without streets), ``gewerbe_ha`` and ``anteil_prozent`` (commercial share of the
        Planungsraum's area) and ``anteil_bloecke_prozent`` (share of the block area).
    """
    import geopandas as gpd

    for name, frame in (("flaechennutzung", flaechennutzung), ("planungsraeume", planungsraeume)):
        if frame.crs is None or frame.crs.to_epsg() != 25833:
            raise ValueError(f"{name} must be in EPSG:25833, not {frame.crs}")
    blocks = flaechennutzung[["gewerbe", "geometry"]].reset_index(drop=True)
    areas = planungsraeume[["planungsraum_id", "planungsraum", "bezirk_id", "geometry"]].reset_index(drop=True)
    pairs = gpd.sjoin(blocks, areas[["geometry"]], predicate="intersects", how="inner")
    pieces = blocks.geometry.values[pairs.index.to_numpy()].intersection(
        areas.geometry.values[pairs["index_right"].to_numpy()])
    piece = pd.DataFrame({"row": pairs["index_right"].to_numpy(), "ha": pieces.area / 10_000,
                          "gewerbe": pairs["gewerbe"].to_numpy()})
    summed = piece.groupby("row").agg(bloecke_ha=("ha", "sum"))
    summed["gewerbe_ha"] = piece[piece["gewerbe"]].groupby("row")["ha"].sum()
    out = pd.DataFrame(areas.drop(columns="geometry")).assign(flaeche_ha=areas.geometry.area / 10_000)
    out = out.join(summed).fillna({"bloecke_ha": 0.0, "gewerbe_ha": 0.0})
    out["anteil_prozent"] = out["gewerbe_ha"] / out["flaeche_ha"] * 100
    out["anteil_bloecke_prozent"] = (out["gewerbe_ha"] / out["bloecke_ha"] * 100).where(out["bloecke_ha"] > 0)
    out = out.sort_values("planungsraum_id", ignore_index=True)
    return with_sources(out, flaechennutzung, planungsraeume)


def gigabit(versorgung: pd.DataFrame, district: Any = DEFAULT_DISTRICT, *, technologie: str = "gigabit") -> pd.DataFrame:
    """Share of residential and business units with gigabit-capable (or fibre) supply per Planungsraum.

    Parameters
    ----------
    versorgung
        The ``gigabit_versorgung`` table; its latest Stand and the current state (``stufe == "ist"``).
    district
        The Bezirk whose Planungsräume are returned (``None``: all of Berlin).
    technologie
        ``"gigabit"`` (fibre or upgraded cable) or ``"glasfaser"`` (fibre only).

    Returns
    -------
    DataFrame
        ``date``, ``planungsraum_id``, ``planungsraum``, ``bezirk_id``, ``einheiten`` (units supplied),
        ``anteil_prozent``.
    """
    rows = versorgung[(versorgung["stufe"] == "ist") & (versorgung["technologie"] == technologie)]
    rows = rows[rows["date"] == rows["date"].max()]
    key = district_id(district)
    if key is not None:
        rows = rows[rows["bezirk_id"] == key]
    out = rows[["date", "planungsraum_id", "planungsraum", "bezirk_id", "einheiten", "anteil_prozent"]]
    return with_sources(out.sort_values("planungsraum_id", ignore_index=True), versorgung)


def commercial_sites() -> pd.DataFrame:
    """The district's named commercial areas (``curated/gewerbegebiete.csv``): ``name``, ``kurzname``,
    ``beschreibung``, ``flaeche_ha``, a point in the area (``lat``, ``lon``) and its ``planungsraum_ids``,
    each with its source URL (``quelle``, ``flaeche_quelle``, ``koordinaten_quelle``)."""
    from ._profile import commercial_sites as sites

    return sites()


def site_profile(site: Any = None, *, plr: Any = None, point: tuple[float, float] | None = None,
                 radius_m: float | None = None, stand: Any = None) -> Any:
    """The figures of a one-page site exposé for the investment fair.

    Parameters
    ----------
    site
        A name of :func:`commercial_sites` (``"Herzbergstraße"``, ``"Pablo-Picasso-Straße"``; a named
        area is drawn as a circle of its published size around a point in it), or a polygon file
        (GeoJSON, GML, GeoPackage, zipped shapefile).
    plr
        Instead: Planungsraum ids (LOR 2021) whose union is the site.
    point, radius_m
        Instead: a WGS84 point ``(lon, lat)`` and a radius in metres (default 500).
    stand
        The month of the IHK register (default the latest).

    Returns
    -------
    lichtenberg_data.sites.SiteProfile
        Name, geometry (EPSG:25833), Planungsräume, and one block per topic (businesses inside and
        within 1 km by section and size; entries and exits of the last 12 months; land-value zones
        and their trend; residents and working-age residents within 1 and 3 km; median earnings and
        gigabit share of the surrounding Planungsräume), each with its source line. A dataset that is
        not loaded gives a German line naming the import command. Write the page with
        ``ld.briefing.expose.write(profile, "expose.pdf")`` or ``lichtenberg-data expose``.
    """
    from ._profile import profile

    return profile(site, plr=plr, point=point, radius_m=radius_m, stand=stand)
