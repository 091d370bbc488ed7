"""Read Overpass API answers (JSON) into one row per tagged OpenStreetMap object.

No network here: :mod:`lichtenberg_data.sources.osm` downloads, this module reads what Overpass
answered, in each of its output forms:

* ``out center`` / ``out tags center``: nodes with ``lat``/``lon``; ways and relations with a
  ``center`` (the middle of their bounding box);
* ``out body; >; out skel qt;``: ways with ``nodes`` (node ids), relations with ``members``
  (ways and nodes by ``ref``); the nodes (mostly untagged) and member ways listed separately;
* ``out geom``: ways with a ``geometry`` list, relations whose members carry a ``geometry``
  (ways) or ``lat``/``lon`` (nodes).

One row per element that has tags. Untagged nodes and ways only carry the geometry of others
and are no objects; an element listed twice is kept once (the first listing).

Columns
-------
``osm_type`` (``node``/``way``/``relation``), ``osm_id`` (int64), the tag columns of
:data:`TAG_COLUMNS` (``name``, ``shop``, ``amenity``, ``tourism``, ``brand``, ``operator``,
``addr_street``, ``addr_housenumber``, ``addr_postcode``, ``opening_hours``, ``website``; a
missing tag is empty), columns for further keys where asked (``keys=``), the JSON column ``tags``
with every tag of the object where asked (``all_tags=True``; read it with ``json.loads`` or
DuckDB's JSON functions), ``geometry_source`` and ``geometry``: a point in EPSG:25833, taken in
this order:

``node``
    the node's position;
``way_polygon`` / ``way_line``
    the centroid of a closed way's polygon, else of the way's line (``out geom`` or node ids
    resolved in the answer);
``relation_members``
    the centroid of the relation's member geometry; for ``type=multipolygon``/``boundary`` the
    outer rings (assembled from their member ways) minus the inner rings;
``center``
    the ``center`` Overpass computed (the middle of the bounding box), where the answer has no
    geometry of the object;
``None``
    no position in the answer (``out tags`` without ``center``): the geometry is empty.

A ``remark`` saying the query timed out or ran out of memory marks a partial answer:
:func:`load_answer` refuses it (the elements it has are an arbitrary part of the result).

>>> doc = {"osm3s": {"timestamp_osm_base": "2025-09-28T09:54:00Z"}, "elements": [
...     {"type": "node", "id": 1, "lat": 52.5, "lon": 13.5, "tags": {"shop": "bakery", "name": "B"}},
...     {"type": "node", "id": 2, "lat": 52.5, "lon": 13.6}]}
>>> df = read_overpass(doc)
>>> df[["osm_type", "osm_id", "name", "shop", "geometry_source"]].values.tolist()
[['node', 1, 'B', 'bakery', 'node']]
>>> df.crs.to_epsg(), round(df.geometry.x.iloc[0])
(25833, 398178)
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import FormatError
from ._geometry import CRS, Geometry, transformer

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["TAG_COLUMNS", "COLUMNS", "read_overpass", "load_answer", "check_complete", "elements_frame",
           "answer_timestamp", "column_name"]

#: Columns taken from single tags (column name to OSM key).
TAG_COLUMNS: dict[str, str] = {
    "name": "name", "shop": "shop", "amenity": "amenity", "tourism": "tourism", "brand": "brand",
    "operator": "operator", "addr_street": "addr:street", "addr_housenumber": "addr:housenumber",
    "addr_postcode": "addr:postcode", "opening_hours": "opening_hours", "website": "website",
}
#: All columns of the table, in order.
COLUMNS = ("osm_type", "osm_id", *TAG_COLUMNS, "tags", "geometry_source", "geometry")

_PARTIAL = re.compile(r"runtime error|timed out|out of memory", re.IGNORECASE)
_HTML_ERROR = re.compile(rb"<strong[^>]*>\s*Error\s*</strong>\s*:?(.*?)</p>", re.IGNORECASE | re.DOTALL)
_NO_CENTER: dict = {}


# =========================================================================== the answer

def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml"):  # Overpass error pages are XHTML with an XML declaration
        text = text[text.find(b"?>") + 2:].lstrip()
    return text.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _html_error(body: bytes) -> str:
    """The error message of an Overpass HTML error page, if it has one."""
    found = _HTML_ERROR.search(body[:20_000])
    if not found:
        return ""
    text = re.sub(r"<[^>]+>", "", found.group(1).decode("utf-8", "replace"))
    return ": " + " ".join(html.unescape(text).split())[:200]


def _read_body(source: bytes | str | os.PathLike) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, "the answer"
    path = Path(source)
    return path.read_bytes(), path.name


def check_complete(doc: Mapping[str, Any], what: str = "the answer") -> None:
    """Refuse a partial answer: one whose ``remark`` says the query timed out or ran out of memory.

    Examples
    --------
    >>> check_complete({"elements": [], "remark": 'runtime error: Query timed out in "query" at line 3'})
    Traceback (most recent call last):
    ...
    lichtenberg_data._errors.FormatError: the answer is a partial Overpass answer (runtime error: Query timed out in "query" at line 3): refused. Run the query again later
    """
    remark = doc.get("remark")
    if isinstance(remark, str) and _PARTIAL.search(remark):
        raise FormatError(f"{what} is a partial Overpass answer ({' '.join(remark.split())[:200]}): refused. "
                          "Run the query again later")


def load_answer(source: bytes | str | os.PathLike | Mapping[str, Any], *, what: str | None = None) -> dict:
    """An Overpass JSON answer as a dict, checked: JSON, an ``elements`` list, not partial.

    Parameters
    ----------
    source
        The answer's bytes, a path to a saved answer, or the parsed dict.
    what
        How to name the answer in errors (default: the file name).

    Raises
    ------
    FormatError
        For an HTML page (with Overpass's error text where it has one), Overpass XML, a zip or
        xlsx file, malformed or truncated JSON, JSON that is no Overpass answer, a partial answer.
    """
    if isinstance(source, Mapping):
        doc: Any = dict(source)
        name = "the answer"
    else:
        body, name = _read_body(source)
        name = what or name
        head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
        if _looks_like_html(head):
            raise FormatError(f"{name} is an HTML page, not an Overpass JSON answer{_html_error(body)}")
        if head.startswith(b"<"):
            raise FormatError(f"{name} is XML, not JSON: request the answer with [out:json]")
        if head.startswith(b"PK"):
            raise FormatError(f"{name} is a zip or xlsx file, not an Overpass JSON answer")
        try:
            doc = json.loads(body)
        except ValueError:
            raise FormatError(f"{name} is not valid JSON ({len(body)} bytes; truncated, or another format)") from None
    name = what or name
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), list):
        keys = ", ".join(sorted(map(str, doc)))[:120] if isinstance(doc, dict) else type(doc).__name__
        raise FormatError(f"{name} is not an Overpass API answer (no 'elements' list; found: {keys})")
    check_complete(doc, name)
    return doc


def answer_timestamp(doc: Mapping[str, Any]) -> str | None:
    """The answer's data state, ``osm3s.timestamp_osm_base`` (ISO time in UTC), if given."""
    meta = doc.get("osm3s")
    stamp = meta.get("timestamp_osm_base") if isinstance(meta, Mapping) else None
    return stamp if isinstance(stamp, str) and stamp else None


def read_overpass(source: bytes | str | os.PathLike | Mapping[str, Any], *, keys: Sequence[str] = (),
                  all_tags: bool = False, what: str | None = None) -> gpd.GeoDataFrame:
    """Read an Overpass JSON answer into one row per tagged object (see the module docstring).

    ``keys`` adds columns for further OSM keys, ``all_tags`` the JSON column ``tags`` (see
    :func:`elements_frame`). ``attrs`` of the result carry ``osm_base``
    (:func:`answer_timestamp`) and ``remark``.
    """
    if what is None:
        what = Path(source).name if isinstance(source, (str, os.PathLike)) else "the answer"
    doc = load_answer(source, what=what)
    out = elements_frame(doc["elements"], keys=keys, all_tags=all_tags, what=what)
    out.attrs["osm_base"] = answer_timestamp(doc)
    out.attrs["remark"] = doc.get("remark")
    return out


# =========================================================================== the table

def column_name(key: str) -> str:
    """The column name of an OSM key (``addr:street`` becomes ``addr_street``).

    >>> column_name("brand:wikidata")
    'brand_wikidata'
    """
    return re.sub(r"[^0-9a-zA-Z_]", "_", key)


def elements_frame(elements: Sequence[Mapping[str, Any]], *, keys: Sequence[str] = (), all_tags: bool = False,
                   what: str = "the answer") -> gpd.GeoDataFrame:
    """The table of the tagged objects among Overpass ``elements`` (any answer form).

    Parameters
    ----------
    elements
        The ``elements`` list of an answer.
    keys
        Further OSM keys to read into columns of their own (named by :func:`column_name`).
    all_tags
        Add the column ``tags``: every tag of the object as a JSON object (costs about as much
        again as the whole table: one JSON encoding of all tags).
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    objects = [e for e in elements if e.get("tags")]
    wanted = {**TAG_COLUMNS, **{column_name(k): k for k in keys}}
    read = _Scalars(objects, tuple(dict.fromkeys(wanted.values())), what)
    columns: dict[str, Any] = {"osm_type": pd.Series(read.types, dtype=object), "osm_id": read.ids}
    for column, key in wanted.items():
        columns[column] = read.tag(key)
    if all_tags:
        columns["tags"] = pd.Series(_tags_json([e["tags"] for e in objects]), dtype=object)
    x, y, source = _locate(elements, objects, read)
    columns["geometry_source"] = pd.Series(source, dtype=object)
    geometry = shapely.points(x, y)
    geometry[np.isnan(x)] = None
    out = gpd.GeoDataFrame(pd.DataFrame(columns), geometry=gpd.GeoSeries(geometry, crs=CRS))
    key = read.ids * 4 + read.codes
    if len(np.unique(key)) < len(key):  # an element listed twice: keep its first listing
        first = np.sort(np.unique(key, return_index=True)[1])
        out = out.iloc[first].reset_index(drop=True)
    return out


class _Scalars:
    """Type, id, position and the wanted tags of every object, read in one pass by pyarrow."""

    def __init__(self, objects: list, keys: tuple[str, ...], what: str) -> None:
        import numpy as np
        import pyarrow as pa

        point = pa.struct([("lat", pa.float64()), ("lon", pa.float64())])
        spec = pa.struct([("type", pa.string()), ("id", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64()),
                          ("center", point), ("tags", pa.struct([(k, pa.string()) for k in keys]))])
        try:
            table = pa.array(objects, type=spec)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            table = pa.array([_as_text(e, keys, what) for e in objects], type=spec)
        fields = table.flatten()
        self.keys = keys
        self.types = fields[0].to_numpy(zero_copy_only=False)
        self.codes = np.select([self.types == "node", self.types == "way", self.types == "relation"], [0, 1, 2], -1)
        if (self.codes < 0).any() or fields[1].null_count:
            raise FormatError(f"{what} has elements without 'type'/'id' or of unknown type (the answer's format "
                              "changed, or it is no Overpass answer)")
        self.ids = fields[1].to_numpy()
        center = fields[4].flatten()
        lat, lon = fields[2].to_numpy(zero_copy_only=False), fields[3].to_numpy(zero_copy_only=False)
        self.is_node = self.codes == 0
        # a node's own position, else the center Overpass computed (missing: NaN)
        self.lat = np.where(self.is_node, lat, center[0].to_numpy(zero_copy_only=False))
        self.lon = np.where(self.is_node, lon, center[1].to_numpy(zero_copy_only=False))
        self._tags = fields[5].flatten()

    def tag(self, key: str) -> Any:
        """The values of one tag as a text column (missing: empty)."""
        import pandas as pd

        values = self._tags[self.keys.index(key)]
        return pd.Series(values.to_numpy(zero_copy_only=False), dtype=object)


def _as_text(element: Mapping[str, Any], keys: tuple[str, ...], what: str) -> dict:
    """An element with its id as integer and the wanted tags as text (for hand-edited answers)."""
    try:
        tags = element["tags"]
        return {"type": element.get("type"), "id": None if element.get("id") is None else int(element["id"]),
                "lat": element.get("lat"), "lon": element.get("lon"), "center": element.get("center"),
                "tags": {k: str(tags[k]) for k in keys if tags.get(k) is not None}}
    except (TypeError, ValueError, AttributeError):
        raise FormatError(f"{what} has an element that is no Overpass element: {str(element)[:120]}") from None


def _tags_json(tags: list[dict]) -> list[str]:
    """Each tag dict as JSON text: one encoder call for all, split at the object borders.

    The split is checked (a value holding ``},{`` would add a border): where the count does
    not match, every dict is encoded on its own.
    """
    if not tags:
        return []
    text = json.dumps(tags, ensure_ascii=False, separators=(",", ":"))
    parts = text[2:-2].split("},{")
    if len(parts) != len(tags):
        return [json.dumps(t, ensure_ascii=False, separators=(",", ":")) for t in tags]
    return ["{" + p + "}" for p in parts]


def _locate(elements: Sequence[Mapping[str, Any]], objects: list, read: _Scalars) -> tuple[Any, Any, Any]:
    """x, y (EPSG:25833, NaN where unknown) and the geometry source of each object."""
    import numpy as np

    known = ~(np.isnan(read.lat) | np.isnan(read.lon))
    source = np.where(known, np.where(read.is_node, "node", "center"), None).astype(object)
    x, y = transformer().transform(read.lon, read.lat)
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    geometry = Geometry(elements)
    for code, label in ((1, None), (2, "relation_members")):
        chosen = np.flatnonzero(read.codes == code)
        shaped = [i for i in chosen.tolist() if _has_shape(objects[i])]
        if not shaped:
            continue
        members = [objects[i] for i in shaped]
        if label is None:
            cx, cy, polygon = geometry.way_centroids(members)
            names = np.where(polygon, "way_polygon", "way_line")
        else:
            cx, cy = geometry.relation_centroids(members)
            names = np.full(len(shaped), label, dtype=object)
        found = ~np.isnan(cx)
        at = np.asarray(shaped)[found]
        x[at], y[at], source[at] = cx[found], cy[found], names[found]
    return x, y, source


def _has_shape(element: Mapping[str, Any]) -> bool:
    """Whether a way or relation carries geometry or references to resolve."""
    return bool(element.get("geometry") or element.get("nodes") or element.get("members"))
