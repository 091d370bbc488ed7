"""StEP Zentren (Senate WFS ``step_zen_2040``): centre areas and their level (dataset ``zentren``).

Two layers: ``step_zen_2040_zh`` (the centres: Zentrumsbereichskern, Hauptzentrum,
Stadtteilzentrum, Ortsteilzentrum, and Nahversorgungszentrum where given) and
``step_zen_2040_fma`` (Fachmarktagglomerationen). No copy of the layers was available when this
parser was written, so their attribute names are unknown: the level is found by its values
(the column whose texts name the levels, full or abbreviated ``HZ``/``STZ``/``OTZ``/``NVZ``), the
name by a column such as ``name``/``bezeichnung``/``standort``, the Bezirk by ``bezirk``/``bez``
or, where missing, from the stored Bezirke. Check the first real download against this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import catalog
from .._errors import DataNotAvailableError, FormatError
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["LEVELS", "parse_zentren", "level_of"]

SERVICE = "https://gdi.berlin.de/services/wfs/step_zen_2040"
#: The levels, highest first, with the spellings recognised (lower case, matched as words).
LEVELS: dict[str, tuple[str, ...]] = {
    "Zentrumsbereichskern": ("zentrumsbereichskern", "zbk"),
    "Hauptzentrum": ("hauptzentrum", "hz"),
    "Stadtteilzentrum": ("stadtteilzentrum", "stz"),
    "Ortsteilzentrum": ("ortsteilzentrum", "otz"),
    "Nahversorgungszentrum": ("nahversorgungszentrum", "nvz", "nahversorgungszentren"),
    "Fachmarktagglomeration": ("fachmarktagglomeration", "fma", "fachmarktstandort"),
}
_NAME_COLUMNS = ("name", "bezeichnung", "zentrum", "zentrumsname", "zentrenname", "standort", "titel", "bez_name")
_BEZIRK_COLUMNS = ("bezirk", "bez", "bezirksname", "namgem", "bezname")
_LAYERS = {"zh": "step_zen_2040:step_zen_2040_zh", "fma": "step_zen_2040:step_zen_2040_fma"}


def level_of(text: object) -> str | None:
    """The canonical level named in a text, or ``None``.

    >>> level_of("STZ Prerower Platz"), level_of("Ortsteilzentrum"), level_of("Wohngebiet")
    ('Stadtteilzentrum', 'Ortsteilzentrum', None)
    """
    if not isinstance(text, str):
        return None
    words = set(re.findall(r"[a-zäöüß]+", text.casefold()))
    for level, spellings in LEVELS.items():
        if words & set(spellings):
            return level
    return None


def _level_column(df: pd.DataFrame) -> str | None:
    """The text column whose values name levels for most features."""
    best, hits_best = None, 0
    for col in df.columns:
        if col == "geometry" or df[col].dtype.kind not in "OSU" and str(df[col].dtype) not in {"str", "string"}:
            continue
        hits = int(df[col].map(level_of).notna().sum())
        if hits > hits_best:
            best, hits_best = col, hits
    return best if hits_best >= max(1, len(df) // 2) else None


def _pick(df: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in df.columns}
    return next((lower[n] for n in names if n in lower), None)


def _bezirk_ids(df: pd.DataFrame, what: str) -> pd.Series:
    """Bezirk keys from a Bezirk column, else from the stored Bezirke (empty where not loaded)."""
    import pandas as pd

    from ..names import bezirk_id

    col = _pick(df, _BEZIRK_COLUMNS)
    if col is not None:
        def key(value: object) -> str | None:
            if value is None or (isinstance(value, float) and pd.isna(value)):
                return None
            try:
                return bezirk_id(str(value).split(" - ")[-1].strip())
            except KeyError:
                raise FormatError(f"{what}: unknown Bezirk {value!r} in column {col!r}") from None
        return df[col].map(key).astype(object)
    from .. import geo

    try:
        placed = geo.assign(df.set_geometry(df.geometry.representative_point()), "bezirk", areas=geo.boundaries(
            "bezirk", district=None))
    except DataNotAvailableError:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    return placed["bezirk_id"].astype(object).where(placed["bezirk_id"].notna(), None)


def _read_layer(path: Path, layer: str) -> pd.DataFrame:
    import pandas as pd

    from .._geoio import read_geofile

    gdf = read_geofile(path)
    if gdf.geom_type.isin(["Point", "MultiPoint", "LineString", "MultiLineString"]).any():
        raise FormatError(f"{path.name} holds points or lines; the StEP Zentren layers are areas. Check the file")
    col = _level_column(gdf)
    if col is not None:
        levels = gdf[col].map(level_of)
    elif layer == "fma":
        levels = pd.Series("Fachmarktagglomeration", index=gdf.index)
    else:
        raise FormatError(f"{path.name}: no attribute names the centre level (Hauptzentrum, Stadtteilzentrum, "
                          f"Ortsteilzentrum …; columns: {', '.join(map(str, gdf.columns[:10]))}). Is it a StEP "
                          "Zentren layer?")
    if levels.isna().any():
        bad = gdf.loc[levels.isna(), col].iloc[0]
        raise FormatError(f"{path.name}: {int(levels.isna().sum())} features name no known level (e.g. {bad!r})")
    name_col = _pick(gdf, _NAME_COLUMNS)
    out = pd.DataFrame({
        "layer": layer,
        "zentrum_id": [f"{layer}.{i}" for i in range(1, len(gdf) + 1)],
        "name": gdf[name_col].astype(object).where(gdf[name_col].notna(), None) if name_col else None,
        "stufe": levels.to_numpy(),
        "stufe_rang": levels.map(lambda v: list(LEVELS).index(v) + 1).astype("int64").to_numpy(),
    })
    out["geometry"] = gdf.geometry.to_numpy()
    import geopandas as gpd

    result = gpd.GeoDataFrame(out, geometry="geometry", crs=gdf.crs)
    result["bezirk_id"] = _bezirk_ids(gdf, path.name).to_numpy()
    result["flaeche_m2"] = result.geometry.area.round(1)
    result.attrs["timestamp"] = gdf.attrs.get("timestamp")
    return result


def _layer_of(resource_name: str) -> str:
    return "fma" if re.search(r"fma|fachmarkt", resource_name, re.IGNORECASE) else "zh"


def parse_zentren(files: Mapping[str, Path]) -> pd.DataFrame:
    """Parse the WFS GeoJSON of one or both StEP Zentren layers into one row per area."""
    import geopandas as gpd
    import pandas as pd

    parts = [_read_layer(path, _layer_of(name)) for name, path in files.items()]
    stamps = [p.attrs.get("timestamp") for p in parts if p.attrs.get("timestamp")]
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=parts[0].crs)
    out = out[["layer", "zentrum_id", "name", "stufe", "stufe_rang", "bezirk_id", "flaeche_m2", "geometry"]]
    out.attrs["timestamp"] = min(stamps) if stamps else None
    return out


def _stand(df: pd.DataFrame) -> date | None:
    stamp = df.attrs.get("timestamp")
    return date.fromisoformat(stamp[:10]) if stamp else None


def _areas_plausible(df: pd.DataFrame) -> str | None:
    small = df[df["flaeche_m2"] < 100]
    return f"{len(small)} centre areas smaller than 100 m² (wrong CRS?)" if len(small) else None


zentren = catalog.register(Dataset(
    id="zentren",
    title="Zentren und Fachmarktagglomerationen (StEP Zentren)",
    topic="retail",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page="https://stadtentwicklung.berlin.de/planen/stadtentwicklungsplanung/de/zentren/zentren2030/index.shtml",
    resources=(
        Resource(name="step_zen_2040_zh.geojson", url=None, format="geojson", wfs=WFS(SERVICE, _LAYERS["zh"]),
                 match=r"^(?!.*(fma|fachmarkt)).*(zh|zentr)"),
        Resource(name="step_zen_2040_fma.geojson", url=None, format="geojson", wfs=WFS(SERVICE, _LAYERS["fma"]),
                 match=r"fma|fachmarkt"),
    ),
    spatial_unit="Fläche (Zentrum), Berlin",
    update="annual",
    parser=parse_zentren,
    schema=Schema(
        columns={"layer": "str", "zentrum_id": "str", "stufe": "str", "stufe_rang": "int", "bezirk_id": "str",
                 "flaeche_m2": "float", "geometry": "geometry"},
        key=("layer", "zentrum_id"),
        checks=(Check("areas of plausible size", _areas_plausible),),
    ),
    source_title="Stadtentwicklungsplan Zentren (WFS step_zen_2040)",
    reference_date=_stand,
    unverified="never read a copy of the layers: their attribute names were unknown; levels are found by values",
    description=(
        "Centre areas of the Stadtentwicklungsplan Zentren and their level; Nahversorgungszentren are set by the "
        "Bezirke (Zentren- und Einzelhandelskonzept) and appear only where the layer carries them. Whether the "
        "2040 service republishes StEP Zentren 2030 (Senatsbeschluss 12.03.2019) or an update is unclear. The "
        "attribute names were unknown when the parser was written (see the module docstring). Licence assumed as "
        "for most SenStadt layers (dl-de/zero-2.0): check ows:Fees in GetCapabilities."
    ),
))
