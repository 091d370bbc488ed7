"""Actual land use by block (Umweltatlas Berlin "Reale Nutzung"), from the GDI Berlin WFS.

``flaechennutzung``
    One polygon per block or block part (ISU5) with its type of use: ``nutz`` (code) and
    ``nutzung`` (text), e.g. 10 "Wohnnutzung", 40 "Gewerbe- und Industrienutzung, großflächiger
    Einzelhandel"; ``gewerbe`` is True for code 40, the commercial and industrial use. Area
    ``flaeche_m2`` from the attribute ``flalle`` (m²), else from the geometry. EPSG:25833.

Layer. The service ``ua_flaechennutzung`` holds several editions; this module fetches
``ua_flaechennutzung:c_reale_nutzung_2023`` (seen in two code bases; the GDI Berlin service lists
``a_reale_nutzung_bebaute_flaechen_2021`` and a 2022 file with ``nutz, nutzung, typ, typklar``).
**Not verified live**, and no real answer was at hand: the parser accepts the attribute names of
the 2020 service (``bez``, ``flalle``, ``nutz``, ``nutzung``) and of later ones (``bezirk``,
``typ``, ``typklar``/``typ_klar``, ``enutzung``), and checks that code 40 still means commercial use.
The Stand is the WFS ``timeStamp`` of the answer (the layer carries no date of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from .._errors import FormatError
from ..catalog import LICENSES, WFS, Check, Dataset, Resource, Schema
from ..names import BEZIRKE, bezirk_id

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["COMMERCIAL_USE", "parse_flaechennutzung"]

SERVICE = "https://gdi.berlin.de/services/wfs/ua_flaechennutzung"
TYPE_NAME = "ua_flaechennutzung:c_reale_nutzung_2023"
#: The ``nutz`` code of commercial and industrial use (incl. large retail).
COMMERCIAL_USE = 40
#: Attribute names (lower case) per canonical column, first hit wins.
_NAMES = {"block_id": ("schluessel", "schl5", "isu5"), "bezirk": ("bezirk", "bez"), "nutz": ("nutz",),
          "nutzung": ("nutzung", "enutzung"), "typ": ("typ",), "typklar": ("typklar", "typ_klar", "etypklar"),
          "flalle": ("flalle",)}


def _column(gdf: Any, canonical: str) -> Any:
    lower = {str(c).lower(): c for c in gdf.columns}
    hit = next((lower[n] for n in _NAMES[canonical] if n in lower), None)
    return None if hit is None else gdf[hit]


def _text(values: Any, index: Any) -> pd.Series:
    import pandas as pd

    if values is None:
        return pd.Series("", index=index, dtype=object)
    out = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return out.str.replace(r"\.0$", "", regex=True)


def _bezirk_ids(values: Any, path: Path) -> pd.Series:
    def one(v: str) -> str:
        if not v:
            return ""
        try:
            return bezirk_id(v)
        except KeyError:
            raise FormatError(f"{path.name}: unknown Bezirk {v!r} in the land-use blocks") from None

    return values.map(one)


def parse_flaechennutzung(files: Mapping[str, Path]) -> Any:
    """Parse a WFS answer of the Umweltatlas "Reale Nutzung" (GeoJSON, GML or zipped shapefile).

    Examples
    --------
    >>> import tempfile
    >>> from lichtenberg_data.demo.land import sample_flaechennutzung
    >>> p = Path(tempfile.mkdtemp()) / "nutzung.geojson"; _ = p.write_bytes(sample_flaechennutzung(cell=3000))
    >>> gdf = parse_flaechennutzung({"x": p})
    >>> len(gdf), str(gdf.crs), gdf.loc[gdf.gewerbe, "nutz"].unique().tolist()
    (180, 'EPSG:25833', [40])
    """
    import geopandas as gpd
    import pandas as pd

    from .. import _geoio

    if len(files) != 1:
        raise FormatError(f"expected one WFS answer, got {len(files)} files")
    path = Path(next(iter(files.values())))
    raw = _geoio.read_geofile(path)
    nutz = _column(raw, "nutz")
    if nutz is None:
        raise FormatError(f"{path.name} has no attribute 'nutz' (type of use) of the Umweltatlas land-use layer "
                          f"(found: {', '.join(map(str, raw.columns))[:200]})")
    codes = pd.to_numeric(nutz, errors="coerce")
    if codes.isna().any():
        raise FormatError(f"{path.name}: {int(codes.isna().sum())} blocks without a numeric use code 'nutz'")
    out = pd.DataFrame(index=raw.index)
    keys = _text(_column(raw, "block_id"), raw.index)
    out["block_id"] = keys.where(keys != "", pd.Series(raw.index.astype(str), index=raw.index))
    out["bezirk_id"] = _bezirk_ids(_text(_column(raw, "bezirk"), raw.index), path)
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE).fillna("")
    out["nutz"] = codes.astype("int64")
    for col in ("nutzung", "typ", "typklar"):
        out[col] = _text(_column(raw, col), raw.index)
    area = _column(raw, "flalle")
    out["flaeche_m2"] = pd.to_numeric(area, errors="coerce") if area is not None else raw.geometry.area
    out["flaeche_m2"] = out["flaeche_m2"].fillna(raw.geometry.area).astype(float)
    out["gewerbe"] = out["nutz"] == COMMERCIAL_USE
    gdf = gpd.GeoDataFrame(out.reset_index(drop=True), geometry=raw.geometry.reset_index(drop=True).values,
                           crs=raw.crs)
    gdf.attrs["timestamp"] = raw.attrs.get("timestamp")
    return gdf


def _stand(df: Any) -> date | None:
    stamp = df.attrs.get("timestamp")
    return date.fromisoformat(stamp) if stamp else None


def _meaning(df: pd.DataFrame) -> str | None:
    texts = df.loc[df["gewerbe"] & (df["nutzung"] != ""), "nutzung"]
    bad = texts[~texts.str.contains("Gewerbe", case=False)]
    return f"code {COMMERCIAL_USE} now means {bad.iloc[0]!r}, not commercial use" if len(bad) else None


def _polygons(df: Any) -> str | None:
    kinds = set(df.geometry.geom_type.dropna())
    bad = kinds - {"Polygon", "MultiPolygon"}
    return f"geometries of type {sorted(bad)} (expected polygons)" if bad else None


def _positive(df: pd.DataFrame) -> str | None:
    bad = df[~(df["flaeche_m2"] > 0)]
    return f"{len(bad)} blocks without a positive area" if len(bad) else None


flaechennutzung = catalog.register(Dataset(
    id="flaechennutzung",
    title="Reale Nutzung der bebauten und unbebauten Flächen (Umweltatlas)",
    topic="land",
    publisher="Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin (Umweltatlas)",
    license=LICENSES["dl-de-zero-2.0"],
    landing_page=f"{SERVICE}?SERVICE=WFS&REQUEST=GetCapabilities",
    resources=(Resource(name="reale_nutzung_2023.geojson", url=SERVICE, format="geojson",
                        match=r"\.(geo)?json$|\.gml$|\.zip$", wfs=WFS(SERVICE, TYPE_NAME)),),
    spatial_unit="Block (ISU5)",
    update="biennial",
    parser=parse_flaechennutzung,
    schema=Schema(
        columns={"block_id": "str", "bezirk_id": "str", "bezirk": "str", "nutz": "int", "nutzung": "str",
                 "typ": "str", "typklar": "str", "flaeche_m2": "float", "gewerbe": "bool", "geometry": "geometry"},
        key=("block_id",),
        checks=(Check("code 40 is commercial use", _meaning), Check("polygons", _polygons),
                Check("positive areas", _positive)),
        min_rows=1000,
    ),
    source_title="Umweltatlas Berlin, Reale Nutzung",
    reference_date=_stand,
    unverified="never read a real answer of the layer: attribute names of the 2020 and later services are assumed",
    description=("Blocks with their actual use; `gewerbe` marks code 40 (Gewerbe- und Industrienutzung, großflächiger "
                 "Einzelhandel). Layer ua_flaechennutzung:c_reale_nutzung_2023 is not verified live (see the module "
                 "docstring). Use land.commercial_area() for hectares and shares per Planungsraum."),
))
