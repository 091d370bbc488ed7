"""Read WFS GetFeature answers in GML (3.2 or 3.1/2) with defusedxml (private)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import FormatError
from ._crs import infer_crs

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

_GML = "{http://www.opengis.net/gml/3.2}"
_GML_NS = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
#: The largest XML (GML) file read, bare or unpacked from a zip archive.
MAX_XML_BYTES = 1_000_000_000


def _safe_xml(path: Path) -> Any:
    """Parse XML with defusedxml: DTDs, entities and external references are refused."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import parse

    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise FormatError(f"{path.name} is {size:,} bytes, more than the {MAX_XML_BYTES:,} a GML may have; "
                          "request the layer in parts or as GeoJSON")
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
