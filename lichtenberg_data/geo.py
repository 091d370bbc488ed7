"""Berlin's areas: read boundary files, and the spatial API every topic builds on.

Two halves:

**Readers** (used by the parsers in :mod:`lichtenberg_data.sources` of every topic)
turn any of the variants the portals and their mirrors publish - WFS GML 3.2, WFS GeoJSON,
GeoJSON in EPSG:25833 without a ``crs`` member, CRS84/EPSG:4326 GeoJSON, zipped shapefiles,
uppercase FIS-Broker attributes (``PGR_ID``, ``BEZ``) or lowercase GDI attributes
(``plr_id``, ``bez`` = ``"01 - Mitte"``) - into tables with canonical columns:

``bezirk_id`` ("01".."12"), ``bezirk``, ``ortsteil``, ``prognoseraum_id`` (4 digits),
``prognoseraum``, ``bezirksregion_id`` (6), ``bezirksregion``, ``planungsraum_id`` (8),
``planungsraum``, ``lor_version`` ("2021" or "2006"), ``flaeche_m2`` and ``geometry``, always
in EPSG:25833. Keys are strings with leading zeros. Names are repaired (double-encoded UTF-8
such as ``NeukÃ¶lln``) and checked against the official lists; a name that matches nothing is
a :class:`~lichtenberg_data._errors.FormatError`, never a silent new area.

**The spatial API**: :func:`boundaries`, :func:`aggregate`, :func:`assign`,
:func:`crosswalk`, :func:`crosswalk_table` and :func:`join` (which, like :func:`aggregate`,
refuses to mix the LOR 2021 with the old LOR valid until 2020). Their default district is
``settings.district``, so the same code serves any Berlin district.

>>> import geopandas as gpd, shapely
>>> areas = gpd.GeoDataFrame({"planungsraum_id": ["11100101", "11100102"],
...     "planungsraum": ["Nord", "Süd"]},
...     geometry=[shapely.box(0, 0, 10, 10), shapely.box(0, -10, 10, 0)], crs="EPSG:25833")
>>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([5, 5, 50], [5, -5, 0]), crs="EPSG:25833")
>>> assign(pts, "planungsraum", areas=areas)["planungsraum"].tolist()
['Nord', 'Süd', nan]
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._errors import DataNotAvailableError, FormatError, LichtenbergDataError
from ._provenance import provenance, with_sources
from .names import BEZIRKE, ORTSTEILE, bezirk_id
from .sources.geography import COLUMNS as _DATASET_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "LEVELS", "LorVersionError", "read_geofile", "read_gml", "read_geojson", "infer_crs",
    "repair_text", "normalise_bezirke", "normalise_ortsteile", "normalise_lor", "lor_version", "join",
    "boundaries", "aggregate", "assign", "crosswalk", "crosswalk_table", "resolve_district",
]

#: The CRS every processed geometry is stored in (ETRS89 / UTM zone 33N).
CRS = "EPSG:25833"

#: Each level of :func:`boundaries`: dataset, id column, name column.
LEVELS: dict[str, tuple[str, str, str]] = {
    "bezirk": ("bezirke", "bezirk_id", "bezirk"),
    "ortsteil": ("ortsteile", "ortsteil", "ortsteil"),
    "prognoseraum": ("lor_prognoseraeume", "prognoseraum_id", "prognoseraum"),
    "bezirksregion": ("lor_bezirksregionen", "bezirksregion_id", "bezirksregion"),
    "planungsraum": ("lor_planungsraeume", "planungsraum_id", "planungsraum"),
    "planungsraum_2006": ("lor_planungsraeume_2006", "planungsraum_id", "planungsraum"),
}

#: Length of each LOR key (``BB PP RR NN``).
KEY_LENGTH = {"bezirk_id": 2, "prognoseraum_id": 4, "bezirksregion_id": 6, "planungsraum_id": 8}

#: Where Berlin lies, with a margin, in EPSG:25833 and in WGS84 longitude/latitude.
BERLIN_25833 = (360_000.0, 5_790_000.0, 420_000.0, 5_850_000.0)
BERLIN_WGS84 = (13.0, 52.3, 13.8, 52.7)

class LorVersionError(LichtenbergDataError, ValueError):
    """A table mixes LOR versions, or has the wrong one, or keys the LOR does not know."""


# =========================================================================== text

def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip().casefold()


def _repair_one(text: str) -> str:
    import ftfy

    return unicodedata.normalize("NFC", ftfy.fix_text(text)).strip()


def repair_text(values: pd.Series) -> pd.Series:
    """Repair double-encoded UTF-8 and normalise text (NFC, stripped); non-text stays.

    Only distinct non-ASCII values go through ftfy, so long columns stay fast.

    Examples
    --------
    >>> repair_text(pd.Series(["NeukÃ¶lln", " Mitte ", None])).tolist()
    ['Neukölln', 'Mitte', nan]
    """
    if values.dtype.kind not in "OUS" and str(values.dtype) not in {"str", "string"}:
        return values
    text = values.dropna().astype(str)
    if text.empty:
        return values
    fixed = {v: (_repair_one(v) if not v.isascii() else v.strip()) for v in text.unique()}
    out = values.astype(object).map(lambda v: fixed.get(v, v) if isinstance(v, str) else v)
    return out.where(values.notna(), None)


def _repair_frame(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if col != getattr(df, "_geometry_column_name", "geometry"):
            df[col] = repair_text(df[col])
    return df


# =========================================================================== CRS

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


# =========================================================================== reading files

def read_geofile(path: str | Path, *, crs: str | None = None, within_berlin: bool = True) -> gpd.GeoDataFrame:
    """Read a GeoJSON, WFS GML or zipped shapefile into a GeoDataFrame in EPSG:25833.

    The format is told by the content, not the file name. Attribute names are kept as in
    the file; text values are repaired (:func:`repair_text`).

    Parameters
    ----------
    path
        The file.
    crs
        The CRS to assume when the file names none; by default it is inferred from the
        coordinates (:func:`infer_crs`).
    within_berlin
        Refuse files whose coordinates do not lie in Berlin (a wrong CRS).

    Raises
    ------
    FormatError
        For HTML pages, unsafe XML (DTD, entities), broken JSON, unsafe archives, unknown
        or ambiguous coordinate systems.

    Examples
    --------
    >>> import tempfile, json
    >>> doc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {"namgem": "NeukÃ¶lln"},
    ...     "geometry": {"type": "Point", "coordinates": [390000.0, 5815000.0]}}]}
    >>> p = Path(tempfile.mkdtemp()) / "x.geojson"; _ = p.write_text(json.dumps(doc))
    >>> gdf = read_geofile(p)
    >>> str(gdf.crs), gdf["namgem"].iloc[0]
    ('EPSG:25833', 'Neukölln')
    """
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(2048)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK"):
        gdf = _read_zip(path, crs)
    elif text.startswith(b"<"):
        if text.lower().startswith((b"<!doctype html", b"<html")):
            raise FormatError(f"{path.name} is an HTML page, not geodata (portal error page?). Download it again")
        gdf = read_gml(path, crs=crs)
    elif text.startswith(b"{"):
        gdf = read_geojson(path, crs=crs)
    else:
        raise FormatError(f"{path.name} is neither GeoJSON, GML nor a zipped shapefile. Check the file")
    gdf = _repair_frame(gdf)
    return _to_25833(gdf, path.name) if within_berlin else gdf.to_crs(CRS)


_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]+)"')
_TIMESTAMP = re.compile(rb'"timeStamp"\s*:\s*"(\d{4}-\d\d-\d\d)')


def read_geojson(path: str | Path, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a GeoJSON FeatureCollection; CRS from its ``crs`` member, else inferred.

    RFC 7946 says GeoJSON is WGS84, but real exports carry EPSG:25833 metres without saying
    so; a CRS-less file therefore gets a CRS only where the coordinates leave no doubt.
    The WFS ``timeStamp`` (if any) is kept in ``gdf.attrs["timestamp"]``.
    """
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    raw = path.read_bytes()
    try:
        gdf = pyogrio.read_dataframe(path, use_arrow=False)
    except Exception as exc:  # noqa: BLE001 - GDAL's many error types
        raise FormatError(f"{path.name} is not readable GeoJSON ({str(exc).splitlines()[0][:120]}). "
                          "Check that the download is complete") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.isna().all():
        raise FormatError(f"{path.name} holds no geometries. Check the file")
    member = _CRS_MEMBER.search(raw)
    declared = member.group(1).decode() if member else crs
    gdf = gdf.set_crs(declared if declared else infer_crs(gdf.total_bounds), allow_override=True)
    stamp = _TIMESTAMP.search(raw[-4096:]) or _TIMESTAMP.search(raw[:4096])
    gdf.attrs["timestamp"] = stamp.group(1).decode() if stamp else None
    return gdf


