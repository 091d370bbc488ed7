"""What each Planungsraum offers: its commercial and industrial area, its gigabit supply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from .._provenance import with_sources
from ..geo import DEFAULT_DISTRICT, district_id

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["commercial_area", "gigabit"]


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
