"""The CRS of processed geometries, and where Berlin lies: inference and checks (private)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

#: The CRS every processed geometry is stored in (ETRS89 / UTM zone 33N).
CRS = "EPSG:25833"


#: Where Berlin lies, with a margin, in EPSG:25833 and in WGS84 longitude/latitude.
BERLIN_25833 = (360_000.0, 5_790_000.0, 420_000.0, 5_850_000.0)
BERLIN_WGS84 = (13.0, 52.3, 13.8, 52.7)


def infer_crs(bounds: Sequence[float]) -> str:
    """The CRS of CRS-less coordinates, where their range leaves no doubt.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` of all coordinates.

    Raises
    ------
    FormatError
        When the coordinates fit neither Berlin in EPSG:25833 nor Berlin in WGS84.

    Examples
    --------
    >>> infer_crs((370000, 5800000, 415000, 5836000)), infer_crs((13.1, 52.4, 13.7, 52.6))
    ('EPSG:25833', 'EPSG:4326')
    """
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    if _inside((minx, miny, maxx, maxy), BERLIN_25833):
        return "EPSG:25833"
    if _inside((minx, miny, maxx, maxy), BERLIN_WGS84):
        return "EPSG:4326"
    hint = " (latitude and longitude look swapped)" if _inside((miny, minx, maxy, maxx), BERLIN_WGS84) else ""
    raise FormatError(
        f"the file names no coordinate system and its coordinates (x {minx:.6g}..{maxx:.6g}, "
        f"y {miny:.6g}..{maxy:.6g}) fit neither Berlin in EPSG:25833 nor in WGS84{hint}. "
        "Export it again with a crs member, in EPSG:25833 or WGS84"
    )


def _inside(bounds: Sequence[float], box: Sequence[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx and maxx <= box[2] and box[1] <= miny and maxy <= box[3]


def _to_25833(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:25833 and check the result lies in Berlin."""
    out = gdf.to_crs(CRS) if gdf.crs is not None and gdf.crs.to_epsg() != 25833 else gdf.set_crs(CRS, allow_override=True)
    valid = out.geometry[~(out.geometry.isna() | out.geometry.is_empty)]
    if len(valid) and not _inside(valid.total_bounds, BERLIN_25833):
        b = valid.total_bounds
        raise FormatError(
            f"{what}: the coordinates lie outside Berlin after conversion to EPSG:25833 "
            f"(x {b[0]:.0f}..{b[2]:.0f}, y {b[1]:.0f}..{b[3]:.0f}); the file's coordinate system "
            "is declared wrongly or latitude and longitude are swapped. Check the export"
        )
    return out