def _read_zip(path: Path, crs: str | None) -> gpd.GeoDataFrame:
    """Read the one shapefile (or GeoJSON) in a zip archive, refusing unsafe archives."""
    import pyogrio

    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile:
        raise FormatError(f"{path.name} is a broken zip archive. Download it again") from None
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if any(i.filename.startswith(("/", "\\")) or ".." in Path(i.filename).parts for i in infos):
        raise FormatError(f"{path.name} contains paths outside the archive (unsafe). Nothing was read")
    if total > 2_000_000_000 or total / packed > 200:
        raise FormatError(f"{path.name} unpacks to {total:,} bytes (zip bomb?). Nothing was read")
    layers = [i.filename for i in infos if i.filename.lower().endswith((".shp", ".geojson", ".json", ".gml"))]
    if len(layers) != 1:
        raise FormatError(f"{path.name} should hold exactly one shapefile or GeoJSON, found {layers or 'none'}")
    gdf = pyogrio.read_dataframe(f"/vsizip/{path}/{layers[0]}")
    if gdf.crs is None:
        gdf = gdf.set_crs(crs or infer_crs(gdf.total_bounds))
    return gdf


# --------------------------------------------------------------------------- GML

_GML = "{http://www.opengis.net/gml/3.2}"
_GML_NS = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def _safe_xml(path: Path) -> Any:
    """Parse XML with defusedxml: DTDs, entities and external references are refused."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import parse

    try:
        return parse(str(path), forbid_dtd=True, forbid_entities=True, forbid_external=True).getroot()
    except DefusedXmlException as exc:
        raise FormatError(f"{path.name} contains a DTD or entity declarations ({type(exc).__name__}); "
                          "refused as unsafe XML. A WFS answer never has one: download it again") from None
    except ParseError as exc:
        raise FormatError(f"{path.name} is not well-formed XML ({exc}). Download it again") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def read_gml(path: str | Path, *, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read a WFS GetFeature answer in GML (3.2 or 3.1/2) with defusedxml.

    Simple feature properties become columns; the first geometry property becomes the
    geometry. Supported geometries: Point, LineString, Polygon, MultiSurface, MultiPolygon,
    Surface, MultiPoint, MultiCurve, MultiLineString. The ``timeStamp`` is kept in
    ``gdf.attrs["timestamp"]``.

    Raises
    ------
    FormatError
        For a DOCTYPE/entities (refused as unsafe), an exception report, or no features.
    """
    import geopandas as gpd

    path = Path(path)
    root = _safe_xml(path)
    if _local(root.tag) in {"ExceptionReport", "ServiceExceptionReport"}:
        text = " ".join(t.strip() for t in root.itertext() if t.strip())[:200]
        raise FormatError(f"{path.name} is a WFS error report: {text}. Check the request")
    records, geoms, srs = [], [], None
    for feature in _gml_features(root):
        props, geom, feat_srs = _gml_feature(feature)
        records.append(props)
        geoms.append(geom)
        srs = srs or feat_srs
    if not records:
        raise FormatError(f"{path.name} holds no features (numberMatched={root.get('numberMatched')}). "
                          "Check the layer name")
    srs = srs or _envelope_srs(root) or crs
    gdf = gpd.GeoDataFrame(pd.DataFrame.from_records(records), geometry=geoms,
                           crs=_gml_crs(srs) if srs else None)
    if gdf.crs is None:
        gdf = gdf.set_crs(infer_crs(gdf.total_bounds))
    stamp = root.get("timeStamp")
    gdf.attrs["timestamp"] = stamp[:10] if stamp else None
    return gdf


def _gml_features(root: Any) -> Iterable[Any]:
    for member in root:
        if _local(member.tag) in {"member", "featureMember", "featureMembers"}:
            yield from list(member)


def _gml_feature(feature: Any) -> tuple[dict[str, Any], Any, str | None]:
    props: dict[str, Any] = {}
    geom, srs = None, None
    for child in feature:
        if _ns(child.tag) in _GML_NS:  # gml:boundedBy, gml:name …
            continue
        kids = list(child)
        if kids and _ns(kids[0].tag) in _GML_NS:
            if geom is None:
                geom = _gml_geometry(kids[0])
                srs = kids[0].get("srsName")
            continue
        if kids:
            continue
        props[_local(child.tag)] = None if child.get(_XSI_NIL) == "true" else (child.text or "").strip()
    return props, geom, srs


def _envelope_srs(root: Any) -> str | None:
    env = root.find(f".//{_GML}Envelope")
    return env.get("srsName") if env is not None else None


def _gml_crs(srs: str) -> Any:
    import pyproj

    try:
        return pyproj.CRS.from_user_input(srs)
    except Exception:  # noqa: BLE001 - pyproj raises CRSError and others
        raise FormatError(f"unknown coordinate system {srs!r} in the GML. Request EPSG:25833") from None


