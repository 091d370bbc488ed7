"""Random points inside the real Bezirke, for sample files that hold locations.

The generated sample files (job offers, businesses, short-term rentals) need coordinates. They
are drawn inside the real Bezirk polygons of the shipped snapshot (ALKIS, EPSG:25833), so that
assigning them to the real Planungsräume gives each Bezirk its intended share; the numbers stay
synthetic and are marked as sample data. Without the snapshot the sample city is used.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["points"]


@lru_cache(maxsize=1)
def _bezirke() -> gpd.GeoDataFrame | None:
    from .. import _geoio
    from .snapshot import SNAPSHOT

    files = sorted((SNAPSHOT / "bezirke").glob("*"))
    if not files:
        return None
    return _geoio.normalise_bezirke(_geoio.read_geofile(files[0]))


@lru_cache(maxsize=16)
def _shape(bezirk_id: str | None) -> Any:
    """The union of the Bezirk polygons (one Bezirk's, or all of Berlin), prepared for fast
    point-in-polygon tests; ``None`` without the snapshot."""
    import shapely

    areas = _bezirke()
    if areas is None:
        return None
    shape = areas.loc[areas["bezirk_id"] == bezirk_id, "geometry"].union_all() if bezirk_id else areas.union_all()
    if shape.is_empty:
        raise ValueError(f"no Bezirk {bezirk_id!r} among the snapshot's Bezirke "
                         f"({', '.join(sorted(areas['bezirk_id']))})")
    shapely.prepare(shape)
    shapely.contains_xy(shape, *shape.bounds[:2])  # builds the prepared index now, not at a first use by threads
    return shape


def points(n: int, *, seed: int = 0, bezirk_id: str | None = None) -> pd.DataFrame:
    """``n`` deterministic random points in Berlin (or one Bezirk): ``longitude``/``latitude``
    (WGS84) and ``x``/``y`` (EPSG:25833).

    Examples
    --------
    >>> pts = points(50, seed=1, bezirk_id="11")
    >>> len(pts), list(pts.columns)
    (50, ['longitude', 'latitude', 'x', 'y'])
    >>> points(5, bezirk_id="13")
    Traceback (most recent call last):
    ...
    ValueError: no Bezirk '13' among the snapshot's Bezirke (01, 02, 03, 04, 05, 06, 07, 08, 09, 10, 11, 12)
    """
    import shapely
    from pyproj import Transformer

    from .city import sample_points

    shape = _shape(bezirk_id)
    if shape is None:
        return sample_points(n, seed=seed, bezirk_id=bezirk_id)
    x0, y0, x1, y1 = shape.bounds
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    while sum(map(len, xs)) < n:
        x = rng.uniform(x0, x1, 2 * n + 16).round(2)
        y = rng.uniform(y0, y1, 2 * n + 16).round(2)
        inside = shapely.contains_xy(shape, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
    x, y = np.concatenate(xs)[:n], np.concatenate(ys)[:n]
    lon, lat = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True).transform(x, y)
    return pd.DataFrame({"longitude": np.round(lon, 6), "latitude": np.round(lat, 6), "x": x, "y": y})
