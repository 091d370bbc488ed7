"""Assign points (or coordinates) to the areas they lie in."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._geoio import CRS
from .._provenance import with_sources
from ..names import LEVELS
from ..names import level as level_of
from ._areas import BOUNDARY_LEVELS, boundaries, district_id

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


def assign(points: pd.DataFrame, level: str = "planungsraum", district: str | int | None = None, *,
           lon: str = "longitude", lat: str = "latitude",
           areas: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Assign points to the areas of a level (point in polygon, vectorised with an STR-tree).

    Parameters
    ----------
    points
        A GeoDataFrame of points, or a DataFrame with WGS84 ``lon``/``lat`` columns.
    level
        A level of :func:`boundaries`.
    district
        Restrict the areas to one Bezirk (points elsewhere get no area); ``None`` = Berlin.
    lon, lat
        Column names of the coordinates in a plain DataFrame.
    areas
        The polygons to use instead of :func:`boundaries` (must have the level's columns).

    Returns
    -------
    pandas.DataFrame
        The input (same rows, order and index) with the level's id and name columns added;
        points outside every area get missing values. A point on a shared border goes to
        the area listed first.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"bezirk_id": ["11"], "bezirk": ["Lichtenberg"]},
    ...     geometry=[shapely.box(395000, 5810000, 410000, 5825000)], crs="EPSG:25833")
    >>> pts = pd.DataFrame({"longitude": [13.52, 13.30], "latitude": [52.50, 52.50]})
    >>> assign(pts, "bezirk", areas=areas)["bezirk"].tolist()
    ['Lichtenberg', nan]
    """
    import shapely

    level_of(level, BOUNDARY_LEVELS)
    if areas is None:
        areas = boundaries(level, district)
    elif district is not None:
        areas = areas[areas["bezirk_id"] == district_id(district)]
    geoms = _point_geometries(points, lon, lat)
    polys = areas.to_crs(CRS).geometry.to_numpy() if areas.crs is not None else areas.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    area_idx, point_idx = tree.query(polys, predicate="intersects")
    first = np.full(len(geoms), -1, dtype=np.int64)
    order = np.lexsort((area_idx, point_idx))
    pi, ai = point_idx[order], area_idx[order]
    keep = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.array([], dtype=bool)
    first[pi[keep]] = ai[keep]
    return _attach(points, areas, first, _level_columns(level, areas))


def _level_columns(level: str, areas: pd.DataFrame) -> list[str]:
    _, id_col, name_col, _ = LEVELS[level]
    cols = [id_col] if id_col == name_col else [id_col, name_col]
    if level in {"planungsraum", "planungsraum_2006"} and "lor_version" in areas:
        cols.append("lor_version")
    missing = [c for c in cols if c not in areas.columns]
    if missing:
        raise ValueError(f"the areas lack the columns {missing}")
    return cols


def _point_geometries(points: pd.DataFrame, lon: str, lat: str) -> np.ndarray:
    import shapely

    geometry = getattr(points, "geometry", None) if hasattr(points, "crs") else None
    if geometry is not None:
        if points.crs is None:
            raise ValueError("the points have no CRS; set one (e.g. points.set_crs('EPSG:4326'))")
        return points.geometry.to_crs(CRS).to_numpy()
    if lon not in points.columns or lat not in points.columns:
        raise ValueError(f"points need a geometry or the columns {lon!r} and {lat!r} (WGS84)")
    from pyproj import Transformer

    x = pd.to_numeric(points[lon], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(points[lat], errors="coerce").to_numpy(dtype=float)
    ex, ny = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(x, y)
    return shapely.points(ex, ny)


def _attach(points: pd.DataFrame, areas: pd.DataFrame, first: np.ndarray, cols: list[str]) -> pd.DataFrame:
    out = points.copy()
    hit = first >= 0
    for col in cols:
        values = pd.Series(areas[col].to_numpy(dtype=object)[np.where(hit, first, 0)], index=out.index)
        out[col] = values.where(hit, np.nan)
    return with_sources(out, points, areas)