def _swap_axes(srs: str | None) -> bool:
    """Whether GML coordinates come latitude first (URN/URI forms of geographic CRSs)."""
    if not srs or not srs.lower().startswith(("urn:", "http")):
        return False
    try:
        axis = _gml_crs(srs).axis_info
    except FormatError:
        return False
    return bool(axis) and axis[0].direction.lower() == "north"


def _coords(el: Any, srs: str | None) -> np.ndarray:
    dim = int(el.get("srsDimension") or 2)
    pos_list = el.find(f"{{{_ns(el.tag)}}}posList")
    if pos_list is not None:
        values = np.array(pos_list.text.split(), dtype=float)
        dim = int(pos_list.get("srsDimension") or dim)
    else:
        pos = el.findall(f"{{{_ns(el.tag)}}}pos")
        if pos:
            values = np.array(" ".join(p.text for p in pos).split(), dtype=float)
        else:
            coords = el.find(f"{{{_ns(el.tag)}}}coordinates")
            if coords is None:
                raise FormatError(f"a GML {_local(el.tag)} has no coordinates. Check the file")
            values = np.array(coords.text.replace(",", " ").split(), dtype=float)
    xy = values.reshape(-1, dim)[:, :2]
    return xy[:, ::-1] if _swap_axes(srs) else xy


def _ring(parent: Any, srs: str | None) -> np.ndarray:
    ring = next(iter(parent.iter(f"{{{_ns(parent.tag)}}}LinearRing")), None)
    if ring is None:
        raise FormatError("a GML polygon boundary is not a LinearRing. Check the file")
    return _coords(ring, srs)


def _gml_polygon(el: Any, srs: str | None) -> Any:
    import shapely

    ns = _ns(el.tag)
    shell, holes = None, []
    for part in el.iter():
        name = _local(part.tag)
        if _ns(part.tag) != ns:
            continue
        if name in {"exterior", "outerBoundaryIs"}:
            shell = _ring(part, srs)
        elif name in {"interior", "innerBoundaryIs"}:
            holes.append(_ring(part, srs))
    if shell is None:
        raise FormatError("a GML polygon has no exterior ring. Check the file")
    return shapely.Polygon(shell, holes)


def _gml_geometry(el: Any) -> Any:
    """A shapely geometry from a GML geometry element."""
    import shapely

    name, srs, ns = _local(el.tag), el.get("srsName"), _ns(el.tag)
    if name == "Point":
        return shapely.Point(_coords(el, srs)[0])
    if name in {"LineString", "Curve"}:
        return shapely.LineString(_coords(_line_el(el), srs))
    if name in {"Polygon", "PolygonPatch"}:
        return _gml_polygon(el, srs)
    if name in {"MultiSurface", "MultiPolygon", "Surface", "CompositeSurface"}:
        polys = [_gml_polygon(p, srs) for p in el.iter()
                 if _local(p.tag) in {"Polygon", "PolygonPatch"} and _ns(p.tag) == ns]
        return shapely.MultiPolygon(polys) if name != "Surface" or len(polys) > 1 else polys[0]
    if name == "MultiPoint":
        return shapely.MultiPoint([_coords(p, srs)[0] for p in el.iter(f"{{{ns}}}Point")])
    if name in {"MultiCurve", "MultiLineString"}:
        return shapely.MultiLineString([_coords(p, srs) for p in el.iter(f"{{{ns}}}LineString")])
    raise FormatError(f"GML geometry type {name} is not supported. Request GeoJSON instead")


def _line_el(el: Any) -> Any:
    """The element holding a curve's coordinates (a LineString or a LineStringSegment)."""
    for part in el.iter():
        if _local(part.tag) in {"LineString", "LineStringSegment"} and list(part):
            return part
    return el


# =========================================================================== normalising

#: Attribute names (lowercased) each canonical column is read from, first match wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "planungsraum_id": ("plr_id", "planungsraum (nummer)", "schlüssel", "schluessel", "raumid"),
    "planungsraum": ("plr_name", "planungsraum (name)", "planungsraum", "plr_nam"),
    "bezirksregion_id": ("bzr_id", "bezirksregion (nummer)", "bzr"),
    "bezirksregion": ("bzr_name", "bezirksregion (name)", "bezirksregion", "bzrname", "bzr_nam"),
    "prognoseraum_id": ("pgr_id", "prognoseraum (nummer)", "pgr"),
    "prognoseraum": ("pgr_name", "prognoseraum (name)", "prognoseraum", "pgrname", "pgr_nam"),
    "bezirk_key": ("bez_id", "gemeinde_schluessel", "gem", "bez"),
    "bezirk": ("namgem", "gemeinde_name", "bezirksname", "bez_name", "bezname", "bezirk", "bez"),
    "ortsteil": ("nam", "oteil", "ortsteil", "ortsteilname", "ortst-name"),
}

#: Columns of each processed level, in order (declared with the datasets).
COLUMNS = _DATASET_COLUMNS


def _pick(df: pd.DataFrame, canonical: str, fallback: Sequence[str] = ()) -> pd.Series | None:
    """The first column of ``df`` (lowercased names) that is an alias of ``canonical``,
    else one of the ``fallback`` names."""
    lower = {str(c).strip().lower(): c for c in df.columns}
    for alias in (*ALIASES.get(canonical, (canonical,)), *fallback):
        if alias in lower:
            return df[lower[alias]]
    return None


def _clean_key(values: pd.Series, length: int, what: str) -> pd.Series:
    """Keys as strings of ``length`` digits; one lost leading zero is restored.

    >>> _clean_key(pd.Series(["1100101", 11100102, "11100103.0"]), 8, "x").tolist()
    ['01100101', '11100102', '11100103']
    """
    text = values.astype(object).map(lambda v: None if v is None or v != v else str(v).strip())
    text = text.str.replace(r"\.0$", "", regex=True)
    text = text.where(text.str.len() != length - 1, "0" + text)
    bad = text[~text.fillna("").str.fullmatch(rf"\d{{{length}}}")]
    if len(bad):
        raise FormatError(f"{what} must be {length}-digit keys, found {bad.head(3).tolist()}. "
                          "Check that the file is the right LOR level")
    return text.astype(str)


def resolve_district(value: str | int) -> str:
    """The ``bezirk_id`` of a district given by name, key or label; FormatError if unknown.

    Examples
    --------
    >>> resolve_district("Lichtenberg"), resolve_district("11 - Lichtenberg"), resolve_district(11)
    ('11', '11', '11')
    """
    text = value if isinstance(value, int) else _repair_one(str(value))
    try:
        return bezirk_id(text)
    except KeyError:
        raise FormatError(f"{value!r} is not a Berlin Bezirk; use one of: {', '.join(BEZIRKE.values())}") from None


