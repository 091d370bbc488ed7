"""Areal interpolation: the values of the areas within a radius around places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._geoio import CRS
from .._provenance import with_sources
from ._areas import boundaries
from ._assign import _point_geometries

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd


def within(places: pd.DataFrame, radius_m: float | Sequence[float], values: pd.DataFrame,
           columns: str | Sequence[str] = "einwohner", *, key: str = "planungsraum_id",
           areas: gpd.GeoDataFrame | None = None, lon: str = "longitude", lat: str = "latitude") -> pd.DataFrame:
    """Counts within ``radius_m`` of each place, by areal interpolation from Planungsräume.

    Each Planungsraum contributes its count times the share of its area that lies inside the
    circle (counts are assumed spread evenly within a Planungsraum - the usual assumption of
    catchment analyses; it over-counts where a Planungsraum's people live in one corner).

    Parameters
    ----------
    places
        Points: a GeoDataFrame, or a frame with ``lon``/``lat`` (WGS84).
    radius_m
        Radius in metres, or several (one column block per radius).
    values
        A table keyed by ``key`` with the count ``columns`` (e.g. one year of ``einwohner_lor``).
    areas
        The polygons keyed by ``key`` (default: the stored LOR 2021 Planungsräume of Berlin).

    Returns
    -------
    pandas.DataFrame
        One row per place (the places' index), one column per count and radius, named
        ``<column>_<radius>m``; provenance of ``values`` and ``areas``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> areas = gpd.GeoDataFrame({"planungsraum_id": ["11100101"]},
    ...     geometry=[shapely.box(0, 0, 1000, 1000)], crs="EPSG:25833")
    >>> values = pd.DataFrame({"planungsraum_id": ["11100101"], "einwohner": [1000]})
    >>> place = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:25833")
    >>> round(within(place, 500, values, areas=areas)["einwohner_500m"].iloc[0])   # a quarter circle
    196
    """
    import geopandas as gpd
    import shapely

    radii = [radius_m] if isinstance(radius_m, (int, float)) else list(radius_m)
    columns = [columns] if isinstance(columns, str) else list(columns)
    if areas is None:
        areas = boundaries("planungsraum", None)
    joined = areas[[key, "geometry"]].merge(values[[key, *columns]], on=key, how="inner")
    polys = joined.geometry.to_crs(CRS).to_numpy() if joined.crs is not None else joined.geometry.to_numpy()
    area = shapely.area(polys)
    pts = places.to_crs(CRS).geometry.to_numpy() if isinstance(places, gpd.GeoDataFrame) \
        else _point_geometries(places, lon, lat)
    tree = shapely.STRtree(polys)
    out = pd.DataFrame(index=places.index)
    counts = np.nan_to_num(joined[columns].to_numpy(dtype=float))  # a suppressed count adds nothing
    for r in radii:
        circles = shapely.buffer(pts, float(r), quad_segs=16)
        ci, pi = tree.query(circles, predicate="intersects")
        share = shapely.area(shapely.intersection(circles[ci], polys[pi])) / area[pi]
        sums = np.zeros((len(pts), len(columns)))
        np.add.at(sums, ci, counts[pi] * share[:, None])
        for j, c in enumerate(columns):
            out[f"{c}_{int(r)}m"] = sums[:, j]
    return with_sources(out, values, areas)
