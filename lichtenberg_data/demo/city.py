"""The synthetic sample Berlin used by the offline demo and by tests.

Everything here is deterministic: the same call gives the same table on every machine.
The sample city has Berlin's real structure - 12 Bezirke with their real names and
Ortsteile, 58 Prognoseräume, 143 Bezirksregionen and 542 Planungsräume in the LOR 2021
scheme (448 Planungsräume in the old LOR scheme valid until 2020) with the real number of
units per Bezirk - but its areas are plain rectangles in a grid over Berlin's extent in
EPSG:25833, and the names of Prognoseräume, Bezirksregionen and Planungsräume are invented.

Keys follow the official schemes (``BB PP RR NN``: Bezirk, Prognoseraum, Bezirksregion,
Planungsraum):

* LOR 2021: Prognoseraum ``PP`` counts in tens (``10``, ``20`` …), Bezirksregion and
  Planungsraum numbers run through the Bezirk (like the real ``11401032``);
* LOR 2006: Prognoseraum ``PP`` is ``01``, ``02`` …, Bezirksregion and Planungsraum numbers
  run through the Bezirk (like the real ``11041022``).

>>> lor = sample_lor()
>>> len(lor), lor["bezirksregion_id"].nunique(), lor["prognoseraum_id"].nunique()
(542, 143, 58)
>>> int((lor["bezirk_id"] == "11").sum()), int((sample_lor_2006()["bezirk_id"] == "11").sum())
(41, 32)
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..names import BEZIRKE, ORTSTEILE

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "EXTENT", "LOR_COUNTS", "LOR_2006_COUNTS", "sample_lor", "sample_lor_2006", "sample_geometry",
    "sample_areas", "sample_points", "feature_collection",
]

#: Extent of the sample city in EPSG:25833 (x0, y0, x1, y1), about Berlin's bounding box.
EXTENT = (370_000.0, 5_800_000.0, 415_000.0, 5_836_000.0)

#: Grid position (column 0-3 west to east, row 0-2 south to north) of each Bezirk.
#: Lichtenberg ("11") sits east of the centre, as in the real city.
GRID: dict[str, tuple[int, int]] = {
    "05": (0, 2), "12": (1, 2), "03": (2, 2), "10": (3, 2),
    "04": (0, 1), "01": (1, 1), "02": (2, 1), "11": (3, 1),
    "06": (0, 0), "07": (1, 0), "08": (2, 0), "09": (3, 0),
}

#: Units per Bezirk in LOR 2021 (Planungsräume, Bezirksregionen, Prognoseräume), as in the
#: official key list of 01.01.2021: 542 / 143 / 58 in total.
LOR_COUNTS: dict[str, tuple[int, int, int]] = {
    "01": (49, 10, 4), "02": (36, 8, 5), "03": (60, 16, 7), "04": (53, 11, 5),
    "05": (45, 9, 4), "06": (44, 8, 4), "07": (48, 15, 6), "08": (46, 12, 4),
    "09": (43, 20, 5), "10": (41, 9, 4), "11": (41, 13, 5), "12": (36, 12, 5),
}

#: Units per Bezirk in the old LOR (state 2019): 448 / 138 / 60 in total.
LOR_2006_COUNTS: dict[str, tuple[int, int, int]] = {
    "01": (41, 10, 4), "02": (26, 8, 5), "03": (40, 16, 7), "04": (57, 17, 6),
    "05": (39, 9, 4), "06": (41, 8, 4), "07": (34, 7, 7), "08": (40, 10, 4),
    "09": (35, 20, 5), "10": (33, 9, 4), "11": (32, 13, 5), "12": (30, 11, 5),
}

COLUMNS = [
    "planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion", "prognoseraum_id",
    "prognoseraum", "bezirk_id", "bezirk", "ortsteil", "lor_version", "x0", "y0", "x1", "y1",
]


def _split(total: int, parts: int) -> list[int]:
    """Split ``total`` items into ``parts`` near-equal positive counts (larger ones first).

    >>> _split(10, 3)
    [4, 3, 3]
    """
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _cuts(lo: float, hi: float, weights: list[int]) -> list[tuple[float, float]]:
    """Cut the interval ``lo``-``hi`` into pieces proportional to ``weights``.

    >>> _cuts(0.0, 10.0, [1, 4])
    [(0.0, 2.0), (2.0, 10.0)]
    """
    edges = lo + (hi - lo) * np.concatenate([[0], np.cumsum(weights)]) / sum(weights)
    edges[-1] = hi
    return [(float(a), float(b)) for a, b in zip(edges[:-1], edges[1:])]


def bezirk_box(bezirk_id: str) -> tuple[float, float, float, float]:
    """The rectangle (x0, y0, x1, y1) of a sample Bezirk in EPSG:25833.

    >>> bezirk_box("11")
    (403750.0, 5812000.0, 415000.0, 5824000.0)
    """
    col, row = GRID[bezirk_id]
    x0, y0, x1, y1 = EXTENT
    w, h = (x1 - x0) / 4, (y1 - y0) / 3
    return (x0 + col * w, y0 + row * h, x0 + (col + 1) * w, y0 + (row + 1) * h)


def _bezirk_rows(bez: str, counts: tuple[int, int, int], version: str) -> list[dict]:
    """The Planungsraum rows of one Bezirk, tiling its rectangle."""
    n_plr, n_bzr, n_pgr = counts
    bzr_per_pgr = _split(n_bzr, n_pgr)
    plr_per_bzr = _split(n_plr, n_bzr)
    ortsteile = ORTSTEILE[bez]
    bx0, by0, bx1, by1 = bezirk_box(bez)
    new = version == "2021"
    rows: list[dict] = []
    bzr_no = plr_no = 0
    # LOR 2021: Prognoseräume are west-east strips, Bezirksregionen south-north bands in them,
    # Planungsräume west-east cells; the old LOR cuts the other way round, so boundaries differ.
    pgr_plr = [sum(plr_per_bzr[sum(bzr_per_pgr[:p]):sum(bzr_per_pgr[:p + 1])]) for p in range(n_pgr)]
    pgr_spans = _cuts(bx0, bx1, pgr_plr) if new else _cuts(by0, by1, pgr_plr)
    for p, (p_lo, p_hi) in enumerate(pgr_spans, start=1):
        pgr_id = f"{bez}{p * 10 if new else p:02d}"
        first = bzr_no
        bzr_counts = plr_per_bzr[first:first + bzr_per_pgr[p - 1]]
        bzr_spans = _cuts(by0, by1, bzr_counts) if new else _cuts(bx0, bx1, bzr_counts)
        for (r_lo, r_hi), n_cells in zip(bzr_spans, bzr_counts):
            bzr_no += 1
            bzr_id = f"{pgr_id}{bzr_no:02d}"
            for c_lo, c_hi in _cuts(p_lo, p_hi, [1] * n_cells):
                plr_no += 1
                ortsteil = ortsteile[(plr_no - 1) * len(ortsteile) // n_plr]
                box = (c_lo, r_lo, c_hi, r_hi) if new else (r_lo, c_lo, r_hi, c_hi)
                rows.append({
                    "planungsraum_id": f"{bzr_id}{plr_no:02d}",
                    "planungsraum": f"{ortsteil} {'Kiez' if new else 'Planungsraum'} {plr_no}",
                    "bezirksregion_id": bzr_id,
                    "bezirksregion": f"{BEZIRKE[bez]}-Region {bzr_no}",
                    "prognoseraum_id": pgr_id,
                    "prognoseraum": f"{BEZIRKE[bez]} {p}",
                    "bezirk_id": bez,
                    "bezirk": BEZIRKE[bez],
                    "ortsteil": ortsteil,
                    "lor_version": version,
                    "x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3],
                })
    return rows


@lru_cache(maxsize=2)
def _lor(version: str) -> pd.DataFrame:
    counts = LOR_COUNTS if version == "2021" else LOR_2006_COUNTS
    rows = [row for bez in sorted(counts) for row in _bezirk_rows(bez, counts[bez], version)]
    return pd.DataFrame(rows, columns=COLUMNS)


def sample_lor() -> pd.DataFrame:
    """One row per synthetic LOR 2021 Planungsraum (542), with keys, names and box corners.

    Returns
    -------
    pandas.DataFrame
        Columns ``planungsraum_id`` (8 digits), ``planungsraum``, ``bezirksregion_id`` (6),
        ``bezirksregion``, ``prognoseraum_id`` (4), ``prognoseraum``, ``bezirk_id``, ``bezirk``,
        ``ortsteil``, ``lor_version`` (``"2021"``) and ``x0, y0, x1, y1`` in EPSG:25833.

    Examples
    --------
    >>> row = sample_lor().query("bezirk_id == '11'").iloc[0]
    >>> row.planungsraum_id, row.bezirksregion_id, row.prognoseraum_id, row.ortsteil
    ('11100101', '111001', '1110', 'Friedrichsfelde')
    """
    return _lor("2021").copy()


def sample_lor_2006() -> pd.DataFrame:
    """One row per synthetic old-LOR Planungsraum (448, Lichtenberg 32), as :func:`sample_lor`.

    Same Bezirk rectangles as LOR 2021, but Prognoseräume, Bezirksregionen and Planungsräume
    are cut differently, so an old and a new Planungsraum overlap only partly (what
    :func:`lichtenberg_data.geo.crosswalk` has to deal with). ``lor_version`` is ``"2006"``.

    Examples
    --------
    >>> old = sample_lor_2006()
    >>> len(old), old["planungsraum_id"].iloc[0], old["lor_version"].iloc[0]
    (448, '01010101', '2006')
    """
    return _lor("2006").copy()


def sample_geometry(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Turn the box corners ``x0, y0, x1, y1`` of a sample table into polygons (EPSG:25833).

    The box columns are dropped; every other column is kept.

    Examples
    --------
    >>> gdf = sample_geometry(sample_lor())
    >>> str(gdf.crs), round(gdf.area.sum() / 1e6)
    ('EPSG:25833', 1620)
    """
    import geopandas as gpd
    import shapely

    geom = shapely.box(df["x0"].to_numpy(), df["y0"].to_numpy(), df["x1"].to_numpy(), df["y1"].to_numpy())
    rest = df.drop(columns=["x0", "y0", "x1", "y1"])
    return gpd.GeoDataFrame(rest, geometry=geom, crs="EPSG:25833")