def _bezirk_ids(names: pd.Series) -> pd.Series:
    uniq = {v: resolve_district(v) for v in names.dropna().unique()}
    return names.map(uniq)


def _finish(gdf: gpd.GeoDataFrame, level: str, version: str | None) -> gpd.GeoDataFrame:
    """Add version and area, order the columns, keep the timestamp."""
    import geopandas as gpd

    if version is not None:
        gdf["lor_version"] = version
    gdf["flaeche_m2"] = gdf.geometry.area.round(2)
    stamp = gdf.attrs.get("timestamp")
    out = gpd.GeoDataFrame(pd.DataFrame(gdf[COLUMNS[level]]), geometry="geometry", crs=CRS)
    for col in out.columns:
        if col not in {"geometry", "flaeche_m2"}:
            out[col] = out[col].astype("str")
            out.loc[gdf[col].isna().to_numpy(), col] = None
    out.attrs["timestamp"] = stamp
    return out.reset_index(drop=True)


def normalise_bezirke(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Canonical Bezirk table (``bezirk_id``, ``bezirk``, ``flaeche_m2``, ``geometry``).

    The district is told by its name (ALKIS ``namgem``, ODIS ``Gemeinde_name``,
    ``spatial_alias`` …) and checked against a key column where the file has one.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"gem": ["011"], "namgem": ["Lichtenberg"]},
    ...     geometry=[shapely.box(400000, 5815000, 401000, 5816000)], crs="EPSG:25833")
    >>> normalise_bezirke(g)[["bezirk_id", "bezirk", "flaeche_m2"]].values.tolist()
    [['11', 'Lichtenberg', 1000000.0]]
    """
    names = _pick(gdf, "bezirk", fallback=("spatial_alias",))
    if names is None:
        raise FormatError(f"no Bezirk name column found (columns: {', '.join(map(str, gdf.columns))}). "
                          "Check that the file holds Berlin's Bezirke")
    out = gdf.copy()
    out["bezirk_id"] = _bezirk_ids(names)
    key = _pick(gdf, "bezirk_key", fallback=("spatial_name",))
    if key is not None and key.name != names.name:
        _check_key_matches(key, out["bezirk_id"])
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out = _dissolve_parts(out, "bezirk_id")
    return _finish(out, "bezirk", None)


def _check_key_matches(key: pd.Series, ids: pd.Series) -> None:
    digits = key.astype(str).str.extract(r"^(\d{1,3})", expand=False).str[-2:].str.zfill(2)
    bad = digits.notna() & (digits != ids)
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"Bezirk key {key[i]!r} does not belong to {BEZIRKE.get(ids[i], ids[i])!r}. "
                          "Check the file")


def _dissolve_parts(gdf: gpd.GeoDataFrame, by: str) -> gpd.GeoDataFrame:
    """Merge features that are parts of one area (some exports split multipolygons)."""
    if not gdf[by].duplicated().any():
        return gdf
    stamp = gdf.attrs.get("timestamp")
    out = gdf.dissolve(by=by, as_index=False, sort=False)
    out.attrs["timestamp"] = stamp
    return out


def _ortsteil_lookup() -> dict[str, tuple[str, str]]:
    table = {}
    for bez, names in ORTSTEILE.items():
        for name in names:
            table[_fold(name)] = (bez, name)
    return table


def normalise_ortsteile(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Canonical Ortsteil table (``ortsteil``, ``bezirk_id``, ``bezirk``, …).

    Names come from ALKIS ``nam`` or ODIS ``OTEIL``; each must be an official Ortsteil and,
    where the file names the Bezirk, lie in that Bezirk.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"nam": ["Karlshorst"]},
    ...     geometry=[shapely.box(400000, 5815000, 401000, 5816000)], crs="EPSG:25833")
    >>> normalise_ortsteile(g)[["ortsteil", "bezirk_id", "bezirk"]].values.tolist()
    [['Karlshorst', '11', 'Lichtenberg']]
    """
    names = _pick(gdf, "ortsteil", fallback=("spatial_alias",))
    if names is None:
        raise FormatError(f"no Ortsteil name column found (columns: {', '.join(map(str, gdf.columns))}). "
                          "Check that the file holds Berlin's Ortsteile")
    lookup = _ortsteil_lookup()
    unknown = sorted({n for n in names.dropna() if _fold(n) not in lookup} | ({None} if names.isna().any() else set()),
                     key=str)
    if unknown:
        raise FormatError(f"unknown Ortsteil name(s) {unknown[:5]}; not in the official list of Berlin's "
                          "Ortsteile. Check the file (or update names.ORTSTEILE for a new Ortsteil)")
    out = gdf.copy()
    out["ortsteil"] = names.map(lambda n: lookup[_fold(n)][1])
    out["bezirk_id"] = names.map(lambda n: lookup[_fold(n)][0])
    bez = _pick(gdf, "bezirk")
    if bez is not None:
        given = _bezirk_ids(bez)
        wrong = given.notna() & (given != out["bezirk_id"])
        if wrong.any():
            i = wrong.idxmax()
            raise FormatError(f"Ortsteil {out['ortsteil'][i]!r} is listed under Bezirk {bez[i]!r}, but belongs "
                              f"to {BEZIRKE[out['bezirk_id'][i]]}. Check the file")
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    out = _dissolve_parts(out, "ortsteil")
    return _finish(out, "ortsteil", None)


# --------------------------------------------------------------------------- LOR

_OWN_ID = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
           "prognoseraum": "prognoseraum_id"}
_PARENTS = {"planungsraum": ("bezirksregion_id", "prognoseraum_id", "bezirk_id"),
            "bezirksregion": ("prognoseraum_id", "bezirk_id"), "prognoseraum": ("bezirk_id",)}
_NAMES = ("planungsraum", "bezirksregion", "prognoseraum")


