"""Geometry of Overpass answers (private to :mod:`lichtenberg_data.osm`): centroids of ways and
relations from ``geometry`` lists or node ids resolved in the answer, vectorised with numpy,
pyarrow and shapely; all coordinates in EPSG:25833.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["Geometry", "transformer", "CRS"]

CRS = "EPSG:25833"
_AREA_TYPES = {"multipolygon", "boundary"}


def transformer():
    """WGS84 longitude/latitude to EPSG:25833."""
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Geometry:
    """Way and relation geometry of one answer: ``geometry`` lists or node ids resolved in it."""

    def __init__(self, elements: Sequence[Mapping[str, Any]]) -> None:
        self.elements = elements
        self._nodes: tuple[Any, Any, Any] | None = None
        self._ways: dict[int, Mapping[str, Any]] | None = None

    # ------------------------------------------------------------------ lookups
    def nodes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sorted node ids and their lon, lat (every node with a position in the answer)."""
        import numpy as np

        if self._nodes is None:
            import pyarrow as pa

            spec = pa.struct([("type", pa.string()), ("id", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64())])
            try:
                table = pa.array(self.elements, type=spec).flatten()
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                table = pa.array([{k: e.get(k) for k in ("type", "lat", "lon")} | {"id": _int_or_none(e.get("id"))}
                                  for e in self.elements], type=spec).flatten()
            kind, ids, lat, lon = (t.to_numpy(zero_copy_only=False) for t in table)
            keep = (kind == "node") & ~np.isnan(lat) & ~np.isnan(lon) & ~table[1].is_null().to_numpy(zero_copy_only=False)
            ids = ids[keep].astype(np.int64)
            order = np.argsort(ids, kind="stable")
            self._nodes = (ids[order], lon[keep][order], lat[keep][order])
        return self._nodes

    def ways(self) -> dict[int, Mapping[str, Any]]:
        """Every way of the answer by id (members of relations in the ``out skel`` form)."""
        if self._ways is None:
            self._ways = {e["id"]: e for e in self.elements if e.get("type") == "way" and "id" in e}
        return self._ways

    def _split(self, ways: Sequence[Mapping[str, Any] | None]) -> tuple[list[int], list[int]]:
        """Positions of the ways given with a ``geometry`` list, and of those given as node ids."""
        by_geometry = [i for i, w in enumerate(ways) if w is not None and w.get("geometry")]
        by_nodes = [i for i, w in enumerate(ways) if w is not None and not w.get("geometry") and w.get("nodes")]
        return by_geometry, by_nodes

    @staticmethod
    def _geometry_points(ways: list[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat x, y (EPSG:25833) of the ways' ``geometry`` lists and the number of points of each."""
        import numpy as np

        lists = [w["geometry"] for w in ways]
        flat = list(chain.from_iterable(lists))
        if None in flat:  # out geom(bbox) leaves points outside the box empty
            lists = [[p for p in pts if p] for pts in lists]
            flat = list(chain.from_iterable(lists))
        lon = np.fromiter(map(itemgetter("lon"), flat), dtype=float, count=len(flat))
        lat = np.fromiter(map(itemgetter("lat"), flat), dtype=float, count=len(flat))
        x, y = transformer().transform(lon, lat)
        return np.asarray(x), np.asarray(y), np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))

    def _node_points(self, ways: list[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat x, y of the ways' nodes found in the answer (missing ones left out) and their counts."""
        import numpy as np

        ids, nlon, nlat = self.nodes()
        lists = [w["nodes"] for w in ways]
        refs = np.fromiter(chain.from_iterable(lists), dtype=np.int64)
        sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        if len(ids):
            pos = np.clip(np.searchsorted(ids, refs), 0, len(ids) - 1)
            known = ids[pos] == refs
        else:
            pos, known = np.zeros(len(refs), dtype=np.int64), np.zeros(len(refs), dtype=bool)
        owner = np.repeat(np.arange(len(ways)), sizes)[known]
        x, y = transformer().transform(nlon[pos[known]], nlat[pos[known]])
        return np.asarray(x), np.asarray(y), np.bincount(owner, minlength=len(ways)).astype(np.int64)

    def _subsets(self, ways: Sequence[Mapping[str, Any] | None]):
        """(positions, x, y, counts) for the ways given by geometry and for those given by node ids."""
        by_geometry, by_nodes = self._split(ways)
        if by_geometry:
            yield (by_geometry, *self._geometry_points([ways[i] for i in by_geometry]))
        if by_nodes:
            yield (by_nodes, *self._node_points([ways[i] for i in by_nodes]))

    def points(self, ways: Sequence[Mapping[str, Any] | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat x, y (EPSG:25833) of the ways' points, in the ways' order, and each way's count."""
        import numpy as np

        counts = np.zeros(len(ways), dtype=np.int64)
        parts = list(self._subsets(ways))
        for positions, _, _, sizes in parts:
            counts[positions] = sizes
        starts = np.cumsum(counts) - counts
        x, y = np.empty(int(counts.sum())), np.empty(int(counts.sum()))
        for positions, px, py, sizes in parts:
            at = _ranges(starts[positions], sizes)
            x[at], y[at] = px, py
        return x, y, counts

    # ------------------------------------------------------------------ centroids
    def way_centroids(self, ways: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centroid x, y (NaN without geometry) and whether it is a polygon's, for each way."""
        return _centroids(*self.points(ways))

    def relation_centroids(self, relations: Sequence[Mapping[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """Centroid x, y of each relation's member geometry (NaN where it has none).

        Multipolygons whose rings are closed member ways (the common case) are computed for all
        at once: the area-weighted centroids of the outer rings less those of the inner rings.
        Rings split over several ways, and other relations, are assembled one by one.
        """
        import numpy as np

        members, owner, inner = [], [], []
        for r, rel in enumerate(relations):
            for m in rel.get("members") or ():
                members.append(self._member(m))
                owner.append(r)
                inner.append(m.get("role") == "inner")
        n = len(relations)
        cx, cy = np.full(n, np.nan), np.full(n, np.nan)
        if not members:
            return cx, cy
        x, y, counts = self.points(members)
        rings = _Rings(x, y, counts, np.asarray(owner), np.asarray(inner), n)
        area = np.asarray([(rel.get("tags") or {}).get("type") in _AREA_TYPES for rel in relations])
        done = rings.simple_areas(area, cx, cy)
        for r in np.flatnonzero(rings.has_points & ~done):
            area_r = bool(area[r])
            cx[r], cy[r] = _relation_point(rings.parts(r), area_r)
        return cx, cy

    def _member(self, member: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """A member as a way-like dict: its geometry, its node ids, or a one-point geometry."""
        if member.get("geometry"):
            return member
        if "lat" in member and "lon" in member:
            return {"geometry": [{"lat": member["lat"], "lon": member["lon"]}]}
        if member.get("type") == "way":
            return self.ways().get(member.get("ref"))
        if member.get("type") == "node":
            return {"nodes": [member.get("ref")]}
        return None


class _Rings:
    """The member point sequences of relations, for centroids of multipolygons."""

    def __init__(self, x: np.ndarray, y: np.ndarray, counts: np.ndarray, owner: np.ndarray, inner: np.ndarray,
                 n: int) -> None:
        import numpy as np

        self.coords = np.column_stack([x, y])
        self.counts, self.owner, self.inner = counts, owner, inner
        self.ends = np.cumsum(counts)
        self.starts = self.ends - counts
        has = counts > 0
        self.closed = np.zeros(len(counts), dtype=bool)
        first, last = self.starts[has], self.ends[has] - 1
        self.closed[has] = (counts[has] >= 4) & (x[first] == x[last]) & (y[first] == y[last])
        self.has_points = np.zeros(n, dtype=bool)
        self.has_points[owner[has]] = True
        self.first_member = np.searchsorted(owner, np.arange(n + 1))

    def simple_areas(self, area: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
        """Fill the centroids of area relations whose rings are all closed ways; which were done."""
        import numpy as np
        import shapely

        open_member = (self.counts > 0) & ~self.closed
        simple = area & self.has_points
        simple[self.owner[open_member]] = False
        chosen = np.flatnonzero(self.closed & simple[self.owner])
        if not len(chosen):
            return simple
        take = _ranges(self.starts[chosen], self.counts[chosen])
        rings = shapely.linearrings(self.coords[take], indices=np.repeat(np.arange(len(chosen)), self.counts[chosen]))
        polygons = shapely.polygons(rings)
        weight = np.where(self.inner[chosen], -1.0, 1.0) * shapely.area(polygons)
        centre = shapely.get_coordinates(shapely.centroid(polygons))
        n = len(area)
        total = np.bincount(self.owner[chosen], weights=weight, minlength=n)
        sx = np.bincount(self.owner[chosen], weights=weight * centre[:, 0], minlength=n)
        sy = np.bincount(self.owner[chosen], weights=weight * centre[:, 1], minlength=n)
        done = simple & (total > 0)
        cx[done], cy[done] = sx[done] / total[done], sy[done] / total[done]
        return done

    def parts(self, r: int) -> list[tuple[str, np.ndarray]]:
        """(role, coordinates) of the members of relation ``r`` that have points."""
        return [("inner" if self.inner[m] else "outer", self.coords[self.starts[m]:self.ends[m]])
                for m in range(self.first_member[r], self.first_member[r + 1]) if self.counts[m]]


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + count)`` for each pair, vectorised."""
    import numpy as np

    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(counts)][:-1], counts)
    return np.arange(total) + offsets


def _centroids(x: np.ndarray, y: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centroids of point sequences: polygons where closed (>= 4 points), else lines, else points."""
    import numpy as np
    import shapely

    n = len(counts)
    cx, cy = np.full(n, np.nan), np.full(n, np.nan)
    ends = np.cumsum(counts)
    starts = ends - counts
    has = counts > 0
    first, last = starts[has], ends[has] - 1
    closed = np.zeros(n, dtype=bool)
    closed[has] = (counts[has] >= 4) & (x[first] == x[last]) & (y[first] == y[last])
    line = has & ~closed & (counts >= 2)
    single = has & (counts == 1)
    coords = np.column_stack([x, y])
    for mask, build in ((closed, lambda c, i: shapely.polygons(shapely.linearrings(c, indices=i))),
                        (line, lambda c, i: shapely.linestrings(c, indices=i))):
        chosen = np.flatnonzero(mask)
        if len(chosen):
            take = _ranges(starts[chosen], counts[chosen])
            geoms = build(coords[take], np.repeat(np.arange(len(chosen)), counts[chosen]))
            xy = shapely.get_coordinates(shapely.centroid(geoms), include_z=False)
            cx[chosen], cy[chosen] = xy[:, 0], xy[:, 1]
    cx[single], cy[single] = x[starts[single]], y[starts[single]]
    return cx, cy, closed


def _relation_point(parts: list[tuple[str, np.ndarray]], area: bool) -> tuple[float, float]:
    """The centroid of a relation's members: assembled rings for areas, else the members' own."""
    import shapely

    geoms = [shapely.points(c[0]) if len(c) == 1 else
             shapely.polygons(c) if len(c) >= 4 and (c[0] == c[-1]).all() else shapely.linestrings(c)
             for _, c in parts]
    shape = None
    if area:
        outer = [shapely.linestrings(c) for role, c in parts if role != "inner" and len(c) >= 2]
        inner = [shapely.linestrings(c) for role, c in parts if role == "inner" and len(c) >= 2]
        rings = shapely.polygonize(outer)
        if not rings.is_empty:
            shape = shapely.union_all(rings)
            if inner:
                shape = shapely.difference(shape, shapely.union_all(shapely.polygonize(inner)))
    if shape is None or shape.is_empty:
        shape = shapely.geometrycollections(geoms)
    point = shapely.centroid(shape)
    return (float("nan"), float("nan")) if point.is_empty else (point.x, point.y)