#: Columns that describe each level (its key and name first).
LEVEL_COLUMNS: dict[str, list[str]] = {
    "planungsraum": ["planungsraum_id", "planungsraum", "bezirksregion_id", "bezirksregion",
                     "prognoseraum_id", "prognoseraum", "bezirk_id", "bezirk"],
    "bezirksregion": ["bezirksregion_id", "bezirksregion", "prognoseraum_id", "prognoseraum",
                      "bezirk_id", "bezirk"],
    "prognoseraum": ["prognoseraum_id", "prognoseraum", "bezirk_id", "bezirk"],
    "ortsteil": ["ortsteil", "bezirk_id", "bezirk"],
    "bezirk": ["bezirk_id", "bezirk"],
}


def sample_areas(level: str, version: str = "2021") -> gpd.GeoDataFrame:
    """Polygons of one level of the sample city, dissolved from its Planungsräume.

    Parameters
    ----------
    level
        ``planungsraum``, ``bezirksregion``, ``prognoseraum``, ``ortsteil`` or ``bezirk``.
    version
        ``"2021"`` or ``"2006"`` (the old LOR).

    Examples
    --------
    >>> len(sample_areas("bezirk")), len(sample_areas("ortsteil")), len(sample_areas("prognoseraum"))
    (12, 97, 58)
    """
    plr = sample_geometry(sample_lor() if version == "2021" else sample_lor_2006())
    cols = LEVEL_COLUMNS[level]
    if level == "planungsraum":
        return plr[[*cols, "geometry"]].reset_index(drop=True)
    out = plr[[*cols, "geometry"]].dissolve(by=cols[0], as_index=False, sort=True)
    return out[[*cols, "geometry"]]