def normalise_lor(gdf: pd.DataFrame, level: str, version: str, *,
                  keys: pd.DataFrame | None = None) -> pd.DataFrame:
    """Canonical LOR table of one level (``planungsraum``, ``bezirksregion``, ``prognoseraum``).

    Parameters
    ----------
    gdf
        The table as read (any attribute variant); a GeoDataFrame gets ``flaeche_m2``.
    level
        The LOR level the file holds.
    version
        ``"2021"`` or ``"2006"`` (the LOR valid until 2020).
    keys
        A canonical key list of the same version (:func:`normalise_lor` of a key-list
        file). Needed for files with names only; otherwise it checks the keys and fills
        missing names.

    Raises
    ------
    FormatError
        Missing or malformed keys, keys of the other LOR version, names matching no key,
        a Bezirk column that contradicts the keys.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame({"PLR_ID": ["11401032"], "PLR_NAME": ["Rosenfelder Ring"],
    ...     "BEZ": ["11 - Lichtenberg"]},
    ...     geometry=[shapely.box(400000, 5815000, 400100, 5815100)], crs="EPSG:25833")
    >>> row = normalise_lor(g, "planungsraum", "2021").iloc[0]
    >>> row.bezirksregion_id, row.prognoseraum_id, row.bezirk, row.lor_version, float(row.flaeche_m2)
    ('114010', '1140', 'Lichtenberg', '2021', 10000.0)
    """
    own = _OWN_ID[level]
    out = gdf.copy()
    for col in (own, *_PARENTS[level][:-1], *_NAMES):
        found = _pick(gdf, col, fallback=("id",) if col == own else ())
        out[col] = None if found is None else found.to_numpy()
    if out[own].isna().all():
        out = _keys_from_names(out, level, keys)
    out[own] = _clean_key(out[own], KEY_LENGTH[own], own)
    _check_version(out[own], version)
    for parent in _PARENTS[level]:
        derived = out[own].str[:KEY_LENGTH[parent]]
        if parent in out and out[parent].notna().any():
            _check_parent(out, own, parent, derived)
        out[parent] = derived
    _check_bezirk_column(gdf, out)
    out["bezirk"] = out["bezirk_id"].map(BEZIRKE)
    if out["bezirk"].isna().any():
        raise FormatError(f"keys with unknown Bezirk {sorted(out.loc[out['bezirk'].isna(), own].unique())[:3]}. "
                          "Check the file")
    if keys is not None:
        out = _names_from_keys(out, level, keys)
    _check_names(out, level)
    if "geometry" not in out:
        return out
    return _finish(out, level, version)


def _check_version(ids: pd.Series, version: str) -> None:
    """LOR 2021 Prognoseraum digits end in 0 (``1110``); the old LOR's mostly do not."""
    new_style = ids.str[3] == "0"
    if version == "2021" and not new_style.all():
        raise FormatError(f"keys such as {ids[~new_style].iloc[0]} are old LOR keys (valid until 2020), not "
                          "LOR 2021. Import the file into lor_planungsraeume_2006")
    if version == "2006" and new_style.all() and len(ids) > 60:
        raise FormatError(f"the keys (e.g. {ids.iloc[0]}) are LOR 2021 keys, not old LOR keys. "
                          "Import the file into the LOR 2021 dataset")


def _check_parent(out: pd.DataFrame, own: str, parent: str, derived: pd.Series) -> None:
    given = _clean_key(out[parent].astype(object).where(out[parent].notna(), derived),
                       KEY_LENGTH[parent], parent)
    bad = given != derived
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"{own} {out[own][i]} lies in {parent} {given[i]} according to the file, "
                          f"but its key says {derived[i]}. Check the file")


def _check_bezirk_column(raw: pd.DataFrame, out: pd.DataFrame) -> None:
    bez = _pick(raw, "bezirk")
    if bez is None:
        return
    given = _bezirk_ids(bez.reset_index(drop=True))
    given.index = out.index
    bad = given.notna() & (given != out["bezirk_id"])
    if bad.any():
        i = bad.idxmax()
        raise FormatError(f"Bezirk {bez.iloc[list(out.index).index(i)]!r} contradicts key "
                          f"{out['bezirk_id'][i]}. Check the file")


def _keys_from_names(out: pd.DataFrame, level: str, keys: pd.DataFrame | None) -> pd.DataFrame:
    """Give a names-only file its keys by matching Bezirk and LOR names to the key list."""
    own = _OWN_ID[level]
    if keys is None:
        raise FormatError(f"the file has names but no {own}; import it together with the LOR key list "
                          "(e.g. LOR_Planungsraeume_2019.csv)")
    bez = _pick(out, "bezirk")
    if bez is None:
        raise FormatError("the file has neither keys nor Bezirk names. Check the file")
    out["bezirk_id"] = _bezirk_ids(bez)
    on = ["bezirk_id", *[n for n in _NAMES if out[n].notna().all() and n in keys]]
    left = out[on].apply(lambda s: s.map(_fold))
    right = keys[[*on, own]].copy()
    right[on] = right[on].apply(lambda s: s.map(_fold))
    right = right.drop_duplicates(on, keep=False)
    merged = left.merge(right, on=on, how="left", validate="many_to_one")
    missing = merged[own].isna()
    if missing.any():
        example = out.loc[missing.to_numpy(), on].iloc[0].tolist()
        raise FormatError(f"{int(missing.sum())} areas match no entry of the key list, e.g. {example}. "
                          "Check that file and key list are of the same LOR version")
    out[own] = merged[own].to_numpy()
    return out


def _names_from_keys(out: pd.DataFrame, level: str, keys: pd.DataFrame) -> pd.DataFrame:
    """Check keys against the key list; official names replace or fill the file's names."""
    own = _OWN_ID[level]
    ref = keys.drop_duplicates(own).set_index(own)
    unknown = sorted(set(out[own]) - set(ref.index))
    if unknown:
        raise FormatError(f"{len(unknown)} {own} not in the LOR key list, e.g. {unknown[:3]}. "
                          "Check that file and key list are of the same LOR version")
    for name in _NAMES:
        if name in ref.columns and name in out.columns and _level_rank(name) >= _level_rank(level):
            official = out[own].map(ref[name])
            out[name] = official.where(official.notna(), out[name])
    return out


def _level_rank(name: str) -> int:
    return {"planungsraum": 0, "bezirksregion": 1, "prognoseraum": 2}[name]


def _check_names(out: pd.DataFrame, level: str) -> None:
    col = level
    if out[col].isna().any():
        raise FormatError(f"{int(out[col].isna().sum())} areas without a {level} name. Check the file")


# =========================================================================== LOR versions

def lor_version(df: pd.DataFrame, column: str = "planungsraum_id") -> str:
    """The LOR version of a table keyed by Planungsraum: ``"2021"`` or ``"2006"``.

    Read from the ``lor_version`` column where there is one; otherwise told by the keys
    (LOR 2021 Prognoseraum digits are 10, 20 …; old ones mostly 01, 02 …).

    Raises
    ------
    LorVersionError
        When the table mixes versions or its keys are missing or malformed.

    Examples
    --------
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11401032", "11501339"]}))
    '2021'
    >>> lor_version(pd.DataFrame({"planungsraum_id": ["11041022"]}))
    '2006'
    """
    if "lor_version" in df.columns:
        found = sorted(df["lor_version"].dropna().astype(str).unique())
        if len(found) > 1:
            raise LorVersionError(
                f"the table mixes LOR versions {found}; Planungsräume of different versions cannot be "
                "joined or summed. Convert the old ones with geo.crosswalk(...) first"
            )
        if found:
            return found[0]
    ids = _table_keys(df, column)
    return "2021" if (ids.str[3] == "0").all() else "2006"


