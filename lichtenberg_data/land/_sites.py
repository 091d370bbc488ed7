"""The district's named commercial areas, a site from what the user gives, and the block of figures a page shows.

:func:`commercial_sites` is the curated table (``curated/gewerbegebiete.csv``, a source URL per
row); :func:`resolve` turns a site argument (a name of that table, a polygon file, Planungsraum
ids or a WGS84 point with a radius) into its name and geometry (EPSG:25833). A :class:`Block` is
one topic of a page (the site exposé, the fair's list): a title, German lines of figures and the
source line, or what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._formats import format_number
from .._provenance import freeze
from ..names import fold

__all__ = ["Block", "commercial_sites", "resolve", "centre", "format_number"]


@dataclass
class Block:
    """One topic of a page: a title, lines of figures and the source line (or what is missing)."""

    title: str
    lines: list[str] = field(default_factory=list)
    source: str = ""
    sample: bool = False
    missing: str | None = None


#: Provenance of the curated commercial areas: a compilation with a source URL per row, real data.
_SITES_PROVENANCE = {
    "dataset": "gewerbegebiete", "title": "Gewerbegebiete in Lichtenberg (kuratiert)",
    "publisher": "lichtenberg_data", "source_title": "Eigene Zusammenstellung (Quellen je Zeile)",
    "license": "Quellen je Zeile", "license_url": "", "source_url": "", "landing_page": "",
    "reference_date": None, "retrieved_at": None, "sample": False,
}


def commercial_sites() -> pd.DataFrame:
    """The district's named commercial areas (``curated/gewerbegebiete.csv``): ``name``, ``kurzname``,
    ``beschreibung``, ``flaeche_ha``, a point in the area (``lat``, ``lon``) and its ``planungsraum_ids``,
    each with its source URL (``quelle``, ``flaeche_quelle``, ``koordinaten_quelle``)."""
    with resources.files("lichtenberg_data").joinpath("curated/gewerbegebiete.csv").open("rb") as fh:
        df = pd.read_csv(fh, dtype={"bezirk_id": str, "planungsraum_ids": str})
    df.attrs["provenance"] = freeze([_SITES_PROVENANCE])
    return df


# --------------------------------------------------------------------------- the site

def _circle(lon: float, lat: float, radius_m: float) -> Any:
    import shapely
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(lon, lat)
    return shapely.Point(x, y).buffer(float(radius_m), quad_segs=32)


def centre(geom: Any) -> tuple[float, float]:
    """The WGS84 ``(lon, lat)`` of a geometry's centroid (EPSG:25833)."""
    from pyproj import Transformer

    c = geom.centroid
    lon, lat = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True).transform(c.x, c.y)
    return float(lon), float(lat)


def _plr_geometries(ids: Sequence[str]) -> Any:
    from ..geo import boundaries

    plr = boundaries("planungsraum", None)
    chosen = plr[plr["planungsraum_id"].isin(list(ids))]
    unknown = sorted(set(ids) - set(chosen["planungsraum_id"]))
    if unknown:
        raise ValueError(f"unknown Planungsraum ids: {', '.join(unknown)} (LOR 2021, 8 digits)")
    return chosen.geometry.union_all()


def resolve(site: Any, plr: Sequence[str] | None, point: tuple[float, float] | None,
            radius_m: float | None) -> dict[str, Any]:
    """Name, description, source, geometry (EPSG:25833) and Planungsräume (``plr``) of the site argument
    (see :func:`lichtenberg_data.land.site_profile`)."""
    if plr:
        ids = [str(i).zfill(8) for i in plr]
        return {"name": f"Planungsräume {', '.join(ids)}", "description": "", "source": "",
                "geometry": _plr_geometries(ids), "plr": ids}
    if point is not None:
        r = radius_m or 500.0
        return {"name": f"Standort {point[1]:.5f} N, {point[0]:.5f} O (Radius {format_number(r)} m)",
                "description": "", "source": "", "geometry": _circle(point[0], point[1], r), "plr": []}
    if isinstance(site, (str, Path)) and Path(site).suffix.lower() in {".geojson", ".json", ".gpkg", ".gml", ".zip", ".shp"}:
        from .._geoio import read_geofile

        shapes = read_geofile(Path(site))
        return {"name": Path(site).stem, "description": "", "source": str(site),
                "geometry": shapes.geometry.union_all(), "plr": []}
    if isinstance(site, str):
        return _named(site, radius_m)
    raise ValueError("give a site: a name of the commercial areas, a polygon file, plr=[ids] or point=(lon, lat)")


def _named(name: str, radius_m: float | None) -> dict[str, Any]:
    sites = commercial_sites()
    key = fold(name)
    hit = sites[(sites["name"].map(fold) == key) | (sites["kurzname"].map(fold) == key)]
    if hit.empty:
        hit = sites[sites["name"].map(fold).str.contains(re.escape(key))]
    if len(hit) != 1:
        raise ValueError(f"no single commercial area named {name!r}; known: {', '.join(sites['kurzname'])}")
    row = hit.iloc[0]
    radius = radius_m or float(np.sqrt(row["flaeche_ha"] * 10_000 / np.pi))  # a circle of the area's size
    return {"name": row["name"], "description": f"{row['beschreibung']} ({format_number(row['flaeche_ha'], 0 if float(row['flaeche_ha']).is_integer() else 1)} ha)",
            "source": f"Gebiet: {row['quelle']}; Punkt: {row['koordinaten_hinweis']}",
            "geometry": _circle(row["lon"], row["lat"], radius), "plr": str(row["planungsraum_ids"]).split(";")}
