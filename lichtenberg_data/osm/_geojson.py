"""GeoJSON exports of OpenStreetMap objects (a FeatureCollection of points, tags as properties).

Tools and scripts export Overpass answers as GeoJSON in several flavours; this reads the common
ones into the same table as :func:`lichtenberg_data.osm.elements_frame`:

* flat, as ``supermarkets_raw.geojson`` (OSM supermarkets of Berlin, 2025): properties ``element``
  (``node``/``way``/``relation``) and ``id``, the tags as properties, some renamed (``street``,
  ``housenumber``, ``postcode``, ``city`` for ``addr:*``; ``payment_cash`` for ``payment:cash``),
  and the point's ``latitude``/``longitude``;
* overpass-turbo / osmtogeojson: ``@id`` (or the feature ``id``) as ``node/123``, tags verbatim,
  meta keys starting with ``@``; older osmtogeojson nests them (``type``, ``id``, ``tags``).

A feature's point is its geometry (``geometry_source`` ``export_point``); a line or polygon is
reduced to its centroid (``export_centroid``). Coordinates are WGS84 unless the ``crs`` member
names another CRS. The data state is the export's ``timestamp`` (overpass-turbo) or
``osm3s.timestamp_osm_base``; an export that carries neither has none (the rows' ``osm_stand``
stays empty) - the file date is never taken for it.

``shop`` (from the file name, see :mod:`lichtenberg_data.sources.osm`) is the shop value of
features that carry no ``shop`` tag: an export of supermarkets that dropped the tag it was
selected by. It fills the ``shop`` column; the ``tags`` JSON keeps the tags as exported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._errors import FormatError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["is_feature_collection", "read_export", "export_timestamp", "ALIASES"]

#: Renamed tag keys of flat exports and the OSM key they stand for.
ALIASES = {"street": "addr:street", "housenumber": "addr:housenumber", "postcode": "addr:postcode",
           "city": "addr:city", "country": "addr:country", "suburb": "addr:suburb",
           "brand_wikidata": "brand:wikidata", "operator_wikidata": "operator:wikidata"}
#: Prefixes of flattened keys (``payment_cash`` is ``payment:cash``).
_PREFIXES = ("addr_", "payment_", "contact_", "diet_")
#: Properties that describe the feature, not the object's tags.
_META = {"element", "osm_type", "osm_id", "id", "latitude", "longitude", "lat", "lon"}
_TYPES = ("node", "way", "relation")
_FC = re.compile(rb'"type"\s*:\s*"FeatureCollection"')
_WGS84 = re.compile(r"CRS84|EPSG::?4326$|^EPSG:4326$|WGS ?84", re.IGNORECASE)


def is_feature_collection(body: bytes) -> bool:
    """Whether a JSON body is a GeoJSON FeatureCollection (looked for at its start and end).

    >>> is_feature_collection(b'{"type": "FeatureCollection", "features": []}')
    True
    >>> is_feature_collection(b'{"version": 0.6, "elements": []}')
    False
    """
    return bool(_FC.search(body[:65536]) or _FC.search(body[-65536:]))


def export_timestamp(doc: Mapping[str, Any]) -> str | None:
    """The data state an export states (``timestamp`` or ``osm3s.timestamp_osm_base``), if any."""
    stamp = doc.get("timestamp")
    meta = doc.get("osm3s")
    if not stamp and isinstance(meta, Mapping):
        stamp = meta.get("timestamp_osm_base")
    return stamp if isinstance(stamp, str) and stamp.strip() else None


def _key(name: str) -> str:
    if name in ALIASES:
        return ALIASES[name]
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return prefix[:-1] + ":" + name[len(prefix):]
    return name


def _identity(feature: Mapping[str, Any], props: Mapping[str, Any]) -> tuple[str | None, Any]:
    """The OSM type and id of a feature in any of the flavours."""
    kind = props.get("element") or props.get("osm_type")
    if kind in _TYPES:
        return kind, props.get("id", props.get("osm_id"))
    ref = props.get("@id") or feature.get("id") or props.get("id")
    if isinstance(ref, str) and "/" in ref:
        kind, _, number = ref.partition("/")
        return kind, number
    if props.get("type") in _TYPES and isinstance(props.get("tags"), Mapping):
        return props["type"], props.get("id")
    return None, None


def _tags(props: Mapping[str, Any]) -> dict[str, str]:
    nested = props.get("tags")
    if isinstance(nested, Mapping) and props.get("type") in _TYPES:
        items = nested.items()
    else:
        items = ((k, v) for k, v in props.items() if k not in _META and not k.startswith("@"))
    return {_key(str(k)): (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
            for k, v in items if v is not None and v != ""}


def _transformer(doc: Mapping[str, Any], what: str) -> Any:
    """A lon/lat → EPSG:25833 transformer for the export's CRS (None: already EPSG:25833)."""
    from pyproj import CRS, Transformer

    crs = doc.get("crs")
    name = crs.get("properties", {}).get("name", "") if isinstance(crs, Mapping) else ""
    if not name or _WGS84.search(name):
        return Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)
    try:
        source = CRS.from_user_input(name)
    except Exception:  # noqa: BLE001 - pyproj raises its own error types
        raise FormatError(f"{what} names an unknown CRS {name!r}") from None
    return None if source.to_epsg() == 25833 else Transformer.from_crs(source, "EPSG:25833", always_xy=True)