def _table_keys(df: pd.DataFrame, column: str = "planungsraum_id") -> pd.Series:
    if column not in df.columns:
        raise LorVersionError(f"the table has no {column} column; aggregate and crosswalk need "
                              "Planungsraum keys")
    ids = df[column]
    if ids.isna().any():
        raise LorVersionError(f"{int(ids.isna().sum())} rows have no {column}; assign them first "
                              "(geo.assign) or drop them knowingly")
    try:
        return _clean_key(ids, 8, column)
    except FormatError as exc:
        raise LorVersionError(str(exc)) from None


def join(left: pd.DataFrame, right: pd.DataFrame, *, how: str = "left",
         allow_missing: bool = False, suffixes: tuple[str, str] = ("", "_rechts")) -> pd.DataFrame:
    """Join two tables on ``planungsraum_id`` - only when both are of the same LOR version.

    Joining an old-LOR table to a LOR 2021 table would leave most rows without a partner
    (the key sets are disjoint); this refuses instead. Keys of ``left`` missing in ``right``
    are refused too, unless ``allow_missing``.

    Examples
    --------
    >>> a = pd.DataFrame({"planungsraum_id": ["11401032"], "einwohner": [5]})
    >>> b = pd.DataFrame({"planungsraum_id": ["11401032"], "arbeitslose": [1]})
    >>> join(a, b).columns.tolist()
    ['planungsraum_id', 'einwohner', 'arbeitslose']
    >>> join(a, pd.DataFrame({"planungsraum_id": ["11041022"], "x": [1]}))
    Traceback (most recent call last):
    ...
    lichtenberg_data.geo.LorVersionError: cannot join LOR 2021 with LOR 2006 Planungsräume: the keys differ. Convert one table with geo.crosswalk(...) first
    """
    a, b = lor_version(left), lor_version(right)
    if a != b:
        raise LorVersionError(f"cannot join LOR {a} with LOR {b} Planungsräume: the keys differ. "
                              "Convert one table with geo.crosswalk(...) first")
    missing = sorted(set(_table_keys(left)) - set(_table_keys(right)))
    if missing and not allow_missing:
        raise LorVersionError(f"{len(missing)} planungsraum_id of the left table are missing on the right, "
                              f"e.g. {missing[:3]}; pass allow_missing=True to keep them with gaps")
    right = right.drop(columns=[c for c in ("lor_version",) if c in right and c in left])
    out = left.merge(right, on="planungsraum_id", how=how, suffixes=suffixes)
    return with_sources(out, left, right)


def _key_table(version: str) -> pd.DataFrame | None:
    """The stored LOR key list of a version, or ``None`` where none was loaded yet."""
    dataset = "lor_schluessel" if version == "2021" else "lor_planungsraeume_2006"
    try:
        from . import load  # type: ignore[attr-defined]

        table = load(dataset)
    except (ImportError, AttributeError, DataNotAvailableError, FileNotFoundError, KeyError):
        return None
    return pd.DataFrame(table.drop(columns="geometry", errors="ignore"))


# =========================================================================== public API

_DEFAULT = "<settings.district>"


def _district_id(district: str | int | None) -> str | None:
    if district is None:
        return None
    if district == _DEFAULT:
        from .settings import settings

        district = settings.district
    return resolve_district(district)


def boundaries(level: str = "planungsraum", district: str | int | None = _DEFAULT) -> gpd.GeoDataFrame:
    """The polygons of one level of Berlin's areas, for one district or all of Berlin.

    Parameters
    ----------
    level
        ``bezirk``, ``ortsteil``, ``prognoseraum``, ``bezirksregion``, ``planungsraum``
        (LOR 2021) or ``planungsraum_2006`` (the old LOR valid until 2020).
    district
        A Bezirk by name or key (``"Lichtenberg"``, ``"11"``, ``11``); ``None`` for all of
        Berlin; by default ``settings.district``.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical columns (see the module docstring) in EPSG:25833, with provenance.

    Raises
    ------
    FormatError
        For an unknown district.
    DataNotAvailableError
        When the level's dataset was never refreshed or imported.

    Examples
    --------
    >>> plr = boundaries("planungsraum")            # doctest: +SKIP
    >>> len(plr), plr["bezirk"].iloc[0]             # doctest: +SKIP
    (41, 'Lichtenberg')
    """
    from . import load  # type: ignore[attr-defined]

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    bid = _district_id(district)
    gdf = load(LEVELS[level][0])
    if bid is not None:
        gdf = with_sources(gdf[gdf["bezirk_id"] == bid].reset_index(drop=True), gdf)
    return gdf


# --------------------------------------------------------------------------- aggregate

_TARGETS = {"planungsraum": "planungsraum_id", "bezirksregion": "bezirksregion_id",
            "prognoseraum": "prognoseraum_id", "bezirk": "bezirk_id", "berlin": None}
_TIME_COLUMNS = ("year", "date", "jahr", "stichtag", "zeit")


def aggregate(df: pd.DataFrame, to: str = "bezirk", values: str | Sequence[str] | None = None, *,
              by: str | Sequence[str] = (), keys: pd.DataFrame | None = None,
              complete: bool = True) -> pd.DataFrame:
    """Sum a table keyed by ``planungsraum_id`` up to Bezirksregion, Prognoseraum, Bezirk or Berlin.

    The parent of each Planungsraum is read from its key (``BB PP RR NN``), so no geometry
    is needed. The table must be of one LOR version; its keys are checked against the
    LOR key list (``keys``, else the stored ``lor_schluessel`` / ``lor_planungsraeume_2006``
    where loaded).

    Parameters
    ----------
    df
        Table with ``planungsraum_id`` and the value columns.
    to
        ``bezirksregion``, ``prognoseraum``, ``bezirk`` or ``berlin``.
    values
        Columns to sum (counts, not rates); by default all numeric columns that are no keys.
    by
        Further columns to keep apart (e.g. ``"year"``, ``"geschlecht"``).
    keys
        A canonical key list (``planungsraum_id`` [+ names]) to check against.
    complete
        Refuse when a target area misses some of its Planungsräume (a sum would be too low).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, the target's id and name (``gebiet_id``/``gebiet`` for Berlin),
        ``lor_version`` and the summed values; provenance of ``df`` kept.

    Raises
    ------
    LorVersionError
        Keys missing or malformed, mixed or unknown LOR versions, incomplete areas, or
        several years summed together without ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"planungsraum_id": ["11100101", "11100102", "11200410"],
    ...                   "einwohner": [100, 50, 7]})
    >>> aggregate(t, "prognoseraum", "einwohner", complete=False)
      prognoseraum_id lor_version  einwohner
    0            1110        2021        150
    1            1120        2021          7
    >>> aggregate(t, "berlin", "einwohner", complete=False)["einwohner"].tolist()
    [157]
    """
    if to not in _TARGETS or to == "planungsraum":
        raise ValueError(f"to must be one of bezirksregion, prognoseraum, bezirk, berlin, not {to!r}")
    by = [by] if isinstance(by, str) else list(by)
    values = _value_columns(df, values, by)
    version = lor_version(df)
    ids = _table_keys(df)
    _check_time_columns(df, by)
    key_list = keys if keys is not None else _key_table(version)
    if key_list is not None:
        _check_against_keys(ids, key_list, to, complete, version)
    target = _TARGETS[to]
    work = pd.DataFrame(df[[*by, *values]]).copy()
    if target is None:
        work["gebiet_id"], work["gebiet"] = "00", "Berlin"
        group = ["gebiet_id", "gebiet"]
    else:
        work[target] = ids.str[:KEY_LENGTH[target]].to_numpy()
        group = [target]
    out = work.groupby([*by, *group], dropna=False, sort=True)[values].sum(min_count=1).reset_index()
    out = _add_names(out, to, target, df, key_list)
    out.insert(out.columns.get_loc(values[0]), "lor_version", version)
    return with_sources(out, df)


