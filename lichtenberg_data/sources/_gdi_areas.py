"""Reading GDI Berlin WFS layers of areas whose attribute names are known only from public code.

Shared by :mod:`.planning` (Bebauungspläne, Fördergebiete). A layer is read with
:func:`lichtenberg_data._geoio.read_geofile` (GeoJSON or GML, EPSG:25833, the WFS ``timeStamp``
in ``attrs``); attributes are looked up case-insensitively among a list of spellings
(:func:`pick`), so that extra attributes are ignored and missing optional ones give empty
values. Only the attributes a layer cannot do without are required (:func:`require`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import DataNotAvailableError, FormatError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["read_areas", "pick", "require", "text", "dates", "bezirk_ids", "number"]


def read_areas(path: Path, what: str) -> gpd.GeoDataFrame:
    """The features of one layer file; refuses points and lines (these layers are areas)."""
    from .._geoio import read_geofile

    gdf = read_geofile(path)
    kinds = set(gdf.geom_type.dropna())
    if kinds - {"Polygon", "MultiPolygon"}:
        raise FormatError(f"{path.name} holds {', '.join(sorted(kinds - {'Polygon', 'MultiPolygon'}))} "
                          f"geometries; {what} are areas. Check the file")
    return gdf.reset_index(drop=True)


def pick(gdf: Any, names: Sequence[str]) -> str | None:
    """The first column named like one of ``names`` (case-insensitive), or ``None``."""
    lower = {str(c).lower(): c for c in gdf.columns if c != "geometry"}
    return next((lower[n] for n in names if n in lower), None)


def require(gdf: Any, names: Sequence[str], path: Path, what: str) -> str:
    """The column of the first of ``names`` present; a one-line refusal naming the file when none is."""
    col = pick(gdf, names)
    if col is None:
        found = ", ".join(str(c) for c in gdf.columns if c != "geometry")[:200]
        raise FormatError(f"{path.name} has no attribute {names[0]!r} of {what} (found: {found or 'none'}). "
                          "Is it the right layer?")
    return col


def text(gdf: Any, names: Sequence[str]) -> pd.Series:
    """The values of the first column of ``names`` as stripped text (``None`` where empty or absent)."""
    import pandas as pd

    col = pick(gdf, names)
    if col is None:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    values = gdf[col].astype(object).map(lambda v: None if v is None or (isinstance(v, float) and v != v)
                                         else str(v).strip() or None)
    return values.map(lambda v: re.sub(r"\.0$", "", v) if isinstance(v, str) and re.fullmatch(r"\d+\.0", v) else v)


def dates(gdf: Any, names: Sequence[str]) -> pd.Series:
    """The first date column of ``names`` as timestamps: ISO (``2021-03-04``, ``2021-03-04Z``,
    with time), German (``04.03.2021``) or already dates; anything else is ``NaT``."""
    import pandas as pd

    col = pick(gdf, names)
    if col is None:
        return pd.Series(pd.NaT, index=gdf.index, dtype="datetime64[ns]")
    values = gdf[col]
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else values

    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v):
            return pd.NaT
        s = str(v).strip()
        if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
            s = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        s = re.sub(r"Z$", "", s)[:19]
        return pd.to_datetime(s, errors="coerce")

    return pd.to_datetime(values.map(one), errors="coerce")


def number(gdf: Any, names: Sequence[str]) -> pd.Series:
    """The first numeric column of ``names`` (German decimal commas read), ``NaN`` where absent."""
    import pandas as pd

    col = pick(gdf, names)
    if col is None:
        return pd.Series(float("nan"), index=gdf.index)
    values = gdf[col]
    if values.dtype.kind in "OSU" or str(values.dtype) in {"str", "string"}:
        values = values.astype(str).str.replace(".", "", regex=False).str.replace(",", ".", regex=False) \
            if values.astype(str).str.contains(",").any() else values
    return pd.to_numeric(values, errors="coerce").astype(float)


def bezirk_ids(gdf: Any, names: Sequence[str] = ("bezirk", "bez", "bezname", "bezirksname")) -> pd.Series:
    """Bezirk keys ("11") from a Bezirk attribute ("Lichtenberg", "11", "11 - Lichtenberg",
    "Mitte, Pankow": the first); where it is missing or unknown, from the stored Bezirke the
    feature's inner point lies in (``None`` where neither tells)."""

    from ..names import bezirk_id

    def one(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        for candidate in (value, re.split(r"\s*[,/;]\s*|\s+und\s+", value)[0], value.split(" - ")[-1],
                          re.sub(r"^\d{1,2}\s*[-–]?\s*", "", value)):
            try:
                return bezirk_id(candidate.strip())
            except (KeyError, ValueError):
                continue
        return None

    ids = text(gdf, names).map(one).astype(object)
    if ids.isna().any():
        ids = ids.where(ids.notna(), _placed(gdf))
    return ids.where(ids.notna(), None)


def _placed(gdf: Any) -> pd.Series:
    """The Bezirk each feature's representative point lies in, from the stored ``bezirke``."""
    import geopandas as gpd
    import pandas as pd

    from .. import geo

    try:
        areas = geo.boundaries("bezirk", district=None)
    except DataNotAvailableError:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    points = gpd.GeoDataFrame(geometry=gdf.geometry.representative_point(), crs=gdf.crs)
    placed = geo.assign(points, "bezirk", areas=areas)
    return placed["bezirk_id"].astype(object).where(placed["bezirk_id"].notna(), None).set_axis(gdf.index)