def sample_points(n: int, *, seed: int = 0, bezirk_id: str | None = None) -> pd.DataFrame:
    """``n`` deterministic random points inside the sample city (or one sample Bezirk).

    Returns a DataFrame with ``longitude``/``latitude`` (WGS84) and ``x``/``y`` (EPSG:25833),
    for topics whose sample files hold point locations (businesses, addresses …).

    Examples
    --------
    >>> pts = sample_points(3, seed=1, bezirk_id="11")
    >>> list(pts.columns), bool(pts["x"].between(403750, 415000).all())
    (['longitude', 'latitude', 'x', 'y'], True)
    """
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bezirk_box(bezirk_id) if bezirk_id else EXTENT
    x = rng.uniform(x0, x1, n).round(2)
    y = rng.uniform(y0, y1, n).round(2)
    lon, lat = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True).transform(x, y)
    return pd.DataFrame({"longitude": np.round(lon, 6), "latitude": np.round(lat, 6), "x": x, "y": y})


def feature_collection(gdf: gpd.GeoDataFrame, type_name: str, *, id_field: str | None = None) -> bytes:
    """Serialise a GeoDataFrame the way gdi.berlin.de's GeoServer answers a WFS GetFeature.

    A GeoJSON FeatureCollection in EPSG:25833 with a ``crs`` member
    (``urn:ogc:def:crs:EPSG::25833``), ``numberMatched``/``numberReturned``, feature ids
    ``<layer>.<n>`` and lowercase attribute names.

    Examples
    --------
    >>> doc = json.loads(feature_collection(sample_areas("bezirk"), "alkis_bezirke:bezirksgrenzen"))
    >>> doc["numberMatched"], doc["crs"]["properties"]["name"], doc["features"][0]["id"]
    (12, 'urn:ogc:def:crs:EPSG::25833', 'bezirksgrenzen.1')
    """
    import shapely

    gdf = gdf.to_crs("EPSG:25833")
    layer = type_name.split(":")[-1]
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).rename(columns=str.lower)
    records = props.astype(object).where(props.notna(), None).to_dict("records")
    geoms = shapely.to_geojson(shapely.set_precision(gdf.geometry.to_numpy(), 0.001))
    features = [
        {"type": "Feature", "id": f"{layer}.{i}", "geometry": json.loads(g),
         "geometry_name": "geom", "properties": p}
        for i, (g, p) in enumerate(zip(geoms, records), start=1)
    ]
    doc = {
        "type": "FeatureCollection", "features": features, "totalFeatures": len(features),
        "numberMatched": len(features), "numberReturned": len(features),
        "timeStamp": "2026-01-01T00:00:00.000Z",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