def _value_columns(df: pd.DataFrame, values: str | Sequence[str] | None, by: Sequence[str]) -> list[str]:
    if values is None:
        skip = {*by, *KEY_LENGTH, "lor_version", *_TIME_COLUMNS}
        values = [c for c in df.select_dtypes("number").columns if c not in skip and not str(c).endswith("_id")]
    values = [values] if isinstance(values, str) else list(values)
    missing = [v for v in values if v not in df.columns]
    if missing or not values:
        raise ValueError(f"value columns {missing or values} not in the table")
    return values


def _check_time_columns(df: pd.DataFrame, by: Sequence[str]) -> None:
    """Refuse summing over several dates: each ``by`` group must hold one value of each time column."""
    for col in _TIME_COLUMNS:
        if col not in df.columns or col in by:
            continue
        n = df.groupby(list(by), dropna=False)[col].nunique().max() if by else df[col].nunique()
        if n > 1:
            raise LorVersionError(f"the table holds several values of {col!r} ({df[col].nunique()}); summing "
                                  f"them would add up different dates. Pass by=[{col!r}] or filter first")


def _check_against_keys(ids: pd.Series, keys: pd.DataFrame, to: str, complete: bool, version: str) -> None:
    known = set(_clean_key(keys["planungsraum_id"], 8, "planungsraum_id"))
    unknown = sorted(set(ids) - known)
    if unknown:
        raise LorVersionError(
            f"{len(unknown)} planungsraum_id not in the LOR {version} key list, e.g. {unknown[:3]}; the table "
            "is of another LOR version or has wrong keys. Use geo.crosswalk for old Planungsräume"
        )
    if not complete or to == "planungsraum":
        return
    n = KEY_LENGTH.get(_TARGETS[to] or "", 0)
    present = {k[:n] for k in ids}
    missing = sorted(k for k in known - set(ids) if k[:n] in present)
    if missing:
        raise LorVersionError(
            f"{len(missing)} Planungsräume are missing from the table (e.g. {missing[:3]}), so the sums of "
            "their areas would be too low. Add them (with 0 where right) or pass complete=False"
        )


def _add_names(out: pd.DataFrame, to: str, target: str | None, df: pd.DataFrame,
               key_list: pd.DataFrame | None) -> pd.DataFrame:
    if target is None:
        return out
    if to == "bezirk":
        names = out[target].map(BEZIRKE)
    elif to in df.columns and target in df.columns:
        names = out[target].map(df.drop_duplicates(target).set_index(target)[to])
    elif key_list is not None and to in key_list.columns:
        names = out[target].map(key_list.assign(**{target: key_list["planungsraum_id"].str[:KEY_LENGTH[target]]})
                                .drop_duplicates(target).set_index(target)[to])
    else:
        return out
    out.insert(out.columns.get_loc(target) + 1, to, names)
    return out


# --------------------------------------------------------------------------- assign

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

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if areas is None:
        areas = boundaries(level, district)
    elif district is not None:
        areas = areas[areas["bezirk_id"] == _district_id(district)]
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
    _, id_col, name_col = LEVELS[level]
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


# --------------------------------------------------------------------------- crosswalk

_OTHER = {"2006": "2021", "2021": "2006"}


def _version_level(version: str) -> str:
    if version not in _OTHER:
        raise ValueError(f"LOR version must be '2021' or '2006', not {version!r}")
    return "planungsraum" if version == "2021" else "planungsraum_2006"


def crosswalk_table(source: str = "2006", target: str = "2021", *, weights: str = "area",
                    population: gpd.GeoDataFrame | None = None, population_column: str = "einwohner",
                    old: gpd.GeoDataFrame | None = None, new: gpd.GeoDataFrame | None = None,
                    min_share: float = 0.01) -> pd.DataFrame:
    """Weights that move counts from the Planungsräume of one LOR version to the other.

    Each source Planungsraum is cut by the target Planungsräume. Its share in each piece is
    the piece's share of its area (``weights="area"``) or of its residents
    (``weights="population"`` with a ``population`` layer of points or polygons, e.g.
    blocks with residents). Pieces below ``min_share`` (slivers from differently digitised
    borders) are dropped; the shares of each source Planungsraum are then rescaled to sum
    to exactly 1, so a crosswalk preserves totals.

    Parameters
    ----------
    source, target
        ``"2006"`` (the old LOR) and ``"2021"``, either way round.
    weights
        ``"area"`` or ``"population"``.
    population, population_column
        The population layer and its count column (for ``weights="population"``). A source
        Planungsraum without residents in the layer falls back to area weights.
    old, new
        The source and target polygons (default: :func:`boundaries` of all Berlin).
    min_share
        Smallest share kept (default 1 %: on the real LOR, pieces below it are slivers along
        borders digitised differently; dropping them keeps e.g. Lichtenberg's total exact).

    Returns
    -------
    pandas.DataFrame
        ``source_id``, ``target_id``, ``share`` (sums to 1 per ``source_id``),
        ``overlap_m2`` and ``coverage`` (the part of the source area covered by target areas).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> old = gpd.GeoDataFrame({"planungsraum_id": ["01011101"]},
    ...     geometry=[shapely.box(0, 0, 100, 100)], crs="EPSG:25833")
    >>> new = gpd.GeoDataFrame({"planungsraum_id": ["01100101", "01100102"]},
    ...     geometry=[shapely.box(0, 0, 25, 100), shapely.box(25, 0, 100, 100)], crs="EPSG:25833")
    >>> crosswalk_table(old=old, new=new)[["source_id", "target_id", "share"]].values.tolist()
    [['01011101', '01100101', 0.25], ['01011101', '01100102', 0.75]]
    """
    import geopandas as gpd
    import shapely

    if target != _OTHER.get(source):
        raise ValueError(f"crosswalk goes between LOR '2006' and '2021', not {source!r} → {target!r}")
    old = old if old is not None else boundaries(_version_level(source), None)
    new = new if new is not None else boundaries(_version_level(target), None)
    a = shapely.make_valid(old.to_crs(CRS).geometry.to_numpy())
    b = shapely.make_valid(new.to_crs(CRS).geometry.to_numpy())
    ia, ib = shapely.STRtree(b).query(a, predicate="intersects")
    pieces = shapely.intersection(a[ia], b[ib])
    table = pd.DataFrame({
        "source_id": old["planungsraum_id"].to_numpy()[ia], "target_id": new["planungsraum_id"].to_numpy()[ib],
        "overlap_m2": shapely.area(pieces),
    })
    table["weight"] = table["overlap_m2"]
    if weights == "population":
        if population is None:
            raise ValueError("weights='population' needs a population layer (points or polygons)")
        table["weight"] = _population_in(gpd.GeoSeries(pieces, crs=CRS), population, population_column)
        no_people = table.groupby("source_id")["weight"].transform("sum") <= 0
        table.loc[no_people, "weight"] = table.loc[no_people, "overlap_m2"]
    elif weights != "area":
        raise ValueError(f"weights must be 'area' or 'population', not {weights!r}")
    source_area = pd.Series(shapely.area(a), index=old["planungsraum_id"].to_numpy())
    out = _shares(table, min_share)
    out["coverage"] = (out.groupby("source_id")["overlap_m2"].transform("sum")
                       / out["source_id"].map(source_area)).clip(upper=1.0)
    missing = sorted(set(old["planungsraum_id"]) - set(out["source_id"]))
    if missing:
        raise LorVersionError(f"{len(missing)} source Planungsräume overlap no target area, e.g. {missing[:3]}; "
                              "check that both layers cover the same city")
    out.attrs["provenance"] = provenance(old) + provenance(new) + provenance(population)
    return out