def _point(geometry: Any) -> tuple[float, float, str]:
    import shapely

    if not isinstance(geometry, Mapping):
        return float("nan"), float("nan"), ""
    if geometry.get("type") == "Point":
        x, y = geometry["coordinates"][:2]
        return float(x), float(y), "export_point"
    shape = shapely.from_geojson(json.dumps(geometry))
    centre = shapely.centroid(shape)
    return (float("nan"), float("nan"), "") if centre.is_empty else (centre.x, centre.y, "export_centroid")


def read_export(body: bytes, *, shop: str | None = None, what: str = "the export") -> gpd.GeoDataFrame:
    """Read a GeoJSON export of OSM objects into the table of :func:`lichtenberg_data.osm.elements_frame`.

    Parameters
    ----------
    body
        The file's bytes.
    shop
        Shop value of features without a ``shop`` tag (given by the file name or the caller).
    what
        How to name the file in errors.

    Returns
    -------
    geopandas.GeoDataFrame
        ``osm_type``, ``osm_id`` (int64), the tag columns of :data:`lichtenberg_data.osm.TAG_COLUMNS`,
        ``tags`` (JSON), ``geometry_source`` and the point in EPSG:25833; ``attrs["osm_base"]``
        is the export's data state (or ``None``).

    Raises
    ------
    FormatError
        For JSON that is no FeatureCollection, features without OSM type and id, or without a
        position.

    Examples
    --------
    >>> doc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {"element": "way", "id": 7, "name": "M", "street": "Allee"},
    ...     "geometry": {"type": "Point", "coordinates": [13.5, 52.5]}}]}
    >>> df = read_export(json.dumps(doc).encode(), shop="supermarket")
    >>> df[["osm_type", "osm_id", "shop", "addr_street", "geometry_source"]].values.tolist()
    [['way', 7, 'supermarket', 'Allee', 'export_point']]
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from ._answers import TAG_COLUMNS

    try:
        doc = json.loads(body)
    except ValueError:
        raise FormatError(f"{what} is not valid JSON ({len(body)} bytes; truncated, or another format)") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise FormatError(f"{what} is no GeoJSON FeatureCollection of OSM objects (no 'features' list)")
    rows, xs, ys, sources = [], [], [], []
    for feature in features:
        if not isinstance(feature, Mapping):
            raise FormatError(f"{what} has a feature that is no GeoJSON feature: {str(feature)[:80]}")
        props = feature.get("properties") or {}
        kind, number = _identity(feature, props)
        try:
            osm_id = int(number)
        except (TypeError, ValueError):
            kind = None
        if kind not in _TYPES:
            raise FormatError(f"{what} has a feature without OSM type and id (expected 'element' and 'id', "
                              f"or '@id' like 'node/123'): {json.dumps(props, ensure_ascii=False)[:120]}")
        x, y, source = _point(feature.get("geometry"))
        if not source:
            raise FormatError(f"{what}: {kind} {osm_id} has no position (geometry)")
        rows.append((kind, osm_id, _tags(props)))
        xs.append(x)
        ys.append(y)
        sources.append(source)
    transform = _transformer(doc, what)
    x, y = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if transform is not None:
        x, y = (np.asarray(v, dtype=float) for v in transform.transform(x, y))
    columns: dict[str, Any] = {"osm_type": pd.Series([r[0] for r in rows], dtype=object),
                               "osm_id": np.asarray([r[1] for r in rows], dtype=np.int64)}
    for column, key in TAG_COLUMNS.items():
        columns[column] = pd.Series([r[2].get(key) for r in rows], dtype=object)
    if shop:
        columns["shop"] = columns["shop"].where(columns["shop"].notna(), shop)
    columns["tags"] = pd.Series([json.dumps(r[2], ensure_ascii=False, separators=(",", ":")) for r in rows],
                                dtype=object)
    columns["geometry_source"] = pd.Series(sources, dtype=object)
    out = gpd.GeoDataFrame(pd.DataFrame(columns), geometry=gpd.GeoSeries(shapely.points(x, y), crs="EPSG:25833"))
    out = out.drop_duplicates(["osm_type", "osm_id"], keep="first").reset_index(drop=True)
    out.attrs["osm_base"] = export_timestamp(doc)
    return out
