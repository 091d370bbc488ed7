"""Read Berlin's boundary files and normalise them to canonical columns (private).

Used by the parsers in :mod:`lichtenberg_data.sources` of every topic, these readers turn
any of the variants the portals and their mirrors publish - WFS GML 3.2, WFS GeoJSON,
GeoJSON in EPSG:25833 without a ``crs`` member, CRS84/EPSG:4326 GeoJSON, zipped shapefiles,
uppercase FIS-Broker attributes (``PGR_ID``, ``BEZ``) or lowercase GDI attributes
(``plr_id``, ``bez`` = ``"01 - Mitte"``) - into tables with the canonical columns of
:mod:`lichtenberg_data.geo`, always in EPSG:25833. Keys are strings with leading zeros.
Names are repaired (double-encoded UTF-8 such as ``NeukÃ¶lln``) and checked against the
official lists; a name that matches nothing is a
:class:`~lichtenberg_data._errors.FormatError`, never a silent new area.

The spatial API built on these tables is in :mod:`lichtenberg_data.geo`.
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

from .._errors import FormatError, UnknownDistrictError
from ..names import BEZIRKE, KEY_LENGTH, ORTSTEILE, bezirk_id, fold
from ..names import BOUNDARY_COLUMNS as COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "CRS", "COLUMNS", "read_geofile", "read_gml", "read_geojson", "infer_crs", "repair_text",
    "normalise_bezirke", "normalise_ortsteile", "normalise_lor",
]

#: The CRS every processed geometry is stored in (ETRS89 / UTM zone 33N).
CRS = "EPSG:25833"


#: Where Berlin lies, with a margin, in EPSG:25833 and in WGS84 longitude/latitude.
BERLIN_25833 = (360_000.0, 5_790_000.0, 420_000.0, 5_850_000.0)
BERLIN_WGS84 = (13.0, 52.3, 13.8, 52.7)


# =========================================================================== text

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


def _bezirk_ids(names: pd.Series) -> pd.Series:
    """The ``bezirk_id`` of each Bezirk name in a file; a name of no Bezirk is a FormatError."""
    uniq = {}
    for v in names.dropna().unique():
        try:
            uniq[v] = bezirk_id(v)
        except UnknownDistrictError:
            raise FormatError(f"the file names a Bezirk {v!r} that is not a Berlin Bezirk "
                              f"({', '.join(BEZIRKE.values())}). Check the file") from None
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
            table[fold(name)] = (bez, name)
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
    unknown = sorted({n for n in names.dropna() if fold(n) not in lookup} | ({None} if names.isna().any() else set()),
                     key=str)
    if unknown:
        raise FormatError(f"unknown Ortsteil name(s) {unknown[:5]}; not in the official list of Berlin's "
                          "Ortsteile. Check the file (or update names.ORTSTEILE for a new Ortsteil)")
    out = gdf.copy()
    out["ortsteil"] = names.map(lambda n: lookup[fold(n)][1])
    out["bezirk_id"] = names.map(lambda n: lookup[fold(n)][0])
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
    left = out[on].apply(lambda s: s.map(fold))
    right = keys[[*on, own]].copy()
    right[on] = right[on].apply(lambda s: s.map(fold))
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