def _shares(table: pd.DataFrame, min_share: float) -> pd.DataFrame:
    total = table.groupby("source_id")["weight"].transform("sum")
    table["share"] = table["weight"] / total.where(total > 0)
    table = table[table["share"] >= min_share].copy()
    table["share"] = table["share"] / table.groupby("source_id")["share"].transform("sum")
    table = table.sort_values(["source_id", "target_id"], ignore_index=True)
    return table[["source_id", "target_id", "share", "overlap_m2"]]


def _population_in(pieces: gpd.GeoSeries, population: gpd.GeoDataFrame, column: str) -> np.ndarray:
    """Residents of the population layer in each piece (blocks split by area share)."""
    import shapely

    pop = population.to_crs(CRS)
    geoms = pop.geometry.to_numpy()
    counts = pd.to_numeric(pop[column], errors="coerce").fillna(0).to_numpy(dtype=float)
    ipiece, ipop = shapely.STRtree(geoms).query(pieces.to_numpy(), predicate="intersects")
    if shapely.get_type_id(geoms).max(initial=0) in (0, 4):  # points
        inside = np.ones(len(ipiece), dtype=float)
    else:
        cut = shapely.area(shapely.intersection(pieces.to_numpy()[ipiece], geoms[ipop]))
        inside = np.divide(cut, shapely.area(geoms[ipop]), out=np.zeros(len(cut)), where=shapely.area(geoms[ipop]) > 0)
    return np.bincount(ipiece, weights=counts[ipop] * inside, minlength=len(pieces))


def crosswalk(df: pd.DataFrame, values: str | Sequence[str] | None = None, source: str = "2006",
              target: str = "2021", *, weights: str = "area", population: gpd.GeoDataFrame | None = None,
              population_column: str = "einwohner", by: str | Sequence[str] = (),
              table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Move counts from the Planungsräume of one LOR version to those of the other.

    Each source value is split over the target Planungsräume by the shares of
    :func:`crosswalk_table` (area, or residents where a population layer is given) and
    summed per target, so Berlin's total is kept exactly. Use it for counts, not rates.

    Parameters
    ----------
    df
        Table keyed by ``planungsraum_id`` of the ``source`` version.
    values
        Columns to move; by default all numeric columns that are no keys.
    source, target
        ``"2006"`` → ``"2021"`` or back.
    weights, population, population_column
        See :func:`crosswalk_table`.
    by
        Columns to keep apart (e.g. ``"year"``).
    table
        A ready crosswalk table (from :func:`crosswalk_table`), e.g. to reuse it.

    Returns
    -------
    pandas.DataFrame
        ``by``, ``planungsraum_id`` (target version), ``bezirksregion_id``,
        ``prognoseraum_id``, ``bezirk_id``, ``lor_version`` and the values (as floats).

    Raises
    ------
    LorVersionError
        When the table is not of the ``source`` version or has keys the crosswalk lacks.

    Examples
    --------
    >>> cw = pd.DataFrame({"source_id": ["01011101", "01011101"],
    ...     "target_id": ["01100101", "01100102"], "share": [0.25, 0.75], "overlap_m2": [1.0, 3.0]})
    >>> t = pd.DataFrame({"planungsraum_id": ["01011101"], "einwohner": [100]})
    >>> crosswalk(t, "einwohner", table=cw)[["planungsraum_id", "einwohner"]].values.tolist()
    [['01100101', 25.0], ['01100102', 75.0]]
    """
    by = [by] if isinstance(by, str) else list(by)
    values = _value_columns(df, values, by)
    found = lor_version(df)
    if found != source:
        raise LorVersionError(f"the table is on LOR {found}, not {source}; nothing to convert")
    _check_time_columns(df, by)
    if table is None:
        table = crosswalk_table(source, target, weights=weights, population=population,
                                population_column=population_column)
    ids = _table_keys(df)
    unknown = sorted(set(ids) - set(table["source_id"]))
    if unknown:
        raise LorVersionError(f"{len(unknown)} planungsraum_id have no crosswalk entry, e.g. {unknown[:3]}. "
                              f"Check that the table is on LOR {source}")
    work = pd.DataFrame(df[[*by, *values]]).assign(source_id=ids.to_numpy())
    merged = work.merge(table[["source_id", "target_id", "share"]], on="source_id", how="inner")
    for v in values:
        merged[v] = pd.to_numeric(merged[v], errors="coerce").astype(float) * merged["share"]
    out = (merged.groupby([*by, "target_id"], sort=True, dropna=False)[values].sum(min_count=1)
           .reset_index().rename(columns={"target_id": "planungsraum_id"}))
    pos = len(by) + 1
    for parent in ("bezirksregion_id", "prognoseraum_id", "bezirk_id"):
        out.insert(pos, parent, out["planungsraum_id"].str[:KEY_LENGTH[parent]])
        pos += 1
    out.insert(pos, "lor_version", target)
    return with_sources(out, df, table)

